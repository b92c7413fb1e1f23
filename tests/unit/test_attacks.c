/* test_attacks.c - attacks on a signed archive by someone WITHOUT the
 * archivist's key, who can recompute everything else: every frame CRC,
 * record digest, index entry, the index digest, tree size and Merkle root
 * of the statement (tests/vectors/forge.h does the surgery). Each must fail
 * verification with the trusted archivist key, with the expected code. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "quire.h"
#include "../vectors/forge.h"

/* ====================================================================
 * Fixtures: fixed keys, fixed articles, archives built in memory
 * ==================================================================== */

static const uint8_t id_archivist[8] = {'A', 'R', 'C', 'H', 'I', 'V', 'E', '1'};
static const uint8_t id_mallory[8] = {'M', 'A', 'L', 'L', 'O', 'R', 'Y', '1'};
static const uint8_t archive_a[16] = {'a', 't', 't', 'a', 'c', 'k', ' ', 't',
                                      'e', 's', 't', 's', ' ', 'v', '0', '1'};
static const uint8_t archive_b[16] = {'a', 'n', 'o', 't', 'h', 'e', 'r', ' ',
                                      'a', 'r', 'c', 'h', 'i', 'v', 'e', '!'};

typedef struct fixture {
    fz_key archivist; /* the trusted key */
    fz_key mallory;   /* the attacker's own key */
    fz_key forger;    /* the attacker's key, with the archivist's key id */
    quire_keyring *kr;
} fixture;

static int
setup(void **state)
{
    fixture *fx = (fixture *)calloc(1, sizeof *fx);
    if (fx == NULL || fz_key_from_seed("attack tests: archivist", id_archivist, &fx->archivist) ||
        fz_key_from_seed("attack tests: mallory", id_mallory, &fx->mallory) ||
        fz_key_from_seed("attack tests: forger", id_archivist, &fx->forger) ||
        quire_keyring_new(&fx->kr) != 0 ||
        quire_keyring_add(fx->kr, &fx->archivist.pk, "archivist", QUIRE_ROLE_ARCHIVIST, NULL) !=
            0) {
        return -1;
    }
    *state = fx;
    return 0;
}

static int
teardown(void **state)
{
    fixture *fx = (fixture *)*state;
    fz_key_free(&fx->archivist);
    fz_key_free(&fx->mallory);
    fz_key_free(&fx->forger);
    quire_keyring_free(fx->kr);
    free(fx);
    return 0;
}

static int
vec_write(void *ctx, const void *buf, size_t len)
{
    fz_vec_put((fz_vec *)ctx, buf, len);
    return 0;
}

/* Article i: a few fields and a body, distinct for every i. */
static quire_article *
article(size_t i)
{
    quire_article *a = NULL;
    char id[32], url[96], title[96], date[16], body[400];
    snprintf(id, sizeof id, "wire-%04zu", i);
    snprintf(url, sizeof url, "https://wire.example/2024/03/story-%zu", i);
    snprintf(title, sizeof title, "Story %zu: the tide tables are revised", i);
    snprintf(date, sizeof date, "2024-03-%02zu", 1 + i % 28);
    snprintf(body, sizeof body,
             "Story %zu. The harbour office published revised tide tables on Monday after "
             "surveyors found the old datum off by four centimetres. Fishing crews said the "
             "change would not alter their sailing times.",
             i);
    assert_int_equal(quire_article_new(&a, NULL), 0);
    assert_int_equal(quire_article_set(a, QUIRE_F_ID, QUIRE_T_TEXT, id, strlen(id)), 0);
    assert_int_equal(quire_article_set(a, QUIRE_F_URL, QUIRE_T_TEXT, url, strlen(url)), 0);
    assert_int_equal(quire_article_set(a, QUIRE_F_TITLE, QUIRE_T_TEXT, title, strlen(title)), 0);
    assert_int_equal(quire_article_add_item(a, QUIRE_F_AUTHORS, "Ines Varga", 10), 0);
    assert_int_equal(quire_article_set(a, QUIRE_F_PUBLISHED, QUIRE_T_TIME, date, strlen(date)), 0);
    assert_int_equal(quire_article_add_part(a, "body", 4, "text/plain", 10, body, strlen(body)),
                     0);
    return a;
}

