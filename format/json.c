/* json.c - strict RFC 8259 JSON parser and canonical compact serializer. */
#include "json.h"

#include <string.h>

#include "quire.h"
#include "utf8.h"

/* Up to this many members, duplicate keys are found by a pairwise scan;
 * beyond, by sorting an index array. */
#define JSON_SMALL_OBJECT 32

/* Scratch state shared by the value reader. */
typedef struct jctx {
    quire__buf s;     /* one unescaped string */
    quire__buf items; /* string items of the root array: u32 LE length, then the bytes */
    int want_items;   /* fill items, n_items and all_strings */
    size_t n_items;
    int all_strings;
} jctx;

static void
jctx_init(jctx *x, const quire__allocator *a, size_t max, int want_items)
{
    quire__buf_init(&x->s, a, max);
    quire__buf_init(&x->items, a, max);
    x->want_items = want_items;
    x->n_items = 0;
    x->all_strings = 1;
}

static void
jctx_free(jctx *x)
{
    quire__buf_free(&x->s);
    quire__buf_free(&x->items);
}

/* ====================================================================
 * Cursor helpers: every byte is peeked only when one remains, and
 * consumed through quire__get_bytes.
 * ==================================================================== */

static int
jpeek(const quire__cur *c)
{
    if (c->err != 0 || quire__cur_left(c) == 0) {
        return -1;
    }
    return (int)c->buf[c->off];
}

/* Consumes n bytes already seen. */
static void
jskip(quire__cur *c, size_t n)
{
    (void)quire__get_bytes(c, n, "JSON");
}

/* Fails at the current byte. */
static int
jfail(quire__cur *c, int code, const char *what)
{
    return quire__cur_fail(c, code, what);
}

/* The input ended inside a value: invalid JSON, at the end offset. */
static int
jeof(quire__cur *c, const char *what)
{
    return quire__cur_fail(c, QUIRE_E_JSON, what);
}

/* Moves a buffer's sticky error into the cursor. */
static int
jbuf(quire__cur *c, const quire__buf *b)
{
    if (b->err == 0) {
        return c->err;
    }
    return quire__cur_fail(c, b->err, b->err == QUIRE_E_LIMIT ? "JSON text size" : "JSON memory");
}

static int
is_digit(int ch)
{
    return ch >= '0' && ch <= '9';
}

static void
skip_ws(quire__cur *c)
{
    for (;;) {
        int ch = jpeek(c);
        if (ch != ' ' && ch != '\t' && ch != '\n' && ch != '\r') {
            return;
        }
        jskip(c, 1);
    }
}

/* ====================================================================
 * Strings
 * ==================================================================== */

static int
hex_value(int ch)
{
    if (ch >= '0' && ch <= '9') {
        return ch - '0';
    }
    if (ch >= 'a' && ch <= 'f') {
        return ch - 'a' + 10;
    }
    if (ch >= 'A' && ch <= 'F') {
        return ch - 'A' + 10;
    }
    return -1;
}

/* Reads the 4 hex digits after "\u". */
static int
read_hex4(quire__cur *c, const char *what, uint32_t *out)
{
    uint32_t v = 0;
    int i;
    for (i = 0; i < 4; i++) {
        int ch = jpeek(c);
        int h;
        if (ch < 0) {
            return jeof(c, what);
        }
        h = hex_value(ch);
        if (h < 0) {
            return jfail(c, QUIRE_E_JSON, what);
        }
        v = (v << 4) | (uint32_t)h;
        jskip(c, 1);
    }
    *out = v;
    return 0;
}

/* cp is a Unicode scalar value (no surrogates, <= U+10FFFF). */
static void
put_utf8(quire__buf *b, uint32_t cp)
{
    uint8_t t[4];
    size_t n;
    if (cp < 0x80) {
        t[0] = (uint8_t)cp;
        n = 1;
    } else if (cp < 0x800) {
        t[0] = (uint8_t)(0xC0 | (cp >> 6));
        t[1] = (uint8_t)(0x80 | (cp & 0x3F));
        n = 2;
    } else if (cp < 0x10000) {
        t[0] = (uint8_t)(0xE0 | (cp >> 12));
        t[1] = (uint8_t)(0x80 | ((cp >> 6) & 0x3F));
        t[2] = (uint8_t)(0x80 | (cp & 0x3F));
        n = 3;
    } else {
        t[0] = (uint8_t)(0xF0 | (cp >> 18));
        t[1] = (uint8_t)(0x80 | ((cp >> 12) & 0x3F));
        t[2] = (uint8_t)(0x80 | ((cp >> 6) & 0x3F));
        t[3] = (uint8_t)(0x80 | (cp & 0x3F));
        n = 4;
    }
    quire__put_bytes(b, t, n);
}

