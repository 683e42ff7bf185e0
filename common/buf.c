/* buf.c - growable byte buffer and varints (see buf.h). */
#include "buf.h"

#include <string.h>

#include "mem.h"

void buf_init(buf_t *b)
{
    b->p = NULL;
    b->len = 0;
    b->cap = 0;
}

void buf_free(buf_t *b)
{
    mem_free(b->p);
    buf_init(b);
}

void buf_reset(buf_t *b)
{
    /* Keep the invariant that every byte from len to cap is zero. */
    if (b->p)
        memset(b->p, 0, b->len);
    b->len = 0;
}

void buf_reserve(buf_t *b, size_t n, rc_t *prc)
{
    if (*prc != RC_OK)
        return;
    if (n > SIZE_MAX / 2 - b->len - BUF_PAD) {
        *prc = RC_NOMEM;
        return;
    }
    size_t need = b->len + n + BUF_PAD;
    if (need <= b->cap)
        return;
    size_t cap = b->cap ? b->cap : 64;
    while (cap < need)
        cap *= 2;
    unsigned char *p = mem_realloc(b->p, cap);
    if (!p) {
        *prc = RC_NOMEM;
        return;
    }
    memset(p + b->len, 0, cap - b->len);
    b->p = p;
    b->cap = cap;
}

void buf_append_byte(buf_t *b, unsigned char c, rc_t *prc)
{
    buf_reserve(b, 1, prc);
    if (*prc != RC_OK)
        return;
    b->p[b->len++] = c;
}

void buf_append_str(buf_t *b, const char *s, rc_t *prc)
{
    buf_append(b, s, strlen(s), prc);
}

void buf_append_u32be(buf_t *b, uint32_t v, rc_t *prc)
{
    buf_reserve(b, 4, prc);
    if (*prc != RC_OK)
        return;
    u32be_put(b->p + b->len, v);
    b->len += 4;
}

void buf_append_u32le(buf_t *b, uint32_t v, rc_t *prc)
{
    unsigned char le[4] = {(unsigned char)v, (unsigned char)(v >> 8), (unsigned char)(v >> 16),
                           (unsigned char)(v >> 24)};
    buf_append(b, le, 4, prc);
}

void buf_append_lenstr(buf_t *b, const void *s, size_t n, rc_t *prc)
{
    buf_append_varint(b, n, prc);
    buf_append(b, s, n, prc);
}

const char *buf_cstr(buf_t *b)
{
    if (!b->p)
        return "";
    /* The zero padding after len makes p NUL-terminated. */
    return (const char *)b->p;
}

int varint_get(const unsigned char **pp, const unsigned char *end, uint64_t *out)
{
    const unsigned char *p = *pp;
    uint64_t v = 0;
    for (unsigned shift = 0; shift < 64; shift += 7) {
        if (p >= end)
            return 0;
        unsigned char c = *p++;
        if (shift == 63 && c > 1)
            return 0; /* more than 64 bits */
        v |= (uint64_t)(c & 0x7f) << shift;
        if (!(c & 0x80)) {
            *pp = p;
            *out = v;
            return 1;
        }
    }
    return 0;
}

int varint_get32_long(const unsigned char **pp, const unsigned char *end, uint32_t *out)
{
    const unsigned char *p = *pp;
    uint64_t v;
    if (!varint_get(&p, end, &v) || v > UINT32_MAX)
        return 0;
    *out = (uint32_t)v;
    *pp = p;
    return 1;
}

size_t varint_len(uint64_t v)
{
    size_t n = 1;
    while (v >= 0x80) {
        v >>= 7;
        n++;
    }
    return n;
}
