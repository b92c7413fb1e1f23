/*
 * warc.h - WARC record headers and the HTTP messages inside WARC records,
 * at the byte level (spec/WARC.md sections 1 and 2).
 *
 * Pure: no I/O, no allocation except through the quire__buf the caller
 * gives to quire__http_dechunk, no zlib, no cryptography. Every byte of
 * input is read inside the cursor's buffer, never outside buf[off..len).
 * Errors are left in the cursor (sticky code, absolute err_off, static
 * err_what); a cursor that already holds an error is returned unchanged.
 * After an error the cursor's position is unspecified: to retry (after
 * reading more input) start a new cursor.
 *
 * Header grammar shared by WARC and HTTP (spec 1.2):
 *   line end   = *CR LF          (CR LF canonical; LF alone or CR CR LF
 *                                 tolerated and reported in flags)
 *   field line = name ":" value line-end
 *   name       = 1*tchar         (RFC 9110 token)
 *   value      = OWS text OWS, continued on following lines that start
 *                with SP or HT (obs-fold)
 * A line holds no control byte other than HT (a CR is only part of a line
 * end). Offsets in a quire__hfield are relative to the first byte of the
 * header (the version, status or request line); the value is trimmed of
 * white space on both ends and, when folded, spans the line ends raw.
 */
#ifndef QUIRE_FORMAT_WARC_H
#define QUIRE_FORMAT_WARC_H

#include <stddef.h>
#include <stdint.h>

#include "cursor.h"

/* ---- limits (spec 1.5, 2.4) ---- */
#define QUIRE__WARC_MAX_HEAD (64 * 1024) /* record header, version line to blank line */
#define QUIRE__WARC_MAX_FIELDS 256
#define QUIRE__WARC_MAX_LENGTH ((uint64_t)1 << 53) /* Content-Length */
#define QUIRE__HTTP_MAX_HEAD (64 * 1024)           /* start line to blank line */
#define QUIRE__HTTP_MAX_FIELDS 256
#define QUIRE__HTTP_MAX_CHUNK_LINE 4096 /* chunk-size line with extensions, line end excluded */
#define QUIRE__HTTP_MAX_TRAILER (64 * 1024)

/* ---- flags: tolerated deviations (spec 1.2, 2.3) ---- */
#define QUIRE__HF_LF 0x01u       /* a line ended with LF alone */
#define QUIRE__HF_CRCR 0x02u     /* a line ended with more than one CR before LF */
#define QUIRE__HF_FOLD 0x04u     /* a value continued on a following line (obs-fold) */
#define QUIRE__HF_SKIPPED 0x08u  /* HTTP: field lines skipped (see n_skipped) */
#define QUIRE__HF_NAMEWS 0x10u   /* HTTP: white space between a field name and its colon */
#define QUIRE__HF_BADLEN 0x20u   /* HTTP: Content-Length invalid or conflicting, ignored */
#define QUIRE__HF_NOREASON 0x40u /* HTTP: status line without SP and reason phrase */

typedef struct quire__hfield {
    size_t name_off, name_len;
    size_t val_off, val_len; /* trimmed; raw line ends inside when folded */
} quire__hfield;

/* Copies the value of f (offsets relative to head) into out with every
 * fold unfolded: each run of SP, HT, CR and LF that holds a line end
 * becomes one SP. Writes at most cap bytes (out may be NULL when cap is
 * 0) and returns the unfolded length, which is never more than f->val_len;
 * the copy is complete when the return is <= cap. No NUL is written. */
size_t quire__hfield_unfold(const uint8_t *head, const quire__hfield *f, uint8_t *out, size_t cap);
/* 1 if the name of f equals name (NUL-terminated), ASCII case-insensitive. */
int quire__hfield_is(const uint8_t *head, const quire__hfield *f, const char *name);
/* Index of the first field at or after from whose name is name
 * (case-insensitive), or n if none. */
size_t quire__hfield_find(const quire__hfield *f, size_t n, const uint8_t *head, const char *name,
                          size_t from);

/* ====================================================================
 * WARC records (spec 1)
 * ==================================================================== */

typedef struct quire__warc_head {
    int version;     /* 10 = WARC/1.0, 11 = WARC/1.1, 0 = WARC/0.17 or WARC/0.18, -1 other */
    unsigned flags;  /* QUIRE__HF_LF, QUIRE__HF_CRCR, QUIRE__HF_FOLD */
    size_t head_len; /* version line .. blank line inclusive */
    uint64_t content_length;
    size_t n_fields;
    quire__hfield f[QUIRE__WARC_MAX_FIELDS];
} quire__warc_head;

/* Parses a record header at the cursor: the version line, named fields
 * and the blank line; on success the cursor is just after the blank line
 * (at the record block) and 0 is returned. Field offsets are relative to
 * the cursor's position before the call (head = c->buf + that offset).
 * Exactly one Content-Length, 1*DIGIT, at most QUIRE__WARC_MAX_LENGTH.
 * Errors (spec 1.6 lists each with its offset):
 *   QUIRE_E_TRUNCATED  the buffer ends inside the header and no byte seen
 *                      so far is wrong: read more and parse again;
 *   QUIRE_E_WARC       malformed ("version line", "field name", ...);
 *   QUIRE_E_FEATURE    "WARC version": well-formed but not 1.0, 1.1, 0.17
 *                      or 0.18; reported last, with *h complete (version
 *                      -1), so that the caller may skip head_len +
 *                      content_length bytes and the record end;
 *   QUIRE_E_LIMIT      header longer than QUIRE__WARC_MAX_HEAD, more than
 *                      QUIRE__WARC_MAX_FIELDS fields, Content-Length too
 *                      large.
 * *h is fully written on success (and on QUIRE_E_FEATURE), unspecified on
 * other failures. */
