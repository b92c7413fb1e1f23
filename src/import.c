/* import.c - JSON Lines and text file adapters, JSON export (spec
 * section 9, "Mappings"). Untrusted bytes are parsed by format/json.c. */
#include <string.h>

#include "internal.h"
#include "../format/minisign.h"
#include "../format/utf8.h"

#define BODY "body"
#define BODY_UTF8_MEDIA "text/plain; charset=utf-8"
#define JSON_TEXT_MAX ((size_t)1 << 30)

static const char *
jtext(const quire__jobject *o, size_t off)
{
    /* an object whose keys and values are all empty has no text buffer */
    return o->text.p != NULL ? (const char *)o->text.p + off : "";
}

/* Stores a member that has no standard mapping as an extension field. */
static int
put_ext(quire_article *a, const quire__jobject *o, const quire__jmember *m)
{
    const char *name = jtext(o, m->key_off);
    switch (m->kind) {
    case QUIRE__J_NULL:
        return quire_article_set_ext(a, name, m->key_len, QUIRE_T_NULL, NULL, 0);
    case QUIRE__J_STRING:
        return quire_article_set_ext(a, name, m->key_len, QUIRE_T_TEXT, jtext(o, m->val_off),
                                     m->val_len);
    default:
        return quire_article_set_ext(a, name, m->key_len, QUIRE_T_JSON, jtext(o, m->val_off),
                                     m->val_len);
    }
}

static int
put_member(quire_article *a, const quire__jobject *o, const quire__jmember *m)
{
    const char *key = jtext(o, m->key_off);
    int k = quire_field_key(key, m->key_len);
    int e;
    if (m->key_len == 4 && memcmp(key, "text", 4) == 0 && m->kind == QUIRE__J_STRING) {
        return quire_article_add_part(a, BODY, 4, BODY_UTF8_MEDIA, sizeof BODY_UTF8_MEDIA - 1,
                                      jtext(o, m->val_off), m->val_len);
    }
    if (k == 0 || m->key_len == 0 || m->key_len > 255) {
        return m->key_len == 0 || m->key_len > 255 ? QUIRE_E_FIELD : put_ext(a, o, m);
    }
    if (m->kind == QUIRE__J_NULL) {
        return quire_article_set(a, k, QUIRE_T_NULL, NULL, 0);
    }
    switch (quire_field_type(k)) {
    case QUIRE_T_TEXT:
    case QUIRE_T_TIME:
        if (m->kind == QUIRE__J_STRING) {
            e = quire_article_set(a, k, quire_field_type(k), jtext(o, m->val_off), m->val_len);
            if (e != QUIRE_E_TIME && e != QUIRE_E_FIELD) {
                return e;
            }
        }
        break;
    case QUIRE_T_BYTES:
        /* bytes travel in JSON as canonical base64 (spec 9.3) */
        if (m->kind == QUIRE__J_STRING && m->val_len % 4 == 0 && m->val_len <= 4096) {
            uint8_t raw[3072];
            size_t n = 0;
            quire__cur bc;
            quire__cur_init(&bc, jtext(o, m->val_off), m->val_len, 0);
            if (quire__b64_decode(&bc, m->val_len, raw, sizeof raw, &n, QUIRE_E_FIELD,
                                  "base64") == 0) {
                e = quire_article_set(a, k, QUIRE_T_BYTES, raw, n);
                if (e != QUIRE_E_FIELD) {
                    return e;
                }
            }
        }
        break;
    case QUIRE_T_LIST:
        if (m->kind == QUIRE__J_ARRAY && m->all_strings) {
            quire__buf b;
            quire__buf_init(&b, &a->a, JSON_TEXT_MAX);
            quire__put_u32(&b, (uint32_t)m->n_items);
            quire__put_bytes(&b, jtext(o, m->items_off), m->items_len);
            e = b.err != 0 ? b.err : quire_article_set(a, k, QUIRE_T_LIST, b.p, b.len);
            quire__buf_free(&b);
            if (e != QUIRE_E_LIMIT) {
                return e;
            }
        }
        break;
    default:
        break;
    }
    /* a value that does not fit its standard field is kept under the same
     * name as an extension (spec 9.1): nothing is dropped */
    return put_ext(a, o, m);
}

