/* fuzz_mutate.c - production semantics (every CRC, digest and signature
 * checked) with a structure-aware mutator: it takes the archive apart
 * (frames, blocks, inflated records), mutates one record with
 * LLVMFuzzerMutate (or duplicates or drops one), and writes a new archive:
 * recompressed, CRCs and digests recomputed, sealed and signed again with
 * the harness's fixed test key. One mutation in eight is a plain byte
 * mutation so the error paths of the framing stay explored
 * (FUZZING.md 2). The target verifies the archive with the test key
 * trusted and reads every article: a file the verifier accepts must read
 * back completely. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

#include "fuzz_util.h"

#if defined(__has_feature)
#if __has_feature(memory_sanitizer)
#include <sanitizer/msan_interface.h>
#endif
#endif

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
size_t LLVMFuzzerCustomMutator(uint8_t *data, size_t size, size_t max_size, unsigned int seed);
size_t LLVMFuzzerMutate(uint8_t *data, size_t size, size_t max_size);

static const char test_key[] =
    "untrusted comment: quire fuzzing test key (public, never use for real)\n"
    "RWQAAEIyAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA8Bs25FOqbA31Nk1nP9pH"
    "IdgXSUvjKtfeWxQQ8u60YmiNyeHHXpZaacGg6ohW+UdId6rRX8/oBCZJiNxIUGMe3VSylpEWCLAJDLQWY0MXSQ3guEIA"
    "+lk+tpuFJgsGqfVFuMt8jgz226k=\n";

static quire_seckey *
test_seckey(void)
{
    static quire_seckey *sk;
    if (sk == NULL && quire_seckey_parse(&sk, test_key, sizeof test_key - 1, NULL, NULL) != 0) {
        abort();
    }
    return sk;
}

/* ---- the target ---- */

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    quire_verifier *v = NULL;
    quire_keyring *kr = NULL;
    quire_reader *r = NULL;
    quire_article *a = NULL;
    quire_pubkey pk;
    uint64_t n = 0, i;
    int e;
    if (size > (1u << 20)) {
        return 0;
    }
    quire_seckey_public(test_seckey(), &pk);
    if (quire_keyring_new(&kr) != 0 || quire_keyring_add(kr, &pk, "test", QUIRE_ROLE_ANY, NULL) != 0 ||
        quire_verifier_new(&v, NULL) != 0 || quire_verifier_set_keyring(v, kr) != 0) {
        abort();
    }
    e = quire_verifier_run_memory(v, data, size, NULL, NULL, NULL);
    if (e == QUIRE_OK) {
        /* accepted: every article reads back */
        if (quire_reader_new(&r, NULL) != 0 || quire_article_new(&a, NULL) != 0 ||
            quire_reader_open_memory(r, data, size, NULL) != 0 ||
            quire_reader_stat(r, QUIRE_STAT_ARTICLES, &n) != 0) {
            abort();
        }
        for (i = 0; i < n; i++) {
            if (quire_reader_get(r, i, a, NULL) != 0) {
                abort();
            }
        }
        quire_article_free(a);
        quire_reader_free(r);
    }
    quire_verifier_free(v);
    quire_keyring_free(kr);
    return 0;
}

/* ---- the mutator ---- */

typedef struct recs {
    uint8_t *buf; /* concatenated records */
    size_t len, cap;
    size_t off[256], n_len[256];
    size_t n;
} recs;

static int
recs_add(recs *R, const uint8_t *p, size_t n)
{
    if (R->n == 256) {
        return -1;
    }
    if (R->len + n > R->cap) {
        size_t cap = (R->len + n) * 2 + 256;
        uint8_t *q = (uint8_t *)realloc(R->buf, cap);
        if (q == NULL) {
            return -1;
        }
        R->buf = q;
        R->cap = cap;
    }
    if (n != 0) {
        memcpy(R->buf + R->len, p, n);
    }
    R->off[R->n] = R->len;
    R->n_len[R->n] = n;
    R->len += n;
    R->n++;
    return 0;
}

/* Collects the raw records of every block, tolerating records that do not
 * decode (they are what the mutator produces). */
