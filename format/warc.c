/* warc.c - WARC record headers, HTTP message heads, chunked bodies and
 * media types (spec/WARC.md 1 and 2). */
#include "warc.h"

#include <string.h>

#include "quire.h"

/* ====================================================================
 * Windows: every input byte is read through at(), which bounds it by the
 * window; a window never passes the cursor's end.
 * ==================================================================== */

typedef struct win {
    const uint8_t *p; /* c->buf + c->off at the start of the structure */
    size_t n;         /* bytes readable: min(what remains, the size limit) */
    int limited;      /* the size limit cut the window: running out is over-limit */
} win;

static void
win_init(win *w, const quire__cur *c, size_t max)
{
    size_t left = quire__cur_left(c);
    w->p = c->buf + c->off;
    w->n = left < max ? left : max;
    w->limited = left >= max;
}

/* The byte at window offset i, or -1 past the window. */
static int
at(const win *w, size_t i)
{
    return i < w->n ? w->p[i] : -1;
}

static int
is_ws(int b)
{
    return b == ' ' || b == '\t';
}

static int
is_digit(int b)
{
    return b >= '0' && b <= '9';
}

static int
hex_value(int b)
{
    if (b >= '0' && b <= '9') {
        return b - '0';
    }
    if (b >= 'a' && b <= 'f') {
        return b - 'a' + 10;
    }
    if (b >= 'A' && b <= 'F') {
        return b - 'A' + 10;
    }
    return -1;
}

/* RFC 9110 5.6.2 tchar: ALPHA, DIGIT and "!#$%&'*+-.^_`|~", as a bit set
 * of the 128 ASCII bytes (a table, not a chain of comparisons) */
static int
is_tchar(int b)
{
    static const uint64_t set[2] = {
        0x03ff6cfa00000000u, /* 0-63: ! # $ % & ' * + - . 0-9 */
        0x57ffffffc7fffffeu, /* 64-127: A-Z ^ _ ` a-z | ~ */
    };
    return b >= 0 && b < 128 && ((set[b >> 6] >> (b & 63)) & 1u) != 0;
}

static int
lower(int b)
{
    return b >= 'A' && b <= 'Z' ? b + ('a' - 'A') : b;
}

/* 1 if p[0..6) is "WARC/" (any case) and a digit; n >= 6 */
static int
is_version_start(const uint8_t *p)
{
    return lower(p[0]) == 'w' && lower(p[1]) == 'a' && lower(p[2]) == 'r' && lower(p[3]) == 'c' &&
           p[4] == '/' && is_digit(p[5]);
}

/* ASCII case-insensitive equality of p[0..n) and the NUL-terminated s. */
static int
eq_nocase(const uint8_t *p, size_t n, const char *s)
{
    size_t i;
    for (i = 0; i < n; i++) {
        if (s[i] == '\0' || lower(p[i]) != lower((unsigned char)s[i])) {
            return 0;
        }
    }
    return s[n] == '\0';
}

/* Line end at i (spec 1.2: *CR LF): its length, 0 if the byte at i does
 * not start one, -1 if the window ends first. */
static long
eol_at(const win *w, size_t i, unsigned *flags)
{
    size_t j = i;
    int b;
    while ((b = at(w, j)) == '\r') {
        j++;
    }
    if (b < 0) {
        return -1;
    }
    if (b != '\n') {
        return 0;
    }
    if (j == i) {
        *flags |= QUIRE__HF_LF;
    } else if (j - i > 1) {
        *flags |= QUIRE__HF_CRCR;
    }
    return (long)(j - i + 1);
}

#define L_OK 1
#define L_MORE 0
#define L_CTL (-1)

/* Scans the line at i: *end is where its line end starts and *next the
 * first byte after it (L_OK); L_MORE if the window ends first; L_CTL with
 * *end at the first control byte other than HT (a CR not part of a line
 * end is one). */
