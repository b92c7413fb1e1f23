#define _GNU_SOURCE
/* test_dedup.c - deduplicated parts (spec 5.6): parts equal to an earlier
 * article's are stored once, in one writer session and across appends; every
 * reader (indexed, sequential, verifier, salvage) gives back the canonical
 * record; malformed references fail with their codes. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "helpers.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "quire.h"
#include "internal.h"


static char big[3000], mid[500], tiny[40];

static void
fill(char *p, size_t n, unsigned seed)
{
    size_t i;
    for (i = 0; i + 1 < n; i++) {
        seed = seed * 1103515245u + 12345u;
        p[i] = (char)('a' + (seed >> 16) % 26);
    }
    p[n - 1] = 0;
}

/* article i: a unique title; body = big for even i, a unique text for odd
 * i; part "raw" = mid for all; part "tiny" = tiny (below the minimum) */
static void
make_article(quire_article *a, int i)
{
    char title[32], uniq[200];
    snprintf(title, sizeof title, "article %d", i);
    fill(uniq, sizeof uniq, (unsigned)i + 1000u);
    quire_article_clear(a);
    assert_int_equal(quire_article_set(a, QUIRE_F_TITLE, QUIRE_T_TEXT, title, strlen(title)), 0);
    assert_int_equal(quire_article_add_part(a, "body", 4, "text/plain", 10, i % 2 == 0 ? big : uniq,
                                            i % 2 == 0 ? strlen(big) : strlen(uniq)),
                     0);
    assert_int_equal(quire_article_add_part(a, "raw", 3, "", 0, mid, strlen(mid)), 0);
    assert_int_equal(quire_article_add_part(a, "tiny", 4, "", 0, tiny, strlen(tiny)), 0);
}

static int g_level; /* zlib level of write_archive: 0 (stored) unless a test says */

static void
write_archive(fz_out *o, int n, int dedup, size_t block)
{
    quire_writer *w;
    quire_article *a;
    int i;
    memset(o, 0, sizeof *o);
    assert_int_equal(quire_writer_new(&w, NULL), 0);
    assert_int_equal(quire_article_new(&a, NULL), 0);
    assert_int_equal(quire_writer_set_option(w, QUIRE_OPT_LEVEL, g_level), 0);
    assert_int_equal(quire_writer_set_option(w, QUIRE_OPT_BLOCK_SIZE, (int64_t)block), 0);
    assert_int_equal(quire_writer_set_option(w, QUIRE_OPT_DEDUP, dedup), 0);
    assert_int_equal(quire_writer_open(w, fz_out_write, o, NULL), 0);
    for (i = 0; i < n; i++) {
        make_article(a, i);
        assert_int_equal(quire_writer_add(w, a, NULL, NULL), 0);
    }
    assert_int_equal(quire_writer_finish(w, NULL), 0);
    quire_writer_free(w);
    quire_article_free(a);
}

static int
count_errors(void *ctx, const quire_finding *f)
{
    if (f->severity == QUIRE_SEV_ERROR) {
        (*(int *)ctx)++;
    }
    return 0;
}

static int
verify_errors(const fz_out *o)
{
    quire_verifier *v;
    quire_verify_summary sum;
    int errors = 0;
    assert_int_equal(quire_verifier_new(&v, NULL), 0);
    (void)quire_verifier_run_memory(v, o->p, o->len, count_errors, &errors, &sum);
    quire_verifier_free(v);
    return errors;
}

static int
count_ddup_warnings(void *ctx, const quire_finding *f)
{
    if (f->severity == QUIRE_SEV_ERROR) {
        ((int *)ctx)[0]++;
    } else if (f->severity == QUIRE_SEV_WARNING && f->what != NULL &&
               strcmp(f->what, "dDUP version") == 0) {
        ((int *)ctx)[1]++;
    }
    return 0;
}

static int
stored_has_refs(quire_reader *r, uint64_t n)
{
    const uint8_t *rec;
    size_t len;
    assert_int_equal(quire__reader_stored(r, n, &rec, &len, NULL), 0);
    return quire__has_refs(rec, len);
}

