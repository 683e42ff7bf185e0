/* bin/indexer - build and update an index from news files.
 * Thin by design: parse the flags, call corpus/ and indexer/, print, and
 * choose the exit status (documented in --help and the README). */
#define _XOPEN_SOURCE 700 /* nftw */
#include <ftw.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "../common/cli.h"
#include "../common/mem.h"
#include "../corpus/cp.h"
#include "format.h"
#include "ix.h"

enum {
    EXIT_OK = 0,        /* the run finished, even if some documents were skipped */
    EXIT_NOINPUT = 1,   /* inputs were given but not one document could be read */
    EXIT_USAGE = 2,     /* bad command line */
    EXIT_INDEX = 3,     /* the index could not be opened, written or verified */
    EXIT_BUSY = 4,      /* another indexer kept the lock past --lock-timeout */
};

static const char usage_text[] =
    "usage: indexer --db DIR [options] PATH...\n"
    "       indexer --db DIR --stats | --check\n"
    "\n"
    "Index news documents into DIR (created if needed).  PATH may be a JSON Lines\n"
    "file (.jsonl/.ndjson/.json, optionally .zst), a plain-text news file, a\n"
    "directory (walked recursively), or - for JSON Lines on standard input.\n"
    "Running again over the same inputs is incremental: unchanged documents are\n"
    "skipped, changed ones replaced (by id), new ones added.  The whole run is one\n"
    "transaction: searchers see the old index or the new one, never a mix.\n"
    "\n"
    "Input that is not UTF-8 is detected and converted (GBK/GB18030, Big5,\n"
    "windows-1251, KOI8-R, windows-1252, UTF-16 with BOM, ...); mojibake is\n"
    "repaired; bytes that stay invalid become U+FFFD and are reported as\n"
    "file:line:byte.  Documents that cannot be used (broken JSON, binary, empty,\n"
    "too big) are reported and skipped; the run goes on.  The summary line counts\n"
    "read, indexed, converted, repaired and skipped documents (by reason).\n"
    "\n"
    "options:\n"
    "  --db DIR            index directory (required)\n"
    "  --rebuild           build a fresh index and switch to it atomically\n"
    "  --prune             remove documents that are not in the given inputs\n"
    "  --delete ID         remove the document with this id (repeatable)\n"
    "  --max-doc-size N    skip documents larger than N bytes (K/M/G suffix; default 16M)\n"
    "  --max-positions N   index at most N word positions per document; the rest is\n"
    "                      stored but not searchable (default 16777216)\n"
    "  --no-repair         do not repair mojibake (text decoded with the wrong charset,\n"
    "                      such as GBK or windows-1251 read as Latin-1)\n"
    "  --lock-timeout SEC  wait this long for another indexer to finish (default 0;\n"
    "                      -1 waits forever)\n"
    "  --cjk MODE          Chinese analysis of a new index: words, bigrams,\n"
    "                      words+bigrams, words+runbigrams (default)\n"
    "  --map-size N        initial LMDB map size (default 1G; doubles when full)\n"
    "  --mem N             memory budget of the run (default 384M); a first build\n"
    "                      or --rebuild stays within it at any corpus size\n"
    "  --batch-memory N    the budget's share for buffered documents, set directly\n"
    "                      (default: three quarters of --mem less 32M)\n"
    "  --threads N         threads that analyze documents (default: one per CPU,\n"
    "                      at most 8; 1 analyzes in the reading thread); the index\n"
    "                      is the same whatever N\n"
    "  --quiet             no summary line (problems are still reported)\n"
    "  --stats             print document count, terms, size, generation and exit\n"
    "  --check             verify every checksum and invariant of the index and exit\n"
    "  --compact           copy the index without the space freed by updates and\n"
    "                      switch to the copy (safe while searchers run)\n"
    "  --help              this text\n"
    "  --version           versions of the program, the index format and the libraries\n"
    "\n"
    "exit status:\n"
    "  0  the run finished (documents that could not be used are reported and skipped)\n"
    "  1  inputs were given but not one document could be read\n"
    "  2  bad command line\n"
    "  3  the index could not be opened, written or verified (the previous\n"
    "     generation is left as it was)\n"
    "  4  another indexer holds the index (see --lock-timeout)\n";

