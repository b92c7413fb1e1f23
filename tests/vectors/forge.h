/*
 * forge.h - archive surgery for the golden vectors (tests/vectors/gen_vectors.c)
 * and the attack tests (tests/unit/test_attacks.c).
 *
 * An archive is taken apart into its 16-byte header and a list of frames
 * (type, flags, payload). Defects are made on that model; then the repair
 * steps recompute whatever an attacker (or, for the vectors, the key holder)
 * can recompute, so that exactly the intended defect remains:
 *
 *   fz_fix_index    block table from the frame layout and block headers,
 *                   article table (record digests, placement), URL and date
 *                   tables, from the records themselves (as the writer does)
 *   fz_fix_seal     statement: tree size, Merkle root, index and dictionary
 *                   digests; then fz_resign with whatever secret keys are given
 *                   (none for an attacker)
 *   fz_fix_trailer  every trailer pointer and the article count
 *   fz_emit         serializes, with every frame CRC-32 recomputed
 *
 * Everything is static (one copy per program); FZ_FN marks the helpers a
 * program may leave unused. Uses the library internals (format.h,
 * internal.h) only for the codecs and hashes the library itself uses.
 */
#ifndef QUIRE_TESTS_FORGE_H
#define QUIRE_TESTS_FORGE_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "internal.h"
#include "quire.h"

#if defined(__GNUC__) || defined(__clang__)
#define FZ_FN static __attribute__((unused))
#else
#define FZ_FN static
#endif

#define FZ_MAX_FRAMES 256
#define FZ_MAX_RECORDS 4096

/* ---- byte vectors ---- */

typedef struct fz_vec {
    uint8_t *p;
    size_t len, cap;
} fz_vec;

FZ_FN void
fz_vec_free(fz_vec *v)
{
    free(v->p);
    v->p = NULL;
    v->len = v->cap = 0;
}

FZ_FN void
fz_vec_put(fz_vec *v, const void *p, size_t n)
{
    if (v->cap - v->len < n || v->p == NULL) {
        size_t cap = v->cap != 0 ? v->cap : 256;
        uint8_t *np;
        while (cap - v->len < n) {
            cap *= 2;
        }
        np = (uint8_t *)realloc(v->p, cap);
        if (np == NULL) {
            abort();
        }
        v->p = np;
        v->cap = cap;
    }
    if (n != 0) {
        memcpy(v->p + v->len, p, n);
    }
    v->len += n;
}

FZ_FN void
fz_vec_set(fz_vec *v, const void *p, size_t n)
{
    v->len = 0;
    fz_vec_put(v, p, n);
}

FZ_FN void
fz_vec_u8(fz_vec *v, uint8_t x)
{
    fz_vec_put(v, &x, 1);
}

FZ_FN void
fz_vec_u16(fz_vec *v, uint16_t x)
{
    uint8_t b[2];
    quire__st16(b, x);
    fz_vec_put(v, b, 2);
}

FZ_FN void
fz_vec_u32(fz_vec *v, uint32_t x)
{
    uint8_t b[4];
    quire__st32(b, x);
    fz_vec_put(v, b, 4);
}

FZ_FN void
fz_vec_u64(fz_vec *v, uint64_t x)
{
    uint8_t b[8];
    quire__st64(b, x);
    fz_vec_put(v, b, 8);
}

/* Inserts n bytes at position at (0 <= at <= len). */
FZ_FN void
fz_vec_insert(fz_vec *v, size_t at, const void *p, size_t n)
{
    fz_vec_put(v, p, n); /* grow; the bytes are moved below */
    memmove(v->p + at + n, v->p + at, v->len - n - at);
    memcpy(v->p + at, p, n);
}

/* Removes n bytes at position at. */
FZ_FN void
fz_vec_erase(fz_vec *v, size_t at, size_t n)
{
    memmove(v->p + at, v->p + at + n, v->len - at - n);
    v->len -= n;
}

static const quire__allocator *
fz_alloc(void)
{
    static quire__allocator al;
    static int init;
    if (!init) {
        quire__allocator_from(&al, NULL);
        init = 1;
    }
    return &al;
}

/* ---- the model ---- */

typedef struct fz_frame {
    uint32_t type, flags;
    fz_vec pl;
} fz_frame;

typedef struct fz_arch {
    uint8_t head[QUIRE__HEADER_LEN];
    fz_frame f[FZ_MAX_FRAMES];
    size_t n;
} fz_arch;

/* The secret keys a repair may sign with (none for an attacker). */
typedef struct fz_key {
    const quire_seckey *sk;
    quire_pubkey pk;
} fz_key;

FZ_FN void
fz_free(fz_arch *a)
{
    size_t i;
    for (i = 0; i < a->n; i++) {
        fz_vec_free(&a->f[i].pl);
    }
    a->n = 0;
}

/* Splits buf into header and frames (CRCs are not checked: they are always
 * recomputed). Returns 0, or -1 if the bytes do not frame. */
