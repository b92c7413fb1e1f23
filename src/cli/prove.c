/* prove.c - quire prove, quire verify-proof, and cat on a proof file. */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"

/* ====================================================================== */
/* helpers */



/* Writes buf to path through a temporary file in the same directory,
 * renamed into place when complete; "-" is standard output. */
static int
write_output(const char *path, const uint8_t *buf, size_t len)
{
    char *tmp;
    size_t n;
    FILE *f;
    mode_t mask;
    int fd;
    if (strcmp(path, "-") == 0) {
        if (write_all(stdout, buf, len) != 0 || fflush(stdout) != 0) {
            fprintf(stderr, "%s: prove: write error: %s\n", prog, strerror(errno));
            return EXIT_USAGE;
        }
        return 0;
    }
    n = strlen(path);
    tmp = (char *)xmalloc(n + 16);
    memcpy(tmp, path, n);
    memcpy(tmp + n, ".tmp.XXXXXX", 12);
    mask = umask(0); /* a proof is public: 0666 less the umask, not mkstemp's 0600 */
    umask(mask);
    fd = mkstemp(tmp);
    if (fd < 0) {
        fprintf(stderr, "%s: ", prog);
        put_safe(stderr, path, n);
        fprintf(stderr, ": cannot create: %s\n", strerror(errno));
        free(tmp);
        return EXIT_USAGE;
    }
    f = fdopen(fd, "wb");
    if (f == NULL || write_all(f, buf, len) != 0 || fflush(f) != 0 || fsync(fileno(f)) != 0 ||
        fchmod(fileno(f), 0666 & ~mask) != 0) {
        int e = errno;
        if (f != NULL) {
            fclose(f);
        } else {
            close(fd);
        }
        unlink(tmp);
        fprintf(stderr, "%s: ", prog);
        put_safe(stderr, path, n);
        fprintf(stderr, ": write error: %s\n", strerror(e));
        free(tmp);
        return EXIT_USAGE;
    }
    if (fclose(f) != 0 || rename(tmp, path) != 0) {
        int e = errno;
        unlink(tmp);
        fprintf(stderr, "%s: ", prog);
        put_safe(stderr, path, n);
        fprintf(stderr, ": %s\n", strerror(e));
        free(tmp);
        return EXIT_USAGE;
    }
    free(tmp);
    return 0;
}

/* ====================================================================== */
/* prove */

static const char prove_help[] =
    "usage: quire prove ARCHIVE (N | --url URL) -o FILE [--consistency-from SIZE] [-q]\n"
    "\n"
    "Write a proof file for one article of ARCHIVE: a small standalone file that\n"
    "shows, to anyone holding only a public key, that the article is exactly what\n"
    "the archive's signed checkpoint covers (spec/PROOF.md).\n"
    "\n"
    "The proof holds the article's canonical record (its metadata and every part,\n"
    "byte for byte), the Merkle inclusion path from its record digest to the root\n"
    "of the archive's latest checkpoint (RFC 9162; at most ceil(log2 n) hashes for\n"
    "n articles), and that checkpoint's seal: the statement and every signature,\n"
    "exactly as stored in the archive. The record's digest is checked against the\n"
    "index, and the proof against the sealed root, before anything is written.\n"
    "\n"
    "The article is chosen by its number N (0-based, as 'quire ls' shows) or by its\n"
    "canonical or capture URL.\n"
    "\n"
    "options:\n"
    "  -o, --output FILE         the proof file to write (required; '-' for standard\n"
    "                            output); written to a temporary file and renamed\n"
    "                            into place when complete\n"
    "  -u, --url URL             the article with this URL\n"
    "  --consistency-from SIZE   also prove that the tree of the first SIZE articles\n"
    "                            (an earlier checkpoint, 1..n) is a prefix of this\n"
    "                            checkpoint's tree (RFC 9162 consistency path);\n"
    "                            'quire verify-proof OLD --later THIS' checks it\n"
    "  -q, --quiet               print nothing on success\n"
    "  -h, --help                this help\n"
    "\n"
    "Check a proof with 'quire verify-proof FILE -p PUBFILE'; read its article with\n"
    "'quire cat FILE'.\n"
    "Exit status: 0 written, 1 the archive is invalid or has no such article,\n"
    "2 usage or I/O error.\n";

