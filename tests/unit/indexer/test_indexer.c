/* Unit tests for indexer/: the postings block codec, corruption detection,
 * writing and reading an index, incremental updates against a fresh build,
 * and allocation failures during a run. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>
#include <xxhash.h>

#include "../../../common/mem.h"
#include "../../../indexer/internal.h"
#include "../testutil.h"

static void block_round_trip(void **state)
{
    (void)state;
    blk_enc e;
    blk_enc_init(&e);
    blk_enc_reset(&e);
    rc_t rc = RC_OK;
    /* docs 7, 9, 300 with positions {1,5}, {0}, {2,3,70000} */
    const unsigned char p7[] = {1, 4}, p9[] = {0}, p300[] = {2, 1, 0xAD, 0xA2, 0x04};
    blk_enc_add(&e, 7, 2, p7, sizeof p7, 10, &rc);
    blk_enc_add(&e, 9, 1, p9, sizeof p9, 4, &rc);
    blk_enc_add(&e, 300, 3, p300, sizeof p300, 99, &rc);
    buf_t v;
    buf_init(&v);
    blk_enc_value(&e, &v, &rc);
    assert_int_equal(rc, RC_OK);
    blk_view bv;
    err_t err;
    err_clear(&err);
    assert_int_equal(blk_parse(7, v.p, v.len, &bv, &err), RC_OK);
    assert_int_equal(bv.n, 3);
    assert_int_equal(bv.last, 300);
    assert_int_equal(bv.max_tf, 3);
    assert_int_equal(bv.min_len, 4);
    uint32_t docids[3], tfs[3], offs[4], pos[3];
    assert_int_equal(blk_decode(&bv, docids, tfs, &err), RC_OK);
    assert_int_equal(docids[0], 7);
    assert_int_equal(docids[2], 300);
    assert_int_equal(tfs[1], 1);
    assert_int_equal(blk_pos_offsets(&bv, tfs, offs, &err), RC_OK);
    assert_int_equal(blk_decode_positions(bv.pos + offs[2], bv.pos + offs[3], 3, pos, &err), RC_OK);
    assert_int_equal(pos[0], 2);
    assert_int_equal(pos[1], 3);
    assert_int_equal(pos[2], 3 + 69933); /* 0x2D | 0x22 << 7 | 4 << 14 */
    /* Every flipped byte and every truncation is caught, never decoded. */
    for (size_t i = 0; i < v.len; i++) {
        for (int bit = 0; bit < 8; bit++) {
            v.p[i] ^= (unsigned char)(1 << bit);
            err_clear(&err);
            rc_t r = blk_parse(7, v.p, v.len, &bv, &err);
            if (r == RC_OK)
                r = blk_decode(&bv, docids, tfs, &err);
            assert_int_equal(r, RC_CORRUPT);
            v.p[i] ^= (unsigned char)(1 << bit);
        }
    }
    for (size_t n = 0; n < v.len; n++) {
        err_clear(&err);
        assert_int_equal(blk_parse(7, v.p, n, &bv, &err), RC_CORRUPT);
    }
    buf_free(&v);
    blk_enc_free(&e);
}

static void block_key_order_is_term_then_docid(void **state)
{
    (void)state;
    unsigned char a[64], b[64], c[64];
    size_t na = blk_key(a, "ab", 2, 300), nb = blk_key(b, "ab", 2, 1000),
           nc = blk_key(c, "abc", 3, 1);
    assert_true(memcmp(a, b, na) < 0);
    assert_true(memcmp(b, c, nb < nc ? nb : nc) < 0);
    MDB_val k = {na, a};
    const char *t;
    size_t tl;
    uint32_t d;
    assert_true(blk_key_split(&k, &t, &tl, &d));
    assert_int_equal(tl, 2);
    assert_int_equal(d, 300);
}

/* Every posting of an index, keyed by external id, as one string:
 * "term:id/tf/pos,pos;..." sorted, plus stats. */
