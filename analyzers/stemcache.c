/* stemcache.c - a direct-mapped cache of recent word -> stem results.
 *
 * Word frequencies are Zipfian, so a few thousand slots answer most lookups
 * and Snowball runs only for the rest; Snowball was 18% of indexing time on
 * Reuters before this cache.  A slot holds words of up to 48 bytes, and
 * the stem too when it is not a prefix of the word (then together up to 48
 * bytes); others are stemmed every time.  (It was 31 bytes each, word and
 * stem, in 80-byte slots.)
 *
 * Up to 65,536 slots (4 MB per analyzer; 5.2 MB with the 80-byte slots):
 * with 8,192, 15% of Reuters' 1.74 M lookups missed and Snowball (~2,400
 * instructions a word) cost 660 M instructions; with 65,536, 5% miss and
 * 215 M (32,768 slots: 7%, 308 M).
 * Russian's vocabulary is larger: on 1,500 ru_news documents misses went
 * from 451 k to 211 k and Snowball from 1.31 G to 0.62 G instructions.
 *
 * The table starts at 1,024 slots and grows fourfold as words miss: a
 * searcher stems a few dozen query words, and each 4 KB page of a table
 * touched for the first time is a page fault (a 640 KB table cost a med
 * batch of 30 queries ~140 faults, about a millisecond here); an indexer
 * reaches the full size after some 10,000 distinct words.  The full table
 * is on huge pages where the kernel allows (mem_table_alloc()). */
#include <string.h>

#include "../common/mem.h"
#include "internal.h"

enum { SLOTS_MIN = 1024, SLOTS_MAX = 65536, BYTES = 48 }; /* MAX = MIN * 4^3 */

/* One cache line: a lookup that misses the CPU cache costs one load, not
 * two (slots of 80 bytes, word and stem apart, always spanned two lines).
 * Snowball's stems are mostly a prefix of the word, and then the word's
 * bytes serve as both; otherwise the stem follows the word. */
typedef struct {
    uint64_t hash;          /* 0 = empty */
    uint32_t stem_hash;     /* low half of XXH3_64bits(stem) */
    unsigned char wlen, slen;
    signed char lang;       /* stemmer table index */
    unsigned char stem_at;  /* the stem's offset in bytes: 0 or wlen */
    char bytes[BYTES];      /* the word, then the stem unless it is a prefix */
} slot;

_Static_assert(sizeof(slot) == 64, "a stem cache slot is one cache line");

struct an_stemcache {
    slot *s;
    size_t n;               /* slots, a power of two */
    size_t puts;            /* since the table last grew */
};

an_stemcache *stemcache_new(void)
{
    an_stemcache *c = mem_calloc(1, sizeof *c);
    if (c && !(c->s = mem_table_alloc(SLOTS_MIN * sizeof *c->s))) {
        mem_free(c);
        return NULL;
    }
    if (c)
        c->n = SLOTS_MIN;
    return c;
}

void stemcache_free(an_stemcache *c)
{
    if (c)
        mem_table_free(c->s, c->n * sizeof *c->s);
    mem_free(c);
}

/* Four times the slots once there were twice as many misses as slots; the
 * old entries are dropped (it is a cache).  Without memory, it stays.  A
 * stem lent by stemcache_get() is used before the next put. */
static void grow(an_stemcache *c)
{
    slot *s = mem_table_alloc(c->n * 4 * sizeof *s);
    if (!s)
        return;
    mem_table_free(c->s, c->n * sizeof *c->s);
    c->s = s;
    c->n *= 4;
    c->puts = 0;
}

/* The word's hash moved by its language, so each language has its own
 * arrangement of the slots. */
static uint64_t key(int lang, uint64_t hash)
{
    uint64_t h = hash ^ ((uint64_t)lang + 1) * 0x9E3779B97F4A7C15ull;
    return h ? h : 1;
}

void stemcache_prefetch(const an_stemcache *c, int lang, uint64_t hash)
{
    if (!c)
        return;
    mem_prefetch(&c->s[key(lang, hash) & (c->n - 1)]);
}

const char *stemcache_get(an_stemcache *c, int lang, const char *w, size_t len, uint64_t hash,
                          size_t *out_len, uint32_t *out_hash)
{
    if (!c || len > BYTES)
        return NULL;
    uint64_t h = key(lang, hash);
    slot *s = &c->s[h & (c->n - 1)];
    if (s->hash != h || s->lang != lang || s->wlen != len || memcmp(s->bytes, w, len))
        return NULL;
    *out_len = s->slen;
    *out_hash = s->stem_hash;
    return s->bytes + s->stem_at;
}

void stemcache_put(an_stemcache *c, int lang, const char *w, size_t len, uint64_t hash,
                   const char *stem, size_t stem_len, uint32_t stem_hash)
{
    int prefix = stem_len <= len && !memcmp(stem, w, stem_len);
    if (!c || len > BYTES || (!prefix && len + stem_len > BYTES))
        return;
    if (++c->puts > 2 * c->n && c->n < SLOTS_MAX)
        grow(c);
    uint64_t h = key(lang, hash);
    slot *s = &c->s[h & (c->n - 1)];
    s->hash = h;
    s->stem_hash = stem_hash;
    s->lang = (signed char)lang;
    s->wlen = (unsigned char)len;
    s->slen = (unsigned char)stem_len;
    s->stem_at = (unsigned char)(prefix ? 0 : len);
    memcpy(s->bytes, w, len);
    if (!prefix)
        memcpy(s->bytes + len, stem, stem_len);
}
