/*
 * quire.h - the libquire API. This header is the manual.
 *
 * quire is a compact, signed, compressed container for news articles, their
 * metadata and their provenance. The normative byte format is spec/FORMAT.md;
 * error codes are listed in spec/ERRORS.md.
 *
 * Conventions, stated once:
 *  - Every function that can fail returns an int: QUIRE_OK (0), QUIRE_DONE (1)
 *    for a normal end of iteration, or a negative QUIRE_E_* code. Codes never
 *    change meaning; quire_error_class() groups them.
 *  - Functions that read input take an optional quire_diag *d (NULL is fine).
 *    On failure it receives the code, the absolute byte offset where the
 *    problem was found, the article number when known (else -1) and a static
 *    string naming what was being read.
 *  - The library never prints, exits or aborts on bad input, and keeps no
 *    global mutable state. Handles are not thread-safe; distinct handles may
 *    be used from distinct threads.
 *  - A pointer passed in is borrowed for the duration of the call unless the
 *    function says otherwise. A pointer handed out is owned by the handle and
 *    valid until the next call on that handle or its _free.
 *  - _free(NULL) is a no-op. (ptr, 0) is a valid empty buffer, ptr may be NULL.
 *  - Every declared size in an input is checked against the bytes that remain
 *    and against a limit before anything is allocated; decoders never read
 *    outside the buffer they are given.
 *  - A malformed-input error during open poisons a reader: later calls return
 *    QUIRE_E_BADSTATE.
 *  - Article numbers are 0-based, in the order articles were added.
 */
#ifndef QUIRE_H
#define QUIRE_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define QUIRE_VERSION_MAJOR 0
#define QUIRE_VERSION_MINOR 1
#define QUIRE_VERSION_PATCH 0
#define QUIRE_VERSION_NUMBER                                                                       \
    (QUIRE_VERSION_MAJOR * 10000 + QUIRE_VERSION_MINOR * 100 + QUIRE_VERSION_PATCH)
#define QUIRE_VERSION_STRING "0.1.0"

/* The container format version this library writes (spec/FORMAT.md). */
#define QUIRE_FORMAT_MAJOR 1
#define QUIRE_FORMAT_MINOR 0

#if defined(__GNUC__) || defined(__clang__)
#define QUIRE_API __attribute__((visibility("default")))
#define QUIRE_NODISCARD __attribute__((warn_unused_result))
#else
#define QUIRE_API
#define QUIRE_NODISCARD
#endif

/* ======================================================================
 * Status and error codes (ABI: never renumbered, never reused)
 * ====================================================================== */
#define QUIRE_OK 0
#define QUIRE_DONE 1 /* normal end of an iteration */

/* misuse */
#define QUIRE_E_ARG (-1)      /* invalid argument */
#define QUIRE_E_BADSTATE (-2) /* call out of order, or handle poisoned */
/* resource */
#define QUIRE_E_NOMEM (-10) /* allocation failed */
#define QUIRE_E_IO (-11)    /* read, write, open or map failed (see errno) */
/* malformed input */
#define QUIRE_E_TRUNCATED (-20) /* input ends inside a structure */
#define QUIRE_E_MAGIC (-21)     /* not a quire file (bad magic) */
#define QUIRE_E_RESERVED (-22)  /* a reserved field or flag is not zero */
#define QUIRE_E_CRC (-23)       /* frame CRC-32 mismatch */
#define QUIRE_E_FRAME (-24)     /* bad frame type or frame out of place */
#define QUIRE_E_BLOCK (-25)     /* bad block header or record framing */
#define QUIRE_E_INFLATE (-26)   /* corrupt compressed data or wrong size */
#define QUIRE_E_RECORD (-27)    /* malformed record */
#define QUIRE_E_FIELD (-28)     /* field value invalid for its type or key */
#define QUIRE_E_UTF8 (-29)      /* invalid UTF-8 where UTF-8 is required */
#define QUIRE_E_TIME (-30)      /* invalid date or time */
#define QUIRE_E_ORDER (-31)     /* non-canonical order or duplicate */
#define QUIRE_E_INDEX (-32)     /* malformed or inconsistent index */
#define QUIRE_E_TRAILER (-33)   /* malformed trailer */
#define QUIRE_E_DIGEST (-34)    /* record digest differs from the index */
#define QUIRE_E_TRAILING (-35)  /* bytes after the end of a structure */
#define QUIRE_E_JSON (-36)      /* invalid JSON (import) */
#define QUIRE_E_DICT (-37)      /* block needs a dictionary that is absent */
#define QUIRE_E_SEAL (-38)      /* malformed seal frame or checkpoint statement */
#define QUIRE_E_KEY (-39)       /* malformed key file, key string or keyring */
#define QUIRE_E_WARC (-40)      /* malformed WARC record (import) */
#define QUIRE_E_HTTP (-41)      /* malformed HTTP message in a WARC record (import) */
/* unsupported */
#define QUIRE_E_VERSION (-50)  /* newer major format version */
#define QUIRE_E_CRITICAL (-51) /* unknown critical frame type */
#define QUIRE_E_CODEC (-52)    /* unknown compression codec */
#define QUIRE_E_FEATURE (-53)  /* reserved record feature this version lacks */
/* over a limit (not malformed: a larger limit may accept it) */
#define QUIRE_E_LIMIT (-60)
/* lookup */
#define QUIRE_E_NOTFOUND (-70)
/* authenticity */
#define QUIRE_E_SIG (-80)        /* a signature does not verify */
#define QUIRE_E_UNTRUSTED (-81)  /* not signed by a trusted key */
#define QUIRE_E_ROOT (-82)       /* Merkle root differs from the seal's */
#define QUIRE_E_STATEMENT (-83)  /* seal statement disagrees with the archive */
#define QUIRE_E_UNSIGNED (-84)   /* no seal, or no signature where one is required */
#define QUIRE_E_ROLE (-85)       /* a required role has no valid trusted signature */
#define QUIRE_E_ARCHIVE_ID (-86) /* statement made for another archive */
#define QUIRE_E_PUBLISHER (-87)  /* an article's publisher signature does not verify */
#define QUIRE_E_PASSWORD (-88)   /* wrong password for a secret key */
#define QUIRE_E_CHAIN (-89)      /* checkpoint chain broken (previous statement) */

/* Error classes, for quire_error_class(). */
#define QUIRE_CLASS_OK 0
#define QUIRE_CLASS_MISUSE 1
#define QUIRE_CLASS_RESOURCE 2
#define QUIRE_CLASS_MALFORMED 3
#define QUIRE_CLASS_UNSUPPORTED 4
#define QUIRE_CLASS_LIMIT 5
#define QUIRE_CLASS_NOTFOUND 6
#define QUIRE_CLASS_AUTH 7

/* Returns a static, never NULL, English description of a code. */
QUIRE_API const char *quire_strerror(int code);
/* Returns the stable symbolic name ("QUIRE_E_CRC"), never NULL. */
QUIRE_API const char *quire_error_name(int code);
/* Returns the QUIRE_CLASS_* of a code. */
QUIRE_API int quire_error_class(int code);

typedef struct quire_diag {
    int code;            /* the QUIRE_E_* code, as returned */
    uint64_t offset;     /* absolute byte offset in the file or input */
    int64_t article;     /* article number, or -1 when not known */
    const char *what;    /* static: what was being read, never NULL after a failure */
    const char *detail;  /* static extra detail (e.g. zlib's message) or NULL */
} quire_diag;

