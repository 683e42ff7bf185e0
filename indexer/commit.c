/* commit.c - the one write transaction of a run: remove the postings of
 * replaced and deleted documents, store the new documents, merge the
 * buffered postings into the blocks, update the dictionary and the stats.
 * Everything it reads comes from the writer's memory or from the index
 * itself, so after MDB_MAP_FULL the writer grows the map and calls it again.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../common/arena.h"
#include "../common/mem.h"
#include "writer_int.h"

typedef struct {
    const char *term;
    uint32_t len;
    uint32_t docid;
} del_pair;

static int cmp_bytes(const char *a, size_t an, const char *b, size_t bn)
{
    int c = memcmp(a, b, an < bn ? an : bn);
    return c ? c : (an > bn) - (an < bn);
}

static int cmp_pair(const void *x, const void *y)
{
    const del_pair *a = x, *b = y;
    int c = cmp_bytes(a->term, a->len, b->term, b->len);
    return c ? c : (a->docid > b->docid) - (a->docid < b->docid);
}

static int cmp_u32(const void *x, const void *y)
{
    uint32_t a = *(const uint32_t *)x, b = *(const uint32_t *)y;
    return (a > b) - (a < b);
}

static rc_t term_read(ix_writer *w, MDB_txn *txn, const char *term, size_t len, term_entry *te,
                      int *found, err_t *err)
{
    MDB_val k = {len, (void *)term}, v;
    int r = mdb_get(txn, w->env.terms, &k, &v);
    *found = 0;
    if (r == MDB_NOTFOUND) {
        memset(te, 0, sizeof *te);
        return RC_OK;
    }
    if (r)
        return writer_mdb_err(w, r, "reading the term dictionary", err);
    *found = 1;
    return term_decode(v.mv_data, v.mv_size, te, err);
}

static rc_t term_write(ix_writer *w, MDB_txn *txn, const char *term, size_t len,
                       const term_entry *te, unsigned flags, err_t *err)
{
    MDB_val k = {len, (void *)term};
    int r;
    if (te->df == 0) {
        r = mdb_del(txn, w->env.terms, &k, NULL);
        return (r && r != MDB_NOTFOUND) ? writer_mdb_err(w, r, "updating the term dictionary", err)
                                        : RC_OK;
    }
    rc_t rc = RC_OK;
    buf_reset(&w->scratch2);
    term_encode(&w->scratch2, te, &rc);
    if (rc != RC_OK)
        return err_set(err, rc, "out of memory");
    MDB_val v = {w->scratch2.len, w->scratch2.p};
    r = mdb_put(txn, w->env.terms, &k, &v, flags);
    return r ? writer_mdb_err(w, r, "updating the term dictionary", err) : RC_OK;
}

static rc_t put_block(ix_writer *w, MDB_txn *txn, const char *term, size_t len,
                      const blk_enc *enc, unsigned flags, err_t *err)
{
    rc_t rc = RC_OK;
    buf_reset(&w->scratch);
    blk_enc_value(enc, &w->scratch, &rc);
    if (rc != RC_OK)
        return err_set(err, rc, "out of memory encoding postings");
    unsigned char kb[IX_TERM_MAX + 8];
    MDB_val k = {blk_key(kb, term, len, enc->first), kb};
    MDB_val v = {w->scratch.len, w->scratch.p};
    int r = mdb_put(txn, w->env.postings, &k, &v, flags);
    return r ? writer_mdb_err(w, r, "writing postings", err) : RC_OK;
}

/* Load an existing block into enc (to append to it or to filter it). */
typedef struct {
    uint32_t docids[IX_BLOCK_DOCS], tfs[IX_BLOCK_DOCS], offs[IX_BLOCK_DOCS + 1];
    blk_view view;
} loaded_block;

