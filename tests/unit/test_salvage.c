/* test_salvage.c - salvage (quire_salvage, format/scan.c): intact archives,
 * inserted garbage, broken CRCs, cut trailers and indexes, destroyed
 * headers and dictionaries, duplicate blocks, bad publisher signatures,
 * misuse, allocation failures, and random damage. Every output must pass a
 * full verification, every recovered article must be an original one with
 * its original digest, and recovered + lost must add up. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "helpers.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "quire.h"
/* internals: frame layout of the test archives, CRC-32 for crafted frames */
#include "internal.h"
#include "scan.h"

/* ====================================================================
 * Buffers
 * ==================================================================== */


static void
obuf_free(fz_out *o)
{
    free(o->p);
    memset(o, 0, sizeof *o);
}

static void
obuf_put(fz_out *o, const void *p, size_t n)
{
    assert_int_equal(fz_out_write(o, p, n), 0);
}

/* An exact-size heap copy, so that ASan reports any read past the end. */
static uint8_t *
dup_exact(const void *p, size_t n)
{
    uint8_t *q = (uint8_t *)malloc(n != 0 ? n : 1);
    assert_non_null(q);
    if (n != 0) {
        memcpy(q, p, n);
    }
    return q;
}

/* deterministic PRNG (xorshift64*) */
static uint64_t
rnd(uint64_t *s)
{
    *s ^= *s >> 12;
    *s ^= *s << 25;
    *s ^= *s >> 27;
    return *s * 0x2545F4914F6CDD1DULL;
}

/* ====================================================================
 * Test archives
 * ==================================================================== */

#define MAXA 400

typedef struct arch {
    fz_out f;               /* the archive */
    uint64_t n;           /* articles */
    uint8_t dg[MAXA][32]; /* their record digests */
    uint8_t root[32];
    /* frame layout */
    size_t n_frames;
    uint64_t off[2 * MAXA + 8];
    uint32_t type[2 * MAXA + 8];
    uint32_t flen[2 * MAXA + 8];                      /* whole frame bytes */
    uint64_t first[2 * MAXA + 8], nrec[2 * MAXA + 8]; /* BLOK only */
} arch;

/* Article i: about body_len bytes of text, with a URL and a date. */
static void
fill(quire_article *a, uint64_t i, size_t body_len)
{
    char line[4096], body[3000];
    size_t k;
    int n;
    assert_true(body_len < sizeof body);
    for (k = 0; k < body_len; k++) {
        body[k] = (char)('a' + (i * 7 + k * 13 + k / 5) % 26);
        if (k % 9 == 8) {
            body[k] = ' ';
        }
    }
    body[body_len] = '\0';
    n = snprintf(line, sizeof line,
                 "{\"id\":\"t:%llu\",\"title\":\"Article %llu\",\"date\":\"2024-01-%02d\","
                 "\"url\":\"https://example.org/%llu\",\"text\":\"%s\"}",
                 (unsigned long long)i, (unsigned long long)i, (int)(i % 28) + 1,
                 (unsigned long long)i, body);
    assert_true(n > 0 && (size_t)n < sizeof line);
    assert_int_equal(quire_article_from_json(a, line, (size_t)n, NULL), QUIRE_OK);
}

static void
layout(arch *A)
{
    size_t off = QUIRE__HEADER_LEN;
    quire__limits l;
    quire__limits_default(&l);
    A->n_frames = 0;
    while (off < A->f.len) {
        quire__cur c;
        quire__frame f;
        size_t k = A->n_frames++;
        assert_true(k < sizeof A->off / sizeof A->off[0]);
        quire__cur_init(&c, A->f.p + off, A->f.len - off, off);
        assert_int_equal(quire__frame_decode(&c, &l, &f), 0);
        A->off[k] = off;
        A->type[k] = f.type;
        A->flen[k] = f.len + QUIRE__FRAME_OVERHEAD;
        if (f.type == QUIRE__FT_BLOK) {
            A->nrec[k] = quire__ld32(f.payload + 4);
            A->first[k] = quire__ld64(f.payload + 12);
        }
        off += A->flen[k];
    }
}

/* The frame layout of another buffer, into A (its digests stay). */
static void
arch_layout_of(const fz_out *f, arch *A)
{
    fz_out keep = A->f;
    A->f = *f;
    layout(A);
    A->f = keep;
}

/* The k-th frame of a type (0-based), as a frame number; -1 if none. */
static int
frame_of(const arch *A, uint32_t type, size_t k)
{
    size_t i;
    for (i = 0; i < A->n_frames; i++) {
        if (A->type[i] == type && k-- == 0) {
            return (int)i;
        }
    }
    return -1;
}

static void
make_archive(arch *A, uint64_t n, size_t body_len, int level, int with_dict)
{
    quire_writer *w = NULL;
    quire_article *a = NULL;
    quire_verifier *v = NULL;
    quire_verify_summary sum;
    quire_reader *r = NULL;
    uint64_t i;
    memset(A, 0, sizeof *A);
    assert_true(n <= MAXA);
    assert_int_equal(quire_writer_new(&w, NULL), 0);
    assert_int_equal(quire_article_new(&a, NULL), 0);
    assert_int_equal(quire_writer_set_option(w, QUIRE_OPT_BLOCK_SIZE, 1024), 0);
    assert_int_equal(quire_writer_set_option(w, QUIRE_OPT_LEVEL, level), 0);
    if (with_dict) {
        static const char dict[] = "abcdefghijklmnopqrstuvwxyz https://example.org/ Article";
        assert_int_equal(quire_writer_set_dictionary(w, dict, sizeof dict - 1), 0);
    }
    assert_int_equal(quire_writer_open(w, fz_out_write, &A->f, NULL), 0);
    for (i = 0; i < n; i++) {
        fill(a, i, body_len);
        assert_int_equal(quire_writer_add(w, a, NULL, NULL), 0);
    }
    assert_int_equal(quire_writer_finish(w, NULL), 0);
    quire_writer_free(w);
    quire_article_free(a);
    A->n = n;
    assert_int_equal(quire_reader_new(&r, NULL), 0);
    assert_int_equal(quire_reader_open_memory(r, A->f.p, A->f.len, NULL), 0);
    for (i = 0; i < n; i++) {
        assert_int_equal(quire_reader_get_digest(r, i, A->dg[i]), 0);
    }
    quire_reader_free(r);
    assert_int_equal(quire_verifier_new(&v, NULL), 0);
    assert_int_equal(quire_verifier_run_memory(v, A->f.p, A->f.len, NULL, NULL, &sum), QUIRE_OK);
    memcpy(A->root, sum.root, 32);
    quire_verifier_free(v);
    layout(A);
}

