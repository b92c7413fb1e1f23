/* minisign.c - minisign key files, key strings and keyrings (spec/KEYS.md). */
#include "minisign.h"

#include <string.h>

#include "quire.h"
#include "utf8.h"

_Static_assert(QUIRE__B64_LEN(QUIRE__MS_PUB_LEN) == QUIRE__MS_PUB_B64, "public key string");
_Static_assert(QUIRE__B64_LEN(QUIRE__MS_SEC_LEN) == QUIRE__MS_SEC_B64, "secret key line");
_Static_assert(QUIRE__MS_SEC_KEYNUM + QUIRE__MS_KEYNUM_LEN == QUIRE__MS_SEC_LEN, "secret key");
_Static_assert(QUIRE__MS_SEC_CHK + QUIRE__MS_CHK_LEN == QUIRE__MS_SEC_LEN, "secret key chk");
_Static_assert(QUIRE__MS_PREFIX_LEN == sizeof QUIRE__MS_PREFIX - 1, "comment prefix");

/* ====================================================================
 * Cursor helpers
 * ==================================================================== */

/* Fails c at absolute position c->base + off (unless already failed). */
/* The byte at the cursor without moving it, or -1 at the end. */
static int
peek(const quire__cur *c)
{
    quire__cur t = *c;
    if (t.err != 0 || quire__cur_left(&t) == 0) {
        return -1;
    }
    return quire__get_u8(&t, NULL);
}

/* The byte at buffer offset off (< c->len), without moving the cursor. */
static int
byte_at(const quire__cur *c, size_t off)
{
    quire__cur t = *c;
    t.err = 0;
    t.off = off;
    return quire__get_u8(&t, NULL);
}

/* Length of the line at the cursor: bytes before the next LF or the end of
 * input, scanning at most max + 1 bytes. *nl: an LF follows. */
static size_t
line_len(const quire__cur *c, size_t max, int *nl)
{
    quire__cur t = *c;
    size_t n = 0;
    *nl = 0;
    while (n <= max && quire__cur_left(&t) > 0) {
        if (quire__get_u8(&t, NULL) == '\n') {
            *nl = 1;
            break;
        }
        n++;
    }
    return n;
}

/* Malformed key input is QUIRE_E_KEY whatever the cursor found (a short
 * read is a malformed key, not a truncated archive). */
static int
key_err(quire__cur *c)
{
    if (c->err == QUIRE_E_TRUNCATED) {
        c->err = QUIRE_E_KEY;
    }
    return c->err;
}

/* ====================================================================
 * base64, constant time in the data (secret keys pass through here)
 * ==================================================================== */

/* all-ones if a < b, else 0 (a, b < 2^31) */
static uint32_t
lt_mask(uint32_t a, uint32_t b)
{
    return 0u - ((a - b) >> 31);
}

static char
b64_char(uint32_t v)
{
    uint32_t c =
        (lt_mask(v, 26) & (v + 'A')) | (~lt_mask(v, 26) & lt_mask(v, 52) & (v - 26 + 'a')) |
        (~lt_mask(v, 52) & lt_mask(v, 62) & (v - 52 + '0')) |
        (~lt_mask(v, 62) & lt_mask(v, 63) & (uint32_t)'+') | (~lt_mask(v, 63) & (uint32_t)'/');
    return (char)c;
}

/* The 6-bit value of character x; *valid is all-ones if x is in the
 * alphabet, else 0. */
static uint32_t
b64_value(uint32_t x, uint32_t *valid)
{
    uint32_t up = ~lt_mask(x, 'A') & lt_mask(x, 'Z' + 1);
    uint32_t lo = ~lt_mask(x, 'a') & lt_mask(x, 'z' + 1);
    uint32_t dg = ~lt_mask(x, '0') & lt_mask(x, '9' + 1);
    uint32_t pl = ~lt_mask(x, '+') & lt_mask(x, '+' + 1);
    uint32_t sl = ~lt_mask(x, '/') & lt_mask(x, '/' + 1);
    *valid = up | lo | dg | pl | sl;
    return ((up & (x - 'A')) | (lo & (x - 'a' + 26)) | (dg & (x - '0' + 52)) | (pl & 62u) |
            (sl & 63u)) &
           63u;
}

