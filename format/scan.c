/* scan.c - resynchronizing frame scanner for salvage (see scan.h; spec
 * "Salvage (informative)"). */
#include "scan.h"

#include <string.h>

#include "quire.h"

static int
letters_ok(uint32_t t)
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

int
quire__scan_known_type(uint32_t t)
{
    switch (t) {
    case QUIRE__FT_BLOK:
    case QUIRE__FT_DICT:
    case QUIRE__FT_INDX:
    case QUIRE__FT_SEAL:
    case QUIRE__FT_TRLR: return 1;
    default: return letters_ok(t) && QUIRE__FT_IS_ANCILLARY(t);
    }
}

int
quire__scan_plausible(const uint8_t *buf, size_t len, size_t at, const quire__limits *l,
                      uint32_t *type, uint32_t *plen)
{
    const uint8_t *p;
    uint32_t t, n;
    if (at > len || len - at < QUIRE__FRAME_HEAD) {
        return 0;
    }
    p = buf + at;
    t = quire__ld32(p);
    n = quire__ld32(p + 8);
    if (!letters_ok(t) || quire__ld32(p + 4) != 0 || n > l->frame) {
        return 0;
    }
    *type = t;
    *plen = n;
    return 1;
}

uint64_t
quire__scan_default_budget(size_t len)
{
    /* a few passes over the file; real damage needs far less (each
     * candidate must first pass the type, flags and length tests) */
    return (uint64_t)len * 8 + ((uint64_t)16 << 20);
}

typedef struct scanner {
    const uint8_t *buf;
    size_t len;
    const quire__limits *l;
    uint64_t budget; /* bytes that may still be checksummed while resynchronizing */
    quire__scan_stats *st;
} scanner;

/* Decodes the frame at pos (any type letters). Returns 0 or the failure
 * code; *what receives the failed check. */
static int
try_frame(const scanner *s, size_t pos, quire__frame *f, const char **what)
{
    quire__cur c;
    quire__cur_init(&c, s->buf + pos, s->len - pos, pos);
    if (quire__frame_decode(&c, s->l, f) != 0) {
        *what = c.err_what;
        return c.err;
    }
    return 0;
}

/* Spends cost bytes of the budget; 0 when it does not suffice. */
static int
spend(scanner *s, uint64_t cost)
{
    if (cost > s->budget) {
        s->budget = 0;
        s->st->budget_spent = 1;
        return 0;
    }
    s->budget -= cost;
    s->st->crc_bytes += cost;
    return 1;
}

/* 1 if an intact frame of a known type starts at q. */
static int
candidate(scanner *s, size_t q)
{
    const uint8_t *p;
    uint32_t t, n;
    size_t left = s->len - q;
    if (left < QUIRE__FRAME_OVERHEAD) {
        return 0;
    }
    p = s->buf + q;
    t = quire__ld32(p);
    if (!quire__scan_known_type(t) || quire__ld32(p + 4) != 0) {
        return 0;
    }
    n = quire__ld32(p + 8);
    /* the length must fit before any CRC work is done */
    if (n > s->l->frame || n > left - QUIRE__FRAME_OVERHEAD) {
        return 0;
    }
    if (!spend(s, (uint64_t)QUIRE__FRAME_HEAD + n)) {
        return 0;
    }
    return quire__crc32(0, p, QUIRE__FRAME_HEAD + (size_t)n) ==
               quire__ld32(p + QUIRE__FRAME_HEAD + n) ||
           QUIRE__FUZZING;
}

/* Byte by byte from 'from' (inclusive): the next position holding an
 * intact frame of a known type, or len. */
static size_t
search(scanner *s, size_t from)
{
    size_t q;
    for (q = from; q < s->len && s->len - q >= QUIRE__FRAME_OVERHEAD; q++) {
        if (candidate(s, q)) {
            return q;
        }
        if (s->st->budget_spent) {
            return s->len;
        }
    }
    return s->len;
}

