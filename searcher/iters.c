/* iters.c - the iterator tree that evaluates a query document at a time:
 * leaves over postings, OR (union, scores added), AND (intersection by
 * leapfrogging: each child skips to the largest docid seen), and an empty
 * iterator for terms the index does not have.  Compare Xapian's
 * matcher/orpostlist.cc and andpostlist.cc. */
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

static const sr_it_ops leaf_ops = {leaf_next, leaf_skip_to, leaf_score, leaf_close};

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

static const sr_it_ops or_ops = {or_next, or_skip_to, multi_score, multi_close};

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

static const sr_it_ops and_ops = {and_next, and_skip_to, multi_score, multi_close};

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
    double sum = 0;
    for (size_t i = 0; i < n; i++)
        sum += kids[i]->max_score;
    m->base.max_score = sum;
    *out = &m->base;
    return RC_OK;
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

static const sr_it_ops empty_ops = {empty_move, empty_skip, empty_score, NULL};

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
