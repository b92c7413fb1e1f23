/* test_warc.c - unit tests for format/warc.c (WARC record headers, HTTP
 * heads, chunked bodies, media types) and src/wdigest.c (SHA-1, base32,
 * labelled digests), with the plain WARC files of ../shared/corpus/warc
 * (read in place; QUIRE_WARC_CORPUS names another folder). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "helpers.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cursor.h"
#include "quire.h"
#include "warc.h"
#include "wdigest.h"

/* a string literal and its length, embedded NULs included */
#define S(lit) (const uint8_t *)(lit), (sizeof(lit) - 1)

/* ====================================================================
 * Allocator: cmocka's test_malloc with an optional failure after a given
 * number of calls.
 * ==================================================================== */


static quire__allocator
make_alloc(talloc *t, long fail_after)
{
    quire__allocator a;
    t->calls = 0;
    t->fail_after = fail_after;
    a.alloc = t_alloc;
    a.free = t_free;
    a.opaque = t;
    return a;
}

/* ====================================================================
 * Helpers
 * ==================================================================== */

/* the structs hold 256 fields each: keep them off the stack */
static quire__warc_head g_wh;
static quire__http_head g_hh;

static int
warc_parse(const uint8_t *p, size_t n, quire__cur *c)
{
    quire__cur_init(c, p, n, 0);
    return quire__warc_head_parse(c, &g_wh);
}

static int
http_parse(const uint8_t *p, size_t n, quire__cur *c)
{
    quire__cur_init(c, p, n, 0);
    return quire__http_head_parse(c, &g_hh);
}

static void
expect_cur(const quire__cur *c, int rc, int code, uint64_t off, const char *what,
           const uint8_t *in, size_t n)
{
    if (rc != code || c->err_off != off ||
        (what != NULL && (c->err_what == NULL || strcmp(c->err_what, what) != 0))) {
        print_error("input: %.*s\n-> %d at %llu (%s), want %d at %llu (%s)\n", (int)n,
                    (const char *)in, rc, (unsigned long long)c->err_off,
                    c->err_what != NULL ? c->err_what : "", code, (unsigned long long)off,
                    what != NULL ? what : "");
    }
    assert_int_equal(rc, code);
    assert_int_equal(c->err, code);
    assert_int_equal(c->err_off, off);
    if (what != NULL) {
        assert_non_null(c->err_what);
        assert_string_equal(c->err_what, what);
    }
}

static void
warc_err(const uint8_t *in, size_t n, int code, uint64_t off, const char *what)
{
    quire__cur c;
    int rc = warc_parse(in, n, &c);
    expect_cur(&c, rc, code, off, what, in, n);
}

static void
http_err(const uint8_t *in, size_t n, int code, uint64_t off, const char *what)
{
    quire__cur c;
    int rc = http_parse(in, n, &c);
    expect_cur(&c, rc, code, off, what, in, n);
}

/* value of field name as a NUL-terminated unfolded string (static) */
static const char *
wval(const quire__warc_head *h, const uint8_t *head, const char *name)
{
    static char buf[1024];
    size_t i = quire__hfield_find(h->f, h->n_fields, head, name, 0), n;
    if (i == h->n_fields) {
        return NULL;
    }
    n = quire__hfield_unfold(head, &h->f[i], (uint8_t *)buf, sizeof buf - 1);
    assert_true(n < sizeof buf);
    buf[n] = '\0';
    return buf;
}

static const char *
hval(const quire__http_head *h, const uint8_t *head, const char *name)
{
    static char buf[1024];
    size_t i = quire__hfield_find(h->f, h->n_fields, head, name, 0), n;
    if (i == h->n_fields) {
        return NULL;
    }
    n = quire__hfield_unfold(head, &h->f[i], (uint8_t *)buf, sizeof buf - 1);
    assert_true(n < sizeof buf);
    buf[n] = '\0';
    return buf;
}

/* ====================================================================
 * WARC headers
 * ==================================================================== */

static const char rec1[] = "WARC/1.0\r\n"
                           "WARC-Type: response\r\n"
                           "WARC-Target-URI: http://example.com/\r\n"
                           "content-length:  12 \r\n"
                           "X-Empty:\r\n"
                           "\r\n"
                           "hello world!"
                           "\r\n\r\n";

static void
test_warc_basic(void **state)
{
    quire__cur c;
    const uint8_t *v;
    size_t n;
    const uint8_t *p = (const uint8_t *)rec1;
    (void)state;
    assert_int_equal(warc_parse(S(rec1), &c), 0);
    assert_int_equal(g_wh.version, 10);
    assert_int_equal(g_wh.flags, 0);
    assert_int_equal(g_wh.content_length, 12);
    assert_int_equal(g_wh.n_fields, 4);
    assert_int_equal(g_wh.head_len, strstr(rec1, "hello") - rec1);
    assert_int_equal(c.off, g_wh.head_len);
    assert_int_equal(quire__warc_get(&g_wh, p, "warc-type", &v, &n), 0);
    assert_int_equal(n, 8);
    assert_memory_equal(v, "response", 8);
    assert_int_equal(quire__warc_get(&g_wh, p, "CONTENT-LENGTH", &v, &n), 0);
    assert_int_equal(n, 2);
    assert_memory_equal(v, "12", 2);
    assert_int_equal(quire__warc_get(&g_wh, p, "X-Empty", &v, &n), 0);
    assert_int_equal(n, 0);
    assert_int_equal(quire__warc_get(&g_wh, p, "WARC-Date", &v, &n), QUIRE_E_NOTFOUND);
    assert_null(v);
    assert_int_equal(n, 0);
    assert_int_equal(quire__warc_get(&g_wh, p, "WARC-Typ", &v, &n), QUIRE_E_NOTFOUND);
    /* the block, then the record end */
    assert_non_null(quire__get_bytes(&c, (size_t)g_wh.content_length, "block"));
    assert_int_equal(quire__warc_record_end(&c), 0);
    assert_int_equal(c.off, sizeof rec1 - 1);
}

static void
test_warc_versions(void **state)
{
    quire__cur c;
    (void)state;
    assert_int_equal(warc_parse(S("WARC/1.1\r\nContent-Length: 0\r\n\r\n"), &c), 0);
    assert_int_equal(g_wh.version, 11);
    assert_int_equal(warc_parse(S("WARC/0.17\r\nContent-Length: 0\r\n\r\n"), &c), 0);
    assert_int_equal(g_wh.version, 0);
    assert_int_equal(warc_parse(S("WARC/0.18 \r\nContent-Length: 0\r\n\r\n"), &c), 0);
    assert_int_equal(g_wh.version, 0);
    warc_err(S("WARC/2.0\r\nContent-Length: 0\r\n\r\n"), QUIRE_E_FEATURE, 5, "WARC version");
    warc_err(S("WARC/01.0\r\nContent-Length: 0\r\n\r\n"), QUIRE_E_FEATURE, 5, "WARC version");
    warc_err(S("WARC/0.9\r\nContent-Length: 0\r\n\r\n"), QUIRE_E_FEATURE, 5, "WARC version");
    /* FEATURE comes last and describes the header, so the record can be skipped */
    warc_err(S("WARC/2.0\r\nContent-Length: x\r\n\r\n"), QUIRE_E_WARC, 26,
             "Content-Length (not a number)");
    warc_err(S("WARC/9.9\r\nContent-Length: 7\r\n\r\n"), QUIRE_E_FEATURE, 5, "WARC version");
    assert_int_equal(g_wh.version, -1);
    assert_int_equal(g_wh.head_len, 31);
    assert_int_equal(g_wh.content_length, 7);
    /* FEATURE only once the header is complete */
    warc_err(S("WARC/2.0\r\nContent-Length: 0\r\n"), QUIRE_E_TRUNCATED, 29, "WARC header");
    warc_err(S("XARC/1.0\r\n\r\n"), QUIRE_E_WARC, 0, "version line");
    /* ABNF literals are case-insensitive (jwat valid-warcfile-upper-lower-case.warc) */
    assert_int_equal(warc_parse(S("warc/1.1\r\ncontent-length: 0\r\n\r\n"), &c), 0);
    assert_int_equal(g_wh.version, 11);
    warc_err(S("WARC\\1.0\r\n\r\n"), QUIRE_E_WARC, 4, "version line");
    warc_err(S("WARC/.0\r\n\r\n"), QUIRE_E_WARC, 5, "version line");
    warc_err(S("WARC/1.\r\n\r\n"), QUIRE_E_WARC, 7, "version line");
    warc_err(S("WARC/1,0\r\n\r\n"), QUIRE_E_WARC, 6, "version line");
    warc_err(S("WARC/1000.0\r\n"), QUIRE_E_WARC, 8, "version line");
    warc_err(S("WARC/1.0x\r\n"), QUIRE_E_WARC, 8, "version line");
    warc_err(S("WARC/1.0 x\r\n"), QUIRE_E_WARC, 9, "version line");
    warc_err(S("WARC/1.0\rx\n"), QUIRE_E_WARC, 8, "version line");
    warc_err(S("\r\nWARC/1.0\r\n"), QUIRE_E_WARC, 0, "version line");
    warc_err(S(""), QUIRE_E_TRUNCATED, 0, "WARC header");
}

