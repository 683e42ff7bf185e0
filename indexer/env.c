/* env.c - the index directory (CURRENT, generations, write.lock) and the
 * LMDB environment of one generation.  See format.h "Overview" for the
 * layout and LMDB-NOTES.md for the LMDB rules followed here: map growth,
 * stale reader slots, no NOSYNC on a live generation, local disks only.
 */
#define _GNU_SOURCE /* sync_file_range() */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/mman.h>
#include <sys/sysmacros.h>
#include <sys/stat.h>
#include <sys/resource.h>
#include <sys/statfs.h>
#include <sys/statvfs.h>
#include <time.h>
#include <unistd.h>

#include "../common/mem.h"
#include "internal.h"

enum { DEFAULT_MAP = 1u << 30 };

rc_t env_err(err_t *err, int mdb_rc, const char *what)
{
    rc_t rc;
    switch (mdb_rc) {
    case MDB_MAP_FULL: rc = RC_FULL; break;
    case MDB_CORRUPTED: case MDB_PAGE_NOTFOUND: case MDB_INVALID: rc = RC_CORRUPT; break;
    case MDB_VERSION_MISMATCH: rc = RC_BADINPUT; break;
    case ENOMEM: rc = RC_NOMEM; break;
    case ENOSPC: case EDQUOT: case EFBIG: rc = RC_FULL; break;
    case MDB_NOTFOUND: rc = RC_NOTFOUND; break;
    default: rc = RC_IO; break;
    }
    if (mdb_rc == ENOSPC || mdb_rc == EDQUOT)
        return err_set(err, rc, "%s: disk full (%s)", what, mdb_strerror(mdb_rc));
    if (mdb_rc == EFBIG)
        return err_set(err, rc, "%s: file size limit reached (%s)", what, mdb_strerror(mdb_rc));
    return err_set(err, rc, "%s: %s", what, mdb_strerror(mdb_rc));
}

static char *path_join(const char *a, const char *b)
{
    size_t n = strlen(a) + strlen(b) + 2;
    char *p = mem_alloc(n);
    if (p)
        snprintf(p, n, "%s/%s", a, b);
    return p;
}

rc_t env_check_local(const char *dir, err_t *err)
{
    struct statfs sf;
    if (statfs(dir, &sf) != 0)
        return RC_OK; /* cannot tell; LMDB will complain if it must */
    switch ((unsigned long)sf.f_type) {
    case 0x6969UL:      /* NFS */
    case 0xFF534D42UL:  /* CIFS */
    case 0xFE534D42UL:  /* SMB2 */
    case 0x517BUL:      /* SMB */
    case 0x65735546UL:  /* FUSE */
    case 0x564c:        /* NCP */
        return err_set(err, RC_IO,
                       "%s: the index is on a network or FUSE file system, where LMDB's locks "
                       "do not work; put it on a local disk", dir);
    default:
        return RC_OK;
    }
}

rc_t env_lock(const char *dir, double timeout, int *fd, err_t *err)
{
    *fd = -1;
    char *path = path_join(dir, "write.lock");
    if (!path)
        return err_set(err, RC_NOMEM, "out of memory");
    int f = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0664);
    if (f < 0) {
        int e = errno;
        rc_t rc = err_set(err, RC_IO, "%s: %s", path, strerror(e));
        mem_free(path);
        return rc;
    }
    struct timespec start;
    clock_gettime(CLOCK_MONOTONIC, &start);
    for (;;) {
        if (flock(f, LOCK_EX | LOCK_NB) == 0)
            break;
        if (errno != EWOULDBLOCK && errno != EINTR) {
            int e = errno;
            close(f);
            rc_t rc = err_set(err, RC_IO, "%s: cannot lock: %s", path, strerror(e));
            mem_free(path);
            return rc;
        }
        struct timespec now;
        clock_gettime(CLOCK_MONOTONIC, &now);
        double waited = (double)(now.tv_sec - start.tv_sec) + (now.tv_nsec - start.tv_nsec) / 1e9;
        if (timeout >= 0 && waited >= timeout) {
            close(f);
            rc_t rc = err_set(err, RC_BUSY,
                              "%s: another indexer is writing this index (waited %.1f s; "
                              "see --lock-timeout)", dir, waited);
            mem_free(path);
            return rc;
        }
        struct timespec nap = {0, 50 * 1000 * 1000};
        nanosleep(&nap, NULL);
    }
    mem_free(path);
    *fd = f;
    return RC_OK;
}

