/* keygen.c - quire keygen: a minisign-compatible key pair. */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sodium.h>

#include "cli.h"
#include "password.h"

static const char keygen_help[] =
    "usage: quire keygen [-p PUBFILE] [-s SECFILE] [-W] [-f] [-c COMMENT] [-q]\n"
    "\n"
    "Make a new Ed25519 signing key pair in minisign's format: the secret key signs\n"
    "archives (quire pack --sign, quire sign), the public key verifies them\n"
    "(quire verify -p PUBFILE or -P KEY). The files are minisign's own: minisign\n"
    "signs and verifies with them, and keys made by 'minisign -G' work with quire.\n"
    "\n"
    "options:\n"
    "  -p, --public PUBFILE   public key file (default: minisign.pub in the\n"
    "                         current directory)\n"
    "  -s, --secret SECFILE   secret key file (default: ~/.minisign/minisign.key,\n"
    "                         or $MINISIGN_CONFIG_DIR/minisign.key when set; the\n"
    "                         directory is created with mode 0700 if missing)\n"
    "  -W, --no-password      store the secret key without a password\n"
    "  -f, --force            overwrite existing key files\n"
    "  -c, --comment COMMENT  the secret key file's untrusted comment (one line,\n"
    "                         no control characters, at most 1003 bytes)\n"
    "  -q, --quiet            print nothing on success\n"
    "  -h, --help             this help\n"
    "\n"
    "The secret key file is created with mode 0600, the public key file with mode\n"
    "0666 less the umask. Existing files are never replaced without -f, and a file\n"
    "is never left half-written: each is written to a temporary file in its\n"
    "directory and moved into place complete.\n"
    "\n"
    "password:\n"
    "  Unless -W is given, the secret key is encrypted with a password (scrypt,\n"
    "  minisign's parameters: about 1 GiB of memory and a few seconds). On a\n"
    "  terminal, quire asks for it twice with echo off. Without a terminal (cron,\n"
    "  CI jobs, containers started without -t, 'setsid -w'), quire reads the\n"
    "  password as the first line of standard input, without a prompt or a second\n"
    "  entry; for example:\n"
    "      printf '%s\\n' \"$KEY_PASSWORD\" | setsid -w quire keygen -s ci.key -p ci.pub\n"
    "  An empty password is refused; use -W for a key without one. The same rules\n"
    "  apply when another command asks for a secret key's password.\n"
    "\n"
    "output:\n"
    "  Where the files went, then the public key string (the second line of\n"
    "  PUBFILE), for -P and keyring files. The key id is the 16 hex digits after\n"
    "  'minisign public key' in PUBFILE.\n"
    "\n"
    "Exit status: 0 key pair written, 2 usage or I/O error, a key file already\n"
    "exists (without -f) or no password (nothing written then).\n";

#define DEFAULT_PUBFILE "minisign.pub"
#define DEFAULT_SKFILE "minisign.key"
#define DEFAULT_DIR ".minisign"
#define COMMENT_MAX (1024 - 21) /* the line and "\n\0" fit minisign's fgets() */

/* minisign's default: $MINISIGN_CONFIG_DIR or ~/.minisign, else the current
 * directory. */
static char *
default_secfile(void)
{
    const char *dir = getenv("MINISIGN_CONFIG_DIR"), *home = getenv("HOME");
    char *p;
    size_t n;
    if (dir != NULL && dir[0] != '\0') {
        n = strlen(dir) + sizeof DEFAULT_SKFILE + 1;
        p = (char *)xmalloc(n);
        snprintf(p, n, "%s/%s", dir, DEFAULT_SKFILE);
    } else if (home != NULL && home[0] != '\0') {
        n = strlen(home) + sizeof DEFAULT_DIR + sizeof DEFAULT_SKFILE + 1;
        p = (char *)xmalloc(n);
        snprintf(p, n, "%s/%s/%s", home, DEFAULT_DIR, DEFAULT_SKFILE);
    } else {
        p = xstrdup(DEFAULT_SKFILE);
    }
    return p;
}

/* The directory part of path ("." if none), allocated. */
static char *
dir_of(const char *path)
{
    const char *slash = strrchr(path, '/');
    char *d;
    size_t n;
    if (slash == NULL) {
        return xstrdup(".");
    }
    n = slash == path ? 1 : (size_t)(slash - path);
    d = (char *)xmalloc(n + 1);
    memcpy(d, path, n);
    d[n] = '\0';
    return d;
}

static void
say_path(const char *what, const char *path, const char *msg)
{
    fprintf(stderr, "%s: %s ", prog, what);
    put_safe(stderr, path, strlen(path));
    fprintf(stderr, ": %s\n", msg);
}

static int
exists(const char *path)
{
    struct stat st;
    return lstat(path, &st) == 0;
}

