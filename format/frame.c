/* frame.c - file header, frames, CRC-32, block and envelope headers,
 * trailer, limits (spec sections 2, 3, 4, 7, 8, 10). */
#include <string.h>

#include "format.h"
#include "quire.h"

const uint8_t quire__magic[QUIRE__MAGIC_LEN] = {0x89, 'Q', 'U', 'I', 'R', 'E', '\r', '\n', 0x1a,
                                                '\n'};

/* ====================================================================== */
/* limits [10] */

#define KiB ((uint64_t)1024)
#define MiB (KiB * 1024)
#define GiB (MiB * 1024)

static const struct {
    uint64_t def, max;
} limit_table[] = {
    {0, 0},                             /* unused */
    {1 * GiB, 4 * GiB - 1},             /* FRAME */
    {64 * MiB, 1 * GiB},                /* BLOCK */
    {64 * MiB, 1 * GiB},                /* RECORD */
    {1024, 65535},                      /* FIELDS */
    {16 * MiB, 1 * GiB},                /* FIELD */
    {256, 65535},                       /* PARTS */
    {(uint64_t)1 << 24, 0xFFFFFFFFu},   /* ARTICLES */
    {2 * GiB, 4 * GiB},                 /* INDEX */
    {1032, (uint64_t)1 << 20},          /* RATIO */
    {65535, (uint64_t)1 << 24},         /* LIST */
};
#define N_LIMITS ((int)(sizeof limit_table / sizeof limit_table[0]))

int
quire__limits_info(int which, uint64_t *def, uint64_t *max)
{
    if (which <= 0 || which >= N_LIMITS) {
        return QUIRE_E_ARG;
    }
    if (def != NULL) {
        *def = limit_table[which].def;
    }
    if (max != NULL) {
        *max = limit_table[which].max;
    }
    return QUIRE_OK;
}

static uint64_t *
limit_slot(quire__limits *l, int which)
{
    switch (which) {
    case QUIRE_LIMIT_FRAME: return &l->frame;
    case QUIRE_LIMIT_BLOCK: return &l->block;
    case QUIRE_LIMIT_RECORD: return &l->record;
    case QUIRE_LIMIT_FIELDS: return &l->fields;
    case QUIRE_LIMIT_FIELD: return &l->field;
    case QUIRE_LIMIT_PARTS: return &l->parts;
    case QUIRE_LIMIT_ARTICLES: return &l->articles;
    case QUIRE_LIMIT_INDEX: return &l->index;
    case QUIRE_LIMIT_RATIO: return &l->ratio;
    case QUIRE_LIMIT_LIST: return &l->list;
    default: return NULL;
    }
}

void
quire__limits_default(quire__limits *l)
{
    int i;
    for (i = 1; i < N_LIMITS; i++) {
        *limit_slot(l, i) = limit_table[i].def;
    }
}

int
quire__limits_set(quire__limits *l, int which, uint64_t value)
{
    uint64_t *slot = limit_slot(l, which);
    if (slot == NULL || value == 0 || value > limit_table[which].max) {
        return QUIRE_E_ARG;
    }
    *slot = value;
    return QUIRE_OK;
}

/* ====================================================================== */
/* CRC-32 [3.2]: reflected polynomial 0xEDB88320, init and final xor ~0 */

