/* jsonl.c - one JSON Lines record to a cp_doc: common records through
 * jsonfast.c, everything else (and every error message) through json-c.
 *
 * json-c stays behind this file (its headers clash with jansson's, and the
 * rest of the code should not care).  The raw line has already been made
 * valid UTF-8 by the reader; json-c's strings are checked again after
 * unescaping because \u escapes can produce NUL or lone surrogates.
 * jsonfast.c takes no \u escapes, so its strings (parts of the line, or
 * with ASCII escapes undone) are valid already and only copied.
 */
#include <json-c/json.h>
#include <stdio.h>
#include <string.h>

#include "../common/utf8.h"
#include "internal.h"

void *jsonl_tokener_new(void)
{
    return json_tokener_new();
}

void jsonl_tokener_free(void *tok)
{
    if (tok)
        json_tokener_free(tok);
}

/* A field as json-c or jsonfast.c found it: its text (a number written as
 * text), or nothing (absent, null), or bad (another type). */
typedef struct {
    const char *s;
    size_t len;
    int bad;
    int clean;   /* known valid UTF-8 without NUL (jsonfast.c: no \u escapes) */
} raw_field;

static raw_field raw_from_json(json_object *obj, const char *name)
{
    raw_field r = {"", 0, 0, 0};
    json_object *v;
    if (!json_object_object_get_ex(obj, name, &v) || !v)
        return r;
    switch (json_object_get_type(v)) {
    case json_type_string:
        r.s = json_object_get_string(v);
        r.len = (size_t)json_object_get_string_len(v);
        break;
    case json_type_int:
    case json_type_double:
        r.s = json_object_to_json_string_ext(v, JSON_C_TO_STRING_PLAIN);
        r.len = strlen(r.s);
        break;
    default:
        r.bad = 1;
        break;
    }
    return r;
}

/* A string field cleaned into the arena; "" when absent or null. */
static const char *field(parse_ctx *pc, const raw_field *r, size_t *out_len, int *bad_type,
                         size_t *n_bad)
{
    *out_len = 0;
    if (r->bad) {
        *bad_type = 1;
        return "";
    }
    if (!r->len && !*r->s)
        return "";
    if (r->clean) {
        *out_len = r->len;
        return arena_strndup(pc->arena, r->s, r->len);
    }
    clean_ctx cc = {.file = pc->file, .line = pc->line};
    size_t nb = 0;
    char *d = clean_utf8(pc->arena, r->s, r->len, &cc, out_len, &nb);
    *n_bad += nb;
    return d;
}

static void warn_line(parse_ctx *pc, const char *what)
{
    if (!pc->warn)
        return;
    char msg[1024];
    snprintf(msg, sizeof msg, "%s:%zu: %s", pc->file, pc->line, what);
    pc->warn(pc->warn_ctx, msg);
}

/* The line through json-c, its fields in raw[] (lent by *out_obj, which the
 * caller releases); RC_BADINPUT with the message for a broken line. */
static rc_t parse_json_c(parse_ctx *pc, json_tokener *tok, const char *line, size_t len,
                         raw_field raw[JF__COUNT], json_object **out_obj, cp_skip *why,
                         err_t *err)
{
    *out_obj = NULL;
    json_tokener_reset(tok);
    json_object *obj = json_tokener_parse_ex(tok, line, (int)len);
    enum json_tokener_error jerr = json_tokener_get_error(tok);
    size_t end = json_tokener_get_parse_end(tok);
    if (!obj || jerr != json_tokener_success) {
        *why = CP_SKIP_BROKEN_JSON;
        const char *desc = jerr == json_tokener_continue ? "unexpected end of line"
                                                        : json_tokener_error_desc(jerr);
        json_object_put(obj);
        return err_set(err, RC_BADINPUT, "%s:%zu:%zu: broken JSON (%s), line skipped", pc->file,
                       pc->line, end + 1, desc);
    }
    while (end < len && (line[end] == ' ' || line[end] == '\t'))
        end++;
    if (end < len || !json_object_is_type(obj, json_type_object)) {
        *why = CP_SKIP_BROKEN_JSON;
        int trailing = end < len && json_object_is_type(obj, json_type_object);
        json_object_put(obj);
        return err_set(err, RC_BADINPUT, "%s:%zu:%zu: %s, line skipped", pc->file, pc->line,
                       trailing ? end + 1 : 1,
                       trailing ? "text after the JSON object" : "not a JSON object");
    }
    for (int f = 0; f < JF__COUNT; f++)
        raw[f] = raw_from_json(obj, jsonfast_name((jf_field)f));
    *out_obj = obj;
    return RC_OK;
}

