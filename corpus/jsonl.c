/* jsonl.c - one JSON Lines record to a cp_doc, with json-c.
 *
 * json-c stays behind this file (its headers clash with jansson's, and the
 * rest of the code should not care).  The raw line has already been made
 * valid UTF-8 by the reader; strings are checked again after unescaping
 * because JSON escapes can produce NUL or lone surrogates.
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

/* A string field (or a number, written as text); "" when absent or null. */
static const char *field(parse_ctx *pc, json_object *obj, const char *name, size_t *out_len,
                         int *bad_type, size_t *n_bad)
{
    json_object *v;
    *out_len = 0;
    if (!json_object_object_get_ex(obj, name, &v) || !v)
        return "";
    const char *s;
    size_t len;
    switch (json_object_get_type(v)) {
    case json_type_string:
        s = json_object_get_string(v);
        len = (size_t)json_object_get_string_len(v);
        break;
    case json_type_int:
    case json_type_double:
        s = json_object_to_json_string_ext(v, JSON_C_TO_STRING_PLAIN);
        len = strlen(s);
        break;
    default:
        *bad_type = 1;
        return "";
    }
    clean_ctx cc = {.file = pc->file, .line = pc->line};
    size_t nb = 0;
    char *d = clean_utf8(pc->arena, s, len, &cc, out_len, &nb);
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

rc_t jsonl_parse(parse_ctx *pc, void *tokener, const char *line, size_t len, cp_doc *doc,
                 cp_skip *why, err_t *err)
{
    json_tokener *tok = tokener;
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
    int bad_type = 0;
    size_t n_bad = 0, id_len, lang_len, date_len, src_len;
    memset(doc, 0, sizeof *doc);
    doc->id = field(pc, obj, "id", &id_len, &bad_type, &n_bad);
    doc->title = field(pc, obj, "title", &doc->title_len, &bad_type, &n_bad);
    doc->text = field(pc, obj, "text", &doc->text_len, &bad_type, &n_bad);
    if (doc->text && !doc->text_len)
        doc->text = field(pc, obj, "body", &doc->text_len, &bad_type, &n_bad);
    const char *lang = field(pc, obj, "lang", &lang_len, &bad_type, &n_bad);
    const char *date = field(pc, obj, "date", &date_len, &bad_type, &n_bad);
    doc->source = field(pc, obj, "source", &src_len, &bad_type, &n_bad);
    if (doc->source && !src_len) { /* no source: the host of the url, if any */
        size_t url_len;
        const char *url = field(pc, obj, "url", &url_len, &bad_type, &n_bad);
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
