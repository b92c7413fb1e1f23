/* test_format.c - unit tests for the pure byte codec in format/ (cmocka):
 * cursor.c, frame.c, record.c and index.c. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "helpers.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "cursor.h"
#include "format.h"
#include "internal.h"
#include "quire.h"

/* a string literal and its length, embedded NULs included */
#define S(lit) (lit), (sizeof(lit) - 1)
#define U8(lit) ((const uint8_t *)(lit)), (sizeof(lit) - 1)

#define KIB ((uint64_t)1024)
#define MIB (KIB * 1024)
#define GIB (MIB * 1024)

/* ====================================================================
 * Allocator: cmocka's test_malloc (leak checks) with an optional failure
 * after a given number of calls.
 * ==================================================================== */


static quire__allocator
make_alloc(talloc *t)
{
    quire__allocator a;
    t->calls = 0;
    t->fail_after = -1;
    a.alloc = t_alloc;
    a.free = t_free;
    a.opaque = t;
    return a;
}

/* An exact-size heap copy, so that ASan reports any read past the end. */
static uint8_t *
dup_exact(const void *p, size_t n)
{
    uint8_t *q = (uint8_t *)test_malloc(n != 0 ? n : 1);
    if (n != 0) {
        memcpy(q, p, n);
    }
    return q;
}

/* ====================================================================
 * A fixed-capacity byte builder for hand-made inputs
 * ==================================================================== */

typedef struct bb {
    uint8_t b[8192];
    size_t n;
} bb;

static void
bb_bytes(bb *x, const void *p, size_t n)
{
    assert_true(n <= sizeof x->b - x->n);
    if (n != 0) {
        memcpy(x->b + x->n, p, n);
    }
    x->n += n;
}

static void
bb_u8(bb *x, unsigned v)
{
    uint8_t t = (uint8_t)v;
    bb_bytes(x, &t, 1);
}

static void
bb_u16(bb *x, unsigned v)
{
    uint8_t t[2];
    quire__st16(t, (uint16_t)v);
    bb_bytes(x, t, 2);
}

static void
bb_u32(bb *x, uint32_t v)
{
    uint8_t t[4];
    quire__st32(t, v);
    bb_bytes(x, t, 4);
}

/* record header [5.1] */
static void
rec_head(bb *x, unsigned version, unsigned flags, unsigned nf, unsigned np, unsigned rsv)
{
    bb_u8(x, version);
    bb_u8(x, flags);
    bb_u16(x, nf);
    bb_u16(x, np);
    bb_u16(x, rsv);
}

/* appends a field, returns its offset */
static size_t
rec_field(bb *x, unsigned key, unsigned type, const char *name, size_t name_len, const void *v,
          size_t vlen)
{
    size_t at = x->n;
    bb_u16(x, key);
    bb_u8(x, type);
    bb_u8(x, (unsigned)name_len);
    bb_bytes(x, name, name_len);
    bb_u32(x, (uint32_t)vlen);
    bb_bytes(x, v, vlen);
    return at;
}

/* appends a part, returns its offset */
static size_t
rec_part(bb *x, const char *name, size_t name_len, const char *media, size_t media_len,
         unsigned storage, const void *data, size_t len)
{
    size_t at = x->n;
    bb_u8(x, (unsigned)name_len);
    bb_bytes(x, name, name_len);
    bb_u8(x, (unsigned)media_len);
    bb_bytes(x, media, media_len);
    bb_u8(x, storage);
    bb_u32(x, (uint32_t)len);
    bb_bytes(x, data, len);
    return at;
}

/* ====================================================================
 * Cursor
 * ==================================================================== */

static void
test_cursor_reads(void **state)
{
    static const uint8_t in[] = {0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09, 0x0A,
                                 0x0B, 0x0C, 0x0D, 0x0E, 0x0F, 0x10, 0x11, 0x12, 0x13, 0x14,
                                 0x15, 0x16, 0x17};
    uint8_t *buf = dup_exact(in, sizeof in);
    quire__cur c;
    (void)state;
    quire__cur_init(&c, buf, sizeof in, 1000);
    assert_int_equal(quire__cur_left(&c), 23);
    assert_int_equal(quire__cur_pos(&c), 1000);
    assert_int_equal(quire__get_u8(&c, "a"), 0x01);
    assert_int_equal(quire__get_u16(&c, "b"), 0x0302);
    assert_int_equal(quire__get_u32(&c, "c"), 0x07060504u);
    assert_true(quire__get_u64(&c, "d") == UINT64_C(0x0F0E0D0C0B0A0908));
    assert_int_equal(quire__cur_pos(&c), 1015);
    assert_true(quire__get_u64(&c, "e") == UINT64_C(0x1716151413121110));
    assert_int_equal(quire__cur_left(&c), 0);
    assert_int_equal(c.err, 0);
    assert_null(c.err_what);
    /* little-endian helpers */
    assert_int_equal(quire__ld16(in), 0x0201);
    assert_int_equal(quire__ld32(in), 0x04030201u);
    assert_true(quire__ld64(in) == UINT64_C(0x0807060504030201));
    {
        uint8_t t[8];
        quire__st16(t, 0xBEEF);
        assert_int_equal(t[0], 0xEF);
        assert_int_equal(t[1], 0xBE);
        quire__st32(t, 0xDEADBEEFu);
        assert_int_equal(quire__ld32(t), 0xDEADBEEFu);
        assert_int_equal(t[0], 0xEF);
        assert_int_equal(t[3], 0xDE);
        quire__st64(t, UINT64_C(0x0123456789ABCDEF));
        assert_true(quire__ld64(t) == UINT64_C(0x0123456789ABCDEF));
        assert_int_equal(t[0], 0xEF);
        assert_int_equal(t[7], 0x01);
    }
    test_free(buf);
}

static int64_t
i64_of(uint64_t u)
{
    uint8_t t[8];
    quire__cur c;
    int64_t v;
    quire__st64(t, u);
    quire__cur_init(&c, t, 8, 0);
    v = quire__get_i64(&c, "i64");
    assert_int_equal(c.err, 0);
    assert_int_equal(c.off, 8);
    return v;
}

static void
test_cursor_i64(void **state)
{
    (void)state;
    assert_true(i64_of(0) == 0);
    assert_true(i64_of(1) == 1);
    assert_true(i64_of(UINT64_C(0x7FFFFFFFFFFFFFFF)) == INT64_MAX);
    assert_true(i64_of(UINT64_C(0xFFFFFFFFFFFFFFFF)) == -1);
    assert_true(i64_of(UINT64_C(0xFFFFFFFFFFFFFFFE)) == -2);
    assert_true(i64_of(UINT64_C(0xFFFFFFFFFFFFFF85)) == -123);
    assert_true(i64_of(UINT64_C(0x8000000000000000)) == INT64_MIN);
    assert_true(i64_of(UINT64_C(0x8000000000000001)) == INT64_MIN + 1);
    assert_true(i64_of((uint64_t)-(int64_t)86400) == -86400);
    /* truncated: 0 and an error */
    {
        uint8_t t[7] = {0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF};
        quire__cur c;
        quire__cur_init(&c, t, sizeof t, 5);
        assert_true(quire__get_i64(&c, "i64") == 0);
        assert_int_equal(c.err, QUIRE_E_TRUNCATED);
        assert_int_equal(c.err_off, 5);
        assert_int_equal(c.off, 0);
    }
}

static void
test_cursor_truncation_sticky(void **state)
{
    static const uint8_t in[] = {1, 2, 3, 4, 5, 6};
    uint8_t *buf = dup_exact(in, sizeof in);
    quire__cur c;
    (void)state;
    quire__cur_init(&c, buf, sizeof in, 100);
    assert_int_equal(quire__get_u16(&c, "first"), 0x0201);
    /* 4 remain: a u64 fails, returns 0 and does not move */
    assert_true(quire__get_u64(&c, "the u64") == 0);
    assert_int_equal(c.err, QUIRE_E_TRUNCATED);
    assert_int_equal(c.err_off, 102);
    assert_string_equal(c.err_what, "the u64");
    assert_int_equal(c.off, 2);
    /* later reads that would fit return zero, do not move, keep the first error */
    assert_int_equal(quire__get_u8(&c, "later"), 0);
    assert_int_equal(quire__get_u16(&c, "later"), 0);
    assert_int_equal(quire__get_u32(&c, "later"), 0);
    assert_null(quire__get_bytes(&c, 1, "later"));
    assert_null(quire__get_bounded(&c, 1, 10, "later"));
    assert_int_equal(c.off, 2);
    assert_int_equal(c.err, QUIRE_E_TRUNCATED);
    assert_int_equal(c.err_off, 102);
    assert_string_equal(c.err_what, "the u64");
    /* an explicit failure does not replace it either */
    assert_int_equal(quire__cur_fail(&c, QUIRE_E_CRC, "other"), QUIRE_E_TRUNCATED);
    quire__expect_zero(&c, 5, "reserved");
    assert_int_equal(c.err, QUIRE_E_TRUNCATED);
    assert_int_equal(c.err_off, 102);
    assert_string_equal(c.err_what, "the u64");

    /* each width truncated at each shortfall */
    {
        size_t w, have;
        for (w = 1; w <= 8; w *= 2) {
            for (have = 0; have < w; have++) {
                quire__cur_init(&c, buf, have, 7);
                switch (w) {
                case 1: assert_int_equal(quire__get_u8(&c, "x"), 0); break;
                case 2: assert_int_equal(quire__get_u16(&c, "x"), 0); break;
                case 4: assert_int_equal(quire__get_u32(&c, "x"), 0); break;
                default: assert_true(quire__get_u64(&c, "x") == 0); break;
                }
                assert_int_equal(c.err, QUIRE_E_TRUNCATED);
                assert_int_equal(c.err_off, 7);
                assert_int_equal(c.off, 0);
            }
        }
    }
    /* cur_fail records at the current position */
    quire__cur_init(&c, buf, sizeof in, 50);
    (void)quire__get_u32(&c, "x");
    assert_int_equal(quire__cur_fail(&c, QUIRE_E_CRC, "crc"), QUIRE_E_CRC);
    assert_int_equal(c.err_off, 54);
    assert_int_equal(quire__cur_fail(&c, QUIRE_E_RECORD, "second"), QUIRE_E_CRC);
    assert_int_equal(c.err_off, 54);
    assert_string_equal(c.err_what, "crc");
    test_free(buf);
}

static void
test_cursor_bytes_at_end(void **state)
{
    static const uint8_t in[] = {9, 8, 7, 6, 5};
    uint8_t *buf = dup_exact(in, sizeof in);
    quire__cur c;
    const uint8_t *p;
    (void)state;
    quire__cur_init(&c, buf, sizeof in, 0);
    (void)quire__get_u8(&c, "x");
    p = quire__get_bytes(&c, 4, "rest");
    assert_ptr_equal(p, buf + 1);
    assert_int_equal(c.off, 5);
    assert_int_equal(quire__cur_left(&c), 0);
    assert_int_equal(c.err, 0);
    /* zero bytes at the end are fine */
    p = quire__get_bytes(&c, 0, "nothing");
    assert_ptr_equal(p, buf + 5);
    assert_int_equal(c.err, 0);
    /* one more is not */
    assert_null(quire__get_bytes(&c, 1, "one more"));
    assert_int_equal(c.err, QUIRE_E_TRUNCATED);
    assert_int_equal(c.err_off, 5);
    /* a huge n cannot wrap */
    quire__cur_init(&c, buf, sizeof in, 0);
    (void)quire__get_u8(&c, "x");
    assert_null(quire__get_bytes(&c, SIZE_MAX, "huge"));
    assert_int_equal(c.err, QUIRE_E_TRUNCATED);
    assert_int_equal(c.err_off, 1);
    assert_int_equal(c.off, 1);
    /* the whole buffer in one read */
    quire__cur_init(&c, buf, sizeof in, 0);
    assert_ptr_equal(quire__get_bytes(&c, sizeof in, "all"), buf);
    assert_int_equal(c.err, 0);
    /* a NULL buffer has length 0 */
    quire__cur_init(&c, NULL, 55, 3);
    assert_int_equal(c.len, 0);
    assert_int_equal(quire__cur_left(&c), 0);
    assert_int_equal(quire__get_u8(&c, "x"), 0);
    assert_int_equal(c.err, QUIRE_E_TRUNCATED);
    assert_int_equal(c.err_off, 3);
    test_free(buf);
}

static void
test_cursor_bounded(void **state)
{
    static const uint8_t in[] = {1, 2, 3, 4, 5, 6, 7, 8};
    uint8_t *buf = dup_exact(in, sizeof in);
    quire__cur c;
    (void)state;
    /* within both */
    quire__cur_init(&c, buf, sizeof in, 10);
    assert_ptr_equal(quire__get_bounded(&c, 3, 3, "ok"), buf);
    assert_int_equal(c.off, 3);
    assert_ptr_equal(quire__get_bounded(&c, 5, 100, "rest"), buf + 3);
    assert_int_equal(c.err, 0);
    /* over the limit and over what remains: the limit wins */
    quire__cur_init(&c, buf, sizeof in, 10);
    (void)quire__get_u8(&c, "x");
    assert_null(quire__get_bounded(&c, 100, 50, "both"));
    assert_int_equal(c.err, QUIRE_E_LIMIT);
    assert_int_equal(c.err_off, 11);
    assert_string_equal(c.err_what, "both");
    assert_int_equal(c.off, 1);
    /* over the limit only */
    quire__cur_init(&c, buf, sizeof in, 10);
    assert_null(quire__get_bounded(&c, 4, 3, "limit"));
    assert_int_equal(c.err, QUIRE_E_LIMIT);
    assert_int_equal(c.err_off, 10);
    /* over what remains only */
    quire__cur_init(&c, buf, sizeof in, 10);
    (void)quire__get_u16(&c, "x");
    assert_null(quire__get_bounded(&c, 7, 1000, "trunc"));
    assert_int_equal(c.err, QUIRE_E_TRUNCATED);
    assert_int_equal(c.err_off, 12);
    assert_int_equal(c.off, 2);
    /* 64-bit sizes that do not fit size_t-sized arithmetic */
    quire__cur_init(&c, buf, sizeof in, 0);
    assert_null(quire__get_bounded(&c, UINT64_MAX, UINT64_MAX, "max"));
    assert_int_equal(c.err, QUIRE_E_TRUNCATED);
    quire__cur_init(&c, buf, sizeof in, 0);
    assert_null(quire__get_bounded(&c, UINT64_MAX, UINT64_MAX - 1, "max"));
    assert_int_equal(c.err, QUIRE_E_LIMIT);
    /* exactly at the end, at the limit */
    quire__cur_init(&c, buf, sizeof in, 0);
    assert_ptr_equal(quire__get_bounded(&c, 8, 8, "exact"), buf);
    assert_int_equal(c.err, 0);
    /* expect_zero */
    quire__cur_init(&c, buf, sizeof in, 20);
    quire__expect_zero(&c, 0, "zero");
    assert_int_equal(c.err, 0);
    (void)quire__get_u16(&c, "x");
    quire__expect_zero(&c, 1, "nonzero");
    assert_int_equal(c.err, QUIRE_E_RESERVED);
    assert_int_equal(c.err_off, 22);
    assert_string_equal(c.err_what, "nonzero");
    test_free(buf);
}

/* ====================================================================
 * Growable buffer
 * ==================================================================== */

static void
test_buf_growth(void **state)
{
    talloc t;
    quire__allocator a = make_alloc(&t);
    quire__buf b;
    size_t i;
    (void)state;
    quire__buf_init(&b, &a, 1 << 20);
    assert_null(b.p);
    assert_int_equal(b.len, 0);
    assert_int_equal(b.cap, 0);
    /* put of nothing allocates nothing */
    quire__put_bytes(&b, NULL, 0);
    assert_int_equal(t.calls, 0);
    quire__put_u8(&b, 0xAB);
    assert_int_equal(b.cap, 256);
    quire__put_u16(&b, 0x1234);
    quire__put_u32(&b, 0x89ABCDEFu);
    quire__put_u64(&b, UINT64_C(0x0102030405060708));
    assert_int_equal(b.len, 15);
    {
        static const uint8_t want[] = {0xAB, 0x34, 0x12, 0xEF, 0xCD, 0xAB, 0x89, 8,
                                       7,    6,    5,    4,    3,    2,    1};
        assert_memory_equal(b.p, want, sizeof want);
    }
    /* grows by doubling, content kept */
    for (i = 0; i < 1000; i++) {
        quire__put_u8(&b, (uint8_t)i);
    }
    assert_int_equal(b.len, 1015);
    assert_int_equal(b.cap, 1024);
    for (i = 0; i < 1000; i++) {
        assert_int_equal(b.p[15 + i], (uint8_t)i);
    }
    assert_int_equal(b.err, 0);
    /* reserve does not change len */
    assert_int_equal(quire__buf_reserve(&b, 5000), 0);
    assert_int_equal(b.len, 1015);
    assert_true(b.cap >= 6015);
    /* reset keeps memory */
    {
        size_t cap = b.cap;
        uint8_t *p = b.p;
        quire__buf_reset(&b);
        assert_int_equal(b.len, 0);
        assert_int_equal(b.cap, cap);
        assert_ptr_equal(b.p, p);
    }
    quire__buf_free(&b);
    assert_null(b.p);
    assert_int_equal(b.cap, 0);
    /* free twice is fine */
    quire__buf_free(&b);
}

