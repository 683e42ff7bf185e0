/* taat.c - term-at-a-time scoring of an OR of words over a small
 * collection: each word's postings are read in bulk, a block at a time,
 * and its scores added into an accumulator per docid; then the documents
 * go to the top k in docid order.
 *
 * Why: on med (30 long questions over 1,033 abstracts) nearly every
 * document matches some word, so MaxScore prunes nothing and pays its
 * document-at-a-time bookkeeping (the smallest docid among ~11 clauses,
 * per candidate) for every posting: 9.4 M of a 27.2 M instruction batch.
 *
 * Exactness: a document's accumulator starts at 0 and gets its clauses'
 * scores added in the OR's order, the very additions the exhaustive loop
 * (multi_score) and MaxScore's rescoring make, so the sums are the same
 * doubles.  Of all matching documents, sr_topk_select() keeps those the
 * exhaustive loop's heap keeps: the best by score, on a tie the lower
 * docid (the scores are finite: sr_maxscore_usable).  Unlike MaxScore,
 * the number of matches is known exactly, and which clauses each document
 * matched is kept for the proximity pass (sr_accum_mask).
 *
 * The arrays are as long as the largest docid and belong to the searcher:
 * allocated once, not per query (a page fault costs ~11 us on our VM), and
 * only the entries a query touched are cleared (the bitmap of touched
 * docids says which).  Hence the bound SR_TAAT_MAX_DOCID: 20 bytes per
 * docid (with the lengths), 5 MB at most. */
#include <string.h>

#include "../common/mem.h"
#include "internal.h"

void sr_accum_free(sr_accum *a)
{
    mem_free(a->slot);
    mem_free(a->seen);
    mem_free(a->len);
    mem_free(a->len_ok);
    mem_free(a->hit);
    mem_free(a->hit_score);
    mem_free(a->scratch);
    memset(a, 0, sizeof *a);
}

int sr_taat_usable(sr_it *const *kids, size_t n, const sr_collection *c, uint32_t max_docid)
{
    if (n < 2 || max_docid > SR_TAAT_MAX_DOCID || !sr_maxscore_usable(kids, n, c))
        return 0;
    for (size_t i = 0; i < n; i++) {
        sr_leaf *l = sr_it_leaf(kids[i]);
        if (!l || !l->ix)
            return 0;
    }
    return 1;
}

/* Forget the last query's accumulators (only the touched ones). */
static void clear(sr_accum *a)
{
    for (size_t w = 0; w < a->cap / 64; w++) {
        for (uint64_t bits = a->seen[w]; bits; bits &= bits - 1) {
            size_t d = w * 64 + (size_t)__builtin_ctzll(bits);
            a->slot[d] = (sr_acc){0, 0};
        }
        a->seen[w] = 0;
    }
    if (a->len_ok)
        memset(a->len_ok, 0, a->cap / IX_DOC_LEN_GROUP);
}

/* Room for docids 0..max_docid, all accumulators zero. */
static rc_t reserve(sr_accum *a, uint32_t max_docid, err_t *err)
{
    clear(a);
    size_t need = ((size_t)max_docid + IX_DOC_LEN_GROUP) / IX_DOC_LEN_GROUP * IX_DOC_LEN_GROUP;
    if (need <= a->cap)
        return RC_OK;
    /* Fresh zeroed arrays: the old ones hold nothing worth keeping. */
    sr_acc *slot = mem_calloc(need, sizeof *slot);
    uint64_t *seen = mem_calloc(need / 64, sizeof *seen);
    uint32_t *len = mem_alloc(need * sizeof *len);
    unsigned char *len_ok = mem_calloc(need / IX_DOC_LEN_GROUP, 1);
    if (!slot || !seen || !len || !len_ok) {
        mem_free(slot);
        mem_free(seen);
        mem_free(len);
        mem_free(len_ok);
        return err_set(err, RC_NOMEM, "out of memory for the accumulators");
    }
    mem_free(a->slot);
    mem_free(a->seen);
    mem_free(a->len);
    mem_free(a->len_ok);
    a->slot = slot;
    a->seen = seen;
    a->len = len;
    a->len_ok = len_ok;
    a->cap = need;
    return RC_OK;
}

