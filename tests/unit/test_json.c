/* test_json.c - unit tests for format/utf8.c and format/json.c (cmocka). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "helpers.h"

#include <stdio.h>
#include <string.h>

#include "cursor.h"
#include "json.h"
#include "quire.h"
#include "utf8.h"

/* a string literal and its length, embedded NULs included */
#define S(lit) (lit), (sizeof(lit) - 1)

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

/* ====================================================================
 * Helpers
 * ==================================================================== */

#define MAX_TEXT ((size_t)1 << 20)

/* Parses in[0..len); returns the code. o must be initialized. */
static int
parse(quire__jobject *o, quire__cur *c, const char *in, size_t len)
{
    quire__cur_init(c, in, len, 0);
    return quire__json_parse_object(o, c);
}

/* Expects parsing in[0..len) to fail with code at off, naming what. */
static void
expect_err(const char *in, size_t len, int code, size_t off, const char *what)
{
    talloc t;
    quire__allocator a = make_alloc(&t);
    quire__jobject o;
    quire__cur c;
    int rc;
    quire__jobject_init(&o, &a, MAX_TEXT);
    rc = parse(&o, &c, in, len);
    if (rc != code || c.err_off != off) {
        print_error("input: %.*s\n", (int)len, in);
    }
    assert_int_equal(rc, code);
    assert_int_equal(c.err, code);
    assert_int_equal(c.err_off, off);
    if (what != NULL) {
        assert_non_null(c.err_what);
        assert_string_equal(c.err_what, what);
    }
    assert_int_equal(o.n, 0);
    assert_int_equal(o.text.len, 0);
    quire__jobject_free(&o);
}

/* Parses in[0..len), which must succeed. */
static void
parse_ok(quire__jobject *o, const char *in, size_t len)
{
    quire__cur c;
    int rc = parse(o, &c, in, len);
    if (rc != 0) {
        print_error("input: %.*s -> %d at %llu (%s)\n", (int)len, in, rc,
                    (unsigned long long)c.err_off, c.err_what != NULL ? c.err_what : "");
    }
    assert_int_equal(rc, 0);
    assert_int_equal(c.err, 0);
}

static void
assert_key(const quire__jobject *o, size_t i, const char *key, size_t len)
{
    assert_true(i < o->n);
    assert_int_equal(o->m[i].key_len, len);
    if (len > 0) {
        assert_memory_equal(o->text.p + o->m[i].key_off, key, len);
    }
}

static void
assert_val(const quire__jobject *o, size_t i, int kind, const char *val, size_t len)
{
    assert_true(i < o->n);
    assert_int_equal(o->m[i].kind, kind);
    if (o->m[i].val_len != len) {
        print_error("value: %.*s\n", (int)o->m[i].val_len,
                    (const char *)o->text.p + o->m[i].val_off);
    }
    assert_int_equal(o->m[i].val_len, len);
    if (len > 0) {
        assert_memory_equal(o->text.p + o->m[i].val_off, val, len);
    }
}

/* Parses {"v":<value text>} and checks the single member's kind and value. */
static void
expect_member(const char *json, int kind, const char *val, size_t len)
{
    talloc t;
    quire__allocator a = make_alloc(&t);
    quire__jobject o;
    quire__jobject_init(&o, &a, MAX_TEXT);
    parse_ok(&o, json, strlen(json));
    assert_int_equal(o.n, 1);
    assert_key(&o, 0, S("v"));
    assert_val(&o, 0, kind, val, len);
    quire__jobject_free(&o);
}

/* quire__json_check_canonical over in[0..len): expects code (0 for canonical) at off. */
static void
expect_canon(const char *in, size_t len, int code, size_t off)
{
    talloc t;
    quire__allocator a = make_alloc(&t);
    quire__cur c;
    int rc;
    quire__cur_init(&c, in, len, 0);
    rc = quire__json_check_canonical(&c, &a);
    if (rc != code || (code != 0 && c.err_off != off)) {
        print_error("input: %.*s -> %d at %llu\n", (int)len, in, rc, (unsigned long long)c.err_off);
    }
    assert_int_equal(rc, code);
    if (code != 0) {
        assert_int_equal(c.err_off, off);
    }
}

/* ====================================================================
 * UTF-8
 * ==================================================================== */

static void
test_utf8_valid(void **state)
{
    static const char big[] = "The quick brown fox jumps over the lazy dog 0123456789 "
                              "\xC3\xA9t\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x98\x80 end";
    size_t bad = 12345;
    (void)state;
    assert_int_equal(quire__utf8_check(NULL, 0, &bad), 1);
    assert_int_equal(bad, 12345);
    assert_int_equal(quire__utf8_check((const uint8_t *)"abc", 3, NULL), 1);
    assert_int_equal(quire__utf8_check((const uint8_t *)"a\0b", 3, NULL), 1);
    /* boundaries of each length */
    assert_int_equal(quire__utf8_check((const uint8_t *)"\x7F", 1, NULL), 1);
    assert_int_equal(quire__utf8_check((const uint8_t *)"\xC2\x80", 2, NULL), 1);
    assert_int_equal(quire__utf8_check((const uint8_t *)"\xDF\xBF", 2, NULL), 1);
    assert_int_equal(quire__utf8_check((const uint8_t *)"\xE0\xA0\x80", 3, NULL), 1);
    assert_int_equal(quire__utf8_check((const uint8_t *)"\xED\x9F\xBF", 3, NULL), 1);
    assert_int_equal(quire__utf8_check((const uint8_t *)"\xEE\x80\x80", 3, NULL), 1);
    assert_int_equal(quire__utf8_check((const uint8_t *)"\xEF\xBF\xBF", 3, NULL), 1);
    assert_int_equal(quire__utf8_check((const uint8_t *)"\xF0\x90\x80\x80", 4, NULL), 1);
    assert_int_equal(quire__utf8_check((const uint8_t *)"\xF1\x80\x80\x80", 4, NULL), 1);
    assert_int_equal(quire__utf8_check((const uint8_t *)"\xF3\xBF\xBF\xBF", 4, NULL), 1);
    assert_int_equal(quire__utf8_check((const uint8_t *)"\xF4\x8F\xBF\xBF", 4, NULL), 1);
    assert_int_equal(quire__utf8_check((const uint8_t *)big, sizeof big - 1, &bad), 1);
}

static void
expect_utf8_bad(const char *s, size_t n, size_t off)
{
    size_t bad = 9999;
    assert_int_equal(quire__utf8_check((const uint8_t *)s, n, &bad), 0);
    assert_int_equal(bad, off);
    assert_int_equal(quire__utf8_check((const uint8_t *)s, n, NULL), 0);
}

