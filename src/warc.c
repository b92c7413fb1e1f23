#define _POSIX_C_SOURCE 200809L
/*
 * warc.c - WARC import and export (spec/WARC.md section 4).
 *
 * Import reads a WARC file (uncompressed, one gzip member per record, or
 * gzipped whole), record by record through a sliding window of
 * decompressed bytes, parses each header and HTTP message with format/warc.c
 * (pure, bounded) and turns every response, resource and revisit record
 * into an article: the record's header and block kept byte for byte as
 * parts, provenance as fields, metadata and main text from the HTML
 * (src/html.c). Request, metadata and warcinfo records are kept, whole, as
 * parts of the articles they concern. Nothing is dropped silently: every
 * record that is not imported or attached is reported with its offset.
 *
 * Export writes WARC/1.1, one gzip member per record, from those parts:
 * the records come back with their ids, dates, digests and blocks intact.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include <stdarg.h>
#include <time.h>

#include "html.h"
#include "internal.h"
#include "utf8.h"
#include "warc.h"
#include "wdigest.h"

#define WIN_STEP ((size_t)1 << 16)
#define MAX_BLOCK ((uint64_t)256 << 20)   /* a larger record is reported and skipped */
#define MAX_DECODED ((size_t)64 << 20)    /* decoded payload for the HTML */
#define MAX_PENDING 64                    /* request records waiting for their response */

/* ---- the input: a window of decompressed bytes ---- */

typedef struct wsrc {
    const uint8_t *in; /* the mapped file */
    size_t in_len, in_pos;
    int gz;
    z_stream z;
    int z_init;   /* z allocated (one inflate state serves every member) */
    int z_live;   /* inside a member */
    uint8_t *buf; /* gz: decompressed bytes */
    size_t cap;
    const uint8_t *p; /* window p[0..len), p[0] at decompressed offset pos0 */
    size_t len, off;  /* consumed up to p[off] */
    uint64_t pos0;
    int eof;
    uint64_t (*mem)[2]; /* gzip members: decompressed start, file offset */
    size_t n_mem, mem_cap;
    const quire__allocator *a;
    int gz_bad;         /* a corrupt member was met (reported by the caller) */
    uint64_t gz_bad_at; /* its file offset */
} wsrc;

static int
mem_add(wsrc *s, uint64_t dstart, uint64_t foff)
{
    if (s->n_mem == s->mem_cap) {
        size_t nc = s->mem_cap ? 2 * s->mem_cap : 256;
        uint64_t(*nm)[2] = (uint64_t(*)[2])quire__realloc(s->a, s->mem, s->mem_cap * sizeof *s->mem,
                                                          nc * sizeof *nm);
        if (nm == NULL) {
            return QUIRE_E_NOMEM;
        }
        s->mem = nm;
        s->mem_cap = nc;
    }
    s->mem[s->n_mem][0] = dstart;
    s->mem[s->n_mem][1] = foff;
    s->n_mem++;
    return 0;
}

/* The file offset to report for decompressed offset x: the start of the
 * gzip member that holds it, or x itself for an uncompressed file. */
