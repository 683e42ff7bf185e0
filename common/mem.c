/* mem.c - allocation wrapper with optional fault injection (see mem.h). */
#include "mem.h"

#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#ifdef __GLIBC__
#include <limits.h>
#include <malloc.h>
#include <unistd.h>
#endif

/* The only mutable globals in the code base: test hooks, off by default.
 * Atomic because the indexer allocates on several threads. */
static _Atomic long fail_budget = -1;
static _Atomic long fail_refused;

static int should_fail(void)
{
    long b = atomic_load_explicit(&fail_budget, memory_order_relaxed);
    while (b >= 0) {
        if (b == 0) {
            fail_refused++;
            return 1;
        }
        if (atomic_compare_exchange_weak(&fail_budget, &b, b - 1))
            return 0;
    }
    return 0;
}

void *mem_alloc(size_t n)
{
    if (should_fail())
        return NULL;
    return malloc(n ? n : 1);
}

void *mem_calloc(size_t count, size_t size)
{
    if (should_fail())
        return NULL;
    return calloc(count ? count : 1, size ? size : 1);
}

void *mem_realloc(void *p, size_t n)
{
    if (should_fail())
        return NULL;
    return realloc(p, n ? n : 1);
}

void mem_free(void *p)
{
    free(p);
}

char *mem_strndup(const char *s, size_t len)
{
    char *d = mem_alloc(len + 1);
    if (!d)
        return NULL;
    memcpy(d, s, len);
    d[len] = '\0';
    return d;
}

int mem_grow(void **p, size_t *cap, size_t need, size_t size)
{
    if (need <= *cap)
        return 1;
    size_t c = *cap ? *cap : 64;
    while (c < need) {
        if (c > SIZE_MAX / 2 / size)
            return 0;
        c *= 2;
    }
    void *q = mem_realloc(*p, c * size);
    if (!q)
        return 0;
    *p = q;
    *cap = c;
    return 1;
}

void mem_prefault(void *p, size_t n)
{
#ifdef MADV_POPULATE_WRITE
    const uintptr_t page = 4096;
    uintptr_t a = ((uintptr_t)p + page - 1) & ~(page - 1);
    uintptr_t b = ((uintptr_t)p + n) & ~(page - 1);
    if (p && a < b)
        (void)madvise((void *)a, b - a, MADV_POPULATE_WRITE);
#else
    (void)p;
    (void)n;
#endif
}

/* Tables from 1 MB on get their own mapping, in whole huge pages. */
enum { TABLE_HUGE = 2 << 20, TABLE_MAP_MIN = 1 << 20 };

static size_t table_len(size_t n)
{
    return (n + TABLE_HUGE - 1) & ~(size_t)(TABLE_HUGE - 1);
}

void *mem_table_alloc(size_t n)
{
#if defined(MADV_HUGEPAGE) && defined(MAP_ANONYMOUS)
    if (n >= TABLE_MAP_MIN && n <= SIZE_MAX / 2) {
        if (should_fail())
            return NULL;
        /* Map one huge page more than needed and cut it to an aligned
         * block; anonymous pages read as zero. */
        size_t len = table_len(n), map = len + TABLE_HUGE;
        char *p = mmap(NULL, map, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        if (p == MAP_FAILED)
            return NULL;
        char *a = (char *)(((uintptr_t)p + TABLE_HUGE - 1) & ~(uintptr_t)(TABLE_HUGE - 1));
        if (a > p)
            munmap(p, (size_t)(a - p));
        if (p + map > a + len)
            munmap(a + len, (size_t)(p + map - (a + len)));
        (void)madvise(a, len, MADV_HUGEPAGE);
        return a;
    }
#endif
    return mem_calloc(1, n);
}

void mem_table_free(void *p, size_t n)
{
#if defined(MADV_HUGEPAGE) && defined(MAP_ANONYMOUS)
    if (p && n >= TABLE_MAP_MIN && n <= SIZE_MAX / 2) {
        munmap(p, table_len(n));
        return;
    }
#endif
    mem_free(p);
}

void mem_fail_after(long n)
{
    fail_budget = n;
    fail_refused = 0;
}

void mem_fail_reset(void)
{
    fail_budget = -1;
}

long mem_fail_count(void)
{
    return fail_refused;
}

#if defined(__GLIBC__) && defined(M_TOP_PAD)
/* Grow glibc's heap by reserve bytes now, and by as much at each later
 * growth; [*lo, *hi) is the new top, owned by the caller until free(*lo). */
static int grow_heap(size_t reserve, char **lo, char **hi)
{
    enum { PROBE_MAX = 32 << 20, MMAP_DEFAULT = 128 << 10 };
    if (reserve > INT_MAX)
        return 0;
    /* Every later growth of the heap (brk) adds reserve bytes; glibc keeps
     * that much at the top when memory is freed instead of trimming it. */
    if (mallopt(M_TOP_PAD, (int)reserve) != 1)
        return 0;
    /* Grow it now, with a block the top cannot hold and that is not given
     * its own mapping (M_TOP_PAD already fixed the mmap threshold, so
     * setting it back to glibc's default loses nothing). */
    size_t probe = mallinfo2().keepcost + 4096;
    if (probe > PROBE_MAX || mallopt(M_MMAP_THRESHOLD, PROBE_MAX) != 1)
        return 0;
    *lo = malloc(probe);
    *hi = sbrk(0);
    mallopt(M_MMAP_THRESHOLD, MMAP_DEFAULT);
    if (!*lo)
        return 0;
    /* Only when lo really is in the heap that just grew (not in another
     * allocator's memory, as under a sanitizer). */
    if ((uintptr_t)*lo < (uintptr_t)*hi && (uintptr_t)*hi - (uintptr_t)*lo >= reserve &&
        (uintptr_t)*hi - (uintptr_t)*lo <= reserve + probe + (2 << 20))
        return 1;
    free(*lo);
    return 0;
}
#endif

int mem_heap_prefer_huge(size_t reserve)
{
#if defined(__GLIBC__) && defined(M_TOP_PAD) && defined(MADV_HUGEPAGE)
    enum { HUGE_PAGE = 2 << 20 };
    char *lo, *hi;
    if (reserve < 2 * HUGE_PAGE || !grow_heap(reserve, &lo, &hi))
        return 0;
    uintptr_t a = ((uintptr_t)lo + HUGE_PAGE - 1) & ~(uintptr_t)(HUGE_PAGE - 1);
    uintptr_t b = (uintptr_t)hi & ~(uintptr_t)(HUGE_PAGE - 1);
    int ok = a < b && madvise((void *)a, b - a, MADV_HUGEPAGE) == 0;
    free(lo);
    return ok;
#else
    (void)reserve;
    return 0;
#endif
}

int mem_heap_prefault(size_t reserve)
{
#if defined(__GLIBC__) && defined(M_TOP_PAD) && defined(MADV_POPULATE_WRITE)
    char *lo, *hi;
    if (!grow_heap(reserve, &lo, &hi))
        return 0;
    mem_prefault(lo, (size_t)(hi - lo));
    free(lo);
    return 1;
#else
    (void)reserve;
    return 0;
#endif
}