void
quire__b64_encode(char *out, const uint8_t *in, size_t n)
{
    size_t i = 0, o = 0;
    while (n - i >= 3) {
        uint32_t t = ((uint32_t)in[i] << 16) | ((uint32_t)in[i + 1] << 8) | in[i + 2];
        out[o++] = b64_char(t >> 18);
        out[o++] = b64_char((t >> 12) & 63);
        out[o++] = b64_char((t >> 6) & 63);
        out[o++] = b64_char(t & 63);
        i += 3;
    }
    if (n - i == 1) {
        uint32_t t = (uint32_t)in[i] << 16;
        out[o++] = b64_char(t >> 18);
        out[o++] = b64_char((t >> 12) & 63);
        out[o++] = '=';
        out[o++] = '=';
    } else if (n - i == 2) {
        uint32_t t = ((uint32_t)in[i] << 16) | ((uint32_t)in[i + 1] << 8);
        out[o++] = b64_char(t >> 18);
        out[o++] = b64_char((t >> 12) & 63);
        out[o++] = b64_char((t >> 6) & 63);
        out[o++] = '=';
    }
}

int
quire__b64_decode(quire__cur *c, size_t n, uint8_t *out, size_t cap, size_t *out_len, int code,
                  const char *what)
{
    size_t groups, g, o = 0;
    *out_len = 0;
    if (c->err != 0) {
        return c->err;
    }
    if (n > quire__cur_left(c)) {
        return quire__cur_fail_at(c, c->len, code, what);
    }
    if (n % 4 != 0) {
        /* the incomplete last group */
        return quire__cur_fail_at(c, c->off + n - n % 4, code, what);
    }
    groups = n / 4;
    for (g = 0; g < groups; g++) {
        size_t at = c->off, pad = 0, k, nb;
        const uint8_t *p = quire__get_bytes(c, 4, what);
        uint32_t v[4] = {0, 0, 0, 0}, t;
        if (p == NULL) {
            return key_err(c);
        }
        if (g + 1 == groups) {
            pad = p[3] == '=' ? (p[2] == '=' ? 2 : 1) : 0;
        }
        for (k = 0; k < 4 - pad; k++) {
            uint32_t valid;
            v[k] = b64_value(p[k], &valid);
            if (valid == 0) {
                return quire__cur_fail_at(c, at + k, code, what);
            }
        }
        /* canonical: the bits the padding drops are zero */
        if (pad == 1 && (v[2] & 3) != 0) {
            return quire__cur_fail_at(c, at + 2, code, what);
        }
        if (pad == 2 && (v[1] & 15) != 0) {
            return quire__cur_fail_at(c, at + 1, code, what);
        }
        nb = 3 - pad;
        if (nb > cap - o) {
            return quire__cur_fail_at(c, at, code, what);
        }
        t = (v[0] << 18) | (v[1] << 12) | (v[2] << 6) | v[3];
        out[o] = (uint8_t)(t >> 16);
        if (nb > 1) {
            out[o + 1] = (uint8_t)(t >> 8);
        }
        if (nb > 2) {
            out[o + 2] = (uint8_t)t;
        }
        o += nb;
    }
    *out_len = o;
    return 0;
}

/* ====================================================================
 * Key files
 * ==================================================================== */

void
quire__ms_keyid_hex(char out[17], const uint8_t key_id[QUIRE__MS_KEYID_LEN])
{
    static const char hx[] = "0123456789ABCDEF";
    size_t i;
    /* a little-endian u64: most significant byte last */
    for (i = 0; i < QUIRE__MS_KEYID_LEN; i++) {
        uint8_t b = key_id[QUIRE__MS_KEYID_LEN - 1 - i];
        out[2 * i] = hx[b >> 4];
        out[2 * i + 1] = hx[b & 15];
    }
    out[16] = '\0';
}

