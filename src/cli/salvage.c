/* salvage.c - quire salvage: recover the intact articles of a damaged
 * archive into a new, valid archive and name the ones lost. */
#define _DEFAULT_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "password.h"

static const char salvage_help[] =
    "usage: quire salvage DAMAGED -o OUT [--sign SECFILE] [--json] [-q]\n"
    "\n"
    "Recover every intact article of a damaged archive (truncated, bit-rotted,\n"
    "with bytes inserted or overwritten, its header, index or trailer destroyed)\n"
    "into OUT, a new archive that passes 'quire verify', and name every article\n"
    "that could not be recovered.\n"
    "\n"
    "DAMAGED is scanned frame by frame; after damage the scan resynchronizes at\n"
    "the next frame whose CRC-32 matches. Every intact block is decompressed and\n"
    "each record checked: it must decode, and when an intact index lists it, its\n"
    "digest must be the index's. Recovered articles keep their bytes (and\n"
    "digests) and their order; they are numbered 0, 1, 2, ... in OUT. OUT's\n"
    "checkpoint comment records the source, the counts and the last Merkle root\n"
    "an intact seal and index confirm.\n"
    "\n"
    "options:\n"
    "  -o, --output OUT     archive to write (required; '-' for standard output);\n"
    "                       written even when articles were lost\n"
    "  -s, --sign SECFILE   seal OUT with this minisign secret key, as archivist\n"
    "                       (asks for its password when it has one)\n"
    "  --json               JSON Lines on standard output: one object per damaged\n"
    "                       range, recovered run, lost article or range and note,\n"
    "                       then a summary\n"
    "  -q, --quiet          print nothing but errors\n"
    "  -h, --help           this help\n"
    "\n"
    "Each article that could not be recovered is named on standard error:\n"
    "  quire: DAMAGED: article N lost (block at offset X damaged: REASON) [CODE]\n"
    "then a summary: 'recovered K of N articles'.\n"
    "\n"
    "Exit status: 0 every article recovered (an intact index, trailer or seal\n"
    "states the count), 1 some articles lost or the count unknown (OUT is still\n"
    "written), 2 usage or I/O error.\n";

typedef struct sctx {
    const char *file;
    int json;
} sctx;

static const char *
code_name(int code)
{
    return code != 0 ? quire_error_name(code) : "QUIRE_OK";
}





static const char *
kind_name(int kind)
{
    switch (kind) {
    case QUIRE_SALVAGE_DAMAGE: return "damage";
    case QUIRE_SALVAGE_RECOVERED: return "recovered";
    case QUIRE_SALVAGE_LOST: return "lost";
    default: return "note";
    }
}

static int
on_item(void *ctx, const quire_salvage_item *it)
{
    const sctx *c = (const sctx *)ctx;
    if (quiet) {
        return 0;
    }
    if (c->json) {
        printf("{\"type\":\"%s\",\"code\":\"%s\",\"offset\":%llu", kind_name(it->kind),
               code_name(it->code), (unsigned long long)it->offset);
        switch (it->kind) {
        case QUIRE_SALVAGE_DAMAGE:
            printf(",\"length\":%llu", (unsigned long long)it->length);
            break;
        case QUIRE_SALVAGE_RECOVERED:
            printf(",\"article\":%llu,\"count\":%llu,\"output_article\":%llu",
                   (unsigned long long)it->article, (unsigned long long)it->count,
                   (unsigned long long)it->out_article);
            break;
        case QUIRE_SALVAGE_LOST:
            printf(",\"article\":%llu,\"count\":%llu,\"numbers_verified\":%s,\"digest\":",
                   (unsigned long long)it->article, (unsigned long long)it->count,
                   it->numbers_verified ? "true" : "false");
            if (it->digest != NULL) {
                putchar('"');
                hex_put(stdout, it->digest, 32);
                putchar('"');
            } else {
                printf("null");
            }
            printf(",\"url\":");
            if (it->url != NULL) {
                json_put(stdout, it->url, it->url_len);
            } else {
                printf("null");
            }
            break;
        default: break;
        }
        printf(",\"what\":");
        json_cstr(stdout, it->what);
        printf(",\"message\":");
        json_cstr(stdout, it->message);
        printf("}\n");
        return 0;
    }
    switch (it->kind) {
    case QUIRE_SALVAGE_RECOVERED: return 0;
    case QUIRE_SALVAGE_LOST:
        fprintf(stderr, "%s: ", prog);
        put_safe(stderr, c->file, strlen(c->file));
        if (it->count == 1) {
            fprintf(stderr, ": article %llu lost (", (unsigned long long)it->article);
        } else {
            fprintf(stderr, ": articles %llu..%llu lost (", (unsigned long long)it->article,
                    (unsigned long long)(it->article + it->count - 1));
        }
        put_safe(stderr, it->message, strlen(it->message));
        if (it->url != NULL) {
            fputs("; URL from an unverified copy: ", stderr);
            put_safe(stderr, it->url, it->url_len);
        }
        fprintf(stderr, ") [%s]\n", code_name(it->code));
        return 0;
    default:
        fprintf(stderr, "%s: ", prog);
        put_safe(stderr, c->file, strlen(c->file));
        fputs(it->kind == QUIRE_SALVAGE_NOTE ? ": note: " : ": ", stderr);
        put_safe(stderr, it->message, strlen(it->message));
        fprintf(stderr, " [%s]\n", code_name(it->code));
        return 0;
    }
}

