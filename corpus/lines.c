/* lines.c - a file as a sequence of lines, plain or zstd-compressed, in
 * UTF-8 or (with a byte order mark) UTF-16/UTF-32.
 *
 * Lines are returned from one growing buffer; a line longer than the caller's
 * limit is read through to its end but not kept whole, so one 2 GB line
 * cannot exhaust memory.  UTF-16 cannot be cut at byte 0x0A (上 is U+4E0A),
 * so a file that starts with a UTF-16 or UTF-32 BOM is converted to UTF-8 as
 * it is read, before it is split; what ICU cannot convert becomes U+FFFD.
 */
#include <errno.h>
#include <string.h>
#include <unicode/ucnv.h>
#include <zstd.h>

#include "../common/mem.h"
#include "internal.h"

enum { IN_CHUNK = 1 << 17 };

struct cp_lines {
    FILE *f;
    int is_stdin;
    ZSTD_DStream *zs;
    unsigned char *zin;          /* compressed input buffer */
    ZSTD_inBuffer zbuf;
    unsigned char *raw;          /* decompressed (or plain) bytes not yet returned */
    size_t raw_len, raw_pos, raw_cap;
    int eof;
    int started;                 /* the first bytes were checked for a BOM */
    const char *charset;         /* "UTF-16LE"...: converted from it, else NULL */
    const char *binary;          /* the file is binary: why, else NULL */
    UConverter *from, *to_utf8;
    unsigned char *cin;          /* source bytes waiting to be converted */
    size_t cin_len, cin_pos;
    int src_eof, conv_reset;
    UChar pivot[4096], *psrc, *ptgt;
    buf_t line;
    size_t lineno;
    uint64_t file_bytes;  /* bytes read from the file (compressed, for .zst) */
    char *path;
};

static int has_suffix(const char *s, const char *suf)
{
    size_t n = strlen(s), m = strlen(suf);
    return n >= m && !strcmp(s + n - m, suf);
}

rc_t lines_open(const char *path, cp_lines **out, err_t *err)
{
    *out = NULL;
    cp_lines *l = mem_calloc(1, sizeof *l);
    if (!l)
        return err_set(err, RC_NOMEM, "out of memory");
    buf_init(&l->line);
    l->path = mem_strndup(path, strlen(path));
    l->raw_cap = IN_CHUNK;
    l->raw = mem_alloc(l->raw_cap);
    if (!l->path || !l->raw) {
        lines_close(l);
        return err_set(err, RC_NOMEM, "out of memory");
    }
    if (!strcmp(path, "-")) {
        l->f = stdin;
        l->is_stdin = 1;
    } else {
        l->f = fopen(path, "rb");
        if (!l->f) {
            int e = errno;
            lines_close(l);
            return err_set(err, RC_IO, "%s: %s", path, strerror(e));
        }
    }
    if (has_suffix(path, ".zst")) {
        l->zs = ZSTD_createDStream();
        l->zin = mem_alloc(ZSTD_DStreamInSize());
        if (!l->zs || !l->zin) {
            lines_close(l);
            return err_set(err, RC_NOMEM, "out of memory opening zstd stream");
        }
        ZSTD_initDStream(l->zs);
        l->zbuf.src = l->zin;
        l->zbuf.size = 0;
        l->zbuf.pos = 0;
    }
    *out = l;
    return RC_OK;
}

void lines_close(cp_lines *l)
{
    if (!l)
        return;
    if (l->f && !l->is_stdin)
        fclose(l->f);
    ZSTD_freeDStream(l->zs);
    mem_free(l->zin);
    if (l->from)
        ucnv_close(l->from);
    if (l->to_utf8)
        ucnv_close(l->to_utf8);
    mem_free(l->cin);
    mem_free(l->raw);
    mem_free(l->path);
    buf_free(&l->line);
    mem_free(l);
}

size_t lines_lineno(const cp_lines *l)
{
    return l->lineno;
}

uint64_t lines_file_bytes(const cp_lines *l)
{
    return l->file_bytes;
}

const char *lines_charset(const cp_lines *l)
{
    return l->charset;
}

const char *lines_binary(const cp_lines *l)
{
    return l->binary;
}

/* Up to cap bytes of the file (decompressed) into dst; *n = 0 at its end. */
static rc_t read_source(cp_lines *l, unsigned char *dst, size_t cap, size_t *n, err_t *err)
{
    *n = 0;
    if (!l->zs) {
        *n = fread(dst, 1, cap, l->f);
        l->file_bytes += *n;
        if (*n == 0 && ferror(l->f))
            return err_set(err, RC_IO, "%s: read error: %s", l->path, strerror(errno));
        return RC_OK;
    }
    while (*n == 0) {
        if (l->zbuf.pos == l->zbuf.size) {
            size_t got = fread(l->zin, 1, ZSTD_DStreamInSize(), l->f);
            l->file_bytes += got;
            if (got == 0) {
                if (ferror(l->f))
                    return err_set(err, RC_IO, "%s: read error: %s", l->path, strerror(errno));
                return RC_OK;
            }
            l->zbuf.size = got;
            l->zbuf.pos = 0;
        }
        ZSTD_outBuffer ob = {dst, cap, 0};
        size_t r = ZSTD_decompressStream(l->zs, &ob, &l->zbuf);
        if (ZSTD_isError(r))
            return err_set(err, RC_IO, "%s: zstd: %s", l->path, ZSTD_getErrorName(r));
        *n = ob.pos;
    }
    return RC_OK;
}

