/* test_keys.c - unit tests for minisign-compatible keys (cmocka):
 * format/minisign.c (base64, key files, keyrings) and src/keys.c (the
 * public API: parsing, encryption, signing, keyrings).
 *
 * Run from the project root (make unit): the minisign-made keys and
 * signatures are read from tests/data/keys/ (see its README). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "helpers.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sodium.h>

#include "cursor.h"
#include "minisign.h"
#include "quire.h"

/* a string literal and its length, embedded NULs included */
#define S(lit) (lit), (sizeof(lit) - 1)

#define DATA "tests/data/keys/"
#define GIB ((uint64_t)1 << 30)

/* ====================================================================
 * Allocator: cmocka's test_malloc (leak checks) with an optional failure
 * after a given number of calls.
 * ==================================================================== */


static quire__allocator
make_alloc(talloc *t)
{
    quire__allocator a;
    t->calls = 0;
    t->fail_after = -1;
    a.alloc = t_alloc;
    a.free = t_free;
    a.opaque = t;
    return a;
}

/* ====================================================================
 * Helpers
 * ==================================================================== */

/* Reads a file of tests/data/keys into an exact-size heap buffer (so ASan
 * sees any read past its end). */
static char *
read_data(const char *name, size_t *len)
{
    char path[256];
    FILE *f;
    long n;
    char *p;
    snprintf(path, sizeof path, DATA "%s", name);
    f = fopen(path, "rb");
    if (f == NULL) {
        fail_msg("cannot open %s (run the tests from the project root)", path);
    }
    assert_int_equal(fseek(f, 0, SEEK_END), 0);
    n = ftell(f);
    assert_true(n >= 0);
    assert_int_equal(fseek(f, 0, SEEK_SET), 0);
    p = (char *)test_malloc(n > 0 ? (size_t)n : 1);
    assert_int_equal(fread(p, 1, (size_t)n, f), (size_t)n);
    fclose(f);
    *len = (size_t)n;
    return p;
}

/* Line i (0-based) of text, without its line end. */
static void
line_of(const char *text, size_t len, int i, const char **p, size_t *n)
{
    const char *s = text, *end = text + len, *nl;
    while (i-- > 0) {
        nl = (const char *)memchr(s, '\n', (size_t)(end - s));
        assert_non_null(nl);
        s = nl + 1;
    }
    nl = (const char *)memchr(s, '\n', (size_t)(end - s));
    *p = s;
    *n = nl != NULL ? (size_t)(nl - s) : (size_t)(end - s);
}

/* Decodes a base64 string that must be valid. */
static size_t
b64_dec(const char *s, size_t n, uint8_t *out, size_t cap)
{
    quire__cur c;
    size_t got;
    quire__cur_init(&c, s, n, 0);
    assert_int_equal(quire__b64_decode(&c, n, out, cap, &got, QUIRE_E_KEY, "test"), 0);
    return got;
}

/* BLAKE2b-512 then Ed25519 verification: minisign's "ED" signatures. */
static int
verify_prehashed(const uint8_t sig[64], const void *msg, size_t len, const uint8_t pk[32])
{
    uint8_t h[64];
    crypto_generichash(h, sizeof h, (const unsigned char *)msg, len, NULL, 0);
    return crypto_sign_verify_detached(sig, h, sizeof h, pk);
}

/* A secret key file (text, heap, NUL-terminated) for the raw 158 bytes. */
static char *
sec_text(const uint8_t raw[QUIRE__MS_SEC_LEN], size_t *len)
{
    size_t n = quire__ms_file_len(8, QUIRE__MS_SEC_LEN);
    char *p = (char *)test_malloc(n + 1);
    assert_int_equal(quire__ms_file_encode(p, n + 1, S("test key"), raw, QUIRE__MS_SEC_LEN), n);
    *len = n;
    return p;
}

/* Offset of byte b of the secret key in a file made by sec_text. */
static uint64_t
sec_off(size_t b)
{
    return quire__ms_b64_off(QUIRE__MS_PREFIX_LEN + 8 + 1, b);
}

/* A fresh unencrypted secret key, decoded: raw (with checksum) and its
 * public key. */
static void
fresh_raw(uint8_t raw[QUIRE__MS_SEC_LEN], quire_pubkey *pk)
{
    quire_seckey *sk = NULL;
    quire__ms_sec ms;
    quire__cur c;
    char *text = NULL;
    size_t len = 0;
    assert_int_equal(quire_seckey_generate(&sk, pk), QUIRE_OK);
    assert_int_equal(quire_seckey_file(sk, NULL, &text, &len), QUIRE_OK);
    quire__cur_init(&c, text, len, 0);
    assert_int_equal(quire__ms_sec_parse(&c, &ms), 0);
    assert_int_equal(ms.encrypted, 0);
    memcpy(raw, ms.raw, QUIRE__MS_SEC_LEN);
    free(text);
    quire_seckey_free(sk);
}

/* Encrypts raw in place as minisign does, with the given scrypt limits. */
static void
encrypt_raw(uint8_t raw[QUIRE__MS_SEC_LEN], const char *pw, uint64_t ops, uint64_t mem)
{
    uint8_t stream[QUIRE__MS_KEYNUM_LEN];
    size_t i;
    memcpy(raw + QUIRE__MS_SEC_KDF_ALG, "Sc", 2);
    randombytes_buf(raw + QUIRE__MS_SEC_SALT, QUIRE__MS_SALT_LEN);
    quire__st64(raw + QUIRE__MS_SEC_OPSLIMIT, ops);
    quire__st64(raw + QUIRE__MS_SEC_MEMLIMIT, mem);
    assert_int_equal(crypto_pwhash_scryptsalsa208sha256(stream, sizeof stream, pw, strlen(pw),
                                                        raw + QUIRE__MS_SEC_SALT, ops,
                                                        (size_t)mem),
                     0);
    for (i = 0; i < sizeof stream; i++) {
        raw[QUIRE__MS_SEC_KEYNUM + i] ^= stream[i];
    }
}

static void
expect_sec_fail(const char *text, size_t len, const char *pw, int code, uint64_t off)
{
    quire_seckey *sk = (quire_seckey *)(uintptr_t)1;
    quire_diag d;
    int e;
    memset(&d, 0, sizeof d);
    e = quire_seckey_parse(&sk, text, len, pw, &d);
    if (e != code || d.offset != off) {
        print_error("got %s at %llu (%s), want %s at %llu\n", quire_error_name(e),
                    (unsigned long long)d.offset, d.what != NULL ? d.what : "",
                    quire_error_name(code), (unsigned long long)off);
    }
    assert_int_equal(e, code);
    assert_int_equal(d.code, code);
    assert_int_equal(d.offset, off);
    assert_non_null(d.what);
    assert_null(sk);
}

static void
expect_pub_fail(const char *text, size_t len, uint64_t off)
{
    quire_pubkey pk;
    quire_diag d;
    int e;
    memset(&pk, 0xAA, sizeof pk);
    memset(&d, 0, sizeof d);
    e = quire_pubkey_parse(&pk, text, len, &d);
    if (e != QUIRE_E_KEY || d.offset != off) {
        print_error("input %.*s: got %s at %llu (%s), want offset %llu\n", (int)len, text,
                    quire_error_name(e), (unsigned long long)d.offset,
                    d.what != NULL ? d.what : "", (unsigned long long)off);
    }
    assert_int_equal(e, QUIRE_E_KEY);
    assert_int_equal(d.offset, off);
    assert_true(d.offset <= len);
    /* failure leaves the output zeroed */
    {
        quire_pubkey z;
        memset(&z, 0, sizeof z);
        assert_memory_equal(&pk, &z, sizeof pk);
    }
}

/* ====================================================================
 * base64
 * ==================================================================== */

