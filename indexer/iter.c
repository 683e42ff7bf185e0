/* iter.c - postings iterator: walks the blocks of one term in docid order.
 * A block is decoded (docids and tfs) when the iterator enters it; positions
 * only when asked for.  skip_to() seeks the block that can hold the target
 * with one B-tree lookup, so an AND over a rare and a common term never
 * decodes the common term's blocks in between. */
#include <string.h>

#include "../common/mem.h"
#include "internal.h"

struct ix_iter {
    ix_reader *r;
    MDB_cursor *cur;
    char term[IX_TERM_MAX + 1];
    size_t len;
    ix_term_info ti;
    blk_view view;
    uint32_t docids[IX_BLOCK_DOCS], tfs[IX_BLOCK_DOCS];
    /* Positions are asked for in posting order (phrases, NEAR, title:,
     * the proximity pass): pos_at is where posting pos_i's start in the
     * block's positions section (pos_ok: set for this block). */
    const unsigned char *pos_at;
    uint32_t pos_i;
    int pos_ok;
    uint32_t i;
    int started, eof;
    /* The decoded block is the term's first; after ix_iter_rewind() it is
     * reused (kept) instead of being looked up and decoded again.  The
     * cursor is then on that block, or past the term's last block. */
    int first_blk, kept;
    uint32_t *pos;
    size_t pos_cap;
};

rc_t ix_iter_open(ix_reader *r, const char *term, size_t len, ix_iter **out, err_t *err)
{
    *out = NULL;
    ix_term_info ti;
    rc_t rc = ix_term_get(r, term, len, &ti, err);
    if (rc != RC_OK)
        return rc;
    ix_iter *it = mem_calloc(1, sizeof *it);
    if (!it)
        return err_set(err, RC_NOMEM, "out of memory");
    it->r = r;
    memcpy(it->term, term, len);
    it->len = len;
    it->ti = ti;
    int m = mdb_cursor_open(ix_reader_txn(r), ix_reader_env(r)->postings, &it->cur);
    if (m) {
        mem_free(it);
        return env_err(err, m, "reading postings");
    }
    *out = it;
    return RC_OK;
}

void ix_iter_close(ix_iter *it)
{
    if (!it)
        return;
    mdb_cursor_close(it->cur);
    mem_free(it->pos);
    mem_free(it);
}

/* Decode the block it->view was parsed from (rc: the parse's result). */
static rc_t enter_parsed(ix_iter *it, rc_t rc, err_t *err)
{
    if (rc == RC_OK)
        rc = blk_decode(&it->view, it->docids, it->tfs, err);
    it->pos_ok = 0;
    it->first_blk = 0;
    it->i = 0;
    return rc;
}

static rc_t enter_block(ix_iter *it, const MDB_val *v, uint32_t first, err_t *err)
{
    return enter_parsed(it, blk_parse(first, v->mv_data, v->mv_size, &it->view, err), err);
}

/* Cursor's current key: does it belong to our term? */
static int our_key(const ix_iter *it, const MDB_val *k, uint32_t *first)
{
    const char *t;
    size_t tl;
    return blk_key_split(k, &t, &tl, first) && tl == it->len && !memcmp(t, it->term, tl);
}

static rc_t next_block(ix_iter *it, MDB_cursor_op op, err_t *err)
{
    MDB_val k, v;
    unsigned char kb[IX_TERM_MAX + 8];
    if (op == MDB_SET_RANGE) {
        k.mv_size = blk_key(kb, it->term, it->len, 0);
        k.mv_data = kb;
    }
    int m = mdb_cursor_get(it->cur, &k, &v, op);
    uint32_t first;
    if (m == MDB_NOTFOUND || (m == 0 && !our_key(it, &k, &first))) {
        it->eof = 1;
        return RC_OK;
    }
    if (m)
        return env_err(err, m, "reading postings");
    rc_t rc = enter_block(it, &v, first, err);
    it->first_blk = op == MDB_SET_RANGE && rc == RC_OK;
    return rc;
}

