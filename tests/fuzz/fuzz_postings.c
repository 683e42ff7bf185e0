/* libFuzzer target: arbitrary bytes as a stored postings block value.
 * Decoding must either fail with RC_CORRUPT or produce docids in strictly
 * increasing order within [first, last] and positions that decode; never
 * read out of bounds (ASan) or crash.  The checksum is recomputed over the
 * fuzzed payload half of the time so the decoder itself gets exercised,
 * not just the checksum test. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <xxhash.h>

#include "../../indexer/internal.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    unsigned char *v = malloc(size + 5);
    size_t n = 0;
    if (data[0] & 1) {
        /* Make the header valid so the body decoder runs. */
        v[0] = IX_TAG_BLOCK;
        uint32_t sum = (uint32_t)XXH3_64bits(data + 1, size - 1);
        memcpy(v + 1, &sum, 4);
        memcpy(v + 5, data + 1, size - 1);
        n = size + 4;
    } else {
        memcpy(v, data, size);
        n = size;
    }
    blk_view bv;
    err_t err;
    err_clear(&err);
    uint32_t first = 1000;
    if (blk_parse(first, v, n, &bv, &err) == RC_OK) {
        uint32_t docids[IX_BLOCK_DOCS], tfs[IX_BLOCK_DOCS], offs[IX_BLOCK_DOCS + 1];
        if (blk_decode(&bv, docids, tfs, &err) == RC_OK) {
            for (uint32_t i = 0; i < bv.n; i++)
                if (docids[i] < first || docids[i] > bv.last || (i && docids[i] <= docids[i - 1]))
                    abort();
            if (blk_pos_offsets(&bv, tfs, offs, &err) == RC_OK) {
                for (uint32_t i = 0; i < bv.n; i++) {
                    uint32_t *pos = malloc((tfs[i] ? tfs[i] : 1) * sizeof *pos);
                    blk_decode_positions(bv.pos + offs[i], bv.pos + offs[i + 1], tfs[i], pos, &err);
                    free(pos);
                }
            }
        } else if (err.rc != RC_CORRUPT) {
            abort();
        }
    } else if (err.rc != RC_CORRUPT) {
        abort();
    }
    free(v);
    return 0;
}