static void
setup_texts(void)
{
    fill(big, sizeof big, 1);
    fill(mid, sizeof mid, 2);
    fill(tiny, sizeof tiny, 3);
}

/* Same articles with and without deduplication: the same canonical records
 * and digests (so the same Merkle root), a smaller file, every reader agrees.
 * Stored blocks, and zlib blocks (where the reader inflates a referenced
 * block only as far as it needs, and further when a later reference needs
 * more of it). */
static void
dedup_roundtrip(int level)
{
    fz_out on, off;
    quire_reader *rn, *rf, *rs;
    quire_article *an, *af, *as;
    const int N = 40;
    uint64_t i;
    setup_texts();
    g_level = level;
    write_archive(&on, N, 1, 8192);
    write_archive(&off, N, 0, 8192);
    g_level = 0;
    /* 19 of 20 big bodies and 39 of 40 raw parts are references */
    assert_true(off.len > on.len);
    if (level == 0) {
        assert_true(off.len - on.len > 19 * (sizeof big - 1) + 39 * (sizeof mid - 1) - 40 * 40);
    }
    assert_int_equal(verify_errors(&on), 0);
    assert_int_equal(verify_errors(&off), 0);

    assert_int_equal(quire_reader_new(&rn, NULL), 0);
    assert_int_equal(quire_reader_new(&rf, NULL), 0);
    assert_int_equal(quire_reader_new(&rs, NULL), 0);
    assert_int_equal(quire_article_new(&an, NULL), 0);
    assert_int_equal(quire_article_new(&af, NULL), 0);
    assert_int_equal(quire_article_new(&as, NULL), 0);
    assert_int_equal(quire_reader_open_memory(rn, on.p, on.len, NULL), 0);
    assert_int_equal(quire_reader_open_memory(rf, off.p, off.len, NULL), 0);
    assert_int_equal(quire_reader_scan_open_memory(rs, on.p, on.len, NULL), 0);
    assert_false(stored_has_refs(rn, 0));
    for (i = 1; i < (uint64_t)N; i++) {
        assert_true(stored_has_refs(rn, i)); /* "raw" at least */
        assert_false(stored_has_refs(rf, i));
    }
    /* random order, then backwards: references reach back across blocks,
     * needing more or less of the block they point into than the last one */
    for (i = 0; i < 2 * (uint64_t)N; i++) {
        uint64_t n = i < (uint64_t)N ? (i * 17) % (uint64_t)N : 2 * (uint64_t)N - 1 - i;
        const uint8_t *x, *y;
        size_t xl, yl;
        uint8_t dx[32], dy[32];
        assert_int_equal(quire_reader_get(rn, n, an, NULL), 0);
        assert_int_equal(quire_reader_get(rf, n, af, NULL), 0);
        assert_int_equal(quire__article_encode(an, &x, &xl), 0);
        assert_int_equal(quire__article_encode(af, &y, &yl), 0);
        assert_int_equal(xl, yl);
        assert_memory_equal(x, y, xl);
        assert_int_equal(quire_reader_get_digest(rn, n, dx), 0);
        assert_int_equal(quire_reader_get_digest(rf, n, dy), 0);
        assert_memory_equal(dx, dy, 32);
    }
    /* the sequential reader expands from blocks it met earlier */
    for (i = 0; i < (uint64_t)N; i++) {
        const uint8_t *x, *y;
        size_t xl, yl;
        assert_int_equal(quire_reader_scan_next(rs, as, NULL), 0);
        assert_int_equal(quire_reader_get(rf, i, af, NULL), 0);
        assert_int_equal(quire__article_encode(as, &x, &xl), 0);
        assert_int_equal(quire__article_encode(af, &y, &yl), 0);
        assert_int_equal(xl, yl);
        assert_memory_equal(x, y, xl);
    }
    assert_int_equal(quire_reader_scan_next(rs, as, NULL), QUIRE_DONE);
    quire_article_free(an);
    quire_article_free(af);
    quire_article_free(as);
    quire_reader_free(rn);
    quire_reader_free(rf);
    quire_reader_free(rs);
    free(on.p);
    free(off.p);
}

