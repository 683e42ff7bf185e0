/* plan_terms.c - the leaves of a plan: free words, phrases and prefixes.
 * Every piece of query text goes through the same analyzer chain as the
 * documents (an_analyze with the index's configuration), so "Меморандума"
 * finds "меморандум" and a Chinese query without spaces is segmented like
 * the documents were. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../common/strmap.h"
#include "internal.h"

/* A CJK bigram that only appears as an overlay (the query's words are the
 * dictionary words; the bigram is extra evidence for segmentations that
 * differ between query and document) counts half.  Measured with
 * bench/eval_ours.sh on xquad/zh and cmrc2018, nDCG@10: weight 1.0 ->
 * 0.9631 / 0.9911, 0.7 -> 0.9663 / 0.9916, 0.5 -> 0.9662 / 0.9918,
 * 0.3 -> 0.9660 / 0.9909. */
#define SR_OVERLAY_WEIGHT 0.5

static rc_t oom(err_t *err)
{
    return err_set(err, RC_NOMEM, "out of memory planning the query");
}

/* Query text through the documents' analyzer (no language: each token's
 * script picks stemmer and stopwords). */
static rc_t analyze(sr_plan *p, const char *text, size_t len, uint32_t *pos, an_emit_fn fn,
                    void *ctx, err_t *err)
{
    rc_t rc = an_analyze(p->an, NULL, text, len, pos, fn, ctx, err);
    return rc == RC_NOMEM ? err_set(err, rc, "out of memory analyzing the query") : rc;
}

/* Remember a query term the index lacks, once, for "did you mean". */
static rc_t missing(sr_plan *p, const char *term, size_t len, err_t *err)
{
    for (size_t i = 0; i < p->n_missing; i++)
        if (strlen(p->missing[i]) == len && !memcmp(p->missing[i], term, len))
            return RC_OK;
    char *copy = arena_strndup(p->arena, term, len);
    if (!copy || !arena_grow(p->arena, (void **)&p->missing, &p->cap_missing, p->n_missing,
                             sizeof *p->missing))
        return oom(err);
    p->missing[p->n_missing++] = copy;
    return RC_OK;
}

void sr_plan_forget_missing(sr_plan *p, const char *term)
{
    for (size_t i = 0; i < p->n_missing; i++)
        if (!strcmp(p->missing[i], term)) {
            p->missing[i] = p->missing[--p->n_missing];
            return;
        }
}

/* One leaf for an analyzed term, weighted by `weight` (overlays), wrapped
 * in a title: test under title:.  *out = NULL when the index lacks the
 * term; *leaf receives the leaf itself (for phrase weights). */
static rc_t term_leaf(sr_plan *p, const char *term, size_t len, uint32_t qtf, double weight,
                      sr_pctx c, sr_it **out, sr_leaf **leaf, err_t *err)
{
    *out = NULL;
    if (p->n_leaves >= SR_PLAN_MAX_LEAVES) {
        *p->err_col = p->col;
        return err_set(err, RC_BADINPUT,
                       "column %zu: the query needs more than %d terms (fewer prefixes, or a "
                       "smaller --max-expansions)", p->col, SR_PLAN_MAX_LEAVES);
    }
    ix_iter *ix;
    rc_t rc = ix_iter_open(p->r, term, len, &ix, err);
    if (rc == RC_NOTFOUND)
        return c.negated || p->no_missing || weight != 1.0 ? RC_OK : missing(p, term, len, err);
    if (rc != RC_OK)
        return rc;
    sr_termweight w;
    p->scorer->init_term(&w, &p->coll, ix_iter_term_info(ix)->df, qtf);
    w.qweight *= weight;
    char *copy = arena_strndup(p->arena, term, len);
    if (!copy) {
        ix_iter_close(ix);
        return oom(err);
    }
    if (sr_leaf_new(p->arena, p->r, ix, p->scorer, &w, copy, out) != RC_OK ||
        !arena_grow(p->arena, (void **)&p->leaves, &p->cap_leaves, p->n_leaves, sizeof *p->leaves))
        return oom(err);
    *leaf = (sr_leaf *)*out;
    p->leaves[p->n_leaves++] = *leaf;
    if (!c.negated) {
        if (!arena_grow(p->arena, (void **)&p->hl, &p->cap_hl, p->n_hl, sizeof *p->hl))
            return oom(err);
        p->hl[p->n_hl++] = copy;
    }
    if (c.in_title && sr_title_new(p->arena, *out, &p->docs, out) != RC_OK)
        return oom(err);
    return RC_OK;
}

