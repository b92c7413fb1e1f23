/* fuzz_warc.c - walks every record of an uncompressed WARC buffer the way
 * the importer does (format/warc.c, src/wdigest.c): record header, block,
 * HTTP head, chunked body, media type, block and payload digests, record
 * end; recovers at the next "WARC/" line after a bad record. Checks the
 * parsers' contracts: error offsets inside the input with a static name,
 * field offsets inside the header, every proper prefix of an accepted
 * header is QUIRE_E_TRUNCATED, dechunked data never longer than its input,
 * one-shot and incremental digests agree. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cursor.h"
#include "quire.h"
#include "warc.h"
#include "wdigest.h"

#include "fuzz_util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* A failed cursor names a static what and an offset inside its input. */
static void
check_fail(const quire__cur *c, int rc, const int *codes)
{
    if (rc == 0) {
        return;
    }
    if (c->err != rc || c->err_what == NULL || c->err_off < c->base ||
        c->err_off > c->base + c->len) {
        abort();
    }
    for (; *codes != 0; codes++) {
        if (*codes == rc) {
            return;
        }
    }
    abort();
}

static const int warc_codes[] = {QUIRE_E_TRUNCATED, QUIRE_E_WARC, QUIRE_E_FEATURE, QUIRE_E_LIMIT,
                                 0};
static const int http_codes[] = {QUIRE_E_TRUNCATED, QUIRE_E_HTTP, QUIRE_E_LIMIT, 0};
static const int chunk_codes[] = {QUIRE_E_TRUNCATED, QUIRE_E_HTTP, QUIRE_E_LIMIT, QUIRE_E_NOMEM,
                                  0};

static void
check_fields(const quire__hfield *f, size_t n, size_t max, const uint8_t *head, size_t head_len)
{
    size_t i;
    uint8_t *tmp;
    if (n > max) {
        abort();
    }
    for (i = 0; i < n; i++) {
        size_t u;
        if (f[i].name_len == 0 || f[i].name_off > head_len ||
            f[i].name_len > head_len - f[i].name_off || f[i].val_off > head_len ||
            f[i].val_len > head_len - f[i].val_off) {
            abort();
        }
        tmp = (uint8_t *)malloc(f[i].val_len + 1);
        if (tmp == NULL) {
            abort();
        }
        u = quire__hfield_unfold(head, &f[i], tmp, f[i].val_len);
        if (u > f[i].val_len || memchr(tmp, '\n', u) != NULL || memchr(tmp, '\r', u) != NULL) {
            abort();
        }
        free(tmp);
        if (quire__hfield_find(f, n, head, "x", i) < i) {
            abort();
        }
    }
}

/* The proper prefix of len bytes of an accepted header is TRUNCATED. */
static void
check_prefix(const uint8_t *p, size_t len, int http, void *h)
{
    quire__cur c;
    int rc;
    quire__cur_init(&c, p, len, 0);
    rc = http ? quire__http_head_parse(&c, (quire__http_head *)h)
              : quire__warc_head_parse(&c, (quire__warc_head *)h);
    if (rc != QUIRE_E_TRUNCATED || c.err_off != len) {
        abort();
    }
}

static void
media(const uint8_t *head, const quire__hfield *f, size_t n)
{
    size_t i = quire__hfield_find(f, n, head, "Content-Type", 0), tl = 0, cl = 0, u;
    const uint8_t *cs = NULL;
    uint8_t *tmp;
    if (i == n) {
        return;
    }
    tmp = (uint8_t *)malloc(f[i].val_len + 1);
    if (tmp == NULL) {
        abort();
    }
    u = quire__hfield_unfold(head, &f[i], tmp, f[i].val_len);
    if (quire__media_type(tmp, u, &tl, &cs, &cl) == 0) {
        if (tl == 0 || tl > u || (cs != NULL && (cs < tmp || cl == 0 || cl > u - (size_t)(cs - tmp)))) {
            abort();
        }
    } else if (tl != 0 || cs != NULL || cl != 0) {
        abort();
    }
    free(tmp);
}

/* One-shot and two-piece digests agree; the result is a known code. */
static void
digest(const uint8_t *label, size_t label_len, const uint8_t *p, size_t n)
{
    char a[QUIRE__DIGEST_LABEL_MAX], b[QUIRE__DIGEST_LABEL_MAX];
    quire__pdigest d;
    int r1 = quire__payload_digest_check(label, label_len, p, n, a, sizeof a), r2;
    if (r1 != 1 && r1 != 0 && r1 != QUIRE_E_FEATURE && r1 != QUIRE_E_WARC) {
        abort();
    }
    (void)quire__pdigest_init(&d, label, label_len);
    quire__pdigest_update(&d, p, n / 3);
    quire__pdigest_update(&d, p + n / 3, n - n / 3);
    r2 = quire__pdigest_final(&d, b, sizeof b);
    if (r1 != r2 || strcmp(a, b) != 0 || strlen(a) >= sizeof a) {
        abort();
    }
}

