/* pipeline.c - the per-document work of indexing (analysis, the document
 * record, the compressed text) on worker threads, handed back to the writer
 * in submission order.
 *
 * Why: analysis (ICU word breaks, folding, stemming) and zstd are two thirds
 * of indexing time and need nothing but the document, while the batch, the
 * docid order and LMDB belong to one thread.  So the writer decides about a
 * document (new, changed, unchanged), reserves its docid, submits a copy
 * here, and merges finished jobs in docid order.  Because the merge order is
 * the submission order, the index is byte for byte the one a single thread
 * writes.
 *
 * Jobs live in a ring.  A worker takes the next unstarted job, a merge
 * takes the oldest finished one; the writer must take before submitting when
 * pipeline_must_take() says the ring (or the bytes it holds) is full.  With
 * no threads, pipeline_submit() does the work at once, in the caller.
 *
 * Tasks are the other kind of work: a numbered series of calls that the
 * writer hands out when it would otherwise keep the workers idle (the
 * commit of a fresh batch encodes its postings this way, encode.c).  The
 * workers take them in order, at most a window ahead of the oldest one the
 * writer has not released, so their results need bounded memory. */
#include <pthread.h>
#include <string.h>
#include <zstd.h>

#include "../common/mem.h"
#include "writer_int.h"

typedef struct {
    ix_pipeline *pipe;
    an_analyzer *an;
    ix_docterms *dt;
    ZSTD_CCtx *zctx;
} worker;

struct ix_pipeline {
    worker *workers;     /* n_threads of them, or one used inline */
    pthread_t *threads;
    size_t n_threads, n_started;
    uint32_t max_pos;    /* word positions indexed per document */
    ix_job *ring;
    size_t cap;
    size_t head;         /* oldest job not released */
    size_t next;         /* next job for a worker */
    size_t tail;         /* next free slot */
    size_t bytes;        /* input bytes held by jobs not released */
    size_t max_bytes;
    int stop;
    size_t idle;         /* workers waiting for a job */
    int waiting;         /* the writer waits for the oldest job */
    pipeline_task_fn task_fn;  /* tasks (pipeline_tasks_start), or NULL */
    void *task_ctx;
    size_t task_n;       /* tasks [0, task_n) */
    size_t task_next;    /* next task nobody has taken */
    size_t task_head;    /* oldest task not released */
    size_t task_window;  /* tasks taken at most this far past task_head */
    size_t task_running; /* taken, not finished */
    unsigned char *task_done;  /* per slot (task % task_window) */
    pthread_mutex_t mu;
    pthread_cond_t work, done;
};

enum { RING_PER_THREAD = 32, JOBS_PER_TAKE = 16, PIPELINE_MAX_BYTES = 64u << 20 };

/* The job's terms for the writer (see ix_job.terms): the entry of each term
 * is already in a batch entry's encoding, so merging appends it whole. */
static void encode_terms(const ix_docterms *dt, buf_t *out, rc_t *prc)
{
    buf_reset(out);
    size_t n = docterms_n(dt);
    for (size_t i = 0; i < n; i++) {
        const char *term;
        size_t len;
        const uint32_t *pos;
        uint32_t n_pos;
        docterms_get(dt, i, &term, &len, &pos, &n_pos);
        buf_reserve(out, 2 * VARINT_MAX + len + 8 + (size_t)n_pos * 5, prc);
        if (*prc != RC_OK)
            return;
        unsigned char *d = out->p + out->len;
        d += varint_put(d, len);
        memcpy(d, term, len);
        d += len;
        uint32_t hash = docterms_hash(dt, i);
        memcpy(d, &hash, 4);
        unsigned char *ent = d + 8;
        d = ent + varint_put(ent, n_pos);
        for (uint32_t j = 0; j < n_pos; j++)
            d += varint_put(d, j ? pos[j] - pos[j - 1] : pos[j]);
        uint32_t ent_len = (uint32_t)(d - ent);
        memcpy(ent - 4, &ent_len, 4);
        out->len = (size_t)(d - out->p);
    }
}

