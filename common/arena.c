/* arena.c - chunked bump allocator (see arena.h). */
#include "arena.h"

#include <stdalign.h>
#include <stdint.h>
#include <string.h>

#include "mem.h"

struct arena_chunk {
    arena_chunk *next;
    size_t size;
    size_t used;
    alignas(max_align_t) unsigned char data[];
};

void arena_init(arena_t *a, size_t chunk_size)
{
    a->head = NULL;
    a->chunk_size = chunk_size ? chunk_size : 64 * 1024;
}

void arena_free(arena_t *a)
{
    arena_chunk *c = a->head;
    while (c) {
        arena_chunk *next = c->next;
        mem_free(c);
        c = next;
    }
    a->head = NULL;
}

void arena_reset(arena_t *a)
{
    if (!a->head)
        return;
    /* Keep the oldest chunk (the last in the list): it is the default size. */
    arena_chunk *c = a->head;
    while (c->next) {
        arena_chunk *next = c->next;
        mem_free(c);
        c = next;
    }
    if (c->size != a->chunk_size) {
        /* A one-off big block ended up last: do not keep it alive. */
        mem_free(c);
        a->head = NULL;
        return;
    }
    c->used = 0;
    a->head = c;
}

void *arena_alloc(arena_t *a, size_t n)
{
    const size_t align = alignof(max_align_t);
    if (n > SIZE_MAX - align - sizeof(arena_chunk))
        return NULL;
    n = (n + align - 1) & ~(align - 1);
    arena_chunk *c = a->head;
    if (!c || c->size - c->used < n) {
        size_t size = n > a->chunk_size ? n : a->chunk_size;
        arena_chunk *nc = mem_alloc(sizeof *nc + size);
        if (!nc)
            return NULL;
        nc->size = size;
        nc->used = 0;
        if (c && n > a->chunk_size && c->size - c->used >= a->chunk_size / 4) {
            /* A big one-off block goes behind the current chunk so the current
             * chunk's free space is not wasted. */
            nc->next = c->next;
            c->next = nc;
            nc->used = n;
            return nc->data;
        }
        nc->next = c;
        a->head = nc;
        c = nc;
    }
    void *p = c->data + c->used;
    c->used += n;
    return p;
}

int arena_grow(arena_t *a, void **v, size_t *cap, size_t n, size_t size)
{
    if (n < *cap)
        return 1;
    size_t c = *cap ? *cap * 2 : 8;
    if (c > SIZE_MAX / size)
        return 0;
    void *nv = arena_alloc(a, c * size);
    if (!nv)
        return 0;
    if (n)
        memcpy(nv, *v, n * size);
    *v = nv;
    *cap = c;
    return 1;
}

char *arena_strndup(arena_t *a, const char *s, size_t len)
{
    char *d = arena_alloc(a, len + 1);
    if (!d)
        return NULL;
    memcpy(d, s, len);
    d[len] = '\0';
    return d;
}