static void
test_utf8_invalid(void **state)
{
    (void)state;
    expect_utf8_bad(S("\x80"), 0); /* stray continuation */
    expect_utf8_bad(S("ab\xBF"), 2);
    expect_utf8_bad(S("\xC0\x80"), 0);     /* overlong NUL */
    expect_utf8_bad(S("\xC1\xBF"), 0);     /* overlong 2-byte */
    expect_utf8_bad(S("\xE0\x80\x80"), 0); /* overlong 3-byte */
    expect_utf8_bad(S("\xE0\x9F\xBF"), 0);
    expect_utf8_bad(S("\xF0\x80\x80\x80"), 0); /* overlong 4-byte */
    expect_utf8_bad(S("\xF0\x8F\xBF\xBF"), 0);
    expect_utf8_bad(S("\xED\xA0\x80"), 0);     /* U+D800 */
    expect_utf8_bad(S("\xED\xBF\xBF"), 0);     /* U+DFFF */
    expect_utf8_bad(S("\xF4\x90\x80\x80"), 0); /* U+110000 */
    expect_utf8_bad(S("\xF5\x80\x80\x80"), 0);
    expect_utf8_bad(S("\xF8\x88\x80\x80\x80"), 0); /* 5-byte form */
    expect_utf8_bad(S("\xFE"), 0);
    expect_utf8_bad(S("\xFF"), 0);
    expect_utf8_bad(S("x\xE2\x82"), 1); /* cut short at the end */
    expect_utf8_bad(S("\xC3"), 0);
    expect_utf8_bad(S("\xE2\x28\xA1"), 0); /* bad continuation */
    expect_utf8_bad(S("\xF0\x9F\x98\x28"), 0);
    expect_utf8_bad(S("\xC3\xA9\xC3"), 2);
    /* after the word-at-a-time fast path */
    expect_utf8_bad(S("0123456789abcdefghij\xC0\x80"), 20);
    expect_utf8_bad(S("0123456789abcdef\x80"), 16);
    expect_utf8_bad(S("01234567\xC3\xA9"
                      "89abcdefgh\xFF"),
                    20);
}

/* ====================================================================
 * Objects: valid
 * ==================================================================== */

static void
test_news_line(void **state)
{
    static const char in[] =
        "{\"id\": \"x:1\", \"title\": \"Caf\\u00e9 \\\"news\\\"\", "
        "\"date\": \"1987-02-26T15:01:01.79\", \"url\": null, \"authors\": [\"A\", \"B b\"], "
        "\"text\": \"line1\\nline2\", \"extra\": {\"k\": [1, 2.5, true]}, \"n\": -1E-2, "
        "\"f\": false, \"t\": true, \"e\": [], \"mix\": [\"a\", 1]}";
    static const uint8_t items[] = {1, 0, 0, 0, 'A', 3, 0, 0, 0, 'B', ' ', 'b'};
    talloc t;
    quire__allocator a = make_alloc(&t);
    quire__jobject o;
    (void)state;
    quire__jobject_init(&o, &a, MAX_TEXT);
    parse_ok(&o, in, sizeof in - 1);
    assert_int_equal(o.n, 12);
    assert_key(&o, 0, S("id"));
    assert_val(&o, 0, QUIRE__J_STRING, S("x:1"));
    assert_key(&o, 1, S("title"));
    assert_val(&o, 1, QUIRE__J_STRING, S("Caf\xC3\xA9 \"news\""));
    assert_key(&o, 2, S("date"));
    assert_val(&o, 2, QUIRE__J_STRING, S("1987-02-26T15:01:01.79"));
    assert_key(&o, 3, S("url"));
    assert_val(&o, 3, QUIRE__J_NULL, S("null"));
    assert_key(&o, 4, S("authors"));
    assert_val(&o, 4, QUIRE__J_ARRAY, S("[\"A\",\"B b\"]"));
    assert_int_equal(o.m[4].all_strings, 1);
    assert_int_equal(o.m[4].n_items, 2);
    assert_int_equal(o.m[4].items_len, sizeof items);
    assert_memory_equal(o.text.p + o.m[4].items_off, items, sizeof items);
    assert_key(&o, 5, S("text"));
    assert_val(&o, 5, QUIRE__J_STRING, S("line1\nline2"));
    assert_key(&o, 6, S("extra"));
    assert_val(&o, 6, QUIRE__J_OBJECT, S("{\"k\":[1,2.5,true]}"));
    assert_val(&o, 7, QUIRE__J_NUMBER, S("-1E-2"));
    assert_val(&o, 8, QUIRE__J_FALSE, S("false"));
    assert_val(&o, 9, QUIRE__J_TRUE, S("true"));
    assert_key(&o, 10, S("e"));
    assert_val(&o, 10, QUIRE__J_ARRAY, S("[]"));
    assert_int_equal(o.m[10].all_strings, 1);
    assert_int_equal(o.m[10].n_items, 0);
    assert_int_equal(o.m[10].items_len, 0);
    assert_val(&o, 11, QUIRE__J_ARRAY, S("[\"a\",1]"));
    assert_int_equal(o.m[11].all_strings, 0);
    assert_int_equal(o.m[11].n_items, 2);
    assert_int_equal(o.m[11].items_len, 0);
    /* every non-string value is canonical */
    {
        size_t i;
        for (i = 0; i < o.n; i++) {
            quire__cur c;
            if (o.m[i].kind == QUIRE__J_STRING) {
                continue;
            }
            quire__cur_init(&c, o.text.p + o.m[i].val_off, o.m[i].val_len, 0);
            assert_int_equal(quire__json_check_canonical(&c, &a), 0);
        }
    }
    quire__jobject_free(&o);
}

static void
test_empty_and_whitespace(void **state)
{
    talloc t;
    quire__allocator a = make_alloc(&t);
    quire__jobject o;
    (void)state;
    quire__jobject_init(&o, &a, MAX_TEXT);
    parse_ok(&o, S("{}"));
    assert_int_equal(o.n, 0);
    parse_ok(&o, S(" \t\r\n{ \t\r\n} \t\r\n"));
    assert_int_equal(o.n, 0);
    parse_ok(&o, S("\n{\r\n\"a\"\t:\n[ 1 ,\t{ \"b\" : null , \"c\":[ ] } ]\r,\"d\" :\"x\" }\n"));
    assert_int_equal(o.n, 2);
    assert_val(&o, 0, QUIRE__J_ARRAY, S("[1,{\"b\":null,\"c\":[]}]"));
    assert_val(&o, 1, QUIRE__J_STRING, S("x"));
    quire__jobject_free(&o);
    /* other space characters are not JSON whitespace */
    expect_err(S("{\f}"), QUIRE_E_JSON, 1, "JSON object key");
    expect_err(S("{\v}"), QUIRE_E_JSON, 1, "JSON object key");
    expect_err(S("\xC2\xA0{}"), QUIRE_E_JSON, 0, "JSON object");
    expect_err(S("{}\f"), QUIRE_E_JSON, 2, "trailing bytes after JSON");
    expect_err(S("{\"a\":\f1}"), QUIRE_E_JSON, 5, "JSON value");
}

static void
test_numbers_valid(void **state)
{
    (void)state;
    expect_member("{\"v\":0}", QUIRE__J_NUMBER, S("0"));
    expect_member("{\"v\":-0}", QUIRE__J_NUMBER, S("-0"));
    expect_member("{\"v\":1.5e10}", QUIRE__J_NUMBER, S("1.5e10"));
    expect_member("{\"v\":-1E-2}", QUIRE__J_NUMBER, S("-1E-2"));
    expect_member("{\"v\":1e+5}", QUIRE__J_NUMBER, S("1e+5"));
    expect_member("{\"v\":0.000}", QUIRE__J_NUMBER, S("0.000"));
    expect_member("{\"v\":-0.5E+10}", QUIRE__J_NUMBER, S("-0.5E+10"));
    expect_member("{\"v\":1234567890123456789012345678901234567890}", QUIRE__J_NUMBER,
                  S("1234567890123456789012345678901234567890"));
    expect_member("{\"v\":0e0}", QUIRE__J_NUMBER, S("0e0"));
    expect_member("{\"v\":10}", QUIRE__J_NUMBER, S("10"));
    expect_member("{\"v\": 7 }", QUIRE__J_NUMBER, S("7"));
    expect_member("{\"v\":[1,-2,3.0e-3]}", QUIRE__J_ARRAY, S("[1,-2,3.0e-3]"));
}

