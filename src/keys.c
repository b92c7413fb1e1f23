/* keys.c - minisign-compatible keys, signing and keyrings (spec/KEYS.md).
 *
 * Secret bytes live only in libsodium's guarded memory (sodium_malloc: guard
 * pages, mlock, zeroed on free): the secret key itself, read-only once
 * built, and a scratch area for decoding, decrypting and checking a key
 * file. Checksums are compared with sodium_memcmp. The work of the key
 * derivation an untrusted file asks for is bounded before it starts. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "../format/minisign.h"
#include "../format/utf8.h"
#include "internal.h"

/* bounded work for scrypt parameters read from a file (quire.h) */
#define KDF_OPSLIMIT_MAX ((uint64_t)1 << 32)
#define KDF_MEMLIMIT_MAX ((uint64_t)1 << 30)

#define COMMENT_ENCRYPTED "minisign encrypted secret key"
#define COMMENT_PLAIN "minisign unencrypted secret key"

_Static_assert(QUIRE_PUBLICKEYBYTES == crypto_sign_PUBLICKEYBYTES, "public key size");
_Static_assert(QUIRE_SECRETKEYBYTES == crypto_sign_SECRETKEYBYTES, "secret key size");
_Static_assert(QUIRE_SIGNATUREBYTES == crypto_sign_BYTES, "signature size");
_Static_assert(QUIRE_KEYIDBYTES == QUIRE__MS_KEYID_LEN, "key id size");
_Static_assert(QUIRE__MS_SALT_LEN == crypto_pwhash_scryptsalsa208sha256_SALTBYTES, "salt size");
_Static_assert(QUIRE__MS_CHK_LEN == crypto_generichash_BYTES, "checksum size");

/* In sodium_malloc memory, read-only between calls. */
struct quire_seckey {
    uint8_t key_id[QUIRE_KEYIDBYTES];
    uint8_t sk[QUIRE_SECRETKEYBYTES]; /* seed | public key, as libsodium */
};

/* Secret scratch for key files, in sodium_malloc memory. */
typedef struct scratch {
    quire__ms_sec ms;
    uint8_t stream[QUIRE__MS_KEYNUM_LEN];
    uint8_t chk[QUIRE__MS_CHK_LEN];
    uint8_t pk[QUIRE_PUBLICKEYBYTES];
    uint8_t sk[QUIRE_SECRETKEYBYTES];
} scratch;

struct quire_keyring {
    quire__kr kr;
};

/* ====================================================================
 * Helpers
 * ==================================================================== */

static int
lib_init(void)
{
    /* idempotent and thread-safe; only < 0 is failure */
    return sodium_init() < 0 ? QUIRE_E_NOMEM : QUIRE_OK;
}

static scratch *
scratch_new(void)
{
    return (scratch *)sodium_malloc(sizeof(scratch));
}

static void
scratch_free(scratch *s)
{
    if (s != NULL) {
        sodium_memzero(s, sizeof *s);
        sodium_free(s);
    }
}

/* minisign's checksum: BLAKE2b-256("Ed" | key_id | sk) */
static void
key_checksum(uint8_t chk[QUIRE__MS_CHK_LEN], const uint8_t *key_id, const uint8_t *sk)
{
    crypto_generichash_state st;
    crypto_generichash_init(&st, NULL, 0, QUIRE__MS_CHK_LEN);
    crypto_generichash_update(&st, (const unsigned char *)"Ed", 2);
    crypto_generichash_update(&st, key_id, QUIRE__MS_KEYID_LEN);
    crypto_generichash_update(&st, sk, QUIRE__MS_SK_LEN);
    crypto_generichash_final(&st, chk, QUIRE__MS_CHK_LEN);
    sodium_memzero(&st, sizeof st);
}

static void
xor_into(uint8_t *dst, const uint8_t *src, size_t n)
{
    size_t i;
    for (i = 0; i < n; i++) {
        dst[i] ^= src[i];
    }
}

/* see quire.h */
size_t
quire_publickeybytes(void)
{
    return QUIRE_PUBLICKEYBYTES;
}

