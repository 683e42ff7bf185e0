/* ix.h - the index: documents in, postings in LMDB out; and the read side
 * that the searcher uses.  The on-disk layout is described in format.h.
 *
 * Writer lifecycle (one writer per index, enforced with a lock file):
 *
 *   ix_writer *w;
 *   ix_writer_open(dir, &opt, &w, &err);     // takes DIR/write.lock
 *   ix_writer_add(w, &doc, &outcome, &err);  // repeat; buffered in memory
 *   ix_writer_delete(w, id, &found, &err);   // optional
 *   ix_writer_commit(w, &err);               // ONE LMDB write transaction
 *   ix_writer_close(w);                      // without commit = nothing changes
 *
 * Documents are buffered; when a batch exceeds batch_bytes it is written
 * into the run's single write transaction, which stays open (invisible to
 * searchers) until commit; into a new generation (a first build, rebuild)
 * it is written as a sorted run instead, merged at commit, so the writer's
 * memory stays within mem_bytes at any corpus size.  Nothing is visible
 * before ix_writer_commit(): a
 * run that dies (kill -9, a crash, a full disk) leaves the previous
 * generation as it was.  The writer keeps a sticky error: after a failure
 * every call returns it and commit refuses.  MDB_MAP_FULL while everything
 * is still in memory is handled inside commit (abort, double the map,
 * replay); after a batch was flushed it cannot be replayed, and
 * ix_writer_restart_map_size() tells the caller to run again with a larger
 * map (the index is unchanged).
 *
 * Reader lifecycle (any number of processes, never blocked by the writer):
 *
 *   ix_reader *r;  ix_reader_open(dir, &r, &err);
 *   ix_reader_begin(r, &err);     // a snapshot: one short read transaction
 *   ... ix_reader_stats / ix_term_get / ix_iter_* / ix_doc_* ...
 *   ix_reader_end(r);             // release the snapshot (keep it short)
 *   ix_reader_close(r);
 *
 * Everything a reader function lends (strings, positions) lives until
 * ix_reader_end() unless it says otherwise.
 *
 * A reader belongs to one thread at a time.  For more threads, give each a
 * sibling (ix_reader_sibling): one LMDB environment per process, its own
 * snapshots and caches.  Close the siblings before the reader they came
 * from.
 */
#ifndef INDEXER_IX_H
#define INDEXER_IX_H

#include <stddef.h>
#include <stdint.h>

#include "../analyzers/an.h"
#include "../common/buf.h"
#include "../common/rc.h"
#include "format.h"

/* ------------------------------------------------------------------ */
/* Writing                                                              */
/* ------------------------------------------------------------------ */

typedef struct {
    const char *id, *title, *text, *date, *lang, *source;
    size_t title_len, text_len;
    unsigned flags;          /* CP_DOC_* (recorded, not interpreted) */
    int title_in_text;       /* the title repeats the start of text: index text only */
    const char *charset;     /* may be NULL */
    const char *repair;      /* may be NULL */
    const char *file;        /* where it came from; may be NULL */
    size_t line;             /* its line there (0 = unknown) */
} ix_doc;

/* Where a document came from, for messages about it. */
typedef struct ix_doc_where {
    const char *file;        /* may be NULL */
    size_t line;
    const char *id;
} ix_doc_where;

typedef enum {
    IX_ADDED = 0,      /* new id */
    IX_REPLACED,       /* id existed with other content: replaced */
    IX_UNCHANGED,      /* id existed with the same content: nothing to do */
    IX_DUPLICATE,      /* id was already added earlier in this run: this one wins */
} ix_outcome;

/* What indexing had to leave out of a document (see on_notes). */
typedef struct ix_add_notes {
    uint64_t long_words;       /* words longer than AN_TERM_MAX bytes (not indexed) */
    int truncated;             /* words at positions from max_positions on were
                                  not indexed; the text is stored whole */
} ix_add_notes;

