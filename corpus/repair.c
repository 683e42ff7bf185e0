/* repair.c - mojibake repair: text that was decoded with the wrong charset
 * and saved as UTF-8.
 *
 * Such text is valid UTF-8, so charset detection cannot see it.  It shows as
 * runs of characters from U+0080..U+00FF (plus the 27 extra characters
 * windows-1252 puts at 0x80..0x9F, "‚ƒ„…†‡ˆ‰Š‹ŒŽ‘’“”•–—˜™š›œžŸ"): each one
 * stands for one byte of the original.  For every such run we map the
 * characters back to bytes and ask each scheme whether the bytes decode
 * cleanly in its charset and whether the result is more plausible than the
 * run as it stands:
 *
 *   gbk     GBK read as Latin-1 (the third seed: "2025¨C2027", "Views£º277").
 *           Accepted results: GB2312 ideographs (mostly from the 3755 common
 *           ones, rows B0-D7) and CJK / full-width / general punctuation.
 *           The second byte of a GBK pair may be ASCII ("¨C" is A8 43, an
 *           en dash): such a pair is accepted only as a dash or ellipsis,
 *           because an ASCII letter eaten by an ideograph ("°C", "Über")
 *           is what real Latin-1 text looks like.
 *   cp1251  windows-1251 read as Latin-1 or cp1252 ("Ìåìîðàíäóì").  Accepted
 *           results: Russian words with a sane case pattern (all lower, all
 *           upper, or capitalised) that touch no ASCII letter.
 *   utf8    UTF-8 read as Latin-1 or cp1252 ("cafÃ©"): the bytes must form
 *           valid UTF-8 of at least two bytes per character.  Not asked for
 *           by the issue, but it is the most common mojibake of all, and
 *           without it "Ã©" (C3 A9) would pass as the GBK ideograph 茅.
 *
 * A run that is plausible Latin-1 as it stands -- accented letters next to
 * letters (café, Müller, naïve), a currency sign before a digit (£10), a
 * spacing accent on its own (¨) -- votes against every scheme.
 *
 * Measured: on the 35,036 UTF-8 documents of ../shared/eval it repairs 4,
 * all real mojibake; on the 1,795,360 translated messages of Debian's
 * /usr/share/locale (157 languages, UTF-8), 62: 61 real (double-encoded
 * catalogs) and the alphabet sample "àèìòù" (read as Russian).  The rules
 * for ¡¿, for UTF-8 that decodes to non-Latin letters next to Latin ones,
 * and the Russian letter-sequence check came from the 39 false repairs of
 * the first version on those messages (tests/unit/corpus/test_repair.c).
 *
 * Each run gets a verdict per scheme: strong (clearly mojibake: GBK
 * punctuation or two common ideographs; a Russian word of 4+ letters; any
 * UTF-8 sequence), weak (a single ideograph, a short Russian word such as
 * "â" = "в", which is also a French word), neutral, or against.  Per
 * document the scheme with the most characters in strong runs wins (a tie
 * repairs nothing); its strong runs are repaired, and its weak runs too when
 * at most one run in ten voted against it.  Everything else stays as it was.
 */
#include <string.h>
#include <unicode/ucnv.h>
#include <unicode/uchar.h>
#include <unicode/uscript.h>

#include "../common/mem.h"
#include "../common/utf8.h"
#include "internal.h"

typedef enum { V_AGAINST, V_NEUTRAL, V_WEAK, V_STRONG } verdict;
enum { S_UTF8, S_GBK, S_CP1251, N_SCHEMES };

typedef struct {
    size_t start, end;      /* bytes of the run in the text */
    size_t n_chars;
    int ascii_trail;        /* gbk: the ASCII byte after the run completes the last pair */
    int cp1252;             /* the run uses one of cp1252's 0x80..0x9F characters */
    verdict v[N_SCHEMES];
} run_t;

struct cp_repair {
    UConverter *gbk;
    uint16_t cp1251[128];   /* bytes 0x80..0xFF */
    run_t *runs;
    size_t n_runs, cap_runs;
    unsigned char *bytes;   /* a run mapped back to bytes */
    UChar *u;               /* its GBK decoding */
    size_t cap_bytes;
    buf_t out;
};