static int
take_apart(const uint8_t *data, size_t size, recs *R)
{
    quire__allocator al;
    quire__limits l;
    quire__cur c;
    quire__header h;
    quire__allocator_from(&al, NULL);
    quire__limits_default(&l);
    l.block = 1u << 20;
    quire__cur_init(&c, data, size, 0);
    if (quire__header_decode(&c, &h) != 0) {
        return -1;
    }
    while (quire__cur_left(&c) > 0) {
        quire__frame f;
        quire__block_head bh;
        quire__cur p, rc;
        uint8_t *raw;
        const char *msg;
        const uint8_t *rec;
        size_t rec_len;
        if (quire__frame_decode(&c, &l, &f) != 0) {
            break;
        }
        if (f.type != QUIRE__FT_BLOK) {
            continue;
        }
        quire__cur_init(&p, f.payload, f.len, 0);
        if (quire__block_head_decode(&p, &l, &bh) != 0 || (bh.flags & QUIRE__BLOCK_F_DICT)) {
            continue;
        }
        raw = (uint8_t *)malloc(bh.raw_size + 1u);
        if (raw == NULL) {
            return -1;
        }
        if (bh.codec == QUIRE__CODEC_STORED) {
            memcpy(raw, bh.data, bh.raw_size);
        } else if (quire__inflate(&al, bh.data, bh.data_len, raw, bh.raw_size, NULL, 0, &msg) != 0) {
            free(raw);
            continue;
        }
        quire__cur_init(&rc, raw, bh.raw_size, 0);
        while (quire__block_next_record(&rc, &l, &rec, &rec_len) == 0) {
            if (recs_add(R, rec, rec_len) != 0) {
                break;
            }
        }
        free(raw);
    }
    return 0;
}

static int
rebuild(const recs *R, size_t skip, size_t dup, const uint8_t *mut, size_t mut_len, size_t mut_i,
        unsigned seed, fz_out *out)
{
    quire_writer *w = NULL;
    size_t i;
    int e = 0;
    if (quire_writer_new(&w, NULL) != 0 ||
        quire_writer_set_option(w, QUIRE_OPT_LEVEL, (seed >> 8) % 2 ? 6 : 0) != 0 ||
        quire_writer_set_option(w, QUIRE_OPT_BLOCK_SIZE, 1024 + (seed >> 9) % 4096) != 0 ||
        ((seed >> 24) % 2 != 0 && quire_writer_set_option(w, QUIRE_OPT_INDEX_PAGE, 256) != 0) ||
        quire_writer_add_signer(w, test_seckey(), QUIRE_ROLE_ARCHIVIST, NULL) != 0 ||
        quire_writer_open(w, fz_out_write, out, NULL) != 0) {
        quire_writer_free(w);
        return -1;
    }
    for (i = 0; i < R->n && e == 0; i++) {
        if (i == skip) {
            continue;
        }
        if (i == mut_i) {
            e = quire__writer_add_raw(w, mut, mut_len, NULL);
        } else {
            e = quire__writer_add_raw(w, R->buf + R->off[i], R->n_len[i], NULL);
        }
        if (e == 0 && i == dup) {
            e = quire__writer_add_raw(w, R->buf + R->off[i], R->n_len[i], NULL);
        }
    }
    if (e == 0) {
        e = quire_writer_finish(w, NULL);
    }
    quire_writer_free(w);
    return e;
}

size_t
LLVMFuzzerCustomMutator(uint8_t *data, size_t size, size_t max_size, unsigned int seed)
{
    recs R;
    fz_out out = {NULL, 0, 0};
    uint8_t *mut = NULL;
    size_t mut_len = 0, k, skip = SIZE_MAX, dup = SIZE_MAX, mut_i = SIZE_MAX, result = 0;
    memset(&R, 0, sizeof R);
    if (seed % 8 == 0 || take_apart(data, size, &R) != 0) {
        free(R.buf);
        return LLVMFuzzerMutate(data, size, max_size);
    }
    if (R.n == 0) {
        static const uint8_t empty_record[8] = {1, 0, 0, 0, 0, 0, 0, 0};
        (void)recs_add(&R, empty_record, sizeof empty_record);
    }
    k = (seed >> 3) % R.n;
    switch ((seed >> 12) % 8) {
    case 0: skip = k; break;
    case 1: dup = k; break;
    default: {
        size_t cap = R.n_len[k] * 2 + 64;
        mut = (uint8_t *)malloc(cap);
        if (mut == NULL) {
            break;
        }
        memcpy(mut, R.buf + R.off[k], R.n_len[k]);
        mut_len = LLVMFuzzerMutate(mut, R.n_len[k], cap);
#if defined(__has_feature)
#if __has_feature(memory_sanitizer)
        __msan_unpoison(mut, mut_len); /* libFuzzer's mutator is not instrumented */
#endif
#endif
        mut_i = k;
        break;
    }
    }
    if (rebuild(&R, skip, dup, mut, mut_len, mut_i, seed, &out) == 0 && out.len <= max_size) {
        memcpy(data, out.p, out.len);
        result = out.len;
    }
    free(mut);
    free(out.p);
    free(R.buf);
    return result != 0 ? result : LLVMFuzzerMutate(data, size, max_size);
}