static rc_t load_block(const MDB_val *v, uint32_t first, loaded_block *lb, err_t *err)
{
    rc_t rc = blk_parse(first, v->mv_data, v->mv_size, &lb->view, err);
    if (rc == RC_OK)
        rc = blk_decode(&lb->view, lb->docids, lb->tfs, err);
    if (rc == RC_OK)
        rc = blk_pos_offsets(&lb->view, lb->tfs, lb->offs, err);
    return rc;
}

/* Remove docids[0..n) (sorted) from the blocks of one term. */
static rc_t remove_from_term(ix_writer *w, MDB_txn *txn, MDB_cursor *c, const char *term,
                             size_t len, const uint32_t *docids, size_t n, ix_meta_stats *st,
                             err_t *err)
{
    term_entry te;
    int found;
    rc_t rc = term_read(w, txn, term, len, &te, &found, err);
    if (rc != RC_OK)
        return rc;
    if (!found)
        return RC_CORRUPT_AT(err, "a replaced document's term is missing from the dictionary "
                                  "(analyzer changed? run bin/indexer --rebuild)");
    loaded_block lb;
    blk_enc enc;
    blk_enc_init(&enc);
    size_t i = 0;
    while (i < n && rc == RC_OK) {
        MDB_val k, v;
        uint32_t first;
        int r = 0;
        if (!blk_seek(c, term, len, docids[i], &k, &v, &first, &r)) {
            rc = r ? writer_mdb_err(w, r, "reading postings", err)
                   : RC_CORRUPT_AT(err, "a replaced document is missing from a term's postings "
                                        "(analyzer changed? run bin/indexer --rebuild)");
            break;
        }
        if ((rc = load_block(&v, first, &lb, err)) != RC_OK)
            break;
        blk_enc_reset(&enc);
        size_t i0 = i;
        for (uint32_t j = 0; j < lb.view.n && rc == RC_OK; j++) {
            if (i < n && docids[i] < lb.docids[j])
                break; /* docids[i] should have been in this block */
            if (i < n && docids[i] == lb.docids[j]) {
                te.df--;
                te.cf -= lb.tfs[j];
                i++;
                continue;
            }
            blk_enc_add(&enc, lb.docids[j], lb.tfs[j], lb.view.pos + lb.offs[j],
                        lb.offs[j + 1] - lb.offs[j], lb.view.min_len, &rc);
        }
        if (rc == RC_OK && (i == i0 || (i < n && docids[i] <= lb.view.last))) {
            rc = RC_CORRUPT_AT(err, "a replaced document is missing from a term's postings "
                                    "(analyzer changed? run bin/indexer --rebuild)");
            break;
        }
        if (rc != RC_OK) {
            rc = err_set(err, rc, "out of memory");
            break;
        }
        /* The block's key changes when its first document goes. */
        if (enc.n == 0 || enc.first != first) {
            r = mdb_cursor_del(c, 0);
            if (r) {
                rc = writer_mdb_err(w, r, "removing postings", err);
                break;
            }
            if (enc.n == 0)
                te.n_blocks--;
        }
        if (enc.n)
            rc = put_block(w, txn, term, len, &enc, 0, err);
    }
    blk_enc_free(&enc);
    if (rc != RC_OK)
        return rc;
    if (te.df == 0)
        st->n_terms--;
    return term_write(w, txn, term, len, &te, 0, err);
}

