/*
 * utf8.h - UTF-8 validation (RFC 3629).
 *
 * No I/O, no allocation. Reads only p[0..n).
 */
#ifndef QUIRE_FORMAT_UTF8_H
#define QUIRE_FORMAT_UTF8_H

#include <stddef.h>
#include <stdint.h>

/* Returns 1 if p[0..n) is valid UTF-8: shortest form only, no surrogates
 * (U+D800..U+DFFF), nothing above U+10FFFF; NUL bytes are allowed. Else
 * returns 0 and, when bad_off is not NULL, stores in *bad_off the offset of
 * the first byte of the first ill-formed sequence (a stray continuation
 * byte, a byte that can never start a sequence, or the lead byte of a
 * sequence that is overlong, out of range, or cut short). (p, 0) is valid;
 * p may then be NULL. */
int quire__utf8_check(const uint8_t *p, size_t n, size_t *bad_off);

#endif
