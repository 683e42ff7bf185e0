/* qdate.c - the value of a date: filter, checked against the calendar and
 * turned into inclusive "YYYY-MM-DD" bounds.  Documents store their date as
 * "YYYY-MM-DD" (or nothing), so a filter is two string comparisons.
 *
 *   date:2025              2025-01-01 .. 2025-12-31
 *   date:2025-06           2025-06-01 .. 2025-06-30
 *   date:2025-01-01..2025-06-30, date:2025..2026-03, date:2025-06.., date:..2024
 *   date:>=2025-06  >2025-06  <=2025  <2025-06-15
 * A partial date stands for its whole period: >2025-06 starts on July 1st,
 * <=2025 ends on December 31st.  Documents without a date never match.
 */
#include <string.h>

#include "internal.h"

typedef struct {
    int y, m, d;     /* m, d = 0 when not given */
} pdate;

static int leap(int y)
{
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int month_days(int y, int m)
{
    static const unsigned char days[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    return m == 2 && leap(y) ? 29 : days[m - 1];
}

/* n digits at q[*i] (no more, no less). */
static int digits(const char *q, size_t *i, size_t end, int n, int *out)
{
    int v = 0;
    for (int k = 0; k < n; k++, (*i)++) {
        if (*i >= end || q[*i] < '0' || q[*i] > '9')
            return 0;
        v = v * 10 + (q[*i] - '0');
    }
    *out = v;
    return 1;
}

/* One date q[start, end): YYYY, YYYY-MM or YYYY-MM-DD. */
static rc_t parse_one(const char *q, size_t start, size_t end, pdate *out, size_t *err_at,
                      err_t *err)
{
    size_t i = start, m_at = 0, d_at = 0;
    memset(out, 0, sizeof *out);
    int ok = digits(q, &i, end, 4, &out->y);
    if (ok && i < end) {
        m_at = i + 1;
        ok = q[i++] == '-' && digits(q, &i, end, 2, &out->m);
    }
    if (ok && i < end) {
        d_at = i + 1;
        ok = q[i++] == '-' && digits(q, &i, end, 2, &out->d);
    }
    if (start == end) {
        *err_at = start;
        return err_set(err, RC_BADINPUT,
                       "column %zu: a date is missing here (write YYYY, YYYY-MM or YYYY-MM-DD)",
                       sr_col(q, start));
    }
    if (!ok || i != end) {
        *err_at = start;
        return err_set(err, RC_BADINPUT,
                       "column %zu: '%.*s' is not a date (write YYYY, YYYY-MM or YYYY-MM-DD)",
                       sr_col(q, start), (int)(end - start > 40 ? 40 : end - start), q + start);
    }
    if (out->y < 1000) {
        *err_at = start;
        return err_set(err, RC_BADINPUT, "column %zu: year %04d is out of range (1000..9999)",
                       sr_col(q, start), out->y);
    }
    if (m_at && (out->m < 1 || out->m > 12)) {
        *err_at = m_at;
        return err_set(err, RC_BADINPUT, "column %zu: month %02d does not exist (01..12)",
                       sr_col(q, m_at), out->m);
    }
    if (d_at && (out->d < 1 || out->d > month_days(out->y, out->m))) {
        *err_at = d_at;
        return err_set(err, RC_BADINPUT, "column %zu: day %02d does not exist in %04d-%02d (01..%02d)",
                       sr_col(q, d_at), out->d, out->y, out->m, month_days(out->y, out->m));
    }
    return RC_OK;
}

/* First and last day of the period a partial date names. */
static pdate first_day(pdate p)
{
    return (pdate){p.y, p.m ? p.m : 1, p.d ? p.d : 1};
}

static pdate last_day(pdate p)
{
    int m = p.m ? p.m : 12;
    return (pdate){p.y, m, p.d ? p.d : month_days(p.y, m)};
}

static pdate next_day(pdate p)
{
    if (++p.d > month_days(p.y, p.m)) {
        p.d = 1;
        if (++p.m > 12) {
            p.m = 1;
            p.y++;
        }
    }
    return p;
}

static pdate prev_day(pdate p)
{
    if (--p.d < 1) {
        if (--p.m < 1) {
            p.m = 12;
            p.y--;
        }
        p.d = month_days(p.y, p.m);
    }
    return p;
}

/* The day after 9999-12-31 is written as one no document date reaches
 * (so date:>9999 matches nothing rather than everything); the day before
 * 1000-01-01 (0999-12-31) sorts below every date already. */
static void put(char out[11], pdate p)
{
    if (p.y > 9999) {
        memcpy(out, "9999-12-32", 11);
        return;
    }
    out[0] = (char)('0' + p.y / 1000);
    out[1] = (char)('0' + p.y / 100 % 10);
    out[2] = (char)('0' + p.y / 10 % 10);
    out[3] = (char)('0' + p.y % 10);
    out[4] = '-';
    out[5] = (char)('0' + p.m / 10);
    out[6] = (char)('0' + p.m % 10);
    out[7] = '-';
    out[8] = (char)('0' + p.d / 10);
    out[9] = (char)('0' + p.d % 10);
    out[10] = '\0';
}

static const char *find_dots(const char *q, size_t start, size_t end)
{
    for (size_t i = start; i + 1 < end; i++)
        if (q[i] == '.' && q[i + 1] == '.')
            return q + i;
    return NULL;
}

static rc_t comparison(const char *q, size_t start, size_t end, char lo[11], char hi[11],
                       size_t *err_at, err_t *err)
{
    int less = q[start] == '<', eq = start + 1 < end && q[start + 1] == '=';
    pdate p;
    rc_t rc = parse_one(q, start + 1 + (size_t)eq, end, &p, err_at, err);
    if (rc != RC_OK)
        return rc;
    if (less)
        put(hi, eq ? last_day(p) : prev_day(first_day(p)));
    else
        put(lo, eq ? first_day(p) : next_day(last_day(p)));
    return RC_OK;
}

rc_t sr_date_range(const char *q, size_t off, size_t len, char lo[11], char hi[11],
                   size_t *err_at, err_t *err)
{
    size_t start = off, end = off + len;
    lo[0] = hi[0] = '\0';
    if (len && (q[start] == '<' || q[start] == '>'))
        return comparison(q, start, end, lo, hi, err_at, err);
    const char *dots = find_dots(q, start, end);
    pdate a, b;
    rc_t rc;
    if (!dots) {
        if ((rc = parse_one(q, start, end, &a, err_at, err)) != RC_OK)
            return rc;
        put(lo, first_day(a));
        put(hi, last_day(a));
        return RC_OK;
    }
    size_t mid = (size_t)(dots - q);
    if (mid == start && mid + 2 == end) {
        *err_at = start;
        return err_set(err, RC_BADINPUT, "column %zu: a date range needs at least one end",
                       sr_col(q, start));
    }
    if (mid > start) {
        if ((rc = parse_one(q, start, mid, &a, err_at, err)) != RC_OK)
            return rc;
        put(lo, first_day(a));
    }
    if (mid + 2 < end) {
        if ((rc = parse_one(q, mid + 2, end, &b, err_at, err)) != RC_OK)
            return rc;
        put(hi, last_day(b));
    }
    if (lo[0] && hi[0] && strcmp(lo, hi) > 0) {
        *err_at = mid + 2;
        return err_set(err, RC_BADINPUT, "column %zu: the date range ends (%s) before it starts (%s)",
                       sr_col(q, mid + 2), hi, lo);
    }
    return RC_OK;
}
