/* proof.c - single-article proofs (spec/PROOF.md): writing one from an
 * opened archive, verifying one with public keys only, and checking that a
 * later proof's checkpoint extends an earlier one's. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <sodium.h>

#include "../format/proof.h"
#include "internal.h"

/* ====================================================================== */
/* writing */

/* see quire.h */
int
quire_proof_is(const void *buf, size_t len)
{
    return quire__proof_is((const uint8_t *)buf, len);
}

/* see quire.h */
int
quire_prove(quire_reader *r, uint64_t n, uint64_t consistency_from, uint8_t **out, size_t *len,
            quire_diag *d)
{
    quire__allocator mal;
    quire_alloc al;
    quire_article *a = NULL;
    quire__proof p;
    quire__buf b;
    uint8_t(*path)[32] = NULL;
    const uint8_t *rec, *dg, *lv;
    uint8_t *leaves = NULL;
    size_t rec_len, n_path = 0, n_cons = 0, stride;
    uint64_t so, size;
    int e;
    if (out != NULL) {
        *out = NULL;
    }
    if (len != NULL) {
        *len = 0;
    }
    if (r == NULL || out == NULL || len == NULL) {
        return QUIRE__FAIL(d, QUIRE_E_ARG, 0, -1, "prove");
    }
    if (r->state != R_INDEXED) {
        return QUIRE__FAIL(d, QUIRE_E_BADSTATE, 0, -1, "reader");
    }
    if (!r->has_seal) {
        return QUIRE__FAIL(d, QUIRE_E_UNSIGNED, r->len - QUIRE__TRAILER_FRAME, -1, "seal");
    }
    size = r->rx.lo.n_articles;
    if (n >= size) {
        return QUIRE__FAIL(d, QUIRE_E_NOTFOUND, 0, (int64_t)n, "article number");
    }
    /* the proof is only as good as the seal: it must describe this index */
    so = r->seal_offset + QUIRE__FRAME_HEAD + 4;
    if (r->st.tree_size != size) {
        return QUIRE__FAIL(d, QUIRE_E_STATEMENT, so + 40, -1, "statement tree size");
    }
    if (memcmp(r->st.archive_id, r->rx.archive_id, QUIRE__ARCHIVE_ID_LEN) != 0) {
        return QUIRE__FAIL(d, QUIRE_E_ARCHIVE_ID, so + 16, -1, "statement archive id");
    }
    if (consistency_from > size) {
        return QUIRE__FAIL(d, QUIRE_E_ARG, 0, -1, "consistency size");
    }
    al.alloc = r->a.alloc;
    al.free = r->a.free;
    al.opaque = r->a.opaque;
    if ((e = quire_article_new(&a, &al)) != 0) {
        return QUIRE__FAIL(d, e, 0, (int64_t)n, "article");
    }
    path = (uint8_t(*)[32])quire__malloc(&r->a, 2 * QUIRE__MERKLE_PATH_MAX * 32);
    if (path == NULL) {
        e = QUIRE__FAIL(d, QUIRE_E_NOMEM, 0, (int64_t)n, "proof path");
        goto out;
    }
    /* the record, with its digest checked against the index */
    if ((e = quire_reader_get(r, n, a, d)) != 0) {
        goto out;
    }
    if ((e = quire__article_encode(a, &rec, &rec_len)) != 0) {
        e = QUIRE__FAIL(d, e, 0, (int64_t)n, "record");
        goto out;
    }
    if (rec_len > QUIRE__PROOF_RECORD_MAX) {
        e = QUIRE__FAIL(d, QUIRE_E_LIMIT, 0, (int64_t)n, "proof record length");
        goto out;
    }
    /* the leaves: the flat index's article table, or a paged index's
     * digests gathered (32 bytes an article: a proof reads them all) */
    if (quire__rx_paged(r)) {
        uint64_t i;
        if (size > SIZE_MAX / 32 ||
            (leaves = (uint8_t *)quire__malloc(&r->a, (size_t)size * 32)) == NULL) {
            e = QUIRE__FAIL(d, QUIRE_E_NOMEM, 0, (int64_t)n, "proof leaves");
            goto out;
        }
        for (i = 0; i < size; i++) {
            if ((e = quire__rx_digest(r, i, leaves + i * 32, d)) != 0) {
                goto out;
            }
        }
        stride = 32;
    } else {
        stride = QUIRE__ARTICLE_ENTRY;
    }
    lv = leaves != NULL ? leaves : r->ix.articles;
    e = quire__merkle_inclusion_path(lv, stride, size, n, path,
                                     QUIRE__MERKLE_PATH_MAX, &n_path);
    if (e != 0) {
        e = QUIRE__FAIL(d, e, 0, (int64_t)n, "proof path");
        goto out;
    }
    dg = lv + (size_t)n * stride;
    if ((e = quire__merkle_inclusion_verify(dg, n, size, path[0], n_path, r->st.root)) != 0) {
        /* the index's digests do not give the sealed root */
        e = QUIRE__FAIL(d, e, so + 48, -1, "statement root");
        goto out;
    }
    if (consistency_from != 0) {
        e = quire__merkle_consistency_path(lv, stride, size,
                                           consistency_from, path + QUIRE__MERKLE_PATH_MAX,
                                           QUIRE__MERKLE_PATH_MAX, &n_cons);
        if (e != 0) {
            e = QUIRE__FAIL(d, e, 0, -1, "consistency path");
            goto out;
        }
    }
    memset(&p, 0, sizeof p);
    p.minor = QUIRE__PROOF_MINOR;
    p.flags = consistency_from != 0 ? QUIRE__PROOF_F_CONSISTENCY : 0;
    p.archive_id = r->rx.archive_id;
    p.article = n;
    p.record = rec;
    p.record_len = rec_len;
    p.path = path[0];
    p.n_path = n_path;
    /* the SEAL payload exactly as stored: statement length, statement,
     * count, entries, the consistency proof from the previous checkpoint
     * if any (checked at open to fill the payload) */
    p.seal = r->stmt - 4;
    p.seal_len = (size_t)(r->tail + r->tail_len - p.seal);
    p.old_size = consistency_from;
    p.cons = path[QUIRE__MERKLE_PATH_MAX];
    p.n_cons = n_cons;
    /* the caller frees the output with free(): build it with malloc */
    quire__allocator_from(&mal, NULL);
    quire__buf_init(&b, &mal, (size_t)QUIRE__PROOF_RECORD_MAX + QUIRE__PROOF_SEAL_MAX + 16384);
    quire__proof_encode(&b, &p);
    if (b.err != 0) {
        e = QUIRE__FAIL(d, b.err, 0, (int64_t)n, "proof");
        quire__buf_free(&b);
        goto out;
    }
    *out = b.p;
    *len = b.len;
    e = QUIRE_OK;
out:
    quire__free(&r->a, leaves);
    quire__free(&r->a, path);
    quire_article_free(a);
    return e;
}

