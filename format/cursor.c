/* cursor.c - bounded reader, little-endian loads, growable buffer. */
#include "cursor.h"

#include <string.h>

#include "quire.h"

void
quire__cur_init(quire__cur *c, const void *buf, size_t len, uint64_t base)
{
    static const uint8_t empty[1] = {0};
    /* never NULL: pointer arithmetic on a null pointer is undefined */
    c->buf = buf != NULL ? (const uint8_t *)buf : empty;
    c->len = buf != NULL ? len : 0;
    c->off = 0;
    c->base = base;
    c->err = 0;
    c->err_off = 0;
    c->err_what = NULL;
}

int
quire__cur_fail(quire__cur *c, int code, const char *what)
{
    if (c->err == 0) {
        c->err = code;
        c->err_off = c->base + c->off;
        c->err_what = what;
    }
    return c->err;
}

int
quire__cur_fail_at(quire__cur *c, size_t off, int code, const char *what)
{
    if (c->err == 0) {
        c->off = off;
    }
    return quire__cur_fail(c, code, what);
}

const uint8_t *
quire__get_bytes(quire__cur *c, size_t n, const char *what)
{
    const uint8_t *p;
    if (c->err != 0) {
        return NULL;
    }
    if (n > c->len - c->off) {
        quire__cur_fail(c, QUIRE_E_TRUNCATED, what);
        return NULL;
    }
    p = c->buf + c->off;
    c->off += n;
    return p;
}

const uint8_t *
quire__get_bounded(quire__cur *c, uint64_t n, uint64_t max, const char *what)
{
    if (c->err != 0) {
        return NULL;
    }
    if (n > max) {
        quire__cur_fail(c, QUIRE_E_LIMIT, what);
        return NULL;
    }
    if (n > (uint64_t)(c->len - c->off)) {
        quire__cur_fail(c, QUIRE_E_TRUNCATED, what);
        return NULL;
    }
    return quire__get_bytes(c, (size_t)n, what);
}

uint8_t
quire__get_u8(quire__cur *c, const char *what)
{
    const uint8_t *p = quire__get_bytes(c, 1, what);
    return p != NULL ? p[0] : 0;
}

uint16_t
quire__get_u16(quire__cur *c, const char *what)
{
    const uint8_t *p = quire__get_bytes(c, 2, what);
    return p != NULL ? quire__ld16(p) : 0;
}

uint32_t
quire__get_u32(quire__cur *c, const char *what)
{
    const uint8_t *p = quire__get_bytes(c, 4, what);
    return p != NULL ? quire__ld32(p) : 0;
}

uint64_t
quire__get_u64(quire__cur *c, const char *what)
{
    const uint8_t *p = quire__get_bytes(c, 8, what);
    return p != NULL ? quire__ld64(p) : 0;
}

int64_t
quire__get_i64(quire__cur *c, const char *what)
{
    uint64_t u = quire__get_u64(c, what);
    /* two's complement without implementation-defined conversion */
    if (u <= (uint64_t)INT64_MAX) {
        return (int64_t)u;
    }
    return -(int64_t)(~u) - 1;
}

uint64_t
quire__get_uleb(quire__cur *c, uint64_t max, int code, const char *what)
{
    size_t start = c->off, i;
    uint64_t v = 0;
    if (c->err != 0) {
        return 0;
    }
    for (i = 0; i < 10; i++) {
        uint8_t b;
        if (c->off == c->len) {
            quire__cur_fail(c, QUIRE_E_TRUNCATED, what);
            return 0;
        }
        b = c->buf[c->off++];
        if (i == 9 && b > 1) { /* past 64 bits */
            break;
        }
        v |= (uint64_t)(b & 0x7f) << (7 * i);
        if ((b & 0x80) == 0) {
            if ((b == 0 && i > 0) || v > max) { /* a longer form, or over max */
                break;
            }
            return v;
        }
    }
    c->off = start;
    quire__cur_fail(c, code, what);
    return 0;
}

void
quire__expect_zero(quire__cur *c, uint64_t v, const char *what)
{
    if (v != 0 && c->err == 0) {
        /* point at the field just read is impossible without its size; the
         * cursor is after it, which is where the caller's diagnostics point */
        quire__cur_fail(c, QUIRE_E_RESERVED, what);
    }
}

/* ---- allocator ---- */

void *
quire__malloc(const quire__allocator *a, size_t n)
{
    if (n == 0) {
        n = 1;
    }
    return a->alloc(a->opaque, n);
}

void *
quire__realloc(const quire__allocator *a, void *p, size_t old_n, size_t n)
{
    void *q = quire__malloc(a, n);
    if (q == NULL) {
        return NULL;
    }
    if (p != NULL && old_n != 0) {
        memcpy(q, p, old_n < n ? old_n : n);
    }
    quire__free(a, p);
    return q;
}

void
quire__free(const quire__allocator *a, void *p)
{
    if (p != NULL) {
        a->free(a->opaque, p);
    }
}

/* ---- buffer ---- */

void
quire__buf_init(quire__buf *b, const quire__allocator *a, size_t max)
{
    b->p = NULL;
    b->len = 0;
    b->cap = 0;
    b->err = 0;
    b->max = max;
    b->a = a;
}

void
quire__buf_free(quire__buf *b)
{
    quire__free(b->a, b->p);
    b->p = NULL;
    b->len = 0;
    b->cap = 0;
    b->err = 0;
}

void
quire__buf_reset(quire__buf *b)
{
    b->len = 0;
    b->err = 0;
}

int
quire__buf_reserve(quire__buf *b, size_t n)
{
    size_t need;
    size_t cap;
    uint8_t *np;
    if (b->err != 0) {
        return b->err;
    }
    if (!quire__add_ok(b->len, n, &need) || need > b->max) {
        b->err = QUIRE_E_LIMIT;
        return b->err;
    }
    if (need <= b->cap) {
        return 0;
    }
    cap = b->cap != 0 ? b->cap : 256;
    while (cap < need) {
        if (cap > SIZE_MAX / 2) {
            cap = need;
            break;
        }
        cap *= 2;
    }
    if (cap > b->max) {
        cap = b->max;
    }
    np = (uint8_t *)quire__realloc(b->a, b->p, b->len, cap);
    if (np == NULL) {
        b->err = QUIRE_E_NOMEM;
        return b->err;
    }
    b->p = np;
    b->cap = cap;
    return 0;
}

void
quire__put_bytes(quire__buf *b, const void *p, size_t n)
{
    if (n == 0 || quire__buf_reserve(b, n) != 0) {
        return;
    }
    memcpy(b->p + b->len, p, n);
    b->len += n;
}

void
quire__put_u8(quire__buf *b, uint8_t v)
{
    quire__put_bytes(b, &v, 1);
}

void
quire__put_u16(quire__buf *b, uint16_t v)
{
    uint8_t t[2];
    quire__st16(t, v);
    quire__put_bytes(b, t, 2);
}

void
quire__put_u32(quire__buf *b, uint32_t v)
{
    uint8_t t[4];
    quire__st32(t, v);
    quire__put_bytes(b, t, 4);
}

void
quire__put_u64(quire__buf *b, uint64_t v)
{
    uint8_t t[8];
    quire__st64(t, v);
    quire__put_bytes(b, t, 8);
}

void
quire__put_uleb(quire__buf *b, uint64_t v)
{
    uint8_t t[10];
    size_t n = 0;
    while (v >= 0x80) {
        t[n++] = (uint8_t)(v | 0x80);
        v >>= 7;
    }
    t[n++] = (uint8_t)v;
    quire__put_bytes(b, t, n);
}
