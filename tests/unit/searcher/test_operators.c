/* Unit tests for the query operators on a small index: phrases (stemming,
 * stopword gaps, Chinese), NEAR, title:, field filters, exclusion,
 * required words, prefixes and their limit, --explain of a phrase. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <math.h>
#include <stdio.h>
#include <cmocka.h>

#include "../../../common/mem.h"
#include "../../../searcher/internal.h"
#include "../../../searcher/sr.h"
#include "../testutil.h"

static char *dir;
static sr_searcher *srch;

static ix_doc doc(const char *id, const char *lang, const char *title, const char *text,
                  const char *date, const char *source)
{
    ix_doc d = tu_doc(id, lang, title, text);
    d.date = date;
    d.source = source;
    return d;
}

static int setup(void **state)
{
    (void)state;
    dir = tu_tmpdir();
    ix_doc docs[] = {
        doc("d1", "en", "Sepsis alert models",
            "Early warning models for sepsis in intensive care units. The warning came early.",
            "2025-08-26", "healthtech-daily.example"),
        doc("d2", "en", "Warning signs", "Models that warn early about sepsis: early sepsis warning.",
            "2024-02-14", "clinicalai-wire.example"),
        doc("d3", "ru", "Цифровая медицина",
            "Меморандум о развитии цифровой медицины и цифрового здравоохранения.", "2025-12-25",
            "TASS.ru"),
        doc("d4", "zh", "上海医院应用人工智能", "上海多家医院应用人工智能辅助诊断肺结节。",
            "2024-01-23", "yiliao-keji.example"),
        doc("d5", "en", "", "mother of pearl and the pearl of mother", "", ""),
    };
    err_t err;
    err_clear(&err);
    ix_run_stats rs;
    if (tu_index(dir, docs, 5, NULL, 0, &rs, &err) != RC_OK)
        return -1;
    return sr_open(dir, &srch, &err) == RC_OK ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    sr_close(srch);
    tu_rmrf(dir);
    free(dir);
    return 0;
}

/* The ids of the hits, in rank order, space-separated ("-" for none). */
static const char *ids_opt(const char *q, const sr_options *o)
{
    static char out[600];
    sr_result res;
    sr_result_init(&res);
    size_t col;
    err_t err;
    err_clear(&err);
    rc_t rc = sr_search(srch, q, strlen(q), o, &res, &col, &err);
    if (rc != RC_OK) {
        snprintf(out, sizeof out, "error %s", err.msg);
    } else {
        size_t n = 0;
        out[0] = '\0';
        for (size_t i = 0; i < res.n_hits; i++)
            n += (size_t)snprintf(out + n, sizeof out - n, "%s%s", i ? " " : "", res.hits[i].id);
        if (res.n_hits == 0)
            strcpy(out, "-");
    }
    sr_result_free(&res);
    return out;
}

static const char *ids(const char *q)
{
    sr_options o = sr_options_default();
    return ids_opt(q, &o);
}

/* Same ids, sorted, for results whose order is not the point. */
static const char *set(const char *q)
{
    static char sorted[256];
    char words[8][16];
    size_t n = 0;
    const char *r = ids(q);
    while (*r && n < 8) {
        size_t len = strcspn(r, " ");
        snprintf(words[n++], sizeof words[0], "%.*s", (int)len, r);
        r += len + (r[len] == ' ');
    }
    for (size_t i = 1; i < n; i++)
        for (size_t j = i; j > 0 && strcmp(words[j - 1], words[j]) > 0; j--) {
            char t[16];
            strcpy(t, words[j]);
            strcpy(words[j], words[j - 1]);
            strcpy(words[j - 1], t);
        }
    sorted[0] = '\0';
    for (size_t i = 0; i < n; i++) {
        if (i)
            strcat(sorted, " ");
        strcat(sorted, words[i]);
    }
    return sorted;
}

