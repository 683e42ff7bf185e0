/* indexing.c - one document to its terms: runs the analyzer over title and
 * body and groups the positions by term (the per-document table that is then
 * merged into the batch, as RediSearch's ForwardIndex does). */
#include <string.h>

#include "../common/mem.h"
#include "../common/strmap.h"
#include "internal.h"

typedef struct {
    const char *term;
    uint32_t len;
    uint32_t count;
    uint32_t off;   /* into sorted[] */
    uint32_t hash;  /* strmap_hash() of term */
} dterm;

typedef struct {
    uint32_t tidx, pos;
} dtok;

struct ix_docterms {
    strmap map;
    dterm *terms;
    size_t n_terms, cap_terms;
    dtok *toks;
    size_t n_toks, cap_toks;
    uint32_t *sorted;
    size_t cap_sorted;
    uint32_t doclen;
    uint32_t max_pos;
    int truncated;
};

rc_t docterms_open(ix_docterms **out)
{
    *out = mem_calloc(1, sizeof **out);
    if (!*out)
        return RC_NOMEM;
    strmap_init(&(*out)->map);
    return RC_OK;
}

void docterms_close(ix_docterms *dt)
{
    if (!dt)
        return;
    strmap_free(&dt->map);
    mem_free(dt->terms);
    mem_free(dt->toks);
    mem_free(dt->sorted);
    mem_free(dt);
}

static rc_t on_token(void *ctx, const an_token *t)
{
    ix_docterms *dt = ctx;
    if (t->pos >= dt->max_pos) {
        /* RC_FULL stops an_analyze(); docterms_analyze() knows why. */
        dt->truncated = 1;
        return RC_FULL;
    }
    if (t->flags & AN_TOK_STOP)
        return RC_OK;
    if (!(t->flags & AN_TOK_OVERLAY))
        dt->doclen++;
    if (t->stem_len == 0 || t->stem_len > IX_TERM_MAX)
        return RC_OK;
    int added;
    /* The analyzer mostly hashed the stem already (strmap_hash() is that
     * hash's low half). */
    strmap_slot *s = (t->flags & AN_TOK_HASHED)
                         ? strmap_put_hashed(&dt->map, t->stem, t->stem_len, t->stem_hash, &added)
                         : strmap_put(&dt->map, t->stem, t->stem_len, &added);
    if (!s)
        return RC_NOMEM;
    /* Capacities checked here: mem_grow() is a call, and this runs for
     * every word. */
    if (added) {
        if (dt->n_terms == dt->cap_terms &&
            !mem_grow((void **)&dt->terms, &dt->cap_terms, dt->n_terms + 1, sizeof *dt->terms))
            return RC_NOMEM;
        dt->terms[dt->n_terms] = (dterm){s->key, s->len, 0, 0, s->hash};
        s->value = dt->n_terms++;
    }
    if (dt->n_toks == dt->cap_toks &&
        !mem_grow((void **)&dt->toks, &dt->cap_toks, dt->n_toks + 1, sizeof *dt->toks))
        return RC_NOMEM;
    dt->toks[dt->n_toks++] = (dtok){(uint32_t)s->value, t->pos};
    dt->terms[s->value].count++;
    return RC_OK;
}

rc_t docterms_analyze(ix_docterms *dt, an_analyzer *an, const char *lang, const char *title,
                      size_t title_len, int skip_title, const char *text, size_t text_len,
                      uint32_t max_pos, uint32_t *len, uint32_t *title_end, int *truncated,
                      err_t *err)
{
    strmap_clear(&dt->map);
    dt->n_terms = dt->n_toks = 0;
    dt->doclen = 0;
    dt->max_pos = max_pos;
    dt->truncated = 0;
    uint32_t pos = 0;
    rc_t rc = RC_OK;
    if (!skip_title && title_len)
        rc = an_analyze(an, lang, title, title_len, &pos, on_token, dt, err);
    *title_end = pos < max_pos ? pos : max_pos;
    if (rc == RC_OK && text_len && pos < max_pos) {
        pos += pos ? IX_FIELD_GAP : 0;
        rc = an_analyze(an, lang, text, text_len, &pos, on_token, dt, err);
    }
    if (rc == RC_FULL && dt->truncated)
        rc = RC_OK;
    *truncated = dt->truncated;
    if (rc == RC_NOMEM)
        return err_set(err, rc, "out of memory analyzing a document");
    if (rc != RC_OK)
        return rc;
    /* Group positions by term, keeping their order (a counting sort). */
    if (!mem_grow((void **)&dt->sorted, &dt->cap_sorted, dt->n_toks + 1, sizeof *dt->sorted))
        return err_set(err, RC_NOMEM, "out of memory analyzing a document");
    uint32_t off = 0;
    for (size_t i = 0; i < dt->n_terms; i++) {
        dt->terms[i].off = off;
        off += dt->terms[i].count;
        dt->terms[i].count = 0;
    }
    for (size_t i = 0; i < dt->n_toks; i++) {
        dterm *d = &dt->terms[dt->toks[i].tidx];
        dt->sorted[d->off + d->count++] = dt->toks[i].pos;
    }
    *len = dt->doclen;
    return RC_OK;
}

size_t docterms_n(const ix_docterms *dt)
{
    return dt->n_terms;
}

void docterms_get(const ix_docterms *dt, size_t i, const char **term, size_t *term_len,
                  const uint32_t **pos, uint32_t *n_pos)
{
    const dterm *d = &dt->terms[i];
    *term = d->term;
    *term_len = d->len;
    *pos = dt->sorted + d->off;
    *n_pos = d->count;
}

uint32_t docterms_hash(const ix_docterms *dt, size_t i)
{
    return dt->terms[i].hash;
}