static void
test_b64_rfc4648(void **state)
{
    static const struct {
        const char *bin, *b64;
    } v[] = {{"", ""},         {"f", "Zg=="},         {"fo", "Zm8="},       {"foo", "Zm9v"},
             {"foob", "Zm9vYg=="}, {"fooba", "Zm9vYmE="}, {"foobar", "Zm9vYmFy"}};
    size_t i;
    (void)state;
    for (i = 0; i < sizeof v / sizeof v[0]; i++) {
        char out[16];
        uint8_t bin[16];
        size_t n = strlen(v[i].bin), m = strlen(v[i].b64);
        assert_int_equal(QUIRE__B64_LEN(n), m);
        quire__b64_encode(out, (const uint8_t *)v[i].bin, n);
        assert_memory_equal(out, v[i].b64, m);
        assert_int_equal(b64_dec(v[i].b64, m, bin, sizeof bin), n);
        assert_memory_equal(bin, v[i].bin, n);
    }
}

static void
test_b64_all_bytes(void **state)
{
    uint8_t in[256], back[256];
    char enc[QUIRE__B64_LEN(256)];
    size_t n, i;
    (void)state;
    for (i = 0; i < 256; i++) {
        in[i] = (uint8_t)(255 - i);
    }
    /* every length 0..256, so every padding and every alphabet character */
    for (n = 0; n <= 256; n++) {
        quire__b64_encode(enc, in, n);
        for (i = 0; i < QUIRE__B64_LEN(n); i++) {
            assert_non_null(
                strchr("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=",
                       enc[i]));
        }
        assert_int_equal(b64_dec(enc, QUIRE__B64_LEN(n), back, sizeof back), n);
        if (n != 0) {
            assert_memory_equal(back, in, n);
        }
    }
    /* the alphabet in order */
    {
        static const uint8_t seq[] = {0x00, 0x10, 0x83, 0x10, 0x51, 0x87, 0x20, 0x92,
                                      0x8b, 0x30, 0xd3, 0x8f, 0x41, 0x14, 0x93, 0x51,
                                      0x55, 0x97, 0x61, 0x96, 0x9b, 0x71, 0xd7, 0x9f,
                                      0x82, 0x18, 0xa3, 0x92, 0x59, 0xa7, 0xa2, 0x9a,
                                      0xab, 0xb2, 0xdb, 0xaf, 0xc3, 0x1c, 0xb3, 0xd3,
                                      0x5d, 0xb7, 0xe3, 0x9e, 0xbb, 0xf3, 0xdf, 0xbf};
        quire__b64_encode(enc, seq, sizeof seq);
        assert_memory_equal(enc,
                            "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/",
                            64);
    }
}

static void
expect_b64_fail(const char *in, size_t n, size_t cap, size_t off)
{
    uint8_t out[64];
    quire__cur c;
    size_t got = 99;
    quire__cur_init(&c, in, n, 1000);
    assert_int_equal(quire__b64_decode(&c, n, out, cap, &got, QUIRE_E_KEY, "b64"), QUIRE_E_KEY);
    if (c.err_off != 1000 + off) {
        print_error("input '%.*s': error at %llu, want %llu\n", (int)n, in,
                    (unsigned long long)c.err_off - 1000, (unsigned long long)off);
    }
    assert_int_equal(c.err, QUIRE_E_KEY);
    assert_int_equal(c.err_off, 1000 + off);
    assert_string_equal(c.err_what, "b64");
    assert_int_equal(got, 0);
}

static void
test_b64_reject(void **state)
{
    (void)state;
    expect_b64_fail(S("Zg="), 64, 0);         /* not a multiple of 4 */
    expect_b64_fail(S("Zm9vY"), 64, 4);       /* incomplete last group */
    expect_b64_fail(S("Zg"), 64, 0);          /* padding required */
    expect_b64_fail(S("Zh=="), 64, 1);        /* non-canonical: 'h' has low bits */
    expect_b64_fail(S("Zm9="), 64, 2);        /* non-canonical: '9' has low bits */
    expect_b64_fail(S("Z==="), 64, 1);        /* three pads */
    expect_b64_fail(S("===="), 64, 0);
    expect_b64_fail(S("Zg==Zg=="), 64, 2);    /* padding inside */
    expect_b64_fail(S("Zm=v"), 64, 2);        /* '=' not at the end */
    expect_b64_fail(S("Zm9v\n"), 64, 4);      /* stray newline: length */
    expect_b64_fail(S("Zm 9v"), 64, 4);
    expect_b64_fail(S("Zm-v"), 64, 2);        /* base64url is not accepted */
    expect_b64_fail(S("Zm_v"), 64, 2);
    expect_b64_fail(S("Zm9\0"), 64, 3);       /* NUL */
    expect_b64_fail(S("Zm9\xff"), 64, 3);     /* high byte */
    expect_b64_fail(S("Zm9vYmFy"), 5, 4);     /* output over capacity */
    expect_b64_fail(S("Zm9vYg=="), 0, 0);
    {
        /* n beyond what the cursor holds */
        quire__cur c;
        uint8_t out[8];
        size_t got;
        quire__cur_init(&c, "Zm9v", 4, 0);
        assert_int_equal(quire__b64_decode(&c, 8, out, sizeof out, &got, QUIRE_E_KEY, "x"),
                         QUIRE_E_KEY);
        assert_int_equal(c.err_off, 4);
    }
    {
        /* a failed cursor stays failed */
        quire__cur c;
        uint8_t out[8];
        size_t got;
        quire__cur_init(&c, "Zm9v", 4, 0);
        quire__cur_fail(&c, QUIRE_E_RECORD, "earlier");
        assert_int_equal(quire__b64_decode(&c, 4, out, sizeof out, &got, QUIRE_E_KEY, "x"),
                         QUIRE_E_RECORD);
    }
}

/* ====================================================================
 * Public keys
 * ==================================================================== */

static void
test_sizes(void **state)
{
    (void)state;
    assert_int_equal(quire_publickeybytes(), 32);
    assert_int_equal(quire_secretkeybytes(), 64);
    assert_int_equal(quire_signaturebytes(), 64);
    assert_int_equal(QUIRE_PUBLICKEYBYTES, crypto_sign_PUBLICKEYBYTES);
}

static void
test_keyid_hex(void **state)
{
    static const uint8_t id[8] = {0xda, 0x53, 0x22, 0x27, 0x89, 0x50, 0x3d, 0x22};
    char hex[17];
    (void)state;
    quire_keyid_hex(id, hex);
    assert_string_equal(hex, "223D5089272253DA"); /* minisign: le64, %016" PRIX64 */
    {
        static const uint8_t small[8] = {1, 0, 0, 0, 0, 0, 0, 0};
        quire_keyid_hex(small, hex);
        assert_string_equal(hex, "0000000000000001");
    }
}

/* The committed minisign public key files: parse every accepted form,
 * re-encode byte for byte. */
static void
check_minisign_pub(const char *name)
{
    size_t len, klen;
    char *text = read_data(name, &len);
    const char *line0, *line1;
    size_t n0;
    quire_pubkey pk, pk2;
    quire_diag d;
    char s[57], hex[17], file[128], buf[160];
    line_of(text, len, 0, &line0, &n0);
    line_of(text, len, 1, &line1, &klen);
    assert_int_equal(klen, 56);

    assert_int_equal(quire_pubkey_parse(&pk, text, len, &d), QUIRE_OK);
    /* the key id in minisign's comment */
    quire_keyid_hex(pk.key_id, hex);
    assert_int_equal(n0, strlen("untrusted comment: minisign public key ") + 16);
    assert_memory_equal(line0 + n0 - 16, hex, 16);
    /* string and file output equal minisign's bytes */
    quire_pubkey_string(&pk, s);
    assert_int_equal(strlen(s), 56);
    assert_memory_equal(s, line1, 56);
    assert_int_equal(quire_pubkey_file(&pk, file, sizeof file), len);
    assert_memory_equal(file, text, len);
    assert_int_equal(file[len], '\0');
    assert_int_equal(quire_pubkey_file(&pk, file, len + 1), len);
    assert_int_equal(quire_pubkey_file(&pk, file, len), 0); /* no room for the NUL */

    /* the key string alone, with or without a line end */
    memcpy(buf, line1, 56);
    assert_int_equal(quire_pubkey_parse(&pk2, buf, 56, NULL), QUIRE_OK);
    assert_memory_equal(&pk, &pk2, sizeof pk);
    memcpy(buf + 56, "\n", 1);
    assert_int_equal(quire_pubkey_parse(&pk2, buf, 57, NULL), QUIRE_OK);
    assert_memory_equal(&pk, &pk2, sizeof pk);
    memcpy(buf + 56, "\r\n", 2);
    assert_int_equal(quire_pubkey_parse(&pk2, buf, 58, NULL), QUIRE_OK);
    assert_memory_equal(&pk, &pk2, sizeof pk);
    /* the file without its final line end, and with CRLF line ends */
    assert_int_equal(quire_pubkey_parse(&pk2, text, len - 1, NULL), QUIRE_OK);
    assert_memory_equal(&pk, &pk2, sizeof pk);
    memcpy(buf, line0, n0);
    memcpy(buf + n0, "\r\n", 2);
    memcpy(buf + n0 + 2, line1, 56);
    memcpy(buf + n0 + 58, "\r\n", 2);
    assert_int_equal(quire_pubkey_parse(&pk2, buf, n0 + 60, NULL), QUIRE_OK);
    assert_memory_equal(&pk, &pk2, sizeof pk);
    test_free(text);
}