static void
test_buf_limit(void **state)
{
    talloc t;
    quire__allocator a = make_alloc(&t);
    quire__buf b;
    uint8_t blob[400];
    (void)state;
    memset(blob, 0x5A, sizeof blob);
    quire__buf_init(&b, &a, 300);
    quire__put_bytes(&b, blob, 280);
    assert_int_equal(b.err, 0);
    /* capacity is clamped to the limit */
    assert_int_equal(b.cap, 300);
    quire__put_bytes(&b, blob, 20);
    assert_int_equal(b.len, 300);
    assert_int_equal(b.err, 0);
    /* one byte over: LIMIT, nothing written, sticky */
    quire__put_u8(&b, 1);
    assert_int_equal(b.err, QUIRE_E_LIMIT);
    assert_int_equal(b.len, 300);
    quire__put_bytes(&b, blob, 0);
    assert_int_equal(b.err, QUIRE_E_LIMIT);
    assert_int_equal(quire__buf_reserve(&b, 0), QUIRE_E_LIMIT);
    /* reset clears the error */
    quire__buf_reset(&b);
    assert_int_equal(b.err, 0);
    quire__put_bytes(&b, blob, 300);
    assert_int_equal(b.err, 0);
    /* a size that would overflow */
    quire__buf_reset(&b);
    quire__put_u8(&b, 1);
    assert_int_equal(quire__buf_reserve(&b, SIZE_MAX), QUIRE_E_LIMIT);
    quire__buf_free(&b);

    /* out of memory: NOMEM, sticky, buffer kept */
    quire__buf_init(&b, &a, 1 << 20);
    quire__put_bytes(&b, blob, 200);
    t.fail_after = t.calls;
    quire__put_bytes(&b, blob, 100);
    assert_int_equal(b.err, QUIRE_E_NOMEM);
    assert_int_equal(b.len, 200);
    assert_memory_equal(b.p, blob, 200);
    quire__put_u8(&b, 1);
    assert_int_equal(b.len, 200);
    t.fail_after = -1;
    quire__buf_reset(&b);
    quire__put_bytes(&b, blob, 300);
    assert_int_equal(b.err, 0);
    quire__buf_free(&b);

    /* checked arithmetic */
    {
        size_t out = 77;
        assert_int_equal(quire__add_ok(1, 2, &out), 1);
        assert_int_equal(out, 3);
        assert_int_equal(quire__add_ok(SIZE_MAX, 1, &out), 0);
        assert_int_equal(out, 3);
        assert_int_equal(quire__add_ok(SIZE_MAX - 1, 1, &out), 1);
        assert_true(out == SIZE_MAX);
        assert_int_equal(quire__mul_ok(SIZE_MAX / 2, 2, &out), 1);
        assert_int_equal(quire__mul_ok(SIZE_MAX / 2 + 1, 2, &out), 0);
        assert_int_equal(quire__mul_ok(SIZE_MAX, 0, &out), 1);
        assert_int_equal(out, 0);
    }
}

/* ====================================================================
 * CRC-32
 * ==================================================================== */

static void
test_crc32(void **state)
{
    static const char fox[] = "The quick brown fox jumps over the lazy dog";
    uint8_t data[3000];
    size_t i;
    uint32_t c;
    (void)state;
    assert_int_equal(quire__crc32(0, U8("123456789")), 0xCBF43926u);
    assert_int_equal(quire__crc32(0, NULL, 0), 0);
    assert_int_equal(quire__crc32(0, U8("a")), 0xE8B7BE43u);
    assert_int_equal(quire__crc32(0, (const uint8_t *)fox, sizeof fox - 1), 0x414FA339u);
    /* incremental */
    c = quire__crc32(0, U8("1234"));
    assert_int_equal(quire__crc32(c, U8("56789")), 0xCBF43926u);
    /* same as zlib's */
    srand(12345);
    for (i = 0; i < sizeof data; i++) {
        data[i] = (uint8_t)(rand() & 0xFF);
    }
    for (i = 0; i < sizeof data; i += 97) {
        uLong z = crc32(0L, Z_NULL, 0);
        z = crc32(z, data, (uInt)i);
        assert_int_equal(quire__crc32(0, data, i), (uint32_t)z);
    }
}

/* ====================================================================
 * File header [2]
 * ==================================================================== */

static void
header_expect(const uint8_t *in, size_t len, int code, uint64_t off, const char *what)
{
    uint8_t *buf = dup_exact(in, len);
    quire__cur c;
    quire__header h;
    quire__cur_init(&c, buf, len, 0);
    assert_int_equal(quire__header_decode(&c, &h), code);
    assert_int_equal(c.err, code);
    if (code != 0) {
        assert_int_equal(c.err_off, off);
        if (what != NULL) {
            assert_string_equal(c.err_what, what);
        }
    }
    test_free(buf);
}

static void
test_header(void **state)
{
    talloc t;
    quire__allocator a = make_alloc(&t);
    quire__buf b;
    quire__cur c;
    quire__header h;
    uint8_t v[QUIRE__HEADER_LEN];
    size_t i;
    (void)state;
    quire__buf_init(&b, &a, 1024);
    quire__header_encode(&b);
    assert_int_equal(b.len, QUIRE__HEADER_LEN);
    {
        static const uint8_t want[16] = {0x89, 'Q', 'U', 'I', 'R', 'E', '\r', '\n',
                                         0x1a, '\n', 1,   0,   0,   0,   0,   0};
        assert_memory_equal(b.p, want, 16);
    }
    quire__cur_init(&c, b.p, b.len, 0);
    assert_int_equal(quire__header_decode(&c, &h), 0);
    assert_int_equal(h.major, QUIRE_FORMAT_MAJOR);
    assert_int_equal(h.minor, QUIRE_FORMAT_MINOR);
    assert_int_equal(c.off, QUIRE__HEADER_LEN);
    memcpy(v, b.p, sizeof v);
    quire__buf_free(&b);

    /* a newer minor version is accepted */
    v[11] = 7;
    header_expect(v, sizeof v, 0, 0, NULL);
    v[11] = 0;
    /* bad magic, at each byte */
    for (i = 0; i < QUIRE__MAGIC_LEN; i++) {
        v[i] ^= 0x20;
        header_expect(v, sizeof v, QUIRE_E_MAGIC, 0, "file magic");
        v[i] ^= 0x20;
    }
    /* major version 2 (and 0) */
    v[10] = 2;
    header_expect(v, sizeof v, QUIRE_E_VERSION, 10, "format major version");
    v[10] = 0;
    header_expect(v, sizeof v, QUIRE_E_VERSION, 10, "format major version");
    v[10] = 1;
    /* flags */
    v[12] = 1;
    header_expect(v, sizeof v, QUIRE_E_RESERVED, 12, "header flags");
    v[12] = 0;
    v[13] = 0x80;
    header_expect(v, sizeof v, QUIRE_E_RESERVED, 12, "header flags");
    v[13] = 0;
    /* reserved */
    v[14] = 1;
    header_expect(v, sizeof v, QUIRE_E_RESERVED, 14, "header reserved");
    v[14] = 0;
    v[15] = 0x40;
    header_expect(v, sizeof v, QUIRE_E_RESERVED, 14, "header reserved");
    v[15] = 0;
    header_expect(v, sizeof v, 0, 0, NULL);
    /* truncated at every length */
    for (i = 0; i < sizeof v; i++) {
        quire__cur_init(&c, v, i, 0);
        assert_int_equal(quire__header_decode(&c, &h), QUIRE_E_TRUNCATED);
        assert_true(c.err_off <= i);
    }
    /* truncated magic reports offset 0 */
    header_expect(v, 5, QUIRE_E_TRUNCATED, 0, "file magic");
    /* with a base */
    quire__cur_init(&c, v, sizeof v, 500);
    v[12] = 1;
    assert_int_equal(quire__header_decode(&c, &h), QUIRE_E_RESERVED);
    assert_int_equal(c.err_off, 512);
}

/* ====================================================================
 * Frames [3]
 * ==================================================================== */

/* encodes a frame of the given type and payload into b */
static void
put_frame(quire__buf *b, uint32_t type, const void *payload, size_t len)
{
    size_t h = quire__frame_begin(b, type);
    quire__put_bytes(b, payload, len);
    quire__frame_end(b, h);
}

static void
frame_expect(const uint8_t *in, size_t len, const quire__limits *l, uint64_t base, int code,
             uint64_t off, const char *what)
{
    uint8_t *buf = dup_exact(in, len);
    quire__cur c;
    quire__frame f;
    quire__cur_init(&c, buf, len, base);
    assert_int_equal(quire__frame_decode(&c, l, &f), code);
    assert_int_equal(c.err, code);
    if (code != 0) {
        if (c.err_off != off) {
            print_error("frame error %d at %llu, want %llu\n", code,
                        (unsigned long long)c.err_off, (unsigned long long)off);
        }
        assert_int_equal(c.err_off, off);
        if (what != NULL) {
            assert_string_equal(c.err_what, what);
        }
    }
    test_free(buf);
}

static void
test_frame_roundtrip(void **state)
{
    talloc t;
    quire__allocator a = make_alloc(&t);
    quire__buf b;
    quire__limits l;
    quire__cur c;
    quire__frame f;
    uint8_t *buf;
    char name[5];
    (void)state;
    quire__limits_default(&l);
    quire__buf_init(&b, &a, 1 << 20);
    put_frame(&b, QUIRE__FT_BLOK, "hello", 5);
    assert_int_equal(b.len, QUIRE__FRAME_OVERHEAD + 5);
    assert_memory_equal(b.p, "BLOK\0\0\0\0\5\0\0\0hello", 17);
    assert_int_equal(quire__ld32(b.p + 17), quire__crc32(0, b.p, 17));
    put_frame(&b, QUIRE__FT_INDX, NULL, 0);
    put_frame(&b, QUIRE__FT('x', 'T', 'R', 'A'), "zz", 2);
    assert_int_equal(b.err, 0);
    buf = dup_exact(b.p, b.len);
    quire__cur_init(&c, buf, b.len, 1000);

    assert_int_equal(quire__frame_decode(&c, &l, &f), 0);
    assert_int_equal(f.type, QUIRE__FT_BLOK);
    assert_int_equal(f.offset, 1000);
    assert_int_equal(f.len, 5);
    assert_memory_equal(f.payload, "hello", 5);
    assert_ptr_equal(f.payload, buf + 12);
    assert_int_equal(f.crc_ok, 1);
    assert_int_equal(f.crc, quire__crc32(0, buf, 17));
    assert_int_equal(c.off, 21);

    assert_int_equal(quire__frame_decode(&c, &l, &f), 0);
    assert_int_equal(f.type, QUIRE__FT_INDX);
    assert_int_equal(f.offset, 1021);
    assert_int_equal(f.len, 0);
    assert_int_equal(c.off, 37);

    assert_int_equal(quire__frame_decode(&c, &l, &f), 0);
    assert_int_equal(f.type, QUIRE__FT('x', 'T', 'R', 'A'));
    assert_true(QUIRE__FT_IS_ANCILLARY(f.type));
    assert_false(QUIRE__FT_IS_ANCILLARY(QUIRE__FT_BLOK));
    assert_int_equal(f.offset, 1037);
    assert_int_equal(quire__cur_left(&c), 0);
    test_free(buf);

    quire__frame_type_name(QUIRE__FT_TRLR, name);
    assert_string_equal(name, "TRLR");
    quire__frame_type_name(0x7F001F41u, name);
    assert_string_equal(name, "A???");

    /* frame_end on a buffer in error does nothing */
    quire__buf_reset(&b);
    b.err = QUIRE_E_NOMEM;
    quire__frame_end(&b, 0);
    assert_int_equal(b.len, 0);
    quire__buf_free(&b);
}

static void
test_frame_errors(void **state)
{
    talloc t;
    quire__allocator a = make_alloc(&t);
    quire__buf b;
    quire__limits l;
    uint8_t v[64];
    size_t n, i, k;
    static const uint8_t bad_letters[] = {'0', '9', 0x00, '@', '[', '`', '{', 0xC1, ' ', 0x7F};
    (void)state;
    quire__limits_default(&l);
    quire__buf_init(&b, &a, 1 << 20);
    put_frame(&b, QUIRE__FT_BLOK, "0123456789", 10);
    n = b.len;
    assert_int_equal(n, 26);
    memcpy(v, b.p, n);
    quire__buf_free(&b);
    frame_expect(v, n, &l, 40, 0, 0, NULL);

    /* bad type letters at each position (CRC not even looked at) */
    for (i = 0; i < 4; i++) {
        for (k = 0; k < sizeof bad_letters; k++) {
            uint8_t save = v[i];
            v[i] = bad_letters[k];
            frame_expect(v, n, &l, 40, QUIRE_E_FRAME, 40, "frame type");
            v[i] = save;
        }
    }
    /* lowercase letters are fine as letters (CRC then fails) */
    v[0] = 'b';
    frame_expect(v, n, &l, 40, QUIRE_E_CRC, 40 + 22, "frame CRC-32");
    v[0] = 'B';
    /* non-zero flags */
    for (i = 4; i < 8; i++) {
        v[i] = 0x01;
        frame_expect(v, n, &l, 40, QUIRE_E_RESERVED, 44, "frame flags");
        v[i] = 0;
    }
    /* length over the limit */
    l.frame = 9;
    frame_expect(v, n, &l, 40, QUIRE_E_LIMIT, 48, "frame length");
    l.frame = 10;
    frame_expect(v, n, &l, 40, 0, 0, NULL);
    quire__limits_default(&l);
    quire__st32(v + 8, 0xFFFFFFFFu);
    frame_expect(v, n, &l, 40, QUIRE_E_LIMIT, 48, "frame length");
    /* length beyond the buffer: payload truncated */
    quire__st32(v + 8, 15);
    frame_expect(v, n, &l, 40, QUIRE_E_TRUNCATED, 52, "frame payload");
    quire__st32(v + 8, 10);
    /* truncated at every length */
    for (i = 0; i < n; i++) {
        uint64_t want = i < 12 ? 40 : (i < 22 ? 52 : 62);
        frame_expect(v, i, &l, 40, QUIRE_E_TRUNCATED, want, NULL);
    }
    /* CRC mismatch: every bit of payload and CRC */
    for (i = 12; i < n; i++) {
        for (k = 0; k < 8; k++) {
            v[i] ^= (uint8_t)(1u << k);
            frame_expect(v, n, &l, 40, QUIRE_E_CRC, 62, "frame CRC-32");
            v[i] ^= (uint8_t)(1u << k);
        }
    }
    /* shorter declared length: CRC read from the payload, mismatch */
    quire__st32(v + 8, 6);
    frame_expect(v, n, &l, 40, QUIRE_E_CRC, 40 + 18, "frame CRC-32");
    quire__st32(v + 8, 10);
    frame_expect(v, n, &l, 40, 0, 0, NULL);
}

/* ====================================================================
 * Blocks [4]
 * ==================================================================== */

static void
block_expect(const uint8_t *in, size_t len, const quire__limits *l, int code, uint64_t off,
             const char *what)
{
    uint8_t *buf = dup_exact(in, len);
    quire__cur c;
    quire__block_head h;
    quire__cur_init(&c, buf, len, 300);
    assert_int_equal(quire__block_head_decode(&c, l, &h), code);
    assert_int_equal(c.err, code);
    if (code != 0) {
        if (c.err_off != 300 + off) {
            print_error("block error %d at %llu, want %llu\n", code,
                        (unsigned long long)c.err_off, (unsigned long long)(300 + off));
        }
        assert_int_equal(c.err_off, 300 + off);
        if (what != NULL) {
            assert_string_equal(c.err_what, what);
        }
    }
    test_free(buf);
}

/* a block payload: header then data_len bytes of data */
static size_t
make_block(uint8_t *out, unsigned codec, unsigned flags, unsigned rsv, uint32_t n_records,
           uint32_t raw_size, uint64_t first, size_t data_len)
{
    quire__st32(out, 0);
    out[0] = (uint8_t)codec;
    out[1] = (uint8_t)flags;
    quire__st16(out + 2, (uint16_t)rsv);
    quire__st32(out + 4, n_records);
    quire__st32(out + 8, raw_size);
    quire__st64(out + 12, first);
    memset(out + 20, 0xA5, data_len);
    return 20 + data_len;
}