/* see quire.h */
int
quire_article_from_json(quire_article *a, const char *line, size_t len, quire_diag *d)
{
    quire__cur c;
    size_t i;
    int e;
    if (a == NULL || (line == NULL && len != 0)) {
        return QUIRE__FAIL(d, QUIRE_E_ARG, 0, -1, "JSON");
    }
    quire_article_clear(a);
    if (!a->jo_init) {
        quire__jobject_init(&a->jo, &a->a, JSON_TEXT_MAX);
        a->jo_init = 1;
    }
    quire__cur_init(&c, line, len, 0);
    if (quire__json_parse_object(&a->jo, &c) != 0) {
        return quire__fail_cur(d, &c, -1);
    }
    for (i = 0; i < a->jo.n; i++) {
        if ((e = put_member(a, &a->jo, &a->jo.m[i])) != 0) {
            quire_article_clear(a);
            return QUIRE__FAIL(d, e, 0, -1, "JSON member");
        }
    }
    return QUIRE_OK;
}

/* see quire.h */
int
quire_article_from_text(quire_article *a, const char *filename, const void *data, size_t len,
                        quire_diag *d)
{
    const uint8_t *p = (const uint8_t *)data;
    const char *base;
    int e, utf8;
    if (a == NULL || (data == NULL && len != 0)) {
        return QUIRE__FAIL(d, QUIRE_E_ARG, 0, -1, "text");
    }
    quire_article_clear(a);
    /* "date YYYY-MM-DD" lead, after optional white space (and a UTF-8
     * byte order mark), then a space, a line end or the end [9.2] */
    {
        size_t i = 0;
        if (len >= 3 && p[0] == 0xEF && p[1] == 0xBB && p[2] == 0xBF) {
            i = 3;
        }
        while (i < len && (p[i] == ' ' || p[i] == '\t' || p[i] == '\r' || p[i] == '\n')) {
            i++;
        }
        if (len - i >= 15 && memcmp(p + i, "date ", 5) == 0 &&
            (len - i == 15 || p[i + 15] == ' ' || p[i + 15] == '\n' || p[i + 15] == '\r' ||
             p[i + 15] == '\t') &&
            quire__time_parse(p + i + 5, 10, NULL) == 0) {
            if ((e = quire_article_set(a, QUIRE_F_PUBLISHED, QUIRE_T_TIME, p + i + 5, 10)) != 0) {
                return QUIRE__FAIL(d, e, i + 5, -1, "date lead");
            }
        }
    }
    if (filename != NULL) {
        base = strrchr(filename, '/');
        base = base != NULL ? base + 1 : filename;
        if (base[0] != '\0') {
            size_t n = strlen(base);
            if (quire__utf8_check((const uint8_t *)base, n, NULL)) {
                e = quire_article_set(a, QUIRE_F_FILENAME, QUIRE_T_TEXT, base, n);
            } else {
                e = n <= 255 ? quire_article_set_ext(a, "filename_bytes", 14, QUIRE_T_BYTES, base, n)
                             : QUIRE_E_LIMIT;
            }
            if (e != 0) {
                return QUIRE__FAIL(d, e, 0, -1, "file name");
            }
        }
    }
    utf8 = quire__utf8_check(p, len, NULL);
    e = quire_article_add_part(a, BODY, 4, utf8 ? BODY_UTF8_MEDIA : "text/plain",
                               utf8 ? sizeof BODY_UTF8_MEDIA - 1 : 10, p, len);
    if (e != 0) {
        quire_article_clear(a);
        return QUIRE__FAIL(d, e, 0, -1, "text body");
    }
    return QUIRE_OK;
}

