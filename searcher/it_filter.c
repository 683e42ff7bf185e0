/* it_filter.c - field filters: lang:, source:, date: and AND/OR/NOT of
 * them, tested on each candidate's document record.  A filter next to
 * words restricts them whatever the default operator is ("sepsis lang:en"
 * never means "sepsis, or anything in English").  Filters side by side
 * combine by field (see list_match); a written OR between filters is an OR.  The filter is applied
 * to candidates from the rest of the query, so its cost is one record read
 * per candidate; a query of filters alone walks every document.
 *
 *   lang:ru,zh      the record's language (primary subtag) is one of them
 *   source:reuters  the source contains the text, ASCII case-insensitively
 *   date:...        the record's date is inside the range (no date: no match)
 */
#include <string.h>

#include "internal.h"

static char lower(char c)
{
    return c >= 'A' && c <= 'Z' ? (char)(c + 32) : c;
}

/* Primary subtag of a[0..an) equals b's (up to '-', '_' or the end). */
static int same_lang(const char *a, size_t an, const char *b, size_t bn)
{
    size_t i = 0;
    for (;; i++) {
        int ea = i == an || a[i] == '-' || a[i] == '_';
        int eb = i == bn || b[i] == '-' || b[i] == '_';
        if (ea || eb)
            return ea && eb;
        if (lower(a[i]) != lower(b[i]))
            return 0;
    }
}

static int lang_match(const sr_qnode *q, const ix_docinfo *di)
{
    const char *p = q->text, *end = q->text + q->len;
    while (p < end) {
        const char *comma = memchr(p, ',', (size_t)(end - p));
        const char *e = comma ? comma : end;
        if (same_lang(p, (size_t)(e - p), di->lang, di->lang_len))
            return 1;
        p = e + 1;
    }
    return 0;
}

static int source_match(const sr_qnode *q, const ix_docinfo *di)
{
    if (q->len > di->source_len)
        return 0;
    for (size_t i = 0; i + q->len <= di->source_len; i++) {
        size_t k = 0;
        while (k < q->len && lower(di->source[i + k]) == lower(q->text[k]))
            k++;
        if (k == q->len)
            return 1;
    }
    return 0;
}

static int date_match(const sr_qnode *q, const ix_docinfo *di)
{
    return di->date_len == 10 && (!q->date_lo[0] || memcmp(di->date, q->date_lo, 10) >= 0) &&
           (!q->date_hi[0] || memcmp(di->date, q->date_hi, 10) <= 0);
}

/* Which group an unmarked filter of an OR list belongs to. */
static int field_of(const sr_qnode *q)
{
    return q->kind == SR_Q_LANG ? 0 : q->kind == SR_Q_SOURCE ? 1 : q->kind == SR_Q_DATE ? 2 : 3;
}

/* A list's kids.  Marked kids: +x must match, -x must not.  Unmarked: in an
 * AND all must match; in an OR written with OR at least one (Lucene's
 * rules); in filters juxtaposed in OR mode ("lang:ru lang:zh date:2025")
 * at least one per field, as Xapian groups boolean prefixes: same field
 * ORed, different fields ANDed. */
static int list_match(const sr_qnode *q, const ix_docinfo *di)
{
    int seen[4] = {0}, hit[4] = {0}, any_required = 0;
    for (size_t i = 0; i < q->n_kids; i++) {
        const sr_qnode *k = q->kids[i];
        int m = sr_pred_match(k, di);
        if (k->mark == SR_MARK_PROHIBITED) {
            if (m)
                return 0;
        } else if (k->mark == SR_MARK_REQUIRED || q->kind == SR_Q_AND) {
            if (!m)
                return 0;
            any_required = 1;
        } else {
            int g = q->explicit_or ? 0 : field_of(k);
            if (g == 3 && !m)
                return 0;   /* a nested group is a field of its own */
            seen[g] = 1;
            hit[g] |= m;
        }
    }
    if (q->explicit_or)
        return any_required || !seen[0] || hit[0];
    for (int g = 0; g < 3; g++)
        if (seen[g] && !hit[g])
            return 0;
    return 1;
}

int sr_pred_match(const sr_qnode *q, const ix_docinfo *di)
{
    switch (q->kind) {
    case SR_Q_LANG: return lang_match(q, di);
    case SR_Q_SOURCE: return source_match(q, di);
    case SR_Q_DATE: return date_match(q, di);
    case SR_Q_AND:
    case SR_Q_OR: return list_match(q, di);
    default: return 0;
    }
}

typedef struct {
    sr_wrap w;
    const sr_qnode **preds;
    size_t n;
    sr_doccache *dc;
} filter_it;

static rc_t accept(sr_wrap *w, int *ok, err_t *err)
{
    filter_it *f = (filter_it *)w;
    const ix_docinfo *di;
    rc_t rc = sr_doccache_get(f->dc, w->kid->docid, &di, err);
    *ok = 0;
    if (rc == RC_NOTFOUND)
        return RC_OK;
    if (rc != RC_OK)
        return rc;
    size_t i = 0;
    while (i < f->n && sr_pred_match(f->preds[i], di) == (f->preds[i]->mark != SR_MARK_PROHIBITED))
        i++;
    *ok = i == f->n;
    return RC_OK;
}

static const sr_it_ops filter_ops = {sr_wrap_next, sr_wrap_skip_to, sr_wrap_score, NULL, NULL,
                                     sr_wrap_explain};

rc_t sr_filter_new(arena_t *a, sr_it *kid, const sr_qnode **preds, size_t n, sr_doccache *dc,
                   sr_it **out)
{
    filter_it *f = (filter_it *)sr_wrap_new(a, sizeof *f, &filter_ops, kid, accept);
    if (!f)
        return RC_NOMEM;
    f->preds = preds;
    f->n = n;
    f->dc = dc;
    *out = &f->w.base;
    return RC_OK;
}
