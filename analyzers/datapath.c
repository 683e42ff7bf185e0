/* datapath.c - where run-time data files (glossary.tsv) are found.  One
 * lookup for every program, so an installed binary, one run from the source
 * tree and a test with its own data directory all behave the same:
 *   1. $HEALTHAI_SEARCH_DATADIR, when set (tests, unusual layouts);
 *   2. <dir of /proc/self/exe>/../share/healthai-search/ (make install);
 *   3. <dir of /proc/self/exe>/../analyzers/data/ (bin/ of the source tree).
 * The first directory that holds the file wins; with the variable set, only
 * it is looked at, so a test never picks up an installed copy by accident. */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "an.h"

static int exists(const char *path)
{
    return access(path, R_OK) == 0;
}

/* dir/name into out; 0 when it does not fit. */
static int join(char *out, size_t cap, const char *dir, const char *name)
{
    int n = snprintf(out, cap, "%s/%s", dir, name);
    return n > 0 && (size_t)n < cap;
}

rc_t an_data_path(const char *name, char *out, size_t cap, err_t *err)
{
    const char *env = getenv("HEALTHAI_SEARCH_DATADIR");
    if (env && *env) {
        if (join(out, cap, env, name) && exists(out))
            return RC_OK;
        return err_set(err, RC_NOTFOUND, "%s not found in $HEALTHAI_SEARCH_DATADIR (%s)", name,
                       env);
    }
    char exe[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (n > 0) {
        exe[n] = '\0';
        char *slash = strrchr(exe, '/');
        if (slash)
            *slash = '\0';
        static const char *const rel[] = {"../share/healthai-search", "../analyzers/data"};
        for (size_t i = 0; i < sizeof rel / sizeof *rel; i++) {
            char dir[PATH_MAX + 32];
            snprintf(dir, sizeof dir, "%s/%s", exe, rel[i]);
            if (join(out, cap, dir, name) && exists(out))
                return RC_OK;
        }
    }
    return err_set(err, RC_NOTFOUND,
                   "%s not found (looked in $HEALTHAI_SEARCH_DATADIR, then "
                   "../share/healthai-search/ and ../analyzers/data/ next to the program)",
                   name);
}
