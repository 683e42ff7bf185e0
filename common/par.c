/* par.c - see par.h.  Threads are started per call: a batch of queries
 * makes one call per round of up to 256 queries.  A start costs 0.05 to
 * 4 ms on our VM (a vCPU woken from idle), which the caller weighs. */
#define _GNU_SOURCE   /* sched_getaffinity, CPU_COUNT */
#include "par.h"

#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <unistd.h>

typedef struct {
    _Atomic size_t next;
    size_t n;
    par_job job;
    void *arg;
} par_state;

typedef struct {
    par_state *st;
    void *ctx;
} par_thread;

static void run_jobs(par_state *st, void *ctx)
{
    for (;;) {
        size_t i = atomic_fetch_add_explicit(&st->next, 1, memory_order_relaxed);
        if (i >= st->n)
            return;
        st->job(ctx, i, st->arg);
    }
}

static void *thread_main(void *p)
{
    par_thread *t = p;
    run_jobs(t->st, t->ctx);
    return NULL;
}

enum { PAR_MAX = 64 };

/* A new thread is often woken on its creator's CPU and waits there until
 * the scheduler moves it, milliseconds later: a batch of 225 queries took
 * 36 ms on one thread, 26 ms on two, 24 ms on two kept apart (2 vCPUs). */
static void keep_off_this_cpu(pthread_attr_t *attr)
{
#ifdef CPU_COUNT
    cpu_set_t set;
    int here = sched_getcpu();
    if (here >= 0 && here < CPU_SETSIZE && sched_getaffinity(0, sizeof set, &set) == 0 &&
        CPU_COUNT(&set) > 1) {
        CPU_CLR(here, &set);
        pthread_attr_setaffinity_np(attr, sizeof set, &set);
    }
#else
    (void)attr;
#endif
}

size_t par_for(size_t n, void *const *ctx, size_t n_ctx, par_job job, void *arg)
{
    par_state st = {.n = n, .job = job, .arg = arg};
    atomic_init(&st.next, 0);
    if (n_ctx > PAR_MAX)
        n_ctx = PAR_MAX;
    if (n_ctx > n)
        n_ctx = n;
    pthread_t tid[PAR_MAX];
    par_thread th[PAR_MAX];
    size_t started = 0;
    pthread_attr_t attr;
    pthread_attr_init(&attr);
    if (n_ctx > 1)
        keep_off_this_cpu(&attr);
    for (size_t t = 1; t < n_ctx; t++) {
        th[started] = (par_thread){&st, ctx[t]};
        if (pthread_create(&tid[started], &attr, thread_main, &th[started]) != 0)
            break;
        started++;
    }
    pthread_attr_destroy(&attr);
    run_jobs(&st, n_ctx ? ctx[0] : NULL);
    for (size_t t = 0; t < started; t++)
        pthread_join(tid[t], NULL);
    return started + 1;
}

size_t par_cpus(void)
{
#ifdef CPU_COUNT
    cpu_set_t set;
    if (sched_getaffinity(0, sizeof set, &set) == 0 && CPU_COUNT(&set) > 0)
        return (size_t)CPU_COUNT(&set);
#endif
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    return n > 0 ? (size_t)n : 1;
}
