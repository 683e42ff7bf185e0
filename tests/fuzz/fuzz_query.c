/* fuzz_query.c - libFuzzer target for the query language: arbitrary bytes
 * through sr_parse() in OR, AND and plain mode (never a crash, an error
 * always names a column inside the query, the AST dumps), then, for inputs
 * up to 1 KB, through the whole of sr_search() on a small index with
 * snippets and --explain on, strict and lenient (planner, iterators,
 * snippets). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../../common/utf8.h"
#include "../../searcher/internal.h"
#include "../../searcher/sr.h"
#include "../unit/testutil.h"

static char *dir;
static sr_searcher *srch;

static void cleanup(void)
{
    sr_close(srch);
    if (dir)
        tu_rmrf(dir);
    free(dir);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    dir = tu_tmpdir();
    ix_doc docs[] = {
        tu_doc("en-1", "en", "Sepsis early-warning models",
               "Early warning models for sepsis in intensive care units. Artificial "
               "intelligence flags patients; the warning came early, mother of pearl."),
        tu_doc("ru-1", "ru", "Цифровая медицина",
               "Меморандум о развитии цифровой медицины и цифрового здравоохранения."),
        tu_doc("zh-1", "zh", "上海医院应用人工智能", "上海多家医院应用人工智能辅助诊断肺结节。"),
    };
    docs[0].date = "2025-08-26";
    docs[1].date = "2024-02-29";
    docs[2].source = "yiliao.example";
    err_t err;
    err_clear(&err);
    ix_run_stats rs;
    if (!dir || tu_index(dir, docs, 3, NULL, 0, &rs, &err) != RC_OK ||
        sr_open(dir, &srch, &err) != RC_OK)
        abort();
    atexit(cleanup);
    return 0;
}

static void parse(const char *q, size_t len, unsigned flags)
{
    arena_t a;
    arena_init(&a, 4096);
    sr_qnode *root;
    size_t col = 0, chars = sr_col(q, len);
    err_t err;
    err_clear(&err);
    rc_t rc = sr_parse(&a, q, len, flags, &root, &col, &err);
    if (rc == RC_OK) {
        buf_t b;
        buf_init(&b);
        rc_t brc = RC_OK;
        sr_qnode_dump(root, &b, &brc);
        buf_free(&b);
    } else if (rc != RC_BADINPUT && rc != RC_NOMEM) {
        abort();
    } else if (rc == RC_BADINPUT && (col < 1 || col > chars || strncmp(err.msg, "column ", 7))) {
        abort();   /* every syntax error points inside the query (or just past it) */
    }
    arena_free(&a);
}

static void search(const char *q, size_t len, int lenient, int and)
{
    sr_options o = sr_options_default();
    o.explain = 1;
    o.want_snippets = 1;
    o.lenient = lenient;
    o.default_and = and;
    o.max_expansions = 3;
    sr_result res;
    sr_result_init(&res);
    size_t col;
    err_t err;
    err_clear(&err);
    rc_t rc = sr_search(srch, q, len, &o, &res, &col, &err);
    if (rc != RC_OK && rc != RC_BADINPUT && rc != RC_NOMEM)
        abort();
    for (size_t i = 0; rc == RC_OK && i < res.n_hits; i++) {
        const sr_hit *h = &res.hits[i];
        size_t n = strlen(h->snippet);
        if (utf8_valid_prefix(h->snippet, n) != n)
            abort();
        for (size_t k = 0; k < h->n_marks; k++)
            if (h->marks[k].off + h->marks[k].len > n)
                abort();
    }
    sr_result_free(&res);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *q = (const char *)data;
    parse(q, size, 0);
    parse(q, size, SR_PARSE_AND);
    parse(q, size, SR_PARSE_PLAIN);
    if (size > 1024)
        return 0;
    /* Queries reach sr_search as valid UTF-8 without NUL (bin/searcher
     * sanitizes them the same way). */
    buf_t clean;
    buf_init(&clean);
    rc_t rc = RC_OK;
    utf8_sanitize(q, size, &clean, NULL, NULL, &rc);
    if (rc == RC_OK) {
        search(buf_cstr(&clean), clean.len, 0, size & 1);
        search(buf_cstr(&clean), clean.len, 1, 0);
    }
    buf_free(&clean);
    return 0;
}
