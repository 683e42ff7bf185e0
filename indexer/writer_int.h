/* writer_int.h - the writer's state, shared by writer.c (buffering) and
 * commit.c (the one write transaction).  Nothing outside indexer/ sees it. */
#ifndef INDEXER_WRITER_INT_H
#define INDEXER_WRITER_INT_H

#include "../common/strmap.h"
#include "internal.h"

/* A term of the batch: its postings as a byte string of entries
 *   varint docid delta, varint tf, tf varints of positions (first, deltas)
 * in docid order.  Positions are stored exactly as a block wants them, so a
 * commit copies them without decoding. */
typedef struct {
    const char *term;   /* key owned by writer.terms */
    uint32_t len;
    uint32_t last_docid;
    uint32_t n_docs;
    buf_t ent;
} bterm;

/* A batch_lens() entry: the document was replaced or deleted later in the
 * same run. */
#define LEN_DEAD UINT32_MAX

/* The next live entry of a bterm's ent from *p (before end): 1 with its
 * docid (*docid holds the previous one, 0 at first), tf, positions and the
 * document's length from lens (batch_lens(), from docid base on); 0 at the
 * end; -1 when the entries are malformed. */
static inline int bterm_next(const unsigned char **p, const unsigned char *end,
                             const uint32_t *lens, uint32_t base, uint32_t *docid,
                             uint32_t *tf, const unsigned char **pos, size_t *pos_bytes,
                             uint32_t *doclen)
{
    const unsigned char *q = *p;
    while (q < end) {
        uint32_t delta;
        if (!varint_get32(&q, end, &delta) || !varint_get32(&q, end, tf))
            return -1;
        *docid += delta;
        *pos = q;
        /* Positions are copied, not decoded. */
        if (!(q = blk_skip_varints(q, end, *tf)))
            return -1;
        *pos_bytes = (size_t)(q - *pos);
        *doclen = lens[*docid - base];
        if (*doclen != LEN_DEAD) {
            *p = q;
            return 1;
        }
    }
    *p = q;
    return 0;
}

/* A document of the batch. */
typedef struct {
    uint32_t len;
    int dead;              /* replaced or deleted later in the same run */
    size_t rec_off, rec_len;
    size_t text_off, text_len;
    const char *id;        /* key owned by writer.ids */
    uint32_t id_len;
} bdoc;

/* writer.ids values: the docid this run gave the id (0 = none) in the low
 * 32 bits, and flags. */
#define IDV_DOCID(v) ((uint32_t)((v) & 0xffffffffu))
#define IDV_QUEUED (1ull << 32)   /* the indexed version is queued for deletion */
#define IDV_SEEN (1ull << 33)     /* present in this run's input (for --prune) */

/* One document on its way through the pipeline (pipeline.c). */
typedef struct {
    buf_t in;              /* copies of the document's strings */
    ix_doc doc;            /* pointing into in (or the caller's, inline) */
    uint64_t hash;
    uint32_t docid;        /* reserved by the writer */
    rc_t rc;               /* results, valid once done */
    err_t err;
    uint32_t len, title_end;
    ix_add_notes notes;    /* words left out */
    buf_t terms;           /* per term: varint len, bytes, then in native byte order u32
                            * strmap_hash and u32 entry length, then the entry
                            * (varint tf, tf position varints) */
    buf_t rec, text;       /* the docs and text values */
    int done;
} ix_job;

typedef struct ix_pipeline ix_pipeline;
typedef struct ix_runs ix_runs;

/* Interface to code in pipeline.c.  n_threads 0 runs each job inside
 * pipeline_submit().  The caller owns every call but the workers' own. */
rc_t pipeline_open(const an_config *cfg, size_t n_threads, uint32_t max_pos, ix_pipeline **out,
                   err_t *err);
void pipeline_close(ix_pipeline *p);
/* Nonzero when pipeline_submit() needs a slot freed first. */
int pipeline_must_take(const ix_pipeline *p);
/* Copies doc (unless inline) and queues it. */
rc_t pipeline_submit(ix_pipeline *p, const ix_doc *doc, uint64_t hash, uint32_t docid,
                     err_t *err);
/* The oldest job if it is finished (waiting for it when wait), else NULL;
 * NULL too when nothing is queued.  Valid until pipeline_release(). */
ix_job *pipeline_oldest(ix_pipeline *p, int wait);
void pipeline_release(ix_pipeline *p);
/* Tasks: fn(ctx, t) for t in [0, n), each once, on the workers (and on the
 * writer, see pipeline_task_wait()); a worker takes task t only when t <
 * the oldest unreleased task + window, and only when no job is queued.
 * fn may not call back into the pipeline; what it shares with the writer
 * it must only read.  The protocol, on the writer:
 *     pipeline_tasks_start(p, fn, ctx, n, window, err);
 *     for (t = 0; t < n && ok; t++) {
 *         pipeline_task_wait(p, t);   ... use task t's result ...
 *         pipeline_task_release(p);
 *     }
 *     pipeline_tasks_end(p);          (also after stopping early)
 * Start returns RC_OK or RC_NOMEM; ctx must outlive pipeline_tasks_end(). */
typedef void (*pipeline_task_fn)(void *ctx, size_t t);
rc_t pipeline_tasks_start(ix_pipeline *p, pipeline_task_fn fn, void *ctx, size_t n,
                          size_t window, err_t *err);
/* Nonzero when task t is done. */
int pipeline_task_done(ix_pipeline *p, size_t t);
/* Until task t (the oldest unreleased) is done, running tasks no worker
 * has taken yet (t or later ones) here meanwhile. */
