/* read.c - quire ls, cat, info, extract. */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <fcntl.h>
#include <unistd.h>

#include "cli.h"

/* ---- JSON output helpers (text from the archive is valid UTF-8) ---- */


static int
text_field(const quire_article *a, int key, const char **s, size_t *n)
{
    quire_field f;
    if (quire_article_find(a, key, &f) != 0 || (f.type != QUIRE_T_TEXT && f.type != QUIRE_T_TIME)) {
        return 0;
    }
    *s = (const char *)f.value;
    *n = f.value_len;
    return 1;
}

static int
bytes_field(const quire_article *a, const char *name, const char **s, size_t *n)
{
    quire_field f;
    if (quire_article_find_ext(a, name, strlen(name), &f) != 0 || f.type != QUIRE_T_BYTES) {
        return 0;
    }
    *s = (const char *)f.value;
    *n = f.value_len;
    return 1;
}

/* ====================================================================== */
/* ls */

static const char ls_help[] =
    "usage: quire ls ARCHIVE [--json] [--since DATE] [--until DATE]\n"
    "\n"
    "List the articles of ARCHIVE, one per line: number, published date, id and\n"
    "title, tab-separated. With --since or --until, only articles published in\n"
    "that range, in date order, found through the archive's date index (no full\n"
    "scan). DATE is YYYY-MM-DD or YYYY-MM-DDThh:mm[:ss][Z|+hh:mm]; a bare --until\n"
    "date includes its whole day.\n"
    "\n"
    "options:\n"
    "  --json           one JSON object per line: n, digest, id, title, date, url\n"
    "  --since DATE     published at or after DATE\n"
    "  --until DATE     published at or before DATE\n"
    "  -h, --help       this help\n";

static void
ls_line(const quire_article *a, uint64_t n, const uint8_t digest[32], int json)
{
    const char *s;
    size_t len;
    static const int keys[] = {QUIRE_F_ID, QUIRE_F_TITLE, QUIRE_F_PUBLISHED, QUIRE_F_URL};
    static const char *const names[] = {"id", "title", "date", "url"};
    size_t k;
    if (json) {
        char hx[65];
        hex32(digest, hx);
        printf("{\"n\":%llu,\"digest\":\"%s\"", (unsigned long long)n, hx);
        for (k = 0; k < 4; k++) {
            if (text_field(a, keys[k], &s, &len)) {
                printf(",\"%s\":", names[k]);
                json_put(stdout, s, len);
            }
        }
        if (text_field(a, QUIRE_F_FILENAME, &s, &len)) {
            printf(",\"filename\":");
            json_put(stdout, s, len);
        }
        fputs("}\n", stdout);
        return;
    }
    printf("%llu\t", (unsigned long long)n);
    if (text_field(a, QUIRE_F_PUBLISHED, &s, &len)) {
        put_safe(stdout, s, len);
    } else {
        fputc('-', stdout);
    }
    fputc('\t', stdout);
    if (text_field(a, QUIRE_F_ID, &s, &len) || text_field(a, QUIRE_F_FILENAME, &s, &len)) {
        put_safe(stdout, s, len);
    } else {
        fputc('-', stdout);
    }
    fputc('\t', stdout);
    if (text_field(a, QUIRE_F_TITLE, &s, &len) || text_field(a, QUIRE_F_URL, &s, &len)) {
        put_safe(stdout, s, len);
    }
    fputc('\n', stdout);
}

