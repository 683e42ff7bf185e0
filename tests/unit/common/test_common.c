/* Unit tests for common/: varints, buffers, UTF-8 repair, arena, string map,
 * option parsing, allocation fault injection, par_for. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <stdatomic.h>
#include <sys/resource.h>
#include <cmocka.h>

#include "../../../common/arena.h"
#include "../../../common/buf.h"
#include "../../../common/cli.h"
#include "../../../common/mem.h"
#include "../../../common/par.h"
#include "../../../common/strmap.h"
#include "../../../common/utf8.h"

static void varint_round_trip(void **state)
{
    (void)state;
    static const uint64_t values[] = {0, 1, 127, 128, 255, 300, 16383, 16384, 1u << 31,
                                      UINT32_MAX, (uint64_t)1 << 40, UINT64_MAX};
    buf_t b;
    buf_init(&b);
    rc_t rc = RC_OK;
    for (size_t i = 0; i < sizeof values / sizeof values[0]; i++)
        buf_append_varint(&b, values[i], &rc);
    assert_int_equal(rc, RC_OK);
    const unsigned char *p = b.p, *end = b.p + b.len;
    for (size_t i = 0; i < sizeof values / sizeof values[0]; i++) {
        uint64_t v;
        assert_true(varint_get(&p, end, &v));
        assert_true(v == values[i]);
        assert_int_equal(varint_len(values[i]), varint_put((unsigned char[10]){0}, values[i]));
    }
    assert_ptr_equal(p, end);
    buf_free(&b);
}

static void varint_rejects_torn_and_overlong(void **state)
{
    (void)state;
    const unsigned char torn[] = {0x80, 0x80};
    const unsigned char *p = torn;
    uint64_t v;
    assert_false(varint_get(&p, torn + 2, &v));
    assert_ptr_equal(p, torn);
    unsigned char over[11];
    memset(over, 0xff, sizeof over);
    p = over;
    assert_false(varint_get(&p, over + sizeof over, &v));
    const unsigned char big[] = {0x80, 0x80, 0x80, 0x80, 0x10}; /* 2^32 */
    p = big;
    uint32_t v32;
    assert_false(varint_get32(&p, big + 5, &v32));
}

static void buf_keeps_zero_padding(void **state)
{
    (void)state;
    buf_t b;
    buf_init(&b);
    rc_t rc = RC_OK;
    buf_append_str(&b, "hello world", &rc);
    buf_reset(&b);
    buf_append_str(&b, "abc", &rc);
    assert_string_equal(buf_cstr(&b), "abc");
    for (size_t i = b.len; i < b.len + BUF_PAD; i++)
        assert_int_equal(b.p[i], 0);
    buf_free(&b);
}

static void utf8_sanitize_replaces_and_reports(void **state)
{
    (void)state;
    /* valid "a", stray 0xff, truncated 3-byte sequence, NUL, valid "é" */
    const char in[] = "a\xff" "b\xe2\x82" "c\0d\xc3\xa9";
    size_t offs[8], n_offs = 0;
    void on_bad(void *ctx, size_t off);
    buf_t out;
    buf_init(&out);
    rc_t rc = RC_OK;
    struct { size_t *o; size_t *n; } ctx = {offs, &n_offs};
    size_t n = utf8_sanitize(in, sizeof in - 1, &out, on_bad, &ctx, &rc);
    assert_int_equal(rc, RC_OK);
    assert_int_equal(n, 3);
    assert_string_equal(buf_cstr(&out), "a\xef\xbf\xbd" "b\xef\xbf\xbd" "c\xef\xbf\xbd" "d\xc3\xa9");
    assert_int_equal(n_offs, 3);
    assert_int_equal(offs[0], 1);
    assert_int_equal(offs[1], 3);
    assert_int_equal(offs[2], 6);
    assert_int_equal(utf8_valid_prefix((const char *)out.p, out.len), out.len);
    buf_free(&out);
}

void on_bad(void *ctx, size_t off)
{
    struct { size_t *o; size_t *n; } *c = ctx;
    c->o[(*c->n)++] = off;
}

static void utf8_rejects_overlong_and_surrogates(void **state)
{
    (void)state;
    assert_int_equal(utf8_valid_prefix("\xc0\xaf", 2), 0);        /* overlong '/' */
    assert_int_equal(utf8_valid_prefix("\xed\xa0\x80", 3), 0);    /* U+D800 */
    assert_int_equal(utf8_valid_prefix("\xf4\x90\x80\x80", 4), 0); /* > U+10FFFF */
    assert_int_equal(utf8_valid_prefix("\xe4\xb8\xad", 3), 3);    /* 中 */
    assert_int_equal(utf8_floor("ab\xe4\xb8", 4), 2);
    assert_int_equal(utf8_floor("ab\xe4\xb8\xad", 5), 5);
}

