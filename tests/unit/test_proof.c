/* test_proof.c - single-article proofs: the RFC 9162 inclusion and
 * consistency proofs of src/merkle.c against independent recursive
 * reference computations (every (m, n) with n <= 40), proof sizes, the
 * proof file codec (format/proof.c) and the API of quire.h "Proofs":
 * quire_prove, quire_proof_verify(_report), quire_proof_check_later. */
#define _POSIX_C_SOURCE 200809L
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sodium.h>

#include "internal.h"
#include "proof.h"
#include "quire.h"

#include "helpers.h"

/* ====================================================================
 * Reference Merkle computations: the recursive definitions of RFC 9162
 * 2.1.1, 2.1.3.1 and 2.1.4.1 written out literally, with libsodium's
 * BLAKE2b-256, sharing nothing with src/merkle.c.
 * ==================================================================== */

static void
ref_leaf(uint8_t out[32], const uint8_t d[32])
{
    crypto_generichash_state st;
    const uint8_t tag = 0x00;
    crypto_generichash_init(&st, NULL, 0, 32);
    crypto_generichash_update(&st, &tag, 1);
    crypto_generichash_update(&st, d, 32);
    crypto_generichash_final(&st, out, 32);
}

static void
ref_node(uint8_t out[32], const uint8_t l[32], const uint8_t r[32])
{
    crypto_generichash_state st;
    const uint8_t tag = 0x01;
    uint8_t lc[32], rc[32]; /* out may alias l or r */
    memcpy(lc, l, 32);
    memcpy(rc, r, 32);
    crypto_generichash_init(&st, NULL, 0, 32);
    crypto_generichash_update(&st, &tag, 1);
    crypto_generichash_update(&st, lc, 32);
    crypto_generichash_update(&st, rc, 32);
    crypto_generichash_final(&st, out, 32);
}

/* the largest power of two smaller than n (n >= 2) */
static size_t
ref_split(size_t n)
{
    size_t k = 1;
    while (k * 2 < n) {
        k *= 2;
    }
    return k;
}

static void
ref_mth(uint8_t out[32], const uint8_t (*d)[32], size_t n)
{
    uint8_t l[32], r[32];
    size_t k;
    if (n == 0) {
        crypto_generichash(out, 32, NULL, 0, NULL, 0);
        return;
    }
    if (n == 1) {
        ref_leaf(out, d[0]);
        return;
    }
    k = ref_split(n);
    ref_mth(l, d, k);
    ref_mth(r, d + k, n - k);
    ref_node(out, l, r);
}

/* PATH(m, D[n]) */
static void
ref_path(const uint8_t (*d)[32], size_t m, size_t n, uint8_t (*out)[32], size_t *k)
{
    size_t s;
    if (n <= 1) {
        return;
    }
    s = ref_split(n);
    if (m < s) {
        ref_path(d, m, s, out, k);
        ref_mth(out[(*k)++], d + s, n - s);
    } else {
        ref_path(d + s, m - s, n - s, out, k);
        ref_mth(out[(*k)++], d, s);
    }
}

/* SUBPROOF(m, D[n], b) */
static void
ref_subproof(const uint8_t (*d)[32], size_t m, size_t n, int b, uint8_t (*out)[32], size_t *k)
{
    size_t s;
    if (m == n) {
        if (!b) {
            ref_mth(out[(*k)++], d, n);
        }
        return;
    }
    s = ref_split(n);
    if (m <= s) {
        ref_subproof(d, m, s, b, out, k);
        ref_mth(out[(*k)++], d + s, n - s);
    } else {
        ref_subproof(d + s, m - s, n - s, 0, out, k);
        ref_mth(out[(*k)++], d, s);
    }
}

/* The root a leaf hash and an audit path lead to, by following the tree's
 * recursive definition (the last path element is the top sibling). */
static int
ref_incl_root(const uint8_t leaf[32], uint64_t m, uint64_t n, const uint8_t (*path)[32], size_t len,
              uint8_t out[32])
{
    uint8_t sub[32];
    uint64_t s;
    if (n == 0 || m >= n) {
        return -1;
    }
    if (n == 1) {
        if (len != 0) {
            return -1;
        }
        memcpy(out, leaf, 32);
        return 0;
    }
    if (len == 0) {
        return -1;
    }
    s = ref_split((size_t)n);
    if (m < s) {
        if (ref_incl_root(leaf, m, s, path, len - 1, sub) != 0) {
            return -1;
        }
        ref_node(out, sub, path[len - 1]);
    } else {
        if (ref_incl_root(leaf, m - s, n - s, path, len - 1, sub) != 0) {
            return -1;
        }
        ref_node(out, path[len - 1], sub);
    }
    return 0;
}

static int
ref_incl_ok(const uint8_t digest[32], uint64_t m, uint64_t n, const uint8_t (*path)[32], size_t len,
            const uint8_t root[32])
{
    uint8_t leaf[32], got[32];
    ref_leaf(leaf, digest);
    return ref_incl_root(leaf, m, n, path, len, got) == 0 && memcmp(got, root, 32) == 0;
}

/* The (old, new) roots a consistency path leads to, by the recursion of
 * SUBPROOF read backwards: the old root is given where SUBPROOF emits
 * nothing (b true, m == n). */
static int
ref_cons_roots(uint64_t m, uint64_t n, int b, const uint8_t old[32], const uint8_t (*path)[32],
               size_t len, uint8_t fr[32], uint8_t sr[32])
{
    uint64_t s;
    if (m == 0 || m > n) {
        return -1;
    }
    if (m == n) {
        if (b) {
            if (len != 0) {
                return -1;
            }
            memcpy(fr, old, 32);
        } else {
            if (len != 1) {
                return -1;
            }
            memcpy(fr, path[0], 32);
        }
        memcpy(sr, fr, 32);
        return 0;
    }
    if (len == 0) {
        return -1;
    }
    s = ref_split((size_t)n);
    if (m <= s) {
        if (ref_cons_roots(m, s, b, old, path, len - 1, fr, sr) != 0) {
            return -1;
        }
        ref_node(sr, sr, path[len - 1]);
    } else {
        if (ref_cons_roots(m - s, n - s, 0, old, path, len - 1, fr, sr) != 0) {
            return -1;
        }
        ref_node(fr, path[len - 1], fr);
        ref_node(sr, path[len - 1], sr);
    }
    return 0;
}

static int
ref_cons_ok(uint64_t m, uint64_t n, const uint8_t old[32], const uint8_t new_root[32],
            const uint8_t (*path)[32], size_t len)
{
    uint8_t fr[32], sr[32];
    return ref_cons_roots(m, n, 1, old, path, len, fr, sr) == 0 && memcmp(fr, old, 32) == 0 &&
           memcmp(sr, new_root, 32) == 0;
}

static size_t
ceil_log2(uint64_t n)
{
    size_t k = 0;
    while (((uint64_t)1 << k) < n) {
        k++;
    }
    return k;
}