static void
test_numbers_invalid(void **state)
{
    (void)state;
    expect_err(S("{\"a\":01}"), QUIRE_E_JSON, 6, "JSON number");
    expect_err(S("{\"a\":-01}"), QUIRE_E_JSON, 7, "JSON number");
    expect_err(S("{\"a\":00}"), QUIRE_E_JSON, 6, "JSON number");
    expect_err(S("{\"a\":1.}"), QUIRE_E_JSON, 7, "JSON number");
    expect_err(S("{\"a\":.5}"), QUIRE_E_JSON, 5, "JSON value");
    expect_err(S("{\"a\":+1}"), QUIRE_E_JSON, 5, "JSON value");
    expect_err(S("{\"a\":1e}"), QUIRE_E_JSON, 7, "JSON number");
    expect_err(S("{\"a\":1e+}"), QUIRE_E_JSON, 8, "JSON number");
    expect_err(S("{\"a\":1E-x}"), QUIRE_E_JSON, 8, "JSON number");
    expect_err(S("{\"a\":-}"), QUIRE_E_JSON, 6, "JSON number");
    expect_err(S("{\"a\":--1}"), QUIRE_E_JSON, 6, "JSON number");
    expect_err(S("{\"a\":-a}"), QUIRE_E_JSON, 6, "JSON number");
    expect_err(S("{\"a\":1.5.3}"), QUIRE_E_JSON, 8, "JSON number");
    expect_err(S("{\"a\":1e5e3}"), QUIRE_E_JSON, 8, "JSON number");
    expect_err(S("{\"a\":1-2}"), QUIRE_E_JSON, 6, "JSON number");
    expect_err(S("{\"a\":1.e5}"), QUIRE_E_JSON, 7, "JSON number");
    expect_err(S("{\"a\":[1,-]}"), QUIRE_E_JSON, 9, "JSON number");
    expect_err(S("{\"a\":0x10}"), QUIRE_E_JSON, 6, "JSON object");
    expect_err(S("{\"a\":Infinity}"), QUIRE_E_JSON, 5, "JSON value");
    expect_err(S("{\"a\":NaN}"), QUIRE_E_JSON, 5, "JSON value");
    expect_err(S("{\"a\":1."), QUIRE_E_JSON, 7, "JSON number");
    expect_err(S("{\"a\":-"), QUIRE_E_JSON, 6, "JSON number");
    expect_err(S("{\"a\":1e"), QUIRE_E_JSON, 7, "JSON number");
    expect_err(S("{\"a\":1"), QUIRE_E_JSON, 6, "JSON object");
}

static void
test_literals(void **state)
{
    (void)state;
    expect_member("{\"v\":null}", QUIRE__J_NULL, S("null"));
    expect_member("{\"v\":true}", QUIRE__J_TRUE, S("true"));
    expect_member("{\"v\":false}", QUIRE__J_FALSE, S("false"));
    expect_member("{\"v\":[null,true,false]}", QUIRE__J_ARRAY, S("[null,true,false]"));
    expect_err(S("{\"a\":tru}"), QUIRE_E_JSON, 8, "JSON literal");
    expect_err(S("{\"a\":nul"), QUIRE_E_JSON, 8, "JSON literal");
    expect_err(S("{\"a\":True}"), QUIRE_E_JSON, 5, "JSON value");
    expect_err(S("{\"a\":nulL}"), QUIRE_E_JSON, 8, "JSON literal");
    expect_err(S("{\"a\":truex}"), QUIRE_E_JSON, 9, "JSON literal");
    expect_err(S("{\"a\":null0}"), QUIRE_E_JSON, 9, "JSON literal");
    expect_err(S("{\"a\":fals}"), QUIRE_E_JSON, 9, "JSON literal");
    expect_err(S("{\"a\":[false"), QUIRE_E_JSON, 11, "JSON array");
    expect_err(S("{\"a\":undefined}"), QUIRE_E_JSON, 5, "JSON value");
}

/* ====================================================================
 * Strings
 * ==================================================================== */

static void
test_escapes(void **state)
{
    (void)state;
    expect_member("{\"v\":\"\\\"\\\\\\/\\b\\f\\n\\r\\t\"}", QUIRE__J_STRING, S("\"\\/\b\f\n\r\t"));
    expect_member("{\"v\":\"\\u00e9\\u00E9\"}", QUIRE__J_STRING, S("\xC3\xA9\xC3\xA9"));
    expect_member("{\"v\":\"\\u20AC\\u0041\"}", QUIRE__J_STRING,
                  S("\xE2\x82\xAC"
                    "A"));
    expect_member("{\"v\":\"\\u0000\"}", QUIRE__J_STRING, S("\0"));
    expect_member("{\"v\":\"\\u007f\\u0080\\u07ff\\u0800\\uffff\"}", QUIRE__J_STRING,
                  S("\x7F\xC2\x80\xDF\xBF\xE0\xA0\x80\xEF\xBF\xBF"));
    expect_member("{\"v\":\"\\ud83d\\ude00\"}", QUIRE__J_STRING, S("\xF0\x9F\x98\x80"));
    expect_member("{\"v\":\"\\uD83D\\uDE00x\"}", QUIRE__J_STRING, S("\xF0\x9F\x98\x80x"));
    expect_member("{\"v\":\"\\ud800\\udc00\\udbff\\udfff\"}", QUIRE__J_STRING,
                  S("\xF0\x90\x80\x80\xF4\x8F\xBF\xBF"));
    expect_member("{\"v\":\"\"}", QUIRE__J_STRING, S(""));
    expect_member("{\"v\":\"/\x7F\"}", QUIRE__J_STRING, S("/\x7F"));
    /* nested strings are re-serialized in canonical form */
    expect_member("{\"v\":[\"\\/\\u00e9\\n\\u0001\\u001F\\u007f\\\"\\\\\"]}", QUIRE__J_ARRAY,
                  S("[\"/\xC3\xA9\\n\\u0001\\u001f\x7F\\\"\\\\\"]"));
    expect_member("{\"v\":{\"\\u006b\\n\":\"\\ud83d\\ude00\"}}", QUIRE__J_OBJECT,
                  S("{\"k\\n\":\"\xF0\x9F\x98\x80\"}"));
    expect_member("{\"v\":[\"\\b\\f\\r\\t\\u0008\\u000C\"]}", QUIRE__J_ARRAY,
                  S("[\"\\b\\f\\r\\t\\b\\f\"]"));
    /* raw UTF-8 passes through */
    expect_member("{\"v\":\"\xC3\xA9\xE2\x82\xAC\xF0\x9F\x98\x80\"}", QUIRE__J_STRING,
                  S("\xC3\xA9\xE2\x82\xAC\xF0\x9F\x98\x80"));
}

