/* pack.c - quire pack. */
#define _DEFAULT_SOURCE
#include <dirent.h>
#include <fcntl.h>
#include <limits.h>
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "password.h"

static const char pack_help[] =
    "usage: quire pack -o OUT [--from jsonl|text|warc] [--block-size BYTES] [--level 0-9]\n"
    "                  [--sign SECFILE [--role ROLE]] [--publisher-key SECFILE]\n"
    "                  [--comment TEXT] [--time now|DATE|SECONDS] [--archive-id HEX] [-q]\n"
    "                  INPUT...\n"
    "\n"
    "Pack articles into a new archive OUT ('-o -' writes to standard output).\n"
    "\n"
    "Inputs are files, directories (their files, recursively, in name order) or '-'\n"
    "for standard input. The input format is chosen by --from, else by the file name:\n"
    "*.jsonl, *.ndjson and *.json (and '-') are JSON Lines, *.warc and *.warc.gz\n"
    "are WARC, anything else is text.\n"
    "\n"
    "  JSON Lines  one article per line: id, title, date, url, authors, language,\n"
    "              source, text, ... map to standard fields; every other key is kept\n"
    "              as an extension field. A line that is not valid JSON or not UTF-8\n"
    "              is reported with its line number and skipped; the rest is packed.\n"
    "  text        the whole file is the article body, byte for byte; a leading\n"
    "              'date YYYY-MM-DD' sets the published date; the file name is kept.\n"
    "  WARC        WARC/1.0, 1.1 or 0.17, uncompressed or gzip (per record or\n"
    "              whole). Each response, resource or revisit record with an HTML\n"
    "              or text payload is an article: the record kept byte for byte\n"
    "              (parts warc-header, warc-block), its id, date, URI, IP and\n"
    "              payload digest as fields (the digest checked; a mismatch is\n"
    "              reported and recorded), title, authors, dates, language, ...\n"
    "              from the HTML and its main text as the body. Request, metadata\n"
    "              and warcinfo records are kept with their article. Each broken\n"
    "              record is reported with its offset and reason; records that\n"
    "              are not articles (images, scripts, ...) are counted.\n"
    "              ARC files are refused. --publisher-key does not apply.\n"
    "\n"
    ;
/* the rest of pack --help (one literal would pass the 4095 bytes C requires) */
static const char pack_help_options[] =
    "options:\n"
    "  -o, --output OUT       archive to write (required); written to a temporary\n"
    "                         file and renamed into place when complete\n"
    "  -f, --from FORMAT      jsonl, text or warc, for every input\n"
    "  -b, --block-size BYTES target uncompressed block size, 1024..67108864\n"
    "                         (default 65536: with the dictionary, as small as\n"
    "                         262144 without, and a quarter of the bytes to inflate\n"
    "                         per random access; see README, Performance)\n"
    "  -l, --level N          zlib level, 0 (stored) to 9 (default 6)\n"
    "  -s, --sign SECFILE     seal the archive with this minisign secret key (asks\n"
    "                         for its password when it has one)\n"
    "  -r, --role ROLE        the signer's role: archivist (default), publisher,\n"
    "                         witness or a name\n"
    "  --publisher-key SECFILE  sign every article's content as its publisher\n"
    "  --comment TEXT         a comment stored in the signed checkpoint\n"
    "  --time T               the checkpoint time: now, a date, or seconds since\n"
    "                         1970 (default: SOURCE_DATE_EPOCH if set, else not\n"
    "                         stated, which keeps the output deterministic)\n"
    "  --archive-id HEX       32 hex digits (default: derived from the content)\n"
    "  --no-dictionary        no preset dictionary (default: from 2 MiB of\n"
    "                         records, 32 KiB taken from the first block, stored\n"
    "                         once, committed in the seal)\n"
    "  --no-dedup             store every part in full (default: a part of 64 bytes\n"
    "                         or more equal to one of an earlier article is stored\n"
    "                         once and referred to; readers see it in full)\n"
    "  -j, --threads N        blocks compressed in parallel (default: the number of\n"
    "                         cores); the archive is the same bytes for every N\n"
    "  -q, --quiet            no progress or summary on standard error\n"
    "  -v, --verbose          WARC: also list each record that is not an article\n"
    "                         (images, scripts, their requests; counted otherwise)\n"
    "  -h, --help             this help\n"
    "\n"
    "Every archive ends with a seal: a checkpoint statement holding the Merkle root\n"
    "of all record digests, signed with --sign (unsigned otherwise).\n"
    "\n"
    "Exit status: 0 all packed, 1 some inputs or lines were skipped (the archive\n"
    "holds the rest), 2 usage or I/O error (no archive written).\n";