static void job_run(worker *wk, uint32_t max_pos, ix_job *j)
{
    const ix_doc *d = &j->doc;
    err_clear(&j->err);
    uint64_t long_before = an_words_too_long(wk->an);
    int truncated = 0;
    j->rc = docterms_analyze(wk->dt, wk->an, d->lang, d->title, d->title_len, d->title_in_text,
                             d->text, d->text_len, max_pos, &j->len, &j->title_end, &truncated,
                             &j->err);
    j->notes.long_words = an_words_too_long(wk->an) - long_before;
    j->notes.truncated = truncated;
    if (j->rc != RC_OK)
        return;
    rc_t rc = RC_OK;
    encode_terms(wk->dt, &j->terms, &rc);
    docrec_encode(&j->rec, d, j->len, j->title_end, truncated ? max_pos : 0, j->hash, &rc);
    text_encode(wk->zctx, &j->text, d->text ? d->text : "", d->text ? d->text_len : 0, &rc);
    if (rc != RC_OK)
        j->rc = err_set(&j->err, rc, rc == RC_NOMEM ? "out of memory preparing a document"
                                                    : "compressing a document's text failed");
}

/* With p->mu held: may a task be taken now? */
static int task_ready(const ix_pipeline *p)
{
    return p->task_fn && p->task_next < p->task_n && p->task_next < p->task_head + p->task_window;
}

/* With p->mu held, for a task_ready() one: take it, run it unlocked, mark
 * it done, and wake the writer if it waits for tasks. */
static void task_run_next(ix_pipeline *p)
{
    size_t t = p->task_next++;
    p->task_running++;
    pipeline_task_fn fn = p->task_fn;
    void *ctx = p->task_ctx;
    pthread_mutex_unlock(&p->mu);
    fn(ctx, t);
    pthread_mutex_lock(&p->mu);
    p->task_done[t % p->task_window] = 1;
    p->task_running--;
    if (p->waiting)
        pthread_cond_signal(&p->done);
}

static void *worker_main(void *arg)
{
    worker *wk = arg;
    ix_pipeline *p = wk->pipe;
    pthread_mutex_lock(&p->mu);
    for (;;) {
        while (!p->stop && p->next == p->tail && !task_ready(p)) {
            p->idle++;
            pthread_cond_wait(&p->work, &p->mu);
            p->idle--;
        }
        if (p->stop)
            break;
        if (p->next == p->tail) {
            task_run_next(p);
            continue;
        }
        /* A few jobs at a time: one wake-up per document cost more than
         * analyzing a short news item.  16 rather than 8: Reuters took
         * ~2,950 context switches with 8 and 1,700-2,700 with 16, about
         * 3% less wall time (interleaved medians of 13). */
        size_t first = p->next, n = p->tail - p->next;
        if (n > JOBS_PER_TAKE)
            n = JOBS_PER_TAKE;
        p->next += n;
        pthread_mutex_unlock(&p->mu);
        for (size_t i = 0; i < n; i++)
            job_run(wk, p->max_pos, &p->ring[(first + i) % p->cap]);
        pthread_mutex_lock(&p->mu);
        for (size_t i = 0; i < n; i++)
            p->ring[(first + i) % p->cap].done = 1;
        /* Wake the writer only when it waits for one of these. */
        if (p->waiting && p->head >= first && p->head < first + n)
            pthread_cond_signal(&p->done);
    }
    pthread_mutex_unlock(&p->mu);
    return NULL;
}

static rc_t worker_open(worker *wk, const an_config *cfg, err_t *err)
{
    rc_t rc = an_open(cfg, &wk->an, err);
    if (rc != RC_OK)
        return rc;
    wk->zctx = ZSTD_createCCtx();
    if (!wk->zctx || docterms_open(&wk->dt) != RC_OK)
        return err_set(err, RC_NOMEM, "out of memory");
    return RC_OK;
}

