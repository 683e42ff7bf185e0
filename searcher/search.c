/* search.c - one query from text to filled hits: parse, plan, run the
 * iterator tree document at a time into a bounded heap, then read the
 * winners' records.  All inside one short read snapshot. */
#include <math.h>
#include <string.h>
#include <time.h>

#include "../common/mem.h"
#include "internal.h"

struct sr_searcher {
    ix_reader *r;
    an_analyzer *an;
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

rc_t sr_open(const char *dir, sr_searcher **out, err_t *err)
{
    *out = NULL;
    sr_searcher *s = mem_calloc(1, sizeof *s);
    if (!s)
        return err_set(err, RC_NOMEM, "out of memory");
    rc_t rc = ix_reader_open(dir, &s->r, err);
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

void sr_close(sr_searcher *s)
{
    if (!s)
        return;
    ix_reader_close(s->r);
    an_close(s->an);
    mem_free(s);
}

static const char *dup_field(arena_t *a, const char *s, size_t n)
{
    const char *d = arena_strndup(a, s ? s : "", s ? n : 0);
    return d;
}

/* Copy a hit's record out of the snapshot into the result arena. */
static rc_t fill_hit(sr_searcher *s, sr_result *res, sr_hit *h, err_t *err)
{
    ix_docinfo di;
    rc_t rc = ix_doc_get(s->r, h->docid, &di, err);
    if (rc == RC_NOTFOUND)
        return RC_CORRUPT_AT(err, "a matching document has no record");
    if (rc != RC_OK)
        return rc;
    arena_t *a = &res->arena;
    h->id = dup_field(a, di.id, di.id_len);
    h->title = dup_field(a, di.title, di.title_len);
    h->date = dup_field(a, di.date, di.date_len);
    h->lang = dup_field(a, di.lang, di.lang_len);
    h->source = dup_field(a, di.source, di.source_len);
    h->charset = dup_field(a, di.charset, di.charset_len);
    h->repair = dup_field(a, di.repair, di.repair_len);
    h->doc_len = di.len;
    h->flags = di.flags;
    if (!h->id || !h->title || !h->date || !h->lang || !h->source || !h->charset || !h->repair)
        return err_set(err, RC_NOMEM, "out of memory");
    return RC_OK;
}

/* Per-term contributions of one hit, by looking each leaf up again. */
static rc_t explain_hit(sr_searcher *s, sr_plan *p, sr_result *res, sr_hit *h, err_t *err)
{
    h->explain = arena_alloc(&res->arena, (p->n_leaves ? p->n_leaves : 1) * sizeof *h->explain);
    if (!h->explain)
        return err_set(err, RC_NOMEM, "out of memory");
    h->n_explain = 0;
    for (size_t i = 0; i < p->n_leaves; i++) {
        sr_leaf *l = p->leaves[i];
        ix_iter *it;
        rc_t rc = ix_iter_open(s->r, l->term, strlen(l->term), &it, err);
        if (rc == RC_NOTFOUND)
            continue;
        if (rc != RC_OK)
            return rc;
        rc = ix_iter_skip_to(it, h->docid, err);
        if (rc == RC_OK && !ix_iter_eof(it) && ix_iter_docid(it) == h->docid) {
            uint32_t tf = ix_iter_tf(it);
            sr_explain_term *e = &h->explain[h->n_explain++];
            e->term = l->term;
            e->tf = tf;
            e->df = l->df;
            e->idf = l->w.idf;
            e->weight = l->scorer->score(&l->w, tf, h->doc_len);
        }
        ix_iter_close(it);
        if (rc != RC_OK)
            return rc;
    }
    return RC_OK;
}

static rc_t run(sr_searcher *s, sr_plan *p, const sr_qnode *q, const sr_options *opt,
                sr_result *res, err_t *err)
{
    sr_it *root;
    rc_t rc = sr_plan_build(p, q, &root, err);
    if (rc != RC_OK)
        return rc;
    sr_topk top;
    size_t want = opt->k + opt->offset;
    if (want < opt->k)
        want = SIZE_MAX / sizeof(sr_scored) / 2;
    if (sr_topk_init(&top, &res->arena, want) != RC_OK)
        return err_set(err, RC_NOMEM, "out of memory");
    uint64_t total = 0;
    for (rc = root->ops->next(root, err); rc == RC_OK && root->docid != SR_END;
         rc = root->ops->next(root, err)) {
        total++;
        sr_topk_push(&top, root->ops->score(root), root->docid);
    }
    if (rc != RC_OK)
        return rc;
    sr_topk_sort(&top);
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
        rc = fill_hit(s, res, h, err);
        if (rc == RC_OK && opt->explain)
            rc = explain_hit(s, p, res, h, err);
        res->n_hits = i + 1;
    }
    return rc;
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
    *err_col = 0;
    sr_options o = opt ? *opt : sr_options_default();
    sr_qnode *q;
    rc_t rc = sr_parse(&res->arena, query, len, &q, err_col, err);
    if (rc != RC_OK)
        return rc;
    if ((rc = ix_reader_begin(s->r, err)) != RC_OK)
        return rc;
    const ix_stats *st = ix_reader_stats(s->r);
    sr_plan p = {.r = s->r, .an = s->an, .scorer = sr_scorer_find("bm25"), .opt = &o,
                 .arena = &res->arena};
    p.coll.n_docs = (double)st->n_docs;
    p.coll.avg_len = st->avg_len;
    p.coll.k1 = o.k1;
    p.coll.b = o.b;
    res->avg_len = st->avg_len;
    res->n_docs = st->n_docs;
    rc = run(s, &p, q, &o, res, err);
    for (size_t i = 0; i < p.n_leaves; i++) {
        ix_iter_close(p.leaves[i]->ix);
        p.leaves[i]->ix = NULL;
    }
    ix_reader_end(s->r);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    res->seconds = (double)(t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9;
    return rc;
}
