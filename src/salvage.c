/* salvage.c - recovers the intact articles of a damaged archive into a new
 * archive and names every article it could not recover (spec/FORMAT.md,
 * "Salvage (informative)"; API in quire.h, "Salvage").
 *
 * Three passes over the input, memory bounded by the frame list, the
 * indexes and one block:
 *   1. format/scan.c finds every intact frame and every damaged range;
 *   2. dictionaries, indexes, seals and trailers are decoded; blocks are
 *      numbered (index block table, else block header) and sorted;
 *   3. blocks are inflated in article order, each record checked (decode,
 *      publisher signature, index digest) and added to the output; then
 *      the numbers never recovered are named, each with the most specific
 *      reason known. */
#define _POSIX_C_SOURCE 200809L
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "../format/scan.h"
#include "../format/utf8.h"

struct quire_salvager {
    quire__allocator a;
    quire_alloc pub_alloc;
    int have_alloc;
    quire__limits lim;
};

/* see quire.h */
int
quire_salvager_new(quire_salvager **out, const quire_alloc *alloc)
{
    quire__allocator al;
    quire_salvager *s;
    if (out == NULL) {
        return QUIRE_E_ARG;
    }
    *out = NULL;
    quire__allocator_from(&al, alloc);
    s = (quire_salvager *)quire__malloc(&al, sizeof *s);
    if (s == NULL) {
        return QUIRE_E_NOMEM;
    }
    memset(s, 0, sizeof *s);
    s->a = al;
    if (alloc != NULL) {
        s->pub_alloc = *alloc;
        s->have_alloc = 1;
    }
    quire__limits_default(&s->lim);
    *out = s;
    return QUIRE_OK;
}

/* see quire.h */
void
quire_salvager_free(quire_salvager *s)
{
    if (s != NULL) {
        quire__free(&s->a, s);
    }
}

/* see quire.h */
int
quire_salvager_set_limit(quire_salvager *s, int which, uint64_t value)
{
    if (s == NULL) {
        return QUIRE_E_ARG;
    }
    return quire__limits_set(&s->lim, which, value);
}

/* ====================================================================== */
/* growable arrays */

typedef struct vec {
    void *p;
    size_t n, cap, elem;
} vec;

static void
vec_init(vec *v, size_t elem)
{
    v->p = NULL;
    v->n = v->cap = 0;
    v->elem = elem;
}

/* Appends a zeroed element; NULL when out of memory. */
static void *
vec_push(const quire__allocator *a, vec *v)
{
    uint8_t *slot;
    if (v->n == v->cap) {
        size_t cap = v->cap != 0 ? v->cap * 2 : 16, bytes, old;
        void *np;
        if (cap < v->cap || !quire__mul_ok(cap, v->elem, &bytes)) {
            return NULL;
        }
        old = v->n * v->elem;
        np = quire__realloc(a, v->p, old, bytes);
        if (np == NULL) {
            return NULL;
        }
        v->p = np;
        v->cap = cap;
    }
    slot = (uint8_t *)v->p + v->n * v->elem;
    memset(slot, 0, v->elem);
    v->n++;
    return slot;
}

static void
vec_free(const quire__allocator *a, vec *v)
{
    quire__free(a, v->p);
    v->p = NULL;
    v->n = v->cap = 0;
}

#define AT(v, T, i) (((T *)(v).p)[i])

/* ====================================================================== */
/* what was found */

typedef struct sframe {
    uint64_t off;
    uint32_t type;
    uint32_t len;
    const uint8_t *payload;
} sframe;

typedef struct sdamage {
    uint64_t off, len;
    int code;
    const char *what;
    uint32_t head_type; /* plausible frame header at off, else 0 */
    int has_blok;       /* a plausible BLOK header on the declared chain */
    int explained;      /* the chain of plausible headers covers the range */
} sdamage;

/* A BLOK header inside a damaged range: unverified article numbers. */
typedef struct shint {
    uint64_t off, first, n;
    size_t dmg;
} shint;

typedef struct sindex {
    uint64_t off;
    uint8_t *raw;
    quire__index ix;
    uint8_t root[32];
} sindex;

typedef struct sseal {
    uint64_t off, checkpoint, tree_size;
    uint8_t root[32];
} sseal;

typedef struct sblock {
    uint64_t off;
    const uint8_t *payload;
    uint32_t len;
    uint64_t first, n;
    int head_ok;
    int head_code;
    const char *head_what;
} sblock;

/* Articles of an intact block that could not be recovered. */
typedef struct sfail {
    uint64_t first, count, off;
    int code;
    const char *what; /* static: the check that failed */
    const char *why;  /* static: a short explanation, or NULL (strerror) */
    size_t url_off, url_len;
    int has_url;
} sfail;

typedef struct srun {
    uint64_t first, count, out_first, off;
} srun;

typedef struct sdict {
    const uint8_t *p;
    size_t len;
} sdict;

/* a reason why an article is lost */
typedef struct reason {
    int code;
    const char *what;
    uint64_t off;
    uint64_t end; /* the reason holds for articles up to end (exclusive) */
    int numbers_verified;
    const char *url;
    size_t url_len;
    char text[256];
} reason;

#define URL_FAILS_MAX 65536 /* failures that keep the URL of their copy */

typedef struct salv {
    quire_salvager *s;
    const quire__allocator *a;
    const uint8_t *buf;
    size_t len;
    quire_writer *out;
    quire_salvage_fn fn;
    void *ctx;
    int stop;
    quire_salvage_report *rep;
    quire_diag *d;
    int oom;

    vec frames, damages, hints, indexes, seals, blocks, fails, runs, dicts;
    quire__buf urls;
    size_t url_fails;
    sindex *ix; /* the index, or NULL */
    uint64_t declared;
    int have_declared;
    uint64_t last_declaring_end; /* end offset of the last frame stating a count */

    quire_article *art;
    uint8_t *blk;
    size_t blk_cap;
    /* deduplicated parts [5.6]: the block referenced records come from */
    uint8_t *ref;
    size_t ref_cap, ref_len;
    uint64_t ref_off;
    int ref_ok;
    quire__buf exp;
    uint64_t next_min; /* every article below this was emitted or passed */
    char msg[512];
} salv;

/* ---- items ---- */

static void emit(salv *S, quire_salvage_item *it, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void
emit(salv *S, quire_salvage_item *it, const char *fmt, ...)
{
    va_list ap;
    if (S->stop || S->fn == NULL) {
        return;
    }
    va_start(ap, fmt);
    vsnprintf(S->msg, sizeof S->msg, fmt, ap);
    va_end(ap);
    it->message = S->msg;
    if (it->what == NULL) {
        it->what = "";
    }
    if (S->fn(S->ctx, it) != 0) {
        S->stop = 1;
    }
}

static void note(salv *S, int code, uint64_t off, const char *what, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));

static void
note(salv *S, int code, uint64_t off, const char *what, const char *fmt, ...)
{
    quire_salvage_item it;
    va_list ap;
    char text[400];
    memset(&it, 0, sizeof it);
    it.kind = QUIRE_SALVAGE_NOTE;
    it.code = code;
    it.offset = off;
    it.what = what;
    va_start(ap, fmt);
    vsnprintf(text, sizeof text, fmt, ap);
    va_end(ap);
    emit(S, &it, "%s", text);
}

static void
type_name(uint32_t t, char out[5])
{
    quire__frame_type_name(t, out);
}