/* Start an iterator that is not started: on the kept first block after a
 * rewind (1), or not at all (0: the caller looks the block up). */
static int start_kept(ix_iter *it)
{
    if (!it->kept)
        return 0;
    it->kept = 0;
    it->started = 1;
    it->i = 0;
    return 1;
}

rc_t ix_iter_next(ix_iter *it, err_t *err)
{
    if (it->eof)
        return RC_OK;
    if (!it->started) {
        if (start_kept(it))
            return RC_OK;
        it->started = 1;
        return next_block(it, MDB_SET_RANGE, err);
    }
    if (++it->i < it->view.n)
        return RC_OK;
    return next_block(it, MDB_NEXT, err);
}

rc_t ix_iter_next_block(ix_iter *it, const uint32_t **docids, const uint32_t **tfs, uint32_t *n,
                        err_t *err)
{
    *n = 0;
    if (it->eof)
        return RC_OK;
    rc_t rc = RC_OK;
    if (it->started) {
        rc = next_block(it, MDB_NEXT, err);
    } else if (!start_kept(it)) {
        it->started = 1;
        rc = next_block(it, MDB_SET_RANGE, err);
    }
    if (rc != RC_OK || it->eof)
        return rc;
    *docids = it->docids;
    *tfs = it->tfs;
    *n = it->view.n;
    it->i = it->view.n - 1;
    return RC_OK;
}

/* Most terms of a small collection have one block: the pass after the
 * first (proximity) then reads it from memory.  The cursor needs no move:
 * it is still on that block, or past the term's end, where MDB_NEXT finds
 * no block of the term either. */
void ix_iter_rewind(ix_iter *it)
{
    it->started = it->eof = 0;
    it->i = 0;
    it->kept = it->first_blk;
    if (!it->kept)
        it->pos_ok = 0;
}

/* docid lies past the current block: when it is in the next block or in
 * the gap before it, step there with the cursor (a short skip, e.g. the
 * sorted candidates of the proximity pass) instead of a B-tree descent.
 * *done = 0: it is further on; the caller seeks. */
static rc_t step_to_next(ix_iter *it, uint32_t docid, int *done, err_t *err)
{
    MDB_val k, v;
    uint32_t first;
    *done = 1;
    int m = mdb_cursor_get(it->cur, &k, &v, MDB_NEXT);
    if (m == MDB_NOTFOUND || (m == 0 && !our_key(it, &k, &first))) {
        it->eof = 1;
        return RC_OK;
    }
    if (m)
        return env_err(err, m, "reading postings");
    if (first <= docid) {
        /* Parsed (and checksummed) once: into the view itself, which the
         * caller's seek replaces when docid lies further on.  Parsing a
         * peek and then the block again was a tenth of a cran batch's
         * skips. */
        rc_t rc = blk_parse(first, v.mv_data, v.mv_size, &it->view, err);
        if (rc == RC_OK && docid > it->view.last) {
            it->pos_ok = it->first_blk = 0;
            *done = 0;
            return RC_OK;
        }
        return enter_parsed(it, rc, err);
    }
    return enter_block(it, &v, first, err);
}