rc_t sr_plan_leaf(sr_plan *p, const char *term, size_t len, sr_pctx c, sr_it **out,
                  sr_leaf **leaf, err_t *err)
{
    *leaf = NULL;
    return term_leaf(p, term, len, 1, 1.0, c, out, leaf, err);
}

/* ---- free words -------------------------------------------------------- */

typedef struct {
    strmap terms;         /* stem -> index in list */
    struct qterm {
        const char *term;
        uint32_t len, qtf;
        int overlay;      /* only ever seen as a CJK overlay bigram */
    } *list;
    size_t n, cap;
    uint32_t *seq;        /* list index of each indexed word, in query order */
    size_t n_seq, cap_seq;
    arena_t *arena;
} term_list;

static rc_t collect(void *ctx, const an_token *t)
{
    term_list *tl = ctx;
    if ((t->flags & AN_TOK_STOP) || !t->stem_len || t->stem_len > IX_TERM_MAX)
        return RC_OK;
    int added;
    strmap_slot *s = strmap_put(&tl->terms, t->stem, t->stem_len, &added);
    if (!s)
        return RC_NOMEM;
    if (added) {
        char *copy = arena_strndup(tl->arena, t->stem, t->stem_len);
        if (!copy || !arena_grow(tl->arena, (void **)&tl->list, &tl->cap, tl->n, sizeof *tl->list))
            return RC_NOMEM;
        tl->list[tl->n] = (struct qterm){copy, (uint32_t)t->stem_len, 0,
                                         (t->flags & AN_TOK_OVERLAY) != 0};
        s->value = tl->n++;
    }
    struct qterm *q = &tl->list[s->value];
    if (!(t->flags & AN_TOK_OVERLAY)) {
        if (!arena_grow(tl->arena, (void **)&tl->seq, &tl->cap_seq, tl->n_seq, sizeof *tl->seq))
            return RC_NOMEM;
        tl->seq[tl->n_seq++] = (uint32_t)s->value;
    }
    q->qtf++;
    if (!(t->flags & AN_TOK_OVERLAY))
        q->overlay = 0;
    return RC_OK;
}

static rc_t join(sr_plan *p, sr_it **words, size_t n_words, sr_it **extra, size_t n_extra,
                 int and, sr_it **out, err_t *err)
{
    rc_t rc;
    if (!and || n_words == 0)
        rc = sr_or_new(p->arena, n_words ? words : extra, n_words ? n_words : n_extra, out);
    else if ((rc = sr_and_new(p->arena, words, n_words, out)) == RC_OK && n_extra) {
        sr_it *opt;
        if ((rc = sr_or_new(p->arena, extra, n_extra, &opt)) == RC_OK)
            rc = sr_andmaybe_new(p->arena, *out, opt, out);
    }
    return rc == RC_OK ? RC_OK : oom(err);
}

/* ---- cross-lingual groups ------------------------------------------------ */

/* Runs of the query's words that are glossary names, longest first from
 * the left: grp[i] = the group of list term i, or -1.  Each group has its
 * concept and key. */
typedef struct {
    int *grp;
    struct xgroup {
        long concept;
        const char *key;
    } *g;
    size_t n;
} xl_groups;

