/* index.c - the reader's index (spec 7): the whole inflated index, checked
 * at open, or a paged index (codec 2) read a page at a time.
 *
 * A paged index is never inflated whole. Open reads the head and the two
 * table counts (at most three pages); every entry read afterwards is
 * checked against what it must agree with nearby (7.6), so a reader of one
 * article touches one or two pages of the index whatever the archive's
 * size. The rules that need the whole table (sort order, records back to
 * back) are a validator's: quire__rx_walk applies all of 7.2-7.5 in one
 * pass, with the digest and the Merkle root, for verify. */
#include <string.h>

#include <sodium.h>

#include "internal.h"

#define INSIDE "inside the inflated index"

int
quire__rx_paged(const quire_reader *r)
{
    return r->rx.flat == NULL;
}

static void
pages_init(quire__rindex *x)
{
    size_t i;
    for (i = 0; i < QUIRE__IXPAGES; i++) {
        x->pages[i].p = NULL;
        x->pages[i].no = -1;
        x->pages[i].used = 0;
    }
    x->clock = 0;
}

void
quire__rx_share(quire__rindex *w)
{
    pages_init(w);
}

void
quire__rx_free(quire_reader *r)
{
    size_t i;
    for (i = 0; i < QUIRE__IXPAGES; i++) {
        quire__free(&r->a, r->rx.pages[i].p);
    }
    pages_init(&r->rx);
}

/* page k, from the cache or inflated into it */
static int
rx_page(quire_reader *r, uint64_t k, const uint8_t **out, quire_diag *d)
{
    quire__rindex *x = &r->rx;
    quire__ixpage *slot = &x->pages[0];
    size_t i, start, len, raw;
    uint64_t at, data_at = (uint64_t)(x->eh.data - r->buf);
    const char *what, *zmsg = NULL;
    int e;
    for (i = 0; i < QUIRE__IXPAGES; i++) {
        if (x->pages[i].no == (int64_t)k) {
            x->pages[i].used = ++x->clock;
            *out = x->pages[i].p;
            return 0;
        }
        if (x->pages[i].used < slot->used) {
            slot = &x->pages[i];
        }
    }
    if (k >= x->eh.n_pages) { /* reads stay inside raw_size: not reached */
        return QUIRE__FAIL(d, QUIRE_E_INDEX, r->tr.index_offset, -1, "index page");
    }
    if ((e = quire__env_page(&x->eh, &r->lim, (uint32_t)k, &start, &len, &raw, &at, &what)) != 0) {
        return QUIRE__FAIL(d, e, x->dir_at + at, -1, what);
    }
    if (slot->p == NULL && (slot->p = (uint8_t *)quire__malloc(&r->a, x->eh.page_size)) == NULL) {
        return QUIRE__FAIL(d, QUIRE_E_NOMEM, r->tr.index_offset, -1, "index page");
    }
    slot->no = -1;
    slot->used = 0;
    if ((e = quire__inflate_ex(&r->a, x->eh.data + start, len, slot->p, raw, raw, NULL, 0, NULL,
                               NULL, &zmsg)) != 0) {
        return QUIRE__FAIL_DETAIL(d, e, data_at + start, -1, "index data", zmsg);
    }
    quire__reader_release(r, data_at + start, len);
    slot->no = (int64_t)k;
    slot->used = ++x->clock;
    *out = slot->p;
    return 0;
}

int
quire__rx_read(quire_reader *r, uint64_t off, size_t len, uint8_t *out, quire_diag *d)
{
    quire__rindex *x = &r->rx;
    if (off > x->lo.raw_size || len > x->lo.raw_size - off) { /* callers stay inside */
        return QUIRE__FAIL(d, QUIRE_E_INDEX, r->tr.index_offset, -1, "index read");
    }
    if (x->flat != NULL) {
        memcpy(out, x->flat + off, len);
        return 0;
    }
    while (len > 0) {
        const uint8_t *p;
        uint64_t k = off / x->eh.page_size, in = off % x->eh.page_size;
        size_t n = (size_t)(x->eh.page_size - in);
        int e;
        if (n > len) {
            n = len;
        }
        if ((e = rx_page(r, k, &p, d)) != 0) {
            return e;
        }
        memcpy(out, p + in, n);
        out += n;
        off += n;
        len -= n;
    }
    return 0;
}

