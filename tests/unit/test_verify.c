/* test_verify.c - the verifier API (quire.h "Verification"): the findings
 * stream, the summary, the Merkle root against an independent RFC 9162
 * computation, fast and full modes, strict mode, minimum signatures,
 * required roles, and co-signing with quire_cosign_file. */
#define _POSIX_C_SOURCE 200809L
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <unistd.h>

#include "quire.h"
#include "../vectors/forge.h"
#include "helpers.h"

/* ====================================================================
 * Fixtures
 * ==================================================================== */

enum { ARCHIVIST, WITNESS, NOTARY, PUBLISHER, STRANGER, N_KEYS };

static const char *const key_names[N_KEYS] = {"archivist", "witness", "notary", "publisher",
                                              "stranger"};
static fz_key keys[N_KEYS];
static const uint8_t the_id[16] = {'v', 'e', 'r', 'i', 'f', 'y', ' ', 't',
                                   'e', 's', 't', 's', ' ', 'v', '0', '1'};
#define CREATED ((int64_t)1700000000)

static int
setup(void **state)
{
    size_t i;
    (void)state;
    for (i = 0; i < N_KEYS; i++) {
        char label[64];
        uint8_t id[8];
        snprintf(label, sizeof label, "verify tests: %s", key_names[i]);
        memset(id, 0, sizeof id);
        memcpy(id, key_names[i], strlen(key_names[i]) < 8 ? strlen(key_names[i]) : 8);
        if (fz_key_from_seed(label, id, &keys[i]) != 0) {
            return -1;
        }
    }
    return 0;
}

static int
teardown(void **state)
{
    size_t i;
    (void)state;
    for (i = 0; i < N_KEYS; i++) {
        fz_key_free(&keys[i]);
    }
    return 0;
}

typedef struct spec {
    int level;
    int signer[4]; /* key indices, -1 ends */
    int role[4];
    const char *role_name[4];
    int publisher; /* key index or -1 */
    int page;      /* QUIRE_OPT_INDEX_PAGE, 0 for the default */
} spec;

static const spec ONE = {6, {ARCHIVIST, -1, -1, -1}, {QUIRE_ROLE_ARCHIVIST, 0, 0, 0},
                         {NULL, NULL, NULL, NULL}, -1, 0};
static const spec THREE = {6,
                           {ARCHIVIST, WITNESS, NOTARY, -1},
                           {QUIRE_ROLE_ARCHIVIST, QUIRE_ROLE_WITNESS, QUIRE_ROLE_NAMED, 0},
                           {NULL, NULL, "notary", NULL},
                           -1,
                           0};
static const spec UNSIGNED = {6, {-1, -1, -1, -1}, {0, 0, 0, 0}, {NULL, NULL, NULL, NULL}, -1, 0};
static const spec STORED = {0, {ARCHIVIST, -1, -1, -1}, {QUIRE_ROLE_ARCHIVIST, 0, 0, 0},
                            {NULL, NULL, NULL, NULL}, -1, 0};

static int
vec_write(void *ctx, const void *buf, size_t len)
{
    fz_vec_put((fz_vec *)ctx, buf, len);
    return 0;
}

static quire_article *
article(size_t i, const quire_seckey *publisher)
{
    quire_article *a = NULL;
    char id[32], url[96], title[96], body[300];
    snprintf(id, sizeof id, "bulletin-%03zu", i);
    snprintf(url, sizeof url, "https://bulletin.example/%zu", i);
    snprintf(title, sizeof title, "Bulletin %zu: ferry timetable changes", i);
    snprintf(body, sizeof body,
             "Bulletin %zu. From Monday the first ferry leaves at 06:40, ten minutes earlier, "
             "to meet the new train to the city.",
             i);
    assert_int_equal(quire_article_new(&a, NULL), 0);
    assert_int_equal(quire_article_set(a, QUIRE_F_ID, QUIRE_T_TEXT, id, strlen(id)), 0);
    assert_int_equal(quire_article_set(a, QUIRE_F_URL, QUIRE_T_TEXT, url, strlen(url)), 0);
    assert_int_equal(quire_article_set(a, QUIRE_F_TITLE, QUIRE_T_TEXT, title, strlen(title)), 0);
    assert_int_equal(quire_article_set(a, QUIRE_F_PUBLISHED, QUIRE_T_TIME, "2024-05-06", 10), 0);
    assert_int_equal(quire_article_add_part(a, "body", 4, "text/plain", 10, body, strlen(body)),
                     0);
    if (publisher != NULL) {
        assert_int_equal(quire_article_sign_publisher(a, publisher), 0);
    }
    return a;
}

static void
build(const spec *s, size_t n, fz_vec *out)
{
    quire_writer *w = NULL;
    size_t i;
    out->len = 0;
    assert_int_equal(quire_writer_new(&w, NULL), 0);
    assert_int_equal(quire_writer_set_option(w, QUIRE_OPT_BLOCK_SIZE, 1024), 0);
    assert_int_equal(quire_writer_set_option(w, QUIRE_OPT_LEVEL, s->level), 0);
    if (s->page != 0) {
        assert_int_equal(quire_writer_set_option(w, QUIRE_OPT_INDEX_PAGE, s->page), 0);
    }
    assert_int_equal(quire_writer_set_archive_id(w, the_id), 0);
    assert_int_equal(quire_writer_set_checkpoint(w, CREATED, "verify tests", 12), 0);
    for (i = 0; i < 4 && s->signer[i] >= 0; i++) {
        assert_int_equal(
            quire_writer_add_signer(w, keys[s->signer[i]].sk, s->role[i], s->role_name[i]), 0);
    }
    assert_int_equal(quire_writer_open(w, vec_write, out, NULL), 0);
    for (i = 0; i < n; i++) {
        quire_article *a = article(i, s->publisher >= 0 ? keys[s->publisher].sk : NULL);
        assert_int_equal(quire_writer_add(w, a, NULL, NULL), 0);
        quire_article_free(a);
    }
    assert_int_equal(quire_writer_finish(w, NULL), 0);
    quire_writer_free(w);
}

/* A keyring of the given keys, each trusted in its natural role ("notary"
 * as a named role); -1 ends the list. */
static quire_keyring *
ring(int k0, int k1, int k2, int k3)
{
    quire_keyring *kr = NULL;
    int ks[4], i;
    ks[0] = k0;
    ks[1] = k1;
    ks[2] = k2;
    ks[3] = k3;
    assert_int_equal(quire_keyring_new(&kr), 0);
    for (i = 0; i < 4 && ks[i] >= 0; i++) {
        int role = ks[i] == ARCHIVIST   ? QUIRE_ROLE_ARCHIVIST
                   : ks[i] == WITNESS   ? QUIRE_ROLE_WITNESS
                   : ks[i] == PUBLISHER ? QUIRE_ROLE_PUBLISHER
                   : ks[i] == NOTARY    ? QUIRE_ROLE_NAMED
                                        : QUIRE_ROLE_ANY;
        assert_int_equal(quire_keyring_add(kr, &keys[ks[i]].pk, key_names[ks[i]], role,
                                           role == QUIRE_ROLE_NAMED ? "notary" : NULL),
                         0);
    }
    return kr;
}

/* ---- the findings stream, copied ---- */

#define MAX_FINDINGS 64

typedef struct found {
    int code, severity;
    uint64_t offset;
    int64_t frame, article;
    char what[64];
    int has_signer;
    int s_index, s_role, s_valid, s_trusted;
    char s_role_name[80], s_label[80];
    uint8_t s_key_id[8];
} found;

typedef struct stream {
    found f[MAX_FINDINGS];
    size_t n;      /* delivered */
    size_t stop_after; /* 0: never stop */
} stream;

