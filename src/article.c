/* article.c - building, decoding and inspecting articles. */
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "../format/utf8.h"

#define ARENA_MAX ((size_t)2 << 30) /* a built article never exceeds the hard record limit */

/* see quire.h */
int
quire_article_new(quire_article **out, const quire_alloc *alloc)
{
    quire__allocator al;
    quire_article *a;
    if (out == NULL) {
        return QUIRE_E_ARG;
    }
    *out = NULL;
    quire__allocator_from(&al, alloc);
    a = (quire_article *)quire__malloc(&al, sizeof *a);
    if (a == NULL) {
        return QUIRE_E_NOMEM;
    }
    memset(a, 0, sizeof *a);
    a->a = al;
    quire__buf_init(&a->data, &a->a, ARENA_MAX);
    quire__buf_init(&a->enc, &a->a, ARENA_MAX);
    quire__buf_init(&a->json, &a->a, ARENA_MAX);
    a->number = -1;
    *out = a;
    return QUIRE_OK;
}

/* see quire.h */
void
quire_article_free(quire_article *a)
{
    if (a == NULL) {
        return;
    }
    quire__buf_free(&a->data);
    quire__buf_free(&a->enc);
    quire__buf_free(&a->json);
    if (a->jo_init) {
        quire__jobject_free(&a->jo);
    }
    quire__free(&a->a, a->f);
    quire__free(&a->a, a->p);
    quire__free(&a->a, a);
}

static void
invalidate(quire_article *a)
{
    a->enc_ok = 0;
    a->digest_ok = 0;
    a->number = -1;
}

/* see quire.h */
void
quire_article_clear(quire_article *a)
{
    if (a == NULL) {
        return;
    }
    quire__buf_reset(&a->data);
    a->nf = 0;
    a->np = 0;
    invalidate(a);
}

static int
grow_fields(quire_article *a, size_t need)
{
    size_t cap;
    quire__rfield *nf;
    if (need <= a->f_cap) {
        return 0;
    }
    cap = a->f_cap != 0 ? a->f_cap * 2 : 16;
    while (cap < need) {
        cap *= 2;
    }
    nf = (quire__rfield *)quire__realloc(&a->a, a->f, a->nf * sizeof *a->f, cap * sizeof *a->f);
    if (nf == NULL) {
        return QUIRE_E_NOMEM;
    }
    a->f = nf;
    a->f_cap = cap;
    return 0;
}

static int
grow_parts(quire_article *a, size_t need)
{
    size_t cap;
    quire__rpart *np;
    if (need <= a->p_cap) {
        return 0;
    }
    cap = a->p_cap != 0 ? a->p_cap * 2 : 4;
    while (cap < need) {
        cap *= 2;
    }
    np = (quire__rpart *)quire__realloc(&a->a, a->p, a->np * sizeof *a->p, cap * sizeof *a->p);
    if (np == NULL) {
        return QUIRE_E_NOMEM;
    }
    a->p = np;
    a->p_cap = cap;
    return 0;
}

/* Appends bytes to the arena; returns their offset in *off. */
static int
arena_put(quire_article *a, const void *p, size_t n, size_t *off)
{
    /* p may point into the arena itself (a value taken from this article):
     * growing the arena would free it, so remember it as an offset */
    const uint8_t *q = (const uint8_t *)p;
    int inside = n != 0 && a->data.p != NULL && q >= a->data.p && q < a->data.p + a->data.len;
    size_t at = inside ? (size_t)(q - a->data.p) : 0;
    if (quire__buf_reserve(&a->data, n) != 0) {
        int e = a->data.err;
        a->data.err = 0;
        return e;
    }
    *off = a->data.len;
    if (n != 0) {
        memcpy(a->data.p + a->data.len, inside ? a->data.p + at : q, n);
    }
    a->data.len += n;
    return 0;
}

/* Position where field x belongs in canonical order; *found set if a field
 * with the same key (and name) exists there. */