static void
test_dedup_roundtrip(void **state)
{
    (void)state;
    dedup_roundtrip(0);
    dedup_roundtrip(6);
}

/* References into one zlib block at two depths: article 2 refers to the
 * block's first record, article 3 to its second. Reading 2 inflates the
 * block only as far as its first record; reading 3 then needs more of it,
 * and reading 2 again needs less. Every read gives the article written. */
static void
test_dedup_ref_prefix(void **state)
{
    fz_out o;
    quire_writer *w;
    quire_reader *r;
    quire_article *a, *b;
    static const int order[] = {2, 3, 2, 5, 4, 3, 1, 0, 7, 6};
    char x[1500], y[1500];
    size_t k;
    (void)state;
    fill(x, sizeof x, 11);
    fill(y, sizeof y, 12);
    memset(&o, 0, sizeof o);
    assert_int_equal(quire_writer_new(&w, NULL), 0);
    assert_int_equal(quire_article_new(&a, NULL), 0);
    assert_int_equal(quire_article_new(&b, NULL), 0);
    assert_int_equal(quire_writer_set_option(w, QUIRE_OPT_BLOCK_SIZE, 4096), 0);
    assert_int_equal(quire_writer_open(w, fz_out_write, &o, NULL), 0);
    for (k = 0; k < 8; k++) {
        char title[32];
        snprintf(title, sizeof title, "article %zu", k);
        quire_article_clear(a);
        assert_int_equal(quire_article_set(a, QUIRE_F_TITLE, QUIRE_T_TEXT, title, strlen(title)),
                         0);
        assert_int_equal(quire_article_add_part(a, "body", 4, "text/plain", 10,
                                                k % 2 == 0 ? x : y, sizeof x - 1),
                         0);
        assert_int_equal(quire_writer_add(w, a, NULL, NULL), 0);
    }
    assert_int_equal(quire_writer_finish(w, NULL), 0);
    quire_writer_free(w);
    assert_int_equal(verify_errors(&o), 0);
    assert_int_equal(quire_reader_new(&r, NULL), 0);
    assert_int_equal(quire_reader_open_memory(r, o.p, o.len, NULL), 0);
    assert_true(stored_has_refs(r, 2) && stored_has_refs(r, 3));
    for (k = 0; k < sizeof order / sizeof order[0]; k++) {
        quire_part p;
        char title[32];
        quire_field f;
        snprintf(title, sizeof title, "article %d", order[k]);
        assert_int_equal(quire_reader_get(r, (uint64_t)order[k], b, NULL), 0);
        assert_int_equal(quire_article_find(b, QUIRE_F_TITLE, &f), 0);
        assert_int_equal(f.value_len, strlen(title));
        assert_memory_equal(f.value, title, f.value_len);
        assert_int_equal(quire_article_find_part(b, "body", 4, &p), 0);
        assert_int_equal(p.len, sizeof x - 1);
        assert_memory_equal(p.data, order[k] % 2 == 0 ? x : y, p.len);
    }
    quire_reader_free(r);
    quire_article_free(a);
    quire_article_free(b);
    free(o.p);
}

/* Two equal parts in one article stay inline: a reference points to an
 * earlier article only. */
static void
test_dedup_same_article(void **state)
{
    fz_out o;
    quire_writer *w;
    quire_reader *r;
    quire_article *a;
    quire_part p;
    (void)state;
    setup_texts();
    memset(&o, 0, sizeof o);
    assert_int_equal(quire_writer_new(&w, NULL), 0);
    assert_int_equal(quire_article_new(&a, NULL), 0);
    assert_int_equal(quire_writer_open(w, fz_out_write, &o, NULL), 0);
    assert_int_equal(quire_article_add_part(a, "one", 3, "", 0, big, strlen(big)), 0);
    assert_int_equal(quire_article_add_part(a, "two", 3, "", 0, big, strlen(big)), 0);
    assert_int_equal(quire_writer_add(w, a, NULL, NULL), 0);
    assert_int_equal(quire_writer_finish(w, NULL), 0);
    quire_writer_free(w);
    assert_int_equal(quire_reader_new(&r, NULL), 0);
    assert_int_equal(quire_reader_open_memory(r, o.p, o.len, NULL), 0);
    assert_false(stored_has_refs(r, 0));
    assert_int_equal(quire_reader_get(r, 0, a, NULL), 0);
    assert_int_equal(quire_article_part(a, 1, &p), 0);
    assert_int_equal(p.len, strlen(big));
    assert_memory_equal(p.data, big, p.len);
    quire_reader_free(r);
    quire_article_free(a);
    free(o.p);
}