FZ_FN int
fz_parse(fz_arch *a, const uint8_t *buf, size_t len)
{
    size_t off = QUIRE__HEADER_LEN;
    memset(a, 0, sizeof *a);
    if (len < QUIRE__HEADER_LEN) {
        return -1;
    }
    memcpy(a->head, buf, QUIRE__HEADER_LEN);
    while (off < len) {
        uint32_t n;
        fz_frame *f;
        if (len - off < QUIRE__FRAME_OVERHEAD || a->n == FZ_MAX_FRAMES) {
            fz_free(a);
            return -1;
        }
        n = quire__ld32(buf + off + 8);
        if ((size_t)n > len - off - QUIRE__FRAME_OVERHEAD) {
            fz_free(a);
            return -1;
        }
        f = &a->f[a->n++];
        f->type = quire__ld32(buf + off);
        f->flags = quire__ld32(buf + off + 4);
        fz_vec_set(&f->pl, buf + off + QUIRE__FRAME_HEAD, n);
        off += (size_t)n + QUIRE__FRAME_OVERHEAD;
    }
    return 0;
}

FZ_FN void
fz_copy(fz_arch *dst, const fz_arch *src)
{
    size_t i;
    memset(dst, 0, sizeof *dst);
    memcpy(dst->head, src->head, QUIRE__HEADER_LEN);
    for (i = 0; i < src->n; i++) {
        dst->f[i].type = src->f[i].type;
        dst->f[i].flags = src->f[i].flags;
        fz_vec_set(&dst->f[i].pl, src->f[i].pl.p, src->f[i].pl.len);
    }
    dst->n = src->n;
}

/* Absolute offset of frame i (i == n: the end of the file). */
FZ_FN uint64_t
fz_off(const fz_arch *a, size_t i)
{
    uint64_t off = QUIRE__HEADER_LEN;
    size_t k;
    for (k = 0; k < i && k < a->n; k++) {
        off += a->f[k].pl.len + QUIRE__FRAME_OVERHEAD;
    }
    return off;
}

FZ_FN uint64_t
fz_size(const fz_arch *a)
{
    return fz_off(a, a->n);
}

/* Index of the first / last frame of a type, or -1. */
FZ_FN long
fz_first(const fz_arch *a, uint32_t type)
{
    size_t i;
    for (i = 0; i < a->n; i++) {
        if (a->f[i].type == type) {
            return (long)i;
        }
    }
    return -1;
}

FZ_FN long
fz_last(const fz_arch *a, uint32_t type)
{
    size_t i;
    for (i = a->n; i-- > 0;) {
        if (a->f[i].type == type) {
            return (long)i;
        }
    }
    return -1;
}

/* Index of the k-th frame of a type (0-based), or -1. */
FZ_FN long
fz_nth(const fz_arch *a, uint32_t type, size_t k)
{
    size_t i;
    for (i = 0; i < a->n; i++) {
        if (a->f[i].type == type && k-- == 0) {
            return (long)i;
        }
    }
    return -1;
}

FZ_FN size_t
fz_count(const fz_arch *a, uint32_t type)
{
    size_t i, n = 0;
    for (i = 0; i < a->n; i++) {
        n += a->f[i].type == type;
    }
    return n;
}

FZ_FN void
fz_insert(fz_arch *a, size_t at, uint32_t type, const void *p, size_t n)
{
    size_t i;
    if (a->n == FZ_MAX_FRAMES) {
        abort();
    }
    for (i = a->n; i > at; i--) {
        a->f[i] = a->f[i - 1];
    }
    memset(&a->f[at], 0, sizeof a->f[at]);
    a->f[at].type = type;
    fz_vec_set(&a->f[at].pl, p, n);
    a->n++;
}

FZ_FN void
fz_remove(fz_arch *a, size_t at)
{
    size_t i;
    fz_vec_free(&a->f[at].pl);
    for (i = at; i + 1 < a->n; i++) {
        a->f[i] = a->f[i + 1];
    }
    a->n--;
    memset(&a->f[a->n], 0, sizeof a->f[a->n]);
}

/* Serializes with every CRC-32 recomputed; the caller frees. */
FZ_FN uint8_t *
fz_emit(const fz_arch *a, size_t *len)
{
    fz_vec v;
    size_t i;
    memset(&v, 0, sizeof v);
    fz_vec_put(&v, a->head, QUIRE__HEADER_LEN);
    for (i = 0; i < a->n; i++) {
        size_t at = v.len;
        fz_vec_u32(&v, a->f[i].type);
        fz_vec_u32(&v, a->f[i].flags);
        fz_vec_u32(&v, (uint32_t)a->f[i].pl.len);
        fz_vec_put(&v, a->f[i].pl.p, a->f[i].pl.len);
        fz_vec_u32(&v, quire__crc32(0, v.p + at, v.len - at));
    }
    *len = v.len;
    return v.p;
}

/* ---- dictionary and blocks ---- */

FZ_FN void
fz_dict(const fz_arch *a, const uint8_t **p, size_t *n)
{
    long d = fz_first(a, QUIRE__FT_DICT);
    *p = d >= 0 ? a->f[d].pl.p : NULL;
    *n = d >= 0 ? a->f[d].pl.len : 0;
}