static rc_t find_groups(sr_plan *p, const term_list *tl, xl_groups *xg, err_t *err)
{
    xg->grp = arena_alloc(p->arena, tl->n * sizeof *xg->grp);
    xg->g = arena_alloc(p->arena, (tl->n_seq ? tl->n_seq : 1) * sizeof *xg->g);
    if (!xg->grp || !xg->g)
        return oom(err);
    for (size_t i = 0; i < tl->n; i++)
        xg->grp[i] = -1;
    size_t maxw = an_glossary_max_words(p->gl);
    buf_t key;
    buf_init(&key);
    rc_t rc = RC_OK;
    for (size_t i = 0; i < tl->n_seq && rc == RC_OK;) {
        size_t w = tl->n_seq - i < maxw ? tl->n_seq - i : maxw;
        long c = -1;
        for (; w >= 1 && c < 0; w--) {
            buf_reset(&key);
            for (size_t k = 0; k < w; k++) {
                if (k)
                    buf_append_byte(&key, ' ', &rc);
                buf_append_str(&key, tl->list[tl->seq[i + k]].term, &rc);
            }
            if (rc == RC_OK)
                c = an_glossary_find(p->gl, buf_cstr(&key), key.len);
        }
        if (c < 0 || rc != RC_OK) {
            i++;
            continue;
        }
        w++;   /* the loop stepped past the matching width */
        size_t gi = xg->n, own = 0;
        for (size_t k = 0; k < w; k++)
            if (xg->grp[tl->seq[i + k]] < 0) {
                xg->grp[tl->seq[i + k]] = (int)gi;
                own++;
            }
        if (own) {   /* a repeated name is one clause with its query frequency */
            xg->g[gi].concept = c;
            xg->g[gi].key = arena_strndup(p->arena, buf_cstr(&key), key.len);
            if (!xg->g[gi].key)
                rc = RC_NOMEM;
            xg->n++;
        }
        i += w;
    }
    buf_free(&key);
    return rc == RC_OK ? RC_OK : oom(err);
}

/* The clause of group g: the query's own words (OR, or AND under --and)
 * as the original alternative, with the concept's other names. */
static rc_t group_clause(sr_plan *p, const term_list *tl, const xl_groups *xg, size_t g,
                         sr_it **items, int and, sr_pctx c, sr_it **out, err_t *err)
{
    sr_it **own = arena_alloc(p->arena, tl->n * sizeof *own);
    if (!own)
        return oom(err);
    size_t n = 0, want = 0;
    for (size_t i = 0; i < tl->n; i++)
        if (xg->grp[i] == (int)g) {
            want++;
            if (items[i])
                own[n++] = items[i];
        }
    sr_it *orig = NULL;
    rc_t rc = RC_OK;
    if (n && (!and || n == want))
        rc = and ? sr_and_new(p->arena, own, n, &orig) : sr_or_new(p->arena, own, n, &orig);
    if (rc != RC_OK)
        return oom(err);
    rc = sr_xl_clause(p, xg->g[g].concept, xg->g[g].key, orig, c, out, err);
    if (rc == RC_OK && *out && *out != orig)
        for (size_t i = 0; i < tl->n; i++)
            if (xg->grp[i] == (int)g)
                sr_plan_forget_missing(p, tl->list[i].term);
    return rc;
}

