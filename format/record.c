/* record.c - records, field values, standard fields, times (spec section 5). */
#include <string.h>

#include "format.h"
#include "json.h"
#include "quire.h"
#include "utf8.h"

/* ====================================================================== */
/* standard fields [5.4] */

#define STD(name, type) {name, sizeof name - 1, type}
static const struct {
    const char *name;
    size_t len; /* strlen(name) */
    int type;
} std_fields[] = {
    {NULL, 0, -1},
    STD("id", QUIRE_T_TEXT),
    STD("url", QUIRE_T_TEXT),
    STD("capture_url", QUIRE_T_TEXT),
    STD("title", QUIRE_T_TEXT),
    STD("authors", QUIRE_T_LIST),
    STD("source", QUIRE_T_TEXT),
    STD("section", QUIRE_T_TEXT),
    STD("language", QUIRE_T_TEXT),
    STD("date", QUIRE_T_TIME),
    STD("modified", QUIRE_T_TIME),
    STD("captured", QUIRE_T_TIME),
    STD("license", QUIRE_T_TEXT),
    STD("original_digest", QUIRE_T_TEXT),
    STD("filename", QUIRE_T_TEXT),
    STD("description", QUIRE_T_TEXT),
    STD("keywords", QUIRE_T_LIST),
    STD("publisher_signature", QUIRE_T_BYTES),
};
#undef STD
#define N_STD ((unsigned)(sizeof std_fields / sizeof std_fields[0]))

int
quire__std_type(unsigned key)
{
    return key > 0 && key < N_STD ? std_fields[key].type : -1;
}

const char *
quire__std_name(unsigned key)
{
    return key > 0 && key < N_STD ? std_fields[key].name : NULL;
}

unsigned
quire__std_key(const uint8_t *name, size_t len)
{
    unsigned k;
    for (k = 1; k < N_STD; k++) {
        if (std_fields[k].len == len && memcmp(std_fields[k].name, name, len) == 0) {
            return k;
        }
    }
    return 0;
}

/* ====================================================================== */
/* times [5.3] */

static int
digits(const uint8_t *s, size_t n, int *out)
{
    size_t i;
    int v = 0;
    for (i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9') {
            return 0;
        }
        v = v * 10 + (s[i] - '0');
    }
    *out = v;
    return 1;
}

