/* export.c - quire export: an archive out to another format (WARC). */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"

static const char export_help[] =
    "usage: quire export --warc ARCHIVE -o OUT [-q]\n"
    "\n"
    "Write every article of ARCHIVE as WARC/1.1 records, one gzip member per\n"
    "record (a .warc.gz that WARC tools read and index record by record).\n"
    "\n"
    "Articles imported from WARC come back as they were captured: the response,\n"
    "resource or revisit record with its original WARC-Record-ID, WARC-Date,\n"
    "WARC-Payload-Digest and every other header field, and its block byte for\n"
    "byte; before it the warcinfo record of its file (once) and its request\n"
    "records, after it its metadata records. Only the version line becomes\n"
    "WARC/1.1. Any other article becomes a resource record of its body (its JSON\n"
    "when it has no body), with a record id derived from its digest and a SHA-1\n"
    "payload digest; the output is the same bytes for the same archive.\n"
    "\n"
    "options:\n"
    "  --warc          write WARC (the only export format; required)\n"
    "  -o, --output OUT  file to write ('-' for standard output); written to a\n"
    "                  temporary file and renamed into place when complete\n"
    "  -q, --quiet     no progress and no summary on standard error (progress\n"
    "                  is shown only on a terminal)\n"
    "  -h, --help      this help\n"
    "\n"
    "Exit status: 0 written, 1 an article could not be read (damaged archive:\n"
    "run 'quire verify'), 2 usage or I/O error (no output left behind).\n";

/* the output, and the progress shown on a terminal as records are written */
typedef struct xout {
    FILE *f;
    const quire_warc_summary *sum; /* counts as the export goes */
    uint64_t count, shown;
    int show;
} xout;

static int
file_write(void *ctx, const void *buf, size_t len)
{
    xout *x = (xout *)ctx;
    if (x->show && (x->shown == 0 || x->sum->articles >= x->shown + 1000)) {
        x->shown = x->sum->articles > 0 ? x->sum->articles : 1;
        progress_show("export", x->sum->articles, x->count);
    }
    return write_all(x->f, buf, len);
}

int
cmd_export(int argc, char **argv)
{
    static const struct option opts[] = {{"warc", no_argument, NULL, 'W'},
                                          {"output", required_argument, NULL, 'o'},
                                          {"quiet", no_argument, NULL, 'q'},
                                          {"help", no_argument, NULL, 'h'},
                                          {NULL, 0, NULL, 0}};
    const char *out = NULL, *in;
    char *tmp = NULL;
    int warc = 0, c, e, st;
    quire_reader *r;
    quire_warc_summary sum;
    xout x;
    quire_diag d;
    FILE *f;
    optind = 1;
    while ((c = getopt_long(argc, argv, "o:qh", opts, NULL)) != -1) {
        switch (c) {
        case 'W': warc = 1; break;
        case 'o': out = optarg; break;
        case 'q': quiet = 1; break;
        case 'h': fputs(export_help, stdout); return EXIT_VALID;
        default: fputs(export_help, stderr); return EXIT_USAGE;
        }
    }
    if (!warc || out == NULL || optind + 1 != argc) {
        fprintf(stderr, "%s: export: give --warc, -o OUT and one ARCHIVE\n\n%s", prog,
                export_help);
        return EXIT_USAGE;
    }
    in = argv[optind];
    if ((st = open_archive(in, &r)) != 0) {
        return st;
    }
    if (strcmp(out, "-") == 0) {
        f = stdout;
    } else {
        size_t n = strlen(out) + 16;
        tmp = (char *)xmalloc(n);
        snprintf(tmp, n, "%s.tmp%ld", out, (long)getpid());
        f = fopen(tmp, "wb");
        if (f == NULL) {
            fprintf(stderr, "%s: %s: %s\n", prog, tmp, strerror(errno));
            free(tmp);
            quire_reader_free(r);
            return EXIT_USAGE;
        }
    }
    memset(&d, 0, sizeof d);
    memset(&x, 0, sizeof x);
    x.f = f;
    x.sum = &sum;
    quire_reader_stat(r, QUIRE_STAT_ARTICLES, &x.count);
    /* progress on a terminal, unless the WARC goes to that terminal */
    x.show = !quiet && is_tty(stderr) && (f != stdout || !is_tty(stdout));
    e = quire_warc_export(r, file_write, &x, &sum, &d);
    if (x.show && e == QUIRE_OK) {
        progress_show("export", sum.articles, x.count);
    }
    progress_clear();
    st = e == QUIRE_OK ? EXIT_VALID : report(in, e, &d);
    if (f != stdout) {
        if (fclose(f) != 0 && st == EXIT_VALID) {
            fprintf(stderr, "%s: %s: %s\n", prog, out, strerror(errno));
            st = EXIT_USAGE;
        }
        if (st == EXIT_VALID && rename(tmp, out) != 0) {
            fprintf(stderr, "%s: %s: %s\n", prog, out, strerror(errno));
            st = EXIT_USAGE;
        }
        if (st != EXIT_VALID) {
            unlink(tmp);
        }
        free(tmp);
    } else if (fflush(stdout) != 0 && st == EXIT_VALID) {
        st = EXIT_USAGE;
    }
    if (st == EXIT_VALID && !quiet) {
        fprintf(stderr, "%s: exported %llu articles as %llu WARC records\n", prog,
                (unsigned long long)sum.articles, (unsigned long long)sum.records);
    }
    quire_reader_free(r);
    return st;
}
