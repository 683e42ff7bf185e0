/* Unit tests for searcher/: BM25 against a hand-computed three-document
 * example, tie-breaking, paging, the AND operator, the top-k heap, sibling
 * searchers on threads. */
#include <math.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "../../../searcher/internal.h"
#include "../../../searcher/format.h"
#include "../../../searcher/sr.h"
#include "../testutil.h"

static char *dir;

static int setup(void **state)
{
    (void)state;
    dir = tu_tmpdir();
    ix_doc docs[] = {
        tu_doc("d1", "en", "", "apple banana apple"),
        tu_doc("d2", "en", "", "banana cherry"),
        tu_doc("d3", "en", "", "cherry cherry cherry date"),
    };
    err_t err;
    err_clear(&err);
    ix_run_stats rs;
    return tu_index(dir, docs, 3, NULL, 0, &rs, &err) == RC_OK ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    tu_rmrf(dir);
    free(dir);
    return 0;
}

static void search(const char *q, const sr_options *o, sr_result *res)
{
    sr_searcher *s;
    err_t err;
    err_clear(&err);
    assert_int_equal(sr_open(dir, &s, &err), RC_OK);
    size_t col;
    assert_int_equal(sr_search(s, q, strlen(q), o, res, &col, &err), RC_OK);
    sr_close(s);
}

/* N = 3, avgdl = (3 + 2 + 4) / 3 = 3, k1 = 1.2, b = 0.75.
 * apple:  df 1, idf = ln(1 + 2.5/1.5) = 0.980829
 *   d1: tf 2, len 3: K = 1.2 * (0.25 + 0.75 * 3/3) = 1.2;  2*2.2/(2+1.2)   = 1.375
 *       -> 0.980829 * 1.375 = 1.348640
 * cherry: df 2, idf = ln(1 + 1.5/2.5) = ln 1.6 = 0.470004
 *   d2: tf 1, len 2: K = 1.2 * (0.25 + 0.5) = 0.9;  2.2/1.9 = 1.157895 -> 0.544215
 *   d3: tf 3, len 4: K = 1.2 * (0.25 + 1.0) = 1.5;  6.6/4.5 = 1.466667 -> 0.689339 */
static void bm25_matches_hand_computation(void **state)
{
    (void)state;
    sr_options o = sr_options_default();
    sr_result res;
    sr_result_init(&res);
    search("apple cherry", &o, &res);
    assert_int_equal(res.total, 3);
    assert_int_equal(res.n_hits, 3);
    assert_string_equal(res.hits[0].id, "d1");
    assert_true(fabs(res.hits[0].score - 1.348640) < 1e-5);
    assert_string_equal(res.hits[1].id, "d3");
    assert_true(fabs(res.hits[1].score - 0.689339) < 1e-5);
    assert_string_equal(res.hits[2].id, "d2");
    assert_true(fabs(res.hits[2].score - 0.544215) < 1e-5);
    sr_result_free(&res);
}

static void and_paging_and_ties(void **state)
{
    (void)state;
    sr_options o = sr_options_default();
    sr_result res;
    sr_result_init(&res);
    o.default_and = 1;
    search("banana cherry", &o, &res);
    assert_int_equal(res.total, 1);
    assert_string_equal(res.hits[0].id, "d2");
    o.default_and = 0;
    o.k = 1;
    o.offset = 1;
    search("banana cherry", &o, &res);
    assert_int_equal(res.total, 3);
    assert_int_equal(res.n_hits, 1);
    assert_int_equal(res.hits[0].rank, 2);
    /* "banana" alone: d1 and d2 both tf 1; d2 is shorter so scores higher. */
    o.k = 10;
    o.offset = 0;
    search("banana", &o, &res);
    assert_string_equal(res.hits[0].id, "d2");
    assert_string_equal(res.hits[1].id, "d1");
    /* A word in no document, and a query of stopwords only: no hits, no error. */
    search("zzzz the of", &o, &res);
    assert_int_equal(res.total, 0);
    sr_result_free(&res);
}

static void topk_keeps_best_and_breaks_ties_by_docid(void **state)
{
    (void)state;
    arena_t a;
    arena_init(&a, 1024);
    sr_topk t;
    assert_int_equal(sr_topk_init(&t, &a, 3), RC_OK);
    sr_topk_push(&t, 1.0, 5);
    sr_topk_push(&t, 2.0, 9);
    sr_topk_push(&t, 1.0, 2);
    sr_topk_push(&t, 1.0, 7); /* ties with 5 and 2 but later: dropped */
    sr_topk_push(&t, 0.5, 1);
    sr_topk_sort(&t);
    assert_int_equal(t.n, 3);
    assert_int_equal(t.h[0].docid, 9);
    assert_int_equal(t.h[1].docid, 2);
    assert_int_equal(t.h[2].docid, 5);
    arena_free(&a);
}

/* BM25TP bonus, hand-computed.  x1 "alpha beta zeta" (len 3), x2 with alpha
 * and beta 7 positions apart (len 8, outside the window of 5), x3 "gamma"
 * (len 1): N = 3, avgdl = 4; alpha and beta: df 2, idf = ln 1.6 = 0.470004.
 * x1: d = 1 -> acc = 1 for each word; K = 1.2 (0.25 + 0.75 * 3/4) = 0.975;
 * per word min(1, 0.470004) * 2.2 * 1 / 1.975 = 0.523549; two words, scale
 * 0.5 -> 0.523549. */
