/* qdump.c - an AST as one line of text, so parser tests read as tables
 * ({"a b -c", "OR([a b], -[c])"}) and a puzzling query can be looked at. */
#include <stdio.h>

#include "internal.h"

static void put(buf_t *b, const char *s, rc_t *prc)
{
    buf_append_str(b, s, prc);
}

static void kids(const sr_qnode *q, buf_t *b, rc_t *prc)
{
    put(b, "(", prc);
    for (size_t i = 0; i < q->n_kids; i++) {
        if (i)
            put(b, ", ", prc);
        sr_qnode_dump(q->kids[i], b, prc);
    }
    put(b, ")", prc);
}

void sr_qnode_dump(const sr_qnode *q, buf_t *b, rc_t *prc)
{
    if (q->mark == SR_MARK_REQUIRED)
        put(b, "+", prc);
    else if (q->mark == SR_MARK_PROHIBITED)
        put(b, "-", prc);
    switch (q->kind) {
    case SR_Q_TEXT:
        put(b, "[", prc);
        buf_append(b, q->text, q->len, prc);
        put(b, "]", prc);
        break;
    case SR_Q_PHRASE:
    case SR_Q_SOURCE:
        put(b, q->kind == SR_Q_SOURCE ? "source:\"" : "\"", prc);
        buf_append(b, q->text, q->len, prc);
        put(b, "\"", prc);
        break;
    case SR_Q_PREFIX:
        buf_append(b, q->text, q->len, prc);
        put(b, "*", prc);
        break;
    case SR_Q_NEAR: {
        char n[24];
        snprintf(n, sizeof n, "NEAR/%u", q->near);
        put(b, n, prc);
        kids(q, b, prc);
        break;
    }
    case SR_Q_AND:
    case SR_Q_OR:
        put(b, q->kind == SR_Q_AND ? "AND" : "OR", prc);
        kids(q, b, prc);
        break;
    case SR_Q_XL:
        put(b, "xl:", prc);
        sr_qnode_dump(q->kids[0], b, prc);
        break;
    case SR_Q_TITLE:
        put(b, "title:", prc);
        sr_qnode_dump(q->kids[0], b, prc);
        break;
    case SR_Q_LANG:
        put(b, "lang:", prc);
        buf_append(b, q->text, q->len, prc);
        break;
    case SR_Q_DATE:
        put(b, "date:", prc);
        put(b, q->date_lo, prc);
        put(b, "..", prc);
        put(b, q->date_hi, prc);
        break;
    }
}
