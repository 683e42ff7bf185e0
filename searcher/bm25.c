/* bm25.c - Okapi BM25, the scorer every hit is ranked with.
 *
 *   score = qweight * idf * tf * (k1 + 1) / (tf + k1 * (1 - b + b * len / avg_len))
 *   idf   = ln(1 + (N - df + 0.5) / (df + 0.5))
 *
 * The idf is Lucene's "plus one" form: always positive, so a term that is
 * in more than half of the documents still adds a little instead of
 * subtracting (the classic Robertson-Sparck Jones idf goes negative there,
 * and FTS5 floors it at 1e-6 for that reason).  On ../shared/eval the two
 * rank alike (nDCG@10, this form vs the floored classic one: med 0.7074 /
 * 0.7092, cran 0.3733 / 0.3703, xquad en 0.9705 / 0.9715, ru 0.9538 /
 * 0.9531, zh 0.9662 / 0.9665, cmrc2018 0.9918 / 0.9918), so the form that
 * never lets a matching word lower a score wins.
 *
 * qweight counts a term repeated in the query: qtf * (k3 + 1) / (qtf + k3)
 * with k3 = 1.2 is sublinear, so "cancer cancer cancer" is not three times
 * "cancer".
 */
#include <math.h>
#include <string.h>

#include "internal.h"

enum { K3_TIMES_10 = 12 };

static void bm25_init_term(sr_termweight *w, const sr_collection *c, uint32_t df, uint32_t qtf)
{
    double n = c->n_docs, d = df;
    w->idf = log(1.0 + (n - d + 0.5) / (d + 0.5));
    double k3 = K3_TIMES_10 / 10.0;
    w->qweight = qtf <= 1 ? 1.0 : qtf * (k3 + 1.0) / (qtf + k3);
    w->k1 = c->k1;
    w->b = c->b;
    w->avg_len = c->avg_len > 0 ? c->avg_len : 1.0;
}

static double bm25_score(const sr_termweight *w, uint32_t tf, uint32_t doc_len)
{
    double t = tf;
    double norm = w->k1 * (1.0 - w->b + w->b * (double)doc_len / w->avg_len);
    return w->qweight * w->idf * t * (w->k1 + 1.0) / (t + norm);
}

static double bm25_max(const sr_termweight *w)
{
    return w->qweight * w->idf * (w->k1 + 1.0);
}

static double bm25_block_max(const sr_termweight *w, uint32_t max_tf, uint32_t min_len)
{
    return bm25_score(w, max_tf, min_len);
}

static const sr_scorer scorers[] = {
    {"bm25", bm25_init_term, bm25_score, bm25_max, bm25_block_max},
};

const sr_scorer *sr_scorer_find(const char *name)
{
    for (size_t i = 0; i < sizeof scorers / sizeof scorers[0]; i++)
        if (!strcmp(scorers[i].name, name))
            return &scorers[i];
    return NULL;
}
