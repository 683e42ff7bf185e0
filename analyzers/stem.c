/* stem.c - stemmers found by language code in one table.
 *
 * Every row is a Snowball algorithm from libstemmer; another stemming library
 * would be a second open function returning the same an_stemmer shape.  The
 * script column lets the analyzer honour a document's language only for the
 * tokens written in that language's script.
 */
#include <libstemmer.h>
#include <string.h>

#include "internal.h"

static const struct {
    const char *lang;       /* ISO 639-1 code as found in documents */
    const char *algorithm;  /* libstemmer name */
    an_script script;
} stem_table[] = {
    {"en", "english", AN_SCRIPT_LATIN},   {"ru", "russian", AN_SCRIPT_CYRILLIC},
    {"fr", "french", AN_SCRIPT_LATIN},    {"de", "german", AN_SCRIPT_LATIN},
    {"es", "spanish", AN_SCRIPT_LATIN},   {"it", "italian", AN_SCRIPT_LATIN},
    {"pt", "portuguese", AN_SCRIPT_LATIN}, {"nl", "dutch", AN_SCRIPT_LATIN},
    {"sv", "swedish", AN_SCRIPT_LATIN},   {"no", "norwegian", AN_SCRIPT_LATIN},
    {"da", "danish", AN_SCRIPT_LATIN},    {"fi", "finnish", AN_SCRIPT_LATIN},
    {"hu", "hungarian", AN_SCRIPT_LATIN}, {"ro", "romanian", AN_SCRIPT_LATIN},
    {"tr", "turkish", AN_SCRIPT_LATIN},   {"el", "greek", AN_SCRIPT_GREEK},
    {"ar", "arabic", AN_SCRIPT_ARABIC},
};

enum { N_STEM = sizeof stem_table / sizeof stem_table[0] };

int stem_lang_index(const char *lang)
{
    if (!lang)
        return -1;
    for (int i = 0; i < N_STEM; i++)
        if (!strcmp(stem_table[i].lang, lang))
            return i;
    return -1;
}

an_script stem_lang_script(int idx)
{
    return (idx >= 0 && idx < N_STEM) ? stem_table[idx].script : AN_SCRIPT_OTHER;
}

const char *stem_lang_code(int idx)
{
    return (idx >= 0 && idx < N_STEM) ? stem_table[idx].lang : "";
}

static const char *snowball_stem(void *ctx, const char *word, size_t len, size_t *out_len)
{
    struct sb_stemmer *sb = ctx;
    const sb_symbol *s = sb_stemmer_stem(sb, (const sb_symbol *)word, (int)len);
    if (!s) {
        /* Snowball's only failure is memory: fall back to the word itself. */
        *out_len = len;
        return word;
    }
    *out_len = (size_t)sb_stemmer_length(sb);
    return (const char *)s;
}

static void snowball_close(void *ctx)
{
    sb_stemmer_delete(ctx);
}

rc_t stem_open(int idx, an_stemmer *out, err_t *err)
{
    memset(out, 0, sizeof *out);
    if (idx < 0 || idx >= N_STEM)
        return err_set(err, RC_INTERNAL, "no stemmer at table index %d", idx);
    struct sb_stemmer *sb = sb_stemmer_new(stem_table[idx].algorithm, "UTF_8");
    if (!sb)
        return err_set(err, RC_INTERNAL, "Snowball stemmer '%s' is not available",
                       stem_table[idx].algorithm);
    out->ctx = sb;
    out->stem = snowball_stem;
    out->close = snowball_close;
    return RC_OK;
}