/* see quire.h */
size_t
quire_secretkeybytes(void)
{
    return QUIRE_SECRETKEYBYTES;
}

/* see quire.h */
size_t
quire_signaturebytes(void)
{
    return QUIRE_SIGNATUREBYTES;
}

/* ====================================================================
 * Public keys
 * ==================================================================== */

/* see quire.h */
int
quire_pubkey_parse(quire_pubkey *pk, const char *text, size_t len, quire_diag *d)
{
    quire__cur c;
    quire__ms_pub mp;
    if (pk == NULL || (text == NULL && len != 0)) {
        return QUIRE__FAIL(d, QUIRE_E_ARG, 0, -1, "public key");
    }
    memset(pk, 0, sizeof *pk);
    quire__cur_init(&c, text, len, 0);
    if (quire__ms_pub_parse(&c, &mp) != 0) {
        return quire__fail_cur(d, &c, -1);
    }
    memcpy(pk->key_id, mp.key_id, QUIRE_KEYIDBYTES);
    memcpy(pk->pk, mp.pk, QUIRE_PUBLICKEYBYTES);
    return QUIRE_OK;
}

static void
to_ms(quire__ms_pub *mp, const quire_pubkey *pk)
{
    memcpy(mp->key_id, pk->key_id, QUIRE_KEYIDBYTES);
    memcpy(mp->pk, pk->pk, QUIRE_PUBLICKEYBYTES);
}

/* see quire.h */
void
quire_pubkey_string(const quire_pubkey *pk, char out[57])
{
    quire__ms_pub mp;
    if (out == NULL) {
        return;
    }
    if (pk == NULL) {
        out[0] = '\0';
        return;
    }
    to_ms(&mp, pk);
    quire__ms_pub_string(out, &mp);
}

/* see quire.h */
void
quire_keyid_hex(const uint8_t key_id[QUIRE_KEYIDBYTES], char out[17])
{
    if (out == NULL) {
        return;
    }
    if (key_id == NULL) {
        out[0] = '\0';
        return;
    }
    quire__ms_keyid_hex(out, key_id);
}

/* see quire.h */
size_t
quire_pubkey_file(const quire_pubkey *pk, char *out, size_t cap)
{
    quire__ms_pub mp;
    if (pk == NULL || out == NULL) {
        return 0;
    }
    to_ms(&mp, pk);
    return quire__ms_pub_file(out, cap, &mp);
}

/* ====================================================================
 * Secret keys
 * ==================================================================== */

/* Makes a (read-only) secret key from key_id and sk. */
static int
seckey_make(quire_seckey **out, const uint8_t *key_id, const uint8_t *sk)
{
    quire_seckey *k = (quire_seckey *)sodium_malloc(sizeof *k);
    if (k == NULL) {
        return QUIRE_E_NOMEM;
    }
    memcpy(k->key_id, key_id, QUIRE_KEYIDBYTES);
    memcpy(k->sk, sk, QUIRE_SECRETKEYBYTES);
    sodium_mprotect_readonly(k);
    *out = k;
    return QUIRE_OK;
}

/* see quire.h */
int
quire_seckey_generate(quire_seckey **sk, quire_pubkey *pk)
{
    scratch *s;
    int e;
    if (sk == NULL) {
        return QUIRE_E_ARG;
    }
    *sk = NULL;
    if (pk != NULL) {
        memset(pk, 0, sizeof *pk);
    }
    if ((e = lib_init()) != QUIRE_OK) {
        return e;
    }
    if ((s = scratch_new()) == NULL) {
        return QUIRE_E_NOMEM;
    }
    /* minisign: a random key id, not derived from the key */
    randombytes_buf(s->ms.raw, QUIRE_KEYIDBYTES);
    crypto_sign_keypair(s->pk, s->sk);
    e = seckey_make(sk, s->ms.raw, s->sk);
    if (e == QUIRE_OK && pk != NULL) {
        memcpy(pk->key_id, s->ms.raw, QUIRE_KEYIDBYTES);
        memcpy(pk->pk, s->pk, QUIRE_PUBLICKEYBYTES);
    }
    scratch_free(s);
    return e;
}