/* Why the frame at a damaged range's start could not be read. */
static const char *
damage_why(const sdamage *dm, int header)
{
    if (header) {
        return "file header damaged";
    }
    switch (dm->code) {
    case QUIRE_E_CRC: return "CRC-32 mismatch";
    case QUIRE_E_TRUNCATED:
        return dm->head_type != 0 ? "the file ends inside it (truncated)"
                                  : "the file ends inside a frame header (truncated)";
    case QUIRE_E_FRAME: return "not a frame (bad type letters)";
    case QUIRE_E_RESERVED: return "not a frame (flags are not zero)";
    case QUIRE_E_LIMIT: return "not a frame (length over the limit)";
    default: return quire_strerror(dm->code);
    }
}

/* ====================================================================== */
/* pass 1: scan */

static int
on_scan(void *ctx, const quire__scan_event *ev)
{
    salv *S = (salv *)ctx;
    if (ev->kind == QUIRE__SCAN_FRAME) {
        sframe *f = (sframe *)vec_push(S->a, &S->frames);
        if (f == NULL) {
            S->oom = 1;
            return 1;
        }
        f->off = ev->frame.offset;
        f->type = ev->frame.type;
        f->len = ev->frame.len;
        f->payload = ev->frame.payload;
    } else {
        sdamage *dm = (sdamage *)vec_push(S->a, &S->damages);
        if (dm == NULL) {
            S->oom = 1;
            return 1;
        }
        dm->off = ev->offset;
        dm->len = ev->length;
        dm->code = ev->code;
        dm->what = ev->what;
        dm->head_type = ev->head_type;
    }
    return 0;
}

/* Walks the declared chain of plausible frame headers from a damaged
 * range's start: BLOK headers give (unverified) article numbers. */
static int
chain(salv *S, size_t k)
{
    sdamage *dm = &AT(S->damages, sdamage, k);
    uint64_t c = dm->off, end = dm->off + dm->len;
    const quire__limits *l = &S->s->lim;
    while (c < end) {
        uint32_t t, n;
        if (!quire__scan_plausible(S->buf, S->len, (size_t)c, l, &t, &n)) {
            return 0; /* unexplained bytes: not every damaged range is a frame */
        }
        if (t == QUIRE__FT_BLOK) {
            dm->has_blok = 1;
            /* the block header follows the frame header: first_article at
             * +12, n_records at +4 of the payload */
            if (S->len - (size_t)c >= QUIRE__FRAME_HEAD + QUIRE__BLOCK_HEAD) {
                const uint8_t *p = S->buf + c + QUIRE__FRAME_HEAD;
                uint64_t first = quire__ld64(p + 12), nrec = quire__ld32(p + 4);
                if (nrec >= 1 && first <= l->articles && nrec <= l->articles) {
                    shint *h = (shint *)vec_push(S->a, &S->hints);
                    if (h == NULL) {
                        S->oom = 1;
                        return -1;
                    }
                    h->off = c;
                    h->first = first;
                    h->n = nrec;
                    h->dmg = k;
                }
            }
        }
        c += QUIRE__FRAME_OVERHEAD + (uint64_t)n;
    }
    dm->explained = 1;
    return 0;
}

/* ====================================================================== */
/* pass 2: dictionaries, indexes, seals, trailers, block numbering */

static void
declare(salv *S, uint64_t n, uint64_t frame_end)
{
    if (n > S->s->lim.articles) {
        return;
    }
    if (!S->have_declared || n > S->declared) {
        S->declared = n;
    }
    S->have_declared = 1;
    if (frame_end > S->last_declaring_end) {
        S->last_declaring_end = frame_end;
    }
}

/* Decodes an intact INDX frame; a failure is a note, not an error. */
static int
load_index(salv *S, const sframe *f)
{
    quire__cur c;
    quire__env_head eh;
    quire__index ix;
    const char *zmsg = NULL, *what = NULL;
    uint8_t *raw;
    sindex *si;
    quire__merkle m;
    uint64_t i;
    int e;
    quire__cur_init(&c, f->payload, f->len, f->off + QUIRE__FRAME_HEAD);
    if (quire__env_head_decode(&c, &S->s->lim, &eh) != 0) {
        note(S, c.err, f->off, c.err_what, "index frame at offset %llu unusable: %s",
             (unsigned long long)f->off, quire_strerror(c.err));
        return 0;
    }
    raw = (uint8_t *)quire__malloc(S->a, eh.raw_size > 0 ? (size_t)eh.raw_size : 1);
    if (raw == NULL) {
        return QUIRE_E_NOMEM;
    }
    if ((e = quire__env_inflate(S->a, &eh, &S->s->lim, raw, &what, &zmsg)) != 0) {
        quire__free(S->a, raw);
        if (e == QUIRE_E_NOMEM) {
            return e;
        }
        note(S, e, f->off, what, "index frame at offset %llu unusable: %s%s%s%s",
             (unsigned long long)f->off, quire_strerror(e), zmsg != NULL ? " (" : "",
             zmsg != NULL ? zmsg : "", zmsg != NULL ? ")" : "");
        return 0;
    }
    /* offsets in a damaged file may have moved: they are not bounded by the
     * frame's own offset here, and are only hints for naming */
    quire__cur_init(&c, raw, (size_t)eh.raw_size, 0);
    if (quire__index_decode(&c, &S->s->lim, UINT64_MAX, &ix) != 0) {
        quire__free(S->a, raw);
        note(S, c.err, f->off, c.err_what,
             "index frame at offset %llu unusable: %s: %s (inside the inflated index)",
             (unsigned long long)f->off, c.err_what != NULL ? c.err_what : "index",
             quire_strerror(c.err));
        return 0;
    }
    si = (sindex *)vec_push(S->a, &S->indexes);
    if (si == NULL) {
        quire__free(S->a, raw);
        return QUIRE_E_NOMEM;
    }
    si->off = f->off;
    si->raw = raw;
    si->ix = ix;
    quire__merkle_init(&m);
    for (i = 0; i < ix.n_articles; i++) {
        if ((e = quire__merkle_add(&m, ix.articles + i * QUIRE__ARTICLE_ENTRY)) != 0) {
            return e;
        }
    }
    if ((e = quire__merkle_root(&m, si->root)) != 0) {
        return e;
    }
    declare(S, ix.n_articles, f->off + QUIRE__FRAME_OVERHEAD + f->len);
    return 0;
}

static int
load_seal(salv *S, const sframe *f)
{
    quire__cur c;
    quire__statement st;
    const uint8_t *stmt;
    size_t stmt_len, n_sigs;
    sseal *ss;
    quire__cur_init(&c, f->payload, f->len, f->off + QUIRE__FRAME_HEAD);
    if (quire__seal_decode_head(&c, &stmt, &stmt_len, &st, &n_sigs) != 0) {
        note(S, c.err, f->off, c.err_what, "seal frame at offset %llu unusable: %s: %s",
             (unsigned long long)f->off, c.err_what != NULL ? c.err_what : "seal",
             quire_strerror(c.err));
        return 0;
    }
    ss = (sseal *)vec_push(S->a, &S->seals);
    if (ss == NULL) {
        return QUIRE_E_NOMEM;
    }
    ss->off = f->off;
    ss->checkpoint = st.checkpoint;
    ss->tree_size = st.tree_size;
    memcpy(ss->root, st.root, 32);
    declare(S, st.tree_size, f->off + QUIRE__FRAME_OVERHEAD + f->len);
    return 0;
}

/* A trailer's article count. Its pointers are not followed (the file may
 * have moved under them), so only its length and end mark are checked. */
