/* reader.c - the read side: open an index, take short snapshots, look up
 * terms, documents and lengths.  One read transaction per snapshot
 * (mdb_txn_reset/renew between snapshots), never one for a whole session:
 * a long reader pins old pages and makes the file grow. */
#define _GNU_SOURCE   /* pthread_rwlockattr_setkind_np */
#include <errno.h>
#include <pthread.h>
#include <string.h>

#include "../common/mem.h"
#include "internal.h"

/* What the readers of one environment share (ix_reader_sibling).  LMDB
 * lets each thread read in its own transaction, but adopting a map the
 * writer grew (mdb_env_set_mapsize) moves the map under every reader of
 * the process: each open snapshot holds the lock shared, the move takes it
 * exclusively. */
typedef struct {
    pthread_rwlock_t lock;
    unsigned map_epoch;     /* moves so far; guarded by lock */
} ix_share;

struct ix_reader {
    ix_env env;
    ix_share *share;        /* NULL until a sibling is made */
    int sibling;            /* 1: env and share belong to another reader */
    unsigned dl_epoch;      /* share->map_epoch the cached pointers are from */
    an_config cfg;
    MDB_txn *txn;
    int active;
    ix_meta_stats mst;
    ix_stats st;
    /* Document lengths of this snapshot: payload pointers into the map,
     * checked once per block per snapshot. */
    const unsigned char **dl_block;
    unsigned char *dl_state;      /* 0 unknown, 1 loaded, 2 absent, 3 damaged */
    err_t dl_damage;              /* what was wrong with the damaged ones */
    /* Document records of this snapshot already found (pointers into the
     * map, like dl_block): the queries of a batch return many of the same
     * documents.  Decoding again is cheap next to the B-tree search; small
     * slots keep the table at 96 KB.  A slot counts when its gen is doc_gen. */
    struct doc_slot {
        const void *rec;
        uint32_t rec_len, docid, gen;
    } *doc_slots;
    uint32_t doc_gen;
    size_t n_dl;
    size_t dl_txnid;              /* snapshot they belong to (0 = none) */
    err_t damage;                 /* RC_CORRUPT seen where no error could be returned */
};

rc_t ix_reader_open(const char *dir, ix_reader **out, err_t *err)
{
    *out = NULL;
    ix_reader *r = mem_calloc(1, sizeof *r);
    if (!r)
        return err_set(err, RC_NOMEM, "out of memory opening the index");
    r->env.lock_fd = -1;
    rc_t rc = RC_IO;
    err_t e;
    err_clear(&e);
    /* A writer may remove the generation we just resolved; look again. */
    for (int attempt = 0; attempt < 3; attempt++) {
        char gen[64];
        err_clear(&e);
        rc = env_current(dir, gen, sizeof gen, &e);
        if (rc == RC_NOTFOUND) {
            rc = err_set(err, RC_IO, "%s: no index here (build one with bin/indexer --db %s FILES)",
                         dir, dir);
            break;
        }
        if (rc == RC_OK)
            rc = env_open(&r->env, dir, gen, 1, 0, 0, &e);
        if (rc == RC_OK || !strstr(e.msg, "no index here")) {
            if (rc != RC_OK)
                err_set(err, rc, "%s", e.msg);
            break;
        }
        if (attempt == 2)   /* the generation is still named but its data.mdb is gone */
            err_set(err, rc, "%s (its data.mdb is missing)", e.msg);
    }
    if (rc != RC_OK) {
        ix_reader_close(r);
        return rc;
    }
    if ((rc = ix_reader_begin(r, err)) != RC_OK) {
        ix_reader_close(r);
        return rc;
    }
    ix_reader_end(r);
    *out = r;
    return RC_OK;
}

void ix_reader_close(ix_reader *r)
{
    if (!r)
        return;
    ix_reader_end(r);
    if (r->txn)
        mdb_txn_abort(r->txn);
    if (!r->sibling) {
        env_close(&r->env);
        if (r->share) {
            pthread_rwlock_destroy(&r->share->lock);
            mem_free(r->share);
        }
    }
    mem_free(r->dl_block);
    mem_free(r->dl_state);
    mem_free(r->doc_slots);
    mem_free(r);
}

an_config ix_reader_analyzer_config(const ix_reader *r)
{
    return r->cfg;
}