static size_t
field_slot(const quire_article *a, const quire__rfield *x, int *found)
{
    size_t lo = 0, hi = a->nf;
    *found = 0;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int r = quire__field_cmp(a->data.p, &a->f[mid], x);
        if (r == 0) {
            *found = 1;
            return mid;
        }
        if (r < 0) {
            lo = mid + 1;
        } else {
            hi = mid;
        }
    }
    return lo;
}

static int
check_value(const quire__allocator *a, int type, const void *value, size_t len, size_t *n_items)
{
    quire__cur c;
    quire__limits l;
    quire__limits_default(&l);
    quire__cur_init(&c, value, len, 0);
    if (len > l.field) {
        return QUIRE_E_LIMIT;
    }
    return quire__value_check(&c, type, &l, a, n_items);
}

/* Inserts or replaces a field whose name (for extensions) is already in the
 * arena at name_off. */
static int
put_field(quire_article *a, unsigned key, int type, size_t name_off, size_t name_len,
          const void *value, size_t len, size_t n_items)
{
    quire__rfield x;
    size_t slot, voff = 0;
    int found, e;
    memset(&x, 0, sizeof x);
    x.key = (uint16_t)key;
    x.type = (uint8_t)type;
    x.name_off = name_off;
    x.name_len = name_len;
    slot = field_slot(a, &x, &found);
    if (!found) {
        quire__limits l;
        quire__limits_default(&l);
        if (a->nf >= l.fields) {
            return QUIRE_E_LIMIT;
        }
    }
    /* value may point into the arena (add_item rebuilds a list from it) */
    e = arena_put(a, value, len, &voff);
    if (e != 0) {
        return e;
    }
    x.val_off = voff;
    x.val_len = len;
    x.n_items = n_items;
    if (found) {
        a->f[slot] = x;
    } else {
        if ((e = grow_fields(a, a->nf + 1)) != 0) {
            return e;
        }
        memmove(&a->f[slot + 1], &a->f[slot], (a->nf - slot) * sizeof *a->f);
        a->f[slot] = x;
        a->nf++;
    }
    invalidate(a);
    return QUIRE_OK;
}

static int
ext_clash(const quire_article *a, unsigned std_key)
{
    /* an extension named like a standard field the article also sets */
    size_t i;
    const char *name = quire__std_name(std_key);
    size_t n = name != NULL ? strlen(name) : 0;
    for (i = 0; i < a->nf; i++) {
        if (a->f[i].key == 0 && a->f[i].name_len == n &&
            memcmp(a->data.p + a->f[i].name_off, name, n) == 0) {
            return 1;
        }
    }
    return 0;
}

/* see quire.h */
int
quire_article_set(quire_article *a, int key, int type, const void *value, size_t len)
{
    size_t n_items = 0;
    int st, e;
    if (a == NULL || key <= 0 || key > QUIRE_F_MAX_KNOWN || (value == NULL && len != 0)) {
        return QUIRE_E_ARG;
    }
    st = quire__std_type((unsigned)key);
    if (type < QUIRE_T_NULL || type > QUIRE_T_BYTES || (st >= 0 && type != st && type != QUIRE_T_NULL)) {
        return QUIRE_E_FIELD;
    }
    if ((e = check_value(&a->a, type, value, len, &n_items)) != 0) {
        return e;
    }
    if (key == QUIRE_F_LANGUAGE && type == QUIRE_T_TEXT &&
        !quire__language_ok((const uint8_t *)value, len)) {
        return QUIRE_E_FIELD;
    }
    if (ext_clash(a, (unsigned)key)) {
        return QUIRE_E_FIELD;
    }
    return put_field(a, (unsigned)key, type, 0, 0, value, len, n_items);
}

