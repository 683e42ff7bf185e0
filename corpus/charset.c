/* charset.c - which charset a document's bytes are in, and conversion to
 * UTF-8 with ICU.
 *
 * The order matters (each step runs only when the earlier ones left the
 * question open):
 *   1. Byte order marks: UTF-8 (dropped), UTF-32LE/BE, UTF-16LE/BE.  UTF-16 is
 *      full of NUL bytes, so it must be recognised before the binary check.
 *   2. UTF-16 without a BOM: ASCII-heavy UTF-16 has a zero in every other
 *      byte, on one side only.
 *   3. Binary files: magic numbers (ELF, PNG, PDF, ZIP, ...), more than a few
 *      NUL bytes, or many control characters.  A text with a few stray NULs
 *      is not binary: clean.c replaces and reports them.
 *   4. UTF-8: valid, or "mostly valid" -- at most LOOSE_BAD_MAX bad sequences,
 *      or one bad sequence per LOOSE_RATIO good multi-byte characters.  The
 *      bytes are passed on unchanged and clean.c replaces the bad ones with
 *      U+FFFD and reports them.  A stray byte in English text is damage,
 *      not a charset.
 *   5. Otherwise uchardet guesses (99% right on short Cyrillic snippets, see
 *      ../shared/LIBRARIES.md), then ICU ucsdet; an answer counts only if it
 *      is one of the charsets we expect (table `known`): guessing among 40
 *      charsets on little text gives exotic wrong answers (ucsdet calls a
 *      KOI8-R sentence ISO-8859-8-I).  No credible answer: step 4's fallback.
 *   6. ICU converts; bytes it cannot map become U+FFFD and are counted.
 */
#include <string.h>
#include <strings.h>
#include <uchardet/uchardet.h>
#include <unicode/ucnv.h>
#include <unicode/ucnv_cb.h>
#include <unicode/ucsdet.h>

#include "../common/mem.h"
#include "../common/utf8.h"
#include "internal.h"

enum {
    SAMPLE = 65536,        /* bytes looked at for the binary and UTF-16 checks */
    DETECT_SAMPLE = 262144, /* bytes given to the charset detectors */
    LOOSE_BAD_MAX = 2,
    LOOSE_RATIO = 8,
    ICU_MIN_CONFIDENCE = 30
};

/* The charsets we expect, by the names uchardet and ICU's ucsdet give them. */
static const struct {
    const char *detected; /* uchardet / ucsdet name (case-insensitive) */
    const char *icu;      /* ICU converter name */
    const char *name;     /* what the document record says */
} known[] = {
    {"GB18030", "GB18030", "GB18030"},
    {"GBK", "GB18030", "GB18030"},
    {"GB2312", "GB18030", "GB18030"},
    {"EUC-CN", "GB18030", "GB18030"},
    {"BIG5", "Big5", "Big5"},
    {"WINDOWS-1251", "windows-1251", "windows-1251"},
    {"KOI8-R", "KOI8-R", "KOI8-R"},
    {"KOI8-U", "KOI8-U", "KOI8-U"},
    {"IBM866", "ibm-866", "IBM866"},
    {"ISO-8859-5", "ISO-8859-5", "ISO-8859-5"},
    {"MAC-CYRILLIC", "x-mac-cyrillic", "x-mac-cyrillic"},
    /* Western European news from older sites; ISO-8859-1 labels mean
     * windows-1252 in practice (the WHATWG rule). */
    {"WINDOWS-1252", "windows-1252", "windows-1252"},
    {"ISO-8859-1", "windows-1252", "windows-1252"},
    {"ISO-8859-15", "ISO-8859-15", "ISO-8859-15"},
    /* Only reached through a BOM or the UTF-16 check, never from a guess. */
    {"", "UTF-16LE", "UTF-16LE"},
    {"", "UTF-16BE", "UTF-16BE"},
    {"", "UTF-32LE", "UTF-32LE"},
    {"", "UTF-32BE", "UTF-32BE"},
};
enum { N_KNOWN = sizeof known / sizeof known[0] };

struct cp_charset {
    UConverter *cnv[N_KNOWN]; /* opened on first use */
    UConverter *utf8;
    buf_t out;
    size_t n_subst;           /* counted by on_invalid() during a conversion */
};

