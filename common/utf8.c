/* utf8.c - strict UTF-8 decoding and repair (see utf8.h). */
#include "utf8.h"

#include <string.h>

size_t utf8_decode(const unsigned char *p, const unsigned char *end, uint32_t *cp)
{
    unsigned c = p[0];
    if (c < 0x80) {
        *cp = c;
        return 1;
    }
    size_t n;
    uint32_t v, min;
    if (c >= 0xC2 && c <= 0xDF) {
        n = 2; v = c & 0x1F; min = 0x80;
    } else if (c >= 0xE0 && c <= 0xEF) {
        n = 3; v = c & 0x0F; min = 0x800;
    } else if (c >= 0xF0 && c <= 0xF4) {
        n = 4; v = c & 0x07; min = 0x10000;
    } else {
        return 0;
    }
    if ((size_t)(end - p) < n)
        return 0;
    for (size_t i = 1; i < n; i++) {
        if ((p[i] & 0xC0) != 0x80)
            return 0;
        v = v << 6 | (p[i] & 0x3F);
    }
    if (v < min || v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF))
        return 0;
    *cp = v;
    return n;
}

size_t utf8_invalid_len(const unsigned char *p, const unsigned char *end)
{
    /* Maximal subpart: the lead byte plus the continuation bytes that could
     * still have led to a valid sequence (Unicode 3.9, U+FFFD substitution). */
    unsigned c = p[0];
    size_t n;
    unsigned lo = 0x80, hi = 0xBF;
    if (c >= 0xC2 && c <= 0xDF) n = 2;
    else if (c == 0xE0) { n = 3; lo = 0xA0; }
    else if (c >= 0xE1 && c <= 0xEC) n = 3;
    else if (c == 0xED) { n = 3; hi = 0x9F; }
    else if (c >= 0xEE && c <= 0xEF) n = 3;
    else if (c == 0xF0) { n = 4; lo = 0x90; }
    else if (c >= 0xF1 && c <= 0xF3) n = 4;
    else if (c == 0xF4) { n = 4; hi = 0x8F; }
    else return 1;
    size_t i = 1;
    while (i < n && p + i < end) {
        unsigned d = p[i];
        if (d < lo || d > hi)
            break;
        lo = 0x80;
        hi = 0xBF;
        i++;
    }
    return i;
}

size_t utf8_encode(uint32_t cp, unsigned char *dst)
{
    if (cp < 0x80) {
        dst[0] = (unsigned char)cp;
        return 1;
    }
    if (cp < 0x800) {
        dst[0] = (unsigned char)(0xC0 | cp >> 6);
        dst[1] = (unsigned char)(0x80 | (cp & 0x3F));
        return 2;
    }
    if (cp < 0x10000) {
        dst[0] = (unsigned char)(0xE0 | cp >> 12);
        dst[1] = (unsigned char)(0x80 | ((cp >> 6) & 0x3F));
        dst[2] = (unsigned char)(0x80 | (cp & 0x3F));
        return 3;
    }
    dst[0] = (unsigned char)(0xF0 | cp >> 18);
    dst[1] = (unsigned char)(0x80 | ((cp >> 12) & 0x3F));
    dst[2] = (unsigned char)(0x80 | ((cp >> 6) & 0x3F));
    dst[3] = (unsigned char)(0x80 | (cp & 0x3F));
    return 4;
}

size_t utf8_valid_prefix(const char *s, size_t len)
{
    const unsigned char *p = (const unsigned char *)s, *end = p + len;
    while (p < end) {
        /* Eight ASCII bytes at a time (no high bit, no NUL): news is mostly
         * ASCII and this runs over every document twice. */
        while (end - p >= 8) {
            uint64_t v;
            memcpy(&v, p, 8);
            const uint64_t ones = 0x0101010101010101ull, highs = 0x8080808080808080ull;
            if ((v & highs) || ((v - ones) & ~v & highs))
                break;
            p += 8;
        }
        if (p == end)
            break;
        unsigned c = *p;
        if (c < 0x80 && c) {
            p++;
            continue;
        }
        /* Two- and three-byte sequences inline (Cyrillic, CJK): the same
         * checks as utf8_decode(), without the call per character. */
        if (c >= 0xC2 && c <= 0xDF && end - p >= 2 && (p[1] & 0xC0) == 0x80) {
            p += 2;
            continue;
        }
        if (c >= 0xE0 && c <= 0xEF && end - p >= 3 && (p[1] & 0xC0) == 0x80 &&
            (p[2] & 0xC0) == 0x80 && (c != 0xE0 || p[1] >= 0xA0) && (c != 0xED || p[1] <= 0x9F)) {
            p += 3;
            continue;
        }
        uint32_t cp;
        size_t n = c ? utf8_decode(p, end, &cp) : 0;
        if (!n)
            break;
        p += n;
    }
    return (size_t)(p - (const unsigned char *)s);
}

size_t utf8_ascii_prefix(const char *s, size_t len)
{
    size_t i = 0;
    for (; len - i >= 8; i += 8) {
        uint64_t v;
        memcpy(&v, s + i, 8);
        if (v & 0x8080808080808080ull)
            break;
    }
    while (i < len && !((unsigned char)s[i] & 0x80))
        i++;
    return i;
}

size_t utf8_sanitize(const char *s, size_t len, buf_t *out,
                     void (*on_bad)(void *ctx, size_t offset), void *ctx, rc_t *prc)
{
    static const unsigned char repl[3] = {0xEF, 0xBF, 0xBD};
    size_t n_bad = 0, pos = 0;
    buf_reserve(out, len, prc);
    while (pos < len && *prc == RC_OK) {
        size_t good = utf8_valid_prefix(s + pos, len - pos);
        buf_append(out, s + pos, good, prc);
        pos += good;
        if (pos >= len)
            break;
        const unsigned char *p = (const unsigned char *)s + pos;
        size_t skip = *p ? utf8_invalid_len(p, (const unsigned char *)s + len) : 1;
        if (on_bad)
            on_bad(ctx, pos);
        buf_append(out, repl, 3, prc);
        n_bad++;
        pos += skip;
    }
    return n_bad;
}

size_t utf8_floor(const char *s, size_t len)
{
    size_t n = len;
    /* Step back over continuation bytes, at most three, to a lead byte. */
    size_t back = 0;
    while (n > 0 && back < 4 && ((unsigned char)s[n - 1] & 0xC0) == 0x80) {
        n--;
        back++;
    }
    if (n == 0)
        return 0;
    unsigned char lead = (unsigned char)s[n - 1];
    size_t need = lead < 0x80 ? 1 : lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : 2;
    return (back + 1 >= need) ? len : n - 1;
}
