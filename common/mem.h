/* mem.h - the one allocation wrapper every module uses.
 *
 * All heap allocation goes through mem_alloc/mem_calloc/mem_realloc/mem_free
 * so that a test can make the Nth allocation fail (mem_fail_after) and check
 * that every caller turns it into RC_NOMEM instead of crashing.  The wrappers
 * return NULL on failure exactly like their libc counterparts; they never
 * abort.
 */
#ifndef COMMON_MEM_H
#define COMMON_MEM_H

#include <stddef.h>

void *mem_alloc(size_t n);
void *mem_calloc(size_t count, size_t size);
void *mem_realloc(void *p, size_t n);
void mem_free(void *p);
/* A copy of s[0..len) plus a terminating NUL; NULL on allocation failure. */
char *mem_strndup(const char *s, size_t len);

/* Make *p (an array of *cap elements of size bytes) hold at least need
 * elements, doubling from 64.  Returns 1, or 0 on allocation failure (then
 * *p and *cap are unchanged). */
int mem_grow(void **p, size_t *cap, size_t need, size_t size);

/* Start loading the cache line at p, for a caller about to read it after
 * other work (a hint: it changes nothing, and does nothing where the
 * compiler has no prefetch). */
static inline void mem_prefetch(const void *p)
{
#if defined(__GNUC__)
    __builtin_prefetch(p);
#else
    (void)p;
#endif
}

/* Map the whole pages of [p, p+n) now, in one call (MADV_POPULATE_WRITE),
 * for a block that will be written at random: on this VM a page fault
 * costs ~11 us and populating ~0.6 us a page.  Does nothing where the
 * kernel or libc lacks it. */
void mem_prefault(void *p, size_t n);

/* A zeroed block of n bytes for a large table read at random, for
 * mem_table_free(p, n).  From 1 MB on it is its own mapping in whole 2 MB
 * pages, aligned to and advised for transparent huge pages (MADV_HUGEPAGE)
 * where the kernel allows them: the stem caches of two analysis threads
 * (1.3 MB, then 5.2 MB, filled as words come) took 2,600 page faults of
 * ~11 us in 4 KB pages, two thirds of a Reuters build's faults, and a TLB
 * miss on most lookups.  Smaller blocks come from mem_calloc().  NULL on
 * failure (fault injection counts it). */
void *mem_table_alloc(size_t n);
void mem_table_free(void *p, size_t n);

/* Back the process heap with transparent huge pages where the kernel allows
 * it (THP "always" or "madvise"): the heap is grown now by reserve bytes of
 * address space (untouched, so not resident) advised MADV_HUGEPAGE, and
 * later growth goes in steps of reserve.  One page fault then maps 2 MB
 * instead of 4 KB; on our VM a fault costs ~11 us, and indexing Reuters took
 * 22,000 of them.  glibc only; process-wide, so a program calls it once at
 * start (bin/indexer does), never a library.  Returns 1 when the advice was
 * given, 0 when nothing was done (other allocator, no THP, reserve out of
 * range); either way allocation works as before. */
int mem_heap_prefer_huge(size_t reserve);

/* Grow glibc's heap by reserve bytes now and map them (MADV_POPULATE_WRITE),
 * and later by as much at a time, unmapped: for a short-lived program whose
 * first allocations would each fault in a page (~11 us each on our VM,
 * against ~0.6 us a page populated).  Same limits as above; returns 1 when
 * done. */
int mem_heap_prefault(size_t reserve);

/* Fault injection for tests: after n more successful allocations every
 * allocation fails, until mem_fail_reset().  n < 0 disables injection.
 * Process-wide on purpose: only single-threaded tests use it. */
void mem_fail_after(long n);
void mem_fail_reset(void);
/* Number of allocations refused since the last reset. */
long mem_fail_count(void);

#endif
