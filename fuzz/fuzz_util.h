/* fuzz_util.h - what several harnesses share (and the unit tests and the
 * seed generator: tests/unit/helpers.h, fuzz/make_seeds.c). Header-only and
 * static: each harness is built from its one .c file (make, fuzz/build.sh
 * for OSS-Fuzz), and this file sits beside them. */
#ifndef QUIRE_FUZZ_UTIL_H
#define QUIRE_FUZZ_UTIL_H

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "quire.h"

/* An output buffer for quire_writer_open and the exporters: grows by
 * doubling, up to 1 GiB; a failed allocation is a write error (-1), which
 * the library must then report, never a crash of the harness. */
typedef struct fz_out {
    uint8_t *p;
    size_t len, cap;
} fz_out;

static inline int
fz_out_write(void *ctx, const void *buf, size_t len)
{
    fz_out *o = (fz_out *)ctx;
    if (len > o->cap - o->len) {
        size_t cap = o->cap != 0 ? o->cap : 4096;
        uint8_t *np;
        while (cap - o->len < len) {
            if (cap > ((size_t)1 << 30)) {
                return -1;
            }
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

/* A pool for a harness's large buffers (zlib state, blocks, the index),
 * kept for the next run instead of going back to ASan: under ASan every
 * large allocation is a fresh mmap, and page faults and munmap were half of
 * fuzz_roundtrip's and fuzz_warc_import's time. Sizes are stored in a
 * 16-byte header; ASan still sees every access past the end of a buffer
 * (each is exactly the size asked for). Use after free of these few
 * buffers is left to the other targets, which use malloc. One thread only:
 * the pool is not locked. */
#define FZ_POOL_MIN ((size_t)32 << 10)
#define FZ_POOL_N 32
typedef struct fz_pool {
    struct {
        size_t n;
        unsigned char *p;
    } slot[FZ_POOL_N];
    size_t n;
} fz_pool;

static inline fz_pool *
fz_pool_state(void)
{
    static fz_pool pool;
    return &pool;
}

static inline void *
fz_pool_get(void *opaque, size_t n)
{
    fz_pool *pl = fz_pool_state();
    unsigned char *p;
    size_t i;
    (void)opaque;
    if (n >= FZ_POOL_MIN) {
        for (i = 0; i < pl->n; i++) {
            if (pl->slot[i].n == n) {
                p = pl->slot[i].p;
                pl->slot[i] = pl->slot[--pl->n];
                return p + 16;
            }
        }
    }
    if (n > SIZE_MAX - 16 || (p = (unsigned char *)malloc(n + 16)) == NULL) {
        return NULL;
    }
    memcpy(p, &n, sizeof n);
    return p + 16;
}

static inline void
fz_pool_put(void *opaque, void *q)
{
    fz_pool *pl = fz_pool_state();
    unsigned char *p;
    size_t n;
    (void)opaque;
    if (q == NULL) {
        return;
    }
    p = (unsigned char *)q - 16;
    memcpy(&n, p, sizeof n);
    if (n >= FZ_POOL_MIN && pl->n < FZ_POOL_N) {
        pl->slot[pl->n].n = n;
        pl->slot[pl->n].p = p;
        pl->n++;
        return;
    }
    free(p);
}

/* the pool as a libquire allocator */
static inline const quire_alloc *
fz_pool_alloc(void)
{
    static const quire_alloc al = {fz_pool_get, fz_pool_put, NULL};
    return &al;
}

#endif
