/* bin/searcher - ranked search from the command line, or a batch of queries
 * for evaluation (--format trec --queries FILE).  Thin: flags, sr_search(),
 * print, exit status. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../common/buf.h"
#include "../common/cli.h"
#include "../common/mem.h"
#include "../common/par.h"
#include "../common/utf8.h"
#include "../indexer/ix.h"
#include "format.h"
#include "sr.h"

enum { EXIT_OK = 0, EXIT_QUERY = 2, EXIT_INDEX = 3 };
/* --threads: the default is one per CPU up to THREADS_DEFAULT_MAX. */
enum { THREADS_MAX = 64, THREADS_DEFAULT_MAX = 8 };

static const char usage_text[] =
    "usage: searcher --db DIR [options] [QUERY...]\n"
    "\n"
    "Search the index in DIR and print the best hits, ranked by BM25.  The words of\n"
    "QUERY are analyzed like the documents (case folding, stemming, Chinese word\n"
    "segmentation) and combined with OR unless --and is given.  Without QUERY and\n"
    "--queries, one query per line is read from standard input.\n"
    "\n"
    "query syntax (operators in upper case; anything else is just words):\n"
    "  a b               either word (both with --and); more matching words rank higher\n"
    "  +a -b             a is required, b is excluded (at the start of a word)\n"
    "  a AND b, a OR b, NOT a, a NOT b, ( )   precedence NOT > AND > OR\n"
    "  \"digital medicine\" the words in this order, after stemming\n"
    "  a NEAR/5 b        at most 5 positions apart, in any order\n"
    "  intellig*         every indexed term starting with intellig\n"
    "  lang:ru  lang:en,zh  source:reuters  source:\"BBC News\"\n"
    "  title:sepsis  title:\"early warning\"  title:(a OR b)\n"
    "  date:2025  date:2025-06  date:2025-01-01..2025-06-30  date:>=2025-06  date:<2024\n"
    "  xl:telemedicine  xl:\"medical imaging\"  xl:(a OR b)  xl: words...  (cross-lingual)\n"
    "\n"
    "options:\n"
    "  --db DIR           index directory (required)\n"
    "  --k N              number of hits to print (default 10)\n"
    "  --offset N         skip the first N hits (paging)\n"
    "  --format F         text (default), json (JSON Lines), trec, or csv\n"
    "                     (\"qid Q0 docid rank score tag\")\n"
    "  --queries FILE     run every query in FILE: \"qid<TAB>query\" lines (a line\n"
    "                     without a tab is a query numbered by its line); - = stdin.\n"
    "                     A malformed query there is reported and run as plain words\n"
    "  --strict           with --queries: a malformed query is an error (no hits)\n"
    "  --threads N        with --queries FILE: answer its queries on up to N threads,\n"
    "                     one per 64 queries, in input order (default: one per CPU,\n"
    "                     at most 8)\n"
    "  --plain            no query syntax: every character is part of the words\n"
    "  --and              require every word (default: any word)\n"
    "  --max-expansions N terms a prefix* may expand to (default 100)\n"
    "  --k1 X, --b X      BM25 parameters (default 1.2 and 0.75)\n"
    "  --explain          show each term's share of the score (tf, df, idf, length,\n"
    "                     average length, k1, b)\n"
    "  --count            print only the number of matching documents\n"
    "  --color[=WHEN]     highlight matches: auto (default: when stdout is a terminal\n"
    "                     and NO_COLOR is not set), always, never\n"
    "  --no-snippets      text and json without snippets (faster)\n"
    "  --no-proximity     rank by BM25 alone (default: BM25 plus a bonus for query\n"
    "                     words that occur close together, on the best 100)\n"
    "  --exhaustive       score every matching document (trec output otherwise skips\n"
    "                     those that cannot reach the top k; the results are the same)\n"
    "  --no-accumulators  trec output on a small collection: score an OR of words a\n"
    "                     document at a time, as on a large one (the default there\n"
    "                     adds each word's scores into one array; same results)\n"
    "  --tag NAME         run tag in trec output (default \"ours\")\n"
    "  --cross-lingual    expand every word with its English, Russian and Chinese\n"
    "                     equivalents from the glossary (one clause per concept)\n"
    "  --histogram UNIT   instead of hits, matching documents per year, month or\n"
    "                     (ISO) week: bars in text, one object in json, csv lines\n"
    "  --like ID          documents similar to document ID (its 25 most\n"
    "                     characteristic terms); a QUERY given too must match too\n"
    "  --no-suggest       no \"did you mean\" for words the index does not have\n"
    "  --help             this text\n"
    "  --version          versions of the program, the index format and the libraries\n"
    "\n"
    "environment: HEALTHAI_SEARCH_DATADIR  the directory of glossary.tsv (default:\n"
    "../share/healthai-search/, then ../analyzers/data/, next to the program)\n"
    "\n"
    "exit status: 0 success (also when nothing matched), 2 bad command line, a\n"
    "malformed query (the message names the column), an unknown --like ID or no\n"
    "glossary for a cross-lingual query, 3 the index could not be read.\n";

