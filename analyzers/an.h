/* an.h - text analysis: UTF-8 text in, a stream of tokens out.
 *
 * One analyzer object holds everything that is expensive to build or not
 * thread-safe: the ICU word-break iterator and normalizer, the Snowball
 * stemmers, the stopword sets and the Traditional->Simplified cache.  Open one
 * per thread (an index writer or a searcher), analyze any number of texts with
 * it, close it.  The same function analyzes documents and queries, so the two
 * sides can never drift apart.
 *
 *   an_analyzer *an;
 *   if (an_open(&cfg, &an, &err) != RC_OK) ...;
 *   uint32_t pos = 0;
 *   an_analyze(an, "ru", text, len, &pos, emit, ctx, &err);   // repeat
 *   an_close(an);
 *
 * The chain for each word that ICU's UBRK_WORD iterator finds is
 *   break -> fold (NFKC_Casefold, ’->', ё->е, Traditional->Simplified Han)
 *         -> stop (per-script stopword list) -> stem (Snowball, by script)
 * and each step is a function of its own in this module.
 *
 * Which stemmer: the token's script decides (Latin -> english, Cyrillic ->
 * russian, Han/digits -> none); a document's lang overrides the default for
 * its own script when Snowball has that language (lang "fr" stems Latin
 * tokens with french, but Cyrillic tokens in the same document still go to
 * russian).  Stopwords follow the same rule, for the languages we have lists
 * for (en, ru, zh).
 *
 * Chinese (Han) text: ICU's dictionary breaks it into words.  cjk_mode adds
 * character bigrams as "overlay" tokens that share the position of the word
 * they start in (see an_cjk_mode).  The mode in use is part of the index
 * format: a searcher must use the mode the index was built with.
 */
#ifndef ANALYZERS_AN_H
#define ANALYZERS_AN_H

#include <stddef.h>
#include <stdint.h>

#include "../common/buf.h"
#include "../common/rc.h"

/* Terms longer than this (bytes, after folding) are dropped (they keep their
 * position, like a stopword): LMDB keys are at most 511 bytes, and such
 * "words" are base64, URLs or garbage anyway.  an_words_too_long() counts
 * them, so callers can say so. */
enum { AN_TERM_MAX = 120 };

typedef enum {
    AN_SCRIPT_OTHER = 0,
    AN_SCRIPT_LATIN,
    AN_SCRIPT_CYRILLIC,
    AN_SCRIPT_HAN,
    AN_SCRIPT_NUMBER,   /* digits, with inner . or , ("3.5", "2025") */
    AN_SCRIPT_KANA,
    AN_SCRIPT_HANGUL,
    AN_SCRIPT_GREEK,
    AN_SCRIPT_ARABIC,
    AN_SCRIPT__COUNT
} an_script;

typedef enum {
    AN_CJK_WORDS = 0,        /* dictionary words only */
    AN_CJK_BIGRAMS,          /* overlapping character bigrams only, one position each */
    AN_CJK_WORDS_BIGRAMS,    /* words, plus the bigrams inside words of 3+ characters */
    AN_CJK_WORDS_RUNBIGRAMS, /* words, plus every bigram of the Han run, across words too */
    AN_CJK__COUNT
} an_cjk_mode;

/* Token flags. */
enum {
    AN_TOK_STOP = 1,     /* a stopword: reported for positions/snippets, not indexed */
    AN_TOK_OVERLAY = 2,  /* an extra CJK bigram at the position of its word;
                            not counted in document length */
    AN_TOK_HASHED = 4,   /* stem_hash is set */
};

typedef struct {
    const char *term;   /* folded surface form, UTF-8, NUL-terminated */
    size_t term_len;
    const char *stem;   /* stemmed form (== term when nothing was stemmed) */
    size_t stem_len;
    uint32_t pos;       /* word position; stopwords use one too */
    size_t start, end;  /* byte offsets of the word in the analyzed text */
    an_script script;
    unsigned flags;     /* AN_TOK_* */
    uint32_t stem_hash; /* with AN_TOK_HASHED: the low half of XXH3_64bits(stem,
                           stem_len), which the analyzer mostly has at hand (it
                           hashes each word for its stem cache), so a caller
                           keying a hash map by stems need not hash again */
} an_token;

/* Called once per token.  Everything in *tok is lent: valid only during the
 * call.  Return RC_OK to go on; any other value stops an_analyze(), which
 * then returns that value. */
typedef rc_t (*an_emit_fn)(void *ctx, const an_token *tok);

typedef struct {
    an_cjk_mode cjk_mode;
    int no_stopwords;   /* 1: keep every word (tests, phrase-heavy uses) */
    int no_stemming;    /* 1: stem == term */
    int no_ascii_path;  /* 1: ASCII text through ICU too (tests: both must agree) */
} an_config;

