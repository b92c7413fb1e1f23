/* fuzz_keys.c - minisign key files, key strings and keyrings: the input is
 * given to quire_pubkey_parse, quire_seckey_is_encrypted, quire_seckey_parse
 * (no password, then the password "x") and quire_keyring_parse.
 *
 * Invariants: failures are QUIRE_E_KEY, QUIRE_E_LIMIT, QUIRE_E_PASSWORD or
 * QUIRE_E_NOMEM with a diag offset inside the input and a name; a parsed
 * public key re-encodes (string and file) to text that parses to the same
 * key; a parsed secret key signs what its public key verifies, and writes a
 * file that parses back to the same key; a failed keyring parse adds
 * nothing.
 *
 * Cost: scrypt runs only for an encrypted key whose declared limits are
 * tiny (opslimit <= 2^16, memlimit <= 16 MiB, a few ms); other encrypted
 * keys are tried with the password only if the library refuses them before
 * deriving (over its 2^32 / 1 GiB bounds). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "cursor.h"
#include "minisign.h"
#include "quire.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FUZZ_OPS_MAX ((uint64_t)1 << 16)
#define FUZZ_MEM_MAX ((uint64_t)16 << 20)
#define LIB_OPS_MAX ((uint64_t)1 << 32)
#define LIB_MEM_MAX ((uint64_t)1 << 30)

static void
check_fail(int e, const quire_diag *d, size_t size, int allow_limit, int allow_password)
{
    if (!(e == QUIRE_E_KEY || e == QUIRE_E_NOMEM || (allow_limit && e == QUIRE_E_LIMIT) ||
          (allow_password && e == QUIRE_E_PASSWORD))) {
        abort();
    }
    if (d->code != e || d->offset > size || d->what == NULL) {
        abort();
    }
}

static void
check_pubkey(const char *text, size_t size)
{
    quire_pubkey pk, back;
    quire_diag d;
    char s[57], file[128];
    size_t n;
    int e;
    memset(&d, 0, sizeof d);
    e = quire_pubkey_parse(&pk, text, size, &d);
    if (e != QUIRE_OK) {
        quire_pubkey zero;
        check_fail(e, &d, size, 0, 0);
        memset(&zero, 0, sizeof zero);
        if (memcmp(&pk, &zero, sizeof pk) != 0) {
            abort(); /* failure leaves the output zeroed */
        }
        return;
    }
    quire_pubkey_string(&pk, s);
    if (strlen(s) != 56 || quire_pubkey_parse(&back, s, 56, NULL) != QUIRE_OK ||
        memcmp(&pk, &back, sizeof pk) != 0) {
        abort();
    }
    n = quire_pubkey_file(&pk, file, sizeof file);
    if (n == 0 || quire_pubkey_parse(&back, file, n, NULL) != QUIRE_OK ||
        memcmp(&pk, &back, sizeof pk) != 0) {
        abort();
    }
}

/* A secret key that parsed: consistent with its public key and its file. */
static void
check_seckey(const quire_seckey *sk)
{
    static const uint8_t msg[] = "quire fuzz";
    quire_seckey *back = NULL;
    quire_pubkey pk, pk2;
    uint8_t sig[64], h[64];
    char *text = NULL;
    size_t len = 0;
    quire_seckey_public(sk, &pk);
    if (quire_seckey_sign(sk, msg, sizeof msg, sig) != QUIRE_OK ||
        crypto_sign_verify_detached(sig, msg, sizeof msg, pk.pk) != 0) {
        abort();
    }
    crypto_generichash(h, sizeof h, msg, sizeof msg, NULL, 0);
    if (quire_seckey_sign_prehashed(sk, msg, sizeof msg, sig) != QUIRE_OK ||
        crypto_sign_verify_detached(sig, h, sizeof h, pk.pk) != 0) {
        abort();
    }
    if (quire_seckey_file(sk, NULL, &text, &len) != QUIRE_OK ||
        quire_seckey_parse(&back, text, len, NULL, NULL) != QUIRE_OK) {
        abort();
    }
    quire_seckey_public(back, &pk2);
    if (memcmp(&pk, &pk2, sizeof pk) != 0) {
        abort();
    }
    quire_seckey_free(back);
    sodium_memzero(text, len);
    free(text);
}

static void
try_seckey(const char *text, size_t size, const char *password, int enc)
{
    quire_seckey *sk = NULL;
    quire_diag d;
    int e;
    memset(&d, 0, sizeof d);
    e = quire_seckey_parse(&sk, text, size, password, &d);
    if (e == QUIRE_OK) {
        if (sk == NULL || enc < 0 || (enc == 1 && password == NULL)) {
            abort();
        }
        check_seckey(sk);
        quire_seckey_free(sk);
        return;
    }
    if (sk != NULL) {
        abort();
    }
    /* limits and passwords concern encrypted keys only */
    check_fail(e, &d, size, enc == 1, enc == 1);
    if (enc == 1 && password == NULL && e != QUIRE_E_LIMIT && e != QUIRE_E_PASSWORD) {
        abort();
    }
}

static void
check_keyring(const char *text, size_t size)
{
    quire_keyring *kr = NULL;
    quire_diag d;
    int e;
    if (quire_keyring_new(&kr) != QUIRE_OK) {
        return;
    }
    memset(&d, 0, sizeof d);
    e = quire_keyring_parse(kr, text, size, &d);
    if (e != QUIRE_OK) {
        check_fail(e, &d, size, 1, 0);
        if (quire_keyring_count(kr) != 0) {
            abort(); /* nothing half-added */
        }
    } else if (quire_keyring_count(kr) > 65536) {
        abort();
    }
    quire_keyring_free(kr);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *text = (const char *)data;
    quire__ms_sec ms;
    quire__cur c;
    int enc, layout, derive_ok;
    if (size > (1u << 20)) {
        return 0;
    }
    if (sodium_init() < 0) {
        abort();
    }
    check_pubkey(text, size);

    enc = quire_seckey_is_encrypted(text, size);
    if (enc != 0 && enc != 1 && enc != QUIRE_E_KEY && enc != QUIRE_E_NOMEM) {
        abort();
    }
    /* the format layer first: what would a derivation cost? */
    quire__cur_init(&c, data, size, 0);
    layout = quire__ms_sec_parse(&c, &ms);
    if ((layout == 0) != (enc >= 0) || (layout == 0 && ms.encrypted != enc)) {
        abort();
    }
    if (layout != 0 && (c.err != QUIRE_E_KEY || c.err_off > size)) {
        abort();
    }
    derive_ok = layout != 0 || !ms.encrypted ||
                (ms.opslimit <= FUZZ_OPS_MAX && ms.memlimit <= FUZZ_MEM_MAX) ||
                ms.opslimit > LIB_OPS_MAX || ms.memlimit > LIB_MEM_MAX;
    sodium_memzero(&ms, sizeof ms);

    try_seckey(text, size, NULL, enc);
    if (derive_ok) {
        try_seckey(text, size, "x", enc);
    }
    check_keyring(text, size);
    return 0;
}