#define NMAX 40
/* const view of a hash array (C11 does not convert T (*)[32] to const T (*)[32]) */
#define CH(x) ((const uint8_t(*)[32])(x))

static void
digests(uint8_t (*d)[32], size_t n, unsigned salt)
{
    size_t i;
    for (i = 0; i < n; i++) {
        char s[32];
        snprintf(s, sizeof s, "record %zu/%u", i, salt);
        crypto_generichash(d[i], 32, (const uint8_t *)s, strlen(s), NULL, 0);
    }
}

/* ====================================================================
 * Merkle proofs against the references
 * ==================================================================== */

static void
test_merkle_inclusion(void **state)
{
    uint8_t d[NMAX + 2][32], path[QUIRE__MERKLE_PATH_MAX + 1][32], ref[64][32];
    uint8_t root[32], root2[32], leaf[32], got[32];
    size_t n, m, i, np, nr;
    unsigned long same_shape = 0, checked = 0;
    (void)state;
    digests(d, NMAX + 2, 1);
    for (n = 1; n <= NMAX; n++) {
        ref_mth(root, CH(d), n);
        assert_int_equal(quire__merkle_range_root(d[0], 32, 0, n, got), 0);
        assert_memory_equal(got, root, 32);
        for (m = 0; m < n; m++) {
            /* the path is the reference PATH(m, D[n]), and it verifies */
            nr = 0;
            ref_path(CH(d), m, n, ref, &nr);
            assert_int_equal(
                quire__merkle_inclusion_path(d[0], 32, n, m, path, QUIRE__MERKLE_PATH_MAX, &np), 0);
            assert_int_equal(np, nr);
            assert_true(np <= ceil_log2(n));
            if (np != 0) {
                assert_memory_equal(path, ref, np * 32);
            }
            assert_int_equal(quire__merkle_inclusion_verify(d[m], m, n, path[0], np, root), 0);
            ref_leaf(leaf, d[m]);
            assert_int_equal(quire__merkle_inclusion_root(leaf, m, n, path[0], np, got), 0);
            assert_memory_equal(got, root, 32);
            assert_true(ref_incl_ok(d[m], m, n, CH(path), np, root));

            /* any altered hash fails: each path element, the record
             * digest, the root */
            for (i = 0; i < np; i++) {
                size_t b;
                for (b = 0; b < 32; b += 31) {
                    path[i][b] ^= 0x01;
                    assert_int_equal(quire__merkle_inclusion_verify(d[m], m, n, path[0], np, root),
                                     QUIRE_E_ROOT);
                    path[i][b] ^= 0x01;
                }
            }
            d[m][7] ^= 0x80;
            assert_int_equal(quire__merkle_inclusion_verify(d[m], m, n, path[0], np, root),
                             QUIRE_E_ROOT);
            d[m][7] ^= 0x80;
            memcpy(root2, root, 32);
            root2[31] ^= 0x01;
            assert_int_equal(quire__merkle_inclusion_verify(d[m], m, n, path[0], np, root2),
                             QUIRE_E_ROOT);
            /* a path one hash shorter or longer fails */
            if (np > 0) {
                assert_int_equal(quire__merkle_inclusion_verify(d[m], m, n, path[0], np - 1, root),
                                 QUIRE_E_ROOT);
            }
            memcpy(path[np], root, 32);
            assert_int_equal(quire__merkle_inclusion_verify(d[m], m, n, path[0], np + 1, root),
                             QUIRE_E_ROOT);

            /* any other index fails (a leaf's place in a tree of known
             * shape is its left/right sequence) */
            for (i = 0; i <= n + 1; i++) {
                if (i != m) {
                    assert_int_equal(quire__merkle_inclusion_verify(d[m], i, n, path[0], np, root),
                                     QUIRE_E_ROOT);
                }
            }
            /* another size: RFC 9162 uses the size only to tell left from
             * right, so a size whose left/right sequence for m is the same
             * as n's computes the same root (the proof file takes the size
             * from the signed statement). The iterative verifier must accept
             * exactly where the recursive reference does. */
            for (i = 0; i <= NMAX + 1; i++) {
                int ours, theirs;
                if (i == n) {
                    continue;
                }
                ours = quire__merkle_inclusion_verify(d[m], m, i, path[0], np, root) == 0;
                theirs = ref_incl_ok(d[m], m, i, CH(path), np, root);
                assert_int_equal(ours, theirs);
                same_shape += (unsigned long)ours;
                checked++;
            }
        }
    }
    /* m >= n is refused by the generator */
    assert_int_equal(quire__merkle_inclusion_path(d[0], 32, 3, 3, path, 64, &np), QUIRE_E_ARG);
    assert_int_equal(quire__merkle_inclusion_path(d[0], 32, 0, 0, path, 64, &np), QUIRE_E_ARG);
    /* a capacity too small for the path */
    assert_int_equal(quire__merkle_inclusion_path(d[0], 32, 40, 5, path, 2, &np), QUIRE_E_LIMIT);
    print_message("inclusion: %lu altered sizes checked, %lu of the same left/right shape "
                  "(accepted by both the reference and src/merkle.c)\n",
                  checked, same_shape);
}

/* The root computed on two threads (verify's: the root's two subtrees in
 * parallel) is the reference root, on trees just below, at and above the
 * sizes where it starts splitting and where the split point moves; with one
 * thread, or a small tree, it is the plain computation. */
static void
test_merkle_root_threads(void **state)
{
    static const size_t sizes[] = {0, 1, 2, 4095, 4096, 4097, 6000, 8191, 8192, 8193, 12289};
    size_t big = 12289, i;
    uint8_t(*d)[32] = (uint8_t(*)[32])malloc(big * 32);
    uint8_t root[32], got[32];
    (void)state;
    assert_non_null(d);
    digests(d, big, 7);
    for (i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
        ref_mth(root, CH(d), sizes[i]);
        assert_int_equal(quire__merkle_root_mt(d[0], 32, sizes[i], 2, got), 0);
        assert_memory_equal(got, root, 32);
        assert_int_equal(quire__merkle_root_mt(d[0], 32, sizes[i], 1, got), 0);
        assert_memory_equal(got, root, 32);
    }
    free(d);
}

/* A complete subtree added as one node (verify's walk over a paged index:
 * chunks of 2^12 leaves hashed on the threads) gives the reference root,
 * after any whole number of chunks and any tail of single leaves; and a
 * subtree where the tree does not hold a multiple of its size is refused. */