typedef struct {
    const char *db;
    int rebuild, prune, quiet, stats, check, compact, no_repair;
    size_t map_size, mem_bytes, batch_bytes;
    size_t threads;
    size_t max_doc, max_positions;
    double lock_timeout;
    const char *cjk;
    const char **deletes;
    size_t n_deletes;
    const char **paths;
    size_t n_paths;
} options;

static void warn_stderr(void *ctx, const char *msg)
{
    (void)ctx;
    /* On a terminal, first clear a progress line that may be showing. */
    fprintf(stderr, "%sindexer: %s\n", isatty(2) ? "\r\033[K" : "", msg);
}

static int usage_error(const char *fmt, const char *arg)
{
    fprintf(stderr, "indexer: ");
    fprintf(stderr, fmt, arg);
    fprintf(stderr, "\nTry 'indexer --help'.\n");
    return EXIT_USAGE;
}

static int parse_args(int argc, char **argv, options *o)
{
    static const struct option longopts[] = {
        {"db", required_argument, 0, 'd'},       {"rebuild", no_argument, 0, 'R'},
        {"prune", no_argument, 0, 'P'},          {"delete", required_argument, 0, 'D'},
        {"max-doc-size", required_argument, 0, 'M'}, {"lock-timeout", required_argument, 0, 'L'},
        {"no-repair", no_argument, 0, 'N'},
        {"cjk", required_argument, 0, 'C'},      {"quiet", no_argument, 0, 'q'},
        {"stats", no_argument, 0, 'S'},          {"check", no_argument, 0, 'K'},
        {"compact", no_argument, 0, 'Z'},        {"map-size", required_argument, 0, 'm'},
        {"batch-memory", required_argument, 0, 'B'}, {"max-positions", required_argument, 0, 'X'},
        {"mem", required_argument, 0, 'U'},
        {"threads", required_argument, 0, 'T'},
        {"help", no_argument, 0, 'h'},           {"version", no_argument, 0, 'V'},
        {0, 0, 0, 0}};
    memset(o, 0, sizeof *o);
    o->max_doc = CP_DEFAULT_MAX_DOC_BYTES;
    long cpus = sysconf(_SC_NPROCESSORS_ONLN);
    o->threads = cpus < 1 ? 1 : cpus > 8 ? 8 : (size_t)cpus;
    o->deletes = calloc((size_t)argc, sizeof *o->deletes);
    if (!o->deletes)
        return EXIT_INDEX;
    int c;
    opterr = 0;
    while ((c = getopt_long(argc, argv, ":hq", longopts, NULL)) != -1) {
        switch (c) {
        case 'd': o->db = optarg; break;
        case 'R': o->rebuild = 1; break;
        case 'P': o->prune = 1; break;
        case 'D': o->deletes[o->n_deletes++] = optarg; break;
        case 'M':
            if (!cli_parse_size(optarg, &o->max_doc) || o->max_doc == 0)
                return usage_error("--max-doc-size: '%s' is not a size (e.g. 16M)", optarg);
            break;
        case 'X':
            if (!cli_parse_count(optarg, &o->max_positions) || o->max_positions == 0 ||
                o->max_positions > UINT32_MAX / 2)
                return usage_error("--max-positions: '%s' is not a count (1..2147483647)", optarg);
            break;
        case 'L':
            if (!cli_parse_double(optarg, -1, 1e9, &o->lock_timeout))
                return usage_error("--lock-timeout: '%s' is not a number of seconds", optarg);
            break;
        case 'C':
            if (an_cjk_mode_parse(optarg) < 0)
                return usage_error("--cjk: unknown mode '%s' (words, bigrams, words+bigrams, "
                                   "words+runbigrams)", optarg);
            o->cjk = optarg;
            break;
        case 'N': o->no_repair = 1; break;
        case 'q': o->quiet = 1; break;
        case 'S': o->stats = 1; break;
        case 'K': o->check = 1; break;
        case 'Z': o->compact = 1; break;
        case 'T':
            if (!cli_parse_count(optarg, &o->threads) || o->threads < 1 || o->threads > 64)
                return usage_error("--threads: '%s' is not a number from 1 to 64", optarg);
            break;
        case 'B':
            if (!cli_parse_size(optarg, &o->batch_bytes) || o->batch_bytes < (1u << 20))
                return usage_error("--batch-memory: '%s' is not a size of at least 1M", optarg);
            break;
        case 'U':
            if (!cli_parse_size(optarg, &o->mem_bytes) || o->mem_bytes < IX_MIN_MEM_BYTES)
                return usage_error("--mem: '%s' is not a size of at least 48M", optarg);
            break;
        case 'm':
            if (!cli_parse_size(optarg, &o->map_size) || o->map_size < (1u << 20))
                return usage_error("--map-size: '%s' is not a size of at least 1M", optarg);
            break;
        case 'h': fputs(usage_text, stdout); exit(EXIT_OK);
        case 'V': {
            char text[1024];
            ix_version_describe("indexer", text, sizeof text);
            fputs(text, stdout);
            exit(EXIT_OK);
        }
        case ':': return usage_error("option '%s' needs a value", argv[optind - 1]);
        default: return usage_error("unknown option '%s'", argv[optind - 1]);
        }
    }
    if (!o->db)
        return usage_error("%s", "--db DIR is required");
    o->paths = (const char **)argv + optind;
    o->n_paths = (size_t)(argc - optind);
    if ((o->stats + o->check + o->compact) > 1)
        return usage_error("%s", "give one of --stats, --check, --compact");
    if ((o->stats || o->check || o->compact) &&
        (o->n_paths || o->n_deletes || o->rebuild || o->prune))
        return usage_error("%s", "--stats, --check and --compact take no inputs");
    if (!o->stats && !o->check && !o->compact && !o->n_paths && !o->n_deletes && !o->rebuild)
        return usage_error("%s", "nothing to do: give PATH..., --delete ID or --rebuild");
    if (o->prune && !o->n_paths)
        return usage_error("%s", "--prune needs the inputs that are still current");
    return -1;
}

