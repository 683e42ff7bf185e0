/* iters.c - the iterator tree that evaluates a query document at a time:
 * leaves over postings, OR (union, scores added), AND (intersection by
 * leapfrogging: each child skips to the largest docid seen), and an empty
 * iterator for terms the index does not have; plus the --explain walk.
 * Compare Xapian's matcher/orpostlist.cc and andpostlist.cc.  The other
 * operators have a file each (it_*.c). */
#include <string.h>

#include "internal.h"

void sr_it_close(sr_it *it)
{
    if (it && it->ops->close)
        it->ops->close(it);
}

/* ---- leaf -------------------------------------------------------------- */

static void leaf_sync(sr_leaf *l)
{
    l->base.docid = ix_iter_eof(l->ix) ? SR_END : ix_iter_docid(l->ix);
}

static rc_t leaf_next(sr_it *it, err_t *err)
{
    sr_leaf *l = (sr_leaf *)it;
    rc_t rc = ix_iter_next(l->ix, err);
    leaf_sync(l);
    return rc;
}

static rc_t leaf_skip_to(sr_it *it, uint32_t d, err_t *err)
{
    sr_leaf *l = (sr_leaf *)it;
    rc_t rc = ix_iter_skip_to(l->ix, d, err);
    leaf_sync(l);
    return rc;
}

static double leaf_score(sr_it *it)
{
    sr_leaf *l = (sr_leaf *)it;
    return l->scorer->score(&l->w, ix_iter_tf(l->ix), ix_doc_len(l->r, it->docid));
}

static void leaf_close(sr_it *it)
{
    sr_leaf *l = (sr_leaf *)it;
    ix_iter_close(l->ix);
    l->ix = NULL;
}

/* Decoded once per document: a phrase and a title: test may both ask. */
static rc_t leaf_positions(sr_it *it, const uint32_t **pos, uint32_t *n, err_t *err)
{
    sr_leaf *l = (sr_leaf *)it;
    if (l->pos_doc != it->docid) {
        rc_t rc = ix_iter_positions(l->ix, &l->pos, &l->n_pos, err);
        if (rc != RC_OK)
            return rc;
        l->pos_doc = it->docid;
    }
    *pos = l->pos;
    *n = l->n_pos;
    return RC_OK;
}

static rc_t leaf_explain(sr_it *it, sr_explainer *x, err_t *err)
{
    sr_leaf *l = (sr_leaf *)it;
    return sr_explain_add(x, l, ix_iter_tf(l->ix), leaf_score(it), err);
}

static const sr_it_ops leaf_ops = {leaf_next,  leaf_skip_to,   leaf_score,
                                   leaf_close, leaf_positions, leaf_explain};

sr_leaf *sr_it_leaf(sr_it *it)
{
    return it->ops == &leaf_ops ? (sr_leaf *)it : NULL;
}

rc_t sr_explain_add(sr_explainer *x, const sr_leaf *l, uint32_t tf, double weight, err_t *err)
{
    if (!arena_grow(x->arena, (void **)&x->v, &x->cap, x->n, sizeof *x->v))
        return err_set(err, RC_NOMEM, "out of memory explaining a score");
    x->v[x->n++] = (sr_explain_term){.term = l->term, .tf = tf, .df = l->df, .idf = l->w.idf,
                                     .weight = weight, .qweight = l->w.qweight, .k1 = l->w.k1,
                                     .b = l->w.b, .avg_len = l->w.avg_len, .via = x->via};
    return RC_OK;
}

rc_t sr_it_explain(sr_it *it, sr_explainer *x, err_t *err)
{
    if (it->docid != x->docid || !it->ops->explain)
        return RC_OK;
    return it->ops->explain(it, x, err);
}

rc_t sr_leaf_new(arena_t *a, ix_reader *r, ix_iter *ix, const sr_scorer *sc,
                 const sr_termweight *w, const char *term, sr_it **out)
{
    sr_leaf *l = arena_alloc(a, sizeof *l);
    if (!l) {
        ix_iter_close(ix);
        return RC_NOMEM;
    }
    memset(l, 0, sizeof *l);
    l->base.ops = &leaf_ops;
    l->ix = ix;
    l->r = r;
    l->scorer = sc;
    l->w = *w;
    l->term = term;
    l->df = ix_iter_term_info(ix)->df;
    l->base.max_score = sc->max_score(w);
    *out = &l->base;
    return RC_OK;
}

/* ---- OR and AND ---------------------------------------------------------- */

typedef struct {
    sr_it base;
    sr_it **kids;
    size_t n;
    size_t base_kids;   /* SYN: kids before this one are the original words */
} sr_multi;

static void multi_close(sr_it *it)
{
    sr_multi *m = (sr_multi *)it;
    for (size_t i = 0; i < m->n; i++)
        sr_it_close(m->kids[i]);
}

