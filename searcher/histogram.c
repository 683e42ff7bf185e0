/* histogram.c - matching documents per period (--histogram), from the
 * stored document date: calendar years, months, or ISO 8601 weeks (Monday
 * to Sunday; week 1 holds the year's first Thursday, so 2024-12-30 is in
 * 2025-W01).  Every matching document counts, not only the top k; one
 * without a date (or with one we cannot read) goes to `unknown`.  Periods
 * between the first and the last are listed with 0, so a trend reads
 * straight down the list. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

int sr_hist_parse(const char *name)
{
    if (!strcmp(name, "year"))
        return SR_HIST_YEAR;
    if (!strcmp(name, "month"))
        return SR_HIST_MONTH;
    if (!strcmp(name, "week"))
        return SR_HIST_WEEK;
    return -1;
}

/* Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's
 * days_from_civil), and back. */
static long days_from_civil(long y, unsigned m, unsigned d)
{
    y -= m <= 2;
    long era = (y >= 0 ? y : y - 399) / 400;
    unsigned yoe = (unsigned)(y - era * 400);
    unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
    unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + (long)doe - 719468;
}

static long year_of_days(long z)
{
    z += 719468;
    long era = (z >= 0 ? z : z - 146096) / 146097;
    unsigned doe = (unsigned)(z - era * 146097);
    unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    long y = (long)yoe + era * 400;
    unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    unsigned mp = (5 * doy + 2) / 153;
    return y + (mp >= 10);
}

static int digits(const char *s, size_t n, long *out)
{
    long v = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return 0;
        v = v * 10 + (s[i] - '0');
    }
    *out = v;
    return 1;
}

/* Monday = 0; 1970-01-01 was a Thursday. */
static long weekday(long z)
{
    long w = (z + 3) % 7;
    return w < 0 ? w + 7 : w;
}

int sr_hist_ordinal(int unit, const char *date, size_t len, long *out)
{
    long y, m = 1, d = 1;
    if (len < 4 || !digits(date, 4, &y))
        return 0;
    if (len >= 7 && (date[4] != '-' || !digits(date + 5, 2, &m)))
        return 0;
    if (len >= 10 && (date[7] != '-' || !digits(date + 8, 2, &d)))
        return 0;
    if (m < 1 || m > 12 || d < 1 || d > 31)
        return 0;
    if (unit == SR_HIST_YEAR)
        *out = y;
    else if (unit == SR_HIST_MONTH)
        *out = y * 12 + (m - 1);
    else {
        if (len < 10)
            return 0;   /* a month alone has no week */
        long z = days_from_civil(y, (unsigned)m, (unsigned)d);
        /* Every Monday is 4 mod 7 days from the epoch (1970-01-05 was one),
         * so the division is exact, also before 1970. */
        *out = (z - weekday(z) - 4) / 7;
    }
    return 1;
}

void sr_hist_label(int unit, long ord, char out[16])
{
    /* Years come from four digits, so labels fit; t only keeps the
     * compiler's truncation check quiet. */
    char t[64];
    if (unit == SR_HIST_YEAR)
        snprintf(t, sizeof t, "%04ld", ord);
    else if (unit == SR_HIST_MONTH)
        snprintf(t, sizeof t, "%04ld-%02ld", ord / 12, ord % 12 + 1);
    else {
        long thursday = ord * 7 + 4 + 3;   /* the week's Thursday names its ISO year */
        long iy = year_of_days(thursday);
        long week = (thursday - days_from_civil(iy, 1, 1)) / 7 + 1;
        snprintf(t, sizeof t, "%04ld-W%02ld", iy, week);
    }
    snprintf(out, 16, "%.15s", t);
}

static int by_long(const void *x, const void *y)
{
    long a = *(const long *)x, b = *(const long *)y;
    return a < b ? -1 : a > b;
}

rc_t sr_hist_build(arena_t *a, int unit, long *ords, size_t n, sr_bucket **out, size_t *n_out)
{
    *out = NULL;
    *n_out = 0;
    if (n == 0)
        return RC_OK;
    qsort(ords, n, sizeof *ords, by_long);
    long lo = ords[0], hi = ords[n - 1];
    size_t distinct = 1;
    for (size_t i = 1; i < n; i++)
        distinct += ords[i] != ords[i - 1];
    /* Fill the gaps unless that would list absurdly many empty periods
     * (a stray 1970 date among this year's news). */
    int fill = (unsigned long)(hi - lo) < SR_HIST_MAX_BUCKETS;
    size_t nb = fill ? (size_t)(hi - lo + 1) : distinct;
    sr_bucket *b = arena_alloc(a, nb * sizeof *b);
    if (!b)
        return RC_NOMEM;
    size_t k = 0;
    for (size_t i = 0; i < n;) {
        size_t j = i;
        while (j < n && ords[j] == ords[i])
            j++;
        while (fill && k < nb && lo + (long)k < ords[i]) {
            sr_hist_label(unit, lo + (long)k, b[k].period);
            b[k++].count = 0;
        }
        sr_hist_label(unit, ords[i], b[k].period);
        b[k++].count = j - i;
        i = j;
    }
    *out = b;
    *n_out = k;
    return RC_OK;
}