rc_t pipeline_open(const an_config *cfg, size_t n_threads, uint32_t max_pos, ix_pipeline **out,
                   err_t *err)
{
    *out = NULL;
    ix_pipeline *p = mem_calloc(1, sizeof *p);
    if (!p)
        return err_set(err, RC_NOMEM, "out of memory");
    p->n_threads = n_threads;
    p->max_pos = max_pos;
    p->cap = n_threads ? RING_PER_THREAD * n_threads : 1;
    p->max_bytes = PIPELINE_MAX_BYTES;
    pthread_mutex_init(&p->mu, NULL);
    pthread_cond_init(&p->work, NULL);
    pthread_cond_init(&p->done, NULL);
    size_t n_workers = n_threads ? n_threads : 1;
    p->workers = mem_calloc(n_workers, sizeof *p->workers);
    p->threads = mem_calloc(n_workers, sizeof *p->threads);
    p->ring = mem_calloc(p->cap, sizeof *p->ring);
    if (!p->workers || !p->threads || !p->ring) {
        pipeline_close(p);
        return err_set(err, RC_NOMEM, "out of memory");
    }
    for (size_t i = 0; i < p->cap; i++) {
        buf_init(&p->ring[i].in);
        buf_init(&p->ring[i].terms);
        buf_init(&p->ring[i].rec);
        buf_init(&p->ring[i].text);
    }
    rc_t rc = RC_OK;
    for (size_t i = 0; i < n_workers && rc == RC_OK; i++)
        rc = worker_open(&p->workers[i], cfg, err);
    for (size_t i = 0; i < n_threads && rc == RC_OK; i++) {
        p->workers[i].pipe = p;
        if (pthread_create(&p->threads[i], NULL, worker_main, &p->workers[i]) != 0) {
            rc = err_set(err, RC_INTERNAL, "cannot start an indexing thread");
            break;
        }
        p->n_started++;
    }
    if (rc != RC_OK) {
        pipeline_close(p);
        return rc;
    }
    *out = p;
    return RC_OK;
}

void pipeline_close(ix_pipeline *p)
{
    if (!p)
        return;
    pthread_mutex_lock(&p->mu);
    p->stop = 1;
    pthread_cond_broadcast(&p->work);
    pthread_mutex_unlock(&p->mu);
    for (size_t i = 0; i < p->n_started; i++)
        pthread_join(p->threads[i], NULL);
    size_t n_workers = p->n_threads ? p->n_threads : 1;
    for (size_t i = 0; p->workers && i < n_workers; i++) {
        an_close(p->workers[i].an);
        docterms_close(p->workers[i].dt);
        ZSTD_freeCCtx(p->workers[i].zctx);
    }
    for (size_t i = 0; p->ring && i < p->cap; i++) {
        buf_free(&p->ring[i].in);
        buf_free(&p->ring[i].terms);
        buf_free(&p->ring[i].rec);
        buf_free(&p->ring[i].text);
    }
    pthread_mutex_destroy(&p->mu);
    pthread_cond_destroy(&p->work);
    pthread_cond_destroy(&p->done);
    mem_free(p->workers);
    mem_free(p->threads);
    mem_free(p->ring);
    mem_free(p->task_done);
    mem_free(p);
}

int pipeline_must_take(const ix_pipeline *p)
{
    size_t held = p->tail - p->head;
    return held == p->cap || (held && p->bytes > p->max_bytes);
}

/* Copy the document's strings into the job: the caller's are reused as soon
 * as it reads the next document. */
static rc_t copy_doc(ix_job *j, const ix_doc *d)
{
    rc_t rc = RC_OK;
    buf_reset(&j->in);
    const char *src[] = {d->id, d->title, d->text, d->date, d->lang, d->source,
                         d->charset, d->repair, d->file};
    size_t lens[9], offs[9];
    for (size_t i = 0; i < 9; i++) {
        lens[i] = !src[i] ? 0 : i == 1 ? d->title_len : i == 2 ? d->text_len : strlen(src[i]);
        offs[i] = j->in.len;
        if (src[i]) {
            buf_append(&j->in, src[i], lens[i], &rc);
            buf_append(&j->in, "", 1, &rc);
        }
    }
    if (rc != RC_OK)
        return rc;
    const char *base = (const char *)j->in.p;
    const char *dst[9];
    for (size_t i = 0; i < 9; i++)
        dst[i] = src[i] ? base + offs[i] : NULL;
    j->doc = *d;
    j->doc.id = dst[0];
    j->doc.title = dst[1];
    j->doc.text = dst[2];
    j->doc.date = dst[3];
    j->doc.lang = dst[4];
    j->doc.source = dst[5];
    j->doc.charset = dst[6];
    j->doc.repair = dst[7];
    j->doc.file = dst[8];
    return RC_OK;
}