static int
line_scan(const win *w, size_t i, size_t *end, size_t *next, unsigned *flags)
{
    /* to the first control byte other than HT (CR and LF are control bytes
     * too): eight bytes a test while none is below 0x20, then byte by byte.
     * Most of what a fuzzer's comparison tracing sees of a head is here. */
    for (;;) {
        uint8_t b;
        while (w->n - i >= 8) {
            uint64_t x;
            memcpy(&x, w->p + i, 8);
            /* nonzero exactly when a byte is below 0x20 (any byte order) */
            if (((x - 0x2020202020202020u) & ~x & 0x8080808080808080u) != 0) {
                break;
            }
            i += 8;
        }
        if (i == w->n) {
            return L_MORE;
        }
        b = w->p[i];
        if (b >= 0x20 || b == '\t') {
            i++;
            continue;
        }
        break;
    }
    *end = i;
    if (w->p[i] == '\n' || w->p[i] == '\r') {
        long e = eol_at(w, i, flags);
        if (e < 0) {
            return L_MORE;
        }
        if (e == 0) {
            return L_CTL;
        }
        *next = i + (size_t)e;
        return L_OK;
    }
    return L_CTL;
}

/* ====================================================================
 * Fields (spec 1.2), shared by WARC and HTTP
 * ==================================================================== */

typedef struct hctx {
    quire__cur *c;
    size_t start; /* c->off at entry: window offset 0 */
    win w;
    int code;                /* QUIRE_E_WARC or QUIRE_E_HTTP */
    int lenient;             /* HTTP: skip malformed field lines */
    const char *what_head;   /* TRUNCATED / LIMIT (size) */
    const char *what_fields; /* LIMIT (count) */
    quire__hfield *f;
    size_t max_fields;
    size_t n_fields;
    size_t n_skipped;
    unsigned flags;
} hctx;

static int
fail_rel(hctx *x, size_t i, int code, const char *what)
{
    return quire__cur_fail_at(x->c, x->start + i, code, what);
}

/* The window ended: over the limit, or truncated. */
static int
need_more(hctx *x)
{
    if (x->w.limited) {
        return fail_rel(x, x->w.n, QUIRE_E_LIMIT, x->what_head);
    }
    return fail_rel(x, x->w.n, QUIRE_E_TRUNCATED, x->what_head);
}

/* Trims SP and HT on both ends of [*s, *e). */
static void
trim(const win *w, size_t *s, size_t *e)
{
    while (*s < *e && is_ws(at(w, *s))) {
        (*s)++;
    }
    while (*e > *s && is_ws(at(w, *e - 1))) {
        (*e)--;
    }
}

#define CUR_NONE ((size_t)-1)
#define CUR_SKIPPED ((size_t)-2)

/* Field lines from i up to and including the blank line. *blank is the
 * blank line's offset, *head_len the offset after it. */
static int
parse_fields(hctx *x, size_t i, size_t *blank, size_t *head_len)
{
    size_t cur = CUR_NONE; /* the field a continuation line extends */
    for (;;) {
        size_t end = 0, next = 0, j, vs, ve;
        int b = at(&x->w, i), r;
        r = line_scan(&x->w, i, &end, &next, &x->flags);
        if (r == L_MORE) {
            return need_more(x);
        }
        if (r == L_CTL) {
            return fail_rel(x, end, x->code, "control character");
        }
        if (end == i) {
            *blank = i;
            *head_len = next;
            return 0;
        }
        if (is_ws(b)) {
            /* obs-fold: the line continues the previous field's value */
            if (cur == CUR_NONE && !x->lenient) {
                return fail_rel(x, i, x->code, "continuation line");
            }
            if (cur == CUR_NONE || cur == CUR_SKIPPED) {
                if (cur == CUR_NONE) {
                    x->n_skipped++;
                    x->flags |= QUIRE__HF_SKIPPED;
                    cur = CUR_SKIPPED;
                }
            } else {
                quire__hfield *f = &x->f[cur];
                vs = i;
                ve = end;
                trim(&x->w, &vs, &ve);
                if (ve > vs) {
                    if (f->val_len == 0) {
                        f->val_off = vs;
                    }
                    f->val_len = ve - f->val_off;
                }
                x->flags |= QUIRE__HF_FOLD;
            }
            i = next;
            continue;
        }
        for (j = i; j < end && is_tchar(at(&x->w, j)); j++) {
        }
        vs = j + 1;
        if (j == end || at(&x->w, j) != ':' || j == i) {
            size_t k = j;
            while (k < end && is_ws(at(&x->w, k))) {
                k++;
            }
            if (x->lenient && j > i && k > j && k < end && at(&x->w, k) == ':') {
                x->flags |= QUIRE__HF_NAMEWS;
                vs = k + 1;
            } else if (x->lenient) {
                x->n_skipped++;
                x->flags |= QUIRE__HF_SKIPPED;
                cur = CUR_SKIPPED;
                i = next;
                continue;
            } else {
                for (k = i; k < end && at(&x->w, k) != ':'; k++) {
                }
                if (k == end) {
                    return fail_rel(x, i, x->code, "field line (no colon)");
                }
                return fail_rel(x, j, x->code, "field name");
            }
        }
        if (x->n_fields == x->max_fields) {
            return fail_rel(x, i, QUIRE_E_LIMIT, x->what_fields);
        }
        ve = end;
        trim(&x->w, &vs, &ve);
        x->f[x->n_fields].name_off = i;
        x->f[x->n_fields].name_len = j - i;
        x->f[x->n_fields].val_off = vs;
        x->f[x->n_fields].val_len = ve - vs;
        cur = x->n_fields++;
        i = next;
    }
}