static rc_t collect_doc_terms(ix_writer *w, MDB_txn *txn, uint32_t docid, arena_t *a,
                              del_pair **pairs, size_t *n, size_t *cap, ix_meta_stats *st,
                              err_t *err)
{
    unsigned char kb[4];
    u32be_put(kb, docid);
    MDB_val k = {4, kb}, v;
    int r = mdb_get(txn, w->env.docs, &k, &v);
    if (r)
        return r == MDB_NOTFOUND ? RC_OK : writer_mdb_err(w, r, "reading a document", err);
    ix_docinfo di;
    rc_t rc = docrec_decode(docid, v.mv_data, v.mv_size, &di, err);
    if (rc != RC_OK)
        return rc;
    char lang[16];
    snprintf(lang, sizeof lang, "%.*s", (int)(di.lang_len < 15 ? di.lang_len : 15), di.lang);
    char *title = arena_strndup(a, di.title, di.title_len);
    char *id = arena_strndup(a, di.id, di.id_len);
    if (!title || !id)
        return err_set(err, RC_NOMEM, "out of memory");
    MDB_val tv;
    r = mdb_get(txn, w->env.text, &k, &tv);
    if (r)
        return r == MDB_NOTFOUND ? RC_CORRUPT_AT(err, "document without stored text")
                                 : writer_mdb_err(w, r, "reading stored text", err);
    if ((rc = text_decode(tv.mv_data, tv.mv_size, &w->scratch, err)) != RC_OK)
        return rc;
    uint32_t len, title_end;
    int truncated;
    /* Analyzed with the limit it was indexed with, so exactly its terms
     * are found. */
    rc = docterms_analyze(w->dt, w->an, lang, title, di.title_len,
                          (di.flags & IX_FLAG_TITLE_IN_TEXT) != 0, (const char *)w->scratch.p,
                          w->scratch.len,
                          (di.flags & IX_FLAG_TRUNCATED) ? di.max_pos : UINT32_MAX, &len,
                          &title_end, &truncated, err);
    if (rc != RC_OK)
        return rc;
    size_t nt = docterms_n(w->dt);
    for (size_t i = 0; i < nt; i++) {
        const char *term;
        size_t tl;
        const uint32_t *pos;
        uint32_t np;
        docterms_get(w->dt, i, &term, &tl, &pos, &np);
        if (!mem_grow((void **)pairs, cap, *n + 1, sizeof **pairs))
            return err_set(err, RC_NOMEM, "out of memory");
        char *t = arena_strndup(a, term, tl);
        if (!t)
            return err_set(err, RC_NOMEM, "out of memory");
        (*pairs)[(*n)++] = (del_pair){t, (uint32_t)tl, docid};
    }
    st->n_docs--;
    st->total_len -= di.len;
    /* The id entry goes only if it still names this document. */
    MDB_val ik = {di.id_len, id}, iv;
    r = mdb_get(txn, w->env.ids, &ik, &iv);
    if (r == 0 && iv.mv_size == IX_VALUE_HEADER + 4 &&
        u32le_get((unsigned char *)iv.mv_data + IX_VALUE_HEADER) == docid)
        r = mdb_del(txn, w->env.ids, &ik, NULL);
    if (r == 0 || r == MDB_NOTFOUND)
        r = mdb_del(txn, w->env.docs, &k, NULL);
    if (r == 0 || r == MDB_NOTFOUND)
        r = mdb_del(txn, w->env.text, &k, NULL);
    if (r && r != MDB_NOTFOUND)
        return writer_mdb_err(w, r, "removing a document", err);
    return writer_lens_rc(w, doclens_set(&w->env, txn, docid, 0, err));
}

static rc_t apply_deletes(ix_writer *w, MDB_txn *txn, ix_meta_stats *st, err_t *err)
{
    if (!w->n_deletes)
        return RC_OK;
    qsort(w->deletes, w->n_deletes, sizeof *w->deletes, cmp_u32);
    arena_t a;
    arena_init(&a, 1 << 20);
    del_pair *pairs = NULL;
    size_t n = 0, cap = 0;
    rc_t rc = RC_OK;
    for (size_t i = 0; i < w->n_deletes && rc == RC_OK; i++)
        if (i == 0 || w->deletes[i] != w->deletes[i - 1])
            rc = collect_doc_terms(w, txn, w->deletes[i], &a, &pairs, &n, &cap, st, err);
    if (rc == RC_OK && n)
        qsort(pairs, n, sizeof *pairs, cmp_pair);
    MDB_cursor *c = NULL;
    int r = rc == RC_OK ? mdb_cursor_open(txn, w->env.postings, &c) : 0;
    if (r)
        rc = writer_mdb_err(w, r, "opening postings", err);
    uint32_t *ids = rc == RC_OK ? mem_alloc((n ? n : 1) * sizeof *ids) : NULL;
    if (rc == RC_OK && !ids)
        rc = err_set(err, RC_NOMEM, "out of memory");
    for (size_t i = 0; i < n && rc == RC_OK;) {
        size_t j = i, m = 0;
        while (j < n && pairs[j].len == pairs[i].len && !memcmp(pairs[j].term, pairs[i].term, pairs[i].len))
            ids[m++] = pairs[j++].docid;
        rc = remove_from_term(w, txn, c, pairs[i].term, pairs[i].len, ids, m, st, err);
        i = j;
    }
    if (c)
        mdb_cursor_close(c);
    mem_free(ids);
    mem_free(pairs);
    arena_free(&a);
    return rc;
}

