/* evalsets.h - the documents of ../shared/eval (or $SHARED/eval) as JSON
 * lines, for tests that compare two code paths on real data. */
#ifndef TESTS_EVALSETS_H
#define TESTS_EVALSETS_H

#include <stdio.h>
#include <stdlib.h>

static const char *const eval_sets[] = {"reuters21578", "ru_news_rt_ng", "cran", "med",
                                        "xquad/en", "xquad/ru", "xquad/zh", "cmrc2018"};
enum { N_EVAL_SETS = sizeof eval_sets / sizeof eval_sets[0] };

static inline const char *eval_shared(void)
{
    return getenv("SHARED") ? getenv("SHARED") : "../shared";
}

/* A pipe giving the lines of set's docs.jsonl (or of docs.jsonl.zst,
 * decompressed); no lines when the set is absent.  Close with pclose(). */
static inline FILE *eval_set_open(const char *set)
{
    char cmd[1024];
    snprintf(cmd, sizeof cmd,
             "f=%s/eval/%s/docs.jsonl; if [ -f $f ]; then cat $f; elif [ -f $f.zst ]; then "
             "zstd -qdc $f.zst; fi 2>/dev/null", eval_shared(), set);
    return popen(cmd, "r");
}

#endif
