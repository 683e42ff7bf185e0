/* reader.c - the corpus reader's state machine: walk paths, open each file
 * as JSON Lines or as a plain-text item, hand each record to the decoder
 * (decode.c), hand out one document at a time, skip (with a message) what
 * cannot be used, and count.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "../common/mem.h"
#include "internal.h"

struct cp_reader {
    cp_options opt;
    cp_walk *walk;
    cp_lines *lines;        /* open JSON Lines file, or NULL */
    int drop_file;          /* the open JSON Lines file turned out binary */
    const char *path;       /* current file (owned by walk) */
    cp_decoder *dec;
    arena_t arena;
    buf_t raw;              /* whole text file */
    cp_stats stats;
    uint64_t bytes_done;    /* of files finished */
};

static const char *const skip_names[CP_SKIP__COUNT] = {
    [CP_SKIP_BROKEN_JSON] = "broken-json", [CP_SKIP_NO_ID] = "no-id",
    [CP_SKIP_NO_TEXT] = "empty",           [CP_SKIP_TOO_BIG] = "too-big",
    [CP_SKIP_BINARY] = "binary",           [CP_SKIP_UNREADABLE] = "unreadable",
};

const char *cp_skip_name(cp_skip why)
{
    return (unsigned)why < CP_SKIP__COUNT ? skip_names[why] : "?";
}

rc_t cp_open(const char *const *paths, size_t n, const cp_options *opt, cp_reader **out,
             err_t *err)
{
    *out = NULL;
    cp_reader *rd = mem_calloc(1, sizeof *rd);
    if (!rd)
        return err_set(err, RC_NOMEM, "out of memory opening the corpus reader");
    if (opt)
        rd->opt = *opt;
    if (!rd->opt.max_doc_bytes)
        rd->opt.max_doc_bytes = CP_DEFAULT_MAX_DOC_BYTES;
    arena_init(&rd->arena, 256 * 1024);
    buf_init(&rd->raw);
    rc_t rc = decoder_open(&rd->opt, &rd->dec, err);
    if (rc != RC_OK) {
        cp_close(rd);
        return rc;
    }
    if (walk_open(paths, n, &rd->walk) != RC_OK) {
        cp_close(rd);
        return err_set(err, RC_NOMEM, "out of memory opening the corpus reader");
    }
    *out = rd;
    return RC_OK;
}

void cp_close(cp_reader *rd)
{
    if (!rd)
        return;
    lines_close(rd->lines);
    walk_close(rd->walk);
    decoder_close(rd->dec);
    arena_free(&rd->arena);
    buf_free(&rd->raw);
    mem_free(rd);
}

const cp_stats *cp_get_stats(const cp_reader *rd)
{
    return &rd->stats;
}

uint64_t cp_bytes_done(const cp_reader *rd)
{
    return rd->bytes_done + (rd->lines ? lines_file_bytes(rd->lines) : 0);
}

static void warn(cp_reader *rd, const char *msg)
{
    if (rd->opt.warn)
        rd->opt.warn(rd->opt.warn_ctx, msg);
}

static void skip(cp_reader *rd, cp_skip why, const err_t *e)
{
    rd->stats.n_skipped[why]++;
    warn(rd, e->msg);
}

static int is_jsonl_name(const char *path)
{
    static const char *const suffixes[] = {".jsonl", ".ndjson", ".json", ".jsonl.zst",
                                           ".ndjson.zst", ".json.zst", ".zst"};
    if (!strcmp(path, "-"))
        return 1;
    size_t n = strlen(path);
    for (size_t i = 0; i < sizeof suffixes / sizeof suffixes[0]; i++) {
        size_t m = strlen(suffixes[i]);
        if (n >= m && !strcmp(path + n - m, suffixes[i]))
            return 1;
    }
    return 0;
}

/* Count a document handed out. */
static void count_doc(cp_reader *rd, const cp_doc *doc)
{
    if (doc->flags & CP_DOC_LANG_GUESSED)
        rd->stats.n_lang_guessed++;
    if (doc->flags & CP_DOC_INVALID_UTF8)
        rd->stats.n_invalid_utf8++;
    if (doc->flags & CP_DOC_CONVERTED)
        rd->stats.n_converted++;
    if (doc->flags & CP_DOC_REPAIRED)
        rd->stats.n_repaired++;
    rd->stats.n_docs++;
}

