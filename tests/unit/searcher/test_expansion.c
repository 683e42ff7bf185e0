/* Unit tests for the query expansions and extras of the searcher, each in
 * English, Russian and Chinese: cross-lingual expansion with the glossary
 * (one clause per concept, unchanged scores in the query's own language),
 * the data file lookup, --histogram (months, ISO weeks, years, unknown),
 * "did you mean" suggestions (code point edit distance, same script, df
 * order) and --like.  Runs from the repository root (tests/run_tests.sh). */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <cmocka.h>

#include "../../../common/mem.h"
#include "../../../common/utf8.h"
#include "../../../searcher/internal.h"
#include "../../../searcher/sr.h"
#include "../testutil.h"

static char *dir;
static int datadir_override;

static ix_doc dated(const char *id, const char *lang, const char *text, const char *date)
{
    ix_doc d = tu_doc(id, lang, "", text);
    d.date = date;
    return d;
}

static int setup(void **state)
{
    (void)state;
    dir = tu_tmpdir();
    ix_doc docs[] = {
        dated("en-tele", "en", "Telemedicine links rural clinics with city specialists.",
              "2025-01-15"),
        dated("ru-tele", "ru", "Телемедицина связывает сельские больницы со специалистами.",
              "2025-01-20"),
        dated("zh-tele", "zh", "远程医疗连接乡村诊所和城市专家。", "2025-03-02"),
        dated("en-ai", "en", "Artificial intelligence reads chest scans in rural clinics.",
              "2024-12-30"),
        dated("ru-ai", "ru", "Искусственный интеллект читает снимки грудной клетки.", ""),
        dated("zh-ai", "zh", "人工智能读取胸部影像。", "2026-06-12"),
        dated("en-weather", "en", "Weather report: pneumonia season and pneumonia wards.",
              "2025-01-16"),
        dated("en-pn", "en", "Pneumonic plague is rare.", "2025-02-01"),
        dated("ru-pn", "ru", "Пневмония у детей: пневмония и снимки грудной клетки.", "2025-02-02"),
    };
    err_t err;
    err_clear(&err);
    ix_run_stats rs;
    setenv("HEALTHAI_SEARCH_DATADIR", "analyzers/data", 1);
    return tu_index(dir, docs, sizeof docs / sizeof *docs, NULL, 0, &rs, &err) == RC_OK ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    tu_rmrf(dir);
    free(dir);
    return 0;
}

static rc_t search_rc(const char *q, const sr_options *o, sr_result *res, err_t *err)
{
    sr_searcher *s;
    err_clear(err);
    if (!datadir_override)   /* a failed test must not leave its empty directory */
        setenv("HEALTHAI_SEARCH_DATADIR", "analyzers/data", 1);
    assert_int_equal(sr_open(dir, &s, err), RC_OK);
    size_t col;
    rc_t rc = sr_search(s, q, strlen(q), o, res, &col, err);
    sr_close(s);
    return rc;
}

static void search(const char *q, const sr_options *o, sr_result *res)
{
    err_t err;
    rc_t rc = search_rc(q, o, res, &err);
    if (rc != RC_OK)
        fail_msg("%s: %s", q, err.msg);
}

/* The ids of the hits, sorted, space-separated. */
static const char *ids(const sr_result *res, char *out, size_t cap)
{
    const char *v[64];
    size_t n = res->n_hits < 64 ? res->n_hits : 64;
    for (size_t i = 0; i < n; i++)
        v[i] = res->hits[i].id;
    for (size_t i = 1; i < n; i++)
        for (size_t j = i; j > 0 && strcmp(v[j - 1], v[j]) > 0; j--) {
            const char *t = v[j];
            v[j] = v[j - 1];
            v[j - 1] = t;
        }
    out[0] = '\0';
    for (size_t i = 0; i < n; i++) {
        if (i)
            strncat(out, " ", cap - strlen(out) - 1);
        strncat(out, v[i], cap - strlen(out) - 1);
    }
    return out;
}

static double score_of(const sr_result *res, const char *id)
{
    for (size_t i = 0; i < res->n_hits; i++)
        if (!strcmp(res->hits[i].id, id))
            return res->hits[i].score;
    fail_msg("%s is not a hit", id);
    return 0;
}

/* ---- glossary and data path ------------------------------------------------ */