/* ====================================================================== */
/* verifying */

typedef struct prun {
    int (*fn)(void *ctx, const struct quire_finding *f);
    void *ctx;
    quire_proof_info *info;
    quire_diag *d;
    int first_error;
    int stop;
    char msg[512];
} prun;

static void emit(prun *P, int code, int severity, uint64_t offset, int64_t article,
                 const char *what, const quire_signer *signer, const char *fmt, ...)
    __attribute__((format(printf, 8, 9)));

static void
emit(prun *P, int code, int severity, uint64_t offset, int64_t article, const char *what,
     const quire_signer *signer, const char *fmt, ...)
{
    quire_finding f;
    va_list ap;
    if (severity == QUIRE_SEV_ERROR) {
        P->info->errors++;
        if (P->first_error == 0) {
            P->first_error = code != 0 ? code : QUIRE_E_UNSIGNED;
            QUIRE__FAIL(P->d, P->first_error, offset, article, what);
        }
    } else if (severity == QUIRE_SEV_WARNING) {
        P->info->warnings++;
    }
    if (P->stop || P->fn == NULL) {
        return;
    }
    va_start(ap, fmt);
    vsnprintf(P->msg, sizeof P->msg, fmt, ap);
    va_end(ap);
    f.code = code;
    f.severity = severity;
    f.offset = offset;
    f.frame = -1;
    f.article = article;
    f.what = what;
    f.message = P->msg;
    f.signer = signer;
    if (P->fn(P->ctx, &f) != 0) {
        P->stop = 1;
    }
}

