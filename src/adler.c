/* adler.c - Adler-32 (RFC 1950 8.2) of inflated blocks, with AVX2 where the
 * CPU has it. zlib's own check runs byte by byte inside inflate and was 8%
 * of a full verify; verify inflates with zlib's check off and compares this
 * one with the stream's trailer instead (zstream.c). */
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

#include <zlib.h>

#include "internal.h"

#define ADLER_BASE 65521u
/* 32-byte steps before the sums must be reduced: zlib's NMAX (5552)
 * rounded down to whole steps */
#define ADLER_STEPS (5552 / 32)

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#include <immintrin.h>
#define HAVE_AVX2_PATH 1

/* Per 32-byte step: s1 gains the bytes' sum; s2 gains 32 x s1 as it was
 * before the step plus the bytes weighted 32, 31, ..., 1. The 32 x s1 terms
 * are gathered in ps (s1 before each step) and multiplied at the end. */
__attribute__((target("avx2"))) static uint32_t
adler_avx2(uint32_t adler, const uint8_t *p, size_t n)
{
    uint32_t s1 = adler & 0xffff, s2 = adler >> 16;
    const __m256i weights =
        _mm256_setr_epi8(32, 31, 30, 29, 28, 27, 26, 25, 24, 23, 22, 21, 20, 19, 18, 17, 16, 15,
                         14, 13, 12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1);
    const __m256i ones = _mm256_set1_epi16(1);
    const __m256i zero = _mm256_setzero_si256();
    size_t steps = n / 32;
    while (steps > 0) {
        size_t k = steps < ADLER_STEPS ? steps : ADLER_STEPS;
        __m256i v1 = zero, v2 = zero;
        __m256i ps = _mm256_setr_epi32((int)(s1 * (uint32_t)k), 0, 0, 0, 0, 0, 0, 0);
        __m128i h;
        uint32_t t1, t2;
        steps -= k;
        do {
            __m256i b = _mm256_loadu_si256((const __m256i *)(const void *)p);
            ps = _mm256_add_epi32(ps, v1);
            v1 = _mm256_add_epi32(v1, _mm256_sad_epu8(b, zero));
            v2 = _mm256_add_epi32(v2, _mm256_madd_epi16(_mm256_maddubs_epi16(b, weights), ones));
            p += 32;
        } while (--k > 0);
        v2 = _mm256_add_epi32(v2, _mm256_slli_epi32(ps, 5));
        /* horizontal sums of the eight 32-bit lanes */
        h = _mm_add_epi32(_mm256_castsi256_si128(v1), _mm256_extracti128_si256(v1, 1));
        h = _mm_add_epi32(h, _mm_shuffle_epi32(h, 0x4e));
        h = _mm_add_epi32(h, _mm_shuffle_epi32(h, 0xb1));
        t1 = (uint32_t)_mm_cvtsi128_si32(h);
        h = _mm_add_epi32(_mm256_castsi256_si128(v2), _mm256_extracti128_si256(v2, 1));
        h = _mm_add_epi32(h, _mm_shuffle_epi32(h, 0x4e));
        h = _mm_add_epi32(h, _mm_shuffle_epi32(h, 0xb1));
        t2 = (uint32_t)_mm_cvtsi128_si32(h);
        s1 = (s1 + t1) % ADLER_BASE;
        s2 = (s2 + t2) % ADLER_BASE;
    }
    /* the last bytes, fewer than 32 */
    n %= 32;
    while (n-- > 0) {
        s1 += *p++;
        s2 += s1;
    }
    return ((s2 % ADLER_BASE) << 16) | (s1 % ADLER_BASE);
}
#endif

uint32_t
quire__adler32(uint32_t adler, const uint8_t *p, size_t n)
{
#ifdef HAVE_AVX2_PATH
    static atomic_int avx2 = -1; /* not asked yet */
    int have = atomic_load_explicit(&avx2, memory_order_relaxed);
    if (have < 0) {
        __builtin_cpu_init();
        have = __builtin_cpu_supports("avx2") != 0;
        atomic_store_explicit(&avx2, have, memory_order_relaxed);
    }
    if (have && n >= 64) {
        return adler_avx2(adler, p, n);
    }
#endif
    while (n > 0) {
        uInt k = n > 1u << 30 ? 1u << 30 : (uInt)n;
        adler = (uint32_t)adler32(adler, p, k);
        p += k;
        n -= k;
    }
    return adler;
}
