/* fuzz_roundtrip.c - articles and options synthesized from the input:
 * write an archive, read every article back and compare; write it twice
 * and compare the bytes; verify it (signed with the harness's fixed test
 * key); flip one bit chosen by the input and check that verification
 * fails. Always-valid fields are derived from the bytes (zstd's data
 * producer idea) so most inputs reach the writer and the readers. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "quire.h"

#include "fuzz_util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

typedef struct producer {
    const uint8_t *p;
    size_t n;
} producer;

static uint32_t
take_u32(producer *s, uint32_t max)
{
    uint32_t v = 0;
    int i;
    for (i = 0; i < 4 && s->n > 0; i++) {
        v = (v << 8) | s->p[s->n - 1]; /* from the end: the front is article text */
        s->n--;
    }
    /* max + 1 would wrap for UINT32_MAX: then any value is in range */
    return max == UINT32_MAX ? v : v % (max + 1);
}

static size_t
take_bytes(producer *s, size_t want, const uint8_t **out)
{
    size_t n = want < s->n ? want : s->n;
    *out = s->p;
    s->p += n;
    s->n -= n;
    return n;
}


static const char test_key[] =
    "untrusted comment: quire fuzzing test key (public, never use for real)\n"
    "RWQAAEIyAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA8Bs25FOqbA31Nk1nP9pH"
    "IdgXSUvjKtfeWxQQ8u60YmiNyeHHXpZaacGg6ohW+UdId6rRX8/oBCZJiNxIUGMe3VSylpEWCLAJDLQWY0MXSQ3guEIA"
    "+lk+tpuFJgsGqfVFuMt8jgz226k=\n";

#define MAX_ARTICLES 16

/* Builds article i from the producer: a title and body (bytes made
 * printable ASCII so TEXT is always valid), a date, a URL, list items, an
 * extension field. */
static void
fill(quire_article *a, producer *s, int i)
{
    static const char dates[][11] = {"1987-02-26", "2000-02-29", "2024-12-31", "1970-01-01"};
    char buf[600];
    const uint8_t *b;
    size_t n, k;
    uint32_t sel = take_u32(s, 0xFFFF);
    quire_article_clear(a);
    n = take_bytes(s, take_u32(s, 512), &b);
    for (k = 0; k < n; k++) {
        buf[k] = (char)(0x20 + b[k] % 0x5F);
    }
    if (quire_article_add_part(a, "body", 4, "text/plain", 10, buf, n) != 0) {
        abort();
    }
    if ((sel & 1) && quire_article_set(a, QUIRE_F_TITLE, QUIRE_T_TEXT, buf, n < 40 ? n : 40) != 0) {
        abort();
    }
    if ((sel & 2) && quire_article_set(a, QUIRE_F_PUBLISHED, QUIRE_T_TIME, dates[(sel >> 2) & 3],
                                       10) != 0) {
        abort();
    }
    if (sel & 16) {
        int m = snprintf(buf, sizeof buf, "https://example.org/%d/%u", i, (sel >> 5) & 7);
        if (quire_article_set(a, QUIRE_F_URL, QUIRE_T_TEXT, buf, (size_t)m) != 0) {
            abort();
        }
    }
    if ((sel & 256) && quire_article_add_item(a, QUIRE_F_AUTHORS, "A", 1) != 0) {
        abort();
    }
    if ((sel & 512) && quire_article_set_ext(a, "x", 1, QUIRE_T_BYTES, b, n) != 0) {
        abort();
    }
    if ((sel & 1024) && quire_article_add_part(a, "raw", 3, "", 0, b, n) != 0) {
        abort();
    }
}

