/*
 * proof.h - the proof file codec (spec/PROOF.md): one record, its Merkle
 * inclusion path, the SEAL payload of the checkpoint it is proved against,
 * an optional consistency path from an earlier tree size, and a CRC-32.
 *
 * Pure bytes, like the rest of format/: the decoder checks framing, sizes,
 * limits, reserved bits, the SEAL payload's structure (format/seal.c) and
 * the CRC-32; hashes, signatures and the record's content are checked by
 * src/proof.c.
 */
#ifndef QUIRE_FORMAT_PROOF_H
#define QUIRE_FORMAT_PROOF_H

#include <stddef.h>
#include <stdint.h>

#include "cursor.h"
#include "format.h"

#define QUIRE__PROOF_MAGIC_LEN 10
extern const uint8_t quire__proof_magic[QUIRE__PROOF_MAGIC_LEN];
#define QUIRE__PROOF_MAJOR 1
#define QUIRE__PROOF_MINOR 0
#define QUIRE__PROOF_HEAD 44 /* [PROOF 2] magic .. record length */
#define QUIRE__PROOF_F_CONSISTENCY 0x0001u
#define QUIRE__PROOF_RECORD_MAX ((uint32_t)64 << 20) /* 64 MiB */
#define QUIRE__PROOF_PATH_MAX 64
/* the largest SEAL payload format/seal.c accepts: statement length, the
 * statement with the longest comment, the count, 256 entries with 64-byte
 * role names, the consistency proof from the previous checkpoint */
#define QUIRE__PROOF_SEAL_MAX                                                                      \
    (4 + QUIRE__STATEMENT_HEAD + QUIRE__COMMENT_MAX + 2 +                                          \
     QUIRE__SIG_MAX * (2 + QUIRE__ROLE_NAME_MAX + 8 + 32 + 64) + 8 + 1 +                           \
     QUIRE__CONSISTENCY_MAX * 32)
/* magic, versions, flags, reserved, archive id, article, record length,
 * path count, seal length, CRC-32 */
#define QUIRE__PROOF_MIN (QUIRE__PROOF_HEAD + 1 + 4 + 4)

typedef struct quire__proof {
    uint8_t major, minor;
    uint16_t flags;
    const uint8_t *archive_id; /* 16 bytes */
    uint64_t article;          /* leaf index */
    const uint8_t *record;     /* canonical record bytes (not checked here) */
    size_t record_len;
    const uint8_t *path; /* n_path x 32 bytes, leaf to root */
    size_t n_path;
    const uint8_t *seal; /* the SEAL payload */
    size_t seal_len;
    /* the SEAL payload, decoded */
    const uint8_t *stmt;
    size_t stmt_len;
    quire__statement st;
    const uint8_t *sigs; /* n_sigs entries, sigs_len bytes */
    size_t sigs_len;
    size_t n_sigs;
    /* the seal's own consistency proof from the previous checkpoint, for a
     * statement with one (format/seal.c quire__seal_decode_tail) */
    uint64_t seal_prev_size;
    const uint8_t *seal_cpath;
    size_t seal_n_cpath;
    /* consistency section, when flags has QUIRE__PROOF_F_CONSISTENCY */
    uint64_t old_size;
    const uint8_t *cons; /* n_cons x 32 bytes */
    size_t n_cons;
    uint32_t crc;
    int crc_ok;
    /* offsets (from the first byte of the proof), for diagnostics */
    size_t record_off, path_off, seal_off, sigs_off, seal_cpath_off, cons_off, crc_off;
} quire__proof;

/* 1 if buf[0..len) starts with the proof magic. */
int quire__proof_is(const uint8_t *buf, size_t len);
/* Decodes a whole proof: the cursor must hold exactly one (bytes after the
 * CRC-32 are QUIRE_E_TRAILING). A CRC-32 mismatch is QUIRE_E_CRC unless the
 * library is a fuzzing build (crc_ok tells). Pointers point into c->buf. */
int quire__proof_decode(quire__cur *c, quire__proof *p);
/* Appends a proof built from p's fields and its CRC-32: major is always
 * QUIRE__PROOF_MAJOR, minor is p->minor (a writer sets QUIRE__PROOF_MINOR;
 * a decoded proof re-encodes to its own bytes), the decoded seal fields are
 * ignored. Flags other than QUIRE__PROOF_F_CONSISTENCY and sizes over the
 * limits set b->err to QUIRE_E_LIMIT. */
void quire__proof_encode(quire__buf *b, const quire__proof *p);

#endif