QUIRE_API unsigned quire_version_number(void);
QUIRE_API const char *quire_version_string(void);
/* Returns 1 if the library was built with FUZZING_BUILD_MODE_UNSAFE_FOR_PRODUCTION
 * (checksum and digest mismatches ignored). Release builds return 0. */
QUIRE_API int quire_is_fuzzing_build(void);

/* A secret key (see "Keys" below). */
typedef struct quire_seckey quire_seckey;

/* ======================================================================
 * Memory
 * ====================================================================== */
/* All memory of a handle (zlib's too) comes from these hooks when given.
 * alloc returns NULL on failure; free accepts NULL. */
typedef struct quire_alloc {
    void *(*alloc)(void *opaque, size_t size);
    void (*free)(void *opaque, void *ptr);
    void *opaque;
} quire_alloc;

/* ======================================================================
 * Limits (spec/FORMAT.md, "Limits"). Each has a default and a hard maximum;
 * quire_reader_set_limit() and quire_writer_set_limit() accept values from 1
 * up to the hard maximum.
 * ====================================================================== */
#define QUIRE_LIMIT_FRAME 1    /* frame payload bytes: default 1 GiB, max 4 GiB - 1 */
#define QUIRE_LIMIT_BLOCK 2    /* uncompressed block bytes: default 64 MiB, max 1 GiB */
#define QUIRE_LIMIT_RECORD 3   /* record bytes: default 64 MiB, max 1 GiB */
#define QUIRE_LIMIT_FIELDS 4   /* fields per record: default 1024, max 65535 */
#define QUIRE_LIMIT_FIELD 5    /* bytes of one field value: default 16 MiB, max 1 GiB */
#define QUIRE_LIMIT_PARTS 6    /* parts per record: default 256, max 65535 */
#define QUIRE_LIMIT_ARTICLES 7 /* articles in an archive: default 2^24, max 2^32-1 */
#define QUIRE_LIMIT_INDEX 8    /* uncompressed index bytes: default 2 GiB, max 4 GiB */
#define QUIRE_LIMIT_RATIO 9    /* inflate expansion ratio: default 1032, max 2^20 */
#define QUIRE_LIMIT_LIST 10    /* items in a list value: default 65535, max 2^24 */

/* Returns the default and the hard maximum of a limit, or QUIRE_E_ARG. */
QUIRE_API int quire_limit_info(int which, uint64_t *default_value, uint64_t *hard_max);

/* ======================================================================
 * Articles
 *
 * A quire_article holds one record: typed metadata fields and parts (the
 * body text, a raw capture, ...). It is built by the caller for writing, or
 * filled by a reader. All values are copied into the article.
 * ====================================================================== */
typedef struct quire_article quire_article;

/* Value types (spec: "Field types"). */
#define QUIRE_T_NULL 0  /* no value (JSON null) */
#define QUIRE_T_TEXT 1  /* UTF-8 text */
#define QUIRE_T_LIST 2  /* list of UTF-8 texts */
#define QUIRE_T_TIME 3  /* date or date-time, checked (see quire_parse_time) */
#define QUIRE_T_JSON 4  /* a JSON value, compact canonical text */
#define QUIRE_T_BYTES 5 /* raw bytes */

/* Standard fields (spec: "Standard fields"). 0 marks an extension field. */
#define QUIRE_F_EXT 0
#define QUIRE_F_ID 1              /* TEXT  identifier ("id") */
#define QUIRE_F_URL 2             /* TEXT  canonical URL ("url") */
#define QUIRE_F_CAPTURE_URL 3     /* TEXT  URL it was captured from */
#define QUIRE_F_TITLE 4           /* TEXT */
#define QUIRE_F_AUTHORS 5         /* LIST */
#define QUIRE_F_SOURCE 6          /* TEXT  publisher or source */
#define QUIRE_F_SECTION 7         /* TEXT */
#define QUIRE_F_LANGUAGE 8        /* TEXT  BCP 47 tag */
#define QUIRE_F_PUBLISHED 9       /* TIME  ("date") */
#define QUIRE_F_MODIFIED 10       /* TIME */
#define QUIRE_F_CAPTURED 11       /* TIME */
#define QUIRE_F_LICENSE 12        /* TEXT */
#define QUIRE_F_ORIGINAL_DIGEST 13 /* TEXT  e.g. a WARC payload digest */
#define QUIRE_F_FILENAME 14       /* TEXT  name of the imported file */
#define QUIRE_F_DESCRIPTION 15    /* TEXT */
#define QUIRE_F_KEYWORDS 16       /* LIST */
#define QUIRE_F_PUBLISHER_SIG 17  /* BYTES publisher's signature (spec 11):
                                     key id (8) | public key (32) | Ed25519 (64) */
#define QUIRE_F_MAX_KNOWN 17

/* Returns the JSON name of a standard field ("title"), or NULL if unknown. */
QUIRE_API const char *quire_field_name(int key);
/* Returns the standard field whose JSON name is name[0..len), or 0. */
QUIRE_API int quire_field_key(const char *name, size_t len);
/* Returns the value type a standard field requires (NULL is also allowed),
 * or -1 for an unknown key. */
QUIRE_API int quire_field_type(int key);

QUIRE_API int quire_article_new(quire_article **out, const quire_alloc *alloc);
QUIRE_API void quire_article_free(quire_article *a);
/* Removes every field and part; keeps allocated memory. */
QUIRE_API void quire_article_clear(quire_article *a);

/* Sets a standard field 1..QUIRE_F_MAX_KNOWN (replacing any previous value;
 * QUIRE_E_ARG for another key). The value is checked against the field's
 * type: QUIRE_E_FIELD, QUIRE_E_UTF8, QUIRE_E_TIME or QUIRE_E_JSON on
 * mismatch, QUIRE_E_LIMIT when over a default limit; a malformed encoded
 * LIST gives QUIRE_E_TRUNCATED or QUIRE_E_TRAILING. A LIST value is given
 * in its encoded form (spec 5.2); quire_article_add_item builds one item by
 * item. value may point into this article (a value read from it). */
QUIRE_API QUIRE_NODISCARD int quire_article_set(quire_article *a, int key, int type,
                                                const void *value, size_t len);
/* Appends one item to a LIST field (standard key), creating it if absent.
 * QUIRE_E_ARG for a key whose type is not LIST, QUIRE_E_LIMIT beyond
 * QUIRE_LIMIT_LIST items. */
QUIRE_API QUIRE_NODISCARD int quire_article_add_item(quire_article *a, int key,
                                                     const char *item, size_t len);
/* Sets an extension field: name is 1..255 bytes of UTF-8 and must not be the
 * JSON name of a standard field that the article also sets. */
QUIRE_API QUIRE_NODISCARD int quire_article_set_ext(quire_article *a, const char *name,
                                                    size_t name_len, int type,
                                                    const void *value, size_t len);
/* Adds a part: name 1..255 bytes (unique in the article), media type 0..255
 * bytes of ASCII, data copied. */
QUIRE_API QUIRE_NODISCARD int quire_article_add_part(quire_article *a, const char *name,
                                                     size_t name_len, const char *media_type,
                                                     size_t media_len, const void *data,
                                                     size_t len);

/* A borrowed view of one field: valid until the article changes. */
typedef struct quire_field {
    int key;               /* QUIRE_F_* or QUIRE_F_EXT */
    int type;              /* QUIRE_T_* */
    const char *name;      /* JSON name (standard) or extension name; may be NULL
                              for a standard key this library does not know */
    size_t name_len;
    const uint8_t *value;  /* for QUIRE_T_LIST: the encoded list (spec) */
    size_t value_len;
    size_t n_items;        /* QUIRE_T_LIST: number of items, else 0 */
} quire_field;