rc_t env_current(const char *dir, char *name, size_t cap, err_t *err)
{
    char *link = path_join(dir, "CURRENT");
    if (!link)
        return err_set(err, RC_NOMEM, "out of memory");
    ssize_t n = readlink(link, name, cap - 1);
    int e = errno;
    mem_free(link);
    if (n < 0) {
        if (e == ENOENT)
            return RC_NOTFOUND;
        return err_set(err, RC_IO, "%s/CURRENT: %s", dir, strerror(e));
    }
    name[n] = '\0';
    if (strncmp(name, "gen-", 4) || strchr(name, '/'))
        return err_set(err, RC_CORRUPT, "%s/CURRENT points at \"%s\", not at a generation", dir,
                       name);
    return RC_OK;
}

static long gen_number(const char *name)
{
    if (strncmp(name, "gen-", 4))
        return -1;
    char *end;
    long n = strtol(name + 4, &end, 10);
    return (*end || n <= 0) ? -1 : n;
}

rc_t env_new_generation(const char *dir, char *name, size_t cap, err_t *err)
{
    DIR *d = opendir(dir);
    if (!d)
        return err_set(err, RC_IO, "%s: %s", dir, strerror(errno));
    long max = 0;
    struct dirent *de;
    while ((de = readdir(d)) != NULL) {
        long n = gen_number(de->d_name);
        if (n > max)
            max = n;
    }
    closedir(d);
    snprintf(name, cap, "gen-%06ld", max + 1);
    char *path = path_join(dir, name);
    if (!path)
        return err_set(err, RC_NOMEM, "out of memory");
    int r = mkdir(path, 0775);
    int e = errno;
    mem_free(path);
    if (r != 0)
        return err_set(err, e == ENOSPC ? RC_FULL : RC_IO, "%s/%s: %s", dir, name, strerror(e));
    return RC_OK;
}

static rc_t fsync_dir(const char *dir, err_t *err)
{
    int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0)
        return err_set(err, RC_IO, "%s: %s", dir, strerror(errno));
    int r = fsync(fd);
    int e = errno;
    close(fd);
    if (r != 0)
        return err_set(err, RC_IO, "%s: fsync: %s", dir, strerror(e));
    return RC_OK;
}

rc_t env_switch(const char *dir, const char *name, err_t *err)
{
    char *tmp = path_join(dir, "CURRENT.tmp");
    char *cur = path_join(dir, "CURRENT");
    rc_t rc = RC_OK;
    if (!tmp || !cur) {
        rc = err_set(err, RC_NOMEM, "out of memory");
        goto out;
    }
    unlink(tmp);
    if (symlink(name, tmp) != 0 || rename(tmp, cur) != 0) {
        int e = errno;
        unlink(tmp);
        rc = err_set(err, e == ENOSPC ? RC_FULL : RC_IO, "%s: cannot switch to %s: %s", dir,
                     name, strerror(e));
        goto out;
    }
    rc = fsync_dir(dir, err);
out:
    mem_free(tmp);
    mem_free(cur);
    return rc;
}

static void remove_tree(const char *path)
{
    DIR *d = opendir(path);
    if (d) {
        struct dirent *de;
        while ((de = readdir(d)) != NULL) {
            if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
                continue;
            char *p = path_join(path, de->d_name);
            if (p) {
                unlink(p);
                mem_free(p);
            }
        }
        closedir(d);
    }
    rmdir(path);
}

/* Every process with an LMDB environment open holds a shared fcntl lock on
 * its lock.mdb; if we can take an exclusive one, nobody has it open. */
static int generation_in_use(const char *gen_path)
{
    char *lock = path_join(gen_path, "lock.mdb");
    if (!lock)
        return 1;
    int fd = open(lock, O_RDWR | O_CLOEXEC);
    mem_free(lock);
    if (fd < 0)
        return 0;
    struct flock fl = {.l_type = F_WRLCK, .l_whence = SEEK_SET, .l_start = 0, .l_len = 1};
    int busy = fcntl(fd, F_SETLK, &fl) != 0;
    close(fd); /* also drops the lock we may have taken */
    return busy;
}

void env_remove_unused(const char *dir, const char *keep)
{
    DIR *d = opendir(dir);
    if (!d)
        return;
    struct dirent *de;
    while ((de = readdir(d)) != NULL) {
        if (gen_number(de->d_name) < 0 || (keep && !strcmp(de->d_name, keep)))
            continue;
        char *p = path_join(dir, de->d_name);
        if (p && !generation_in_use(p))
            remove_tree(p);
        mem_free(p);
    }
    closedir(d);
}

