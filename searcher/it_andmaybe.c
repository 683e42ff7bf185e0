/* it_andmaybe.c - required plus optional: the documents of `req`, scored
 * req + opt where opt matches as well.  This is what "+sepsis warning
 * model" means (sepsis required, the rest ranks), and how CJK overlay
 * bigrams still add evidence under --and without being required (Xapian's
 * matcher/andmaybepostlist.cc). */
#include "internal.h"

typedef struct {
    sr_it base;
    sr_it *req, *opt;
} andmaybe;

static rc_t sync_opt(andmaybe *m, err_t *err)
{
    uint32_t d = m->req->docid;
    m->base.docid = d;
    if (d != SR_END && m->opt->docid < d)
        return m->opt->ops->skip_to(m->opt, d, err);
    return RC_OK;
}

static rc_t andmaybe_next(sr_it *it, err_t *err)
{
    andmaybe *m = (andmaybe *)it;
    rc_t rc = m->req->ops->next(m->req, err);
    return rc == RC_OK ? sync_opt(m, err) : rc;
}

static rc_t andmaybe_skip_to(sr_it *it, uint32_t d, err_t *err)
{
    andmaybe *m = (andmaybe *)it;
    rc_t rc = m->req->docid < d ? m->req->ops->skip_to(m->req, d, err) : RC_OK;
    return rc == RC_OK ? sync_opt(m, err) : rc;
}

static double andmaybe_score(sr_it *it)
{
    andmaybe *m = (andmaybe *)it;
    double s = m->req->ops->score(m->req);
    if (m->opt->docid == it->docid)
        s += m->opt->ops->score(m->opt);
    return s;
}

static rc_t andmaybe_explain(sr_it *it, sr_explainer *x, err_t *err)
{
    andmaybe *m = (andmaybe *)it;
    rc_t rc = sr_it_explain(m->req, x, err);
    return rc == RC_OK ? sr_it_explain(m->opt, x, err) : rc;
}

static const sr_it_ops andmaybe_ops = {andmaybe_next, andmaybe_skip_to, andmaybe_score, NULL,
                                       NULL, andmaybe_explain};

rc_t sr_andmaybe_new(arena_t *a, sr_it *req, sr_it *opt, sr_it **out)
{
    andmaybe *m = arena_alloc(a, sizeof *m);
    if (!m)
        return RC_NOMEM;
    *m = (andmaybe){.base = {&andmaybe_ops, 0, req->max_score + opt->max_score}, .req = req,
                    .opt = opt};
    *out = &m->base;
    return RC_OK;
}