static void
append_file(const char *path, int first, int n, const char *body)
{
    quire_writer *w;
    quire_article *a;
    int i;
    assert_int_equal(quire_writer_new(&w, NULL), 0);
    assert_int_equal(quire_article_new(&a, NULL), 0);
    assert_int_equal(quire_writer_set_option(w, QUIRE_OPT_LEVEL, 0), 0); /* bytes findable */
    if (first) {
        assert_int_equal(quire_writer_open_file(w, path, NULL), 0);
    } else {
        assert_int_equal(quire_writer_open_append(w, path, NULL), 0);
    }
    for (i = 0; i < n; i++) {
        char title[32];
        snprintf(title, sizeof title, "%s %d", first ? "old" : "new", i);
        quire_article_clear(a);
        assert_int_equal(quire_article_set(a, QUIRE_F_TITLE, QUIRE_T_TEXT, title, strlen(title)),
                         0);
        assert_int_equal(quire_article_add_part(a, "body", 4, "", 0, body, strlen(body)), 0);
        assert_int_equal(quire_article_add_part(a, "raw", 3, "", 0, mid, strlen(mid)), 0);
        assert_int_equal(quire_writer_add(w, a, NULL, NULL), 0);
    }
    assert_int_equal(quire_writer_finish(w, NULL), 0);
    quire_writer_free(w);
    quire_article_free(a);
}

static uint8_t *
slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    uint8_t *p;
    long n;
    assert_non_null(f);
    assert_int_equal(fseek(f, 0, SEEK_END), 0);
    n = ftell(f);
    assert_true(n > 0);
    rewind(f);
    p = (uint8_t *)malloc((size_t)n);
    assert_non_null(p);
    assert_int_equal(fread(p, 1, (size_t)n, f), (size_t)n);
    fclose(f);
    *len = (size_t)n;
    return p;
}

/* Across appends: a part of 1 KiB or more equal to one already in the
 * archive is a reference (found through dDUP); a smaller one is stored again;
 * the old bytes do not change; the chain verifies. */
static void
test_dedup_append(void **state)
{
    char path[] = "/tmp/quire-dedup-XXXXXX";
    int fd = mkstemp(path);
    uint8_t *before, *after;
    size_t blen, alen;
    quire_reader *r;
    quire_article *a;
    quire_part p;
    fz_out view;
    (void)state;
    setup_texts();
    assert_true(fd >= 0);
    close(fd);
    append_file(path, 1, 3, big);
    before = slurp(path, &blen);
    assert_non_null(memmem(before, blen, "dDUP", 4));
    append_file(path, 0, 2, big);
    after = slurp(path, &alen);
    assert_true(alen > blen);
    assert_memory_equal(before, after, blen); /* nothing before the old end changed */
    /* the new checkpoint stores the big body as a reference, not again */
    assert_null(memmem(after + blen, alen - blen, big, 100));
    assert_non_null(memmem(after + blen, alen - blen, mid, 100)); /* 500 B: below the hint size */
    assert_int_equal(quire_reader_new(&r, NULL), 0);
    assert_int_equal(quire_article_new(&a, NULL), 0);
    assert_int_equal(quire_reader_open_memory(r, after, alen, NULL), 0);
    assert_true(stored_has_refs(r, 3));
    assert_true(stored_has_refs(r, 4));
    assert_int_equal(quire_reader_get(r, 4, a, NULL), 0);
    assert_int_equal(quire_article_part(a, 0, &p), 0);
    assert_int_equal(p.len, strlen(big));
    assert_memory_equal(p.data, big, p.len);
    view.p = after;
    view.len = alen;
    view.cap = alen;
    assert_int_equal(verify_errors(&view), 0);
    /* a malformed dDUP frame (CRC intact) is a warning: it is only a hint */
    {
        uint8_t *f = (uint8_t *)memmem(after + blen, alen - blen, "dDUP", 4);
        uint32_t len;
        int counts[2] = {0, 0};
        quire_verifier *v;
        quire_verify_summary sum;
        assert_non_null(f);
        len = quire__ld32(f + 8);
        f[12] = 9; /* version */
        quire__st32(f + 12 + len, quire__crc32(0, f, 12 + (size_t)len));
        assert_int_equal(quire_verifier_new(&v, NULL), 0);
        (void)quire_verifier_run_memory(v, after, alen, count_ddup_warnings, counts, &sum);
        quire_verifier_free(v);
        assert_int_equal(counts[0], 0);
        assert_int_equal(counts[1], 1);
    }
    quire_article_free(a);
    quire_reader_free(r);
    free(before);
    free(after);
    unlink(path);
}