/* An archive of n articles signed by sk as archivist, into out. */
static void
build(size_t n, const uint8_t id[16], const quire_seckey *sk, size_t block_size, fz_vec *out)
{
    quire_writer *w = NULL;
    size_t i;
    out->len = 0;
    assert_int_equal(quire_writer_new(&w, NULL), 0);
    assert_int_equal(quire_writer_set_option(w, QUIRE_OPT_BLOCK_SIZE, (int64_t)block_size), 0);
    assert_int_equal(quire_writer_set_archive_id(w, id), 0);
    assert_int_equal(quire_writer_set_checkpoint(w, 1700000000, "attack tests", 12), 0);
    assert_int_equal(quire_writer_add_signer(w, sk, QUIRE_ROLE_ARCHIVIST, NULL), 0);
    assert_int_equal(quire_writer_open(w, vec_write, out, NULL), 0);
    for (i = 0; i < n; i++) {
        quire_article *a = article(i);
        assert_int_equal(quire_writer_add(w, a, NULL, NULL), 0);
        quire_article_free(a);
    }
    assert_int_equal(quire_writer_finish(w, NULL), 0);
    quire_writer_free(w);
}

static void
load(fz_arch *a, const fz_vec *v)
{
    assert_int_equal(fz_parse(a, v->p, v->len), 0);
}

/* Everything an attacker can recompute without the key: index, statement
 * (tree size, root, index digest; the signatures left as they are),
 * trailer, CRCs. */
static void
attacker_repair(fz_arch *a)
{
    assert_int_equal(fz_fix_index(a), 0);
    assert_int_equal(fz_fix_seal(a, NULL, 0), 0);
    assert_int_equal(fz_fix_trailer(a), 0);
}

typedef struct seen {
    int first_code;
    uint64_t first_offset;
    size_t errors;
} seen;

static int
on_finding(void *ctx, const quire_finding *f)
{
    seen *s = (seen *)ctx;
    if (f->severity == QUIRE_SEV_ERROR) {
        if (s->errors++ == 0) {
            s->first_code = f->code;
            s->first_offset = f->offset;
        }
    }
    return 0;
}

/* Verifies bytes with the trusted keyring; returns the code (and checks
 * that it is the first error finding's). */
static int
verify_bytes(const fixture *fx, const uint8_t *p, size_t n, int fast, quire_verify_summary *sum)
{
    quire_verifier *v = NULL;
    quire_verify_summary local;
    seen s;
    int e;
    memset(&s, 0, sizeof s);
    assert_int_equal(quire_verifier_new(&v, NULL), 0);
    assert_int_equal(quire_verifier_set_keyring(v, fx->kr), 0);
    assert_int_equal(quire_verifier_set_option(v, QUIRE_VERIFY_FAST, fast), 0);
    e = quire_verifier_run_memory(v, p, n, on_finding, &s, sum != NULL ? sum : &local);
    quire_verifier_free(v);
    if (e != QUIRE_OK) {
        assert_int_equal(e, s.first_code);
    } else {
        assert_int_equal(s.errors, 0);
    }
    return e;
}

static int
verify_arch(const fixture *fx, const fz_arch *a, int fast, quire_verify_summary *sum)
{
    size_t n;
    uint8_t *p = fz_emit(a, &n);
    int e = verify_bytes(fx, p, n, fast, sum);
    free(p);
    return e;
}

/* ====================================================================
 * The intact archive
 * ==================================================================== */

static void
test_intact_verifies(void **state)
{
    const fixture *fx = (const fixture *)*state;
    quire_verify_summary sum;
    fz_vec v;
    memset(&v, 0, sizeof v);
    build(10, archive_a, fx->archivist.sk, 1024, &v);
    assert_int_equal(verify_bytes(fx, v.p, v.len, 0, &sum), QUIRE_OK);
    assert_int_equal(sum.valid, 1);
    assert_int_equal(sum.checked, 10);
    assert_int_equal(sum.trusted_signatures, 1);
    assert_int_equal(verify_bytes(fx, v.p, v.len, 1, &sum), QUIRE_OK);
    assert_int_equal(sum.checked, 0);
    assert_int_equal(sum.trusted_signatures, 1);
    /* the repairs themselves change nothing in an intact archive */
    {
        fz_arch a;
        uint8_t *p;
        size_t n;
        load(&a, &v);
        attacker_repair(&a);
        p = fz_emit(&a, &n);
        assert_int_equal(n, v.len);
        assert_memory_equal(p, v.p, n);
        free(p);
        fz_free(&a);
    }
    fz_vec_free(&v);
}

