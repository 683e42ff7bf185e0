/* format.h - rendering hits as text, JSON Lines or TREC run lines.
 * Part of the searcher module's public surface, next to sr.h. */
#ifndef SEARCHER_FORMAT_H
#define SEARCHER_FORMAT_H

#include "../common/buf.h"
#include "sr.h"

typedef enum { SR_FMT_TEXT = 0, SR_FMT_JSON, SR_FMT_TREC } sr_format;

/* "text", "json", "trec" -> sr_format, or -1. */
int sr_format_parse(const char *name);
enum { SR_FMT_COLOR = 1 };   /* text: matches and title in colour (ANSI SGR) */

/* Append one hit to b.  qid names the query (TREC and JSON); tag is the
 * TREC run tag; flags are SR_FMT_*. */
void sr_format_hit(buf_t *b, sr_format fmt, const sr_hit *h, const char *qid, const char *tag,
                   unsigned flags, rc_t *prc);
/* s as a JSON string literal (s must be valid UTF-8). */
void sr_json_string(buf_t *b, const char *s, size_t len, rc_t *prc);

#endif
