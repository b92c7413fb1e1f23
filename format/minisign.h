/*
 * minisign.h - minisign key files, key strings and keyrings, at the byte
 * level (spec/KEYS.md).
 *
 * No I/O, no cryptography, no libsodium. Every byte of input is read through
 * a quire__cur; every failure is QUIRE_E_KEY (or QUIRE_E_LIMIT /
 * QUIRE_E_NOMEM for keyrings) with the absolute offset of the offending byte
 * in the cursor. Secret bytes are decoded straight into memory the caller
 * provides (src/keys.c places it in libsodium's guarded memory); nothing
 * here copies them elsewhere.
 *
 * Layouts (minisign 0.11, little-endian integers):
 *   file       "untrusted comment: " TEXT LF, then one base64 line, then an
 *              optional line end. The comment line is at most 1024 bytes
 *              (line end excluded); CRLF is accepted for either line.
 *   public key "Ed" | key_id[8] | pk[32]                      42 bytes, 56 chars
 *   secret key "Ed" | kdf "Sc" or {0,0} | "B2" | salt[32] | opslimit u64 |
 *              memlimit u64 | key_id[8] | sk[64] | chk[32]   158 bytes, 212 chars
 *              key_id | sk | chk (104 bytes) is XORed with the scrypt stream
 *              when kdf is "Sc"; chk = BLAKE2b-256("Ed" | key_id | sk).
 */
#ifndef QUIRE_FORMAT_MINISIGN_H
#define QUIRE_FORMAT_MINISIGN_H

#include <stddef.h>
#include <stdint.h>

#include "cursor.h"

/* ---- base64 (RFC 4648 section 4, padded, canonical) ---- */

/* Characters needed to encode n bytes (without a NUL). */
#define QUIRE__B64_LEN(n) ((((n) + 2) / 3) * 4)
/* Writes QUIRE__B64_LEN(n) characters (no NUL) to out. Constant time in the
 * byte values. */
void quire__b64_encode(char *out, const uint8_t *in, size_t n);
/* Decodes the next n characters of c into out (capacity cap); *out_len
 * receives the byte count. Strict: n is a multiple of 4, only the alphabet,
 * '=' only as the padding of the last group, unused bits of the last
 * character zero. On failure returns code (the cursor records it at the
 * offending character) and out may hold a partial result. */
int quire__b64_decode(quire__cur *c, size_t n, uint8_t *out, size_t cap, size_t *out_len, int code,
                      const char *what);

/* ---- key files ---- */
#define QUIRE__MS_PREFIX "untrusted comment: "
#define QUIRE__MS_PREFIX_LEN 19
#define QUIRE__MS_LINE_MAX 1024 /* comment line, prefix included, line end excluded */

#define QUIRE__MS_KEYID_LEN 8
#define QUIRE__MS_PK_LEN 32
#define QUIRE__MS_SK_LEN 64
#define QUIRE__MS_SALT_LEN 32
#define QUIRE__MS_CHK_LEN 32

#define QUIRE__MS_PUB_LEN 42 /* "Ed" | key_id | pk */
#define QUIRE__MS_PUB_B64 56
#define QUIRE__MS_SEC_LEN 158
#define QUIRE__MS_SEC_B64 212
/* byte offsets in the decoded secret key */
#define QUIRE__MS_SEC_SIG_ALG 0
#define QUIRE__MS_SEC_KDF_ALG 2
#define QUIRE__MS_SEC_CHK_ALG 4
#define QUIRE__MS_SEC_SALT 6
#define QUIRE__MS_SEC_OPSLIMIT 38
#define QUIRE__MS_SEC_MEMLIMIT 46
#define QUIRE__MS_SEC_KEYNUM 54 /* key_id | sk | chk, encrypted as one */
#define QUIRE__MS_SEC_KEY_ID 54
#define QUIRE__MS_SEC_SK 62
#define QUIRE__MS_SEC_CHK 126
#define QUIRE__MS_KEYNUM_LEN 104

/* The key id as minisign prints it: a little-endian u64 in 16 uppercase hex
 * digits, and a NUL. */
void quire__ms_keyid_hex(char out[17], const uint8_t key_id[QUIRE__MS_KEYID_LEN]);
/* Absolute offset of the base64 character that holds the first bits of
 * byte b of a key line starting at line_off (for diagnostics). */
static inline uint64_t
quire__ms_b64_off(uint64_t line_off, size_t b)
{
    return line_off + (uint64_t)b * 4 / 3;
}

