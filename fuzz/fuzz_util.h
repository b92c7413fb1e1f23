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

/* malloc and free in the shape of an allocator (quire_alloc, and format/'s
 * quire__allocator), for the harnesses of the byte codecs */
static inline void *
fz_heap_alloc(void *o, size_t n)
{
    (void)o;
    return malloc(n);
}

static inline void
fz_heap_free(void *o, void *p)
{
    (void)o;
    free(p);
}

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
 * fuzz_roundtrip's and fuzz_warc_import's time. Buffers come in powers of
 * two from 32 KiB, so that a growing buffer finds one again; a 16-byte
 * header keeps the size asked for and the capacity. The bytes past the
 * size asked for are poisoned for ASan, so every access past the end is
 * still caught, and a reused buffer is uninitialized again for MSan. Use
 * after free of these few buffers is left to the other targets, which use
 * malloc. One thread only: the pool is not locked. */
#if defined(__has_feature)
#if __has_feature(address_sanitizer)
#include <sanitizer/asan_interface.h>
#define FZ_POISON(p, n) __asan_poison_memory_region((p), (n))
#define FZ_UNPOISON(p, n) __asan_unpoison_memory_region((p), (n))
#endif
#if __has_feature(memory_sanitizer)
#include <sanitizer/msan_interface.h>
#define FZ_FRESH(p, n) __msan_allocated_memory((p), (n))
#endif
#elif defined(__SANITIZE_ADDRESS__)
#include <sanitizer/asan_interface.h>
#define FZ_POISON(p, n) __asan_poison_memory_region((p), (n))
#define FZ_UNPOISON(p, n) __asan_unpoison_memory_region((p), (n))
#endif
#ifndef FZ_POISON
#define FZ_POISON(p, n) ((void)(p), (void)(n))
#define FZ_UNPOISON(p, n) ((void)(p), (void)(n))
#endif
#ifndef FZ_FRESH
#define FZ_FRESH(p, n) ((void)(p), (void)(n))
#endif

#define FZ_POOL_MIN ((size_t)32 << 10)
#define FZ_POOL_N 32
typedef struct fz_pool {
    unsigned char *slot[FZ_POOL_N]; /* free buffers (their headers) */
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
    unsigned char *p = NULL;
    size_t i, cap = n, hd[2];
    (void)opaque;
    if (n >= FZ_POOL_MIN) {
        for (cap = FZ_POOL_MIN; cap < n && cap <= SIZE_MAX / 2; cap *= 2) {
        }
        if (cap < n) {
            return NULL;
        }
        for (i = 0; i < pl->n; i++) {
            memcpy(hd, pl->slot[i], sizeof hd);
            if (hd[1] == cap) {
                p = pl->slot[i];
                pl->slot[i] = pl->slot[--pl->n];
                break;
            }
        }
    }
    if (p == NULL && (cap > SIZE_MAX - 16 || (p = (unsigned char *)malloc(cap + 16)) == NULL)) {
        return NULL;
    }
    hd[0] = n;
    hd[1] = cap;
    memcpy(p, hd, sizeof hd);
    FZ_UNPOISON(p + 16, n);
    FZ_FRESH(p + 16, n);
    FZ_POISON(p + 16 + n, cap - n);
    return p + 16;
}

static inline void
fz_pool_put(void *opaque, void *q)
{
    fz_pool *pl = fz_pool_state();
    unsigned char *p;
    size_t hd[2];
    (void)opaque;
    if (q == NULL) {
        return;
    }
    p = (unsigned char *)q - 16;
    memcpy(hd, p, sizeof hd);
    if (hd[0] >= FZ_POOL_MIN && pl->n < FZ_POOL_N) {
        FZ_POISON(p + 16, hd[1]); /* a use after free in the same run is caught */
        pl->slot[pl->n++] = p;
        return;
    }
    FZ_UNPOISON(p + 16, hd[1]);
    free(p);
}

/* the pool as a libquire allocator */
static inline const quire_alloc *
fz_pool_alloc(void)
{
    static const quire_alloc al = {fz_pool_get, fz_pool_put, NULL};
    return &al;
}

#ifdef QUIRE_SRC_INTERNAL_H
/* fuzz_warc_import and fuzz_warc_export: the WARC bytes imported into an
 * in-memory archive, written in full to *o (the caller frees o->p). Bytes
 * alone never fail the import (only I/O and memory do) and every event
 * names what and why, within reason; anything else aborts. Returns the
 * number of articles. */
static inline int
fz_warc_event(void *ctx, const quire_warc_event *ev)
{
    (void)ctx;
    if (ev->what == NULL || ev->message == NULL || strlen(ev->message) > 4096) {
        abort();
    }
    return 0;
}

static inline uint64_t
fz_warc_import(const uint8_t *data, size_t size, fz_out *o)
{
    quire_writer *w;
    quire_warc_summary sum;
    quire_diag d;
    int e;
    memset(o, 0, sizeof *o);
    memset(&d, 0, sizeof d);
    /* level 1: what is fuzzed is the import, not zlib's deflate */
    if (quire_writer_new(&w, fz_pool_alloc()) != 0 ||
        quire_writer_set_option(w, QUIRE_OPT_LEVEL, 1) != 0 ||
        quire_writer_open(w, fz_out_write, o, NULL) != 0) {
        abort();
    }
    e = quire__warc_import_memory(w, "fuzz.warc", data, size, fz_warc_event, NULL, &sum, &d);
    if (e != 0 && e != QUIRE_E_FEATURE) {
        abort();
    }
    if (quire_writer_finish(w, NULL) != 0) {
        abort();
    }
    quire_writer_free(w);
    if (sum.articles > sum.records) {
        abort();
    }
    return sum.articles;
}
#endif

#endif
