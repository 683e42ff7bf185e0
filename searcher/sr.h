/* sr.h - the searcher: a query in, ranked hits out.
 *
 * Lifecycle:
 *   sr_searcher *s;
 *   sr_open(dir, &s, &err);              // opens the index and an analyzer
 *   sr_result res;  sr_result_init(&res);
 *   sr_search(s, query, &opt, &res, &err);   // repeat; res is reset each time
 *   ... res.hits[0 .. res.n_hits) ...
 *   sr_result_free(&res);
 *   sr_close(s);
 *
 * Each sr_search() takes its own short snapshot of the index, so a searcher
 * can run for hours beside a nightly reindex and each query sees one
 * consistent generation.  The query is analyzed with the analyzer
 * configuration the index was built with.
 *
 * Queries use the query language of README "Query syntax" (free words,
 * AND/OR/NOT, +/-, "phrases", NEAR/n, prefix*, lang:/source:/title:/date:);
 * with sr_options.plain the whole query is free words.  Hits carry their
 * record, and on request a snippet with its matches and the parts of their
 * score; everything they point to lives in sr_result.arena until the next
 * sr_search() or sr_result_free().
 *
 * Ranking: BM25 (bm25.c) with k1 and b from the options; ties are broken by
 * internal docid (earlier indexed first), so results are deterministic.
 */
#ifndef SEARCHER_SR_H
#define SEARCHER_SR_H

#include <stddef.h>
#include <stdint.h>

#include "../common/arena.h"
#include "../common/rc.h"

typedef struct {
    double k1, b;          /* BM25 parameters (1.2, 0.75) */
    size_t k;              /* hits to return (10) */
    size_t offset;         /* hits to skip first, for paging (0) */
    int default_and;       /* 1: words are ANDed unless OR is written */
    int explain;           /* 1: fill sr_hit.explain */
    int want_snippets;     /* 1: fill sr_hit.snippet, marks and title_marks */
    size_t max_expansions; /* prefix expansion limit (SR_DEFAULT_EXPANSIONS) */
    int plain;             /* 1: no query language; the whole query is free words */
    int no_proximity;      /* 1: plain BM25, no proximity bonus (proximity.c) */
    int lenient;           /* 1: a malformed query runs as plain words instead of
                              failing; res->note says so (batch runs) */
    int cross_lingual;     /* 1: expand every word with the glossary (as if the
                              whole query were under xl:) */
    int histogram;         /* SR_HIST_*: fill res->buckets (all matching documents) */
    int suggest;           /* 1: "did you mean" for query words the index lacks */
    const char *like_id;   /* more like this external id (the query, if any, must
                              match too); NULL: off */
    int ids_only;          /* 1: hits carry their id, doc_len and flags only
                              (title, date, ... are ""): TREC runs */
    int prune;             /* 1: skip documents that cannot reach the top k
                              (maxscore.c); the hits are the same, but
                              sr_result.total is then only a lower bound */
    int no_taat;           /* 1: with prune, score an OR of words document at a
                              time (MaxScore) also where term-at-a-time
                              accumulators apply (taat.c); same hits (tests) */
} sr_options;

enum { SR_HIST_NONE = 0, SR_HIST_YEAR, SR_HIST_MONTH, SR_HIST_WEEK };
/* "year", "month", "week" -> SR_HIST_*, or -1. */
int sr_hist_parse(const char *name);
/* Terms --like takes from the document (Lucene's MoreLikeThis default). */
enum { SR_LIKE_TERMS = 25 };

enum { SR_DEFAULT_K = 10, SR_DEFAULT_EXPANSIONS = 100 };

/* One term's share of a hit's score (for --explain):
 *   weight = qweight * idf * tf * (k1 + 1) / (tf + k1 * (1 - b + b * doc_len / avg_len))
 * where tf counts the term in the document, or the phrase in it when the
 * term belongs to a phrase (via = "phrase"). */
typedef struct {
    const char *term;   /* analyzed term */
    uint32_t tf, df;
    double idf, weight;
    double qweight;     /* query-side factor: repeated words, CJK overlay bigrams */
    double k1, b, avg_len;
    const char *via;    /* NULL, or how the term matched: "phrase", "title", ... */
} sr_explain_term;

typedef struct {
    size_t off, len;    /* byte span in the snippet (or title) */
} sr_span;

