/* query.c - query text to an AST.  Free text only: the whole query is one
 * SR_Q_TEXT node that the planner analyzes and combines with the default
 * operator. */
#include <string.h>

#include "internal.h"

rc_t sr_parse(arena_t *a, const char *query, size_t len, sr_qnode **out, size_t *err_col,
              err_t *err)
{
    *out = NULL;
    size_t i = 0;
    while (i < len && (query[i] == ' ' || query[i] == '\t' || query[i] == '\r' || query[i] == '\n'))
        i++;
    if (i == len) {
        *err_col = 1;
        return err_set(err, RC_BADINPUT, "column 1: empty query");
    }
    sr_qnode *n = arena_alloc(a, sizeof *n);
    if (!n)
        return err_set(err, RC_NOMEM, "out of memory parsing the query");
    memset(n, 0, sizeof *n);
    n->kind = SR_Q_TEXT;
    n->text = query;
    n->len = len;
    n->col = 1;
    *out = n;
    return RC_OK;
}