rc_t sr_plan_text(sr_plan *p, const sr_qnode *const *q, size_t n, int and, sr_pctx c,
                  sr_it **out, err_t *err)
{
    *out = NULL;
    term_list tl = {.arena = p->arena};
    strmap_init(&tl.terms);
    uint32_t pos = 0;
    rc_t rc = RC_OK;
    for (size_t i = 0; i < n && rc == RC_OK; i++)
        rc = analyze(p, q[i]->text, q[i]->len, &pos, collect, &tl, err);
    strmap_free(&tl.terms);
    if (rc != RC_OK || tl.n == 0)
        return rc;
    xl_groups xg = {0};
    if (c.xl && p->gl && (rc = find_groups(p, &tl, &xg, err)) != RC_OK)
        return rc;
    /* In OR mode every term is a kid of one OR, in the query's order (so a
     * plain query scores exactly as it always has).  Under AND the words
     * are required and the overlay bigrams only add score.  A glossary
     * name is one clause, at the place of its first word. */
    sr_it **words = arena_alloc(p->arena, tl.n * sizeof *words);
    sr_it **extra = arena_alloc(p->arena, tl.n * sizeof *extra);
    sr_it **items = arena_alloc(p->arena, tl.n * sizeof *items);
    if (!words || !extra || !items)
        return oom(err);
    size_t n_words = 0, n_extra = 0;
    for (size_t i = 0; i < tl.n; i++) {
        const struct qterm *t = &tl.list[i];
        sr_it *it;
        sr_leaf *leaf;
        double weight = t->overlay ? SR_OVERLAY_WEIGHT : 1.0;
        if ((rc = term_leaf(p, t->term, t->len, t->qtf, weight, c, &it, &leaf, err)) != RC_OK)
            return rc;
        if (it && leaf && !t->overlay && !c.negated && !c.in_title)
            leaf->proximity = 1;
        items[i] = it;
        if (xg.grp && xg.grp[i] >= 0)
            continue;   /* its group decides, below */
        if (!it && and && !t->overlay)
            return sr_empty_new(p->arena, out) == RC_OK ? RC_OK : oom(err);
        if (it && and && t->overlay)
            extra[n_extra++] = it;
        else if (it)
            words[n_words++] = it;
    }
    if (xg.n) {
        /* Groups take the place of their first word, keeping query order. */
        sr_it **ordered = arena_alloc(p->arena, tl.n * sizeof *ordered);
        int *done = arena_alloc(p->arena, xg.n * sizeof *done);
        if (!ordered || !done)
            return oom(err);
        memset(done, 0, xg.n * sizeof *done);
        size_t k = 0, w = 0;
        for (size_t i = 0; i < tl.n; i++) {
            int g = xg.grp[i];
            if (g < 0) {
                if (items[i] && !(and && tl.list[i].overlay))
                    ordered[k++] = words[w++];
                continue;
            }
            if (done[g])
                continue;
            done[g] = 1;
            sr_it *clause;
            if ((rc = group_clause(p, &tl, &xg, (size_t)g, items, and, c, &clause, err)) != RC_OK)
                return rc;
            if (!clause && and)
                return sr_empty_new(p->arena, out) == RC_OK ? RC_OK : oom(err);
            if (clause)
                ordered[k++] = clause;
        }
        words = ordered;
        n_words = k;
    }
    if (n_words + n_extra == 0)
        return sr_empty_new(p->arena, out) == RC_OK ? RC_OK : oom(err);
    return join(p, words, n_words, extra, n_extra, and, out, err);
}

/* ---- phrases ------------------------------------------------------------- */

typedef struct {
    struct ptok {
        const char *term;
        uint32_t len, pos;
    } *v;
    size_t n, cap;
    uint32_t last;    /* position of the last word, stopwords included */
    arena_t *arena;
} seq;

static rc_t collect_seq(void *ctx, const an_token *t)
{
    seq *s = ctx;
    if (!(t->flags & AN_TOK_OVERLAY))
        s->last = t->pos;
    if ((t->flags & (AN_TOK_STOP | AN_TOK_OVERLAY)) || !t->stem_len || t->stem_len > IX_TERM_MAX)
        return RC_OK;
    if (!arena_grow(s->arena, (void **)&s->v, &s->cap, s->n, sizeof *s->v))
        return RC_NOMEM;
    const char *copy = arena_strndup(s->arena, t->stem, t->stem_len);
    if (!copy)
        return RC_NOMEM;
    s->v[s->n++] = (struct ptok){copy, (uint32_t)t->stem_len, t->pos};
    return RC_OK;
}

