/* cli.h - shared helpers of the quire command (includes only quire.h). */
#ifndef QUIRE_CLI_H
#define QUIRE_CLI_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "quire.h"

/* exit statuses (README, spec/ERRORS.md) */
#define EXIT_VALID 0
#define EXIT_INVALID 1
#define EXIT_USAGE 2

extern const char *prog;
extern int quiet;

void die_nomem(void);
void *xmalloc(size_t n);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);

/* "quire: msg" on stderr (errors and warnings are printed even with -q). */
void warnx_(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Prints a library failure as "quire: FILE: offset N: article A: what: message [CODE]";
 * returns the exit status for it (1 malformed input, 2 usage/resource/I/O). */
int report(const char *file, int code, const quire_diag *d);
int exit_for(int code);

/* Writes s[0..n) escaping control characters and invalid UTF-8 (for text
 * that comes from an archive and goes to a terminal). */
void put_safe(FILE *f, const char *s, size_t n);
/* Length of the valid UTF-8 sequence at s[0..n), or 0. */
int utf8_seq_len(const unsigned char *s, size_t n);
/* A JSON string literal: UTF-8 kept, invalid bytes as U+FFFD, controls escaped. */
void json_put(FILE *f, const char *s, size_t n);
void json_cstr(FILE *f, const char *s);
/* Lowercase hex. */
void hex_put(FILE *f, const uint8_t *p, size_t n);
/* Writes all bytes; returns 0 or -1. */
int write_all(FILE *f, const void *p, size_t n);

/* Reads a whole file (or stdin for "-") into memory. Returns 0 or -1 with errno. */
int read_file(const char *path, uint8_t **buf, size_t *len);

/* Parses a date or date-time for --since/--until; until rounds a bare date
 * up to the end of that day. */
int parse_date_arg(const char *s, int is_until, int64_t *secs);
void format_time(int64_t secs, char out[128]);
int parse_u64(const char *s, uint64_t *v);
/* "now", seconds since the epoch, or a date/date-time. */
int parse_time_arg(const char *s, int64_t *secs);
int parse_hex(const char *s, uint8_t *out, size_t n);
int parse_hex32(const char *s, uint8_t out[32]);
void hex32(const uint8_t d[32], char out[65]);
int is_tty(FILE *f);
/* A progress line on standard error ("quire: WHAT: D of T articles (P%)"),
 * rewritten in place; progress_clear erases it before anything else is
 * written (a no-op when none is shown). For a terminal only: callers check. */
void progress_show(const char *what, uint64_t done, uint64_t total);
void progress_clear(void);

/* Opens an archive for indexed reading, reporting failures. */
int open_archive(const char *path, quire_reader **r);

int cmd_pack(int argc, char **argv);
int cmd_append(int argc, char **argv);
int cmd_ls(int argc, char **argv);
int cmd_cat(int argc, char **argv);
int cmd_info(int argc, char **argv);
int cmd_extract(int argc, char **argv);
int cmd_verify(int argc, char **argv);
int cmd_sign(int argc, char **argv);
int cmd_keygen(int argc, char **argv);
int cmd_salvage(int argc, char **argv);
int cmd_prove(int argc, char **argv);
int cmd_verify_proof(int argc, char **argv);
int cmd_export(int argc, char **argv);
/* proof files (prove.c): 1 if path starts with the proof magic; cat on a proof */
int is_proof_file(const char *path);
int cat_proof(const char *path, const char *part, int meta);
/* A verification finding (verify.c), as spec/REPORT.md gives it: one JSON
 * line on stdout, or text (info on stdout, warnings and errors on stderr).
 * fields adds JSON members: FINDING_FILE the file name (verify-proof),
 * FINDING_FRAME the frame offset (verify). */
#define FINDING_FILE 1
#define FINDING_FRAME 2
void print_finding(const char *file, const quire_finding *f, int json, int fields);
/* trusted keys (verify.c) */
int keyring_add_file(quire_keyring *kr, const char *path);
int keyring_add_string(quire_keyring *kr, const char *s);
int keyring_load(quire_keyring *kr, const char *path);

#endif