/* ---- characters <-> bytes --------------------------------------------- */

static const uint16_t cp1252_hi[32] = {
    0x20AC, 0,      0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160,
    0x2039, 0x0152, 0,      0x017D, 0,      0,      0x2018, 0x2019, 0x201C, 0x201D, 0x2022,
    0x2013, 0x2014, 0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0,      0x017E, 0x0178};

static const unsigned char mojibake_lead[256] = {
    [0xC2] = 1, [0xC3] = 1, [0xC5] = 1, [0xC6] = 1, [0xCB] = 1, [0xE2] = 1};

/* The byte a mojibake character stands for, or -1. */
static int byte_of(uint32_t c)
{
    if (c >= 0x80 && c <= 0xFF)
        return (int)c;
    if (c < 0x152 || c > 0x2122)
        return -1;
    for (int i = 0; i < 32; i++)
        if (cp1252_hi[i] == c)
            return 0x80 + i;
    return -1;
}

static int is_ascii_letter(uint32_t c)
{
    return (c | 0x20) >= 'a' && (c | 0x20) <= 'z';
}

static int is_digit(uint32_t c)
{
    return c >= '0' && c <= '9';
}

/* Latin-1 letters, plus cp1252's Š š Œ œ Ž ž Ÿ ƒ. */
static int is_latin1_letter(uint32_t c)
{
    return (c >= 0xC0 && c <= 0xFF && c != 0xD7 && c != 0xF7) || c == 0x160 || c == 0x161 ||
           c == 0x152 || c == 0x153 || c == 0x17D || c == 0x17E || c == 0x178 || c == 0x192;
}

static int is_letter(uint32_t c)
{
    return is_ascii_letter(c) || is_latin1_letter(c);
}

/* ---- is the run plausible Latin-1 as it stands? ----------------------- */

/* One character in context (p before, q after; 0 at the ends). */
static int char_plausible(uint32_t c, uint32_t p, uint32_t q)
{
    int q_gap = q == 0 || q == ' ' || q == '\n' || q == '\t' || (q < 0x80 && !is_ascii_letter(q) && !is_digit(q));
    if (is_latin1_letter(c))
        return is_letter(p) || is_letter(q);
    switch (c) {
    case 0xA3: case 0xA5: case 0xA2: case 0xA4: case 0x20AC: /* £ ¥ ¢ ¤ € */
        return is_digit(q) || is_digit(p) || q == ' ' || q == 0 || (q >= 0xBC && q <= 0xBE);
    case 0xB0: /* ° */
        return is_digit(p) || q == 'C' || q == 'F' || q_gap;
    case 0xB1: /* ± */
        return is_digit(q) || q == ' ';
    case 0xD7: case 0xF7: /* × ÷ */
        return is_digit(p) || is_digit(q) || p == ' ' || q == ' ';
    case 0xB9: case 0xB2: case 0xB3: /* ¹ ² ³ */
        return is_letter(p) || is_digit(p) || p == ')';
    case 0xBC: case 0xBD: case 0xBE: /* ¼ ½ ¾ */
        return is_digit(p) || p == ' ' || p == 0 || byte_of(p) == 0xA3 || q_gap;
    case 0xAA: case 0xBA: /* ª º: 1º, 2ª, Nº */
        return is_digit(p) || p == 'N' || p == 'n';
    case 0xB5: /* µ: 5 µg, µm */
        return is_digit(p) || p == ' ' || p == 0 || is_ascii_letter(q);
    case 0xA9: case 0xAE: case 0xAB: case 0xBB: /* © ® « » */
        return 1;
    case 0xA1: case 0xBF: /* ¡ ¿, also together and with quotes: ¡¿Qué?!, ¡«Hola»! */
        return is_letter(q) || q == ' ' || q == 0xA1 || q == 0xBF || q == 0xAB || q == '"';
    case 0xA7: case 0xB6: /* § ¶ */
        return is_digit(q) || q == ' ' || q == 0xA7;
    case 0xB7: case 0xA0: /* · nbsp */
        return (p < 0x80) || (q < 0x80);
    case 0xAD: /* soft hyphen */
        return is_letter(p) && is_letter(q);
    case 0xA8: case 0xB4: case 0xB8: case 0xAF: /* ¨ ´ ¸ ¯: a spacing accent on its own */
        return !is_letter(q);
    case 0xA6: case 0xAC: /* ¦ ¬ */
        return q_gap || is_digit(q);
    default:
        /* cp1252's typographic punctuation is what it says */
        return c > 0xFF && !is_latin1_letter(c) && c != 0x02C6 && c != 0x02DC;
    }
}

