/* analyzer.c - the driver: break -> fold -> stop -> stem -> emit.
 *
 * Text is analyzed in chunks of at most CHUNK_BYTES, cut at a line break or
 * space, so a 50 MB document never needs a 100 MB UTF-16 copy.  Each chunk is
 * converted to UTF-16 once; ICU's break iterator and normalizer both work on
 * UTF-16, and a walker maps UTF-16 indexes back to byte offsets of the
 * original text for the tokens' start/end.
 */
#include <string.h>
#include <unicode/ustring.h>
#include <unicode/utf16.h>
#include <xxhash.h>

#include "../common/mem.h"
#include "../common/utf8.h"
#include "internal.h"

enum { CHUNK_BYTES = 256 * 1024, N_STEM_SLOTS = 32 };

/* Per-call view: for each script, which stemmer and which stopwords. */
typedef struct {
    int stem_idx[AN_SCRIPT__COUNT];              /* -1: none */
    const an_stopset *stop[AN_SCRIPT__COUNT];
} lang_plan;

struct an_analyzer {
    an_config cfg;
    an_segmenter *seg;
    an_folder *fold;
    an_stopset *stop_en, *stop_ru, *stop_zh;
    an_stemmer stemmer[N_STEM_SLOTS];   /* by stem table index, opened lazily */
    UChar *u16;
    int32_t u16_cap;
    buf_t term;
    buf_t ahead;         /* the next word of an ASCII chunk, folded (scan_ascii) */
    an_stemcache *stems;
    lang_plan plan;      /* for plan_lang, the language of the last call */
    char plan_lang[16];
    int plan_ok;
    uint64_t too_long;   /* words dropped for exceeding AN_TERM_MAX, ever */
};

/* The last Han character seen, for bigrams that cross word boundaries. */
typedef struct {
    int active;
    int32_t uend;          /* UTF-16 end of the word it belongs to */
    uint32_t pos;          /* that word's position */
    unsigned char ch[4];   /* folded character, UTF-8 */
    size_t ch_len;
    size_t start, end;     /* byte offsets of the character in the text (the
                            * folded form can be longer: U+FAD7 -> U+27ED3) */
    int emitted;           /* bigram mode: a bigram already used this run */
} han_run;

typedef struct {
    an_analyzer *an;
    const lang_plan *plan;
    const char *text;       /* whole text, for byte offsets */
    const UChar *u;         /* current chunk in UTF-16 ... */
    const char *ascii;      /* ... or, when it is all ASCII, its bytes (u unused) */
    size_t chunk_off;       /* byte offset of the chunk in text */
    int32_t walk_u;         /* walker: UTF-16 index ... */
    size_t walk_b;          /* ... and its byte offset within the chunk */
    uint32_t *pos;
    an_emit_fn emit;
    void *ctx;
    err_t *err;
    han_run run;
} scan;

an_config an_config_default(void)
{
    an_config c = {.cjk_mode = AN_CJK_WORDS_RUNBIGRAMS};
    return c;
}

static const char *const cjk_names[AN_CJK__COUNT] = {
    [AN_CJK_WORDS] = "words",
    [AN_CJK_BIGRAMS] = "bigrams",
    [AN_CJK_WORDS_BIGRAMS] = "words+bigrams",
    [AN_CJK_WORDS_RUNBIGRAMS] = "words+runbigrams",
};

int an_cjk_mode_parse(const char *name)
{
    for (int i = 0; i < AN_CJK__COUNT; i++)
        if (name && !strcmp(name, cjk_names[i]))
            return i;
    return -1;
}

const char *an_cjk_mode_name(an_cjk_mode mode)
{
    return (unsigned)mode < AN_CJK__COUNT ? cjk_names[mode] : "?";
}

