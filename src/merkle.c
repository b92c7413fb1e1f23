/* merkle.c - the Merkle tree over record digests (spec 11.1): RFC 9162
 * shape, BLAKE2b-256, leaf hash H(0x00 || digest), node hash
 * H(0x01 || left || right), empty tree H(""). */
#include <pthread.h>
#include <string.h>

#include <sodium.h>

#include "internal.h"

/* one call on the whole message: a tree of n leaves hashes 2n - 1 short
 * messages, and each init/update/final round trip costs as much as the data */
int
quire__merkle_leaf(uint8_t out[32], const uint8_t digest[32])
{
    uint8_t m[33];
    m[0] = 0x00;
    memcpy(m + 1, digest, 32);
    return crypto_generichash(out, 32, m, sizeof m, NULL, 0) != 0 ? QUIRE_E_NOMEM : 0;
}

int
quire__merkle_node(uint8_t out[32], const uint8_t left[32], const uint8_t right[32])
{
    uint8_t m[65];
    m[0] = 0x01;
    memcpy(m + 1, left, 32);
    memcpy(m + 33, right, 32);
    return crypto_generichash(out, 32, m, sizeof m, NULL, 0) != 0 ? QUIRE_E_NOMEM : 0;
}

void
quire__merkle_init(quire__merkle *m)
{
    memset(m, 0, sizeof *m);
}

/* The stack holds the roots of complete subtrees, one per set bit of n,
 * largest first: adding a leaf merges equal-sized neighbours like a binary
 * counter carry. */
int
quire__merkle_add(quire__merkle *m, const uint8_t digest[32])
{
    uint8_t h[32];
    int e;
    if (m->n == UINT64_MAX) {
        return QUIRE_E_LIMIT;
    }
    if ((e = quire__merkle_leaf(h, digest)) != 0) {
        return e;
    }
    return quire__merkle_add_subtree(m, h, 0); /* a leaf: the subtree of one */
}

int
quire__merkle_add_subtree(quire__merkle *m, const uint8_t root[32], unsigned level)
{
    uint8_t h[32];
    uint64_t n = m->n >> level;
    int e;
    if (level >= 64 || (m->n & (((uint64_t)1 << level) - 1)) != 0 ||
        m->n > UINT64_MAX - ((uint64_t)1 << level)) {
        return QUIRE_E_LIMIT;
    }
    memcpy(h, root, 32);
    while (n & 1) { /* merge equal-sized neighbours, like a binary counter's carry */
        m->depth--;
        if ((e = quire__merkle_node(h, m->stack[m->depth], h)) != 0) {
            return e;
        }
        n >>= 1;
    }
    memcpy(m->stack[m->depth], h, 32);
    m->depth++;
    m->n += (uint64_t)1 << level;
    return 0;
}

int
quire__merkle_root(const quire__merkle *m, uint8_t out[32])
{
    uint8_t h[32];
    size_t i;
    int e;
    if (m->n == 0) {
        return crypto_generichash(out, 32, NULL, 0, NULL, 0) == 0 ? 0 : QUIRE_E_NOMEM;
    }
    /* fold right to left: the largest power-of-two split of RFC 9162 */
    memcpy(h, m->stack[m->depth - 1], 32);
    for (i = m->depth - 1; i-- > 0;) {
        if ((e = quire__merkle_node(h, m->stack[i], h)) != 0) {
            return e;
        }
    }
    memcpy(out, h, 32);
    return 0;
}

/* ======================================================================
 * Proofs (RFC 9162 2.1.3 inclusion, 2.1.4 consistency)
 *
 * Leaves are record digests read from an array with a stride (32 for a
 * plain array, QUIRE__ARTICLE_ENTRY for the index's article table); the
 * leaf hash is H(0x00 || digest) as above. Everything is iterative: the
 * recursions of RFC 9162 descend one level per step, at most 64 levels
 * for 64-bit tree sizes.
 * ====================================================================== */

/* the largest power of two strictly below n (n >= 2) */
static uint64_t
split_below(uint64_t n)
{
    uint64_t k = 1;
    while (k < n - k) {
        k <<= 1;
    }
    return k;
}

static int
is_pow2(uint64_t n)
{
    return n != 0 && (n & (n - 1)) == 0;
}

/* see internal.h */
int
quire__merkle_range_root(const uint8_t *leaves, size_t stride, uint64_t lo, uint64_t hi,
                         uint8_t out[32])
{
    quire__merkle m;
    uint64_t i;
    int e;
    quire__merkle_init(&m);
    for (i = lo; i < hi; i++) {
        if ((e = quire__merkle_add(&m, leaves + (size_t)i * stride)) != 0) {
            return e;
        }
    }
    return quire__merkle_root(&m, out);
}

