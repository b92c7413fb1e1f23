/*
 * gen_vectors.c - writes the golden test vectors of quire (tests/vectors/).
 *
 *   cc -Iinclude -Iformat -Isrc tests/vectors/gen_vectors.c build/libquire.a -lz -lsodium
 *   ./a.out tests/vectors
 *
 * Output, under the directory given:
 *   keys/      public key files of the test keys and a keyring
 *   valid/     archives that verify (with the options of MANIFEST)
 *   invalid/   archives with exactly one defect each, named after it
 *   MANIFEST   "path expected_code expected_offset verify_args" per file
 *
 * Deterministic: fixed Ed25519 keys (from fixed seeds, wrapped in minisign
 * secret key files parsed with quire_seckey_parse), fixed key ids, fixed
 * articles, archive id and checkpoint time; Ed25519 signatures are
 * deterministic, and deflate output is for a given zlib. Two runs give the
 * same bytes.
 *
 * Each defect is made on the frame model of forge.h; then everything that
 * depends on the changed bytes and is not the defect is recomputed (CRCs,
 * record digests, index entries, index digest and root in the statement,
 * and the seal signatures, re-made with the test keys), so that the one
 * defect is what the verifier must catch, with the expected code, at the
 * expected offset (the first error finding). The offsets are computed here
 * from the layout, not taken from the library.
 *
 * THE TEST KEYS ARE PUBLIC: never trust them for anything.
 */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <sodium.h>

#include "forge.h"

/* ====================================================================
 * Output
 * ==================================================================== */

static const char *outdir;
static fz_vec manifest;
static int n_valid, n_invalid;

static void
die(const char *what, int e)
{
    fprintf(stderr, "gen_vectors: %s: %s (%d)\n", what, quire_error_name(e), e);
    exit(1);
}

static void
mkdirs(const char *rel)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", outdir, rel);
    if (mkdir(path, 0755) != 0 && errno != EEXIST) {
        perror(path);
        exit(1);
    }
}

static void
write_file(const char *rel, const void *p, size_t n)
{
    char path[4096];
    FILE *f;
    snprintf(path, sizeof path, "%s/%s", outdir, rel);
    f = fopen(path, "wb");
    if (f == NULL || (n != 0 && fwrite(p, 1, n, f) != n) || fclose(f) != 0) {
        perror(path);
        exit(1);
    }
}

static void
mf_line(const char *path, const char *code, long long off, const char *args)
{
    char line[1024];
    if (off < 0) {
        snprintf(line, sizeof line, "%s %s - %s\n", path, code, args);
    } else {
        snprintf(line, sizeof line, "%s %s %lld %s\n", path, code, off, args);
    }
    fz_vec_put(&manifest, line, strlen(line));
}

static void
mf_comment(const char *text)
{
    fz_vec_put(&manifest, "# ", 2);
    fz_vec_put(&manifest, text, strlen(text));
    fz_vec_put(&manifest, "\n", 1);
}

/* Writes bytes as valid/NAME or invalid/NAME with its manifest line. */
static void
out_bytes(const char *name, const uint8_t *p, size_t n, const char *code, long long off,
          const char *args)
{
    char rel[512];
    int valid = strcmp(code, "QUIRE_OK") == 0;
    snprintf(rel, sizeof rel, "%s/%s", valid ? "valid" : "invalid", name);
    write_file(rel, p, n);
    mf_line(rel, code, valid ? -1 : off, args);
    if (valid) {
        n_valid++;
    } else {
        n_invalid++;
    }
}

/* Emits a model (CRCs recomputed), writes it, frees it. */
static void
out_arch(const char *name, fz_arch *a, const char *code, long long off, const char *args)
{
    size_t n;
    uint8_t *p = fz_emit(a, &n);
    out_bytes(name, p, n, code, off, args);
    free(p);
    fz_free(a);
}

/* ====================================================================
 * Keys
 * ==================================================================== */

enum { K_ARCHIVIST, K_WITNESS, K_PUBLISHER, K_NOTARY, K_UNTRUSTED, K_IMPOSTOR, K_N };

static const struct {
    const char *name;
    uint8_t key_id[8];
} key_def[K_N] = {
    {"archivist", {'A', 'R', 'C', 'H', 'I', 'V', 'E', '1'}},
    {"witness", {'W', 'I', 'T', 'N', 'E', 'S', 'S', '1'}},
    {"publisher", {'P', 'U', 'B', 'L', 'I', 'S', 'H', '1'}},
    {"notary", {'N', 'O', 'T', 'A', 'R', 'Y', '0', '1'}},
    {"untrusted", {'U', 'N', 'T', 'R', 'U', 'S', 'T', '1'}},
    /* the archivist's key id, another key */
    {"impostor", {'A', 'R', 'C', 'H', 'I', 'V', 'E', '1'}},
};

static fz_key K[K_N];

static void
make_keys(void)
{
    size_t i;
    char line[1024];
    fz_vec ring;
    memset(&ring, 0, sizeof ring);
    mkdirs("keys");
    for (i = 0; i < K_N; i++) {
        char label[64], file[256], pub[160];
        size_t n;
        int e;
        snprintf(label, sizeof label, "quire golden vectors test key: %s", key_def[i].name);
        if ((e = fz_key_from_seed(label, key_def[i].key_id, &K[i])) != 0) {
            die("fz_key_from_seed", e);
        }
        if (i == K_IMPOSTOR) {
            continue; /* its public key is nowhere */
        }
        n = quire_pubkey_file(&K[i].pk, pub, sizeof pub);
        if (n == 0) {
            die("quire_pubkey_file", QUIRE_E_ARG);
        }
        snprintf(file, sizeof file, "keys/%s.pub", key_def[i].name);
        write_file(file, pub, n);
    }
    fz_vec_put(&ring, "# quire golden vectors: the trusted test keys (ROLE LABEL KEY).\n",
               strlen("# quire golden vectors: the trusted test keys (ROLE LABEL KEY).\n"));
    fz_vec_put(&ring, "# These keys are public test keys: never trust them elsewhere.\n",
               strlen("# These keys are public test keys: never trust them elsewhere.\n"));
    for (i = 0; i <= K_NOTARY; i++) {
        char ks[57];
        quire_pubkey_string(&K[i].pk, ks);
        snprintf(line, sizeof line, "%s %s %s\n", key_def[i].name, key_def[i].name, ks);
        fz_vec_put(&ring, line, strlen(line));
    }
    write_file("keys/keyring", ring.p, ring.len);
    fz_vec_free(&ring);
}

/* ====================================================================
 * Articles: short invented local news
 * ==================================================================== */

typedef struct art_def {
    const char *id, *url, *capture_url, *title, *authors[3], *source, *section, *language, *date,
        *keywords[3], *body, *meta, *note;
} art_def;