rc_t ix_reader_begin(ix_reader *r, err_t *err)
{
    if (r->active)
        ix_reader_end(r);
    for (int attempt = 0; attempt < 2; attempt++) {
        if (r->share)
            pthread_rwlock_rdlock(&r->share->lock);
        int m = r->txn ? mdb_txn_renew(r->txn) : mdb_txn_begin(r->env.env, NULL, MDB_RDONLY, &r->txn);
        if (m == MDB_MAP_RESIZED && attempt == 0) {
            /* The writer grew the map: adopt its size and try again. */
            if (r->txn) {
                mdb_txn_abort(r->txn);
                r->txn = NULL;
            }
            if (r->share) {
                pthread_rwlock_unlock(&r->share->lock);
                pthread_rwlock_wrlock(&r->share->lock);
                r->share->map_epoch++;
            }
            mdb_env_set_mapsize(r->env.env, 0);
            if (r->share)
                pthread_rwlock_unlock(&r->share->lock);
            r->dl_txnid = 0; /* the map moved: cached pointers are stale */
            continue;
        }
        if (m && r->share)
            pthread_rwlock_unlock(&r->share->lock);
        if (m == MDB_READERS_FULL && attempt == 0) {
            int dead;
            mdb_reader_check(r->env.env, &dead);
            continue;
        }
        if (m) {
            if (r->txn && m != MDB_BAD_RSLOT) {
                mdb_txn_abort(r->txn);
                r->txn = NULL;
            }
            return env_err(err, m, "starting a read snapshot");
        }
        break;
    }
    r->active = 1;
    rc_t rc = meta_read(&r->env, r->txn, &r->cfg, &r->mst, err);
    if (rc != RC_OK) {
        ix_reader_end(r);
        return rc;
    }
    r->st.n_docs = r->mst.n_docs;
    r->st.total_len = r->mst.total_len;
    r->st.avg_len = r->mst.n_docs ? (double)r->mst.total_len / (double)r->mst.n_docs : 0;
    r->st.max_docid = (uint32_t)(r->mst.next_docid - 1);
    r->st.generation = r->mst.generation;
    r->st.last_run = r->mst.last_run;
    r->st.n_terms = r->mst.n_terms;
    size_t n_dl = r->st.max_docid / IX_DOCLEN_BLOCK + 1;
    /* The same snapshot as last time (no commit since, so its pages are
     * untouched): keep the checked blocks; a batch of queries then checks
     * each block once, not once per query. */
    size_t txnid = mdb_txn_id(r->txn);
    err_clear(&r->damage);
    /* A sibling may have moved the map since (the same txnid then). */
    unsigned epoch = r->share ? r->share->map_epoch : 0;
    if (txnid == r->dl_txnid && n_dl <= r->n_dl && epoch == r->dl_epoch)
        return RC_OK;
    r->dl_txnid = 0;
    r->dl_epoch = epoch;
    r->doc_gen++;
    if (n_dl > r->n_dl) {
        const unsigned char **b = mem_realloc(r->dl_block, n_dl * sizeof *b);
        if (b)
            r->dl_block = b;
        unsigned char *s = b ? mem_realloc(r->dl_state, n_dl) : NULL;
        if (!b || !s) {
            ix_reader_end(r);
            return err_set(err, RC_NOMEM, "out of memory");
        }
        r->dl_state = s;
        r->n_dl = n_dl;
    }
    memset(r->dl_state, 0, r->n_dl);
    r->dl_txnid = txnid;
    return RC_OK;
}

void ix_reader_end(ix_reader *r)
{
    if (r->active && r->txn)
        mdb_txn_reset(r->txn);
    if (r->active && r->share)
        pthread_rwlock_unlock(&r->share->lock);
    r->active = 0;
}

rc_t ix_reader_sibling(ix_reader *r, ix_reader **out, err_t *err)
{
    *out = NULL;
    if (!r->share) {
        ix_share *sh = mem_calloc(1, sizeof *sh);
        if (!sh)
            return err_set(err, RC_NOMEM, "out of memory");
        pthread_rwlockattr_t at;
        pthread_rwlockattr_init(&at);
#ifdef __GLIBC__
        /* Queries come one after another on each thread: a reader-first
         * lock would keep a map move waiting for good. */
        pthread_rwlockattr_setkind_np(&at, PTHREAD_RWLOCK_PREFER_WRITER_NONRECURSIVE_NP);
#endif
        int e = pthread_rwlock_init(&sh->lock, &at);
        pthread_rwlockattr_destroy(&at);
        if (e) {
            mem_free(sh);
            return err_set(err, RC_NOMEM, "cannot make a lock: %s", strerror(e));
        }
        r->share = sh;
    }
    ix_reader *c = mem_calloc(1, sizeof *c);
    if (!c)
        return err_set(err, RC_NOMEM, "out of memory");
    c->env = r->env;
    c->share = r->share;
    c->sibling = 1;
    c->cfg = r->cfg;
    rc_t rc = ix_reader_begin(c, err);
    if (rc != RC_OK) {
        ix_reader_close(c);
        return rc;
    }
    ix_reader_end(c);
    *out = c;
    return RC_OK;
}