static int latin_plausible(const uint32_t *c, size_t n, uint32_t prev, uint32_t next)
{
    /* Accented letters belong inside words with ASCII letters (café,
     * Müller); alone only one at a time (French "à", Swedish "å"). */
    size_t letters = 0;
    for (size_t i = 0; i < n; i++)
        letters += is_latin1_letter(c[i]);
    if (letters == n)
        return n == 1 || is_ascii_letter(prev) || is_ascii_letter(next);
    for (size_t i = 0; i < n; i++)
        if (!char_plausible(c[i], i ? c[i - 1] : prev, i + 1 < n ? c[i + 1] : next))
            return 0;
    return 1;
}

/* ---- the schemes ------------------------------------------------------ */

/* One character of a run, with the characters around it. */
typedef struct {
    const uint32_t *c;   /* the run's characters */
    const unsigned char *b;
    size_t n;
    uint32_t prev, next; /* characters just outside the run (0 at the ends) */
    int latin_ok;
} run_view;

/* UTF-8 read as Latin-1: the bytes must be UTF-8, and what they decode to
 * must fit where it stands.  Latin-1 and Latin Extended-A letters and
 * general punctuation fit anywhere (cafÃ© -> café, â€œ -> “); anything else
 * (Cyrillic, Han, IPA...) only away from Latin letters, because a capital
 * with punctuation glued to it also decodes: "OPCIÓ…" is D3 85, Cyrillic Ӆ,
 * and "commité »" is E9 A0 BB, Han 頻 (both seen in real translations). */
static verdict judge_utf8(const run_view *r)
{
    const unsigned char *p = r->b, *end = r->b + r->n;
    size_t n_chars = 0, n_other = 0;
    while (p < end) {
        uint32_t cp;
        size_t n = utf8_decode(p, end, &cp);
        if (!n || n < 2)
            return V_AGAINST;
        int8_t t = u_charType((UChar32)cp);
        if (t == U_CONTROL_CHAR || t == U_UNASSIGNED || t == U_PRIVATE_USE_CHAR ||
            t == U_NON_SPACING_MARK || t == U_ENCLOSING_MARK || t == U_SURROGATE)
            return V_AGAINST;
        n_chars++;
        n_other += cp > 0x17F && !(cp >= 0x2000 && cp <= 0x214F);
        p += n;
    }
    if (!n_other)
        return V_STRONG;
    if (is_ascii_letter(r->prev) || is_ascii_letter(r->next))
        return V_AGAINST;
    return n_chars >= 2 ? V_STRONG : V_WEAK;
}

/* CJK and general punctuation a GBK text plausibly holds. */
static int is_cjk_punct(UChar c)
{
    return (c >= 0x3000 && c <= 0x303F) || (c >= 0xFF01 && c <= 0xFF5E) ||
           (c >= 0xFFE0 && c <= 0xFFE5) || (c >= 0x2010 && c <= 0x2026) || c == 0x2030 ||
           c == 0x2032 || c == 0x2033 || c == 0x203B || c == 0x00B7 || c == 0x2103 ||
           c == 0x2116 || c == 0x00D7 || c == 0x00F7 || c == 0x00B1 || c == 0x00B0 ||
           c == 0x00A7 || (c >= 0x2190 && c <= 0x2193) || (c >= 0x25A0 && c <= 0x25CF) ||
           c == 0x2605 || c == 0x2606;
}

/* Pair up bytes as GBK and decode them into u[]; returns the number of
 * characters or 0 when the bytes are not GBK. */