typedef struct {
    const char *db, *queries, *tag;
    int count, strict, no_snippets, no_suggest, exhaustive;
    size_t threads;         /* --threads */
    int color;              /* -1 auto, 0 never, 1 always */
    const char *hist_unit;  /* --histogram */
    unsigned fmt_flags;
    sr_format fmt;
    sr_options so;
} options;

static int usage_error(const char *fmt, const char *arg)
{
    fprintf(stderr, "searcher: ");
    fprintf(stderr, fmt, arg);
    fprintf(stderr, "\nTry 'searcher --help'.\n");
    return EXIT_QUERY;
}

static int parse_color(const char *arg, int *out)
{
    if (!arg || !strcmp(arg, "always"))
        *out = 1;
    else if (!strcmp(arg, "never"))
        *out = 0;
    else if (!strcmp(arg, "auto"))
        *out = -1;
    else
        return 0;
    return 1;
}

/* --color=auto: a terminal, and no NO_COLOR (https://no-color.org: set and
 * not empty); an explicit --color=always wins over NO_COLOR. */
static int use_color(int color)
{
    if (color >= 0)
        return color;
    const char *no = getenv("NO_COLOR");
    return (!no || !*no) && isatty(STDOUT_FILENO);
}

static int parse_args(int argc, char **argv, options *o)
{
    static const struct option longopts[] = {
        {"db", required_argument, 0, 'd'},      {"k", required_argument, 0, 'k'},
        {"offset", required_argument, 0, 'o'},  {"format", required_argument, 0, 'f'},
        {"queries", required_argument, 0, 'Q'}, {"and", no_argument, 0, 'A'},
        {"k1", required_argument, 0, '1'},      {"b", required_argument, 0, 'b'},
        {"explain", no_argument, 0, 'E'},       {"count", no_argument, 0, 'c'},
        {"tag", required_argument, 0, 't'},     {"help", no_argument, 0, 'h'},
        {"version", no_argument, 0, 'V'},       {"color", optional_argument, 0, 'C'},
        {"colour", optional_argument, 0, 'C'},  {"max-expansions", required_argument, 0, 'X'},
        {"plain", no_argument, 0, 'P'},         {"strict", no_argument, 0, 'S'},
        {"no-snippets", no_argument, 0, 'N'},   {"no-proximity", no_argument, 0, 0x101},
        {"cross-lingual", no_argument, 0, 0x102}, {"histogram", required_argument, 0, 0x103},
        {"like", required_argument, 0, 0x104},  {"no-suggest", no_argument, 0, 0x105},
        {"exhaustive", no_argument, 0, 0x106}, {"no-accumulators", no_argument, 0, 0x107},
        {"threads", required_argument, 0, 0x108},
        {0, 0, 0, 0}};
    memset(o, 0, sizeof *o);
    o->so = sr_options_default();
    o->tag = "ours";
    o->color = -1;
    o->threads = par_cpus();
    if (o->threads > THREADS_DEFAULT_MAX)
        o->threads = THREADS_DEFAULT_MAX;
    int c, f;
    opterr = 0;
    while ((c = getopt_long(argc, argv, ":h", longopts, NULL)) != -1) {
        switch (c) {
        case 'd': o->db = optarg; break;
        case 'k':
            if (!cli_parse_count(optarg, &o->so.k) || o->so.k > 1000000)
                return usage_error("--k: '%s' is not a count (0..1000000)", optarg);
            break;
        case 'o':
            if (!cli_parse_count(optarg, &o->so.offset) || o->so.offset > 1000000)
                return usage_error("--offset: '%s' is not a count (0..1000000)", optarg);
            break;
        case 'f':
            if ((f = sr_format_parse(optarg)) < 0)
                return usage_error("--format: '%s' is not text, json or trec", optarg);
            o->fmt = (sr_format)f;
            break;
        case 'Q': o->queries = optarg; break;
        case 'A': o->so.default_and = 1; break;
        case '1':
            if (!cli_parse_double(optarg, 0, 100, &o->so.k1))
                return usage_error("--k1: '%s' is not a number in 0..100", optarg);
            break;
        case 'b':
            if (!cli_parse_double(optarg, 0, 1, &o->so.b))
                return usage_error("--b: '%s' is not a number in 0..1", optarg);
            break;
        case 'E': o->so.explain = 1; break;
        case 0x101: o->so.no_proximity = 1; break;
        case 0x102: o->so.cross_lingual = 1; break;
        case 0x103:
            if ((f = sr_hist_parse(optarg)) < 0)
                return usage_error("--histogram: '%s' is not year, month or week", optarg);
            o->so.histogram = f;
            o->hist_unit = optarg;
            break;
        case 0x104:
            if (!*optarg)
                return usage_error("%s", "--like needs a document id");
            o->so.like_id = optarg;
            break;
        case 0x105: o->no_suggest = 1; break;
        case 0x106: o->exhaustive = 1; break;
        case 0x107: o->so.no_taat = 1; break;
        case 0x108:
            if (!cli_parse_count(optarg, &o->threads) || o->threads < 1 ||
                o->threads > THREADS_MAX)
                return usage_error("--threads: '%s' is not a number from 1 to 64", optarg);
            break;
        case 'c': o->count = 1; break;
        case 't': o->tag = optarg; break;
        case 'C':
            if (!parse_color(optarg, &o->color))
                return usage_error("--color: '%s' is not auto, always or never", optarg);
            break;
        case 'X':
            if (!cli_parse_count(optarg, &o->so.max_expansions) || o->so.max_expansions < 1 ||
                o->so.max_expansions > 10000)
                return usage_error("--max-expansions: '%s' is not a count (1..10000)", optarg);
            break;
        case 'P': o->so.plain = 1; break;
        case 'S': o->strict = 1; break;
        case 'N': o->no_snippets = 1; break;
        case 'h': fputs(usage_text, stdout); exit(EXIT_OK);
        case 'V': {
            char text[1024];
            ix_version_describe("searcher", text, sizeof text);
            fputs(text, stdout);
            exit(EXIT_OK);
        }
        case ':': return usage_error("option '%s' needs a value", argv[optind - 1]);
        default: {
            char opt[3] = {'-', (char)optopt, '\0'};
            return usage_error("unknown option '%s' (a query that starts with '-' goes "
                               "after --, as in: searcher --db DIR -- \"-covid vaccine\")",
                               optopt ? opt : argv[optind - 1]);
        }
        }
    }
    if (!o->db)
        return usage_error("%s", "--db DIR is required");
    if (o->queries && optind < argc)
        return usage_error("%s", "give either QUERY or --queries FILE, not both");
    /* Batch runs (evaluation sets of natural-language questions) must not
     * lose a query to a stray quote: they fall back to plain words. */
    o->so.lenient = o->queries && !o->strict;
    if (o->so.histogram && o->fmt == SR_FMT_TREC)
        return usage_error("%s", "--histogram prints text, json or csv, not trec");
    o->so.want_snippets = o->fmt != SR_FMT_TREC && o->fmt != SR_FMT_CSV && !o->count &&
                          !o->no_snippets && !o->so.histogram;
    /* Batch evaluation (TREC runs) never reads suggestions: skip their cost. */
    o->so.suggest = !o->no_suggest && o->fmt != SR_FMT_TREC && !o->count;
    o->so.ids_only = o->fmt == SR_FMT_TREC;
    /* TREC output never shows the number of matches, so it can prune. */
    o->so.prune = o->fmt == SR_FMT_TREC && !o->count && !o->exhaustive;
    o->fmt_flags = o->fmt == SR_FMT_TEXT && use_color(o->color) ? SR_FMT_COLOR : 0;
    if (o->so.histogram && isatty(STDOUT_FILENO))
        o->fmt_flags |= SR_FMT_BLOCKS;
    if (o->so.histogram) {   /* periods only: no hits to rank */
        o->so.k = 0;
        o->so.no_proximity = 1;
    }
    return -1;
}