static void
test_warc_field_errors(void **state)
{
    (void)state;
    warc_err(S("WARC/1.0\r\nContent-Length 5\r\n\r\n"), QUIRE_E_WARC, 10,
             "field line (no colon)");
    warc_err(S("WARC/1.0\r\nBad Name: x\r\n\r\n"), QUIRE_E_WARC, 13, "field name");
    warc_err(S("WARC/1.0\r\nName : x\r\n\r\n"), QUIRE_E_WARC, 14, "field name");
    warc_err(S("WARC/1.0\r\n: x\r\n\r\n"), QUIRE_E_WARC, 10, "field name");
    warc_err(S("WARC/1.0\r\nN\xc3\xa4me: x\r\n\r\n"), QUIRE_E_WARC, 11, "field name");
    warc_err(S("WARC/1.0\r\n x\r\nContent-Length: 0\r\n\r\n"), QUIRE_E_WARC, 10,
             "continuation line");
    warc_err(S("WARC/1.0\r\nA: x\0y\r\n\r\n"), QUIRE_E_WARC, 14, "control character");
    warc_err(S("WARC/1.0\r\nA: x\ry\r\n\r\n"), QUIRE_E_WARC, 14, "control character");
    warc_err(S("WARC/1.0\r\nA: x\x1b\r\n\r\n"), QUIRE_E_WARC, 14, "control character");
    warc_err(S("WARC/1.0\r\n\rX"), QUIRE_E_WARC, 10, "control character");
    /* Content-Length (spec 1.4) */
    warc_err(S("WARC/1.0\r\nWARC-Type: x\r\n\r\n"), QUIRE_E_WARC, 24,
             "Content-Length (missing)");
    warc_err(S("WARC/1.0\r\nContent-Length: 1\r\ncontent-length: 1\r\n\r\n"), QUIRE_E_WARC, 29,
             "Content-Length (duplicate)");
    warc_err(S("WARC/1.0\r\nContent-Length: 12a\r\n\r\n"), QUIRE_E_WARC, 26,
             "Content-Length (not a number)");
    warc_err(S("WARC/1.0\r\nContent-Length:\r\n\r\n"), QUIRE_E_WARC, 25,
             "Content-Length (not a number)");
    warc_err(S("WARC/1.0\r\nContent-Length: \r\n\r\n"), QUIRE_E_WARC, 26,
             "Content-Length (not a number)");
    warc_err(S("WARC/1.0\r\nContent-Length: -1\r\n\r\n"), QUIRE_E_WARC, 26,
             "Content-Length (not a number)");
    warc_err(S("WARC/1.0\r\nContent-Length: +1\r\n\r\n"), QUIRE_E_WARC, 26,
             "Content-Length (not a number)");
    warc_err(S("WARC/1.0\r\nContent-Length: 1 2\r\n\r\n"), QUIRE_E_WARC, 26,
             "Content-Length (not a number)");
    warc_err(S("WARC/1.0\r\nContent-Length: 1\r\n 2\r\n\r\n"), QUIRE_E_WARC, 26,
             "Content-Length (not a number)");
    warc_err(S("WARC/1.0\r\nContent-Length: 9007199254740993\r\n\r\n"), QUIRE_E_LIMIT, 26,
             "Content-Length (too large)");
    warc_err(S("WARC/1.0\r\nContent-Length: 99999999999999999999999999\r\n\r\n"), QUIRE_E_LIMIT,
             26, "Content-Length (too large)");
    {
        quire__cur c;
        assert_int_equal(warc_parse(S("WARC/1.0\r\nContent-Length: 9007199254740992\r\n\r\n"), &c),
                         0);
        assert_int_equal(g_wh.content_length, (uint64_t)1 << 53);
        assert_int_equal(
            warc_parse(S("WARC/1.0\r\nContent-Length: 000000000000000000000000001\r\n\r\n"), &c),
            0);
        assert_int_equal(g_wh.content_length, 1);
    }
    /* the cursor's base makes offsets absolute; a failed cursor stays failed */
    {
        quire__cur c;
        static const char in[] = "WARC/1.0\r\nBad Name: x\r\n\r\n";
        quire__cur_init(&c, in, sizeof in - 1, 1000);
        assert_int_equal(quire__warc_head_parse(&c, &g_wh), QUIRE_E_WARC);
        assert_int_equal(c.err_off, 1013);
        assert_int_equal(quire__warc_head_parse(&c, &g_wh), QUIRE_E_WARC);
        assert_int_equal(quire__warc_record_end(&c), QUIRE_E_WARC);
        assert_int_equal(quire__http_head_parse(&c, &g_hh), QUIRE_E_WARC);
        assert_int_equal(c.err_off, 1013);
    }
}

static void
test_warc_limits(void **state)
{
    quire__cur c;
    char *buf = (char *)malloc(QUIRE__WARC_MAX_HEAD + 4096);
    size_t n = 0, i, at257 = 0;
    (void)state;
    assert_non_null(buf);
    n += (size_t)sprintf(buf + n, "WARC/1.0\r\nContent-Length: 0\r\n");
    for (i = 1; i < QUIRE__WARC_MAX_FIELDS; i++) {
        n += (size_t)sprintf(buf + n, "X-%zu: v\r\n", i);
    }
    memcpy(buf + n, "\r\n", 2);
    assert_int_equal(warc_parse((const uint8_t *)buf, n + 2, &c), 0);
    assert_int_equal(g_wh.n_fields, QUIRE__WARC_MAX_FIELDS);
    at257 = n;
    n += (size_t)sprintf(buf + n, "X-257: v\r\n\r\n");
    warc_err((const uint8_t *)buf, n, QUIRE_E_LIMIT, at257, "WARC header (field count)");
    /* one long field: the header is exactly the limit, then one byte more */
    n = (size_t)sprintf(buf, "WARC/1.0\r\nContent-Length: 0\r\nX: ");
    while (n < QUIRE__WARC_MAX_HEAD - 4) {
        buf[n++] = 'a';
    }
    memcpy(buf + n, "\r\n\r\n", 4);
    assert_int_equal(warc_parse((const uint8_t *)buf, QUIRE__WARC_MAX_HEAD, &c), 0);
    assert_int_equal(g_wh.head_len, QUIRE__WARC_MAX_HEAD);
    /* the header (complete or not) does not fit: LIMIT at the first byte past it */
    memmove(buf + 31, buf + 30, QUIRE__WARC_MAX_HEAD - 30);
    buf[30] = 'X';
    warc_err((const uint8_t *)buf, QUIRE__WARC_MAX_HEAD + 1, QUIRE_E_LIMIT,
             QUIRE__WARC_MAX_HEAD, "WARC header");
    warc_err((const uint8_t *)buf, QUIRE__WARC_MAX_HEAD, QUIRE_E_LIMIT, QUIRE__WARC_MAX_HEAD,
             "WARC header");
    warc_err((const uint8_t *)buf, QUIRE__WARC_MAX_HEAD - 1, QUIRE_E_TRUNCATED,
             QUIRE__WARC_MAX_HEAD - 1, "WARC header");
    free(buf);
}

/* Every proper prefix of a valid header is QUIRE_E_TRUNCATED at its end;
 * the whole header parses. */
static void
split_check(const uint8_t *in, size_t n, int http)
{
    quire__cur c;
    size_t k, head_len;
    int rc = http ? http_parse(in, n, &c) : warc_parse(in, n, &c);
    assert_int_equal(rc, 0);
    head_len = http ? g_hh.head_len : g_wh.head_len;
    for (k = 0; k < head_len; k++) {
        rc = http ? http_parse(in, k, &c) : warc_parse(in, k, &c);
        if (rc != QUIRE_E_TRUNCATED || c.err_off != k) {
            print_error("prefix %zu of %.*s: %d at %llu (%s)\n", k, (int)n, (const char *)in, rc,
                        (unsigned long long)c.err_off, c.err_what ? c.err_what : "");
        }
        assert_int_equal(rc, QUIRE_E_TRUNCATED);
        assert_int_equal(c.err_off, k);
        assert_string_equal(c.err_what, http ? "HTTP head" : "WARC header");
    }
    rc = http ? http_parse(in, head_len, &c) : warc_parse(in, head_len, &c);
    assert_int_equal(rc, 0);
    assert_int_equal(c.off, head_len);
}

static void
test_warc_split(void **state)
{
    (void)state;
    split_check(S(rec1), 0);
    split_check(S("WARC/0.17\nWARC-Type: \n\tmetadata\nContent-Length:\r\n 66\r\r\n\r\n"), 0);
    split_check(S("WARC/1.1\r\nA:b\r\n c\r\n\t\r\nContent-Length: 100\r\n\n"), 0);
    split_check(S("HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nX: a\r\n b\r\n\r\nbody"), 1);
    split_check(S("HTTP/1.0 302\nLocation: /x\n\n"), 1);
    split_check(S("GET /a b HTTP/1.1\r\nHost: x\r\nbad line\r\n\r\n"), 1);
    split_check(S("HTTP/1.0 302 \r\r\nServer: x\r\r\n\r\r\n"), 1);
}

static void
test_warc_fold(void **state)
{
    static const char in[] = "WARC/0.17\r\n"
                             "WARC-Type: \r\n"
                             " continuation\r\n"
                             "WARC-Filename: a.warc\r\n"
                             "\t\"quoted\"  more \r\n"
                             "  \r\n"
                             "\tlast\t\r\n"
                             "Empty: \r\n"
                             " \r\n"
                             "Content-Length: \r\n"
                             " 693\r\n"
                             "\r\n";
    const uint8_t *p = (const uint8_t *)in;
    quire__cur c;
    uint8_t small[4];
    size_t i, n;
    (void)state;
    assert_int_equal(warc_parse(S(in), &c), 0);
    assert_int_equal(g_wh.version, 0);
    assert_int_equal(g_wh.flags, QUIRE__HF_FOLD);
    assert_int_equal(g_wh.content_length, 693);
    assert_int_equal(g_wh.n_fields, 4);
    assert_string_equal(wval(&g_wh, p, "WARC-Type"), "continuation");
    assert_string_equal(wval(&g_wh, p, "WARC-Filename"), "a.warc \"quoted\"  more last");
    assert_string_equal(wval(&g_wh, p, "Empty"), "");
    i = quire__hfield_find(g_wh.f, g_wh.n_fields, p, "WARC-Type", 0);
    assert_int_equal(g_wh.f[i].val_off, strstr(in, "continuation") - in);
    assert_int_equal(g_wh.f[i].val_len, 12);
    i = quire__hfield_find(g_wh.f, g_wh.n_fields, p, "WARC-Filename", 0);
    assert_int_equal(g_wh.f[i].val_off, strstr(in, "a.warc") - in);
    assert_int_equal(g_wh.f[i].val_off + g_wh.f[i].val_len, strstr(in, "last") + 4 - in);
    /* a short buffer: the full length is returned, cap bytes written */
    n = quire__hfield_unfold(p, &g_wh.f[i], small, sizeof small);
    assert_int_equal(n, strlen("a.warc \"quoted\"  more last"));
    assert_memory_equal(small, "a.wa", 4);
    assert_true(n <= g_wh.f[i].val_len);
    assert_int_equal(quire__hfield_unfold(p, &g_wh.f[i], NULL, 0), n);
    /* line ends: LF alone and CR CR LF are flagged */
    assert_int_equal(warc_parse(S("WARC/1.0\nContent-Length: 0\n\n"), &c), 0);
    assert_int_equal(g_wh.flags, QUIRE__HF_LF);
    assert_int_equal(warc_parse(S("WARC/1.0\r\r\nContent-Length: 0\r\n\r\n"), &c), 0);
    assert_int_equal(g_wh.flags, QUIRE__HF_CRCR);
}