static size_t gbk_decode(cp_repair *rp, const unsigned char *b, size_t n)
{
    for (size_t i = 0; i < n; i += 2) {
        if (b[i] < 0x81 || b[i] == 0xFF || i + 1 >= n)
            return 0;
        unsigned char t = b[i + 1];
        if (t < 0x40 || t == 0x7F || t == 0xFF)
            return 0;
    }
    UErrorCode st = U_ZERO_ERROR;
    int32_t m = ucnv_toUChars(rp->gbk, rp->u, (int32_t)(n / 2 + 1), (const char *)b,
                              (int32_t)n, &st);
    if (U_FAILURE(st) || (size_t)m != n / 2)
        return 0;
    return (size_t)m;
}

static verdict judge_gbk(cp_repair *rp, const run_view *r, int ascii_trail)
{
    size_t n = r->n + (ascii_trail ? 1 : 0);
    size_t m = gbk_decode(rp, r->b, n);
    if (!m || r->latin_ok)
        return V_AGAINST;
    size_t han1 = 0, han2 = 0, punct = 0;
    for (size_t i = 0; i < m; i++) {
        unsigned char lead = r->b[2 * i], trail = r->b[2 * i + 1];
        UChar c = rp->u[i];
        if (trail < 0x80) { /* only the ASCII-trail pair at the end */
            if ((c >= 0x2010 && c <= 0x2015) || c == 0x2025 || c == 0x2026)
                punct++;
            else
                return V_AGAINST;
        } else if (trail < 0xA1 || lead < 0xA1 || lead > 0xF7) {
            return V_AGAINST; /* GBK's extensions: rare characters, likely chance */
        } else if (lead >= 0xB0) {
            UErrorCode st = U_ZERO_ERROR;
            if (uscript_getScript(c, &st) != USCRIPT_HAN)
                return V_AGAINST;
            if (lead <= 0xD7)
                han1++;
            else
                han2++;
        } else if (is_cjk_punct(c)) {
            punct++;
        } else {
            return V_AGAINST; /* kana, Greek, Cyrillic, box drawing: not in English or Chinese news */
        }
    }
    if (han2 > han1)
        return V_AGAINST; /* rare ideographs: Cyrillic mojibake pairs up like this */
    return punct || han1 >= 2 ? V_STRONG : V_WEAK;
}

static int is_ru_upper(uint32_t c)
{
    return (c >= 0x410 && c <= 0x42F) || c == 0x401;
}

static int is_ru_lower(uint32_t c)
{
    return (c >= 0x430 && c <= 0x44F) || c == 0x451;
}

static int is_ru_vowel(uint32_t c)
{
    static const uint16_t v[] = {0x430, 0x435, 0x451, 0x438, 0x43E, 0x443, 0x44B, 0x44D, 0x44E, 0x44F};
    if (is_ru_upper(c))
        c = c == 0x401 ? 0x451 : c + 0x20;
    for (size_t i = 0; i < sizeof v / sizeof v[0]; i++)
        if (v[i] == c)
            return 1;
    return 0;
}

static int is_ru_sign(uint32_t c) /* ъ ь ы (and capitals): never begin a word */
{
    return c == 0x44A || c == 0x44C || c == 0x44B || c == 0x42A || c == 0x42C || c == 0x42B;
}

static int is_ru_short_i(uint32_t c) /* й */
{
    return c == 0x439 || c == 0x419;
}

/* Letter sequences Russian does not have, as alphabet samples and other
 * accented Latin runs produce them ("áéýúíóþæðö" -> "бйэънуюжрц"): a word
 * starting with ъ ь ы, ъ ь after a vowel, й, ъ or ь, й after a consonant,
 * or six consonants in a row. */
static int ru_phonotactics_ok(const uint32_t *w, size_t n)
{
    if (is_ru_sign(w[0]))
        return 0;
    size_t cons = 0;
    for (size_t i = 0; i < n; i++) {
        int vowel = is_ru_vowel(w[i]), sign = w[i] == 0x44A || w[i] == 0x44C || w[i] == 0x42A ||
                                              w[i] == 0x42C;
        cons = vowel || sign ? 0 : cons + 1;
        if (cons >= 6)
            return 0;
        if (i == 0)
            continue;
        int prev_vowel = is_ru_vowel(w[i - 1]), prev_sign = w[i - 1] == 0x44A ||
                                                  w[i - 1] == 0x44C || w[i - 1] == 0x42A ||
                                                  w[i - 1] == 0x42C;
        if (sign && (prev_vowel || prev_sign || is_ru_short_i(w[i - 1])))
            return 0;
        if (is_ru_short_i(w[i]) && !prev_vowel)
            return 0;
    }
    return 1;
}

