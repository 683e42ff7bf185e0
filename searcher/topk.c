/* topk.c - the k best documents in a bounded min-heap.  The root is the
 * weakest kept hit; its score is the threshold a new document must beat,
 * which is what a pruning iterator would be handed as min_score. */
#include <math.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

/* a ranks below b: lower score, or equal score and higher docid. */
static int worse(const sr_scored *a, const sr_scored *b)
{
    return a->score < b->score || (a->score == b->score && a->docid > b->docid);
}

rc_t sr_topk_init(sr_topk *t, arena_t *a, size_t cap)
{
    t->n = 0;
    t->cap = cap;
    t->h = arena_alloc(a, (cap ? cap : 1) * sizeof *t->h);
    t->tmp = arena_alloc(a, (cap ? cap : 1) * sizeof *t->tmp);
    return t->h && t->tmp ? RC_OK : RC_NOMEM;
}

/* Restore the heap below i, over the first n entries. */
static void sift_down_n(sr_topk *t, size_t i, size_t n)
{
    for (;;) {
        size_t l = 2 * i + 1, r = l + 1, m = i;
        if (l < n && worse(&t->h[l], &t->h[m]))
            m = l;
        if (r < n && worse(&t->h[r], &t->h[m]))
            m = r;
        if (m == i)
            return;
        sr_scored tmp = t->h[i];
        t->h[i] = t->h[m];
        t->h[m] = tmp;
        i = m;
    }
}

void sr_topk_push(sr_topk *t, double score, uint32_t docid)
{
    sr_scored s = {score, docid, 0};
    if (t->cap == 0)
        return;
    if (t->n < t->cap) {
        size_t i = t->n++;
        t->h[i] = s;
        while (i > 0) {
            size_t p = (i - 1) / 2;
            if (!worse(&t->h[i], &t->h[p]))
                break;
            sr_scored tmp = t->h[i];
            t->h[i] = t->h[p];
            t->h[p] = tmp;
            i = p;
        }
        return;
    }
    if (!worse(&t->h[0], &s))
        return;
    t->h[0] = s;
    sift_down_n(t, 0, t->n);
}

/* The k-th largest of v[0..n) (0 <= k < n), reordering v: Hoare's FIND
 * with a median-of-three pivot.  Finite values only. */
static double kth_largest(double *v, size_t n, size_t k)
{
    ptrdiff_t l = 0, m = (ptrdiff_t)n - 1, want = (ptrdiff_t)k;
    while (l < m) {
        double a = v[l], b = v[l + (m - l) / 2], c = v[m];
        double x = a < b ? (b < c ? b : (a < c ? c : a)) : (a < c ? a : (b < c ? c : b));
        ptrdiff_t i = l, j = m;
        do {
            while (v[i] > x)
                i++;
            while (x > v[j])
                j--;
            if (i <= j) {
                double tmp = v[i];
                v[i++] = v[j];
                v[j--] = tmp;
            }
        } while (i <= j);
        if (j < want)
            l = i;
        if (want < i)
            m = j;
    }
    return v[want];
}

void sr_topk_select(sr_topk *t, const uint32_t *docids, const double *scores, size_t n,
                    double *scratch)
{
    t->n = 0;
    if (t->cap == 0)
        return;
    if (n <= t->cap) {
        for (size_t i = 0; i < n; i++)
            t->h[i] = (sr_scored){scores[i], docids[i], 0};
        t->n = n;
        return;
    }
    /* The cap-th best score; all above it are in, and of those equal to it
     * the lowest docids, as the heap's tie rule keeps them. */
    memcpy(scratch, scores, n * sizeof *scratch);
    double bar = kth_largest(scratch, n, t->cap - 1);
    size_t above = 0;
    for (size_t i = 0; i < n; i++)
        above += scores[i] > bar;
    size_t ties = t->cap - above;
    for (size_t i = 0; i < n; i++)
        if (scores[i] > bar || (scores[i] == bar && ties && ties--))
            t->h[t->n++] = (sr_scored){scores[i], docids[i], 0};
}

double sr_topk_threshold(const sr_topk *t)
{
    return t->n < t->cap ? -INFINITY : t->h[0].score;
}

/* Best first.  Entries differ in docid, so the order is the one any sort
 * gives.  A merge sort (runs of RUN sorted by insertion, then merged
 * through t->tmp): the heapsort it replaces was 0.78 M instructions of a
 * med batch (100 hits a query), this is a third of that.  A NaN score (no
 * order at all: only from a caller's nonsense k1 or b) keeps the heapsort,
 * whose result does not depend on how the sort compares. */
enum { RUN = 8 };

static int before(const sr_scored *a, const sr_scored *b)
{
    return a->score > b->score || (a->score == b->score && a->docid < b->docid);
}

static void heapsort_best_first(sr_topk *t)
{
    for (size_t i = t->n / 2; i-- > 0;)
        sift_down_n(t, i, t->n);
    for (size_t n = t->n; n > 1; n--) {
        sr_scored tmp = t->h[0];
        t->h[0] = t->h[n - 1];
        t->h[n - 1] = tmp;
        sift_down_n(t, 0, n - 1);
    }
}

void sr_topk_sort(sr_topk *t)
{
    size_t n = t->n;
    for (size_t i = 0; i < n; i++)
        if (isnan(t->h[i].score)) {
            heapsort_best_first(t);
            return;
        }
    sr_scored *src = t->h, *dst = t->tmp;
    for (size_t lo = 0; lo < n; lo += RUN) {
        size_t hi = lo + RUN < n ? lo + RUN : n;
        for (size_t i = lo + 1; i < hi; i++) {
            sr_scored x = src[i];
            size_t j = i;
            for (; j > lo && before(&x, &src[j - 1]); j--)
                src[j] = src[j - 1];
            src[j] = x;
        }
    }
    for (size_t w = RUN; w < n; w *= 2) {
        for (size_t lo = 0; lo < n; lo += 2 * w) {
            size_t mid = lo + w < n ? lo + w : n, hi = lo + 2 * w < n ? lo + 2 * w : n;
            size_t a = lo, b = mid, k = lo;
            while (a < mid && b < hi)
                dst[k++] = before(&src[b], &src[a]) ? src[b++] : src[a++];
            while (a < mid)
                dst[k++] = src[a++];
            while (b < hi)
                dst[k++] = src[b++];
        }
        sr_scored *tmp = src;
        src = dst;
        dst = tmp;
    }
    if (src != t->h)
        memcpy(t->h, src, n * sizeof *src);
}
