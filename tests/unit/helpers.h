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
 * what is not freed */
typedef struct counter {
    long calls, fail_at, live;
} counter;

static inline void *
fail_alloc(void *opaque, size_t n)
{
    counter *c = (counter *)opaque;
    void *p;
    if (c->calls++ == c->fail_at) {
        return NULL;
    }
    p = malloc(n);
    if (p != NULL) {
        c->live++;
    }
    return p;
}

static inline void
fail_free(void *opaque, void *p)
{
    counter *c = (counter *)opaque;
    if (p != NULL) {
        c->live--;
        free(p);
    }
}

/* a growable output buffer for quire_write_fn (plain malloc: not counted) */
typedef struct obuf {
    uint8_t *p;
    size_t len, cap;
} obuf;

static inline int
obuf_write(void *ctx, const void *buf, size_t len)
{
    obuf *o = (obuf *)ctx;
    if (len > o->cap - o->len) {
        size_t cap = o->cap != 0 ? o->cap : 4096;
        uint8_t *np;
        while (cap - o->len < len) {
            cap *= 2;
        }
        np = (uint8_t *)realloc(o->p, cap);
        if (np == NULL) {
            return -1;
        }
        o->p = np;
        o->cap = cap;
    }
    if (len != 0) {
        memcpy(o->p + o->len, buf, len);
    }
    o->len += len;
    return 0;
}

#endif