/* generated from the polynomial; const so that no lazy initialization races */
static const uint32_t crc_table[256] = {
    0x00000000u, 0x77073096u, 0xee0e612cu, 0x990951bau, 0x076dc419u, 0x706af48fu,
    0xe963a535u, 0x9e6495a3u, 0x0edb8832u, 0x79dcb8a4u, 0xe0d5e91eu, 0x97d2d988u,
    0x09b64c2bu, 0x7eb17cbdu, 0xe7b82d07u, 0x90bf1d91u, 0x1db71064u, 0x6ab020f2u,
    0xf3b97148u, 0x84be41deu, 0x1adad47du, 0x6ddde4ebu, 0xf4d4b551u, 0x83d385c7u,
    0x136c9856u, 0x646ba8c0u, 0xfd62f97au, 0x8a65c9ecu, 0x14015c4fu, 0x63066cd9u,
    0xfa0f3d63u, 0x8d080df5u, 0x3b6e20c8u, 0x4c69105eu, 0xd56041e4u, 0xa2677172u,
    0x3c03e4d1u, 0x4b04d447u, 0xd20d85fdu, 0xa50ab56bu, 0x35b5a8fau, 0x42b2986cu,
    0xdbbbc9d6u, 0xacbcf940u, 0x32d86ce3u, 0x45df5c75u, 0xdcd60dcfu, 0xabd13d59u,
    0x26d930acu, 0x51de003au, 0xc8d75180u, 0xbfd06116u, 0x21b4f4b5u, 0x56b3c423u,
    0xcfba9599u, 0xb8bda50fu, 0x2802b89eu, 0x5f058808u, 0xc60cd9b2u, 0xb10be924u,
    0x2f6f7c87u, 0x58684c11u, 0xc1611dabu, 0xb6662d3du, 0x76dc4190u, 0x01db7106u,
    0x98d220bcu, 0xefd5102au, 0x71b18589u, 0x06b6b51fu, 0x9fbfe4a5u, 0xe8b8d433u,
    0x7807c9a2u, 0x0f00f934u, 0x9609a88eu, 0xe10e9818u, 0x7f6a0dbbu, 0x086d3d2du,
    0x91646c97u, 0xe6635c01u, 0x6b6b51f4u, 0x1c6c6162u, 0x856530d8u, 0xf262004eu,
    0x6c0695edu, 0x1b01a57bu, 0x8208f4c1u, 0xf50fc457u, 0x65b0d9c6u, 0x12b7e950u,
    0x8bbeb8eau, 0xfcb9887cu, 0x62dd1ddfu, 0x15da2d49u, 0x8cd37cf3u, 0xfbd44c65u,
    0x4db26158u, 0x3ab551ceu, 0xa3bc0074u, 0xd4bb30e2u, 0x4adfa541u, 0x3dd895d7u,
    0xa4d1c46du, 0xd3d6f4fbu, 0x4369e96au, 0x346ed9fcu, 0xad678846u, 0xda60b8d0u,
    0x44042d73u, 0x33031de5u, 0xaa0a4c5fu, 0xdd0d7cc9u, 0x5005713cu, 0x270241aau,
    0xbe0b1010u, 0xc90c2086u, 0x5768b525u, 0x206f85b3u, 0xb966d409u, 0xce61e49fu,
    0x5edef90eu, 0x29d9c998u, 0xb0d09822u, 0xc7d7a8b4u, 0x59b33d17u, 0x2eb40d81u,
    0xb7bd5c3bu, 0xc0ba6cadu, 0xedb88320u, 0x9abfb3b6u, 0x03b6e20cu, 0x74b1d29au,
    0xead54739u, 0x9dd277afu, 0x04db2615u, 0x73dc1683u, 0xe3630b12u, 0x94643b84u,
    0x0d6d6a3eu, 0x7a6a5aa8u, 0xe40ecf0bu, 0x9309ff9du, 0x0a00ae27u, 0x7d079eb1u,
    0xf00f9344u, 0x8708a3d2u, 0x1e01f268u, 0x6906c2feu, 0xf762575du, 0x806567cbu,
    0x196c3671u, 0x6e6b06e7u, 0xfed41b76u, 0x89d32be0u, 0x10da7a5au, 0x67dd4accu,
    0xf9b9df6fu, 0x8ebeeff9u, 0x17b7be43u, 0x60b08ed5u, 0xd6d6a3e8u, 0xa1d1937eu,
    0x38d8c2c4u, 0x4fdff252u, 0xd1bb67f1u, 0xa6bc5767u, 0x3fb506ddu, 0x48b2364bu,
    0xd80d2bdau, 0xaf0a1b4cu, 0x36034af6u, 0x41047a60u, 0xdf60efc3u, 0xa867df55u,
    0x316e8eefu, 0x4669be79u, 0xcb61b38cu, 0xbc66831au, 0x256fd2a0u, 0x5268e236u,
    0xcc0c7795u, 0xbb0b4703u, 0x220216b9u, 0x5505262fu, 0xc5ba3bbeu, 0xb2bd0b28u,
    0x2bb45a92u, 0x5cb36a04u, 0xc2d7ffa7u, 0xb5d0cf31u, 0x2cd99e8bu, 0x5bdeae1du,
    0x9b64c2b0u, 0xec63f226u, 0x756aa39cu, 0x026d930au, 0x9c0906a9u, 0xeb0e363fu,
    0x72076785u, 0x05005713u, 0x95bf4a82u, 0xe2b87a14u, 0x7bb12baeu, 0x0cb61b38u,
    0x92d28e9bu, 0xe5d5be0du, 0x7cdcefb7u, 0x0bdbdf21u, 0x86d3d2d4u, 0xf1d4e242u,
    0x68ddb3f8u, 0x1fda836eu, 0x81be16cdu, 0xf6b9265bu, 0x6fb077e1u, 0x18b74777u,
    0x88085ae6u, 0xff0f6a70u, 0x66063bcau, 0x11010b5cu, 0x8f659effu, 0xf862ae69u,
    0x616bffd3u, 0x166ccf45u, 0xa00ae278u, 0xd70dd2eeu, 0x4e048354u, 0x3903b3c2u,
    0xa7672661u, 0xd06016f7u, 0x4969474du, 0x3e6e77dbu, 0xaed16a4au, 0xd9d65adcu,
    0x40df0b66u, 0x37d83bf0u, 0xa9bcae53u, 0xdebb9ec5u, 0x47b2cf7fu, 0x30b5ffe9u,
    0xbdbdf21cu, 0xcabac28au, 0x53b39330u, 0x24b4a3a6u, 0xbad03605u, 0xcdd70693u,
    0x54de5729u, 0x23d967bfu, 0xb3667a2eu, 0xc4614ab8u, 0x5d681b02u, 0x2a6f2b94u,
    0xb40bbe37u, 0xc30c8ea1u, 0x5a05df1bu, 0x2d02ef8du,
};