/* ====================================================================
 * Salvage and its checks
 * ==================================================================== */

typedef struct res {
    quire_salvage_report rep;
    fz_out out;
    int rc;
    /* items */
    uint64_t n_damage, n_recovered_items, n_notes;
    uint64_t lost_sum, recovered_sum;
    uint8_t lost[MAXA]; /* per original article: 1 if named lost */
    int lost_code[MAXA];
    int lost_digest_ok;  /* every per-article LOST item's digest is the original's */
    int lost_unverified; /* LOST items with numbers from a damaged header */
    uint64_t map[MAXA];  /* output article -> original number */
    const arch *A;
} res;

static int
on_item(void *ctx, const quire_salvage_item *it)
{
    res *R = (res *)ctx;
    uint64_t k;
    assert_non_null(it->message);
    assert_non_null(it->what);
    switch (it->kind) {
    case QUIRE_SALVAGE_DAMAGE:
        assert_true(it->length > 0);
        assert_true(it->code < 0);
        R->n_damage++;
        break;
    case QUIRE_SALVAGE_RECOVERED:
        assert_true(it->count >= 1);
        assert_int_equal(it->code, QUIRE_OK);
        R->n_recovered_items++;
        R->recovered_sum += it->count;
        for (k = 0; k < it->count; k++) {
            if (it->out_article + k < MAXA) {
                R->map[it->out_article + k] = it->article + k;
            }
        }
        break;
    case QUIRE_SALVAGE_LOST:
        assert_true(it->count >= 1);
        assert_true(it->code < 0);
        R->lost_sum += it->count;
        if (!it->numbers_verified) {
            R->lost_unverified++;
        }
        if (it->digest != NULL) {
            assert_int_equal(it->count, 1);
            if (R->A != NULL && it->article < R->A->n &&
                memcmp(it->digest, R->A->dg[it->article], 32) != 0) {
                R->lost_digest_ok = 0;
            }
        }
        for (k = 0; k < it->count && it->article + k < MAXA; k++) {
            assert_int_equal(R->lost[it->article + k], 0); /* named once */
            R->lost[it->article + k] = 1;
            R->lost_code[it->article + k] = it->code;
        }
        break;
    case QUIRE_SALVAGE_NOTE: R->n_notes++; break;
    default: fail_msg("unknown item kind %d", it->kind);
    }
    return 0;
}

/* Salvages buf[0..len) (an exact-size copy) and checks the invariants:
 * the output verifies (full), its articles are the recovered ones, each an
 * original article with its digest, in increasing original order; the
 * counts add up. */
static void
salvage(const arch *A, const uint8_t *buf, size_t len, res *R)
{
    quire_writer *w = NULL;
    quire_verifier *v = NULL;
    quire_verify_summary sum;
    quire_reader *r = NULL;
    quire_diag d;
    uint8_t *copy = dup_exact(buf, len);
    uint64_t i;
    memset(R, 0, sizeof *R);
    R->A = A;
    R->lost_digest_ok = 1;
    assert_int_equal(quire_writer_new(&w, NULL), 0);
    assert_int_equal(quire_writer_open(w, fz_out_write, &R->out, NULL), 0);
    memset(&d, 0, sizeof d);
    R->rc = quire_salvage(copy, len, "test.qr", w, on_item, R, &R->rep, &d);
    assert_int_equal(R->rc, QUIRE_OK);
    assert_int_equal(quire_writer_finish(w, NULL), QUIRE_OK);
    quire_writer_free(w);
    free(copy);

    /* the counts add up */
    assert_int_equal(R->rep.recovered + R->rep.lost, R->rep.total);
    assert_int_equal(R->lost_sum, R->rep.lost);
    assert_int_equal(R->recovered_sum, R->rep.recovered);
    assert_true(R->rep.verified <= R->rep.recovered);
    assert_true(R->rep.comment_len > 0 && R->rep.comment_len <= 1024);
    assert_int_equal(strlen(R->rep.comment), R->rep.comment_len);

    /* a salvaged archive is always valid */
    assert_int_equal(quire_verifier_new(&v, NULL), 0);
    assert_int_equal(quire_verifier_run_memory(v, R->out.p, R->out.len, NULL, NULL, &sum),
                     QUIRE_OK);
    quire_verifier_free(v);
    assert_int_equal(sum.articles, R->rep.recovered);

    /* every recovered article is an original one, in order, unchanged */
    assert_int_equal(quire_reader_new(&r, NULL), 0);
    assert_int_equal(quire_reader_open_memory(r, R->out.p, R->out.len, NULL), 0);
    for (i = 0; i < R->rep.recovered && A != NULL; i++) {
        uint8_t dg[32];
        assert_true(i < MAXA);
        assert_true(R->map[i] < A->n);
        assert_true(i == 0 || R->map[i] > R->map[i - 1]);
        assert_int_equal(quire_reader_get_digest(r, i, dg), 0);
        assert_memory_equal(dg, A->dg[R->map[i]], 32);
        assert_int_equal(R->lost[R->map[i]], 0);
    }
    quire_reader_free(r);
}

static void
res_free(res *R)
{
    obuf_free(&R->out);
}

/* ====================================================================
 * Tests
 * ==================================================================== */

