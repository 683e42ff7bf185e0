/* runs.c - the run file of a build that does not fit in memory (runs.h):
 * writing a batch as a run, the per-document lengths, and finding the
 * earlier version of a duplicate id among the runs.
 *
 * One file holds every run, one after the other, in the generation
 * directory: it is on the disk that will hold the index anyway (TMPDIR may
 * be a small tmpfs, i.e. memory), and a crash before the unlink leaves it
 * inside a generation that nobody references, which the next writer
 * removes whole.  A run is
 *   postings section: per term, in key order: varint term length, term,
 *     varint n, then n bytes of batch entries (writer_int.h, bterm: docid
 *     delta from 0, tf, positions), every document of the batch included;
 *   ids section: per live document, in key order: varint id length, id,
 *     u32le docid.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <xxhash.h>

#include "../common/mem.h"
#include "runs.h"

enum {
    RUN_LENS_CHUNK = 1 << 16,  /* lengths per chunk (256 KB) */
    RUN_SAMPLE = 32,           /* ids between two remembered offsets */
    RUN_BLOOM_BITS = 12,       /* per id: 0.3 % false positives with 8 probes */
    RUN_BLOOM_PROBES = 8,
    RUN_OUT_BYTES = 1 << 20,   /* write buffer */
};

rc_t runs_open(const char *dir, uint32_t first, ix_runs **out, err_t *err)
{
    *out = NULL;
    ix_runs *r = mem_calloc(1, sizeof *r);
    size_t n = strlen(dir) + 32;
    char *path = mem_alloc(n);
    if (!r || !path) {
        mem_free(r);
        mem_free(path);
        return err_set(err, RC_NOMEM, "out of memory");
    }
    snprintf(path, n, "%s/runs-XXXXXX", dir);
    r->fd = mkstemp(path);
    if (r->fd < 0) {
        int e = errno;
        rc_t rc = err_set(err, e == ENOSPC ? RC_FULL : RC_IO, "%s: cannot create: %s", path,
                          strerror(e));
        mem_free(path);
        mem_free(r);
        return rc;
    }
    unlink(path);
    mem_free(path);
    buf_init(&r->out);
    buf_init(&r->scratch);
    r->first = r->end = first;
    *out = r;
    return RC_OK;
}

void runs_close(ix_runs *r)
{
    if (!r)
        return;
    close(r->fd);
    for (size_t i = 0; i < r->n_runs; i++) {
        mem_free(r->run[i].samples);
        mem_free(r->run[i].bloom);
    }
    mem_free(r->run);
    for (size_t i = 0; i < r->n_chunks; i++)
        mem_free(r->lens[i]);
    mem_free(r->lens);
    mem_free(r->late_dead);
    buf_free(&r->out);
    buf_free(&r->scratch);
    mem_free(r);
}

size_t runs_mem(const ix_runs *r)
{
    return r ? r->mem : 0;
}

rc_t runs_push_len(ix_runs *r, uint32_t len, err_t *err)
{
    size_t i = r->end - r->first;
    if (i % RUN_LENS_CHUNK == 0) {
        uint32_t *c = mem_alloc(RUN_LENS_CHUNK * sizeof *c);
        if (!c || !mem_grow((void **)&r->lens, &r->cap_chunks, r->n_chunks + 1, sizeof *r->lens)) {
            mem_free(c);
            return err_set(err, RC_NOMEM, "out of memory");
        }
        r->lens[r->n_chunks++] = c;
        r->mem += RUN_LENS_CHUNK * sizeof *c;
    }
    r->lens[i / RUN_LENS_CHUNK][i % RUN_LENS_CHUNK] = len;
    r->end++;
    return RC_OK;
}

uint32_t runs_len(const ix_runs *r, uint32_t docid)
{
    size_t i = docid - r->first;
    return r->lens[i / RUN_LENS_CHUNK][i % RUN_LENS_CHUNK];
}

rc_t runs_kill(ix_runs *r, uint32_t docid, err_t *err)
{
    if (!mem_grow((void **)&r->late_dead, &r->cap_late_dead, r->n_late_dead + 1,
                  sizeof *r->late_dead))
        return err_set(err, RC_NOMEM, "out of memory");
    r->late_dead[r->n_late_dead++] = docid;
    r->mem += sizeof *r->late_dead;
    size_t i = docid - r->first;
    r->lens[i / RUN_LENS_CHUNK][i % RUN_LENS_CHUNK] = RUN_DEAD;
    return RC_OK;
}