static void
test_warc_record_end(void **state)
{
    quire__cur c;
    size_t off;
    static const char two[] = "junk\nWARC/1.0\r\nxWARC/1.1\nWARC/x\nWARC/2";
    (void)state;
    quire__cur_init(&c, "\r\n\r\nWARC", 8, 0);
    assert_int_equal(quire__warc_record_end(&c), 0);
    assert_int_equal(c.off, 4);
    quire__cur_init(&c, "\n\n", 2, 0);
    assert_int_equal(quire__warc_record_end(&c), 0);
    assert_int_equal(c.off, 2);
    quire__cur_init(&c, "\r\r\n\n", 4, 0);
    assert_int_equal(quire__warc_record_end(&c), 0);
    quire__cur_init(&c, "\r\n", 2, 0);
    expect_cur(&c, quire__warc_record_end(&c), QUIRE_E_TRUNCATED, 2, "record end", NULL, 0);
    quire__cur_init(&c, "\r\n\r", 3, 0);
    expect_cur(&c, quire__warc_record_end(&c), QUIRE_E_TRUNCATED, 3, "record end", NULL, 0);
    quire__cur_init(&c, "", 0, 0);
    expect_cur(&c, quire__warc_record_end(&c), QUIRE_E_TRUNCATED, 0, "record end", NULL, 0);
    quire__cur_init(&c, "\r\nWARC/1.0", 10, 0);
    expect_cur(&c, quire__warc_record_end(&c), QUIRE_E_WARC, 2, "record end", NULL, 0);
    quire__cur_init(&c, "x\r\n\r\n", 5, 0);
    expect_cur(&c, quire__warc_record_end(&c), QUIRE_E_WARC, 0, "record end", NULL, 0);
    quire__cur_init(&c, "\rx", 2, 0);
    expect_cur(&c, quire__warc_record_end(&c), QUIRE_E_WARC, 0, "record end", NULL, 0);
    /* blank lines */
    quire__cur_init(&c, "\r\n\n\r\r\n\rWARC", 11, 0);
    assert_int_equal(quire__warc_skip_blank(&c), 6);
    assert_int_equal(c.off, 6);
    quire__cur_init(&c, "\r\n\r", 3, 0);
    assert_int_equal(quire__warc_skip_blank(&c), 2);
    assert_int_equal(c.off, 2);
    quire__cur_init(&c, "WARC", 4, 0);
    assert_int_equal(quire__warc_skip_blank(&c), 0);
    assert_int_equal(c.off, 0);
    /* resync */
    off = 0;
    assert_int_equal(quire__warc_resync((const uint8_t *)two, sizeof two - 1, &off), 0);
    assert_int_equal(off, 5);
    off = 6;
    assert_int_equal(quire__warc_resync((const uint8_t *)two, sizeof two - 1, &off), 0);
    assert_int_equal(off, 32);
    off = 33;
    assert_int_equal(quire__warc_resync((const uint8_t *)two, sizeof two - 1, &off),
                     QUIRE_E_NOTFOUND);
    assert_int_equal(off, 33);
    off = 16;
    assert_int_equal(quire__warc_resync((const uint8_t *)two, sizeof two - 1, &off), 0);
    assert_int_equal(off, 16);
    off = 0;
    assert_int_equal(quire__warc_resync((const uint8_t *)"WARC/", 5, &off), QUIRE_E_NOTFOUND);
}

static void
test_warc_sniff(void **state)
{
    (void)state;
    assert_int_equal(quire__warc_sniff(S("WARC/1.0\r\n")), QUIRE__SNIFF_WARC);
    assert_int_equal(quire__warc_sniff(S("WARC/")), QUIRE__SNIFF_UNKNOWN);
    assert_int_equal(quire__warc_sniff(S("WARC/x")), QUIRE__SNIFF_UNKNOWN);
    assert_int_equal(quire__warc_sniff(S("Warc/0.17")), QUIRE__SNIFF_WARC);
    assert_int_equal(quire__warc_sniff(S("filedesc://IAH-2008.arc 0.0.0.0 2008 text/plain 76\n")),
                     QUIRE__SNIFF_ARC);
    assert_int_equal(quire__warc_sniff(S("filedesc:/")), QUIRE__SNIFF_UNKNOWN);
    assert_int_equal(quire__warc_sniff(S("\x1f\x8b\x08")), QUIRE__SNIFF_GZIP);
    assert_int_equal(quire__warc_sniff(S("\x1f")), QUIRE__SNIFF_UNKNOWN);
    assert_int_equal(quire__warc_sniff(S("\x28\xb5\x2f\xfd\x00")), QUIRE__SNIFF_ZSTD);
    assert_int_equal(quire__warc_sniff(NULL, 0), QUIRE__SNIFF_UNKNOWN);
    assert_int_equal(quire__warc_sniff(S("<html>")), QUIRE__SNIFF_UNKNOWN);
}

/* ====================================================================
 * HTTP heads
 * ==================================================================== */

static void
test_http_status_line(void **state)
{
    quire__cur c;
    static const char r1[] = "HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=UTF-8\r\n"
                             "Content-Length: 5\r\n\r\nhello";
    const uint8_t *p = (const uint8_t *)r1;
    (void)state;
    assert_int_equal(http_parse(S(r1), &c), 0);
    assert_int_equal(g_hh.is_response, 1);
    assert_int_equal(g_hh.status, 200);
    assert_int_equal(g_hh.major, 1);
    assert_int_equal(g_hh.minor, 1);
    assert_int_equal(g_hh.reason_len, 2);
    assert_memory_equal(r1 + g_hh.reason_off, "OK", 2);
    assert_int_equal(g_hh.n_fields, 2);
    assert_int_equal(g_hh.has_length, 1);
    assert_int_equal(g_hh.content_length, 5);
    assert_int_equal(g_hh.chunked, 0);
    assert_int_equal(g_hh.flags, 0);
    assert_int_equal(c.off, sizeof r1 - 1 - 5);
    assert_string_equal(hval(&g_hh, p, "content-type"), "text/html; charset=UTF-8");
    /* reason phrase empty (pywb missing-status-text.warc) or absent */
    assert_int_equal(http_parse(S("HTTP/1.0 302 \r\nLocation: x\r\n\r\n"), &c), 0);
    assert_int_equal(g_hh.status, 302);
    assert_int_equal(g_hh.minor, 0);
    assert_int_equal(g_hh.reason_len, 0);
    assert_int_equal(g_hh.flags, 0);
    assert_int_equal(http_parse(S("HTTP/1.0 302\r\n\r\n"), &c), 0);
    assert_int_equal(g_hh.flags, QUIRE__HF_NOREASON);
    assert_int_equal(http_parse(S("HTTP/1.1 404 Not  Found \r\n\r\n"), &c), 0);
    assert_int_equal(g_hh.reason_len, 10);
    assert_int_equal(http_parse(S("HTTP/1.1 200\tOK\r\n\r\n"), &c), 0);
    assert_int_equal(http_parse(S("HTTP/2 200\r\n\r\n"), &c), 0);
    assert_int_equal(g_hh.major, 2);
    assert_int_equal(g_hh.minor, 0);
    assert_int_equal(http_parse(S("HTTP/2.0 200 OK\r\n\r\n"), &c), 0);
    assert_int_equal(http_parse(S("HTTP/3 999 x\r\n\r\n"), &c), 0);
    assert_int_equal(g_hh.status, 999);
    http_err(S("HTTP/1.1 20 OK\r\n\r\n"), QUIRE_E_HTTP, 11, "status code");
    http_err(S("HTTP/1.1 2000\r\n\r\n"), QUIRE_E_HTTP, 12, "status code");
    http_err(S("HTTP/1.1 099 x\r\n\r\n"), QUIRE_E_HTTP, 9, "status code");
    http_err(S("HTTP/1.1 abc\r\n\r\n"), QUIRE_E_HTTP, 9, "status code");
    http_err(S("HTTP/1.1 20\r\n\r\n"), QUIRE_E_HTTP, 11, "status code");
    http_err(S("HTTP/1.1200 OK\r\n\r\n"), QUIRE_E_HTTP, 8, "status line");
    http_err(S("HTTP/1.1  200 OK\r\n\r\n"), QUIRE_E_HTTP, 9, "status code");
    http_err(S("HTTP/1 200 OK\r\n\r\n"), QUIRE_E_HTTP, 6, "HTTP version");
    http_err(S("HTTP/4.0 200 OK\r\n\r\n"), QUIRE_E_HTTP, 5, "HTTP version");
    http_err(S("HTTP/0.9 200 OK\r\n\r\n"), QUIRE_E_HTTP, 5, "HTTP version");
    http_err(S("HTTP/2.1 200 OK\r\n\r\n"), QUIRE_E_HTTP, 7, "HTTP version");
    http_err(S("HTTP/1.x 200 OK\r\n\r\n"), QUIRE_E_HTTP, 7, "HTTP version");
    http_err(S("HTTP/1.1 200 O\x01K\r\n\r\n"), QUIRE_E_HTTP, 14, "control character");
    http_err(S("HTTP/1.1 200 OK\r\n"), QUIRE_E_TRUNCATED, 17, "HTTP head");
    http_err(S(""), QUIRE_E_TRUNCATED, 0, "HTTP head");
}

