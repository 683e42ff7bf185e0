/* Unit tests for real-world input (issue 4): every fixture in
 * tests/fixtures/real-news/ (written by tests/fixtures/make-real-news.py)
 * read through the public cp_ API, with the exact outcome: fields, what was
 * done to the document (charset, repair, flags), messages and counts.
 * Paths are relative to the repository root, where run_tests.sh runs. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "../../../common/mem.h"
#include "cptest.h"

#define FIX "tests/fixtures/real-news/"

/* "id|title|date|lang|source|charset|repair|flags", then the text. */
static void fmt_full(buf_t *out, const cp_doc *d, rc_t *prc)
{
    char head[1024];
    snprintf(head, sizeof head, "%s|%s|%s|%s|%s|%s|%s|%u\n", d->id, d->title, d->date, d->lang,
             d->source, d->charset, d->repair, d->flags);
    buf_append_str(out, head, prc);
    buf_append(out, d->text, d->text_len, prc);
    buf_append_str(out, "\n", prc);
}

static char *read_docs(const char *const *paths, size_t n, int no_repair, warnings *w,
                       cp_stats *st)
{
    cp_options o = {.no_repair = no_repair};
    return cpt_read(paths, n, o, w, st, fmt_full);
}

static char *read_one(const char *path, int no_repair, warnings *w)
{
    const char *paths[] = {path};
    return read_docs(paths, 1, no_repair, w, NULL);
}

/* path gives exactly the documents want and the messages want_msgs. */
static void expect_one(const char *path, const char *want, const char *want_msgs)
{
    warnings w = {0};
    char *got = read_one(path, 0, &w);
    assert_string_equal(got, want);
    char *msgs = warnings_joined(&w);
    assert_string_equal(msgs, want_msgs);
    free(msgs);
    free(got);
}

static void legacy_charsets(void **state)
{
    (void)state;
    expect_one(FIX "zh-gbk.txt",
               FIX "zh-gbk.txt|上海发布医学人工智能工作方案|2024-12-25|zh||GB18030||9\n"
                   "2024年12月25日 来源：上海市卫生健康委员会\n"
                   "上海市发布《上海市发展医学人工智能工作方案（2025—2027年）》，推动人工智能与临床医学"
                   "深度融合，支持医学影像辅助诊断和电子病历大模型应用。\n", "");
    expect_one(FIX "zh-big5.txt",
               FIX "zh-big5.txt|臺北醫院導入人工智慧影像判讀|2025-01-08|zh||Big5||9\n"
                   "2025年1月8日\n"
                   "臺北市立聯合醫院宣布導入人工智慧胸部X光判讀系統，協助醫師篩檢肺結核與肺癌。\n", "");
    expect_one(FIX "ru-cp1251.txt",
               FIX "ru-cp1251.txt|Меморандум о цифровом здравоохранении|2025-12-25|ru||windows-1251||9\n"
                   "25 декабря 2025 г. Между Азербайджанским медицинским университетом и Институтом "
                   "информационных технологий был подписан меморандум о развитии искусственного "
                   "интеллекта в медицине.\n", "");
    expect_one(FIX "ru-koi8r.txt",
               FIX "ru-koi8r.txt|Нейросеть помогает врачам в Татарстане|2025-12-25|ru||KOI8-R||9\n"
                   "Нейросеть для анализа маммограмм начала работу в больницах Татарстана; врачи "
                   "получают подсказки системы искусственного интеллекта.\n", "");
}