static int exit_for(rc_t rc)
{
    return rc == RC_BUSY ? EXIT_BUSY : EXIT_INDEX;
}

static int do_stats(const options *o)
{
    ix_stats st;
    uint64_t bytes;
    char gen[64];
    err_t err;
    err_clear(&err);
    rc_t rc = ix_stat(o->db, &st, &bytes, gen, sizeof gen, &err);
    if (rc != RC_OK) {
        fprintf(stderr, "indexer: %s\n", err.msg);
        return EXIT_INDEX;
    }
    char when[64] = "never";
    if (st.last_run) {
        time_t t = (time_t)st.last_run;
        strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%S%z", localtime(&t));
    }
    printf("documents:   %llu\n", (unsigned long long)st.n_docs);
    printf("terms:       %llu\n", (unsigned long long)st.n_terms);
    printf("avg length:  %.1f tokens\n", st.avg_len);
    printf("size:        %.2f MB on disk\n", (double)bytes / 1e6);
    printf("generation:  %llu (%s)\n", (unsigned long long)st.generation, gen);
    printf("last run:    %s\n", when);
    printf("format:      %d\n", IX_FORMAT_VERSION);
    return EXIT_OK;
}

static int do_check(const options *o)
{
    size_t n;
    err_t err;
    err_clear(&err);
    rc_t rc = ix_check(o->db, &n, &err);
    if (rc != RC_OK) {
        fprintf(stderr, "indexer: check failed: %s%s\n", err.msg,
                rc == RC_CORRUPT ? "; rebuild it with --rebuild from the original files" : "");
        return EXIT_INDEX;
    }
    if (!o->quiet)
        printf("index ok: %zu values checked\n", n);
    return EXIT_OK;
}