static void
test_block_head(void **state)
{
    talloc t;
    quire__allocator a = make_alloc(&t);
    quire__buf b;
    quire__limits l;
    quire__block_head h, g;
    quire__cur c;
    uint8_t v[256];
    size_t n;
    (void)state;
    quire__limits_default(&l);
    /* round trip */
    memset(&h, 0, sizeof h);
    h.codec = QUIRE__CODEC_ZLIB;
    h.flags = QUIRE__BLOCK_F_DICT;
    h.n_records = 3;
    h.raw_size = 100;
    h.first_article = UINT64_C(0x1234);
    quire__buf_init(&b, &a, 1 << 20);
    quire__block_head_encode(&b, &h);
    assert_int_equal(b.len, QUIRE__BLOCK_HEAD);
    quire__put_bytes(&b, "datadata", 8);
    {
        uint8_t *buf = dup_exact(b.p, b.len);
        quire__cur_init(&c, buf, b.len, 0);
        assert_int_equal(quire__block_head_decode(&c, &l, &g), 0);
        assert_int_equal(g.codec, QUIRE__CODEC_ZLIB);
        assert_int_equal(g.flags, QUIRE__BLOCK_F_DICT);
        assert_int_equal(g.n_records, 3);
        assert_int_equal(g.raw_size, 100);
        assert_true(g.first_article == 0x1234);
        assert_int_equal(g.data_len, 8);
        assert_ptr_equal(g.data, buf + 20);
        assert_int_equal(quire__cur_left(&c), 0);
        test_free(buf);
    }
    quire__buf_free(&b);

    /* stored round trip */
    n = make_block(v, 0, 0, 0, 2, 30, 7, 30);
    block_expect(v, n, &l, 0, 0, NULL);
    /* codec 7 */
    n = make_block(v, 7, 0, 0, 2, 30, 7, 30);
    block_expect(v, n, &l, QUIRE_E_CODEC, 0, "block codec");
    /* reserved */
    n = make_block(v, 1, 0, 1, 2, 30, 7, 10);
    block_expect(v, n, &l, QUIRE_E_RESERVED, 2, "block reserved");
    n = make_block(v, 1, 0, 0x8000, 2, 30, 7, 10);
    block_expect(v, n, &l, QUIRE_E_RESERVED, 2, "block reserved");
    /* unknown flags */
    n = make_block(v, 1, 0x02, 0, 2, 30, 7, 10);
    block_expect(v, n, &l, QUIRE_E_RESERVED, 1, "block flags");
    n = make_block(v, 1, 0x81, 0, 2, 30, 7, 10);
    block_expect(v, n, &l, QUIRE_E_RESERVED, 1, "block flags");
    /* dictionary flag on a stored block */
    n = make_block(v, 0, QUIRE__BLOCK_F_DICT, 0, 2, 30, 7, 30);
    block_expect(v, n, &l, QUIRE_E_BLOCK, 1, "block flags");
    /* zero records */
    n = make_block(v, 1, 0, 0, 0, 30, 7, 10);
    block_expect(v, n, &l, QUIRE_E_BLOCK, 4, "block record count");
    /* raw size over the limit */
    n = make_block(v, 1, 0, 0, 2, (uint32_t)(64 * MIB + 1), 7, 100);
    block_expect(v, n, &l, QUIRE_E_LIMIT, 8, "block uncompressed size");
    n = make_block(v, 1, 0, 0, 2, 0xFFFFFFFFu, 7, 100);
    block_expect(v, n, &l, QUIRE_E_LIMIT, 8, "block uncompressed size");
    l.block = 29;
    n = make_block(v, 0, 0, 0, 2, 30, 7, 30);
    block_expect(v, n, &l, QUIRE_E_LIMIT, 8, "block uncompressed size");
    quire__limits_default(&l);
    /* too many records for the size: each needs 4 + 8 bytes */
    n = make_block(v, 0, 0, 0, 3, 35, 7, 35);
    block_expect(v, n, &l, QUIRE_E_BLOCK, 4, "block record count");
    n = make_block(v, 0, 0, 0, 3, 36, 7, 36);
    block_expect(v, n, &l, 0, 0, NULL);
    n = make_block(v, 1, 0, 0, 0xFFFFFFFFu, 36, 7, 10);
    block_expect(v, n, &l, QUIRE_E_BLOCK, 4, "block record count");
    /* first article over the article limit (default 2^24) */
    n = make_block(v, 0, 0, 0, 1, 12, (uint64_t)1 << 24, 12);
    block_expect(v, n, &l, 0, 0, NULL);
    n = make_block(v, 0, 0, 0, 1, 12, ((uint64_t)1 << 24) + 1, 12);
    block_expect(v, n, &l, QUIRE_E_LIMIT, 12, "block first article");
    n = make_block(v, 0, 0, 0, 1, 12, UINT64_MAX, 12);
    block_expect(v, n, &l, QUIRE_E_LIMIT, 12, "block first article");
    /* stored size mismatch, both ways */
    n = make_block(v, 0, 0, 0, 2, 30, 7, 29);
    block_expect(v, n, &l, QUIRE_E_BLOCK, 8, "stored block size");
    n = make_block(v, 0, 0, 0, 2, 30, 7, 31);
    block_expect(v, n, &l, QUIRE_E_BLOCK, 8, "stored block size");
    /* compression ratio */
    n = make_block(v, 1, 0, 0, 2, 1032 * 10, 7, 10);
    block_expect(v, n, &l, 0, 0, NULL);
    n = make_block(v, 1, 0, 0, 2, 1033 * 10, 7, 10);
    block_expect(v, n, &l, QUIRE_E_LIMIT, 8, "block compression ratio");
    n = make_block(v, 1, 0, 0, 2, (uint32_t)(60 * MIB), 7, 200);
    block_expect(v, n, &l, QUIRE_E_LIMIT, 8, "block compression ratio");
    l.ratio = 2;
    n = make_block(v, 1, 0, 0, 2, 31, 7, 10);
    block_expect(v, n, &l, QUIRE_E_LIMIT, 8, "block compression ratio");
    quire__limits_default(&l);
    /* truncated header */
    n = make_block(v, 1, 0, 0, 2, 30, 7, 0);
    for (n = 0; n < QUIRE__BLOCK_HEAD; n++) {
        uint8_t *buf = dup_exact(v, n);
        quire__cur_init(&c, buf, n, 0);
        assert_int_equal(quire__block_head_decode(&c, &l, &g), QUIRE_E_TRUNCATED);
        test_free(buf);
    }
}

/* Regression (was a bug, fixed): a zlib block with no data at all skips the ratio check, so a
 * 20-byte payload may declare up to the block limit (64 MiB) of raw data,
 * which a reader then allocates (frame.c quire__block_head_decode: the
 * `h->data_len != 0 &&` guard). The same holds for the index envelope. */
static void
test_regress_zlib_empty_data_ratio(void **state)
{
    quire__limits l;
    uint8_t v[64];
    size_t n;
    (void)state;
    quire__limits_default(&l);
    /* rejected, as over the ratio limit (like one data byte) or malformed */
    n = make_block(v, 1, 0, 0, 1, (uint32_t)(60 * MIB), 0, 0);
    {
        quire__cur c;
        quire__block_head h;
        int rc;
        quire__cur_init(&c, v, n, 0);
        rc = quire__block_head_decode(&c, &l, &h);
        assert_true(quire_error_class(rc) == QUIRE_CLASS_LIMIT ||
                    quire_error_class(rc) == QUIRE_CLASS_MALFORMED);
    }
    /* index envelope: codec 1, raw 1 GiB, no data */
    {
        quire__cur c;
        quire__env_head eh;
        uint8_t e[12];
        int rc;
        memset(e, 0, sizeof e);
        e[0] = QUIRE__CODEC_ZLIB;
        quire__st64(e + 4, GIB);
        quire__cur_init(&c, e, sizeof e, 0);
        rc = quire__env_head_decode(&c, &l, &eh);
        assert_true(quire_error_class(rc) == QUIRE_CLASS_LIMIT ||
                    quire_error_class(rc) == QUIRE_CLASS_MALFORMED);
    }
}

static void
test_block_records(void **state)
{
    quire__limits l;
    bb x;
    uint8_t *buf;
    quire__cur c;
    const uint8_t *rec = NULL;
    size_t rec_len = 0;
    (void)state;
    quire__limits_default(&l);
    x.n = 0;
    bb_u32(&x, 8);
    bb_bytes(&x, "AAAAAAAA", 8);
    bb_u32(&x, 10);
    bb_bytes(&x, "BBBBBBBBBB", 10);
    bb_u32(&x, 9);
    bb_bytes(&x, "CCCCCCCCC", 9);
    buf = dup_exact(x.b, x.n);
    quire__cur_init(&c, buf, x.n, 0);
    assert_int_equal(quire__block_next_record(&c, &l, &rec, &rec_len), 0);
    assert_ptr_equal(rec, buf + 4);
    assert_int_equal(rec_len, 8);
    assert_int_equal(quire__block_next_record(&c, &l, &rec, &rec_len), 0);
    assert_ptr_equal(rec, buf + 16);
    assert_int_equal(rec_len, 10);
    assert_int_equal(quire__block_next_record(&c, &l, &rec, &rec_len), 0);
    assert_ptr_equal(rec, buf + 30);
    assert_int_equal(rec_len, 9);
    assert_int_equal(quire__block_next_record(&c, &l, &rec, &rec_len), QUIRE_DONE);
    assert_int_equal(quire__block_next_record(&c, &l, &rec, &rec_len), QUIRE_DONE);
    assert_int_equal(c.err, 0);
    /* an empty block is done at once */
    quire__cur_init(&c, buf, 0, 0);
    assert_int_equal(quire__block_next_record(&c, &l, &rec, &rec_len), QUIRE_DONE);
    /* a record limit */
    l.record = 9;
    quire__cur_init(&c, buf, x.n, 100);
    assert_int_equal(quire__block_next_record(&c, &l, &rec, &rec_len), 0);
    assert_int_equal(quire__block_next_record(&c, &l, &rec, &rec_len), QUIRE_E_LIMIT);
    assert_int_equal(c.err_off, 100 + 16);
    assert_string_equal(c.err_what, "record");
    /* sticky */
    assert_int_equal(quire__block_next_record(&c, &l, &rec, &rec_len), QUIRE_E_LIMIT);
    quire__limits_default(&l);
    /* truncated record */
    quire__cur_init(&c, buf, x.n - 1, 100);
    assert_int_equal(quire__block_next_record(&c, &l, &rec, &rec_len), 0);
    assert_int_equal(quire__block_next_record(&c, &l, &rec, &rec_len), 0);
    assert_int_equal(quire__block_next_record(&c, &l, &rec, &rec_len), QUIRE_E_TRUNCATED);
    assert_int_equal(c.err_off, 100 + 30);
    /* truncated length prefix */
    quire__cur_init(&c, buf, 12 + 2, 100);
    assert_int_equal(quire__block_next_record(&c, &l, &rec, &rec_len), 0);
    assert_int_equal(quire__block_next_record(&c, &l, &rec, &rec_len), QUIRE_E_TRUNCATED);
    assert_int_equal(c.err_off, 100 + 12);
    test_free(buf);

    /* lengths below a record header */
    {
        uint32_t bad;
        for (bad = 0; bad < QUIRE__RECORD_HEAD; bad++) {
            bb y;
            y.n = 0;
            bb_u32(&y, 8);
            bb_bytes(&y, "AAAAAAAA", 8);
            bb_u32(&y, bad);
            bb_bytes(&y, "BBBBBBBB", 8);
            buf = dup_exact(y.b, y.n);
            quire__cur_init(&c, buf, y.n, 50);
            assert_int_equal(quire__block_next_record(&c, &l, &rec, &rec_len), 0);
            assert_int_equal(quire__block_next_record(&c, &l, &rec, &rec_len), QUIRE_E_BLOCK);
            assert_int_equal(c.err_off, 50 + 12);
            assert_string_equal(c.err_what, "record length");
            test_free(buf);
        }
    }
    /* a huge length: over the limit before over what remains */
    x.n = 0;
    bb_u32(&x, 0xFFFFFFFFu);
    bb_bytes(&x, "AAAAAAAA", 8);
    buf = dup_exact(x.b, x.n);
    quire__cur_init(&c, buf, x.n, 0);
    assert_int_equal(quire__block_next_record(&c, &l, &rec, &rec_len), QUIRE_E_LIMIT);
    l.record = GIB;
    quire__cur_init(&c, buf, x.n, 0);
    assert_int_equal(quire__block_next_record(&c, &l, &rec, &rec_len), QUIRE_E_LIMIT);
    l.record = 0xFFFFFFFFu;
    quire__cur_init(&c, buf, x.n, 0);
    assert_int_equal(quire__block_next_record(&c, &l, &rec, &rec_len), QUIRE_E_TRUNCATED);
    test_free(buf);
}

/* ====================================================================
 * Records [5]
 * ==================================================================== */

#define MAXF 64

typedef struct dec {
    quire__cur c;
    quire__rfield f[MAXF];
    quire__rpart p[MAXF];
    size_t nf, np;
    uint8_t *buf;
} dec;

/* Decodes rec[0..len) from an exact heap copy at absolute offset base. */
static int
decode_record(dec *d, const uint8_t *rec, size_t len, const quire__limits *l, uint64_t base,
              const quire__allocator *a)
{
    int e;
    d->buf = dup_exact(rec, len);
    d->nf = d->np = 0;
    quire__cur_init(&d->c, d->buf, len, base);
    e = quire__record_head(&d->c, l, &d->nf, &d->np);
    if (e != 0) {
        return e;
    }
    assert_true(d->nf <= MAXF && d->np <= MAXF);
    return quire__record_body(&d->c, l, a, d->f, d->nf, d->p, d->np);
}

static void
rec_expect_l(const bb *x, const quire__limits *l, int code, size_t off, const char *what)
{
    talloc t;
    quire__allocator a = make_alloc(&t);
    dec d;
    int e = decode_record(&d, x->b, x->n, l, 1000, &a);
    if (e != code || (code != 0 && d.c.err_off != 1000 + off)) {
        print_error("record: got %s at %llu (%s), want %s at %llu\n", quire_error_name(e),
                    (unsigned long long)d.c.err_off, d.c.err_what != NULL ? d.c.err_what : "-",
                    quire_error_name(code), (unsigned long long)(1000 + off));
    }
    assert_int_equal(e, code);
    assert_int_equal(d.c.err, code);
    if (code != 0) {
        assert_int_equal(d.c.err_off, 1000 + off);
        assert_non_null(d.c.err_what);
        if (what != NULL) {
            assert_string_equal(d.c.err_what, what);
        }
    }
    test_free(d.buf);
}

static void
rec_expect(const bb *x, int code, size_t off, const char *what)
{
    quire__limits l;
    quire__limits_default(&l);
    rec_expect_l(x, &l, code, off, what);
}

static const uint8_t list2[] = {2, 0, 0, 0, 1, 0, 0, 0, 'a', 2, 0, 0, 0, 'b', 'c'};

static void
test_record_roundtrip(void **state)
{
    talloc t;
    quire__allocator al = make_alloc(&t);
    quire_alloc pub;
    quire_article *a = NULL;
    const uint8_t *rec;
    size_t len, i;
    quire__limits l;
    dec d;
    static const uint8_t bin[] = {0, 1, 2, 0xFF, 0xFE};
    (void)state;
    pub.alloc = al.alloc;
    pub.free = al.free;
    pub.opaque = al.opaque;
    quire__limits_default(&l);
    assert_int_equal(quire_article_new(&a, &pub), 0);
    assert_int_equal(quire_article_set(a, QUIRE_F_TITLE, QUIRE_T_TEXT, S("Caf\xC3\xA9 news")), 0);
    assert_int_equal(quire_article_set(a, QUIRE_F_URL, QUIRE_T_TEXT, S("https://x.test/a")), 0);
    assert_int_equal(quire_article_set(a, QUIRE_F_PUBLISHED, QUIRE_T_TIME, S("2024-01-02")), 0);
    assert_int_equal(quire_article_set(a, QUIRE_F_LANGUAGE, QUIRE_T_TEXT, S("en-GB")), 0);
    assert_int_equal(quire_article_set(a, QUIRE_F_SECTION, QUIRE_T_NULL, NULL, 0), 0);
    assert_int_equal(quire_article_add_item(a, QUIRE_F_AUTHORS, S("a")), 0);
    assert_int_equal(quire_article_add_item(a, QUIRE_F_AUTHORS, S("bc")), 0);
    assert_int_equal(quire_article_set_ext(a, S("zeta"), QUIRE_T_BYTES, bin, sizeof bin), 0);
    assert_int_equal(quire_article_set_ext(a, S("alpha"), QUIRE_T_JSON, S("{\"k\":[1,2]}")), 0);
    assert_int_equal(quire_article_set_ext(a, S("mid"), QUIRE_T_TIME, S("2020-02-29T10:00Z")), 0);
    assert_int_equal(quire_article_set_ext(a, S("nul"), QUIRE_T_NULL, NULL, 0), 0);
    assert_int_equal(quire_article_set_ext(a, S("txt"), QUIRE_T_TEXT, S("")), 0);
    assert_int_equal(quire_article_set_ext(a, S("lst"), QUIRE_T_LIST, list2, sizeof list2), 0);
    assert_int_equal(quire_article_add_part(a, S("body"), S("text/plain"), S("Hello")), 0);
    assert_int_equal(quire_article_add_part(a, S("raw"), "", 0, bin, sizeof bin), 0);
    assert_int_equal(quire_article_add_part(a, S("empty"), S("x/y"), NULL, 0), 0);
    assert_int_equal(quire__article_encode(a, &rec, &len), 0);

    assert_int_equal(decode_record(&d, rec, len, &l, 0, &al), 0);
    assert_int_equal(d.nf, quire_article_field_count(a));
    assert_int_equal(d.np, 3);
    assert_int_equal(quire__cur_left(&d.c), 0);
    for (i = 0; i < d.nf; i++) {
        quire_field f;
        assert_int_equal(quire_article_field(a, i, &f), 0);
        assert_int_equal(d.f[i].key, f.key);
        assert_int_equal(d.f[i].type, f.type);
        if (f.key == 0) {
            assert_int_equal(d.f[i].name_len, f.name_len);
            assert_memory_equal(d.buf + d.f[i].name_off, f.name, f.name_len);
        } else {
            assert_int_equal(d.f[i].name_len, 0);
        }
        assert_int_equal(d.f[i].val_len, f.value_len);
        if (f.value_len != 0) {
            assert_memory_equal(d.buf + d.f[i].val_off, f.value, f.value_len);
        }
        assert_int_equal(d.f[i].n_items, f.n_items);
        if (i > 0) {
            assert_true(quire__field_cmp(d.buf, &d.f[i - 1], &d.f[i]) < 0);
        }
    }
    /* canonical order: standard by key, then extensions by name */
    assert_int_equal(d.f[0].key, QUIRE_F_URL);
    assert_int_equal(d.f[1].key, QUIRE_F_TITLE);
    assert_int_equal(d.f[2].key, QUIRE_F_AUTHORS);
    assert_int_equal(d.f[2].n_items, 2);
    assert_int_equal(d.f[3].key, QUIRE_F_SECTION);
    assert_int_equal(d.f[4].key, QUIRE_F_LANGUAGE);
    assert_int_equal(d.f[5].key, QUIRE_F_PUBLISHED);
    assert_int_equal(d.f[6].key, 0);
    assert_memory_equal(d.buf + d.f[6].name_off, "alpha", 5);
    assert_memory_equal(d.buf + d.f[d.nf - 1].name_off, "zeta", 4);
    for (i = 0; i < d.np; i++) {
        quire_part p;
        assert_int_equal(quire_article_part(a, i, &p), 0);
        assert_int_equal(d.p[i].name_len, p.name_len);
        assert_memory_equal(d.buf + d.p[i].name_off, p.name, p.name_len);
        assert_int_equal(d.p[i].media_len, p.media_len);
        if (p.media_len != 0) {
            assert_memory_equal(d.buf + d.p[i].media_off, p.media_type, p.media_len);
        }
        assert_int_equal(d.p[i].data_len, p.len);
        if (p.len != 0) {
            assert_memory_equal(d.buf + d.p[i].data_off, p.data, p.len);
        }
    }
    /* encoding the decoded fields again gives the same bytes */
    {
        quire__buf b;
        quire__buf_init(&b, &al, 1 << 20);
        quire__record_encode(&b, d.buf, d.f, d.nf, d.p, d.np);
        assert_int_equal(b.err, 0);
        assert_int_equal(b.len, len);
        assert_memory_equal(b.p, rec, len);
        quire__buf_free(&b);
    }
    /* every proper prefix fails, never reads past the end */
    {
        size_t cut;
        for (cut = 0; cut < len; cut++) {
            dec e;
            int rc = decode_record(&e, rec, cut, &l, 0, &al);
            assert_true(rc == QUIRE_E_TRUNCATED || rc == QUIRE_E_TRAILING);
            test_free(e.buf);
        }
    }
    /* the empty record */
    {
        bb x;
        x.n = 0;
        rec_head(&x, 1, 0, 0, 0, 0);
        rec_expect(&x, 0, 0, NULL);
    }
    test_free(d.buf);
    quire_article_free(a);
}

