/* libFuzzer target: arbitrary bytes through the analyzer, with every CJK
 * mode and a language taken from the first byte.  Invalid UTF-8 must be
 * refused with RC_BADINPUT; valid text must give tokens whose offsets lie
 * inside the text, on character boundaries, with positions never going
 * backwards for non-overlay tokens. */
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

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static an_analyzer *an[AN_CJK__COUNT];
    if (!an[0])
        for (int m = 0; m < AN_CJK__COUNT; m++) {
            an_config cfg = an_config_default();
            cfg.cjk_mode = (an_cjk_mode)m;
            err_t err;
            err_clear(&err);
            if (an_open(&cfg, &an[m], &err) != RC_OK)
                abort();
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
    return 0;
}
