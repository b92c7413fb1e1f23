/* wdigest.c - SHA-1, base32 and labelled WARC digests (spec/WARC.md 3). */
#include "wdigest.h"

#include <string.h>

#include "../format/cursor.h"
#include "quire.h"

/* ====================================================================
 * SHA-1 (FIPS 180-4 section 6.1)
 * ==================================================================== */

static uint32_t
rol32(uint32_t x, unsigned n)
{
    return (x << n) | (x >> (32 - n));
}

static void
sha1_block(uint32_t h[5], const uint8_t *p)
{
    uint32_t w[80], a, b, c, d, e, f, k, t;
    unsigned i;
    for (i = 0; i < 16; i++) {
        w[i] = quire__ld32be(p + 4 * i);
    }
    for (i = 16; i < 80; i++) {
        w[i] = rol32(w[i - 3] ^ w[i - 8] ^ w[i - 14] ^ w[i - 16], 1);
    }
    a = h[0];
    b = h[1];
    c = h[2];
    d = h[3];
    e = h[4];
    for (i = 0; i < 80; i++) {
        if (i < 20) {
            f = (b & c) | (~b & d);
            k = 0x5a827999u;
        } else if (i < 40) {
            f = b ^ c ^ d;
            k = 0x6ed9eba1u;
        } else if (i < 60) {
            f = (b & c) | (b & d) | (c & d);
            k = 0x8f1bbcdcu;
        } else {
            f = b ^ c ^ d;
            k = 0xca62c1d6u;
        }
        t = rol32(a, 5) + f + e + k + w[i];
        e = d;
        d = c;
        c = rol32(b, 30);
        b = a;
        a = t;
    }
    h[0] += a;
    h[1] += b;
    h[2] += c;
    h[3] += d;
    h[4] += e;
}

void
quire__sha1_init(quire__sha1 *s)
{
    s->h[0] = 0x67452301u;
    s->h[1] = 0xefcdab89u;
    s->h[2] = 0x98badcfeu;
    s->h[3] = 0x10325476u;
    s->h[4] = 0xc3d2e1f0u;
    s->n_bytes = 0;
    s->blk_len = 0;
}

void
quire__sha1_update(quire__sha1 *s, const uint8_t *p, size_t n)
{
    s->n_bytes += n;
    if (s->blk_len != 0) {
        size_t take = 64 - s->blk_len < n ? 64 - s->blk_len : n;
        memcpy(s->blk + s->blk_len, p, take);
        s->blk_len += take;
        p += take;
        n -= take;
        if (s->blk_len < 64) {
            return;
        }
        sha1_block(s->h, s->blk);
        s->blk_len = 0;
    }
    while (n >= 64) {
        sha1_block(s->h, p);
        p += 64;
        n -= 64;
    }
    if (n != 0) {
        memcpy(s->blk, p, n);
        s->blk_len = n;
    }
}

void
quire__sha1_final(quire__sha1 *s, uint8_t out[QUIRE__SHA1_LEN])
{
    uint64_t bits = s->n_bytes * 8;
    unsigned i;
    s->blk[s->blk_len++] = 0x80;
    if (s->blk_len > 56) {
        memset(s->blk + s->blk_len, 0, 64 - s->blk_len);
        sha1_block(s->h, s->blk);
        s->blk_len = 0;
    }
    memset(s->blk + s->blk_len, 0, 56 - s->blk_len);
    for (i = 0; i < 8; i++) {
        s->blk[56 + i] = (uint8_t)(bits >> (56 - 8 * i));
    }
    sha1_block(s->h, s->blk);
    for (i = 0; i < 5; i++) {
        out[4 * i] = (uint8_t)(s->h[i] >> 24);
        out[4 * i + 1] = (uint8_t)(s->h[i] >> 16);
        out[4 * i + 2] = (uint8_t)(s->h[i] >> 8);
        out[4 * i + 3] = (uint8_t)s->h[i];
    }
    s->blk_len = 0;
}

/* ====================================================================
 * base32 (RFC 4648 section 6), hex, base64 (sections 4 and 5)
 * ==================================================================== */