typedef struct {
    an_config analyzer;        /* used for a new index; an existing one keeps its own */
    int rebuild;               /* 1: start a new empty generation */
    double lock_timeout;       /* seconds to wait for another writer; <0 = forever */
    size_t mem_bytes;          /* the writer's memory budget; 0 = IX_DEFAULT_MEM_BYTES */
    size_t batch_bytes;        /* memory for a batch before it is written out;
                                  0 = the share of mem_bytes ix_batch_bytes() gives */
    size_t map_size;           /* initial LMDB map size; 0 = default */
    unsigned threads;          /* analysis threads besides the caller's; 0 = analyze
                                  in ix_writer_add() itself.  The index is the same. */
    uint32_t max_positions;    /* word positions indexed per document; the rest
                                  is stored but not searchable;
                                  0 = IX_DEFAULT_MAX_POSITIONS (format.h) */
    /* Called on the caller's thread, from ix_writer_add() or _commit() (the
     * analysis may run later, on another thread), for each document whose
     * words were partly left out; NULL = not told. */
    void (*on_notes)(void *ctx, const ix_doc_where *where, const ix_add_notes *n);
    void *notes_ctx;
} ix_writer_options;

typedef struct {
    size_t added, replaced, unchanged, deleted;
    size_t duplicates;        /* documents that replaced one added earlier in the run */
    uint64_t generation;
} ix_run_stats;

enum { IX_DEFAULT_MEM_BYTES = 384u << 20, IX_MIN_MEM_BYTES = 48u << 20 };

/* The batch's share of a memory budget of mem bytes (>= IX_MIN_MEM_BYTES). */
size_t ix_batch_bytes(size_t mem);


typedef struct ix_writer ix_writer;

ix_writer_options ix_writer_options_default(void);

/* Open (creating if needed) the index at dir for writing.  Waits up to
 * opt->lock_timeout for another writer.  Returns RC_OK (*out owns the
 * writer), RC_BUSY (another writer kept the lock), RC_IO (dir unusable, not
 * an index), RC_CORRUPT, RC_BADINPUT (index of another format version),
 * RC_NOMEM. */
rc_t ix_writer_open(const char *dir, const ix_writer_options *opt, ix_writer **out, err_t *err);
/* Buffer one document.  Its strings must be valid UTF-8 (the corpus reader
 * guarantees it).  A document whose id is already indexed replaces it (last
 * one wins), unless its content is unchanged.  RC_BADINPUT for an id that is
 * empty or longer than IX_ID_MAX (the document is not added, the writer
 * stays usable); RC_NOMEM is sticky. */
rc_t ix_writer_add(ix_writer *w, const ix_doc *doc, ix_outcome *out, err_t *err);
/* Delete by external id; *found = 0 when there is no such document. */
rc_t ix_writer_delete(ix_writer *w, const char *id, int *found, err_t *err);
/* Mark every indexed document that was not added in this run for deletion
 * (--prune).  *n receives how many. */
rc_t ix_writer_prune_unseen(ix_writer *w, size_t *n, err_t *err);
/* Write everything in one transaction.  RC_OK, RC_FULL (disk full: nothing
 * changed), RC_IO, RC_NOMEM.  After commit the writer can only be closed. */
rc_t ix_writer_commit(ix_writer *w, ix_run_stats *stats, err_t *err);
void ix_writer_close(ix_writer *w);
/* After a failure with RC_FULL: nonzero when the only problem was a full
 * LMDB map after batches had been flushed; close the writer and run again
 * with this map_size (the index was not changed). */
size_t ix_writer_restart_map_size(const ix_writer *w);

/* Copy the live generation into a new, compacted one (space freed by
 * updates is dropped) and switch to it; searchers keep whatever generation
 * they have open.  *before / *after are the used sizes in bytes.  Waits up to
 * lock_timeout for a writer.  RC_OK, RC_BUSY, RC_IO, RC_FULL, RC_CORRUPT. */
rc_t ix_compact(const char *dir, double lock_timeout, uint64_t *before, uint64_t *after,
                err_t *err);

