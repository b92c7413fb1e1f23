/* fuzz_record.c - the record decoder on uncompressed bytes (no zlib, no
 * crypto): format/record.c, in its stored form (part references, 5.6).
 * An accepted record is canonical, so encoding what was decoded must give
 * back the input exactly. */
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
    quire__limits l;
    quire__cur c;
    size_t nf = 0, np = 0;
    unsigned flags = 0;
    quire__rfield *f;
    quire__rpart *p;
    quire__buf b;
    if (size > (1u << 20)) {
        return 0;
    }
    quire__limits_default(&l);
    quire__cur_init(&c, data, size, 0);
    if (quire__record_head_stored(&c, &l, &nf, &np, &flags) != 0) {
        return 0;
    }
    f = (quire__rfield *)calloc(nf + 1, sizeof *f);
    p = (quire__rpart *)calloc(np + 1, sizeof *p);
    if (f == NULL || p == NULL) {
        abort();
    }
    /* the stored form [5.6]: a canonical record is one with flags 0 */
    if (quire__record_body_stored(&c, &l, &a, f, nf, p, np, flags) == 0) {
        quire__buf_init(&b, &a, (size_t)1 << 30);
        quire__record_encode_stored(&b, data, f, nf, p, np);
        if (b.err != 0 || b.len != size || memcmp(b.p, data, size) != 0) {
            abort(); /* decoder accepted a non-canonical record */
        }
        quire__buf_free(&b);
    } else if (c.err_off > size || c.err_what == NULL) {
        abort();
    }
    free(f);
    free(p);
    return 0;
}
