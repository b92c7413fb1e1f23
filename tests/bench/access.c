/*
 * tests/bench/access.c - in-process helpers for tests/bench/bench.sh.
 *
 *   access quire ARCHIVE COUNT SEED
 *       Opens ARCHIVE once, then times COUNT calls of quire_reader_get on random
 *       article numbers (each one reads and inflates the article's block and checks
 *       its record digest against the index).
 *   access quire-url ARCHIVE URLS COUNT SEED
 *       The same by URL: URLS holds "NUMBER<TAB>URL" lines; each lookup is
 *       quire_reader_find_url then quire_reader_get of the article found.
 *   access gzpack JSONL OUT.gz OUT.idx
 *       Per-record gzip, the WARC.gz convention: every line of JSONL (with its
 *       newline) deflated at level 6 as its own gzip member, the members
 *       concatenated. OUT.idx is the member offset table (a CDX in miniature):
 *       lines + 1 little-endian uint64 offsets, the last one the file size.
 *   access gz OUT.gz OUT.idx COUNT SEED
 *       Opens both once (the .gz mapped read-only, as quire maps its archive), then
 *       times COUNT lookups of random line numbers: inflate that one member.
 *
 * The lookup modes print one line, times in microseconds (nearest-rank percentiles):
 *   lookups N p50 P50 p99 P99 mean MEAN max MAX cpu_p50 C50 cpu_p99 C99
 * P50 .. MAX are wall times (CLOCK_MONOTONIC); C50 and C99 the same lookups timed with the
 * thread's CPU clock (CLOCK_THREAD_CPUTIME_ID), which leaves out time spent preempted when
 * other work shares the machine.
 * Random numbers come from splitmix64 seeded with SEED, so runs are repeatable.
 * Exit status: 0 success, 1 a lookup failed or returned the wrong thing, 2 usage or I/O.
 */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <zlib.h>

#include "quire.h"

static uint64_t rng_state;