/* The uncompressed records of block frame i. Returns 0 or -1. */
FZ_FN int
fz_block_raw(const fz_arch *a, size_t i, fz_vec *raw)
{
    const fz_frame *f = &a->f[i];
    const uint8_t *p = f->pl.p, *dict;
    size_t dict_len;
    uint32_t raw_size;
    const char *zmsg = NULL;
    if (f->type != QUIRE__FT_BLOK || f->pl.len < QUIRE__BLOCK_HEAD) {
        return -1;
    }
    raw_size = quire__ld32(p + 8);
    raw->len = 0;
    fz_vec_put(raw, NULL, 0);
    if (p[0] == QUIRE__CODEC_STORED) {
        fz_vec_set(raw, p + QUIRE__BLOCK_HEAD, f->pl.len - QUIRE__BLOCK_HEAD);
        return 0;
    }
    if (p[0] != QUIRE__CODEC_ZLIB) {
        return -1;
    }
    fz_dict(a, &dict, &dict_len);
    fz_vec_set(raw, NULL, 0);
    {
        uint8_t *out = (uint8_t *)malloc(raw_size != 0 ? raw_size : 1);
        int e;
        if (out == NULL) {
            abort();
        }
        e = quire__inflate(fz_alloc(), p + QUIRE__BLOCK_HEAD, f->pl.len - QUIRE__BLOCK_HEAD, out,
                           raw_size, (p[1] & QUIRE__BLOCK_F_DICT) ? dict : NULL, dict_len, &zmsg);
        if (e == 0) {
            fz_vec_set(raw, out, raw_size);
        }
        free(out);
        return e == 0 ? 0 : -1;
    }
}

/* Counts the length-prefixed records of a block's raw bytes. */
FZ_FN uint32_t
fz_raw_count(const uint8_t *raw, size_t len)
{
    size_t off = 0;
    uint32_t n = 0;
    while (len - off >= 4) {
        off += 4 + (size_t)quire__ld32(raw + off);
        n++;
        if (off > len) {
            break;
        }
    }
    return n;
}

/* Replaces block frame i's records with raw[0..len): same codec and flags,
 * zlib at level 6 (the writer's default) with the dictionary if flagged;
 * the header's record count and size follow. */
FZ_FN void
fz_block_set_raw(fz_arch *a, size_t i, const uint8_t *raw, size_t len)
{
    fz_frame *f = &a->f[i];
    uint8_t head[QUIRE__BLOCK_HEAD];
    memcpy(head, f->pl.p, QUIRE__BLOCK_HEAD);
    quire__st32(head + 4, fz_raw_count(raw, len));
    quire__st32(head + 8, (uint32_t)len);
    fz_vec_set(&f->pl, head, QUIRE__BLOCK_HEAD);
    if (head[0] == QUIRE__CODEC_STORED) {
        fz_vec_put(&f->pl, raw, len);
    } else {
        const uint8_t *dict;
        size_t dict_len;
        quire__buf b;
        fz_dict(a, &dict, &dict_len);
        quire__buf_init(&b, fz_alloc(), (size_t)1 << 30);
        if (quire__deflate(fz_alloc(), 6, raw, len, (head[1] & QUIRE__BLOCK_F_DICT) ? dict : NULL,
                           dict_len, &b) != 0) {
            abort();
        }
        fz_vec_put(&f->pl, b.p, b.len);
        quire__buf_free(&b);
    }
}

/* ---- records ---- */

typedef struct fz_records {
    fz_vec r[FZ_MAX_RECORDS];
    size_t n;
} fz_records;

FZ_FN void
fz_records_free(fz_records *rs)
{
    size_t i;
    for (i = 0; i < rs->n; i++) {
        fz_vec_free(&rs->r[i]);
    }
    rs->n = 0;
}

/* Every record of the archive, in file order. Returns 0 or -1. */
FZ_FN int
fz_records_get(const fz_arch *a, fz_records *rs)
{
    fz_vec raw;
    size_t i;
    memset(&raw, 0, sizeof raw);
    rs->n = 0;
    for (i = 0; i < a->n; i++) {
        size_t off = 0;
        if (a->f[i].type != QUIRE__FT_BLOK) {
            continue;
        }
        if (fz_block_raw(a, i, &raw) != 0) {
            fz_vec_free(&raw);
            return -1;
        }
        while (raw.len - off >= 4 && rs->n < FZ_MAX_RECORDS) {
            size_t n = quire__ld32(raw.p + off);
            if (n > raw.len - off - 4) {
                fz_vec_free(&raw);
                return -1;
            }
            memset(&rs->r[rs->n], 0, sizeof rs->r[rs->n]);
            fz_vec_set(&rs->r[rs->n], raw.p + off + 4, n);
            rs->n++;
            off += 4 + n;
        }
    }
    fz_vec_free(&raw);
    return 0;
}

/* Replaces every block by one block holding rs (codec and flags of the
 * first block, first article 0), as any writer could have blocked them. */
FZ_FN void
fz_records_put(fz_arch *a, const fz_records *rs)
{
    long first = fz_first(a, QUIRE__FT_BLOK);
    fz_vec raw;
    size_t i;
    uint8_t head[QUIRE__BLOCK_HEAD];
    if (first < 0) {
        abort();
    }
    memcpy(head, a->f[first].pl.p, QUIRE__BLOCK_HEAD);
    quire__st64(head + 12, 0);
    while (fz_count(a, QUIRE__FT_BLOK) > 1) {
        fz_remove(a, (size_t)fz_last(a, QUIRE__FT_BLOK));
    }
    fz_vec_set(&a->f[first].pl, head, QUIRE__BLOCK_HEAD);
    memset(&raw, 0, sizeof raw);
    for (i = 0; i < rs->n; i++) {
        fz_vec_u32(&raw, (uint32_t)rs->r[i].len);
        fz_vec_put(&raw, rs->r[i].p, rs->r[i].len);
    }
    fz_block_set_raw(a, (size_t)first, raw.p, raw.len);
    fz_vec_free(&raw);
}

