/* buf.h - growable byte buffer and LEB128 varints.
 *
 * A buf owns its bytes (p[0..len), capacity cap).  Appenders follow FTS5's
 * sticky pattern: they take an rc_t *prc and do nothing once it is set, so a
 * run of appends needs one check at the end.  The buffer always keeps
 * BUF_PAD zero bytes after len so that a decoder reading a torn varint at the
 * end of the data never reads past the allocation.
 *
 * Invariant: every byte from len to cap is zero, so p is NUL-terminated.
 *
 * Varints are unsigned LEB128 (7 bits per byte, low group first, high bit =
 * more).  varint_get() never reads past end and reports a truncated or
 * over-long varint as a failure instead of guessing.
 */
#ifndef COMMON_BUF_H
#define COMMON_BUF_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "rc.h"

enum { BUF_PAD = 16, VARINT_MAX = 10 };

typedef struct {
    unsigned char *p;
    size_t len;
    size_t cap;
} buf_t;

void buf_init(buf_t *b);
void buf_free(buf_t *b);                /* releases p; b can be reused after buf_init */
void buf_reset(buf_t *b);               /* len = 0, keeps the allocation */
/* Make room for n more bytes; sets *prc = RC_NOMEM on failure. */
void buf_reserve(buf_t *b, size_t n, rc_t *prc);
/* buf_append() is inline, as are the varint functions below: output
 * lines are built from many short appends, and a block encoder appends
 * each posting's positions. */
/* n more bytes fit with the zero padding after them: hot appends check
 * this inline and call buf_reserve() only when short of room. */
static inline int buf_has_room(const buf_t *b, size_t n)
{
    return b->cap - b->len >= BUF_PAD && n <= b->cap - b->len - BUF_PAD;
}

static inline void buf_append(buf_t *b, const void *data, size_t n, rc_t *prc)
{
    if (!buf_has_room(b, n) || *prc != RC_OK) {
        buf_reserve(b, n, prc);
        if (*prc != RC_OK)
            return;
    }
    if (n)
        memcpy(b->p + b->len, data, n);
    b->len += n;
}
void buf_append_byte(buf_t *b, unsigned char c, rc_t *prc);
void buf_append_str(buf_t *b, const char *s, rc_t *prc);  /* without the NUL */
void buf_append_u32be(buf_t *b, uint32_t v, rc_t *prc);
void buf_append_u32le(buf_t *b, uint32_t v, rc_t *prc);
/* A varint length followed by the bytes. */
void buf_append_lenstr(buf_t *b, const void *s, size_t n, rc_t *prc);
/* p as a NUL-terminated string (the padding guarantees room); "" if empty. */
const char *buf_cstr(buf_t *b);

/* The varint functions indexing calls per posting are inline: as calls
 * they were ~3% of a Reuters build's instructions (callgrind), mostly
 * call overhead around a one-byte varint. */

/* Encode v at dst (VARINT_MAX bytes of room); returns the bytes written. */
static inline size_t varint_put(unsigned char *dst, uint64_t v)
{
    size_t n = 0;
    while (v >= 0x80) {
        dst[n++] = (unsigned char)(v | 0x80);
        v >>= 7;
    }
    dst[n++] = (unsigned char)v;
    return n;
}

static inline void buf_append_varint(buf_t *b, uint64_t v, rc_t *prc)
{
    if (!buf_has_room(b, VARINT_MAX) || *prc != RC_OK) {
        buf_reserve(b, VARINT_MAX, prc);
        if (*prc != RC_OK)
            return;
    }
    b->len += varint_put(b->p + b->len, v);
}

/* Decode one varint from [*pp, end).  On success advances *pp, stores *out
 * and returns 1; returns 0 on a truncated or over-long varint. */
int varint_get(const unsigned char **pp, const unsigned char *end, uint64_t *out);
/* varint_get32() past its one-byte case. */
int varint_get32_long(const unsigned char **pp, const unsigned char *end, uint32_t *out);
/* varint_get() for values that must fit in 32 bits (0 when they do not). */
static inline int varint_get32(const unsigned char **pp, const unsigned char *end, uint32_t *out)
{
    const unsigned char *p = *pp;
    /* One byte: the common case for deltas and tfs. */
    if (p < end && *p < 0x80) {
        *out = *p;
        *pp = p + 1;
        return 1;
    }
    return varint_get32_long(pp, end, out);
}
size_t varint_len(uint64_t v);

static inline uint32_t u32be_get(const unsigned char *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}
static inline void u32be_put(unsigned char *p, uint32_t v)
{
    p[0] = (unsigned char)(v >> 24);
    p[1] = (unsigned char)(v >> 16);
    p[2] = (unsigned char)(v >> 8);
    p[3] = (unsigned char)v;
}
static inline uint32_t u32le_get(const unsigned char *p)
{
    return (uint32_t)p[3] << 24 | (uint32_t)p[2] << 16 | (uint32_t)p[1] << 8 | p[0];
}

#endif
