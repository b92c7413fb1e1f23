/* make_seeds.c - writes the seed corpora of the fuzz targets from the
 * project's own example data (tests/data) and synthetic articles. Run by
 * `make fuzz-seeds`; the output is committed under fuzz/corpus/. */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "internal.h"

#include "fuzz_util.h"

static void
put(const char *dir, const char *name, const void *p, size_t n)
{
    char path[512];
    FILE *f;
    mkdir(dir, 0777);
    snprintf(path, sizeof path, "%s/%s", dir, name);
    f = fopen(path, "wb");
    if (f == NULL || fwrite(p, 1, n, f) != n || fclose(f) != 0) {
        fprintf(stderr, "make_seeds: cannot write %s\n", path);
        exit(2);
    }
}

static void
check(int e, const char *what)
{
    if (e != 0) {
        fprintf(stderr, "make_seeds: %s: %s\n", what, quire_error_name(e));
        exit(2);
    }
}

static void
fill(quire_article *a, int i)
{
    char buf[256];
    int n;
    n = snprintf(buf, sizeof buf, "seed:%d", i);
    check(quire_article_set(a, QUIRE_F_ID, QUIRE_T_TEXT, buf, (size_t)n), "id");
    n = snprintf(buf, sizeof buf, "Council votes on budget, item %d", i);
    check(quire_article_set(a, QUIRE_F_TITLE, QUIRE_T_TEXT, buf, (size_t)n), "title");
    n = snprintf(buf, sizeof buf, "2024-0%d-1%dT0%d:30:00Z", 1 + i % 9, i % 10, i % 10);
    check(quire_article_set(a, QUIRE_F_PUBLISHED, QUIRE_T_TIME, buf, (size_t)n), "date");
    n = snprintf(buf, sizeof buf, "https://news.example/%d", i);
    check(quire_article_set(a, QUIRE_F_URL, QUIRE_T_TEXT, buf, (size_t)n), "url");
    if (i % 2 == 0) {
        n = snprintf(buf, sizeof buf, "https://archive.example/capture/%d", i);
        check(quire_article_set(a, QUIRE_F_CAPTURE_URL, QUIRE_T_TEXT, buf, (size_t)n), "capture");
    }
    check(quire_article_add_item(a, QUIRE_F_AUTHORS, "A. Writer", 9), "author");
    check(quire_article_set(a, QUIRE_F_LANGUAGE, QUIRE_T_TEXT, "en", 2), "language");
    {
        static const char js[] = "{\"n\":1.50,\"k\":[true,null]}";
        check(quire_article_set_ext(a, "extra", 5, QUIRE_T_JSON, js, sizeof js - 1), "extra");
    }
    check(quire_article_set_ext(a, "note", 4, QUIRE_T_NULL, NULL, 0), "note");
    n = snprintf(buf, sizeof buf,
                 "The council met on day %d and voted on the budget.\nMembers said the vote "
                 "was close.\n",
                 i);
    check(quire_article_add_part(a, "body", 4, "text/plain; charset=utf-8", 25, buf, (size_t)n),
          "body");
    if (i % 3 == 0) {
        check(quire_article_add_part(a, "raw", 3, "text/html", 9, "<p>raw</p>", 10), "raw");
    }
}

/* The harness's fixed test key (public knowledge: never trust it). */
static const char test_key[] =
    "untrusted comment: quire fuzzing test key (public, never use for real)\n"
    "RWQAAEIyAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA8Bs25FOqbA31Nk1nP9pHIdgXSUvjKtfeWxQQ8u60YmiNyeHHXpZaacGg6ohW+UdId6rRX8/oBCZJiNxIUGMe3VSylpEWCLAJDLQWY0MXSQ3guEIA+lk+tpuFJgsGqfVFuMt8jgz226k=\n";

static quire_seckey *
load_test_key(void)
{
    quire_seckey *sk = NULL;
    check(quire_seckey_parse(&sk, test_key, sizeof test_key - 1, NULL, NULL), "test key");
    return sk;
}

static fz_out
archive(int n, int level, int dict, size_t block, int sign, int page)
{
    static const char d[] = "the council voted on the budget and members said";
    quire_writer *w;
    quire_article *a;
    fz_out m = {NULL, 0, 0};
    int i;
    check(quire_writer_new(&w, NULL), "writer");
    check(quire_article_new(&a, NULL), "article");
    check(quire_writer_set_option(w, QUIRE_OPT_LEVEL, level), "level");
    check(quire_writer_set_option(w, QUIRE_OPT_BLOCK_SIZE, (int64_t)block), "block");
    if (page != 0) {
        check(quire_writer_set_option(w, QUIRE_OPT_INDEX_PAGE, page), "index page");
    }
    if (dict) {
        check(quire_writer_set_dictionary(w, d, sizeof d - 1), "dict");
    }
    if (sign) {
        static quire_seckey *sk;
        if (sk == NULL) {
            sk = load_test_key();
        }
        check(quire_writer_add_signer(w, sk, sign == 2 ? QUIRE_ROLE_NAMED : QUIRE_ROLE_ARCHIVIST,
                                      sign == 2 ? "fact-checker" : NULL),
              "signer");
        check(quire_writer_set_checkpoint(w, 1700000000, "seed", 4), "checkpoint");
    }
    check(quire_writer_open(w, fz_out_write, &m, NULL), "open");
    for (i = 0; i < n; i++) {
        quire_article_clear(a);
        fill(a, i);
        check(quire_writer_add(w, a, NULL, NULL), "add");
    }
    check(quire_writer_finish(w, NULL), "finish");
    quire_writer_free(w);
    quire_article_free(a);
    return m;
}

