/* date.c - dates in the forms news sources write them, to ISO 8601.
 *
 * Forms (the calendar is checked: no 2025-02-30):
 *   2025-12-25  2025/12/25  2025.12.25    (a time after it is dropped, so ISO
 *                                          timestamps such as 2025-12-25T14:22:11Z work)
 *   25.12.2025  5.1.2025
 *   2025年12月25日                           (also 号 for 日, spaces allowed)
 *   25 декабря 2025 (г.)                     (Russian month names in the genitive)
 *   December 24, 2024  Dec. 24 2024  24 Dec 2024  24 December, 2024
 * A field may start with an English weekday ("Wed, 25 Dec 2024 14:22:11").
 *
 * cp_date_find() looks for the first such date near the start of a text
 * (the dateline of a web page: "2024/12/25 14:22:11 Views: 277").  There a
 * year must be 1970..2099 and the date must stand alone (no digit or letter
 * glued to it), because running text is full of numbers.  Slash forms with
 * the year last (12/25/2024) are not accepted: day and month order is
 * ambiguous.
 */
#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "internal.h"

enum { FIND_SCAN = 1024 };

static int num(const char *s, size_t n, int *out)
{
    int v = 0;
    for (size_t i = 0; i < n; i++) {
        if (!isdigit((unsigned char)s[i]))
            return 0;
        v = v * 10 + (s[i] - '0');
    }
    *out = v;
    return 1;
}

/* 1 or 2 digits (not followed by a third); returns the count or 0. */
static size_t num12(const char *s, size_t len, int *out)
{
    size_t n = 0;
    while (n < len && n < 3 && isdigit((unsigned char)s[n]))
        n++;
    if (n == 0 || n == 3)
        return 0;
    num(s, n, out);
    return n;
}

/* Exactly 4 digits. */
static size_t num4(const char *s, size_t len, int *out)
{
    if (len < 4 || !num(s, 4, out) || (len > 4 && isdigit((unsigned char)s[4])))
        return 0;
    return 4;
}