static int
collect(void *ctx, const quire_finding *f)
{
    stream *s = (stream *)ctx;
    found *o;
    assert_non_null(f->what);
    assert_non_null(f->message);
    if (s->n < MAX_FINDINGS) {
        o = &s->f[s->n];
        memset(o, 0, sizeof *o);
        o->code = f->code;
        o->severity = f->severity;
        o->offset = f->offset;
        o->frame = f->frame;
        o->article = f->article;
        snprintf(o->what, sizeof o->what, "%s", f->what);
        if (f->signer != NULL) {
            o->has_signer = 1;
            o->s_index = f->signer->index;
            o->s_role = f->signer->role;
            o->s_valid = f->signer->valid;
            o->s_trusted = f->signer->trusted;
            snprintf(o->s_role_name, sizeof o->s_role_name, "%s",
                     f->signer->role_name != NULL ? f->signer->role_name : "(null)");
            snprintf(o->s_label, sizeof o->s_label, "%s",
                     f->signer->label != NULL ? f->signer->label : "(null)");
            memcpy(o->s_key_id, f->signer->key.key_id, 8);
        }
    }
    s->n++;
    return s->stop_after != 0 && s->n >= s->stop_after;
}

static const found *
first_error(const stream *s)
{
    size_t i;
    for (i = 0; i < s->n && i < MAX_FINDINGS; i++) {
        if (s->f[i].severity == QUIRE_SEV_ERROR) {
            return &s->f[i];
        }
    }
    return NULL;
}

static size_t
count_sev(const stream *s, int sev)
{
    size_t i, n = 0;
    for (i = 0; i < s->n && i < MAX_FINDINGS; i++) {
        n += s->f[i].severity == sev;
    }
    return n;
}

typedef struct opts {
    const quire_keyring *kr;
    int fast, strict;
    int64_t min;
    int roles[4];
    const char *names[4];
    size_t n_roles;
} opts;

/* Runs a verification; checks the invariants every run must keep (return
 * code = first error finding's code, summary counts = findings by
 * severity, valid = no error). */
static int
run(const opts *o, const uint8_t *p, size_t n, stream *s, quire_verify_summary *sum)
{
    quire_verifier *v = NULL;
    size_t i;
    int e;
    memset(s, 0, sizeof *s);
    assert_int_equal(quire_verifier_new(&v, NULL), 0);
    if (o->kr != NULL) {
        assert_int_equal(quire_verifier_set_keyring(v, o->kr), 0);
    }
    assert_int_equal(quire_verifier_set_option(v, QUIRE_VERIFY_FAST, o->fast), 0);
    assert_int_equal(quire_verifier_set_option(v, QUIRE_VERIFY_STRICT, o->strict), 0);
    assert_int_equal(quire_verifier_set_option(v, QUIRE_VERIFY_MIN_SIGNATURES, o->min), 0);
    for (i = 0; i < o->n_roles; i++) {
        assert_int_equal(quire_verifier_require_role(v, o->roles[i], o->names[i]), 0);
    }
    e = quire_verifier_run_memory(v, p, n, collect, s, sum);
    quire_verifier_free(v);
    assert_true(s->n <= MAX_FINDINGS);
    assert_int_equal(sum->errors, count_sev(s, QUIRE_SEV_ERROR));
    assert_int_equal(sum->warnings, count_sev(s, QUIRE_SEV_WARNING));
    assert_int_equal(sum->valid, sum->errors == 0);
    if (e == QUIRE_OK) {
        assert_null(first_error(s));
    } else {
        const found *fe = first_error(s);
        assert_non_null(fe);
        assert_true(e < 0);
        /* quire.h: the code of the first error finding */
        assert_int_equal(fe->code, e);
    }
    /* an error finding carries an error code (REPORT.md: QUIRE_OK is for
     * information) */
    for (i = 0; i < s->n; i++) {
        if (s->f[i].severity == QUIRE_SEV_ERROR) {
            assert_true(s->f[i].code < 0);
        }
    }
    return e;
}

static int
run_vec(const opts *o, const fz_vec *v, stream *s, quire_verify_summary *sum)
{
    return run(o, v->p, v->len, s, sum);
}

static uint64_t
seal_offset(const fz_vec *v)
{
    fz_arch a;
    uint64_t off;
    assert_int_equal(fz_parse(&a, v->p, v->len), 0);
    off = fz_off(&a, (size_t)fz_last(&a, QUIRE__FT_SEAL));
    fz_free(&a);
    return off;
}

/* ====================================================================
 * The findings stream and the summary
 * ==================================================================== */

static void
test_signers_listed(void **state)
{
    fz_vec v;
    stream s;
    quire_verify_summary sum;
    opts o;
    quire_keyring *kr = ring(ARCHIVIST, WITNESS, -1, -1);
    size_t i, k = 0;
    (void)state;
    memset(&v, 0, sizeof v);
    memset(&o, 0, sizeof o);
    build(&THREE, 4, &v);

    /* archivist and witness trusted, the notary not */
    o.kr = kr;
    assert_int_equal(run_vec(&o, &v, &s, &sum), QUIRE_OK);
    assert_int_equal(sum.signatures, 3);
    assert_int_equal(sum.valid_signatures, 3);
    assert_int_equal(sum.trusted_signatures, 2);
    assert_int_equal(sum.errors, 0);
    assert_int_equal(sum.warnings, 0);
    assert_int_equal(s.n, 3);
    for (i = 0; i < s.n; i++) {
        const found *f = &s.f[i];
        assert_int_equal(f->severity, QUIRE_SEV_INFO);
        assert_int_equal(f->code, QUIRE_OK);
        assert_true(f->has_signer);
        assert_int_equal(f->s_index, (int)k);
        assert_int_equal(f->s_valid, 1);
        assert_int_equal(f->frame, (int64_t)seal_offset(&v));
        assert_int_equal(f->article, -1);
        k++;
    }
    assert_int_equal(s.f[0].s_role, QUIRE_ROLE_ARCHIVIST);
    assert_string_equal(s.f[0].s_role_name, "archivist");
    assert_int_equal(s.f[0].s_trusted, 1);
    assert_string_equal(s.f[0].s_label, "archivist");
    assert_memory_equal(s.f[0].s_key_id, keys[ARCHIVIST].pk.key_id, 8);
    assert_int_equal(s.f[1].s_role, QUIRE_ROLE_WITNESS);
    assert_string_equal(s.f[1].s_role_name, "witness");
    assert_int_equal(s.f[1].s_trusted, 1);
    assert_string_equal(s.f[1].s_label, "witness");
    assert_int_equal(s.f[2].s_role, QUIRE_ROLE_NAMED);
    assert_string_equal(s.f[2].s_role_name, "notary");
    assert_int_equal(s.f[2].s_trusted, 0);
    assert_string_equal(s.f[2].s_label, "(null)");
    /* the signature findings point at their entries, in order */
    assert_true(s.f[0].offset > seal_offset(&v));
    assert_true(s.f[1].offset > s.f[0].offset);
    assert_true(s.f[2].offset > s.f[1].offset);

    /* without keys: the same signers, untrusted, and one warning */
    o.kr = NULL;
    assert_int_equal(run_vec(&o, &v, &s, &sum), QUIRE_OK);
    assert_int_equal(sum.trusted_signatures, 0);
    assert_int_equal(sum.valid_signatures, 3);
    assert_int_equal(sum.warnings, 1);
    assert_int_equal(count_sev(&s, QUIRE_SEV_INFO), 3);
    for (i = 0; i < s.n; i++) {
        if (s.f[i].has_signer) {
            assert_int_equal(s.f[i].s_trusted, 0);
            assert_string_equal(s.f[i].s_label, "(null)");
        }
    }

    /* the witness signature damaged: an error finding naming that signer */
    {
        fz_arch a;
        fz_sealview sv;
        long sl;
        uint8_t *p;
        size_t n;
        assert_int_equal(fz_parse(&a, v.p, v.len), 0);
        assert_int_equal(fz_seal_view(&a, &sv, &sl), 0);
        a.f[sl].pl.p[sv.sig_end[1] - 7] ^= 0x10;
        p = fz_emit(&a, &n);
        o.kr = kr;
        assert_int_equal(run(&o, p, n, &s, &sum), QUIRE_E_SIG);
        assert_int_equal(sum.valid_signatures, 2);
        assert_int_equal(sum.trusted_signatures, 1);
        assert_non_null(first_error(&s));
        assert_true(first_error(&s)->has_signer);
        assert_int_equal(first_error(&s)->s_index, 1);
        assert_int_equal(first_error(&s)->s_valid, 0);
        assert_int_equal(first_error(&s)->offset, fz_off(&a, (size_t)sl) + 12 + sv.sig_at[1]);
        assert_string_equal(first_error(&s)->what, "seal signature");
        free(p);
        fz_free(&a);
    }
    quire_keyring_free(kr);
    fz_vec_free(&v);
}