static void
test_http_request_line(void **state)
{
    quire__cur c;
    static const char r1[] = "GET /index.html?q=1 HTTP/1.1\r\nHost: example.com\r\n\r\n";
    (void)state;
    assert_int_equal(http_parse(S(r1), &c), 0);
    assert_int_equal(g_hh.is_response, 0);
    assert_int_equal(g_hh.status, 0);
    assert_int_equal(g_hh.minor, 1);
    assert_int_equal(g_hh.method_off, 0);
    assert_int_equal(g_hh.method_len, 3);
    assert_int_equal(g_hh.target_off, 4);
    assert_int_equal(g_hh.target_len, 15);
    assert_int_equal(g_hh.has_length, 0);
    /* a target with spaces (as some crawlers record them) */
    assert_int_equal(http_parse(S("POST /a b c HTTP/1.0 \r\n\r\n"), &c), 0);
    assert_int_equal(g_hh.target_off, 5);
    assert_int_equal(g_hh.target_len, 6);
    assert_int_equal(g_hh.method_len, 4);
    http_err(S("GET /x\r\n\r\n"), QUIRE_E_HTTP, 6, "request line");
    http_err(S("GET\r\n\r\n"), QUIRE_E_HTTP, 3, "method");
    http_err(S(" GET / HTTP/1.1\r\n\r\n"), QUIRE_E_HTTP, 0, "method");
    http_err(S("G(T / HTTP/1.1\r\n\r\n"), QUIRE_E_HTTP, 1, "method");
    http_err(S("GET  HTTP/1.1\r\n\r\n"), QUIRE_E_HTTP, 4, "request target");
    http_err(S("GET / HTTP/1.1x\r\n\r\n"), QUIRE_E_HTTP, 14, "HTTP version");
    http_err(S("GET / FTP/1.1\r\n\r\n"), QUIRE_E_HTTP, 6, "HTTP version");
    http_err(S("\r\nGET / HTTP/1.1\r\n\r\n"), QUIRE_E_HTTP, 0, "method");
}

static void
test_http_fields(void **state)
{
    quire__cur c;
    static const char r1[] = "HTTP/1.1 200 OK\r\n"
                             "no colon here\r\n"
                             " continued\r\n"
                             "Bad Name: x\r\n"
                             "Transfer-Encoding : gzip\r\n"
                             "Set-Cookie: a=1\r\n"
                             "Set-Cookie: b=2\r\n"
                             "transfer-encoding: Chunked\r\n"
                             "\r\n";
    const uint8_t *p = (const uint8_t *)r1;
    size_t i;
    (void)state;
    assert_int_equal(http_parse(S(r1), &c), 0);
    assert_int_equal(g_hh.n_skipped, 2);
    assert_int_equal(g_hh.n_fields, 4);
    assert_int_equal(g_hh.flags, QUIRE__HF_SKIPPED | QUIRE__HF_NAMEWS);
    assert_int_equal(g_hh.chunked, 1);
    assert_int_equal(g_hh.te_other, 1);
    i = quire__hfield_find(g_hh.f, g_hh.n_fields, p, "Set-Cookie", 0);
    assert_int_equal(i, 1);
    i = quire__hfield_find(g_hh.f, g_hh.n_fields, p, "Set-Cookie", i + 1);
    assert_int_equal(i, 2);
    assert_int_equal(quire__hfield_find(g_hh.f, g_hh.n_fields, p, "Set-Cookie", i + 1), 4);
    assert_int_equal(g_hh.f[0].name_len, strlen("Transfer-Encoding"));
    assert_true(quire__hfield_is(p, &g_hh.f[0], "TRANSFER-ENCODING"));
    assert_false(quire__hfield_is(p, &g_hh.f[0], "Transfer-Encodin"));
    /* chunked must be the last coding */
    assert_int_equal(http_parse(S("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked, gzip\r\n\r\n"),
                                &c),
                     0);
    assert_int_equal(g_hh.chunked, 0);
    assert_int_equal(g_hh.te_other, 1);
    assert_int_equal(
        http_parse(S("HTTP/1.1 200 OK\r\nTransfer-Encoding: identity,\r\n chunked;x=1\r\n\r\n"),
                   &c),
        0);
    assert_int_equal(g_hh.chunked, 1);
    assert_int_equal(g_hh.te_other, 0);
    /* Content-Length: repeated equal values are one; anything else is ignored, flagged */
    assert_int_equal(
        http_parse(S("HTTP/1.1 200 OK\r\nContent-Length: 42, 42\r\nContent-Length: 42\r\n\r\n"),
                   &c),
        0);
    assert_int_equal(g_hh.has_length, 1);
    assert_int_equal(g_hh.content_length, 42);
    assert_int_equal(g_hh.flags, 0);
    assert_int_equal(
        http_parse(S("HTTP/1.1 200 OK\r\nContent-Length: 42\r\nContent-Length: 43\r\n\r\n"), &c),
        0);
    assert_int_equal(g_hh.has_length, 0);
    assert_int_equal(g_hh.flags, QUIRE__HF_BADLEN);
    assert_int_equal(http_parse(S("HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n"), &c), 0);
    assert_int_equal(g_hh.has_length, 0);
    assert_int_equal(g_hh.flags, QUIRE__HF_BADLEN);
    assert_int_equal(http_parse(S("HTTP/1.1 200 OK\r\nContent-Length:\r\n\r\n"), &c), 0);
    assert_int_equal(g_hh.flags, QUIRE__HF_BADLEN);
    assert_int_equal(
        http_parse(S("HTTP/1.1 200 OK\r\nContent-Length: 9007199254740993\r\n\r\n"), &c), 0);
    assert_int_equal(g_hh.flags, QUIRE__HF_BADLEN);
    /* structural errors stay errors */
    http_err(S("HTTP/1.1 200 OK\r\nA: \x7f\x00\r\n\r\n"), QUIRE_E_HTTP, 21, "control character");
    http_err(S("HTTP/1.1 200 OK\r\nA: b\rc\r\n\r\n"), QUIRE_E_HTTP, 21, "control character");
}

static void
test_http_limits(void **state)
{
    quire__cur c;
    char *buf = (char *)malloc(QUIRE__HTTP_MAX_HEAD + 4096);
    size_t n = 0, i, at257;
    (void)state;
    assert_non_null(buf);
    n += (size_t)sprintf(buf + n, "HTTP/1.1 200 OK\r\n");
    for (i = 0; i < QUIRE__HTTP_MAX_FIELDS; i++) {
        n += (size_t)sprintf(buf + n, "X-%zu: v\r\nbad\r\n", i);
    }
    memcpy(buf + n, "\r\n", 2);
    assert_int_equal(http_parse((const uint8_t *)buf, n + 2, &c), 0);
    assert_int_equal(g_hh.n_fields, QUIRE__HTTP_MAX_FIELDS);
    assert_int_equal(g_hh.n_skipped, QUIRE__HTTP_MAX_FIELDS);
    at257 = n;
    n += (size_t)sprintf(buf + n, "X-257: v\r\n\r\n");
    http_err((const uint8_t *)buf, n, QUIRE_E_LIMIT, at257, "HTTP head (field count)");
    n = (size_t)sprintf(buf, "HTTP/1.1 200 OK\r\nX: ");
    while (n < QUIRE__HTTP_MAX_HEAD + 100) {
        buf[n++] = 'a';
    }
    http_err((const uint8_t *)buf, n, QUIRE_E_LIMIT, QUIRE__HTTP_MAX_HEAD, "HTTP head");
    http_err((const uint8_t *)buf, 1000, QUIRE_E_TRUNCATED, 1000, "HTTP head");
    free(buf);
}

/* ====================================================================
 * Chunked bodies
 * ==================================================================== */

/* Dechunks in; returns the code, *out_s the decoded bytes (NUL-terminated,
 * static), *used the bytes consumed. */
static int
dechunk(const uint8_t *in, size_t n, size_t max, char **out_s, size_t *out_len, size_t *used,
        quire__cur *c)
{
    static char text[4096];
    talloc t;
    quire__allocator a = make_alloc(&t, -1);
    quire__buf b;
    int rc;
    quire__cur_init(c, in, n, 0);
    quire__buf_init(&b, &a, max);
    rc = quire__http_dechunk(c, &b);
    assert_true(b.len < sizeof text);
    if (b.len > 0) {
        memcpy(text, b.p, b.len);
    }
    text[b.len] = '\0';
    *out_s = text;
    *out_len = b.len;
    *used = c->off;
    quire__buf_free(&b);
    return rc;
}

static void
dechunk_ok(const uint8_t *in, size_t n, const char *want, size_t used_want)
{
    quire__cur c;
    char *s;
    size_t len, used;
    int rc = dechunk(in, n, 1 << 20, &s, &len, &used, &c);
    if (rc != 0) {
        print_error("%.*s -> %d at %llu (%s)\n", (int)n, (const char *)in, rc,
                    (unsigned long long)c.err_off, c.err_what ? c.err_what : "");
    }
    assert_int_equal(rc, 0);
    assert_string_equal(s, want);
    assert_int_equal(len, strlen(want));
    assert_int_equal(used, used_want);
}

static void
dechunk_err(const uint8_t *in, size_t n, size_t max, int code, uint64_t off, const char *what)
{
    quire__cur c;
    char *s;
    size_t len, used;
    int rc = dechunk(in, n, max, &s, &len, &used, &c);
    expect_cur(&c, rc, code, off, what, in, n);
}