static void unicode_with_bom(void **state)
{
    (void)state;
    expect_one(FIX "en-utf16le-bom.txt",
               FIX "en-utf16le-bom.txt|Kenya deploys AI chest X-ray screening|2024-12-24|en||UTF-16LE||9\n"
                   "Published December 24, 2024\n"
                   "Clinics in Nairobi use an AI system to read chest X-rays for tuberculosis; the "
                   "ministry said “results are promising” – and Ψ-tests follow.\n", "");
    expect_one(FIX "ru-utf16be-bom.txt",
               FIX "ru-utf16be-bom.txt|Меморандум о цифровом здравоохранении|2025-12-25|ru||UTF-16BE||9\n"
                   "25 декабря 2025 г. Между Азербайджанским медицинским университетом и Институтом "
                   "информационных технологий был подписан меморандум о развитии искусственного "
                   "интеллекта в медицине.\n", "");
    /* A UTF-8 BOM is dropped; the text was UTF-8 all along: not "converted". */
    expect_one(FIX "en-utf8-bom.txt",
               FIX "en-utf8-bom.txt|BOM-marked news item||en||||8\nThe café reopened.\n", "");
}

static void mojibake_repaired(void **state)
{
    (void)state;
    /* The third seed, exactly: both dashes and the colon, and nothing else. */
    warnings w = {0};
    char *got = read_one(FIX "seed3-gbk-as-latin1.txt", 0, &w);
    const char *head = FIX "seed3-gbk-as-latin1.txt|Shanghai Releases the \"Work Plan for Developing "
                           "Medical Artificial Intelligence (2025–2027)\"|2024-12-25|en|||"
                           "gbk-as-latin1: 3 runs|10\n"
                           "2024/12/25 14:22:11 Views：277On December 24, Shanghai Government unveiled "
                           "the \"Work Plan for Developing Medical Artificial Intelligence (2025–2027)\" to";
    assert_memory_equal(got, head, strlen(head));
    assert_null(strstr(got, "¨"));
    assert_null(strstr(got, "£"));
    assert_null(strstr(got, "º"));
    assert_int_equal(w.n, 0);
    free(got);
    /* --no-repair leaves it as it came. */
    got = read_one(FIX "seed3-gbk-as-latin1.txt", 1, &w);
    assert_non_null(strstr(got, "|8\n2024/12/25 14:22:11 Views£º277On"));
    assert_non_null(strstr(got, "(2025¨C2027)"));
    free(got);

    /* The page as the site served it (English with GBK punctuation bytes)
     * is detected as windows-1252, which makes the same mojibake, which the
     * repair fixes: the same text in the end. */
    memset(&w, 0, sizeof w);
    got = read_one(FIX "seed3-original-gbk.txt", 0, &w);
    const char *head2 = FIX "seed3-original-gbk.txt|Shanghai Releases the \"Work Plan for Developing "
                            "Medical Artificial Intelligence (2025–2027)\"|2024-12-25|en||windows-1252|"
                            "gbk-as-latin1: 3 runs|11\n"
                            "2024/12/25 14:22:11 Views：277On December 24,";
    assert_memory_equal(got, head2, strlen(head2));
    assert_int_equal(w.n, 0);
    free(got);

    expect_one(FIX "ru-cp1251-as-latin1.txt",
               FIX "ru-cp1251-as-latin1.txt|Меморандум о цифровом здравоохранении|2025-12-25|ru|||"
                   "cp1251-as-latin1: 23 runs|10\n"
                   "25 декабря 2025 г. Между Азербайджанским медицинским университетом и Институтом "
                   "информационных технологий был подписан меморандум о развитии искусственного "
                   "интеллекта в медицине.\n", "");
}

static void correct_text_untouched(void **state)
{
    (void)state;
    expect_one(FIX "latin1-correct.txt",
               FIX "latin1-correct.txt|Café owner Müller wins naïve-design award||en||||8\n"
                   "The café in Zürich paid £10 for each ¨ symbol, 25°C in São Paulo; ©Reuters.\n"
                   "Ångström-scale façade, ½ cup, ±5%, x², «déjà vu», ¿Qué? – “quoted” text.\n", "");
    expect_one(FIX "mixed-en-zh.txt",
               FIX "mixed-en-zh.txt|Shanghai hospitals adopt AI imaging|2025-01-15|en||||8\n"
                   "Doctors at 瑞金医院 (Ruijin Hospital) in 上海 now screen lung nodules with 人工智能 "
                   "models; a delegation signed a меморандум with Moscow clinics. Screening hospitals "
                   "reported faster readings.\n", "");
}

