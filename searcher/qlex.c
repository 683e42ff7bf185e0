/* qlex.c - the tokens of the query language.
 *
 * Free text has to stay free text: the benchmark questions and what people
 * paste into a search box are full of ? , ( ) " : - * and none of that may
 * turn a question into an error or change what it asks for more than the
 * user meant.  So the scanner is deliberately narrow:
 *   - AND, OR, NOT and NEAR/n are operators only in upper case and only as
 *     whole words;
 *   - '+' and '-' mark a word only at its start, after whitespace, '(' or
 *     the start of the query, and only when something follows ("x-ray",
 *     "COVID-19" and "- -" are text);
 *   - a ':' makes a field only after one of the known names (lang, source,
 *     title, date, xl) in lower case ("4:51", "nutrition:" are text);
 *   - '*' makes a prefix only at the end of a word, right after a letter or
 *     digit ("5 * 3" is text);
 *   - '(' ')' and '"' are always structure.  Natural text with unbalanced
 *     ones is a syntax error; batch runs fall back to plain words (see
 *     sr_options.lenient), as Xapian's QueryParser retries without operator
 *     flags after a "parse error".
 * Everything else ('?', ',', '.', full-width punctuation) is part of a word
 * and the analyzer drops it, exactly as it does in documents.
 */
#include <string.h>

#include "internal.h"

/* Whitespace that separates words: ASCII space, tab, CR, LF, VT, FF, and
 * the no-break and ideographic spaces.  *n receives its byte length. */
int sr_lex_is_space(const char *q, size_t len, size_t i, size_t *n)
{
    unsigned char c = (unsigned char)q[i];
    *n = 1;
    if (c == ' ' || (c >= '\t' && c <= '\r'))
        return 1;
    if (c == 0xC2 && i + 1 < len && (unsigned char)q[i + 1] == 0xA0) {
        *n = 2;
        return 1;
    }
    if (c == 0xE3 && i + 2 < len && (unsigned char)q[i + 1] == 0x80 &&
        (unsigned char)q[i + 2] == 0x80) {
        *n = 3;
        return 1;
    }
    return 0;
}

static int ends_word(const char *q, size_t len, size_t i)
{
    size_t n;
    return q[i] == '(' || q[i] == ')' || q[i] == '"' || sr_lex_is_space(q, len, i, &n);
}

size_t sr_col(const char *s, size_t off)
{
    size_t col = 1;
    for (size_t i = 0; i < off; i++)
        col += ((unsigned char)s[i] & 0xC0) != 0x80;
    return col;
}

static int word_is(const char *q, size_t start, size_t end, const char *w)
{
    size_t n = strlen(w);
    return end - start == n && !memcmp(q + start, w, n);
}

static const char *const fields[] = {"lang", "source", "title", "date", "xl"};

/* "name:" at the start of the word [start, end): the field's name length. */
static size_t field_name(const char *q, size_t start, size_t end)
{
    for (size_t f = 0; f < sizeof fields / sizeof fields[0]; f++) {
        size_t n = strlen(fields[f]);
        if (end - start > n && !memcmp(q + start, fields[f], n) && q[start + n] == ':')
            return n;
    }
    return 0;
}

/* NEAR/n: the distance after the slash. */
static rc_t near_distance(const char *q, size_t start, size_t end, sr_tok *t, size_t *err_at,
                          err_t *err)
{
    size_t k = start + 5;
    uint32_t n = 0;
    for (size_t i = k; i < end; i++) {
        if (q[i] < '0' || q[i] > '9' || n > SR_NEAR_MAX) {
            n = 0;
            break;
        }
        n = n * 10 + (uint32_t)(q[i] - '0');
    }
    if (k == end || n < 1 || n > SR_NEAR_MAX) {
        *err_at = k;
        return err_set(err, RC_BADINPUT,
                       "column %zu: NEAR/ needs a distance, a number from 1 to %d (as in NEAR/5)",
                       sr_col(q, k), SR_NEAR_MAX);
    }
    t->kind = SR_T_NEAR;
    t->near = n;
    return RC_OK;
}

static int is_word_char_before_star(unsigned char c)
{
    return c >= 0x80 || (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

/* A mark is '+' or '-' at a word start after space, '(' or the query start,
 * followed by something that can be marked. */
static int is_mark(const char *q, size_t len, size_t i)
{
    size_t n;
    if (q[i] != '+' && q[i] != '-')
        return 0;
    if (i > 0 && q[i - 1] != '(') {
        /* The byte before must end a whitespace sequence. */
        size_t j = i - 1;
        while (j > 0 && ((unsigned char)q[j] & 0xC0) == 0x80)
            j--;
        if (!sr_lex_is_space(q, len, j, &n) || j + n != i)
            return 0;
    }
    return i + 1 < len && q[i + 1] != ')' && !sr_lex_is_space(q, len, i + 1, &n);
}

rc_t sr_lex(const char *q, size_t len, size_t i, int ops, sr_tok *t, size_t *err_at,
            err_t *err)
{
    size_t n;
    while (i < len && sr_lex_is_space(q, len, i, &n))
        i += n;
    memset(t, 0, sizeof *t);
    t->at = t->start = t->end = t->next = i;
    if (i == len)
        return RC_OK;
    char c = q[i];
    if (c == '(' || c == ')') {
        t->kind = c == '(' ? SR_T_LPAREN : SR_T_RPAREN;
        t->next = i + 1;
        return RC_OK;
    }
    if (c == '"') {
        const char *close = memchr(q + i + 1, '"', len - i - 1);
        if (!close) {
            *err_at = i;
            return err_set(err, RC_BADINPUT,
                           "column %zu: the quote is never closed (a phrase needs a closing \")",
                           sr_col(q, i));
        }
        t->kind = SR_T_PHRASE;
        t->start = i + 1;
        t->end = (size_t)(close - q);
        t->next = t->end + 1;
        return RC_OK;
    }
    if (ops && is_mark(q, len, i)) {
        t->kind = c == '+' ? SR_T_PLUS : SR_T_MINUS;
        t->next = i + 1;
        return RC_OK;
    }
    size_t j = i;
    while (j < len && !ends_word(q, len, j))
        j++;
    t->kind = SR_T_WORD;
    t->start = i;
    t->end = t->next = j;
    if (ops) {
        if (word_is(q, i, j, "AND"))
            t->kind = SR_T_AND;
        else if (word_is(q, i, j, "OR"))
            t->kind = SR_T_OR;
        else if (word_is(q, i, j, "NOT"))
            t->kind = SR_T_NOT;
        else if (j - i >= 5 && !memcmp(q + i, "NEAR/", 5))
            return near_distance(q, i, j, t, err_at, err);
        else if ((n = field_name(q, i, j)) > 0) {
            t->kind = SR_T_FIELD;
            t->end = i + n;
            t->next = i + n + 1;
        }
        if (t->kind != SR_T_WORD)
            return RC_OK;
    }
    if (j - i >= 2 && q[j - 1] == '*' && is_word_char_before_star((unsigned char)q[j - 2])) {
        t->kind = SR_T_PREFIX;
        t->end = j - 1;
    }
    return RC_OK;
}
