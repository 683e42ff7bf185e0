/* writer.c - the writer's life before commit: open the index, buffer
 * documents (analyzed into per-term entries), record replacements and
 * deletions.  Nothing here writes to LMDB; commit.c does, in one
 * transaction, so a run that dies leaves the index as it was. */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <time.h>
#include <xxhash.h>
#include <zstd.h>

#include "../common/mem.h"
#include "../common/utf8.h"
#include "runs.h"

ix_writer_options ix_writer_options_default(void)
{
    ix_writer_options o;
    memset(&o, 0, sizeof o);
    o.analyzer = an_config_default();
    o.lock_timeout = 0;
    return o;
}

/* What the budget holds besides the batch: the program and its libraries'
 * heap (~12 MB), LMDB's copies of the pages of one transaction of a new
 * generation (merge.c commits every 8 MB of data) and the scratch of a
 * flush (sorting the batch's terms and ids).  The batch's own bytes are
 * counted as its buffers grow, which misses the allocator's overhead and
 * the fragmentation left by freeing one batch's many small buffers and
 * growing the next one's: measured on Reuters, a batch counted as B bytes
 * holds 1.2-1.25 B of anonymous memory, hence three quarters. */
enum { MEM_RESERVE = 32u << 20 };

size_t ix_batch_bytes(size_t mem)
{
    size_t b = mem > MEM_RESERVE ? (mem - MEM_RESERVE) / 4 * 3 : 0;
    return b < (1u << 20) ? 1u << 20 : b;
}

rc_t writer_mdb_err(ix_writer *w, int r, const char *what, err_t *err)
{
    w->map_full = r == MDB_MAP_FULL;
    return env_err(err, r, what);
}

rc_t writer_lens_rc(ix_writer *w, rc_t rc)
{
    if (rc != RC_OK)
        w->map_full = w->env.map_full;
    return rc;
}

static rc_t fail(ix_writer *w, rc_t rc, const err_t *e, err_t *err)
{
    if (w->sticky == RC_OK) {
        w->sticky = rc;
        w->sticky_err = *e;
    }
    if (err && err != &w->sticky_err)
        *err = *e;
    return rc;
}

/* Write the empty-index records into a fresh generation. */
static rc_t init_meta(ix_writer *w, err_t *err)
{
    MDB_txn *txn;
    int r = mdb_txn_begin(w->env.env, NULL, 0, &txn);
    if (r)
        return env_err(err, r, "initializing the index");
    char desc[256];
    analyzer_describe(&w->opt.analyzer, desc, sizeof desc);
    unsigned char fmt[4] = {IX_FORMAT_VERSION, 0, 0, 0};
    ix_meta_stats st = {.next_docid = 1};
    rc_t rc = RC_OK;
    buf_t b;
    buf_init(&b);
    stats_encode(&b, &st, &rc);
    if (rc != RC_OK) {
        mdb_txn_abort(txn);
        buf_free(&b);
        return err_set(err, rc, "out of memory");
    }
    MDB_val k1 = {6, "format"}, v1 = {4, fmt};
    MDB_val k2 = {8, "analyzer"}, v2 = {strlen(desc), desc};
    MDB_val k3 = {5, "stats"}, v3 = {b.len, b.p};
    r = mdb_put(txn, w->env.meta, &k1, &v1, 0);
    if (!r)
        r = mdb_put(txn, w->env.meta, &k2, &v2, 0);
    if (!r)
        r = mdb_put(txn, w->env.meta, &k3, &v3, 0);
    buf_free(&b);
    if (r) {
        mdb_txn_abort(txn);
        return env_err(err, r, "initializing the index");
    }
    r = mdb_txn_commit(txn);
    return r ? env_err(err, r, "initializing the index") : RC_OK;
}

/* An existing directory that is neither empty nor an index is refused, so
 * `--db ~/Documents` cannot scatter generations among someone's files. */