/* A malformed-query message with a caret under the column, for stderr. */
static void report_query_error(buf_t *errs, const char *qid, const char *q, size_t len,
                               size_t col, const char *msg)
{
    rc_t rc = RC_OK;
    buf_append_str(errs, "searcher: ", &rc);
    if (qid) {
        buf_append_str(errs, "query ", &rc);
        buf_append_str(errs, qid, &rc);
        buf_append_str(errs, ": ", &rc);
    }
    buf_append_str(errs, msg, &rc);
    buf_append_byte(errs, '\n', &rc);
    if (col == 0)
        return;
    /* The caret goes under the col-th character (UTF-8 aware, 1 cell each). */
    buf_append(errs, "  ", 2, &rc);
    buf_append(errs, q, len, &rc);
    buf_append(errs, "\n  ", 3, &rc);
    size_t chars = 0;
    for (size_t i = 0; i < len && chars + 1 < col; i++)
        if (((unsigned char)q[i] & 0xC0) != 0x80) {
            buf_append_byte(errs, q[i] == '\t' ? '\t' : ' ', &rc);
            chars++;
        }
    buf_append(errs, "^\n", 2, &rc);
}

/* Run one query; what it prints goes to out (stdout) and errs (stderr),
 * which the caller writes.  Returns EXIT_OK, EXIT_QUERY or EXIT_INDEX. */
