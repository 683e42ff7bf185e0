/* snippet.c - a hit's snippet: the window of its text with the most
 * matched query terms, cut at word boundaries, with the matches marked.
 *
 * The stored text is analyzed again with the document's language (the
 * stems then are the ones the index holds), every token whose stem is one
 * of the query's terms is a match (CJK overlay bigrams included, so a word
 * the document segments differently from the query is still marked), and
 * a window of at most SNIP_WORDS words and SNIP_COLS terminal columns (a
 * CJK character takes two) slides over the words, so English, Russian and
 * Chinese snippets fill about the same room on a screen.  The best window has the most distinct terms, then the most
 * matches, then its first match nearest SNIP_LEAD words in (some context
 * before the match reads better than a snippet that starts on it).
 *
 * The window starts at a word's first byte and ends at a word's last byte
 * (CJK words are words too: ICU's dictionary segmentation gives them), so a
 * snippet never cuts a word or a UTF-8 sequence; "…" marks text left out.
 * Runs of whitespace (newlines, tabs) become one space so a snippet is one
 * line.  Only the first SNIP_SCAN bytes of a text are looked at: the
 * analyzer runs once per hit, and a 50 MB document must not cost seconds.
 */
#include <stdlib.h>
#include <string.h>

#include "../common/mem.h"
#include "../common/strmap.h"
#include "../common/utf8.h"
#include "internal.h"

enum {
    SNIP_WORDS = 30,
    SNIP_COLS = 200,
    SNIP_LEAD = 3,
    SNIP_SCAN = 256 * 1024,
};

static const char ELLIPSIS[] = "\xe2\x80\xa6"; /* U+2026 */

typedef struct {
    size_t start, end;
    size_t col_start, col_end;   /* the same in terminal columns from the text's start */
    int32_t term;       /* index of the matched query term, -1 for none */
} sword;

typedef struct {
    const strmap *terms;
    sword *w;           /* words (stopwords too), in text order */
    size_t n_w, cap_w;
    sr_span *m;         /* matched tokens (words and overlays), byte spans */
    size_t n_m, cap_m;
    int32_t *over;      /* per match: its term when it came from an overlay, else -1 */
    int nomem;
} scan;

static rc_t on_token(void *ctx, const an_token *t)
{
    scan *s = ctx;
    const strmap_slot *slot = t->stem_len ? strmap_get(s->terms, t->stem, t->stem_len) : NULL;
    int32_t term = slot && !(t->flags & AN_TOK_STOP) ? (int32_t)slot->value : -1;
    if (!(t->flags & AN_TOK_OVERLAY)) {
        if (!mem_grow((void **)&s->w, &s->cap_w, s->n_w + 1, sizeof *s->w))
            return RC_NOMEM;
        s->w[s->n_w++] = (sword){t->start, t->end, 0, 0, term};
    }
    if (term >= 0) {
        size_t cap = s->cap_m;
        if (!mem_grow((void **)&s->m, &s->cap_m, s->n_m + 1, sizeof *s->m) ||
            !mem_grow((void **)&s->over, &cap, s->n_m + 1, sizeof *s->over))
            return RC_NOMEM;
        s->m[s->n_m] = (sr_span){t->start, t->end - t->start};
        s->over[s->n_m++] = (t->flags & AN_TOK_OVERLAY) ? term : -1;
    }
    return RC_OK;
}

static void scan_free(scan *s)
{
    mem_free(s->w);
    mem_free(s->m);
    mem_free(s->over);
}

static int by_off(const void *x, const void *y)
{
    const sr_span *a = x, *b = y;
    return a->off < b->off ? -1 : a->off > b->off ? 1 : (a->len > b->len) - (a->len < b->len);
}

/* Sort the matches and merge the ones that overlap (a word and its
 * bigrams, two bigrams of one word). */
static void merge_marks(sr_span *m, size_t *n)
{
    if (*n < 2)
        return;
    qsort(m, *n, sizeof *m, by_off);
    size_t k = 0;
    for (size_t i = 0; i < *n; i++) {
        if (k && m[i].off < m[k - 1].off + m[k - 1].len) {
            size_t end = m[i].off + m[i].len, prev = m[k - 1].off + m[k - 1].len;
            m[k - 1].len = (end > prev ? end : prev) - m[k - 1].off;
        } else {
            m[k++] = m[i];
        }
    }
    *n = k;
}