int
cmd_prove(int argc, char **argv)
{
    enum { O_CONS = 256 };
    static const struct option opts[] = {{"output", required_argument, NULL, 'o'},
                                         {"url", required_argument, NULL, 'u'},
                                         {"consistency-from", required_argument, NULL, O_CONS},
                                         {"quiet", no_argument, NULL, 'q'},
                                         {"help", no_argument, NULL, 'h'},
                                         {NULL, 0, NULL, 0}};
    const char *output = NULL, *url = NULL, *path;
    uint64_t n = 0, cfrom = 0, count = 0;
    quire_reader *r = NULL;
    quire_diag d;
    uint8_t *buf = NULL;
    size_t len = 0;
    int c, st, e;
    optind = 1;
    while ((c = getopt_long(argc, argv, "o:u:qh", opts, NULL)) != -1) {
        switch (c) {
        case 'o': output = optarg; break;
        case 'u': url = optarg; break;
        case O_CONS:
            if (parse_u64(optarg, &cfrom) != 0 || cfrom == 0) {
                fprintf(stderr, "%s: prove: --consistency-from needs a tree size of 1 or more\n",
                        prog);
                return EXIT_USAGE;
            }
            break;
        case 'q': quiet = 1; break;
        case 'h': fputs(prove_help, stdout); return EXIT_VALID;
        default: fputs(prove_help, stderr); return EXIT_USAGE;
        }
    }
    if (optind >= argc || argc - optind > 2 || (url != NULL) == (argc - optind == 2)) {
        fprintf(stderr, "%s: prove: give ARCHIVE and exactly one of N, --url\n\n%s", prog,
                prove_help);
        return EXIT_USAGE;
    }
    if (output == NULL) {
        fprintf(stderr, "%s: prove: give the proof file to write with -o FILE\n\n%s", prog,
                prove_help);
        return EXIT_USAGE;
    }
    path = argv[optind];
    if (argc - optind == 2 && parse_u64(argv[optind + 1], &n) != 0) {
        fprintf(stderr, "%s: prove: '%s' is not an article number\n", prog, argv[optind + 1]);
        return EXIT_USAGE;
    }
    if ((st = open_archive(path, &r)) != 0) {
        return st;
    }
    quire_reader_stat(r, QUIRE_STAT_ARTICLES, &count);
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
    if (n >= count) {
        fprintf(stderr, "%s: %s: no article %llu (the archive has %llu)\n", prog, path,
                (unsigned long long)n, (unsigned long long)count);
        quire_reader_free(r);
        return EXIT_INVALID;
    }
    if (cfrom > count) {
        fprintf(stderr, "%s: prove: --consistency-from %llu: the archive has %llu articles\n", prog,
                (unsigned long long)cfrom, (unsigned long long)count);
        quire_reader_free(r);
        return EXIT_USAGE;
    }
    errno = 0;
    e = quire_prove(r, n, cfrom, &buf, &len, &d);
    quire_reader_free(r);
    if (e != 0) {
        return report(path, e, &d);
    }
    st = write_output(output, buf, len);
    free(buf);
    if (st == 0 && !quiet && strcmp(output, "-") != 0) {
        fprintf(stderr, "%s: ", prog);
        put_safe(stderr, output, strlen(output));
        fprintf(stderr, ": proof of article %llu of %llu, %zu bytes\n", (unsigned long long)n,
                (unsigned long long)count, len);
    }
    return st;
}

/* ====================================================================== */
/* verify-proof */