static const art_def arts[] = {
    {"pg-2023-0412", "https://portmere-gazette.example/2023/11/ferry-refit", NULL,
     "Harbour ferry returns after winter refit",
     {"Maren Holt", NULL, NULL},
     "Portmere Gazette", "Harbour", "en-GB", "2023-11-02",
     {"ferry", "harbour", NULL},
     "The Portmere ferry Saint Brendan returned to service on Thursday after an eleven-week refit "
     "at the Calloway yard. The crossing to Inish Dair now takes forty minutes, six fewer than "
     "before, thanks to a new propeller and a cleaned hull. The harbour master said the first "
     "sailing carried 212 passengers and one goat.",
     NULL, NULL},
    {"pg-2023-0419", "https://portmere-gazette.example/2023/11/night-bus",
     "https://portmere-gazette.example/2023/11/night-bus?utm_source=feed",
     "Council approves a night bus trial",
     {"Owen Aldous", "Priya Ramsay", NULL},
     "Portmere Gazette", "Council", "en-GB", "2023-11-05T08:30:00Z",
     {"transport", "council", NULL},
     "Councillors voted nine to two on Monday to run a night bus between the station and the "
     "hospital for six months from January. The route will run hourly from midnight to five. "
     "Shift workers at the hospital had asked for the service for three years.",
     "{\"k\":\"v\"}", "Corrected on 6 November: the trial starts in January, not December."},
    {"pg-2023-0431", "https://portmere-gazette.example/2023/11/library-seeds", NULL,
     "Library reopens with a seed exchange",
     {"Maren Holt", NULL, NULL},
     "Portmere Gazette", "Community", "en", "2023-11-07",
     {"library", "gardening", NULL},
     "The Quay Street library reopened on Saturday after repairs to its roof, with a new seed "
     "exchange in the old map room. Visitors may leave seeds from their gardens in labelled "
     "envelopes and take others home. Runner beans were the most popular on the first day.",
     NULL, NULL},
    {"pg-2023-0440", "https://portmere-gazette.example/2023/11/foghorn-concerto", NULL,
     "Orchestra premieres a concerto for foghorn",
     {"Dara Quinlan", NULL, NULL},
     "Portmere Gazette", "Culture", "en-GB", "2023-11-07T19:30:00+00:00",
     {"music", NULL, NULL},
     "The Portmere Chamber Orchestra gave the first performance of Tide Signals, a concerto for "
     "foghorn and strings, in the lifeboat station on Tuesday. The foghorn, recorded at the "
     "lighthouse before it was switched off in 2019, was played back from a loudspeaker.",
     NULL, NULL},
    {"pg-2023-0447", "https://portmere-gazette.example/2023/11/bridge-inspection", NULL,
     "Rail bridge passes inspection after the storm",
     {"Owen Aldous", NULL, NULL},
     "Portmere Gazette", "Transport", "en-GB", "2023-11-09",
     {"rail", "storm", "bridge"},
     "Engineers found no damage to the Ashby viaduct after last week's storm, and trains ran at "
     "full speed again from Wednesday. Divers checked the piers for scour on Monday.",
     NULL, NULL},
    {"pg-2023-0452", "https://portmere-gazette.example/2023/11/school-garden", NULL,
     "School garden wins a regional prize",
     {"Priya Ramsay", NULL, NULL},
     "Portmere Gazette", "Education", "en-GB", "2023-11-10",
     {"school", "gardening", NULL},
     "Pupils of Harbour Road primary school won the regional schools' garden prize for their "
     "pond and vegetable beds. The prize of 500 pounds will buy a greenhouse.",
     NULL, NULL},
    {"pg-2023-0460", "https://portmere-gazette.example/2023/11/market-clock", NULL,
     "Market hall clock strikes again",
     {"Dara Quinlan", "Maren Holt", NULL},
     "Portmere Gazette", "Heritage", "en-GB", "2023-11-14T12:00:00Z",
     {"heritage", NULL, NULL},
     "The market hall clock struck noon on Tuesday for the first time since 1987, after two "
     "volunteers spent a year restoring its mechanism.",
     NULL, NULL},
};
#define N_ARTS (sizeof arts / sizeof arts[0])

