/* reader.c - indexed and sequential reading (spec sections 2-8). */
#define _DEFAULT_SOURCE /* madvise */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sodium.h>

#include "internal.h"

static void
cache_init(quire_reader *r)
{
    size_t i;
    memset(r->cache, 0, sizeof r->cache);
    for (i = 0; i < QUIRE__CACHE_MAX; i++) {
        r->cache[i].no = -1;
    }
    r->cur = NULL;
    r->clock = 0;
    r->inflates = 0;
}

/* see quire.h */
int
quire_reader_new(quire_reader **out, const quire_alloc *alloc)
{
    quire__allocator al;
    quire_reader *r;
    if (out == NULL) {
        return QUIRE_E_ARG;
    }
    *out = NULL;
    quire__allocator_from(&al, alloc);
    r = (quire_reader *)quire__malloc(&al, sizeof *r);
    if (r == NULL) {
        return QUIRE_E_NOMEM;
    }
    memset(r, 0, sizeof *r);
    r->a = al;
    quire__limits_default(&r->lim);
    cache_init(r);
    r->n_cache = QUIRE__CACHE_DEFAULT;
    quire__buf_init(&r->exp, &r->a, 0);
    *out = r;
    return QUIRE_OK;
}

/* Pages of a mapped archive that will not be read again (a block once
 * inflated, the index frame once inflated) go back to the kernel, so the
 * memory of reading the whole archive stays independent of its size. The
 * mapping is read-only and file-backed: a later read faults them in again. */
void
quire__reader_release(const quire_reader *r, uint64_t off, uint64_t len)
{
    long page = sysconf(_SC_PAGESIZE);
    uint64_t lo, hi;
    if (r->map == NULL || page <= 0 || off > r->len || len > r->len - off) {
        return;
    }
    lo = off / (uint64_t)page * (uint64_t)page;
    hi = (off + len) / (uint64_t)page * (uint64_t)page;
    if (hi > lo) {
        (void)madvise((uint8_t *)r->map + lo, (size_t)(hi - lo), MADV_DONTNEED);
    }
}

/* A reader on the same bytes as an open reader p that borrows p's inflated
 * index instead of inflating its own: verify's worker threads read blocks
 * through one each, and one copy of the index serves them all. w must be
 * new and must be freed before p. */
void
quire__reader_share(quire_reader *w, const quire_reader *p)
{
    quire__allocator a = w->a;
    *w = *p;
    w->a = a;
    w->map = NULL;      /* p unmaps */
    w->map_len = 0;
    w->map_borrowed = 0;
    w->index_raw = NULL; /* borrowed: w->ix points into p's */
    quire__rx_share(&w->rx); /* but its own page cache */
    cache_init(w); /* w->n_cache stays p's */
    w->blk = NULL;
    w->blk_cap = 0;
    w->blk_len = 0;
    memset(&w->scan, 0, sizeof w->scan);
    memset(&w->recs, 0, sizeof w->recs);
    w->in_block = 0;
    w->scan_next_article = 0;
    w->scan_block_at = 0;
    w->scan_seen_block = 0;
    w->ref = NULL;
    w->ref_cap = 0;
    w->ref_len = 0;
    w->ref_frame = 0;
    w->ref_first = 0;
    w->ref_ok = 0;
    quire__buf_init(&w->exp, &w->a, 0);
    w->sblk = NULL;
    w->n_sblk = 0;
    w->sblk_cap = 0;
}

void
quire__reader_share_mapping(quire_reader *w, const quire_reader *p)
{
    w->map = p->map;
    w->map_len = p->map_len;
    w->map_borrowed = 1;
}

/* see quire.h */
void
quire_reader_free(quire_reader *r)
{
    size_t i;
    if (r == NULL) {
        return;
    }
    if (r->map != NULL && !r->map_borrowed) {
        munmap(r->map, r->map_len);
    }
    quire__free(&r->a, r->index_raw);
    quire__rx_free(r);
    for (i = 0; i < QUIRE__CACHE_MAX; i++) {
        quire__free(&r->a, r->cache[i].p);
    }
    quire__free(&r->a, r->blk);
    quire__free(&r->a, r->ref);
    quire__free(&r->a, r->sblk);
    quire__buf_free(&r->exp);
    quire__free(&r->a, r);
}

/* see quire.h */
int
quire_reader_set_cache(quire_reader *r, size_t blocks)
{
    size_t i;
    if (r == NULL || blocks < 2 || blocks > QUIRE__CACHE_MAX) {
        return QUIRE_E_ARG;
    }
    /* entries past the new size go (none of them is cur: cur is dropped) */
    for (i = blocks; i < QUIRE__CACHE_MAX; i++) {
        quire__free(&r->a, r->cache[i].p);
        r->cache[i].p = NULL;
        r->cache[i].cap = 0;
        r->cache[i].no = -1;
        r->cache[i].have = 0;
    }
    r->cur = NULL;
    r->n_cache = blocks;
    return QUIRE_OK;
}

/* see quire.h */
int
quire_reader_set_limit(quire_reader *r, int which, uint64_t value)
{
    if (r == NULL) {
        return QUIRE_E_ARG;
    }
    if (r->state != R_NEW) {
        return QUIRE_E_BADSTATE;
    }
    return quire__limits_set(&r->lim, which, value);
}

/* Any failure of a sequential read poisons the reader: its cursors have
 * moved past what failed, so a retry could silently skip data. */
static int
poison(quire_reader *r, int code)
{
    r->state = R_POISONED;
    return code;
}

static int
map_file(quire_reader *r, const char *path, quire_diag *d)
{
    struct stat st;
    int fd;
    void *m;
    if (r == NULL || path == NULL) {
        return QUIRE__FAIL(d, QUIRE_E_ARG, 0, -1, "reader");
    }
    if (r->state != R_NEW) {
        return QUIRE__FAIL(d, QUIRE_E_BADSTATE, 0, -1, "reader");
    }
    fd = open(path, O_RDONLY);
    if (fd < 0) {
        return QUIRE__FAIL(d, QUIRE_E_IO, 0, -1, "open archive");
    }
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        close(fd);
        return QUIRE__FAIL(d, QUIRE_E_IO, 0, -1, "archive is not a regular file");
    }
    if ((uint64_t)st.st_size > (uint64_t)SIZE_MAX) {
        close(fd);
        return QUIRE__FAIL(d, QUIRE_E_LIMIT, 0, -1, "archive size");
    }
    if (st.st_size == 0) {
        close(fd);
        r->buf = NULL;
        r->len = 0;
        return 0;
    }
    m = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
    close(fd);
    if (m == MAP_FAILED) {
        return QUIRE__FAIL(d, QUIRE_E_IO, 0, -1, "map archive");
    }
    r->map = m;
    r->map_len = (size_t)st.st_size;
    r->buf = (const uint8_t *)m;
    r->len = (size_t)st.st_size;
    return 0;
}