static void
test_dechunk(void **state)
{
    (void)state;
    dechunk_ok(S("5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n"), "hello world", 26);
    dechunk_ok(S("5\r\nhello\r\n6\r\n world\r\n0\r\n\r\nNEXT"), "hello world", 26);
    dechunk_ok(S("A;name=val;x\r\n0123456789\r\n0;last\r\n\r\n"), "0123456789", 36);
    dechunk_ok(S("a  \r\n0123456789\r\n000\r\n\r\n"), "0123456789", 24);
    dechunk_ok(S("3\nabc\n0\n\n"), "abc", 9);
    dechunk_ok(S("3\r\nabc\r\n0\r\nExpires: never\r\nX: y\r\n\r\n"), "abc", 35);
    dechunk_ok(S("0\r\n\r\n"), "", 5);
    /* the input may end right after the last-chunk line */
    dechunk_ok(S("3\r\nabc\r\n0\r\n"), "abc", 11);
    dechunk_ok(S("00000000000000000003\r\nabc\r\n0\r\n"), "abc", 30);
    /* chunk size */
    dechunk_err(S(""), 100, QUIRE_E_TRUNCATED, 0, "chunk size");
    dechunk_err(S("x\r\n"), 100, QUIRE_E_HTTP, 0, "chunk size");
    dechunk_err(S("\r\n"), 100, QUIRE_E_HTTP, 0, "chunk size");
    dechunk_err(S(" 3\r\nabc\r\n0\r\n\r\n"), 100, QUIRE_E_HTTP, 0, "chunk size");
    dechunk_err(S("3x\r\nabc\r\n0\r\n\r\n"), 100, QUIRE_E_HTTP, 1, "chunk size");
    dechunk_err(S("3 x\r\nabc\r\n0\r\n\r\n"), 100, QUIRE_E_HTTP, 2, "chunk size");
    dechunk_err(S("3;\x01\r\nabc\r\n0\r\n\r\n"), 100, QUIRE_E_HTTP, 2, "chunk size");
    dechunk_err(S("3"), 100, QUIRE_E_TRUNCATED, 1, "chunk size");
    dechunk_err(S("3\r"), 100, QUIRE_E_TRUNCATED, 2, "chunk size");
    dechunk_err(S("10000000000000000\r\n"), 100, QUIRE_E_LIMIT, 0, "chunk size");
    dechunk_err(S("ffffffffffffffff\r\n"), 100, QUIRE_E_LIMIT, 0, "chunk size");
    dechunk_err(S("3\r\nabc\r\n65\r\n"), 100, QUIRE_E_LIMIT, 8, "chunk size");
    dechunk_err(S("3\r\nabc\r\n61\r\n"), 100, QUIRE_E_TRUNCATED, 12, "chunk data");
    /* chunk data and end */
    dechunk_err(S("5\r\nabc"), 100, QUIRE_E_TRUNCATED, 6, "chunk data");
    dechunk_err(S("3\r\nabcd\r\n0\r\n\r\n"), 100, QUIRE_E_HTTP, 6, "chunk end");
    dechunk_err(S("3\r\nabc"), 100, QUIRE_E_TRUNCATED, 6, "chunk end");
    dechunk_err(S("3\r\nabc\r"), 100, QUIRE_E_TRUNCATED, 7, "chunk end");
    dechunk_err(S("3\r\nabc\rx"), 100, QUIRE_E_HTTP, 6, "chunk end");
    /* trailer */
    dechunk_err(S("0\r\nX: y\r\n"), 100, QUIRE_E_TRUNCATED, 9, "chunk trailer");
    dechunk_err(S("0\r\nX: \x02\r\n\r\n"), 100, QUIRE_E_HTTP, 6, "chunk trailer");
    {
        /* a chunk-size line over its limit */
        char *big = (char *)malloc(QUIRE__HTTP_MAX_CHUNK_LINE + 16);
        size_t n = 0;
        assert_non_null(big);
        big[n++] = '1';
        big[n++] = ';';
        while (n < QUIRE__HTTP_MAX_CHUNK_LINE + 1) {
            big[n++] = 'x';
        }
        memcpy(big + n, "\r\nA\r\n0\r\n\r\n", 10);
        dechunk_err((const uint8_t *)big, n + 10, 100, QUIRE_E_LIMIT, 0, "chunk size");
        dechunk_err((const uint8_t *)big, n, 100, QUIRE_E_LIMIT, 0, "chunk size");
        /* exactly at the limit */
        memcpy(big + n - 1, "\r\nA\r\n0\r\n\r\n", 10);
        dechunk_ok((const uint8_t *)big, n + 9, "A", n + 9);
        free(big);
    }
    {
        /* allocation failure is NOMEM, reported at the chunk's data */
        talloc t;
        quire__allocator a = make_alloc(&t, 0);
        quire__buf b;
        quire__cur c;
        quire__cur_init(&c, "3\r\nabc\r\n0\r\n\r\n", 14, 0);
        quire__buf_init(&b, &a, 100);
        assert_int_equal(quire__http_dechunk(&c, &b), QUIRE_E_NOMEM);
        assert_int_equal(c.err_off, 3);
        assert_string_equal(c.err_what, "chunk data");
        quire__buf_free(&b);
    }
}

/* ====================================================================
 * Media types
 * ==================================================================== */

static void
media_ok(const char *v, size_t type_len, const char *charset)
{
    size_t tl = 99, cl = 99;
    const uint8_t *cs = (const uint8_t *)"x";
    int rc = quire__media_type((const uint8_t *)v, strlen(v), &tl, &cs, &cl);
    if (rc != 0) {
        print_error("media type %s -> %d\n", v, rc);
    }
    assert_int_equal(rc, 0);
    assert_int_equal(tl, type_len);
    if (charset == NULL) {
        assert_null(cs);
        assert_int_equal(cl, 0);
    } else {
        assert_non_null(cs);
        assert_int_equal(cl, strlen(charset));
        assert_memory_equal(cs, charset, cl);
    }
}

static void
media_bad(const char *v)
{
    size_t tl = 99, cl = 99;
    const uint8_t *cs = (const uint8_t *)"x";
    assert_int_equal(quire__media_type((const uint8_t *)v, strlen(v), &tl, &cs, &cl),
                     QUIRE_E_HTTP);
    assert_int_equal(tl, 0);
    assert_null(cs);
    assert_int_equal(cl, 0);
}

static void
test_media_type(void **state)
{
    (void)state;
    media_ok("text/html", 9, NULL);
    media_ok("text/html; charset=UTF-8", 9, "UTF-8");
    media_ok("Text/HTML;Charset=\"iso-8859-1\"", 9, "iso-8859-1");
    media_ok("text/html ; q=1 ; CHARSET=utf-8 ; charset=latin1", 9, "utf-8");
    media_ok("text/html;;charset=x", 9, "x");
    media_ok("text/html; charset=", 9, NULL);
    media_ok("text/html; charset=; charset=y", 9, "y");
    media_ok("text/html; charset=\"\"", 9, NULL);
    media_ok("application/xhtml+xml;charset=utf-8 ", 21, "utf-8");
    media_ok("text/html; charset", 9, NULL);
    media_ok("text/html; charset=\"utf-8", 9, NULL);
    media_ok("text/html; charset=\"a\\\"b\"", 9, NULL);
    media_ok("text/html; x=\"a;charset=b\"; charset=c", 9, "c");
    media_ok("text/html, text/plain", 9, NULL);
    media_ok("text/html;\r\n charset=utf-8", 9, "utf-8");
    media_bad("");
    media_bad("text");
    media_bad("text/");
    media_bad("/html");
    media_bad(" text/html");
    media_bad("text /html");
}

/* ====================================================================
 * SHA-1, base32, digests
 * ==================================================================== */

static void
hex(char *out, const uint8_t *p, size_t n)
{
    size_t i;
    for (i = 0; i < n; i++) {
        sprintf(out + 2 * i, "%02x", p[i]);
    }
}

static void
sha1_check(const uint8_t *p, size_t n, size_t repeat, size_t piece, const char *want)
{
    quire__sha1 s;
    uint8_t d[QUIRE__SHA1_LEN];
    char h[41];
    size_t r, i;
    quire__sha1_init(&s);
    for (r = 0; r < repeat; r++) {
        for (i = 0; i < n; i += piece) {
            quire__sha1_update(&s, p + i, n - i < piece ? n - i : piece);
        }
    }
    quire__sha1_final(&s, d);
    hex(h, d, sizeof d);
    assert_string_equal(h, want);
}

static void
test_sha1(void **state)
{
    static const char l448[] = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
    static const char l896[] = "abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmn"
                               "hijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu";
    uint8_t *ma = (uint8_t *)malloc(1000000);
    size_t piece;
    (void)state;
    assert_non_null(ma);
    memset(ma, 'a', 1000000);
    /* FIPS 180-4 examples and RFC 3174 section 7.3 */
    sha1_check(S(""), 1, 1, "da39a3ee5e6b4b0d3255bfef95601890afd80709");
    sha1_check(S("abc"), 1, 1, "a9993e364706816aba3e25717850c26c9cd0d89d");
    sha1_check(S("abc"), 1, 3, "a9993e364706816aba3e25717850c26c9cd0d89d");
    for (piece = 1; piece <= 65; piece += 7) {
        sha1_check(S(l448), 1, piece, "84983e441c3bd26ebaae4aa1f95129e5e54670f1");
    }
    sha1_check(S(l896), 1, 1000, "a49b2446a02c645bf419f995b67091253a04a259");
    sha1_check(S("a"), 1000000, 1, "34aa973cd4c4daa4f61eeb2bdbad27316534016f");
    sha1_check(ma, 1000000, 1, 1000000, "34aa973cd4c4daa4f61eeb2bdbad27316534016f");
    sha1_check(ma, 1000000, 1, 4097, "34aa973cd4c4daa4f61eeb2bdbad27316534016f");
    sha1_check(S("0123456701234567012345670123456701234567012345670123456701234567"), 10, 64,
               "dea356a2cddd90c7a7ecedc5ebb563934f460452");
    /* padding boundaries: 55, 56, 63, 64 bytes of 'a' */
    sha1_check(ma, 55, 1, 55, "c1c8bbdc22796e28c0e15163d20899b65621d65a");
    sha1_check(ma, 56, 1, 56, "c2db330f6083854c99d4b5bfb6e8f29f201be699");
    sha1_check(ma, 64, 1, 64, "0098ba824b5c16427bd7a1122a5a442a25ec644d");
    free(ma);
}

static void
b32_pair(const char *plain, const char *enc)
{
    char out[64];
    uint8_t dec[64];
    char low[64];
    size_t n = strlen(plain), len, i;
    len = quire__base32_encode(out, sizeof out, (const uint8_t *)plain, n);
    assert_int_equal(len, strlen(enc));
    assert_string_equal(out, enc);
    assert_int_equal(quire__base32_decode((const uint8_t *)enc, strlen(enc), dec, sizeof dec, &len),
                     0);
    assert_int_equal(len, n);
    assert_memory_equal(dec, plain, n);
    /* lowercase, and without padding */
    for (i = 0; enc[i] != '\0'; i++) {
        low[i] = enc[i] >= 'A' && enc[i] <= 'Z' ? (char)(enc[i] + 32) : enc[i];
    }
    low[i] = '\0';
    assert_int_equal(quire__base32_decode((const uint8_t *)low, strlen(low), dec, sizeof dec, &len),
                     0);
    assert_int_equal(len, n);
    assert_memory_equal(dec, plain, n);
    i = strcspn(enc, "=");
    assert_int_equal(quire__base32_decode((const uint8_t *)enc, i, dec, sizeof dec, &len), 0);
    assert_int_equal(len, n);
}