static rc_t check_dir(const char *dir, int *has_index, err_t *err)
{
    struct stat st;
    *has_index = 0;
    if (stat(dir, &st) != 0) {
        if (errno != ENOENT)
            return err_set(err, RC_IO, "%s: %s", dir, strerror(errno));
        if (mkdir(dir, 0775) != 0)
            return err_set(err, errno == ENOSPC ? RC_FULL : RC_IO, "%s: cannot create: %s", dir,
                           strerror(errno));
        return RC_OK;
    }
    if (!S_ISDIR(st.st_mode))
        return err_set(err, RC_IO, "%s: not a directory", dir);
    char name[64];
    err_t e;
    err_clear(&e);
    rc_t rc = env_current(dir, name, sizeof name, &e);
    if (rc == RC_OK) {
        *has_index = 1;
        return RC_OK;
    }
    if (rc != RC_NOTFOUND)
        return err_set(err, e.rc, "%s", e.msg);
    /* No CURRENT: fine if the directory holds nothing but our own files. */
    DIR *d = opendir(dir);
    if (!d)
        return err_set(err, RC_IO, "%s: %s", dir, strerror(errno));
    struct dirent *de;
    int foreign = 0;
    while ((de = readdir(d)) != NULL) {
        const char *n = de->d_name;
        if (!strcmp(n, ".") || !strcmp(n, "..") || !strcmp(n, "write.lock") ||
            !strncmp(n, "gen-", 4) || !strcmp(n, "CURRENT.tmp"))
            continue;
        foreign = 1;
    }
    closedir(d);
    if (foreign)
        return err_set(err, RC_IO, "%s: directory exists and is not an index; choose a new or "
                                   "empty directory for --db", dir);
    return RC_OK;
}

rc_t ix_writer_open(const char *dir, const ix_writer_options *opt, ix_writer **out, err_t *err)
{
    *out = NULL;
    ix_writer *w = mem_calloc(1, sizeof *w);
    if (!w)
        return err_set(err, RC_NOMEM, "out of memory opening the index writer");
    w->opt = opt ? *opt : ix_writer_options_default();
    w->env.lock_fd = -1;
    strmap_init(&w->terms);
    strmap_init(&w->ids);
    buf_init(&w->recs);
    buf_init(&w->texts);
    buf_init(&w->scratch);
    buf_init(&w->scratch2);
    int has_index, lock_fd = -1;
    char gen[64];
    rc_t rc = check_dir(dir, &has_index, err);
    if (rc == RC_OK)
        rc = env_check_local(dir, err);
    if (rc == RC_OK)
        rc = env_lock(dir, w->opt.lock_timeout, &lock_fd, err);
    if (rc != RC_OK)
        goto fail;
    if (has_index && (rc = env_current(dir, gen, sizeof gen, err)) != RC_OK)
        goto fail;
    /* Leftovers of crashed runs and compactions nobody reads any more. */
    env_remove_unused(dir, has_index ? gen : NULL);
    w->new_gen = !has_index || w->opt.rebuild;
    if (w->new_gen && (rc = env_new_generation(dir, gen, sizeof gen, err)) != RC_OK)
        goto fail;
    /* A generation nobody reads yet can skip fsync per transaction; commit
     * syncs once before switching CURRENT to it. */
    rc = env_open(&w->env, dir, gen, 0, w->new_gen, w->opt.map_size, err);
    w->env.lock_fd = lock_fd;
    lock_fd = -1;
    if (rc != RC_OK)
        goto fail;
    if (w->new_gen && (rc = init_meta(w, err)) != RC_OK)
        goto fail;
    int r = mdb_txn_begin(w->env.env, NULL, MDB_RDONLY, &w->rtxn);
    if (r) {
        rc = env_err(err, r, "reading the index");
        goto fail;
    }
    an_config cfg;
    if ((rc = meta_read(&w->env, w->rtxn, &cfg, &w->st, err)) != RC_OK)
        goto fail;
    w->opt.analyzer = cfg; /* an existing index keeps its analyzer */
    if (w->new_gen) {
        /* Nothing to look up in an empty generation, and merge.c grows
         * the map between transactions, which no open one may see. */
        mdb_txn_abort(w->rtxn);
        w->rtxn = NULL;
    }
    if ((rc = an_open(&cfg, &w->an, err)) != RC_OK)
        goto fail;
    w->zctx = ZSTD_createCCtx();
    if (!w->zctx || docterms_open(&w->dt) != RC_OK) {
        rc = err_set(err, RC_NOMEM, "out of memory");
        goto fail;
    }
    uint32_t max_pos = w->opt.max_positions ? w->opt.max_positions : IX_DEFAULT_MAX_POSITIONS;
    if ((rc = pipeline_open(&cfg, w->opt.threads, max_pos, &w->pipe, err)) != RC_OK)
        goto fail;
    if (!w->opt.batch_bytes)
        w->opt.batch_bytes = ix_batch_bytes(w->opt.mem_bytes ? w->opt.mem_bytes
                                                              : IX_DEFAULT_MEM_BYTES);
    w->fresh = w->st.next_docid == 1;
    w->base_docid = (uint32_t)w->st.next_docid;
    w->run.generation = w->st.generation;
    *out = w;
    return RC_OK;
fail:
    if (lock_fd >= 0)
        close(lock_fd);
    ix_writer_close(w);
    return rc;
}

