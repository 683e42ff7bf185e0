/* merge.c - a build into a new generation that does not fit in memory
 * (runs.h): each full batch's documents go into LMDB at once, its postings
 * and ids into a sorted run; at commit the runs are merged, term by term
 * and id by id, into the final databases, all with MDB_APPEND.
 *
 * LMDB keeps a malloc'ed copy of every page a transaction dirties (up to
 * 512 MB before it spills) and caches those copies after the commit, so
 * one transaction for the whole build would hold as much memory as the
 * index has pages written.  The generation is not CURRENT until the end,
 * so committing every BULK_BYTES is safe and bounds that copy: a crash
 * leaves a generation nobody references, which the next writer removes.
 */
#include <stdlib.h>
#include <string.h>

#include "../common/mem.h"
#include "runs.h"

enum {
    BULK_BYTES = 8u << 20,    /* data put between two commits */
    RD_MIN = 4u << 10,        /* read buffer per run: at least, */
    RD_MAX = 1u << 20,        /* at most */
};

/* ---- one write transaction after another -------------------------------- */

/* Start a transaction, first growing the map (no transaction is active in
 * the process now) when less than a few transactions' worth is left: a
 * MDB_MAP_FULL later could not be replayed. */
static rc_t bulk_begin(ix_writer *w, err_t *err)
{
    MDB_envinfo info;
    MDB_stat st;
    if (mdb_env_info(w->env.env, &info) == 0 && mdb_env_stat(w->env.env, &st) == 0) {
        while ((info.me_last_pgno + 1) * (size_t)st.ms_psize + 4 * (size_t)BULK_BYTES >
               w->env.map_size) {
            rc_t rc = env_grow(&w->env, err);
            if (rc != RC_OK)
                return rc;
        }
    }
    int r = mdb_txn_begin(w->env.env, NULL, 0, &w->wtxn);
    if (r)
        return writer_mdb_err(w, r, "starting an index transaction", err);
    w->bulk_dirty = 0;
    return RC_OK;
}

static rc_t bulk_commit(ix_writer *w, err_t *err)
{
    int r = mdb_txn_commit(w->wtxn);
    w->wtxn = NULL;
    if (r)
        return writer_mdb_err(w, r, "committing the new index generation", err);
    /* Each transaction reads the path to the last page of the databases it
     * appends to, and the kernel maps the pages around every page read
     * from the file (just written, so in the page cache): unmapped, they
     * stay in the page cache but leave our resident set, which would
     * otherwise grow by ~150 KB a commit. */
    env_unmap_pages(&w->env);
    return RC_OK;
}

/* Count bytes put; commit and go on in a new transaction past BULK_BYTES. */
static rc_t bulk_note(ix_writer *w, size_t bytes, err_t *err)
{
    w->bulk_dirty += bytes;
    if (w->bulk_dirty < BULK_BYTES)
        return RC_OK;
    rc_t rc = bulk_commit(w, err);
    return rc == RC_OK ? bulk_begin(w, err) : rc;
}

/* ---- flushing a batch ---------------------------------------------------- */

static rc_t store_docs(ix_writer *w, err_t *err)
{
    rc_t rc = bulk_begin(w, err);
    for (size_t i = 0; i < w->n_bdocs && rc == RC_OK; i++) {
        const bdoc *b = &w->bdocs[i];
        if (b->dead) {
            rc = runs_push_len(w->runs, RUN_DEAD, err);
            continue;
        }
        unsigned char kb[4];
        u32be_put(kb, w->base_docid + (uint32_t)i);
        MDB_val k = {4, kb};
        MDB_val v = {b->rec_len, w->recs.p + b->rec_off};
        MDB_val tv = {b->text_len, w->texts.p + b->text_off};
        /* New docids are above every stored one: appending is safe. */
        int r = mdb_put(w->wtxn, w->env.docs, &k, &v, MDB_APPEND);
        if (!r)
            r = mdb_put(w->wtxn, w->env.text, &k, &tv, MDB_APPEND);
        if (r)
            rc = writer_mdb_err(w, r, "storing a document", err);
        if (rc == RC_OK)
            rc = runs_push_len(w->runs, b->len, err);
        if (rc == RC_OK)
            rc = bulk_note(w, b->rec_len + b->text_len + 32, err);
    }
    return rc == RC_OK ? bulk_commit(w, err) : rc;
}