const ix_stats *ix_reader_stats(const ix_reader *r)
{
    return &r->st;
}

MDB_txn *ix_reader_txn(ix_reader *r)
{
    return r->active ? r->txn : NULL;
}
ix_env *ix_reader_env(ix_reader *r)
{
    return &r->env;
}

rc_t ix_term_get(ix_reader *r, const char *term, size_t len, ix_term_info *out, err_t *err)
{
    if (len == 0 || len > IX_TERM_MAX)
        return RC_NOTFOUND;
    MDB_val k = {len, (void *)term}, v;
    int m = mdb_get(r->txn, r->env.terms, &k, &v);
    if (m == MDB_NOTFOUND)
        return RC_NOTFOUND;
    if (m)
        return env_err(err, m, "reading the term dictionary");
    term_entry te;
    rc_t rc = term_decode(v.mv_data, v.mv_size, &te, err);
    if (rc != RC_OK)
        return rc;
    out->df = te.df;
    out->cf = te.cf;
    out->n_blocks = te.n_blocks;
    return RC_OK;
}

rc_t ix_terms_prefix(ix_reader *r, const char *prefix, size_t len, size_t max,
                     int (*fn)(void *ctx, const char *term, size_t len, const ix_term_info *ti),
                     void *ctx, int *truncated, err_t *err)
{
    *truncated = 0;
    MDB_cursor *c;
    int m = mdb_cursor_open(r->txn, r->env.terms, &c);
    if (m)
        return env_err(err, m, "reading the term dictionary");
    MDB_val k = {len, (void *)prefix}, v;
    size_t n = 0;
    rc_t rc = RC_OK;
    for (m = mdb_cursor_get(c, &k, &v, MDB_SET_RANGE); m == 0;
         m = mdb_cursor_get(c, &k, &v, MDB_NEXT)) {
        if (k.mv_size < len || memcmp(k.mv_data, prefix, len))
            break;
        if (n == max) {
            *truncated = 1;
            break;
        }
        term_entry te;
        if ((rc = term_decode(v.mv_data, v.mv_size, &te, err)) != RC_OK)
            break;
        ix_term_info ti = {te.df, te.cf, te.n_blocks};
        n++;
        if (fn(ctx, k.mv_data, k.mv_size, &ti))
            break;
    }
    mdb_cursor_close(c);
    if (rc == RC_OK && m && m != MDB_NOTFOUND)
        rc = env_err(err, m, "reading the term dictionary");
    return rc;
}

rc_t ix_reader_damage(const ix_reader *r, err_t *err)
{
    if (r->damage.rc == RC_OK)
        return RC_OK;
    *err = r->damage;
    return r->damage.rc;
}

_Static_assert((int)IX_DOC_LEN_GROUP == (int)IX_DOCLEN_BLOCK, "ix_doc_lens reads whole blocks");

/* The lengths block b, read on first use; NULL when it is absent (deleted
 * documents), past the end or damaged (then remembered, see below). */
static const unsigned char *doclens_block(ix_reader *r, size_t b)
{
    if (b >= r->n_dl)
        return NULL;
    if (r->dl_state[b] == 0) {
        unsigned char kb[4];
        u32be_put(kb, (uint32_t)b);
        MDB_val k = {4, kb}, v;
        const unsigned char *p;
        size_t n;
        err_t e;
        err_clear(&e);
        r->dl_state[b] = 2;
        int m = mdb_get(r->txn, r->env.doclens, &k, &v);
        if (m == 0 &&
            val_open(v.mv_data, v.mv_size, IX_TAG_DOCLENS, "document lengths", &p, &n, &e) ==
                RC_OK &&
            n == IX_DOCLEN_BLOCK * 4) {
            r->dl_block[b] = p;
            r->dl_state[b] = 1;
        } else if (m != MDB_NOTFOUND) {
            /* An absent block is a block of deleted documents; a bad one
             * must not score as if its documents were empty. */
            if (e.rc == RC_OK)
                err_set(&e, RC_CORRUPT, m ? "reading document lengths: %s" :
                        "corrupt index: document lengths block has the wrong size%s",
                        m ? mdb_strerror(m) : "");
            r->dl_damage = e;
            r->dl_state[b] = 3;
        }
    }
    /* Every query that needs a damaged block fails, also when the block
     * was found bad by an earlier query of the same snapshot. */
    if (r->dl_state[b] == 3 && r->damage.rc == RC_OK)
        r->damage = r->dl_damage;
    return r->dl_state[b] == 1 ? r->dl_block[b] : NULL;
}

