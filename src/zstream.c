/* zstream.c - bounded inflate and deflate over zlib, memory through our
 * allocator (STYLE 4: capped output, Z_STREAM_END required, no input left). */
#include <limits.h>
#include <string.h>

#define ZLIB_CONST
#include <zlib.h>

#include "internal.h"

static voidpf
zalloc_cb(voidpf opaque, uInt items, uInt size)
{
    const quire__allocator *a = (const quire__allocator *)opaque;
    size_t n;
    if (!quire__mul_ok(items, size, &n)) {
        return Z_NULL;
    }
    return quire__malloc(a, n);
}

static void
zfree_cb(voidpf opaque, voidpf p)
{
    quire__free((const quire__allocator *)opaque, p);
}

void
quire__zhooks(z_stream *zs, const quire__allocator *a)
{
    memset(zs, 0, sizeof *zs);
    zs->zalloc = zalloc_cb;
    zs->zfree = zfree_cb;
    zs->opaque = (voidpf)(uintptr_t)a;
}

int
quire__inflate(const quire__allocator *a, const uint8_t *in, size_t in_len, uint8_t *out,
               size_t raw_len, const uint8_t *dict, size_t dict_len, const char **zmsg)
{
    return quire__inflate_prefix(a, in, in_len, out, raw_len, raw_len, dict, dict_len, zmsg);
}

int
quire__inflate_prefix(const quire__allocator *a, const uint8_t *in, size_t in_len, uint8_t *out,
                      size_t raw_len, size_t need, const uint8_t *dict, size_t dict_len,
                      const char **zmsg)
{
    return quire__inflate_ex(a, in, in_len, out, raw_len, need, dict, dict_len, NULL, NULL, zmsg);
}

/* input is fed in steps of this size when the caller wants to hear of it */
#define INFLATE_STEP ((size_t)1 << 20)

/* 1 when in starts with a zlib header (RFC 1950) that names the preset
 * dictionary dict: the caller may then inflate the raw DEFLATE data after
 * it. zlib in its wrapper mode sums the 32 KiB dictionary (Adler-32) on
 * every stream to check that id, a tenth of a random access; the id is
 * checked here with our Adler-32 instead. Any other header goes to zlib,
 * which reports it in its words. */
static int
dict_header_ok(const uint8_t *in, size_t in_len, const uint8_t *dict, size_t dict_len)
{
    unsigned cmf, flg;
    if (dict == NULL || in_len < 6 + 4) {
        return 0;
    }
    cmf = in[0];
    flg = in[1];
    return (cmf & 0x0f) == 8 && (cmf >> 4) <= 7 && (cmf * 256 + flg) % 31 == 0 &&
           (flg & 0x20) != 0 && quire__ld32be(in + 2) == quire__adler32(1, dict, dict_len);
}