/* Finds article n: its block frame and its position in the block. */
FZ_FN int
fz_locate(const fz_arch *a, uint64_t n, size_t *frame, size_t *pos)
{
    size_t i;
    for (i = 0; i < a->n; i++) {
        const fz_frame *f = &a->f[i];
        uint64_t first;
        uint32_t count;
        if (f->type != QUIRE__FT_BLOK || f->pl.len < QUIRE__BLOCK_HEAD) {
            continue;
        }
        count = quire__ld32(f->pl.p + 4);
        first = quire__ld64(f->pl.p + 12);
        if (n >= first && n - first < count) {
            *frame = i;
            *pos = (size_t)(n - first);
            return 0;
        }
    }
    return -1;
}

/* The record of article n. */
FZ_FN int
fz_record_get(const fz_arch *a, uint64_t n, fz_vec *rec)
{
    fz_vec raw;
    size_t fi, pos, off = 0, k;
    memset(&raw, 0, sizeof raw);
    if (fz_locate(a, n, &fi, &pos) != 0 || fz_block_raw(a, fi, &raw) != 0) {
        fz_vec_free(&raw);
        return -1;
    }
    for (k = 0; k < pos; k++) {
        off += 4 + (size_t)quire__ld32(raw.p + off);
    }
    fz_vec_set(rec, raw.p + off + 4, quire__ld32(raw.p + off));
    fz_vec_free(&raw);
    return 0;
}

/* Replaces the record of article n (the block is recompressed). */
FZ_FN int
fz_record_put(fz_arch *a, uint64_t n, const uint8_t *rec, size_t len)
{
    fz_vec raw;
    size_t fi, pos, off = 0, k, old;
    uint8_t pre[4];
    memset(&raw, 0, sizeof raw);
    if (fz_locate(a, n, &fi, &pos) != 0 || fz_block_raw(a, fi, &raw) != 0) {
        fz_vec_free(&raw);
        return -1;
    }
    for (k = 0; k < pos; k++) {
        off += 4 + (size_t)quire__ld32(raw.p + off);
    }
    old = quire__ld32(raw.p + off);
    fz_vec_erase(&raw, off, 4 + old);
    quire__st32(pre, (uint32_t)len);
    fz_vec_insert(&raw, off, rec, len);
    fz_vec_insert(&raw, off, pre, 4);
    fz_block_set_raw(a, fi, raw.p, raw.len);
    fz_vec_free(&raw);
    return 0;
}

/* A field or part of a record, found by walking its layout (spec 5.1). */
typedef struct fz_rfield {
    size_t at;      /* offset of the field (key) in the record */
    size_t val_at;  /* offset of the value */
    size_t val_len;
    size_t end;     /* offset after the field */
    uint16_t key;
    uint8_t type;
} fz_rfield;

typedef struct fz_rpart {
    size_t at, name_at, name_len, media_at, media_len, storage_at, len_at, data_at, data_len, end;
} fz_rpart;

typedef struct fz_rview {
    size_t nf, np;
    fz_rfield f[64];
    fz_rpart p[16];
} fz_rview;

/* Walks a record. Returns 0 for a well-formed layout, -1 otherwise; on
 * failure v holds the fields and parts read before the problem. */
FZ_FN int
fz_record_view(const uint8_t *r, size_t len, fz_rview *v)
{
    size_t off = QUIRE__RECORD_HEAD, i, nf, np;
    memset(v, 0, sizeof *v);
    if (len < QUIRE__RECORD_HEAD) {
        return -1;
    }
    nf = quire__ld16(r + 2);
    np = quire__ld16(r + 4);
    for (i = 0; i < nf && i < 64; i++) {
        fz_rfield *f = &v->f[i];
        if (len - off < 8) {
            return -1;
        }
        f->at = off;
        f->key = quire__ld16(r + off);
        f->type = r[off + 2];
        off += 4 + r[off + 3];
        if (len - off < 4) {
            return -1;
        }
        f->val_len = quire__ld32(r + off);
        f->val_at = off + 4;
        if (f->val_len > len - f->val_at) {
            return -1;
        }
        off = f->end = f->val_at + f->val_len;
        v->nf = i + 1;
    }
    if (nf > 64) {
        return -1;
    }
    for (i = 0; i < np && i < 16; i++) {
        fz_rpart *p = &v->p[i];
        if (len - off < 7) {
            return -1;
        }
        p->at = off;
        p->name_len = r[off];
        p->name_at = off + 1;
        off = p->name_at + p->name_len;
        if (len - off < 6) {
            return -1;
        }
        p->media_len = r[off];
        p->media_at = off + 1;
        off = p->media_at + p->media_len;
        if (len - off < 5) {
            return -1;
        }
        p->storage_at = off;
        p->len_at = off + 1;
        p->data_len = quire__ld32(r + off + 1);
        p->data_at = off + 5;
        if (p->data_len > len - p->data_at) {
            return -1;
        }
        off = p->end = p->data_at + p->data_len;
        v->np = i + 1;
    }
    return np <= 16 && off == len ? 0 : -1;
}

