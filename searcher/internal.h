/* internal.h - interfaces between the files of the searcher module. */
#ifndef SEARCHER_INTERNAL_H
#define SEARCHER_INTERNAL_H

#include "../analyzers/an.h"
#include "../common/strmap.h"
#include "../indexer/ix.h"
#include "sr.h"

/* ---- Interface to code in bm25.c (and any later scorer) --------------- */
/* Collection statistics a scorer may use. */
typedef struct {
    double n_docs, avg_len;
    double k1, b;
} sr_collection;

/* Per query term, computed once. */
typedef struct {
    double idf;
    double qweight;   /* query-side factor (repeated query terms) */
    double k1, b, avg_len;
} sr_termweight;

/* A scorer is a small table of functions, found by name, so another
 * weighting scheme is one new file and one new row. */
typedef struct {
    const char *name;
    void (*init_term)(sr_termweight *w, const sr_collection *c, uint32_t df, uint32_t qtf);
    double (*score)(const sr_termweight *w, uint32_t tf, uint32_t doc_len);
    /* Upper bound of score() for any tf and length. */
    double (*max_score)(const sr_termweight *w);
    /* The same bound for a block: tf <= max_tf, doc_len >= min_len. */
    double (*block_max)(const sr_termweight *w, uint32_t max_tf, uint32_t min_len);
} sr_scorer;

const sr_scorer *sr_scorer_find(const char *name);
/* End of interface */

/* ---- Interface to code in query.c, qlex.c and qdate.c: text -> AST ---- */
/* The query language (README "Query syntax"; the grammar is in query.c):
 *   words             free text, analyzed like documents, joined by the default op
 *   "a phrase"        the words in this order (positions after analysis)
 *   a NEAR/n b        within n positions of each other, any order
 *   intellig*         every indexed term starting with the folded prefix
 *   +word  -word      required / excluded (at the start of a word after space)
 *   AND OR NOT ( )    precedence NOT > AND > OR; upper case only
 *   lang:ru source:x title:... date:2025-01..2025-06-30   field filters
 * A query never holds more than these (exceeding one is RC_BADINPUT with the
 * column of the first thing over the limit): */
enum {
    SR_QUERY_MAX_BYTES = 4096,
    SR_QUERY_MAX_DEPTH = 32,    /* nested parentheses */
    SR_QUERY_MAX_WORDS = 256,   /* words, counting those inside phrases */
    SR_NEAR_MAX = 1000,         /* largest n in NEAR/n */
};

typedef enum {
    SR_Q_TEXT = 0,   /* free words: analyzed into terms, combined with the default op */
    SR_Q_PHRASE,     /* "quoted words": the terms at their relative positions */
    SR_Q_PREFIX,     /* word*: text is the prefix without the '*' */
    SR_Q_NEAR,       /* kids (TEXT words or PHRASEs) within `near` positions */
    SR_Q_AND,        /* every kid (PROHIBITED kids: none of them) */
    SR_Q_OR,         /* any unmarked kid; REQUIRED kids must, PROHIBITED must not match */
    SR_Q_TITLE,      /* one kid, matched in the title only */
    SR_Q_LANG,       /* filter: text = comma-separated language codes */
    SR_Q_SOURCE,     /* filter: text = substring of the source, ASCII case-insensitive */
    SR_Q_DATE,       /* filter: date_lo <= date <= date_hi ("" = open end) */
    SR_Q_XL,         /* one kid, its words expanded with the glossary (xl:) */
} sr_qkind;

typedef enum {
    SR_MARK_NONE = 0,
    SR_MARK_REQUIRED,    /* +x */
    SR_MARK_PROHIBITED,  /* -x, NOT x */
} sr_qmark;

typedef struct sr_qnode {
    sr_qkind kind;
    sr_qmark mark;
    struct sr_qnode **kids;
    size_t n_kids;
    const char *text;   /* TEXT, PHRASE, PREFIX, LANG, SOURCE: points into the query */
    size_t len;
    size_t col;         /* 1-based column of the node in the query (in characters) */
    uint32_t near;      /* NEAR: largest distance */
    int explicit_or;    /* OR: every item was joined by a written OR (filters
                           juxtaposed without one group by field instead) */
    char date_lo[11], date_hi[11];   /* DATE: "YYYY-MM-DD" or "" */
} sr_qnode;

/* sr_parse flags */
enum {
    SR_PARSE_AND = 1,    /* the implicit operator is AND (--and) */
    SR_PARSE_PLAIN = 2,  /* no operators: the whole query is one TEXT node */
};