static int do_compact(const options *o)
{
    err_t err;
    err_clear(&err);
    uint64_t before, after;
    rc_t rc = ix_compact(o->db, o->lock_timeout, &before, &after, &err);
    if (rc != RC_OK) {
        fprintf(stderr, "indexer: %s; the index was not changed\n", err.msg);
        return exit_for(rc);
    }
    if (!o->quiet)
        printf("compacted: %.2f MB -> %.2f MB\n", before / 1e6, after / 1e6);
    return EXIT_OK;
}

static double now_seconds(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + t.tv_nsec / 1e9;
}

/* ---- progress on a terminal ------------------------------------------ */

static uint64_t walk_total;

static int add_size(const char *path, const struct stat *st, int flag, struct FTW *f)
{
    (void)path;
    (void)f;
    if (flag == FTW_F && S_ISREG(st->st_mode))
        walk_total += (uint64_t)st->st_size;
    return 0;
}

/* Bytes the inputs hold on disk (for the ETA); stdin counts nothing. */
static uint64_t input_bytes(const options *o)
{
    walk_total = 0;
    for (size_t i = 0; i < o->n_paths; i++)
        if (strcmp(o->paths[i], "-"))
            nftw(o->paths[i], add_size, 16, FTW_PHYS);
    return walk_total;
}

typedef struct {
    int on;
    double t0, last;
    uint64_t total;
} progress;

static void progress_show(progress *p, const cp_reader *rd, int final)
{
    if (!p->on)
        return;
    double now = now_seconds();
    if (!final && now - p->last < 0.2)
        return;
    p->last = now;
    const cp_stats *cs = cp_get_stats(rd);
    double secs = now - p->t0, rate = secs > 0 ? cs->n_docs / secs : 0;
    uint64_t done = cp_bytes_done(rd);
    char eta[32] = "";
    if (p->total && done > 0 && done < p->total) {
        double left = secs * (double)(p->total - done) / (double)done;
        snprintf(eta, sizeof eta, "  ETA %d:%02d", (int)left / 60, (int)left % 60);
    }
    fprintf(stderr, "\r\033[K%zu docs  %.0f docs/s  %.1f/%.1f MB%s%s", cs->n_docs, rate,
            done / 1e6, p->total / 1e6, eta, final ? "  committing..." : "");
    fflush(stderr);
}

static void to_ix_doc(const cp_doc *d, ix_doc *x)
{
    memset(x, 0, sizeof *x);
    x->id = d->id;
    x->title = d->title;
    x->title_len = d->title_len;
    x->text = d->text;
    x->text_len = d->text_len;
    x->date = d->date;
    x->lang = d->lang;
    x->source = d->source;
    x->flags = d->flags;
    x->title_in_text = (d->flags & CP_DOC_TITLE_IN_TEXT) != 0;
    x->charset = d->charset;
    x->repair = d->repair;
    x->file = d->file;
    x->line = d->line;
}

static void print_summary(const cp_stats *cs, const ix_run_stats *rs, size_t n_bad_ids,
                          double secs)
{
    size_t skipped = n_bad_ids;
    for (int i = 0; i < CP_SKIP__COUNT; i++)
        skipped += cs->n_skipped[i];
    size_t indexed = rs->added + rs->replaced;
    printf("read %zu, indexed %zu (added %zu, replaced %zu), unchanged %zu, deleted %zu, "
           "duplicates %zu, converted %zu, repaired %zu, skipped %zu",
           cs->n_read, indexed, rs->added, rs->replaced, rs->unchanged, rs->deleted,
           rs->duplicates, cs->n_converted, cs->n_repaired, skipped);
    if (skipped) {
        const char *sep = " (";
        for (int i = 0; i < CP_SKIP__COUNT; i++)
            if (cs->n_skipped[i]) {
                printf("%s%s %zu", sep, cp_skip_name((cp_skip)i), cs->n_skipped[i]);
                sep = ", ";
            }
        if (n_bad_ids)
            printf("%sbad-id %zu", sep, n_bad_ids);
        printf(")");
    }
    printf("; %.2f s, %.0f docs/s, generation %llu\n", secs,
           secs > 0 ? (double)cs->n_docs / secs : 0.0, (unsigned long long)rs->generation);
}

