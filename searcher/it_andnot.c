/* it_andnot.c - exclusion (-word, NOT word, -"a phrase"): the documents of
 * the positive side that `neg` does not match.  neg is only moved forward
 * to the positive side's candidates, so a common excluded word costs a
 * skip_to per candidate, not a walk over its postings (Xapian's
 * matcher/andnotpostlist.cc).  Excluded field filters are not done here
 * but in it_filter.c, as record tests. */
#include "internal.h"

typedef struct {
    sr_wrap w;
    sr_it *neg;
} andnot;

static rc_t accept(sr_wrap *w, int *ok, err_t *err)
{
    sr_it *neg = ((andnot *)w)->neg;
    uint32_t d = w->kid->docid;
    rc_t rc = neg->docid < d ? neg->ops->skip_to(neg, d, err) : RC_OK;
    *ok = neg->docid != d;
    return rc;
}

static const sr_it_ops andnot_ops = {sr_wrap_next, sr_wrap_skip_to, sr_wrap_score, NULL, NULL,
                                     sr_wrap_explain};

rc_t sr_andnot_new(arena_t *a, sr_it *pos, sr_it *neg, sr_it **out)
{
    andnot *m = (andnot *)sr_wrap_new(a, sizeof *m, &andnot_ops, pos, accept);
    if (!m)
        return RC_NOMEM;
    m->neg = neg;
    *out = &m->w.base;
    return RC_OK;
}
