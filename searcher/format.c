/* format.c - text, JSON Lines and TREC renderings of hits, all from the
 * same sr_hit, into a byte buffer (the program decides where it goes).
 * Text shows matches in colour (ANSI SGR) when asked to; JSON gives the
 * snippet and its matches as [start, end) byte offsets into the snippet's
 * UTF-8 (and the title's), so a script can highlight them itself. */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "format.h"

static void appendf(buf_t *b, rc_t *prc, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void appendf(buf_t *b, rc_t *prc, const char *fmt, ...)
{
    char tmp[512];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(tmp, sizeof tmp, fmt, ap);
    va_end(ap);
    if (n < 0)
        return;
    if ((size_t)n < sizeof tmp) {
        buf_append(b, tmp, (size_t)n, prc);
        return;
    }
    buf_reserve(b, (size_t)n + 1, prc);
    if (*prc != RC_OK)
        return;
    va_start(ap, fmt);
    vsnprintf((char *)b->p + b->len, (size_t)n + 1, fmt, ap);
    va_end(ap);
    b->len += (size_t)n;
}

void sr_json_string(buf_t *b, const char *s, size_t len, rc_t *prc)
{
    static const char hex[] = "0123456789abcdef";
    buf_append_byte(b, '"', prc);
    size_t run = 0;
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c >= 0x20 && c != '"' && c != '\\')
            continue;
        buf_append(b, s + run, i - run, prc);
        run = i + 1;
        switch (c) {
        case '"': buf_append(b, "\\\"", 2, prc); break;
        case '\\': buf_append(b, "\\\\", 2, prc); break;
        case '\n': buf_append(b, "\\n", 2, prc); break;
        case '\t': buf_append(b, "\\t", 2, prc); break;
        case '\r': buf_append(b, "\\r", 2, prc); break;
        default: {
            char u[6] = {'\\', 'u', '0', '0', hex[c >> 4], hex[c & 15]};
            buf_append(b, u, 6, prc);
        }
        }
    }
    buf_append(b, s + run, len - run, prc);
    buf_append_byte(b, '"', prc);
}

static void json_field(buf_t *b, const char *name, const char *v, rc_t *prc)
{
    appendf(b, prc, ",\"%s\":", name);
    if (v && *v)
        sr_json_string(b, v, strlen(v), prc);
    else
        buf_append_str(b, "null", prc);
}

/* [[start,end],...]: byte offsets of the spans. */
static void json_spans(buf_t *b, const char *name, const sr_span *m, size_t n, rc_t *prc)
{
    appendf(b, prc, ",\"%s\":[", name);
    for (size_t i = 0; i < n; i++)
        appendf(b, prc, "%s[%zu,%zu]", i ? "," : "", m[i].off, m[i].off + m[i].len);
    buf_append_str(b, "]", prc);
}

static void json_explain(buf_t *b, const sr_hit *h, rc_t *prc)
{
    buf_append_str(b, ",\"explain\":[", prc);
    for (size_t i = 0; i < h->n_explain; i++) {
        const sr_explain_term *e = &h->explain[i];
        buf_append_str(b, i ? ",{\"term\":" : "{\"term\":", prc);
        sr_json_string(b, e->term, strlen(e->term), prc);
        appendf(b, prc,
                ",\"tf\":%u,\"df\":%u,\"idf\":%.6f,\"weight\":%.6f,\"doc_len\":%u,"
                "\"avg_len\":%.4f,\"k1\":%g,\"b\":%g,\"qweight\":%g",
                e->tf, e->df, e->idf, e->weight, h->doc_len, e->avg_len, e->k1, e->b, e->qweight);
        if (e->via)
            appendf(b, prc, ",\"via\":\"%s\"", e->via);
        buf_append_str(b, "}", prc);
    }
    buf_append_str(b, "]", prc);
    appendf(b, prc, ",\"proximity\":%.6f", h->proximity);
}

