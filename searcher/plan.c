/* plan.c - the AST to a tree of iterators.  The leaves (analyzed words,
 * phrases, prefixes) are built in plan_terms.c; this file puts them
 * together:
 *
 *   a list (AND or OR node)  ->  required:  AND of the REQUIRED kids (and of
 *                                           every unmarked kid of an AND)
 *                                optional:  OR of the unmarked kids of an OR;
 *                                           only ranks when something is required
 *                                excluded:  AND_NOT the OR of the PROHIBITED kids
 *                                filters:   record tests on what is left
 *   NEAR -> it_near over positional operands; title:X -> X's terms tested
 *   against the title; a query of filters or exclusions alone starts from
 *   every document.
 *
 * Free words next to each other in a list of the default operator are
 * analyzed together as one term list (plan_terms.c), so a repeated word
 * counts once with its query frequency, exactly as in a query without
 * operators.  A word or a phrase that has no terms at all (stopwords,
 * punctuation) drops out of its list instead of emptying it.
 */
#include <string.h>

#include "internal.h"

typedef struct {
    sr_it **v;
    size_t n;
} itvec;

static rc_t oom(err_t *err)
{
    return err_set(err, RC_NOMEM, "out of memory planning the query");
}

/* A filter, or a list made of filters only: tested on document records. */
static int is_pred(const sr_qnode *q)
{
    if (q->kind == SR_Q_LANG || q->kind == SR_Q_SOURCE || q->kind == SR_Q_DATE)
        return 1;
    if ((q->kind != SR_Q_AND && q->kind != SR_Q_OR) || q->n_kids == 0)
        return 0;
    for (size_t i = 0; i < q->n_kids; i++)
        if (!is_pred(q->kids[i]))
            return 0;
    return 1;
}

static rc_t plan_node(sr_plan *p, const sr_qnode *q, sr_pctx c, sr_it **out, err_t *err);

/* The OR (any) or AND (all) of v; NULL when v is empty. */
static rc_t combine(sr_plan *p, itvec *v, int all, sr_it **out)
{
    *out = NULL;
    if (v->n == 0)
        return RC_OK;
    return all ? sr_and_new(p->arena, v->v, v->n, out) : sr_or_new(p->arena, v->v, v->n, out);
}

/* required [+ optional] [- excluded] [filtered], from the groups of kids. */
static rc_t assemble(sr_plan *p, itvec *must, itvec *should, itvec *nots, const sr_qnode **preds,
                     size_t n_preds, sr_it **out, err_t *err)
{
    sr_it *req, *opt, *neg;
    if (combine(p, must, 1, &req) != RC_OK || combine(p, should, 0, &opt) != RC_OK ||
        combine(p, nots, 0, &neg) != RC_OK)
        return oom(err);
    rc_t rc = RC_OK;
    if (req && opt)
        rc = sr_andmaybe_new(p->arena, req, opt, &req);
    else if (!req)
        req = opt;
    if (rc == RC_OK && !req && (neg || n_preds))
        rc = sr_alldocs_new(p->arena, p->r, &req);
    if (rc == RC_OK && req && neg)
        rc = sr_andnot_new(p->arena, req, neg, &req);
    if (rc == RC_OK && req && n_preds)
        rc = sr_filter_new(p->arena, req, preds, n_preds, &p->docs, &req);
    *out = req;
    return rc == RC_OK ? RC_OK : oom(err);
}

/* The filters of a list, as one list of the same kind for it_filter.c
 * (which combines them by field unless OR was written); NULL when there
 * are none or memory ran out. */
static const sr_qnode **group_preds(sr_plan *p, sr_qkind kind, int explicit_or,
                                    const sr_qnode **preds, size_t n)
{
    const sr_qnode **one = arena_alloc(p->arena, sizeof *one);
    sr_qnode *g = arena_alloc(p->arena, sizeof *g);
    if (!one || !g || !n)
        return NULL;
    memset(g, 0, sizeof *g);
    g->kind = kind;
    g->explicit_or = explicit_or;
    g->kids = (sr_qnode **)preds;
    g->n_kids = n;
    *one = g;
    return one;
}

