/* fold.c - one word to its index form: NFKC_Casefold plus a few mappings
 * that NFKC_Casefold leaves alone but a searcher expects to match:
 *   ’ ʼ ‘  -> '   (country’s == country's, so the English stemmer sees it)
 *   ё      -> е   (Russian text writes ё as е more often than not)
 *   Traditional Han -> Simplified (醫學 == 医学), per character, from a table
 *                      generated at build time with ICU's Traditional-Simplified
 *                      transliterator (gen_t2s.c): opening the transliterator
 *                      costs ~20 ms per process
 *   u.s    -> us  (dotted acronyms)
 * The word's script is decided here, after folding, so full-width ＡＢＣ
 * counts as Latin.
 */
#include <string.h>
#include <unicode/unorm2.h>
#include <unicode/uscript.h>
#include <unicode/ustring.h>
#include <unicode/uchar.h>

#include "../common/mem.h"
#include "../common/utf8.h"
#include "internal.h"

enum { HAN_FIRST = 0x3400, HAN_LAST = 0x9FFF };

/* Generated: sorted (traditional, simplified) pairs. */
extern const uint16_t an_t2s_table[][2];
extern const size_t an_t2s_count;

struct an_folder {
    /* Owned by ICU, never closed; looked up on first use, since ASCII words
     * never need it and the lookup loads ICU data. */
    const UNormalizer2 *nfkc_cf;
    UChar *scratch;
    int32_t scratch_cap;
};

rc_t fold_open(an_folder **out, err_t *err)
{
    *out = NULL;
    *out = mem_calloc(1, sizeof **out);
    return *out ? RC_OK : err_set(err, RC_NOMEM, "out of memory opening the case folder");
}

void fold_close(an_folder *f)
{
    if (!f)
        return;
    mem_free(f->scratch);
    mem_free(f);
}

an_script fold_script_of(uint32_t cp)
{
    if (cp < 0x80) {
        if ((cp | 0x20) >= 'a' && (cp | 0x20) <= 'z')
            return AN_SCRIPT_LATIN;
        return AN_SCRIPT_OTHER;
    }
    UErrorCode st = U_ZERO_ERROR;
    UScriptCode sc = uscript_getScript((UChar32)cp, &st);
    if (U_FAILURE(st))
        return AN_SCRIPT_OTHER;
    switch (sc) {
    case USCRIPT_LATIN: return AN_SCRIPT_LATIN;
    case USCRIPT_CYRILLIC: return AN_SCRIPT_CYRILLIC;
    case USCRIPT_HAN: return AN_SCRIPT_HAN;
    case USCRIPT_HIRAGANA:
    case USCRIPT_KATAKANA: return AN_SCRIPT_KANA;
    case USCRIPT_HANGUL: return AN_SCRIPT_HANGUL;
    case USCRIPT_GREEK: return AN_SCRIPT_GREEK;
    case USCRIPT_ARABIC: return AN_SCRIPT_ARABIC;
    default: return AN_SCRIPT_OTHER;
    }
}

/* Simplified form of one Han character (cp itself when it has none). */
static uint32_t han_simplify(uint32_t cp)
{
    if (cp < HAN_FIRST || cp > HAN_LAST)
        return cp;
    size_t lo = 0, hi = an_t2s_count;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (an_t2s_table[mid][0] < cp)
            lo = mid + 1;
        else
            hi = mid;
    }
    return (lo < an_t2s_count && an_t2s_table[lo][0] == cp) ? an_t2s_table[lo][1] : cp;
}

static uint32_t map_char(an_folder *f, uint32_t cp)
{
    switch (cp) {
    case 0x2019: case 0x2018: case 0x02BC: case 0xFF07:
        return '\'';
    case 0x0451:
        return 0x0435; /* ё -> е */
    default:
        return han_simplify(cp);
    }
}

/* "u.s" -> "us": single ASCII letters separated by dots. */
static void undot_acronym(buf_t *out)
{
    size_t n = out->len;
    if (n < 3 || !(n & 1))
        return;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = out->p[i];
        if ((i & 1) ? c != '.' : !(c >= 'a' && c <= 'z'))
            return;
    }
    size_t j = 0;
    for (size_t i = 0; i < n; i += 2)
        out->p[j++] = out->p[i];
    memset(out->p + j, 0, n - j);
    out->len = j;
}

static an_script fold_ascii(const UChar *u, int32_t n, buf_t *out, rc_t *prc)
{
    int letters = 0;
    buf_reserve(out, (size_t)n, prc);
    if (*prc != RC_OK)
        return AN_SCRIPT_OTHER;
    for (int32_t i = 0; i < n; i++) {
        unsigned c = u[i];
        if (c >= 'A' && c <= 'Z')
            c += 32;
        if (c >= 'a' && c <= 'z')
            letters = 1;
        out->p[out->len++] = (unsigned char)c;
    }
    return letters ? AN_SCRIPT_LATIN : AN_SCRIPT_NUMBER;
}

