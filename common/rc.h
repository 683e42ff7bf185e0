/* rc.h - status codes and error messages shared by every module.
 *
 * Errors are values: a function returns an rc_t and, when it fails, fills an
 * err_t once, at the place where the failure is found, with the context a user
 * needs (file and line, byte offset, query column, LMDB's own message).
 * Callers pass the err_t up unchanged.  Library code never prints and never
 * exits; the thin main.c programs decide what to print and which exit status
 * to return.
 */
#ifndef COMMON_RC_H
#define COMMON_RC_H

#include <stdarg.h>

typedef enum {
    RC_OK = 0,
    RC_NOMEM,     /* an allocation failed */
    RC_IO,        /* a read, write or open failed; errno-derived message */
    RC_BADINPUT,  /* user input (document, query, option) is malformed */
    RC_CORRUPT,   /* bytes on disk do not decode; the index is damaged */
    RC_NOTFOUND,  /* a lookup found nothing (not always an error) */
    RC_FULL,      /* a size limit was hit: disk full, map full, too many terms */
    RC_INTERNAL,  /* a library returned something we did not expect */
    RC_BUSY,      /* another writer holds the index */
    RC__COUNT
} rc_t;

enum { ERR_MSG_MAX = 512 };

typedef struct {
    rc_t rc;
    char msg[ERR_MSG_MAX];
} err_t;

/* Short fixed name of a code ("out of memory", "corrupt index", ...). */
const char *rc_str(rc_t rc);

/* Clear *err to RC_OK with an empty message.  err may be NULL. */
void err_clear(err_t *err);

/* Fill *err with rc and a printf-style message, and return rc, so a failure
 * reads `return err_set(err, RC_IO, "%s: %s", path, strerror(errno));`.
 * err may be NULL, in which case only rc is returned.  An err that already
 * holds a failure is kept: the first message is the one closest to the cause. */
rc_t err_set(err_t *err, rc_t rc, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
rc_t err_vset(err_t *err, rc_t rc, const char *fmt, va_list ap);

/* Every corruption found while decoding goes through this one function, so a
 * single breakpoint (break rc_corrupt) catches them all. */
rc_t rc_corrupt(err_t *err, const char *what, const char *file, int line);
#define RC_CORRUPT_AT(err, what) rc_corrupt((err), (what), __FILE__, __LINE__)

#endif
