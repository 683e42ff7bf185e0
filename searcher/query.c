/* query.c - query text to an AST, by recursive descent over the tokens of
 * qlex.c.  The grammar, loosest binding first:
 *
 *   query   := or_list END
 *   or_list := and_list ( OR and_list | and_list )*      juxtaposition when the
 *   and_list:= near ( AND near | NOT near | near )*       default op is OR / AND
 *   near    := unary ( NEAR/n unary )*                    words and phrases only
 *   unary   := ( '+' | '-' | NOT ) primary | primary
 *   primary := WORD | PREFIX | PHRASE | '(' or_list ')' | field
 *   field   := title:(WORD | PREFIX | PHRASE | '(' or_list ')')
 *            | xl:(WORD | PREFIX | PHRASE | '(' or_list ')') | 'xl:' SPACE or_list
 *            | lang:CODE[,CODE...] | source:VALUE | source:"VALUE" | date:RANGE
 *
 * So precedence is NOT > AND > OR, and juxtaposition is whichever of AND
 * and OR is the default: "a b AND c" is a OR (b AND c), and with --and
 * "a b OR c" is (a AND b) OR c.  "a NOT b" is a AND NOT b.  Marks follow
 * Lucene: in a list joined by OR, +x must match, -x must not, and the other
 * items are optional (they rank; at least one must match when nothing is
 * required).
 *
 * Adjacent free words joined implicitly become one TEXT node ("a b c" is
 * [a b c]), so a query without operators is one TEXT node, analyzed as one
 * text, exactly as before the query language existed; nested OR groups are
 * flattened into their parent for the same reason.
 *
 * Errors name the column (1-based, in characters) of the token to blame and
 * set *err_col to it; the limits in internal.h bound memory and recursion.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "../common/utf8.h"
#include "internal.h"

typedef struct {
    const char *q;
    size_t len;
    arena_t *a;
    unsigned flags;
    sr_tok tok;       /* lookahead */
    int depth;        /* open parentheses */
    int in_title;
    size_t n_words;
    size_t *err_col;
    err_t *err;
    size_t col_at, col;   /* column of byte col_at, for node columns */
} parser;

typedef struct {
    sr_qnode **v;
    size_t n, cap;
} kidvec;

