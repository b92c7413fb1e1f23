/* password.c - password input and secret key files for the quire command.
 *
 * Passwords never pass through stdio buffers: they are read a byte at a
 * time with read(2) into sodium_malloc memory, and zeroed when freed. */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include <sodium.h>

#include "cli.h"
#include "password.h"

/* Larger than any valid secret key file (comment line of at most 1024
 * bytes, 212 base64 characters, line ends): a longer file is read this far
 * and rejected by the parser at the right offset. */
#define KEYFILE_MAX 4096

/* ---- terminal ---- */

static volatile sig_atomic_t caught_signal;

static void
on_signal(int sig)
{
    caught_signal = sig;
}

/* Signals that would leave the terminal without echo if they struck while
 * it is off: caught, the terminal restored, then re-raised. */
static const int tty_signals[] = {SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGTSTP, SIGTTIN, SIGTTOU};
#define N_TTY_SIGNALS (sizeof tty_signals / sizeof tty_signals[0])

static void
write_str(int fd, const char *s)
{
    size_t n = strlen(s);
    while (n > 0) {
        ssize_t w = write(fd, s, n);
        if (w < 0 && errno == EINTR) {
            continue;
        }
        if (w <= 0) {
            return;
        }
        s += w;
        n -= (size_t)w;
    }
}

enum {
    LINE_OK = 0,
    LINE_ERROR = -1,
    LINE_LONG = -2,
    LINE_EOF = -3,
    LINE_SIGNAL = -4,
    LINE_MISMATCH = -5 /* already reported */
};

/* Reads one line from fd into buf (capacity PASSWORD_MAX + 1), a byte at a
 * time so that nothing after the line is consumed. */
static int
read_line(int fd, char *buf)
{
    size_t n = 0;
    int st = LINE_OK, any = 0, too_long = 0;
    char ch = 0;
    for (;;) {
        ssize_t r = read(fd, &ch, 1);
        if (r < 0 && errno == EINTR && caught_signal == 0) {
            continue;
        }
        if (caught_signal != 0) {
            st = LINE_SIGNAL;
            break;
        }
        if (r < 0) {
            st = LINE_ERROR;
            break;
        }
        if (r == 0) {
            if (!any) {
                st = LINE_EOF;
            }
            break;
        }
        any = 1;
        if (ch == '\n') {
            break;
        }
        if (n < PASSWORD_MAX) {
            buf[n++] = ch;
        } else {
            too_long = 1; /* read on to the end of the line */
        }
    }
    sodium_memzero(&ch, sizeof ch);
    if (st == LINE_OK && too_long) {
        st = LINE_LONG;
    }
    if (n > 0 && buf[n - 1] == '\r') {
        n--;
    }
    buf[n] = '\0';
    return st;
}

/* Prompts on the terminal fd with echo off and reads one line. */
static int
tty_line(int fd, const char *prompt, char *buf)
{
    struct termios old, quiet_tio;
    struct sigaction sa, saved[N_TTY_SIGNALS];
    size_t i;
    int st;
    if (tcgetattr(fd, &old) != 0) {
        return LINE_ERROR;
    }
    quiet_tio = old;
    quiet_tio.c_lflag &= ~(tcflag_t)(ECHO | ECHOE | ECHOK | ECHONL);
    caught_signal = 0;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = 0; /* no SA_RESTART: a signal interrupts read() */
    for (i = 0; i < N_TTY_SIGNALS; i++) {
        sigaction(tty_signals[i], &sa, &saved[i]);
    }
    /* echo off first, then the prompt: what is typed after the prompt
     * appears is never flushed nor echoed */
    if (tcsetattr(fd, TCSAFLUSH, &quiet_tio) != 0) {
        st = LINE_ERROR;
    } else {
        write_str(fd, prompt);
        st = read_line(fd, buf);
        tcsetattr(fd, TCSAFLUSH, &old);
    }
    write_str(fd, "\n");
    for (i = 0; i < N_TTY_SIGNALS; i++) {
        sigaction(tty_signals[i], &saved[i], NULL);
    }
    if (caught_signal != 0) {
        raise(caught_signal); /* with the caller's disposition back */
    }
    return st;
}