rc_t merge_flush(ix_writer *w, err_t *err)
{
    rc_t rc = RC_OK;
    if (!w->runs && (rc = runs_open(w->env.gen_path, w->base_docid, &w->runs, err)) != RC_OK)
        return rc;
    if (w->runs->end != w->base_docid)
        return err_set(err, RC_INTERNAL, "sorted runs out of step with the batch");
    uint32_t *idx = NULL;
    if ((rc = store_docs(w, err)) == RC_OK && (rc = commit_sorted_terms(w, &idx, err)) == RC_OK)
        rc = runs_write(w->runs, w, idx, err);
    mem_free(idx);
    return rc;
}

/* ---- reading runs back ---------------------------------------------------- */

/* A section of one run, read through a buffer, and its head: the current
 * term (with rem bytes of entries not read yet) or id (with its docid). */
typedef struct {
    const ix_runs *runs;
    size_t run;                  /* ties between equal keys go to the older run */
    uint64_t foff, fend;         /* the part of the section not in buf yet */
    unsigned char *buf;
    size_t cap, lo, hi;          /* unread bytes: buf[lo, hi) */
    char key[IX_ID_MAX + 1];
    size_t key_len;
    uint64_t rem;
    uint32_t docid;
} run_rd;

static rc_t malformed(err_t *err)
{
    return err_set(err, RC_INTERNAL, "a sorted run of the index is malformed");
}

/* Make at least n unread bytes available in buf (n <= what is left). */
static rc_t rd_ensure(run_rd *d, size_t n, err_t *err)
{
    if (d->hi - d->lo >= n)
        return RC_OK;
    if (n > d->hi - d->lo + (d->fend - d->foff))
        return malformed(err);
    memmove(d->buf, d->buf + d->lo, d->hi - d->lo);
    d->hi -= d->lo;
    d->lo = 0;
    if (n > d->cap) {
        size_t cap = n > 2 * d->cap ? n : 2 * d->cap;
        unsigned char *p = mem_realloc(d->buf, cap);
        if (!p)
            return err_set(err, RC_NOMEM, "out of memory merging sorted runs");
        d->buf = p;
        d->cap = cap;
    }
    size_t want = d->cap - d->hi;
    if (want > d->fend - d->foff)
        want = (size_t)(d->fend - d->foff);
    rc_t rc = runs_pread(d->runs, d->buf + d->hi, want, d->foff, err);
    d->hi += want;
    d->foff += want;
    return rc;
}

static int rd_done(const run_rd *d)
{
    return d->lo == d->hi && d->foff == d->fend;
}

static rc_t rd_varint(run_rd *d, uint64_t *v, err_t *err)
{
    uint64_t left = d->hi - d->lo + (d->fend - d->foff);
    rc_t rc = rd_ensure(d, left < VARINT_MAX ? (size_t)left : VARINT_MAX, err);
    const unsigned char *p = d->buf + d->lo;
    if (rc == RC_OK && !varint_get(&p, d->buf + d->hi, v))
        rc = malformed(err);
    d->lo = (size_t)(p - d->buf);
    return rc;
}

/* The next key (term or id) of the section: n bytes. */
static rc_t rd_key(run_rd *d, size_t max, err_t *err)
{
    uint64_t n;
    rc_t rc = rd_varint(d, &n, err);
    if (rc == RC_OK && (n == 0 || n > max))
        rc = malformed(err);
    if (rc == RC_OK)
        rc = rd_ensure(d, (size_t)n, err);
    if (rc != RC_OK)
        return rc;
    memcpy(d->key, d->buf + d->lo, (size_t)n);
    d->key_len = (size_t)n;
    d->lo += (size_t)n;
    return RC_OK;
}

