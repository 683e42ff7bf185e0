/* Unit tests for the query parser (searcher/query.c, qlex.c, qdate.c): a
 * table of queries and the AST each becomes (sr_qnode_dump), and a table
 * of malformed queries with the column and message they must report. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "../../../searcher/internal.h"

enum { OR_MODE = 0, AND_MODE = SR_PARSE_AND };

typedef struct {
    unsigned flags;
    const char *query;
    const char *ast;
} parse_case;

static const parse_case parses[] = {
    /* Free text stays one TEXT node, whatever punctuation it holds. */
    {OR_MODE, "machine learning in radiology", "[machine learning in radiology]"},
    {OR_MODE, "What is Sky+ HD material broadcast using?", "[What is Sky+ HD material broadcast using?]"},
    {OR_MODE, "On what yard line did Carolina begin with 4:51 left?", "[On what yard line did Carolina begin with 4:51 left?]"},
    {OR_MODE, "x-ray COVID-19 - - 5 * 3", "[x-ray COVID-19 - - 5 * 3]"},
    {OR_MODE, "nutrition: requirements; Title: x", "[nutrition: requirements; Title: x]"},
    {OR_MODE, "人工智能肺结节？", "[人工智能肺结节？]"},
    {OR_MODE, "  leading and trailing  ", "[leading and trailing]"},
    {OR_MODE, "and or not near/3", "[and or not near/3]"},
    /* Groups inside an OR are flattened. */
    {OR_MODE, "anxiety (i.e. up to two years) children", "OR([anxiety], [i.e. up to two years], [children])"},
    /* Boolean operators and precedence NOT > AND > OR. */
    {OR_MODE, "a AND b", "AND([a], [b])"},
    {OR_MODE, "a b AND c", "OR([a], AND([b], [c]))"},
    {AND_MODE, "a b OR c", "OR([a b], [c])"},
    {AND_MODE, "a b", "[a b]"},
    {OR_MODE, "a OR b AND c OR d", "OR([a], AND([b], [c]), [d])"},
    {OR_MODE, "(a OR b) AND c", "AND(OR([a], [b]), [c])"},
    {OR_MODE, "a NOT b", "AND([a], -[b])"},
    {OR_MODE, "NOT b", "-[b]"},
    {OR_MODE, "a AND NOT b", "AND([a], -[b])"},
    {OR_MODE, "a AND (b AND c)", "AND([a], [b], [c])"},
    /* Marks. */
    {OR_MODE, "a b -c +d", "OR([a b], -[c], +[d])"},
    {AND_MODE, "a b -c", "AND([a b], -[c])"},
    {OR_MODE, "-(a b) c", "OR(-[a b], [c])"},
    {OR_MODE, "a (b -c)", "OR([a], OR([b], -[c]))"},
    {OR_MODE, "-(+a)", "-OR(+[a])"},
    {OR_MODE, "--a", "-[-a]"},
    /* Phrases, prefixes, NEAR. */
    {OR_MODE, "\"цифровой медицины\" Азербайджан", "OR(\"цифровой медицины\", [Азербайджан])"},
    {OR_MODE, "新加坡\"SCV\" 正式", "OR([新加坡], \"SCV\", [正式])"},
    {OR_MODE, "intellig* systems", "OR(intellig*, [systems])"},
    {OR_MODE, "a NEAR/3 b", "NEAR/3([a], [b])"},
    {OR_MODE, "a NEAR/3 \"b c\" NEAR/3 d", "NEAR/3([a], \"b c\", [d])"},
    {OR_MODE, "x a NEAR/3 b y", "OR([x], NEAR/3([a], [b]), [y])"},
    /* Fields. */
    {OR_MODE, "lang:ru", "lang:ru"},
    {OR_MODE, "sepsis lang:en,ru", "OR([sepsis], lang:en,ru)"},
    {OR_MODE, "source:\"BBC News\" -source:tass", "OR(source:\"BBC News\", -source:\"tass\")"},
    {OR_MODE, "title:sepsis", "title:[sepsis]"},
    {OR_MODE, "title:\"early warning\" title:(a OR b*)", "OR(title:\"early warning\", title:OR([a], b*))"},
    {OR_MODE, "title:AND", "title:[AND]"},
    {OR_MODE, "title:lang:ru", "title:[lang:ru]"},
    {OR_MODE, "xl:telemedicine", "xl:[telemedicine]"},
    {OR_MODE, "xl:\"medical imaging\" lang:ru", "OR(xl:\"medical imaging\", lang:ru)"},
    {OR_MODE, "xl:(ИИ OR 人工智能) -xl:weather", "OR(xl:OR([ИИ], [人工智能]), -xl:[weather])"},
    {OR_MODE, "sepsis xl: artificial intelligence", "OR([sepsis], xl:[artificial intelligence])"},
    {OR_MODE, "(xl: a b) c", "OR(xl:[a b], [c])"},
    {OR_MODE, "title:(xl:ai)", "title:xl:[ai]"},
    {OR_MODE, "XL:ai xl", "[XL:ai xl]"},
    {OR_MODE, "date:2025", "date:2025-01-01..2025-12-31"},
    {OR_MODE, "date:2024-02", "date:2024-02-01..2024-02-29"},
    {OR_MODE, "date:2025-01-01..2025-06-30", "date:2025-01-01..2025-06-30"},
    {OR_MODE, "date:>=2025-06", "date:2025-06-01.."},
    {OR_MODE, "date:>2025-06", "date:2025-07-01.."},
    {OR_MODE, "date:<2025", "date:..2024-12-31"},
    {OR_MODE, "date:<=2025-02", "date:..2025-02-28"},
    {OR_MODE, "date:2025..", "date:2025-01-01.."},
    {OR_MODE, "date:..2024-03", "date:..2024-03-31"},
    {OR_MODE, "date:>2025-12-31", "date:2026-01-01.."},
    {OR_MODE, "(date:2025 lang:ru)", "OR(date:2025-01-01..2025-12-31, lang:ru)"},
    {OR_MODE, "the date: 4:51 lang: x", "!"},   /* filled below: an error */
};

