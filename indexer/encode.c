/* encode.c - the postings of a fresh batch (a first build or --rebuild that
 * fits one batch: no indexed blocks to top up), encoded on the pipeline's
 * workers while the writer's thread stores the documents, then put into
 * LMDB by the writer in key order.
 *
 * Why: the commit ran alone on the writer's thread, a fifth of a Reuters
 * build with the workers idle, and most of it was encoding (walking each
 * batch entry, cutting blocks, checksums), which needs nothing but the
 * batch.  The puts stay on one thread (LMDB has one write transaction) and
 * write the same keys and values in the same order as write_term() in
 * commit.c, so the index is byte for byte the one a single thread writes.
 *
 * The sorted terms are cut into chunks of about CHUNK_BYTES of batch
 * entries, one pipeline task each; chunk t is encoded into slot t % window
 * as records
 *     u8 REC_POSTINGS or REC_TERMS, u32 key length, key, u32 value length,
 *     value
 * in native byte order (they never leave the process), and the writer puts
 * them with MDB_APPEND.
 */
#include <string.h>

#include "../common/mem.h"
#include "writer_int.h"

/* 64 KB of entries is ~0.5 ms of encoding: the task hand-over costs
 * nothing next to it.  A window of 4 chunks a thread keeps the workers
 * busy while the writer stores documents between chunks (commit.c); 16
 * were no faster and took ~1,500 more page faults on Reuters. */
enum { CHUNK_BYTES = 64u << 10, WINDOW_PER_THREAD = 4 };
enum { REC_POSTINGS = 'P', REC_TERMS = 'T' };

typedef struct {
    buf_t out;         /* the chunk's records */
    size_t n_terms;    /* terms with a live document */
    blk_enc enc;
    rc_t rc;
    err_t err;
} slot;

struct ix_encoder {
    ix_writer *w;      /* its batch is read by every thread, changed by none */
    const uint32_t *idx, *lens;
    size_t *cut;       /* chunk t is idx[cut[t], cut[t + 1]) */
    size_t n_chunks, cap_cut;
    slot *slots;
    size_t window;
    int started;       /* the pipeline runs our tasks */
};

/* Append one record; the value is blk's block or te's dictionary entry. */
static rc_t add_record(buf_t *out, unsigned char db, const void *key, size_t key_len,
                       const blk_enc *blk, const term_entry *te, err_t *err)
{
    rc_t rc = RC_OK;
    uint32_t n = (uint32_t)key_len;
    buf_append_byte(out, db, &rc);
    buf_append(out, &n, 4, &rc);
    buf_append(out, key, key_len, &rc);
    size_t at = out->len;
    buf_append(out, &n, 4, &rc); /* the value's length, once known */
    if (blk)
        blk_enc_value(blk, out, &rc);
    else
        term_encode(out, te, &rc);
    if (rc != RC_OK)
        return err_set(err, rc, "out of memory encoding postings");
    n = (uint32_t)(out->len - at - 4);
    memcpy(out->p + at, &n, 4);
    return RC_OK;
}

typedef struct {
    slot *s;
    const bterm *bt;
} block_out;

static rc_t add_block(void *ctx, const blk_enc *enc, err_t *err)
{
    const block_out *bo = ctx;
    unsigned char kb[IX_TERM_MAX + 8];
    size_t n = blk_key(kb, bo->bt->term, bo->bt->len, enc->first);
    return add_record(&bo->s->out, REC_POSTINGS, kb, n, enc, NULL, err);
}

/* One term's blocks and dictionary entry, as write_term() makes them for a
 * term new to the index. */
static rc_t encode_term(const ix_encoder *e, const bterm *bt, slot *s, err_t *err)
{
    term_entry te;
    memset(&te, 0, sizeof te);
    blk_enc_reset(&s->enc);
    block_out bo = {s, bt};
    const unsigned char *p = bt->ent.p, *end = p + bt->ent.len, *pos;
    uint32_t docid = 0, tf, doclen;
    size_t pos_bytes;
    int more = 0;
    rc_t rc = RC_OK;
    while (rc == RC_OK && (more = bterm_next(&p, end, e->lens, e->w->base_docid, &docid, &tf,
                                             &pos, &pos_bytes, &doclen)) == 1)
        rc = blk_enc_posting(&s->enc, &te, docid, tf, pos, pos_bytes, doclen, add_block, &bo,
                             err);
    if (rc != RC_OK)
        return rc;
    if (more < 0)
        return RC_CORRUPT_AT(err, "batch entry truncated");
    if (te.df == 0)
        return RC_OK; /* every document of it died */
    if ((rc = add_block(&bo, &s->enc, err)) != RC_OK)
        return rc;
    te.n_blocks++;
    s->n_terms++;
    return add_record(&s->out, REC_TERMS, bt->term, bt->len, NULL, &te, err);
}

