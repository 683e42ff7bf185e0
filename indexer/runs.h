/* runs.h - sorted runs of a build into a new generation (runs.c, merge.c).
 * Nothing outside indexer/ sees it.
 *
 * A first build or --rebuild whose documents do not fit in the memory
 * budget writes each full batch out and forgets it: its documents and
 * texts go into the generation's LMDB (docid order, MDB_APPEND, committed
 * every few MB: the generation is not CURRENT yet, so a commit shows nobody
 * anything), its postings (term order) and ids (id order) as a run into
 * one temporary file.  At commit the runs are merged term by term into the
 * final blocks, exactly as one batch holding every document would write
 * them.  The lifecycle: runs_open() at the first flush, merge_flush() per
 * batch, merge_commit() once, runs_close().
 *
 * Memory that stays per document: its length (4 bytes) and, per run, a
 * Bloom filter of its ids (12 bits an id) and the file offset of every
 * RUN_SAMPLE-th id (runs_mem() counts them; the writer takes them out of
 * the batch's budget).  They find the earlier version of an id seen again
 * later in the run ("the last one wins").
 */
#ifndef INDEXER_RUNS_H
#define INDEXER_RUNS_H

#include "writer_int.h"

/* A document's length in the table when a later one took its id. */
#define RUN_DEAD UINT32_MAX

typedef struct {
    uint64_t post_off, ids_off, end;  /* sections [post_off, ids_off), [ids_off, end) */
    uint64_t *samples;                /* offset of every RUN_SAMPLE-th id entry */
    size_t n_samples;
    uint64_t *bloom;                  /* n_bloom bits */
    size_t n_bloom;
} run_info;

struct ix_runs {
    int fd;                 /* the run file, already unlinked */
    uint64_t size;          /* bytes written (out included) */
    buf_t out;              /* not yet written */
    run_info *run;
    size_t n_runs, cap_runs;
    uint32_t **lens;        /* chunks of RUN_LENS_CHUNK lengths, from docid first */
    size_t n_chunks, cap_chunks;
    uint32_t first, end;    /* docids with a length: [first, end) */
    uint32_t *late_dead;    /* docids stored by an earlier flush, then superseded */
    size_t n_late_dead, cap_late_dead;
    size_t mem;             /* bytes held by the above, for the budget */
    buf_t scratch;
};

/* Interface to code in runs.c */
/* Create the run file in dir (unlinked at once: no exit path leaves it
 * behind); documents are numbered from first.  RC_IO, RC_FULL, RC_NOMEM. */
rc_t runs_open(const char *dir, uint32_t first, ix_runs **out, err_t *err);
void runs_close(ix_runs *r);
/* Record the length (or RUN_DEAD) of the next document, docid r->end. */
rc_t runs_push_len(ix_runs *r, uint32_t len, err_t *err);
uint32_t runs_len(const ix_runs *r, uint32_t docid);
/* A document of an earlier run lost its id to a later one. */
rc_t runs_kill(ix_runs *r, uint32_t docid, err_t *err);
/* Bytes of memory the runs hold (per-document tables, filters). */
size_t runs_mem(const ix_runs *r);
/* Append the current batch as a run: its terms in the order of idx (sorted,
 * from commit_sorted_terms()), then the ids of its live documents. */
rc_t runs_write(ix_runs *r, const ix_writer *w, const uint32_t *idx, err_t *err);
/* The docid the newest run gave id (hash = XXH3 of it): RC_OK with *docid,
 * RC_NOTFOUND, RC_IO. */
rc_t runs_find_id(ix_runs *r, const char *id, size_t len, uint64_t hash, uint32_t *docid,
                  err_t *err);
/* Read exactly n bytes at off. */
rc_t runs_pread(const ix_runs *r, void *dst, size_t n, uint64_t off, err_t *err);
/* End of interface */

/* Interface to code in merge.c */
/* Write the current batch out (documents into LMDB, postings and ids as a
 * run), opening the runs first if needed.  The caller empties the batch. */
rc_t merge_flush(ix_writer *w, err_t *err);
/* Flush the last batch, merge the runs into the final postings, terms, ids
 * and lengths, write the statistics and commit.  On RC_OK w->st holds the
 * new statistics.  RC_FULL with w->restart_map set: rerun with a bigger
 * map. */
rc_t merge_commit(ix_writer *w, err_t *err);
/* End of interface */

#endif