/* Decodes the frame that starts at off and must end at or before end. */
int
quire__reader_frame_at(quire_reader *r, uint64_t off, uint64_t end, quire__frame *f, quire_diag *d,
         int64_t article, const char *what)
{
    quire__cur c;
    if (off > end || end > r->len || end - off < QUIRE__FRAME_OVERHEAD) {
        return QUIRE__FAIL(d, off >= r->len ? QUIRE_E_TRUNCATED : QUIRE_E_INDEX, off, article,
                           what);
    }
    quire__cur_init(&c, r->buf + off, (size_t)(end - off), off);
    if (quire__frame_decode(&c, &r->lim, f) != 0) {
        return quire__fail_cur(d, &c, article);
    }
    return 0;
}

/* The INDX frame at the trailer's index_offset. A paged index [7.1] is
 * not summed whole: its head and directory carry their own CRC-32 and
 * each page its zlib Adler-32, checked as pages are read, so that opening
 * does not read the whole frame. Other codecs: the frame's CRC-32. */
static int
index_frame(quire_reader *r, uint64_t tr_at, quire__frame *f, quire_diag *d)
{
    uint64_t off = r->tr.index_offset;
    quire__cur c;
    if (off <= tr_at && tr_at - off >= QUIRE__FRAME_OVERHEAD + 1 &&
        r->buf[off + QUIRE__FRAME_HEAD] == QUIRE__CODEC_PAGED) {
        quire__cur_init(&c, r->buf + off, (size_t)(tr_at - off), off);
        if (quire__frame_decode_ex(&c, &r->lim, f, 0) != 0) {
            return quire__fail_cur(d, &c, -1);
        }
        return 0;
    }
    return quire__reader_frame_at(r, off, tr_at, f, d, -1, "index frame");
}

/* Searches backwards for the last complete trailer: a TRLR frame whose
 * CRC matches, whose payload ends with the end mark, and which names its
 * own offset. Returns its offset, or 0 if there is none. */
static uint64_t
find_last_trailer(const quire_reader *r)
{
    static const uint8_t tag[4] = {'T', 'R', 'L', 'R'};
    uint64_t at;
    if (r->len < QUIRE__HEADER_LEN + QUIRE__TRAILER_FRAME) {
        return 0;
    }
    for (at = r->len - QUIRE__TRAILER_FRAME; at >= QUIRE__HEADER_LEN; at--) {
        const uint8_t *p = r->buf + at;
        if (memcmp(p, tag, 4) == 0 && quire__ld32(p + 8) == QUIRE__TRAILER_PAYLOAD &&
            quire__ld64(p + QUIRE__FRAME_HEAD + 40) == at &&
            quire__crc32(0, p, QUIRE__FRAME_HEAD + QUIRE__TRAILER_PAYLOAD) ==
                quire__ld32(p + QUIRE__FRAME_HEAD + QUIRE__TRAILER_PAYLOAD)) {
            return at;
        }
    }
    return 0;
}

/* the compressed index is read once: its pages go back as zlib consumes
 * them, so that it and the inflated index are not in memory together */
typedef struct index_progress {
    quire_reader *r;
    uint64_t at; /* file offset of the compressed data */
} index_progress;

static void
index_consumed(void *ctx, size_t n)
{
    const index_progress *ic = (const index_progress *)ctx;
    quire__reader_release(ic->r, ic->r->tr.index_offset, ic->at + n - ic->r->tr.index_offset);
}