void
quire__rx_release(const quire_reader *r, uint64_t raw_lo, uint64_t raw_hi)
{
    const quire__rindex *x = &r->rx;
    uint64_t k0, k1, s, e, data_at;
    if (x->flat != NULL || raw_lo >= raw_hi || raw_hi > x->lo.raw_size) {
        return;
    }
    k0 = raw_lo / x->eh.page_size;
    k1 = (raw_hi - 1) / x->eh.page_size;
    s = k0 == 0 ? 0 : quire__ld64(x->eh.dir + (size_t)(k0 - 1) * 8);
    e = quire__ld64(x->eh.dir + (size_t)k1 * 8);
    data_at = (uint64_t)(x->eh.data - r->buf);
    if (s < e && e <= x->eh.data_len) { /* a damaged directory: nothing to give */
        quire__reader_release(r, data_at + s, e - s);
    }
}

static int
rx_fail(quire_reader *r, int e, int64_t article, const char *what, quire_diag *d)
{
    return QUIRE__FAIL_DETAIL(d, e, r->tr.index_offset, article, what, INSIDE);
}

int
quire__rx_open(quire_reader *r, const quire__env_head *eh, quire_diag *d)
{
    quire__rindex *x = &r->rx;
    uint8_t head[32], cnt[8];
    uint64_t at, raw;
    const char *what = NULL;
    int e;
    pages_init(x);
    if (eh == NULL) { /* flat: r->ix is decoded and checked */
        x->flat = r->index_raw;
        x->lo.raw_size = r->index_raw_len;
        x->lo.n_articles = r->ix.n_articles;
        x->lo.n_blocks = r->ix.n_blocks;
        x->lo.n_urls = r->ix.n_urls;
        x->lo.n_dates = r->ix.n_dates;
        x->lo.blocks_at = (uint64_t)(r->ix.blocks - r->index_raw);
        x->lo.articles_at = (uint64_t)(r->ix.articles - r->index_raw);
        x->lo.urls_at = (uint64_t)(r->ix.urls - r->index_raw);
        x->lo.dates_at = (uint64_t)(r->ix.dates - r->index_raw);
        memcpy(x->archive_id, r->ix.archive_id, 16);
        return 0;
    }
    x->flat = NULL;
    x->eh = *eh;
    x->dir_at = (uint64_t)(eh->data - r->buf) - 4 - (uint64_t)eh->n_pages * 8;
    raw = eh->raw_size;
    x->lo.raw_size = raw;
    if ((e = quire__rx_read(r, 0, raw < 32 ? (size_t)raw : 32, head, d)) != 0) {
        return e;
    }
    if ((e = quire__ixlayout_head(&x->lo, raw, head, &r->lim, &at, &what)) != 0) {
        return rx_fail(r, e, -1, what, d);
    }
    if (x->lo.urls_at <= raw && (e = quire__rx_read(r, x->lo.urls_at - 8, 8, cnt, d)) != 0) {
        return e;
    }
    if ((e = quire__ixlayout_urls(&x->lo, cnt, &r->lim, &at, &what)) != 0) {
        return rx_fail(r, e, -1, what, d);
    }
    if (x->lo.dates_at <= raw && (e = quire__rx_read(r, x->lo.dates_at - 8, 8, cnt, d)) != 0) {
        return e;
    }
    if ((e = quire__ixlayout_dates(&x->lo, cnt, &r->lim, &at, &what)) != 0) {
        return rx_fail(r, e, -1, what, d);
    }
    memcpy(x->archive_id, head, 16);
    return 0;
}

/* entry i as stored, unchecked */
static int
block_raw(quire_reader *r, uint64_t i, quire__iblock *b, quire_diag *d)
{
    uint8_t ent[QUIRE__BLOCK_ENTRY];
    int e = quire__rx_read(r, r->rx.lo.blocks_at + i * QUIRE__BLOCK_ENTRY, sizeof ent, ent, d);
    if (e == 0) {
        quire__iblock_load(ent, b);
    }
    return e;
}