static void
test_intact(void **state)
{
    arch *A = (arch *)malloc(sizeof *A);
    res R;
    quire_verifier *v = NULL;
    quire_verify_summary sum;
    int level;
    (void)state;
    for (level = 0; level <= 6; level += 6) {
        make_archive(A, 40, 300, level, level == 6);
        assert_true(frame_of(A, QUIRE__FT_BLOK, 5) >= 0); /* several blocks */
        salvage(A, A->f.p, A->f.len, &R);
        assert_int_equal(R.rep.recovered, 40);
        assert_int_equal(R.rep.verified, 40);
        assert_int_equal(R.rep.lost, 0);
        assert_int_equal(R.rep.total, 40);
        assert_true(R.rep.total_known);
        assert_true(R.rep.header_ok);
        assert_int_equal(R.rep.damaged_ranges, 0);
        assert_int_equal(R.n_damage, 0);
        assert_true(R.rep.has_index);
        assert_true(R.rep.has_verified_root);
        assert_memory_equal(R.rep.verified_root, A->root, 32);
        assert_int_equal(R.rep.verified_tree_size, 40);
        /* same digests in the same order: the same Merkle root */
        assert_int_equal(quire_verifier_new(&v, NULL), 0);
        assert_int_equal(quire_verifier_run_memory(v, R.out.p, R.out.len, NULL, NULL, &sum), 0);
        quire_verifier_free(v);
        assert_memory_equal(sum.root, A->root, 32);
        assert_non_null(strstr(R.rep.comment, "\"salvaged_from\":\"test.qr\""));
        assert_non_null(strstr(R.rep.comment, "\"recovered\":40,\"lost\":0"));
        assert_non_null(strstr(R.rep.comment, "\"lost_ranges\":[]"));
        assert_true(R.rep.lost_in_comment);
        res_free(&R);
        obuf_free(&A->f);
    }
    free(A);
}

/* The recovered articles keep their URL and date index entries. */
static void
test_lookups_kept(void **state)
{
    arch *A = (arch *)malloc(sizeof *A);
    quire_reader *r = NULL;
    res R;
    uint64_t n = 99;
    size_t first = 0, count = 0;
    (void)state;
    make_archive(A, 12, 200, 6, 0);
    salvage(A, A->f.p, A->f.len, &R);
    assert_int_equal(quire_reader_new(&r, NULL), 0);
    assert_int_equal(quire_reader_open_memory(r, R.out.p, R.out.len, NULL), 0);
    assert_int_equal(quire_reader_find_url(r, "https://example.org/7", 21, &n, NULL), 0);
    assert_int_equal(n, 7);
    assert_int_equal(quire_reader_date_span(r, 0, INT64_MAX, &first, &count), 0);
    assert_int_equal(count, 12);
    quire_reader_free(r);
    res_free(&R);
    obuf_free(&A->f);
    free(A);
}

static void
test_garbage_between_frames(void **state)
{
    arch *A = (arch *)malloc(sizeof *A);
    fz_out g;
    res R;
    uint8_t junk[300];
    uint64_t s = 42;
    size_t i;
    int b2, ix;
    (void)state;
    make_archive(A, 30, 300, 6, 0);
    b2 = frame_of(A, QUIRE__FT_BLOK, 2);
    ix = frame_of(A, QUIRE__FT_INDX, 0);
    assert_true(b2 > 0 && ix > 0);
    for (i = 0; i < sizeof junk; i++) {
        junk[i] = (uint8_t)rnd(&s);
    }
    /* a plausible frame header inside the garbage makes the resync work */
    memcpy(junk + 40, "BLOK\0\0\0\0\x10\0\0\0", 12);
    memset(&g, 0, sizeof g);
    obuf_put(&g, A->f.p, A->off[b2]);
    obuf_put(&g, junk, sizeof junk);
    obuf_put(&g, A->f.p + A->off[b2], A->off[ix] - A->off[b2]);
    obuf_put(&g, junk, 77);
    obuf_put(&g, A->f.p + A->off[ix], A->f.len - A->off[ix]);
    salvage(A, g.p, g.len, &R);
    assert_int_equal(R.rep.recovered, 30);
    assert_int_equal(R.rep.verified, 30);
    assert_int_equal(R.rep.lost, 0);
    assert_true(R.rep.total_known);
    assert_int_equal(R.rep.damaged_ranges, 2);
    assert_int_equal(R.rep.damaged_bytes, sizeof junk + 77);
    assert_true(R.rep.has_verified_root);
    assert_memory_equal(R.rep.verified_root, A->root, 32);
    res_free(&R);
    obuf_free(&g);
    obuf_free(&A->f);
    free(A);
}

static void
test_block_crc_broken(void **state)
{
    arch *A = (arch *)malloc(sizeof *A);
    uint8_t *d;
    res R;
    int b;
    uint64_t i;
    (void)state;
    make_archive(A, 30, 300, 6, 0);
    b = frame_of(A, QUIRE__FT_BLOK, 3);
    d = dup_exact(A->f.p, A->f.len);
    d[A->off[b] + A->flen[b] / 2] ^= 0x20;
    salvage(A, d, A->f.len, &R);
    assert_int_equal(R.rep.lost, A->nrec[b]);
    assert_int_equal(R.rep.recovered, 30 - A->nrec[b]);
    assert_true(R.rep.total_known);
    assert_true(R.lost_digest_ok);
    for (i = 0; i < 30; i++) {
        int in_block = i >= A->first[b] && i < A->first[b] + A->nrec[b];
        assert_int_equal(R.lost[i], in_block);
        if (in_block) {
            assert_int_equal(R.lost_code[i], QUIRE_E_CRC);
        }
    }
    assert_int_equal(R.n_damage, 1);
    assert_non_null(strstr(R.rep.comment, "\"lost_ranges\":[["));
    res_free(&R);
    free(d);
    obuf_free(&A->f);
    free(A);
}

static void
test_trailer_cut(void **state)
{
    arch *A = (arch *)malloc(sizeof *A);
    res R;
    int ix;
    (void)state;
    make_archive(A, 25, 300, 6, 0);
    /* no trailer at all: the file ends at a frame boundary */
    salvage(A, A->f.p, A->f.len - QUIRE__TRAILER_FRAME, &R);
    assert_int_equal(R.rep.recovered, 25);
    assert_int_equal(R.rep.lost, 0);
    assert_true(R.rep.total_known);
    assert_true(R.rep.has_verified_root);
    res_free(&R);
    /* cut inside the trailer: a damaged trailer hides no article */
    salvage(A, A->f.p, A->f.len - 30, &R);
    assert_int_equal(R.rep.recovered, 25);
    assert_int_equal(R.rep.lost, 0);
    assert_true(R.rep.truncated);
    assert_true(R.rep.total_known);
    res_free(&R);
    /* cut inside the index: nothing states the count any more */
    ix = frame_of(A, QUIRE__FT_INDX, 0);
    salvage(A, A->f.p, A->off[ix] + 20, &R);
    assert_int_equal(R.rep.recovered, 25);
    assert_int_equal(R.rep.verified, 0);
    assert_int_equal(R.rep.lost, 0);
    assert_false(R.rep.has_index);
    assert_false(R.rep.total_known);
    assert_false(R.rep.has_verified_root);
    assert_non_null(strstr(R.rep.comment, "\"last_verified_root\":null"));
    res_free(&R);
    obuf_free(&A->f);
    free(A);
}