static int
refuse_existing(const char *pub, const char *sec)
{
    const char *p = exists(sec) ? sec : exists(pub) ? pub : NULL;
    if (p == NULL) {
        return 0;
    }
    fprintf(stderr, "%s: keygen: ", prog);
    put_safe(stderr, p, strlen(p));
    fprintf(stderr, " already exists; key generation aborted (use -f to overwrite)\n");
    return 1;
}

static int
write_fd(int fd, const char *p, size_t n)
{
    while (n > 0) {
        ssize_t w = write(fd, p, n);
        if (w < 0 && errno == EINTR) {
            continue;
        }
        if (w <= 0) {
            return -1;
        }
        p += w;
        n -= (size_t)w;
    }
    return 0;
}

/* A written, synced temporary file next to its destination. */
typedef struct staged {
    const char *path;
    char *tmp; /* NULL once moved into place */
} staged;

/* Writes a[0..alen) b[0..blen) to a new temporary file beside path, with
 * mode. Returns 0 or -1 (reported). */
static int
stage(staged *s, const char *path, mode_t mode, const char *a, size_t alen, const char *b,
      size_t blen)
{
    char *dir = dir_of(path);
    size_t n = strlen(dir) + 32;
    int fd, e;
    s->path = path;
    s->tmp = (char *)xmalloc(n);
    snprintf(s->tmp, n, "%s/.quire-keygen.XXXXXX", dir);
    free(dir);
    fd = mkstemp(s->tmp); /* mode 0600 from the start */
    if (fd < 0) {
        e = errno;
        free(s->tmp);
        s->tmp = NULL;
        say_path("cannot write", path, strerror(e));
        return -1;
    }
    if (fchmod(fd, mode) != 0 || write_fd(fd, a, alen) != 0 || write_fd(fd, b, blen) != 0 ||
        fsync(fd) != 0) {
        e = errno;
        close(fd);
        unlink(s->tmp);
        free(s->tmp);
        s->tmp = NULL;
        say_path("cannot write", path, strerror(e));
        return -1;
    }
    if (close(fd) != 0) {
        e = errno;
        unlink(s->tmp);
        free(s->tmp);
        s->tmp = NULL;
        say_path("cannot write", path, strerror(e));
        return -1;
    }
    return 0;
}

/* Moves the staged file into place, over an existing file only if force.
 * Returns 0 or -1 (reported). */
static int
commit(staged *s, int force)
{
    int e;
    if (force) {
        if (rename(s->tmp, s->path) == 0) {
            goto done;
        }
    } else if (link(s->tmp, s->path) == 0) {
        unlink(s->tmp);
        goto done;
    } else if (errno != EEXIST && !exists(s->path)) {
        /* a file system without hard links: check, then rename */
        if (rename(s->tmp, s->path) == 0) {
            goto done;
        }
    } else {
        errno = EEXIST;
    }
    e = errno;
    say_path("cannot write", s->path,
             e == EEXIST ? "already exists (use -f to overwrite)" : strerror(e));
    return -1;
done:
    free(s->tmp);
    s->tmp = NULL;
    return 0;
}

static void
unstage(staged *s)
{
    if (s->tmp != NULL) {
        unlink(s->tmp);
        free(s->tmp);
        s->tmp = NULL;
    }
}

/* Creates the secret key's directory (one level, mode 0700) if missing, as
 * minisign does for ~/.minisign. */
static int
make_key_dir(const char *secpath)
{
    char *dir = dir_of(secpath);
    int st = 0;
    if (mkdir(dir, 0700) != 0 && errno != EEXIST) {
        say_path("cannot create directory", dir, strerror(errno));
        st = -1;
    }
    free(dir);
    return st;
}

static int
comment_ok(const char *c)
{
    const unsigned char *p = (const unsigned char *)c;
    size_t n = strlen(c), i;
    if (n > COMMENT_MAX) {
        warnx_("keygen: comment too long (at most %d bytes)", COMMENT_MAX);
        return 0;
    }
    for (i = 0; i < n; i++) {
        if (p[i] < 0x20 || p[i] == 0x7F) {
            warnx_("keygen: the comment must be one line without control characters");
            return 0;
        }
    }
    return 1;
}

