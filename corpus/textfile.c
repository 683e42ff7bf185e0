/* textfile.c - a plain-text news item to a cp_doc.
 *
 * Layout (as in ../shared/seeds/): optional header lines at the top, each a
 * key and a value, written either with leading whitespace (" date 2025-12-25")
 * or with a colon ("date: 2025-12-25").  Keys: date, title, source, url,
 * lang.  A date header may be followed by text on the same line; that text
 * is content.  The first non-empty content line is the title; the rest is
 * the text.  A first line too long to be a headline (> TITLE_MAX bytes)
 * stays in the text and the title shows its beginning.
 */
#include <ctype.h>
#include <string.h>

#include "internal.h"

enum { TITLE_MAX = 300, TITLE_SHOW = 160 };

typedef struct {
    const char *p;
    size_t len;
} span;

static span trim(span s)
{
    while (s.len && isspace((unsigned char)s.p[0])) {
        s.p++;
        s.len--;
    }
    while (s.len && isspace((unsigned char)s.p[s.len - 1]))
        s.len--;
    return s;
}

static size_t word_len(const char *p, size_t len)
{
    size_t n = 0;
    while (n < len && !isspace((unsigned char)p[n]))
        n++;
    return n;
}

/* If line is a header, store its value in doc and return 1; *rest gets
 * content that followed a date on the same line. */
static int header(parse_ctx *pc, span line, cp_doc *doc, span *rest)
{
    static const char *const keys[] = {"date", "title", "source", "url", "lang"};
    int lead = line.len && (line.p[0] == ' ' || line.p[0] == '\t');
    span s = trim(line);
    rest->p = NULL;
    rest->len = 0;
    for (size_t k = 0; k < sizeof keys / sizeof keys[0]; k++) {
        size_t kl = strlen(keys[k]);
        if (s.len <= kl || memcmp(s.p, keys[k], kl))
            continue;
        size_t i = kl;
        int colon = s.p[i] == ':';
        i += colon;
        if (!(lead || colon) || i >= s.len || !isspace((unsigned char)s.p[i]))
            return 0;
        span v = trim((span){s.p + i, s.len - i});
        if (!v.len)
            return 0;
        if (k == 0) {
            char iso[11];
            size_t w = word_len(v.p, v.len);
            if (!cp_date_normalize(v.p, w, iso))
                return 0;
            doc->date = arena_strndup(pc->arena, iso, 10);
            *rest = trim((span){v.p + w, v.len - w});
        } else if (k == 1) {
            doc->title = arena_strndup(pc->arena, v.p, v.len);
            doc->title_len = v.len;
        } else if (k == 4) {
            doc->lang = meta_lang_code(pc->arena, v.p, word_len(v.p, v.len));
        } else if (k == 2) {
            doc->source = arena_strndup(pc->arena, v.p, v.len);
        } else if (doc->source && !doc->source[0]) { /* url: its host, unless a source line says more */
            doc->source = meta_source_from_url(pc->arena, v.p, v.len);
        }
        return 1;
    }
    return 0;
}

static span next_line(const char **p, const char *end)
{
    const char *s = *p;
    const char *nl = memchr(s, '\n', (size_t)(end - s));
    const char *e = nl ? nl : end;
    *p = nl ? nl + 1 : end;
    return (span){s, (size_t)(e - s)};
}

/* Cut a long first line at a space for display. */
static size_t title_cut(const char *s, size_t len)
{
    if (len <= TITLE_SHOW)
        return len;
    size_t n = TITLE_SHOW;
    while (n > TITLE_SHOW / 2 && s[n] != ' ')
        n--;
    if (s[n] != ' ')
        n = TITLE_SHOW;
    while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80)
        n--; /* never inside a UTF-8 sequence */
    return n;
}

rc_t textfile_parse(parse_ctx *pc, const char *bytes, size_t len, cp_doc *doc, cp_skip *why,
                    err_t *err)
{
    memset(doc, 0, sizeof *doc);
    doc->title = doc->date = doc->source = doc->lang = "";
    const char *p = bytes, *end = bytes + len;
    span first = {NULL, 0};
    /* Header lines, then the first content line. */
    while (p < end) {
        span line = next_line(&p, end);
        span rest;
        if (!trim(line).len)
            continue;
        if (header(pc, line, doc, &rest)) {
            if (rest.len) {
                first = rest;
                break;
            }
            continue;
        }
        first = trim(line);
        break;
    }
    if (!doc->title || !doc->date || !doc->source || !doc->lang)
        return err_set(err, RC_NOMEM, "out of memory reading %s", pc->file);
    const char *body = first.p;
    size_t body_len = first.p ? (size_t)(end - first.p) : 0;
    if (!doc->title_len && first.len) {
        if (first.len <= TITLE_MAX) {
            doc->title = arena_strndup(pc->arena, first.p, first.len);
            doc->title_len = first.len;
            body = first.p + first.len;
            body_len = (size_t)(end - body);
        } else {
            doc->title_len = title_cut(first.p, first.len);
            doc->title = arena_strndup(pc->arena, first.p, doc->title_len);
            doc->flags |= CP_DOC_TITLE_IN_TEXT;
        }
    }
    span t = trim((span){body ? body : "", body_len});
    doc->text = arena_strndup(pc->arena, t.p, t.len);
    doc->text_len = t.len;
    if (!doc->title || !doc->text)
        return err_set(err, RC_NOMEM, "out of memory reading %s", pc->file);
    if (!doc->title_len && !doc->text_len) {
        *why = CP_SKIP_NO_TEXT;
        return err_set(err, RC_BADINPUT, "%s: empty document, skipped", pc->file);
    }
    return RC_OK;
}