static rc_t plan_list(sr_plan *p, sr_qkind kind, sr_qnode *const *kids, size_t n,
                      int explicit_or, sr_pctx c, sr_it **out, err_t *err)
{
    int and = p->opt->default_and;
    /* Unmarked free words in a list of the default operator are one text. */
    int merge = (kind == SR_Q_OR) != (and != 0);
    itvec must = {0}, should = {0}, nots = {0};
    const sr_qnode **preds = arena_alloc(p->arena, n * sizeof *preds);
    const sr_qnode **texts = arena_alloc(p->arena, n * sizeof *texts);
    must.v = arena_alloc(p->arena, (n + 1) * sizeof *must.v);
    should.v = arena_alloc(p->arena, (n + 1) * sizeof *should.v);
    nots.v = arena_alloc(p->arena, n * sizeof *nots.v);
    if (!preds || !texts || !must.v || !should.v || !nots.v)
        return oom(err);
    size_t n_preds = 0, n_texts = 0;
    for (size_t i = 0; i < n; i++) {
        const sr_qnode *k = kids[i];
        if (is_pred(k)) {
            preds[n_preds++] = k;
            continue;
        }
        if (merge && k->kind == SR_Q_TEXT && k->mark == SR_MARK_NONE) {
            texts[n_texts++] = k;
            continue;
        }
        sr_pctx kc = c;
        kc.negated |= k->mark == SR_MARK_PROHIBITED;
        sr_it *it;
        rc_t rc = plan_node(p, k, kc, &it, err);
        if (rc != RC_OK)
            return rc;
        if (!it)
            continue;
        if (k->mark == SR_MARK_PROHIBITED)
            nots.v[nots.n++] = it;
        else if (k->mark == SR_MARK_REQUIRED || kind == SR_Q_AND)
            must.v[must.n++] = it;
        else
            should.v[should.n++] = it;
    }
    if (n_texts) {
        sr_it *it;
        p->col = texts[0]->col;
        rc_t rc = sr_plan_text(p, texts, n_texts, and, c, &it, err);
        if (rc != RC_OK)
            return rc;
        itvec *v = kind == SR_Q_AND ? &must : &should;
        if (it) {
            memmove(v->v + 1, v->v, v->n * sizeof *v->v);
            v->v[0] = it;
            v->n++;
        }
    }
    const sr_qnode **group = group_preds(p, kind, explicit_or, preds, n_preds);
    if (n_preds && !group)
        return oom(err);
    return assemble(p, &must, &should, &nots, group, n_preds ? 1 : 0, out, err);
}

static rc_t plan_near(sr_plan *p, const sr_qnode *q, sr_pctx c, sr_it **out, err_t *err)
{
    sr_it **kids = arena_alloc(p->arena, q->n_kids * sizeof *kids);
    uint32_t *span = arena_alloc(p->arena, q->n_kids * sizeof *span);
    if (!kids || !span)
        return oom(err);
    size_t n = 0;
    *out = NULL;
    for (size_t i = 0; i < q->n_kids; i++) {
        p->col = q->kids[i]->col;
        rc_t rc = sr_plan_phrase(p, q->kids[i], c, &kids[n], &span[n], err);
        if (rc != RC_OK)
            return rc;
        if (kids[n] && sr_it_is_empty(kids[n])) {
            *out = kids[n];
            return RC_OK;
        }
        n += kids[n] != NULL;   /* an operand of stopwords only drops out */
    }
    if (n <= 1) {
        *out = n ? kids[0] : NULL;
        return RC_OK;
    }
    return sr_near_new(p->arena, kids, span, n, q->near, out) == RC_OK ? RC_OK : oom(err);
}

static rc_t plan_node(sr_plan *p, const sr_qnode *q, sr_pctx c, sr_it **out, err_t *err)
{
    uint32_t span;
    *out = NULL;
    p->col = q->col;
    if (is_pred(q))
        return plan_list(p, SR_Q_OR, (sr_qnode *const *)&q, 1, 0, c, out, err);
    switch (q->kind) {
    case SR_Q_TEXT:
        /* A marked word means that word: "+x-ray" is the phrase x ray. */
        if (q->mark != SR_MARK_NONE)
            return c.xl ? sr_plan_phrase_xl(p, q, c, out, err)
                        : sr_plan_phrase(p, q, c, out, &span, err);
        return sr_plan_text(p, &q, 1, p->opt->default_and, c, out, err);
    case SR_Q_PHRASE:
        return c.xl ? sr_plan_phrase_xl(p, q, c, out, err)
                    : sr_plan_phrase(p, q, c, out, &span, err);
    case SR_Q_XL:
        c.xl = 1;
        return plan_node(p, q->kids[0], c, out, err);
    case SR_Q_PREFIX: return sr_plan_prefix(p, q, c, out, err);
    case SR_Q_NEAR: return plan_near(p, q, c, out, err);
    case SR_Q_AND:
    case SR_Q_OR: return plan_list(p, q->kind, q->kids, q->n_kids, q->explicit_or, c, out, err);
    case SR_Q_TITLE:
        c.in_title = 1;
        return plan_node(p, q->kids[0], c, out, err);
    default: break;
    }
    return err_set(err, RC_INTERNAL, "unknown query node");
}

rc_t sr_plan_build(sr_plan *p, const sr_qnode *q, sr_it **out, err_t *err)
{
    sr_pctx c = {0};
    c.xl = p->opt->cross_lingual;
    p->docs.r = p->r;
    p->docs.an = p->an;
    /* A marked or filtering root is a list of one, so its mark applies. */
    if (q->mark != SR_MARK_NONE)
        return plan_list(p, SR_Q_OR, (sr_qnode *const *)&q, 1, 0, c, out, err);
    return plan_node(p, q, c, out, err);
}

void sr_plan_close(sr_plan *p)
{
    for (size_t i = 0; i < p->n_leaves; i++) {
        ix_iter_close(p->leaves[i]->ix);
        p->leaves[i]->ix = NULL;
    }
}
