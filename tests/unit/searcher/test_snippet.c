/* Unit tests for searcher/snippet.c: a snippet is valid UTF-8, starts and
 * ends on word boundaries (Chinese words included), is one line, marks the
 * matched words, and "…" stands where text was left out. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "../../../common/utf8.h"
#include "../../../searcher/internal.h"

static an_analyzer *an;

static int setup(void **state)
{
    (void)state;
    an_config cfg = an_config_default();
    err_t err;
    err_clear(&err);
    return an_open(&cfg, &an, &err) == RC_OK ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    an_close(an);
    return 0;
}

/* Word boundaries of a text: starts and ends of its (non-overlay) tokens. */
typedef struct {
    char *start, *end;   /* flags per byte offset */
} bounds;

static rc_t on_tok(void *ctx, const an_token *t)
{
    bounds *b = ctx;
    if (!(t->flags & AN_TOK_OVERLAY)) {
        b->start[t->start] = 1;
        b->end[t->end] = 1;
    }
    return RC_OK;
}

static void stems_of(const char *words, strmap *terms);

/* Snippet of text for the query words; checks every invariant and returns
 * the snippet (static).  The word-boundary check needs text with single
 * spaces (the snippet collapses whitespace runs). */
static const char *snip(const char *text, const char *query, const char *lang, sr_hit *h)
{
    static char out[4096];
    strmap terms;
    strmap_init(&terms);
    stems_of(query, &terms);
    arena_t a;
    arena_init(&a, 4096);
    err_t err;
    err_clear(&err);
    memset(h, 0, sizeof *h);
    size_t len = strlen(text);
    assert_int_equal(sr_snippet_make(an, &terms, lang, text, len, &a, h, &err), RC_OK);
    const char *s = h->snippet;
    size_t n = strlen(s);
    assert_int_equal(utf8_valid_prefix(s, n), n);
    assert_null(strchr(s, '\n'));
    assert_null(strchr(s, '\t'));
    /* The core, without "…", is a piece of the text cut at word boundaries. */
    const char *core = s;
    size_t core_len = n;
    if (!strncmp(core, "\xe2\x80\xa6", 3)) {
        core += 3;
        core_len -= 3;
    }
    if (core_len >= 3 && !strncmp(core + core_len - 3, "\xe2\x80\xa6", 3))
        core_len -= 3;
    bounds b = {calloc(len + 1, 1), calloc(len + 1, 1)};
    uint32_t pos = 0;
    assert_int_equal(an_analyze(an, lang, text, len, &pos, on_tok, &b, &err), RC_OK);
    if (core_len && !strstr(text, "  ") && !strpbrk(text, "\n\t")) {
        char *piece = strndup(core, core_len);
        const char *at = strstr(text, piece);
        assert_non_null(at);
        size_t off = (size_t)(at - text);
        assert_true(off == 0 || b.start[off]);
        assert_true(off + core_len == len || b.end[off + core_len]);
        free(piece);
    }
    /* Every mark is inside the snippet and covers whole tokens. */
    for (size_t i = 0; i < h->n_marks; i++) {
        assert_true(h->marks[i].off + h->marks[i].len <= n);
        assert_true(h->marks[i].len > 0);
        assert_int_equal(utf8_valid_prefix(s + h->marks[i].off, h->marks[i].len), h->marks[i].len);
    }
    snprintf(out, sizeof out, "%s", s);
    /* The hit outlives the arena: keep its marks here. */
    static sr_span marks[64];
    h->n_marks = h->n_marks < 64 ? h->n_marks : 64;
    memcpy(marks, h->marks, h->n_marks * sizeof *marks);
    h->marks = marks;
    h->snippet = out;
    free(b.start);
    free(b.end);
    arena_free(&a);
    strmap_free(&terms);
    return out;
}

static rc_t add_stem(void *ctx, const an_token *t)
{
    strmap *m = ctx;
    int added;
    strmap_slot *s = strmap_put(m, t->stem, t->stem_len, &added);
    if (s && added)
        s->value = m->n - 1;
    return s ? RC_OK : RC_NOMEM;
}

/* The query's terms as the planner would collect them. */
static void stems_of(const char *words, strmap *terms)
{
    uint32_t pos = 0;
    err_t err;
    err_clear(&err);
    assert_int_equal(an_analyze(an, NULL, words, strlen(words), &pos, add_stem, terms, &err),
                     RC_OK);
}

static char *repeat_words(const char *word, int n, int at, const char *special)
{
    size_t cap = (size_t)n * (strlen(word) + 8) + strlen(special) + 16;
    char *t = malloc(cap), *p = t;
    for (int i = 0; i < n; i++)
        p += i == at ? sprintf(p, " %s", special) : sprintf(p, "%s%s%d", i ? " " : "", word, i);
    return t;
}

static void english_window_around_the_match(void **state)
{
    (void)state;
    char *text = repeat_words("filler", 200, 100, "Sepsis");
    sr_hit h;
    const char *s = snip(text, "sepsis", "en", &h);
    assert_int_equal(strncmp(s, "\xe2\x80\xa6", 3), 0);
    assert_int_equal(strcmp(s + strlen(s) - 3, "\xe2\x80\xa6"), 0);
    assert_true(strlen(s) <= 200 + 6);   /* 200 columns, "…" twice */
    assert_int_equal(h.n_marks, 1);
    assert_int_equal(h.marks[0].len, 6);
    assert_int_equal(strncmp(s + h.marks[0].off, "Sepsis", 6), 0);
    /* Some context before the match: the window starts a few words earlier. */
    assert_true(h.marks[0].off > 3 + 10);
    free(text);
}