/* The callback may stop the stream; the result and the summary still
 * count every finding. */
static void
test_stream_stops_early(void **state)
{
    fz_vec v;
    quire_verifier *ver = NULL;
    quire_verify_summary sum;
    stream s;
    uint8_t *p;
    size_t n;
    (void)state;
    memset(&v, 0, sizeof v);
    build(&THREE, 3, &v);
    /* two damaged signatures: two errors */
    {
        fz_arch a;
        fz_sealview sv;
        long sl;
        assert_int_equal(fz_parse(&a, v.p, v.len), 0);
        assert_int_equal(fz_seal_view(&a, &sv, &sl), 0);
        a.f[sl].pl.p[sv.sig_end[0] - 3] ^= 0x01;
        a.f[sl].pl.p[sv.sig_end[2] - 3] ^= 0x01;
        p = fz_emit(&a, &n);
        fz_free(&a);
    }
    memset(&s, 0, sizeof s);
    s.stop_after = 1;
    assert_int_equal(quire_verifier_new(&ver, NULL), 0);
    assert_int_equal(quire_verifier_run_memory(ver, p, n, collect, &s, &sum), QUIRE_E_SIG);
    assert_int_equal(s.n, 1);
    assert_int_equal(s.f[0].code, QUIRE_E_SIG);
    assert_true(sum.errors >= 2);
    assert_int_equal(sum.valid, 0);
    /* no callback at all, no summary: the result alone */
    assert_int_equal(quire_verifier_run_memory(ver, p, n, NULL, NULL, NULL), QUIRE_E_SIG);
    assert_int_equal(quire_verifier_run_memory(ver, v.p, v.len, NULL, NULL, NULL), QUIRE_OK);
    quire_verifier_free(ver);
    free(p);
    fz_vec_free(&v);
}

static void
test_summary_fields(void **state)
{
    fz_vec v;
    stream s;
    quire_verify_summary sum, sum_file;
    opts o;
    quire_keyring *kr = ring(ARCHIVIST, -1, -1, -1);
    char path[] = "/tmp/quire-test-verify-XXXXXX";
    int fd;
    quire_verifier *ver = NULL;
    (void)state;
    memset(&v, 0, sizeof v);
    memset(&o, 0, sizeof o);
    build(&ONE, 7, &v);
    o.kr = kr;
    assert_int_equal(run_vec(&o, &v, &s, &sum), QUIRE_OK);
    assert_int_equal(sum.valid, 1);
    assert_int_equal(sum.errors, 0);
    assert_int_equal(sum.warnings, 0);
    assert_int_equal(sum.articles, 7);
    assert_int_equal(sum.checked, 7);
    assert_int_equal(sum.sealed, 1);
    assert_int_equal(sum.checkpoint, 0);
    assert_int_equal(sum.tree_size, 7);
    assert_int_equal(sum.created, CREATED);
    assert_memory_equal(sum.archive_id, the_id, 16);
    assert_int_equal(sum.signatures, 1);
    assert_int_equal(sum.valid_signatures, 1);
    assert_int_equal(sum.trusted_signatures, 1);
    assert_int_equal(sum.publisher_signed, 0);
    assert_int_equal(sum.publisher_valid, 0);

    /* fast: the same, but no record checked */
    o.fast = 1;
    assert_int_equal(run_vec(&o, &v, &s, &sum), QUIRE_OK);
    assert_int_equal(sum.articles, 7);
    assert_int_equal(sum.checked, 0);
    assert_int_equal(sum.trusted_signatures, 1);

    /* the file and memory entry points agree */
    fd = mkstemp(path);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, v.p, v.len), (ssize_t)v.len);
    close(fd);
    assert_int_equal(quire_verifier_new(&ver, NULL), 0);
    assert_int_equal(quire_verifier_set_keyring(ver, kr), 0);
    assert_int_equal(quire_verifier_run_file(ver, path, NULL, NULL, &sum_file), QUIRE_OK);
    assert_int_equal(quire_verifier_run_memory(ver, v.p, v.len, NULL, NULL, &sum), QUIRE_OK);
    assert_memory_equal(&sum, &sum_file, sizeof sum);
    unlink(path);
    assert_int_equal(quire_verifier_run_file(ver, path, NULL, NULL, &sum_file), QUIRE_E_IO);
    quire_verifier_free(ver);

    /* publisher signatures counted in full mode */
    {
        spec ps = ONE;
        ps.publisher = PUBLISHER;
        build(&ps, 3, &v);
        o.fast = 0;
        assert_int_equal(run_vec(&o, &v, &s, &sum), QUIRE_OK);
        assert_int_equal(sum.publisher_signed, 3);
        assert_int_equal(sum.publisher_valid, 3);
        /* the publisher key is not trusted by this keyring: warnings */
        assert_int_equal(sum.warnings, 3);
        o.fast = 1;
        assert_int_equal(run_vec(&o, &v, &s, &sum), QUIRE_OK);
        assert_int_equal(sum.publisher_signed, 0);
    }
    quire_keyring_free(kr);
    fz_vec_free(&v);
}

/* ====================================================================
 * The Merkle root, computed independently (RFC 9162 2.1.1, BLAKE2b-256)
 * ==================================================================== */

static void
h_leaf(uint8_t out[32], const uint8_t d[32])
{
    crypto_generichash_state st;
    const uint8_t tag = 0x00;
    crypto_generichash_init(&st, NULL, 0, 32);
    crypto_generichash_update(&st, &tag, 1);
    crypto_generichash_update(&st, d, 32);
    crypto_generichash_final(&st, out, 32);
}

static void
h_node(uint8_t out[32], const uint8_t l[32], const uint8_t r[32])
{
    crypto_generichash_state st;
    const uint8_t tag = 0x01;
    crypto_generichash_init(&st, NULL, 0, 32);
    crypto_generichash_update(&st, &tag, 1);
    crypto_generichash_update(&st, l, 32);
    crypto_generichash_update(&st, r, 32);
    crypto_generichash_final(&st, out, 32);
}

/* MTH(D[0:n]): the empty hash, a leaf, or the split at the largest power
 * of two below n. */
static void
mth(uint8_t out[32], const uint8_t (*d)[32], size_t n)
{
    size_t k = 1;
    uint8_t l[32], r[32];
    if (n == 0) {
        crypto_generichash(out, 32, NULL, 0, NULL, 0);
        return;
    }
    if (n == 1) {
        h_leaf(out, d[0]);
        return;
    }
    while (k * 2 < n) {
        k *= 2;
    }
    mth(l, d, k);
    mth(r, d + k, n - k);
    h_node(out, l, r);
}

