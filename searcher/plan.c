/* plan.c - the AST to a tree of iterators.  Every piece of query text goes
 * through the same analyzer chain as the documents (an_analyze with the
 * index's configuration), so "Меморандума" finds "меморандум" and a Chinese
 * query without spaces is segmented like the documents were. */
#include <string.h>

#include "../common/mem.h"
#include "../common/strmap.h"
#include "internal.h"

/* A CJK bigram that only appears as an overlay (the query's words are the
 * dictionary words; the bigram is extra evidence for segmentations that
 * differ between query and document) counts half.  Measured with
 * bench/eval_ours.sh on xquad/zh and cmrc2018, nDCG@10: weight 1.0 ->
 * 0.9631 / 0.9911, 0.7 -> 0.9663 / 0.9916, 0.5 -> 0.9662 / 0.9918,
 * 0.3 -> 0.9660 / 0.9909. */
#define SR_OVERLAY_WEIGHT 0.5

typedef struct {
    strmap terms;         /* stem -> index in list */
    struct qterm {
        const char *term;
        uint32_t len, qtf;
        int overlay;      /* only ever seen as a CJK overlay bigram */
    } *list;
    size_t n, cap;
    arena_t *arena;
} term_list;

static rc_t collect(void *ctx, const an_token *t)
{
    term_list *tl = ctx;
    if ((t->flags & AN_TOK_STOP) || !t->stem_len || t->stem_len > IX_TERM_MAX)
        return RC_OK;
    int added;
    strmap_slot *s = strmap_put(&tl->terms, t->stem, t->stem_len, &added);
    if (!s)
        return RC_NOMEM;
    if (added) {
        if (tl->n == tl->cap) {
            size_t cap = tl->cap ? tl->cap * 2 : 16;
            struct qterm *l = arena_alloc(tl->arena, cap * sizeof *l);
            if (!l)
                return RC_NOMEM;
            if (tl->n)
                memcpy(l, tl->list, tl->n * sizeof *l);
            tl->list = l;
            tl->cap = cap;
        }
        char *copy = arena_strndup(tl->arena, t->stem, t->stem_len);
        if (!copy)
            return RC_NOMEM;
        tl->list[tl->n] = (struct qterm){copy, (uint32_t)t->stem_len, 0,
                                         (t->flags & AN_TOK_OVERLAY) != 0};
        s->value = tl->n++;
    }
    struct qterm *q = &tl->list[s->value];
    q->qtf++;
    if (!(t->flags & AN_TOK_OVERLAY))
        q->overlay = 0;
    return RC_OK;
}

static rc_t add_leaf(sr_plan *p, sr_leaf *l)
{
    if (p->n_leaves == p->cap_leaves) {
        size_t cap = p->cap_leaves ? p->cap_leaves * 2 : 16;
        sr_leaf **v = arena_alloc(p->arena, cap * sizeof *v);
        if (!v)
            return RC_NOMEM;
        if (p->n_leaves)
            memcpy(v, p->leaves, p->n_leaves * sizeof *v);
        p->leaves = v;
        p->cap_leaves = cap;
    }
    p->leaves[p->n_leaves++] = l;
    return RC_OK;
}

/* Leaf for one analyzed term; *out = NULL when the index lacks it. */
static rc_t term_leaf(sr_plan *p, const char *term, size_t len, uint32_t qtf, sr_it **out,
                      err_t *err)
{
    *out = NULL;
    ix_iter *ix;
    rc_t rc = ix_iter_open(p->r, term, len, &ix, err);
    if (rc == RC_NOTFOUND)
        return RC_OK;
    if (rc != RC_OK)
        return rc;
    sr_termweight w;
    p->scorer->init_term(&w, &p->coll, ix_iter_term_info(ix)->df, qtf);
    char *copy = arena_strndup(p->arena, term, len);
    if (!copy) {
        ix_iter_close(ix);
        return err_set(err, RC_NOMEM, "out of memory");
    }
    if ((rc = sr_leaf_new(p->arena, p->r, ix, p->scorer, &w, copy, out)) != RC_OK ||
        (rc = add_leaf(p, (sr_leaf *)*out)) != RC_OK)
        return err_set(err, rc, "out of memory");
    return RC_OK;
}

static rc_t plan_text(sr_plan *p, const sr_qnode *q, sr_it **out, err_t *err)
{
    term_list tl = {.arena = p->arena};
    strmap_init(&tl.terms);
    uint32_t pos = 0;
    rc_t rc = an_analyze(p->an, NULL, q->text, q->len, &pos, collect, &tl, err);
    strmap_free(&tl.terms);
    if (rc == RC_NOMEM)
        return err_set(err, rc, "out of memory analyzing the query");
    if (rc != RC_OK)
        return rc;
    sr_it **kids = arena_alloc(p->arena, (tl.n ? tl.n : 1) * sizeof *kids);
    if (!kids)
        return err_set(err, RC_NOMEM, "out of memory");
    size_t n = 0;
    int and = p->opt->default_and;
    for (size_t i = 0; i < tl.n; i++) {
        if (and && tl.list[i].overlay)
            continue; /* bigram overlays never make a document required */
        sr_it *leaf;
        if ((rc = term_leaf(p, tl.list[i].term, tl.list[i].len, tl.list[i].qtf, &leaf, err)) !=
            RC_OK)
            return rc;
        if (leaf && tl.list[i].overlay) {
            sr_leaf *l = (sr_leaf *)leaf;
            l->w.qweight *= SR_OVERLAY_WEIGHT;
            leaf->max_score = p->scorer->max_score(&l->w);
        }
        if (leaf)
            kids[n++] = leaf;
        else if (and)
            return sr_empty_new(p->arena, out) == RC_OK ? RC_OK
                                                         : err_set(err, RC_NOMEM, "out of memory");
    }
    if (n == 0)
        rc = sr_empty_new(p->arena, out);
    else
        rc = and ? sr_and_new(p->arena, kids, n, out) : sr_or_new(p->arena, kids, n, out);
    return rc == RC_OK ? RC_OK : err_set(err, rc, "out of memory");
}

rc_t sr_plan_build(sr_plan *p, const sr_qnode *q, sr_it **out, err_t *err)
{
    switch (q->kind) {
    case SR_Q_TEXT:
        return plan_text(p, q, out, err);
    case SR_Q_OR:
    case SR_Q_AND: {
        sr_it **kids = arena_alloc(p->arena, (q->n_kids ? q->n_kids : 1) * sizeof *kids);
        if (!kids)
            return err_set(err, RC_NOMEM, "out of memory");
        for (size_t i = 0; i < q->n_kids; i++) {
            rc_t rc = sr_plan_build(p, q->kids[i], &kids[i], err);
            if (rc != RC_OK)
                return rc;
        }
        rc_t rc = q->kind == SR_Q_OR ? sr_or_new(p->arena, kids, q->n_kids, out)
                                     : sr_and_new(p->arena, kids, q->n_kids, out);
        return rc == RC_OK ? RC_OK : err_set(err, rc, "out of memory");
    }
    }
    return err_set(err, RC_INTERNAL, "unknown query node");
}