size_t
quire__ms_file_len(size_t comment_len, size_t bin_len)
{
    return QUIRE__MS_PREFIX_LEN + comment_len + 1 + QUIRE__B64_LEN(bin_len) + 1;
}

size_t
quire__ms_file_encode(char *out, size_t cap, const char *comment, size_t comment_len,
                      const uint8_t *bin, size_t bin_len)
{
    size_t i, len, o = 0;
    if (comment_len > QUIRE__MS_LINE_MAX - QUIRE__MS_PREFIX_LEN ||
        bin_len > (SIZE_MAX / 4 - QUIRE__MS_LINE_MAX) / 2) {
        return 0;
    }
    for (i = 0; i < comment_len; i++) {
        if (comment[i] == '\n' || comment[i] == '\r') {
            return 0;
        }
    }
    len = quire__ms_file_len(comment_len, bin_len);
    if (out == NULL || cap <= len) {
        return 0;
    }
    memcpy(out, QUIRE__MS_PREFIX, QUIRE__MS_PREFIX_LEN);
    o += QUIRE__MS_PREFIX_LEN;
    if (comment_len != 0) {
        memcpy(out + o, comment, comment_len);
        o += comment_len;
    }
    out[o++] = '\n';
    quire__b64_encode(out + o, bin, bin_len);
    o += QUIRE__B64_LEN(bin_len);
    out[o++] = '\n';
    out[o] = '\0';
    return o;
}

/* Reads the comment line up to and including its LF. */
static int
comment_line(quire__cur *c)
{
    size_t at = c->off, n, content, i;
    int nl;
    const uint8_t *p;
    n = line_len(c, QUIRE__MS_LINE_MAX + 1, &nl);
    content = n;
    if (nl && content > 0 && byte_at(c, at + content - 1) == '\r') {
        content--;
    }
    p = quire__get_bytes(c, n, "untrusted comment line");
    if (p == NULL) {
        return key_err(c);
    }
    for (i = 0; i < QUIRE__MS_PREFIX_LEN; i++) {
        if (i >= content || p[i] != (uint8_t)QUIRE__MS_PREFIX[i]) {
            return quire__cur_fail_at(c, at + i, QUIRE_E_KEY, "untrusted comment line");
        }
    }
    if (content > QUIRE__MS_LINE_MAX) {
        return quire__cur_fail_at(c, at + QUIRE__MS_LINE_MAX, QUIRE_E_KEY,
                       "untrusted comment line (too long)");
    }
    if (!nl) {
        return quire__cur_fail_at(c, at + n, QUIRE_E_KEY, "key line (missing)");
    }
    quire__get_u8(c, "untrusted comment line");
    return key_err(c);
}

/* Reads a key line of exactly b64_len characters decoding to bin_len bytes,
 * its optional line end, and requires the end of input. */
static int
key_line(quire__cur *c, size_t b64_len, uint8_t *out, size_t bin_len, const char *what,
         uint64_t *line_off)
{
    size_t at = c->off, n, content, got;
    int nl, e;
    *line_off = quire__cur_pos(c);
    n = line_len(c, b64_len + 1, &nl);
    content = n;
    if (nl && content > 0 && byte_at(c, at + content - 1) == '\r') {
        content--;
    }
    if (content != b64_len) {
        return quire__cur_fail_at(c, at + (content < b64_len ? content : b64_len), QUIRE_E_KEY,
                       content < b64_len ? "key line (too short)" : "key line (too long)");
    }
    e = quire__b64_decode(c, b64_len, out, bin_len, &got, QUIRE_E_KEY, what);
    if (e != 0) {
        return key_err(c);
    }
    if (got != bin_len) {
        return quire__cur_fail_at(c, at, QUIRE_E_KEY, what);
    }
    if (content != n) {
        quire__get_u8(c, what); /* CR */
    }
    if (nl) {
        quire__get_u8(c, what);
    }
    if (quire__cur_left(c) != 0) {
        return quire__cur_fail(c, QUIRE_E_KEY, "bytes after the key line");
    }
    return key_err(c);
}

/* ====================================================================
 * Public keys
 * ==================================================================== */

