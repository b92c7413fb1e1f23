/*
 * fuzz_json.c - libFuzzer target for format/json.c.
 *
 * Checks the canonical-JSON test both ways (its fast path against the full
 * parse and re-serialization: the same verdict on every input). Parses the
 * input as a JSON object. On success, re-serializes the members as
 * {"key":value,...} and checks that the result is canonical and parses back to
 * identical members (a canonical-form fixed point). Also checks that a
 * canonical object parses, and serializes back to itself byte for byte.
 * Any broken invariant abort()s.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cursor.h"
#include "json.h"
#include "quire.h"
#include "utf8.h"

#define FUZZ_MAX_INPUT ((size_t)1 << 20)


/* The members' bytes; an object whose keys and values are all empty has
 * no text buffer, and NULL + 0 is undefined. */
static const uint8_t *
tp(const quire__jobject *o)
{
    return o->text.p != NULL ? o->text.p : (const uint8_t *)"";
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void *
f_alloc(void *opaque, size_t n)
{
    (void)opaque;
    return malloc(n);
}

static void
f_free(void *opaque, void *p)
{
    (void)opaque;
    free(p);
}

static void
check(int ok)
{
    if (!ok) {
        abort();
    }
}

static int
same_bytes(const quire__jobject *a, size_t a_off, size_t a_len, const quire__jobject *b,
           size_t b_off, size_t b_len)
{
    if (a_len != b_len) {
        return 0;
    }
    return a_len == 0 || memcmp(tp(a) + a_off, tp(b) + b_off, a_len) == 0;
}

/* A failed call leaves a sane code, offset and name, and an empty object. */
static void
check_failure(const quire__cur *c, int rc, size_t size)
{
    check(rc == QUIRE_E_JSON || rc == QUIRE_E_UTF8 || rc == QUIRE_E_LIMIT || rc == QUIRE_E_NOMEM);
    check(c->err == rc);
    check(c->err_off <= size);
    check(c->err_what != NULL);
}

/* Strings handed out are valid UTF-8; array items add up. */
static void
check_member(const quire__jobject *o, const quire__jmember *m, const quire__allocator *a)
{
    const uint8_t *t = o->text.p;
    check(m->key_off <= o->text.len && m->key_len <= o->text.len - m->key_off);
    check(m->val_off <= o->text.len && m->val_len <= o->text.len - m->val_off);
    check(m->key_len == 0 || quire__utf8_check(t + m->key_off, m->key_len, NULL));
    if (m->kind == QUIRE__J_STRING) {
        check(m->val_len == 0 || quire__utf8_check(t + m->val_off, m->val_len, NULL));
    } else {
        quire__cur c;
        quire__cur_init(&c, t + m->val_off, m->val_len, 0);
        check(quire__json_check_canonical(&c, a) == 0);
    }
    if (m->kind == QUIRE__J_ARRAY && m->all_strings) {
        size_t off = 0;
        size_t items = 0;
        check(m->items_off <= o->text.len && m->items_len <= o->text.len - m->items_off);
        while (off < m->items_len) {
            uint32_t n;
            check(m->items_len - off >= 4);
            n = quire__ld32(t + m->items_off + off);
            off += 4;
            check(n <= m->items_len - off);
            check(n == 0 || quire__utf8_check(t + m->items_off + off, n, NULL));
            off += n;
            items++;
        }
        check(items == m->n_items);
    } else {
        check(m->items_len == 0);
    }
}

static void
serialize(const quire__jobject *o, quire__buf *b)
{
    size_t i;
    quire__put_u8(b, '{');
    for (i = 0; i < o->n; i++) {
        const quire__jmember *m = &o->m[i];
        if (i > 0) {
            quire__put_u8(b, ',');
        }
        quire__json_put_string(b, tp(o) + m->key_off, m->key_len);
        quire__put_u8(b, ':');
        if (m->kind == QUIRE__J_STRING) {
            quire__json_put_string(b, tp(o) + m->val_off, m->val_len);
        } else {
            quire__put_bytes(b, tp(o) + m->val_off, m->val_len);
        }
    }
    quire__put_u8(b, '}');
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    quire__allocator a;
    quire__jobject o1;
    quire__jobject o2;
    quire__buf b;
    quire__cur c;
    uint8_t *in;
    size_t max_text;
    size_t i;
    int rc;
    int canon_rc;
    if (size > FUZZ_MAX_INPUT) {
        return 0;
    }
    /* an exact-size copy, so reading past the end is caught */
    in = (uint8_t *)malloc(size != 0 ? size : 1);
    if (in == NULL) {
        return 0;
    }
    if (size != 0) {
        memcpy(in, data, size);
    }
    a.alloc = f_alloc;
    a.free = f_free;
    a.opaque = NULL;
    /* keys and values take at most the input size; string items (a 4-byte
     * length per item of at least 3 input bytes) at most 4/3 of it */
    max_text = 3 * size + 16;
    quire__jobject_init(&o1, &a, max_text);
    quire__jobject_init(&o2, &a, max_text);
    quire__buf_init(&b, &a, max_text);

    quire__cur_init(&c, in, size, 0);
    canon_rc = quire__json_check_canonical(&c, &a);
    if (canon_rc != 0) {
        check_failure(&c, canon_rc, size);
    } else {
        check(c.off == size);
    }
    /* the fast check and the full one agree: neither accepts a text the
     * other rejects (a full-path failure for memory aside) */
    {
        int fast = quire__json_canonical_fast(in, size);
        quire__cur_init(&c, in, size, 0);
        rc = quire__json_check_canonical_full(&c, &a);
        check(!fast || rc == 0);
        check(fast || rc != 0);
        check(rc == canon_rc);
    }

    quire__cur_init(&c, in, size, 0);
    rc = quire__json_parse_object(&o1, &c);
    if (rc != 0) {
        check_failure(&c, rc, size);
        check(rc != QUIRE_E_LIMIT || strcmp(c.err_what, "JSON nesting depth") == 0);
        check(o1.n == 0 && o1.text.len == 0);
        /* a canonical object fails only on a duplicate key */
        if (canon_rc == 0 && size > 0 && in[0] == '{') {
            check(rc == QUIRE_E_JSON && strcmp(c.err_what, "duplicate JSON key") == 0);
        }
        goto out;
    }
    check(c.off == size);
    for (i = 0; i < o1.n; i++) {
        check_member(&o1, &o1.m[i], &a);
    }

    serialize(&o1, &b);
    check(b.err == 0);
    check(b.len <= size);
    if (canon_rc == 0) {
        check(b.len == size && memcmp(b.p, in, size) == 0);
    }
    quire__cur_init(&c, b.p, b.len, 0);
    check(quire__json_check_canonical(&c, &a) == 0);

    quire__cur_init(&c, b.p, b.len, 0);
    check(quire__json_parse_object(&o2, &c) == 0);
    check(o2.n == o1.n);
    for (i = 0; i < o1.n; i++) {
        const quire__jmember *m1 = &o1.m[i];
        const quire__jmember *m2 = &o2.m[i];
        check(same_bytes(&o1, m1->key_off, m1->key_len, &o2, m2->key_off, m2->key_len));
        check(m1->kind == m2->kind);
        check(same_bytes(&o1, m1->val_off, m1->val_len, &o2, m2->val_off, m2->val_len));
        check(m1->all_strings == m2->all_strings);
        check(m1->n_items == m2->n_items);
        check(same_bytes(&o1, m1->items_off, m1->items_len, &o2, m2->items_off, m2->items_len));
    }
out:
    quire__buf_free(&b);
    quire__jobject_free(&o1);
    quire__jobject_free(&o2);
    free(in);
    return 0;
}
