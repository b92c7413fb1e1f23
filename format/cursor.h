/*
 * cursor.h - the one bounded reader and the growable writer of format/.
 *
 * Every byte of untrusted input is read through a quire__cur. The cursor
 * keeps off <= len at all times; a read of n bytes is allowed only when
 * n <= len - off, which cannot wrap. The first failure is sticky: err keeps
 * the first error code, err_off the offset where it happened and err_what a
 * static string naming what was being read. Later reads return zeros and
 * do not move the cursor, so a decoder may check once at the end.
 *
 * No I/O, no allocation except through the allocator a quire__buf is given.
 */
#ifndef QUIRE_FORMAT_CURSOR_H
#define QUIRE_FORMAT_CURSOR_H

#include <stddef.h>
#include <stdint.h>

typedef struct quire__cur {
    const uint8_t *buf;
    size_t len;
    size_t off;
    uint64_t base;        /* absolute offset of buf[0] in the file, for diagnostics */
    int err;              /* 0 or the first QUIRE_E_* code */
    uint64_t err_off;     /* absolute offset of the first error */
    const char *err_what; /* static string: what was being read */
} quire__cur;

void quire__cur_init(quire__cur *c, const void *buf, size_t len, uint64_t base);
/* Records an error unless one is already recorded; returns the sticky code. */
int quire__cur_fail(quire__cur *c, int code, const char *what);
/* The same, naming offset off (relative to buf) unless an error is already
 * recorded. */
int quire__cur_fail_at(quire__cur *c, size_t off, int code, const char *what);
static inline size_t
quire__cur_left(const quire__cur *c)
{
    return c->len - c->off;
}
static inline uint64_t
quire__cur_pos(const quire__cur *c)
{
    return c->base + c->off;
}
/* Each returns 0 (and fails the cursor with QUIRE_E_TRUNCATED) when fewer
 * bytes remain than asked for. */
uint8_t quire__get_u8(quire__cur *c, const char *what);
uint16_t quire__get_u16(quire__cur *c, const char *what);
uint32_t quire__get_u32(quire__cur *c, const char *what);
uint64_t quire__get_u64(quire__cur *c, const char *what);
int64_t quire__get_i64(quire__cur *c, const char *what);
/* Returns a pointer to n bytes inside the buffer, or NULL. */
const uint8_t *quire__get_bytes(quire__cur *c, size_t n, const char *what);
/* Returns a pointer to n bytes, or NULL when n exceeds max (QUIRE_E_LIMIT)
 * or what remains (QUIRE_E_TRUNCATED). The limit is checked first. */
const uint8_t *quire__get_bounded(quire__cur *c, uint64_t n, uint64_t max, const char *what);
/* An unsigned LEB128 number, at most max: 7 bits a byte, low bits first,
 * the high bit set on every byte but the last; at most 10 bytes and in its
 * shortest form (no last byte 0 after the first, the 10th byte 0 or 1).
 * Fails with QUIRE_E_TRUNCATED when the bytes run out, with code (at its
 * first byte) when the number is too long, not in its shortest form, or
 * over max. */
uint64_t quire__get_uleb(quire__cur *c, uint64_t max, int code, const char *what);
/* Fails with QUIRE_E_RESERVED unless v == 0. */
void quire__expect_zero(quire__cur *c, uint64_t v, const char *what);

/* Little-endian loads and stores on memory known to be large enough. */
static inline uint16_t
quire__ld16(const uint8_t *p)
{
    return (uint16_t)(p[0] | (p[1] << 8));
}
static inline uint32_t
quire__ld32(const uint8_t *p)
{
    return (uint32_t)p[0] | ((uint32_t)p[1] << 8) | ((uint32_t)p[2] << 16) |
           ((uint32_t)p[3] << 24);
}
static inline uint64_t
quire__ld64(const uint8_t *p)
{
    return (uint64_t)quire__ld32(p) | ((uint64_t)quire__ld32(p + 4) << 32);
}
/* Big-endian, for what others define so (zlib's Adler-32 trailer, SHA-1). */
static inline uint32_t
quire__ld32be(const uint8_t *p)
{
    return ((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) | ((uint32_t)p[2] << 8) | p[3];
}
static inline void
quire__st16(uint8_t *p, uint16_t v)
{
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
}
static inline void
quire__st32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
    p[2] = (uint8_t)(v >> 16);
    p[3] = (uint8_t)(v >> 24);
}
static inline void
quire__st64(uint8_t *p, uint64_t v)
{
    quire__st32(p, (uint32_t)v);
    quire__st32(p + 4, (uint32_t)(v >> 32));
}

/* ---- allocator (mirrors quire_alloc in quire.h, kept separate so format/
 * does not include the public header's I/O parts) ---- */
typedef struct quire__allocator {
    void *(*alloc)(void *opaque, size_t size);
    void (*free)(void *opaque, void *ptr);
    void *opaque;
} quire__allocator;

void *quire__malloc(const quire__allocator *a, size_t n);
void *quire__realloc(const quire__allocator *a, void *p, size_t old_n, size_t n);
void quire__free(const quire__allocator *a, void *p);

/* ---- growable output buffer ---- */
typedef struct quire__buf {
    uint8_t *p;
    size_t len;
    size_t cap;
    int err; /* sticky: QUIRE_E_NOMEM or QUIRE_E_LIMIT */
    size_t max;
    const quire__allocator *a;
} quire__buf;

void quire__buf_init(quire__buf *b, const quire__allocator *a, size_t max);
void quire__buf_free(quire__buf *b);
void quire__buf_reset(quire__buf *b);
/* Makes room for n more bytes; returns 0 or sets b->err and returns it. */
int quire__buf_reserve(quire__buf *b, size_t n);
void quire__put_bytes(quire__buf *b, const void *p, size_t n);
void quire__put_u8(quire__buf *b, uint8_t v);
void quire__put_u16(quire__buf *b, uint16_t v);
void quire__put_u32(quire__buf *b, uint32_t v);
void quire__put_u64(quire__buf *b, uint64_t v);
/* v as the shortest unsigned LEB128 (1 to 10 bytes) */
void quire__put_uleb(quire__buf *b, uint64_t v);

/* Checked size arithmetic: returns 0 on overflow and leaves *out unchanged. */
static inline int
quire__add_ok(size_t a, size_t b, size_t *out)
{
    if (a > SIZE_MAX - b) {
        return 0;
    }
    *out = a + b;
    return 1;
}
static inline int
quire__mul_ok(size_t a, size_t b, size_t *out)
{
    if (b != 0 && a > SIZE_MAX / b) {
        return 0;
    }
    *out = a * b;
    return 1;
}
/* p[0..n) as lower-case hex into out (2n + 1 bytes, NUL-terminated) */
static inline void
quire__hex(char *out, const uint8_t *p, size_t n)
{
    static const char hx[] = "0123456789abcdef";
    size_t i;
    for (i = 0; i < n; i++) {
        out[2 * i] = hx[p[i] >> 4];
        out[2 * i + 1] = hx[p[i] & 15];
    }
    out[2 * n] = '\0';
}

#endif
