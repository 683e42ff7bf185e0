/* jsonfast.c - the common JSON Lines record read without json-c: one flat
 * object whose values are strings or null (numbers, true and false allowed
 * for fields we do not use).
 *
 * Why: json-c builds an object tree with a hash table per record and was
 * three quarters of reading Reuters (540 M of 720 M instructions), all on
 * the indexer's writer thread.  This scanner accepts only a strict subset
 * of JSON and gives up (returns 0) on anything else -- \u escapes, nested
 * values, a number in a field we use, a repeated field, a control byte,
 * text after the object, every syntax error -- so json-c still decides
 * every unusual line and reports every error, and where the scanner says
 * yes json-c would have read the same strings.  tests/unit/corpus and
 * fuzz_jsonl compare the two on every line they see. */
#include <stdint.h>
#include <string.h>

#include "internal.h"

static const char *const names[JF__COUNT] = {
    [JF_ID] = "id",         [JF_TITLE] = "title", [JF_TEXT] = "text", [JF_BODY] = "body",
    [JF_LANG] = "lang",     [JF_DATE] = "date",   [JF_SOURCE] = "source", [JF_URL] = "url",
};

const char *jsonfast_name(jf_field f)
{
    return names[f];
}

typedef struct {
    const char *p, *end;
    arena_t *a;
} scanner;

static void skip_ws(scanner *sc)
{
    while (sc->p < sc->end && (*sc->p == ' ' || *sc->p == '\t' || *sc->p == '\n' || *sc->p == '\r'))
        sc->p++;
}

/* Where the plain run of string bytes from p ends: the first '"', '\\' or
 * control byte, eight bytes at a time (news text is long runs of them). */
static const char *plain_end(const char *p, const char *end)
{
    const uint64_t ones = 0x0101010101010101ull, highs = 0x8080808080808080ull;
    for (; end - p >= 8; p += 8) {
        uint64_t v;
        memcpy(&v, p, 8);
        uint64_t q = v ^ (ones * '"'), b = v ^ (ones * '\\');
        /* A zero byte in q or b, or a byte below 0x20 (high bit clear). */
        uint64_t hit = ((q - ones) & ~q) | ((b - ones) & ~b) | ((v - ones * 0x20) & ~v);
        if (hit & highs)
            break;
    }
    while (p < end && *p != '"' && *p != '\\' && (unsigned char)*p >= 0x20)
        p++;
    return p;
}

/* A string at sc->p (after the opening quote): its bytes, unescaped into the
 * arena only when it holds escapes.  0 when json-c must look at it. */
static int string(scanner *sc, const char **out, size_t *out_len, int allow_escapes)
{
    const char *s = sc->p, *q = s;
    int escaped = 0;
    for (;; q++) {
        q = plain_end(q, sc->end);
        if (q >= sc->end || (unsigned char)*q < 0x20)
            return 0;
        if (*q == '"')
            break;
        if (*q == '\\') {
            if (!allow_escapes || q + 1 >= sc->end || !strchr("\"\\/bfnrt", q[1]) || !q[1])
                return 0;
            escaped = 1;
            q++;
        }
    }
    sc->p = q + 1;
    if (!escaped) {
        *out = s;
        *out_len = (size_t)(q - s);
        return 1;
    }
    char *d = arena_alloc(sc->a, (size_t)(q - s) + 1);
    if (!d)
        return 0; /* json-c then reports the memory failure its own way */
    size_t n = 0;
    for (const char *r = s; r < q; r++) {
        const char *bs = memchr(r, '\\', (size_t)(q - r));
        size_t run = (size_t)((bs ? bs : q) - r);
        memcpy(d + n, r, run);
        n += run;
        r += run;
        if (r == q)
            break;
        switch (*++r) {
        case 'b': d[n++] = '\b'; break;
        case 'f': d[n++] = '\f'; break;
        case 'n': d[n++] = '\n'; break;
        case 'r': d[n++] = '\r'; break;
        case 't': d[n++] = '\t'; break;
        default: d[n++] = *r; break; /* " \ / */
        }
    }
    d[n] = '\0';
    *out = d;
    *out_len = n;
    return 1;
}

