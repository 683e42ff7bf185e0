/* stemcache.c - a direct-mapped cache of recent word -> stem results.
 *
 * Word frequencies are Zipfian, so a few thousand slots answer most lookups
 * and Snowball runs only for the rest; Snowball was 18% of indexing time on
 * Reuters before this cache.  A slot holds short words only (< 32 bytes);
 * longer ones are stemmed every time.  65,536 slots (5.2 MB per analyzer,
 * touched only as words arrive): with 8,192, 15% of Reuters' 1.74 M lookups
 * missed and Snowball (~2,400 instructions a word) cost 660 M instructions;
 * now 5% miss and 215 M (32,768 slots: 7%, 308 M).  Russian's vocabulary is
 * larger: on 1,500 ru_news documents misses went from 451 k to 211 k and
 * Snowball from 1.31 G to 0.62 G instructions. */
#include <string.h>

#include "../common/mem.h"
#include "internal.h"

enum { SLOTS = 65536, WORD_MAX = 31 };

typedef struct {
    uint64_t hash;          /* 0 = empty */
    unsigned char wlen, slen;
    signed char lang;       /* stemmer table index */
    char word[WORD_MAX], stem[WORD_MAX];
} slot;

struct an_stemcache {
    slot s[SLOTS];
};

an_stemcache *stemcache_new(void)
{
    return mem_calloc(1, sizeof(an_stemcache));
}

void stemcache_free(an_stemcache *c)
{
    mem_free(c);
}

/* The word's hash moved by its language, so each language has its own
 * arrangement of the slots. */
static uint64_t key(int lang, uint64_t hash)
{
    uint64_t h = hash ^ ((uint64_t)lang + 1) * 0x9E3779B97F4A7C15ull;
    return h ? h : 1;
}

const char *stemcache_get(an_stemcache *c, int lang, const char *w, size_t len, uint64_t hash,
                          size_t *out_len)
{
    if (!c || len > WORD_MAX)
        return NULL;
    uint64_t h = key(lang, hash);
    slot *s = &c->s[h % SLOTS];
    if (s->hash != h || s->lang != lang || s->wlen != len || memcmp(s->word, w, len))
        return NULL;
    *out_len = s->slen;
    return s->stem;
}

void stemcache_put(an_stemcache *c, int lang, const char *w, size_t len, uint64_t hash,
                   const char *stem, size_t stem_len)
{
    if (!c || len > WORD_MAX || stem_len > WORD_MAX)
        return;
    uint64_t h = key(lang, hash);
    slot *s = &c->s[h % SLOTS];
    s->hash = h;
    s->lang = (signed char)lang;
    s->wlen = (unsigned char)len;
    s->slen = (unsigned char)stem_len;
    memcpy(s->word, w, len);
    memcpy(s->stem, stem, stem_len);
}