static void phrases(void **state)
{
    (void)state;
    assert_string_equal(ids("\"early warning\""), "d1");
    assert_string_equal(set("\"early warnings\""), "d1");        /* stemmed */
    assert_string_equal(ids("\"warning early\""), "d2");       /* "warn early" */
    assert_string_equal(ids("\"units intensive\""), "-");
    assert_string_equal(ids("\"mother of pearl\""), "d5");       /* stopword keeps its gap */
    assert_string_equal(ids("\"mother pearl\""), "-");
    assert_string_equal(ids("\"pearl of mother\""), "d5");
    assert_string_equal(ids("\"цифровая медицина\""), "d3");    /* цифровой медицины */
    assert_string_equal(ids("\"人工智能辅助\""), "d4");           /* segmented words in order */
    assert_string_equal(ids("\"辅助人工智能\""), "-");
    assert_string_equal(ids("\"the of\""), "-");                 /* stopwords only: no terms */
    assert_string_equal(ids("\"early nosuchword\""), "-");
}

static void near(void **state)
{
    (void)state;
    assert_string_equal(set("early NEAR/1 warning"), "d1 d2");  /* "warn early" too */
    assert_string_equal(ids("early NEAR/1 sepsis"), "d2");
    assert_string_equal(set("early NEAR/4 sepsis"), "d1 d2");
    assert_string_equal(ids("mother NEAR/2 pearl"), "d5");
    assert_string_equal(ids("\"mother of\" NEAR/1 pearl"), "d5");
    assert_string_equal(ids("sepsis NEAR/3 pearl"), "-");
    /* ICU segments 人工智能 as 人工 智能 and 肺结节 as 肺 结 节: multi-word
     * operands are phrases, and the gap is counted between them. */
    assert_string_equal(ids("人工智能 NEAR/3 肺结节"), "d4");
    assert_string_equal(ids("人工智能 NEAR/2 肺结节"), "-");
}

static void title_and_filters(void **state)
{
    (void)state;
    assert_string_equal(ids("title:sepsis"), "d1");
    assert_string_equal(ids("title:warning"), "d2");
    assert_string_equal(ids("title:\"alert models\""), "d1");
    assert_string_equal(ids("title:(pearl OR медицина)"), "d3");
    assert_string_equal(ids("lang:ru"), "d3");
    assert_string_equal(set("lang:ru,zh"), "d3 d4");
    assert_string_equal(set("date:2025"), "d1 d3");
    assert_string_equal(set("date:<2025"), "d2 d4");
    assert_string_equal(ids("date:2024-02-14..2024-02-14"), "d2");
    assert_string_equal(ids("source:tass"), "d3");
    assert_string_equal(set("-lang:en"), "d3 d4");
    assert_string_equal(set("(lang:ru OR lang:zh) -date:2024"), "d3");
    assert_string_equal(ids("sepsis lang:en date:2025"), "d1");  /* filters restrict words */
    assert_string_equal(ids("sepsis OR lang:ru"), "-");          /* ... even next to OR */
    /* Side by side: same field ORed, different fields ANDed (Xapian's rule);
     * a written OR between filters alone is an OR. */
    assert_string_equal(set("lang:ru lang:zh"), "d3 d4");
    assert_string_equal(ids("lang:ru date:2025"), "d3");
    assert_string_equal(set("lang:zh OR date:2025"), "d1 d3 d4");
    assert_string_equal(set("lang:ru lang:zh date:<2025"), "d4");
    assert_string_equal(set("(lang:ru date:2025) OR source:clinicalai"), "d2 d3");
}

static void boolean(void **state)
{
    (void)state;
    assert_string_equal(ids("sepsis -title:sepsis"), "d2");
    assert_string_equal(ids("sepsis AND pearl"), "-");
    assert_string_equal(set("pearl OR sepsis"), "d1 d2 d5");
    assert_string_equal(ids("+pearl sepsis"), "d5");
    assert_string_equal(set("NOT sepsis"), "d3 d4 d5");
    assert_string_equal(set("sepsis NOT (early AND units)"), "d2");
    assert_string_equal(ids("-nosuchword pearl"), "d5");
    assert_string_equal(set("(early OR pearl) -(sepsis OR mother)"), "-");
    sr_options o = sr_options_default();
    o.default_and = 1;
    assert_string_equal(ids_opt("上海医院", &o), "d4");
    assert_string_equal(ids_opt("sepsis pearl", &o), "-");
    assert_string_equal(set("sepsis pearl"), "d1 d2 d5");
}

