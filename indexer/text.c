/* text.c - body text stored zstd-compressed, for snippets and for removing a
 * document's postings when it is replaced (its terms are found by analyzing
 * the stored text again). */
#include <zstd.h>

#include "internal.h"

/* Level 3: zstd's default; news text compresses ~3x, and level 19 would
 * triple indexing time for a few percent. */
enum { TEXT_ZSTD_LEVEL = 1 };

void text_encode(void *zctx, buf_t *out, const char *text, size_t len, rc_t *prc)
{
    buf_reset(out);
    size_t start = val_start(out, IX_TAG_TEXT, prc);
    buf_append_varint(out, len, prc);
    size_t bound = ZSTD_compressBound(len);
    buf_reserve(out, bound, prc);
    if (*prc != RC_OK)
        return;
    /* A reused context: creating one per call costs more than compressing a
     * short news item (it allocates and clears its tables). */
    size_t n = zctx ? ZSTD_compressCCtx(zctx, out->p + out->len, bound, text, len, TEXT_ZSTD_LEVEL)
                    : ZSTD_compress(out->p + out->len, bound, text, len, TEXT_ZSTD_LEVEL);
    if (ZSTD_isError(n)) {
        *prc = RC_INTERNAL;
        return;
    }
    out->len += n;
    val_seal(out, start);
}

rc_t text_decode(const void *val, size_t len, buf_t *out, err_t *err)
{
    const unsigned char *p;
    size_t n;
    rc_t rc = val_open(val, len, IX_TAG_TEXT, "stored text", &p, &n, err);
    if (rc != RC_OK)
        return rc;
    const unsigned char *end = p + n;
    uint64_t raw;
    if (!varint_get(&p, end, &raw) || raw > (1ull << 32))
        return RC_CORRUPT_AT(err, "stored text header");
    unsigned long long frame = ZSTD_getFrameContentSize(p, (size_t)(end - p));
    if (frame != raw)
        return RC_CORRUPT_AT(err, "stored text size mismatch");
    buf_reset(out);
    rc = RC_OK;
    buf_reserve(out, (size_t)raw, &rc);
    if (rc != RC_OK)
        return err_set(err, rc, "out of memory decompressing text");
    size_t got = ZSTD_decompress(out->p, (size_t)raw + 1, p, (size_t)(end - p));
    if (ZSTD_isError(got) || got != raw)
        return RC_CORRUPT_AT(err, "stored text does not decompress");
    out->len = got;
    return RC_OK;
}
