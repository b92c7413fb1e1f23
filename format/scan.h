/*
 * scan.h - a resynchronizing frame scanner for damaged files (salvage;
 * spec/FORMAT.md, "Salvage (informative)").
 *
 * Given a whole file in memory, reports every intact frame and every
 * damaged byte range, in file order, to a callback. It reads frames in
 * sequence from the file header (or from offset 0 when the header is
 * damaged); where a frame cannot be read, it resynchronizes:
 *
 *  1. along the declared structure: while the bytes at the damaged position
 *     look like a frame header (type letters, zero flags, a length within
 *     the limit and the file), it steps over the declared frame, and stops
 *     at the first position holding an intact frame;
 *  2. failing that, byte by byte from the damaged position + 1, at the
 *     first position that decodes as a frame of a known type (BLOK, DICT,
 *     INDX, SEAL, TRLR or ancillary) whose length fits in the bytes left and
 *     whose CRC-32 matches.
 *
 * An intact frame is one whose type letters, flags, length and CRC-32 are
 * right (quire__frame_decode); its payload is not interpreted here. Work is
 * bounded: a candidate's length is checked against the bytes left before
 * its CRC is computed, and the bytes checksummed while resynchronizing are
 * counted against a budget; once it is spent, the rest of the file is
 * reported as one damaged range. Pure codec: no I/O, no allocation.
 */
#ifndef QUIRE_FORMAT_SCAN_H
#define QUIRE_FORMAT_SCAN_H

#include <stddef.h>
#include <stdint.h>

#include "format.h"

#define QUIRE__SCAN_FRAME 1  /* an intact frame */
#define QUIRE__SCAN_DAMAGE 2 /* a damaged byte range */

typedef struct quire__scan_event {
    int kind; /* QUIRE__SCAN_* */
    /* FRAME */
    quire__frame frame; /* payload points into the scanned buffer */
    int resync;         /* 1 if found by resynchronizing after damage */
    /* DAMAGE: bytes [offset, offset + length) hold no intact frame */
    uint64_t offset;
    uint64_t length;
    int code;           /* why the frame at offset could not be read (QUIRE_E_*) */
    const char *what;   /* static: which check failed */
    uint32_t head_type; /* type of a plausible frame header at offset, else 0 */
    uint32_t head_len;  /* its declared payload length (when head_type != 0) */
} quire__scan_event;

/* Receives each event; returns 0 to go on, non-zero to stop the scan. */
typedef int (*quire__scan_fn)(void *ctx, const quire__scan_event *ev);

typedef struct quire__scan_stats {
    int header_ok;    /* the file header decoded */
    int header_code;  /* else why not */
    uint64_t frames;  /* intact frames reported */
    uint64_t damaged; /* damaged ranges reported */
    uint64_t damaged_bytes;
    uint64_t crc_bytes; /* bytes checksummed while resynchronizing */
    int budget_spent;   /* the resynchronization budget ran out */
} quire__scan_stats;

/* Default resynchronization budget for a file of len bytes. */
uint64_t quire__scan_default_budget(size_t len);

/* Scans buf[0..len). budget 0 means quire__scan_default_budget(len).
 * Returns 0 at the end of the input, or the callback's non-zero value.
 * st may be NULL. Never reads outside buf[0..len). */
int quire__scan(const uint8_t *buf, size_t len, const quire__limits *l, uint64_t budget,
                quire__scan_fn fn, void *ctx, quire__scan_stats *st);

/* 1 if t is a type a resynchronizing search accepts: BLOK, DICT, INDX, SEAL,
 * TRLR, or an ancillary type (four letters, the first lowercase). */
int quire__scan_known_type(uint32_t t);

/* 1 if buf[at..] starts with a plausible frame header: 12 bytes present,
 * four type letters, zero flags, a length within l->frame. *type and *len
 * receive the header's type and declared payload length. The frame may
 * extend past the end of the buffer, and its CRC is not checked. */
int quire__scan_plausible(const uint8_t *buf, size_t len, size_t at, const quire__limits *l,
                          uint32_t *type, uint32_t *plen);

#endif
