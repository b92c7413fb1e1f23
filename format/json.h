/*
 * json.h - strict RFC 8259 JSON parser and canonical compact serializer.
 *
 * Pure: no I/O, no globals; memory only through the quire__allocator given.
 * Every input byte is read through a quire__cur, never outside
 * buf[off..len). Iterative: nesting is kept on a small fixed stack, at most
 * QUIRE__JSON_MAX_DEPTH open arrays and objects (the top-level object
 * counts as one); deeper is QUIRE_E_LIMIT.
 *
 * Canonical compact form of a value: no whitespace outside strings; member
 * and item order as in the input (nested duplicate keys kept); numbers
 * copied verbatim after checking the RFC 8259 grammar; null, true, false;
 * strings as quire__json_put_string writes them (see below). The canonical
 * form of a value is never longer than its input text.
 *
 * Errors (code in the cursor, err_off the offending byte, err_what static):
 *  QUIRE_E_JSON  grammar, including input that ends early (err_off = end),
 *                raw control bytes (< 0x20) in strings, bad escapes, a
 *                top-level value that is not an object, duplicate top-level
 *                keys (offset of the second one), trailing bytes, and text
 *                that is not canonical (quire__json_check_canonical);
 *  QUIRE_E_UTF8  raw string bytes that are not UTF-8 (offset of the bad
 *                sequence) or a lone or misordered surrogate escape (offset
 *                of its backslash);
 *  QUIRE_E_LIMIT nesting deeper than QUIRE__JSON_MAX_DEPTH, or text beyond
 *                max_text;
 *  QUIRE_E_NOMEM allocation failed.
 */
#ifndef QUIRE_FORMAT_JSON_H
#define QUIRE_FORMAT_JSON_H

#include "cursor.h"

#define QUIRE__JSON_MAX_DEPTH 64

enum {
    QUIRE__J_NULL,
    QUIRE__J_FALSE,
    QUIRE__J_TRUE,
    QUIRE__J_NUMBER,
    QUIRE__J_STRING,
    QUIRE__J_ARRAY,
    QUIRE__J_OBJECT
};

typedef struct quire__jmember {
    size_t key_off, key_len;     /* unescaped UTF-8 key, in o->text */
    int kind;                    /* QUIRE__J_* of the value */
    size_t val_off, val_len;     /* STRING: the unescaped UTF-8 string; every other kind: the
                                    canonical compact JSON text of the value; in o->text */
    int all_strings;             /* ARRAY: 1 if every item is a string (1 for an empty array) */
    size_t n_items;              /* ARRAY: number of items */
    size_t items_off, items_len; /* ARRAY whose items are all strings: the items unescaped, each as
                                    a 4-byte little-endian length then the bytes, in o->text */
} quire__jmember;

typedef struct quire__jobject {
    quire__jmember *m; /* members in input order */
    size_t n, cap;
    quire__buf text; /* holds every key/value byte the members point at */
    const quire__allocator *a;
} quire__jobject;

/* Prepares an empty object; o->text may hold at most max_text bytes. */
void quire__jobject_init(quire__jobject *o, const quire__allocator *a, size_t max_text);
/* Releases o's memory and leaves it empty and reusable. */
void quire__jobject_free(quire__jobject *o);

/* Parses in[0..len) which must be exactly one JSON object with optional surrounding whitespace
 * (space, tab, CR, LF). Fills o (clearing it first; memory is reused). Returns 0, or the error
 * code with o left empty and c (which the caller initialized over in[0..len) with
 * quire__cur_init) holding err, err_off and err_what. A cursor that already holds an error is
 * returned unchanged. Offsets inside the members point into o->text and stay valid until the
 * next parse or quire__jobject_free. */
int quire__json_parse_object(quire__jobject *o, quire__cur *c);

/* Parses a single JSON value text of any kind (used to validate stored JSON fields): returns 0
 * if c's remaining bytes are exactly one value already in canonical compact form (no
 * surrounding whitespace), else an error code with c filled ("non-canonical JSON" at the first
 * byte that differs from the canonical form, when the text is otherwise valid). Uses a and at
 * most about twice the input size in scratch memory. */
int quire__json_check_canonical(quire__cur *c, const quire__allocator *a);
/* Its two halves: the fast one answers 1 when p[0..n) is certainly canonical
 * (no allocation, no copy); the full one parses, re-serializes and compares,
 * and alone says what is wrong. quire__json_check_canonical runs the full
 * one only when the fast one is not sure; both give the same verdict on
 * every text (fuzz_json checks it). */
int quire__json_canonical_fast(const uint8_t *p, size_t n);
int quire__json_check_canonical_full(quire__cur *c, const quire__allocator *a);

/* Appends the JSON string literal for s[0..n) (s is valid UTF-8) to b: '"' and '\' escaped as
 * \" and \\; U+0008, U+0009, U+000A, U+000C, U+000D as \b \t \n \f \r; other bytes below 0x20
 * as \u00xx (lowercase hex); everything else, '/' and 0x7F included, raw. Errors stay sticky
 * in b->err. */
void quire__json_put_string(quire__buf *b, const uint8_t *s, size_t n);

#endif
