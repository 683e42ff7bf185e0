/* proximity.c - a term-proximity bonus on top of BM25 for the best
 * candidates (BM25TP, Rasolofo & Savoy, ECIR 2003).
 *
 * For each pair of occurrences of two different query words at most
 * SR_PROX_WINDOW positions apart, each word gets 1/d^2; a word's sum acc is
 * saturated like a tf:
 *   bonus = SR_PROX_SCALE * sum_t min(1, qweight_t * idf_t) * (k1 + 1) * acc_t / (K + acc_t)
 * with K = k1 * (1 - b + b * len / avg_len), the document's BM25 length norm.
 * Only free words take part (not CJK overlay bigrams, phrase members,
 * excluded or title-only words).  Only the SR_PROX_POOL best documents by
 * BM25 (or the k asked for, if more) are rescored, so the bonus reorders
 * the head of the ranking and costs one positions read per word and
 * candidate.
 *
 * Measured with bench/eval_ours.sh (nDCG@10, BM25 alone -> with the bonus):
 * med 0.7074 -> 0.7146, cran 0.3733 -> 0.3812, xquad/en 0.9705 -> 0.9719,
 * ru 0.9538 -> 0.9546, zh 0.9662 -> 0.9659, cmrc2018 0.9918 -> 0.9920.
 * Scale 1.0 helped cran/ru less and hurt zh (0.9654); scale 2.0 hurt med
 * (0.6929); windows of 3 and 8 were within 0.002 of 5. */
#include <stdlib.h>
#include <string.h>

#include "../common/mem.h"
#include "internal.h"

/* An occurrence of a query word: position in the high half, word index in
 * the low half, so that one integer comparison orders by position and
 * then by word (the order the merge below produces). */
typedef uint64_t occ;
#define OCC(pos, word) ((uint64_t)(pos) << 32 | (uint32_t)(word))
#define OCC_POS(o) ((uint32_t)((o) >> 32))
#define OCC_WORD(o) ((uint32_t)(o))

/* Sort by docid: the pool comes in heap order (MaxScore) or in docid order
 * (accumulators).  A bottom-up merge sort through tmp[n]; insertion sort
 * over a pool of 100 in heap order was 0.7 M instructions of a med batch. */
static void sort_by_docid(sr_scored *d, size_t n, sr_scored *tmp)
{
    size_t sorted = 1;
    while (sorted < n && d[sorted - 1].docid < d[sorted].docid)
        sorted++;
    if (sorted == n)
        return;
    for (size_t w = 1; w < n; w *= 2) {
        for (size_t lo = 0; lo < n; lo += 2 * w) {
            size_t mid = lo + w < n ? lo + w : n, hi = lo + 2 * w < n ? lo + 2 * w : n;
            size_t a = lo, b = mid, k = lo;
            while (a < mid && b < hi)
                tmp[k++] = d[a].docid < d[b].docid ? d[a++] : d[b++];
            while (a < mid)
                tmp[k++] = d[a++];
            while (b < hi)
                tmp[k++] = d[b++];
        }
        memcpy(d, tmp, n * sizeof *d);
    }
}

/* Bonus of one document from its sorted occurrences; live[0..n_live) are
 * the words that occur, ascending. */
static double doc_bonus(const sr_plan *p, sr_leaf *const *words, const size_t *live,
                        size_t n_live, const occ *o, size_t no, uint32_t doc_len, double *acc)
{
    for (size_t l = 0; l < n_live; l++)
        acc[live[l]] = 0;
    for (size_t a = 0; a < no; a++)
        for (size_t b = a + 1; b < no && OCC_POS(o[b]) - OCC_POS(o[a]) <= SR_PROX_WINDOW; b++) {
            uint32_t d = OCC_POS(o[b]) - OCC_POS(o[a]);
            if (OCC_WORD(o[a]) == OCC_WORD(o[b]) || d == 0)
                continue;
            double t = 1.0 / ((double)d * d);
            acc[OCC_WORD(o[a])] += t;
            acc[OCC_WORD(o[b])] += t;
        }
    double avg = p->coll.avg_len > 0 ? p->coll.avg_len : 1.0;
    double K = p->coll.k1 * (1.0 - p->coll.b + p->coll.b * doc_len / avg);
    double bonus = 0;
    /* Words that do not occur have no share: the sum runs over the others
     * in the same (ascending) order. */
    for (size_t l = 0; l < n_live; l++) {
        size_t i = live[l];
        if (acc[i] <= 0)
            continue;
        double w = words[i]->w.qweight * words[i]->w.idf;
        bonus += (w < 1.0 ? w : 1.0) * (p->coll.k1 + 1.0) * acc[i] / (K + acc[i]);
    }
    return SR_PROX_SCALE * bonus;
}

/* The occurrences of the live words, sorted by position, then word: each
 * word's sorted positions are merged into those of the words before it,
 * from the back, in place.  A med candidate has ~5 occurrences of ~2.5
 * words; scanning the words' heads for each occurrence was half the
 * pass's own instructions. */
static void gather(const size_t *live, size_t n_live, const uint32_t *const *lists,
                   const uint32_t *lens, occ *o)
{
    size_t m = 0;
    for (size_t l = 0; l < n_live; l++) {
        const uint32_t *p = lists[live[l]];
        size_t w = live[l], j = lens[w], i = m, k = m + j;
        /* The new word's index is above all merged so far: on a tie of
         * position the merged occurrence stays first. */
        while (j > 0) {
            occ x = OCC(p[j - 1], w);
            if (i > 0 && o[i - 1] > x)
                o[--k] = o[--i];
            else {
                o[--k] = x;
                j--;
            }
        }
        m += lens[w];
    }
}

