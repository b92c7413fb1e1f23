/* internal.h - libquire internals shared across src/ (never installed). */
#ifndef QUIRE_SRC_INTERNAL_H
#define QUIRE_SRC_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include "../format/cursor.h"
#include "../format/format.h"
#include "../format/json.h"
#include "quire.h"

/* ---- errors: every failure goes through here (one breakpoint) ---- */
int quire__fail(quire_diag *d, int code, uint64_t offset, int64_t article, const char *what,
                const char *detail, const char *file, int line);
#define QUIRE__FAIL(d, code, off, art, what)                                                       \
    quire__fail((d), (code), (off), (art), (what), NULL, __FILE__, __LINE__)
#define QUIRE__FAIL_DETAIL(d, code, off, art, what, detail)                                        \
    quire__fail((d), (code), (off), (art), (what), (detail), __FILE__, __LINE__)
/* Copies a cursor's sticky error into d and returns its code. */
int quire__fail_cur(quire_diag *d, const quire__cur *c, int64_t article);

/* ---- allocation ---- */
void quire__allocator_from(quire__allocator *out, const quire_alloc *in);

/* ---- digests (libsodium BLAKE2b-256) ---- */
int quire__blake2b256(uint8_t out[32], const uint8_t *p, size_t n);

/* ---- bounded zlib (inflate.c) ---- */
/* Inflates exactly raw_len bytes from in[0..in_len) into out (capacity
 * raw_len), with an optional preset dictionary. Requires Z_STREAM_END with
 * no input left. Returns 0 or QUIRE_E_INFLATE / QUIRE_E_DICT / QUIRE_E_NOMEM;
 * *zmsg receives zlib's static message or NULL. */
int quire__inflate(const quire__allocator *a, const uint8_t *in, size_t in_len, uint8_t *out,
                   size_t raw_len, const uint8_t *dict, size_t dict_len, const char **zmsg);
/* Deflates in[0..in_len) at level into b (appended). */
int quire__deflate(const quire__allocator *a, int level, const uint8_t *in, size_t in_len,
                   const uint8_t *dict, size_t dict_len, quire__buf *b);

/* ---- articles ---- */
struct quire_article {
    quire__allocator a;
    quire__buf data;            /* arena: names, values, part bytes (or a read record) */
    quire__rfield *f;
    size_t nf, f_cap;
    quire__rpart *p;
    size_t np, p_cap;
    quire__buf enc;             /* canonical encoding, valid when enc_ok */
    int enc_ok;
    uint8_t digest[32];
    int digest_ok;
    int64_t number;
    quire__buf json;            /* quire_article_to_json output */
    quire__jobject jo;          /* quire_article_from_json scratch */
    int jo_init;
};
/* Encodes the canonical record into a->enc (cached) and returns it. */
int quire__article_encode(quire_article *a, const uint8_t **rec, size_t *len);
/* Replaces a's content with a copy of the record rec[0..len), decoded and
 * checked. base is the record's absolute offset (for diagnostics). */
int quire__article_load(quire_article *a, const uint8_t *rec, size_t len, uint64_t base,
                        const quire__limits *l, int64_t number, quire_diag *d);

#endif
