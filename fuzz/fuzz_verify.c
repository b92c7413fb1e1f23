/* fuzz_verify.c - whole-file verification, fast and full, with and without
 * a trusted key (the harness's fixed test key). Oracles: the result code and
 * the summary agree, and every finding has a sane offset. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "quire.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

typedef struct fctx {
    size_t size;
    uint64_t errors;
} fctx;

static int
on_finding(void *ctx, const quire_finding *f)
{
    fctx *c = (fctx *)ctx;
    if (f->what == NULL || f->message == NULL ||
        (f->severity == QUIRE_SEV_ERROR && f->code == QUIRE_OK) ||
        (f->offset > c->size && f->code != QUIRE_E_NOMEM)) {
        abort();
    }
    if (f->severity == QUIRE_SEV_ERROR) {
        c->errors++;
    }
    return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    /* the public key of fuzz/make_seeds.c's fixed test key */
    static const char key[] = "RWTwGzbkU6psDcGg6ohW+UdId6rRX8/oBCZJiNxIUGMe3VSylpEWCLAJ";
    quire_verifier *v = NULL;
    quire_keyring *kr = NULL;
    quire_pubkey pk;
    quire_verify_summary s;
    int mode, e;
    if (size > (1u << 20)) {
        return 0;
    }
    if (quire_keyring_new(&kr) != 0) {
        abort();
    }
    if (quire_pubkey_parse(&pk, key, sizeof key - 1, NULL) == 0 &&
        quire_keyring_add(kr, &pk, "test", QUIRE_ROLE_ANY, NULL) != 0) {
        abort();
    }
    for (mode = 0; mode < 3; mode++) {
        fctx c = {size, 0};
        if (quire_verifier_new(&v, NULL) != 0 ||
            quire_verifier_set_option(v, QUIRE_VERIFY_FAST, mode == 0) != 0) {
            abort();
        }
        if (mode == 2 && quire_verifier_set_keyring(v, kr) != 0) {
            abort();
        }
        e = quire_verifier_run_memory(v, data, size, on_finding, &c, &s);
        if ((e == QUIRE_OK) != (s.valid == 1) || (s.valid && s.errors != 0) ||
            c.errors != s.errors || s.checked > s.articles) {
            abort();
        }
        quire_verifier_free(v);
    }
    quire_keyring_free(kr);
    return 0;
}