/* see quire.h */
int
quire_article_add_item(quire_article *a, int key, const char *item, size_t len)
{
    quire__rfield x;
    quire__buf tmp;
    size_t slot, n = 0;
    int found, e;
    if (a == NULL || quire__std_type((unsigned)key) != QUIRE_T_LIST || (item == NULL && len != 0) ||
        len > 0xFFFFFFFFu) {
        return QUIRE_E_ARG;
    }
    if (!quire__utf8_check((const uint8_t *)item, len, NULL)) {
        return QUIRE_E_UTF8;
    }
    memset(&x, 0, sizeof x);
    x.key = (uint16_t)key;
    slot = field_slot(a, &x, &found);
    quire__buf_init(&tmp, &a->a, ARENA_MAX);
    if (found && a->f[slot].type == QUIRE_T_LIST) {
        const uint8_t *v = a->data.p + a->f[slot].val_off;
        quire__limits l;
        quire__limits_default(&l);
        n = a->f[slot].n_items;
        if (n + 1 > l.list) {
            quire__buf_free(&tmp);
            return QUIRE_E_LIMIT;
        }
        quire__put_u32(&tmp, (uint32_t)(n + 1));
        quire__put_bytes(&tmp, v + 4, a->f[slot].val_len - 4);
    } else {
        quire__put_u32(&tmp, 1);
    }
    quire__put_u32(&tmp, (uint32_t)len);
    quire__put_bytes(&tmp, item, len);
    e = tmp.err;
    if (e == 0) {
        e = put_field(a, (unsigned)key, QUIRE_T_LIST, 0, 0, tmp.p, tmp.len, n + 1);
    }
    quire__buf_free(&tmp);
    return e;
}

/* see quire.h */
int
quire_article_set_ext(quire_article *a, const char *name, size_t name_len, int type,
                      const void *value, size_t len)
{
    size_t n_items = 0, noff = 0, i;
    unsigned k;
    int e;
    if (a == NULL || name == NULL || name_len == 0 || name_len > 255 ||
        (value == NULL && len != 0)) {
        return QUIRE_E_ARG;
    }
    if (type < QUIRE_T_NULL || type > QUIRE_T_BYTES) {
        return QUIRE_E_FIELD;
    }
    if (!quire__utf8_check((const uint8_t *)name, name_len, NULL)) {
        return QUIRE_E_UTF8;
    }
    k = quire__std_key((const uint8_t *)name, name_len);
    if (k != 0) {
        for (i = 0; i < a->nf; i++) {
            if (a->f[i].key == k) {
                return QUIRE_E_FIELD;
            }
        }
    }
    if ((e = check_value(&a->a, type, value, len, &n_items)) != 0) {
        return e;
    }
    if ((e = arena_put(a, name, name_len, &noff)) != 0) {
        return e;
    }
    return put_field(a, 0, type, noff, name_len, value, len, n_items);
}

/* see quire.h */
int
quire_article_add_part(quire_article *a, const char *name, size_t name_len, const char *media_type,
                       size_t media_len, const void *data, size_t len)
{
    quire__rpart p;
    quire__limits l;
    size_t i;
    int e;
    if (a == NULL || name == NULL || name_len == 0 || name_len > 255 || media_len > 255 ||
        (media_type == NULL && media_len != 0) || (data == NULL && len != 0)) {
        return QUIRE_E_ARG;
    }
    quire__limits_default(&l);
    if (a->np >= l.parts || len > l.record) {
        return QUIRE_E_LIMIT;
    }
    if (!quire__utf8_check((const uint8_t *)name, name_len, NULL)) {
        return QUIRE_E_UTF8;
    }
    for (i = 0; i < media_len; i++) {
        if ((unsigned char)media_type[i] < 0x20 || (unsigned char)media_type[i] > 0x7E) {
            return QUIRE_E_ARG;
        }
    }
    for (i = 0; i < a->np; i++) {
        if (a->p[i].name_len == name_len &&
            memcmp(a->data.p + a->p[i].name_off, name, name_len) == 0) {
            return QUIRE_E_ORDER;
        }
    }
    if ((e = grow_parts(a, a->np + 1)) != 0 || (e = arena_put(a, name, name_len, &p.name_off)) != 0 ||
        (e = arena_put(a, media_type, media_len, &p.media_off)) != 0 ||
        (e = arena_put(a, data, len, &p.data_off)) != 0) {
        return e;
    }
    p.name_len = name_len;
    p.media_len = media_len;
    p.data_len = len;
    a->p[a->np++] = p;
    invalidate(a);
    return QUIRE_OK;
}

