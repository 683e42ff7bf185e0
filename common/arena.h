/* arena.h - bump allocator for per-document and per-query work.
 *
 * Everything allocated from an arena lives until arena_reset() or
 * arena_free(); nothing is freed one by one.  Reset keeps the first chunk so a
 * loop over documents settles into zero malloc calls.  Allocation failure
 * returns NULL (never aborts).
 */
#ifndef COMMON_ARENA_H
#define COMMON_ARENA_H

#include <stddef.h>

typedef struct arena_chunk arena_chunk;

typedef struct {
    arena_chunk *head;   /* newest chunk first */
    size_t chunk_size;   /* default size of a new chunk */
} arena_t;

void arena_init(arena_t *a, size_t chunk_size);
void arena_free(arena_t *a);
void arena_reset(arena_t *a);
/* n bytes aligned for any type, or NULL. */
void *arena_alloc(arena_t *a, size_t n);
/* Make the arena array *v (*cap elements of size bytes, n of them used) hold
 * n + 1: a doubled copy when full (the old one stays until reset).
 * Returns 1, or 0 on allocation failure (*v and *cap unchanged). */
int arena_grow(arena_t *a, void **v, size_t *cap, size_t n, size_t size);
/* A NUL-terminated copy of s[0..len), or NULL. */
char *arena_strndup(arena_t *a, const char *s, size_t len);

#endif
