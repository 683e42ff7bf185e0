/* search.c - one query from text to filled hits: parse, plan, run the
 * iterator tree document at a time into a bounded heap, then read the
 * winners' records, explain their scores and cut their snippets when asked.
 * All inside one short read snapshot. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../common/mem.h"
#include "internal.h"

struct sr_searcher {
    ix_reader *r;
    an_analyzer *an;
    an_glossary *gl;  /* loaded on first need (sr_load_glossary) */
    int gl_borrowed;  /* 1: gl is the searcher's this one is a sibling of */
    buf_t text;     /* a hit's text, for snippets */
    sr_accum acc;   /* term-at-a-time scoring (taat.c), kept across queries */
};

sr_options sr_options_default(void)
{
    sr_options o;
    memset(&o, 0, sizeof o);
    o.k1 = 1.2;
    o.b = 0.75;
    o.k = SR_DEFAULT_K;
    o.max_expansions = SR_DEFAULT_EXPANSIONS;
    return o;
}

void sr_result_init(sr_result *res)
{
    memset(res, 0, sizeof *res);
    arena_init(&res->arena, 64 * 1024);
}

void sr_result_free(sr_result *res)
{
    arena_free(&res->arena);
    memset(res, 0, sizeof *res);
}

/* The rest of opening s once its reader was asked for (rc: how that went):
 * an analyzer configured as the index; on failure s is closed. */
static rc_t open_rest(sr_searcher *s, rc_t rc, sr_searcher **out, err_t *err)
{
    if (rc == RC_OK) {
        an_config cfg = ix_reader_analyzer_config(s->r);
        rc = an_open(&cfg, &s->an, err);
    }
    if (rc != RC_OK) {
        sr_close(s);
        return rc;
    }
    *out = s;
    return RC_OK;
}

rc_t sr_open(const char *dir, sr_searcher **out, err_t *err)
{
    *out = NULL;
    sr_searcher *s = mem_calloc(1, sizeof *s);
    if (!s)
        return err_set(err, RC_NOMEM, "out of memory");
    buf_init(&s->text);
    return open_rest(s, ix_reader_open(dir, &s->r, err), out, err);
}

rc_t sr_open_sibling(sr_searcher *s, sr_searcher **out, err_t *err)
{
    *out = NULL;
    sr_searcher *c = mem_calloc(1, sizeof *c);
    if (!c)
        return err_set(err, RC_NOMEM, "out of memory");
    buf_init(&c->text);
    /* Lookups in a glossary only read it. */
    c->gl = s->gl;
    c->gl_borrowed = s->gl != NULL;
    return open_rest(c, ix_reader_sibling(s->r, &c->r, err), out, err);
}

void sr_close(sr_searcher *s)
{
    if (!s)
        return;
    ix_reader_close(s->r);
    if (!s->gl_borrowed)
        an_glossary_free(s->gl);
    an_close(s->an);
    buf_free(&s->text);
    sr_accum_free(&s->acc);
    mem_free(s);
}

rc_t sr_load_glossary(sr_searcher *s, const char *path, err_t *err)
{
    char found[4096];
    if (!path) {
        rc_t rc = an_data_path("glossary.tsv", found, sizeof found, err);
        if (rc != RC_OK)
            return rc;
        path = found;
    }
    an_glossary *g;
    rc_t rc = an_glossary_load(s->an, path, &g, err);
    if (rc != RC_OK)
        return rc;
    if (!s->gl_borrowed)
        an_glossary_free(s->gl);
    s->gl = g;
    s->gl_borrowed = 0;
    return RC_OK;
}

/* Does the query use xl: anywhere? */
static int uses_xl(const sr_qnode *q)
{
    if (!q)
        return 0;
    if (q->kind == SR_Q_XL)
        return 1;
    for (size_t i = 0; i < q->n_kids; i++)
        if (uses_xl(q->kids[i]))
            return 1;
    return 0;
}

static const char *dup_field(arena_t *a, const char *s, size_t n)
{
    const char *d = arena_strndup(a, s ? s : "", s ? n : 0);
    return d;
}