/* The first field with this standard key, or NULL. */
FZ_FN const fz_rfield *
fz_field(const fz_rview *v, uint16_t key)
{
    size_t i;
    for (i = 0; i < v->nf; i++) {
        if (v->f[i].key == key) {
            return &v->f[i];
        }
    }
    return NULL;
}

/* ---- the index ---- */

FZ_FN int
fz_index_raw(const fz_arch *a, fz_vec *raw)
{
    long x = fz_last(a, QUIRE__FT_INDX);
    const uint8_t *p;
    uint64_t raw_size;
    const char *zmsg = NULL;
    if (x < 0 || a->f[x].pl.len < QUIRE__ENVELOPE_HEAD) {
        return -1;
    }
    p = a->f[x].pl.p;
    raw_size = quire__ld64(p + 4);
    if (p[0] == QUIRE__CODEC_STORED) {
        fz_vec_set(raw, p + QUIRE__ENVELOPE_HEAD, a->f[x].pl.len - QUIRE__ENVELOPE_HEAD);
        return 0;
    }
    if (p[0] == QUIRE__CODEC_PAGED) { /* pages, as salvage reads them */
        quire__cur c;
        quire__env_head eh;
        quire__limits l;
        const char *what = NULL;
        uint8_t *out;
        int e;
        quire__limits_default(&l);
        quire__cur_init(&c, p, a->f[x].pl.len, 0);
        if (quire__env_head_decode(&c, &l, &eh) != 0) {
            return -1;
        }
        if ((out = (uint8_t *)malloc(raw_size != 0 ? (size_t)raw_size : 1)) == NULL) {
            abort();
        }
        e = quire__env_inflate(fz_alloc(), &eh, &l, out, &what, &zmsg);
        if (e == 0) {
            fz_vec_set(raw, out, (size_t)raw_size);
        }
        free(out);
        return e == 0 ? 0 : -1;
    }
    {
        uint8_t *out = (uint8_t *)malloc(raw_size != 0 ? (size_t)raw_size : 1);
        int e;
        if (out == NULL) {
            abort();
        }
        e = quire__inflate(fz_alloc(), p + QUIRE__ENVELOPE_HEAD,
                           a->f[x].pl.len - QUIRE__ENVELOPE_HEAD, out, (size_t)raw_size, NULL, 0,
                           &zmsg);
        if (e == 0) {
            fz_vec_set(raw, out, (size_t)raw_size);
        }
        free(out);
        return e == 0 ? 0 : -1;
    }
}

/* Stores raw as the index, with the envelope's codec (zlib at the writer's
 * default level 6, as the writer). */
FZ_FN void
fz_index_set_raw(fz_arch *a, const uint8_t *raw, size_t len)
{
    long x = fz_last(a, QUIRE__FT_INDX);
    fz_frame *f;
    uint8_t codec;
    if (x < 0) {
        abort();
    }
    f = &a->f[x];
    codec = f->pl.p[0];
    if (codec == QUIRE__CODEC_PAGED) { /* the same page size, paged as the writer pages */
        uint32_t ps = f->pl.len >= 16 ? quire__ld32(f->pl.p + 12) : 0;
        quire__buf b;
        if (ps < QUIRE__PAGE_MIN || ps > QUIRE__PAGE_MAX) {
            ps = 65536;
        }
        quire__buf_init(&b, fz_alloc(), (size_t)1 << 30);
        if (quire__index_put_pages(fz_alloc(), 6, ps, raw, len, &b) != 0) {
            abort();
        }
        fz_vec_set(&f->pl, b.p, b.len);
        quire__buf_free(&b);
        return;
    }
    f->pl.len = 0;
    fz_vec_u8(&f->pl, codec);
    fz_vec_u8(&f->pl, 0);
    fz_vec_u16(&f->pl, 0);
    fz_vec_u64(&f->pl, len);
    if (codec == QUIRE__CODEC_STORED) {
        fz_vec_put(&f->pl, raw, len);
    } else {
        quire__buf b;
        quire__buf_init(&b, fz_alloc(), (size_t)1 << 30);
        if (quire__deflate(fz_alloc(), 6, raw, len, NULL, 0, &b) != 0) {
            abort();
        }
        fz_vec_put(&f->pl, b.p, b.len);
        quire__buf_free(&b);
    }
}

/* Offsets of the parts of a raw index. */
typedef struct fz_ixview {
    uint64_t n_articles, n_blocks, n_urls, n_dates;
    size_t blocks, articles, urls, dates; /* offsets of the tables */
} fz_ixview;

FZ_FN int
fz_index_view(const uint8_t *ix, size_t len, fz_ixview *v)
{
    size_t off = QUIRE__ARCHIVE_ID_LEN + 16;
    memset(v, 0, sizeof *v);
    if (len < off) {
        return -1;
    }
    v->n_articles = quire__ld64(ix + 16);
    v->n_blocks = quire__ld64(ix + 24);
    v->blocks = off;
    v->articles = v->blocks + (size_t)v->n_blocks * QUIRE__BLOCK_ENTRY;
    off = v->articles + (size_t)v->n_articles * QUIRE__ARTICLE_ENTRY;
    if (off + 8 > len) {
        return -1;
    }
    v->n_urls = quire__ld64(ix + off);
    v->urls = off + 8;
    off = v->urls + (size_t)v->n_urls * QUIRE__PAIR_ENTRY;
    if (off + 8 > len) {
        return -1;
    }
    v->n_dates = quire__ld64(ix + off);
    v->dates = off + 8;
    return 0;
}