static void format_json(buf_t *b, const sr_hit *h, const char *qid, rc_t *prc)
{
    buf_append_str(b, "{", prc);
    if (qid && *qid) {
        buf_append_str(b, "\"qid\":", prc);
        sr_json_string(b, qid, strlen(qid), prc);
        buf_append_str(b, ",", prc);
    }
    appendf(b, prc, "\"rank\":%zu,\"score\":%.6f,\"id\":", h->rank, h->score);
    sr_json_string(b, h->id, strlen(h->id), prc);
    json_field(b, "title", h->title, prc);
    json_field(b, "date", h->date, prc);
    json_field(b, "lang", h->lang, prc);
    json_field(b, "source", h->source, prc);
    if (h->charset && *h->charset)
        json_field(b, "converted_from", h->charset, prc);
    if (h->repair && *h->repair)
        json_field(b, "repaired", h->repair, prc);
    if (h->snippet) {
        buf_append_str(b, ",\"snippet\":", prc);
        sr_json_string(b, h->snippet, strlen(h->snippet), prc);
        json_spans(b, "matches", h->marks, h->n_marks, prc);
        json_spans(b, "title_matches", h->title_marks, h->n_title_marks, prc);
    }
    if (h->n_explain)
        json_explain(b, h, prc);
    buf_append_str(b, "}\n", prc);
}

#define SGR_BOLD "\033[1m"
#define SGR_MATCH "\033[1;31m"
#define SGR_RESET "\033[0m"

/* s with its marks in colour; `base` is the attribute to return to. */
/* One CSV record (RFC 4180 quoting): qid when given, rank, score, id,
 * date, lang, title. */
static void csv_field(buf_t *b, const char *v, rc_t *prc)
{
    buf_append_byte(b, '"', prc);
    for (; *v; v++) {
        if (*v == '"')
            buf_append_byte(b, '"', prc);
        buf_append_byte(b, (unsigned char)*v, prc);
    }
    buf_append_byte(b, '"', prc);
}

static void format_csv(buf_t *b, const sr_hit *h, const char *qid, rc_t *prc)
{
    if (qid) {
        csv_field(b, qid, prc);
        buf_append_byte(b, ',', prc);
    }
    appendf(b, prc, "%zu,%.6f,", h->rank, h->score);
    csv_field(b, h->id, prc);
    buf_append_byte(b, ',', prc);
    csv_field(b, h->date, prc);
    buf_append_byte(b, ',', prc);
    csv_field(b, h->lang, prc);
    buf_append_byte(b, ',', prc);
    csv_field(b, h->title, prc);
    buf_append_byte(b, '\n', prc);
}

static void marked(buf_t *b, const char *s, const sr_span *m, size_t n, const char *base,
                   rc_t *prc)
{
    size_t at = 0, len = strlen(s);
    buf_append_str(b, base, prc);
    for (size_t i = 0; i < n; i++) {
        if (m[i].off < at || m[i].off + m[i].len > len)
            continue;
        buf_append(b, s + at, m[i].off - at, prc);
        buf_append_str(b, SGR_MATCH, prc);
        buf_append(b, s + m[i].off, m[i].len, prc);
        buf_append_str(b, SGR_RESET, prc);
        buf_append_str(b, base, prc);
        at = m[i].off + m[i].len;
    }
    buf_append(b, s + at, len - at, prc);
    buf_append_str(b, SGR_RESET, prc);
}

static void format_text(buf_t *b, const sr_hit *h, unsigned flags, rc_t *prc)
{
    int color = (flags & SR_FMT_COLOR) != 0;
    appendf(b, prc, "%3zu. %9.4f  %-10s  ", h->rank, h->score, *h->date ? h->date : "-");
    if (!*h->title)
        buf_append_str(b, "(no title)", prc);
    else if (color)
        marked(b, h->title, h->title_marks, h->n_title_marks, SGR_BOLD, prc);
    else
        buf_append_str(b, h->title, prc);
    appendf(b, prc, "\n     %s\n", h->id);
    if (h->snippet && *h->snippet) {
        buf_append_str(b, "     ", prc);
        if (color)
            marked(b, h->snippet, h->marks, h->n_marks, "", prc);
        else
            buf_append_str(b, h->snippet, prc);
        buf_append_str(b, "\n", prc);
    }
    if (h->n_explain && h->charset && *h->charset)
        appendf(b, prc, "       converted from %s\n", h->charset);
    if (h->n_explain && h->repair && *h->repair)
        appendf(b, prc, "       repaired: %s\n", h->repair);
    for (size_t i = 0; i < h->n_explain; i++) {
        const sr_explain_term *e = &h->explain[i];
        appendf(b, prc, "       %-20s tf=%u df=%u idf=%.4f len=%u avglen=%.1f k1=%g b=%g",
                e->term, e->tf, e->df, e->idf, h->doc_len, e->avg_len, e->k1, e->b);
        if (e->qweight != 1.0)
            appendf(b, prc, " qweight=%g", e->qweight);
        appendf(b, prc, " -> %.4f%s%s\n", e->weight, e->via ? " in " : "", e->via ? e->via : "");
    }
    if (h->n_explain && h->proximity > 0)
        appendf(b, prc, "       %-20s words of the query close together -> %.4f\n",
                "(proximity)", h->proximity);
}

