/*
 * format.h - the pure byte codec of the quire container (spec/FORMAT.md).
 *
 * Encoders append to a quire__buf; decoders read through a quire__cur and
 * leave err, err_off and err_what in it on failure. Nothing here does I/O,
 * compression or cryptography.
 */
#ifndef QUIRE_FORMAT_FORMAT_H
#define QUIRE_FORMAT_FORMAT_H

#include <stddef.h>
#include <stdint.h>

#include "cursor.h"

/* ---- constants (spec section numbers in brackets) ---- */
#define QUIRE__MAGIC_LEN 10
extern const uint8_t quire__magic[QUIRE__MAGIC_LEN];
#define QUIRE__HEADER_LEN 16        /* [2] file header */
#define QUIRE__FRAME_HEAD 12        /* [3] type, flags, length */
#define QUIRE__FRAME_OVERHEAD 16    /* head + CRC-32 */
#define QUIRE__BLOCK_HEAD 20        /* [4] block payload header */
#define QUIRE__ENVELOPE_HEAD 12     /* [7] index payload header */
#define QUIRE__TRAILER_PAYLOAD 56   /* [8] */
#define QUIRE__TRAILER_FRAME (QUIRE__FRAME_OVERHEAD + QUIRE__TRAILER_PAYLOAD)
#define QUIRE__RECORD_HEAD 8        /* [5] */
#define QUIRE__MIN_FIELD 8
#define QUIRE__MIN_PART 8
#define QUIRE__BLOCK_ENTRY 32       /* [7] index block table entry */
#define QUIRE__ARTICLE_ENTRY 44     /* [7] index article entry */
#define QUIRE__PAIR_ENTRY 16        /* [7] URL and date table entries */
#define QUIRE__DIGEST_LEN 32
#define QUIRE__ARCHIVE_ID_LEN 16

#define QUIRE__CODEC_STORED 0
#define QUIRE__CODEC_ZLIB 1
#define QUIRE__CODEC_PAGED 2        /* [7.1] index only: zlib pages */
#define QUIRE__PAGE_MIN 256u        /* [7.1] index page size bounds */
#define QUIRE__PAGE_MAX 1048576u
#define QUIRE__PAGE_HEAD 8          /* [7.1] page_size, n_pages */
#define QUIRE__BLOCK_F_DICT 0x01

/* frame types, as little-endian u32 of their four ASCII letters */
#define QUIRE__FT(a, b, c, d)                                                                      \
    ((uint32_t)(a) | ((uint32_t)(b) << 8) | ((uint32_t)(c) << 16) | ((uint32_t)(d) << 24))
#define QUIRE__FT_BLOK QUIRE__FT('B', 'L', 'O', 'K')
#define QUIRE__FT_DICT QUIRE__FT('D', 'I', 'C', 'T')
#define QUIRE__FT_INDX QUIRE__FT('I', 'N', 'D', 'X')
#define QUIRE__FT_SEAL QUIRE__FT('S', 'E', 'A', 'L')
#define QUIRE__FT_TRLR QUIRE__FT('T', 'R', 'L', 'R')
/* ancillary: part digests a later append deduplicates against [5.6] */
#define QUIRE__FT_DDUP QUIRE__FT('d', 'D', 'U', 'P')
/* ancillary: first letter lowercase */
#define QUIRE__FT_IS_ANCILLARY(t) (((t) & 0x20u) != 0)

/* ---- limits ---- */
typedef struct quire__limits {
    uint64_t frame;
    uint64_t block;
    uint64_t record;
    uint64_t fields;
    uint64_t field;
    uint64_t parts;
    uint64_t articles;
    uint64_t index;
    uint64_t ratio;
    uint64_t list;
} quire__limits;
void quire__limits_default(quire__limits *l);
/* which: QUIRE_LIMIT_*; returns 0 or QUIRE_E_ARG */
int quire__limits_set(quire__limits *l, int which, uint64_t value);
int quire__limits_info(int which, uint64_t *def, uint64_t *max);

/* ---- CRC-32 (ISO-HDLC, as zlib's crc32) ---- */
uint32_t quire__crc32(uint32_t crc, const uint8_t *p, size_t n);

/* ---- file header [2] ---- */
typedef struct quire__header {
    uint8_t major, minor;
} quire__header;
void quire__header_encode(quire__buf *b);
int quire__header_decode(quire__cur *c, quire__header *h);

