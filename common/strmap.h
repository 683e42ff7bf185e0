/* strmap.h - hash map from byte strings to 64-bit values (open addressing,
 * XXH3).  The map copies keys into its own arena, so callers can pass
 * transient strings.  Used for batch term tables, per-document term tables
 * and id sets.  strmap_clear() keeps the allocation for the next document.
 */
#ifndef COMMON_STRMAP_H
#define COMMON_STRMAP_H

#include <stddef.h>
#include <stdint.h>

#include "arena.h"
#include "mem.h"
#include "rc.h"

typedef struct {
    const char *key;   /* NUL-terminated copy owned by the map */
    uint32_t len;
    uint32_t hash;
    uint64_t value;
} strmap_slot;

typedef struct {
    strmap_slot *slots;  /* key == NULL: empty */
    size_t cap;          /* power of two */
    size_t n;
    arena_t keys;
} strmap;

void strmap_init(strmap *m);
void strmap_free(strmap *m);
void strmap_clear(strmap *m);
/* Slot of key, or NULL. */
strmap_slot *strmap_get(const strmap *m, const char *key, size_t len);
/* Slot of key, inserting it with value 0 if absent (*added = 1 then).
 * NULL on allocation failure. */
strmap_slot *strmap_put(strmap *m, const char *key, size_t len, int *added);

/* The hash strmap_put() computes for key: the low half of XXH3_64bits(),
 * so a caller that has that hash can pass it on. */
uint32_t strmap_hash(const char *key, size_t len);
/* strmap_put() with hash = strmap_hash(key, len) already known (taken from
 * another map's slot, say). */
strmap_slot *strmap_put_hashed(strmap *m, const char *key, size_t len, uint32_t hash, int *added);

/* For a caller with many keys to look up at once: start loading the slot
 * where key (hash = strmap_hash()) is probed first, and later (after a few
 * other keys) peek at it: that slot if it holds a key with this hash (most
 * likely the key itself; compare before trusting it), else NULL.  Both are
 * hints that change nothing, so a map that grew in between is no harm. */
static inline void strmap_prefetch(const strmap *m, uint32_t hash)
{
    if (m->cap)
        mem_prefetch(&m->slots[hash & (m->cap - 1)]);
}

static inline const strmap_slot *strmap_peek(const strmap *m, uint32_t hash)
{
    if (!m->cap)
        return NULL;
    const strmap_slot *s = &m->slots[hash & (m->cap - 1)];
    return s->key && s->hash == hash ? s : NULL;
}

/* Iteration: for (size_t i = 0; i < m->cap; i++) if (m->slots[i].key) ... */

#endif