static void
test_base32(void **state)
{
    uint8_t dec[8];
    size_t len;
    char out[16];
    (void)state;
    /* RFC 4648 section 10 */
    b32_pair("", "");
    b32_pair("f", "MY======");
    b32_pair("fo", "MZXQ====");
    b32_pair("foo", "MZXW6===");
    b32_pair("foob", "MZXW6YQ=");
    b32_pair("fooba", "MZXW6YTB");
    b32_pair("foobar", "MZXW6YTBOI======");
    /* encode capacity: length + NUL */
    assert_int_equal(quire__base32_encode(out, 9, (const uint8_t *)"fooba", 5), 8);
    assert_int_equal(quire__base32_encode(out, 8, (const uint8_t *)"fooba", 5), 0);
    /* decode errors */
    assert_int_equal(quire__base32_decode(S("MY1====="), dec, 8, &len), QUIRE_E_WARC);
    assert_int_equal(quire__base32_decode(S("MY====="), dec, 8, &len), QUIRE_E_WARC);
    assert_int_equal(quire__base32_decode(S("MY=======" "="), dec, 8, &len), QUIRE_E_WARC);
    assert_int_equal(quire__base32_decode(S("MZ======"), dec, 8, &len), QUIRE_E_WARC);
    assert_int_equal(quire__base32_decode(S("M======="), dec, 8, &len), QUIRE_E_WARC);
    assert_int_equal(quire__base32_decode(S("MZX"), dec, 8, &len), QUIRE_E_WARC);
    assert_int_equal(quire__base32_decode(S("MZXW6="), dec, 8, &len), QUIRE_E_WARC);
    assert_int_equal(quire__base32_decode(S("MY=a===="), dec, 8, &len), QUIRE_E_WARC);
    assert_int_equal(quire__base32_decode(S("MZXW6YTB"), dec, 4, &len), QUIRE_E_LIMIT);
}

static void
digest_is(const char *label, const char *data, int want, const char *computed)
{
    char out[QUIRE__DIGEST_LABEL_MAX];
    int rc = quire__payload_digest_check((const uint8_t *)label, strlen(label),
                                         (const uint8_t *)data, strlen(data), out, sizeof out);
    if (rc != want || strcmp(out, computed) != 0) {
        print_error("%s over \"%s\": %d, computed %s\n", label, data, rc, out);
    }
    assert_int_equal(rc, want);
    assert_string_equal(out, computed);
}

static void
test_digest_labels(void **state)
{
    static const char abc1[] = "sha1:VGMT4NSHA2AWVOR6EVYXQUGCNSONBWE5";
    static const char abc256[] =
        "sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";
    static const char abc512[] =
        "sha512:ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a"
        "2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f";
    char small[8];
    quire__pdigest d;
    (void)state;
    digest_is(abc1, "abc", 1, abc1);
    digest_is("SHA1:vgmt4nsha2awvor6evyxqugcnsonbwe5", "abc", 1,
              "SHA1:vgmt4nsha2awvor6evyxqugcnsonbwe5");
    digest_is(abc1, "abd", 0, "sha1:ZNGMFDPQ7W7A5T45SZROFFFRDAESUVZV");
    digest_is("sha1:a9993e364706816aba3e25717850c26c9cd0d89d", "abc", 1,
              "sha1:a9993e364706816aba3e25717850c26c9cd0d89d");
    digest_is("sha-1:A9993E364706816ABA3E25717850C26C9CD0D89D", "abc", 1,
              "sha-1:A9993E364706816ABA3E25717850C26C9CD0D89D");
    digest_is("sha1:qZk+NkcGgWq6PiVxeFDCbJzQ2J0=", "abc", 1, "sha1:qZk+NkcGgWq6PiVxeFDCbJzQ2J0=");
    digest_is("sha1:qZk-NkcGgWq6PiVxeFDCbJzQ2J0", "abc", 1, "sha1:qZk-NkcGgWq6PiVxeFDCbJzQ2J0");
    digest_is("sha1:2jmj7l5rSw0yVb/vlWAYkK/YBwk=", "", 1, "sha1:2jmj7l5rSw0yVb/vlWAYkK/YBwk=");
    digest_is("sha1:2jmj7l5rSw0yVb_vlWAYkK_YBwk=", "", 1, "sha1:2jmj7l5rSw0yVb_vlWAYkK_YBwk=");
    digest_is(abc256, "abc", 1, abc256);
    digest_is("SHA-256:XJ4BNP4PAHH6UQKBIDPF3LRCEOYAGYNDSYLXVHFUCD7WD4QACWWQ====", "abc", 1,
              "SHA-256:XJ4BNP4PAHH6UQKBIDPF3LRCEOYAGYNDSYLXVHFUCD7WD4QACWWQ====");
    digest_is("sha256:XJ4BNP4PAHH6UQKBIDPF3LRCEOYAGYNDSYLXVHFUCD7WD4QACWWQ", "abc", 1,
              "sha256:XJ4BNP4PAHH6UQKBIDPF3LRCEOYAGYNDSYLXVHFUCD7WD4QACWWQ");
    digest_is(abc512, "abc", 1, abc512);
    digest_is("sha512:3a81oZNherrMQXNJriBBMRLm-k6JqX6iCp7u5ktV05ohkpkqJ0_BqDa6PCOj_uu9RU1EI2Q86A4qmslPpUyknw==",
              "abc", 1,
              "sha512:3a81oZNherrMQXNJriBBMRLm-k6JqX6iCp7u5ktV05ohkpkqJ0_BqDa6PCOj_uu9RU1EI2Q86A4qmslPpUyknw==");
    /* unsupported and malformed */
    digest_is("md5:kAFQmDzST7DWlj99KOF/cg==", "abc", QUIRE_E_FEATURE, "");
    digest_is("sha384:abc", "abc", QUIRE_E_FEATURE, "");
    digest_is("nocolon", "abc", QUIRE_E_WARC, "");
    digest_is(":abc", "abc", QUIRE_E_WARC, "");
    digest_is("sh a1:abc", "abc", QUIRE_E_WARC, "");
    digest_is("averyveryverylongname:abc", "abc", QUIRE_E_WARC, "");
    digest_is("sha1:", "abc", QUIRE_E_WARC, "sha1:VGMT4NSHA2AWVOR6EVYXQUGCNSONBWE5");
    digest_is("sha1:VGMT4NSHA2AWVOR6EVYXQUGCNSONBWE", "abc", QUIRE_E_WARC,
              "sha1:VGMT4NSHA2AWVOR6EVYXQUGCNSONBWE5");
    digest_is("sha1:VGMT4NSHA2AWVOR6EVYXQUGCNSONBWE1", "abc", QUIRE_E_WARC,
              "sha1:VGMT4NSHA2AWVOR6EVYXQUGCNSONBWE5");
    digest_is("sha256:XJ4BNP4PAHH6UQKBIDPF3LRCEOYAGYNDSYLXVHFUCD7WD4QACWW", "abc", QUIRE_E_WARC,
              "sha256:XJ4BNP4PAHH6UQKBIDPF3LRCEOYAGYNDSYLXVHFUCD7WD4QACWWQ====");
    digest_is("sha1:a9993e364706816aba3e25717850c26c9cd0d89g", "abc", QUIRE_E_WARC,
              "sha1:VGMT4NSHA2AWVOR6EVYXQUGCNSONBWE5");
    digest_is("sha1:qZk+NkcGgWq6PiVxeFDCbJzQ2J-=", "abc", QUIRE_E_WARC,
              "sha1:VGMT4NSHA2AWVOR6EVYXQUGCNSONBWE5");
    /* computed label that does not fit: empty string, result unchanged */
    assert_int_equal(quire__payload_digest_check((const uint8_t *)abc1, strlen(abc1),
                                                 (const uint8_t *)"abc", 3, small, sizeof small),
                     1);
    assert_string_equal(small, "");
    assert_int_equal(
        quire__payload_digest_check((const uint8_t *)abc1, strlen(abc1), NULL, 0, NULL, 0), 0);
    /* incremental */
    assert_int_equal(quire__pdigest_init(&d, (const uint8_t *)abc256, strlen(abc256)), 0);
    quire__pdigest_update(&d, (const uint8_t *)"a", 1);
    quire__pdigest_update(&d, (const uint8_t *)"", 0);
    quire__pdigest_update(&d, (const uint8_t *)"bc", 2);
    assert_int_equal(quire__pdigest_final(&d, NULL, 0), 1);
    assert_int_equal(quire__pdigest_init(&d, S("md5:x")), QUIRE_E_FEATURE);
    quire__pdigest_update(&d, (const uint8_t *)"a", 1);
    assert_int_equal(quire__pdigest_final(&d, small, sizeof small), QUIRE_E_FEATURE);
}

/* ====================================================================
 * The shared corpus, record by record
 * ==================================================================== */

typedef struct walk {
    size_t records;      /* headers parsed */
    size_t bad_head;     /* header errors (then resync) */
    size_t bad_end;      /* record end errors (then resync) */
    size_t truncated;    /* block longer than the file */
    size_t extra_blank;  /* bytes of blank lines after a record end */
    size_t http, http_bad, chunked, dechunked;
    size_t block_ok, block_bad, payload_ok, payload_bad, digest_other;
    int first_code;       /* first error */
    uint64_t first_off;
    const char *first_what;
    char types[512]; /* WARC-Type values, space-separated */
} walk;

static uint8_t *
read_corpus(const char *name, size_t *n)
{
    const char *dir = getenv("QUIRE_WARC_CORPUS");
    char path[512];
    FILE *f;
    long len;
    uint8_t *p;
    snprintf(path, sizeof path, "%s/%s", dir != NULL ? dir : "../shared/corpus/warc", name);
    f = fopen(path, "rb");
    if (f == NULL) {
        return NULL;
    }
    if (fseek(f, 0, SEEK_END) != 0 || (len = ftell(f)) < 0 || fseek(f, 0, SEEK_SET) != 0) {
        fclose(f);
        return NULL;
    }
    p = (uint8_t *)malloc((size_t)len + 1);
    assert_non_null(p);
    assert_int_equal(fread(p, 1, (size_t)len, f), (size_t)len);
    fclose(f);
    *n = (size_t)len;
    return p;
}

static void
note_err(walk *w, const quire__cur *c)
{
    if (w->first_code == 0) {
        w->first_code = c->err;
        w->first_off = c->err_off;
        w->first_what = c->err_what;
    }
}

static int
check_digest(walk *w, const uint8_t *label, size_t label_len, const uint8_t *p, size_t n)
{
    char computed[QUIRE__DIGEST_LABEL_MAX];
    int rc = quire__payload_digest_check(label, label_len, p, n, computed, sizeof computed);
    if (rc < 0) {
        w->digest_other++;
    }
    return rc;
}