static void glossary_keys_meet_across_languages(void **state)
{
    (void)state;
    char path[4096];
    err_t err;
    err_clear(&err);
    assert_int_equal(an_data_path("glossary.tsv", path, sizeof path, &err), RC_OK);
    assert_string_equal(path, "analyzers/data/glossary.tsv");
    an_config cfg = an_config_default();
    an_analyzer *an;
    assert_int_equal(an_open(&cfg, &an, &err), RC_OK);
    an_glossary *g;
    assert_int_equal(an_glossary_load(an, path, &g, &err), RC_OK);
    assert_true(an_glossary_size(g) >= 300);
    /* Every name of a concept, in any form the analyzer folds together. */
    static const char *const ai[] = {"artificial intelligence", "Artificial Intelligence",
                                     "искусственного интеллекта", "ИИ", "人工智能", "人工智慧"};
    buf_t key;
    buf_init(&key);
    long c0 = -1;
    for (size_t i = 0; i < sizeof ai / sizeof *ai; i++) {
        assert_int_equal(an_gloss_key(an, ai[i], strlen(ai[i]), &key, &err), RC_OK);
        long c = an_glossary_find(g, buf_cstr(&key), key.len);
        assert_true(c >= 0);
        if (i == 0)
            c0 = c;
        assert_int_equal(c, c0);
    }
    /* medical imaging / медицинская визуализация / 医学影像: one concept. */
    const char *mi_ru = "медицинской визуализации";
    assert_int_equal(an_gloss_key(an, mi_ru, strlen(mi_ru), &key, &err), RC_OK);
    long mi = an_glossary_find(g, buf_cstr(&key), key.len);
    assert_true(mi >= 0 && mi != c0);
    const an_gloss_variant *v;
    size_t nv = an_glossary_variants(g, (size_t)mi, &v);
    assert_true(nv >= 3);
    assert_string_equal(v[0].text, "medical imaging");
    int zh = 0;
    for (size_t i = 0; i < nv; i++)
        zh |= v[i].lang == 2 && !strcmp(v[i].text, "医学影像");
    assert_true(zh);
    assert_int_equal(an_gloss_key(an, "weather", 7, &key, &err), RC_OK);
    assert_int_equal(an_glossary_find(g, buf_cstr(&key), key.len), -1);
    buf_free(&key);
    an_glossary_free(g);
    an_close(an);
}

static void glossary_file_errors_are_values(void **state)
{
    (void)state;
    char *d = tu_tmpdir();
    char path[512], got[4096];
    err_t err;
    err_clear(&err);
    /* The variable names the only directory looked at. */
    setenv("HEALTHAI_SEARCH_DATADIR", d, 1);
    datadir_override = 1;
    assert_int_equal(an_data_path("glossary.tsv", got, sizeof got, &err), RC_NOTFOUND);
    assert_non_null(strstr(err.msg, "HEALTHAI_SEARCH_DATADIR"));
    /* sr_search: a cross-lingual query without a glossary is a clean error. */
    sr_options o = sr_options_default();
    o.cross_lingual = 1;
    sr_result res;
    sr_result_init(&res);
    assert_int_equal(search_rc("telemedicine", &o, &res, &err), RC_BADINPUT);
    assert_non_null(strstr(err.msg, "glossary"));
    o.cross_lingual = 0;
    assert_int_equal(search_rc("xl:telemedicine", &o, &res, &err), RC_BADINPUT);
    sr_result_free(&res);
    datadir_override = 0;
    setenv("HEALTHAI_SEARCH_DATADIR", "analyzers/data", 1);
    /* A malformed glossary: four columns. */
    snprintf(path, sizeof path, "%s/glossary.tsv", d);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs("# comment\na\tб\t丙\textra\n", f);
    fclose(f);
    an_config cfg = an_config_default();
    an_analyzer *an;
    an_glossary *g;
    assert_int_equal(an_open(&cfg, &an, &err), RC_OK);
    err_clear(&err);
    assert_int_equal(an_glossary_load(an, path, &g, &err), RC_BADINPUT);
    assert_null(g);
    if (!strstr(err.msg, ":2: more than three columns"))
        fail_msg("%s", err.msg);
    an_close(an);
    setenv("HEALTHAI_SEARCH_DATADIR", "analyzers/data", 1);
    tu_rmrf(d);
    free(d);
}

/* ---- cross-lingual search --------------------------------------------------- */