static int
open_indexed(quire_reader *r, quire_diag *d)
{
    index_progress ic;
    quire__cur c;
    quire__frame f;
    quire__env_head eh;
    const char *zmsg = NULL;
    uint64_t tr_at;
    int e;

    quire__cur_init(&c, r->buf, r->len, 0);
    if (quire__header_decode(&c, &r->hdr) != 0) {
        return quire__fail_cur(d, &c, -1);
    }
    if (r->len < QUIRE__HEADER_LEN + QUIRE__TRAILER_FRAME) {
        return QUIRE__FAIL(d, QUIRE_E_TRUNCATED, r->len, -1, "trailer (file too short)");
    }
    /* trailer: the last QUIRE__TRAILER_FRAME bytes [8] */
    tr_at = r->len - QUIRE__TRAILER_FRAME;
    if ((e = quire__reader_frame_at(r, tr_at, r->len, &f, d, -1, "trailer")) != 0 ||
        f.type != QUIRE__FT_TRLR) {
        /* an append interrupted before its trailer leaves a torn tail
         * after the last complete checkpoint: use that checkpoint [3.6] */
        uint64_t at = find_last_trailer(r);
        if (at == 0) {
            if (e == 0) {
                return QUIRE__FAIL(d, QUIRE_E_TRAILER, tr_at, -1, "trailer frame type");
            }
            if (e == QUIRE_E_FRAME || e == QUIRE_E_LIMIT || e == QUIRE_E_TRUNCATED) {
                /* not a frame at all: most likely a truncated file */
                return QUIRE__FAIL(d, QUIRE_E_TRAILER, tr_at, -1,
                                   "trailer (missing: file truncated or still being written?)");
            }
            return e;
        }
        r->torn_tail = r->len - (at + QUIRE__TRAILER_FRAME);
        r->len = (size_t)(at + QUIRE__TRAILER_FRAME);
        tr_at = at;
        if ((e = quire__reader_frame_at(r, tr_at, r->len, &f, d, -1, "trailer")) != 0) {
            return e;
        }
    }
    if (f.type != QUIRE__FT_TRLR) {
        return QUIRE__FAIL(d, QUIRE_E_TRAILER, tr_at, -1, "trailer frame type");
    }
    quire__cur_init(&c, f.payload, f.len, tr_at + QUIRE__FRAME_HEAD);
    if (quire__trailer_decode(&c, &r->tr) != 0) {
        return quire__fail_cur(d, &c, -1);
    }
    if (r->tr.n_articles > r->lim.articles) {
        return QUIRE__FAIL(d, QUIRE_E_LIMIT, tr_at + QUIRE__FRAME_HEAD + 24, -1,
                           "trailer article count");
    }
    /* index [7] */
    if (r->tr.index_offset < QUIRE__HEADER_LEN || r->tr.index_offset >= tr_at) {
        return QUIRE__FAIL(d, QUIRE_E_TRAILER, tr_at + QUIRE__FRAME_HEAD, -1,
                           "trailer index offset");
    }
    if ((e = index_frame(r, tr_at, &f, d)) != 0) {
        return e;
    }
    if (f.type != QUIRE__FT_INDX) {
        return QUIRE__FAIL(d, QUIRE_E_INDEX, r->tr.index_offset, -1, "index frame type");
    }
    r->index_frame_size = (uint64_t)f.len + QUIRE__FRAME_OVERHEAD;
    quire__cur_init(&c, f.payload, f.len, r->tr.index_offset + QUIRE__FRAME_HEAD);
    if (quire__env_head_decode(&c, &r->lim, &eh) != 0) {
        return quire__fail_cur(d, &c, -1);
    }
    if (eh.codec == QUIRE__CODEC_PAGED) {
        /* pages are inflated when read; open reads at most three */
        if ((e = quire__rx_open(r, &eh, d)) != 0) {
            return e;
        }
    } else {
        ic.r = r;
        ic.at = (uint64_t)(eh.data - r->buf);
        r->index_raw = (uint8_t *)quire__malloc(&r->a, (size_t)eh.raw_size);
        if (r->index_raw == NULL) {
            return QUIRE__FAIL(d, QUIRE_E_NOMEM, r->tr.index_offset, -1, "index");
        }
        r->index_raw_len = (size_t)eh.raw_size;
        if (eh.codec == QUIRE__CODEC_STORED) {
            if (eh.raw_size != 0) {
                memcpy(r->index_raw, eh.data, (size_t)eh.raw_size);
            }
        } else if ((e = quire__inflate_ex(&r->a, eh.data, eh.data_len, r->index_raw,
                                          (size_t)eh.raw_size, (size_t)eh.raw_size, NULL, 0,
                                          index_consumed, &ic, &zmsg)) != 0) {
            return QUIRE__FAIL_DETAIL(d, e, r->tr.index_offset + QUIRE__FRAME_HEAD + 12, -1,
                                      "index data", zmsg);
        }
        quire__reader_release(r, r->tr.index_offset, r->index_frame_size);
        /* offsets reported inside the inflated index are relative to it; say so */
        quire__cur_init(&c, r->index_raw, r->index_raw_len, 0);
        if (quire__index_decode(&c, &r->lim, r->tr.index_offset, &r->ix) != 0) {
            return QUIRE__FAIL_DETAIL(d, c.err, r->tr.index_offset, -1, c.err_what,
                                      "inside the inflated index");
        }
        (void)quire__rx_open(r, NULL, d);
    }
    if (r->rx.lo.n_articles != r->tr.n_articles) {
        return QUIRE__FAIL(d, QUIRE_E_TRAILER, tr_at + QUIRE__FRAME_HEAD + 24, -1,
                           "trailer article count differs from the index");
    }
    /* preset dictionary [4.3] */
    if (r->tr.dict_offset != 0) {
        uint64_t end;
        if (r->tr.dict_offset < QUIRE__HEADER_LEN || r->tr.dict_offset >= tr_at) {
            return QUIRE__FAIL(d, QUIRE_E_TRAILER, tr_at + QUIRE__FRAME_HEAD + 8, -1,
                               "trailer dictionary offset");
        }
        end = r->tr.index_offset;
        if (r->rx.lo.n_blocks > 0) {
            quire__iblock b0;
            if ((e = quire__rx_block(r, 0, &b0, d)) != 0) {
                return e;
            }
            end = b0.frame_offset;
        }
        if ((e = quire__reader_frame_at(r, r->tr.dict_offset, end, &f, d, -1, "dictionary frame")) != 0) {
            return e;
        }
        if (f.type != QUIRE__FT_DICT || f.len == 0 || f.len > 32768) {
            return QUIRE__FAIL(d, QUIRE_E_DICT, r->tr.dict_offset, -1, "dictionary frame");
        }
        r->dict = f.payload;
        r->dict_len = f.len;
    }
    if (r->tr.seal_offset != 0) {
        if (r->tr.seal_offset < QUIRE__HEADER_LEN || r->tr.seal_offset >= tr_at) {
            return QUIRE__FAIL(d, QUIRE_E_TRAILER, tr_at + QUIRE__FRAME_HEAD + 16, -1,
                               "trailer seal offset");
        }
        if ((e = quire__reader_frame_at(r, r->tr.seal_offset, tr_at, &f, d, -1, "seal frame")) != 0) {
            return e;
        }
        if (f.type != QUIRE__FT_SEAL) {
            return QUIRE__FAIL(d, QUIRE_E_TRAILER, r->tr.seal_offset, -1, "seal frame type");
        }
        /* the seal's structure is checked here; its signatures by verify */
        {
            size_t k;
            quire__sigentry se;
            quire__cur_init(&c, f.payload, f.len, r->tr.seal_offset + QUIRE__FRAME_HEAD);
            if (quire__seal_decode_head(&c, &r->stmt, &r->stmt_len, &r->st, &r->n_sigs) != 0) {
                return quire__fail_cur(d, &c, -1);
            }
            r->sigs = c.buf + c.off;
            for (k = 0; k < r->n_sigs; k++) {
                if (quire__seal_next_sig(&c, &se) != 0) {
                    return quire__fail_cur(d, &c, -1);
                }
            }
            r->sigs_len = (size_t)(c.buf + c.off - r->sigs);
            r->tail = c.buf + c.off;
            r->tail_len = quire__cur_left(&c);
            if (quire__seal_decode_tail(&c, &r->st, &r->prev_size, &r->cpath, &r->n_cpath) != 0) {
                return quire__fail_cur(d, &c, -1);
            }
            r->has_seal = 1;
            r->seal_offset = r->tr.seal_offset;
        }
    }
    return 0;
}