/* Free what only adding and committing use: the analysis threads and the
 * batch.  Safe to call again. */
static void release_work(ix_writer *w)
{
    pipeline_close(w->pipe);
    w->pipe = NULL;
    for (size_t i = 0; i < w->n_bterms; i++)
        buf_free(&w->bterms[i].ent);
    mem_free(w->bterms);
    w->bterms = NULL;
    w->n_bterms = w->cap_bterms = 0;
    mem_free(w->bdocs);
    w->bdocs = NULL;
    w->n_bdocs = w->cap_bdocs = 0;
    strmap_free(&w->terms);
    strmap_free(&w->ids);
    buf_free(&w->recs);
    buf_free(&w->texts);
}

void ix_writer_close(ix_writer *w)
{
    if (!w)
        return;
    release_work(w);
    runs_close(w->runs);
    if (w->wtxn)
        mdb_txn_abort(w->wtxn);
    if (w->rtxn)
        mdb_txn_abort(w->rtxn);
    char *dir = w->env.dir ? mem_strndup(w->env.dir, strlen(w->env.dir)) : NULL;
    int drop_gen = w->new_gen && !w->committed && w->env.gen;
    char gen[64] = "";
    if (drop_gen)
        snprintf(gen, sizeof gen, "%s", w->env.gen);
    int lock_fd = w->env.lock_fd;
    w->env.lock_fd = -1;
    env_close(&w->env);
    /* An uncommitted new generation is garbage: remove it while we still
     * hold the lock (nobody can have opened it: CURRENT never named it). */
    if (drop_gen && dir) {
        char cur[64];
        err_t e;
        err_clear(&e);
        rc_t rc = env_current(dir, cur, sizeof cur, &e);
        env_remove_unused(dir, rc == RC_OK ? cur : NULL);
    }
    if (lock_fd >= 0)
        close(lock_fd);
    mem_free(dir);
    an_close(w->an);
    docterms_close(w->dt);
    ZSTD_freeCCtx(w->zctx);
    mem_free(w->deletes);
    buf_free(&w->scratch);
    buf_free(&w->scratch2);
    mem_free(w);
}

static uint64_t doc_hash(const ix_doc *d)
{
    XXH3_state_t *s = XXH3_createState();
    if (!s)
        return 0;
    XXH3_64bits_reset(s);
    const char *parts[] = {d->id, d->date, d->lang, d->source};
    for (size_t i = 0; i < 4; i++) {
        const char *p = parts[i] ? parts[i] : "";
        XXH3_64bits_update(s, p, strlen(p) + 1);
    }
    XXH3_64bits_update(s, d->title ? d->title : "", d->title ? d->title_len : 0);
    XXH3_64bits_update(s, "\0", 1);
    XXH3_64bits_update(s, d->text ? d->text : "", d->text ? d->text_len : 0);
    unsigned flags = d->flags;
    XXH3_64bits_update(s, &flags, sizeof flags);
    uint64_t h = XXH3_64bits_digest(s);
    XXH3_freeState(s);
    return h;
}

/* The indexed docid and content hash of id, if any. */
static rc_t lookup_indexed(ix_writer *w, const char *id, size_t len, uint32_t *docid,
                           uint64_t *hash, err_t *err)
{
    if (!w->rtxn)
        return RC_NOTFOUND; /* a new generation */
    MDB_val k = {len, (void *)id}, v;
    int r = mdb_get(w->rtxn, w->env.ids, &k, &v);
    if (r == MDB_NOTFOUND)
        return RC_NOTFOUND;
    if (r)
        return env_err(err, r, "looking up a document id");
    const unsigned char *p;
    size_t n;
    rc_t rc = val_open(v.mv_data, v.mv_size, IX_TAG_ID, "id entry", &p, &n, err);
    if (rc != RC_OK)
        return rc;
    if (n != 4)
        return RC_CORRUPT_AT(err, "id entry has the wrong size");
    *docid = u32le_get(p);
    unsigned char kb[4];
    u32be_put(kb, *docid);
    MDB_val dk = {4, kb}, dv;
    r = mdb_get(w->rtxn, w->env.docs, &dk, &dv);
    if (r == MDB_NOTFOUND)
        return RC_CORRUPT_AT(err, "id entry points at a missing document");
    if (r)
        return env_err(err, r, "reading a document record");
    ix_docinfo di;
    rc = docrec_decode(*docid, dv.mv_data, dv.mv_size, &di, err);
    if (rc == RC_OK)
        *hash = di.hash;
    return rc;
}

