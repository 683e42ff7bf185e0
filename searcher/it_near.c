/* it_near.c - a NEAR/n b: one match of each operand, in any order, with at
 * most n positions between them (stopwords count: they keep positions).
 * For operands that are phrases the gap is measured between their ends, so
 * "a b" NEAR/2 c allows two words between b and c.  Candidates come from an
 * AND of the operands; the window test is the classic "smallest range
 * covering one element of every list": repeatedly advance the operand that
 * starts first.  Scored as the sum of the operands' own scores: NEAR
 * restricts which documents match, BM25 ranks them. */
#include <string.h>

#include "internal.h"

typedef struct {
    sr_wrap w;             /* kid: AND of kids */
    sr_it **kids;
    uint32_t *span;        /* operand length - 1 */
    size_t n;
    uint32_t dist;
    const uint32_t **pos;  /* per operand, its positions in the current document */
    uint32_t *n_pos, *ptr;
} near_it;

/* The operands at their cursors: inside one window, not overlapping? */
static int window_ok(const near_it *m)
{
    uint64_t lo = UINT64_MAX, hi = 0, spans = 0;
    for (size_t i = 0; i < m->n; i++) {
        uint64_t s = m->pos[i][m->ptr[i]], e = s + m->span[i];
        for (size_t j = 0; j < i; j++) {
            uint64_t s2 = m->pos[j][m->ptr[j]];
            if (s <= s2 + m->span[j] && s2 <= e)
                return 0;
        }
        lo = s < lo ? s : lo;
        hi = e > hi ? e : hi;
        spans += m->span[i];
    }
    return hi - lo - spans <= m->dist;
}

static rc_t accept(sr_wrap *w, int *ok, err_t *err)
{
    near_it *m = (near_it *)w;
    for (size_t i = 0; i < m->n; i++) {
        rc_t rc = m->kids[i]->ops->positions(m->kids[i], &m->pos[i], &m->n_pos[i], err);
        if (rc != RC_OK)
            return rc;
        m->ptr[i] = 0;
        if (m->n_pos[i] == 0) {
            *ok = 0;
            return RC_OK;
        }
    }
    for (;;) {
        if (window_ok(m)) {
            *ok = 1;
            return RC_OK;
        }
        size_t first = 0;
        for (size_t i = 1; i < m->n; i++)
            if (m->pos[i][m->ptr[i]] < m->pos[first][m->ptr[first]])
                first = i;
        if (++m->ptr[first] == m->n_pos[first]) {
            *ok = 0;
            return RC_OK;
        }
    }
}

static double near_score(sr_it *it)
{
    near_it *m = (near_it *)it;
    double s = 0;
    for (size_t i = 0; i < m->n; i++)
        s += m->kids[i]->ops->score(m->kids[i]);
    return s;
}

static rc_t near_explain(sr_it *it, sr_explainer *x, err_t *err)
{
    near_it *m = (near_it *)it;
    const char *via = x->via;
    x->via = via ? via : "near";
    rc_t rc = RC_OK;
    for (size_t i = 0; i < m->n && rc == RC_OK; i++)
        rc = sr_it_explain(m->kids[i], x, err);
    x->via = via;
    return rc;
}

static const sr_it_ops near_ops = {sr_wrap_next, sr_wrap_skip_to, near_score, NULL, NULL,
                                   near_explain};

rc_t sr_near_new(arena_t *a, sr_it **kids, const uint32_t *span, size_t n, uint32_t dist,
                 sr_it **out)
{
    sr_it *all;
    if (sr_and_new(a, kids, n, &all) != RC_OK)
        return RC_NOMEM;
    near_it *m = (near_it *)sr_wrap_new(a, sizeof *m, &near_ops, all, accept);
    if (!m)
        return RC_NOMEM;
    m->kids = arena_alloc(a, n * sizeof *m->kids);
    m->span = arena_alloc(a, n * sizeof *m->span);
    m->pos = arena_alloc(a, n * sizeof *m->pos);
    m->n_pos = arena_alloc(a, n * sizeof *m->n_pos);
    m->ptr = arena_alloc(a, n * sizeof *m->ptr);
    if (!m->kids || !m->span || !m->pos || !m->n_pos || !m->ptr)
        return RC_NOMEM;
    memcpy(m->kids, kids, n * sizeof *kids);
    memcpy(m->span, span, n * sizeof *span);
    m->n = n;
    m->dist = dist;
    *out = &m->w.base;
    return RC_OK;
}