static void
test_merkle_root(void **state)
{
    static const size_t sizes[] = {0, 1, 2, 3, 5, 8};
    size_t t;
    (void)state;
    /* the empty hash (spec/FORMAT.md, Appendix B) */
    {
        static const uint8_t empty[32] = {
            0x0e, 0x57, 0x51, 0xc0, 0x26, 0xe5, 0x43, 0xb2, 0xe8, 0xab, 0x2e,
            0xb0, 0x60, 0x99, 0xda, 0xa1, 0xd1, 0xe5, 0xdf, 0x47, 0x77, 0x8f,
            0x77, 0x87, 0xfa, 0xab, 0x45, 0xcd, 0xf1, 0x2f, 0xe3, 0xa8};
        uint8_t got[32];
        mth(got, NULL, 0);
        assert_memory_equal(got, empty, 32);
    }
    for (t = 0; t < sizeof sizes / sizeof sizes[0]; t++) {
        size_t n = sizes[t], i;
        fz_vec v, keep;
        fz_arch a;
        fz_records *rs = (fz_records *)calloc(1, sizeof *rs);
        uint8_t(*d)[32] = (uint8_t(*)[32])calloc(n + 1, 32);
        uint8_t root[32];
        quire__statement st;
        stream s;
        quire_verify_summary sum;
        opts o;
        assert_non_null(rs);
        assert_non_null(d);
        memset(&v, 0, sizeof v);
        memset(&keep, 0, sizeof keep);
        memset(&o, 0, sizeof o);
        build(&ONE, n, &v);
        /* the leaves: BLAKE2b-256 of each record as stored, and of each
         * article as built */
        assert_int_equal(fz_parse(&a, v.p, v.len), 0);
        assert_int_equal(fz_records_get(&a, rs), 0);
        assert_int_equal(rs->n, n);
        for (i = 0; i < n; i++) {
            quire_article *art = article(i, NULL);
            uint8_t ad[32];
            crypto_generichash(d[i], 32, rs->r[i].p, rs->r[i].len, NULL, 0);
            assert_int_equal(quire_article_digest(art, ad), 0);
            assert_memory_equal(ad, d[i], 32);
            quire_article_free(art);
        }
        mth(root, (const uint8_t(*)[32])d, n);
        /* the verifier's root, and the one the writer sealed */
        assert_int_equal(run_vec(&o, &v, &s, &sum), QUIRE_OK);
        assert_int_equal(sum.articles, n);
        assert_int_equal(sum.tree_size, n);
        assert_memory_equal(sum.root, root, 32);
        assert_int_equal(fz_statement_get(&a, &st, &keep), 0);
        assert_memory_equal(st.root, root, 32);
        assert_int_equal(st.tree_size, n);
        fz_vec_free(&keep);
        fz_records_free(rs);
        free(rs);
        free(d);
        fz_free(&a);
        fz_vec_free(&v);
    }
}

/* ====================================================================
 * Modes and policy
 * ==================================================================== */

/* A record changed in a stored block, only the frame CRC repaired: the
 * record digest no longer matches; only full mode reads the records. */
static void
test_fast_vs_full(void **state)
{
    fz_vec v;
    fz_arch a;
    stream s;
    quire_verify_summary sum;
    opts o;
    uint8_t *p;
    size_t n, fi, pos;
    uint64_t block_at;
    quire_keyring *kr = ring(ARCHIVIST, -1, -1, -1);
    (void)state;
    memset(&v, 0, sizeof v);
    memset(&o, 0, sizeof o);
    build(&STORED, 5, &v);
    assert_int_equal(fz_parse(&a, v.p, v.len), 0);
    assert_int_equal(fz_locate(&a, 2, &fi, &pos), 0);
    {
        /* the stored block's records, length-prefixed: find article 2's */
        uint8_t *raw = a.f[fi].pl.p + QUIRE__BLOCK_HEAD;
        size_t off = 0, k;
        for (k = 0; k < pos; k++) {
            off += 4 + (size_t)quire__ld32(raw + off);
        }
        raw[off + 4 + 30] ^= 0x01;
    }
    block_at = fz_off(&a, fi);
    p = fz_emit(&a, &n);
    fz_free(&a);
    o.kr = kr;
    o.fast = 1;
    assert_int_equal(run(&o, p, n, &s, &sum), QUIRE_OK);
    assert_int_equal(sum.checked, 0);
    o.fast = 0;
    assert_int_equal(run(&o, p, n, &s, &sum), QUIRE_E_DIGEST);
    assert_int_equal(sum.checked, 4);
    assert_int_equal(sum.errors, 1);
    assert_int_equal(first_error(&s)->offset, block_at);
    assert_int_equal(first_error(&s)->article, 2);
    assert_int_equal(first_error(&s)->frame, (int64_t)block_at);
    free(p);

    /* a publisher signature that does not verify: full mode only */
    {
        spec ps = ONE;
        fz_vec r;
        fz_rview rv;
        quire_keyring *kr2 = ring(ARCHIVIST, PUBLISHER, -1, -1);
        ps.publisher = PUBLISHER;
        memset(&r, 0, sizeof r);
        build(&ps, 3, &v);
        assert_int_equal(fz_parse(&a, v.p, v.len), 0);
        assert_int_equal(fz_record_get(&a, 1, &r), 0);
        assert_int_equal(fz_record_view(r.p, r.len, &rv), 0);
        r.p[fz_field(&rv, QUIRE_F_PUBLISHER_SIG)->val_at + 50] ^= 0x01;
        assert_int_equal(fz_record_put(&a, 1, r.p, r.len), 0);
        assert_int_equal(fz_repair(&a, &keys[ARCHIVIST], 1), 0); /* re-signed by the archivist */
        p = fz_emit(&a, &n);
        o.kr = kr2;
        o.fast = 1;
        assert_int_equal(run(&o, p, n, &s, &sum), QUIRE_OK);
        o.fast = 0;
        assert_int_equal(run(&o, p, n, &s, &sum), QUIRE_E_PUBLISHER);
        assert_int_equal(sum.publisher_signed, 3);
        assert_int_equal(sum.publisher_valid, 2);
        assert_int_equal(first_error(&s)->article, 1);
        free(p);
        fz_free(&a);
        fz_vec_free(&r);
        quire_keyring_free(kr2);
    }
    quire_keyring_free(kr);
    fz_vec_free(&v);
}

/* The URL and date tables must hold exactly the entries the records call
 * for (13.3): an index re-signed without one URL entry is caught. */
static void
test_tables_cross_checked(void **state)
{
    fz_vec v, ix, nx;
    fz_arch a;
    fz_ixview iv;
    stream s;
    quire_verify_summary sum;
    opts o;
    uint8_t *p;
    size_t n, i, url_errors = 0, count_errors = 0;
    quire_keyring *kr = ring(ARCHIVIST, -1, -1, -1);
    (void)state;
    memset(&v, 0, sizeof v);
    memset(&ix, 0, sizeof ix);
    memset(&nx, 0, sizeof nx);
    memset(&o, 0, sizeof o);
    build(&ONE, 5, &v);
    o.kr = kr;
    assert_int_equal(run_vec(&o, &v, &s, &sum), QUIRE_OK); /* intact: the tables agree */
    assert_int_equal(fz_parse(&a, v.p, v.len), 0);
    assert_int_equal(fz_index_raw(&a, &ix), 0);
    assert_int_equal(fz_index_view(ix.p, ix.len, &iv), 0);
    assert_int_equal(iv.n_urls, 5);
    /* drop the URL table's third entry; the statement is re-signed over it */
    fz_vec_put(&nx, ix.p, iv.urls + 2 * QUIRE__PAIR_ENTRY);
    fz_vec_put(&nx, ix.p + iv.urls + 3 * QUIRE__PAIR_ENTRY,
               ix.len - iv.urls - 3 * QUIRE__PAIR_ENTRY);
    quire__st64(nx.p + iv.urls - 8, iv.n_urls - 1);
    fz_index_set_raw(&a, nx.p, nx.len);
    assert_int_equal(fz_fix_seal(&a, &keys[ARCHIVIST], 1), 0);
    assert_int_equal(fz_fix_trailer(&a), 0);
    p = fz_emit(&a, &n);
    assert_int_equal(run(&o, p, n, &s, &sum), QUIRE_E_INDEX);
    for (i = 0; i < s.n && i < MAX_FINDINGS; i++) {
        if (s.f[i].code == QUIRE_E_INDEX && strcmp(s.f[i].what, "URL table") == 0) {
            if (s.f[i].article >= 0) {
                url_errors++;
            } else {
                count_errors++;
            }
        }
    }
    assert_int_equal(url_errors, 1); /* the article whose entry went */
    assert_int_equal(count_errors, 1); /* 4 entries, 5 called for */
    assert_int_equal(sum.errors, 2);
    free(p);
    fz_free(&a);
    fz_vec_free(&v);
    fz_vec_free(&ix);
    fz_vec_free(&nx);
    quire_keyring_free(kr);
}

/* Count findings with this code and what. */
static size_t
count_findings(const stream *s, int code, const char *what)
{
    size_t i, k = 0;
    for (i = 0; i < s->n && i < MAX_FINDINGS; i++) {
        k += s->f[i].code == code && strcmp(s->f[i].what, what) == 0;
    }
    return k;
}