static rc_t open_dbis(ix_env *e, err_t *err)
{
    MDB_txn *txn;
    int r = mdb_txn_begin(e->env, NULL, e->readonly ? MDB_RDONLY : 0, &txn);
    if (r)
        return env_err(err, r, "opening the index");
    unsigned flags = e->readonly ? 0 : MDB_CREATE;
    struct { const char *name; MDB_dbi *dbi; } dbs[] = {
        {"meta", &e->meta},   {"terms", &e->terms}, {"postings", &e->postings},
        {"docs", &e->docs},   {"ids", &e->ids},     {"text", &e->text},
        {"doclens", &e->doclens},
    };
    for (size_t i = 0; i < sizeof dbs / sizeof dbs[0]; i++) {
        r = mdb_dbi_open(txn, dbs[i].name, flags, dbs[i].dbi);
        if (r) {
            mdb_txn_abort(txn);
            if (r == MDB_NOTFOUND)
                return err_set(err, RC_CORRUPT, "%s: database \"%s\" is missing", e->gen_path,
                               dbs[i].name);
            return env_err(err, r, "opening the index databases");
        }
    }
    r = mdb_txn_commit(txn);
    return r ? env_err(err, r, "opening the index databases") : RC_OK;
}

static size_t file_size(const char *gen_path)
{
    char *p = path_join(gen_path, "data.mdb");
    struct stat st;
    size_t n = (p && stat(p, &st) == 0) ? (size_t)st.st_size : 0;
    mem_free(p);
    return n;
}

rc_t env_open(ix_env *e, const char *dir, const char *gen, int readonly, int nosync,
              size_t map_size, err_t *err)
{
    memset(e, 0, sizeof *e);
    e->lock_fd = -1;
    e->readonly = readonly;
    e->dir = mem_strndup(dir, strlen(dir));
    e->gen = mem_strndup(gen, strlen(gen));
    e->gen_path = path_join(dir, gen);
    if (!e->dir || !e->gen || !e->gen_path) {
        env_close(e);
        return err_set(err, RC_NOMEM, "out of memory");
    }
    int r = mdb_env_create(&e->env);
    if (r) {
        env_close(e);
        return env_err(err, r, "creating the LMDB environment");
    }
    mdb_env_set_maxdbs(e->env, 8);
    mdb_env_set_maxreaders(e->env, 510);
    if (!readonly) {
        size_t fs = file_size(e->gen_path);
        size_t want = map_size ? map_size : DEFAULT_MAP;
        while (want < fs * 2)
            want *= 2;
        e->map_size = want;
        mdb_env_set_mapsize(e->env, want);
    }
    /* NOTLS: read transactions belong to the reader object, not the thread.
     * NORDAHEAD: postings are read by random access; read-ahead wastes cache. */
    unsigned flags = MDB_NOTLS | MDB_NORDAHEAD;
    if (readonly)
        flags |= MDB_RDONLY;
    else
        /* NOMEMINIT: LMDB would clear every page it allocates (a tenth of
         * the writer's time); the unused tail of a page can only hold bytes
         * of this process, i.e. of the documents the index stores anyway. */
        flags |= MDB_NOMEMINIT;
    if (nosync)
        flags |= MDB_NOSYNC;
    r = mdb_env_open(e->env, e->gen_path, flags, 0664);
    if (r) {
        rc_t rc = r == ENOENT ? err_set(err, RC_IO, "%s: no index here", e->gen_path)
                  : r == EACCES ? err_set(err, RC_IO,
                                          "%s: permission denied (readers need write access "
                                          "to lock.mdb)", e->gen_path)
                                : env_err(err, r, e->gen_path);
        env_close(e);
        return rc;
    }
    if (readonly) {
        /* Adopt the map size the writer recorded (it may have grown). */
        mdb_env_set_mapsize(e->env, 0);
    } else {
        int dead = 0;
        mdb_reader_check(e->env, &dead); /* slots of killed searchers */
    }
    /* LMDB maps the file and trusts its meta page: pages past the end of a
     * truncated file would be a SIGBUS at the first read, not an error. */
    MDB_envinfo info;
    MDB_stat st;
    char *data_path = path_join(e->gen_path, "data.mdb");
    struct stat fst;
    if (!data_path) {
        env_close(e);
        return err_set(err, RC_NOMEM, "out of memory");
    }
    int have_size = stat(data_path, &fst) == 0;
    mem_free(data_path);
    size_t fs = have_size ? (size_t)fst.st_size : 0;
    if (have_size && mdb_env_info(e->env, &info) == 0 && mdb_env_stat(e->env, &st) == 0 &&
        (info.me_last_pgno + 1) * (size_t)st.ms_psize > fs) {
        rc_t rc = err_set(err, RC_CORRUPT,
                          "%s/data.mdb: corrupt index: the file is truncated (%zu bytes, its "
                          "pages need %zu); restore it or rebuild (bin/indexer --rebuild)",
                          e->gen_path, fs, (info.me_last_pgno + 1) * (size_t)st.ms_psize);
        env_close(e);
        return rc;
    }
    rc_t rc = open_dbis(e, err);
    if (rc != RC_OK) {
        env_close(e);
        return rc;
    }
    return RC_OK;
}