/* Copy a hit's record out of the snapshot into the result arena. */
static rc_t fill_hit(sr_searcher *s, sr_result *res, sr_hit *h, int ids_only, err_t *err)
{
    ix_docinfo di;
    rc_t rc = ix_doc_get(s->r, h->docid, &di, err);
    if (rc == RC_NOTFOUND)
        return RC_CORRUPT_AT(err, "a matching document has no record");
    if (rc != RC_OK)
        return rc;
    arena_t *a = &res->arena;
    h->doc_len = di.len;
    h->flags = di.flags;
    h->id = dup_field(a, di.id, di.id_len);
    if (ids_only) {   /* a TREC line needs nothing else: skip six copies */
        h->title = h->date = h->lang = h->source = h->charset = h->repair = "";
        return h->id ? RC_OK : err_set(err, RC_NOMEM, "out of memory");
    }
    h->title = dup_field(a, di.title, di.title_len);
    h->date = dup_field(a, di.date, di.date_len);
    h->lang = dup_field(a, di.lang, di.lang_len);
    h->source = dup_field(a, di.source, di.source_len);
    h->charset = dup_field(a, di.charset, di.charset_len);
    h->repair = dup_field(a, di.repair, di.repair_len);
    if (!h->id || !h->title || !h->date || !h->lang || !h->source || !h->charset || !h->repair)
        return err_set(err, RC_NOMEM, "out of memory");
    return RC_OK;
}

/* Plan q for the current snapshot. */
static void plan_init(sr_searcher *s, sr_plan *p, const sr_options *o, sr_result *res,
                      size_t *err_col)
{
    const ix_stats *st = ix_reader_stats(s->r);
    *p = (sr_plan){.r = s->r, .an = s->an, .scorer = sr_scorer_find("bm25"), .opt = o,
                   .arena = &res->arena, .err_col = err_col, .gl = s->gl};
    p->coll.n_docs = (double)st->n_docs;
    p->coll.avg_len = st->avg_len;
    p->coll.k1 = o->k1;
    p->coll.b = o->b;
}

/* The iterator tree of q (may be NULL with --like), with --like's terms:
 * alone, or ANDed with q (similar documents among those q matches).  *like = the document to leave
 * out of the results (0: none). */
static rc_t build_root(sr_searcher *s, sr_plan *p, const sr_qnode *q, const sr_options *o,
                       sr_it **out, uint32_t *like, size_t *err_col, err_t *err)
{
    *out = NULL;
    *like = 0;
    rc_t rc = q ? sr_plan_build(p, q, out, err) : RC_OK;
    if (rc != RC_OK || !o->like_id)
        return rc;
    rc = ix_doc_lookup(s->r, o->like_id, strlen(o->like_id), like, err);
    if (rc == RC_NOTFOUND) {
        *err_col = 0;
        return err_set(err, RC_BADINPUT, "--like: no document with id '%s'", o->like_id);
    }
    sr_it *more;
    if (rc != RC_OK || (rc = sr_plan_like(p, *like, SR_LIKE_TERMS, &more, err)) != RC_OK)
        return rc;
    if (!*out) {
        *out = more;
        return RC_OK;
    }
    sr_it *both[2] = {*out, more};
    return sr_and_new(p->arena, both, 2, out) == RC_OK
               ? RC_OK : err_set(err, RC_NOMEM, "out of memory");
}

static int by_docid(const void *x, const void *y)
{
    const sr_hit *a = *(sr_hit *const *)x, *b = *(sr_hit *const *)y;
    return a->docid < b->docid ? -1 : a->docid > b->docid;
}

/* --explain: a fresh iterator tree over the same query, moved to each hit
 * in docid order, reports the parts of its score (phrase frequencies,
 * title: tests and all).  Cheaper than remembering parts for every
 * candidate during the main pass, which would slow every query. */
