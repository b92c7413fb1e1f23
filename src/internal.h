/* internal.h - libquire internals shared across src/ (never installed). */
#ifndef QUIRE_SRC_INTERNAL_H
#define QUIRE_SRC_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include "../format/cursor.h"
#include "../format/format.h"
#include "../format/json.h"
#include "quire.h"

/* ---- errors: every failure goes through here (one breakpoint) ---- */
int quire__fail(quire_diag *d, int code, uint64_t offset, int64_t article, const char *what,
                const char *detail, const char *file, int line);
#define QUIRE__FAIL(d, code, off, art, what)                                                       \
    quire__fail((d), (code), (off), (art), (what), NULL, __FILE__, __LINE__)
#define QUIRE__FAIL_DETAIL(d, code, off, art, what, detail)                                        \
    quire__fail((d), (code), (off), (art), (what), (detail), __FILE__, __LINE__)
/* Copies a cursor's sticky error into d and returns its code. */
int quire__fail_cur(quire_diag *d, const quire__cur *c, int64_t article);

/* ---- allocation ---- */
void quire__allocator_from(quire__allocator *out, const quire_alloc *in);

/* ---- digests (libsodium BLAKE2b-256) ---- */
int quire__blake2b256(uint8_t out[32], const uint8_t *p, size_t n);

/* ---- Merkle tree (merkle.c, spec 11.1) ---- */
typedef struct quire__merkle {
    uint8_t stack[64][32];
    size_t depth;
    uint64_t n;
} quire__merkle;
int quire__merkle_leaf(uint8_t out[32], const uint8_t digest[32]);
int quire__merkle_node(uint8_t out[32], const uint8_t left[32], const uint8_t right[32]);
void quire__merkle_init(quire__merkle *m);
int quire__merkle_add(quire__merkle *m, const uint8_t digest[32]);
/* Adds a complete subtree of 2^level leaves by its root; m must hold a
 * multiple of 2^level leaves (QUIRE_E_LIMIT otherwise). */
int quire__merkle_add_subtree(quire__merkle *m, const uint8_t root[32], unsigned level);
int quire__merkle_root(const quire__merkle *m, uint8_t out[32]);
/* Proofs (RFC 9162 2.1.3, 2.1.4). Leaves: n record digests at leaves +
 * i * stride. Paths are arrays of 32-byte hashes in RFC order (leaf to
 * root); cap bounds what a generator writes (QUIRE_E_LIMIT beyond). */
#define QUIRE__MERKLE_PATH_MAX 64
/* MTH(D[lo:hi]) */
int quire__merkle_range_root(const uint8_t *leaves, size_t stride, uint64_t lo, uint64_t hi,
                             uint8_t out[32]);
/* The root of the n leaves (record digests stride bytes apart): the root's
 * two subtrees on two threads when threads > 1 and n is large. */
int quire__merkle_root_mt(const uint8_t *leaves, size_t stride, uint64_t n, int threads,
                          uint8_t out[32]);
/* PATH(m, D[n]); QUIRE_E_ARG unless m < n. */
int quire__merkle_inclusion_path(const uint8_t *leaves, size_t stride, uint64_t n, uint64_t m,
                                 uint8_t (*path)[32], size_t cap, size_t *n_path);
/* The root that leaf_hash at index m of a tree of size n and the path lead
 * to; QUIRE_E_ROOT when m >= n or the path length does not fit the tree. */
int quire__merkle_inclusion_root(const uint8_t leaf_hash[32], uint64_t m, uint64_t n,
                                 const uint8_t *path, size_t n_path, uint8_t out[32]);
/* 0 if the record digest is leaf m of the tree of size n with this root,
 * else QUIRE_E_ROOT. */
int quire__merkle_inclusion_verify(const uint8_t digest[32], uint64_t m, uint64_t n,
                                   const uint8_t *path, size_t n_path, const uint8_t root[32]);
/* PROOF(m, D[n]) for 0 < m <= n (empty when m == n); QUIRE_E_ARG otherwise. */
int quire__merkle_consistency_path(const uint8_t *leaves, size_t stride, uint64_t n, uint64_t m,
                                   uint8_t (*path)[32], size_t cap, size_t *n_path);