/* The damaged file, mapped (regular files) or read (pipes, '-'). */
typedef struct input {
    uint8_t *buf;
    size_t len;
    void *map;
} input;

static int
read_input(const char *path, input *in)
{
    struct stat st;
    int fd;
    memset(in, 0, sizeof *in);
    if (strcmp(path, "-") != 0 && stat(path, &st) == 0 && S_ISREG(st.st_mode) && st.st_size > 0 &&
        (uint64_t)st.st_size <= (uint64_t)SIZE_MAX) {
        fd = open(path, O_RDONLY);
        if (fd < 0) {
            return -1;
        }
        in->map = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
        close(fd);
        if (in->map != MAP_FAILED) {
            in->buf = (uint8_t *)in->map;
            in->len = (size_t)st.st_size;
            return 0;
        }
        in->map = NULL;
    }
    return read_file(path, &in->buf, &in->len);
}

static void
free_input(input *in)
{
    if (in->map != NULL) {
        munmap(in->map, in->len);
    } else {
        free(in->buf);
    }
}

static void
print_summary(const sctx *c, const char *out, const quire_salvage_report *r, int status)
{
    if (quiet) {
        return;
    }
    if (c->json) {
        printf("{\"type\":\"summary\",\"file\":");
        json_cstr(stdout, c->file);
        printf(",\"output\":");
        json_cstr(stdout, out);
        printf(",\"source_bytes\":%llu,\"header_ok\":%s,\"frames\":%llu,\"damaged_ranges\":%llu,"
               "\"damaged_bytes\":%llu,\"blocks\":%llu,\"index\":%s,\"index_articles\":%llu,"
               "\"recovered\":%llu,\"verified\":%llu,\"lost\":%llu,\"total\":%llu,"
               "\"total_known\":%s,\"truncated\":%s,\"scan_budget_spent\":%s,"
               "\"last_verified_root\":",
               (unsigned long long)r->source_bytes, r->header_ok ? "true" : "false",
               (unsigned long long)r->frames, (unsigned long long)r->damaged_ranges,
               (unsigned long long)r->damaged_bytes, (unsigned long long)r->blocks,
               r->has_index ? "true" : "false", (unsigned long long)r->index_articles,
               (unsigned long long)r->recovered, (unsigned long long)r->verified,
               (unsigned long long)r->lost, (unsigned long long)r->total,
               r->total_known ? "true" : "false", r->truncated ? "true" : "false",
               r->scan_budget_spent ? "true" : "false");
        if (r->has_verified_root) {
            putchar('"');
            hex_put(stdout, r->verified_root, 32);
            printf("\",\"verified_tree_size\":%llu,\"verified_checkpoint\":%llu",
                   (unsigned long long)r->verified_tree_size,
                   (unsigned long long)r->verified_checkpoint);
        } else {
            printf("null");
        }
        printf(",\"comment\":");
        json_put(stdout, r->comment, r->comment_len);
        printf(",\"exit\":%d}\n", status);
        return;
    }
    fprintf(stderr, "%s: ", prog);
    put_safe(stderr, c->file, strlen(c->file));
    if (r->total_known) {
        fprintf(stderr, ": recovered %llu of %llu articles", (unsigned long long)r->recovered,
                (unsigned long long)r->total);
    } else {
        fprintf(stderr, ": recovered %llu of at least %llu articles (the total is unknown)",
                (unsigned long long)r->recovered, (unsigned long long)r->total);
    }
    if (r->lost != 0) {
        fprintf(stderr, ", %llu lost", (unsigned long long)r->lost);
    }
    fprintf(stderr, "; %llu verified against an index digest; written to ",
            (unsigned long long)r->verified);
    put_safe(stderr, out, strlen(out));
    fputc('\n', stderr);
    if (r->has_verified_root) {
        fprintf(stderr,
                "%s: last checkpoint confirmed by an intact seal and index: %llu articles, "
                "root ",
                prog, (unsigned long long)r->verified_tree_size);
        {
            size_t i;
            for (i = 0; i < 32; i++) {
                fprintf(stderr, "%02x", r->verified_root[i]);
            }
        }
        fputc('\n', stderr);
    }
}

