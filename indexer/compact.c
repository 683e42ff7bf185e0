/* compact.c - indexer --compact: copy the live generation into a new one
 * with LMDB's compacting copy (free pages dropped, pages refilled), check
 * that it opens, switch CURRENT to it.  Searchers that have the old
 * generation open keep reading it; the next writer removes it once nobody
 * has it open.  Holds the write lock throughout, so no update is lost. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "internal.h"

static rc_t sync_file(const char *dir, const char *gen, err_t *err)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/%s/data.mdb", dir, gen);
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return err_set(err, RC_IO, "%s: cannot open the compacted copy", path);
    int r = fsync(fd);
    close(fd);
    return r ? err_set(err, RC_IO, "%s: fsync failed", path) : RC_OK;
}

rc_t ix_compact(const char *dir, double lock_timeout, uint64_t *before, uint64_t *after,
                err_t *err)
{
    int lock_fd;
    rc_t rc = env_lock(dir, lock_timeout, &lock_fd, err);
    if (rc != RC_OK)
        return rc;
    char cur[64], next[64];
    ix_env e;
    memset(&e, 0, sizeof e);
    e.lock_fd = -1;
    if ((rc = env_current(dir, cur, sizeof cur, err)) != RC_OK) {
        if (rc == RC_NOTFOUND)
            rc = err_set(err, RC_IO, "%s: no index here", dir);
        close(lock_fd);
        return rc;
    }
    env_remove_unused(dir, cur);
    if ((rc = env_open(&e, dir, cur, 1, 0, 0, err)) != RC_OK) {
        close(lock_fd);
        return rc;
    }
    MDB_envinfo info;
    MDB_stat st;
    mdb_env_info(e.env, &info);
    mdb_env_stat(e.env, &st);
    *before = (uint64_t)(info.me_last_pgno + 1) * st.ms_psize;
    rc = env_new_generation(dir, next, sizeof next, err);
    if (rc == RC_OK) {
        char path[4096];
        snprintf(path, sizeof path, "%s/%s/data.mdb", dir, next);
        /* Our own file, not mdb_env_copy2's: LMDB creates it with mode
         * 0666, which umask 000 would leave world-writable. */
        int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0664);
        if (fd < 0) {
            rc = err_set(err, RC_IO, "%s: %s", path, strerror(errno));
        } else {
            int r = mdb_env_copyfd2(e.env, fd, MDB_CP_COMPACT);
            if (close(fd) != 0 && !r)
                r = errno;
            if (r)
                rc = env_err(err, r, "compacting the index");
        }
    }
    env_close(&e);
    if (rc == RC_OK)
        rc = sync_file(dir, next, err);
    if (rc == RC_OK) {
        /* The copy must open and read before anyone is pointed at it. */
        ix_env check;
        rc = env_open(&check, dir, next, 1, 0, 0, err);
        if (rc == RC_OK) {
            MDB_txn *txn;
            an_config cfg;
            ix_meta_stats ms;
            int r = mdb_txn_begin(check.env, NULL, MDB_RDONLY, &txn);
            rc = r ? env_err(err, r, "reading the compacted copy")
                   : meta_read(&check, txn, &cfg, &ms, err);
            if (!r)
                mdb_txn_abort(txn);
            mdb_env_info(check.env, &info);
            mdb_env_stat(check.env, &st);
            *after = (uint64_t)(info.me_last_pgno + 1) * st.ms_psize;
            env_close(&check);
        }
    }
    if (rc == RC_OK)
        rc = env_switch(dir, next, err);
    /* Success: the old generation goes when its readers are gone.
     * Failure: the half-made copy goes now. */
    env_remove_unused(dir, rc == RC_OK ? next : cur);
    close(lock_fd);
    return rc;
}