static void prefixes(void **state)
{
    (void)state;
    assert_string_equal(set("warn*"), "d1 d2");
    assert_string_equal(set("Warn*"), "d1 d2");                  /* folded */
    assert_string_equal(ids("мед*"), "d3");
    assert_string_equal(ids("上海*"), "d4");
    assert_string_equal(ids("zzz*"), "-");
    sr_options o = sr_options_default();
    o.max_expansions = 1;
    sr_result res;
    sr_result_init(&res);
    size_t col;
    err_t err;
    err_clear(&err);
    assert_int_equal(sr_search(srch, "m*", 2, &o, &res, &col, &err), RC_OK);
    assert_non_null(res.note);
    assert_non_null(strstr(res.note, "prefix m* matches"));
    assert_non_null(strstr(res.note, "searching the 1 most frequent"));
    sr_result_free(&res);
}

static void explains_phrase_frequency(void **state)
{
    (void)state;
    sr_options o = sr_options_default();
    o.explain = 1;
    sr_result res;
    sr_result_init(&res);
    size_t col;
    err_t err;
    err_clear(&err);
    const char *q = "\"early sepsis\" models";
    assert_int_equal(sr_search(srch, q, strlen(q), &o, &res, &col, &err), RC_OK);
    assert_int_equal(res.n_hits, 2);   /* d1 has "models" only */
    assert_string_equal(res.hits[0].id, "d2");
    double sum = 0;
    int phrase_terms = 0;
    for (size_t i = 0; i < res.hits[0].n_explain; i++) {
        const sr_explain_term *e = &res.hits[0].explain[i];
        sum += e->weight;
        if (e->via && !strcmp(e->via, "phrase")) {
            phrase_terms++;
            assert_int_equal(e->tf, 1);   /* the phrase once, though "sepsis" is there twice */
        }
        assert_true(e->k1 == 1.2 && e->b == 0.75);
    }
    assert_int_equal(phrase_terms, 2);
    assert_true(fabs(sum - res.hits[0].score) < 1e-9);
    sr_result_free(&res);
}

static void lenient_falls_back_to_plain_words(void **state)
{
    (void)state;
    sr_options o = sr_options_default();
    assert_string_equal(ids_opt("pearl \"of mother", &o), "error column 7: the quote is never closed (a phrase needs a closing \")");
    o.lenient = 1;
    sr_result res;
    sr_result_init(&res);
    size_t col;
    err_t err;
    err_clear(&err);
    assert_int_equal(sr_search(srch, "pearl \"of mother", 16, &o, &res, &col, &err), RC_OK);
    assert_int_equal(res.n_hits, 1);
    assert_int_equal(res.note_col, 7);
    assert_non_null(strstr(res.note, "searched as plain words"));
    sr_result_free(&res);
}

/* Failing each allocation in turn gives the right answer or RC_NOMEM, never
 * a crash (run under SANITIZE=1 for leaks and bad reads). */
static void allocation_failures(void **state)
{
    (void)state;
    const char *q = "(\"early warning\" OR warn* OR 人工智能) early NEAR/4 sepsis "
                    "-title:pearl lang:en date:2025 +models";
    sr_options o = sr_options_default();
    o.explain = 1;
    o.want_snippets = 1;
    o.lenient = 1;
    sr_result res;
    sr_result_init(&res);
    size_t col;
    err_t err;
    err_clear(&err);
    assert_int_equal(sr_search(srch, q, strlen(q), &o, &res, &col, &err), RC_OK);
    assert_int_equal(res.n_hits, 1);
    int ok = 0, nomem = 0;
    for (long n = 0; n < 400; n++) {
        sr_result_free(&res);
        sr_result_init(&res);
        err_clear(&err);
        mem_fail_after(n);
        rc_t rc = sr_search(srch, q, strlen(q), &o, &res, &col, &err);
        mem_fail_reset();
        if (rc == RC_OK) {
            assert_int_equal(res.n_hits, 1);
            assert_string_equal(res.hits[0].id, "d1");
            ok++;
        } else {
            assert_int_equal(rc, RC_NOMEM);
            nomem++;
        }
    }
    sr_result_free(&res);
    assert_true(nomem > 0 && ok > 0);
}

