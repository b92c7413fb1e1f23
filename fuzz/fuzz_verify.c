/* fuzz_verify.c - whole-file verification, fast and full, with and without
 * a trusted key (the harness's fixed test key), and full again with three
 * threads. Oracles: the result code and the summary agree, every finding
 * has a sane offset, and three threads give the same findings in the same
 * order, and the same summary, as one. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "quire.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

typedef struct fctx {
    size_t size;
    uint64_t errors;
    uint64_t n, hash; /* findings: how many, and FNV-1a over their content */
} fctx;

static void
mix(uint64_t *h, const void *p, size_t n)
{
    const uint8_t *b = (const uint8_t *)p;
    size_t i;
    for (i = 0; i < n; i++) {
        *h = (*h ^ b[i]) * 0x100000001b3u;
    }
}

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
    c->n++;
    mix(&c->hash, &f->code, sizeof f->code);
    mix(&c->hash, &f->severity, sizeof f->severity);
    mix(&c->hash, &f->offset, sizeof f->offset);
    mix(&c->hash, &f->frame, sizeof f->frame);
    mix(&c->hash, &f->article, sizeof f->article);
    mix(&c->hash, f->what, strlen(f->what) + 1);
    mix(&c->hash, f->message, strlen(f->message) + 1);
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
    quire_verify_summary s, one_s;
    fctx one = {0, 0, 0, 0};
    int mode, e, one_e = 0;
    if (size > (1u << 20)) {
        return 0;
    }
    memset(&one_s, 0, sizeof one_s);
    if (quire_keyring_new(&kr) != 0) {
        abort();
    }
    if (quire_pubkey_parse(&pk, key, sizeof key - 1, NULL) == 0 &&
        quire_keyring_add(kr, &pk, "test", QUIRE_ROLE_ANY, NULL) != 0) {
        abort();
    }
    for (mode = 0; mode < 4; mode++) {
        fctx c = {size, 0, 0, 0xcbf29ce484222325u};
        if (quire_verifier_new(&v, NULL) != 0 ||
            quire_verifier_set_option(v, QUIRE_VERIFY_FAST, mode == 0) != 0 ||
            quire_verifier_set_option(v, QUIRE_VERIFY_THREADS, mode == 3 ? 3 : 1) != 0) {
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
        if (mode == 1) {
            one = c;
            one_s = s;
            one_e = e;
        } else if (mode == 3 &&
                   (e != one_e || c.n != one.n || c.hash != one.hash || s.valid != one_s.valid ||
                    s.errors != one_s.errors || s.warnings != one_s.warnings ||
                    s.checked != one_s.checked || s.articles != one_s.articles ||
                    memcmp(s.root, one_s.root, 32) != 0)) {
            abort(); /* threads changed what verify says */
        }
        quire_verifier_free(v);
    }
    quire_keyring_free(kr);
    return 0;
}
