/* index.c - the index: block table, article table, URL and date tables
 * (spec section 7). */
#include <string.h>

#include "format.h"
#include "quire.h"

uint64_t
quire__url_hash(const uint8_t *url, size_t len)
{
    /* FNV-1a, 64 bits (spec 7.4) */
    uint64_t h = 0xcbf29ce484222325u;
    size_t i;
    for (i = 0; i < len; i++) {
        h ^= url[i];
        h *= 0x100000001b3u;
    }
    return h;
}

void
quire__index_put_head(quire__buf *b, const uint8_t archive_id[16], uint64_t n_articles,
                      uint64_t n_blocks)
{
    quire__put_bytes(b, archive_id, QUIRE__ARCHIVE_ID_LEN);
    quire__put_u64(b, n_articles);
    quire__put_u64(b, n_blocks);
}

void
quire__index_put_block(quire__buf *b, const quire__iblock *blk)
{
    quire__put_u64(b, blk->frame_offset);
    quire__put_u32(b, blk->frame_size);
    quire__put_u32(b, blk->raw_size);
    quire__put_u64(b, blk->first_article);
    quire__put_u32(b, blk->n_records);
    quire__put_u32(b, 0);
}

void
quire__index_put_article(quire__buf *b, const uint8_t digest[32], uint32_t block, uint32_t offset,
                         uint32_t len)
{
    quire__put_bytes(b, digest, QUIRE__DIGEST_LEN);
    quire__put_u32(b, block);
    quire__put_u32(b, offset);
    quire__put_u32(b, len);
}

void
quire__index_block(const quire__index *ix, uint64_t i, quire__iblock *b)
{
    quire__iblock_load(ix->blocks + i * QUIRE__BLOCK_ENTRY, b);
}

void
quire__index_article(const quire__index *ix, uint64_t i, const uint8_t **digest, uint32_t *block,
                     uint32_t *offset, uint32_t *len)
{
    const uint8_t *p = ix->articles + i * QUIRE__ARTICLE_ENTRY;
    *digest = p;
    *block = quire__ld32(p + 32);
    *offset = quire__ld32(p + 36);
    *len = quire__ld32(p + 40);
}

static int64_t
ld_i64(const uint8_t *p)
{
    uint64_t u = quire__ld64(p);
    return u <= (uint64_t)INT64_MAX ? (int64_t)u : -(int64_t)(~u) - 1;
}

void
quire__index_url(const quire__index *ix, uint64_t i, uint64_t *hash, uint64_t *article)
{
    const uint8_t *p = ix->urls + i * QUIRE__PAIR_ENTRY;
    *hash = quire__ld64(p);
    *article = quire__ld64(p + 8);
}

void
quire__index_date(const quire__index *ix, uint64_t i, int64_t *secs, uint64_t *article)
{
    const uint8_t *p = ix->dates + i * QUIRE__PAIR_ENTRY;
    *secs = ld_i64(p);
    *article = quire__ld64(p + 8);
}

uint64_t
quire__index_url_lower(const quire__index *ix, uint64_t hash)
{
    uint64_t lo = 0, hi = ix->n_urls;
    while (lo < hi) {
        uint64_t mid = lo + (hi - lo) / 2;
        if (quire__ld64(ix->urls + mid * QUIRE__PAIR_ENTRY) < hash) {
            lo = mid + 1;
        } else {
            hi = mid;
        }
    }
    return lo;
}

uint64_t
quire__index_date_lower(const quire__index *ix, int64_t secs)
{
    uint64_t lo = 0, hi = ix->n_dates;
    while (lo < hi) {
        uint64_t mid = lo + (hi - lo) / 2;
        if (ld_i64(ix->dates + mid * QUIRE__PAIR_ENTRY) < secs) {
            lo = mid + 1;
        } else {
            hi = mid;
        }
    }
    return lo;
}

/* (key, article) pairs: compare keys, then articles */
static int
pair_cmp(const uint8_t *x, const uint8_t *y, int signed_key)
{
    uint64_t ax, ay;
    if (signed_key) {
        int64_t kx = ld_i64(x), ky = ld_i64(y);
        if (kx != ky) {
            return kx < ky ? -1 : 1;
        }
    } else {
        uint64_t kx = quire__ld64(x), ky = quire__ld64(y);
        if (kx != ky) {
            return kx < ky ? -1 : 1;
        }
    }
    ax = quire__ld64(x + 8);
    ay = quire__ld64(y + 8);
    return ax < ay ? -1 : (ax > ay ? 1 : 0);
}

