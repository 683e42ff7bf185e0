/* Unit tests for corpus/: JSON Lines, plain-text items with header lines,
 * directory walking, zstd input, and every kind of bad record, each with its
 * exact message and count. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <zstd.h>
#include <cmocka.h>

#include "../../../common/buf.h"
#include "../../../corpus/cp.h"
#include "../testutil.h"
#include "cptest.h"

static void write_file(const char *path, const char *data, size_t len)
{
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(data, 1, len, f), len);
    fclose(f);
}

/* "id|title|lang|date|text-prefix" lines. */
static void fmt_short(buf_t *out, const cp_doc *d, rc_t *prc)
{
    char line[512];
    snprintf(line, sizeof line, "%s|%s|%s|%s|%s\n", d->id, d->title, d->lang, d->date, d->text);
    buf_append_str(out, line, prc);
}

static char *read_all(const char **paths, size_t n, warnings *w, cp_stats *stats, size_t max_doc)
{
    cp_options o = {.max_doc_bytes = max_doc};
    return cpt_read(paths, n, o, w, stats, fmt_short);
}

static void jsonl_good_and_broken_lines(void **state)
{
    (void)state;
    char *dir = tu_tmpdir();
    char path[512];
    snprintf(path, sizeof path, "%s/docs.jsonl", dir);
    const char data[] =
        "{\"id\":\"a\",\"lang\":\"en\",\"title\":\"T1\",\"text\":\"alpha\",\"date\":\"2025-06-01\",\"source\":null}\n"
        "{\"id\":\"b\",\"title\":\"broken\n"
        "\n"
        "{\"id\":7,\"lang\":\"ru-RU\",\"text\":\"Москва\",\"date\":\"31.12.2024\"}\n"
        "{\"title\":\"no id\",\"text\":\"x\"}\n"
        "{\"id\":\"e\",\"text\":\"\",\"title\":\"\"}\n"
        "[1,2]\n"
        "{\"id\":\"f\",\"text\":\"bad \xff byte\",\"date\":\"2025-02-30\"}\n";
    write_file(path, data, sizeof data - 1);
    warnings w = {0};
    cp_stats st;
    const char *paths[] = {path};
    char *got = read_all(paths, 1, &w, &st, 0);
    assert_string_equal(got, "a|T1|en|2025-06-01|alpha\n"
                             "7||ru|2024-12-31|Москва\n"
                             "f||en||bad \xef\xbf\xbd byte\n");
    assert_int_equal(st.n_docs, 3);
    assert_int_equal(st.n_read, 7);
    assert_int_equal(st.n_skipped[CP_SKIP_BROKEN_JSON], 2);
    assert_int_equal(st.n_skipped[CP_SKIP_NO_ID], 1);
    assert_int_equal(st.n_skipped[CP_SKIP_NO_TEXT], 1);
    assert_int_equal(st.n_invalid_utf8, 1);
    char want[600];
    snprintf(want, sizeof want, "%s:2:", path);
    assert_non_null(strstr(w.msgs[0], want));
    assert_non_null(strstr(w.msgs[0], "broken JSON"));
    snprintf(want, sizeof want, "%s:5: record has no \"id\", line skipped", path);
    assert_string_equal(w.msgs[1], want);
    snprintf(want, sizeof want, "%s:7:1: not a JSON object, line skipped", path);
    assert_string_equal(w.msgs[3], want);
    snprintf(want, sizeof want, "%s:8:23: invalid UTF-8 replaced with U+FFFD", path);
    int found = 0;
    for (int i = 0; i < w.n; i++)
        found |= !strcmp(w.msgs[i], want);
    if (!found)
        for (int i = 0; i < w.n; i++)
            print_error("warning %d: %s\n", i, w.msgs[i]);
    assert_true(found);
    free(got);
    tu_rmrf(dir);
    free(dir);
}

