/* fuzz_corpus.c - libFuzzer target for the corpus reader's document path:
 * bytes -> charset detection and conversion -> U+FFFD -> mojibake repair ->
 * text-file parsing -> dates and language; then the same bytes split into
 * lines as JSON Lines records (per-line charset, BOM, json-c); then the
 * same bytes as a .jsonl file through the public reader (lines.c: BOMs,
 * UTF-16 streaming; reader.c: skips and counts).
 *
 * Checks beyond "no crash, no sanitizer report": every string of a
 * document is valid UTF-8 of the stated length without NUL bytes, the date
 * is "" or YYYY-MM-DD, and a skipped document says why. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../../common/mem.h"
#include "../../common/utf8.h"
#include "../../corpus/internal.h"

static void fail(const char *what, const char *s)
{
    fprintf(stderr, "fuzz_corpus: %s: \"%.200s\"\n", what, s ? s : "(null)");
    abort();
}

static void check_str(const char *what, const char *s, size_t len)
{
    if (!s || strlen(s) != len || utf8_valid_prefix(s, len) != len)
        fail(what, s);
}

static void check_doc(const cp_doc *d)
{
    check_str("id", d->id, strlen(d->id));
    check_str("title", d->title, d->title_len);
    check_str("text", d->text, d->text_len);
    check_str("lang", d->lang, strlen(d->lang));
    check_str("source", d->source, strlen(d->source));
    check_str("charset", d->charset, strlen(d->charset));
    check_str("repair", d->repair, strlen(d->repair));
    size_t n = strlen(d->date);
    if (n != 0 && (n != 10 || d->date[4] != '-' || d->date[7] != '-'))
        fail("date", d->date);
    if (!d->id[0])
        fail("empty id", d->id);
    if (!d->title_len && !d->text_len)
        fail("no title and no text", d->id);
}

static void check(rc_t rc, const cp_doc *doc, cp_skip why)
{
    if (rc == RC_OK)
        check_doc(doc);
    else if (rc != RC_BADINPUT || (unsigned)why >= CP_SKIP__COUNT)
        fail("unexpected return", rc_str(rc)); /* only memory can fail, and it does not here */
}

/* The bytes as a JSON Lines file, read with cp_open/cp_next. */
static void through_reader(const uint8_t *data, size_t size)
{
    char path[64];
    snprintf(path, sizeof path, "/tmp/fuzz_corpus-%d.jsonl", (int)getpid());
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
        check_doc(&doc);
        n++;
    }
    const cp_stats *st = cp_get_stats(rd);
    size_t skipped = 0;
    for (int i = 0; i < CP_SKIP__COUNT; i++)
        skipped += st->n_skipped[i];
    if (rc != RC_NOTFOUND || st->n_docs != n || st->n_read != n + skipped)
        fail("reader counts", err.msg);
    cp_close(rd);
    unlink(path);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    /* The decoder's contract: the bytes end in a NUL the caller owns. */
    char *buf = mem_alloc(size + 1);
    if (!buf)
        return 0;
    memcpy(buf, data, size);
    buf[size] = '\0';
    cp_options opt = {.max_doc_bytes = CP_DEFAULT_MAX_DOC_BYTES, .no_repair = size && (data[0] & 1)};
    cp_decoder *dc;
    err_t err;
    err_clear(&err);
    if (decoder_open(&opt, &dc, &err) != RC_OK)
        abort();
    arena_t a;
    arena_init(&a, 64 * 1024);
    cp_doc doc;
    cp_skip why = CP_SKIP__COUNT;
    check(decode_text_file(dc, &a, "fuzz.txt", buf, size, &doc, &why, &err), &doc, why);

    decoder_start_file(dc);
    size_t lineno = 0;
    for (char *p = buf, *end = buf + size; p < end;) {
        char *nl = memchr(p, '\n', (size_t)(end - p));
        char *e = nl ? nl : end;
        char save = *e;
        *e = '\0'; /* lines end in a NUL, as lines.c hands them out */
        lineno++;
        arena_reset(&a);
        err_clear(&err);
        why = CP_SKIP__COUNT;
        if (e > p)
            check(decode_json_line(dc, &a, "fuzz.jsonl", lineno, NULL, p, (size_t)(e - p), &doc, &why,
                                   &err), &doc, why);
        *e = save;
        p = e + 1;
    }
    arena_free(&a);
    decoder_close(dc);
    mem_free(buf);
    through_reader(data, size);
    return 0;
}