static void proximity_bonus_matches_hand_computation(void **state)
{
    (void)state;
    char *d2 = tu_tmpdir();
    ix_doc docs[] = {tu_doc("x1", "en", "", "alpha beta zeta"),
                     tu_doc("x2", "en", "", "alpha zeta zeta zeta zeta zeta zeta beta"),
                     tu_doc("x3", "en", "", "gamma")};
    err_t err;
    err_clear(&err);
    ix_run_stats rs;
    assert_int_equal(tu_index(d2, docs, 3, NULL, 0, &rs, &err), RC_OK);
    sr_searcher *s;
    assert_int_equal(sr_open(d2, &s, &err), RC_OK);
    sr_options o = sr_options_default();
    sr_result res;
    sr_result_init(&res);
    size_t col;
    assert_int_equal(sr_search(s, "alpha beta", 10, &o, &res, &col, &err), RC_OK);
    assert_string_equal(res.hits[0].id, "x1");
    assert_true(fabs(res.hits[0].proximity - 0.523549) < 1e-5);
    assert_string_equal(res.hits[1].id, "x2");
    assert_true(res.hits[1].proximity == 0);
    double with = res.hits[0].score;
    o.no_proximity = 1;
    assert_int_equal(sr_search(s, "alpha beta", 10, &o, &res, &col, &err), RC_OK);
    assert_true(fabs(with - res.hits[0].score - 0.523549) < 1e-5);
    assert_true(res.hits[0].proximity == 0);
    sr_result_free(&res);
    sr_close(s);
    tu_rmrf(d2);
    free(d2);
}

/* TREC lines: the score is always printf's "%.6f", also where the fast
 * path hands over (a rounding tie in the seventh decimal, out of range). */
static void trec_lines_print_scores_as_printf(void **state)
{
    (void)state;
    const double scores[] = {14.372913, 0.0, 2.5, 0.0000005, 1.2345675, 999999.9999995,
                             1.5e12, -1.25, 123456789.000001};
    for (size_t i = 0; i < sizeof scores / sizeof scores[0]; i++) {
        sr_hit h = {.id = "doc-7", .rank = 42, .score = scores[i]};
        buf_t b;
        buf_init(&b);
        rc_t rc = RC_OK;
        sr_format_hit(&b, SR_FMT_TREC, &h, "q3", NULL, 0, &rc);
        assert_int_equal(rc, RC_OK);
        char want[512];
        snprintf(want, sizeof want, "q3 Q0 doc-7 42 %.6f ours\n", scores[i]);
        assert_string_equal(buf_cstr(&b), want);
        buf_free(&b);
    }
}

/* Siblings on their own threads answer like their searcher does alone. */
static const char *const sib_queries[] = {"apple", "banana cherry", "cherry OR date",
                                          "\"banana cherry\"", "banana AND NOT apple"};
enum { SIB_Q = 5, SIB_ROUNDS = 200, SIB_THREADS = 3 };

typedef struct {
    sr_searcher *s;
    double want[SIB_Q][3];
    size_t want_n[SIB_Q];
    int bad;
} sib_thread;

static void sib_answers(sr_searcher *s, sr_result *res, size_t q, double out[3], size_t *n)
{
    size_t col;
    err_t err;
    err_clear(&err);
    sr_options o = sr_options_default();
    *n = 0;
    if (sr_search(s, sib_queries[q], strlen(sib_queries[q]), &o, res, &col, &err) != RC_OK)
        return;
    for (size_t i = 0; i < res->n_hits && i < 3; i++)
        out[i] = res->hits[i].score * 1000 + res->hits[i].docid;
    *n = res->n_hits;
}

static void *sib_main(void *p)
{
    sib_thread *t = p;
    sr_result res;
    sr_result_init(&res);
    for (int r = 0; r < SIB_ROUNDS; r++)
        for (size_t q = 0; q < SIB_Q; q++) {
            double got[3] = {0};
            size_t n;
            sib_answers(t->s, &res, q, got, &n);
            t->bad += n != t->want_n[q] || memcmp(got, t->want[q], sizeof got) != 0;
        }
    sr_result_free(&res);
    return NULL;
}

static void siblings_search_alike_on_threads(void **state)
{
    (void)state;
    err_t err;
    err_clear(&err);
    sr_searcher *s;
    assert_int_equal(sr_open(dir, &s, &err), RC_OK);
    sib_thread th[SIB_THREADS];
    memset(th, 0, sizeof th);
    sr_result res;
    sr_result_init(&res);
    for (size_t q = 0; q < SIB_Q; q++) {
        sib_answers(s, &res, q, th[0].want[q], &th[0].want_n[q]);
        assert_true(th[0].want_n[q] > 0);
    }
    sr_result_free(&res);
    th[0].s = s;
    for (int t = 1; t < SIB_THREADS; t++) {
        memcpy(th[t].want, th[0].want, sizeof th[0].want);
        memcpy(th[t].want_n, th[0].want_n, sizeof th[0].want_n);
        assert_int_equal(sr_open_sibling(s, &th[t].s, &err), RC_OK);
    }
    pthread_t tid[SIB_THREADS];
    for (int t = 0; t < SIB_THREADS; t++)
        assert_int_equal(pthread_create(&tid[t], NULL, sib_main, &th[t]), 0);
    for (int t = 0; t < SIB_THREADS; t++) {
        pthread_join(tid[t], NULL);
        assert_int_equal(th[t].bad, 0);
    }
    for (int t = SIB_THREADS - 1; t > 0; t--)
        sr_close(th[t].s);
    sr_close(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(bm25_matches_hand_computation),
        cmocka_unit_test(and_paging_and_ties),
        cmocka_unit_test(topk_keeps_best_and_breaks_ties_by_docid),
        cmocka_unit_test(proximity_bonus_matches_hand_computation),
        cmocka_unit_test(trec_lines_print_scores_as_printf),
        cmocka_unit_test(siblings_search_alike_on_threads),
    };
    return cmocka_run_group_tests_name("searcher", tests, setup, teardown);
}
