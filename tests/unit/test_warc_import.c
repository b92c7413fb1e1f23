#define _GNU_SOURCE
/* test_warc_import.c - the WARC import and export as a whole (src/warc.c):
 * a small crawl (warcinfo, request, response with HTML, metadata, revisit;
 * plain, gzip per record, gzip whole) becomes the expected articles; the
 * same bytes give the same archive; the export re-imports to the same
 * articles; and allocation failure at every allocation site of the import
 * and of the export gives QUIRE_E_NOMEM, leaks nothing and never crashes. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "helpers.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "internal.h"
#include "quire.h"



/* ---- the crawl ---- */
static const char html[] =
    "<html lang=\"en\"><head><title>Harbour ferry returns</title>"
    "<meta name=\"author\" content=\"Ada Reporter\">"
    "<meta property=\"article:published_time\" content=\"2024-05-01T08:00:00Z\">"
    "<link rel=\"canonical\" href=\"https://news.example/ferry\"></head><body><article>"
    "<p>The harbour ferry returned to service on Monday after a winter of repairs.</p>"
    "<p>Passengers lined the quay before dawn to be on the first crossing.</p>"
    "</article></body></html>";

static void
put_record(fz_out *o, const char *type, const char *id, const char *extra, const char *block,
           size_t block_len)
{
    char head[1024];
    int n = snprintf(head, sizeof head,
                     "WARC/1.1\r\nWARC-Type: %s\r\nWARC-Record-ID: <urn:uuid:%s>\r\n"
                     "WARC-Date: 2024-05-01T09:00:00Z\r\n%sContent-Length: %zu\r\n\r\n",
                     type, id, extra, block_len);
    assert_true(n > 0 && (size_t)n < sizeof head);
    assert_int_equal(fz_out_write(o, head, (size_t)n), 0);
    assert_int_equal(fz_out_write(o, block, block_len), 0);
    assert_int_equal(fz_out_write(o, "\r\n\r\n", 4), 0);
}

/* Appends p[0..n) to out as one gzip member. */
static void
gzip_to(fz_out *out, const uint8_t *p, size_t n)
{
    uLongf zl = compressBound((uLong)n) + 64;
    uint8_t *z = (uint8_t *)malloc(zl);
    z_stream s;
    memset(&s, 0, sizeof s);
    assert_non_null(z);
    assert_int_equal(deflateInit2(&s, 6, Z_DEFLATED, 31, 8, Z_DEFAULT_STRATEGY), Z_OK);
    s.next_in = (Bytef *)(uintptr_t)p;
    s.avail_in = (uInt)n;
    s.next_out = z;
    s.avail_out = (uInt)zl;
    assert_int_equal(deflate(&s, Z_FINISH), Z_STREAM_END);
    assert_int_equal(fz_out_write(out, z, zl - s.avail_out), 0);
    deflateEnd(&s);
    free(z);
}

/* mode 0 plain, 1 gzip per record, 2 gzip whole */
static void
make_crawl(fz_out *out, int mode)
{
    fz_out recs[5], all;
    char resp[2048], extra[512];
    int n, i;
    memset(recs, 0, sizeof recs);
    memset(&all, 0, sizeof all);
    put_record(&recs[0], "warcinfo", "11111111-1111-4111-8111-111111111111",
               "Content-Type: application/warc-fields\r\n", "software: test\r\n", 16);
    put_record(&recs[1], "request", "22222222-2222-4222-8222-222222222222",
               "WARC-Target-URI: http://news.example/ferry\r\n"
               "WARC-Concurrent-To: <urn:uuid:33333333-3333-4333-8333-333333333333>\r\n"
               "Content-Type: application/http; msgtype=request\r\n",
               "GET /ferry HTTP/1.1\r\nHost: news.example\r\n\r\n", 43);
    n = snprintf(resp, sizeof resp,
                 "HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\n"
                 "Content-Length: %zu\r\n\r\n%s",
                 sizeof html - 1, html);
    snprintf(extra, sizeof extra,
             "WARC-Target-URI: http://news.example/ferry\r\nWARC-IP-Address: 192.0.2.1\r\n"
             "Content-Type: application/http; msgtype=response\r\n");
    put_record(&recs[2], "response", "33333333-3333-4333-8333-333333333333", extra, resp,
               (size_t)n);
    put_record(&recs[3], "metadata", "44444444-4444-4444-8444-444444444444",
               "WARC-Target-URI: http://news.example/ferry\r\n"
               "WARC-Concurrent-To: <urn:uuid:33333333-3333-4333-8333-333333333333>\r\n"
               "Content-Type: application/warc-fields\r\n",
               "via: test\r\n", 11);
    put_record(&recs[4], "revisit", "55555555-5555-4555-8555-555555555555",
               "WARC-Target-URI: http://news.example/ferry\r\n"
               "WARC-Refers-To: <urn:uuid:33333333-3333-4333-8333-333333333333>\r\n"
               "Content-Type: application/http; msgtype=response\r\n",
               "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\n", 44);
    memset(out, 0, sizeof *out);
    for (i = 0; i < 5; i++) {
        if (mode == 1) {
            gzip_to(out, recs[i].p, recs[i].len);
        } else {
            assert_int_equal(fz_out_write(mode == 2 ? &all : out, recs[i].p, recs[i].len), 0);
        }
        free(recs[i].p);
    }
    if (mode == 2) {
        gzip_to(out, all.p, all.len);
        free(all.p);
    }
}