/* A word without a match of its own takes the term of an overlay bigram
 * that starts inside it. */
static void credit_overlays(scan *s)
{
    size_t w = 0;
    for (size_t i = 0; i < s->n_m; i++) {
        if (s->over[i] < 0)
            continue;
        size_t at = s->m[i].off;
        while (w + 1 < s->n_w && s->w[w + 1].start <= at)
            w++;
        while (w > 0 && s->w[w].start > at)
            w--;
        if (s->n_w && s->w[w].term < 0 && s->w[w].start <= at && at < s->w[w].end)
            s->w[w].term = s->over[i];
    }
}

/* East Asian wide and fullwidth characters take two columns. */
static int wide(uint32_t c)
{
    return (c >= 0x1100 && c <= 0x115F) || (c >= 0x2E80 && c <= 0xA4CF) ||
           (c >= 0xAC00 && c <= 0xD7A3) || (c >= 0xF900 && c <= 0xFAFF) ||
           (c >= 0xFE30 && c <= 0xFE4F) || (c >= 0xFF00 && c <= 0xFF60) ||
           (c >= 0xFFE0 && c <= 0xFFE6) || (c >= 0x20000 && c <= 0x3FFFD);
}

/* Column of every word's start and end (words are in text order). */
static void columns(scan *s, const char *text, size_t len)
{
    const unsigned char *p = (const unsigned char *)text, *end = p + len;
    size_t col = 0, off = 0, k_start = 0, k_end = 0;
    while (k_end < s->n_w) {
        while (k_start < s->n_w && s->w[k_start].start <= off)
            s->w[k_start++].col_start = col;
        while (k_end < s->n_w && s->w[k_end].end <= off)
            s->w[k_end++].col_end = col;
        if (off >= len)
            break;
        uint32_t c = 0;
        size_t n = utf8_decode(p + off, end, &c);
        off += n ? n : 1;
        col += wide(c) ? 2 : 1;
    }
}

typedef struct {
    size_t distinct, total, lead;
} wscore;

static int better(wscore a, wscore b)
{
    if (a.distinct != b.distinct)
        return a.distinct > b.distinct;
    if (a.total != b.total)
        return a.total > b.total;
    return a.lead < b.lead;
}

/* The best window [*from, *to) of words. */
static int best_window(const scan *s, size_t n_terms, size_t *from, size_t *to)
{
    uint32_t *count = mem_calloc(n_terms ? n_terms : 1, sizeof *count);
    if (!count)
        return 0;
    wscore best = {0, 0, SIZE_MAX}, cur = {0, 0, 0};
    size_t j = 0, first = 0;   /* first: the first matched word at or after i */
    *from = 0;
    *to = 0;
    for (size_t i = 0; i < s->n_w; i++) {
        while (j < s->n_w && j - i < SNIP_WORDS &&
               s->w[j].col_end - s->w[i].col_start <= SNIP_COLS) {
            int32_t t = s->w[j++].term;
            if (t >= 0 && count[t]++ == 0)
                cur.distinct++;
            cur.total += t >= 0;
        }
        if (j == i) {   /* one word longer than the budget */
            j = i + 1;
            int32_t t = s->w[i].term;
            if (t >= 0 && count[t]++ == 0)
                cur.distinct++;
            cur.total += t >= 0;
        }
        if (first < i)
            first = i;
        while (first < j && s->w[first].term < 0)
            first++;
        size_t off = first < j ? first - i : 0;
        cur.lead = off > SNIP_LEAD ? off - SNIP_LEAD : SNIP_LEAD - off;
        if (i == 0 && j == s->n_w)
            cur.lead = 0;   /* the whole text fits: show it all */
        if (better(cur, best)) {
            best = cur;
            *from = i;
            *to = j;
        }
        int32_t t = s->w[i].term;
        if (t >= 0 && --count[t] == 0)
            cur.distinct--;
        cur.total -= t >= 0;
    }
    mem_free(count);
    return 1;
}

static int is_blank(unsigned char c)
{
    return c <= ' ';
}