rc_t an_open(const an_config *cfg, an_analyzer **out, err_t *err)
{
    *out = NULL;
    an_analyzer *an = mem_calloc(1, sizeof *an);
    if (!an)
        return err_set(err, RC_NOMEM, "out of memory opening the analyzer");
    an->cfg = cfg ? *cfg : an_config_default();
    buf_init(&an->term);
    buf_init(&an->ahead);
    an->stems = stemcache_new();
    rc_t rc = an->stems ? seg_open(&an->seg, err)
                        : err_set(err, RC_NOMEM, "out of memory opening the analyzer");
    if (rc == RC_OK)
        rc = fold_open(&an->fold, err);
    if (rc == RC_OK && !an->cfg.no_stopwords) {
        if (stop_open("en", &an->stop_en) != RC_OK || stop_open("ru", &an->stop_ru) != RC_OK ||
            stop_open("zh", &an->stop_zh) != RC_OK)
            rc = err_set(err, RC_NOMEM, "out of memory loading stopwords");
    }
    if (rc != RC_OK) {
        an_close(an);
        return rc;
    }
    *out = an;
    return RC_OK;
}

void an_close(an_analyzer *an)
{
    if (!an)
        return;
    seg_close(an->seg);
    fold_close(an->fold);
    stop_close(an->stop_en);
    stop_close(an->stop_ru);
    stop_close(an->stop_zh);
    for (int i = 0; i < N_STEM_SLOTS; i++)
        if (an->stemmer[i].close)
            an->stemmer[i].close(an->stemmer[i].ctx);
    mem_free(an->u16);
    stemcache_free(an->stems);
    buf_free(&an->term);
    buf_free(&an->ahead);
    mem_free(an);
}

const an_config *an_get_config(const an_analyzer *an)
{
    return &an->cfg;
}

static const an_stopset *stopset_for(const an_analyzer *an, int stem_idx)
{
    const char *code = stem_lang_code(stem_idx);
    if (!strcmp(code, "en"))
        return an->stop_en;
    if (!strcmp(code, "ru"))
        return an->stop_ru;
    return NULL;
}

static void plan_for(const an_analyzer *an, const char *lang, lang_plan *plan)
{
    for (int s = 0; s < AN_SCRIPT__COUNT; s++) {
        plan->stem_idx[s] = -1;
        plan->stop[s] = NULL;
    }
    plan->stem_idx[AN_SCRIPT_LATIN] = stem_lang_index("en");
    plan->stem_idx[AN_SCRIPT_CYRILLIC] = stem_lang_index("ru");
    plan->stem_idx[AN_SCRIPT_GREEK] = stem_lang_index("el");
    plan->stem_idx[AN_SCRIPT_ARABIC] = stem_lang_index("ar");
    int own = stem_lang_index(lang);
    if (own >= 0)
        plan->stem_idx[stem_lang_script(own)] = own;
    plan->stop[AN_SCRIPT_LATIN] = stopset_for(an, plan->stem_idx[AN_SCRIPT_LATIN]);
    plan->stop[AN_SCRIPT_CYRILLIC] = stopset_for(an, plan->stem_idx[AN_SCRIPT_CYRILLIC]);
    plan->stop[AN_SCRIPT_HAN] = an->stop_zh;
    if (an->cfg.no_stemming)
        for (int s = 0; s < AN_SCRIPT__COUNT; s++)
            plan->stem_idx[s] = -1;
}

/* The plan of the previous call when lang is the same (documents come in
 * runs of one language; working it out took 250 instructions a call). */
static const lang_plan *plan_cached(an_analyzer *an, const char *lang)
{
    const char *l = lang ? lang : "";
    if (an->plan_ok && !strcmp(an->plan_lang, l))
        return &an->plan;
    plan_for(an, lang, &an->plan);
    size_t n = strlen(l);
    an->plan_ok = n < sizeof an->plan_lang;
    if (an->plan_ok)
        memcpy(an->plan_lang, l, n + 1);
    return &an->plan;
}

/* Byte offset (in the whole text) of UTF-16 index ui of the current chunk
 * (in an ASCII chunk, the index is the byte offset). */
static size_t byte_at(scan *sc, int32_t ui)
{
    if (sc->ascii)
        return sc->chunk_off + (size_t)ui;
    while (sc->walk_u < ui) {
        UChar c = sc->u[sc->walk_u];
        if (U16_IS_LEAD(c)) {
            sc->walk_u += 2;
            sc->walk_b += 4;
        } else {
            sc->walk_u += 1;
            sc->walk_b += c < 0x80 ? 1 : c < 0x800 ? 2 : 3;
        }
    }
    return sc->chunk_off + sc->walk_b;
}

