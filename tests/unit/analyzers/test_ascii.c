/* Unit tests for the ASCII path of the analyzer (analyzers/ascii.c): it must
 * give exactly the tokens ICU gives -- term, stem, position, byte offsets,
 * script, flags -- on every string of up to five characters over the
 * characters that matter to UAX #29, on tricky text, and on every ASCII
 * title and text of ../shared/eval (skipped when absent). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <json-c/json.h>

#include "../../../analyzers/an.h"
#include "../../../common/buf.h"
#include "../../../common/utf8.h"
#include "../evalsets.h"

static rc_t collect(void *ctx, const an_token *t)
{
    buf_t *out = ctx;
    char tmp[640];
    int k = snprintf(tmp, sizeof tmp, "%.*s|%.*s|%u|%zu-%zu|%d|%u\n", (int)t->term_len, t->term,
                     (int)t->stem_len, t->stem, t->pos, t->start, t->end, (int)t->script,
                     t->flags);
    rc_t rc = RC_OK;
    buf_append(out, tmp, (size_t)k, &rc);
    return rc;
}

typedef struct {
    an_analyzer *fast, *icu;
    buf_t a, b;
    size_t n_texts, n_tokens;
} pair;

static void pair_open(pair *p)
{
    memset(p, 0, sizeof *p);
    an_config cfg = an_config_default();
    err_t err;
    err_clear(&err);
    assert_int_equal(an_open(&cfg, &p->fast, &err), RC_OK);
    cfg.no_ascii_path = 1;
    assert_int_equal(an_open(&cfg, &p->icu, &err), RC_OK);
    buf_init(&p->a);
    buf_init(&p->b);
}

static void pair_close(pair *p)
{
    an_close(p->fast);
    an_close(p->icu);
    buf_free(&p->a);
    buf_free(&p->b);
}

static void run(an_analyzer *an, const char *lang, const char *text, size_t len, buf_t *out)
{
    buf_reset(out);
    uint32_t pos = 7;
    err_t err;
    err_clear(&err);
    assert_int_equal(an_analyze(an, lang, text, len, &pos, collect, out, &err), RC_OK);
    char tmp[32];
    rc_t rc = RC_OK;
    buf_append(out, tmp, (size_t)snprintf(tmp, sizeof tmp, "end %u\n", pos), &rc);
}

/* Both paths on text; fails with the first difference. */
static void same(pair *p, const char *lang, const char *text, size_t len)
{
    run(p->fast, lang, text, len, &p->a);
    run(p->icu, lang, text, len, &p->b);
    p->n_texts++;
    for (size_t i = 0; i < p->b.len; i++)
        p->n_tokens += p->b.p[i] == '\n';
    if (p->a.len != p->b.len || memcmp(p->a.p, p->b.p, p->a.len)) {
        print_error("text \"%.*s\" (lang %s)\nASCII path:\n%s\nICU:\n%s\n", (int)(len < 300 ? len : 300),
                    text, lang ? lang : "-", buf_cstr(&p->a), buf_cstr(&p->b));
        fail();
    }
}

/* Every string of length 1..5 over letters (upper and lower), '@', digits,
 * the middle characters of UAX #29 and some that are not. */
static void short_strings(void **state)
{
    (void)state;
    static const char alphabet[] = "aZ@1.',;:_ -\n";
    enum { K = sizeof alphabet - 1, MAX = 5 };
    pair p;
    pair_open(&p);
    char s[MAX + 1];
    for (size_t len = 1; len <= MAX; len++) {
        size_t total = 1;
        for (size_t i = 0; i < len; i++)
            total *= K;
        for (size_t code = 0; code < total; code++) {
            size_t c = code;
            for (size_t i = 0; i < len; i++, c /= K)
                s[i] = alphabet[c % K];
            same(&p, "en", s, len);
        }
    }
    pair_close(&p);
}