uint32_t ix_doc_len(ix_reader *r, uint32_t docid)
{
    const unsigned char *p = doclens_block(r, docid / IX_DOCLEN_BLOCK);
    return p ? u32le_get(p + 4 * (docid % IX_DOCLEN_BLOCK)) : 0;
}

void ix_doc_lens(ix_reader *r, uint32_t docid, uint32_t *out)
{
    const unsigned char *p = doclens_block(r, docid / IX_DOCLEN_BLOCK);
    if (!p) {
        memset(out, 0, IX_DOCLEN_BLOCK * sizeof *out);
        return;
    }
    for (size_t i = 0; i < IX_DOCLEN_BLOCK; i++)
        out[i] = u32le_get(p + 4 * i);
}

enum { DOC_SLOTS = 4096 };

rc_t ix_doc_get(ix_reader *r, uint32_t docid, ix_docinfo *out, err_t *err)
{
    struct doc_slot *slot = r->doc_slots ? &r->doc_slots[docid % DOC_SLOTS] : NULL;
    if (slot && slot->gen == r->doc_gen && slot->docid == docid && slot->rec)
        return docrec_decode(docid, slot->rec, slot->rec_len, out, err);
    unsigned char kb[4];
    u32be_put(kb, docid);
    MDB_val k = {4, kb}, v;
    int m = mdb_get(r->txn, r->env.docs, &k, &v);
    if (m == MDB_NOTFOUND)
        return RC_NOTFOUND;
    if (m)
        return env_err(err, m, "reading a document record");
    rc_t rc = docrec_decode(docid, v.mv_data, v.mv_size, out, err);
    if (rc != RC_OK || v.mv_size > UINT32_MAX)
        return rc;
    if (!r->doc_slots) {   /* without it, records are just read every time */
        r->doc_slots = mem_calloc(DOC_SLOTS, sizeof *r->doc_slots);
        /* Slots are written by docid, i.e. at random. */
        mem_prefault(r->doc_slots, DOC_SLOTS * sizeof *r->doc_slots);
    }
    if (r->doc_slots) {
        slot = &r->doc_slots[docid % DOC_SLOTS];
        *slot = (struct doc_slot){v.mv_data, (uint32_t)v.mv_size, docid, r->doc_gen};
    }
    return RC_OK;
}

rc_t ix_doc_lookup(ix_reader *r, const char *id, size_t len, uint32_t *docid, err_t *err)
{
    if (len == 0 || len > IX_ID_MAX)
        return RC_NOTFOUND;
    MDB_val k = {len, (void *)id}, v;
    int m = mdb_get(r->txn, r->env.ids, &k, &v);
    if (m == MDB_NOTFOUND)
        return RC_NOTFOUND;
    if (m)
        return env_err(err, m, "looking up a document id");
    const unsigned char *p;
    size_t n;
    rc_t rc = val_open(v.mv_data, v.mv_size, IX_TAG_ID, "id entry", &p, &n, err);
    if (rc != RC_OK)
        return rc;
    if (n != 4)
        return RC_CORRUPT_AT(err, "id entry has the wrong size");
    *docid = u32le_get(p);
    return RC_OK;
}

rc_t ix_doc_text(ix_reader *r, uint32_t docid, buf_t *out, err_t *err)
{
    unsigned char kb[4];
    u32be_put(kb, docid);
    MDB_val k = {4, kb}, v;
    int m = mdb_get(r->txn, r->env.text, &k, &v);
    if (m == MDB_NOTFOUND)
        return RC_NOTFOUND;
    if (m)
        return env_err(err, m, "reading stored text");
    return text_decode(v.mv_data, v.mv_size, out, err);
}
