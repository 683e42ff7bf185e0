/* libFuzzer target: arbitrary bytes through the analyzer, with every CJK
 * mode and a language taken from the first byte.  Invalid UTF-8 must be
 * refused with RC_BADINPUT; valid text must give tokens whose offsets lie
 * inside the text, on character boundaries, with positions never going
 * backwards for non-overlay tokens.  The bytes made ASCII (high bit and NUL
 * cleared) must give the same tokens on the ASCII path as through ICU. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../../analyzers/an.h"
#include "../../common/utf8.h"

typedef struct {
    const char *text;
    size_t len;
    uint32_t last_pos;
} check_ctx;

static rc_t check(void *ctx, const an_token *t)
{
    check_ctx *c = ctx;
    if (t->start > t->end || t->end > c->len)
        abort();
    if (t->start < c->len && ((unsigned char)c->text[t->start] & 0xC0) == 0x80)
        abort();
    if (t->term_len == 0 || t->term_len > AN_TERM_MAX || utf8_valid_prefix(t->stem, t->stem_len) != t->stem_len)
        abort();
    if (!(t->flags & AN_TOK_OVERLAY)) {
        if (t->pos < c->last_pos)
            abort();
        c->last_pos = t->pos;
    }
    return RC_OK;
}

/* Every field of every token, one line each. */
static rc_t record(void *ctx, const an_token *t)
{
    buf_t *b = ctx;
    rc_t rc = RC_OK;
    buf_append_lenstr(b, t->term, t->term_len, &rc);
    buf_append_lenstr(b, t->stem, t->stem_len, &rc);
    buf_append_varint(b, t->pos, &rc);
    buf_append_varint(b, t->start, &rc);
    buf_append_varint(b, t->end, &rc);
    buf_append_varint(b, (uint64_t)t->script << 8 | t->flags, &rc);
    return rc;
}

static void ascii_path_matches_icu(an_analyzer *fast, an_analyzer *icu, const char *lang,
                                   const uint8_t *data, size_t size)
{
    char *text = malloc(size ? size : 1);
    if (!text)
        return;
    for (size_t i = 0; i < size; i++)
        text[i] = (char)((data[i] & 0x7f) ? data[i] & 0x7f : ' ');
    buf_t a, b;
    buf_init(&a);
    buf_init(&b);
    uint32_t pa = 0, pb = 0;
    err_t err;
    err_clear(&err);
    if (an_analyze(fast, lang, text, size, &pa, record, &a, &err) != RC_OK ||
        an_analyze(icu, lang, text, size, &pb, record, &b, &err) != RC_OK || pa != pb ||
        a.len != b.len || (a.len && memcmp(a.p, b.p, a.len)))
        abort();
    buf_free(&a);
    buf_free(&b);
    free(text);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static an_analyzer *icu;
    static an_analyzer *an[AN_CJK__COUNT];
    if (!an[0])
        for (int m = 0; m < AN_CJK__COUNT; m++) {
            an_config cfg = an_config_default();
            cfg.cjk_mode = (an_cjk_mode)m;
            err_t err;
            err_clear(&err);
            if (an_open(&cfg, &an[m], &err) != RC_OK)
                abort();
            if (m == AN_CJK_WORDS_RUNBIGRAMS) {
                cfg.no_ascii_path = 1;
                if (an_open(&cfg, &icu, &err) != RC_OK)
                    abort();
            }
        }
    if (size == 0)
        return 0;
    static const char *const langs[] = {NULL, "en", "ru", "zh", "fr", "de", "xx"};
    const char *lang = langs[data[0] % 7];
    int mode = (data[0] >> 4) % AN_CJK__COUNT;
    const char *text = (const char *)data + 1;
    size_t len = size - 1;
    check_ctx c = {text, len, 0};
    uint32_t pos = 0;
    err_t err;
    err_clear(&err);
    rc_t rc = an_analyze(an[mode], lang, text, len, &pos, check, &c, &err);
    int valid = utf8_valid_prefix(text, len) == len;
    if (valid ? rc != RC_OK : rc != RC_BADINPUT)
        abort();
    ascii_path_matches_icu(an[AN_CJK_WORDS_RUNBIGRAMS], icu, lang, data + 1, size - 1);
    return 0;
}