static int
count_warnings(void *ctx, const quire_finding *f)
{
    ((int *)ctx)[f->severity == QUIRE_SEV_ERROR ? 0 : f->severity == QUIRE_SEV_WARNING ? 1 : 2]++;
    return 0;
}

/* A dDUP entry naming an article the archive does not have is no hint: the
 * append drops it (the part is stored again) and writes a well-formed dDUP
 * with the archive's other entries and its own, in article order. */
static void
test_dedup_hint_past_end(void **state)
{
    char path[] = "/tmp/quire-dedup-XXXXXX";
    int fd = mkstemp(path);
    uint8_t *before, *after, *f;
    size_t blen, alen;
    uint32_t len;
    int counts[3] = {0, 0, 0};
    quire_verifier *v;
    quire_verify_summary sum;
    FILE *out;
    (void)state;
    setup_texts();
    assert_true(fd >= 0);
    close(fd);
    append_file(path, 1, 3, big);
    before = slurp(path, &blen);
    f = (uint8_t *)memmem(before, blen, "dDUP", 4);
    assert_non_null(f);
    len = quire__ld32(f + 8);
    /* one entry (article 0's body; 1 and 2 refer to it): prefix, delta, part */
    assert_int_equal(len, 12 + QUIRE__DDUP_PREFIX + 2);
    assert_int_equal(f[12 + 12 + QUIRE__DDUP_PREFIX], 0);
    f[12 + 12 + QUIRE__DDUP_PREFIX] = 0x7f; /* article 127 of 3 */
    quire__st32(f + 12 + len, quire__crc32(0, f, 12 + (size_t)len));
    out = fopen(path, "wb");
    assert_non_null(out);
    assert_int_equal(fwrite(before, 1, blen, out), blen);
    assert_int_equal(fclose(out), 0);
    append_file(path, 0, 2, big);
    after = slurp(path, &alen);
    /* not found through the hint: the new checkpoint stores the body again */
    assert_non_null(memmem(after + blen, alen - blen, big, 100));
    assert_int_equal(quire_verifier_new(&v, NULL), 0);
    assert_int_equal(quire_verifier_run_memory(v, after, alen, count_warnings, counts, &sum), 0);
    quire_verifier_free(v);
    assert_int_equal(counts[0], 0);
    assert_int_equal(counts[1], 0); /* the new dDUP decodes */
    f = (uint8_t *)memmem(after + blen, alen - blen, "dDUP", 4);
    assert_non_null(f);
    {
        quire__cur c;
        uint64_t n = 0;
        quire__cur_init(&c, f + 12, quire__ld32(f + 8), 0);
        assert_int_equal(quire__ddup_decode(&c, &n, NULL), 0);
        assert_int_equal(n, 1); /* article 3's body; the bogus entry is gone */
    }
    free(before);
    free(after);
    unlink(path);
}