static rc_t explain_hits(sr_searcher *s, const sr_qnode *q, const sr_options *o, sr_result *res,
                         err_t *err)
{
    size_t col = 0;
    sr_plan p;
    plan_init(s, &p, o, res, &col);
    sr_it *root;
    uint32_t like;
    sr_hit **order = arena_alloc(&res->arena, (res->n_hits ? res->n_hits : 1) * sizeof *order);
    if (!order)
        return err_set(err, RC_NOMEM, "out of memory");
    rc_t rc = build_root(s, &p, q, o, &root, &like, &col, err);
    for (size_t i = 0; i < res->n_hits; i++)
        order[i] = &res->hits[i];
    qsort(order, res->n_hits, sizeof *order, by_docid);
    for (size_t i = 0; i < res->n_hits && rc == RC_OK && root; i++) {
        sr_hit *h = order[i];
        if (root->docid < h->docid)
            rc = root->ops->skip_to(root, h->docid, err);
        sr_explainer x = {.arena = &res->arena, .docid = h->docid, .doc_len = h->doc_len};
        if (rc == RC_OK)
            rc = sr_it_explain(root, &x, err);
        h->explain = x.v;
        h->n_explain = x.n;
    }
    sr_plan_close(&p);
    return rc;
}

/* Snippets and title marks for every hit, with the query's terms. */
static rc_t snippet_hits(sr_searcher *s, const sr_plan *p, sr_result *res, err_t *err)
{
    strmap terms;
    strmap_init(&terms);
    rc_t rc = RC_OK;
    for (size_t i = 0; i < p->n_hl && rc == RC_OK; i++) {
        int added;
        strmap_slot *slot = strmap_put(&terms, p->hl[i], strlen(p->hl[i]), &added);
        if (!slot)
            rc = err_set(err, RC_NOMEM, "out of memory");
        else if (added)
            slot->value = terms.n - 1;
    }
    for (size_t i = 0; i < res->n_hits && rc == RC_OK; i++) {
        sr_hit *h = &res->hits[i];
        rc = ix_doc_text(s->r, h->docid, &s->text, err);
        if (rc == RC_NOTFOUND) {
            buf_reset(&s->text);
            rc = RC_OK;
        }
        if (rc == RC_OK)
            rc = sr_snippet_make(s->an, &terms, h->lang, (const char *)s->text.p, s->text.len,
                                 &res->arena, h, err);
        if (rc == RC_OK)
            rc = sr_title_marks(s->an, &terms, h->lang, h->title, &res->arena, h, err);
    }
    strmap_free(&terms);
    return rc;
}

/* Count the period of docid's date for --histogram. */
static rc_t hist_add(sr_searcher *s, const sr_options *opt, uint32_t docid, long **ords,
                     size_t *n, size_t *cap, sr_result *res, err_t *err)
{
    ix_docinfo di;
    rc_t rc = ix_doc_get(s->r, docid, &di, err);
    if (rc == RC_NOTFOUND)
        return RC_CORRUPT_AT(err, "a matching document has no record");
    long ord;
    if (rc != RC_OK)
        return rc;
    if (!sr_hist_ordinal(opt->histogram, di.date, di.date_len, &ord)) {
        res->unknown++;
        return RC_OK;
    }
    if (!arena_grow(&res->arena, (void **)ords, cap, *n, sizeof **ords))
        return err_set(err, RC_NOMEM, "out of memory");
    (*ords)[(*n)++] = ord;
    return RC_OK;
}

/* "did you mean" for the terms the plan could not find. */
static rc_t suggest(sr_searcher *s, const sr_plan *p, sr_result *res, err_t *err)
{
    if (!p->n_missing)
        return RC_OK;
    res->suggestions = arena_alloc(&res->arena, p->n_missing * sizeof *res->suggestions);
    if (!res->suggestions)
        return err_set(err, RC_NOMEM, "out of memory");
    rc_t rc = RC_OK;
    for (size_t i = 0; i < p->n_missing && rc == RC_OK; i++) {
        sr_suggestion *sg = &res->suggestions[res->n_suggestions];
        rc = sr_suggest(s->r, p->missing[i], &res->arena, sg, NULL, err);
        res->n_suggestions += rc == RC_OK && sg->n_alt > 0;
    }
    return rc;
}