/* ---- inspection ---- */

static void
field_view(const quire_article *a, const quire__rfield *x, quire_field *f)
{
    f->key = x->key;
    f->type = x->type;
    if (x->key == 0) {
        f->name = (const char *)a->data.p + x->name_off;
        f->name_len = x->name_len;
    } else {
        f->name = quire__std_name(x->key);
        f->name_len = f->name != NULL ? strlen(f->name) : 0;
    }
    f->value = x->val_len != 0 ? a->data.p + x->val_off : (const uint8_t *)"";
    f->value_len = x->val_len;
    f->n_items = x->n_items;
}

/* see quire.h */
size_t
quire_article_field_count(const quire_article *a)
{
    return a != NULL ? a->nf : 0;
}

/* see quire.h */
int
quire_article_field(const quire_article *a, size_t i, quire_field *f)
{
    if (a == NULL || f == NULL) {
        return QUIRE_E_ARG;
    }
    if (i >= a->nf) {
        return QUIRE_E_NOTFOUND;
    }
    field_view(a, &a->f[i], f);
    return QUIRE_OK;
}

/* see quire.h */
int
quire_article_find(const quire_article *a, int key, quire_field *f)
{
    quire__rfield x;
    size_t slot;
    int found;
    if (a == NULL || f == NULL || key <= 0 || key > 0xFFFF) {
        return QUIRE_E_ARG;
    }
    memset(&x, 0, sizeof x);
    x.key = (uint16_t)key;
    slot = field_slot(a, &x, &found);
    if (!found) {
        return QUIRE_E_NOTFOUND;
    }
    field_view(a, &a->f[slot], f);
    return QUIRE_OK;
}

/* see quire.h */
int
quire_article_find_ext(const quire_article *a, const char *name, size_t len, quire_field *f)
{
    size_t i;
    if (a == NULL || f == NULL || (name == NULL && len != 0)) {
        return QUIRE_E_ARG;
    }
    for (i = 0; i < a->nf; i++) {
        if (a->f[i].key == 0 && a->f[i].name_len == len &&
            memcmp(a->data.p + a->f[i].name_off, name, len) == 0) {
            field_view(a, &a->f[i], f);
            return QUIRE_OK;
        }
    }
    return QUIRE_E_NOTFOUND;
}

/* see quire.h */
int
quire_field_item(const quire_field *f, size_t i, const char **item, size_t *len)
{
    const uint8_t *p;
    int e;
    if (f == NULL || item == NULL || len == NULL || f->type != QUIRE_T_LIST) {
        return QUIRE_E_ARG;
    }
    e = quire__list_item(f->value, f->value_len, i, &p, len);
    if (e == 0) {
        *item = (const char *)p;
    }
    return e;
}

/* see quire.h */
size_t
quire_article_part_count(const quire_article *a)
{
    return a != NULL ? a->np : 0;
}

/* see quire.h */
int
quire_article_part(const quire_article *a, size_t i, quire_part *p)
{
    const quire__rpart *x;
    if (a == NULL || p == NULL) {
        return QUIRE_E_ARG;
    }
    if (i >= a->np) {
        return QUIRE_E_NOTFOUND;
    }
    x = &a->p[i];
    p->name = (const char *)a->data.p + x->name_off;
    p->name_len = x->name_len;
    p->media_type = x->media_len != 0 ? (const char *)a->data.p + x->media_off : "";
    p->media_len = x->media_len;
    p->data = x->data_len != 0 ? a->data.p + x->data_off : (const uint8_t *)"";
    p->len = x->data_len;
    return QUIRE_OK;
}