static int run_query(sr_searcher *s, const options *o, const char *qid, const char *q,
                     size_t len, sr_result *res, buf_t *out, buf_t *errs)
{
    err_t err;
    err_clear(&err);
    size_t col = 0;
    buf_t clean;
    buf_init(&clean);
    rc_t rc = RC_OK;
    /* A query with broken UTF-8 still runs, with U+FFFD where the bytes were. */
    utf8_sanitize(q, len, &clean, NULL, NULL, &rc);
    if (rc == RC_OK)
        rc = sr_search(s, buf_cstr(&clean), clean.len, &o->so, res, &col, &err);
    if (rc != RC_OK) {
        int code = rc == RC_BADINPUT ? EXIT_QUERY : EXIT_INDEX;
        report_query_error(errs, qid, buf_cstr(&clean), clean.len, col,
                           err.msg[0] ? err.msg : rc_str(rc));
        buf_free(&clean);
        return code;
    }
    if (res->note)
        report_query_error(errs, qid, buf_cstr(&clean), clean.len, res->note_col, res->note);
    buf_free(&clean);
    if (res->n_suggestions && o->fmt != SR_FMT_JSON) {
        size_t start = out->len;
        sr_format_suggestions(out, res, &rc);
        for (const char *l = buf_cstr(out) + start, *nl; rc == RC_OK && (nl = strchr(l, '\n'));
             l = nl + 1) {
            buf_append_str(errs, "searcher: ", &rc);
            if (qid) {
                buf_append_str(errs, "query ", &rc);
                buf_append_str(errs, qid, &rc);
                buf_append_str(errs, ": ", &rc);
            }
            buf_append(errs, l, (size_t)(nl + 1 - l), &rc);
        }
        out->len = start;
    }
    if (o->count) {
        if (qid && o->fmt != SR_FMT_TEXT) {
            buf_append_str(out, qid, &rc);
            buf_append_byte(out, '\t', &rc);
        }
        char line[32];
        snprintf(line, sizeof line, "%llu\n", (unsigned long long)res->total);
        buf_append_str(out, line, &rc);
        return rc == RC_OK ? EXIT_OK : EXIT_INDEX;
    }
    if (o->so.explain && res->expansion && o->fmt == SR_FMT_TEXT) {
        /* One line per concept (or the --like terms), before the hits. */
        for (const char *e = res->expansion; *e;) {
            const char *nl = strchr(e, '\n');
            size_t n = nl ? (size_t)(nl - e) : strlen(e);
            buf_append_str(out, "expanded: ", &rc);
            buf_append(out, e, n, &rc);
            buf_append_byte(out, '\n', &rc);
            e += n + (nl != NULL);
        }
    }
    if (o->so.histogram) {
        sr_format_histogram(out, o->fmt, res, o->hist_unit, qid, o->fmt_flags, &rc);
    } else {
        for (size_t i = 0; i < res->n_hits && rc == RC_OK; i++)
            sr_format_hit(out, o->fmt, &res->hits[i], qid, o->tag, o->fmt_flags, &rc);
    }
    if (o->fmt == SR_FMT_JSON && rc == RC_OK) {
        char tail[160];
        snprintf(tail, sizeof tail, "{\"summary\":true,\"total\":%llu,\"returned\":%zu,\"seconds\":%.6f",
                 (unsigned long long)res->total, res->n_hits, res->seconds);
        buf_append_str(out, tail, &rc);
        sr_format_summary_extras(out, res, &rc);
        buf_append_str(out, "}\n", &rc);
    } else if (o->fmt == SR_FMT_TEXT && rc == RC_OK) {
        char tail[160];
        snprintf(tail, sizeof tail, "%llu matching document%s, %.1f ms\n",
                 (unsigned long long)res->total, res->total == 1 ? "" : "s", res->seconds * 1e3);
        buf_append_str(out, tail, &rc);
    }
    if (rc != RC_OK) {
        out->len = 0;
        buf_append_str(errs, "searcher: out of memory\n", &rc);
        return EXIT_INDEX;
    }
    return EXIT_OK;
}