typedef struct {
    unsigned flags;
    const char *query;
    size_t col;
    const char *msg;
} error_case;

static const error_case errors[] = {
    {OR_MODE, "\"unclosed", 1, "column 1: the quote is never closed"},
    {OR_MODE, "a \"b c", 3, "column 3: the quote is never closed"},
    {OR_MODE, "(a OR", 4, "column 4: OR has nothing after it"},
    {OR_MODE, "(a b", 1, "column 1: '(' is never closed"},
    {OR_MODE, "a b)", 4, "column 4: ')' without a matching '('"},
    {OR_MODE, "()", 1, "column 1: empty parentheses"},
    {OR_MODE, "date:2025-13-45", 11, "column 11: month 13 does not exist"},
    {OR_MODE, "date:2025-02-29", 14, "column 14: day 29 does not exist in 2025-02"},
    {OR_MODE, "date:2025-1", 6, "column 6: '2025-1' is not a date"},
    {OR_MODE, "date:2026..2025", 12, "column 12: the date range ends"},
    {OR_MODE, "date:..", 6, "column 6: a date range needs at least one end"},
    {OR_MODE, "date:>=", 8, "column 8: a date is missing here"},
    {OR_MODE, "NEAR/x", 6, "column 6: NEAR/ needs a distance"},
    {OR_MODE, "a NEAR/0 b", 8, "column 8: NEAR/ needs a distance"},
    {OR_MODE, "a NEAR/3", 3, "column 3: NEAR/3 has nothing after it"},
    {OR_MODE, "NEAR/3 b", 1, "column 1: NEAR/3 has nothing before it"},
    {OR_MODE, "(a b) NEAR/3 c", 2, "column 2: NEAR/3 joins words and phrases only"},
    {OR_MODE, "a NEAR/3 b NEAR/4 c", 12, "column 12: a chain of NEAR needs one distance"},
    {OR_MODE, "AND b", 1, "column 1: AND has nothing before it"},
    {OR_MODE, "a OR", 3, "column 3: OR has nothing after it"},
    {OR_MODE, "a NOT", 3, "column 3: NOT must be followed by"},
    {OR_MODE, "NOT NOT a", 1, "column 1: NOT must be followed by"},
    {OR_MODE, "lang: x", 1, "column 1: lang: needs a value"},
    {OR_MODE, "lang:1", 6, "column 6: '1' is not a language code"},
    {OR_MODE, "title:(a lang:ru)", 10, "column 10: lang: cannot be used inside title:"},
    {OR_MODE, "a xl: ", 3, "column 3: xl: needs something to expand, as in xl:telemedicine or xl: artificial intelligence"},
    {OR_MODE, "   ", 1, "column 1: empty query"},
    {OR_MODE, "ёж \"ü", 4, "column 4: the quote is never closed"},
    {OR_MODE, "the date: 4:51", 5, "column 5: date: needs a value"},
};

