/* html.c - article metadata and main text from an HTML page (see html.h and the "HTML mapping"
 * section of spec/WARC.md). libxml2 parses; this file decodes the bytes, picks values by source
 * precedence, normalizes them and chooses the main text. Nothing here recurses on input depth:
 * the tree walks go through parent/next pointers, the JSON-LD walk is a breadth-first queue. */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <iconv.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include <libxml/HTMLparser.h>
#include <libxml/globals.h>
#include <libxml/tree.h>
#include <libxml/uri.h>
#include <libxml/xmlerror.h>

#include "html.h"
#include "internal.h"
#include "../format/utf8.h"

#define NONE ((size_t)-1)
#define PRIO_NONE INT_MAX
#define PRESCAN_LEN ((size_t)64 << 10) /* bytes searched for <meta charset> */
#define ARENA_MAX ((size_t)256 << 20)  /* paragraph text kept while choosing the main text */
#define LD_MAX_BLOCK ((size_t)4 << 20) /* a larger JSON-LD block is ignored */
#define LD_MAX_BYTES ((size_t)16 << 20) /* JSON-LD text queued over the whole page */
#define LD_MAX_NODES 4096              /* JSON-LD objects looked at over the whole page */
#define LD_MAX_DEPTH 8                 /* nesting of JSON-LD objects looked into */
#define CLASS_PEEK 256                 /* bytes of class and id matched against patterns */
#define MAX_ATTRS 100                  /* attributes of one start tag given to libxml2 */

/* ====================================================================== */
/* fields and their values */

enum { F_TITLE, F_CANON, F_PUB, F_MOD, F_LANG, F_LOCALE, F_DESC, F_SECTION, F_PUBLISHER,
       F_AUTHOR, F_KEYWORDS, F_TAG };

typedef struct hx_slot {
    char *v;
    int prio; /* lower wins; ties go to the first seen (document order) */
} hx_slot;

typedef struct hx_time {
    hx_slot norm; /* the best source that normalized */
    hx_slot raw;  /* the best source at all, as given (cleaned) */
} hx_time;

typedef struct hx_list {
    char **v;
    size_t n, cap;
    int prio; /* every item comes from sources of this priority */
} hx_list;

typedef struct ld_node {
    char *p; /* canonical JSON text of one object */
    size_t n;
    unsigned depth;
    int article; /* @type is an article type */
    char *id;    /* "@id" or NULL */
    char *name;  /* "name" when a string, or NULL (to resolve {"@id": ...} references) */
} ld_node;

typedef struct hx {
    const quire__allocator *a;
    int err; /* sticky QUIRE_E_NOMEM */
    const char *base_url;
    hx_slot title, canon, lang, desc, section, publisher;
    hx_time pub, mod;
    hx_list authors, keywords;
    ld_node *ld;
    size_t ld_n, ld_cap, ld_bytes;
} hx;

static void
nomem(hx *h)
{
    h->err = QUIRE_E_NOMEM;
}

static int
lower(int c)
{
    return c >= 'A' && c <= 'Z' ? c + 32 : c;
}

static int
is_space(int c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f';
}

static int
ci_eq(const char *s, size_t n, const char *lit)
{
    size_t i;
    for (i = 0; i < n; i++) {
        if (lit[i] == '\0' || lower((unsigned char)s[i]) != lower((unsigned char)lit[i])) {
            return 0;
        }
    }
    return lit[n] == '\0';
}

static int
ci_prefix(const char *s, size_t n, const char *lit)
{
    size_t i;
    for (i = 0; lit[i] != '\0'; i++) {
        if (i >= n || lower((unsigned char)s[i]) != lower((unsigned char)lit[i])) {
            return 0;
        }
    }
    return 1;
}

/* ASCII case-insensitive search of lit (lower case) in s[0..n) */
static int
ci_contains(const char *s, size_t n, const char *lit)
{
    size_t m = strlen(lit), i, j;
    if (m > n) {
        return 0;
    }
    for (i = 0; i + m <= n; i++) {
        for (j = 0; j < m && lower((unsigned char)s[i + j]) == lit[j]; j++) {
        }
        if (j == m) {
            return 1;
        }
    }
    return 0;
}

static void
trim(const char **s, size_t *n)
{
    while (*n > 0 && is_space((unsigned char)(*s)[0])) {
        (*s)++;
        (*n)--;
    }
    while (*n > 0 && is_space((unsigned char)(*s)[*n - 1])) {
        (*n)--;
    }
}

/* ====================================================================== */
/* UTF-8 */

/* Length of the well-formed UTF-8 sequence at p[0..n) with its code point in *cp, or 0. */
static size_t
u8_dec(const uint8_t *p, size_t n, uint32_t *cp)
{
    uint32_t c;
    size_t len, i;
    if (n == 0) {
        return 0;
    }
    c = p[0];
    if (c < 0x80) {
        *cp = c;
        return 1;
    }
    if (c >= 0xC2 && c <= 0xDF) {
        len = 2;
        c &= 0x1F;
    } else if (c >= 0xE0 && c <= 0xEF) {
        len = 3;
        c &= 0x0F;
    } else if (c >= 0xF0 && c <= 0xF4) {
        len = 4;
        c &= 0x07;
    } else {
        return 0;
    }
    if (n < len) {
        return 0;
    }
    for (i = 1; i < len; i++) {
        if ((p[i] & 0xC0) != 0x80) {
            return 0;
        }
        c = (c << 6) | (p[i] & 0x3Fu);
    }
    if ((len == 3 && (c < 0x800 || (c >= 0xD800 && c <= 0xDFFF))) ||
        (len == 4 && (c < 0x10000 || c > 0x10FFFF))) {
        return 0;
    }
    *cp = c;
    return len;
}

static size_t
u8_enc(uint32_t c, uint8_t out[4])
{
    if (c < 0x80) {
        out[0] = (uint8_t)c;
        return 1;
    }
    if (c < 0x800) {
        out[0] = (uint8_t)(0xC0 | (c >> 6));
        out[1] = (uint8_t)(0x80 | (c & 0x3F));
        return 2;
    }
    if (c < 0x10000) {
        out[0] = (uint8_t)(0xE0 | (c >> 12));
        out[1] = (uint8_t)(0x80 | ((c >> 6) & 0x3F));
        out[2] = (uint8_t)(0x80 | (c & 0x3F));
        return 3;
    }
    out[0] = (uint8_t)(0xF0 | (c >> 18));
    out[1] = (uint8_t)(0x80 | ((c >> 12) & 0x3F));
    out[2] = (uint8_t)(0x80 | ((c >> 6) & 0x3F));
    out[3] = (uint8_t)(0x80 | (c & 0x3F));
    return 4;
}

static void
put_cp(quire__buf *b, uint32_t c)
{
    uint8_t t[4];
    quire__put_bytes(b, t, u8_enc(c, t));
}

/* White-space collapsing appender: runs of white space and controls become one space, none
 * at the start; C1 controls and U+FEFF vanish; ill-formed UTF-8 becomes U+FFFD. Stops for good
 * (full) before a character that would pass max bytes from start. */
typedef struct ws {
    quire__buf *b;
    size_t start, max;
    int pend, full;
    uint64_t chars; /* characters written */
} ws;

static void
ws_init(ws *w, quire__buf *b, size_t max)
{
    w->b = b;
    w->start = b->len;
    w->max = max;
    w->pend = 0;
    w->full = 0;
    w->chars = 0;
}

static void
ws_put(ws *w, const uint8_t *p, size_t n)
{
    size_t i = 0, k;
    uint32_t c;
    while (i < n && !w->full && w->b->err == 0) {
        if (p[i] < 0x80) {
            c = p[i];
            k = 1;
        } else if ((k = u8_dec(p + i, n - i, &c)) == 0) {
            c = 0xFFFD;
            k = 1;
        }
        i += k;
        if (c <= 0x20 || c == 0x7F || c == 0xA0 || c == 0x85 || c == 0x1680 ||
            (c >= 0x2000 && c <= 0x200A) || c == 0x2028 || c == 0x2029 || c == 0x202F ||
            c == 0x205F || c == 0x3000) {
            w->pend = w->b->len > w->start;
            continue;
        }
        if ((c >= 0x80 && c <= 0x9F) || c == 0xFEFF) {
            continue;
        }
        {
            uint8_t t[4];
            size_t m = u8_enc(c, t);
            if (w->b->len - w->start + (size_t)w->pend + m > w->max) {
                w->full = 1;
                break;
            }
            if (w->pend) {
                quire__put_u8(w->b, ' ');
                w->pend = 0;
            }
            quire__put_bytes(w->b, t, m);
            w->chars++;
        }
    }
}

/* A cleaned, NUL-terminated copy of s[0..n), or NULL when empty (or out of memory: h->err). */
static char *
clean_max(hx *h, const char *s, size_t n, size_t max)
{
    quire__buf b;
    ws w;
    if (s == NULL || h->err != 0) {
        return NULL;
    }
    quire__buf_init(&b, h->a, max + 1);
    ws_init(&w, &b, max);
    ws_put(&w, (const uint8_t *)s, n);
    if (b.len == 0 && b.err == 0) {
        quire__buf_free(&b);
        return NULL;
    }
    quire__put_u8(&b, 0);
    if (b.err != 0) {
        quire__buf_free(&b);
        nomem(h);
        return NULL;
    }
    return (char *)b.p;
}

static char *
clean(hx *h, const char *s, size_t n)
{
    return clean_max(h, s, n, QUIRE__HTML_MAX_STRING);
}

static char *
dup_str(hx *h, const char *s)
{
    size_t n = strlen(s);
    char *p = (char *)quire__malloc(h->a, n + 1);
    if (p == NULL) {
        nomem(h);
        return NULL;
    }
    memcpy(p, s, n + 1);
    return p;
}

/* ====================================================================== */
/* slots and lists */

static void
slot_take(hx *h, hx_slot *s, int prio, char *v)
{
    if (v == NULL) {
        return;
    }
    if (prio >= s->prio) {
        quire__free(h->a, v);
        return;
    }
    quire__free(h->a, s->v);
    s->v = v;
    s->prio = prio;
}

static void
slot_set(hx *h, hx_slot *s, int prio, const char *v, size_t n)
{
    if (prio < s->prio) {
        slot_take(h, s, prio, clean(h, v, n));
    }
}

static void
list_clear(hx *h, hx_list *l)
{
    size_t i;
    for (i = 0; i < l->n; i++) {
        quire__free(h->a, l->v[i]);
    }
    quire__free(h->a, l->v);
    l->v = NULL;
    l->n = l->cap = 0;
}

static void
list_add(hx *h, hx_list *l, int prio, const char *s, size_t n)
{
    char *v;
    size_t i;
    if (prio > l->prio || h->err != 0) {
        return;
    }
    if ((v = clean_max(h, s, n, QUIRE__HTML_MAX_ITEM)) == NULL) {
        return;
    }
    if (prio < l->prio) {
        list_clear(h, l);
        l->prio = prio;
    }
    for (i = 0; i < l->n; i++) {
        if (strcmp(l->v[i], v) == 0) {
            break;
        }
    }
    if (i < l->n || l->n >= QUIRE__HTML_MAX_LIST) {
        quire__free(h->a, v);
        return;
    }
    if (l->n == l->cap) {
        size_t nc = l->cap != 0 ? l->cap * 2 : 8;
        char **nv = (char **)quire__realloc(h->a, l->v, l->cap * sizeof *nv, nc * sizeof *nv);
        if (nv == NULL) {
            quire__free(h->a, v);
            nomem(h);
            return;
        }
        l->v = nv;
        l->cap = nc;
    }
    l->v[l->n++] = v;
}

/* ====================================================================== */
/* times (spec/FORMAT.md 5.3) */

static int
num(const char *s, size_t n, size_t *i, size_t min, size_t max, int *v)
{
    size_t k = 0;
    int x = 0;
    while (*i + k < n && k < max && s[*i + k] >= '0' && s[*i + k] <= '9') {
        x = x * 10 + (s[*i + k] - '0');
        k++;
    }
    if (k < min || (*i + k < n && k == max && s[*i + k] >= '0' && s[*i + k] <= '9')) {
        return 0;
    }
    *i += k;
    *v = x;
    return 1;
}

/* exactly k digits */
static int
fixed(const char *s, size_t n, size_t *i, size_t k, int *v)
{
    size_t j;
    int x = 0;
    if (n - *i < k) {
        return 0;
    }
    for (j = 0; j < k; j++) {
        if (s[*i + j] < '0' || s[*i + j] > '9') {
            return 0;
        }
        x = x * 10 + (s[*i + j] - '0');
    }
    *i += k;
    *v = x;
    return 1;
}

static void
skip_spaces(const char *s, size_t n, size_t *i)
{
    while (*i < n && s[*i] == ' ') {
        (*i)++;
    }
}

/* Zone at s[*i..n): "Z", "UTC", "GMT", "UT", RFC 822 US zones, +HH:MM, +HHMM, +HH. Writes "Z"
 * or "+HH:MM" to z. Returns 0 when none is there, -1 when malformed, 1 when parsed. */