static void cross_lingual_finds_all_three_languages(void **state)
{
    (void)state;
    char buf[512];
    sr_options o = sr_options_default();
    o.k = 20;
    sr_result res;
    sr_result_init(&res);
    search("telemedicine", &o, &res);
    assert_string_equal(ids(&res, buf, sizeof buf), "en-tele");
    search("xl:telemedicine", &o, &res);
    assert_string_equal(ids(&res, buf, sizeof buf), "en-tele ru-tele zh-tele");
    assert_non_null(strstr(res.expansion, "телемедицина"));
    assert_non_null(strstr(res.expansion, "远程医疗"));
    o.cross_lingual = 1;
    /* From Russian (another case) and from Chinese. */
    search("телемедицины", &o, &res);
    assert_string_equal(ids(&res, buf, sizeof buf), "en-tele ru-tele zh-tele");
    search("人工智能", &o, &res);
    assert_string_equal(ids(&res, buf, sizeof buf), "en-ai ru-ai zh-ai");
    /* A two-word name from English; the rest of the query stays plain. */
    search("artificial intelligence weather", &o, &res);
    assert_string_equal(ids(&res, buf, sizeof buf), "en-ai en-weather ru-ai zh-ai");
    /* Filters still apply. */
    search("xl:telemedicine lang:zh", &o, &res);
    assert_string_equal(ids(&res, buf, sizeof buf), "zh-tele");
    /* The rest-of-query form. */
    o.cross_lingual = 0;
    search("xl: artificial intelligence", &o, &res);
    assert_string_equal(ids(&res, buf, sizeof buf), "en-ai ru-ai zh-ai");
    sr_result_free(&res);
}

static void one_clause_per_concept(void **state)
{
    (void)state;
    sr_options o = sr_options_default();
    o.k = 20;
    o.no_proximity = 1;
    sr_result res, plain;
    sr_result_init(&res);
    sr_result_init(&plain);
    /* A document in the query's language scores exactly as without the
     * expansion: the best alternative is its own word. */
    search("telemedicine", &o, &plain);
    double en = score_of(&plain, "en-tele");
    search("xl:telemedicine", &o, &res);
    assert_true(fabs(score_of(&res, "en-tele") - en) < 1e-12);
    /* A Russian document scores as the Russian name alone would: the five
     * names of AI count once, not once each. */
    search("\"искусственный интеллект\"", &o, &plain);
    double ru = score_of(&plain, "ru-ai");
    search("xl:AI", &o, &res);
    assert_true(fabs(score_of(&res, "ru-ai") - ru) < 1e-12);
    search("xl:\"artificial intelligence\"", &o, &res);
    assert_true(fabs(score_of(&res, "ru-ai") - ru) < 1e-12);
    /* --explain shows the winning name, marked xl. */
    o.explain = 1;
    search("xl:telemedicine", &o, &res);
    for (size_t i = 0; i < res.n_hits; i++) {
        /* 远程医疗 is a phrase of two words: two parts */
        assert_int_equal(res.hits[i].n_explain, strcmp(res.hits[i].id, "zh-tele") ? 1 : 2);
        const sr_explain_term *e = &res.hits[i].explain[0];
        if (!strcmp(res.hits[i].id, "en-tele"))
            assert_null(e->via);
        else
            assert_string_equal(e->via, "xl");
    }
    sr_result_free(&res);
    sr_result_free(&plain);
}

static void cross_lingual_under_and(void **state)
{
    (void)state;
    char buf[512];
    sr_options o = sr_options_default();
    o.k = 20;
    o.default_and = 1;
    o.cross_lingual = 1;
    sr_result res;
    sr_result_init(&res);
    /* Each concept is required, in any of its names. */
    search("artificial intelligence снимки", &o, &res);
    assert_string_equal(ids(&res, buf, sizeof buf), "ru-ai");
    search("telemedicine", &o, &res);
    assert_string_equal(ids(&res, buf, sizeof buf), "en-tele ru-tele zh-tele");
    sr_result_free(&res);
}

/* ---- histogram ------------------------------------------------------------- */

static void hist_label_of(int unit, const char *date, const char *want)
{
    long ord;
    char got[16];
    assert_true(sr_hist_ordinal(unit, date, strlen(date), &ord));
    sr_hist_label(unit, ord, got);
    if (strcmp(got, want))
        fail_msg("%s: got %s, want %s", date, got, want);
}