/* Store the batch's documents [from, to): docs, text, ids.  idv is
 * scratch. */
static rc_t store_docs(ix_writer *w, MDB_txn *txn, ix_meta_stats *st, size_t from, size_t to,
                       buf_t *idv, err_t *err)
{
    rc_t rc = RC_OK;
    for (size_t i = from; i < to && rc == RC_OK; i++) {
        const bdoc *b = &w->bdocs[i];
        if (b->dead)
            continue;
        uint32_t docid = w->base_docid + (uint32_t)i;
        unsigned char kb[4];
        u32be_put(kb, docid);
        MDB_val k = {4, kb};
        MDB_val v = {b->rec_len, w->recs.p + b->rec_off};
        /* New docids are above every stored one: appending is safe. */
        int r = mdb_put(txn, w->env.docs, &k, &v, MDB_APPEND);
        if (!r) {
            MDB_val tv = {b->text_len, w->texts.p + b->text_off};
            r = mdb_put(txn, w->env.text, &k, &tv, MDB_APPEND);
        }
        if (!r) {
            buf_reset(idv);
            size_t start = val_start(idv, IX_TAG_ID, &rc);
            buf_append_u32le(idv, docid, &rc);
            if (rc != RC_OK)
                return err_set(err, rc, "out of memory");
            val_seal(idv, start);
            MDB_val ik = {b->id_len, (void *)b->id}, iv = {idv->len, idv->p};
            r = mdb_put(txn, w->env.ids, &ik, &iv, 0);
        }
        if (r)
            rc = writer_mdb_err(w, r, "storing a document", err);
        st->n_docs++;
        st->total_len += b->len;
    }
    return rc;
}

/* The batch's document lengths, block by block. */
static rc_t store_lens(ix_writer *w, MDB_txn *txn, ix_meta_stats *st, err_t *err)
{
    rc_t rc = RC_OK;
    uint32_t lens[IX_DOCLEN_BLOCK];
    uint32_t end = w->base_docid + (uint32_t)w->n_bdocs;
    for (uint32_t d = w->base_docid; d < end && rc == RC_OK;) {
        uint32_t block = d / IX_DOCLEN_BLOCK;
        if ((rc = doclens_read_block(&w->env, txn, block, lens, err)) != RC_OK)
            break;
        for (; d < end && d / IX_DOCLEN_BLOCK == block; d++) {
            const bdoc *b = &w->bdocs[d - w->base_docid];
            lens[d % IX_DOCLEN_BLOCK] = b->dead ? 0 : b->len;
        }
        rc = writer_lens_rc(w, doclens_write_block(&w->env, txn, block, lens, 0, err));
    }
    st->next_docid = end;
    return rc;
}

static rc_t apply_docs(ix_writer *w, MDB_txn *txn, ix_meta_stats *st, err_t *err)
{
    buf_t idv;
    buf_init(&idv);
    rc_t rc = store_docs(w, txn, st, 0, w->n_bdocs, &idv, err);
    buf_free(&idv);
    return rc == RC_OK ? store_lens(w, txn, st, err) : rc;
}