/* Runs RFC 9162 2.1.4.2 and gives the old (fr) and new (sr) roots the path
 * leads to. old_root is needed only when m is a power of two (it is then
 * the path's implicit first node); NULL stands for zeros, so that the
 * shape of the path can be checked without it. QUIRE_E_CHAIN when the path
 * does not fit (m, n); m == n needs an empty path (fr = sr = old_root). */
int quire__merkle_consistency_roots(uint64_t m, uint64_t n, const uint8_t *old_root,
                                    const uint8_t *path, size_t n_path, uint8_t fr[32],
                                    uint8_t sr[32]);
/* 0 if the path proves the tree of size m with old_root a prefix of the
 * tree of size n with new_root, else QUIRE_E_CHAIN. */
int quire__merkle_consistency_verify(uint64_t m, uint64_t n, const uint8_t old_root[32],
                                     const uint8_t new_root[32], const uint8_t *path,
                                     size_t n_path);

/* ---- bounded zlib (inflate.c) ---- */
/* Inflates exactly raw_len bytes from in[0..in_len) into out (capacity
 * raw_len), with an optional preset dictionary. Requires Z_STREAM_END with
 * no input left. Returns 0 or QUIRE_E_INFLATE / QUIRE_E_DICT / QUIRE_E_NOMEM;
 * *zmsg receives zlib's static message or NULL. */
int quire__inflate(const quire__allocator *a, const uint8_t *in, size_t in_len, uint8_t *out,
                   size_t raw_len, const uint8_t *dict, size_t dict_len, const char **zmsg);
/* The same, but stops once need (<= raw_len) bytes are out; when need <
 * raw_len the end of the stream is not checked (a random access reads only
 * the records it needs; their digests are checked). */
int quire__inflate_prefix(const quire__allocator *a, const uint8_t *in, size_t in_len,
                          uint8_t *out, size_t raw_len, size_t need, const uint8_t *dict,
                          size_t dict_len, const char **zmsg);
/* The same again, telling consumed(ctx, n) before each step how many input
 * bytes zlib has consumed so far (input goes in 1 MiB steps), so that the
 * caller can give the pages of a large mapped input back as it goes. */
int quire__inflate_ex(const quire__allocator *a, const uint8_t *in, size_t in_len, uint8_t *out,
                      size_t raw_len, size_t need, const uint8_t *dict, size_t dict_len,
                      void (*consumed)(void *ctx, size_t n), void *ctx, const char **zmsg);
/* Clears a zlib stream and points its memory at a (zlib's z_stream is
 * struct z_stream_s): every zlib stream of a handle is allocated through
 * its hooks, so allocation failures are injectable there too. */
struct z_stream_s;
void quire__zhooks(struct z_stream_s *zs, const quire__allocator *a);
/* Adler-32 of p[0..n) continuing adler (1 to start), as zlib's adler32
 * (adler.c: AVX2 where the CPU has it). */
uint32_t quire__adler32(uint32_t adler, const uint8_t *p, size_t n);
/* Deflates in[0..in_len) at level into b (appended). */
int quire__deflate(const quire__allocator *a, int level, const uint8_t *in, size_t in_len,
                   const uint8_t *dict, size_t dict_len, quire__buf *b);

/* ---- articles ---- */
struct quire_article {
    quire__allocator a;
    quire__buf data;            /* arena: names, values, part bytes (or a read record) */
    quire__rfield *f;
    size_t nf, f_cap;
    quire__rpart *p;
    size_t np, p_cap;
    quire__buf enc;             /* canonical encoding, valid when enc_ok */
    int enc_ok;
    uint8_t digest[32];
    int digest_ok;
    int64_t number;
    quire__buf json;            /* quire_article_to_json output */
    quire__jobject jo;          /* quire_article_from_json scratch */
    int jo_init;
};
/* Encodes the canonical record into a->enc (cached) and returns it. */
int quire__article_encode(quire_article *a, const uint8_t **rec, size_t *len);
/* Replaces a's content with a copy of the record rec[0..len), decoded and
 * checked. base is the record's absolute offset (for diagnostics). */