static void
test_bad_escapes(void **state)
{
    (void)state;
    expect_err(S("{\"a\":\"\\x\"}"), QUIRE_E_JSON, 7, "JSON string");
    expect_err(S("{\"a\":\"\\U0041\"}"), QUIRE_E_JSON, 7, "JSON string");
    expect_err(S("{\"a\":\"\\'\"}"), QUIRE_E_JSON, 7, "JSON string");
    expect_err(S("{\"a\":\"\\u12G4\"}"), QUIRE_E_JSON, 10, "JSON string");
    expect_err(S("{\"a\":\"\\u-123\"}"), QUIRE_E_JSON, 8, "JSON string");
    expect_err(S("{\"a\":\"\\u12\"}"), QUIRE_E_JSON, 10, "JSON string");
    expect_err(S("{\"a\":\"\\u12"), QUIRE_E_JSON, 10, "JSON string");
    expect_err(S("{\"a\":\"\\"), QUIRE_E_JSON, 7, "JSON string");
    expect_err(S("{\"a\":\"abc"), QUIRE_E_JSON, 9, "JSON string");
    expect_err(S("{\"\\q\":1}"), QUIRE_E_JSON, 3, "JSON object key");
    expect_err(S("{\"a\":[\"\\q\"]}"), QUIRE_E_JSON, 8, "JSON string");
    expect_err(S("{\"a\":{\"\\q\":1}}"), QUIRE_E_JSON, 8, "JSON object key");
}

static void
test_surrogates(void **state)
{
    (void)state;
    /* lone high, lone low, misordered, high + non-low: UTF-8 error at the backslash */
    expect_err(S("{\"a\":\"\\ud83d\"}"), QUIRE_E_UTF8, 6, "JSON string");
    expect_err(S("{\"a\":\"\\ude00\"}"), QUIRE_E_UTF8, 6, "JSON string");
    expect_err(S("{\"a\":\"x\\ude00\\ud83d\"}"), QUIRE_E_UTF8, 7, "JSON string");
    expect_err(S("{\"a\":\"\\ud83dx\"}"), QUIRE_E_UTF8, 6, "JSON string");
    expect_err(S("{\"a\":\"\\ud83d\\n\"}"), QUIRE_E_UTF8, 6, "JSON string");
    expect_err(S("{\"a\":\"\\ud83d\\ud83d\"}"), QUIRE_E_UTF8, 6, "JSON string");
    expect_err(S("{\"a\":\"\\ud83d\\u0041\"}"), QUIRE_E_UTF8, 6, "JSON string");
    expect_err(S("{\"a\":\"\\ud83d\\ue000\"}"), QUIRE_E_UTF8, 6, "JSON string");
    expect_err(S("{\"\\udfff\":1}"), QUIRE_E_UTF8, 2, "JSON object key");
    expect_err(S("{\"a\":[\"\\ud800\"]}"), QUIRE_E_UTF8, 7, "JSON string");
    /* cut short after the high half */
    expect_err(S("{\"a\":\"\\ud83d"), QUIRE_E_JSON, 12, "JSON string");
    expect_err(S("{\"a\":\"\\ud83d\\"), QUIRE_E_JSON, 13, "JSON string");
    expect_err(S("{\"a\":\"\\ud83d\\ude"), QUIRE_E_JSON, 16, "JSON string");
    expect_err(S("{\"a\":\"\\ud83d\\udeZZ\"}"), QUIRE_E_JSON, 16, "JSON string");
}

static void
test_control_chars(void **state)
{
    unsigned ch;
    (void)state;
    for (ch = 0; ch < 0x20; ch++) {
        char in[] = "{\"a\":\"x?\"}";
        in[7] = (char)ch;
        expect_err(in, sizeof in - 1, QUIRE_E_JSON, 7, "JSON string");
    }
    expect_err(S("{\"a\nb\":1}"), QUIRE_E_JSON, 3, "JSON object key");
    expect_err(S("{\"a\":[\"\t\"]}"), QUIRE_E_JSON, 7, "JSON string");
    expect_err(S("{\"a\":\"\0\"}"), QUIRE_E_JSON, 6, "JSON string");
    /* DEL is not a control character for JSON */
    expect_member("{\"v\":\"\x7F\"}", QUIRE__J_STRING, S("\x7F"));
}

static void
test_bad_utf8_in_strings(void **state)
{
    (void)state;
    expect_err(S("{\"a\":\"ab\xC0\x80\"}"), QUIRE_E_UTF8, 8, "JSON string");
    expect_err(S("{\"a\":\"\xED\xA0\x80\"}"), QUIRE_E_UTF8, 6, "JSON string");
    expect_err(S("{\"a\":\"\xF4\x90\x80\x80\"}"), QUIRE_E_UTF8, 6, "JSON string");
    expect_err(S("{\"a\":\"\xC3\"}"), QUIRE_E_UTF8, 6, "JSON string");
    expect_err(S("{\"a\":\"\xC3\\n\"}"), QUIRE_E_UTF8, 6, "JSON string");
    expect_err(S("{\"a\":\"\\n\xFF\"}"), QUIRE_E_UTF8, 8, "JSON string");
    expect_err(S("{\"a\":\"\xE2\x82"), QUIRE_E_UTF8, 6, "JSON string");
    expect_err(S("{\"\x80\":1}"), QUIRE_E_UTF8, 2, "JSON object key");
    expect_err(S("{\"a\":[\"ok\",\"\xE0\x80\x80\"]}"), QUIRE_E_UTF8, 12, "JSON string");
    expect_err(S("{\"a\":{\"\xF8\":1}}"), QUIRE_E_UTF8, 7, "JSON object key");
    /* bytes outside strings are grammar errors */
    expect_err(S("{\"a\":\xC3\xA9}"), QUIRE_E_JSON, 5, "JSON value");
    expect_err(S("\xEF\xBB\xBF{}"), QUIRE_E_JSON, 0, "JSON object"); /* BOM */
}

static void
test_long_strings(void **state)
{
    talloc t;
    quire__allocator a = make_alloc(&t);
    quire__jobject o;
    char *in;
    size_t n = 5000;
    size_t i;
    size_t len;
    (void)state;
    in = (char *)test_malloc(n * 3 + 64);
    memcpy(in, "{\"k\":\"", 6);
    len = 6;
    for (i = 0; i < n; i++) {
        if (i % 100 == 99) {
            in[len++] = '\\';
            in[len++] = 'n';
        } else if (i % 50 == 7) {
            in[len++] = '\xC3';
            in[len++] = '\xA9';
        } else {
            in[len++] = (char)('a' + i % 26);
        }
    }
    memcpy(in + len, "\",\"w\":[\"", 8);
    len += 8;
    for (i = 0; i < 1000; i++) {
        in[len++] = ' ';
    }
    memcpy(in + len, "\"]}", 3);
    len += 3;
    quire__jobject_init(&o, &a, MAX_TEXT);
    parse_ok(&o, in, len);
    assert_int_equal(o.n, 2);
    assert_int_equal(o.m[0].kind, QUIRE__J_STRING);
    assert_int_equal(o.m[0].val_len, n + n / 50);
    assert_int_equal(o.m[1].items_len, 4 + 1000);
    quire__jobject_free(&o);
    test_free(in);
}

/* ====================================================================
 * Structure
 * ==================================================================== */