/* Writes "untrusted comment: COMMENT\n" BASE64(bin) "\n" and a NUL into out.
 * Returns the length without the NUL, or 0 if cap is too small, the
 * comment holds CR or LF, or the comment line would exceed
 * QUIRE__MS_LINE_MAX. */
size_t quire__ms_file_encode(char *out, size_t cap, const char *comment, size_t comment_len,
                             const uint8_t *bin, size_t bin_len);
/* The length quire__ms_file_encode returns for these sizes. */
size_t quire__ms_file_len(size_t comment_len, size_t bin_len);

/* ---- public keys ---- */
typedef struct quire__ms_pub {
    uint8_t key_id[QUIRE__MS_KEYID_LEN];
    uint8_t pk[QUIRE__MS_PK_LEN];
} quire__ms_pub;

/* Decodes a key string: the next 56 characters of c, "Ed" tag checked. */
int quire__ms_pub_decode(quire__cur *c, quire__ms_pub *pub);
/* Parses a whole public key text: a key file (comment line, key line), or
 * the key string alone with an optional line end. The cursor must reach its
 * end. */
int quire__ms_pub_parse(quire__cur *c, quire__ms_pub *pub);
/* Writes the 56-character key string and a NUL. */
void quire__ms_pub_string(char out[QUIRE__MS_PUB_B64 + 1], const quire__ms_pub *pub);
/* Writes a public key file as minisign does ("minisign public key ID"). */
size_t quire__ms_pub_file(char *out, size_t cap, const quire__ms_pub *pub);
#define QUIRE__MS_PUB_FILE_LEN (QUIRE__MS_PREFIX_LEN + 20 + 16 + 1 + QUIRE__MS_PUB_B64 + 1)

/* ---- secret keys ---- */
typedef struct quire__ms_sec {
    uint8_t raw[QUIRE__MS_SEC_LEN]; /* the decoded line, layout above */
    int encrypted;                  /* kdf "Sc" (1) or {0,0} (0) */
    uint64_t opslimit;
    uint64_t memlimit;
    uint64_t line_off; /* absolute offset of the base64 line */
} quire__ms_sec;

/* Parses a secret key file into *sec (the caller's memory): layout and
 * algorithm tags only; no decryption, no checksum. */
int quire__ms_sec_parse(quire__cur *c, quire__ms_sec *sec);

/* ---- keyrings ---- */
#define QUIRE__KR_MAX 65536    /* keys in one keyring */
#define QUIRE__KR_LABEL_MAX 64 /* bytes of a label in a keyring file */
#define QUIRE__KR_NAME_MAX 64  /* bytes of a role name */

typedef struct quire__kr_key {
    quire__ms_pub pub;
    int role;        /* QUIRE_ROLE_* */
    char *label;     /* NUL-terminated, owned */
    char *role_name; /* NUL-terminated, owned, inside the label's allocation;
                        NULL unless role is QUIRE_ROLE_NAMED */
} quire__kr_key;

typedef struct quire__kr {
    quire__allocator a;
    quire__kr_key *keys;
    size_t n, cap;
    /* open addressing, key index + 1 (0 empty), by key id and by public key */
    uint32_t *by_id, *by_pk;
    size_t slots; /* 0 or a power of two, >= 2n */
} quire__kr;

void quire__kr_init(quire__kr *kr, const quire__allocator *a);
void quire__kr_free(quire__kr *kr);
/* 1 if p[0..n) is a role name: 1..64 of [A-Za-z0-9._-]. */
int quire__kr_name_ok(const uint8_t *p, size_t n);
/* 1 if p[0..n) is a keyring file label: 1..64 bytes of UTF-8, no control
 * character, no white space. *bad receives the offset of the first bad
 * byte otherwise. */
int quire__kr_label_ok(const uint8_t *p, size_t n, size_t *bad);
/* Adds a key, copying label and role name (not validated here). Returns
 * QUIRE_E_KEY if the key id or the public key is already present,
 * QUIRE_E_LIMIT beyond QUIRE__KR_MAX keys, QUIRE_E_NOMEM. */
int quire__kr_add(quire__kr *kr, const quire__ms_pub *pub, int role, const uint8_t *label,
                  size_t label_len, const uint8_t *name, size_t name_len);
/* Parses keyring text (lines "ROLE LABEL KEYSTRING", '#' comments, blank
 * lines, LF or CRLF) and adds its keys. On failure the keyring holds what
 * it held before and the cursor has the error. */
int quire__kr_parse(quire__kr *kr, quire__cur *c);
/* Finds the key with this key id: 1 and *i, or 0. */
int quire__kr_find_id(const quire__kr *kr, const uint8_t key_id[QUIRE__MS_KEYID_LEN], size_t *i);

#endif
