/* doccache.c - the record of the document the iterators are on, read once
 * for all the filters and title: tests that look at it.  Records are read
 * from the snapshot (ix_doc_get lends them until ix_reader_end), so the
 * cache holds pointers, not copies. */
#include <string.h>

#include "internal.h"

rc_t sr_doccache_get(sr_doccache *c, uint32_t docid, const ix_docinfo **out, err_t *err)
{
    if (c->docid != docid) {
        c->state = ix_doc_get(c->r, docid, &c->di, err);
        if (c->state != RC_OK && c->state != RC_NOTFOUND)
            return c->state;
        c->docid = docid;
        c->title_known = 0;
    }
    *out = &c->di;
    return c->state;
}

static rc_t count_only(void *ctx, const an_token *t)
{
    (void)ctx;
    (void)t;
    return RC_OK;
}

rc_t sr_doccache_title_end(sr_doccache *c, uint32_t docid, uint32_t *out, err_t *err)
{
    const ix_docinfo *di;
    rc_t rc = sr_doccache_get(c, docid, &di, err);
    if (rc != RC_OK)
        return rc;
    if (!c->title_known) {
        c->title_end = di->title_end;
        if ((di->flags & IX_FLAG_TITLE_IN_TEXT) && di->title_len) {
            /* The indexer analyzed the text only, title included, from 0. */
            char lang[16];
            size_t n = di->lang_len < sizeof lang ? di->lang_len : sizeof lang - 1;
            memcpy(lang, di->lang, n);
            lang[n] = '\0';
            uint32_t pos = 0;
            rc = an_analyze(c->an, lang, di->title, di->title_len, &pos, count_only, NULL, err);
            if (rc != RC_OK)
                return rc;
            c->title_end = pos;
        }
        c->title_known = 1;
    }
    *out = c->title_end;
    return RC_OK;
}