int
quire__ms_pub_decode(quire__cur *c, quire__ms_pub *pub)
{
    uint8_t bin[QUIRE__MS_PUB_LEN];
    size_t at = c->off, got;
    memset(pub, 0, sizeof *pub);
    if (quire__b64_decode(c, QUIRE__MS_PUB_B64, bin, sizeof bin, &got, QUIRE_E_KEY, "public key") !=
        0) {
        return key_err(c);
    }
    if (got != QUIRE__MS_PUB_LEN) {
        return quire__cur_fail_at(c, at, QUIRE_E_KEY, "public key");
    }
    if (bin[0] != 'E' || bin[1] != 'd') {
        return quire__cur_fail_at(c, at, QUIRE_E_KEY, "public key signature algorithm");
    }
    memcpy(pub->key_id, bin + 2, QUIRE__MS_KEYID_LEN);
    memcpy(pub->pk, bin + 2 + QUIRE__MS_KEYID_LEN, QUIRE__MS_PK_LEN);
    return 0;
}

int
quire__ms_pub_parse(quire__cur *c, quire__ms_pub *pub)
{
    size_t at = c->off, left = quire__cur_left(c), n, i;
    int nl, is_file = 1;
    uint8_t bin[QUIRE__MS_PUB_LEN];
    uint64_t line_off;
    memset(pub, 0, sizeof *pub);
    if (c->err != 0) {
        return c->err;
    }
    /* a key string alone: one line, no comment prefix */
    n = line_len(c, left, &nl);
    for (i = 0; i < QUIRE__MS_PREFIX_LEN; i++) {
        if (i >= left || byte_at(c, at + i) != (uint8_t)QUIRE__MS_PREFIX[i]) {
            /* no prefix: a string if nothing follows its line */
            is_file = nl && n + 1 < left;
            break;
        }
    }
    if (is_file) {
        if (comment_line(c) != 0) {
            return key_err(c);
        }
    }
    if (key_line(c, QUIRE__MS_PUB_B64, bin, sizeof bin, "public key", &line_off) != 0) {
        return key_err(c);
    }
    if (bin[0] != 'E' || bin[1] != 'd') {
        return quire__cur_fail_at(c, (size_t)(line_off - c->base), QUIRE_E_KEY,
                       "public key signature algorithm");
    }
    memcpy(pub->key_id, bin + 2, QUIRE__MS_KEYID_LEN);
    memcpy(pub->pk, bin + 2 + QUIRE__MS_KEYID_LEN, QUIRE__MS_PK_LEN);
    return 0;
}

static void
pub_bin(uint8_t bin[QUIRE__MS_PUB_LEN], const quire__ms_pub *pub)
{
    bin[0] = 'E';
    bin[1] = 'd';
    memcpy(bin + 2, pub->key_id, QUIRE__MS_KEYID_LEN);
    memcpy(bin + 2 + QUIRE__MS_KEYID_LEN, pub->pk, QUIRE__MS_PK_LEN);
}

void
quire__ms_pub_string(char out[QUIRE__MS_PUB_B64 + 1], const quire__ms_pub *pub)
{
    uint8_t bin[QUIRE__MS_PUB_LEN];
    pub_bin(bin, pub);
    quire__b64_encode(out, bin, sizeof bin);
    out[QUIRE__MS_PUB_B64] = '\0';
}

size_t
quire__ms_pub_file(char *out, size_t cap, const quire__ms_pub *pub)
{
    char comment[20 + 16 + 1];
    uint8_t bin[QUIRE__MS_PUB_LEN];
    memcpy(comment, "minisign public key ", 20);
    quire__ms_keyid_hex(comment + 20, pub->key_id);
    pub_bin(bin, pub);
    return quire__ms_file_encode(out, cap, comment, 36, bin, sizeof bin);
}

/* ====================================================================
 * Secret keys
 * ==================================================================== */