/* Parse query[0..len) into an AST allocated in a.  RC_BADINPUT with
 * *err_col (1-based, in characters) and a message for a malformed query;
 * RC_NOMEM. */
rc_t sr_parse(arena_t *a, const char *query, size_t len, unsigned flags, sr_qnode **out,
              size_t *err_col, err_t *err);
/* The AST as compact text, for tests and debugging:
 *   [free words]  "a phrase"  prefix*  NEAR/3(...)  AND(...)  OR(...)
 *   title:X  lang:ru  source:"x"  date:LO..HI   with +/- before marked nodes. */
void sr_qnode_dump(const sr_qnode *q, buf_t *out, rc_t *prc);
/* 1-based character column of byte offset off in s. */
size_t sr_col(const char *s, size_t off);

/* qlex.c: the tokens of the query language. */
typedef enum {
    SR_T_END = 0, SR_T_WORD, SR_T_PREFIX, SR_T_PHRASE, SR_T_LPAREN, SR_T_RPAREN,
    SR_T_AND, SR_T_OR, SR_T_NOT, SR_T_NEAR, SR_T_PLUS, SR_T_MINUS, SR_T_FIELD,
} sr_tkind;

typedef struct {
    sr_tkind kind;
    size_t at;          /* byte offset where the token starts */
    size_t next;        /* byte offset just after it */
    size_t start, end;  /* its text: WORD and PREFIX (without '*'), PHRASE (inside the
                           quotes), FIELD (the name, without ':') */
    uint32_t near;      /* NEAR/n */
} sr_tok;

/* The token at or after byte i.  Operators, fields and marks are only
 * recognized when `ops` is set (field values are read with ops = 0).
 * RC_BADINPUT (an unclosed quote, NEAR/ without a number) with *err_at, the
 * byte offset to point at. */
rc_t sr_lex(const char *q, size_t len, size_t i, int ops, sr_tok *t, size_t *err_at,
            err_t *err);
/* 1 when c is a byte that ends a word: ASCII space, '(', ')', '"'.  (U+00A0
 * and U+3000 end words too; sr_lex handles them.) */
int sr_lex_is_space(const char *q, size_t len, size_t i, size_t *n);

/* qdate.c: the date filter value q[off, off + len) ("2025", "2025-06",
 * "2025-06-30", "A..B", "A..", "..B", ">=D", ">D", "<=D", "<D") to inclusive
 * bounds "YYYY-MM-DD" ("" = open).  RC_BADINPUT with *err_at (byte offset in
 * q) and a message naming the column for an invalid value. */
rc_t sr_date_range(const char *q, size_t off, size_t len, char lo[11], char hi[11],
                   size_t *err_at, err_t *err);
/* End of interface */

/* ---- Interface to code in iters.c: the iterator tree ------------------ */
/* Every iterator is used the same way:
 *   for (rc = it->ops->next(it, &err); rc == RC_OK && it->docid != SR_END;
 *        rc = it->ops->next(it, &err)) { it->ops->score(it); ... }
 * skip_to(it, d) moves to the first docid >= d and needs d > it->docid. */
#define SR_END UINT32_MAX

typedef struct sr_it sr_it;
typedef struct sr_explainer sr_explainer;

typedef struct {
    rc_t (*next)(sr_it *it, err_t *err);
    /* Move to the first docid >= d (d > current docid). */
    rc_t (*skip_to)(sr_it *it, uint32_t d, err_t *err);
    /* Score of the current document (docid != SR_END). */
    double (*score)(sr_it *it);
    void (*close)(sr_it *it);
    /* Positional iterators only (term leaves, title:, phrases), else NULL:
     * the ascending positions of the current document's matches, lent until
     * the iterator moves. */
    rc_t (*positions)(sr_it *it, const uint32_t **pos, uint32_t *n, err_t *err);
    /* Add the current document's score parts to x (NULL: no parts). */
    rc_t (*explain)(sr_it *it, sr_explainer *x, err_t *err);
} sr_it_ops;

struct sr_it {
    const sr_it_ops *ops;
    uint32_t docid;      /* current document, 0 before the first next(), SR_END at the end */
    double max_score;    /* upper bound of score() */
};

/* A leaf over one analyzed term.  Takes ownership of ix. */
typedef struct {
    sr_it base;
    ix_iter *ix;
    ix_reader *r;
    const sr_scorer *scorer;
    sr_termweight w;
    const char *term;   /* NUL-terminated, in the query arena */
    uint32_t df;
    uint32_t pos_doc;   /* positions cached for this docid (0: none) */
    const uint32_t *pos;
    uint32_t n_pos;
    int proximity;      /* a free query word: takes part in the proximity bonus */
} sr_leaf;