static rc_t queue_delete(ix_writer *w, uint32_t docid, err_t *err)
{
    if (!mem_grow((void **)&w->deletes, &w->cap_deletes, w->n_deletes + 1, sizeof *w->deletes))
        return err_set(err, RC_NOMEM, "out of memory");
    w->deletes[w->n_deletes++] = docid;
    return RC_OK;
}

/* One term of a prepared document (see ix_job.terms). */
typedef struct {
    const char *term;
    size_t len;
    uint32_t hash, ent_len;
    const unsigned char *ent;
    size_t bterm;      /* its likely index in bterms (a hint), or NO_BTERM */
} job_term;

#define NO_BTERM SIZE_MAX

/* Append the term's entry (docid delta, then what the worker encoded) to
 * its batch term, adding the term to the batch if new. */
static rc_t add_posting(ix_writer *w, uint32_t docid, const job_term *jt, err_t *err)
{
    int added;
    strmap_slot *s = strmap_put_hashed(&w->terms, jt->term, jt->len, jt->hash, &added);
    if (!s)
        return err_set(err, RC_NOMEM, "out of memory buffering postings");
    if (added) {
        if (!mem_grow((void **)&w->bterms, &w->cap_bterms, w->n_bterms + 1, sizeof *w->bterms))
            return err_set(err, RC_NOMEM, "out of memory buffering postings");
        bterm *b = &w->bterms[w->n_bterms];
        memset(b, 0, sizeof *b);
        b->term = s->key;
        b->len = s->len;
        buf_init(&b->ent);
        s->value = w->n_bterms++;
        w->batch_mem += sizeof *b + 2 * sizeof(strmap_slot) + jt->len + 64;
    }
    bterm *b = &w->bterms[s->value];
    rc_t rc = RC_OK;
    size_t before = b->ent.cap;
    /* The room checked here first: buf_reserve() is a call, made for
     * every posting of the batch (a tenth of the merge). */
    if (!buf_has_room(&b->ent, VARINT_MAX + jt->ent_len)) {
        buf_reserve(&b->ent, VARINT_MAX + jt->ent_len, &rc);
        if (rc != RC_OK)
            return err_set(err, rc, "out of memory buffering postings");
    }
    unsigned char *d = b->ent.p + b->ent.len;
    d += varint_put(d, docid - b->last_docid);
    memcpy(d, jt->ent, jt->ent_len);
    b->ent.len = (size_t)(d + jt->ent_len - b->ent.p);
    w->batch_mem += b->ent.cap - before;
    b->last_docid = docid;
    b->n_docs++;
    return RC_OK;
}

/* Terms looked up at once: every lookup goes to memory (the map's slot,
 * the key, the bterm, the end of its entries lie anywhere in tens of MB),
 * and with a window of them in flight the loads overlap instead of
 * waiting one after another (the writer's merge was a tenth of a Reuters
 * build's CPU, nearly all of it waiting for those loads). */
enum { TERM_WINDOW = 16 };

/* The batch entries of a prepared document's terms (see ix_job.terms): per
 * term the docid delta and the entry the worker encoded. */
static rc_t add_postings(ix_writer *w, uint32_t docid, const buf_t *terms, err_t *err)
{
    const unsigned char *p = terms->p, *end = p + terms->len;
    job_term win[TERM_WINDOW];
    while (p < end) {
        size_t n = 0;
        for (; p < end && n < TERM_WINDOW; n++) {
            job_term *jt = &win[n];
            uint32_t len;
            if (!varint_get32(&p, end, &len) || (uint64_t)len + 8 > (uint64_t)(end - p))
                return err_set(err, RC_INTERNAL, "prepared terms are malformed");
            jt->term = (const char *)p;
            jt->len = (size_t)len;
            memcpy(&jt->hash, p + len, 4);
            memcpy(&jt->ent_len, p + len + 4, 4);
            p += len + 8;
            if (jt->ent_len > (uint64_t)(end - p))
                return err_set(err, RC_INTERNAL, "prepared terms are malformed");
            jt->ent = p;
            p += jt->ent_len;
            strmap_prefetch(&w->terms, jt->hash);
        }
        for (size_t i = 0; i < n; i++) {
            const strmap_slot *s = strmap_peek(&w->terms, win[i].hash);
            win[i].bterm = s ? s->value : NO_BTERM;
            if (s) {
                mem_prefetch(s->key);
                mem_prefetch(&w->bterms[s->value]);
            }
        }
        for (size_t i = 0; i < n; i++) {
            if (i + 4 < n && win[i + 4].bterm != NO_BTERM) {
                const bterm *b = &w->bterms[win[i + 4].bterm];
                mem_prefetch(b->ent.p + b->ent.len);
            }
            rc_t rc = add_posting(w, docid, &win[i], err);
            if (rc != RC_OK)
                return rc;
        }
    }
    return RC_OK;
}