static int
complain(int st, const char *where)
{
    switch (st) {
    case LINE_LONG: warnx_("password too long (at most %d bytes)", PASSWORD_MAX); break;
    case LINE_EOF: warnx_("no password given on %s", where); break;
    case LINE_SIGNAL: warnx_("password entry interrupted"); break;
    default: warnx_("cannot read a password from %s: %s", where, strerror(errno)); break;
    }
    return st;
}

char *
read_password(const char *prompt, int confirm)
{
    char *pw, *again = NULL;
    int fd, st;
    if (sodium_init() < 0 || (pw = (char *)sodium_malloc(PASSWORD_MAX + 1)) == NULL) {
        warnx_("out of memory");
        return NULL;
    }
    fd = open("/dev/tty", O_RDWR | O_NOCTTY | O_CLOEXEC);
    if (fd >= 0 && !isatty(fd)) {
        close(fd);
        fd = -1;
    }
    if (fd < 0) {
        /* no terminal: one line of standard input, no prompt, no confirmation */
        st = read_line(STDIN_FILENO, pw);
        if (st != LINE_OK) {
            complain(st, "standard input");
            sodium_free(pw);
            return NULL;
        }
        return pw;
    }
    st = tty_line(fd, prompt != NULL ? prompt : "Password: ", pw);
    if (st == LINE_OK && confirm) {
        if ((again = (char *)sodium_malloc(PASSWORD_MAX + 1)) == NULL) {
            warnx_("out of memory");
            st = LINE_MISMATCH; /* reported */
        } else {
            st = tty_line(fd, "Password (one more time): ", again);
            if (st == LINE_OK &&
                (strlen(pw) != strlen(again) || sodium_memcmp(pw, again, strlen(pw)) != 0)) {
                warnx_("passwords don't match");
                st = LINE_MISMATCH;
            }
            sodium_free(again);
        }
    }
    if (st != LINE_OK && st != LINE_MISMATCH) {
        complain(st, "the terminal");
    }
    close(fd);
    if (st != LINE_OK) {
        sodium_free(pw);
        return NULL;
    }
    return pw;
}

/* ---- secret key files ---- */

int
load_seckey(const char *path, quire_seckey **sk)
{
    char *text, *pw = NULL, prompt[128];
    size_t len = 0;
    quire_diag d;
    int fd, enc, e;
    *sk = NULL;
    if (sodium_init() < 0 || (text = (char *)sodium_malloc(KEYFILE_MAX + 1)) == NULL) {
        warnx_("out of memory");
        return EXIT_USAGE;
    }
    errno = 0;
    fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        sodium_free(text);
        return report(path, QUIRE_E_IO, NULL);
    }
    while (len < KEYFILE_MAX + 1) {
        ssize_t r = read(fd, text + len, KEYFILE_MAX + 1 - len);
        if (r < 0 && errno == EINTR) {
            continue;
        }
        if (r < 0) {
            int saved = errno;
            close(fd);
            sodium_free(text);
            errno = saved;
            return report(path, QUIRE_E_IO, NULL);
        }
        if (r == 0) {
            break;
        }
        len += (size_t)r;
    }
    close(fd);
    memset(&d, 0, sizeof d);
    enc = quire_seckey_is_encrypted(text, len);
    if (enc == 1) {
        /* the prompt names the file: a command may load two keys */
        snprintf(prompt, sizeof prompt, "Password for %.100s: ", path);
        if ((pw = read_password(prompt, 0)) == NULL) {
            sodium_free(text);
            return EXIT_USAGE;
        }
    }
    /* a malformed file (enc < 0) is reported by the parser, with its offset */
    e = quire_seckey_parse(sk, text, len, pw, &d);
    if (pw != NULL) {
        sodium_free(pw);
    }
    sodium_free(text);
    if (e != QUIRE_OK) {
        *sk = NULL;
        /* a key that cannot be used is a usage problem, not invalid input */
        report(path, e, &d);
        return EXIT_USAGE;
    }
    return EXIT_VALID;
}