static void
test_record_head_errors(void **state)
{
    bb x;
    quire__limits l;
    (void)state;
    quire__limits_default(&l);
    /* version 0 is malformed, version 2 and later are a feature of a later version */
    x.n = 0;
    rec_head(&x, 2, 0, 0, 0, 0);
    rec_expect(&x, QUIRE_E_FEATURE, 0, "record version");
    x.n = 0;
    rec_head(&x, 255, 0x80, 0, 0, 1);
    rec_expect(&x, QUIRE_E_FEATURE, 0, "record version");
    x.n = 0;
    rec_head(&x, 0, 0, 0, 0, 0);
    rec_expect(&x, QUIRE_E_RECORD, 0, "record version");
    x.n = 0;
    rec_head(&x, 1, 1, 0, 0, 0);
    rec_expect(&x, QUIRE_E_RESERVED, 1, "record flags");
    x.n = 0;
    rec_head(&x, 1, 0x80, 0, 0, 0);
    rec_expect(&x, QUIRE_E_RESERVED, 1, "record flags");
    x.n = 0;
    rec_head(&x, 1, 0, 0, 0, 1);
    rec_expect(&x, QUIRE_E_RESERVED, 6, "record reserved");
    x.n = 0;
    rec_head(&x, 1, 0, 0, 0, 0x100);
    rec_expect(&x, QUIRE_E_RESERVED, 6, "record reserved");
    /* field count over the limit, before the bytes that remain */
    x.n = 0;
    rec_head(&x, 1, 0, 1025, 0, 0);
    rec_expect(&x, QUIRE_E_LIMIT, 2, "record field count");
    x.n = 0;
    rec_head(&x, 1, 0, 65535, 0, 0);
    rec_expect(&x, QUIRE_E_LIMIT, 2, "record field count");
    x.n = 0;
    rec_head(&x, 1, 0, 2, 0, 0);
    rec_field(&x, QUIRE_F_ID, QUIRE_T_TEXT, NULL, 0, "a", 1);
    rec_field(&x, QUIRE_F_URL, QUIRE_T_TEXT, NULL, 0, "b", 1);
    rec_expect(&x, 0, 0, NULL);
    l.fields = 1;
    rec_expect_l(&x, &l, QUIRE_E_LIMIT, 2, "record field count");
    quire__limits_default(&l);
    /* part count over the limit */
    x.n = 0;
    rec_head(&x, 1, 0, 0, 257, 0);
    rec_expect(&x, QUIRE_E_LIMIT, 4, "record part count");
    x.n = 0;
    rec_head(&x, 1, 0, 0, 2, 0);
    rec_part(&x, S("a"), S("t"), 0, "1", 1);
    rec_part(&x, S("b"), S("t"), 0, "2", 1);
    rec_expect(&x, 0, 0, NULL);
    l.parts = 1;
    rec_expect_l(&x, &l, QUIRE_E_LIMIT, 4, "record part count");
    quire__limits_default(&l);
    /* counts that cannot fit the bytes that remain */
    x.n = 0;
    rec_head(&x, 1, 0, 3, 0, 0);
    bb_bytes(&x, "0123456789abcdefghijklm", 23);
    rec_expect(&x, QUIRE_E_TRUNCATED, 2, "record field count");
    x.n = 0;
    rec_head(&x, 1, 0, 1, 2, 0);
    bb_bytes(&x, "0123456789abcdefghijklm", 23);
    rec_expect(&x, QUIRE_E_TRUNCATED, 2, "record field count");
    /* truncated header */
    x.n = 0;
    rec_head(&x, 1, 0, 0, 0, 0);
    x.n = 7;
    rec_expect(&x, QUIRE_E_TRUNCATED, 6, NULL);
    x.n = 0;
    rec_expect(&x, QUIRE_E_TRUNCATED, 0, NULL);
}

static void
test_record_field_errors(void **state)
{
    bb x;
    size_t at;
    quire__limits l;
    (void)state;
    quire__limits_default(&l);

    /* unsorted standard fields */
    x.n = 0;
    rec_head(&x, 1, 0, 2, 0, 0);
    rec_field(&x, QUIRE_F_TITLE, QUIRE_T_TEXT, NULL, 0, "t", 1);
    at = rec_field(&x, QUIRE_F_URL, QUIRE_T_TEXT, NULL, 0, "u", 1);
    rec_expect(&x, QUIRE_E_ORDER, at, "field order");
    /* duplicate standard field */
    x.n = 0;
    rec_head(&x, 1, 0, 2, 0, 0);
    rec_field(&x, QUIRE_F_TITLE, QUIRE_T_TEXT, NULL, 0, "t", 1);
    at = rec_field(&x, QUIRE_F_TITLE, QUIRE_T_TEXT, NULL, 0, "t", 1);
    rec_expect(&x, QUIRE_E_ORDER, at, "field order");
    /* an extension before a standard field */
    x.n = 0;
    rec_head(&x, 1, 0, 2, 0, 0);
    rec_field(&x, 0, QUIRE_T_TEXT, S("x"), "t", 1);
    at = rec_field(&x, QUIRE_F_TITLE, QUIRE_T_TEXT, NULL, 0, "t", 1);
    rec_expect(&x, QUIRE_E_ORDER, at, "field order");
    /* extensions by name, bytewise, shorter first */
    x.n = 0;
    rec_head(&x, 1, 0, 3, 0, 0);
    rec_field(&x, 0, QUIRE_T_TEXT, S("B"), "t", 1);
    rec_field(&x, 0, QUIRE_T_TEXT, S("a"), "t", 1);
    rec_field(&x, 0, QUIRE_T_TEXT, S("ab"), "t", 1);
    rec_expect(&x, 0, 0, NULL);
    x.n = 0;
    rec_head(&x, 1, 0, 2, 0, 0);
    rec_field(&x, 0, QUIRE_T_TEXT, S("ab"), "t", 1);
    at = rec_field(&x, 0, QUIRE_T_TEXT, S("a"), "t", 1);
    rec_expect(&x, QUIRE_E_ORDER, at, "field order");
    x.n = 0;
    rec_head(&x, 1, 0, 2, 0, 0);
    rec_field(&x, 0, QUIRE_T_TEXT, S("b"), "t", 1);
    at = rec_field(&x, 0, QUIRE_T_TEXT, S("a"), "t", 1);
    rec_expect(&x, QUIRE_E_ORDER, at, "field order");
    /* duplicate extension */
    x.n = 0;
    rec_head(&x, 1, 0, 2, 0, 0);
    rec_field(&x, 0, QUIRE_T_TEXT, S("a"), "t", 1);
    at = rec_field(&x, 0, QUIRE_T_BYTES, S("a"), "t", 1);
    rec_expect(&x, QUIRE_E_ORDER, at, "field order");
    /* extension with an empty name */
    x.n = 0;
    rec_head(&x, 1, 0, 1, 0, 0);
    at = rec_field(&x, 0, QUIRE_T_TEXT, NULL, 0, "t", 1);
    rec_expect(&x, QUIRE_E_FIELD, at + 3, "extension name length");
    /* extension name not UTF-8 */
    x.n = 0;
    rec_head(&x, 1, 0, 1, 0, 0);
    at = rec_field(&x, 0, QUIRE_T_TEXT, S("ab\xC3("), "t", 1);
    rec_expect(&x, QUIRE_E_UTF8, at + 4 + 2, "extension name");
    /* standard key with a name */
    x.n = 0;
    rec_head(&x, 1, 0, 1, 0, 0);
    at = rec_field(&x, QUIRE_F_TITLE, QUIRE_T_TEXT, S("title"), "t", 1);
    rec_expect(&x, QUIRE_E_FIELD, at + 3, "standard field name length");
    /* wrong type for a standard key (NULL is always allowed) */
    x.n = 0;
    rec_head(&x, 1, 0, 1, 0, 0);
    at = rec_field(&x, QUIRE_F_TITLE, QUIRE_T_TIME, NULL, 0, "2024-01-01", 10);
    rec_expect(&x, QUIRE_E_FIELD, at + 2, "field type for key");
    x.n = 0;
    rec_head(&x, 1, 0, 1, 0, 0);
    at = rec_field(&x, QUIRE_F_PUBLISHED, QUIRE_T_TEXT, NULL, 0, "2024-01-01", 10);
    rec_expect(&x, QUIRE_E_FIELD, at + 2, "field type for key");
    x.n = 0;
    rec_head(&x, 1, 0, 1, 0, 0);
    at = rec_field(&x, QUIRE_F_AUTHORS, QUIRE_T_TEXT, NULL, 0, "x", 1);
    rec_expect(&x, QUIRE_E_FIELD, at + 2, "field type for key");
    x.n = 0;
    rec_head(&x, 1, 0, 1, 0, 0);
    rec_field(&x, QUIRE_F_TITLE, QUIRE_T_NULL, NULL, 0, NULL, 0);
    rec_expect(&x, 0, 0, NULL);
    /* type 9: reserved for a later version; for a known key the key's type
     * check comes first */
    x.n = 0;
    rec_head(&x, 1, 0, 1, 0, 0);
    at = rec_field(&x, 0, 9, S("x"), "t", 1);
    rec_expect(&x, QUIRE_E_FEATURE, at + 2, "field type");
    x.n = 0;
    rec_head(&x, 1, 0, 1, 0, 0);
    at = rec_field(&x, 0, 255, S("x"), NULL, 0);
    rec_expect(&x, QUIRE_E_FEATURE, at + 2, "field type");
    x.n = 0;
    rec_head(&x, 1, 0, 1, 0, 0);
    at = rec_field(&x, QUIRE_F_TITLE, 9, NULL, 0, "t", 1);
    rec_expect(&x, QUIRE_E_FIELD, at + 2, "field type for key");
    /* an unknown standard key takes any known type, not type 6 */
    x.n = 0;
    rec_head(&x, 1, 0, 1, 0, 0);
    rec_field(&x, 200, QUIRE_T_BYTES, NULL, 0, "\xFF", 1);
    rec_expect(&x, 0, 0, NULL);
    x.n = 0;
    rec_head(&x, 1, 0, 1, 0, 0);
    at = rec_field(&x, 200, 6, NULL, 0, "t", 1);
    rec_expect(&x, QUIRE_E_FEATURE, at + 2, "field type");
    x.n = 0;
    rec_head(&x, 1, 0, 2, 0, 0);
    rec_field(&x, 300, QUIRE_T_TEXT, NULL, 0, "t", 1);
    rec_field(&x, 65535, QUIRE_T_JSON, NULL, 0, "[]", 2);
    rec_expect(&x, 0, 0, NULL);
    x.n = 0;
    rec_head(&x, 1, 0, 1, 0, 0);
    at = rec_field(&x, 300, QUIRE_T_TEXT, S("n"), "t", 1);
    rec_expect(&x, QUIRE_E_FIELD, at + 3, "standard field name length");
    /* NULL with a value */
    x.n = 0;
    rec_head(&x, 1, 0, 1, 0, 0);
    at = rec_field(&x, QUIRE_F_TITLE, QUIRE_T_NULL, NULL, 0, "t", 1);
    rec_expect(&x, QUIRE_E_FIELD, at + 8, "null value length");
    /* TEXT with bad UTF-8 points at the bad sequence */
    x.n = 0;
    rec_head(&x, 1, 0, 2, 0, 0);
    rec_field(&x, QUIRE_F_ID, QUIRE_T_TEXT, NULL, 0, "ok", 2);
    at = rec_field(&x, QUIRE_F_TITLE, QUIRE_T_TEXT, NULL, 0, "abc\xED\xA0\x80", 6);
    rec_expect(&x, QUIRE_E_UTF8, at + 8 + 3, "text value");
    x.n = 0;
    rec_head(&x, 1, 0, 1, 0, 0);
    at = rec_field(&x, 0, QUIRE_T_TEXT, S("e"), "\xFF", 1);
    rec_expect(&x, QUIRE_E_UTF8, at + 9 + 0, "text value");
    /* TIME invalid */
    x.n = 0;
    rec_head(&x, 1, 0, 1, 0, 0);
    at = rec_field(&x, QUIRE_F_PUBLISHED, QUIRE_T_TIME, NULL, 0, "2024-02-30", 10);
    rec_expect(&x, QUIRE_E_TIME, at + 8, "time value");
    x.n = 0;
    rec_head(&x, 1, 0, 1, 0, 0);
    at = rec_field(&x, 0, QUIRE_T_TIME, S("when"), "", 0);
    rec_expect(&x, QUIRE_E_TIME, at + 12, "time value");
    /* value length over the field limit, and over what remains */
    x.n = 0;
    rec_head(&x, 1, 0, 1, 0, 0);
    at = rec_field(&x, QUIRE_F_TITLE, QUIRE_T_TEXT, NULL, 0, "12345", 5);
    l.field = 4;
    rec_expect_l(&x, &l, QUIRE_E_LIMIT, at + 8, "field value");
    l.field = 5;
    rec_expect_l(&x, &l, 0, 0, NULL);
    quire__limits_default(&l);
    x.n -= 1;
    rec_expect(&x, QUIRE_E_TRUNCATED, at + 8, "field value");
    /* JSON */
    x.n = 0;
    rec_head(&x, 1, 0, 1, 0, 0);
    rec_field(&x, 0, QUIRE_T_JSON, S("j"), "{\"a\":[1,true,null]}", 19);
    rec_expect(&x, 0, 0, NULL);
    x.n = 0;
    rec_head(&x, 1, 0, 1, 0, 0);
    at = rec_field(&x, 0, QUIRE_T_JSON, S("j"), "{\"a\": 1}", 8);
    rec_expect(&x, QUIRE_E_JSON, at + 9 + 5, NULL);
    x.n = 0;
    rec_head(&x, 1, 0, 1, 0, 0);
    at = rec_field(&x, 0, QUIRE_T_JSON, S("j"), " 1", 2);
    rec_expect(&x, QUIRE_E_JSON, at + 9, NULL);
    x.n = 0;
    rec_head(&x, 1, 0, 1, 0, 0);
    at = rec_field(&x, 0, QUIRE_T_JSON, S("j"), "", 0);
    rec_expect(&x, QUIRE_E_JSON, at + 9, NULL);
    /* an extension named like a standard field that is present */
    x.n = 0;
    rec_head(&x, 1, 0, 2, 0, 0);
    rec_field(&x, QUIRE_F_TITLE, QUIRE_T_TEXT, NULL, 0, "t", 1);
    at = rec_field(&x, 0, QUIRE_T_TEXT, S("title"), "t", 1);
    rec_expect(&x, QUIRE_E_FIELD, at + 4, "extension name");
    x.n = 0;
    rec_head(&x, 1, 0, 2, 0, 0);
    rec_field(&x, QUIRE_F_TITLE, QUIRE_T_NULL, NULL, 0, NULL, 0);
    at = rec_field(&x, 0, QUIRE_T_JSON, S("title"), "5", 1);
    rec_expect(&x, QUIRE_E_FIELD, at + 4, "extension name");
    /* ... and absent: fine */
    x.n = 0;
    rec_head(&x, 1, 0, 2, 0, 0);
    rec_field(&x, QUIRE_F_URL, QUIRE_T_TEXT, NULL, 0, "u", 1);
    rec_field(&x, 0, QUIRE_T_JSON, S("title"), "5", 1);
    rec_expect(&x, 0, 0, NULL);
    /* language tags */
    x.n = 0;
    rec_head(&x, 1, 0, 1, 0, 0);
    rec_field(&x, QUIRE_F_LANGUAGE, QUIRE_T_TEXT, NULL, 0, "zh-Hant-TW", 10);
    rec_expect(&x, 0, 0, NULL);
    x.n = 0;
    rec_head(&x, 1, 0, 1, 0, 0);
    at = rec_field(&x, QUIRE_F_LANGUAGE, QUIRE_T_TEXT, NULL, 0, "en_US", 5);
    rec_expect(&x, QUIRE_E_FIELD, at + 8, "language tag");
    x.n = 0;
    rec_head(&x, 1, 0, 1, 0, 0);
    at = rec_field(&x, QUIRE_F_LANGUAGE, QUIRE_T_TEXT, NULL, 0, "", 0);
    rec_expect(&x, QUIRE_E_FIELD, at + 8, "language tag");
    x.n = 0;
    rec_head(&x, 1, 0, 1, 0, 0);
    rec_field(&x, QUIRE_F_LANGUAGE, QUIRE_T_NULL, NULL, 0, NULL, 0);
    rec_expect(&x, 0, 0, NULL);
    /* an extension "language" is not a language tag */
    x.n = 0;
    rec_head(&x, 1, 0, 1, 0, 0);
    rec_field(&x, 0, QUIRE_T_TEXT, S("language"), "not a tag!", 10);
    rec_expect(&x, 0, 0, NULL);
    /* truncated inside a field: a name longer than what remains */
    x.n = 0;
    rec_head(&x, 1, 0, 1, 0, 0);
    at = x.n;
    bb_u16(&x, 0);
    bb_u8(&x, QUIRE_T_TEXT);
    bb_u8(&x, 9);
    bb_bytes(&x, "abcd", 4);
    rec_expect(&x, QUIRE_E_TRUNCATED, at + 4, "field name");
}