static rc_t run(sr_searcher *s, const sr_qnode *q, const sr_options *opt, sr_result *res,
                size_t *err_col, err_t *err)
{
    sr_plan p;
    plan_init(s, &p, opt, res, err_col);
    sr_it *root;
    uint32_t like;
    rc_t rc = build_root(s, &p, q, opt, &root, &like, err_col, err);
    if (rc == RC_OK && !root)
        rc = sr_empty_new(&res->arena, &root) == RC_OK ? RC_OK
                                                       : err_set(err, RC_NOMEM, "out of memory");
    sr_topk top;
    size_t want = opt->k + opt->offset;
    if (want < opt->k)
        want = SIZE_MAX / sizeof(sr_scored) / 2;
    /* With the proximity bonus, a pool of BM25's best is rescored. */
    size_t pool = !opt->no_proximity && want < SR_PROX_POOL ? SR_PROX_POOL : want;
    if (rc == RC_OK && sr_topk_init(&top, &res->arena, pool) != RC_OK)
        rc = err_set(err, RC_NOMEM, "out of memory");
    uint64_t total = 0;
    long *ords = NULL;
    size_t n_ords = 0, cap_ords = 0;
    sr_it **kids;
    /* A histogram counts every match and --like leaves one out: no pruning. */
    size_t n_kids = rc == RC_OK && opt->prune && !opt->histogram && !opt->like_id
                        ? sr_or_kids(root, &kids)
                        : 0;
    sr_matched matched = {NULL, NULL, 0};
    if (rc == RC_OK && n_kids && !opt->no_taat &&
        sr_taat_usable(kids, n_kids, &p.coll, ix_reader_stats(s->r)->max_docid)) {
        rc = sr_taat_run(&s->acc, s->r, kids, n_kids, &top, &total, err);
        matched = (sr_matched){&s->acc, kids, n_kids};
    } else if (rc == RC_OK && n_kids && sr_maxscore_usable(kids, n_kids, &p.coll)) {
        rc = sr_maxscore_run(kids, n_kids, &res->arena, &top, err);
        total = top.n;
    } else if (rc == RC_OK) {
        for (rc = root->ops->next(root, err); rc == RC_OK && root->docid != SR_END;
             rc = root->ops->next(root, err)) {
            if (root->docid == like)
                continue;   /* --like: not the document itself */
            total++;
            sr_topk_push(&top, root->ops->score(root), root->docid);
            if (opt->histogram &&
                (rc = hist_add(s, opt, root->docid, &ords, &n_ords, &cap_ords, res, err)) != RC_OK)
                break;
        }
    }
    if (rc == RC_OK && opt->histogram &&
        sr_hist_build(&res->arena, opt->histogram, ords, n_ords, &res->buckets,
                      &res->n_buckets) != RC_OK)
        rc = err_set(err, RC_NOMEM, "out of memory");
    if (rc == RC_OK && opt->suggest)
        rc = suggest(s, &p, res, err);
    double *bonus = NULL;
    if (rc == RC_OK && !opt->no_proximity) {
        bonus = arena_alloc(&res->arena, (top.n ? top.n : 1) * sizeof *bonus);
        rc = bonus ? sr_proximity_rescore(&p, top.h, top.n, bonus, &matched, err)
                   : err_set(err, RC_NOMEM, "out of memory");
    }
    sr_plan_close(&p);
    res->note = p.note;
    res->expansion = p.expansion;
    if (rc != RC_OK)
        return rc;
    if (bonus)
        /* Keep each document's bonus with it through the sort. */
        for (size_t i = 0; i < top.n; i++)
            top.h[i].bonus = bonus[i];
    sr_topk_sort(&top);
    if (top.n > want)
        top.n = want;
    res->total = total;
    size_t n = top.n > opt->offset ? top.n - opt->offset : 0;
    res->hits = arena_alloc(&res->arena, (n ? n : 1) * sizeof *res->hits);
    if (!res->hits)
        return err_set(err, RC_NOMEM, "out of memory");
    for (size_t i = 0; i < n && rc == RC_OK; i++) {
        sr_hit *h = &res->hits[i];
        memset(h, 0, sizeof *h);
        h->docid = top.h[opt->offset + i].docid;
        h->score = top.h[opt->offset + i].score;
        h->rank = opt->offset + i + 1;
        h->proximity = top.h[opt->offset + i].bonus;
        rc = fill_hit(s, res, h, opt->ids_only && !opt->explain && !opt->want_snippets, err);
        res->n_hits = i + 1;
    }
    if (rc == RC_OK && opt->explain)
        rc = explain_hits(s, q, opt, res, err);
    if (rc == RC_OK && opt->want_snippets)
        rc = snippet_hits(s, &p, res, err);
    return rc;
}