/* ---- frames [3] ---- */
typedef struct quire__frame {
    uint32_t type;
    uint64_t offset;       /* absolute offset of the frame's first byte */
    const uint8_t *payload;
    uint32_t len;          /* payload length */
    uint32_t crc;          /* stored CRC */
    int crc_ok;
} quire__frame;
/* Starts a frame in b: writes the head with a zero length; returns the head
 * position to give to quire__frame_end. */
size_t quire__frame_begin(quire__buf *b, uint32_t type);
/* Patches the length and appends the CRC-32. */
void quire__frame_end(quire__buf *b, size_t head_pos);
/* Reads one whole frame at the cursor. Checks the type letters, reserved
 * flags, the limit and that the payload is present. CRC mismatch is an
 * error (QUIRE_E_CRC) unless the library is a fuzzing build. */
int quire__frame_decode(quire__cur *c, const quire__limits *l, quire__frame *f);
/* The same; with check_crc 0 the CRC-32 is read but not computed (crc_ok is
 * set, as the caller vouches for it): for a caller that checks the frame's
 * CRC when it reads the frame again (verify's block checks, in parallel). */
int quire__frame_decode_ex(quire__cur *c, const quire__limits *l, quire__frame *f,
                           int check_crc);
/* Writes the four letters of a type (for messages) into out[5]. */
void quire__frame_type_name(uint32_t type, char out[5]);

/* ---- blocks [4] ---- */
typedef struct quire__block_head {
    uint8_t codec;
    uint8_t flags;
    uint32_t n_records;
    uint32_t raw_size;      /* uncompressed bytes */
    uint64_t first_article;
    const uint8_t *data;    /* compressed (or stored) data */
    size_t data_len;
} quire__block_head;
void quire__block_head_encode(quire__buf *b, const quire__block_head *h);
int quire__block_head_decode(quire__cur *c, const quire__limits *l, quire__block_head *h);
/* Walks the uncompressed records of a block: each call gives the next
 * record's bytes; returns 0, QUIRE_DONE at the exact end, or an error. */
int quire__block_next_record(quire__cur *c, const quire__limits *l, const uint8_t **rec,
                             size_t *rec_len);

/* ---- records [5] ---- */
typedef struct quire__rfield {
    uint16_t key;
    uint8_t type;
    size_t name_off, name_len; /* extension name, relative to the base buffer */
    size_t val_off, val_len;
    size_t n_items;            /* LIST */
} quire__rfield;
typedef struct quire__rpart {
    size_t name_off, name_len;
    size_t media_off, media_len;
    size_t data_off, data_len;
    /* stored form only (quire__record_body_stored / _encode_stored):
     * storage 1 = a reference to part ref_part of the earlier article
     * ref_article [5.6]; data_* then locate the 12 reference bytes */
    uint8_t storage;
    uint64_t ref_article;
    uint32_t ref_part;
} quire__rpart;
/* Record flag of the stored form: some part is a reference [5.6]. */
#define QUIRE__REC_F_REFS 0x01
/* Size of a reference part's data: u64 article, u32 part index. */
#define QUIRE__PART_REF_LEN 12
/* Reads the record header; returns counts checked against the limits and
 * against the bytes that remain. */
int quire__record_head(quire__cur *c, const quire__limits *l, size_t *n_fields, size_t *n_parts);
/* Decodes the fields and parts that follow the header into f[0..n_fields)
 * and p[0..n_parts); offsets are relative to c->buf. Checks canonical
 * order, uniqueness, types, UTF-8, times, and that nothing trails. */
int quire__record_body(quire__cur *c, const quire__limits *l, const quire__allocator *a,
                       quire__rfield *f, size_t n_fields, quire__rpart *p, size_t n_parts);
/* The stored form [5.6]: as above, but the flags byte may be
 * QUIRE__REC_F_REFS (returned in *flags), and then parts may be references
 * (storage 1, p[i].ref_*). A canonical record is the stored form with
 * flags 0. */
int quire__record_head_stored(quire__cur *c, const quire__limits *l, size_t *n_fields,
                              size_t *n_parts, unsigned *flags);
int quire__record_body_stored(quire__cur *c, const quire__limits *l, const quire__allocator *a,
                              quire__rfield *f, size_t n_fields, quire__rpart *p, size_t n_parts,
                              unsigned flags);
/* Encodes the stored form: parts with storage 1 as references, the flags
 * byte QUIRE__REC_F_REFS when there is one. */
void quire__record_encode_stored(quire__buf *b, const uint8_t *arena, const quire__rfield *f,
                                 size_t n_fields, const quire__rpart *p, size_t n_parts);
/* Parts below QUIRE__DEDUP_MIN bytes are never references (a writer
 * rule); parts from QUIRE__DEDUP_HINT_MIN bytes are listed in dDUP. */