/* The stem of the folded word in an->term (hash: XXH3_64bits of it, 0 when
 * there were no lookups to make), lent until the next word: from the cache,
 * else from Snowball; with the low half of its own hash in t->stem_hash. */
static rc_t stem_word(scan *sc, an_script script, uint64_t hash, an_token *t)
{
    an_analyzer *an = sc->an;
    int idx = sc->plan->stem_idx[script];
    t->stem = (const char *)an->term.p;
    t->stem_len = an->term.len;
    if (idx < 0 || idx >= N_STEM_SLOTS) {
        if (hash) {
            t->stem_hash = (uint32_t)hash;
            t->flags |= AN_TOK_HASHED;
        }
        return RC_OK;
    }
    an_stemmer *st = &an->stemmer[idx];
    if (!st->stem) {
        rc_t rc = stem_open(idx, st, sc->err);
        if (rc != RC_OK)
            return rc;
    }
    size_t n;
    const char *word = (const char *)an->term.p;
    const char *s = stemcache_get(an->stems, idx, word, an->term.len, hash, &n, &t->stem_hash);
    if (!s) {
        s = st->stem(st->ctx, word, an->term.len, &n);
        t->stem_hash = (uint32_t)XXH3_64bits(s, n);
        stemcache_put(an->stems, idx, word, an->term.len, hash, s, n, t->stem_hash);
    }
    t->stem = s;
    t->stem_len = n;
    t->flags |= AN_TOK_HASHED;
    return RC_OK;
}

static rc_t emit_gram(scan *sc, const unsigned char *g, size_t len, uint32_t pos, size_t start,
                      size_t end, unsigned flags)
{
    an_token t = {.term = (const char *)g, .term_len = len, .stem = (const char *)g,
                  .stem_len = len, .pos = pos, .start = start, .end = end,
                  .script = AN_SCRIPT_HAN, .flags = flags};
    return sc->emit(sc->ctx, &t);
}

/* A lone character left at the end of a bigram-mode run becomes a unigram,
 * so one-character words (药, 癌) stay searchable. */
static rc_t run_end(scan *sc)
{
    rc_t rc = RC_OK;
    han_run *r = &sc->run;
    if (r->active && sc->an->cfg.cjk_mode == AN_CJK_BIGRAMS && !r->emitted)
        rc = emit_gram(sc, r->ch, r->ch_len, (*sc->pos)++, r->start, r->end, 0);
    r->active = 0;
    r->emitted = 0;
    return rc;
}

/* Walk the characters of a folded Han word: folded[] gives the characters,
 * the original bytes at [start, end) give their offsets (one-to-one unless
 * folding changed the count, then every character gets the word's span). */
typedef struct {
    const unsigned char *f, *fend;   /* folded */
    const unsigned char *o, *oend;   /* original */
    const unsigned char *obase;      /* original at byte offset `base` */
    int same_count;
    size_t base, end;
} han_chars;

static size_t count_cps(const unsigned char *p, const unsigned char *end)
{
    size_t n = 0;
    for (; p < end; p++)
        n += (*p & 0xC0) != 0x80;
    return n;
}

static void han_chars_init(han_chars *hc, scan *sc, size_t start, size_t end)
{
    hc->f = sc->an->term.p;
    hc->fend = hc->f + sc->an->term.len;
    hc->o = hc->obase = (const unsigned char *)sc->text + start;
    hc->oend = (const unsigned char *)sc->text + end;
    hc->same_count = count_cps(hc->f, hc->fend) == count_cps(hc->o, hc->oend);
    hc->base = start;
    hc->end = end;
}

/* Next folded character into ch/len, with its original byte span [s, e). */
static int han_chars_next(han_chars *hc, unsigned char ch[4], size_t *len, size_t *s, size_t *e)
{
    if (hc->f >= hc->fend)
        return 0;
    uint32_t cp;
    size_t n = utf8_decode(hc->f, hc->fend, &cp);
    if (!n)
        n = 1;
    memcpy(ch, hc->f, n);
    *len = n;
    hc->f += n;
    if (hc->same_count && hc->o < hc->oend) {
        size_t m = utf8_decode(hc->o, hc->oend, &cp);
        if (!m)
            m = 1;
        *s = hc->base + (size_t)(hc->o - hc->obase);
        *e = *s + m;
        hc->o += m;
    } else {
        *s = hc->base;
        *e = hc->end;
    }
    return 1;
}