static void damaged_input(void **state)
{
    (void)state;
    expect_one(FIX "invalid-utf8.txt",
               FIX "invalid-utf8.txt|Клиника внедрила ИИ||ru||||12\n"
                   "Врачи используют систему \xEF\xBF\xBD\xEF\xBF\xBD каждый день.\n",
               FIX "invalid-utf8.txt:2:48: invalid UTF-8 replaced with U+FFFD\n"
               FIX "invalid-utf8.txt:2:49: invalid UTF-8 replaced with U+FFFD\n");
    expect_one(FIX "stray-nul.txt",
               FIX "stray-nul.txt|Stray NUL report||en||||12\n"
                   "The scanner\xEF\xBF\xBD wrote a NUL\xEF\xBF\xBD here.\n",
               FIX "stray-nul.txt:2:12: NUL byte replaced with U+FFFD\n"
               FIX "stray-nul.txt:2:25: NUL byte replaced with U+FFFD\n");
    warnings w = {0};
    cp_stats st;
    const char *paths[] = {FIX "photo.png.txt", FIX "empty.txt", FIX "archive.jsonl"};
    char *got = read_docs(paths, 3, 0, &w, &st);
    assert_string_equal(got, "");
    assert_int_equal(st.n_read, 3);
    assert_int_equal(st.n_skipped[CP_SKIP_BINARY], 2);
    assert_int_equal(st.n_skipped[CP_SKIP_NO_TEXT], 1);
    char *msgs = warnings_joined(&w);
    /* a binary file with a JSON Lines name: one message, not one per "line" */
    assert_string_equal(msgs, FIX "photo.png.txt: binary file (PNG image), skipped\n"
                              FIX "empty.txt: empty document, skipped\n"
                              FIX "archive.jsonl: binary file (ZIP archive), skipped\n");
    free(msgs);
    free(got);
}

static void json_lines(void **state)
{
    (void)state;
    warnings w = {0};
    cp_stats st;
    const char *paths[] = {FIX "news-broken.jsonl", FIX "ru-cp1251.jsonl", FIX "bom.jsonl",
                           FIX "zh-utf16le-bom.jsonl"};
    char *got = read_docs(paths, 4, 0, &w, &st);
    assert_string_equal(got,
        "jl-1|AI triage in Kenya|2024-12-24|en||||0\nClinics use AI triage.\n"
        /* no date field: the dateline in the text; no source: the url's host */
        "jl-3|Views and dates|2024-12-25|en|example.com||gbk-as-latin1: 2 runs|10\n"
        "2024/12/25 14:22:11 Views：277 Work plan (2025–2027).\n"
        /* the duplicate id is the indexer's business: both are handed out */
        "jl-1|AI triage in Kenya (updated)||en||||0\nClinics use AI triage daily.\n"
        "jl-4|Меморандум|2025-12-25|ru|||cp1251-as-latin1: 8 runs|10\n"
        "25 декабря 2025 г. подписан меморандум о цифровом здравоохранении.\n"
        /* a whole file in windows-1251 */
        "w-1|Нейросеть в Казани|2025-12-25|ru||windows-1251||9\nНейросеть читает маммограммы.\n"
        "w-2|ИИ в больницах||ru||windows-1251||9\nВрачи получают подсказки системы.\n"
        "bom-1|BOM first line||en||||8\nJSON Lines with a byte order mark.\n"
        /* UTF-16LE, converted before it is split at newlines (上 = U+4E0A) */
        "u16-1|上海发布|2024-12-25|zh||UTF-16LE||9\n上海市发布医学人工智能工作方案。\n"
        "u16-2|上线||zh||UTF-16LE||9\n电子病历大模型上线。\n");
    assert_int_equal(w.n, 1);
    assert_string_equal(w.msgs[0], FIX "news-broken.jsonl:2:63: broken JSON (unexpected end of "
                                       "line), line skipped");
    assert_int_equal(st.n_read, 10);
    assert_int_equal(st.n_docs, 9);
    assert_int_equal(st.n_converted, 4);
    assert_int_equal(st.n_repaired, 2);
    assert_int_equal(st.n_skipped[CP_SKIP_BROKEN_JSON], 1);
    free(got);
}