/* ---- malformed references, written raw ---- */

static void
put_rec(quire__buf *b, unsigned flags, int nparts, const uint8_t *storage,
        const uint64_t *art, const uint32_t *part)
{
    int i;
    quire__put_u8(b, 1);
    quire__put_u8(b, (uint8_t)flags);
    quire__put_u16(b, 0);
    quire__put_u16(b, (uint16_t)nparts);
    quire__put_u16(b, 0);
    for (i = 0; i < nparts; i++) {
        quire__put_u8(b, 1);
        quire__put_u8(b, (uint8_t)('a' + i));
        quire__put_u8(b, 0);
        quire__put_u8(b, storage[i]);
        if (storage[i] == 1) {
            quire__put_u32(b, 12);
            quire__put_u64(b, art[i]);
            quire__put_u32(b, part[i]);
        } else {
            quire__put_u32(b, 100);
            quire__put_bytes(b, big, 100);
        }
    }
}

static int
get_code(const uint8_t *file, size_t len, uint64_t n, const char **what)
{
    quire_reader *r;
    quire_article *a;
    quire_diag d;
    int e;
    memset(&d, 0, sizeof d);
    assert_int_equal(quire_reader_new(&r, NULL), 0);
    assert_int_equal(quire_article_new(&a, NULL), 0);
    assert_int_equal(quire_reader_open_memory(r, file, len, NULL), 0);
    e = quire_reader_get(r, n, a, &d);
    *what = d.what;
    quire_article_free(a);
    quire_reader_free(r);
    return e;
}

static void
test_dedup_bad_refs(void **state)
{
    static const uint8_t inl[1] = {0}, ref[1] = {1};
    static const struct {
        unsigned flags;
        uint8_t storage;
        uint64_t art;
        uint32_t part;
        int code;
        const char *what;
    } cases[] = {
        {1, 1, 5, 0, QUIRE_E_RECORD, "part reference (not an earlier article)"},
        {1, 1, 1, 0, QUIRE_E_RECORD, "part reference (not an earlier article)"},
        {1, 1, 0, 1, QUIRE_E_RECORD, "part reference (no such part)"},
        {1, 0, 0, 0, QUIRE_E_RECORD, "record flags (no part reference)"},
        {0, 1, 0, 0, QUIRE_E_RECORD, "part storage (reference without the record flag)"},
        {1, 2, 0, 0, QUIRE_E_FEATURE, "part storage"},
        {3, 1, 0, 0, QUIRE_E_RESERVED, "record flags"},
        {1, 1, 0, 0, QUIRE_E_DIGEST, "record digest"}, /* valid, but the raw digest differs */
    };
    size_t i;
    (void)state;
    setup_texts();
    for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        fz_out o;
        quire_writer *w;
        quire__buf b;
        const char *what = NULL;
        uint8_t st = cases[i].storage;
        quire__allocator al;
        memset(&o, 0, sizeof o);
        quire__allocator_from(&al, NULL);
        quire__buf_init(&b, &al, 1 << 20);
        assert_int_equal(quire_writer_new(&w, NULL), 0);
        assert_int_equal(quire_writer_open(w, fz_out_write, &o, NULL), 0);
        put_rec(&b, 0, 1, inl, NULL, NULL);
        assert_int_equal(quire__writer_add_raw(w, b.p, b.len, NULL), 0);
        quire__buf_reset(&b);
        put_rec(&b, cases[i].flags, 1, &st, &cases[i].art, &cases[i].part);
        assert_int_equal(quire__writer_add_raw(w, b.p, b.len, NULL), 0);
        assert_int_equal(quire_writer_finish(w, NULL), 0);
        quire_writer_free(w);
        assert_int_equal(get_code(o.p, o.len, 1, &what), cases[i].code);
        assert_non_null(what);
        assert_string_equal(what, cases[i].what);
        quire__buf_free(&b);
        free(o.p);
    }
    /* a reference to a reference: article 2 -> article 1 (a reference) */
    {
        fz_out o;
        quire_writer *w;
        quire__buf b;
        quire__allocator al;
        const char *what = NULL;
        uint64_t t0 = 0, t1 = 1;
        uint32_t p0 = 0;
        memset(&o, 0, sizeof o);
        quire__allocator_from(&al, NULL);
        quire__buf_init(&b, &al, 1 << 20);
        assert_int_equal(quire_writer_new(&w, NULL), 0);
        assert_int_equal(quire_writer_open(w, fz_out_write, &o, NULL), 0);
        put_rec(&b, 0, 1, inl, NULL, NULL);
        assert_int_equal(quire__writer_add_raw(w, b.p, b.len, NULL), 0);
        quire__buf_reset(&b);
        put_rec(&b, 1, 1, ref, &t0, &p0);
        assert_int_equal(quire__writer_add_raw(w, b.p, b.len, NULL), 0);
        quire__buf_reset(&b);
        put_rec(&b, 1, 1, ref, &t1, &p0);
        assert_int_equal(quire__writer_add_raw(w, b.p, b.len, NULL), 0);
        assert_int_equal(quire_writer_finish(w, NULL), 0);
        quire_writer_free(w);
        assert_int_equal(get_code(o.p, o.len, 2, &what), QUIRE_E_RECORD);
        assert_string_equal(what, "part reference (to a reference)");
        quire__buf_free(&b);
        free(o.p);
    }
}