/* Rebuilds the index from the frames and records, as the writer builds it;
 * the archive id is kept. Returns 0 or -1. */
FZ_FN int
fz_fix_index(fz_arch *a)
{
    fz_vec old, ix, blocks, arts, urls, dates, raw;
    uint64_t n_articles = 0, n_blocks = 0;
    uint8_t id[QUIRE__ARCHIVE_ID_LEN];
    size_t i;
    int rc = 0;
    memset(&old, 0, sizeof old);
    memset(&ix, 0, sizeof ix);
    memset(&blocks, 0, sizeof blocks);
    memset(&arts, 0, sizeof arts);
    memset(&urls, 0, sizeof urls);
    memset(&dates, 0, sizeof dates);
    memset(&raw, 0, sizeof raw);
    if (fz_index_raw(a, &old) != 0 || old.len < QUIRE__ARCHIVE_ID_LEN) {
        fz_vec_free(&old);
        return -1;
    }
    memcpy(id, old.p, QUIRE__ARCHIVE_ID_LEN);
    for (i = 0; i < a->n && rc == 0; i++) {
        const fz_frame *f = &a->f[i];
        size_t off = 0;
        uint32_t count = 0;
        if (f->type != QUIRE__FT_BLOK) {
            continue;
        }
        if (fz_block_raw(a, i, &raw) != 0) {
            rc = -1;
            break;
        }
        while (raw.len - off >= 4) {
            size_t n = quire__ld32(raw.p + off);
            uint8_t dg[32];
            fz_rview rv;
            const fz_rfield *u, *cu, *dt;
            int64_t secs;
            if (n > raw.len - off - 4) {
                rc = -1;
                break;
            }
            quire__blake2b256(dg, raw.p + off + 4, n);
            fz_vec_put(&arts, dg, 32);
            fz_vec_u32(&arts, (uint32_t)n_blocks);
            fz_vec_u32(&arts, (uint32_t)(off + 4));
            fz_vec_u32(&arts, (uint32_t)n);
            /* a damaged record still gives the fields before the damage */
            (void)fz_record_view(raw.p + off + 4, n, &rv);
            {
                const uint8_t *r = raw.p + off + 4;
                u = fz_field(&rv, QUIRE_F_URL);
                cu = fz_field(&rv, QUIRE_F_CAPTURE_URL);
                dt = fz_field(&rv, QUIRE_F_PUBLISHED);
                if (u != NULL && u->type == QUIRE_T_TEXT) {
                    fz_vec_u64(&urls, quire__url_hash(r + u->val_at, u->val_len));
                    fz_vec_u64(&urls, n_articles);
                }
                if (cu != NULL && cu->type == QUIRE_T_TEXT &&
                    (u == NULL || u->type != QUIRE_T_TEXT || u->val_len != cu->val_len ||
                     memcmp(r + u->val_at, r + cu->val_at, cu->val_len) != 0)) {
                    fz_vec_u64(&urls, quire__url_hash(r + cu->val_at, cu->val_len));
                    fz_vec_u64(&urls, n_articles);
                }
                if (dt != NULL && dt->type == QUIRE_T_TIME &&
                    quire__time_parse(r + dt->val_at, dt->val_len, &secs) == 0) {
                    fz_vec_u64(&dates, (uint64_t)secs);
                    fz_vec_u64(&dates, n_articles);
                }
            }
            off += 4 + n;
            count++;
            n_articles++;
        }
        fz_vec_u64(&blocks, fz_off(a, i));
        fz_vec_u32(&blocks, (uint32_t)(f->pl.len + QUIRE__FRAME_OVERHEAD));
        fz_vec_u32(&blocks, (uint32_t)raw.len);
        fz_vec_u64(&blocks, n_articles - count);
        fz_vec_u32(&blocks, count);
        fz_vec_u32(&blocks, 0);
        n_blocks++;
    }
    if (rc == 0) {
        quire__pairs_sort(urls.p, urls.len / QUIRE__PAIR_ENTRY, 0);
        quire__pairs_sort(dates.p, dates.len / QUIRE__PAIR_ENTRY, 1);
        fz_vec_put(&ix, id, QUIRE__ARCHIVE_ID_LEN);
        fz_vec_u64(&ix, n_articles);
        fz_vec_u64(&ix, n_blocks);
        fz_vec_put(&ix, blocks.p, blocks.len);
        fz_vec_put(&ix, arts.p, arts.len);
        fz_vec_u64(&ix, urls.len / QUIRE__PAIR_ENTRY);
        fz_vec_put(&ix, urls.p, urls.len);
        fz_vec_u64(&ix, dates.len / QUIRE__PAIR_ENTRY);
        fz_vec_put(&ix, dates.p, dates.len);
        fz_index_set_raw(a, ix.p, ix.len);
    }
    fz_vec_free(&old);
    fz_vec_free(&ix);
    fz_vec_free(&blocks);
    fz_vec_free(&arts);
    fz_vec_free(&urls);
    fz_vec_free(&dates);
    fz_vec_free(&raw);
    return rc;
}

/* ---- the seal ---- */