/* Reads a \u escape (the cursor after the 'u'; esc is the offset of its
 * backslash) and appends the character. A high surrogate must be followed
 * at once by an escaped low surrogate. */
static int
read_u_escape(quire__cur *c, quire__buf *out, size_t esc, const char *what)
{
    uint32_t cp;
    uint32_t lo;
    int ch;
    if (read_hex4(c, what, &cp) != 0) {
        return c->err;
    }
    if (cp >= 0xDC00 && cp <= 0xDFFF) {
        return quire__cur_fail_at(c, esc, QUIRE_E_UTF8, what);
    }
    if (cp >= 0xD800 && cp <= 0xDBFF) {
        ch = jpeek(c);
        if (ch < 0) {
            return jeof(c, what);
        }
        if (ch != '\\') {
            return quire__cur_fail_at(c, esc, QUIRE_E_UTF8, what);
        }
        jskip(c, 1);
        ch = jpeek(c);
        if (ch < 0) {
            return jeof(c, what);
        }
        if (ch != 'u') {
            return quire__cur_fail_at(c, esc, QUIRE_E_UTF8, what);
        }
        jskip(c, 1);
        if (read_hex4(c, what, &lo) != 0) {
            return c->err;
        }
        if (lo < 0xDC00 || lo > 0xDFFF) {
            return quire__cur_fail_at(c, esc, QUIRE_E_UTF8, what);
        }
        cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
    }
    put_utf8(out, cp);
    return 0;
}

/* Reads one string literal (the cursor on its opening quote) and appends its
 * unescaped UTF-8 to out. The one unescaper for keys and values at any depth. */
static int
read_string(quire__cur *c, quire__buf *out, const char *what)
{
    jskip(c, 1);
    for (;;) {
        size_t left = quire__cur_left(c);
        size_t k = 0;
        size_t esc;
        uint8_t seen = 0;
        uint8_t byte;
        int ch;
        if (c->err != 0) {
            return c->err;
        }
        if (left > 0) {
            /* a run of plain bytes; reads only buf[off..len) */
            const uint8_t *run = c->buf + c->off;
            while (k < left && run[k] >= 0x20 && run[k] != '"' && run[k] != '\\') {
                seen |= run[k];
                k++;
            }
            if (k > 0) {
                size_t bad;
                const uint8_t *p;
                /* the run ends at an ASCII byte or the end, so a valid string
                 * never splits a sequence between runs */
                if ((seen & 0x80) != 0 && !quire__utf8_check(run, k, &bad)) {
                    return quire__cur_fail_at(c, c->off + bad, QUIRE_E_UTF8, what);
                }
                p = quire__get_bytes(c, k, what);
                if (p == NULL) {
                    return c->err;
                }
                quire__put_bytes(out, p, k);
            }
        }
        ch = jpeek(c);
        if (ch < 0) {
            return jeof(c, what);
        }
        if (ch == '"') {
            jskip(c, 1);
            return jbuf(c, out);
        }
        if (ch < 0x20) {
            /* RFC 8259 7: control characters must be escaped */
            return jfail(c, QUIRE_E_JSON, what);
        }
        /* a backslash */
        esc = c->off;
        jskip(c, 1);
        ch = jpeek(c);
        switch (ch) {
        case -1:
            return jeof(c, what);
        case '"':
        case '\\':
        case '/':
            byte = (uint8_t)ch;
            break;
        case 'b':
            byte = 0x08;
            break;
        case 'f':
            byte = 0x0C;
            break;
        case 'n':
            byte = 0x0A;
            break;
        case 'r':
            byte = 0x0D;
            break;
        case 't':
            byte = 0x09;
            break;
        case 'u':
            jskip(c, 1);
            if (read_u_escape(c, out, esc, what) != 0) {
                return c->err;
            }
            if (out->err != 0) {
                return jbuf(c, out);
            }
            continue;
        default:
            return jfail(c, QUIRE_E_JSON, what);
        }
        jskip(c, 1);
        quire__put_u8(out, byte);
        if (out->err != 0) {
            return jbuf(c, out);
        }
    }
}