rc_t charset_open(cp_charset **out)
{
    *out = NULL;
    cp_charset *cs = mem_calloc(1, sizeof *cs);
    if (!cs)
        return RC_NOMEM;
    buf_init(&cs->out);
    *out = cs;
    return RC_OK;
}

void charset_close(cp_charset *cs)
{
    if (!cs)
        return;
    for (size_t i = 0; i < N_KNOWN; i++)
        if (cs->cnv[i])
            ucnv_close(cs->cnv[i]);
    if (cs->utf8)
        ucnv_close(cs->utf8);
    buf_free(&cs->out);
    mem_free(cs);
}

/* ---- binary files --------------------------------------------------- */

static const struct {
    const char *magic;
    size_t len;
    const char *what;
} magics[] = {
    {"\x7f" "ELF", 4, "ELF executable"},  {"\x89PNG\r\n\x1a\n", 8, "PNG image"},
    {"%PDF-", 5, "PDF document"},          {"PK\x03\x04", 4, "ZIP archive"},
    {"GIF87a", 6, "GIF image"},            {"GIF89a", 6, "GIF image"},
    {"\xff\xd8\xff", 3, "JPEG image"},     {"\x1f\x8b", 2, "gzip data"},
    {"BZh", 3, "bzip2 data"},              {"\xfd" "7zXZ\0", 6, "xz data"},
    {"7z\xbc\xaf\x27\x1c", 6, "7-Zip archive"}, {"Rar!\x1a\x07", 6, "RAR archive"},
    {"\x28\xb5\x2f\xfd", 4, "zstd data"},  {"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", 8, "OLE document"},
    {"SQLite format 3", 16, "SQLite database"}, {"\0asm", 4, "WebAssembly"},
    {"\xca\xfe\xba\xbe", 4, "Mach-O/Java class"}, {"\xcf\xfa\xed\xfe", 4, "Mach-O executable"},
    {"OggS", 4, "Ogg media"},              {"fLaC", 4, "FLAC audio"},
    {"wOFF", 4, "WOFF font"},              {"wOF2", 4, "WOFF2 font"},
};

/* What makes bytes binary, or NULL.  NUL bytes: more than 8 and more than
 * 1 in 64 (a text with a few stray NULs is text); control characters other
 * than whitespace and ESC: more than 1 in 20 (random or compressed bytes
 * have 1 in 8). */
const char *charset_binary_why(const unsigned char *p, size_t len)
{
    for (size_t i = 0; i < sizeof magics / sizeof magics[0]; i++)
        if (len >= magics[i].len && !memcmp(p, magics[i].magic, magics[i].len))
            return magics[i].what;
    if (len >= 2 && p[0] == 'M' && p[1] == 'Z' && memchr(p, 0, len < 64 ? len : 64))
        return "DOS/Windows executable";
    size_t n = len < SAMPLE ? len : SAMPLE, nul = 0, ctrl = 0;
    for (size_t i = 0; i < n; i++) {
        if (p[i] == 0)
            nul++;
        else if (p[i] < 0x20 && p[i] != '\n' && p[i] != '\r' && p[i] != '\t' && p[i] != '\f' &&
                 p[i] != '\v' && p[i] != 0x1b)
            ctrl++;
    }
    if (nul > 8 && nul * 64 > n)
        return "NUL bytes";
    if (ctrl * 20 > n)
        return "control characters";
    return NULL;
}

/* ---- Unicode without guessing ---------------------------------------- */

static const char *bom_charset(const unsigned char *p, size_t len, size_t *bom_len)
{
    *bom_len = 0;
    if (len >= 4 && !memcmp(p, "\xff\xfe\0\0", 4)) {
        *bom_len = 4;
        return "UTF-32LE";
    }
    if (len >= 4 && !memcmp(p, "\0\0\xfe\xff", 4)) {
        *bom_len = 4;
        return "UTF-32BE";
    }
    if (len >= 2 && p[0] == 0xff && p[1] == 0xfe) {
        *bom_len = 2;
        return "UTF-16LE";
    }
    if (len >= 2 && p[0] == 0xfe && p[1] == 0xff) {
        *bom_len = 2;
        return "UTF-16BE";
    }
    return NULL;
}