/* Give the document a docid and hand it to the pipeline; merge_job() fills
 * its batch entry when the work is done. */
static rc_t reserve_doc(ix_writer *w, const ix_doc *doc, uint64_t hash, strmap_slot *slot,
                        err_t *err)
{
    if (w->base_docid + w->n_bdocs >= UINT32_MAX)
        return err_set(err, RC_FULL, "the index has run out of document ids; rebuild it");
    uint32_t docid = w->base_docid + (uint32_t)w->n_bdocs;
    if (!mem_grow((void **)&w->bdocs, &w->cap_bdocs, w->n_bdocs + 1, sizeof *w->bdocs))
        return err_set(err, RC_NOMEM, "out of memory");
    rc_t rc = pipeline_submit(w->pipe, doc, hash, docid, err);
    if (rc != RC_OK)
        return rc;
    bdoc *b = &w->bdocs[w->n_bdocs];
    memset(b, 0, sizeof *b);
    b->id = slot->key;
    b->id_len = slot->len;
    w->n_bdocs++;
    w->batch_mem += sizeof *b;
    slot->value = (slot->value & ~0xffffffffull) | docid;
    return RC_OK;
}

static rc_t merge_job(ix_writer *w, const ix_job *j, err_t *err)
{
    if (j->rc != RC_OK)
        return err_set(err, j->rc, "%s", j->err.msg);
    bdoc *b = &w->bdocs[j->docid - w->base_docid];
    rc_t rc = add_postings(w, j->docid, &j->terms, err);
    if (rc != RC_OK)
        return rc;
    b->len = j->len;
    if ((j->notes.long_words || j->notes.truncated) && w->opt.on_notes) {
        ix_doc_where at = {j->doc.file, j->doc.line, j->doc.id};
        w->opt.on_notes(w->opt.notes_ctx, &at, &j->notes);
    }
    b->rec_off = w->recs.len;
    b->rec_len = j->rec.len;
    buf_append(&w->recs, j->rec.p, j->rec.len, &rc);
    b->text_off = w->texts.len;
    b->text_len = j->text.len;
    buf_append(&w->texts, j->text.p, j->text.len, &rc);
    if (rc != RC_OK)
        return err_set(err, rc, "out of memory buffering a document");
    w->batch_mem += b->rec_len + b->text_len;
    return RC_OK;
}

/* Merge the oldest job, waiting for it when wait; *merged = 0 when none
 * is queued or (without wait) it is not finished yet. */
static rc_t merge_oldest(ix_writer *w, int wait, int *merged, err_t *err)
{
    ix_job *j = pipeline_oldest(w->pipe, wait);
    *merged = j != NULL;
    if (!j)
        return RC_OK;
    rc_t rc = merge_job(w, j, err);
    pipeline_release(w->pipe);
    return rc;
}

/* Merge finished jobs in order: all of them when all, else those done. */
static rc_t merge_ready(ix_writer *w, int all, err_t *err)
{
    int merged = 1;
    rc_t rc = RC_OK;
    while (rc == RC_OK && merged)
        rc = merge_oldest(w, all, &merged, err);
    return rc;
}

/* The version of an id that this run added earlier is superseded: drop it
 * from the batch, or, if it was already flushed, delete it at commit. */
static rc_t supersede(ix_writer *w, uint32_t docid, err_t *err)
{
    if (docid >= w->base_docid) {
        w->bdocs[docid - w->base_docid].dead = 1;
        return RC_OK;
    }
    if (w->runs)
        return runs_kill(w->runs, docid, err);
    return queue_delete(w, docid, err);
}

/* With sorted runs, the ids map holds the current batch only: the live
 * docid an earlier batch gave id, or 0. */