static void
test_structure_errors(void **state)
{
    (void)state;
    expect_err(S("{\"a\"}"), QUIRE_E_JSON, 4, "JSON object");
    expect_err(S("{\"a\" 1}"), QUIRE_E_JSON, 5, "JSON object");
    expect_err(S("{a:1}"), QUIRE_E_JSON, 1, "JSON object key");
    expect_err(S("{'a':1}"), QUIRE_E_JSON, 1, "JSON object key");
    expect_err(S("{\"a\":1,}"), QUIRE_E_JSON, 7, "JSON object key");
    expect_err(S("{,}"), QUIRE_E_JSON, 1, "JSON object key");
    expect_err(S("{\"a\":1 \"b\":2}"), QUIRE_E_JSON, 7, "JSON object");
    expect_err(S("{\"a\":1;\"b\":2}"), QUIRE_E_JSON, 6, "JSON object");
    expect_err(S("{\"a\":}"), QUIRE_E_JSON, 5, "JSON value");
    expect_err(S("{\"a\":[1,]}"), QUIRE_E_JSON, 8, "JSON value");
    expect_err(S("{\"a\":[,1]}"), QUIRE_E_JSON, 6, "JSON value");
    expect_err(S("{\"a\":[1 2]}"), QUIRE_E_JSON, 8, "JSON array");
    expect_err(S("{\"a\":[1}"), QUIRE_E_JSON, 7, "JSON array");
    expect_err(S("{\"a\":{\"b\":1]}"), QUIRE_E_JSON, 11, "JSON object");
    expect_err(S("{\"a\":{\"b\":1,}}"), QUIRE_E_JSON, 12, "JSON object key");
    expect_err(S("{\"a\":{\"b\"}}"), QUIRE_E_JSON, 9, "JSON object");
    expect_err(S("{\"a\":{1:2}}"), QUIRE_E_JSON, 6, "JSON object key");
    expect_err(S("{\"a\":[}"), QUIRE_E_JSON, 6, "JSON value");
    expect_err(S("{\"a\":1}}"), QUIRE_E_JSON, 7, "trailing bytes after JSON");
    expect_err(S("{\"a\":1]"), QUIRE_E_JSON, 6, "JSON object");
    /* input that ends early: invalid JSON at the end offset */
    expect_err(S("{"), QUIRE_E_JSON, 1, "JSON object key");
    expect_err(S("{ "), QUIRE_E_JSON, 2, "JSON object key");
    expect_err(S("{\"a"), QUIRE_E_JSON, 3, "JSON object key");
    expect_err(S("{\"a\""), QUIRE_E_JSON, 4, "JSON object");
    expect_err(S("{\"a\":"), QUIRE_E_JSON, 5, "JSON value");
    expect_err(S("{\"a\":1,"), QUIRE_E_JSON, 7, "JSON object key");
    expect_err(S("{\"a\":["), QUIRE_E_JSON, 6, "JSON value");
    expect_err(S("{\"a\":[1"), QUIRE_E_JSON, 7, "JSON array");
    expect_err(S("{\"a\":[1,"), QUIRE_E_JSON, 8, "JSON value");
    expect_err(S("{\"a\":{"), QUIRE_E_JSON, 6, "JSON object key");
    expect_err(S("{\"a\":{\"b\""), QUIRE_E_JSON, 9, "JSON object");
    expect_err(S("{\"a\":{\"b\":"), QUIRE_E_JSON, 10, "JSON value");
    expect_err(S("{\"a\":{\"b\":1"), QUIRE_E_JSON, 11, "JSON object");
    expect_err(S("{\"a\":{\"b\":1,"), QUIRE_E_JSON, 12, "JSON object key");
    expect_err(S("{\"a\":{}"), QUIRE_E_JSON, 7, "JSON object");
}

static void
test_not_an_object(void **state)
{
    talloc t;
    quire__allocator a = make_alloc(&t);
    quire__jobject o;
    quire__cur c;
    (void)state;
    expect_err(S("[1]"), QUIRE_E_JSON, 0, "JSON object");
    expect_err(S("\"a\""), QUIRE_E_JSON, 0, "JSON object");
    expect_err(S("1"), QUIRE_E_JSON, 0, "JSON object");
    expect_err(S("null"), QUIRE_E_JSON, 0, "JSON object");
    expect_err(S("  ["), QUIRE_E_JSON, 2, "JSON object");
    /* empty input, whitespace only */
    expect_err(S(""), QUIRE_E_JSON, 0, "JSON object");
    expect_err(S(" \r\n\t"), QUIRE_E_JSON, 4, "JSON object");
    quire__jobject_init(&o, &a, MAX_TEXT);
    quire__cur_init(&c, NULL, 0, 0);
    assert_int_equal(quire__json_parse_object(&o, &c), QUIRE_E_JSON);
    assert_int_equal(c.err_off, 0);
    quire__jobject_free(&o);
}

static void
test_trailing(void **state)
{
    talloc t;
    quire__allocator a = make_alloc(&t);
    quire__jobject o;
    (void)state;
    expect_err(S("{} x"), QUIRE_E_JSON, 3, "trailing bytes after JSON");
    expect_err(S("{}{}"), QUIRE_E_JSON, 2, "trailing bytes after JSON");
    expect_err(S("{\"a\":1} ,"), QUIRE_E_JSON, 8, "trailing bytes after JSON");
    expect_err(S("{}\0"), QUIRE_E_JSON, 2, "trailing bytes after JSON");
    expect_err(S("{\"a\":1}\n{\"b\":2}"), QUIRE_E_JSON, 8, "trailing bytes after JSON");
    quire__jobject_init(&o, &a, MAX_TEXT);
    parse_ok(&o, S("{\"a\":1}\r\n"));
    assert_int_equal(o.n, 1);
    quire__jobject_free(&o);
}

static void
test_depth(void **state)
{
    talloc t;
    quire__allocator a = make_alloc(&t);
    quire__jobject o;
    quire__cur c;
    char buf[400];
    size_t len;
    size_t i;
    (void)state;
    quire__jobject_init(&o, &a, MAX_TEXT);
    /* the top-level object counts: 63 more levels are allowed */
    len = 0;
    memcpy(buf, "{\"a\":", 5);
    len = 5;
    for (i = 0; i < QUIRE__JSON_MAX_DEPTH - 1; i++) {
        buf[len++] = '[';
    }
    for (i = 0; i < QUIRE__JSON_MAX_DEPTH - 1; i++) {
        buf[len++] = ']';
    }
    buf[len++] = '}';
    parse_ok(&o, buf, len);
    assert_int_equal(o.m[0].n_items, 1);
    assert_int_equal(o.m[0].all_strings, 0);
    /* one more */
    len = 5;
    for (i = 0; i < QUIRE__JSON_MAX_DEPTH; i++) {
        buf[len++] = '[';
    }
    assert_int_equal(parse(&o, &c, buf, len), QUIRE_E_LIMIT);
    assert_int_equal(c.err_off, 5 + QUIRE__JSON_MAX_DEPTH - 1);
    assert_string_equal(c.err_what, "JSON nesting depth");
    /* objects count the same */
    len = 0;
    buf[len++] = '{';
    for (i = 0; i < QUIRE__JSON_MAX_DEPTH - 1; i++) {
        memcpy(buf + len, "\"a\":{", 5);
        len += 5;
    }
    for (i = 0; i < QUIRE__JSON_MAX_DEPTH; i++) {
        buf[len++] = '}';
    }
    parse_ok(&o, buf, len);
    len = 0;
    buf[len++] = '{';
    for (i = 0; i < QUIRE__JSON_MAX_DEPTH; i++) {
        memcpy(buf + len, "\"a\":{", 5);
        len += 5;
    }
    assert_int_equal(parse(&o, &c, buf, len), QUIRE_E_LIMIT);
    assert_int_equal(c.err_off, len - 1);
    /* mixed, with whitespace, deep but closed and reopened many times */
    len = 0;
    memcpy(buf, "{\"a\":[", 6);
    len = 6;
    for (i = 0; i < 60; i++) {
        memcpy(buf + len, "[{}, ", 5);
        len += 5;
    }
    buf[len++] = '1';
    for (i = 0; i < 60; i++) {
        buf[len++] = ']';
    }
    buf[len++] = ']';
    buf[len++] = '}';
    parse_ok(&o, buf, len);
    quire__jobject_free(&o);
    /* check_canonical: 64 levels, then 65 */
    len = 0;
    for (i = 0; i < QUIRE__JSON_MAX_DEPTH; i++) {
        buf[len++] = '[';
    }
    for (i = 0; i < QUIRE__JSON_MAX_DEPTH; i++) {
        buf[len++] = ']';
    }
    expect_canon(buf, len, 0, 0);
    len = 0;
    for (i = 0; i < QUIRE__JSON_MAX_DEPTH + 1; i++) {
        buf[len++] = '[';
    }
    expect_canon(buf, len, QUIRE_E_LIMIT, QUIRE__JSON_MAX_DEPTH);
    /* very deep input fails fast without recursion */
    {
        size_t big = 100000;
        char *deep = (char *)test_malloc(big);
        memset(deep, '[', big);
        deep[0] = '{';
        memcpy(deep + 1, "\"a\":", 4);
        expect_err(deep, big, QUIRE_E_LIMIT, 5 + QUIRE__JSON_MAX_DEPTH - 1, "JSON nesting depth");
        test_free(deep);
    }
}