#define QUIRE__DEDUP_MIN 64
#define QUIRE__DEDUP_HINT_MIN 1024
/* dDUP frame payload [5.6]: u8 version 2, 3 zero bytes, u64 count, then
 * count entries: the first QUIRE__DDUP_PREFIX bytes of the part's
 * BLAKE2b-256, the article as a LEB128 delta from the entry before (from 0
 * for the first), the part index as LEB128. In memory (out, and what
 * quire__ddup_encode takes) an entry is QUIRE__DDUP_ENTRY bytes: the prefix
 * and zeros up to 8 bytes, u64 article, u32 part. quire__ddup_decode checks
 * the whole payload and, when out is not NULL, appends the count entries to
 * it (nothing on a failure; QUIRE_E_NOMEM if out fails). */
#define QUIRE__DDUP_VERSION 2
#define QUIRE__DDUP_PREFIX 6
#define QUIRE__DDUP_ENTRY 20
#define QUIRE__DDUP_MIN_ENTRY (QUIRE__DDUP_PREFIX + 2)
int quire__ddup_decode(quire__cur *c, uint64_t *count, quire__buf *out);
void quire__ddup_encode(quire__buf *b, const uint8_t *entries, size_t n);
/* Encodes a record from an arena; f must already be in canonical order. */
void quire__record_encode(quire__buf *b, const uint8_t *arena, const quire__rfield *f,
                          size_t n_fields, const quire__rpart *p, size_t n_parts);
/* Compares two fields in canonical order (<0, 0, >0). */
int quire__field_cmp(const uint8_t *arena, const quire__rfield *x, const quire__rfield *y);
/* Checks a value against a type: 0 or QUIRE_E_FIELD/UTF8/TIME/JSON/LIMIT
 * (a: scratch memory for the JSON check).
 * For LIST, *n_items receives the count. */
int quire__value_check(quire__cur *c, int type, const quire__limits *l, const quire__allocator *a,
                       size_t *n_items);
/* BCP 47 shape: alphanumeric subtags of 1..8 joined by '-' (spec 5.4). */
int quire__language_ok(const uint8_t *s, size_t n);
/* The type a standard key requires, -1 if unknown. */
int quire__std_type(unsigned key);
const char *quire__std_name(unsigned key);
unsigned quire__std_key(const uint8_t *name, size_t len);
/* Item i of an encoded LIST value that already passed quire__value_check. */
int quire__list_item(const uint8_t *v, size_t len, size_t i, const uint8_t **item,
                     size_t *item_len);

/* ---- times [5.3] ---- */
int quire__time_parse(const uint8_t *s, size_t len, int64_t *secs);

/* ---- index [7] ---- */
typedef struct quire__env_head {
    uint8_t codec;
    uint64_t raw_size;
    const uint8_t *data; /* codec 2: the pages, after the directory */
    size_t data_len;
    /* codec 2 [7.1] */
    uint32_t page_size;
    uint32_t n_pages;
    const uint8_t *dir; /* n_pages x u64: end of each page in data */
    uint64_t dir_at;    /* offset of dir in the cursor's terms */
} quire__env_head;
void quire__env_head_encode(quire__buf *b, uint8_t codec, uint64_t raw_size);
/* Codec 2: the page size and page count; the caller appends the
 * directory, its CRC-32 and the pages [7.1]. */
void quire__env_pages_encode(quire__buf *b, uint32_t page_size, uint32_t n_pages);
int quire__env_head_decode(quire__cur *c, const quire__limits *l, quire__env_head *h);
/* Codec 2: page k's zlib stream (data + *start, *len bytes) and its
 * uncompressed size, after the checks of 7.1 that concern page k alone.
 * On failure returns the code, *at the offset (relative to dir) and *what. */
int quire__env_page(const quire__env_head *h, const quire__limits *l, uint32_t k, size_t *start,
                    size_t *len, size_t *raw, uint64_t *at, const char **what);

typedef struct quire__iblock {
    uint64_t frame_offset;
    uint32_t frame_size;
    uint32_t raw_size;
    uint64_t first_article;
    uint32_t n_records;
} quire__iblock;
typedef struct quire__index {
    const uint8_t *archive_id; /* QUIRE__ARCHIVE_ID_LEN bytes */
    uint64_t n_articles;
    uint64_t n_blocks;
    const uint8_t *blocks;   /* n_blocks x QUIRE__BLOCK_ENTRY */
    const uint8_t *articles; /* n_articles x QUIRE__ARTICLE_ENTRY */
    uint64_t n_urls;
    const uint8_t *urls;     /* n_urls x QUIRE__PAIR_ENTRY */
    uint64_t n_dates;
    const uint8_t *dates;    /* n_dates x QUIRE__PAIR_ENTRY */
} quire__index;
/* Where the tables of an uncompressed index of raw_size bytes lie [7.1],
 * found with three small reads: the 32-byte head, then the URL count at
 * urls_at - 8, then the date count at dates_at - 8. Offsets are in the
 * uncompressed index. */