/* ====================================================================
 * Content changes
 * ==================================================================== */

/* One byte of article 4 changed (its title), at three depths of repair. */
static void
test_change_one_byte(void **state)
{
    const fixture *fx = (const fixture *)*state;
    fz_vec v, r;
    fz_arch a;
    fz_rview rv;
    memset(&v, 0, sizeof v);
    memset(&r, 0, sizeof r);
    build(10, archive_a, fx->archivist.sk, 1024, &v);

    load(&a, &v);
    assert_int_equal(fz_record_get(&a, 4, &r), 0);
    assert_int_equal(fz_record_view(r.p, r.len, &rv), 0);
    r.p[fz_field(&rv, QUIRE_F_TITLE)->val_at + 6] ^= 0x01; /* "Story 4" -> "Story 5" */
    assert_int_equal(fz_record_put(&a, 4, r.p, r.len), 0);

    /* index repaired (digest, placement), statement not: it names another index */
    {
        fz_arch b;
        fz_copy(&b, &a);
        assert_int_equal(fz_fix_index(&b), 0);
        assert_int_equal(fz_fix_trailer(&b), 0);
        assert_int_equal(verify_arch(fx, &b, 1, NULL), QUIRE_E_STATEMENT);
        assert_int_equal(verify_arch(fx, &b, 0, NULL), QUIRE_E_STATEMENT);
        fz_free(&b);
    }
    /* index digest repaired in the statement, root not */
    {
        fz_arch b;
        quire__statement st;
        fz_vec keep, ix;
        uint8_t old_root[32];
        memset(&keep, 0, sizeof keep);
        memset(&ix, 0, sizeof ix);
        fz_copy(&b, &a);
        assert_int_equal(fz_statement_get(&b, &st, &keep), 0);
        memcpy(old_root, st.root, 32);
        fz_vec_free(&keep);
        attacker_repair(&b);
        assert_int_equal(fz_statement_get(&b, &st, &keep), 0);
        memcpy(st.root, old_root, 32);
        assert_int_equal(fz_statement_put(&b, &st), 0);
        fz_vec_free(&keep);
        assert_int_equal(verify_arch(fx, &b, 0, NULL), QUIRE_E_ROOT);
        fz_free(&b);
    }
    /* everything repaired: only the signature can tell */
    attacker_repair(&a);
    {
        quire_verify_summary sum;
        assert_int_equal(verify_arch(fx, &a, 0, &sum), QUIRE_E_SIG);
        assert_int_equal(sum.valid_signatures, 0);
        assert_int_equal(verify_arch(fx, &a, 1, NULL), QUIRE_E_SIG);
    }
    fz_free(&a);
    fz_vec_free(&r);
    fz_vec_free(&v);
}

static void
test_swap_two_articles(void **state)
{
    const fixture *fx = (const fixture *)*state;
    fz_records *rs = (fz_records *)calloc(1, sizeof *rs);
    fz_vec v, t;
    fz_arch a;
    assert_non_null(rs);
    memset(&v, 0, sizeof v);
    build(10, archive_a, fx->archivist.sk, 1024, &v);
    load(&a, &v);
    assert_int_equal(fz_records_get(&a, rs), 0);
    assert_int_equal(rs->n, 10);
    t = rs->r[2];
    rs->r[2] = rs->r[7];
    rs->r[7] = t;
    fz_records_put(&a, rs);
    attacker_repair(&a);
    assert_int_equal(verify_arch(fx, &a, 0, NULL), QUIRE_E_SIG);
    assert_int_equal(verify_arch(fx, &a, 1, NULL), QUIRE_E_SIG);
    fz_free(&a);
    fz_records_free(rs);
    free(rs);
    fz_vec_free(&v);
}