typedef struct quire_part {
    const char *name;
    size_t name_len;
    const char *media_type;
    size_t media_len;
    const uint8_t *data;
    size_t len;
} quire_part;

QUIRE_API size_t quire_article_field_count(const quire_article *a);
/* Fields come in canonical order: standard by key, then extensions by name. */
QUIRE_API int quire_article_field(const quire_article *a, size_t i, quire_field *f);
/* Finds a standard field; QUIRE_E_NOTFOUND if absent. */
QUIRE_API int quire_article_find(const quire_article *a, int key, quire_field *f);
/* Finds an extension field by name; QUIRE_E_NOTFOUND if absent. */
QUIRE_API int quire_article_find_ext(const quire_article *a, const char *name, size_t len,
                                     quire_field *f);
/* Item i of a LIST field. */
QUIRE_API int quire_field_item(const quire_field *f, size_t i, const char **item, size_t *len);
QUIRE_API size_t quire_article_part_count(const quire_article *a);
QUIRE_API int quire_article_part(const quire_article *a, size_t i, quire_part *p);
/* Finds a part by name; QUIRE_E_NOTFOUND if absent. */
QUIRE_API int quire_article_find_part(const quire_article *a, const char *name, size_t len,
                                      quire_part *p);
/* The article's number in the archive it was read from (or written to),
 * or -1 for an article built by the caller and not yet added. */
QUIRE_API int64_t quire_article_number(const quire_article *a);
/* The BLAKE2b-256 digest of the article's canonical record (spec: "Record
 * digest"). */
QUIRE_API QUIRE_NODISCARD int quire_article_digest(quire_article *a, uint8_t out[32]);

/* ---- import and export adapters ---- */

/* Fills a (after clearing it) from one JSON object (a JSON Lines line,
 * without its newline). Known keys with values of the right type become
 * standard fields, "text" becomes the part "body" (text/plain; charset=utf-8),
 * and every other key is kept as an extension field: nothing is dropped.
 * Returns QUIRE_E_JSON or QUIRE_E_UTF8 with the offset inside line[0..len). */
QUIRE_API QUIRE_NODISCARD int quire_article_from_json(quire_article *a, const char *line,
                                                      size_t len, quire_diag *d);
/* Fills a from a text file: the whole file is the part "body" (text/plain),
 * byte for byte; a leading "date YYYY-MM-DD" sets the published date; the
 * file name (without directories) is kept as QUIRE_F_FILENAME. */
QUIRE_API QUIRE_NODISCARD int quire_article_from_text(quire_article *a, const char *filename,
                                                      const void *data, size_t len,
                                                      quire_diag *d);
/* Renders a as one JSON object (no newline). For an article made by
 * quire_article_from_json, importing the output gives the same article
 * (same record digest). Other articles are rendered as faithfully as JSON
 * allows (spec 9.3): a body that is not UTF-8 and every other part come out
 * as "part:NAME" objects with base64 data, BYTES values as base64 strings.
 * *out is owned by a until it changes. */
QUIRE_API QUIRE_NODISCARD int quire_article_to_json(quire_article *a, const char **out,
                                                    size_t *out_len);

/* Parses a date or date-time of the form YYYY-MM-DD[Thh:mm[:ss[.f...]][Z|+hh:mm|-hh:mm]]
 * (spec: "Times"); *secs receives seconds since 1970-01-01T00:00:00Z (a time
 * without zone counts as UTC). Returns QUIRE_OK or QUIRE_E_TIME. */
QUIRE_API int quire_parse_time(const char *s, size_t len, int64_t *secs);

/* ======================================================================
 * Writer
 *
 * Streams: articles in, blocks out as they fill. Memory is bounded by the
 * block size and the index, not by the corpus. Output is deterministic: the
 * same articles and options give the same bytes.
 * ====================================================================== */
typedef struct quire_writer quire_writer;

/* Receives output bytes; returns 0 on success, non-zero on failure. */
typedef int (*quire_write_fn)(void *ctx, const void *buf, size_t len);

#define QUIRE_OPT_BLOCK_SIZE 1 /* target uncompressed block bytes: default 262144 */
#define QUIRE_OPT_LEVEL 2      /* zlib level 0..9: default 6 (0 writes stored blocks) */
#define QUIRE_OPT_AUTO_DICT 4  /* 1: take a preset dictionary (32 KiB) from the first block
                                  when none is set and the archive reaches 2 MiB of
                                  records (below, it costs more than it wins); the
                                  first blocks are held until then. Default 0 */
#define QUIRE_OPT_THREADS 3    /* blocks compressed in parallel, 1..64: default 1. The
                                  output is the same bytes for every value. With more
                                  than one, a custom allocator must be thread-safe. */
#define QUIRE_OPT_DEDUP 5      /* 1: a part of at least 64 bytes equal to a part of an
                                  earlier article is stored as a reference to it (spec
                                  5.6), across appends for parts of at least 1 KiB;
                                  default 1. Readers see every part inline. */
#define QUIRE_OPT_INDEX_PAGE 6 /* uncompressed bytes per index page, a power of two from
                                  256 to 1048576: default 4096. An index larger than
                                  one page is written as independently compressed pages
                                  (spec 7.1, codec 2), so that opening the archive and
                                  reading one article inflate one or two pages of it,
                                  not the whole index. */

QUIRE_API int quire_writer_new(quire_writer **out, const quire_alloc *alloc);
/* Frees w. A writer not finished is abandoned: a file opened with
 * quire_writer_open_file is removed, nothing is left half-written. */
QUIRE_API void quire_writer_free(quire_writer *w);
QUIRE_API int quire_writer_set_option(quire_writer *w, int option, int64_t value);
QUIRE_API int quire_writer_set_limit(quire_writer *w, int which, uint64_t value);
/* Sets a preset zlib dictionary (1..32768 bytes), stored once in the
 * archive. Call before open. */
QUIRE_API int quire_writer_set_dictionary(quire_writer *w, const void *dict, size_t len);
/* Sets the archive id (spec 7.1, 11.2) instead of the default, derived from
 * the first checkpoint's Merkle root and time. */
QUIRE_API int quire_writer_set_archive_id(quire_writer *w, const uint8_t id[16]);
/* Sets the checkpoint's creation time (seconds since the epoch; default 0,
 * "not stated", which keeps output deterministic) and a free UTF-8 comment
 * of at most 1024 bytes. */
QUIRE_API int quire_writer_set_checkpoint(quire_writer *w, int64_t created, const char *comment,
                                          size_t len);
/* Adds a signer of the checkpoint: the seal gets one Ed25519 signature per
 * signer, in the order added (at most 16). sk is borrowed until
 * quire_writer_finish. role is QUIRE_ROLE_ARCHIVIST, _PUBLISHER, _WITNESS,
 * or _NAMED with role_name (1..64 bytes of UTF-8). */
QUIRE_API int quire_writer_add_signer(quire_writer *w, const quire_seckey *sk, int role,
                                      const char *role_name);
/* Writes to a callback. */
QUIRE_API QUIRE_NODISCARD int quire_writer_open(quire_writer *w, quire_write_fn fn, void *ctx,
                                                quire_diag *d);
/* Writes to path through a temporary file in the same directory, renamed
 * over path by quire_writer_finish. */
