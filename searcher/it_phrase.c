/* it_phrase.c - "a phrase": every term at its relative position.  The
 * candidates come from an AND of the terms (leapfrogging on docids, so the
 * rarest term leads); positions are decoded only for documents that have
 * all the terms.  Relative positions come from the analyzer, so a stopword
 * inside the phrase keeps its gap ("mother of pearl" is mother at 0, pearl
 * at 2) and stemming applies ("цифровой медицины" matches "цифровая
 * медицина").
 *
 * Score: Lucene's phrase scoring, the sum over the terms of BM25 with tf =
 * the number of times the phrase occurs.  Summing the terms' own tfs would
 * let a document that repeats one word of the phrase outrank one that
 * repeats the phrase. */
#include <string.h>

#include "internal.h"

typedef struct {
    sr_wrap w;             /* kid: AND of kids */
    sr_it **kids;
    sr_leaf **leaves;      /* kids[i]'s term, for weights */
    uint32_t *rel;
    size_t n;
    uint32_t *ptr;         /* per kid, a cursor into its positions */
    uint32_t *starts;      /* where the phrase starts in the current document */
    uint32_t n_starts;
    size_t cap;
    arena_t *arena;
} phrase_it;

static int push_start(phrase_it *ph, uint32_t s)
{
    if (ph->n_starts && ph->starts[ph->n_starts - 1] == s)
        return 1; /* a word and an overlay bigram can share a position */
    if (!arena_grow(ph->arena, (void **)&ph->starts, &ph->cap, ph->n_starts, sizeof *ph->starts))
        return 0;
    ph->starts[ph->n_starts++] = s;
    return 1;
}

/* Does kid i (positions p[0..n)) hold `target`?  Cursors only move forward
 * because starts are tried in ascending order.  -1: past the end. */
static int holds(phrase_it *ph, size_t i, const uint32_t *p, uint32_t n, uint64_t target)
{
    while (ph->ptr[i] < n && p[ph->ptr[i]] < target)
        ph->ptr[i]++;
    if (ph->ptr[i] == n)
        return -1;
    return p[ph->ptr[i]] == target;
}

static rc_t accept(sr_wrap *w, int *ok, err_t *err)
{
    phrase_it *ph = (phrase_it *)w;
    const uint32_t *first;
    uint32_t n_first;
    ph->n_starts = 0;
    rc_t rc = ph->kids[0]->ops->positions(ph->kids[0], &first, &n_first, err);
    for (size_t i = 1; i < ph->n; i++)
        ph->ptr[i] = 0;
    for (uint32_t j = 0; j < n_first && rc == RC_OK; j++) {
        int all = 1;
        for (size_t i = 1; i < ph->n && all == 1; i++) {
            const uint32_t *p;
            uint32_t n;
            if ((rc = ph->kids[i]->ops->positions(ph->kids[i], &p, &n, err)) != RC_OK)
                return rc;
            all = holds(ph, i, p, n, (uint64_t)first[j] + ph->rel[i]);
        }
        if (all < 0)
            break;
        if (all && !push_start(ph, first[j]))
            return err_set(err, RC_NOMEM, "out of memory matching a phrase");
    }
    *ok = ph->n_starts > 0;
    return rc;
}

static double phrase_score(sr_it *it)
{
    phrase_it *ph = (phrase_it *)it;
    double s = 0;
    for (size_t i = 0; i < ph->n; i++) {
        const sr_leaf *l = ph->leaves[i];
        s += l->scorer->score(&l->w, ph->n_starts, ix_doc_len(l->r, it->docid));
    }
    return s;
}

static rc_t phrase_positions(sr_it *it, const uint32_t **pos, uint32_t *n, err_t *err)
{
    (void)err;
    phrase_it *ph = (phrase_it *)it;
    *pos = ph->starts;
    *n = ph->n_starts;
    return RC_OK;
}

static rc_t phrase_explain(sr_it *it, sr_explainer *x, err_t *err)
{
    phrase_it *ph = (phrase_it *)it;
    const char *via = x->via;
    x->via = "phrase";
    rc_t rc = RC_OK;
    for (size_t i = 0; i < ph->n && rc == RC_OK; i++) {
        const sr_leaf *l = ph->leaves[i];
        double wt = l->scorer->score(&l->w, ph->n_starts, ix_doc_len(l->r, it->docid));
        rc = sr_explain_add(x, l, ph->n_starts, wt, err);
    }
    x->via = via;
    return rc;
}

static const sr_it_ops phrase_ops = {sr_wrap_next, sr_wrap_skip_to,  phrase_score,
                                     NULL,         phrase_positions, phrase_explain};

rc_t sr_phrase_new(arena_t *a, sr_it **kids, sr_leaf **leaves, const uint32_t *rel, size_t n,
                   sr_it **out)
{
    sr_it *all;
    if (sr_and_new(a, kids, n, &all) != RC_OK)
        return RC_NOMEM;
    phrase_it *ph = (phrase_it *)sr_wrap_new(a, sizeof *ph, &phrase_ops, all, accept);
    if (!ph)
        return RC_NOMEM;
    ph->kids = arena_alloc(a, n * sizeof *ph->kids);
    ph->leaves = arena_alloc(a, n * sizeof *ph->leaves);
    ph->rel = arena_alloc(a, n * sizeof *ph->rel);
    ph->ptr = arena_alloc(a, n * sizeof *ph->ptr);
    if (!ph->kids || !ph->leaves || !ph->rel || !ph->ptr)
        return RC_NOMEM;
    memcpy(ph->kids, kids, n * sizeof *kids);
    memcpy(ph->leaves, leaves, n * sizeof *leaves);
    memcpy(ph->rel, rel, n * sizeof *rel);
    ph->n = n;
    ph->arena = a;
    *out = &ph->w.base;
    return RC_OK;
}