static void
load_trailer(salv *S, const sframe *f)
{
    quire__cur c;
    uint64_t n;
    const uint8_t *mark;
    if (f->len != QUIRE__TRAILER_PAYLOAD) {
        note(S, QUIRE_E_TRAILER, f->off, "trailer length",
             "trailer frame at offset %llu unusable: %s", (unsigned long long)f->off,
             quire_strerror(QUIRE_E_TRAILER));
        return;
    }
    quire__cur_init(&c, f->payload, f->len, f->off + QUIRE__FRAME_HEAD);
    (void)quire__get_bytes(&c, 24, "trailer offsets");
    n = quire__get_u64(&c, "trailer article count");
    (void)quire__get_bytes(&c, 16, "trailer checkpoint and offset");
    mark = quire__get_bytes(&c, 8, "trailer end mark");
    if (c.err != 0 || mark == NULL || memcmp(mark, "QUIREEND", 8) != 0) {
        note(S, QUIRE_E_TRAILER, f->off, "trailer end mark",
             "trailer frame at offset %llu unusable: %s", (unsigned long long)f->off,
             quire_strerror(QUIRE_E_TRAILER));
        return;
    }
    declare(S, n, f->off + QUIRE__FRAME_OVERHEAD + f->len);
}

/* The index's block entry at frame offset off, or -1. */
static int64_t
index_block_at(const quire__index *ix, uint64_t off)
{
    uint64_t lo = 0, hi = ix->n_blocks;
    while (lo < hi) {
        uint64_t mid = lo + (hi - lo) / 2;
        uint64_t o = quire__ld64(ix->blocks + mid * QUIRE__BLOCK_ENTRY);
        if (o == off) {
            return (int64_t)mid;
        }
        if (o < off) {
            lo = mid + 1;
        } else {
            hi = mid;
        }
    }
    return -1;
}