static void
test_pubkey_minisign_files(void **state)
{
    (void)state;
    check_minisign_pub("minisign-nopw.pub");
    check_minisign_pub("minisign-pw.pub");
}

static void
test_pubkey_roundtrip(void **state)
{
    quire_pubkey pk, back;
    char s[57], file[128];
    size_t n;
    int i;
    (void)state;
    for (i = 0; i < 64; i++) {
        randombytes_buf(&pk, sizeof pk);
        quire_pubkey_string(&pk, s);
        assert_int_equal(strlen(s), 56);
        assert_memory_equal(s, "RW", 2); /* "Ed" */
        assert_int_equal(quire_pubkey_parse(&back, s, 56, NULL), QUIRE_OK);
        assert_memory_equal(&pk, &back, sizeof pk);
        n = quire_pubkey_file(&pk, file, sizeof file);
        assert_int_equal(n, 113);
        assert_int_equal(quire_pubkey_parse(&back, file, n, NULL), QUIRE_OK);
        assert_memory_equal(&pk, &back, sizeof pk);
    }
    /* misuse */
    assert_int_equal(quire_pubkey_parse(NULL, s, 56, NULL), QUIRE_E_ARG);
    assert_int_equal(quire_pubkey_parse(&back, NULL, 5, NULL), QUIRE_E_ARG);
    assert_int_equal(quire_pubkey_file(NULL, file, sizeof file), 0);
    assert_int_equal(quire_pubkey_file(&pk, NULL, 128), 0);
    quire_pubkey_string(NULL, s);
    assert_string_equal(s, "");
}

static void
test_pubkey_malformed(void **state)
{
    quire_pubkey pk;
    char s[57], file[256], bad[256];
    uint8_t bin[42];
    size_t n, l1;
    (void)state;
    randombytes_buf(&pk, sizeof pk);
    quire_pubkey_string(&pk, s);
    n = quire_pubkey_file(&pk, file, sizeof file);
    l1 = n - 57; /* offset of the key line */

    expect_pub_fail(NULL, 0, 0);
    expect_pub_fail(S(""), 0);
    expect_pub_fail(S("\n"), 0);
    expect_pub_fail(s, 55, 55);               /* short string */
    memcpy(bad, s, 56);
    memcpy(bad + 56, "A", 1);
    expect_pub_fail(bad, 57, 56);             /* long string */
    bad[10] = '*';
    expect_pub_fail(bad, 56, 10);             /* bad character */
    memcpy(bad, s, 56);
    memcpy(bad + 56, " \n", 2);
    expect_pub_fail(bad, 58, 56);             /* trailing space */
    memcpy(bad + 56, "\r", 1);
    expect_pub_fail(bad, 57, 56);             /* a CR alone is no line end */
    /* two key strings: no comment line */
    memcpy(bad, s, 56);
    bad[56] = '\n';
    memcpy(bad + 57, s, 56);
    expect_pub_fail(bad, 113, 0);
    /* comment line */
    expect_pub_fail(S("untrusted comment: x"), 20);                /* no key line */
    expect_pub_fail(S("untrusted comment: x\n"), 21);              /* empty key line */
    expect_pub_fail(S("untrusted comment x\nRWQ\n"), 17);
    expect_pub_fail(S("Untrusted comment: x\nRWQ\n"), 0);
    expect_pub_fail(S("untrusted comment:"), 18);
    /* a signature file is not a public key */
    expect_pub_fail(S("untrusted comment: signature from minisign secret key\n"
                      "RUSJApnitwdmvK+3SsxA3+EIlEgzFmEaU4ULSyknyES7T2gVd+N6Xf+gXTIfcZnowwtfTUucvdcUgKqRbkd0L4xncMZ0Vo5+MQE=\n"),
                    54 + 56);
    /* bytes after the key line */
    memcpy(bad, file, n);
    memcpy(bad + n, "\n", 1);
    expect_pub_fail(bad, n + 1, n);
    memcpy(bad + n, "x", 1);
    expect_pub_fail(bad, n + 1, n);
    /* bad tag */
    bin[0] = 'E';
    bin[1] = 'D';
    memcpy(bin + 2, &pk, 40);
    memcpy(bad, file, l1);
    quire__b64_encode(bad + l1, bin, 42);
    bad[l1 + 56] = '\n';
    expect_pub_fail(bad, n, l1);
    quire__b64_encode(bad, bin, 42);
    expect_pub_fail(bad, 56, 0);
    /* padded line decoding to 40 bytes */
    quire__b64_encode(bad, bin, 40);
    assert_int_equal(QUIRE__B64_LEN(40), 56);
    expect_pub_fail(bad, 56, 0);
    /* comment line: 1024 bytes accepted, 1025 rejected at 1024 */
    {
        char *big = (char *)test_malloc(1025 + 1 + 57);
        memcpy(big, "untrusted comment: ", 19);
        memset(big + 19, 'c', 1024 - 19);
        big[1024] = '\n';
        memcpy(big + 1025, s, 56);
        big[1081] = '\n';
        assert_int_equal(quire_pubkey_parse(&pk, big, 1082, NULL), QUIRE_OK);
        memmove(big + 1025, big + 1024, 58);
        big[1024] = 'c';
        expect_pub_fail(big, 1083, 1024);
        big[1024] = '\r'; /* CRLF does not count toward the limit */
        assert_int_equal(quire_pubkey_parse(&pk, big, 1083, NULL), QUIRE_OK);
        test_free(big);
    }
}

/* ====================================================================
 * Secret keys
 * ==================================================================== */

/* Decodes line 2 of a .minisig: "ED" | key id | signature. */
static void
minisig(const char *name, uint8_t keyid[8], uint8_t sig[64], uint8_t global[64],
        char *trusted, size_t cap)
{
    size_t len, n;
    char *text = read_data(name, &len);
    const char *p;
    uint8_t bin[74];
    line_of(text, len, 1, &p, &n);
    assert_int_equal(b64_dec(p, n, bin, sizeof bin), 74);
    assert_memory_equal(bin, "ED", 2);
    memcpy(keyid, bin + 2, 8);
    memcpy(sig, bin + 10, 64);
    line_of(text, len, 2, &p, &n);
    assert_true(n > 17 && n - 17 < cap);
    memcpy(trusted, p + 17, n - 17);
    trusted[n - 17] = '\0';
    line_of(text, len, 3, &p, &n);
    assert_int_equal(b64_dec(p, n, bin, sizeof bin), 64);
    memcpy(global, bin, 64);
    test_free(text);
}

/* A minisign-made key signs message.txt exactly as minisign did. */
static void
check_minisign_signature(const quire_seckey *sk, const char *sigfile)
{
    size_t len;
    char *msg = read_data("message.txt", &len), trusted[128];
    uint8_t keyid[8], want[64], global[64], got[64], buf[64 + 128];
    quire_pubkey pk;
    minisig(sigfile, keyid, want, global, trusted, sizeof trusted);
    quire_seckey_public(sk, &pk);
    assert_memory_equal(keyid, pk.key_id, 8);
    assert_int_equal(quire_seckey_sign_prehashed(sk, msg, len, got), QUIRE_OK);
    assert_memory_equal(got, want, 64); /* Ed25519 is deterministic */
    assert_int_equal(verify_prehashed(got, msg, len, pk.pk), 0);
    /* the global signature: plain Ed25519 over signature | trusted comment */
    memcpy(buf, got, 64);
    memcpy(buf + 64, trusted, strlen(trusted));
    assert_int_equal(quire_seckey_sign(sk, buf, 64 + strlen(trusted), got), QUIRE_OK);
    assert_memory_equal(got, global, 64);
    test_free(msg);
}

