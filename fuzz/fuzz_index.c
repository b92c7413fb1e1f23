/* fuzz_index.c - the index decoder on uncompressed bytes: format/index.c.
 * An accepted index answers every lookup inside its tables. */
#include <stdint.h>
#include <stdlib.h>

#include "format.h"
#include "quire.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    quire__limits l;
    quire__cur c;
    quire__index ix;
    quire__ixlayout lo;
    uint64_t i, lat;
    int64_t at;
    const char *what;
    quire__limits_default(&l);
    quire__cur_init(&c, data, size, 0);
    if (quire__index_decode(&c, &l, UINT64_MAX / 2, &ix) != 0) {
        if (c.err_off > size || c.err_what == NULL) {
            abort();
        }
        return 0;
    }
    for (i = 0; i < ix.n_articles; i++) {
        const uint8_t *dg;
        uint32_t b, off, len;
        quire__iblock blk;
        quire__index_article(&ix, i, &dg, &b, &off, &len);
        if (b >= ix.n_blocks) {
            abort();
        }
        quire__index_block(&ix, b, &blk);
        if (i < blk.first_article || i >= blk.first_article + blk.n_records || off < 4 ||
            (uint64_t)off + len > blk.raw_size) {
            abort();
        }
        /* what a reader of a paged index checks entry by entry [7.6] holds
         * for every entry of an index the whole-index rules accept */
        if (quire__ix_article_check(&blk, i, off, len, &l, &at, &what) != 0) {
            abort();
        }
    }
    /* the layout a paged reader finds with three small reads is the one
     * the decoder found */
    if (quire__ixlayout_head(&lo, size, data, &l, &lat, &what) != 0 ||
        quire__ixlayout_urls(&lo, data + lo.urls_at - 8, &l, &lat, &what) != 0 ||
        quire__ixlayout_dates(&lo, data + lo.dates_at - 8, &l, &lat, &what) != 0 ||
        lo.n_articles != ix.n_articles || lo.n_urls != ix.n_urls || lo.n_dates != ix.n_dates ||
        data + lo.urls_at != ix.urls || data + lo.dates_at != ix.dates) {
        abort();
    }
    for (i = 0; i < ix.n_urls; i++) {
        uint64_t h, art;
        quire__index_url(&ix, i, &h, &art);
        if (art >= ix.n_articles || quire__index_url_lower(&ix, h) > i) {
            abort();
        }
    }
    for (i = 0; i < ix.n_dates; i++) {
        int64_t s;
        uint64_t art;
        quire__index_date(&ix, i, &s, &art);
        if (art >= ix.n_articles || quire__index_date_lower(&ix, s) > i) {
            abort();
        }
    }
    return 0;
}
