/* verify.c - quire verify and quire sign. */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "password.h"

/* ---- trusted keys from -p, -P and --keyring ---- */

int
keyring_add_file(quire_keyring *kr, const char *path)
{
    uint8_t *buf;
    size_t len;
    quire_pubkey pk;
    quire_diag d;
    int e;
    if (read_file(path, &buf, &len) != 0) {
        fprintf(stderr, "%s: %s: %s\n", prog, path, strerror(errno));
        return EXIT_USAGE;
    }
    memset(&d, 0, sizeof d);
    e = quire_pubkey_parse(&pk, (const char *)buf, len, &d);
    free(buf);
    if (e != 0) {
        report(path, e, &d);
        return EXIT_USAGE;
    }
    e = quire_keyring_add(kr, &pk, path, QUIRE_ROLE_ANY, NULL);
    if (e == QUIRE_E_NOMEM) {
        die_nomem();
    }
    /* the same key given twice is trusted once */
    return 0;
}

int
keyring_add_string(quire_keyring *kr, const char *s)
{
    quire_pubkey pk;
    quire_diag d;
    int e;
    char kid[17];
    memset(&d, 0, sizeof d);
    e = quire_pubkey_parse(&pk, s, strlen(s), &d);
    if (e != 0) {
        report("-P", e, &d);
        return EXIT_USAGE;
    }
    quire_keyid_hex(pk.key_id, kid);
    e = quire_keyring_add(kr, &pk, kid, QUIRE_ROLE_ANY, NULL);
    if (e == QUIRE_E_NOMEM) {
        die_nomem();
    }
    /* the same key given twice is trusted once */
    return 0;
}

int
keyring_load(quire_keyring *kr, const char *path)
{
    uint8_t *buf;
    size_t len;
    quire_diag d;
    int e;
    if (read_file(path, &buf, &len) != 0) {
        fprintf(stderr, "%s: %s: %s\n", prog, path, strerror(errno));
        return EXIT_USAGE;
    }
    memset(&d, 0, sizeof d);
    e = quire_keyring_parse(kr, (const char *)buf, len, &d);
    free(buf);
    if (e != 0) {
        report(path, e, &d);
        return EXIT_USAGE;
    }
    return 0;
}

/* ====================================================================== */
/* verify */

static const char verify_help[] =
    "usage: quire verify ARCHIVE [-p PUBFILE]... [-P KEY]... [--keyring FILE] [--json]\n"
    "                    [--fast] [--strict] [--require-role ROLE]... [--min-signatures N] [-q]\n"
    "\n"
    "Check an archive and report every finding, not only the first.\n"
    "\n"
    "The default check walks every frame (CRC-32, order), the index, the seal (its\n"
    "statement against the archive, the Merkle root of all record digests, every\n"
    "Ed25519 signature), then decompresses every block and checks every record\n"
    "digest and publisher signature. --fast stops before the blocks.\n"
    "\n"
    "Without keys, integrity is checked and the signers are listed as untrusted.\n"
    "With keys (-p, -P, --keyring; each may be given several times and every one\n"
    "counts) the archive is valid only if it carries at least one valid signature\n"
    "by a trusted key (--min-signatures N: N of them), and one in each\n"
    "--require-role. Keys given with -p or -P are trusted in any role; a keyring\n"
    "names the role each key is trusted for.\n"
    "\n"
    "options:\n"
    "  -p, --pubkey-file FILE   a trusted minisign public key file\n"
    "  -P, --pubkey KEY         a trusted minisign public key string\n"
    "  -k, --keyring FILE       trusted keys with roles (lines: ROLE LABEL KEY)\n"
    "  --require-role ROLE      archivist, publisher, witness or a name\n"
    "  --min-signatures N       valid trusted signatures needed (default 1 with keys)\n"
    "  --fast                   structure, index, seal and signatures only\n"
    "  --strict                 warnings count as errors\n"
    "  -j, --threads N          blocks checked in parallel (default: the number of\n"
    "                           cores); the findings are the same, in the same order\n"
    "  --json                   JSON Lines on standard output: one object per\n"
    "                           finding, then a summary (spec/REPORT.md)\n"
    "  -q, --quiet              print nothing; the exit status tells\n"
    "  -h, --help               this help\n"
    "\n"
    "Findings go to standard error as 'quire: FILE: offset N: what: message [CODE]';\n"
    "signers and the result to standard output. On a terminal, a full verification\n"
    "shows its progress on standard error.\n"
    "Exit status: 0 valid, 1 invalid, 2 usage or I/O error.\n";

