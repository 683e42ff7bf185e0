/* docrec.c - encoding of the small records: document records, the stats
 * record, term dictionary entries and the analyzer description (format.h). */
#include <stdio.h>
#include <string.h>
#include <unicode/uversion.h>

#include "internal.h"

static void put_str(buf_t *b, const char *s, rc_t *prc)
{
    buf_append_lenstr(b, s ? s : "", s ? strlen(s) : 0, prc);
}

void docrec_encode(buf_t *out, const ix_doc *d, uint32_t len, uint32_t title_end,
                   uint32_t truncated_at, uint64_t hash, rc_t *prc)
{
    buf_reset(out);
    size_t start = val_start(out, IX_TAG_DOC, prc);
    buf_append_varint(out, len, prc);
    buf_append_varint(out, title_end, prc);
    buf_append_varint(out, d->flags | (truncated_at ? IX_FLAG_TRUNCATED : 0) |
                               (d->title_in_text ? IX_FLAG_TITLE_IN_TEXT : 0), prc);
    buf_append_u32le(out, (uint32_t)hash, prc);
    buf_append_u32le(out, (uint32_t)(hash >> 32), prc);
    put_str(out, d->id, prc);
    buf_append_lenstr(out, d->title ? d->title : "", d->title ? d->title_len : 0, prc);
    put_str(out, d->date, prc);
    put_str(out, d->lang, prc);
    put_str(out, d->source, prc);
    put_str(out, d->charset, prc);
    put_str(out, d->repair, prc);
    put_str(out, d->file, prc);
    if (truncated_at)
        buf_append_varint(out, truncated_at, prc);
    if (*prc == RC_OK)
        val_seal(out, start);
}

static int get_str(const unsigned char **p, const unsigned char *end, const char **s, size_t *n)
{
    uint64_t len;
    if (!varint_get(p, end, &len) || len > (uint64_t)(end - *p))
        return 0;
    *s = (const char *)*p;
    *n = (size_t)len;
    *p += len;
    return 1;
}

rc_t docrec_decode(uint32_t docid, const void *val, size_t len, ix_docinfo *out, err_t *err)
{
    const unsigned char *p;
    size_t n;
    rc_t rc = val_open(val, len, IX_TAG_DOC, "document record", &p, &n, err);
    if (rc != RC_OK)
        return rc;
    const unsigned char *end = p + n;
    uint32_t flags;
    memset(out, 0, sizeof *out);
    out->docid = docid;
    if (!varint_get32(&p, end, &out->len) || !varint_get32(&p, end, &out->title_end) ||
        !varint_get32(&p, end, &flags) || end - p < 8)
        return RC_CORRUPT_AT(err, "document record truncated");
    out->flags = flags;
    out->hash = (uint64_t)u32le_get(p) | (uint64_t)u32le_get(p + 4) << 32;
    p += 8;
    if (!get_str(&p, end, &out->id, &out->id_len) ||
        !get_str(&p, end, &out->title, &out->title_len) ||
        !get_str(&p, end, &out->date, &out->date_len) ||
        !get_str(&p, end, &out->lang, &out->lang_len) ||
        !get_str(&p, end, &out->source, &out->source_len) ||
        !get_str(&p, end, &out->charset, &out->charset_len) ||
        !get_str(&p, end, &out->repair, &out->repair_len) ||
        !get_str(&p, end, &out->file, &out->file_len))
        return RC_CORRUPT_AT(err, "document record strings truncated");
    if ((flags & IX_FLAG_TRUNCATED) && (!varint_get32(&p, end, &out->max_pos) || !out->max_pos))
        return RC_CORRUPT_AT(err, "document record: position limit missing");
    return RC_OK;
}

void stats_encode(buf_t *out, const ix_meta_stats *s, rc_t *prc)
{
    buf_reset(out);
    size_t start = val_start(out, IX_TAG_STATS, prc);
    buf_append_varint(out, s->n_docs, prc);
    buf_append_varint(out, s->total_len, prc);
    buf_append_varint(out, s->next_docid, prc);
    buf_append_varint(out, s->generation, prc);
    buf_append_varint(out, s->last_run, prc);
    buf_append_varint(out, s->n_terms, prc);
    if (*prc == RC_OK)
        val_seal(out, start);
}