static int
is_leap(int y)
{
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

/* days from 1970-01-01 to y-m-d (proleptic Gregorian), Howard Hinnant's method */
static int64_t
days_from_civil(int y, int m, int d)
{
    int64_t yy = (int64_t)y - (m <= 2);
    int64_t era = (yy >= 0 ? yy : yy - 399) / 400;
    int64_t yoe = yy - era * 400;
    int64_t doy = (153 * (int64_t)(m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

int
quire__time_parse(const uint8_t *s, size_t len, int64_t *secs)
{
    static const int mdays[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    int y, mo, d, h = 0, mi = 0, se = 0, zh = 0, zm = 0, sign = 0;
    size_t i;
    int64_t t;

    if (len < 10 || !digits(s, 4, &y) || s[4] != '-' || !digits(s + 5, 2, &mo) || s[7] != '-' ||
        !digits(s + 8, 2, &d)) {
        return QUIRE_E_TIME;
    }
    if (mo < 1 || mo > 12 || d < 1 || d > mdays[mo - 1] + (mo == 2 && is_leap(y))) {
        return QUIRE_E_TIME;
    }
    i = 10;
    if (i < len) {
        if (s[i] != 'T' || len < i + 6 || !digits(s + i + 1, 2, &h) || s[i + 3] != ':' ||
            !digits(s + i + 4, 2, &mi)) {
            return QUIRE_E_TIME;
        }
        i += 6;
        if (i < len && s[i] == ':') {
            if (len < i + 3 || !digits(s + i + 1, 2, &se)) {
                return QUIRE_E_TIME;
            }
            i += 3;
            if (i < len && s[i] == '.') {
                size_t nf = 0;
                i++;
                while (i < len && s[i] >= '0' && s[i] <= '9') {
                    i++;
                    nf++;
                }
                if (nf == 0 || nf > 9) {
                    return QUIRE_E_TIME;
                }
            }
        }
        if (h > 23 || mi > 59 || se > 60) {
            return QUIRE_E_TIME;
        }
        if (i < len) {
            if (s[i] == 'Z') {
                i++;
            } else if (s[i] == '+' || s[i] == '-') {
                sign = s[i] == '+' ? 1 : -1;
                if (len < i + 6 || !digits(s + i + 1, 2, &zh) || s[i + 3] != ':' ||
                    !digits(s + i + 4, 2, &zm) || zh > 23 || zm > 59) {
                    return QUIRE_E_TIME;
                }
                i += 6;
            } else {
                return QUIRE_E_TIME;
            }
        }
        if (i != len) {
            return QUIRE_E_TIME;
        }
    }
    t = days_from_civil(y, mo, d) * 86400 + (int64_t)h * 3600 + (int64_t)mi * 60 + se;
    t -= (int64_t)sign * ((int64_t)zh * 3600 + (int64_t)zm * 60);
    if (secs != NULL) {
        *secs = t;
    }
    return QUIRE_OK;
}

/* ====================================================================== */
/* values [5.2] */

int
quire__language_ok(const uint8_t *s, size_t n)
{
    /* BCP 47 shape: 1..8 alphanumerics, then "-" subtags of 1..8 */
    size_t i, run = 0;
    if (n == 0 || n > 64) {
        return 0;
    }
    for (i = 0; i < n; i++) {
        uint8_t ch = s[i];
        if (ch == '-') {
            if (run == 0) {
                return 0;
            }
            run = 0;
        } else if ((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
                   (ch >= '0' && ch <= '9')) {
            if (++run > 8) {
                return 0;
            }
        } else {
            return 0;
        }
    }
    return run != 0;
}

int
quire__value_check(quire__cur *c, int type, const quire__limits *l, const quire__allocator *a,
                   size_t *n_items)
{
    size_t bad = 0;
    const uint8_t *v = c->buf + c->off;
    size_t n = quire__cur_left(c);
    *n_items = 0;
    switch (type) {
    case QUIRE_T_NULL:
        if (n != 0) {
            return quire__cur_fail(c, QUIRE_E_FIELD, "null value length");
        }
        return 0;
    case QUIRE_T_TEXT:
        if (!quire__utf8_check(v, n, &bad)) {
            c->off += bad;
            return quire__cur_fail(c, QUIRE_E_UTF8, "text value");
        }
        c->off += n;
        return 0;
    case QUIRE_T_TIME:
        if (quire__time_parse(v, n, NULL) != 0) {
            return quire__cur_fail(c, QUIRE_E_TIME, "time value");
        }
        c->off += n;
        return 0;
    case QUIRE_T_BYTES:
        c->off += n;
        return 0;
    case QUIRE_T_JSON: {
        quire__cur jc;
        quire__cur_init(&jc, v, n, quire__cur_pos(c));
        if (quire__json_check_canonical(&jc, a) != 0) {
            c->off += jc.off;
            return quire__cur_fail(c, jc.err, jc.err_what != NULL ? jc.err_what : "JSON value");
        }
        c->off += n;
        return 0;
    }
    case QUIRE_T_LIST: {
        uint32_t count = quire__get_u32(c, "list item count");
        uint32_t k;
        size_t at = c->off;
        if (c->err != 0) {
            return c->err;
        }
        if (count > l->list) {
            c->off = at - 4;
            return quire__cur_fail(c, QUIRE_E_LIMIT, "list item count");
        }
        if ((uint64_t)count * 4 > quire__cur_left(c)) {
            c->off = at - 4;
            return quire__cur_fail(c, QUIRE_E_TRUNCATED, "list item count");
        }
        for (k = 0; k < count; k++) {
            uint32_t il = quire__get_u32(c, "list item length");
            const uint8_t *item = quire__get_bytes(c, il, "list item");
            if (item == NULL) {
                return c->err;
            }
            if (!quire__utf8_check(item, il, &bad)) {
                c->off = (size_t)(item - c->buf) + bad;
                return quire__cur_fail(c, QUIRE_E_UTF8, "list item");
            }
        }
        if (quire__cur_left(c) != 0) {
            return quire__cur_fail(c, QUIRE_E_TRAILING, "list value");
        }
        *n_items = count;
        return 0;
    }
    default:
        return quire__cur_fail(c, QUIRE_E_FIELD, "field type");
    }
}

int
quire__list_item(const uint8_t *v, size_t len, size_t i, const uint8_t **item, size_t *item_len)
{
    quire__cur c;
    uint32_t count, k;
    quire__cur_init(&c, v, len, 0);
    count = quire__get_u32(&c, "list");
    if (c.err != 0 || i >= count) {
        return QUIRE_E_NOTFOUND;
    }
    for (k = 0;; k++) {
        uint32_t il = quire__get_u32(&c, "list");
        const uint8_t *p = quire__get_bytes(&c, il, "list");
        if (p == NULL) {
            return QUIRE_E_FIELD;
        }
        if (k == i) {
            *item = p;
            *item_len = il;
            return QUIRE_OK;
        }
    }
}

/* ====================================================================== */
/* records [5.1] */

static int
record_head(quire__cur *c, const quire__limits *l, size_t *n_fields, size_t *n_parts,
            unsigned allowed, unsigned *flags_out)
{
    size_t at = c->off;
    uint8_t version = quire__get_u8(c, "record version");
    uint8_t flags = quire__get_u8(c, "record flags");
    uint16_t nf = quire__get_u16(c, "record field count");
    uint16_t np = quire__get_u16(c, "record part count");
    uint16_t rsv = quire__get_u16(c, "record reserved");
    if (c->err != 0) {
        return c->err;
    }
    if (version != 1) {
        c->off = at;
        return quire__cur_fail(c, version == 0 ? QUIRE_E_RECORD : QUIRE_E_FEATURE,
                               "record version");
    }
    if ((flags & ~allowed) != 0) {
        c->off = at + 1;
        return quire__cur_fail(c, QUIRE_E_RESERVED, "record flags");
    }
    if (rsv != 0) {
        c->off = at + 6;
        return quire__cur_fail(c, QUIRE_E_RESERVED, "record reserved");
    }
    if (nf > l->fields) {
        c->off = at + 2;
        return quire__cur_fail(c, QUIRE_E_LIMIT, "record field count");
    }
    if (np > l->parts) {
        c->off = at + 4;
        return quire__cur_fail(c, QUIRE_E_LIMIT, "record part count");
    }
    if ((uint64_t)nf * QUIRE__MIN_FIELD + (uint64_t)np * QUIRE__MIN_PART > quire__cur_left(c)) {
        c->off = at + 2;
        return quire__cur_fail(c, QUIRE_E_TRUNCATED, "record field count");
    }
    *n_fields = nf;
    *n_parts = np;
    *flags_out = flags;
    return 0;
}

int
quire__record_head(quire__cur *c, const quire__limits *l, size_t *n_fields, size_t *n_parts)
{
    unsigned flags;
    return record_head(c, l, n_fields, n_parts, 0, &flags);
}

int
quire__record_head_stored(quire__cur *c, const quire__limits *l, size_t *n_fields,
                          size_t *n_parts, unsigned *flags)
{
    return record_head(c, l, n_fields, n_parts, QUIRE__REC_F_REFS, flags);
}

int
quire__field_cmp(const uint8_t *arena, const quire__rfield *x, const quire__rfield *y)
{
    size_t n;
    int r;
    if (x->key != y->key) {
        /* standard keys ascending, extension (key 0) last */
        if (x->key == 0) {
            return 1;
        }
        if (y->key == 0) {
            return -1;
        }
        return x->key < y->key ? -1 : 1;
    }
    if (x->key != 0) {
        return 0;
    }
    n = x->name_len < y->name_len ? x->name_len : y->name_len;
    r = memcmp(arena + x->name_off, arena + y->name_off, n);
    if (r != 0) {
        return r;
    }
    return x->name_len < y->name_len ? -1 : (x->name_len > y->name_len ? 1 : 0);
}

/* An extension may carry a standard JSON name only when that standard
 * field is absent (spec 5.4); f[0..n) is sorted, so the standard fields
 * come first and a binary search is not worth it for n <= 65535 keys of a
 * fixed, short table. */
static int
ext_name_clashes(const uint8_t *base, const quire__rfield *f, size_t n_std, const quire__rfield *e)
{
    unsigned k = quire__std_key(base + e->name_off, e->name_len);
    size_t i;
    if (k == 0) {
        return 0;
    }
    for (i = 0; i < n_std; i++) {
        if (f[i].key == k) {
            return 1;
        }
    }
    return 0;
}

static int
record_body(quire__cur *c, const quire__limits *l, const quire__allocator *a, quire__rfield *f,
            size_t n_fields, quire__rpart *p, size_t n_parts, unsigned flags)
{
    size_t i, j, n_std = 0, n_refs = 0;
    for (i = 0; i < n_fields; i++) {
        size_t at = c->off;
        uint16_t key = quire__get_u16(c, "field key");
        uint8_t type = quire__get_u8(c, "field type");
        uint8_t name_len = quire__get_u8(c, "field name length");
        const uint8_t *name = quire__get_bytes(c, name_len, "field name");
        uint32_t vlen;
        const uint8_t *val;
        quire__cur vc;
        size_t bad;
        int st;
        if (c->err != 0) {
            return c->err;
        }
        f[i].key = key;
        f[i].type = type;
        f[i].name_off = (size_t)(name - c->buf);
        f[i].name_len = name_len;
        if (key == 0) {
            if (name_len == 0) {
                c->off = at + 3;
                return quire__cur_fail(c, QUIRE_E_FIELD, "extension name length");
            }
            if (!quire__utf8_check(name, name_len, &bad)) {
                c->off = f[i].name_off + bad;
                return quire__cur_fail(c, QUIRE_E_UTF8, "extension name");
            }
        } else {
            n_std++;
            if (name_len != 0) {
                c->off = at + 3;
                return quire__cur_fail(c, QUIRE_E_FIELD, "standard field name length");
            }
            st = quire__std_type(key);
            if (st >= 0 && type != st && type != QUIRE_T_NULL) {
                c->off = at + 2;
                return quire__cur_fail(c, QUIRE_E_FIELD, "field type for key");
            }
        }
        if (type > QUIRE_T_BYTES) {
            c->off = at + 2;
            return quire__cur_fail(c, QUIRE_E_FEATURE, "field type");
        }
        if (i > 0 && quire__field_cmp(c->buf, &f[i - 1], &f[i]) >= 0) {
            c->off = at;
            return quire__cur_fail(c, QUIRE_E_ORDER, "field order");
        }
        if (key == 0 && ext_name_clashes(c->buf, f, n_std, &f[i])) {
            c->off = at + 4;
            return quire__cur_fail(c, QUIRE_E_FIELD, "extension name");
        }
        vlen = quire__get_u32(c, "field value length");
        val = quire__get_bounded(c, vlen, l->field, "field value");
        if (val == NULL) {
            return c->err;
        }
        f[i].val_off = (size_t)(val - c->buf);
        f[i].val_len = vlen;
        quire__cur_init(&vc, val, vlen, quire__cur_pos(c) - vlen);
        if (quire__value_check(&vc, type, l, a, &f[i].n_items) != 0) {
            c->off = f[i].val_off + vc.off;
            return quire__cur_fail(c, vc.err, vc.err_what);
        }
        if (key == QUIRE_F_LANGUAGE && type == QUIRE_T_TEXT && !quire__language_ok(val, vlen)) {
            c->off = f[i].val_off;
            return quire__cur_fail(c, QUIRE_E_FIELD, "language tag");
        }
    }
    for (i = 0; i < n_parts; i++) {
        size_t at = c->off;
        uint8_t nl = quire__get_u8(c, "part name length");
        const uint8_t *name = quire__get_bytes(c, nl, "part name");
        uint8_t ml = quire__get_u8(c, "part media type length");
        const uint8_t *media = quire__get_bytes(c, ml, "part media type");
        uint8_t storage = quire__get_u8(c, "part storage");
        uint32_t dl;
        const uint8_t *data;
        size_t bad;
        if (c->err != 0) {
            return c->err;
        }
        if (nl == 0) {
            c->off = at;
            return quire__cur_fail(c, QUIRE_E_RECORD, "part name length");
        }
        if (!quire__utf8_check(name, nl, &bad)) {
            c->off = at + 1 + bad;
            return quire__cur_fail(c, QUIRE_E_UTF8, "part name");
        }
        for (j = 0; j < ml; j++) {
            if (media[j] < 0x20 || media[j] > 0x7E) {
                c->off = (size_t)(media - c->buf) + j;
                return quire__cur_fail(c, QUIRE_E_RECORD, "part media type");
            }
        }
        if (storage > 1) {
            /* 2..255 are reserved [5.5] */
            c->off -= 1;
            return quire__cur_fail(c, QUIRE_E_FEATURE, "part storage");
        }
        if (storage == 1 && (flags & QUIRE__REC_F_REFS) == 0) {
            /* a reference only in the stored form, announced by the flag */
            c->off -= 1;
            return quire__cur_fail(c, QUIRE_E_RECORD, "part storage (reference without the record flag)");
        }
        for (j = 0; j < i; j++) {
            if (p[j].name_len == nl && memcmp(c->buf + p[j].name_off, name, nl) == 0) {
                c->off = at;
                return quire__cur_fail(c, QUIRE_E_ORDER, "duplicate part name");
            }
        }
        dl = quire__get_u32(c, "part length");
        if (storage == 1 && dl != QUIRE__PART_REF_LEN) {
            c->off -= 4;
            return quire__cur_fail(c, QUIRE_E_RECORD, "part reference length");
        }
        data = quire__get_bounded(c, dl, l->record, "part data");
        if (data == NULL) {
            return c->err;
        }
        p[i].storage = storage;
        p[i].ref_article = 0;
        p[i].ref_part = 0;
        if (storage == 1) {
            p[i].ref_article = quire__ld64(data);
            p[i].ref_part = quire__ld32(data + 8);
            n_refs++;
        }
        p[i].name_off = (size_t)(name - c->buf);
        p[i].name_len = nl;
        p[i].media_off = (size_t)(media - c->buf);
        p[i].media_len = ml;
        p[i].data_off = (size_t)(data - c->buf);
        p[i].data_len = dl;
    }
    if (quire__cur_left(c) != 0) {
        return quire__cur_fail(c, QUIRE_E_TRAILING, "record");
    }
    if ((flags & QUIRE__REC_F_REFS) != 0 && n_refs == 0) {
        /* the flag announces at least one reference: one stored form less */
        return quire__cur_fail(c, QUIRE_E_RECORD, "record flags (no part reference)");
    }
    return c->err;
}

int
quire__record_body(quire__cur *c, const quire__limits *l, const quire__allocator *a,
                   quire__rfield *f, size_t n_fields, quire__rpart *p, size_t n_parts)
{
    return record_body(c, l, a, f, n_fields, p, n_parts, 0);
}

int
quire__record_body_stored(quire__cur *c, const quire__limits *l, const quire__allocator *a,
                          quire__rfield *f, size_t n_fields, quire__rpart *p, size_t n_parts,
                          unsigned flags)
{
    return record_body(c, l, a, f, n_fields, p, n_parts, flags);
}

/* An article whose values are all empty has no arena: no pointer
 * arithmetic on NULL. */
static const uint8_t *
at(const uint8_t *arena, size_t off)
{
    return arena != NULL ? arena + off : (const uint8_t *)"";
}

static void
record_encode(quire__buf *b, const uint8_t *arena, const quire__rfield *f, size_t n_fields,
              const quire__rpart *p, size_t n_parts, int stored)
{
    size_t i;
    unsigned flags = 0;
    for (i = 0; stored && i < n_parts; i++) {
        if (p[i].storage == 1) {
            flags = QUIRE__REC_F_REFS;
        }
    }
    quire__put_u8(b, 1); /* version */
    quire__put_u8(b, (uint8_t)flags);
    quire__put_u16(b, (uint16_t)n_fields);
    quire__put_u16(b, (uint16_t)n_parts);
    quire__put_u16(b, 0);
    for (i = 0; i < n_fields; i++) {
        quire__put_u16(b, f[i].key);
        quire__put_u8(b, f[i].type);
        quire__put_u8(b, (uint8_t)f[i].name_len);
        quire__put_bytes(b, at(arena, f[i].name_off), f[i].name_len);
        quire__put_u32(b, (uint32_t)f[i].val_len);
        quire__put_bytes(b, at(arena, f[i].val_off), f[i].val_len);
    }
    for (i = 0; i < n_parts; i++) {
        quire__put_u8(b, (uint8_t)p[i].name_len);
        quire__put_bytes(b, at(arena, p[i].name_off), p[i].name_len);
        quire__put_u8(b, (uint8_t)p[i].media_len);
        quire__put_bytes(b, at(arena, p[i].media_off), p[i].media_len);
        if (stored && p[i].storage == 1) {
            quire__put_u8(b, 1); /* a reference [5.6] */
            quire__put_u32(b, QUIRE__PART_REF_LEN);
            quire__put_u64(b, p[i].ref_article);
            quire__put_u32(b, p[i].ref_part);
            continue;
        }
        quire__put_u8(b, 0); /* storage: inline */
        quire__put_u32(b, (uint32_t)p[i].data_len);
        quire__put_bytes(b, at(arena, p[i].data_off), p[i].data_len);
    }
}

void
quire__record_encode(quire__buf *b, const uint8_t *arena, const quire__rfield *f, size_t n_fields,
                     const quire__rpart *p, size_t n_parts)
{
    record_encode(b, arena, f, n_fields, p, n_parts, 0);
}

void
quire__record_encode_stored(quire__buf *b, const uint8_t *arena, const quire__rfield *f,
                            size_t n_fields, const quire__rpart *p, size_t n_parts)
{
    record_encode(b, arena, f, n_fields, p, n_parts, 1);
}

int
quire__ddup_decode(quire__cur *c, uint64_t *count, quire__buf *out)
{
    uint8_t version = quire__get_u8(c, "dDUP version");
    uint64_t n, i, article = 0;
    size_t out_len = out != NULL ? out->len : 0;
    if (c->err != 0) {
        return c->err;
    }
    if (version != QUIRE__DDUP_VERSION) {
        c->off -= 1;
        return quire__cur_fail(c, QUIRE_E_FEATURE, "dDUP version");
    }
    quire__expect_zero(c, quire__get_u8(c, "dDUP reserved"), "dDUP reserved");
    quire__expect_zero(c, quire__get_u16(c, "dDUP reserved"), "dDUP reserved");
    n = quire__get_u64(c, "dDUP count");
    if (c->err != 0) {
        return c->err;
    }
    if (n > quire__cur_left(c) / QUIRE__DDUP_MIN_ENTRY) {
        c->off -= 8;
        return quire__cur_fail(c, QUIRE_E_TRUNCATED, "dDUP count");
    }
    if (out != NULL && quire__buf_reserve(out, (size_t)n * QUIRE__DDUP_ENTRY) != 0) {
        return quire__cur_fail(c, QUIRE_E_NOMEM, "dDUP entries");
    }
    for (i = 0; i < n && c->err == 0; i++) {
        const uint8_t *prefix = quire__get_bytes(c, QUIRE__DDUP_PREFIX, "dDUP entry");
        /* the articles' sum stays below 2^64 */
        uint64_t part;
        article += quire__get_uleb(c, UINT64_MAX - article, QUIRE_E_FRAME, "dDUP article");
        part = quire__get_uleb(c, UINT32_MAX, QUIRE_E_FRAME, "dDUP part");
        if (c->err == 0 && out != NULL) {
            uint8_t e[QUIRE__DDUP_ENTRY];
            memset(e, 0, sizeof e);
            memcpy(e, prefix, QUIRE__DDUP_PREFIX);
            quire__st64(e + 8, article);
            quire__st32(e + 16, (uint32_t)part);
            quire__put_bytes(out, e, sizeof e);
        }
    }
    if (c->err == 0 && quire__cur_left(c) != 0) {
        quire__cur_fail(c, QUIRE_E_TRAILING, "dDUP entries");
    }
    if (c->err != 0) {
        if (out != NULL) {
            out->len = out_len;
        }
        return c->err;
    }
    *count = n;
    return 0;
}

void
quire__ddup_encode(quire__buf *b, const uint8_t *entries, size_t n)
{
    uint64_t prev = 0;
    size_t i;
    quire__put_u8(b, QUIRE__DDUP_VERSION);
    quire__put_u8(b, 0);
    quire__put_u16(b, 0);
    quire__put_u64(b, n);
    for (i = 0; i < n; i++) {
        const uint8_t *e = entries + i * QUIRE__DDUP_ENTRY;
        uint64_t article = quire__ld64(e + 8);
        quire__put_bytes(b, e, QUIRE__DDUP_PREFIX);
        quire__put_uleb(b, article - prev); /* entries come in article order */
        quire__put_uleb(b, quire__ld32(e + 16));
        prev = article;
    }
}