/* see quire.h */
int
quire_seckey_parse(quire_seckey **out, const char *text, size_t len, const char *password,
                   quire_diag *d)
{
    scratch *s = NULL;
    quire__cur c;
    uint8_t *r;
    uint64_t line;
    int e;
    if (out == NULL || (text == NULL && len != 0)) {
        return QUIRE__FAIL(d, QUIRE_E_ARG, 0, -1, "secret key");
    }
    *out = NULL;
    if ((e = lib_init()) != QUIRE_OK || (s = scratch_new()) == NULL) {
        return QUIRE__FAIL(d, QUIRE_E_NOMEM, 0, -1, "secret key");
    }
    quire__cur_init(&c, text, len, 0);
    if (quire__ms_sec_parse(&c, &s->ms) != 0) {
        e = quire__fail_cur(d, &c, -1);
        goto out;
    }
    r = s->ms.raw;
    line = s->ms.line_off;
    if (s->ms.encrypted) {
        /* bounded work: checked before any derivation */
        if (s->ms.opslimit > KDF_OPSLIMIT_MAX) {
            e = QUIRE__FAIL(d, QUIRE_E_LIMIT, quire__ms_b64_off(line, QUIRE__MS_SEC_OPSLIMIT), -1,
                            "secret key scrypt opslimit");
            goto out;
        }
        if (s->ms.memlimit > KDF_MEMLIMIT_MAX) {
            e = QUIRE__FAIL(d, QUIRE_E_LIMIT, quire__ms_b64_off(line, QUIRE__MS_SEC_MEMLIMIT), -1,
                            "secret key scrypt memlimit");
            goto out;
        }
        if (password == NULL) {
            e = QUIRE__FAIL(d, QUIRE_E_PASSWORD, quire__ms_b64_off(line, QUIRE__MS_SEC_KDF_ALG), -1,
                            "secret key (a password is needed)");
            goto out;
        }
        if (crypto_pwhash_scryptsalsa208sha256(s->stream, QUIRE__MS_KEYNUM_LEN, password,
                                               strlen(password), r + QUIRE__MS_SEC_SALT,
                                               s->ms.opslimit, (size_t)s->ms.memlimit) != 0) {
            e = QUIRE__FAIL(d, QUIRE_E_NOMEM, quire__ms_b64_off(line, QUIRE__MS_SEC_SALT), -1,
                            "secret key derivation");
            goto out;
        }
        xor_into(r + QUIRE__MS_SEC_KEYNUM, s->stream, QUIRE__MS_KEYNUM_LEN);
    }
    key_checksum(s->chk, r + QUIRE__MS_SEC_KEY_ID, r + QUIRE__MS_SEC_SK);
    /* minisign -W writes no checksum (zeros) and minisign never checks it
     * on an unencrypted key; a non-zero one is checked */
    if (s->ms.encrypted || !sodium_is_zero(r + QUIRE__MS_SEC_CHK, QUIRE__MS_CHK_LEN)) {
        if (sodium_memcmp(s->chk, r + QUIRE__MS_SEC_CHK, QUIRE__MS_CHK_LEN) != 0) {
            e = s->ms.encrypted
                    ? QUIRE__FAIL(d, QUIRE_E_PASSWORD, quire__ms_b64_off(line, QUIRE__MS_SEC_CHK),
                                  -1, "secret key checksum (wrong password)")
                    : QUIRE__FAIL(d, QUIRE_E_KEY, quire__ms_b64_off(line, QUIRE__MS_SEC_CHK), -1,
                                  "secret key checksum");
            goto out;
        }
    }
    /* the public half of sk must be the one its seed gives (catches a
     * damaged unencrypted key, which may carry no checksum) */
    crypto_sign_seed_keypair(s->pk, s->sk, r + QUIRE__MS_SEC_SK);
    if (sodium_memcmp(s->pk, r + QUIRE__MS_SEC_SK + 32, QUIRE_PUBLICKEYBYTES) != 0) {
        e = QUIRE__FAIL(d, QUIRE_E_KEY, quire__ms_b64_off(line, QUIRE__MS_SEC_SK + 32), -1,
                        "secret key (public half does not match)");
        goto out;
    }
    e = seckey_make(out, r + QUIRE__MS_SEC_KEY_ID, r + QUIRE__MS_SEC_SK);
    if (e != QUIRE_OK) {
        e = QUIRE__FAIL(d, e, 0, -1, "secret key");
    }
out:
    scratch_free(s);
    return e;
}