/* every signature of the seal, then the trust policy (as src/verify.c) */
static void
check_signatures(prun *P, const quire__proof *p, const quire_keyring *kr)
{
    quire_proof_info *I = P->info;
    uint64_t seal_at = p->seal_off;
    int have_keys = quire_keyring_count(kr) > 0;
    quire__allocator al;
    quire__cur c;
    quire__buf msg;
    size_t k;
    quire__allocator_from(&al, NULL);
    quire__buf_init(&msg, &al, 8192);
    quire__cur_init(&c, p->sigs, p->sigs_len, p->sigs_off);
    I->signatures = p->n_sigs;
    for (k = 0; k < p->n_sigs && !P->stop; k++) {
        quire__sigentry e;
        quire__sigcheck s;
        char line[256];
        uint64_t eo = quire__cur_pos(&c);
        if (quire__seal_next_sig(&c, &e) != 0) {
            break; /* checked by the decoder */
        }
        quire__sig_check(&s, &e, k, p->stmt, p->stmt_len, kr, &msg);
        if (s.err != 0) {
            emit(P, s.err, QUIRE_SEV_ERROR, eo, -1, "seal signature", &s.sg,
                 "signature %zu (%s, key %s) not checked: out of memory", k, s.sg.role_name,
                 s.kid);
            continue;
        }
        if (!s.sg.valid) {
            emit(P, QUIRE_E_SIG, QUIRE_SEV_ERROR, eo, -1, "seal signature", &s.sg,
                 "signature %zu (%s, key %s) does not verify", k, s.sg.role_name, s.kid);
            continue;
        }
        I->valid_signatures++;
        if (s.sg.trusted) {
            I->trusted_signatures++;
        }
        quire__sig_describe(&s, k, line, sizeof line);
        emit(P, QUIRE_OK, QUIRE_SEV_INFO, eo, -1, "seal signature", &s.sg, "%s", line);
        if (s.impostor) {
            emit(P, QUIRE_E_UNTRUSTED, QUIRE_SEV_ERROR, eo, -1, "seal signature", &s.sg,
                 "signature %zu uses key id %s of a trusted key, but not its key", k, s.kid);
        }
    }
    quire__buf_free(&msg);
    if (have_keys) {
        if (I->trusted_signatures == 0) {
            emit(P, QUIRE_E_UNTRUSTED, QUIRE_SEV_ERROR, seal_at, -1, "seal", NULL,
                 "no valid signature by a trusted key (%zu signature%s, %zu valid)", I->signatures,
                 I->signatures == 1 ? "" : "s", I->valid_signatures);
        }
    } else if (I->valid_signatures > 0) {
        emit(P, QUIRE_E_UNTRUSTED, QUIRE_SEV_WARNING, seal_at, -1, "seal", NULL,
             "no trusted keys given: the signatures are untrusted (use -p, -P or --keyring)");
    } else if (p->n_sigs == 0) {
        emit(P, QUIRE_OK, QUIRE_SEV_INFO, seal_at, -1, "seal", NULL,
             "the seal has no signatures: integrity only");
    }
}

static void
check_consistency(prun *P, const quire__proof *p)
{
    quire_proof_info *I = P->info;
    uint64_t m = p->old_size, n = p->st.tree_size;
    uint8_t fr[32], sr[32];
    char hx[65];
    I->has_consistency = 1;
    I->consistency_from = m;
    I->consistency_len = p->n_cons;
    if (m == 0 || m > n) {
        emit(P, QUIRE_E_CHAIN, QUIRE_SEV_ERROR, p->cons_off, -1, "proof consistency size", NULL,
             "a consistency path from tree size %llu to tree size %llu cannot exist",
             (unsigned long long)m, (unsigned long long)n);
        return;
    }
    /* without the old root the path is checked as far as it can be: its
     * shape always, the new root when the old size is not a power of two
     * (the old root is then the path's own first node) */
    if (quire__merkle_consistency_roots(m, n, m == n ? p->st.root : NULL, p->cons, p->n_cons, fr,
                                        sr) != 0) {
        emit(P, QUIRE_E_CHAIN, QUIRE_SEV_ERROR, p->cons_off + 8, -1, "proof consistency path", NULL,
             "%zu hashes are not a consistency path from tree size %llu to %llu", p->n_cons,
             (unsigned long long)m, (unsigned long long)n);
        return;
    }
    if (m == n || (m & (m - 1)) != 0) {
        if (sodium_memcmp(sr, p->st.root, 32) != 0) {
            emit(P, QUIRE_E_CHAIN, QUIRE_SEV_ERROR, p->cons_off + 9, -1, "proof consistency path",
                 NULL, "the consistency path does not lead to the sealed root");
            return;
        }
        I->old_root_known = 1;
        memcpy(I->old_root, fr, 32);
        quire__hex(hx, fr, 32);
        emit(P, QUIRE_OK, QUIRE_SEV_INFO, p->cons_off, -1, "proof consistency path", NULL,
             "extends the tree of %llu article%s with root %s", (unsigned long long)m,
             m == 1 ? "" : "s", hx);
    } else {
        emit(P, QUIRE_OK, QUIRE_SEV_INFO, p->cons_off, -1, "proof consistency path", NULL,
             "a consistency path from the tree of %llu article%s (checked against that "
             "tree's root by --later)",
             (unsigned long long)m, m == 1 ? "" : "s");
    }
}