/* Words the index could not take, reported with the document's place. */
static void print_notes(void *ctx, const ix_doc_where *at, const ix_add_notes *nt)
{
    uint32_t max_pos = *(const uint32_t *)ctx;
    if (nt->long_words)
        fprintf(stderr, "indexer: %s:%zu: document \"%s\": %llu word%s longer than %d "
                        "bytes not indexed\n", at->file ? at->file : "-", at->line, at->id,
                (unsigned long long)nt->long_words, nt->long_words == 1 ? "" : "s", AN_TERM_MAX);
    if (nt->truncated)
        fprintf(stderr, "indexer: %s:%zu: document \"%s\": more than %u words "
                        "(--max-positions); the rest is stored but not searchable\n",
                at->file ? at->file : "-", at->line, at->id, max_pos);
}

static int index_once(const options *o, size_t map_size, size_t *restart)
{
    *restart = 0;
    double t0 = now_seconds();
    err_t err;
    err_clear(&err);
    ix_writer_options wo = ix_writer_options_default();
    wo.rebuild = o->rebuild;
    wo.lock_timeout = o->lock_timeout;
    wo.map_size = map_size;
    wo.mem_bytes = o->mem_bytes;
    wo.batch_bytes = o->batch_bytes;
    wo.threads = (unsigned)(o->threads > 1 ? o->threads : 0);
    wo.max_positions = (uint32_t)o->max_positions;
    uint32_t max_pos = wo.max_positions ? wo.max_positions : IX_DEFAULT_MAX_POSITIONS;
    wo.on_notes = print_notes;
    wo.notes_ctx = &max_pos;
    if (o->cjk)
        wo.analyzer.cjk_mode = (an_cjk_mode)an_cjk_mode_parse(o->cjk);
    ix_writer *w;
    rc_t rc = ix_writer_open(o->db, &wo, &w, &err);
    if (rc != RC_OK) {
        fprintf(stderr, "indexer: %s\n", err.msg);
        return exit_for(rc);
    }
    cp_options co = {.max_doc_bytes = o->max_doc, .no_repair = o->no_repair, .warn = warn_stderr};
    cp_reader *rd = NULL;
    size_t n_bad_ids = 0;
    if (o->n_paths && (rc = cp_open(o->paths, o->n_paths, &co, &rd, &err)) != RC_OK)
        goto fail;
    for (size_t i = 0; i < o->n_deletes && rc == RC_OK; i++) {
        int found;
        rc = ix_writer_delete(w, o->deletes[i], &found, &err);
        if (rc == RC_OK && !found)
            fprintf(stderr, "indexer: --delete %s: no such document\n", o->deletes[i]);
    }
    progress pr = {.on = !o->quiet && rd && isatty(2), .t0 = t0};
    if (pr.on)
        pr.total = input_bytes(o);
    cp_doc doc;
    while (rc == RC_OK && rd && (rc = cp_next(rd, &doc, &err)) == RC_OK) {
        progress_show(&pr, rd, 0);
        ix_doc x;
        ix_outcome outcome;
        to_ix_doc(&doc, &x);
        err_t e;
        err_clear(&e);
        rc = ix_writer_add(w, &x, &outcome, &e);
        if (rc == RC_OK && outcome == IX_DUPLICATE)
            fprintf(stderr, "indexer: %s:%zu: duplicate id \"%s\": replaces the document read "
                            "earlier in this run (the last one wins)\n", doc.file, doc.line, doc.id);
        if (rc == RC_BADINPUT) {
            fprintf(stderr, "indexer: %s:%zu: %s, skipped\n", doc.file, doc.line, e.msg);
            n_bad_ids++;
            rc = RC_OK;
        } else if (rc != RC_OK) {
            err = e;
        }
    }
    if (rc == RC_NOTFOUND)
        rc = RC_OK;
    if (rc != RC_OK)
        goto fail;
    const cp_stats *cs = rd ? cp_get_stats(rd) : NULL;
    if (rd && cs->n_docs == 0) {
        /* Committing now could only remove things (--prune): refuse. */
        fprintf(stderr, "indexer: no document could be read from the given inputs; "
                        "the index was not changed\n");
        cp_close(rd);
        ix_writer_close(w);
        return EXIT_NOINPUT;
    }
    if (o->prune) {
        size_t n;
        if ((rc = ix_writer_prune_unseen(w, &n, &err)) != RC_OK)
            goto fail;
    }
    if (rd)
        progress_show(&pr, rd, 1);
    ix_run_stats rs;
    rc = ix_writer_commit(w, &rs, &err);
    if (pr.on)
        fputs("\r\033[K", stderr);
    if (rc != RC_OK)
        goto fail;
    if (!o->quiet) {
        cp_stats empty;
        memset(&empty, 0, sizeof empty);
        print_summary(cs ? cs : &empty, &rs, n_bad_ids, now_seconds() - t0);
    }
    cp_close(rd);
    ix_writer_close(w);
    return EXIT_OK;
fail:
    *restart = ix_writer_restart_map_size(w);
    if (!*restart)
        fprintf(stderr, "indexer: %s; the index was not changed\n", err.msg);
    cp_close(rd);
    ix_writer_close(w);
    return exit_for(rc);
}