/* One line of a batch, and what its query printed. */
typedef struct {
    char *line;       /* owned (getline), without its line end */
    size_t len, lineno;
    buf_t out, errs;
    int status;       /* run_query's */
} batch_item;

/* One thread's searcher and result: par_for's ctx. */
typedef struct {
    sr_searcher *s;
    sr_result res;
} batch_worker;

typedef struct {
    const options *o;
    batch_item *items;
    int with_ids;
} batch_job;

static void run_item(void *ctx, size_t i, void *arg)
{
    batch_worker *w = ctx;
    const batch_job *job = arg;
    batch_item *it = &job->items[i];
    char qidbuf[32];
    const char *qid = qidbuf, *q = it->line;
    char *tab = job->with_ids ? memchr(it->line, '\t', it->len) : NULL;
    if (tab) {
        *tab = '\0';
        qid = it->line;
        q = tab + 1;
    } else {
        snprintf(qidbuf, sizeof qidbuf, "%zu", it->lineno);
    }
    it->status = run_query(w->s, job->o, qid, q, (size_t)(it->line + it->len - q), &w->res,
                           &it->out, &it->errs);
}

/* Up to n non-empty lines into items; how many were read. */
static size_t read_round(FILE *in, batch_item *items, size_t n, size_t *lineno)
{
    size_t got = 0;
    while (got < n) {
        char *line = NULL;
        size_t cap = 0;
        ssize_t len = getline(&line, &cap, in);
        if (len < 0) {
            free(line);
            break;
        }
        ++*lineno;
        while (len > 0 && (line[len - 1] == '\n' || line[len - 1] == '\r'))
            line[--len] = '\0';
        if (len == 0) {
            free(line);
            continue;
        }
        batch_item *it = &items[got++];
        *it = (batch_item){.line = line, .len = (size_t)len, .lineno = *lineno};
        buf_init(&it->out);
        buf_init(&it->errs);
    }
    return got;
}

