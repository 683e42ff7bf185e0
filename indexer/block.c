/* block.c - encoding and decoding of one postings block (format.h,
 * "postings").  Decoding never trusts a length: every varint read is bounded
 * by the value's end and every count is checked against what is left. */
#include <string.h>

#include "internal.h"

void blk_enc_init(blk_enc *e)
{
    memset(e, 0, sizeof *e);
    buf_init(&e->docs);
    buf_init(&e->pos);
}

void blk_enc_free(blk_enc *e)
{
    buf_free(&e->docs);
    buf_free(&e->pos);
}

void blk_enc_reset(blk_enc *e)
{
    e->first = e->last = e->n = e->max_tf = 0;
    e->min_len = UINT32_MAX;
    buf_reset(&e->docs);
    buf_reset(&e->pos);
}

int blk_enc_fits(const blk_enc *e, size_t pos_bytes)
{
    if (e->n == 0)
        return 1;
    if (e->n >= IX_BLOCK_DOCS)
        return 0;
    return e->docs.len + e->pos.len + pos_bytes + 2 * VARINT_MAX + 32 <= IX_BLOCK_BYTES;
}

void blk_enc_add(blk_enc *e, uint32_t docid, uint32_t tf, const unsigned char *pos,
                 size_t pos_bytes, uint32_t doclen, rc_t *prc)
{
    if (e->n == 0) {
        e->first = docid;
        e->min_len = UINT32_MAX;
        buf_append_varint(&e->docs, 0, prc);
    } else {
        buf_append_varint(&e->docs, docid - e->last, prc);
    }
    buf_append_varint(&e->docs, tf, prc);
    buf_append(&e->pos, pos, pos_bytes, prc);
    e->last = docid;
    e->n++;
    if (tf > e->max_tf)
        e->max_tf = tf;
    if (doclen < e->min_len)
        e->min_len = doclen;
}

void blk_enc_value(const blk_enc *e, buf_t *out, rc_t *prc)
{
    size_t start = val_start(out, IX_TAG_BLOCK, prc);
    buf_append_varint(out, e->n, prc);
    buf_append_varint(out, e->last - e->first, prc);
    buf_append_varint(out, e->max_tf, prc);
    buf_append_varint(out, e->min_len == UINT32_MAX ? 0 : e->min_len, prc);
    buf_append_varint(out, e->pos.len, prc);
    buf_append(out, e->docs.p, e->docs.len, prc);
    buf_append(out, e->pos.p, e->pos.len, prc);
    if (*prc == RC_OK)
        val_seal(out, start);
}

rc_t blk_enc_posting(blk_enc *e, term_entry *te, uint32_t docid, uint32_t tf,
                     const unsigned char *pos, size_t pos_bytes, uint32_t doclen,
                     blk_put_fn put, void *ctx, err_t *err)
{
    rc_t rc = RC_OK;
    if (!blk_enc_fits(e, pos_bytes)) {
        if ((rc = put(ctx, e, err)) != RC_OK)
            return rc;
        te->n_blocks++;
        blk_enc_reset(e);
    }
    blk_enc_add(e, docid, tf, pos, pos_bytes, doclen, &rc);
    if (rc != RC_OK)
        return err_set(err, rc, "out of memory encoding postings");
    te->df++;
    te->cf += tf;
    return RC_OK;
}

rc_t blk_parse(uint32_t first, const void *val, size_t len, blk_view *v, err_t *err)
{
    const unsigned char *p, *end;
    size_t body_len;
    rc_t rc = val_open(val, len, IX_TAG_BLOCK, "postings block", &p, &body_len, err);
    if (rc != RC_OK)
        return rc;
    end = p + body_len;
    uint32_t last_delta, pos_bytes;
    if (!varint_get32(&p, end, &v->n) || !varint_get32(&p, end, &last_delta) ||
        !varint_get32(&p, end, &v->max_tf) || !varint_get32(&p, end, &v->min_len) ||
        !varint_get32(&p, end, &pos_bytes))
        return RC_CORRUPT_AT(err, "postings block header truncated");
    if (v->n == 0 || v->n > IX_BLOCK_DOCS || pos_bytes > (size_t)(end - p) ||
        last_delta > UINT32_MAX - first)
        return RC_CORRUPT_AT(err, "postings block header out of range");
    v->first = first;
    v->last = first + last_delta;
    v->docs = p;
    v->docs_end = end - pos_bytes;
    v->pos = v->docs_end;
    v->pos_end = end;
    return RC_OK;
}

