/* internal.h - interfaces between the files of the analyzers module.
 * Nothing outside analyzers/ includes this header. */
#ifndef ANALYZERS_INTERNAL_H
#define ANALYZERS_INTERNAL_H

#include <stddef.h>
#include <stdint.h>
#include <unicode/utypes.h>

#include "../common/buf.h"
#include "an.h"

/* ---- Interface to code in segment.c: ICU word boundaries -------------- */
typedef struct an_segmenter an_segmenter;

rc_t seg_open(an_segmenter **out, err_t *err);
void seg_close(an_segmenter *seg);
/* Point the iterator at u[0..n); the text is lent and must outlive the scan. */
rc_t seg_set_text(an_segmenter *seg, const UChar *u, int32_t n, err_t *err);
/* Next word-like segment [*start, *end) in UTF-16 units.  Segments that ICU
 * marks as neither letter, number, kana nor ideograph (spaces, punctuation)
 * are skipped.  Returns 1, or 0 at the end of the text.  *kind is the ICU
 * rule status class: 1 number, 2 letter, 3 kana, 4 ideographic. */
int seg_next(an_segmenter *seg, int32_t *start, int32_t *end, int *kind);
/* End of interface */

/* ---- Interface to code in ascii.c: ICU's word boundaries for ASCII ---- */
/* Next segment of the ASCII text s[0..n) at or after *at that ICU's root
 * word rules give a word status (letters, digits): [*start, *end) in bytes,
 * *underscore set when it holds a '_', *at moves past it.  Returns 1, or 0
 * at the end. */
int ascii_next(const char *s, size_t n, size_t *at, size_t *start, size_t *end,
               int *underscore);
/* End of interface */

/* ---- Interface to code in fold.c: normalization and case folding ------ */
typedef struct an_folder an_folder;

rc_t fold_open(an_folder **out, err_t *err);
void fold_close(an_folder *f);
/* Fold u[0..n) (one word) to UTF-8 in *out (reset first): NFKC_Casefold,
 * then ’/ʼ -> ', ё -> е, Traditional Han -> Simplified, and "u.s" -> "us".
 * *script receives the script of the folded word.  Returns RC_OK, RC_NOMEM
 * or RC_INTERNAL. */
rc_t fold_word(an_folder *f, const UChar *u, int32_t n, buf_t *out, an_script *script, err_t *err);
/* fold_word() of an ASCII word given as bytes. */
rc_t fold_ascii_word(const char *s, size_t n, buf_t *out, an_script *script, err_t *err);
/* Script of a code point as an an_script (OTHER for Common/Inherited). */
an_script fold_script_of(uint32_t cp);
/* End of interface */

/* ---- Interface to code in stopwords.c ---------------------------------- */
typedef struct an_stopset an_stopset;

/* The built-in list for lang ("en", "ru", "zh"); *out = NULL and RC_OK when
 * there is no list for that language. */
rc_t stop_open(const char *lang, an_stopset **out);
void stop_close(an_stopset *s);
/* hash is XXH3_64bits(term, len), computed once per word by the caller. */
int stop_has(const an_stopset *s, const char *term, size_t len, uint64_t hash);
/* End of interface */

/* ---- Interface to code in stem.c: stemmers by name --------------------- */
/* A stemmer is a struct of function pointers plus ctx, found by language in
 * a table, so adding a language is one table row. */
typedef struct {
    void *ctx;
    /* Stem word[0..len); the result is lent until the next call. */
    const char *(*stem)(void *ctx, const char *word, size_t len, size_t *out_len);
    void (*close)(void *ctx);
} an_stemmer;

/* Index of lang in the stemmer table, or -1. */
int stem_lang_index(const char *lang);
/* Script the language at table index idx is written in. */
an_script stem_lang_script(int idx);
/* The table's language code at idx. */
const char *stem_lang_code(int idx);
/* Open the stemmer at table index idx; RC_NOMEM or RC_INTERNAL on failure. */
rc_t stem_open(int idx, an_stemmer *out, err_t *err);
/* End of interface */

/* ---- Interface to code in stemcache.c --------------------------------- */
typedef struct an_stemcache an_stemcache;

an_stemcache *stemcache_new(void);      /* NULL on allocation failure */
void stemcache_free(an_stemcache *c);
/* Start loading the slot a word with this hash would use, for a caller
 * that looks it up a little later (a hint; it changes nothing). */
void stemcache_prefetch(const an_stemcache *c, int lang, uint64_t hash);
/* The cached stem of word (lent until the next put), or NULL; *out_hash
 * gets the stem_hash it was put with.  hash is XXH3_64bits(w, len), as for
 * stop_has(). */
const char *stemcache_get(an_stemcache *c, int lang, const char *w, size_t len, uint64_t hash,
                          size_t *out_len, uint32_t *out_hash);
/* stem_hash: the low half of XXH3_64bits(stem, stem_len) (an_token's). */
void stemcache_put(an_stemcache *c, int lang, const char *w, size_t len, uint64_t hash,
                   const char *stem, size_t stem_len, uint32_t stem_hash);
/* End of interface */

#endif