QUIRE_API QUIRE_NODISCARD int quire_writer_open_file(quire_writer *w, const char *path,
                                                     quire_diag *d);
/* Opens an existing archive to add a checkpoint (spec 3.6): new blocks, a
 * new index covering every article, a new seal chained to the previous one
 * (checkpoint + 1, previous statement digest) and a new trailer are
 * written after the old bytes, which never change. The archive id and
 * preset dictionary are kept (setting another dictionary is QUIRE_E_ARG).
 * A torn tail left by an interrupted append is cut off first. Cost: the
 * new articles plus reading the index, not the whole file. If the writer is
 * freed before quire_writer_finish, the bytes written so far form a torn
 * tail that readers ignore. */
QUIRE_API QUIRE_NODISCARD int quire_writer_open_append(quire_writer *w, const char *path,
                                                       quire_diag *d);
/* Writes to an open file descriptor (not closed by the writer). */
QUIRE_API QUIRE_NODISCARD int quire_writer_open_fd(quire_writer *w, int fd, quire_diag *d);
/* Adds one article; *number (may be NULL) receives its article number. */
QUIRE_API QUIRE_NODISCARD int quire_writer_add(quire_writer *w, quire_article *a,
                                               uint64_t *number, quire_diag *d);
/* Writes the last block, the index and the trailer. */
QUIRE_API QUIRE_NODISCARD int quire_writer_finish(quire_writer *w, quire_diag *d);

/* ======================================================================
 * Reader
 * ====================================================================== */
typedef struct quire_reader quire_reader;

QUIRE_API int quire_reader_new(quire_reader **out, const quire_alloc *alloc);
QUIRE_API void quire_reader_free(quire_reader *r);
QUIRE_API int quire_reader_set_limit(quire_reader *r, int which, uint64_t value);

/* The block cache of the indexed reader: the last blocks inflated stay
 * (least recently used out), up to `blocks` of them, 2..64 (default 8); past
 * the two last used, no more than 16 MiB of them. A read from a cached block
 * inflates nothing, or only the part of it not inflated yet (a random
 * access inflates a block only as far as the record it wants). */
QUIRE_API int quire_reader_set_cache(quire_reader *r, size_t blocks);

/* Opens an archive through its trailer and index. The file is mapped
 * read-only. An index larger than one page (4 KiB uncompressed: about 80
 * articles) is paged (spec 7.1): open inflates at most three of its
 * pages, and each lookup the pages it needs, into a cache of eight, so
 * the time and memory of opening and of reading an article do not grow
 * with the archive (a 1 GB archive of 2.2 M articles: 7 MB of RSS for
 * `quire cat` of one). Each index entry is checked as it is read (spec
 * 7.6). A smaller index is inflated and checked whole at open. */
QUIRE_API QUIRE_NODISCARD int quire_reader_open_file(quire_reader *r, const char *path,
                                                     quire_diag *d);
/* Same, on a caller buffer that must outlive r (borrowed, not copied). */
QUIRE_API QUIRE_NODISCARD int quire_reader_open_memory(quire_reader *r, const void *buf,
                                                       size_t len, quire_diag *d);

#define QUIRE_STAT_ARTICLES 1      /* articles in the archive */
#define QUIRE_STAT_BLOCKS 2        /* blocks */
#define QUIRE_STAT_FILE_SIZE 3     /* bytes */
#define QUIRE_STAT_FORMAT_MAJOR 4
#define QUIRE_STAT_FORMAT_MINOR 5
#define QUIRE_STAT_INDEX_OFFSET 6  /* offset of the INDX frame */
#define QUIRE_STAT_INDEX_SIZE 7    /* bytes of the INDX frame */
#define QUIRE_STAT_DICT_SIZE 8     /* bytes of the preset dictionary, 0 if none */
#define QUIRE_STAT_URLS 9          /* entries in the URL table */
#define QUIRE_STAT_DATES 10        /* entries in the date table */
#define QUIRE_STAT_CHECKPOINT 11   /* checkpoint number of the trailer */
#define QUIRE_STAT_RAW_SIZE 12     /* sum of uncompressed block sizes */
#define QUIRE_STAT_BLOCK_BYTES 13  /* sum of BLOK frame sizes */
#define QUIRE_STAT_SIGNATURES 14   /* signatures in the latest seal (not verified) */
#define QUIRE_STAT_SEALED 15       /* 1 if the archive has a seal */
#define QUIRE_STAT_CREATED 16      /* checkpoint time, seconds (int64 as uint64), 0 unstated */
#define QUIRE_STAT_TORN_TAIL 17    /* bytes after the last complete trailer (an interrupted
                                      append), not part of the archive */
#define QUIRE_STAT_INFLATES 18     /* blocks (or block prefixes) this reader has inflated: a
                                      read served from the block cache adds nothing */
/* QUIRE_STAT_RAW_SIZE and QUIRE_STAT_BLOCK_BYTES read the whole block table:
 * from a paged index (see quire_reader_open_file) they may fail as a read
 * of the index does (QUIRE_E_INDEX, QUIRE_E_INFLATE, QUIRE_E_NOMEM, ...). */
QUIRE_API int quire_reader_stat(const quire_reader *r, int which, uint64_t *value);

/* Reads article n (0-based) into a, after checking its record digest
 * against the index. QUIRE_E_NOTFOUND if n is out of range. */
QUIRE_API QUIRE_NODISCARD int quire_reader_get(quire_reader *r, uint64_t n, quire_article *a,
                                               quire_diag *d);
/* The archive id (16 bytes) from the index. */
QUIRE_API int quire_reader_archive_id(const quire_reader *r, uint8_t out[16]);
/* The record digest of article n, from the index.
 *
 * This and the lookups below read a paged index a page at a time (see
 * quire_reader_open_file): besides their own results they can fail with
 * the code of a damaged or unreadable index page or entry (QUIRE_E_INDEX,
 * QUIRE_E_INFLATE, QUIRE_E_CRC, QUIRE_E_LIMIT, QUIRE_E_NOMEM). */
QUIRE_API int quire_reader_get_digest(quire_reader *r, uint64_t n, uint8_t out[32]);
/* Finds the first article whose canonical or capture URL is url[0..len);
 * reads only the records whose URL hash matches. */
QUIRE_API QUIRE_NODISCARD int quire_reader_find_url(quire_reader *r, const char *url, size_t len,
                                                    uint64_t *n, quire_diag *d);
/* Finds the article with the given record digest. */
QUIRE_API int quire_reader_find_digest(quire_reader *r, const uint8_t digest[32], uint64_t *n);
/* Positions of the date table covering published times in [since, until]
 * (seconds, inclusive): entries [*first, *first + *count). O(log n). */
QUIRE_API int quire_reader_date_span(quire_reader *r, int64_t since, int64_t until,
                                     size_t *first, size_t *count);
/* Entry i of the date table (sorted by time, then article number). */
QUIRE_API int quire_reader_date_at(quire_reader *r, size_t i, uint64_t *n, int64_t *secs);

/* Sequential reading, frame by frame, without the index: works on a file
 * whose trailer or index is missing or damaged. quire_reader_scan_open_*
 * does not need a trailer; quire_reader_scan_next returns QUIRE_DONE after
 * the last block. Records read this way carry no index digest to compare
 * with; their digest is computed and available through
 * quire_article_digest. */
QUIRE_API QUIRE_NODISCARD int quire_reader_scan_open_file(quire_reader *r, const char *path,
                                                          quire_diag *d);