static void
test_drop_an_article(void **state)
{
    const fixture *fx = (const fixture *)*state;
    fz_records *rs = (fz_records *)calloc(1, sizeof *rs);
    fz_vec v;
    fz_arch a;
    size_t i;
    assert_non_null(rs);
    memset(&v, 0, sizeof v);
    build(10, archive_a, fx->archivist.sk, 1024, &v);
    load(&a, &v);
    assert_int_equal(fz_records_get(&a, rs), 0);
    fz_vec_free(&rs->r[9]); /* the last one: nothing else moves */
    rs->n = 9;
    fz_records_put(&a, rs);
    {
        /* with the statement left alone, its tree size tells */
        fz_arch b;
        fz_copy(&b, &a);
        assert_int_equal(fz_fix_index(&b), 0);
        assert_int_equal(fz_fix_trailer(&b), 0);
        assert_int_equal(verify_arch(fx, &b, 1, NULL), QUIRE_E_STATEMENT);
        fz_free(&b);
    }
    attacker_repair(&a);
    assert_int_equal(verify_arch(fx, &a, 0, NULL), QUIRE_E_SIG);
    fz_free(&a);
    fz_records_free(rs);

    /* one from the middle */
    load(&a, &v);
    assert_int_equal(fz_records_get(&a, rs), 0);
    fz_vec_free(&rs->r[3]);
    for (i = 3; i + 1 < rs->n; i++) {
        rs->r[i] = rs->r[i + 1];
    }
    memset(&rs->r[rs->n - 1], 0, sizeof rs->r[0]);
    rs->n--;
    fz_records_put(&a, rs);
    attacker_repair(&a);
    assert_int_equal(verify_arch(fx, &a, 0, NULL), QUIRE_E_SIG);
    fz_free(&a);
    fz_records_free(rs);
    free(rs);
    fz_vec_free(&v);
}

/* ====================================================================
 * Seals taken from elsewhere
 * ==================================================================== */

/* The payload of the latest SEAL frame of an archive. */
static void
seal_of(const fz_vec *v, fz_vec *seal)
{
    fz_arch a;
    long s;
    load(&a, v);
    s = fz_last(&a, QUIRE__FT_SEAL);
    assert_true(s >= 0);
    fz_vec_set(seal, a.f[s].pl.p, a.f[s].pl.len);
    fz_free(&a);
}

/* Replaces the latest seal of a with payload, fixes the trailer. */
static void
put_seal(fz_arch *a, const fz_vec *payload)
{
    long s = fz_last(a, QUIRE__FT_SEAL);
    assert_true(s >= 0);
    fz_vec_set(&a->f[s].pl, payload->p, payload->len);
    assert_int_equal(fz_fix_trailer(a), 0);
}

/* A genuine older seal (10 articles) over a newer archive of 11 articles by
 * the same key and archive id. */
static void
test_replay_older_seal(void **state)
{
    const fixture *fx = (const fixture *)*state;
    fz_vec v10, v11, seal10;
    fz_arch a;
    quire_verify_summary sum;
    int e;
    memset(&v10, 0, sizeof v10);
    memset(&v11, 0, sizeof v11);
    memset(&seal10, 0, sizeof seal10);
    build(10, archive_a, fx->archivist.sk, 1024, &v10);
    build(11, archive_a, fx->archivist.sk, 1024, &v11);
    assert_int_equal(verify_bytes(fx, v10.p, v10.len, 0, NULL), QUIRE_OK);
    assert_int_equal(verify_bytes(fx, v11.p, v11.len, 0, NULL), QUIRE_OK);
    seal_of(&v10, &seal10);
    load(&a, &v11);
    put_seal(&a, &seal10);
    e = verify_arch(fx, &a, 0, &sum);
    assert_true(e == QUIRE_E_STATEMENT || e == QUIRE_E_ROOT);
    assert_int_equal(e, QUIRE_E_STATEMENT); /* the tree size is checked first */
    assert_int_equal(sum.valid_signatures, 1); /* the seal itself is genuine */
    assert_int_equal(sum.tree_size, 11);
    e = verify_arch(fx, &a, 1, NULL);
    assert_true(e == QUIRE_E_STATEMENT || e == QUIRE_E_ROOT);
    fz_free(&a);

    /* and the 11-article seal over the 10 articles */
    {
        fz_vec seal11;
        memset(&seal11, 0, sizeof seal11);
        seal_of(&v11, &seal11);
        load(&a, &v10);
        put_seal(&a, &seal11);
        e = verify_arch(fx, &a, 0, NULL);
        assert_true(e == QUIRE_E_STATEMENT || e == QUIRE_E_ROOT);
        fz_free(&a);
        fz_vec_free(&seal11);
    }
    fz_vec_free(&seal10);
    fz_vec_free(&v10);
    fz_vec_free(&v11);
}

