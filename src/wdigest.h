/*
 * wdigest.h - WARC payload and block digests (spec/WARC.md section 3):
 * SHA-1 (FIPS 180-4), RFC 4648 base32, and the check of a labelled digest
 * such as "sha1:2ROSM3XA...". SHA-256 and SHA-512 come from libsodium.
 *
 * No I/O, no allocation, no global state. Labels are untrusted: every
 * function reads only label[0..label_len) and writes only the caller's
 * buffers within the capacities given.
 */
#ifndef QUIRE_SRC_WDIGEST_H
#define QUIRE_SRC_WDIGEST_H

#include <stddef.h>
#include <stdint.h>

#include <sodium.h>

/* ---- SHA-1 ---- */
#define QUIRE__SHA1_LEN 20

typedef struct quire__sha1 {
    uint32_t h[5];
    uint64_t n_bytes; /* message length so far */
    uint8_t blk[64];
    size_t blk_len;
} quire__sha1;

void quire__sha1_init(quire__sha1 *s);
void quire__sha1_update(quire__sha1 *s, const uint8_t *p, size_t n);
/* Writes the digest; s must be initialized again before reuse. */
void quire__sha1_final(quire__sha1 *s, uint8_t out[QUIRE__SHA1_LEN]);

/* ---- base32, RFC 4648 section 6 ---- */
/* Characters of the padded encoding of n bytes (without a NUL). */
#define QUIRE__BASE32_LEN(n) ((((n) + 4) / 5) * 8)
/* Writes the padded, uppercase encoding of in[0..n) and a NUL into out;
 * returns its length (QUIRE__BASE32_LEN(n)), or 0 with out untouched when
 * cap < QUIRE__BASE32_LEN(n) + 1. 20 bytes (SHA-1) give 32 characters and
 * no padding. */
size_t quire__base32_encode(char *out, size_t cap, const uint8_t *in, size_t n);
/* Decodes in[0..n): upper- or lowercase letters, padding optional but, when
 * present, complete ('=' up to a multiple of 8 characters); the unused bits
 * of the last character must be 0. Returns 0 and *out_len, QUIRE_E_WARC for
 * text that is not such base32, QUIRE_E_LIMIT when more than cap bytes
 * would result (out then holds a partial result). */
int quire__base32_decode(const uint8_t *in, size_t n, uint8_t *out, size_t cap, size_t *out_len);

/* ---- labelled digests: "ALGORITHM:VALUE" (spec 3.1) ----
 * ALGORITHM (ASCII case-insensitive): sha1, sha-1, sha256, sha-256, sha512,
 * sha-512. VALUE: base32 (either case, padding optional), hex (either
 * case) or base64 (standard or URL-safe alphabet, padding optional); the
 * encoding is told by the length, which differs for every pair. */
#define QUIRE__DIGEST_SHA1 1
#define QUIRE__DIGEST_SHA256 2
#define QUIRE__DIGEST_SHA512 3
#define QUIRE__DIGEST_MAX 64
/* longest label written: "sha-512:" and 128 hex digits, and a NUL */
#define QUIRE__DIGEST_LABEL_MAX 160

#define QUIRE__DENC_BASE32 1
#define QUIRE__DENC_HEX 2
#define QUIRE__DENC_BASE64 3

typedef struct quire__pdigest {
    int status;    /* 0, QUIRE_E_FEATURE or QUIRE_E_WARC: what init returned */
    int alg;       /* QUIRE__DIGEST_* or 0 when unknown */
    int enc;       /* QUIRE__DENC_*: how the label wrote the value */
    int lower;     /* letters in lowercase (base32, hex) */
    int pad;       /* '=' padding present (base32, base64) */
    int url;       /* base64 URL-safe alphabet */
    char name[16]; /* the algorithm name as written, NUL-terminated */
    uint8_t expect[QUIRE__DIGEST_MAX];
    size_t len; /* digest length of alg */
    union {
        quire__sha1 sha1;
        crypto_hash_sha256_state sha256;
        crypto_hash_sha512_state sha512;
    } st;
} quire__pdigest;

/* Starts checking data against a label. Returns 0; QUIRE_E_FEATURE for an
 * algorithm name that is not supported (update then does nothing); or
 * QUIRE_E_WARC for a malformed label: no colon, an empty or non-token
 * algorithm name, or a value of a supported algorithm that is none of the
 * encodings (hashing then still runs and the computed label is written in
 * padded uppercase base32); QUIRE_E_NOMEM if libsodium cannot start. */
int quire__pdigest_init(quire__pdigest *d, const uint8_t *label, size_t label_len);
void quire__pdigest_update(quire__pdigest *d, const uint8_t *p, size_t n);
/* Finishes: 1 if the data matches the label, 0 if not, or the nonzero code
 * init returned. Writes the computed label ("name:value", the label's
 * algorithm name and encoding, NUL-terminated) into computed when the
 * algorithm is known and it fits in computed_cap bytes (needs at most
 * QUIRE__DIGEST_LABEL_MAX); otherwise an empty string if computed_cap > 0.
 * computed may be NULL when computed_cap is 0. */
int quire__pdigest_final(quire__pdigest *d, char *computed, size_t computed_cap);

/* The three steps at once over payload[0..len). Same returns. */
int quire__payload_digest_check(const uint8_t *label, size_t label_len, const uint8_t *payload,
                                size_t len, char *computed, size_t computed_cap);

#endif