int
quire__rx_block(quire_reader *r, uint64_t i, quire__iblock *b, quire_diag *d)
{
    const quire__ixlayout *lo = &r->rx.lo;
    uint8_t ent[QUIRE__BLOCK_ENTRY];
    quire__ixwalk w;
    int64_t eat;
    const char *what;
    int e;
    if (i >= lo->n_blocks) {
        return rx_fail(r, QUIRE_E_INDEX, -1, "index block", d);
    }
    if ((e = quire__rx_read(r, lo->blocks_at + i * QUIRE__BLOCK_ENTRY, sizeof ent, ent, d)) != 0) {
        return e;
    }
    if (!quire__rx_paged(r)) {
        quire__iblock_load(ent, b);
        return 0;
    }
    /* the rules of 7.2 against the entry before: where the block before
     * ends, frame and articles */
    quire__ixwalk_init(&w, &r->lim, lo->n_articles, r->tr.index_offset);
    if (i > 0) {
        quire__iblock pb;
        if ((e = block_raw(r, i - 1, &pb, d)) != 0) {
            return e;
        }
        if (pb.first_article > lo->n_articles || pb.n_records > lo->n_articles - pb.first_article) {
            return rx_fail(r, QUIRE_E_INDEX, -1, "index block articles", d);
        }
        if (pb.frame_offset > r->tr.index_offset ||
            pb.frame_size > r->tr.index_offset - pb.frame_offset) {
            return rx_fail(r, QUIRE_E_INDEX, -1, "index block offset", d);
        }
        w.prev_end = pb.frame_offset + pb.frame_size;
        w.next_first = pb.first_article + pb.n_records;
    }
    if ((e = quire__ixwalk_block(&w, ent, &eat, &what)) != 0 ||
        (i + 1 == lo->n_blocks && (e = quire__ixwalk_blocks_end(&w, &what)) != 0)) {
        return rx_fail(r, e, -1, what, d);
    }
    quire__iblock_load(ent, b);
    return 0;
}

int
quire__rx_article(quire_reader *r, uint64_t i, uint8_t digest[32], uint32_t *block,
                  uint32_t *offset, uint32_t *len, quire_diag *d)
{
    const quire__ixlayout *lo = &r->rx.lo;
    uint8_t ent[QUIRE__ARTICLE_ENTRY];
    quire__iblock b;
    int64_t eat;
    const char *what;
    int e;
    if (i >= lo->n_articles) {
        return rx_fail(r, QUIRE_E_INDEX, (int64_t)i, "index article", d);
    }
    if ((e = quire__rx_read(r, lo->articles_at + i * QUIRE__ARTICLE_ENTRY, sizeof ent, ent, d)) !=
        0) {
        return e;
    }
    if (digest != NULL) {
        memcpy(digest, ent, 32);
    }
    *block = quire__ld32(ent + 32);
    *offset = quire__ld32(ent + 36);
    *len = quire__ld32(ent + 40);
    if (!quire__rx_paged(r)) {
        return 0;
    }
    /* 7.3 against the block's entry; back to back is checked through the
     * record's length prefix when it is read */
    if (*block >= lo->n_blocks) {
        return rx_fail(r, QUIRE_E_INDEX, (int64_t)i, "index record block", d);
    }
    if ((e = quire__rx_block(r, *block, &b, d)) != 0) {
        return e;
    }
    if ((e = quire__ix_article_check(&b, i, *offset, *len, &r->lim, &eat, &what)) != 0) {
        return rx_fail(r, e, (int64_t)i, what, d);
    }
    return 0;
}

int
quire__rx_digest(quire_reader *r, uint64_t i, uint8_t digest[32], quire_diag *d)
{
    if (i >= r->rx.lo.n_articles) {
        return rx_fail(r, QUIRE_E_INDEX, (int64_t)i, "index article", d);
    }
    return quire__rx_read(r, r->rx.lo.articles_at + i * QUIRE__ARTICLE_ENTRY, 32, digest, d);
}

int
quire__rx_pair(quire_reader *r, int dates, uint64_t i, uint64_t *key, uint64_t *article,
               quire_diag *d)
{
    const quire__ixlayout *lo = &r->rx.lo;
    uint8_t ent[QUIRE__PAIR_ENTRY];
    int e;
    if (i >= (dates ? lo->n_dates : lo->n_urls)) {
        return rx_fail(r, QUIRE_E_INDEX, -1, dates ? "index date table" : "index URL table", d);
    }
    if ((e = quire__rx_read(r, (dates ? lo->dates_at : lo->urls_at) + i * QUIRE__PAIR_ENTRY,
                            sizeof ent, ent, d)) != 0) {
        return e;
    }
    *key = quire__ld64(ent);
    *article = quire__ld64(ent + 8);
    if (*article >= lo->n_articles) {
        return rx_fail(r, QUIRE_E_INDEX, -1, dates ? "index date article" : "index URL article",
                       d);
    }
    return 0;
}

