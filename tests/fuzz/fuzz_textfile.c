/* fuzz_textfile.c - libFuzzer target for the plain-text reader: bytes as
 * one whole .txt file through decode_text_file() (charset detection and
 * conversion, U+FFFD for invalid sequences, mojibake repair, header lines
 * and title, dates, language guess).  The first byte switches mojibake
 * repair off when odd, as --no-repair does.  See fuzz_common.h for what
 * every document must satisfy. */
#include <stdint.h>

#include "../../common/mem.h"
#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    /* The decoder's contract: the bytes end in a NUL the caller owns. */
    char *buf = mem_alloc(size + 1);
    if (!buf)
        return 0;
    memcpy(buf, data, size);
    buf[size] = '\0';
    cp_options opt = {.max_doc_bytes = CP_DEFAULT_MAX_DOC_BYTES, .no_repair = size && (data[0] & 1)};
    cp_decoder *dc;
    err_t err;
    err_clear(&err);
    if (decoder_open(&opt, &dc, &err) != RC_OK)
        abort();
    arena_t a;
    arena_init(&a, 64 * 1024);
    cp_doc doc;
    cp_skip why = CP_SKIP__COUNT;
    /* The call first: why is read after it fills it in. */
    rc_t rc = decode_text_file(dc, &a, "fuzz.txt", buf, size, &doc, &why, &err);
    fz_check(rc, &doc, why);
    arena_free(&a);
    decoder_close(dc);
    mem_free(buf);
    return 0;
}