int
cmd_ls(int argc, char **argv)
{
    static const struct option opts[] = {{"json", no_argument, NULL, 'j'},
                                         {"since", required_argument, NULL, 's'},
                                         {"until", required_argument, NULL, 'u'},
                                         {"help", no_argument, NULL, 'h'},
                                         {NULL, 0, NULL, 0}};
    int json = 0, c, st = 0, by_date = 0;
    int64_t since = INT64_MIN, until = INT64_MAX;
    quire_reader *r;
    quire_article *a;
    uint64_t n, count = 0;
    optind = 1;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (c) {
        case 'j': json = 1; break;
        case 's':
        case 'u':
            if (parse_date_arg(optarg, c == 'u', c == 's' ? &since : &until) != 0) {
                fprintf(stderr, "%s: ls: invalid date '%s' (use YYYY-MM-DD[Thh:mm[:ss]])\n", prog,
                        optarg);
                return EXIT_USAGE;
            }
            by_date = 1;
            break;
        case 'h': fputs(ls_help, stdout); return EXIT_VALID;
        default: fputs(ls_help, stderr); return EXIT_USAGE;
        }
    }
    if (optind + 1 != argc) {
        fprintf(stderr, "%s: ls: expected one ARCHIVE\n\n%s", prog, ls_help);
        return EXIT_USAGE;
    }
    if ((st = open_archive(argv[optind], &r)) != 0) {
        return st;
    }
    if (quire_article_new(&a, NULL) != 0) {
        die_nomem();
    }
    if (by_date) {
        size_t first = 0, cnt = 0, i;
        quire_reader_date_span(r, since, until, &first, &cnt);
        for (i = first; i < first + cnt && st == 0; i++) {
            int64_t secs;
            quire_diag d;
            uint8_t dg[32];
            int e;
            memset(&d, 0, sizeof d);
            quire_reader_date_at(r, i, &n, &secs);
            e = quire_reader_get(r, n, a, &d);
            if (e != 0) {
                st = report(argv[optind], e, &d);
                break;
            }
            quire_reader_get_digest(r, n, dg);
            ls_line(a, n, dg, json);
        }
    } else {
        quire_reader_stat(r, QUIRE_STAT_ARTICLES, &count);
        for (n = 0; n < count; n++) {
            quire_diag d;
            uint8_t dg[32];
            int e;
            memset(&d, 0, sizeof d);
            e = quire_reader_get(r, n, a, &d);
            if (e != 0) {
                st = report(argv[optind], e, &d);
                break;
            }
            quire_reader_get_digest(r, n, dg);
            ls_line(a, n, dg, json);
        }
    }
    if (fflush(stdout) != 0 && st == 0) {
        fprintf(stderr, "%s: ls: write error: %s\n", prog, strerror(errno));
        st = EXIT_USAGE;
    }
    quire_article_free(a);
    quire_reader_free(r);
    return st;
}

/* ====================================================================== */
/* cat */

static const char cat_help[] =
    "usage: quire cat ARCHIVE (N | --url URL | --digest HEX) [--part NAME] [--meta]\n"
    "       quire cat PROOF [--part NAME] [--meta]\n"
    "\n"
    "Write one article's part to standard output, byte for byte as it was packed.\n"
    "The article is chosen by its number N (0-based, as 'quire ls' shows), by its\n"
    "URL (canonical or capture URL, found through the URL index), or by its record\n"
    "digest (64 hex digits). Its record digest is checked against the index first.\n"
    "\n"
    "options:\n"
    "  --url URL        the article with this URL\n"
    "  --digest HEX     the article with this BLAKE2b-256 record digest\n"
    "  --part NAME      the part to write (default: body)\n"
    "  --meta           write the article's metadata as one JSON object instead\n"
    "  -h, --help       this help\n";