size_t
quire__hfield_unfold(const uint8_t *head, const quire__hfield *f, uint8_t *out, size_t cap)
{
    const uint8_t *v = head + f->val_off;
    size_t i = 0, o = 0;
    while (i < f->val_len) {
        uint8_t b = v[i];
        if (b == ' ' || b == '\t' || b == '\r' || b == '\n') {
            size_t j = i;
            int fold = 0;
            while (j < f->val_len &&
                   (v[j] == ' ' || v[j] == '\t' || v[j] == '\r' || v[j] == '\n')) {
                fold |= v[j] == '\n';
                j++;
            }
            if (fold) {
                if (o < cap) {
                    out[o] = ' ';
                }
                o++;
                i = j;
                continue;
            }
        }
        if (o < cap) {
            out[o] = b;
        }
        o++;
        i++;
    }
    return o;
}

int
quire__hfield_is(const uint8_t *head, const quire__hfield *f, const char *name)
{
    return eq_nocase(head + f->name_off, f->name_len, name);
}

size_t
quire__hfield_find(const quire__hfield *f, size_t n, const uint8_t *head, const char *name,
                   size_t from)
{
    size_t i, len = strlen(name);
    for (i = from; i < n; i++) {
        if (f[i].name_len == len && quire__hfield_is(head, &f[i], name)) {
            return i;
        }
    }
    return n;
}

static int
hfield_get(const quire__hfield *f, size_t n, const uint8_t *head, const char *name,
           const uint8_t **val, size_t *len)
{
    size_t i = quire__hfield_find(f, n, head, name, 0);
    if (i == n) {
        *val = NULL;
        *len = 0;
        return QUIRE_E_NOTFOUND;
    }
    *val = head + f[i].val_off;
    *len = f[i].val_len;
    return 0;
}

/* A decimal 1*DIGIT in w[s..s+n): 1 and *v (saturated at max + 1), or 0. */
static int
parse_decimal(const win *w, size_t s, size_t n, uint64_t max, uint64_t *v)
{
    size_t i;
    uint64_t x = 0;
    if (n == 0) {
        return 0;
    }
    for (i = 0; i < n; i++) {
        int b = at(w, s + i);
        if (!is_digit(b)) {
            return 0;
        }
        if (x <= max) {
            x = x * 10 + (uint64_t)(b - '0'); /* max <= 2^60: cannot wrap */
        }
    }
    *v = x > max ? max + 1 : x;
    return 1;
}

/* ====================================================================
 * WARC records (spec 1)
 * ==================================================================== */