/* A failed open leaves nothing half-open: resources go, and malformed
 * input poisons the handle; after a resource error the caller may retry
 * with a fresh handle. */
static int
open_failed(quire_reader *r, int e)
{
    if (r->map != NULL) {
        munmap(r->map, r->map_len);
        r->map = NULL;
    }
    quire__free(&r->a, r->index_raw);
    r->index_raw = NULL;
    quire__rx_free(r);
    r->buf = NULL;
    r->len = 0;
    r->state = (quire_error_class(e) == QUIRE_CLASS_RESOURCE ||
                quire_error_class(e) == QUIRE_CLASS_MISUSE)
                   ? R_NEW
                   : R_POISONED;
    return e;
}

/* see quire.h */
int
quire_reader_open_memory(quire_reader *r, const void *buf, size_t len, quire_diag *d)
{
    int e;
    if (r == NULL || (buf == NULL && len != 0)) {
        return QUIRE__FAIL(d, QUIRE_E_ARG, 0, -1, "reader");
    }
    if (r->state != R_NEW) {
        return QUIRE__FAIL(d, QUIRE_E_BADSTATE, 0, -1, "reader");
    }
    r->buf = (const uint8_t *)buf;
    r->len = len;
    e = open_indexed(r, d);
    if (e != 0) {
        return open_failed(r, e);
    }
    r->state = R_INDEXED;
    return 0;
}

/* see quire.h */
int
quire_reader_open_file(quire_reader *r, const char *path, quire_diag *d)
{
    int e = map_file(r, path, d);
    if (e != 0) {
        return e;
    }
    e = open_indexed(r, d);
    if (e != 0) {
        return open_failed(r, e);
    }
    r->state = R_INDEXED;
    return 0;
}

/* see quire.h */
int
quire_reader_stat(const quire_reader *r, int which, uint64_t *value)
{
    uint64_t v = 0, i;
    if (r == NULL || value == NULL) {
        return QUIRE_E_ARG;
    }
    if (r->state != R_INDEXED) {
        return QUIRE_E_BADSTATE;
    }
    switch (which) {
    case QUIRE_STAT_ARTICLES: v = r->rx.lo.n_articles; break;
    case QUIRE_STAT_BLOCKS: v = r->rx.lo.n_blocks; break;
    case QUIRE_STAT_FILE_SIZE: v = r->len; break;
    case QUIRE_STAT_FORMAT_MAJOR: v = r->hdr.major; break;
    case QUIRE_STAT_FORMAT_MINOR: v = r->hdr.minor; break;
    case QUIRE_STAT_INDEX_OFFSET: v = r->tr.index_offset; break;
    case QUIRE_STAT_INDEX_SIZE: v = r->index_frame_size; break;
    case QUIRE_STAT_DICT_SIZE: v = r->dict_len; break;
    case QUIRE_STAT_URLS: v = r->rx.lo.n_urls; break;
    case QUIRE_STAT_DATES: v = r->rx.lo.n_dates; break;
    case QUIRE_STAT_CHECKPOINT: v = r->tr.checkpoint; break;
    case QUIRE_STAT_SIGNATURES: v = r->has_seal ? r->n_sigs : 0; break;
    case QUIRE_STAT_SEALED: v = (uint64_t)r->has_seal; break;
    case QUIRE_STAT_CREATED: v = r->has_seal ? (uint64_t)r->st.created : 0; break;
    case QUIRE_STAT_TORN_TAIL: v = r->torn_tail; break;
    case QUIRE_STAT_INFLATES: v = r->inflates; break;
    case QUIRE_STAT_RAW_SIZE:
    case QUIRE_STAT_BLOCK_BYTES:
        for (i = 0; i < r->rx.lo.n_blocks; i++) {
            quire__iblock b;
            /* a paged index reads its pages into the reader's cache: the
             * handle is const to its caller, not to this cache */
            int e = quire__rx_block((quire_reader *)(uintptr_t)r, i, &b, NULL);
            if (e != 0) {
                return e;
            }
            v += which == QUIRE_STAT_RAW_SIZE ? b.raw_size : b.frame_size;
        }
        break;
    default: return QUIRE_E_ARG;
    }
    *value = v;
    return QUIRE_OK;
}

static int
ensure_buf(quire_reader *r, uint8_t **buf, size_t *cap, size_t n)
{
    uint8_t *p;
    if (n <= *cap && *buf != NULL) {
        return 0;
    }
    p = (uint8_t *)quire__malloc(&r->a, n);
    if (p == NULL) {
        return QUIRE_E_NOMEM;
    }
    quire__free(&r->a, *buf);
    *buf = p;
    *cap = n;
    return 0;
}

/* Inflates need bytes of a block whose header is h into *buf (grown to
 * *cap as needed). */
static int
inflate_to(quire_reader *r, const quire__block_head *h, uint64_t frame_at, int64_t article,
           size_t need, uint8_t **buf, size_t *cap, quire_diag *d)
{
    const char *zmsg = NULL;
    int e;
    if ((h->flags & QUIRE__BLOCK_F_DICT) != 0 && r->dict == NULL) {
        return QUIRE__FAIL(d, QUIRE_E_DICT, frame_at + QUIRE__FRAME_HEAD + 1, article,
                           "block dictionary flag");
    }
    if ((e = ensure_buf(r, buf, cap, h->raw_size)) != 0) {
        return QUIRE__FAIL(d, e, frame_at, article, "block buffer");
    }
    if (h->codec == QUIRE__CODEC_STORED) {
        if (h->raw_size != 0) {
            memcpy(*buf, h->data, h->raw_size);
        }
    } else if ((e = quire__inflate_prefix(&r->a, h->data, h->data_len, *buf, h->raw_size,
                                          need, (h->flags & QUIRE__BLOCK_F_DICT) ? r->dict : NULL,
                                          r->dict_len, &zmsg)) != 0) {
        return QUIRE__FAIL_DETAIL(d, e, frame_at + QUIRE__FRAME_HEAD + QUIRE__BLOCK_HEAD, article,
                                  "block data", zmsg);
    }
    return 0;
}