static void
test_duplicates(void **state)
{
    talloc t;
    quire__allocator a = make_alloc(&t);
    quire__jobject o;
    quire__cur c;
    char *buf;
    size_t len;
    size_t pos60 = 0;
    size_t i;
    (void)state;
    expect_err(S("{\"a\":1,\"b\":2,\"a\":3}"), QUIRE_E_JSON, 13, "duplicate JSON key");
    expect_err(S("{\"a\":1,\"\\u0061\":2}"), QUIRE_E_JSON, 7, "duplicate JSON key");
    expect_err(S("{\"\":1,\"\":2}"), QUIRE_E_JSON, 6, "duplicate JSON key");
    expect_err(S("{\"b\":1,\"a\":2,\"a\":3,\"b\":4}"), QUIRE_E_JSON, 13, "duplicate JSON key");
    quire__jobject_init(&o, &a, MAX_TEXT);
    /* prefixes and NULs are distinct keys */
    parse_ok(&o, S("{\"a\":1,\"ab\":2,\"a\\u0000\":3,\"\":4,\"A\":5}"));
    assert_int_equal(o.n, 5);
    assert_key(&o, 2, S("a\0"));
    /* nested duplicates are kept */
    parse_ok(&o, S("{\"x\":{\"a\":1,\"a\":2}}"));
    assert_val(&o, 0, QUIRE__J_OBJECT, S("{\"a\":1,\"a\":2}"));
    /* large objects: sorted check; keys k0..k199, member 60 repeats k5,
     * member 80 repeats k3 and member 90 repeats k5 again */
    buf = (char *)test_malloc(8192);
    len = 0;
    buf[len++] = '{';
    for (i = 0; i < 200; i++) {
        size_t k = i;
        if (i == 60 || i == 90) {
            k = 5;
        } else if (i == 80) {
            k = 3;
        }
        if (i == 60) {
            pos60 = len;
        }
        len += (size_t)snprintf(buf + len, 8192 - len, "%s\"k%zu\":%zu", i > 0 ? "," : "", k, i);
        if (i == 60) {
            pos60 += 1; /* after the comma */
        }
    }
    buf[len++] = '}';
    assert_int_equal(parse(&o, &c, buf, len), QUIRE_E_JSON);
    assert_int_equal(c.err_off, pos60);
    assert_string_equal(c.err_what, "duplicate JSON key");
    /* the same, unique */
    len = 0;
    buf[len++] = '{';
    for (i = 0; i < 200; i++) {
        len += (size_t)snprintf(buf + len, 8192 - len, "%s\"k%zu\":%zu", i > 0 ? "," : "", i, i);
    }
    buf[len++] = '}';
    parse_ok(&o, buf, len);
    assert_int_equal(o.n, 200);
    assert_key(&o, 199, S("k199"));
    assert_val(&o, 199, QUIRE__J_NUMBER, S("199"));
    /* 33 members (just past the pairwise scan), last repeats the first */
    len = 0;
    buf[len++] = '{';
    for (i = 0; i < 33; i++) {
        if (i == 32) {
            pos60 = len + 1;
        }
        len += (size_t)snprintf(buf + len, 8192 - len, "%s\"k%zu\":0", i > 0 ? "," : "",
                                i == 32 ? (size_t)0 : i);
    }
    buf[len++] = '}';
    assert_int_equal(parse(&o, &c, buf, len), QUIRE_E_JSON);
    assert_int_equal(c.err_off, pos60);
    test_free(buf);
    quire__jobject_free(&o);
}

static void
test_arrays(void **state)
{
    static const uint8_t items[] = {1, 0, 0, 0, 'x', 0, 0, 0, 0, 3, 0, 0, 0, 'y', 0xC3, 0xA9};
    static const uint8_t nul_item[] = {2, 0, 0, 0, 'a', 0};
    talloc t;
    quire__allocator a = make_alloc(&t);
    quire__jobject o;
    (void)state;
    quire__jobject_init(&o, &a, MAX_TEXT);
    parse_ok(&o, S("{\"a\":[\"x\", \"\" , \"y\\u00e9\"],\"b\":[\"x\",1],\"c\":[[\"x\"]],"
                   "\"d\":[[],\"x\"],\"e\":[ ],\"f\":[\"a\\u0000\"],\"g\":[{},\"x\"]}"));
    assert_int_equal(o.n, 7);
    assert_val(&o, 0, QUIRE__J_ARRAY, S("[\"x\",\"\",\"y\xC3\xA9\"]"));
    assert_int_equal(o.m[0].all_strings, 1);
    assert_int_equal(o.m[0].n_items, 3);
    assert_int_equal(o.m[0].items_len, sizeof items);
    assert_memory_equal(o.text.p + o.m[0].items_off, items, sizeof items);
    assert_int_equal(o.m[1].all_strings, 0);
    assert_int_equal(o.m[1].n_items, 2);
    assert_int_equal(o.m[2].all_strings, 0);
    assert_int_equal(o.m[2].n_items, 1);
    assert_val(&o, 2, QUIRE__J_ARRAY, S("[[\"x\"]]"));
    assert_int_equal(o.m[3].all_strings, 0);
    assert_int_equal(o.m[3].n_items, 2);
    assert_val(&o, 4, QUIRE__J_ARRAY, S("[]"));
    assert_int_equal(o.m[4].all_strings, 1);
    assert_int_equal(o.m[4].n_items, 0);
    assert_int_equal(o.m[4].items_len, 0);
    assert_int_equal(o.m[5].items_len, sizeof nul_item);
    assert_memory_equal(o.text.p + o.m[5].items_off, nul_item, sizeof nul_item);
    assert_int_equal(o.m[6].all_strings, 0);
    assert_int_equal(o.m[6].n_items, 2);
    /* other kinds leave the array fields zero */
    parse_ok(&o, S("{\"o\":{\"a\":[\"x\"]},\"s\":\"x\"}"));
    assert_int_equal(o.m[0].n_items, 0);
    assert_int_equal(o.m[0].items_len, 0);
    assert_int_equal(o.m[1].n_items, 0);
    quire__jobject_free(&o);
}