int
quire__inflate_ex(const quire__allocator *a, const uint8_t *in, size_t in_len, uint8_t *out,
                  size_t raw_len, size_t need, const uint8_t *dict, size_t dict_len,
                  void (*consumed)(void *ctx, size_t n), void *ctx, const char **zmsg)
{
    z_stream zs;
    int zr, rc = QUIRE_E_INFLATE;
    /* A whole stream inflated in one go (the output holds all of it) asks
     * for Z_FINISH: zlib then writes straight into the output and neither
     * allocates nor fills its 32 KiB window, a third of the cost of a 4 KiB
     * index page. A prefix or a stepped input keeps the window. */
    int flush = need >= raw_len && consumed == NULL ? Z_FINISH : Z_NO_FLUSH;
    /* raw: the DEFLATE data after a checked header with a dictionary id,
     * then the 4-byte Adler-32, which is ours to check */
    int raw = dict_header_ok(in, in_len, dict, dict_len);
    const uint8_t *src = raw ? in + 6 : in;
    size_t src_len = raw ? in_len - 6 : in_len, tail = raw ? 4 : 0;
    *zmsg = NULL;
    quire__zhooks(&zs, a);
    zr = raw ? inflateInit2(&zs, -15) : inflateInit(&zs);
    if (zr != Z_OK) {
        return zr == Z_MEM_ERROR ? QUIRE_E_NOMEM : QUIRE_E_INFLATE;
    }
    if (raw && (zr = inflateSetDictionary(&zs, dict, (uInt)dict_len)) != Z_OK) {
        inflateEnd(&zs);
        return zr == Z_MEM_ERROR ? QUIRE_E_NOMEM : QUIRE_E_DICT;
    }
    /* A whole stream's Adler-32 is checked below, faster than zlib checks
     * it (adler.c); a prefix is never checked. Fuzzing builds let mutated
     * streams past the check (FUZZING.md 2). */
    inflateValidate(&zs, 0);
    zs.next_in = src;
    zs.next_out = out;
    for (;;) {
        /* positions come from the stream pointers: zlib does not count the
         * header it consumed before asking for a dictionary in total_in */
        size_t done_in = (size_t)(zs.next_in - src);
        size_t done_out = (size_t)(zs.next_out - out);
        size_t in_left = src_len - done_in;
        size_t out_left = raw_len - done_out;
        uint8_t spare;
        int full = out_left == 0;
        if (consumed != NULL) {
            consumed(ctx, done_in + (size_t)(src - in));
            if (in_left > INFLATE_STEP) {
                in_left = INFLATE_STEP;
            }
        }
        zs.avail_in = in_left > UINT_MAX ? UINT_MAX : (uInt)in_left;
        if (full) {
            /* declared size reached: one spare byte tells a longer stream */
            zs.next_out = &spare;
            zs.avail_out = 1;
        } else {
            size_t cap = need < raw_len ? need - done_out : out_left;
            zs.avail_out = cap > UINT_MAX ? UINT_MAX : (uInt)cap;
        }
        zr = inflate(&zs, flush);
        if (full) {
            if (zs.avail_out == 0) {
                *zmsg = "stream longer than the declared size";
                break;
            }
            zs.next_out = out + raw_len;
        }
        if (zr == Z_NEED_DICT) {
            int zd = dict != NULL ? inflateSetDictionary(&zs, dict, (uInt)dict_len) : Z_DATA_ERROR;
            if (zd == Z_MEM_ERROR) {
                rc = QUIRE_E_NOMEM; /* zlib allocates its window here */
                break;
            }
            if (zd != Z_OK) {
                rc = QUIRE_E_DICT;
                *zmsg = dict == NULL ? "preset dictionary absent" : "wrong preset dictionary";
                break;
            }
            continue;
        }
        if (zr == Z_STREAM_END) {
            size_t left = src_len - (size_t)(zs.next_in - src);
            if ((size_t)(zs.next_out - out) != raw_len) {
                *zmsg = "stream shorter than the declared size";
            } else if (left < tail) {
                *zmsg = "compressed data ends early"; /* the Adler-32 is cut */
            } else if (left != tail) {
                *zmsg = "bytes after the end of the stream";
            } else if (!QUIRE__FUZZING && in_len >= 4 &&
                       quire__adler32(1, out, raw_len) != quire__ld32be(in + in_len - 4)) {
                *zmsg = "incorrect data check"; /* zlib's words for it */
            } else {
                rc = 0;
            }
            break;
        }
        if (zr == Z_MEM_ERROR) {
            rc = QUIRE_E_NOMEM;
            break;
        }
        if (zr == Z_OK && need < raw_len && (size_t)(zs.next_out - out) >= need) {
            rc = 0; /* the prefix asked for is there; the rest is not read */
            break;
        }
        /* Z_FINISH says Z_BUF_ERROR where the input or output ran out */
        if ((zr == Z_OK || zr == Z_BUF_ERROR) && ((size_t)(zs.next_in - src) != done_in ||
                                                  (size_t)(zs.next_out - out) != done_out)) {
            continue; /* progress */
        }
        /* Z_DATA_ERROR, Z_STREAM_ERROR, or no progress (input ended early) */
        *zmsg = zs.msg != NULL ? zs.msg : "compressed data ends early";
        break;
    }
    inflateEnd(&zs);
    return rc;
}

int
quire__deflate(const quire__allocator *a, int level, const uint8_t *in, size_t in_len,
               const uint8_t *dict, size_t dict_len, quire__buf *b)
{
    z_stream zs;
    int zr, rc = 0;
    uLong bound;
    quire__zhooks(&zs, a);
    if (in_len > UINT_MAX) {
        return QUIRE_E_LIMIT;
    }
    zr = deflateInit2(&zs, level, Z_DEFLATED, 15, 9, Z_DEFAULT_STRATEGY);
    if (zr != Z_OK) {
        return zr == Z_MEM_ERROR ? QUIRE_E_NOMEM : QUIRE_E_ARG;
    }
    if (dict != NULL && deflateSetDictionary(&zs, dict, (uInt)dict_len) != Z_OK) {
        deflateEnd(&zs);
        return QUIRE_E_ARG;
    }
    bound = deflateBound(&zs, (uLong)in_len);
    if (bound > UINT_MAX || quire__buf_reserve(b, (size_t)bound) != 0) {
        deflateEnd(&zs);
        return b->err != 0 ? b->err : QUIRE_E_LIMIT;
    }
    zs.next_in = in;
    zs.avail_in = (uInt)in_len;
    zs.next_out = b->p + b->len;
    zs.avail_out = (uInt)bound;
    zr = deflate(&zs, Z_FINISH);
    if (zr != Z_STREAM_END) {
        rc = zr == Z_MEM_ERROR ? QUIRE_E_NOMEM : QUIRE_E_INFLATE;
    } else {
        b->len += (size_t)zs.total_out;
    }
    deflateEnd(&zs);
    return rc;
}