static void dump(const char *query, unsigned flags, char *out, size_t cap)
{
    arena_t a;
    arena_init(&a, 4096);
    sr_qnode *q;
    size_t col;
    err_t err;
    err_clear(&err);
    rc_t rc = sr_parse(&a, query, strlen(query), flags, &q, &col, &err);
    if (rc != RC_OK) {
        snprintf(out, cap, "!%zu %s", col, err.msg);
    } else {
        buf_t b;
        buf_init(&b);
        rc_t brc = RC_OK;
        sr_qnode_dump(q, &b, &brc);
        snprintf(out, cap, "%s", buf_cstr(&b));
        buf_free(&b);
    }
    arena_free(&a);
}

static void parses_into_ast(void **state)
{
    (void)state;
    int bad = 0;
    for (size_t i = 0; i < sizeof parses / sizeof parses[0]; i++) {
        char got[1024];
        dump(parses[i].query, parses[i].flags, got, sizeof got);
        int ok = parses[i].ast[0] == '!' ? got[0] == '!' : !strcmp(got, parses[i].ast);
        if (!ok) {
            printf("# %s\n#   got:      %s\n#   expected: %s\n", parses[i].query, got,
                   parses[i].ast);
            bad++;
        }
    }
    assert_int_equal(bad, 0);
}

static void reports_column_and_message(void **state)
{
    (void)state;
    int bad = 0;
    for (size_t i = 0; i < sizeof errors / sizeof errors[0]; i++) {
        char got[1024], want_col[32];
        dump(errors[i].query, errors[i].flags, got, sizeof got);
        snprintf(want_col, sizeof want_col, "!%zu ", errors[i].col);
        if (strncmp(got, want_col, strlen(want_col)) || !strstr(got, errors[i].msg)) {
            printf("# %s\n#   got:      %s\n#   expected: %s%s\n", errors[i].query, got,
                   want_col, errors[i].msg);
            bad++;
        }
    }
    assert_int_equal(bad, 0);
}

static void limits_are_errors(void **state)
{
    (void)state;
    char q[8192], got[1024];
    /* Size. */
    memset(q, 'a', 5000);
    q[5000] = '\0';
    dump(q, OR_MODE, got, sizeof got);
    assert_non_null(strstr(got, "the limit is 4096"));
    assert_int_equal(strncmp(got, "!4097 ", 6), 0);
    /* Nesting: 32 levels parse, 33 do not. */
    size_t n = 0;
    for (int i = 0; i < 32; i++)
        q[n++] = '(';
    q[n++] = 'x';
    for (int i = 0; i < 32; i++)
        q[n++] = ')';
    q[n] = '\0';
    dump(q, OR_MODE, got, sizeof got);
    assert_string_equal(got, "[x]");
    memmove(q + 1, q, n + 1);
    q[0] = '(';
    strcat(q, ")");
    dump(q, OR_MODE, got, sizeof got);
    assert_non_null(strstr(got, "!33 column 33: parentheses are nested more than 32 deep"));
    /* Words, in both modes. */
    n = 0;
    for (int i = 0; i < 257; i++)
        n += (size_t)sprintf(q + n, "w%d ", i);
    dump(q, OR_MODE, got, sizeof got);
    assert_non_null(strstr(got, "more than 256 words"));
    dump(q, SR_PARSE_PLAIN, got, sizeof got);
    assert_non_null(strstr(got, "more than 256 words"));
}

static void plain_mode_ignores_operators(void **state)
{
    (void)state;
    char got[256];
    dump("\"unclosed (a OR NEAR/x -b", SR_PARSE_PLAIN, got, sizeof got);
    assert_string_equal(got, "[\"unclosed (a OR NEAR/x -b]");
}

/* Random bytes never crash the parser (the fuzz target does this at scale). */
static void survives_junk(void **state)
{
    (void)state;
    const char alphabet[] = "ab \"()+-*:NEAR/ANDORNOT12.lang:date:title:source:\xd0\xb6\xe4\xb8\xad";
    unsigned seed = 12345;
    for (int i = 0; i < 20000; i++) {
        char q[64];
        size_t n = (size_t)(seed % 40);
        for (size_t k = 0; k < n; k++) {
            seed = seed * 1103515245u + 12345u;
            q[k] = alphabet[(seed >> 16) % (sizeof alphabet - 1)];
        }
        q[n] = '\0';
        char got[1024];
        dump(q, (seed >> 8) & 1 ? SR_PARSE_AND : 0, got, sizeof got);
        seed = seed * 1103515245u + 12345u;
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(parses_into_ast),
        cmocka_unit_test(reports_column_and_message),
        cmocka_unit_test(limits_are_errors),
        cmocka_unit_test(plain_mode_ignores_operators),
        cmocka_unit_test(survives_junk),
    };
    return cmocka_run_group_tests_name("query", tests, NULL, NULL);
}