int cp_date_valid(int y, int m, int d)
{
    static const int mdays[12] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (y < 1000 || y > 9999 || m < 1 || m > 12 || d < 1 || d > mdays[m - 1])
        return 0;
    if (m == 2 && d == 29 && !((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
        return 0;
    return 1;
}

static size_t spaces(const char *s, size_t len)
{
    size_t i = 0;
    while (i < len && (s[i] == ' ' || s[i] == '\t'))
        i++;
    return i;
}

/* Lower-case a Cyrillic capital (UTF-8 D0 90..D0 AF) in place of two bytes. */
static int ru_lower_eq(const char *s, size_t len, const char *word)
{
    size_t n = strlen(word);
    if (len < n)
        return 0;
    for (size_t i = 0; i < n; i += 2) {
        unsigned char a = (unsigned char)s[i], b = (unsigned char)s[i + 1];
        if (a == 0xD0 && b >= 0x90 && b <= 0x9F)
            b += 0x20;
        else if (a == 0xD0 && b >= 0xA0 && b <= 0xAF) {
            a = 0xD1;
            b -= 0x20;
        }
        if (a != (unsigned char)word[i] || b != (unsigned char)word[i + 1])
            return 0;
    }
    return 1;
}

/* A Russian month in the genitive at s: returns its length, *m = month. */
static size_t ru_month(const char *s, size_t len, int *m)
{
    static const char *const names[12] = {"января", "февраля", "марта",    "апреля",
                                          "мая",    "июня",    "июля",     "августа",
                                          "сентября", "октября", "ноября", "декабря"};
    for (int i = 0; i < 12; i++)
        if (ru_lower_eq(s, len, names[i])) {
            *m = i + 1;
            return strlen(names[i]);
        }
    return 0;
}

/* An English month name or abbreviation (with an optional dot). */
static size_t en_month(const char *s, size_t len, int *m)
{
    static const char *const names[12] = {"january", "february", "march",     "april",
                                          "may",     "june",     "july",      "august",
                                          "september", "october", "november", "december"};
    size_t w = 0;
    while (w < len && isalpha((unsigned char)s[w]))
        w++;
    for (int i = 0; i < 12; i++) {
        size_t full = strlen(names[i]);
        int ok = (w == full || w == 3 || (i == 8 && w == 4)) && w <= full &&
                 !strncasecmp(s, names[i], w);
        if (ok) {
            *m = i + 1;
            return w + (w < full && w < len && s[w] == '.');
        }
    }
    return 0;
}

/* A parsing cursor with a sticky failure: once a step fails, the later
 * ones do nothing, so a pattern reads as a list of steps and one check. */
typedef struct {
    const char *s;
    size_t len, i;
    int ok;
} cursor;

static void c_num12(cursor *c, int *out)
{
    size_t k = c->ok ? num12(c->s + c->i, c->len - c->i, out) : 0;
    c->ok = k > 0;
    c->i += k;
}

static void c_num4(cursor *c, int *out)
{
    size_t k = c->ok ? num4(c->s + c->i, c->len - c->i, out) : 0;
    c->ok = k > 0;
    c->i += k;
}

/* Spaces; at least one when `need`. */
static void c_spaces(cursor *c, int need)
{
    size_t k = c->ok ? spaces(c->s + c->i, c->len - c->i) : 0;
    c->ok = c->ok && (k || !need);
    c->i += k;
}

/* The literal lit, if it is there; returns 1 when it was. */
static int c_opt(cursor *c, const char *lit)
{
    size_t n = strlen(lit);
    if (!c->ok || c->len - c->i < n || memcmp(c->s + c->i, lit, n))
        return 0;
    c->i += n;
    return 1;
}

static void c_lit(cursor *c, const char *lit)
{
    c->ok = c_opt(c, lit);
}

/* A month name matched by fn (ru_month or en_month). */
static void c_month(cursor *c, size_t (*fn)(const char *, size_t, int *), int *m)
{
    size_t k = c->ok ? fn(c->s + c->i, c->len - c->i, m) : 0;
    c->ok = k > 0;
    c->i += k;
}

static size_t c_end(const cursor *c)
{
    return c->ok ? c->i : 0;
}

/* Y-M-D with one separator (- / .) */
static size_t match_ymd(const char *s, size_t len, int *y, int *m, int *d)
{
    cursor c = {s, len, 0, 1};
    c_num4(&c, y);
    if (!c.ok || c.i >= len || (s[c.i] != '-' && s[c.i] != '/' && s[c.i] != '.'))
        return 0;
    char sep[2] = {s[c.i++], 0};
    c_num12(&c, m);
    c_lit(&c, sep);
    c_num12(&c, d);
    return c_end(&c);
}

/* D.M.Y */
static size_t match_dmy(const char *s, size_t len, int *y, int *m, int *d)
{
    cursor c = {s, len, 0, 1};
    c_num12(&c, d);
    c_lit(&c, ".");
    c_num12(&c, m);
    c_lit(&c, ".");
    c_num4(&c, y);
    return c_end(&c);
}

/* 2025年12月25日 */
static size_t match_cjk(const char *s, size_t len, int *y, int *m, int *d)
{
    cursor c = {s, len, 0, 1};
    c_num4(&c, y);
    c_spaces(&c, 0);
    c_lit(&c, "年");
    c_spaces(&c, 0);
    c_num12(&c, m);
    c_spaces(&c, 0);
    c_lit(&c, "月");
    c_spaces(&c, 0);
    c_num12(&c, d);
    c_spaces(&c, 0);
    if (!c_opt(&c, "日"))
        c_lit(&c, "号");
    return c_end(&c);
}

/* 25 декабря 2025 (г.) */
static size_t match_day_ru(const char *s, size_t len, int *y, int *m, int *d)
{
    cursor c = {s, len, 0, 1};
    c_num12(&c, d);
    c_spaces(&c, 1);
    c_month(&c, ru_month, m);
    c_spaces(&c, 1);
    c_num4(&c, y);
    size_t end = c_end(&c);
    c_spaces(&c, 0);
    return c_opt(&c, "г.") ? c.i : end;
}

/* 24 Dec 2024, 24 December, 2024 */
static size_t match_day_en(const char *s, size_t len, int *y, int *m, int *d)
{
    cursor c = {s, len, 0, 1};
    c_num12(&c, d);
    c_spaces(&c, 1);
    c_month(&c, en_month, m);
    c_opt(&c, ",");
    c_spaces(&c, 1);
    c_num4(&c, y);
    return c_end(&c);
}

/* December 24, 2024 / Dec. 24th 2024 */
static size_t match_month_day(const char *s, size_t len, int *y, int *m, int *d)
{
    cursor c = {s, len, 0, 1};
    c_month(&c, en_month, m);
    c_spaces(&c, 1);
    c_num12(&c, d);
    if (!c_opt(&c, "st") && !c_opt(&c, "nd") && !c_opt(&c, "rd"))
        c_opt(&c, "th");
    c_opt(&c, ",");
    c_spaces(&c, 1);
    c_num4(&c, y);
    return c_end(&c);
}

/* A date at s[0..len): bytes consumed and y/m/d, or 0. */
static size_t match_date(const char *s, size_t len, int *y, int *m, int *d)
{
    size_t n;
    if (isdigit((unsigned char)s[0])) {
        if ((n = match_cjk(s, len, y, m, d)) || (n = match_ymd(s, len, y, m, d)) ||
            (n = match_dmy(s, len, y, m, d)) || (n = match_day_ru(s, len, y, m, d)) ||
            (n = match_day_en(s, len, y, m, d)))
            return cp_date_valid(*y, *m, *d) ? n : 0;
        return 0;
    }
    if ((n = match_month_day(s, len, y, m, d)))
        return cp_date_valid(*y, *m, *d) ? n : 0;
    return 0;
}

static void iso(int y, int m, int d, char out[11])
{
    char tmp[32];
    snprintf(tmp, sizeof tmp, "%04d-%02d-%02d", y, m, d);
    memcpy(out, tmp, 11);
}

int cp_date_normalize(const char *s, size_t len, char out[11])
{
    while (len && isspace((unsigned char)*s)) {
        s++;
        len--;
    }
    /* "Wed, " / "Wednesday, " */
    size_t w = 0;
    while (w < len && w < 10 && isalpha((unsigned char)s[w]))
        w++;
    if (w >= 3 && w < len && s[w] == ',') {
        static const char *const days[] = {"mon", "tue", "wed", "thu", "fri", "sat", "sun"};
        for (int i = 0; i < 7; i++)
            if (!strncasecmp(s, days[i], 3)) {
                w++;
                w += spaces(s + w, len - w);
                s += w;
                len -= w;
                break;
            }
    }
    if (!len)
        return 0;
    int y, m, d;
    size_t n = match_date(s, len, &y, &m, &d);
    if (!n || (n < len && isdigit((unsigned char)s[n])))
        return 0;
    iso(y, m, d, out);
    return 1;
}

/* A byte that glues a date to its neighbour: an ASCII letter or digit. */
static int glued(unsigned char c)
{
    return isalnum(c);
}

int cp_date_find(const char *s, size_t len, char out[11])
{
    size_t n = len < FIND_SCAN ? len : FIND_SCAN;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (!isalnum(c) || (i > 0 && glued((unsigned char)s[i - 1])))
            continue;
        /* not the tail of a dotted or dashed number: 1.25.12.2025 */
        if (i >= 2 && (s[i - 1] == '.' || s[i - 1] == '-' || s[i - 1] == '/') &&
            isdigit((unsigned char)s[i - 2]))
            continue;
        int y, m, d;
        size_t k = match_date(s + i, len - i, &y, &m, &d);
        if (!k || y < 1970 || y > 2099)
            continue;
        if (i + k < len && isdigit((unsigned char)s[i + k]))
            continue;
        iso(y, m, d, out);
        return 1;
    }
    return 0;
}