static void
put_base64(quire__buf *b, const uint8_t *p, size_t n)
{
    size_t len = QUIRE__B64_LEN(n);
    quire__put_u8(b, '"');
    if (quire__buf_reserve(b, len) == 0) {
        quire__b64_encode((char *)b->p + b->len, p, n);
        b->len += len;
    }
    quire__put_u8(b, '"');
}

static void
put_key(quire__buf *b, int *first, const char *k, size_t n)
{
    if (!*first) {
        quire__put_u8(b, ',');
    }
    *first = 0;
    quire__json_put_string(b, (const uint8_t *)k, n);
    quire__put_u8(b, ':');
}

/* see quire.h */
int
quire_article_to_json(quire_article *a, const char **out, size_t *out_len)
{
    quire__buf *b;
    size_t i, j;
    int first = 1;
    quire_part body;
    int have_body = 0;
    if (a == NULL || out == NULL || out_len == NULL) {
        return QUIRE_E_ARG;
    }
    b = &a->json;
    quire__buf_reset(b);
    quire__put_u8(b, '{');
    for (i = 0; i < a->nf; i++) {
        quire_field f;
        quire_article_field(a, i, &f);
        if (f.name == NULL) {
            continue; /* a standard key newer than this library has no JSON name */
        }
        put_key(b, &first, f.name, f.name_len);
        switch (f.type) {
        case QUIRE_T_NULL: quire__put_bytes(b, "null", 4); break;
        case QUIRE_T_TEXT:
        case QUIRE_T_TIME: quire__json_put_string(b, f.value, f.value_len); break;
        case QUIRE_T_JSON: quire__put_bytes(b, f.value, f.value_len); break;
        case QUIRE_T_BYTES: put_base64(b, f.value, f.value_len); break;
        case QUIRE_T_LIST:
            quire__put_u8(b, '[');
            for (j = 0; j < f.n_items; j++) {
                const char *it;
                size_t il;
                if (quire_field_item(&f, j, &it, &il) != 0) {
                    break;
                }
                if (j > 0) {
                    quire__put_u8(b, ',');
                }
                quire__json_put_string(b, (const uint8_t *)it, il);
            }
            quire__put_u8(b, ']');
            break;
        default: quire__put_bytes(b, "null", 4); break;
        }
    }
    if (quire_article_find_part(a, BODY, 4, &body) == 0 && quire__utf8_check(body.data, body.len, NULL)) {
        have_body = 1;
        put_key(b, &first, "text", 4);
        quire__json_put_string(b, body.data, body.len);
    }
    for (i = 0; i < a->np; i++) {
        quire_part p;
        quire_article_part(a, i, &p);
        if (have_body && p.name_len == 4 && memcmp(p.name, BODY, 4) == 0) {
            continue;
        }
        /* other parts, and a body that is not UTF-8: "part:NAME" objects */
        if (!first) {
            quire__put_u8(b, ',');
        }
        first = 0;
        quire__put_u8(b, '"');
        quire__put_bytes(b, "part:", 5);
        {
            /* the name is UTF-8; escape it through a string then drop its quotes */
            size_t at = b->len;
            quire__json_put_string(b, (const uint8_t *)p.name, p.name_len);
            if (b->err == 0) {
                memmove(b->p + at, b->p + at + 1, b->len - at - 2);
                b->len -= 2;
            }
        }
        quire__put_bytes(b, "\":{\"media_type\":", 16);
        quire__json_put_string(b, (const uint8_t *)p.media_type, p.media_len);
        quire__put_bytes(b, ",\"base64\":", 10);
        put_base64(b, p.data, p.len);
        quire__put_u8(b, '}');
    }
    quire__put_u8(b, '}');
    if (b->err != 0) {
        int e = b->err;
        quire__buf_reset(b);
        return e;
    }
    *out = (const char *)b->p;
    *out_len = b->len;
    return QUIRE_OK;
}