static void arena_allocates_aligned_and_resets(void **state)
{
    (void)state;
    arena_t a;
    arena_init(&a, 128);
    void *p1 = arena_alloc(&a, 3);
    void *p2 = arena_alloc(&a, 8);
    assert_non_null(p1);
    assert_int_equal((uintptr_t)p2 % _Alignof(max_align_t), 0);
    char *big = arena_alloc(&a, 10000);
    assert_non_null(big);
    memset(big, 1, 10000);
    char *s = arena_strndup(&a, "abcdef", 3);
    assert_string_equal(s, "abc");
    arena_reset(&a);
    assert_non_null(arena_alloc(&a, 64));
    arena_free(&a);
}

static void strmap_put_get_grow(void **state)
{
    (void)state;
    strmap m;
    strmap_init(&m);
    char key[32];
    for (int i = 0; i < 5000; i++) {
        int added;
        snprintf(key, sizeof key, "term%d", i);
        strmap_slot *s = strmap_put(&m, key, strlen(key), &added);
        assert_non_null(s);
        assert_true(added);
        s->value = (uint64_t)i * 3;
    }
    for (int i = 0; i < 5000; i++) {
        snprintf(key, sizeof key, "term%d", i);
        strmap_slot *s = strmap_get(&m, key, strlen(key));
        assert_non_null(s);
        assert_int_equal(s->value, (uint64_t)i * 3);
    }
    assert_null(strmap_get(&m, "nope", 4));
    /* A hash carried over from another map finds the same slots. */
    strmap m2;
    strmap_init(&m2);
    for (int i = 0; i < 5000; i += 7) {
        int added;
        snprintf(key, sizeof key, "term%d", i);
        strmap_slot *s = strmap_get(&m, key, strlen(key));
        assert_int_equal(s->hash, strmap_hash(key, strlen(key)));
        assert_ptr_equal(strmap_put_hashed(&m, key, strlen(key), s->hash, &added), s);
        assert_false(added);
        strmap_slot *t = strmap_put_hashed(&m2, key, strlen(key), s->hash, &added);
        assert_true(added);
        t->value = 1;
    }
    snprintf(key, sizeof key, "term%d", 7 * 11);
    assert_non_null(strmap_get(&m2, key, strlen(key)));
    assert_int_equal(m2.n, 715);
    strmap_free(&m2);
    strmap_clear(&m);
    assert_null(strmap_get(&m, "term1", 5));
    strmap_free(&m);
}

static void cli_parsers(void **state)
{
    (void)state;
    size_t n;
    double d;
    assert_true(cli_parse_size("16M", &n));
    assert_int_equal(n, 16u << 20);
    assert_true(cli_parse_size("512", &n));
    assert_int_equal(n, 512);
    assert_false(cli_parse_size("-1", &n));
    assert_false(cli_parse_size("12X", &n));
    assert_true(cli_parse_count("100", &n));
    assert_false(cli_parse_count("1e3", &n));
    assert_true(cli_parse_double("0.75", 0, 1, &d));
    assert_false(cli_parse_double("1.5", 0, 1, &d));
    assert_false(cli_parse_double("nan", 0, 1, &d));
}

static void fault_injection_fails_nth_allocation(void **state)
{
    (void)state;
    mem_fail_after(2);
    void *a = mem_alloc(8), *b = mem_alloc(8), *c = mem_alloc(8);
    mem_fail_reset();
    assert_non_null(a);
    assert_non_null(b);
    assert_null(c);
    assert_int_equal(mem_fail_count(), 1);
    mem_free(a);
    mem_free(b);
    /* Builders turn the failure into a sticky RC_NOMEM. */
    buf_t buf;
    buf_init(&buf);
    rc_t rc = RC_OK;
    mem_fail_after(0);
    buf_append_str(&buf, "x", &rc);
    buf_append_str(&buf, "y", &rc);
    mem_fail_reset();
    assert_int_equal(rc, RC_NOMEM);
    buf_free(&buf);
}

/* utf8_valid_prefix() (with its inline fast paths) stops exactly where a
 * plain utf8_decode() loop does, on random bytes biased towards UTF-8. */
static void utf8_valid_prefix_matches_decode(void **state)
{
    (void)state;
    static const unsigned char pool[] = {'a', 0, 0x7f, 0x80, 0x9f, 0xa0, 0xbf, 0xc0, 0xc1, 0xc2,
                                         0xd0, 0xdf, 0xe0, 0xe1, 0xec, 0xed, 0xee, 0xef, 0xf0,
                                         0xf4, 0xf5, 0xff};
    unsigned long seed = 12345;
    unsigned char s[12];
    for (int round = 0; round < 200000; round++) {
        size_t len = (size_t)(round % 12) + 1;
        for (size_t i = 0; i < len; i++) {
            seed = seed * 6364136223846793005ul + 1442695040888963407ul;
            s[i] = pool[(seed >> 33) % sizeof pool];
        }
        const unsigned char *p = s, *end = s + len;
        uint32_t cp;
        size_t n;
        while (p < end && *p && (n = utf8_decode(p, end, &cp)) > 0)
            p += n;
        assert_int_equal(utf8_valid_prefix((const char *)s, len), (size_t)(p - s));
    }
}

static long minor_faults(void)
{
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return ru.ru_minflt;
}