/* The default configuration: the CJK mode that measured best (see README). */
an_config an_config_default(void);
/* Name <-> mode, for the index header and the command line ("words",
 * "bigrams", "words+bigrams", "words+runbigrams"). Returns -1 if unknown. */
int an_cjk_mode_parse(const char *name);
const char *an_cjk_mode_name(an_cjk_mode mode);

typedef struct an_analyzer an_analyzer;

/* Open an analyzer.  On RC_OK *out owns it (release with an_close).
 * Returns RC_NOMEM or RC_INTERNAL (ICU or Snowball could not be set up);
 * *out = NULL on failure. */
rc_t an_open(const an_config *cfg, an_analyzer **out, err_t *err);
void an_close(an_analyzer *an);   /* an_close(NULL) is a no-op */
const an_config *an_get_config(const an_analyzer *an);

/* Analyze text[0..len), which must be valid UTF-8 (RC_BADINPUT otherwise).
 * lang is the document's language code ("en", "ru", "zh", ...) or NULL/"" for
 * "unknown": then every token's script alone picks stemmer and stopwords.
 * *pos is the first position to use and, on return, one past the last
 * position used, so a title and a body can be analyzed into one stream.
 * Returns RC_OK, RC_BADINPUT, RC_NOMEM, RC_INTERNAL or what emit returned. */
rc_t an_analyze(an_analyzer *an, const char *lang, const char *text, size_t len,
                uint32_t *pos, an_emit_fn emit, void *ctx, err_t *err);

/* Words an_analyze() dropped for being longer than AN_TERM_MAX bytes, over
 * the analyzer's life (take the difference around a call). */
uint64_t an_words_too_long(const an_analyzer *an);

/* The script of the first letter or digit in a folded term (for callers that
 * only have a term, such as prefix expansion). */
an_script an_term_script(const char *term, size_t len);

/* Counts of letters per script in text (for language guessing); counts has
 * AN_SCRIPT__COUNT slots and is added to. */
void an_count_scripts(const char *text, size_t len, size_t *counts);

/* ---- Data files and the cross-lingual glossary (datapath.c, glossary.c) ----
 *
 * Run-time data (analyzers/data/ in the source tree) is found by
 * an_data_path(): $HEALTHAI_SEARCH_DATADIR when set (and then only there),
 * else <dir of the program>/../share/healthai-search/ (installed), else
 * <dir of the program>/../analyzers/data/ (bin/ of the source tree).
 * RC_OK with the path in out[0..cap), or RC_NOTFOUND with a message naming
 * where it looked. */
rc_t an_data_path(const char *name, char *out, size_t cap, err_t *err);

/* The glossary: concepts, each with names in English, Russian and Chinese
 * (glossary.tsv: one concept a line, ENGLISH<TAB>RUSSIAN<TAB>CHINESE, "|"
 * between variants, "#" comments).  Every name is analyzed with the
 * analyzer given to an_glossary_load() into its key: the stems of its
 * indexed words (no stopwords, no CJK overlays) joined by single spaces.
 *
 *   an_glossary *g;  an_glossary_load(an, path, &g, &err);
 *   long c = an_glossary_find(g, key, key_len);     // -1: no concept
 *   n = an_glossary_variants(g, c, &v);              // v[0..n), lent by g
 *   an_glossary_free(g);
 *
 * The glossary does not keep the analyzer. */
typedef struct an_glossary an_glossary;

typedef struct {
    const char *text;   /* the name as written in the file, NUL-terminated */
    size_t len;
    int lang;           /* 0 en, 1 ru, 2 zh (the column) */
    int has_terms;      /* 0 when it analyzes to stopwords only */
} an_gloss_variant;

/* RC_OK (*out owns the glossary), RC_IO (cannot read path), RC_BADINPUT
 * (not UTF-8, more than three columns: "path:line: ..."), RC_NOMEM. */
rc_t an_glossary_load(an_analyzer *an, const char *path, an_glossary **out, err_t *err);
void an_glossary_free(an_glossary *g);   /* NULL is a no-op */
size_t an_glossary_size(const an_glossary *g);        /* concepts */
size_t an_glossary_max_words(const an_glossary *g);   /* longest key, in stems */
/* The concept one of whose names has this key (the first such concept in
 * the file), or -1. */
long an_glossary_find(const an_glossary *g, const char *key, size_t len);
size_t an_glossary_variants(const an_glossary *g, size_t concept, const an_gloss_variant **out);

/* The key of text[0..len) (see above) into out (reset first). */
rc_t an_gloss_key(an_analyzer *an, const char *text, size_t len, buf_t *out, err_t *err);

#endif