typedef struct quire__ixlayout {
    uint64_t raw_size;
    uint64_t n_articles, n_blocks, n_urls, n_dates;
    uint64_t blocks_at, articles_at, urls_at, dates_at;
} quire__ixlayout;
/* The size checks of 7.1, in order. Each step returns 0 or the failure's
 * code, with *at (offset in the index) and *what. head: min(raw_size, 32)
 * bytes; count: the 8 bytes at the step's count, when they exist. */
int quire__ixlayout_head(quire__ixlayout *lo, uint64_t raw_size, const uint8_t *head,
                         const quire__limits *l, uint64_t *at, const char **what);
int quire__ixlayout_urls(quire__ixlayout *lo, const uint8_t *count, const quire__limits *l,
                         uint64_t *at, const char **what);
int quire__ixlayout_dates(quire__ixlayout *lo, const uint8_t *count, const quire__limits *l,
                          uint64_t *at, const char **what);

/* The content rules of 7.2-7.5, one entry at a time, in table order: the
 * flat decoder and verify's walk over a paged index share them. Each step
 * returns 0 or the code, with *at the offset inside the entry (negative:
 * inside the one before) and *what. */
typedef struct quire__ixwalk {
    const quire__limits *l;
    uint64_t n_articles, max_offset;
    uint64_t next_first, prev_end; /* block table */
    quire__iblock b;               /* article table: the current block */
    uint64_t blk, expect_off;
    int in_block;
    uint8_t prev[16]; /* pair tables */
} quire__ixwalk;
void quire__ixwalk_init(quire__ixwalk *w, const quire__limits *l, uint64_t n_articles,
                        uint64_t max_offset);
void quire__iblock_load(const uint8_t *e, quire__iblock *b);
int quire__ixwalk_block(quire__ixwalk *w, const uint8_t *e, int64_t *at, const char **what);
int quire__ixwalk_blocks_end(const quire__ixwalk *w, const char **what);
/* 1 when article i lies past the current block: pass the next block's
 * entry to quire__ixwalk_enter first. */
int quire__ixwalk_past(const quire__ixwalk *w, uint64_t i);
int quire__ixwalk_enter(quire__ixwalk *w, const quire__iblock *b, int64_t *at, const char **what);
int quire__ixwalk_article(quire__ixwalk *w, const uint8_t *e, int64_t *at, const char **what);
int quire__ixwalk_articles_end(const quire__ixwalk *w, int64_t *at, const char **what);
/* The URL (signed_key 0) or date (1) table; i counts from 0 per table. */
int quire__ixwalk_pair(quire__ixwalk *w, uint64_t i, const uint8_t *e, int signed_key,
                       int64_t *at, const char **what);
/* The checks of 7.3 that need no other article entry: article i's entry
 * (block bno, offset, length) against its block's entry b. */
int quire__ix_article_check(const quire__iblock *b, uint64_t i, uint32_t offset, uint32_t len,
                            const quire__limits *l, int64_t *at, const char **what);

/* Decodes and fully validates an uncompressed index: every table's size,
 * block contiguity, entry placement, sort order. The pointers point into
 * c->buf. max_offset bounds block frame offsets (the index frame's own). */
int quire__index_decode(quire__cur *c, const quire__limits *l, uint64_t max_offset,
                        quire__index *ix);
void quire__index_block(const quire__index *ix, uint64_t i, quire__iblock *b);
void quire__index_article(const quire__index *ix, uint64_t i, const uint8_t **digest,
                          uint32_t *block, uint32_t *offset, uint32_t *len);
void quire__index_url(const quire__index *ix, uint64_t i, uint64_t *hash, uint64_t *article);
void quire__index_date(const quire__index *ix, uint64_t i, int64_t *secs, uint64_t *article);
/* Binary searches; return the first position whose key is >= the given one. */
uint64_t quire__index_url_lower(const quire__index *ix, uint64_t hash);
uint64_t quire__index_date_lower(const quire__index *ix, int64_t secs);
uint64_t quire__url_hash(const uint8_t *url, size_t len);
/* 1 if the sorted (key, article) pair table holds (key, article) [7.4, 7.5];
 * signed_key for the date table. Binary search: O(log n). */
