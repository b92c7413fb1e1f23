/* fuzz_http.c - an HTTP message as a WARC block holds it (format/warc.c):
 * the head, then the body dechunked (whether or not the head says chunked,
 * so the chunk parser sees every body), the Content-Type split, and the
 * whole input as a media type and as a chunked body. If the input's first
 * line looks like a digest label ("name:value"), the rest is checked
 * against it (src/wdigest.c). Contracts checked as in fuzz_warc.c. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cursor.h"
#include "quire.h"
#include "warc.h"
#include "wdigest.h"

#include "fuzz_util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
check_fail(const quire__cur *c, int rc, int allow_nomem)
{
    if (rc == 0) {
        return;
    }
    if (c->err != rc || c->err_what == NULL || c->err_off < c->base ||
        c->err_off > c->base + c->len) {
        abort();
    }
    if (rc != QUIRE_E_TRUNCATED && rc != QUIRE_E_HTTP && rc != QUIRE_E_LIMIT &&
        !(allow_nomem && rc == QUIRE_E_NOMEM)) {
        abort();
    }
}

static void
dechunk(const uint8_t *p, size_t n, size_t max)
{
    quire__allocator a = {fz_heap_alloc, fz_heap_free, NULL};
    quire__cur c;
    quire__buf out;
    int rc;
    quire__cur_init(&c, p, n, 0);
    quire__buf_init(&out, &a, max);
    rc = quire__http_dechunk(&c, &out);
    check_fail(&c, rc, 1);
    if (out.len > n || out.len > max || (rc == 0 && c.off > n)) {
        abort();
    }
    quire__buf_free(&out);
}

static void
media(const uint8_t *v, size_t n)
{
    size_t tl = 0, cl = 0;
    const uint8_t *cs = NULL;
    if (quire__media_type(v, n, &tl, &cs, &cl) == 0) {
        if (tl < 3 || tl > n || (cs != NULL && (cs < v || cl == 0 || cl > n - (size_t)(cs - v)))) {
            abort();
        }
    } else if (tl != 0 || cs != NULL || cl != 0) {
        abort();
    }
}

static int
same_nocase(const uint8_t *x, const uint8_t *y, size_t n)
{
    size_t i;
    for (i = 0; i < n; i++) {
        int a = x[i] >= 'A' && x[i] <= 'Z' ? x[i] + 32 : x[i];
        int b = y[i] >= 'A' && y[i] <= 'Z' ? y[i] + 32 : y[i];
        if (a != b) {
            return 0;
        }
    }
    return 1;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    quire__http_head *h;
    quire__cur c;
    const uint8_t *nl;
    int rc;
    size_t i;
    if (size > (1u << 20)) {
        return 0;
    }
    h = (quire__http_head *)malloc(sizeof *h);
    if (h == NULL) {
        abort();
    }
    quire__cur_init(&c, data, size, 0);
    rc = quire__http_head_parse(&c, h);
    check_fail(&c, rc, 0);
    if (rc == 0) {
        size_t head_len = h->head_len;
        if (c.off != head_len || head_len > QUIRE__HTTP_MAX_HEAD ||
            h->n_fields > QUIRE__HTTP_MAX_FIELDS) {
            abort();
        }
        if (h->is_response ? (h->status < 100 || h->status > 999 || h->reason_off > head_len ||
                              h->reason_len > head_len - h->reason_off)
                           : (h->method_len == 0 || h->target_len == 0 ||
                              h->target_off > head_len || h->target_len > head_len - h->target_off)) {
            abort();
        }
        for (i = 0; i < h->n_fields; i++) {
            const quire__hfield *f = &h->f[i];
            uint8_t *tmp;
            size_t u;
            if (f->name_len == 0 || f->name_off > head_len || f->name_len > head_len - f->name_off ||
                f->val_off > head_len || f->val_len > head_len - f->val_off) {
                abort();
            }
            tmp = (uint8_t *)malloc(f->val_len + 1);
            if (tmp == NULL) {
                abort();
            }
            u = quire__hfield_unfold(data, f, tmp, f->val_len);
            if (u > f->val_len) {
                abort();
            }
            if (quire__hfield_is(data, f, "Content-Type")) {
                media(tmp, u);
            }
            free(tmp);
        }
        /* every proper prefix of the head is TRUNCATED (two of them) */
        for (i = 0; i < 2; i++) {
            size_t k = i == 0 ? head_len - 1 : head_len / 3;
            quire__cur t;
            quire__cur_init(&t, data, k, 0);
            if (quire__http_head_parse(&t, h) != QUIRE_E_TRUNCATED || t.err_off != k) {
                abort();
            }
        }
        dechunk(data + head_len, size - head_len, 1 << 20);
        dechunk(data + head_len, size - head_len, 64);
    }
    dechunk(data, size, 1 << 20);
    media(data, size);
    nl = (const uint8_t *)memchr(data, '\n', size < 200 ? size : 200);
    if (nl != NULL && memchr(data, ':', (size_t)(nl - data)) != NULL) {
        char a[QUIRE__DIGEST_LABEL_MAX];
        size_t ll = (size_t)(nl - data);
        rc = quire__payload_digest_check(data, ll, nl + 1, size - ll - 1, a, sizeof a);
        if (rc != 1 && rc != 0 && rc != QUIRE_E_FEATURE && rc != QUIRE_E_WARC) {
            abort();
        }
        if (rc == 1 && (strlen(a) != ll || !same_nocase((const uint8_t *)a, data, ll))) {
            abort(); /* a matching label is written back as given, but for letter case */
        }
    }
    free(h);
    return 0;
}