/* text[start, end) with whitespace runs as one space, "…" around it when
 * cut; the marks inside it rebased onto the snippet. */
static rc_t render(const char *text, size_t start, size_t end, int cut_before, int cut_after,
                   const sr_span *m, size_t n_m, arena_t *a, sr_hit *h)
{
    size_t cap = (end - start) + 2 * sizeof ELLIPSIS;
    char *out = arena_alloc(a, cap);
    sr_span *marks = arena_alloc(a, (n_m ? n_m : 1) * sizeof *marks);
    if (!out || !marks)
        return RC_NOMEM;
    size_t o = 0, k = 0, n_marks = 0;
    if (cut_before) {
        memcpy(out, ELLIPSIS, 3);
        o = 3;
    }
    while (k < n_m && m[k].off < start)
        k++;
    for (size_t i = start; i < end;) {
        if (k < n_m && m[k].off == i && m[k].off + m[k].len <= end) {
            marks[n_marks++] = (sr_span){o, m[k].len};
            memcpy(out + o, text + i, m[k].len);
            o += m[k].len;
            i += m[k++].len;
            continue;
        }
        if (is_blank((unsigned char)text[i])) {
            while (i < end && is_blank((unsigned char)text[i]))
                i++;
            out[o++] = ' ';
            continue;
        }
        out[o++] = text[i++];
    }
    if (cut_after) {
        memcpy(out + o, ELLIPSIS, 3);
        o += 3;
    }
    out[o] = '\0';
    h->snippet = out;
    h->marks = marks;
    h->n_marks = n_marks;
    return RC_OK;
}

static rc_t analyze(an_analyzer *an, const char *lang, const char *text, size_t len, scan *s,
                    err_t *err)
{
    uint32_t pos = 0;
    rc_t rc = an_analyze(an, lang, text, len, &pos, on_token, s, err);
    if (rc == RC_NOMEM || s->nomem)
        return err_set(err, RC_NOMEM, "out of memory making a snippet");
    return rc;
}

rc_t sr_snippet_make(an_analyzer *an, const strmap *terms, const char *lang, const char *text,
                     size_t len, arena_t *a, sr_hit *h, err_t *err)
{
    size_t scanned = len > SNIP_SCAN ? utf8_floor(text, SNIP_SCAN) : len;
    scan s = {.terms = terms};
    rc_t rc = analyze(an, lang, text, scanned, &s, err);
    size_t from = 0, to = 0;
    if (rc == RC_OK) {
        credit_overlays(&s);
        columns(&s, text, scanned);
        merge_marks(s.m, &s.n_m);
        if (!best_window(&s, terms->n, &from, &to))
            rc = err_set(err, RC_NOMEM, "out of memory making a snippet");
    }
    if (rc == RC_OK && s.n_w == 0) {
        h->snippet = "";
    } else if (rc == RC_OK) {
        /* The whole text when it fits; else from a word's start to a word's end. */
        size_t start = from == 0 ? 0 : s.w[from].start;
        size_t end = to == s.n_w && scanned == len ? len : s.w[to - 1].end;
        while (start < end && is_blank((unsigned char)text[start]))
            start++;
        while (end > start && is_blank((unsigned char)text[end - 1]))
            end--;
        if (render(text, start, end, from > 0, end < len && (to < s.n_w || scanned < len), s.m,
                   s.n_m, a, h) != RC_OK)
            rc = err_set(err, RC_NOMEM, "out of memory making a snippet");
    }
    scan_free(&s);
    return rc;
}

rc_t sr_title_marks(an_analyzer *an, const strmap *terms, const char *lang, const char *title,
                    arena_t *a, sr_hit *h, err_t *err)
{
    scan s = {.terms = terms};
    rc_t rc = analyze(an, lang, title, strlen(title), &s, err);
    if (rc == RC_OK && s.n_m) {
        merge_marks(s.m, &s.n_m);
        h->title_marks = arena_alloc(a, s.n_m * sizeof *h->title_marks);
        if (!h->title_marks)
            rc = err_set(err, RC_NOMEM, "out of memory making a snippet");
        else
            memcpy(h->title_marks, s.m, s.n_m * sizeof *s.m);
        h->n_title_marks = s.n_m;
    }
    scan_free(&s);
    return rc;
}