static int
count_lost(void *ctx, const quire_salvage_item *it)
{
    if (it->kind == QUIRE_SALVAGE_LOST) {
        *(uint64_t *)ctx += it->count;
    }
    return 0;
}

/* Salvage: when the block holding the first copy is damaged, the articles
 * that refer to it are lost too, and named; all others come back. */
static void
test_dedup_salvage(void **state)
{
    fz_out o, out;
    quire_writer *w;
    quire_reader *r;
    quire_salvage_report rep;
    quire__iblock ib;
    uint64_t lost = 0;
    (void)state;
    setup_texts();
    write_archive(&o, 40, 1, 8192);
    /* intact: everything comes back */
    memset(&out, 0, sizeof out);
    assert_int_equal(quire_writer_new(&w, NULL), 0);
    assert_int_equal(quire_writer_open(w, fz_out_write, &out, NULL), 0);
    assert_int_equal(quire_salvage(o.p, o.len, "x", w, count_lost, &lost, &rep, NULL),
                     0);
    assert_int_equal(quire_writer_finish(w, NULL), 0);
    quire_writer_free(w);
    assert_int_equal(rep.recovered, 40);
    assert_int_equal(lost, 0);
    free(out.p);
    /* damage the first block (stored, level 0): article 0's body */
    assert_int_equal(quire_reader_new(&r, NULL), 0);
    assert_int_equal(quire_reader_open_memory(r, o.p, o.len, NULL), 0);
    assert_int_equal(quire__rx_block(r, 0, &ib, NULL), 0);
    quire_reader_free(r);
    o.p[ib.frame_offset + 200] ^= 0x40;
    memset(&out, 0, sizeof out);
    lost = 0;
    assert_int_equal(quire_writer_new(&w, NULL), 0);
    assert_int_equal(quire_writer_open(w, fz_out_write, &out, NULL), 0);
    assert_int_equal(quire_salvage(o.p, o.len, "x", w, count_lost, &lost, &rep, NULL),
                     0);
    assert_int_equal(quire_writer_finish(w, NULL), 0);
    quire_writer_free(w);
    /* every article refers to article 0's "raw" part: all are lost, and said so */
    assert_int_equal(rep.recovered, 0);
    assert_int_equal(lost, 40);
    free(out.p);
    free(o.p);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_dedup_roundtrip),
        cmocka_unit_test(test_dedup_ref_prefix),
        cmocka_unit_test(test_dedup_same_article),
        cmocka_unit_test(test_dedup_append),
        cmocka_unit_test(test_dedup_hint_past_end),
        cmocka_unit_test(test_dedup_bad_refs),
        cmocka_unit_test(test_dedup_salvage),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