/* 1 when the inputs are plain files (not directories, standard input or
 * compressed) of at most limit bytes together. */
static int input_fits(const options *o, size_t limit)
{
    size_t total = 0;
    if (o->n_paths == 0)
        return 0;
    for (size_t i = 0; i < o->n_paths; i++) {
        struct stat st;
        size_t n = strlen(o->paths[i]);
        if (stat(o->paths[i], &st) != 0 || !S_ISREG(st.st_mode) ||
            (n >= 4 && !strcmp(o->paths[i] + n - 4, ".zst")) || (size_t)st.st_size > limit - total)
            return 0;
        total += (size_t)st.st_size;
    }
    return 1;
}

/* A run whose flushed batches filled the LMDB map is run again, from the
 * start, with a larger map; nothing of the failed run was committed. */
static int do_index(const options *o)
{
    size_t map = o->map_size;
    int replayable = 1;
    for (size_t i = 0; i < o->n_paths; i++)
        replayable &= strcmp(o->paths[i], "-") != 0;
    /* The run's memory is mostly written once (the batch, LMDB's dirty
     * pages), so most of it used to cost a page fault per 4 KB: huge pages
     * cut Reuters' faults from 22,000 to 1,400 (see README, Speed).  Only
     * for input that fits one batch: a run that spills sorted runs frees
     * and refills its batch, and 2 MB pages kept it resident past --mem
     * (1M documents: 393-424 MB with them, 371 MB without, budget 384M). */
    size_t batch = o->batch_bytes ? o->batch_bytes
                                  : ix_batch_bytes(o->mem_bytes ? o->mem_bytes : IX_DEFAULT_MEM_BYTES);
    if (input_fits(o, batch))
        mem_heap_prefer_huge(batch);
    for (int attempt = 0;; attempt++) {
        size_t restart;
        int r = index_once(o, map, &restart);
        if (!restart)
            return r;
        if (!replayable || attempt >= 8) {
            fprintf(stderr, "indexer: the LMDB map is full and standard input cannot be read "
                            "again; rerun with --map-size %zuM; the index was not changed\n",
                    restart >> 20);
            return EXIT_INDEX;
        }
        fprintf(stderr, "indexer: the LMDB map is full; running again with a %zu MB map\n",
                restart >> 20);
        map = restart;
    }
}

int main(int argc, char **argv)
{
    options o;
    int r = parse_args(argc, argv, &o);
    if (r >= 0) {
        free(o.deletes);
        return r;
    }
    /* Under a file size limit (ulimit -f) a write must fail with EFBIG and
     * be reported, not kill the process halfway. */
    signal(SIGXFSZ, SIG_IGN);
    if (o.stats)
        r = do_stats(&o);
    else if (o.compact)
        r = do_compact(&o);
    else if (o.check)
        r = do_check(&o);
    else
        r = do_index(&o);
    free(o.deletes);
    return r;
}
