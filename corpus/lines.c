/* lines.c - a file as a sequence of lines, plain or zstd-compressed.
 *
 * Lines are returned from one growing buffer; a line longer than the caller's
 * limit is read through to its end but not kept whole, so one 2 GB line
 * cannot exhaust memory.
 */
#include <errno.h>
#include <string.h>
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

/* Refill raw[] with more bytes; sets eof when there are none. */
static rc_t refill(cp_lines *l, err_t *err)
{
    l->raw_len = 0;
    l->raw_pos = 0;
    if (!l->zs) {
        size_t n = fread(l->raw, 1, l->raw_cap, l->f);
        l->file_bytes += n;
        if (n == 0) {
            if (ferror(l->f))
                return err_set(err, RC_IO, "%s: read error: %s", l->path, strerror(errno));
            l->eof = 1;
        }
        l->raw_len = n;
        return RC_OK;
    }
    while (l->raw_len == 0) {
        if (l->zbuf.pos == l->zbuf.size) {
            size_t n = fread(l->zin, 1, ZSTD_DStreamInSize(), l->f);
            l->file_bytes += n;
            if (n == 0) {
                if (ferror(l->f))
                    return err_set(err, RC_IO, "%s: read error: %s", l->path, strerror(errno));
                l->eof = 1;
                return RC_OK;
            }
            l->zbuf.size = n;
            l->zbuf.pos = 0;
        }
        ZSTD_outBuffer ob = {l->raw, l->raw_cap, 0};
        size_t r = ZSTD_decompressStream(l->zs, &ob, &l->zbuf);
        if (ZSTD_isError(r))
            return err_set(err, RC_IO, "%s: zstd: %s", l->path, ZSTD_getErrorName(r));
        l->raw_len = ob.pos;
    }
    return RC_OK;
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