static void iso_weeks_and_periods(void **state)
{
    (void)state;
    hist_label_of(SR_HIST_WEEK, "2024-12-30", "2025-W01");   /* Monday of week 1 */
    hist_label_of(SR_HIST_WEEK, "2021-01-03", "2020-W53");   /* a Sunday in 53-week 2020 */
    hist_label_of(SR_HIST_WEEK, "2026-12-31", "2026-W53");
    hist_label_of(SR_HIST_WEEK, "2027-01-01", "2026-W53");
    hist_label_of(SR_HIST_WEEK, "1969-12-29", "1970-W01");   /* before the epoch */
    hist_label_of(SR_HIST_WEEK, "2025-03-02T10:00:00Z", "2025-W09");
    hist_label_of(SR_HIST_MONTH, "2025-12-25", "2025-12");
    hist_label_of(SR_HIST_YEAR, "2025-12-25", "2025");
    long ord;
    assert_false(sr_hist_ordinal(SR_HIST_MONTH, "", 0, &ord));
    assert_false(sr_hist_ordinal(SR_HIST_MONTH, "2025-13-01", 10, &ord));
    assert_false(sr_hist_ordinal(SR_HIST_WEEK, "2025-06", 7, &ord));
    assert_false(sr_hist_ordinal(SR_HIST_YEAR, "25.12.2025", 10, &ord));
}

static void histogram_counts_every_match(void **state)
{
    (void)state;
    sr_options o = sr_options_default();
    o.k = 1;   /* the histogram is not limited to the hits shown */
    o.cross_lingual = 1;
    o.histogram = SR_HIST_MONTH;
    sr_result res;
    sr_result_init(&res);
    /* en-tele 2025-01-15, ru-tele 2025-01-20, zh-tele 2025-03-02 */
    search("телемедицина", &o, &res);
    assert_int_equal(res.total, 3);
    assert_int_equal(res.n_buckets, 3);
    assert_string_equal(res.buckets[0].period, "2025-01");
    assert_int_equal(res.buckets[0].count, 2);
    assert_string_equal(res.buckets[1].period, "2025-02");
    assert_int_equal(res.buckets[1].count, 0);
    assert_string_equal(res.buckets[2].period, "2025-03");
    assert_int_equal(res.buckets[2].count, 1);
    assert_int_equal(res.unknown, 0);
    /* en-ai 2024-12-30 (ISO 2025-W01), ru-ai no date, zh-ai 2026-06-12 */
    o.histogram = SR_HIST_YEAR;
    search("人工智能", &o, &res);
    assert_int_equal(res.n_buckets, 3);
    assert_string_equal(res.buckets[0].period, "2024");
    assert_string_equal(res.buckets[2].period, "2026");
    assert_int_equal(res.unknown, 1);
    o.histogram = SR_HIST_WEEK;
    search("xl:AI", &o, &res);
    assert_string_equal(res.buckets[0].period, "2025-W01");
    assert_string_equal(res.buckets[res.n_buckets - 1].period, "2026-W24");
    assert_int_equal(res.unknown, 1);
    sr_result_free(&res);
}

/* ---- suggestions ------------------------------------------------------------ */

static size_t cps(const char *s, uint32_t *out)
{
    size_t n = 0;
    const unsigned char *p = (const unsigned char *)s, *end = p + strlen(s);
    while (p < end)
        p += utf8_decode(p, end, &out[n++]);
    return n;
}

static unsigned dist(const char *a, const char *b, unsigned bound)
{
    uint32_t x[128], y[128];
    size_t nx = cps(a, x), ny = cps(b, y);
    return sr_edit_distance(x, nx, y, ny, bound);
}

static void edit_distance_on_code_points(void **state)
{
    (void)state;
    assert_int_equal(dist("pneumonia", "pneumonia", 2), 0);
    assert_int_equal(dist("pnuemonia", "pneumonia", 2), 1);    /* a swap is one edit */
    assert_int_equal(dist("телемедецина", "телемедицина", 2), 1);   /* 2 bytes, 1 letter */
    assert_int_equal(dist("人工智障", "人工智能", 2), 1);
    assert_int_equal(dist("pneumonia", "pneumo", 2), 3);       /* bound + 1 */
    assert_int_equal(dist("abcdef", "badcfe", 2), 3);
    assert_int_equal(dist("", "ab", 2), 2);
}

