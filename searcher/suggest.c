/* suggest.c - "did you mean" for query terms the index does not have: the
 * nearest dictionary terms by Damerau-Levenshtein distance (optimal string
 * alignment: insert, delete, substitute, swap two neighbours) on code
 * points, among terms of the same script only, so a misspelt Russian word
 * is never "corrected" into English.
 *
 * Cost: a pass over the dictionary terms that start with the same letter;
 * when none is near enough, over the part of the dictionary holding the
 * term's script (the UTF-8 lead bytes of the script: digits to Latin
 * Extended, 0xD0-0xD4 for Cyrillic, 0xE3-0xE9 for Han).  Each term goes
 * through a script test, a length filter (|len - len'| <= max distance),
 * then a DP that stops as soon as a whole row exceeds the bound.  The
 * distance allowed grows with the word as Elasticsearch's AUTO fuzziness
 * does: 1-2 letters none, 3-5 one, 6+ two; Han words (2+ characters) one. */
#include <string.h>

#include "../common/utf8.h"
#include "internal.h"

enum { MAX_CP = AN_TERM_MAX };

typedef struct {
    uint32_t q[MAX_CP];
    size_t nq;
    unsigned maxd;
    an_script script;
    sr_suggestion *out;
    arena_t *arena;
    int nomem;
    size_t visited;
} search_state;

static size_t decode(const char *s, size_t len, uint32_t *cp, size_t cap)
{
    const unsigned char *p = (const unsigned char *)s, *end = p + len;
    size_t n = 0;
    while (p < end && n < cap) {
        size_t k = utf8_decode(p, end, &cp[n]);
        if (!k)
            break;
        p += k;
        n++;
    }
    return n;
}

unsigned sr_edit_distance(const uint32_t *a, size_t na, const uint32_t *b, size_t nb,
                          unsigned bound)
{
    if ((na > nb ? na - nb : nb - na) > bound)
        return bound + 1;
    /* Three rows: OSA needs the row before the previous one for swaps. */
    unsigned rows[3][MAX_CP + 1];
    unsigned *pp = rows[0], *prev = rows[1], *cur = rows[2];
    for (size_t j = 0; j <= nb; j++)
        prev[j] = (unsigned)j;
    unsigned prev_min = 0;
    for (size_t i = 1; i <= na; i++) {
        cur[0] = (unsigned)i;
        unsigned row_min = cur[0];
        for (size_t j = 1; j <= nb; j++) {
            unsigned cost = a[i - 1] != b[j - 1];
            unsigned v = prev[j - 1] + cost;
            if (prev[j] + 1 < v)
                v = prev[j] + 1;
            if (cur[j - 1] + 1 < v)
                v = cur[j - 1] + 1;
            if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] &&
                pp[j - 2] + 1 < v)
                v = pp[j - 2] + 1;
            cur[j] = v;
            if (v < row_min)
                row_min = v;
        }
        /* A swap reaches this row from the one before the previous, so
         * only two rows over the bound prove the distance is. */
        if (row_min > bound && prev_min > bound)
            return bound + 1;
        prev_min = row_min;
        unsigned *t = pp;
        pp = prev;
        prev = cur;
        cur = t;
    }
    return prev[nb] <= bound ? prev[nb] : bound + 1;
}

/* Keep the SR_SUGGEST_MAX best: smaller distance, then higher df, then
 * byte order (the scan order, so equal ones keep the first). */
static void offer(search_state *st, const char *term, size_t len, unsigned d, uint32_t df)
{
    sr_suggestion *s = st->out;
    size_t at = s->n_alt;
    while (at > 0 && (d < s->dist[at - 1] || (d == s->dist[at - 1] && df > s->df[at - 1])))
        at--;
    if (at >= SR_SUGGEST_MAX)
        return;
    char *copy = arena_strndup(st->arena, term, len);
    if (!copy) {
        st->nomem = 1;
        return;
    }
    size_t n = s->n_alt < SR_SUGGEST_MAX ? s->n_alt + 1 : SR_SUGGEST_MAX;
    for (size_t i = n - 1; i > at; i--) {
        s->alt[i] = s->alt[i - 1];
        s->dist[i] = s->dist[i - 1];
        s->df[i] = s->df[i - 1];
    }
    s->alt[at] = copy;
    s->dist[at] = d;
    s->df[at] = df;
    s->n_alt = n;
}