int
cmd_cat(int argc, char **argv)
{
    static const struct option opts[] = {{"url", required_argument, NULL, 'u'},
                                         {"digest", required_argument, NULL, 'd'},
                                         {"part", required_argument, NULL, 'p'},
                                         {"meta", no_argument, NULL, 'm'},
                                         {"help", no_argument, NULL, 'h'},
                                         {NULL, 0, NULL, 0}};
    const char *url = NULL, *digest = NULL, *part = "body", *path;
    int c, st, meta = 0, e, selectors = 0;
    uint64_t n = 0;
    quire_reader *r;
    quire_article *a;
    quire_diag d;
    quire_part p;
    optind = 1;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (c) {
        case 'u': url = optarg; break;
        case 'd': digest = optarg; break;
        case 'p': part = optarg; break;
        case 'm': meta = 1; break;
        case 'h': fputs(cat_help, stdout); return EXIT_VALID;
        default: fputs(cat_help, stderr); return EXIT_USAGE;
        }
    }
    selectors = (url != NULL) + (digest != NULL) + (argc - optind == 2);
    if (optind < argc && argc - optind == 1 && selectors == 0 && is_proof_file(argv[optind])) {
        return cat_proof(argv[optind], part, meta);
    }
    if (optind >= argc || argc - optind > 2 || selectors != 1) {
        fprintf(stderr, "%s: cat: give ARCHIVE and exactly one of N, --url, --digest\n\n%s", prog,
                cat_help);
        return EXIT_USAGE;
    }
    path = argv[optind];
    if (argc - optind == 1 && url == NULL && digest == NULL && is_proof_file(path)) {
        /* a proof file holds one article: cat needs no selector */
        return cat_proof(path, part, meta);
    }
    if (argc - optind == 2 && parse_u64(argv[optind + 1], &n) != 0) {
        fprintf(stderr, "%s: cat: '%s' is not an article number\n", prog, argv[optind + 1]);
        return EXIT_USAGE;
    }
    if (digest != NULL) {
        uint8_t dg[32];
        if (parse_hex32(digest, dg) != 0) {
            fprintf(stderr, "%s: cat: --digest needs 64 hex digits\n", prog);
            return EXIT_USAGE;
        }
        if ((st = open_archive(path, &r)) != 0) {
            return st;
        }
        if (quire_reader_find_digest(r, dg, &n) != 0) {
            fprintf(stderr, "%s: %s: no article with digest %s\n", prog, path, digest);
            quire_reader_free(r);
            return EXIT_INVALID;
        }
    } else if ((st = open_archive(path, &r)) != 0) {
        return st;
    }
    memset(&d, 0, sizeof d);
    if (url != NULL) {
        e = quire_reader_find_url(r, url, strlen(url), &n, &d);
        if (e == QUIRE_E_NOTFOUND) {
            fprintf(stderr, "%s: %s: no article with URL ", prog, path);
            put_safe(stderr, url, strlen(url));
            fputc('\n', stderr);
            quire_reader_free(r);
            return EXIT_INVALID;
        }
        if (e != 0) {
            st = report(path, e, &d);
            quire_reader_free(r);
            return st;
        }
    }
    if (quire_article_new(&a, NULL) != 0) {
        die_nomem();
    }
    e = quire_reader_get(r, n, a, &d);
    if (e == QUIRE_E_NOTFOUND) {
        uint64_t count = 0;
        quire_reader_stat(r, QUIRE_STAT_ARTICLES, &count);
        fprintf(stderr, "%s: %s: no article %llu (the archive has %llu)\n", prog, path,
                (unsigned long long)n, (unsigned long long)count);
        st = EXIT_INVALID;
    } else if (e != 0) {
        st = report(path, e, &d);
    } else if (meta) {
        const char *js;
        size_t jl;
        if (quire_article_to_json(a, &js, &jl) != 0) {
            die_nomem();
        }
        if (write_all(stdout, js, jl) != 0 || fputc('\n', stdout) == EOF) {
            st = EXIT_USAGE;
        }
    } else if (quire_article_find_part(a, part, strlen(part), &p) != 0) {
        size_t i;
        fprintf(stderr, "%s: %s: article %llu has no part '%s'; parts:", prog, path,
                (unsigned long long)n, part);
        for (i = 0; i < quire_article_part_count(a); i++) {
            quire_part q;
            quire_article_part(a, i, &q);
            fputc(' ', stderr);
            put_safe(stderr, q.name, q.name_len);
        }
        fputc('\n', stderr);
        st = EXIT_INVALID;
    } else if (write_all(stdout, p.data, p.len) != 0) {
        st = EXIT_USAGE;
    }
    if (fflush(stdout) != 0 && st == 0) {
        st = EXIT_USAGE;
    }
    if (st == EXIT_USAGE && e == 0) {
        fprintf(stderr, "%s: cat: write error: %s\n", prog, strerror(errno));
    }
    quire_article_free(a);
    quire_reader_free(r);
    return st;
}

/* ====================================================================== */
/* info */

static const char info_help[] =
    "usage: quire info ARCHIVE [--json]\n"
    "\n"
    "Describe ARCHIVE from its trailer and index (no article is decompressed):\n"
    "format version, article and block counts, sizes, compression ratio, index\n"
    "tables and the range of published dates.\n"
    "\n"
    "options:\n"
    "  --json       one JSON object\n"
    "  -h, --help   this help\n";