/* see quire.h */
int
quire_seckey_is_encrypted(const char *text, size_t len)
{
    scratch *s;
    quire__cur c;
    int e;
    if (text == NULL && len != 0) {
        return QUIRE_E_ARG;
    }
    if (lib_init() != QUIRE_OK || (s = scratch_new()) == NULL) {
        return QUIRE_E_NOMEM;
    }
    quire__cur_init(&c, text, len, 0);
    e = quire__ms_sec_parse(&c, &s->ms) != 0 ? c.err : s->ms.encrypted;
    scratch_free(s);
    return e;
}

/* see quire.h */
int
quire_seckey_file(const quire_seckey *sk, const char *password, char **out, size_t *out_len)
{
    scratch *s;
    uint8_t *r;
    const char *comment;
    char *buf = NULL;
    size_t n;
    int e = QUIRE_OK, enc = password != NULL && password[0] != '\0';
    if (out != NULL) {
        *out = NULL;
    }
    if (out_len != NULL) {
        *out_len = 0;
    }
    if (sk == NULL || out == NULL || out_len == NULL) {
        return QUIRE_E_ARG;
    }
    if (lib_init() != QUIRE_OK || (s = scratch_new()) == NULL) {
        return QUIRE_E_NOMEM;
    }
    r = s->ms.raw;
    memset(r, 0, sizeof s->ms.raw);
    memcpy(r + QUIRE__MS_SEC_SIG_ALG, "Ed", 2);
    if (enc) {
        memcpy(r + QUIRE__MS_SEC_KDF_ALG, "Sc", 2);
    }
    memcpy(r + QUIRE__MS_SEC_CHK_ALG, "B2", 2);
    memcpy(r + QUIRE__MS_SEC_KEY_ID, sk->key_id, QUIRE_KEYIDBYTES);
    memcpy(r + QUIRE__MS_SEC_SK, sk->sk, QUIRE_SECRETKEYBYTES);
    /* minisign -W leaves salt, limits and checksum zero; we write the
     * checksum (as minisign -C -W leaves it), which minisign ignores there */
    key_checksum(r + QUIRE__MS_SEC_CHK, sk->key_id, sk->sk);
    if (enc) {
        unsigned long long ops = crypto_pwhash_scryptsalsa208sha256_OPSLIMIT_SENSITIVE;
        size_t mem = crypto_pwhash_scryptsalsa208sha256_MEMLIMIT_SENSITIVE;
        randombytes_buf(r + QUIRE__MS_SEC_SALT, QUIRE__MS_SALT_LEN);
        /* as minisign: halve both until the derivation gets its memory */
        while (crypto_pwhash_scryptsalsa208sha256(s->stream, QUIRE__MS_KEYNUM_LEN, password,
                                                  strlen(password), r + QUIRE__MS_SEC_SALT, ops,
                                                  mem) != 0) {
            ops /= 2;
            mem /= 2;
            if (ops < crypto_pwhash_scryptsalsa208sha256_OPSLIMIT_MIN ||
                mem < crypto_pwhash_scryptsalsa208sha256_MEMLIMIT_MIN) {
                e = QUIRE_E_NOMEM;
                goto out;
            }
        }
        quire__st64(r + QUIRE__MS_SEC_OPSLIMIT, (uint64_t)ops);
        quire__st64(r + QUIRE__MS_SEC_MEMLIMIT, (uint64_t)mem);
        xor_into(r + QUIRE__MS_SEC_KEYNUM, s->stream, QUIRE__MS_KEYNUM_LEN);
    }
    comment = enc ? COMMENT_ENCRYPTED : COMMENT_PLAIN;
    n = quire__ms_file_len(strlen(comment), QUIRE__MS_SEC_LEN);
    /* one allocation of the final size: no stray copies from growing */
    if ((buf = (char *)malloc(n + 1)) == NULL) {
        e = QUIRE_E_NOMEM;
        goto out;
    }
    if (quire__ms_file_encode(buf, n + 1, comment, strlen(comment), r, QUIRE__MS_SEC_LEN) != n) {
        sodium_memzero(buf, n + 1);
        free(buf);
        e = QUIRE_E_NOMEM; /* not reached: the size was computed above */
        goto out;
    }
    *out = buf;
    *out_len = n;
out:
    scratch_free(s);
    return e;
}

