/* utf8.h - UTF-8 checks shared by the corpus reader, analyzers and output.
 *
 * Strict UTF-8 as in RFC 3629: no overlong forms, no surrogates, nothing above
 * U+10FFFF.  Everything else is "invalid" and is replaced by U+FFFD
 * (one replacement per maximal invalid subpart, as the Unicode standard's
 * "best practice" recommends and ICU does).
 */
#ifndef COMMON_UTF8_H
#define COMMON_UTF8_H

#include <stddef.h>
#include <stdint.h>

#include "buf.h"

/* Decode one code point at p (p < end).  Returns its byte length (1..4) and
 * sets *cp, or returns 0 when the bytes at p are not valid UTF-8 (then *cp is
 * unspecified and the caller should skip utf8_invalid_len() bytes). */
size_t utf8_decode(const unsigned char *p, const unsigned char *end, uint32_t *cp);
/* Length of the maximal invalid subpart starting at p (at least 1). */
size_t utf8_invalid_len(const unsigned char *p, const unsigned char *end);
/* Encode cp (<= 0x10FFFF) into dst[4]; returns the byte length. */
size_t utf8_encode(uint32_t cp, unsigned char *dst);

/* Offset of the first invalid byte in s[0..len), or len when all is valid. */
size_t utf8_valid_prefix(const char *s, size_t len);
/* Offset of the first byte >= 0x80 in s[0..len), or len when all is ASCII. */
size_t utf8_ascii_prefix(const char *s, size_t len);

/* Copy s[0..len) to out, replacing each invalid subpart with U+FFFD and
 * every NUL byte with U+FFFD as well (NUL is never part of a term or of a
 * field).  For each replacement calls on_bad(ctx, offset) with the byte
 * offset in s, if on_bad is not NULL.  Returns the number of replacements;
 * a memory failure sets *prc. */
size_t utf8_sanitize(const char *s, size_t len, buf_t *out,
                     void (*on_bad)(void *ctx, size_t offset), void *ctx, rc_t *prc);

/* Largest n <= len such that s[0..n) does not end inside a multi-byte
 * sequence (s must be valid UTF-8). */
size_t utf8_floor(const char *s, size_t len);

#endif