QUIRE_API QUIRE_NODISCARD int quire_reader_scan_open_memory(quire_reader *r, const void *buf,
                                                            size_t len, quire_diag *d);
QUIRE_API QUIRE_NODISCARD int quire_reader_scan_next(quire_reader *r, quire_article *a,
                                                     quire_diag *d);


/* ======================================================================
 * Keys (minisign-compatible, spec/KEYS.md)
 *
 * quire uses minisign's Ed25519 key files and key strings unchanged: a key
 * made by `minisign -G` works with quire, and a quire key with minisign.
 * ====================================================================== */
#define QUIRE_PUBLICKEYBYTES 32
#define QUIRE_SECRETKEYBYTES 64
#define QUIRE_SIGNATUREBYTES 64
#define QUIRE_KEYIDBYTES 8
QUIRE_API size_t quire_publickeybytes(void);
QUIRE_API size_t quire_secretkeybytes(void);
QUIRE_API size_t quire_signaturebytes(void);

/* A public key: minisign key id and Ed25519 public key. */
typedef struct quire_pubkey {
    uint8_t key_id[QUIRE_KEYIDBYTES];
    uint8_t pk[QUIRE_PUBLICKEYBYTES];
} quire_pubkey;

/* A secret key (quire_seckey, declared above) lives in memory allocated by
 * libsodium's guarded allocator. */

/* Parses a public key string (the base64 line, 56 characters) or a whole
 * public key file (untrusted comment line, then that line). Untrusted input:
 * never reads outside text[0..len). QUIRE_E_KEY on malformed input. */
QUIRE_API QUIRE_NODISCARD int quire_pubkey_parse(quire_pubkey *pk, const char *text, size_t len,
                                                 quire_diag *d);
/* Writes the key string (56 base64 characters and a NUL) into out[57]. */
QUIRE_API void quire_pubkey_string(const quire_pubkey *pk, char out[57]);
/* Writes the key id as 16 uppercase hex digits (minisign's form) and a NUL. */
QUIRE_API void quire_keyid_hex(const uint8_t key_id[QUIRE_KEYIDBYTES], char out[17]);
/* Writes a whole public key file (two lines) into out (capacity cap);
 * returns its length, or 0 if cap is too small (needs 128). */
QUIRE_API size_t quire_pubkey_file(const quire_pubkey *pk, char *out, size_t cap);

/* Generates a key pair. */
QUIRE_API QUIRE_NODISCARD int quire_seckey_generate(quire_seckey **sk, quire_pubkey *pk);
/* Reads a secret key file's text. password may be NULL for a key stored
 * without one; QUIRE_E_PASSWORD if a password is needed or wrong (the
 * decrypted checksum differs). kdf_memlimit in an encrypted file above
 * 1 GiB or opslimit above 2^32 is QUIRE_E_LIMIT (bounded work). */
QUIRE_API QUIRE_NODISCARD int quire_seckey_parse(quire_seckey **sk, const char *text, size_t len,
                                                 const char *password, quire_diag *d);
/* Returns 1 if the secret key file text is password-protected, 0 if not,
 * negative on malformed input. */
QUIRE_API int quire_seckey_is_encrypted(const char *text, size_t len);
/* Writes a secret key file (minisign format) into a buffer allocated with
 * malloc (*out, *out_len; caller frees). password NULL or "" stores the key
 * unencrypted (minisign -W); otherwise scrypt with minisign's parameters. */
QUIRE_API QUIRE_NODISCARD int quire_seckey_file(const quire_seckey *sk, const char *password,
                                                char **out, size_t *out_len);
QUIRE_API void quire_seckey_public(const quire_seckey *sk, quire_pubkey *pk);
/* Zeroes and frees. */
QUIRE_API void quire_seckey_free(quire_seckey *sk);
/* Signs msg[0..len) as minisign does for a file with the hashed signature
 * algorithm ("ED": Ed25519 over BLAKE2b-512 of the message). sig receives
 * the 64-byte signature. */
QUIRE_API int quire_seckey_sign_prehashed(const quire_seckey *sk, const void *msg, size_t len,
                                          uint8_t sig[QUIRE_SIGNATUREBYTES]);
/* Plain Ed25519 over msg (what seals and publisher signatures use). */
QUIRE_API int quire_seckey_sign(const quire_seckey *sk, const void *msg, size_t len,
                                uint8_t sig[QUIRE_SIGNATUREBYTES]);

/* ---- keyrings ---- */
/* Roles (spec 11). A named role has no number: QUIRE_ROLE_NAMED plus a name. */
#define QUIRE_ROLE_ARCHIVIST 0
#define QUIRE_ROLE_PUBLISHER 1
#define QUIRE_ROLE_WITNESS 2
#define QUIRE_ROLE_NAMED 3
#define QUIRE_ROLE_ANY 255 /* keyring/trust only: the key may sign in any role */

typedef struct quire_keyring quire_keyring;
QUIRE_API int quire_keyring_new(quire_keyring **kr);
QUIRE_API void quire_keyring_free(quire_keyring *kr);
/* Adds a trusted key with a label and the role it is trusted for
 * (QUIRE_ROLE_ANY for keys given with -p/-P; role_name for QUIRE_ROLE_NAMED). */
QUIRE_API int quire_keyring_add(quire_keyring *kr, const quire_pubkey *pk, const char *label,
                                int role, const char *role_name);
/* Parses a keyring file (spec/KEYS.md): lines "ROLE LABEL KEYSTRING", '#'
 * comments, blank lines. Untrusted input; QUIRE_E_KEY with the line's
 * offset on a malformed line. */
QUIRE_API QUIRE_NODISCARD int quire_keyring_parse(quire_keyring *kr, const char *text, size_t len,
                                                  quire_diag *d);
QUIRE_API size_t quire_keyring_count(const quire_keyring *kr);
/* Finds the key with this key id AND public key; its label, role and role
 * name (borrowed). QUIRE_E_NOTFOUND if none. */
QUIRE_API int quire_keyring_find(const quire_keyring *kr, const quire_pubkey *pk,
                                 const char **label, int *role, const char **role_name);
/* Role name to number: "archivist", "publisher", "witness", else NAMED. */
QUIRE_API int quire_role_parse(const char *name);
QUIRE_API const char *quire_role_name(int role);

/* ======================================================================
 * Publisher signatures (spec 11.5)
 *
 * An article may carry its publisher's Ed25519 signature over its content
 * digest: BLAKE2b-256 of the canonical record without the signature field.
 * ====================================================================== */
/* Signs a's content with sk and stores the signature as QUIRE_F_PUBLISHER_SIG. */
QUIRE_API QUIRE_NODISCARD int quire_article_sign_publisher(quire_article *a,
                                                           const quire_seckey *sk);
/* Checks a's publisher signature: QUIRE_OK and *signer set if it verifies,
 * QUIRE_E_PUBLISHER if not, QUIRE_E_NOTFOUND if the article has none. */
QUIRE_API QUIRE_NODISCARD int quire_article_check_publisher(quire_article *a,
                                                            quire_pubkey *signer);

/* Adds sk's signature in role (role_name for QUIRE_ROLE_NAMED) to the
 * latest checkpoint of the archive at path, by appending a new SEAL frame
 * (the same statement, every signature it had, and the new one) and a new
 * trailer. No existing byte changes. The archive must first pass a fast
 * verification; signing twice with one key in one role is QUIRE_E_ARG. */