int
quire__ms_sec_parse(quire__cur *c, quire__ms_sec *sec)
{
    const uint8_t *r = sec->raw;
    size_t line;
    memset(sec, 0, sizeof *sec);
    if (comment_line(c) != 0 || key_line(c, QUIRE__MS_SEC_B64, sec->raw, sizeof sec->raw,
                                         "secret key", &sec->line_off) != 0) {
        return key_err(c);
    }
    line = (size_t)(sec->line_off - c->base);
    if (r[0] != 'E' || r[1] != 'd') {
        return quire__cur_fail_at(c, line, QUIRE_E_KEY, "secret key signature algorithm");
    }
    if (r[2] == 'S' && r[3] == 'c') {
        sec->encrypted = 1;
    } else if (r[2] == 0 && r[3] == 0) {
        sec->encrypted = 0; /* minisign -W */
    } else {
        return quire__cur_fail_at(c, (size_t)(quire__ms_b64_off(line, QUIRE__MS_SEC_KDF_ALG)), QUIRE_E_KEY,
                       "secret key derivation algorithm");
    }
    if (r[4] != 'B' || r[5] != '2') {
        return quire__cur_fail_at(c, (size_t)(quire__ms_b64_off(line, QUIRE__MS_SEC_CHK_ALG)), QUIRE_E_KEY,
                       "secret key checksum algorithm");
    }
    sec->opslimit = quire__ld64(r + QUIRE__MS_SEC_OPSLIMIT);
    sec->memlimit = quire__ld64(r + QUIRE__MS_SEC_MEMLIMIT);
    return 0;
}

/* ====================================================================
 * Keyrings
 * ==================================================================== */

void
quire__kr_init(quire__kr *kr, const quire__allocator *a)
{
    memset(kr, 0, sizeof *kr);
    kr->a = *a;
}

static void
free_keys_from(quire__kr *kr, size_t from)
{
    size_t i;
    for (i = from; i < kr->n; i++) {
        quire__free(&kr->a, kr->keys[i].label);
    }
    kr->n = from;
}

void
quire__kr_free(quire__kr *kr)
{
    free_keys_from(kr, 0);
    quire__free(&kr->a, kr->keys);
    quire__free(&kr->a, kr->by_id);
    quire__free(&kr->a, kr->by_pk);
    kr->keys = NULL;
    kr->by_id = NULL;
    kr->by_pk = NULL;
    kr->cap = 0;
    kr->slots = 0;
}

/* FNV-1a; key ids and public keys are uniformly random in practice */
static size_t
hash_bytes(const uint8_t *p, size_t n)
{
    uint64_t h = 0xcbf29ce484222325u;
    size_t i;
    for (i = 0; i < n; i++) {
        h = (h ^ p[i]) * 0x100000001b3u;
    }
    return (size_t)(h ^ (h >> 32));
}

/* The slot holding the key with id (or pk) equal to p, or the empty slot
 * where it would go. */
static size_t
slot_of(const quire__kr *kr, const uint32_t *tab, const uint8_t *p, int by_pk)
{
    size_t mask = kr->slots - 1, s = hash_bytes(p, by_pk ? QUIRE__MS_PK_LEN : QUIRE__MS_KEYID_LEN);
    for (;; s++) {
        uint32_t v = tab[s & mask];
        const quire__kr_key *k;
        if (v == 0) {
            return s & mask;
        }
        k = &kr->keys[v - 1];
        if (by_pk ? memcmp(k->pub.pk, p, QUIRE__MS_PK_LEN) == 0
                  : memcmp(k->pub.key_id, p, QUIRE__MS_KEYID_LEN) == 0) {
            return s & mask;
        }
    }
}

static void
index_key(quire__kr *kr, size_t i)
{
    const quire__kr_key *k = &kr->keys[i];
    kr->by_id[slot_of(kr, kr->by_id, k->pub.key_id, 0)] = (uint32_t)(i + 1);
    kr->by_pk[slot_of(kr, kr->by_pk, k->pub.pk, 1)] = (uint32_t)(i + 1);
}

/* Rebuilds both tables for keys [0, n) in place (no allocation). */
static void
reindex(quire__kr *kr)
{
    size_t i;
    if (kr->slots == 0) {
        return;
    }
    memset(kr->by_id, 0, kr->slots * sizeof *kr->by_id);
    memset(kr->by_pk, 0, kr->slots * sizeof *kr->by_pk);
    for (i = 0; i < kr->n; i++) {
        index_key(kr, i);
    }
}