/* Per byte: the folded byte, plus 0x100 when that is a letter, so that
 * folding a byte and noting a letter are one lookup (fold_ascii_word()
 * runs for every word of English text; it did two range checks a byte). */
#define LOWER(c) ((c) >= 'A' && (c) <= 'Z' ? (c) + 32 : (c))
#define FOLDED(c) (uint16_t)(LOWER(c) | (LOWER(c) >= 'a' && LOWER(c) <= 'z' ? 0x100 : 0))
#define FOLDED4(c) FOLDED(c), FOLDED(c + 1), FOLDED(c + 2), FOLDED(c + 3)
#define FOLDED16(c) FOLDED4(c), FOLDED4(c + 4), FOLDED4(c + 8), FOLDED4(c + 12)
#define FOLDED64(c) FOLDED16(c), FOLDED16(c + 16), FOLDED16(c + 32), FOLDED16(c + 48)
static const uint16_t ascii_folded[256] = {FOLDED64(0), FOLDED64(64), FOLDED64(128),
                                           FOLDED64(192)};

rc_t fold_ascii_word(const char *s, size_t n, buf_t *out, an_script *script, err_t *err)
{
    /* Called for every word of English text: written in place, clearing
     * only what is left of a longer previous word (the buffer's bytes past
     * len must stay zero). */
    size_t old = out->len;
    if (n + BUF_PAD > out->cap) {
        rc_t rc = RC_OK;
        buf_reset(out);
        buf_reserve(out, n, &rc);
        if (rc != RC_OK)
            return err_set(err, rc, "out of memory folding a word");
        old = 0;
    }
    unsigned char *d = out->p;
    unsigned letters = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned e = ascii_folded[(unsigned char)s[i]];
        letters |= e;
        d[i] = (unsigned char)e;
    }
    if (old > n)
        memset(d + n, 0, old - n);
    out->len = n;
    letters &= 0x100;
    *script = letters ? AN_SCRIPT_LATIN : AN_SCRIPT_NUMBER;
    if (letters && n >= 3 && (n & 1) && d[1] == '.')
        undot_acronym(out);
    return RC_OK;
}

static rc_t normalize(an_folder *f, const UChar *u, int32_t n, int32_t *out_n, err_t *err)
{
    if (!f->nfkc_cf) {
        UErrorCode st = U_ZERO_ERROR;
        f->nfkc_cf = unorm2_getNFKCCasefoldInstance(&st);
        if (U_FAILURE(st)) {
            f->nfkc_cf = NULL;
            return err_set(err, RC_INTERNAL, "ICU NFKC_Casefold: %s", u_errorName(st));
        }
    }
    for (;;) {
        UErrorCode st = U_ZERO_ERROR;
        int32_t len = unorm2_normalize(f->nfkc_cf, u, n, f->scratch, f->scratch_cap, &st);
        if (st == U_BUFFER_OVERFLOW_ERROR) {
            int32_t cap = len + 16;
            UChar *p = mem_realloc(f->scratch, (size_t)cap * sizeof *p);
            if (!p)
                return err_set(err, RC_NOMEM, "out of memory folding a word");
            f->scratch = p;
            f->scratch_cap = cap;
            continue;
        }
        if (U_FAILURE(st))
            return err_set(err, RC_INTERNAL, "ICU normalization: %s", u_errorName(st));
        *out_n = len;
        return RC_OK;
    }
}

rc_t fold_word(an_folder *f, const UChar *u, int32_t n, buf_t *out, an_script *script, err_t *err)
{
    rc_t rc = RC_OK;
    buf_reset(out);
    int ascii = 1;
    for (int32_t i = 0; i < n && ascii; i++)
        ascii = u[i] < 0x80;
    if (ascii) {
        *script = fold_ascii(u, n, out, &rc);
        if (*script == AN_SCRIPT_LATIN)
            undot_acronym(out);
        return rc == RC_OK ? RC_OK : err_set(err, rc, "out of memory folding a word");
    }
    int32_t len = 0;
    rc = normalize(f, u, n, &len, err);
    if (rc != RC_OK)
        return rc;
    an_script sc = AN_SCRIPT_OTHER;
    int digits = 0;
    buf_reserve(out, (size_t)len * 3, &rc);
    for (int32_t i = 0; i < len && rc == RC_OK;) {
        UChar32 cp;
        U16_NEXT(f->scratch, i, len, cp);
        uint32_t m = map_char(f, (uint32_t)cp);
        if (sc == AN_SCRIPT_OTHER) {
            sc = fold_script_of(m);
            digits |= u_isdigit((UChar32)m);
        }
        unsigned char enc[4];
        buf_append(out, enc, utf8_encode(m, enc), &rc);
    }
    if (rc != RC_OK)
        return err_set(err, rc, "out of memory folding a word");
    if (sc == AN_SCRIPT_OTHER && digits)
        sc = AN_SCRIPT_NUMBER;
    *script = sc;
    if (sc == AN_SCRIPT_LATIN)
        undot_acronym(out);
    return RC_OK;
}
