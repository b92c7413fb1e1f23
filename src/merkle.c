/* merkle.c - the Merkle tree over record digests (spec 11.1): RFC 9162
 * shape, BLAKE2b-256, leaf hash H(0x00 || digest), node hash
 * H(0x01 || left || right), empty tree H(""). */
#include <string.h>

#include <sodium.h>

#include "internal.h"

int
quire__merkle_leaf(uint8_t out[32], const uint8_t digest[32])
{
    crypto_generichash_state st;
    static const uint8_t tag = 0x00;
    if (crypto_generichash_init(&st, NULL, 0, 32) != 0 ||
        crypto_generichash_update(&st, &tag, 1) != 0 ||
        crypto_generichash_update(&st, digest, 32) != 0 ||
        crypto_generichash_final(&st, out, 32) != 0) {
        return QUIRE_E_NOMEM;
    }
    return 0;
}

int
quire__merkle_node(uint8_t out[32], const uint8_t left[32], const uint8_t right[32])
{
    crypto_generichash_state st;
    static const uint8_t tag = 0x01;
    if (crypto_generichash_init(&st, NULL, 0, 32) != 0 ||
        crypto_generichash_update(&st, &tag, 1) != 0 ||
        crypto_generichash_update(&st, left, 32) != 0 ||
        crypto_generichash_update(&st, right, 32) != 0 ||
        crypto_generichash_final(&st, out, 32) != 0) {
        return QUIRE_E_NOMEM;
    }
    return 0;
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
    uint64_t n = m->n;
    int e;
    if (m->n == UINT64_MAX) {
        return QUIRE_E_LIMIT;
    }
    if ((e = quire__merkle_leaf(h, digest)) != 0) {
        return e;
    }
    while (n & 1) {
        m->depth--;
        if ((e = quire__merkle_node(h, m->stack[m->depth], h)) != 0) {
            return e;
        }
        n >>= 1;
    }
    memcpy(m->stack[m->depth], h, 32);
    m->depth++;
    m->n++;
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