static char *dump_index(const char *dir)
{
    ix_reader *r;
    err_t err;
    err_clear(&err);
    assert_int_equal(ix_reader_open(dir, &r, &err), RC_OK);
    assert_int_equal(ix_reader_begin(r, &err), RC_OK);
    buf_t out;
    buf_init(&out);
    rc_t rc = RC_OK;
    char line[1024];
    const ix_stats *st = ix_reader_stats(r);
    snprintf(line, sizeof line, "N=%llu total=%llu terms=%llu\n", (unsigned long long)st->n_docs,
             (unsigned long long)st->total_len, (unsigned long long)st->n_terms);
    buf_append_str(&out, line, &rc);
    MDB_cursor *c;
    MDB_txn *txn = ix_reader_txn(r);
    assert_int_equal(mdb_cursor_open(txn, ix_reader_env(r)->terms, &c), 0);
    MDB_val k, v;
    char **rows = NULL;
    size_t n_rows = 0;
    for (int m = mdb_cursor_get(c, &k, &v, MDB_FIRST); m == 0; m = mdb_cursor_get(c, &k, &v, MDB_NEXT)) {
        ix_iter *it;
        char term[256];
        snprintf(term, sizeof term, "%.*s", (int)k.mv_size, (char *)k.mv_data);
        assert_int_equal(ix_iter_open(r, k.mv_data, k.mv_size, &it, &err), RC_OK);
        uint32_t df = 0;
        for (rc_t x = ix_iter_next(it, &err); x == RC_OK && !ix_iter_eof(it); x = ix_iter_next(it, &err)) {
            ix_docinfo di;
            assert_int_equal(ix_doc_get(r, ix_iter_docid(it), &di, &err), RC_OK);
            const uint32_t *pos;
            uint32_t np;
            assert_int_equal(ix_iter_positions(it, &pos, &np, &err), RC_OK);
            int n = snprintf(line, sizeof line, "%s:%.*s/%u/len%u/", term, (int)di.id_len, di.id,
                             ix_iter_tf(it), ix_doc_len(r, ix_iter_docid(it)));
            for (uint32_t j = 0; j < np && n < 900; j++)
                n += snprintf(line + n, sizeof line - (size_t)n, "%u,", pos[j]);
            rows = realloc(rows, (n_rows + 1) * sizeof *rows);
            rows[n_rows++] = strdup(line);
            df++;
        }
        assert_int_equal(df, ix_iter_term_info(it)->df);
        ix_iter_close(it);
    }
    mdb_cursor_close(c);
    int cmp(const void *a, const void *b);
    qsort(rows, n_rows, sizeof *rows, cmp);
    for (size_t i = 0; i < n_rows; i++) {
        buf_append_str(&out, rows[i], &rc);
        buf_append_str(&out, "\n", &rc);
        free(rows[i]);
    }
    free(rows);
    ix_reader_end(r);
    ix_reader_close(r);
    char *s = strdup(buf_cstr(&out));
    buf_free(&out);
    return s;
}

