/* lang.c - a document's language from the scripts of its letters.
 *
 * Measured in ../shared/LIBRARIES.md: script proportions are exact for
 * en/ru/zh, where CLD2 answers "en" when unsure and exttextcat fails on
 * Chinese.  Han wins at a lower share because one Han character carries
 * about as much as a Latin word: a Chinese article quoting English names is
 * still Chinese.  Cyrillic wins from a third of the Latin letters, because
 * web pages carry Latin script, code and URLs along with the text.
 *
 * Thresholds measured on ../shared/eval (texts with letters, given lang vs
 * guess, 2026-11-23): with "Han > 1/4, Cyrillic >= Latin", 34 of 9,200
 * ru_news_rt_ng texts (embedded JavaScript, English quotes) and 1 of 1,104
 * cmrc2018 texts were wrong; with "Han > 1/6, Cyrillic >= Latin/3", 12 and
 * 0, and still none of med, cran, xquad en/ru/zh or reuters (21,577).
 */
#include <unicode/uscript.h>
#include <unicode/utf8.h>

#include "internal.h"

const char *lang_guess(const char *text, size_t len)
{
    size_t latin = 0, cyr = 0, han = 0, kana = 0, hangul = 0;
    /* A sample is enough: the first 64 KB. */
    int32_t n = len > 65536 ? 65536 : (int32_t)len;
    for (int32_t i = 0; i < n;) {
        UChar32 c;
        U8_NEXT(text, i, n, c);
        if (c < 0x80) {
            latin += ((c | 0x20) >= 'a' && (c | 0x20) <= 'z');
            continue;
        }
        UErrorCode st = U_ZERO_ERROR;
        switch (uscript_getScript(c, &st)) {
        case USCRIPT_LATIN: latin++; break;
        case USCRIPT_CYRILLIC: cyr++; break;
        case USCRIPT_HAN: han++; break;
        case USCRIPT_HIRAGANA: case USCRIPT_KATAKANA: kana++; break;
        case USCRIPT_HANGUL: hangul++; break;
        default: break;
        }
    }
    size_t total = latin + cyr + han + kana + hangul;
    if (total == 0)
        return "";
    if (kana * 10 > total)
        return "ja";
    if (hangul * 4 > total)
        return "ko";
    if (han * 6 > total)
        return "zh";
    if (cyr * 3 >= latin)
        return "ru";
    return "en";
}
