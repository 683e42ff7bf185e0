/* Unit tests for corpus/repair.c (mojibake) and corpus/date.c (dates), as
 * tables: input, expected output, expected repair note.  The untouched
 * table is the important one: correct text that merely looks like mojibake
 * must come out byte for byte as it went in. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "../../../corpus/internal.h"

typedef struct {
    const char *in;
    const char *out;  /* NULL: must come out exactly as it went in */
    const char *note; /* "scheme: runs", "-" when nothing was repaired */
} repair_case;

/* Repair every case; returns the number of wrong answers (printed). */
static int check_repairs(const repair_case *t, size_t n)
{
    cp_repair *rp;
    assert_int_equal(repair_open(&rp), RC_OK);
    arena_t a;
    arena_init(&a, 4096);
    int bad = 0;
    for (size_t i = 0; i < n; i++) {
        const char *out, *want = t[i].out ? t[i].out : t[i].in;
        const char *want_note = t[i].note ? t[i].note : "-";
        size_t out_len;
        repair_result res;
        assert_int_equal(repair_text(rp, &a, t[i].in, strlen(t[i].in), &out, &out_len, &res), RC_OK);
        assert_int_equal(strlen(out), out_len);
        char note[128] = "-";
        if (res.scheme)
            snprintf(note, sizeof note, "%s: %zu", res.scheme, res.n_runs);
        if (strcmp(out, want) || strcmp(note, want_note)) {
            print_error("repair(\"%s\") = \"%s\" [%s], expected \"%s\" [%s]\n", t[i].in, out,
                        note, want, want_note);
            bad++;
        }
    }
    arena_free(&a);
    repair_close(rp);
    return bad;
}

static void repairs(void **state)
{
    (void)state;
    static const repair_case t[] = {
        /* the third seed */
        {"Intelligence (2025¨C2027)", "Intelligence (2025–2027)", "gbk-as-latin1: 1"},
        {"2024/12/25 14:22:11 Views£º277On December 24", "2024/12/25 14:22:11 Views：277On December 24",
         "gbk-as-latin1: 1"},
        /* GBK Chinese read as Latin-1 */
        {"ÉÏº£·¢²¼¡¶ÈË¹¤ÖÇÄÜ¡·", "上海发布《人工智能》", "gbk-as-latin1: 1"},
        {"Shanghai (ÉÏº£) AI", "Shanghai (上海) AI", "gbk-as-latin1: 1"},
        /* windows-1251 read as Latin-1 or cp1252 */
        {"Ìåìîðàíäóì", "Меморандум", "cp1251-as-latin1: 1"},
        {"«Ìåìîðàíäóì» ïîäïèñàí â Áàêó — 25 äåêàáðÿ", "«Меморандум» подписан в Баку — 25 декабря",
         "cp1251-as-latin1: 5"},
        {"ÌÂÄ è ÑØÀ", "ÌÂÄ è ÑØÀ", "-"}, /* all short: not clearly Russian */
        {"Ñîòðóäíèêè ÌÂÄ è ÑØÀ", "Сотрудники МВД и США", "cp1251-as-latin1: 4"},
        {"Ïðè\xc2\x98âåò", "Ïðè\xc2\x98âåò", "-"}, /* 0x98 is not windows-1251 */
        /* and a real Latin-1 word next to a clear Russian one */
        {"Müller signed the Ìåìîðàíäóì", "Müller signed the Меморандум", "cp1251-as-latin1: 1"},
        /* UTF-8 read as Latin-1 / cp1252 */
        {"cafÃ© au lait", "café au lait", "utf8-as-latin1: 1"},
        {"â€œquotedâ€\xc2\x9d", "“quoted”", "utf8-as-cp1252: 2"},
        {"ÐœÐµÐ¼Ð¾Ñ€Ð°Ð½Ð´ÑƒÐ¼", "Меморандум", "utf8-as-cp1252: 1"},
        /* from /usr/share/locale: double-encoded catalogs (nn, nl, cy) */
        {"Â«%sÂ» etterfÃ¸lgt", "«%s» etterfølgt", "utf8-as-latin1: 3"},
        {"versie geÃ¯nstalleerd", "versie geïnstalleerd", "utf8-as-latin1: 1"},
        {"eich sgrÃ®n er mwyn", "eich sgrîn er mwyn", "utf8-as-latin1: 1"},
    };
    assert_int_equal(check_repairs(t, sizeof t / sizeof t[0]), 0);
}

