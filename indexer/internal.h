/* internal.h - interfaces between the files of the indexer module. */
#ifndef INDEXER_INTERNAL_H
#define INDEXER_INTERNAL_H

#include <lmdb.h>
#include <stdint.h>

#include "../common/buf.h"
#include "ix.h"

/* ---- Interface to code in value.c: tagged, checksummed values ---------- */
/* Start a value in b: the tag and room for the checksum.  Returns the
 * offset to pass to val_seal(). */
size_t val_start(buf_t *b, unsigned char tag, rc_t *prc);
/* Write the checksum over everything after it, up to b->len. */
void val_seal(buf_t *b, size_t start);
/* Check tag and checksum of data[0..len); on RC_OK *body, *body_len are the
 * payload after the header.  RC_CORRUPT (with what in the message). */
rc_t val_open(const void *data, size_t len, unsigned char tag, const char *what,
              const unsigned char **body, size_t *body_len, err_t *err);
/* End of interface */

/* A terms value (format.h), encoded by docrec.c. */
typedef struct {
    uint32_t df, n_blocks;
    uint64_t cf;
} term_entry;

/* ---- Interface to code in block.c: postings blocks --------------------- */
typedef struct {
    uint32_t first, last, n, max_tf, min_len;
    buf_t docs;     /* (delta, tf) varint pairs */
    buf_t pos;      /* positions section */
} blk_enc;

void blk_enc_init(blk_enc *e);
void blk_enc_free(blk_enc *e);
void blk_enc_reset(blk_enc *e);
/* Would a document with n_pos positions (encoded in pos_bytes) still fit? */
int blk_enc_fits(const blk_enc *e, size_t pos_bytes);
/* Append a document (docid greater than the last one). */
void blk_enc_add(blk_enc *e, uint32_t docid, uint32_t tf, const unsigned char *pos,
                 size_t pos_bytes, uint32_t doclen, rc_t *prc);
/* The finished value, appended to out. */
void blk_enc_value(const blk_enc *e, buf_t *out, rc_t *prc);
/* Takes a full block (its key is the term's and e->first) somewhere: into
 * LMDB (commit.c) or into a buffer (encode.c). */
typedef rc_t (*blk_put_fn)(void *ctx, const blk_enc *e, err_t *err);
/* Add a document to the term whose blocks e is building.  If it does not
 * fit, the full block goes to put first (te->n_blocks counts it) and a new
 * one starts; te counts df and cf.  The one place that decides where blocks
 * end, so every writer of postings cuts them alike.  RC_NOMEM or put's. */
rc_t blk_enc_posting(blk_enc *e, term_entry *te, uint32_t docid, uint32_t tf,
                     const unsigned char *pos, size_t pos_bytes, uint32_t doclen,
                     blk_put_fn put, void *ctx, err_t *err);

/* A decoded view of one block value (pointers into the value). */
typedef struct {
    uint32_t first, last, n, max_tf, min_len;
    const unsigned char *docs, *docs_end;
    const unsigned char *pos, *pos_end;
} blk_view;

rc_t blk_parse(uint32_t first, const void *val, size_t len, blk_view *v, err_t *err);
/* Decode docids and tfs (arrays of v->n). */
rc_t blk_decode(const blk_view *v, uint32_t *docids, uint32_t *tfs, err_t *err);
/* Position bytes of each document: offsets[i] = start of doc i within
 * v->pos, offsets[n] = end.  Decodes nothing else. */
rc_t blk_pos_offsets(const blk_view *v, const uint32_t *tfs, uint32_t *offsets, err_t *err);
/* Positions of one document: tf varints at p. */
rc_t blk_decode_positions(const unsigned char *p, const unsigned char *end, uint32_t tf,
                          uint32_t *out, err_t *err);
/* The same from *pp, which is moved past them on RC_OK. */
rc_t blk_read_positions(const unsigned char **pp, const unsigned char *end, uint32_t tf,
                        uint32_t *out, err_t *err);
/* p moved past n varints (NULL when [p, end) holds fewer), for skipping
 * the positions of documents nobody asked about. */
const unsigned char *blk_skip_varints(const unsigned char *p, const unsigned char *end, uint64_t n);

/* Keys: term, 0x00, u32be docid. */
size_t blk_key(unsigned char *dst, const char *term, size_t len, uint32_t docid);
/* Position cursor c (on postings) at the block of term that would hold
 * docid: the last block starting at or before it.  Returns 1 with the key,
 * value and the block's first docid; 0 when the term has no such block
 * (*mdb_rc = 0) or LMDB failed (*mdb_rc set). */
int blk_seek(MDB_cursor *c, const char *term, size_t len, uint32_t docid, MDB_val *k, MDB_val *v,
             uint32_t *first, int *mdb_rc);
/* Split a postings key; 0 if malformed. */
int blk_key_split(const MDB_val *k, const char **term, size_t *len, uint32_t *docid);
/* End of interface */

/* ---- Interface to code in env.c: the directory and the LMDB environment - */
typedef struct {
    MDB_env *env;
    MDB_dbi meta, terms, postings, docs, ids, text, doclens;
    char *dir;          /* index directory */
    char *gen;          /* generation directory name ("gen-000001") */
    char *gen_path;     /* dir/gen */
    int lock_fd;        /* write.lock, or -1 */
    int readonly;
    size_t map_size;
    int map_full;       /* the last write of doclens.c failed with MDB_MAP_FULL */
} ix_env;

