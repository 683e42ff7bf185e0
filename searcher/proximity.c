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

typedef struct {
    uint32_t pos;
    uint32_t word;
} occ;

/* The pool is small (SR_PROX_POOL): insertion sort, no qsort call per
 * comparison. */
static void sort_by_docid(sr_scored *d, size_t n)
{
    for (size_t i = 1; i < n; i++) {
        sr_scored x = d[i];
        size_t j = i;
        for (; j > 0 && d[j - 1].docid > x.docid; j--)
            d[j] = d[j - 1];
        d[j] = x;
    }
}

/* Bonus of one document from its sorted occurrences. */
static double doc_bonus(const sr_plan *p, sr_leaf *const *words, size_t nw, const occ *o,
                        size_t no, uint32_t doc_len, double *acc)
{
    memset(acc, 0, nw * sizeof *acc);
    for (size_t a = 0; a < no; a++)
        for (size_t b = a + 1; b < no && o[b].pos - o[a].pos <= SR_PROX_WINDOW; b++) {
            uint32_t d = o[b].pos - o[a].pos;
            if (o[a].word == o[b].word || d == 0)
                continue;
            double t = 1.0 / ((double)d * d);
            acc[o[a].word] += t;
            acc[o[b].word] += t;
        }
    double avg = p->coll.avg_len > 0 ? p->coll.avg_len : 1.0;
    double K = p->coll.k1 * (1.0 - p->coll.b + p->coll.b * doc_len / avg);
    double bonus = 0;
    for (size_t i = 0; i < nw; i++) {
        if (acc[i] <= 0)
            continue;
        double w = words[i]->w.qweight * words[i]->w.idf;
        bonus += (w < 1.0 ? w : 1.0) * (p->coll.k1 + 1.0) * acc[i] / (K + acc[i]);
    }
    return SR_PROX_SCALE * bonus;
}

/* bit[i]: word i's bit in m's masks, or 0 when the masks cannot tell
 * whether a document has it (no masks, not a clause, a clause past 62). */
static void word_bits(const sr_matched *m, sr_leaf *const *words, size_t nw, uint64_t *bit)
{
    for (size_t i = 0; i < nw; i++) {
        bit[i] = 0;
        for (size_t j = 0; m && m->acc && j < m->n_kids && j < 63; j++)
            if (m->kids[j] == &words[i]->base)
                bit[i] = (uint64_t)1 << j;
    }
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
    if (!words || !acc)
        return err_set(err, RC_NOMEM, "out of memory");
    nw = 0;
    for (size_t i = 0; i < p->n_leaves; i++)
        if (p->leaves[i]->proximity)
            words[nw++] = p->leaves[i];
    /* Walk the candidates in docid order so each word's postings are read
     * forward with skip_to, never twice.  The words' own iterators are done
     * with the main pass: rewound, they need no second term lookup. */
    sort_by_docid(docs, n);
    for (size_t i = 0; i < nw; i++)
        if (words[i]->ix)
            ix_iter_rewind(words[i]->ix);
    rc_t rc = RC_OK;
    occ *o = NULL;
    size_t cap = 0;
    const uint32_t **lists = arena_alloc(p->arena, nw * sizeof *lists);
    uint32_t *lens = arena_alloc(p->arena, nw * sizeof *lens);
    uint32_t *at = arena_alloc(p->arena, nw * sizeof *at);
    size_t *live = arena_alloc(p->arena, nw * sizeof *live);
    uint64_t *bit = arena_alloc(p->arena, nw * sizeof *bit);
    if (!lists || !lens || !at || !live || !bit)
        rc = err_set(err, RC_NOMEM, "out of memory");
    else
        word_bits(m, words, nw, bit);
    for (size_t d = 0; d < n && rc == RC_OK; d++) {
        size_t no = 0, n_live = 0;
        uint64_t has = m && m->acc ? sr_accum_mask(m->acc, docs[d].docid) : 0;
        for (size_t i = 0; i < nw && rc == RC_OK; i++) {
            ix_iter *it = words[i]->ix;
            lens[i] = at[i] = 0;
            if (bit[i] && !(has & bit[i]))
                continue;   /* the scoring pass saw the word is not there */
            if (!it || (rc = ix_iter_skip_to(it, docs[d].docid, err)) != RC_OK ||
                ix_iter_eof(it) || ix_iter_docid(it) != docs[d].docid)
                continue;
            rc = ix_iter_positions(it, &lists[i], &lens[i], err);
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
        /* Each word's positions are sorted: merge them, smallest head
         * first and the lower word on a tie (a few words, so a scan beats
         * a heap).  live[] holds the words with positions left, in order. */
        for (size_t k = 0; k < no; k++) {
            size_t bl = 0;
            for (size_t l = 1; l < n_live; l++)
                if (lists[live[l]][at[live[l]]] < lists[live[bl]][at[live[bl]]])
                    bl = l;
            size_t best = live[bl];
            o[k] = (occ){lists[best][at[best]++], (uint32_t)best};
            if (at[best] == lens[best]) {
                memmove(live + bl, live + bl + 1, (n_live - bl - 1) * sizeof *live);
                n_live--;
            }
        }
        bonus[d] = doc_bonus(p, words, nw, o, no, ix_doc_len(p->r, docs[d].docid), acc);
        docs[d].score += bonus[d];
    }
    mem_free(o);
    return rc;
}