/* After a failure at pos: the next position holding an intact frame, or
 * len. Follows the declared frame lengths first (1 in scan.h), then
 * searches byte by byte (2). */
static size_t
resync(scanner *s, size_t pos)
{
    size_t c = pos;
    uint32_t t, n;
    for (;;) {
        quire__frame f;
        const char *what;
        uint64_t end;
        if (!quire__scan_plausible(s->buf, s->len, c, s->l, &t, &n)) {
            break;
        }
        end = (uint64_t)c + QUIRE__FRAME_OVERHEAD + n;
        if (end > s->len) {
            break;
        }
        c = (size_t)end;
        if (c == s->len) {
            /* the declared structure covers the rest of the file */
            return c;
        }
        if (s->len - c >= QUIRE__FRAME_OVERHEAD) {
            uint32_t nl = quire__ld32(s->buf + c + 8);
            if (nl <= s->len - c - QUIRE__FRAME_OVERHEAD &&
                !spend(s, (uint64_t)QUIRE__FRAME_HEAD + nl)) {
                return s->len;
            }
        }
        if (try_frame(s, c, &f, &what) == 0) {
            return c;
        }
    }
    return search(s, pos + 1);
}

int
quire__scan(const uint8_t *buf, size_t len, const quire__limits *l, uint64_t budget,
            quire__scan_fn fn, void *ctx, quire__scan_stats *st)
{
    quire__scan_stats local;
    quire__scan_event ev;
    quire__header h;
    quire__cur c;
    scanner s;
    size_t pos;
    int after_damage = 0, r;
    static const uint8_t empty[1] = {0};

    if (st == NULL) {
        st = &local;
    }
    memset(st, 0, sizeof *st);
    if (buf == NULL) {
        buf = empty;
        len = 0;
    }
    s.buf = buf;
    s.len = len;
    s.l = l;
    s.budget = budget != 0 ? budget : quire__scan_default_budget(len);
    s.st = st;

    /* the file header [2]; when damaged, frames are searched from offset 0 */
    quire__cur_init(&c, buf, len, 0);
    if (quire__header_decode(&c, &h) == 0) {
        st->header_ok = 1;
        pos = QUIRE__HEADER_LEN;
    } else {
        st->header_code = c.err;
        pos = search(&s, 0);
        if (pos > 0) {
            memset(&ev, 0, sizeof ev);
            ev.kind = QUIRE__SCAN_DAMAGE;
            ev.offset = 0;
            ev.length = pos;
            ev.code = c.err;
            ev.what = c.err_what != NULL ? c.err_what : "file header";
            st->damaged++;
            st->damaged_bytes += pos;
            after_damage = 1;
            if ((r = fn(ctx, &ev)) != 0) {
                return r;
            }
        }
    }

    while (pos < len) {
        const char *what = NULL;
        int code;
        memset(&ev, 0, sizeof ev);
        code = try_frame(&s, pos, &ev.frame, &what);
        if (code == 0) {
            ev.kind = QUIRE__SCAN_FRAME;
            ev.resync = after_damage;
            after_damage = 0;
            st->frames++;
            pos += QUIRE__FRAME_OVERHEAD + (size_t)ev.frame.len;
            if ((r = fn(ctx, &ev)) != 0) {
                return r;
            }
            continue;
        }
        memset(&ev, 0, sizeof ev);
        ev.kind = QUIRE__SCAN_DAMAGE;
        ev.offset = pos;
        ev.code = code;
        ev.what = what != NULL ? what : "frame";
        if (!quire__scan_plausible(buf, len, pos, l, &ev.head_type, &ev.head_len)) {
            ev.head_type = 0;
            ev.head_len = 0;
        }
        {
            size_t q = resync(&s, pos);
            ev.length = q - pos;
            pos = q;
        }
        st->damaged++;
        st->damaged_bytes += ev.length;
        after_damage = 1;
        if ((r = fn(ctx, &ev)) != 0) {
            return r;
        }
    }
    return 0;
}