/* Take DIR/write.lock, waiting up to timeout seconds (< 0: forever). */
rc_t env_lock(const char *dir, double timeout, int *fd, err_t *err);
/* Name of the live generation (readlink DIR/CURRENT); RC_NOTFOUND if none. */
rc_t env_current(const char *dir, char *name, size_t cap, err_t *err);
/* Create a new, empty generation directory; its name in name. */
rc_t env_new_generation(const char *dir, char *name, size_t cap, err_t *err);
/* Point DIR/CURRENT at name atomically and make it durable. */
rc_t env_switch(const char *dir, const char *name, err_t *err);
/* Remove generations other than CURRENT that no process has open. */
void env_remove_unused(const char *dir, const char *keep);
/* Open the environment of generation gen in dir. */
rc_t env_open(ix_env *e, const char *dir, const char *gen, int readonly, int nosync,
              size_t map_size, err_t *err);
/* After a failed write: add the likely cause (disk full, ulimit -f) to
 * err's message; returns RC_FULL when one was found, else rc. */
rc_t env_explain_write_error(ix_env *e, rc_t rc, err_t *err);
/* Grow the map (no transaction may be active in this process). */
rc_t env_grow(ix_env *e, err_t *err);
void env_close(ix_env *e);
/* Take the data file's pages out of the process's resident set (they stay
 * in the page cache); for a writer of a generation nobody reads yet. */
void env_unmap_pages(ix_env *e);
/* Start writing the data file's dirty pages to disk without waiting (Linux;
 * elsewhere nothing), so that a later mdb_env_sync() waits less.  A hint:
 * it reports nothing. */
void env_start_writeback(ix_env *e);
/* LMDB return code to rc_t with a message naming what failed. */
rc_t env_err(err_t *err, int mdb_rc, const char *what);
/* Refuse network file systems, where LMDB locking is unsafe. */
rc_t env_check_local(const char *dir, err_t *err);
/* End of interface */

/* ---- Interface to code in docrec.c: document records and stats --------- */
/* truncated_at: the position limit that cut the document short, or 0. */
void docrec_encode(buf_t *out, const ix_doc *d, uint32_t len, uint32_t title_end,
                   uint32_t truncated_at, uint64_t hash, rc_t *prc);
rc_t docrec_decode(uint32_t docid, const void *val, size_t len, ix_docinfo *out, err_t *err);

typedef struct {
    uint64_t n_docs, total_len, next_docid, generation, last_run, n_terms;
} ix_meta_stats;

void stats_encode(buf_t *out, const ix_meta_stats *s, rc_t *prc);
rc_t stats_decode(const void *val, size_t len, ix_meta_stats *s, err_t *err);

/* The value, appended to out. */
void term_encode(buf_t *out, const term_entry *t, rc_t *prc);
rc_t term_decode(const void *val, size_t len, term_entry *t, err_t *err);

/* meta "analyzer" text for a configuration, and back. */
void analyzer_describe(const an_config *c, char *out, size_t cap);
rc_t analyzer_parse(const char *s, size_t len, an_config *c, err_t *err);
/* Read format version, analyzer config and stats in txn. */
rc_t meta_read(ix_env *e, MDB_txn *txn, an_config *cfg, ix_meta_stats *st, err_t *err);
/* End of interface */

/* ---- Interface to code in indexing.c: one document to terms ------------- */
typedef struct ix_docterms ix_docterms;
/* Collects the terms of one document: per term its positions, in order. */
rc_t docterms_open(ix_docterms **out);
void docterms_close(ix_docterms *dt);
/* Analyze title (unless skip_title) and text; afterwards docterms_n() terms
 * are available and *len / *title_end are set.  Words at positions from
 * max_pos on are left out and *truncated set (analysis stops there). */
rc_t docterms_analyze(ix_docterms *dt, an_analyzer *an, const char *lang, const char *title,
                      size_t title_len, int skip_title, const char *text, size_t text_len,
                      uint32_t max_pos, uint32_t *len, uint32_t *title_end, int *truncated,
                      err_t *err);
size_t docterms_n(const ix_docterms *dt);
/* Term i: its bytes and its positions. */
void docterms_get(const ix_docterms *dt, size_t i, const char **term, size_t *term_len,
                  const uint32_t **pos, uint32_t *n_pos);
/* Term i's strmap_hash(), known from the document's table. */
uint32_t docterms_hash(const ix_docterms *dt, size_t i);
/* End of interface */

/* ---- Interface to code in text.c: stored body text --------------------- */
/* zctx: a ZSTD_CCtx to reuse (or NULL). */
void text_encode(void *zctx, buf_t *out, const char *text, size_t len, rc_t *prc);
rc_t text_decode(const void *val, size_t len, buf_t *out, err_t *err);
/* End of interface */

/* ---- Interface to code in doclens.c ------------------------------------ */
/* Set the length of docid in the doclens database (read-modify-write). */
rc_t doclens_set(ix_env *e, MDB_txn *txn, uint32_t docid, uint32_t len, err_t *err);
/* Read one block: lens[IX_DOCLEN_BLOCK], zero-filled when absent. */
rc_t doclens_read_block(ix_env *e, MDB_txn *txn, uint32_t block, uint32_t *lens, err_t *err);
rc_t doclens_write_block(ix_env *e, MDB_txn *txn, uint32_t block, const uint32_t *lens,
                         unsigned flags, err_t *err);
/* End of interface */

/* ---- Interface to code in reader.c, for iter.c and check.c ----------- */
/* The reader's transaction while a snapshot is active, else NULL. */
MDB_txn *ix_reader_txn(ix_reader *r);
ix_env *ix_reader_env(ix_reader *r);
/* End of interface */

#endif
