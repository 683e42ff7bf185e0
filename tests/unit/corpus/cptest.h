/* cptest.h - helpers the corpus unit tests share: collect the reader's
 * messages, and read every document under some paths into one string, one
 * document per entry in the caller's format. */
#ifndef TESTS_UNIT_CORPUS_CPTEST_H
#define TESTS_UNIT_CORPUS_CPTEST_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../../common/buf.h"
#include "../../../corpus/cp.h"

typedef struct {
    char msgs[32][600];
    int n;
} warnings;

static inline void collect_warn(void *ctx, const char *msg)
{
    warnings *w = ctx;
    if (w->n < 32)
        snprintf(w->msgs[w->n++], sizeof w->msgs[0], "%s", msg);
}

/* The messages, one per line. */
static inline char *warnings_joined(const warnings *w)
{
    buf_t b;
    buf_init(&b);
    rc_t rc = RC_OK;
    for (int i = 0; i < w->n; i++) {
        buf_append_str(&b, w->msgs[i], &rc);
        buf_append_str(&b, "\n", &rc);
    }
    char *s = strdup(buf_cstr(&b));
    buf_free(&b);
    return s;
}

/* Read every document under paths with options o (warn is set here);
 * fmt appends one document to the output.  Returns a malloc'ed string. */
static inline char *cpt_read(const char *const *paths, size_t n, cp_options o, warnings *w,
                             cp_stats *stats, void (*fmt)(buf_t *out, const cp_doc *d, rc_t *prc))
{
    o.warn = collect_warn;
    o.warn_ctx = w;
    cp_reader *rd;
    err_t err;
    err_clear(&err);
    assert_int_equal(cp_open(paths, n, &o, &rd, &err), RC_OK);
    buf_t out;
    buf_init(&out);
    rc_t rc, brc = RC_OK;
    cp_doc d;
    while ((rc = cp_next(rd, &d, &err)) == RC_OK)
        fmt(&out, &d, &brc);
    assert_int_equal(rc, RC_NOTFOUND);
    assert_int_equal(brc, RC_OK);
    if (stats)
        *stats = *cp_get_stats(rd);
    cp_close(rd);
    char *s = strdup(buf_cstr(&out));
    buf_free(&out);
    return s;
}

#endif
