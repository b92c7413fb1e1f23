/* fuzz_frame.c - file header, frames, and the fixed headers inside frame
 * payloads (block, index envelope, trailer, dDUP): format/frame.c and
 * quire__ddup_decode and _encode (format/record.c). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "format.h"
#include "quire.h"

#include "fuzz_util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* A dDUP payload: checked alone, then decoded into entries, which must
 * encode back to the very same bytes (one encoding per list of entries),
 * and a failure leaves the output as it was. */
static void
ddup(quire__cur *p, const uint8_t *payload, size_t len)
{
    quire__allocator a = {fz_heap_alloc, fz_heap_free, NULL};
    quire__buf out, back;
    quire__cur q = *p;
    uint64_t n = 0, n2 = 0;
    int rc = quire__ddup_decode(p, &n, NULL), rc2;
    quire__buf_init(&out, &a, (size_t)1 << 26);
    quire__buf_init(&back, &a, (size_t)1 << 26);
    quire__put_u8(&out, 0x55); /* something before the entries */
    rc2 = quire__ddup_decode(&q, &n2, &out);
    if (rc2 != rc && !(rc == 0 && rc2 == QUIRE_E_NOMEM)) {
        abort();
    }
    if (rc != 0) {
        if (out.len != 1 || (p->err_off != q.err_off && q.err != QUIRE_E_NOMEM)) {
            abort();
        }
    } else if (q.err == 0) {
        if (n != n2 || out.len != 1 + (size_t)n * QUIRE__DDUP_ENTRY) {
            abort();
        }
        quire__ddup_encode(&back, out.p + 1, (size_t)n);
        if (back.err == 0 && (back.len != len || memcmp(back.p, payload, len) != 0)) {
            abort();
        }
    }
    quire__buf_free(&out);
    quire__buf_free(&back);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    quire__limits l;
    quire__cur c;
    quire__header h;
    quire__limits_default(&l);
    l.frame = (uint64_t)1 << 20;
    l.block = (uint64_t)1 << 20;
    quire__cur_init(&c, data, size, 0);
    if (quire__header_decode(&c, &h) == 0) {
        while (quire__cur_left(&c) > 0) {
            quire__frame f;
            quire__cur p;
            if (quire__frame_decode(&c, &l, &f) != 0) {
                break;
            }
            /* the payload lies inside the input and within the limit */
            if (f.len > l.frame || f.payload < data || f.payload + f.len > data + size) {
                abort();
            }
            quire__cur_init(&p, f.payload, f.len, f.offset + QUIRE__FRAME_HEAD);
            if (f.type == QUIRE__FT_BLOK) {
                quire__block_head bh;
                if (quire__block_head_decode(&p, &l, &bh) == 0 &&
                    (bh.raw_size > l.block || bh.n_records == 0 ||
                     (bh.codec == QUIRE__CODEC_STORED && bh.data_len != bh.raw_size))) {
                    abort();
                }
            } else if (f.type == QUIRE__FT_INDX) {
                quire__env_head eh;
                if (quire__env_head_decode(&p, &l, &eh) == 0 && eh.raw_size > l.index) {
                    abort();
                }
            } else if (f.type == QUIRE__FT_TRLR) {
                quire__trailer t;
                (void)quire__trailer_decode(&p, &t);
            } else if (f.type == QUIRE__FT_DDUP) {
                ddup(&p, f.payload, f.len);
            }
            if (p.off > p.len || (p.err != 0 && p.err_off > size)) {
                abort();
            }
        }
    }
    /* a failure always names an offset inside (or at the end of) the input */
    if (c.off > c.len || (c.err != 0 && (c.err_off > size || c.err_what == NULL))) {
        abort();
    }
    return 0;
}