int
cmd_salvage(int argc, char **argv)
{
    enum { O_JSON = 256 };
    static const struct option opts[] = {
        {"output", required_argument, NULL, 'o'}, {"sign", required_argument, NULL, 's'},
        {"json", no_argument, NULL, O_JSON},      {"quiet", no_argument, NULL, 'q'},
        {"help", no_argument, NULL, 'h'},         {NULL, 0, NULL, 0}};
    const char *out = NULL, *signfile = NULL, *timestr;
    quire_seckey *sk = NULL;
    quire_writer *w = NULL;
    quire_salvage_report rep;
    quire_diag d;
    input in;
    sctx ctx;
    struct stat ist, ost;
    int c, st, e, to_stdout;

    memset(&ctx, 0, sizeof ctx);
    optind = 1;
    while ((c = getopt_long(argc, argv, "o:s:qh", opts, NULL)) != -1) {
        switch (c) {
        case 'o': out = optarg; break;
        case 's': signfile = optarg; break;
        case O_JSON: ctx.json = 1; break;
        case 'q': quiet = 1; break;
        case 'h': fputs(salvage_help, stdout); return EXIT_VALID;
        default: fputs(salvage_help, stderr); return EXIT_USAGE;
        }
    }
    if (optind + 1 != argc || out == NULL) {
        fprintf(stderr, "%s: salvage: %s\n\n%s", prog,
                out == NULL ? "-o OUT is required" : "expected one DAMAGED archive", salvage_help);
        return EXIT_USAGE;
    }
    ctx.file = argv[optind];
    to_stdout = strcmp(out, "-") == 0;
    if (to_stdout && (ctx.json || is_tty(stdout))) {
        fprintf(stderr, "%s: salvage: %s\n", prog,
                ctx.json ? "--json and '-o -' both use standard output"
                         : "refusing to write an archive to a terminal");
        return EXIT_USAGE;
    }
    /* salvaging a file onto itself would destroy the evidence */
    if (!to_stdout && strcmp(ctx.file, "-") != 0 && stat(ctx.file, &ist) == 0 &&
        stat(out, &ost) == 0 && ist.st_dev == ost.st_dev && ist.st_ino == ost.st_ino) {
        fprintf(stderr, "%s: salvage: OUT must not be the damaged archive itself\n", prog);
        return EXIT_USAGE;
    }
    timestr = getenv("SOURCE_DATE_EPOCH");
    if (signfile != NULL && (st = load_seckey(signfile, &sk)) != 0) {
        return st;
    }
    if (read_input(ctx.file, &in) != 0) {
        fprintf(stderr, "%s: ", prog);
        put_safe(stderr, ctx.file, strlen(ctx.file));
        fprintf(stderr, ": %s\n", strerror(errno));
        quire_seckey_free(sk);
        return EXIT_USAGE;
    }
    if (quire_writer_new(&w, NULL) != 0) {
        die_nomem();
    }
    if (sk != NULL && quire_writer_add_signer(w, sk, QUIRE_ROLE_ARCHIVIST, NULL) != 0) {
        fprintf(stderr, "%s: salvage: invalid signer\n", prog);
        st = EXIT_USAGE;
        goto out;
    }
    memset(&d, 0, sizeof d);
    errno = 0;
    if (to_stdout) {
        e = quire_writer_open_fd(w, STDOUT_FILENO, &d);
    } else {
        char *real = realpath(out, NULL);
        e = quire_writer_open_file(w, real != NULL ? real : out, &d);
        free(real);
    }
    if (e != QUIRE_OK) {
        st = report(out, e, &d);
        goto out;
    }
    memset(&d, 0, sizeof d);
    errno = 0;
    e = quire_salvage(in.buf, in.len, ctx.file, w, on_item, &ctx, &rep, &d);
    if (e != QUIRE_OK) {
        st = report(out, e, &d);
        st = st == EXIT_VALID ? EXIT_USAGE : st;
        goto out;
    }
    if (timestr != NULL) {
        int64_t t;
        if (parse_time_arg(timestr, &t) != 0 ||
            quire_writer_set_checkpoint(w, t, rep.comment, rep.comment_len) != 0) {
            fprintf(stderr, "%s: salvage: invalid SOURCE_DATE_EPOCH '%s'\n", prog, timestr);
            st = EXIT_USAGE;
            goto out;
        }
    }
    memset(&d, 0, sizeof d);
    errno = 0;
    if ((e = quire_writer_finish(w, &d)) != QUIRE_OK) {
        st = report(out, e, &d);
        st = EXIT_USAGE;
        goto out;
    }
    st = rep.lost == 0 && rep.total_known ? EXIT_VALID : EXIT_INVALID;
    print_summary(&ctx, out, &rep, st);
    if (fflush(stdout) != 0 && st != EXIT_USAGE) {
        fprintf(stderr, "%s: salvage: write error: %s\n", prog, strerror(errno));
        st = EXIT_USAGE;
    }
out:
    /* an unfinished writer removes its temporary file */
    quire_writer_free(w);
    quire_seckey_free(sk);
    free_input(&in);
    return st;
}