/* Heapsort: in place, O(n log n) worst case, no recursion, no allocation. */
int
quire__pairs_has(const uint8_t *pairs, uint64_t n, uint64_t key, uint64_t article, int signed_key)
{
    uint8_t want[QUIRE__PAIR_ENTRY];
    uint64_t lo = 0, hi = n;
    quire__st64(want, key);
    quire__st64(want + 8, article);
    while (lo < hi) {
        uint64_t mid = lo + (hi - lo) / 2;
        int c = pair_cmp(pairs + mid * QUIRE__PAIR_ENTRY, want, signed_key);
        if (c == 0) {
            return 1;
        }
        if (c < 0) {
            lo = mid + 1;
        } else {
            hi = mid;
        }
    }
    return 0;
}

static void
pair_swap(uint8_t *a, uint8_t *b)
{
    uint8_t t[QUIRE__PAIR_ENTRY];
    memcpy(t, a, QUIRE__PAIR_ENTRY);
    memcpy(a, b, QUIRE__PAIR_ENTRY);
    memcpy(b, t, QUIRE__PAIR_ENTRY);
}

static void
sift_down(uint8_t *v, size_t root, size_t n, int s)
{
    for (;;) {
        size_t child = 2 * root + 1;
        if (child >= n) {
            return;
        }
        if (child + 1 < n &&
            pair_cmp(v + child * QUIRE__PAIR_ENTRY, v + (child + 1) * QUIRE__PAIR_ENTRY, s) < 0) {
            child++;
        }
        if (pair_cmp(v + root * QUIRE__PAIR_ENTRY, v + child * QUIRE__PAIR_ENTRY, s) >= 0) {
            return;
        }
        pair_swap(v + root * QUIRE__PAIR_ENTRY, v + child * QUIRE__PAIR_ENTRY);
        root = child;
    }
}

void
quire__pairs_sort(uint8_t *pairs, size_t n, int signed_key)
{
    size_t i;
    if (n < 2) {
        return;
    }
    for (i = n / 2; i-- > 0;) {
        sift_down(pairs, i, n, signed_key);
    }
    for (i = n - 1; i > 0; i--) {
        pair_swap(pairs, pairs + i * QUIRE__PAIR_ENTRY);
        sift_down(pairs, 0, i, signed_key);
    }
}

/* ---- layout [7.1] ---- */

int
quire__ixlayout_head(quire__ixlayout *lo, uint64_t raw_size, const uint8_t *head,
                     const quire__limits *l, uint64_t *at, const char **what)
{
    uint64_t na, nb, left;
    memset(lo, 0, sizeof *lo);
    lo->raw_size = raw_size;
    if (raw_size < 32) {
        *at = raw_size < 16 ? 0 : raw_size < 24 ? 16 : 24;
        *what = raw_size < 16   ? "index archive id"
                : raw_size < 24 ? "index article count"
                                : "index block count";
        return QUIRE_E_TRUNCATED;
    }
    na = quire__ld64(head + 16);
    nb = quire__ld64(head + 24);
    *at = 16;
    *what = "index article count";
    if (na > l->articles) {
        return QUIRE_E_LIMIT;
    }
    if (nb > na || nb > (raw_size - 32) / QUIRE__BLOCK_ENTRY) {
        *at = 24;
        *what = "index block count";
        return nb > na ? QUIRE_E_INDEX : QUIRE_E_TRUNCATED;
    }
    left = raw_size - 32 - nb * QUIRE__BLOCK_ENTRY;
    if (na > left / QUIRE__ARTICLE_ENTRY) {
        return QUIRE_E_TRUNCATED;
    }
    lo->n_articles = na;
    lo->n_blocks = nb;
    lo->blocks_at = 32;
    lo->articles_at = 32 + nb * QUIRE__BLOCK_ENTRY;
    lo->urls_at = lo->articles_at + na * QUIRE__ARTICLE_ENTRY + 8;
    return 0;
}

/* a pair table's count at pos - 8, then its entries */
static int
layout_pairs(const quire__ixlayout *lo, uint64_t pos, const uint8_t *count, uint64_t max,
             uint64_t *n, uint64_t *at)
{
    uint64_t left;
    *at = pos - 8;
    if (lo->raw_size < pos) {
        return QUIRE_E_TRUNCATED;
    }
    *n = quire__ld64(count);
    if (*n > max) {
        return QUIRE_E_LIMIT;
    }
    left = lo->raw_size - pos;
    if (*n > left / QUIRE__PAIR_ENTRY) {
        return QUIRE_E_TRUNCATED;
    }
    return 0;
}

int
quire__ixlayout_urls(quire__ixlayout *lo, const uint8_t *count, const quire__limits *l,
                     uint64_t *at, const char **what)
{
    int e;
    *what = "index URL table";
    if ((e = layout_pairs(lo, lo->urls_at, count, l->articles * 2, &lo->n_urls, at)) != 0) {
        return e;
    }
    lo->dates_at = lo->urls_at + lo->n_urls * QUIRE__PAIR_ENTRY + 8;
    return 0;
}

