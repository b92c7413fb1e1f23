/* main.c - the quire command: dispatch and shared helpers. */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"

const char *prog = "quire";
int quiet = 0;

static const char usage_text[] =
    "usage: quire COMMAND [OPTIONS] [ARGS]\n"
    "\n"
    "quire packs news articles, their metadata and provenance into one compact,\n"
    "checksummed, indexed archive, and reads them back exactly.\n"
    "\n"
    "commands:\n"
    "  pack      pack JSON Lines, text or WARC files into an archive\n"
    "  append    add articles to an archive as a new checkpoint\n"
    "  ls        list the articles of an archive (optionally by date)\n"
    "  cat       write one article's body (or another part) to standard output\n"
    "  info      describe an archive\n"
    "  extract   write every article back as JSON Lines or as files\n"
    "  export    write an archive as WARC (records as captured, gzip per record)\n"
    "  verify    check an archive, its seal and signatures (the validator)\n"
    "  sign      add a co-signature to the latest checkpoint\n"
    "  salvage   recover the intact articles of a damaged archive\n"
    "  prove     write a standalone proof file for one article\n"
    "  verify-proof  check a proof file with a public key\n"
    "  keygen    make a minisign-compatible signing key pair\n"
    "\n"
    "Run 'quire COMMAND --help' for a command's options, 'man quire' for the manual.\n"
    "Exit status: 0 success, 1 invalid input, 2 usage or I/O error.\n";

void
die_nomem(void)
{
    fprintf(stderr, "%s: out of memory\n", prog);
    exit(EXIT_USAGE);
}

void *
xmalloc(size_t n)
{
    void *p = malloc(n != 0 ? n : 1);
    if (p == NULL) {
        die_nomem();
    }
    return p;
}

void *
xrealloc(void *p, size_t n)
{
    void *q = realloc(p, n != 0 ? n : 1);
    if (q == NULL) {
        die_nomem();
    }
    return q;
}

char *
xstrdup(const char *s)
{
    size_t n = strlen(s) + 1;
    char *p = (char *)xmalloc(n);
    memcpy(p, s, n);
    return p;
}

void
warnx_(const char *fmt, ...)
{
    va_list ap;
    fprintf(stderr, "%s: ", prog);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
}

int
exit_for(int code)
{
    switch (quire_error_class(code)) {
    case QUIRE_CLASS_OK: return EXIT_VALID;
    case QUIRE_CLASS_MALFORMED:
    case QUIRE_CLASS_UNSUPPORTED:
    case QUIRE_CLASS_LIMIT:
    case QUIRE_CLASS_AUTH: return EXIT_INVALID;
    case QUIRE_CLASS_NOTFOUND: return EXIT_INVALID;
    default: return EXIT_USAGE;
    }
}

int
report(const char *file, int code, const quire_diag *d)
{
    {
        fprintf(stderr, "%s: ", prog);
        if (file != NULL) {
            put_safe(stderr, file, strlen(file));
            fputs(": ", stderr);
        }
        if (d != NULL && d->code == code) {
            if (quire_error_class(code) != QUIRE_CLASS_MISUSE &&
                !(code == QUIRE_E_IO || code == QUIRE_E_NOMEM)) {
                fprintf(stderr, "offset %llu: ", (unsigned long long)d->offset);
            }
            if (d->article >= 0) {
                fprintf(stderr, "article %lld: ", (long long)d->article);
            }
            if (d->what != NULL && d->what[0] != '\0') {
                fprintf(stderr, "%s: ", d->what);
            }
        }
        fputs(quire_strerror(code), stderr);
        if (d != NULL && d->code == code && d->detail != NULL) {
            fprintf(stderr, " (%s)", d->detail);
        }
        if (code == QUIRE_E_IO && errno != 0) {
            fprintf(stderr, ": %s", strerror(errno));
        }
        fprintf(stderr, " [%s]\n", quire_error_name(code));
    }
    return exit_for(code);
}

int
utf8_seq_len(const unsigned char *s, size_t n)
{
    unsigned c = s[0];
    size_t len, i;
    unsigned long cp;
    if (c < 0x80) {
        return 1;
    }
    if (c >= 0xC2 && c <= 0xDF) {
        len = 2;
        cp = c & 0x1F;
    } else if (c >= 0xE0 && c <= 0xEF) {
        len = 3;
        cp = c & 0x0F;
    } else if (c >= 0xF0 && c <= 0xF4) {
        len = 4;
        cp = c & 0x07;
    } else {
        return 0;
    }
    if (n < len) {
        return 0;
    }
    for (i = 1; i < len; i++) {
        if ((s[i] & 0xC0) != 0x80) {
            return 0;
        }
        cp = (cp << 6) | (s[i] & 0x3F);
    }
    if ((len == 3 && (cp < 0x800 || (cp >= 0xD800 && cp <= 0xDFFF))) ||
        (len == 4 && (cp < 0x10000 || cp > 0x10FFFF))) {
        return 0;
    }
    return (int)len;
}

