/* internal.h - interfaces between the files of the searcher module. */
#ifndef SEARCHER_INTERNAL_H
#define SEARCHER_INTERNAL_H

#include "../analyzers/an.h"
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

/* ---- Interface to code in query.c: text -> AST ------------------------ */
typedef enum {
    SR_Q_TEXT = 0,   /* free text: analyzed into terms, combined with the default op */
    SR_Q_OR,
    SR_Q_AND,
} sr_qkind;

typedef struct sr_qnode {
    sr_qkind kind;
    struct sr_qnode **kids;
    size_t n_kids;
    const char *text;   /* SR_Q_TEXT: raw query text (not NUL-terminated) */
    size_t len;
    size_t col;         /* 1-based column of the node in the query (in characters) */
} sr_qnode;

/* Parse query[0..len) into an AST allocated in a.  RC_BADINPUT with
 * *err_col (1-based) and a message for a malformed query. */
rc_t sr_parse(arena_t *a, const char *query, size_t len, sr_qnode **out, size_t *err_col,
              err_t *err);
/* End of interface */

/* ---- Interface to code in iters.c: the iterator tree ------------------ */
#define SR_END UINT32_MAX

typedef struct sr_it sr_it;

typedef struct {
    rc_t (*next)(sr_it *it, err_t *err);
    /* Move to the first docid >= d (d > current docid). */
    rc_t (*skip_to)(sr_it *it, uint32_t d, err_t *err);
    /* Score of the current document (docid != SR_END). */
    double (*score)(sr_it *it);
    void (*close)(sr_it *it);
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
} sr_leaf;

rc_t sr_leaf_new(arena_t *a, ix_reader *r, ix_iter *ix, const sr_scorer *sc,
                 const sr_termweight *w, const char *term, sr_it **out);
/* OR: documents matching any child; score = sum of matching children. */
rc_t sr_or_new(arena_t *a, sr_it **kids, size_t n, sr_it **out);
/* AND: documents matching every child; score = sum. */
rc_t sr_and_new(arena_t *a, sr_it **kids, size_t n, sr_it **out);
/* An iterator that matches nothing. */
rc_t sr_empty_new(arena_t *a, sr_it **out);
void sr_it_close(sr_it *it);
/* End of interface */

/* ---- Interface to code in plan.c: AST -> iterators -------------------- */
typedef struct {
    ix_reader *r;
    an_analyzer *an;
    const sr_scorer *scorer;
    sr_collection coll;
    const sr_options *opt;
    arena_t *arena;
    sr_leaf **leaves;      /* every leaf created, for --explain */
    size_t n_leaves, cap_leaves;
} sr_plan;

rc_t sr_plan_build(sr_plan *p, const sr_qnode *q, sr_it **out, err_t *err);
/* End of interface */

/* ---- Interface to code in topk.c: bounded heap ------------------------- */
typedef struct {
    double score;
    uint32_t docid;
} sr_scored;

typedef struct {
    sr_scored *h;
    size_t n, cap;
} sr_topk;

rc_t sr_topk_init(sr_topk *t, arena_t *a, size_t cap);
/* Offer a document; keeps the cap best (higher score, then lower docid). */
void sr_topk_push(sr_topk *t, double score, uint32_t docid);
/* Score a document must beat to enter (-inf while not full). */
double sr_topk_threshold(const sr_topk *t);
/* Sort best first, in place. */
void sr_topk_sort(sr_topk *t);
/* End of interface */

#endif
