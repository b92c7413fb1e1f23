/* fuzz_proof.c - proof files (spec/PROOF.md): the codec (format/proof.c)
 * and the whole check (src/proof.c), without keys and with the key of
 * tests/data/keys/minisign-nopw.pub, which signed the seeds.
 * Oracles: an accepted proof re-encodes to its own bytes; the result code,
 * the info and the findings agree; nothing unverified reaches the article;
 * a valid proof is its own later proof, an invalid one is not.
 *
 * Seeds (the .qproof files of fuzz/corpus/proof; those named by a SHA-1 were found
 * by fuzzing), made from tests/data with K=tests/data/keys/minisign-nopw.key
 * and ID=717569726520667a7a2070726f6f6673:
 *   quire pack -s $K --archive-id $ID -o s3.quire first-3-lines.jsonl
 *   quire pack -s $K --archive-id $ID -o s6.quire sample.jsonl
 *   quire pack -o u6.quire sample.jsonl                      (unsigned)
 *   quire pack -s $K -o t5.quire *.txt                       (the 5 texts)
 *   cp s3.quire ap.quire; quire append -s $K ap.quire last-3-lines.jsonl;
 *   quire append -s $K ap.quire harbour-ferry.txt            (checkpoint 2)
 *   quire prove ARCHIVE N [--consistency-from S] -o NAME.qproof
 * with NAME = sample3-N, sample6-N[-fromS], unsigned6-N, texts5-N,
 * append-cp2-N[-fromS]. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "proof.h"
#include "quire.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

typedef struct fctx {
    size_t size;
    uint64_t errors, warnings;
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
    } else if (f->severity == QUIRE_SEV_WARNING) {
        c->warnings++;
    }
    return 0;
}

static void
codec(const uint8_t *data, size_t size)
{
    quire__allocator a;
    quire__proof p;
    quire__cur c;
    quire__buf b;
    quire__cur_init(&c, data, size, 0);
    if (quire__proof_decode(&c, &p) != 0) {
        if (c.err_off > size || c.err_what == NULL || c.err == 0) {
            abort();
        }
        return;
    }
    if (p.n_path > QUIRE__PROOF_PATH_MAX || p.n_cons > QUIRE__PROOF_PATH_MAX ||
        p.record_len > QUIRE__PROOF_RECORD_MAX || p.seal_len > QUIRE__PROOF_SEAL_MAX ||
        p.crc_off + 4 != size) {
        abort();
    }
    /* canonical: what was accepted re-encodes to the same bytes (the CRC
     * may differ only in a fuzzing build, which ignores CRC mismatches) */
    quire__allocator_from(&a, NULL);
    quire__buf_init(&b, &a, (size_t)1 << 27);
    quire__proof_encode(&b, &p);
    if (b.err != 0 || b.len != size || memcmp(b.p, data, size - 4) != 0 ||
        (p.crc_ok && memcmp(b.p + size - 4, data + size - 4, 4) != 0)) {
        abort();
    }
    quire__buf_free(&b);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const char key[] = "RWSJApnitwdmvPRXXa5as4ga4B9oXlPZA0lAS1tzPT3FXDcfiXd5U+xk";
    quire_keyring *kr = NULL;
    quire_article *a = NULL;
    quire_pubkey pk;
    int mode, e, e0 = 0;
    if (size > ((size_t)1 << 20)) {
        return 0;
    }
    codec(data, size);
    if (quire_keyring_new(&kr) != 0 || quire_article_new(&a, NULL) != 0) {
        abort();
    }
    if (quire_pubkey_parse(&pk, key, sizeof key - 1, NULL) != 0 ||
        quire_keyring_add(kr, &pk, "test", QUIRE_ROLE_ANY, NULL) != 0) {
        abort();
    }
    for (mode = 0; mode < 2; mode++) {
        fctx c = {size, 0, 0};
        quire_proof_info info;
        quire_diag d;
        memset(&d, 0, sizeof d);
        e = quire_proof_verify_report(data, size, mode == 1 ? kr : NULL, a, on_finding, &c, &info,
                                      &d);
        if ((e == QUIRE_OK) != (info.valid == 1) || c.errors != info.errors ||
            c.warnings != info.warnings || (e != QUIRE_OK && (d.code != e || d.what == NULL)) ||
            (e == QUIRE_OK && info.errors != 0) ||
            (e != QUIRE_OK && e != QUIRE_E_NOMEM && info.errors == 0) ||
            (e != QUIRE_OK &&
             (quire_article_part_count(a) != 0 || quire_article_field_count(a) != 0)) ||
            info.trusted_signatures > info.valid_signatures ||
            info.valid_signatures > info.signatures) {
            abort();
        }
        /* the plain call agrees with the reporting one */
        if (quire_proof_verify(data, size, mode == 1 ? kr : NULL, NULL, NULL, NULL) != e) {
            abort();
        }
        if (mode == 0) {
            e0 = e;
        }
    }
    /* a proof is its own later proof exactly when it is intact */
    e = quire_proof_check_later(data, size, data, size, NULL);
    if ((e == QUIRE_OK) != (e0 == QUIRE_OK)) {
        abort();
    }
    quire_article_free(a);
    quire_keyring_free(kr);
    return 0;
}