static int cmp_bterm(const void *x, const void *y, void *ctx)
{
    const bterm *t = ctx;
    const bterm *a = &t[*(const uint32_t *)x], *b = &t[*(const uint32_t *)y];
    return cmp_bytes(a->term, a->len, b->term, b->len);
}

/* The first 8 bytes of a term, big-endian and zero-padded: comparing these
 * orders two terms as memcmp does unless they are equal (terms hold no NUL,
 * the key separator), which saves most memcmp calls of the sort. */
static uint64_t term_prefix(const bterm *t)
{
    uint64_t v = 0;
    for (uint32_t i = 0; i < 8; i++)
        v = v << 8 | (i < t->len ? (unsigned char)t->term[i] : 0);
    return v;
}

/* qsort_r is not C11; a small merge sort on indexes keeps us portable. */
static void sort_terms(uint32_t *idx, uint32_t *tmp, size_t n, const bterm *t,
                       const uint64_t *pre)
{
    if (n < 2)
        return;
    size_t h = n / 2;
    sort_terms(idx, tmp, h, t, pre);
    sort_terms(idx + h, tmp, n - h, t, pre);
    size_t i = 0, j = h, k = 0;
    while (i < h && j < n) {
        uint64_t a = pre[idx[j]], b = pre[idx[i]];
        int lt = a != b ? a < b : cmp_bterm(&idx[j], &idx[i], (void *)t) < 0;
        tmp[k++] = lt ? idx[j++] : idx[i++];
    }
    while (i < h)
        tmp[k++] = idx[i++];
    while (j < n)
        tmp[k++] = idx[j++];
    memcpy(idx, tmp, n * sizeof *idx);
}

/* blk_enc_posting() puts full blocks of commit_posting() into LMDB. */
typedef struct {
    ix_writer *w;
    MDB_txn *txn;
    const char *term;
    size_t len;
    unsigned flags;
} block_put;

static rc_t put_full_block(void *ctx, const blk_enc *enc, err_t *err)
{
    const block_put *bp = ctx;
    return put_block(bp->w, bp->txn, bp->term, bp->len, enc, bp->flags, err);
}

rc_t commit_posting(ix_writer *w, MDB_txn *txn, const char *term, size_t len, blk_enc *enc,
                    term_entry *te, unsigned put_flags, uint32_t docid, uint32_t tf,
                    const unsigned char *pos, size_t pos_bytes, uint32_t doclen, err_t *err)
{
    block_put bp = {w, txn, term, len, put_flags};
    return blk_enc_posting(enc, te, docid, tf, pos, pos_bytes, doclen, put_full_block, &bp,
                           err);
}

rc_t commit_term_close(ix_writer *w, MDB_txn *txn, const char *term, size_t len,
                       const blk_enc *enc, term_entry *te, unsigned put_flags, err_t *err)
{
    rc_t rc = put_block(w, txn, term, len, enc, put_flags, err);
    if (rc != RC_OK)
        return rc;
    te->n_blocks++;
    return term_write(w, txn, term, len, te, put_flags, err);
}

/* Merge one batch term into the index; lens: the batch's document lengths
 * (commit_batch_lens()).  A fresh batch goes through encode.c instead. */