static rc_t flushed_docid(ix_writer *w, const char *id, size_t len, uint32_t *docid, err_t *err)
{
    *docid = 0;
    if (!w->runs)
        return RC_OK;
    uint32_t d;
    rc_t rc = runs_find_id(w->runs, id, len, XXH3_64bits(id, len), &d, err);
    if (rc == RC_NOTFOUND)
        return RC_OK;
    if (rc == RC_OK && runs_len(w->runs, d) != RUN_DEAD)
        *docid = d;
    return rc;
}

/* The batch's share of the budget: what the sorted runs keep per document
 * counts too, but a quarter always stays for the batch. */
static size_t batch_limit(const ix_writer *w)
{
    size_t held = runs_mem(w->runs), b = w->opt.batch_bytes;
    return held < b / 4 * 3 ? b - held : b / 4;
}

/* Write the buffered batch out and start an empty one, so a run's memory
 * stays bounded by batch_bytes.  Into a new generation, as a sorted run
 * (merge.c); into the live one, into the run's write transaction, which
 * stays open until commit: searchers still see nothing. */
static rc_t flush_batch(ix_writer *w, err_t *err)
{
    rc_t mrc = merge_ready(w, 1, err);
    if (mrc != RC_OK)
        return mrc;
    if (!w->new_gen && !w->wtxn) {
        int r = mdb_txn_begin(w->env.env, NULL, 0, &w->wtxn);
        if (r)
            return writer_mdb_err(w, r, "starting the index transaction", err);
        w->wst = w->st;
    }
    rc_t rc = w->new_gen ? merge_flush(w, err) : commit_batch(w, w->wtxn, &w->wst, err);
    if (rc != RC_OK) {
        if (rc == RC_FULL && w->map_full)
            w->restart_map = w->env.map_size * 2;
        return rc;
    }
    if (w->new_gen) {
        w->wst.next_docid = w->base_docid + w->n_bdocs;
        strmap_clear(&w->ids); /* the runs find earlier ids now */
    }
    for (size_t i = 0; i < w->n_bterms; i++)
        buf_free(&w->bterms[i].ent);
    w->n_bterms = 0;
    strmap_clear(&w->terms);
    w->n_bdocs = 0;
    buf_reset(&w->recs);
    buf_reset(&w->texts);
    w->base_docid = (uint32_t)w->wst.next_docid;
    w->batch_mem = 0;
    w->fresh = 0; /* later batches insert between existing keys */
    return RC_OK;
}

rc_t ix_writer_add(ix_writer *w, const ix_doc *doc, ix_outcome *out, err_t *err)
{
    if (w->sticky != RC_OK || w->committed)
        return fail(w, w->sticky ? w->sticky : RC_INTERNAL, &w->sticky_err, err);
    size_t id_len = doc->id ? strlen(doc->id) : 0;
    if (id_len == 0 || id_len > IX_ID_MAX)
        return err_set(err, RC_BADINPUT, "document id %s (%zu bytes; 1..%d allowed)",
                       id_len ? "too long" : "empty", id_len, IX_ID_MAX);
    /* Checked here, not by the analyzer: analysis may run later, on
     * another thread, when skipping the document is no longer possible. */
    if (doc->title && utf8_valid_prefix(doc->title, doc->title_len) != doc->title_len)
        return err_set(err, RC_BADINPUT, "title is not valid UTF-8 at byte %zu",
                       utf8_valid_prefix(doc->title, doc->title_len));
    if (doc->text && utf8_valid_prefix(doc->text, doc->text_len) != doc->text_len)
        return err_set(err, RC_BADINPUT, "text is not valid UTF-8 at byte %zu",
                       utf8_valid_prefix(doc->text, doc->text_len));
    err_t e;
    err_clear(&e);
    uint64_t hash = doc_hash(doc);
    int added;
    strmap_slot *s = strmap_put(&w->ids, doc->id, id_len, &added);
    if (!s) {
        err_set(&e, RC_NOMEM, "out of memory");
        return fail(w, RC_NOMEM, &e, err);
    }
    ix_outcome outcome = IX_ADDED;
    uint32_t in_batch = IDV_DOCID(s->value);
    if (added && w->new_gen) {
        w->batch_mem += 2 * sizeof *s + id_len + 1;
        rc_t rc = flushed_docid(w, doc->id, id_len, &in_batch, &e);
        if (rc != RC_OK)
            return fail(w, rc, &e, err);
    }
    if (in_batch) {
        /* Same id twice in one run: the last one wins. */
        rc_t rc = supersede(w, in_batch, &e);
        if (rc != RC_OK)
            return fail(w, rc, &e, err);
        s->value &= ~0xffffffffull;
        outcome = IX_DUPLICATE;
    }
    if (!(s->value & IDV_QUEUED)) {
        uint32_t old;
        uint64_t old_hash;
        rc_t rc = lookup_indexed(w, doc->id, id_len, &old, &old_hash, &e);
        if (rc == RC_OK) {
            if (old_hash == hash && !in_batch) {
                s->value |= IDV_SEEN;
                w->run.unchanged++;
                *out = IX_UNCHANGED;
                return RC_OK;
            }
            if ((rc = queue_delete(w, old, &e)) != RC_OK)
                return fail(w, rc, &e, err);
            s->value |= IDV_QUEUED;
            if (outcome == IX_ADDED)
                outcome = IX_REPLACED;
        } else if (rc != RC_NOTFOUND) {
            return fail(w, rc, &e, err);
        }
    }
    rc_t rc = RC_OK;
    int merged;
    while (rc == RC_OK && pipeline_must_take(w->pipe))
        rc = merge_oldest(w, 1, &merged, &e);
    if (rc == RC_OK)
        rc = reserve_doc(w, doc, hash, s, &e);
    if (rc == RC_OK)
        rc = merge_ready(w, 0, &e);
    if (rc != RC_OK)
        return fail(w, rc, &e, err);
    s->value |= IDV_SEEN;
    if (w->batch_mem > batch_limit(w) && (rc = flush_batch(w, &e)) != RC_OK)
        return fail(w, rc, &e, err);
    if (outcome == IX_ADDED)
        w->run.added++;
    else if (outcome == IX_REPLACED)
        w->run.replaced++;
    else
        w->run.duplicates++;
    *out = outcome;
    return RC_OK;
}

