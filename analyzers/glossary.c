/* glossary.c - the cross-lingual glossary (data/glossary.tsv): concepts
 * with their names in English, Russian and Chinese.  Each name is analyzed
 * with the caller's analyzer (the index's configuration) into its key, the
 * stems of its indexed words joined by spaces, so a query is matched against
 * the glossary after exactly the analysis that documents get: Russian
 * inflections, Chinese segmentation and Traditional forms all meet their
 * entry.  Like Xapian's synonym table, but keyed on analyzed terms and read
 * from a text file we keep in the repository. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "../common/arena.h"
#include "../common/buf.h"
#include "../common/mem.h"
#include "../common/strmap.h"
#include "../common/utf8.h"
#include "an.h"

struct an_glossary {
    arena_t arena;
    strmap keys;             /* key -> concept index (the first concept wins) */
    struct concept {
        an_gloss_variant *v;
        size_t n, cap;
    } *c;
    size_t n, cap;
    size_t max_words;
};

static rc_t append_key(void *ctx, const an_token *t)
{
    buf_t *b = ctx;
    rc_t rc = RC_OK;
    if ((t->flags & (AN_TOK_STOP | AN_TOK_OVERLAY)) || !t->stem_len)
        return RC_OK;
    if (b->len)
        buf_append_byte(b, ' ', &rc);
    buf_append(b, t->stem, t->stem_len, &rc);
    return rc;
}

rc_t an_gloss_key(an_analyzer *an, const char *text, size_t len, buf_t *out, err_t *err)
{
    buf_reset(out);
    uint32_t pos = 0;
    return an_analyze(an, NULL, text, len, &pos, append_key, out, err);
}

static size_t count_words(const char *key, size_t len)
{
    size_t n = len ? 1 : 0;
    for (size_t i = 0; i < len; i++)
        n += key[i] == ' ';
    return n;
}

/* One name of concept ci in language lang (0 en, 1 ru, 2 zh). */
static rc_t add_variant(an_glossary *g, an_analyzer *an, size_t ci, int lang, const char *s,
                        size_t len, buf_t *key, err_t *err)
{
    while (len && (*s == ' '))
        s++, len--;
    while (len && s[len - 1] == ' ')
        len--;
    if (!len)
        return RC_OK;
    struct concept *c = &g->c[ci];
    char *text = arena_strndup(&g->arena, s, len);
    if (!text || !arena_grow(&g->arena, (void **)&c->v, &c->cap, c->n, sizeof *c->v))
        return err_set(err, RC_NOMEM, "out of memory reading the glossary");
    rc_t rc = an_gloss_key(an, text, len, key, err);
    if (rc != RC_OK)
        return rc;
    c->v[c->n++] = (an_gloss_variant){text, len, lang, key->len != 0};
    if (!key->len)
        return RC_OK;   /* only stopwords: never matches, still shown */
    int added;
    strmap_slot *slot = strmap_put(&g->keys, (const char *)key->p, key->len, &added);
    if (!slot)
        return err_set(err, RC_NOMEM, "out of memory reading the glossary");
    if (added)
        slot->value = ci;
    size_t w = count_words((const char *)key->p, key->len);
    if (w > g->max_words)
        g->max_words = w;
    return RC_OK;
}

/* One line: ENGLISH \t RUSSIAN \t CHINESE, each "a|b|c". */
static rc_t add_line(an_glossary *g, an_analyzer *an, const char *line, size_t len,
                     const char *path, size_t lineno, buf_t *key, err_t *err)
{
    if (!arena_grow(&g->arena, (void **)&g->c, &g->cap, g->n, sizeof *g->c))
        return err_set(err, RC_NOMEM, "out of memory reading the glossary");
    size_t ci = g->n++;
    memset(&g->c[ci], 0, sizeof g->c[ci]);
    int lang = 0;
    size_t start = 0;
    rc_t rc = RC_OK;
    for (size_t i = 0; i <= len && rc == RC_OK; i++) {
        if (i < len && line[i] != '\t' && line[i] != '|')
            continue;
        if (lang > 2)
            return err_set(err, RC_BADINPUT, "%s:%zu: more than three columns", path, lineno);
        rc = add_variant(g, an, ci, lang, line + start, i - start, key, err);
        if (i < len && line[i] == '\t')
            lang++;
        start = i + 1;
    }
    if (rc == RC_OK && g->c[ci].n == 0)
        g->n--;
    return rc;
}

static rc_t parse(an_glossary *g, an_analyzer *an, const char *text, size_t len,
                  const char *path, err_t *err)
{
    if (utf8_valid_prefix(text, len) != len)
        return err_set(err, RC_BADINPUT, "%s: not valid UTF-8", path);
    buf_t key;
    buf_init(&key);
    rc_t rc = RC_OK;
    size_t lineno = 0;
    for (size_t i = 0; i < len && rc == RC_OK;) {
        const char *nl = memchr(text + i, '\n', len - i);
        size_t end = nl ? (size_t)(nl - text) : len, n = end - i;
        lineno++;
        if (n && text[i + n - 1] == '\r')
            n--;
        if (n && text[i] != '#')
            rc = add_line(g, an, text + i, n, path, lineno, &key, err);
        i = end + 1;
    }
    buf_free(&key);
    return rc;
}

static rc_t read_file(const char *path, buf_t *out, err_t *err)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return err_set(err, RC_IO, "%s: %s", path, strerror(errno));
    rc_t rc = RC_OK;
    char chunk[65536];
    size_t n;
    while (rc == RC_OK && (n = fread(chunk, 1, sizeof chunk, f)) > 0)
        buf_append(out, chunk, n, &rc);
    int bad = ferror(f);
    fclose(f);
    if (rc != RC_OK)
        return err_set(err, rc, "out of memory reading %s", path);
    return bad ? err_set(err, RC_IO, "%s: read error", path) : RC_OK;
}

rc_t an_glossary_load(an_analyzer *an, const char *path, an_glossary **out, err_t *err)
{
    *out = NULL;
    an_glossary *g = mem_calloc(1, sizeof *g);
    if (!g)
        return err_set(err, RC_NOMEM, "out of memory reading the glossary");
    arena_init(&g->arena, 64 * 1024);
    strmap_init(&g->keys);
    buf_t text;
    buf_init(&text);
    rc_t rc = read_file(path, &text, err);
    if (rc == RC_OK)
        rc = parse(g, an, (const char *)text.p, text.len, path, err);
    buf_free(&text);
    if (rc != RC_OK) {
        an_glossary_free(g);
        return rc;
    }
    *out = g;
    return RC_OK;
}

void an_glossary_free(an_glossary *g)
{
    if (!g)
        return;
    strmap_free(&g->keys);
    arena_free(&g->arena);
    mem_free(g);
}

size_t an_glossary_size(const an_glossary *g)
{
    return g->n;
}

size_t an_glossary_max_words(const an_glossary *g)
{
    return g->max_words;
}

long an_glossary_find(const an_glossary *g, const char *key, size_t len)
{
    const strmap_slot *s = strmap_get(&g->keys, key, len);
    return s ? (long)s->value : -1;
}

size_t an_glossary_variants(const an_glossary *g, size_t concept, const an_gloss_variant **out)
{
    if (concept >= g->n) {
        *out = NULL;
        return 0;
    }
    *out = g->c[concept].v;
    return g->c[concept].n;
}