/* Makes room for one more key. */
static int
grow(quire__kr *kr)
{
    if (kr->n == kr->cap) {
        size_t cap = kr->cap != 0 ? kr->cap * 2 : 16;
        quire__kr_key *v;
        if (cap > QUIRE__KR_MAX) {
            cap = QUIRE__KR_MAX;
        }
        v = (quire__kr_key *)quire__realloc(&kr->a, kr->keys, kr->n * sizeof *v, cap * sizeof *v);
        if (v == NULL) {
            return QUIRE_E_NOMEM;
        }
        kr->keys = v;
        kr->cap = cap;
    }
    if ((kr->n + 1) * 2 > kr->slots) {
        size_t slots = kr->slots != 0 ? kr->slots * 2 : 64;
        uint32_t *a = (uint32_t *)quire__malloc(&kr->a, slots * sizeof *a);
        uint32_t *b = (uint32_t *)quire__malloc(&kr->a, slots * sizeof *b);
        if (a == NULL || b == NULL) {
            quire__free(&kr->a, a);
            quire__free(&kr->a, b);
            return QUIRE_E_NOMEM;
        }
        quire__free(&kr->a, kr->by_id);
        quire__free(&kr->a, kr->by_pk);
        kr->by_id = a;
        kr->by_pk = b;
        kr->slots = slots;
        reindex(kr);
    }
    return 0;
}

int
quire__kr_find_id(const quire__kr *kr, const uint8_t key_id[QUIRE__MS_KEYID_LEN], size_t *i)
{
    uint32_t v;
    if (kr->slots == 0) {
        return 0;
    }
    v = kr->by_id[slot_of(kr, kr->by_id, key_id, 0)];
    if (v == 0) {
        return 0;
    }
    *i = v - 1;
    return 1;
}

int
quire__kr_add(quire__kr *kr, const quire__ms_pub *pub, int role, const uint8_t *label,
              size_t label_len, const uint8_t *name, size_t name_len)
{
    quire__kr_key *k;
    char *mem;
    size_t need, i;
    if (quire__kr_find_id(kr, pub->key_id, &i) ||
        (kr->slots != 0 && kr->by_pk[slot_of(kr, kr->by_pk, pub->pk, 1)] != 0)) {
        return QUIRE_E_KEY;
    }
    if (kr->n >= QUIRE__KR_MAX) {
        return QUIRE_E_LIMIT;
    }
    if (label_len > 4096 || name_len > 4096) {
        return QUIRE_E_LIMIT;
    }
    if (grow(kr) != 0) {
        return QUIRE_E_NOMEM;
    }
    need = label_len + 1 + (name != NULL ? name_len + 1 : 0);
    mem = (char *)quire__malloc(&kr->a, need);
    if (mem == NULL) {
        return QUIRE_E_NOMEM;
    }
    k = &kr->keys[kr->n];
    k->pub = *pub;
    k->role = role;
    k->label = mem;
    if (label_len != 0) {
        memcpy(mem, label, label_len);
    }
    mem[label_len] = '\0';
    k->role_name = NULL;
    if (name != NULL) {
        k->role_name = mem + label_len + 1;
        if (name_len != 0) {
            memcpy(k->role_name, name, name_len);
        }
        k->role_name[name_len] = '\0';
    }
    index_key(kr, kr->n);
    kr->n++;
    return 0;
}

int
quire__kr_name_ok(const uint8_t *p, size_t n)
{
    size_t i;
    if (n == 0 || n > QUIRE__KR_NAME_MAX) {
        return 0;
    }
    for (i = 0; i < n; i++) {
        uint8_t b = p[i];
        if (!((b >= 'A' && b <= 'Z') || (b >= 'a' && b <= 'z') || (b >= '0' && b <= '9') ||
              b == '.' || b == '_' || b == '-')) {
            return 0;
        }
    }
    return 1;
}

