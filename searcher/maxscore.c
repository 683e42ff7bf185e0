/* maxscore.c - safe dynamic pruning for the commonest query: an OR of
 * clauses (free words), MaxScore style (Turtle & Flood 1995; Lucene's
 * MaxScoreBulkScorer).
 *
 * The clauses are ordered by their score bound.  Those whose bounds add up
 * to less than the heap's threshold are "non-essential": a document matching
 * only them cannot enter the top k, so candidates come from the essential
 * clauses alone, and a non-essential clause is only moved (skip_to) to a
 * candidate while the candidate could still make it.  A document with a
 * score equal to the threshold cannot enter either: it comes later in docid
 * order than everything in the heap, and ties go to the lower docid.
 *
 * Safe means: the heap ends up exactly as exhaustive scoring leaves it.
 * Candidates that survive are scored again clause by clause in the OR's own
 * order, so the score is the very double the exhaustive loop computes, and
 * bounds are compared with a margin far above rounding error.  The price:
 * the number of matching documents is not known (the caller says so). */
#include <math.h>
#include <stdlib.h>

#include "internal.h"

/* Rounding slack when comparing sums of bounds with the threshold. */
static double margin(double theta)
{
    return 1e-9 * (fabs(theta) > 1.0 ? fabs(theta) : 1.0);
}

static rc_t advance(sr_it *k, uint32_t d, err_t *err)
{
    return k->docid < d ? k->ops->skip_to(k, d, err) : RC_OK;
}

int sr_maxscore_usable(sr_it *const *kids, size_t n, const sr_collection *c)
{
    if (n < 2 || c->k1 < 0 || c->b < 0 || c->b > 1)
        return 0;
    for (size_t i = 0; i < n; i++)
        if (!(kids[i]->max_score >= 0) || !isfinite(kids[i]->max_score))
            return 0;
    return 1;
}

rc_t sr_maxscore_run(sr_it **kids, size_t n, arena_t *a, sr_topk *top, err_t *err)
{
    size_t *ord = arena_alloc(a, n * sizeof *ord);
    double *ub = arena_alloc(a, n * sizeof *ub);
    /* score[i]: clause i's score of the candidate, computed once and added
     * again in the OR's order for the exact sum. */
    double *score = arena_alloc(a, n * sizeof *score);
    size_t *on = arena_alloc(a, n * sizeof *on);
    if (!ord || !ub || !score || !on)
        return err_set(err, RC_NOMEM, "out of memory");
    /* Insertion sort by bound, ascending: a query has few clauses. */
    for (size_t i = 0; i < n; i++) {
        size_t j = i;
        for (; j > 0 && kids[ord[j - 1]]->max_score > kids[i]->max_score; j--)
            ord[j] = ord[j - 1];
        ord[j] = i;
    }
    double sum = 0;
    for (size_t i = 0; i < n; i++)
        ub[i] = sum += kids[ord[i]]->max_score;
    for (size_t i = 0; i < n; i++) {
        rc_t rc = kids[i]->ops->next(kids[i], err);
        if (rc != RC_OK)
            return rc;
    }
    size_t first_essential = 0;
    double theta = sr_topk_threshold(top);
    for (;;) {
        double bar = theta - margin(theta);
        while (first_essential < n && ub[first_essential] < bar)
            first_essential++;
        if (first_essential == n)
            return RC_OK;
        /* One pass: the smallest docid among the essential clauses, and
         * which of them are on it (on[], in bound order). */
        uint32_t d = SR_END;
        size_t n_on = 0;
        for (size_t i = first_essential; i < n; i++) {
            uint32_t di = kids[ord[i]]->docid;
            if (di < d) {
                d = di;
                n_on = 0;
            }
            if (di == d)
                on[n_on++] = ord[i];
        }
        if (d == SR_END)
            return RC_OK;
        double s = 0;
        for (size_t i = 0; i < n_on; i++)
            s += score[on[i]] = kids[on[i]]->ops->score(kids[on[i]]);
        int can_enter = 1;
        for (size_t i = first_essential; i-- > 0;) {
            if (s + ub[i] < bar) {
                can_enter = 0;
                break;
            }
            sr_it *k = kids[ord[i]];
            rc_t rc = advance(k, d, err);
            if (rc != RC_OK)
                return rc;
            if (k->docid == d)
                s += score[ord[i]] = k->ops->score(k);
        }
        if (can_enter && s >= bar) {
            /* Every clause on d was scored above (none was cut short). */
            double exact = 0;
            for (size_t j = 0; j < n; j++)
                if (kids[j]->docid == d)
                    exact += score[j];
            sr_topk_push(top, exact, d);
            theta = sr_topk_threshold(top);
        }
        for (size_t i = 0; i < n_on; i++) {
            rc_t rc = kids[on[i]]->ops->next(kids[on[i]], err);
            if (rc != RC_OK)
                return rc;
        }
    }
}