/* The index's block entry holding article m (m < n_articles). */
static uint64_t
index_block_of(const quire__index *ix, uint64_t m)
{
    uint64_t lo = 0, hi = ix->n_blocks;
    while (hi - lo > 1) {
        uint64_t mid = lo + (hi - lo) / 2;
        if (quire__ld64(ix->blocks + mid * QUIRE__BLOCK_ENTRY + 16) <= m) {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    return lo;
}

static int
add_block(salv *S, const sframe *f)
{
    sblock *b = (sblock *)vec_push(S->a, &S->blocks);
    quire__cur c;
    quire__block_head h;
    if (b == NULL) {
        return QUIRE_E_NOMEM;
    }
    b->off = f->off;
    b->payload = f->payload;
    b->len = f->len;
    quire__cur_init(&c, f->payload, f->len, f->off + QUIRE__FRAME_HEAD);
    if (quire__block_head_decode(&c, &S->s->lim, &h) != 0) {
        b->head_ok = 0;
        b->head_code = c.err;
        b->head_what = c.err_what;
        /* the frame is intact, so its numbers are what the writer wrote */
        if (f->len >= QUIRE__BLOCK_HEAD) {
            b->first = quire__ld64(f->payload + 12);
            b->n = quire__ld32(f->payload + 4);
        }
        if (b->n == 0 || b->first > S->s->lim.articles) {
            b->first = UINT64_MAX;
            b->n = 0;
        }
        return 0;
    }
    b->head_ok = 1;
    b->first = h.first_article;
    b->n = h.n_records;
    return 0;
}

/* The index's block table confirms the numbering of the blocks it lists
 * (spec 7.2). When the entry at a frame's offset disagrees with the frame's
 * own (CRC-intact) header, bytes have moved: the header is followed, and
 * the index digests then decide which records are intact. */
static void
number_blocks(salv *S)
{
    size_t i;
    if (S->ix == NULL) {
        return;
    }
    for (i = 0; i < S->blocks.n && !S->stop; i++) {
        const sblock *b = &AT(S->blocks, sblock, i);
        int64_t k;
        if (!b->head_ok) {
            continue;
        }
        k = index_block_at(&S->ix->ix, b->off);
        if (k >= 0) {
            quire__iblock ib;
            quire__index_block(&S->ix->ix, (uint64_t)k, &ib);
            if (ib.first_article != b->first || ib.n_records != b->n) {
                note(S, QUIRE_E_INDEX, b->off, "block first article",
                     "block frame at offset %llu holds articles %llu..%llu by its header; the "
                     "index lists articles %llu..%llu at this offset: the header is followed",
                     (unsigned long long)b->off, (unsigned long long)b->first,
                     (unsigned long long)(b->first + b->n - 1),
                     (unsigned long long)ib.first_article,
                     (unsigned long long)(ib.first_article + ib.n_records - 1));
            }
        }
    }
}

static int
cmp_block(const void *x, const void *y)
{
    const sblock *a = (const sblock *)x, *b = (const sblock *)y;
    if (a->first != b->first) {
        return a->first < b->first ? -1 : 1;
    }
    return a->off < b->off ? -1 : (a->off > b->off ? 1 : 0);
}

static int
cmp_fail(const void *x, const void *y)
{
    const sfail *a = (const sfail *)x, *b = (const sfail *)y;
    if (a->first != b->first) {
        return a->first < b->first ? -1 : 1;
    }
    return a->off < b->off ? -1 : (a->off > b->off ? 1 : 0);
}

static int
cmp_hint(const void *x, const void *y)
{
    const shint *a = (const shint *)x, *b = (const shint *)y;
    if (a->first != b->first) {
        return a->first < b->first ? -1 : 1;
    }
    return a->off < b->off ? -1 : (a->off > b->off ? 1 : 0);
}

/* ====================================================================== */
/* pass 3: records */

static int
fail_range(salv *S, uint64_t first, uint64_t count, uint64_t off, int code, const char *what,
           const char *why)
{
    sfail *f;
    if (count == 0) {
        return 0;
    }
    /* consecutive failures for the same reason share one entry */
    if (S->fails.n > 0) {
        f = &AT(S->fails, sfail, S->fails.n - 1);
        if (!f->has_url && f->off == off && f->code == code && f->what == what && f->why == why &&
            f->first + f->count == first) {
            f->count += count;
            return 0;
        }
    }
    f = (sfail *)vec_push(S->a, &S->fails);
    if (f == NULL) {
        return QUIRE_E_NOMEM;
    }
    f->first = first;
    f->count = count;
    f->off = off;
    f->code = code;
    f->what = what;
    f->why = why;
    return 0;
}

/* A record that failed its digest check: keep the URL of the copy when
 * it decodes, marked unverified. */
static int
fail_digest(salv *S, uint64_t m, uint64_t off, const uint8_t *rec, size_t rec_len)
{
    quire_field uf;
    sfail *f;
    int e;
    if ((e = fail_range(S, m, 1, off, QUIRE_E_DIGEST, "record digest",
                        "record digest differs from the index")) != 0) {
        return e;
    }
    if (S->url_fails >= URL_FAILS_MAX ||
        quire__article_load(S->art, rec, rec_len, off, &S->s->lim, (int64_t)m, NULL) != 0 ||
        quire_article_find(S->art, QUIRE_F_URL, &uf) != 0 || uf.type != QUIRE_T_TEXT) {
        return 0;
    }
    f = &AT(S->fails, sfail, S->fails.n - 1);
    if (f->count != 1) {
        /* merged with the previous failure: give this one its own entry */
        f->count--;
        f = (sfail *)vec_push(S->a, &S->fails);
        if (f == NULL) {
            return QUIRE_E_NOMEM;
        }
        f->first = m;
        f->count = 1;
        f->off = off;
        f->code = QUIRE_E_DIGEST;
        f->what = "record digest";
        f->why = "record digest differs from the index";
    }
    f->url_off = S->urls.len;
    f->url_len = uf.value_len;
    quire__put_bytes(&S->urls, uf.value, uf.value_len);
    if (S->urls.err != 0) {
        return QUIRE_E_NOMEM;
    }
    f->has_url = 1;
    S->url_fails++;
    return 0;
}

static int
add_run(salv *S, uint64_t m, uint64_t out_n, uint64_t off)
{
    srun *r;
    if (S->runs.n > 0) {
        r = &AT(S->runs, srun, S->runs.n - 1);
        if (r->first + r->count == m && r->out_first + r->count == out_n && r->off == off) {
            r->count++;
            return 0;
        }
    }
    r = (srun *)vec_push(S->a, &S->runs);
    if (r == NULL) {
        return QUIRE_E_NOMEM;
    }
    r->first = m;
    r->count = 1;
    r->out_first = out_n;
    r->off = off;
    return 0;
}

/* Fatal failure: an output or resource error. */
static int
fatal(salv *S, int code, uint64_t off, const char *what)
{
    return QUIRE__FAIL(S->d, code, off, -1, what);
}

static int
inflate_block(salv *S, const sblock *b, const quire__block_head *h, int *code, const char **what,
              const char **why)
{
    size_t need = h->raw_size > 0 ? h->raw_size : 1;
    const char *zmsg = NULL;
    int e = 0;
    size_t i;
    if (need > S->blk_cap) {
        uint8_t *p = (uint8_t *)quire__malloc(S->a, need);
        if (p == NULL) {
            return QUIRE_E_NOMEM;
        }
        quire__free(S->a, S->blk);
        S->blk = p;
        S->blk_cap = need;
    }
    *code = 0;
    if (h->codec == QUIRE__CODEC_STORED) {
        if (h->raw_size != 0) {
            memcpy(S->blk, h->data, h->raw_size);
        }
        return 0;
    }
    if ((h->flags & QUIRE__BLOCK_F_DICT) == 0) {
        e = quire__inflate(S->a, h->data, h->data_len, S->blk, h->raw_size, NULL, 0, &zmsg);
    } else if (S->dicts.n == 0) {
        *code = QUIRE_E_DICT;
        *what = "block dictionary flag";
        *why = "the block needs the preset dictionary and no intact DICT frame was found";
        return 0;
    } else {
        /* a DICT frame found anywhere intact supplies the dictionary */
        for (i = 0; i < S->dicts.n; i++) {
            const sdict *dc = &AT(S->dicts, sdict, i);
            e = quire__inflate(S->a, h->data, h->data_len, S->blk, h->raw_size, dc->p, dc->len,
                               &zmsg);
            if (e == 0 || e == QUIRE_E_NOMEM) {
                break;
            }
        }
    }
    if (e == QUIRE_E_NOMEM) {
        return e;
    }
    if (e != 0) {
        *code = e;
        *what = "block data";
        *why = e == QUIRE_E_DICT ? "the block was compressed with another dictionary"
                                 : "the compressed data is corrupt";
    }
    (void)b;
    return 0;
}

/* quire__fetch_fn of salvage: article t from an intact block frame found
 * by the scan, inflated into S->ref (S->blk holds the current block) */
static int
fetch_salvaged(void *ctx, uint64_t t, const uint8_t **rec, size_t *len, quire_diag *d)
{
    salv *S = (salv *)ctx;
    size_t i;
    for (i = 0; i < S->blocks.n; i++) {
        const sblock *b = &AT(S->blocks, sblock, i);
        if (!b->head_ok || t < b->first || t - b->first >= b->n) {
            continue;
        }
        if (!S->ref_ok || S->ref_off != b->off) {
            quire__block_head h;
            quire__cur c;
            uint8_t *keep = S->blk;
            size_t keep_cap = S->blk_cap;
            int code = 0, e;
            const char *what = NULL, *why = NULL;
            quire__cur_init(&c, b->payload, b->len, b->off + QUIRE__FRAME_HEAD);
            if (quire__block_head_decode(&c, &S->s->lim, &h) != 0) {
                continue;
            }
            S->ref_ok = 0;
            S->blk = S->ref; /* inflate_block fills S->blk: lend it the other buffer */
            S->blk_cap = S->ref_cap;
            e = inflate_block(S, b, &h, &code, &what, &why);
            S->ref = S->blk;
            S->ref_cap = S->blk_cap;
            S->blk = keep;
            S->blk_cap = keep_cap;
            if (e != 0) {
                return QUIRE__FAIL(d, e, b->off, (int64_t)t, "block");
            }
            if (code != 0) {
                continue; /* another copy of the block may be intact */
            }
            S->ref_len = h.raw_size;
            S->ref_off = b->off;
            S->ref_ok = 1;
        }
        if (quire__block_record(&S->s->lim, S->ref, S->ref_len, b->first, t, rec, len) == 0) {
            return 0;
        }
    }
    return QUIRE__FAIL(d, QUIRE_E_RECORD, 0, (int64_t)t, "part reference (article lost)");
}

/* One record: checks, then adds it to the output. Returns 0 or a fatal
 * error. */
static int
take_record(salv *S, const sblock *b, uint64_t m, const uint8_t *rec, size_t rec_len)
{
    uint8_t dg[32];
    quire_diag dd;
    uint64_t out_n = 0;
    int covered, e;
    if (quire__has_refs(rec, rec_len)) {
        /* parts stored once [5.6]: the canonical record takes them back */
        memset(&dd, 0, sizeof dd);
        S->exp.max = (size_t)S->s->lim.record;
        e = quire__expand_record(S->a, &S->s->lim, rec, rec_len, m, b->off, fetch_salvaged, S,
                                 &S->exp, &dd);
        if (e == QUIRE_E_NOMEM) {
            return fatal(S, e, b->off, "record");
        }
        if (e != 0) {
            e = fail_range(S, m, 1, b->off, e, dd.what != NULL ? dd.what : "part reference",
                           "a part it shares with an earlier article was not recovered");
            return e != 0 ? fatal(S, e, b->off, "salvage") : 0;
        }
        rec = S->exp.p;
        rec_len = S->exp.len;
    }
    if ((e = quire__blake2b256(dg, rec, rec_len)) != 0) {
        return fatal(S, e, b->off, "record digest");
    }
    covered = S->ix != NULL && m < S->ix->ix.n_articles;
    if (covered) {
        const uint8_t *want;
        uint32_t ib, io, il;
        quire__index_article(&S->ix->ix, m, &want, &ib, &io, &il);
        if (memcmp(want, dg, 32) != 0) {
            e = fail_digest(S, m, b->off, rec, rec_len);
            return e != 0 ? fatal(S, e, b->off, "salvage") : 0;
        }
    }
    memset(&dd, 0, sizeof dd);
    e = quire__article_load(S->art, rec, rec_len, b->off, &S->s->lim, (int64_t)m, &dd);
    if (e == QUIRE_E_NOMEM) {
        return fatal(S, e, b->off, "record");
    }
    if (e != 0) {
        e = fail_range(S, m, 1, b->off, e, dd.what != NULL ? dd.what : "record", NULL);
        return e != 0 ? fatal(S, e, b->off, "salvage") : 0;
    }
    /* an archive holding a bad publisher signature does not verify: such
     * an article is not intact */
    e = quire_article_check_publisher(S->art, NULL);
    if (e == QUIRE_E_PUBLISHER) {
        e = fail_range(S, m, 1, b->off, QUIRE_E_PUBLISHER, "publisher signature",
                       "the publisher signature does not verify");
        return e != 0 ? fatal(S, e, b->off, "salvage") : 0;
    }
    if (e != 0 && e != QUIRE_E_NOTFOUND) {
        return fatal(S, e, b->off, "publisher signature");
    }
    /* the loaded article keeps the record's bytes as its encoding, so the
     * output holds them unchanged (same digest), with URL and date entries */
    memcpy(S->art->digest, dg, 32);
    S->art->digest_ok = 1;
    memset(&dd, 0, sizeof dd);
    e = quire_writer_add(S->out, S->art, &out_n, &dd);
    if (e == QUIRE_E_LIMIT) {
        e = fail_range(S, m, 1, b->off, QUIRE_E_LIMIT, "output writer",
                       "over the output writer's limits");
        return e != 0 ? fatal(S, e, b->off, "salvage") : 0;
    }
    if (e != 0) {
        if (S->d != NULL) {
            *S->d = dd;
        }
        return e;
    }
    if ((e = add_run(S, m, out_n, b->off)) != 0) {
        return fatal(S, e, b->off, "salvage");
    }
    S->next_min = m + 1;
    S->rep->recovered++;
    if (covered) {
        S->rep->verified++;
    }
    return 0;
}

static int
take_block(salv *S, const sblock *b)
{
    quire__cur c;
    quire__block_head h;
    const char *what = NULL, *why = NULL;
    uint64_t k;
    int code = 0, e;

    if (!b->head_ok) {
        if (b->n > 0) {
            e = fail_range(S, b->first, b->n, b->off, b->head_code, b->head_what,
                           "the block header is invalid");
            return e != 0 ? fatal(S, e, b->off, "salvage") : 0;
        }
        note(S, b->head_code, b->off, b->head_what, "block frame at offset %llu unusable: %s: %s",
             (unsigned long long)b->off, b->head_what != NULL ? b->head_what : "block header",
             quire_strerror(b->head_code));
        return 0;
    }
    if (b->first + b->n <= S->next_min) {
        note(S, QUIRE_OK, b->off, "block frame",
             "block frame at offset %llu repeats articles %llu..%llu: skipped",
             (unsigned long long)b->off, (unsigned long long)b->first,
             (unsigned long long)(b->first + b->n - 1));
        return 0;
    }
    quire__cur_init(&c, b->payload, b->len, b->off + QUIRE__FRAME_HEAD);
    if (quire__block_head_decode(&c, &S->s->lim, &h) != 0) {
        return 0; /* decoded in pass 2 */
    }
    if ((e = inflate_block(S, b, &h, &code, &what, &why)) != 0) {
        return fatal(S, e, b->off, "block");
    }
    if (code != 0) {
        e = fail_range(S, b->first, b->n, b->off, code, what, why);
        return e != 0 ? fatal(S, e, b->off, "salvage") : 0;
    }
    quire__cur_init(&c, S->blk, h.raw_size, 0);
    for (k = 0;; k++) {
        const uint8_t *rec = NULL;
        size_t rec_len = 0;
        uint64_t m = b->first + k;
        e = quire__block_next_record(&c, &S->s->lim, &rec, &rec_len);
        if (e == QUIRE_DONE) {
            if (k < b->n) {
                e = fail_range(S, m, b->n - k, b->off, QUIRE_E_BLOCK, "block record framing",
                               "the block holds fewer records than its header says");
                return e != 0 ? fatal(S, e, b->off, "salvage") : 0;
            }
            return 0;
        }
        if (e != 0) {
            int fe = fail_range(S, m, k < b->n ? b->n - k : 1, b->off, e,
                                c.err_what != NULL ? c.err_what : "record",
                                "the records of the block cannot be told apart");
            return fe != 0 ? fatal(S, fe, b->off, "salvage") : 0;
        }
        if (k >= b->n) {
            note(S, QUIRE_E_BLOCK, b->off, "block record framing",
                 "block frame at offset %llu holds more records than its header says; "
                 "the extra ones are ignored",
                 (unsigned long long)b->off);
            return 0;
        }
        if (m < S->next_min) {
            continue; /* a copy of an article already recovered or passed */
        }
        if ((e = take_record(S, b, m, rec, rec_len)) != 0) {
            return e;
        }
    }
}

/* ====================================================================== */
/* naming what was lost */

/* The damaged range holding offset off, or NULL. */
static const sdamage *
damage_at(const salv *S, uint64_t off)
{
    size_t lo = 0, hi = S->damages.n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        const sdamage *dm = &AT(S->damages, sdamage, mid);
        if (off < dm->off) {
            hi = mid;
        } else if (off - dm->off >= dm->len) {
            lo = mid + 1;
        } else {
            return dm;
        }
    }
    return NULL;
}

/* The first damaged range starting at or after off, or NULL. */
static const sdamage *
damage_from(const salv *S, uint64_t off)
{
    size_t lo = 0, hi = S->damages.n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (AT(S->damages, sdamage, mid).off < off) {
            lo = mid + 1;
        } else {
            hi = mid;
        }
    }
    return lo < S->damages.n ? &AT(S->damages, sdamage, lo) : NULL;
}

