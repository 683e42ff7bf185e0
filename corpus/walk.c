/* walk.c - the list of input paths, with directories expanded recursively in
 * byte order of their names (so runs are reproducible).  Symbolic links to
 * directories below a given directory are not followed (no loops); a link
 * given on the command line is. */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "../common/mem.h"
#include "internal.h"

struct cp_walk {
    char **stack;   /* paths still to visit, last = next */
    size_t n, cap;
    char *current;
};

static rc_t push(cp_walk *w, char *path)
{
    if (!mem_grow((void **)&w->stack, &w->cap, w->n + 1, sizeof *w->stack)) {
        mem_free(path);
        return RC_NOMEM;
    }
    w->stack[w->n++] = path;
    return RC_OK;
}

/* "./a//b/" -> "a/b": ids of text files are paths, so spell them one way. */
static char *tidy_path(const char *p, size_t len)
{
    char *out = mem_alloc(len + 1);
    if (!out)
        return NULL;
    size_t j = 0;
    for (size_t i = 0; i < len; i++) {
        if (p[i] == '/' && j > 0 && out[j - 1] == '/')
            continue;
        out[j++] = p[i];
    }
    while (j > 1 && out[j - 1] == '/')
        j--;
    out[j] = '\0';
    while (j > 2 && out[0] == '.' && out[1] == '/') {
        memmove(out, out + 2, j - 1);
        j -= 2;
    }
    return out;
}

rc_t walk_open(const char *const *paths, size_t n, cp_walk **out)
{
    *out = NULL;
    cp_walk *w = mem_calloc(1, sizeof *w);
    if (!w)
        return RC_NOMEM;
    for (size_t i = n; i-- > 0;) {
        char *p = tidy_path(paths[i], strlen(paths[i]));
        if (!p || push(w, p) != RC_OK) {
            walk_close(w);
            return RC_NOMEM;
        }
    }
    *out = w;
    return RC_OK;
}

void walk_close(cp_walk *w)
{
    if (!w)
        return;
    for (size_t i = 0; i < w->n; i++)
        mem_free(w->stack[i]);
    mem_free(w->stack);
    mem_free(w->current);
    mem_free(w);
}

static int cmp_names(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static void warnf(void (*warn)(void *, const char *), void *ctx, const char *fmt, const char *a,
                  const char *b)
{
    if (!warn)
        return;
    char msg[1024];
    snprintf(msg, sizeof msg, fmt, a, b);
    warn(ctx, msg);
}

/* Push the entries of dir in reverse name order, so they pop in order. */
static rc_t expand_dir(cp_walk *w, const char *dir, void (*warn)(void *, const char *), void *ctx,
                       size_t *n_bad)
{
    DIR *d = opendir(dir);
    if (!d) {
        warnf(warn, ctx, "%s: cannot read directory: %s", dir, strerror(errno));
        (*n_bad)++;
        return RC_OK;
    }
    char **names = NULL;
    size_t n = 0, cap = 0;
    rc_t rc = RC_OK;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.')
            continue;
        if (!mem_grow((void **)&names, &cap, n + 1, sizeof *names)) {
            rc = RC_NOMEM;
            break;
        }
        size_t len = strlen(dir) + 1 + strlen(e->d_name);
        char *full = mem_alloc(len + 1);
        if (!full) {
            rc = RC_NOMEM;
            break;
        }
        snprintf(full, len + 1, "%s/%s", strcmp(dir, "/") ? dir : "", e->d_name);
        names[n++] = full;
    }
    closedir(d);
    if (rc == RC_OK && n)
        qsort(names, n, sizeof *names, cmp_names);
    for (size_t i = n; i-- > 0;) {
        if (rc == RC_OK) {
            struct stat st;
            /* Below a directory: regular files and real directories only. */
            if (lstat(names[i], &st) == 0 && (S_ISREG(st.st_mode) || S_ISDIR(st.st_mode))) {
                rc = push(w, names[i]);
                continue;
            }
        }
        mem_free(names[i]);
    }
    mem_free(names);
    return rc;
}

rc_t walk_next(cp_walk *w, const char **path, void (*warn)(void *, const char *), void *ctx,
               size_t *n_bad)
{
    for (;;) {
        mem_free(w->current);
        w->current = NULL;
        if (w->n == 0)
            return RC_NOTFOUND;
        char *p = w->stack[--w->n];
        w->current = p;
        if (!strcmp(p, "-")) {
            *path = p;
            return RC_OK;
        }
        struct stat st;
        if (stat(p, &st) != 0) {
            warnf(warn, ctx, "%s: %s", p, strerror(errno));
            (*n_bad)++;
            continue;
        }
        if (S_ISDIR(st.st_mode)) {
            w->current = NULL;
            rc_t rc = expand_dir(w, p, warn, ctx, n_bad);
            mem_free(p);
            if (rc != RC_OK)
                return rc;
            continue;
        }
        if (!S_ISREG(st.st_mode) && !S_ISFIFO(st.st_mode)) {
            warnf(warn, ctx, "%s: not a regular file, skipped%s", p, "");
            (*n_bad)++;
            continue;
        }
        *path = p;
        return RC_OK;
    }
}
