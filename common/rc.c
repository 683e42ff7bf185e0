/* rc.c - the status-code table and the err_t fillers. */
#include "rc.h"

#include <stdio.h>
#include <string.h>

static const char *const rc_names[RC__COUNT] = {
    [RC_OK] = "ok",
    [RC_NOMEM] = "out of memory",
    [RC_IO] = "input/output error",
    [RC_BADINPUT] = "bad input",
    [RC_CORRUPT] = "corrupt index",
    [RC_NOTFOUND] = "not found",
    [RC_FULL] = "no space",
    [RC_INTERNAL] = "internal error",
    [RC_BUSY] = "busy",
};

const char *rc_str(rc_t rc)
{
    if ((unsigned)rc >= RC__COUNT)
        return "unknown error";
    return rc_names[rc];
}

void err_clear(err_t *err)
{
    if (err) {
        err->rc = RC_OK;
        err->msg[0] = '\0';
    }
}

rc_t err_vset(err_t *err, rc_t rc, const char *fmt, va_list ap)
{
    if (!err || err->rc != RC_OK)
        return rc;
    err->rc = rc;
    vsnprintf(err->msg, sizeof err->msg, fmt, ap);
    return rc;
}

rc_t err_set(err_t *err, rc_t rc, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    err_vset(err, rc, fmt, ap);
    va_end(ap);
    return rc;
}

rc_t rc_corrupt(err_t *err, const char *what, const char *file, int line)
{
    /* The source position helps a bug report; the user sees "what" first. */
    return err_set(err, RC_CORRUPT, "corrupt index: %s (detected at %s:%d)", what, file, line);
}