rc_t env_explain_write_error(ix_env *e, rc_t rc, err_t *err)
{
    /* LMDB reports a short write (a full disk, a file size limit) as EIO;
     * look at the likely causes so the message says what to fix. */
    if (rc != RC_IO && rc != RC_FULL)
        return rc;
    struct rlimit rl;
    size_t fs = file_size(e->gen_path);
    char extra[200] = "";
    if (getrlimit(RLIMIT_FSIZE, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY &&
        fs + (1u << 20) >= (size_t)rl.rlim_cur) {
        snprintf(extra, sizeof extra, " (file size limit of %llu bytes reached: ulimit -f)",
                 (unsigned long long)rl.rlim_cur);
    } else {
        struct statvfs sv;
        if (statvfs(e->gen_path, &sv) == 0 &&
            (unsigned long long)sv.f_bavail * sv.f_frsize < (64ull << 20))
            snprintf(extra, sizeof extra, " (disk full: %llu bytes free on %s)",
                     (unsigned long long)sv.f_bavail * sv.f_frsize, e->dir);
    }
    if (extra[0]) {
        size_t n = strlen(err->msg);
        snprintf(err->msg + n, sizeof err->msg - n, "%s", extra);
        err->rc = rc = RC_FULL;
    }
    return rc;
}

rc_t env_grow(ix_env *e, err_t *err)
{
    size_t want = e->map_size * 2;
    int r = mdb_env_set_mapsize(e->env, want);
    if (r)
        return env_err(err, r, "growing the LMDB map");
    e->map_size = want;
    return RC_OK;
}

void env_unmap_pages(ix_env *e)
{
    /* LMDB does not tell where it mapped the file (me_mapaddr is only set
     * with MDB_FIXEDMAP), so find the mapping by the file's inode. */
    char *data_path = path_join(e->gen_path, "data.mdb");
    struct stat st;
    int have = data_path && stat(data_path, &st) == 0;
    mem_free(data_path);
    FILE *f = have ? fopen("/proc/self/maps", "r") : NULL;
    if (!f)
        return;
    char line[512];
    while (fgets(line, sizeof line, f)) {
        /* start-end perms offset major:minor inode path; the data file is
         * mapped shared and read-only, which MADV_DONTNEED cannot harm. */
        unsigned long start, end, ino;
        unsigned dev_major, dev_minor;
        char perms[8];
        if (sscanf(line, "%lx-%lx %7s %*s %x:%x %lu", &start, &end, perms, &dev_major,
                   &dev_minor, &ino) == 6 &&
            ino == (unsigned long)st.st_ino && dev_major == major(st.st_dev) &&
            dev_minor == minor(st.st_dev) && !strcmp(perms, "r--s"))
            madvise((void *)start, end - start, MADV_DONTNEED);
        if (!strchr(line, '\n')) { /* a path longer than line: skip the rest */
            int c;
            while ((c = fgetc(f)) != EOF && c != '\n')
                ;
        }
    }
    fclose(f);
}

void env_close(ix_env *e)
{
    if (e->env)
        mdb_env_close(e->env);
    e->env = NULL;
    if (e->lock_fd >= 0)
        close(e->lock_fd);
    e->lock_fd = -1;
    mem_free(e->dir);
    mem_free(e->gen);
    mem_free(e->gen_path);
    e->dir = e->gen = e->gen_path = NULL;
}

void env_start_writeback(ix_env *e)
{
#if defined(__linux__) && defined(SYNC_FILE_RANGE_WRITE)
    int fd;
    if (e->env && mdb_env_get_fd(e->env, &fd) == 0)
        (void)sync_file_range(fd, 0, 0, SYNC_FILE_RANGE_WRITE);
#else
    (void)e;
#endif
}