void
put_safe(FILE *f, const char *s, size_t n)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t i = 0;
    while (i < n) {
        int l = utf8_seq_len(p + i, n - i);
        if (l == 1 && (p[i] < 0x20 || p[i] == 0x7F)) {
            fprintf(f, "\\x%02x", p[i]);
            i++;
        } else if (l == 0) {
            fprintf(f, "\\x%02x", p[i]);
            i++;
        } else {
            fwrite(p + i, 1, (size_t)l, f);
            i += (size_t)l;
        }
    }
}

void
json_put(FILE *f, const char *s, size_t n)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t i = 0;
    fputc('"', f);
    while (i < n) {
        int k = utf8_seq_len(p + i, n - i);
        if (k == 0) {
            fputs("\\ufffd", f); /* not UTF-8: the replacement character */
            i++;
        } else if (k > 1) {
            fwrite(p + i, 1, (size_t)k, f);
            i += (size_t)k;
        } else if (p[i] == '"' || p[i] == '\\') {
            fprintf(f, "\\%c", p[i]);
            i++;
        } else if (p[i] < 0x20 || p[i] == 0x7F) {
            fprintf(f, "\\u%04x", p[i]);
            i++;
        } else {
            fputc(p[i], f);
            i++;
        }
    }
    fputc('"', f);
}

void
json_cstr(FILE *f, const char *s)
{
    json_put(f, s, strlen(s));
}

void
hex_put(FILE *f, const uint8_t *p, size_t n)
{
    size_t i;
    for (i = 0; i < n; i++) {
        fprintf(f, "%02x", p[i]);
    }
}

int
write_all(FILE *f, const void *p, size_t n)
{
    return n == 0 || fwrite(p, 1, n, f) == n ? 0 : -1;
}

int
read_file(const char *path, uint8_t **buf, size_t *len)
{
    FILE *f = strcmp(path, "-") == 0 ? stdin : fopen(path, "rb");
    uint8_t *p = NULL;
    size_t n = 0, cap = 0;
    if (f == NULL) {
        return -1;
    }
    for (;;) {
        size_t got;
        if (cap - n < 65536) {
            cap = cap != 0 ? cap * 2 : 65536;
            p = (uint8_t *)xrealloc(p, cap);
        }
        got = fread(p + n, 1, cap - n, f);
        n += got;
        if (got == 0) {
            break;
        }
    }
    if (ferror(f)) {
        int e = errno;
        if (f != stdin) {
            fclose(f);
        }
        free(p);
        errno = e;
        return -1;
    }
    if (f != stdin) {
        fclose(f);
    }
    *buf = p;
    *len = n;
    return 0;
}

int
parse_date_arg(const char *s, int is_until, int64_t *secs)
{
    size_t n = strlen(s);
    if (quire_parse_time(s, n, secs) != QUIRE_OK) {
        return -1;
    }
    if (is_until && n == 10) {
        *secs += 86399; /* a bare date includes its whole day */
    }
    return 0;
}

void
format_time(int64_t secs, char out[128])
{
    /* civil_from_days (Howard Hinnant), UTC */
    int64_t days = secs >= 0 ? secs / 86400 : -((-secs + 86399) / 86400);
    int64_t rem = secs - days * 86400;
    int64_t z = days + 719468;
    int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    int64_t doe = z - era * 146097;
    int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int64_t y = yoe + era * 400;
    int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    int64_t mp = (5 * doy + 2) / 153;
    int64_t d = doy - (153 * mp + 2) / 5 + 1;
    int64_t m = mp < 10 ? mp + 3 : mp - 9;
    y += m <= 2;
    snprintf(out, 128, "%04lld-%02lld-%02lldT%02lld:%02lld:%02lldZ", (long long)y, (long long)m,
             (long long)d, (long long)(rem / 3600), (long long)(rem / 60 % 60),
             (long long)(rem % 60));
}

int
parse_u64(const char *s, uint64_t *v)
{
    char *end;
    unsigned long long x;
    if (s[0] < '0' || s[0] > '9') {
        return -1;
    }
    errno = 0;
    x = strtoull(s, &end, 10);
    if (errno != 0 || *end != '\0') {
        return -1;
    }
    *v = (uint64_t)x;
    return 0;
}

static int
hexval(int c)
{
    if (c >= '0' && c <= '9') {
        return c - '0';
    }
    if (c >= 'a' && c <= 'f') {
        return c - 'a' + 10;
    }
    if (c >= 'A' && c <= 'F') {
        return c - 'A' + 10;
    }
    return -1;
}

int
parse_hex(const char *s, uint8_t *out, size_t n)
{
    size_t i;
    if (strlen(s) != 2 * n) {
        return -1;
    }
    for (i = 0; i < n; i++) {
        int h = hexval(s[2 * i]), l = hexval(s[2 * i + 1]);
        if (h < 0 || l < 0) {
            return -1;
        }
        out[i] = (uint8_t)(h * 16 + l);
    }
    return 0;
}