int
quire__warc_head_parse(quire__cur *c, quire__warc_head *h)
{
    static const char magic[] = "warc/";
    hctx x;
    size_t i, end = 0, next = 0, blank = 0, head_len = 0, k, vs;
    size_t maj_s, min_s;
    int r;
    if (c->err != 0) {
        return c->err;
    }
    memset(&x, 0, sizeof x);
    x.c = c;
    x.start = c->off;
    win_init(&x.w, c, QUIRE__WARC_MAX_HEAD);
    x.code = QUIRE_E_WARC;
    x.what_head = "WARC header";
    x.what_fields = "WARC header (field count)";
    x.f = h->f;
    x.max_fields = QUIRE__WARC_MAX_FIELDS;

    /* spec 1.3: "WARC/" 1*3DIGIT "." 1*3DIGIT OWS line-end */
    for (i = 0; i < 5; i++) {
        int b = at(&x.w, i);
        if (b < 0) {
            return need_more(&x);
        }
        if (lower(b) != magic[i]) { /* ABNF literals are case-insensitive */
            return fail_rel(&x, i, QUIRE_E_WARC, "version line");
        }
    }
    maj_s = i;
    for (k = 0; k < 2; k++) {
        size_t s = i;
        int b;
        while (is_digit(b = at(&x.w, i))) {
            if (i - s == 3) {
                return fail_rel(&x, i, QUIRE_E_WARC, "version line");
            }
            i++;
        }
        if (b < 0) {
            return need_more(&x);
        }
        if (i == s || (k == 0 && b != '.')) {
            return fail_rel(&x, i, QUIRE_E_WARC, "version line");
        }
        if (k == 0) {
            i++;
        }
    }
    min_s = i;
    r = line_scan(&x.w, i, &end, &next, &x.flags);
    if (r == L_MORE) {
        return need_more(&x);
    }
    if (r == L_CTL) {
        return fail_rel(&x, end, QUIRE_E_WARC, "version line");
    }
    for (k = i; k < end; k++) {
        if (!is_ws(at(&x.w, k))) {
            return fail_rel(&x, k, QUIRE_E_WARC, "version line");
        }
    }
    {
        const uint8_t *v = x.w.p + maj_s; /* maj_s < min_s <= w.n */
        size_t vn = min_s - maj_s;
        if (vn == 3 && memcmp(v, "1.0", 3) == 0) {
            h->version = 10;
        } else if (vn == 3 && memcmp(v, "1.1", 3) == 0) {
            h->version = 11;
        } else if (vn == 4 && (memcmp(v, "0.17", 4) == 0 || memcmp(v, "0.18", 4) == 0)) {
            h->version = 0;
        } else {
            h->version = -1;
        }
    }

    r = parse_fields(&x, next, &blank, &head_len);
    if (r != 0) {
        return r;
    }
    h->flags = x.flags;
    h->head_len = head_len;
    h->n_fields = x.n_fields;

    /* spec 1.4: exactly one Content-Length */
    k = quire__hfield_find(h->f, h->n_fields, x.w.p, "Content-Length", 0);
    if (k == h->n_fields) {
        return fail_rel(&x, blank, QUIRE_E_WARC, "Content-Length (missing)");
    }
    i = quire__hfield_find(h->f, h->n_fields, x.w.p, "Content-Length", k + 1);
    if (i != h->n_fields) {
        return fail_rel(&x, h->f[i].name_off, QUIRE_E_WARC, "Content-Length (duplicate)");
    }
    vs = h->f[k].val_off;
    if (!parse_decimal(&x.w, vs, h->f[k].val_len, QUIRE__WARC_MAX_LENGTH, &h->content_length)) {
        return fail_rel(&x, vs, QUIRE_E_WARC, "Content-Length (not a number)");
    }
    if (h->content_length > QUIRE__WARC_MAX_LENGTH) {
        return fail_rel(&x, vs, QUIRE_E_LIMIT, "Content-Length (too large)");
    }
    if (h->version < 0) {
        /* last, with *h complete: the caller can skip the record */
        return fail_rel(&x, maj_s, QUIRE_E_FEATURE, "WARC version");
    }
    (void)quire__get_bytes(c, head_len, "WARC header");
    return c->err;
}

int
quire__warc_get(const quire__warc_head *h, const uint8_t *head, const char *name,
                const uint8_t **val, size_t *len)
{
    return hfield_get(h->f, h->n_fields, head, name, val, len);
}

int
quire__warc_record_end(quire__cur *c)
{
    win w;
    size_t i = 0;
    int k;
    unsigned flags = 0;
    if (c->err != 0) {
        return c->err;
    }
    win_init(&w, c, quire__cur_left(c));
    for (k = 0; k < 2; k++) {
        long e = eol_at(&w, i, &flags);
        if (e < 0) {
            return quire__cur_fail_at(c, c->off + w.n, QUIRE_E_TRUNCATED, "record end");
        }
        if (e == 0) {
            return quire__cur_fail_at(c, c->off + i, QUIRE_E_WARC, "record end");
        }
        i += (size_t)e;
    }
    (void)quire__get_bytes(c, i, "record end");
    return c->err;
}