int quire__article_load(quire_article *a, const uint8_t *rec, size_t len, uint64_t base,
                        const quire__limits *l, int64_t number, quire_diag *d);

/* ---- reader (reader.c), shared with verify.c ---- */
enum { R_NEW, R_INDEXED, R_SCAN, R_POISONED };

/* one inflated block of a reader's cache */
#define QUIRE__CACHE_MAX 64
#define QUIRE__CACHE_DEFAULT 8
#define QUIRE__CACHE_BYTES ((size_t)16 << 20) /* blocks past the last two stay under this */
typedef struct quire__cblock {
    uint8_t *p;
    size_t cap;
    int64_t no;    /* block number, -1 when empty */
    size_t have;   /* bytes inflated from the block's start */
    uint64_t used; /* the reader's clock when last used */
} quire__cblock;

/* The reader's view of the index [7]: the whole inflated index (codecs 0
 * and 1, every table checked at open), or zlib pages inflated on demand
 * into a small cache (codec 2, each entry checked as it is read). */
#define QUIRE__IXPAGES 8
typedef struct quire__ixpage {
    uint8_t *p;
    int64_t no; /* page number, -1 when empty */
    uint64_t used;
} quire__ixpage;
typedef struct quire__rindex {
    quire__ixlayout lo;
    uint8_t archive_id[16];
    const uint8_t *flat; /* codecs 0, 1 */
    quire__env_head eh;  /* codec 2 */
    uint64_t dir_at;     /* file offset of the page directory */
    quire__ixpage pages[QUIRE__IXPAGES];
    uint64_t clock;
} quire__rindex;

struct quire_reader {
    quire__allocator a;
    quire__limits lim;
    int state;

    const uint8_t *buf; /* the whole archive */
    size_t len;
    void *map; /* mmap'ed region to unmap, or NULL */
    size_t map_len;
    int map_borrowed; /* map is another reader's: pages are given back from it, never unmapped */

    quire__header hdr;
    quire__trailer tr;
    uint8_t *index_raw; /* inflated index, owned */
    size_t index_raw_len;
    quire__index ix; /* the flat index's tables (codecs 0, 1) */
    quire__rindex rx;
    uint64_t index_frame_size;
    const uint8_t *dict;
    size_t dict_len;

    /* indexed mode: the blocks inflated last, least recently used first out
     * (quire_reader_set_cache); cur holds the record read last */
    quire__cblock cache[QUIRE__CACHE_MAX];
    size_t n_cache;    /* entries that may be used */
    uint64_t clock;    /* for the LRU order */
    uint64_t inflates; /* blocks (or prefixes) inflated so far: QUIRE_STAT_INFLATES */
    quire__cblock *cur;

    /* scan mode: the block being read */
    uint8_t *blk;
    size_t blk_cap;
    size_t blk_len;

    /* sequential scan */
    quire__cur scan;   /* over the whole file, at the next frame */
    quire__cur recs;   /* over blk[0..blk_len) */
    int in_block;
    uint64_t scan_next_article;
    uint64_t scan_block_at; /* offset of the current block frame */
    int scan_seen_block;

    /* the latest seal [11], decoded (not verified) at open */
    int has_seal;
    uint64_t seal_offset;
    const uint8_t *stmt; /* statement bytes inside the file */
    size_t stmt_len;
    quire__statement st;
    const uint8_t *sigs; /* signature entries */
    size_t sigs_len;
    size_t n_sigs;

    const uint8_t *tail; /* consistency section after the signatures [11.3] */
    size_t tail_len;
    uint64_t prev_size;
    const uint8_t *cpath;
    size_t n_cpath;

    uint64_t torn_tail; /* bytes after the last complete trailer, ignored */

    /* deduplicated parts [5.6]: the block referenced records come from,
     * inflated apart from blk so the current block stays */
    uint8_t *ref;
    size_t ref_cap, ref_len;
    uint64_t ref_frame, ref_first;
    int ref_ok;
    quire__buf exp; /* a record expanded to its canonical form */
    /* scan mode: the block frames met so far (offset, first article) */
    uint64_t (*sblk)[2];
    size_t n_sblk, sblk_cap;
};

