/* meta.c - metadata a document did not state: its date from the dateline
 * near the top of the text, its source from its URL, its language from the
 * scripts of its letters.  Stated values always win. */
#include <string.h>

#include "internal.h"

const char *meta_source_from_url(arena_t *a, const char *url, size_t len)
{
    const char *p = url, *end = url + len;
    const char *scheme = memchr(p, ':', len);
    if (scheme && scheme + 2 < end && scheme[1] == '/' && scheme[2] == '/')
        p = scheme + 3;
    else if (len >= 2 && p[0] == '/' && p[1] == '/')
        p += 2;
    const char *host = p;
    while (p < end && *p != '/' && *p != '?' && *p != '#' && *p != ' ')
        p++;
    const char *at = memchr(host, '@', (size_t)(p - host)); /* user:pass@ */
    if (at)
        host = at + 1;
    const char *colon = memchr(host, ':', (size_t)(p - host)); /* :8080 */
    const char *host_end = colon ? colon : p;
    if (host_end - host > 4 && !strncmp(host, "www.", 4))
        host += 4;
    if (host_end <= host || !memchr(host, '.', (size_t)(host_end - host)))
        return arena_strndup(a, "", 0); /* not a URL with a host name */
    char *s = arena_strndup(a, host, (size_t)(host_end - host));
    for (char *c = s; c && *c; c++)
        if (*c >= 'A' && *c <= 'Z')
            *c = (char)(*c + 32);
    return s;
}

const char *meta_lang_code(arena_t *a, const char *s, size_t len)
{
    char code[9];
    size_t n = 0;
    while (n < len && s[n] != '-' && s[n] != '_') {
        char c = s[n];
        if (n == 8 || !((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')))
            return arena_strndup(a, "", 0); /* not a language tag */
        code[n++] = (char)(c | 0x20);
    }
    return arena_strndup(a, code, n);
}

rc_t meta_complete(arena_t *a, cp_doc *doc)
{
    if (!doc->date[0]) {
        char iso[11];
        if (cp_date_find(doc->title, doc->title_len, iso) ||
            cp_date_find(doc->text, doc->text_len, iso)) {
            if (!(doc->date = arena_strndup(a, iso, 10)))
                return RC_NOMEM;
        }
    }
    if (!doc->lang[0]) {
        const char *g = lang_guess(doc->text_len ? doc->text : doc->title,
                                   doc->text_len ? doc->text_len : doc->title_len);
        if (g[0]) {
            doc->lang = g;
            doc->flags |= CP_DOC_LANG_GUESSED;
        }
    }
    return RC_OK;
}