size_t
quire__warc_skip_blank(quire__cur *c)
{
    win w;
    size_t i = 0;
    unsigned flags = 0;
    long e;
    if (c->err != 0) {
        return 0;
    }
    win_init(&w, c, quire__cur_left(c));
    while ((e = eol_at(&w, i, &flags)) > 0) {
        i += (size_t)e;
    }
    (void)quire__get_bytes(c, i, "blank line");
    return i;
}

int
quire__warc_resync(const uint8_t *p, size_t n, size_t *off)
{
    size_t i = *off;
    while (i < n) {
        if (n - i >= 6 && is_version_start(p + i)) {
            *off = i;
            return 0;
        }
        {
            const uint8_t *lf = (const uint8_t *)memchr(p + i, '\n', n - i);
            if (lf == NULL) {
                break;
            }
            i = (size_t)(lf - p) + 1;
        }
    }
    return QUIRE_E_NOTFOUND;
}

int
quire__warc_sniff(const uint8_t *p, size_t n)
{
    if (n >= 6 && is_version_start(p)) {
        return QUIRE__SNIFF_WARC;
    }
    if (n >= 11 && memcmp(p, "filedesc://", 11) == 0) {
        return QUIRE__SNIFF_ARC;
    }
    if (n >= 2 && p[0] == 0x1f && p[1] == 0x8b) {
        return QUIRE__SNIFF_GZIP;
    }
    if (n >= 4 && p[0] == 0x28 && p[1] == 0xb5 && p[2] == 0x2f && p[3] == 0xfd) {
        return QUIRE__SNIFF_ZSTD;
    }
    return QUIRE__SNIFF_UNKNOWN;
}

/* ====================================================================
 * HTTP message heads (spec 2)
 * ==================================================================== */

/* "HTTP/" DIGIT ["." DIGIT] at i, inside [i, end): 1 and *after, or 0
 * with *after at the offending byte (spec 2.2). */
static int
http_version(const win *w, size_t i, size_t end, int *major, int *minor, size_t *after)
{
    static const char lit[] = "HTTP/";
    size_t k;
    int b;
    for (k = 0; k < 5; k++) {
        if (i + k >= end || at(w, i + k) != lit[k]) {
            *after = i + k;
            return 0;
        }
    }
    i += 5;
    b = i < end ? at(w, i) : -1;
    if (!is_digit(b) || b == '0' || b > '3') {
        *after = i;
        return 0;
    }
    *major = b - '0';
    *minor = 0;
    i++;
    if (i < end && at(w, i) == '.') {
        b = i + 1 < end ? at(w, i + 1) : -1;
        if (!is_digit(b) || (*major > 1 && b != '0')) {
            *after = i + 1;
            return 0;
        }
        *minor = b - '0';
        i += 2;
    } else if (*major == 1) {
        *after = i;
        return 0;
    }
    *after = i;
    return 1;
}