static void
block(const uint8_t *blk, size_t len, quire__http_head *hh, const quire__warc_head *wh,
      const uint8_t *whead)
{
    quire__allocator a = {fz_heap_alloc, fz_heap_free, NULL};
    quire__cur c;
    quire__buf out;
    const uint8_t *v;
    size_t vn;
    int rc;
    if (quire__warc_get(wh, whead, "WARC-Block-Digest", &v, &vn) == 0) {
        digest(v, vn, blk, len);
    }
    quire__cur_init(&c, blk, len, 0);
    rc = quire__http_head_parse(&c, hh);
    check_fail(&c, rc, http_codes);
    if (rc != 0) {
        return;
    }
    if (c.off != hh->head_len || hh->head_len > QUIRE__HTTP_MAX_HEAD ||
        (hh->is_response && (hh->status < 100 || hh->status > 999))) {
        abort();
    }
    check_fields(hh->f, hh->n_fields, QUIRE__HTTP_MAX_FIELDS, blk, hh->head_len);
    check_prefix(blk, hh->head_len - 1, 1, hh);
    quire__cur_init(&c, blk, len, 0);
    if (quire__http_head_parse(&c, hh) != 0) {
        abort(); /* deterministic */
    }
    media(blk, hh->f, hh->n_fields);
    if (quire__warc_get(wh, whead, "WARC-Payload-Digest", &v, &vn) == 0) {
        digest(v, vn, blk + hh->head_len, len - hh->head_len);
    }
    if (hh->chunked) {
        size_t start = c.off;
        quire__buf_init(&out, &a, 1 << 20);
        rc = quire__http_dechunk(&c, &out);
        check_fail(&c, rc, chunk_codes);
        if (out.len > len - start || (rc == 0 && c.off > len)) {
            abort();
        }
        quire__buf_free(&out);
    }
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    quire__warc_head *wh;
    quire__http_head *hh;
    size_t off = 0;
    if (size > (1u << 20)) {
        return 0;
    }
    wh = (quire__warc_head *)malloc(sizeof *wh);
    hh = (quire__http_head *)malloc(sizeof *hh);
    if (wh == NULL || hh == NULL) {
        abort();
    }
    (void)quire__warc_sniff(data, size);
    while (off < size) {
        quire__cur c;
        const uint8_t *head = data + off, *blk;
        size_t before = off;
        int rc;
        quire__cur_init(&c, data + off, size - off, off);
        rc = quire__warc_head_parse(&c, wh);
        check_fail(&c, rc, warc_codes);
        if (rc != 0) {
            off++;
            if (quire__warc_resync(data, size, &off) != 0) {
                break;
            }
            if (off < before + 1) {
                abort();
            }
            continue;
        }
        if (c.off != wh->head_len || wh->head_len > QUIRE__WARC_MAX_HEAD ||
            wh->content_length > QUIRE__WARC_MAX_LENGTH ||
            (wh->version != 0 && wh->version != 10 && wh->version != 11)) {
            abort();
        }
        check_fields(wh->f, wh->n_fields, QUIRE__WARC_MAX_FIELDS, head, wh->head_len);
        {
            const uint8_t *v;
            size_t vn;
            if (quire__warc_get(wh, head, "content-length", &v, &vn) != 0 || vn == 0) {
                abort();
            }
        }
        check_prefix(head, wh->head_len - 1, 0, wh);
        check_prefix(head, wh->head_len / 2, 0, wh);
        quire__cur_init(&c, data + off, size - off, off);
        if (quire__warc_head_parse(&c, wh) != 0) {
            abort(); /* deterministic */
        }
        media(head, wh->f, wh->n_fields);
        if (wh->content_length > quire__cur_left(&c)) {
            break; /* truncated block */
        }
        blk = quire__get_bytes(&c, (size_t)wh->content_length, "block");
        if (blk == NULL) {
            abort();
        }
        block(blk, (size_t)wh->content_length, hh, wh, head);
        rc = quire__warc_record_end(&c);
        check_fail(&c, rc, warc_codes);
        if (rc != 0) {
            off = (size_t)c.err_off;
            if (off <= before || quire__warc_resync(data, size, &off) != 0) {
                break;
            }
            continue;
        }
        (void)quire__warc_skip_blank(&c);
        off = (size_t)(c.base + c.off);
        if (off <= before) {
            abort();
        }
    }
    free(wh);
    free(hh);
    return 0;
}
