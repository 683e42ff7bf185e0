/* decode.c - the pipeline one document goes through, from raw bytes to a
 * cp_doc:
 *
 *   charset.c   BOM / UTF-16 / binary / UTF-8 / guessed charset -> UTF-8
 *   clean.c     what is still invalid -> U+FFFD, reported as file:line:byte
 *   repair.c    mojibake -> the intended characters (unless --no-repair)
 *   textfile.c  header lines, title, text        (or jsonl.c: the fields)
 *   meta.c      date from the dateline, language from the scripts
 *
 * A plain-text file is repaired as a whole before parsing, so that header
 * lines and title are repaired too; a JSON record field by field (title
 * and text), after parsing.  A JSON Lines file in another charset is
 * detected on its first line that is not UTF-8, and that charset is kept for
 * the rest of the file (one line is little text to guess from).
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "../common/mem.h"
#include "../common/utf8.h"
#include "internal.h"

struct cp_decoder {
    cp_options opt;
    cp_charset *cs;
    cp_repair *rp;
    void *tokener;
    const char *file_icu;     /* JSON Lines: charset of earlier lines of this file */
};

rc_t decoder_open(const cp_options *opt, cp_decoder **out, err_t *err)
{
    *out = NULL;
    cp_decoder *dc = mem_calloc(1, sizeof *dc);
    if (!dc)
        return err_set(err, RC_NOMEM, "out of memory opening the corpus reader");
    dc->opt = *opt;
    rc_t rc = charset_open(&dc->cs);
    if (rc == RC_OK)
        rc = repair_open(&dc->rp);
    if (rc == RC_OK && !(dc->tokener = jsonl_tokener_new()))
        rc = RC_NOMEM;
    if (rc != RC_OK) {
        decoder_close(dc);
        return err_set(err, rc, "%s opening the corpus reader",
                       rc == RC_NOMEM ? "out of memory" : "ICU has no GBK or windows-1251 converter");
    }
    *out = dc;
    return RC_OK;
}

void decoder_close(cp_decoder *dc)
{
    if (!dc)
        return;
    charset_close(dc->cs);
    repair_close(dc->rp);
    jsonl_tokener_free(dc->tokener);
    mem_free(dc);
}

void decoder_start_file(cp_decoder *dc)
{
    dc->file_icu = NULL;
}