static int
start_line(hctx *x, quire__http_head *h, size_t end)
{
    const win *w = &x->w;
    size_t i, e, sp;
    if (end >= 5 && memcmp(w->p, "HTTP/", 5) == 0) {
        /* status-line = HTTP-version SP 3DIGIT [ (SP / HT) reason ] */
        int k, status = 0;
        h->is_response = 1;
        if (!http_version(w, 0, end, &h->major, &h->minor, &i)) {
            return fail_rel(x, i, QUIRE_E_HTTP, "HTTP version");
        }
        if (i == end || at(w, i) != ' ') {
            return fail_rel(x, i, QUIRE_E_HTTP, "status line");
        }
        i++;
        for (k = 0; k < 3; k++, i++) {
            int b = i < end ? at(w, i) : -1;
            if (!is_digit(b)) {
                return fail_rel(x, i, QUIRE_E_HTTP, "status code");
            }
            status = status * 10 + (b - '0');
        }
        if (status < 100) {
            return fail_rel(x, i - 3, QUIRE_E_HTTP, "status code");
        }
        h->status = status;
        if (i == end) {
            x->flags |= QUIRE__HF_NOREASON;
            h->reason_off = i;
            h->reason_len = 0;
            return 0;
        }
        if (!is_ws(at(w, i))) {
            return fail_rel(x, i, QUIRE_E_HTTP, "status code");
        }
        i++;
        e = end;
        trim(w, &i, &e);
        h->reason_off = i;
        h->reason_len = e - i;
        return 0;
    }
    /* request-line = method SP request-target SP HTTP-version */
    h->is_response = 0;
    for (i = 0; i < end && is_tchar(at(w, i)); i++) {
    }
    if (i == 0 || i == end || at(w, i) != ' ') {
        return fail_rel(x, i, QUIRE_E_HTTP, "method");
    }
    h->method_off = 0;
    h->method_len = i;
    e = end;
    while (e > i && is_ws(at(w, e - 1))) {
        e--;
    }
    for (sp = e; sp > i && at(w, sp - 1) != ' '; sp--) {
    }
    if (sp <= i + 1) {
        return fail_rel(x, e, QUIRE_E_HTTP, "request line");
    }
    {
        size_t after;
        if (!http_version(w, sp, e, &h->major, &h->minor, &after) || after != e) {
            return fail_rel(x, after, QUIRE_E_HTTP, "HTTP version");
        }
    }
    i++;
    sp--;
    trim(w, &i, &sp);
    if (sp == i) {
        return fail_rel(x, i, QUIRE_E_HTTP, "request target");
    }
    h->target_off = i;
    h->target_len = sp - i;
    return 0;
}

/* Calls fn on each comma-separated element of a (possibly folded) value,
 * trimmed of white space and line ends; empty elements are skipped. */
typedef void (*elem_fn)(void *ctx, const uint8_t *p, size_t n);
static void
for_each_elem(const uint8_t *v, size_t n, elem_fn fn, void *ctx)
{
    size_t i = 0;
    while (i < n) {
        size_t s = i, e;
        while (i < n && v[i] != ',') {
            i++;
        }
        e = i;
        while (s < e && (v[s] == ' ' || v[s] == '\t' || v[s] == '\r' || v[s] == '\n')) {
            s++;
        }
        while (e > s &&
               (v[e - 1] == ' ' || v[e - 1] == '\t' || v[e - 1] == '\r' || v[e - 1] == '\n')) {
            e--;
        }
        if (e > s) {
            fn(ctx, v + s, e - s);
        }
        i++; /* past the comma */
    }
}

typedef struct te_state {
    int last_chunked, other;
} te_state;

static void
te_elem(void *ctx, const uint8_t *p, size_t n)
{
    te_state *t = (te_state *)ctx;
    size_t k = 0;
    while (k < n && p[k] != ';' && p[k] != ' ' && p[k] != '\t') {
        k++;
    }
    t->last_chunked = eq_nocase(p, k, "chunked");
    if (!t->last_chunked && !eq_nocase(p, k, "identity")) {
        t->other = 1;
    }
}

typedef struct cl_state {
    size_t seen; /* elements */
    int bad;
    uint64_t v;
} cl_state;

static void
cl_elem(void *ctx, const uint8_t *p, size_t n)
{
    cl_state *s = (cl_state *)ctx;
    win w;
    uint64_t v = 0;
    w.p = p;
    w.n = n;
    w.limited = 0;
    if (!parse_decimal(&w, 0, n, QUIRE__WARC_MAX_LENGTH, &v) || v > QUIRE__WARC_MAX_LENGTH ||
        (s->seen != 0 && v != s->v)) {
        s->bad = 1;
    }
    s->seen++;
    s->v = v;
}