int
quire__ixlayout_dates(quire__ixlayout *lo, const uint8_t *count, const quire__limits *l,
                      uint64_t *at, const char **what)
{
    int e;
    uint64_t end;
    *what = "index date table";
    if ((e = layout_pairs(lo, lo->dates_at, count, l->articles, &lo->n_dates, at)) != 0) {
        return e;
    }
    end = lo->dates_at + lo->n_dates * QUIRE__PAIR_ENTRY;
    if (end != lo->raw_size) {
        *at = end;
        *what = "index";
        return QUIRE_E_TRAILING;
    }
    return 0;
}

/* ---- content rules [7.2-7.5] ---- */

void
quire__ixwalk_init(quire__ixwalk *w, const quire__limits *l, uint64_t n_articles,
                   uint64_t max_offset)
{
    memset(w, 0, sizeof *w);
    w->l = l;
    w->n_articles = n_articles;
    w->max_offset = max_offset;
    w->prev_end = QUIRE__HEADER_LEN;
}

void
quire__iblock_load(const uint8_t *e, quire__iblock *b)
{
    b->frame_offset = quire__ld64(e);
    b->frame_size = quire__ld32(e + 8);
    b->raw_size = quire__ld32(e + 12);
    b->first_article = quire__ld64(e + 16);
    b->n_records = quire__ld32(e + 24);
}

int
quire__ixwalk_block(quire__ixwalk *w, const uint8_t *e, int64_t *at, const char **what)
{
    quire__iblock b;
    quire__iblock_load(e, &b);
    if (b.frame_offset < w->prev_end || b.frame_size < QUIRE__FRAME_OVERHEAD + QUIRE__BLOCK_HEAD ||
        b.frame_offset > w->max_offset || b.frame_size > w->max_offset - b.frame_offset) {
        *at = 0;
        *what = "index block offset";
        return QUIRE_E_INDEX;
    }
    if (b.first_article != w->next_first || b.n_records == 0 ||
        b.n_records > w->n_articles - w->next_first) {
        *at = 16;
        *what = "index block articles";
        return QUIRE_E_INDEX;
    }
    if (b.raw_size > w->l->block) {
        *at = 12;
        *what = "index block size";
        return QUIRE_E_LIMIT;
    }
    if (quire__ld32(e + 28) != 0) {
        *at = 28;
        *what = "index block reserved";
        return QUIRE_E_RESERVED;
    }
    w->prev_end = b.frame_offset + b.frame_size;
    w->next_first += b.n_records;
    return 0;
}

int
quire__ixwalk_blocks_end(const quire__ixwalk *w, const char **what)
{
    *what = "index article count";
    return w->next_first != w->n_articles ? QUIRE_E_INDEX : 0;
}

int
quire__ixwalk_past(const quire__ixwalk *w, uint64_t i)
{
    return !w->in_block || i >= w->b.first_article + w->b.n_records;
}

int
quire__ixwalk_enter(quire__ixwalk *w, const quire__iblock *b, int64_t *at, const char **what)
{
    if (w->in_block) {
        if (w->expect_off - 4 != w->b.raw_size) { /* the block before is not full */
            *at = 36 - QUIRE__ARTICLE_ENTRY;
            *what = "index record placement";
            return QUIRE_E_INDEX;
        }
        w->blk++;
    }
    w->in_block = 1;
    w->b = *b;
    w->expect_off = 4;
    return 0;
}

int
quire__ixwalk_article(quire__ixwalk *w, const uint8_t *e, int64_t *at, const char **what)
{
    uint32_t eoff = quire__ld32(e + 36), elen = quire__ld32(e + 40);
    if (quire__ld32(e + 32) != w->blk) {
        *at = 32;
        *what = "index record block";
        return QUIRE_E_INDEX;
    }
    if (eoff != w->expect_off || elen < QUIRE__RECORD_HEAD || elen > w->l->record ||
        (uint64_t)eoff + elen > w->b.raw_size) {
        *at = 36;
        *what = "index record placement";
        return QUIRE_E_INDEX;
    }
    w->expect_off = (uint64_t)eoff + elen + 4;
    return 0;
}

int
quire__ixwalk_articles_end(const quire__ixwalk *w, int64_t *at, const char **what)
{
    *at = 36 - QUIRE__ARTICLE_ENTRY; /* the last entry's offset field */
    *what = "index record placement";
    return w->n_articles > 0 && w->expect_off - 4 != w->b.raw_size ? QUIRE_E_INDEX : 0;
}