static void
test_merkle_add_subtree(void **state)
{
    static const size_t sizes[] = {0, 1, 63, 64, 65, 127, 128, 200, 256, 320, 1000};
    static const unsigned levels[] = {0, 3, 6};
    size_t big = 1000, i, j;
    uint8_t(*d)[32] = (uint8_t(*)[32])malloc(big * 32);
    uint8_t root[32], got[32], sub[32];
    (void)state;
    assert_non_null(d);
    digests(d, big, 11);
    for (j = 0; j < sizeof levels / sizeof levels[0]; j++) {
        size_t c = (size_t)1 << levels[j];
        for (i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
            quire__merkle m;
            size_t n = sizes[i], k;
            quire__merkle_init(&m);
            for (k = 0; k + c <= n; k += c) {
                ref_mth(sub, CH(d + k), c);
                assert_int_equal(quire__merkle_add_subtree(&m, sub, levels[j]), 0);
            }
            for (; k < n; k++) {
                assert_int_equal(quire__merkle_add(&m, d[k]), 0);
            }
            ref_mth(root, CH(d), n);
            assert_int_equal(quire__merkle_root(&m, got), 0);
            assert_memory_equal(got, root, 32);
            if (levels[j] > 0 && n % c != 0) { /* not aligned */
                assert_int_equal(quire__merkle_add_subtree(&m, sub, levels[j]), QUIRE_E_LIMIT);
            }
        }
    }
    free(d);
}

static void
test_merkle_consistency(void **state)
{
    uint8_t d[NMAX + 2][32], path[QUIRE__MERKLE_PATH_MAX + 1][32], ref[64][32];
    uint8_t oldr[NMAX + 2][32], fr[32], sr[32], bad[32];
    size_t n, m, i, j, np, nr;
    unsigned long agreed = 0, accepted_altered = 0;
    (void)state;
    digests(d, NMAX + 2, 2);
    for (n = 0; n <= NMAX + 1; n++) {
        ref_mth(oldr[n], CH(d), n);
    }
    for (n = 1; n <= NMAX; n++) {
        for (m = 1; m <= n; m++) {
            nr = 0;
            ref_subproof(CH(d), m, n, 1, ref, &nr);
            assert_int_equal(
                quire__merkle_consistency_path(d[0], 32, n, m, path, QUIRE__MERKLE_PATH_MAX, &np),
                0);
            assert_int_equal(np, nr);
            assert_true(np <= ceil_log2(n) + 1);
            if (np != 0) {
                assert_memory_equal(path, ref, np * 32);
            }
            assert_int_equal(quire__merkle_consistency_verify(m, n, oldr[m], oldr[n], path[0], np),
                             0);
            assert_true(ref_cons_ok(m, n, oldr[m], oldr[n], CH(path), np));
            /* without the old root: the shape always, the roots when the
             * old size is not a power of two */
            assert_int_equal(quire__merkle_consistency_roots(m, n, NULL, path[0], np, fr, sr), 0);
            if ((m & (m - 1)) != 0 && m != n) {
                assert_memory_equal(fr, oldr[m], 32);
                assert_memory_equal(sr, oldr[n], 32);
            }

            /* any altered hash fails */
            for (i = 0; i < np; i++) {
                path[i][3] ^= 0x04;
                assert_int_equal(
                    quire__merkle_consistency_verify(m, n, oldr[m], oldr[n], path[0], np),
                    QUIRE_E_CHAIN);
                path[i][3] ^= 0x04;
            }
            memcpy(bad, oldr[m], 32);
            bad[0] ^= 1;
            assert_int_equal(quire__merkle_consistency_verify(m, n, bad, oldr[n], path[0], np),
                             QUIRE_E_CHAIN);
            memcpy(bad, oldr[n], 32);
            bad[0] ^= 1;
            assert_int_equal(quire__merkle_consistency_verify(m, n, oldr[m], bad, path[0], np),
                             QUIRE_E_CHAIN);
            if (np > 0) {
                assert_int_equal(
                    quire__merkle_consistency_verify(m, n, oldr[m], oldr[n], path[0], np - 1),
                    QUIRE_E_CHAIN);
            }
            memcpy(path[np], oldr[n], 32);
            assert_int_equal(
                quire__merkle_consistency_verify(m, n, oldr[m], oldr[n], path[0], np + 1),
                QUIRE_E_CHAIN);

            /* other sizes, with the true roots of those sizes and with the
             * original roots: iterative and recursive agree everywhere; with
             * the true roots of other trees nothing passes */
            for (i = 0; i <= NMAX + 1; i++) {
                for (j = 0; j <= NMAX + 1; j++) {
                    int ours, theirs;
                    if (i == m && j == n) {
                        continue;
                    }
                    ours =
                        quire__merkle_consistency_verify(i, j, oldr[m], oldr[n], path[0], np) == 0;
                    theirs = i >= 1 && ref_cons_ok(i, j, oldr[m], oldr[n], CH(path), np);
                    assert_int_equal(ours, theirs);
                    accepted_altered += (unsigned long)ours;
                    agreed++;
                    if (i <= NMAX && j <= NMAX && !(i == m && j == n) && i >= 1 && i <= j &&
                        (i != j || np != 0)) {
                        assert_int_not_equal(
                            quire__merkle_consistency_verify(i, j, oldr[i], oldr[j], path[0], np),
                            0);
                    }
                }
            }
        }
    }
    assert_int_equal(quire__merkle_consistency_path(d[0], 32, 5, 0, path, 64, &np), QUIRE_E_ARG);
    assert_int_equal(quire__merkle_consistency_path(d[0], 32, 5, 6, path, 64, &np), QUIRE_E_ARG);
    assert_int_equal(quire__merkle_consistency_path(d[0], 32, 40, 3, path, 2, &np), QUIRE_E_LIMIT);
    print_message("consistency: %lu altered (m, n) pairs compared with the reference, %lu of "
                  "the same shape accepted by both\n",
                  agreed, accepted_altered);
}

/* ====================================================================
 * Archives and proofs
 * ==================================================================== */

typedef struct vec {
    uint8_t *p;
    size_t len, cap;
} vec;

static int
vec_write(void *ctx, const void *buf, size_t len)
{
    vec *v = (vec *)ctx;
    if (v->cap - v->len < len) {
        size_t cap = v->cap != 0 ? v->cap : 4096;
        while (cap - v->len < len) {
            cap *= 2;
        }
        v->p = (uint8_t *)realloc(v->p, cap);
        assert_non_null(v->p);
        v->cap = cap;
    }
    memcpy(v->p + v->len, buf, len);
    v->len += len;
    return 0;
}

static void
vec_free(vec *v)
{
    free(v->p);
    memset(v, 0, sizeof *v);
}

static const uint8_t ID_A[16] = {'p', 'r', 'o', 'o', 'f', ' ', 't', 'e',
                                 's', 't', 's', ' ', 'a', 'r', 'c', 'h'};
static const uint8_t ID_B[16] = {'a', 'n', ' ', 'u', 'n', 'r', 'e', 'l',
                                 'a', 't', 'e', 'd', ' ', 'o', 'n', 'e'};

static quire_seckey *key_right, *key_other;
static quire_pubkey pk_right, pk_other;