static uint64_t
rng_next(void)
{
    uint64_t z = (rng_state += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
}

/* Uniform in [0, n), n > 0 (rejection sampling, no modulo bias). */
static uint64_t
rng_below(uint64_t n)
{
    uint64_t lim = UINT64_MAX - UINT64_MAX % n;
    uint64_t x;
    do {
        x = rng_next();
    } while (x >= lim);
    return x % n;
}

static double
clock_us(clockid_t id)
{
    struct timespec ts;
    clock_gettime(id, &ts);
    return (double)ts.tv_sec * 1e6 + (double)ts.tv_nsec / 1e3;
}

/* Lookup i starts: call before the lookup, sample_end after it. */
static double cpu_start;
static double *cpu_times;

static double
now_us(void)
{
    return clock_us(CLOCK_MONOTONIC);
}

static double
sample_start(void)
{
    cpu_start = clock_us(CLOCK_THREAD_CPUTIME_ID);
    return now_us();
}

static double
sample_end(size_t i)
{
    double t = now_us();
    cpu_times[i] = clock_us(CLOCK_THREAD_CPUTIME_ID) - cpu_start;
    return t;
}

static int
cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Nearest-rank percentile of sorted v[0..n). */
static double
pct(const double *v, size_t n, double p)
{
    double r = ceil(p / 100.0 * (double)n);
    size_t i = r < 1.0 ? 0 : (size_t)r - 1;
    return v[i < n ? i : n - 1];
}

static void
report(double *v, size_t n)
{
    double sum = 0;
    size_t i;
    qsort(v, n, sizeof *v, cmp_double);
    qsort(cpu_times, n, sizeof *cpu_times, cmp_double);
    for (i = 0; i < n; i++) {
        sum += v[i];
    }
    printf("lookups %zu p50 %.1f p99 %.1f mean %.1f max %.1f cpu_p50 %.1f cpu_p99 %.1f\n", n,
           pct(v, n, 50), pct(v, n, 99), sum / (double)n, v[n - 1], pct(cpu_times, n, 50),
           pct(cpu_times, n, 99));
}

static int
parse_count(const char *s, size_t *out)
{
    char *end;
    unsigned long long v;
    errno = 0;
    v = strtoull(s, &end, 10);
    if (errno != 0 || *end != '\0' || end == s || v == 0 || v > 100000000ULL) {
        return -1;
    }
    *out = (size_t)v;
    return 0;
}

static void
qfail(const char *what, int e, const quire_diag *d)
{
    fprintf(stderr, "access: %s: %s [%s] (offset %llu, article %lld, %s)\n", what,
            quire_strerror(e), quire_error_name(e), (unsigned long long)d->offset,
            (long long)d->article, d->what != NULL ? d->what : "-");
}

/* The body part must be there and be as long as the record says: touches the result. */
static int
check_body(quire_article *a, uint64_t n)
{
    quire_part p;
    if (quire_article_find_part(a, "body", 4, &p) != QUIRE_OK && quire_article_part_count(a) > 0) {
        fprintf(stderr, "access: article %llu: no body part\n", (unsigned long long)n);
        return -1;
    }
    if (quire_article_number(a) != (int64_t)n) {
        fprintf(stderr, "access: asked for article %llu, got %lld\n", (unsigned long long)n,
                (long long)quire_article_number(a));
        return -1;
    }
    return 0;
}

static int
open_quire(const char *path, quire_reader **r, quire_article **a, uint64_t *count)
{
    quire_diag d;
    int e;
    memset(&d, 0, sizeof d);
    if (quire_reader_new(r, NULL) != QUIRE_OK || quire_article_new(a, NULL) != QUIRE_OK) {
        fprintf(stderr, "access: out of memory\n");
        return 2;
    }
    e = quire_reader_open_file(*r, path, &d);
    if (e != QUIRE_OK) {
        qfail(path, e, &d);
        return 2;
    }
    if (quire_reader_stat(*r, QUIRE_STAT_ARTICLES, count) != QUIRE_OK || *count == 0) {
        fprintf(stderr, "access: %s: no articles\n", path);
        return 2;
    }
    return 0;
}

static int
run_quire(const char *path, size_t count)
{
    quire_reader *r = NULL;
    quire_article *a = NULL;
    quire_diag d;
    uint64_t n_articles = 0;
    double *t = calloc(count, sizeof *t);
    size_t i;
    int rc = open_quire(path, &r, &a, &n_articles);
    if (t == NULL) {
        rc = 2;
    }
    for (i = 0; rc == 0 && i < count; i++) {
        uint64_t n = rng_below(n_articles);
        double t0, t1;
        int e;
        memset(&d, 0, sizeof d);
        t0 = sample_start();
        e = quire_reader_get(r, n, a, &d);
        t1 = sample_end(i);
        if (e != QUIRE_OK) {
            qfail("quire_reader_get", e, &d);
            rc = 1;
        } else if (check_body(a, n) != 0) {
            rc = 1;
        }
        t[i] = t1 - t0;
    }
    if (rc == 0) {
        report(t, count);
    }
    free(t);
    quire_article_free(a);
    quire_reader_free(r);
    return rc;
}

typedef struct url_entry {
    uint64_t n;
    char *url;
    size_t len;
} url_entry;

static int
run_quire_url(const char *path, const char *urlfile, size_t count)
{
    quire_reader *r = NULL;
    quire_article *a = NULL;
    quire_diag d;
    uint64_t n_articles = 0;
    url_entry *u = NULL;
    size_t nu = 0, cap = 0, i;
    char *line = NULL;
    size_t linecap = 0;
    ssize_t got;
    double *t = calloc(count, sizeof *t);
    FILE *f = fopen(urlfile, "r");
    int rc = open_quire(path, &r, &a, &n_articles);
    if (f == NULL || t == NULL) {
        fprintf(stderr, "access: %s: %s\n", urlfile, strerror(errno));
        rc = 2;
    }
    while (rc == 0 && (got = getline(&line, &linecap, f)) > 0) {
        char *tab = strchr(line, '\t');
        size_t len = (size_t)got;
        if (tab == NULL) {
            continue;
        }
        if (line[len - 1] == '\n') {
            line[--len] = '\0';
        }
        if (nu == cap) {
            url_entry *nw;
            cap = cap ? cap * 2 : 1024;
            nw = realloc(u, cap * sizeof *u);
            if (nw == NULL) {
                rc = 2;
                break;
            }
            u = nw;
        }
        u[nu].n = strtoull(line, NULL, 10);
        u[nu].len = len - (size_t)(tab + 1 - line);
        u[nu].url = malloc(u[nu].len + 1);
        if (u[nu].url == NULL) {
            rc = 2;
            break;
        }
        memcpy(u[nu].url, tab + 1, u[nu].len + 1);
        nu++;
    }
    if (rc == 0 && nu == 0) {
        fprintf(stderr, "access: %s: no URLs\n", urlfile);
        rc = 2;
    }
    for (i = 0; rc == 0 && i < count; i++) {
        url_entry *e = &u[rng_below(nu)];
        uint64_t n = 0;
        double t0, t1;
        int c;
        memset(&d, 0, sizeof d);
        t0 = sample_start();
        c = quire_reader_find_url(r, e->url, e->len, &n, &d);
        if (c == QUIRE_OK) {
            c = quire_reader_get(r, n, a, &d);
        }
        t1 = sample_end(i);
        if (c != QUIRE_OK) {
            qfail(e->url, c, &d);
            rc = 1;
        } else if (n > e->n || check_body(a, n) != 0) {
            /* n < e->n is fine: the same URL earlier in the input (first match wins) */
            fprintf(stderr, "access: URL of article %llu found as %llu\n",
                    (unsigned long long)e->n, (unsigned long long)n);
            rc = 1;
        }
        t[i] = t1 - t0;
    }
    if (rc == 0) {
        report(t, count);
    }
    for (i = 0; i < nu; i++) {
        free(u[i].url);
    }
    free(u);
    free(line);
    free(t);
    if (f != NULL) {
        fclose(f);
    }
    quire_article_free(a);
    quire_reader_free(r);
    return rc;
}

static int
put_u64(FILE *f, uint64_t v)
{
    unsigned char b[8];
    int i;
    for (i = 0; i < 8; i++) {
        b[i] = (unsigned char)(v >> (8 * i));
    }
    return fwrite(b, 1, 8, f) == 8 ? 0 : -1;
}

static int
run_gzpack(const char *in, const char *out, const char *idx)
{
    FILE *fi = fopen(in, "rb"), *fo = fopen(out, "wb"), *fx = fopen(idx, "wb");
    z_stream z;
    unsigned char *obuf = NULL;
    size_t ocap = 0;
    char *line = NULL;
    size_t linecap = 0;
    ssize_t got;
    uint64_t off = 0, lines = 0;
    int rc = 0;
    memset(&z, 0, sizeof z);
    if (fi == NULL || fo == NULL || fx == NULL) {
        fprintf(stderr, "access: gzpack: %s\n", strerror(errno));
        return 2;
    }
    if (deflateInit2(&z, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK) {
        return 2;
    }
    while ((got = getline(&line, &linecap, fi)) > 0) {
        uLong bound = deflateBound(&z, (uLong)got) + 64;
        if (bound > ocap) {
            unsigned char *nb = realloc(obuf, bound);
            if (nb == NULL) {
                rc = 2;
                break;
            }
            obuf = nb;
            ocap = bound;
        }
        z.next_in = (Bytef *)line;
        z.avail_in = (uInt)got;
        z.next_out = obuf;
        z.avail_out = (uInt)ocap;
        if (deflate(&z, Z_FINISH) != Z_STREAM_END) {
            fprintf(stderr, "access: gzpack: deflate failed at line %llu\n",
                    (unsigned long long)lines + 1);
            rc = 2;
            break;
        }
        if (put_u64(fx, off) != 0 || fwrite(obuf, 1, z.total_out, fo) != z.total_out) {
            rc = 2;
            break;
        }
        off += z.total_out;
        lines++;
        deflateReset(&z);
    }
    if (rc == 0 && (put_u64(fx, off) != 0 || ferror(fi))) {
        rc = 2;
    }
    deflateEnd(&z);
    free(obuf);
    free(line);
    fclose(fi);
    if (fclose(fo) != 0 || fclose(fx) != 0) {
        rc = 2;
    }
    if (rc != 0) {
        fprintf(stderr, "access: gzpack: write failed\n");
    }
    return rc;
}

static int
map_file(const char *path, const unsigned char **buf, size_t *len)
{
    struct stat st;
    void *m;
    int fd = open(path, O_RDONLY);
    if (fd < 0 || fstat(fd, &st) != 0 || st.st_size <= 0) {
        fprintf(stderr, "access: %s: cannot open or empty\n", path);
        if (fd >= 0) {
            close(fd);
        }
        return -1;
    }
    m = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
    close(fd);
    if (m == MAP_FAILED) {
        fprintf(stderr, "access: %s: mmap: %s\n", path, strerror(errno));
        return -1;
    }
    *buf = m;
    *len = (size_t)st.st_size;
    return 0;
}

static int
run_gz(const char *gz, const char *idx, size_t count)
{
    const unsigned char *g = NULL, *x = NULL;
    size_t glen = 0, xlen = 0, i, n_members;
    unsigned char *out = NULL;
    size_t ocap = 1 << 16;
    double *t = calloc(count, sizeof *t);
    z_stream z;
    int rc = 0;
    memset(&z, 0, sizeof z);
    if (t == NULL || (out = malloc(ocap)) == NULL) {
        return 2;
    }
    if (map_file(gz, &g, &glen) != 0 || map_file(idx, &x, &xlen) != 0 || xlen % 8 != 0 ||
        xlen < 16) {
        fprintf(stderr, "access: bad input files\n");
        return 2;
    }
    n_members = xlen / 8 - 1;
    if (inflateInit2(&z, 15 + 16) != Z_OK) {
        return 2;
    }
    for (i = 0; rc == 0 && i < count; i++) {
        size_t m = (size_t)rng_below(n_members), k;
        uint64_t a = 0, b = 0;
        size_t olen = 0;
        double t0, t1;
        int zr = Z_OK;
        t0 = sample_start();
        for (k = 0; k < 8; k++) {
            a |= (uint64_t)x[m * 8 + k] << (8 * k);
            b |= (uint64_t)x[m * 8 + 8 + k] << (8 * k);
        }
        if (a >= b || b > glen) {
            fprintf(stderr, "access: bad offsets for member %zu\n", m);
            rc = 1;
            break;
        }
        inflateReset(&z);
        z.next_in = (Bytef *)(uintptr_t)(g + a);
        z.avail_in = (uInt)(b - a);
        while (zr == Z_OK) {
            if (olen == ocap) {
                unsigned char *nb = realloc(out, ocap * 2);
                if (nb == NULL) {
                    rc = 2;
                    break;
                }
                out = nb;
                ocap *= 2;
            }
            z.next_out = out + olen;
            z.avail_out = (uInt)(ocap - olen);
            zr = inflate(&z, Z_NO_FLUSH);
            olen = ocap - z.avail_out;
            if (zr == Z_BUF_ERROR && z.avail_out == 0) {
                zr = Z_OK;
            }
        }
        t1 = sample_end(i);
        if (rc == 0 && (zr != Z_STREAM_END || z.avail_in != 0 || olen == 0 ||
                        out[olen - 1] != '\n' || out[0] != '{')) {
            fprintf(stderr, "access: member %zu: inflate %d, %zu bytes\n", m, zr, olen);
            rc = 1;
        }
        t[i] = t1 - t0;
    }
    if (rc == 0) {
        report(t, count);
    }
    inflateEnd(&z);
    munmap((void *)(uintptr_t)g, glen);
    munmap((void *)(uintptr_t)x, xlen);
    free(out);
    free(t);
    return rc;
}

static int
usage(void)
{
    fprintf(stderr, "usage: access quire ARCHIVE COUNT SEED\n"
                    "       access quire-url ARCHIVE URLS COUNT SEED\n"
                    "       access gzpack JSONL OUT.gz OUT.idx\n"
                    "       access gz OUT.gz OUT.idx COUNT SEED\n");
    return 2;
}

int
main(int argc, char **argv)
{
    size_t count = 0;
    if (argc == 5 && strcmp(argv[1], "gzpack") == 0) {
        return run_gzpack(argv[2], argv[3], argv[4]);
    }
    if (argc >= 5 && parse_count(argv[argc - 2], &count) == 0) {
        cpu_times = calloc(count, sizeof *cpu_times);
        if (cpu_times == NULL) {
            fprintf(stderr, "access: out of memory\n");
            return 2;
        }
    }
    if (argc == 5 && strcmp(argv[1], "quire") == 0 && parse_count(argv[3], &count) == 0) {
        rng_state = strtoull(argv[4], NULL, 10);
        return run_quire(argv[2], count);
    }
    if (argc == 6 && strcmp(argv[1], "quire-url") == 0 && parse_count(argv[4], &count) == 0) {
        rng_state = strtoull(argv[5], NULL, 10);
        return run_quire_url(argv[2], argv[3], count);
    }
    if (argc == 6 && strcmp(argv[1], "gz") == 0 && parse_count(argv[4], &count) == 0) {
        rng_state = strtoull(argv[5], NULL, 10);
        return run_gz(argv[2], argv[3], count);
    }
    return usage();
}