static const char b32_alpha[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

size_t
quire__base32_encode(char *out, size_t cap, const uint8_t *in, size_t n)
{
    size_t len = QUIRE__BASE32_LEN(n), i, o = 0;
    uint32_t acc = 0;
    unsigned bits = 0;
    if (n > (SIZE_MAX - 8) / 8 * 5 || cap < len + 1) {
        return 0;
    }
    for (i = 0; i < n; i++) {
        acc = (acc << 8) | in[i];
        bits += 8;
        while (bits >= 5) {
            out[o++] = b32_alpha[(acc >> (bits - 5)) & 31];
            bits -= 5;
        }
        acc &= (1u << bits) - 1;
    }
    if (bits > 0) {
        out[o++] = b32_alpha[(acc << (5 - bits)) & 31];
    }
    while (o < len) {
        out[o++] = '=';
    }
    out[o] = '\0';
    return o;
}

static int
b32_value(uint8_t c)
{
    if (c >= 'A' && c <= 'Z') {
        return c - 'A';
    }
    if (c >= 'a' && c <= 'z') {
        return c - 'a';
    }
    if (c >= '2' && c <= '7') {
        return c - '2' + 26;
    }
    return -1;
}

/* Generic radix-2^width decoder for base32 (5) and base64 (6): value() maps
 * a character, -1 if not in the alphabet. Padding optional; when present
 * it completes a group of group characters. */
static int
radix_decode(const uint8_t *in, size_t n, unsigned width, size_t group, int (*value)(uint8_t),
             uint8_t *out, size_t cap, size_t *out_len)
{
    size_t d = n, i, o = 0;
    uint32_t acc = 0;
    unsigned bits = 0;
    *out_len = 0;
    while (d > 0 && in[d - 1] == '=') {
        d--;
    }
    if (d != n && (n % group != 0 || n - d >= group)) {
        return QUIRE_E_WARC;
    }
    for (i = 0; i < d; i++) {
        int v = value(in[i]);
        if (v < 0) {
            return QUIRE_E_WARC;
        }
        acc = (acc << width) | (uint32_t)v;
        bits += width;
        if (bits >= 8) {
            if (o == cap) {
                return QUIRE_E_LIMIT;
            }
            out[o++] = (uint8_t)(acc >> (bits - 8));
            bits -= 8;
            acc &= (1u << bits) - 1;
        }
    }
    /* a length no encoder writes (bits >= width) or nonzero unused bits;
     * with the group test above this also fixes the padding length */
    if (bits >= width || acc != 0) {
        return QUIRE_E_WARC;
    }
    *out_len = o;
    return 0;
}

int
quire__base32_decode(const uint8_t *in, size_t n, uint8_t *out, size_t cap, size_t *out_len)
{
    return radix_decode(in, n, 5, 8, b32_value, out, cap, out_len);
}

static int
b64_std_value(uint8_t c)
{
    if (c >= 'A' && c <= 'Z') {
        return c - 'A';
    }
    if (c >= 'a' && c <= 'z') {
        return c - 'a' + 26;
    }
    if (c >= '0' && c <= '9') {
        return c - '0' + 52;
    }
    return c == '+' ? 62 : c == '/' ? 63 : -1;
}

static int
b64_url_value(uint8_t c)
{
    if (c == '-') {
        return 62;
    }
    if (c == '_') {
        return 63;
    }
    return c == '+' || c == '/' ? -1 : b64_std_value(c);
}

static int
hex_value(uint8_t c)
{
    if (c >= '0' && c <= '9') {
        return c - '0';
    }
    if (c >= 'a' && c <= 'f') {
        return c - 'a' + 10;
    }
    if (c >= 'A' && c <= 'F') {
        return c - 'A' + 10;
    }
    return -1;
}

/* ====================================================================
 * Labelled digests (spec 3)
 * ==================================================================== */

static int
lower_eq(const uint8_t *p, size_t n, const char *s)
{
    size_t i;
    for (i = 0; i < n; i++) {
        uint8_t c = p[i];
        if (c >= 'A' && c <= 'Z') {
            c = (uint8_t)(c + ('a' - 'A'));
        }
        if (s[i] == '\0' || c != (uint8_t)s[i]) {
            return 0;
        }
    }
    return s[n] == '\0';
}

/* Tells the encoding of v[0..n) for a digest of len bytes and decodes it
 * into d->expect; 0 or QUIRE_E_WARC. */
static int
decode_value(quire__pdigest *d, const uint8_t *v, size_t n)
{
    size_t len = d->len, got = 0, i;
    int has_lower = 0, has_upper = 0, url = 0, std = 0, r;
    for (i = 0; i < n; i++) {
        has_lower |= v[i] >= 'a' && v[i] <= 'z';
        has_upper |= v[i] >= 'A' && v[i] <= 'Z';
        url |= v[i] == '-' || v[i] == '_';
        std |= v[i] == '+' || v[i] == '/';
    }
    if (n == 2 * len) {
        for (i = 0; i < len; i++) {
            int hi = hex_value(v[2 * i]), lo = hex_value(v[2 * i + 1]);
            if (hi < 0 || lo < 0) {
                return QUIRE_E_WARC;
            }
            d->expect[i] = (uint8_t)(hi << 4 | lo);
        }
        d->enc = QUIRE__DENC_HEX;
        d->lower = !has_upper;
        return 0;
    }
    if (n == (len * 8 + 4) / 5 || n == QUIRE__BASE32_LEN(len)) {
        r = quire__base32_decode(v, n, d->expect, len, &got);
        if (r != 0 || got != len) {
            return QUIRE_E_WARC;
        }
        d->enc = QUIRE__DENC_BASE32;
        d->lower = has_lower && !has_upper;
        d->pad = n != (len * 8 + 4) / 5;
        return 0;
    }
    if (n == (len * 4 + 2) / 3 || n == (len + 2) / 3 * 4) {
        if (url && std) {
            return QUIRE_E_WARC;
        }
        r = radix_decode(v, n, 6, 4, url ? b64_url_value : b64_std_value, d->expect, len, &got);
        if (r != 0 || got != len) {
            return QUIRE_E_WARC;
        }
        d->enc = QUIRE__DENC_BASE64;
        d->url = url;
        d->pad = n != (len * 4 + 2) / 3;
        return 0;
    }
    return QUIRE_E_WARC;
}

int
quire__pdigest_init(quire__pdigest *d, const uint8_t *label, size_t label_len)
{
    size_t colon, i;
    memset(d, 0, sizeof *d);
    d->enc = QUIRE__DENC_BASE32;
    for (colon = 0; colon < label_len && label[colon] != ':'; colon++) {
    }
    if (colon == label_len || colon == 0 || colon >= sizeof d->name) {
        d->status = QUIRE_E_WARC;
        return d->status;
    }
    for (i = 0; i < colon; i++) {
        uint8_t c = label[i];
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '-' || c == '_' || c == '.')) {
            d->status = QUIRE_E_WARC;
            return d->status;
        }
        d->name[i] = (char)c;
    }
    d->name[colon] = '\0';
    if (lower_eq(label, colon, "sha1") || lower_eq(label, colon, "sha-1")) {
        d->alg = QUIRE__DIGEST_SHA1;
        d->len = 20;
        quire__sha1_init(&d->st.sha1);
    } else if (lower_eq(label, colon, "sha256") || lower_eq(label, colon, "sha-256")) {
        d->alg = QUIRE__DIGEST_SHA256;
        d->len = 32;
    } else if (lower_eq(label, colon, "sha512") || lower_eq(label, colon, "sha-512")) {
        d->alg = QUIRE__DIGEST_SHA512;
        d->len = 64;
    } else {
        d->status = QUIRE_E_FEATURE;
        return d->status;
    }
    if (d->alg != QUIRE__DIGEST_SHA1) {
        /* idempotent and thread-safe; only < 0 is failure */
        if (sodium_init() < 0) {
            d->alg = 0;
            d->status = QUIRE_E_NOMEM;
            return d->status;
        }
        if (d->alg == QUIRE__DIGEST_SHA256) {
            crypto_hash_sha256_init(&d->st.sha256);
        } else {
            crypto_hash_sha512_init(&d->st.sha512);
        }
    }
    if (decode_value(d, label + colon + 1, label_len - colon - 1) != 0) {
        /* the computed label is then written as WARC tools write it */
        d->enc = QUIRE__DENC_BASE32;
        d->lower = d->url = 0;
        d->pad = 1;
        d->status = QUIRE_E_WARC;
    }
    return d->status;
}