/* A genuine statement for another archive id (same articles, same key). */
static void
test_statement_for_another_archive(void **state)
{
    const fixture *fx = (const fixture *)*state;
    fz_vec va, vb, seal_b;
    fz_arch a;
    memset(&va, 0, sizeof va);
    memset(&vb, 0, sizeof vb);
    memset(&seal_b, 0, sizeof seal_b);
    build(6, archive_a, fx->archivist.sk, 1024, &va);
    build(6, archive_b, fx->archivist.sk, 1024, &vb);
    assert_int_equal(verify_bytes(fx, vb.p, vb.len, 0, NULL), QUIRE_OK);
    seal_of(&vb, &seal_b);
    load(&a, &va);
    put_seal(&a, &seal_b);
    assert_int_equal(verify_arch(fx, &a, 0, NULL), QUIRE_E_ARCHIVE_ID);
    assert_int_equal(verify_arch(fx, &a, 1, NULL), QUIRE_E_ARCHIVE_ID);
    fz_free(&a);

    /* or the archive's index given the other id: its digest then differs
     * from the statement's, and the statement cannot be re-signed */
    load(&a, &vb);
    {
        fz_vec ix;
        memset(&ix, 0, sizeof ix);
        assert_int_equal(fz_index_raw(&a, &ix), 0);
        memcpy(ix.p, archive_a, 16);
        fz_index_set_raw(&a, ix.p, ix.len);
        fz_vec_free(&ix);
    }
    assert_int_equal(fz_fix_trailer(&a), 0);
    assert_int_equal(verify_arch(fx, &a, 0, NULL), QUIRE_E_ARCHIVE_ID);
    fz_free(&a);
    fz_vec_free(&seal_b);
    fz_vec_free(&va);
    fz_vec_free(&vb);
}

/* ====================================================================
 * Signatures by other keys
 * ==================================================================== */

/* Changes article 2, repairs everything, and re-signs the seal with key,
 * naming key_id and key's public key in the signature entry. */
static void
forge_with(fz_arch *a, const fz_key *key)
{
    fz_vec r;
    fz_rview rv;
    fz_sealview sv;
    long s;
    uint8_t *e;
    memset(&r, 0, sizeof r);
    assert_int_equal(fz_record_get(a, 2, &r), 0);
    assert_int_equal(fz_record_view(r.p, r.len, &rv), 0);
    r.p[fz_field(&rv, QUIRE_F_TITLE)->val_at + 11] ^= 0x20;
    assert_int_equal(fz_record_put(a, 2, r.p, r.len), 0);
    fz_vec_free(&r);
    assert_int_equal(fz_fix_index(a), 0);
    assert_int_equal(fz_seal_view(a, &sv, &s), 0);
    e = a->f[s].pl.p + sv.sig_at[0];
    memcpy(e + 2 + e[1], key->pk.key_id, 8);
    memcpy(e + 2 + e[1] + 8, key->pk.pk, 32);
    assert_int_equal(fz_fix_seal(a, key, 1), 0);
    assert_int_equal(fz_fix_trailer(a), 0);
}

static void
test_signature_by_untrusted_key(void **state)
{
    const fixture *fx = (const fixture *)*state;
    quire_verify_summary sum;
    fz_vec v;
    fz_arch a;
    memset(&v, 0, sizeof v);
    build(8, archive_a, fx->archivist.sk, 1024, &v);
    load(&a, &v);
    forge_with(&a, &fx->mallory);
    assert_int_equal(verify_arch(fx, &a, 0, &sum), QUIRE_E_UNTRUSTED);
    assert_int_equal(sum.valid_signatures, 1); /* a good signature, by nobody we trust */
    assert_int_equal(sum.trusted_signatures, 0);
    assert_int_equal(verify_arch(fx, &a, 1, NULL), QUIRE_E_UNTRUSTED);
    fz_free(&a);

    /* an archive built honestly by the untrusted key */
    build(8, archive_a, fx->mallory.sk, 1024, &v);
    assert_int_equal(verify_bytes(fx, v.p, v.len, 0, NULL), QUIRE_E_UNTRUSTED);
    fz_vec_free(&v);
}