static int
is_header_damage(const salv *S, const sdamage *dm)
{
    return dm->off == 0 && !S->rep->header_ok;
}

static void
damage_text(const salv *S, const sdamage *dm, uint64_t block_off, char *out, size_t cap)
{
    const char *why = damage_why(dm, is_header_damage(S, dm));
    if (dm->off == block_off) {
        snprintf(out, cap, "block at offset %llu damaged: %s", (unsigned long long)block_off, why);
    } else {
        snprintf(out, cap,
                 "block at offset %llu lies in damaged bytes %llu..%llu: %s at offset %llu",
                 (unsigned long long)block_off, (unsigned long long)dm->off,
                 (unsigned long long)(dm->off + dm->len - 1), why, (unsigned long long)dm->off);
    }
}

/* Finds why article m was not recovered. */
static void
find_reason(salv *S, uint64_t m, uint64_t limit, reason *r)
{
    size_t lo, hi;
    memset(r, 0, sizeof *r);
    r->numbers_verified = 1;
    r->end = limit;

    /* 1. an intact block that holds m failed (sorted by first) */
    lo = 0;
    hi = S->fails.n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (AT(S->fails, sfail, mid).first <= m) {
            lo = mid + 1;
        } else {
            hi = mid;
        }
    }
    {
        size_t i, back = 0;
        for (i = lo; i > 0 && back < 16; i--, back++) {
            const sfail *f = &AT(S->fails, sfail, i - 1);
            if (m - f->first < f->count) {
                r->code = f->code;
                r->what = f->what;
                r->off = f->off;
                r->end = f->first + f->count;
                if (f->has_url) {
                    r->url = (const char *)S->urls.p + f->url_off;
                    r->url_len = f->url_len;
                }
                if (f->why != NULL) {
                    snprintf(r->text, sizeof r->text, "block at offset %llu: %s",
                             (unsigned long long)f->off, f->why);
                } else {
                    snprintf(r->text, sizeof r->text, "block at offset %llu: %s: %s",
                             (unsigned long long)f->off, f->what != NULL ? f->what : "record",
                             quire_strerror(f->code));
                }
                goto clip;
            }
        }
    }

    /* 2. the index says where its block was */
    if (S->ix != NULL && m < S->ix->ix.n_articles) {
        quire__iblock ib;
        const sdamage *dm;
        quire__index_block(&S->ix->ix, index_block_of(&S->ix->ix, m), &ib);
        r->off = ib.frame_offset;
        r->end = ib.first_article + ib.n_records;
        if ((dm = damage_at(S, ib.frame_offset)) != NULL) {
            r->code = dm->code;
            r->what = dm->what;
            damage_text(S, dm, ib.frame_offset, r->text, sizeof r->text);
            goto clip;
        }
        if (ib.frame_offset >= S->len) {
            r->code = QUIRE_E_TRUNCATED;
            r->what = "block frame";
            snprintf(r->text, sizeof r->text,
                     "block at offset %llu: past the end of the file (truncated at %llu bytes)",
                     (unsigned long long)ib.frame_offset, (unsigned long long)S->len);
            goto clip;
        }
    }

    /* 3. the header of a damaged BLOK frame claims m (unverified) */
    lo = 0;
    hi = S->hints.n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (AT(S->hints, shint, mid).first <= m) {
            lo = mid + 1;
        } else {
            hi = mid;
        }
    }
    {
        size_t i, back = 0;
        for (i = lo; i > 0 && back < 16; i--, back++) {
            const shint *h = &AT(S->hints, shint, i - 1);
            if (m - h->first < h->n) {
                const sdamage *dm = &AT(S->damages, sdamage, h->dmg);
                r->code = dm->code;
                r->what = dm->what;
                r->off = h->off;
                r->end = h->first + h->n;
                r->numbers_verified = S->ix != NULL && m < S->ix->ix.n_articles;
                damage_text(S, dm, h->off, r->text, sizeof r->text);
                if (!r->numbers_verified) {
                    size_t n = strlen(r->text);
                    snprintf(r->text + n, sizeof r->text - n,
                             "; article numbers from its damaged header");
                }
                goto clip;
            }
        }
    }

    /* 4. damaged bytes between the intact blocks around m */
    {
        uint64_t e_off = QUIRE__HEADER_LEN, s_off = S->len, next_first = limit;
        const sdamage *dm;
        lo = 0;
        hi = S->blocks.n;
        while (lo < hi) {
            size_t mid = lo + (hi - lo) / 2;
            if (AT(S->blocks, sblock, mid).first <= m) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        if (lo < S->blocks.n && AT(S->blocks, sblock, lo).n > 0) {
            s_off = AT(S->blocks, sblock, lo).off;
            next_first = AT(S->blocks, sblock, lo).first;
        }
        if (lo > 0) {
            const sblock *p = &AT(S->blocks, sblock, lo - 1);
            e_off = p->off + QUIRE__FRAME_OVERHEAD + p->len;
        }
        if (e_off > s_off) {
            e_off = 0; /* blocks out of file order: look anywhere before */
        }
        if (S->ix == NULL || m >= S->ix->ix.n_articles) {
            r->end = next_first;
        }
        dm = damage_from(S, e_off);
        if (dm == NULL && S->damages.n > 0 && e_off > 0) {
            dm = damage_at(S, e_off);
        }
        if (dm != NULL && dm->off < s_off) {
            r->code = dm->code;
            r->what = dm->what;
            if (r->off == 0) {
                r->off = dm->off;
            }
            if (is_header_damage(S, dm)) {
                snprintf(r->text, sizeof r->text,
                         "no intact block holds it; damaged bytes "
                         "%llu..%llu: file header damaged",
                         (unsigned long long)dm->off, (unsigned long long)(dm->off + dm->len - 1));
            } else {
                snprintf(r->text, sizeof r->text,
                         "no intact block holds it; damaged bytes %llu..%llu: %s",
                         (unsigned long long)dm->off, (unsigned long long)(dm->off + dm->len - 1),
                         damage_why(dm, 0));
            }
            goto clip;
        }
    }

    /* 5. nothing specific */
    r->code = QUIRE_E_FRAME;
    r->what = "block frame";
    snprintf(r->text, sizeof r->text, "no intact block holds it");
clip:
    if (r->end <= m) {
        r->end = m + 1;
    }
    if (r->end > limit) {
        r->end = limit;
    }
}