/* A UTF-16/32 BOM at the start of the file: set up the conversion and move
 * the bytes after the BOM to cin. */
static rc_t check_bom(cp_lines *l, err_t *err)
{
    static const struct {
        const char *bom;
        size_t len;
        const char *name;
    } boms[] = {{"\xff\xfe\0\0", 4, "UTF-32LE"}, {"\0\0\xfe\xff", 4, "UTF-32BE"},
                {"\xff\xfe", 2, "UTF-16LE"},     {"\xfe\xff", 2, "UTF-16BE"}};
    l->started = 1;
    for (size_t i = 0; i < sizeof boms / sizeof boms[0]; i++) {
        if (l->raw_len < boms[i].len || memcmp(l->raw, boms[i].bom, boms[i].len))
            continue;
        UErrorCode st = U_ZERO_ERROR;
        l->from = ucnv_open(boms[i].name, &st);
        l->to_utf8 = ucnv_open("UTF-8", &st);
        l->cin = mem_alloc(l->raw_cap);
        if (U_FAILURE(st) || !l->cin)
            return err_set(err, l->cin ? RC_INTERNAL : RC_NOMEM, "%s: cannot convert from %s",
                           l->path, boms[i].name);
        l->charset = boms[i].name;
        l->cin_len = l->raw_len - boms[i].len;
        memcpy(l->cin, l->raw + boms[i].len, l->cin_len);
        l->cin_pos = 0;
        l->raw_len = 0;
        l->psrc = l->ptgt = l->pivot;
        l->conv_reset = 1;
        return RC_OK;
    }
    return RC_OK;
}

/* Convert cin (refilled from the file as needed) into raw[]. */
static rc_t convert_more(cp_lines *l, err_t *err)
{
    while (l->raw_len == 0) {
        if (l->cin_pos == l->cin_len && !l->src_eof) {
            rc_t rc = read_source(l, l->cin, l->raw_cap, &l->cin_len, err);
            if (rc != RC_OK)
                return rc;
            l->cin_pos = 0;
            l->src_eof = l->cin_len == 0;
        }
        char *t = (char *)l->raw;
        const char *s = (const char *)l->cin + l->cin_pos;
        UErrorCode st = U_ZERO_ERROR;
        ucnv_convertEx(l->to_utf8, l->from, &t, (char *)l->raw + l->raw_cap, &s,
                       (const char *)l->cin + l->cin_len, l->pivot, &l->psrc, &l->ptgt,
                       l->pivot + sizeof l->pivot / sizeof l->pivot[0], (UBool)l->conv_reset,
                       (UBool)l->src_eof, &st);
        l->conv_reset = 0;
        l->cin_pos = (size_t)(s - (const char *)l->cin);
        l->raw_len = (size_t)(t - (char *)l->raw);
        if (U_FAILURE(st) && st != U_BUFFER_OVERFLOW_ERROR)
            return err_set(err, RC_IO, "%s: cannot convert from %s: %s", l->path, l->charset,
                           u_errorName(st));
        if (l->raw_len == 0 && l->src_eof && l->cin_pos == l->cin_len) {
            l->eof = 1;
            break;
        }
    }
    return RC_OK;
}

/* Refill raw[] with more bytes; sets eof when there are none. */
static rc_t refill(cp_lines *l, err_t *err)
{
    l->raw_len = 0;
    l->raw_pos = 0;
    if (l->from)
        return convert_more(l, err);
    rc_t rc = read_source(l, l->raw, l->raw_cap, &l->raw_len, err);
    if (rc != RC_OK)
        return rc;
    if (!l->started && (rc = check_bom(l, err)) == RC_OK) {
        if (l->from)
            return convert_more(l, err);
        l->binary = charset_binary_why(l->raw, l->raw_len);
    }
    if (l->raw_len == 0)
        l->eof = 1;
    return rc;
}

rc_t lines_next(cp_lines *l, size_t max_len, const char **line, size_t *len, int *too_long,
                err_t *err)
{
    rc_t rc = RC_OK;
    size_t full = 0;
    int got_any = 0;
    buf_reset(&l->line);
    *too_long = 0;
    for (;;) {
        if (l->raw_pos == l->raw_len) {
            if (l->eof || (rc = refill(l, err)) != RC_OK)
                break;
            if (l->eof)
                break;
        }
        got_any = 1;
        unsigned char *start = l->raw + l->raw_pos;
        size_t avail = l->raw_len - l->raw_pos;
        unsigned char *nl = memchr(start, '\n', avail);
        size_t take = nl ? (size_t)(nl - start) : avail;
        if (!*too_long && full + take <= max_len)
            buf_append(&l->line, start, take, &rc);
        else
            *too_long = 1;
        full += take;
        l->raw_pos += take + (nl ? 1 : 0);
        if (rc != RC_OK)
            return err_set(err, rc, "out of memory reading %s", l->path);
        if (nl)
            break;
    }
    if (rc != RC_OK)
        return rc;
    if (!got_any)
        return RC_NOTFOUND;
    l->lineno++;
    if (!*too_long && l->line.len && l->line.p[l->line.len - 1] == '\r')
        l->line.p[--l->line.len] = '\0';
    *line = (const char *)buf_cstr(&l->line);
    *len = *too_long ? full : l->line.len;
    return RC_OK;
}