static void
test_seckey_minisign_unencrypted(void **state)
{
    size_t len, plen;
    char *text = read_data("minisign-nopw.key", &len);
    char *ptext = read_data("minisign-nopw.pub", &plen);
    quire_seckey *sk = NULL;
    quire_pubkey pk, want;
    quire__ms_sec ms;
    quire__cur c;
    (void)state;
    /* what minisign -G -W writes: kdf, salt, limits and checksum all zero */
    quire__cur_init(&c, text, len, 0);
    assert_int_equal(quire__ms_sec_parse(&c, &ms), 0);
    assert_int_equal(ms.encrypted, 0);
    assert_int_equal(ms.opslimit, 0);
    assert_int_equal(ms.memlimit, 0);
    assert_true(sodium_is_zero(ms.raw + QUIRE__MS_SEC_SALT, 32));
    assert_true(sodium_is_zero(ms.raw + QUIRE__MS_SEC_CHK, 32));

    assert_int_equal(quire_seckey_is_encrypted(text, len), 0);
    assert_int_equal(quire_seckey_parse(&sk, text, len, NULL, NULL), QUIRE_OK);
    assert_non_null(sk);
    quire_seckey_public(sk, &pk);
    assert_int_equal(quire_pubkey_parse(&want, ptext, plen, NULL), QUIRE_OK);
    assert_memory_equal(&pk, &want, sizeof pk);
    check_minisign_signature(sk, "message.txt.nopw.minisig");
    quire_seckey_free(sk);
    /* a password given for a key without one is not needed */
    assert_int_equal(quire_seckey_parse(&sk, text, len, "ignored", NULL), QUIRE_OK);
    quire_seckey_free(sk);
    test_free(text);
    test_free(ptext);
}

static void
test_seckey_minisign_encrypted(void **state)
{
    size_t len, plen;
    char *text = read_data("minisign-pw.key", &len);
    char *ptext = read_data("minisign-pw.pub", &plen);
    quire_seckey *sk = NULL;
    quire_pubkey pk, want;
    quire__ms_sec ms;
    quire__cur c;
    (void)state;
    quire__cur_init(&c, text, len, 0);
    assert_int_equal(quire__ms_sec_parse(&c, &ms), 0);
    assert_int_equal(ms.encrypted, 1);
    assert_int_equal(ms.opslimit, crypto_pwhash_scryptsalsa208sha256_OPSLIMIT_SENSITIVE);
    assert_int_equal(ms.memlimit, crypto_pwhash_scryptsalsa208sha256_MEMLIMIT_SENSITIVE);
    assert_int_equal(quire_seckey_is_encrypted(text, len), 1);
    /* no password: refused before any derivation */
    expect_sec_fail(text, len, NULL, QUIRE_E_PASSWORD,
                    quire__ms_b64_off(ms.line_off, QUIRE__MS_SEC_KDF_ALG));
    /* the right one (a full-strength derivation: about 3 s) */
    assert_int_equal(quire_seckey_parse(&sk, text, len, "quire-test", NULL), QUIRE_OK);
    quire_seckey_public(sk, &pk);
    assert_int_equal(quire_pubkey_parse(&want, ptext, plen, NULL), QUIRE_OK);
    assert_memory_equal(&pk, &want, sizeof pk);
    check_minisign_signature(sk, "message.txt.pw.minisig");
    quire_seckey_free(sk);
    test_free(text);
    test_free(ptext);
}

static void
test_seckey_roundtrip_unencrypted(void **state)
{
    quire_seckey *sk = NULL, *back = NULL;
    quire_pubkey pk, pk2;
    quire__ms_sec ms;
    quire__cur c;
    char *text = NULL;
    size_t len = 0;
    uint8_t s1[64], s2[64];
    const char *pws[] = {NULL, ""};
    size_t i;
    (void)state;
    assert_int_equal(quire_seckey_generate(&sk, &pk), QUIRE_OK);
    quire_seckey_public(sk, &pk2);
    assert_memory_equal(&pk, &pk2, sizeof pk);
    for (i = 0; i < 2; i++) {
        assert_int_equal(quire_seckey_file(sk, pws[i], &text, &len), QUIRE_OK);
        assert_int_equal(strlen(text), len);
        assert_memory_equal(text, "untrusted comment: ", 19);
        quire__cur_init(&c, text, len, 0);
        assert_int_equal(quire__ms_sec_parse(&c, &ms), 0);
        /* as minisign -W: no kdf, zero salt and limits; a checksum */
        assert_int_equal(ms.encrypted, 0);
        assert_int_equal(ms.opslimit, 0);
        assert_int_equal(ms.memlimit, 0);
        assert_true(sodium_is_zero(ms.raw + QUIRE__MS_SEC_SALT, 32));
        assert_false(sodium_is_zero(ms.raw + QUIRE__MS_SEC_CHK, 32));
        assert_memory_equal(ms.raw + QUIRE__MS_SEC_KEY_ID, pk.key_id, 8);
        assert_int_equal(quire_seckey_is_encrypted(text, len), 0);
        assert_int_equal(quire_seckey_parse(&back, text, len, NULL, NULL), QUIRE_OK);
        quire_seckey_public(back, &pk2);
        assert_memory_equal(&pk, &pk2, sizeof pk);
        assert_int_equal(quire_seckey_sign(sk, S("msg"), s1), QUIRE_OK);
        assert_int_equal(quire_seckey_sign(back, S("msg"), s2), QUIRE_OK);
        assert_memory_equal(s1, s2, 64);
        quire_seckey_free(back);
        back = NULL;
        sodium_memzero(text, len);
        free(text);
        text = NULL;
    }
    quire_seckey_free(sk);
    /* misuse */
    assert_int_equal(quire_seckey_file(NULL, NULL, &text, &len), QUIRE_E_ARG);
    assert_null(text);
    assert_int_equal(len, 0);
    assert_int_equal(quire_seckey_generate(NULL, &pk), QUIRE_E_ARG);
    assert_int_equal(quire_seckey_parse(NULL, "x", 1, NULL, NULL), QUIRE_E_ARG);
    assert_int_equal(quire_seckey_parse(&back, NULL, 1, NULL, NULL), QUIRE_E_ARG);
    assert_int_equal(quire_seckey_is_encrypted(NULL, 1), QUIRE_E_ARG);
    quire_seckey_free(NULL);
    quire_seckey_public(NULL, &pk);
    assert_true(sodium_is_zero((const unsigned char *)&pk, sizeof pk));
}

/* An encrypted file made through the format layer with cheap scrypt
 * limits: decryption, wrong password, no password. */
static void
test_seckey_encrypted_small(void **state)
{
    uint8_t raw[QUIRE__MS_SEC_LEN];
    quire_pubkey pk, pk2;
    quire_seckey *sk = NULL;
    quire_diag d;
    char *text;
    size_t len;
    (void)state;
    fresh_raw(raw, &pk);
    encrypt_raw(raw, "correct horse", 32768, (uint64_t)1 << 24);
    text = sec_text(raw, &len);
    assert_int_equal(quire_seckey_is_encrypted(text, len), 1);
    assert_int_equal(quire_seckey_parse(&sk, text, len, "correct horse", &d), QUIRE_OK);
    quire_seckey_public(sk, &pk2);
    assert_memory_equal(&pk, &pk2, sizeof pk);
    quire_seckey_free(sk);
    /* wrong password: the checksum differs */
    expect_sec_fail(text, len, "correct horsE", QUIRE_E_PASSWORD, sec_off(QUIRE__MS_SEC_CHK));
    expect_sec_fail(text, len, "", QUIRE_E_PASSWORD, sec_off(QUIRE__MS_SEC_CHK));
    expect_sec_fail(text, len, NULL, QUIRE_E_PASSWORD, sec_off(QUIRE__MS_SEC_KDF_ALG));
    /* a limit of 0 is clamped by libsodium to its minimum, as for minisign */
    test_free(text);
    fresh_raw(raw, &pk);
    encrypt_raw(raw, "pw", 0, 0);
    text = sec_text(raw, &len);
    assert_int_equal(quire_seckey_parse(&sk, text, len, "pw", NULL), QUIRE_OK);
    quire_seckey_free(sk);
    test_free(text);
}