/* see json.h */
void
quire__json_put_string(quire__buf *b, const uint8_t *s, size_t n)
{
    static const char hex[] = "0123456789abcdef";
    size_t need;
    size_t run = 0;
    size_t i;
    if (quire__add_ok(n, 2, &need)) {
        /* the literal takes at least n + 2 bytes: one reservation in the common case */
        (void)quire__buf_reserve(b, need);
    }
    quire__put_u8(b, '"');
    for (i = 0; i < n; i++) {
        uint8_t ch = s[i];
        uint8_t t[6];
        size_t tn = 2;
        if (ch >= 0x20 && ch != '"' && ch != '\\') {
            continue;
        }
        if (i > run) {
            quire__put_bytes(b, s + run, i - run);
        }
        run = i + 1;
        t[0] = '\\';
        switch (ch) {
        case '"':
        case '\\':
            t[1] = ch;
            break;
        case 0x08:
            t[1] = 'b';
            break;
        case 0x09:
            t[1] = 't';
            break;
        case 0x0A:
            t[1] = 'n';
            break;
        case 0x0C:
            t[1] = 'f';
            break;
        case 0x0D:
            t[1] = 'r';
            break;
        default:
            t[1] = 'u';
            t[2] = '0';
            t[3] = '0';
            t[4] = (uint8_t)hex[ch >> 4];
            t[5] = (uint8_t)hex[ch & 0x0F];
            tn = 6;
            break;
        }
        quire__put_bytes(b, t, tn);
    }
    if (n > run) {
        quire__put_bytes(b, s + run, n - run);
    }
    quire__put_u8(b, '"');
}

/* ====================================================================
 * Numbers and literals
 * ==================================================================== */

/* Fails on the byte ch where a number cannot go on or end. */
static int
number_fail(quire__cur *c, int ch)
{
    return ch < 0 ? jeof(c, "JSON number") : jfail(c, QUIRE_E_JSON, "JSON number");
}

/* RFC 8259 6: -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?, copied verbatim. */
static int
read_number(quire__cur *c, quire__buf *out)
{
    size_t start = c->off;
    int ch = jpeek(c);
    if (ch == '-') {
        jskip(c, 1);
        ch = jpeek(c);
    }
    if (ch == '0') {
        jskip(c, 1);
        ch = jpeek(c);
    } else if (ch >= '1' && ch <= '9') {
        do {
            jskip(c, 1);
            ch = jpeek(c);
        } while (is_digit(ch));
    } else {
        return number_fail(c, ch);
    }
    if (ch == '.') {
        jskip(c, 1);
        ch = jpeek(c);
        if (!is_digit(ch)) {
            return number_fail(c, ch);
        }
        do {
            jskip(c, 1);
            ch = jpeek(c);
        } while (is_digit(ch));
    }
    if (ch == 'e' || ch == 'E') {
        jskip(c, 1);
        ch = jpeek(c);
        if (ch == '+' || ch == '-') {
            jskip(c, 1);
            ch = jpeek(c);
        }
        if (!is_digit(ch)) {
            return number_fail(c, ch);
        }
        do {
            jskip(c, 1);
            ch = jpeek(c);
        } while (is_digit(ch));
    }
    /* "01", "1.2.3", "1e2e3", "1-2": the lexeme must end here */
    if (is_digit(ch) || ch == '.' || ch == 'e' || ch == 'E' || ch == '+' || ch == '-') {
        return number_fail(c, ch);
    }
    if (c->err != 0) {
        return c->err;
    }
    quire__put_bytes(out, c->buf + start, c->off - start);
    return 0;
}