static void write_buf(buf_t *b, FILE *f)
{
    if (b->len)
        fwrite(b->p, 1, b->len, f);
}

/* Queries are read and answered in rounds: the queries of a round run on
 * up to o->threads threads, and their answers are printed in input order.
 * A thread takes a millisecond or more to start and to warm up on a shared
 * 2-vCPU machine, about ten short queries' work: one is added for every
 * BATCH_PER_THREAD queries of a round (med's 30 then run on one thread,
 * where two were no faster; cran's 225 on two, 36 -> 24 ms). */
enum { BATCH_ROUND = 256, BATCH_PER_THREAD = 64 };
/* A round's answers are held until it ends: with a large --k, fewer
 * queries make a round, so that it holds about BATCH_OUT_BYTES. */
enum { BATCH_OUT_BYTES = 64 << 20 };

/* Queries per round, and the queries a round needs per thread. */
static void round_size(const options *o, FILE *in, size_t *round, size_t *per_thread)
{
    *round = BATCH_ROUND;
    *per_thread = BATCH_PER_THREAD;
    if (in == stdin) {   /* a program there may wait for each answer */
        *round = 1;
        return;
    }
    /* Roughly: a TREC or CSV line ~50 bytes, a JSON or text hit with its
     * snippet ~1 KB. */
    size_t per_hit = o->fmt == SR_FMT_TREC || o->fmt == SR_FMT_CSV ? 64 : 1024;
    size_t k = o->count || o->so.histogram ? 1 : o->so.k + 1;
    size_t fit = BATCH_OUT_BYTES / per_hit / k;
    if (fit < *round) {
        /* Such queries are long ones too: threads pay off sooner. */
        *round = fit ? fit : 1;
        *per_thread = *round * BATCH_PER_THREAD / BATCH_ROUND;
        if (*per_thread < 1)
            *per_thread = 1;
    }
}