static void text_files_headers_and_walk(void **state)
{
    (void)state;
    char *dir = tu_tmpdir();
    char p[512];
    snprintf(p, sizeof p, "%s/b", dir);
    mkdir(p, 0755);
    snprintf(p, sizeof p, "%s/b/2.txt", dir);
    const char ru[] = " date 2025-12-25 Между университетами подписан меморандум.\n\nТекст новости.\n";
    write_file(p, ru, sizeof ru - 1);
    snprintf(p, sizeof p, "%s/a.txt", dir);
    const char en[] = "\nShanghai Releases a Plan\n2024/12/25 14:22:11 Views 277 body text\nmore\n";
    write_file(p, en, sizeof en - 1);
    snprintf(p, sizeof p, "%s/.hidden", dir);
    write_file(p, "secret", 6);
    snprintf(p, sizeof p, "%s/bin.dat", dir);
    write_file(p, "\x7f" "ELF\0\0\0\1\2", 9);
    snprintf(p, sizeof p, "%s/empty.txt", dir);
    write_file(p, "  \n\n", 4);
    warnings w = {0};
    cp_stats st;
    const char *paths[] = {dir};
    char *got = read_all(paths, 1, &w, &st, 0);
    char want[2048];
    snprintf(want, sizeof want,
             "%s/a.txt|Shanghai Releases a Plan|en|2024-12-25|2024/12/25 14:22:11 Views 277 body text\nmore\n"
             "%s/b/2.txt|Между университетами подписан меморандум.|ru|2025-12-25|Текст новости.\n",
             dir, dir);
    assert_string_equal(got, want);
    assert_int_equal(st.n_skipped[CP_SKIP_BINARY], 1);
    assert_int_equal(st.n_skipped[CP_SKIP_NO_TEXT], 1);
    assert_int_equal(st.n_lang_guessed, 2);
    snprintf(want, sizeof want, "%s/bin.dat: binary file (ELF executable), skipped", dir);
    assert_string_equal(w.msgs[0], want);
    free(got);
    tu_rmrf(dir);
    free(dir);
}

static void size_limit_and_zstd(void **state)
{
    (void)state;
    char *dir = tu_tmpdir();
    char p[512];
    const char line[] = "{\"id\":\"z1\",\"text\":\"compressed news\"}\n"
                        "{\"id\":\"z2\",\"text\":\"this record is far too long for the limit set below\"}\n";
    char comp[512];
    size_t n = ZSTD_compress(comp, sizeof comp, line, sizeof line - 1, 3);
    assert_false(ZSTD_isError(n));
    snprintf(p, sizeof p, "%s/docs.jsonl.zst", dir);
    write_file(p, comp, n);
    warnings w = {0};
    cp_stats st;
    const char *paths[] = {p, "/nonexistent/file.txt"};
    char *got = read_all(paths, 2, &w, &st, 60);
    assert_string_equal(got, "z1||en||compressed news\n");
    assert_int_equal(st.n_skipped[CP_SKIP_TOO_BIG], 1);
    assert_int_equal(st.n_skipped[CP_SKIP_UNREADABLE], 1);
    char want[600];
    snprintf(want, sizeof want, "%s:2: record of 72 bytes is larger than 60 (--max-doc-size), skipped", p);
    assert_string_equal(w.msgs[0], want);
    assert_string_equal(w.msgs[1], "/nonexistent/file.txt: No such file or directory");
    free(got);
    tu_rmrf(dir);
    free(dir);
}

/* Regression (found by fuzz_corpus): a lang value was cut at 8 bytes, which
 * could split a UTF-8 sequence; only ASCII language tags are taken now, and
 * anything else is guessed from the text. */
static void lang_tags_are_ascii(void **state)
{
    (void)state;
    char *dir = tu_tmpdir();
    char p[512], t[512];
    snprintf(p, sizeof p, "%s/l.jsonl", dir);
    const char data[] = "{\"id\":\"a\",\"lang\":\"\\u0000\\u0000\\u0000x\",\"text\":\"Москва\"}\n"
                        "{\"id\":\"b\",\"lang\":\"русский\",\"text\":\"Hello\"}\n"
                        "{\"id\":\"c\",\"lang\":\"EN-gb\",\"text\":\"Hello\"}\n"
                        "{\"id\":\"d\",\"lang\":\"abcdefghij\",\"text\":\"上海\"}\n";
    write_file(p, data, sizeof data - 1);
    snprintf(t, sizeof t, "%s/t.txt", dir);
    const char txt[] = " lang Русский\nЗаголовок\nТекст.\n";
    write_file(t, txt, sizeof txt - 1);
    warnings w = {0};
    cp_stats st;
    const char *paths[] = {p, t};
    char *got = read_all(paths, 2, &w, &st, 0);
    char want[1024];
    snprintf(want, sizeof want, "a||ru||Москва\nb||en||Hello\nc||en||Hello\nd||zh||上海\n"
                                "%s|Заголовок|ru||Текст.\n", t);
    assert_string_equal(got, want);
    assert_int_equal(st.n_lang_guessed, 4);
    free(got);
    tu_rmrf(dir);
    free(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(jsonl_good_and_broken_lines),
        cmocka_unit_test(text_files_headers_and_walk),
        cmocka_unit_test(size_limit_and_zstd),
        cmocka_unit_test(lang_tags_are_ascii),
    };
    return cmocka_run_group_tests_name("corpus", tests, NULL, NULL);
}
