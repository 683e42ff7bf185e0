/* testutil.h - helpers for unit tests that need an index on disk. */
#ifndef TESTS_TESTUTIL_H
#define TESTS_TESTUTIL_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../indexer/ix.h"

static inline char *tu_tmpdir(void)
{
    char tmpl[] = "/tmp/se-test-XXXXXX";
    char *d = mkdtemp(tmpl);
    return d ? strdup(d) : NULL;
}

static inline void tu_rmrf(const char *dir)
{
    char cmd[512];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    if (system(cmd) != 0)
        fprintf(stderr, "could not remove %s\n", dir);
}

static inline ix_doc tu_doc(const char *id, const char *lang, const char *title, const char *text)
{
    ix_doc d;
    memset(&d, 0, sizeof d);
    d.id = id;
    d.lang = lang;
    d.title = title;
    d.title_len = strlen(title);
    d.text = text;
    d.text_len = strlen(text);
    d.date = "";
    d.source = "";
    return d;
}

/* Index docs[0..n) into dir (one run), deleting the ids in del[0..n_del). */
static size_t tu_batch_bytes; /* 0 = default; tests set it to force flushes */
static unsigned tu_threads;    /* analysis threads (0 = in the caller) */

static inline rc_t tu_index(const char *dir, const ix_doc *docs, size_t n, const char **del,
                            size_t n_del, ix_run_stats *rs, err_t *err)
{
    ix_writer *w;
    ix_writer_options o = ix_writer_options_default();
    o.batch_bytes = tu_batch_bytes;
    o.threads = tu_threads;
    rc_t rc = ix_writer_open(dir, &o, &w, err);
    if (rc != RC_OK)
        return rc;
    for (size_t i = 0; i < n_del && rc == RC_OK; i++) {
        int found;
        rc = ix_writer_delete(w, del[i], &found, err);
    }
    for (size_t i = 0; i < n && rc == RC_OK; i++) {
        ix_outcome out;
        rc = ix_writer_add(w, &docs[i], &out, err);
    }
    if (rc == RC_OK)
        rc = ix_writer_commit(w, rs, err);
    ix_writer_close(w);
    return rc;
}

#endif