rc_t sr_leaf_new(arena_t *a, ix_reader *r, ix_iter *ix, const sr_scorer *sc,
                 const sr_termweight *w, const char *term, sr_it **out);
/* OR: documents matching any child; score = sum of matching children. */
rc_t sr_or_new(arena_t *a, sr_it **kids, size_t n, sr_it **out);
/* AND: documents matching every child; score = sum. */
rc_t sr_and_new(arena_t *a, sr_it **kids, size_t n, sr_it **out);
/* SYN: documents matching any kid; score = the best matching kid's (one
 * clause for the names of one concept, see iters.c).  kids[0..n_orig) are
 * the query's own words, the rest translations ("xl" in --explain). */
rc_t sr_syn_new(arena_t *a, sr_it **kids, size_t n, size_t n_orig, sr_it **out);
/* An iterator that matches nothing. */
rc_t sr_empty_new(arena_t *a, sr_it **out);
int sr_it_is_empty(const sr_it *it);
void sr_it_close(sr_it *it);
/* it->ops->explain when it is on x->docid; RC_OK otherwise. */
rc_t sr_it_explain(sr_it *it, sr_explainer *x, err_t *err);

/* A wrapper: the documents of kid that pass accept(), which sets *ok for
 * the kid's current document.  Exclusion, phrases, NEAR, title: and field
 * filters are all wrappers; they differ in accept() and in their score. */
typedef struct sr_wrap sr_wrap;
struct sr_wrap {
    sr_it base;
    sr_it *kid;
    rc_t (*accept)(sr_wrap *w, int *ok, err_t *err);
};
rc_t sr_wrap_next(sr_it *it, err_t *err);
rc_t sr_wrap_skip_to(sr_it *it, uint32_t d, err_t *err);
double sr_wrap_score(sr_it *it);                           /* the kid's score */
rc_t sr_wrap_explain(sr_it *it, sr_explainer *x, err_t *err);  /* the kid's parts */
/* Allocate a wrapper of `size` bytes (a struct that starts with sr_wrap). */
sr_wrap *sr_wrap_new(arena_t *a, size_t size, const sr_it_ops *ops, sr_it *kid,
                     rc_t (*accept)(sr_wrap *w, int *ok, err_t *err));

/* --explain collects one sr_explain_term per scoring term of a hit. */
struct sr_explainer {
    arena_t *arena;
    uint32_t docid, doc_len;
    const char *via;          /* "phrase", "title", ... for the terms added now */
    sr_explain_term *v;
    size_t n, cap;
};
/* Add leaf l's part of the score, computed with tf. */
rc_t sr_explain_add(sr_explainer *x, const sr_leaf *l, uint32_t tf, double weight, err_t *err);
/* End of interface */

/* ---- Interface to code in doccache.c: the record of the current document
 * for filters and title: ----------------------------------------------- */
typedef struct {
    ix_reader *r;
    an_analyzer *an;
    uint32_t docid;       /* the record below belongs to it (0: none) */
    rc_t state;           /* RC_OK or RC_NOTFOUND for docid */
    ix_docinfo di;
    uint32_t title_end;
    int title_known;
} sr_doccache;

/* The record of docid, lent until the next call with another docid or the
 * end of the snapshot.  RC_OK, RC_NOTFOUND (no such document), RC_CORRUPT. */
rc_t sr_doccache_get(sr_doccache *c, uint32_t docid, const ix_docinfo **out, err_t *err);
/* First position after docid's title.  A title that repeats the start of
 * the text (IX_FLAG_TITLE_IN_TEXT) was indexed as the text's first words:
 * then it is the number of positions the title analyzes into. */
rc_t sr_doccache_title_end(sr_doccache *c, uint32_t docid, uint32_t *out, err_t *err);
/* End of interface */

/* ---- Interface to code in it_*.c: one iterator per file ---------------- */
/* it_andnot.c: documents of pos that neg does not match; pos's score. */
rc_t sr_andnot_new(arena_t *a, sr_it *pos, sr_it *neg, sr_it **out);
/* it_andmaybe.c: documents of req; score = req's + opt's where opt matches
 * too (optional words next to +required ones, CJK bigrams under --and). */