static rc_t rd_next_term(run_rd *d, err_t *err)
{
    rc_t rc = rd_key(d, IX_TERM_MAX, err);
    return rc == RC_OK ? rd_varint(d, &d->rem, err) : rc;
}

static rc_t rd_next_id(run_rd *d, err_t *err)
{
    rc_t rc = rd_key(d, IX_ID_MAX, err);
    if (rc == RC_OK && (rc = rd_ensure(d, 4, err)) == RC_OK) {
        d->docid = u32le_get(d->buf + d->lo);
        d->lo += 4;
    }
    return rc;
}

/* The next entry of the head term: docid delta, tf and its positions,
 * lent until the next read. */
static rc_t rd_entry(run_rd *d, uint32_t *delta, uint32_t *tf, const unsigned char **pos,
                     size_t *pos_len, err_t *err)
{
    for (;;) {
        size_t avail = d->hi - d->lo;
        const unsigned char *start = d->buf + d->lo, *p = start;
        const unsigned char *end = p + (avail < d->rem ? avail : (size_t)d->rem);
        int ok = varint_get32(&p, end, delta) && varint_get32(&p, end, tf);
        *pos = p;
        if (ok && (p = blk_skip_varints(p, end, *tf)) != NULL) {
            *pos_len = (size_t)(p - *pos);
            d->lo += (size_t)(p - start);
            d->rem -= (uint64_t)(p - start);
            return RC_OK;
        }
        if (avail >= d->rem)
            return malformed(err);
        rc_t rc = rd_ensure(d, avail + 1, err); /* refills, or grows a full buffer */
        if (rc != RC_OK)
            return rc;
    }
}

/* ---- a heap of readers by head key, then run ------------------------------ */

static int rd_less(const run_rd *a, const run_rd *b)
{
    size_t n = a->key_len < b->key_len ? a->key_len : b->key_len;
    int c = memcmp(a->key, b->key, n);
    if (!c)
        c = (a->key_len > b->key_len) - (a->key_len < b->key_len);
    return c ? c < 0 : a->run < b->run;
}

static void heap_push(run_rd **h, size_t *n, run_rd *d)
{
    size_t i = (*n)++;
    while (i && rd_less(d, h[(i - 1) / 2])) {
        h[i] = h[(i - 1) / 2];
        i = (i - 1) / 2;
    }
    h[i] = d;
}

static run_rd *heap_pop(run_rd **h, size_t *n)
{
    run_rd *top = h[0], *last = h[--*n];
    size_t i = 0;
    for (;;) {
        size_t c = 2 * i + 1;
        if (c >= *n)
            break;
        if (c + 1 < *n && rd_less(h[c + 1], h[c]))
            c++;
        if (!rd_less(h[c], last))
            break;
        h[i] = h[c];
        i = c;
    }
    if (*n)
        h[i] = last;
    return top;
}

static int same_key(const run_rd *a, const run_rd *b)
{
    return a->key_len == b->key_len && !memcmp(a->key, b->key, a->key_len);
}

/* ---- the merges ----------------------------------------------------------- */

/* Every run's entries of one term, oldest run first (so docids ascend),
 * into blocks; documents that lost their id later are left out. */
static rc_t merge_term(ix_writer *w, run_rd **same, size_t m, blk_enc *enc, ix_meta_stats *st,
                       err_t *err)
{
    const ix_runs *runs = w->runs;
    const char *term = same[0]->key;
    size_t len = same[0]->key_len;
    term_entry te;
    memset(&te, 0, sizeof te);
    blk_enc_reset(enc);
    rc_t rc = RC_OK;
    for (size_t i = 0; i < m && rc == RC_OK; i++) {
        uint32_t docid = 0;
        while (same[i]->rem && rc == RC_OK) {
            uint32_t delta, tf, doclen;
            const unsigned char *pos = NULL;
            size_t pos_len = 0;
            if ((rc = rd_entry(same[i], &delta, &tf, &pos, &pos_len, err)) != RC_OK)
                break;
            docid += delta;
            if (docid < runs->first || docid >= runs->end)
                return malformed(err);
            if ((doclen = runs_len(runs, docid)) == RUN_DEAD)
                continue;
            rc = commit_posting(w, w->wtxn, term, len, enc, &te, MDB_APPEND, docid, tf, pos,
                                pos_len, doclen, err);
            if (rc == RC_OK)
                rc = bulk_note(w, pos_len + 8, err);
        }
    }
    if (rc != RC_OK || te.df == 0)
        return rc;
    st->n_terms++;
    rc = commit_term_close(w, w->wtxn, term, len, enc, &te, MDB_APPEND, err);
    return rc == RC_OK ? bulk_note(w, 2 * len + 32, err) : rc;
}