/* Inflates a whole block whose header is h into r->blk (scan mode). */
static int
inflate_block(quire_reader *r, const quire__block_head *h, uint64_t frame_at, int64_t article,
              quire_diag *d)
{
    int e;
    if ((e = inflate_to(r, h, frame_at, article, h->raw_size, &r->blk, &r->blk_cap, d)) != 0) {
        return e;
    }
    r->blk_len = h->raw_size;
    return 0;
}

/* Reads the BLOK frame at off (ending by end) and decodes its header into
 * *h; size, unless 0, is the frame size the index gives it. */
static int
read_block_head(quire_reader *r, uint64_t off, uint64_t end, uint64_t size, int64_t article,
                quire__block_head *h, quire_diag *d)
{
    quire__frame f;
    quire__cur c;
    int e;
    if ((e = quire__reader_frame_at(r, off, end, &f, d, article, "block frame")) != 0) {
        return e;
    }
    if (f.type != QUIRE__FT_BLOK || (size != 0 && (uint64_t)f.len + QUIRE__FRAME_OVERHEAD != size)) {
        return QUIRE__FAIL(d, QUIRE_E_INDEX, off, article, "block frame");
    }
    quire__cur_init(&c, f.payload, f.len, off + QUIRE__FRAME_HEAD);
    if (quire__block_head_decode(&c, &r->lim, h) != 0) {
        return quire__fail_cur(d, &c, article);
    }
    return 0;
}

/* Inflates the whole block of the BLOK frame at off into r->ref, for the
 * records that parts refer to [5.6] (scan mode; the indexed reader takes
 * them from its cache). */
static int
load_ref_block(quire_reader *r, uint64_t off, int64_t article, quire_diag *d)
{
    quire__block_head h;
    int e;
    if (r->ref_ok && r->ref_frame == off) {
        return 0;
    }
    r->ref_ok = 0;
    if ((e = read_block_head(r, off, r->len, 0, article, &h, d)) != 0) {
        return e;
    }
    if ((e = inflate_to(r, &h, off, article, h.raw_size, &r->ref, &r->ref_cap, d)) != 0) {
        return e;
    }
    r->ref_len = h.raw_size;
    r->ref_first = h.first_article;
    r->ref_frame = off;
    r->ref_ok = 1;
    return 0;
}

static int cache_load(quire_reader *r, uint32_t bno, size_t need, int64_t article,
                      quire__cblock **out, quire_diag *d);

/* quire__fetch_fn of the indexed reader: article t through the index */
static int
fetch_indexed(void *ctx, uint64_t t, const uint8_t **rec, size_t *len, quire_diag *d)
{
    quire_reader *r = (quire_reader *)ctx;
    uint32_t bno, off, rl;
    quire__iblock ib;
    int e;
    quire__cblock *cb;
    if ((e = quire__rx_article(r, t, NULL, &bno, &off, &rl, d)) != 0 ||
        (e = quire__rx_block(r, bno, &ib, d)) != 0) {
        return e;
    }
    if ((uint64_t)off + rl > ib.raw_size) {
        return QUIRE__FAIL(d, QUIRE_E_INDEX, ib.frame_offset, (int64_t)t, "record offset");
    }
    /* from the cache, or inflated into it as far as the record ends (its
     * bytes are checked through the digest of the record they expand into);
     * the block of the record being expanded (cur) stays */
    if ((e = cache_load(r, bno, (size_t)off + rl, (int64_t)t, &cb, d)) != 0) {
        return e;
    }
    *rec = cb->p + off;
    *len = rl;
    return 0;
}

const quire__allocator *
quire__reader_allocator(const quire_reader *r)
{
    return &r->a;
}

int
quire__reader_stored(quire_reader *r, uint64_t t, const uint8_t **rec, size_t *len, quire_diag *d)
{
    if (r->state != R_INDEXED || t >= r->rx.lo.n_articles) {
        return QUIRE__FAIL(d, QUIRE_E_NOTFOUND, 0, (int64_t)t, "article number");
    }
    return fetch_indexed(r, t, rec, len, d);
}

/* quire__fetch_fn of the sequential reader: article t from a block frame
 * met earlier in the scan */