static rc_t write_term(ix_writer *w, MDB_txn *txn, MDB_cursor *c, const bterm *bt,
                       const uint32_t *lens, blk_enc *enc, ix_meta_stats *st, err_t *err)
{
    term_entry te;
    int found;
    rc_t rc = term_read(w, txn, bt->term, bt->len, &te, &found, err);
    if (rc != RC_OK)
        return rc;
    blk_enc_reset(enc);
    if (found) {
        /* Top up the term's last block if it has room. */
        MDB_val k, v;
        uint32_t first;
        int r = 0;
        if (!blk_seek(c, bt->term, bt->len, UINT32_MAX, &k, &v, &first, &r))
            return r ? writer_mdb_err(w, r, "reading postings", err)
                     : RC_CORRUPT_AT(err, "a dictionary term has no postings");
        if (v.mv_size < IX_BLOCK_BYTES * 3 / 4) {
            loaded_block lb;
            if ((rc = load_block(&v, first, &lb, err)) != RC_OK)
                return rc;
            if (lb.view.n < IX_BLOCK_DOCS) {
                for (uint32_t j = 0; j < lb.view.n && rc == RC_OK; j++)
                    blk_enc_add(enc, lb.docids[j], lb.tfs[j], lb.view.pos + lb.offs[j],
                                lb.offs[j + 1] - lb.offs[j], lb.view.min_len, &rc);
                te.n_blocks--; /* rewritten below, counted again */
            }
        }
    }
    const unsigned char *p = bt->ent.p, *end = p + bt->ent.len, *pos;
    uint32_t docid = 0, tf, doclen;
    size_t pos_bytes;
    int any = 0, more = 0;
    while (rc == RC_OK &&
           (more = bterm_next(&p, end, lens, w->base_docid, &docid, &tf, &pos, &pos_bytes,
                              &doclen)) == 1) {
        any = 1;
        rc = commit_posting(w, txn, bt->term, bt->len, enc, &te, 0, docid, tf, pos, pos_bytes,
                            doclen, err);
    }
    if (rc != RC_OK)
        return rc;
    if (more < 0)
        return RC_CORRUPT_AT(err, "batch entry truncated");
    if (!any) {
        if (found)
            te.n_blocks++; /* the loaded block stays as it was */
        return RC_OK;
    }
    if (!found)
        st->n_terms++;
    return commit_term_close(w, txn, bt->term, bt->len, enc, &te, 0, err);
}

rc_t commit_sorted_terms(ix_writer *w, uint32_t **out, err_t *err)
{
    *out = NULL;
    size_t n = w->n_bterms ? w->n_bterms : 1;
    uint32_t *idx = mem_alloc(n * sizeof *idx);
    uint32_t *tmp = mem_alloc(n * sizeof *tmp);
    uint64_t *pre = mem_alloc(n * sizeof *pre);
    if (!idx || !tmp || !pre) {
        mem_free(idx);
        mem_free(tmp);
        mem_free(pre);
        return err_set(err, RC_NOMEM, "out of memory sorting terms");
    }
    for (size_t i = 0; i < w->n_bterms; i++) {
        idx[i] = (uint32_t)i;
        pre[i] = term_prefix(&w->bterms[i]);
    }
    sort_terms(idx, tmp, w->n_bterms, w->bterms, pre);
    mem_free(tmp);
    mem_free(pre);
    *out = idx;
    return RC_OK;
}

/* The postings loops read one length per posting, in docid order per
 * term, so all over the batch for each term: 4 bytes a document stay in
 * the cache where a bdoc (56 bytes) did not, and those misses were a fifth
 * of the commit's time on Reuters. */
uint32_t *commit_batch_lens(const ix_writer *w)
{
    uint32_t *lens = mem_alloc((w->n_bdocs ? w->n_bdocs : 1) * sizeof *lens);
    for (size_t i = 0; lens && i < w->n_bdocs; i++)
        lens[i] = w->bdocs[i].dead ? LEN_DEAD : w->bdocs[i].len;
    return lens;
}

static rc_t apply_postings(ix_writer *w, MDB_txn *txn, ix_meta_stats *st, err_t *err)
{
    if (!w->n_bterms)
        return RC_OK;
    uint32_t *idx;
    rc_t rc = commit_sorted_terms(w, &idx, err);
    if (rc != RC_OK)
        return rc;
    uint32_t *lens = commit_batch_lens(w);
    if (!lens) {
        mem_free(idx);
        return err_set(err, RC_NOMEM, "out of memory");
    }
    MDB_cursor *c;
    int r = mdb_cursor_open(txn, w->env.postings, &c);
    if (r) {
        mem_free(lens);
        mem_free(idx);
        return writer_mdb_err(w, r, "opening postings", err);
    }
    blk_enc enc;
    blk_enc_init(&enc);
    for (size_t i = 0; i < w->n_bterms && rc == RC_OK; i++)
        rc = write_term(w, txn, c, &w->bterms[idx[i]], lens, &enc, st, err);
    blk_enc_free(&enc);
    mdb_cursor_close(c);
    mem_free(lens);
    mem_free(idx);
    return rc;
}

