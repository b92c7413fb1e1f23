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
    {256 * MiB, 1 * GiB},               /* FRAME */
    {64 * MiB, 1 * GiB},                /* BLOCK */
    {64 * MiB, 1 * GiB},                /* RECORD */
    {1024, 65535},                      /* FIELDS */
    {16 * MiB, 1 * GiB},                /* FIELD */
    {256, 65535},                       /* PARTS */
    {(uint64_t)1 << 28, 0xFFFFFFFFu},   /* ARTICLES */
    {1 * GiB, 4 * GiB},                 /* INDEX */
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

static uint32_t crc_table[256];
static int crc_ready;

static void
crc_init(void)
{
    uint32_t i, j, c;
    for (i = 0; i < 256; i++) {
        c = i;
        for (j = 0; j < 8; j++) {
            c = (c & 1) ? 0xEDB88320u ^ (c >> 1) : c >> 1;
        }
        crc_table[i] = c;
    }
    crc_ready = 1;
}

uint32_t
quire__crc32(uint32_t crc, const uint8_t *p, size_t n)
{
    size_t i;
    /* The table is a pure function of constants: computing it twice from
     * two threads writes the same values, so no lock is needed. */
    if (!crc_ready) {
        crc_init();
    }
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
    /* a compressed block may not expand beyond the ratio limit */
    if (h->codec == QUIRE__CODEC_ZLIB && h->data_len != 0 &&
        (uint64_t)h->raw_size / h->data_len > l->ratio) {
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
    if (h->codec == QUIRE__CODEC_ZLIB && h->data_len != 0 && h->raw_size / h->data_len > l->ratio) {
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