rc_t sr_andmaybe_new(arena_t *a, sr_it *req, sr_it *opt, sr_it **out);
/* it_phrase.c: kids[i] (positional) at position p + rel[i] for some p.
 * Scored as the sum of BM25 of leaves[i] with tf = the phrase's frequency
 * (Lucene's phrase scoring).  Its positions are the phrase starts. */
rc_t sr_phrase_new(arena_t *a, sr_it **kids, sr_leaf **leaves, const uint32_t *rel, size_t n,
                   sr_it **out);
/* it_near.c: one match of each kid (positional; span[i] = its length - 1)
 * inside a window where the gap (window length minus the kids' lengths)
 * is at most dist, in any order.  Score: the kids' scores. */
rc_t sr_near_new(arena_t *a, sr_it **kids, const uint32_t *span, size_t n, uint32_t dist,
                 sr_it **out);
/* it_title.c: the documents where kid (positional) matches inside the title. */
rc_t sr_title_new(arena_t *a, sr_it *kid, sr_doccache *dc, sr_it **out);
/* it_filter.c: documents of kid whose record satisfies every predicate
 * (LANG, SOURCE, DATE nodes and AND/OR of them; a PROHIBITED mark negates). */
rc_t sr_filter_new(arena_t *a, sr_it *kid, const sr_qnode **preds, size_t n, sr_doccache *dc,
                   sr_it **out);
int sr_pred_match(const sr_qnode *q, const ix_docinfo *di);
/* it_alldocs.c: every live document, score 0 (pure filters, pure exclusions). */
rc_t sr_alldocs_new(arena_t *a, ix_reader *r, sr_it **out);
/* End of interface */

/* ---- Interface to code in plan.c and plan_terms.c: AST -> iterators ---- */
enum {
    SR_PLAN_MAX_LEAVES = 2048,    /* postings iterators open for one query */
    SR_PREFIX_SCAN_MAX = 100000,  /* dictionary entries a prefix may visit */
};

typedef struct {
    ix_reader *r;
    an_analyzer *an;
    const sr_scorer *scorer;
    sr_collection coll;
    const sr_options *opt;
    arena_t *arena;
    sr_leaf **leaves;      /* every leaf created; sr_plan_close() closes them */
    size_t n_leaves, cap_leaves;
    const char **hl;       /* terms to highlight: leaves outside exclusions */
    size_t n_hl, cap_hl;
    sr_doccache docs;
    const char *note;      /* non-fatal remark for sr_result.note, or NULL */
    size_t col;            /* column of the node being planned (for errors) */
    size_t *err_col;
    const an_glossary *gl; /* cross-lingual glossary (NULL: none loaded) */
    char *expansion;       /* sr_result.expansion, built while planning */
    const char **missing;  /* query terms the index lacks (for suggestions) */
    size_t n_missing, cap_missing;
    int no_missing;        /* planning translations: their absence is no typo */
} sr_plan;

/* Where a node is planned. */
typedef struct {
    int in_title;     /* under title: */
    int negated;      /* under an exclusion: no highlighting */
    int xl;           /* under xl: or --cross-lingual: expand with the glossary */
} sr_pctx;

/* *out = NULL when the query has no terms at all (only stopwords). */
rc_t sr_plan_build(sr_plan *p, const sr_qnode *q, sr_it **out, err_t *err);
/* Close every postings iterator the plan opened (before ix_reader_end). */
void sr_plan_close(sr_plan *p);

/* plan_terms.c: the leaves.  Each sets *out = NULL when its text has no
 * terms (stopwords, punctuation), and to an empty iterator when a needed
 * term is not in the index. */
/* Free words of the TEXT nodes q[0..n), analyzed into one term list (a
 * repeated word counts once with its query frequency) and joined with OR,
 * or with AND when `and` (CJK overlay bigrams then only add score). */
rc_t sr_plan_text(sr_plan *p, const sr_qnode *const *q, size_t n, int and, sr_pctx c,
                  sr_it **out, err_t *err);
/* A phrase, or a marked word: its terms at their analyzed relative
 * positions (stopwords keep their gap; overlays are ignored).  *span is the
 * relative position of its last word (a trailing stopword included). */
rc_t sr_plan_phrase(sr_plan *p, const sr_qnode *q, sr_pctx c, sr_it **out, uint32_t *span,
                    err_t *err);
/* word*: the dictionary terms that start with the folded word, at most
 * opt->max_expansions of them (the most frequent), joined with OR. */
rc_t sr_plan_prefix(sr_plan *p, const sr_qnode *q, sr_pctx c, sr_it **out, err_t *err);
/* End of interface */