int quire__warc_head_parse(quire__cur *c, quire__warc_head *h);

/* The trimmed raw value of the first field named name (case-insensitive):
 * 0 and *val, *len (pointing into head), or QUIRE_E_NOTFOUND with *val
 * NULL and *len 0. head is the first byte of the parsed header. */
int quire__warc_get(const quire__warc_head *h, const uint8_t *head, const char *name,
                    const uint8_t **val, size_t *len);

/* Consumes the two line ends that follow a record block (CR LF CR LF; each
 * may be LF alone or have extra CRs). 0, QUIRE_E_TRUNCATED when the input
 * ends first, or QUIRE_E_WARC "record end" at the first wrong byte. */
int quire__warc_record_end(quire__cur *c);

/* Skips blank lines (line ends alone) at the cursor, stopping before an
 * incomplete one at the end of input; returns the number of bytes skipped
 * (the cursor moved by as much). Never fails. */
size_t quire__warc_skip_blank(quire__cur *c);

/* Looks in p[*off..n) for the first line that starts with "WARC/" (any
 * case) and a digit, where *off itself and every byte after an LF count as line
 * starts. 0 and *off set to it, or QUIRE_E_NOTFOUND (*off unchanged). For
 * recovery after a bad record: a block may itself hold such a line. */
int quire__warc_resync(const uint8_t *p, size_t n, size_t *off);

/* What a file starts with, from its first bytes (12 are enough). */
#define QUIRE__SNIFF_UNKNOWN 0
#define QUIRE__SNIFF_WARC 1 /* "WARC/" (any case) and a digit */
#define QUIRE__SNIFF_ARC 2  /* "filedesc://": ARC v1 or v2 */
#define QUIRE__SNIFF_GZIP 3 /* 1f 8b */
#define QUIRE__SNIFF_ZSTD 4 /* 28 b5 2f fd (.warc.zst) */
int quire__warc_sniff(const uint8_t *p, size_t n);

/* ====================================================================
 * HTTP messages in WARC records (spec 2)
 * ==================================================================== */

typedef struct quire__http_head {
    int is_response;
    int status;                    /* 100..999 for a response, 0 for a request */
    int major, minor;              /* HTTP/major.minor; minor 0 when absent (HTTP/2) */
    unsigned flags;                /* QUIRE__HF_* */
    size_t head_len;               /* start line .. blank line inclusive */
    size_t method_off, method_len; /* request only, relative to the head */
    size_t target_off, target_len; /* request only */
    size_t reason_off, reason_len; /* response only; may be empty */
    size_t n_fields;
    size_t n_skipped; /* field lines skipped as malformed (QUIRE__HF_SKIPPED) */
    quire__hfield f[QUIRE__HTTP_MAX_FIELDS];
    int chunked;  /* Transfer-Encoding: chunked is the last coding */
    int te_other; /* a transfer coding other than chunked or identity appears */
    int has_length;
    uint64_t content_length; /* valid when has_length */
} quire__http_head;

/* Parses an HTTP/1.x message head at the cursor (status line or request
 * line, fields, blank line); on success the cursor is at the body and 0
 * is returned. Field lines that are not `token ":" value` are skipped and
 * counted rather than fatal; so is an invalid Content-Length (has_length
 * 0, QUIRE__HF_BADLEN). Errors: QUIRE_E_TRUNCATED (the input ends inside
 * the head), QUIRE_E_HTTP (start line, control character), QUIRE_E_LIMIT
 * (over QUIRE__HTTP_MAX_HEAD or QUIRE__HTTP_MAX_FIELDS); spec 2.5. */
int quire__http_head_parse(quire__cur *c, quire__http_head *h);

/* As quire__warc_get, for an HTTP head. */
int quire__http_get(const quire__http_head *h, const uint8_t *head, const char *name,
                    const uint8_t **val, size_t *len);

/* Decodes a chunked body at the cursor, appending the data to out (which
 * bounds it with out->max). Stops after the last chunk's trailer section
 * and its blank line (or at the end of input right after the last-chunk
 * line); the cursor is left there, anything after it is the caller's.
 * Errors: QUIRE_E_HTTP "chunk size", "chunk data", "chunk end",
 * "chunk trailer"; QUIRE_E_TRUNCATED when the input ends inside a chunk;
 * QUIRE_E_LIMIT when the data would pass out->max or a size line or the
 * trailer section is over its limit; QUIRE_E_NOMEM. On failure out keeps
 * the data of the chunks decoded so far. */
int quire__http_dechunk(quire__cur *c, quire__buf *out);

/* Splits a Content-Type value v[0..n): *type_len is the length of
 * "type/subtype" at v[0] (compare it ASCII case-insensitively), *charset
 * and *charset_len the value of the first charset parameter (without its
 * quotes; NULL and 0 when absent or empty). 0, or QUIRE_E_HTTP when v does
 * not start with token "/" token (outputs then 0 and NULL). Malformed
 * parameters end the parameter list without failing. */
int quire__media_type(const uint8_t *v, size_t n, size_t *type_len, const uint8_t **charset,
                      size_t *charset_len);

#endif
