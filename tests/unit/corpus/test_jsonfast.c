/* Unit tests for corpus/jsonfast.c: the records it takes it must read
 * exactly as json-c does (every field we use: absent, null, or the same
 * bytes), on tricky lines and on every line of ../shared/eval (skipped when
 * absent); what it refuses goes to json-c, whose errors are unchanged. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "../../../common/arena.h"
#include "../../../corpus/internal.h"
#include "../evalsets.h"

typedef struct {
    const char *line;
    int taken;   /* 1: jsonfast.c reads it; 0: json-c must */
} row;

static void tricky_lines(void **state)
{
    (void)state;
    static const row rows[] = {
        {"{\"id\":\"a\",\"title\":\"T\",\"text\":\"x\"}", 1},
        {"  { \"id\" : \"a\" , \"text\" : \"x\\\"y\\\\z\\/\\n\\t\\r\\b\\f\" }  \t", 1},
        {"{\"id\":\"a\",\"text\":null,\"body\":\"b\",\"extra\":12.5e-3,\"x\":true,\"y\":false}", 1},
        {"{\"id\":\"a\",\"lang\":\"ru\",\"date\":\"2025-12-25\",\"source\":\"tass.ru\",\"url\":\"u\"}", 1},
        {"{}", 1},
        {"{\"id\":\"é中\",\"text\":\"\"}", 1},
        {"{\"id\":\"a\",\"text\":\"\\u00e9\"}", 0},          /* \u escapes: json-c */
        {"{\"id\":1,\"text\":\"x\"}", 0},                   /* a number in a used field */
        {"{\"id\":\"a\",\"id\":\"b\"}", 0},                 /* a repeated field */
        {"{\"id\":\"a\",\"tags\":[\"x\"]}", 0},             /* nested values */
        {"{\"id\":\"a\",\"meta\":{}}", 0},
        {"{\"id\":\"a\"} x", 0},                            /* text after the object */
        {"{\"id\":\"a\"}\r", 0},
        {"{\"id\":\"a\",}", 0},                             /* json-c's own leniency */
        {"{'id':'a'}", 0},
        {"{\"id\":\"a\ttab\"}", 0},                         /* a raw control byte */
        {"{\"id\":\"a\\x\"}", 0},                           /* a bad escape */
        {"{\"id\":\"a\"", 0},                               /* cut short */
        {"[1,2]", 0},
        {"{\"i\\u0064\":\"a\"}", 0},                        /* an escaped key */
        {"{\"n\":-0.5E+7,\"m\":0,\"k\":-12}", 1},
        {"{\"n\":01}", 0}, {"{\"n\":1.}", 0}, {"{\"n\":+1}", 0}, {"{\"n\":NaN}", 0},
    };
    arena_t a;
    arena_init(&a, 4096);
    void *tok = jsonl_tokener_new();
    assert_non_null(tok);
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        int used;
        int same = jsonl_fast_agrees(&a, tok, rows[i].line, strlen(rows[i].line), &used);
        if (!same || used != rows[i].taken) {
            print_error("line %s: taken %d (expected %d), agrees with json-c %d\n", rows[i].line,
                        used, rows[i].taken, same);
            fail();
        }
        arena_reset(&a);
    }
    jsonl_tokener_free(tok);
    arena_free(&a);
}

/* Every line of the evaluation sets; Reuters' must all be taken. */
static void eval_lines(void **state)
{
    (void)state;
    arena_t a;
    arena_init(&a, 1 << 16);
    void *tok = jsonl_tokener_new();
    assert_non_null(tok);
    char *line = NULL;
    size_t cap = 0, n_lines = 0, n_taken = 0;
    for (size_t i = 0; i < N_EVAL_SETS; i++) {
        FILE *f = eval_set_open(eval_sets[i]);
        assert_non_null(f);
        ssize_t got;
        size_t taken = 0, lines = 0;
        while ((got = getline(&line, &cap, f)) > 0) {
            size_t len = (size_t)got;
            while (len && (line[len - 1] == '\n'))
                len--;
            int used;
            if (!jsonl_fast_agrees(&a, tok, line, len, &used)) {
                print_error("%s: line %zu read differently from json-c\n", eval_sets[i], lines + 1);
                fail();
            }
            taken += (size_t)used;
            lines++;
            arena_reset(&a);
        }
        pclose(f);
        if (i == 0 && lines)
            assert_int_equal(taken, lines);
        n_lines += lines;
        n_taken += taken;
    }
    free(line);
    jsonl_tokener_free(tok);
    arena_free(&a);
    if (!n_lines) {
        print_message("# SKIP evaluation documents: %s/eval not found\n", eval_shared());
        skip();
    }
    print_message("# %zu of %zu lines read without json-c, all as json-c reads them\n", n_taken,
                  n_lines);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(tricky_lines),
        cmocka_unit_test(eval_lines),
    };
    return cmocka_run_group_tests_name("corpus_jsonfast", tests, NULL, NULL);
}