typedef struct vctx {
    const char *file;
    int json;
} vctx;

/* progress of a full verification on a terminal */
static void
on_progress(void *ctx, uint64_t done, uint64_t total)
{
    (void)ctx;
    progress_show("verify", done, total);
}

static const char *
sev_name(int s)
{
    return s == QUIRE_SEV_ERROR ? "error" : s == QUIRE_SEV_WARNING ? "warning" : "info";
}

/* see cli.h */
void
print_finding(const char *file, const quire_finding *f, int json, int fields)
{
    if (json) {
        printf("{\"type\":\"finding\",");
        if (fields & FINDING_FILE) {
            printf("\"file\":");
            json_cstr(stdout, file);
            putchar(',');
        }
        printf("\"severity\":\"%s\",\"code\":\"%s\",\"value\":%d,\"offset\":%llu,",
               sev_name(f->severity), f->code != 0 ? quire_error_name(f->code) : "QUIRE_OK",
               f->code, (unsigned long long)f->offset);
        if (fields & FINDING_FRAME) {
            if (f->frame >= 0) {
                printf("\"frame\":%lld,", (long long)f->frame);
            } else {
                printf("\"frame\":null,");
            }
        }
        if (f->article >= 0) {
            printf("\"article\":%lld,", (long long)f->article);
        } else {
            printf("\"article\":null,");
        }
        printf("\"what\":");
        json_cstr(stdout, f->what != NULL ? f->what : "");
        printf(",\"message\":");
        json_cstr(stdout, f->message);
        if (f->signer != NULL) {
            char key[57], kid[17];
            quire_pubkey_string(&f->signer->key, key);
            quire_keyid_hex(f->signer->key.key_id, kid);
            printf(",\"signer\":{\"index\":%d,\"role\":", f->signer->index);
            json_cstr(stdout, f->signer->role_name);
            printf(",\"key_id\":\"%s\",\"public_key\":\"%s\",\"valid\":%s,\"trusted\":%s,"
                   "\"label\":",
                   kid, key, f->signer->valid ? "true" : "false",
                   f->signer->trusted ? "true" : "false");
            if (f->signer->label != NULL) {
                json_cstr(stdout, f->signer->label);
            } else {
                printf("null");
            }
            putchar('}');
        }
        printf("}\n");
        return;
    }
    if (f->severity == QUIRE_SEV_INFO) {
        put_safe(stdout, file, strlen(file));
        fputs(": ", stdout);
        put_safe(stdout, f->message, strlen(f->message));
        putchar('\n');
        return;
    }
    fprintf(stderr, "%s: ", prog);
    put_safe(stderr, file, strlen(file));
    fprintf(stderr, ": offset %llu: ", (unsigned long long)f->offset);
    if (f->article >= 0) {
        fprintf(stderr, "article %lld: ", (long long)f->article);
    }
    fprintf(stderr, "%s: %s", f->what != NULL ? f->what : "",
            f->severity == QUIRE_SEV_WARNING ? "warning: " : "");
    put_safe(stderr, f->message, strlen(f->message));
    fprintf(stderr, " [%s]\n", f->code != 0 ? quire_error_name(f->code) : "QUIRE_OK");
}

static int
on_finding(void *ctx, const quire_finding *f)
{
    const vctx *v = (const vctx *)ctx;
    if (!quiet) {
        progress_clear();
        print_finding(v->file, f, v->json, FINDING_FRAME);
    }
    return 0;
}