static int
zone(const char *s, size_t n, size_t *i, char z[7])
{
    static const struct {
        const char *name;
        int off;
    } names[] = {{"EEST", 3}, {"CEST", 2}, {"WEST", 1}, {"AEST", 10}, {"AEDT", 11},
                 {"EST", -5}, {"EDT", -4}, {"CST", -6}, {"CDT", -5}, {"MST", -7},
                 {"MDT", -6}, {"PST", -8}, {"PDT", -7}, {"EET", 2},  {"CET", 1},
                 {"WET", 0},  {"BST", 1},  {"MSK", 3},  {"HKT", 8},  {"SGT", 8},
                 {"JST", 9},  {"KST", 9}};
    size_t k;
    int hh = 0, mm = 0, sign;
    if (*i >= n) {
        return 0;
    }
    if (s[*i] == 'Z' || s[*i] == 'z') {
        (*i)++;
        memcpy(z, "Z", 2);
        return 1;
    }
    for (k = 0; k < sizeof names / sizeof names[0]; k++) {
        size_t m = strlen(names[k].name);
        int off = names[k].off, a = off < 0 ? -off : off;
        if (n - *i >= m && memcmp(s + *i, names[k].name, m) == 0 &&
            (n - *i == m || !((s[*i + m] >= 'A' && s[*i + m] <= 'Z') ||
                              (s[*i + m] >= 'a' && s[*i + m] <= 'z')))) {
            *i += m;
            z[0] = off < 0 ? '-' : '+';
            z[1] = (char)('0' + a / 10);
            z[2] = (char)('0' + a % 10);
            memcpy(z + 3, ":00", 4);
            return 1;
        }
    }
    if (n - *i >= 3 && (ci_prefix(s + *i, 3, "UTC") || ci_prefix(s + *i, 3, "GMT"))) {
        *i += 3;
        if (*i < n && (s[*i] == '+' || s[*i] == '-')) {
            return zone(s, n, i, z); /* "GMT+02:00": one level only, the sign is consumed */
        }
        memcpy(z, "Z", 2);
        return 1;
    }
    if (n - *i >= 2 && ci_prefix(s + *i, 2, "UT")) {
        *i += 2;
        memcpy(z, "Z", 2);
        return 1;
    }
    if (s[*i] != '+' && s[*i] != '-') {
        return -1;
    }
    sign = s[*i] == '-';
    (*i)++;
    if (!fixed(s, n, i, 2, &hh)) {
        return -1;
    }
    if (*i < n && s[*i] == ':') {
        (*i)++;
        if (!fixed(s, n, i, 2, &mm)) {
            return -1;
        }
    } else if (*i < n && s[*i] >= '0' && s[*i] <= '9') {
        if (!fixed(s, n, i, 2, &mm)) {
            return -1;
        }
    }
    if (hh > 23 || mm > 59) {
        return -1;
    }
    z[0] = sign ? '-' : '+';
    z[1] = (char)('0' + hh / 10);
    z[2] = (char)('0' + hh % 10);
    z[3] = ':';
    z[4] = (char)('0' + mm / 10);
    z[5] = (char)('0' + mm % 10);
    z[6] = '\0';
    return 1;
}

static int
month_name(const char *s, size_t n, size_t *i, int *mo)
{
    static const char names[] = "janfebmaraprmayjunjulaugsepoctnovdec";
    size_t k = 0, m;
    while (*i + k < n && ((s[*i + k] >= 'a' && s[*i + k] <= 'z') ||
                          (s[*i + k] >= 'A' && s[*i + k] <= 'Z'))) {
        k++;
    }
    if (k < 3 || k > 9) {
        return 0;
    }
    for (m = 0; m < 12; m++) {
        if (lower((unsigned char)s[*i]) == names[3 * m] &&
            lower((unsigned char)s[*i + 1]) == names[3 * m + 1] &&
            lower((unsigned char)s[*i + 2]) == names[3 * m + 2]) {
            *mo = (int)m + 1;
            *i += k;
            if (*i < n && s[*i] == '.') {
                (*i)++; /* "Aug." */
            }
            return 1;
        }
    }
    return 0;
}

/* A date and time read from text, before it is written in the TIME grammar. */
typedef struct tparts {
    int y, mo, d, hh, mi, se; /* se < 0: no seconds */
    int has_time;
    const char *frac; /* fraction digits after the seconds, or NULL */
    size_t frac_len;
    char z[7]; /* "" (no zone), "Z" or "+HH:MM" */
} tparts;

/* Optional "HH:MM[:SS[(.|,)digits]]" [am|pm] [zone] at s[*i..n). Returns 0 when malformed. */
static int
time_tail(const char *s, size_t n, size_t *i, tparts *t)
{
    int r;
    skip_spaces(s, n, i);
    if (*i < n && ci_prefix(s + *i, n - *i, "at ")) {
        *i += 3;
        skip_spaces(s, n, i);
    }
    if (*i >= n) {
        return 1;
    }
    if (!num(s, n, i, 1, 2, &t->hh) || *i >= n || s[*i] != ':') {
        return 0;
    }
    (*i)++;
    if (!num(s, n, i, 2, 2, &t->mi)) {
        return 0;
    }
    t->has_time = 1;
    if (*i < n && s[*i] == ':') {
        (*i)++;
        if (!num(s, n, i, 2, 2, &t->se)) {
            return 0;
        }
        if (*i < n && (s[*i] == '.' || s[*i] == ',') && *i + 1 < n && s[*i + 1] >= '0' &&
            s[*i + 1] <= '9') {
            (*i)++;
            t->frac = s + *i;
            while (*i < n && s[*i] >= '0' && s[*i] <= '9') {
                (*i)++;
            }
            t->frac_len = (size_t)(s + *i - t->frac);
        }
    }
    skip_spaces(s, n, i);
    if (*i < n && (ci_prefix(s + *i, n - *i, "am") || ci_prefix(s + *i, n - *i, "pm") ||
                   ci_prefix(s + *i, n - *i, "a.m.") || ci_prefix(s + *i, n - *i, "p.m."))) {
        int pm = lower((unsigned char)s[*i]) == 'p';
        *i += s[*i + 1] == '.' ? 4 : 2;
        if (t->hh < 1 || t->hh > 12) {
            return 0;
        }
        t->hh = t->hh % 12 + (pm ? 12 : 0);
        skip_spaces(s, n, i);
    }
    r = zone(s, n, i, t->z);
    if (r < 0) {
        return 0;
    }
    skip_spaces(s, n, i);
    return 1;
}

/* ISO 8601 extended (YYYY-MM-DD, also with '/'), then 'T', 't' or spaces and a time. */
static int
parse_iso(const char *s, size_t n, tparts *t)
{
    size_t i = 0;
    char sep;
    if (!num(s, n, &i, 4, 4, &t->y) || i >= n || (s[i] != '-' && s[i] != '/')) {
        return 0;
    }
    sep = s[i++];
    if (!num(s, n, &i, 1, 2, &t->mo) || i >= n || s[i] != sep) {
        return 0;
    }
    i++;
    if (!num(s, n, &i, 1, 2, &t->d)) {
        return 0;
    }
    if (i < n) {
        if (s[i] == 'T' || s[i] == 't') {
            i++;
        } else if (s[i] != ' ') {
            return 0;
        }
        if (!time_tail(s, n, &i, t) || !t->has_time) {
            return 0;
        }
    }
    return i == n;
}

/* ISO 8601 basic: YYYYMMDD[THHMM[SS[.frac]][zone]], zone Z, +HHMM or +HH. */
static int
parse_iso_basic(const char *s, size_t n, tparts *t)
{
    size_t i = 0;
    int r;
    if (!fixed(s, n, &i, 4, &t->y) || !fixed(s, n, &i, 2, &t->mo) || !fixed(s, n, &i, 2, &t->d)) {
        return 0;
    }
    if (i == n) {
        return 1;
    }
    if (s[i] != 'T' && s[i] != 't') {
        return 0;
    }
    i++;
    if (!fixed(s, n, &i, 2, &t->hh) || !fixed(s, n, &i, 2, &t->mi)) {
        return 0;
    }
    t->has_time = 1;
    if (i < n && s[i] >= '0' && s[i] <= '9') {
        if (!fixed(s, n, &i, 2, &t->se)) {
            return 0;
        }
        if (i + 1 < n && (s[i] == '.' || s[i] == ',') && s[i + 1] >= '0' && s[i + 1] <= '9') {
            i++;
            t->frac = s + i;
            while (i < n && s[i] >= '0' && s[i] <= '9') {
                i++;
            }
            t->frac_len = (size_t)(s + i - t->frac);
        }
    }
    r = zone(s, n, &i, t->z);
    return r >= 0 && i == n;
}

/* Day first: "03 Aug 2013", "Sat, 03 Aug 2013 10:00:00 GMT" (RFC 2822), "03.08.2013 10:00". */
static int
parse_day_first(const char *s, size_t n, tparts *t)
{
    size_t i = 0;
    if ((s[0] >= 'a' && s[0] <= 'z') || (s[0] >= 'A' && s[0] <= 'Z')) {
        while (i < n && s[i] != ',' && s[i] != ' ') { /* day name */
            i++;
        }
        if (i < n && s[i] == ',') {
            i++;
        }
        skip_spaces(s, n, &i);
    }
    if (!num(s, n, &i, 1, 2, &t->d)) {
        return 0;
    }
    if (i < n && s[i] == '.' && i + 1 < n && s[i + 1] >= '0' && s[i + 1] <= '9') {
        i++;
        if (!num(s, n, &i, 1, 2, &t->mo) || i >= n || s[i] != '.') {
            return 0;
        }
        i++;
    } else {
        if (i < n && s[i] == '.') {
            i++;
        }
        skip_spaces(s, n, &i);
        if (!month_name(s, n, &i, &t->mo)) {
            return 0;
        }
        skip_spaces(s, n, &i);
    }
    if (!num(s, n, &i, 4, 4, &t->y)) {
        return 0;
    }
    if (i < n && s[i] == ',') {
        i++;
    }
    return time_tail(s, n, &i, t) && i == n;
}

/* Month first: "August 3, 2013", "Saturday, December 27, 2014, 12:06 PM". */
static int
parse_month_first(const char *s, size_t n, tparts *t)
{
    size_t i = 0, k;
    for (k = 0; k < 2; k++) {
        size_t at = i;
        if (month_name(s, n, &i, &t->mo)) {
            break;
        }
        i = at; /* a day name: skip it and its comma */
        while (i < n && s[i] != ',' && s[i] != ' ') {
            i++;
        }
        if (i < n && s[i] == ',') {
            i++;
        }
        skip_spaces(s, n, &i);
        if (k == 1) {
            return 0;
        }
    }
    skip_spaces(s, n, &i);
    if (!num(s, n, &i, 1, 2, &t->d)) {
        return 0;
    }
    if (i + 1 < n && (memcmp(s + i, "st", 2) == 0 || memcmp(s + i, "nd", 2) == 0 ||
                      memcmp(s + i, "rd", 2) == 0 || memcmp(s + i, "th", 2) == 0)) {
        i += 2;
    }
    if (i < n && s[i] == ',') {
        i++;
    }
    skip_spaces(s, n, &i);
    if (!num(s, n, &i, 4, 4, &t->y)) {
        return 0;
    }
    if (i < n && s[i] == ',') {
        i++;
    }
    return time_tail(s, n, &i, t) && i == n;
}

/* Writes the TIME text for s[0..n) into out (>= 48 bytes) and returns its length, or returns
 * 0 when no form below reads it or the result fails quire__time_parse. Forms: ISO 8601
 * extended and basic, day first (RFC 2822 included) and month first dates, each with an
 * optional time ("10:00", "10:00:00.123", "12:06 PM") and zone ("Z", "z", "UTC", "GMT", "EST",
 * "+0000", "+00:00", "+00"). Written: "YYYY-MM-DD" or "YYYY-MM-DDTHH:MM[:SS[.f]][zone]" with
 * at most 9 fraction digits, a zone as "Z" or "+HH:MM" (a zone without a time is dropped). */
static size_t
norm_time(const char *s, size_t n, char *out)
{
    tparts t;
    size_t o;
    trim(&s, &n);
    if (n < 8 || n > 100) {
        return 0;
    }
    memset(&t, 0, sizeof t);
    t.se = -1;
    if (s[0] >= '0' && s[0] <= '9') {
        tparts u = t;
        if (!parse_iso(s, n, &t)) {
            t = u;
            if (!parse_iso_basic(s, n, &t)) {
                t = u;
                if (!parse_day_first(s, n, &t)) {
                    return 0;
                }
            }
        }
    } else {
        tparts u = t;
        if (!parse_month_first(s, n, &t)) {
            t = u;
            if (!parse_day_first(s, n, &t)) {
                return 0;
            }
        }
    }
    if (t.y > 9999 || t.mo > 99 || t.d > 99 || t.hh > 99 || t.mi > 99 || t.se > 99) {
        return 0;
    }
    o = (size_t)snprintf(out, 48, "%04d-%02d-%02d", t.y, t.mo, t.d);
    if (t.has_time) {
        o += (size_t)snprintf(out + o, 48 - o, "T%02d:%02d", t.hh, t.mi);
        if (t.se >= 0) {
            o += (size_t)snprintf(out + o, 48 - o, ":%02d", t.se);
            if (t.frac_len > 0) {
                size_t k = t.frac_len > 9 ? 9 : t.frac_len;
                out[o++] = '.';
                memcpy(out + o, t.frac, k);
                o += k;
            }
        }
        memcpy(out + o, t.z, strlen(t.z));
        o += strlen(t.z);
    }
    out[o] = '\0';
    return quire__time_parse((const uint8_t *)out, o, NULL) == 0 ? o : 0;
}

static void
time_add(hx *h, hx_time *t, int prio, const char *s, size_t n)
{
    char buf[48];
    size_t k;
    if (prio < t->raw.prio) {
        slot_set(h, &t->raw, prio, s, n);
    }
    if (prio < t->norm.prio && n <= 100 && (k = norm_time(s, n, buf)) != 0) {
        slot_set(h, &t->norm, prio, buf, k);
    }
}

/* ====================================================================== */
/* language tags (spec/FORMAT.md 5.4) */

/* The first tag of s (up to ',' or ';', trimmed), '_' read as '-', in RFC 5646 case:
 * lower case, except two-letter (upper) and four-letter (title) subtags that are not first
 * and follow no singleton. Returns the length written to out (>= 65 bytes) or 0. */
static size_t
norm_lang(const char *s, size_t n, char *out)
{
    size_t i, k = 0, start = 0, sub = 0;
    int after_singleton = 0;
    trim(&s, &n);
    for (i = 0; i < n && s[i] != ',' && s[i] != ';'; i++) {
        if (k >= 64) {
            return 0;
        }
        out[k++] = s[i] == '_' ? '-' : (char)lower((unsigned char)s[i]);
    }
    while (k > 0 && is_space((unsigned char)out[k - 1])) {
        k--;
    }
    if (k == 0 || !quire__language_ok((const uint8_t *)out, k)) {
        return 0;
    }
    for (i = 0; i <= k; i++) {
        if (i == k || out[i] == '-') {
            size_t len = i - start;
            if (sub > 0 && !after_singleton) {
                int alpha = 1;
                size_t j;
                for (j = start; j < i; j++) {
                    alpha &= out[j] >= 'a' && out[j] <= 'z';
                }
                if (len == 2 && alpha) {
                    out[start] = (char)(out[start] - 32);
                    out[start + 1] = (char)(out[start + 1] - 32);
                } else if (len == 4 && alpha) {
                    out[start] = (char)(out[start] - 32);
                }
            }
            if (len == 1) {
                after_singleton = 1;
            }
            sub++;
            start = i + 1;
        }
    }
    out[k] = '\0';
    return k;
}

