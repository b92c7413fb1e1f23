/* utf8.c - UTF-8 validation (RFC 3629, Unicode table 3-7). */
#include "utf8.h"

#include <string.h>

#define ASCII_MASK UINT64_C(0x8080808080808080)

/* see utf8.h */
int
quire__utf8_check(const uint8_t *p, size_t n, size_t *bad_off)
{
    size_t i = 0;
    while (i < n) {
        uint8_t b = p[i];
        size_t need;
        uint8_t lo = 0x80;
        uint8_t hi = 0xBF;
        size_t k;
        if (b < 0x80) {
            i++;
            /* fast path: whole words of ASCII; memcpy keeps the load aligned-safe */
            while (n - i >= 8) {
                uint64_t w;
                memcpy(&w, p + i, 8);
                if ((w & ASCII_MASK) != 0) {
                    break;
                }
                i += 8;
            }
            continue;
        }
        /* the second byte's range excludes overlongs (E0, F0), surrogates
         * (ED) and code points above U+10FFFF (F4) */
        if (b >= 0xC2 && b <= 0xDF) {
            need = 1;
        } else if (b == 0xE0) {
            need = 2;
            lo = 0xA0;
        } else if ((b >= 0xE1 && b <= 0xEC) || b == 0xEE || b == 0xEF) {
            need = 2;
        } else if (b == 0xED) {
            need = 2;
            hi = 0x9F;
        } else if (b == 0xF0) {
            need = 3;
            lo = 0x90;
        } else if (b >= 0xF1 && b <= 0xF3) {
            need = 3;
        } else if (b == 0xF4) {
            need = 3;
            hi = 0x8F;
        } else {
            /* 80..C1 (continuation or overlong lead), F5..FF */
            goto bad;
        }
        if (n - i - 1 < need) {
            goto bad;
        }
        if (p[i + 1] < lo || p[i + 1] > hi) {
            goto bad;
        }
        for (k = 2; k <= need; k++) {
            if ((p[i + k] & 0xC0) != 0x80) {
                goto bad;
            }
        }
        i += need + 1;
    }
    return 1;
bad:
    if (bad_off != NULL) {
        *bad_off = i;
    }
    return 0;
}