static uint64_t
file_offset(const wsrc *s, uint64_t x)
{
    size_t lo = 0, hi = s->n_mem;
    if (!s->gz) {
        return x;
    }
    if (s->n_mem == 0) {
        return 0;
    }
    while (hi - lo > 1) {
        size_t mid = lo + (hi - lo) / 2;
        if (s->mem[mid][0] <= x) {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    return s->mem[lo][1];
}

/* Finds the next gzip member header at or after from. */
static size_t
next_member(const wsrc *s, size_t from)
{
    size_t i;
    for (i = from; i + 3 <= s->in_len; i++) {
        if (s->in[i] == 0x1f && s->in[i + 1] == 0x8b && s->in[i + 2] == 8) {
            return i;
        }
    }
    return s->in_len;
}

/* Makes at least want bytes available after s->off, or all there are.
 * Returns 0 or QUIRE_E_NOMEM. */
static int
fill(wsrc *s, size_t want)
{
    if (!s->gz || s->eof) {
        return 0;
    }
    while (s->len - s->off < want && !s->eof) {
        int zr;
        if (s->off > 0) { /* slide the window */
            memmove(s->buf, s->buf + s->off, s->len - s->off);
            s->pos0 += s->off;
            s->len -= s->off;
            s->off = 0;
        }
        if (s->cap - s->len < WIN_STEP || s->cap < want + WIN_STEP) {
            size_t nc = s->cap < want + 2 * WIN_STEP ? want + 2 * WIN_STEP : 2 * s->cap;
            uint8_t *nb = (uint8_t *)quire__realloc(s->a, s->buf, s->len, nc);
            if (nb == NULL) {
                return QUIRE_E_NOMEM;
            }
            s->buf = nb;
            s->cap = nc;
        }
        s->p = s->buf;
        if (s->in_pos >= s->in_len) {
            s->eof = 1;
            break;
        }
        if (!s->z_live) {
            if (!s->z_init) {
                quire__zhooks(&s->z, s->a);
                if (inflateInit2(&s->z, 15 + 16) != Z_OK) {
                    return QUIRE_E_NOMEM;
                }
                s->z_init = 1;
            } else if (inflateReset(&s->z) != Z_OK) {
                return QUIRE_E_NOMEM;
            }
            s->z_live = 1;
            if (mem_add(s, s->pos0 + s->len, s->in_pos) != 0) {
                return QUIRE_E_NOMEM;
            }
        }
        s->z.next_in = (Bytef *)(uintptr_t)(s->in + s->in_pos);
        s->z.avail_in = (uInt)(s->in_len - s->in_pos > (1u << 30) ? (1u << 30)
                                                                     : s->in_len - s->in_pos);
        s->z.next_out = s->buf + s->len;
        s->z.avail_out = (uInt)(s->cap - s->len > (1u << 30) ? (1u << 30) : s->cap - s->len);
        zr = inflate(&s->z, Z_NO_FLUSH);
        s->len = (size_t)(s->z.next_out - s->buf);
        s->in_pos = (size_t)(s->z.next_in - s->in);
        if (zr == Z_STREAM_END) {
            size_t nxt;
            s->z_live = 0;
            /* the next member, if any (bytes between members are skipped) */
            nxt = next_member(s, s->in_pos);
            s->in_pos = nxt;
        } else if (zr == Z_MEM_ERROR) {
            return QUIRE_E_NOMEM;
        } else if (zr != Z_OK && zr != Z_BUF_ERROR) {
            /* corrupt member: what it gave so far is kept (the record
             * parser judges it); go on at the next member header */
            s->z_live = 0;
            s->gz_bad = 1;
            s->gz_bad_at = s->mem[s->n_mem - 1][1];
            s->in_pos = next_member(s, s->mem[s->n_mem - 1][1] + 1);
        } else if (zr == Z_BUF_ERROR && s->z.avail_in == 0) {
            s->in_pos = s->in_len; /* the file ends inside a member */
            s->z_live = 0;
            s->gz_bad = 1;
            s->gz_bad_at = s->mem[s->n_mem - 1][1];
        }
    }
    return 0;
}

/* ---- maps from WARC record ids and digests to article numbers ---- */

typedef struct smap {
    struct sent {
        uint64_t h;
        size_t off, len;
        uint64_t v;
        int used;
    } *e;
    size_t n, cap;
    quire__buf keys;
} smap;

static struct sent *
smap_slot(smap *m, const uint8_t *k, size_t n, uint64_t h)
{
    size_t i = (size_t)h & (m->cap - 1);
    while (m->e[i].used &&
           !(m->e[i].h == h && m->e[i].len == n && memcmp(m->keys.p + m->e[i].off, k, n) == 0)) {
        i = (i + 1) & (m->cap - 1);
    }
    return &m->e[i];
}

static int
smap_get(smap *m, const uint8_t *k, size_t n, uint64_t *v)
{
    struct sent *e;
    if (m->cap == 0 || n == 0) {
        return 0;
    }
    e = smap_slot(m, k, n, quire__url_hash(k, n) /* FNV-1a */);
    if (!e->used) {
        return 0;
    }
    *v = e->v;
    return 1;
}

static int
smap_put(smap *m, const quire__allocator *a, const uint8_t *k, size_t n, uint64_t v)
{
    struct sent *e;
    uint64_t h = quire__url_hash(k, n) /* FNV-1a */;
    if (n == 0) {
        return 0;
    }
    if (2 * (m->n + 1) > m->cap) {
        size_t oc = m->cap, nc = oc ? 2 * oc : 256, i;
        struct sent *old = m->e;
        m->e = (struct sent *)quire__malloc(a, nc * sizeof *m->e);
        if (m->e == NULL) {
            m->e = old;
            return QUIRE_E_NOMEM;
        }
        memset(m->e, 0, nc * sizeof *m->e);
        m->cap = nc;
        for (i = 0; i < oc; i++) {
            if (old[i].used) {
                *smap_slot(m, m->keys.p + old[i].off, old[i].len, old[i].h) = old[i];
            }
        }
        quire__free(a, old);
    }
    e = smap_slot(m, k, n, h);
    if (e->used) {
        return 0; /* the first one stays */
    }
    e->h = h;
    e->off = m->keys.len;
    e->len = n;
    e->v = v;
    e->used = 1;
    quire__put_bytes(&m->keys, k, n);
    m->n++;
    return m->keys.err;
}

static void
smap_free(smap *m, const quire__allocator *a)
{
    quire__free(a, m->e);
    quire__buf_free(&m->keys);
}

/* ---- the import ---- */

/* a whole record kept until its article is known (request, metadata) */
typedef struct held {
    uint8_t *p;
    size_t len;
    char *id, *to, *uri; /* record id, concurrent-to / refers-to, target URI: NUL-terminated */
    uint64_t at, record;
} held;

typedef struct wimp {
    quire__allocator al;
    const quire__allocator *a;
    quire_writer *w;
    const char *path, *base;
    quire_warc_fn fn;
    void *ctx;
    quire_warc_summary *sum;
    quire_diag *d;
    wsrc s;
    uint64_t record; /* number of the record being read */

    quire_article *art; /* the pending article: its response, revisit or resource */
    int have_art;
    char art_id[512];
    char art_uri[4096];
    size_t n_meta, n_req;

    held req[MAX_PENDING]; /* requests met before their response */
    size_t n_held;

    quire__buf info; /* the latest warcinfo record, whole */
    char info_id[512];

    smap ids;     /* WARC-Record-ID -> article number */
    smap digests; /* payload digest -> article number (revisits) */
    smap uris;    /* target URI -> latest article number (revisits) */
    smap skipped_ids; /* responses that are not articles (their requests go too) */

    quire__buf tmp, dec, val;
    char msg[600];
    quire__warc_head wh; /* the record being read (8 KiB: not on the stack) */
    quire__http_head hh; /* its HTTP head */
} wimp;

static void
report(wimp *I, int kind, int code, uint64_t dpos, const char *what, const char *fmt, ...)
    __attribute__((format(printf, 6, 7)));

static void
report(wimp *I, int kind, int code, uint64_t dpos, const char *what, const char *fmt, ...)
{
    quire_warc_event ev;
    va_list ap;
    if (kind == QUIRE_WARC_SKIPPED) {
        I->sum->skipped++;
    } else if (kind == QUIRE_WARC_OMITTED) {
        I->sum->omitted++;
    }
    if (I->fn == NULL) {
        return;
    }
    va_start(ap, fmt);
    vsnprintf(I->msg, sizeof I->msg, fmt, ap);
    va_end(ap);
    memset(&ev, 0, sizeof ev);
    ev.kind = kind;
    ev.code = code;
    ev.offset = file_offset(&I->s, dpos);
    ev.record = I->record;
    ev.what = what;
    ev.message = I->msg;
    ev.article = -1;
    (void)I->fn(I->ctx, &ev);
}

/* A field value as a NUL-terminated, printable copy in I->val (truncated
 * to cap): for ids, URIs and messages. */
static char *
value_str(wimp *I, const quire__warc_head *h, const uint8_t *head, const char *name, char *out,
          size_t cap)
{
    size_t k = quire__hfield_find(h->f, h->n_fields, head, name, 0), n, i;
    out[0] = 0;
    if (k >= h->n_fields) {
        return out;
    }
    n = quire__hfield_unfold(head, &h->f[k], (uint8_t *)out, cap - 1);
    if (n > cap - 1) {
        n = cap - 1;
    }
    out[n] = 0;
    for (i = 0; i < n; i++) {
        if ((unsigned char)out[i] < 0x20 || out[i] == 0x7f) {
            out[i] = ' ';
        }
    }
    (void)I;
    return out;
}

/* WARC ids and URIs are often written <...>: the brackets are not part of it */
static const char *
unbracket(char *s)
{
    size_t n = strlen(s);
    if (n >= 2 && s[0] == '<' && s[n - 1] == '>') {
        s[n - 1] = 0;
        return s + 1;
    }
    return s;
}

static char *
dup_cstr(const quire__allocator *a, const char *s)
{
    size_t n = strlen(s);
    char *p = (char *)quire__malloc(a, n + 1);
    if (p != NULL) {
        memcpy(p, s, n + 1);
    }
    return p;
}

static void
held_free(wimp *I, held *h)
{
    quire__free(I->a, h->p);
    quire__free(I->a, h->id);
    quire__free(I->a, h->to);
    quire__free(I->a, h->uri);
    memset(h, 0, sizeof *h);
}

/* printable ASCII only, as a part media type must be [5.5] */
static size_t
media_clean(const uint8_t *v, size_t n, char *out, size_t cap)
{
    size_t i, k = 0;
    for (i = 0; i < n && k + 1 < cap && k < 255; i++) {
        if (v[i] >= 0x20 && v[i] <= 0x7e) {
            out[k++] = (char)v[i];
        } else if (v[i] == '\t') {
            out[k++] = ' ';
        }
    }
    out[k] = 0;
    return k;
}

/* Adds a part under name, or name-2, name-3 ... when taken. */
static int
add_part_unique(quire_article *a, const char *name, const char *media, const uint8_t *p, size_t n)
{
    char nm[64];
    quire_part pt;
    int k;
    snprintf(nm, sizeof nm, "%s", name);
    for (k = 2; quire_article_find_part(a, nm, strlen(nm), &pt) == 0 && k < 100000; k++) {
        snprintf(nm, sizeof nm, "%s-%d", name, k);
    }
    return quire_article_add_part(a, nm, strlen(nm), media, strlen(media), p, n);
}

/* Ends the pending article: hands it to the writer. */
static int
flush_article(wimp *I)
{
    uint64_t n = 0;
    quire_diag dd;
    quire_field f;
    int e;
    if (!I->have_art) {
        return 0;
    }
    I->have_art = 0;
    memset(&dd, 0, sizeof dd);
    e = quire_writer_add(I->w, I->art, &n, &dd);
    if (e == QUIRE_E_LIMIT) {
        report(I, QUIRE_WARC_SKIPPED, e, 0, "article", "record %s: over the writer's limits",
               I->art_id);
        return 0;
    }
    if (e != 0) {
        if (I->d != NULL) {
            *I->d = dd;
        }
        return e;
    }
    I->sum->articles++;
    if ((e = smap_put(&I->ids, I->a, (const uint8_t *)I->art_id, strlen(I->art_id), n)) != 0) {
        return e;
    }
    if (quire_article_find(I->art, QUIRE_F_ORIGINAL_DIGEST, &f) == 0 && f.type == QUIRE_T_TEXT &&
        (e = smap_put(&I->digests, I->a, f.value, f.value_len, n)) != 0) {
        return e;
    }
    if (I->fn != NULL) {
        quire_warc_event ev;
        memset(&ev, 0, sizeof ev);
        ev.kind = QUIRE_WARC_ARTICLE;
        ev.record = I->record;
        ev.what = "article";
        ev.message = I->art_uri;
        ev.article = (int64_t)n;
        (void)I->fn(I->ctx, &ev);
    }
    return 0;
}

/* Sets a TEXT field from a C string when it is valid for the key; else
 * keeps it as an extension of the same name (import never fails on it). */
static int
set_text(wimp *I, int key, const char *v)
{
    int e;
    if (v == NULL || *v == 0) {
        return 0;
    }
    e = quire_article_set(I->art, key, quire_field_type(key), v, strlen(v));
    if (e == QUIRE_E_NOMEM) {
        return e;
    }
    if (e != 0) {
        const char *nm = quire_field_name(key);
        e = quire_article_set_ext(I->art, nm, strlen(nm), QUIRE_T_TEXT, v, strlen(v));
        if (e == QUIRE_E_NOMEM) {
            return e;
        }
    }
    return 0;
}

static int
set_ext(wimp *I, const char *name, const char *v, size_t n)
{
    int e;
    size_t bad;
    if (v == NULL || n == 0 || !quire__utf8_check((const uint8_t *)v, n, &bad)) {
        return 0;
    }
    e = quire_article_set_ext(I->art, name, strlen(name), QUIRE_T_TEXT, v, n);
    return e == QUIRE_E_NOMEM ? e : 0;
}

/* "2024-01-02T03:04:05Z" and its 1.1 fractions fit the TIME grammar; a
 * WARC/0.17 date (14 digits) is converted. */
static int
set_capture_time(wimp *I, const char *v)
{
    char t[40];
    size_t n = strlen(v), i;
    int digits = n == 14;
    int64_t secs;
    for (i = 0; digits && i < n; i++) {
        digits = v[i] >= '0' && v[i] <= '9';
    }
    if (digits) {
        snprintf(t, sizeof t, "%.4s-%.2s-%.2sT%.2s:%.2s:%.2sZ", v, v + 4, v + 6, v + 8, v + 10,
                 v + 12);
        v = t;
        n = strlen(t);
    }
    if (quire_parse_time(v, n, &secs) == 0) {
        return set_text(I, QUIRE_F_CAPTURED, v);
    }
    return set_ext(I, "warc_date", v, n);
}

/* Inflates a gzip or zlib/raw deflate Content-Encoding into I->dec. */
static int
decode_body(wimp *I, const uint8_t *p, size_t n, int raw)
{
    z_stream z;
    int zr;
    uint8_t out[16384];
    quire__buf_reset(&I->dec);
    quire__zhooks(&z, I->a);
    if (inflateInit2(&z, raw ? -15 : 15 + 32) != Z_OK) {
        return QUIRE_E_NOMEM;
    }
    z.next_in = (Bytef *)(uintptr_t)p;
    z.avail_in = (uInt)(n > (1u << 30) ? (1u << 30) : n);
    do {
        z.next_out = out;
        z.avail_out = sizeof out;
        zr = inflate(&z, Z_NO_FLUSH);
        quire__put_bytes(&I->dec, out, sizeof out - z.avail_out);
    } while (zr == Z_OK && I->dec.err == 0 && (z.avail_out == 0 || z.avail_in > 0));
    inflateEnd(&z);
    if (I->dec.err == QUIRE_E_NOMEM || zr == Z_MEM_ERROR) {
        return QUIRE_E_NOMEM; /* zlib allocates its window in inflate() */
    }
    return zr == Z_STREAM_END || (zr == Z_OK && I->dec.len > 0) || zr == Z_BUF_ERROR ? 0 : -1;
}

static int
ieq(const uint8_t *p, size_t n, const char *s)
{
    size_t i, m = strlen(s);
    if (n != m) {
        return 0;
    }
    for (i = 0; i < n; i++) {
        uint8_t c = p[i], d = (uint8_t)s[i];
        if (c >= 'A' && c <= 'Z') {
            c = (uint8_t)(c + 32);
        }
        if (c != d) {
            return 0;
        }
    }
    return 1;
}

static int
is_article_type(const uint8_t *t, size_t n)
{
    return ieq(t, n, "text/html") || ieq(t, n, "application/xhtml+xml") ||
           ieq(t, n, "text/plain");
}

/* Metadata and main text from the payload, into the pending article. */
static int
from_html(wimp *I, const uint8_t *body, size_t n, const char *charset, const char *uri,
          int is_html)
{
    quire__html_meta m;
    size_t i;
    int e;
    if (!is_html) {
        /* text/plain: the text is the body, when it is UTF-8 */
        size_t bad;
        if (n > 0 && quire__utf8_check(body, n, &bad)) {
            e = quire_article_add_part(I->art, "body", 4, "text/plain; charset=utf-8", 25, body,
                                       n);
            return e == QUIRE_E_NOMEM ? e : 0;
        }
        return 0;
    }
    memset(&m, 0, sizeof m);
    e = quire__html_extract(body, n, charset, uri, I->a, &m);
    if (e == QUIRE_E_NOMEM) {
        return e;
    }
    if (e != 0) {
        return 0; /* over the HTML limit: the capture is kept, without metadata */
    }
    if ((e = set_text(I, QUIRE_F_TITLE, m.title)) != 0 ||
        (e = set_text(I, QUIRE_F_DESCRIPTION, m.description)) != 0 ||
        (e = set_text(I, QUIRE_F_SECTION, m.section)) != 0 ||
        (e = set_text(I, QUIRE_F_SOURCE, m.publisher)) != 0 ||
        (e = set_text(I, QUIRE_F_LANGUAGE, m.language)) != 0 ||
        (e = set_text(I, QUIRE_F_PUBLISHED, m.published)) != 0 ||
        (e = set_text(I, QUIRE_F_MODIFIED, m.modified)) != 0) {
        goto done;
    }
    if (m.canonical_url != NULL && (e = set_text(I, QUIRE_F_URL, m.canonical_url)) != 0) {
        goto done;
    }
    if (m.published_raw != NULL &&
        (e = set_ext(I, "published_raw", m.published_raw, strlen(m.published_raw))) != 0) {
        goto done;
    }
    if (m.modified_raw != NULL &&
        (e = set_ext(I, "modified_raw", m.modified_raw, strlen(m.modified_raw))) != 0) {
        goto done;
    }
    for (i = 0; i < m.n_authors; i++) {
        e = quire_article_add_item(I->art, QUIRE_F_AUTHORS, m.authors[i], strlen(m.authors[i]));
        if (e == QUIRE_E_NOMEM) {
            goto done;
        }
    }
    for (i = 0; i < m.n_keywords; i++) {
        e = quire_article_add_item(I->art, QUIRE_F_KEYWORDS, m.keywords[i],
                                   strlen(m.keywords[i]));
        if (e == QUIRE_E_NOMEM) {
            goto done;
        }
    }
    e = 0;
    if (m.charset != NULL && (e = set_ext(I, "charset", m.charset, strlen(m.charset))) != 0) {
        goto done;
    }
    if (m.text != NULL && *m.text != 0) {
        e = quire_article_add_part(I->art, "body", 4, "text/plain; charset=utf-8", 25,
                                   m.text, strlen(m.text));
        if (e != QUIRE_E_NOMEM) {
            e = 0;
        }
    }
done:
    quire__html_meta_free(&m, I->a);
    return e;
}

/* Checks the payload digest over the payload as stored, de-chunked, then
 * decoded; records the outcome in the field payload_digest_check. */
static int
check_digest(wimp *I, const uint8_t *label, size_t label_len, const uint8_t *raw, size_t raw_len,
             const uint8_t *dechunked, size_t dechunked_len, const uint8_t *decoded,
             size_t decoded_len, uint64_t dpos)
{
    char computed[QUIRE__DIGEST_LABEL_MAX], msg[QUIRE__DIGEST_LABEL_MAX + 64];
    int r;
    if (label == NULL) {
        I->sum->digest_absent++;
        return set_ext(I, "payload_digest_check", "absent", 6);
    }
    r = quire__payload_digest_check(label, label_len, raw, raw_len, computed, sizeof computed);
    if (r == 1) {
        I->sum->digest_ok++;
        return set_ext(I, "payload_digest_check", "ok", 2);
    }
    if (r == 0 && dechunked != NULL &&
        quire__payload_digest_check(label, label_len, dechunked, dechunked_len, NULL, 0) == 1) {
        I->sum->digest_ok++;
        return set_ext(I, "payload_digest_check", "ok (de-chunked)", 15);
    }
    if (r == 0 && decoded != NULL &&
        quire__payload_digest_check(label, label_len, decoded, decoded_len, NULL, 0) == 1) {
        I->sum->digest_ok++;
        return set_ext(I, "payload_digest_check", "ok (decoded)", 12);
    }
    if (r == 0) {
        I->sum->digest_mismatch++;
        snprintf(msg, sizeof msg, "mismatch: computed %s", computed);
        report(I, QUIRE_WARC_NOTE, QUIRE_E_DIGEST, dpos, "WARC-Payload-Digest",
               "record %s: payload digest mismatch: the record says %.*s, the payload gives %s "
               "(imported, the mismatch recorded)",
               I->art_id, (int)(label_len > 200 ? 200 : label_len), (const char *)label,
               computed);
        return set_ext(I, "payload_digest_check", msg, strlen(msg));
    }
    I->sum->digest_unchecked++;
    if (r == QUIRE_E_FEATURE) {
        return set_ext(I, "payload_digest_check", "unsupported algorithm", 21);
    }
    report(I, QUIRE_WARC_NOTE, QUIRE_E_WARC, dpos, "WARC-Payload-Digest",
           "record %s: malformed payload digest label (imported, not checked)", I->art_id);
    return set_ext(I, "payload_digest_check", "malformed label", 15);
}

static void
attach_held(wimp *I)
{
    size_t i, k = 0;
    for (i = 0; i < I->n_held; i++) {
        held *h = &I->req[i];
        int match = (h->to != NULL && strcmp(h->to, I->art_id) == 0) ||
                    (h->to == NULL && h->uri != NULL && strcmp(h->uri, I->art_uri) == 0);
        if (match && add_part_unique(I->art, "warc-request", "application/warc", h->p, h->len) ==
                         0) {
            I->sum->attached++;
            held_free(I, h);
            continue;
        }
        I->req[k++] = *h;
    }
    I->n_held = k;
}

/* response, resource, revisit: a new pending article */
static int
take_article(wimp *I, const quire__warc_head *h, const uint8_t *head, const uint8_t *block,
             uint64_t blen, const uint8_t *type, size_t type_len, uint64_t dpos)
{
    char uri[4096], date[128], ip[128], ctype[512], media[256], rid[512];
    const uint8_t *pd = NULL;
    size_t pd_len = 0, mt_len = 0, cs_len = 0;
    const uint8_t *cs = NULL;
    const uint8_t *payload = block;
    size_t payload_len = (size_t)blen;
    int is_response = ieq(type, type_len, "response"), is_revisit = ieq(type, type_len, "revisit");
    int http = 0, e;
    quire__http_head *hh = &I->hh;
    const uint8_t *dechunked = NULL, *decoded = NULL;
    size_t dechunked_len = 0, decoded_len = 0;
    char charset[64];
    int article_type;
    quire_field uf;

    value_str(I, h, head, "Content-Type", ctype, sizeof ctype);
    charset[0] = 0;
    /* the payload: after the HTTP head of a response or revisit that holds
     * an HTTP message (not, e.g., a dns: response) */
    if ((is_response || is_revisit) && blen > 0 &&
        ((strlen(ctype) >= 16 && ieq((const uint8_t *)ctype, 16, "application/http")) ||
         (ctype[0] == 0 && blen >= 5 && memcmp(block, "HTTP/", 5) == 0))) {
        quire__cur c;
        int he;
        quire__cur_init(&c, block, (size_t)blen, 0);
        he = quire__http_head_parse(&c, hh);
        if (he == QUIRE_E_TRUNCATED && blen <= QUIRE__HTTP_MAX_HEAD) {
            /* a head cut before its blank line by the record's end: a message
             * with no body (the block stays as it is) */
            quire__cur c2;
            quire__buf_reset(&I->val);
            quire__put_bytes(&I->val, block, (size_t)blen);
            quire__put_bytes(&I->val, "\r\n\r\n", 4);
            quire__cur_init(&c2, I->val.p, I->val.len, 0);
            if (I->val.err == 0 && quire__http_head_parse(&c2, hh) == 0) {
                he = 0;
                hh->head_len = (size_t)blen;
            }
        }
        if (he == 0) {
            const uint8_t *v;
            size_t vl;
            http = 1;
            payload = block + hh->head_len;
            payload_len = (size_t)blen - hh->head_len;
            if (quire__http_get(hh, block, "Content-Type", &v, &vl) == 0 &&
                quire__media_type(v, vl, &mt_len, &cs, &cs_len) == 0) {
                type = v;
                type_len = mt_len;
            } else {
                type_len = 0;
            }
        } else if (is_response) {
            report(I, QUIRE_WARC_SKIPPED, c.err, dpos, c.err_what != NULL ? c.err_what : "HTTP",
                   "response record %s: the HTTP response cannot be read (%s at block offset "
                   "%llu): not imported",
                   value_str(I, h, head, "WARC-Record-ID", rid, sizeof rid),
                   quire_error_name(c.err), (unsigned long long)c.err_off);
            return 0;
        }
    } else if (!is_revisit) {
        /* resource, non-HTTP response: the record's own Content-Type */
        if (quire__media_type((const uint8_t *)ctype, strlen(ctype), &mt_len, &cs, &cs_len) == 0) {
            type = (const uint8_t *)ctype;
            type_len = mt_len;
        } else {
            type_len = 0;
        }
    }
    article_type = is_revisit || (type_len > 0 && is_article_type(type, type_len));
    if (!article_type) {
        char sid[512];
        value_str(I, h, head, "WARC-Record-ID", sid, sizeof sid);
        if ((e = smap_put(&I->skipped_ids, I->a, (const uint8_t *)sid, strlen(sid), 1)) != 0) {
            return e;
        }
        report(I, QUIRE_WARC_OMITTED, 0, dpos, "WARC-Type",
               "%.*s record %s: payload %.*s is not HTML or text: not imported",
               (int)(is_response ? 8 : 8), is_response ? "response" : "resource",
               value_str(I, h, head, "WARC-Record-ID", rid, sizeof rid),
               (int)(type_len > 0 ? (type_len > 80 ? 80 : type_len) : 17),
               type_len > 0 ? (const char *)type : "(no Content-Type)");
        return 0;
    }
    if (cs != NULL && cs_len > 0 && cs_len < sizeof charset) {
        memcpy(charset, cs, cs_len);
        charset[cs_len] = 0;
    }
    if ((e = flush_article(I)) != 0) {
        return e;
    }
    quire_article_clear(I->art);
    I->have_art = 1;
    I->n_meta = 0;
    snprintf(I->art_id, sizeof I->art_id, "%s",
             value_str(I, h, head, "WARC-Record-ID", rid, sizeof rid));
    snprintf(I->art_uri, sizeof I->art_uri, "%s",
             unbracket(value_str(I, h, head, "WARC-Target-URI", uri, sizeof uri)));
    value_str(I, h, head, "WARC-Date", date, sizeof date);
    value_str(I, h, head, "WARC-IP-Address", ip, sizeof ip);
    if ((e = set_text(I, QUIRE_F_ID, I->art_id)) != 0 ||
        (e = set_text(I, QUIRE_F_CAPTURE_URL, I->art_uri)) != 0 ||
        (e = set_capture_time(I, date)) != 0 || (e = set_text(I, QUIRE_F_FILENAME, I->base)) != 0 ||
        (e = set_ext(I, "warc_type", (const char *)(is_response ? "response"
                                                    : is_revisit ? "revisit" : "resource"),
                     is_response ? 8 : is_revisit ? 7 : 8)) != 0 ||
        (e = set_ext(I, "warc_ip", ip, strlen(ip))) != 0) {
        return e;
    }
    if (http) {
        char st[16];
        snprintf(st, sizeof st, "%d", hh->status);
        if ((e = set_ext(I, "http_status", st, strlen(st))) != 0) {
            return e;
        }
    }
    if (quire__warc_get(h, head, "WARC-Payload-Digest", &pd, &pd_len) == 0) {
        char lab[256];
        value_str(I, h, head, "WARC-Payload-Digest", lab, sizeof lab);
        if ((e = set_text(I, QUIRE_F_ORIGINAL_DIGEST, lab)) != 0) {
            return e;
        }
    } else {
        pd = NULL;
    }
    /* the record, byte for byte: its header and its block */
    media_clean(head, 0, media, sizeof media);
    if ((e = quire_article_add_part(I->art, "warc-header", 11, "application/warc-fields", 23, head,
                                    h->head_len)) != 0 ||
        (e = quire_article_add_part(I->art, "warc-block", 10, media,
                                    media_clean((const uint8_t *)ctype, strlen(ctype), media,
                                                sizeof media),
                                    block, (size_t)blen)) != 0) {
        return e == QUIRE_E_NOMEM ? e : 0;
    }
    if (is_revisit) {
        char to[512], tu[4096], td[128];
        uint64_t n = 0;
        int found;
        value_str(I, h, head, "WARC-Refers-To", to, sizeof to);
        value_str(I, h, head, "WARC-Refers-To-Target-URI", tu, sizeof tu);
        value_str(I, h, head, "WARC-Refers-To-Date", td, sizeof td);
        found = smap_get(&I->ids, (const uint8_t *)to, strlen(to), &n) ||
                (pd != NULL && smap_get(&I->digests, pd, pd_len, &n)) ||
                smap_get(&I->uris, (const uint8_t *)unbracket(tu), strlen(unbracket(tu)), &n);
        if (found) {
            char num[32];
            snprintf(num, sizeof num, "%llu", (unsigned long long)n);
            e = set_ext(I, "revisit_of", num, strlen(num));
        } else {
            e = set_ext(I, "revisit_of", "not in this archive", 19);
            report(I, QUIRE_WARC_NOTE, 0, dpos, "WARC-Refers-To",
                   "revisit record %s: the record it revisits is not in this archive "
                   "(imported with its reference)",
                   I->art_id);
        }
        I->sum->revisits++;
        if (e != 0) {
            return e;
        }
    } else {
        /* payload: de-chunked and decoded as needed for the digest and the HTML */
        const uint8_t *v;
        size_t vl;
        const uint8_t *text = payload;
        size_t text_len = payload_len;
        if (http && hh->chunked) {
            quire__cur c;
            quire__buf_reset(&I->tmp);
            I->tmp.max = MAX_DECODED;
            quire__cur_init(&c, payload, payload_len, 0);
            if (quire__http_dechunk(&c, &I->tmp) == 0 || I->tmp.len > 0) {
                dechunked = I->tmp.p;
                dechunked_len = I->tmp.len;
                text = dechunked;
                text_len = dechunked_len;
            }
            if (I->tmp.err == QUIRE_E_NOMEM) {
                return QUIRE_E_NOMEM;
            }
        }
        if (http && quire__http_get(hh, block, "Content-Encoding", &v, &vl) == 0 &&
            (ieq(v, vl, "gzip") || ieq(v, vl, "x-gzip") || ieq(v, vl, "deflate"))) {
            I->dec.max = MAX_DECODED;
            e = decode_body(I, text, text_len, 0);
            if (e == QUIRE_E_NOMEM) {
                return e;
            }
            if (e != 0 && ieq(v, vl, "deflate")) {
                e = decode_body(I, text, text_len, 1);
            }
            if (e == 0) {
                decoded = I->dec.p;
                decoded_len = I->dec.len;
                text = decoded;
                text_len = decoded_len;
            }
        } else if (http && quire__http_get(hh, block, "Content-Encoding", &v, &vl) == 0 &&
                   !ieq(v, vl, "identity")) {
            text_len = 0; /* br, zstd...: kept as captured, no text */
            report(I, QUIRE_WARC_NOTE, 0, dpos, "Content-Encoding",
                   "record %s: content encoding %.*s not decoded: no text or metadata", I->art_id,
                   (int)(vl > 40 ? 40 : vl), (const char *)v);
        }
        if ((e = check_digest(I, pd, pd_len, payload, payload_len, dechunked, dechunked_len,
                              decoded, decoded_len, dpos)) != 0) {
            return e;
        }
        if (text_len > 0 && text_len <= QUIRE__HTML_MAX_INPUT &&
            (e = from_html(I, text, text_len, charset[0] ? charset : NULL, I->art_uri,
                           !ieq(type, type_len, "text/plain"))) != 0) {
            return e;
        }
    }
    if (quire_article_find(I->art, QUIRE_F_URL, &uf) != 0 && I->art_uri[0] != 0 &&
        (e = set_text(I, QUIRE_F_URL, I->art_uri)) != 0) {
        return e;
    }
    if ((e = smap_put(&I->uris, I->a, (const uint8_t *)I->art_uri, strlen(I->art_uri),
                      I->sum->articles)) != 0) {
        return e;
    }
    /* the warcinfo of its file, and requests that came before it */
    if (I->info.len > 0) {
        char wi[512];
        value_str(I, h, head, "WARC-Warcinfo-ID", wi, sizeof wi);
        if (wi[0] == 0 || strcmp(wi, I->info_id) == 0) {
            if ((e = quire_article_add_part(I->art, "warcinfo", 8, "application/warc", 16,
                                            I->info.p, I->info.len)) == QUIRE_E_NOMEM) {
                return e;
            }
        }
    }
    attach_held(I);
    return 0;
}

/* request, metadata: to the article they concern */
static int
take_provenance(wimp *I, const quire__warc_head *h, const uint8_t *rec, size_t rec_len,
                int is_request, uint64_t dpos)
{
    char to[512], uri[4096], rid[512];
    const uint8_t *head = rec;
    const char *u;
    uint64_t v;
    value_str(I, h, head, "WARC-Concurrent-To", to, sizeof to);
    if (to[0] == 0) {
        value_str(I, h, head, "WARC-Refers-To", to, sizeof to);
    }
    u = unbracket(value_str(I, h, head, "WARC-Target-URI", uri, sizeof uri));
    if (I->have_art && ((to[0] != 0 && strcmp(to, I->art_id) == 0) ||
                        (to[0] == 0 && u[0] != 0 && strcmp(u, I->art_uri) == 0))) {
        int e = add_part_unique(I->art, is_request ? "warc-request" : "warc-metadata",
                                "application/warc", rec, rec_len);
        if (e == QUIRE_E_NOMEM) {
            return e;
        }
        I->sum->attached++;
        return 0;
    }
    if (is_request && to[0] != 0 && smap_get(&I->skipped_ids, (const uint8_t *)to, strlen(to), &v)) {
        report(I, QUIRE_WARC_OMITTED, 0, dpos, "WARC-Concurrent-To",
               "request record %s: its response is not an article: not imported",
               value_str(I, h, head, "WARC-Record-ID", rid, sizeof rid));
        return 0;
    }
    if (is_request) {
        held *hd;
        if (I->n_held == MAX_PENDING) { /* the oldest waited long enough */
            uint64_t now = I->record;
            I->record = I->req[0].record;
            report(I, QUIRE_WARC_OMITTED, 0, I->req[0].at, "WARC-Concurrent-To",
                   "request record %s: no response record for it followed: not imported",
                   I->req[0].id != NULL ? I->req[0].id : "?");
            I->record = now;
            held_free(I, &I->req[0]);
            memmove(I->req, I->req + 1, (MAX_PENDING - 1) * sizeof *I->req);
            I->n_held--;
        }
        hd = &I->req[I->n_held];
        memset(hd, 0, sizeof *hd);
        hd->p = (uint8_t *)quire__malloc(I->a, rec_len > 0 ? rec_len : 1);
        hd->id = dup_cstr(I->a, value_str(I, h, head, "WARC-Record-ID", rid, sizeof rid));
        hd->to = to[0] != 0 ? dup_cstr(I->a, to) : NULL;
        hd->uri = dup_cstr(I->a, u);
        if (hd->p == NULL || hd->id == NULL || (to[0] != 0 && hd->to == NULL) || hd->uri == NULL) {
            held_free(I, hd);
            return QUIRE_E_NOMEM;
        }
        memcpy(hd->p, rec, rec_len);
        hd->len = rec_len;
        hd->at = dpos;
        hd->record = I->record;
        I->n_held++;
        return 0;
    }
    report(I, QUIRE_WARC_OMITTED, 0, dpos, "WARC-Concurrent-To",
           "metadata record %s concerns no imported article: not imported",
           value_str(I, h, head, "WARC-Record-ID", rid, sizeof rid));
    return 0;
}

static int
take_record(wimp *I, const quire__warc_head *h, const uint8_t *head, uint64_t dpos)
{
    const uint8_t *type = NULL, *block = head + h->head_len;
    size_t type_len = 0;
    char rid[512];
    I->sum->records++;
    if (quire__warc_get(h, head, "WARC-Type", &type, &type_len) != 0) {
        report(I, QUIRE_WARC_SKIPPED, QUIRE_E_WARC, dpos, "WARC-Type",
               "record %s has no WARC-Type: not imported",
               value_str(I, h, head, "WARC-Record-ID", rid, sizeof rid));
        return 0;
    }
    if (ieq(type, type_len, "response") || ieq(type, type_len, "resource") ||
        ieq(type, type_len, "revisit")) {
        return take_article(I, h, head, block, h->content_length, type, type_len, dpos);
    }
    if (ieq(type, type_len, "request") || ieq(type, type_len, "metadata")) {
        return take_provenance(I, h, head, h->head_len + (size_t)h->content_length,
                               ieq(type, type_len, "request"), dpos);
    }
    if (ieq(type, type_len, "warcinfo")) {
        quire__buf_reset(&I->info);
        quire__put_bytes(&I->info, head, h->head_len + (size_t)h->content_length);
        value_str(I, h, head, "WARC-Record-ID", I->info_id, sizeof I->info_id);
        return I->info.err == QUIRE_E_NOMEM ? QUIRE_E_NOMEM : 0;
    }
    report(I, QUIRE_WARC_OMITTED, 0, dpos, "WARC-Type",
           "%.*s record %s is not imported (only response, resource, revisit, request, "
           "metadata and warcinfo records are)",
           (int)(type_len > 40 ? 40 : type_len), (const char *)type,
           value_str(I, h, head, "WARC-Record-ID", rid, sizeof rid));
    return 0;
}

static int
map_input(wimp *I, int *fd_out, void **map, size_t *map_len)
{
    struct stat st;
    int fd = open(I->path, O_RDONLY | O_CLOEXEC);
    *map = NULL;
    *map_len = 0;
    if (fd < 0) {
        return QUIRE__FAIL(I->d, QUIRE_E_IO, 0, -1, "open WARC file");
    }
    if (fstat(fd, &st) != 0) {
        close(fd);
        return QUIRE__FAIL(I->d, QUIRE_E_IO, 0, -1, "stat WARC file");
    }
    if (st.st_size > 0) {
        *map = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
        if (*map == MAP_FAILED) {
            *map = NULL;
            close(fd);
            return QUIRE__FAIL(I->d, QUIRE_E_IO, 0, -1, "map WARC file");
        }
        *map_len = (size_t)st.st_size;
    }
    *fd_out = fd;
    return 0;
}

static int
run_import(wimp *I)
{
    wsrc *s = &I->s;
    int e, kind;
    size_t k;
    uint64_t last_bad = UINT64_MAX;
    kind = quire__warc_sniff(s->in, s->in_len);
    if (kind == QUIRE__SNIFF_GZIP) {
        s->gz = 1;
        if ((e = fill(s, 16)) != 0) {
            return QUIRE__FAIL(I->d, e, 0, -1, "WARC buffer");
        }
        kind = quire__warc_sniff(s->p + s->off, s->len - s->off);
        if (kind == QUIRE__SNIFF_GZIP || (kind == QUIRE__SNIFF_UNKNOWN && s->len == 0)) {
            kind = QUIRE__SNIFF_UNKNOWN;
        }
    } else {
        s->p = s->in;
        s->len = s->in_len;
        s->eof = 1;
    }
    if (kind == QUIRE__SNIFF_ARC) {
        return QUIRE__FAIL_DETAIL(I->d, QUIRE_E_FEATURE, 0, -1, "ARC file",
                                  "ARC files are not read: convert them to WARC first "
                                  "(e.g. warcio recompress or JWAT's arc2warc)");
    }
    if (kind == QUIRE__SNIFF_ZSTD) {
        return QUIRE__FAIL_DETAIL(I->d, QUIRE_E_FEATURE, 0, -1, "zstd-compressed WARC",
                                  "decompress it first (zstd -d)");
    }
    if (kind != QUIRE__SNIFF_WARC && s->in_len > 0 && !(s->gz && s->len == 0)) {
        report(I, QUIRE_WARC_NOTE, QUIRE_E_WARC, 0, "version line",
               "the file does not start with a WARC record: looking for one");
    }
    for (;;) {
        quire__cur c;
        quire__warc_head *hp = &I->wh;
        uint64_t dpos, total;
        size_t head_at;
        if ((e = fill(s, WIN_STEP)) != 0) {
            return QUIRE__FAIL(I->d, e, 0, -1, "WARC buffer");
        }
        if (s->gz_bad && s->gz_bad_at != last_bad) {
            last_bad = s->gz_bad_at;
            report(I, QUIRE_WARC_SKIPPED, QUIRE_E_INFLATE, 0, "gzip member",
                   "gzip member at offset %llu is corrupt or truncated: the records in it "
                   "after the damage are lost",
                   (unsigned long long)s->gz_bad_at);
            I->sum->skipped--; /* counted with the record it breaks, below */
            I->sum->gzip_errors++;
        }
        quire__cur_init(&c, s->p + s->off, s->len - s->off, 0);
        s->off += quire__warc_skip_blank(&c);
        if (s->off >= s->len) {
            if (s->eof) {
                break;
            }
            continue;
        }
        head_at = s->off;
        dpos = s->pos0 + s->off;
        quire__cur_init(&c, s->p + head_at, s->len - head_at, 0);
        e = quire__warc_head_parse(&c, hp);
        if (e == QUIRE_E_TRUNCATED && !s->eof) {
            if ((e = fill(s, s->len - s->off + WIN_STEP)) != 0) {
                return QUIRE__FAIL(I->d, e, 0, -1, "WARC buffer");
            }
            continue;
        }
        if (e != 0) {
            size_t o = s->off + 1;
            if (e == QUIRE_E_TRUNCATED) {
                report(I, QUIRE_WARC_SKIPPED, e, dpos, "record header",
                       "the file ends inside a record header");
                break;
            }
            I->sum->records++;
            report(I, QUIRE_WARC_SKIPPED, e, dpos, c.err_what != NULL ? c.err_what : "record",
                   "malformed record header (%s at byte %llu of the record): skipped to the "
                   "next record",
                   quire_error_name(e), (unsigned long long)c.err_off);
            /* resynchronize on the next "WARC/" line */
            for (;;) {
                if (quire__warc_resync(s->p, s->len, &o) == 0) {
                    s->off = o;
                    break;
                }
                if (s->eof) {
                    s->off = s->len;
                    break;
                }
                s->off = s->len > 8 ? s->len - 8 : s->off;
                o = s->off;
                if ((e = fill(s, WIN_STEP)) != 0) {
                    return QUIRE__FAIL(I->d, e, 0, -1, "WARC buffer");
                }
                o = s->off;
            }
            continue;
        }
        total = (uint64_t)hp->head_len + hp->content_length;
        if (hp->content_length > MAX_BLOCK) {
            uint64_t left = total;
            I->sum->records++;
            report(I, QUIRE_WARC_SKIPPED, QUIRE_E_LIMIT, dpos, "Content-Length",
                   "record of %llu bytes is over the import limit (%llu): skipped",
                   (unsigned long long)hp->content_length, (unsigned long long)MAX_BLOCK);
            while (left > 0) {
                size_t have = s->len - s->off, take = have < left ? have : (size_t)left;
                s->off += take;
                left -= take;
                if (left == 0 || s->eof) {
                    break;
                }
                if ((e = fill(s, WIN_STEP)) != 0) {
                    return QUIRE__FAIL(I->d, e, 0, -1, "WARC buffer");
                }
            }
            continue;
        }
        if ((e = fill(s, (size_t)total + 4)) != 0) {
            return QUIRE__FAIL(I->d, e, 0, -1, "WARC buffer");
        }
        if (s->len - s->off < total) {
            I->sum->records++;
            report(I, QUIRE_WARC_SKIPPED, QUIRE_E_TRUNCATED, dpos, "record block",
                   "the file ends inside this record (%llu of %llu block bytes): not imported",
                   (unsigned long long)(s->len - s->off - hp->head_len),
                   (unsigned long long)hp->content_length);
            break;
        }
        if ((e = take_record(I, hp, s->p + s->off, dpos)) != 0) {
            return e < 0 && (I->d == NULL || I->d->code == 0) ? QUIRE__FAIL(I->d, e, 0, -1, "import")
                                                               : e;
        }
        s->off += (size_t)total;
        quire__cur_init(&c, s->p + s->off, s->len - s->off, 0);
        e = quire__warc_record_end(&c);
        if (e == 0 || (e == QUIRE_E_TRUNCATED && s->eof)) {
            s->off += c.off;
        } else if (e != 0) {
            size_t o = s->off;
            int found = quire__warc_resync(s->p, s->len, &o) == 0;
            /* one line end, then the next record: Content-Length counted
             * the first CR LF (a common writer quirk), nothing lost */
            if (!(found && o - s->off <= 2)) {
                report(I, QUIRE_WARC_NOTE, e, dpos, "record end",
                       "the record is not followed by CR LF CR LF (Content-Length may be "
                       "wrong): looking for the next record");
            }
            if (found) {
                s->off = o;
            } else if (s->eof) {
                s->off = s->len;
            }
        }
        I->record++;
    }
    if ((e = flush_article(I)) != 0) {
        return e;
    }
    for (k = 0; k < I->n_held; k++) {
        I->record = I->req[k].record;
        report(I, QUIRE_WARC_OMITTED, 0, I->req[k].at, "WARC-Concurrent-To",
               "request record %s: no response record for it: not imported",
               I->req[k].id != NULL ? I->req[k].id : "?");
    }
    return 0;
}

/* The import over in[0..in_len) (path: for map_input when in is NULL, and
 * the filename field). */
static int
import_common(quire_writer *w, const char *path, const uint8_t *in, size_t in_len,
              quire_warc_fn fn, void *ctx, quire_warc_summary *sum, quire_diag *d)
{
    wimp *I;
    quire__allocator al;
    quire_warc_summary dummy;
    void *map = NULL;
    size_t map_len = 0, k;
    int fd = -1, e;
    const char *slash;
    if (w == NULL || path == NULL) {
        return QUIRE__FAIL(d, QUIRE_E_ARG, 0, -1, "WARC import");
    }
    if (sum == NULL) {
        sum = &dummy;
    }
    memset(sum, 0, sizeof *sum);
    al = *quire__writer_allocator(w); /* failures injectable as for the writer */
    I = (wimp *)quire__malloc(&al, sizeof *I);
    if (I == NULL) {
        return QUIRE__FAIL(d, QUIRE_E_NOMEM, 0, -1, "WARC import");
    }
    memset(I, 0, sizeof *I);
    I->al = al;
    I->a = &I->al;
    I->w = w;
    I->path = path;
    slash = strrchr(path, '/');
    I->base = slash != NULL ? slash + 1 : path;
    I->fn = fn;
    I->ctx = ctx;
    I->sum = sum;
    I->d = d;
    I->s.a = I->a;
    quire__buf_init(&I->info, I->a, MAX_BLOCK + QUIRE__WARC_MAX_HEAD);
    quire__buf_init(&I->tmp, I->a, MAX_DECODED);
    quire__buf_init(&I->dec, I->a, MAX_DECODED);
    quire__buf_init(&I->val, I->a, 1 << 20);
    quire__buf_init(&I->ids.keys, I->a, (size_t)1 << 32);
    quire__buf_init(&I->digests.keys, I->a, (size_t)1 << 32);
    quire__buf_init(&I->uris.keys, I->a, (size_t)1 << 32);
    quire__buf_init(&I->skipped_ids.keys, I->a, (size_t)1 << 32);
    {
        quire_alloc pa;
        pa.alloc = al.alloc;
        pa.free = al.free;
        pa.opaque = al.opaque;
        e = quire_article_new(&I->art, &pa);
    }
    if (e == 0) {
        if (in == NULL) {
            e = map_input(I, &fd, &map, &map_len);
            in = map != NULL ? (const uint8_t *)map : (const uint8_t *)"";
            in_len = map_len;
        }
        if (e == 0) {
            I->s.in = in;
            I->s.in_len = in_len;
            e = run_import(I);
        }
    } else {
        e = QUIRE__FAIL(d, e, 0, -1, "WARC import");
    }
    if (I->s.z_init) {
        inflateEnd(&I->s.z);
    }
    for (k = 0; k < I->n_held; k++) {
        held_free(I, &I->req[k]);
    }
    if (map != NULL) {
        munmap(map, map_len);
    }
    if (fd >= 0) {
        close(fd);
    }
    quire_article_free(I->art);
    quire__buf_free(&I->info);
    quire__buf_free(&I->tmp);
    quire__buf_free(&I->dec);
    quire__buf_free(&I->val);
    smap_free(&I->ids, I->a);
    smap_free(&I->digests, I->a);
    smap_free(&I->uris, I->a);
    smap_free(&I->skipped_ids, I->a);
    quire__free(I->a, I->s.buf);
    quire__free(I->a, I->s.mem);
    quire__free(&al, I);
    return e;
}

/* see quire.h */
int
quire_warc_import(quire_writer *w, const char *path, quire_warc_fn fn, void *ctx,
                  quire_warc_summary *sum, quire_diag *d)
{
    return import_common(w, path, NULL, 0, fn, ctx, sum, d);
}

int
quire__warc_import_memory(quire_writer *w, const char *name, const uint8_t *in, size_t len,
                          quire_warc_fn fn, void *ctx, quire_warc_summary *sum, quire_diag *d)
{
    return import_common(w, name, in != NULL ? in : (const uint8_t *)"", len, fn, ctx, sum, d);
}

/* ---- export ---- */

typedef struct wexp {
    quire_write_fn fn;
    void *ctx;
    quire__buf out, rec;
    const quire__allocator *a;
    smap done; /* warcinfo ids written */
    quire__warc_head wh;
    z_stream z; /* one deflate state for every member (reset between them) */
    int z_init;
} wexp;

/* Writes one record as a gzip member: the header with its version line
 * made WARC/1.1, the block, CR LF CR LF. */
static int
put_record(wexp *X, const uint8_t *head, size_t head_len, const uint8_t *block, size_t block_len)
{
    size_t i = 0;
    int zr;
    while (i < head_len && head[i] != '\n') {
        i++;
    }
    quire__buf_reset(&X->rec);
    quire__put_bytes(&X->rec, "WARC/1.1\r\n", 10);
    if (i < head_len) {
        quire__put_bytes(&X->rec, head + i + 1, head_len - i - 1);
    }
    quire__put_bytes(&X->rec, block, block_len);
    quire__put_bytes(&X->rec, "\r\n\r\n", 4);
    if (X->rec.err != 0) {
        return X->rec.err;
    }
    quire__buf_reset(&X->out);
    if (quire__buf_reserve(&X->out, compressBound((uLong)X->rec.len) + 64) != 0) {
        return QUIRE_E_NOMEM;
    }
    if (!X->z_init) {
        quire__zhooks(&X->z, X->a);
        if (deflateInit2(&X->z, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK) {
            return QUIRE_E_NOMEM;
        }
        X->z_init = 1;
    } else if (deflateReset(&X->z) != Z_OK) {
        return QUIRE_E_NOMEM;
    }
    X->z.next_in = X->rec.p;
    X->z.avail_in = (uInt)X->rec.len;
    X->z.next_out = X->out.p;
    X->z.avail_out = (uInt)(X->out.cap);
    zr = deflate(&X->z, Z_FINISH);
    X->out.len = X->out.cap - X->z.avail_out;
    if (zr != Z_STREAM_END) {
        return QUIRE_E_NOMEM;
    }
    return X->fn(X->ctx, X->out.p, X->out.len) == 0 ? 0 : QUIRE_E_IO;
}

/* A whole record kept as a part: split at its blank line. */
static int
put_whole(wexp *X, const uint8_t *p, size_t n)
{
    quire__cur c;
    quire__warc_head *h = &X->wh;
    quire__cur_init(&c, p, n, 0);
    if (quire__warc_head_parse(&c, h) != 0 || h->head_len + h->content_length > n) {
        return 1; /* not a record: skipped */
    }
    return put_record(X, p, h->head_len, p + h->head_len, (size_t)h->content_length);
}

static int
starts(const quire_part *p, const char *pre)
{
    size_t n = strlen(pre);
    return p->name_len >= n && memcmp(p->name, pre, n) == 0;
}

/* An article without a captured record: a resource record of its body (or
 * its JSON), with a record id derived from its digest. */
static int
put_resource(wexp *X, quire_article *a, uint64_t n, const uint8_t dg[32])
{
    char head[8192], date[40], uri[4096], pdl[QUIRE__DIGEST_LABEL_MAX];
    quire_field f;
    quire_part body;
    const uint8_t *data;
    size_t len;
    int64_t secs = 0;
    const char *media = "text/plain; charset=utf-8";
    uint8_t sha[QUIRE__SHA1_LEN];
    quire__sha1 s;
    char b32[64];
    int hl;
    if (quire_article_find_part(a, "body", 4, &body) == 0) {
        data = body.data;
        len = body.len;
        if (body.media_len > 0 && body.media_len < 200) {
            static char mt[256];
            memcpy(mt, body.media_type, body.media_len);
            mt[body.media_len] = 0;
            media = mt;
        }
    } else {
        const char *j;
        if (quire_article_to_json(a, &j, &len) != 0) {
            return QUIRE_E_NOMEM;
        }
        data = (const uint8_t *)j;
        media = "application/json";
    }
    if ((quire_article_find(a, QUIRE_F_CAPTURED, &f) == 0 ||
         quire_article_find(a, QUIRE_F_PUBLISHED, &f) == 0) &&
        f.type == QUIRE_T_TIME) {
        (void)quire_parse_time((const char *)f.value, f.value_len, &secs);
    }
    {
        time_t t = (time_t)secs;
        struct tm tm;
        if (gmtime_r(&t, &tm) == NULL || strftime(date, sizeof date, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0) {
            snprintf(date, sizeof date, "1970-01-01T00:00:00Z");
        }
    }
    if (quire_article_find(a, QUIRE_F_URL, &f) == 0 && f.type == QUIRE_T_TEXT &&
        f.value_len < sizeof uri && memchr(f.value, ' ', f.value_len) == NULL &&
        memchr(f.value, '\n', f.value_len) == NULL && memchr(f.value, '\r', f.value_len) == NULL) {
        memcpy(uri, f.value, f.value_len);
        uri[f.value_len] = 0;
    } else {
        snprintf(uri, sizeof uri, "urn:quire:article:%llu", (unsigned long long)n);
    }
    quire__sha1_init(&s);
    quire__sha1_update(&s, data, len);
    quire__sha1_final(&s, sha);
    quire__base32_encode(b32, sizeof b32, sha, sizeof sha);
    snprintf(pdl, sizeof pdl, "sha1:%s", b32);
    hl = snprintf(head, sizeof head,
                  "WARC/1.1\r\nWARC-Type: resource\r\n"
                  "WARC-Record-ID: <urn:uuid:%02x%02x%02x%02x-%02x%02x-8%x%02x-%02x%02x-"
                  "%02x%02x%02x%02x%02x%02x>\r\n"
                  "WARC-Date: %s\r\nWARC-Target-URI: %s\r\nContent-Type: %s\r\n"
                  "WARC-Payload-Digest: %s\r\nWARC-Block-Digest: %s\r\nContent-Length: %zu\r\n\r\n",
                  dg[0], dg[1], dg[2], dg[3], dg[4], dg[5], dg[6] & 15, dg[7], (dg[8] & 0x3f) | 0x80,
                  dg[9], dg[10], dg[11], dg[12], dg[13], dg[14], dg[15], date, uri, media, pdl, pdl,
                  len);
    if (hl < 0 || (size_t)hl >= sizeof head) {
        return QUIRE_E_LIMIT;
    }
    return put_record(X, (const uint8_t *)head, (size_t)hl, data, len);
}

/* see quire.h */
int
quire_warc_export(quire_reader *r, quire_write_fn fn, void *ctx, quire_warc_summary *sum,
                  quire_diag *d)
{
    wexp *X;
    quire__allocator al;
    quire_article *a = NULL;
    quire_warc_summary dummy;
    uint64_t n, count = 0;
    int e = 0;
    if (r == NULL || fn == NULL) {
        return QUIRE__FAIL(d, QUIRE_E_ARG, 0, -1, "WARC export");
    }
    if (sum == NULL) {
        sum = &dummy;
    }
    memset(sum, 0, sizeof *sum);
    if (quire_reader_stat(r, QUIRE_STAT_ARTICLES, &count) != 0) {
        return QUIRE__FAIL(d, QUIRE_E_BADSTATE, 0, -1, "reader");
    }
    al = *quire__reader_allocator(r);
    if ((X = (wexp *)quire__malloc(&al, sizeof *X)) == NULL) {
        return QUIRE__FAIL(d, QUIRE_E_NOMEM, 0, -1, "WARC export");
    }
    memset(X, 0, sizeof *X);
    X->fn = fn;
    X->ctx = ctx;
    X->a = &al;
    quire__buf_init(&X->out, &al, (size_t)1 << 31);
    quire__buf_init(&X->rec, &al, (size_t)1 << 31);
    quire__buf_init(&X->done.keys, &al, (size_t)1 << 31);
    {
        quire_alloc pa;
        pa.alloc = al.alloc;
        pa.free = al.free;
        pa.opaque = al.opaque;
        if (quire_article_new(&a, &pa) != 0) {
            a = NULL;
        }
    }
    if (a == NULL) {
        e = QUIRE__FAIL(d, QUIRE_E_NOMEM, 0, -1, "article");
    }
    for (n = 0; e == 0 && n < count; n++) {
        quire_part hdr, blk, p;
        size_t i, np;
        uint8_t dg[32];
        if ((e = quire_reader_get(r, n, a, d)) != 0) {
            break;
        }
        np = quire_article_part_count(a);
        if (quire_article_find_part(a, "warc-header", 11, &hdr) != 0 ||
            quire_article_find_part(a, "warc-block", 10, &blk) != 0) {
            if ((e = quire_reader_get_digest(r, n, dg)) != 0 ||
                (e = put_resource(X, a, n, dg)) != 0) {
                e = QUIRE__FAIL(d, e, 0, (int64_t)n, "write WARC record");
                break;
            }
            sum->records++;
            sum->articles++;
            continue;
        }
        /* warcinfo once, requests, the record, metadata */
        for (i = 0; e == 0 && i < np; i++) {
            quire__cur c;
            const uint8_t *id;
            size_t idl;
            uint64_t v;
            if (quire_article_part(a, i, &p) != 0 || !starts(&p, "warcinfo")) {
                continue;
            }
            quire__cur_init(&c, p.data, p.len, 0);
            if (quire__warc_head_parse(&c, &X->wh) != 0 ||
                quire__warc_get(&X->wh, p.data, "WARC-Record-ID", &id, &idl) != 0) {
                continue;
            }
            if (smap_get(&X->done, id, idl, &v)) {
                continue;
            }
            if ((e = smap_put(&X->done, &al, id, idl, 1)) == 0 && (e = put_whole(X, p.data, p.len)) == 0) {
                sum->records++;
            }
            e = e == 1 ? 0 : e;
        }
        for (i = 0; e == 0 && i < np; i++) {
            if (quire_article_part(a, i, &p) == 0 && starts(&p, "warc-request")) {
                e = put_whole(X, p.data, p.len);
                sum->records += e == 0;
                e = e == 1 ? 0 : e;
            }
        }
        if (e == 0 && (e = put_record(X, hdr.data, hdr.len, blk.data, blk.len)) == 0) {
            sum->records++;
            sum->articles++;
        }
        for (i = 0; e == 0 && i < np; i++) {
            if (quire_article_part(a, i, &p) == 0 && starts(&p, "warc-metadata")) {
                e = put_whole(X, p.data, p.len);
                sum->records += e == 0;
                e = e == 1 ? 0 : e;
            }
        }
        if (e != 0) {
            e = QUIRE__FAIL(d, e, 0, (int64_t)n, "write WARC record");
        }
    }
    quire_article_free(a);
    if (X->z_init) {
        deflateEnd(&X->z);
    }
    quire__buf_free(&X->out);
    quire__buf_free(&X->rec);
    smap_free(&X->done, &al);
    quire__free(&al, X);
    return e;
}