static void leaves_correct_text_alone(void **state)
{
    (void)state;
    static const char *const t[] = {
        "café", "Müller", "naïve", "£10", "£ 10", "the ¨ symbol", "`¨`", "25°C", "©Reuters",
        "±5%", "x² + y³", "½ cup", "¿Qué?", "¡Hola!", "«déjà vu»", "Größe", "Übersicht", "ÀÉÎÕ",
        "country’s", "TEHRAN – The", "à la carte", "São Paulo", "Ångström", "Æsir", "œuvre",
        "£½m", "§ 12", "1º lugar", "10 × 20", "Zürich’s “façade”", "réécrire", "Ça va", "Ø",
        "naïve façade, Zürich, São Paulo, £10 and 25°C – “quoted”", "Ñ", "ÖÐ", "Été",
        "Москва", "上海", "Views：277", "5 µg/ml", "µm", "Nº 12", "Nº12",
        /* real translations (/usr/share/locale) that earlier rules changed */
        "[OPCIÓ…]", "«plural=EXPRESSIÓ» manca", "non « commit\xc3\xa9\xc2\xa0»", "je plný…",
        "¡«%s» sin un valor!", "Firma correcta, ¡¿pero no", "¡¡ SE NECESITA %x!!",
        "abcdefghijk áéýúíóþæðö ABCDEFGHIJK ÁÉÝÚÍÓÞÆÐÖ", "„-o MARGÓ” érvénytelen",
    };
    repair_case cases[sizeof t / sizeof t[0]];
    for (size_t i = 0; i < sizeof t / sizeof t[0]; i++)
        cases[i] = (repair_case){t[i], NULL, NULL};
    assert_int_equal(check_repairs(cases, sizeof t / sizeof t[0]), 0);
}

typedef struct {
    const char *in, *out; /* out "" = no date */
} date_case;

/* Run fn over the table; returns the number of wrong answers (printed). */
static int check_dates(const date_case *t, size_t n, int (*fn)(const char *, size_t, char[11]))
{
    int bad = 0;
    for (size_t i = 0; i < n; i++) {
        char out[11] = "";
        if (!fn(t[i].in, strlen(t[i].in), out))
            out[0] = '\0';
        if (strcmp(out, t[i].out)) {
            print_error("date in \"%s\" -> \"%s\", expected \"%s\"\n", t[i].in, out, t[i].out);
            bad++;
        }
    }
    return bad;
}

static void date_fields(void **state)
{
    (void)state;
    static const date_case t[] = {
        {"2025-12-25", "2025-12-25"},           {"2025/12/25 14:22", "2025-12-25"},
        {"2025.12.25", "2025-12-25"},           {"25.12.2025", "2025-12-25"},
        {"5.1.2025", "2025-01-05"},             {"2025-12-25T14:22:11Z", "2025-12-25"},
        {"25 декабря 2025", "2025-12-25"},      {"25 Декабря 2025 г.", "2025-12-25"},
        {"1 мая 2024", "2024-05-01"},           {"2025年12月25日", "2025-12-25"},
        {"2025 年 1 月 8 日", "2025-01-08"},    {"December 24, 2024", "2024-12-24"},
        {"Dec. 24 2024", "2024-12-24"},         {"24 Dec 2024", "2024-12-24"},
        {"24 December, 2024", "2024-12-24"},    {"Sept 3rd, 2024", "2024-09-03"},
        {"Wed, 25 Dec 2024 14:22:11 +0000", "2024-12-25"},
        {"2025-02-30", ""},                     {"2024-02-29", "2024-02-29"},
        {"2025-13-01", ""},                     {"12/25/2024", ""},
        {"yesterday", ""},                      {"2025-12-250", ""},
        {"25 декабря", ""},                     {"Decimal 24, 2024", ""},
    };
    assert_int_equal(check_dates(t, sizeof t / sizeof t[0], cp_date_normalize), 0);
}

static void dates_in_text(void **state)
{
    (void)state;
    static const date_case t[] = {
        {"2024/12/25 14:22:11 Views：277On December 24", "2024-12-25"},
        {"Shanghai plan (2025–2027)\nPublished December 24, 2024 by staff", "2024-12-24"},
        {"Project 2025-2027 started", ""},
        {"version 1.25.12.2025 released", ""},
        {"on 5.1.2025 the clinic", "2025-01-05"},
        {"В 2025 году, 25 декабря 2025 г., подписан", "2025-12-25"},
        {"上海 2025年12月25日 发布", "2025-12-25"},
        {"call 2024-12-250 now", ""},
        {"in 1850-01-01 records", ""}, /* outside 1970..2099: history, not a dateline */
        {"ID12.12.2024 and then 13.12.2024", "2024-12-13"},
    };
    assert_int_equal(check_dates(t, sizeof t / sizeof t[0], cp_date_find), 0);
    /* Only the start of a text is searched: a date after the first KB is not
     * the document's date. */
    char big[2100];
    memset(big, 'x', sizeof big);
    memcpy(big + 1500, " 2024-12-25 ", 12);
    char out[11];
    assert_int_equal(cp_date_find(big, sizeof big, out), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(repairs),
        cmocka_unit_test(leaves_correct_text_alone),
        cmocka_unit_test(date_fields),
        cmocka_unit_test(dates_in_text),
    };
    return cmocka_run_group_tests_name("corpus-repair-date", tests, NULL, NULL);
}