/* Cut in the middle of a block: every article of the complete blocks
 * before the cut is recovered, the cut block's are named from its header. */
static void
test_truncated_mid_block(void **state)
{
    arch *A = (arch *)malloc(sizeof *A);
    res R;
    int b;
    uint64_t i;
    (void)state;
    make_archive(A, 30, 300, 6, 0);
    b = frame_of(A, QUIRE__FT_BLOK, 4);
    salvage(A, A->f.p, A->off[b] + A->flen[b] / 2, &R);
    assert_int_equal(R.rep.recovered, A->first[b]);
    assert_int_equal(R.rep.lost, A->nrec[b]);
    assert_int_equal(R.rep.total, A->first[b] + A->nrec[b]);
    assert_false(R.rep.total_known);
    assert_true(R.rep.truncated);
    for (i = 0; i < 30; i++) {
        assert_int_equal(R.lost[i], i >= A->first[b] && i < A->first[b] + A->nrec[b]);
    }
    assert_true(R.lost_unverified > 0);
    res_free(&R);
    obuf_free(&A->f);
    free(A);
}

static void
test_index_destroyed(void **state)
{
    arch *A = (arch *)malloc(sizeof *A);
    uint8_t *d;
    res R;
    int ix, b;
    uint64_t i, s = 7;
    (void)state;
    make_archive(A, 30, 300, 6, 0);
    ix = frame_of(A, QUIRE__FT_INDX, 0);
    d = dup_exact(A->f.p, A->f.len);
    for (i = 0; i < A->flen[ix]; i++) {
        d[A->off[ix] + i] = (uint8_t)rnd(&s);
    }
    salvage(A, d, A->f.len, &R);
    assert_int_equal(R.rep.recovered, 30);
    assert_int_equal(R.rep.verified, 0);
    assert_int_equal(R.rep.lost, 0);
    assert_false(R.rep.has_index);
    assert_true(R.rep.total_known); /* the trailer and the seal state 30 */
    assert_false(R.rep.has_verified_root);
    res_free(&R);
    /* and a block: its articles are named from its damaged header */
    b = frame_of(A, QUIRE__FT_BLOK, 2);
    d[A->off[b] + A->flen[b] - 9] ^= 1;
    salvage(A, d, A->f.len, &R);
    assert_int_equal(R.rep.lost, A->nrec[b]);
    assert_int_equal(R.rep.recovered, 30 - A->nrec[b]);
    assert_true(R.rep.total_known);
    for (i = 0; i < 30; i++) {
        assert_int_equal(R.lost[i], i >= A->first[b] && i < A->first[b] + A->nrec[b]);
    }
    res_free(&R);
    /* and the last block: the trailer's count names the rest */
    b = frame_of(A, QUIRE__FT_INDX, 0) - 1;
    assert_int_equal(A->type[b], QUIRE__FT_BLOK);
    memset(d + A->off[b], 0, A->flen[b]);
    salvage(A, d, A->f.len, &R);
    assert_int_equal(R.rep.total, 30);
    for (i = A->first[b]; i < 30; i++) {
        assert_int_equal(R.lost[i], 1);
    }
    res_free(&R);
    free(d);
    obuf_free(&A->f);
    free(A);
}

static void
test_header_destroyed(void **state)
{
    arch *A = (arch *)malloc(sizeof *A);
    uint8_t *d;
    res R;
    (void)state;
    make_archive(A, 20, 300, 6, 0);
    d = dup_exact(A->f.p, A->f.len);
    memset(d, 'x', QUIRE__HEADER_LEN);
    salvage(A, d, A->f.len, &R);
    assert_false(R.rep.header_ok);
    assert_int_equal(R.rep.recovered, 20);
    assert_int_equal(R.rep.lost, 0);
    assert_true(R.rep.total_known);
    assert_int_equal(R.rep.damaged_ranges, 1);
    res_free(&R);
    /* and the file shifted by a few lost leading bytes */
    salvage(A, A->f.p + 5, A->f.len - 5, &R);
    assert_int_equal(R.rep.recovered, 20);
    assert_int_equal(R.rep.lost, 0);
    res_free(&R);
    free(d);
    obuf_free(&A->f);
    free(A);
}

static void
test_dictionary(void **state)
{
    arch *A = (arch *)malloc(sizeof *A);
    uint8_t *d;
    fz_out g;
    res R;
    int dc, b;
    uint64_t i;
    (void)state;
    make_archive(A, 20, 300, 6, 1);
    dc = frame_of(A, QUIRE__FT_DICT, 0);
    assert_int_equal(dc, 0);
    /* the dictionary destroyed: every block needs it */
    d = dup_exact(A->f.p, A->f.len);
    d[A->off[dc] + 20] ^= 0xFF;
    salvage(A, d, A->f.len, &R);
    assert_int_equal(R.rep.recovered, 0);
    assert_int_equal(R.rep.lost, 20);
    assert_true(R.lost_digest_ok);
    for (i = 0; i < 20; i++) {
        assert_int_equal(R.lost_code[i], QUIRE_E_DICT);
    }
    res_free(&R);
    free(d);
    /* the dictionary found elsewhere (moved after the blocks) still serves */
    b = frame_of(A, QUIRE__FT_INDX, 0);
    memset(&g, 0, sizeof g);
    obuf_put(&g, A->f.p, QUIRE__HEADER_LEN);
    obuf_put(&g, A->f.p + A->off[1], A->off[b] - A->off[1]);
    obuf_put(&g, A->f.p + A->off[dc], A->flen[dc]);
    obuf_put(&g, A->f.p + A->off[b], A->f.len - A->off[b]);
    salvage(A, g.p, g.len, &R);
    assert_int_equal(R.rep.recovered, 20);
    assert_int_equal(R.rep.lost, 0);
    res_free(&R);
    obuf_free(&g);
    obuf_free(&A->f);
    free(A);
}