/* A paged index (7.1, codec 2) is checked whole by verify, in one pass:
 * the tables' rules, the digest and root the seal names, and the URL and
 * date tables against the records as multisets. Each change below is
 * re-signed, so only these checks can catch it. */
static void
test_paged_index(void **state)
{
    spec ps = ONE;
    fz_vec v, ix, nx;
    fz_arch a;
    fz_ixview iv;
    stream s;
    quire_verify_summary sum;
    opts o;
    uint8_t *p;
    size_t n;
    int t;
    quire_keyring *kr = ring(ARCHIVIST, -1, -1, -1);
    (void)state;
    memset(&v, 0, sizeof v);
    memset(&ix, 0, sizeof ix);
    memset(&nx, 0, sizeof nx);
    memset(&o, 0, sizeof o);
    o.kr = kr;
    ps.page = 256;
    build(&ps, 12, &v);
    assert_int_equal(fz_parse(&a, v.p, v.len), 0);
    assert_int_equal(a.f[fz_last(&a, QUIRE__FT_INDX)].pl.p[0], QUIRE__CODEC_PAGED);
    assert_int_equal(run_vec(&o, &v, &s, &sum), QUIRE_OK);
    assert_int_equal(sum.checked, 12);
    assert_int_equal(fz_index_raw(&a, &ix), 0);
    assert_int_equal(fz_index_view(ix.p, ix.len, &iv), 0);
    assert_true(ix.len > 2 * 256 && iv.n_urls == 12 && iv.n_dates == 12);
    fz_free(&a);

    for (t = 0; t < 4; t++) {
        assert_int_equal(fz_parse(&a, v.p, v.len), 0);
        fz_vec_set(&nx, ix.p, ix.len);
        if (t == 0) { /* a URL entry names the next article: same count, sorted */
            size_t at = iv.urls + 5 * QUIRE__PAIR_ENTRY + 8;
            uint64_t art = quire__ld64(nx.p + at);
            quire__st64(nx.p + at, art + 1 < iv.n_articles ? art + 1 : art - 1);
            quire__pairs_sort(nx.p + iv.urls, (size_t)iv.n_urls, 0);
        } else if (t == 1) { /* a date moved by a second, re-sorted */
            size_t at = iv.dates + 3 * QUIRE__PAIR_ENTRY;
            quire__st64(nx.p + at, quire__ld64(nx.p + at) + 1);
            quire__pairs_sort(nx.p + iv.dates, (size_t)iv.n_dates, 1);
        } else if (t == 2) { /* two URL entries swapped: out of order */
            uint8_t tmp[QUIRE__PAIR_ENTRY];
            memcpy(tmp, nx.p + iv.urls, sizeof tmp);
            memmove(nx.p + iv.urls, nx.p + iv.urls + QUIRE__PAIR_ENTRY, QUIRE__PAIR_ENTRY);
            memcpy(nx.p + iv.urls + QUIRE__PAIR_ENTRY, tmp, sizeof tmp);
        } else { /* a record placed 4 bytes late: not back to back */
            size_t at = iv.articles + 1 * QUIRE__ARTICLE_ENTRY + 36;
            quire__st32(nx.p + at, quire__ld32(nx.p + at) + 4);
        }
        fz_index_set_raw(&a, nx.p, nx.len);
        assert_int_equal(fz_fix_seal(&a, &keys[ARCHIVIST], 1), 0);
        assert_int_equal(fz_fix_trailer(&a), 0);
        p = fz_emit(&a, &n);
        if (t == 0) {
            assert_int_equal(run(&o, p, n, &s, &sum), QUIRE_E_INDEX);
            assert_int_equal(count_findings(&s, QUIRE_E_INDEX, "URL table"), 1);
            assert_int_equal(sum.errors, 1);
        } else if (t == 1) {
            assert_int_equal(run(&o, p, n, &s, &sum), QUIRE_E_INDEX);
            assert_int_equal(count_findings(&s, QUIRE_E_INDEX, "date table"), 1);
            assert_int_equal(sum.errors, 1);
        } else if (t == 2) {
            assert_int_equal(run(&o, p, n, &s, &sum), QUIRE_E_ORDER);
            assert_int_equal(count_findings(&s, QUIRE_E_ORDER, "index URL order"), 1);
        } else {
            assert_int_equal(run(&o, p, n, &s, &sum), QUIRE_E_INDEX);
            assert_int_equal(count_findings(&s, QUIRE_E_INDEX, "index record placement"), 1);
        }
        free(p);
        fz_free(&a);
    }
    fz_vec_free(&v);
    fz_vec_free(&ix);
    fz_vec_free(&nx);
    quire_keyring_free(kr);
}

/* Strict mode: a warning becomes an error, with its code. */
static void
test_strict(void **state)
{
    fz_vec v;
    stream s;
    quire_verify_summary sum;
    opts o;
    (void)state;
    memset(&v, 0, sizeof v);
    memset(&o, 0, sizeof o);

    /* no seal at all, no keys: a warning (UNSIGNED) */
    build(&ONE, 3, &v);
    {
        fz_arch a;
        uint8_t *p;
        size_t n;
        assert_int_equal(fz_parse(&a, v.p, v.len), 0);
        fz_remove(&a, (size_t)fz_last(&a, QUIRE__FT_SEAL));
        assert_int_equal(fz_fix_trailer(&a), 0);
        p = fz_emit(&a, &n);
        assert_int_equal(run(&o, p, n, &s, &sum), QUIRE_OK);
        assert_int_equal(sum.warnings, 1);
        assert_int_equal(sum.sealed, 0);
        assert_int_equal(s.f[0].code, QUIRE_E_UNSIGNED);
        assert_int_equal(s.f[0].severity, QUIRE_SEV_WARNING);
        assert_int_equal(s.f[0].offset, n - 72);
        o.strict = 1;
        assert_int_equal(run(&o, p, n, &s, &sum), QUIRE_E_UNSIGNED);
        assert_int_equal(sum.warnings, 0);
        assert_int_equal(sum.errors, 1);
        assert_int_equal(s.f[0].severity, QUIRE_SEV_ERROR);
        o.strict = 0;
        free(p);
        fz_free(&a);
    }

    /* articles signed by a publisher nobody trusts: warnings (UNTRUSTED) */
    {
        spec ps = ONE;
        quire_keyring *kr = ring(ARCHIVIST, -1, -1, -1);
        ps.publisher = STRANGER;
        build(&ps, 2, &v);
        o.kr = kr;
        assert_int_equal(run_vec(&o, &v, &s, &sum), QUIRE_OK);
        assert_int_equal(sum.warnings, 2);
        o.strict = 1;
        assert_int_equal(run_vec(&o, &v, &s, &sum), QUIRE_E_UNTRUSTED);
        assert_int_equal(sum.errors, 2);
        assert_int_equal(sum.warnings, 0);
        assert_int_equal(first_error(&s)->article, 0);
        o.strict = 0;
        o.kr = NULL;
        quire_keyring_free(kr);
    }
    fz_vec_free(&v);
}

/* Strict mode on a signed archive verified without keys: the warning "no
 * trusted keys given" becomes an error; the result and the finding must
 * agree on its code (run() checks both). */
static void
test_strict_without_keys(void **state)
{
    fz_vec v;
    stream s;
    quire_verify_summary sum;
    opts o;
    (void)state;
    memset(&v, 0, sizeof v);
    memset(&o, 0, sizeof o);
    build(&ONE, 3, &v);
    assert_int_equal(run_vec(&o, &v, &s, &sum), QUIRE_OK);
    assert_int_equal(sum.warnings, 1);
    o.strict = 1;
    assert_true(run_vec(&o, &v, &s, &sum) < 0);
    assert_int_equal(sum.errors, 1);
    fz_vec_free(&v);
}