static int visit(void *ctx, const char *term, size_t len, const ix_term_info *ti)
{
    search_state *st = ctx;
    st->visited++;
    if (ti->df == 0 || an_term_script(term, len) != st->script)
        return 0;
    uint32_t cp[MAX_CP];
    size_t n = decode(term, len, cp, MAX_CP);
    if ((n > st->nq ? n - st->nq : st->nq - n) > st->maxd)
        return 0;
    unsigned d = sr_edit_distance(st->q, st->nq, cp, n, st->maxd);
    if (d >= 1 && d <= st->maxd)
        offer(st, term, len, d, ti->df);
    return st->nomem;
}

/* The whole-script pass skips what the first pass has seen. */
static int visit_other(void *ctx, const char *term, size_t len, const ix_term_info *ti)
{
    search_state *st = ctx;
    uint32_t c;
    if (utf8_decode((const unsigned char *)term, (const unsigned char *)term + len, &c) &&
        c == st->q[0])
        return 0;
    return visit(ctx, term, len, ti);
}

static unsigned max_distance(an_script script, size_t n)
{
    if (script == AN_SCRIPT_HAN)
        return n >= 2 ? 1 : 0;
    if (script != AN_SCRIPT_LATIN && script != AN_SCRIPT_CYRILLIC && script != AN_SCRIPT_GREEK)
        return 0;
    return n <= 2 ? 0 : n <= 5 ? 1 : 2;
}

/* The UTF-8 lead bytes of a script's letters: where its terms sort. */
static void lead_range(an_script s, unsigned char *lo, unsigned char *hi)
{
    switch (s) {
    case AN_SCRIPT_CYRILLIC: *lo = 0xD0, *hi = 0xD4; break;
    case AN_SCRIPT_GREEK: *lo = 0xCD, *hi = 0xCF; break;
    case AN_SCRIPT_HAN: *lo = 0xE3, *hi = 0xE9; break;
    default: *lo = 0x30, *hi = 0xCF; break;   /* digits, a-z, Latin-1 and Extended */
    }
}

rc_t sr_suggest(ix_reader *r, const char *term, arena_t *a, sr_suggestion *out,
                size_t *visited, err_t *err)
{
    memset(out, 0, sizeof *out);
    out->term = term;
    search_state st = {.out = out, .arena = a};
    size_t len = strlen(term);
    st.nq = decode(term, len, st.q, MAX_CP);
    st.script = an_term_script(term, len);
    st.maxd = max_distance(st.script, st.nq);
    if (st.maxd == 0)
        return RC_OK;
    /* First the terms that share the first letter (Lucene's
     * DirectSpellChecker assumes it right too): a few percent of the
     * dictionary.  Only when that finds nothing, the whole script. */
    size_t first = utf8_decode((const unsigned char *)term, (const unsigned char *)term + len,
                               &st.q[0]);
    int truncated;
    rc_t rc = ix_terms_prefix(r, term, first ? first : 1, SIZE_MAX, visit, &st, &truncated, err);
    unsigned char lo, hi;
    lead_range(st.script, &lo, &hi);
    for (unsigned b = lo; b <= hi && rc == RC_OK && !st.nomem && out->n_alt == 0; b++) {
        char prefix = (char)b;
        rc = ix_terms_prefix(r, &prefix, 1, SIZE_MAX, visit_other, &st, &truncated, err);
    }
    if (visited)
        *visited += st.visited;
    if (rc == RC_OK && st.nomem)
        rc = err_set(err, RC_NOMEM, "out of memory looking for suggestions");
    return rc;
}
