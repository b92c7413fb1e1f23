/*
 * refs.c - deduplicated parts [5.6]: expanding a stored record whose parts
 * refer to parts of earlier articles into its canonical record.
 *
 * A stored record with the flag QUIRE__REC_F_REFS holds, for some parts,
 * 12 reference bytes (article, part index) instead of the data. The
 * canonical record, whose digest is the article's identity, is the same
 * record with flags 0 and every referenced part's data inline. Readers
 * (indexed and sequential), the verifier and salvage all expand through
 * quire__expand_record; only where the earlier records come from differs
 * (the fetch callback).
 */
#include <string.h>

#include "internal.h"

int
quire__expand_record(const quire__allocator *a, const quire__limits *l, const uint8_t *rec,
                     size_t len, uint64_t n, uint64_t at, quire__fetch_fn fetch, void *ctx,
                     quire__buf *out, quire_diag *d)
{
    quire__cur c;
    size_t nf = 0, np = 0, i, fields_end;
    unsigned flags = 0;
    quire__rfield *f = NULL, *tf = NULL;
    quire__rpart *p = NULL, *tp = NULL;
    size_t tf_cap = 0, tp_cap = 0;
    int e = 0;

    quire__buf_reset(out);
    quire__cur_init(&c, rec, len, 0);
    if (quire__record_head_stored(&c, l, &nf, &np, &flags) != 0) {
        return QUIRE__FAIL(d, c.err, at, (int64_t)n, c.err_what);
    }
    f = (quire__rfield *)quire__malloc(a, (nf + 1) * sizeof *f);
    p = (quire__rpart *)quire__malloc(a, (np + 1) * sizeof *p);
    if (f == NULL || p == NULL) {
        e = QUIRE__FAIL(d, QUIRE_E_NOMEM, at, (int64_t)n, "record");
        goto done;
    }
    if (quire__record_body_stored(&c, l, a, f, nf, p, np, flags) != 0) {
        e = QUIRE__FAIL(d, c.err, at, (int64_t)n, c.err_what);
        goto done;
    }
    /* fields are copied verbatim: they end where the first part begins */
    fields_end = np > 0 ? p[0].name_off - 1 : len;
    quire__put_u8(out, 1);
    quire__put_u8(out, 0); /* the canonical record has no flags */
    quire__put_u16(out, (uint16_t)nf);
    quire__put_u16(out, (uint16_t)np);
    quire__put_u16(out, 0);
    quire__put_bytes(out, rec + 8, fields_end - 8);
    for (i = 0; i < np && out->err == 0; i++) {
        const uint8_t *data = rec + p[i].data_off;
        size_t dlen = p[i].data_len;
        if (p[i].storage == 1) {
            const uint8_t *trec;
            size_t tlen, tnf, tnp;
            unsigned tflags;
            uint64_t t = p[i].ref_article;
            quire__cur tc;
            if (t >= n) {
                e = QUIRE__FAIL(d, QUIRE_E_RECORD, at, (int64_t)n,
                                "part reference (not an earlier article)");
                goto done;
            }
            if ((e = fetch(ctx, t, &trec, &tlen, d)) != 0) {
                /* the finding is about this article: the code and offset of
                 * what failed in the one it refers to */
                if (d != NULL) {
                    d->article = (int64_t)n;
                    d->what = "part reference (the article it refers to is unreadable)";
                }
                goto done;
            }
            quire__cur_init(&tc, trec, tlen, 0);
            if (quire__record_head_stored(&tc, l, &tnf, &tnp, &tflags) != 0) {
                e = QUIRE__FAIL(d, tc.err, at, (int64_t)n, "part reference (target record)");
                goto done;
            }
            if (tnf + 1 > tf_cap) {
                quire__free(a, tf);
                tf_cap = tnf + 1;
                tf = (quire__rfield *)quire__malloc(a, tf_cap * sizeof *tf);
            }
            if (tnp + 1 > tp_cap) {
                quire__free(a, tp);
                tp_cap = tnp + 1;
                tp = (quire__rpart *)quire__malloc(a, tp_cap * sizeof *tp);
            }
            if (tf == NULL || tp == NULL) {
                tf_cap = tp_cap = 0;
                e = QUIRE__FAIL(d, QUIRE_E_NOMEM, at, (int64_t)n, "record");
                goto done;
            }
            if (quire__record_body_stored(&tc, l, a, tf, tnf, tp, tnp, tflags) != 0) {
                e = QUIRE__FAIL(d, tc.err, at, (int64_t)n, "part reference (target record)");
                goto done;
            }
            if (p[i].ref_part >= tnp) {
                e = QUIRE__FAIL(d, QUIRE_E_RECORD, at, (int64_t)n,
                                "part reference (no such part)");
                goto done;
            }
            if (tp[p[i].ref_part].storage != 0) {
                e = QUIRE__FAIL(d, QUIRE_E_RECORD, at, (int64_t)n,
                                "part reference (to a reference)");
                goto done;
            }
            data = trec + tp[p[i].ref_part].data_off;
            dlen = tp[p[i].ref_part].data_len;
        }
        quire__put_u8(out, (uint8_t)p[i].name_len);
        quire__put_bytes(out, rec + p[i].name_off, p[i].name_len);
        quire__put_u8(out, (uint8_t)p[i].media_len);
        quire__put_bytes(out, rec + p[i].media_off, p[i].media_len);
        quire__put_u8(out, 0);
        if (dlen > UINT32_MAX) {
            out->err = QUIRE_E_LIMIT;
            break;
        }
        quire__put_u32(out, (uint32_t)dlen);
        quire__put_bytes(out, data, dlen);
    }
    if (out->err != 0) {
        e = QUIRE__FAIL(d, out->err, at, (int64_t)n, "record (with its referenced parts)");
    }
done:
    quire__free(a, f);
    quire__free(a, p);
    quire__free(a, tf);
    quire__free(a, tp);
    return e;
}

int
quire__block_record(const quire__limits *l, const uint8_t *blk, size_t blk_len,
                    uint64_t first, uint64_t t, const uint8_t **rec, size_t *len)
{
    quire__cur c;
    uint64_t k;
    quire__cur_init(&c, blk, blk_len, 0);
    for (k = first;; k++) {
        int e = quire__block_next_record(&c, l, rec, len);
        if (e != 0) {
            return e == QUIRE_DONE ? QUIRE_E_NOTFOUND : e;
        }
        if (k == t) {
            return 0;
        }
    }
}