QUIRE_API QUIRE_NODISCARD int quire_cosign_file(const char *path, const quire_seckey *sk,
                                                int role, const char *role_name, quire_diag *d);

/* ======================================================================
 * Proofs (spec/PROOF.md)
 *
 * A proof file stands alone: one article's canonical record, its Merkle
 * inclusion path (RFC 9162 2.1.3) to the root of a checkpoint, that
 * checkpoint's SEAL payload (statement and signatures, exactly as stored in
 * the archive), and optionally a consistency path (RFC 9162 2.1.4) showing
 * that an earlier tree of the same archive is a prefix of this one. It is
 * checked with a public key only: no archive, no zlib.
 * ====================================================================== */
#define QUIRE_PROOF_MAGIC_LEN 10

/* What a verified (or rejected) proof says. Filled as far as the proof was
 * read, zeroed first. */
typedef struct quire_proof_info {
    int valid;                 /* 1 if the call returned QUIRE_OK */
    uint8_t archive_id[16];
    uint64_t article;          /* the article's number: its leaf index */
    uint8_t digest[32];        /* record digest, computed from the record */
    size_t record_len;         /* bytes of the canonical record */
    size_t path_len;           /* hashes in the inclusion path */
    uint64_t checkpoint;       /* the statement's checkpoint number */
    uint64_t tree_size;        /* the statement's tree size */
    uint8_t root[32];          /* the statement's Merkle root */
    int64_t created;           /* the statement's time, 0 if not stated */
    int has_consistency;       /* 1 if the proof carries a consistency path */
    uint64_t consistency_from; /* its old tree size */
    size_t consistency_len;    /* its hashes */
    int old_root_known;        /* 1 if the old tree's root follows from the path alone */
    uint8_t old_root[32];      /* that root (an old size that is not a power of two) */
    size_t signatures, valid_signatures, trusted_signatures;
    uint64_t errors, warnings;
} quire_proof_info;

/* 1 if buf[0..len) starts with the proof magic, else 0. */
QUIRE_API int quire_proof_is(const void *buf, size_t len);

/* Writes a proof for article n of an opened archive (indexed mode, with a
 * seal): the record, read with its digest checked against the index, the
 * inclusion path built from the index's record digests, and the latest
 * seal's payload. consistency_from, when not 0, adds a consistency path from
 * the tree of that size (1 .. tree size) to the sealed tree. Before
 * returning, the proof is checked against the sealed root.
 * *out is allocated with malloc (the caller frees it), *len its size; both
 * are NULL/0 on failure. Returns QUIRE_OK; QUIRE_E_NOTFOUND for n out of
 * range; QUIRE_E_ARG for a consistency_from over the tree size;
 * QUIRE_E_UNSIGNED for an archive without a seal; QUIRE_E_STATEMENT,
 * QUIRE_E_ARCHIVE_ID or QUIRE_E_ROOT when the seal does not describe the
 * index; QUIRE_E_LIMIT for a record over 64 MiB; any error of
 * quire_reader_get. Work: O(tree size) hashes. */
QUIRE_API QUIRE_NODISCARD int quire_prove(quire_reader *r, uint64_t n, uint64_t consistency_from,
                                          uint8_t **out, size_t *len, quire_diag *d);

/* Verifies a proof. QUIRE_OK when: the file parses (every size against the
 * bytes left and the limits of spec/PROOF.md, CRC-32), the record is a
 * well-formed record, its digest hashed as a leaf and the inclusion path
 * lead to the statement's root, the article is inside the statement's tree
 * size, the statement's archive id is the proof's, every signature
 * verifies, the seal's own consistency proof (from its previous
 * checkpoint) and any consistency section fit their sizes and lead to the
 * root as far as one statement can tell (spec/PROOF.md 5, 6), and, when kr
 * holds keys, at least one valid signature is by a trusted key in a role it
 * is trusted for (signature checks as quire_verifier: Ed25519 over quire's
 * seal message). Without keys (kr NULL
 * or empty) integrity is checked and valid signatures count as untrusted.
 * a (may be NULL) receives the article only on QUIRE_OK, and is left empty
 * otherwise; info (may be NULL) is filled either way.
 * Returns QUIRE_OK or the first error: QUIRE_E_TRUNCATED, QUIRE_E_MAGIC,
 * QUIRE_E_VERSION, QUIRE_E_RESERVED, QUIRE_E_LIMIT, QUIRE_E_TRAILING,
 * QUIRE_E_CRC, QUIRE_E_SEAL, a record error (QUIRE_E_RECORD,
 * QUIRE_E_FIELD, QUIRE_E_UTF8, ...), QUIRE_E_STATEMENT (article outside
 * the tree), QUIRE_E_ARCHIVE_ID, QUIRE_E_ROOT, QUIRE_E_CHAIN (consistency
 * path), QUIRE_E_SIG, QUIRE_E_UNTRUSTED. Untrusted input: never reads
 * outside buf[0..len); memory O(len). */
QUIRE_API QUIRE_NODISCARD int quire_proof_verify(const void *buf, size_t len,
                                                 const quire_keyring *kr, quire_article *a,
                                                 quire_proof_info *info, quire_diag *d);

/* The same, reporting every finding (not only the first) through fn as
 * quire_verifier does (fn may be NULL): errors, warnings (untrusted
 * signatures) and information (each signature, the consistency path).
 * Offsets are offsets in buf. fn has the type quire_finding_fn (see
 * "Verification" below). */
struct quire_finding;
QUIRE_API QUIRE_NODISCARD int
quire_proof_verify_report(const void *buf, size_t len, const quire_keyring *kr, quire_article *a,
                          int (*fn)(void *ctx, const struct quire_finding *f), void *ctx,
                          quire_proof_info *info, quire_diag *d);

/* Checks that later's checkpoint extends old's: both proofs pass
 * quire_proof_verify without keys (integrity and signature validity; check
 * trust separately), they name the same archive, later's tree is not
 * smaller, and either the trees have the same size and root, or later
 * carries a consistency path from exactly old's tree size that leads from
 * old's root to later's root. Returns QUIRE_OK; QUIRE_E_ARCHIVE_ID for
 * proofs of different archives; QUIRE_E_CHAIN when later does not extend
 * old; any error of quire_proof_verify for either proof (d->offset is then
 * an offset in that proof; d->detail is "in the earlier proof" or "in the
 * later proof"). Offsets of QUIRE_E_CHAIN and QUIRE_E_ARCHIVE_ID are in
 * later. */
QUIRE_API QUIRE_NODISCARD int quire_proof_check_later(const void *old, size_t old_len,
                                                      const void *later, size_t later_len,
                                                      quire_diag *d);