static rc_t emit_bigram(scan *sc, const han_run *prev, const unsigned char *ch, size_t len,
                        uint32_t pos, size_t end, unsigned flags)
{
    unsigned char g[8];
    memcpy(g, prev->ch, prev->ch_len);
    memcpy(g + prev->ch_len, ch, len);
    return emit_gram(sc, g, prev->ch_len + len, pos, prev->start, end, flags);
}

/* Bigram mode: the word itself is not emitted, its characters extend the run. */
static rc_t han_bigrams_only(scan *sc, int32_t ustart, int32_t uend, size_t start, size_t end)
{
    han_run *r = &sc->run;
    if (r->active && r->uend != ustart) {
        rc_t rc = run_end(sc);
        if (rc != RC_OK)
            return rc;
    }
    han_chars hc;
    han_chars_init(&hc, sc, start, end);
    unsigned char ch[4];
    size_t len, s, e;
    while (han_chars_next(&hc, ch, &len, &s, &e)) {
        if (r->active) {
            rc_t rc = emit_bigram(sc, r, ch, len, (*sc->pos)++, e, 0);
            if (rc != RC_OK)
                return rc;
            r->emitted = 1;
        }
        r->active = 1;
        memcpy(r->ch, ch, len);
        r->ch_len = len;
        r->start = s;
        r->end = e;
    }
    r->uend = uend;
    return RC_OK;
}

/* Word modes: the overlays for one Han word that was just emitted at pos. */
static rc_t han_overlays(scan *sc, int32_t ustart, int32_t uend, size_t start, size_t end,
                         uint32_t pos)
{
    an_cjk_mode mode = sc->an->cfg.cjk_mode;
    han_run *r = &sc->run;
    han_chars hc;
    han_chars_init(&hc, sc, start, end);
    size_t n_chars = count_cps(hc.f, hc.fend);
    unsigned char ch[4];
    size_t len, s, e;
    int first = 1;
    while (han_chars_next(&hc, ch, &len, &s, &e)) {
        rc_t rc = RC_OK;
        if (first) {
            if (mode == AN_CJK_WORDS_RUNBIGRAMS && r->active && r->uend == ustart)
                rc = emit_bigram(sc, r, ch, len, r->pos, e, AN_TOK_OVERLAY);
        } else if (n_chars >= 3) {
            rc = emit_bigram(sc, r, ch, len, pos, e, AN_TOK_OVERLAY);
        }
        if (rc != RC_OK)
            return rc;
        first = 0;
        r->active = 1;
        memcpy(r->ch, ch, len);
        r->ch_len = len;
        r->start = s;
        r->end = e;
    }
    r->uend = uend;
    r->pos = pos;
    return RC_OK;
}

/* A word folded into a term buffer, with what finish_word() needs of it. */
typedef struct {
    int32_t ustart, uend;
    an_script script;
    int stop;
    uint64_t hash;         /* XXH3_64bits of the folded word, 0 without lookups */
} folded;

/* Fold the word at [ustart, uend) into out, hash it once for the stopword
 * set and the stem cache, and start loading its stem cache slot: in
 * scan_ascii() the slot is read a word later, and on English news that
 * load (5 MB of slots per analyzer, read at random) was the commonest
 * cache miss of indexing. */
static inline rc_t fold_one(scan *sc, int32_t ustart, int32_t uend, buf_t *out, folded *f)
{
    an_analyzer *an = sc->an;
    rc_t rc = sc->ascii ? fold_ascii_word(sc->ascii + ustart, (size_t)(uend - ustart), out,
                                          &f->script, sc->err)
                        : fold_word(an->fold, sc->u + ustart, uend - ustart, out, &f->script,
                                    sc->err);
    if (rc != RC_OK)
        return rc;
    f->ustart = ustart;
    f->uend = uend;
    f->stop = 0;
    f->hash = 0;
    if (out->len == 0 || out->len > AN_TERM_MAX)
        return RC_OK;
    const an_stopset *stop = sc->plan->stop[f->script];
    int idx = sc->plan->stem_idx[f->script];
    if (!stop && idx < 0)
        return RC_OK;
    f->hash = XXH3_64bits(out->p, out->len);
    f->stop = stop_has(stop, (const char *)out->p, out->len, f->hash);
    if (!f->stop && idx >= 0)
        stemcache_prefetch(an->stems, idx, f->hash);
    return RC_OK;
}

