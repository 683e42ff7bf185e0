/* replay.c - runs a fuzz target's entry point without libFuzzer, so the
 * seeds and every crash found (tests/fuzz/corpus/<name>/) are replayed by
 * `make test` with the ordinary compiler and, with SANITIZE=1, under ASan.
 *   fuzz-replay-NAME [FILE|DIR ...]   default: FUZZ_SEEDS, set at build time
 * Prints TAP, one test per input.  A target reports a bug by aborting, so a
 * failure stops the run; the input is named on stderr first. */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv) __attribute__((weak));

static int n_run;

static int cmp(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static int run_file(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        printf("not ok %d - %s: cannot open\n", ++n_run, path);
        return 1;
    }
    size_t cap = 4096, len = 0;
    uint8_t *data = malloc(cap);
    size_t r;
    while (data && (r = fread(data + len, 1, cap - len, f)) > 0) {
        len += r;
        if (len == cap) {
            uint8_t *d = realloc(data, cap *= 2);
            if (!d)
                free(data);
            data = d;
        }
    }
    fclose(f);
    if (!data) {
        printf("not ok %d - %s: out of memory\n", ++n_run, path);
        return 1;
    }
    fprintf(stderr, "# replaying %s\n", path);
    fflush(stdout);
    /* An exact-size copy, so ASan catches a read one byte past the input. */
    uint8_t *exact = malloc(len ? len : 1);
    memcpy(exact, data, len);
    free(data);
    LLVMFuzzerTestOneInput(exact, len);
    free(exact);
    printf("ok %d - %s\n", ++n_run, path);
    return 0;
}

static int run_path(const char *path)
{
    struct stat st;
    if (stat(path, &st) != 0) {
        printf("not ok %d - %s: missing\n", ++n_run, path);
        return 1;
    }
    if (!S_ISDIR(st.st_mode))
        return run_file(path);
    DIR *d = opendir(path);
    if (!d)
        return 1;
    char **names = NULL;
    size_t n = 0;
    struct dirent *e;
    while ((e = readdir(d))) {
        if (e->d_name[0] == '.')
            continue;
        char **nn = realloc(names, (n + 1) * sizeof *names);
        if (!nn)
            break;
        names = nn;
        size_t l = strlen(path) + strlen(e->d_name) + 2;
        names[n] = malloc(l);
        snprintf(names[n++], l, "%s/%s", path, e->d_name);
    }
    closedir(d);
    qsort(names, n, sizeof *names, cmp);
    int bad = 0;
    for (size_t i = 0; i < n; i++) {
        bad |= run_file(names[i]);
        free(names[i]);
    }
    free(names);
    return bad;
}

int main(int argc, char **argv)
{
    if (LLVMFuzzerInitialize)
        LLVMFuzzerInitialize(&argc, &argv);
    int bad = 0;
    if (argc > 1)
        for (int i = 1; i < argc; i++)
            bad |= run_path(argv[i]);
    else
        bad = run_path(FUZZ_SEEDS);
    printf("1..%d\n", n_run);
    return bad;
}