int
cmd_info(int argc, char **argv)
{
    static const struct option opts[] = {{"json", no_argument, NULL, 'j'},
                                         {"help", no_argument, NULL, 'h'},
                                         {NULL, 0, NULL, 0}};
    int json = 0, c, st;
    quire_reader *r;
    uint64_t v[17];
    uint8_t aid[16];
    char aidhex[33];
    int64_t first_date = 0, last_date = 0;
    char fd[128] = "", ld[128] = "";
    uint64_t an;
    int k;
    optind = 1;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (c) {
        case 'j': json = 1; break;
        case 'h': fputs(info_help, stdout); return EXIT_VALID;
        default: fputs(info_help, stderr); return EXIT_USAGE;
        }
    }
    if (optind + 1 != argc) {
        fprintf(stderr, "%s: info: expected one ARCHIVE\n\n%s", prog, info_help);
        return EXIT_USAGE;
    }
    if ((st = open_archive(argv[optind], &r)) != 0) {
        return st;
    }
    for (k = 1; k <= 16; k++) {
        int e;
        v[k] = 0;
        /* the sums over the block table read a paged index: it may be
         * damaged there */
        if ((e = quire_reader_stat(r, k, &v[k])) != 0) {
            report(argv[optind], e, NULL);
            quire_reader_free(r);
            return exit_for(e);
        }
    }
    memset(aid, 0, sizeof aid);
    quire_reader_archive_id(r, aid);
    for (k = 0; k < 16; k++) {
        snprintf(aidhex + 2 * k, 3, "%02x", aid[k]);
    }
    if (v[QUIRE_STAT_DATES] > 0) {
        int e = quire_reader_date_at(r, 0, &an, &first_date);
        if (e == 0) {
            e = quire_reader_date_at(r, (size_t)v[QUIRE_STAT_DATES] - 1, &an, &last_date);
        }
        if (e != 0) {
            report(argv[optind], e, NULL);
            quire_reader_free(r);
            return exit_for(e);
        }
        format_time(first_date, fd);
        format_time(last_date, ld);
    }
    if (json) {
        printf("{\"format\":\"%llu.%llu\",\"articles\":%llu,\"blocks\":%llu,\"file_size\":%llu,"
               "\"uncompressed_size\":%llu,\"block_bytes\":%llu,\"index_offset\":%llu,"
               "\"index_size\":%llu,\"dictionary_size\":%llu,\"urls\":%llu,\"dated\":%llu,"
               "\"checkpoint\":%llu,\"archive_id\":\"%s\",\"sealed\":%s,\"signatures\":%llu,"
               "\"created\":%lld",
               (unsigned long long)v[QUIRE_STAT_FORMAT_MAJOR],
               (unsigned long long)v[QUIRE_STAT_FORMAT_MINOR],
               (unsigned long long)v[QUIRE_STAT_ARTICLES], (unsigned long long)v[QUIRE_STAT_BLOCKS],
               (unsigned long long)v[QUIRE_STAT_FILE_SIZE],
               (unsigned long long)v[QUIRE_STAT_RAW_SIZE],
               (unsigned long long)v[QUIRE_STAT_BLOCK_BYTES],
               (unsigned long long)v[QUIRE_STAT_INDEX_OFFSET],
               (unsigned long long)v[QUIRE_STAT_INDEX_SIZE],
               (unsigned long long)v[QUIRE_STAT_DICT_SIZE], (unsigned long long)v[QUIRE_STAT_URLS],
               (unsigned long long)v[QUIRE_STAT_DATES],
               (unsigned long long)v[QUIRE_STAT_CHECKPOINT], aidhex,
               v[QUIRE_STAT_SEALED] ? "true" : "false",
               (unsigned long long)v[QUIRE_STAT_SIGNATURES], (long long)v[QUIRE_STAT_CREATED]);
        if (v[QUIRE_STAT_DATES] > 0) {
            printf(",\"first_date\":\"%s\",\"last_date\":\"%s\"", fd, ld);
        }
        printf("}\n");
    } else {
        double ratio = v[QUIRE_STAT_FILE_SIZE] != 0
                           ? (double)v[QUIRE_STAT_RAW_SIZE] / (double)v[QUIRE_STAT_FILE_SIZE]
                           : 0.0;
        printf("format:            %llu.%llu\n", (unsigned long long)v[QUIRE_STAT_FORMAT_MAJOR],
               (unsigned long long)v[QUIRE_STAT_FORMAT_MINOR]);
        printf("articles:          %llu\n", (unsigned long long)v[QUIRE_STAT_ARTICLES]);
        printf("blocks:            %llu\n", (unsigned long long)v[QUIRE_STAT_BLOCKS]);
        printf("file size:         %llu bytes\n", (unsigned long long)v[QUIRE_STAT_FILE_SIZE]);
        printf("uncompressed:      %llu bytes (%.2fx)\n",
               (unsigned long long)v[QUIRE_STAT_RAW_SIZE], ratio);
        printf("index:             %llu bytes at offset %llu\n",
               (unsigned long long)v[QUIRE_STAT_INDEX_SIZE],
               (unsigned long long)v[QUIRE_STAT_INDEX_OFFSET]);
        printf("dictionary:        %llu bytes\n", (unsigned long long)v[QUIRE_STAT_DICT_SIZE]);
        printf("URL entries:       %llu\n", (unsigned long long)v[QUIRE_STAT_URLS]);
        printf("dated articles:    %llu\n", (unsigned long long)v[QUIRE_STAT_DATES]);
        if (v[QUIRE_STAT_DATES] > 0) {
            printf("published:         %s .. %s\n", fd, ld);
        }
        printf("archive id:        %s\n", aidhex);
        printf("checkpoint:        %llu\n", (unsigned long long)v[QUIRE_STAT_CHECKPOINT]);
        if (v[QUIRE_STAT_SEALED]) {
            char ct[128] = "not stated";
            if ((int64_t)v[QUIRE_STAT_CREATED] != 0) {
                format_time((int64_t)v[QUIRE_STAT_CREATED], ct);
            }
            printf("seal:              %llu signature%s (not verified: see quire verify)\n",
                   (unsigned long long)v[QUIRE_STAT_SIGNATURES],
                   v[QUIRE_STAT_SIGNATURES] == 1 ? "" : "s");
            printf("checkpoint time:   %s\n", ct);
        } else {
            printf("seal:              none\n");
        }
    }
    quire_reader_free(r);
    if (fflush(stdout) != 0 || ferror(stdout)) {
        fprintf(stderr, "%s: info: write error: %s\n", prog, strerror(errno));
        return EXIT_USAGE;
    }
    return EXIT_VALID;
}

