/* fuzz_import_json.c - the JSON Lines import adapter (src/import.c) over
 * format/json.c: a line that imports exports to JSON that imports to the
 * same article (same record digest), and exporting again gives the same
 * text. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "quire.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    quire_article *a = NULL, *b = NULL;
    quire_diag d;
    const char *js;
    size_t jl;
    char *copy;
    uint8_t da[32], db[32];
    int e;
    if (size > (1u << 20)) {
        return 0;
    }
    if (quire_article_new(&a, NULL) != 0 || quire_article_new(&b, NULL) != 0) {
        abort();
    }
    memset(&d, 0, sizeof d);
    e = quire_article_from_json(a, (const char *)data, size, &d);
    if (e != 0) {
        if (d.code != e || d.offset > size || d.what == NULL) {
            abort();
        }
    } else {
        if (quire_article_to_json(a, &js, &jl) != 0) {
            abort();
        }
        copy = (char *)malloc(jl + 1);
        if (copy == NULL) {
            abort();
        }
        memcpy(copy, js, jl);
        if (quire_article_from_json(b, copy, jl, NULL) != 0 || quire_article_digest(a, da) != 0 ||
            quire_article_digest(b, db) != 0 || memcmp(da, db, 32) != 0) {
            abort(); /* export then import changed the article */
        }
        if (quire_article_to_json(b, &js, &jl) != 0 || memcmp(js, copy, jl) != 0) {
            abort();
        }
        free(copy);
    }
    quire_article_free(a);
    quire_article_free(b);
    return 0;
}