int
quire__http_head_parse(quire__cur *c, quire__http_head *h)
{
    hctx x;
    size_t end = 0, next = 0, blank = 0, head_len = 0, k;
    te_state te = {0, 0};
    cl_state cl = {0, 0, 0};
    int r;
    if (c->err != 0) {
        return c->err;
    }
    memset(&x, 0, sizeof x);
    x.c = c;
    x.start = c->off;
    win_init(&x.w, c, QUIRE__HTTP_MAX_HEAD);
    x.code = QUIRE_E_HTTP;
    x.lenient = 1;
    x.what_head = "HTTP head";
    x.what_fields = "HTTP head (field count)";
    x.f = h->f;
    x.max_fields = QUIRE__HTTP_MAX_FIELDS;
    h->status = 0;
    h->major = h->minor = 0;
    h->method_off = h->method_len = h->target_off = h->target_len = 0;
    h->reason_off = h->reason_len = 0;

    r = line_scan(&x.w, 0, &end, &next, &x.flags);
    if (r == L_MORE) {
        return need_more(&x);
    }
    if (r == L_CTL) {
        return fail_rel(&x, end, QUIRE_E_HTTP, "control character");
    }
    r = start_line(&x, h, end);
    if (r != 0) {
        return r;
    }
    r = parse_fields(&x, next, &blank, &head_len);
    if (r != 0) {
        return r;
    }
    h->flags = x.flags;
    h->head_len = head_len;
    h->n_fields = x.n_fields;
    h->n_skipped = x.n_skipped;

    /* spec 2.4: transfer codings and Content-Length, never fatal */
    for (k = 0; k < h->n_fields; k++) {
        const uint8_t *v = x.w.p + h->f[k].val_off;
        if (quire__hfield_is(x.w.p, &h->f[k], "Transfer-Encoding")) {
            for_each_elem(v, h->f[k].val_len, te_elem, &te);
        } else if (quire__hfield_is(x.w.p, &h->f[k], "Content-Length")) {
            size_t before = cl.seen;
            for_each_elem(v, h->f[k].val_len, cl_elem, &cl);
            if (cl.seen == before) {
                cl.bad = 1; /* empty value */
            }
        }
    }
    h->chunked = te.last_chunked;
    h->te_other = te.other;
    h->has_length = cl.seen != 0 && !cl.bad;
    h->content_length = h->has_length ? cl.v : 0;
    if (cl.bad) {
        h->flags |= QUIRE__HF_BADLEN;
    }
    (void)quire__get_bytes(c, head_len, "HTTP head");
    return c->err;
}

int
quire__http_get(const quire__http_head *h, const uint8_t *head, const char *name,
                const uint8_t **val, size_t *len)
{
    return hfield_get(h->f, h->n_fields, head, name, val, len);
}

/* ====================================================================
 * Chunked transfer coding (spec 2.6, RFC 9112 7.1)
 * ==================================================================== */

int
quire__http_dechunk(quire__cur *c, quire__buf *out)
{
    win w;
    size_t start, i = 0, trailer;
    unsigned flags = 0;
    if (c->err != 0) {
        return c->err;
    }
    start = c->off;
    win_init(&w, c, quire__cur_left(c));
    for (;;) {
        size_t s = i, end = 0, next = 0, k;
        uint64_t size = 0;
        int b, r;
        long e;
        /* chunk-size [ OWS ] [ ";" chunk-ext ] line-end */
        while ((b = hex_value(at(&w, i))) >= 0) {
            if (size > (UINT64_MAX >> 4)) {
                return quire__cur_fail_at(c, start + s, QUIRE_E_LIMIT, "chunk size");
            }
            size = (size << 4) | (uint64_t)b;
            i++;
        }
        if (i == s) {
            if (at(&w, i) < 0) {
                return quire__cur_fail_at(c, start + i, QUIRE_E_TRUNCATED, "chunk size");
            }
            return quire__cur_fail_at(c, start + i, QUIRE_E_HTTP, "chunk size");
        }
        r = line_scan(&w, i, &end, &next, &flags);
        if (r == L_MORE) {
            if (w.n - s > QUIRE__HTTP_MAX_CHUNK_LINE) {
                return quire__cur_fail_at(c, start + s, QUIRE_E_LIMIT, "chunk size");
            }
            return quire__cur_fail_at(c, start + w.n, QUIRE_E_TRUNCATED, "chunk size");
        }
        if (r == L_CTL) {
            return quire__cur_fail_at(c, start + end, QUIRE_E_HTTP, "chunk size");
        }
        if (end - s > QUIRE__HTTP_MAX_CHUNK_LINE) {
            return quire__cur_fail_at(c, start + s, QUIRE_E_LIMIT, "chunk size");
        }
        for (k = i; k < end && is_ws(at(&w, k)); k++) {
        }
        if (k < end && at(&w, k) != ';') {
            return quire__cur_fail_at(c, start + k, QUIRE_E_HTTP, "chunk size");
        }
        i = next;
        if (size == 0) {
            break;
        }
        if (out->len > out->max || size > (uint64_t)(out->max - out->len)) {
            return quire__cur_fail_at(c, start + s, QUIRE_E_LIMIT, "chunk size");
        }
        if (size > (uint64_t)(w.n - i)) {
            return quire__cur_fail_at(c, start + w.n, QUIRE_E_TRUNCATED, "chunk data");
        }
        quire__put_bytes(out, w.p + i, (size_t)size);
        if (out->err != 0) {
            return quire__cur_fail_at(c, start + i, out->err, "chunk data");
        }
        i += (size_t)size;
        e = eol_at(&w, i, &flags);
        if (e < 0) {
            return quire__cur_fail_at(c, start + w.n, QUIRE_E_TRUNCATED, "chunk end");
        }
        if (e == 0) {
            return quire__cur_fail_at(c, start + i, QUIRE_E_HTTP, "chunk end");
        }
        i += (size_t)e;
    }
    /* trailer-section line-end; the input may also end right here */
    trailer = i;
    if (i < w.n) {
        for (;;) {
            size_t line = i, end = 0, next = 0;
            int r = line_scan(&w, i, &end, &next, &flags);
            if (r == L_MORE) {
                if (w.n - trailer > QUIRE__HTTP_MAX_TRAILER) {
                    return quire__cur_fail_at(c, start + trailer, QUIRE_E_LIMIT, "chunk trailer");
                }
                return quire__cur_fail_at(c, start + w.n, QUIRE_E_TRUNCATED, "chunk trailer");
            }
            if (r == L_CTL) {
                return quire__cur_fail_at(c, start + end, QUIRE_E_HTTP, "chunk trailer");
            }
            if (end - trailer > QUIRE__HTTP_MAX_TRAILER) {
                return quire__cur_fail_at(c, start + trailer, QUIRE_E_LIMIT, "chunk trailer");
            }
            i = next;
            if (end == line) {
                break; /* the blank line */
            }
        }
    }
    (void)quire__get_bytes(c, i, "chunked body");
    return c->err;
}