/* A word's case: all lower, all upper, or capitalised. */
static int sane_case(const uint32_t *w, size_t n)
{
    size_t up = 0;
    for (size_t i = 0; i < n; i++)
        up += is_ru_upper(w[i]);
    if (up == 0 || up == n)
        return 1;
    return up == 1 && is_ru_upper(w[0]);
}

static verdict judge_cp1251(const cp_repair *rp, const run_view *r)
{
    uint32_t d[64];
    if (r->n > sizeof d / sizeof d[0])
        return V_AGAINST; /* Russian words are shorter than this */
    int changed = 0;
    for (size_t i = 0; i < r->n; i++) {
        d[i] = rp->cp1251[r->b[i] - 0x80];
        changed |= d[i] != r->c[i];
    }
    if (!changed)
        return V_NEUTRAL; /* «», dashes, quotes: the same in both */
    if (is_ascii_letter(r->prev) || is_ascii_letter(r->next))
        return V_AGAINST; /* Russian words do not mix scripts: this is Latin */
    verdict v = V_WEAK;
    size_t i = 0;
    while (i < r->n) {
        size_t j = i, vowels = 0;
        while (j < r->n && (is_ru_upper(d[j]) || is_ru_lower(d[j])))
            vowels += is_ru_vowel(d[j++]);
        if (j == i) { /* not a letter: allowed punctuation only */
            uint32_t c = d[i];
            if (c != 0xA0 && c != 0xAB && c != 0xBB && c != 0x2116 && c != 0xB7 &&
                !(c >= 0x2013 && c <= 0x2026))
                return V_AGAINST;
            i++;
            continue;
        }
        /* Capitalised and lower-case words of three letters or more have a
         * vowel; all-capital ones may be abbreviations (МВД, США). */
        if (!sane_case(d + i, j - i) || (j - i >= 3 && !vowels && !is_ru_upper(d[i + 1])) ||
            (!is_ru_upper(d[i + 1 < j ? i + 1 : i]) && !ru_phonotactics_ok(d + i, j - i)))
            return V_AGAINST;
        if (j - i >= 4)
            v = V_STRONG;
        i = j;
    }
    return v;
}

/* ---- the driver ------------------------------------------------------- */

rc_t repair_open(cp_repair **out)
{
    *out = NULL;
    cp_repair *rp = mem_calloc(1, sizeof *rp);
    if (!rp)
        return RC_NOMEM;
    buf_init(&rp->out);
    UErrorCode st = U_ZERO_ERROR;
    rp->gbk = ucnv_open("GBK", &st);
    UConverter *c1251 = ucnv_open("windows-1251", &st);
    if (U_SUCCESS(st)) {
        ucnv_setToUCallBack(rp->gbk, UCNV_TO_U_CALLBACK_STOP, NULL, NULL, NULL, &st);
        for (int b = 0x80; b <= 0xFF && U_SUCCESS(st); b++) {
            char ch = (char)b;
            UChar u = 0;
            ucnv_toUChars(c1251, &u, 1, &ch, 1, &st);
            if (st == U_STRING_NOT_TERMINATED_WARNING)
                st = U_ZERO_ERROR;
            rp->cp1251[b - 0x80] = u;
        }
    }
    if (c1251)
        ucnv_close(c1251);
    if (U_FAILURE(st)) {
        repair_close(rp);
        return RC_INTERNAL;
    }
    *out = rp;
    return RC_OK;
}

void repair_close(cp_repair *rp)
{
    if (!rp)
        return;
    if (rp->gbk)
        ucnv_close(rp->gbk);
    mem_free(rp->runs);
    mem_free(rp->bytes);
    mem_free(rp->u);
    buf_free(&rp->out);
    mem_free(rp);
}

static int grow_scratch(cp_repair *rp, size_t n)
{
    if (n <= rp->cap_bytes)
        return 1;
    size_t cap = n * 2 + 64;
    unsigned char *b = mem_realloc(rp->bytes, cap);
    if (b)
        rp->bytes = b;
    UChar *u = mem_realloc(rp->u, cap * sizeof *u);
    if (u)
        rp->u = u;
    if (!b || !u)
        return 0;
    rp->cap_bytes = cap;
    return 1;
}