static void
test_min_signatures(void **state)
{
    fz_vec v;
    stream s;
    quire_verify_summary sum;
    opts o;
    quire_keyring *all = ring(ARCHIVIST, WITNESS, NOTARY, -1);
    quire_keyring *one = ring(ARCHIVIST, -1, -1, -1);
    quire_verifier *ver = NULL;
    (void)state;
    memset(&v, 0, sizeof v);
    memset(&o, 0, sizeof o);
    build(&THREE, 2, &v);

    o.kr = all;
    o.min = 3;
    assert_int_equal(run_vec(&o, &v, &s, &sum), QUIRE_OK);
    assert_int_equal(sum.trusted_signatures, 3);
    o.min = 4;
    assert_int_equal(run_vec(&o, &v, &s, &sum), QUIRE_E_UNTRUSTED);
    assert_int_equal(first_error(&s)->offset, seal_offset(&v));
    o.kr = one;
    o.min = 1;
    assert_int_equal(run_vec(&o, &v, &s, &sum), QUIRE_OK);
    o.min = 2;
    assert_int_equal(run_vec(&o, &v, &s, &sum), QUIRE_E_UNTRUSTED);
    /* without keys, valid signatures count */
    o.kr = NULL;
    o.min = 3;
    assert_int_equal(run_vec(&o, &v, &s, &sum), QUIRE_OK);
    o.min = 4;
    assert_int_equal(run_vec(&o, &v, &s, &sum), QUIRE_E_UNSIGNED);
    assert_int_equal(first_error(&s)->offset, seal_offset(&v));

    /* the option's range */
    assert_int_equal(quire_verifier_new(&ver, NULL), 0);
    assert_int_equal(quire_verifier_set_option(ver, QUIRE_VERIFY_MIN_SIGNATURES, 256), QUIRE_OK);
    assert_int_equal(quire_verifier_set_option(ver, QUIRE_VERIFY_MIN_SIGNATURES, 257), QUIRE_E_ARG);
    assert_int_equal(quire_verifier_set_option(ver, QUIRE_VERIFY_MIN_SIGNATURES, -1), QUIRE_E_ARG);
    assert_int_equal(quire_verifier_set_option(ver, 99, 1), QUIRE_E_ARG);
    assert_int_equal(quire_verifier_set_option(NULL, QUIRE_VERIFY_FAST, 1), QUIRE_E_ARG);
    quire_verifier_free(ver);
    quire_keyring_free(all);
    quire_keyring_free(one);
    fz_vec_free(&v);
}

/* A seal with no signature, when keys are given: "no signature where one is
 * required" (quire.h: QUIRE_E_UNSIGNED); likewise no seal at all. */
static void
test_unsigned_when_keys_given(void **state)
{
    fz_vec v;
    stream s;
    quire_verify_summary sum;
    opts o;
    quire_keyring *kr = ring(ARCHIVIST, -1, -1, -1);
    (void)state;
    memset(&v, 0, sizeof v);
    memset(&o, 0, sizeof o);
    build(&UNSIGNED, 3, &v);
    assert_int_equal(run_vec(&o, &v, &s, &sum), QUIRE_OK); /* integrity only */
    assert_int_equal(sum.signatures, 0);
    assert_int_equal(sum.sealed, 1);
    o.kr = kr;
    assert_int_equal(run_vec(&o, &v, &s, &sum), QUIRE_E_UNSIGNED);
    assert_int_equal(first_error(&s)->offset, seal_offset(&v));
    quire_keyring_free(kr);
    fz_vec_free(&v);
}

static void
test_require_role(void **state)
{
    fz_vec v;
    stream s;
    quire_verify_summary sum;
    opts o;
    quire_keyring *all = ring(ARCHIVIST, WITNESS, NOTARY, -1);
    quire_verifier *ver = NULL;
    int i;
    (void)state;
    memset(&v, 0, sizeof v);
    memset(&o, 0, sizeof o);

    build(&ONE, 2, &v);
    o.kr = all;
    o.n_roles = 1;
    o.roles[0] = QUIRE_ROLE_ARCHIVIST;
    assert_int_equal(run_vec(&o, &v, &s, &sum), QUIRE_OK);
    o.roles[0] = QUIRE_ROLE_WITNESS;
    assert_int_equal(run_vec(&o, &v, &s, &sum), QUIRE_E_ROLE);
    assert_int_equal(first_error(&s)->offset, seal_offset(&v));

    build(&THREE, 2, &v);
    o.n_roles = 3;
    o.roles[0] = QUIRE_ROLE_ARCHIVIST;
    o.roles[1] = QUIRE_ROLE_WITNESS;
    o.roles[2] = QUIRE_ROLE_NAMED;
    o.names[2] = "notary";
    assert_int_equal(run_vec(&o, &v, &s, &sum), QUIRE_OK);
    o.names[2] = "editor"; /* nobody signed as "editor" */
    assert_int_equal(run_vec(&o, &v, &s, &sum), QUIRE_E_ROLE);
    o.names[2] = "notar"; /* a prefix is not the name */
    assert_int_equal(run_vec(&o, &v, &s, &sum), QUIRE_E_ROLE);
    o.roles[2] = QUIRE_ROLE_PUBLISHER;
    o.names[2] = NULL;
    assert_int_equal(run_vec(&o, &v, &s, &sum), QUIRE_E_ROLE);
    /* a role met only by an untrusted signature is not met */
    {
        quire_keyring *two = ring(ARCHIVIST, WITNESS, -1, -1);
        o.kr = two;
        o.roles[2] = QUIRE_ROLE_NAMED;
        o.names[2] = "notary";
        assert_int_equal(run_vec(&o, &v, &s, &sum), QUIRE_E_ROLE);
        quire_keyring_free(two);
    }
    /* without keys, a valid signature in the role meets it */
    o.kr = NULL;
    assert_int_equal(run_vec(&o, &v, &s, &sum), QUIRE_OK);

    /* arguments */
    assert_int_equal(quire_verifier_new(&ver, NULL), 0);
    assert_int_equal(quire_verifier_require_role(ver, QUIRE_ROLE_NAMED, NULL), QUIRE_E_ARG);
    assert_int_equal(quire_verifier_require_role(ver, QUIRE_ROLE_NAMED, ""), QUIRE_E_ARG);
    assert_int_equal(quire_verifier_require_role(ver, 7, NULL), QUIRE_E_ARG);
    assert_int_equal(quire_verifier_require_role(ver, -1, NULL), QUIRE_E_ARG);
    assert_int_equal(quire_verifier_require_role(ver, QUIRE_ROLE_ANY, NULL), QUIRE_E_ARG);
    assert_int_equal(quire_verifier_require_role(NULL, QUIRE_ROLE_WITNESS, NULL), QUIRE_E_ARG);
    for (i = 0; i < 16; i++) {
        assert_int_equal(quire_verifier_require_role(ver, QUIRE_ROLE_WITNESS, NULL), QUIRE_OK);
    }
    assert_int_equal(quire_verifier_require_role(ver, QUIRE_ROLE_WITNESS, NULL), QUIRE_E_LIMIT);
    quire_verifier_free(ver);
    quire_keyring_free(all);
    fz_vec_free(&v);
}

/* The witness key, trusted as a witness, signs as the archivist: a valid
 * signature by a trusted key in a role it is not trusted for. The policy
 * finding (at the seal) reports it; the signature itself is genuine, so no
 * finding may call it a key-id impostor. */
static void
test_trusted_key_in_another_role(void **state)
{
    static const spec WRONG = {6, {WITNESS, -1, -1, -1}, {QUIRE_ROLE_ARCHIVIST, 0, 0, 0},
                               {NULL, NULL, NULL, NULL}, -1, 0};
    fz_vec v;
    stream s;
    quire_verify_summary sum;
    opts o;
    quire_keyring *kr = ring(ARCHIVIST, WITNESS, -1, -1);
    size_t i;
    (void)state;
    memset(&v, 0, sizeof v);
    memset(&o, 0, sizeof o);
    build(&WRONG, 2, &v);
    o.kr = kr;
    assert_int_equal(run_vec(&o, &v, &s, &sum), QUIRE_E_UNTRUSTED);
    assert_int_equal(sum.valid_signatures, 1);
    assert_int_equal(sum.trusted_signatures, 0);
    for (i = 0; i < s.n; i++) {
        if (s.f[i].severity == QUIRE_SEV_ERROR) {
            assert_false(s.f[i].has_signer);
        }
    }
    assert_int_equal(first_error(&s)->offset, seal_offset(&v));
    quire_keyring_free(kr);
    fz_vec_free(&v);
}