rc_t jsonl_parse(parse_ctx *pc, void *tokener, const char *line, size_t len, cp_doc *doc,
                 cp_skip *why, err_t *err)
{
    raw_field raw[JF__COUNT];
    json_object *obj = NULL;
    jf_value fast[JF__COUNT];
    if (jsonfast_parse(pc->arena, line, len, fast)) {
        for (int f = 0; f < JF__COUNT; f++)
            raw[f] = (raw_field){fast[f].s, fast[f].len, 0, 1};
    } else {
        rc_t rc = parse_json_c(pc, tokener, line, len, raw, &obj, why, err);
        if (rc != RC_OK)
            return rc;
    }
    int bad_type = 0;
    size_t n_bad = 0, id_len, lang_len, date_len, src_len;
    memset(doc, 0, sizeof *doc);
    doc->id = field(pc, &raw[JF_ID], &id_len, &bad_type, &n_bad);
    doc->title = field(pc, &raw[JF_TITLE], &doc->title_len, &bad_type, &n_bad);
    doc->text = field(pc, &raw[JF_TEXT], &doc->text_len, &bad_type, &n_bad);
    if (doc->text && !doc->text_len)
        doc->text = field(pc, &raw[JF_BODY], &doc->text_len, &bad_type, &n_bad);
    const char *lang = field(pc, &raw[JF_LANG], &lang_len, &bad_type, &n_bad);
    const char *date = field(pc, &raw[JF_DATE], &date_len, &bad_type, &n_bad);
    doc->source = field(pc, &raw[JF_SOURCE], &src_len, &bad_type, &n_bad);
    if (doc->source && !src_len) { /* no source: the host of the url, if any */
        size_t url_len;
        const char *url = field(pc, &raw[JF_URL], &url_len, &bad_type, &n_bad);
        doc->source = url ? meta_source_from_url(pc->arena, url, url_len) : NULL;
    }
    json_object_put(obj);
    if (!doc->id || !doc->title || !doc->text || !lang || !date || !doc->source)
        return err_set(err, RC_NOMEM, "out of memory reading %s", pc->file);
    if (bad_type)
        warn_line(pc, "a field is neither a string, a number nor null; it was ignored");
    if (n_bad)
        doc->flags |= CP_DOC_INVALID_UTF8;
    if (!id_len) {
        *why = CP_SKIP_NO_ID;
        return err_set(err, RC_BADINPUT, "%s:%zu: record has no \"id\", line skipped", pc->file,
                       pc->line);
    }
    if (!doc->title_len && !doc->text_len) {
        *why = CP_SKIP_NO_TEXT;
        return err_set(err, RC_BADINPUT, "%s:%zu: document \"%s\" has no title and no text, skipped",
                       pc->file, pc->line, doc->id);
    }
    doc->lang = meta_lang_code(pc->arena, lang, lang_len);
    char iso[11];
    if (date_len && cp_date_normalize(date, date_len, iso)) {
        doc->date = arena_strndup(pc->arena, iso, 10);
    } else {
        if (date_len) {
            char msg[256];
            snprintf(msg, sizeof msg, "date \"%.*s\" not understood, ignored",
                     (int)utf8_floor(date, date_len < 40 ? date_len : 40), date);
            warn_line(pc, msg);
        }
        doc->date = "";
    }
    if (!doc->lang || !doc->date)
        return err_set(err, RC_NOMEM, "out of memory reading %s", pc->file);
    return RC_OK;
}

int jsonl_fast_agrees(arena_t *a, void *tokener, const char *line, size_t len, int *used)
{
    jf_value fast[JF__COUNT];
    *used = jsonfast_parse(a, line, len, fast);
    if (!*used)
        return 1;
    json_tokener *tok = tokener;
    json_tokener_reset(tok);
    json_object *obj = json_tokener_parse_ex(tok, line, (int)len);
    size_t end = json_tokener_get_parse_end(tok);
    while (end < len && (line[end] == ' ' || line[end] == '\t'))
        end++;
    int same = obj && json_tokener_get_error(tok) == json_tokener_success && end == len &&
               json_object_is_type(obj, json_type_object);
    for (int f = 0; same && f < JF__COUNT; f++) {
        json_object *v;
        int has = json_object_object_get_ex(obj, jsonfast_name((jf_field)f), &v);
        if (fast[f].kind == JF_ABSENT)
            same = !has;
        else if (fast[f].kind == JF_NULL)
            same = has && !v;
        else
            same = has && v && json_object_is_type(v, json_type_string) &&
                   (size_t)json_object_get_string_len(v) == fast[f].len &&
                   !memcmp(json_object_get_string(v), fast[f].s, fast[f].len);
    }
    json_object_put(obj);
    return same;
}