/* ======================================================================
 * Salvage (spec/FORMAT.md, "Salvage (informative)")
 *
 * Recovers every intact article of a damaged archive (truncated, bit-rotted,
 * with bytes inserted or overwritten, with its header, index or trailer
 * destroyed) into a new archive, and names every article it could not
 * recover.
 *
 * The input is scanned frame by frame from the file header (from offset 0
 * if the header is damaged); after a damaged frame the scan resynchronizes
 * at the next position holding a frame of a known type with a matching
 * CRC-32. Then:
 *  - every intact DICT frame is a candidate preset dictionary;
 *  - every intact INDX frame is inflated and decoded; the one covering the
 *    most articles (the last on a tie) is "the index";
 *  - every intact BLOK frame is inflated and split into records. Its
 *    articles are numbered by its (CRC-intact) block header; the index's
 *    block table confirms the numbering of a block at the offset it lists
 *    (a disagreement means bytes moved, and is noted). A record is
 *    intact when it decodes (spec 5), its publisher signature (if any)
 *    verifies, and, when the index covers its number, its BLAKE2b-256
 *    digest equals the index's. Intact records are added to the output
 *    writer in article order, byte for byte (their digests do not change);
 *    a second copy of an article already recovered is skipped;
 *  - an article is lost when no intact record of it was found. The index
 *    names lost articles one by one (with their digests); beyond it, lost
 *    articles are named by range, from intact block headers, from the
 *    headers of damaged BLOK frames (unverified), and from gaps in the
 *    numbering. The article count is the largest of the counts stated by
 *    intact indexes, trailers and seal statements, and of the article
 *    numbers seen (a damaged block header counts where it continues the
 *    known numbers); it is "known" when a stated count equals it and no
 *    damaged range after the last frame stating it can hide more articles.
 *
 * The output's checkpoint comment records what was done, as compact JSON:
 *   {"salvaged_from":NAME,"source_bytes":N,"recovered":K,"lost":L,
 *    "total_known":BOOL,"verified":V,"last_verified_root":HEX|null,
 *    "lost_ranges":[[FIRST,LAST],...]}
 * where V counts recovered articles checked against an index digest and
 * last_verified_root is the root of the last intact SEAL frame whose
 * statement's root and tree size equal the Merkle root and article count
 * computed from an intact index (signatures are not checked: that needs
 * keys, see quire verify). lost_ranges lists the lost articles (original
 * numbers) when the comment stays within 1024 bytes; otherwise it is
 * replaced by "lost_ranges":"omitted" and the list is in the report only.
 *
 * Recovered articles get new numbers 0, 1, 2, ... in the output; the
 * QUIRE_SALVAGE_RECOVERED items map original numbers to output numbers.
 * ====================================================================== */
typedef struct quire_salvager quire_salvager;

#define QUIRE_SALVAGE_DAMAGE 1    /* a damaged byte range of the input */
#define QUIRE_SALVAGE_RECOVERED 2 /* articles recovered (a run of consecutive numbers) */
#define QUIRE_SALVAGE_LOST 3      /* articles that could not be recovered */
#define QUIRE_SALVAGE_NOTE 4      /* information: a frame skipped, an unknown count, ... */

/* One item of a salvage report; pointers are valid during the callback. */
typedef struct quire_salvage_item {
    int kind;              /* QUIRE_SALVAGE_* */
    int code;              /* QUIRE_E_* reason (QUIRE_OK for RECOVERED) */
    uint64_t article;      /* RECOVERED, LOST: first article, original numbering */
    uint64_t count;        /* RECOVERED, LOST: number of articles (>= 1) */
    uint64_t out_article;  /* RECOVERED: output number of the first one */
    uint64_t offset;       /* input offset: the damaged range, or the block
                              frame concerned (LOST: 0 when none is known) */
    uint64_t length;       /* DAMAGE: bytes in the range, else 0 */
    const uint8_t *digest; /* LOST, with an index: the record digest it lists
                              (count is then 1), else NULL */
    const char *url;       /* LOST: URL read from a copy that failed its check
                              (unverified), else NULL (unknown) */
    size_t url_len;
    int numbers_verified; /* LOST: 1 if the article numbers come from an intact
                             index, block header or trailer; 0 if from the
                             header of a damaged frame */
    const char *what;     /* static: the check that failed, or what was found */
    const char *message;  /* human-readable detail, never NULL */
} quire_salvage_item;

/* Receives each item; returns 0 to go on, non-zero to receive no more
 * items (the salvage itself goes on). */
typedef int (*quire_salvage_fn)(void *ctx, const quire_salvage_item *item);

typedef struct quire_salvage_report {
    uint64_t source_bytes; /* input size */
    int header_ok;         /* the file header was intact */
    uint64_t frames;       /* intact frames found */
    uint64_t damaged_ranges, damaged_bytes;
    uint64_t blocks;         /* intact BLOK frames */
    uint64_t indexes;        /* intact, decodable INDX frames */
    uint64_t seals;          /* intact, decodable SEAL frames */
    int has_index;           /* an intact index was used */
    uint64_t index_offset;   /* its INDX frame offset */
    uint64_t index_articles; /* articles it lists */
    uint64_t recovered;      /* articles written to the output */
    uint64_t verified;       /* of them, checked against an index digest */
    uint64_t lost;           /* articles named lost: total - recovered */
    uint64_t total;          /* articles known to have existed */
    int total_known;         /* 1 if total is the archive's stated count */
    int truncated;           /* the input ends inside a damaged range */
    int has_verified_root;   /* last_verified_root below is set */
    uint8_t verified_root[32];
    uint64_t verified_tree_size, verified_checkpoint, verified_seal_offset;
    int scan_budget_spent; /* resynchronization stopped early (bounded work) */
    int lost_in_comment;   /* the comment lists the lost ranges */
    char comment[1025];    /* the checkpoint comment set on the output, NUL-terminated */
    size_t comment_len;
} quire_salvage_report;

QUIRE_API int quire_salvager_new(quire_salvager **out, const quire_alloc *alloc);
QUIRE_API void quire_salvager_free(quire_salvager *s);
/* Limits applied to the damaged input (QUIRE_LIMIT_*), as for a reader. */
QUIRE_API int quire_salvager_set_limit(quire_salvager *s, int which, uint64_t value);

/* Salvages damaged[0..len) into out, a writer the caller has opened (and
 * configured: signers, block size, level) and finishes after this call
 * returns QUIRE_OK. source_name (UTF-8, may be NULL) is recorded as
 * "salvaged_from" (at most 256 bytes of it). Items go to fn (may be NULL)
 * in this order: DAMAGE items in file order; NOTEs about frames in file
 * order; RECOVERED runs and then LOST items in article order; a last NOTE
 * when the article count is not known. rep (may be NULL) receives the
 * summary.
 *
 * This calls quire_writer_set_checkpoint(out, 0, rep->comment, ...): to
 * state a checkpoint time, call quire_writer_set_checkpoint(out, time,
 * rep->comment, rep->comment_len) again before quire_writer_finish.
 *
 * Returns QUIRE_OK when the salvage ran, whatever it recovered (see rep:
 * lost == 0 && total_known means nothing was lost); QUIRE_E_ARG,
 * QUIRE_E_BADSTATE (out not open), QUIRE_E_NOMEM, or the writer's error
 * (e.g. QUIRE_E_IO) otherwise, with d filled; out is then unusable.
 * Damaged input never causes an error return. Untrusted input: never
 * reads outside damaged[0..len); work is bounded (resynchronization
 * checksums at most 8 x len bytes + 16 MiB). */
QUIRE_API QUIRE_NODISCARD int quire_salvager_run(quire_salvager *s, const void *damaged, size_t len,
                                                 const char *source_name, quire_writer *out,
                                                 quire_salvage_fn fn, void *ctx,
                                                 quire_salvage_report *rep, quire_diag *d);
/* The same with a salvager made for the call (malloc, default limits). */
QUIRE_API QUIRE_NODISCARD int quire_salvage(const void *damaged, size_t len,
                                            const char *source_name, quire_writer *out,
                                            quire_salvage_fn fn, void *ctx,
                                            quire_salvage_report *rep, quire_diag *d);

