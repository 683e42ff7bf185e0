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
/* End of interface */

/* ---- Interface to code in clean.c: bytes -> valid UTF-8 ----------------- */
/* Turns raw bytes into clean UTF-8 in the arena: invalid sequences and NULs
 * become U+FFFD, each reported through warn (if not NULL) as
 * "file:line:byte: ..." with line counted from cc->line at s[0].  Returns
 * the copy (NUL-terminated) or NULL on memory failure; *n_bad counts the
 * replacements. */
typedef struct {
    const char *file;
    size_t line;   /* line number of s[0] */
    size_t base;   /* byte offset of s[0] within that line */
    void (*warn)(void *, const char *);
    void *warn_ctx;
} clean_ctx;

char *clean_utf8(arena_t *a, const char *s, size_t len, const clean_ctx *cc, size_t *out_len,
                 size_t *n_bad);
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

/* Parse one JSON line into doc (strings in pc->arena).  RC_OK, or
 * RC_BADINPUT with *why set and a message in err; RC_NOMEM. */
rc_t jsonl_parse(parse_ctx *pc, void *tokener, const char *line, size_t len, cp_doc *doc,
                 cp_skip *why, err_t *err);
void *jsonl_tokener_new(void);
void jsonl_tokener_free(void *tok);

/* Parse a whole plain-text file's bytes into doc. */
rc_t textfile_parse(parse_ctx *pc, const char *bytes, size_t len, cp_doc *doc, cp_skip *why,
                    err_t *err);
/* End of interface */

#endif