static void or_sync(sr_multi *m)
{
    uint32_t d = SR_END;
    for (size_t i = 0; i < m->n; i++)
        if (m->kids[i]->docid < d)
            d = m->kids[i]->docid;
    m->base.docid = d;
}

static rc_t or_next(sr_it *it, err_t *err)
{
    sr_multi *m = (sr_multi *)it;
    uint32_t cur = it->docid;
    for (size_t i = 0; i < m->n; i++) {
        sr_it *k = m->kids[i];
        if (k->docid == cur) {
            rc_t rc = k->ops->next(k, err);
            if (rc != RC_OK)
                return rc;
        }
    }
    or_sync(m);
    return RC_OK;
}

static rc_t or_skip_to(sr_it *it, uint32_t d, err_t *err)
{
    sr_multi *m = (sr_multi *)it;
    for (size_t i = 0; i < m->n; i++) {
        sr_it *k = m->kids[i];
        if (k->docid < d) {
            rc_t rc = k->ops->skip_to(k, d, err);
            if (rc != RC_OK)
                return rc;
        }
    }
    or_sync(m);
    return RC_OK;
}

static double multi_score(sr_it *it)
{
    sr_multi *m = (sr_multi *)it;
    double s = 0;
    for (size_t i = 0; i < m->n; i++)
        if (m->kids[i]->docid == it->docid)
            s += m->kids[i]->ops->score(m->kids[i]);
    return s;
}

static rc_t multi_explain(sr_it *it, sr_explainer *x, err_t *err)
{
    sr_multi *m = (sr_multi *)it;
    rc_t rc = RC_OK;
    for (size_t i = 0; i < m->n && rc == RC_OK; i++)
        rc = sr_it_explain(m->kids[i], x, err);
    return rc;
}

static const sr_it_ops or_ops = {or_next, or_skip_to, multi_score, multi_close, NULL,
                                 multi_explain};

/* Leapfrog: move every child to the largest current docid until they agree. */
static rc_t and_align(sr_multi *m, uint32_t target, err_t *err)
{
    for (;;) {
        int agreed = 1;
        for (size_t i = 0; i < m->n && target != SR_END; i++) {
            sr_it *k = m->kids[i];
            if (k->docid < target) {
                rc_t rc = k->ops->skip_to(k, target, err);
                if (rc != RC_OK)
                    return rc;
            }
            if (k->docid > target) {
                target = k->docid;
                agreed = 0;
            }
        }
        if (agreed || target == SR_END) {
            m->base.docid = target;
            return RC_OK;
        }
    }
}

static rc_t and_next(sr_it *it, err_t *err)
{
    sr_multi *m = (sr_multi *)it;
    sr_it *k = m->kids[0];
    rc_t rc = k->ops->next(k, err);
    if (rc != RC_OK)
        return rc;
    return and_align(m, k->docid, err);
}

static rc_t and_skip_to(sr_it *it, uint32_t d, err_t *err)
{
    return and_align((sr_multi *)it, d, err);
}

static const sr_it_ops and_ops = {and_next, and_skip_to, multi_score, multi_close, NULL,
                                  multi_explain};

static rc_t multi_new(arena_t *a, const sr_it_ops *ops, sr_it **kids, size_t n, sr_it **out)
{
    sr_multi *m = arena_alloc(a, sizeof *m);
    sr_it **copy = arena_alloc(a, (n ? n : 1) * sizeof *copy);
    if (!m || !copy)
        return RC_NOMEM;
    memcpy(copy, kids, n * sizeof *copy);
    m->base.ops = ops;
    m->base.docid = 0;
    m->kids = copy;
    m->n = n;
    m->base_kids = n;
    double sum = 0;
    for (size_t i = 0; i < n; i++)
        sum += kids[i]->max_score;
    m->base.max_score = sum;
    *out = &m->base;
    return RC_OK;
}

size_t sr_or_kids(sr_it *it, sr_it ***out)
{
    if (it->ops != &or_ops)
        return 0;
    *out = ((sr_multi *)it)->kids;
    return ((sr_multi *)it)->n;
}

rc_t sr_or_new(arena_t *a, sr_it **kids, size_t n, sr_it **out)
{
    if (n == 1) {
        *out = kids[0];
        return RC_OK;
    }
    return multi_new(a, &or_ops, kids, n, out);
}

rc_t sr_and_new(arena_t *a, sr_it **kids, size_t n, sr_it **out)
{
    if (n == 1) {
        *out = kids[0];
        return RC_OK;
    }
    return multi_new(a, &and_ops, kids, n, out);
}


/* ---- SYN: alternatives of one concept ------------------------------------ */
/* A cross-lingual concept is one clause however many names it has: the
 * score is the best-scoring alternative that matches (Xapian's OP_MAX; its
 * OP_SYNONYM would need one tf over phrases of different lengths), so a
 * concept with five translations does not weigh five times, and a document
 * in the query's own language scores exactly as without the expansion. */