/* Read a whole text file; RC_BADINPUT (with *why) when it cannot be used. */
static rc_t read_text_file(cp_reader *rd, const char *path, cp_doc *doc, cp_skip *why, err_t *err)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        *why = CP_SKIP_UNREADABLE;
        return err_set(err, RC_BADINPUT, "%s: %s, skipped", path, strerror(errno));
    }
    buf_reset(&rd->raw);
    rc_t rc = RC_OK;
    struct stat st;
    if (fstat(fileno(f), &st) == 0 && S_ISREG(st.st_mode) && (size_t)st.st_size <= rd->opt.max_doc_bytes)
        buf_reserve(&rd->raw, (size_t)st.st_size, &rc); /* one allocation, not log2(size) */
    unsigned char chunk[65536];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0) {
        if (rd->raw.len + n > rd->opt.max_doc_bytes) {
            fclose(f);
            *why = CP_SKIP_TOO_BIG;
            return err_set(err, RC_BADINPUT, "%s: document larger than %zu bytes (--max-doc-size), skipped",
                           path, rd->opt.max_doc_bytes);
        }
        buf_append(&rd->raw, chunk, n, &rc);
        if (rc != RC_OK) {
            fclose(f);
            return err_set(err, rc, "out of memory reading %s", path);
        }
    }
    int read_error = ferror(f);
    fclose(f);
    if (read_error) {
        *why = CP_SKIP_UNREADABLE;
        return err_set(err, RC_BADINPUT, "%s: read error, skipped", path);
    }
    rc = decode_text_file(rd->dec, &rd->arena, path, (const char *)buf_cstr(&rd->raw), rd->raw.len,
                          doc, why, err);
    if (rc == RC_OK) {
        doc->file = path;
        doc->line = 1;
    }
    return rc;
}

/* Next record of the open JSON Lines file: RC_OK, RC_BADINPUT (skipped),
 * RC_NOTFOUND (end of file) or a fatal code. */
static rc_t next_json(cp_reader *rd, cp_doc *doc, cp_skip *why, err_t *err)
{
    for (;;) {
        const char *line;
        size_t len;
        int too_long;
        rc_t rc = lines_next(rd->lines, rd->opt.max_doc_bytes, &line, &len, &too_long, err);
        if (rc != RC_OK)
            return rc;
        size_t lineno = lines_lineno(rd->lines);
        if (lineno == 1 && lines_binary(rd->lines)) {
            rd->stats.n_read++;
            rd->drop_file = 1; /* one message for the file, not one per "line" */
            *why = CP_SKIP_BINARY;
            return err_set(err, RC_BADINPUT, "%s: binary file (%s), skipped", rd->path,
                           lines_binary(rd->lines));
        }
        if (too_long) {
            rd->stats.n_read++;
            *why = CP_SKIP_TOO_BIG;
            return err_set(err, RC_BADINPUT, "%s:%zu: record of %zu bytes is larger than %zu (--max-doc-size), skipped",
                           rd->path, lineno, len, rd->opt.max_doc_bytes);
        }
        size_t i = 0;
        while (i < len && (line[i] == ' ' || line[i] == '\t'))
            i++;
        if (i == len)
            continue; /* blank lines are allowed */
        rd->stats.n_read++;
        rc = decode_json_line(rd->dec, &rd->arena, rd->path, lineno, lines_charset(rd->lines),
                              line, len, doc, why, err);
        if (rc == RC_OK) {
            doc->file = rd->path;
            doc->line = lineno;
        }
        return rc;
    }
}

rc_t cp_next(cp_reader *rd, cp_doc *doc, err_t *err)
{
    for (;;) {
        arena_reset(&rd->arena);
        err_t e;
        err_clear(&e);
        cp_skip why = CP_SKIP_UNREADABLE;
        rc_t rc;
        if (rd->lines) {
            rc = next_json(rd, doc, &why, &e);
            if (rc == RC_OK) {
                count_doc(rd, doc);
                return RC_OK;
            }
            if (rc == RC_BADINPUT) {
                skip(rd, why, &e);
                if (!rd->drop_file)
                    continue;
                rc = RC_NOTFOUND;
            }
            rd->bytes_done += lines_file_bytes(rd->lines);
            rd->drop_file = 0;
            lines_close(rd->lines);
            rd->lines = NULL;
            if (rc == RC_NOTFOUND)
                continue;
            if (rc == RC_NOMEM || rc == RC_INTERNAL)
                return err_set(err, rc, "%s", e.msg);
            /* A read error ends this file, not the run. */
            rd->stats.n_skipped[CP_SKIP_UNREADABLE]++;
            warn(rd, e.msg);
            continue;
        }
        const char *path;
        size_t n_bad_paths = 0;
        rc = walk_next(rd->walk, &path, rd->opt.warn, rd->opt.warn_ctx, &n_bad_paths);
        rd->stats.n_skipped[CP_SKIP_UNREADABLE] += n_bad_paths;
        rd->stats.n_read += n_bad_paths;
        if (rc == RC_NOTFOUND)
            return RC_NOTFOUND;
        if (rc != RC_OK)
            return err_set(err, rc, "out of memory walking the input paths");
        rd->path = path;
        rd->stats.n_files++;
        if (is_jsonl_name(path)) {
            decoder_start_file(rd->dec);
            rc = lines_open(path, &rd->lines, &e);
            if (rc == RC_NOMEM)
                return err_set(err, rc, "%s", e.msg);
            if (rc != RC_OK) {
                rd->stats.n_read++;
                skip(rd, CP_SKIP_UNREADABLE, &e);
            }
            continue;
        }
        rd->stats.n_read++;
        rc = read_text_file(rd, path, doc, &why, &e);
        rd->bytes_done += rd->raw.len;
        if (rc == RC_OK) {
            count_doc(rd, doc);
            return RC_OK;
        }
        if (rc != RC_BADINPUT)
            return err_set(err, rc, "%s", e.msg);
        skip(rd, why, &e);
    }
}