static rc_t out_flush(ix_runs *r, err_t *err)
{
    const unsigned char *p = r->out.p;
    size_t n = r->out.len;
    while (n) {
        ssize_t k = write(r->fd, p, n);
        if (k < 0 && errno == EINTR)
            continue;
        if (k <= 0) {
            int e = k < 0 ? errno : ENOSPC;
            return err_set(err, e == ENOSPC || e == EDQUOT || e == EFBIG ? RC_FULL : RC_IO,
                           "writing a sorted run of the index: %s", strerror(e));
        }
        p += k;
        n -= (size_t)k;
    }
    buf_reset(&r->out);
    return RC_OK;
}

static rc_t out_put(ix_runs *r, const void *p, size_t n, err_t *err)
{
    rc_t rc = RC_OK;
    if (r->out.len + n > RUN_OUT_BYTES && r->out.len && (rc = out_flush(r, err)) != RC_OK)
        return rc;
    buf_append(&r->out, p, n, &rc);
    if (rc != RC_OK)
        return err_set(err, rc, "out of memory");
    r->size += n;
    return RC_OK;
}

static rc_t out_varint(ix_runs *r, uint64_t v, err_t *err)
{
    unsigned char b[VARINT_MAX];
    return out_put(r, b, varint_put(b, v), err);
}

static void bloom_probes(uint64_t hash, size_t n_bits, size_t *bit)
{
    uint32_t h1 = (uint32_t)hash, h2 = (uint32_t)(hash >> 32) | 1;
    for (uint32_t i = 0; i < RUN_BLOOM_PROBES; i++)
        bit[i] = (size_t)((h1 + (uint64_t)i * h2) % n_bits);
}

static int cmp_ids(const void *x, const void *y)
{
    const bdoc *a = *(const bdoc *const *)x, *b = *(const bdoc *const *)y;
    int c = memcmp(a->id, b->id, a->id_len < b->id_len ? a->id_len : b->id_len);
    return c ? c : (a->id_len > b->id_len) - (a->id_len < b->id_len);
}

/* The ids section of the batch, with the run's filter and samples. */
static rc_t write_ids(ix_runs *r, run_info *ri, const ix_writer *w, err_t *err)
{
    const bdoc **live = mem_alloc((w->n_bdocs ? w->n_bdocs : 1) * sizeof *live);
    if (!live)
        return err_set(err, RC_NOMEM, "out of memory");
    size_t n = 0;
    for (size_t i = 0; i < w->n_bdocs; i++)
        if (!w->bdocs[i].dead)
            live[n++] = &w->bdocs[i];
    qsort(live, n, sizeof *live, cmp_ids);
    ri->n_bloom = (n * RUN_BLOOM_BITS + 63) / 64 * 64;
    if (!ri->n_bloom)
        ri->n_bloom = 64;
    ri->n_samples = (n + RUN_SAMPLE - 1) / RUN_SAMPLE;
    ri->bloom = mem_calloc(ri->n_bloom / 64, sizeof *ri->bloom);
    ri->samples = mem_alloc((ri->n_samples ? ri->n_samples : 1) * sizeof *ri->samples);
    if (!ri->bloom || !ri->samples) {
        mem_free(live);
        return err_set(err, RC_NOMEM, "out of memory");
    }
    r->mem += ri->n_bloom / 8 + ri->n_samples * sizeof *ri->samples;
    rc_t rc = RC_OK;
    for (size_t i = 0; i < n && rc == RC_OK; i++) {
        const bdoc *b = live[i];
        size_t bit[RUN_BLOOM_PROBES];
        bloom_probes(XXH3_64bits(b->id, b->id_len), ri->n_bloom, bit);
        for (size_t j = 0; j < RUN_BLOOM_PROBES; j++)
            ri->bloom[bit[j] / 64] |= 1ull << (bit[j] % 64);
        if (i % RUN_SAMPLE == 0)
            ri->samples[i / RUN_SAMPLE] = r->size;
        uint32_t docid = w->base_docid + (uint32_t)(b - w->bdocs);
        unsigned char d[4] = {(unsigned char)docid, (unsigned char)(docid >> 8),
                              (unsigned char)(docid >> 16), (unsigned char)(docid >> 24)};
        if ((rc = out_varint(r, b->id_len, err)) == RC_OK &&
            (rc = out_put(r, b->id, b->id_len, err)) == RC_OK)
            rc = out_put(r, d, 4, err);
    }
    mem_free(live);
    return rc;
}

