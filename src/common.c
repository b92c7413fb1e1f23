/* common.c - errors, versions, allocation, digests, limits. */
#include <stdlib.h>
#include <stdatomic.h>
#include <string.h>

#include <sodium.h>

#include "internal.h"

static const struct {
    int code;
    const char *name;
    const char *text;
} errors[] = {
    {QUIRE_OK, "QUIRE_OK", "success"},
    {QUIRE_DONE, "QUIRE_DONE", "end of iteration"},
    {QUIRE_E_ARG, "QUIRE_E_ARG", "invalid argument"},
    {QUIRE_E_BADSTATE, "QUIRE_E_BADSTATE", "call out of order or handle unusable after an error"},
    {QUIRE_E_NOMEM, "QUIRE_E_NOMEM", "out of memory"},
    {QUIRE_E_IO, "QUIRE_E_IO", "input/output error"},
    {QUIRE_E_TRUNCATED, "QUIRE_E_TRUNCATED", "input ends inside a structure"},
    {QUIRE_E_MAGIC, "QUIRE_E_MAGIC", "not a quire archive (bad magic)"},
    {QUIRE_E_RESERVED, "QUIRE_E_RESERVED", "reserved field or flag is not zero"},
    {QUIRE_E_CRC, "QUIRE_E_CRC", "frame CRC-32 mismatch"},
    {QUIRE_E_FRAME, "QUIRE_E_FRAME", "bad frame type or frame out of place"},
    {QUIRE_E_BLOCK, "QUIRE_E_BLOCK", "bad block header or record framing"},
    {QUIRE_E_INFLATE, "QUIRE_E_INFLATE", "corrupt compressed data"},
    {QUIRE_E_RECORD, "QUIRE_E_RECORD", "malformed record"},
    {QUIRE_E_FIELD, "QUIRE_E_FIELD", "field value invalid for its type or key"},
    {QUIRE_E_UTF8, "QUIRE_E_UTF8", "invalid UTF-8"},
    {QUIRE_E_TIME, "QUIRE_E_TIME", "invalid date or time"},
    {QUIRE_E_ORDER, "QUIRE_E_ORDER", "non-canonical order or duplicate"},
    {QUIRE_E_INDEX, "QUIRE_E_INDEX", "malformed or inconsistent index"},
    {QUIRE_E_TRAILER, "QUIRE_E_TRAILER", "malformed trailer"},
    {QUIRE_E_DIGEST, "QUIRE_E_DIGEST", "record digest does not match the index"},
    {QUIRE_E_TRAILING, "QUIRE_E_TRAILING", "unexpected bytes after the end of a structure"},
    {QUIRE_E_JSON, "QUIRE_E_JSON", "invalid JSON"},
    {QUIRE_E_DICT, "QUIRE_E_DICT", "block needs a dictionary the archive lacks"},
    {QUIRE_E_VERSION, "QUIRE_E_VERSION", "unsupported format major version"},
    {QUIRE_E_CRITICAL, "QUIRE_E_CRITICAL", "unknown critical frame type"},
    {QUIRE_E_CODEC, "QUIRE_E_CODEC", "unknown compression codec"},
    {QUIRE_E_FEATURE, "QUIRE_E_FEATURE", "reserved record feature not supported by this version"},
    {QUIRE_E_LIMIT, "QUIRE_E_LIMIT", "declared size over a limit"},
    {QUIRE_E_NOTFOUND, "QUIRE_E_NOTFOUND", "not found"},
    {QUIRE_E_SEAL, "QUIRE_E_SEAL", "malformed seal or checkpoint statement"},
    {QUIRE_E_KEY, "QUIRE_E_KEY", "malformed key file, key string or keyring"},
    {QUIRE_E_WARC, "QUIRE_E_WARC", "malformed WARC record"},
    {QUIRE_E_HTTP, "QUIRE_E_HTTP", "malformed HTTP message in a WARC record"},
    {QUIRE_E_SIG, "QUIRE_E_SIG", "signature does not verify"},
    {QUIRE_E_UNTRUSTED, "QUIRE_E_UNTRUSTED", "not signed by a trusted key"},
    {QUIRE_E_ROOT, "QUIRE_E_ROOT", "Merkle root differs from the sealed root"},
    {QUIRE_E_STATEMENT, "QUIRE_E_STATEMENT", "seal statement disagrees with the archive"},
    {QUIRE_E_UNSIGNED, "QUIRE_E_UNSIGNED", "not sealed or not signed as required"},
    {QUIRE_E_ROLE, "QUIRE_E_ROLE", "a required role has no valid trusted signature"},
    {QUIRE_E_ARCHIVE_ID, "QUIRE_E_ARCHIVE_ID", "seal made for another archive"},
    {QUIRE_E_PUBLISHER, "QUIRE_E_PUBLISHER", "publisher signature does not verify"},
    {QUIRE_E_PASSWORD, "QUIRE_E_PASSWORD", "wrong password for the secret key"},
    {QUIRE_E_CHAIN, "QUIRE_E_CHAIN", "checkpoint chain broken"},
};
#define N_ERRORS (sizeof errors / sizeof errors[0])