static void chinese_cut_at_words(void **state)
{
    (void)state;
    char text[4096] = "";
    for (int i = 0; i < 30; i++)
        strcat(text, i == 15 ? "医疗数据合规联邦学习助力多中心研究。" : "上海多家医院应用人工智能辅助诊断肺结节。");
    sr_hit h;
    const char *s = snip(text, "联邦学习", "zh", &h);
    assert_true(h.n_marks >= 1);
    assert_non_null(strstr(s, "联邦"));
    assert_true(strlen(s) <= 3 * (100 + 2));   /* 100 wide characters */
    /* No match in a long text: the start, cut at a word. */
    s = snip(text, "nothing", "zh", &h);
    assert_int_equal(h.n_marks, 0);
    assert_int_equal(strncmp(s, "上海", 6), 0);
    assert_int_equal(strcmp(s + strlen(s) - 3, "\xe2\x80\xa6"), 0);
}

static void russian_stems_and_whitespace(void **state)
{
    (void)state;
    const char *text = "Между университетом и институтом был подписан меморандум о развитии\n\n"
                       "сотрудничества в области цифрового\tздравоохранения и цифровой медицины.";
    sr_hit h;
    const char *s = snip(text, "цифровая медицина", "ru", &h);
    /* The whole text fits: no ellipsis, whitespace runs become one space. */
    assert_string_equal(s, "Между университетом и институтом был подписан меморандум о развитии "
                           "сотрудничества в области цифрового здравоохранения и цифровой "
                           "медицины.");
    assert_int_equal(h.n_marks, 3);
    assert_int_equal(strncmp(s + h.marks[0].off, "цифрового", h.marks[0].len), 0);
    assert_int_equal(strncmp(s + h.marks[2].off, "медицины", h.marks[2].len), 0);
}

static void best_window_has_most_distinct_terms(void **state)
{
    (void)state;
    char text[8192] = "";
    for (int i = 0; i < 40; i++)
        strcat(text, "alpha filler words here. ");
    strcat(text, "Here alpha and beta and gamma meet. ");
    for (int i = 0; i < 40; i++)
        strcat(text, "gamma filler words here. ");
    sr_hit h;
    const char *s = snip(text, "alpha beta gamma", "en", &h);
    assert_non_null(strstr(s, "alpha and beta and gamma"));
}

static void title_marks(void **state)
{
    (void)state;
    strmap terms;
    strmap_init(&terms);
    stems_of("early warnings 人工智能", &terms);
    arena_t a;
    arena_init(&a, 1024);
    sr_hit h;
    memset(&h, 0, sizeof h);
    err_t err;
    err_clear(&err);
    const char *title = "Sepsis early-warning models 人工智能";
    assert_int_equal(sr_title_marks(an, &terms, "en", title, &a, &h, &err), RC_OK);
    /* 人工 智能 and the overlay bigram 工智 between them merge into one mark. */
    assert_int_equal(h.n_title_marks, 3);
    assert_int_equal(strncmp(title + h.title_marks[0].off, "early", h.title_marks[0].len), 0);
    assert_int_equal(strncmp(title + h.title_marks[1].off, "warning", h.title_marks[1].len), 0);
    assert_int_equal(h.title_marks[2].len, strlen("人工智能"));
    arena_free(&a);
    strmap_free(&terms);
}

/* Mixed scripts, random words and matches: the invariants in snip() hold. */
static void random_texts_keep_invariants(void **state)
{
    (void)state;
    static const char *const words[] = {"sepsis", "AI", "model", "медицина", "здоровье",
                                        "人工智能", "肺结节", "医院", "x-ray", "COVID-19",
                                        "“quoted”", "3.5", "и", "the", "诊断。", "ёж"};
    unsigned seed = 7;
    for (int round = 0; round < 300; round++) {
        char text[8192] = "";
        size_t n = 0;
        int count = 1 + (int)(seed % 150);
        for (int i = 0; i < count && n < sizeof text - 64; i++) {
            seed = seed * 1103515245u + 12345u;
            const char *w = words[(seed >> 16) % (sizeof words / sizeof words[0])];
            int glue = (seed >> 8) % 3 == 0 && (unsigned char)w[0] >= 0xE0;
            n += (size_t)snprintf(text + n, sizeof text - n, "%s%s", i && !glue ? " " : "", w);
        }
        seed = seed * 1103515245u + 12345u;
        sr_hit h;
        snip(text, words[(seed >> 16) % (sizeof words / sizeof words[0])], NULL, &h);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(english_window_around_the_match),
        cmocka_unit_test(chinese_cut_at_words),
        cmocka_unit_test(russian_stems_and_whitespace),
        cmocka_unit_test(best_window_has_most_distinct_terms),
        cmocka_unit_test(title_marks),
        cmocka_unit_test(random_texts_keep_invariants),
    };
    return cmocka_run_group_tests_name("snippet", tests, setup, teardown);
}