/* What the masks cannot tell: unknown[0..n_unknown) are the words
 * without a bit; *in_order says whether by_bit[] ascends with the bit, so
 * that the words of a mask come out in word order. */
typedef struct {
    uint64_t known;
    size_t by_bit[64];
    size_t *unknown, n_unknown;
    int in_order;
} word_map;

/* Which bit of m's masks stands for each word (none: no masks, not a
 * clause, a clause past 62), into wm; unknown must hold nw. */
static void map_words(const sr_matched *m, sr_leaf *const *words, size_t nw, size_t *unknown,
                      word_map *wm)
{
    wm->known = 0;
    wm->unknown = unknown;
    wm->n_unknown = 0;
    wm->in_order = 1;
    for (size_t i = 0; i < nw; i++) {
        size_t j = 0;
        while (m && m->acc && j < m->n_kids && j < 63 &&
               (m->kids[j] != &words[i]->base || (wm->known >> j & 1)))
            j++;
        if (!(m && m->acc && j < m->n_kids && j < 63)) {
            unknown[wm->n_unknown++] = i;
            continue;
        }
        wm->known |= (uint64_t)1 << j;
        wm->by_bit[j] = i;
    }
    size_t last = 0;
    for (uint64_t b = wm->known; b; b &= b - 1) {
        size_t i = wm->by_bit[__builtin_ctzll(b)];
        wm->in_order &= b == wm->known || i > last;
        last = i;
    }
}

/* The words to look for in a document: those whose bit is in has, and
 * those without a bit; ascending.  Returns their number. */
static size_t candidates(const word_map *wm, uint64_t has, size_t *out)
{
    size_t n = 0;
    for (uint64_t b = has & wm->known; b; b &= b - 1)
        out[n++] = wm->by_bit[__builtin_ctzll(b)];
    for (size_t i = 0; i < wm->n_unknown; i++)
        out[n++] = wm->unknown[i];
    if (wm->n_unknown || !wm->in_order)
        for (size_t i = 1; i < n; i++) {   /* few, and mostly in order */
            size_t x = out[i], j = i;
            for (; j > 0 && out[j - 1] > x; j--)
                out[j] = out[j - 1];
            out[j] = x;
        }
    return n;
}

/* Find the word's positions in docid: *n = 0 when it does not occur. */
static rc_t word_positions(sr_leaf *w, uint32_t docid, const uint32_t **pos, uint32_t *n,
                           err_t *err)
{
    ix_iter *it = w->ix;
    *n = 0;
    if (!it)
        return RC_OK;
    rc_t rc = ix_iter_skip_to(it, docid, err);
    if (rc != RC_OK || ix_iter_eof(it) || ix_iter_docid(it) != docid)
        return rc;
    return ix_iter_positions(it, pos, n, err);
}

rc_t sr_proximity_rescore(sr_plan *p, sr_scored *docs, size_t n, double *bonus,
                          const sr_matched *m, err_t *err)
{
    size_t nw = 0;
    for (size_t i = 0; i < p->n_leaves; i++)
        nw += p->leaves[i]->proximity;
    for (size_t d = 0; d < n; d++)
        bonus[d] = 0;
    if (nw < 2 || n == 0)
        return RC_OK;
    sr_leaf **words = arena_alloc(p->arena, nw * sizeof *words);
    double *acc = arena_alloc(p->arena, nw * sizeof *acc);
    const uint32_t **lists = arena_alloc(p->arena, nw * sizeof *lists);
    uint32_t *lens = arena_alloc(p->arena, nw * sizeof *lens);
    size_t *live = arena_alloc(p->arena, nw * sizeof *live);
    size_t *cand = arena_alloc(p->arena, nw * sizeof *cand);
    size_t *unknown = arena_alloc(p->arena, nw * sizeof *unknown);
    sr_scored *tmp = arena_alloc(p->arena, n * sizeof *tmp);
    if (!words || !acc || !lists || !lens || !live || !cand || !unknown || !tmp)
        return err_set(err, RC_NOMEM, "out of memory");
    nw = 0;
    for (size_t i = 0; i < p->n_leaves; i++)
        if (p->leaves[i]->proximity)
            words[nw++] = p->leaves[i];
    word_map wm;
    map_words(m, words, nw, unknown, &wm);
    /* Walk the candidates in docid order so each word's postings are read
     * forward with skip_to, never twice.  The words' own iterators are done
     * with the main pass: rewound, they need no second term lookup. */
    sort_by_docid(docs, n, tmp);
    for (size_t i = 0; i < nw; i++)
        if (words[i]->ix)
            ix_iter_rewind(words[i]->ix);
    rc_t rc = RC_OK;
    occ *o = NULL;
    size_t cap = 0;
    for (size_t d = 0; d < n && rc == RC_OK; d++) {
        uint64_t has = wm.known ? sr_accum_mask(m->acc, docs[d].docid) : 0;
        size_t n_cand = candidates(&wm, has, cand);
        size_t no = 0, n_live = 0;
        if (n_cand < 2)
            continue;   /* no pair of words: no bonus, no positions to read */
        for (size_t c = 0; c < n_cand && rc == RC_OK; c++) {
            size_t i = cand[c];
            rc = word_positions(words[i], docs[d].docid, &lists[i], &lens[i], err);
            no += lens[i];
            if (lens[i])
                live[n_live++] = i;
        }
        if (rc != RC_OK)
            break;
        if (!mem_grow((void **)&o, &cap, no + 1, sizeof *o)) {
            rc = err_set(err, RC_NOMEM, "out of memory");
            break;
        }
        gather(live, n_live, lists, lens, o);
        bonus[d] = doc_bonus(p, words, live, n_live, o, no, ix_doc_len(p->r, docs[d].docid), acc);
        docs[d].score += bonus[d];
    }
    mem_free(o);
    return rc;
}