static void
test_record_list_errors(void **state)
{
    bb x, v;
    size_t at;
    quire__limits l;
    (void)state;
    quire__limits_default(&l);
    /* valid lists, including the empty list and empty items */
    x.n = 0;
    rec_head(&x, 1, 0, 1, 0, 0);
    rec_field(&x, QUIRE_F_AUTHORS, QUIRE_T_LIST, NULL, 0, list2, sizeof list2);
    rec_expect(&x, 0, 0, NULL);
    x.n = 0;
    rec_head(&x, 1, 0, 1, 0, 0);
    rec_field(&x, QUIRE_F_AUTHORS, QUIRE_T_LIST, NULL, 0, "\0\0\0\0", 4);
    rec_expect(&x, 0, 0, NULL);
    x.n = 0;
    rec_head(&x, 1, 0, 1, 0, 0);
    rec_field(&x, QUIRE_F_AUTHORS, QUIRE_T_LIST, NULL, 0, "\2\0\0\0\0\0\0\0\0\0\0\0", 12);
    rec_expect(&x, 0, 0, NULL);
    /* no count at all */
    x.n = 0;
    rec_head(&x, 1, 0, 1, 0, 0);
    at = rec_field(&x, QUIRE_F_AUTHORS, QUIRE_T_LIST, NULL, 0, "\1\0\0", 3);
    rec_expect(&x, QUIRE_E_TRUNCATED, at + 8, "list item count");
    /* count too big for the bytes */
    x.n = 0;
    rec_head(&x, 1, 0, 1, 0, 0);
    at = rec_field(&x, QUIRE_F_AUTHORS, QUIRE_T_LIST, NULL, 0, "\3\0\0\0\0\0\0\0\0\0\0\0", 12);
    rec_expect(&x, QUIRE_E_TRUNCATED, at + 8, "list item count");
    x.n = 0;
    rec_head(&x, 1, 0, 1, 0, 0);
    at = rec_field(&x, QUIRE_F_AUTHORS, QUIRE_T_LIST, NULL, 0, "\xFF\xFF\0\0\0\0\0\0", 8);
    rec_expect(&x, QUIRE_E_TRUNCATED, at + 8, "list item count");
    /* count over the list limit (checked first) */
    x.n = 0;
    rec_head(&x, 1, 0, 1, 0, 0);
    at = rec_field(&x, QUIRE_F_AUTHORS, QUIRE_T_LIST, NULL, 0, "\0\0\1\0", 4);
    rec_expect(&x, QUIRE_E_LIMIT, at + 8, "list item count");
    l.list = 1;
    x.n = 0;
    rec_head(&x, 1, 0, 1, 0, 0);
    at = rec_field(&x, QUIRE_F_AUTHORS, QUIRE_T_LIST, NULL, 0, list2, sizeof list2);
    rec_expect_l(&x, &l, QUIRE_E_LIMIT, at + 8, "list item count");
    quire__limits_default(&l);
    /* an item longer than the value */
    v.n = 0;
    bb_u32(&v, 2);
    bb_u32(&v, 1);
    bb_bytes(&v, "a", 1);
    bb_u32(&v, 5);
    bb_bytes(&v, "bc", 2);
    x.n = 0;
    rec_head(&x, 1, 0, 1, 0, 0);
    at = rec_field(&x, QUIRE_F_KEYWORDS, QUIRE_T_LIST, NULL, 0, v.b, v.n);
    rec_expect(&x, QUIRE_E_TRUNCATED, at + 8 + 13, "list item");
    /* trailing bytes after the items */
    v.n = 0;
    bb_u32(&v, 1);
    bb_u32(&v, 1);
    bb_bytes(&v, "a", 1);
    bb_bytes(&v, "zz", 2);
    x.n = 0;
    rec_head(&x, 1, 0, 1, 0, 0);
    at = rec_field(&x, QUIRE_F_KEYWORDS, QUIRE_T_LIST, NULL, 0, v.b, v.n);
    rec_expect(&x, QUIRE_E_TRAILING, at + 8 + 9, "list value");
    /* an item that is not UTF-8 */
    v.n = 0;
    bb_u32(&v, 2);
    bb_u32(&v, 1);
    bb_bytes(&v, "a", 1);
    bb_u32(&v, 3);
    bb_bytes(&v, "b\xC0\x80", 3);
    x.n = 0;
    rec_head(&x, 1, 0, 1, 0, 0);
    at = rec_field(&x, 0, QUIRE_T_LIST, S("l"), v.b, v.n);
    rec_expect(&x, QUIRE_E_UTF8, at + 9 + 13 + 1, "list item");
    /* list items through quire__list_item */
    {
        const uint8_t *item;
        size_t il;
        assert_int_equal(quire__list_item(list2, sizeof list2, 0, &item, &il), 0);
        assert_int_equal(il, 1);
        assert_memory_equal(item, "a", 1);
        assert_int_equal(quire__list_item(list2, sizeof list2, 1, &item, &il), 0);
        assert_int_equal(il, 2);
        assert_memory_equal(item, "bc", 2);
        assert_int_equal(quire__list_item(list2, sizeof list2, 2, &item, &il), QUIRE_E_NOTFOUND);
        assert_int_equal(quire__list_item(list2, 3, 0, &item, &il), QUIRE_E_NOTFOUND);
        /* a damaged list never reads outside */
        assert_int_equal(quire__list_item(list2, 10, 1, &item, &il), QUIRE_E_FIELD);
    }
}

static void
test_record_part_errors(void **state)
{
    bb x;
    size_t at;
    quire__limits l;
    (void)state;
    quire__limits_default(&l);
    /* empty part name */
    x.n = 0;
    rec_head(&x, 1, 0, 0, 1, 0);
    at = rec_part(&x, NULL, 0, S("text/plain"), 0, "x", 1);
    rec_expect(&x, QUIRE_E_RECORD, at, "part name length");
    /* part name not UTF-8 */
    x.n = 0;
    rec_head(&x, 1, 0, 0, 1, 0);
    at = rec_part(&x, S("b\xFF"), S("text/plain"), 0, "x", 1);
    rec_expect(&x, QUIRE_E_UTF8, at + 1 + 1, "part name");
    /* duplicate part name (not adjacent) */
    x.n = 0;
    rec_head(&x, 1, 0, 0, 3, 0);
    rec_part(&x, S("body"), S("text/plain"), 0, "x", 1);
    rec_part(&x, S("raw"), S("text/html"), 0, "y", 1);
    at = rec_part(&x, S("body"), S("text/plain"), 0, "z", 1);
    rec_expect(&x, QUIRE_E_ORDER, at, "duplicate part name");
    /* parts are not sorted: any order of distinct names is fine */
    x.n = 0;
    rec_head(&x, 1, 0, 0, 2, 0);
    rec_part(&x, S("z"), S("a/b"), 0, "x", 1);
    rec_part(&x, S("a"), "", 0, 0, "", 0);
    rec_expect(&x, 0, 0, NULL);
    /* bad media type bytes */
    x.n = 0;
    rec_head(&x, 1, 0, 0, 1, 0);
    at = rec_part(&x, S("b"), S("text/\x7F"), 0, "x", 1);
    rec_expect(&x, QUIRE_E_RECORD, at + 3 + 5, "part media type");
    x.n = 0;
    rec_head(&x, 1, 0, 0, 1, 0);
    at = rec_part(&x, S("b"), S("t\x1F"), 0, "x", 1);
    rec_expect(&x, QUIRE_E_RECORD, at + 3 + 1, "part media type");
    x.n = 0;
    rec_head(&x, 1, 0, 0, 1, 0);
    at = rec_part(&x, S("b"), S("\xC3\xA9"), 0, "x", 1);
    rec_expect(&x, QUIRE_E_RECORD, at + 3, "part media type");
    x.n = 0;
    rec_head(&x, 1, 0, 0, 1, 0);
    rec_part(&x, S("b"), S(" ~"), 0, "x", 1);
    rec_expect(&x, 0, 0, NULL);
    /* storage byte 1 (a reference: only in a stored record, 5.6), 2 and 0xFF */
    x.n = 0;
    rec_head(&x, 1, 0, 0, 1, 0);
    at = rec_part(&x, S("body"), S("text/plain"), 1, "x", 1);
    rec_expect(&x, QUIRE_E_RECORD, at + 1 + 4 + 1 + 10,
               "part storage (reference without the record flag)");
    x.n = 0;
    rec_head(&x, 1, 0, 0, 1, 0);
    at = rec_part(&x, S("body"), S("text/plain"), 2, "x", 1);
    rec_expect(&x, QUIRE_E_FEATURE, at + 1 + 4 + 1 + 10, "part storage");
    x.n = 0;
    rec_head(&x, 1, 0, 0, 1, 0);
    at = rec_part(&x, S("body"), "", 0, 0xFF, "x", 1);
    rec_expect(&x, QUIRE_E_FEATURE, at + 1 + 4 + 1, "part storage");
    /* part data over the record limit, and beyond the end */
    x.n = 0;
    rec_head(&x, 1, 0, 0, 1, 0);
    at = rec_part(&x, S("b"), "", 0, 0, "0123456789", 10);
    l.record = 9;
    rec_expect_l(&x, &l, QUIRE_E_LIMIT, at + 8, "part data");
    quire__limits_default(&l);
    x.n -= 1;
    rec_expect(&x, QUIRE_E_TRUNCATED, at + 8, "part data");
    /* trailing bytes after the record */
    x.n = 0;
    rec_head(&x, 1, 0, 1, 1, 0);
    rec_field(&x, QUIRE_F_TITLE, QUIRE_T_TEXT, NULL, 0, "t", 1);
    rec_part(&x, S("b"), "", 0, 0, "x", 1);
    rec_expect(&x, 0, 0, NULL);
    at = x.n;
    bb_u8(&x, 0);
    rec_expect(&x, QUIRE_E_TRAILING, at, "record");
    x.n = 0;
    rec_head(&x, 1, 0, 0, 0, 0);
    bb_bytes(&x, "junk", 4);
    rec_expect(&x, QUIRE_E_TRAILING, 8, "record");
}

static void
test_std_fields(void **state)
{
    unsigned k;
    (void)state;
    assert_int_equal(quire__std_type(0), -1);
    assert_int_equal(quire__std_type(QUIRE_F_MAX_KNOWN + 1), -1);
    assert_int_equal(quire__std_type(0xFFFF), -1);
    assert_null(quire__std_name(0));
    assert_null(quire__std_name(QUIRE_F_MAX_KNOWN + 1));
    for (k = 1; k <= QUIRE_F_MAX_KNOWN; k++) {
        const char *n = quire__std_name(k);
        assert_non_null(n);
        assert_int_equal(quire__std_key((const uint8_t *)n, strlen(n)), k);
        assert_int_equal(quire_field_key(n, strlen(n)), (int)k);
        assert_string_equal(quire_field_name((int)k), n);
        assert_int_equal(quire_field_type((int)k), quire__std_type(k));
    }
    assert_string_equal(quire__std_name(QUIRE_F_PUBLISHED), "date");
    assert_int_equal(quire__std_type(QUIRE_F_PUBLISHED), QUIRE_T_TIME);
    assert_int_equal(quire__std_type(QUIRE_F_AUTHORS), QUIRE_T_LIST);
    assert_int_equal(quire__std_type(QUIRE_F_KEYWORDS), QUIRE_T_LIST);
    assert_int_equal(quire__std_type(QUIRE_F_URL), QUIRE_T_TEXT);
    assert_int_equal(quire__std_key(U8("titl")), 0);
    assert_int_equal(quire__std_key(U8("titles")), 0);
    assert_int_equal(quire__std_key(U8("Title")), 0);
    assert_int_equal(quire__std_key(NULL, 0), 0);
    assert_null(quire_field_name(0));
    assert_null(quire_field_name(-1));
    assert_int_equal(quire_field_type(0), -1);
    assert_int_equal(quire_field_key(NULL, 3), 0);
    /* language shapes */
    assert_true(quire__language_ok(U8("en")));
    assert_true(quire__language_ok(U8("x-12345678")));
    assert_true(quire__language_ok(U8("de-CH-1901")));
    assert_false(quire__language_ok(U8("")));
    assert_false(quire__language_ok(U8("-en")));
    assert_false(quire__language_ok(U8("en-")));
    assert_false(quire__language_ok(U8("en--US")));
    assert_false(quire__language_ok(U8("abcdefghi")));
    assert_false(quire__language_ok(U8("en US")));
    assert_false(quire__language_ok(U8("\xC3\xA9")));
}

/* ====================================================================
 * Times [5.3]
 * ==================================================================== */

static void
time_ok(const char *s, int64_t want)
{
    int64_t got = 12345;
    int rc = quire__time_parse((const uint8_t *)s, strlen(s), &got);
    if (rc != 0 || got != want) {
        print_error("time %s: rc %d, got %lld, want %lld\n", s, rc, (long long)got,
                    (long long)want);
    }
    assert_int_equal(rc, 0);
    assert_true(got == want);
    /* the public wrapper agrees, and NULL secs is fine */
    got = 0;
    assert_int_equal(quire_parse_time(s, strlen(s), &got), 0);
    assert_true(got == want);
    assert_int_equal(quire__time_parse((const uint8_t *)s, strlen(s), NULL), 0);
}

static void
time_bad(const char *s, size_t len)
{
    int64_t got = 777;
    uint8_t *buf = dup_exact(s, len);
    int rc = quire__time_parse(buf, len, &got);
    if (rc != QUIRE_E_TIME) {
        print_error("time %.*s accepted\n", (int)len, s);
    }
    assert_int_equal(rc, QUIRE_E_TIME);
    assert_true(got == 777);
    test_free(buf);
}

#define TIME_BAD(lit) time_bad((lit), sizeof(lit) - 1)

static void
test_time(void **state)
{
    (void)state;
    time_ok("1970-01-01", 0);
    time_ok("1970-01-01T00:00Z", 0);
    time_ok("1970-01-01T00:00:00Z", 0);
    time_ok("1970-01-01T00:00:01", 1);
    time_ok("1969-12-31T23:59:59Z", -1);
    time_ok("1970-01-02", 86400);
    time_ok("2000-02-29", 951782400);
    time_ok("2000-03-01", 951868800);
    time_ok("2024-01-01", 1704067200);
    time_ok("2024-02-29T12:00:00Z", 1709208000);
    time_ok("2400-02-29", 13574563200);
    time_ok("2024-01-02T03:04:05+01:00", 1704161045);
    time_ok("2024-01-02T03:04:05-01:30", 1704170045);
    time_ok("2024-01-02T03:04:05Z", 1704164645);
    time_ok("2024-01-02T03:04:05", 1704164645);
    time_ok("2024-01-02T03:04", 1704164640);
    time_ok("2024-01-02T03:04Z", 1704164640);
    time_ok("2024-01-02T03:04+00:00", 1704164640);
    time_ok("2024-01-02T03:04-00:00", 1704164640);
    time_ok("2024-01-02T00:00+23:59", 1704153600 - 86340);
    time_ok("2024-01-02T03:04:05.1Z", 1704164645);
    time_ok("2024-01-02T03:04:05.123456789Z", 1704164645);
    time_ok("2024-01-02T03:04:05.999999999+01:00", 1704161045);
    time_ok("2024-01-02T03:04:05.000000000", 1704164645);
    time_ok("2016-12-31T23:59:60Z", 1483228800);
    time_ok("1987-02-26T15:01:01.79", 541350061);
    time_ok("0000-01-01", INT64_C(-62167219200));
    time_ok("9999-12-31T23:59:59Z", INT64_C(253402300799));
    /* spec Appendix B */
    time_ok("2024-01-02", 1704153600);
    time_ok("2024-01-02T10:00", 1704189600);
    time_ok("2024-01-02T10:00Z", 1704189600);
    time_ok("2024-01-02T10:00-00:00", 1704189600);
    time_ok("2024-01-02T10:00:60Z", 1704189660);
    time_ok("2024-01-02T10:00:59.999Z", 1704189659);
    time_ok("2024-01-02T10:00:05.123+02:00", 1704182405);
    time_ok("0000-02-29", INT64_C(-62162121600));
    time_ok("0000-01-01T00:00+23:59", INT64_C(-62167305540));
    time_ok("9999-12-31T23:59:60-23:59", INT64_C(253402387140));

    /* calendar */
    TIME_BAD("1900-02-29");
    TIME_BAD("2100-02-29");
    TIME_BAD("2023-02-29");
    TIME_BAD("2024-02-30");
    TIME_BAD("2024-04-31");
    TIME_BAD("2024-00-10");
    TIME_BAD("2024-13-01");
    TIME_BAD("2024-01-00");
    TIME_BAD("2024-01-32");
    /* shape */
    TIME_BAD("");
    TIME_BAD("2024");
    TIME_BAD("2024-01");
    TIME_BAD("2024-1-02");
    TIME_BAD("2024-01-2");
    TIME_BAD("24-01-02xx");
    TIME_BAD("2024/01/02");
    TIME_BAD("2024-01-02T");
    TIME_BAD("2024-01-02T03");
    TIME_BAD("2024-01-02T03:");
    TIME_BAD("2024-01-02T03:4");
    TIME_BAD("2024-01-02T3:04");
    TIME_BAD("2024-01-02T03:04:");
    TIME_BAD("2024-01-02T03:04:5");
    TIME_BAD("2024-01-02t03:04");
    TIME_BAD("2024-01-02 03:04");
    TIME_BAD("2024-01-02T03.04");
    TIME_BAD("2024-01-02T03:04.5");
    TIME_BAD("2024-01-02Z");
    /* ranges */
    TIME_BAD("2024-01-02T24:00");
    TIME_BAD("2024-01-02T24:00:00Z");
    TIME_BAD("2024-01-02T23:60");
    TIME_BAD("2024-01-02T23:59:61");
    TIME_BAD("2024-01-02T99:00");
    /* fractions */
    TIME_BAD("2024-01-02T03:04:05.");
    TIME_BAD("2024-01-02T03:04:05.Z");
    TIME_BAD("2024-01-02T03:04:05.1234567890");
    TIME_BAD("2024-01-02T03:04:05.1234567890Z");
    TIME_BAD("2024-01-02T03:04:05,5");
    /* zones */
    TIME_BAD("2024-01-02T03:04:05z");
    TIME_BAD("2024-01-02T03:04:05+01");
    TIME_BAD("2024-01-02T03:04:05+0100");
    TIME_BAD("2024-01-02T03:04:05+1:00");
    TIME_BAD("2024-01-02T03:04:05+24:00");
    TIME_BAD("2024-01-02T03:04:05+01:60");
    TIME_BAD("2024-01-02T03:04:05+01:00Z");
    TIME_BAD("2024-01-02T03:04:05ZZ");
    TIME_BAD("2024-01-02T03:04:05 +01:00");
    /* leading and trailing junk */
    TIME_BAD(" 2024-01-02");
    TIME_BAD("x2024-01-02");
    TIME_BAD("+2024-01-02");
    TIME_BAD("-2024-01-02");
    TIME_BAD("2024-01-02 ");
    TIME_BAD("2024-01-02\n");
    TIME_BAD("2024-01-02x");
    TIME_BAD("2024-01-02\0");
    TIME_BAD("2024-01-02T03:04:05Z ");
    TIME_BAD("2024-01-02T03:04:05Zjunk");
    TIME_BAD("2024-01-02T03:04:05+01:00 ");
    TIME_BAD("\xEF\xBC\x92\xEF\xBC\x90\xEF\xBC\x92\xEF\xBC\x94-01-02");
    assert_int_equal(quire_parse_time(NULL, 0, NULL), QUIRE_E_ARG);
}