static rc_t merge_postings(ix_writer *w, run_rd **heap, size_t n, ix_meta_stats *st,
                           err_t *err)
{
    run_rd **same = mem_alloc(n * sizeof *same);
    blk_enc enc;
    blk_enc_init(&enc);
    rc_t rc = same ? RC_OK : err_set(err, RC_NOMEM, "out of memory");
    while (n && rc == RC_OK) {
        size_t m = 0;
        same[m++] = heap_pop(heap, &n);
        while (n && same_key(heap[0], same[0]))
            same[m++] = heap_pop(heap, &n);
        rc = merge_term(w, same, m, &enc, st, err);
        for (size_t i = 0; i < m && rc == RC_OK; i++)
            if (!rd_done(same[i]) && (rc = rd_next_term(same[i], err)) == RC_OK)
                heap_push(heap, &n, same[i]);
    }
    blk_enc_free(&enc);
    mem_free(same);
    return rc;
}

static rc_t merge_ids(ix_writer *w, run_rd **heap, size_t n, err_t *err)
{
    buf_t idv;
    buf_init(&idv);
    rc_t rc = RC_OK;
    while (n && rc == RC_OK) {
        run_rd *d = heap_pop(heap, &n);
        if (runs_len(w->runs, d->docid) != RUN_DEAD) {
            buf_reset(&idv);
            size_t start = val_start(&idv, IX_TAG_ID, &rc);
            buf_append_u32le(&idv, d->docid, &rc);
            if (rc != RC_OK) {
                rc = err_set(err, rc, "out of memory");
                break;
            }
            val_seal(&idv, start);
            MDB_val k = {d->key_len, d->key}, v = {idv.len, idv.p};
            int r = mdb_put(w->wtxn, w->env.ids, &k, &v, MDB_APPEND);
            rc = r ? writer_mdb_err(w, r, "storing document ids", err)
                   : bulk_note(w, d->key_len + idv.len + 8, err);
        }
        if (rc == RC_OK && !rd_done(d) && (rc = rd_next_id(d, err)) == RC_OK)
            heap_push(heap, &n, d);
    }
    buf_free(&idv);
    return rc;
}

/* Lengths of every document, block by block, and the collection totals. */
static rc_t write_lengths(ix_writer *w, ix_meta_stats *st, err_t *err)
{
    const ix_runs *runs = w->runs;
    uint32_t lens[IX_DOCLEN_BLOCK];
    rc_t rc = RC_OK;
    for (uint32_t d = runs->first; d < runs->end && rc == RC_OK;) {
        uint32_t block = d / IX_DOCLEN_BLOCK;
        memset(lens, 0, sizeof lens);
        for (; d < runs->end && d / IX_DOCLEN_BLOCK == block; d++) {
            uint32_t len = runs_len(runs, d);
            if (len == RUN_DEAD)
                continue;
            lens[d % IX_DOCLEN_BLOCK] = len;
            st->n_docs++;
            st->total_len += len;
        }
        rc = writer_lens_rc(w, doclens_write_block(&w->env, w->wtxn, block, lens, MDB_APPEND,
                                                   err));
        if (rc == RC_OK)
            rc = bulk_note(w, sizeof lens + 16, err);
    }
    st->next_docid = runs->end;
    return rc;
}

static int cmp_u32(const void *x, const void *y)
{
    uint32_t a = *(const uint32_t *)x, b = *(const uint32_t *)y;
    return (a > b) - (a < b);
}

