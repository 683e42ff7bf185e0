/* it_title.c - title:word and title:"a phrase": the documents where the
 * positional kid matches before the document's title_end.  Title and body
 * share one position space (the body starts IX_FIELD_GAP after the title,
 * see indexer/format.h), so a title test is a position test and needs no
 * separate field in the index.  Scored like the kid (the whole document's
 * tf): title: restricts, it does not re-weight. */
#include "internal.h"

typedef struct {
    sr_wrap w;
    sr_doccache *dc;
    const uint32_t *pos;   /* the kid's positions inside the title */
    uint32_t n;
} title_it;

static rc_t accept(sr_wrap *w, int *ok, err_t *err)
{
    title_it *t = (title_it *)w;
    uint32_t end, n = 0;
    rc_t rc = sr_doccache_title_end(t->dc, w->kid->docid, &end, err);
    if (rc == RC_NOTFOUND) {
        *ok = 0;
        return RC_OK;
    }
    if (rc != RC_OK || (rc = w->kid->ops->positions(w->kid, &t->pos, &n, err)) != RC_OK)
        return rc;
    t->n = 0;
    while (t->n < n && t->pos[t->n] < end)
        t->n++;
    *ok = t->n > 0;
    return RC_OK;
}

static rc_t title_positions(sr_it *it, const uint32_t **pos, uint32_t *n, err_t *err)
{
    (void)err;
    title_it *t = (title_it *)it;
    *pos = t->pos;
    *n = t->n;
    return RC_OK;
}

static rc_t title_explain(sr_it *it, sr_explainer *x, err_t *err)
{
    const char *via = x->via;
    x->via = via ? via : "title";
    rc_t rc = sr_wrap_explain(it, x, err);
    x->via = via;
    return rc;
}

static const sr_it_ops title_ops = {sr_wrap_next, sr_wrap_skip_to, sr_wrap_score,
                                    NULL,         title_positions, title_explain};

rc_t sr_title_new(arena_t *a, sr_it *kid, sr_doccache *dc, sr_it **out)
{
    title_it *t = (title_it *)sr_wrap_new(a, sizeof *t, &title_ops, kid, accept);
    if (!t)
        return RC_NOMEM;
    t->dc = dc;
    *out = &t->w.base;
    return RC_OK;
}