static void
lang_add(hx *h, int prio, const char *s, size_t n)
{
    char buf[72];
    size_t k;
    if (prio < h->lang.prio && (k = norm_lang(s, n, buf)) != 0) {
        slot_set(h, &h->lang, prio, buf, k);
    }
}

/* ====================================================================== */
/* canonical URL */

static void
canon_add(hx *h, int prio, const char *s, size_t n)
{
    quire__buf b;
    size_t i;
    xmlChar *u;
    if (prio >= h->canon.prio || h->err != 0) {
        return;
    }
    trim(&s, &n);
    if (n == 0 || n > QUIRE__HTML_MAX_STRING) {
        return;
    }
    quire__buf_init(&b, h->a, n + 1);
    for (i = 0; i < n; i++) {
        uint8_t c = (uint8_t)s[i];
        if (c == '\t' || c == '\n' || c == '\r') {
            continue; /* the URL standard removes these */
        }
        if (c <= 0x20 || c == 0x7F) {
            quire__buf_free(&b);
            return;
        }
        quire__put_u8(&b, c);
    }
    quire__put_u8(&b, 0);
    if (b.err != 0) {
        quire__buf_free(&b);
        nomem(h);
        return;
    }
    u = h->base_url != NULL ? xmlBuildURI(b.p, (const xmlChar *)h->base_url) : xmlStrdup(b.p);
    quire__buf_free(&b);
    if (u != NULL) {
        size_t un = strlen((const char *)u);
        if ((ci_prefix((const char *)u, un, "http://") && un > 7) ||
            (ci_prefix((const char *)u, un, "https://") && un > 8)) {
            if (un <= QUIRE__HTML_MAX_STRING) {
                slot_set(h, &h->canon, prio, (const char *)u, un);
            }
        }
        xmlFree(u);
    }
}

/* ====================================================================== */
/* authors and keywords */

static int
looks_like_url(const char *s, size_t n)
{
    size_t i;
    for (i = 0; i + 2 < n; i++) {
        if (s[i] == ':' && s[i + 1] == '/' && s[i + 2] == '/') {
            return 1;
        }
    }
    return ci_prefix(s, n, "www.") || (n > 0 && s[0] == '/');
}

/* One author string: split at ',', ';', '|', " and ", " & "; a leading "By " dropped; URLs
 * dropped. */
static void
author_add(hx *h, int prio, const char *s, size_t n)
{
    size_t i = 0, start = 0;
    if (prio > h->authors.prio) {
        return;
    }
    while (i <= n) {
        size_t cut = 0, skip = 0;
        if (i == n) {
            cut = 1;
        } else if (s[i] == ',' || s[i] == ';' || s[i] == '|') {
            cut = 1;
            skip = 1;
        } else if (n - i >= 5 && ci_prefix(s + i, n - i, " and ")) {
            cut = 1;
            skip = 5;
        } else if (n - i >= 3 && memcmp(s + i, " & ", 3) == 0) {
            cut = 1;
            skip = 3;
        }
        if (cut) {
            const char *p = s + start;
            size_t m = i - start;
            trim(&p, &m);
            if (m >= 3 && ci_prefix(p, m, "by ")) {
                p += 3;
                m -= 3;
                trim(&p, &m);
            }
            if (m > 0 && !looks_like_url(p, m)) {
                list_add(h, &h->authors, prio, p, m);
            }
            i += skip != 0 ? skip : 1;
            start = i;
        } else {
            i++;
        }
    }
}

/* A comma-separated keyword list (split = 0: one keyword). article:tag is split too: pages put
 * whole lists in one tag. */
static void
keywords_add(hx *h, int prio, const char *s, size_t n, int split)
{
    size_t i, start = 0;
    if (prio > h->keywords.prio) {
        return;
    }
    for (i = 0; i <= n; i++) {
        if (i == n || (split && (s[i] == ',' || s[i] == ';'))) {
            const char *p = s + start;
            size_t m = i - start;
            trim(&p, &m);
            if (m > 0) {
                list_add(h, &h->keywords, prio, p, m);
            }
            start = i + 1;
        }
    }
}

/* Dispatches one value for a field. */
static void
put(hx *h, int field, int prio, const char *s, size_t n)
{
    if (s == NULL || h->err != 0) {
        return;
    }
    switch (field) {
    case F_TITLE: slot_set(h, &h->title, prio, s, n); break;
    case F_CANON: canon_add(h, prio, s, n); break;
    case F_PUB: time_add(h, &h->pub, prio, s, n); break;
    case F_MOD: time_add(h, &h->mod, prio, s, n); break;
    case F_LANG:
    case F_LOCALE: lang_add(h, prio, s, n); break;
    case F_DESC: slot_set(h, &h->desc, prio, s, n); break;
    case F_SECTION: slot_set(h, &h->section, prio, s, n); break;
    case F_PUBLISHER: slot_set(h, &h->publisher, prio, s, n); break;
    case F_AUTHOR: author_add(h, prio, s, n); break;
    case F_KEYWORDS: keywords_add(h, prio, s, n, 1); break;
    case F_TAG: keywords_add(h, prio, s, n, 1); break;
    default: break;
    }
}

/* ====================================================================== */
/* charsets */

typedef struct enc {
    const char *name;  /* WHATWG name, lower case (the charset reported) */
    const char *iconv; /* iconv(3) name; NULL: own decoder */
} enc;

static const enc enc_utf8 = {"utf-8", NULL};
static const enc enc_1252 = {"windows-1252", NULL};
static const enc enc_utf16be = {"utf-16be", "UTF-16BE"};
static const enc enc_utf16le = {"utf-16le", "UTF-16LE"};

/* WHATWG Encoding Standard labels (the common ones), each mapped to its encoding. */
static const struct {
    const char *labels; /* space-separated */
    enc e;
} enc_table[] = {
    {"unicode-1-1-utf-8 unicode11utf8 unicode20utf8 utf-8 utf8 x-unicode20utf8", {"utf-8", NULL}},
    {"ansi_x3.4-1968 ascii cp1252 cp819 csisolatin1 ibm819 iso-8859-1 iso-ir-100 iso8859-1 "
     "iso88591 iso_8859-1 iso_8859-1:1987 l1 latin1 us-ascii windows-1252 x-cp1252",
     {"windows-1252", NULL}},
    {"866 cp866 csibm866 ibm866", {"ibm866", "IBM866"}},
    {"csisolatin2 iso-8859-2 iso-ir-101 iso8859-2 iso88592 iso_8859-2 iso_8859-2:1987 l2 latin2",
     {"iso-8859-2", "ISO-8859-2"}},
    {"csisolatin3 iso-8859-3 iso-ir-109 iso8859-3 iso88593 iso_8859-3 iso_8859-3:1988 l3 latin3",
     {"iso-8859-3", "ISO-8859-3"}},
    {"csisolatin4 iso-8859-4 iso-ir-110 iso8859-4 iso88594 iso_8859-4 iso_8859-4:1988 l4 latin4",
     {"iso-8859-4", "ISO-8859-4"}},
    {"csisolatincyrillic cyrillic iso-8859-5 iso-ir-144 iso8859-5 iso88595 iso_8859-5 "
     "iso_8859-5:1988",
     {"iso-8859-5", "ISO-8859-5"}},
    {"arabic asmo-708 csiso88596e csiso88596i csisolatinarabic ecma-114 iso-8859-6 iso-8859-6-e "
     "iso-8859-6-i iso-ir-127 iso8859-6 iso88596 iso_8859-6 iso_8859-6:1987",
     {"iso-8859-6", "ISO-8859-6"}},
    {"csisolatingreek ecma-118 elot_928 greek greek8 iso-8859-7 iso-ir-126 iso8859-7 iso88597 "
     "iso_8859-7 iso_8859-7:1987 sun_eu_greek",
     {"iso-8859-7", "ISO-8859-7"}},
    {"csiso88598e csisolatinhebrew hebrew iso-8859-8 iso-8859-8-e iso-ir-138 iso8859-8 iso88598 "
     "iso_8859-8 iso_8859-8:1988 visual",
     {"iso-8859-8", "ISO-8859-8"}},
    {"csiso88598i iso-8859-8-i logical", {"iso-8859-8-i", "ISO-8859-8"}},
    {"csisolatin6 iso-8859-10 iso-ir-157 iso8859-10 iso885910 l6 latin6",
     {"iso-8859-10", "ISO-8859-10"}},
    {"iso-8859-13 iso8859-13 iso885913", {"iso-8859-13", "ISO-8859-13"}},
    {"iso-8859-14 iso8859-14 iso885914", {"iso-8859-14", "ISO-8859-14"}},
    {"csisolatin9 iso-8859-15 iso8859-15 iso885915 iso_8859-15 l9", {"iso-8859-15", "ISO-8859-15"}},
    {"iso-8859-16", {"iso-8859-16", "ISO-8859-16"}},
    {"cskoi8r koi koi8 koi8-r koi8_r", {"koi8-r", "KOI8-R"}},
    {"koi8-ru koi8-u", {"koi8-u", "KOI8-U"}},
    {"csmacintosh mac macintosh x-mac-roman", {"macintosh", "MACINTOSH"}},
    {"dos-874 iso-8859-11 iso8859-11 iso885911 tis-620 windows-874", {"windows-874", "CP874"}},
    {"cp1250 windows-1250 x-cp1250", {"windows-1250", "WINDOWS-1250"}},
    {"cp1251 windows-1251 x-cp1251", {"windows-1251", "WINDOWS-1251"}},
    {"cp1253 windows-1253 x-cp1253", {"windows-1253", "WINDOWS-1253"}},
    {"cp1254 csisolatin5 iso-8859-9 iso-ir-148 iso8859-9 iso88599 iso_8859-9 iso_8859-9:1989 l5 "
     "latin5 windows-1254 x-cp1254",
     {"windows-1254", "WINDOWS-1254"}},
    {"cp1255 windows-1255 x-cp1255", {"windows-1255", "WINDOWS-1255"}},
    {"cp1256 windows-1256 x-cp1256", {"windows-1256", "WINDOWS-1256"}},
    {"cp1257 windows-1257 x-cp1257", {"windows-1257", "WINDOWS-1257"}},
    {"cp1258 windows-1258 x-cp1258", {"windows-1258", "WINDOWS-1258"}},
    {"x-mac-cyrillic x-mac-ukrainian", {"x-mac-cyrillic", "MAC-CYRILLIC"}},
    {"chinese csgb2312 csiso58gb231280 gb2312 gb_2312 gb_2312-80 gbk iso-ir-58 x-gbk",
     {"gbk", "GB18030"}},
    {"gb18030", {"gb18030", "GB18030"}},
    {"big5 big5-hkscs cn-big5 csbig5 x-x-big5", {"big5", "BIG5-HKSCS"}},
    {"cseucpkdfmtjapanese euc-jp x-euc-jp", {"euc-jp", "EUC-JP"}},
    {"csiso2022jp iso-2022-jp", {"iso-2022-jp", "ISO-2022-JP"}},
    {"csshiftjis ms932 ms_kanji shift-jis shift_jis sjis windows-31j x-sjis", {"shift_jis", "CP932"}},
    {"cseuckr csksc56011987 euc-kr iso-ir-149 korean ks_c_5601-1987 ks_c_5601-1989 ksc5601 "
     "ksc_5601 windows-949",
     {"euc-kr", "CP949"}},
    {"unicodefffe utf-16be", {"utf-16be", "UTF-16BE"}},
    {"csunicode iso-10646-ucs-2 ucs-2 unicode unicodefeff utf-16 utf-16le", {"utf-16le", "UTF-16LE"}},
};

/* The encoding a label names (trimmed, quotes dropped, case ignored), or NULL. */
static const enc *
enc_lookup(const char *s, size_t n)
{
    char key[48];
    size_t i, k;
    trim(&s, &n);
    while (n > 0 && (s[0] == '"' || s[0] == '\'')) {
        s++;
        n--;
    }
    while (n > 0 && (s[n - 1] == '"' || s[n - 1] == '\'')) {
        n--;
    }
    trim(&s, &n);
    if (n == 0 || n >= sizeof key) {
        return NULL;
    }
    for (i = 0; i < n; i++) {
        if (s[i] == ' ') {
            return NULL;
        }
        key[i] = (char)lower((unsigned char)s[i]);
    }
    for (k = 0; k < sizeof enc_table / sizeof enc_table[0]; k++) {
        const char *l = enc_table[k].labels;
        while (*l != '\0') {
            size_t m = strcspn(l, " ");
            if (m == n && memcmp(l, key, n) == 0) {
                return &enc_table[k].e;
            }
            l += m;
            while (*l == ' ') {
                l++;
            }
        }
    }
    return NULL;
}

static int
is_utf16(const enc *e)
{
    return e != NULL && strncmp(e->name, "utf-16", 6) == 0;
}

/* windows-1252 0x80..0x9F (WHATWG index; undefined bytes map to the C1 control) */
static const uint16_t cp1252_hi[32] = {
    0x20AC, 0x0081, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160,
    0x2039, 0x0152, 0x008D, 0x017D, 0x008F, 0x0090, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022,
    0x2013, 0x2014, 0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0x009D, 0x017E, 0x0178};

/* Appends UTF-8 for p[0..n) read as UTF-8, each NUL, other C0 control except TAB LF FF CR,
 * U+FFFE, U+FFFF and each byte of an ill-formed sequence as U+FFFD or a space: the text
 * libxml2 is given is always well-formed. */
static void
sanitize_utf8(quire__buf *b, const uint8_t *p, size_t n)
{
    size_t i = 0, run = 0;
    while (i < n) {
        uint8_t c = p[i];
        uint32_t cp;
        size_t k;
        if (c >= 0x20 && c < 0x80) {
            i++;
            run++;
            continue;
        }
        quire__put_bytes(b, p + i - run, run);
        run = 0;
        if (c < 0x20) {
            quire__put_u8(b, c == 0 ? 0xEF : (is_space(c) ? c : ' '));
            if (c == 0) {
                quire__put_bytes(b, "\xBF\xBD", 2);
            }
            i++;
            continue;
        }
        k = u8_dec(p + i, n - i, &cp);
        if (k == 0 || cp == 0xFFFE || cp == 0xFFFF) {
            quire__put_bytes(b, "\xEF\xBF\xBD", 3);
            i += k == 0 ? 1 : k;
            continue;
        }
        quire__put_bytes(b, p + i, k);
        i += k;
    }
    quire__put_bytes(b, p + i - run, run);
}