static int
setup(void **state)
{
    (void)state;
    if (quire_seckey_generate(&key_right, &pk_right) != 0 ||
        quire_seckey_generate(&key_other, &pk_other) != 0) {
        return -1;
    }
    return 0;
}

static int
teardown(void **state)
{
    (void)state;
    quire_seckey_free(key_right);
    quire_seckey_free(key_other);
    return 0;
}

static void
body_of(size_t i, unsigned salt, char *out, size_t cap)
{
    snprintf(out, cap,
             "Dispatch %zu (edition %u). The council met on Tuesday and agreed to keep the "
             "harbour ferry running through the winter, at the old fares.\n",
             i, salt);
}

/* An archive of n articles; the first articles of two archives with the
 * same salt are the same, so a bigger one extends a smaller one. */
static void
build(vec *out, size_t n, const uint8_t id[16], unsigned salt, const quire_seckey *sk)
{
    quire_writer *w = NULL;
    quire_article *a = NULL;
    size_t i;
    memset(out, 0, sizeof *out);
    assert_int_equal(quire_writer_new(&w, NULL), 0);
    assert_int_equal(quire_writer_set_option(w, QUIRE_OPT_BLOCK_SIZE, 4096), 0);
    assert_int_equal(quire_writer_set_archive_id(w, id), 0);
    assert_int_equal(quire_writer_set_checkpoint(w, 1700000000, "proof tests", 11), 0);
    if (sk != NULL) {
        assert_int_equal(quire_writer_add_signer(w, sk, QUIRE_ROLE_ARCHIVIST, NULL), 0);
    }
    assert_int_equal(quire_writer_open(w, vec_write, out, NULL), 0);
    assert_int_equal(quire_article_new(&a, NULL), 0);
    for (i = 0; i < n; i++) {
        char idv[32], url[64], body[256];
        snprintf(idv, sizeof idv, "dispatch-%zu", i);
        snprintf(url, sizeof url, "https://news.example/%u/%zu", salt, i);
        body_of(i, salt, body, sizeof body);
        quire_article_clear(a);
        assert_int_equal(quire_article_set(a, QUIRE_F_ID, QUIRE_T_TEXT, idv, strlen(idv)), 0);
        assert_int_equal(quire_article_set(a, QUIRE_F_URL, QUIRE_T_TEXT, url, strlen(url)), 0);
        assert_int_equal(quire_article_add_part(a, "body", 4, "text/plain", 10, body, strlen(body)),
                         0);
        assert_int_equal(quire_writer_add(w, a, NULL, NULL), 0);
    }
    assert_int_equal(quire_writer_finish(w, NULL), 0);
    quire_article_free(a);
    quire_writer_free(w);
}

static int
prove(const vec *arch, uint64_t k, uint64_t cfrom, vec *out)
{
    quire_reader *r = NULL;
    quire_diag d;
    int e;
    memset(out, 0, sizeof *out);
    assert_int_equal(quire_reader_new(&r, NULL), 0);
    assert_int_equal(quire_reader_open_memory(r, arch->p, arch->len, NULL), 0);
    memset(&d, 0, sizeof d);
    e = quire_prove(r, k, cfrom, &out->p, &out->len, &d);
    if (e != 0) {
        assert_null(out->p);
        assert_int_equal(out->len, 0);
        assert_int_equal(d.code, e);
    }
    out->cap = out->len;
    quire_reader_free(r);
    return e;
}

static quire_keyring *
ring_of(const quire_pubkey *pk, int role)
{
    quire_keyring *kr = NULL;
    assert_int_equal(quire_keyring_new(&kr), 0);
    if (pk != NULL) {
        assert_int_equal(quire_keyring_add(kr, pk, "test", role, NULL), 0);
    }
    return kr;
}

static void
fix_crc(uint8_t *p, size_t len)
{
    quire__st32(p + len - 4, quire__crc32(0, p, len - 4));
}

/* ---- sizes ---- */

static void
test_proof_sizes(void **state)
{
    static const size_t sizes[] = {1, 2, 3, 1000, 4097};
    size_t t;
    (void)state;
    for (t = 0; t < sizeof sizes / sizeof sizes[0]; t++) {
        size_t n = sizes[t], k, step = n <= 3 ? 1 : n / 7;
        vec arch;
        build(&arch, n, ID_A, 1, key_right);
        for (k = 0; k < n; k += step) {
            size_t ks[2], j;
            ks[0] = k;
            ks[1] = n - 1 - k;
            for (j = 0; j < 2; j++) {
                vec p;
                quire_proof_info info;
                quire_keyring *kr = ring_of(&pk_right, QUIRE_ROLE_ANY);
                assert_int_equal(prove(&arch, ks[j], 0, &p), 0);
                assert_int_equal(quire_proof_verify(p.p, p.len, kr, NULL, &info, NULL), 0);
                assert_true(info.valid);
                assert_int_equal(info.article, ks[j]);
                assert_int_equal(info.tree_size, n);
                assert_true(info.path_len <= ceil_log2(n));
                assert_int_equal(info.trusted_signatures, 1);
                if (k == 0 && j == 0) {
                    print_message("n = %zu: article 0: %zu path hashes, proof %zu bytes "
                                  "(record %zu)\n",
                                  n, info.path_len, p.len, info.record_len);
                }
                quire_keyring_free(kr);
                vec_free(&p);
            }
        }
        vec_free(&arch);
    }
}

/* ---- every byte ---- */

static void
test_every_byte(void **state)
{
    vec arch, p;
    quire__proof dp;
    quire__cur c;
    quire_keyring *kr = ring_of(&pk_right, QUIRE_ROLE_ANY);
    uint8_t *q;
    size_t i, accepted_after_crc_fix = 0;
    (void)state;
    build(&arch, 7, ID_A, 1, key_right);
    /* every section present: record, path, seal, consistency (from 3, not
     * a power of two, so the path is checked against the sealed root) */
    assert_int_equal(prove(&arch, 5, 3, &p), 0);
    assert_int_equal(quire_proof_verify(p.p, p.len, kr, NULL, NULL, NULL), 0);
    assert_int_equal(quire_proof_verify(p.p, p.len, NULL, NULL, NULL, NULL), 0);
    quire__cur_init(&c, p.p, p.len, 0);
    assert_int_equal(quire__proof_decode(&c, &dp), 0);
    assert_true(dp.n_path > 0 && dp.n_cons > 0 && dp.n_sigs == 1);
    q = (uint8_t *)malloc(p.len);
    assert_non_null(q);
    for (i = 0; i < p.len; i++) {
        quire_diag d;
        quire_article *a = NULL;
        int e1, e2;
        memcpy(q, p.p, p.len);
        q[i] ^= 0x01;
        assert_int_equal(quire_article_new(&a, NULL), 0);
        memset(&d, 0, sizeof d);
        e1 = quire_proof_verify(q, p.len, kr, a, NULL, &d);
        e2 = quire_proof_verify(q, p.len, NULL, NULL, NULL, NULL);
        if (e1 == 0 || e2 == 0) {
            fail_msg("flipping byte %zu of %zu went unnoticed", i, p.len);
        }
        assert_int_equal(d.code, e1);
        assert_true(d.offset <= p.len);
        assert_int_equal(quire_article_part_count(a), 0); /* nothing unverified handed out */
        /* an attacker who also fixes the CRC-32: only the minor version
         * (any minor of major 1 is read) goes unnoticed */
        if (i + 4 < p.len) {
            fix_crc(q, p.len);
            e1 = quire_proof_verify(q, p.len, kr, NULL, NULL, NULL);
            if (e1 == 0) {
                accepted_after_crc_fix++;
                assert_int_equal(i, 11);
            } else {
                assert_int_not_equal(e1, QUIRE_E_CRC);
            }
        }
        quire_article_free(a);
    }
    assert_int_equal(accepted_after_crc_fix, 1);
    /* every shorter prefix is truncated */
    for (i = 0; i < p.len; i++) {
        quire_diag d;
        memset(&d, 0, sizeof d);
        assert_int_equal(quire_proof_verify(p.p, i, NULL, NULL, NULL, &d), QUIRE_E_TRUNCATED);
        assert_true(d.offset <= i);
    }
    free(q);
    quire_keyring_free(kr);
    vec_free(&p);
    vec_free(&arch);
}