/* One leaf for an analyzed (index) term, query frequency 1; *out = NULL
 * when the index lacks it. */
rc_t sr_plan_leaf(sr_plan *p, const char *term, size_t len, sr_pctx c, sr_it **out,
                  sr_leaf **leaf, err_t *err);
/* plan_xl.c: cross-lingual expansion.  The clause for glossary concept
 * `concept` matched by query terms with key `key`: SYN of orig (the query's
 * own iterator, or NULL) and a phrase for every other name of the concept
 * the index has.  *out = NULL when nothing is left.  The expansion is added
 * to p->expansion. */
rc_t sr_xl_clause(sr_plan *p, long concept, const char *key, sr_it *orig, sr_pctx c,
                  sr_it **out, err_t *err);
/* A phrase (or a marked word) under xl:: the phrase, or the SYN of it and
 * its concept's other names when the whole phrase is a glossary name. */
rc_t sr_plan_phrase_xl(sr_plan *p, const sr_qnode *q, sr_pctx c, sr_it **out, err_t *err);
/* --like: the n most characteristic terms of document docid (BM25 weight of
 * the term in it; terms of that document alone left out), joined with OR;
 * with --cross-lingual, each that is a glossary name with its other names. */
rc_t sr_plan_like(sr_plan *p, uint32_t docid, size_t n, sr_it **out, err_t *err);
/* Forget a missing term (it was expanded, not misspelt). */
void sr_plan_forget_missing(sr_plan *p, const char *term);
/* End of interface */

/* ---- Interface to code in snippet.c ------------------------------------ */
/* terms maps each query term (a stem) to a distinct index < terms->n.  lang
 * is the document's language (its stems are the ones the index holds). */
/* Fill h->snippet and h->marks from the document text[0..len). */
rc_t sr_snippet_make(an_analyzer *an, const strmap *terms, const char *lang, const char *text,
                     size_t len, arena_t *a, sr_hit *h, err_t *err);
/* Fill h->title_marks from the NUL-terminated title. */
rc_t sr_title_marks(an_analyzer *an, const strmap *terms, const char *lang, const char *title,
                    arena_t *a, sr_hit *h, err_t *err);
/* End of interface */

/* ---- Interface to code in topk.c: bounded heap ------------------------- */
typedef struct {
    double score;
    uint32_t docid;
    double bonus;   /* part of score from the proximity bonus */
} sr_scored;

typedef struct {
    sr_scored *h;
    sr_scored *tmp;   /* [cap], for sorting */
    size_t n, cap;
} sr_topk;

rc_t sr_topk_init(sr_topk *t, arena_t *a, size_t cap);
/* Offer a document; keeps the cap best (higher score, then lower docid). */
void sr_topk_push(sr_topk *t, double score, uint32_t docid);
/* Keep the cap best of n documents (docids[i], scores[i]; ascending
 * docids, finite scores): the set pushing them in this order would keep,
 * but left in docid order, which is no heap, so only sr_topk_sort() or
 * the proximity pass may follow.  scratch holds n doubles. */
void sr_topk_select(sr_topk *t, const uint32_t *docids, const double *scores, size_t n,
                    double *scratch);
/* Score a document must beat to enter (-inf while not full). */
double sr_topk_threshold(const sr_topk *t);
/* Sort best first, in place. */
void sr_topk_sort(sr_topk *t);
/* End of interface */

/* ---- Interface to code in maxscore.c: safe pruning over an OR ----------- */
/* Nonzero when the clauses' bounds are usable (finite, non-negative, BM25
 * parameters in range) and there are at least two. */
int sr_maxscore_usable(sr_it *const *kids, size_t n, const sr_collection *c);
/* Fill top exactly as scoring every document matching any of the unstarted
 * kids would, without scoring most of them. */
rc_t sr_maxscore_run(sr_it **kids, size_t n, arena_t *a, sr_topk *top, err_t *err);
/* iters.c: the clauses of an OR node, or 0 when it is not one. */
size_t sr_or_kids(sr_it *it, sr_it ***out);
/* End of interface */

/* ---- Interface to code in taat.c: term-at-a-time scoring ---------------- */
/* Largest docid for which the accumulators are used (20 bytes each). */
enum { SR_TAAT_MAX_DOCID = 1 << 18 };
typedef struct {
    double score;
    uint64_t mask;    /* clauses matched: bit j for kid j < 63, bit 63 for any later */
} sr_acc;
/* Accumulators by docid, owned by the searcher and reused by its queries.
 * A zeroed struct is empty; release with sr_accum_free(). */
