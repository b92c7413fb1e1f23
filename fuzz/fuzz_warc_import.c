/* fuzz_warc_import.c - the whole WARC import (src/warc.c) on any bytes:
 * gzip members or plain records, HTTP heads, chunked bodies, content
 * decoding, digests, HTML metadata, revisits and provenance grouping, into
 * an in-memory archive that must then verify, every article read back.
 * The WARC export of what was imported is fuzz_warc_export's: together
 * they ran at 730 exec/s, each alone at about 1,000. */
#include <stdint.h>
#include <stdlib.h>

#include "internal.h"
#include "quire.h"

#include "fuzz_util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fz_out a;
    quire_verifier *v;
    if (size > (1u << 20)) {
        return 0;
    }
    (void)fz_warc_import(data, size, &a);
    if (quire_verifier_new(&v, fz_pool_alloc()) != 0 ||
        quire_verifier_run_memory(v, a.p, a.len, NULL, NULL, NULL) != 0) {
        abort();
    }
    quire_verifier_free(v);
    free(a.p);
    return 0;
}