static int
read_literal(quire__cur *c, quire__buf *out, const char *lit, size_t n)
{
    size_t i;
    int ch;
    for (i = 0; i < n; i++) {
        ch = jpeek(c);
        if (ch < 0) {
            return jeof(c, "JSON literal");
        }
        if (ch != (int)(uint8_t)lit[i]) {
            return jfail(c, QUIRE_E_JSON, "JSON literal");
        }
        jskip(c, 1);
    }
    ch = jpeek(c);
    if ((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || is_digit(ch)) {
        /* "truex", "null0" */
        return jfail(c, QUIRE_E_JSON, "JSON literal");
    }
    quire__put_bytes(out, lit, n);
    return c->err;
}

/* ====================================================================
 * Values
 * ==================================================================== */

/* Reads `"key":` inside an object (whitespace allowed around) and appends its
 * canonical text to out. */
static int
read_key(quire__cur *c, jctx *x, quire__buf *out)
{
    int ch;
    skip_ws(c);
    ch = jpeek(c);
    if (ch < 0) {
        return jeof(c, "JSON object key");
    }
    if (ch != '"') {
        return jfail(c, QUIRE_E_JSON, "JSON object key");
    }
    quire__buf_reset(&x->s);
    if (read_string(c, &x->s, "JSON object key") != 0) {
        return c->err;
    }
    quire__json_put_string(out, x->s.p, x->s.len);
    skip_ws(c);
    ch = jpeek(c);
    if (ch < 0) {
        return jeof(c, "JSON object");
    }
    if (ch != ':') {
        return jfail(c, QUIRE_E_JSON, "JSON object");
    }
    jskip(c, 1);
    quire__put_u8(out, ':');
    return jbuf(c, out);
}

/* Reads one value of any kind (leading whitespace allowed, none after) and
 * appends its canonical text to out. depth counts the arrays and objects
 * already open around it. If x->want_items and the value is an array,
 * x->n_items and x->all_strings describe its items, and x->items holds them
 * when they are all strings. Iterative: stack[] holds the open brackets. */
static int
read_value(quire__cur *c, jctx *x, quire__buf *out, size_t depth)
{
    uint8_t stack[QUIRE__JSON_MAX_DEPTH];
    size_t sp = 0;
    int ch;
    x->n_items = 0;
    x->all_strings = 1;
    quire__buf_reset(&x->items);
    for (;;) {
        int root_item = x->want_items && sp == 1 && stack[0] == '[';
        /* one value */
        skip_ws(c);
        ch = jpeek(c);
        if (ch < 0) {
            return jeof(c, "JSON value");
        }
        if (root_item) {
            x->n_items++;
            if (ch != '"') {
                x->all_strings = 0;
            }
        }
        if (ch == '{' || ch == '[') {
            int close = ch == '{' ? '}' : ']';
            if (depth + sp >= QUIRE__JSON_MAX_DEPTH) {
                return jfail(c, QUIRE_E_LIMIT, "JSON nesting depth");
            }
            jskip(c, 1);
            quire__put_u8(out, (uint8_t)ch);
            skip_ws(c);
            if (jpeek(c) == close) {
                jskip(c, 1);
                quire__put_u8(out, (uint8_t)close);
            } else {
                stack[sp++] = (uint8_t)ch;
                if (ch == '{' && read_key(c, x, out) != 0) {
                    return c->err;
                }
                continue;
            }
        } else if (ch == '"') {
            quire__buf_reset(&x->s);
            if (read_string(c, &x->s, "JSON string") != 0) {
                return c->err;
            }
            quire__json_put_string(out, x->s.p, x->s.len);
            if (root_item && x->all_strings) {
                if (x->s.len > UINT32_MAX) {
                    return jfail(c, QUIRE_E_LIMIT, "JSON string");
                }
                quire__put_u32(&x->items, (uint32_t)x->s.len);
                quire__put_bytes(&x->items, x->s.p, x->s.len);
                if (jbuf(c, &x->items) != 0) {
                    return c->err;
                }
            }
        } else if (ch == '-' || is_digit(ch)) {
            if (read_number(c, out) != 0) {
                return c->err;
            }
        } else if (ch == 't') {
            if (read_literal(c, out, "true", 4) != 0) {
                return c->err;
            }
        } else if (ch == 'f') {
            if (read_literal(c, out, "false", 5) != 0) {
                return c->err;
            }
        } else if (ch == 'n') {
            if (read_literal(c, out, "null", 4) != 0) {
                return c->err;
            }
        } else {
            return jfail(c, QUIRE_E_JSON, "JSON value");
        }
        if (jbuf(c, out) != 0) {
            return c->err;
        }
        /* after a value: close brackets until a comma or the end of the root */
        for (;;) {
            int top;
            const char *what;
            if (sp == 0) {
                return 0;
            }
            top = stack[sp - 1];
            what = top == '{' ? "JSON object" : "JSON array";
            skip_ws(c);
            ch = jpeek(c);
            if (ch < 0) {
                return jeof(c, what);
            }
            if (ch == ',') {
                jskip(c, 1);
                quire__put_u8(out, ',');
                if (top == '{' && read_key(c, x, out) != 0) {
                    return c->err;
                }
                break;
            }
            if (ch != (top == '{' ? '}' : ']')) {
                return jfail(c, QUIRE_E_JSON, what);
            }
            jskip(c, 1);
            quire__put_u8(out, (uint8_t)ch);
            sp--;
        }
    }
}

/* ====================================================================
 * Top-level object
 * ==================================================================== */

/* see json.h */
void
quire__jobject_init(quire__jobject *o, const quire__allocator *a, size_t max_text)
{
    o->m = NULL;
    o->n = 0;
    o->cap = 0;
    o->a = a;
    quire__buf_init(&o->text, a, max_text);
}

/* see json.h */
void
quire__jobject_free(quire__jobject *o)
{
    quire__free(o->a, o->m);
    o->m = NULL;
    o->n = 0;
    o->cap = 0;
    quire__buf_free(&o->text);
}

/* Makes room for member o->n, and for its key offset in *kpos. */
static int
grow_members(quire__jobject *o, size_t **kpos, size_t *kpos_cap, quire__cur *c)
{
    size_t bytes;
    if (o->n == o->cap) {
        size_t ncap = o->cap != 0 ? o->cap * 2 : 16;
        quire__jmember *nm;
        if (o->cap > SIZE_MAX / 4 || !quire__mul_ok(ncap, sizeof *nm, &bytes)) {
            return jfail(c, QUIRE_E_NOMEM, "JSON members");
        }
        nm = (quire__jmember *)quire__realloc(o->a, o->m, o->cap * sizeof *nm, bytes);
        if (nm == NULL) {
            return jfail(c, QUIRE_E_NOMEM, "JSON members");
        }
        o->m = nm;
        o->cap = ncap;
    }
    if (o->n == *kpos_cap) {
        size_t *nk;
        if (!quire__mul_ok(o->cap, sizeof *nk, &bytes)) {
            return jfail(c, QUIRE_E_NOMEM, "JSON members");
        }
        nk = (size_t *)quire__realloc(o->a, *kpos, *kpos_cap * sizeof *nk, bytes);
        if (nk == NULL) {
            return jfail(c, QUIRE_E_NOMEM, "JSON members");
        }
        *kpos = nk;
        *kpos_cap = o->cap;
    }
    return 0;
}

static int
key_cmp(const quire__jobject *o, size_t i, size_t j)
{
    const quire__jmember *a = &o->m[i];
    const quire__jmember *b = &o->m[j];
    size_t n = a->key_len < b->key_len ? a->key_len : b->key_len;
    int r = n != 0 ? memcmp(o->text.p + a->key_off, o->text.p + b->key_off, n) : 0;
    if (r != 0) {
        return r;
    }
    if (a->key_len != b->key_len) {
        return a->key_len < b->key_len ? -1 : 1;
    }
    return 0;
}

/* Total order: key bytes, then input position. */
static int
idx_less(const quire__jobject *o, size_t i, size_t j)
{
    int r = key_cmp(o, i, j);
    return r < 0 || (r == 0 && i < j);
}

static void
sift_down(const quire__jobject *o, size_t *v, size_t root, size_t n)
{
    for (;;) {
        size_t child = 2 * root + 1;
        size_t t;
        if (child >= n) {
            return;
        }
        if (child + 1 < n && idx_less(o, v[child], v[child + 1])) {
            child++;
        }
        if (!idx_less(o, v[root], v[child])) {
            return;
        }
        t = v[root];
        v[root] = v[child];
        v[child] = t;
        root = child;
    }
}

/* Heapsort: O(n log n), no recursion, no extra memory. */
static void
sort_members(const quire__jobject *o, size_t *v, size_t n)
{
    size_t i;
    for (i = n / 2; i > 0; i--) {
        sift_down(o, v, i - 1, n);
    }
    for (i = n; i > 1; i--) {
        size_t t = v[0];
        v[0] = v[i - 1];
        v[i - 1] = t;
        sift_down(o, v, 0, i - 1);
    }
}

/* Fails at the earliest key that repeats an earlier one. */
static int
check_duplicates(const quire__jobject *o, const size_t *kpos, quire__cur *c)
{
    size_t dup = SIZE_MAX;
    size_t i;
    size_t j;
    if (o->n <= JSON_SMALL_OBJECT) {
        for (j = 1; j < o->n && dup == SIZE_MAX; j++) {
            for (i = 0; i < j; i++) {
                if (key_cmp(o, i, j) == 0) {
                    dup = j;
                    break;
                }
            }
        }
    } else {
        size_t bytes;
        size_t *v;
        if (!quire__mul_ok(o->n, sizeof *v, &bytes)) {
            return jfail(c, QUIRE_E_NOMEM, "JSON members");
        }
        v = (size_t *)quire__malloc(o->a, bytes);
        if (v == NULL) {
            return jfail(c, QUIRE_E_NOMEM, "JSON members");
        }
        for (i = 0; i < o->n; i++) {
            v[i] = i;
        }
        sort_members(o, v, o->n);
        /* in a run of equal keys sorted by position, each entry after the
         * first repeats an earlier key; the smallest such is the answer */
        for (i = 1; i < o->n; i++) {
            if (v[i] < dup && key_cmp(o, v[i - 1], v[i]) == 0) {
                dup = v[i];
            }
        }
        quire__free(o->a, v);
    }
    if (dup != SIZE_MAX) {
        return quire__cur_fail_at(c, kpos[dup], QUIRE_E_JSON, "duplicate JSON key");
    }
    return 0;
}

static int
kind_of(int ch)
{
    switch (ch) {
    case '{':
        return QUIRE__J_OBJECT;
    case '[':
        return QUIRE__J_ARRAY;
    case '"':
        return QUIRE__J_STRING;
    case 't':
        return QUIRE__J_TRUE;
    case 'f':
        return QUIRE__J_FALSE;
    case 'n':
        return QUIRE__J_NULL;
    default:
        return QUIRE__J_NUMBER; /* or invalid: read_value decides */
    }
}

/* Reads one member (the cursor on the key's quote) into o->m[o->n]. */
static int
read_member(quire__jobject *o, quire__cur *c, jctx *x, size_t *kpos)
{
    quire__jmember *m = &o->m[o->n];
    int ch;
    memset(m, 0, sizeof *m);
    kpos[o->n] = c->off;
    m->key_off = o->text.len;
    if (read_string(c, &o->text, "JSON object key") != 0) {
        return c->err;
    }
    m->key_len = o->text.len - m->key_off;
    skip_ws(c);
    ch = jpeek(c);
    if (ch < 0) {
        return jeof(c, "JSON object");
    }
    if (ch != ':') {
        return jfail(c, QUIRE_E_JSON, "JSON object");
    }
    jskip(c, 1);
    skip_ws(c);
    ch = jpeek(c);
    if (ch < 0) {
        return jeof(c, "JSON value");
    }
    m->kind = kind_of(ch);
    m->val_off = o->text.len;
    if (m->kind == QUIRE__J_STRING) {
        if (read_string(c, &o->text, "JSON string") != 0) {
            return c->err;
        }
    } else if (read_value(c, x, &o->text, 1) != 0) {
        return c->err;
    }
    m->val_len = o->text.len - m->val_off;
    if (m->kind == QUIRE__J_ARRAY) {
        m->n_items = x->n_items;
        m->all_strings = x->all_strings;
        if (x->all_strings) {
            m->items_off = o->text.len;
            m->items_len = x->items.len;
            quire__put_bytes(&o->text, x->items.p, x->items.len);
        }
    }
    if (jbuf(c, &o->text) != 0) {
        return c->err;
    }
    o->n++;
    return 0;
}

/* see json.h */
int
quire__json_parse_object(quire__jobject *o, quire__cur *c)
{
    jctx x;
    size_t *kpos = NULL;
    size_t kpos_cap = 0;
    int ch;
    int rc;
    o->n = 0;
    quire__buf_reset(&o->text);
    if (c->err != 0) {
        return c->err;
    }
    /* strings kept in scratch end up in o->text: the same bound applies */
    jctx_init(&x, o->a, o->text.max, 1);
    skip_ws(c);
    ch = jpeek(c);
    if (ch < 0) {
        jeof(c, "JSON object");
        goto out;
    }
    if (ch != '{') {
        jfail(c, QUIRE_E_JSON, "JSON object");
        goto out;
    }
    jskip(c, 1);
    skip_ws(c);
    if (jpeek(c) == '}') {
        jskip(c, 1);
    } else {
        for (;;) {
            skip_ws(c);
            ch = jpeek(c);
            if (ch < 0) {
                jeof(c, "JSON object key");
                goto out;
            }
            if (ch != '"') {
                jfail(c, QUIRE_E_JSON, "JSON object key");
                goto out;
            }
            if (grow_members(o, &kpos, &kpos_cap, c) != 0 || read_member(o, c, &x, kpos) != 0) {
                goto out;
            }
            skip_ws(c);
            ch = jpeek(c);
            if (ch < 0) {
                jeof(c, "JSON object");
                goto out;
            }
            if (ch != ',' && ch != '}') {
                jfail(c, QUIRE_E_JSON, "JSON object");
                goto out;
            }
            jskip(c, 1);
            if (ch == '}') {
                break;
            }
        }
    }
    skip_ws(c);
    if (quire__cur_left(c) > 0) {
        jfail(c, QUIRE_E_JSON, "trailing bytes after JSON");
        goto out;
    }
    (void)check_duplicates(o, kpos, c);
out:
    rc = c->err;
    quire__free(o->a, kpos);
    jctx_free(&x);
    if (rc != 0) {
        o->n = 0;
        quire__buf_reset(&o->text);
    }
    return rc;
}

/* A canonical string (5.2.1) at p[*i] (its opening quote): valid UTF-8,
 * no raw control byte, only the escapes the canonical form writes. Moves *i
 * past the closing quote and returns 1; 0 if it is not that. */
static int
fast_string(const uint8_t *p, size_t n, size_t *pi)
{
    size_t i = *pi + 1, run = i;
    for (;;) {
        uint8_t b;
        if (i >= n) {
            return 0;
        }
        b = p[i];
        if (b != '"' && b != '\\' && b >= 0x20) {
            i++;
            continue;
        }
        if (b < 0x20 || !quire__utf8_check(p + run, i - run, NULL)) {
            return 0;
        }
        if (b == '"') {
            *pi = i + 1;
            return 1;
        }
        if (i + 1 >= n) {
            return 0;
        }
        b = p[i + 1];
        if (b == '"' || b == '\\' || b == 'b' || b == 't' || b == 'n' || b == 'f' || b == 'r') {
            i += 2;
        } else if (b == 'u' && n - i > 5 && p[i + 2] == '0' && p[i + 3] == '0' &&
                   (p[i + 4] == '0' || p[i + 4] == '1') &&
                   ((p[i + 5] >= '0' && p[i + 5] <= '9') || (p[i + 5] >= 'a' && p[i + 5] <= 'f')) &&
                   !(p[i + 4] == '0' && (p[i + 5] == '8' || p[i + 5] == '9' || p[i + 5] == 'a' ||
                                         p[i + 5] == 'c' || p[i + 5] == 'd'))) {
            i += 6; /* a control character that has no short escape */
        } else {
            return 0;
        }
        run = i;
    }
}

/* An RFC 8259 number at p[*i], kept verbatim in canonical form. */
static int
fast_number(const uint8_t *p, size_t n, size_t *pi)
{
    size_t i = *pi;
    if (i < n && p[i] == '-') {
        i++;
    }
    if (i < n && p[i] == '0') {
        i++;
    } else if (i < n && p[i] >= '1' && p[i] <= '9') {
        while (i < n && p[i] >= '0' && p[i] <= '9') {
            i++;
        }
    } else {
        return 0;
    }
    if (i < n && p[i] == '.') {
        i++;
        if (i >= n || p[i] < '0' || p[i] > '9') {
            return 0;
        }
        while (i < n && p[i] >= '0' && p[i] <= '9') {
            i++;
        }
    }
    if (i < n && (p[i] == 'e' || p[i] == 'E')) {
        i++;
        if (i < n && (p[i] == '+' || p[i] == '-')) {
            i++;
        }
        if (i >= n || p[i] < '0' || p[i] > '9') {
            return 0;
        }
        while (i < n && p[i] >= '0' && p[i] <= '9') {
            i++;
        }
    }
    *pi = i;
    return 1;
}

/* The common case, cheaply: p[0..n) is one JSON value already in canonical
 * form (5.2.1) - no whitespace, strings as fast_string takes them, numbers
 * by the RFC 8259 grammar, at most QUIRE__JSON_MAX_DEPTH levels - with
 * nothing after it. Returns 1 only then; 0 means "not sure", and the full
 * parse and re-serialization decide and say what is wrong and where. It
 * never answers 1 for a text that path rejects: fuzz_json checks that on
 * every input. */
int
quire__json_canonical_fast(const uint8_t *p, size_t n)
{
    uint8_t stack[QUIRE__JSON_MAX_DEPTH]; /* the closing bracket of each level */
    size_t sp = 0, i = 0;
    int want_key = 0;
    for (;;) {
        if (want_key) {
            /* a member: "key": then its value */
            if (i >= n || p[i] != '"' || !fast_string(p, n, &i) || i >= n || p[i] != ':') {
                return 0;
            }
            i++;
            want_key = 0;
        }
        /* one value at p[i] */
        if (i >= n) {
            return 0;
        }
        if (p[i] == '{' || p[i] == '[') {
            uint8_t close = p[i] == '{' ? '}' : ']';
            if (sp >= QUIRE__JSON_MAX_DEPTH) {
                return 0;
            }
            i++;
            if (i >= n || p[i] != close) {
                stack[sp++] = close;
                want_key = close == '}';
                continue;
            }
            i++;
        } else if (p[i] == '"') {
            if (!fast_string(p, n, &i)) {
                return 0;
            }
        } else if (p[i] == '-' || (p[i] >= '0' && p[i] <= '9')) {
            if (!fast_number(p, n, &i)) {
                return 0;
            }
        } else if (n - i >= 4 && memcmp(p + i, "true", 4) == 0) {
            i += 4;
        } else if (n - i >= 5 && memcmp(p + i, "false", 5) == 0) {
            i += 5;
        } else if (n - i >= 4 && memcmp(p + i, "null", 4) == 0) {
            i += 4;
        } else {
            return 0;
        }
        /* after a value: a comma, closing brackets, or the end */
        for (;;) {
            if (sp == 0) {
                return i == n;
            }
            if (i >= n) {
                return 0;
            }
            if (p[i] == ',') {
                i++;
                want_key = stack[sp - 1] == '}';
                break;
            }
            if (p[i] != stack[sp - 1]) {
                return 0;
            }
            i++;
            sp--;
        }
    }
}

/* see json.h */
int
quire__json_check_canonical(quire__cur *c, const quire__allocator *a)
{
    if (c->err == 0 && quire__json_canonical_fast(c->buf + c->off, quire__cur_left(c))) {
        c->off += quire__cur_left(c);
        return 0;
    }
    return quire__json_check_canonical_full(c, a);
}

/* see json.h */
int
quire__json_check_canonical_full(quire__cur *c, const quire__allocator *a)
{
    jctx x;
    quire__buf out;
    size_t start;
    size_t n;
    if (c->err != 0) {
        return c->err;
    }
    start = c->off;
    n = quire__cur_left(c);
    /* the canonical form is never longer than the input */
    quire__buf_init(&out, a, n);
    jctx_init(&x, a, n, 0);
    if (read_value(c, &x, &out, 0) == 0) {
        skip_ws(c);
        if (quire__cur_left(c) > 0) {
            jfail(c, QUIRE_E_JSON, "trailing bytes after JSON");
        } else {
            size_t i = 0;
            while (i < out.len && out.p[i] == c->buf[start + i]) {
                i++;
            }
            if (i < out.len || out.len != n) {
                quire__cur_fail_at(c, start + i, QUIRE_E_JSON, "non-canonical JSON");
            }
        }
    }
    quire__buf_free(&out);
    jctx_free(&x);
    return c->err;
}