typedef struct {
    sr_acc *slot;     /* [cap] */
    uint64_t *seen;   /* [cap / 64]: bitmap of the docids the last query touched */
    uint32_t *len;    /* [cap]: document lengths, valid where len_ok says */
    unsigned char *len_ok;   /* [cap / IX_DOC_LEN_GROUP]: len[] holds that group */
    size_t cap;       /* a multiple of IX_DOC_LEN_GROUP */
    uint32_t *hit;    /* [cap_hits]: the matching docids, ascending */
    double *hit_score, *scratch;   /* [cap_hits] */
    size_t cap_hits;
} sr_accum;
void sr_accum_free(sr_accum *a);
/* Nonzero when the OR of kids[0..n) can be scored by sr_taat_run(): two or
 * more plain word leaves (no wrappers), docids up to SR_TAAT_MAX_DOCID, and
 * the clauses' bounds usable (sr_maxscore_usable: the scores are finite). */
int sr_taat_usable(sr_it *const *kids, size_t n, const sr_collection *c, uint32_t max_docid);
/* Fill top exactly as scoring every document matching any of the unstarted
 * kids would (the kids' iterators end up exhausted); *total = the number of
 * matching documents.  RC_OK, RC_NOMEM, RC_CORRUPT, RC_IO. */
rc_t sr_taat_run(sr_accum *a, ix_reader *r, sr_it **kids, size_t n, sr_topk *top,
                 uint64_t *total, err_t *err);
/* The clauses of the last sr_taat_run() that docid matched (sr_acc.mask). */
uint64_t sr_accum_mask(const sr_accum *a, uint32_t docid);
/* iters.c: it as a plain word leaf, or NULL when it is any other iterator. */
sr_leaf *sr_it_leaf(sr_it *it);
/* End of interface */

/* ---- Interface to code in proximity.c ---------------------------------- */
enum { SR_PROX_WINDOW = 5, SR_PROX_POOL = 100 };
#define SR_PROX_SCALE 0.5
/* What the scoring pass learnt of the words each document matched: the
 * clauses kids[0..n_kids) of the top OR, and for each document acc's mask
 * of them.  A word known to be absent is not looked for. */
typedef struct {
    const sr_accum *acc;
    sr_it *const *kids;
    size_t n_kids;
} sr_matched;
/* Add the proximity bonus of each of docs[0..n) to its score (docs are
 * reordered by docid); bonus[i] receives docs[i]'s share.  m may be NULL
 * (nothing known: every word is looked for in every document). */
rc_t sr_proximity_rescore(sr_plan *p, sr_scored *docs, size_t n, double *bonus,
                          const sr_matched *m, err_t *err);
/* End of interface */

/* ---- Interface to code in histogram.c (--histogram) --------------------- */
enum { SR_HIST_MAX_BUCKETS = 5000 };
/* The period of a stored date ("YYYY", "YYYY-MM", "YYYY-MM-DD..."): an
 * ordinal that grows by one per period (year, year*12+month, or weeks since
 * the Monday 1970-01-05).  0 when the date cannot be read (or, for weeks,
 * has no day). */
int sr_hist_ordinal(int unit, const char *date, size_t len, long *out);
/* "2025", "2025-06", "2025-W23" (ISO week-numbering year). */
void sr_hist_label(int unit, long ord, char out[16]);
/* Sort ords[0..n) and count them per period into *out (arena), with the
 * empty periods between the first and the last. */
rc_t sr_hist_build(arena_t *a, int unit, long *ords, size_t n, sr_bucket **out, size_t *n_out);
/* End of interface */

/* ---- Interface to code in suggest.c ("did you mean") --------------------- */
/* Damerau-Levenshtein (optimal string alignment) distance of two code point
 * strings (each at most AN_TERM_MAX long), or bound + 1 when it is larger. */
unsigned sr_edit_distance(const uint32_t *a, size_t na, const uint32_t *b, size_t nb,
                          unsigned bound);
/* Fill *out with the dictionary terms nearest to term (NUL-terminated, an
 * analyzed term; out->term = term); strings in a.  *visited (may be NULL)
 * is increased by the dictionary entries read.  RC_OK, RC_CORRUPT, RC_NOMEM. */
rc_t sr_suggest(ix_reader *r, const char *term, arena_t *a, sr_suggestion *out,
                size_t *visited, err_t *err);
/* End of interface */

#endif