uint32_t
quire__crc32(uint32_t crc, const uint8_t *p, size_t n)
{
    size_t i;
    crc = ~crc;
    for (i = 0; i < n; i++) {
        crc = crc_table[(crc ^ p[i]) & 0xFF] ^ (crc >> 8);
    }
    return ~crc;
}

/* ====================================================================== */
/* file header [2] */

void
quire__header_encode(quire__buf *b)
{
    quire__put_bytes(b, quire__magic, QUIRE__MAGIC_LEN);
    quire__put_u8(b, QUIRE_FORMAT_MAJOR);
    quire__put_u8(b, QUIRE_FORMAT_MINOR);
    quire__put_u16(b, 0); /* flags */
    quire__put_u16(b, 0); /* reserved */
}

int
quire__header_decode(quire__cur *c, quire__header *h)
{
    const uint8_t *m = quire__get_bytes(c, QUIRE__MAGIC_LEN, "file magic");
    uint64_t at;
    if (m == NULL) {
        return c->err;
    }
    if (memcmp(m, quire__magic, QUIRE__MAGIC_LEN) != 0) {
        c->off -= QUIRE__MAGIC_LEN;
        return quire__cur_fail(c, QUIRE_E_MAGIC, "file magic");
    }
    at = c->off;
    h->major = quire__get_u8(c, "format major version");
    h->minor = quire__get_u8(c, "format minor version");
    if (c->err == 0 && h->major != QUIRE_FORMAT_MAJOR) {
        c->off = (size_t)at;
        return quire__cur_fail(c, QUIRE_E_VERSION, "format major version");
    }
    at = c->off;
    if (quire__get_u16(c, "header flags") != 0) {
        c->off = (size_t)at;
        return quire__cur_fail(c, QUIRE_E_RESERVED, "header flags");
    }
    at = c->off;
    if (quire__get_u16(c, "header reserved") != 0) {
        c->off = (size_t)at;
        return quire__cur_fail(c, QUIRE_E_RESERVED, "header reserved");
    }
    return c->err;
}

/* ====================================================================== */
/* frames [3] */

size_t
quire__frame_begin(quire__buf *b, uint32_t type)
{
    size_t pos = b->len;
    quire__put_u32(b, type);
    quire__put_u32(b, 0); /* flags */
    quire__put_u32(b, 0); /* length, patched by quire__frame_end */
    return pos;
}

void
quire__frame_end(quire__buf *b, size_t head_pos)
{
    size_t len;
    if (b->err != 0) {
        return;
    }
    len = b->len - head_pos - QUIRE__FRAME_HEAD;
    if (len > 0xFFFFFFFFu) {
        b->err = QUIRE_E_LIMIT;
        return;
    }
    quire__st32(b->p + head_pos + 8, (uint32_t)len);
    quire__put_u32(b, quire__crc32(0, b->p + head_pos, b->len - head_pos));
}