/* ------------------------------------------------------------------ */
/* Reading                                                              */
/* ------------------------------------------------------------------ */

typedef struct {
    uint64_t n_docs;        /* live documents */
    uint64_t total_len;     /* sum of their lengths */
    double avg_len;         /* total_len / n_docs (0 when empty) */
    uint32_t max_docid;     /* docids are < max_docid + 1 */
    uint64_t generation;
    uint64_t last_run;      /* Unix seconds */
    uint64_t n_terms;
} ix_stats;

typedef struct {
    uint32_t df;
    uint64_t cf;
    uint32_t n_blocks;
} ix_term_info;

typedef struct {
    uint32_t docid;
    uint32_t len;           /* tokens */
    uint32_t title_end;     /* positions below this are in the title */
    unsigned flags;
    uint32_t max_pos;       /* with IX_FLAG_TRUNCATED: the position limit used */
    uint64_t hash;
    const char *id, *title, *date, *lang, *source, *charset, *repair, *file;
    size_t id_len, title_len, date_len, lang_len, source_len, charset_len, repair_len, file_len;
} ix_docinfo;

typedef struct ix_reader ix_reader;
typedef struct ix_iter ix_iter;

/* Open the index at dir read-only.  RC_OK, RC_IO (no index there),
 * RC_BADINPUT (other format version), RC_CORRUPT, RC_NOMEM. */
rc_t ix_reader_open(const char *dir, ix_reader **out, err_t *err);
void ix_reader_close(ix_reader *r);
/* Another reader of r's index for another thread (r must have no snapshot
 * open while this runs).  RC_OK, RC_NOMEM, or begin's errors. */
rc_t ix_reader_sibling(ix_reader *r, ix_reader **out, err_t *err);
/* The analyzer configuration the index was built with. */
an_config ix_reader_analyzer_config(const ix_reader *r);

/* Start a snapshot (read transaction).  Cheap; call once per query. */
rc_t ix_reader_begin(ix_reader *r, err_t *err);
void ix_reader_end(ix_reader *r);
/* Statistics of the current snapshot. */
const ix_stats *ix_reader_stats(const ix_reader *r);

/* Dictionary entry of a term.  RC_OK, RC_NOTFOUND, RC_CORRUPT. */
rc_t ix_term_get(ix_reader *r, const char *term, size_t len, ix_term_info *out, err_t *err);
/* Visit the terms starting with prefix, in byte order, until fn returns
 * non-zero or max terms were visited.  *truncated = 1 when more remained. */
rc_t ix_terms_prefix(ix_reader *r, const char *prefix, size_t len, size_t max,
                     int (*fn)(void *ctx, const char *term, size_t len, const ix_term_info *ti),
                     void *ctx, int *truncated, err_t *err);

/* Postings iterator.  Usage:
 *   ix_iter *it;
 *   if (ix_iter_open(r, term, len, &it, &err) == RC_OK) {
 *       for (rc = ix_iter_next(it, &err); rc == RC_OK && !ix_iter_eof(it);
 *            rc = ix_iter_next(it, &err)) { ix_iter_docid(it); ix_iter_tf(it); }
 *       ix_iter_close(it);
 *   }
 * ix_iter_open returns RC_NOTFOUND (*out = NULL) for an unknown term.
 * ix_iter_skip_to(it, d) moves to the first docid >= d (blocks below d are
 * not decoded).  ix_iter_positions lends an array valid until the iterator
 * moves.  Iterators use the reader's snapshot: close them before
 * ix_reader_end(). */
rc_t ix_iter_open(ix_reader *r, const char *term, size_t len, ix_iter **out, err_t *err);
rc_t ix_iter_next(ix_iter *it, err_t *err);
rc_t ix_iter_skip_to(ix_iter *it, uint32_t docid, err_t *err);
/* Back to before the first posting, as if just opened (no lookup; a term's
 * first block, if it is the one decoded, is not decoded again). */