rc_t ix_writer_delete(ix_writer *w, const char *id, int *found, err_t *err)
{
    *found = 0;
    if (w->sticky != RC_OK || w->committed)
        return fail(w, w->sticky ? w->sticky : RC_INTERNAL, &w->sticky_err, err);
    size_t len = strlen(id);
    err_t e;
    err_clear(&e);
    int added;
    strmap_slot *s = strmap_put(&w->ids, id, len, &added);
    if (!s) {
        err_set(&e, RC_NOMEM, "out of memory");
        return fail(w, RC_NOMEM, &e, err);
    }
    uint32_t in_batch = IDV_DOCID(s->value);
    if (added) {
        rc_t rc = flushed_docid(w, id, len, &in_batch, &e);
        if (rc != RC_OK)
            return fail(w, rc, &e, err);
    }
    if (in_batch) {
        rc_t rc = supersede(w, in_batch, &e);
        if (rc != RC_OK)
            return fail(w, rc, &e, err);
        *found = 1;
    }
    if (!(s->value & IDV_QUEUED)) {
        uint32_t old;
        uint64_t h;
        rc_t rc = lookup_indexed(w, id, len, &old, &h, &e);
        if (rc == RC_OK) {
            if ((rc = queue_delete(w, old, &e)) != RC_OK)
                return fail(w, rc, &e, err);
            *found = 1;
        } else if (rc != RC_NOTFOUND) {
            return fail(w, rc, &e, err);
        }
    }
    s->value = IDV_QUEUED; /* not in the batch, not seen, indexed version handled */
    if (*found)
        w->run.deleted++;
    return RC_OK;
}

rc_t ix_writer_prune_unseen(ix_writer *w, size_t *n, err_t *err)
{
    *n = 0;
    if (w->sticky != RC_OK || w->committed)
        return fail(w, w->sticky ? w->sticky : RC_INTERNAL, &w->sticky_err, err);
    if (!w->rtxn)
        return RC_OK; /* a new generation: nothing was indexed before */
    MDB_cursor *c;
    int r = mdb_cursor_open(w->rtxn, w->env.ids, &c);
    if (r)
        return env_err(err, r, "listing document ids");
    MDB_val k, v;
    rc_t rc = RC_OK;
    err_t e;
    err_clear(&e);
    for (r = mdb_cursor_get(c, &k, &v, MDB_FIRST); r == 0 && rc == RC_OK;
         r = mdb_cursor_get(c, &k, &v, MDB_NEXT)) {
        strmap_slot *s = strmap_get(&w->ids, k.mv_data, k.mv_size);
        if (s && (s->value & (IDV_SEEN | IDV_QUEUED)))
            continue;
        const unsigned char *p;
        size_t len;
        rc = val_open(v.mv_data, v.mv_size, IX_TAG_ID, "id entry", &p, &len, &e);
        if (rc == RC_OK && len != 4)
            rc = RC_CORRUPT_AT(&e, "id entry has the wrong size");
        if (rc == RC_OK)
            rc = queue_delete(w, u32le_get(p), &e);
        if (rc == RC_OK)
            (*n)++;
    }
    mdb_cursor_close(c);
    if (rc == RC_OK && r != MDB_NOTFOUND)
        rc = env_err(&e, r, "listing document ids");
    if (rc != RC_OK)
        return fail(w, rc, &e, err);
    w->run.deleted += *n;
    return RC_OK;
}