/* ---- codec errors, each at its place ---- */

static void
expect(const uint8_t *p, size_t len, int code, uint64_t offset, const char *what)
{
    quire_diag d;
    memset(&d, 0, sizeof d);
    assert_int_equal(quire_proof_verify(p, len, NULL, NULL, NULL, &d), code);
    assert_int_equal(d.code, code);
    assert_int_equal(d.offset, offset);
    assert_string_equal(d.what, what);
}

static void
test_codec_errors(void **state)
{
    vec arch, p;
    quire__proof dp;
    quire__cur c;
    uint8_t *q;
    size_t seal_len_at;
    (void)state;
    build(&arch, 5, ID_A, 1, key_right);
    assert_int_equal(prove(&arch, 2, 2, &p), 0);
    quire__cur_init(&c, p.p, p.len, 0);
    assert_int_equal(quire__proof_decode(&c, &dp), 0);
    q = (uint8_t *)malloc(p.len + 1);
    assert_non_null(q);

    assert_true(quire_proof_is(p.p, p.len));
    assert_false(quire_proof_is(arch.p, arch.len));
    assert_false(quire_proof_is(p.p, 9));

    memcpy(q, p.p, p.len);
    q[1] = 'X';
    expect(q, p.len, QUIRE_E_MAGIC, 0, "proof magic");
    expect(arch.p, arch.len, QUIRE_E_MAGIC, 0, "proof magic");

    memcpy(q, p.p, p.len);
    q[10] = 2;
    expect(q, p.len, QUIRE_E_VERSION, 10, "proof major version");

    memcpy(q, p.p, p.len);
    q[12] |= 0x02;
    expect(q, p.len, QUIRE_E_RESERVED, 12, "proof flags");

    memcpy(q, p.p, p.len);
    q[15] = 1;
    expect(q, p.len, QUIRE_E_RESERVED, 14, "proof reserved");

    memcpy(q, p.p, p.len);
    quire__st32(q + 40, QUIRE__PROOF_RECORD_MAX + 1);
    expect(q, p.len, QUIRE_E_LIMIT, 40, "proof record length");

    memcpy(q, p.p, p.len);
    q[dp.path_off] = QUIRE__PROOF_PATH_MAX + 1;
    expect(q, p.len, QUIRE_E_LIMIT, dp.path_off, "proof path length");

    seal_len_at = dp.path_off + 1 + 32 * dp.n_path;
    memcpy(q, p.p, p.len);
    quire__st32(q + seal_len_at, QUIRE__PROOF_SEAL_MAX + 1);
    expect(q, p.len, QUIRE_E_LIMIT, seal_len_at, "proof seal length");

    memcpy(q, p.p, p.len);
    q[dp.cons_off + 8] = QUIRE__PROOF_PATH_MAX + 1;
    expect(q, p.len, QUIRE_E_LIMIT, dp.cons_off + 8, "proof consistency length");

    /* a bad statement inside the seal: the seal codec's error, at its
     * offset in the proof file */
    memcpy(q, p.p, p.len);
    q[dp.seal_off + 4] = 'X';
    expect(q, p.len, QUIRE_E_SEAL, dp.seal_off + 4, "statement magic");

    /* one byte too many: trailing */
    memcpy(q, p.p, p.len);
    q[p.len] = 0;
    expect(q, p.len + 1, QUIRE_E_TRAILING, p.len, "proof");

    memcpy(q, p.p, p.len);
    q[p.len - 1] ^= 0xFF;
    expect(q, p.len, QUIRE_E_CRC, dp.crc_off, "proof CRC-32");

    /* with a good CRC-32: a record that is not a record */
    memcpy(q, p.p, p.len);
    q[dp.record_off] = 0; /* record version 0 */
    fix_crc(q, p.len);
    {
        quire_diag d;
        memset(&d, 0, sizeof d);
        assert_int_equal(quire_proof_verify(q, p.len, NULL, NULL, NULL, &d), QUIRE_E_RECORD);
        assert_int_equal(d.article, 2);
    }

    /* with a good CRC-32: another archive id in the header */
    memcpy(q, p.p, p.len);
    q[20] ^= 0x10;
    fix_crc(q, p.len);
    expect(q, p.len, QUIRE_E_ARCHIVE_ID, dp.seal_off + 4 + 16, "statement archive id");

    /* with a good CRC-32: another article number */
    memcpy(q, p.p, p.len);
    q[32] = 3;
    fix_crc(q, p.len);
    expect(q, p.len, QUIRE_E_ROOT, dp.path_off, "proof path");
    q[32] = 9; /* outside the tree of 5 */
    fix_crc(q, p.len);
    expect(q, p.len, QUIRE_E_STATEMENT, dp.seal_off + 4 + 40, "statement tree size");

    /* with a good CRC-32: a consistency size outside the tree */
    memcpy(q, p.p, p.len);
    quire__st64(q + dp.cons_off, 6);
    fix_crc(q, p.len);
    expect(q, p.len, QUIRE_E_CHAIN, dp.cons_off, "proof consistency size");
    quire__st64(q + dp.cons_off, 0);
    fix_crc(q, p.len);
    expect(q, p.len, QUIRE_E_CHAIN, dp.cons_off, "proof consistency size");
    quire__st64(q + dp.cons_off, 1); /* the path of (2, 5) does not fit (1, 5) */
    fix_crc(q, p.len);
    expect(q, p.len, QUIRE_E_CHAIN, dp.cons_off + 8, "proof consistency path");

    /* with a good CRC-32: a signature that does not verify */
    memcpy(q, p.p, p.len);
    q[p.len - 4 - (dp.n_cons * 32 + 9) - 1] ^= 0x01; /* last byte of the last signature */
    fix_crc(q, p.len);
    {
        quire_diag d;
        memset(&d, 0, sizeof d);
        assert_int_equal(quire_proof_verify(q, p.len, NULL, NULL, NULL, &d), QUIRE_E_SIG);
        assert_int_equal(d.offset, dp.sigs_off);
        assert_string_equal(d.what, "seal signature");
    }

    /* misuse */
    assert_int_equal(quire_proof_verify(NULL, 5, NULL, NULL, NULL, NULL), QUIRE_E_ARG);
    assert_int_equal(quire_proof_verify(NULL, 0, NULL, NULL, NULL, NULL), QUIRE_E_TRUNCATED);

    free(q);
    vec_free(&p);
    vec_free(&arch);
}