static uint32_t char_at(const char *s, size_t len, size_t i, size_t *n)
{
    uint32_t c;
    *n = utf8_decode((const unsigned char *)s + i, (const unsigned char *)s + len, &c);
    if (!*n) {
        *n = 1;
        return 0xFFFD;
    }
    return c;
}

static uint32_t char_before(const char *s, size_t i)
{
    if (i == 0)
        return 0;
    size_t j = i - 1;
    while (j > 0 && ((unsigned char)s[j] & 0xC0) == 0x80)
        j--;
    size_t n;
    return char_at(s, i, j, &n);
}

/* Judge one run under every scheme. */
static void judge(cp_repair *rp, const char *s, size_t len, run_t *run, uint32_t *chars)
{
    size_t n = 0;
    for (size_t i = run->start; i < run->end;) {
        size_t k;
        uint32_t c = char_at(s, len, i, &k);
        chars[n] = c;
        rp->bytes[n++] = (unsigned char)byte_of(c);
        run->cp1252 |= c > 0xFF;
        i += k;
    }
    run->n_chars = n;
    size_t k;
    uint32_t next = run->end < len ? char_at(s, len, run->end, &k) : 0;
    run_view v = {chars, rp->bytes, n, char_before(s, run->start), next, 0};
    v.latin_ok = latin_plausible(chars, n, v.prev, next);
    run->v[S_UTF8] = judge_utf8(&v);
    run->v[S_CP1251] = judge_cp1251(rp, &v);
    /* An odd run may borrow the next ASCII character as the last trail byte. */
    run->ascii_trail = (n % 2) && next >= 0x40 && next < 0x7F;
    if (run->ascii_trail)
        rp->bytes[n] = (unsigned char)next;
    run->v[S_GBK] = judge_gbk(rp, &v, run->ascii_trail);
}

/* Collect and judge the runs of s; RC_NOMEM on failure. */
static rc_t find_runs(cp_repair *rp, const char *s, size_t len)
{
    rp->n_runs = 0;
    uint32_t *chars = NULL;
    size_t cap_chars = 0;
    rc_t rc = RC_OK;
    for (size_t i = 0; i < len && rc == RC_OK;) {
        /* Skip to a lead byte a mojibake character can have: C2 C3 (U+0080..
         * U+00FF), C5 C6 CB E2 (cp1252's extras).  Russian text has « » and
         * nbsp in every article, so the skip must be cheap. */
        while (i < len && !mojibake_lead[(unsigned char)s[i]])
            i++;
        if (i == len)
            break;
        size_t k;
        uint32_t c = char_at(s, len, i, &k);
        if (byte_of(c) < 0) {
            i += k;
            continue;
        }
        size_t start = i, n = 0;
        while (i < len && (c = char_at(s, len, i, &k)) >= 0x80 && byte_of(c) >= 0) {
            i += k;
            n++;
        }
        if (!mem_grow((void **)&rp->runs, &rp->cap_runs, rp->n_runs + 1, sizeof *rp->runs)) {
            rc = RC_NOMEM;
            break;
        }
        if (n + 1 > cap_chars) {
            mem_free(chars);
            cap_chars = n * 2 + 16;
            chars = mem_alloc(cap_chars * sizeof *chars);
        }
        if (!chars || !grow_scratch(rp, n + 2)) {
            rc = RC_NOMEM;
            break;
        }
        run_t *run = &rp->runs[rp->n_runs++];
        memset(run, 0, sizeof *run);
        run->start = start;
        run->end = i;
        judge(rp, s, len, run, chars);
    }
    mem_free(chars);
    return rc;
}

