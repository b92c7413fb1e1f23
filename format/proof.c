/* proof.c - the proof file codec (spec/PROOF.md). */
#include <string.h>

#include "proof.h"
#include "quire.h"

/* PNG's damage detectors around "QPROF" (spec/PROOF.md 2): differs from
 * the archive magic from its second byte on */
const uint8_t quire__proof_magic[QUIRE__PROOF_MAGIC_LEN] = {0x89, 'Q',  'P',  'R',  'O',
                                                            'F',  '\r', '\n', 0x1a, '\n'};

_Static_assert(QUIRE__PROOF_SEAL_MAX == 46793, "spec/PROOF.md 2: seal length limit");
_Static_assert(QUIRE__PROOF_HEAD == 10 + 1 + 1 + 2 + 2 + 16 + 8 + 4, "spec/PROOF.md 2");

int
quire__proof_is(const uint8_t *buf, size_t len)
{
    return buf != NULL && len >= QUIRE__PROOF_MAGIC_LEN &&
           memcmp(buf, quire__proof_magic, QUIRE__PROOF_MAGIC_LEN) == 0;
}

/* fails the cursor at an earlier offset (the start of the field at fault) */
/* a u8 count of 32-byte hashes, at most QUIRE__PROOF_PATH_MAX */
static const uint8_t *
get_hashes(quire__cur *c, size_t *n, const char *what_count, const char *what)
{
    size_t at = c->off;
    uint8_t k = quire__get_u8(c, what_count);
    *n = 0;
    if (c->err != 0) {
        return NULL;
    }
    if (k > QUIRE__PROOF_PATH_MAX) {
        quire__cur_fail_at(c, at, QUIRE_E_LIMIT, what_count);
        return NULL;
    }
    *n = k;
    return quire__get_bytes(c, (size_t)k * 32, what);
}

static int
decode_seal(quire__cur *c, quire__proof *p)
{
    quire__cur s;
    size_t k;
    quire__cur_init(&s, p->seal, p->seal_len, quire__cur_pos(c) - p->seal_len);
    if (quire__seal_decode_head(&s, &p->stmt, &p->stmt_len, &p->st, &p->n_sigs) == 0) {
        p->sigs = s.buf + s.off;
        p->sigs_off = p->seal_off + s.off;
        for (k = 0; k < p->n_sigs && s.err == 0; k++) {
            quire__sigentry e;
            (void)quire__seal_next_sig(&s, &e);
        }
        p->sigs_len = s.off - (size_t)(p->sigs - s.buf);
        /* a statement with a previous checkpoint: its stored consistency
         * proof; then nothing (QUIRE_E_TRAILING "seal") */
        if (s.err == 0) {
            p->seal_cpath_off = p->seal_off + s.off;
            (void)quire__seal_decode_tail(&s, &p->st, &p->seal_prev_size, &p->seal_cpath,
                                          &p->seal_n_cpath);
        }
    }
    if (s.err != 0) {
        /* report the seal's own error at its absolute offset */
        if (c->err == 0) {
            c->err = s.err;
            c->err_off = s.err_off;
            c->err_what = s.err_what;
        }
        return c->err;
    }
    return 0;
}