/* The latest SEAL frame's parts: statement offset and length, the count and
 * signature entries, all relative to the payload. */
typedef struct fz_sealview {
    size_t stmt_at, stmt_len, count_at, n_sigs;
    size_t sig_at[64], sig_end[64];
} fz_sealview;

FZ_FN int
fz_seal_view(const fz_arch *a, fz_sealview *v, long *frame)
{
    long s = fz_last(a, QUIRE__FT_SEAL);
    const uint8_t *p;
    size_t len, off, k;
    memset(v, 0, sizeof *v);
    *frame = s;
    if (s < 0) {
        return -1;
    }
    p = a->f[s].pl.p;
    len = a->f[s].pl.len;
    if (len < 4) {
        return -1;
    }
    v->stmt_at = 4;
    v->stmt_len = quire__ld32(p);
    if (v->stmt_len > len - 4 - 2) {
        return -1;
    }
    v->count_at = 4 + v->stmt_len;
    v->n_sigs = quire__ld16(p + v->count_at);
    off = v->count_at + 2;
    for (k = 0; k < v->n_sigs && k < 64; k++) {
        if (len - off < 2) {
            return -1;
        }
        v->sig_at[k] = off;
        off += 2 + (size_t)p[off + 1] + 8 + 32 + 64;
        if (off > len) {
            return -1;
        }
        v->sig_end[k] = off;
    }
    return 0;
}

/* Re-signs every signature of the latest seal whose public key is one of
 * keys (the role and role name of the entry are kept). */
FZ_FN int
fz_resign(fz_arch *a, const fz_key *keys, size_t n_keys)
{
    fz_sealview v;
    long s;
    size_t k, j;
    if (fz_seal_view(a, &v, &s) != 0) {
        return -1;
    }
    for (k = 0; k < v.n_sigs; k++) {
        uint8_t *e = a->f[s].pl.p + v.sig_at[k];
        uint8_t *pk = e + 2 + e[1] + 8;
        for (j = 0; j < n_keys; j++) {
            if (memcmp(keys[j].pk.pk, pk, 32) == 0) {
                quire__buf msg;
                quire__buf_init(&msg, fz_alloc(), (size_t)1 << 20);
                quire__seal_message(&msg, e[0], e + 2, e[1], a->f[s].pl.p + v.stmt_at,
                                    v.stmt_len);
                if (msg.err != 0 || quire_seckey_sign(keys[j].sk, msg.p, msg.len, pk + 32) != 0) {
                    quire__buf_free(&msg);
                    return -1;
                }
                quire__buf_free(&msg);
                break;
            }
        }
    }
    return 0;
}

/* Replaces the latest seal's statement bytes (signatures are kept as they
 * are: call fz_resign after, if the keys are at hand). */
FZ_FN int
fz_seal_set_statement(fz_arch *a, const uint8_t *stmt, size_t len)
{
    fz_sealview v;
    long s;
    fz_vec pl;
    if (fz_seal_view(a, &v, &s) != 0) {
        return -1;
    }
    memset(&pl, 0, sizeof pl);
    fz_vec_u32(&pl, (uint32_t)len);
    fz_vec_put(&pl, stmt, len);
    fz_vec_put(&pl, a->f[s].pl.p + v.count_at, a->f[s].pl.len - v.count_at);
    fz_vec_set(&a->f[s].pl, pl.p, pl.len);
    fz_vec_free(&pl);
    return 0;
}

/* Decodes the latest statement into st; its comment points into *keep,
 * which the caller frees. */
FZ_FN int
fz_statement_get(const fz_arch *a, quire__statement *st, fz_vec *keep)
{
    fz_sealview v;
    long s;
    quire__cur c;
    if (fz_seal_view(a, &v, &s) != 0) {
        return -1;
    }
    fz_vec_set(keep, a->f[s].pl.p + v.stmt_at, v.stmt_len);
    quire__cur_init(&c, keep->p, keep->len, 0);
    return quire__statement_decode(&c, st) == 0 ? 0 : -1;
}

FZ_FN int
fz_statement_put(fz_arch *a, const quire__statement *st)
{
    quire__buf b;
    int rc;
    quire__buf_init(&b, fz_alloc(), (size_t)1 << 20);
    quire__statement_encode(&b, st);
    rc = b.err == 0 ? fz_seal_set_statement(a, b.p, b.len) : -1;
    quire__buf_free(&b);
    return rc;
}

/* The Merkle root over the article table of a raw index. */
FZ_FN void
fz_root_of_index(const uint8_t *ix, size_t len, uint8_t root[32])
{
    fz_ixview v;
    quire__merkle m;
    uint64_t i;
    quire__merkle_init(&m);
    if (fz_index_view(ix, len, &v) == 0) {
        for (i = 0; i < v.n_articles; i++) {
            quire__merkle_add(&m, ix + v.articles + i * QUIRE__ARTICLE_ENTRY);
        }
    }
    quire__merkle_root(&m, root);
}

/* Makes the latest statement agree with the archive (tree size, root, index
 * and dictionary digests), then re-signs with keys. */