static void suggestions_same_script_by_distance_then_df(void **state)
{
    (void)state;
    err_t err;
    err_clear(&err);
    ix_reader *r;
    assert_int_equal(ix_reader_open(dir, &r, &err), RC_OK);
    assert_int_equal(ix_reader_begin(r, &err), RC_OK);
    arena_t a;
    arena_init(&a, 4096);
    sr_suggestion sg;
    size_t visited = 0;
    /* pneumonia (df 1, distance 1) before pneumon (stem of pneumonic, df 1, distance 2) */
    assert_int_equal(sr_suggest(r, "pneumonai", &a, &sg, &visited, &err), RC_OK);
    assert_true(sg.n_alt >= 1);
    assert_string_equal(sg.alt[0], "pneumonia");
    assert_int_equal(sg.dist[0], 1);
    assert_true(visited > 0);
    /* Russian: stems, and never a Latin term. */
    assert_int_equal(sr_suggest(r, "пневмани", &a, &sg, NULL, &err), RC_OK);
    assert_true(sg.n_alt >= 1);
    assert_string_equal(sg.alt[0], "пневмон");
    for (size_t i = 0; i < sg.n_alt; i++)
        assert_int_equal(an_term_script(sg.alt[i], strlen(sg.alt[i])), AN_SCRIPT_CYRILLIC);
    /* Chinese: one edit for words of two or more characters. */
    assert_int_equal(sr_suggest(r, "诊听", &a, &sg, NULL, &err), RC_OK);
    assert_true(sg.n_alt >= 1);
    assert_string_equal(sg.alt[0], "诊所");
    assert_int_equal(sr_suggest(r, "诊", &a, &sg, NULL, &err), RC_OK);
    assert_int_equal(sg.n_alt, 0);
    /* A first letter typo is found by the whole-script pass. */
    assert_int_equal(sr_suggest(r, "xneumonia", &a, &sg, NULL, &err), RC_OK);
    assert_true(sg.n_alt >= 1);
    assert_string_equal(sg.alt[0], "pneumonia");
    /* Short words get no suggestion (too many neighbours). */
    assert_int_equal(sr_suggest(r, "ix", &a, &sg, NULL, &err), RC_OK);
    assert_int_equal(sg.n_alt, 0);
    arena_free(&a);
    ix_reader_end(r);
    ix_reader_close(r);
}

static void search_reports_suggestions(void **state)
{
    (void)state;
    sr_options o = sr_options_default();
    o.suggest = 1;
    sr_result res;
    sr_result_init(&res);
    search("pnuemonia телемедецина", &o, &res);
    assert_int_equal(res.n_suggestions, 2);
    assert_string_equal(res.suggestions[0].term, "pnuemonia");
    assert_string_equal(res.suggestions[0].alt[0], "pneumonia");
    assert_string_equal(res.suggestions[1].alt[0], "телемедицин");
    /* Excluded words and words that exist ask for nothing. */
    search("pneumonia -pnuemonia", &o, &res);
    assert_int_equal(res.n_suggestions, 0);
    o.suggest = 0;
    search("pnuemonia", &o, &res);
    assert_int_equal(res.n_suggestions, 0);
    sr_result_free(&res);
}

/* ---- more like this ------------------------------------------------------------ */

static void like_finds_similar_documents(void **state)
{
    (void)state;
    sr_options o = sr_options_default();
    o.k = 20;
    sr_result res;
    sr_result_init(&res);
    o.like_id = "en-weather";   /* pneumonia x2, rural? no: shares "pneumonia" with nothing else */
    search("", &o, &res);
    for (size_t i = 0; i < res.n_hits; i++)
        assert_string_not_equal(res.hits[i].id, "en-weather");
    o.like_id = "ru-pn";   /* снимки грудной клетки, like ru-ai */
    search("", &o, &res);
    assert_true(res.n_hits >= 1);
    assert_string_equal(res.hits[0].id, "ru-ai");
    assert_non_null(strstr(res.expansion, "like:"));
    o.like_id = "en-ai";   /* rural clinics, like en-tele */
    search("", &o, &res);
    assert_string_equal(res.hits[0].id, "en-tele");
    /* With a query, the query must match too. */
    search("lang:ru", &o, &res);
    assert_int_equal(res.n_hits, 0);
    o.like_id = "zh-tele";   /* 城市, 乡村 ... nothing shared: no hits */
    search("", &o, &res);
    for (size_t i = 0; i < res.n_hits; i++)
        assert_string_not_equal(res.hits[i].id, "zh-tele");
    /* --cross-lingual: the glossary names among its terms bring their
     * translations (even a term no other document has). */
    char buf[512];
    o.like_id = "en-tele";
    search("", &o, &res);
    assert_null(strstr(ids(&res, buf, sizeof buf), "ru-tele"));
    o.cross_lingual = 1;
    search("", &o, &res);
    if (!strstr(ids(&res, buf, sizeof buf), "ru-tele"))
        fail_msg("%s / %s", buf, res.expansion);
    assert_non_null(strstr(ids(&res, buf, sizeof buf), "zh-tele"));
    assert_non_null(strstr(res.expansion, "telemedicine → телемедицина | 远程医疗"));
    /* Only one-word names are looked up: 远程医疗 is two words (远程 医疗)
     * among the terms of zh-tele, 诊所 one (clinic). */
    o.like_id = "zh-tele";
    search("", &o, &res);
    assert_non_null(strstr(ids(&res, buf, sizeof buf), "en-tele"));
    assert_null(strstr(ids(&res, buf, sizeof buf), "ru-tele"));
    o.cross_lingual = 0;
    err_t err;
    o.like_id = "no-such-id";
    assert_int_equal(search_rc("", &o, &res, &err), RC_BADINPUT);
    assert_non_null(strstr(err.msg, "no-such-id"));
    sr_result_free(&res);
}