/* Names articles [a, b), all lost. */
static void
name_lost(salv *S, uint64_t a, uint64_t b)
{
    uint64_t m = a;
    while (m < b && !S->stop) {
        quire_salvage_item it;
        reason r;
        int per_article = S->ix != NULL && m < S->ix->ix.n_articles;
        uint64_t lim = b;
        if (!per_article && S->ix != NULL && S->ix->ix.n_articles > m &&
            S->ix->ix.n_articles < lim) {
            lim = S->ix->ix.n_articles;
        }
        find_reason(S, m, lim, &r);
        memset(&it, 0, sizeof it);
        it.kind = QUIRE_SALVAGE_LOST;
        it.code = r.code;
        it.article = m;
        it.count = per_article ? 1 : r.end - m;
        it.offset = r.off;
        it.numbers_verified = r.numbers_verified;
        it.what = r.what;
        it.url = r.url;
        it.url_len = r.url_len;
        if (per_article) {
            const uint8_t *dg;
            uint32_t ib, io, il;
            quire__index_article(&S->ix->ix, m, &dg, &ib, &io, &il);
            it.digest = dg;
        }
        emit(S, &it, "%s", r.text);
        m += it.count;
    }
}

/* ====================================================================== */
/* the checkpoint comment */

typedef struct jbuf {
    char p[4096];
    size_t len;
    int over;
} jbuf;

