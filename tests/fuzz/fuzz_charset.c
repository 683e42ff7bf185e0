/* fuzz_charset.c - libFuzzer target for charset detection and mojibake
 * repair on their own, below the document parsers: bytes through
 * charset_decode() (BOMs, UTF-16 without BOM, binary check, uchardet and
 * ICU ucsdet, conversion), with or without a charset hint chosen by the
 * first byte; then clean_utf8() on what is left; then repair_text() on the
 * clean text.  Every stage must hand on valid UTF-8 of the stated length,
 * and repair must either change nothing or name its scheme. */
#include <stdint.h>

#include "../../common/mem.h"
#include "fuzz_common.h"

static cp_charset *cs;
static cp_repair *rp;

static void close_all(void)
{
    charset_close(cs);
    repair_close(rp);
}

/* A conversion is valid UTF-8 except that it keeps NUL bytes (U+0000 in
 * the source); clean_utf8() replaces those. */
static int valid_but_nul(const char *s, size_t len)
{
    for (const char *end = s + len; s < end;) {
        size_t n = utf8_valid_prefix(s, (size_t)(end - s));
        s += n;
        if (s < end && *s)
            return 0;
        s += s < end;
    }
    return 1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!cs) {
        if (charset_open(&cs) != RC_OK || repair_open(&rp) != RC_OK)
            abort();
        atexit(close_all);
    }
    if (size == 0)
        return 0;
    static const char *const hints[] = {NULL, NULL, NULL, NULL, "windows-1251", "GB18030",
                                        "Big5", "KOI8-R", "UTF-16LE", "windows-1252"};
    const char *hint = hints[data[0] % 10];
    char *buf = mem_alloc(size);   /* data + 1 and a NUL */
    if (!buf)
        return 0;
    memcpy(buf, data + 1, size - 1);
    buf[size - 1] = '\0';
    const char *out;
    size_t out_len;
    charset_result res;
    err_t err;
    err_clear(&err);
    rc_t rc = charset_decode(cs, buf, size - 1, hint, &out, &out_len, &res, &err);
    if (rc != RC_OK) {
        if (rc != RC_INTERNAL)
            fz_fail("charset_decode", rc_str(rc));
        mem_free(buf);
        return 0;
    }
    if (res.binary) {
        mem_free(buf);
        return 0;
    }
    if (!res.name || (res.converted && !valid_but_nul(out, out_len)))
        fz_fail("conversion is not UTF-8", res.name);
    arena_t a;
    arena_init(&a, 16 * 1024);
    clean_ctx cc = {.file = "fuzz", .line = 1};
    size_t clean_len, n_bad;
    char *clean = clean_utf8(&a, out, out_len, &cc, &clean_len, &n_bad);
    if (!clean)
        abort();
    fz_check_str("clean_utf8", clean, clean_len);
    const char *fixed;
    size_t fixed_len;
    repair_result rr;
    if (repair_text(rp, &a, clean, clean_len, &fixed, &fixed_len, &rr) != RC_OK)
        abort();
    if (rr.scheme ? fixed == clean : fixed != clean)
        fz_fail("repair result", rr.scheme);
    fz_check_str("repair_text", fixed, fixed_len);
    arena_free(&a);
    mem_free(buf);
    return 0;
}