/* the seal's stored consistency proof from the previous checkpoint: not
 * signed, checked as far as the statement alone allows (see
 * check_consistency) */
static void
check_seal_tail(prun *P, const quire__proof *p)
{
    uint64_t m = p->seal_prev_size, n = p->st.tree_size;
    uint8_t fr[32], sr[32];
    if ((p->st.flags & QUIRE__STMT_F_PREV) == 0) {
        return;
    }
    if (m == 0 || m == n) {
        if (p->seal_n_cpath == 0) {
            return;
        }
    } else if (quire__merkle_consistency_roots(m, n, NULL, p->seal_cpath, p->seal_n_cpath, fr,
                                               sr) == 0 &&
               ((m & (m - 1)) == 0 || sodium_memcmp(sr, p->st.root, 32) == 0)) {
        return;
    }
    emit(P, QUIRE_E_CHAIN, QUIRE_SEV_ERROR, p->seal_cpath_off, -1, "consistency proof", NULL,
         "the seal's consistency proof from its previous checkpoint (%llu articles) does not fit "
         "its tree",
         (unsigned long long)m);
}

static int
verify_impl(const void *buf, size_t len, const quire_keyring *kr, quire_article *a,
            int (*fn)(void *ctx, const struct quire_finding *f), void *ctx, quire_proof_info *info,
            quire_diag *d, quire__proof *p)
{
    quire_proof_info local;
    quire__limits lim;
    quire_article *tmp = NULL;
    quire_diag rd;
    quire__cur c;
    prun P;
    uint64_t so;
    int64_t art;
    char h1[33], h2[33];
    int e;
    if (info == NULL) {
        info = &local;
    }
    memset(info, 0, sizeof *info);
    if (a != NULL) {
        quire_article_clear(a);
    }
    if (buf == NULL && len != 0) {
        return QUIRE__FAIL(d, QUIRE_E_ARG, 0, -1, "proof");
    }
    if (sodium_init() < 0) {
        return QUIRE__FAIL(d, QUIRE_E_NOMEM, 0, -1, "libsodium");
    }
    memset(&P, 0, sizeof P);
    P.fn = fn;
    P.ctx = ctx;
    P.info = info;
    P.d = d;

    /* framing, limits, seal structure, CRC-32 */
    quire__cur_init(&c, buf, len, 0);
    if (quire__proof_decode(&c, p) != 0) {
        emit(&P, c.err, QUIRE_SEV_ERROR, c.err_off, -1, c.err_what, NULL,
             "the proof cannot be read: %s", quire_strerror(c.err));
        return P.first_error;
    }
    art = p->article <= (uint64_t)INT64_MAX ? (int64_t)p->article : -1;
    so = p->seal_off + 4;
    memcpy(info->archive_id, p->archive_id, 16);
    info->article = p->article;
    info->record_len = p->record_len;
    info->path_len = p->n_path;
    info->checkpoint = p->st.checkpoint;
    info->tree_size = p->st.tree_size;
    memcpy(info->root, p->st.root, 32);
    info->created = p->st.created;

    /* the record: well formed, and its digest */
    if (a == NULL && (e = quire_article_new(&tmp, NULL)) != 0) {
        return QUIRE__FAIL(d, e, 0, art, "article");
    }
    quire__limits_default(&lim);
    memset(&rd, 0, sizeof rd);
    e = quire__article_load(a != NULL ? a : tmp, p->record, p->record_len, p->record_off, &lim, art,
                            &rd);
    if (e != 0) {
        emit(&P, e, QUIRE_SEV_ERROR, rd.offset, art, rd.what, NULL, "malformed record: %s",
             quire_strerror(e));
    }
    quire_article_free(tmp);
    if ((e = quire__blake2b256(info->digest, p->record, p->record_len)) != 0) {
        return QUIRE__FAIL(d, e, 0, art, "record digest");
    }

    /* the statement is about this archive, and its tree holds the article */
    if (memcmp(p->st.archive_id, p->archive_id, 16) != 0) {
        quire__hex(h1, p->st.archive_id, 16);
        quire__hex(h2, p->archive_id, 16);
        emit(&P, QUIRE_E_ARCHIVE_ID, QUIRE_SEV_ERROR, so + 16, art, "statement archive id", NULL,
             "the seal was made for archive %s, the proof names archive %s", h1, h2);
    }
    if (p->article >= p->st.tree_size) {
        emit(&P, QUIRE_E_STATEMENT, QUIRE_SEV_ERROR, so + 40, art, "statement tree size", NULL,
             "article %llu is outside the sealed tree of %llu article%s",
             (unsigned long long)p->article, (unsigned long long)p->st.tree_size,
             p->st.tree_size == 1 ? "" : "s");
    } else if ((e = quire__merkle_inclusion_verify(info->digest, p->article, p->st.tree_size,
                                                   p->path, p->n_path, p->st.root)) != 0) {
        emit(&P, e, QUIRE_SEV_ERROR, p->path_off, art, "proof path", NULL,
             "the record and its inclusion path (%zu hash%s) do not lead to the sealed root",
             p->n_path, p->n_path == 1 ? "" : "es");
    }
    check_seal_tail(&P, p);
    if ((p->flags & QUIRE__PROOF_F_CONSISTENCY) != 0) {
        check_consistency(&P, p);
    }
    check_signatures(&P, p, kr);
    info->valid = P.first_error == 0;
    if (P.first_error != 0 && a != NULL) {
        quire_article_clear(a); /* never hand out an unverified article */
    }
    return P.first_error;
}