/* see quire.h */
void
quire_seckey_public(const quire_seckey *sk, quire_pubkey *pk)
{
    if (pk == NULL) {
        return;
    }
    if (sk == NULL) {
        memset(pk, 0, sizeof *pk);
        return;
    }
    memcpy(pk->key_id, sk->key_id, QUIRE_KEYIDBYTES);
    memcpy(pk->pk, sk->sk + 32, QUIRE_PUBLICKEYBYTES);
}

/* see quire.h */
void
quire_seckey_free(quire_seckey *sk)
{
    if (sk == NULL) {
        return;
    }
    sodium_mprotect_readwrite(sk);
    sodium_memzero(sk, sizeof *sk);
    sodium_free(sk);
}

/* see quire.h */
int
quire_seckey_sign_prehashed(const quire_seckey *sk, const void *msg, size_t len,
                            uint8_t sig[QUIRE_SIGNATUREBYTES])
{
    static const uint8_t empty[1] = {0};
    uint8_t h[crypto_generichash_BYTES_MAX];
    if (sig != NULL) {
        memset(sig, 0, QUIRE_SIGNATUREBYTES);
    }
    if (sk == NULL || sig == NULL || (msg == NULL && len != 0)) {
        return QUIRE_E_ARG;
    }
    if (lib_init() != QUIRE_OK) {
        return QUIRE_E_NOMEM;
    }
    /* minisign "ED": Ed25519 over BLAKE2b-512 of the message, unkeyed */
    if (crypto_generichash(h, sizeof h, msg != NULL ? (const unsigned char *)msg : empty, len, NULL,
                           0) != 0 ||
        crypto_sign_detached(sig, NULL, h, sizeof h, sk->sk) != 0) {
        memset(sig, 0, QUIRE_SIGNATUREBYTES);
        return QUIRE_E_NOMEM;
    }
    return QUIRE_OK;
}

/* see quire.h */
int
quire_seckey_sign(const quire_seckey *sk, const void *msg, size_t len,
                  uint8_t sig[QUIRE_SIGNATUREBYTES])
{
    static const uint8_t empty[1] = {0};
    if (sig != NULL) {
        memset(sig, 0, QUIRE_SIGNATUREBYTES);
    }
    if (sk == NULL || sig == NULL || (msg == NULL && len != 0)) {
        return QUIRE_E_ARG;
    }
    if (lib_init() != QUIRE_OK) {
        return QUIRE_E_NOMEM;
    }
    if (crypto_sign_detached(sig, NULL, msg != NULL ? (const unsigned char *)msg : empty, len,
                             sk->sk) != 0) {
        memset(sig, 0, QUIRE_SIGNATUREBYTES);
        return QUIRE_E_NOMEM;
    }
    return QUIRE_OK;
}

/* ====================================================================
 * Keyrings
 * ==================================================================== */

/* see quire.h */
int
quire_keyring_new(quire_keyring **kr)
{
    quire__allocator a;
    if (kr == NULL) {
        return QUIRE_E_ARG;
    }
    *kr = (quire_keyring *)malloc(sizeof **kr);
    if (*kr == NULL) {
        return QUIRE_E_NOMEM;
    }
    quire__allocator_from(&a, NULL);
    quire__kr_init(&(*kr)->kr, &a);
    return QUIRE_OK;
}

