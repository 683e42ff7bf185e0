/* plan_xl.c - query expansion: cross-lingual (a glossary concept's names
 * in English, Russian and Chinese as alternatives of the query's words)
 * and more-like-this (a document's characteristic terms as the query).
 *
 * Every name of a concept is planned as a phrase through the same analyzer
 * chain as the query (sr_plan_phrase), so "искусственный интеллект"
 * matches every case of it and 人工智能 matches however the documents
 * were segmented.  The names of one concept are one clause (sr_syn_new:
 * the best alternative scores), never one clause per translation. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

static rc_t oom(err_t *err)
{
    return err_set(err, RC_NOMEM, "out of memory planning the query");
}

/* Append "line" to p->expansion (lines joined by "\n"). */
static rc_t add_line(sr_plan *p, const buf_t *line, err_t *err)
{
    size_t old = p->expansion ? strlen(p->expansion) : 0;
    char *e = arena_alloc(p->arena, old + line->len + 2);
    if (!e)
        return oom(err);
    memcpy(e, p->expansion ? p->expansion : "", old);
    if (old)
        e[old++] = '\n';
    memcpy(e + old, line->p, line->len);
    e[old + line->len] = '\0';
    p->expansion = e;
    return RC_OK;
}

/* Is key among keys[0..n)? */
static int seen(char **keys, size_t n, const char *key)
{
    for (size_t i = 0; i < n; i++)
        if (!strcmp(keys[i], key))
            return 1;
    return 0;
}

rc_t sr_xl_clause(sr_plan *p, long concept, const char *key, sr_it *orig, sr_pctx c,
                  sr_it **out, err_t *err)
{
    *out = orig;
    const an_gloss_variant *v;
    size_t nv = an_glossary_variants(p->gl, (size_t)concept, &v);
    sr_it **alts = arena_alloc(p->arena, (nv + 1) * sizeof *alts);
    char **keys = arena_alloc(p->arena, (nv + 1) * sizeof *keys);
    if (!alts || !keys)
        return oom(err);
    size_t n = 0, n_keys = 0;
    if (orig)
        alts[n++] = orig;
    keys[n_keys++] = (char *)key;
    buf_t k, line, names;
    buf_init(&k);
    buf_init(&line);
    buf_init(&names);
    rc_t rc = RC_OK, brc = RC_OK;
    const char *label = NULL;   /* the name the query used, as the glossary writes it */
    size_t shown = 0;
    p->no_missing++;
    for (size_t i = 0; i < nv && rc == RC_OK; i++) {
        if (!v[i].has_terms)
            continue;
        if ((rc = an_gloss_key(p->an, v[i].text, v[i].len, &k, err)) != RC_OK)
            break;
        if (!label && !strcmp(buf_cstr(&k), key))
            label = v[i].text;
        if (seen(keys, n_keys, buf_cstr(&k)))
            continue;   /* the query's own words, or a name spelt alike */
        if (!(keys[n_keys] = arena_strndup(p->arena, buf_cstr(&k), k.len))) {
            rc = oom(err);
            break;
        }
        n_keys++;
        sr_qnode q = {.kind = SR_Q_PHRASE, .text = v[i].text, .len = v[i].len, .col = p->col};
        sr_it *it;
        uint32_t span;
        if ((rc = sr_plan_phrase(p, &q, c, &it, &span, err)) != RC_OK)
            break;
        if (!it || sr_it_is_empty(it))
            continue;   /* a name the index does not have */
        alts[n++] = it;
        buf_append_str(&names, shown++ ? " | " : " ", &brc);
        buf_append_str(&names, v[i].text, &brc);
    }
    p->no_missing--;
    buf_append_str(&line, label ? label : v[0].text, &brc);
    buf_append_str(&line, " →", &brc);
    buf_append(&line, names.p, names.len, &brc);
    if (!shown)
        buf_append_str(&line, " (no other name in the index)", &brc);
    if (rc == RC_OK && brc != RC_OK)
        rc = oom(err);
    if (rc == RC_OK)
        rc = add_line(p, &line, err);
    buf_free(&names);
    buf_free(&k);
    buf_free(&line);
    if (rc != RC_OK || n == 0 || (n == 1 && orig)) {
        if (n == 0)
            *out = NULL;
        return rc;
    }
    return sr_syn_new(p->arena, alts, n, orig ? 1 : 0, out) == RC_OK ? RC_OK : oom(err);
}

rc_t sr_plan_phrase_xl(sr_plan *p, const sr_qnode *q, sr_pctx c, sr_it **out, err_t *err)
{
    uint32_t span;
    rc_t rc = sr_plan_phrase(p, q, c, out, &span, err);
    if (rc != RC_OK || !p->gl)
        return rc;
    buf_t k;
    buf_init(&k);
    rc = an_gloss_key(p->an, q->text, q->len, &k, err);
    long concept = rc == RC_OK && k.len ? an_glossary_find(p->gl, buf_cstr(&k), k.len) : -1;
    const char *key = concept >= 0 ? arena_strndup(p->arena, buf_cstr(&k), k.len) : NULL;
    buf_free(&k);
    if (rc != RC_OK || concept < 0)
        return rc;
    if (!key)
        return oom(err);
    sr_it *orig = *out && !sr_it_is_empty(*out) ? *out : NULL;
    rc = sr_xl_clause(p, concept, key, orig, c, out, err);
    if (rc == RC_OK && !*out)
        return sr_empty_new(p->arena, out) == RC_OK ? RC_OK : oom(err);
    return rc;
}