/* Commit when nothing was flushed: the whole run is in memory, so after
 * MDB_MAP_FULL the map is grown and the run replayed. */
static rc_t commit_from_memory(ix_writer *w, err_t *e)
{
    rc_t rc = RC_OK;
    for (int attempt = 0; attempt < 16; attempt++) {
        err_clear(e);
        w->map_full = 0;
        int dead = 0;
        mdb_reader_check(w->env.env, &dead);
        MDB_txn *txn;
        int r = mdb_txn_begin(w->env.env, NULL, 0, &txn);
        if (r) {
            rc = writer_mdb_err(w, r, "starting the index transaction", e);
            if (r == MDB_MAP_RESIZED && mdb_env_set_mapsize(w->env.env, 0) == 0)
                continue;
            return rc;
        }
        ix_meta_stats st = w->st;
        rc = commit_apply(w, txn, &st, e);
        if (rc == RC_OK) {
            r = mdb_txn_commit(txn);
            if (r)
                rc = writer_mdb_err(w, r, "committing the index", e);
        } else {
            mdb_txn_abort(txn);
        }
        if (rc == RC_FULL && w->map_full) {
            /* Nothing was written: grow and replay the batch. */
            if ((rc = env_grow(&w->env, e)) != RC_OK)
                return rc;
            continue;
        }
        if (rc == RC_OK)
            w->st = st;
        return rc;
    }
    return rc;
}

/* Commit after batches were flushed into the open transaction.  A full
 * map cannot be replayed here; the caller reruns the whole run with
 * ix_writer_restart_map_size(). */
static rc_t commit_flushed(ix_writer *w, err_t *e)
{
    err_clear(e);
    int dead = 0;
    mdb_reader_check(w->env.env, &dead);
    ix_meta_stats st = w->wst;
    rc_t rc = commit_apply(w, w->wtxn, &st, e);
    if (rc == RC_OK) {
        int r = mdb_txn_commit(w->wtxn);
        w->wtxn = NULL;
        if (r)
            rc = writer_mdb_err(w, r, "committing the index", e);
    }
    if (rc == RC_FULL && w->map_full)
        w->restart_map = w->env.map_size * 2;
    if (rc == RC_OK)
        w->st = st;
    return rc;
}

rc_t ix_writer_commit(ix_writer *w, ix_run_stats *stats, err_t *err)
{
    if (w->sticky != RC_OK || w->committed)
        return fail(w, w->sticky ? w->sticky : RC_INTERNAL, &w->sticky_err, err);
    if (w->rtxn) {
        mdb_txn_abort(w->rtxn);
        w->rtxn = NULL;
    }
    err_t e;
    err_clear(&e);
    rc_t rc = merge_ready(w, 1, &e);
    if (rc != RC_OK)
        return fail(w, rc, &e, err);
    if (w->runs) {
        /* The last batch joins the runs, then everything is merged. */
        rc = flush_batch(w, &e);
        if (rc == RC_OK && (rc = merge_commit(w, &e)) == RC_FULL && w->map_full)
            w->restart_map = w->env.map_size * 2;
    } else {
        rc = w->wtxn ? commit_flushed(w, &e) : commit_from_memory(w, &e);
    }
    if (rc == RC_OK) {
        w->run.generation = w->st.generation;
        if (w->new_gen) {
            /* The commit's pages go to disk while this thread frees what
             * the run no longer needs (~10 ms for Reuters), not after. */
            env_start_writeback(&w->env);
            release_work(w);
            int r = mdb_env_sync(w->env.env, 1);
            if (r)
                rc = writer_mdb_err(w, r, "syncing the new index generation", &e);
            else
                rc = env_switch(w->env.dir, w->env.gen, &e);
        }
    }
    if (rc != RC_OK) {
        rc = env_explain_write_error(&w->env, rc, &e);
        return fail(w, rc, &e, err);
    }
    w->committed = 1;
    if (stats)
        *stats = w->run;
    return RC_OK;
}

size_t ix_writer_restart_map_size(const ix_writer *w)
{
    return w->restart_map;
}
