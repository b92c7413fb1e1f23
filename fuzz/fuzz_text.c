/* fuzz_text.c - the text file import adapter: the body is the input byte
 * for byte, a valid date lead becomes the published date. The first byte
 * picks a file name. */
#define _GNU_SOURCE
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "quire.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const char *const names[] = {"a.txt", "dir/b.txt", "", "\xff\xfe.txt", NULL};
    quire_article *a = NULL;
    quire_part p;
    quire_field f;
    const char *name;
    uint8_t dg[32];
    if (size > (1u << 20)) {
        return 0;
    }
    name = names[size > 0 ? data[0] % 5 : 4];
    if (quire_article_new(&a, NULL) != 0) {
        abort();
    }
    if (quire_article_from_text(a, name, data, size, NULL) != 0) {
        abort(); /* every byte string is a valid text article */
    }
    if (quire_article_find_part(a, "body", 4, &p) != 0 || p.len != size ||
        (size > 0 && memcmp(p.data, data, size) != 0)) {
        abort();
    }
    if (quire_article_find(a, QUIRE_F_PUBLISHED, &f) == 0) {
        /* the date came from a "date " lead somewhere in the first bytes */
        const uint8_t *lead = size >= 15 ? (const uint8_t *)memmem(data, size, "date ", 5) : NULL;
        if (lead == NULL || f.value_len != 10 || memcmp(f.value, lead + 5, 10) != 0 ||
            quire_parse_time((const char *)f.value, 10, NULL) != 0) {
            abort();
        }
    }
    if (quire_article_digest(a, dg) != 0) {
        abort();
    }
    quire_article_free(a);
    return 0;
}