static rc_t perr(parser *p, size_t at, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* A syntax error at byte offset at: "column N: <message>". */
static rc_t perr(parser *p, size_t at, const char *fmt, ...)
{
    char msg[ERR_MSG_MAX - 32];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    *p->err_col = sr_col(p->q, at);
    return err_set(p->err, RC_BADINPUT, "column %zu: %s", *p->err_col, msg);
}

static rc_t nomem(parser *p)
{
    return err_set(p->err, RC_NOMEM, "out of memory parsing the query");
}

static rc_t lex_at(parser *p, size_t i, int ops)
{
    size_t at = 0;
    rc_t rc = sr_lex(p->q, p->len, i, ops, &p->tok, &at, p->err);
    if (rc != RC_OK)
        *p->err_col = sr_col(p->q, at);
    return rc;
}

static rc_t advance(parser *p)
{
    return lex_at(p, p->tok.next, 1);
}

static sr_qnode *node(parser *p, sr_qkind kind, size_t at)
{
    sr_qnode *n = arena_alloc(p->a, sizeof *n);
    if (n) {
        memset(n, 0, sizeof *n);
        n->kind = kind;
        /* Nodes come mostly left to right: count on from the last one
         * (from the start for each node, a long query cost O(n^2)). */
        if (at < p->col_at)
            p->col_at = 0, p->col = 1;
        p->col += sr_col(p->q + p->col_at, at - p->col_at) - 1;
        p->col_at = at;
        n->col = p->col;
    }
    return n;
}

static int push(parser *p, kidvec *v, sr_qnode *n)
{
    if (!arena_grow(p->a, (void **)&v->v, &v->cap, v->n, sizeof *v->v))
        return 0;
    v->v[v->n++] = n;
    return 1;
}

static int starts_unary(sr_tkind k)
{
    return k == SR_T_WORD || k == SR_T_PREFIX || k == SR_T_PHRASE || k == SR_T_LPAREN ||
           k == SR_T_FIELD || k == SR_T_PLUS || k == SR_T_MINUS;
}

static const char *tok_name(sr_tkind k)
{
    switch (k) {
    case SR_T_AND: return "AND";
    case SR_T_OR: return "OR";
    case SR_T_NOT: return "NOT";
    case SR_T_PLUS: return "'+'";
    case SR_T_MINUS: return "'-'";
    default: return "NEAR";
    }
}

static rc_t count_words(parser *p, size_t at, size_t n)
{
    p->n_words += n;
    if (p->n_words > SR_QUERY_MAX_WORDS)
        return perr(p, at, "the query has more than %d words", SR_QUERY_MAX_WORDS);
    return RC_OK;
}

/* Whitespace-separated words in q[start, end) (a phrase's content). */
static size_t words_in(const char *q, size_t start, size_t end)
{
    size_t n = 0, sp;
    int in = 0;
    for (size_t i = start; i < end; i++) {
        int s = sr_lex_is_space(q, end, i, &sp);
        n += !s && !in;
        in = !s;
        if (s)
            i += sp - 1;
    }
    return n;
}

static int only_space(const char *q, size_t start, size_t end)
{
    size_t n;
    for (size_t i = start; i < end; i += n)
        if (!sr_lex_is_space(q, end, i, &n))
            return 0;
    return 1;
}

static int is_filter(const sr_qnode *q)
{
    if (q->kind == SR_Q_LANG || q->kind == SR_Q_SOURCE || q->kind == SR_Q_DATE)
        return 1;
    for (size_t i = 0; i < q->n_kids && q->kind != SR_Q_TITLE; i++)
        if (is_filter(q->kids[i]))
            return 1;
    return 0;
}

/* Add kid to a list of kind `kind`: splice a nested list of the same kind
 * (an OR only when it is a plain disjunction of words: how filters combine
 * depends on their group), and join free words that only whitespace
 * separates. */
static int add_kid(parser *p, kidvec *v, sr_qkind kind, sr_qnode *k)
{
    if (k->kind == kind && k->mark == SR_MARK_NONE) {
        int plain = 1;
        for (size_t i = 0; i < k->n_kids && kind == SR_Q_OR; i++)
            plain &= k->kids[i]->mark == SR_MARK_NONE && !is_filter(k->kids[i]);
        if (plain) {
            for (size_t i = 0; i < k->n_kids; i++)
                if (!add_kid(p, v, kind, k->kids[i]))
                    return 0;
            return 1;
        }
    }
    sr_qnode *prev = v->n ? v->v[v->n - 1] : NULL;
    if (prev && prev->kind == SR_Q_TEXT && k->kind == SR_Q_TEXT && !prev->mark && !k->mark &&
        k->text >= prev->text + prev->len &&
        only_space(p->q, (size_t)(prev->text + prev->len - p->q), (size_t)(k->text - p->q))) {
        prev->len = (size_t)(k->text + k->len - prev->text);
        return 1;
    }
    return push(p, v, k);
}

static rc_t list_node(parser *p, sr_qkind kind, kidvec *v, size_t at, int explicit_or,
                      sr_qnode **out)
{
    if (v->n == 1) {
        *out = v->v[0];
        return RC_OK;
    }
    sr_qnode *n = node(p, kind, at);
    if (!n)
        return nomem(p);
    n->kids = v->v;
    n->n_kids = v->n;
    n->explicit_or = kind == SR_Q_OR && explicit_or;
    *out = n;
    return RC_OK;
}

static rc_t parse_or(parser *p, sr_qnode **out);

/* Language codes: letters, optionally with a region ("pt-BR"), comma-separated. */
static rc_t check_langs(parser *p, size_t start, size_t end)
{
    size_t i = start;
    while (i <= end) {
        size_t s = i, letters = 0;
        while (i < end && ((p->q[i] | 0x20) >= 'a' && (p->q[i] | 0x20) <= 'z'))
            i++, letters++;
        while (i < end && letters && (p->q[i] == '-' || p->q[i] == '_' ||
                                      ((p->q[i] | 0x20) >= 'a' && (p->q[i] | 0x20) <= 'z') ||
                                      (p->q[i] >= '0' && p->q[i] <= '9')))
            i++;
        if (letters < 2 || letters > 8 || (i < end && p->q[i] != ','))
            return perr(p, s, "'%.*s' is not a language code (such as en, ru or zh)",
                        (int)(end - start > 40 ? 40 : end - start), p->q + start);
        i++;
    }
    return RC_OK;
}

/* The value of lang:, source: or date: ends at whitespace or ')'; source:
 * may be quoted. */
static rc_t filter_value(parser *p, sr_qnode *n, size_t at, size_t v, const char *name)
{
    size_t end = v, sp;
    if (n->kind == SR_Q_SOURCE && v < p->len && p->q[v] == '"') {
        const char *close = memchr(p->q + v + 1, '"', p->len - v - 1);
        if (!close)
            return perr(p, v, "the quote is never closed (a quoted value needs a closing \")");
        n->text = p->q + v + 1;
        n->len = (size_t)(close - n->text);
        end = (size_t)(close - p->q) + 1;
    } else {
        while (end < p->len && p->q[end] != ')' && !sr_lex_is_space(p->q, p->len, end, &sp))
            end++;
        n->text = p->q + v;
        n->len = end - v;
    }
    if (n->len == 0)
        return perr(p, at, "%s: needs a value", name);
    rc_t rc = RC_OK;
    if (n->kind == SR_Q_LANG)
        rc = check_langs(p, v, end);
    else if (n->kind == SR_Q_DATE) {
        size_t bad = v;
        rc = sr_date_range(p->q, v, end - v, n->date_lo, n->date_hi, &bad, p->err);
        if (rc != RC_OK)
            *p->err_col = sr_col(p->q, bad);
    }
    if (rc == RC_OK)
        rc = lex_at(p, end, 1);
    return rc;
}

static rc_t parse_primary(parser *p, sr_qnode **out);

static rc_t parse_or(parser *p, sr_qnode **out);

static rc_t parse_xl_rest(parser *p, size_t at, size_t v, sr_qnode **out)
{
    rc_t rc = lex_at(p, v, 1);
    if (rc != RC_OK)
        return rc;
    if (p->tok.kind == SR_T_END || p->tok.kind == SR_T_RPAREN)
        return perr(p, at, "xl: needs something to expand, as in xl:telemedicine or "
                           "xl: artificial intelligence");
    sr_qnode *n = node(p, SR_Q_XL, at);
    if (!n || !(n->kids = arena_alloc(p->a, sizeof *n->kids)))
        return nomem(p);
    n->n_kids = 1;
    *out = n;
    return parse_or(p, &n->kids[0]);
}

static rc_t parse_field(parser *p, sr_qnode **out)
{
    static const struct {
        const char *name, *example;
        sr_qkind kind;
    } kinds[] = {
        {"title", "title:genomics or title:\"machine learning\"", SR_Q_TITLE},
        {"lang", "lang:ru or lang:en,zh", SR_Q_LANG},
        {"source", "source:reuters or source:\"BBC News\"", SR_Q_SOURCE},
        {"date", "date:2025, date:2025-06, date:2025-01-01..2025-06-30 or date:>=2025-06",
         SR_Q_DATE},
        {"xl", "xl:telemedicine or xl:\"artificial intelligence\"", SR_Q_XL},
    };
    size_t at = p->tok.at, v = p->tok.next, k = 0, sp;
    size_t name_len = p->tok.end - p->tok.start;
    while (strlen(kinds[k].name) != name_len || memcmp(kinds[k].name, p->q + at, name_len))
        k++;
    int wrapper = kinds[k].kind == SR_Q_TITLE || kinds[k].kind == SR_Q_XL;
    if (p->in_title && !wrapper)
        return perr(p, at, "%s: cannot be used inside title:", kinds[k].name);
    /* "xl: words..." (a space after the colon) expands the rest of the
     * query, or of its group. */
    if (kinds[k].kind == SR_Q_XL && (v >= p->len || sr_lex_is_space(p->q, p->len, v, &sp)))
        return parse_xl_rest(p, at, v, out);
    if (v >= p->len || p->q[v] == ')' || sr_lex_is_space(p->q, p->len, v, &sp))
        return perr(p, at, "%s: needs a value right after the colon, as in %s", kinds[k].name,
                    kinds[k].example);
    sr_qnode *n = node(p, kinds[k].kind, at);
    if (!n)
        return nomem(p);
    *out = n;
    if (!wrapper)
        return filter_value(p, n, at, v, kinds[k].name);
    /* title: takes a word, a prefix, a phrase or a group; AND/OR/NOT right
     * after the colon are just words. */
    rc_t rc = lex_at(p, v, 0);
    if (rc != RC_OK)
        return rc;
    n->kids = arena_alloc(p->a, sizeof *n->kids);
    if (!n->kids)
        return nomem(p);
    n->n_kids = 1;
    int title = n->kind == SR_Q_TITLE;
    p->in_title += title;
    rc = parse_primary(p, &n->kids[0]);
    p->in_title -= title;
    return rc;
}

static rc_t parse_group(parser *p, sr_qnode **out)
{
    size_t at = p->tok.at;
    if (p->depth == SR_QUERY_MAX_DEPTH)
        return perr(p, at, "parentheses are nested more than %d deep", SR_QUERY_MAX_DEPTH);
    rc_t rc = advance(p);
    if (rc != RC_OK)
        return rc;
    if (p->tok.kind == SR_T_RPAREN)
        return perr(p, at, "empty parentheses");
    p->depth++;
    if ((rc = parse_or(p, out)) != RC_OK)
        return rc;
    p->depth--;
    if (p->tok.kind != SR_T_RPAREN)
        return perr(p, at, "'(' is never closed");
    return advance(p);
}

static rc_t parse_primary(parser *p, sr_qnode **out)
{
    sr_tok t = p->tok;
    rc_t rc;
    switch (t.kind) {
    case SR_T_WORD:
    case SR_T_PREFIX:
    case SR_T_PHRASE: {
        size_t n_words = t.kind == SR_T_PHRASE ? words_in(p->q, t.start, t.end) : 1;
        if ((rc = count_words(p, t.at, n_words)) != RC_OK)
            return rc;
        sr_qnode *n = node(p, t.kind == SR_T_WORD     ? SR_Q_TEXT
                              : t.kind == SR_T_PREFIX ? SR_Q_PREFIX
                                                      : SR_Q_PHRASE,
                           t.at);
        if (!n)
            return nomem(p);
        n->text = p->q + t.start;
        n->len = t.end - t.start;
        *out = n;
        return advance(p);
    }
    case SR_T_LPAREN: return parse_group(p, out);
    case SR_T_FIELD: return parse_field(p, out);
    case SR_T_RPAREN: return perr(p, t.at, "')' without a matching '('");
    case SR_T_END: return perr(p, t.at, "the query ends where a word was expected");
    case SR_T_NEAR: return perr(p, t.at, "NEAR/%u has nothing before it", t.near);
    default: return perr(p, t.at, "%s has nothing before it", tok_name(t.kind));
    }
}

static rc_t parse_unary(parser *p, sr_qnode **out)
{
    sr_tkind k = p->tok.kind;
    if (k != SR_T_PLUS && k != SR_T_MINUS && k != SR_T_NOT)
        return parse_primary(p, out);
    size_t at = p->tok.at;
    rc_t rc = advance(p);
    if (rc != RC_OK)
        return rc;
    if (!starts_unary(p->tok.kind) || p->tok.kind == SR_T_PLUS || p->tok.kind == SR_T_MINUS)
        return perr(p, at, "%s must be followed by a word, a phrase, a field or a group",
                    tok_name(k));
    sr_qnode *n;
    if ((rc = parse_primary(p, &n)) != RC_OK)
        return rc;
    if (n->mark != SR_MARK_NONE) {
        /* -(+a): keep the inner mark inside a group of its own. */
        kidvec v = {0};
        sr_qnode *g = node(p, SR_Q_OR, at);
        if (!g || !push(p, &v, n))
            return nomem(p);
        g->kids = v.v;
        g->n_kids = 1;
        n = g;
    }
    n->mark = k == SR_T_PLUS ? SR_MARK_REQUIRED : SR_MARK_PROHIBITED;
    *out = n;
    return RC_OK;
}

static rc_t near_operand(parser *p, const sr_qnode *n, uint32_t dist)
{
    if (n->mark == SR_MARK_NONE &&
        (n->kind == SR_Q_PHRASE ||
         (n->kind == SR_Q_TEXT &&
          words_in(p->q, (size_t)(n->text - p->q), (size_t)(n->text - p->q) + n->len) == 1)))
        return RC_OK;
    *p->err_col = n->col;
    return err_set(p->err, RC_BADINPUT,
                   "column %zu: NEAR/%u joins words and phrases only (no groups, fields, "
                   "prefixes or marks)", n->col, dist);
}

static rc_t parse_near(parser *p, sr_qnode **out)
{
    sr_qnode *left;
    rc_t rc = parse_unary(p, &left);
    if (rc != RC_OK || p->tok.kind != SR_T_NEAR) {
        *out = left;
        return rc;
    }
    uint32_t dist = p->tok.near;
    sr_qnode *n = node(p, SR_Q_NEAR, p->tok.at);
    kidvec v = {0};
    if (!n || !push(p, &v, left))
        return nomem(p);
    if ((rc = near_operand(p, left, dist)) != RC_OK)
        return rc;
    while (p->tok.kind == SR_T_NEAR) {
        size_t at = p->tok.at;
        if (p->tok.near != dist)
            return perr(p, at, "a chain of NEAR needs one distance (NEAR/%u here, NEAR/%u before)",
                        p->tok.near, dist);
        if ((rc = advance(p)) != RC_OK)
            return rc;
        if (!starts_unary(p->tok.kind))
            return perr(p, at, "NEAR/%u has nothing after it", dist);
        sr_qnode *right;
        if ((rc = parse_unary(p, &right)) != RC_OK || (rc = near_operand(p, right, dist)) != RC_OK)
            return rc;
        if (!push(p, &v, right))
            return nomem(p);
    }
    n->near = dist;
    n->kids = v.v;
    n->n_kids = v.n;
    *out = n;
    return RC_OK;
}

/* The operator at the lookahead (AND or OR) must have a right operand. */
static rc_t binary_op(parser *p)
{
    sr_tok op = p->tok;
    rc_t rc = advance(p);
    if (rc == RC_OK && !starts_unary(p->tok.kind) && p->tok.kind != SR_T_NOT)
        return perr(p, op.at, "%s has nothing after it", tok_name(op.kind));
    return rc;
}

static rc_t parse_and(parser *p, sr_qnode **out)
{
    kidvec v = {0};
    size_t at = p->tok.at;
    int implicit = (p->flags & SR_PARSE_AND) != 0;
    for (;;) {
        sr_qnode *k = NULL;
        rc_t rc = parse_near(p, &k);
        if (rc != RC_OK)
            return rc;
        if (!add_kid(p, &v, SR_Q_AND, k))
            return nomem(p);
        if (p->tok.kind == SR_T_AND) {
            if ((rc = binary_op(p)) != RC_OK)
                return rc;
        } else if (p->tok.kind != SR_T_NOT && !(implicit && starts_unary(p->tok.kind)))
            break;
    }
    return list_node(p, SR_Q_AND, &v, at, 0, out);
}

static rc_t parse_or(parser *p, sr_qnode **out)
{
    kidvec v = {0};
    size_t at = p->tok.at;
    int implicit = !(p->flags & SR_PARSE_AND), juxtaposed = 0;
    for (;;) {
        sr_qnode *k = NULL;
        rc_t rc = parse_and(p, &k);
        if (rc != RC_OK)
            return rc;
        if (!add_kid(p, &v, SR_Q_OR, k))
            return nomem(p);
        if (p->tok.kind == SR_T_OR) {
            if ((rc = binary_op(p)) != RC_OK)
                return rc;
        } else if (implicit && starts_unary(p->tok.kind)) {
            juxtaposed = 1;
        } else {
            break;
        }
    }
    return list_node(p, SR_Q_OR, &v, at, !juxtaposed, out);
}

static rc_t parse_plain(parser *p, sr_qnode **out)
{
    size_t seen = 0, sp;
    for (size_t i = 0; i < p->len;) {
        if (sr_lex_is_space(p->q, p->len, i, &sp)) {
            i += sp;
            continue;
        }
        if (++seen > SR_QUERY_MAX_WORDS)
            return perr(p, i, "the query has more than %d words", SR_QUERY_MAX_WORDS);
        while (i < p->len && !sr_lex_is_space(p->q, p->len, i, &sp))
            i++;
    }
    sr_qnode *n = node(p, SR_Q_TEXT, 0);
    if (!n)
        return nomem(p);
    n->text = p->q;
    n->len = p->len;
    *out = n;
    return RC_OK;
}

rc_t sr_parse(arena_t *a, const char *query, size_t len, unsigned flags, sr_qnode **out,
              size_t *err_col, err_t *err)
{
    parser p = {.q = query, .len = len, .a = a, .flags = flags, .err_col = err_col, .err = err,
                .col_at = 0, .col = 1};
    *out = NULL;
    *err_col = 0;
    if (len > SR_QUERY_MAX_BYTES)
        return perr(&p, utf8_floor(query, SR_QUERY_MAX_BYTES),
                    "the query is %zu bytes long; the limit is %d", len, SR_QUERY_MAX_BYTES);
    if (only_space(query, 0, len))
        return perr(&p, 0, "empty query");
    if (flags & SR_PARSE_PLAIN)
        return parse_plain(&p, out);
    rc_t rc = lex_at(&p, 0, 1);
    if (rc == RC_OK)
        rc = parse_or(&p, out);
    if (rc == RC_OK && p.tok.kind != SR_T_END)
        rc = perr(&p, p.tok.at, "')' without a matching '('");
    if (rc != RC_OK)
        *out = NULL;
    return rc;
}