/* ---- failing allocations ------------------------------------------------------- */

static void failing_allocations_give_same_answer_or_nomem(void **state)
{
    (void)state;
    err_t err;
    err_clear(&err);
    sr_searcher *s;
    assert_int_equal(sr_open(dir, &s, &err), RC_OK);
    /* Loading the glossary: loaded or RC_NOMEM, never half a glossary. */
    int ok = 0, nomem = 0;
    for (long n = 0; n < 300 && !ok; n++) {
        err_clear(&err);
        mem_fail_after(n);
        rc_t rc = sr_load_glossary(s, "analyzers/data/glossary.tsv", &err);
        mem_fail_reset();
        if (rc == RC_OK)
            ok++;
        else {
            assert_int_equal(rc, RC_NOMEM);
            nomem++;
        }
    }
    assert_true(ok && nomem);
    static const struct {
        const char *q, *like;
        int hist;
    } cases[] = {
        {"xl: artificial intelligence pnuemonia", NULL, SR_HIST_MONTH},
        {"телемедицина", NULL, SR_HIST_WEEK},
        {"", "ru-pn", 0},
    };
    for (size_t c = 0; c < sizeof cases / sizeof *cases; c++) {
        sr_options o = sr_options_default();
        o.explain = o.want_snippets = o.suggest = o.cross_lingual = 1;
        o.histogram = cases[c].hist;
        o.like_id = cases[c].like;
        o.k = 20;
        sr_result res;
        sr_result_init(&res);
        size_t col, n_hits, n_buckets, n_sugg;
        err_clear(&err);
        const char *q = cases[c].q;
        assert_int_equal(sr_search(s, q, strlen(q), &o, &res, &col, &err), RC_OK);
        n_hits = res.n_hits;
        n_buckets = res.n_buckets;
        n_sugg = res.n_suggestions;
        char first[64];
        snprintf(first, sizeof first, "%s", n_hits ? res.hits[0].id : "");
        ok = nomem = 0;
        for (long n = 0; n < 400; n++) {
            sr_result_free(&res);
            sr_result_init(&res);
            err_clear(&err);
            mem_fail_after(n);
            rc_t rc = sr_search(s, q, strlen(q), &o, &res, &col, &err);
            mem_fail_reset();
            if (rc == RC_OK) {
                assert_int_equal(res.n_hits, n_hits);
                assert_int_equal(res.n_buckets, n_buckets);
                assert_int_equal(res.n_suggestions, n_sugg);
                if (n_hits)
                    assert_string_equal(res.hits[0].id, first);
                ok++;
            } else {
                assert_int_equal(rc, RC_NOMEM);
                nomem++;
            }
        }
        sr_result_free(&res);
        assert_true(ok > 0 && nomem > 0);
    }
    sr_close(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(glossary_keys_meet_across_languages),
        cmocka_unit_test(glossary_file_errors_are_values),
        cmocka_unit_test(cross_lingual_finds_all_three_languages),
        cmocka_unit_test(one_clause_per_concept),
        cmocka_unit_test(cross_lingual_under_and),
        cmocka_unit_test(iso_weeks_and_periods),
        cmocka_unit_test(histogram_counts_every_match),
        cmocka_unit_test(edit_distance_on_code_points),
        cmocka_unit_test(suggestions_same_script_by_distance_then_df),
        cmocka_unit_test(search_reports_suggestions),
        cmocka_unit_test(like_finds_similar_documents),
        cmocka_unit_test(failing_allocations_give_same_answer_or_nomem),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
