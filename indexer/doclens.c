/* doclens.c - document lengths in blocks of IX_DOCLEN_BLOCK (format.h).
 * Scoring needs the length of every candidate; reading 1 KB per 256
 * documents beats one record lookup per candidate. */
#include <string.h>

#include "internal.h"

rc_t doclens_read_block(ix_env *e, MDB_txn *txn, uint32_t block, uint32_t *lens, err_t *err)
{
    unsigned char kb[4];
    u32be_put(kb, block);
    MDB_val k = {4, kb}, v;
    int r = mdb_get(txn, e->doclens, &k, &v);
    if (r == MDB_NOTFOUND) {
        memset(lens, 0, IX_DOCLEN_BLOCK * sizeof *lens);
        return RC_OK;
    }
    if (r)
        return env_err(err, r, "reading document lengths");
    const unsigned char *p;
    size_t n;
    rc_t rc = val_open(v.mv_data, v.mv_size, IX_TAG_DOCLENS, "document lengths", &p, &n, err);
    if (rc != RC_OK)
        return rc;
    if (n != IX_DOCLEN_BLOCK * 4)
        return RC_CORRUPT_AT(err, "document lengths block has the wrong size");
    for (size_t i = 0; i < IX_DOCLEN_BLOCK; i++)
        lens[i] = u32le_get(p + 4 * i);
    return RC_OK;
}

rc_t doclens_write_block(ix_env *e, MDB_txn *txn, uint32_t block, const uint32_t *lens,
                         unsigned flags, err_t *err)
{
    unsigned char kb[4];
    u32be_put(kb, block);
    MDB_val k = {4, kb};
    int any = 0;
    for (size_t i = 0; i < IX_DOCLEN_BLOCK && !any; i++)
        any = lens[i] != 0;
    if (!any) {
        int r = mdb_del(txn, e->doclens, &k, NULL);
        e->map_full = r == MDB_MAP_FULL;
        return (r && r != MDB_NOTFOUND) ? env_err(err, r, "writing document lengths") : RC_OK;
    }
    buf_t b;
    buf_init(&b);
    rc_t rc = RC_OK;
    size_t start = val_start(&b, IX_TAG_DOCLENS, &rc);
    for (size_t i = 0; i < IX_DOCLEN_BLOCK; i++)
        buf_append_u32le(&b, lens[i], &rc);
    if (rc != RC_OK) {
        buf_free(&b);
        return err_set(err, rc, "out of memory writing document lengths");
    }
    val_seal(&b, start);
    MDB_val v = {b.len, b.p};
    int r = mdb_put(txn, e->doclens, &k, &v, flags);
    buf_free(&b);
    e->map_full = r == MDB_MAP_FULL;
    return r ? env_err(err, r, "writing document lengths") : RC_OK;
}

rc_t doclens_set(ix_env *e, MDB_txn *txn, uint32_t docid, uint32_t len, err_t *err)
{
    uint32_t lens[IX_DOCLEN_BLOCK];
    uint32_t block = docid / IX_DOCLEN_BLOCK;
    rc_t rc = doclens_read_block(e, txn, block, lens, err);
    if (rc != RC_OK)
        return rc;
    lens[docid % IX_DOCLEN_BLOCK] = len;
    return doclens_write_block(e, txn, block, lens, 0, err);
}