/* The rest of a word that fold_one() put in an->term: its token(s). */
static inline rc_t finish_word(scan *sc, const folded *f)
{
    an_analyzer *an = sc->an;
    int32_t ustart = f->ustart, uend = f->uend;
    an_script script = f->script;
    size_t start = byte_at(sc, ustart), end = byte_at(sc, uend);
    rc_t rc;
    int han = script == AN_SCRIPT_HAN;
    /* run_end() changes nothing when no run is active (ASCII text). */
    if (sc->run.active && (!han || sc->run.uend != ustart)) {
        if ((rc = run_end(sc)) != RC_OK)
            return rc;
    }
    if (an->term.len == 0)
        return RC_OK;
    if (an->term.len > AN_TERM_MAX) {
        an->too_long++;
        (*sc->pos)++;
        return RC_OK;
    }
    if (han && an->cfg.cjk_mode == AN_CJK_BIGRAMS)
        return han_bigrams_only(sc, ustart, uend, start, end);
    an_token t = {.term = (const char *)an->term.p, .term_len = an->term.len, .pos = *sc->pos,
                  .start = start, .end = end, .script = script};
    (*sc->pos)++;
    if (f->stop) {
        t.flags = AN_TOK_STOP;
        t.stem = t.term;
        t.stem_len = t.term_len;
        if (han && (rc = run_end(sc)) != RC_OK)
            return rc;
        return sc->emit(sc->ctx, &t);
    }
    if ((rc = stem_word(sc, script, f->hash, &t)) != RC_OK)
        return rc;
    if ((rc = sc->emit(sc->ctx, &t)) != RC_OK)
        return rc;
    if (han && an->cfg.cjk_mode != AN_CJK_WORDS)
        return han_overlays(sc, ustart, uend, start, end, t.pos);
    return RC_OK;
}

static rc_t one_word(scan *sc, int32_t ustart, int32_t uend)
{
    folded f;
    rc_t rc = fold_one(sc, ustart, uend, &sc->an->term, &f);
    return rc == RC_OK ? finish_word(sc, &f) : rc;
}

/* ICU keeps "Super_Bowl_50" and "snake_case" as one word (the underscore is
 * ExtendNumLet); in news text these are Wikipedia slugs and identifiers
 * whose parts are what people search for, so each part is a word. */
static rc_t split_word(scan *sc, int32_t ustart, int32_t uend)
{
    int32_t from = ustart;
    for (int32_t i = ustart; i < uend; i++) {
        if ((sc->ascii ? (UChar)sc->ascii[i] : sc->u[i]) != '_')
            continue;
        if (i > from) {
            rc_t rc = one_word(sc, from, i);
            if (rc != RC_OK)
                return rc;
        }
        from = i + 1;
    }
    return from < uend ? one_word(sc, from, uend) : RC_OK;
}

/* Where to end a chunk that starts at off: a line break, else a space, else
 * a character boundary, within CHUNK_BYTES. */
static size_t chunk_len(const char *text, size_t len, size_t off)
{
    size_t n = len - off;
    if (n <= CHUNK_BYTES)
        return n;
    const char *s = text + off;
    for (size_t i = CHUNK_BYTES; i > CHUNK_BYTES / 2; i--)
        if (s[i - 1] == '\n')
            return i;
    for (size_t i = CHUNK_BYTES; i > CHUNK_BYTES / 2; i--)
        if (s[i - 1] == ' ')
            return i;
    return utf8_floor(s, CHUNK_BYTES);
}

static rc_t to_utf16(an_analyzer *an, const char *s, size_t n, int32_t *out_n, err_t *err)
{
    if ((int64_t)n + 1 > an->u16_cap) {
        int32_t cap = (int32_t)n + 1;
        UChar *u = mem_realloc(an->u16, (size_t)cap * sizeof *u);
        if (!u)
            return err_set(err, RC_NOMEM, "out of memory converting text to UTF-16");
        an->u16 = u;
        an->u16_cap = cap;
    }
    UErrorCode st = U_ZERO_ERROR;
    u_strFromUTF8(an->u16, an->u16_cap, out_n, s, (int32_t)n, &st);
    if (U_FAILURE(st))
        return err_set(err, RC_INTERNAL, "ICU UTF-8 to UTF-16: %s", u_errorName(st));
    return RC_OK;
}