/* The progress of a full verification: after each batch of blocks, the
 * articles done so far, growing to all of them; nothing for --fast. */
typedef struct prog {
    uint64_t calls, last, total;
    int backwards;
} prog;

static void
on_prog(void *ctx, uint64_t done, uint64_t total)
{
    prog *p = (prog *)ctx;
    p->backwards |= done < p->last;
    p->calls++;
    p->last = done;
    p->total = total;
}

static void
test_progress(void **state)
{
    fz_vec v;
    int t;
    (void)state;
    memset(&v, 0, sizeof v);
    build(&ONE, 600, &v); /* 1 KiB blocks: more than 2 x 64 of them */
    for (t = 1; t <= 3; t++) {
        quire_verifier *ver = NULL;
        quire_verify_summary sum;
        prog p = {0, 0, 0, 0};
        assert_int_equal(quire_verifier_new(&ver, NULL), 0);
        assert_int_equal(quire_verifier_set_option(ver, QUIRE_VERIFY_THREADS, t), 0);
        assert_int_equal(quire_verifier_set_progress(ver, on_prog, &p), 0);
        assert_int_equal(quire_verifier_set_option(ver, QUIRE_VERIFY_FAST, t == 3), 0);
        assert_int_equal(quire_verifier_run_memory(ver, v.p, v.len, NULL, NULL, &sum), QUIRE_OK);
        if (t == 3) {
            assert_int_equal(p.calls, 0);
        } else {
            assert_true(p.calls >= 2);
            assert_false(p.backwards);
            assert_int_equal(p.last, 600);
            assert_int_equal(p.total, 600);
        }
        quire_verifier_free(ver);
    }
    assert_int_equal(quire_verifier_set_progress(NULL, on_prog, NULL), QUIRE_E_ARG);
    fz_vec_free(&v);
}

/* ====================================================================
 * Allocation failures
 * ==================================================================== */

/* Every allocation of a full verification fails in turn, with one thread
 * and with three, on a damaged, signed archive of many blocks. Each run
 * ends (no crash), frees all it took, and either says QUIRE_E_NOMEM (as a
 * finding, or as its result when nothing could be checked) or, when the
 * failure only cost a worker thread, says exactly what the run without
 * failures says (same findings, same summary). No failure may pass for
 * another defect: a first error other than the archive's own. */
typedef struct nm_out {
    size_t n;
    uint64_t hash;
    int nomem; /* a QUIRE_E_NOMEM finding was among them */
} nm_out;

static int
nm_collect(void *ctx, const quire_finding *f)
{
    nm_out *o = (nm_out *)ctx;
    const char *m = f->message;
    o->nomem |= f->code == QUIRE_E_NOMEM;
    o->n++;
    o->hash = (o->hash ^ (uint64_t)(uint32_t)f->code) * 0x100000001b3u;
    o->hash = (o->hash ^ f->offset) * 0x100000001b3u;
    while (*m != '\0') {
        o->hash = (o->hash ^ (uint8_t)*m++) * 0x100000001b3u;
    }
    return 0;
}

static void
test_verify_nomem(void **state)
{
    fz_vec v;
    quire_keyring *kr = ring(ARCHIVIST, -1, -1, -1);
    size_t t;
    (void)state;
    memset(&v, 0, sizeof v);
    build(&ONE, 40, &v);           /* 1 KiB blocks: many of them */
    v.p[v.len / 3] ^= 0x20;        /* a damaged block: error findings too */
    for (t = 1; t <= 3; t += 2) {
        quire_verify_summary want, got;
        nm_out wo = {0, 0, 0}, go;
        quire_verifier *ver = NULL;
        counter c;
        long i;
        int want_e, e;
        assert_int_equal(quire_verifier_new(&ver, NULL), 0);
        assert_int_equal(quire_verifier_set_keyring(ver, kr), 0);
        assert_int_equal(quire_verifier_set_option(ver, QUIRE_VERIFY_THREADS, (int64_t)t), 0);
        want_e = quire_verifier_run_memory(ver, v.p, v.len, nm_collect, &wo, &want);
        quire_verifier_free(ver);
        assert_int_not_equal(want_e, QUIRE_E_NOMEM);
        assert_true(wo.n > 0);
        for (i = 0;; i++) {
            quire_alloc al;
            memset(&c, 0, sizeof c);
            c.fail_at = i;
            al.alloc = fail_alloc;
            al.free = fail_free;
            al.opaque = &c;
            ver = NULL;
            e = quire_verifier_new(&ver, &al);
            if (e == QUIRE_OK) {
                assert_int_equal(quire_verifier_set_keyring(ver, kr), 0);
                assert_int_equal(
                    quire_verifier_set_option(ver, QUIRE_VERIFY_THREADS, (int64_t)t), 0);
                memset(&go, 0, sizeof go);
                e = quire_verifier_run_memory(ver, v.p, v.len, nm_collect, &go, &got);
                quire_verifier_free(ver);
                /* a failure is said (a QUIRE_E_NOMEM finding, or the run's code),
                 * or it changed nothing */
                assert_true(e == QUIRE_E_NOMEM || e == want_e);
                if (e == QUIRE_E_NOMEM) {
                    assert_true(go.nomem || go.n == 0);
                }
                if (!go.nomem && e != QUIRE_E_NOMEM) {
                    assert_int_equal(go.n, wo.n);
                    assert_true(go.hash == wo.hash);
                    assert_int_equal(got.errors, want.errors);
                    assert_int_equal(got.checked, want.checked);
                    assert_memory_equal(got.root, want.root, 32);
                }
            } else {
                assert_int_equal(e, QUIRE_E_NOMEM);
            }
            assert_int_equal(c.live, 0); /* nothing leaked */
            if (c.calls <= i) {
                break; /* the run made fewer allocations than i: every site was failed */
            }
        }
        assert_true(i > 10);
    }
    quire_keyring_free(kr);
    fz_vec_free(&v);
}

/* ====================================================================
 * Co-signing
 * ==================================================================== */

static void
read_all(const char *path, fz_vec *out)
{
    FILE *f = fopen(path, "rb");
    uint8_t buf[4096];
    size_t n;
    assert_non_null(f);
    out->len = 0;
    while ((n = fread(buf, 1, sizeof buf, f)) > 0) {
        fz_vec_put(out, buf, n);
    }
    fclose(f);
}

