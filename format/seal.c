/* seal.c - checkpoint statements and SEAL frame payloads (spec section 11). */
#include <string.h>

#include "format.h"
#include "quire.h"
#include "utf8.h"

const uint8_t quire__statement_magic[8] = {'Q', 'U', 'I', 'R', 'E', 'C', 'P', '1'};
/* domain separation: a seal signature can never be taken for a signature
 * over anything else (a minisign file signature, a publisher signature) */
const uint8_t quire__seal_context[14] = {'q', 'u', 'i', 'r', 'e', ' ', 's',
                                         'e', 'a', 'l', ' ', 'v', '1', 0};

void
quire__statement_encode(quire__buf *b, const quire__statement *st)
{
    uint8_t zero[7] = {0};
    quire__put_bytes(b, quire__statement_magic, 8);
    quire__put_u8(b, st->flags);
    quire__put_bytes(b, zero, 7);
    quire__put_bytes(b, st->archive_id, 16);
    quire__put_u64(b, st->checkpoint);
    quire__put_u64(b, st->tree_size);
    quire__put_bytes(b, st->root, 32);
    quire__put_bytes(b, st->prev, 32);
    quire__put_bytes(b, st->index_digest, 32);
    quire__put_bytes(b, st->dict_digest, 32);
    quire__put_u64(b, (uint64_t)st->created);
    quire__put_u16(b, (uint16_t)st->comment_len);
    quire__put_bytes(b, st->comment, st->comment_len);
}

static int
all_zero(const uint8_t *p, size_t n)
{
    size_t i;
    uint8_t acc = 0;
    for (i = 0; i < n; i++) {
        acc |= p[i];
    }
    return acc == 0;
}

int
quire__statement_decode(quire__cur *c, quire__statement *st)
{
    size_t at = c->off, bad;
    const uint8_t *p = quire__get_bytes(c, QUIRE__STATEMENT_HEAD, "statement");
    uint16_t n;
    memset(st, 0, sizeof *st);
    if (p == NULL) {
        return c->err;
    }
    if (memcmp(p, quire__statement_magic, 8) != 0) {
        return quire__cur_fail_at(c, at, QUIRE_E_SEAL, "statement magic");
    }
    st->flags = p[8];
    if ((st->flags & ~(QUIRE__STMT_F_PREV | QUIRE__STMT_F_DICT)) != 0) {
        return quire__cur_fail_at(c, at + 8, QUIRE_E_RESERVED, "statement flags");
    }
    if (!all_zero(p + 9, 7)) {
        return quire__cur_fail_at(c, at + 9, QUIRE_E_RESERVED, "statement reserved");
    }
    memcpy(st->archive_id, p + 16, 16);
    st->checkpoint = quire__ld64(p + 32);
    st->tree_size = quire__ld64(p + 40);
    memcpy(st->root, p + 48, 32);
    memcpy(st->prev, p + 80, 32);
    memcpy(st->index_digest, p + 112, 32);
    memcpy(st->dict_digest, p + 144, 32);
    {
        uint64_t u = quire__ld64(p + 176);
        st->created = u <= (uint64_t)INT64_MAX ? (int64_t)u : -(int64_t)(~u) - 1;
    }
    n = quire__ld16(p + 184);
    /* canonical: a digest that the flags say is absent is all zeros, and a
     * first checkpoint has no previous one */
    if (!(st->flags & QUIRE__STMT_F_PREV) && !all_zero(st->prev, 32)) {
        return quire__cur_fail_at(c, at + 80, QUIRE_E_SEAL, "statement previous digest");
    }
    if ((st->flags & QUIRE__STMT_F_PREV) != 0 && st->checkpoint == 0) {
        return quire__cur_fail_at(c, at + 8, QUIRE_E_SEAL, "statement flags");
    }
    if ((st->flags & QUIRE__STMT_F_PREV) == 0 && st->checkpoint != 0) {
        return quire__cur_fail_at(c, at + 8, QUIRE_E_SEAL, "statement flags");
    }
    if (!(st->flags & QUIRE__STMT_F_DICT) && !all_zero(st->dict_digest, 32)) {
        return quire__cur_fail_at(c, at + 144, QUIRE_E_SEAL, "statement dictionary digest");
    }
    if (n > QUIRE__COMMENT_MAX) {
        return quire__cur_fail_at(c, at + 184, QUIRE_E_LIMIT, "statement comment length");
    }
    st->comment = quire__get_bytes(c, n, "statement comment");
    st->comment_len = n;
    if (st->comment == NULL) {
        return c->err;
    }
    if (!quire__utf8_check(st->comment, n, &bad)) {
        return quire__cur_fail_at(c, at + QUIRE__STATEMENT_HEAD + bad, QUIRE_E_UTF8, "statement comment");
    }
    if (quire__cur_left(c) != 0) {
        return quire__cur_fail(c, QUIRE_E_TRAILING, "statement");
    }
    return 0;
}

void
quire__seal_message(quire__buf *b, uint8_t role, const uint8_t *name, size_t name_len,
                    const uint8_t *stmt, size_t stmt_len)
{
    quire__put_bytes(b, quire__seal_context, sizeof quire__seal_context);
    quire__put_u8(b, role);
    quire__put_u8(b, (uint8_t)name_len);
    quire__put_bytes(b, name, name_len);
    quire__put_bytes(b, stmt, stmt_len);
}