/* Words of an ASCII chunk: ascii.c finds what ICU would (see there).  Each
 * word is folded (into an->ahead) before the one before it is finished, so
 * that its stem cache slot loads meanwhile (fold_one()); a word with an
 * underscore is split and done at once. */
static rc_t scan_ascii(scan *sc, const char *s, size_t n)
{
    an_analyzer *an = sc->an;
    sc->ascii = s;
    size_t at = 0, start, end;
    int underscore, pending = 0;
    folded cur, next;
    rc_t rc = RC_OK;
    while (rc == RC_OK) {
        int more = ascii_next(s, n, &at, &start, &end, &underscore);
        if (more && !underscore &&
            (rc = fold_one(sc, (int32_t)start, (int32_t)end, &an->ahead, &next)) != RC_OK)
            break;
        if (pending && (rc = finish_word(sc, &cur)) != RC_OK)
            break;
        pending = 0;
        if (!more)
            break;
        if (underscore) {
            rc = split_word(sc, (int32_t)start, (int32_t)end);
            continue;
        }
        buf_t t = an->term;
        an->term = an->ahead;
        an->ahead = t;
        cur = next;
        pending = 1;
    }
    sc->ascii = NULL;
    return rc;
}

static rc_t scan_icu(scan *sc, const char *s, size_t n)
{
    an_analyzer *an = sc->an;
    int32_t un;
    rc_t rc = to_utf16(an, s, n, &un, sc->err);
    if (rc == RC_OK)
        rc = seg_set_text(an->seg, an->u16, un, sc->err);
    if (rc != RC_OK)
        return rc;
    sc->u = an->u16;
    sc->walk_u = 0;
    sc->walk_b = 0;
    int32_t b, e;
    int kind;
    while (rc == RC_OK && seg_next(an->seg, &b, &e, &kind))
        rc = split_word(sc, b, e);
    return rc;
}

rc_t an_analyze(an_analyzer *an, const char *lang, const char *text, size_t len, uint32_t *pos,
                an_emit_fn emit, void *ctx, err_t *err)
{
    size_t bad = utf8_valid_prefix(text, len);
    if (bad != len)
        return err_set(err, RC_BADINPUT, "text is not valid UTF-8 at byte %zu", bad);
    scan sc = {.an = an, .plan = plan_cached(an, lang), .text = text, .pos = pos, .emit = emit, .ctx = ctx,
               .err = err};
    rc_t rc = RC_OK;
    for (size_t off = 0; off < len && rc == RC_OK;) {
        size_t n = chunk_len(text, len, off);
        sc.chunk_off = off;
        sc.run.active = 0;
        if (!an->cfg.no_ascii_path && utf8_ascii_prefix(text + off, n) == n)
            rc = scan_ascii(&sc, text + off, n);
        else
            rc = scan_icu(&sc, text + off, n);
        if (rc == RC_OK)
            rc = run_end(&sc);
        off += n;
    }
    return rc;
}

uint64_t an_words_too_long(const an_analyzer *an)
{
    return an->too_long;
}

an_script an_term_script(const char *term, size_t len)
{
    const unsigned char *p = (const unsigned char *)term, *end = p + len;
    int digits = 0;
    while (p < end) {
        uint32_t cp;
        size_t n = utf8_decode(p, end, &cp);
        if (!n)
            return AN_SCRIPT_OTHER;
        an_script s = fold_script_of(cp);
        if (s != AN_SCRIPT_OTHER)
            return s;
        digits |= cp >= '0' && cp <= '9';
        p += n;
    }
    return digits ? AN_SCRIPT_NUMBER : AN_SCRIPT_OTHER;
}

void an_count_scripts(const char *text, size_t len, size_t *counts)
{
    const unsigned char *p = (const unsigned char *)text, *end = p + len;
    while (p < end) {
        uint32_t cp;
        size_t n = utf8_decode(p, end, &cp);
        if (!n) {
            p++;
            continue;
        }
        counts[fold_script_of(cp)]++;
        p += n;
    }
}
