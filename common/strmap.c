/* strmap.c - open-addressing string map (see strmap.h). */
#include "strmap.h"

#include <string.h>
#include <xxhash.h>

#include "mem.h"

void strmap_init(strmap *m)
{
    m->slots = NULL;
    m->cap = 0;
    m->n = 0;
    arena_init(&m->keys, 64 * 1024);
}

void strmap_free(strmap *m)
{
    mem_free(m->slots);
    arena_free(&m->keys);
    m->slots = NULL;
    m->cap = m->n = 0;
}

void strmap_clear(strmap *m)
{
    /* A table grown for one long document would otherwise be cleared
     * whole for every short one after it (a fortieth of indexing time):
     * clearing costs at most a few slots per key it held. */
    size_t small = 64;
    while (small < 4 * m->n)
        small *= 2;
    if (m->slots && small * 4 <= m->cap) {
        strmap_slot *slots = mem_calloc(small, sizeof *slots);
        if (slots) {
            mem_free(m->slots);
            m->slots = slots;
            m->cap = small;
        } else {
            memset(m->slots, 0, m->cap * sizeof *m->slots);
        }
    } else if (m->slots && m->n) {
        memset(m->slots, 0, m->cap * sizeof *m->slots);
    }
    m->n = 0;
    arena_reset(&m->keys);
}

static strmap_slot *find(const strmap *m, const char *key, size_t len, uint32_t h)
{
    size_t mask = m->cap - 1;
    size_t i = h & mask;
    for (;;) {
        strmap_slot *s = &m->slots[i];
        if (!s->key || (s->hash == h && s->len == len && !memcmp(s->key, key, len)))
            return s;
        i = (i + 1) & mask;
    }
}

strmap_slot *strmap_get(const strmap *m, const char *key, size_t len)
{
    if (!m->cap)
        return NULL;
    strmap_slot *s = find(m, key, len, strmap_hash(key, len));
    return s->key ? s : NULL;
}

static int grow(strmap *m)
{
    size_t cap = m->cap ? m->cap * 2 : 64;
    strmap_slot *slots = mem_calloc(cap, sizeof *slots);
    if (!slots)
        return 0;
    strmap old = *m;
    m->slots = slots;
    m->cap = cap;
    for (size_t i = 0; i < old.cap; i++)
        if (old.slots[i].key)
            *find(m, old.slots[i].key, old.slots[i].len, old.slots[i].hash) = old.slots[i];
    mem_free(old.slots);
    return 1;
}

uint32_t strmap_hash(const char *key, size_t len)
{
    return (uint32_t)XXH3_64bits(key, len);
}

strmap_slot *strmap_put(strmap *m, const char *key, size_t len, int *added)
{
    return strmap_put_hashed(m, key, len, strmap_hash(key, len), added);
}

strmap_slot *strmap_put_hashed(strmap *m, const char *key, size_t len, uint32_t h, int *added)
{
    *added = 0;
    if ((m->n + 1) * 4 > m->cap * 3 && !grow(m))
        return NULL;
    strmap_slot *s = find(m, key, len, h);
    if (s->key)
        return s;
    char *copy = arena_strndup(&m->keys, key, len);
    if (!copy)
        return NULL;
    s->key = copy;
    s->len = (uint32_t)len;
    s->hash = h;
    s->value = 0;
    m->n++;
    *added = 1;
    return s;
}