void
quire__pdigest_update(quire__pdigest *d, const uint8_t *p, size_t n)
{
    if (n == 0) {
        return;
    }
    switch (d->alg) {
    case QUIRE__DIGEST_SHA1: quire__sha1_update(&d->st.sha1, p, n); break;
    case QUIRE__DIGEST_SHA256: crypto_hash_sha256_update(&d->st.sha256, p, n); break;
    case QUIRE__DIGEST_SHA512: crypto_hash_sha512_update(&d->st.sha512, p, n); break;
    default: break;
    }
}

/* Writes the value of got[0..len) as d's label wrote its own into out (at
 * least 2 * QUIRE__DIGEST_MAX + 1 bytes); returns the length. */
static size_t
encode_value(const quire__pdigest *d, const uint8_t *got, char *out)
{
    static const char hx[] = "0123456789abcdef0123456789ABCDEF";
    static const char b64s[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    static const char b64u[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    size_t i, o = 0;
    if (d->enc == QUIRE__DENC_HEX) {
        size_t up = d->lower ? 0 : 16;
        for (i = 0; i < d->len; i++) {
            out[o++] = hx[up + (got[i] >> 4)];
            out[o++] = hx[up + (got[i] & 15)];
        }
    } else if (d->enc == QUIRE__DENC_BASE64) {
        const char *a = d->url ? b64u : b64s;
        uint32_t acc = 0;
        unsigned bits = 0;
        for (i = 0; i < d->len; i++) {
            acc = (acc << 8) | got[i];
            bits += 8;
            while (bits >= 6) {
                out[o++] = a[(acc >> (bits - 6)) & 63];
                bits -= 6;
            }
            acc &= (1u << bits) - 1;
        }
        if (bits > 0) {
            out[o++] = a[(acc << (6 - bits)) & 63];
        }
        while (d->pad && o % 4 != 0) {
            out[o++] = '=';
        }
    } else {
        o = quire__base32_encode(out, 2 * QUIRE__DIGEST_MAX + 1, got, d->len);
        while (!d->pad && o > 0 && out[o - 1] == '=') {
            o--;
        }
        for (i = 0; d->lower && i < o; i++) {
            if (out[i] >= 'A' && out[i] <= 'Z') {
                out[i] = (char)(out[i] + ('a' - 'A'));
            }
        }
    }
    out[o] = '\0';
    return o;
}

int
quire__pdigest_final(quire__pdigest *d, char *computed, size_t computed_cap)
{
    uint8_t got[QUIRE__DIGEST_MAX];
    char val[2 * QUIRE__DIGEST_MAX + 1];
    size_t name_len = strlen(d->name), vlen;
    int match;
    if (computed_cap > 0) {
        computed[0] = '\0';
    }
    switch (d->alg) {
    case QUIRE__DIGEST_SHA1: quire__sha1_final(&d->st.sha1, got); break;
    case QUIRE__DIGEST_SHA256: crypto_hash_sha256_final(&d->st.sha256, got); break;
    case QUIRE__DIGEST_SHA512: crypto_hash_sha512_final(&d->st.sha512, got); break;
    default: return d->status;
    }
    vlen = encode_value(d, got, val);
    if (computed_cap > name_len + 1 + vlen) {
        memcpy(computed, d->name, name_len);
        computed[name_len] = ':';
        memcpy(computed + name_len + 1, val, vlen + 1);
    }
    if (d->status != 0) {
        return d->status;
    }
    match = sodium_memcmp(got, d->expect, d->len) == 0;
    return match ? 1 : 0;
}

int
quire__payload_digest_check(const uint8_t *label, size_t label_len, const uint8_t *payload,
                            size_t len, char *computed, size_t computed_cap)
{
    quire__pdigest d;
    (void)quire__pdigest_init(&d, label, label_len);
    quire__pdigest_update(&d, payload, len);
    return quire__pdigest_final(&d, computed, computed_cap);
}