/* ====================================================================
 * Index [7]
 * ==================================================================== */

/* The index may start with an archive id (format.h QUIRE__ARCHIVE_ID_LEN);
 * every offset below follows it. */
#ifdef QUIRE__ARCHIVE_ID_LEN
#define IX_ID QUIRE__ARCHIVE_ID_LEN
static void
put_ix_head(quire__buf *b, uint64_t n_articles, uint64_t n_blocks)
{
    static const uint8_t id[QUIRE__ARCHIVE_ID_LEN] = {0xA1, 0xB2, 0xC3, 0xD4};
    quire__index_put_head(b, id, n_articles, n_blocks);
}
#else
#define IX_ID 0
static void
put_ix_head(quire__buf *b, uint64_t n_articles, uint64_t n_blocks)
{
    quire__index_put_head(b, n_articles, n_blocks);
}
#endif

/* A valid index: 2 blocks, 5 articles (3 + 2), 3 URL pairs, 4 date pairs.
 * Offsets after the id: counts 0, blocks 16, articles 80, URL count 300,
 * URLs 308, date count 356, dates 364, end 428. */
#define IX_NA IX_ID
#define IX_NB (IX_ID + 8)
#define IX_BLOCKS (IX_ID + 16)
#define IX_ARTS (IX_BLOCKS + 2 * QUIRE__BLOCK_ENTRY)
#define IX_NURLS (IX_ARTS + 5 * QUIRE__ARTICLE_ENTRY)
#define IX_URLS (IX_NURLS + 8)
#define IX_NDATES (IX_URLS + 3 * QUIRE__PAIR_ENTRY)
#define IX_DATES (IX_NDATES + 8)
#define IX_END (IX_DATES + 4 * QUIRE__PAIR_ENTRY)
#define IX_MAX_OFFSET 2000

static const uint32_t ix_rec_len[5] = {10, 20, 30, 8, 12};

static void
put_pair(quire__buf *b, uint64_t key, uint64_t art)
{
    quire__put_u64(b, key);
    quire__put_u64(b, art);
}

static void
build_index(quire__buf *b, const quire__allocator *a)
{
    quire__iblock blk;
    uint8_t dg[32];
    uint32_t i, off = 4;
    uint8_t pairs[4 * QUIRE__PAIR_ENTRY];
    quire__buf_init(b, a, 1 << 20);
    put_ix_head(b, 5, 2);
    blk.frame_offset = 16;
    blk.frame_size = 200;
    blk.raw_size = 10 + 20 + 30 + 12;
    blk.first_article = 0;
    blk.n_records = 3;
    quire__index_put_block(b, &blk);
    blk.frame_offset = 216;
    blk.frame_size = 100;
    blk.raw_size = 8 + 12 + 8;
    blk.first_article = 3;
    blk.n_records = 2;
    quire__index_put_block(b, &blk);
    for (i = 0; i < 5; i++) {
        if (i == 3) {
            off = 4;
        }
        memset(dg, (int)(0x10 + i), sizeof dg);
        quire__index_put_article(b, dg, i < 3 ? 0 : 1, off, ix_rec_len[i]);
        off += ix_rec_len[i] + 4;
    }
    /* URL pairs given unsorted, sorted by quire__pairs_sort */
    quire__put_u64(b, 3);
    {
        quire__buf p;
        quire__buf_init(&p, a, 1 << 20);
        put_pair(&p, UINT64_C(0xF000000000000000), 1);
        put_pair(&p, 5, 4);
        put_pair(&p, 5, 0);
        assert_int_equal(p.err, 0);
        memcpy(pairs, p.p, 3 * QUIRE__PAIR_ENTRY);
        quire__buf_free(&p);
    }
    quire__pairs_sort(pairs, 3, 0);
    quire__put_bytes(b, pairs, 3 * QUIRE__PAIR_ENTRY);
    quire__put_u64(b, 4);
    {
        quire__buf p;
        quire__buf_init(&p, a, 1 << 20);
        put_pair(&p, 100, 2);
        put_pair(&p, (uint64_t)(int64_t)-86400, 3);
        put_pair(&p, 100, 0);
        put_pair(&p, 0, 4);
        memcpy(pairs, p.p, 4 * QUIRE__PAIR_ENTRY);
        quire__buf_free(&p);
    }
    quire__pairs_sort(pairs, 4, 1);
    quire__put_bytes(b, pairs, 4 * QUIRE__PAIR_ENTRY);
    assert_int_equal(b->err, 0);
    assert_int_equal(b->len, IX_END);
}

static void
index_expect_l(const uint8_t *in, size_t len, const quire__limits *l, uint64_t max_offset,
               int code, size_t off, const char *what)
{
    uint8_t *buf = dup_exact(in, len);
    quire__cur c;
    quire__index ix;
    int rc;
    quire__cur_init(&c, buf, len, 0);
    rc = quire__index_decode(&c, l, max_offset, &ix);
    if (rc != code || (code != 0 && c.err_off != off)) {
        print_error("index: got %s at %llu (%s), want %s at %llu\n", quire_error_name(rc),
                    (unsigned long long)c.err_off, c.err_what != NULL ? c.err_what : "-",
                    quire_error_name(code), (unsigned long long)off);
    }
    assert_int_equal(rc, code);
    if (code != 0) {
        assert_int_equal(c.err, code);
        assert_int_equal(c.err_off, off);
        if (what != NULL) {
            assert_string_equal(c.err_what, what);
        }
    }
    test_free(buf);
}

static void
index_expect(const uint8_t *in, size_t len, int code, size_t off, const char *what)
{
    quire__limits l;
    quire__limits_default(&l);
    index_expect_l(in, len, &l, IX_MAX_OFFSET, code, off, what);
}

static void
test_index_valid(void **state)
{
    talloc t;
    quire__allocator a = make_alloc(&t);
    quire__buf b;
    quire__limits l;
    quire__cur c;
    quire__index ix;
    quire__iblock blk;
    const uint8_t *dg;
    uint32_t bn, off, len;
    uint64_t h, art;
    int64_t secs;
    uint8_t *buf;
    (void)state;
    quire__limits_default(&l);
    build_index(&b, &a);
    buf = dup_exact(b.p, b.len);
    quire__cur_init(&c, buf, b.len, 0);
    assert_int_equal(quire__index_decode(&c, &l, IX_MAX_OFFSET, &ix), 0);
    assert_int_equal(ix.n_articles, 5);
    assert_int_equal(ix.n_blocks, 2);
    assert_int_equal(ix.n_urls, 3);
    assert_int_equal(ix.n_dates, 4);
    assert_ptr_equal(ix.blocks, buf + IX_BLOCKS);
#ifdef QUIRE__ARCHIVE_ID_LEN
    assert_ptr_equal(ix.archive_id, buf);
    assert_int_equal(ix.archive_id[0], 0xA1);
#endif
    assert_ptr_equal(ix.articles, buf + IX_ARTS);
    assert_ptr_equal(ix.urls, buf + IX_URLS);
    assert_ptr_equal(ix.dates, buf + IX_DATES);
    quire__index_block(&ix, 1, &blk);
    assert_int_equal(blk.frame_offset, 216);
    assert_int_equal(blk.frame_size, 100);
    assert_int_equal(blk.raw_size, 28);
    assert_int_equal(blk.first_article, 3);
    assert_int_equal(blk.n_records, 2);
    quire__index_article(&ix, 2, &dg, &bn, &off, &len);
    assert_int_equal(dg[0], 0x12);
    assert_int_equal(bn, 0);
    assert_int_equal(off, 4 + 14 + 24);
    assert_int_equal(len, 30);
    quire__index_article(&ix, 4, &dg, &bn, &off, &len);
    assert_int_equal(bn, 1);
    assert_int_equal(off, 16);
    /* URL pairs sorted unsigned by hash then article */
    quire__index_url(&ix, 0, &h, &art);
    assert_true(h == 5 && art == 0);
    quire__index_url(&ix, 1, &h, &art);
    assert_true(h == 5 && art == 4);
    quire__index_url(&ix, 2, &h, &art);
    assert_true(h == UINT64_C(0xF000000000000000) && art == 1);
    assert_int_equal(quire__index_url_lower(&ix, 0), 0);
    assert_int_equal(quire__index_url_lower(&ix, 5), 0);
    assert_int_equal(quire__index_url_lower(&ix, 6), 2);
    assert_int_equal(quire__index_url_lower(&ix, UINT64_MAX), 3);
    /* date pairs sorted signed */
    quire__index_date(&ix, 0, &secs, &art);
    assert_true(secs == -86400 && art == 3);
    quire__index_date(&ix, 1, &secs, &art);
    assert_true(secs == 0 && art == 4);
    quire__index_date(&ix, 2, &secs, &art);
    assert_true(secs == 100 && art == 0);
    quire__index_date(&ix, 3, &secs, &art);
    assert_true(secs == 100 && art == 2);
    assert_int_equal(quire__index_date_lower(&ix, INT64_MIN), 0);
    assert_int_equal(quire__index_date_lower(&ix, -86400), 0);
    assert_int_equal(quire__index_date_lower(&ix, -86399), 1);
    assert_int_equal(quire__index_date_lower(&ix, 100), 2);
    assert_int_equal(quire__index_date_lower(&ix, 101), 4);
    assert_int_equal(quire__index_date_lower(&ix, INT64_MAX), 4);
    test_free(buf);
    /* exactly at max_offset is fine, one less is not */
    index_expect_l(b.p, b.len, &l, 316, 0, 0, NULL);
    index_expect_l(b.p, b.len, &l, 315, QUIRE_E_INDEX, IX_BLOCKS + QUIRE__BLOCK_ENTRY,
                   "index block offset");
    /* every prefix is truncated */
    {
        size_t cut;
        for (cut = 0; cut < b.len; cut++) {
            size_t want = cut < IX_NA       ? 0
                          : cut < IX_NB       ? (size_t)IX_NA
                          : cut < IX_ARTS     ? (size_t)IX_NB
                          : cut < IX_NURLS    ? (size_t)IX_NA
                          : cut < IX_NDATES   ? (size_t)IX_NURLS
                                              : (size_t)IX_NDATES;
            index_expect(b.p, cut, QUIRE_E_TRUNCATED, want, NULL);
        }
    }
    /* the empty index */
    {
        uint8_t e[IX_ID + 32];
        memset(e, 0, sizeof e);
        index_expect(e, sizeof e, 0, 0, NULL);
        index_expect(e, sizeof e - 1, QUIRE_E_TRUNCATED, IX_ID + 24, NULL);
    }
    quire__buf_free(&b);
}

static void
test_index_errors(void **state)
{
    talloc t;
    quire__allocator a = make_alloc(&t);
    quire__buf b;
    quire__limits l;
    uint8_t v[IX_END + 16];
    uint8_t w[IX_END + 16];
    size_t blk1 = IX_BLOCKS + QUIRE__BLOCK_ENTRY;
    (void)state;
    quire__limits_default(&l);
    build_index(&b, &a);
    memcpy(v, b.p, IX_END);
    quire__buf_free(&b);
    index_expect(v, IX_END, 0, 0, NULL);

#define RESET() memcpy(w, v, IX_END)
    /* article count over the limit */
    RESET();
    quire__st64(w + IX_NA, (uint64_t)1 << 40);
    index_expect(w, IX_END, QUIRE_E_LIMIT, IX_NA, "index article count");
    RESET();
    quire__st64(w + IX_NA, UINT64_MAX);
    index_expect(w, IX_END, QUIRE_E_LIMIT, IX_NA, "index article count");
    l.articles = 4;
    index_expect_l(v, IX_END, &l, IX_MAX_OFFSET, QUIRE_E_LIMIT, IX_NA, "index article count");
    quire__limits_default(&l);
    /* more blocks than articles */
    RESET();
    quire__st64(w + IX_NB, 6);
    index_expect(w, IX_END, QUIRE_E_INDEX, IX_NB, "index block count");
    /* block table longer than the bytes */
    RESET();
    quire__st64(w + IX_NA, 1000);
    quire__st64(w + IX_NB, 20);
    index_expect(w, IX_END, QUIRE_E_TRUNCATED, IX_NB, "index block count");
    /* article table longer than the bytes */
    RESET();
    quire__st64(w + IX_NA, 9);
    index_expect(w, IX_END, QUIRE_E_TRUNCATED, IX_NA, "index article count");
    /* URL and date counts beyond the bytes, and over their limits */
    RESET();
    quire__st64(w + IX_NURLS, 8);
    index_expect(w, IX_END, QUIRE_E_TRUNCATED, IX_NURLS, "index URL table");
    RESET();
    quire__st64(w + IX_NURLS, UINT64_MAX);
    index_expect(w, IX_END, QUIRE_E_LIMIT, IX_NURLS, "index URL table");
    RESET();
    quire__st64(w + IX_NDATES, 5);
    index_expect(w, IX_END, QUIRE_E_TRUNCATED, IX_NDATES, "index date table");
    l.articles = 5;
    RESET();
    quire__st64(w + IX_NDATES, 6);
    index_expect_l(w, IX_END, &l, IX_MAX_OFFSET, QUIRE_E_LIMIT, IX_NDATES, "index date table");
    quire__limits_default(&l);
    /* fewer entries than bytes: trailing */
    RESET();
    quire__st64(w + IX_NDATES, 3);
    index_expect(w, IX_END, QUIRE_E_TRAILING, IX_END - 16, "index");
    RESET();
    w[IX_END] = 0;
    index_expect(w, IX_END + 1, QUIRE_E_TRAILING, IX_END, "index");

    /* block frame offsets: below the header, not increasing, overlapping, past max */
    RESET();
    quire__st64(w + IX_BLOCKS, 15);
    index_expect(w, IX_END, QUIRE_E_INDEX, IX_BLOCKS, "index block offset");
    RESET();
    quire__st64(w + IX_BLOCKS, 0);
    index_expect(w, IX_END, QUIRE_E_INDEX, IX_BLOCKS, "index block offset");
    RESET();
    quire__st64(w + blk1, 215);
    index_expect(w, IX_END, QUIRE_E_INDEX, blk1, "index block offset");
    RESET();
    quire__st64(w + blk1, 16);
    index_expect(w, IX_END, QUIRE_E_INDEX, blk1, "index block offset");
    RESET();
    quire__st64(w + blk1, 217);
    index_expect(w, IX_END, 0, 0, NULL); /* a gap between frames is allowed */
    RESET();
    quire__st64(w + blk1, IX_MAX_OFFSET - 99);
    index_expect(w, IX_END, QUIRE_E_INDEX, blk1, "index block offset");
    RESET();
    quire__st32(w + blk1 + 8, 35); /* frame too small for a block */
    index_expect(w, IX_END, QUIRE_E_INDEX, blk1, "index block offset");
    /* non-contiguous first_article */
    RESET();
    quire__st64(w + blk1 + 16, 4);
    index_expect(w, IX_END, QUIRE_E_INDEX, blk1 + 16, "index block articles");
    RESET();
    quire__st64(w + IX_BLOCKS + 16, 1);
    index_expect(w, IX_END, QUIRE_E_INDEX, IX_BLOCKS + 16, "index block articles");
    /* zero records, too many records, too few overall */
    RESET();
    quire__st32(w + blk1 + 24, 0);
    index_expect(w, IX_END, QUIRE_E_INDEX, blk1 + 16, "index block articles");
    RESET();
    quire__st32(w + blk1 + 24, 3);
    index_expect(w, IX_END, QUIRE_E_INDEX, blk1 + 16, "index block articles");
    RESET();
    quire__st32(w + blk1 + 24, 1);
    index_expect(w, IX_END, QUIRE_E_INDEX, IX_NA, "index article count");
    /* block raw size over the limit, reserved word */
    RESET();
    quire__st32(w + blk1 + 12, (uint32_t)(64 * MIB + 1));
    index_expect(w, IX_END, QUIRE_E_LIMIT, blk1 + 12, "index block size");
    RESET();
    quire__st32(w + blk1 + 28, 1);
    index_expect(w, IX_END, QUIRE_E_RESERVED, blk1 + 28, "index block reserved");

    /* record placement: a gap, an overlap, a bad first offset */
    RESET();
    quire__st32(w + IX_ARTS + 1 * QUIRE__ARTICLE_ENTRY + 36, 19);
    index_expect(w, IX_END, QUIRE_E_INDEX, IX_ARTS + 1 * QUIRE__ARTICLE_ENTRY + 36,
                 "index record placement");
    RESET();
    quire__st32(w + IX_ARTS + 1 * QUIRE__ARTICLE_ENTRY + 36, 17);
    index_expect(w, IX_END, QUIRE_E_INDEX, IX_ARTS + 1 * QUIRE__ARTICLE_ENTRY + 36,
                 "index record placement");
    RESET();
    quire__st32(w + IX_ARTS + 36, 0);
    index_expect(w, IX_END, QUIRE_E_INDEX, IX_ARTS + 36, "index record placement");
    /* a record shorter than a record header */
    RESET();
    quire__st32(w + IX_ARTS + 3 * QUIRE__ARTICLE_ENTRY + 40, 7);
    index_expect(w, IX_END, QUIRE_E_INDEX, IX_ARTS + 3 * QUIRE__ARTICLE_ENTRY + 36,
                 "index record placement");
    /* a record over the record limit */
    l.record = 29;
    index_expect_l(v, IX_END, &l, IX_MAX_OFFSET, QUIRE_E_INDEX, IX_ARTS + 2 * QUIRE__ARTICLE_ENTRY + 36,
                   "index record placement");
    quire__limits_default(&l);
    /* records that do not fill their block: the first block (reported at the
     * last entry of that block), the last block */
    RESET();
    quire__st32(w + IX_BLOCKS + 12, 10 + 20 + 30 + 12 + 1);
    index_expect(w, IX_END, QUIRE_E_INDEX, IX_ARTS + 2 * QUIRE__ARTICLE_ENTRY + 36,
                 "index record placement");
    RESET();
    quire__st32(w + blk1 + 12, 29);
    index_expect(w, IX_END, QUIRE_E_INDEX, IX_ARTS + 4 * QUIRE__ARTICLE_ENTRY + 36,
                 "index record placement");
    /* records past their block */
    RESET();
    quire__st32(w + blk1 + 12, 27);
    index_expect(w, IX_END, QUIRE_E_INDEX, IX_ARTS + 4 * QUIRE__ARTICLE_ENTRY + 36,
                 "index record placement");
    /* an entry in the wrong block */
    RESET();
    quire__st32(w + IX_ARTS + 32, 1);
    index_expect(w, IX_END, QUIRE_E_INDEX, IX_ARTS + 32, "index record block");
    RESET();
    quire__st32(w + IX_ARTS + 3 * QUIRE__ARTICLE_ENTRY + 32, 0);
    index_expect(w, IX_END, QUIRE_E_INDEX, IX_ARTS + 3 * QUIRE__ARTICLE_ENTRY + 32,
                 "index record block");

    /* URL pairs: unsorted, duplicate, article out of range */
    RESET();
    memcpy(w + IX_URLS, v + IX_URLS + QUIRE__PAIR_ENTRY, QUIRE__PAIR_ENTRY);
    memcpy(w + IX_URLS + QUIRE__PAIR_ENTRY, v + IX_URLS, QUIRE__PAIR_ENTRY);
    index_expect(w, IX_END, QUIRE_E_ORDER, IX_URLS + QUIRE__PAIR_ENTRY, "index URL order");
    RESET();
    memcpy(w + IX_URLS + QUIRE__PAIR_ENTRY, v + IX_URLS, QUIRE__PAIR_ENTRY);
    index_expect(w, IX_END, QUIRE_E_ORDER, IX_URLS + QUIRE__PAIR_ENTRY, "index URL order");
    RESET();
    quire__st64(w + IX_URLS + 2 * QUIRE__PAIR_ENTRY + 8, 5);
    index_expect(w, IX_END, QUIRE_E_INDEX, IX_URLS + 2 * QUIRE__PAIR_ENTRY + 8,
                 "index URL article");
    /* unsigned: a hash with the top bit set sorts last */
    RESET();
    quire__st64(w + IX_URLS, UINT64_C(0xF000000000000001));
    index_expect(w, IX_END, QUIRE_E_ORDER, IX_URLS + QUIRE__PAIR_ENTRY, "index URL order");
    /* dates: unsorted (signed), duplicate, article out of range */
    RESET();
    quire__st64(w + IX_DATES, 1);
    index_expect(w, IX_END, QUIRE_E_ORDER, IX_DATES + QUIRE__PAIR_ENTRY, "index date order");
    RESET();
    memcpy(w + IX_DATES + 3 * QUIRE__PAIR_ENTRY, v + IX_DATES + 2 * QUIRE__PAIR_ENTRY,
           QUIRE__PAIR_ENTRY);
    index_expect(w, IX_END, QUIRE_E_ORDER, IX_DATES + 3 * QUIRE__PAIR_ENTRY, "index date order");
    RESET();
    quire__st64(w + IX_DATES + 8, UINT64_MAX);
    index_expect(w, IX_END, QUIRE_E_INDEX, IX_DATES + 8, "index date article");
#undef RESET
}

