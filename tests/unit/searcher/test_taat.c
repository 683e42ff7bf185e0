/* Unit tests for searcher/taat.c and the top-k selection it uses: a query
 * of plain words scored a word at a time into accumulators gives exactly the
 * hits (docids, score doubles, proximity bonus) of exhaustive scoring and of
 * MaxScore, also when a searcher's accumulators are reused across queries
 * and the collection grows; sr_topk_select keeps what pushing keeps; failing
 * allocations give a right answer or RC_NOMEM. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../../../common/mem.h"
#include "../../../searcher/internal.h"
#include "../../../searcher/sr.h"
#include "../testutil.h"

/* A small deterministic generator (xorshift32). */
static uint32_t rnd(uint32_t *s)
{
    *s ^= *s << 13;
    *s ^= *s >> 17;
    *s ^= *s << 5;
    return *s;
}

static int by_rank(const void *x, const void *y)
{
    const sr_scored *a = x, *b = y;
    if (a->score != b->score)
        return a->score > b->score ? -1 : 1;
    return a->docid < b->docid ? -1 : a->docid > b->docid;
}

/* Scores from a handful of values (many ties), in docid order. */
static void topk_select_keeps_what_pushing_keeps(void **state)
{
    (void)state;
    uint32_t seed = 12345;
    arena_t a;
    arena_init(&a, 4096);
    for (int round = 0; round < 200; round++) {
        size_t n = rnd(&seed) % 300, cap = rnd(&seed) % 40;
        uint32_t *docids = arena_alloc(&a, (n + 1) * sizeof *docids);
        double *scores = arena_alloc(&a, (n + 1) * sizeof *scores);
        double *scratch = arena_alloc(&a, (n + 1) * sizeof *scratch);
        uint32_t d = 0;
        for (size_t i = 0; i < n; i++) {
            docids[i] = d += 1 + rnd(&seed) % 5;
            scores[i] = (double)(rnd(&seed) % (round % 3 ? 7 : 1000)) / 4;
        }
        sr_topk pushed, selected;
        assert_int_equal(sr_topk_init(&pushed, &a, cap), RC_OK);
        assert_int_equal(sr_topk_init(&selected, &a, cap), RC_OK);
        for (size_t i = 0; i < n; i++)
            sr_topk_push(&pushed, scores[i], docids[i]);
        sr_topk_select(&selected, docids, scores, n, scratch);
        assert_int_equal(selected.n, pushed.n);
        for (size_t i = 1; i < selected.n; i++)   /* left in docid order */
            assert_true(selected.h[i - 1].docid < selected.h[i].docid);
        qsort(pushed.h, pushed.n, sizeof *pushed.h, by_rank);
        sr_topk_sort(&selected);
        for (size_t i = 0; i < pushed.n; i++) {
            assert_int_equal(selected.h[i].docid, pushed.h[i].docid);
            assert_true(selected.h[i].score == pushed.h[i].score);
        }
        arena_reset(&a);
    }
    arena_free(&a);
}

static const char *vocab[] = {"sepsis", "fever", "lung", "heart", "kidney", "liver",
                              "blood", "cell", "tumor", "virus", "dose", "child",
                              "acute", "renal", "cancer", "therapy"};
enum { N_VOCAB = sizeof vocab / sizeof vocab[0] };

/* Add n documents of 3..40 random words, ids "<prefix><i>", to the index
 * in dir, deleting the ids gone[0..n_gone). */
static rc_t add_random(const char *dir, size_t n, const char *prefix, uint32_t *seed,
                       const char **gone, size_t n_gone)
{
    ix_doc *docs = calloc(n, sizeof *docs);
    char (*ids)[16] = calloc(n, sizeof *ids);
    char (*texts)[512] = calloc(n, sizeof *texts);
    assert_true(docs && ids && texts);
    for (size_t i = 0; i < n; i++) {
        size_t len = 3 + rnd(seed) % 38, at = 0;
        for (size_t w = 0; w < len; w++) {
            /* Skewed: low words are common, high ones rare. */
            uint32_t r = rnd(seed) % (N_VOCAB * N_VOCAB);
            size_t v = 0;
            while ((v + 1) * (v + 1) <= r)
                v++;
            at += (size_t)snprintf(texts[i] + at, sizeof texts[i] - at, "%s%s", w ? " " : "",
                                   vocab[N_VOCAB - 1 - v]);
        }
        snprintf(ids[i], sizeof ids[i], "%s%zu", prefix, i);
        docs[i] = tu_doc(ids[i], "en", "", texts[i]);
    }
    err_t err;
    err_clear(&err);
    ix_run_stats rs;
    rc_t rc = tu_index(dir, docs, n, gone, n_gone, &rs, &err);
    free(docs);
    free(ids);
    free(texts);
    return rc;
}

static const char *queries[] = {
    "sepsis fever lung",
    "cancer therapy renal acute child dose virus tumor",
    "heart kidney liver blood cell sepsis fever lung cancer therapy",
    "therapy cancer",
    "renal renal acute",        /* a repeated word: qtf 2 */
    "sepsis nosuchword fever",  /* a word the index lacks */
    "sepsis \"fever lung\"",    /* a phrase: not plain words (MaxScore) */
    "sepsis -fever lung",       /* an exclusion: no OR at the top */
};
enum { N_QUERIES = sizeof queries / sizeof queries[0] };