FZ_FN int
fz_fix_seal(fz_arch *a, const fz_key *keys, size_t n_keys)
{
    quire__statement st;
    fz_vec keep, ix;
    const uint8_t *dict;
    size_t dict_len;
    fz_ixview iv;
    int rc = -1;
    memset(&keep, 0, sizeof keep);
    memset(&ix, 0, sizeof ix);
    if (fz_statement_get(a, &st, &keep) == 0 && fz_index_raw(a, &ix) == 0 &&
        fz_index_view(ix.p, ix.len, &iv) == 0) {
        st.tree_size = iv.n_articles;
        fz_root_of_index(ix.p, ix.len, st.root);
        quire__blake2b256(st.index_digest, ix.p, ix.len);
        fz_dict(a, &dict, &dict_len);
        memset(st.dict_digest, 0, 32);
        st.flags = (uint8_t)(st.flags & ~QUIRE__STMT_F_DICT);
        if (dict != NULL) {
            st.flags |= QUIRE__STMT_F_DICT;
            quire__blake2b256(st.dict_digest, dict, dict_len);
        }
        rc = fz_statement_put(a, &st);
        if (rc == 0) {
            rc = fz_resign(a, keys, n_keys);
        }
    }
    fz_vec_free(&keep);
    fz_vec_free(&ix);
    return rc;
}

/* ---- the trailer ---- */

FZ_FN int
fz_fix_trailer(fz_arch *a)
{
    long t = fz_last(a, QUIRE__FT_TRLR), x = fz_last(a, QUIRE__FT_INDX),
         d = fz_first(a, QUIRE__FT_DICT), s = fz_last(a, QUIRE__FT_SEAL);
    fz_vec ix;
    uint8_t *p;
    if (t < 0 || x < 0 || a->f[t].pl.len != QUIRE__TRAILER_PAYLOAD) {
        return -1;
    }
    p = a->f[t].pl.p;
    memset(&ix, 0, sizeof ix);
    if (fz_index_raw(a, &ix) == 0 && ix.len >= QUIRE__ARCHIVE_ID_LEN + 8) {
        quire__st64(p + 24, quire__ld64(ix.p + QUIRE__ARCHIVE_ID_LEN));
    }
    fz_vec_free(&ix);
    quire__st64(p, fz_off(a, (size_t)x));
    quire__st64(p + 8, d >= 0 ? fz_off(a, (size_t)d) : 0);
    quire__st64(p + 16, s >= 0 ? fz_off(a, (size_t)s) : 0);
    quire__st64(p + 40, fz_off(a, (size_t)t));
    return 0;
}

/* Every repair, in order. */
FZ_FN int
fz_repair(fz_arch *a, const fz_key *keys, size_t n_keys)
{
    if (fz_fix_index(a) != 0 || fz_fix_seal(a, keys, n_keys) != 0 || fz_fix_trailer(a) != 0) {
        return -1;
    }
    return 0;
}

/* ---- test keys ---- */

/* A fixed key pair: the seed is BLAKE2b-256 of label; the key is wrapped in
 * a minisign secret key file (unencrypted: "Ed" | {0,0} | "B2" | salt |
 * opslimit | memlimit | key_id | sk | chk, chk = BLAKE2b-256("Ed" | key_id |
 * sk)) and read back with quire_seckey_parse, since quire.h makes keys only
 * from files or at random. Returns 0 or a QUIRE_E_* code. */
FZ_FN int
fz_key_from_seed(const char *label, const uint8_t key_id[8], fz_key *out)
{
    uint8_t seed[32], raw[158], pk[32], sk[64];
    char b64[sizeof raw * 4 / 3 + 4], text[512];
    crypto_generichash_state st;
    quire_seckey *k = NULL;
    size_t n;
    int e;
    memset(out, 0, sizeof *out);
    if (sodium_init() < 0) {
        return QUIRE_E_NOMEM;
    }
    crypto_generichash(seed, sizeof seed, (const unsigned char *)label, strlen(label), NULL, 0);
    crypto_sign_seed_keypair(pk, sk, seed);
    memset(raw, 0, sizeof raw);
    memcpy(raw, "Ed", 2);
    memcpy(raw + 4, "B2", 2);
    memcpy(raw + 54, key_id, 8);
    memcpy(raw + 62, sk, 64);
    crypto_generichash_init(&st, NULL, 0, 32);
    crypto_generichash_update(&st, (const unsigned char *)"Ed", 2);
    crypto_generichash_update(&st, key_id, 8);
    crypto_generichash_update(&st, sk, 64);
    crypto_generichash_final(&st, raw + 126, 32);
    sodium_bin2base64(b64, sizeof b64, raw, sizeof raw, sodium_base64_VARIANT_ORIGINAL);
    n = (size_t)snprintf(text, sizeof text,
                         "untrusted comment: quire test key (public: never trust it)\n%s\n", b64);
    e = quire_seckey_parse(&k, text, n, NULL, NULL);
    sodium_memzero(sk, sizeof sk);
    sodium_memzero(seed, sizeof seed);
    sodium_memzero(raw, sizeof raw);
    sodium_memzero(text, sizeof text);
    sodium_memzero(b64, sizeof b64);
    if (e != 0) {
        return e;
    }
    out->sk = k;
    quire_seckey_public(k, &out->pk);
    return 0;
}

FZ_FN void
fz_key_free(fz_key *k)
{
    /* fz_key holds the key const for the repairs; it owns it */
    quire_seckey_free((quire_seckey *)(uintptr_t)k->sk);
    memset(k, 0, sizeof *k);
}

#endif