/* Gives the pages of [off, off + len) of a mapped archive back to the
 * kernel (a read-only file mapping: read again, they fault back in). */
void quire__reader_release(const quire_reader *r, uint64_t off, uint64_t len);
/* A reader on p's bytes that borrows p's inflated index (reader.c); w is
 * new, and is freed before p. */
void quire__reader_share(quire_reader *w, const quire_reader *p);
/* And the mapping too, so that w gives back the pages it reads
 * (quire__reader_release) as p would; p still unmaps. */
void quire__reader_share_mapping(quire_reader *w, const quire_reader *p);

/* ---- deduplicated parts [5.6], refs.c ---- */
/* Gives the stored record of article t; the bytes stay valid until the
 * next call and must not overlap the record being expanded. */
typedef int (*quire__fetch_fn)(void *ctx, uint64_t t, const uint8_t **rec, size_t *len,
                               quire_diag *d);
/* Expands the stored record rec (article n; diagnostics name offset at)
 * into its canonical record in out (out->max bounds it: QUIRE_E_LIMIT). */
int quire__expand_record(const quire__allocator *a, const quire__limits *l, const uint8_t *rec,
                         size_t len, uint64_t n, uint64_t at, quire__fetch_fn fetch, void *ctx,
                         quire__buf *out, quire_diag *d);
/* Finds article t's record in an inflated block whose first article is
 * first; QUIRE_E_NOTFOUND if the block does not hold it. */
int quire__block_record(const quire__limits *l, const uint8_t *blk, size_t blk_len,
                        uint64_t first, uint64_t t, const uint8_t **rec, size_t *len);
/* The stored record of article t of an opened archive, through the index
 * (bytes valid until the next such call). */
int quire__reader_stored(quire_reader *r, uint64_t t, const uint8_t **rec, size_t *len,
                         quire_diag *d);
static inline int
quire__has_refs(const uint8_t *rec, size_t len)
{
    return len >= 2 && (rec[1] & QUIRE__REC_F_REFS) != 0;
}

/* The allocator a writer was made with (the WARC import allocates with it). */
const quire__allocator *quire__writer_allocator(const quire_writer *w);
/* The allocator a reader was made with. */
const quire__allocator *quire__reader_allocator(const quire_reader *r);
/* quire_warc_import over bytes in memory (fuzzing, tests); name fills the
 * filename field. */
int quire__warc_import_memory(quire_writer *w, const char *name, const uint8_t *in, size_t len,
                              quire_warc_fn fn, void *ctx, quire_warc_summary *sum,
                              quire_diag *d);

/* Content digest for publisher signatures (spec 11.5): BLAKE2b-256 of the
 * canonical record without the publisher signature field. */
int quire__article_content_digest(quire_article *a, uint8_t out[32]);
/* 1 if the keyring holds a key with this key id (whatever its public key). */
int quire__keyring_has_id(const quire_keyring *kr, const uint8_t key_id[8]);
/* One signature entry of a seal, checked against the statement and the
 * keyring (keys.c) the same way by verify and by proof verification. */
typedef struct quire__sigcheck {
    quire_signer sg;       /* as findings give it; role_name points at rn */
    char rn[QUIRE__ROLE_NAME_MAX + 1];
    char kid[17];          /* key id, hex */
    int known;             /* the keyring holds this public key */
    int kr_role;           /* ...trusted in this role (QUIRE_ROLE_*), or -1 */
    const char *kr_role_name;
    int impostor;          /* the key id of a trusted key, with another key */
    int err;               /* QUIRE_E_NOMEM: the message could not be built; nothing checked */
} quire__sigcheck;
/* 1 if a signature in role/name counts for the wanted role (and name). */
int quire__role_matches(int role, const uint8_t *name, size_t name_len, int want,
                        const char *want_name);