void pipeline_task_wait(ix_pipeline *p, size_t t);
/* The oldest task's result is used up: its slot of the window is free. */
void pipeline_task_release(ix_pipeline *p);
/* Take no more tasks and wait for those running. */
void pipeline_tasks_end(ix_pipeline *p);
/* Worker threads (0: everything runs on the caller's). */
size_t pipeline_threads(const ix_pipeline *p);
/* End of interface to pipeline.c */

struct ix_writer {
    ix_env env;
    ix_writer_options opt;
    an_analyzer *an;
    ix_docterms *dt;         /* for deletions (commit.c) */
    ix_pipeline *pipe;
    ix_meta_stats st;        /* as found at open */
    int fresh;               /* the generation started empty */
    int new_gen;             /* the generation is not CURRENT yet */
    int committed;
    int map_full;            /* the last LMDB failure was MDB_MAP_FULL */
    MDB_txn *rtxn;           /* snapshot for lookups while buffering */
    strmap terms;            /* term -> index in bterms */
    bterm *bterms;
    size_t n_bterms, cap_bterms;
    bdoc *bdocs;
    size_t n_bdocs, cap_bdocs;
    uint32_t base_docid;     /* docid of bdocs[0] */
    size_t batch_mem;        /* bytes buffered in the current batch */
    MDB_txn *wtxn;           /* the run's write transaction, once a batch was flushed */
    ix_runs *runs;           /* new generation: batches flushed as sorted runs (runs.h) */
    size_t bulk_dirty;       /* bytes put in wtxn since its last commit (merge.c) */
    ix_meta_stats wst;       /* statistics inside wtxn */
    size_t restart_map;      /* map full after a flush: rerun with this map size */
    buf_t recs, texts;       /* encoded docs records and text values */
    strmap ids;              /* external id -> IDV_* */
    uint32_t *deletes;       /* indexed docids to delete */
    size_t n_deletes, cap_deletes;
    rc_t sticky;
    err_t sticky_err;
    buf_t scratch, scratch2;
    void *zctx;              /* ZSTD_CCtx for stored texts */
    ix_run_stats run;
};

/* Interface to code in commit.c, besides the two above. */
/* The batch's document lengths, LEN_DEAD for the dead, indexed by docid -
 * base_docid; NULL when out of memory (the caller frees it). */
uint32_t *commit_batch_lens(const ix_writer *w);
/* The batch's terms in key order: *out holds n_bterms indexes into
 * w->bterms (the caller frees it).  RC_NOMEM. */
rc_t commit_sorted_terms(ix_writer *w, uint32_t **out, err_t *err);
/* Add one document to the term whose blocks enc is building, first writing
 * the block out (put_flags) if the document does not fit; te counts.  The
 * batch commit and the merge of sorted runs (merge.c) both write postings
 * through it, which is why they cut blocks alike. */
rc_t commit_posting(ix_writer *w, MDB_txn *txn, const char *term, size_t len, blk_enc *enc,
                    term_entry *te, unsigned put_flags, uint32_t docid, uint32_t tf,
                    const unsigned char *pos, size_t pos_bytes, uint32_t doclen, err_t *err);
/* Write the term's last block and its dictionary entry. */
rc_t commit_term_close(ix_writer *w, MDB_txn *txn, const char *term, size_t len,
                       const blk_enc *enc, term_entry *te, unsigned put_flags, err_t *err);
/* The run's statistics record (generation and time of this run) in txn. */
rc_t commit_stats(ix_writer *w, MDB_txn *txn, ix_meta_stats *st, err_t *err);
/* End of interface */

/* Interface to code in encode.c: a fresh batch's postings (no indexed
 * terms to merge with), encoded in chunks on the pipeline's workers and put
 * by the writer in key order.
 *     encode_start(w, idx, lens, &e, err);
 *     for (t = 0; t < encode_chunks(e) && ok; t++)
 *         ok = encode_put(e, t, txn, st, err) == RC_OK;
 *     encode_close(e);
 * idx (commit_sorted_terms()) and lens (commit_batch_lens()) are lent
 * until encode_close(); so is the batch, which nobody may change until
 * then.  encode_start: RC_OK or RC_NOMEM. */
typedef struct ix_encoder ix_encoder;
rc_t encode_start(ix_writer *w, const uint32_t *idx, const uint32_t *lens, ix_encoder **out,
                  err_t *err);
size_t encode_chunks(const ix_encoder *e);
/* Nonzero when chunk t is encoded (encode_put() would not wait). */
int encode_ready(ix_encoder *e, size_t t);
/* Put chunk t (the next one), waiting for it; counts its new terms in
 * st->n_terms.  Returns what LMDB or the encoding failed with. */
rc_t encode_put(ix_encoder *e, size_t t, MDB_txn *txn, ix_meta_stats *st, err_t *err);
/* Waits for the workers still encoding; NULL is a no-op. */
void encode_close(ix_encoder *e);
/* End of interface */

/* commit.c: write the current batch (documents and postings) in txn. */
rc_t commit_batch(ix_writer *w, MDB_txn *txn, ix_meta_stats *st, err_t *err);
/* commit.c: deletions, the current batch and the stats record in txn.
 * RC_FULL with w->map_full set means "grow the map and call again". */
rc_t commit_apply(ix_writer *w, MDB_txn *txn, ix_meta_stats *st, err_t *err);
/* Record an LMDB failure (noting MAP_FULL) and translate it. */
rc_t writer_mdb_err(ix_writer *w, int r, const char *what, err_t *err);
/* The result of a doclens.c write: note MAP_FULL as writer_mdb_err() does. */
rc_t writer_lens_rc(ix_writer *w, rc_t rc);

#endif