static void run(sr_searcher *s, const char *q, const sr_options *o, sr_result *res)
{
    err_t err;
    err_clear(&err);
    size_t col;
    rc_t rc = sr_search(s, q, strlen(q), o, res, &col, &err);
    if (rc != RC_OK)
        fprintf(stderr, "%s: %s\n", q, err.msg);
    assert_int_equal(rc, RC_OK);
}

static void same_hits(const sr_result *a, const sr_result *b)
{
    assert_int_equal(a->n_hits, b->n_hits);
    for (size_t i = 0; i < a->n_hits; i++) {
        assert_int_equal(a->hits[i].docid, b->hits[i].docid);
        assert_memory_equal(&a->hits[i].score, &b->hits[i].score, sizeof(double));
        assert_memory_equal(&a->hits[i].proximity, &b->hits[i].proximity, sizeof(double));
    }
}

/* Every query three ways on one searcher, for several k, with and without
 * the proximity bonus. */
static void compare_all(sr_searcher *s)
{
    const size_t ks[] = {1, 5, 10, 100, 1000};
    int exact_total_seen = 0;
    for (size_t qi = 0; qi < N_QUERIES; qi++)
        for (size_t ki = 0; ki < sizeof ks / sizeof ks[0]; ki++)
            for (int prox = 0; prox < 2; prox++) {
                sr_options o = sr_options_default();
                o.k = ks[ki];
                o.no_proximity = prox;
                o.ids_only = 1;
                sr_result ex, acc, ms;
                sr_result_init(&ex);
                sr_result_init(&acc);
                sr_result_init(&ms);
                run(s, queries[qi], &o, &ex);
                o.prune = 1;
                run(s, queries[qi], &o, &acc);
                o.no_taat = 1;
                run(s, queries[qi], &o, &ms);
                same_hits(&acc, &ex);
                same_hits(&ms, &ex);
                /* Accumulators know the number of matches exactly. */
                if (qi < 6)
                    assert_int_equal(acc.total, ex.total);
                /* ... and MaxScore does not: proof the paths differ. */
                exact_total_seen += qi < 6 && ms.total < acc.total;
                sr_result_free(&ex);
                sr_result_free(&acc);
                sr_result_free(&ms);
            }
    assert_true(exact_total_seen > 0);
}

static void accumulators_equal_exhaustive_and_maxscore(void **state)
{
    (void)state;
    enum { N1 = 700, N2 = 300 };
    uint32_t seed = 777;
    char *dir = tu_tmpdir();
    err_t err;
    err_clear(&err);
    assert_int_equal(add_random(dir, N1, "a", &seed, NULL, 0), RC_OK);
    sr_searcher *s;
    assert_int_equal(sr_open(dir, &s, &err), RC_OK);
    compare_all(s);
    /* The collection grows under the open searcher (another process adds
     * to it: LMDB wants one environment per process): its accumulators
     * grow, and nothing of the queries before is left in them. */
    pid_t pid = fork();
    if (pid == 0) {
        const char *gone[] = {"a3", "a100"};
        _exit(add_random(dir, N2, "b", &seed, gone, 2) == RC_OK ? 0 : 1);
    }
    int status;
    assert_true(pid > 0 && waitpid(pid, &status, 0) == pid);
    assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    sr_result grown;
    sr_result_init(&grown);
    sr_options o = sr_options_default();
    run(s, "sepsis", &o, &grown);
    assert_int_equal(grown.n_docs, N1 + N2 - 2);
    sr_result_free(&grown);
    compare_all(s);
    sr_close(s);
    tu_rmrf(dir);
    free(dir);
}

/* Failing each allocation of an accumulator query in turn (a fresh
 * searcher each time, so the arrays are allocated inside): the right
 * hits or RC_NOMEM, never a crash or a leak. */
static void allocation_failures_are_clean(void **state)
{
    (void)state;
    enum { N = 200 };
    uint32_t seed = 99;
    char *dir = tu_tmpdir();
    err_t err;
    err_clear(&err);
    assert_int_equal(add_random(dir, N, "c", &seed, NULL, 0), RC_OK);
    const char *q = queries[2];
    sr_options o = sr_options_default();
    o.prune = 1;
    o.ids_only = 1;
    sr_searcher *s;
    assert_int_equal(sr_open(dir, &s, &err), RC_OK);
    sr_result want;
    sr_result_init(&want);
    run(s, q, &o, &want);
    sr_close(s);
    int ok = 0, nomem = 0;
    for (long n = 0; n < 600 && ok < 5; n++) {
        assert_int_equal(sr_open(dir, &s, &err), RC_OK);
        sr_result res;
        sr_result_init(&res);
        size_t col;
        err_clear(&err);
        mem_fail_after(n);
        rc_t rc = sr_search(s, q, strlen(q), &o, &res, &col, &err);
        mem_fail_reset();
        if (rc == RC_OK) {
            same_hits(&res, &want);
            ok++;
        } else {
            assert_int_equal(rc, RC_NOMEM);
            nomem++;
        }
        sr_result_free(&res);
        sr_close(s);
    }
    assert_true(ok > 0 && nomem > 0);
    sr_result_free(&want);
    tu_rmrf(dir);
    free(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(topk_select_keeps_what_pushing_keeps),
        cmocka_unit_test(accumulators_equal_exhaustive_and_maxscore),
        cmocka_unit_test(allocation_failures_are_clean),
    };
    return cmocka_run_group_tests_name("taat", tests, NULL, NULL);
}