static const char verify_proof_help[] =
    "usage: quire verify-proof PROOF [-p PUBFILE]... [-P KEY]... [--keyring FILE]\n"
    "                          [--later LATER] [--json] [-q]\n"
    "\n"
    "Check a proof file made by 'quire prove', with public keys only: no archive is\n"
    "needed. Every finding is reported, not only the first.\n"
    "\n"
    "The proof is valid when it is intact (sizes, limits, CRC-32), its record is a\n"
    "well-formed record, the record's BLAKE2b-256 digest and the inclusion path lead\n"
    "to the Merkle root of the signed checkpoint statement, the article lies inside\n"
    "the statement's tree and the statement names the proof's archive, any\n"
    "consistency path fits, and every signature of the seal verifies.\n"
    "\n"
    "Without keys, integrity is checked and the signers are listed as untrusted.\n"
    "With keys (-p, -P, --keyring; each may be given several times and every one\n"
    "counts) the proof is valid only if at least one valid signature is by a\n"
    "trusted key, in a role it is trusted for. Keys given with -p or -P are trusted\n"
    "in any role; a keyring names the role each key is trusted for.\n"
    "\n"
    "--later LATER checks, in addition, that LATER (a proof made from a later\n"
    "checkpoint of the same archive, with --consistency-from set to PROOF's tree\n"
    "size) extends PROOF: LATER is verified with the same keys, and its consistency\n"
    "path must lead from PROOF's root to its own. Two proofs of trees of the same\n"
    "size must have the same root.\n"
    "\n"
    "options:\n"
    "  -p, --pubkey-file FILE   a trusted minisign public key file\n"
    "  -P, --pubkey KEY         a trusted minisign public key string\n"
    "  -k, --keyring FILE       trusted keys with roles (lines: ROLE LABEL KEY)\n"
    "  --later LATER            a later proof that must extend PROOF's tree\n"
    "  --json                   JSON Lines on standard output: one object per\n"
    "                           finding, then a summary per proof (and one for\n"
    "                           --later)\n"
    "  -q, --quiet              print nothing; the exit status tells\n"
    "  -h, --help               this help\n"
    "\n"
    "Findings go to standard error as 'quire: FILE: offset N: what: message [CODE]'\n"
    "(offsets in the proof file); signers and the result to standard output.\n"
    "Read the proven article with 'quire cat PROOF'.\n"
    "Exit status: 0 valid, 1 invalid, 2 usage or I/O error.\n";

typedef struct pctx {
    const char *file;
    int json;
} pctx;

static int
on_finding(void *ctx, const quire_finding *f)
{
    const pctx *v = (const pctx *)ctx;
    if (!quiet) {
        print_finding(v->file, f, v->json, FINDING_FILE);
    }
    return 0;
}

static void
print_summary(const pctx *v, const quire_proof_info *s)
{
    if (quiet) {
        return;
    }
    if (v->json) {
        printf("{\"type\":\"summary\",\"file\":");
        json_cstr(stdout, v->file);
        printf(",\"valid\":%s,\"errors\":%llu,\"warnings\":%llu,\"archive_id\":\"",
               s->valid ? "true" : "false", (unsigned long long)s->errors,
               (unsigned long long)s->warnings);
        hex_put(stdout, s->archive_id, 16);
        printf("\",\"article\":%llu,\"digest\":\"", (unsigned long long)s->article);
        hex_put(stdout, s->digest, 32);
        printf("\",\"record_size\":%zu,\"path_length\":%zu,\"checkpoint\":%llu,"
               "\"tree_size\":%llu,\"created\":%lld,\"root\":\"",
               s->record_len, s->path_len, (unsigned long long)s->checkpoint,
               (unsigned long long)s->tree_size, (long long)s->created);
        hex_put(stdout, s->root, 32);
        printf("\",\"consistency_from\":");
        if (s->has_consistency) {
            printf("%llu,\"consistency_length\":%zu,\"old_root\":",
                   (unsigned long long)s->consistency_from, s->consistency_len);
            if (s->old_root_known) {
                putchar('"');
                hex_put(stdout, s->old_root, 32);
                putchar('"');
            } else {
                printf("null");
            }
        } else {
            printf("null,\"consistency_length\":0,\"old_root\":null");
        }
        printf(",\"signatures\":%zu,\"valid_signatures\":%zu,\"trusted_signatures\":%zu}\n",
               s->signatures, s->valid_signatures, s->trusted_signatures);
        return;
    }
    put_safe(stdout, v->file, strlen(v->file));
    printf(": %s: article %llu of %llu in archive ", s->valid ? "valid" : "INVALID",
           (unsigned long long)s->article, (unsigned long long)s->tree_size);
    hex_put(stdout, s->archive_id, 16);
    printf(", checkpoint %llu; %zu path hash%s to root ", (unsigned long long)s->checkpoint,
           s->path_len, s->path_len == 1 ? "" : "es");
    hex_put(stdout, s->root, 32);
    printf("; %zu signature%s (%zu valid, %zu trusted)", s->signatures,
           s->signatures == 1 ? "" : "s", s->valid_signatures, s->trusted_signatures);
    if (s->errors != 0 || s->warnings != 0) {
        printf("; %llu error%s, %llu warning%s", (unsigned long long)s->errors,
               s->errors == 1 ? "" : "s", (unsigned long long)s->warnings,
               s->warnings == 1 ? "" : "s");
    }
    putchar('\n');
}