static void
decode_1252(quire__buf *b, const uint8_t *p, size_t n)
{
    size_t i;
    for (i = 0; i < n && b->err == 0; i++) {
        uint8_t c = p[i];
        if (c >= 0x20 && c < 0x80) {
            quire__put_u8(b, c);
        } else if (c < 0x20) {
            quire__put_u8(b, is_space(c) ? c : ' ');
        } else {
            put_cp(b, c < 0xA0 ? cp1252_hi[c - 0x80] : c);
        }
    }
}

/* Decodes with iconv into b (raw UTF-8 out; sanitized by the caller). Returns 0, or -1 when
 * iconv does not know the charset (b untouched). */
static int
decode_iconv(quire__buf *b, const char *name, const uint8_t *p, size_t n)
{
    iconv_t cd = iconv_open("UTF-8", name);
    char *in = (char *)(uintptr_t)p; /* iconv's prototype is not const; it only reads */
    size_t left = n;
    int flushed = 0;
    if (cd == (iconv_t)-1) {
        return -1;
    }
    while (b->err == 0) {
        char *out;
        size_t room, before, r;
        if (quire__buf_reserve(b, 256 + left) != 0) {
            break;
        }
        out = (char *)b->p + b->len;
        room = b->cap - b->len;
        before = room;
        if (left == 0) {
            r = iconv(cd, NULL, NULL, &out, &room); /* shift back to the initial state */
            flushed = 1;
        } else {
            r = iconv(cd, &in, &left, &out, &room);
        }
        b->len += before - room;
        if (r != (size_t)-1) {
            if (flushed) {
                break;
            }
            continue;
        }
        if (errno == E2BIG) {
            continue;
        }
        if (flushed || left == 0) {
            break;
        }
        /* EILSEQ, EINVAL (cut short at the end) or anything else: one byte is U+FFFD */
        quire__put_bytes(b, "\xEF\xBF\xBD", 3);
        in++;
        left--;
        iconv(cd, NULL, NULL, NULL, NULL);
    }
    iconv_close(cd);
    return 0;
}

/* ====================================================================== */
/* libxml2 */

static pthread_once_t xml_once = PTHREAD_ONCE_INIT;

static void
xml_init(void)
{
    xmlInitParser();
}

static void
quiet_generic(void *ctx, const char *msg, ...)
{
    (void)ctx;
    (void)msg;
}

#if LIBXML_VERSION >= 21200
static void
quiet_structured(void *ctx, const xmlError *e)
#else
static void
quiet_structured(void *ctx, xmlErrorPtr e)
#endif
{
    (void)ctx;
    (void)e;
}

/* The calling thread's libxml2 error handlers (thread-local in libxml2), kept while ours run. */
typedef struct quiet {
    xmlGenericErrorFunc g;
    void *gc;
    xmlStructuredErrorFunc s;
    void *sc;
} quiet;

static void
quiet_on(quiet *q)
{
    q->g = xmlGenericError;
    q->gc = xmlGenericErrorContext;
    q->s = xmlStructuredError;
    q->sc = xmlStructuredErrorContext;
    xmlSetGenericErrorFunc(NULL, quiet_generic);
    xmlSetStructuredErrorFunc(NULL, quiet_structured);
}

static void
quiet_off(const quiet *q)
{
    xmlSetGenericErrorFunc(q->gc, q->g);
    xmlSetStructuredErrorFunc(q->sc, q->s);
}

/* libxml2 2.9 checks each attribute of a start tag against all earlier ones: quadratic (a
 * 700 KB tag of 80,000 attributes takes 12 s), and its tree takes about 300 bytes an
 * attribute (a 16 MiB page of 2.8 M attributes: 0.9 GB). So before parsing, the attributes of
 * a start tag after the MAX_ATTRS-th are removed, and every attribute after the page's
 * QUIRE__HTML_MAX_ATTRS-th. The scan follows libxml2's lexical rules only as far
 * as needed to find start tags: comments, the raw text of <script> and <style> (up to "</"
 * and the same name), quoted attribute values, a tag ending at '>' or "/>". With out NULL it
 * only says whether anything would be removed (1) or not (0). */
static int
cap_attrs(const uint8_t *p, size_t n, quire__buf *out)
{
    enum { S_DATA, S_TAG, S_COMMENT, S_RAW } st = S_DATA;
    size_t i = 0, count = 0, total = 0, raw_at = 0, raw_len = 0, run = 0;
    int sp = 0, eq = 0, drop = 0, raw = 0, found = 0;
    uint8_t q = 0;
#define CAP_EMIT(k)                                                                                \
    do {                                                                                           \
        if (out != NULL && !drop) {                                                                \
            quire__put_bytes(out, p + i, (k));                                                     \
        }                                                                                          \
        i += (k);                                                                                  \
    } while (0)
    while (i < n) {
        uint8_t c = p[i];
        switch (st) {
        case S_DATA:
            if (c == '<' && n - i >= 4 && memcmp(p + i, "<!--", 4) == 0) {
                st = S_COMMENT;
                CAP_EMIT(4);
            } else if (c == '<' && i + 1 < n &&
                       ((p[i + 1] | 0x20) >= 'a' && (p[i + 1] | 0x20) <= 'z')) {
                size_t j = i + 1;
                while (j < n && (((p[j] | 0x20) >= 'a' && (p[j] | 0x20) <= 'z') ||
                                 (p[j] >= '0' && p[j] <= '9') || p[j] == ':' || p[j] == '-' ||
                                 p[j] == '_' || p[j] == '.')) {
                    j++;
                }
                raw = (j - i - 1 == 6 && ci_prefix((const char *)p + i + 1, 6, "script")) ||
                      (j - i - 1 == 5 && ci_prefix((const char *)p + i + 1, 5, "style"));
                raw_at = i + 1;
                raw_len = j - i - 1;
                st = S_TAG;
                count = 0;
                sp = eq = 0;
                q = 0;
                CAP_EMIT(j - i);
            } else {
                run = i++;
                while (i < n && p[i] != '<') {
                    i++;
                }
                if (out != NULL) {
                    quire__put_bytes(out, p + run, i - run);
                }
            }
            break;
        case S_COMMENT:
            if (c == '-' && n - i >= 3 && memcmp(p + i, "-->", 3) == 0) {
                st = S_DATA;
                CAP_EMIT(3);
            } else {
                CAP_EMIT(1);
            }
            break;
        case S_RAW:
            if (c == '<' && n - i >= 2 + raw_len && p[i + 1] == '/') {
                size_t k;
                for (k = 0; k < raw_len && lower(p[i + 2 + k]) == lower(p[raw_at + k]); k++) {
                }
                if (k == raw_len) {
                    st = S_DATA;
                }
            }
            CAP_EMIT(1);
            break;
        case S_TAG:
            if (q != 0) {
                if (c == q) {
                    q = 0;
                }
                CAP_EMIT(1);
            } else if (c == '>' || (c == '/' && i + 1 < n && p[i + 1] == '>')) {
                drop = 0;
                st = c == '>' && raw ? S_RAW : S_DATA;
                CAP_EMIT(c == '>' ? 1 : 2);
            } else if (is_space(c)) {
                sp = 1;
                CAP_EMIT(1);
            } else if (c == '=') {
                eq = 1;
                sp = 0;
                CAP_EMIT(1);
            } else if (eq && (c == '"' || c == '\'')) {
                q = c;
                eq = 0;
                CAP_EMIT(1);
            } else {
                if (eq) {
                    eq = 0; /* an unquoted value */
                } else if (sp || count == 0) {
                    total++;
                    if ((++count > MAX_ATTRS || total > QUIRE__HTML_MAX_ATTRS) && !drop) {
                        drop = 1;
                        found = 1;
                        if (out == NULL) {
                            return 1;
                        }
                    }
                }
                sp = 0;
                CAP_EMIT(1);
            }
            break;
        }
    }
#undef CAP_EMIT
    return found;
}

/* Parses well-formed UTF-8 p[0..n) (n < INT_MAX). NULL with *oom set when libxml2 ran out of
 * memory; NULL without it for a page libxml2 found empty. */
static xmlDocPtr
parse_doc(const uint8_t *p, size_t n, int *oom)
{
    htmlParserCtxtPtr ctxt;
    xmlDocPtr doc;
    *oom = 0;
    if (n == 0 || n > INT_MAX) {
        return NULL;
    }
    if ((ctxt = htmlNewParserCtxt()) == NULL) {
        *oom = 1;
        return NULL;
    }
    doc = htmlCtxtReadMemory(ctxt, (const char *)p, (int)n, NULL, "UTF-8",
                             HTML_PARSE_RECOVER | HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING |
                                 HTML_PARSE_NONET | HTML_PARSE_IGNORE_ENC);
    if (ctxt->errNo == XML_ERR_NO_MEMORY) {
        *oom = 1;
        if (doc != NULL) {
            xmlFreeDoc(doc);
            doc = NULL;
        }
    }
    htmlFreeParserCtxt(ctxt);
    return doc;
}

static int
name_is(const xmlNode *n, const char *name)
{
    return n->type == XML_ELEMENT_NODE && n->name != NULL &&
           strcmp((const char *)n->name, name) == 0;
}

/* The value of attribute name (lower case) when it is one text node, borrowed, else NULL. */
static const char *
attr_peek(const xmlNode *n, const char *name)
{
    const xmlAttr *at;
    for (at = n->properties; at != NULL; at = at->next) {
        if (at->name != NULL && strcmp((const char *)at->name, name) == 0) {
            if (at->children == NULL) {
                return "";
            }
            if (at->children->type == XML_TEXT_NODE && at->children->next == NULL &&
                at->children->content != NULL) {
                return (const char *)at->children->content;
            }
            return NULL;
        }
    }
    return NULL;
}

static int
attr_has(const xmlNode *n, const char *name)
{
    const xmlAttr *at;
    for (at = n->properties; at != NULL; at = at->next) {
        if (at->name != NULL && strcmp((const char *)at->name, name) == 0) {
            return 1;
        }
    }
    return 0;
}

/* 1 if the space-separated token list s holds tok (ASCII case ignored). */
static int
has_token(const char *s, const char *tok)
{
    size_t n = strlen(tok);
    while (s != NULL && *s != '\0') {
        size_t m;
        while (is_space((unsigned char)*s)) {
            s++;
        }
        m = 0;
        while (s[m] != '\0' && !is_space((unsigned char)s[m])) {
            m++;
        }
        if (m == n && ci_prefix(s, m, tok)) {
            return 1;
        }
        s += m;
    }
    return 0;
}

/* Pre-order successor of n inside the subtree of root, descending when asked. */
static xmlNode *
next_node(xmlNode *n, const xmlNode *root, int descend)
{
    if (descend && n->children != NULL && n->type == XML_ELEMENT_NODE) {
        return n->children;
    }
    while (n != root && n->next == NULL) {
        n = n->parent;
    }
    return n == root ? NULL : n->next;
}

/* The length of the part of p[0..n) before its (MAX_TAGS + 1)-th '<'. libxml2
 * takes about 500 bytes of memory per element: a page of 64 MiB of "<p>x</p>"
 * would need 4 GB. Real pages have a few thousand tags (the largest of the
 * newspaper4k test pages: 4,091 '<'). */
static size_t
cap_tags(const uint8_t *p, size_t n)
{
    size_t i = 0, seen = 0;
    const uint8_t *q;
    while (i < n && (q = (const uint8_t *)memchr(p + i, '<', n - i)) != NULL) {
        if (++seen > QUIRE__HTML_MAX_TAGS) {
            return (size_t)(q - p);
        }
        i = (size_t)(q - p) + 1;
    }
    return n;
}

/* parse_doc on p[0..n) cut by cap_tags, with the attributes over MAX_ATTRS
 * removed (cap_attrs). */
static xmlDocPtr
parse_capped(hx *h, const uint8_t *p, size_t n, int *oom)
{
    quire__buf b;
    xmlDocPtr doc;
    n = cap_tags(p, n);
    if (!cap_attrs(p, n, NULL)) {
        return parse_doc(p, n, oom);
    }
    quire__buf_init(&b, h->a, n);
    cap_attrs(p, n, &b);
    if (b.err != 0) {
        quire__buf_free(&b);
        *oom = 1;
        return NULL;
    }
    doc = parse_doc(b.p, b.len, oom);
    quire__buf_free(&b);
    return doc;
}

/* The encoding sniffing of the HTML standard ("prescan a byte stream to
 * determine its encoding", WHATWG HTML 13.2.3.2) over the first PRESCAN_LEN
 * bytes: a byte scanner, no parser and no allocation. Every index is checked
 * against n before use; the end of the bytes ends the scan. */