static void jput(jbuf *j, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void
jput(jbuf *j, const char *fmt, ...)
{
    va_list ap;
    int n;
    if (j->over) {
        return;
    }
    va_start(ap, fmt);
    n = vsnprintf(j->p + j->len, sizeof j->p - j->len, fmt, ap);
    va_end(ap);
    if (n < 0 || (size_t)n >= sizeof j->p - j->len) {
        j->over = 1;
        return;
    }
    j->len += (size_t)n;
}

/* Writes name as a JSON string: at most max_bytes of it, invalid UTF-8
 * replaced by U+FFFD, control characters escaped. */
static void
jstring(jbuf *j, const char *name, size_t max_bytes)
{
    const uint8_t *p = (const uint8_t *)name;
    size_t n = strlen(name), i = 0;
    jput(j, "\"");
    while (i < n && i < max_bytes) {
        uint8_t ch = p[i];
        size_t k = ch < 0x80 ? 1 : ch >= 0xF0 ? 4 : ch >= 0xE0 ? 3 : 2;
        if (k > n - i || !quire__utf8_check(p + i, k, NULL)) {
            jput(j, "\\ufffd");
            i++;
            continue;
        }
        if (i + k > max_bytes) {
            break;
        }
        if (ch == '"' || ch == '\\') {
            jput(j, "\\%c", ch);
        } else if (ch < 0x20 || ch == 0x7F) {
            jput(j, "\\u%04x", ch);
        } else {
            jput(j, "%.*s", (int)k, (const char *)p + i);
        }
        i += k;
    }
    jput(j, "\"");
}

static void
build_comment(salv *S, const char *name, int with_list, jbuf *j)
{
    quire_salvage_report *R = S->rep;
    size_t i;
    uint64_t cur = 0;
    memset(j, 0, sizeof *j);
    jput(j, "{\"salvaged_from\":");
    if (name != NULL) {
        jstring(j, name, 256);
    } else {
        jput(j, "null");
    }
    jput(j,
         ",\"source_bytes\":%llu,\"recovered\":%llu,\"lost\":%llu,\"total_known\":%s,"
         "\"verified\":%llu,\"last_verified_root\":",
         (unsigned long long)R->source_bytes, (unsigned long long)R->recovered,
         (unsigned long long)R->lost, R->total_known ? "true" : "false",
         (unsigned long long)R->verified);
    if (R->has_verified_root) {
        char hx[65];
        quire__hex(hx, R->verified_root, 32);
        jput(j, "\"%s\"", hx);
    } else {
        jput(j, "null");
    }
    if (!with_list) {
        jput(j, ",\"lost_ranges\":\"omitted\"}");
        return;
    }
    jput(j, ",\"lost_ranges\":[");
    for (i = 0; i <= S->runs.n && !j->over; i++) {
        uint64_t next = i < S->runs.n ? AT(S->runs, srun, i).first : R->total;
        if (next > cur) {
            jput(j, "%s[%llu,%llu]", j->p[j->len - 1] == '[' ? "" : ",", (unsigned long long)cur,
                 (unsigned long long)(next - 1));
        }
        if (i < S->runs.n) {
            cur = AT(S->runs, srun, i).first + AT(S->runs, srun, i).count;
        }
    }
    jput(j, "]}");
}

/* ====================================================================== */

static void
salv_free(salv *S)
{
    size_t i;
    for (i = 0; i < S->indexes.n; i++) {
        quire__free(S->a, AT(S->indexes, sindex, i).raw);
    }
    vec_free(S->a, &S->frames);
    vec_free(S->a, &S->damages);
    vec_free(S->a, &S->hints);
    vec_free(S->a, &S->indexes);
    vec_free(S->a, &S->seals);
    vec_free(S->a, &S->blocks);
    vec_free(S->a, &S->fails);
    vec_free(S->a, &S->runs);
    vec_free(S->a, &S->dicts);
    quire__buf_free(&S->urls);
    quire__free(S->a, S->blk);
    quire__free(S->a, S->ref);
    quire__buf_free(&S->exp);
    quire_article_free(S->art);
}

static int
run(salv *S, const char *source_name)
{
    quire_salvage_report *R = S->rep;
    quire__scan_stats st;
    size_t i;
    int e;

    /* ---- pass 1: frames and damage ---- */
    e = quire__scan(S->buf, S->len, &S->s->lim, 0, on_scan, S, &st);
    if (S->oom) {
        return fatal(S, QUIRE_E_NOMEM, 0, "salvage");
    }
    (void)e;
    R->header_ok = st.header_ok;
    R->frames = st.frames;
    R->damaged_ranges = st.damaged;
    R->damaged_bytes = st.damaged_bytes;
    R->scan_budget_spent = st.budget_spent;
    for (i = 0; i < S->damages.n; i++) {
        if (chain(S, i) != 0) {
            return fatal(S, QUIRE_E_NOMEM, 0, "salvage");
        }
    }
    if (S->damages.n > 0) {
        const sdamage *last = &AT(S->damages, sdamage, S->damages.n - 1);
        R->truncated = last->off + last->len == S->len;
    }
    for (i = 0; i < S->damages.n && !S->stop; i++) {
        const sdamage *dm = &AT(S->damages, sdamage, i);
        quire_salvage_item it;
        char tn[5];
        memset(&it, 0, sizeof it);
        it.kind = QUIRE_SALVAGE_DAMAGE;
        it.code = dm->code;
        it.offset = dm->off;
        it.length = dm->len;
        it.what = dm->what;
        type_name(dm->head_type, tn);
        if (is_header_damage(S, dm)) {
            emit(S, &it, "bytes %llu..%llu damaged: file header damaged (%s)",
                 (unsigned long long)dm->off, (unsigned long long)(dm->off + dm->len - 1),
                 quire_strerror(dm->code));
        } else if (dm->head_type != 0) {
            emit(S, &it, "bytes %llu..%llu damaged: %s frame at offset %llu: %s",
                 (unsigned long long)dm->off, (unsigned long long)(dm->off + dm->len - 1), tn,
                 (unsigned long long)dm->off, damage_why(dm, 0));
        } else {
            emit(S, &it, "bytes %llu..%llu damaged: %s", (unsigned long long)dm->off,
                 (unsigned long long)(dm->off + dm->len - 1), damage_why(dm, 0));
        }
    }

    if (st.budget_spent) {
        const sdamage *last = &AT(S->damages, sdamage, S->damages.n - 1);
        note(S, QUIRE_E_LIMIT, last->off, "resynchronization",
             "the search for intact frames stopped after checksumming %llu bytes (bounded "
             "work): the rest of the damaged bytes %llu..%llu was not searched",
             (unsigned long long)st.crc_bytes, (unsigned long long)last->off,
             (unsigned long long)(S->len - 1));
    }

    /* ---- pass 2: what the intact frames say ---- */
    for (i = 0; i < S->frames.n; i++) {
        const sframe *f = &AT(S->frames, sframe, i);
        char tn[5];
        switch (f->type) {
        case QUIRE__FT_DICT:
            if (f->len >= 1 && f->len <= 32768) {
                sdict *dc = (sdict *)vec_push(S->a, &S->dicts);
                if (dc == NULL) {
                    return fatal(S, QUIRE_E_NOMEM, f->off, "salvage");
                }
                dc->p = f->payload;
                dc->len = f->len;
            } else {
                note(S, QUIRE_E_DICT, f->off, "dictionary frame",
                     "dictionary frame at offset %llu unusable: %s", (unsigned long long)f->off,
                     quire_strerror(QUIRE_E_DICT));
            }
            break;
        case QUIRE__FT_INDX:
            if ((e = load_index(S, f)) != 0) {
                return fatal(S, e, f->off, "index");
            }
            break;
        case QUIRE__FT_SEAL:
            if ((e = load_seal(S, f)) != 0) {
                return fatal(S, e, f->off, "seal");
            }
            break;
        case QUIRE__FT_TRLR: load_trailer(S, f); break;
        case QUIRE__FT_BLOK:
            if ((e = add_block(S, f)) != 0) {
                return fatal(S, e, f->off, "salvage");
            }
            break;
        default:
            if (!QUIRE__FT_IS_ANCILLARY(f->type)) {
                type_name(f->type, tn);
                note(S, QUIRE_E_CRITICAL, f->off, "frame type",
                     "unknown critical frame '%s' at offset %llu skipped", tn,
                     (unsigned long long)f->off);
            }
            break;
        }
    }
    R->blocks = S->blocks.n;
    R->indexes = S->indexes.n;
    R->seals = S->seals.n;
    /* the index: the one covering the most articles, the last on a tie */
    for (i = 0; i < S->indexes.n; i++) {
        sindex *si = &AT(S->indexes, sindex, i);
        if (S->ix == NULL || si->ix.n_articles >= S->ix->ix.n_articles) {
            S->ix = si;
        }
    }
    if (S->ix != NULL) {
        R->has_index = 1;
        R->index_offset = S->ix->off;
        R->index_articles = S->ix->ix.n_articles;
    }
    /* the last seal whose statement an intact index confirms */
    for (i = 0; i < S->seals.n; i++) {
        const sseal *ss = &AT(S->seals, sseal, i);
        size_t k;
        for (k = 0; k < S->indexes.n; k++) {
            const sindex *si = &AT(S->indexes, sindex, k);
            if (si->ix.n_articles == ss->tree_size && memcmp(si->root, ss->root, 32) == 0) {
                R->has_verified_root = 1;
                memcpy(R->verified_root, ss->root, 32);
                R->verified_tree_size = ss->tree_size;
                R->verified_checkpoint = ss->checkpoint;
                R->verified_seal_offset = ss->off;
                break;
            }
        }
    }
    number_blocks(S);
    if (S->blocks.n > 1) {
        qsort(S->blocks.p, S->blocks.n, sizeof(sblock), cmp_block);
    }

    /* ---- pass 3: records, in article order ---- */
    for (i = 0; i < S->blocks.n; i++) {
        if ((e = take_block(S, &AT(S->blocks, sblock, i))) != 0) {
            return e;
        }
    }
    for (i = 0; i < S->runs.n && !S->stop; i++) {
        const srun *r = &AT(S->runs, srun, i);
        quire_salvage_item it;
        memset(&it, 0, sizeof it);
        it.kind = QUIRE_SALVAGE_RECOVERED;
        it.article = r->first;
        it.count = r->count;
        it.out_article = r->out_first;
        it.offset = r->off;
        it.what = "block";
        if (r->count == 1) {
            emit(S, &it, "article %llu recovered from the block at offset %llu as article %llu",
                 (unsigned long long)r->first, (unsigned long long)r->off,
                 (unsigned long long)r->out_first);
        } else {
            emit(S, &it,
                 "articles %llu..%llu recovered from the block at offset %llu as %llu..%llu",
                 (unsigned long long)r->first, (unsigned long long)(r->first + r->count - 1),
                 (unsigned long long)r->off, (unsigned long long)r->out_first,
                 (unsigned long long)(r->out_first + r->count - 1));
        }
    }

    /* ---- the count, and what was lost ---- */
    {
        uint64_t total = S->have_declared ? S->declared : 0, cur = 0;
        int tail_unknown = 0;
        if (S->runs.n > 0) {
            const srun *r = &AT(S->runs, srun, S->runs.n - 1);
            if (r->first + r->count > total) {
                total = r->first + r->count;
            }
        }
        for (i = 0; i < S->fails.n; i++) {
            const sfail *f = &AT(S->fails, sfail, i);
            if (f->first + f->count > total) {
                total = f->first + f->count;
            }
        }
        if (S->fails.n > 1) {
            qsort(S->fails.p, S->fails.n, sizeof(sfail), cmp_fail);
        }
        if (S->hints.n > 1) {
            qsort(S->hints.p, S->hints.n, sizeof(shint), cmp_hint);
        }
        /* the header of a damaged block is believed only where it continues
         * the numbers already known (a truncated last block, a torn append):
         * a damaged header far away would invent articles */
        for (i = 0; i < S->hints.n; i++) {
            const shint *h = &AT(S->hints, shint, i);
            if (h->first <= total && h->first + h->n > total) {
                total = h->first + h->n;
            }
        }
        /* damage after the last frame that states the count may hide more
         * articles, unless it is only damaged non-block frames */
        for (i = 0; i < S->damages.n; i++) {
            const sdamage *dm = &AT(S->damages, sdamage, i);
            if (dm->off >= S->last_declaring_end && (!dm->explained || dm->has_blok)) {
                tail_unknown = 1;
            }
        }
        R->total = total;
        /* blocks numbered beyond every stated count: more may be missing */
        R->total_known = S->have_declared && !tail_unknown && total == S->declared;
        for (i = 0; i <= S->runs.n; i++) {
            uint64_t next = i < S->runs.n ? AT(S->runs, srun, i).first : total;
            if (next > cur) {
                R->lost += next - cur;
                name_lost(S, cur, next);
            }
            if (i < S->runs.n) {
                cur = AT(S->runs, srun, i).first + AT(S->runs, srun, i).count;
            }
        }
        if (!R->total_known) {
            const sdamage *last =
                S->damages.n > 0 ? &AT(S->damages, sdamage, S->damages.n - 1) : NULL;
            if (!S->have_declared && total == 0) {
                note(S, R->truncated ? QUIRE_E_TRUNCATED : QUIRE_E_INDEX,
                     R->truncated && last != NULL ? last->off : 0, "article count",
                     "no intact block, index, trailer or seal: no article was found%s",
                     R->truncated ? " (the file is truncated)" : "");
            } else if (!S->have_declared) {
                note(S, R->truncated ? QUIRE_E_TRUNCATED : QUIRE_E_INDEX,
                     R->truncated && last != NULL ? last->off : 0, "article count",
                     "no intact index, trailer or seal states the number of articles: "
                     "articles after %llu may be lost too%s",
                     (unsigned long long)(total - 1),
                     R->truncated ? " (the file is truncated)" : "");
            } else if (total > S->declared) {
                note(S, QUIRE_E_INDEX, 0, "article count",
                     "intact blocks hold articles up to %llu, beyond the %llu stated by the "
                     "intact indexes, trailers and seals (an interrupted append?): more may "
                     "have existed",
                     (unsigned long long)(total - 1), (unsigned long long)S->declared);
            } else {
                const sdamage *dm = damage_from(S, S->last_declaring_end);
                note(S, dm != NULL ? dm->code : QUIRE_E_TRUNCATED, dm != NULL ? dm->off : 0,
                     "article count",
                     "damaged bytes after the last intact index, trailer or seal (offset %llu) "
                     "may have held more articles than the %llu stated",
                     (unsigned long long)(dm != NULL ? dm->off : 0),
                     (unsigned long long)S->declared);
            }
        }
    }

    /* ---- the checkpoint comment ---- */
    {
        jbuf j;
        build_comment(S, source_name, 1, &j);
        if (j.over || j.len > QUIRE__COMMENT_MAX) {
            build_comment(S, source_name, 0, &j);
        } else {
            R->lost_in_comment = 1;
        }
        if (j.over || j.len > QUIRE__COMMENT_MAX) {
            return fatal(S, QUIRE_E_LIMIT, 0, "salvage comment");
        }
        memcpy(R->comment, j.p, j.len);
        R->comment[j.len] = '\0';
        R->comment_len = j.len;
        if ((e = quire_writer_set_checkpoint(S->out, 0, R->comment, R->comment_len)) != 0) {
            return fatal(S, e, 0, "checkpoint comment");
        }
    }
    return QUIRE_OK;
}

/* see quire.h */
int
quire_salvager_run(quire_salvager *s, const void *damaged, size_t len, const char *source_name,
                   quire_writer *out, quire_salvage_fn fn, void *ctx, quire_salvage_report *rep,
                   quire_diag *d)
{
    quire_salvage_report local;
    salv S;
    int e;
    if (rep == NULL) {
        rep = &local;
    }
    memset(rep, 0, sizeof *rep);
    if (s == NULL || out == NULL || (damaged == NULL && len != 0)) {
        return QUIRE__FAIL(d, QUIRE_E_ARG, 0, -1, "salvage");
    }
    memset(&S, 0, sizeof S);
    S.s = s;
    S.a = &s->a;
    S.buf = damaged != NULL ? (const uint8_t *)damaged : (const uint8_t *)"";
    S.len = damaged != NULL ? len : 0;
    S.out = out;
    S.fn = fn;
    S.ctx = ctx;
    S.rep = rep;
    S.d = d;
    quire__buf_init(&S.exp, S.a, 0);
    rep->source_bytes = S.len;
    vec_init(&S.frames, sizeof(sframe));
    vec_init(&S.damages, sizeof(sdamage));
    vec_init(&S.hints, sizeof(shint));
    vec_init(&S.indexes, sizeof(sindex));
    vec_init(&S.seals, sizeof(sseal));
    vec_init(&S.blocks, sizeof(sblock));
    vec_init(&S.fails, sizeof(sfail));
    vec_init(&S.runs, sizeof(srun));
    vec_init(&S.dicts, sizeof(sdict));
    quire__buf_init(&S.urls, S.a, (size_t)1 << 30);
    if ((e = quire_article_new(&S.art, s->have_alloc ? &s->pub_alloc : NULL)) != 0) {
        return QUIRE__FAIL(d, e, 0, -1, "salvage");
    }
    /* the writer must be open: options can be set only before opening
     * (an unknown option then gives QUIRE_E_ARG), a checkpoint comment only
     * before finishing */
    if (quire_writer_set_option(out, -1, 0) != QUIRE_E_BADSTATE ||
        quire_writer_set_checkpoint(out, 0, NULL, 0) != 0) {
        salv_free(&S);
        return QUIRE__FAIL(d, QUIRE_E_BADSTATE, 0, -1, "output writer (not open)");
    }
    e = run(&S, source_name);
    salv_free(&S);
    return e;
}

/* see quire.h */
int
quire_salvage(const void *damaged, size_t len, const char *source_name, quire_writer *out,
              quire_salvage_fn fn, void *ctx, quire_salvage_report *rep, quire_diag *d)
{
    quire_salvager *s = NULL;
    int e = quire_salvager_new(&s, NULL);
    if (e != 0) {
        if (rep != NULL) {
            memset(rep, 0, sizeof *rep);
        }
        return QUIRE__FAIL(d, e, 0, -1, "salvage");
    }
    e = quire_salvager_run(s, damaged, len, source_name, out, fn, ctx, rep, d);
    quire_salvager_free(s);
    return e;
}
