/* fuzz_open.c - whole-file reading: open through the trailer and index,
 * read every article, look up URLs and dates; then the sequential frame
 * reader on the same bytes. Differential: when both paths succeed they
 * yield the same articles (record digests) in the same order. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "quire.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MAX_ARTICLES 512

static void
limit(quire_reader *r)
{
    /* keep single allocations small so the fuzzer explores, not swaps */
    if (quire_reader_set_limit(r, QUIRE_LIMIT_BLOCK, (uint64_t)1 << 22) != 0 ||
        quire_reader_set_limit(r, QUIRE_LIMIT_INDEX, (uint64_t)1 << 22) != 0 ||
        quire_reader_set_limit(r, QUIRE_LIMIT_ARTICLES, 1u << 16) != 0) {
        abort();
    }
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static uint8_t digests[MAX_ARTICLES][32];
    quire_reader *r = NULL, *s = NULL;
    quire_article *a = NULL, *b = NULL;
    quire_diag d;
    uint64_t n = 0, i, got = 0;
    int indexed_ok = 0, e;
    if (size > (1u << 20)) {
        return 0;
    }
    if (quire_reader_new(&r, NULL) != 0 || quire_reader_new(&s, NULL) != 0 ||
        quire_article_new(&a, NULL) != 0 || quire_article_new(&b, NULL) != 0) {
        abort();
    }
    limit(r);
    limit(s);
    memset(&d, 0, sizeof d);
    e = quire_reader_open_memory(r, data, size, &d);
    if (e != 0) {
        if (d.code != e || d.offset > size || d.what == NULL) {
            abort();
        }
    } else {
        size_t first, count, k;
        indexed_ok = 1;
        if (quire_reader_stat(r, QUIRE_STAT_ARTICLES, &n) != 0) {
            abort();
        }
        for (i = 0; i < n && i < MAX_ARTICLES; i++) {
            quire_field f;
            uint64_t found;
            memset(&d, 0, sizeof d);
            e = quire_reader_get(r, i, a, &d);
            if (e != 0) {
                if (d.code != e || d.what == NULL) {
                    abort();
                }
                indexed_ok = 0;
                break;
            }
            /* the digest computed from the record (equal to the index's in a
             * release build; a fuzzing build ignores mismatches) */
            if (quire_article_digest(a, digests[i]) != 0 ||
                quire_article_number(a) != (int64_t)i) {
                abort();
            }
            if (quire_article_find(a, QUIRE_F_URL, &f) == 0 && f.type == QUIRE_T_TEXT) {
                /* whatever the URL table says (nothing checks it against the
                 * records, and a crafted one may omit this article), a hit
                 * is an article that has this URL */
                if (quire_reader_find_url(r, (const char *)f.value, f.value_len, &found, NULL) ==
                    0) {
                    quire_field g;
                    int match;
                    if (quire_reader_get(r, found, b, NULL) != 0) {
                        abort();
                    }
                    match = (quire_article_find(b, QUIRE_F_URL, &g) == 0 &&
                             g.value_len == f.value_len &&
                             memcmp(g.value, f.value, f.value_len) == 0) ||
                            (quire_article_find(b, QUIRE_F_CAPTURE_URL, &g) == 0 &&
                             g.value_len == f.value_len &&
                             memcmp(g.value, f.value, f.value_len) == 0);
                    if (!match) {
                        abort();
                    }
                    /* the reader's block cache moved: read article i again */
                    if (quire_reader_get(r, i, a, NULL) != 0) {
                        abort();
                    }
                }
            }
        }
        /* a paged index is read a page at a time: a damaged page or entry
         * fails the lookup that reads it, with its code [7.6] */
        e = quire_reader_date_span(r, INT64_MIN, INT64_MAX, &first, &count);
        if (e != 0 && (e == QUIRE_E_ARG || e == QUIRE_E_BADSTATE || quire_strerror(e) == NULL)) {
            abort();
        }
        for (k = first; e == 0 && k < first + count && k < MAX_ARTICLES; k++) {
            uint64_t art;
            int64_t secs;
            int de = quire_reader_date_at(r, k, &art, &secs);
            if ((de == 0 && art >= n) || de == QUIRE_E_ARG || de == QUIRE_E_BADSTATE ||
                de == QUIRE_E_NOTFOUND) {
                abort();
            }
        }
        if (n > MAX_ARTICLES) {
            indexed_ok = 0;
        }
    }
    /* sequential reader */
    if (quire_reader_scan_open_memory(s, data, size, NULL) == 0) {
        int all = 1;
        for (;;) {
            uint8_t dg[32];
            memset(&d, 0, sizeof d);
            e = quire_reader_scan_next(s, a, &d);
            if (e == QUIRE_DONE) {
                break;
            }
            if (e != 0) {
                if (d.code != e || d.what == NULL || d.offset > size) {
                    abort();
                }
                all = 0;
                break;
            }
            if (quire_article_digest(a, dg) != 0) {
                abort();
            }
            if (indexed_ok && got < n && memcmp(dg, digests[got], 32) != 0) {
                abort(); /* the two readers disagree */
            }
            got++;
        }
        if (indexed_ok && all && got < n) {
            abort(); /* the sequential reader lost indexed articles */
        }
    }
    quire_article_free(a);
    quire_article_free(b);
    quire_reader_free(r);
    quire_reader_free(s);
    return 0;
}