/* Documents stored at a time while the next chunk of postings is not
 * encoded yet: a fraction of a millisecond. */
enum { DOCS_STEP = 64 };

/* A fresh batch: its postings are encoded on the pipeline's workers
 * (encode.c) while this thread puts what is ready.  Whenever the next chunk
 * is not, it stores a few documents instead of waiting; storing them all
 * first left the workers idle once they had filled their window. */
static rc_t store_fresh(ix_writer *w, MDB_txn *txn, ix_encoder *e, ix_meta_stats *st,
                        err_t *err)
{
    buf_t idv;
    buf_init(&idv);
    rc_t rc = RC_OK;
    size_t doc = 0, n_chunks = encode_chunks(e);
    for (size_t t = 0; t < n_chunks && rc == RC_OK;) {
        if (doc < w->n_bdocs && !encode_ready(e, t)) {
            size_t to = w->n_bdocs - doc > DOCS_STEP ? doc + DOCS_STEP : w->n_bdocs;
            rc = store_docs(w, txn, st, doc, to, &idv, err);
            doc = to;
        } else {
            rc = encode_put(e, t++, txn, st, err);
        }
    }
    if (rc == RC_OK)
        rc = store_docs(w, txn, st, doc, w->n_bdocs, &idv, err);
    buf_free(&idv);
    return rc == RC_OK ? store_lens(w, txn, st, err) : rc;
}

static rc_t commit_fresh(ix_writer *w, MDB_txn *txn, ix_meta_stats *st, err_t *err)
{
    uint32_t *idx = NULL, *lens = NULL;
    ix_encoder *e = NULL;
    rc_t rc = commit_sorted_terms(w, &idx, err);
    if (rc == RC_OK && !(lens = commit_batch_lens(w)))
        rc = err_set(err, RC_NOMEM, "out of memory");
    if (rc == RC_OK)
        rc = encode_start(w, idx, lens, &e, err);
    if (rc == RC_OK)
        rc = store_fresh(w, txn, e, st, err);
    encode_close(e);
    mem_free(lens);
    mem_free(idx);
    return rc;
}

rc_t commit_batch(ix_writer *w, MDB_txn *txn, ix_meta_stats *st, err_t *err)
{
    if (w->fresh && w->n_bterms)
        return commit_fresh(w, txn, st, err);
    rc_t rc = apply_docs(w, txn, st, err);
    if (rc == RC_OK)
        rc = apply_postings(w, txn, st, err);
    return rc;
}

rc_t commit_apply(ix_writer *w, MDB_txn *txn, ix_meta_stats *st, err_t *err)
{
    rc_t rc = apply_deletes(w, txn, st, err);
    if (rc == RC_OK)
        rc = commit_batch(w, txn, st, err);
    return rc == RC_OK ? commit_stats(w, txn, st, err) : rc;
}

rc_t commit_stats(ix_writer *w, MDB_txn *txn, ix_meta_stats *st, err_t *err)
{
    rc_t rc = RC_OK;
    st->generation++;
    st->last_run = (uint64_t)time(NULL);
    stats_encode(&w->scratch, st, &rc);
    if (rc != RC_OK)
        return err_set(err, rc, "out of memory");
    MDB_val k = {5, "stats"}, v = {w->scratch.len, w->scratch.p};
    int r = mdb_put(txn, w->env.meta, &k, &v, 0);
    return r ? writer_mdb_err(w, r, "writing index statistics", err) : RC_OK;
}
