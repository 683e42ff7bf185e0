/* internal.h - interfaces between the files of the corpus module. */
#ifndef CORPUS_INTERNAL_H
#define CORPUS_INTERNAL_H

#include <stdio.h>

#include "../common/arena.h"
#include "../common/buf.h"
#include "cp.h"

/* ---- Interface to code in walk.c: paths -> files ----------------------- */
typedef struct cp_walk cp_walk;

rc_t walk_open(const char *const *paths, size_t n, cp_walk **out);
void walk_close(cp_walk *w);
/* Next regular file (or "-") into *path (lent until the next call).
 * Returns RC_OK, RC_NOTFOUND at the end, RC_NOMEM; problems with single
 * paths (missing, unreadable directory) go to warn and are skipped, counted
 * in *n_bad. */
rc_t walk_next(cp_walk *w, const char **path, void (*warn)(void *, const char *), void *ctx,
               size_t *n_bad);
/* End of interface */

/* ---- Interface to code in lines.c: a file as a sequence of lines -------- */
typedef struct cp_lines cp_lines;

/* Open path ("-" = stdin); .zst files are decompressed on the fly. */
rc_t lines_open(const char *path, cp_lines **out, err_t *err);
void lines_close(cp_lines *l);
/* Next line without its "\n" (and "\r").  Lines longer than max_len are
 * consumed but not returned whole: *too_long is set and *len holds the full
 * length.  Returns RC_OK, RC_NOTFOUND at end of file, RC_IO, RC_NOMEM. */
rc_t lines_next(cp_lines *l, size_t max_len, const char **line, size_t *len, int *too_long,
                err_t *err);
size_t lines_lineno(const cp_lines *l);
/* Bytes read from the file so far (before decompression). */
uint64_t lines_file_bytes(const cp_lines *l);
/* "UTF-16LE", "UTF-16BE", "UTF-32LE", "UTF-32BE" when the file began with
 * that BOM and lines are being converted to UTF-8, else NULL. */
const char *lines_charset(const cp_lines *l);
/* Once a line was read: what makes the file binary (see charset_binary_why),
 * judged on its first 128 KB, or NULL. */
const char *lines_binary(const cp_lines *l);
/* End of interface */

/* ---- Interface to code in clean.c: bytes -> valid UTF-8 ----------------- */
/* Turns raw bytes into clean UTF-8 in the arena: invalid sequences and NULs
 * become U+FFFD, each reported through warn (if not NULL) as
 * "file:line:byte: ..." with line counted from cc->line at s[0].  Returns
 * the copy (NUL-terminated) or NULL on memory failure; *n_bad counts the
 * replacements.  With cc->lend, s[len] must be a NUL byte and clean input
 * is returned as s itself, without a copy (a 50 MB document is big enough). */
typedef struct {
    const char *file;
    size_t line;   /* line number of s[0] */
    size_t base;   /* byte offset of s[0] within that line */
    void (*warn)(void *, const char *);
    void *warn_ctx;
    int lend;      /* s[len] == '\0': clean input may be returned as it is */
} clean_ctx;

char *clean_utf8(arena_t *a, const char *s, size_t len, const clean_ctx *cc, size_t *out_len,
                 size_t *n_bad);
/* End of interface */

/* ---- Interface to code in charset.c: a document's bytes -> UTF-8 ------- */
/* Owns the ICU converters (opened on first use) and the output buffer.
 * Detection order: BOMs (UTF-8, UTF-32, UTF-16), UTF-16 without BOM, binary
 * check, (mostly) valid UTF-8, uchardet then ICU ucsdet limited to the
 * charsets we expect, ICU conversion.  See charset.c for the thresholds. */
typedef struct cp_charset cp_charset;

typedef struct {
    int converted;        /* 1: *out is a conversion from `name` */
    const char *name;     /* charset converted from ("windows-1251", "UTF-16LE"), else "" */
    const char *icu;      /* its ICU converter name, to pass back as a hint */
    int bom;              /* a byte order mark was found and dropped */
    size_t n_subst;       /* byte sequences ICU could not convert, now U+FFFD */
    const char *binary;   /* not text: what gave it away ("ELF executable"), else NULL */
} charset_result;