/* varint_get32() with its short cases inline and the cursor passed by
 * value (a pointer to it kept it in memory): docid deltas, tfs and
 * position deltas are mostly one or two bytes, and the calls were a third
 * of the instructions of decoding (callgrind, med batch).  p = NULL: a
 * truncated or over-long varint. */
typedef struct {
    const unsigned char *p;
    uint32_t v;
} varint32;

static varint32 read32_long(const unsigned char *p, const unsigned char *end)
{
    varint32 r;
    r.p = varint_get32(&p, end, &r.v) ? p : NULL;
    return r;
}

static inline varint32 read32(const unsigned char *p, const unsigned char *end)
{
    if (p < end && *p < 0x80)
        return (varint32){p + 1, *p};
    if (end - p >= 2 && p[1] < 0x80)
        return (varint32){p + 2, (uint32_t)(p[0] & 0x7f) | (uint32_t)p[1] << 7};
    return read32_long(p, end);
}

/* The header's last docid and the section's length must match.  d is 64
 * bits wide: a delta that overflowed 32 bits cannot come back to v->last. */
static rc_t decode_end(const blk_view *v, const unsigned char *p, uint64_t d, err_t *err)
{
    if (d != v->last || p != v->docs_end)
        return RC_CORRUPT_AT(err, "postings block does not match its header");
    return RC_OK;
}

static rc_t out_of_order(err_t *err)
{
    return RC_CORRUPT_AT(err, "postings block docids out of order");
}

/* Entries i.. of a block, any varint lengths.  The first delta is 0 and
 * the others are not (docids ascend); no tf is 0. */
static rc_t decode_from(const blk_view *v, uint32_t i, const unsigned char *p, uint64_t d,
                        uint32_t *docids, uint32_t *tfs, err_t *err)
{
    for (; i < v->n; i++) {
        varint32 delta = read32(p, v->docs_end), tf = {NULL, 0};
        if (delta.p)
            tf = read32(delta.p, v->docs_end);
        if (!tf.p)
            return RC_CORRUPT_AT(err, "postings block truncated");
        p = tf.p;
        if ((i == 0) != (delta.v == 0) || tf.v == 0)
            return out_of_order(err);
        d += delta.v;
        docids[i] = (uint32_t)d;
        tfs[i] = tf.v;
    }
    return decode_end(v, p, d, err);
}

/* Mostly a delta and a tf of one byte each: those are decoded with no
 * call; the first entry that needs more goes the general way with the
 * rest.  Decoding was ~40 instructions an entry, a tenth of a med batch. */
rc_t blk_decode(const blk_view *v, uint32_t *docids, uint32_t *tfs, err_t *err)
{
    const unsigned char *p = v->docs, *end = v->docs_end;
    uint32_t n = v->n;
    if (n == 0 || end - p < 2 || ((p[0] | p[1]) & 0x80))
        return decode_from(v, 0, p, v->first, docids, tfs, err);
    if (p[0] != 0 || p[1] == 0)
        return out_of_order(err);
    uint64_t d = v->first;
    docids[0] = v->first;
    tfs[0] = p[1];
    p += 2;
    for (uint32_t i = 1; i < n; i++) {
        if (end - p < 2 || ((p[0] | p[1]) & 0x80))
            return decode_from(v, i, p, d, docids, tfs, err);
        uint32_t delta = p[0], tf = p[1];
        if (delta == 0 || tf == 0)
            return out_of_order(err);
        p += 2;
        d += delta;
        docids[i] = (uint32_t)d;
        tfs[i] = tf;
    }
    return decode_end(v, p, d, err);
}