static int
import_into(const fz_out *in, fz_out *out, const quire_alloc *al, quire_warc_summary *sum)
{
    quire_writer *w = NULL;
    int e;
    memset(out, 0, sizeof *out);
    if ((e = quire_writer_new(&w, al)) != 0) {
        return e;
    }
    if ((e = quire_writer_open(w, fz_out_write, out, NULL)) == 0 &&
        (e = quire__warc_import_memory(w, "t.warc", in->p, in->len, NULL, NULL, sum, NULL)) ==
            0) {
        e = quire_writer_finish(w, NULL);
    }
    quire_writer_free(w);
    return e;
}

static void
test_crawl_articles(void **state)
{
    int mode;
    fz_out first;
    (void)state;
    memset(&first, 0, sizeof first);
    for (mode = 0; mode < 3; mode++) {
        fz_out in, a, b;
        quire_warc_summary sum;
        make_crawl(&in, mode);
        assert_int_equal(import_into(&in, &a, NULL, &sum), 0);
        assert_int_equal(sum.records, 5);
        assert_int_equal(sum.articles, 2);
        assert_int_equal(sum.revisits, 1);
        assert_int_equal(sum.attached, 2);
        assert_int_equal(sum.skipped, 0);
        assert_int_equal(sum.digest_absent, 1);
        /* the same bytes, the same archive; and plain and gzip give one archive */
        assert_int_equal(import_into(&in, &b, NULL, &sum), 0);
        assert_int_equal(a.len, b.len);
        assert_memory_equal(a.p, b.p, a.len);
        if (mode == 0) {
            first = a;
        } else {
            assert_int_equal(a.len, first.len);
            assert_memory_equal(a.p, first.p, a.len);
            free(a.p);
        }
        free(b.p);
        free(in.p);
    }
    {
        quire_reader *r;
        quire_article *art;
        quire_field f;
        quire_part p;
        assert_int_equal(quire_reader_new(&r, NULL), 0);
        assert_int_equal(quire_article_new(&art, NULL), 0);
        assert_int_equal(quire_reader_open_memory(r, first.p, first.len, NULL), 0);
        assert_int_equal(quire_reader_get(r, 0, art, NULL), 0);
        assert_int_equal(quire_article_find(art, QUIRE_F_TITLE, &f), 0);
        assert_int_equal(f.value_len, strlen("Harbour ferry returns"));
        assert_memory_equal(f.value, "Harbour ferry returns", f.value_len);
        assert_int_equal(quire_article_find(art, QUIRE_F_URL, &f), 0);
        assert_memory_equal(f.value, "https://news.example/ferry", f.value_len);
        assert_int_equal(quire_article_find(art, QUIRE_F_PUBLISHED, &f), 0);
        assert_memory_equal(f.value, "2024-05-01T08:00:00Z", f.value_len);
        assert_int_equal(quire_article_find_part(art, "body", 4, &p), 0);
        assert_non_null(memmem(p.data, p.len, "before dawn", 11));
        assert_int_equal(quire_article_find_part(art, "warc-request", 12, &p), 0);
        assert_int_equal(quire_article_find_part(art, "warc-metadata", 13, &p), 0);
        assert_int_equal(quire_article_find_part(art, "warcinfo", 8, &p), 0);
        assert_int_equal(quire_reader_get(r, 1, art, NULL), 0);
        assert_int_equal(quire_article_find_ext(art, "revisit_of", 10, &f), 0);
        assert_int_equal(f.value_len, 1);
        assert_int_equal(f.value[0], '0');
        quire_article_free(art);
        quire_reader_free(r);
    }
    free(first.p);
}

static void
test_export_reimport(void **state)
{
    fz_out in, a, x, b;
    quire_reader *r;
    quire_warc_summary sum, sum2;
    (void)state;
    make_crawl(&in, 1);
    assert_int_equal(import_into(&in, &a, NULL, &sum), 0);
    memset(&x, 0, sizeof x);
    assert_int_equal(quire_reader_new(&r, NULL), 0);
    assert_int_equal(quire_reader_open_memory(r, a.p, a.len, NULL), 0);
    assert_int_equal(quire_warc_export(r, fz_out_write, &x, &sum2, NULL), 0);
    quire_reader_free(r);
    assert_int_equal(sum2.records, 5); /* warcinfo, request, response, metadata, revisit */
    assert_int_equal(import_into(&x, &b, NULL, &sum2), 0);
    assert_int_equal(sum2.articles, sum.articles);
    assert_int_equal(sum2.attached, sum.attached);
    /* the same records, so the same articles: the same archive */
    assert_int_equal(a.len, b.len);
    assert_memory_equal(a.p, b.p, a.len);
    free(in.p);
    free(a.p);
    free(b.p);
    free(x.p);
}

