/* par.h - independent jobs on a few threads.
 *
 *   void job(void *ctx, size_t i, void *arg);   // job i with thread ctx
 *   par_for(n, ctx, n_ctx, job, arg);
 *
 * Each of the n jobs runs once, on one of up to n_ctx threads; thread t
 * passes ctx[t], so per-thread state (a searcher, a result buffer) needs no
 * lock.  The calling thread is thread 0.  Jobs are handed out one at a time
 * in index order, so uneven jobs still share out evenly.  Whatever the jobs
 * share must be safe for that; par_for returns when all have finished. */
#ifndef COMMON_PAR_H
#define COMMON_PAR_H

#include <stddef.h>

typedef void (*par_job)(void *ctx, size_t i, void *arg);

/* The number of threads that ran jobs: at least 1, since a thread that
 * cannot be started leaves its share to the others. */
size_t par_for(size_t n, void *const *ctx, size_t n_ctx, par_job job, void *arg);

/* CPUs this process may run on (sched_getaffinity, else the online ones),
 * at least 1. */
size_t par_cpus(void);

#endif