enum { FROM_AUTO, FROM_JSONL, FROM_TEXT, FROM_WARC };

typedef struct pack_state {
    quire_writer *w;
    quire_article *a;
    uint64_t packed;
    uint64_t skipped;
    int progress;
    int quiet;
    int verbose;
    int fatal;
    const char *cur_file;
    const quire_seckey *publisher;
} pack_state;

static void
progress(pack_state *s)
{
    if (s->progress && s->packed % 1000 == 0) {
        fprintf(stderr, "\r%s: packed %llu articles", prog, (unsigned long long)s->packed);
    }
}

/* Adds s->a; returns 0, or 1 for a rejected article, or -1 fatal. */
static int
add_article(pack_state *s, const char *file, uint64_t line)
{
    quire_diag d;
    int e;
    memset(&d, 0, sizeof d);
    if (s->publisher != NULL && (e = quire_article_sign_publisher(s->a, s->publisher)) != 0) {
        report(file, e, NULL);
        s->fatal = 1;
        return -1;
    }
    e = quire_writer_add(s->w, s->a, NULL, &d);
    if (e == QUIRE_OK) {
        s->packed++;
        progress(s);
        return 0;
    }
    if (e == QUIRE_E_LIMIT) {
        if (line != 0) {
            warnx_("%s:%llu: article too large, skipped [%s]", file, (unsigned long long)line,
                   quire_error_name(e));
        } else {
            warnx_("%s: article too large, skipped [%s]", file, quire_error_name(e));
        }
        s->skipped++;
        return 1;
    }
    report(file, e, &d);
    s->fatal = 1;
    return -1;
}

static int
pack_jsonl(pack_state *s, const char *path)
{
    FILE *f = strcmp(path, "-") == 0 ? stdin : fopen(path, "rb");
    const char *name = strcmp(path, "-") == 0 ? "<stdin>" : path;
    char *line = NULL;
    size_t cap = 0;
    ssize_t n;
    uint64_t lineno = 0;
    if (f == NULL) {
        fprintf(stderr, "%s: %s: %s\n", prog, path, strerror(errno));
        s->fatal = 1;
        return -1;
    }
    while ((n = getline(&line, &cap, f)) >= 0) {
        size_t len = (size_t)n, i;
        quire_diag d;
        int e;
        char *text = line;
        lineno++;
        while (len > 0 && (text[len - 1] == '\n' || text[len - 1] == '\r')) {
            len--;
        }
        if (lineno == 1 && len >= 3 && memcmp(text, "\xEF\xBB\xBF", 3) == 0) {
            text += 3; /* a UTF-8 byte order mark before the first line */
            len -= 3;
        }
        for (i = 0; i < len && (text[i] == ' ' || text[i] == '\t'); i++) {
        }
        if (i == len) {
            continue; /* blank line */
        }
        memset(&d, 0, sizeof d);
        e = quire_article_from_json(s->a, text, len, &d);
        if (e != QUIRE_OK) {
            fprintf(stderr, "%s: ", prog);
            put_safe(stderr, name, strlen(name));
            fprintf(stderr, ":%llu: column %llu: %s: %s, line skipped [%s]\n",
                    (unsigned long long)lineno, (unsigned long long)d.offset + 1,
                    d.what != NULL ? d.what : "JSON", quire_strerror(e), quire_error_name(e));
            if (quire_error_class(e) == QUIRE_CLASS_RESOURCE) {
                s->fatal = 1;
                break;
            }
            s->skipped++;
            continue;
        }
        if (add_article(s, name, lineno) < 0) {
            break;
        }
    }
    if (!s->fatal && ferror(f)) {
        fprintf(stderr, "%s: %s: read error: %s\n", prog, name, strerror(errno));
        s->fatal = 1;
    }
    free(line);
    if (f != stdin) {
        fclose(f);
    }
    return s->fatal ? -1 : 0;
}

