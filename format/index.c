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
    const uint8_t *p = ix->blocks + i * QUIRE__BLOCK_ENTRY;
    b->frame_offset = quire__ld64(p);
    b->frame_size = quire__ld32(p + 8);
    b->raw_size = quire__ld32(p + 12);
    b->first_article = quire__ld64(p + 16);
    b->n_records = quire__ld32(p + 24);
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

/* Reads a count then count x size bytes, checking the limit and the bytes
 * that remain before forming the product. */
static const uint8_t *
get_table(quire__cur *c, uint64_t *count, uint64_t max, size_t size, const char *what)
{
    size_t at = c->off;
    *count = quire__get_u64(c, what);
    if (c->err != 0) {
        return NULL;
    }
    if (*count > max) {
        quire__cur_fail_at(c, at, QUIRE_E_LIMIT, what);
        return NULL;
    }
    if (*count > quire__cur_left(c) / size) {
        quire__cur_fail_at(c, at, QUIRE_E_TRUNCATED, what);
        return NULL;
    }
    return quire__get_bytes(c, (size_t)*count * size, what);
}

int
quire__index_decode(quire__cur *c, const quire__limits *l, uint64_t max_offset, quire__index *ix)
{
    size_t at = c->off;
    uint64_t i, next_first = 0, prev_end = QUIRE__HEADER_LEN, nb;
    memset(ix, 0, sizeof *ix);

    ix->archive_id = quire__get_bytes(c, QUIRE__ARCHIVE_ID_LEN, "index archive id");
    at = c->off;
    ix->n_articles = quire__get_u64(c, "index article count");
    nb = quire__get_u64(c, "index block count");
    if (c->err != 0) {
        return c->err;
    }
    if (ix->n_articles > l->articles) {
        return quire__cur_fail_at(c, at, QUIRE_E_LIMIT, "index article count");
    }
    if (nb > ix->n_articles) {
        return quire__cur_fail_at(c, at + 8, QUIRE_E_INDEX, "index block count");
    }
    if (nb > quire__cur_left(c) / QUIRE__BLOCK_ENTRY) {
        return quire__cur_fail_at(c, at + 8, QUIRE_E_TRUNCATED, "index block count");
    }
    ix->n_blocks = nb;
    ix->blocks = quire__get_bytes(c, (size_t)nb * QUIRE__BLOCK_ENTRY, "index block table");
    if (c->err == 0 && ix->n_articles > quire__cur_left(c) / QUIRE__ARTICLE_ENTRY) {
        return quire__cur_fail_at(c, at, QUIRE_E_TRUNCATED, "index article count");
    }
    ix->articles =
        quire__get_bytes(c, (size_t)ix->n_articles * QUIRE__ARTICLE_ENTRY, "index article table");
    ix->urls = get_table(c, &ix->n_urls, l->articles * 2, QUIRE__PAIR_ENTRY, "index URL table");
    ix->dates = get_table(c, &ix->n_dates, l->articles, QUIRE__PAIR_ENTRY, "index date table");
    if (c->err != 0) {
        return c->err;
    }
    if (quire__cur_left(c) != 0) {
        return quire__cur_fail(c, QUIRE_E_TRAILING, "index");
    }

    /* block table: in file order, contiguous article ranges [7.2] */
    for (i = 0; i < nb; i++) {
        quire__iblock b;
        size_t eo = (size_t)((const uint8_t *)ix->blocks - c->buf) + (size_t)i * QUIRE__BLOCK_ENTRY;
        quire__index_block(ix, i, &b);
        if (b.frame_offset < prev_end || b.frame_size < QUIRE__FRAME_OVERHEAD + QUIRE__BLOCK_HEAD ||
            b.frame_offset > max_offset || b.frame_size > max_offset - b.frame_offset) {
            return quire__cur_fail_at(c, eo, QUIRE_E_INDEX, "index block offset");
        }
        if (b.first_article != next_first || b.n_records == 0 ||
            b.n_records > ix->n_articles - next_first) {
            return quire__cur_fail_at(c, eo + 16, QUIRE_E_INDEX, "index block articles");
        }
        if (b.raw_size > l->block) {
            return quire__cur_fail_at(c, eo + 12, QUIRE_E_LIMIT, "index block size");
        }
        if (quire__ld32(ix->blocks + i * QUIRE__BLOCK_ENTRY + 28) != 0) {
            return quire__cur_fail_at(c, eo + 28, QUIRE_E_RESERVED, "index block reserved");
        }
        prev_end = b.frame_offset + b.frame_size;
        next_first += b.n_records;
    }
    if (next_first != ix->n_articles) {
        return quire__cur_fail_at(c, at, QUIRE_E_INDEX, "index article count");
    }

    /* article table: each record where its block says, back to back [7.3] */
    {
        uint64_t blk = 0, expect_off = 4;
        quire__iblock b;
        memset(&b, 0, sizeof b);
        if (nb > 0) {
            quire__index_block(ix, 0, &b);
        }
        for (i = 0; i < ix->n_articles; i++) {
            const uint8_t *dg;
            uint32_t eb, eoff, elen;
            size_t eo = (size_t)(ix->articles - c->buf) + (size_t)i * QUIRE__ARTICLE_ENTRY;
            if (i >= b.first_article + b.n_records) {
                if (expect_off - 4 != b.raw_size) {
                    return quire__cur_fail_at(c, eo - 8, QUIRE_E_INDEX, "index record placement");
                }
                blk++;
                quire__index_block(ix, blk, &b);
                expect_off = 4;
            }
            quire__index_article(ix, i, &dg, &eb, &eoff, &elen);
            if (eb != blk) {
                return quire__cur_fail_at(c, eo + 32, QUIRE_E_INDEX, "index record block");
            }
            if (eoff != expect_off || elen < QUIRE__RECORD_HEAD || elen > l->record ||
                (uint64_t)eoff + elen > b.raw_size) {
                return quire__cur_fail_at(c, eo + 36, QUIRE_E_INDEX, "index record placement");
            }
            expect_off = (uint64_t)eoff + elen + 4;
        }
        if (ix->n_articles > 0 && expect_off - 4 != b.raw_size) {
            return quire__cur_fail_at(c, (size_t)(ix->articles - c->buf) +
                                  (size_t)(ix->n_articles - 1) * QUIRE__ARTICLE_ENTRY + 36,
                           QUIRE_E_INDEX, "index record placement");
        }
    }

    /* URL and date tables: sorted, unique, articles in range [7.4, 7.5] */
    for (i = 0; i < ix->n_urls; i++) {
        const uint8_t *p = ix->urls + i * QUIRE__PAIR_ENTRY;
        size_t eo = (size_t)(p - c->buf);
        if (quire__ld64(p + 8) >= ix->n_articles) {
            return quire__cur_fail_at(c, eo + 8, QUIRE_E_INDEX, "index URL article");
        }
        if (i > 0 && pair_cmp(p - QUIRE__PAIR_ENTRY, p, 0) >= 0) {
            return quire__cur_fail_at(c, eo, QUIRE_E_ORDER, "index URL order");
        }
    }
    for (i = 0; i < ix->n_dates; i++) {
        const uint8_t *p = ix->dates + i * QUIRE__PAIR_ENTRY;
        size_t eo = (size_t)(p - c->buf);
        if (quire__ld64(p + 8) >= ix->n_articles) {
            return quire__cur_fail_at(c, eo + 8, QUIRE_E_INDEX, "index date article");
        }
        if (i > 0 && pair_cmp(p - QUIRE__PAIR_ENTRY, p, 1) >= 0) {
            return quire__cur_fail_at(c, eo, QUIRE_E_ORDER, "index date order");
        }
    }
    return 0;
}
