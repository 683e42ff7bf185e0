/* format.h - the on-disk format of an index, in prose, before any code.
 *
 * Overview
 * ========
 * An index is a directory:
 *
 *   DIR/CURRENT        symbolic link to the live generation, e.g. "gen-000003"
 *   DIR/gen-NNNNNN/    one LMDB environment (data.mdb, lock.mdb)
 *   DIR/write.lock     flock()ed by the one writer; never holds data
 *
 * Searchers open DIR/CURRENT.  Ordinary updates happen in place, in the live
 * generation, as ONE LMDB write transaction per indexer run: readers see the
 * old state or the new one, never a mix.  A rebuild (--rebuild, or the first
 * build) and a compaction write a new generation directory and then switch
 * CURRENT with rename(2) of a new symlink over it, then fsync DIR.  Readers
 * that still have the old generation open keep using it; the next writer
 * removes generations that no reader has open.
 *
 * Inside the environment there are named LMDB databases (MDB_maxdbs = 8):
 *
 *   meta      small named records (keys are ASCII names)
 *   terms     term dictionary: term -> df, cf
 *   postings  term, first docid -> a block of postings
 *   docs      docid -> document record (external id, title, metadata)
 *   ids       external id -> docid
 *   text      docid -> zstd-compressed body text (for snippets and updates)
 *   doclens   docid / IX_DOCLEN_BLOCK -> array of document lengths
 *
 * Integers: "varint" is unsigned LEB128; "u32be" is 4 bytes big-endian (used
 * in keys so that byte order is numeric order); "u32le"/"u64le" are
 * little-endian.  Every value starts with a one-byte kind/version tag
 * followed by a u32le checksum: the low 32 bits of XXH3-64 over all bytes
 * after the checksum.  LMDB 0.9 has no page checksums; this is how a flipped
 * byte is found (RC_CORRUPT) instead of decoded.  Every length read from a
 * value is checked against the value's size before use.
 *
 * Docids are dense u32 numbers starting at 1, assigned in indexing order and
 * never reused; 0 means "none".  The external id is what users see.
 *
 * Details
 * =======
 * meta:
 *   "format"   u32le IX_FORMAT_VERSION.  A reader refuses other versions.
 *   "analyzer" text "cjk=<mode> stop=<0|1> stem=<0|1> icu=<version>": the
 *              analyzer configuration the index was built with.  Searchers
 *              analyze queries with the same configuration.
 *   "stats"    tag IX_TAG_STATS, checksum, then varints: n_docs (live),
 *              total_len (sum of live document lengths), next_docid,
 *              generation (incremented by every committed run),
 *              last_run (Unix seconds of the last commit), n_terms.
 *
 * terms: key = the term (UTF-8, 1..IX_TERM_MAX bytes, never containing a
 *   byte < 0x20; keys starting with such a byte are reserved).
 *   value = IX_TAG_TERM, checksum, varint df (documents), varint cf (total
 *   occurrences), varint n_blocks.
 *
 * postings: key = term, 0x00, u32be first docid of the block.  So the blocks
 *   of one term are adjacent and in docid order, and an update touches only
 *   the blocks it changes (see ../shared/LMDB-NOTES.md).
 *   value = IX_TAG_BLOCK, checksum, then
 *     varint n            documents in the block, 1..IX_BLOCK_DOCS
 *     varint last_delta   last docid - first docid
 *     varint max_tf       largest tf in the block (upper bounds for pruning)
 *     varint min_len      smallest document length in the block
 *     varint pos_bytes    size of the positions section
 *     n times: varint docid delta (0 for the first, which is in the key),
 *              varint tf
 *     positions section: for each document, tf varints: the first position,
 *              then deltas (>= 0; overlay bigrams can share a position).
 *   A block is closed when it holds IX_BLOCK_DOCS documents or when adding a
 *   document would take it past IX_BLOCK_BYTES, so values stay on LMDB leaf
 *   pages (< 2 KB with the key) instead of overflow pages.  One document with
 *   a huge positions list still gets a block of its own.
 *
 * Positions: a document's title is analyzed first, starting at position 0;
 *   the body starts at title_tokens + IX_FIELD_GAP, so a phrase never
 *   matches across the title/body boundary and "title:" filters can test
 *   position < title_end.  Stopwords take a position but are not stored.
 *   Terms are the stemmed forms (the analyzer's stem); an unstemmed token
 *   (numbers, Han) is stored as its folded form.
 *
 * docs: key = u32be docid.  value = IX_TAG_DOC, checksum, then
 *     varint len          document length in tokens (what BM25 uses)
 *     varint title_end    first position after the title
 *     varint flags        CP_DOC_* flags from the corpus reader, plus
 *                         IX_FLAG_TITLE_IN_TEXT (title not indexed: it
 *                         repeats the start of the text), IX_FLAG_TRUNCATED
 *                         (words from position max_pos on were not indexed)
 *     u64le  hash         XXH3-64 of the document's fields (incremental runs
 *                         skip a document whose id and hash are unchanged)
 *     lenstr id, title, date, lang, source, charset, repair, file
 *     varint max_pos      only with IX_FLAG_TRUNCATED: the position limit
 *                         the document was indexed with (a replaced
 *                         document is analyzed again with it to find its
 *                         terms)
 *   where lenstr = varint length + bytes.
 *
 * ids: key = external id (1..IX_ID_MAX bytes).  value = IX_TAG_ID, checksum,
 *   u32le docid.
 *
 * text: key = u32be docid.  value = IX_TAG_TEXT, checksum, varint raw_len,
 *   zstd frame of the body text (the title is in docs).
 *
 * doclens: key = u32be (docid / IX_DOCLEN_BLOCK).  value = IX_TAG_DOCLENS,
 *   checksum, IX_DOCLEN_BLOCK u32le lengths (0 = no such document).  Kept
 *   apart from docs so scoring reads 1 KB per 256 documents, not a record
 *   per candidate.
 */
#ifndef INDEXER_FORMAT_H
#define INDEXER_FORMAT_H

enum {
    IX_FORMAT_VERSION = 1,
    IX_TERM_MAX = 240,      /* bytes; LMDB keys are at most 511 */
    IX_ID_MAX = 480,
    IX_BLOCK_DOCS = 128,
    IX_BLOCK_BYTES = 1800,
    IX_FIELD_GAP = 100,
    /* Word positions indexed per document by default (--max-positions):
     * 16M is more than a document of the default --max-doc-size (16 MB)
     * can hold, so it only bites when that is raised; it bounds what one
     * document's positions take in memory (12 bytes each while grouping)
     * and keeps positions far from overflowing. */
    IX_DEFAULT_MAX_POSITIONS = 1 << 24,
    IX_DOCLEN_BLOCK = 256,

    IX_TAG_STATS = 0x51,
    IX_TAG_TERM = 0x52,
    IX_TAG_BLOCK = 0x53,
    IX_TAG_DOC = 0x54,
    IX_TAG_ID = 0x55,
    IX_TAG_TEXT = 0x56,
    IX_TAG_DOCLENS = 0x57,

    IX_VALUE_HEADER = 5,    /* tag + u32le checksum */
    IX_FLAG_TITLE_IN_TEXT = 0x8000,
    IX_FLAG_TRUNCATED = 0x4000
};

#endif