/* ====================================================================== */
/* extract */

static const char extract_help[] =
    "usage: quire extract ARCHIVE (--jsonl [-o FILE] | -d DIR)\n"
    "\n"
    "Write every article back out.\n"
    "\n"
    "  --jsonl      one JSON object per article on standard output (or FILE): every\n"
    "               field packed from JSON Lines comes back under its key with its\n"
    "               value, the body as \"text\"; other parts as \"part:NAME\" objects\n"
    "               with base64 data.\n"
    "  -d DIR       one file per article in DIR (created if needed): the body, byte\n"
    "               for byte, named after the packed file name when there is one,\n"
    "               else N.txt. Existing files are not overwritten.\n"
    "\n"
    "options:\n"
    "  -o FILE      with --jsonl, write to FILE instead of standard output\n"
    "  -h, --help   this help\n";

/* A file name that cannot escape DIR: no '/', not "." or "..", not hidden. */
static int
safe_name(const char *s, size_t n)
{
    size_t i;
    if (n == 0 || n > 200 || s[0] == '.') {
        return 0;
    }
    for (i = 0; i < n; i++) {
        if (s[i] == '/' || s[i] == '\0' || (unsigned char)s[i] < 0x20) {
            return 0;
        }
    }
    return 1;
}

int
cmd_extract(int argc, char **argv)
{
    static const struct option opts[] = {{"jsonl", no_argument, NULL, 'j'},
                                         {"output", required_argument, NULL, 'o'},
                                         {"dir", required_argument, NULL, 'd'},
                                         {"help", no_argument, NULL, 'h'},
                                         {NULL, 0, NULL, 0}};
    int jsonl = 0, c, st = 0, show;
    const char *dir = NULL, *outpath = NULL;
    quire_reader *r;
    quire_article *a;
    uint64_t n, count = 0;
    FILE *out = stdout;
    optind = 1;
    while ((c = getopt_long(argc, argv, "jo:d:h", opts, NULL)) != -1) {
        switch (c) {
        case 'j': jsonl = 1; break;
        case 'o': outpath = optarg; break;
        case 'd': dir = optarg; break;
        case 'h': fputs(extract_help, stdout); return EXIT_VALID;
        default: fputs(extract_help, stderr); return EXIT_USAGE;
        }
    }
    if (optind + 1 != argc || jsonl == (dir != NULL) || (outpath != NULL && !jsonl)) {
        fprintf(stderr, "%s: extract: give ARCHIVE and one of --jsonl, -d DIR\n\n%s", prog,
                extract_help);
        return EXIT_USAGE;
    }
    if (dir != NULL && mkdir(dir, 0777) != 0 && errno != EEXIST) {
        fprintf(stderr, "%s: %s: %s\n", prog, dir, strerror(errno));
        return EXIT_USAGE;
    }
    if ((st = open_archive(argv[optind], &r)) != 0) {
        return st;
    }
    if (outpath != NULL && strcmp(outpath, "-") != 0) {
        out = fopen(outpath, "wb");
        if (out == NULL) {
            fprintf(stderr, "%s: %s: %s\n", prog, outpath, strerror(errno));
            quire_reader_free(r);
            return EXIT_USAGE;
        }
    }
    if (quire_article_new(&a, NULL) != 0) {
        die_nomem();
    }
    quire_reader_stat(r, QUIRE_STAT_ARTICLES, &count);
    /* progress on a terminal, unless the articles go to that terminal */
    show = is_tty(stderr) && (!jsonl || out != stdout || !is_tty(stdout));
    for (n = 0; n < count && st == 0; n++) {
        quire_diag d;
        int e;
        memset(&d, 0, sizeof d);
        if (show && n % 1000 == 0) {
            progress_show("extract", n, count);
        }
        e = quire_reader_get(r, n, a, &d);
        if (e != 0) {
            progress_clear();
            st = report(argv[optind], e, &d);
            break;
        }
        if (jsonl) {
            const char *js;
            size_t jl;
            if (quire_article_to_json(a, &js, &jl) != 0) {
                die_nomem();
            }
            if (write_all(out, js, jl) != 0 || fputc('\n', out) == EOF) {
                progress_clear();
                fprintf(stderr, "%s: write error: %s\n", prog, strerror(errno));
                st = EXIT_USAGE;
            }
        } else {
            const char *s;
            size_t len, plen;
            quire_part p;
            char *path;
            int fd;
            if (quire_article_find_part(a, "body", 4, &p) != 0) {
                continue; /* nothing to write for an article without a body */
            }
            plen = strlen(dir) + 256;
            path = (char *)xmalloc(plen);
            if (text_field(a, QUIRE_F_FILENAME, &s, &len) && safe_name(s, len)) {
                snprintf(path, plen, "%s/%.*s", dir, (int)len, s);
            } else if (bytes_field(a, "filename_bytes", &s, &len) && safe_name(s, len)) {
                /* a file name that was not UTF-8, kept as bytes (spec 9.2) */
                snprintf(path, plen, "%s/%.*s", dir, (int)len, s);
            } else {
                snprintf(path, plen, "%s/%llu.txt", dir, (unsigned long long)n);
            }
            fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0666);
            if (fd < 0 && errno == EEXIST) {
                /* two articles with one name: keep both, the later one numbered */
                char *alt = (char *)xmalloc(plen + 32);
                const char *base = strrchr(path, '/') + 1;
                snprintf(alt, plen + 32, "%s/%llu-%s", dir, (unsigned long long)n, base);
                free(path);
                path = alt;
                fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0666);
            }
            if (fd < 0) {
                progress_clear();
                fprintf(stderr, "%s: %s: %s\n", prog, path, strerror(errno));
                st = EXIT_USAGE;
            } else {
                const uint8_t *q = p.data;
                size_t left = p.len;
                while (left > 0) {
                    ssize_t w = write(fd, q, left);
                    if (w < 0) {
                        if (errno == EINTR) {
                            continue;
                        }
                        progress_clear();
                        fprintf(stderr, "%s: %s: %s\n", prog, path, strerror(errno));
                        st = EXIT_USAGE;
                        break;
                    }
                    q += w;
                    left -= (size_t)w;
                }
                if (close(fd) != 0 && st == 0) {
                    progress_clear();
                    fprintf(stderr, "%s: %s: %s\n", prog, path, strerror(errno));
                    st = EXIT_USAGE;
                }
            }
            free(path);
        }
    }
    progress_clear();
    if (out != stdout) {
        if (fclose(out) != 0 && st == 0) {
            fprintf(stderr, "%s: %s: %s\n", prog, outpath, strerror(errno));
            st = EXIT_USAGE;
        }
    } else if (fflush(stdout) != 0 && st == 0) {
        fprintf(stderr, "%s: write error: %s\n", prog, strerror(errno));
        st = EXIT_USAGE;
    }
    quire_article_free(a);
    quire_reader_free(r);
    return st;
}