/* UTF-16 without a BOM: in ASCII-heavy UTF-16 the high byte of most units
 * is 0 -- at odd offsets (LE) or even ones (BE) -- and the other side
 * almost never is.  Texts in Han or Cyrillic only have few zeros and are
 * left to the detectors. */
static const char *utf16_guess(const unsigned char *p, size_t len)
{
    size_t n = (len < SAMPLE ? len : SAMPLE) & ~(size_t)1, pairs = n / 2;
    if (pairs < 4)
        return NULL;
    size_t z_even = 0, z_odd = 0;
    for (size_t i = 0; i < n; i += 2) {
        z_even += p[i] == 0;
        z_odd += p[i + 1] == 0;
    }
    if (z_odd * 10 >= pairs * 4 && z_even * 20 < pairs)
        return "UTF-16LE";
    if (z_even * 10 >= pairs * 4 && z_odd * 20 < pairs)
        return "UTF-16BE";
    return NULL;
}

/* Valid or mostly valid UTF-8 (see step 4 above). */
static int mostly_utf8(const unsigned char *p, size_t len)
{
    const unsigned char *end = p + len;
    size_t bad = 0, multi = 0;
    while (p < end) {
        if (*p < 0x80) {
            p++;
            continue;
        }
        uint32_t cp;
        size_t n = utf8_decode(p, end, &cp);
        if (n) {
            multi++;
            p += n;
        } else {
            bad++;
            p += utf8_invalid_len(p, end);
        }
    }
    return bad <= LOOSE_BAD_MAX || bad * LOOSE_RATIO <= multi;
}

/* ---- guessing ------------------------------------------------------- */

static int known_index(const char *detected)
{
    for (int i = 0; i < (int)N_KNOWN; i++)
        if (known[i].detected[0] && !strcasecmp(known[i].detected, detected))
            return i;
    return -1;
}

static int index_of_icu(const char *icu)
{
    for (int i = 0; i < (int)N_KNOWN; i++)
        if (!strcmp(known[i].icu, icu))
            return i;
    return -1;
}

static int guess(const char *bytes, size_t len)
{
    size_t n = len < DETECT_SAMPLE ? len : DETECT_SAMPLE;
    int k = -1;
    uchardet_t ud = uchardet_new();
    if (ud) {
        if (uchardet_handle_data(ud, bytes, n) == 0) {
            uchardet_data_end(ud);
            k = known_index(uchardet_get_charset(ud));
        }
        uchardet_delete(ud);
    }
    if (k >= 0)
        return k;
    UErrorCode st = U_ZERO_ERROR;
    UCharsetDetector *det = ucsdet_open(&st);
    ucsdet_setText(det, bytes, (int32_t)n, &st);
    int32_t n_matches = 0;
    const UCharsetMatch **m = ucsdet_detectAll(det, &n_matches, &st);
    for (int32_t i = 0; U_SUCCESS(st) && i < n_matches && k < 0; i++) {
        UErrorCode s2 = U_ZERO_ERROR;
        if (ucsdet_getConfidence(m[i], &s2) >= ICU_MIN_CONFIDENCE)
            k = known_index(ucsdet_getName(m[i], &s2));
    }
    ucsdet_close(det);
    return k;
}

/* ---- conversion ----------------------------------------------------- */

/* Replace what cannot be converted with U+FFFD (ICU's own substitute is
 * U+001A for some single-byte charsets) and count it. */
static void U_CALLCONV on_invalid(const void *ctx, UConverterToUnicodeArgs *args,
                                   const char *units, int32_t n, UConverterCallbackReason why,
                                   UErrorCode *st)
{
    (void)units;
    (void)n;
    if (why > UCNV_IRREGULAR)
        return; /* reset, close, clone: nothing to do */
    cp_charset *cs = (cp_charset *)ctx;
    cs->n_subst++;
    static const UChar fffd = 0xFFFD;
    *st = U_ZERO_ERROR;
    ucnv_cbToUWriteUChars(args, &fffd, 1, 0, st);
}