/* ---- the codec round trip ---- */

static void
test_codec_roundtrip(void **state)
{
    vec arch, p;
    quire__proof dp;
    quire__cur c;
    quire__allocator al;
    quire__buf b;
    (void)state;
    build(&arch, 6, ID_A, 1, key_right);
    assert_int_equal(prove(&arch, 4, 5, &p), 0);
    quire__cur_init(&c, p.p, p.len, 0);
    assert_int_equal(quire__proof_decode(&c, &dp), 0);
    assert_true(dp.crc_ok);
    assert_int_equal(dp.article, 4);
    assert_int_equal(dp.old_size, 5);
    assert_int_equal(dp.st.tree_size, 6);
    quire__allocator_from(&al, NULL);
    quire__buf_init(&b, &al, 1 << 20);
    quire__proof_encode(&b, &dp);
    assert_int_equal(b.err, 0);
    assert_int_equal(b.len, p.len);
    assert_memory_equal(b.p, p.p, p.len);
    /* the encoder refuses what the decoder would */
    quire__buf_reset(&b);
    dp.n_path = QUIRE__PROOF_PATH_MAX + 1;
    quire__proof_encode(&b, &dp);
    assert_int_equal(b.err, QUIRE_E_LIMIT);
    quire__buf_free(&b);
    vec_free(&p);
    vec_free(&arch);
}

/* ---- keys ---- */

typedef struct tally {
    unsigned errors, warnings, infos, signers;
    int last_code;
} tally;

static int
count(void *ctx, const quire_finding *f)
{
    tally *t = (tally *)ctx;
    assert_non_null(f->what);
    assert_non_null(f->message);
    if (f->severity == QUIRE_SEV_ERROR) {
        t->errors++;
        assert_int_not_equal(f->code, 0);
        t->last_code = f->code;
    } else if (f->severity == QUIRE_SEV_WARNING) {
        t->warnings++;
    } else {
        t->infos++;
    }
    if (f->signer != NULL) {
        t->signers++;
    }
    return 0;
}

static void
test_keys(void **state)
{
    vec arch, p, un;
    quire_keyring *kr;
    quire_proof_info info;
    quire_article *a = NULL;
    quire_part part;
    quire_diag d;
    tally t;
    char body[256];
    (void)state;
    build(&arch, 5, ID_A, 1, key_right);
    assert_int_equal(prove(&arch, 3, 0, &p), 0);
    assert_int_equal(quire_article_new(&a, NULL), 0);

    /* the right key: valid, and the article comes back */
    kr = ring_of(&pk_right, QUIRE_ROLE_ANY);
    assert_int_equal(quire_proof_verify(p.p, p.len, kr, a, &info, NULL), 0);
    assert_true(info.valid);
    assert_int_equal(info.signatures, 1);
    assert_int_equal(info.valid_signatures, 1);
    assert_int_equal(info.trusted_signatures, 1);
    assert_int_equal(info.errors + info.warnings, 0);
    assert_memory_equal(info.archive_id, ID_A, 16);
    assert_int_equal(info.created, 1700000000);
    assert_int_equal(quire_article_number(a), 3);
    assert_int_equal(quire_article_find_part(a, "body", 4, &part), 0);
    body_of(3, 1, body, sizeof body);
    assert_int_equal(part.len, strlen(body));
    assert_memory_equal(part.data, body, part.len);
    {
        uint8_t dg[32], ix[32];
        quire_reader *r = NULL;
        assert_int_equal(quire_article_digest(a, dg), 0);
        assert_memory_equal(dg, info.digest, 32);
        assert_int_equal(quire_reader_new(&r, NULL), 0);
        assert_int_equal(quire_reader_open_memory(r, arch.p, arch.len, NULL), 0);
        assert_int_equal(quire_reader_get_digest(r, 3, ix), 0);
        assert_memory_equal(ix, dg, 32);
        quire_reader_free(r);
    }
    quire_keyring_free(kr);

    /* another key: untrusted, and no article */
    kr = ring_of(&pk_other, QUIRE_ROLE_ANY);
    memset(&d, 0, sizeof d);
    assert_int_equal(quire_proof_verify(p.p, p.len, kr, a, &info, &d), QUIRE_E_UNTRUSTED);
    assert_int_equal(d.code, QUIRE_E_UNTRUSTED);
    assert_false(info.valid);
    assert_int_equal(info.valid_signatures, 1);
    assert_int_equal(info.trusted_signatures, 0);
    assert_int_equal(quire_article_part_count(a), 0);
    quire_keyring_free(kr);

    /* the right key, trusted only as a witness: the archivist signature
     * does not count */
    kr = ring_of(&pk_right, QUIRE_ROLE_WITNESS);
    assert_int_equal(quire_proof_verify(p.p, p.len, kr, NULL, &info, NULL), QUIRE_E_UNTRUSTED);
    quire_keyring_free(kr);
    kr = ring_of(&pk_right, QUIRE_ROLE_ARCHIVIST);
    assert_int_equal(quire_proof_verify(p.p, p.len, kr, NULL, &info, NULL), 0);
    quire_keyring_free(kr);

    /* both keys: one trusted signature is enough */
    kr = ring_of(&pk_other, QUIRE_ROLE_ANY);
    assert_int_equal(quire_keyring_add(kr, &pk_right, "right", QUIRE_ROLE_ANY, NULL), 0);
    assert_int_equal(quire_proof_verify(p.p, p.len, kr, NULL, &info, NULL), 0);
    quire_keyring_free(kr);

    /* no keys (NULL or empty): integrity only, reported as untrusted */
    memset(&t, 0, sizeof t);
    assert_int_equal(quire_proof_verify_report(p.p, p.len, NULL, NULL, count, &t, &info, NULL), 0);
    assert_int_equal(info.trusted_signatures, 0);
    assert_int_equal(info.warnings, 1);
    assert_int_equal(t.warnings, 1);
    assert_int_equal(t.errors, 0);
    assert_int_equal(t.signers, 1);
    kr = ring_of(NULL, 0);
    assert_int_equal(quire_proof_verify(p.p, p.len, kr, NULL, &info, NULL), 0);
    quire_keyring_free(kr);

    /* an unsigned archive: integrity without keys, untrusted with them */
    build(&un, 5, ID_A, 1, NULL);
    vec_free(&p);
    assert_int_equal(prove(&un, 1, 0, &p), 0);
    assert_int_equal(quire_proof_verify(p.p, p.len, NULL, NULL, &info, NULL), 0);
    assert_int_equal(info.signatures, 0);
    kr = ring_of(&pk_right, QUIRE_ROLE_ANY);
    memset(&t, 0, sizeof t);
    assert_int_equal(quire_proof_verify_report(p.p, p.len, kr, NULL, count, &t, &info, NULL),
                     QUIRE_E_UNTRUSTED);
    assert_int_equal(t.errors, 1);
    assert_int_equal(t.last_code, QUIRE_E_UNTRUSTED);
    quire_keyring_free(kr);

    quire_article_free(a);
    vec_free(&un);
    vec_free(&p);
    vec_free(&arch);
}