/* ====================================================================
 * Limits, memory, reuse, cursor base
 * ==================================================================== */

static void
test_max_text(void **state)
{
    talloc t;
    quire__allocator a = make_alloc(&t);
    quire__jobject o;
    quire__cur c;
    (void)state;
    /* "abc" + "def" */
    quire__jobject_init(&o, &a, 6);
    parse_ok(&o, S("{\"abc\":\"def\"}"));
    quire__jobject_free(&o);
    quire__jobject_init(&o, &a, 5);
    assert_int_equal(parse(&o, &c, S("{\"abc\":\"def\"}")), QUIRE_E_LIMIT);
    assert_string_equal(c.err_what, "JSON text size");
    assert_int_equal(o.n, 0);
    quire__jobject_free(&o);
    /* "a" + ["x"] + items (4 + 1) = 11 */
    quire__jobject_init(&o, &a, 11);
    parse_ok(&o, S("{\"a\":[\"x\"]}"));
    quire__jobject_free(&o);
    quire__jobject_init(&o, &a, 10);
    assert_int_equal(parse(&o, &c, S("{\"a\":[\"x\"]}")), QUIRE_E_LIMIT);
    quire__jobject_free(&o);
    /* nested value text */
    quire__jobject_init(&o, &a, 8);
    assert_int_equal(parse(&o, &c, S("{\"a\":{\"bb\":[1,2]}}")), QUIRE_E_LIMIT);
    quire__jobject_free(&o);
    /* the bound is met inside a string, after escapes */
    quire__jobject_init(&o, &a, 4);
    assert_int_equal(parse(&o, &c, S("{\"a\":\"\\n\\n\\n\\n\"}")), QUIRE_E_LIMIT);
    assert_int_equal(parse(&o, &c, S("{\"a\":\"\\u00e9\\u00e9\"}")), QUIRE_E_LIMIT);
    assert_int_equal(parse(&o, &c, S("{\"a\":\"\\u00e9x\"}")), 0);
    quire__jobject_free(&o);
    quire__jobject_init(&o, &a, 0);
    parse_ok(&o, S("{}"));
    assert_int_equal(parse(&o, &c, S("{\"\":\"\"}")), 0);
    assert_int_equal(parse(&o, &c, S("{\"a\":1}")), QUIRE_E_LIMIT);
    quire__jobject_free(&o);
}

static void
test_nomem(void **state)
{
    talloc t;
    quire__allocator a = make_alloc(&t);
    quire__jobject o;
    quire__cur c;
    char *buf;
    size_t len = 0;
    size_t i;
    long n;
    int ok = 0;
    (void)state;
    buf = (char *)test_malloc(32768);
    buf[len++] = '{';
    for (i = 0; i < 40; i++) {
        len += (size_t)snprintf(buf + len, 32768 - len,
                                "%s\"key%zu\":[\"%0300zu\",{\"n\":\"%0100zu\"}],\"s%zu\":[\"a\"]",
                                i > 0 ? "," : "", i, i, i, i);
    }
    buf[len++] = '}';
    for (n = 0; n < 200 && !ok; n++) {
        int rc;
        quire__jobject_init(&o, &a, MAX_TEXT);
        t.calls = 0;
        t.fail_after = n;
        rc = parse(&o, &c, buf, len);
        if (rc == 0) {
            ok = 1;
            assert_int_equal(o.n, 80);
        } else {
            assert_int_equal(rc, QUIRE_E_NOMEM);
            assert_int_equal(o.n, 0);
        }
        quire__jobject_free(&o);
    }
    assert_true(ok);
    assert_true(n > 3);
    /* check_canonical too */
    ok = 0;
    for (n = 0; n < 50 && !ok; n++) {
        int rc;
        t.calls = 0;
        t.fail_after = n;
        quire__cur_init(&c, S("{\"a\":[\"x\",{\"b\":\"c\"}]}"), 0);
        rc = quire__json_check_canonical(&c, &a);
        if (rc == 0) {
            ok = 1;
        } else {
            assert_int_equal(rc, QUIRE_E_NOMEM);
        }
    }
    assert_true(ok);
    test_free(buf);
}

static void
test_reuse_and_base(void **state)
{
    talloc t;
    quire__allocator a = make_alloc(&t);
    quire__jobject o;
    quire__cur c;
    (void)state;
    quire__jobject_init(&o, &a, MAX_TEXT);
    parse_ok(&o, S("{\"a\":\"x\",\"b\":[\"y\"]}"));
    assert_int_equal(o.n, 2);
    parse_ok(&o, S("{\"c\":true}"));
    assert_int_equal(o.n, 1);
    assert_key(&o, 0, S("c"));
    assert_val(&o, 0, QUIRE__J_TRUE, S("true"));
    /* a failure after a success leaves the object empty */
    assert_int_equal(parse(&o, &c, S("{\"c\":tru}")), QUIRE_E_JSON);
    assert_int_equal(o.n, 0);
    assert_int_equal(o.text.len, 0);
    /* offsets are absolute */
    quire__cur_init(&c, S("{\"a\":1,\"a\":2}"), 1000);
    assert_int_equal(quire__json_parse_object(&o, &c), QUIRE_E_JSON);
    assert_int_equal(c.err_off, 1007);
    quire__cur_init(&c, S("{\"a\":\"\xFF\"}"), 1 << 20);
    assert_int_equal(quire__json_parse_object(&o, &c), QUIRE_E_UTF8);
    assert_int_equal(c.err_off, (1 << 20) + 6);
    /* a cursor that already failed is returned as is */
    quire__cur_init(&c, S("{}"), 0);
    quire__cur_fail(&c, QUIRE_E_TRUNCATED, "earlier");
    assert_int_equal(quire__json_parse_object(&o, &c), QUIRE_E_TRUNCATED);
    assert_string_equal(c.err_what, "earlier");
    assert_int_equal(quire__json_check_canonical(&c, &a), QUIRE_E_TRUNCATED);
    quire__jobject_free(&o);
    quire__jobject_free(&o); /* twice is fine */
}

/* ====================================================================
 * Canonical form
 * ==================================================================== */

static void
test_canonical_valid(void **state)
{
    (void)state;
    expect_canon(S("{\"a\":[1,true,null,false,\"x\\n\"],\"b\":{}}"), 0, 0);
    expect_canon(S("\"str\""), 0, 0);
    expect_canon(S("\"\""), 0, 0);
    expect_canon(S("1.5e10"), 0, 0);
    expect_canon(S("-0"), 0, 0);
    expect_canon(S("-1E-2"), 0, 0);
    expect_canon(S("[]"), 0, 0);
    expect_canon(S("{}"), 0, 0);
    expect_canon(S("null"), 0, 0);
    expect_canon(S("true"), 0, 0);
    expect_canon(S("\"\\u0001\\u001f\\b\\f\\n\\r\\t\\\"\\\\/\x7F\xC3\xA9\""), 0, 0);
    expect_canon(S("\"\\u0000\""), 0, 0);
    expect_canon(S("{\"a\":1,\"a\":2}"), 0, 0); /* duplicates only matter at the top level */
    expect_canon(S("[\"\xF0\x9F\x98\x80\"]"), 0, 0);
}