int
main(int argc, char **argv)
{
    const char *out = argc > 1 ? argv[1] : "fuzz/corpus";
    char dir[256], name[64];
    static const struct {
        int n, level, dict;
        size_t block;
        int sign, page;
    } cfg[] = {{1, 0, 0, 1024, 0, 0}, {3, 0, 0, 1024, 1, 0}, {5, 6, 0, 1024, 0, 0},
               {8, 9, 0, 4096, 1, 0}, {4, 6, 1, 1024, 2, 0}, {0, 6, 0, 1024, 1, 0},
               /* paged indexes [7.1]: 3 and 5 pages */
               {6, 6, 0, 1024, 1, 256}, {9, 1, 1, 2048, 2, 256}};
    size_t k;
    for (k = 0; k < sizeof cfg / sizeof cfg[0]; k++) {
        fz_out m = archive(cfg[k].n, cfg[k].level, cfg[k].dict, cfg[k].block, cfg[k].sign, cfg[k].page);
        snprintf(name, sizeof name, "archive-%zu.quire", k);
        snprintf(dir, sizeof dir, "%s/open", out);
        put(dir, name, m.p, m.len);
        snprintf(dir, sizeof dir, "%s/frame", out);
        put(dir, name, m.p, m.len);
        snprintf(dir, sizeof dir, "%s/verify", out);
        put(dir, name, m.p, m.len);
        {
            /* the SEAL payload the trailer points at */
            const uint8_t *tr = m.p + m.len - QUIRE__TRAILER_FRAME + QUIRE__FRAME_HEAD;
            uint64_t seal_at = quire__ld64(tr + 16);
            uint32_t slen = quire__ld32(m.p + seal_at + 8);
            snprintf(dir, sizeof dir, "%s/seal", out);
            snprintf(name, sizeof name, "seal-%zu", k);
            put(dir, name, m.p + seal_at + QUIRE__FRAME_HEAD, slen);
            snprintf(name, sizeof name, "archive-%zu.quire", k);
        }
        if (cfg[k].level == 0) {
            /* stored: records and the index sit in the file as they are */
            uint64_t ix_at = quire__ld64(m.p + m.len - QUIRE__TRAILER_FRAME + QUIRE__FRAME_HEAD);
            uint32_t ix_len = quire__ld32(m.p + ix_at + 8);
            size_t at = QUIRE__HEADER_LEN, r = 0;
            snprintf(dir, sizeof dir, "%s/index", out);
            snprintf(name, sizeof name, "index-%zu", k);
            put(dir, name, m.p + ix_at + QUIRE__FRAME_HEAD + QUIRE__ENVELOPE_HEAD,
                ix_len - QUIRE__ENVELOPE_HEAD);
            while (at < ix_at) {
                uint32_t flen = quire__ld32(m.p + at + 8);
                const uint8_t *raw = m.p + at + QUIRE__FRAME_HEAD + QUIRE__BLOCK_HEAD;
                size_t rl = flen - QUIRE__BLOCK_HEAD, o = 0;
                while (o < rl) {
                    uint32_t len = quire__ld32(raw + o);
                    snprintf(dir, sizeof dir, "%s/record", out);
                    snprintf(name, sizeof name, "record-%zu-%zu", k, r++);
                    put(dir, name, raw + o + 4, len);
                    o += 4 + len;
                }
                at += QUIRE__FRAME_OVERHEAD + flen;
            }
        } else {
            /* inflate seeds: 3-byte declared size, flag byte, the block's zlib stream */
            uint32_t flen = quire__ld32(m.p + QUIRE__HEADER_LEN + 8);
            const uint8_t *pl = m.p + QUIRE__HEADER_LEN + QUIRE__FRAME_HEAD;
            if (quire__ld32(m.p + QUIRE__HEADER_LEN) == QUIRE__FT_BLOK && flen > QUIRE__BLOCK_HEAD) {
                uint32_t raw = quire__ld32(pl + 8);
                uint8_t *seed = (uint8_t *)malloc(4 + flen - QUIRE__BLOCK_HEAD);
                seed[0] = (uint8_t)raw;
                seed[1] = (uint8_t)(raw >> 8);
                seed[2] = (uint8_t)(raw >> 16);
                seed[3] = 0;
                memcpy(seed + 4, pl + QUIRE__BLOCK_HEAD, flen - QUIRE__BLOCK_HEAD);
                snprintf(dir, sizeof dir, "%s/inflate", out);
                snprintf(name, sizeof name, "block-%zu", k);
                put(dir, name, seed, 4 + flen - QUIRE__BLOCK_HEAD);
                free(seed);
            }
        }
        free(m.p);
    }
    return 0;
}