/* every allocation of the import (and of the writer it feeds) fails in turn */
static void
test_import_nomem(void **state)
{
    fz_out in, out;
    long k;
    int done = 0;
    (void)state;
    make_crawl(&in, 1);
    for (k = 0; !done && k < 100000; k++) {
        counter c = {0, k, 0};
        quire_alloc al = {fail_alloc, fail_free, &c};
        quire_warc_summary sum;
        int e = import_into(&in, &out, &al, &sum);
        assert_true(e == QUIRE_OK || e == QUIRE_E_NOMEM);
        assert_int_equal(c.live, 0);
        done = e == QUIRE_OK && c.calls <= k;
        free(out.p);
    }
    assert_true(done);
    free(in.p);
}

/* A failing allocation at every site of an import whose page is gzip
 * Content-Encoded (zlib's memory comes from the same allocator): NOMEM or
 * the very archive of a run without failures, never a different one (a
 * failure taken for a bad encoding). */
static void
test_import_nomem_encoded(void **state)
{
    fz_out in, ref, out, page, gz;
    char resp[4096], extra[512];
    long k;
    int n, done = 0;
    quire_warc_summary sum;
    (void)state;
    /* a page of 40 KB: zlib takes its window when the output needs more
     * than one call of inflate (16 KB) */
    memset(&page, 0, sizeof page);
    assert_int_equal(fz_out_write(&page, html, sizeof html - 1 - 24), 0); /* to </article> */
    for (k = 0; k < 400; k++) {
        char para[128];
        n = snprintf(para, sizeof para, "<p>Paragraph %ld of the long report on the ferry.</p>", k);
        assert_int_equal(fz_out_write(&page, para, (size_t)n), 0);
    }
    assert_int_equal(fz_out_write(&page, "</article></body></html>", 24), 0);
    memset(&gz, 0, sizeof gz);
    gzip_to(&gz, page.p, page.len);
    free(page.p);
    n = snprintf(resp, sizeof resp,
                 "HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\n"
                 "Content-Encoding: gzip\r\nContent-Length: %zu\r\n\r\n",
                 gz.len);
    assert_true(n > 0 && (size_t)n + gz.len <= sizeof resp);
    memcpy(resp + n, gz.p, gz.len);
    snprintf(extra, sizeof extra,
             "WARC-Target-URI: http://news.example/ferry\r\n"
             "Content-Type: application/http; msgtype=response\r\n");
    memset(&in, 0, sizeof in);
    put_record(&in, "response", "66666666-6666-4666-8666-666666666666", extra, resp,
               (size_t)n + gz.len);
    free(gz.p);
    assert_int_equal(import_into(&in, &ref, NULL, &sum), 0);
    assert_int_equal(sum.articles, 1);
    for (k = 0; !done && k < 100000; k++) {
        counter c = {0, k, 0};
        quire_alloc al = {fail_alloc, fail_free, &c};
        int e = import_into(&in, &out, &al, &sum);
        assert_true(e == QUIRE_OK || e == QUIRE_E_NOMEM);
        assert_int_equal(c.live, 0);
        if (e == QUIRE_OK) {
            assert_int_equal(out.len, ref.len);
            assert_memory_equal(out.p, ref.p, ref.len);
        }
        done = e == QUIRE_OK && c.calls <= k;
        free(out.p);
    }
    assert_true(done);
    free(ref.p);
    free(in.p);
}

static void
test_export_nomem(void **state)
{
    fz_out in, a;
    long k;
    int done = 0;
    quire_warc_summary sum;
    (void)state;
    make_crawl(&in, 0);
    assert_int_equal(import_into(&in, &a, NULL, &sum), 0);
    for (k = 0; !done && k < 100000; k++) {
        counter c = {0, k, 0};
        quire_alloc al = {fail_alloc, fail_free, &c};
        quire_reader *r = NULL;
        fz_out x;
        int e;
        memset(&x, 0, sizeof x);
        e = quire_reader_new(&r, &al);
        if (e == 0) {
            e = quire_reader_open_memory(r, a.p, a.len, NULL);
        }
        if (e == 0) {
            e = quire_warc_export(r, fz_out_write, &x, NULL, NULL);
        }
        quire_reader_free(r);
        assert_true(e == QUIRE_OK || e == QUIRE_E_NOMEM);
        assert_int_equal(c.live, 0);
        done = e == QUIRE_OK && c.calls <= k;
        free(x.p);
    }
    assert_true(done);
    free(a.p);
    free(in.p);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_crawl_articles),
        cmocka_unit_test(test_export_reimport),
        cmocka_unit_test(test_import_nomem),
        cmocka_unit_test(test_import_nomem_encoded),
        cmocka_unit_test(test_export_nomem),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