static int
pack_text(pack_state *s, const char *path)
{
    uint8_t *buf = NULL;
    size_t len = 0;
    quire_diag d;
    int e;
    if (read_file(path, &buf, &len) != 0) {
        fprintf(stderr, "%s: %s: %s\n", prog, path, strerror(errno));
        s->fatal = 1;
        return -1;
    }
    memset(&d, 0, sizeof d);
    e = quire_article_from_text(s->a, strcmp(path, "-") == 0 ? NULL : path, buf, len, &d);
    free(buf);
    if (e != QUIRE_OK) {
        report(path, e, &d);
        s->skipped++;
        return 0;
    }
    return add_article(s, path, 0) < 0 ? -1 : 0;
}

/* WARC events: every record not imported, and notes, on standard error */
static int
warc_event(void *ctx, const quire_warc_event *ev)
{
    pack_state *s = (pack_state *)ctx;
    if (ev->kind == QUIRE_WARC_ARTICLE) {
        s->packed++;
        progress(s);
        return 0;
    }
    if (ev->kind == QUIRE_WARC_OMITTED && !s->verbose) {
        return 0; /* counted in the summary; listed with --verbose */
    }
    if (s->progress) {
        fputc('\n', stderr);
    }
    fprintf(stderr, "%s: ", prog);
    put_safe(stderr, s->cur_file, strlen(s->cur_file));
    fprintf(stderr, ": offset %llu: record %llu: %s: ", (unsigned long long)ev->offset,
            (unsigned long long)ev->record, ev->what != NULL ? ev->what : "record");
    if (ev->kind == QUIRE_WARC_NOTE) {
        fputs("note: ", stderr);
    } else if (ev->kind == QUIRE_WARC_OMITTED) {
        fputs("omitted: ", stderr);
    }
    put_safe(stderr, ev->message, strlen(ev->message));
    if (ev->code != 0) {
        fprintf(stderr, " [%s]", quire_error_name(ev->code));
    }
    fputc('\n', stderr);
    return 0;
}

static int
pack_warc(pack_state *s, const char *path)
{
    quire_warc_summary sum;
    quire_diag d;
    int e;
    if (strcmp(path, "-") == 0) {
        fprintf(stderr, "%s: WARC input must be a file, not standard input\n", prog);
        s->fatal = 1;
        return -1;
    }
    memset(&d, 0, sizeof d);
    s->cur_file = path;
    e = quire_warc_import(s->w, path, warc_event, s, &sum, &d);
    if (e == QUIRE_E_FEATURE) {
        report(path, e, &d); /* ARC, zstd: refused with the reason */
        s->skipped++;
        return 0;
    }
    if (e != QUIRE_OK) {
        report(path, e, &d);
        s->fatal = 1;
        return -1;
    }
    s->skipped += sum.skipped;
    if (s->progress || !s->quiet) {
        if (s->progress) {
            fputc('\n', stderr);
        }
        fprintf(stderr, "%s: ", prog);
        put_safe(stderr, path, strlen(path));
        fprintf(stderr,
                ": %llu records: %llu articles (%llu revisits), %llu request/metadata records "
                "kept with them, %llu not articles (omitted%s), %llu broken (skipped); "
                "payload digests: %llu ok, %llu mismatched, %llu absent, %llu not checked\n",
                (unsigned long long)sum.records, (unsigned long long)sum.articles,
                (unsigned long long)sum.revisits, (unsigned long long)sum.attached,
                (unsigned long long)sum.omitted,
                sum.omitted > 0 && !s->verbose ? "; --verbose lists them" : "",
                (unsigned long long)sum.skipped, (unsigned long long)sum.digest_ok,
                (unsigned long long)sum.digest_mismatch, (unsigned long long)sum.digest_absent,
                (unsigned long long)sum.digest_unchecked);
    }
    return 0;
}

static int
has_suffix(const char *s, const char *suf)
{
    size_t n = strlen(s), m = strlen(suf);
    return n >= m && strcmp(s + n - m, suf) == 0;
}

/* The inputs, expanded before the output is created: a directory listed
 * while the archive is being written would otherwise contain its
 * temporary file. */
typedef struct input {
    char *path;
    int from;
} input;

typedef struct input_list {
    input *v;
    size_t n, cap;
    dev_t out_dev;
    ino_t out_ino;
    int out_exists;
} input_list;