/* ---- later checkpoints ---- */

static void
test_later(void **state)
{
    vec small, big, other_id, other_content, ps, pb, px;
    quire_diag d;
    size_t m;
    (void)state;
    build(&small, 5, ID_A, 1, key_right);
    build(&big, 9, ID_A, 1, key_right); /* a superset: the same first 5 articles */
    build(&other_id, 9, ID_B, 1, key_right);
    build(&other_content, 9, ID_A, 2, key_right);
    assert_int_equal(prove(&small, 2, 0, &ps), 0);
    assert_int_equal(prove(&big, 7, 5, &pb), 0);
    assert_int_equal(quire_proof_check_later(ps.p, ps.len, pb.p, pb.len, NULL), 0);
    /* not the other way round */
    memset(&d, 0, sizeof d);
    assert_int_equal(quire_proof_check_later(pb.p, pb.len, ps.p, ps.len, &d), QUIRE_E_CHAIN);
    assert_string_equal(d.what, "statement tree size");
    /* same size: the same root is enough */
    assert_int_equal(prove(&small, 4, 0, &px), 0);
    assert_int_equal(quire_proof_check_later(ps.p, ps.len, px.p, px.len, NULL), 0);
    vec_free(&px);
    /* a later proof without a consistency path, or from another size */
    assert_int_equal(prove(&big, 7, 0, &px), 0);
    assert_int_equal(quire_proof_check_later(ps.p, ps.len, px.p, px.len, NULL), QUIRE_E_CHAIN);
    vec_free(&px);
    assert_int_equal(prove(&big, 7, 4, &px), 0);
    memset(&d, 0, sizeof d);
    assert_int_equal(quire_proof_check_later(ps.p, ps.len, px.p, px.len, &d), QUIRE_E_CHAIN);
    assert_string_equal(d.what, "proof consistency size");
    vec_free(&px);
    /* an unrelated archive: another id, or the same id over other articles */
    assert_int_equal(prove(&other_id, 7, 5, &px), 0);
    assert_int_equal(quire_proof_check_later(ps.p, ps.len, px.p, px.len, NULL), QUIRE_E_ARCHIVE_ID);
    vec_free(&px);
    assert_int_equal(prove(&other_content, 7, 5, &px), 0);
    memset(&d, 0, sizeof d);
    assert_int_equal(quire_proof_check_later(ps.p, ps.len, px.p, px.len, &d), QUIRE_E_CHAIN);
    assert_string_equal(d.what, "proof consistency path");
    vec_free(&px);
    /* a damaged proof on either side */
    pb.p[pb.len / 2] ^= 0x01;
    memset(&d, 0, sizeof d);
    assert_int_not_equal(quire_proof_check_later(ps.p, ps.len, pb.p, pb.len, &d), 0);
    assert_string_equal(d.detail, "in the later proof");
    memset(&d, 0, sizeof d);
    assert_int_not_equal(quire_proof_check_later(pb.p, pb.len, ps.p, ps.len, &d), 0);
    assert_string_equal(d.detail, "in the earlier proof");
    vec_free(&pb);
    /* every earlier size, powers of two and not */
    for (m = 1; m <= 9; m++) {
        vec old, po, pl;
        quire_proof_info info;
        build(&old, m, ID_A, 1, key_right);
        assert_int_equal(prove(&old, m - 1, 0, &po), 0);
        assert_int_equal(prove(&big, m % 9, m, &pl), 0);
        assert_int_equal(quire_proof_verify(pl.p, pl.len, NULL, NULL, &info, NULL), 0);
        assert_true(info.has_consistency);
        assert_int_equal(info.consistency_from, m);
        assert_int_equal(info.old_root_known, m == 9 || (m & (m - 1)) != 0);
        assert_int_equal(quire_proof_check_later(po.p, po.len, pl.p, pl.len, NULL), 0);
        if (m < 9) {
            /* the old tree's proof is no later proof of the big one */
            assert_int_equal(quire_proof_check_later(pl.p, pl.len, po.p, po.len, NULL),
                             QUIRE_E_CHAIN);
        }
        vec_free(&po);
        vec_free(&pl);
        vec_free(&old);
    }
    vec_free(&ps);
    vec_free(&small);
    vec_free(&big);
    vec_free(&other_id);
    vec_free(&other_content);
}

/* ---- a real later checkpoint (quire_writer_open_append) ---- */

static void
add_articles(quire_writer *w, size_t from, size_t to)
{
    quire_article *a = NULL;
    size_t i;
    assert_int_equal(quire_article_new(&a, NULL), 0);
    for (i = from; i < to; i++) {
        char body[256];
        body_of(i, 1, body, sizeof body);
        quire_article_clear(a);
        assert_int_equal(quire_article_add_part(a, "body", 4, "text/plain", 10, body, strlen(body)),
                         0);
        assert_int_equal(quire_writer_add(w, a, NULL, NULL), 0);
    }
    quire_article_free(a);
}

static void
slurp(const char *path, vec *out)
{
    FILE *f = fopen(path, "rb");
    long n;
    memset(out, 0, sizeof *out);
    assert_non_null(f);
    assert_int_equal(fseek(f, 0, SEEK_END), 0);
    n = ftell(f);
    assert_true(n > 0);
    rewind(f);
    out->p = (uint8_t *)malloc((size_t)n);
    assert_non_null(out->p);
    assert_int_equal(fread(out->p, 1, (size_t)n, f), (size_t)n);
    out->len = out->cap = (size_t)n;
    fclose(f);
}