/* keys compare as u64 (URL hashes) or as i64 (dates: flipping the sign
 * bit maps i64 order onto u64 order) */
static int
key_less(uint64_t a, uint64_t b, int dates)
{
    uint64_t f = dates ? (uint64_t)1 << 63 : 0;
    return (a ^ f) < (b ^ f);
}

int
quire__rx_lower(quire_reader *r, int dates, uint64_t key, uint64_t *pos, quire_diag *d)
{
    uint64_t lo = 0, hi = dates ? r->rx.lo.n_dates : r->rx.lo.n_urls;
    while (lo < hi) {
        uint64_t mid = lo + (hi - lo) / 2, k, art;
        int e;
        if ((e = quire__rx_pair(r, dates, mid, &k, &art, d)) != 0) {
            return e;
        }
        if (key_less(k, key, dates)) {
            lo = mid + 1;
        } else {
            hi = mid;
        }
    }
    *pos = lo;
    return 0;
}

void
quire__pair_sum(uint64_t sum[2], const uint8_t key[16], uint64_t k, uint64_t article)
{
    uint8_t in[16], out[16];
    quire__st64(in, k);
    quire__st64(in + 8, article);
    crypto_shorthash_siphashx24(out, in, sizeof in, key);
    sum[0] += quire__ld64(out);
    sum[1] += quire__ld64(out + 8);
}

/* verify's pass: pages in order, each hashed once as the walk reaches it */
typedef struct walk {
    quire_reader *r;
    crypto_generichash_state hs;
    uint64_t hashed; /* pages hashed so far */
} walk;

static int
walk_read(walk *k, uint64_t off, size_t len, uint8_t *out, quire_diag *d)
{
    quire_reader *r = k->r;
    uint64_t last = (off + len + r->rx.eh.page_size - 1) / r->rx.eh.page_size;
    int e;
    while (k->hashed < last && k->hashed < r->rx.eh.n_pages) {
        const uint8_t *p;
        uint64_t n = r->rx.lo.raw_size - k->hashed * r->rx.eh.page_size;
        if ((e = rx_page(r, k->hashed, &p, d)) != 0) {
            return e;
        }
        crypto_generichash_update(&k->hs, p, n < r->rx.eh.page_size ? n : r->rx.eh.page_size);
        k->hashed++;
    }
    return len == 0 ? 0 : quire__rx_read(r, off, len, out, d);
}

/* The Merkle leaves come in chunks of 2^CHUNK_LEVEL: each whole chunk's
 * subtree is hashed over the threads and joins the tree as one node. */
#define CHUNK_LEVEL 12