/* Length of a disallowed sequence at p[0..n) (valid UTF-8): C1 controls
 * and Unicode white space (U+0085, U+00A0, U+1680, U+2000..U+200A, U+2028,
 * U+2029, U+202F, U+205F, U+3000) and U+FEFF; else 0. */
static size_t
bad_unicode(const uint8_t *p, size_t n)
{
    if (n >= 2 && p[0] == 0xC2 && p[1] <= 0xA0) {
        return 2; /* U+0080..U+00A0 */
    }
    if (n >= 3) {
        uint32_t cp =
            ((uint32_t)(p[0] & 0x0F) << 12) | ((uint32_t)(p[1] & 0x3F) << 6) | (p[2] & 0x3Fu);
        if ((p[0] & 0xF0) == 0xE0 &&
            (cp == 0x1680 || (cp >= 0x2000 && cp <= 0x200A) || cp == 0x2028 || cp == 0x2029 ||
             cp == 0x202F || cp == 0x205F || cp == 0x3000 || cp == 0xFEFF)) {
            return 3;
        }
    }
    return 0;
}

int
quire__kr_label_ok(const uint8_t *p, size_t n, size_t *bad)
{
    size_t i, b;
    *bad = 0;
    if (n == 0) {
        return 0;
    }
    if (n > QUIRE__KR_LABEL_MAX) {
        *bad = QUIRE__KR_LABEL_MAX;
        return 0;
    }
    if (!quire__utf8_check(p, n, &b)) {
        *bad = b;
        return 0;
    }
    for (i = 0; i < n; i++) {
        if (p[i] <= 0x20 || p[i] == 0x7F || bad_unicode(p + i, n - i) != 0) {
            *bad = i;
            return 0;
        }
    }
    return 1;
}

static int
is_blank(int b)
{
    return b == ' ' || b == '\t';
}

static void
skip_blanks(quire__cur *c)
{
    while (is_blank(peek(c))) {
        quire__get_u8(c, NULL);
    }
}

/* At the end of a line: the end of input, LF, or CR LF. */
static int
at_eol(const quire__cur *c)
{
    int b = peek(c);
    return b < 0 || b == '\n' ||
           (b == '\r' && c->len - c->off >= 2 && byte_at(c, c->off + 1) == '\n');
}

static void
skip_eol(quire__cur *c)
{
    if (peek(c) == '\r') {
        quire__get_u8(c, NULL);
    }
    if (peek(c) == '\n') {
        quire__get_u8(c, NULL);
    }
}

/* The bytes up to the next blank or line end; 0 if none. */
static size_t
token_len(const quire__cur *c)
{
    quire__cur t = *c;
    size_t n = 0;
    while (!at_eol(&t) && !is_blank(peek(&t))) {
        quire__get_u8(&t, NULL);
        n++;
    }
    return n;
}

/* Skips to the end of the line if the rest of it is a comment. */
static void
skip_comment(quire__cur *c)
{
    if (peek(c) == '#') {
        while (peek(c) >= 0 && peek(c) != '\n') {
            quire__get_u8(c, NULL);
        }
    }
}

static int
parse_role(quire__cur *c, int *role, const uint8_t **name, size_t *name_len)
{
    size_t at = c->off, n = token_len(c), i;
    const uint8_t *p = quire__get_bytes(c, n, "keyring role");
    *role = 0;
    *name = NULL;
    *name_len = 0;
    if (p == NULL) {
        return key_err(c);
    }
    if (n == 9 && memcmp(p, "archivist", 9) == 0) {
        *role = QUIRE_ROLE_ARCHIVIST;
    } else if (n == 9 && memcmp(p, "publisher", 9) == 0) {
        *role = QUIRE_ROLE_PUBLISHER;
    } else if (n == 7 && memcmp(p, "witness", 7) == 0) {
        *role = QUIRE_ROLE_WITNESS;
    } else if (n == 3 && memcmp(p, "any", 3) == 0) {
        *role = QUIRE_ROLE_ANY;
    } else {
        for (i = 0; i < n && i < QUIRE__KR_NAME_MAX; i++) {
            if (!quire__kr_name_ok(p + i, 1)) {
                return quire__cur_fail_at(c, at + i, QUIRE_E_KEY, "keyring role");
            }
        }
        if (n > QUIRE__KR_NAME_MAX) {
            return quire__cur_fail_at(c, at + QUIRE__KR_NAME_MAX, QUIRE_E_KEY, "keyring role (too long)");
        }
        *role = QUIRE_ROLE_NAMED;
        *name = p;
        *name_len = n;
    }
    return 0;
}