void ix_iter_rewind(ix_iter *it);
/* Bulk reading for scoring every posting of a term: move to the next block
 * (the first after open or rewind) and lend its docids[0..*n) and
 * tfs[0..*n), valid until the iterator moves; *n = 0 at the end.  The
 * iterator is then on the block's last posting (ix_iter_positions() and
 * the other calls see that one).  Usage:
 *   for (rc = ix_iter_next_block(it, &d, &tf, &n, &err); rc == RC_OK && n;
 *        rc = ix_iter_next_block(it, &d, &tf, &n, &err)) { d[0..n), tf[0..n) }
 * RC_OK, RC_CORRUPT, RC_IO. */
rc_t ix_iter_next_block(ix_iter *it, const uint32_t **docids, const uint32_t **tfs, uint32_t *n,
                        err_t *err);
int ix_iter_eof(const ix_iter *it);
uint32_t ix_iter_docid(const ix_iter *it);
uint32_t ix_iter_tf(const ix_iter *it);
rc_t ix_iter_positions(ix_iter *it, const uint32_t **pos, uint32_t *n, err_t *err);
/* Bounds of the current block: largest tf, smallest document length, last
 * docid (for block-max pruning). */
uint32_t ix_iter_block_max_tf(const ix_iter *it);
uint32_t ix_iter_block_min_len(const ix_iter *it);
uint32_t ix_iter_block_last(const ix_iter *it);
const ix_term_info *ix_iter_term_info(const ix_iter *it);
void ix_iter_close(ix_iter *it);

/* Length of a document in tokens (0 when it does not exist).  A damaged
 * lengths block also gives 0 and is remembered: see ix_reader_damage(). */
uint32_t ix_doc_len(ix_reader *r, uint32_t docid);
/* The lengths of the IX_DOC_LEN_GROUP documents from docid rounded down to
 * a multiple of IX_DOC_LEN_GROUP, into out[0..IX_DOC_LEN_GROUP): what
 * ix_doc_len() gives for each (damage included), for one lookup.  For
 * scoring every posting of a term without a call per posting. */
enum { IX_DOC_LEN_GROUP = 256 };
void ix_doc_lens(ix_reader *r, uint32_t docid, uint32_t *out);
/* RC_CORRUPT (with the message) when a function of this snapshot without an
 * error return (ix_doc_len) met damage; else RC_OK.  Check it before
 * trusting results. */
rc_t ix_reader_damage(const ix_reader *r, err_t *err);
/* Record of a document.  RC_OK, RC_NOTFOUND, RC_CORRUPT. */
rc_t ix_doc_get(ix_reader *r, uint32_t docid, ix_docinfo *out, err_t *err);
/* Docid of an external id.  RC_OK, RC_NOTFOUND, RC_CORRUPT. */
rc_t ix_doc_lookup(ix_reader *r, const char *id, size_t len, uint32_t *docid, err_t *err);
/* Body text of a document, decompressed into *out (reset first). */
rc_t ix_doc_text(ix_reader *r, uint32_t docid, buf_t *out, err_t *err);

/* Walk the whole index and check its invariants (--check): every value's
 * checksum, block order, df = postings count, docs <-> ids, stats.  The
 * first problem is returned as RC_CORRUPT with a message; *n_checked counts
 * the values looked at. */
rc_t ix_check(const char *dir, size_t *n_checked, err_t *err);

/* Summary of an index for --stats: fills stats and the size on disk. */
rc_t ix_stat(const char *dir, ix_stats *stats, uint64_t *disk_bytes, char *gen_name,
             size_t gen_name_len, err_t *err);

/* The engine's version ("0.1.0"); a static string. */
const char *ix_engine_version(void);
/* The --version text of PROGRAM into out (NUL-terminated, truncated to
 * cap): engine version, index format, and the ICU, Snowball, LMDB, json-c,
 * zstd and xxHash versions in use.  Several lines, each ending in '\n'. */
void ix_version_describe(const char *program, char *out, size_t cap);

#endif