static void warnf(const cp_decoder *dc, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void warnf(const cp_decoder *dc, const char *fmt, ...)
{
    if (!dc->opt.warn)
        return;
    char msg[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    dc->opt.warn(dc->opt.warn_ctx, msg);
}

/* What happened to a document on the way to clean UTF-8. */
typedef struct {
    unsigned flags;
    const char *charset;
    const char *repair;
} history;

/* u[0..ulen) -> clean UTF-8 copy in a, reporting what is invalid. */
static rc_t clean(const cp_decoder *dc, arena_t *a, const char *file, size_t line, size_t base,
                  const char *u, size_t ulen, const char **out, size_t *out_len, history *h,
                  err_t *err)
{
    /* Every caller's bytes end in a NUL: the reader's buffers and the
     * charset converter's output are NUL-terminated. */
    clean_ctx cc = {.file = file, .line = line, .base = base, .warn = dc->opt.warn,
                    .warn_ctx = dc->opt.warn_ctx, .lend = 1};
    size_t n_bad;
    char *c = clean_utf8(a, u, ulen, &cc, out_len, &n_bad);
    if (!c)
        return err_set(err, RC_NOMEM, "out of memory reading %s", file);
    if (n_bad)
        h->flags |= CP_DOC_INVALID_UTF8;
    *out = c;
    return RC_OK;
}

/* Record a conversion; report what ICU could not convert. */
static void note_conversion(const cp_decoder *dc, const charset_result *res, const char *where,
                            history *h)
{
    h->flags |= CP_DOC_CONVERTED;
    h->charset = res->name;
    if (res->n_subst) {
        h->flags |= CP_DOC_INVALID_UTF8;
        warnf(dc, "%s: %zu byte sequence%s not valid %s replaced with U+FFFD", where,
              res->n_subst, res->n_subst == 1 ? "" : "s", res->name);
    }
}

/* "gbk-as-latin1: 3 runs", joined with a second result when there is one. */
static rc_t describe_repair(arena_t *a, const repair_result *r1, const repair_result *r2,
                            history *h)
{
    char note[160];
    int n = 0;
    if (r1->scheme && r2->scheme && !strcmp(r1->scheme, r2->scheme)) {
        size_t runs = r1->n_runs + r2->n_runs;
        n = snprintf(note, sizeof note, "%s: %zu run%s", r1->scheme, runs, runs == 1 ? "" : "s");
    } else {
        const repair_result *rr[2] = {r1, r2};
        for (int i = 0; i < 2; i++)
            if (rr[i]->scheme)
                n += snprintf(note + n, sizeof note - (size_t)n, "%s%s: %zu run%s", n ? "; " : "",
                              rr[i]->scheme, rr[i]->n_runs, rr[i]->n_runs == 1 ? "" : "s");
    }
    if (!n)
        return RC_OK;
    h->flags |= CP_DOC_REPAIRED;
    h->repair = arena_strndup(a, note, (size_t)n);
    return h->repair ? RC_OK : RC_NOMEM;
}

/* Copy the history into the parsed document and complete its metadata. */
static rc_t finish(arena_t *a, cp_doc *doc, const history *h, const char *file, err_t *err)
{
    doc->flags |= h->flags;
    doc->charset = h->charset ? h->charset : "";
    doc->repair = h->repair ? h->repair : "";
    if (meta_complete(a, doc) != RC_OK)
        return err_set(err, RC_NOMEM, "out of memory reading %s", file);
    return RC_OK;
}

rc_t decode_text_file(cp_decoder *dc, arena_t *a, const char *path, const char *bytes,
                      size_t len, cp_doc *doc, cp_skip *why, err_t *err)
{
    history h = {0};
    charset_result res;
    const char *u;
    size_t ulen;
    rc_t rc = charset_decode(dc->cs, bytes, len, NULL, &u, &ulen, &res, err);
    if (rc != RC_OK)
        return rc;
    if (res.binary) {
        *why = CP_SKIP_BINARY;
        return err_set(err, RC_BADINPUT, "%s: binary file (%s), skipped", path, res.binary);
    }
    if (res.converted)
        note_conversion(dc, &res, path, &h);
    const char *text = NULL;
    size_t text_len = 0;
    if ((rc = clean(dc, a, path, 1, res.bom && !res.converted ? 3 : 0, u, ulen, &text, &text_len,
                    &h, err)) != RC_OK)
        return rc;
    repair_result rr = {0}, none = {0};
    if (!dc->opt.no_repair &&
        ((rc = repair_text(dc->rp, a, text, text_len, &text, &text_len, &rr)) != RC_OK ||
         (rc = describe_repair(a, &rr, &none, &h)) != RC_OK))
        return err_set(err, rc, "out of memory reading %s", path);
    parse_ctx pc = {.arena = a, .file = path, .line = 1, .max_doc_bytes = dc->opt.max_doc_bytes,
                    .warn = dc->opt.warn, .warn_ctx = dc->opt.warn_ctx};
    if ((rc = textfile_parse(&pc, text, text_len, doc, why, err)) != RC_OK)
        return rc;
    if (!(doc->id = arena_strndup(a, path, strlen(path))))
        return err_set(err, RC_NOMEM, "out of memory reading %s", path);
    return finish(a, doc, &h, path, err);
}

/* A JSON line that is not UTF-8: convert it with the file's charset, found
 * on the first such line.  UTF-16 cannot be split into lines at byte 0x0A,
 * so a guess of UTF-16 for one line is ignored. */
static rc_t convert_line(cp_decoder *dc, const char *line, size_t len, const char *where,
                         const char **u, size_t *ulen, history *h, err_t *err)
{
    charset_result res;
    rc_t rc = charset_decode(dc->cs, line, len, dc->file_icu, u, ulen, &res, err);
    if (rc != RC_OK)
        return rc;
    if (!res.converted || res.binary || !strncmp(res.name, "UTF-", 4)) {
        *u = line;
        *ulen = len;
        return RC_OK;
    }
    dc->file_icu = res.icu;
    note_conversion(dc, &res, where, h);
    return RC_OK;
}

rc_t decode_json_line(cp_decoder *dc, arena_t *a, const char *path, size_t lineno,
                      const char *file_charset, const char *line, size_t len, cp_doc *doc,
                      cp_skip *why, err_t *err)
{
    history h = {0};
    if (file_charset) {
        h.flags |= CP_DOC_CONVERTED;
        h.charset = file_charset;
    }
    size_t base = 0;
    if (lineno == 1 && len >= 3 && !memcmp(line, "\xEF\xBB\xBF", 3)) {
        line += 3;
        len -= 3;
        base = 3;
    }
    const char *text = line; /* lent: lines end in a NUL */
    size_t text_len = len;
    rc_t rc;
    if (utf8_valid_prefix(line, len) != len) { /* the one validation of a good line */
        char where[600];
        snprintf(where, sizeof where, "%s:%zu", path, lineno);
        const char *u;
        size_t ulen;
        if ((rc = convert_line(dc, line, len, where, &u, &ulen, &h, err)) != RC_OK ||
            (rc = clean(dc, a, path, lineno, u == line ? base : 0, u, ulen, &text, &text_len,
                        &h, err)) != RC_OK)
            return rc;
    }
    parse_ctx pc = {.arena = a, .file = path, .line = lineno,
                    .max_doc_bytes = dc->opt.max_doc_bytes, .warn = dc->opt.warn,
                    .warn_ctx = dc->opt.warn_ctx};
    if ((rc = jsonl_parse(&pc, dc->tokener, text, text_len, doc, why, err)) != RC_OK)
        return rc;
    repair_result r1 = {0}, r2 = {0};
    if (!dc->opt.no_repair &&
        ((rc = repair_text(dc->rp, a, doc->title, doc->title_len, &doc->title, &doc->title_len,
                           &r1)) != RC_OK ||
         (rc = repair_text(dc->rp, a, doc->text, doc->text_len, &doc->text, &doc->text_len,
                           &r2)) != RC_OK ||
         (rc = describe_repair(a, &r1, &r2, &h)) != RC_OK))
        return err_set(err, rc, "out of memory reading %s", path);
    return finish(a, doc, &h, path, err);
}