typedef struct half {
    const uint8_t *leaves;
    size_t stride;
    uint64_t lo, hi;
    uint8_t root[32];
    int e;
} half;

static void *
half_run(void *arg)
{
    half *h = (half *)arg;
    h->e = quire__merkle_range_root(h->leaves, h->stride, h->lo, h->hi, h->root);
    return NULL;
}

/* see internal.h */
int
quire__merkle_root_mt(const uint8_t *leaves, size_t stride, uint64_t n, int threads,
                      uint8_t out[32])
{
    half left;
    uint8_t right[32];
    pthread_t t;
    int started, e;
    if (threads < 2 || n < 4096) {
        return quire__merkle_range_root(leaves, stride, 0, n, out);
    }
    /* MTH(D[0:n]) = H(0x01 || MTH(D[0:k]) || MTH(D[k:n])), k the largest
     * power of two below n (RFC 9162 2.1.1): one subtree per thread */
    left.leaves = leaves;
    left.stride = stride;
    left.lo = 0;
    left.hi = split_below(n);
    left.e = 0;
    started = pthread_create(&t, NULL, half_run, &left) == 0;
    e = quire__merkle_range_root(leaves, stride, left.hi, n, right);
    if (started) {
        pthread_join(t, NULL);
    } else {
        half_run(&left);
    }
    if (e != 0 || left.e != 0) {
        return e != 0 ? e : left.e;
    }
    return quire__merkle_node(out, left.root, right);
}

static void
reverse_hashes(uint8_t (*p)[32], size_t n)
{
    size_t i;
    uint8_t t[32];
    for (i = 0; i < n / 2; i++) {
        memcpy(t, p[i], 32);
        memcpy(p[i], p[n - 1 - i], 32);
        memcpy(p[n - 1 - i], t, 32);
    }
}

/* see internal.h */
int
quire__merkle_inclusion_path(const uint8_t *leaves, size_t stride, uint64_t n, uint64_t m,
                             uint8_t (*path)[32], size_t cap, size_t *n_path)
{
    uint64_t lo = 0, hi = n;
    size_t k = 0;
    int e;
    *n_path = 0;
    if (m >= n) {
        return QUIRE_E_ARG;
    }
    /* PATH(m, D[lo:hi]) = PATH(m, one half) : MTH(other half); collected
     * from the root down, then reversed into leaf-to-root order */
    while (hi - lo > 1) {
        uint64_t s = split_below(hi - lo);
        if (k == cap) {
            return QUIRE_E_LIMIT;
        }
        if (m - lo < s) {
            e = quire__merkle_range_root(leaves, stride, lo + s, hi, path[k]);
            hi = lo + s;
        } else {
            e = quire__merkle_range_root(leaves, stride, lo, lo + s, path[k]);
            lo += s;
        }
        if (e != 0) {
            return e;
        }
        k++;
    }
    reverse_hashes(path, k);
    *n_path = k;
    return 0;
}

/* see internal.h */
int
quire__merkle_inclusion_root(const uint8_t leaf_hash[32], uint64_t m, uint64_t n,
                             const uint8_t *path, size_t n_path, uint8_t out[32])
{
    uint64_t fn = m, sn;
    uint8_t r[32];
    size_t i;
    int e;
    /* RFC 9162 2.1.3.2 */
    if (m >= n) {
        return QUIRE_E_ROOT;
    }
    sn = n - 1;
    memcpy(r, leaf_hash, 32);
    for (i = 0; i < n_path; i++) {
        const uint8_t *p = path + 32 * i;
        if (sn == 0) {
            return QUIRE_E_ROOT; /* a longer path than the tree is deep */
        }
        if ((fn & 1) != 0 || fn == sn) {
            if ((e = quire__merkle_node(r, p, r)) != 0) {
                return e;
            }
            if ((fn & 1) == 0) {
                while ((fn & 1) == 0 && fn != 0) {
                    fn >>= 1;
                    sn >>= 1;
                }
            }
        } else if ((e = quire__merkle_node(r, r, p)) != 0) {
            return e;
        }
        fn >>= 1;
        sn >>= 1;
    }
    if (sn != 0) {
        return QUIRE_E_ROOT; /* a shorter path than the tree is deep */
    }
    memcpy(out, r, 32);
    return 0;
}

