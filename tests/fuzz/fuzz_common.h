/* fuzz_common.h - checks shared by the corpus-reader fuzz targets. */
#ifndef FUZZ_COMMON_H
#define FUZZ_COMMON_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../common/mem.h"
#include "../../common/utf8.h"
#include "../../corpus/internal.h"

static inline void fz_fail(const char *what, const char *s)
{
    fprintf(stderr, "fuzz: %s: \"%.200s\"\n", what, s ? s : "(null)");
    abort();
}

static inline void fz_check_str(const char *what, const char *s, size_t len)
{
    if (!s || strlen(s) != len || utf8_valid_prefix(s, len) != len)
        fz_fail(what, s);
}

/* Every string of a document is valid UTF-8 of the stated length without
 * NUL bytes, the date is "" or YYYY-MM-DD, and there is an id and
 * something to index. */
static inline void fz_check_doc(const cp_doc *d)
{
    fz_check_str("id", d->id, strlen(d->id));
    fz_check_str("title", d->title, d->title_len);
    fz_check_str("text", d->text, d->text_len);
    fz_check_str("lang", d->lang, strlen(d->lang));
    fz_check_str("source", d->source, strlen(d->source));
    fz_check_str("charset", d->charset, strlen(d->charset));
    fz_check_str("repair", d->repair, strlen(d->repair));
    size_t n = strlen(d->date);
    if (n != 0 && (n != 10 || d->date[4] != '-' || d->date[7] != '-'))
        fz_fail("date", d->date);
    if (!d->id[0])
        fz_fail("empty id", d->id);
    if (!d->title_len && !d->text_len)
        fz_fail("no title and no text", d->id);
}

/* Only RC_OK (a good document) or RC_BADINPUT with a reason are allowed;
 * memory does not run out here. */
static inline void fz_check(rc_t rc, const cp_doc *doc, cp_skip why)
{
    if (rc == RC_OK)
        fz_check_doc(doc);
    else if (rc != RC_BADINPUT || (unsigned)why >= CP_SKIP__COUNT)
        fz_fail("unexpected return", rc_str(rc));
}

/* What a decoder target works with: the bytes NUL-terminated in a copy it
 * owns (the decoders' contract), a decoder whose mojibake repair is off
 * when the first byte is odd (as --no-repair does), and an arena. */
typedef struct {
    char *buf;
    cp_decoder *dc;
    arena_t a;
} fz_input;

/* 0 when memory runs out (the input is then skipped). */
static inline int fz_input_open(fz_input *in, const uint8_t *data, size_t size)
{
    in->buf = mem_alloc(size + 1);
    if (!in->buf)
        return 0;
    memcpy(in->buf, data, size);
    in->buf[size] = '\0';
    cp_options opt = {.max_doc_bytes = CP_DEFAULT_MAX_DOC_BYTES, .no_repair = size && (data[0] & 1)};
    err_t err;
    err_clear(&err);
    if (decoder_open(&opt, &in->dc, &err) != RC_OK)
        abort();
    arena_init(&in->a, 64 * 1024);
    return 1;
}

static inline void fz_input_close(fz_input *in)
{
    arena_free(&in->a);
    decoder_close(in->dc);
    mem_free(in->buf);
}

#endif