static void
test_key_id_matches_key_does_not(void **state)
{
    const fixture *fx = (const fixture *)*state;
    quire_verify_summary sum;
    fz_vec v;
    fz_arch a;
    int e;
    memset(&v, 0, sizeof v);
    build(8, archive_a, fx->archivist.sk, 1024, &v);
    load(&a, &v);
    forge_with(&a, &fx->forger); /* key id ARCHIVE1, another key */
    e = verify_arch(fx, &a, 0, &sum);
    assert_true(e == QUIRE_E_UNTRUSTED || e == QUIRE_E_SIG);
    assert_int_equal(sum.trusted_signatures, 0);
    fz_free(&a);

    /* the forger's key id with the archivist's public key: the signature
     * does not verify */
    load(&a, &v);
    forge_with(&a, &fx->forger);
    {
        fz_sealview sv;
        long s;
        uint8_t *en;
        assert_int_equal(fz_seal_view(&a, &sv, &s), 0);
        en = a.f[s].pl.p + sv.sig_at[0];
        memcpy(en + 2 + en[1] + 8, fx->archivist.pk.pk, 32);
    }
    e = verify_arch(fx, &a, 0, &sum);
    assert_true(e == QUIRE_E_UNTRUSTED || e == QUIRE_E_SIG);
    assert_int_equal(e, QUIRE_E_SIG);
    fz_free(&a);
    fz_vec_free(&v);
}

static void
test_truncated_signature_list(void **state)
{
    const fixture *fx = (const fixture *)*state;
    fz_vec v;
    fz_arch a;
    fz_sealview sv;
    long s;
    int e;
    size_t cut;
    memset(&v, 0, sizeof v);
    build(5, archive_a, fx->archivist.sk, 1024, &v);
    /* the entry cut at several places, its count kept */
    for (cut = 1; cut <= 106; cut += 15) {
        load(&a, &v);
        assert_int_equal(fz_seal_view(&a, &sv, &s), 0);
        a.f[s].pl.len -= cut;
        assert_int_equal(fz_fix_trailer(&a), 0);
        e = verify_arch(fx, &a, 0, NULL);
        assert_true(e == QUIRE_E_TRUNCATED || e == QUIRE_E_SEAL);
        fz_free(&a);
    }
    /* the whole entry removed and the count set to 0: no signature left */
    load(&a, &v);
    assert_int_equal(fz_seal_view(&a, &sv, &s), 0);
    a.f[s].pl.len = sv.count_at + 2;
    quire__st16(a.f[s].pl.p + sv.count_at, 0);
    assert_int_equal(fz_fix_trailer(&a), 0);
    e = verify_arch(fx, &a, 0, NULL);
    assert_true(e == QUIRE_E_UNSIGNED || e == QUIRE_E_UNTRUSTED);
    fz_free(&a);
    fz_vec_free(&v);
}

/* ====================================================================
 * Every byte
 * ==================================================================== */

/* Flipping any single byte of a small signed archive makes full
 * verification fail (two articles, two blocks), with one exception the
 * format mandates: the header's minor version (offset 11) is neither
 * checked nor signed, since a 1.x reader MUST accept any minor version of
 * major 1 (spec/FORMAT.md 2). */
static void
test_every_byte_flip_fails(void **state)
{
    const fixture *fx = (const fixture *)*state;
    fz_vec v;
    uint8_t *p;
    size_t i, k;
    static const uint8_t masks[] = {0x01, 0x80, 0xFF};
    memset(&v, 0, sizeof v);
    build(2, archive_a, fx->archivist.sk, 1024, &v);
    assert_int_equal(verify_bytes(fx, v.p, v.len, 0, NULL), QUIRE_OK);
    p = (uint8_t *)malloc(v.len);
    assert_non_null(p);
    for (k = 0; k < sizeof masks; k++) {
        for (i = 0; i < v.len; i++) {
            int e;
            memcpy(p, v.p, v.len);
            p[i] ^= masks[k];
            e = verify_bytes(fx, p, v.len, 0, NULL);
            if (i == 11) {
                /* the minor version: accepted, whatever its value */
                assert_int_equal(e, QUIRE_OK);
                continue;
            }
            if (e == QUIRE_OK) {
                print_error("byte %zu ^ 0x%02x verifies\n", i, (unsigned)masks[k]);
                free(p);
                fz_vec_free(&v);
            }
            assert_int_not_equal(e, QUIRE_OK);
            assert_true(e < 0);
        }
    }
    free(p);
    fz_vec_free(&v);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_intact_verifies),
        cmocka_unit_test(test_change_one_byte),
        cmocka_unit_test(test_swap_two_articles),
        cmocka_unit_test(test_drop_an_article),
        cmocka_unit_test(test_replay_older_seal),
        cmocka_unit_test(test_statement_for_another_archive),
        cmocka_unit_test(test_signature_by_untrusted_key),
        cmocka_unit_test(test_key_id_matches_key_does_not),
        cmocka_unit_test(test_truncated_signature_list),
        cmocka_unit_test(test_every_byte_flip_fails),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
