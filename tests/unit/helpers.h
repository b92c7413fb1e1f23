/* helpers.h - what the cmocka suites share: a cmocka-backed allocator that
 * can fail after a given number of calls (leak checks through test_malloc),
 * a counting allocator that fails its k-th call, and an in-memory output
 * for writers. Include after <cmocka.h>. */
#ifndef QUIRE_TESTS_HELPERS_H
#define QUIRE_TESTS_HELPERS_H

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* cmocka's test_malloc, failing every call from fail_after on (-1: never) */
typedef struct talloc {
    long calls;
    long fail_after; /* -1: never fail */
} talloc;

static inline void *
t_alloc(void *opaque, size_t n)
{
    talloc *t = (talloc *)opaque;
    if (t->fail_after >= 0 && t->calls >= t->fail_after) {
        return NULL;
    }
    t->calls++;
    return test_malloc(n);
}

static inline void
t_free(void *opaque, void *p)
{
    (void)opaque;
    test_free(p);
}

/* malloc, failing only the call numbered fail_at (from 0); live counts
 * what is not freed. Safe from several threads at once (verify's workers
 * allocate through it): the counts are updated atomically. */
typedef struct counter {
    long calls, fail_at, live;
} counter;

static inline void *
fail_alloc(void *opaque, size_t n)
{
    counter *c = (counter *)opaque;
    void *p;
    if (__atomic_fetch_add(&c->calls, 1, __ATOMIC_SEQ_CST) == c->fail_at) {
        return NULL;
    }
    p = malloc(n);
    if (p != NULL) {
        __atomic_fetch_add(&c->live, 1, __ATOMIC_SEQ_CST);
    }
    return p;
}

static inline void
fail_free(void *opaque, void *p)
{
    counter *c = (counter *)opaque;
    if (p != NULL) {
        __atomic_fetch_sub(&c->live, 1, __ATOMIC_SEQ_CST);
        free(p);
    }
}

/* a growable output buffer for quire_write_fn (plain malloc: not counted):
 * fz_out and fz_out_write */
#include "../../fuzz/fuzz_util.h"

#endif