/* ====================================================================
 * Media types (spec 2.7, RFC 9110 8.3.1)
 * ==================================================================== */

static int
is_ows(uint8_t b)
{
    return b == ' ' || b == '\t' || b == '\r' || b == '\n';
}

static int
tchar_byte(uint8_t b)
{
    return is_tchar(b);
}

int
quire__media_type(const uint8_t *v, size_t n, size_t *type_len, const uint8_t **charset,
                  size_t *charset_len)
{
    size_t i = 0, k;
    *type_len = 0;
    *charset = NULL;
    *charset_len = 0;
    while (i < n && tchar_byte(v[i])) {
        i++;
    }
    if (i == 0 || i == n || v[i] != '/') {
        return QUIRE_E_HTTP;
    }
    k = ++i;
    while (i < n && tchar_byte(v[i])) {
        i++;
    }
    if (i == k) {
        return QUIRE_E_HTTP;
    }
    *type_len = i;
    /* *( OWS ";" OWS [ token "=" ( token / quoted-string ) ] ) */
    for (;;) {
        size_t ns, ne, vs, ve;
        while (i < n && is_ows(v[i])) {
            i++;
        }
        if (i == n || v[i] != ';') {
            return 0;
        }
        i++;
        while (i < n && is_ows(v[i])) {
            i++;
        }
        ns = i;
        while (i < n && tchar_byte(v[i])) {
            i++;
        }
        ne = i;
        if (ne == ns) {
            continue; /* empty parameter: "text/html;;charset=x" */
        }
        if (i == n || v[i] != '=') {
            return 0;
        }
        i++;
        if (i < n && v[i] == '"') {
            vs = ++i;
            while (i < n && v[i] != '"' && v[i] != '\\') {
                i++;
            }
            if (i == n || v[i] != '"') {
                return 0; /* unterminated, or a quoted-pair: not a charset name */
            }
            ve = i++;
        } else {
            vs = i;
            while (i < n && tchar_byte(v[i])) {
                i++;
            }
            ve = i;
        }
        if (*charset == NULL && ve > vs && eq_nocase(v + ns, ne - ns, "charset")) {
            *charset = v + vs;
            *charset_len = ve - vs;
        }
    }
}