/* Checks signature entry k of a seal over stmt; msg is scratch. */
void quire__sig_check(quire__sigcheck *s, const quire__sigentry *e, size_t k, const uint8_t *stmt,
                      size_t stmt_len, const quire_keyring *kr, quire__buf *msg);
/* The line a finding gives for a valid signature: trusted or not, as whom,
 * and for a trusted key in another role, the role it is trusted in. */
void quire__sig_describe(const quire__sigcheck *s, size_t k, char *out, size_t n);
/* Adds raw record bytes without checking them (fuzzing harnesses build
 * validly framed, signed archives around arbitrary records with it). */
int quire__writer_add_raw(quire_writer *w, const uint8_t *rec, size_t len, quire_diag *d);
int quire__reader_load_block(quire_reader *r, uint32_t bno, int64_t article, quire_diag *d);
/* Makes at least need bytes of block bno available (all of it when need is
 * its size, with the stream's end checked). */
int quire__reader_load_prefix(quire_reader *r, uint32_t bno, size_t need, int64_t article,
                              quire_diag *d);
/* Opens for verification: like quire_reader_open_memory on r->buf. */
int quire__reader_frame_at(quire_reader *r, uint64_t off, uint64_t end, quire__frame *f,
                           quire_diag *d, int64_t article, const char *what);

/* ---- the reader's index (index.c, spec 7) ---- */
/* Set up at open from the INDX envelope: the whole index (flat, validated by
 * the caller) or codec 2's pages, whose head and table sizes are checked
 * here. */
int quire__rx_open(quire_reader *r, const quire__env_head *eh, quire_diag *d);
void quire__rx_share(quire__rindex *w); /* a worker's own page cache */
void quire__rx_free(quire_reader *r);
int quire__rx_paged(const quire_reader *r);
/* Bytes [off, off + len) of the uncompressed index. */
int quire__rx_read(quire_reader *r, uint64_t off, size_t len, uint8_t *out, quire_diag *d);
/* Gives back the mapped, compressed pages holding uncompressed bytes
 * [raw_lo, raw_hi) of a paged index (verify, once a round's worker
 * threads, which cannot, have read them). */
void quire__rx_release(const quire_reader *r, uint64_t raw_lo, uint64_t raw_hi);
/* Entries, each checked against its neighbours when the index is paged. */
int quire__rx_block(quire_reader *r, uint64_t i, quire__iblock *b, quire_diag *d);
int quire__rx_article(quire_reader *r, uint64_t i, uint8_t digest[32], uint32_t *block,
                      uint32_t *offset, uint32_t *len, quire_diag *d);
int quire__rx_digest(quire_reader *r, uint64_t i, uint8_t digest[32], quire_diag *d);
int quire__rx_pair(quire_reader *r, int dates, uint64_t i, uint64_t *key, uint64_t *article,
                   quire_diag *d);
/* First position whose key is >= key (dates: key is an int64 as u64). */
int quire__rx_lower(quire_reader *r, int dates, uint64_t key, uint64_t *pos, quire_diag *d);
/* Every rule of 7.2-7.5 over a paged index, page by page, with the index
 * digest, the Merkle root of the article digests, and multiset sums of the
 * URL and date tables under key (see verify.c). */
int quire__rx_walk(quire_reader *r, int threads, uint8_t digest[32], uint8_t root[32],
                   const uint8_t key[16], uint64_t url_sum[2], uint64_t date_sum[2],
                   quire_diag *d);
void quire__pair_sum(uint64_t sum[2], const uint8_t key[16], uint64_t k, uint64_t article);
/* Appends a codec-2 INDX payload for the len-byte uncompressed index raw
 * (writer.c, spec 7.1): the envelope, the directory and its CRC-32, then
 * each page deflated at level. */
int quire__index_put_pages(const quire__allocator *a, int level, uint32_t page_size,
                           const uint8_t *raw, size_t len, quire__buf *out);
/* The whole uncompressed index of any codec into raw (eh->raw_size bytes),
 * for salvage; on failure *what names the part. */
int quire__env_inflate(const quire__allocator *a, const quire__env_head *eh, const quire__limits *l,
                       uint8_t *raw, const char **what, const char **zmsg);

#endif