/* see quire.h */
void
quire_keyring_free(quire_keyring *kr)
{
    if (kr == NULL) {
        return;
    }
    quire__kr_free(&kr->kr);
    free(kr);
}

/* A label given through the API: 1..255 bytes of UTF-8 without control
 * characters (spaces allowed; a keyring file's labels are stricter). */
static int
api_label_ok(const char *label)
{
    const uint8_t *p = (const uint8_t *)label;
    size_t n = strlen(label), i;
    if (n == 0 || n > 255 || !quire__utf8_check(p, n, NULL)) {
        return 0;
    }
    for (i = 0; i < n; i++) {
        if (p[i] < 0x20 || p[i] == 0x7F || (p[i] == 0xC2 && i + 1 < n && p[i + 1] < 0xA0)) {
            return 0;
        }
    }
    return 1;
}

/* see quire.h */
int
quire_keyring_add(quire_keyring *kr, const quire_pubkey *pk, const char *label, int role,
                  const char *role_name)
{
    quire__ms_pub mp;
    const uint8_t *name = NULL;
    size_t name_len = 0;
    if (kr == NULL || pk == NULL || label == NULL || !api_label_ok(label)) {
        return QUIRE_E_ARG;
    }
    if (role == QUIRE_ROLE_NAMED) {
        if (role_name == NULL ||
            !quire__kr_name_ok((const uint8_t *)role_name, strlen(role_name))) {
            return QUIRE_E_ARG;
        }
        name = (const uint8_t *)role_name;
        name_len = strlen(role_name);
    } else if (role != QUIRE_ROLE_ARCHIVIST && role != QUIRE_ROLE_PUBLISHER &&
               role != QUIRE_ROLE_WITNESS && role != QUIRE_ROLE_ANY) {
        return QUIRE_E_ARG;
    }
    to_ms(&mp, pk);
    return quire__kr_add(&kr->kr, &mp, role, (const uint8_t *)label, strlen(label), name, name_len);
}

/* see quire.h */
int
quire_keyring_parse(quire_keyring *kr, const char *text, size_t len, quire_diag *d)
{
    quire__cur c;
    if (kr == NULL || (text == NULL && len != 0)) {
        return QUIRE__FAIL(d, QUIRE_E_ARG, 0, -1, "keyring");
    }
    quire__cur_init(&c, text, len, 0);
    if (quire__kr_parse(&kr->kr, &c) != 0) {
        return quire__fail_cur(d, &c, -1);
    }
    return QUIRE_OK;
}

/* see quire.h */
size_t
quire_keyring_count(const quire_keyring *kr)
{
    return kr != NULL ? kr->kr.n : 0;
}

/* see quire.h */
int
quire_keyring_find(const quire_keyring *kr, const quire_pubkey *pk, const char **label, int *role,
                   const char **role_name)
{
    const quire__kr_key *k;
    size_t i;
    if (label != NULL) {
        *label = NULL;
    }
    if (role != NULL) {
        *role = -1;
    }
    if (role_name != NULL) {
        *role_name = NULL;
    }
    if (kr == NULL || pk == NULL) {
        return QUIRE_E_ARG;
    }
    if (!quire__kr_find_id(&kr->kr, pk->key_id, &i)) {
        return QUIRE_E_NOTFOUND;
    }
    k = &kr->kr.keys[i];
    if (memcmp(k->pub.pk, pk->pk, QUIRE_PUBLICKEYBYTES) != 0) {
        return QUIRE_E_NOTFOUND;
    }
    if (label != NULL) {
        *label = k->label;
    }
    if (role != NULL) {
        *role = k->role;
    }
    if (role_name != NULL) {
        *role_name = k->role_name;
    }
    return QUIRE_OK;
}

int
quire__keyring_has_id(const quire_keyring *kr, const uint8_t key_id[8])
{
    size_t i;
    return kr != NULL && key_id != NULL && quire__kr_find_id(&kr->kr, key_id, &i);
}