/* Parse and run with the given parser flags, in one snapshot. */
static rc_t attempt(sr_searcher *s, const char *query, size_t len, const sr_options *o,
                    unsigned flags, sr_result *res, size_t *err_col, err_t *err)
{
    sr_qnode *q = NULL;
    rc_t rc = RC_OK;
    int empty = 1;
    for (size_t i = 0; i < len && empty; i++)
        empty = query[i] == ' ' || query[i] == '\t' || query[i] == '\n' || query[i] == '\r';
    /* --like needs no query; one given with it restricts the results. */
    if (!(o->like_id && empty))
        rc = sr_parse(&res->arena, query, len, flags, &q, err_col, err);
    if (rc != RC_OK)
        return rc;
    if (!s->gl && (o->cross_lingual || uses_xl(q)) &&
        (rc = sr_load_glossary(s, NULL, err)) != RC_OK) {
        char msg[ERR_MSG_MAX];
        snprintf(msg, sizeof msg, "%s", err->msg);
        err_clear(err);
        /* A missing glossary is a usage problem, not a broken index. */
        return err_set(err, rc == RC_NOMEM ? rc : RC_BADINPUT,
                       "cross-lingual search needs the glossary: %.200s", msg);
    }
    if ((rc = ix_reader_begin(s->r, err)) != RC_OK)
        return rc;
    const ix_stats *st = ix_reader_stats(s->r);
    res->avg_len = st->avg_len;
    res->n_docs = st->n_docs;
    res->hits = NULL;
    res->n_hits = 0;
    res->total = 0;
    rc = run(s, q, o, res, err_col, err);
    if (rc == RC_OK)
        rc = ix_reader_damage(s->r, err);
    ix_reader_end(s->r);
    return rc;
}

/* A malformed query in lenient mode runs as plain words; the note keeps
 * the syntax error (and its column) for the caller to show. */
static rc_t fall_back(sr_searcher *s, const char *query, size_t len, const sr_options *o,
                      unsigned flags, sr_result *res, size_t *err_col, err_t *err)
{
    char msg[ERR_MSG_MAX + 64];
    snprintf(msg, sizeof msg, "%s; searched as plain words", err->msg);
    size_t col = *err_col;
    err_clear(err);
    *err_col = 0;
    rc_t rc = attempt(s, query, len, o, flags | SR_PARSE_PLAIN, res, err_col, err);
    if (rc != RC_OK)
        return rc;
    size_t extra = res->note ? strlen(res->note) + 2 : 0;
    char *note = arena_alloc(&res->arena, strlen(msg) + extra + 1);
    if (!note)
        return err_set(err, RC_NOMEM, "out of memory");
    strcpy(note, msg);
    if (res->note)
        strcat(strcat(note, "; "), res->note);
    res->note = note;
    res->note_col = col;
    return RC_OK;
}

rc_t sr_search(sr_searcher *s, const char *query, size_t len, const sr_options *opt,
               sr_result *res, size_t *err_col, err_t *err)
{
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    arena_reset(&res->arena);
    res->hits = NULL;
    res->n_hits = 0;
    res->total = 0;
    res->note = NULL;
    res->note_col = 0;
    res->expansion = NULL;
    res->buckets = NULL;
    res->n_buckets = 0;
    res->unknown = 0;
    res->suggestions = NULL;
    res->n_suggestions = 0;
    *err_col = 0;
    sr_options o = opt ? *opt : sr_options_default();
    unsigned flags = (o.default_and ? SR_PARSE_AND : 0) | (o.plain ? SR_PARSE_PLAIN : 0);
    rc_t rc = attempt(s, query, len, &o, flags, res, err_col, err);
    if (rc == RC_BADINPUT && o.lenient && !o.plain)
        rc = fall_back(s, query, len, &o, flags, res, err_col, err);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    res->seconds = (double)(t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9;
    return rc;
}