/* ======================================================================
 * Verification (spec/REPORT.md)
 *
 * A verifier reports every finding through a callback, as it goes, in
 * memory bounded by the index and one block (not by the findings).
 * ====================================================================== */
#define QUIRE_SEV_INFO 0
#define QUIRE_SEV_WARNING 1
#define QUIRE_SEV_ERROR 2

/* A signature of a seal, as found. */
typedef struct quire_signer {
    int index;               /* position in the seal */
    int role;                /* QUIRE_ROLE_* */
    const char *role_name;   /* for QUIRE_ROLE_NAMED, else the role's name */
    quire_pubkey key;
    int valid;               /* the signature verifies with key */
    int trusted;             /* key and role are in the keyring */
    const char *label;       /* keyring label when trusted, else NULL */
} quire_signer;

typedef struct quire_finding {
    int code;                /* QUIRE_E_* for a problem, QUIRE_OK for information */
    int severity;            /* QUIRE_SEV_* */
    uint64_t offset;         /* absolute byte offset */
    int64_t frame;           /* offset of the frame concerned, or -1 */
    int64_t article;         /* article number, or -1 */
    const char *what;        /* static: what was being checked */
    const char *message;     /* human-readable, valid during the callback */
    const quire_signer *signer; /* for findings about a seal signature, else NULL */
} quire_finding;

/* Receives each finding; returns 0 to go on, non-zero to stop early. */
typedef int (*quire_finding_fn)(void *ctx, const quire_finding *f);

typedef struct quire_verify_summary {
    int valid;               /* 1 if no error finding */
    uint64_t errors, warnings;
    uint64_t articles;       /* in the index */
    uint64_t checked;        /* articles whose record digest was checked */
    int sealed;
    uint64_t checkpoint;
    uint64_t tree_size;
    int64_t created;
    uint8_t root[32];        /* computed Merkle root */
    uint8_t archive_id[16];
    size_t signatures, valid_signatures, trusted_signatures;
    uint64_t publisher_signed, publisher_valid;
} quire_verify_summary;

typedef struct quire_verifier quire_verifier;

#define QUIRE_VERIFY_FAST 1           /* 1: structure, index, seal, signatures only */
#define QUIRE_VERIFY_STRICT 2         /* 1: warnings count as errors */
#define QUIRE_VERIFY_MIN_SIGNATURES 3 /* valid (trusted, with keys) signatures needed, counted
                                         as distinct keys */
#define QUIRE_VERIFY_THREADS 4        /* blocks checked in parallel, 1..64 (default 1);
                                         from 2, a paged index is walked on a thread of
                                         its own beside the first blocks. Findings come in
                                         the same order for any value */

QUIRE_API int quire_verifier_new(quire_verifier **out, const quire_alloc *alloc);
QUIRE_API void quire_verifier_free(quire_verifier *v);
/* Trusted keys (borrowed until the last run). Without a keyring, signatures
 * are checked and reported as untrusted. */
QUIRE_API int quire_verifier_set_keyring(quire_verifier *v, const quire_keyring *kr);
QUIRE_API int quire_verifier_set_option(quire_verifier *v, int option, int64_t value);
/* Requires a valid trusted signature in this role (QUIRE_ROLE_*; name for
 * QUIRE_ROLE_NAMED). May be called several times. */
QUIRE_API int quire_verifier_require_role(quire_verifier *v, int role, const char *name);
/* Progress of a full verification, for a display: after each batch of
 * blocks (64 per thread), on the calling thread and after that batch's
 * findings, the number of articles whose blocks are done (growing) and the
 * number in the archive. Not called by --fast runs nor after a finding
 * callback asked to stop. fn NULL: no progress (the default). */
typedef void (*quire_progress_fn)(void *ctx, uint64_t done, uint64_t total);
QUIRE_API int quire_verifier_set_progress(quire_verifier *v, quire_progress_fn fn, void *ctx);
/* Verifies an archive. Returns QUIRE_OK if valid, else the code of the
 * first error finding (QUIRE_E_IO if the file cannot be read). summary
 * (may be NULL) is filled either way. */
QUIRE_API int quire_verifier_run_file(quire_verifier *v, const char *path, quire_finding_fn fn,
                                      void *ctx, quire_verify_summary *summary);
QUIRE_API int quire_verifier_run_memory(quire_verifier *v, const void *buf, size_t len,
                                        quire_finding_fn fn, void *ctx,
                                        quire_verify_summary *summary);

/* ======================================================================
 * WARC import and export (spec/WARC.md)
 * ====================================================================== */

#define QUIRE_WARC_ARTICLE 1 /* a record became article `article` */
#define QUIRE_WARC_SKIPPED 2 /* a record (or bytes) not imported: offset, code, message */
#define QUIRE_WARC_NOTE 3    /* imported, with something to say (digest mismatch, ...) */
#define QUIRE_WARC_OMITTED 4 /* a sound record that is not an article nor attached to one: a
                                payload that is not HTML or text, the request and metadata
                                records of such a response, other record types */

typedef struct quire_warc_event {
    int kind;            /* QUIRE_WARC_* */
    int code;            /* a QUIRE_E_* code, or 0 */
    uint64_t offset;     /* file offset of the record (of its gzip member in a .gz) */
    uint64_t record;     /* number of the record in the file, from 0 */
    const char *what;    /* static: what was being read */
    const char *message; /* one line, valid until the callback returns */
    int64_t article;     /* QUIRE_WARC_ARTICLE: its number, else -1 */
} quire_warc_event;
typedef int (*quire_warc_fn)(void *ctx, const quire_warc_event *ev);

typedef struct quire_warc_summary {
    uint64_t records;      /* records read (every WARC-Type) */
    uint64_t articles;     /* articles written (response, resource and revisit records) */
    uint64_t revisits;     /* of them, revisits */
    uint64_t attached;     /* request and metadata records kept with their article */
    uint64_t skipped;      /* broken records or byte ranges, reported, not imported */
    uint64_t omitted;      /* sound records that are not articles (QUIRE_WARC_OMITTED) */
    uint64_t digest_ok, digest_mismatch, digest_absent, digest_unchecked;
    uint64_t gzip_errors;  /* corrupt or truncated gzip members */
} quire_warc_summary;

/* Imports the WARC file at path (uncompressed, gzip per record or whole;
 * WARC/1.0, 1.1, 0.17) into w, which the caller opened: every response,
 * resource and revisit record with an HTML or text payload becomes an
 * article (spec/WARC.md 4); events go to fn (may be NULL). Returns QUIRE_OK
 * when the file was read, whatever was skipped (see sum); QUIRE_E_FEATURE
 * for an ARC or zstd file (d says why), QUIRE_E_IO, QUIRE_E_NOMEM or the
 * writer's error otherwise. Never prints. */
QUIRE_API QUIRE_NODISCARD int quire_warc_import(quire_writer *w, const char *path,
                                                quire_warc_fn fn, void *ctx,
                                                quire_warc_summary *sum, quire_diag *d);
/* Writes every article of r as WARC/1.1 records, one gzip member each, to
 * fn: imported records with their ids, dates, digests and blocks intact,
 * with their warcinfo (once), request and metadata records; any other
 * article as a resource record of its body. fn is called once per record,
 * and sum counts as the export goes (sum->articles: articles written so
 * far), so fn may read it to show progress. */
QUIRE_API QUIRE_NODISCARD int quire_warc_export(quire_reader *r, quire_write_fn fn, void *ctx,
                                                quire_warc_summary *sum, quire_diag *d);

#ifdef __cplusplus
}
#endif
#endif
