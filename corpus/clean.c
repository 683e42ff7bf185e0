/* clean.c - raw bytes to valid UTF-8.
 *
 * Invalid sequences and NUL bytes become U+FFFD.  Each replacement is
 * reported as "file:line:byte" (line and byte counted in the raw input, both
 * 1-based), at most REPORT_MAX per call: a file full of stray Latin-1 bytes
 * should produce a readable message, not ten thousand lines.
 */
#include <stdio.h>
#include <string.h>

#include "../common/utf8.h"
#include "internal.h"

enum { REPORT_MAX = 3 };

typedef struct {
    const clean_ctx *cc;
    const char *s;
    size_t n;
    size_t line, line_start, scanned;  /* newline counting up to `scanned` */
} report_state;

static void on_bad(void *ctx, size_t offset)
{
    report_state *rs = ctx;
    const clean_ctx *cc = rs->cc;
    rs->n++;
    if (!cc->warn || rs->n > REPORT_MAX)
        return;
    for (; rs->scanned < offset; rs->scanned++)
        if (rs->s[rs->scanned] == '\n') {
            rs->line++;
            rs->line_start = rs->scanned + 1;
        }
    char msg[1024];
    snprintf(msg, sizeof msg, "%s:%zu:%zu: %s replaced with U+FFFD%s", cc->file, rs->line,
             cc->base + offset - rs->line_start + 1,
             rs->s[offset] ? "invalid UTF-8" : "NUL byte",
             rs->n == REPORT_MAX ? " (further ones not reported)" : "");
    cc->warn(cc->warn_ctx, msg);
}

char *clean_utf8(arena_t *a, const char *s, size_t len, const clean_ctx *cc, size_t *out_len,
                 size_t *n_bad)
{
    *n_bad = 0;
    if (utf8_valid_prefix(s, len) == len) { /* stops at NUL too */
        *out_len = len;
        return cc->lend ? (char *)s : arena_strndup(a, s, len);
    }
    buf_t b;
    buf_init(&b);
    rc_t rc = RC_OK;
    report_state rs = {.cc = cc, .s = s, .line = cc->line};
    *n_bad = utf8_sanitize(s, len, &b, cc->warn ? on_bad : NULL, &rs, &rc);
    char *d = rc == RC_OK ? arena_strndup(a, buf_cstr(&b), b.len) : NULL;
    *out_len = b.len;
    buf_free(&b);
    return d;
}