static int
type_letters_ok(uint32_t t)
{
    int i;
    for (i = 0; i < 4; i++) {
        unsigned ch = (t >> (8 * i)) & 0xFF;
        if (!((ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z'))) {
            return 0;
        }
    }
    return 1;
}

void
quire__frame_type_name(uint32_t type, char out[5])
{
    int i;
    for (i = 0; i < 4; i++) {
        unsigned ch = (type >> (8 * i)) & 0xFF;
        out[i] = (char)(ch >= 0x20 && ch < 0x7F ? ch : '?');
    }
    out[4] = '\0';
}

int
quire__frame_decode(quire__cur *c, const quire__limits *l, quire__frame *f)
{
    size_t start = c->off;
    uint32_t flags, len, crc;
    const uint8_t *head;

    memset(f, 0, sizeof *f);
    f->offset = quire__cur_pos(c);
    head = quire__get_bytes(c, QUIRE__FRAME_HEAD, "frame header");
    if (head == NULL) {
        return c->err;
    }
    f->type = quire__ld32(head);
    flags = quire__ld32(head + 4);
    len = quire__ld32(head + 8);
    if (!type_letters_ok(f->type)) {
        c->off = start;
        return quire__cur_fail(c, QUIRE_E_FRAME, "frame type");
    }
    if (flags != 0) {
        c->off = start + 4;
        return quire__cur_fail(c, QUIRE_E_RESERVED, "frame flags");
    }
    if (len > l->frame) {
        c->off = start + 8;
        return quire__cur_fail(c, QUIRE_E_LIMIT, "frame length");
    }
    f->len = len;
    f->payload = quire__get_bytes(c, len, "frame payload");
    crc = quire__get_u32(c, "frame CRC-32");
    if (c->err != 0) {
        return c->err;
    }
    f->crc = crc;
    f->crc_ok = quire__crc32(0, c->buf + start, QUIRE__FRAME_HEAD + (size_t)len) == crc;
    if (!f->crc_ok && !QUIRE__FUZZING) {
        c->off -= 4;
        return quire__cur_fail(c, QUIRE_E_CRC, "frame CRC-32");
    }
    return 0;
}

/* ====================================================================== */
/* blocks [4] */

void
quire__block_head_encode(quire__buf *b, const quire__block_head *h)
{
    quire__put_u8(b, h->codec);
    quire__put_u8(b, h->flags);
    quire__put_u16(b, 0);
    quire__put_u32(b, h->n_records);
    quire__put_u32(b, h->raw_size);
    quire__put_u64(b, h->first_article);
}

static int
fail_at(quire__cur *c, size_t off, int code, const char *what)
{
    if (c->err == 0) {
        c->off = off;
    }
    return quire__cur_fail(c, code, what);
}

int
quire__block_head_decode(quire__cur *c, const quire__limits *l, quire__block_head *h)
{
    size_t at = c->off;
    h->codec = quire__get_u8(c, "block codec");
    h->flags = quire__get_u8(c, "block flags");
    if (quire__get_u16(c, "block reserved") != 0) {
        return fail_at(c, at + 2, QUIRE_E_RESERVED, "block reserved");
    }
    h->n_records = quire__get_u32(c, "block record count");
    h->raw_size = quire__get_u32(c, "block uncompressed size");
    h->first_article = quire__get_u64(c, "block first article");
    if (c->err != 0) {
        return c->err;
    }
    if (h->codec != QUIRE__CODEC_STORED && h->codec != QUIRE__CODEC_ZLIB) {
        return fail_at(c, at, QUIRE_E_CODEC, "block codec");
    }
    if ((h->flags & ~QUIRE__BLOCK_F_DICT) != 0) {
        return fail_at(c, at + 1, QUIRE_E_RESERVED, "block flags");
    }
    if (h->codec == QUIRE__CODEC_STORED && (h->flags & QUIRE__BLOCK_F_DICT) != 0) {
        return fail_at(c, at + 1, QUIRE_E_BLOCK, "block flags");
    }
    if (h->n_records == 0) {
        return fail_at(c, at + 4, QUIRE_E_BLOCK, "block record count");
    }
    if (h->raw_size > l->block) {
        return fail_at(c, at + 8, QUIRE_E_LIMIT, "block uncompressed size");
    }
    /* each record takes at least its length prefix and header */
    if ((uint64_t)h->n_records * (4 + QUIRE__RECORD_HEAD) > h->raw_size) {
        return fail_at(c, at + 4, QUIRE_E_BLOCK, "block record count");
    }
    if (h->first_article > l->articles) {
        return fail_at(c, at + 12, QUIRE_E_LIMIT, "block first article");
    }
    h->data_len = quire__cur_left(c);
    h->data = quire__get_bytes(c, h->data_len, "block data");
    if (h->codec == QUIRE__CODEC_STORED && h->data_len != h->raw_size) {
        return fail_at(c, at + 8, QUIRE_E_BLOCK, "stored block size");
    }
    /* a compressed block may not expand beyond the ratio limit; no data at
     * all counts as one byte, so an empty stream cannot claim any size */
    if (h->codec == QUIRE__CODEC_ZLIB &&
        (uint64_t)h->raw_size > l->ratio * (uint64_t)(h->data_len > 0 ? h->data_len : 1)) {
        return fail_at(c, at + 8, QUIRE_E_LIMIT, "block compression ratio");
    }
    return c->err;
}

int
quire__block_next_record(quire__cur *c, const quire__limits *l, const uint8_t **rec,
                         size_t *rec_len)
{
    uint32_t n;
    if (c->err != 0) {
        return c->err;
    }
    if (quire__cur_left(c) == 0) {
        return QUIRE_DONE;
    }
    n = quire__get_u32(c, "record length");
    if (c->err == 0 && n < QUIRE__RECORD_HEAD) {
        return fail_at(c, c->off - 4, QUIRE_E_BLOCK, "record length");
    }
    *rec = quire__get_bounded(c, n, l->record, "record");
    *rec_len = n;
    return c->err;
}

/* ====================================================================== */
/* envelope [7.1] */

void
quire__env_head_encode(quire__buf *b, uint8_t codec, uint64_t raw_size)
{
    quire__put_u8(b, codec);
    quire__put_u8(b, 0);
    quire__put_u16(b, 0);
    quire__put_u64(b, raw_size);
}

int
quire__env_head_decode(quire__cur *c, const quire__limits *l, quire__env_head *h)
{
    size_t at = c->off;
    h->codec = quire__get_u8(c, "index codec");
    if (quire__get_u8(c, "index flags") != 0) {
        return fail_at(c, at + 1, QUIRE_E_RESERVED, "index flags");
    }
    if (quire__get_u16(c, "index reserved") != 0) {
        return fail_at(c, at + 2, QUIRE_E_RESERVED, "index reserved");
    }
    h->raw_size = quire__get_u64(c, "index uncompressed size");
    if (c->err != 0) {
        return c->err;
    }
    if (h->codec != QUIRE__CODEC_STORED && h->codec != QUIRE__CODEC_ZLIB) {
        return fail_at(c, at, QUIRE_E_CODEC, "index codec");
    }
    if (h->raw_size > l->index) {
        return fail_at(c, at + 4, QUIRE_E_LIMIT, "index uncompressed size");
    }
    h->data_len = quire__cur_left(c);
    h->data = quire__get_bytes(c, h->data_len, "index data");
    if (h->codec == QUIRE__CODEC_STORED && h->data_len != h->raw_size) {
        return fail_at(c, at + 4, QUIRE_E_INDEX, "stored index size");
    }
    if (h->codec == QUIRE__CODEC_ZLIB &&
        h->raw_size > l->ratio * (uint64_t)(h->data_len > 0 ? h->data_len : 1)) {
        return fail_at(c, at + 4, QUIRE_E_LIMIT, "index compression ratio");
    }
    return c->err;
}

/* ====================================================================== */
/* trailer [8] */

static const uint8_t trailer_end[8] = {'Q', 'U', 'I', 'R', 'E', 'E', 'N', 'D'};

void
quire__trailer_encode(quire__buf *b, const quire__trailer *t)
{
    quire__put_u64(b, t->index_offset);
    quire__put_u64(b, t->dict_offset);
    quire__put_u64(b, t->seal_offset);
    quire__put_u64(b, t->n_articles);
    quire__put_u64(b, t->checkpoint);
    quire__put_u64(b, t->self_offset);
    quire__put_bytes(b, trailer_end, sizeof trailer_end);
}

int
quire__trailer_decode(quire__cur *c, quire__trailer *t)
{
    size_t at = c->off;
    const uint8_t *end;
    if (quire__cur_left(c) != QUIRE__TRAILER_PAYLOAD) {
        return fail_at(c, at, QUIRE_E_TRAILER, "trailer length");
    }
    t->index_offset = quire__get_u64(c, "trailer index offset");
    t->dict_offset = quire__get_u64(c, "trailer dictionary offset");
    t->seal_offset = quire__get_u64(c, "trailer seal offset");
    t->n_articles = quire__get_u64(c, "trailer article count");
    t->checkpoint = quire__get_u64(c, "trailer checkpoint");
    t->self_offset = quire__get_u64(c, "trailer offset");
    end = quire__get_bytes(c, sizeof trailer_end, "trailer end mark");
    if (end != NULL && memcmp(end, trailer_end, sizeof trailer_end) != 0) {
        return fail_at(c, at + 48, QUIRE_E_TRAILER, "trailer end mark");
    }
    if (c->err == 0 && t->self_offset != quire__cur_pos(c) - QUIRE__TRAILER_PAYLOAD - 12) {
        return fail_at(c, at + 40, QUIRE_E_TRAILER, "trailer offset");
    }
    return c->err;
}