static int
pre_alpha(uint8_t c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

/* "get an attribute" at *pos: 1 with the name and value as (offset, length)
 * pairs in p, 0 at a '>' (none left), -1 at the end of the bytes. Names and
 * values are compared ASCII case-insensitively by the caller, as the
 * standard lower-cases them. */
static int
pre_attr(const uint8_t *p, size_t n, size_t *pos, size_t nm[2], size_t val[2])
{
    size_t i = *pos;
    while (i < n && (is_space(p[i]) || p[i] == '/')) {
        i++;
    }
    if (i >= n) {
        return -1;
    }
    if (p[i] == '>') {
        *pos = i;
        return 0;
    }
    nm[0] = i;
    val[0] = val[1] = 0;
    for (;; i++) { /* the name: '=' ends it once it has a byte */
        if (i >= n) {
            return -1;
        }
        if ((p[i] == '=' && i > nm[0]) || is_space(p[i]) || p[i] == '/' || p[i] == '>') {
            break;
        }
    }
    nm[1] = i - nm[0];
    if (p[i] == '/' || p[i] == '>') {
        *pos = i;
        return 1;
    }
    while (i < n && is_space(p[i])) {
        i++;
    }
    if (i >= n) {
        return -1;
    }
    if (p[i] != '=') {
        *pos = i;
        return 1;
    }
    i++;
    while (i < n && is_space(p[i])) {
        i++;
    }
    if (i >= n) {
        return -1;
    }
    if (p[i] == '"' || p[i] == '\'') {
        uint8_t q = p[i++];
        val[0] = i;
        while (i < n && p[i] != q) {
            i++;
        }
        if (i >= n) {
            return -1;
        }
        val[1] = i - val[0];
        *pos = i + 1;
        return 1;
    }
    if (p[i] == '>') {
        *pos = i;
        return 1;
    }
    val[0] = i;
    while (i < n && !is_space(p[i]) && p[i] != '>') {
        i++;
    }
    if (i >= n) {
        return -1;
    }
    val[1] = i - val[0];
    *pos = i;
    return 1;
}

/* "extracting a character encoding from a meta element" (a content value) */
static const enc *
pre_content(const char *v, size_t len)
{
    size_t i = 0, j;
    for (;;) {
        while (i + 7 <= len && !ci_prefix(v + i, len - i, "charset")) {
            i++;
        }
        if (i + 7 > len) {
            return NULL;
        }
        i += 7;
        while (i < len && is_space((uint8_t)v[i])) {
            i++;
        }
        if (i < len && v[i] == '=') {
            break;
        }
    }
    i++;
    while (i < len && is_space((uint8_t)v[i])) {
        i++;
    }
    if (i >= len) {
        return NULL;
    }
    if (v[i] == '"' || v[i] == '\'') {
        for (j = i + 1; j < len && v[j] != v[i]; j++) {
        }
        return j < len ? enc_lookup(v + i + 1, j - i - 1) : NULL;
    }
    for (j = i; j < len && !is_space((uint8_t)v[j]) && v[j] != ';'; j++) {
    }
    return enc_lookup(v + i, j - i);
}

static int
pre_is(const uint8_t *p, const size_t x[2], const char *lit)
{
    return ci_eq((const char *)p + x[0], x[1], lit);
}

/* The charset a <meta> declares, or NULL; p[*pos] is the byte after "<meta".
 * At return *pos is at the '>' ending the tag, or n. */
static const enc *
pre_meta(const uint8_t *p, size_t n, size_t *pos)
{
    size_t nm[2], val[2];
    int got_pragma = 0, need_pragma = -1, seen = 0, r, failed = 0;
    const enc *cs = NULL;
    while ((r = pre_attr(p, n, pos, nm, val)) == 1) {
        int bit = pre_is(p, nm, "http-equiv") ? 1 : pre_is(p, nm, "content") ? 2
                  : pre_is(p, nm, "charset")  ? 4 : 0;
        if (bit == 0 || (seen & bit) != 0) {
            continue; /* only the first of each name counts */
        }
        seen |= bit;
        if (bit == 1) {
            got_pragma = pre_is(p, val, "content-type");
        } else if (bit == 2) {
            const enc *e = pre_content((const char *)p + val[0], val[1]);
            if (e != NULL && cs == NULL && !failed) {
                cs = e;
                need_pragma = 1;
            }
        } else if (cs == NULL && !failed) {
            cs = enc_lookup((const char *)p + val[0], val[1]);
            failed = cs == NULL;
            need_pragma = 0;
        }
    }
    if (r < 0) {
        *pos = n;
        return NULL;
    }
    if (need_pragma < 0 || (need_pragma == 1 && !got_pragma) || cs == NULL) {
        return NULL;
    }
    return cs;
}

/* The first charset declared by a <meta> in the first PRESCAN_LEN bytes, or
 * NULL. */
static const enc *
prescan(const uint8_t *p, size_t n)
{
    size_t i = 0, nm[2], val[2];
    const enc *e;
    const uint8_t *q;
    int r;
    if (n > PRESCAN_LEN) {
        n = PRESCAN_LEN;
    }
    while (i < n && (q = (const uint8_t *)memchr(p + i, '<', n - i)) != NULL) {
        i = (size_t)(q - p);
        if (n - i >= 4 && memcmp(p + i, "<!--", 4) == 0) {
            /* to the first '>' after "<!--" that ends a "-->" ("<!-->" too) */
            for (i += 4; i < n && !(p[i] == '>' && p[i - 1] == '-' && p[i - 2] == '-'); i++) {
            }
        } else if (n - i >= 6 && ci_prefix((const char *)p + i, n - i, "<meta") &&
                   (is_space(p[i + 5]) || p[i + 5] == '/')) {
            i += 5;
            if ((e = pre_meta(p, n, &i)) != NULL) {
                return e;
            }
        } else if (n - i >= 2 && (pre_alpha(p[i + 1]) ||
                                  (n - i >= 3 && p[i + 1] == '/' && pre_alpha(p[i + 2])))) {
            while (i < n && !is_space(p[i]) && p[i] != '>') {
                i++;
            }
            while ((r = pre_attr(p, n, &i, nm, val)) == 1) {
            }
            if (r < 0) {
                break; /* the end of the bytes */
            }
        } else if (n - i >= 2 && (p[i + 1] == '!' || p[i + 1] == '/' || p[i + 1] == '?')) {
            while (i < n && p[i] != '>') {
                i++;
            }
        }
        i++;
    }
    return NULL;
}

/* Decodes the page into b (well-formed UTF-8 without NUL) and picks *used. */
static int
decode_page(hx *h, const uint8_t *p, size_t n, const char *hint, quire__buf *b,
            const enc **used)
{
    const enc *e = NULL, *he = hint != NULL ? enc_lookup(hint, strlen(hint)) : NULL;
    size_t bad = 0, i;
    int high = 0, valid;
    if (n >= 3 && p[0] == 0xEF && p[1] == 0xBB && p[2] == 0xBF) {
        e = &enc_utf8;
        p += 3;
        n -= 3;
    } else if (n >= 2 && p[0] == 0xFE && p[1] == 0xFF) {
        e = &enc_utf16be;
        p += 2;
        n -= 2;
    } else if (n >= 2 && p[0] == 0xFF && p[1] == 0xFE) {
        e = &enc_utf16le;
        p += 2;
        n -= 2;
    } else if (is_utf16(he)) {
        e = he;
    }
    if (e == NULL) {
        for (i = 0; i < n && !high; i++) {
            high = p[i] >= 0x80;
        }
        valid = quire__utf8_check(p, n, &bad);
        if (high && valid) {
            e = &enc_utf8;
        } else if (he != NULL) {
            e = he;
        } else {
            e = prescan(p, n);
            if (is_utf16(e)) {
                e = &enc_utf8; /* WHATWG: a <meta> naming UTF-16 means UTF-8 */
            }
            if (e == NULL) {
                e = valid ? &enc_utf8 : &enc_1252;
            }
        }
    }
    if (e->iconv != NULL) {
        quire__buf raw;
        quire__buf_init(&raw, h->a, 8 * n + 65536);
        if (decode_iconv(&raw, e->iconv, p, n) == 0) {
            if (raw.err == 0) {
                sanitize_utf8(b, raw.p, raw.len);
            } else {
                b->err = raw.err;
            }
            quire__buf_free(&raw);
            *used = e;
            return b->err;
        }
        quire__buf_free(&raw);
        e = &enc_1252; /* iconv lacks it */
    }
    if (e == &enc_1252 || strcmp(e->name, "windows-1252") == 0) {
        decode_1252(b, p, n);
        *used = &enc_1252;
    } else {
        sanitize_utf8(b, p, n);
        *used = &enc_utf8;
    }
    return b->err;
}

/* ====================================================================== */
/* <meta>, <link>, <title>, <html lang> */

static const struct {
    const char *key; /* name, property, itemprop or http-equiv value, lower case */
    int field;
    int prio;
} meta_table[] = {
    {"og:title", F_TITLE, 20},
    {"twitter:title", F_TITLE, 25},
    {"headline", F_TITLE, 29},
    {"citation_title", F_TITLE, 30},
    {"dc.title", F_TITLE, 31},
    {"dcterms.title", F_TITLE, 31},
    {"parsely-title", F_TITLE, 32},
    {"sailthru.title", F_TITLE, 32},
    {"title", F_TITLE, 33},
    {"og:url", F_CANON, 20},
    {"article:published_time", F_PUB, 20},
    {"article:published", F_PUB, 21},
    {"og:published_time", F_PUB, 21},
    {"datepublished", F_PUB, 29},
    {"pubdate", F_PUB, 30},
    {"publishdate", F_PUB, 30},
    {"publish-date", F_PUB, 30},
    {"publish_date", F_PUB, 30},
    {"published_time", F_PUB, 30},
    {"article.published", F_PUB, 30},
    {"article_date_original", F_PUB, 30},
    {"dc.date.issued", F_PUB, 31},
    {"dcterms.issued", F_PUB, 31},
    {"parsely-pub-date", F_PUB, 31},
    {"sailthru.date", F_PUB, 31},
    {"pdate", F_PUB, 32},
    {"citation_publication_date", F_PUB, 32},
    {"citation_date", F_PUB, 32},
    {"dcterms.created", F_PUB, 33},
    {"dc.date", F_PUB, 33},
    {"dcterms.date", F_PUB, 33},
    {"citation_online_date", F_PUB, 33},
    {"cxenseparse:recs:publishtime", F_PUB, 33},
    {"date", F_PUB, 34},
    {"displaydate", F_PUB, 34},
    {"article:modified_time", F_MOD, 20},
    {"og:updated_time", F_MOD, 21},
    {"datemodified", F_MOD, 29},
    {"lastmod", F_MOD, 30},
    {"last-modified", F_MOD, 30},
    {"article.updated", F_MOD, 30},
    {"dc.date.modified", F_MOD, 31},
    {"dcterms.modified", F_MOD, 31},
    {"mdate", F_MOD, 32},
    {"article:author", F_AUTHOR, 20},
    {"author", F_AUTHOR, 30},
    {"citation_author", F_AUTHOR, 31},
    {"dc.creator", F_AUTHOR, 32},
    {"dcterms.creator", F_AUTHOR, 32},
    {"parsely-author", F_AUTHOR, 33},
    {"sailthru.author", F_AUTHOR, 33},
    {"byl", F_AUTHOR, 34},
    {"og:locale", F_LOCALE, 20},
    {"inlanguage", F_LANG, 29},
    {"content-language", F_LANG, 30},
    {"language", F_LANG, 31},
    {"dc.language", F_LANG, 31},
    {"dcterms.language", F_LANG, 31},
    {"og:description", F_DESC, 20},
    {"twitter:description", F_DESC, 25},
    {"description", F_DESC, 30},
    {"dc.description", F_DESC, 31},
    {"dcterms.description", F_DESC, 31},
    {"sailthru.description", F_DESC, 32},
    {"article:section", F_SECTION, 20},
    {"articlesection", F_SECTION, 29},
    {"section", F_SECTION, 30},
    {"parsely-section", F_SECTION, 31},
    {"article.section", F_SECTION, 31},
    {"category", F_SECTION, 32},
    {"og:site_name", F_PUBLISHER, 20},
    {"publisher", F_PUBLISHER, 30},
    {"dc.publisher", F_PUBLISHER, 31},
    {"dcterms.publisher", F_PUBLISHER, 31},
    {"citation_publisher", F_PUBLISHER, 32},
    {"application-name", F_PUBLISHER, 34},
    {"article:tag", F_TAG, 20},
    {"keywords", F_KEYWORDS, 30},
    {"news_keywords", F_KEYWORDS, 31},
    {"parsely-tags", F_KEYWORDS, 32},
    {"sailthru.tags", F_KEYWORDS, 32},
    {"citation_keywords", F_KEYWORDS, 33},
    {"dc.subject", F_KEYWORDS, 34},
};

#define PRIO_LD 10
#define PRIO_LD_URL 22 /* after og:url */
#define PRIO_LINK_CANON 15
#define PRIO_HTML_LANG 15
#define PRIO_TITLE_TAG 50
#define PRIO_TIME_PUBDATE 40

/* Each space-separated token of key (a name, property, itemprop or http-equiv value) that
 * the table knows gets the value. */
static void
meta_keys(hx *h, const char *key, const char *val, size_t vn)
{
    while (key != NULL && *key != '\0') {
        size_t m, k;
        while (is_space((unsigned char)*key)) {
            key++;
        }
        m = 0;
        while (key[m] != '\0' && !is_space((unsigned char)key[m])) {
            m++;
        }
        if (m > 0) {
            for (k = 0; k < sizeof meta_table / sizeof meta_table[0]; k++) {
                if (ci_eq(key, m, meta_table[k].key)) {
                    int f = meta_table[k].field;
                    if (!(f == F_AUTHOR && looks_like_url(val, vn))) {
                        put(h, f, meta_table[k].prio, val, vn);
                    }
                    break;
                }
            }
        }
        key += m;
    }
}

static void
on_meta(hx *h, const xmlNode *n)
{
    const char *content = attr_peek(n, "content");
    size_t cn;
    if (content == NULL) {
        return;
    }
    cn = strlen(content);
    meta_keys(h, attr_peek(n, "property"), content, cn);
    meta_keys(h, attr_peek(n, "name"), content, cn);
    meta_keys(h, attr_peek(n, "itemprop"), content, cn);
    meta_keys(h, attr_peek(n, "http-equiv"), content, cn);
}

static int
in_foreign(const xmlNode *n)
{
    for (n = n->parent; n != NULL; n = n->parent) {
        if (name_is(n, "svg") || name_is(n, "math")) {
            return 1;
        }
    }
    return 0;
}

static void ld_script(hx *h, const char *s, size_t n);

static void
walk_meta(hx *h, xmlDocPtr doc)
{
    xmlNode *x;
    int have_title = 0;
    for (x = doc->children; x != NULL && h->err == 0; x = next_node(x, (xmlNode *)doc, 1)) {
        const char *v;
        if (x->type != XML_ELEMENT_NODE || x->name == NULL) {
            continue;
        }
        if (name_is(x, "meta")) {
            on_meta(h, x);
        } else if (name_is(x, "link")) {
            v = attr_peek(x, "rel");
            if (v != NULL && has_token(v, "canonical") && (v = attr_peek(x, "href")) != NULL) {
                put(h, F_CANON, PRIO_LINK_CANON, v, strlen(v));
            }
        } else if (name_is(x, "html")) {
            if ((v = attr_peek(x, "lang")) != NULL || (v = attr_peek(x, "xml:lang")) != NULL) {
                put(h, F_LANG, PRIO_HTML_LANG, v, strlen(v));
            }
        } else if (name_is(x, "title") && !have_title && !in_foreign(x)) {
            xmlChar *t = xmlNodeGetContent(x);
            have_title = 1;
            if (t != NULL) {
                put(h, F_TITLE, PRIO_TITLE_TAG, (const char *)t, strlen((const char *)t));
                xmlFree(t);
            }
        } else if (name_is(x, "time")) {
            const char *ip = attr_peek(x, "itemprop");
            if ((v = attr_peek(x, "datetime")) != NULL) {
                if (ip != NULL) {
                    meta_keys(h, ip, v, strlen(v));
                } else if (attr_has(x, "pubdate")) {
                    put(h, F_PUB, PRIO_TIME_PUBDATE, v, strlen(v));
                }
            }
        } else if (name_is(x, "script")) {
            v = attr_peek(x, "type");
            if (v != NULL) {
                size_t vn = strcspn(v, ";");
                const char *t = v;
                trim(&t, &vn);
                if (ci_eq(t, vn, "application/ld+json")) {
                    xmlChar *c = xmlNodeGetContent(x);
                    if (c != NULL) {
                        ld_script(h, (const char *)c, strlen((const char *)c));
                        xmlFree(c);
                    }
                }
            }
        }
    }
}

/* ====================================================================== */
/* JSON-LD */

/* A JSON-LD block is checked and put in canonical compact form by format/json.c (wrapped as
 * {"x": block}, since a block may be an array); everything after works on canonical text,
 * which has no white space and escapes only '"', '\\' and controls (json.h), so values are
 * found by a small scanner and never parsed twice. Duplicate keys: the first counts. */

/* The end of the canonical value starting at p[i] (strings, arrays and objects skipped
 * whole): the index of the ',', ']' or '}' that follows it, or n. */
static size_t
jskip(const char *p, size_t n, size_t i)
{
    size_t depth = 0;
    int str = 0;
    for (; i < n; i++) {
        char c = p[i];
        if (str) {
            if (c == '\\') {
                i++;
            } else if (c == '"') {
                str = 0;
            }
        } else if (c == '"') {
            str = 1;
        } else if (c == '[' || c == '{') {
            depth++;
        } else if (c == ']' || c == '}') {
            if (depth == 0) {
                return i;
            }
            depth--;
        } else if (c == ',' && depth == 0) {
            return i;
        }
    }
    return n;
}

/* Iterates the items of an array text "[...]" or the members of an object text "{...}"
 * (then *key, *klen: the raw key between its quotes). *at starts at 0. */
static int
jnext(const char *p, size_t n, size_t *at, const char **key, size_t *klen, const char **v,
      size_t *vn)
{
    size_t i = *at, e;
    if (i == 0) {
        if (n < 2 || (p[0] != '[' && p[0] != '{')) {
            return 0;
        }
        i = 1;
    }
    if (i >= n || p[i] == ']' || p[i] == '}') {
        return 0;
    }
    if (p[0] == '{') {
        size_t k = i + 1;
        if (p[i] != '"') {
            return 0;
        }
        while (k < n && p[k] != '"') {
            k += p[k] == '\\' ? 2 : 1;
        }
        if (k + 1 >= n || p[k + 1] != ':') {
            return 0;
        }
        *key = p + i + 1;
        *klen = k - i - 1;
        i = k + 2;
    }
    e = jskip(p, n, i);
    if (e <= i) {
        return 0;
    }
    *v = p + i;
    *vn = e - i;
    *at = e < n && p[e] == ',' ? e + 1 : n;
    return 1;
}

/* The value of member key in an object text, or 0. */
static int
jget(const char *p, size_t n, const char *key, const char **v, size_t *vn)
{
    size_t at = 0, kl, m = strlen(key);
    const char *k;
    if (n == 0 || p[0] != '{') {
        return 0;
    }
    while (jnext(p, n, &at, &k, &kl, v, vn)) {
        if (kl == m && memcmp(k, key, m) == 0) {
            return 1;
        }
    }
    return 0;
}

/* The unescaped content of a canonical string text "\"...\"" appended to b. */
static void
jstr_unescape(quire__buf *b, const char *p, size_t n)
{
    size_t i;
    if (n < 2) {
        return;
    }
    for (i = 1; i + 1 < n; i++) {
        char c = p[i];
        if (c != '\\' || i + 2 >= n) {
            quire__put_u8(b, (uint8_t)c);
            continue;
        }
        c = p[++i];
        switch (c) {
        case 'b':
        case 'f':
        case 'n':
        case 'r':
        case 't': quire__put_u8(b, ' '); break;
        case 'u':
            i += 4; /* \u00xx: a control */
            quire__put_u8(b, ' ');
            break;
        default: quire__put_u8(b, (uint8_t)c); break;
        }
    }
}

/* A string value text unescaped into a NUL-terminated copy (bounded), or NULL. */
static char *
jstr_dup(hx *h, const char *p, size_t n, size_t max)
{
    quire__buf b;
    if (n < 2 || p[0] != '"' || n - 2 > max) {
        return NULL;
    }
    quire__buf_init(&b, h->a, n + 1);
    jstr_unescape(&b, p, n);
    quire__put_u8(&b, 0);
    if (b.err != 0) {
        quire__buf_free(&b);
        nomem(h);
        return NULL;
    }
    return (char *)b.p;
}

/* HTML character references in s[0..n) decoded into b (JSON-LD strings often carry them). */
static void
ent_decode(quire__buf *b, const char *s, size_t n)
{
    size_t i = 0;
    while (i < n) {
        size_t j;
        uint32_t cp = 0;
        int ok = 0;
        if (s[i] != '&') {
            quire__put_u8(b, (uint8_t)s[i++]);
            continue;
        }
        j = i + 1;
        if (j < n && s[j] == '#') {
            int hex = j + 1 < n && (s[j + 1] == 'x' || s[j + 1] == 'X');
            size_t d = j + 1 + (hex ? 1u : 0u), k = d;
            while (k < n && k - d < 8 &&
                   ((s[k] >= '0' && s[k] <= '9') ||
                    (hex && ((s[k] >= 'a' && s[k] <= 'f') || (s[k] >= 'A' && s[k] <= 'F'))))) {
                char c = s[k];
                cp = cp * (hex ? 16u : 10u) +
                     (uint32_t)(c <= '9' ? c - '0' : (lower((unsigned char)c) - 'a' + 10));
                k++;
            }
            if (k > d && k < n && s[k] == ';') {
                ok = 1;
                j = k + 1;
            }
        } else {
            char name[33];
            size_t k = j;
            while (k < n && k - j < 32 &&
                   ((s[k] >= 'a' && s[k] <= 'z') || (s[k] >= 'A' && s[k] <= 'Z') ||
                    (s[k] >= '0' && s[k] <= '9'))) {
                k++;
            }
            if (k > j && k < n && s[k] == ';') {
                const htmlEntityDesc *e;
                memcpy(name, s + j, k - j);
                name[k - j] = '\0';
                if ((e = htmlEntityLookup((const xmlChar *)name)) != NULL) {
                    cp = e->value;
                    ok = 1;
                    j = k + 1;
                }
            }
        }
        if (ok && cp != 0 && cp <= 0x10FFFF && !(cp >= 0xD800 && cp <= 0xDFFF)) {
            put_cp(b, cp);
            i = j;
        } else {
            quire__put_u8(b, '&');
            i++;
        }
    }
}

/* Gives one JSON-LD string (raw bytes of the unescaped value) to a field. */
static void
ld_put(hx *h, int field, int prio, const char *s, size_t n)
{
    quire__buf b;
    if (memchr(s, '&', n) == NULL) {
        put(h, field, prio, s, n);
        return;
    }
    quire__buf_init(&b, h->a, n + 1);
    ent_decode(&b, s, n);
    if (b.err != 0) {
        nomem(h);
    } else {
        put(h, field, prio, (const char *)b.p, b.len);
    }
    quire__buf_free(&b);
}

/* A string value text to a field. */
static void
ld_put_str(hx *h, int field, int prio, const char *p, size_t n)
{
    quire__buf b;
    quire__buf_init(&b, h->a, n + 1);
    jstr_unescape(&b, p, n);
    if (b.err != 0) {
        nomem(h);
    } else if (b.len > 0) {
        ld_put(h, field, prio, (const char *)b.p, b.len);
    }
    quire__buf_free(&b);
}

static void ld_values(hx *h, const char *p, size_t n, int field, int prio, const char *obj_key,
                      size_t max);

/* The obj_key member of an object text (its first string when an array); for "name", an object
 * that has none but an "@id" gives the name of the first queued node with that "@id". */
static void
ld_object(hx *h, const char *p, size_t n, int field, int prio, const char *obj_key)
{
    const char *v;
    size_t vn, i;
    if (jget(p, n, obj_key, &v, &vn)) {
        if (v[0] == '"') {
            ld_put_str(h, field, prio, v, vn);
        } else if (v[0] == '[') {
            ld_values(h, v, vn, field, prio, NULL, 1);
        }
        return;
    }
    if (strcmp(obj_key, "name") != 0 || !jget(p, n, "@id", &v, &vn) || v[0] != '"' || vn < 2) {
        return;
    }
    for (i = 0; i < h->ld_n; i++) {
        const ld_node *d = &h->ld[i];
        if (d->name != NULL && d->id != NULL && strlen(d->id) == vn - 2 &&
            memcmp(d->id, v + 1, vn - 2) == 0) {
            ld_put(h, field, prio, d->name, strlen(d->name));
            return;
        }
    }
}

/* Each string of a value text (a string, or the string items of an array) goes to field; with
 * obj_key, objects (and object items) give their obj_key member. At most max values. */
static void
ld_values(hx *h, const char *p, size_t n, int field, int prio, const char *obj_key, size_t max)
{
    if (n == 0 || h->err != 0 || max == 0) {
        return;
    }
    if (p[0] == '"') {
        ld_put_str(h, field, prio, p, n);
    } else if (p[0] == '{' && obj_key != NULL) {
        ld_object(h, p, n, field, prio, obj_key);
    } else if (p[0] == '[') {
        size_t at = 0, kl, vn, k = 0;
        const char *key, *v;
        while (k < max && h->err == 0 && jnext(p, n, &at, &key, &kl, &v, &vn)) {
            if (v[0] == '"') {
                ld_put_str(h, field, prio, v, vn);
                k++;
            } else if (v[0] == '{' && obj_key != NULL) {
                ld_object(h, v, vn, field, prio, obj_key);
                k++;
            }
        }
    }
}

static int
ld_is_article_type(const char *s, size_t n)
{
    size_t i = n;
    while (i > 0 && s[i - 1] != '/' && s[i - 1] != ':' && s[i - 1] != '#') {
        i--;
    }
    s += i;
    n -= i;
    return (n >= 7 && memcmp(s + n - 7, "Article", 7) == 0) ||
           (n == 11 && memcmp(s, "BlogPosting", 11) == 0) ||
           (n == 15 && memcmp(s, "LiveBlogPosting", 15) == 0) ||
           (n == 6 && memcmp(s, "Report", 6) == 0);
}

static void
ld_push(hx *h, const char *p, size_t n, unsigned depth)
{
    ld_node *d;
    if (h->ld_n >= LD_MAX_NODES || n > LD_MAX_BYTES - h->ld_bytes || depth > LD_MAX_DEPTH) {
        return;
    }
    if (h->ld_n == h->ld_cap) {
        size_t nc = h->ld_cap != 0 ? h->ld_cap * 2 : 16;
        ld_node *nv = (ld_node *)quire__realloc(h->a, h->ld, h->ld_cap * sizeof *nv,
                                                nc * sizeof *nv);
        if (nv == NULL) {
            nomem(h);
            return;
        }
        h->ld = nv;
        h->ld_cap = nc;
    }
    d = &h->ld[h->ld_n];
    if ((d->p = (char *)quire__malloc(h->a, n)) == NULL) {
        nomem(h);
        return;
    }
    memcpy(d->p, p, n);
    d->n = n;
    d->depth = depth;
    d->article = 0;
    d->id = NULL;
    d->name = NULL;
    h->ld_n++;
    h->ld_bytes += n;
}

/* Queues the objects of a value text: an object, or the objects of an array (and of arrays in
 * it, one level). */
static void
ld_push_value(hx *h, const char *p, size_t n, unsigned depth)
{
    size_t at = 0, kl, vn;
    const char *key, *v;
    if (n > 0 && p[0] == '{') {
        ld_push(h, p, n, depth);
        return;
    }
    while (n > 0 && p[0] == '[' && h->err == 0 && jnext(p, n, &at, &key, &kl, &v, &vn)) {
        if (v[0] == '{') {
            ld_push(h, v, vn, depth);
        } else if (v[0] == '[') {
            size_t at2 = 0, vn2;
            const char *v2;
            while (h->err == 0 && jnext(v, vn, &at2, &key, &kl, &v2, &vn2)) {
                if (v2[0] == '{') {
                    ld_push(h, v2, vn2, depth);
                }
            }
        }
    }
}

/* Lenient clean-up of a JSON-LD block into b wrapped as {"x":...}: HTML comment and CDATA
 * wrappers and a trailing ';' dropped, raw controls inside strings made spaces, trailing
 * commas before '}' or ']' dropped. */
static void
ld_prepare(quire__buf *b, const char *s, size_t n)
{
    size_t i;
    int str = 0;
    trim(&s, &n);
    if (n >= 4 && memcmp(s, "<!--", 4) == 0) {
        s += 4;
        n -= 4;
        trim(&s, &n);
    }
    if (n >= 3 && memcmp(s + n - 3, "-->", 3) == 0) {
        n -= 3;
        trim(&s, &n);
    }
    if (n >= 11 && memcmp(s, "//<![CDATA[", 11) == 0) {
        s += 11;
        n -= 11;
    } else if (n >= 9 && memcmp(s, "<![CDATA[", 9) == 0) {
        s += 9;
        n -= 9;
    }
    trim(&s, &n);
    if (n >= 5 && memcmp(s + n - 5, "//]]>", 5) == 0) {
        n -= 5;
    } else if (n >= 3 && memcmp(s + n - 3, "]]>", 3) == 0) {
        n -= 3;
    }
    trim(&s, &n);
    while (n > 0 && s[n - 1] == ';') {
        n--;
        trim(&s, &n);
    }
    quire__put_bytes(b, "{\"x\":", 5);
    for (i = 0; i < n; i++) {
        uint8_t c = (uint8_t)s[i];
        if (str) {
            if (c == '\\' && i + 1 < n) {
                quire__put_u8(b, c);
                c = (uint8_t)s[++i];
                quire__put_u8(b, c < 0x20 ? ' ' : c);
                continue;
            }
            if (c == '"') {
                str = 0;
            }
            quire__put_u8(b, c < 0x20 ? ' ' : c);
            continue;
        }
        if (c == '"') {
            str = 1;
        } else if (c == ',') {
            size_t k = i + 1;
            while (k < n && is_space((unsigned char)s[k])) {
                k++;
            }
            if (k < n && (s[k] == '}' || s[k] == ']')) {
                continue;
            }
        }
        quire__put_u8(b, c < 0x20 && !is_space(c) ? ' ' : c);
    }
    quire__put_u8(b, '}');
}

/* Queues the objects of one <script type="application/ld+json"> block and walks them
 * breadth-first ("@graph" items count as top level), noting article types, "@id" and "name". */
static void
ld_script(hx *h, const char *s, size_t n)
{
    quire__buf b;
    quire__jobject o;
    quire__cur c;
    size_t first = h->ld_n, i;
    if (n > LD_MAX_BLOCK || h->err != 0) {
        return;
    }
    quire__buf_init(&b, h->a, n + 16);
    ld_prepare(&b, s, n);
    if (b.err != 0) {
        quire__buf_free(&b);
        nomem(h);
        return;
    }
    quire__jobject_init(&o, h->a, 2 * b.len + 64);
    quire__cur_init(&c, b.p, b.len, 0);
    if (quire__json_parse_object(&o, &c) == 0) {
        if (o.n == 1 && o.text.p != NULL) {
            ld_push_value(h, (const char *)o.text.p + o.m[0].val_off, o.m[0].val_len, 0);
        }
    } else if (c.err == QUIRE_E_NOMEM) {
        nomem(h);
    }
    quire__jobject_free(&o);
    quire__buf_free(&b);
    for (i = first; i < h->ld_n && h->err == 0; i++) {
        const char *p = h->ld[i].p, *key, *v;
        size_t n2 = h->ld[i].n, at = 0, kl, vn;
        unsigned depth = h->ld[i].depth;
        while (h->err == 0 && jnext(p, n2, &at, &key, &kl, &v, &vn)) {
            if (kl == 5 && memcmp(key, "@type", 5) == 0) {
                if (v[0] == '"') {
                    h->ld[i].article |= ld_is_article_type(v + 1, vn - 2);
                } else if (v[0] == '[') {
                    size_t at2 = 0, vn2;
                    const char *v2;
                    while (jnext(v, vn, &at2, &key, &kl, &v2, &vn2)) {
                        if (v2[0] == '"') {
                            h->ld[i].article |= ld_is_article_type(v2 + 1, vn2 - 2);
                        }
                    }
                }
            } else if (kl == 3 && memcmp(key, "@id", 3) == 0 && h->ld[i].id == NULL) {
                h->ld[i].id = jstr_dup(h, v, vn, 4096);
            } else if (kl == 4 && memcmp(key, "name", 4) == 0 && h->ld[i].name == NULL) {
                h->ld[i].name = jstr_dup(h, v, vn, 4096);
            } else if (v[0] == '{' || v[0] == '[') {
                int graph = kl == 6 && memcmp(key, "@graph", 6) == 0;
                ld_push_value(h, v, vn, graph ? depth : depth + 1);
            }
        }
    }
}

/* The fields of the first article node (script order, breadth-first within a script). */
static void
ld_extract(hx *h)
{
    static const struct {
        const char *key;
        int field, prio;
        const char *obj_key;
        size_t max;
    } map[] = {
        {"headline", F_TITLE, PRIO_LD, NULL, 1},
        {"name", F_TITLE, PRIO_LD + 1, NULL, 1},
        {"datePublished", F_PUB, PRIO_LD, NULL, 1},
        {"dateCreated", F_PUB, PRIO_LD + 1, NULL, 1},
        {"dateModified", F_MOD, PRIO_LD, NULL, 1},
        {"author", F_AUTHOR, PRIO_LD, "name", QUIRE__HTML_MAX_LIST},
        {"publisher", F_PUBLISHER, PRIO_LD, "name", 1},
        {"articleSection", F_SECTION, PRIO_LD, NULL, 1},
        {"description", F_DESC, PRIO_LD, NULL, 1},
        {"keywords", F_KEYWORDS, PRIO_LD, NULL, QUIRE__HTML_MAX_LIST},
        {"inLanguage", F_LANG, PRIO_LD, "alternateName", 1},
        {"url", F_CANON, PRIO_LD_URL, NULL, 1},
        {"mainEntityOfPage", F_CANON, PRIO_LD_URL + 1, "@id", 1},
    };
    const ld_node *d = NULL;
    size_t i, k;
    for (i = 0; i < h->ld_n; i++) {
        if (h->ld[i].article) {
            d = &h->ld[i];
            break;
        }
    }
    for (k = 0; d != NULL && k < sizeof map / sizeof map[0] && h->err == 0; k++) {
        const char *v;
        size_t vn;
        if (jget(d->p, d->n, map[k].key, &v, &vn)) {
            ld_values(h, v, vn, map[k].field, map[k].prio, map[k].obj_key, map[k].max);
        }
    }
}

/* ====================================================================== */
/* main text */

typedef struct tnode {
    const xmlNode *node;
    size_t parent;     /* element parent's index, NONE at the walk's root */
    size_t prev_block; /* innermost block element outside this one */
    size_t end;        /* last index inside this element's subtree (pre-order) */
    uint64_t chars;    /* characters of the paragraphs inside */
    uint64_t links;    /* of which inside <a> */
    uint64_t score;
    size_t depth;
    unsigned weight; /* percent */
    unsigned char block, link, body;
} tnode;

typedef struct tpara {
    size_t owner; /* innermost block element */
    size_t off, len;
    uint64_t chars, links;
} tpara;

typedef struct tw {
    hx *h;
    tnode *t;
    size_t nt, t_cap;
    tpara *p;
    size_t np, p_cap;
    quire__buf arena;
    ws w;            /* current paragraph */
    uint64_t plinks; /* its characters inside links */
    size_t cur, block;
    unsigned link_depth;
} tw;

static const char *const skip_names[] = {
    "script", "style",  "noscript", "nav",      "header", "footer", "aside",  "figure",
    "figcaption", "button", "select", "textarea", "input", "iframe", "svg",  "math",
    "template", "object", "embed",  "canvas",   "video",  "audio",  "menu",   "label",
    "option", "head",   "title",    "dialog",   "picture", "map",   "img",    "source",
    "frameset", "noembed", "applet", "datalist", "output", "progress", "meter"};

static const char *const block_names[] = {
    "address", "article", "aside",  "blockquote", "body",    "caption", "center", "dd",
    "details", "dialog",  "dir",    "div",        "dl",      "dt",      "fieldset",
    "figcaption", "figure", "footer", "form",     "h1",      "h2",      "h3",     "h4",
    "h5",      "h6",      "header", "hgroup",     "hr",      "html",    "li",     "main",
    "menu",    "nav",     "ol",     "p",          "pre",     "section", "summary", "table",
    "tbody",   "td",      "tfoot",  "th",         "thead",   "tr",      "ul",     "legend"};

/* class/id fragments of boilerplate containers (removed unless a MAYBE word is there too) */
static const char *const unlikely[] = {
    "comment", "disqus",   "footer",   "sidebar",  "related", "share",   "social",
    "sponsor", "promo",    "newsletter", "subscribe", "cookie", "banner", "breadcrumb",
    "pagination", "pager", "popup",    "modal",    "masthead", "navbar", "advert",
    "outbrain", "taboola", "signup",   "skip-link", "recirc", "most-popular", "trending",
    "byline",  "sr-only",  "visually-hidden", "screen-reader", "caption", "gallery"};
static const char *const maybe[] = {"article", "body", "content", "main", "story", "column"};
static const char *const positive[] = {"article", "body", "content", "entry", "hentry", "main",
                                       "page",    "post", "story",   "text",  "blog"};
static const char *const negative[] = {"comment", "meta",  "footer", "footnote", "related",
                                       "share",   "sidebar", "sponsor", "social", "promo",
                                       "widget",  "nav",   "menu",   "rail",     "newsletter",
                                       "byline",  "author", "tags",  "credit",   "ad-"};

static int
name_in(const xmlNode *n, const char *const *list, size_t count)
{
    size_t i;
    for (i = 0; i < count; i++) {
        if (strcmp((const char *)n->name, list[i]) == 0) {
            return 1;
        }
    }
    return 0;
}

static int
class_match(const char *cls, const char *id, const char *const *list, size_t count)
{
    size_t i, cn = cls != NULL ? strlen(cls) : 0, in = id != NULL ? strlen(id) : 0;
    cn = cn > CLASS_PEEK ? CLASS_PEEK : cn;
    in = in > CLASS_PEEK ? CLASS_PEEK : in;
    for (i = 0; i < count; i++) {
        if ((cn > 0 && ci_contains(cls, cn, list[i])) || (in > 0 && ci_contains(id, in, list[i]))) {
            return 1;
        }
    }
    return 0;
}

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

/* 1 if the element and its subtree stay out of the text. */
static int
skip_element(const xmlNode *n)
{
    const char *v, *cls, *id;
    if (name_in(n, skip_names, COUNT(skip_names))) {
        return 1;
    }
    if (attr_has(n, "hidden")) {
        return 1;
    }
    if ((v = attr_peek(n, "aria-hidden")) != NULL && ci_eq(v, strlen(v), "true")) {
        return 1;
    }
    if ((v = attr_peek(n, "style")) != NULL) {
        char st[CLASS_PEEK];
        size_t i, k = 0;
        for (i = 0; v[i] != '\0' && k < sizeof st; i++) {
            if (!is_space((unsigned char)v[i])) {
                st[k++] = (char)lower((unsigned char)v[i]);
            }
        }
        if (ci_contains(st, k, "display:none") || ci_contains(st, k, "visibility:hidden")) {
            return 1;
        }
    }
    if (name_is(n, "body") || name_is(n, "html") || name_is(n, "article") || name_is(n, "main")) {
        return 0;
    }
    cls = attr_peek(n, "class");
    id = attr_peek(n, "id");
    if ((v = attr_peek(n, "role")) != NULL &&
        (has_token(v, "navigation") || has_token(v, "complementary") || has_token(v, "banner") ||
         has_token(v, "contentinfo") || has_token(v, "dialog") || has_token(v, "menu"))) {
        return 1;
    }
    return class_match(cls, id, unlikely, COUNT(unlikely)) &&
           !class_match(cls, id, maybe, COUNT(maybe));
}

static unsigned
element_weight(const xmlNode *n)
{
    const char *cls = attr_peek(n, "class"), *id = attr_peek(n, "id"), *ip;
    unsigned w = 100;
    if (name_is(n, "article")) {
        w += 50;
    }
    if ((ip = attr_peek(n, "itemprop")) != NULL && has_token(ip, "articleBody")) {
        w += 100;
    }
    if (class_match(cls, id, positive, COUNT(positive))) {
        w += 25;
    }
    if (class_match(cls, id, negative, COUNT(negative))) {
        w = w > 60 ? w - 50 : 10;
    }
    return w;
}

static void
tw_flush(tw *t)
{
    hx *h = t->h;
    quire__buf *a = &t->arena;
    if (a->len > t->w.start && t->block != NONE) {
        tpara *p;
        if (t->np == t->p_cap) {
            size_t nc = t->p_cap != 0 ? t->p_cap * 2 : 64;
            tpara *nv = (tpara *)quire__realloc(h->a, t->p, t->p_cap * sizeof *nv,
                                                nc * sizeof *nv);
            if (nv == NULL) {
                nomem(h);
                return;
            }
            t->p = nv;
            t->p_cap = nc;
        }
        p = &t->p[t->np++];
        p->owner = t->block;
        p->off = t->w.start;
        p->len = a->len - t->w.start;
        p->chars = t->w.chars;
        p->links = t->plinks > t->w.chars ? t->w.chars : t->plinks;
        t->t[t->block].chars += p->chars;
        t->t[t->block].links += p->links;
    } else {
        a->len = t->w.start;
    }
    ws_init(&t->w, a, ARENA_MAX);
    t->plinks = 0;
}

static size_t
tw_enter(tw *t, const xmlNode *n)
{
    hx *h = t->h;
    tnode *d;
    size_t idx;
    if (t->nt == t->t_cap) {
        size_t nc = t->t_cap != 0 ? t->t_cap * 2 : 32;
        tnode *nv = (tnode *)quire__realloc(h->a, t->t, t->t_cap * sizeof *nv, nc * sizeof *nv);
        if (nv == NULL) {
            nomem(h);
            return NONE;
        }
        t->t = nv;
        t->t_cap = nc;
    }
    idx = t->nt++;
    d = &t->t[idx];
    memset(d, 0, sizeof *d);
    d->node = n;
    d->parent = t->cur;
    d->prev_block = t->block;
    d->end = idx;
    d->depth = t->cur == NONE ? 0 : t->t[t->cur].depth + 1;
    d->weight = element_weight(n);
    d->block = (unsigned char)name_in(n, block_names, COUNT(block_names));
    d->link = (unsigned char)(name_is(n, "a") && attr_has(n, "href"));
    if (d->block) {
        tw_flush(t);
        t->block = idx;
    }
    if (d->link) {
        t->link_depth++;
    }
    t->cur = idx;
    return idx;
}

static void
tw_leave(tw *t)
{
    size_t idx = t->cur;
    tnode *d = &t->t[idx];
    if (d->block) {
        tw_flush(t);
        t->block = d->prev_block;
    }
    if (d->link && t->link_depth > 0) {
        t->link_depth--;
    }
    d->end = t->nt - 1;
    if (d->parent != NONE) {
        t->t[d->parent].chars += d->chars;
        t->t[d->parent].links += d->links;
    }
    t->cur = d->parent;
}

static void
tw_text(tw *t, const char *s)
{
    uint64_t before = t->w.chars;
    if (s == NULL || t->w.full) {
        return;
    }
    ws_put(&t->w, (const uint8_t *)s, strlen(s));
    if (t->arena.err != 0) {
        if (t->arena.err == QUIRE_E_NOMEM) {
            nomem(t->h);
        }
        t->arena.err = 0; /* over ARENA_MAX: later text is dropped */
        t->w.full = 1;
    }
    if (t->link_depth > 0) {
        t->plinks += t->w.chars - before;
    }
    /* the space a text node ends with separates it from the next inline one */
}

/* A <br> right after another (white space between them ignored) ends a paragraph. */
static int
double_br(const xmlNode *n)
{
    const xmlNode *p;
    for (p = n->prev; p != NULL; p = p->prev) {
        if (p->type == XML_TEXT_NODE) {
            const xmlChar *c = p->content;
            while (c != NULL && *c != '\0' && is_space(*c)) {
                c++;
            }
            if (c != NULL && *c != '\0') {
                return 0;
            }
            continue;
        }
        if (p->type == XML_COMMENT_NODE) {
            continue;
        }
        return name_is(p, "br");
    }
    return 0;
}

/* Walks the tree from root, filling the element and paragraph tables. */
static void
tw_walk(tw *t, xmlNode *root)
{
    xmlNode *n = root;
    for (;;) {
        if (t->h->err != 0) {
            return;
        }
        if (n->type == XML_ELEMENT_NODE && n->name != NULL) {
            if (name_is(n, "br")) {
                if (double_br(n)) {
                    tw_flush(t);
                } else if (t->arena.len > t->w.start) {
                    t->w.pend = 1;
                }
            } else if (!skip_element(n)) {
                if (tw_enter(t, n) == NONE) {
                    return;
                }
                if (n->children != NULL) {
                    n = n->children;
                    continue;
                }
                tw_leave(t);
            }
        } else if (n->type == XML_TEXT_NODE || n->type == XML_CDATA_SECTION_NODE) {
            tw_text(t, (const char *)n->content);
        }
        for (;;) {
            if (n == root) {
                return;
            }
            if (n->next != NULL) {
                n = n->next;
                break;
            }
            n = n->parent;
            tw_leave(t);
        }
    }
}

static uint64_t
final_score(const tnode *d)
{
    if (d->score == 0 || d->chars == 0) {
        return 0;
    }
    return d->score * (d->chars - d->links) / d->chars * d->weight / 100;
}

/* Scores containers from paragraphs of at least min characters; returns the best or NONE. */
static size_t
tw_choose(tw *t, uint64_t min)
{
    size_t i, best = NONE;
    uint64_t bs = 0;
    for (i = 0; i < t->nt; i++) {
        t->t[i].score = 0;
    }
    for (i = 0; i < t->np; i++) {
        const tpara *p = &t->p[i];
        size_t c, g;
        if (p->chars < min || name_is(t->t[p->owner].node, "h1")) {
            continue;
        }
        c = t->t[p->owner].parent;
        if (c == NONE) {
            c = p->owner;
        }
        t->t[c].score += p->chars;
        g = t->t[c].parent;
        if (g != NONE) {
            t->t[g].score += p->chars / 2;
        }
    }
    for (i = 0; i < t->nt; i++) {
        uint64_t s = final_score(&t->t[i]);
        if (s > bs) {
            bs = s;
            best = i;
        }
    }
    return best;
}

/* Chooses the main text and writes it (or NULL) to *out. */
static void
main_text(hx *h, xmlDocPtr doc, char **out)
{
    tw t;
    xmlNode *root = xmlDocGetRootElement(doc), *x;
    size_t best = NONE, i, ab = NONE;
    uint8_t *mark = NULL; /* 1 for elements inside the chosen containers */
    const char *cls;
    int single = 0;
    quire__buf o;
    *out = NULL;
    if (root == NULL) {
        return;
    }
    for (x = root; x != NULL; x = next_node(x, root, 1)) {
        if (name_is(x, "body")) {
            root = x;
            break;
        }
    }
    memset(&t, 0, sizeof t);
    t.h = h;
    t.cur = NONE;
    t.block = NONE;
    quire__buf_init(&t.arena, h->a, ARENA_MAX);
    ws_init(&t.w, &t.arena, ARENA_MAX);
    tw_walk(&t, root);
    tw_flush(&t);
    if (h->err != 0 || t.np == 0) {
        goto done;
    }
    /* an element the page marks as the article body wins when it holds real text */
    for (i = 0; i < t.nt; i++) {
        const char *ip = attr_peek(t.t[i].node, "itemprop");
        if (ip != NULL && has_token(ip, "articleBody") &&
            (ab == NONE || t.t[i].chars - t.t[i].links > t.t[ab].chars - t.t[ab].links)) {
            ab = i;
        }
    }
    if (ab != NONE && t.t[ab].chars - t.t[ab].links >= 200) {
        best = ab;
        single = 1;
    } else if ((best = tw_choose(&t, 25)) == NONE) {
        best = tw_choose(&t, 1);
    }
    if (best == NONE) {
        goto done;
    }
    mark = (uint8_t *)quire__malloc(h->a, t.nt);
    if (mark == NULL) {
        nomem(h);
        goto done;
    }
    memset(mark, 0, t.nt);
    memset(mark + best, 1, t.t[best].end - best + 1);
    if (!single) {
        /* siblings that score well too (text split over several containers) */
        size_t par = t.t[best].parent;
        uint64_t fb = final_score(&t.t[best]), thr = fb / 5 > 10 ? fb / 5 : 10;
        if (par != NONE) {
            for (i = par + 1; i <= t.t[par].end; i = t.t[i].end + 1) {
                const tnode *s = &t.t[i];
                if (i == best) {
                    continue;
                }
                if (final_score(s) >= thr ||
                    (name_is(s->node, "p") && s->chars > 80 && s->links * 4 < s->chars)) {
                    memset(mark + i, 1, s->end - i + 1);
                }
            }
        }
        /* containers like the chosen one elsewhere (same name, class and depth, paragraphs,
         * few links): pages that cut the article into chunks between other blocks */
        if ((cls = attr_peek(t.t[best].node, "class")) != NULL && cls[0] != '\0') {
            for (i = 0; i < t.nt; i++) {
                const tnode *s = &t.t[i];
                const char *c2;
                if (!mark[i] && s->depth == t.t[best].depth && s->score > 0 &&
                    s->links * 4 < s->chars &&
                    strcmp((const char *)s->node->name, (const char *)t.t[best].node->name) == 0 &&
                    (c2 = attr_peek(s->node, "class")) != NULL && strcmp(c2, cls) == 0) {
                    memset(mark + i, 1, s->end - i + 1);
                }
            }
        }
    }
    quire__buf_init(&o, h->a, QUIRE__HTML_MAX_TEXT + 1);
    for (i = 0; i < t.np; i++) {
        const tpara *p = &t.p[i];
        size_t room;
        if (!mark[p->owner] || p->links * 2 > p->chars ||
            name_is(t.t[p->owner].node, "h1")) {
            continue;
        }
        room = QUIRE__HTML_MAX_TEXT - o.len;
        if (o.len > 0) {
            if (room <= 2) {
                break;
            }
            quire__put_bytes(&o, "\n\n", 2);
            room -= 2;
        }
        if (p->len <= room) {
            quire__put_bytes(&o, t.arena.p + p->off, p->len);
        } else {
            size_t k = room; /* cut at a character boundary, no space left at the end */
            while (k > 0 && (t.arena.p[p->off + k] & 0xC0) == 0x80) {
                k--;
            }
            while (k > 0 && t.arena.p[p->off + k - 1] == ' ') {
                k--;
            }
            if (k == 0 && o.len >= 2) {
                o.len -= 2; /* the separator just written */
            }
            quire__put_bytes(&o, t.arena.p + p->off, k);
            break;
        }
    }
    if (o.len > 0) {
        quire__put_u8(&o, 0);
    }
    if (o.err != 0) {
        nomem(h);
        quire__buf_free(&o);
    } else if (o.len > 0) {
        *out = (char *)o.p;
    }
done:
    quire__free(h->a, mark);
    quire__free(h->a, t.t);
    quire__free(h->a, t.p);
    quire__buf_free(&t.arena);
}

/* ====================================================================== */
/* assembly */

/* "<title> text | Publisher" loses its " | Publisher" (also " - ", " – ", " — ", " :: ",
 * " » ", " · "), when the publisher is known and the title came from <title>. */
static void
strip_site_suffix(hx *h)
{
    static const char *const seps[] = {" | ", " - ", " \xE2\x80\x93 ", " \xE2\x80\x94 ", " :: ",
                                       " \xC2\xBB ", " \xC2\xB7 "};
    char *t = h->title.v;
    const char *pub = h->publisher.v;
    size_t tn, pn, k;
    if (t == NULL || pub == NULL || h->title.prio != PRIO_TITLE_TAG) {
        return;
    }
    tn = strlen(t);
    pn = strlen(pub);
    for (k = 0; k < COUNT(seps); k++) {
        size_t sn = strlen(seps[k]);
        if (tn > pn + sn && ci_eq(t + tn - pn, pn, pub) &&
            memcmp(t + tn - pn - sn, seps[k], sn) == 0) {
            t[tn - pn - sn] = '\0';
            return;
        }
    }
}

static void
hx_free(hx *h)
{
    size_t i;
    quire__free(h->a, h->title.v);
    quire__free(h->a, h->canon.v);
    quire__free(h->a, h->lang.v);
    quire__free(h->a, h->desc.v);
    quire__free(h->a, h->section.v);
    quire__free(h->a, h->publisher.v);
    quire__free(h->a, h->pub.norm.v);
    quire__free(h->a, h->pub.raw.v);
    quire__free(h->a, h->mod.norm.v);
    quire__free(h->a, h->mod.raw.v);
    list_clear(h, &h->authors);
    list_clear(h, &h->keywords);
    for (i = 0; i < h->ld_n; i++) {
        quire__free(h->a, h->ld[i].p);
        quire__free(h->a, h->ld[i].id);
        quire__free(h->a, h->ld[i].name);
    }
    quire__free(h->a, h->ld);
}

/* An author that only repeats the publisher ("..., CNN") goes when other authors remain. */
static void
drop_publisher_author(hx *h)
{
    size_t i, k = 0;
    const char *pub = h->publisher.v;
    if (pub == NULL || h->authors.n < 2) {
        return;
    }
    for (i = 0; i < h->authors.n; i++) {
        char *v = h->authors.v[i];
        if (ci_eq(v, strlen(v), pub) && k + (h->authors.n - i - 1) > 0) {
            quire__free(h->a, v);
            continue;
        }
        h->authors.v[k++] = v;
    }
    h->authors.n = k;
}

static char *
take(hx_slot *s)
{
    char *v = s->v;
    s->v = NULL;
    return v;
}

/* see html.h */
int
quire__html_extract(const uint8_t *html, size_t len, const char *charset_hint,
                    const char *base_url, const quire__allocator *a, quire__html_meta *out)
{
    hx h;
    quire__buf b;
    const enc *used = &enc_utf8;
    xmlDocPtr doc = NULL;
    quiet q;
    int oom = 0, e;
    char *text = NULL;
    if (out != NULL) {
        memset(out, 0, sizeof *out);
    }
    if (out == NULL || a == NULL || (html == NULL && len != 0)) {
        return QUIRE_E_ARG;
    }
    if (len > QUIRE__HTML_MAX_INPUT) {
        return QUIRE_E_LIMIT;
    }
    pthread_once(&xml_once, xml_init);
    memset(&h, 0, sizeof h);
    h.a = a;
    h.base_url = base_url;
    h.title.prio = h.canon.prio = h.lang.prio = h.desc.prio = PRIO_NONE;
    h.section.prio = h.publisher.prio = PRIO_NONE;
    h.pub.norm.prio = h.pub.raw.prio = h.mod.norm.prio = h.mod.raw.prio = PRIO_NONE;
    h.authors.prio = h.keywords.prio = PRIO_NONE;

    quiet_on(&q);
    quire__buf_init(&b, a, 16 * len + 65536);
    e = decode_page(&h, html != NULL ? html : (const uint8_t *)"", len, charset_hint, &b, &used);
    if (e == 0 && b.len > 0) {
        doc = parse_capped(&h, b.p, b.len, &oom);
    }
    quire__buf_free(&b);
    if (e == 0 && oom) {
        e = QUIRE_E_NOMEM;
    }
    if (e == 0 && doc != NULL) {
        walk_meta(&h, doc);
        ld_extract(&h);
        main_text(&h, doc, &text);
        e = h.err;
    }
    if (doc != NULL) {
        xmlFreeDoc(doc);
    }
    quiet_off(&q);
    if (e == 0) {
        strip_site_suffix(&h);
        drop_publisher_author(&h);
        out->title = take(&h.title);
        out->canonical_url = take(&h.canon);
        out->published = take(&h.pub.norm);
        out->modified = take(&h.mod.norm);
        if (out->published == NULL) {
            out->published_raw = take(&h.pub.raw);
        }
        if (out->modified == NULL) {
            out->modified_raw = take(&h.mod.raw);
        }
        out->language = take(&h.lang);
        out->description = take(&h.desc);
        out->section = take(&h.section);
        out->publisher = take(&h.publisher);
        out->authors = h.authors.v;
        out->n_authors = h.authors.n;
        h.authors.v = NULL;
        h.authors.n = h.authors.cap = 0;
        out->keywords = h.keywords.v;
        out->n_keywords = h.keywords.n;
        h.keywords.v = NULL;
        h.keywords.n = h.keywords.cap = 0;
        out->text = text;
        text = NULL;
        out->charset = dup_str(&h, used->name);
        if (out->charset == NULL) {
            e = QUIRE_E_NOMEM;
        }
    }
    quire__free(a, text);
    hx_free(&h);
    if (e != 0) {
        quire__html_meta_free(out, a);
    }
    return e;
}

/* see html.h */
void
quire__html_meta_free(quire__html_meta *m, const quire__allocator *a)
{
    size_t i;
    if (m == NULL || a == NULL) {
        return;
    }
    quire__free(a, m->title);
    quire__free(a, m->canonical_url);
    quire__free(a, m->published);
    quire__free(a, m->modified);
    quire__free(a, m->published_raw);
    quire__free(a, m->modified_raw);
    quire__free(a, m->language);
    quire__free(a, m->description);
    quire__free(a, m->section);
    quire__free(a, m->publisher);
    for (i = 0; i < m->n_authors; i++) {
        quire__free(a, m->authors[i]);
    }
    quire__free(a, m->authors);
    for (i = 0; i < m->n_keywords; i++) {
        quire__free(a, m->keywords[i]);
    }
    quire__free(a, m->keywords);
    quire__free(a, m->text);
    quire__free(a, m->charset);
    memset(m, 0, sizeof *m);
}