/* A pipeline task: encode chunk t into its slot. */
static void encode_chunk(void *ctx, size_t t)
{
    ix_encoder *e = ctx;
    slot *s = &e->slots[t % e->window];
    buf_reset(&s->out);
    s->n_terms = 0;
    s->rc = RC_OK;
    err_clear(&s->err);
    for (size_t i = e->cut[t]; i < e->cut[t + 1] && s->rc == RC_OK; i++)
        s->rc = encode_term(e, &e->w->bterms[e->idx[i]], s, &s->err);
}

/* Cut the sorted terms into chunks of about CHUNK_BYTES of entries. */
static rc_t cut_chunks(ix_encoder *e, err_t *err)
{
    const ix_writer *w = e->w;
    size_t bytes = 0;
    for (size_t i = 0; i <= w->n_bterms; i++) {
        if (i == 0 || i == w->n_bterms || bytes >= CHUNK_BYTES) {
            if (!mem_grow((void **)&e->cut, &e->cap_cut, e->n_chunks + 2, sizeof *e->cut))
                return err_set(err, RC_NOMEM, "out of memory");
            e->cut[e->n_chunks++] = i;
            bytes = 0;
        }
        if (i < w->n_bterms)
            bytes += w->bterms[e->idx[i]].ent.len;
    }
    e->n_chunks--; /* the last cut only ends the last chunk */
    return RC_OK;
}

rc_t encode_start(ix_writer *w, const uint32_t *idx, const uint32_t *lens, ix_encoder **out,
                  err_t *err)
{
    *out = NULL;
    ix_encoder *e = mem_calloc(1, sizeof *e);
    if (!e)
        return err_set(err, RC_NOMEM, "out of memory");
    e->w = w;
    e->idx = idx;
    e->lens = lens;
    e->window = (pipeline_threads(w->pipe) + 1) * WINDOW_PER_THREAD;
    e->slots = mem_calloc(e->window, sizeof *e->slots);
    rc_t rc = e->slots ? cut_chunks(e, err) : err_set(err, RC_NOMEM, "out of memory");
    for (size_t i = 0; e->slots && i < e->window; i++) {
        buf_init(&e->slots[i].out);
        blk_enc_init(&e->slots[i].enc);
    }
    if (rc == RC_OK)
        rc = pipeline_tasks_start(w->pipe, encode_chunk, e, e->n_chunks, e->window, err);
    if (rc != RC_OK) {
        encode_close(e);
        return rc;
    }
    e->started = 1;
    *out = e;
    return RC_OK;
}

/* Put the records of one encoded chunk. */
static rc_t put_records(ix_writer *w, MDB_txn *txn, const buf_t *recs, err_t *err)
{
    const unsigned char *p = recs->p, *end = p + recs->len;
    while (p < end) {
        unsigned char db = *p;
        uint32_t n;
        MDB_val k, v;
        memcpy(&n, p + 1, 4);
        k.mv_size = n;
        k.mv_data = (void *)(p + 5);
        p += 5 + n;
        memcpy(&n, p, 4);
        v.mv_size = n;
        v.mv_data = (void *)(p + 4);
        p += 4 + n;
        int r = mdb_put(txn, db == REC_POSTINGS ? w->env.postings : w->env.terms, &k, &v,
                        MDB_APPEND);
        if (r)
            return writer_mdb_err(w, r, db == REC_POSTINGS ? "writing postings"
                                                           : "updating the term dictionary",
                                  err);
    }
    return RC_OK;
}

size_t encode_chunks(const ix_encoder *e)
{
    return e->n_chunks;
}

int encode_ready(ix_encoder *e, size_t t)
{
    return pipeline_task_done(e->w->pipe, t);
}

rc_t encode_put(ix_encoder *e, size_t t, MDB_txn *txn, ix_meta_stats *st, err_t *err)
{
    pipeline_task_wait(e->w->pipe, t);
    const slot *s = &e->slots[t % e->window];
    rc_t rc;
    if (s->rc != RC_OK) {
        *err = s->err;
        rc = s->rc;
    } else {
        rc = put_records(e->w, txn, &s->out, err);
    }
    if (rc == RC_OK)
        st->n_terms += s->n_terms;
    pipeline_task_release(e->w->pipe);
    return rc;
}

void encode_close(ix_encoder *e)
{
    if (!e)
        return;
    if (e->started)
        pipeline_tasks_end(e->w->pipe);
    for (size_t i = 0; e->slots && i < e->window; i++) {
        buf_free(&e->slots[i].out);
        blk_enc_free(&e->slots[i].enc);
    }
    mem_free(e->slots);
    mem_free(e->cut);
    mem_free(e);
}