static void
add_input(input_list *l, const char *path, int from)
{
    if (l->n == l->cap) {
        l->cap = l->cap != 0 ? l->cap * 2 : 64;
        l->v = (input *)xrealloc(l->v, l->cap * sizeof *l->v);
    }
    if (from == FROM_AUTO && (has_suffix(path, ".warc") || has_suffix(path, ".warc.gz") ||
                              has_suffix(path, ".arc") || has_suffix(path, ".arc.gz"))) {
        from = FROM_WARC;
    }
    if (from == FROM_AUTO) {
        from = (strcmp(path, "-") == 0 || has_suffix(path, ".jsonl") ||
                has_suffix(path, ".ndjson") || has_suffix(path, ".json"))
                   ? FROM_JSONL
                   : FROM_TEXT;
    }
    l->v[l->n].path = xstrdup(path);
    l->v[l->n].from = from;
    l->n++;
}

static int
cmp_str(const void *x, const void *y)
{
    return strcmp(*(char *const *)x, *(char *const *)y);
}

static int expand(input_list *l, const char *path, int from, int top);

static int
expand_dir(input_list *l, const char *path, int from)
{
    DIR *dir = opendir(path);
    struct dirent *de;
    char **names = NULL;
    size_t n = 0, cap = 0, i;
    int rc = 0;
    if (dir == NULL) {
        fprintf(stderr, "%s: %s: %s\n", prog, path, strerror(errno));
        return -1;
    }
    while ((de = readdir(dir)) != NULL) {
        size_t len;
        if (de->d_name[0] == '.') {
            continue; /* ., .. and hidden files */
        }
        if (n == cap) {
            cap = cap != 0 ? cap * 2 : 64;
            names = (char **)xrealloc(names, cap * sizeof *names);
        }
        len = strlen(path) + strlen(de->d_name) + 2;
        names[n] = (char *)xmalloc(len);
        snprintf(names[n], len, "%s/%s", path, de->d_name);
        n++;
    }
    closedir(dir);
    /* name order keeps the archive independent of the file system */
    qsort(names, n, sizeof *names, cmp_str);
    for (i = 0; i < n; i++) {
        if (rc == 0 && expand(l, names[i], from, 0) < 0) {
            rc = -1;
        }
        free(names[i]);
    }
    free(names);
    return rc;
}

static int
expand(input_list *l, const char *path, int from, int top)
{
    struct stat st;
    if (strcmp(path, "-") == 0) {
        add_input(l, path, from);
        return 0;
    }
    if (stat(path, &st) != 0) {
        fprintf(stderr, "%s: %s: %s\n", prog, path, strerror(errno));
        return -1;
    }
    if (S_ISDIR(st.st_mode)) {
        return expand_dir(l, path, from);
    }
    if (l->out_exists && st.st_dev == l->out_dev && st.st_ino == l->out_ino) {
        /* packing the archive being replaced into itself helps nobody */
        fprintf(stderr, "%s: %s: is the output archive, not packed\n", prog, path);
        return 0;
    }
    if (!top && !S_ISREG(st.st_mode)) {
        return 0; /* sockets, FIFOs and devices found inside a directory */
    }
    add_input(l, path, from);
    return 0;
}

static int
pack_one(pack_state *s, const input *in)
{
    if (in->from == FROM_WARC) {
        return pack_warc(s, in->path);
    }
    return in->from == FROM_JSONL ? pack_jsonl(s, in->path) : pack_text(s, in->path);
}

static void
free_inputs(input_list *l)
{
    size_t i;
    for (i = 0; i < l->n; i++) {
        free(l->v[i].path);
    }
    free(l->v);
}

static const char append_help[] =
    "usage: quire append ARCHIVE [--from jsonl|text|warc] [--block-size BYTES] [--level 0-9]\n"
    "                    [--sign SECFILE [--role ROLE]] [--publisher-key SECFILE]\n"
    "                    [--comment TEXT] [--time now|DATE|SECONDS] [-q] INPUT...\n"
    "\n"
    "Add articles to ARCHIVE as a new checkpoint. New blocks, a new index, a new\n"
    "seal and a new trailer are written after the existing bytes, none of which\n"
    "change. The new seal commits to the previous one (its digest and checkpoint\n"
    "number) and to the new Merkle root; 'quire verify' checks the whole chain.\n"
    "The cost grows with the new articles and the index, not with the file.\n"
    "A part equal to one already in the archive (1 KiB or more; any size from\n"
    "64 bytes within this append) is stored once, as a reference (--no-dedup:\n"
    "store it again).\n"
    "\n"
    "If an earlier append was interrupted, the archive ends with a torn tail\n"
    "after its last complete checkpoint; readers ignore it and append cuts it\n"
    "off first. An append killed at any moment leaves the archive as it was.\n"
    "\n"
    "Inputs and options are those of 'quire pack' (see quire pack --help).\n"
    "\n"
    "Exit status: 0 all appended, 1 some inputs or lines skipped, 2 usage or I/O\n"
    "error (the archive keeps its last complete checkpoint).\n";