/* ---- more like this ------------------------------------------------------ */

typedef struct {
    strmap tf;     /* stem -> tf in the document */
    rc_t rc;
} doc_terms;

static rc_t count_term(void *ctx, const an_token *t)
{
    doc_terms *d = ctx;
    if ((t->flags & (AN_TOK_STOP | AN_TOK_OVERLAY)) || !t->stem_len || t->stem_len > IX_TERM_MAX)
        return RC_OK;
    int added;
    strmap_slot *s = strmap_put(&d->tf, t->stem, t->stem_len, &added);
    if (!s)
        return RC_NOMEM;
    s->value++;
    return RC_OK;
}

typedef struct {
    const char *term;
    double w;
} weighted;

static int by_weight(const void *x, const void *y)
{
    const weighted *a = x, *b = y;
    if (a->w != b->w)
        return a->w > b->w ? -1 : 1;
    return strcmp(a->term, b->term);
}

/* The document's title and text through the analyzer of its language:
 * the stems its postings hold (the index keeps no forward list). */
static rc_t analyze_doc(sr_plan *p, uint32_t docid, doc_terms *d, ix_docinfo *di, err_t *err)
{
    rc_t rc = ix_doc_get(p->r, docid, di, err);
    if (rc != RC_OK)
        return rc;
    char lang[16];
    snprintf(lang, sizeof lang, "%.*s", (int)(di->lang_len < 15 ? di->lang_len : 15), di->lang);
    buf_t text;
    buf_init(&text);
    uint32_t pos = 0;
    rc = an_analyze(p->an, lang, di->title, di->title_len, &pos, count_term, d, err);
    if (rc == RC_OK)
        rc = ix_doc_text(p->r, docid, &text, err);
    if (rc == RC_NOTFOUND) {
        buf_reset(&text);
        rc = RC_OK;
    }
    if (rc == RC_OK)
        rc = an_analyze(p->an, lang, (const char *)text.p, text.len, &pos, count_term, d, err);
    buf_free(&text);
    return rc == RC_NOMEM ? oom(err) : rc;
}

rc_t sr_plan_like(sr_plan *p, uint32_t docid, size_t n, sr_it **out, err_t *err)
{
    *out = NULL;
    doc_terms d;
    strmap_init(&d.tf);
    ix_docinfo di;
    rc_t rc = analyze_doc(p, docid, &d, &di, err);
    weighted *v = rc == RC_OK ? arena_alloc(p->arena, (d.tf.n ? d.tf.n : 1) * sizeof *v) : NULL;
    size_t nv = 0;
    if (rc == RC_OK && !v)
        rc = oom(err);
    for (size_t i = 0; rc == RC_OK && i < d.tf.cap; i++) {
        const strmap_slot *s = &d.tf.slots[i];
        if (!s->key)
            continue;
        ix_term_info ti;
        rc = ix_term_get(p->r, s->key, s->len, &ti, err);
        if (rc == RC_NOTFOUND) {
            rc = RC_OK;
            continue;
        }
        /* A term of this document alone finds nothing else, unless its
         * translations may (--cross-lingual). */
        int named = p->opt->cross_lingual && p->gl && an_glossary_find(p->gl, s->key, s->len) >= 0;
        if (rc != RC_OK || (ti.df < 2 && !named))
            continue;
        sr_termweight w;
        p->scorer->init_term(&w, &p->coll, ti.df, 1);
        const char *term = arena_strndup(p->arena, s->key, s->len);
        if (!term)
            rc = oom(err);
        else
            v[nv++] = (weighted){term, p->scorer->score(&w, (uint32_t)s->value, di.len)};
    }
    strmap_free(&d.tf);
    if (rc != RC_OK)
        return rc;
    qsort(v, nv, sizeof *v, by_weight);
    if (nv > n)
        nv = n;
    sr_it **kids = arena_alloc(p->arena, (nv ? nv : 1) * sizeof *kids);
    buf_t line;
    buf_init(&line);
    rc_t brc = RC_OK;
    buf_append_str(&line, "like:", &brc);
    size_t k = 0;
    sr_pctx c = {0};
    p->no_missing++;
    for (size_t i = 0; kids && i < nv && rc == RC_OK; i++) {
        sr_leaf *leaf;
        sr_it *it;
        rc = sr_plan_leaf(p, v[i].term, strlen(v[i].term), c, &it, &leaf, err);
        /* --like --cross-lingual: a term that is a glossary name brings its
         * other names, so similar news in the other languages is found. */
        long concept = p->opt->cross_lingual && p->gl && rc == RC_OK && it
                           ? an_glossary_find(p->gl, v[i].term, strlen(v[i].term)) : -1;
        if (concept >= 0)
            rc = sr_xl_clause(p, concept, v[i].term, it, c, &it, err);
        if (rc == RC_OK && it) {
            kids[k++] = it;
            char num[48];
            snprintf(num, sizeof num, " %s(%.2f)", v[i].term, v[i].w);
            buf_append_str(&line, num, &brc);
        }
    }
    p->no_missing--;
    if (rc == RC_OK && (!kids || brc != RC_OK))
        rc = oom(err);
    if (rc == RC_OK)
        rc = add_line(p, &line, err);
    buf_free(&line);
    if (rc != RC_OK)
        return rc;
    rc = k ? sr_or_new(p->arena, kids, k, out) : sr_empty_new(p->arena, out);
    return rc == RC_OK ? RC_OK : oom(err);
}