rc_t charset_open(cp_charset **out);   /* RC_OK or RC_NOMEM (*out = NULL) */
void charset_close(cp_charset *cs);    /* NULL is a no-op */
/* Decide how bytes[0..len) are encoded.  On RC_OK *out and *out_len lend either
 * a part of bytes (UTF-8, BOM dropped; it may still hold a few invalid
 * sequences, which clean_utf8() replaces and reports) or cs's own buffer
 * holding the conversion (valid UTF-8 but for NUL bytes, which the source
 * may hold as U+0000; NUL-terminated), valid until the
 * next call.  When res->binary is set, *out is not meaningful.  hint: the
 * ICU name of a charset to use instead of guessing when the bytes are not
 * UTF-8 (an earlier line of the same JSON Lines file), or NULL.
 * Returns RC_OK, RC_NOMEM or RC_INTERNAL (ICU refused a converter). */
rc_t charset_decode(cp_charset *cs, const char *bytes, size_t len, const char *hint,
                    const char **out, size_t *out_len, charset_result *res, err_t *err);
/* What makes p[0..len) (the start of a file) binary -- "PNG image", "NUL
 * bytes" -- or NULL when it may be text.  UTF-16 must be ruled out first. */
const char *charset_binary_why(const unsigned char *p, size_t len);
/* End of interface */

/* ---- Interface to code in repair.c: mojibake -> the intended text ------- */
/* Owns a GBK converter, a windows-1251 table and scratch space. */
typedef struct cp_repair cp_repair;

typedef struct {
    const char *scheme;   /* "gbk-as-latin1", "cp1251-as-latin1", "cp1251-as-cp1252",
                           * "utf8-as-latin1", "utf8-as-cp1252"; NULL: nothing repaired */
    size_t n_runs;        /* character runs replaced */
} repair_result;

rc_t repair_open(cp_repair **out);     /* RC_OK, RC_NOMEM or RC_INTERNAL (no ICU converter) */
void repair_close(cp_repair *rp);      /* NULL is a no-op */
/* Repair s[0..len) (valid UTF-8) where it is clearly mojibake.  When
 * something was repaired, *out is a NUL-terminated copy in arena a and res
 * says what was done; otherwise *out = s and res->scheme = NULL.
 * RC_OK or RC_NOMEM. */
rc_t repair_text(cp_repair *rp, arena_t *a, const char *s, size_t len, const char **out,
                 size_t *out_len, repair_result *res);
/* End of interface */

/* ---- Interface to code in lang.c --------------------------------------- */
/* "zh", "ru", "en" from the letters' scripts, or "" when there are none. */
const char *lang_guess(const char *text, size_t len);
/* End of interface */

/* ---- Interface to code in date.c -------------------------------------- */
/* A date string in one of the accepted forms -> "YYYY-MM-DD" in out.
 * Returns 1, or 0 when s is not such a date. */
int cp_date_normalize(const char *s, size_t len, char out[11]);
/* 1 when y-m-d is a real calendar day. */
int cp_date_valid(int y, int m, int d);
/* The first date near the start of a text (first 1 KB), in any accepted
 * form, with a year in 1970..2099 -> "YYYY-MM-DD".  Returns 1 or 0. */
int cp_date_find(const char *s, size_t len, char out[11]);
/* End of interface */

/* ---- Interface to code in jsonl.c and textfile.c ----------------------- */
typedef struct {
    arena_t *arena;
    const char *file;
    size_t line;
    size_t max_doc_bytes;
    void (*warn)(void *, const char *);
    void *warn_ctx;
} parse_ctx;

/* Parse one JSON line into doc (strings in pc->arena).  The line must be
 * valid UTF-8 without NUL bytes (decode.c checks or cleans it first).
 * RC_OK, or RC_BADINPUT with *why set and a message in err; RC_NOMEM.
 * Common lines go through jsonfast.c, the rest through json-c. */
rc_t jsonl_parse(parse_ctx *pc, void *tokener, const char *line, size_t len, cp_doc *doc,
                 cp_skip *why, err_t *err);