/* The kernel's THP mode allows advised huge pages ("[always]" or "[madvise]"). */
static int thp_available(void)
{
    FILE *f = fopen("/sys/kernel/mm/transparent_hugepage/enabled", "r");
    char line[128] = "";
    if (!f)
        return 0;
    int ok = fgets(line, sizeof line, f) && !strstr(line, "[never]");
    fclose(f);
    return ok;
}

static void heap_prefer_huge_cuts_page_faults(void **state)
{
    (void)state;
    assert_int_equal(mem_heap_prefer_huge(1 << 20), 0); /* below two huge pages */
    if (!thp_available() || !mem_heap_prefer_huge(64u << 20))
        skip(); /* no THP, or not glibc's heap (sanitizer builds) */
    /* 16 MB in blocks below the mmap threshold, so they come from the heap:
     * 4,096 faults with 4 KB pages, a handful with 2 MB ones. */
    enum { BLOCK = 64 << 10, N = 256 };
    static char *blocks[N];
    long before = minor_faults();
    for (size_t i = 0; i < N; i++) {
        blocks[i] = malloc(BLOCK);
        assert_non_null(blocks[i]);
        memset(blocks[i], 1, BLOCK);
    }
    long faults = minor_faults() - before;
    for (size_t i = 0; i < N; i++)
        free(blocks[i]);
    assert_true(faults < N * (BLOCK / 4096) / 4);
}

/* Tables below and above the size that gets its own mapping: zeroed,
 * writable to the last byte, and failing under fault injection. */
static void table_alloc_is_zeroed(void **state)
{
    (void)state;
    size_t sizes[] = {1000, (1u << 20) - 1, 1u << 20, (5u << 20) + 123};
    for (size_t i = 0; i < sizeof sizes / sizeof *sizes; i++) {
        unsigned char *p = mem_table_alloc(sizes[i]);
        assert_non_null(p);
        for (size_t j = 0; j < sizes[i]; j += 4093)
            assert_int_equal(p[j], 0);
        assert_int_equal(p[sizes[i] - 1], 0);
        memset(p, 0xab, sizes[i]);
        mem_table_free(p, sizes[i]);
        mem_fail_after(0);
        assert_null(mem_table_alloc(sizes[i]));
        mem_fail_reset();
    }
    mem_table_free(NULL, 5u << 20);
}

/* par_for: each job once, each with the context of the thread it ran on. */
typedef struct {
    int id;
    size_t jobs;   /* run on this thread */
} par_ctx;

typedef struct {
    _Atomic int runs[1000];
    int ran_on[1000];
} par_record;

static void par_job_record(void *ctx, size_t i, void *arg)
{
    par_ctx *c = ctx;
    par_record *r = arg;
    atomic_fetch_add(&r->runs[i], 1);
    r->ran_on[i] = c->id;
    c->jobs++;
}

static void par_for_runs_each_job_once(void **state)
{
    (void)state;
    static par_record r;
    par_ctx ctx[4];
    void *p[4];
    size_t cases[][2] = {{1000, 4}, {1000, 1}, {3, 4}, {1, 2}, {0, 3}};
    for (size_t c = 0; c < sizeof cases / sizeof *cases; c++) {
        size_t n = cases[c][0], threads = cases[c][1];
        memset(&r, 0, sizeof r);
        for (int t = 0; t < 4; t++) {
            ctx[t] = (par_ctx){t, 0};
            p[t] = &ctx[t];
        }
        size_t ran = par_for(n, p, threads, par_job_record, &r);
        assert_true(ran >= 1 && ran <= (n < threads ? (n ? n : 1) : threads));
        size_t total = 0;
        for (size_t t = 0; t < 4; t++) {
            total += ctx[t].jobs;
            if (t >= threads)
                assert_int_equal(ctx[t].jobs, 0);   /* contexts past n_ctx unused */
        }
        assert_int_equal(total, n);
        for (size_t i = 0; i < n; i++) {
            assert_int_equal(atomic_load(&r.runs[i]), 1);
            assert_true(r.ran_on[i] >= 0 && (size_t)r.ran_on[i] < threads);
        }
    }
    assert_true(par_cpus() >= 1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(varint_round_trip),
        cmocka_unit_test(varint_rejects_torn_and_overlong),
        cmocka_unit_test(buf_keeps_zero_padding),
        cmocka_unit_test(utf8_sanitize_replaces_and_reports),
        cmocka_unit_test(utf8_rejects_overlong_and_surrogates),
        cmocka_unit_test(arena_allocates_aligned_and_resets),
        cmocka_unit_test(strmap_put_get_grow),
        cmocka_unit_test(cli_parsers),
        cmocka_unit_test(fault_injection_fails_nth_allocation),
        cmocka_unit_test(utf8_valid_prefix_matches_decode),
        cmocka_unit_test(heap_prefer_huge_cuts_page_faults),
        cmocka_unit_test(table_alloc_is_zeroed),
        cmocka_unit_test(par_for_runs_each_job_once),
    };
    return cmocka_run_group_tests_name("common", tests, NULL, NULL);
}