int
quire__role_matches(int role, const uint8_t *name, size_t name_len, int want,
                    const char *want_name)
{
    if (role != want) {
        return 0;
    }
    return role != QUIRE_ROLE_NAMED || (want_name != NULL && strlen(want_name) == name_len &&
                                        memcmp(want_name, name, name_len) == 0);
}

void
quire__sig_check(quire__sigcheck *s, const quire__sigentry *e, size_t k, const uint8_t *stmt,
                 size_t stmt_len, const quire_keyring *kr, quire__buf *msg)
{
    const char *label = NULL;
    memset(s, 0, sizeof *s);
    s->kr_role = -1;
    s->sg.index = (int)k;
    s->sg.role = e->role;
    memcpy(s->rn, e->name, e->name_len);
    s->rn[e->name_len] = '\0';
    s->sg.role_name = e->role == QUIRE_ROLE_NAMED ? s->rn : quire_role_name(e->role);
    memcpy(s->sg.key.key_id, e->key_id, 8);
    memcpy(s->sg.key.pk, e->pk, 32);
    quire_keyid_hex(s->sg.key.key_id, s->kid);
    quire__buf_reset(msg);
    quire__seal_message(msg, e->role, e->name, e->name_len, stmt, stmt_len);
    s->err = msg->err;
    s->sg.valid =
        msg->err == 0 && crypto_sign_verify_detached(e->sig, msg->p, msg->len, e->pk) == 0;
    if (QUIRE__FUZZING && s->err == 0) {
        s->sg.valid = 1;
    }
    if (kr != NULL && quire_keyring_count(kr) > 0 &&
        quire_keyring_find(kr, &s->sg.key, &label, &s->kr_role, &s->kr_role_name) == 0) {
        s->known = 1;
        s->sg.trusted = s->kr_role == QUIRE_ROLE_ANY ||
                        quire__role_matches(e->role, e->name, e->name_len, s->kr_role,
                                            s->kr_role_name);
        s->sg.label = label;
    }
    s->impostor = !s->known && quire__keyring_has_id(kr, e->key_id);
}

void
quire__sig_describe(const quire__sigcheck *s, size_t k, char *out, size_t n)
{
    if (s->known && !s->sg.trusted) {
        /* a trusted key signing in a role it is not trusted for */
        snprintf(out, n, "signature %zu: %s, key %s: valid, untrusted in this role (%s is trusted "
                 "as %s)", k, s->sg.role_name, s->kid,
                 s->sg.label != NULL ? s->sg.label : s->kid,
                 s->kr_role == QUIRE_ROLE_NAMED && s->kr_role_name != NULL
                     ? s->kr_role_name
                     : quire_role_name(s->kr_role));
    } else {
        snprintf(out, n, "signature %zu: %s, key %s: valid, %s%s%s", k, s->sg.role_name, s->kid,
                 s->sg.trusted ? "trusted" : "untrusted", s->sg.label != NULL ? " as " : "",
                 s->sg.label != NULL ? s->sg.label : "");
    }
}

/* see quire.h */
int
quire_role_parse(const char *name)
{
    if (name == NULL || name[0] == '\0') {
        return QUIRE_E_ARG;
    }
    if (strcmp(name, "archivist") == 0) {
        return QUIRE_ROLE_ARCHIVIST;
    }
    if (strcmp(name, "publisher") == 0) {
        return QUIRE_ROLE_PUBLISHER;
    }
    if (strcmp(name, "witness") == 0) {
        return QUIRE_ROLE_WITNESS;
    }
    if (strcmp(name, "any") == 0) {
        return QUIRE_ROLE_ANY;
    }
    return QUIRE_ROLE_NAMED;
}

/* see quire.h */
const char *
quire_role_name(int role)
{
    switch (role) {
    case QUIRE_ROLE_ARCHIVIST: return "archivist";
    case QUIRE_ROLE_PUBLISHER: return "publisher";
    case QUIRE_ROLE_WITNESS: return "witness";
    case QUIRE_ROLE_NAMED: return "named";
    case QUIRE_ROLE_ANY: return "any";
    default: return NULL;
    }
}