static void
walk_file(const uint8_t *p, size_t n, walk *w)
{
    quire__cur c;
    size_t off = 0;
    memset(w, 0, sizeof *w);
    while (off < n) {
        const uint8_t *head = p + off, *v, *block;
        size_t vn, tn;
        uint64_t cl;
        quire__cur_init(&c, p + off, n - off, off);
        if (quire__warc_head_parse(&c, &g_wh) != 0) {
            w->bad_head++;
            note_err(w, &c);
            off++;
            if (quire__warc_resync(p, n, &off) != 0) {
                break;
            }
            continue;
        }
        w->records++;
        if (quire__warc_get(&g_wh, head, "WARC-Type", &v, &vn) == 0) {
            tn = strlen(w->types);
            if (tn + vn + 2 < sizeof w->types) {
                memcpy(w->types + tn, v, vn);
                w->types[tn + vn] = ' ';
                w->types[tn + vn + 1] = '\0';
            }
        }
        cl = g_wh.content_length;
        if (cl > quire__cur_left(&c)) {
            w->truncated++;
            break;
        }
        block = quire__get_bytes(&c, (size_t)cl, "block");
        if (quire__warc_get(&g_wh, head, "WARC-Block-Digest", &v, &vn) == 0) {
            int rc = check_digest(w, v, vn, block, (size_t)cl);
            w->block_ok += rc == 1;
            w->block_bad += rc == 0;
        }
        if (quire__warc_get(&g_wh, head, "Content-Type", &v, &vn) == 0 && vn >= 16 &&
            memcmp(v, "application/http", 16) == 0) {
            quire__cur hc;
            const uint8_t *payload;
            size_t plen;
            int is_revisit = quire__warc_get(&g_wh, head, "WARC-Type", &v, &vn) == 0 &&
                             vn == 7 && memcmp(v, "revisit", 7) == 0;
            w->http++;
            quire__cur_init(&hc, block, (size_t)cl, 0);
            if (quire__http_head_parse(&hc, &g_hh) != 0) {
                w->http_bad++;
                note_err(w, &hc);
            } else {
                payload = block + g_hh.head_len;
                plen = (size_t)cl - g_hh.head_len;
                if (!is_revisit &&
                    quire__warc_get(&g_wh, head, "WARC-Payload-Digest", &v, &vn) == 0) {
                    int rc = check_digest(w, v, vn, payload, plen);
                    w->payload_ok += rc == 1;
                    w->payload_bad += rc == 0;
                }
                if (g_hh.chunked) {
                    talloc t;
                    quire__allocator a = make_alloc(&t, -1);
                    quire__buf b;
                    w->chunked++;
                    quire__buf_init(&b, &a, 1 << 24);
                    if (quire__http_dechunk(&hc, &b) == 0) {
                        w->dechunked++;
                    } else {
                        note_err(w, &hc);
                    }
                    quire__buf_free(&b);
                }
            }
        }
        if (quire__warc_record_end(&c) != 0) {
            w->bad_end++;
            note_err(w, &c);
            off = c.err_off;
            if (quire__warc_resync(p, n, &off) != 0) {
                break;
            }
            continue;
        }
        w->extra_blank += quire__warc_skip_blank(&c);
        off = (size_t)(c.base + c.off);
    }
}

static int
walk_corpus(const char *name, walk *w)
{
    size_t n = 0;
    uint8_t *p = read_corpus(name, &n);
    if (p == NULL) {
        return 0;
    }
    walk_file(p, n, w);
    if (getenv("QUIRE_TEST_VERBOSE") != NULL) {
        print_message("%-55s rec %zu badhead %zu badend %zu blank %zu trunc %zu http %zu/%zu chunk "
                      "%zu/%zu block %zu/%zu payload %zu/%zu other %zu first %d@%llu (%s)\n  "
                      "%s\n",
                      name, w->records, w->bad_head, w->bad_end, w->extra_blank, w->truncated, w->http,
                      w->http_bad, w->chunked, w->dechunked, w->block_ok, w->block_bad,
                      w->payload_ok, w->payload_bad, w->digest_other, w->first_code,
                      (unsigned long long)w->first_off, w->first_what ? w->first_what : "",
                      w->types);
    }
    free(p);
    return 1;
}

/* Expected results of walk_file on each plain WARC file of the shared
 * corpus. Files whose Content-Length is off (hand-edited test files) or
 * whose writer ends records with one CRLF (node-warc) show up as record end
 * errors followed by a resync; node-warc stores decoded bodies under
 * "Transfer-Encoding: chunked", so dechunking them fails. */
typedef struct corpus_want {
    const char *file;
    size_t records, bad_head, bad_end, extra_blank, http, http_bad, chunked, dechunked;
    size_t block_ok, block_bad, payload_ok, payload_bad, digest_other;
    int first_code;
    const char *first_what;
} corpus_want;

static const corpus_want corpus[] = {
    {"warcio/example.warc", 6, 0, 0, 0, 4, 0, 0, 0, 2, 0, 1, 0, 0, 0, NULL},
    {"warcio/example-digest.warc", 4, 0, 0, 0, 4, 0, 0, 0, 4, 0, 3, 0, 1, 0, NULL},
    {"warcio/example-iana.org-chunked.warc", 3, 0, 0, 0, 2, 0, 1, 1, 2, 0, 1, 0, 0, 0, NULL},
    {"warcio/example-trunc.warc", 4, 0, 1, 0, 2, 0, 0, 0, 0, 1, 0, 1, 0, QUIRE_E_WARC,
     "record end"},
    {"pywb/example.warc", 6, 0, 1, 0, 5, 2, 0, 0, 0, 0, 2, 0, 0, QUIRE_E_TRUNCATED, "HTTP head"},
    {"pywb/example-extra.warc", 6, 0, 2, 4, 4, 3, 0, 0, 0, 0, 1, 0, 0, QUIRE_E_TRUNCATED,
     "HTTP head"},
    {"pywb/missing-status-text.warc", 1, 0, 0, 0, 1, 1, 0, 0, 0, 0, 0, 0, 0, QUIRE_E_TRUNCATED,
     "HTTP head"},
    {"webarchive-commons/mutliple-headers.warc", 1, 0, 0, 0, 1, 0, 0, 0, 1, 0, 1, 0, 0, 0, NULL},
    {"webarchive-commons/IAH-urls-wget.warc", 36, 0, 0, 0, 32, 0, 5, 5, 36, 0, 16, 0, 0, 0, NULL},
    {"webarchive-commons/link-extraction-test.warc", 8, 0, 2, 4, 7, 0, 0, 0, 0, 0, 0, 0, 0,
     QUIRE_E_WARC, "record end"},
    {"node-warc/books.toscrape.warc", 60, 0, 60, 0, 60, 0, 4, 0, 0, 0, 0, 0, 0, QUIRE_E_WARC,
     "record end"},
    {"node-warc/parseMe.warc", 30, 0, 16, 0, 28, 0, 4, 0, 0, 0, 0, 0, 0, QUIRE_E_WARC,
     "record end"},
    {"jwat/invalid-warcfile-contenttype-recommended.warc", 7, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
     0, NULL},
    {"jwat/invalid-warcfile-contenttype-warcinfo-recommended.warc", 1, 0, 0, 0, 0, 0, 0, 0, 0, 0,
     0, 0, 0, 0, NULL},
    {"jwat/invalid-warcfile-digest-fields.warc", 4, 0, 0, 0, 4, 0, 0, 0, 0, 1, 0, 1, 6, 0, NULL},
    {"jwat/invalid-warcfile-duplicate-fields.warc", 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
     QUIRE_E_WARC, "Content-Length (duplicate)"},
    {"jwat/invalid-warcfile-fields-empty.warc", 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
     QUIRE_E_WARC, "Content-Length (not a number)"},
    {"jwat/invalid-warcfile-fields-invalidformat.warc", 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
     QUIRE_E_WARC, "Content-Length (not a number)"},
    {"jwat/invalid-warcfile-fields-missing.warc", 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
     QUIRE_E_WARC, "Content-Length (not a number)"},
    {"jwat/invalid-warcfile-lonely-continuation.warc", 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
     QUIRE_E_WARC, "Content-Length (missing)"},
    {"jwat/invalid-warcfile-lonely-monkeys.warc", 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
     QUIRE_E_WARC, "Content-Length (missing)"},
    {"jwat/invalid-warcfile-lonely-request-response-resource-conversion.warc", 0, 4, 0, 0, 0, 0,
     0, 0, 0, 0, 0, 0, 0, QUIRE_E_WARC, "Content-Length (missing)"},
    {"jwat/invalid-warcfile-lonely-revisit.warc", 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
     QUIRE_E_WARC, "Content-Length (missing)"},
    {"jwat/invalid-warcfile-lonely-warcinfo-metadata.warc", 0, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
     QUIRE_E_WARC, "Content-Length (missing)"},
    {"jwat/invalid-warcfile-record-then-garbage.warc", 1, 1, 0, 2, 1, 0, 0, 0, 0, 0, 1, 0, 0,
     QUIRE_E_WARC, "version line"},
    {"jwat/invalid-warcfile-segment-number-continuation.warc", 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
     0, 0, NULL},
    {"jwat/invalid-warcfile-segment-number-response.warc", 2, 0, 0, 0, 2, 0, 0, 0, 0, 0, 0, 2, 0,
     0, NULL},
    {"jwat/test-utf8.warc", 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, NULL},
    {"jwat/valid-warcfile-contenttype-continuation.warc", 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
     0, NULL},
    {"jwat/valid-warcfile-duplicate-concurrentto.warc", 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
     NULL},
    {"jwat/valid-warcfile-fields-continuation.warc", 1, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0,
     NULL},
    {"jwat/valid-warcfile-fields-metainfo.warc", 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, NULL},
    {"jwat/valid-warcfile-fields-warcinfo.warc", 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, NULL},
    {"jwat/valid-warcfile-non-warc-headers.warc", 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, NULL},
    {"jwat/valid-warcfile-upper-lower-case.warc", 5, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, NULL},
    {"jwat/valid-warcfile-utf8.warc", 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, NULL},
};