static int pack_or_append(int argc, char **argv, int append);

int
cmd_pack(int argc, char **argv)
{
    return pack_or_append(argc, argv, 0);
}

int
cmd_append(int argc, char **argv)
{
    return pack_or_append(argc, argv, 1);
}

static int
pack_or_append(int argc, char **argv, int append)
{
    static const struct option opts[] = {
        {"output", required_argument, NULL, 'o'},  {"from", required_argument, NULL, 'f'},
        {"block-size", required_argument, NULL, 'b'}, {"level", required_argument, NULL, 'l'},
        {"quiet", no_argument, NULL, 'q'},         {"help", no_argument, NULL, 'h'},
        {"sign", required_argument, NULL, 's'},    {"role", required_argument, NULL, 'r'},
        {"publisher-key", required_argument, NULL, 'P'},
        {"comment", required_argument, NULL, 'C'}, {"time", required_argument, NULL, 'T'},
        {"archive-id", required_argument, NULL, 'I'},
        {"threads", required_argument, NULL, 'j'},
        {"no-dictionary", no_argument, NULL, 'D'},
        {"no-dedup", no_argument, NULL, 'U'},
        {"verbose", no_argument, NULL, 'v'},
        {NULL, 0, NULL, 0}};
    int auto_dict = 1, dedup = 1, verbose = 0;
    uint64_t threads = 0;
    const char *signfile = NULL, *rolestr = "archivist", *pubfile = NULL, *comment = NULL;
    const char *timestr = NULL, *idstr = NULL;
    quire_seckey *sign_sk = NULL, *pub_sk = NULL;
    int64_t created = 0;
    uint8_t archive_id[16];
    const char *out = NULL;
    int from = FROM_AUTO, c, i, to_stdout, stdin_uses = 0, out_fd = -1, st0 = 0;
    input_list inputs;
    struct stat ost;
    size_t k;
    uint64_t block = 0, level = 6;
    int have_block = 0;
    pack_state s;
    quire_diag d;
    int e;

    optind = 1;
    while ((c = getopt_long(argc, argv, "o:f:b:l:qvhs:r:j:", opts, NULL)) != -1) {
        switch (c) {
        case 'D': auto_dict = 0; break;
        case 'U': dedup = 0; break;
        case 'v': verbose = 1; break;
        case 'j':
            if (parse_u64(optarg, &threads) != 0 || threads < 1 || threads > 64) {
                fprintf(stderr, "%s: pack: --threads must be 1..64\n", prog);
                return EXIT_USAGE;
            }
            break;
        case 's': signfile = optarg; break;
        case 'r': rolestr = optarg; break;
        case 'P': pubfile = optarg; break;
        case 'C': comment = optarg; break;
        case 'T': timestr = optarg; break;
        case 'I': idstr = optarg; break;
        case 'o': out = optarg; break;
        case 'f':
            if (strcmp(optarg, "jsonl") == 0) {
                from = FROM_JSONL;
            } else if (strcmp(optarg, "text") == 0) {
                from = FROM_TEXT;
            } else if (strcmp(optarg, "warc") == 0) {
                from = FROM_WARC;
            } else {
                fprintf(stderr, "%s: pack: --from must be jsonl, text or warc\n", prog);
                return EXIT_USAGE;
            }
            break;
        case 'b':
            if (parse_u64(optarg, &block) != 0 || block < 1024 || block > ((uint64_t)64 << 20)) {
                fprintf(stderr, "%s: pack: --block-size must be 1024..67108864\n", prog);
                return EXIT_USAGE;
            }
            have_block = 1;
            break;
        case 'l':
            if (parse_u64(optarg, &level) != 0 || level > 9) {
                fprintf(stderr, "%s: pack: --level must be 0..9\n", prog);
                return EXIT_USAGE;
            }
            break;
        case 'q': quiet = 1; break;
        case 'h':
            fputs(append ? append_help : pack_help, stdout);
            if (!append) {
                fputs(pack_help_options, stdout);
            }
            return EXIT_VALID;
        default:
            fputs(append ? append_help : pack_help, stderr);
            if (!append) {
                fputs(pack_help_options, stderr);
            }
            return EXIT_USAGE;
        }
    }
    if (append) {
        if (out != NULL || idstr != NULL) {
            fprintf(stderr, "%s: append: -o and --archive-id do not apply to append\n", prog);
            return EXIT_USAGE;
        }
        if (optind < argc) {
            out = argv[optind++];
        }
        if (out == NULL || optind >= argc) {
            fprintf(stderr, "%s: append: give ARCHIVE and at least one INPUT\n\n%s", prog,
                    append_help);
            return EXIT_USAGE;
        }
    }
    if (out == NULL || optind >= argc) {
        fprintf(stderr, "%s: pack: %s\n\n%s%s", prog,
                out == NULL ? "-o OUT is required" : "no INPUT given", pack_help,
                pack_help_options);
        return EXIT_USAGE;
    }
    for (i = optind; i < argc; i++) {
        stdin_uses += strcmp(argv[i], "-") == 0;
    }
    if (stdin_uses > 1) {
        fprintf(stderr, "%s: pack: '-' (standard input) may be given once\n", prog);
        return EXIT_USAGE;
    }
    if (quire_role_parse(rolestr) < 0 || quire_role_parse(rolestr) == QUIRE_ROLE_ANY) {
        fprintf(stderr, "%s: pack: invalid role '%s' (archivist, publisher, witness or a name)\n",
                prog, rolestr);
        return EXIT_USAGE;
    }
    if (comment != NULL && strlen(comment) > 1024) {
        fprintf(stderr, "%s: pack: --comment is limited to 1024 bytes\n", prog);
        return EXIT_USAGE;
    }
    if (timestr == NULL) {
        timestr = getenv("SOURCE_DATE_EPOCH");
    }
    if (timestr != NULL && parse_time_arg(timestr, &created) != 0) {
        fprintf(stderr, "%s: pack: invalid time '%s' (now, YYYY-MM-DD[Thh:mm:ssZ] or seconds)\n",
                prog, timestr);
        return EXIT_USAGE;
    }
    if (idstr != NULL && parse_hex(idstr, archive_id, 16) != 0) {
        fprintf(stderr, "%s: pack: --archive-id needs 32 hex digits\n", prog);
        return EXIT_USAGE;
    }
    to_stdout = strcmp(out, "-") == 0;
    if (append && to_stdout) {
        fprintf(stderr, "%s: append: ARCHIVE must be a file\n", prog);
        return EXIT_USAGE;
    }
    if (to_stdout && is_tty(stdout)) {
        fprintf(stderr, "%s: pack: refusing to write an archive to a terminal\n", prog);
        return EXIT_USAGE;
    }

    /* expand the inputs before the output exists */
    memset(&inputs, 0, sizeof inputs);
    if (!to_stdout && stat(out, &ost) == 0) {
        inputs.out_exists = 1;
        inputs.out_dev = ost.st_dev;
        inputs.out_ino = ost.st_ino;
    }
    for (i = optind; i < argc; i++) {
        if (expand(&inputs, argv[i], from, 1) < 0) {
            free_inputs(&inputs);
            return EXIT_USAGE;
        }
    }

    if ((signfile != NULL && (st0 = load_seckey(signfile, &sign_sk)) != 0) ||
        (pubfile != NULL && (st0 = load_seckey(pubfile, &pub_sk)) != 0)) {
        quire_seckey_free(sign_sk);
        free_inputs(&inputs);
        return st0;
    }
    memset(&s, 0, sizeof s);
    s.publisher = pub_sk;
    if (quire_writer_new(&s.w, NULL) != 0 || quire_article_new(&s.a, NULL) != 0) {
        die_nomem();
    }
    {
        int role = quire_role_parse(rolestr);
        if ((sign_sk != NULL &&
             quire_writer_add_signer(s.w, sign_sk, role,
                                     role == QUIRE_ROLE_NAMED ? rolestr : NULL) != 0) ||
            quire_writer_set_checkpoint(s.w, created, comment,
                                        comment != NULL ? strlen(comment) : 0) != 0 ||
            (idstr != NULL && quire_writer_set_archive_id(s.w, archive_id) != 0)) {
            fprintf(stderr, "%s: pack: invalid signer, comment or archive id\n", prog);
            quire_writer_free(s.w);
            quire_article_free(s.a);
            quire_seckey_free(sign_sk);
            quire_seckey_free(pub_sk);
            free_inputs(&inputs);
            return EXIT_USAGE;
        }
    }
    if (threads == 0) {
        long nc = sysconf(_SC_NPROCESSORS_ONLN);
        threads = nc < 1 ? 1 : nc > 64 ? 64 : (uint64_t)nc;
    }
    if (!have_block) {
        block = 65536;
    }
    if (quire_writer_set_option(s.w, QUIRE_OPT_BLOCK_SIZE, (int64_t)block) != 0 ||
        quire_writer_set_option(s.w, QUIRE_OPT_LEVEL, (int64_t)level) != 0 ||
        quire_writer_set_option(s.w, QUIRE_OPT_THREADS, (int64_t)threads) != 0 ||
        quire_writer_set_option(s.w, QUIRE_OPT_AUTO_DICT, auto_dict) != 0 ||
        quire_writer_set_option(s.w, QUIRE_OPT_DEDUP, dedup) != 0) {
        fprintf(stderr, "%s: pack: invalid block size or level\n", prog);
        quire_writer_free(s.w);
        quire_article_free(s.a);
        quire_seckey_free(sign_sk);
        quire_seckey_free(pub_sk);
        free_inputs(&inputs);
        return EXIT_USAGE;
    }
    s.progress = !quiet && is_tty(stderr);
    s.quiet = quiet;
    s.verbose = verbose;
    memset(&d, 0, sizeof d);
    errno = 0;
    if (append) {
        e = quire_writer_open_append(s.w, out, &d);
    } else if (to_stdout) {
        e = quire_writer_open_fd(s.w, STDOUT_FILENO, &d);
    } else if (inputs.out_exists && !S_ISREG(ost.st_mode)) {
        /* a FIFO or a device is written in place, never replaced */
        out_fd = open(out, O_WRONLY);
        e = out_fd < 0 ? QUIRE_E_IO : quire_writer_open_fd(s.w, out_fd, &d);
        if (out_fd < 0) {
            d.code = QUIRE_E_IO;
            d.offset = 0;
            d.article = -1;
            d.what = "open output";
            d.detail = NULL;
        }
    } else {
        /* through a symbolic link: replace the file it names, not the link */
        char *real = realpath(out, NULL);
        e = quire_writer_open_file(s.w, real != NULL ? real : out, &d);
        free(real);
    }
    if (e != QUIRE_OK) {
        int st = report(out, e, &d);
        quire_writer_free(s.w);
        quire_article_free(s.a);
        quire_seckey_free(sign_sk);
        quire_seckey_free(pub_sk);
        free_inputs(&inputs);
        if (out_fd >= 0) {
            close(out_fd);
        }
        return st;
    }
    for (k = 0; k < inputs.n && !s.fatal; k++) {
        pack_one(&s, &inputs.v[k]);
    }
    if (s.progress) {
        fputc('\n', stderr);
    }
    if (!s.fatal) {
        memset(&d, 0, sizeof d);
        errno = 0;
        e = quire_writer_finish(s.w, &d);
        if (e != QUIRE_OK) {
            report(out, e, &d);
            s.fatal = 1;
        }
    }
    /* an unfinished writer removes its temporary file */
    quire_writer_free(s.w);
    quire_article_free(s.a);
    quire_seckey_free(sign_sk);
    quire_seckey_free(pub_sk);
    free_inputs(&inputs);
    if (out_fd >= 0 && close(out_fd) != 0 && !s.fatal) {
        fprintf(stderr, "%s: %s: %s\n", prog, out, strerror(errno));
        s.fatal = 1;
    }
    if (s.fatal) {
        return EXIT_USAGE;
    }
    if (!quiet) {
        struct stat st;
        long long size = (!to_stdout && stat(out, &st) == 0) ? (long long)st.st_size : -1;
        fprintf(stderr, "%s: %s %llu article%s", prog, append ? "appended" : "packed",
                (unsigned long long)s.packed,
                s.packed == 1 ? "" : "s");
        if (s.skipped != 0) {
            fprintf(stderr, ", skipped %llu", (unsigned long long)s.skipped);
        }
        if (size >= 0) {
            fprintf(stderr, " into %s (%lld bytes)", out, size);
        }
        fputc('\n', stderr);
    }
    return s.skipped != 0 ? EXIT_INVALID : EXIT_VALID;
}