static void
test_duplicate_block(void **state)
{
    arch *A = (arch *)malloc(sizeof *A);
    fz_out g;
    res R;
    int b1, b3;
    (void)state;
    make_archive(A, 30, 300, 6, 0);
    b1 = frame_of(A, QUIRE__FT_BLOK, 1);
    b3 = frame_of(A, QUIRE__FT_BLOK, 3);
    memset(&g, 0, sizeof g);
    obuf_put(&g, A->f.p, A->off[b3]);
    obuf_put(&g, A->f.p + A->off[b1], A->flen[b1]); /* block 1 again */
    obuf_put(&g, A->f.p + A->off[b3], A->f.len - A->off[b3]);
    salvage(A, g.p, g.len, &R);
    assert_int_equal(R.rep.recovered, 30);
    assert_int_equal(R.rep.lost, 0);
    assert_int_equal(R.rep.damaged_ranges, 0);
    assert_true(R.n_notes >= 1);
    res_free(&R);
    obuf_free(&g);
    obuf_free(&A->f);
    free(A);
}

/* An article whose publisher signature does not verify is not intact: the
 * output would fail verification. */
static void
test_bad_publisher_signature(void **state)
{
    fz_out f;
    quire_writer *w = NULL;
    quire_article *a = NULL;
    uint8_t junk[104];
    res R;
    uint64_t i;
    (void)state;
    memset(&f, 0, sizeof f);
    memset(junk, 0x5A, sizeof junk);
    assert_int_equal(quire_writer_new(&w, NULL), 0);
    assert_int_equal(quire_article_new(&a, NULL), 0);
    assert_int_equal(quire_writer_open(w, fz_out_write, &f, NULL), 0);
    for (i = 0; i < 4; i++) {
        fill(a, i, 100);
        if (i == 2) {
            assert_int_equal(
                quire_article_set(a, QUIRE_F_PUBLISHER_SIG, QUIRE_T_BYTES, junk, sizeof junk), 0);
        }
        assert_int_equal(quire_writer_add(w, a, NULL, NULL), 0);
    }
    assert_int_equal(quire_writer_finish(w, NULL), 0);
    quire_writer_free(w);
    quire_article_free(a);
    salvage(NULL, f.p, f.len, &R);
    assert_int_equal(R.rep.recovered, 3);
    assert_int_equal(R.rep.lost, 1);
    assert_int_equal(R.lost[2], 1);
    assert_int_equal(R.lost_code[2], QUIRE_E_PUBLISHER);
    res_free(&R);
    obuf_free(&f);
}

/* A block whose records do not match the index digests (an index from
 * another archive spliced in): nothing unverified gets through. */
static void
test_digest_mismatch(void **state)
{
    arch *A = (arch *)malloc(sizeof *A), *B = (arch *)malloc(sizeof *B);
    fz_out g;
    res R;
    int ia, ib;
    uint64_t i;
    (void)state;
    make_archive(A, 10, 200, 6, 0);
    make_archive(B, 10, 210, 6, 0);
    ia = frame_of(A, QUIRE__FT_INDX, 0);
    ib = frame_of(B, QUIRE__FT_INDX, 0);
    memset(&g, 0, sizeof g);
    obuf_put(&g, A->f.p, A->off[ia]);
    obuf_put(&g, B->f.p + B->off[ib], B->flen[ib]);
    salvage(NULL, g.p, g.len, &R);
    assert_int_equal(R.rep.recovered, 0);
    assert_int_equal(R.rep.lost, 10);
    for (i = 0; i < 10; i++) {
        assert_int_equal(R.lost_code[i], QUIRE_E_DIGEST);
    }
    res_free(&R);
    obuf_free(&g);
    obuf_free(&A->f);
    obuf_free(&B->f);
    free(A);
    free(B);
}

/* Too many lost ranges for the 1024-byte comment: the list stays in the
 * report. */
static void
test_comment_limit(void **state)
{
    arch *A = (arch *)malloc(sizeof *A);
    uint8_t *d;
    res R;
    size_t k;
    int b;
    (void)state;
    make_archive(A, 300, 1000, 0, 0);
    d = dup_exact(A->f.p, A->f.len);
    for (k = 0; (b = frame_of(A, QUIRE__FT_BLOK, k)) >= 0; k += 2) {
        d[A->off[b] + 40] ^= 1;
    }
    salvage(A, d, A->f.len, &R);
    assert_true(R.rep.lost > 100);
    assert_false(R.rep.lost_in_comment);
    assert_non_null(strstr(R.rep.comment, "\"lost_ranges\":\"omitted\""));
    res_free(&R);
    free(d);
    obuf_free(&A->f);
    free(A);
}

static void
test_tiny_inputs(void **state)
{
    arch *A = (arch *)malloc(sizeof *A);
    res R;
    size_t n;
    (void)state;
    salvage(NULL, NULL, 0, &R);
    assert_int_equal(R.rep.recovered, 0);
    assert_int_equal(R.rep.total, 0);
    assert_false(R.rep.total_known);
    res_free(&R);
    make_archive(A, 3, 50, 6, 0);
    for (n = 0; n < 120; n++) {
        salvage(A, A->f.p, n, &R);
        res_free(&R);
    }
    obuf_free(&A->f);
    free(A);
}

static void
test_misuse(void **state)
{
    quire_writer *w = NULL;
    quire_salvage_report rep;
    quire_diag d;
    fz_out o;
    (void)state;
    memset(&o, 0, sizeof o);
    assert_int_equal(quire_salvage("x", 1, NULL, NULL, NULL, NULL, &rep, &d), QUIRE_E_ARG);
    assert_int_equal(quire_writer_new(&w, NULL), 0);
    assert_int_equal(quire_salvage(NULL, 5, NULL, w, NULL, NULL, NULL, NULL), QUIRE_E_ARG);
    /* not open */
    assert_int_equal(quire_salvage("x", 1, NULL, w, NULL, NULL, &rep, &d), QUIRE_E_BADSTATE);
    assert_int_equal(d.code, QUIRE_E_BADSTATE);
    assert_int_equal(quire_writer_open(w, fz_out_write, &o, NULL), 0);
    assert_int_equal(quire_salvage("x", 1, NULL, w, NULL, NULL, NULL, NULL), QUIRE_OK);
    assert_int_equal(quire_writer_finish(w, NULL), 0);
    /* finished */
    assert_int_equal(quire_salvage("x", 1, NULL, w, NULL, NULL, &rep, &d), QUIRE_E_BADSTATE);
    quire_writer_free(w);
    obuf_free(&o);
    assert_int_equal(quire_salvager_new(NULL, NULL), QUIRE_E_ARG);
    assert_int_equal(quire_salvager_set_limit(NULL, QUIRE_LIMIT_FRAME, 1), QUIRE_E_ARG);
    quire_salvager_free(NULL);
}