/* see quire.h */
int
quire_proof_verify_report(const void *buf, size_t len, const quire_keyring *kr, quire_article *a,
                          int (*fn)(void *ctx, const struct quire_finding *f), void *ctx,
                          quire_proof_info *info, quire_diag *d)
{
    quire__proof p;
    return verify_impl(buf, len, kr, a, fn, ctx, info, d, &p);
}

/* see quire.h */
int
quire_proof_verify(const void *buf, size_t len, const quire_keyring *kr, quire_article *a,
                   quire_proof_info *info, quire_diag *d)
{
    quire__proof p;
    return verify_impl(buf, len, kr, a, NULL, NULL, info, d, &p);
}

/* see quire.h */
int
quire_proof_check_later(const void *old, size_t old_len, const void *later, size_t later_len,
                        quire_diag *d)
{
    quire_proof_info io, il;
    quire__proof po, pl;
    int e;
    if ((e = verify_impl(old, old_len, NULL, NULL, NULL, NULL, &io, d, &po)) != 0) {
        if (d != NULL) {
            d->detail = "in the earlier proof";
        }
        return e;
    }
    if ((e = verify_impl(later, later_len, NULL, NULL, NULL, NULL, &il, d, &pl)) != 0) {
        if (d != NULL) {
            d->detail = "in the later proof";
        }
        return e;
    }
    if (memcmp(io.archive_id, il.archive_id, 16) != 0) {
        return QUIRE__FAIL_DETAIL(d, QUIRE_E_ARCHIVE_ID, pl.seal_off + 4 + 16, -1,
                                  "statement archive id", "the proofs name different archives");
    }
    if (io.tree_size > il.tree_size) {
        return QUIRE__FAIL_DETAIL(d, QUIRE_E_CHAIN, pl.seal_off + 4 + 40, -1, "statement tree size",
                                  "the later tree is smaller");
    }
    if (io.tree_size == il.tree_size) {
        if (sodium_memcmp(io.root, il.root, 32) != 0) {
            return QUIRE__FAIL_DETAIL(d, QUIRE_E_CHAIN, pl.seal_off + 4 + 48, -1, "statement root",
                                      "two trees of the same size with different roots");
        }
        return QUIRE_OK;
    }
    if (!il.has_consistency) {
        return QUIRE__FAIL_DETAIL(d, QUIRE_E_CHAIN, pl.crc_off, -1, "proof consistency path",
                                  "the later proof has no consistency path");
    }
    if (il.consistency_from != io.tree_size) {
        return QUIRE__FAIL_DETAIL(d, QUIRE_E_CHAIN, pl.cons_off, -1, "proof consistency size",
                                  "the later proof's consistency path starts from another size");
    }
    if (quire__merkle_consistency_verify(io.tree_size, il.tree_size, io.root, il.root, pl.cons,
                                         pl.n_cons) != 0) {
        return QUIRE__FAIL_DETAIL(d, QUIRE_E_CHAIN, pl.cons_off + 9, -1, "proof consistency path",
                                  "the earlier tree is not a prefix of the later one");
    }
    return QUIRE_OK;
}
