/* fuzz_jsonl.c - libFuzzer target for the JSON Lines reader: the bytes
 * split into lines, each through decode_json_line() (per-line charset,
 * json-c, fields, metadata); then the same bytes as a .jsonl file through
 * the public reader cp_open/cp_next (lines.c: BOMs, UTF-16 streaming, long
 * lines; reader.c: skips and counts), with a small document size limit so
 * the "too big" path runs too.  Every line jsonfast.c takes must read as
 * json-c reads it. */
#include <stdint.h>
#include <unistd.h>

#include "fuzz_common.h"

static void through_reader(const uint8_t *data, size_t size)
{
    char path[64];
    snprintf(path, sizeof path, "/tmp/fuzz_jsonl-%d.jsonl", (int)getpid());
    FILE *f = fopen(path, "wb");
    if (!f || fwrite(data, 1, size, f) != size || fclose(f) != 0)
        abort();
    const char *paths[] = {path};
    cp_options opt = {.max_doc_bytes = 4096};
    cp_reader *rd;
    err_t err;
    err_clear(&err);
    if (cp_open(paths, 1, &opt, &rd, &err) != RC_OK)
        abort();
    cp_doc doc;
    rc_t rc;
    size_t n = 0;
    while ((rc = cp_next(rd, &doc, &err)) == RC_OK) {
        fz_check_doc(&doc);
        n++;
    }
    const cp_stats *st = cp_get_stats(rd);
    size_t skipped = 0;
    for (int i = 0; i < CP_SKIP__COUNT; i++)
        skipped += st->n_skipped[i];
    if (rc != RC_NOTFOUND || st->n_docs != n || st->n_read != n + skipped)
        fz_fail("reader counts", err.msg);
    cp_close(rd);
    unlink(path);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fz_input in;
    if (!fz_input_open(&in, data, size))
        return 0;
    static void *tok;
    if (!tok && !(tok = jsonl_tokener_new()))
        abort();
    cp_doc doc;
    err_t err;
    decoder_start_file(in.dc);
    size_t lineno = 0;
    for (char *p = in.buf, *end = in.buf + size; p < end;) {
        char *nl = memchr(p, '\n', (size_t)(end - p));
        char *e = nl ? nl : end;
        char save = *e;
        *e = '\0'; /* lines end in a NUL, as lines.c hands them out */
        lineno++;
        arena_reset(&in.a);
        err_clear(&err);
        cp_skip why = CP_SKIP__COUNT;
        int used;
        if (!jsonl_fast_agrees(&in.a, tok, p, (size_t)(e - p), &used))
            fz_fail("jsonfast.c and json-c read a line differently", p);
        arena_reset(&in.a);
        if (e > p) {
            rc_t rc = decode_json_line(in.dc, &in.a, "fuzz.jsonl", lineno, NULL, p,
                                       (size_t)(e - p), &doc, &why, &err);
            fz_check(rc, &doc, why);
        }
        *e = save;
        p = e + 1;
    }
    fz_input_close(&in);
    through_reader(data, size);
    return 0;
}