static void whole_directory_counts(void **state)
{
    (void)state;
    warnings w = {0};
    cp_stats st;
    const char *paths[] = {FIX};
    char *got = read_docs(paths, 1, 0, &w, &st);
    free(got);
    assert_int_equal(st.n_files, 21);
    assert_int_equal(st.n_read, 27);
    assert_int_equal(st.n_docs, 23);
    assert_int_equal(st.n_converted, 11);
    assert_int_equal(st.n_repaired, 5);
    assert_int_equal(st.n_invalid_utf8, 2);
    assert_int_equal(st.n_skipped[CP_SKIP_BINARY], 2);
    assert_int_equal(st.n_skipped[CP_SKIP_NO_TEXT], 1);
    assert_int_equal(st.n_skipped[CP_SKIP_BROKEN_JSON], 1);
}

/* Fail each allocation in turn: the reader must give the full right answer
 * or a clean RC_NOMEM, never a wrong document or a crash (ASan checks leaks
 * under SANITIZE=1).  ICU, json-c and uchardet allocate on their own. */
static void allocation_failures(void **state)
{
    (void)state;
    const char *paths[] = {FIX "zh-gbk.txt", FIX "seed3-gbk-as-latin1.txt", FIX "invalid-utf8.txt",
                           FIX "news-broken.jsonl", FIX "zh-utf16le-bom.jsonl", FIX "ru-cp1251.jsonl",
                           FIX "photo.png.txt"};
    warnings w = {0};
    cp_stats st;
    char *want = read_docs(paths, 7, 0, &w, &st);
    int n_failed_runs = 0;
    for (long n = 0;; n++) {
        mem_fail_after(n);
        cp_options o = {0};
        cp_reader *rd = NULL;
        err_t err;
        err_clear(&err);
        rc_t rc = cp_open(paths, 7, &o, &rd, &err);
        buf_t out;
        buf_init(&out);
        rc_t brc = RC_OK;
        cp_doc d;
        if (rc == RC_OK) {
            while ((rc = cp_next(rd, &d, &err)) == RC_OK)
                fmt_full(&out, &d, &brc);
            cp_close(rd);
        }
        long refused = mem_fail_count();
        mem_fail_reset();
        if (refused == 0) { /* nothing failed: the run must be the normal one */
            assert_int_equal(rc, RC_NOTFOUND);
            assert_string_equal(buf_cstr(&out), want);
            buf_free(&out);
            break;
        }
        /* the reader's clean error, or the test's own buffer refused */
        if (rc != RC_NOMEM && brc != RC_NOMEM) {
            print_error("allocation %ld failed, yet: rc %s (%s)\n", n, rc_str(rc), err.msg);
            fail();
        }
        n_failed_runs++;
        buf_free(&out);
    }
    assert_true(n_failed_runs > 10);
    free(want);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(legacy_charsets),
        cmocka_unit_test(unicode_with_bom),
        cmocka_unit_test(mojibake_repaired),
        cmocka_unit_test(correct_text_untouched),
        cmocka_unit_test(damaged_input),
        cmocka_unit_test(json_lines),
        cmocka_unit_test(whole_directory_counts),
        cmocka_unit_test(allocation_failures),
    };
    return cmocka_run_group_tests_name("corpus-real-news", tests, NULL, NULL);
}