static void
test_canonical_invalid(void **state)
{
    (void)state;
    expect_canon(S(" 1"), QUIRE_E_JSON, 0);
    expect_canon(S("1 "), QUIRE_E_JSON, 1);
    expect_canon(S("[1, 2]"), QUIRE_E_JSON, 3);
    expect_canon(S("{\"a\" :1}"), QUIRE_E_JSON, 4);
    expect_canon(S("\"\\u00e9\""), QUIRE_E_JSON, 1);
    expect_canon(S("\"\\/\""), QUIRE_E_JSON, 1);
    expect_canon(S("\"\\u001F\""), QUIRE_E_JSON, 6);
    expect_canon(S("\"\\u000a\""), QUIRE_E_JSON, 2);
    expect_canon(S("\"\\u007f\""), QUIRE_E_JSON, 1);
    expect_canon(S("\"\\ud83d\\ude00\""), QUIRE_E_JSON, 1);
    expect_canon(S("[\"a\",\"\\u0062\"]"), QUIRE_E_JSON, 6);
    expect_canon(S("{\"\\u0061\":1}"), QUIRE_E_JSON, 2);
    expect_canon(S("[\n]"), QUIRE_E_JSON, 1);
    /* not JSON at all */
    expect_canon(S(""), QUIRE_E_JSON, 0);
    expect_canon(S("1 2"), QUIRE_E_JSON, 2);
    expect_canon(S("[1,]"), QUIRE_E_JSON, 3);
    expect_canon(S("01"), QUIRE_E_JSON, 1);
    expect_canon(S("1."), QUIRE_E_JSON, 2);
    expect_canon(S("\"\\ud800\""), QUIRE_E_UTF8, 1);
    expect_canon(S("\"\xC0\x80\""), QUIRE_E_UTF8, 1);
    expect_canon(S("\"\x01\""), QUIRE_E_JSON, 1);
    expect_canon(S("nul"), QUIRE_E_JSON, 3);
    expect_canon(S("}"), QUIRE_E_JSON, 0);
}

static void
test_put_string(void **state)
{
    static const char want_ctl[] =
        "\"\\u0000\\u0001\\u0002\\u0003\\u0004\\u0005\\u0006\\u0007\\b\\t\\n\\u000b\\f\\r"
        "\\u000e\\u000f\\u0010\\u0011\\u0012\\u0013\\u0014\\u0015\\u0016\\u0017\\u0018\\u0019"
        "\\u001a\\u001b\\u001c\\u001d\\u001e\\u001f\"";
    talloc t;
    quire__allocator a = make_alloc(&t);
    quire__buf b;
    uint8_t ctl[32];
    size_t i;
    (void)state;
    quire__buf_init(&b, &a, MAX_TEXT);
    quire__json_put_string(&b, NULL, 0);
    assert_int_equal(b.len, 2);
    assert_memory_equal(b.p, "\"\"", 2);
    quire__buf_reset(&b);
    for (i = 0; i < 32; i++) {
        ctl[i] = (uint8_t)i;
    }
    quire__json_put_string(&b, ctl, 32);
    assert_int_equal(b.len, sizeof want_ctl - 1);
    assert_memory_equal(b.p, want_ctl, sizeof want_ctl - 1);
    quire__buf_reset(&b);
    quire__json_put_string(&b, (const uint8_t *)"a\"b\\c/d\x7F\xC3\xA9 ", 11);
    assert_int_equal(b.len, 15);
    assert_memory_equal(b.p, "\"a\\\"b\\\\c/d\x7F\xC3\xA9 \"", 15);
    assert_int_equal(b.err, 0);
    quire__buf_free(&b);
    /* a bound too small sets the sticky error */
    quire__buf_init(&b, &a, 4);
    quire__json_put_string(&b, (const uint8_t *)"abc", 3);
    assert_int_equal(b.err, QUIRE_E_LIMIT);
    quire__buf_free(&b);
}

/* Parses, re-serializes every member as {"key":value,...}, parses again:
 * the members must be identical and the text canonical. */
static void
test_fixed_point(void **state)
{
    static const char *inputs[] = {
        ("{\"id\": \"x:1\", \"title\": \"T\\u00e9\\/\\ud83d\\ude00\", \"url\": null, "
         "\"authors\": [\"A\", \"B\\n\"], \"extra\": {\"k\": [1, 2.5, true, {\"\\u0001\": []}]}}"),
        "{}",
        "{\"\":\"\",\"\\u0000\":[\"\\u0000\"],\"n\":-0.0e-0}",
    };
    talloc t;
    quire__allocator a = make_alloc(&t);
    size_t k;
    (void)state;
    for (k = 0; k < sizeof inputs / sizeof inputs[0]; k++) {
        quire__jobject o1;
        quire__jobject o2;
        quire__buf b;
        quire__cur c;
        size_t i;
        quire__jobject_init(&o1, &a, MAX_TEXT);
        quire__jobject_init(&o2, &a, MAX_TEXT);
        quire__buf_init(&b, &a, MAX_TEXT);
        parse_ok(&o1, inputs[k], strlen(inputs[k]));
        quire__put_u8(&b, '{');
        for (i = 0; i < o1.n; i++) {
            const quire__jmember *m = &o1.m[i];
            if (i > 0) {
                quire__put_u8(&b, ',');
            }
            quire__json_put_string(&b, o1.text.p + m->key_off, m->key_len);
            quire__put_u8(&b, ':');
            if (m->kind == QUIRE__J_STRING) {
                quire__json_put_string(&b, o1.text.p + m->val_off, m->val_len);
            } else {
                quire__put_bytes(&b, o1.text.p + m->val_off, m->val_len);
            }
        }
        quire__put_u8(&b, '}');
        assert_int_equal(b.err, 0);
        quire__cur_init(&c, b.p, b.len, 0);
        assert_int_equal(quire__json_check_canonical(&c, &a), 0);
        parse_ok(&o2, (const char *)b.p, b.len);
        assert_int_equal(o1.n, o2.n);
        assert_int_equal(o1.text.len, o2.text.len);
        if (o1.text.len > 0) {
            assert_memory_equal(o1.text.p, o2.text.p, o1.text.len);
        }
        for (i = 0; i < o1.n; i++) {
            assert_memory_equal(&o1.m[i], &o2.m[i], sizeof o1.m[i]);
        }
        quire__buf_free(&b);
        quire__jobject_free(&o1);
        quire__jobject_free(&o2);
    }
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_utf8_valid),      cmocka_unit_test(test_utf8_invalid),
        cmocka_unit_test(test_news_line),       cmocka_unit_test(test_empty_and_whitespace),
        cmocka_unit_test(test_numbers_valid),   cmocka_unit_test(test_numbers_invalid),
        cmocka_unit_test(test_literals),        cmocka_unit_test(test_escapes),
        cmocka_unit_test(test_bad_escapes),     cmocka_unit_test(test_surrogates),
        cmocka_unit_test(test_control_chars),   cmocka_unit_test(test_bad_utf8_in_strings),
        cmocka_unit_test(test_long_strings),    cmocka_unit_test(test_structure_errors),
        cmocka_unit_test(test_not_an_object),   cmocka_unit_test(test_trailing),
        cmocka_unit_test(test_depth),           cmocka_unit_test(test_duplicates),
        cmocka_unit_test(test_arrays),          cmocka_unit_test(test_max_text),
        cmocka_unit_test(test_nomem),           cmocka_unit_test(test_reuse_and_base),
        cmocka_unit_test(test_canonical_valid), cmocka_unit_test(test_canonical_invalid),
        cmocka_unit_test(test_put_string),      cmocka_unit_test(test_fixed_point),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