#define CHECK(call)                                                                                \
    do {                                                                                           \
        int e_ = (call);                                                                           \
        if (e_ != 0) {                                                                             \
            die(#call, e_);                                                                        \
        }                                                                                          \
    } while (0)

static quire_article *
make_article(size_t i, const quire_seckey *publisher)
{
    const art_def *d = &arts[i];
    quire_article *a = NULL;
    size_t k;
    CHECK(quire_article_new(&a, NULL));
    CHECK(quire_article_set(a, QUIRE_F_ID, QUIRE_T_TEXT, d->id, strlen(d->id)));
    CHECK(quire_article_set(a, QUIRE_F_URL, QUIRE_T_TEXT, d->url, strlen(d->url)));
    if (d->capture_url != NULL) {
        CHECK(quire_article_set(a, QUIRE_F_CAPTURE_URL, QUIRE_T_TEXT, d->capture_url,
                                strlen(d->capture_url)));
    }
    CHECK(quire_article_set(a, QUIRE_F_TITLE, QUIRE_T_TEXT, d->title, strlen(d->title)));
    for (k = 0; k < 3 && d->authors[k] != NULL; k++) {
        CHECK(quire_article_add_item(a, QUIRE_F_AUTHORS, d->authors[k], strlen(d->authors[k])));
    }
    CHECK(quire_article_set(a, QUIRE_F_SOURCE, QUIRE_T_TEXT, d->source, strlen(d->source)));
    CHECK(quire_article_set(a, QUIRE_F_SECTION, QUIRE_T_TEXT, d->section, strlen(d->section)));
    CHECK(quire_article_set(a, QUIRE_F_LANGUAGE, QUIRE_T_TEXT, d->language, strlen(d->language)));
    CHECK(quire_article_set(a, QUIRE_F_PUBLISHED, QUIRE_T_TIME, d->date, strlen(d->date)));
    for (k = 0; k < 3 && d->keywords[k] != NULL; k++) {
        CHECK(quire_article_add_item(a, QUIRE_F_KEYWORDS, d->keywords[k],
                                     strlen(d->keywords[k])));
    }
    if (d->meta != NULL) {
        CHECK(quire_article_set_ext(a, "meta", 4, QUIRE_T_JSON, d->meta, strlen(d->meta)));
    }
    CHECK(quire_article_add_part(a, "body", 4, "text/plain; charset=utf-8", 25, d->body,
                                 strlen(d->body)));
    if (d->note != NULL) {
        CHECK(quire_article_add_part(a, "note", 4, "text/plain; charset=utf-8", 25, d->note,
                                     strlen(d->note)));
    }
    if (publisher != NULL) {
        CHECK(quire_article_sign_publisher(a, publisher));
    }
    return a;
}

/* ====================================================================
 * Base archives
 * ==================================================================== */

static const uint8_t archive_id[16] = {'q', 'u', 'i', 'r', 'e', ' ', 'g', 'o',
                                       'l', 'd', 'e', 'n', ' ', 'v', '0', '1'};
#define CREATED ((int64_t)1700000000)
#define COMMENT "golden vectors"

static const char dict_text[] =
    "https://portmere-gazette.example/2023/11/ Portmere Gazette the harbour council library "
    "en-GB text/plain; charset=utf-8 Maren Holt Owen Aldous Priya Ramsay Dara Quinlan";

typedef struct base_opt {
    int level;            /* zlib level, 0 stored */
    int dict;             /* use dict_text */
    int signers[4];       /* K_* indices, -1 ends */
    int roles[4];
    const char *role_names[4];
    int publisher;        /* K_* of the publisher key, or -1 */
    size_t n_articles;
    int page;             /* QUIRE_OPT_INDEX_PAGE, 0: the default */
} base_opt;

static int
vec_write(void *ctx, const void *buf, size_t len)
{
    fz_vec_put((fz_vec *)ctx, buf, len);
    return 0;
}

static void
build(const base_opt *o, fz_vec *out)
{
    quire_writer *w = NULL;
    quire_diag d;
    size_t i;
    memset(&d, 0, sizeof d);
    out->len = 0;
    CHECK(quire_writer_new(&w, NULL));
    CHECK(quire_writer_set_option(w, QUIRE_OPT_BLOCK_SIZE, 1024));
    CHECK(quire_writer_set_option(w, QUIRE_OPT_LEVEL, o->level));
    CHECK(quire_writer_set_archive_id(w, archive_id));
    CHECK(quire_writer_set_checkpoint(w, CREATED, COMMENT, strlen(COMMENT)));
    if (o->dict) {
        CHECK(quire_writer_set_dictionary(w, dict_text, sizeof dict_text - 1));
    }
    if (o->page != 0) {
        CHECK(quire_writer_set_option(w, QUIRE_OPT_INDEX_PAGE, o->page));
    }
    for (i = 0; i < 4 && o->signers[i] >= 0; i++) {
        CHECK(quire_writer_add_signer(w, K[o->signers[i]].sk, o->roles[i], o->role_names[i]));
    }
    CHECK(quire_writer_open(w, vec_write, out, &d));
    for (i = 0; i < o->n_articles; i++) {
        quire_article *a = make_article(i, o->publisher >= 0 ? K[o->publisher].sk : NULL);
        CHECK(quire_writer_add(w, a, NULL, &d));
        quire_article_free(a);
    }
    CHECK(quire_writer_finish(w, &d));
    quire_writer_free(w);
}

enum {
    B_UNSIGNED,
    B_ONE,
    B_THREE,
    B_PUBLISHER,
    B_DICT,
    B_STORED,
    B_EMPTY,
    B_UNTRUSTED,
    B_IMPOSTOR,
    B_WRONG_ROLE,
    B_PUB_UNTRUSTED,
    B_PAGED,
    B_N
};

static fz_vec base[B_N];

#define NONE {-1, -1, -1, -1}
#define NONAMES {NULL, NULL, NULL, NULL}
static const base_opt base_def[B_N] = {
    /* B_UNSIGNED */ {6, 0, NONE, {0, 0, 0, 0}, NONAMES, -1, N_ARTS, 0},
    /* B_ONE */ {6, 0, {K_ARCHIVIST, -1, -1, -1}, {QUIRE_ROLE_ARCHIVIST, 0, 0, 0}, NONAMES, -1, N_ARTS, 0},
    /* B_THREE */
    {6, 0, {K_ARCHIVIST, K_WITNESS, K_NOTARY, -1},
     {QUIRE_ROLE_ARCHIVIST, QUIRE_ROLE_WITNESS, QUIRE_ROLE_NAMED, 0},
     {NULL, NULL, "notary", NULL}, -1, N_ARTS, 0},
    /* B_PUBLISHER */
    {6, 0, {K_ARCHIVIST, -1, -1, -1}, {QUIRE_ROLE_ARCHIVIST, 0, 0, 0}, NONAMES, K_PUBLISHER, N_ARTS, 0},
    /* B_DICT */ {6, 1, {K_ARCHIVIST, -1, -1, -1}, {QUIRE_ROLE_ARCHIVIST, 0, 0, 0}, NONAMES, -1, N_ARTS, 0},
    /* B_STORED */ {0, 0, {K_ARCHIVIST, -1, -1, -1}, {QUIRE_ROLE_ARCHIVIST, 0, 0, 0}, NONAMES, -1, N_ARTS, 0},
    /* B_EMPTY */ {6, 0, {K_ARCHIVIST, -1, -1, -1}, {QUIRE_ROLE_ARCHIVIST, 0, 0, 0}, NONAMES, -1, 0, 0},
    /* B_UNTRUSTED */
    {6, 0, {K_UNTRUSTED, -1, -1, -1}, {QUIRE_ROLE_ARCHIVIST, 0, 0, 0}, NONAMES, -1, N_ARTS, 0},
    /* B_IMPOSTOR */
    {6, 0, {K_IMPOSTOR, -1, -1, -1}, {QUIRE_ROLE_ARCHIVIST, 0, 0, 0}, NONAMES, -1, N_ARTS, 0},
    /* B_WRONG_ROLE: the witness key signing as the archivist */
    {6, 0, {K_WITNESS, -1, -1, -1}, {QUIRE_ROLE_ARCHIVIST, 0, 0, 0}, NONAMES, -1, N_ARTS, 0},
    /* B_PUB_UNTRUSTED: articles signed by a publisher key nobody trusts */
    {6, 0, {K_ARCHIVIST, -1, -1, -1}, {QUIRE_ROLE_ARCHIVIST, 0, 0, 0}, NONAMES, K_UNTRUSTED, N_ARTS, 0},
    /* B_PAGED: the index in pages of 256 bytes (spec 7.1, codec 2) */
    {6, 0, {K_ARCHIVIST, -1, -1, -1}, {QUIRE_ROLE_ARCHIVIST, 0, 0, 0}, NONAMES, -1, N_ARTS, 256},
};

static void
load(fz_arch *a, int b)
{
    if (fz_parse(a, base[b].p, base[b].len) != 0) {
        die("fz_parse", QUIRE_E_FRAME);
    }
}

/* A heap copy of a base archive's bytes. */
static uint8_t *
bytes_of(int b, size_t *n)
{
    uint8_t *p = (uint8_t *)malloc(base[b].len);
    if (p == NULL) {
        abort();
    }
    memcpy(p, base[b].p, base[b].len);
    *n = base[b].len;
    return p;
}

/* ====================================================================
 * Layout helpers
 * ==================================================================== */

static size_t
frame_at(const fz_arch *a, long i)
{
    (void)a;
    if (i < 0) {
        die("frame not found", QUIRE_E_NOTFOUND);
    }
    return (size_t)i;
}

/* Offset of the BLOK frame holding article n. */
static long long
block_of(const fz_arch *a, uint64_t n)
{
    size_t fi, pos;
    if (fz_locate(a, n, &fi, &pos) != 0) {
        die("fz_locate", QUIRE_E_NOTFOUND);
    }
    return (long long)fz_off(a, fi);
}

/* Offset of the latest SEAL frame, of its statement, of signature k. */
static long long
seal_off(const fz_arch *a)
{
    return (long long)fz_off(a, frame_at(a, fz_last(a, QUIRE__FT_SEAL)));
}

static long long
stmt_off(const fz_arch *a)
{
    return seal_off(a) + QUIRE__FRAME_HEAD + 4;
}

static long long
sig_off(const fz_arch *a, size_t k)
{
    fz_sealview v;
    long s;
    if (fz_seal_view(a, &v, &s) != 0) {
        die("fz_seal_view", QUIRE_E_SEAL);
    }
    return (long long)fz_off(a, (size_t)s) + QUIRE__FRAME_HEAD + (long long)v.sig_at[k];
}

static uint8_t *
seal_payload(fz_arch *a, fz_sealview *v)
{
    long s;
    if (fz_seal_view(a, v, &s) != 0) {
        die("fz_seal_view", QUIRE_E_SEAL);
    }
    return a->f[s].pl.p;
}

static uint8_t *
trailer_payload(fz_arch *a)
{
    return a->f[frame_at(a, fz_last(a, QUIRE__FT_TRLR))].pl.p;
}

static long long
trailer_off(const fz_arch *a)
{
    return (long long)fz_off(a, frame_at(a, fz_last(a, QUIRE__FT_TRLR)));
}

static long long
index_off(const fz_arch *a)
{
    return (long long)fz_off(a, frame_at(a, fz_last(a, QUIRE__FT_INDX)));
}

static void
repair(fz_arch *a)
{
    if (fz_repair(a, K, K_N) != 0) {
        die("fz_repair", QUIRE_E_INDEX);
    }
}

/* Statement edits: get, change, put, re-sign with the test keys. */
static void
stmt_get(fz_arch *a, quire__statement *st, fz_vec *keep)
{
    if (fz_statement_get(a, st, keep) != 0) {
        die("fz_statement_get", QUIRE_E_SEAL);
    }
}

static void
stmt_put(fz_arch *a, const quire__statement *st, fz_vec *keep)
{
    if (fz_statement_put(a, st) != 0 || fz_resign(a, K, K_N) != 0) {
        die("fz_statement_put", QUIRE_E_SEAL);
    }
    fz_vec_free(keep);
}

/* Makes the statement name the current index (after an index edit). */
static void
sync_index_digest(fz_arch *a)
{
    quire__statement st;
    fz_vec keep, ix;
    memset(&keep, 0, sizeof keep);
    memset(&ix, 0, sizeof ix);
    stmt_get(a, &st, &keep);
    if (fz_index_raw(a, &ix) != 0) {
        die("fz_index_raw", QUIRE_E_INDEX);
    }
    quire__blake2b256(st.index_digest, ix.p, ix.len);
    stmt_put(a, &st, &keep);
    fz_vec_free(&ix);
}

/* ====================================================================
 * Valid archives
 * ==================================================================== */

static void
gen_valid(void)
{
    fz_arch a;
    char path[4096];
    int e;
    quire_diag d;
    mf_comment("valid archives: exit 0, no error finding");
    out_bytes("unsigned.quire", base[B_UNSIGNED].p, base[B_UNSIGNED].len, "QUIRE_OK", -1, "-");
    out_bytes("one-signer.quire", base[B_ONE].p, base[B_ONE].len, "QUIRE_OK", -1,
              "--keyring keys/keyring --require-role archivist");
    out_bytes("three-signers.quire", base[B_THREE].p, base[B_THREE].len, "QUIRE_OK", -1,
              "--keyring keys/keyring --min-signatures 3 --require-role witness "
              "--require-role notary");
    out_bytes("publisher-signed.quire", base[B_PUBLISHER].p, base[B_PUBLISHER].len, "QUIRE_OK",
              -1, "--keyring keys/keyring --strict");
    out_bytes("dictionary.quire", base[B_DICT].p, base[B_DICT].len, "QUIRE_OK", -1,
              "-p keys/archivist.pub");
    out_bytes("stored.quire", base[B_STORED].p, base[B_STORED].len, "QUIRE_OK", -1,
              "-p keys/archivist.pub --strict");
    out_bytes("empty.quire", base[B_EMPTY].p, base[B_EMPTY].len, "QUIRE_OK", -1,
              "--keyring keys/keyring");
    out_bytes("paged.quire", base[B_PAGED].p, base[B_PAGED].len, "QUIRE_OK", -1,
              "-p keys/archivist.pub");

    /* an ancillary frame (lowercase first letter) is skipped */
    load(&a, B_ONE);
    {
        static const char note[] = "an ancillary frame: readers skip it";
        fz_insert(&a, frame_at(&a, fz_last(&a, QUIRE__FT_TRLR)), QUIRE__FT('n', 'o', 't', 'e'),
                  note, sizeof note - 1);
    }
    fz_fix_trailer(&a);
    out_arch("ancillary.quire", &a, "QUIRE_OK", -1, "--keyring keys/keyring");

    /* co-signed with quire_cosign_file: a second SEAL and TRLR appended */
    snprintf(path, sizeof path, "%s/valid/cosigned.quire", outdir);
    write_file("valid/cosigned.quire", base[B_ONE].p, base[B_ONE].len);
    memset(&d, 0, sizeof d);
    if ((e = quire_cosign_file(path, K[K_WITNESS].sk, QUIRE_ROLE_WITNESS, NULL, &d)) != 0) {
        die("quire_cosign_file", e);
    }
    mf_line("valid/cosigned.quire", "QUIRE_OK", -1,
            "--keyring keys/keyring --min-signatures 2 --require-role witness");
    n_valid++;

    /* a second checkpoint appended with quire_writer_open_append: chained
     * to the first by its digest and a consistency proof (spec 11.3) */
    snprintf(path, sizeof path, "%s/valid/appended.quire", outdir);
    write_file("valid/appended.quire", base[B_ONE].p, base[B_ONE].len);
    {
        quire_writer *w = NULL;
        quire_article *art = NULL;
        static const char *const bodies[] = {"The ferry timetable changes on Monday.",
                                             "Volunteers planted forty trees by the canal."};
        int i;
        memset(&d, 0, sizeof d);
        if ((e = quire_writer_new(&w, NULL)) != 0 || (e = quire_article_new(&art, NULL)) != 0 ||
            (e = quire_writer_add_signer(w, K[K_ARCHIVIST].sk, QUIRE_ROLE_ARCHIVIST, NULL)) != 0 ||
            (e = quire_writer_set_checkpoint(w, 1700086400, "day two", 7)) != 0 ||
            (e = quire_writer_open_append(w, path, &d)) != 0) {
            die("append", e);
        }
        for (i = 0; i < 2; i++) {
            quire_article_clear(art);
            if ((e = quire_article_add_part(art, "body", 4, "text/plain", 10, bodies[i],
                                            strlen(bodies[i]))) != 0 ||
                (e = quire_writer_add(w, art, NULL, &d)) != 0) {
                die("append article", e);
            }
        }
        if ((e = quire_writer_finish(w, &d)) != 0) {
            die("append finish", e);
        }
        quire_writer_free(w);
        quire_article_free(art);
    }
    mf_line("valid/appended.quire", "QUIRE_OK", -1, "--keyring keys/keyring");
    n_valid++;

    /* parts stored once (spec 5.6): three articles with the same 1,200-byte
     * wire copy, the second and third hold references to the first's; the
     * first's is listed in the dDUP frame, for later appends */
    {
        fz_vec v;
        quire_writer *w = NULL;
        quire_article *art = NULL;
        char wire[1201];
        size_t i, k;
        memset(&v, 0, sizeof v);
        memset(&d, 0, sizeof d);
        static const char line[] = "The harbour authority said the new quay opens in spring. ";
        for (k = 0; k < sizeof wire - 1; k++) {
            wire[k] = line[k % (sizeof line - 1)];
        }
        wire[sizeof wire - 1] = 0;
        CHECK(quire_writer_new(&w, NULL));
        CHECK(quire_writer_set_archive_id(w, archive_id));
        CHECK(quire_writer_set_checkpoint(w, CREATED, COMMENT, strlen(COMMENT)));
        CHECK(quire_writer_add_signer(w, K[K_ARCHIVIST].sk, QUIRE_ROLE_ARCHIVIST, NULL));
        CHECK(quire_writer_open(w, vec_write, &v, &d));
        CHECK(quire_article_new(&art, NULL));
        for (i = 0; i < 3; i++) {
            static const char *const titles[] = {"Quay opens in spring", "New quay in spring",
                                                 "Spring opening for the quay"};
            quire_article_clear(art);
            CHECK(quire_article_set(art, QUIRE_F_TITLE, QUIRE_T_TEXT, titles[i],
                                    strlen(titles[i])));
            CHECK(quire_article_add_part(art, "body", 4, "text/plain", 10, wire, strlen(wire)));
            CHECK(quire_writer_add(w, art, NULL, &d));
        }
        CHECK(quire_writer_finish(w, &d));
        quire_writer_free(w);
        quire_article_free(art);
        out_bytes("deduplicated.quire", v.p, v.len, "QUIRE_OK", -1, "-p keys/archivist.pub --strict");
        fz_vec_free(&v);
    }
}

/* The chain of checkpoints (spec 11.3): the first checkpoint's statement
 * changed (its CRC repaired) no longer has the digest the second names. */
static void
gen_chain(void)
{
    char path[4096];
    uint8_t *p;
    size_t n;
    long s0, s1;
    fz_arch a;
    FILE *f;
    long len;
    mf_comment("checkpoint chain (spec 11.3)");
    snprintf(path, sizeof path, "%s/valid/appended.quire", outdir);
    f = fopen(path, "rb");
    if (f == NULL || fseek(f, 0, SEEK_END) != 0 || (len = ftell(f)) < 0 ||
        fseek(f, 0, SEEK_SET) != 0) {
        perror(path);
        exit(1);
    }
    p = (uint8_t *)malloc((size_t)len);
    if (p == NULL || fread(p, 1, (size_t)len, f) != (size_t)len) {
        perror(path);
        exit(1);
    }
    fclose(f);
    n = (size_t)len;
    if (fz_parse(&a, p, n) != 0) {
        fprintf(stderr, "gen_vectors: cannot parse appended.quire\n");
        exit(1);
    }
    free(p);
    s0 = fz_first(&a, QUIRE__FT_SEAL);
    s1 = fz_last(&a, QUIRE__FT_SEAL);
    if (s0 < 0 || s1 <= s0) {
        fprintf(stderr, "gen_vectors: appended.quire has no two seals\n");
        exit(1);
    }
    /* the created time of checkpoint 0: any value decodes, the digest changes */
    a.f[s0].pl.p[4 + 176] ^= 0x01;
    out_arch("chain_previous_changed.quire", &a, "QUIRE_E_CHAIN",
             (long long)fz_off(&a, (size_t)s1), "-");
}

/* ====================================================================
 * File header and frames
 * ==================================================================== */

static void
gen_header_frames(void)
{
    fz_arch a;
    uint8_t *p;
    size_t n;
    long long b;
    size_t bi;

    mf_comment("file header (spec 2)");
    p = bytes_of(B_ONE, &n);
    p[1] = 'q';
    out_bytes("bad_magic.quire", p, n, "QUIRE_E_MAGIC", 0, "-");
    free(p);
    p = bytes_of(B_ONE, &n);
    p[10] = 2;
    out_bytes("header_major_2.quire", p, n, "QUIRE_E_VERSION", 10, "-");
    free(p);
    p = bytes_of(B_ONE, &n);
    p[12] = 1;
    out_bytes("header_flags.quire", p, n, "QUIRE_E_RESERVED", 12, "-");
    free(p);
    p = bytes_of(B_ONE, &n);
    p[14] = 1;
    out_bytes("header_reserved.quire", p, n, "QUIRE_E_RESERVED", 14, "-");
    free(p);
    p = bytes_of(B_ONE, &n);
    out_bytes("file_too_short.quire", p, 60, "QUIRE_E_TRUNCATED", 60, "-");
    out_bytes("header_only.quire", p, 8, "QUIRE_E_TRUNCATED", 0, "-");
    free(p);

    mf_comment("frames (spec 3): the first BLOK frame");
    load(&a, B_ONE);
    bi = frame_at(&a, fz_first(&a, QUIRE__FT_BLOK));
    b = (long long)fz_off(&a, bi);
    {
        size_t plen = a.f[bi].pl.len;
        p = fz_emit(&a, &n);
        p[b + 40] ^= 0x01; /* a payload byte; the CRC no longer matches */
        out_bytes("frame_crc.quire", p, n, "QUIRE_E_CRC", b + QUIRE__FRAME_HEAD + (long long)plen,
                  "-");
        free(p);
        p = fz_emit(&a, &n);
        quire__st32(p + b + 8, 0x40000001u); /* over the 1 GiB frame limit */
        out_bytes("frame_length_over_limit.quire", p, n, "QUIRE_E_LIMIT", b + 8, "-");
        free(p);
    }
    fz_free(&a);

    load(&a, B_ONE);
    a.f[frame_at(&a, fz_first(&a, QUIRE__FT_BLOK))].flags = 1;
    out_arch("frame_flags.quire", &a, "QUIRE_E_RESERVED", b + 4, "-");

    load(&a, B_ONE);
    a.f[frame_at(&a, fz_first(&a, QUIRE__FT_BLOK))].type = QUIRE__FT('B', 'L', 'O', '1');
    out_arch("frame_type_digit.quire", &a, "QUIRE_E_FRAME", b, "-");

    /* an unknown critical frame (uppercase first letter) after the seal */
    load(&a, B_ONE);
    {
        static const char what[] = "a critical frame no 1.0 reader knows";
        size_t t = frame_at(&a, fz_last(&a, QUIRE__FT_TRLR));
        long long at = (long long)fz_off(&a, t);
        fz_insert(&a, t, QUIRE__FT('S', 'E', 'A', 'X'), what, sizeof what - 1);
        fz_fix_trailer(&a);
        out_arch("seal_unknown_critical_frame.quire", &a, "QUIRE_E_CRITICAL", at, "-");
    }
}

/* ====================================================================
 * Blocks (spec 4)
 * ==================================================================== */

static void
gen_blocks(void)
{
    fz_arch a;
    long long b;
    uint8_t *h;

#define BLOCK_CASE(basearch, name, code, off_rel, ...)                                           \
    do {                                                                                           \
        size_t bi_;                                                                                \
        load(&a, (basearch));                                                                      \
        bi_ = frame_at(&a, fz_first(&a, QUIRE__FT_BLOK));                                          \
        b = (long long)fz_off(&a, bi_);                                                            \
        h = a.f[bi_].pl.p;                                                                         \
        (void)h;                                                                                   \
        __VA_ARGS__;                                                                               \
        out_arch((name), &a, (code), b + (off_rel), "-");                                          \
    } while (0)

    mf_comment("blocks (spec 4): the first block's header; frame CRCs repaired");
    BLOCK_CASE(B_ONE, "block_codec_7.quire", "QUIRE_E_CODEC", 12, h[0] = 7);
    BLOCK_CASE(B_ONE, "block_flags_2.quire", "QUIRE_E_RESERVED", 13, h[1] = 2);
    BLOCK_CASE(B_ONE, "block_reserved.quire", "QUIRE_E_RESERVED", 14, h[2] = 1);
    BLOCK_CASE(B_ONE, "block_record_count_0.quire", "QUIRE_E_BLOCK", 16, quire__st32(h + 4, 0));
    BLOCK_CASE(B_ONE, "block_raw_size_over_limit.quire", "QUIRE_E_LIMIT", 20,
               quire__st32(h + 8, (64u << 20) + 1));
    BLOCK_CASE(B_ONE, "block_ratio_over_limit.quire", "QUIRE_E_LIMIT", 20,
               quire__st32(h + 8, (uint32_t)(a.f[bi_].pl.len - QUIRE__BLOCK_HEAD) * 1100u));
    BLOCK_CASE(B_ONE, "block_first_article.quire", "QUIRE_E_INDEX", 12, quire__st64(h + 12, 3));
    BLOCK_CASE(B_ONE, "block_zlib_corrupt.quire", "QUIRE_E_INFLATE", 32,
               h[a.f[bi_].pl.len - 1] ^= 0x5A); /* the Adler-32 */
    BLOCK_CASE(B_ONE, "block_needs_dict.quire", "QUIRE_E_DICT", 13, h[1] = QUIRE__BLOCK_F_DICT);
    BLOCK_CASE(B_STORED, "block_stored_dict_flag.quire", "QUIRE_E_BLOCK", 13,
               h[1] = QUIRE__BLOCK_F_DICT);
    BLOCK_CASE(B_STORED, "block_stored_size.quire", "QUIRE_E_BLOCK", 20,
               quire__st32(h + 8, quire__ld32(h + 8) + 1));
    /* the dictionary changed (and the statement re-signed for it): the
     * blocks no longer inflate with it */
    BLOCK_CASE(B_DICT, "block_wrong_dict.quire", "QUIRE_E_DICT", 32, {
        a.f[frame_at(&a, fz_first(&a, QUIRE__FT_DICT))].pl.p[0] ^= 0x20;
        if (fz_fix_seal(&a, K, K_N) != 0) {
            die("fz_fix_seal", QUIRE_E_SEAL);
        }
    });
#undef BLOCK_CASE
}

/* ====================================================================
 * Records (spec 5): article 0 or 1 changed, everything repaired and
 * re-signed; the verifier reports the record's block frame
 * ==================================================================== */

static void
rec_get(fz_arch *a, uint64_t n, fz_vec *r, fz_rview *v)
{
    if (fz_record_get(a, n, r) != 0 || fz_record_view(r->p, r->len, v) != 0) {
        die("fz_record_get", QUIRE_E_RECORD);
    }
}

static void
rec_put_repair(fz_arch *a, uint64_t n, fz_vec *r)
{
    if (fz_record_put(a, n, r->p, r->len) != 0) {
        die("fz_record_put", QUIRE_E_RECORD);
    }
    fz_vec_free(r);
    repair(a);
}

static void
gen_records(void)
{
    fz_arch a;
    fz_vec r;
    fz_rview v;
    const fz_rfield *f;
    long long b;
    memset(&r, 0, sizeof r);

#define REC_CASE(basearch, art, name, code, ...)                                                  \
    do {                                                                                           \
        load(&a, (basearch));                                                                      \
        rec_get(&a, (art), &r, &v);                                                                \
        __VA_ARGS__;                                                                               \
        rec_put_repair(&a, (art), &r);                                                             \
        b = block_of(&a, (art));                                                                   \
        out_arch((name), &a, (code), b, "-");                                                      \
    } while (0)

    mf_comment("records (spec 5): one record changed; digests, index, statement, signatures "
               "and CRCs repaired (full mode finds it, at the block frame)");
    /* the digest check: a stored block changed, only its CRC repaired */
    load(&a, B_STORED);
    {
        size_t fi, pos;
        if (fz_locate(&a, 0, &fi, &pos) != 0) {
            die("fz_locate", QUIRE_E_NOTFOUND);
        }
        a.f[fi].pl.p[QUIRE__BLOCK_HEAD + 4 + 40] ^= 0x01;
        b = (long long)fz_off(&a, fi);
    }
    out_arch("record_digest_mismatch.quire", &a, "QUIRE_E_DIGEST", b, "-");

    REC_CASE(B_ONE, 0, "record_bad_utf8.quire", "QUIRE_E_UTF8",
             r.p[fz_field(&v, QUIRE_F_TITLE)->val_at + 3] = 0xFF);
    REC_CASE(B_ONE, 0, "record_unsorted_fields.quire", "QUIRE_E_ORDER", {
        /* swap the first two fields (id, url) */
        fz_vec t;
        size_t a0 = v.f[0].at, a1 = v.f[1].at, e1 = v.f[1].end;
        memset(&t, 0, sizeof t);
        fz_vec_put(&t, r.p, a0);
        fz_vec_put(&t, r.p + a1, e1 - a1);
        fz_vec_put(&t, r.p + a0, a1 - a0);
        fz_vec_put(&t, r.p + e1, r.len - e1);
        fz_vec_set(&r, t.p, t.len);
        fz_vec_free(&t);
    });
    REC_CASE(B_ONE, 0, "record_storage_1_no_flag.quire", "QUIRE_E_RECORD",
             r.p[v.p[0].storage_at] = 1);
    REC_CASE(B_ONE, 0, "record_storage_2.quire", "QUIRE_E_FEATURE", r.p[v.p[0].storage_at] = 2);
    REC_CASE(B_ONE, 0, "record_version_2.quire", "QUIRE_E_FEATURE", r.p[0] = 2);
    REC_CASE(B_ONE, 0, "record_version_0.quire", "QUIRE_E_RECORD", r.p[0] = 0);
    REC_CASE(B_ONE, 0, "record_flags.quire", "QUIRE_E_RESERVED", r.p[1] = 2);
    REC_CASE(B_ONE, 0, "record_flags_refs_no_ref.quire", "QUIRE_E_RECORD", r.p[1] = 1);
    REC_CASE(B_ONE, 0, "record_reserved.quire", "QUIRE_E_RESERVED", r.p[7] = 1);
    REC_CASE(B_ONE, 0, "record_field_count_over_limit.quire", "QUIRE_E_LIMIT",
             quire__st16(r.p + 2, 2000));
    REC_CASE(B_ONE, 0, "record_field_type_for_key.quire", "QUIRE_E_FIELD",
             r.p[fz_field(&v, QUIRE_F_TITLE)->at + 2] = QUIRE_T_BYTES);
    REC_CASE(B_ONE, 0, "record_null_with_value.quire", "QUIRE_E_FIELD",
             r.p[fz_field(&v, QUIRE_F_TITLE)->at + 2] = QUIRE_T_NULL);
    REC_CASE(B_ONE, 1, "record_field_type_9.quire", "QUIRE_E_FEATURE", {
        f = fz_field(&v, QUIRE_F_EXT);
        r.p[f->at + 2] = 9;
    });
    REC_CASE(B_ONE, 1, "record_json_noncanonical.quire", "QUIRE_E_JSON", {
        f = fz_field(&v, QUIRE_F_EXT);
        memcpy(r.p + f->val_at, "{\"k\": 12}", 9); /* was {"k":"v"} */
    });
    REC_CASE(B_ONE, 0, "record_bad_time.quire", "QUIRE_E_TIME",
             memcpy(r.p + fz_field(&v, QUIRE_F_PUBLISHED)->val_at, "2023-11-31", 10));
    REC_CASE(B_ONE, 0, "record_bad_language.quire", "QUIRE_E_FIELD",
             r.p[fz_field(&v, QUIRE_F_LANGUAGE)->val_at + 2] = '_');
    REC_CASE(B_ONE, 1, "record_duplicate_part.quire", "QUIRE_E_ORDER",
             memcpy(r.p + v.p[1].name_at, "body", 4)); /* was "note" */
    REC_CASE(B_ONE, 0, "record_media_type_control.quire", "QUIRE_E_RECORD",
             r.p[v.p[0].media_at + 4] = 0x07);
    REC_CASE(B_ONE, 0, "record_trailing.quire", "QUIRE_E_TRAILING", fz_vec_u8(&r, 0));
    REC_CASE(B_ONE, 0, "record_truncated_part.quire", "QUIRE_E_TRUNCATED",
             quire__st32(r.p + v.p[0].len_at, (uint32_t)v.p[0].data_len + 1));
    REC_CASE(B_ONE, 0, "record_list_trailing.quire", "QUIRE_E_TRAILING", {
        /* one byte more in the authors LIST value, after its last item */
        f = fz_field(&v, QUIRE_F_AUTHORS);
        quire__st32(r.p + f->val_at - 4, (uint32_t)f->val_len + 1);
        fz_vec_insert(&r, f->end, "x", 1);
    });
#undef REC_CASE
}

/* ====================================================================
 * Index (spec 7): the raw index edited, the statement names the new
 * index (re-signed), the trailer follows
 * ==================================================================== */

static void
gen_index(void)
{
    fz_arch a;
    fz_vec ix;
    fz_ixview v;
    long long x;
    uint8_t *e;
    memset(&ix, 0, sizeof ix);

#define IX_CASE(basearch, name, code, off_rel, ...)                                               \
    do {                                                                                           \
        uint64_t count_;                                                                           \
        load(&a, (basearch));                                                                      \
        if (fz_index_raw(&a, &ix) != 0 || fz_index_view(ix.p, ix.len, &v) != 0) {                  \
            die("fz_index_raw", QUIRE_E_INDEX);                                                    \
        }                                                                                          \
        count_ = v.n_articles;                                                                     \
        __VA_ARGS__;                                                                               \
        fz_index_set_raw(&a, ix.p, ix.len);                                                        \
        sync_index_digest(&a);                                                                     \
        fz_fix_trailer(&a);                                                                        \
        quire__st64(trailer_payload(&a) + 24, count_); /* the trailer keeps the true count */     \
        x = index_off(&a);                                                                         \
        out_arch((name), &a, (code), x + (off_rel), "-");                                          \
    } while (0)

    mf_comment("index (spec 7): the inflated index edited; statement re-signed for it; offsets "
               "inside the index are reported at the INDX frame");
    IX_CASE(B_ONE, "index_unsorted_dates.quire", "QUIRE_E_ORDER", 0, {
        uint8_t t[16];
        e = ix.p + v.dates;
        memcpy(t, e, 16);
        memcpy(e, e + 16, 16);
        memcpy(e + 16, t, 16);
    });
    IX_CASE(B_ONE, "index_unsorted_urls.quire", "QUIRE_E_ORDER", 0, {
        uint8_t t[16];
        e = ix.p + v.urls;
        memcpy(t, e, 16);
        memcpy(e, e + 16, 16);
        memcpy(e + 16, t, 16);
    });
    IX_CASE(B_ONE, "index_block_offset.quire", "QUIRE_E_INDEX", 0,
            /* block 1 said to start where block 0 does */
            memcpy(ix.p + v.blocks + QUIRE__BLOCK_ENTRY, ix.p + v.blocks, 8));
    IX_CASE(B_ONE, "index_block_reserved.quire", "QUIRE_E_RESERVED", 0,
            ix.p[v.blocks + 28] = 1);
    IX_CASE(B_ONE, "index_record_placement.quire", "QUIRE_E_INDEX", 0, {
        e = ix.p + v.articles + QUIRE__ARTICLE_ENTRY + 36; /* article 1's offset */
        quire__st32(e, quire__ld32(e) + 1);
    });
    IX_CASE(B_ONE, "index_url_article.quire", "QUIRE_E_INDEX", 0,
            quire__st64(ix.p + v.urls + 8, 99));
    IX_CASE(B_ONE, "index_trailing.quire", "QUIRE_E_TRAILING", 0, fz_vec_u64(&ix, 0));
    IX_CASE(B_ONE, "index_article_count_over_limit.quire", "QUIRE_E_LIMIT", 0,
            quire__st64(ix.p + 16, ((uint64_t)1 << 24) + 1));
    IX_CASE(B_ONE, "index_article_table_truncated.quire", "QUIRE_E_TRUNCATED", 0,
            quire__st64(ix.p + 16, 1000));
    /* a paged index's tables are compared with the records as multisets
     * (13.3): a URL entry naming the next article, the table still sorted */
    IX_CASE(B_PAGED, "paged_url_table_differs.quire", "QUIRE_E_INDEX", 0, {
        e = ix.p + v.urls + 8;
        quire__st64(e, (quire__ld64(e) + 1) % count_);
        quire__pairs_sort(ix.p + v.urls, (size_t)v.n_urls, 0);
    });
#undef IX_CASE

    mf_comment("index envelope (spec 7.1), frame CRC repaired");
#define ENV_CASE(basearch, name, code, off_rel, ...)                                              \
    do {                                                                                           \
        load(&a, (basearch));                                                                      \
        e = a.f[frame_at(&a, fz_last(&a, QUIRE__FT_INDX))].pl.p;                                   \
        x = index_off(&a);                                                                         \
        __VA_ARGS__;                                                                               \
        out_arch((name), &a, (code), x + (off_rel), "-");                                          \
    } while (0)
    ENV_CASE(B_ONE, "index_codec_5.quire", "QUIRE_E_CODEC", 12, e[0] = 5);
    ENV_CASE(B_ONE, "index_flags.quire", "QUIRE_E_RESERVED", 13, e[1] = 1);
    ENV_CASE(B_ONE, "index_reserved.quire", "QUIRE_E_RESERVED", 14, e[3] = 1);
    ENV_CASE(B_ONE, "index_raw_size_over_limit.quire", "QUIRE_E_LIMIT", 16,
             quire__st64(e + 4, ((uint64_t)2 << 30) + 1));
    ENV_CASE(B_ONE, "index_zlib_corrupt.quire", "QUIRE_E_INFLATE", 24,
             e[a.f[frame_at(&a, fz_last(&a, QUIRE__FT_INDX))].pl.len - 2] ^= 0x5A);
    ENV_CASE(B_STORED, "index_stored_size.quire", "QUIRE_E_INDEX", 16,
             quire__st64(e + 4, quire__ld64(e + 4) - 1));
    mf_comment("paged index (spec 7.1, 7.6): pages of 256 bytes; frame CRC repaired");
    ENV_CASE(B_PAGED, "index_page_size.quire", "QUIRE_E_INDEX", 12 + 12,
             quire__st32(e + 12, 300));
    ENV_CASE(B_PAGED, "index_page_directory_crc.quire", "QUIRE_E_CRC",
             12 + 20 + 8 * (long long)quire__ld32(e + 16), e[20] ^= 1);
    /* page 1's zlib stream: reported at its first byte, by open or by the
     * walk, whichever reads it first */
    ENV_CASE(B_PAGED, "index_page_zlib_corrupt.quire", "QUIRE_E_INFLATE",
             12 + 24 + 8 * (long long)quire__ld32(e + 16) + (long long)quire__ld64(e + 20),
             e[24 + 8 * (size_t)quire__ld32(e + 16) + (size_t)quire__ld64(e + 20) + 3] ^= 0x5A);
#undef ENV_CASE
    fz_vec_free(&ix);
}

/* ====================================================================
 * Trailer (spec 8)
 * ==================================================================== */

static void
gen_trailer(void)
{
    fz_arch a;
    uint8_t *t, *p;
    size_t n;
    long long tr;

#define TR_CASE(basearch, name, code, off_expr, ...)                                              \
    do {                                                                                           \
        load(&a, (basearch));                                                                      \
        t = trailer_payload(&a);                                                                   \
        tr = trailer_off(&a);                                                                      \
        __VA_ARGS__;                                                                               \
        out_arch((name), &a, (code), (off_expr), "-");                                             \
    } while (0)

    mf_comment("trailer (spec 8), frame CRC repaired");
    TR_CASE(B_ONE, "trailer_end_mark.quire", "QUIRE_E_TRAILER", tr + 12 + 48, t[55] = '!');
    TR_CASE(B_ONE, "trailer_self_offset.quire", "QUIRE_E_TRAILER", tr + 12 + 40,
            quire__st64(t + 40, quire__ld64(t + 40) + 1));
    TR_CASE(B_ONE, "trailer_count.quire", "QUIRE_E_TRAILER", tr + 12 + 24,
            quire__st64(t + 24, quire__ld64(t + 24) + 1));
    TR_CASE(B_ONE, "trailer_count_over_limit.quire", "QUIRE_E_LIMIT", tr + 12 + 24,
            quire__st64(t + 24, ((uint64_t)1 << 24) + 1));
    TR_CASE(B_ONE, "trailer_index_offset.quire", "QUIRE_E_TRAILER", tr + 12,
            quire__st64(t, 8));
    TR_CASE(B_ONE, "trailer_index_not_index.quire", "QUIRE_E_INDEX", QUIRE__HEADER_LEN,
            quire__st64(t, QUIRE__HEADER_LEN)); /* points at the first BLOK frame */
    TR_CASE(B_ONE, "trailer_seal_not_seal.quire", "QUIRE_E_TRAILER", index_off(&a),
            quire__st64(t + 16, quire__ld64(t))); /* seal_offset = index_offset */
    TR_CASE(B_ONE, "trailer_type.quire", "QUIRE_E_TRAILER", tr,
            a.f[frame_at(&a, fz_last(&a, QUIRE__FT_TRLR))].type = QUIRE__FT('T', 'R', 'L', 'X'));
#undef TR_CASE

    /* the last 30 bytes missing: the last 72 bytes are no trailer frame */
    p = bytes_of(B_ONE, &n);
    out_bytes("trailer_missing.quire", p, n - 30, "QUIRE_E_TRAILER", (long long)(n - 30 - 72), "-");
    free(p);
}

/* ====================================================================
 * Seal (spec 11): structure, statement, signatures
 * ==================================================================== */

static void
gen_seal(void)
{
    fz_arch a;
    fz_sealview sv;
    quire__statement st;
    fz_vec keep;
    uint8_t *s;
    long long so, off;
    memset(&keep, 0, sizeof keep);

#define SEAL_CASE(basearch, name, code, off_expr, ...)                                            \
    do {                                                                                           \
        load(&a, (basearch));                                                                      \
        s = seal_payload(&a, &sv);                                                                 \
        so = stmt_off(&a);                                                                         \
        off = (off_expr);                                                                          \
        __VA_ARGS__;                                                                               \
        out_arch((name), &a, (code), off, "-");                                                    \
    } while (0)

    mf_comment("seal structure (read at open), frame CRC repaired");
    SEAL_CASE(B_ONE, "seal_statement_magic.quire", "QUIRE_E_SEAL", so, s[sv.stmt_at + 7] = '2');
    SEAL_CASE(B_ONE, "seal_statement_flags.quire", "QUIRE_E_RESERVED", so + 8, {
        s[sv.stmt_at + 8] |= 0x80;
        fz_resign(&a, K, K_N);
    });
    SEAL_CASE(B_ONE, "seal_reserved.quire", "QUIRE_E_RESERVED", so + 9, {
        s[sv.stmt_at + 9] = 1;
        fz_resign(&a, K, K_N);
    });
    SEAL_CASE(B_ONE, "seal_statement_length.quire", "QUIRE_E_SEAL", seal_off(&a) + 12,
              quire__st32(s, 100));
    SEAL_CASE(B_ONE, "seal_prev_without_flag.quire", "QUIRE_E_SEAL", so + 80, {
        s[sv.stmt_at + 80] = 0x11;
        fz_resign(&a, K, K_N);
    });
    SEAL_CASE(B_ONE, "seal_comment_utf8.quire", "QUIRE_E_UTF8", so + 186 + 3, {
        s[sv.stmt_at + 186 + 3] = 0xFF;
        fz_resign(&a, K, K_N);
    });
    SEAL_CASE(B_ONE, "seal_truncated_sig_list.quire", "QUIRE_E_TRUNCATED",
              seal_off(&a) + 12 + (long long)sv.count_at, quire__st16(s + sv.count_at, 2));
    SEAL_CASE(B_ONE, "seal_sig_count_over_limit.quire", "QUIRE_E_LIMIT",
              seal_off(&a) + 12 + (long long)sv.count_at, quire__st16(s + sv.count_at, 300));
    SEAL_CASE(B_ONE, "seal_role_7.quire", "QUIRE_E_SEAL", sig_off(&a, 0), {
        s[sv.sig_at[0]] = 7;
        fz_resign(&a, K, K_N);
    });
    SEAL_CASE(B_ONE, "seal_role_3_no_name.quire", "QUIRE_E_SEAL", sig_off(&a, 0) + 1, {
        s[sv.sig_at[0]] = QUIRE_ROLE_NAMED;
        fz_resign(&a, K, K_N);
    });
    SEAL_CASE(B_THREE, "seal_role_name_utf8.quire", "QUIRE_E_UTF8", sig_off(&a, 2) + 2 + 1, {
        s[sv.sig_at[2] + 2 + 1] = 0xC0; /* "n\xC0tary" */
        fz_resign(&a, K, K_N);
    });
    SEAL_CASE(B_ONE, "seal_trailing.quire", "QUIRE_E_TRAILING",
              seal_off(&a) + 12 + (long long)sv.sig_end[0], {
                  fz_vec_u8(&a.f[frame_at(&a, fz_last(&a, QUIRE__FT_SEAL))].pl, 0);
                  fz_fix_trailer(&a);
              });

    mf_comment("seal signatures");
    SEAL_CASE(B_ONE, "seal_bad_signature.quire", "QUIRE_E_SIG", sig_off(&a, 0),
              s[sv.sig_end[0] - 10] ^= 0x01);
    SEAL_CASE(B_ONE, "seal_signature_other_key.quire", "QUIRE_E_SIG", sig_off(&a, 0), {
        /* the entry names the witness key; the signature is the archivist's */
        memcpy(s + sv.sig_at[0] + 2, K[K_WITNESS].pk.key_id, 8);
        memcpy(s + sv.sig_at[0] + 10, K[K_WITNESS].pk.pk, 32);
    });
    SEAL_CASE(B_THREE, "seal_bad_signature_witness.quire", "QUIRE_E_SIG", sig_off(&a, 1),
              s[sv.sig_end[1] - 1] ^= 0x80);

    mf_comment("seal statement against the archive (statements re-signed with the test key)");
    SEAL_CASE(B_ONE, "seal_tree_size.quire", "QUIRE_E_STATEMENT", so + 40, {
        stmt_get(&a, &st, &keep);
        st.tree_size++;
        stmt_put(&a, &st, &keep);
    });
    SEAL_CASE(B_ONE, "seal_checkpoint.quire", "QUIRE_E_STATEMENT", so + 32, {
        stmt_get(&a, &st, &keep);
        st.checkpoint = 1;
        st.flags |= QUIRE__STMT_F_PREV;
        memset(st.prev, 0x11, 32);
        stmt_put(&a, &st, &keep);
        {
            /* a statement with a previous checkpoint carries the consistency
             * section after its signatures (spec 11.3): previous size 0, no
             * hashes, so only the checkpoint number is wrong */
            static const uint8_t tail[9] = {0};
            long sf = fz_last(&a, QUIRE__FT_SEAL);
            fz_vec_put(&a.f[sf].pl, tail, sizeof tail);
            fz_fix_trailer(&a);
        }
    });
    SEAL_CASE(B_ONE, "seal_index_digest.quire", "QUIRE_E_STATEMENT", so + 112, {
        stmt_get(&a, &st, &keep);
        st.index_digest[0] ^= 1;
        stmt_put(&a, &st, &keep);
    });
    SEAL_CASE(B_DICT, "seal_dict_digest.quire", "QUIRE_E_STATEMENT", so + 144, {
        stmt_get(&a, &st, &keep);
        st.dict_digest[31] ^= 1;
        stmt_put(&a, &st, &keep);
    });
    SEAL_CASE(B_ONE, "seal_dict_flag_without_dict.quire", "QUIRE_E_STATEMENT", so + 144, {
        stmt_get(&a, &st, &keep);
        st.flags |= QUIRE__STMT_F_DICT;
        memset(st.dict_digest, 0x22, 32);
        stmt_put(&a, &st, &keep);
    });
    SEAL_CASE(B_ONE, "seal_archive_id.quire", "QUIRE_E_ARCHIVE_ID", so + 16, {
        stmt_get(&a, &st, &keep);
        st.archive_id[15] ^= 0x01;
        stmt_put(&a, &st, &keep);
    });
    /* an article changed and every digest, index entry and the index digest
     * repaired, the statement re-signed, but with the old root */
    load(&a, B_ONE);
    {
        uint8_t old_root[32];
        fz_vec r;
        fz_rview v;
        stmt_get(&a, &st, &keep);
        memcpy(old_root, st.root, 32);
        fz_vec_free(&keep);
        memset(&r, 0, sizeof r);
        rec_get(&a, 0, &r, &v);
        r.p[fz_field(&v, QUIRE_F_TITLE)->val_at] = 'B'; /* "Barbour ferry ..." */
        rec_put_repair(&a, 0, &r);
        stmt_get(&a, &st, &keep);
        memcpy(st.root, old_root, 32);
        stmt_put(&a, &st, &keep);
    }
    out_arch("seal_root_mismatch.quire", &a, "QUIRE_E_ROOT", stmt_off(&a) + 48, "-");
#undef SEAL_CASE
}

/* ====================================================================
 * Trust policy and publisher signatures
 * ==================================================================== */

static void
gen_trust(void)
{
    fz_arch a;
    long long so;

    mf_comment("trust: signatures valid, policy not met");
    load(&a, B_UNTRUSTED);
    out_arch("untrusted_signer.quire", &a, "QUIRE_E_UNTRUSTED", seal_off(&a),
             "--keyring keys/keyring");
    load(&a, B_IMPOSTOR);
    out_arch("keyid_impostor.quire", &a, "QUIRE_E_UNTRUSTED", sig_off(&a, 0),
             "--keyring keys/keyring");
    /* the witness key, trusted as a witness, signing as the archivist */
    load(&a, B_WRONG_ROLE);
    out_arch("role_not_trusted.quire", &a, "QUIRE_E_UNTRUSTED", seal_off(&a),
             "--keyring keys/keyring");
    load(&a, B_ONE);
    so = seal_off(&a);
    out_arch("missing_role.quire", &a, "QUIRE_E_ROLE", so,
             "-p keys/archivist.pub --require-role witness");
    load(&a, B_ONE);
    out_arch("missing_named_role.quire", &a, "QUIRE_E_ROLE", so,
             "--keyring keys/keyring --require-role notary");
    load(&a, B_ONE);
    out_arch("min_signatures.quire", &a, "QUIRE_E_UNTRUSTED", so,
             "--keyring keys/keyring --min-signatures 2");
    load(&a, B_ONE);
    out_arch("min_signatures_no_keys.quire", &a, "QUIRE_E_UNSIGNED", so, "--min-signatures 2");
    load(&a, B_UNSIGNED);
    out_arch("unsigned_required.quire", &a, "QUIRE_E_UNSIGNED", seal_off(&a),
             "--keyring keys/keyring");
    /* no seal at all: the SEAL frame removed, seal_offset 0 */
    load(&a, B_ONE);
    fz_remove(&a, frame_at(&a, fz_last(&a, QUIRE__FT_SEAL)));
    fz_fix_trailer(&a);
    out_arch("no_seal.quire", &a, "QUIRE_E_UNSIGNED", (long long)fz_size(&a) - 72,
             "--keyring keys/keyring");

    mf_comment("publisher signatures (full mode)");
    load(&a, B_PUBLISHER);
    {
        fz_vec r;
        fz_rview v;
        memset(&r, 0, sizeof r);
        rec_get(&a, 1, &r, &v);
        r.p[fz_field(&v, QUIRE_F_PUBLISHER_SIG)->val_at + 40 + 5] ^= 0x04;
        rec_put_repair(&a, 1, &r);
    }
    out_arch("publisher_bad_signature.quire", &a, "QUIRE_E_PUBLISHER", block_of(&a, 1),
             "--keyring keys/keyring");
    load(&a, B_PUB_UNTRUSTED);
    out_arch("publisher_untrusted_strict.quire", &a, "QUIRE_E_UNTRUSTED", block_of(&a, 0),
             "--keyring keys/keyring --strict");
}

/* ====================================================================
 * Self-check: the repairs change nothing in an intact archive
 * ==================================================================== */

static void
self_check(void)
{
    int b;
    for (b = 0; b < B_N; b++) {
        fz_arch a;
        uint8_t *p;
        size_t n;
        load(&a, b);
        repair(&a);
        p = fz_emit(&a, &n);
        if (n != base[b].len || memcmp(p, base[b].p, n) != 0) {
            fprintf(stderr, "gen_vectors: repairing intact base %d changes it\n", b);
            exit(1);
        }
        free(p);
        fz_free(&a);
    }
}

int
main(int argc, char **argv)
{
    int b;
    if (argc != 2) {
        fprintf(stderr, "usage: gen_vectors OUTDIR\n");
        return 2;
    }
    if (sodium_init() < 0) {
        fprintf(stderr, "gen_vectors: sodium_init failed\n");
        return 1;
    }
    outdir = argv[1];
    if (mkdir(outdir, 0755) != 0 && errno != EEXIST) {
        perror(outdir);
        return 1;
    }
    mkdirs("valid");
    mkdirs("invalid");
    make_keys();
    for (b = 0; b < B_N; b++) {
        build(&base_def[b], &base[b]);
    }
    self_check();

    mf_comment("quire golden vectors (generated by gen_vectors.c; do not edit)");
    mf_comment("path expected_code expected_offset verify_args");
    mf_comment("expected_offset: byte offset of the first error finding of");
    mf_comment("'quire verify --json verify_args path' run from this directory");
    gen_valid();
    gen_header_frames();
    gen_blocks();
    gen_records();
    gen_index();
    gen_trailer();
    gen_seal();
    gen_trust();
    gen_chain();
    write_file("MANIFEST", manifest.p, manifest.len);
    fz_vec_free(&manifest);
    for (b = 0; b < B_N; b++) {
        fz_vec_free(&base[b]);
    }
    for (b = 0; b < K_N; b++) {
        fz_key_free(&K[b]);
    }
    printf("gen_vectors: %d valid, %d invalid vectors in %s\n", n_valid, n_invalid, outdir);
    return 0;
}