/* A name with invalid UTF-8 and quotes still gives a valid UTF-8 comment. */
static void
test_source_name(void **state)
{
    quire_writer *w = NULL;
    quire_salvage_report rep;
    fz_out o;
    char name[600];
    (void)state;
    memset(&o, 0, sizeof o);
    memset(name, 'n', sizeof name);
    memcpy(name, "a\"b\\c\n\xff\xc3", 8);
    name[sizeof name - 1] = '\0';
    assert_int_equal(quire_writer_new(&w, NULL), 0);
    assert_int_equal(quire_writer_open(w, fz_out_write, &o, NULL), 0);
    assert_int_equal(quire_salvage("", 0, name, w, NULL, NULL, &rep, NULL), QUIRE_OK);
    assert_non_null(strstr(rep.comment, "\"salvaged_from\":\"a\\\"b\\\\c\\u000a\\ufffd\\ufffdnnn"));
    assert_true(rep.comment_len < 600);
    assert_int_equal(quire_writer_finish(w, NULL), 0);
    quire_writer_free(w);
    obuf_free(&o);
}

/* ---- frames with a valid CRC-32 but invalid contents ---- */

static void
put_frame(fz_out *o, const char type[4], const void *payload, size_t len)
{
    uint8_t head[12], crc[4];
    uint32_t c;
    memcpy(head, type, 4);
    quire__st32(head + 4, 0);
    quire__st32(head + 8, (uint32_t)len);
    c = quire__crc32(0, head, 12);
    c = quire__crc32(c, (const uint8_t *)payload, len);
    quire__st32(crc, c);
    obuf_put(o, head, 12);
    obuf_put(o, payload, len);
    obuf_put(o, crc, 4);
}

/* A BLOK payload: header, then the data as given (stored unless codec says). */
static size_t
blok(uint8_t *out, uint8_t codec, uint32_t n, uint32_t raw, uint64_t first, const void *data,
     size_t len)
{
    memset(out, 0, 20);
    out[0] = codec;
    quire__st32(out + 4, n);
    quire__st32(out + 8, raw);
    quire__st64(out + 12, first);
    memcpy(out + 20, data, len);
    return 20 + len;
}

static void
test_crafted_frames(void **state)
{
    arch *A = (arch *)malloc(sizeof *A);
    fz_out g;
    res R;
    uint8_t p[512], rec[64];
    size_t n;
    int ix;
    (void)state;
    make_archive(A, 20, 300, 6, 0);
    ix = frame_of(A, QUIRE__FT_INDX, 0);
    memset(&g, 0, sizeof g);
    obuf_put(&g, A->f.p, A->off[ix]);
    /* index frames: garbage envelope, corrupt zlib data, bad tables */
    put_frame(&g, "INDX", "\x07\0\0\0", 4);
    memset(p, 0, 12);
    p[0] = 1;
    quire__st64(p + 4, 100);
    memset(p + 12, 0xAB, 30);
    put_frame(&g, "INDX", p, 42);
    memset(p, 0, 12 + 40);
    quire__st64(p + 4, 40);
    quire__st64(p + 12 + 16, 5); /* 5 articles, no blocks, no tables */
    put_frame(&g, "INDX", p, 52);
    /* a seal, trailers and a dictionary that cannot be used */
    put_frame(&g, "SEAL", "\x01\0\0\0x", 5);
    put_frame(&g, "TRLR", "short", 5);
    memset(p, 0, 56);
    put_frame(&g, "TRLR", p, 56);
    put_frame(&g, "DICT", "", 0);
    /* unknown frames: critical noted, ancillary skipped */
    put_frame(&g, "ABCD", "x", 1);
    put_frame(&g, "abcd", "x", 1);
    /* a block with an invalid header (codec 7) claiming articles 100..102 */
    n = blok(p, 7, 3, 100, 100, "zzzz", 4);
    put_frame(&g, "BLOK", p, n);
    /* a stored block whose record does not decode: article 300 */
    memset(rec, 0xFF, sizeof rec);
    quire__st32(rec, 12);
    n = blok(p, 0, 1, 16, 300, rec, 16);
    put_frame(&g, "BLOK", p, n);
    /* a stored block holding one record where its header says 2: 350..351 */
    n = blok(p, 0, 2, 28, 350, A->f.p, 0);
    memset(p + 20, 0, 28);
    quire__st32(p + 20, 24);
    put_frame(&g, "BLOK", p, 48);
    /* a zlib block whose data is corrupt: 360 */
    n = blok(p, 1, 1, 20, 360, "\x78\x9c\xff\xff\xff\xff", 6);
    put_frame(&g, "BLOK", p, n);
    /* a block that needs a dictionary when there is none: 370 */
    n = blok(p, 1, 1, 20, 370, "\x78\xbb\0\0\0\0", 6);
    p[1] = 1;
    put_frame(&g, "BLOK", p, n);
    obuf_put(&g, A->f.p + A->off[ix], A->f.len - A->off[ix]);

    salvage(A, g.p, g.len, &R);
    assert_int_equal(R.rep.recovered, 20);
    assert_int_equal(R.rep.verified, 20);
    assert_int_equal(R.rep.total, 371);
    assert_false(R.rep.total_known); /* blocks numbered beyond the stated count */
    assert_int_equal(R.rep.damaged_ranges, 0);
    assert_true(R.n_notes >= 8);
    assert_true(R.lost[100] && R.lost[101] && R.lost[102] && R.lost[300] && R.lost[350] &&
                R.lost[351] && R.lost[360] && R.lost[370] && R.lost[20] && R.lost[299]);
    assert_int_equal(R.lost_code[100], QUIRE_E_CODEC);
    assert_true(R.lost_code[350] != 0); /* a record of zeros does not decode */
    assert_int_equal(R.lost_code[351], QUIRE_E_BLOCK);
    assert_int_equal(R.lost_code[360], QUIRE_E_INFLATE);
    assert_int_equal(R.lost_code[370], QUIRE_E_DICT);
    assert_true(R.lost_code[300] != 0);
    res_free(&R);
    obuf_free(&g);
    obuf_free(&A->f);
    free(A);
}

/* ---- appended archives (spec 3.6): checkpoints, torn tails ---- */