static void
test_corpus_walk(void **state)
{
    size_t i, found = 0, bad = 0;
    walk w;
    (void)state;
    for (i = 0; i < sizeof corpus / sizeof corpus[0]; i++) {
        const corpus_want *e = &corpus[i];
        if (!walk_corpus(e->file, &w)) {
            continue;
        }
        found++;
        if (w.records != e->records || w.bad_head != e->bad_head || w.bad_end != e->bad_end ||
            w.extra_blank != e->extra_blank || w.http != e->http || w.http_bad != e->http_bad ||
            w.chunked != e->chunked || w.dechunked != e->dechunked || w.block_ok != e->block_ok ||
            w.block_bad != e->block_bad || w.payload_ok != e->payload_ok ||
            w.payload_bad != e->payload_bad || w.digest_other != e->digest_other ||
            w.first_code != e->first_code) {
            print_error("%s: unexpected walk (QUIRE_TEST_VERBOSE=1 prints it)\n", e->file);
            bad++;
        } else if (e->first_what != NULL &&
                   (w.first_what == NULL || strcmp(w.first_what, e->first_what) != 0)) {
            print_error("%s: first error %s\n", e->file, w.first_what ? w.first_what : "none");
            bad++;
        }
    }
    assert_int_equal(bad, 0);
    if (found == 0) {
        skip(); /* no ../shared/corpus/warc here */
    }
    assert_int_equal(found, sizeof corpus / sizeof corpus[0]);
}

/* Record i (0-based) of a corpus file: its header in g_wh, the block. */
static const uint8_t *
corpus_record(const uint8_t *p, size_t n, size_t i, const uint8_t **head, size_t *block_len)
{
    quire__cur c;
    size_t k;
    quire__cur_init(&c, p, n, 0);
    for (k = 0;; k++) {
        const uint8_t *block;
        *head = c.buf + c.off;
        assert_int_equal(quire__warc_head_parse(&c, &g_wh), 0);
        block = quire__get_bytes(&c, (size_t)g_wh.content_length, "block");
        assert_non_null(block);
        if (k == i) {
            *block_len = (size_t)g_wh.content_length;
            return block;
        }
        assert_int_equal(quire__warc_record_end(&c), 0);
    }
}

static void
test_corpus_digests(void **state)
{
    size_t n, blen, k;
    uint8_t *p = read_corpus("warcio/example-digest.warc", &n);
    const uint8_t *head, *block, *v;
    char computed[QUIRE__DIGEST_LABEL_MAX];
    quire__cur hc;
    (void)state;
    if (p == NULL) {
        skip();
    }
    /* record 1: "sha1:1112H3S..." is not base32 ('1'); the digest of the
     * empty request body is 3I42H3S... */
    for (k = 0; k < 4; k++) {
        static const int want_payload[4] = {QUIRE_E_WARC, 1, 1, 1};
        static const char *const want_computed[4] = {
            "sha1:3I42H3S6NNFQ2MSVX7XZKYAYSCX5QBYJ", "sha1:2jmj7l5rSw0yVb/vlWAYkK/YBwk=",
            "sha1:2jmj7l5rSw0yVb/vlWAYkK/YBwk=", "sha1:2jmj7l5rSw0yVb_vlWAYkK_YBwk="};
        block = corpus_record(p, n, k, &head, &blen);
        assert_int_equal(quire__warc_get(&g_wh, head, "WARC-Block-Digest", &v, &n), 0);
        assert_int_equal(quire__payload_digest_check(v, n, block, blen, computed, sizeof computed),
                         1);
        quire__cur_init(&hc, block, blen, 0);
        assert_int_equal(quire__http_head_parse(&hc, &g_hh), 0);
        assert_int_equal(g_hh.is_response, 0);
        assert_int_equal(blen, g_hh.head_len);
        assert_int_equal(quire__warc_get(&g_wh, head, "WARC-Payload-Digest", &v, &n), 0);
        assert_int_equal(quire__payload_digest_check(v, n, block + blen, 0, computed,
                                                     sizeof computed),
                         want_payload[k]);
        assert_string_equal(computed, want_computed[k]);
        n = 3672; /* the file's size, reused by corpus_record */
    }
    free(p);
}

static void
test_corpus_chunked(void **state)
{
    size_t n, blen, plen;
    uint8_t *p = read_corpus("warcio/example-iana.org-chunked.warc", &n);
    const uint8_t *head, *block, *v;
    size_t vn;
    quire__cur hc;
    quire__buf b;
    talloc t;
    quire__allocator a = make_alloc(&t, -1);
    (void)state;
    if (p == NULL) {
        skip();
    }
    block = corpus_record(p, n, 1, &head, &blen);
    quire__cur_init(&hc, block, blen, 0);
    assert_int_equal(quire__http_head_parse(&hc, &g_hh), 0);
    assert_int_equal(g_hh.status, 200);
    assert_int_equal(g_hh.chunked, 1);
    assert_string_equal(hval(&g_hh, block, "Content-Type"), "text/html; charset=UTF-8");
    plen = blen - g_hh.head_len;
    quire__buf_init(&b, &a, 1 << 20);
    assert_int_equal(quire__http_dechunk(&hc, &b), 0);
    assert_int_equal(quire__cur_left(&hc), 0);
    assert_true(b.len > 1000 && b.len < plen);
    assert_memory_equal(b.p, "<!doctype html>", 15);
    assert_memory_equal(b.p + b.len - 8, "</html>\n", 8);
    /* warcio digests the payload as stored (chunked), not dechunked */
    assert_int_equal(quire__warc_get(&g_wh, head, "WARC-Payload-Digest", &v, &vn), 0);
    assert_int_equal(
        quire__payload_digest_check(v, vn, block + g_hh.head_len, plen, NULL, 0), 1);
    assert_int_equal(quire__payload_digest_check(v, vn, b.p, b.len, NULL, 0), 0);
    /* the same body through a buffer one byte too small */
    quire__buf_free(&b);
    {
        size_t full = 0;
        quire__buf_init(&b, &a, 1 << 20);
        quire__cur_init(&hc, block + g_hh.head_len, plen, 0);
        assert_int_equal(quire__http_dechunk(&hc, &b), 0);
        full = b.len;
        quire__buf_free(&b);
        quire__buf_init(&b, &a, full - 1);
        quire__cur_init(&hc, block + g_hh.head_len, plen, 0);
        assert_int_equal(quire__http_dechunk(&hc, &b), QUIRE_E_LIMIT);
        assert_string_equal(hc.err_what, "chunk size");
        quire__buf_free(&b);
    }
    free(p);
}

static void
test_corpus_missing_status_text(void **state)
{
    size_t n, blen, i, o = 0;
    uint8_t *p = read_corpus("pywb/missing-status-text.warc", &n), *fixed;
    const uint8_t *head, *block;
    quire__cur hc;
    (void)state;
    if (p == NULL) {
        skip();
    }
    /* the file's lines end CR CR LF while its Content-Length counts CR LF:
     * the header parses (flagged), the block cuts the HTTP head short */
    block = corpus_record(p, n, 0, &head, &blen);
    assert_int_equal(g_wh.flags, QUIRE__HF_CRCR);
    quire__cur_init(&hc, block, blen, 0);
    assert_int_equal(quire__http_head_parse(&hc, &g_hh), QUIRE_E_TRUNCATED);
    /* repaired to CR LF, the response has a status and an empty reason */
    fixed = (uint8_t *)malloc(n);
    assert_non_null(fixed);
    for (i = 0; i < n; i++) {
        if (!(p[i] == '\r' && i + 1 < n && p[i + 1] == '\r')) {
            fixed[o++] = p[i];
        }
    }
    block = corpus_record(fixed, o, 0, &head, &blen);
    assert_int_equal(g_wh.flags, 0);
    quire__cur_init(&hc, block, blen, 0);
    assert_int_equal(quire__http_head_parse(&hc, &g_hh), 0);
    assert_int_equal(g_hh.status, 302);
    assert_int_equal(g_hh.reason_len, 0);
    assert_int_equal(g_hh.has_length, 1);
    assert_int_equal(g_hh.content_length, 0);
    assert_string_equal(hval(&g_hh, block, "Location"), "http://www.iana.org/badst");
    free(fixed);
    free(p);
}

static void
test_corpus_multiple_headers(void **state)
{
    size_t n, blen, i, count = 0;
    uint8_t *p = read_corpus("webarchive-commons/mutliple-headers.warc", &n);
    const uint8_t *head, *block;
    quire__cur hc;
    (void)state;
    if (p == NULL) {
        skip();
    }
    block = corpus_record(p, n, 0, &head, &blen);
    /* repeated WARC fields are kept in order */
    i = quire__hfield_find(g_wh.f, g_wh.n_fields, head, "WARC-Protocol", 0);
    assert_string_equal(wval(&g_wh, head, "WARC-Protocol"), "h2");
    i = quire__hfield_find(g_wh.f, g_wh.n_fields, head, "WARC-Protocol", i + 1);
    assert_true(i < g_wh.n_fields);
    quire__cur_init(&hc, block, blen, 0);
    assert_int_equal(quire__http_head_parse(&hc, &g_hh), 0);
    assert_int_equal(g_hh.status, 200);
    assert_int_equal(g_hh.reason_len, 0);
    for (i = 0; (i = quire__hfield_find(g_hh.f, g_hh.n_fields, block, "link", i)) < g_hh.n_fields;
         i++) {
        count++;
    }
    assert_int_equal(count, 3);
    free(p);
}

static const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_warc_basic),       cmocka_unit_test(test_warc_versions),
    cmocka_unit_test(test_warc_field_errors), cmocka_unit_test(test_warc_limits),
    cmocka_unit_test(test_warc_split),       cmocka_unit_test(test_warc_fold),
    cmocka_unit_test(test_warc_record_end),  cmocka_unit_test(test_warc_sniff),
    cmocka_unit_test(test_http_status_line), cmocka_unit_test(test_http_request_line),
    cmocka_unit_test(test_http_fields),      cmocka_unit_test(test_http_limits),
    cmocka_unit_test(test_dechunk),          cmocka_unit_test(test_media_type),
    cmocka_unit_test(test_sha1),             cmocka_unit_test(test_base32),
    cmocka_unit_test(test_digest_labels),    cmocka_unit_test(test_corpus_walk),
    cmocka_unit_test(test_corpus_digests),   cmocka_unit_test(test_corpus_chunked),
    cmocka_unit_test(test_corpus_missing_status_text),
    cmocka_unit_test(test_corpus_multiple_headers),
};

int
main(void)
{
    return cmocka_run_group_tests(tests, NULL, NULL);
}