void *jsonl_tokener_new(void);
void jsonl_tokener_free(void *tok);
/* For tests: 0 when jsonfast.c reads line differently from json-c (a field
 * present, absent, null or a string with other bytes), else 1; *used says
 * whether jsonfast.c took the line at all. */
int jsonl_fast_agrees(arena_t *a, void *tokener, const char *line, size_t len, int *used);

/* Parse a whole plain-text file's bytes into doc. */
rc_t textfile_parse(parse_ctx *pc, const char *bytes, size_t len, cp_doc *doc, cp_skip *why,
                    err_t *err);
/* End of interface */

/* ---- Interface to code in jsonfast.c: common records without json-c ---- */
typedef enum { JF_ID, JF_TITLE, JF_TEXT, JF_BODY, JF_LANG, JF_DATE, JF_SOURCE, JF_URL,
               JF__COUNT } jf_field;
typedef enum { JF_ABSENT, JF_NULL, JF_STRING } jf_kind;
typedef struct {
    const char *s;   /* JF_STRING: the unescaped bytes (in the line or the arena), not NUL-terminated */
    size_t len;
    jf_kind kind;
} jf_value;

/* The record's field name ("id", "title", ...). */
const char *jsonfast_name(jf_field f);
/* Read line[0..len) when it is one flat JSON object whose fields we use are
 * strings or null (see jsonfast.c for what else is allowed): returns 1 with
 * vals[] filled, or 0 when json-c must read the line (then vals[] means
 * nothing).  Escaped strings are unescaped into a. */
int jsonfast_parse(arena_t *a, const char *line, size_t len, jf_value vals[JF__COUNT]);
/* End of interface */

/* ---- Interface to code in meta.c: metadata a document did not state ---- */
/* The host of a URL without "www." ("https://www.tass.ru/x" -> "tass.ru"),
 * in arena a; "" when url has none; NULL on memory failure. */
const char *meta_source_from_url(arena_t *a, const char *url, size_t len);
/* The primary subtag of a language tag, lower case ("en-US" -> "en",
 * "RU" -> "ru"), in arena a; "" when it is not 1-8 ASCII letters (then the
 * language is guessed).  NULL on memory failure. */
const char *meta_lang_code(arena_t *a, const char *s, size_t len);
/* Fill in a missing date from the title or the start of the text and a
 * missing lang from the scripts (CP_DOC_LANG_GUESSED).  RC_OK or RC_NOMEM. */
rc_t meta_complete(arena_t *a, cp_doc *doc);
/* End of interface */

/* ---- Interface to code in decode.c: one document's bytes -> cp_doc ------ */
/* The pipeline every document goes through: charset detection and
 * conversion (charset.c), U+FFFD for what is left invalid (clean.c),
 * mojibake repair (repair.c, unless opt->no_repair), parsing (textfile.c,
 * jsonl.c), missing metadata (meta.c).  Owns the charset, repair and JSON
 * objects.  Strings of the cp_doc live in the arena passed in. */
typedef struct cp_decoder cp_decoder;

rc_t decoder_open(const cp_options *opt, cp_decoder **out, err_t *err);
void decoder_close(cp_decoder *dc);    /* NULL is a no-op */
/* A new JSON Lines file begins: forget the charset of the previous one. */
void decoder_start_file(cp_decoder *dc);
/* A whole plain-text file.  RC_OK; RC_BADINPUT with *why and a message in
 * err when the document cannot be used (binary, empty); RC_NOMEM;
 * RC_INTERNAL. */
rc_t decode_text_file(cp_decoder *dc, arena_t *a, const char *path, const char *bytes,
                      size_t len, cp_doc *doc, cp_skip *why, err_t *err);
/* One line of a JSON Lines file (not blank).  file_charset: the charset
 * lines.c converted the file from (lines_charset()), or NULL.  Same returns. */
rc_t decode_json_line(cp_decoder *dc, arena_t *a, const char *path, size_t lineno,
                      const char *file_charset, const char *line, size_t len, cp_doc *doc,
                      cp_skip *why, err_t *err);
/* End of interface */

#endif