int cmp(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static void write_then_read(void **state)
{
    (void)state;
    char *dir = tu_tmpdir();
    ix_doc docs[] = {
        tu_doc("a", "en", "Cancer screening", "AI reads mammograms for breast cancer"),
        tu_doc("b", "ru", "Телемедицина", "Консультации в сельских больницах"),
        tu_doc("c", "zh", "人工智能", "人工智能辅助诊断肺结节"),
    };
    err_t err;
    err_clear(&err);
    ix_run_stats rs;
    assert_int_equal(tu_index(dir, docs, 3, NULL, 0, &rs, &err), RC_OK);
    assert_int_equal(rs.added, 3);
    ix_reader *r;
    assert_int_equal(ix_reader_open(dir, &r, &err), RC_OK);
    assert_int_equal(ix_reader_begin(r, &err), RC_OK);
    assert_int_equal(ix_reader_stats(r)->n_docs, 3);
    ix_term_info ti;
    assert_int_equal(ix_term_get(r, "cancer", 6, &ti, &err), RC_OK);
    assert_int_equal(ti.df, 1);
    assert_int_equal(ti.cf, 2);
    ix_iter *it;
    assert_int_equal(ix_iter_open(r, "cancer", 6, &it, &err), RC_OK);
    assert_int_equal(ix_iter_next(it, &err), RC_OK);
    assert_int_equal(ix_iter_docid(it), 1);
    const uint32_t *pos;
    uint32_t np;
    assert_int_equal(ix_iter_positions(it, &pos, &np, &err), RC_OK);
    assert_int_equal(np, 2);
    assert_int_equal(pos[0], 0);                    /* title starts at 0 */
    assert_int_equal(pos[1], 2 + IX_FIELD_GAP + 5); /* body after the gap */
    ix_iter_close(it);
    ix_docinfo di;
    assert_int_equal(ix_doc_get(r, 2, &di, &err), RC_OK);
    assert_memory_equal(di.id, "b", 1);
    assert_int_equal(di.title_end, 1);
    buf_t text;
    buf_init(&text);
    assert_int_equal(ix_doc_text(r, 3, &text, &err), RC_OK);
    assert_string_equal(buf_cstr(&text), "人工智能辅助诊断肺结节");
    buf_free(&text);
    uint32_t d;
    assert_int_equal(ix_doc_lookup(r, "c", 1, &d, &err), RC_OK);
    assert_int_equal(d, 3);
    assert_int_equal(ix_term_get(r, "nosuchterm", 10, &ti, &err), RC_NOTFOUND);
    ix_reader_end(r);
    ix_reader_close(r);
    size_t n;
    assert_int_equal(ix_check(dir, &n, &err), RC_OK);
    tu_rmrf(dir);
    free(dir);
}

/* Many documents so that terms span several blocks; then replace, delete
 * and add, and compare with a fresh build of the same final documents. */
static void incremental_equals_fresh_build(void **state)
{
    (void)state;
    enum { N = 600 };
    static char ids[N + 10][16], texts[N + 10][128];
    ix_doc docs[N + 10];
    for (int i = 0; i < N; i++) {
        snprintf(ids[i], 16, "doc%d", i);
        snprintf(texts[i], 128, "common words appear everywhere number%d %s", i % 37,
                 i % 3 ? "screening" : "diagnosis diagnosis");
        docs[i] = tu_doc(ids[i], "en", "", texts[i]);
    }
    char *inc = tu_tmpdir(), *fresh = tu_tmpdir();
    err_t err;
    err_clear(&err);
    ix_run_stats rs;
    assert_int_equal(tu_index(inc, docs, N, NULL, 0, &rs, &err), RC_OK);
    /* Second run: replace doc0 (first docid of every block) and doc300,
     * delete doc1 and doc599, add two new ones; re-add doc5 unchanged. */
    ix_doc upd[4];
    upd[0] = tu_doc("doc0", "en", "", "replaced text about diagnosis");
    upd[1] = tu_doc("doc300", "en", "", "common words replaced again");
    upd[2] = tu_doc("new1", "en", "", "new document about screening and common words");
    upd[3] = docs[5];
    const char *del[] = {"doc1", "doc599"};
    assert_int_equal(tu_index(inc, upd, 4, del, 2, &rs, &err), RC_OK);
    assert_int_equal(rs.replaced, 2);
    assert_int_equal(rs.added, 1);
    assert_int_equal(rs.unchanged, 1);
    assert_int_equal(rs.deleted, 2);
    /* The same final documents in one fresh build. */
    ix_doc final[N + 10];
    size_t n = 0;
    for (int i = 0; i < N; i++) {
        if (i == 1 || i == 599)
            continue;
        final[n++] = i == 0 ? upd[0] : i == 300 ? upd[1] : docs[i];
    }
    final[n++] = upd[2];
    assert_int_equal(tu_index(fresh, final, n, NULL, 0, &rs, &err), RC_OK);
    char *a = dump_index(inc), *b = dump_index(fresh);
    assert_string_equal(a, b);
    size_t checked;
    assert_int_equal(ix_check(inc, &checked, &err), RC_OK);
    free(a);
    free(b);
    tu_rmrf(inc);
    tu_rmrf(fresh);
    free(inc);
    free(fresh);
}

/* The same, with batches of a few KB: every run writes many batches into its
 * transaction, duplicates and deletions cross batch boundaries. */
static void small_batches_equal_fresh_build(void **state)
{
    tu_batch_bytes = 4096;
    incremental_equals_fresh_build(state);
    char *dir = tu_tmpdir();
    ix_doc docs[] = {tu_doc("x", "en", "", "first version apples"), tu_doc("y", "en", "", "other"),
                     tu_doc("z", "en", "", "third"), tu_doc("x", "en", "", "second version pears")};
    const char *del[] = {"y"};
    err_t err;
    err_clear(&err);
    ix_run_stats rs;
    tu_batch_bytes = 1; /* flush after every document */
    assert_int_equal(tu_index(dir, docs, 4, NULL, 0, &rs, &err), RC_OK);
    assert_int_equal(tu_index(dir, NULL, 0, del, 1, &rs, &err), RC_OK);
    tu_batch_bytes = 0;
    char *d = dump_index(dir);
    assert_null(strstr(d, "appl"));
    assert_null(strstr(d, ":y/"));
    assert_non_null(strstr(d, "pear:x/"));
    assert_non_null(strstr(d, "N=2 "));
    size_t checked;
    assert_int_equal(ix_check(dir, &checked, &err), RC_OK);
    free(d);
    tu_rmrf(dir);
    free(dir);
}

/* Every key and value of the databases but meta (it records the run's
 * time), as one hash per database: equal strings = byte-identical data. */
static char *raw_dump(const char *dir)
{
    ix_reader *r;
    err_t err;
    err_clear(&err);
    assert_int_equal(ix_reader_open(dir, &r, &err), RC_OK);
    assert_int_equal(ix_reader_begin(r, &err), RC_OK);
    ix_env *e = ix_reader_env(r);
    MDB_dbi dbs[] = {e->terms, e->postings, e->docs, e->ids, e->text, e->doclens};
    char *out = calloc(1, 256);
    for (size_t i = 0; i < sizeof dbs / sizeof dbs[0]; i++) {
        MDB_cursor *c;
        assert_int_equal(mdb_cursor_open(ix_reader_txn(r), dbs[i], &c), 0);
        MDB_val k, v;
        uint64_t h = 0, n = 0;
        for (int m = mdb_cursor_get(c, &k, &v, MDB_FIRST); m == 0;
             m = mdb_cursor_get(c, &k, &v, MDB_NEXT), n++)
            h = XXH3_64bits_withSeed(v.mv_data, v.mv_size, XXH3_64bits_withSeed(k.mv_data, k.mv_size, h));
        mdb_cursor_close(c);
        snprintf(out + strlen(out), 256 - strlen(out), "%llu:%016llx ", (unsigned long long)n,
                 (unsigned long long)h);
    }
    ix_reader_end(r);
    ix_reader_close(r);
    return out;
}

/* Documents whose ids come back in later batches (the last one wins). */
static const ix_doc *run_docs(size_t *n)
{
    static ix_doc d[8];
    d[0] = tu_doc("x", "en", "Title", "first version apples");
    d[1] = tu_doc("y", "en", "", "other apples");
    d[2] = tu_doc("z", "ru", "", "больница нейросеть");
    d[3] = tu_doc("x", "en", "", "second version pears");
    d[4] = tu_doc("y", "en", "", "other again");
    d[5] = tu_doc("w", "zh", "", "人工智能诊断");
    d[6] = tu_doc("x", "en", "", "third pears apples");
    d[7] = tu_doc("v", "en", "", "");
    *n = 8;
    return d;
}

/* raw_dump() of docs[0..n) indexed in one batch. */
static char *one_batch_dump(const ix_doc *docs, size_t n)
{
    err_t err;
    err_clear(&err);
    ix_run_stats rs;
    char *dir = tu_tmpdir();
    assert_int_equal(tu_index(dir, docs, n, NULL, 0, &rs, &err), RC_OK);
    assert_int_equal(rs.duplicates, 3);
    char *d = raw_dump(dir);
    tu_rmrf(dir);
    free(dir);
    return d;
}

/* A first build whose batches are written as sorted runs and merged (one
 * run per document here) writes exactly the databases of a build in one
 * batch, whatever the number of analysis threads. */
static void sorted_runs_equal_one_batch(void **state)
{
    (void)state;
    size_t n;
    const ix_doc *docs = run_docs(&n);
    char *want = one_batch_dump(docs, n);
    for (unsigned threads = 0; threads <= 2; threads += 2) {
        err_t err;
        err_clear(&err);
        ix_run_stats rs;
        char *runs = tu_tmpdir();
        tu_batch_bytes = 1;
        tu_threads = threads;
        assert_int_equal(tu_index(runs, docs, n, NULL, 0, &rs, &err), RC_OK);
        tu_batch_bytes = 0;
        tu_threads = 0;
        assert_int_equal(rs.duplicates, 3);
        assert_int_equal(rs.added, 5);
        char *got = raw_dump(runs);
        assert_string_equal(got, want);
        size_t checked;
        assert_int_equal(ix_check(runs, &checked, &err), RC_OK);
        free(got);
        tu_rmrf(runs);
        free(runs);
    }
    free(want);
}

/* Fail each allocation in turn during a first build (batch_bytes and
 * threads as tu_index() takes them): a clean error and no index, or the
 * whole index; generations of failed attempts are gone after the one that
 * succeeds. */
static void first_build_allocation_failures(size_t batch_bytes, unsigned threads)
{
    size_t n;
    const ix_doc *docs = run_docs(&n);
    char *want = one_batch_dump(docs, n);
    err_t err;
    ix_run_stats rs;
    char *dir = tu_tmpdir();
    char current[1100], cmd[1200];
    snprintf(current, sizeof current, "%s/CURRENT", dir);
    int successes = 0;
    tu_batch_bytes = batch_bytes;
    tu_threads = threads;
    for (long k = 0; k < 20000 && !successes; k++) {
        err_clear(&err);
        mem_fail_after(k);
        rc_t rc = tu_index(dir, docs, n, NULL, 0, &rs, &err);
        mem_fail_reset();
        assert_true(rc == RC_OK || rc == RC_NOMEM || rc == RC_INTERNAL || rc == RC_IO);
        successes += rc == RC_OK;
        if (rc != RC_OK)
            assert_int_equal(access(current, F_OK), -1);
    }
    tu_batch_bytes = 0;
    tu_threads = 0;
    assert_int_equal(successes, 1);
    char *got = raw_dump(dir);
    assert_string_equal(got, want);
    snprintf(cmd, sizeof cmd, "ls '%s' | grep -c '^gen-'", dir);
    FILE *f = popen(cmd, "r");
    int gens = -1;
    assert_int_equal(fscanf(f, "%d", &gens), 1);
    pclose(f);
    assert_int_equal(gens, 1);
    free(got);
    free(want);
    tu_rmrf(dir);
    free(dir);
}

/* In sorted runs (merge.c). */
static void allocation_failures_in_sorted_runs_are_clean(void **state)
{
    (void)state;
    first_build_allocation_failures(1, 0);
}

/* In one batch, whose postings are encoded as pipeline tasks (encode.c):
 * on the writer's thread, and on two workers, where a failure must come
 * back from the task as the run's error. */
static void allocation_failures_in_one_batch_are_clean(void **state)
{
    (void)state;
    first_build_allocation_failures(0, 0);
    first_build_allocation_failures(0, 2);
}

static void same_id_twice_last_wins(void **state)
{
    (void)state;
    char *dir = tu_tmpdir();
    ix_doc docs[] = {tu_doc("x", "en", "", "first version apples"),
                     tu_doc("y", "en", "", "other"),
                     tu_doc("x", "en", "", "second version pears")};
    err_t err;
    err_clear(&err);
    ix_run_stats rs;
    assert_int_equal(tu_index(dir, docs, 3, NULL, 0, &rs, &err), RC_OK);
    char *d = dump_index(dir);
    assert_null(strstr(d, "appl"));
    assert_non_null(strstr(d, "pear:x/"));
    assert_non_null(strstr(d, "N=2 "));
    free(d);
    tu_rmrf(dir);
    free(dir);
}

static void uncommitted_run_changes_nothing(void **state)
{
    (void)state;
    char *dir = tu_tmpdir();
    ix_doc one = tu_doc("a", "en", "", "alpha beta");
    err_t err;
    err_clear(&err);
    ix_run_stats rs;
    assert_int_equal(tu_index(dir, &one, 1, NULL, 0, &rs, &err), RC_OK);
    char *before = dump_index(dir);
    ix_writer *w;
    ix_writer_options o = ix_writer_options_default();
    assert_int_equal(ix_writer_open(dir, &o, &w, &err), RC_OK);
    ix_doc two = tu_doc("b", "en", "", "gamma");
    ix_outcome out;
    assert_int_equal(ix_writer_add(w, &two, &out, &err), RC_OK);
    ix_writer_close(w); /* no commit */
    char *after = dump_index(dir);
    assert_string_equal(before, after);
    free(before);
    free(after);
    tu_rmrf(dir);
    free(dir);
}

static void second_writer_is_refused(void **state)
{
    (void)state;
    char *dir = tu_tmpdir();
    ix_writer *w1, *w2;
    ix_writer_options o = ix_writer_options_default();
    err_t err;
    err_clear(&err);
    assert_int_equal(ix_writer_open(dir, &o, &w1, &err), RC_OK);
    o.lock_timeout = 0.2;
    err_clear(&err);
    assert_int_equal(ix_writer_open(dir, &o, &w2, &err), RC_BUSY);
    assert_non_null(strstr(err.msg, "another indexer"));
    ix_writer_close(w1);
    tu_rmrf(dir);
    free(dir);
}

/* Fail each allocation in turn during a whole run: every attempt returns a
 * clean error or succeeds, and the index is always the old or the new one. */
static void allocation_failures_are_clean(void **state)
{
    (void)state;
    char *dir = tu_tmpdir();
    ix_doc base = tu_doc("a", "en", "Title", "alpha beta gamma");
    err_t err;
    err_clear(&err);
    ix_run_stats rs;
    assert_int_equal(tu_index(dir, &base, 1, NULL, 0, &rs, &err), RC_OK);
    char *old = dump_index(dir);
    ix_doc upd[] = {tu_doc("a", "en", "Title", "alpha delta"), tu_doc("b", "zh", "", "人工智能诊断")};
    int successes = 0;
    for (long n = 0; n < 4000 && !successes; n += 1) {
        err_clear(&err);
        mem_fail_after(n);
        rc_t rc = tu_index(dir, upd, 2, NULL, 0, &rs, &err);
        mem_fail_reset();
        assert_true(rc == RC_OK || rc == RC_NOMEM || rc == RC_INTERNAL || rc == RC_IO);
        char *now = dump_index(dir);
        if (rc == RC_OK)
            successes++;
        else
            assert_string_equal(now, old);
        free(now);
    }
    assert_int_equal(successes, 1);
    size_t checked;
    assert_int_equal(ix_check(dir, &checked, &err), RC_OK);
    free(old);
    tu_rmrf(dir);
    free(dir);
}

/* The same with analysis on two threads: an allocation that fails on a
 * worker surfaces as a clean error of the run, never a hang or a crash. */
static void allocation_failures_are_clean_threaded(void **state)
{
    tu_threads = 2;
    allocation_failures_are_clean(state);
    tu_threads = 0;
}

/* Every kind of stored value, with each byte flipped in turn and every
 * truncation, must decode to RC_CORRUPT, never to garbage or a crash. */
static rc_t decode_any(int kind, const unsigned char *v, size_t n, err_t *err)
{
    ix_docinfo di;
    term_entry te;
    ix_meta_stats ms;
    blk_view bv;
    buf_t b;
    rc_t rc;
    switch (kind) {
    case 0: return docrec_decode(1, v, n, &di, err);
    case 1: return term_decode(v, n, &te, err);
    case 2: return stats_decode(v, n, &ms, err);
    case 3:
        buf_init(&b);
        rc = text_decode(v, n, &b, err);
        buf_free(&b);
        return rc;
    case 4: {
        const unsigned char *p;
        size_t len;
        return val_open(v, n, IX_TAG_DOCLENS, "doclens", &p, &len, err);
    }
    default:
        rc = blk_parse(1, v, n, &bv, err);
        if (rc == RC_OK) {
            uint32_t d[IX_BLOCK_DOCS], t[IX_BLOCK_DOCS];
            rc = blk_decode(&bv, d, t, err);
        }
        return rc;
    }
}

static void every_value_detects_damage(void **state)
{
    (void)state;
    char *dir = tu_tmpdir();
    ix_doc docs[] = {tu_doc("a", "en", "Title one", "alpha beta gamma alpha"),
                     tu_doc("b", "zh", "", "人工智能辅助诊断")};
    err_t err;
    err_clear(&err);
    ix_run_stats rs;
    assert_int_equal(tu_index(dir, docs, 2, NULL, 0, &rs, &err), RC_OK);
    ix_reader *r;
    assert_int_equal(ix_reader_open(dir, &r, &err), RC_OK);
    assert_int_equal(ix_reader_begin(r, &err), RC_OK);
    ix_env *e = ix_reader_env(r);
    MDB_dbi dbis[] = {e->docs, e->terms, e->meta, e->text, e->doclens, e->postings};
    size_t checked = 0;
    for (int kind = 0; kind < 6; kind++) {
        MDB_cursor *c;
        assert_int_equal(mdb_cursor_open(ix_reader_txn(r), dbis[kind], &c), 0);
        MDB_val k, v;
        for (int m = mdb_cursor_get(c, &k, &v, MDB_FIRST); m == 0; m = mdb_cursor_get(c, &k, &v, MDB_NEXT)) {
            if (kind == 2 && (k.mv_size != 5 || memcmp(k.mv_data, "stats", 5)))
                continue;
            unsigned char *copy = malloc(v.mv_size);
            memcpy(copy, v.mv_data, v.mv_size);
            err_clear(&err);
            assert_int_equal(decode_any(kind, copy, v.mv_size, &err), RC_OK);
            for (size_t i = 0; i < v.mv_size; i++) {
                copy[i] ^= 0x5a;
                err_clear(&err);
                assert_int_equal(decode_any(kind, copy, v.mv_size, &err), RC_CORRUPT);
                copy[i] ^= 0x5a;
            }
            for (size_t len = 0; len < v.mv_size; len++) {
                err_clear(&err);
                assert_int_equal(decode_any(kind, copy, len, &err), RC_CORRUPT);
            }
            free(copy);
            checked++;
        }
        mdb_cursor_close(c);
    }
    assert_true(checked > 10);
    ix_reader_end(r);
    ix_reader_close(r);
    tu_rmrf(dir);
    free(dir);
}

static pid_t dead_pid;

/* Counts the reader-table lines (mdb_reader_list) of the killed process. */
static int count_reader(const char *msg, void *ctx)
{
    int *n = ctx;
    char want[32];
    snprintf(want, sizeof want, " %d ", (int)dead_pid);
    if (strstr(msg, want))
        (*n)++;
    return 0;
}

/* Index n (at most 600) documents "d0".. whose texts fill() writes, then
 * delete gone[0..n_gone); a reader in a snapshot of the result. */
static ix_reader *index_numbered(const char *dir, int n, void (*fill)(int i, char *text, size_t cap),
                                 const char **gone, size_t n_gone)
{
    static ix_doc docs[600];
    static char ids[600][8], texts[600][64];
    assert_true(n <= 600);
    for (int i = 0; i < n; i++) {
        snprintf(ids[i], sizeof ids[i], "d%d", i);
        fill(i, texts[i], sizeof texts[i]);
        docs[i] = tu_doc(ids[i], "en", "", texts[i]);
    }
    err_t err;
    err_clear(&err);
    ix_run_stats rs;
    assert_int_equal(tu_index(dir, docs, (size_t)n, NULL, 0, &rs, &err), RC_OK);
    if (n_gone)
        assert_int_equal(tu_index(dir, NULL, 0, gone, n_gone, &rs, &err), RC_OK);
    ix_reader *r;
    assert_int_equal(ix_reader_open(dir, &r, &err), RC_OK);
    assert_int_equal(ix_reader_begin(r, &err), RC_OK);
    return r;
}

/* "rare" in every 50th document, "common" in all, twice in every third. */
static void rare_common(int i, char *text, size_t cap)
{
    snprintf(text, cap, "%s common words %s", i % 50 ? "" : "rare", i % 3 ? "common" : "");
}

/* 1 to 15 words. */
static void growing(int i, char *text, size_t cap)
{
    snprintf(text, cap, "%.*s", 1 + i % 30, "a b c d e f g h i j k l m n o");
}

/* "docid/tf/pos,pos;" for every posting an iterator yields from where it
 * is, reading positions too. */
static void walk(ix_iter *it, buf_t *out)
{
    err_t err;
    err_clear(&err);
    rc_t rc = RC_OK;
    for (rc_t x = ix_iter_next(it, &err); x == RC_OK && !ix_iter_eof(it); x = ix_iter_next(it, &err)) {
        const uint32_t *pos;
        uint32_t np;
        char line[64];
        assert_int_equal(ix_iter_positions(it, &pos, &np, &err), RC_OK);
        snprintf(line, sizeof line, "%u/%u/", ix_iter_docid(it), ix_iter_tf(it));
        buf_append_str(out, line, &rc);
        for (uint32_t j = 0; j < np; j++) {
            snprintf(line, sizeof line, "%u,", pos[j]);
            buf_append_str(out, line, &rc);
        }
        buf_append_str(out, ";", &rc);
    }
    assert_int_equal(rc, RC_OK);
}

/* Rewinding reuses a term's first block when it is the decoded one, and
 * ix_iter_next_block hands out the same postings as ix_iter_next: for a
 * term of one block and one of three, after reading all, part or none of
 * it, and with skip_to after the rewind. */
static void iterator_rewind_and_bulk_blocks(void **state)
{
    (void)state;
    enum { N = 300 };
    char *dir = tu_tmpdir();
    ix_reader *r = index_numbered(dir, N, rare_common, NULL, 0);
    err_t err;
    err_clear(&err);
    const char *terms[] = {"rare", "common"};
    for (size_t t = 0; t < 2; t++) {
        ix_iter *it;
        size_t len = strlen(terms[t]);
        assert_int_equal(ix_iter_open(r, terms[t], len, &it, &err), RC_OK);
        assert_int_equal(ix_iter_term_info(it)->n_blocks, t == 0 ? 1 : 3);
        buf_t want, got;
        buf_init(&want);
        buf_init(&got);
        walk(it, &want);
        /* Bulk: the same docids and tfs, block by block. */
        ix_iter_rewind(it);
        const uint32_t *d, *tf;
        uint32_t n, total = 0, prev = 0;
        rc_t rc;
        for (rc = ix_iter_next_block(it, &d, &tf, &n, &err); rc == RC_OK && n;
             rc = ix_iter_next_block(it, &d, &tf, &n, &err))
            for (uint32_t i = 0; i < n; i++, total++) {
                assert_true(d[i] > prev);
                prev = d[i];
                char line[32];
                snprintf(line, sizeof line, "%u/%u/", d[i], tf[i]);
                assert_non_null(strstr((char *)want.p, line));
            }
        assert_int_equal(rc, RC_OK);
        assert_int_equal(total, ix_iter_term_info(it)->df);
        /* After all, after part of the first block, after nothing. */
        for (int part = 0; part < 3; part++) {
            ix_iter_rewind(it);
            if (part == 1) {
                assert_int_equal(ix_iter_next(it, &err), RC_OK);
                assert_int_equal(ix_iter_next(it, &err), RC_OK);
                ix_iter_rewind(it);
            }
            buf_reset(&got);
            walk(it, &got);
            assert_string_equal(buf_cstr(&got), buf_cstr(&want));
        }
        /* skip_to after a rewind finds what a fresh iterator finds, in
         * short steps and in steps past a whole block. */
        for (uint32_t step = 37; step < 300; step += 253) {   /* 37, 290 */
            ix_iter *fresh;
            assert_int_equal(ix_iter_open(r, terms[t], len, &fresh, &err), RC_OK);
            ix_iter_rewind(it);
            for (uint32_t target = 1; target < N + 5; target += step) {
                assert_int_equal(ix_iter_skip_to(it, target, &err), RC_OK);
                assert_int_equal(ix_iter_skip_to(fresh, target, &err), RC_OK);
                assert_int_equal(ix_iter_eof(it), ix_iter_eof(fresh));
                if (!ix_iter_eof(it)) {
                    assert_true(ix_iter_docid(it) >= target);
                    assert_int_equal(ix_iter_docid(it), ix_iter_docid(fresh));
                }
            }
            ix_iter_close(fresh);
        }
        buf_free(&want);
        buf_free(&got);
        ix_iter_close(it);
    }
    ix_reader_end(r);
    ix_reader_close(r);
    tu_rmrf(dir);
    free(dir);
}

/* ix_doc_lens gives, a group at a time, what ix_doc_len gives one by one:
 * lengths, 0 for deleted documents and past the end. */
static void doc_lens_by_group_equal_one_by_one(void **state)
{
    (void)state;
    enum { N = 600 };
    char *dir = tu_tmpdir();
    const char *gone[] = {"d0", "d7", "d300", "d599"};
    ix_reader *r = index_numbered(dir, N, growing, gone, 4);
    err_t err;
    err_clear(&err);
    uint32_t lens[IX_DOC_LEN_GROUP];
    int zeros = 0;
    for (uint32_t d = 0; d < N + 2 * IX_DOC_LEN_GROUP; d++) {
        if (d % IX_DOC_LEN_GROUP == 0 || d % 97 == 0)
            ix_doc_lens(r, d, lens);
        assert_int_equal(lens[d % IX_DOC_LEN_GROUP], ix_doc_len(r, d));
        zeros += ix_doc_len(r, d) == 0;
    }
    assert_true(zeros >= 4 + 2 * IX_DOC_LEN_GROUP);
    assert_int_equal(ix_reader_damage(r, &err), RC_OK);
    ix_reader_end(r);
    ix_reader_close(r);
    tu_rmrf(dir);
    free(dir);
}

/* A searcher killed in the middle of a snapshot leaves its reader slot,
 * which pins old pages while other processes keep the index open; the next
 * writer clears it (mdb_reader_check). */
static void stale_reader_slots_are_cleared(void **state)
{
    (void)state;
    char *dir = tu_tmpdir();
    ix_doc d = tu_doc("a", "en", "", "alpha");
    err_t err;
    err_clear(&err);
    ix_run_stats rs;
    assert_int_equal(tu_index(dir, &d, 1, NULL, 0, &rs, &err), RC_OK);
    ix_reader *keep; /* this process keeps the environment open */
    assert_int_equal(ix_reader_open(dir, &keep, &err), RC_OK);
    pid_t pid = fork();
    if (pid == 0) {
        ix_reader *r;
        if (ix_reader_open(dir, &r, &err) == RC_OK && ix_reader_begin(r, &err) == RC_OK)
            raise(SIGKILL);
        _exit(1);
    }
    int status;
    dead_pid = pid;
    waitpid(pid, &status, 0);
    assert_true(WIFSIGNALED(status));
    int n = 0;
    mdb_reader_list(ix_reader_env(keep)->env, count_reader, &n);
    assert_int_equal(n, 1);
    ix_writer *w;
    ix_writer_options o = ix_writer_options_default();
    assert_int_equal(ix_writer_open(dir, &o, &w, &err), RC_OK);
    ix_writer_close(w);
    n = 0;
    mdb_reader_list(ix_reader_env(keep)->env, count_reader, &n);
    assert_int_equal(n, 0);
    ix_reader_close(keep);
    tu_rmrf(dir);
    free(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(block_round_trip),
        cmocka_unit_test(block_key_order_is_term_then_docid),
        cmocka_unit_test(write_then_read),
        cmocka_unit_test(incremental_equals_fresh_build),
        cmocka_unit_test(small_batches_equal_fresh_build),
        cmocka_unit_test(sorted_runs_equal_one_batch),
        cmocka_unit_test(allocation_failures_in_sorted_runs_are_clean),
        cmocka_unit_test(allocation_failures_in_one_batch_are_clean),
        cmocka_unit_test(same_id_twice_last_wins),
        cmocka_unit_test(uncommitted_run_changes_nothing),
        cmocka_unit_test(second_writer_is_refused),
        cmocka_unit_test(allocation_failures_are_clean),
        cmocka_unit_test(allocation_failures_are_clean_threaded),
        cmocka_unit_test(iterator_rewind_and_bulk_blocks),
        cmocka_unit_test(doc_lens_by_group_equal_one_by_one),
        cmocka_unit_test(stale_reader_slots_are_cleared),
        cmocka_unit_test(every_value_detects_damage),
    };
    return cmocka_run_group_tests_name("indexer", tests, NULL, NULL);
}