int
quire__ixwalk_pair(quire__ixwalk *w, uint64_t i, const uint8_t *e, int signed_key, int64_t *at,
                   const char **what)
{
    if (quire__ld64(e + 8) >= w->n_articles) {
        *at = 8;
        *what = signed_key ? "index date article" : "index URL article";
        return QUIRE_E_INDEX;
    }
    if (i > 0 && pair_cmp(w->prev, e, signed_key) >= 0) {
        *at = 0;
        *what = signed_key ? "index date order" : "index URL order";
        return QUIRE_E_ORDER;
    }
    memcpy(w->prev, e, QUIRE__PAIR_ENTRY);
    return 0;
}

int
quire__ix_article_check(const quire__iblock *b, uint64_t i, uint32_t offset, uint32_t len,
                        const quire__limits *l, int64_t *at, const char **what)
{
    if (i < b->first_article || i - b->first_article >= b->n_records) {
        *at = 32;
        *what = "index record block";
        return QUIRE_E_INDEX;
    }
    if (offset < 4 || (i == b->first_article && offset != 4) || len < QUIRE__RECORD_HEAD ||
        len > l->record || (uint64_t)offset + len > b->raw_size) {
        *at = 36;
        *what = "index record placement";
        return QUIRE_E_INDEX;
    }
    return 0;
}

int
quire__index_decode(quire__cur *c, const quire__limits *l, uint64_t max_offset, quire__index *ix)
{
    const uint8_t *p = c->buf + c->off;
    size_t base = c->off, n = quire__cur_left(c);
    uint64_t i, at = 0;
    int64_t eat = 0;
    const char *what = NULL;
    quire__ixlayout lo;
    quire__ixwalk w;
    int e;
    memset(ix, 0, sizeof *ix);

    /* sizes [7.1] */
    if ((e = quire__ixlayout_head(&lo, n, p, l, &at, &what)) != 0 ||
        (e = quire__ixlayout_urls(&lo, lo.urls_at <= n ? p + lo.urls_at - 8 : NULL, l, &at,
                                  &what)) != 0 ||
        (e = quire__ixlayout_dates(&lo, lo.dates_at <= n ? p + lo.dates_at - 8 : NULL, l, &at,
                                   &what)) != 0) {
        return quire__cur_fail_at(c, base + (size_t)at, e, what);
    }
    c->off += n;
    ix->archive_id = p;
    ix->n_articles = lo.n_articles;
    ix->n_blocks = lo.n_blocks;
    ix->blocks = p + lo.blocks_at;
    ix->articles = p + lo.articles_at;
    ix->n_urls = lo.n_urls;
    ix->urls = p + lo.urls_at;
    ix->n_dates = lo.n_dates;
    ix->dates = p + lo.dates_at;

    /* contents [7.2-7.5] */
    quire__ixwalk_init(&w, l, lo.n_articles, max_offset);
    for (i = 0; i < lo.n_blocks; i++) {
        at = lo.blocks_at + i * QUIRE__BLOCK_ENTRY;
        if ((e = quire__ixwalk_block(&w, p + at, &eat, &what)) != 0) {
            goto fail;
        }
    }
    if ((e = quire__ixwalk_blocks_end(&w, &what)) != 0) {
        return quire__cur_fail_at(c, base + 16, e, what);
    }
    for (i = 0; i < lo.n_articles; i++) {
        at = lo.articles_at + i * QUIRE__ARTICLE_ENTRY;
        if (quire__ixwalk_past(&w, i)) {
            quire__iblock b;
            quire__index_block(ix, w.in_block ? w.blk + 1 : 0, &b);
            if ((e = quire__ixwalk_enter(&w, &b, &eat, &what)) != 0) {
                goto fail;
            }
        }
        if ((e = quire__ixwalk_article(&w, p + at, &eat, &what)) != 0) {
            goto fail;
        }
    }
    at = lo.articles_at + lo.n_articles * QUIRE__ARTICLE_ENTRY;
    if ((e = quire__ixwalk_articles_end(&w, &eat, &what)) != 0) {
        goto fail;
    }
    for (i = 0; i < lo.n_urls; i++) {
        at = lo.urls_at + i * QUIRE__PAIR_ENTRY;
        if ((e = quire__ixwalk_pair(&w, i, p + at, 0, &eat, &what)) != 0) {
            goto fail;
        }
    }
    for (i = 0; i < lo.n_dates; i++) {
        at = lo.dates_at + i * QUIRE__PAIR_ENTRY;
        if ((e = quire__ixwalk_pair(&w, i, p + at, 1, &eat, &what)) != 0) {
            goto fail;
        }
    }
    return 0;
fail:
    return quire__cur_fail_at(c, base + (size_t)((int64_t)at + eat), e, what);
}
