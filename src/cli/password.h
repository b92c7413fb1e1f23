/* password.h - passwords and secret key files for the quire command. */
#ifndef QUIRE_CLI_PASSWORD_H
#define QUIRE_CLI_PASSWORD_H

#include "quire.h"

/* Longest password accepted, in bytes (minisign reads at most 1023). */
#define PASSWORD_MAX 1023

/* Reads a password.
 *
 * With a terminal (/dev/tty can be opened), prompts on it with echo off,
 * twice when confirm is non-zero (the two must match). Without one (cron,
 * CI, containers without a tty, setsid), reads one line from standard input:
 * everything before the LF (a CR before it is dropped), no prompt, confirm
 * ignored; nothing past that line is consumed.
 *
 * Returns a NUL-terminated password in sodium_malloc memory (free it with
 * sodium_free, which zeroes it), or NULL after printing why (no input,
 * longer than PASSWORD_MAX, mismatch, interrupted, out of memory). */
char *read_password(const char *prompt, int confirm);

/* Reads the minisign secret key file at path into *sk (free with
 * quire_seckey_free), asking for its password (read_password) only if the
 * file is encrypted. Reports failures on stderr (report() for malformed
 * files and wrong passwords). Returns an exit status: 0 on success, 1 for a
 * malformed key file or a wrong password, 2 for I/O, usage or memory. */
int load_seckey(const char *path, quire_seckey **sk);

#endif