/* a block frame offset near 2^64 must not wrap the end check */
static void
test_index_offset_wrap(void **state)
{
    talloc t;
    quire__allocator a = make_alloc(&t);
    quire__buf b;
    uint8_t v[IX_END];
    (void)state;
    build_index(&b, &a);
    memcpy(v, b.p, IX_END);
    quire__buf_free(&b);
    quire__st64(v + IX_BLOCKS + QUIRE__BLOCK_ENTRY, UINT64_MAX - 15);
    index_expect(v, IX_END, QUIRE_E_INDEX, IX_BLOCKS + QUIRE__BLOCK_ENTRY, "index block offset");
    quire__st64(v + IX_BLOCKS + QUIRE__BLOCK_ENTRY, UINT64_MAX);
    index_expect(v, IX_END, QUIRE_E_INDEX, IX_BLOCKS + QUIRE__BLOCK_ENTRY, "index block offset");
    quire__st64(v + IX_BLOCKS + QUIRE__BLOCK_ENTRY, UINT64_MAX - 99);
    index_expect(v, IX_END, QUIRE_E_INDEX, IX_BLOCKS + QUIRE__BLOCK_ENTRY, "index block offset");
    {
        quire__limits l;
        quire__limits_default(&l);
        index_expect_l(v, IX_END, &l, UINT64_MAX, QUIRE_E_INDEX, IX_BLOCKS + QUIRE__BLOCK_ENTRY,
                       "index block offset");
        quire__st64(v + IX_BLOCKS + QUIRE__BLOCK_ENTRY, UINT64_MAX - 100);
        index_expect_l(v, IX_END, &l, UINT64_MAX, 0, 0, NULL);
    }
}

/* ---- pairs ---- */

static int
cmp_unsigned(const void *x, const void *y)
{
    uint64_t kx = quire__ld64((const uint8_t *)x), ky = quire__ld64((const uint8_t *)y);
    uint64_t ax = quire__ld64((const uint8_t *)x + 8), ay = quire__ld64((const uint8_t *)y + 8);
    if (kx != ky) {
        return kx < ky ? -1 : 1;
    }
    return ax < ay ? -1 : (ax > ay ? 1 : 0);
}

static int
cmp_signed(const void *x, const void *y)
{
    uint64_t ux = quire__ld64((const uint8_t *)x), uy = quire__ld64((const uint8_t *)y);
    /* flip the sign bit: signed order as unsigned order */
    uint64_t kx = ux ^ UINT64_C(0x8000000000000000), ky = uy ^ UINT64_C(0x8000000000000000);
    uint64_t ax = quire__ld64((const uint8_t *)x + 8), ay = quire__ld64((const uint8_t *)y + 8);
    if (kx != ky) {
        return kx < ky ? -1 : 1;
    }
    return ax < ay ? -1 : (ax > ay ? 1 : 0);
}

static uint64_t
rnd64(uint64_t *s)
{
    /* splitmix64 */
    uint64_t z = (*s += UINT64_C(0x9E3779B97F4A7C15));
    z = (z ^ (z >> 30)) * UINT64_C(0xBF58476D1CE4E5B9);
    z = (z ^ (z >> 27)) * UINT64_C(0x94D049BB133111EB);
    return z ^ (z >> 31);
}

static void
test_pairs_sort(void **state)
{
    static const size_t sizes[] = {0, 1, 2, 3, 4, 5, 7, 8, 15, 16, 17, 31, 64, 100, 257, 1000};
    uint64_t seed = 42;
    size_t si, i;
    int round, sgn;
    (void)state;
    for (sgn = 0; sgn < 2; sgn++) {
        for (si = 0; si < sizeof sizes / sizeof sizes[0]; si++) {
            for (round = 0; round < 4; round++) {
                size_t n = sizes[si];
                uint8_t *p = (uint8_t *)test_malloc(n * 16 + 1);
                uint8_t *q = (uint8_t *)test_malloc(n * 16 + 1);
                for (i = 0; i < n; i++) {
                    uint64_t r = rnd64(&seed);
                    uint64_t key;
                    if (round == 0) {
                        key = r; /* random, both signs */
                    } else if (round == 1) {
                        key = (r & 7) - 3; /* many duplicates, negatives */
                    } else if (round == 2) {
                        key = (uint64_t)(n - i); /* reversed */
                    } else {
                        key = r & UINT64_C(0x8000000000000001); /* extremes */
                    }
                    quire__st64(p + i * 16, key);
                    quire__st64(p + i * 16 + 8, rnd64(&seed) & 15);
                }
                memcpy(q, p, n * 16);
                quire__pairs_sort(p, n, sgn);
                if (n > 0) {
                    qsort(q, n, 16, sgn ? cmp_signed : cmp_unsigned);
                    assert_memory_equal(p, q, n * 16);
                }
                test_free(p);
                test_free(q);
            }
        }
    }
    /* signed vs unsigned on the same data */
    {
        uint8_t p[32];
        quire__st64(p, (uint64_t)(int64_t)-1);
        quire__st64(p + 8, 0);
        quire__st64(p + 16, 1);
        quire__st64(p + 24, 0);
        quire__pairs_sort(p, 2, 1);
        assert_true(quire__ld64(p) == UINT64_MAX);
        quire__pairs_sort(p, 2, 0);
        assert_true(quire__ld64(p) == 1);
    }
}

static void
test_url_hash(void **state)
{
    (void)state;
    assert_true(quire__url_hash(NULL, 0) == UINT64_C(0xcbf29ce484222325));
    assert_true(quire__url_hash(U8("a")) == UINT64_C(0xaf63dc4c8601ec8c));
    assert_true(quire__url_hash(U8("foobar")) == UINT64_C(0x85944171f73967e8));
    assert_true(quire__url_hash(U8("https://example.org/a")) == UINT64_C(0x4130e41a1ced2904));
    assert_true(quire__url_hash(U8("https://example.com/")) != quire__url_hash(U8("https://example.com")));
}

/* ====================================================================
 * Index envelope [7.1]
 * ==================================================================== */

static void
env_expect(const uint8_t *in, size_t len, const quire__limits *l, int code, size_t off,
           const char *what)
{
    uint8_t *buf = dup_exact(in, len);
    quire__cur c;
    quire__env_head h;
    quire__cur_init(&c, buf, len, 64);
    assert_int_equal(quire__env_head_decode(&c, l, &h), code);
    if (code != 0) {
        assert_int_equal(c.err_off, 64 + off);
        if (what != NULL) {
            assert_string_equal(c.err_what, what);
        }
    } else {
        assert_int_equal(h.data_len, len - 12);
        assert_ptr_equal(h.data, buf + 12);
    }
    test_free(buf);
}

static void
test_env_head(void **state)
{
    talloc t;
    quire__allocator a = make_alloc(&t);
    quire__buf b;
    quire__limits l;
    uint8_t v[64];
    (void)state;
    quire__limits_default(&l);
    quire__buf_init(&b, &a, 1024);
    quire__env_head_encode(&b, QUIRE__CODEC_STORED, 5);
    quire__put_bytes(&b, "abcde", 5);
    assert_int_equal(b.len, 17);
    memcpy(v, b.p, b.len);
    quire__buf_free(&b);
    env_expect(v, 17, &l, 0, 0, NULL);
    env_expect(v, 16, &l, QUIRE_E_INDEX, 4, "stored index size");
    v[1] = 1;
    env_expect(v, 17, &l, QUIRE_E_RESERVED, 1, "index flags");
    v[1] = 0;
    v[3] = 1;
    env_expect(v, 17, &l, QUIRE_E_RESERVED, 2, "index reserved");
    v[3] = 0;
    v[0] = 3;
    env_expect(v, 17, &l, QUIRE_E_CODEC, 0, "index codec");
    v[0] = QUIRE__CODEC_ZLIB;
    env_expect(v, 17, &l, 0, 0, NULL);
    quire__st64(v + 4, l.index + 1);
    env_expect(v, 17, &l, QUIRE_E_LIMIT, 4, "index uncompressed size");
    quire__st64(v + 4, UINT64_MAX);
    env_expect(v, 17, &l, QUIRE_E_LIMIT, 4, "index uncompressed size");
    quire__st64(v + 4, 5 * 1033);
    env_expect(v, 17, &l, QUIRE_E_LIMIT, 4, "index compression ratio");
    quire__st64(v + 4, 5 * 1032);
    env_expect(v, 17, &l, 0, 0, NULL);
    env_expect(v, 11, &l, QUIRE_E_TRUNCATED, 4, NULL);
}

static int
page_expect(const uint8_t *in, size_t len, int code, size_t off, const char *what)
{
    uint8_t *buf = dup_exact(in, len);
    quire__cur c;
    quire__env_head h;
    quire__limits l;
    int e;
    quire__limits_default(&l);
    quire__cur_init(&c, buf, len, 64);
    e = quire__env_head_decode(&c, &l, &h);
    assert_int_equal(e, code);
    if (code != 0) {
        assert_int_equal(c.err_off, 64 + off);
        assert_string_equal(c.err_what, what);
    } else {
        assert_int_equal(h.page_size, quire__ld32(in + 12));
        assert_ptr_equal(h.dir, buf + 20);
        assert_ptr_equal(h.data, buf + 24 + 8 * (size_t)h.n_pages);
    }
    test_free(buf);
    return e;
}

/* the directory's CRC-32, after np entries */
static void
dir_crc(uint8_t *v, uint32_t np)
{
    quire__st32(v + 20 + 8 * np, quire__crc32(0, v, 20 + 8 * (size_t)np));
}

/* Codec 2 [7.1]: page size, page count, directory and its CRC-32; then
 * each page alone. */
static void
test_env_pages(void **state)
{
    uint8_t v[80];
    quire__cur c;
    quire__env_head h;
    quire__limits l;
    size_t start, len, raw;
    uint64_t at;
    const char *what;
    (void)state;
    quire__limits_default(&l);
    memset(v, 0, sizeof v);
    v[0] = QUIRE__CODEC_PAGED;
    quire__st64(v + 4, 600); /* 3 pages of 256: 256, 256, 88 */
    quire__st32(v + 12, 256);
    quire__st32(v + 16, 3);
    quire__st64(v + 20, 10);
    quire__st64(v + 28, 20);
    quire__st64(v + 36, 25);
    dir_crc(v, 3); /* data at 48 */
    page_expect(v, 48 + 25, 0, 0, NULL);
    page_expect(v, 48 + 24, QUIRE_E_INDEX, 36, "index page directory");
    page_expect(v, 47, QUIRE_E_TRUNCATED, 16, "index page directory");
    page_expect(v, 18, QUIRE_E_TRUNCATED, 16, "index page count");
    v[30] ^= 1; /* the directory's CRC catches it */
    page_expect(v, 73, QUIRE_E_CRC, 44, "index directory CRC-32");
    v[30] ^= 1;
    quire__st32(v + 12, 255);
    page_expect(v, 73, QUIRE_E_INDEX, 12, "index page size");
    quire__st32(v + 12, 128);
    page_expect(v, 73, QUIRE_E_INDEX, 12, "index page size");
    quire__st32(v + 12, 2u << 20);
    page_expect(v, 73, QUIRE_E_INDEX, 12, "index page size");
    quire__st32(v + 12, 512);
    page_expect(v, 73, QUIRE_E_INDEX, 16, "index page count");
    quire__st32(v + 12, 256);
    quire__st64(v + 4, 25 * 1033);
    quire__st32(v + 16, (25 * 1033 + 255) / 256);
    page_expect(v, 73, QUIRE_E_TRUNCATED, 16, "index page directory");
    quire__st64(v + 4, 600);
    quire__st32(v + 16, 3);

    /* page by page: bounds from the directory, then the ratio */
    quire__cur_init(&c, v, 73, 0);
    assert_int_equal(quire__env_head_decode(&c, &l, &h), 0);
    assert_int_equal(quire__env_page(&h, &l, 0, &start, &len, &raw, &at, &what), 0);
    assert_true(start == 0 && len == 10 && raw == 256);
    assert_int_equal(quire__env_page(&h, &l, 2, &start, &len, &raw, &at, &what), 0);
    assert_true(start == 20 && len == 5 && raw == 88);
    quire__st64(v + 28, 5); /* page 1 ends before it starts */
    assert_int_equal(quire__env_page(&h, &l, 1, &start, &len, &raw, &at, &what), QUIRE_E_INDEX);
    assert_true(at == 8 && strcmp(what, "index page directory") == 0);
    quire__st64(v + 28, 10); /* empty page */
    assert_int_equal(quire__env_page(&h, &l, 1, &start, &len, &raw, &at, &what), QUIRE_E_INDEX);
    quire__st64(v + 28, 99);
    assert_int_equal(quire__env_page(&h, &l, 1, &start, &len, &raw, &at, &what), QUIRE_E_INDEX);
    l.ratio = 20; /* 256 bytes from 10 */
    quire__st64(v + 28, 20);
    assert_int_equal(quire__env_page(&h, &l, 0, &start, &len, &raw, &at, &what), QUIRE_E_LIMIT);
    assert_true(at == 0 && strcmp(what, "index compression ratio") == 0);
    l.ratio = 26;
    assert_int_equal(quire__env_page(&h, &l, 0, &start, &len, &raw, &at, &what), 0);
    /* no pages: no data */
    quire__st64(v + 4, 0);
    quire__st32(v + 16, 0);
    dir_crc(v, 0);
    quire__limits_default(&l);
    page_expect(v, 24, 0, 0, NULL);
    page_expect(v, 25, QUIRE_E_INDEX, 20, "index page directory");
}