/* The library's own encryption, full strength (about 1 GiB, a few s). */
static void
test_seckey_encrypted_full(void **state)
{
    quire_seckey *sk = NULL, *back = NULL;
    quire_pubkey pk, pk2;
    quire__ms_sec ms;
    quire__cur c;
    char *text = NULL;
    size_t len = 0;
    (void)state;
    assert_int_equal(quire_seckey_generate(&sk, &pk), QUIRE_OK);
    assert_int_equal(quire_seckey_file(sk, "quire-test", &text, &len), QUIRE_OK);
    quire__cur_init(&c, text, len, 0);
    assert_int_equal(quire__ms_sec_parse(&c, &ms), 0);
    assert_int_equal(ms.encrypted, 1);
    assert_memory_equal(ms.raw, "EdScB2", 6);
    assert_false(sodium_is_zero(ms.raw + QUIRE__MS_SEC_SALT, 32));
    /* minisign's parameters, halved only when memory is short */
    assert_true(ms.opslimit <= crypto_pwhash_scryptsalsa208sha256_OPSLIMIT_SENSITIVE);
    assert_true(ms.memlimit <= crypto_pwhash_scryptsalsa208sha256_MEMLIMIT_SENSITIVE);
    assert_int_equal(ms.opslimit * 32, ms.memlimit);
    /* the key id is encrypted too */
    assert_memory_not_equal(ms.raw + QUIRE__MS_SEC_KEY_ID, pk.key_id, 8);
    assert_int_equal(quire_seckey_parse(&back, text, len, "quire-test", NULL), QUIRE_OK);
    quire_seckey_public(back, &pk2);
    assert_memory_equal(&pk, &pk2, sizeof pk);
    quire_seckey_free(back);
    quire_seckey_free(sk);
    sodium_memzero(text, len);
    free(text);
}

static void
test_seckey_limits(void **state)
{
    uint8_t raw[QUIRE__MS_SEC_LEN];
    quire_pubkey pk;
    char *text;
    size_t len;
    clock_t t0 = clock();
    (void)state;
    fresh_raw(raw, &pk);
    memcpy(raw + QUIRE__MS_SEC_KDF_ALG, "Sc", 2);
    /* over the memory bound: refused before deriving, whatever the password */
    quire__st64(raw + QUIRE__MS_SEC_OPSLIMIT, 32768);
    quire__st64(raw + QUIRE__MS_SEC_MEMLIMIT, GIB + 1);
    text = sec_text(raw, &len);
    expect_sec_fail(text, len, "pw", QUIRE_E_LIMIT, sec_off(QUIRE__MS_SEC_MEMLIMIT));
    expect_sec_fail(text, len, NULL, QUIRE_E_LIMIT, sec_off(QUIRE__MS_SEC_MEMLIMIT));
    test_free(text);
    quire__st64(raw + QUIRE__MS_SEC_MEMLIMIT, UINT64_MAX);
    text = sec_text(raw, &len);
    expect_sec_fail(text, len, "pw", QUIRE_E_LIMIT, sec_off(QUIRE__MS_SEC_MEMLIMIT));
    test_free(text);
    /* over the work bound */
    quire__st64(raw + QUIRE__MS_SEC_MEMLIMIT, GIB);
    quire__st64(raw + QUIRE__MS_SEC_OPSLIMIT, ((uint64_t)1 << 32) + 1);
    text = sec_text(raw, &len);
    expect_sec_fail(text, len, "pw", QUIRE_E_LIMIT, sec_off(QUIRE__MS_SEC_OPSLIMIT));
    test_free(text);
    /* limits do not apply to an unencrypted key (minisign ignores them) */
    fresh_raw(raw, &pk);
    quire__st64(raw + QUIRE__MS_SEC_OPSLIMIT, UINT64_MAX);
    quire__st64(raw + QUIRE__MS_SEC_MEMLIMIT, UINT64_MAX);
    text = sec_text(raw, &len);
    {
        quire_seckey *sk = NULL;
        assert_int_equal(quire_seckey_parse(&sk, text, len, NULL, NULL), QUIRE_OK);
        quire_seckey_free(sk);
    }
    test_free(text);
    /* all of it fast: no derivation ran */
    assert_true((double)(clock() - t0) / CLOCKS_PER_SEC < 1.0);
}

static void
test_seckey_malformed(void **state)
{
    uint8_t raw[QUIRE__MS_SEC_LEN], r2[QUIRE__MS_SEC_LEN];
    quire_pubkey pk;
    char *text;
    size_t len, i;
    (void)state;
    fresh_raw(raw, &pk);
    text = sec_text(raw, &len);
    /* tags */
    {
        static const struct {
            size_t at;
            uint8_t v;
            size_t off; /* byte whose base64 character is reported */
        } tags[] = {{0, 'e', 0}, {1, 'D', 0}, {2, 'S', 2}, {3, 'c', 2}, {2, 1, 2},
                    {4, 'b', 4}, {5, '3', 4}};
        for (i = 0; i < sizeof tags / sizeof tags[0]; i++) {
            memcpy(r2, raw, sizeof r2);
            r2[tags[i].at] = tags[i].v;
            test_free(text);
            text = sec_text(r2, &len);
            expect_sec_fail(text, len, NULL, QUIRE_E_KEY, sec_off(tags[i].off));
            assert_int_equal(quire_seckey_is_encrypted(text, len), QUIRE_E_KEY);
        }
    }
    test_free(text);
    /* a damaged checksum on an unencrypted key */
    memcpy(r2, raw, sizeof r2);
    r2[QUIRE__MS_SEC_CHK + 7] ^= 1;
    text = sec_text(r2, &len);
    expect_sec_fail(text, len, NULL, QUIRE_E_KEY, sec_off(QUIRE__MS_SEC_CHK));
    test_free(text);
    /* no checksum (minisign -W) and a public half that is not the seed's */
    memcpy(r2, raw, sizeof r2);
    memset(r2 + QUIRE__MS_SEC_CHK, 0, 32);
    text = sec_text(r2, &len);
    {
        quire_seckey *sk = NULL;
        assert_int_equal(quire_seckey_parse(&sk, text, len, NULL, NULL), QUIRE_OK);
        quire_seckey_free(sk);
    }
    test_free(text);
    r2[QUIRE__MS_SEC_SK + 40] ^= 0x80;
    text = sec_text(r2, &len);
    expect_sec_fail(text, len, NULL, QUIRE_E_KEY, sec_off(QUIRE__MS_SEC_SK + 32));
    test_free(text);
    /* layout: lengths, base64, comment line */
    text = sec_text(raw, &len);
    {
        size_t line = QUIRE__MS_PREFIX_LEN + 8 + 1;
        char *bad = (char *)test_malloc(len + 8);
        expect_sec_fail(text, line + 211, NULL, QUIRE_E_KEY, line + 211); /* short line */
        memcpy(bad, text, len);
        bad[line + 100] = '!';
        expect_sec_fail(bad, len, NULL, QUIRE_E_KEY, line + 100);
        memcpy(bad, text, len);
        memmove(bad + line + 1, bad + line, len - line);
        bad[line] = 'A';
        expect_sec_fail(bad, len + 1, NULL, QUIRE_E_KEY, line + 212); /* long line */
        memcpy(bad, text, len);
        memcpy(bad + len, "x", 1);
        expect_sec_fail(bad, len + 1, NULL, QUIRE_E_KEY, len); /* trailing bytes */
        expect_sec_fail(text + line, len - line, NULL, QUIRE_E_KEY, 0); /* no comment line */
        expect_sec_fail(text, line, NULL, QUIRE_E_KEY, line);          /* no key line */
        expect_sec_fail(S(""), NULL, QUIRE_E_KEY, 0);
        expect_sec_fail(NULL, 0, NULL, QUIRE_E_KEY, 0);
        /* a public key file is not a secret key file */
        {
            size_t plen;
            char *p = read_data("minisign-nopw.pub", &plen);
            expect_sec_fail(p, plen, NULL, QUIRE_E_KEY, plen - 1);
            assert_true(quire_seckey_is_encrypted(p, plen) < 0);
            test_free(p);
        }
        test_free(bad);
    }
    test_free(text);
}