static int
fetch_scanned(void *ctx, uint64_t t, const uint8_t **rec, size_t *len, quire_diag *d)
{
    quire_reader *r = (quire_reader *)ctx;
    size_t lo = 0, hi = r->n_sblk;
    int e;
    while (hi - lo > 1) { /* the last block whose first article is <= t */
        size_t mid = lo + (hi - lo) / 2;
        if (r->sblk[mid][1] <= t) {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    if (r->n_sblk == 0 || r->sblk[lo][1] > t) {
        return QUIRE__FAIL(d, QUIRE_E_RECORD, r->scan_block_at, (int64_t)t,
                           "part reference (article not found)");
    }
    if ((e = load_ref_block(r, r->sblk[lo][0], (int64_t)t, d)) != 0) {
        return e;
    }
    e = quire__block_record(&r->lim, r->ref, r->ref_len, r->ref_first, t, rec, len);
    if (e != 0) {
        return QUIRE__FAIL(d, e == QUIRE_E_NOTFOUND ? QUIRE_E_RECORD : e, r->sblk[lo][0],
                           (int64_t)t, "part reference (article not found)");
    }
    return 0;
}

/* Expands a stored record with references into r->exp [5.6]. */
static int
expand(quire_reader *r, const uint8_t **rec, size_t *len, uint64_t n, uint64_t at,
       quire__fetch_fn fetch, quire_diag *d)
{
    int e;
    r->exp.max = (size_t)r->lim.record;
    if ((e = quire__expand_record(&r->a, &r->lim, *rec, *len, n, at, fetch, r, &r->exp, d)) !=
        0) {
        return e;
    }
    *rec = r->exp.p;
    *len = r->exp.len;
    return 0;
}

/* The cache entry holding block bno, or NULL. */
static quire__cblock *
cache_find(quire_reader *r, uint32_t bno)
{
    size_t i;
    for (i = 0; i < r->n_cache; i++) {
        if (r->cache[i].no == (int64_t)bno) {
            return &r->cache[i];
        }
    }
    return NULL;
}

/* Makes at least need bytes (capped at the block's size) of block bno
 * available in a cache entry (*out), inflating into the least recently
 * used entry other than cur when the block is not there or not far
 * enough. Entries older than the two last used are freed while the cache
 * holds more than QUIRE__CACHE_BYTES. Does not change cur. */
static int
cache_load(quire_reader *r, uint32_t bno, size_t need, int64_t article, quire__cblock **out,
           quire_diag *d)
{
    quire__iblock ib;
    quire__block_head h;
    quire__cblock *cb;
    size_t i, bytes = 0;
    int e;
    if ((e = quire__rx_block(r, bno, &ib, d)) != 0) {
        return e;
    }
    if (need > ib.raw_size) {
        need = ib.raw_size;
    }
    cb = cache_find(r, bno);
    if (cb != NULL && cb->have >= need) {
        cb->used = ++r->clock;
        *out = cb;
        return 0;
    }
    if (cb != NULL) {
        /* a second, longer prefix of the same block: reading on through it
         * (export, cat, a scan in number order) would otherwise inflate it
         * again for every article, so take the whole block this time */
        need = ib.raw_size;
    }
    if ((e = read_block_head(r, ib.frame_offset, ib.frame_offset + ib.frame_size, ib.frame_size,
                             article, &h, d)) != 0) {
        return e;
    }
    if (h.raw_size != ib.raw_size || h.n_records != ib.n_records ||
        h.first_article != ib.first_article) {
        return QUIRE__FAIL(d, QUIRE_E_INDEX, ib.frame_offset + QUIRE__FRAME_HEAD, article,
                           "block header differs from the index");
    }
    if (cb == NULL) { /* the least recently used entry that is not cur */
        for (i = 0; i < r->n_cache; i++) {
            quire__cblock *x = &r->cache[i];
            if (x != r->cur && (cb == NULL || x->no < 0 || (cb->no >= 0 && x->used < cb->used))) {
                cb = x;
            }
        }
    }
    cb->no = -1; /* until the inflate succeeds */
    if ((e = inflate_to(r, &h, ib.frame_offset, article, need, &cb->p, &cb->cap, d)) != 0) {
        return e;
    }
    r->inflates++;
    cb->no = bno;
    cb->have = h.codec == QUIRE__CODEC_STORED ? h.raw_size : need;
    cb->used = ++r->clock;
    *out = cb;
    /* a budget for caches of big blocks: the two last used always stay */
    for (i = 0; i < r->n_cache; i++) {
        bytes += r->cache[i].cap;
    }
    while (bytes > QUIRE__CACHE_BYTES) {
        quire__cblock *old = NULL;
        for (i = 0; i < r->n_cache; i++) {
            quire__cblock *x = &r->cache[i];
            if (x != cb && x != r->cur && x->p != NULL && (old == NULL || x->used < old->used)) {
                old = x;
            }
        }
        if (old == NULL) {
            break;
        }
        bytes -= old->cap;
        quire__free(&r->a, old->p);
        old->p = NULL;
        old->cap = 0;
        old->no = -1;
        old->have = 0;
    }
    return 0;
}

int
quire__reader_load_prefix(quire_reader *r, uint32_t bno, size_t need, int64_t article,
                          quire_diag *d)
{
    quire__cblock *cb;
    int e;
    if ((e = cache_load(r, bno, need, article, &cb, d)) != 0) {
        return e;
    }
    r->cur = cb;
    return 0;
}

int
quire__reader_load_block(quire_reader *r, uint32_t bno, int64_t article, quire_diag *d)
{
    quire__iblock ib;
    int e = quire__rx_block(r, bno, &ib, d);
    return e != 0 ? e : quire__reader_load_prefix(r, bno, ib.raw_size, article, d);
}

/* see quire.h */
int
quire_reader_get(quire_reader *r, uint64_t n, quire_article *a, quire_diag *d)
{
    uint8_t dg[32];
    const uint8_t *rec;
    uint32_t bno, off, len;
    size_t rlen;
    quire__iblock ib;
    uint8_t got[32];
    int e;
    if (r == NULL || a == NULL) {
        return QUIRE__FAIL(d, QUIRE_E_ARG, 0, -1, "reader");
    }
    /* a failure leaves the article empty, never holding an earlier one */
    quire_article_clear(a);
    if (r->state != R_INDEXED) {
        return QUIRE__FAIL(d, QUIRE_E_BADSTATE, 0, -1, "reader");
    }
    if (n >= r->rx.lo.n_articles) {
        return QUIRE__FAIL(d, QUIRE_E_NOTFOUND, 0, (int64_t)n, "article number");
    }
    if ((e = quire__rx_article(r, n, dg, &bno, &off, &len, d)) != 0) {
        return e;
    }
    /* inflate only as far as this record ends: a random access reads half
     * a block on average; its digest is checked below */
    if ((e = quire__reader_load_prefix(r, bno, (size_t)off + len, (int64_t)n, d)) != 0 ||
        (e = quire__rx_block(r, bno, &ib, d)) != 0) {
        return e;
    }
    /* the index was checked to place records back to back inside the block;
     * the length prefix must agree [7.3] */
    if (quire__ld32(r->cur->p + off - 4) != len) {
        return QUIRE__FAIL(d, QUIRE_E_INDEX, ib.frame_offset, (int64_t)n, "record length prefix");
    }
    rec = r->cur->p + off;
    rlen = len;
    if (quire__has_refs(rec, rlen) &&
        (e = expand(r, &rec, &rlen, n, ib.frame_offset, fetch_indexed, d)) != 0) {
        return e;
    }
    if ((e = quire__blake2b256(got, rec, rlen)) != 0) {
        return QUIRE__FAIL(d, e, ib.frame_offset, (int64_t)n, "record digest");
    }
    if (sodium_memcmp(got, dg, 32) != 0 && !QUIRE__FUZZING) {
        quire_article_clear(a);
        return QUIRE__FAIL(d, QUIRE_E_DIGEST, ib.frame_offset, (int64_t)n, "record digest");
    }
    /* offsets inside a block are not file offsets: report the block frame */
    e = quire__article_load(a, rec, rlen, ib.frame_offset, &r->lim, (int64_t)n, d);
    if (e == 0) {
        memcpy(a->digest, got, 32);
        a->digest_ok = 1;
    } else if (d != NULL) {
        d->offset = ib.frame_offset;
    }
    return e;
}

/* see quire.h */
int
quire_reader_archive_id(const quire_reader *r, uint8_t out[16])
{
    if (r == NULL || out == NULL) {
        return QUIRE_E_ARG;
    }
    if (r->state != R_INDEXED) {
        return QUIRE_E_BADSTATE;
    }
    memcpy(out, r->rx.archive_id, 16);
    return QUIRE_OK;
}

/* see quire.h */
int
quire_reader_get_digest(quire_reader *r, uint64_t n, uint8_t out[32])
{
    uint32_t b, o, l;
    if (r == NULL || out == NULL) {
        return QUIRE_E_ARG;
    }
    if (r->state != R_INDEXED) {
        return QUIRE_E_BADSTATE;
    }
    if (n >= r->rx.lo.n_articles) {
        return QUIRE_E_NOTFOUND;
    }
    return quire__rx_article(r, n, out, &b, &o, &l, NULL);
}

/* see quire.h */
int
quire_reader_find_digest(quire_reader *r, const uint8_t digest[32], uint64_t *n)
{
    uint64_t i;
    if (r == NULL || digest == NULL || n == NULL) {
        return QUIRE_E_ARG;
    }
    if (r->state != R_INDEXED) {
        return QUIRE_E_BADSTATE;
    }
    for (i = 0; i < r->rx.lo.n_articles; i++) {
        uint8_t dg[32];
        int e = quire__rx_digest(r, i, dg, NULL);
        if (e != 0) {
            return e;
        }
        if (memcmp(dg, digest, 32) == 0) {
            *n = i;
            return QUIRE_OK;
        }
    }
    return QUIRE_E_NOTFOUND;
}

static int
url_matches(const quire_article *a, int key, const char *url, size_t len)
{
    quire_field f;
    return quire_article_find(a, key, &f) == 0 && f.type == QUIRE_T_TEXT && f.value_len == len &&
           memcmp(f.value, url, len) == 0;
}

/* see quire.h */
int
quire_reader_find_url(quire_reader *r, const char *url, size_t len, uint64_t *n, quire_diag *d)
{
    quire_article *a = NULL;
    uint64_t h, i, best = UINT64_MAX;
    int e;
    if (r == NULL || (url == NULL && len != 0) || n == NULL) {
        return QUIRE__FAIL(d, QUIRE_E_ARG, 0, -1, "reader");
    }
    if (r->state != R_INDEXED) {
        return QUIRE__FAIL(d, QUIRE_E_BADSTATE, 0, -1, "reader");
    }
    h = quire__url_hash((const uint8_t *)url, len);
    if ((e = quire__rx_lower(r, 0, h, &i, d)) != 0) {
        return e;
    }
    {
        quire_alloc al;
        al.alloc = r->a.alloc;
        al.free = r->a.free;
        al.opaque = r->a.opaque;
        if ((e = quire_article_new(&a, &al)) != 0) {
            return QUIRE__FAIL(d, e, 0, -1, "article");
        }
    }
    /* pairs with equal hash come in article order: the first match wins */
    for (; i < r->rx.lo.n_urls; i++) {
        uint64_t hh, art;
        if ((e = quire__rx_pair(r, 0, i, &hh, &art, d)) != 0) {
            quire_article_free(a);
            return e;
        }
        if (hh != h || art >= best) {
            break;
        }
        if ((e = quire_reader_get(r, art, a, d)) != 0) {
            quire_article_free(a);
            return e;
        }
        if (url_matches(a, QUIRE_F_URL, url, len) || url_matches(a, QUIRE_F_CAPTURE_URL, url, len)) {
            best = art;
        }
    }
    quire_article_free(a);
    if (best == UINT64_MAX) {
        return QUIRE__FAIL(d, QUIRE_E_NOTFOUND, 0, -1, "URL");
    }
    *n = best;
    return QUIRE_OK;
}

/* see quire.h */
int
quire_reader_date_span(quire_reader *r, int64_t since, int64_t until, size_t *first,
                       size_t *count)
{
    uint64_t lo, hi = r == NULL ? 0 : r->rx.lo.n_dates;
    int e;
    if (r == NULL || first == NULL || count == NULL) {
        return QUIRE_E_ARG;
    }
    if (r->state != R_INDEXED) {
        return QUIRE_E_BADSTATE;
    }
    if ((e = quire__rx_lower(r, 1, (uint64_t)since, &lo, NULL)) != 0 ||
        (until != INT64_MAX && (e = quire__rx_lower(r, 1, (uint64_t)(until + 1), &hi, NULL)) != 0)) {
        return e;
    }
    if (hi < lo) {
        hi = lo;
    }
    *first = (size_t)lo;
    *count = (size_t)(hi - lo);
    return QUIRE_OK;
}

/* see quire.h */
int
quire_reader_date_at(quire_reader *r, size_t i, uint64_t *n, int64_t *secs)
{
    if (r == NULL || n == NULL || secs == NULL) {
        return QUIRE_E_ARG;
    }
    if (r->state != R_INDEXED) {
        return QUIRE_E_BADSTATE;
    }
    if (i >= r->rx.lo.n_dates) {
        return QUIRE_E_NOTFOUND;
    }
    {
        uint64_t k;
        int e = quire__rx_pair(r, 1, i, &k, n, NULL);
        if (e != 0) {
            return e;
        }
        *secs = k <= (uint64_t)INT64_MAX ? (int64_t)k : -(int64_t)(~k) - 1;
    }
    return QUIRE_OK;
}

/* ====================================================================== */
/* sequential scan [3.3] */

static int
scan_start(quire_reader *r, quire_diag *d)
{
    quire__cur_init(&r->scan, r->buf, r->len, 0);
    if (quire__header_decode(&r->scan, &r->hdr) != 0) {
        return quire__fail_cur(d, &r->scan, -1);
    }
    r->in_block = 0;
    r->scan_next_article = 0;
    r->state = R_SCAN;
    return 0;
}

/* see quire.h */
int
quire_reader_scan_open_memory(quire_reader *r, const void *buf, size_t len, quire_diag *d)
{
    int e;
    if (r == NULL || (buf == NULL && len != 0)) {
        return QUIRE__FAIL(d, QUIRE_E_ARG, 0, -1, "reader");
    }
    if (r->state != R_NEW) {
        return QUIRE__FAIL(d, QUIRE_E_BADSTATE, 0, -1, "reader");
    }
    r->buf = (const uint8_t *)buf;
    r->len = len;
    if ((e = scan_start(r, d)) != 0) {
        return open_failed(r, e);
    }
    return e;
}

/* see quire.h */
int
quire_reader_scan_open_file(quire_reader *r, const char *path, quire_diag *d)
{
    int e = map_file(r, path, d);
    if (e != 0) {
        return e;
    }
    if ((e = scan_start(r, d)) != 0) {
        return open_failed(r, e);
    }
    return e;
}

/* see quire.h */
int
quire_reader_scan_next(quire_reader *r, quire_article *a, quire_diag *d)
{
    int e;
    if (r == NULL || a == NULL) {
        return QUIRE__FAIL(d, QUIRE_E_ARG, 0, -1, "reader");
    }
    if (r->state != R_SCAN) {
        return QUIRE__FAIL(d, QUIRE_E_BADSTATE, 0, -1, "reader");
    }
    for (;;) {
        quire__frame f;
        quire__cur c;
        quire__block_head h;
        if (r->in_block) {
            const uint8_t *rec = NULL;
            size_t rec_len = 0;
            int64_t art = (int64_t)r->scan_next_article;
            e = quire__block_next_record(&r->recs, &r->lim, &rec, &rec_len);
            if (e == QUIRE_DONE) {
                r->in_block = 0;
                continue;
            }
            if (e != 0) {
                QUIRE__FAIL_DETAIL(d, r->recs.err, r->scan_block_at, art, r->recs.err_what,
                                   "inside the inflated block");
                return poison(r, e);
            }
            if (quire__has_refs(rec, rec_len) &&
                (e = expand(r, &rec, &rec_len, (uint64_t)art, r->scan_block_at, fetch_scanned,
                            d)) != 0) {
                return poison(r, e);
            }
            e = quire__article_load(a, rec, rec_len, r->scan_block_at, &r->lim, art, d);
            if (e != 0) {
                if (d != NULL) {
                    d->offset = r->scan_block_at;
                }
                return poison(r, e);
            }
            r->scan_next_article++;
            return QUIRE_OK;
        }
        if (quire__cur_left(&r->scan) == 0) {
            return QUIRE_DONE;
        }
        if (quire__frame_decode(&r->scan, &r->lim, &f) != 0) {
            return poison(r, quire__fail_cur(d, &r->scan, -1));
        }
        switch (f.type) {
        case QUIRE__FT_DICT:
            /* one dictionary, before any block [3.3] */
            if (r->dict != NULL || r->scan_seen_block) {
                return poison(r, QUIRE__FAIL(d, QUIRE_E_FRAME, f.offset, -1,
                                             "dictionary frame out of place"));
            }
            if (f.len == 0 || f.len > 32768) {
                return poison(r, QUIRE__FAIL(d, QUIRE_E_DICT, f.offset, -1, "dictionary frame"));
            }
            r->dict = f.payload;
            r->dict_len = f.len;
            continue;
        case QUIRE__FT_BLOK: {
            uint32_t k = 0;
            const uint8_t *rec;
            size_t rec_len;
            quire__cur_init(&c, f.payload, f.len, f.offset + QUIRE__FRAME_HEAD);
            if (quire__block_head_decode(&c, &r->lim, &h) != 0) {
                return poison(r, quire__fail_cur(d, &c, (int64_t)r->scan_next_article));
            }
            if (h.first_article != r->scan_next_article) {
                return poison(r, QUIRE__FAIL(d, QUIRE_E_BLOCK, f.offset + QUIRE__FRAME_HEAD + 12,
                                             (int64_t)r->scan_next_article,
                                             "block first article"));
            }
            if ((e = inflate_block(r, &h, f.offset, (int64_t)r->scan_next_article, d)) != 0) {
                return poison(r, e);
            }
            /* count the records first: the block must hold exactly n_records */
            quire__cur_init(&r->recs, r->blk, r->blk_len, 0);
            while ((e = quire__block_next_record(&r->recs, &r->lim, &rec, &rec_len)) == 0) {
                k++;
            }
            if (e != QUIRE_DONE || k != h.n_records) {
                return poison(r, QUIRE__FAIL_DETAIL(d, QUIRE_E_BLOCK, f.offset,
                                                    (int64_t)r->scan_next_article,
                                                    "block record framing",
                                                    "inside the inflated block"));
            }
            quire__cur_init(&r->recs, r->blk, r->blk_len, 0);
            if (r->n_sblk == r->sblk_cap) { /* remember it for references [5.6] */
                size_t nc = r->sblk_cap ? 2 * r->sblk_cap : 64;
                uint64_t(*ns)[2] = (uint64_t(*)[2])quire__realloc(
                    &r->a, r->sblk, r->sblk_cap * sizeof *r->sblk, nc * sizeof *ns);
                if (ns == NULL) {
                    return poison(r, QUIRE__FAIL(d, QUIRE_E_NOMEM, f.offset, -1, "blocks"));
                }
                r->sblk = ns;
                r->sblk_cap = nc;
            }
            r->sblk[r->n_sblk][0] = f.offset;
            r->sblk[r->n_sblk][1] = h.first_article;
            r->n_sblk++;
            r->scan_block_at = f.offset;
            r->scan_seen_block = 1;
            r->in_block = 1;
            continue;
        }
        case QUIRE__FT_INDX:
        case QUIRE__FT_SEAL:
        case QUIRE__FT_TRLR:
            continue;
        default:
            if (QUIRE__FT_IS_ANCILLARY(f.type)) {
                continue;
            }
            return poison(r, QUIRE__FAIL(d, QUIRE_E_CRITICAL, f.offset, -1, "frame type"));
        }
    }
}
