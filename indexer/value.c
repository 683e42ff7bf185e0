/* value.c - the header every stored value starts with: a one-byte tag and a
 * checksum (low 32 bits of XXH3-64 over the payload).  LMDB 0.9 has no page
 * checksums, so this is where a flipped bit is caught. */
#include <stdio.h>
#include <xxhash.h>

#include "internal.h"

size_t val_start(buf_t *b, unsigned char tag, rc_t *prc)
{
    size_t start = b->len;
    buf_append_byte(b, tag, prc);
    buf_append_u32le(b, 0, prc);
    return start;
}

void val_seal(buf_t *b, size_t start)
{
    const unsigned char *body = b->p + start + IX_VALUE_HEADER;
    uint32_t sum = (uint32_t)XXH3_64bits(body, b->len - start - IX_VALUE_HEADER);
    unsigned char *c = b->p + start + 1;
    c[0] = (unsigned char)sum;
    c[1] = (unsigned char)(sum >> 8);
    c[2] = (unsigned char)(sum >> 16);
    c[3] = (unsigned char)(sum >> 24);
}

rc_t val_open(const void *data, size_t len, unsigned char tag, const char *what,
              const unsigned char **body, size_t *body_len, err_t *err)
{
    const unsigned char *p = data;
    char msg[128];
    if (len < IX_VALUE_HEADER) {
        snprintf(msg, sizeof msg, "%s value truncated (%zu bytes)", what, len);
        return RC_CORRUPT_AT(err, msg);
    }
    if (p[0] != tag) {
        snprintf(msg, sizeof msg, "%s value has tag 0x%02x, expected 0x%02x", what, p[0], tag);
        return RC_CORRUPT_AT(err, msg);
    }
    uint32_t want = u32le_get(p + 1);
    uint32_t got = (uint32_t)XXH3_64bits(p + IX_VALUE_HEADER, len - IX_VALUE_HEADER);
    if (want != got) {
        snprintf(msg, sizeof msg, "%s value checksum mismatch", what);
        return RC_CORRUPT_AT(err, msg);
    }
    *body = p + IX_VALUE_HEADER;
    *body_len = len - IX_VALUE_HEADER;
    return RC_OK;
}