/* ---- the combinators on fake posting lists --------------------------------- */

typedef struct {
    sr_it base;
    const uint32_t *d;
    size_t n, i;
    int started;
} list_it;

static rc_t list_sync(list_it *l)
{
    l->base.docid = l->i < l->n ? l->d[l->i] : SR_END;
    return RC_OK;
}

static rc_t list_next(sr_it *it, err_t *err)
{
    (void)err;
    list_it *l = (list_it *)it;
    l->i += l->started;
    l->started = 1;
    return list_sync(l);
}

static rc_t list_skip(sr_it *it, uint32_t d, err_t *err)
{
    (void)err;
    list_it *l = (list_it *)it;
    assert_true(d > it->docid);   /* the protocol every iterator relies on */
    l->started = 1;
    while (l->i < l->n && l->d[l->i] < d)
        l->i++;
    return list_sync(l);
}

static double list_score(sr_it *it)
{
    return it->docid / 1000.0;
}

static const sr_it_ops list_ops = {list_next, list_skip, list_score, NULL, NULL, NULL};

static sr_it *list(arena_t *a, const uint32_t *d, size_t n)
{
    list_it *l = arena_alloc(a, sizeof *l);
    *l = (list_it){.base = {&list_ops, 0, 1}, .d = d, .n = n};
    return &l->base;
}

/* Docids of it, space-separated, with the sum of scores at the end. */
static const char *walk(sr_it *it)
{
    static char out[256];
    err_t err;
    size_t n = 0;
    double sum = 0;
    out[0] = '\0';
    for (rc_t rc = it->ops->next(it, &err); rc == RC_OK && it->docid != SR_END;
         rc = it->ops->next(it, &err)) {
        n += (size_t)snprintf(out + n, sizeof out - n, "%u ", it->docid);
        sum += it->ops->score(it);
    }
    snprintf(out + n, sizeof out - n, "= %.3f", sum);
    return out;
}

static void combinators(void **state)
{
    (void)state;
    static const uint32_t a[] = {1, 3, 5, 7, 9}, b[] = {3, 4, 5, 10}, c[] = {5};
    arena_t ar;
    arena_init(&ar, 4096);
    sr_it *it;
    assert_int_equal(sr_andnot_new(&ar, list(&ar, a, 5), list(&ar, b, 4), &it), RC_OK);
    assert_string_equal(walk(it), "1 7 9 = 0.017");
    assert_int_equal(sr_andmaybe_new(&ar, list(&ar, a, 5), list(&ar, b, 4), &it), RC_OK);
    assert_string_equal(walk(it), "1 3 5 7 9 = 0.033");   /* 3 and 5 scored twice */
    sr_it *kids[] = {list(&ar, a, 5), list(&ar, b, 4), list(&ar, c, 1)};
    assert_int_equal(sr_and_new(&ar, kids, 3, &it), RC_OK);
    assert_string_equal(walk(it), "5 = 0.015");
    sr_it *kids2[] = {list(&ar, a, 5), list(&ar, b, 4)};
    assert_int_equal(sr_or_new(&ar, kids2, 2, &it), RC_OK);
    assert_string_equal(walk(it), "1 3 4 5 7 9 10 = 0.047");
    /* skip_to into the middle of an exclusion */
    assert_int_equal(sr_andnot_new(&ar, list(&ar, a, 5), list(&ar, c, 1), &it), RC_OK);
    err_t err;
    assert_int_equal(it->ops->skip_to(it, 4, &err), RC_OK);
    assert_int_equal(it->docid, 7);
    arena_free(&ar);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(phrases),
        cmocka_unit_test(near),
        cmocka_unit_test(title_and_filters),
        cmocka_unit_test(boolean),
        cmocka_unit_test(prefixes),
        cmocka_unit_test(explains_phrase_frequency),
        cmocka_unit_test(lenient_falls_back_to_plain_words),
        cmocka_unit_test(combinators),
        cmocka_unit_test(allocation_failures),
    };
    return cmocka_run_group_tests_name("operators", tests, setup, teardown);
}
