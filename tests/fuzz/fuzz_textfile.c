/* fuzz_textfile.c - libFuzzer target for the plain-text reader: bytes as
 * one whole .txt file through decode_text_file() (charset detection and
 * conversion, U+FFFD for invalid sequences, mojibake repair, header lines
 * and title, dates, language guess).  The first byte switches mojibake
 * repair off when odd, as --no-repair does.  See fuzz_common.h for what
 * every document must satisfy. */
#include <stdint.h>

#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fz_input in;
    if (!fz_input_open(&in, data, size))
        return 0;
    cp_doc doc;
    cp_skip why = CP_SKIP__COUNT;
    err_t err;
    err_clear(&err);
    /* The call first: why is read after it fills it in. */
    rc_t rc = decode_text_file(in.dc, &in.a, "fuzz.txt", in.buf, size, &doc, &why, &err);
    fz_check(rc, &doc, why);
    fz_input_close(&in);
    return 0;
}
