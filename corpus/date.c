/* date.c - dates in the forms news sources write them, to ISO 8601.
 *
 * Accepted: 2025-12-25, 2025/12/25, 2025.12.25 (optionally followed by a
 * time, which is dropped), 25.12.2025, and ISO timestamps such as
 * 2025-12-25T14:22:11Z.  The calendar is checked (no 2025-02-30).
 */
#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "internal.h"

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

int cp_date_valid(int y, int m, int d)
{
    static const int mdays[12] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (y < 1000 || y > 9999 || m < 1 || m > 12 || d < 1 || d > mdays[m - 1])
        return 0;
    if (m == 2 && d == 29 && !((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
        return 0;
    return 1;
}

int cp_date_normalize(const char *s, size_t len, char out[11])
{
    while (len && isspace((unsigned char)*s)) {
        s++;
        len--;
    }
    int y, m, d;
    int ok = 0;
    if (len >= 10 && num(s, 4, &y) && (s[4] == '-' || s[4] == '/' || s[4] == '.') &&
        s[7] == s[4] && num(s + 5, 2, &m) && num(s + 8, 2, &d))
        ok = len == 10 || !isdigit((unsigned char)s[10]);
    else if (len >= 10 && num(s, 2, &d) && s[2] == '.' && num(s + 3, 2, &m) && s[5] == '.' &&
             num(s + 6, 4, &y))
        ok = len == 10 || !isdigit((unsigned char)s[10]);
    if (!ok || !cp_date_valid(y, m, d))
        return 0;
    /* Ranges checked above: exactly 10 characters. */
    char tmp[32];
    snprintf(tmp, sizeof tmp, "%04d-%02d-%02d", y, m, d);
    memcpy(out, tmp, 11);
    return 1;
}