/* ====================================================================
 * Trailer [8]
 * ==================================================================== */

static void
test_trailer(void **state)
{
    talloc t;
    quire__allocator a = make_alloc(&t);
    quire__buf b;
    quire__trailer tr, got;
    quire__cur c;
    uint8_t v[QUIRE__TRAILER_PAYLOAD + 1];
    uint8_t *buf;
    (void)state;
    tr.index_offset = 1000;
    tr.dict_offset = 16;
    tr.seal_offset = 0;
    tr.n_articles = 77;
    tr.checkpoint = 3;
    tr.self_offset = 5000;
    quire__buf_init(&b, &a, 1024);
    quire__trailer_encode(&b, &tr);
    assert_int_equal(b.len, QUIRE__TRAILER_PAYLOAD);
    assert_memory_equal(b.p + 48, "QUIREEND", 8);
    memcpy(v, b.p, QUIRE__TRAILER_PAYLOAD);
    /* also as a whole frame */
    {
        quire__buf fb;
        quire__limits l;
        quire__frame f;
        quire__limits_default(&l);
        quire__buf_init(&fb, &a, 1024);
        put_frame(&fb, QUIRE__FT_TRLR, b.p, b.len);
        assert_int_equal(fb.len, QUIRE__TRAILER_FRAME);
        quire__cur_init(&c, fb.p, fb.len, 5000);
        assert_int_equal(quire__frame_decode(&c, &l, &f), 0);
        quire__cur_init(&c, f.payload, f.len, 5000 + QUIRE__FRAME_HEAD);
        assert_int_equal(quire__trailer_decode(&c, &got), 0);
        quire__buf_free(&fb);
    }
    quire__buf_free(&b);

    buf = dup_exact(v, QUIRE__TRAILER_PAYLOAD);
    quire__cur_init(&c, buf, QUIRE__TRAILER_PAYLOAD, 5012);
    memset(&got, 0, sizeof got);
    assert_int_equal(quire__trailer_decode(&c, &got), 0);
    assert_int_equal(got.index_offset, 1000);
    assert_int_equal(got.dict_offset, 16);
    assert_int_equal(got.seal_offset, 0);
    assert_int_equal(got.n_articles, 77);
    assert_int_equal(got.checkpoint, 3);
    assert_int_equal(got.self_offset, 5000);
    /* self offset wrong: the payload is somewhere else */
    quire__cur_init(&c, buf, QUIRE__TRAILER_PAYLOAD, 5013);
    assert_int_equal(quire__trailer_decode(&c, &got), QUIRE_E_TRAILER);
    assert_int_equal(c.err_off, 5013 + 40);
    assert_string_equal(c.err_what, "trailer offset");
    quire__cur_init(&c, buf, QUIRE__TRAILER_PAYLOAD, 12);
    assert_int_equal(quire__trailer_decode(&c, &got), QUIRE_E_TRAILER);
    assert_int_equal(c.err_off, 52);
    /* wrong lengths */
    quire__cur_init(&c, buf, QUIRE__TRAILER_PAYLOAD - 1, 5012);
    assert_int_equal(quire__trailer_decode(&c, &got), QUIRE_E_TRAILER);
    assert_int_equal(c.err_off, 5012);
    assert_string_equal(c.err_what, "trailer length");
    test_free(buf);
    v[QUIRE__TRAILER_PAYLOAD] = 0;
    buf = dup_exact(v, sizeof v);
    quire__cur_init(&c, buf, sizeof v, 5012);
    assert_int_equal(quire__trailer_decode(&c, &got), QUIRE_E_TRAILER);
    assert_int_equal(c.err_off, 5012);
    quire__cur_init(&c, buf, 0, 5012);
    assert_int_equal(quire__trailer_decode(&c, &got), QUIRE_E_TRAILER);
    test_free(buf);
    /* bad end mark, each byte */
    {
        size_t i;
        for (i = 48; i < 56; i++) {
            v[i] ^= 0x01;
            buf = dup_exact(v, QUIRE__TRAILER_PAYLOAD);
            quire__cur_init(&c, buf, QUIRE__TRAILER_PAYLOAD, 5012);
            assert_int_equal(quire__trailer_decode(&c, &got), QUIRE_E_TRAILER);
            assert_int_equal(c.err_off, 5012 + 48);
            assert_string_equal(c.err_what, "trailer end mark");
            test_free(buf);
            v[i] ^= 0x01;
        }
    }
}

/* ====================================================================
 * Limits [10]
 * ==================================================================== */

static void
test_limits(void **state)
{
    quire__limits l;
    uint64_t def, max;
    int i;
    (void)state;
    quire__limits_default(&l);
    assert_true(l.frame == GIB);
    assert_true(l.block == 64 * MIB);
    assert_true(l.record == 64 * MIB);
    assert_true(l.fields == 1024);
    assert_true(l.field == 16 * MIB);
    assert_true(l.parts == 256);
    assert_true(l.articles == (uint64_t)1 << 24);
    assert_true(l.index == 2 * GIB);
    assert_true(l.ratio == 1032);
    assert_true(l.list == 65535);
    for (i = QUIRE_LIMIT_FRAME; i <= QUIRE_LIMIT_LIST; i++) {
        assert_int_equal(quire__limits_info(i, &def, &max), 0);
        assert_int_equal(quire__limits_set(&l, i, 0), QUIRE_E_ARG);
        assert_int_equal(quire__limits_set(&l, i, max + 1), QUIRE_E_ARG);
        assert_int_equal(quire__limits_set(&l, i, max), 0);
        assert_int_equal(quire__limits_set(&l, i, 1), 0);
        assert_int_equal(quire__limits_set(&l, i, def), 0);
    }
    assert_int_equal(quire__limits_set(&l, QUIRE_LIMIT_RATIO, 5), 0);
    assert_true(l.ratio == 5);
    assert_int_equal(quire__limits_set(&l, 0, 5), QUIRE_E_ARG);
    assert_int_equal(quire__limits_set(&l, 11, 5), QUIRE_E_ARG);
    assert_int_equal(quire__limits_set(&l, -1, 5), QUIRE_E_ARG);
    assert_int_equal(quire__limits_info(0, NULL, NULL), QUIRE_E_ARG);
    assert_int_equal(quire__limits_info(11, NULL, NULL), QUIRE_E_ARG);
    assert_int_equal(quire__limits_info(QUIRE_LIMIT_ARTICLES, NULL, NULL), 0);
}


/* ====================================================================
 * LEB128 numbers and the dDUP payload [5.6]
 * ==================================================================== */

/* decodes n bytes as one LEB128 number: the code, and *v / *used */
static int
uleb_of(const uint8_t *p, size_t n, uint64_t *v, size_t *used)
{
    quire__cur c;
    quire__cur_init(&c, p, n, 100);
    *v = quire__get_uleb(&c, UINT64_MAX, QUIRE_E_FRAME, "n");
    *used = c.off;
    if (c.err == QUIRE_E_TRUNCATED) { /* where the bytes ran out */
        assert_int_equal(c.err_off, 100 + n);
    } else if (c.err != 0) { /* at the number's first byte */
        assert_int_equal(c.err_off, 100);
        assert_int_equal(c.off, 0);
    }
    return c.err;
}

static void
test_uleb(void **state)
{
    static const uint64_t vals[] = {0, 1, 127, 128, 300, 16383, 16384, (uint64_t)1 << 32,
                                    ((uint64_t)1 << 63) - 1, (uint64_t)1 << 63, UINT64_MAX};
    static const size_t lens[] = {1, 1, 1, 2, 2, 2, 3, 5, 9, 10, 10};
    static const uint8_t overlong[] = {0x80, 0x00};
    static const uint8_t over64[] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x02};
    static const uint8_t eleven[] = {0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x81, 0x00};
    static const uint8_t cut[] = {0xff, 0xff};
    talloc t;
    quire__allocator a = make_alloc(&t);
    quire__buf b;
    uint64_t v;
    size_t i, used;
    (void)state;
    for (i = 0; i < sizeof vals / sizeof vals[0]; i++) {
        quire__buf_init(&b, &a, 64);
        quire__put_uleb(&b, vals[i]);
        assert_int_equal(b.err, 0);
        assert_int_equal(b.len, lens[i]); /* the shortest form */
        quire__put_u8(&b, 0xEE);          /* what follows is not read */
        assert_int_equal(uleb_of(b.p, b.len, &v, &used), 0);
        assert_true(v == vals[i]);
        assert_int_equal(used, lens[i]);
        quire__buf_free(&b);
    }
    assert_int_equal(uleb_of(overlong, sizeof overlong, &v, &used), QUIRE_E_FRAME);
    assert_int_equal(uleb_of(over64, sizeof over64, &v, &used), QUIRE_E_FRAME);
    assert_int_equal(uleb_of(eleven, sizeof eleven, &v, &used), QUIRE_E_FRAME);
    assert_int_equal(uleb_of(cut, sizeof cut, &v, &used), QUIRE_E_TRUNCATED);
    assert_int_equal(uleb_of(cut, 0, &v, &used), QUIRE_E_TRUNCATED);
}

/* a dDUP payload head: version, reserved, count */
static void
ddup_head(bb *x, unsigned version, uint64_t count)
{
    uint8_t t[8];
    bb_u8(x, version);
    bb_u8(x, 0);
    bb_u16(x, 0);
    quire__st64(t, count);
    bb_bytes(x, t, 8);
}

/* decodes x into out (which holds one byte before): the code, the failure's
 * offset and what; out is left as it was on a failure */
static int
ddup_of(const bb *x, quire__buf *out, uint64_t *n, uint64_t *off, const char **what)
{
    quire__cur c;
    size_t before = out->len;
    int e;
    quire__cur_init(&c, x->b, x->n, 0);
    e = quire__ddup_decode(&c, n, out);
    *off = c.err_off;
    *what = c.err_what;
    if (e != 0) {
        assert_int_equal(out->len, before);
    }
    return e;
}

static void
test_ddup(void **state)
{
    talloc t;
    quire__allocator a = make_alloc(&t);
    quire__buf ent, enc, out;
    bb x;
    uint64_t n, off;
    const char *what;
    uint8_t e[QUIRE__DDUP_ENTRY];
    static const uint64_t arts[] = {0, 0, 5, 1000000, (uint64_t)1 << 40};
    static const uint32_t parts[] = {0, 3, 0, UINT32_MAX, 1};
    size_t i;
    (void)state;
    /* entries in article order encode in 8 bytes when deltas and parts are
     * small, and decode back to themselves */
    quire__buf_init(&ent, &a, 1 << 20);
    quire__buf_init(&enc, &a, 1 << 20);
    quire__buf_init(&out, &a, 1 << 20);
    for (i = 0; i < 5; i++) {
        memset(e, 0, sizeof e);
        memset(e, (int)(0x11 * (i + 1)), QUIRE__DDUP_PREFIX);
        quire__st64(e + 8, arts[i]);
        quire__st32(e + 16, parts[i]);
        quire__put_bytes(&ent, e, sizeof e);
    }
    quire__ddup_encode(&enc, ent.p, 5);
    assert_int_equal(enc.err, 0);
    /* 12 head + 8 + 8 + 8 + (6 + 3 + 5) + (6 + 6 + 1) */
    assert_int_equal(enc.len, 12 + 8 + 8 + 8 + 14 + 13);
    memcpy(x.b, enc.p, enc.len);
    x.n = enc.len;
    quire__put_u8(&out, 0x55);
    assert_int_equal(ddup_of(&x, &out, &n, &off, &what), 0);
    assert_int_equal(n, 5);
    assert_int_equal(out.len, 1 + 5 * QUIRE__DDUP_ENTRY);
    assert_memory_equal(out.p + 1, ent.p, ent.len);
    /* version 1 (the 20-byte entries of 1.2.0-1.3.0) and unknown versions */
    x.b[0] = 1;
    assert_int_equal(ddup_of(&x, &out, &n, &off, &what), QUIRE_E_FEATURE);
    assert_int_equal(off, 0);
    assert_string_equal(what, "dDUP version");
    x.b[0] = QUIRE__DDUP_VERSION;
    x.b[2] = 1;
    assert_int_equal(ddup_of(&x, &out, &n, &off, &what), QUIRE_E_RESERVED);
    x.b[2] = 0;
    /* trailing bytes, a count the bytes cannot hold, entries cut short */
    x.b[x.n++] = 0;
    assert_int_equal(ddup_of(&x, &out, &n, &off, &what), QUIRE_E_TRAILING);
    assert_int_equal(off, x.n - 1);
    x.n -= 2;
    assert_int_equal(ddup_of(&x, &out, &n, &off, &what), QUIRE_E_TRUNCATED);
    assert_string_equal(what, "dDUP part");
    x.n = 0;
    ddup_head(&x, QUIRE__DDUP_VERSION, 3);
    bb_bytes(&x, "abcdefgh", 8);
    bb_bytes(&x, "abcdefgh", 8);
    assert_int_equal(ddup_of(&x, &out, &n, &off, &what), QUIRE_E_TRUNCATED);
    assert_int_equal(off, 4);
    assert_string_equal(what, "dDUP count");
    /* a number in a longer form than it needs */
    x.n = 0;
    ddup_head(&x, QUIRE__DDUP_VERSION, 2);
    bb_bytes(&x, "PREFIX", 6);
    bb_u8(&x, 0x81);
    bb_u8(&x, 0x00); /* article delta 1 in two bytes */
    bb_u8(&x, 0);
    bb_bytes(&x, "PREFIX", 6);
    bb_u8(&x, 0);
    bb_u8(&x, 0);
    assert_int_equal(ddup_of(&x, &out, &n, &off, &what), QUIRE_E_FRAME);
    assert_int_equal(off, 18);
    assert_string_equal(what, "dDUP article");
    /* a part index past 32 bits */
    x.n = 0;
    ddup_head(&x, QUIRE__DDUP_VERSION, 1);
    bb_bytes(&x, "PREFIX", 6);
    bb_u8(&x, 0);
    bb_bytes(&x, "\x80\x80\x80\x80\x10", 5); /* 2^32 */
    assert_int_equal(ddup_of(&x, &out, &n, &off, &what), QUIRE_E_FRAME);
    assert_int_equal(off, 19);
    assert_string_equal(what, "dDUP part");
    /* articles that add up past 64 bits */
    x.n = 0;
    ddup_head(&x, QUIRE__DDUP_VERSION, 2);
    for (i = 0; i < 2; i++) {
        bb_bytes(&x, "PREFIX", 6);
        bb_bytes(&x, "\xff\xff\xff\xff\xff\xff\xff\xff\xff\x01", 10); /* 2^64 - 1 */
        bb_u8(&x, 0);
    }
    assert_int_equal(ddup_of(&x, &out, &n, &off, &what), QUIRE_E_FRAME);
    assert_int_equal(off, 12 + 17 + 6);
    assert_string_equal(what, "dDUP article");
    /* no entries at all is well formed */
    x.n = 0;
    ddup_head(&x, QUIRE__DDUP_VERSION, 0);
    assert_int_equal(ddup_of(&x, &out, &n, &off, &what), 0);
    assert_int_equal(n, 0);
    quire__buf_free(&ent);
    quire__buf_free(&enc);
    quire__buf_free(&out);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_cursor_reads),
        cmocka_unit_test(test_cursor_i64),
        cmocka_unit_test(test_cursor_truncation_sticky),
        cmocka_unit_test(test_cursor_bytes_at_end),
        cmocka_unit_test(test_cursor_bounded),
        cmocka_unit_test(test_buf_growth),
        cmocka_unit_test(test_buf_limit),
        cmocka_unit_test(test_uleb),
        cmocka_unit_test(test_ddup),
        cmocka_unit_test(test_crc32),
        cmocka_unit_test(test_header),
        cmocka_unit_test(test_frame_roundtrip),
        cmocka_unit_test(test_frame_errors),
        cmocka_unit_test(test_block_head),
        cmocka_unit_test(test_block_records),
        cmocka_unit_test(test_record_roundtrip),
        cmocka_unit_test(test_record_head_errors),
        cmocka_unit_test(test_record_field_errors),
        cmocka_unit_test(test_record_list_errors),
        cmocka_unit_test(test_record_part_errors),
        cmocka_unit_test(test_std_fields),
        cmocka_unit_test(test_time),
        cmocka_unit_test(test_index_valid),
        cmocka_unit_test(test_index_errors),
        cmocka_unit_test(test_index_offset_wrap),
        cmocka_unit_test(test_pairs_sort),
        cmocka_unit_test(test_url_hash),
        cmocka_unit_test(test_env_head),
        cmocka_unit_test(test_env_pages),
        cmocka_unit_test(test_trailer),
        cmocka_unit_test(test_limits),
    };
    /* Regressions: each was a library bug, now fixed; kept so it stays fixed. */
    const struct CMUnitTest bugs[] = {
        cmocka_unit_test(test_regress_zlib_empty_data_ratio),
    };
    int failed = cmocka_run_group_tests_name("format", tests, NULL, NULL);
    failed += cmocka_run_group_tests_name("format_regressions", bugs, NULL, NULL);
    return failed;
}