/* Verifies one proof file; returns EXIT_* and keeps its bytes in *buf. */
static int
verify_one(const char *file, int json, const quire_keyring *kr, uint8_t **buf, size_t *len,
           quire_proof_info *info)
{
    pctx ctx;
    quire_diag d;
    int e;
    *buf = NULL;
    *len = 0;
    if (read_file(file, buf, len) != 0) {
        fprintf(stderr, "%s: ", prog);
        put_safe(stderr, file, strlen(file));
        fprintf(stderr, ": %s\n", strerror(errno));
        return EXIT_USAGE;
    }
    ctx.file = file;
    ctx.json = json;
    memset(&d, 0, sizeof d);
    e = quire_proof_verify_report(*buf, *len, kr, NULL, on_finding, &ctx, info, &d);
    if (e == QUIRE_E_NOMEM || e == QUIRE_E_ARG) {
        return report(file, e, NULL);
    }
    print_summary(&ctx, info);
    return e == QUIRE_OK ? EXIT_VALID : EXIT_INVALID;
}

int
cmd_verify_proof(int argc, char **argv)
{
    enum { O_JSON = 256, O_LATER };
    static const struct option opts[] = {{"pubkey-file", required_argument, NULL, 'p'},
                                         {"pubkey", required_argument, NULL, 'P'},
                                         {"keyring", required_argument, NULL, 'k'},
                                         {"later", required_argument, NULL, O_LATER},
                                         {"json", no_argument, NULL, O_JSON},
                                         {"quiet", no_argument, NULL, 'q'},
                                         {"help", no_argument, NULL, 'h'},
                                         {NULL, 0, NULL, 0}};
    quire_keyring *kr = NULL;
    quire_proof_info io, il;
    const char *later = NULL, *file;
    uint8_t *ob = NULL, *lb = NULL;
    size_t ol = 0, ll = 0;
    int c, st = 0, st2, json = 0;
    if (quire_keyring_new(&kr) != 0) {
        die_nomem();
    }
    optind = 1;
    while (st == 0 && (c = getopt_long(argc, argv, "p:P:k:qh", opts, NULL)) != -1) {
        switch (c) {
        case 'p': st = keyring_add_file(kr, optarg); break;
        case 'P': st = keyring_add_string(kr, optarg); break;
        case 'k': st = keyring_load(kr, optarg); break;
        case O_LATER: later = optarg; break;
        case O_JSON: json = 1; break;
        case 'q': quiet = 1; break;
        case 'h':
            fputs(verify_proof_help, stdout);
            quire_keyring_free(kr);
            return EXIT_VALID;
        default:
            st = EXIT_USAGE;
            fputs(verify_proof_help, stderr);
            break;
        }
    }
    if (st == 0 && optind + 1 != argc) {
        fprintf(stderr, "%s: verify-proof: expected one PROOF\n\n%s", prog, verify_proof_help);
        st = EXIT_USAGE;
    }
    if (st != 0) {
        quire_keyring_free(kr);
        return st;
    }
    file = argv[optind];
    st = verify_one(file, json, kr, &ob, &ol, &io);
    if (later != NULL && st != EXIT_USAGE) {
        st2 = verify_one(later, json, kr, &lb, &ll, &il);
        if (st2 > st) {
            st = st2;
        }
        if (st2 != EXIT_USAGE) {
            quire_diag d;
            int e;
            memset(&d, 0, sizeof d);
            e = quire_proof_check_later(ob, ol, lb, ll, &d);
            if (e == QUIRE_E_NOMEM) {
                st = report(later, e, NULL);
            } else if (e != QUIRE_OK && st == EXIT_VALID) {
                st = EXIT_INVALID;
            }
            /* an error inside either proof is already reported above */
            if (!quiet && e != QUIRE_E_NOMEM &&
                (json || e == QUIRE_OK || e == QUIRE_E_CHAIN || e == QUIRE_E_ARCHIVE_ID)) {
                if (json) {
                    printf("{\"type\":\"later\",\"file\":");
                    json_cstr(stdout, file);
                    printf(",\"later\":");
                    json_cstr(stdout, later);
                    printf(",\"valid\":%s,\"code\":\"%s\",\"value\":%d,\"from\":%llu,\"to\":%llu",
                           e == 0 ? "true" : "false", e != 0 ? quire_error_name(e) : "QUIRE_OK", e,
                           (unsigned long long)io.tree_size, (unsigned long long)il.tree_size);
                    if (e != 0) {
                        printf(",\"offset\":%llu,\"what\":", (unsigned long long)d.offset);
                        json_cstr(stdout, d.what != NULL ? d.what : "");
                        printf(",\"message\":");
                        json_cstr(stdout, d.detail != NULL ? d.detail : quire_strerror(e));
                    }
                    printf("}\n");
                } else if (e == 0) {
                    put_safe(stdout, later, strlen(later));
                    printf(": extends ");
                    put_safe(stdout, file, strlen(file));
                    printf(": the tree of %llu article%s is a prefix of the tree of %llu\n",
                           (unsigned long long)io.tree_size, io.tree_size == 1 ? "" : "s",
                           (unsigned long long)il.tree_size);
                } else {
                    fprintf(stderr, "%s: ", prog);
                    put_safe(stderr, later, strlen(later));
                    fprintf(stderr, ": offset %llu: %s: does not extend ",
                            (unsigned long long)d.offset, d.what != NULL ? d.what : "");
                    put_safe(stderr, file, strlen(file));
                    fprintf(stderr, ": %s [%s]\n", d.detail != NULL ? d.detail : quire_strerror(e),
                            quire_error_name(e));
                }
            }
        }
    }
    if (fflush(stdout) != 0 && st == EXIT_VALID) {
        fprintf(stderr, "%s: verify-proof: write error: %s\n", prog, strerror(errno));
        st = EXIT_USAGE;
    }
    free(ob);
    free(lb);
    quire_keyring_free(kr);
    return st;
}