/* Digits of v, written backwards from end; returns the first. */
static char *put_uint_back(char *end, unsigned long long v)
{
    do {
        *--end = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    return end;
}

static char *put(char *d, const char *s, size_t n)
{
    memcpy(d, s, n);
    return d + n;
}

/* "%.6f" of v into out, its length returned; without printf, which was a
 * fifth of a TREC batch's time.  Values whose seventh decimal is too close
 * to a rounding tie, and values out of range, go to snprintf, so the text
 * is always printf's. */
enum { FIXED6_MAX = 330 };   /* "%.6f" of DBL_MAX */
static size_t fixed6(char out[FIXED6_MAX], double v)
{
    double scaled = v * 1e6, fl = floor(scaled);
    if (!(v >= 0 && v < 1e12) || fabs(scaled - fl - 0.5) < 1e-3) {
        int n = snprintf(out, FIXED6_MAX, "%.6f", v);
        return n < 0 ? 0 : (size_t)n < FIXED6_MAX ? (size_t)n : FIXED6_MAX - 1;
    }
    unsigned long long r = (unsigned long long)fl + (scaled - fl > 0.5);
    char tmp[24], *i = put_uint_back(tmp + sizeof tmp, r / 1000000);
    char *d = put(out, i, (size_t)(tmp + sizeof tmp - i));
    *d++ = '.';
    unsigned long long f = r % 1000000;
    for (int k = 5; k >= 0; k--, f /= 10)
        d[k] = (char)('0' + f % 10);
    return (size_t)(d + 6 - out);
}

/* A TREC line written in place, room reserved once: a batch run prints a
 * hundred lines per query, and the appends one field at a time were a
 * tenth of a med batch.  Run files are split on whitespace: an id with
 * spaces cannot appear. */
static void format_trec(buf_t *b, const sr_hit *h, const char *qid, const char *tag, rc_t *prc)
{
    char score[FIXED6_MAX], rank[24];
    size_t sl = fixed6(score, h->score);
    char *r = put_uint_back(rank + sizeof rank, h->rank);
    size_t rl = (size_t)(rank + sizeof rank - r);
    const char *q = qid && *qid ? qid : "1", *t = tag ? tag : "ours";
    size_t ql = strlen(q), il = strlen(h->id), tl = strlen(t);
    buf_reserve(b, ql + il + rl + sl + tl + 8, prc);
    if (*prc != RC_OK)
        return;
    char *d = (char *)b->p + b->len;
    d = put(d, q, ql);
    d = put(d, " Q0 ", 4);
    d = put(d, h->id, il);
    *d++ = ' ';
    d = put(d, r, rl);
    *d++ = ' ';
    d = put(d, score, sl);
    *d++ = ' ';
    d = put(d, t, tl);
    *d++ = '\n';
    b->len = (size_t)(d - (char *)b->p);
}

void sr_format_hit(buf_t *b, sr_format fmt, const sr_hit *h, const char *qid, const char *tag,
                   unsigned flags, rc_t *prc)
{
    switch (fmt) {
    case SR_FMT_TREC: format_trec(b, h, qid, tag, prc); break;
    case SR_FMT_JSON: format_json(b, h, qid, prc); break;
    case SR_FMT_CSV: format_csv(b, h, qid, prc); break;
    case SR_FMT_TEXT:
    default: format_text(b, h, flags, prc); break;
    }
}

int sr_format_parse(const char *name)
{
    if (!strcmp(name, "text"))
        return SR_FMT_TEXT;
    if (!strcmp(name, "json"))
        return SR_FMT_JSON;
    if (!strcmp(name, "trec"))
        return SR_FMT_TREC;
    if (!strcmp(name, "csv"))
        return SR_FMT_CSV;
    return -1;
}

/* ---- histogram, suggestions, expansion ----------------------------------- */

static void bar(buf_t *b, uint64_t count, uint64_t max, unsigned flags, rc_t *prc)
{
    enum { WIDTH = 40 };
    size_t n = max ? (size_t)((count * WIDTH + max - 1) / max) : 0;
    for (size_t i = 0; i < n; i++)
        buf_append_str(b, flags & SR_FMT_BLOCKS ? "\u2588" : "#", prc);
    for (size_t i = n; i < WIDTH; i++)
        buf_append_byte(b, ' ', prc);
}

void sr_format_histogram(buf_t *b, sr_format fmt, const sr_result *res, const char *unit,
                         const char *qid, unsigned flags, rc_t *prc)
{
    if (fmt == SR_FMT_JSON) {
        buf_append_byte(b, '{', prc);
        if (qid) {
            buf_append_str(b, "\"qid\":", prc);
            sr_json_string(b, qid, strlen(qid), prc);
            buf_append_byte(b, ',', prc);
        }
        appendf(b, prc, "\"histogram\":\"%s\",\"buckets\":[", unit);
        for (size_t i = 0; i < res->n_buckets; i++)
            appendf(b, prc, "%s{\"period\":\"%s\",\"count\":%llu}", i ? "," : "",
                    res->buckets[i].period, (unsigned long long)res->buckets[i].count);
        appendf(b, prc, "],\"unknown\":%llu,\"total\":%llu}\n",
                (unsigned long long)res->unknown, (unsigned long long)res->total);
        return;
    }
    if (fmt == SR_FMT_CSV) {
        const char *sep = qid ? "," : "";
        if (!qid)
            buf_append_str(b, "period,count\n", prc);
        for (size_t i = 0; i < res->n_buckets; i++)
            appendf(b, prc, "%s%s%s,%llu\n", qid ? qid : "", sep, res->buckets[i].period,
                    (unsigned long long)res->buckets[i].count);
        if (res->unknown)
            appendf(b, prc, "%s%sunknown,%llu\n", qid ? qid : "", sep,
                    (unsigned long long)res->unknown);
        return;
    }
    uint64_t max = res->unknown;
    for (size_t i = 0; i < res->n_buckets; i++)
        if (res->buckets[i].count > max)
            max = res->buckets[i].count;
    if (qid)
        appendf(b, prc, "query %s\n", qid);
    for (size_t i = 0; i < res->n_buckets; i++) {
        appendf(b, prc, "%-9s ", res->buckets[i].period);
        bar(b, res->buckets[i].count, max, flags, prc);
        appendf(b, prc, " %llu\n", (unsigned long long)res->buckets[i].count);
    }
    if (res->unknown) {
        appendf(b, prc, "%-9s ", "unknown");
        bar(b, res->unknown, max, flags, prc);
        appendf(b, prc, " %llu\n", (unsigned long long)res->unknown);
    }
}

void sr_format_summary_extras(buf_t *b, const sr_result *res, rc_t *prc)
{
    if (res->n_suggestions) {
        buf_append_str(b, ",\"suggestions\":{", prc);
        for (size_t i = 0; i < res->n_suggestions; i++) {
            const sr_suggestion *s = &res->suggestions[i];
            if (i)
                buf_append_byte(b, ',', prc);
            sr_json_string(b, s->term, strlen(s->term), prc);
            buf_append_str(b, ":[", prc);
            for (size_t j = 0; j < s->n_alt; j++) {
                if (j)
                    buf_append_byte(b, ',', prc);
                sr_json_string(b, s->alt[j], strlen(s->alt[j]), prc);
            }
            buf_append_byte(b, ']', prc);
        }
        buf_append_byte(b, '}', prc);
    }
    if (res->expansion) {
        buf_append_str(b, ",\"expansion\":[", prc);
        const char *e = res->expansion;
        for (int first = 1; *e; first = 0) {
            const char *nl = strchr(e, '\n');
            size_t n = nl ? (size_t)(nl - e) : strlen(e);
            if (!first)
                buf_append_byte(b, ',', prc);
            sr_json_string(b, e, n, prc);
            e += n + (nl != NULL);
        }
        buf_append_byte(b, ']', prc);
    }
}

void sr_format_suggestions(buf_t *b, const sr_result *res, rc_t *prc)
{
    for (size_t i = 0; i < res->n_suggestions; i++) {
        const sr_suggestion *s = &res->suggestions[i];
        appendf(b, prc, "'%s' is not in the index; did you mean: ", s->term);
        for (size_t j = 0; j < s->n_alt; j++)
            appendf(b, prc, "%s%s", j ? ", " : "", s->alt[j]);
        buf_append_str(b, "?\n", prc);
    }
}