static double syn_score(sr_it *it)
{
    sr_multi *m = (sr_multi *)it;
    double best = 0;
    for (size_t i = 0; i < m->n; i++)
        if (m->kids[i]->docid == it->docid) {
            double s = m->kids[i]->ops->score(m->kids[i]);
            if (s > best)
                best = s;
        }
    return best;
}

/* Only the winning alternative's parts; the translations say "xl". */
static rc_t syn_explain(sr_it *it, sr_explainer *x, err_t *err)
{
    sr_multi *m = (sr_multi *)it;
    size_t win = m->n;
    double best = -1;
    for (size_t i = 0; i < m->n; i++)
        if (m->kids[i]->docid == it->docid) {
            double s = m->kids[i]->ops->score(m->kids[i]);
            if (s > best)
                best = s, win = i;
        }
    if (win == m->n)
        return RC_OK;
    size_t n0 = x->n;
    rc_t rc = sr_it_explain(m->kids[win], x, err);
    /* Phrases name themselves "phrase"; a translation says "xl" instead. */
    for (size_t i = n0; win >= m->base_kids && i < x->n; i++)
        x->v[i].via = "xl";
    return rc;
}

static const sr_it_ops syn_ops = {or_next, or_skip_to, syn_score, multi_close, NULL,
                                  syn_explain};

rc_t sr_syn_new(arena_t *a, sr_it **kids, size_t n, size_t n_orig, sr_it **out)
{
    rc_t rc = multi_new(a, &syn_ops, kids, n, out);
    if (rc != RC_OK)
        return rc;
    sr_multi *m = (sr_multi *)*out;
    m->base_kids = n_orig;
    double best = 0;
    for (size_t i = 0; i < n; i++)
        if (kids[i]->max_score > best)
            best = kids[i]->max_score;
    m->base.max_score = best;
    return RC_OK;
}

/* ---- wrappers ------------------------------------------------------------ */

static rc_t wrap_settle(sr_wrap *w, err_t *err)
{
    rc_t rc = RC_OK;
    while (w->kid->docid != SR_END) {
        int ok = 0;
        if ((rc = w->accept(w, &ok, err)) != RC_OK)
            return rc;
        if (ok)
            break;
        if ((rc = w->kid->ops->next(w->kid, err)) != RC_OK)
            return rc;
    }
    w->base.docid = w->kid->docid;
    return RC_OK;
}

rc_t sr_wrap_next(sr_it *it, err_t *err)
{
    sr_wrap *w = (sr_wrap *)it;
    rc_t rc = w->kid->ops->next(w->kid, err);
    return rc == RC_OK ? wrap_settle(w, err) : rc;
}

rc_t sr_wrap_skip_to(sr_it *it, uint32_t d, err_t *err)
{
    sr_wrap *w = (sr_wrap *)it;
    rc_t rc = w->kid->docid < d ? w->kid->ops->skip_to(w->kid, d, err) : RC_OK;
    return rc == RC_OK ? wrap_settle(w, err) : rc;
}

double sr_wrap_score(sr_it *it)
{
    sr_wrap *w = (sr_wrap *)it;
    return w->kid->ops->score(w->kid);
}

rc_t sr_wrap_explain(sr_it *it, sr_explainer *x, err_t *err)
{
    return sr_it_explain(((sr_wrap *)it)->kid, x, err);
}

sr_wrap *sr_wrap_new(arena_t *a, size_t size, const sr_it_ops *ops, sr_it *kid,
                     rc_t (*accept)(sr_wrap *w, int *ok, err_t *err))
{
    sr_wrap *w = arena_alloc(a, size);
    if (!w)
        return NULL;
    memset(w, 0, size);
    w->base.ops = ops;
    w->base.max_score = kid->max_score;
    w->kid = kid;
    w->accept = accept;
    return w;
}

/* ---- empty --------------------------------------------------------------- */

static rc_t empty_move(sr_it *it, err_t *err)
{
    (void)err;
    it->docid = SR_END;
    return RC_OK;
}

static rc_t empty_skip(sr_it *it, uint32_t d, err_t *err)
{
    (void)d;
    return empty_move(it, err);
}

static double empty_score(sr_it *it)
{
    (void)it;
    return 0;
}

static const sr_it_ops empty_ops = {empty_move, empty_skip, empty_score, NULL, NULL, NULL};

rc_t sr_empty_new(arena_t *a, sr_it **out)
{
    sr_it *it = arena_alloc(a, sizeof *it);
    if (!it)
        return RC_NOMEM;
    it->ops = &empty_ops;
    it->docid = 0;
    it->max_score = 0;
    *out = it;
    return RC_OK;
}

int sr_it_is_empty(const sr_it *it)
{
    return it->ops == &empty_ops;
}