rc_t blk_pos_offsets(const blk_view *v, const uint32_t *tfs, uint32_t *offsets, err_t *err)
{
    const unsigned char *p = v->pos;
    for (uint32_t i = 0; i < v->n; i++) {
        offsets[i] = (uint32_t)(p - v->pos);
        if (!(p = blk_skip_varints(p, v->pos_end, tfs[i])))
            return RC_CORRUPT_AT(err, "positions section truncated");
    }
    offsets[v->n] = (uint32_t)(p - v->pos);
    if (p != v->pos_end)
        return RC_CORRUPT_AT(err, "positions section has trailing bytes");
    return RC_OK;
}

const unsigned char *blk_skip_varints(const unsigned char *p, const unsigned char *end, uint64_t n)
{
    for (; n; p++) {
        if (p >= end)
            return NULL;
        n -= *p < 0x80;
    }
    return p;
}

rc_t blk_read_positions(const unsigned char **pp, const unsigned char *end, uint32_t tf,
                        uint32_t *out, err_t *err)
{
    const unsigned char *p = *pp;
    /* 64 bits: a sum past 32 bits is caught once, at the end. */
    uint64_t at = 0;
    for (uint32_t j = 0; j < tf; j++) {
        varint32 delta = read32(p, end);
        if (!delta.p)
            return RC_CORRUPT_AT(err, "positions truncated");
        p = delta.p;
        at += delta.v;
        out[j] = (uint32_t)at;
    }
    if (at > UINT32_MAX)
        return RC_CORRUPT_AT(err, "positions truncated");
    *pp = p;
    return RC_OK;
}

rc_t blk_decode_positions(const unsigned char *p, const unsigned char *end, uint32_t tf,
                          uint32_t *out, err_t *err)
{
    return blk_read_positions(&p, end, tf, out, err);
}

size_t blk_key(unsigned char *dst, const char *term, size_t len, uint32_t docid)
{
    memcpy(dst, term, len);
    dst[len] = 0;
    u32be_put(dst + len + 1, docid);
    return len + 5;
}

int blk_key_split(const MDB_val *k, const char **term, size_t *len, uint32_t *docid)
{
    if (k->mv_size < 6)
        return 0;
    const unsigned char *p = k->mv_data;
    size_t tl = k->mv_size - 5;
    if (p[tl] != 0)
        return 0;
    *term = (const char *)p;
    *len = tl;
    *docid = u32be_get(p + tl + 1);
    return 1;
}

/* Position the cursor on the block of term that contains docid (the last
 * block starting at or before it). 0 when there is none. */
int blk_seek(MDB_cursor *c, const char *term, size_t len, uint32_t docid, MDB_val *k,
                      MDB_val *v, uint32_t *first, int *mdb_rc)
{
    unsigned char kb[IX_TERM_MAX + 8];
    MDB_val want = {blk_key(kb, term, len, docid), kb};
    *k = want;
    int r = mdb_cursor_get(c, k, v, MDB_SET_RANGE);
    if (r == 0 && k->mv_size == want.mv_size && !memcmp(k->mv_data, want.mv_data, want.mv_size)) {
        *first = docid;
        return 1;
    }
    if (r == MDB_NOTFOUND)
        r = mdb_cursor_get(c, k, v, MDB_LAST);
    else if (r == 0)
        r = mdb_cursor_get(c, k, v, MDB_PREV);
    *mdb_rc = r == MDB_NOTFOUND ? 0 : r;
    if (r)
        return 0;
    const char *t;
    size_t tl;
    if (!blk_key_split(k, &t, &tl, first) || tl != len || memcmp(t, term, len))
        return 0;
    return 1;
}