int
cmd_keygen(int argc, char **argv)
{
    static const struct option opts[] = {
        {"public", required_argument, NULL, 'p'},  {"secret", required_argument, NULL, 's'},
        {"no-password", no_argument, NULL, 'W'},   {"force", no_argument, NULL, 'f'},
        {"comment", required_argument, NULL, 'c'}, {"quiet", no_argument, NULL, 'q'},
        {"help", no_argument, NULL, 'h'},          {NULL, 0, NULL, 0}};
    const char *pubpath = DEFAULT_PUBFILE, *comment = NULL;
    char *secpath = NULL, *pw = NULL, *sectext = NULL, *line1 = NULL;
    char pubtext[128], keystr[57], kid[17];
    size_t seclen = 0, publen, line1_len = 0, body_off = 0;
    int c, nopw = 0, force = 0, q = 0, st = EXIT_USAGE, e;
    quire_seckey *sk = NULL;
    quire_pubkey pk;
    staged ssec = {NULL, NULL}, spub = {NULL, NULL};
    mode_t um;

    optind = 1;
    while ((c = getopt_long(argc, argv, "p:s:Wfc:qh", opts, NULL)) != -1) {
        switch (c) {
        case 'p': pubpath = optarg; break;
        case 's':
            free(secpath);
            secpath = xstrdup(optarg);
            break;
        case 'W': nopw = 1; break;
        case 'f': force = 1; break;
        case 'c': comment = optarg[0] != '\0' ? optarg : NULL; break; /* "" as minisign */
        case 'q': q = 1; break;
        case 'h':
            free(secpath);
            fputs(keygen_help, stdout);
            return EXIT_VALID;
        default:
            free(secpath);
            fputs(keygen_help, stderr);
            return EXIT_USAGE;
        }
    }
    if (optind != argc) {
        fprintf(stderr, "%s: keygen: unexpected argument '%s'\n\n%s", prog, argv[optind],
                keygen_help);
        free(secpath);
        return EXIT_USAGE;
    }
    if (secpath == NULL) {
        secpath = default_secfile();
    }
    if (pubpath[0] == '\0' || secpath[0] == '\0') {
        warnx_("keygen: empty file name");
        goto out;
    }
    if (strcmp(pubpath, secpath) == 0) {
        warnx_("keygen: the public and secret key files must differ");
        goto out;
    }
    if (comment != NULL && !comment_ok(comment)) {
        goto out;
    }
    if (!force && refuse_existing(pubpath, secpath)) {
        goto out;
    }

    if ((e = quire_seckey_generate(&sk, &pk)) != QUIRE_OK) {
        st = report(NULL, e, NULL);
        goto out;
    }
    if (!nopw) {
        if ((pw = read_password("Password for the new secret key: ", 1)) == NULL) {
            goto out;
        }
        if (pw[0] == '\0') {
            warnx_("keygen: empty password refused (use -W for a key without a password)");
            goto out;
        }
        if (!q) {
            fprintf(stderr, "%s: deriving a key from the password...\n", prog);
        }
    }
    e = quire_seckey_file(sk, pw, &sectext, &seclen);
    if (pw != NULL) {
        sodium_free(pw);
        pw = NULL;
    }
    if (e != QUIRE_OK) {
        st = report(NULL, e, NULL);
        goto out;
    }
    if (comment != NULL) {
        /* replace the library's comment line with ours */
        const char *nl = (const char *)memchr(sectext, '\n', seclen);
        body_off = nl != NULL ? (size_t)(nl - sectext) + 1 : 0;
        line1_len = strlen("untrusted comment: ") + strlen(comment) + 1;
        line1 = (char *)xmalloc(line1_len + 1);
        snprintf(line1, line1_len + 1, "untrusted comment: %s\n", comment);
    }
    publen = quire_pubkey_file(&pk, pubtext, sizeof pubtext);
    if (publen == 0) {
        st = report(NULL, QUIRE_E_NOMEM, NULL);
        goto out;
    }

    if (make_key_dir(secpath) != 0) {
        goto out;
    }
    /* both files complete on disk before either is in place */
    um = umask(0);
    umask(um);
    if (stage(&ssec, secpath, 0600, line1 != NULL ? line1 : "", line1_len, sectext + body_off,
              seclen - body_off) != 0 ||
        stage(&spub, pubpath, (mode_t)(0666 & ~um), pubtext, publen, "", 0) != 0) {
        goto out;
    }
    if (commit(&ssec, force) != 0) {
        goto out;
    }
    if (commit(&spub, force) != 0) {
        if (!force) {
            unlink(secpath); /* ours: it did not exist a moment ago */
        }
        goto out;
    }

    if (!q) {
        quire_pubkey_string(&pk, keystr);
        quire_keyid_hex(pk.key_id, kid);
        fputs("The secret key was saved as ", stdout);
        put_safe(stdout, secpath, strlen(secpath));
        fputs(" - Keep it secret!\nThe public key was saved as ", stdout);
        put_safe(stdout, pubpath, strlen(pubpath));
        fputs(" - That one can be public.\n\n", stdout);
        printf("Key id %s. Archives sealed with this key can be verified with:\n\n", kid);
        printf("quire verify -P %s ARCHIVE\n\n", keystr);
        printf("and files signed with minisign with:\n\n");
        printf("minisign -Vm <file> -P %s\n", keystr);
        fflush(stdout);
    }
    st = EXIT_VALID;
out:
    unstage(&ssec);
    unstage(&spub);
    if (pw != NULL) {
        sodium_free(pw);
    }
    if (sectext != NULL) {
        sodium_memzero(sectext, seclen);
        free(sectext);
    }
    free(line1);
    quire_seckey_free(sk);
    free(secpath);
    return st;
}