/* see quire.h */
int
quire_article_find_part(const quire_article *a, const char *name, size_t len, quire_part *p)
{
    size_t i;
    if (a == NULL || p == NULL || (name == NULL && len != 0)) {
        return QUIRE_E_ARG;
    }
    for (i = 0; i < a->np; i++) {
        if (a->p[i].name_len == len && memcmp(a->data.p + a->p[i].name_off, name, len) == 0) {
            return quire_article_part(a, i, p);
        }
    }
    return QUIRE_E_NOTFOUND;
}

/* see quire.h */
int64_t
quire_article_number(const quire_article *a)
{
    return a != NULL ? a->number : -1;
}

int
quire__article_encode(quire_article *a, const uint8_t **rec, size_t *len)
{
    if (!a->enc_ok) {
        quire__buf_reset(&a->enc);
        quire__record_encode(&a->enc, a->data.p, a->f, a->nf, a->p, a->np);
        if (a->enc.err != 0) {
            int e = a->enc.err;
            quire__buf_reset(&a->enc);
            return e;
        }
        a->enc_ok = 1;
    }
    *rec = a->enc.p;
    *len = a->enc.len;
    return 0;
}

int
quire__article_content_digest(quire_article *a, uint8_t out[32])
{
    quire__buf b;
    size_t i, j = 0;
    quire__rfield *f;
    int e;
    /* the record as it would be without its publisher signature field */
    f = (quire__rfield *)quire__malloc(&a->a, (a->nf + 1) * sizeof *f);
    if (f == NULL) {
        return QUIRE_E_NOMEM;
    }
    for (i = 0; i < a->nf; i++) {
        if (a->f[i].key != QUIRE_F_PUBLISHER_SIG) {
            f[j++] = a->f[i];
        }
    }
    quire__buf_init(&b, &a->a, ARENA_MAX);
    quire__record_encode(&b, a->data.p, f, j, a->p, a->np);
    e = b.err != 0 ? b.err : quire__blake2b256(out, b.p, b.len);
    quire__buf_free(&b);
    quire__free(&a->a, f);
    return e;
}

/* see quire.h */
int
quire_article_digest(quire_article *a, uint8_t out[32])
{
    const uint8_t *rec;
    size_t len;
    int e;
    if (a == NULL || out == NULL) {
        return QUIRE_E_ARG;
    }
    if (!a->digest_ok) {
        if ((e = quire__article_encode(a, &rec, &len)) != 0) {
            return e;
        }
        if ((e = quire__blake2b256(a->digest, rec, len)) != 0) {
            return e;
        }
        a->digest_ok = 1;
    }
    memcpy(out, a->digest, 32);
    return QUIRE_OK;
}

int
quire__article_load(quire_article *a, const uint8_t *rec, size_t len, uint64_t base,
                    const quire__limits *l, int64_t number, quire_diag *d)
{
    quire__cur c;
    size_t nf = 0, np = 0;
    int e;
    quire_article_clear(a);
    quire__cur_init(&c, rec, len, base);
    if (quire__record_head(&c, l, &nf, &np) != 0) {
        return quire__fail_cur(d, &c, number);
    }
    if ((e = grow_fields(a, nf)) != 0 || (e = grow_parts(a, np)) != 0) {
        return QUIRE__FAIL(d, e, base, number, "record");
    }
    if (quire__record_body(&c, l, &a->a, a->f, nf, a->p, np) != 0) {
        return quire__fail_cur(d, &c, number);
    }
    /* offsets are relative to rec; keep a copy so the article owns its bytes */
    if ((e = quire__buf_reserve(&a->data, len)) != 0) {
        a->data.err = 0;
        return QUIRE__FAIL(d, e, base, number, "record");
    }
    memcpy(a->data.p, rec, len);
    a->data.len = len;
    a->nf = nf;
    a->np = np;
    /* the stored bytes are the canonical encoding (spec 5.1) */
    quire__buf_reset(&a->enc);
    quire__put_bytes(&a->enc, rec, len);
    if (a->enc.err != 0) {
        e = a->enc.err;
        quire_article_clear(a);
        return QUIRE__FAIL(d, e, base, number, "record");
    }
    a->enc_ok = 1;
    a->number = number;
    return QUIRE_OK;
}