/* see quire.h */
const char *
quire_strerror(int code)
{
    size_t i;
    for (i = 0; i < N_ERRORS; i++) {
        if (errors[i].code == code) {
            return errors[i].text;
        }
    }
    return "unknown error code";
}

/* see quire.h */
const char *
quire_error_name(int code)
{
    size_t i;
    for (i = 0; i < N_ERRORS; i++) {
        if (errors[i].code == code) {
            return errors[i].name;
        }
    }
    return "QUIRE_E_UNKNOWN";
}

/* see quire.h */
int
quire_error_class(int code)
{
    if (code >= 0) {
        return QUIRE_CLASS_OK;
    }
    if (code >= -9) {
        return QUIRE_CLASS_MISUSE;
    }
    if (code >= -19) {
        return QUIRE_CLASS_RESOURCE;
    }
    if (code >= -49) {
        return QUIRE_CLASS_MALFORMED;
    }
    if (code >= -59) {
        return QUIRE_CLASS_UNSUPPORTED;
    }
    if (code >= -69) {
        return QUIRE_CLASS_LIMIT;
    }
    if (code >= -79) {
        return QUIRE_CLASS_NOTFOUND;
    }
    if (code >= -99) {
        return QUIRE_CLASS_AUTH;
    }
    return QUIRE_CLASS_MISUSE; /* not a quire code */
}

/* see quire.h */
unsigned
quire_version_number(void)
{
    return QUIRE_VERSION_NUMBER;
}

/* see quire.h */
const char *
quire_version_string(void)
{
    return QUIRE_VERSION_STRING;
}

/* see quire.h */
int
quire_is_fuzzing_build(void)
{
    return QUIRE__FUZZING;
}

/* see quire.h */
int
quire_limit_info(int which, uint64_t *default_value, uint64_t *hard_max)
{
    return quire__limits_info(which, default_value, hard_max);
}

int
quire__fail(quire_diag *d, int code, uint64_t offset, int64_t article, const char *what,
            const char *detail, const char *file, int line)
{
#ifdef QUIRE_DEBUG
    fprintf(stderr, "%s:%d: %s at %llu (%s)\n", file, line, quire_error_name(code),
            (unsigned long long)offset, what);
#else
    (void)file;
    (void)line;
#endif
    if (d != NULL) {
        d->code = code;
        d->offset = offset;
        d->article = article;
        d->what = what != NULL ? what : "";
        d->detail = detail;
    }
    return code;
}

int
quire__fail_cur(quire_diag *d, const quire__cur *c, int64_t article)
{
    return quire__fail(d, c->err != 0 ? c->err : QUIRE_E_RECORD, c->err_off, article,
                       c->err_what, NULL, __FILE__, __LINE__);
}

static void *
default_alloc(void *opaque, size_t n)
{
    (void)opaque;
    return malloc(n);
}

static void
default_free(void *opaque, void *p)
{
    (void)opaque;
    free(p);
}

void
quire__allocator_from(quire__allocator *out, const quire_alloc *in)
{
    if (in != NULL && in->alloc != NULL && in->free != NULL) {
        out->alloc = in->alloc;
        out->free = in->free;
        out->opaque = in->opaque;
    } else {
        out->alloc = default_alloc;
        out->free = default_free;
        out->opaque = NULL;
    }
}

int
quire__blake2b256(uint8_t out[32], const uint8_t *p, size_t n)
{
    /* sodium_init is idempotent and thread-safe, but takes a lock each
     * time; a verify hashes every record and every Merkle node */
    static atomic_int ready;
    if (!atomic_load_explicit(&ready, memory_order_acquire)) {
        if (sodium_init() < 0) {
            return QUIRE_E_NOMEM;
        }
        atomic_store_explicit(&ready, 1, memory_order_release);
    }
    if (crypto_generichash(out, 32, p, n, NULL, 0) != 0) {
        return QUIRE_E_NOMEM;
    }
    return QUIRE_OK;
}

/* see quire.h */
const char *
quire_field_name(int key)
{
    return key > 0 ? quire__std_name((unsigned)key) : NULL;
}

/* see quire.h */
int
quire_field_key(const char *name, size_t len)
{
    if (name == NULL) {
        return 0;
    }
    return (int)quire__std_key((const uint8_t *)name, len);
}

/* see quire.h */
int
quire_field_type(int key)
{
    return key > 0 ? quire__std_type((unsigned)key) : -1;
}

/* see quire.h */
int
quire_parse_time(const char *s, size_t len, int64_t *secs)
{
    if (s == NULL) {
        return QUIRE_E_ARG;
    }
    return quire__time_parse((const uint8_t *)s, len, secs);
}