static fz_out
build(producer s0, int n_articles, int level, size_t block, int dict, int page, quire_seckey *sk,
      int auto_dict)
{
    static const char d[] = "the council voted on the budget";
    quire_writer *w = NULL;
    quire_article *a = NULL;
    producer s = s0;
    fz_out m = {NULL, 0, 0};
    int i;
    if (quire_writer_new(&w, fz_pool_alloc()) != 0 || quire_article_new(&a, fz_pool_alloc()) != 0 ||
        quire_writer_set_option(w, QUIRE_OPT_LEVEL, level) != 0 ||
        quire_writer_set_option(w, QUIRE_OPT_BLOCK_SIZE, (int64_t)block) != 0 ||
        (dict && quire_writer_set_dictionary(w, d, sizeof d - 1) != 0) ||
        quire_writer_set_option(w, QUIRE_OPT_AUTO_DICT, auto_dict) != 0 ||
        (page != 0 && quire_writer_set_option(w, QUIRE_OPT_INDEX_PAGE, page) != 0) ||
        (sk != NULL && quire_writer_add_signer(w, sk, QUIRE_ROLE_ARCHIVIST, NULL) != 0) ||
        quire_writer_open(w, fz_out_write, &m, NULL) != 0) {
        abort();
    }
    for (i = 0; i < n_articles; i++) {
        fill(a, &s, i);
        if (quire_writer_add(w, a, NULL, NULL) != 0) {
            abort();
        }
    }
    if (quire_writer_finish(w, NULL) != 0) {
        abort();
    }
    quire_writer_free(w);
    quire_article_free(a);
    return m;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static quire_seckey *sk;
    producer s = {data, size};
    quire_reader *r = NULL;
    quire_article *a = NULL, *b = NULL;
    quire_verifier *v = NULL;
    quire_keyring *kr = NULL;
    quire_pubkey pk;
    fz_out m1, m2;
    int n_articles, level, dict, page, i;
    size_t block;
    uint32_t flip;
    if (size > 65536) {
        return 0;
    }
    if (sk == NULL && quire_seckey_parse(&sk, test_key, sizeof test_key - 1, NULL, NULL) != 0) {
        abort();
    }
    n_articles = (int)take_u32(&s, MAX_ARTICLES);
    level = (int)take_u32(&s, 9);
    block = 1024 + take_u32(&s, 65536); /* mostly one or two blocks: fast */
    dict = (int)take_u32(&s, 1);
    flip = take_u32(&s, 0xFFFFFFFF);

    /* the top bit of flip (which flips bit flip % size) pages the index;
     * the next asks for the automatic dictionary, which holds the first
     * blocks until 2 MiB of records (never reached here: it is the holding
     * that is fuzzed) */
    page = (flip >> 31) != 0 ? 256 : 0;
    m1 = build(s, n_articles, level, block, dict, page, sk, (int)((flip >> 30) & 1));
    m2 = build(s, n_articles, level, block, dict, page, sk, (int)((flip >> 30) & 1));
    if (m1.len != m2.len || memcmp(m1.p, m2.p, m1.len) != 0) {
        abort(); /* not deterministic */
    }

    /* read back: every article equals what was written */
    if (quire_reader_new(&r, fz_pool_alloc()) != 0 || quire_article_new(&a, fz_pool_alloc()) != 0 ||
        quire_article_new(&b, fz_pool_alloc()) != 0 || quire_reader_open_memory(r, m1.p, m1.len, NULL) != 0) {
        abort();
    }
    {
        producer t = s;
        for (i = 0; i < n_articles; i++) {
            uint8_t da[32], db[32];
            fill(b, &t, i);
            if (quire_reader_get(r, (uint64_t)i, a, NULL) != 0 || quire_article_digest(a, da) != 0 ||
                quire_article_digest(b, db) != 0 || memcmp(da, db, 32) != 0) {
                abort();
            }
        }
    }

    /* it verifies with the key; one flipped bit makes it fail */
    quire_seckey_public(sk, &pk);
    if (quire_keyring_new(&kr) != 0 || quire_keyring_add(kr, &pk, "test", QUIRE_ROLE_ANY, NULL) != 0 ||
        quire_verifier_new(&v, fz_pool_alloc()) != 0 || quire_verifier_set_keyring(v, kr) != 0) {
        abort();
    }
    if (quire_verifier_run_memory(v, m1.p, m1.len, NULL, NULL, NULL) != QUIRE_OK) {
        abort();
    }
    {
        size_t bit = (size_t)flip % (m1.len * 8);
        m1.p[bit / 8] ^= (uint8_t)(1u << (bit % 8));
        /* fast mode: frame CRCs alone must catch any single flipped bit */
        if (quire_verifier_set_option(v, QUIRE_VERIFY_FAST, 1) != 0) {
            abort();
        }
        /* the header's minor version byte (offset 11) is not covered by a
         * checksum and any minor version is accepted (spec 2) */
        /* a fuzzing build ignores CRC and digest results by design: the
         * oracle holds only for a release build */
        if (!quire_is_fuzzing_build() && bit / 8 != 11 &&
            quire_verifier_run_memory(v, m1.p, m1.len, NULL, NULL, NULL) == QUIRE_OK) {
            abort();
        }
    }
    quire_verifier_free(v);
    quire_keyring_free(kr);
    quire_reader_free(r);
    quire_article_free(a);
    quire_article_free(b);
    free(m1.p);
    free(m2.p);
    return 0;
}