/* ====================================================================
 * Signing
 * ==================================================================== */

static void
test_sign(void **state)
{
    quire_seckey *sk = NULL;
    quire_pubkey pk;
    uint8_t msg[1000], sig[64], h[64], sig2[64];
    size_t n;
    (void)state;
    assert_int_equal(quire_seckey_generate(&sk, &pk), QUIRE_OK);
    randombytes_buf(msg, sizeof msg);
    for (n = 0; n <= sizeof msg; n += 111) {
        /* prehashed: Ed25519 over BLAKE2b-512(message) */
        assert_int_equal(quire_seckey_sign_prehashed(sk, msg, n, sig), QUIRE_OK);
        assert_int_equal(verify_prehashed(sig, msg, n, pk.pk), 0);
        crypto_generichash(h, sizeof h, msg, n, NULL, 0);
        assert_int_equal(quire_seckey_sign(sk, h, sizeof h, sig2), QUIRE_OK);
        assert_memory_equal(sig, sig2, 64);
        /* plain */
        assert_int_equal(quire_seckey_sign(sk, msg, n, sig), QUIRE_OK);
        assert_int_equal(crypto_sign_verify_detached(sig, msg, n, pk.pk), 0);
        if (n > 0) {
            msg[0] ^= 1;
            assert_int_not_equal(crypto_sign_verify_detached(sig, msg, n, pk.pk), 0);
            msg[0] ^= 1;
        }
    }
    /* empty message given as NULL */
    assert_int_equal(quire_seckey_sign(sk, NULL, 0, sig), QUIRE_OK);
    assert_int_equal(crypto_sign_verify_detached(sig, (const unsigned char *)"", 0, pk.pk), 0);
    assert_int_equal(quire_seckey_sign_prehashed(sk, NULL, 0, sig), QUIRE_OK);
    assert_int_equal(verify_prehashed(sig, "", 0, pk.pk), 0);
    /* misuse zeroes the output */
    assert_int_equal(quire_seckey_sign(sk, NULL, 5, sig), QUIRE_E_ARG);
    assert_true(sodium_is_zero(sig, 64));
    assert_int_equal(quire_seckey_sign(NULL, msg, 5, sig), QUIRE_E_ARG);
    assert_int_equal(quire_seckey_sign(sk, msg, 5, NULL), QUIRE_E_ARG);
    assert_int_equal(quire_seckey_sign_prehashed(NULL, msg, 5, sig), QUIRE_E_ARG);
    assert_int_equal(quire_seckey_sign_prehashed(sk, NULL, 5, sig), QUIRE_E_ARG);
    quire_seckey_free(sk);
}

/* ====================================================================
 * Keyrings
 * ==================================================================== */

static void
keystr(char out[57], uint8_t seed)
{
    quire_pubkey pk;
    memset(&pk, seed, sizeof pk);
    pk.pk[31] = (uint8_t)(seed ^ 0x5A);
    quire_pubkey_string(&pk, out);
}

static void
test_keyring_parse(void **state)
{
    quire_keyring *kr = NULL;
    quire_pubkey pk;
    quire_diag d;
    char k[6][57], text[2048];
    const char *label, *name;
    int role, i;
    (void)state;
    for (i = 0; i < 6; i++) {
        keystr(k[i], (uint8_t)(i + 1));
    }
    snprintf(text, sizeof text,
             "# quire keyring\n"
             "\n"
             "archivist  main-archive %s\n"
             "\tpublisher\tExample-News\t%s   # their 2024 key\r\n"
             "witness w1 %s#no blank needed\n"
             "   \t  \n"
             "any caf\xc3\xa9-\xe2\x9c\x93 %s\n"
             "fact-checker.v2 checker_1 %s \t\n"
             "  # indented comment\n"
             "Archivist named %s",
             k[0], k[1], k[2], k[3], k[4], k[5]);
    assert_int_equal(quire_keyring_new(&kr), QUIRE_OK);
    assert_int_equal(quire_keyring_count(kr), 0);
    assert_int_equal(quire_keyring_parse(kr, text, strlen(text), &d), QUIRE_OK);
    assert_int_equal(quire_keyring_count(kr), 6);
    {
        static const struct {
            const char *label;
            int role;
            const char *name;
        } want[] = {{"main-archive", QUIRE_ROLE_ARCHIVIST, NULL},
                    {"Example-News", QUIRE_ROLE_PUBLISHER, NULL},
                    {"w1", QUIRE_ROLE_WITNESS, NULL},
                    {"caf\xc3\xa9-\xe2\x9c\x93", QUIRE_ROLE_ANY, NULL},
                    {"checker_1", QUIRE_ROLE_NAMED, "fact-checker.v2"},
                    {"named", QUIRE_ROLE_NAMED, "Archivist"}};
        for (i = 0; i < 6; i++) {
            assert_int_equal(quire_pubkey_parse(&pk, k[i], 56, NULL), QUIRE_OK);
            assert_int_equal(quire_keyring_find(kr, &pk, &label, &role, &name), QUIRE_OK);
            assert_string_equal(label, want[i].label);
            assert_int_equal(role, want[i].role);
            if (want[i].name == NULL) {
                assert_null(name);
            } else {
                assert_string_equal(name, want[i].name);
            }
        }
    }
    /* found by key id AND public key */
    assert_int_equal(quire_pubkey_parse(&pk, k[0], 56, NULL), QUIRE_OK);
    pk.pk[0] ^= 1;
    assert_int_equal(quire_keyring_find(kr, &pk, &label, &role, &name), QUIRE_E_NOTFOUND);
    assert_null(label);
    assert_int_equal(role, -1);
    assert_null(name);
    pk.pk[0] ^= 1;
    pk.key_id[0] ^= 1;
    assert_int_equal(quire_keyring_find(kr, &pk, NULL, NULL, NULL), QUIRE_E_NOTFOUND);
    assert_int_equal(quire_keyring_find(NULL, &pk, NULL, NULL, NULL), QUIRE_E_ARG);
    assert_int_equal(quire_keyring_find(kr, NULL, NULL, NULL, NULL), QUIRE_E_ARG);
    /* empty text and comments only: nothing added */
    assert_int_equal(quire_keyring_parse(kr, NULL, 0, NULL), QUIRE_OK);
    assert_int_equal(quire_keyring_parse(kr, S("# nothing\n\n  \r\n"), NULL), QUIRE_OK);
    assert_int_equal(quire_keyring_count(kr), 6);
    assert_int_equal(quire_keyring_parse(NULL, S(""), NULL), QUIRE_E_ARG);
    assert_int_equal(quire_keyring_parse(kr, NULL, 3, NULL), QUIRE_E_ARG);
    quire_keyring_free(kr);
    quire_keyring_free(NULL);
    assert_int_equal(quire_keyring_count(NULL), 0);
    assert_int_equal(quire_keyring_new(NULL), QUIRE_E_ARG);
}

/* One bad line after a good one: QUIRE_E_KEY at off (relative to the bad
 * line), and the keyring keeps only what it had before. */