/* see internal.h */
int
quire__merkle_inclusion_verify(const uint8_t digest[32], uint64_t m, uint64_t n,
                               const uint8_t *path, size_t n_path, const uint8_t root[32])
{
    uint8_t leaf[32], got[32];
    int e;
    if ((e = quire__merkle_leaf(leaf, digest)) != 0 ||
        (e = quire__merkle_inclusion_root(leaf, m, n, path, n_path, got)) != 0) {
        return e;
    }
    return sodium_memcmp(got, root, 32) == 0 ? 0 : QUIRE_E_ROOT;
}

/* see internal.h */
int
quire__merkle_consistency_path(const uint8_t *leaves, size_t stride, uint64_t n, uint64_t m,
                               uint8_t (*path)[32], size_t cap, size_t *n_path)
{
    uint64_t lo = 0, hi = n, mm = m;
    size_t k = 0;
    int whole = 1, e;
    *n_path = 0;
    if (m == 0 || m > n) {
        return QUIRE_E_ARG;
    }
    /* SUBPROOF(mm, D[lo:hi], whole), RFC 9162 2.1.4.1: the siblings from
     * the root down, then, if the old tree is not a whole subtree met on
     * the left edge, MTH of the subtree where the descent stops */
    while (mm != hi - lo) {
        uint64_t s = split_below(hi - lo);
        if (k == cap) {
            return QUIRE_E_LIMIT;
        }
        if (mm <= s) {
            e = quire__merkle_range_root(leaves, stride, lo + s, hi, path[k]);
            hi = lo + s;
        } else {
            e = quire__merkle_range_root(leaves, stride, lo, lo + s, path[k]);
            lo += s;
            mm -= s;
            whole = 0;
        }
        if (e != 0) {
            return e;
        }
        k++;
    }
    reverse_hashes(path, k);
    if (!whole) {
        if (k == cap) {
            return QUIRE_E_LIMIT;
        }
        memmove(path[1], path[0], 32 * k);
        if ((e = quire__merkle_range_root(leaves, stride, lo, hi, path[0])) != 0) {
            return e;
        }
        k++;
    }
    *n_path = k;
    return 0;
}

/* see internal.h */
int
quire__merkle_consistency_roots(uint64_t m, uint64_t n, const uint8_t *old_root,
                                const uint8_t *path, size_t n_path, uint8_t fr[32], uint8_t sr[32])
{
    static const uint8_t zero[32];
    uint64_t fn, sn;
    size_t i = 0;
    int e;
    /* RFC 9162 2.1.4.2 */
    if (m == 0 || m > n) {
        return QUIRE_E_CHAIN;
    }
    if (m == n) {
        if (n_path != 0) {
            return QUIRE_E_CHAIN;
        }
        memcpy(fr, old_root != NULL ? old_root : zero, 32);
        memcpy(sr, fr, 32);
        return 0;
    }
    if (n_path == 0) {
        return QUIRE_E_CHAIN;
    }
    /* an old tree that is a whole left subtree is its own first node: the
     * verifier supplies it (RFC: "prepend first_hash") */
    if (is_pow2(m)) {
        memcpy(fr, old_root != NULL ? old_root : zero, 32);
    } else {
        memcpy(fr, path, 32);
        i = 1;
    }
    memcpy(sr, fr, 32);
    fn = m - 1;
    sn = n - 1;
    while ((fn & 1) != 0) {
        fn >>= 1;
        sn >>= 1;
    }
    for (; i < n_path; i++) {
        const uint8_t *c = path + 32 * i;
        if (sn == 0) {
            return QUIRE_E_CHAIN;
        }
        if ((fn & 1) != 0 || fn == sn) {
            if ((e = quire__merkle_node(fr, c, fr)) != 0 ||
                (e = quire__merkle_node(sr, c, sr)) != 0) {
                return e;
            }
            while ((fn & 1) == 0 && fn != 0) {
                fn >>= 1;
                sn >>= 1;
            }
        } else if ((e = quire__merkle_node(sr, sr, c)) != 0) {
            return e;
        }
        fn >>= 1;
        sn >>= 1;
    }
    return sn == 0 ? 0 : QUIRE_E_CHAIN;
}

/* see internal.h */
int
quire__merkle_consistency_verify(uint64_t m, uint64_t n, const uint8_t old_root[32],
                                 const uint8_t new_root[32], const uint8_t *path, size_t n_path)
{
    uint8_t fr[32], sr[32];
    int e = quire__merkle_consistency_roots(m, n, old_root, path, n_path, fr, sr);
    if (e != 0) {
        return e;
    }
    return sodium_memcmp(fr, old_root, 32) == 0 && sodium_memcmp(sr, new_root, 32) == 0
               ? 0
               : QUIRE_E_CHAIN;
}
