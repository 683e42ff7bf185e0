/* ascii.c - word boundaries of pure-ASCII text without ICU, exactly as
 * ICU's root word rules (segment.c) find them.
 *
 * Why: on English news ICU's break iterator was a fifth of all indexing
 * instructions, and converting every text to UTF-16 for it (and the offsets
 * back to bytes) another twentieth; Reuters is ASCII but for one document.
 *
 * For ASCII, UAX #29 as ICU 72 applies it has few classes (found by probing
 * ICU with every ASCII character in letter, digit and underscore contexts):
 *   L  letters A-Z a-z and '@' (ICU 72 counts '@' as ALetter, CLDR-15767,
 *      so e-mail addresses stay whole)
 *   N  digits
 *   Q  '.' and '\'' (MidNumLet, Single_Quote)
 *   M  ',' and ';' (MidNum); ':' is not MidLetter in ICU's root rules
 *   U  '_' (ExtendNumLet)
 * and everything else breaks on both sides.  No break inside L/N/U runs
 * (WB5, WB8-WB10, WB13a/b); no break around a Q between two letters (WB6/7)
 * or a Q or M between two digits (WB11/12).  ICU gives every segment with a
 * letter or digit a word status and the others (spaces, punctuation, a
 * lone '_') none.  tests/unit/analyzers compares this with ICU on all
 * evaluation documents, and fuzz_analyzer on random ASCII. */
#include "internal.h"

/* Classes as bits, so "letter, digit or underscore" is one test. */
enum { C_OTHER = 0, C_L = 1, C_N = 2, C_U = 4, C_Q = 8, C_M = 16, C_JOIN = C_L | C_N | C_U };

/* 256 entries, so no byte needs masking (the text is ASCII anyway). */
static const unsigned char cls[256] = {
    ['A'] = C_L, ['B'] = C_L, ['C'] = C_L, ['D'] = C_L, ['E'] = C_L, ['F'] = C_L, ['G'] = C_L,
    ['H'] = C_L, ['I'] = C_L, ['J'] = C_L, ['K'] = C_L, ['L'] = C_L, ['M'] = C_L, ['N'] = C_L,
    ['O'] = C_L, ['P'] = C_L, ['Q'] = C_L, ['R'] = C_L, ['S'] = C_L, ['T'] = C_L, ['U'] = C_L,
    ['V'] = C_L, ['W'] = C_L, ['X'] = C_L, ['Y'] = C_L, ['Z'] = C_L,
    ['a'] = C_L, ['b'] = C_L, ['c'] = C_L, ['d'] = C_L, ['e'] = C_L, ['f'] = C_L, ['g'] = C_L,
    ['h'] = C_L, ['i'] = C_L, ['j'] = C_L, ['k'] = C_L, ['l'] = C_L, ['m'] = C_L, ['n'] = C_L,
    ['o'] = C_L, ['p'] = C_L, ['q'] = C_L, ['r'] = C_L, ['s'] = C_L, ['t'] = C_L, ['u'] = C_L,
    ['v'] = C_L, ['w'] = C_L, ['x'] = C_L, ['y'] = C_L, ['z'] = C_L, ['@'] = C_L,
    ['0'] = C_N, ['1'] = C_N, ['2'] = C_N, ['3'] = C_N, ['4'] = C_N,
    ['5'] = C_N, ['6'] = C_N, ['7'] = C_N, ['8'] = C_N, ['9'] = C_N,
    ['.'] = C_Q, ['\''] = C_Q, [','] = C_M, [';'] = C_M, ['_'] = C_U,
};

int ascii_next(const char *text, size_t n, size_t *at, size_t *start, size_t *end,
               int *underscore)
{
    const unsigned char *s = (const unsigned char *)text;
    size_t i = *at;
    for (;;) {
        while (i < n && !(cls[s[i]] & C_JOIN))
            i++;
        if (i >= n) {
            *at = n;
            return 0;
        }
        /* A segment starts at a letter, digit or '_' and runs while a rule
         * joins the next character to it. */
        /* seen: the classes met, all but the middle characters; the class
         * before a middle character is that of s[i - 1].  (Tracking less
         * per character: this loop runs for every byte of English text.) */
        size_t from = i;
        int seen = cls[s[i]];
        for (i++; i < n;) {
            int c = cls[s[i]];
            if (c & C_JOIN) {
                seen |= c;
                i++;
                continue;
            }
            /* WB6/7 and WB11/12: a middle character between two letters
             * or two digits. */
            int prev = cls[s[i - 1]];
            int after = i + 1 < n ? cls[s[i + 1]] : C_OTHER;
            if ((c == C_Q && prev == C_L && after == C_L) ||
                ((c & (C_Q | C_M)) && prev == C_N && after == C_N)) {
                i += 2;
                continue;
            }
            break;
        }
        int word = (seen & (C_L | C_N)) != 0, us = (seen & C_U) != 0;
        if (!word)
            continue; /* only underscores: split_word() would keep nothing */
        *start = from;
        *end = i;
        *underscore = us;
        *at = i;
        return 1;
    }
}
