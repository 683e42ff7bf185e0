/* check.c - walk a whole index and verify its invariants (indexer --check),
 * in the spirit of FTS5's integrity-check and Xapian's xapian-check:
 * checksums of every value, block order and bounds, df/cf/n_blocks of every
 * term against its postings, docs <-> ids <-> text <-> doclens, and the
 * stats record against what is actually there.  Also ix_stat() for --stats. */
#include <dirent.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "../common/mem.h"
#include "internal.h"

static rc_t bad(err_t *err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* A broken invariant, reported through the one corruption function. */
static rc_t bad(err_t *err, const char *fmt, ...)
{
    char msg[ERR_MSG_MAX];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    return RC_CORRUPT_AT(err, msg);
}

static rc_t check_docs(ix_reader *r, size_t *n_checked, err_t *err)
{
    MDB_txn *txn = ix_reader_txn(r);
    ix_env *e = ix_reader_env(r);
    const ix_stats *st = ix_reader_stats(r);
    MDB_cursor *c;
    int m = mdb_cursor_open(txn, e->docs, &c);
    if (m)
        return env_err(err, m, "checking documents");
    MDB_val k, v;
    uint64_t n = 0, total = 0;
    rc_t rc = RC_OK;
    buf_t text;
    buf_init(&text);
    for (m = mdb_cursor_get(c, &k, &v, MDB_FIRST); m == 0 && rc == RC_OK;
         m = mdb_cursor_get(c, &k, &v, MDB_NEXT)) {
        if (k.mv_size != 4) {
            rc = RC_CORRUPT_AT(err, "document key of the wrong size");
            break;
        }
        uint32_t docid = u32be_get(k.mv_data);
        ix_docinfo di;
        if ((rc = docrec_decode(docid, v.mv_data, v.mv_size, &di, err)) != RC_OK)
            break;
        char id[200];
        snprintf(id, sizeof id, "%.*s", (int)(di.id_len < 199 ? di.id_len : 199), di.id);
        uint32_t back;
        if (docid == 0 || docid > st->max_docid)
            rc = bad(err, "document %s has docid %u beyond next_docid", id, docid);
        else if (ix_doc_lookup(r, di.id, di.id_len, &back, err) != RC_OK || back != docid)
            rc = bad(err, "document %s (docid %u) is not found by its id", id, docid);
        else if (ix_doc_len(r, docid) != di.len)
            rc = bad(err, "document %s (docid %u): stored length differs", id, docid);
        else if ((rc = ix_doc_text(r, docid, &text, err)) == RC_NOTFOUND)
            rc = bad(err, "document %s (docid %u) has no stored text", id, docid);
        n++;
        total += di.len;
        (*n_checked)++;
    }
    mdb_cursor_close(c);
    buf_free(&text);
    if (rc == RC_OK && m != MDB_NOTFOUND)
        rc = env_err(err, m, "checking documents");
    if (rc == RC_OK && (n != st->n_docs || total != st->total_len))
        rc = RC_CORRUPT_AT(err, "stats record does not match the documents");
    if (rc == RC_OK) {
        MDB_stat ms;
        if (mdb_stat(txn, e->ids, &ms) == 0 && ms.ms_entries != n)
            rc = RC_CORRUPT_AT(err, "more ids than documents");
    }
    return rc;
}

typedef struct {
    char term[IX_TERM_MAX + 1];
    size_t len;
    uint32_t df, n_blocks, last;
    uint64_t cf;
} term_acc;

static rc_t finish_term(ix_reader *r, const term_acc *t, err_t *err)
{
    if (!t->len)
        return RC_OK;
    ix_term_info ti;
    rc_t rc = ix_term_get(r, t->term, t->len, &ti, err);
    if (rc == RC_NOTFOUND)
        return bad(err, "term \"%s\" has postings but no dictionary entry", t->term);
    if (rc != RC_OK)
        return rc;
    if (ti.df != t->df || ti.cf != t->cf || ti.n_blocks != t->n_blocks)
        return bad(err, "term \"%s\": dictionary counts differ from its postings", t->term);
    return RC_OK;
}

static rc_t check_block(ix_reader *r, term_acc *t, uint32_t first, const MDB_val *v,
                        uint32_t *pos, err_t *err)
{
    blk_view bv;
    uint32_t docids[IX_BLOCK_DOCS], tfs[IX_BLOCK_DOCS], offs[IX_BLOCK_DOCS + 1];
    rc_t rc = blk_parse(first, v->mv_data, v->mv_size, &bv, err);
    if (rc == RC_OK)
        rc = blk_decode(&bv, docids, tfs, err);
    if (rc == RC_OK)
        rc = blk_pos_offsets(&bv, tfs, offs, err);
    if (rc != RC_OK)
        return rc;
    if (t->n_blocks && first <= t->last)
        return bad(err, "term \"%s\": blocks overlap at docid %u", t->term, first);
    uint32_t max_tf = 0;
    for (uint32_t i = 0; i < bv.n; i++) {
        uint32_t len = ix_doc_len(r, docids[i]);
        if (!len)
            return bad(err, "term \"%s\" lists docid %u, which has no document", t->term, docids[i]);
        if (len < bv.min_len)
            return bad(err, "term \"%s\": block min_len above a length (docid %u)", t->term, docids[i]);
        if (tfs[i] > max_tf)
            max_tf = tfs[i];
        uint32_t n = tfs[i] < 4096 ? tfs[i] : 4096;
        if ((rc = blk_decode_positions(bv.pos + offs[i], bv.pos + offs[i + 1], n, pos, err)) != RC_OK)
            return rc;
        t->cf += tfs[i];
    }
    if (max_tf > bv.max_tf)
        return bad(err, "term \"%s\": block max_tf below a tf (block %u)", t->term, first);
    t->df += bv.n;
    t->n_blocks++;
    t->last = bv.last;
    return RC_OK;
}

static rc_t check_postings(ix_reader *r, size_t *n_checked, err_t *err)
{
    MDB_txn *txn = ix_reader_txn(r);
    ix_env *e = ix_reader_env(r);
    MDB_cursor *c;
    int m = mdb_cursor_open(txn, e->postings, &c);
    if (m)
        return env_err(err, m, "checking postings");
    uint32_t *pos = mem_alloc(4096 * sizeof *pos);
    term_acc *t = mem_calloc(1, sizeof *t);
    rc_t rc = (!pos || !t) ? err_set(err, RC_NOMEM, "out of memory") : RC_OK;
    MDB_val k, v;
    uint64_t n_terms = 0;
    for (m = mdb_cursor_get(c, &k, &v, MDB_FIRST); m == 0 && rc == RC_OK;
         m = mdb_cursor_get(c, &k, &v, MDB_NEXT)) {
        const char *term;
        size_t len;
        uint32_t first;
        if (!blk_key_split(&k, &term, &len, &first) || len > IX_TERM_MAX) {
            rc = RC_CORRUPT_AT(err, "malformed postings key");
            break;
        }
        if (len != t->len || memcmp(term, t->term, len)) {
            if ((rc = finish_term(r, t, err)) != RC_OK)
                break;
            memset(t, 0, sizeof *t);
            memcpy(t->term, term, len);
            t->len = len;
            n_terms++;
        }
        rc = check_block(r, t, first, &v, pos, err);
        (*n_checked)++;
    }
    if (rc == RC_OK && m != MDB_NOTFOUND)
        rc = env_err(err, m, "checking postings");
    if (rc == RC_OK)
        rc = finish_term(r, t, err);
    mdb_cursor_close(c);
    if (rc == RC_OK) {
        MDB_stat ms;
        if (mdb_stat(txn, e->terms, &ms) == 0 &&
            (ms.ms_entries != n_terms || n_terms != ix_reader_stats(r)->n_terms))
            rc = RC_CORRUPT_AT(err, "dictionary has terms without postings, or stats differ");
    }
    mem_free(pos);
    mem_free(t);
    return rc;
}

rc_t ix_check(const char *dir, size_t *n_checked, err_t *err)
{
    *n_checked = 0;
    ix_reader *r;
    rc_t rc = ix_reader_open(dir, &r, err);
    if (rc != RC_OK)
        return rc;
    rc = ix_reader_begin(r, err);
    if (rc == RC_OK)
        rc = check_docs(r, n_checked, err);
    if (rc == RC_OK)
        rc = check_postings(r, n_checked, err);
    ix_reader_end(r);
    ix_reader_close(r);
    return rc;
}

static uint64_t dir_bytes(const char *path)
{
    DIR *d = opendir(path);
    if (!d)
        return 0;
    uint64_t total = 0;
    struct dirent *de;
    while ((de = readdir(d)) != NULL) {
        char p[4096];
        struct stat st;
        if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
            continue;
        snprintf(p, sizeof p, "%s/%s", path, de->d_name);
        if (lstat(p, &st) != 0)
            continue;
        total += S_ISDIR(st.st_mode) ? dir_bytes(p) : (uint64_t)st.st_size;
    }
    closedir(d);
    return total;
}

rc_t ix_stat(const char *dir, ix_stats *stats, uint64_t *disk_bytes, char *gen_name,
             size_t gen_name_len, err_t *err)
{
    ix_reader *r;
    rc_t rc = ix_reader_open(dir, &r, err);
    if (rc != RC_OK)
        return rc;
    rc = ix_reader_begin(r, err);
    if (rc == RC_OK) {
        *stats = *ix_reader_stats(r);
        ix_reader_end(r);
    }
    snprintf(gen_name, gen_name_len, "%s", ix_reader_env(r)->gen);
    ix_reader_close(r);
    *disk_bytes = dir_bytes(dir);
    return rc;
}