/* ====================================================================== */
/* cat on a proof file */

int
is_proof_file(const char *path)
{
    uint8_t head[QUIRE_PROOF_MAGIC_LEN];
    FILE *f;
    size_t got;
    if (strcmp(path, "-") == 0 || (f = fopen(path, "rb")) == NULL) {
        return 0; /* cmd_cat reports what is wrong with the path */
    }
    got = fread(head, 1, sizeof head, f);
    fclose(f);
    return quire_proof_is(head, got);
}

int
cat_proof(const char *path, const char *part, int meta)
{
    quire_article *a = NULL;
    quire_diag d;
    quire_part p;
    uint8_t *buf;
    size_t len;
    int e, st = EXIT_VALID;
    if (read_file(path, &buf, &len) != 0) {
        fprintf(stderr, "%s: ", prog);
        put_safe(stderr, path, strlen(path));
        fprintf(stderr, ": %s\n", strerror(errno));
        return EXIT_USAGE;
    }
    if (quire_article_new(&a, NULL) != 0) {
        die_nomem();
    }
    /* integrity (CRC-32, record digest to the sealed root, signatures that
     * verify) but not trust, like cat on an archive: verify-proof -p does */
    memset(&d, 0, sizeof d);
    e = quire_proof_verify(buf, len, NULL, a, NULL, &d);
    free(buf);
    if (e != 0) {
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
        fprintf(stderr, "%s: %s: article %lld has no part '%s'; parts:", prog, path,
                (long long)quire_article_number(a), part);
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
    if (fflush(stdout) != 0 && st == EXIT_VALID) {
        st = EXIT_USAGE;
    }
    if (st == EXIT_USAGE && e == 0) {
        fprintf(stderr, "%s: cat: write error: %s\n", prog, strerror(errno));
    }
    quire_article_free(a);
    return st;
}