rc_t ix_iter_skip_to(ix_iter *it, uint32_t docid, err_t *err)
{
    if (it->eof)
        return RC_OK;
    if (!it->started)
        start_kept(it);
    if (it->started && docid > it->view.last) {
        int done;
        rc_t rc = step_to_next(it, docid, &done, err);
        if (rc != RC_OK || it->eof)
            return rc;
        if (!done)
            it->started = 0;   /* seek below */
    }
    if (!it->started) {
        it->started = 1;
        MDB_val k, v;
        uint32_t first;
        int m = 0;
        if (!blk_seek(it->cur, it->term, it->len, docid, &k, &v, &first, &m)) {
            if (m)
                return env_err(err, m, "reading postings");
            /* docid lies before the first block: start at the beginning. */
            rc_t rc = next_block(it, MDB_SET_RANGE, err);
            if (rc != RC_OK || it->eof)
                return rc;
        } else {
            rc_t rc = enter_block(it, &v, first, err);
            if (rc != RC_OK)
                return rc;
        }
        if (docid > it->view.last) {
            rc_t rc = next_block(it, MDB_NEXT, err);
            if (rc != RC_OK || it->eof)
                return rc;
        }
    }
    /* Within the block: targets come in ascending order and are often
     * near (the proximity pass over sorted candidates), so look at the
     * current entry, gallop while below the target, then binary search
     * the last step: (lo, hi] holds the first entry >= docid, or none. */
    uint32_t lo = it->i, hi = it->view.n;
    if (lo < hi) {
        if (it->docids[lo] >= docid)
            return RC_OK;
        uint32_t step = 1;
        while (lo + step < hi && it->docids[lo + step] < docid) {
            lo += step;
            step *= 2;
        }
        if (lo + step < hi)
            hi = lo + step;
        lo++;
    }
    while (lo < hi) {
        uint32_t mid = lo + (hi - lo) / 2;
        if (it->docids[mid] < docid)
            lo = mid + 1;
        else
            hi = mid;
    }
    it->i = lo;
    if (lo == it->view.n)
        return next_block(it, MDB_NEXT, err);
    return RC_OK;
}

int ix_iter_eof(const ix_iter *it)
{
    return it->eof;
}

uint32_t ix_iter_docid(const ix_iter *it)
{
    return it->docids[it->i];
}

uint32_t ix_iter_tf(const ix_iter *it)
{
    return it->tfs[it->i];
}

/* The positions of the current posting are read from a cursor that only
 * moves forward through the block (back to its start for an earlier
 * posting): the postings in between are skipped, those after the last one
 * asked for never read.  A table of every posting's offset, built for the
 * whole block on the first call, was a tenth of a cran batch. */
rc_t ix_iter_positions(ix_iter *it, const uint32_t **pos, uint32_t *n, err_t *err)
{
    if (!it->pos_ok || it->i < it->pos_i) {
        it->pos_at = it->view.pos;
        it->pos_i = 0;
        it->pos_ok = 1;
    }
    uint64_t skip = 0;
    for (uint32_t k = it->pos_i; k < it->i; k++)
        skip += it->tfs[k];
    const unsigned char *p = blk_skip_varints(it->pos_at, it->view.pos_end, skip);
    if (!p)
        return RC_CORRUPT_AT(err, "positions section truncated");
    it->pos_at = p;
    it->pos_i = it->i;
    uint32_t tf = it->tfs[it->i];
    if (tf > it->pos_cap) {
        /* Doubling: growing to each new largest tf took ~850 reallocs
         * in a med batch's proximity pass. */
        size_t cap = it->pos_cap < 16 ? 16 : 2 * it->pos_cap;
        cap = cap < tf ? tf : cap;
        uint32_t *grown = mem_realloc(it->pos, cap * sizeof *grown);
        if (!grown)
            return err_set(err, RC_NOMEM, "out of memory reading positions");
        it->pos = grown;
        it->pos_cap = cap;
    }
    rc_t rc = blk_read_positions(&p, it->view.pos_end, tf, it->pos, err);
    if (rc != RC_OK)
        return rc;
    it->pos_at = p;
    it->pos_i = it->i + 1;
    *pos = it->pos;
    *n = tf;
    return RC_OK;
}

uint32_t ix_iter_block_max_tf(const ix_iter *it)
{
    return it->view.max_tf;
}

uint32_t ix_iter_block_min_len(const ix_iter *it)
{
    return it->view.min_len;
}

uint32_t ix_iter_block_last(const ix_iter *it)
{
    return it->view.last;
}

const ix_term_info *ix_iter_term_info(const ix_iter *it)
{
    return &it->ti;
}