rc_t sr_plan_phrase(sr_plan *p, const sr_qnode *q, sr_pctx c, sr_it **out, uint32_t *span,
                    err_t *err)
{
    *out = NULL;
    *span = 0;
    seq s = {.arena = p->arena};
    uint32_t pos = 0;
    rc_t rc = analyze(p, q->text, q->len, &pos, collect_seq, &s, err);
    if (rc != RC_OK || s.n == 0)
        return rc;
    sr_it **kids = arena_alloc(p->arena, s.n * sizeof *kids);
    sr_leaf **leaves = arena_alloc(p->arena, s.n * sizeof *leaves);
    uint32_t *rel = arena_alloc(p->arena, s.n * sizeof *rel);
    if (!kids || !leaves || !rel)
        return oom(err);
    for (size_t i = 0; i < s.n; i++) {
        rel[i] = s.v[i].pos - s.v[0].pos;
        if ((rc = term_leaf(p, s.v[i].term, s.v[i].len, 1, 1.0, c, &kids[i], &leaves[i], err)) !=
            RC_OK)
            return rc;
        if (!kids[i])
            return sr_empty_new(p->arena, out) == RC_OK ? RC_OK : oom(err);
    }
    /* A trailing stopword still takes room: "mother of" NEAR/1 pearl. */
    *span = s.last - s.v[0].pos;
    if (s.n == 1) {
        *out = kids[0];
        return RC_OK;
    }
    return sr_phrase_new(p->arena, kids, leaves, rel, s.n, out) == RC_OK ? RC_OK : oom(err);
}

/* ---- prefixes -------------------------------------------------------------- */

typedef struct {
    struct exp {
        const char *term;
        uint32_t len, df;
    } *v;
    size_t n, cap;
    arena_t *arena;
    int nomem;
} expansion;

static int collect_exp(void *ctx, const char *term, size_t len, const ix_term_info *ti)
{
    expansion *e = ctx;
    char *copy = arena_strndup(e->arena, term, len);
    if (!copy || !arena_grow(e->arena, (void **)&e->v, &e->cap, e->n, sizeof *e->v)) {
        e->nomem = 1;
        return 1;
    }
    e->v[e->n++] = (struct exp){copy, (uint32_t)len, ti->df};
    return 0;
}

static int by_df(const void *x, const void *y)
{
    const struct exp *a = x, *b = y;
    if (a->df != b->df)
        return a->df > b->df ? -1 : 1;
    return strcmp(a->term, b->term);
}

typedef struct {
    char *folded, *stem;   /* of the first token */
    buf_t joined;          /* folded tokens, when they are contiguous Han */
    size_t n;
    size_t last_end;
    int contiguous;
    rc_t rc;
    arena_t *arena;
} fold_state;

/* Prefixes are folded (case, width, Traditional Han) but not stemmed: the
 * dictionary holds stems, and "intellig*" must reach "intellig" (the stem
 * of intelligence and intelligent) as typed.  Stopwords count here. */
static rc_t collect_fold(void *ctx, const an_token *t)
{
    fold_state *f = ctx;
    if (t->flags & AN_TOK_OVERLAY)
        return RC_OK;
    if (f->n == 0) {
        f->folded = arena_strndup(f->arena, t->term, t->term_len);
        f->stem = arena_strndup(f->arena, t->stem, t->stem_len);
        if (!f->folded || !f->stem)
            return RC_NOMEM;
    } else if (t->script != AN_SCRIPT_HAN || t->start != f->last_end) {
        f->contiguous = 0;
    }
    buf_append(&f->joined, t->term, t->term_len, &f->rc);
    f->last_end = t->end;
    f->n++;
    return f->rc;
}