static void
read_whole(const char *path, fz_out *o)
{
    FILE *f = fopen(path, "rb");
    uint8_t buf[65536];
    size_t n;
    assert_non_null(f);
    memset(o, 0, sizeof *o);
    while ((n = fread(buf, 1, sizeof buf, f)) > 0) {
        obuf_put(o, buf, n);
    }
    fclose(f);
}

/* Adds articles [from, to) to path: a new archive when from is 0, else a
 * new checkpoint; finish 0 leaves the append torn. */
static void
write_file(const char *path, uint64_t from, uint64_t to, int finish)
{
    quire_writer *w = NULL;
    quire_article *a = NULL;
    uint64_t i;
    assert_int_equal(quire_writer_new(&w, NULL), 0);
    assert_int_equal(quire_article_new(&a, NULL), 0);
    assert_int_equal(quire_writer_set_option(w, QUIRE_OPT_BLOCK_SIZE, 1024), 0);
    if (from == 0) {
        assert_int_equal(quire_writer_open_file(w, path, NULL), 0);
    } else {
        assert_int_equal(quire_writer_open_append(w, path, NULL), 0);
    }
    for (i = from; i < to; i++) {
        fill(a, i, 300);
        assert_int_equal(quire_writer_add(w, a, NULL, NULL), 0);
    }
    if (finish) {
        assert_int_equal(quire_writer_finish(w, NULL), 0);
    }
    quire_writer_free(w);
    quire_article_free(a);
}

static void
root_of(const fz_out *f, uint8_t root[32])
{
    quire_verifier *v = NULL;
    quire_verify_summary sum;
    assert_int_equal(quire_verifier_new(&v, NULL), 0);
    assert_int_equal(quire_verifier_run_memory(v, f->p, f->len, NULL, NULL, &sum), QUIRE_OK);
    quire_verifier_free(v);
    memcpy(root, sum.root, 32);
}

static void
test_appended(void **state)
{
    arch *A = (arch *)malloc(sizeof *A);
    char path[64];
    fz_out one, two;
    uint8_t root1[32], root2[32], *d;
    res R;
    int ix;
    uint64_t i;
    (void)state;
    snprintf(path, sizeof path, "/tmp/quire-salvage-test-%ld.qr", (long)getpid());
    /* A: the same 30 articles in one checkpoint, for the digests */
    make_archive(A, 30, 300, 6, 0);
    write_file(path, 0, 18, 1);
    read_whole(path, &one);
    root_of(&one, root1);
    write_file(path, 18, 30, 1);
    read_whole(path, &two);
    root_of(&two, root2);
    assert_memory_equal(root2, A->root, 32);

    /* two checkpoints, intact: the last seal is confirmed */
    salvage(A, two.p, two.len, &R);
    assert_int_equal(R.rep.recovered, 30);
    assert_int_equal(R.rep.verified, 30);
    assert_true(R.rep.total_known);
    assert_int_equal(R.rep.index_articles, 30);
    assert_true(R.rep.has_verified_root);
    assert_int_equal(R.rep.verified_checkpoint, 1);
    assert_memory_equal(R.rep.verified_root, root2, 32);
    res_free(&R);

    /* the second index destroyed: the first checkpoint is the last confirmed,
     * the later articles come back unverified, the trailer states 30 */
    arch_layout_of(&two, A);
    ix = frame_of(A, QUIRE__FT_INDX, 1);
    assert_true(ix > 0);
    d = dup_exact(two.p, two.len);
    d[A->off[ix] + A->flen[ix] / 2] ^= 0x80;
    salvage(A, d, two.len, &R);
    assert_int_equal(R.rep.recovered, 30);
    assert_int_equal(R.rep.verified, 18);
    assert_true(R.rep.total_known);
    assert_int_equal(R.rep.verified_checkpoint, 0);
    assert_memory_equal(R.rep.verified_root, root1, 32);
    res_free(&R);
    free(d);

    /* a torn append: the complete blocks of the tail come back unverified,
     * and the count is unknown */
    write_file(path, 30, 60, 0);
    obuf_free(&two);
    read_whole(path, &two);
    {
        arch *B = (arch *)malloc(sizeof *B);
        make_archive(B, 60, 300, 6, 0);
        salvage(B, two.p, two.len, &R);
        assert_int_equal(R.rep.verified, 30);
        assert_true(R.rep.recovered > 30);
        assert_false(R.rep.total_known);
        assert_int_equal(R.rep.verified_checkpoint, 1);
        for (i = 0; i < 30; i++) {
            assert_int_equal(R.lost[i], 0);
        }
        res_free(&R);
        obuf_free(&B->f);
        free(B);
    }
    unlink(path);
    obuf_free(&one);
    obuf_free(&two);
    obuf_free(&A->f);
    free(A);
}

/* ---- allocation failures: every one is QUIRE_E_NOMEM, nothing leaks ---- */

typedef struct cnt {
    long calls, fail_at, live;
} cnt;

static void *
c_alloc(void *opaque, size_t n)
{
    cnt *c = (cnt *)opaque;
    void *p;
    if (++c->calls == c->fail_at) {
        return NULL;
    }
    p = malloc(n);
    if (p != NULL) {
        c->live++;
    }
    return p;
}

static void
c_free(void *opaque, void *p)
{
    cnt *c = (cnt *)opaque;
    if (p != NULL) {
        c->live--;
        free(p);
    }
}

static void
test_alloc_failures(void **state)
{
    arch *A = (arch *)malloc(sizeof *A);
    uint8_t *d;
    long k;
    int b, done = 0;
    (void)state;
    make_archive(A, 20, 300, 6, 1);
    d = dup_exact(A->f.p, A->f.len);
    b = frame_of(A, QUIRE__FT_BLOK, 1);
    d[A->off[b] + 30] ^= 4;
    for (k = 1; !done && k < 100000; k++) {
        cnt c;
        quire_alloc al;
        quire_salvager *s = NULL;
        quire_writer *w = NULL;
        fz_out o;
        int e;
        memset(&c, 0, sizeof c);
        memset(&o, 0, sizeof o);
        c.fail_at = k;
        al.alloc = c_alloc;
        al.free = c_free;
        al.opaque = &c;
        e = quire_salvager_new(&s, &al);
        if (e == 0) {
            assert_int_equal(quire_writer_new(&w, NULL), 0);
            assert_int_equal(quire_writer_open(w, fz_out_write, &o, NULL), 0);
            e = quire_salvager_run(s, d, A->f.len, "x", w, NULL, NULL, NULL, NULL);
            quire_writer_free(w);
            quire_salvager_free(s);
        }
        assert_true(e == QUIRE_OK || e == QUIRE_E_NOMEM);
        assert_int_equal(c.live, 0);
        done = e == QUIRE_OK && c.calls < c.fail_at;
        obuf_free(&o);
    }
    assert_true(done);
    free(d);
    obuf_free(&A->f);
    free(A);
}

