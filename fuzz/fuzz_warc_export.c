/* fuzz_warc_export.c - the WARC export (src/warc.c) of what the import made
 * of any bytes: the input is imported into an in-memory archive, that
 * archive exported as WARC/1.1, and the export imported again; it must give
 * the same number of articles. Up to 8 articles: an input of a few KB can
 * hold hundreds (repeated gzip members), each parsed as HTML three times
 * over; the round trip of 8 takes every path of the export (warcinfo once,
 * requests and metadata with their record, resources) and ran at 775
 * exec/s from the corpus of session 6, against 670 with 32. */
#include <stdint.h>
#include <stdlib.h>

#include "internal.h"
#include "quire.h"

#include "fuzz_util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fz_out a, x;
    quire_reader *r;
    uint64_t n;
    if (size > (1u << 20)) {
        return 0;
    }
    n = fz_warc_import(data, size, &a);
    if (n > 8) {
        free(a.p);
        return 0;
    }
    memset(&x, 0, sizeof x);
    if (quire_reader_new(&r, fz_pool_alloc()) != 0 || quire_reader_open_memory(r, a.p, a.len, NULL) != 0 ||
        quire_warc_export(r, fz_out_write, &x, NULL, NULL) != 0) {
        abort();
    }
    quire_reader_free(r);
    free(a.p);
    if (fz_warc_import(x.p, x.len, &a) != n) {
        abort();
    }
    free(a.p);
    free(x.p);
    return 0;
}
