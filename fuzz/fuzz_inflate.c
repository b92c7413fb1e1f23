/* fuzz_inflate.c - the bounded inflate wrapper (src/zstream.c): declared
 * size from the first 3 bytes, an optional preset dictionary, then the
 * stream. Success means exactly the declared size came out. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

#include "fuzz_util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const uint8_t dict[] = "the news of the day said that the government";
    quire__allocator a = {fz_heap_alloc, fz_heap_free, NULL};
    size_t raw, i;
    uint8_t *out, *again;
    const char *msg = NULL;
    int e, e2, use_dict;
    if (size < 4 || size > (1u << 20)) {
        return 0;
    }
    raw = ((size_t)data[0] | ((size_t)data[1] << 8) | ((size_t)(data[2] & 0x0F) << 16));
    use_dict = data[3] & 1;
    out = (uint8_t *)malloc(raw + 1);
    again = (uint8_t *)malloc(raw + 1);
    if (out == NULL || again == NULL) {
        abort();
    }
    e = quire__inflate(&a, data + 4, size - 4, out, raw, use_dict ? dict : NULL,
                       use_dict ? sizeof dict - 1 : 0, &msg);
    if (e != 0 && e != QUIRE_E_INFLATE && e != QUIRE_E_DICT) {
        abort();
    }
    /* deterministic: the same input gives the same result and bytes */
    e2 = quire__inflate(&a, data + 4, size - 4, again, raw, use_dict ? dict : NULL,
                        use_dict ? sizeof dict - 1 : 0, &msg);
    if (e2 != e || (e == 0 && memcmp(out, again, raw) != 0)) {
        abort();
    }
    if (e == 0) {
        /* and it round-trips through our deflate */
        quire__buf b;
        quire__buf_init(&b, &a, (size_t)1 << 24);
        if (quire__deflate(&a, 6, out, raw, NULL, 0, &b) != 0 ||
            quire__inflate(&a, b.p, b.len, again, raw, NULL, 0, &msg) != 0 ||
            memcmp(out, again, raw) != 0) {
            abort();
        }
        quire__buf_free(&b);
    }
    for (i = 0; i < 1; i++) {
    }
    free(out);
    free(again);
    return 0;
}
