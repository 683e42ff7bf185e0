/* cli.c - option value parsing shared by bin/indexer and bin/searcher. */
#include "cli.h"

#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>

int cli_parse_count(const char *s, size_t *out)
{
    if (!s || !*s || *s == '-' || *s == '+')
        return 0;
    char *end;
    errno = 0;
    unsigned long long v = strtoull(s, &end, 10);
    if (errno || *end || v > SIZE_MAX)
        return 0;
    *out = (size_t)v;
    return 1;
}

int cli_parse_size(const char *s, size_t *out)
{
    if (!s || !*s || *s == '-' || *s == '+')
        return 0;
    char *end;
    errno = 0;
    unsigned long long v = strtoull(s, &end, 10);
    if (errno || end == s)
        return 0;
    unsigned long long mul = 1;
    switch (*end) {
    case '\0': break;
    case 'k': case 'K': mul = 1ull << 10; end++; break;
    case 'm': case 'M': mul = 1ull << 20; end++; break;
    case 'g': case 'G': mul = 1ull << 30; end++; break;
    default: return 0;
    }
    if (*end == 'B' || *end == 'b')
        end++;
    if (*end || v > SIZE_MAX / mul)
        return 0;
    *out = (size_t)(v * mul);
    return 1;
}

int cli_parse_double(const char *s, double lo, double hi, double *out)
{
    if (!s || !*s)
        return 0;
    char *end;
    errno = 0;
    double v = strtod(s, &end);
    if (errno || *end || !isfinite(v) || v < lo || v > hi)
        return 0;
    *out = v;
    return 1;
}
