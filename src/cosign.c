/* cosign.c - adding a signature to the latest checkpoint by appending a
 * new SEAL frame and trailer; no existing byte changes (spec 11.4). */
#define _DEFAULT_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "internal.h"

static int
stop_on_error(void *ctx, const quire_finding *f)
{
    (void)ctx;
    return f->severity == QUIRE_SEV_ERROR;
}

/* see quire.h */
int
quire_cosign_file(const char *path, const quire_seckey *sk, int role, const char *role_name,
                  quire_diag *d)
{
    quire_reader *r = NULL;
    quire_verifier *v = NULL;
    quire_verify_summary sum;
    quire__allocator al;
    quire__buf out, msg;
    quire__trailer t;
    quire_pubkey pk;
    uint8_t sig[64];
    size_t head, k, n = role_name != NULL ? strlen(role_name) : 0;
    uint64_t seal_at;
    quire__cur c;
    int e, fd = -1;

    if (path == NULL || sk == NULL || role < QUIRE_ROLE_ARCHIVIST || role > QUIRE_ROLE_NAMED ||
        (role == QUIRE_ROLE_NAMED) != (n != 0) || n > QUIRE__ROLE_NAME_MAX) {
        return QUIRE__FAIL(d, QUIRE_E_ARG, 0, -1, "co-sign");
    }
    /* one writer at a time, as for append: held until the end */
    fd = open(path, O_WRONLY | O_APPEND);
    if (fd < 0) {
        return QUIRE__FAIL(d, QUIRE_E_IO, 0, -1, "open archive");
    }
    if (flock(fd, LOCK_EX | LOCK_NB) != 0) {
        close(fd);
        return QUIRE__FAIL(d, QUIRE_E_IO, 0, -1, "archive is locked by an append or a signer");
    }
    /* sign only what checks out: structure, index, statement and root */
    if ((e = quire_verifier_new(&v, NULL)) != 0 ||
        (e = quire_verifier_set_option(v, QUIRE_VERIFY_FAST, 1)) != 0) {
        quire_verifier_free(v);
        close(fd);
        return QUIRE__FAIL(d, e, 0, -1, "co-sign");
    }
    e = quire_verifier_run_file(v, path, stop_on_error, NULL, &sum);
    quire_verifier_free(v);
    if (e != 0) {
        close(fd);
        return QUIRE__FAIL(d, e, 0, -1, "archive does not verify; not signing it");
    }
    if ((e = quire_reader_new(&r, NULL)) != 0 || (e = quire_reader_open_file(r, path, d)) != 0) {
        quire_reader_free(r);
        close(fd);
        return e;
    }
    if (r->torn_tail != 0) {
        quire_reader_free(r);
        close(fd);
        return QUIRE__FAIL(d, QUIRE_E_TRUNCATED, 0, -1,
                           "archive ends with a torn tail (an interrupted append): append to it "
                           "or salvage it before signing");
    }
    if (!r->has_seal) {
        quire_reader_free(r);
        close(fd);
        return QUIRE__FAIL(d, QUIRE_E_UNSIGNED, 0, -1, "archive has no seal to sign");
    }
    quire_seckey_public(sk, &pk);
    quire__allocator_from(&al, NULL);
    quire__buf_init(&out, &al, (size_t)1 << 20);
    quire__buf_init(&msg, &al, 8192);

    /* the same statement, the signatures it has, then ours */
    seal_at = r->len;
    head = quire__frame_begin(&out, QUIRE__FT_SEAL);
    quire__seal_put_statement(&out, r->stmt, r->stmt_len, (uint16_t)(r->n_sigs + 1));
    quire__cur_init(&c, r->sigs, r->sigs_len, 0);
    for (k = 0; k < r->n_sigs; k++) {
        quire__sigentry se;
        (void)quire__seal_next_sig(&c, &se);
        if (memcmp(se.pk, pk.pk, 32) == 0 && se.role == role && se.name_len == n &&
            memcmp(se.name, role_name != NULL ? role_name : "", n) == 0) {
            e = QUIRE_E_ARG;
        }
    }
    if (e != 0 || r->n_sigs + 1 > QUIRE__SIG_MAX) {
        uint64_t at = r->seal_offset;
        quire__buf_free(&out);
        quire__buf_free(&msg);
        quire_reader_free(r);
        close(fd);
        return QUIRE__FAIL(d, e != 0 ? e : QUIRE_E_LIMIT, at, -1,
                           e != 0 ? "already signed by this key in this role" : "signature count");
    }
    quire__put_bytes(&out, r->sigs, r->sigs_len);
    quire__seal_message(&msg, (uint8_t)role, (const uint8_t *)role_name, n, r->stmt, r->stmt_len);
    if (msg.err != 0 || (e = quire_seckey_sign(sk, msg.p, msg.len, sig)) != 0) {
        e = msg.err != 0 ? msg.err : e;
        goto out;
    }
    quire__seal_put_sig(&out, (uint8_t)role, (const uint8_t *)role_name, n, pk.key_id, pk.pk,
                        sig);
    quire__put_bytes(&out, r->tail, r->tail_len); /* the consistency proof, unchanged */
    quire__frame_end(&out, head);

    /* a new trailer: the same index, the new seal */
    t = r->tr;
    t.seal_offset = seal_at;
    t.self_offset = seal_at + out.len;
    head = quire__frame_begin(&out, QUIRE__FT_TRLR);
    quire__trailer_encode(&out, &t);
    quire__frame_end(&out, head);
    if (out.err != 0) {
        e = out.err;
        goto out;
    }
    quire_reader_free(r);
    r = NULL;

    /* append both frames in one write, then make them durable */
    {
        struct stat st;
        if (fstat(fd, &st) != 0 || (uint64_t)st.st_size != seal_at) {
            /* the file changed since it was verified */
            e = QUIRE_E_IO;
            goto out;
        }
    }
    {
        const uint8_t *p = out.p;
        size_t left = out.len;
        while (left > 0) {
            ssize_t w = write(fd, p, left);
            if (w < 0) {
                if (errno == EINTR) {
                    continue;
                }
                e = QUIRE_E_IO;
                goto out;
            }
            p += w;
            left -= (size_t)w;
        }
    }
    if (fsync(fd) != 0) {
        e = QUIRE_E_IO;
    }
out:
    if (fd >= 0 && close(fd) != 0 && e == 0) {
        e = QUIRE_E_IO;
    }
    quire__buf_free(&out);
    quire__buf_free(&msg);
    quire_reader_free(r);
    return e != 0 ? QUIRE__FAIL(d, e, seal_at, -1, "append signature") : QUIRE_OK;
}