static void
expect_kr_fail(const char *line, size_t off, int code)
{
    quire_keyring *kr = NULL;
    quire_pubkey pre;
    quire_diag d;
    char k[57], text[1024];
    size_t head;
    int e;
    keystr(k, 200);
    head = (size_t)snprintf(text, sizeof text, "witness ok %s\n", k);
    assert_true(head + strlen(line) < sizeof text);
    memcpy(text + head, line, strlen(line));
    assert_int_equal(quire_keyring_new(&kr), QUIRE_OK);
    memset(&pre, 0x77, sizeof pre);
    assert_int_equal(quire_keyring_add(kr, &pre, "pre", QUIRE_ROLE_ANY, NULL), QUIRE_OK);
    memset(&d, 0, sizeof d);
    e = quire_keyring_parse(kr, text, head + strlen(line), &d);
    if (e != code || d.offset != head + off) {
        print_error("line '%s': got %s at %lld (%s), want %s at %zu\n", line,
                    quire_error_name(e), (long long)d.offset - (long long)head,
                    d.what != NULL ? d.what : "", quire_error_name(code), off);
    }
    assert_int_equal(e, code);
    assert_int_equal(d.offset, head + off);
    assert_non_null(d.what);
    /* rolled back: the key added before stays, the good line's is gone */
    assert_int_equal(quire_keyring_count(kr), 1);
    assert_int_equal(quire_keyring_find(kr, &pre, NULL, NULL, NULL), QUIRE_OK);
    quire_keyring_free(kr);
}

#define L(...) (snprintf(line, sizeof line, __VA_ARGS__), line)

static void
test_keyring_invalid_lines(void **state)
{
    char k[57], k2[57], line[512], name65[66], label65[66];
    quire_pubkey pk, dup;
    (void)state;
    keystr(k, 1);
    keystr(k2, 2);
    memset(name65, 'n', 65);
    name65[65] = '\0';
    memset(label65, 'l', 65);
    label65[65] = '\0';
    /* role */
    expect_kr_fail(L("wit*ness w %s\n", k), 3, QUIRE_E_KEY);
    expect_kr_fail(L("%s w %s\n", name65, k), 64, QUIRE_E_KEY);
    expect_kr_fail(L("caf\xc3\xa9 w %s\n", k), 3, QUIRE_E_KEY);
    expect_kr_fail(L("witness\n"), 7, QUIRE_E_KEY);
    expect_kr_fail(L("witness"), 7, QUIRE_E_KEY);
    expect_kr_fail(L("witness\r"), 7, QUIRE_E_KEY); /* a CR alone is no line end */
    /* label */
    expect_kr_fail(L("witness   \n"), 10, QUIRE_E_KEY);
    expect_kr_fail(L("witness %s %s\n", label65, k), 8 + 64, QUIRE_E_KEY);
    expect_kr_fail(L("witness a\x01z %s\n", k), 9, QUIRE_E_KEY);
    expect_kr_fail(L("witness a\x7fz %s\n", k), 9, QUIRE_E_KEY);
    expect_kr_fail(L("witness ab\xc2\xa0z %s\n", k), 10, QUIRE_E_KEY);     /* NBSP */
    expect_kr_fail(L("witness ab\xe3\x80\x80z %s\n", k), 10, QUIRE_E_KEY); /* U+3000 */
    expect_kr_fail(L("witness ab\xc2\x85 %s\n", k), 10, QUIRE_E_KEY);      /* NEL */
    expect_kr_fail(L("witness ab\xff %s\n", k), 10, QUIRE_E_KEY);          /* not UTF-8 */
    expect_kr_fail(L("witness ab\xc3 %s\n", k), 10, QUIRE_E_KEY);          /* cut short */
    expect_kr_fail(L("witness abc\n"), 11, QUIRE_E_KEY);
    expect_kr_fail(L("witness abc   # comment\n"), 14, QUIRE_E_KEY);
    /* key string */
    expect_kr_fail(L("witness abc %.55s\n", k), 12 + 55, QUIRE_E_KEY);
    expect_kr_fail(L("witness abc %sA\n", k), 12 + 56, QUIRE_E_KEY);
    memcpy(line, "witness abc ", 12);
    memcpy(line + 12, k, 56);
    line[12 + 20] = '.';
    memcpy(line + 68, "\n", 2);
    expect_kr_fail(line, 32, QUIRE_E_KEY);
    expect_kr_fail(L("witness abc %s extra\n", k), 69, QUIRE_E_KEY);
    expect_kr_fail(L("witness abc %s\rx\n", k), 68, QUIRE_E_KEY);
    {
        /* a signature algorithm other than Ed */
        uint8_t bin[42];
        char s[57];
        memset(bin, 3, sizeof bin);
        bin[0] = 'E';
        bin[1] = 'D';
        quire__b64_encode(s, bin, 42);
        s[56] = '\0';
        expect_kr_fail(L("witness abc %s\n", s), 12, QUIRE_E_KEY);
    }
    /* duplicates: key id, public key, and the whole key */
    {
        char first[57];
        keystr(first, 200); /* the key on expect_kr_fail's first line */
        expect_kr_fail(L("any again %s\n", first), 10, QUIRE_E_KEY);
    }
    assert_int_equal(quire_pubkey_parse(&pk, k, 56, NULL), QUIRE_OK);
    dup = pk;
    dup.pk[5] ^= 1;
    {
        char s1[57], s2[57], both[200];
        quire_pubkey_string(&pk, s1);
        quire_pubkey_string(&dup, s2);
        snprintf(both, sizeof both, "any a %s\nany b %s\n", s1, s2);
        expect_kr_fail(both, 63 + 6, QUIRE_E_KEY); /* same key id */
        dup = pk;
        dup.key_id[3] ^= 1;
        quire_pubkey_string(&dup, s2);
        snprintf(both, sizeof both, "any a %s\nany b %s\n", s1, s2);
        expect_kr_fail(both, 63 + 6, QUIRE_E_KEY); /* same public key */
    }
    (void)k2;
}
#undef L

static void
test_keyring_add(void **state)
{
    quire_keyring *kr = NULL;
    quire_pubkey pk, other;
    const char *label, *name;
    int role;
    (void)state;
    assert_int_equal(quire_keyring_new(&kr), QUIRE_OK);
    randombytes_buf(&pk, sizeof pk);
    randombytes_buf(&other, sizeof other);
    /* misuse */
    assert_int_equal(quire_keyring_add(NULL, &pk, "x", QUIRE_ROLE_ANY, NULL), QUIRE_E_ARG);
    assert_int_equal(quire_keyring_add(kr, NULL, "x", QUIRE_ROLE_ANY, NULL), QUIRE_E_ARG);
    assert_int_equal(quire_keyring_add(kr, &pk, NULL, QUIRE_ROLE_ANY, NULL), QUIRE_E_ARG);
    assert_int_equal(quire_keyring_add(kr, &pk, "", QUIRE_ROLE_ANY, NULL), QUIRE_E_ARG);
    assert_int_equal(quire_keyring_add(kr, &pk, "a\nb", QUIRE_ROLE_ANY, NULL), QUIRE_E_ARG);
    assert_int_equal(quire_keyring_add(kr, &pk, "\xff", QUIRE_ROLE_ANY, NULL), QUIRE_E_ARG);
    assert_int_equal(quire_keyring_add(kr, &pk, "x", 4, NULL), QUIRE_E_ARG);
    assert_int_equal(quire_keyring_add(kr, &pk, "x", -1, NULL), QUIRE_E_ARG);
    assert_int_equal(quire_keyring_add(kr, &pk, "x", QUIRE_ROLE_NAMED, NULL), QUIRE_E_ARG);
    assert_int_equal(quire_keyring_add(kr, &pk, "x", QUIRE_ROLE_NAMED, ""), QUIRE_E_ARG);
    assert_int_equal(quire_keyring_add(kr, &pk, "x", QUIRE_ROLE_NAMED, "a b"), QUIRE_E_ARG);
    assert_int_equal(quire_keyring_count(kr), 0);
    /* a path with spaces is a fine label through the API */
    assert_int_equal(quire_keyring_add(kr, &pk, "keys/my key.pub", QUIRE_ROLE_ANY, "ignored"),
                     QUIRE_OK);
    assert_int_equal(quire_keyring_find(kr, &pk, &label, &role, &name), QUIRE_OK);
    assert_string_equal(label, "keys/my key.pub");
    assert_int_equal(role, QUIRE_ROLE_ANY);
    assert_null(name);
    /* duplicates */
    assert_int_equal(quire_keyring_add(kr, &pk, "y", QUIRE_ROLE_WITNESS, NULL), QUIRE_E_KEY);
    memcpy(other.key_id, pk.key_id, 8);
    assert_int_equal(quire_keyring_add(kr, &other, "y", QUIRE_ROLE_WITNESS, NULL), QUIRE_E_KEY);
    other.key_id[0] ^= 1;
    assert_int_equal(
        quire_keyring_add(kr, &other, "y", QUIRE_ROLE_NAMED, "fact-checker"), QUIRE_OK);
    assert_int_equal(quire_keyring_find(kr, &other, &label, &role, &name), QUIRE_OK);
    assert_string_equal(name, "fact-checker");
    assert_int_equal(role, QUIRE_ROLE_NAMED);
    assert_int_equal(quire_keyring_count(kr), 2);
    quire_keyring_free(kr);
}