static void
print_summary(const vctx *v, const quire_verify_summary *s, int fast)
{
    if (quiet) {
        return;
    }
    if (v->json) {
        printf("{\"type\":\"summary\",\"file\":");
        json_cstr(stdout, v->file);
        printf(",\"valid\":%s,\"mode\":\"%s\",\"errors\":%llu,\"warnings\":%llu,"
               "\"articles\":%llu,\"checked\":%llu,\"sealed\":%s,\"checkpoint\":%llu,"
               "\"tree_size\":%llu,\"created\":%lld,\"root\":\"",
               s->valid ? "true" : "false", fast ? "fast" : "full",
               (unsigned long long)s->errors, (unsigned long long)s->warnings,
               (unsigned long long)s->articles, (unsigned long long)s->checked,
               s->sealed ? "true" : "false", (unsigned long long)s->checkpoint,
               (unsigned long long)s->tree_size, (long long)s->created);
        hex_put(stdout, s->root, 32);
        printf("\",\"archive_id\":\"");
        hex_put(stdout, s->archive_id, 16);
        printf("\",\"signatures\":%zu,\"valid_signatures\":%zu,\"trusted_signatures\":%zu,"
               "\"publisher_signed\":%llu,\"publisher_valid\":%llu}\n",
               s->signatures, s->valid_signatures, s->trusted_signatures,
               (unsigned long long)s->publisher_signed, (unsigned long long)s->publisher_valid);
        return;
    }
    printf("%s: %s: %llu articles, %s%s; %zu signature%s (%zu valid, %zu trusted)", v->file,
           s->valid ? "valid" : "INVALID", (unsigned long long)s->articles,
           fast ? "structure, index and seal checked" : "", 
           fast ? "" : "every record digest checked", s->signatures,
           s->signatures == 1 ? "" : "s", s->valid_signatures, s->trusted_signatures);
    if (s->errors != 0 || s->warnings != 0) {
        printf("; %llu error%s, %llu warning%s", (unsigned long long)s->errors,
               s->errors == 1 ? "" : "s", (unsigned long long)s->warnings,
               s->warnings == 1 ? "" : "s");
    }
    printf("\n");
}

int
cmd_verify(int argc, char **argv)
{
    enum { O_JSON = 256, O_FAST, O_STRICT, O_ROLE, O_MIN };
    static const struct option opts[] = {{"pubkey-file", required_argument, NULL, 'p'},
                                         {"pubkey", required_argument, NULL, 'P'},
                                         {"keyring", required_argument, NULL, 'k'},
                                         {"json", no_argument, NULL, O_JSON},
                                         {"fast", no_argument, NULL, O_FAST},
                                         {"strict", no_argument, NULL, O_STRICT},
                                         {"require-role", required_argument, NULL, O_ROLE},
                                         {"min-signatures", required_argument, NULL, O_MIN},
                                         {"quiet", no_argument, NULL, 'q'},
                                         {"threads", required_argument, NULL, 'j'},
                                         {"help", no_argument, NULL, 'h'},
                                         {NULL, 0, NULL, 0}};
    uint64_t threads = 0;
    quire_keyring *kr = NULL;
    quire_verifier *v = NULL;
    quire_verify_summary sum;
    vctx ctx;
    int c, st = 0, fast = 0, e;
    uint64_t min = 0;
    memset(&ctx, 0, sizeof ctx);
    if (quire_keyring_new(&kr) != 0 || quire_verifier_new(&v, NULL) != 0) {
        die_nomem();
    }
    optind = 1;
    while (st == 0 && (c = getopt_long(argc, argv, "p:P:k:qhj:", opts, NULL)) != -1) {
        switch (c) {
        case 'j':
            if (parse_u64(optarg, &threads) != 0 || threads < 1 || threads > 64) {
                fprintf(stderr, "%s: verify: --threads must be 1..64\n", prog);
                st = EXIT_USAGE;
            }
            break;
        case 'p': st = keyring_add_file(kr, optarg); break;
        case 'P': st = keyring_add_string(kr, optarg); break;
        case 'k': st = keyring_load(kr, optarg); break;
        case O_JSON: ctx.json = 1; break;
        case O_FAST: fast = 1; break;
        case O_STRICT: quire_verifier_set_option(v, QUIRE_VERIFY_STRICT, 1); break;
        case O_ROLE: {
            int role = quire_role_parse(optarg);
            if (role < 0 || role == QUIRE_ROLE_ANY ||
                quire_verifier_require_role(v, role, optarg) != 0) {
                fprintf(stderr, "%s: verify: invalid role '%s'\n", prog, optarg);
                st = EXIT_USAGE;
            }
            break;
        }
        case O_MIN:
            if (parse_u64(optarg, &min) != 0 || min > 256) {
                fprintf(stderr, "%s: verify: --min-signatures must be 0..256\n", prog);
                st = EXIT_USAGE;
            }
            break;
        case 'q': quiet = 1; break;
        case 'h':
            fputs(verify_help, stdout);
            quire_keyring_free(kr);
            quire_verifier_free(v);
            return EXIT_VALID;
        default: st = EXIT_USAGE; fputs(verify_help, stderr); break;
        }
    }
    if (st == 0 && optind + 1 != argc) {
        fprintf(stderr, "%s: verify: expected one ARCHIVE\n\n%s", prog, verify_help);
        st = EXIT_USAGE;
    }
    if (st != 0) {
        quire_keyring_free(kr);
        quire_verifier_free(v);
        return st;
    }
    ctx.file = argv[optind];
    if (threads == 0) {
        long nc = sysconf(_SC_NPROCESSORS_ONLN);
        threads = nc < 1 ? 1 : nc > 64 ? 64 : (uint64_t)nc;
    }
    quire_verifier_set_option(v, QUIRE_VERIFY_THREADS, (int64_t)threads);
    quire_verifier_set_option(v, QUIRE_VERIFY_FAST, fast);
    quire_verifier_set_option(v, QUIRE_VERIFY_MIN_SIGNATURES, (int64_t)min);
    if (quire_keyring_count(kr) > 0) {
        quire_verifier_set_keyring(v, kr);
    }
    if (!quiet && !ctx.json && !fast && is_tty(stderr)) {
        quire_verifier_set_progress(v, on_progress, NULL);
    }
    errno = 0;
    e = quire_verifier_run_file(v, ctx.file, on_finding, &ctx, &sum);
    progress_clear();
    if (e == QUIRE_E_IO || e == QUIRE_E_NOMEM || e == QUIRE_E_ARG) {
        quire_diag d;
        memset(&d, 0, sizeof d);
        st = report(ctx.file, e, NULL);
    } else {
        print_summary(&ctx, &sum, fast);
        st = e == QUIRE_OK ? EXIT_VALID : EXIT_INVALID;
    }
    if (fflush(stdout) != 0 && st == EXIT_VALID) {
        fprintf(stderr, "%s: verify: write error: %s\n", prog, strerror(errno));
        st = EXIT_USAGE;
    }
    quire_verifier_free(v);
    quire_keyring_free(kr);
    return st;
}