int
quire__proof_decode(quire__cur *c, quire__proof *p)
{
    size_t start = c->off, at;
    const uint8_t *h;
    uint32_t n32;
    memset(p, 0, sizeof *p);
    /* [2] header */
    h = quire__get_bytes(c, QUIRE__PROOF_MAGIC_LEN, "proof magic");
    if (h == NULL) {
        return c->err;
    }
    if (memcmp(h, quire__proof_magic, QUIRE__PROOF_MAGIC_LEN) != 0) {
        return quire__cur_fail_at(c, start, QUIRE_E_MAGIC, "proof magic");
    }
    at = c->off;
    p->major = quire__get_u8(c, "proof major version");
    p->minor = quire__get_u8(c, "proof minor version");
    if (c->err == 0 && p->major != QUIRE__PROOF_MAJOR) {
        return quire__cur_fail_at(c, at, QUIRE_E_VERSION, "proof major version");
    }
    at = c->off;
    p->flags = quire__get_u16(c, "proof flags");
    if (c->err == 0 && (p->flags & ~QUIRE__PROOF_F_CONSISTENCY) != 0) {
        return quire__cur_fail_at(c, at, QUIRE_E_RESERVED, "proof flags");
    }
    at = c->off;
    if (quire__get_u16(c, "proof reserved") != 0) {
        return quire__cur_fail_at(c, at, QUIRE_E_RESERVED, "proof reserved");
    }
    p->archive_id = quire__get_bytes(c, QUIRE__ARCHIVE_ID_LEN, "proof archive id");
    p->article = quire__get_u64(c, "proof article");
    /* [3] record */
    at = c->off;
    n32 = quire__get_u32(c, "proof record length");
    if (c->err != 0) {
        return c->err;
    }
    if (n32 > QUIRE__PROOF_RECORD_MAX) {
        return quire__cur_fail_at(c, at, QUIRE_E_LIMIT, "proof record length");
    }
    p->record_off = c->off - start;
    p->record = quire__get_bytes(c, n32, "proof record");
    p->record_len = n32;
    /* [4] inclusion path */
    p->path_off = c->off - start;
    p->path = get_hashes(c, &p->n_path, "proof path length", "proof path");
    /* [5] seal */
    at = c->off;
    n32 = quire__get_u32(c, "proof seal length");
    if (c->err != 0) {
        return c->err;
    }
    if (n32 > QUIRE__PROOF_SEAL_MAX) {
        return quire__cur_fail_at(c, at, QUIRE_E_LIMIT, "proof seal length");
    }
    p->seal_off = c->off - start;
    p->seal = quire__get_bytes(c, n32, "proof seal");
    p->seal_len = n32;
    if (p->seal == NULL || decode_seal(c, p) != 0) {
        return c->err;
    }
    /* [6] consistency section */
    if ((p->flags & QUIRE__PROOF_F_CONSISTENCY) != 0) {
        p->cons_off = c->off - start;
        p->old_size = quire__get_u64(c, "proof consistency size");
        p->cons = get_hashes(c, &p->n_cons, "proof consistency length", "proof consistency path");
    }
    /* [7] CRC-32 over every byte before it */
    p->crc_off = c->off - start;
    p->crc = quire__get_u32(c, "proof CRC-32");
    if (c->err != 0) {
        return c->err;
    }
    if (quire__cur_left(c) != 0) {
        return quire__cur_fail(c, QUIRE_E_TRAILING, "proof");
    }
    p->crc_ok = quire__crc32(0, c->buf + start, p->crc_off) == p->crc;
    if (!p->crc_ok && !QUIRE__FUZZING) {
        return quire__cur_fail_at(c, start + p->crc_off, QUIRE_E_CRC, "proof CRC-32");
    }
    return 0;
}

void
quire__proof_encode(quire__buf *b, const quire__proof *p)
{
    static const uint8_t zero16[16];
    size_t start = b->len;
    if (b->err != 0) {
        return;
    }
    if ((p->flags & ~QUIRE__PROOF_F_CONSISTENCY) != 0 || p->record_len > QUIRE__PROOF_RECORD_MAX ||
        p->n_path > QUIRE__PROOF_PATH_MAX || p->seal_len > QUIRE__PROOF_SEAL_MAX ||
        p->n_cons > QUIRE__PROOF_PATH_MAX) {
        b->err = QUIRE_E_LIMIT;
        return;
    }
    quire__put_bytes(b, quire__proof_magic, QUIRE__PROOF_MAGIC_LEN);
    quire__put_u8(b, QUIRE__PROOF_MAJOR);
    quire__put_u8(b, p->minor); /* writers: QUIRE__PROOF_MINOR */
    quire__put_u16(b, p->flags);
    quire__put_u16(b, 0);
    quire__put_bytes(b, p->archive_id != NULL ? p->archive_id : zero16, QUIRE__ARCHIVE_ID_LEN);
    quire__put_u64(b, p->article);
    quire__put_u32(b, (uint32_t)p->record_len);
    quire__put_bytes(b, p->record, p->record_len);
    quire__put_u8(b, (uint8_t)p->n_path);
    quire__put_bytes(b, p->path, p->n_path * 32);
    quire__put_u32(b, (uint32_t)p->seal_len);
    quire__put_bytes(b, p->seal, p->seal_len);
    if ((p->flags & QUIRE__PROOF_F_CONSISTENCY) != 0) {
        quire__put_u64(b, p->old_size);
        quire__put_u8(b, (uint8_t)p->n_cons);
        quire__put_bytes(b, p->cons, p->n_cons * 32);
    }
    if (b->err == 0) {
        quire__put_u32(b, quire__crc32(0, b->p + start, b->len - start));
    }
}