int
quire__rx_walk(quire_reader *r, int threads, uint8_t digest[32], uint8_t root[32],
               const uint8_t key[16], uint64_t url_sum[2], uint64_t date_sum[2], quire_diag *d)
{
    const size_t chunk = (size_t)1 << CHUNK_LEVEL;
    uint8_t *leaves = NULL, sub[32];
    const quire__ixlayout *lo = &r->rx.lo;
    uint8_t ent[QUIRE__ARTICLE_ENTRY];
    walk k;
    quire__ixwalk w;
    quire__merkle m;
    uint64_t i;
    int64_t eat, art = -1;
    const char *what = NULL;
    int e, t;
    if (sodium_init() < 0) {
        return QUIRE__FAIL(d, QUIRE_E_NOMEM, 0, -1, "index digest");
    }
    if (lo->n_articles >= chunk &&
        (leaves = (uint8_t *)quire__malloc(&r->a, chunk * 32)) == NULL) {
        return QUIRE__FAIL(d, QUIRE_E_NOMEM, r->tr.index_offset, -1, "Merkle tree");
    }
    k.r = r;
    k.hashed = 0;
    crypto_generichash_init(&k.hs, NULL, 0, 32);
    quire__ixwalk_init(&w, &r->lim, lo->n_articles, r->tr.index_offset);
    quire__merkle_init(&m);
    for (i = 0; i < lo->n_blocks; i++) {
        if ((e = walk_read(&k, lo->blocks_at + i * QUIRE__BLOCK_ENTRY, QUIRE__BLOCK_ENTRY, ent,
                           d)) != 0) {
            goto out;
        }
        if ((e = quire__ixwalk_block(&w, ent, &eat, &what)) != 0) {
            goto fail;
        }
    }
    if ((e = quire__ixwalk_blocks_end(&w, &what)) != 0) {
        goto fail;
    }
    for (i = 0; i < lo->n_articles; i++) {
        art = (int64_t)i;
        if (quire__ixwalk_past(&w, i)) {
            quire__iblock b;
            if ((e = block_raw(r, w.in_block ? w.blk + 1 : 0, &b, d)) != 0) {
                goto out;
            }
            if ((e = quire__ixwalk_enter(&w, &b, &eat, &what)) != 0) {
                art = (int64_t)i - 1;
                goto fail;
            }
        }
        if ((e = walk_read(&k, lo->articles_at + i * QUIRE__ARTICLE_ENTRY, QUIRE__ARTICLE_ENTRY,
                           ent, d)) != 0) {
            goto out;
        }
        if ((e = quire__ixwalk_article(&w, ent, &eat, &what)) != 0) {
            goto fail;
        }
        if (i < lo->n_articles / chunk * chunk) { /* a whole chunk's leaf */
            memcpy(leaves + (size_t)(i % chunk) * 32, ent, 32);
            if ((i + 1) % chunk == 0 &&
                ((e = quire__merkle_root_mt(leaves, 32, chunk, threads, sub)) != 0 ||
                 (e = quire__merkle_add_subtree(&m, sub, CHUNK_LEVEL)) != 0)) {
                goto merkle_fail;
            }
        } else if ((e = quire__merkle_add(&m, ent)) != 0) {
            goto merkle_fail;
        }
    }
    art = -1;
    if ((e = quire__ixwalk_articles_end(&w, &eat, &what)) != 0) {
        goto fail;
    }
    for (t = 0; t < 2; t++) {
        uint64_t n = t ? lo->n_dates : lo->n_urls, at = t ? lo->dates_at : lo->urls_at;
        uint64_t *sum = t ? date_sum : url_sum;
        sum[0] = sum[1] = 0;
        if ((e = walk_read(&k, at - 8, 8, ent, d)) != 0) { /* the count: hashed, checked at open */
            goto out;
        }
        for (i = 0; i < n; i++) {
            if ((e = walk_read(&k, at + i * QUIRE__PAIR_ENTRY, QUIRE__PAIR_ENTRY, ent, d)) != 0) {
                goto out;
            }
            if ((e = quire__ixwalk_pair(&w, i, ent, t, &eat, &what)) != 0) {
                goto fail;
            }
            quire__pair_sum(sum, key, quire__ld64(ent), quire__ld64(ent + 8));
        }
    }
    if ((e = walk_read(&k, lo->raw_size, 0, NULL, d)) != 0) {
        goto out;
    }
    crypto_generichash_final(&k.hs, digest, 32);
    if ((e = quire__merkle_root(&m, root)) != 0) {
        goto merkle_fail;
    }
    quire__free(&r->a, leaves);
    return 0;
merkle_fail:
    quire__free(&r->a, leaves);
    return QUIRE__FAIL(d, e, r->tr.index_offset, -1, "Merkle tree");
fail:
    quire__free(&r->a, leaves);
    return rx_fail(r, e, art, what, d);
out:
    quire__free(&r->a, leaves);
    return e;
}

int
quire__env_inflate(const quire__allocator *a, const quire__env_head *eh, const quire__limits *l,
                   uint8_t *raw, const char **what, const char **zmsg)
{
    uint32_t k;
    *what = "index data";
    if (eh->codec == QUIRE__CODEC_STORED) {
        if (eh->raw_size != 0) {
            memcpy(raw, eh->data, (size_t)eh->raw_size);
        }
        return 0;
    }
    if (eh->codec == QUIRE__CODEC_ZLIB) {
        return quire__inflate(a, eh->data, eh->data_len, raw, (size_t)eh->raw_size, NULL, 0, zmsg);
    }
    for (k = 0; k < eh->n_pages; k++) {
        size_t start, len, n;
        uint64_t at;
        int e;
        if ((e = quire__env_page(eh, l, k, &start, &len, &n, &at, what)) != 0 ||
            (e = quire__inflate(a, eh->data + start, len, raw + (size_t)k * eh->page_size, n, NULL,
                                0, zmsg)) != 0) {
            return e;
        }
    }
    return 0;
}