void
quire__seal_put_statement(quire__buf *b, const uint8_t *stmt, size_t stmt_len, uint16_t n_sigs)
{
    quire__put_u32(b, (uint32_t)stmt_len);
    quire__put_bytes(b, stmt, stmt_len);
    quire__put_u16(b, n_sigs);
}

void
quire__seal_put_sig(quire__buf *b, uint8_t role, const uint8_t *name, size_t name_len,
                    const uint8_t key_id[8], const uint8_t pk[32], const uint8_t sig[64])
{
    quire__put_u8(b, role);
    quire__put_u8(b, (uint8_t)name_len);
    quire__put_bytes(b, name, name_len);
    quire__put_bytes(b, key_id, 8);
    quire__put_bytes(b, pk, 32);
    quire__put_bytes(b, sig, 64);
}

int
quire__seal_decode_head(quire__cur *c, const uint8_t **stmt, size_t *stmt_len,
                        quire__statement *st, size_t *n_sigs)
{
    size_t at = c->off;
    uint32_t len = quire__get_u32(c, "statement length");
    quire__cur sc;
    uint16_t n;
    if (c->err != 0) {
        return c->err;
    }
    if (len < QUIRE__STATEMENT_HEAD || len > QUIRE__STATEMENT_HEAD + QUIRE__COMMENT_MAX) {
        return quire__cur_fail_at(c, at, QUIRE_E_SEAL, "statement length");
    }
    *stmt = quire__get_bytes(c, len, "statement");
    if (*stmt == NULL) {
        return c->err;
    }
    *stmt_len = len;
    quire__cur_init(&sc, *stmt, len, quire__cur_pos(c) - len);
    if (quire__statement_decode(&sc, st) != 0) {
        c->off = at + 4 + sc.off;
        return quire__cur_fail(c, sc.err, sc.err_what);
    }
    at = c->off;
    n = quire__get_u16(c, "signature count");
    if (c->err != 0) {
        return c->err;
    }
    if (n > QUIRE__SIG_MAX) {
        return quire__cur_fail_at(c, at, QUIRE_E_LIMIT, "signature count");
    }
    /* each entry takes at least 106 bytes: the count cannot promise more
     * entries than the bytes that remain */
    if ((size_t)n * 106 > quire__cur_left(c)) {
        return quire__cur_fail_at(c, at, QUIRE_E_TRUNCATED, "signature count");
    }
    *n_sigs = n;
    return 0;
}

int
quire__seal_next_sig(quire__cur *c, quire__sigentry *e)
{
    size_t at = c->off, bad;
    memset(e, 0, sizeof *e);
    e->role = quire__get_u8(c, "signature role");
    e->name_len = quire__get_u8(c, "signature role name length");
    if (c->err != 0) {
        return c->err;
    }
    if (e->role > QUIRE_ROLE_NAMED) {
        return quire__cur_fail_at(c, at, QUIRE_E_SEAL, "signature role");
    }
    if ((e->role == QUIRE_ROLE_NAMED) != (e->name_len != 0) ||
        e->name_len > QUIRE__ROLE_NAME_MAX) {
        return quire__cur_fail_at(c, at + 1, QUIRE_E_SEAL, "signature role name length");
    }
    e->name = quire__get_bytes(c, e->name_len, "signature role name");
    if (e->name != NULL && !quire__utf8_check(e->name, e->name_len, &bad)) {
        return quire__cur_fail_at(c, at + 2 + bad, QUIRE_E_UTF8, "signature role name");
    }
    e->key_id = quire__get_bytes(c, 8, "signature key id");
    e->pk = quire__get_bytes(c, 32, "signature public key");
    e->sig = quire__get_bytes(c, 64, "signature");
    return c->err;
}

void
quire__seal_put_consistency(quire__buf *b, uint64_t prev_size, const uint8_t *path, size_t n_path)
{
    quire__put_u64(b, prev_size);
    quire__put_u8(b, (uint8_t)n_path);
    quire__put_bytes(b, path, n_path * 32);
}

int
quire__seal_decode_tail(quire__cur *c, const quire__statement *st, uint64_t *prev_size,
                        const uint8_t **path, size_t *n_path)
{
    size_t at;
    uint8_t n;
    *prev_size = 0;
    *path = NULL;
    *n_path = 0;
    if ((st->flags & QUIRE__STMT_F_PREV) != 0) {
        *prev_size = quire__get_u64(c, "consistency previous size");
        at = c->off;
        n = quire__get_u8(c, "consistency proof length");
        if (c->err != 0) {
            return c->err;
        }
        if (*prev_size > st->tree_size) {
            return quire__cur_fail_at(c, at - 8, QUIRE_E_SEAL, "consistency previous size");
        }
        if (n > QUIRE__CONSISTENCY_MAX) {
            return quire__cur_fail_at(c, at, QUIRE_E_LIMIT, "consistency proof length");
        }
        /* from an empty tree, or to a tree of the same size, there is
         * nothing to prove: canonical form has no hashes */
        if (n != 0 && (*prev_size == 0 || *prev_size == st->tree_size)) {
            return quire__cur_fail_at(c, at, QUIRE_E_SEAL, "consistency proof length");
        }
        *path = quire__get_bytes(c, (size_t)n * 32, "consistency proof");
        *n_path = n;
        if (c->err != 0) {
            return c->err;
        }
    }
    if (quire__cur_left(c) != 0) {
        return quire__cur_fail(c, QUIRE_E_TRAILING, "seal");
    }
    return 0;
}