static UConverter *converter(cp_charset *cs, int k)
{
    UErrorCode st = U_ZERO_ERROR;
    if (!cs->utf8 && !(cs->utf8 = ucnv_open("UTF-8", &st)))
        return NULL;
    if (!cs->cnv[k]) {
        st = U_ZERO_ERROR;
        UConverter *c = ucnv_open(known[k].icu, &st);
        if (U_FAILURE(st))
            return NULL;
        ucnv_setToUCallBack(c, on_invalid, cs, NULL, NULL, &st);
        cs->cnv[k] = c;
    }
    return cs->cnv[k];
}

/* Convert bytes from known[k] into cs->out (NUL-terminated UTF-8). */
static rc_t convert(cp_charset *cs, int k, const char *bytes, size_t len, err_t *err)
{
    UConverter *src = converter(cs, k);
    if (!src)
        return err_set(err, RC_INTERNAL, "ICU has no converter for %s", known[k].name);
    rc_t rc = RC_OK;
    buf_reset(&cs->out);
    buf_reserve(&cs->out, len + len / 2 + 64, &rc);
    if (rc != RC_OK)
        return err_set(err, rc, "out of memory converting from %s", known[k].name);
    cs->n_subst = 0;
    UChar pivot[4096], *psrc = pivot, *ptgt = pivot;
    const char *s = bytes;
    UBool reset = 1;
    for (;;) {
        char *t = (char *)cs->out.p + cs->out.len;
        char *tlim = (char *)cs->out.p + cs->out.cap - BUF_PAD;
        UErrorCode st = U_ZERO_ERROR;
        ucnv_convertEx(cs->utf8, src, &t, tlim, &s, bytes + len, pivot, &psrc, &ptgt,
                       pivot + 4096, reset, 1, &st);
        reset = 0;
        cs->out.len = (size_t)(t - (char *)cs->out.p);
        if (st == U_BUFFER_OVERFLOW_ERROR) {
            buf_reserve(&cs->out, cs->out.cap, &rc); /* double */
            if (rc != RC_OK)
                return err_set(err, rc, "out of memory converting from %s", known[k].name);
            continue;
        }
        if (U_FAILURE(st))
            return err_set(err, RC_INTERNAL, "ICU could not convert from %s: %s", known[k].name,
                           u_errorName(st));
        break;
    }
    cs->out.p[cs->out.len] = '\0';
    return RC_OK;
}

rc_t charset_decode(cp_charset *cs, const char *bytes, size_t len, const char *hint,
                    const char **out, size_t *out_len, charset_result *res, err_t *err)
{
    const unsigned char *p = (const unsigned char *)bytes;
    memset(res, 0, sizeof *res);
    res->name = "";
    *out = bytes;
    *out_len = len;
    if (len >= 3 && !memcmp(p, "\xEF\xBB\xBF", 3)) {
        res->bom = 1;
        *out = bytes + 3;
        *out_len = len - 3;
        return RC_OK; /* declared UTF-8: clean.c handles any bad bytes */
    }
    size_t bom_len;
    const char *uni = bom_charset(p, len, &bom_len);
    if (!uni)
        uni = utf16_guess(p, len);
    int k = -1;
    if (uni) {
        res->bom = bom_len > 0;
        k = index_of_icu(uni);
        bytes += bom_len;
        len -= bom_len;
    } else {
        if ((res->binary = charset_binary_why(p, len)) != NULL)
            return RC_OK;
        if (mostly_utf8(p, len))
            return RC_OK;
        if (hint)
            k = index_of_icu(hint);
        if (k < 0 && (k = guess(bytes, len)) < 0)
            return RC_OK; /* nothing credible: UTF-8 with replacements */
    }
    rc_t rc = convert(cs, k, bytes, len, err);
    if (rc != RC_OK)
        return rc;
    res->name = known[k].name;
    res->icu = known[k].icu;
    res->converted = 1;
    res->n_subst = cs->n_subst;
    *out = (const char *)cs->out.p;
    *out_len = cs->out.len;
    if (uni) /* a guess from zero bytes can be wrong: what came out must be text */
        res->binary = charset_binary_why(cs->out.p, cs->out.len);
    return RC_OK;
}