/* ---- the scanner alone ---- */

typedef struct sc {
    uint64_t frames, damaged, bytes;
} sc;

static int
on_scan(void *ctx, const quire__scan_event *ev)
{
    sc *s = (sc *)ctx;
    if (ev->kind == QUIRE__SCAN_FRAME) {
        s->frames++;
        s->bytes += ev->frame.len + QUIRE__FRAME_OVERHEAD;
    } else {
        s->damaged++;
        s->bytes += ev->length;
    }
    return 0;
}

static void
test_scan_covers_input(void **state)
{
    arch *A = (arch *)malloc(sizeof *A);
    quire__limits l;
    quire__scan_stats st;
    uint64_t s = 99;
    int round;
    (void)state;
    quire__limits_default(&l);
    make_archive(A, 30, 300, 6, 0);
    {
        sc c = {0, 0, 0};
        assert_int_equal(quire__scan(A->f.p, A->f.len, &l, 0, on_scan, &c, &st), 0);
        assert_int_equal(c.frames, A->n_frames);
        assert_int_equal(c.damaged, 0);
        assert_int_equal(c.bytes + QUIRE__HEADER_LEN, A->f.len);
    }
    /* whatever the damage, frames and damaged ranges tile the input */
    for (round = 0; round < 200; round++) {
        uint8_t *d = dup_exact(A->f.p, A->f.len);
        sc c = {0, 0, 0};
        int k;
        for (k = 0; k < 1 + round % 5; k++) {
            d[rnd(&s) % A->f.len] ^= (uint8_t)(1 + rnd(&s) % 255);
        }
        assert_int_equal(quire__scan(d, A->f.len, &l, 0, on_scan, &c, &st), 0);
        assert_int_equal(c.bytes + (st.header_ok ? QUIRE__HEADER_LEN : 0), A->f.len);
        assert_int_equal(c.damaged, st.damaged);
        free(d);
    }
    /* a tiny budget stops the search and reports the rest as damaged */
    {
        uint8_t *d = dup_exact(A->f.p, A->f.len);
        sc c = {0, 0, 0};
        memset(d + QUIRE__HEADER_LEN, 'B', 12); /* the first frame header destroyed */
        assert_int_equal(quire__scan(d, A->f.len, &l, 1, on_scan, &c, &st), 0);
        assert_true(st.budget_spent);
        assert_int_equal(c.damaged, 1);
        assert_int_equal(c.bytes + QUIRE__HEADER_LEN, A->f.len);
        free(d);
    }
    obuf_free(&A->f);
    free(A);
}

/* ---- random damage never crashes, and every invariant holds ---- */

static void
test_random_damage(void **state)
{
    arch *A = (arch *)malloc(sizeof *A);
    uint64_t s = 0x5eed;
    int round;
    (void)state;
    make_archive(A, 40, 250, 6, 1);
    for (round = 0; round < 400; round++) {
        fz_out g;
        res R;
        int ops = 1 + (int)(rnd(&s) % 4), k;
        memset(&g, 0, sizeof g);
        obuf_put(&g, A->f.p, A->f.len);
        for (k = 0; k < ops && g.len > 0; k++) {
            size_t at = (size_t)(rnd(&s) % g.len), n = (size_t)(1 + rnd(&s) % 400), i;
            switch (rnd(&s) % 6) {
            case 0: /* flip bits */ g.p[at] ^= (uint8_t)(1 + rnd(&s) % 255); break;
            case 1: /* truncate */ g.len = at; break;
            case 2: /* overwrite a range */
                for (i = 0; i < n && at + i < g.len; i++) {
                    g.p[at + i] = (uint8_t)rnd(&s);
                }
                break;
            case 3: /* delete a range */
                if (n > g.len - at) {
                    n = g.len - at;
                }
                memmove(g.p + at, g.p + at + n, g.len - at - n);
                g.len -= n;
                break;
            case 4: { /* insert garbage */
                fz_out h;
                memset(&h, 0, sizeof h);
                obuf_put(&h, g.p, at);
                for (i = 0; i < n; i++) {
                    uint8_t ch = (uint8_t)rnd(&s);
                    obuf_put(&h, &ch, 1);
                }
                obuf_put(&h, g.p + at, g.len - at);
                obuf_free(&g);
                g = h;
                break;
            }
            default: { /* duplicate a range */
                fz_out h;
                if (n > g.len - at) {
                    n = g.len - at;
                }
                memset(&h, 0, sizeof h);
                obuf_put(&h, g.p, at + n);
                obuf_put(&h, g.p + at, g.len - at);
                obuf_free(&g);
                g = h;
                break;
            }
            }
        }
        salvage(A, g.p, g.len, &R);
        if (R.rep.has_index && R.rep.index_articles == A->n) {
            assert_true(R.rep.total >= A->n);
        }
        res_free(&R);
        obuf_free(&g);
    }
    obuf_free(&A->f);
    free(A);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_intact),
        cmocka_unit_test(test_lookups_kept),
        cmocka_unit_test(test_garbage_between_frames),
        cmocka_unit_test(test_block_crc_broken),
        cmocka_unit_test(test_trailer_cut),
        cmocka_unit_test(test_truncated_mid_block),
        cmocka_unit_test(test_index_destroyed),
        cmocka_unit_test(test_header_destroyed),
        cmocka_unit_test(test_dictionary),
        cmocka_unit_test(test_duplicate_block),
        cmocka_unit_test(test_bad_publisher_signature),
        cmocka_unit_test(test_digest_mismatch),
        cmocka_unit_test(test_comment_limit),
        cmocka_unit_test(test_tiny_inputs),
        cmocka_unit_test(test_misuse),
        cmocka_unit_test(test_source_name),
        cmocka_unit_test(test_crafted_frames),
        cmocka_unit_test(test_appended),
        cmocka_unit_test(test_alloc_failures),
        cmocka_unit_test(test_scan_covers_input),
        cmocka_unit_test(test_random_damage),
    };
    return cmocka_run_group_tests_name("salvage", tests, NULL, NULL);
}