static int run_batch(sr_searcher *s, const options *o, FILE *in, int with_ids)
{
    size_t round, per_thread;
    round_size(o, in, &round, &per_thread);
    size_t want = o->threads;   /* rounds of one (stdin) never add any */
    batch_item *items = mem_calloc(round, sizeof *items);
    batch_worker w[THREADS_MAX];
    void *ctx[THREADS_MAX];
    if (!items) {
        fprintf(stderr, "searcher: out of memory\n");
        return EXIT_INDEX;
    }
    w[0].s = s;
    sr_result_init(&w[0].res);
    ctx[0] = &w[0];
    size_t n_workers = 1, lineno = 0, n;
    int worst = EXIT_OK, stop = 0;
    while (!stop && (n = read_round(in, items, round, &lineno)) > 0) {
        /* More threads only once there is work for them; if one cannot be
         * had, the others answer its share. */
        for (err_t err; n_workers < want && n_workers * per_thread < n; n_workers++) {
            if (sr_open_sibling(s, &w[n_workers].s, &err) != RC_OK) {
                want = n_workers;
                break;
            }
            sr_result_init(&w[n_workers].res);
            ctx[n_workers] = &w[n_workers];
        }
        size_t use = 1 + (n - 1) / per_thread;
        batch_job job = {o, items, with_ids};
        par_for(n, ctx, use < n_workers ? use : n_workers, run_item, &job);
        for (size_t i = 0; i < n; i++) {
            batch_item *it = &items[i];
            if (!stop) {
                write_buf(&it->errs, stderr);
                write_buf(&it->out, stdout);
                if (in == stdin)
                    fflush(stdout);
                if (it->status > worst)
                    worst = it->status;
                stop = it->status == EXIT_INDEX;
            }
            free(it->line);
            buf_free(&it->out);
            buf_free(&it->errs);
        }
    }
    for (size_t t = n_workers; t-- > 0;) {
        if (t > 0)
            sr_close(w[t].s);
        sr_result_free(&w[t].res);
    }
    mem_free(items);
    return worst;
}

/* Batch runs print ~100 short lines per query: with stdio's 4 KB buffer a
 * med batch made 214 write calls.  A terminal keeps line buffering. */
static char out_buf[1 << 16];

/* Heap populated at start (mem_heap_prefault). */
enum { HEAP_PREFAULT = 512 << 10 };

int main(int argc, char **argv)
{
    options o;
    int r = parse_args(argc, argv, &o);
    if (r >= 0)
        return r;
    if (!isatty(STDOUT_FILENO)) {
        setvbuf(stdout, out_buf, _IOFBF, sizeof out_buf);
        mem_prefault(out_buf, sizeof out_buf);
    }
    /* A run's own allocations (query plans, decoded blocks, the result
     * pool) otherwise fault in their pages one by one: a med batch took
     * ~60 faults in malloc'd memory. */
    mem_heap_prefault(HEAP_PREFAULT);
    err_t err;
    err_clear(&err);
    sr_searcher *s;
    if (sr_open(o.db, &s, &err) != RC_OK) {
        fprintf(stderr, "searcher: %s\n", err.msg);
        return EXIT_INDEX;
    }
    /* Say it once, before any query, when the glossary cannot be had. */
    if (o.so.cross_lingual && sr_load_glossary(s, NULL, &err) != RC_OK) {
        fprintf(stderr, "searcher: --cross-lingual needs the glossary: %s\n", err.msg);
        sr_close(s);
        return EXIT_QUERY;
    }
    if (o.queries) {
        FILE *in = strcmp(o.queries, "-") ? fopen(o.queries, "r") : stdin;
        if (!in) {
            perror(o.queries);
            sr_close(s);
            return EXIT_QUERY;
        }
        r = run_batch(s, &o, in, 1);
        if (in != stdin)
            fclose(in);
    } else if (optind < argc || o.so.like_id) {
        buf_t q, out;
        buf_init(&q);
        buf_init(&out);
        rc_t rc = RC_OK;
        for (int i = optind; i < argc; i++) {
            if (i > optind)
                buf_append_byte(&q, ' ', &rc);
            buf_append_str(&q, argv[i], &rc);
        }
        buf_t errs;
        buf_init(&errs);
        sr_result res;
        sr_result_init(&res);
        r = rc == RC_OK ? run_query(s, &o, NULL, buf_cstr(&q), q.len, &res, &out, &errs)
                        : EXIT_INDEX;
        write_buf(&errs, stderr);
        write_buf(&out, stdout);
        sr_result_free(&res);
        buf_free(&q);
        buf_free(&out);
        buf_free(&errs);
    } else {
        r = run_batch(s, &o, stdin, o.fmt == SR_FMT_TREC);
    }
    sr_close(s);
    if (fflush(stdout) != 0) {
        perror("searcher: writing results");
        return EXIT_INDEX;
    }
    return r;
}