/* Room for n matching documents in hit[], hit_score[] and scratch[]. */
static rc_t reserve_hits(sr_accum *a, size_t n, err_t *err)
{
    if (n <= a->cap_hits)
        return RC_OK;
    size_t cap = a->cap_hits ? a->cap_hits : 64;
    while (cap < n)
        cap *= 2;
    uint32_t *hit = mem_alloc(cap * sizeof *hit);
    double *score = mem_alloc(cap * sizeof *score), *scratch = mem_alloc(cap * sizeof *scratch);
    if (!hit || !score || !scratch) {
        mem_free(hit);
        mem_free(score);
        mem_free(scratch);
        return err_set(err, RC_NOMEM, "out of memory for the accumulators");
    }
    mem_free(a->hit);
    mem_free(a->hit_score);
    mem_free(a->scratch);
    a->hit = hit;
    a->hit_score = score;
    a->scratch = scratch;
    a->cap_hits = cap;
    return RC_OK;
}

/* Add one word's score in every document it occurs in. */
static rc_t add_word(sr_accum *a, sr_leaf *l, uint64_t bit, err_t *err)
{
    const uint32_t *docids, *tfs;
    uint32_t n;
    rc_t rc;
    for (rc = ix_iter_next_block(l->ix, &docids, &tfs, &n, err); rc == RC_OK && n;
         rc = ix_iter_next_block(l->ix, &docids, &tfs, &n, err)) {
        /* Docids ascend within a block and across blocks: the last one
         * bounds them all. */
        if (docids[n - 1] >= a->cap)
            return RC_CORRUPT_AT(err, "a posting's docid is past the collection's largest");
        for (uint32_t i = 0; i < n; i++) {
            uint32_t d = docids[i];
            sr_acc *s = &a->slot[d];
            /* Lengths a group at a time: a call of ix_doc_len per posting
             * was a sixth of this loop. */
            if (!a->len_ok[d / IX_DOC_LEN_GROUP]) {
                ix_doc_lens(l->r, d, a->len + d / IX_DOC_LEN_GROUP * IX_DOC_LEN_GROUP);
                a->len_ok[d / IX_DOC_LEN_GROUP] = 1;
            }
            s->score += l->scorer->score(&l->w, tfs[i], a->len[d]);
            s->mask |= bit;
            a->seen[d / 64] |= (uint64_t)1 << (d % 64);
        }
    }
    l->base.docid = SR_END;   /* done: the iterator is at its end */
    return rc;
}

rc_t sr_taat_run(sr_accum *a, ix_reader *r, sr_it **kids, size_t n, sr_topk *top,
                 uint64_t *total, err_t *err)
{
    *total = 0;
    uint32_t max_docid = ix_reader_stats(r)->max_docid;
    rc_t rc = reserve(a, max_docid, err);
    if (rc != RC_OK)
        return rc;
    for (size_t j = 0; j < n && rc == RC_OK; j++)
        rc = add_word(a, sr_it_leaf(kids[j]), (uint64_t)1 << (j < 63 ? j : 63), err);
    if (rc != RC_OK)
        return rc;
    size_t n_hits = 0;
    for (size_t w = 0; w < a->cap / 64; w++)
        n_hits += (size_t)__builtin_popcountll(a->seen[w]);
    if ((rc = reserve_hits(a, n_hits, err)) != RC_OK)
        return rc;
    n_hits = 0;
    for (size_t w = 0; w < a->cap / 64; w++)
        for (uint64_t bits = a->seen[w]; bits; bits &= bits - 1) {
            uint32_t d = (uint32_t)(w * 64 + (size_t)__builtin_ctzll(bits));
            a->hit[n_hits] = d;
            a->hit_score[n_hits++] = a->slot[d].score;
        }
    /* A selection instead of a heap: with ~440 matches and a pool of 100,
     * a heap in docid order took ~230 sift-downs a query (1.2 M of the med
     * batch). */
    sr_topk_select(top, a->hit, a->hit_score, n_hits, a->scratch);
    *total = n_hits;
    return RC_OK;
}

uint64_t sr_accum_mask(const sr_accum *a, uint32_t docid)
{
    return docid < a->cap ? a->slot[docid].mask : ~(uint64_t)0;
}