static rc_t expand(sr_plan *p, const char *prefix, expansion *e, int *truncated, err_t *err)
{
    rc_t rc = ix_terms_prefix(p->r, prefix, strlen(prefix), SR_PREFIX_SCAN_MAX, collect_exp, e,
                              truncated, err);
    return rc == RC_OK && e->nomem ? oom(err) : rc;
}

/* Keep the max most frequent expansions, and say so in p->note. */
static rc_t limit(sr_plan *p, const sr_qnode *q, expansion *e, int truncated, err_t *err)
{
    size_t max = p->opt->max_expansions ? p->opt->max_expansions : SR_DEFAULT_EXPANSIONS;
    if (e->n <= max && !truncated)
        return RC_OK;
    qsort(e->v, e->n, sizeof *e->v, by_df);
    char msg[384];
    snprintf(msg, sizeof msg,
             "%sprefix %.*s* matches %s%zu terms; searching the %zu most frequent (raise "
             "--max-expansions for more)",
             p->note ? "; " : "", (int)(q->len > 60 ? 60 : q->len), q->text,
             truncated ? "more than " : "", e->n, e->n < max ? e->n : max);
    size_t old = p->note ? strlen(p->note) : 0;
    char *note = arena_alloc(p->arena, old + strlen(msg) + 1);
    if (!note)
        return oom(err);
    memcpy(note, p->note ? p->note : "", old);
    strcpy(note + old, msg);
    p->note = note;
    if (e->n > max)
        e->n = max;
    return RC_OK;
}

static rc_t fold_prefix(sr_plan *p, const sr_qnode *q, fold_state *f, err_t *err)
{
    uint32_t pos = 0;
    buf_init(&f->joined);
    rc_t rc = analyze(p, q->text, q->len, &pos, collect_fold, f, err);
    if (rc == RC_OK && f->n > 1 && f->contiguous)
        f->folded = arena_strndup(p->arena, buf_cstr(&f->joined), f->joined.len);
    buf_free(&f->joined);
    if (rc == RC_OK && f->n && !f->folded)
        return oom(err);
    if (rc == RC_OK && f->n > 1 && !f->contiguous) {
        *p->err_col = q->col;
        return err_set(err, RC_BADINPUT, "column %zu: a prefix must be one word ('%.*s*' is several)",
                       q->col, (int)(q->len > 60 ? 60 : q->len), q->text);
    }
    return rc;
}

rc_t sr_plan_prefix(sr_plan *p, const sr_qnode *q, sr_pctx c, sr_it **out, err_t *err)
{
    *out = NULL;
    fold_state f = {.contiguous = 1, .arena = p->arena};
    rc_t rc = fold_prefix(p, q, &f, err);
    if (rc != RC_OK || f.n == 0)
        return rc;
    expansion e = {.arena = p->arena};
    int truncated = 0;
    rc = expand(p, f.folded, &e, &truncated, err);
    /* "studies*" finds nothing (the dictionary has "studi"): try the stem. */
    if (rc == RC_OK && e.n == 0 && f.n == 1 && strcmp(f.stem, f.folded))
        rc = expand(p, f.stem, &e, &truncated, err);
    if (rc != RC_OK || (rc = limit(p, q, &e, truncated, err)) != RC_OK)
        return rc;
    sr_it **kids = arena_alloc(p->arena, (e.n ? e.n : 1) * sizeof *kids);
    if (!kids)
        return oom(err);
    size_t n = 0;
    for (size_t i = 0; i < e.n; i++) {
        sr_leaf *leaf;
        if ((rc = term_leaf(p, e.v[i].term, e.v[i].len, 1, 1.0, c, &kids[n], &leaf, err)) != RC_OK)
            return rc;
        n += kids[n] != NULL;
    }
    rc = n ? sr_or_new(p->arena, kids, n, out) : sr_empty_new(p->arena, out);
    return rc == RC_OK ? RC_OK : oom(err);
}