static void tricky_text(void **state)
{
    (void)state;
    static const char *const texts[] = {
        "U.S. officials said the U.K.'s e-mail to info@who.int at 12:30 was \"urgent\".",
        "1,000,000 3.14 1.2.3 1;2 a;b a,b 1,a a.1 1.a a1.2 1a.b x.y.z .5 5. 'quoted' don't",
        "Super_Bowl_50 __init__ snake_case _leading trailing_ a__b 1_2 _ __ ___x",
        "tab\there\r\nCRLF\vvt\fff  double  space\x01\x7f ctrl",
        "a.'b a'.b a..b 1..2 1.,2 1,.2 a'b'c 1'2 a'1 1'a",
        "@ @@ a@ @a 1@2 @1 foo@bar.com @home",
        "the of and THE Of running RUNS ran dogs' dog's",
        "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
        "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa long word",
        "",
    };
    static const char *const langs[] = {"en", NULL, "fr", "ru", "zh"};
    pair p;
    pair_open(&p);
    for (size_t l = 0; l < sizeof langs / sizeof langs[0]; l++)
        for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++)
            same(&p, langs[l], texts[i], strlen(texts[i]));
    pair_close(&p);
}

/* Texts over one chunk (256 KB) are cut at a space; both paths cut alike. */
static void chunked_text(void **state)
{
    (void)state;
    size_t n = 700 * 1024;
    char *text = malloc(n);
    assert_non_null(text);
    for (size_t i = 0; i < n; i++)
        text[i] = "ab.c 1,2_x'y\n"[(i * 7 + i / 13) % 13];
    pair p;
    pair_open(&p);
    same(&p, "en", text, n);
    pair_close(&p);
    free(text);
}

static void same_field(pair *p, json_object *doc, const char *const *names, const char *lang)
{
    for (size_t i = 0; names[i]; i++) {
        json_object *v;
        if (!json_object_object_get_ex(doc, names[i], &v) || !json_object_is_type(v, json_type_string))
            continue;
        const char *s = json_object_get_string(v);
        size_t len = (size_t)json_object_get_string_len(v);
        if (utf8_ascii_prefix(s, len) == len && !memchr(s, '\0', len))
            same(p, lang, s, len);
    }
}

/* Every ASCII title and text of the evaluation sets. */
static void eval_documents(void **state)
{
    (void)state;
    static const char *const titles[] = {"title", NULL}, *const texts[] = {"text", "body", NULL};
    pair p;
    pair_open(&p);
    size_t n_files = 0;
    char *line = NULL;
    size_t cap = 0;
    for (size_t i = 0; i < N_EVAL_SETS; i++) {
        FILE *f = eval_set_open(eval_sets[i]);
        assert_non_null(f);
        ssize_t got;
        size_t before = p.n_texts;
        while ((got = getline(&line, &cap, f)) > 0) {
            json_object *doc = json_tokener_parse(line);
            if (!doc)
                continue;
            json_object *lv;
            const char *lang = json_object_object_get_ex(doc, "lang", &lv) ? json_object_get_string(lv) : NULL;
            same_field(&p, doc, titles, lang);
            same_field(&p, doc, texts, lang);
            json_object_put(doc);
        }
        pclose(f);
        n_files += p.n_texts > before;
    }
    free(line);
    size_t n_texts = p.n_texts, n_tokens = p.n_tokens;
    pair_close(&p);
    if (n_files == 0) {
        print_message("# SKIP evaluation documents: %s/eval not found\n", eval_shared());
        skip();
    }
    print_message("# %zu ASCII fields of %zu sets, %zu tokens: identical\n", n_texts, n_files, n_tokens);
    assert_true(n_texts > 40000); /* Reuters alone has 21,578 titles and as many texts */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(short_strings),
        cmocka_unit_test(tricky_text),
        cmocka_unit_test(chunked_text),
        cmocka_unit_test(eval_documents),
    };
    return cmocka_run_group_tests_name("analyzers_ascii", tests, NULL, NULL);
}