rc_t pipeline_submit(ix_pipeline *p, const ix_doc *doc, uint64_t hash, uint32_t docid,
                     err_t *err)
{
    /* Only the submitting thread moves tail, and a slot past head is free. */
    ix_job *j = &p->ring[p->tail % p->cap];
    j->hash = hash;
    j->docid = docid;
    j->done = 0;
    if (!p->n_threads) {
        /* The caller's strings live through this call: no copy. */
        buf_reset(&j->in);
        j->doc = *doc;
        job_run(&p->workers[0], p->max_pos, j);
        j->done = 1;
        p->tail++;
        return RC_OK;
    }
    if (copy_doc(j, doc) != RC_OK)
        return err_set(err, RC_NOMEM, "out of memory buffering a document");
    pthread_mutex_lock(&p->mu);
    p->tail++;
    p->bytes += j->in.len;
    if (p->idle && p->tail - p->next >= JOBS_PER_TAKE)
        pthread_cond_signal(&p->work);
    pthread_mutex_unlock(&p->mu);
    return RC_OK;
}

ix_job *pipeline_oldest(ix_pipeline *p, int wait)
{
    if (p->tail == p->head)
        return NULL;
    ix_job *j = &p->ring[p->head % p->cap];
    if (!p->n_threads)
        return j;
    pthread_mutex_lock(&p->mu);
    while (wait && !j->done) {
        if (p->idle && p->next < p->tail)
            pthread_cond_broadcast(&p->work);
        p->waiting = 1;
        pthread_cond_wait(&p->done, &p->mu);
        p->waiting = 0;
    }
    int done = j->done;
    pthread_mutex_unlock(&p->mu);
    return done ? j : NULL;
}

void pipeline_release(ix_pipeline *p)
{
    ix_job *j = &p->ring[p->head % p->cap];
    pthread_mutex_lock(&p->mu);
    p->bytes -= j->in.len;
    p->head++;
    pthread_mutex_unlock(&p->mu);
}

rc_t pipeline_tasks_start(ix_pipeline *p, pipeline_task_fn fn, void *ctx, size_t n,
                          size_t window, err_t *err)
{
    unsigned char *done = mem_calloc(window, 1);
    if (!done)
        return err_set(err, RC_NOMEM, "out of memory");
    pthread_mutex_lock(&p->mu);
    mem_free(p->task_done);
    p->task_done = done;
    p->task_fn = fn;
    p->task_ctx = ctx;
    p->task_n = n;
    p->task_next = p->task_head = 0;
    p->task_window = window;
    if (p->idle)
        pthread_cond_broadcast(&p->work);
    pthread_mutex_unlock(&p->mu);
    return RC_OK;
}

int pipeline_task_done(ix_pipeline *p, size_t t)
{
    pthread_mutex_lock(&p->mu);
    int done = p->task_done[t % p->task_window];
    pthread_mutex_unlock(&p->mu);
    return done;
}

void pipeline_task_wait(ix_pipeline *p, size_t t)
{
    pthread_mutex_lock(&p->mu);
    /* Rather than sleep, the writer runs the next task nobody has taken:
     * t itself (always so without threads), else a later one.  On a busy
     * machine a sleeping thread waits milliseconds to run again. */
    while (!p->task_done[t % p->task_window]) {
        if (task_ready(p)) {
            task_run_next(p);
            continue;
        }
        p->waiting = 1;
        pthread_cond_wait(&p->done, &p->mu);
        p->waiting = 0;
    }
    pthread_mutex_unlock(&p->mu);
}

void pipeline_task_release(ix_pipeline *p)
{
    pthread_mutex_lock(&p->mu);
    p->task_done[p->task_head % p->task_window] = 0;
    p->task_head++;
    if (p->idle && task_ready(p))
        pthread_cond_signal(&p->work);
    pthread_mutex_unlock(&p->mu);
}

void pipeline_tasks_end(ix_pipeline *p)
{
    pthread_mutex_lock(&p->mu);
    p->task_n = p->task_next; /* nothing more is taken */
    while (p->task_running) {
        p->waiting = 1;
        pthread_cond_wait(&p->done, &p->mu);
        p->waiting = 0;
    }
    p->task_fn = NULL;
    p->task_ctx = NULL;
    pthread_mutex_unlock(&p->mu);
}

size_t pipeline_threads(const ix_pipeline *p)
{
    return p->n_threads;
}
