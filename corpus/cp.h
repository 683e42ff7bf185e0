/* cp.h - the corpus reader: files in, documents out.
 *
 * A reader walks a list of paths (files, directories walked recursively in
 * name order, "-" for JSON Lines on standard input) and returns one document
 * at a time.  Input formats, chosen by file name:
 *   *.jsonl, *.ndjson, *.json    JSON Lines, {"id","lang","title","text","date","source"}
 *   *.jsonl.zst (any *.zst)     the same, zstd-compressed
 *   anything else               a plain-text news item (see textfile.c): optional
 *                               header lines (" date 2025-12-25"), first non-empty
 *                               line = title, the path = id
 * Hidden files and directories (".name") are skipped.
 *
 * Every string in a cp_doc is valid UTF-8 without NUL bytes.  On the way in:
 *   - charset: a byte order mark (UTF-8, UTF-16LE/BE, UTF-32) decides; else
 *     valid UTF-8 is taken as it is; else the charset is guessed (uchardet,
 *     then ICU) among the ones we expect -- GB18030/GBK, Big5, windows-1251,
 *     KOI8-R/U, IBM866, ISO-8859-5, x-mac-cyrillic, windows-1252/ISO-8859-1/15
 *     -- and converted with ICU (CP_DOC_CONVERTED, cp_doc.charset).  A JSON
 *     Lines file keeps the charset found on its first line that needs one.
 *   - invalid bytes left (a file that is UTF-8 but for a few bad bytes, or
 *     what ICU could not convert) and NUL bytes are replaced by U+FFFD and
 *     reported through the warn callback as "file:line:byte: ..."
 *     (CP_DOC_INVALID_UTF8).
 *   - mojibake (GBK or windows-1251 or UTF-8 decoded as Latin-1/cp1252 and
 *     saved as UTF-8) is repaired where that is clearly right, unless
 *     cp_options.no_repair (CP_DOC_REPAIRED, cp_doc.repair says what).
 *   - a missing date is taken from the start of the text (dateline), a
 *     missing source from the URL's host, a missing lang from the scripts.
 * A record that cannot be used at all (broken JSON, no id, binary file, over
 * the size limit, empty) is skipped: cp_next() reports it through warn,
 * counts it in cp_stats and moves on to the next record.  A bad record never
 * ends the run.
 *
 *   cp_reader *rd;
 *   cp_open(paths, n, &opt, &rd, &err);
 *   cp_doc doc;
 *   while ((rc = cp_next(rd, &doc, &err)) == RC_OK) { ... use doc ... }
 *   // rc == RC_NOTFOUND: end of input; anything else: a fatal error in err
 *   cp_close(rd);
 */
#ifndef CORPUS_CP_H
#define CORPUS_CP_H

#include <stddef.h>
#include <stdint.h>

#include "../common/rc.h"

/* Why a record was skipped; cp_skip_name() gives the word used in summaries. */
typedef enum {
    CP_SKIP_BROKEN_JSON = 0,
    CP_SKIP_NO_ID,
    CP_SKIP_NO_TEXT,
    CP_SKIP_TOO_BIG,
    CP_SKIP_BINARY,
    CP_SKIP_UNREADABLE,
    CP_SKIP__COUNT
} cp_skip;

/* What was done to a document on the way in (cp_doc.flags). */
enum {
    CP_DOC_CONVERTED = 1,     /* decoded from another charset (see cp_doc.charset) */
    CP_DOC_REPAIRED = 2,      /* mojibake repaired */
    CP_DOC_INVALID_UTF8 = 4,  /* invalid bytes replaced with U+FFFD */
    CP_DOC_LANG_GUESSED = 8,  /* lang was not given; guessed from the script */
    CP_DOC_TITLE_IN_TEXT = 16 /* title is a copy of the start of text: index text only */
};

typedef struct {
    const char *id;      /* external id, never empty */
    const char *title;   /* may be "" */
    const char *text;    /* may be "" only if title is not */
    size_t title_len, text_len;
    const char *date;    /* ISO 8601 "YYYY-MM-DD", or "" when none was found */
    const char *lang;    /* "en", "ru", "zh", ... or "" when unknown */
    const char *source;  /* may be "" */
    const char *file;    /* where it came from, for messages */
    size_t line;         /* 1-based line in file (JSON Lines) or 1 */
    unsigned flags;      /* CP_DOC_* */
    const char *charset; /* original charset when CP_DOC_CONVERTED ("windows-1251"), else "" */
    const char *repair;  /* what the mojibake repair did, when CP_DOC_REPAIRED
                          * ("gbk-as-latin1: 3 runs"), else "" */
} cp_doc;

typedef struct {
    size_t n_files;
    size_t n_read;                      /* records seen (documents + skipped) */
    size_t n_docs;                      /* documents returned */
    size_t n_converted, n_repaired, n_invalid_utf8, n_lang_guessed;
    size_t n_skipped[CP_SKIP__COUNT];
} cp_stats;

typedef struct {
    size_t max_doc_bytes;   /* 0: CP_DEFAULT_MAX_DOC_BYTES */
    int no_repair;          /* 1: no mojibake repair */
    /* Called with one line of text per problem; may be NULL. */
    void (*warn)(void *ctx, const char *msg);
    void *warn_ctx;
} cp_options;

enum { CP_DEFAULT_MAX_DOC_BYTES = 16 * 1024 * 1024 };

typedef struct cp_reader cp_reader;

/* Open a reader over paths[0..n).  Paths are checked lazily: a missing file
 * is reported through warn when its turn comes.  On RC_OK *out owns the
 * reader; RC_NOMEM or RC_INTERNAL (ICU has no GBK converter) otherwise
 * (*out = NULL). */
rc_t cp_open(const char *const *paths, size_t n, const cp_options *opt, cp_reader **out,
             err_t *err);
/* The next document.  RC_OK: *doc is filled and lent until the next cp_next()
 * or cp_close().  RC_NOTFOUND: no more input.  RC_NOMEM / RC_IO /
 * RC_INTERNAL (ICU lacks a converter): a fatal problem, described in err. */
rc_t cp_next(cp_reader *rd, cp_doc *doc, err_t *err);
const cp_stats *cp_get_stats(const cp_reader *rd);
/* Bytes of input consumed so far, as stored on disk (compressed files count
 * their compressed size), for progress reports. */
uint64_t cp_bytes_done(const cp_reader *rd);
void cp_close(cp_reader *rd);   /* cp_close(NULL) is a no-op */

const char *cp_skip_name(cp_skip why);

#endif