static int digits(scanner *sc)
{
    const char *from = sc->p;
    while (sc->p < sc->end && *sc->p >= '0' && *sc->p <= '9')
        sc->p++;
    return sc->p > from;
}

/* A JSON number, true or false (for a field we do not use). */
static int other_scalar(scanner *sc)
{
    static const char *const words[] = {"true", "false", "null"};
    for (size_t i = 0; i < 3; i++) {
        size_t n = strlen(words[i]);
        if ((size_t)(sc->end - sc->p) >= n && !memcmp(sc->p, words[i], n)) {
            sc->p += n;
            return 1;
        }
    }
    if (sc->p < sc->end && *sc->p == '-')
        sc->p++;
    if (sc->p < sc->end && *sc->p == '0')
        sc->p++;
    else if (sc->p >= sc->end || *sc->p < '1' || *sc->p > '9' || !digits(sc))
        return 0;
    if (sc->p < sc->end && *sc->p == '.' && (sc->p++, !digits(sc)))
        return 0;
    if (sc->p < sc->end && (*sc->p == 'e' || *sc->p == 'E')) {
        sc->p++;
        if (sc->p < sc->end && (*sc->p == '+' || *sc->p == '-'))
            sc->p++;
        if (!digits(sc))
            return 0;
    }
    return 1;
}

static int field_of(const char *key, size_t len)
{
    for (int f = 0; f < JF__COUNT; f++)
        if (strlen(names[f]) == len && !memcmp(names[f], key, len))
            return f;
    return -1;
}

/* One "key": value pair. */
static int member(scanner *sc, jf_value *vals)
{
    const char *key;
    size_t klen;
    if (sc->p >= sc->end || *sc->p != '"')
        return 0;
    sc->p++;
    if (!string(sc, &key, &klen, 0))
        return 0;
    skip_ws(sc);
    if (sc->p >= sc->end || *sc->p != ':')
        return 0;
    sc->p++;
    skip_ws(sc);
    int f = field_of(key, klen);
    if (f >= 0 && vals[f].kind != JF_ABSENT)
        return 0; /* a repeated field: json-c's rule decides */
    if (sc->p < sc->end && *sc->p == '"') {
        sc->p++;
        const char *s;
        size_t n;
        if (!string(sc, &s, &n, 1))
            return 0;
        if (f >= 0)
            vals[f] = (jf_value){s, n, JF_STRING};
        return 1;
    }
    if ((size_t)(sc->end - sc->p) >= 4 && !memcmp(sc->p, "null", 4)) {
        sc->p += 4;
        if (f >= 0)
            vals[f] = (jf_value){"", 0, JF_NULL};
        return 1;
    }
    return f < 0 && other_scalar(sc);
}

int jsonfast_parse(arena_t *a, const char *line, size_t len, jf_value vals[JF__COUNT])
{
    for (int f = 0; f < JF__COUNT; f++)
        vals[f] = (jf_value){"", 0, JF_ABSENT};
    scanner sc = {line, line + len, a};
    skip_ws(&sc);
    if (sc.p >= sc.end || *sc.p != '{')
        return 0;
    sc.p++;
    skip_ws(&sc);
    if (sc.p < sc.end && *sc.p == '}') {
        sc.p++;
    } else {
        for (;;) {
            if (!member(&sc, vals))
                return 0;
            skip_ws(&sc);
            if (sc.p >= sc.end)
                return 0;
            if (*sc.p == '}') {
                sc.p++;
                break;
            }
            if (*sc.p != ',')
                return 0;
            sc.p++;
            skip_ws(&sc);
        }
    }
    while (sc.p < sc.end && (*sc.p == ' ' || *sc.p == '\t'))
        sc.p++;
    return sc.p == sc.end;
}