/* Parses one non-blank, non-comment line at the cursor and adds its key. */
static int
parse_entry(quire__kr *kr, quire__cur *c)
{
    const uint8_t *name, *label;
    size_t name_len, label_len, at, bad;
    int role = 0, e;
    quire__ms_pub pub;
    if (parse_role(c, &role, &name, &name_len) != 0) {
        return key_err(c);
    }
    if (!is_blank(peek(c))) {
        /* a byte that ends the role token but is not a separator */
        return quire__cur_fail(c, QUIRE_E_KEY,
                               at_eol(c) ? "keyring label (missing)" : "keyring role");
    }
    skip_blanks(c);
    at = c->off;
    label_len = token_len(c);
    if (label_len == 0) {
        return quire__cur_fail(c, QUIRE_E_KEY, "keyring label (missing)");
    }
    label = quire__get_bytes(c, label_len, "keyring label");
    if (label == NULL) {
        return key_err(c);
    }
    if (!quire__kr_label_ok(label, label_len, &bad)) {
        return quire__cur_fail_at(c, at + bad, QUIRE_E_KEY, "keyring label");
    }
    if (!is_blank(peek(c))) {
        return quire__cur_fail(c, QUIRE_E_KEY,
                               at_eol(c) ? "keyring key string (missing)" : "keyring label");
    }
    skip_blanks(c);
    at = c->off;
    {
        /* the key string ends at a blank, a comment or the line end */
        quire__cur t = *c;
        size_t n = 0;
        while (!at_eol(&t) && !is_blank(peek(&t)) && peek(&t) != '#') {
            quire__get_u8(&t, NULL);
            n++;
        }
        if (n != QUIRE__MS_PUB_B64) {
            return quire__cur_fail_at(c, at + (n < QUIRE__MS_PUB_B64 ? n : QUIRE__MS_PUB_B64), QUIRE_E_KEY,
                           n == 0 ? "keyring key string (missing)" : "keyring key string");
        }
    }
    if (quire__ms_pub_decode(c, &pub) != 0) {
        return key_err(c);
    }
    skip_blanks(c);
    skip_comment(c);
    if (!at_eol(c)) {
        return quire__cur_fail(c, QUIRE_E_KEY, "keyring line (unexpected bytes)");
    }
    e = quire__kr_add(kr, &pub, role, label, label_len, name, name_len);
    if (e == QUIRE_E_KEY) {
        size_t i;
        return quire__cur_fail_at(c, at, QUIRE_E_KEY,
                       quire__kr_find_id(kr, pub.key_id, &i)
                           ? "keyring key (duplicate key id)"
                           : "keyring key (duplicate public key)");
    }
    if (e != 0) {
        return quire__cur_fail_at(c, at, e, "keyring key");
    }
    return 0;
}

int
quire__kr_parse(quire__kr *kr, quire__cur *c)
{
    size_t n0 = kr->n;
    if (c->err != 0) {
        return c->err;
    }
    while (quire__cur_left(c) > 0) {
        skip_blanks(c);
        skip_comment(c);
        if (!at_eol(c)) {
            if (parse_entry(kr, c) != 0) {
                break;
            }
        }
        if (!at_eol(c)) {
            /* a stray CR: not a line end */
            quire__cur_fail(c, QUIRE_E_KEY, "keyring line (stray carriage return)");
            break;
        }
        skip_eol(c);
    }
    if (c->err != 0) {
        /* failure leaves the keyring as it was */
        free_keys_from(kr, n0);
        reindex(kr);
        return key_err(c);
    }
    return 0;
}