/* ====================================================================== */
/* sign */

static const char sign_help[] =
    "usage: quire sign ARCHIVE -s SECFILE [--role ROLE]\n"
    "\n"
    "Add a signature to the archive's latest checkpoint: a co-signature by a\n"
    "witness, a publisher or another archivist. The signature is appended with a\n"
    "new seal frame and trailer; no existing byte of ARCHIVE changes. The archive\n"
    "must first pass 'quire verify --fast'.\n"
    "\n"
    "options:\n"
    "  -s, --sign SECFILE   the signer's minisign secret key file (asks for its\n"
    "                       password when it has one)\n"
    "  -r, --role ROLE      archivist, publisher, witness (default) or a name\n"
    "  -h, --help           this help\n";

int
cmd_sign(int argc, char **argv)
{
    static const struct option opts[] = {{"sign", required_argument, NULL, 's'},
                                         {"role", required_argument, NULL, 'r'},
                                         {"help", no_argument, NULL, 'h'},
                                         {NULL, 0, NULL, 0}};
    const char *keyfile = NULL, *rolestr = "witness";
    quire_seckey *sk = NULL;
    quire_diag d;
    int c, st, role, e;
    optind = 1;
    while ((c = getopt_long(argc, argv, "s:r:h", opts, NULL)) != -1) {
        switch (c) {
        case 's': keyfile = optarg; break;
        case 'r': rolestr = optarg; break;
        case 'h': fputs(sign_help, stdout); return EXIT_VALID;
        default: fputs(sign_help, stderr); return EXIT_USAGE;
        }
    }
    if (optind + 1 != argc || keyfile == NULL) {
        fprintf(stderr, "%s: sign: give ARCHIVE and -s SECFILE\n\n%s", prog, sign_help);
        return EXIT_USAGE;
    }
    role = quire_role_parse(rolestr);
    if (role < 0 || role == QUIRE_ROLE_ANY) {
        fprintf(stderr, "%s: sign: invalid role '%s' (archivist, publisher, witness or a name)\n",
                prog, rolestr);
        return EXIT_USAGE;
    }
    if ((st = load_seckey(keyfile, &sk)) != 0) {
        return st;
    }
    memset(&d, 0, sizeof d);
    errno = 0;
    e = quire_cosign_file(argv[optind], sk, role, role == QUIRE_ROLE_NAMED ? rolestr : NULL, &d);
    quire_seckey_free(sk);
    if (e != 0) {
        return report(argv[optind], e, &d);
    }
    if (!quiet) {
        fprintf(stderr, "%s: %s: signed as %s\n", prog, argv[optind], rolestr);
    }
    return EXIT_VALID;
}
