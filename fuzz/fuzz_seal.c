/* fuzz_seal.c - SEAL frame payloads: the checkpoint statement and the
 * signature list (format/seal.c). An accepted payload is canonical:
 * re-encoding what was decoded gives back the input exactly. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "format.h"
#include "quire.h"

#include "fuzz_util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    quire__allocator a = {fz_heap_alloc, fz_heap_free, NULL};
    quire__cur c;
    quire__statement st;
    const uint8_t *stmt;
    size_t stmt_len, n, k;
    quire__buf b, s2;
    if (size > 65536) {
        return 0;
    }
    quire__cur_init(&c, data, size, 0);
    if (quire__seal_decode_head(&c, &stmt, &stmt_len, &st, &n) != 0) {
        if (c.err_off > size || c.err_what == NULL) {
            abort();
        }
        return 0;
    }
    /* the statement re-encodes to its own bytes */
    quire__buf_init(&s2, &a, 1 << 16);
    quire__statement_encode(&s2, &st);
    if (s2.err != 0 || s2.len != stmt_len || memcmp(s2.p, stmt, stmt_len) != 0) {
        abort();
    }
    quire__buf_init(&b, &a, 1 << 20);
    quire__seal_put_statement(&b, stmt, stmt_len, (uint16_t)n);
    for (k = 0; k < n; k++) {
        quire__sigentry e;
        if (quire__seal_next_sig(&c, &e) != 0) {
            break;
        }
        if (e.role > QUIRE_ROLE_NAMED || e.name_len > QUIRE__ROLE_NAME_MAX) {
            abort();
        }
        quire__seal_put_sig(&b, e.role, e.name, e.name_len, e.key_id, e.pk, e.sig);
    }
    if (k == n) {
        uint64_t prev_size;
        const uint8_t *path;
        size_t n_path;
        if (quire__seal_decode_tail(&c, &st, &prev_size, &path, &n_path) == 0) {
            if ((st.flags & QUIRE__STMT_F_PREV) != 0) {
                quire__seal_put_consistency(&b, prev_size, path, n_path);
            }
            if (b.err != 0 || b.len != size || memcmp(b.p, data, size) != 0) {
                abort(); /* an accepted seal that does not re-encode to itself */
            }
        }
    }
    quire__buf_free(&b);
    quire__buf_free(&s2);
    return 0;
}
