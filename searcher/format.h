/* format.h - rendering hits as text, JSON Lines or TREC run lines.
 * Part of the searcher module's public surface, next to sr.h. */
#ifndef SEARCHER_FORMAT_H
#define SEARCHER_FORMAT_H

#include "../common/buf.h"
#include "sr.h"

typedef enum { SR_FMT_TEXT = 0, SR_FMT_JSON, SR_FMT_TREC, SR_FMT_CSV } sr_format;

/* "text", "json", "trec", "csv" -> sr_format, or -1. */
int sr_format_parse(const char *name);
enum {
    SR_FMT_COLOR = 1,   /* text: matches and title in colour (ANSI SGR) */
    SR_FMT_BLOCKS = 2,  /* text: histogram bars of U+2588 blocks (else '#') */
};

/* Append one hit to b.  qid names the query (TREC and JSON); tag is the
 * TREC run tag; flags are SR_FMT_*. */
void sr_format_hit(buf_t *b, sr_format fmt, const sr_hit *h, const char *qid, const char *tag,
                   unsigned flags, rc_t *prc);
/* res->buckets and res->unknown (--histogram): text bars, one JSON object
 * ({"histogram":UNIT,"buckets":[{"period","count"}...],"unknown":N,"total":N}),
 * or CSV lines (period,count; "unknown" last), each with qid when given. */
void sr_format_histogram(buf_t *b, sr_format fmt, const sr_result *res, const char *unit,
                         const char *qid, unsigned flags, rc_t *prc);
/* The JSON summary fields of suggestions and expansion (",\"suggestions\":{...}",
 * ",\"expansion\":[...]"); nothing when there are none. */
void sr_format_summary_extras(buf_t *b, const sr_result *res, rc_t *prc);
/* "'term' is not in the index; did you mean: a, b?" lines, for stderr. */
void sr_format_suggestions(buf_t *b, const sr_result *res, rc_t *prc);
/* s as a JSON string literal (s must be valid UTF-8). */
void sr_json_string(buf_t *b, const char *s, size_t len, rc_t *prc);

#endif