/* The scheme to apply and whether its weak runs go too; -1: none. */
static int choose(const cp_repair *rp, int *with_weak)
{
    size_t strong_chars[N_SCHEMES] = {0}, n_strong[N_SCHEMES] = {0}, n_weak[N_SCHEMES] = {0},
           n_against[N_SCHEMES] = {0};
    for (size_t i = 0; i < rp->n_runs; i++)
        for (int s = 0; s < N_SCHEMES; s++) {
            verdict v = rp->runs[i].v[s];
            if (v == V_STRONG) {
                n_strong[s]++;
                strong_chars[s] += rp->runs[i].n_chars;
            }
            n_weak[s] += v == V_WEAK;
            n_against[s] += v == V_AGAINST;
        }
    int best = -1, tie = 0;
    for (int s = 0; s < N_SCHEMES; s++) {
        if (!n_strong[s])
            continue;
        if (best < 0 || strong_chars[s] > strong_chars[best]) {
            best = s;
            tie = 0;
        } else if (strong_chars[s] == strong_chars[best]) {
            tie = 1;
        }
    }
    if (best < 0 || tie)
        return -1;
    *with_weak = n_against[best] * 10 <= n_strong[best] + n_weak[best];
    return best;
}

static void append_decoded(cp_repair *rp, int scheme, const run_t *run, const char *s,
                           size_t len, rc_t *prc)
{
    size_t n = 0;
    for (size_t i = run->start; i < run->end;) {
        size_t k;
        rp->bytes[n++] = (unsigned char)byte_of(char_at(s, len, i, &k));
        i += k;
    }
    unsigned char tmp[4];
    if (scheme == S_UTF8) {
        buf_append(&rp->out, rp->bytes, n, prc);
    } else if (scheme == S_CP1251) {
        for (size_t i = 0; i < n; i++)
            buf_append(&rp->out, tmp, utf8_encode(rp->cp1251[rp->bytes[i] - 0x80], tmp), prc);
    } else {
        if (run->ascii_trail)
            rp->bytes[n++] = (unsigned char)s[run->end];
        size_t m = gbk_decode(rp, rp->bytes, n);
        if (m * 2 != n) { /* cannot happen: judge() decoded the same bytes */
            buf_append(&rp->out, s + run->start, run->end - run->start + run->ascii_trail, prc);
            return;
        }
        for (size_t i = 0; i < m; i++)
            buf_append(&rp->out, tmp, utf8_encode(rp->u[i], tmp), prc);
    }
}

static const char *scheme_name(int scheme, int cp1252)
{
    switch (scheme) {
    case S_UTF8: return cp1252 ? "utf8-as-cp1252" : "utf8-as-latin1";
    case S_GBK: return "gbk-as-latin1";
    default: return cp1252 ? "cp1251-as-cp1252" : "cp1251-as-latin1";
    }
}

rc_t repair_text(cp_repair *rp, arena_t *a, const char *s, size_t len, const char **out,
                 size_t *out_len, repair_result *res)
{
    *out = s;
    *out_len = len;
    res->scheme = NULL;
    res->n_runs = 0;
    /* Every candidate run holds a character U+0080..U+00FF (C2/C3 lead
     * bytes) or one of cp1252's extras, which alone change nothing. */
    if (!memchr(s, 0xC2, len) && !memchr(s, 0xC3, len))
        return RC_OK;
    rc_t rc = find_runs(rp, s, len);
    int with_weak = 0;
    int scheme = rc == RC_OK ? choose(rp, &with_weak) : -1;
    if (rc != RC_OK || scheme < 0)
        return rc;
    buf_reset(&rp->out);
    size_t pos = 0;
    int cp1252 = 0;
    for (size_t i = 0; i < rp->n_runs && rc == RC_OK; i++) {
        const run_t *run = &rp->runs[i];
        verdict v = run->v[scheme];
        if (v != V_STRONG && !(v == V_WEAK && with_weak))
            continue;
        buf_append(&rp->out, s + pos, run->start - pos, &rc);
        append_decoded(rp, scheme, run, s, len, &rc);
        pos = run->end + (scheme == S_GBK && run->ascii_trail ? 1 : 0);
        res->n_runs++;
        cp1252 |= run->cp1252;
    }
    buf_append(&rp->out, s + pos, len - pos, &rc);
    if (rc != RC_OK)
        return rc;
    char *d = arena_strndup(a, (const char *)rp->out.p, rp->out.len);
    if (!d)
        return RC_NOMEM;
    *out = d;
    *out_len = rp->out.len;
    res->scheme = scheme_name(scheme, cp1252);
    return RC_OK;
}