static void
test_roles(void **state)
{
    (void)state;
    assert_int_equal(quire_role_parse("archivist"), QUIRE_ROLE_ARCHIVIST);
    assert_int_equal(quire_role_parse("publisher"), QUIRE_ROLE_PUBLISHER);
    assert_int_equal(quire_role_parse("witness"), QUIRE_ROLE_WITNESS);
    assert_int_equal(quire_role_parse("any"), QUIRE_ROLE_ANY);
    assert_int_equal(quire_role_parse("fact-checker"), QUIRE_ROLE_NAMED);
    assert_int_equal(quire_role_parse("Witness"), QUIRE_ROLE_NAMED);
    assert_true(quire_role_parse("") < 0);
    assert_true(quire_role_parse(NULL) < 0);
    assert_string_equal(quire_role_name(QUIRE_ROLE_ARCHIVIST), "archivist");
    assert_string_equal(quire_role_name(QUIRE_ROLE_PUBLISHER), "publisher");
    assert_string_equal(quire_role_name(QUIRE_ROLE_WITNESS), "witness");
    assert_string_equal(quire_role_name(QUIRE_ROLE_NAMED), "named");
    assert_string_equal(quire_role_name(QUIRE_ROLE_ANY), "any");
    assert_null(quire_role_name(7));
    assert_null(quire_role_name(-1));
}

/* 65536 keys are accepted; one more is over the limit, at its line. */
static void
test_keyring_limit(void **state)
{
    const size_t n = QUIRE__KR_MAX + 1, line_len = 9 + 1 + 56 + 1;
    char *text = (char *)malloc(n * line_len);
    quire_keyring *kr = NULL;
    quire_pubkey pk;
    quire_diag d;
    size_t i;
    (void)state;
    assert_non_null(text);
    memset(&pk, 0, sizeof pk);
    for (i = 0; i < n; i++) {
        char *p = text + i * line_len;
        quire__st64(pk.key_id, (uint64_t)i * 0x9E3779B97F4A7C15u);
        quire__st64(pk.pk, (uint64_t)i);
        memcpy(p, "witness k ", 10);
        quire_pubkey_string(&pk, p + 10);
        p[66] = '\n';
    }
    assert_int_equal(quire_keyring_new(&kr), QUIRE_OK);
    assert_int_equal(quire_keyring_parse(kr, text, (n - 1) * line_len, &d), QUIRE_OK);
    assert_int_equal(quire_keyring_count(kr), QUIRE__KR_MAX);
    /* every key is found */
    for (i = 0; i < n - 1; i += 997) {
        assert_int_equal(quire_pubkey_parse(&pk, text + i * line_len + 10, 56, NULL), QUIRE_OK);
        assert_int_equal(quire_keyring_find(kr, &pk, NULL, NULL, NULL), QUIRE_OK);
    }
    quire_keyring_free(kr);
    assert_int_equal(quire_keyring_new(&kr), QUIRE_OK);
    assert_int_equal(quire_keyring_parse(kr, text, n * line_len, &d), QUIRE_E_LIMIT);
    assert_int_equal(d.offset, (n - 1) * line_len + 10);
    assert_int_equal(quire_keyring_count(kr), 0);
    /* and through the API */
    assert_int_equal(quire_keyring_parse(kr, text, (n - 1) * line_len, &d), QUIRE_OK);
    memset(&pk, 0xEE, sizeof pk);
    assert_int_equal(quire_keyring_add(kr, &pk, "one more", QUIRE_ROLE_ANY, NULL),
                     QUIRE_E_LIMIT);
    quire_keyring_free(kr);
    free(text);
}

/* The format-layer keyring with an allocator that fails after k calls:
 * QUIRE_E_NOMEM and nothing added, or success; never a leak. */
static void
test_keyring_nomem(void **state)
{
    char text[40 * 80];
    size_t len = 0;
    long k;
    int i, ok = 0;
    (void)state;
    for (i = 0; i < 40; i++) {
        char s[57];
        keystr(s, (uint8_t)(i + 1));
        len += (size_t)snprintf(text + len, sizeof text - len, "%s l%d %s\n",
                                i % 3 == 0 ? "custom-role" : "witness", i, s);
    }
    for (k = 0; k < 200 && !ok; k++) {
        talloc t;
        quire__allocator a = make_alloc(&t);
        quire__kr kr;
        quire__cur c;
        int e;
        quire__kr_init(&kr, &a);
        t.fail_after = k;
        quire__cur_init(&c, text, len, 0);
        e = quire__kr_parse(&kr, &c);
        if (e == 0) {
            ok = 1;
            assert_int_equal(kr.n, 40);
        } else {
            assert_int_equal(e, QUIRE_E_NOMEM);
            assert_int_equal(c.err, QUIRE_E_NOMEM);
            assert_int_equal(kr.n, 0);
        }
        quire__kr_free(&kr);
    }
    assert_true(ok);
}

/* ====================================================================
 * Format layer details
 * ==================================================================== */

static void
test_ms_file_encode(void **state)
{
    char out[2048], comment[1100];
    uint8_t bin[3] = {1, 2, 3};
    (void)state;
    assert_int_equal(quire__ms_file_encode(out, sizeof out, S("hi"), bin, 3), 19 + 2 + 1 + 4 + 1);
    assert_string_equal(out, "untrusted comment: hi\nAQID\n");
    assert_int_equal(quire__ms_file_encode(out, 27, S("hi"), bin, 3), 0);
    assert_int_equal(quire__ms_file_encode(out, 28, S("hi"), bin, 3), 27);
    assert_int_equal(quire__ms_file_encode(out, sizeof out, S("a\nb"), bin, 3), 0);
    assert_int_equal(quire__ms_file_encode(out, sizeof out, S("a\rb"), bin, 3), 0);
    memset(comment, 'c', sizeof comment);
    assert_int_not_equal(quire__ms_file_encode(out, sizeof out, comment, 1024 - 19, bin, 3), 0);
    assert_int_equal(quire__ms_file_encode(out, sizeof out, comment, 1024 - 18, bin, 3), 0);
    assert_int_equal(quire__ms_file_encode(NULL, 100, S("x"), bin, 3), 0);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_b64_rfc4648),
        cmocka_unit_test(test_b64_all_bytes),
        cmocka_unit_test(test_b64_reject),
        cmocka_unit_test(test_sizes),
        cmocka_unit_test(test_keyid_hex),
        cmocka_unit_test(test_pubkey_minisign_files),
        cmocka_unit_test(test_pubkey_roundtrip),
        cmocka_unit_test(test_pubkey_malformed),
        cmocka_unit_test(test_seckey_minisign_unencrypted),
        cmocka_unit_test(test_seckey_minisign_encrypted),
        cmocka_unit_test(test_seckey_roundtrip_unencrypted),
        cmocka_unit_test(test_seckey_encrypted_small),
        cmocka_unit_test(test_seckey_encrypted_full),
        cmocka_unit_test(test_seckey_limits),
        cmocka_unit_test(test_seckey_malformed),
        cmocka_unit_test(test_sign),
        cmocka_unit_test(test_keyring_parse),
        cmocka_unit_test(test_keyring_invalid_lines),
        cmocka_unit_test(test_keyring_add),
        cmocka_unit_test(test_roles),
        cmocka_unit_test(test_keyring_limit),
        cmocka_unit_test(test_keyring_nomem),
        cmocka_unit_test(test_ms_file_encode),
    };
    if (sodium_init() < 0) {
        return 1;
    }
    return cmocka_run_group_tests(tests, NULL, NULL);
}