/* Documents stored by an earlier flush whose id a later one took. */
static rc_t drop_late_dead(ix_writer *w, err_t *err)
{
    ix_runs *runs = w->runs;
    if (runs->n_late_dead)
        qsort(runs->late_dead, runs->n_late_dead, sizeof *runs->late_dead, cmp_u32);
    for (size_t i = 0; i < runs->n_late_dead; i++) {
        unsigned char kb[4];
        u32be_put(kb, runs->late_dead[i]);
        MDB_val k = {4, kb};
        int r = mdb_del(w->wtxn, w->env.docs, &k, NULL);
        if (r == 0 || r == MDB_NOTFOUND)
            r = mdb_del(w->wtxn, w->env.text, &k, NULL);
        if (r && r != MDB_NOTFOUND)
            return writer_mdb_err(w, r, "removing a superseded document", err);
    }
    return RC_OK;
}

/* Readers over one section of every run, each at its first key; those
 * with an empty section are left out of the heap (*n_heap). */
static rc_t open_readers(ix_writer *w, run_rd *rd, run_rd **heap, size_t *n_heap, int ids,
                         err_t *err)
{
    const ix_runs *runs = w->runs;
    size_t cap = w->opt.batch_bytes / 8 / (runs->n_runs ? runs->n_runs : 1);
    cap = cap < RD_MIN ? RD_MIN : cap > RD_MAX ? RD_MAX : cap;
    *n_heap = 0;
    for (size_t i = 0; i < runs->n_runs; i++) {
        run_rd *d = &rd[i];
        memset(d, 0, sizeof *d);
        d->runs = runs;
        d->run = i;
        d->foff = ids ? runs->run[i].ids_off : runs->run[i].post_off;
        d->fend = ids ? runs->run[i].end : runs->run[i].ids_off;
        d->buf = mem_alloc(cap);
        d->cap = cap;
        if (!d->buf)
            return err_set(err, RC_NOMEM, "out of memory merging sorted runs");
        if (rd_done(d))
            continue;
        rc_t rc = ids ? rd_next_id(d, err) : rd_next_term(d, err);
        if (rc != RC_OK)
            return rc;
        heap_push(heap, n_heap, d);
    }
    return RC_OK;
}

static void close_readers(run_rd *rd, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        mem_free(rd[i].buf);
        rd[i].buf = NULL;
    }
}

/* Postings and terms, ids, lengths, the superseded documents, stats. */
static rc_t merge_all(ix_writer *w, run_rd *rd, run_rd **heap, ix_meta_stats *st, err_t *err)
{
    size_t n = w->runs->n_runs, n_heap;
    rc_t rc = open_readers(w, rd, heap, &n_heap, 0, err);
    if (rc == RC_OK)
        rc = merge_postings(w, heap, n_heap, st, err);
    close_readers(rd, n);
    if (rc == RC_OK)
        rc = open_readers(w, rd, heap, &n_heap, 1, err);
    if (rc == RC_OK)
        rc = merge_ids(w, heap, n_heap, err);
    close_readers(rd, n);
    if (rc == RC_OK)
        rc = write_lengths(w, st, err);
    if (rc == RC_OK)
        rc = drop_late_dead(w, err);
    return rc == RC_OK ? commit_stats(w, w->wtxn, st, err) : rc;
}

rc_t merge_commit(ix_writer *w, err_t *err)
{
    size_t n = w->runs->n_runs;
    run_rd *rd = mem_calloc(n ? n : 1, sizeof *rd);
    run_rd **heap = mem_alloc((n ? n : 1) * sizeof *heap);
    ix_meta_stats st = w->st;
    st.n_docs = st.total_len = 0;
    rc_t rc = rd && heap ? bulk_begin(w, err) : err_set(err, RC_NOMEM, "out of memory");
    if (rc == RC_OK)
        rc = merge_all(w, rd, heap, &st, err);
    if (rc == RC_OK)
        rc = bulk_commit(w, err);
    if (rd)
        close_readers(rd, n);
    mem_free(rd);
    mem_free(heap);
    if (rc == RC_OK)
        w->st = st;
    return rc;
}