int quire__pairs_has(const uint8_t *pairs, uint64_t n, uint64_t key, uint64_t article,
                     int signed_key);

/* Index encoding: the writer appends entries as it goes, then sorts. */
void quire__index_put_head(quire__buf *b, const uint8_t archive_id[16], uint64_t n_articles,
                           uint64_t n_blocks);
void quire__index_put_block(quire__buf *b, const quire__iblock *blk);
void quire__index_put_article(quire__buf *b, const uint8_t digest[32], uint32_t block,
                              uint32_t offset, uint32_t len);
/* Sorts n 16-byte (key, article) pairs in place: URL pairs as unsigned,
 * date pairs as signed keys. */
void quire__pairs_sort(uint8_t *pairs, size_t n, int signed_key);

/* ---- trailer [8] ---- */
typedef struct quire__trailer {
    uint64_t index_offset;
    uint64_t dict_offset;
    uint64_t seal_offset;
    uint64_t n_articles;
    uint64_t checkpoint;
    uint64_t self_offset;
} quire__trailer;
void quire__trailer_encode(quire__buf *b, const quire__trailer *t);
/* Decodes a TRLR frame payload (already CRC-checked by quire__frame_decode). */
int quire__trailer_decode(quire__cur *c, quire__trailer *t);

/* ---- seal [11] ---- */
#define QUIRE__STATEMENT_HEAD 186
#define QUIRE__COMMENT_MAX 1024
#define QUIRE__SIG_MAX 256 /* signatures in one seal */
#define QUIRE__ROLE_NAME_MAX 64
#define QUIRE__STMT_F_PREV 0x01
#define QUIRE__STMT_F_DICT 0x02
extern const uint8_t quire__statement_magic[8];
extern const uint8_t quire__seal_context[14];
typedef struct quire__statement {
    uint8_t flags;
    uint8_t archive_id[16];
    uint64_t checkpoint;
    uint64_t tree_size;
    uint8_t root[32];
    uint8_t prev[32];
    uint8_t index_digest[32];
    uint8_t dict_digest[32];
    int64_t created;
    const uint8_t *comment; /* UTF-8, comment_len bytes */
    size_t comment_len;
} quire__statement;
typedef struct quire__sigentry {
    uint8_t role;
    const uint8_t *name; /* role name for QUIRE_ROLE_NAMED */
    size_t name_len;
    const uint8_t *key_id; /* 8 */
    const uint8_t *pk;     /* 32 */
    const uint8_t *sig;    /* 64 */
} quire__sigentry;
void quire__statement_encode(quire__buf *b, const quire__statement *st);
int quire__statement_decode(quire__cur *c, quire__statement *st);
/* The message a seal signature covers: context, role, role name, statement. */
void quire__seal_message(quire__buf *b, uint8_t role, const uint8_t *name, size_t name_len,
                         const uint8_t *stmt, size_t stmt_len);
/* SEAL payload: u32 statement length, statement, u16 count, entries. */
void quire__seal_put_statement(quire__buf *b, const uint8_t *stmt, size_t stmt_len,
                               uint16_t n_sigs);
void quire__seal_put_sig(quire__buf *b, uint8_t role, const uint8_t *name, size_t name_len,
                         const uint8_t key_id[8], const uint8_t pk[32], const uint8_t sig[64]);
/* Decodes a SEAL payload: the statement (bytes and fields) and the count;
 * then quire__seal_next_sig for each entry. */
int quire__seal_decode_head(quire__cur *c, const uint8_t **stmt, size_t *stmt_len,
                            quire__statement *st, size_t *n_sigs);
int quire__seal_next_sig(quire__cur *c, quire__sigentry *e);
/* After the signatures of a statement with a previous checkpoint: the
 * previous tree size and the RFC 9162 consistency proof from it (u64, u8
 * count <= 64, count x 32 bytes) [11.3]; nothing may follow. */
#define QUIRE__CONSISTENCY_MAX 64
void quire__seal_put_consistency(quire__buf *b, uint64_t prev_size, const uint8_t *path,
                                 size_t n_path);
int quire__seal_decode_tail(quire__cur *c, const quire__statement *st, uint64_t *prev_size,
                            const uint8_t **path, size_t *n_path);

/* Fuzzing builds ignore checksum results (spec: never in a release). */
#ifdef FUZZING_BUILD_MODE_UNSAFE_FOR_PRODUCTION
#define QUIRE__FUZZING 1
#else
#define QUIRE__FUZZING 0
#endif

#endif
