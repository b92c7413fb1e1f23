/* fuzz_util.h - what several harnesses share (and the unit tests and the
 * seed generator: tests/unit/helpers.h, fuzz/make_seeds.c). Header-only and
 * static: each harness is built from its one .c file (make, fuzz/build.sh
 * for OSS-Fuzz), and this file sits beside them. */
#ifndef QUIRE_FUZZ_UTIL_H
#define QUIRE_FUZZ_UTIL_H

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

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

#endif