rc_t runs_write(ix_runs *r, const ix_writer *w, const uint32_t *idx, err_t *err)
{
    if (!mem_grow((void **)&r->run, &r->cap_runs, r->n_runs + 1, sizeof *r->run))
        return err_set(err, RC_NOMEM, "out of memory");
    run_info *ri = &r->run[r->n_runs];
    memset(ri, 0, sizeof *ri);
    r->n_runs++; /* counted now, so runs_close() frees what write_ids allocates */
    ri->post_off = r->size;
    rc_t rc = RC_OK;
    for (size_t i = 0; i < w->n_bterms && rc == RC_OK; i++) {
        const bterm *t = &w->bterms[idx[i]];
        if ((rc = out_varint(r, t->len, err)) == RC_OK &&
            (rc = out_put(r, t->term, t->len, err)) == RC_OK &&
            (rc = out_varint(r, t->ent.len, err)) == RC_OK)
            rc = out_put(r, t->ent.p, t->ent.len, err);
    }
    ri->ids_off = r->size;
    if (rc == RC_OK)
        rc = write_ids(r, ri, w, err);
    if (rc == RC_OK)
        rc = out_flush(r, err);
    ri->end = r->size;
    return rc;
}

rc_t runs_pread(const ix_runs *r, void *dst, size_t n, uint64_t off, err_t *err)
{
    unsigned char *p = dst;
    while (n) {
        ssize_t k = pread(r->fd, p, n, (off_t)off);
        if (k < 0 && errno == EINTR)
            continue;
        if (k <= 0)
            return err_set(err, RC_IO, "reading a sorted run of the index: %s",
                           k < 0 ? strerror(errno) : "file too short");
        p += k;
        off += (uint64_t)k;
        n -= (size_t)k;
    }
    return RC_OK;
}

/* The id entry at *off (advanced past it) of a section ending at end:
 * bytes lent from r->scratch until the next call. */
static rc_t read_id(ix_runs *r, uint64_t *off, uint64_t end, const unsigned char **id,
                    size_t *len, uint32_t *docid, err_t *err)
{
    size_t want = end - *off < IX_ID_MAX + VARINT_MAX + 4 ? (size_t)(end - *off)
                                                           : IX_ID_MAX + VARINT_MAX + 4;
    rc_t rc = RC_OK;
    buf_reset(&r->scratch);
    buf_reserve(&r->scratch, want, &rc);
    if (rc != RC_OK)
        return err_set(err, rc, "out of memory");
    if ((rc = runs_pread(r, r->scratch.p, want, *off, err)) != RC_OK)
        return rc;
    const unsigned char *p = r->scratch.p, *e = p + want;
    uint64_t n;
    if (!varint_get(&p, e, &n) || n > IX_ID_MAX || n + 4 > (uint64_t)(e - p))
        return err_set(err, RC_INTERNAL, "a sorted run of the index is malformed");
    *id = p;
    *len = (size_t)n;
    *docid = u32le_get(p + n);
    *off += (uint64_t)(p + n + 4 - r->scratch.p);
    return RC_OK;
}

static int cmp_id(const unsigned char *a, size_t an, const char *b, size_t bn)
{
    int c = memcmp(a, b, an < bn ? an : bn);
    return c ? c : (an > bn) - (an < bn);
}

/* Look id up in one run: binary search over the samples, then a scan of
 * at most RUN_SAMPLE entries. */
static rc_t find_in_run(ix_runs *r, const run_info *ri, const char *id, size_t len,
                        uint32_t *docid, err_t *err)
{
    size_t lo = 0, hi = ri->n_samples; /* the answer is in the sample before hi */
    const unsigned char *got;
    size_t got_len;
    uint32_t d;
    rc_t rc;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        uint64_t off = ri->samples[mid];
        if ((rc = read_id(r, &off, ri->end, &got, &got_len, &d, err)) != RC_OK)
            return rc;
        int c = cmp_id(got, got_len, id, len);
        if (c == 0) {
            *docid = d;
            return RC_OK;
        }
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    if (lo == 0)
        return RC_NOTFOUND;
    uint64_t off = ri->samples[lo - 1];
    uint64_t stop = lo < ri->n_samples ? ri->samples[lo] : ri->end;
    while (off < stop) {
        if ((rc = read_id(r, &off, stop, &got, &got_len, &d, err)) != RC_OK)
            return rc;
        int c = cmp_id(got, got_len, id, len);
        if (c == 0) {
            *docid = d;
            return RC_OK;
        }
        if (c > 0)
            break;
    }
    return RC_NOTFOUND;
}

rc_t runs_find_id(ix_runs *r, const char *id, size_t len, uint64_t hash, uint32_t *docid,
                  err_t *err)
{
    for (size_t i = r->n_runs; i-- > 0;) {
        const run_info *ri = &r->run[i];
        size_t bit[RUN_BLOOM_PROBES], j = 0;
        bloom_probes(hash, ri->n_bloom, bit);
        while (j < RUN_BLOOM_PROBES && (ri->bloom[bit[j] / 64] >> (bit[j] % 64) & 1))
            j++;
        if (j < RUN_BLOOM_PROBES)
            continue;
        rc_t rc = find_in_run(r, ri, id, len, docid, err);
        if (rc != RC_NOTFOUND)
            return rc;
    }
    return RC_NOTFOUND;
}