rc_t stats_decode(const void *val, size_t len, ix_meta_stats *s, err_t *err)
{
    const unsigned char *p;
    size_t n;
    rc_t rc = val_open(val, len, IX_TAG_STATS, "stats", &p, &n, err);
    if (rc != RC_OK)
        return rc;
    const unsigned char *end = p + n;
    if (!varint_get(&p, end, &s->n_docs) || !varint_get(&p, end, &s->total_len) ||
        !varint_get(&p, end, &s->next_docid) || !varint_get(&p, end, &s->generation) ||
        !varint_get(&p, end, &s->last_run) || !varint_get(&p, end, &s->n_terms))
        return RC_CORRUPT_AT(err, "stats record truncated");
    if (s->next_docid == 0 || s->next_docid > (uint64_t)UINT32_MAX + 1 ||
        s->n_docs >= s->next_docid)
        return RC_CORRUPT_AT(err, "stats record out of range");
    return RC_OK;
}

void term_encode(buf_t *out, const term_entry *t, rc_t *prc)
{
    size_t start = val_start(out, IX_TAG_TERM, prc);
    buf_append_varint(out, t->df, prc);
    buf_append_varint(out, t->cf, prc);
    buf_append_varint(out, t->n_blocks, prc);
    if (*prc == RC_OK)
        val_seal(out, start);
}

rc_t term_decode(const void *val, size_t len, term_entry *t, err_t *err)
{
    const unsigned char *p;
    size_t n;
    rc_t rc = val_open(val, len, IX_TAG_TERM, "term entry", &p, &n, err);
    if (rc != RC_OK)
        return rc;
    const unsigned char *end = p + n;
    if (!varint_get32(&p, end, &t->df) || !varint_get(&p, end, &t->cf) ||
        !varint_get32(&p, end, &t->n_blocks) || t->df == 0 || t->cf < t->df ||
        t->n_blocks == 0 || t->n_blocks > t->df)
        return RC_CORRUPT_AT(err, "term entry out of range");
    return RC_OK;
}

void analyzer_describe(const an_config *c, char *out, size_t cap)
{
    UVersionInfo v;
    char icu[U_MAX_VERSION_STRING_LENGTH];
    u_getVersion(v);
    u_versionToString(v, icu);
    snprintf(out, cap, "cjk=%s stop=%d stem=%d icu=%s", an_cjk_mode_name(c->cjk_mode),
             !c->no_stopwords, !c->no_stemming, icu);
}

rc_t analyzer_parse(const char *s, size_t len, an_config *c, err_t *err)
{
    char buf[256], mode[64];
    int stop, stem;
    if (len >= sizeof buf)
        return RC_CORRUPT_AT(err, "analyzer description too long");
    memcpy(buf, s, len);
    buf[len] = '\0';
    if (sscanf(buf, "cjk=%63s stop=%d stem=%d", mode, &stop, &stem) != 3)
        return RC_CORRUPT_AT(err, "analyzer description unreadable");
    int m = an_cjk_mode_parse(mode);
    if (m < 0)
        return err_set(err, RC_BADINPUT, "index uses CJK mode \"%s\", unknown to this version", mode);
    memset(c, 0, sizeof *c);
    c->cjk_mode = (an_cjk_mode)m;
    c->no_stopwords = !stop;
    c->no_stemming = !stem;
    return RC_OK;
}

static rc_t meta_get(ix_env *e, MDB_txn *txn, const char *key, MDB_val *v, err_t *err)
{
    MDB_val k = {strlen(key), (void *)key};
    int r = mdb_get(txn, e->meta, &k, v);
    if (r == MDB_NOTFOUND)
        return err_set(err, RC_CORRUPT, "%s: index has no \"%s\" record", e->gen_path, key);
    return r ? env_err(err, r, "reading index metadata") : RC_OK;
}

rc_t meta_read(ix_env *e, MDB_txn *txn, an_config *cfg, ix_meta_stats *st, err_t *err)
{
    MDB_val v;
    rc_t rc = meta_get(e, txn, "format", &v, err);
    if (rc != RC_OK)
        return rc;
    if (v.mv_size != 4)
        return RC_CORRUPT_AT(err, "format record has the wrong size");
    uint32_t fmt = u32le_get(v.mv_data);
    if (fmt != IX_FORMAT_VERSION)
        return err_set(err, RC_BADINPUT,
                       "%s: index format %u (%s), this program reads format %d; rebuild the "
                       "index (bin/indexer --rebuild)", e->dir, fmt,
                       fmt > IX_FORMAT_VERSION ? "newer than this program, or damaged" : "older",
                       IX_FORMAT_VERSION);
    if ((rc = meta_get(e, txn, "analyzer", &v, err)) != RC_OK ||
        (rc = analyzer_parse(v.mv_data, v.mv_size, cfg, err)) != RC_OK)
        return rc;
    if ((rc = meta_get(e, txn, "stats", &v, err)) != RC_OK)
        return rc;
    return stats_decode(v.mv_data, v.mv_size, st, err);
}