typedef struct {
    uint32_t docid;
    double score;
    size_t rank;        /* 1-based, counting the offset */
    const char *id, *title, *date, *lang, *source, *charset, *repair;
    uint32_t doc_len;
    unsigned flags;
    /* --explain */
    sr_explain_term *explain;
    size_t n_explain;
    double proximity;   /* the proximity bonus included in score */
    /* snippets (when asked for): a window of the text around the best
     * match, cut at word boundaries ("…" where text was left out, runs of
     * whitespace as one space); marks are the matched words in it, as
     * byte spans of the snippet; title_marks the same for the title. */
    const char *snippet;
    sr_span *marks;
    size_t n_marks;
    sr_span *title_marks;
    size_t n_title_marks;
} sr_hit;

typedef struct {
    char period[16];     /* "2025", "2025-06", "2025-W23" */
    uint64_t count;
} sr_bucket;

/* "did you mean": indexed terms (stems, as the dictionary holds them) near a
 * query term that matched nothing: same script, Damerau-Levenshtein distance
 * (on code points) at most 1 for 3-5 letters and 2 beyond (1 for Han words
 * of 2+ characters, none for shorter words), nearest first, then the most
 * frequent. */
enum { SR_SUGGEST_MAX = 3 };
typedef struct {
    const char *term;                 /* the query's analyzed term */
    const char *alt[SR_SUGGEST_MAX];
    unsigned dist[SR_SUGGEST_MAX];
    uint32_t df[SR_SUGGEST_MAX];
    size_t n_alt;
} sr_suggestion;

typedef struct {
    sr_hit *hits;
    size_t n_hits;
    uint64_t total;      /* documents matching the query */
    double seconds;      /* time spent in sr_search */
    double avg_len;      /* collection statistics used, for --explain */
    uint64_t n_docs;
    const char *note;    /* non-fatal remark ("prefix expansion limited ..."), or NULL */
    size_t note_col;     /* column the note is about (a syntax error in lenient mode), or 0 */
    /* --cross-lingual / xl: and --like: what the query was expanded with,
     * one line per concept ("ai → искусственный интеллект | 人工智能 ...") */
    const char *expansion;
    /* --histogram: matching documents per period, oldest first, with empty
     * periods in between; documents without a readable date in unknown */
    sr_bucket *buckets;
    size_t n_buckets;
    uint64_t unknown;
    /* suggestions for query terms the index does not have */
    sr_suggestion *suggestions;
    size_t n_suggestions;
    arena_t arena;       /* owns everything the hits point to */
} sr_result;

sr_options sr_options_default(void);
void sr_result_init(sr_result *res);
void sr_result_free(sr_result *res);

typedef struct sr_searcher sr_searcher;

/* RC_OK (*out owns the searcher), RC_IO (no index), RC_BADINPUT (index of
 * another format), RC_CORRUPT, RC_NOMEM, RC_INTERNAL. */
rc_t sr_open(const char *dir, sr_searcher **out, err_t *err);
void sr_close(sr_searcher *s);
/* A searcher for another thread, over s's open index (one LMDB environment
 * per process) with its own analyzer; it uses s's glossary if s has one.
 * A searcher serves one thread at a time.  Close siblings before s; s must
 * not be searching while this runs.  RC_OK, RC_NOMEM, RC_IO, RC_CORRUPT. */
rc_t sr_open_sibling(sr_searcher *s, sr_searcher **out, err_t *err);

/* Load the cross-lingual glossary from path (NULL: glossary.tsv found by
 * an_data_path(), see analyzers/an.h).  sr_search() loads it by itself the
 * first time a query needs it; calling this first turns a missing file into
 * an early, clear error.  RC_OK, RC_NOTFOUND (no glossary.tsv; the message
 * says where it looked), RC_IO, RC_BADINPUT, RC_NOMEM. */
rc_t sr_load_glossary(sr_searcher *s, const char *path, err_t *err);

/* Run one query (syntax: README "Query syntax", searcher/query.c).  RC_OK
 * (res filled), RC_BADINPUT (malformed query, or one over a limit: the
 * message names the column, and err_col is set, 1-based, in characters),
 * RC_CORRUPT, RC_IO, RC_NOMEM. */
rc_t sr_search(sr_searcher *s, const char *query, size_t len, const sr_options *opt,
               sr_result *res, size_t *err_col, err_t *err);

#endif