static void
test_cosign(void **state)
{
    fz_vec v, now;
    char path[] = "/tmp/quire-test-cosign-XXXXXX";
    int fd;
    uint8_t h_old[32], h_now[32];
    size_t old_len;
    stream s;
    quire_verify_summary sum;
    opts o;
    quire_diag d;
    quire_keyring *kr = ring(ARCHIVIST, WITNESS, NOTARY, -1);
    (void)state;
    memset(&v, 0, sizeof v);
    memset(&now, 0, sizeof now);
    memset(&o, 0, sizeof o);
    build(&ONE, 4, &v);
    fd = mkstemp(path);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, v.p, v.len), (ssize_t)v.len);
    close(fd);
    old_len = v.len;
    crypto_generichash(h_old, 32, v.p, v.len, NULL, 0);

    /* a witness co-signs: bytes appended, none changed */
    memset(&d, 0, sizeof d);
    assert_int_equal(quire_cosign_file(path, keys[WITNESS].sk, QUIRE_ROLE_WITNESS, NULL, &d),
                     QUIRE_OK);
    read_all(path, &now);
    assert_true(now.len > old_len);
    crypto_generichash(h_now, 32, now.p, old_len, NULL, 0);
    assert_memory_equal(h_now, h_old, 32);
    o.kr = kr;
    o.min = 2;
    o.n_roles = 2;
    o.roles[0] = QUIRE_ROLE_ARCHIVIST;
    o.roles[1] = QUIRE_ROLE_WITNESS;
    assert_int_equal(run_vec(&o, &now, &s, &sum), QUIRE_OK);
    assert_int_equal(sum.signatures, 2);
    assert_int_equal(sum.trusted_signatures, 2);
    assert_int_equal(sum.articles, 4);
    assert_int_equal(sum.checked, 4);
    o.fast = 1;
    assert_int_equal(run_vec(&o, &now, &s, &sum), QUIRE_OK);
    o.fast = 0;

    /* a third signer in a named role, on top of the co-signed file */
    old_len = now.len;
    crypto_generichash(h_old, 32, now.p, now.len, NULL, 0);
    assert_int_equal(quire_cosign_file(path, keys[NOTARY].sk, QUIRE_ROLE_NAMED, "notary", &d),
                     QUIRE_OK);
    read_all(path, &now);
    crypto_generichash(h_now, 32, now.p, old_len, NULL, 0);
    assert_memory_equal(h_now, h_old, 32);
    o.min = 3;
    o.n_roles = 3;
    o.roles[2] = QUIRE_ROLE_NAMED;
    o.names[2] = "notary";
    assert_int_equal(run_vec(&o, &now, &s, &sum), QUIRE_OK);
    assert_int_equal(sum.signatures, 3);
    assert_int_equal(sum.trusted_signatures, 3);
    /* the same key in another role is another entry, but not another
     * signer: --min-signatures counts distinct keys (spec 11.6) */
    assert_int_equal(quire_cosign_file(path, keys[WITNESS].sk, QUIRE_ROLE_NAMED, "auditor", &d),
                     QUIRE_OK);
    read_all(path, &now);
    {
        /* the witness trusted in any role this time */
        quire_keyring *any = ring(ARCHIVIST, NOTARY, -1, -1);
        assert_int_equal(
            quire_keyring_add(any, &keys[WITNESS].pk, "witness", QUIRE_ROLE_ANY, NULL), 0);
        o.kr = any;
        o.min = 4;
        o.n_roles = 4;
        o.roles[3] = QUIRE_ROLE_NAMED;
        o.names[3] = "auditor";
        assert_int_equal(run_vec(&o, &now, &s, &sum), QUIRE_E_UNTRUSTED);
        o.min = 3;
        assert_int_equal(run_vec(&o, &now, &s, &sum), QUIRE_OK);
        assert_int_equal(sum.signatures, 4);
        assert_int_equal(sum.valid_signatures, 3);
        assert_int_equal(sum.trusted_signatures, 3);
        o.kr = kr;
        o.min = 0;
        o.n_roles = 0;
        quire_keyring_free(any);
    }

    /* arguments */
    assert_int_equal(quire_cosign_file(path, keys[WITNESS].sk, QUIRE_ROLE_NAMED, NULL, &d),
                     QUIRE_E_ARG);
    assert_int_equal(quire_cosign_file(path, keys[WITNESS].sk, QUIRE_ROLE_WITNESS, "x", &d),
                     QUIRE_E_ARG);
    assert_int_equal(quire_cosign_file(path, NULL, QUIRE_ROLE_WITNESS, NULL, &d), QUIRE_E_ARG);
    assert_int_equal(quire_cosign_file(NULL, keys[WITNESS].sk, QUIRE_ROLE_WITNESS, NULL, &d),
                     QUIRE_E_ARG);

    /* an archive that does not verify is not signed */
    {
        fz_vec bad;
        memset(&bad, 0, sizeof bad);
        fz_vec_set(&bad, v.p, v.len);
        bad.p[40] ^= 0x01;
        fd = open(path, O_WRONLY | O_TRUNC);
        assert_true(fd >= 0);
        assert_int_equal(write(fd, bad.p, bad.len), (ssize_t)bad.len);
        close(fd);
        assert_true(quire_cosign_file(path, keys[WITNESS].sk, QUIRE_ROLE_WITNESS, NULL, &d) < 0);
        read_all(path, &now);
        assert_int_equal(now.len, bad.len);
        assert_memory_equal(now.p, bad.p, bad.len);
        fz_vec_free(&bad);
    }
    unlink(path);
    quire_keyring_free(kr);
    fz_vec_free(&v);
    fz_vec_free(&now);
}

/* Signing twice with one key in one role is refused (QUIRE_E_ARG), and
 * nothing is written. */
static void
test_cosign_twice_refused(void **state)
{
    fz_vec v, now;
    char path[] = "/tmp/quire-test-cosign2-XXXXXX";
    int fd;
    uint8_t h_old[32], h_now[32];
    size_t old_len;
    quire_diag d;
    (void)state;
    memset(&v, 0, sizeof v);
    memset(&now, 0, sizeof now);
    memset(&d, 0, sizeof d);
    build(&ONE, 2, &v);
    fd = mkstemp(path);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, v.p, v.len), (ssize_t)v.len);
    close(fd);
    assert_int_equal(quire_cosign_file(path, keys[WITNESS].sk, QUIRE_ROLE_WITNESS, NULL, &d),
                     QUIRE_OK);
    read_all(path, &now);
    old_len = now.len;
    crypto_generichash(h_old, 32, now.p, now.len, NULL, 0);
    assert_int_equal(quire_cosign_file(path, keys[WITNESS].sk, QUIRE_ROLE_WITNESS, NULL, &d),
                     QUIRE_E_ARG);
    assert_int_equal(quire_cosign_file(path, keys[ARCHIVIST].sk, QUIRE_ROLE_ARCHIVIST, NULL, &d),
                     QUIRE_E_ARG);
    read_all(path, &now);
    assert_int_equal(now.len, old_len);
    crypto_generichash(h_now, 32, now.p, now.len, NULL, 0);
    assert_memory_equal(h_now, h_old, 32);

    unlink(path);
    fz_vec_free(&v);
    fz_vec_free(&now);
}

/* ====================================================================
 * Arguments
 * ==================================================================== */

static void
test_arguments(void **state)
{
    quire_verifier *v = NULL;
    quire_verify_summary sum;
    static const uint8_t junk[5] = {1, 2, 3, 4, 5};
    (void)state;
    assert_int_equal(quire_verifier_new(NULL, NULL), QUIRE_E_ARG);
    assert_int_equal(quire_verifier_new(&v, NULL), 0);
    assert_int_equal(quire_verifier_run_memory(v, NULL, 5, NULL, NULL, &sum), QUIRE_E_ARG);
    assert_int_equal(quire_verifier_run_memory(NULL, junk, 5, NULL, NULL, &sum), QUIRE_E_ARG);
    assert_int_equal(quire_verifier_run_file(v, NULL, NULL, NULL, &sum), QUIRE_E_ARG);
    assert_int_equal(quire_verifier_run_memory(v, junk, 5, NULL, NULL, &sum), QUIRE_E_TRUNCATED);
    assert_int_equal(sum.valid, 0);
    assert_int_equal(sum.errors, 1);
    assert_int_equal(quire_verifier_run_memory(v, NULL, 0, NULL, NULL, &sum), QUIRE_E_TRUNCATED);
    assert_int_equal(quire_verifier_set_keyring(NULL, NULL), QUIRE_E_ARG);
    assert_int_equal(quire_verifier_set_keyring(v, NULL), QUIRE_OK);
    quire_verifier_free(v);
    quire_verifier_free(NULL);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_signers_listed),
        cmocka_unit_test(test_stream_stops_early),
        cmocka_unit_test(test_summary_fields),
        cmocka_unit_test(test_merkle_root),
        cmocka_unit_test(test_fast_vs_full),
        cmocka_unit_test(test_tables_cross_checked),
        cmocka_unit_test(test_paged_index),
        cmocka_unit_test(test_strict),
        cmocka_unit_test(test_strict_without_keys),
        cmocka_unit_test(test_min_signatures),
        cmocka_unit_test(test_unsigned_when_keys_given),
        cmocka_unit_test(test_require_role),
        cmocka_unit_test(test_trusted_key_in_another_role),
        cmocka_unit_test(test_verify_nomem),
        cmocka_unit_test(test_progress),
        cmocka_unit_test(test_cosign),
        cmocka_unit_test(test_arguments),
        /* last: it crashed (use after free in cosign.c) when this was written */
        cmocka_unit_test(test_cosign_twice_refused),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