static void
test_appended(void **state)
{
    char path[] = "/tmp/quire-test-proof-XXXXXX";
    quire_writer *w = NULL;
    quire_keyring *kr = ring_of(&pk_right, QUIRE_ROLE_ANY);
    quire_proof_info info;
    vec a0, a1, p0, p1, p2;
    uint8_t *q;
    size_t i, accepted = 0;
    int fd;
    (void)state;
    fd = mkstemp(path);
    assert_true(fd >= 0);
    close(fd);
    /* checkpoint 0: 3 articles; checkpoint 1: 7 */
    assert_int_equal(quire_writer_new(&w, NULL), 0);
    assert_int_equal(quire_writer_add_signer(w, key_right, QUIRE_ROLE_ARCHIVIST, NULL), 0);
    assert_int_equal(quire_writer_open_file(w, path, NULL), 0);
    add_articles(w, 0, 3);
    assert_int_equal(quire_writer_finish(w, NULL), 0);
    quire_writer_free(w);
    slurp(path, &a0);
    assert_int_equal(quire_writer_new(&w, NULL), 0);
    assert_int_equal(quire_writer_add_signer(w, key_right, QUIRE_ROLE_ARCHIVIST, NULL), 0);
    assert_int_equal(quire_writer_open_append(w, path, NULL), 0);
    add_articles(w, 3, 7);
    assert_int_equal(quire_writer_finish(w, NULL), 0);
    quire_writer_free(w);
    slurp(path, &a1);
    remove(path);

    assert_int_equal(prove(&a0, 1, 0, &p0), 0);
    assert_int_equal(prove(&a1, 5, 3, &p1), 0);
    assert_int_equal(prove(&a1, 2, 0, &p2), 0);
    assert_int_equal(quire_proof_verify(p1.p, p1.len, kr, NULL, &info, NULL), 0);
    assert_int_equal(info.checkpoint, 1);
    assert_int_equal(info.tree_size, 7);
    assert_true(info.old_root_known); /* 3 is not a power of two */
    assert_int_equal(quire_proof_check_later(p0.p, p0.len, p1.p, p1.len, NULL), 0);
    assert_int_equal(quire_proof_check_later(p0.p, p0.len, p2.p, p2.len, NULL), QUIRE_E_CHAIN);
    /* an article of the first checkpoint, proved against the second */
    assert_int_equal(quire_proof_verify(p2.p, p2.len, kr, NULL, NULL, NULL), 0);

    /* the seal now carries its own consistency proof from checkpoint 0:
     * every byte flipped, even with the CRC-32 fixed, is noticed (but the
     * minor version) */
    q = (uint8_t *)malloc(p1.len);
    assert_non_null(q);
    for (i = 0; i + 4 < p1.len; i++) {
        memcpy(q, p1.p, p1.len);
        q[i] ^= 0x01;
        assert_int_not_equal(quire_proof_verify(q, p1.len, kr, NULL, NULL, NULL), 0);
        fix_crc(q, p1.len);
        if (quire_proof_verify(q, p1.len, kr, NULL, NULL, NULL) == 0) {
            assert_int_equal(i, 11);
            accepted++;
        }
    }
    assert_int_equal(accepted, 1);
    free(q);
    quire_keyring_free(kr);
    vec_free(&p0);
    vec_free(&p1);
    vec_free(&p2);
    vec_free(&a0);
    vec_free(&a1);
}

/* ---- quire_prove misuse ---- */

/* Every allocation of quire_prove (through the reader's allocator) fails
 * in turn: each call gives QUIRE_E_NOMEM and no output, or the proof the
 * call without failures gives; nothing leaks. */
static void
test_prove_nomem(void **state)
{
    static const uint8_t id[16] = {9, 8, 7};
    vec arch, want;
    long i;
    (void)state;
    build(&arch, 300, id, 5, key_right);
    assert_int_equal(prove(&arch, 123, 100, &want), 0);
    for (i = 0;; i++) {
        counter c;
        quire_alloc al;
        quire_reader *r = NULL;
        uint8_t *out = NULL;
        size_t len = 0;
        int e;
        memset(&c, 0, sizeof c);
        c.fail_at = -1;
        al.alloc = fail_alloc;
        al.free = fail_free;
        al.opaque = &c;
        assert_int_equal(quire_reader_new(&r, &al), 0);
        assert_int_equal(quire_reader_open_memory(r, arch.p, arch.len, NULL), 0);
        c.fail_at = c.calls + i; /* the i-th allocation of quire_prove */
        e = quire_prove(r, 123, 100, &out, &len, NULL);
        if (e == QUIRE_OK) {
            assert_int_equal(len, want.len);
            assert_memory_equal(out, want.p, len);
            free(out);
        } else {
            assert_int_equal(e, QUIRE_E_NOMEM);
            assert_null(out);
            assert_int_equal(len, 0);
        }
        quire_reader_free(r);
        assert_int_equal(c.live, 0);
        if (e == QUIRE_OK && c.calls <= c.fail_at) {
            break; /* no allocation was failed: every site has been */
        }
    }
    assert_true(i > 2);
    vec_free(&want);
    vec_free(&arch);
}

static void
test_prove_errors(void **state)
{
    vec arch, p;
    quire_reader *r = NULL;
    uint8_t *out = (uint8_t *)&out;
    size_t len = 7;
    quire_diag d;
    (void)state;
    build(&arch, 4, ID_A, 1, key_right);
    assert_int_equal(prove(&arch, 4, 0, &p), QUIRE_E_NOTFOUND);
    assert_int_equal(prove(&arch, 0, 5, &p), QUIRE_E_ARG);
    assert_int_equal(prove(&arch, 3, 4, &p), 0); /* from the whole tree: an empty path */
    {
        quire_proof_info info;
        assert_int_equal(quire_proof_verify(p.p, p.len, NULL, NULL, &info, NULL), 0);
        assert_int_equal(info.consistency_len, 0);
        assert_true(info.old_root_known);
        assert_memory_equal(info.old_root, info.root, 32);
    }
    vec_free(&p);
    assert_int_equal(quire_reader_new(&r, NULL), 0);
    memset(&d, 0, sizeof d);
    assert_int_equal(quire_prove(r, 0, 0, &out, &len, &d), QUIRE_E_BADSTATE);
    assert_null(out);
    assert_int_equal(len, 0);
    assert_int_equal(quire_prove(NULL, 0, 0, &out, &len, NULL), QUIRE_E_ARG);
    assert_int_equal(quire_prove(r, 0, 0, NULL, &len, NULL), QUIRE_E_ARG);
    quire_reader_free(r);
    vec_free(&arch);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_merkle_inclusion),
        cmocka_unit_test(test_merkle_root_threads),
        cmocka_unit_test(test_merkle_add_subtree),
        cmocka_unit_test(test_prove_nomem),
        cmocka_unit_test(test_merkle_consistency),
        cmocka_unit_test(test_proof_sizes),
        cmocka_unit_test(test_every_byte),
        cmocka_unit_test(test_codec_errors),
        cmocka_unit_test(test_codec_roundtrip),
        cmocka_unit_test(test_keys),
        cmocka_unit_test(test_later),
        cmocka_unit_test(test_appended),
        cmocka_unit_test(test_prove_errors),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
