/* it_alldocs.c - every live document, in docid order, with score 0: the
 * base of a query that only filters (lang:ru date:2025) or only excludes
 * (-covid).  Liveness comes from the doclens table (256 lengths per read);
 * only a zero length (deleted, or a document of stopwords) costs a record
 * lookup. */
#include "internal.h"

typedef struct {
    sr_it base;
    ix_reader *r;
    uint32_t max;
} alldocs;

static rc_t find(alldocs *a, uint32_t d, err_t *err)
{
    for (; d <= a->max; d++) {
        if (ix_doc_len(a->r, d) > 0)
            break;
        ix_docinfo di;
        rc_t rc = ix_doc_get(a->r, d, &di, err);
        if (rc == RC_OK)
            break;
        if (rc != RC_NOTFOUND)
            return rc;
    }
    a->base.docid = d > a->max ? SR_END : d;
    return RC_OK;
}

static rc_t alldocs_next(sr_it *it, err_t *err)
{
    return it->docid == SR_END ? RC_OK : find((alldocs *)it, it->docid + 1, err);
}

static rc_t alldocs_skip_to(sr_it *it, uint32_t d, err_t *err)
{
    return find((alldocs *)it, d, err);
}

static double alldocs_score(sr_it *it)
{
    (void)it;
    return 0;
}

static const sr_it_ops alldocs_ops = {alldocs_next, alldocs_skip_to, alldocs_score, NULL, NULL,
                                      NULL};

rc_t sr_alldocs_new(arena_t *a, ix_reader *r, sr_it **out)
{
    alldocs *m = arena_alloc(a, sizeof *m);
    if (!m)
        return RC_NOMEM;
    *m = (alldocs){.base = {&alldocs_ops, 0, 0}, .r = r, .max = ix_reader_stats(r)->max_docid};
    *out = &m->base;
    return RC_OK;
}