int
parse_hex32(const char *s, uint8_t out[32])
{
    if (strncmp(s, "blake2b:", 8) == 0) {
        s += 8;
    }
    return parse_hex(s, out, 32);
}

int
parse_time_arg(const char *s, int64_t *secs)
{
    uint64_t v;
    if (strcmp(s, "now") == 0) {
        *secs = (int64_t)time(NULL);
        return 0;
    }
    if (s[0] != '\0' && strchr(s, '-') == NULL && parse_u64(s, &v) == 0 &&
        v <= (uint64_t)INT64_MAX) {
        *secs = (int64_t)v;
        return 0;
    }
    return quire_parse_time(s, strlen(s), secs) == QUIRE_OK ? 0 : -1;
}

void
hex32(const uint8_t d[32], char out[65])
{
    static const char hx[] = "0123456789abcdef";
    size_t i;
    for (i = 0; i < 32; i++) {
        out[2 * i] = hx[d[i] >> 4];
        out[2 * i + 1] = hx[d[i] & 15];
    }
    out[64] = '\0';
}

int
is_tty(FILE *f)
{
    return isatty(fileno(f));
}

static int progress_shown; /* a progress line is on the terminal */

/* see cli.h */
void
progress_show(const char *what, uint64_t done, uint64_t total)
{
    fprintf(stderr, "\r%s: %s: %llu of %llu articles (%llu%%)", prog, what,
            (unsigned long long)done, (unsigned long long)total,
            (unsigned long long)(total != 0 ? done * 100 / total : 100));
    progress_shown = 1;
}

/* see cli.h */
void
progress_clear(void)
{
    if (progress_shown) {
        fputs("\r\033[K", stderr);
        progress_shown = 0;
    }
}

int
open_archive(const char *path, quire_reader **r)
{
    quire_diag d;
    int e;
    memset(&d, 0, sizeof d);
    if (quire_reader_new(r, NULL) != QUIRE_OK) {
        die_nomem();
    }
    errno = 0;
    e = quire_reader_open_file(*r, path, &d);
    if (e != QUIRE_OK) {
        int st = report(path, e, &d);
        quire_reader_free(*r);
        *r = NULL;
        return st;
    }
    return 0;
}

int
main(int argc, char **argv)
{
    static char help_opt[] = "--help";
    char *hv[3];
    const char *cmd;
    if (argc < 2) {
        fputs(usage_text, stderr);
        return EXIT_USAGE;
    }
    cmd = argv[1];
    if (strcmp(cmd, "--help") == 0 || strcmp(cmd, "-h") == 0 || strcmp(cmd, "help") == 0) {
        if (strcmp(cmd, "help") == 0 && argc > 2) {
            hv[0] = argv[2];
            hv[1] = help_opt;
            hv[2] = NULL;
            argv = hv;
            argc = 2;
            cmd = hv[0];
        } else {
            fputs(usage_text, stdout);
            return EXIT_VALID;
        }
    } else if (strcmp(cmd, "--version") == 0 || strcmp(cmd, "-V") == 0) {
        printf("quire %s (format %d.%d)\n", quire_version_string(), QUIRE_FORMAT_MAJOR,
               QUIRE_FORMAT_MINOR);
        return EXIT_VALID;
    } else {
        argv++;
        argc--;
    }
    /* getopt names argv[0] in its messages: make it "quire CMD" */
    {
        static char name[64];
        snprintf(name, sizeof name, "%s %s", prog, cmd);
        argv[0] = name;
    }
    if (strcmp(cmd, "pack") == 0) {
        return cmd_pack(argc, argv);
    }
    if (strcmp(cmd, "append") == 0) {
        return cmd_append(argc, argv);
    }
    if (strcmp(cmd, "ls") == 0) {
        return cmd_ls(argc, argv);
    }
    if (strcmp(cmd, "cat") == 0) {
        return cmd_cat(argc, argv);
    }
    if (strcmp(cmd, "info") == 0) {
        return cmd_info(argc, argv);
    }
    if (strcmp(cmd, "extract") == 0) {
        return cmd_extract(argc, argv);
    }
    if (strcmp(cmd, "verify") == 0) {
        return cmd_verify(argc, argv);
    }
    if (strcmp(cmd, "sign") == 0) {
        return cmd_sign(argc, argv);
    }
    if (strcmp(cmd, "keygen") == 0) {
        return cmd_keygen(argc, argv);
    }
    if (strcmp(cmd, "salvage") == 0) {
        return cmd_salvage(argc, argv);
    }
    if (strcmp(cmd, "prove") == 0) {
        return cmd_prove(argc, argv);
    }
    if (strcmp(cmd, "export") == 0) {
        return cmd_export(argc, argv);
    }
    if (strcmp(cmd, "verify-proof") == 0) {
        return cmd_verify_proof(argc, argv);
    }
    fprintf(stderr, "%s: unknown command '%s'\n\n%s", prog, cmd, usage_text);
    return EXIT_USAGE;
}
