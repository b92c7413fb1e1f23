/* fuzz_html.c - src/html.c (HTML metadata and main text, libxml2's HTML parser underneath):
 * any bytes as a page. The first byte picks the call's other arguments:
 *   bits 0-3  the charset hint, from hints[] below (several are NULL)
 *   bit 4     a base URL for the canonical URL (else NULL)
 *   bits 5-7  all set: an allocator that fails after N calls, N = the second byte (then the
 *             page starts at the third byte; the result must be 0 or QUIRE_E_NOMEM)
 * The rest is the page. Every output string must be NUL-terminated UTF-8 without C0 controls
 * (but '\n' in the text), trimmed, within its limit; times must pass quire__time_parse, the
 * language quire__language_ok; a failed call must leave the output empty. Else abort(). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "format.h"
#include "html.h"
#include "quire.h"
#include "utf8.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

typedef struct fz {
    long calls, fail_after;
} fz;

static void *
fz_alloc(void *o, size_t n)
{
    fz *f = (fz *)o;
    if (f->fail_after >= 0 && f->calls >= f->fail_after) {
        return NULL;
    }
    f->calls++;
    return malloc(n);
}

static void
fz_free(void *o, void *p)
{
    (void)o;
    free(p);
}

static const char *const hints[16] = {
    NULL,        "utf-8",   "ISO-8859-1", "windows-1251", "shift_jis", "utf-16le",
    "utf-16be",  "gb2312",  "euc-kr",     "koi8-r",       "iso-2022-jp", "big5",
    "x-unknown", NULL,      "euc-jp",     " Windows-1252 "};

static void
check(const char *s, int text, size_t max)
{
    size_t n, i;
    if (s == NULL) {
        return;
    }
    n = strlen(s);
    if (n == 0 || n > max || !quire__utf8_check((const uint8_t *)s, n, NULL) || s[0] == ' ' ||
        s[n - 1] == ' ') {
        abort();
    }
    for (i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c < 0x20 && !(text && c == '\n')) {
            abort();
        }
    }
}

static void
check_meta(const quire__html_meta *m)
{
    size_t i;
    check(m->title, 0, QUIRE__HTML_MAX_STRING);
    check(m->canonical_url, 0, QUIRE__HTML_MAX_STRING);
    check(m->published, 0, 64);
    check(m->modified, 0, 64);
    check(m->published_raw, 0, QUIRE__HTML_MAX_STRING);
    check(m->modified_raw, 0, QUIRE__HTML_MAX_STRING);
    check(m->language, 0, 64);
    check(m->description, 0, QUIRE__HTML_MAX_STRING);
    check(m->section, 0, QUIRE__HTML_MAX_STRING);
    check(m->publisher, 0, QUIRE__HTML_MAX_STRING);
    check(m->text, 1, QUIRE__HTML_MAX_TEXT);
    check(m->charset, 0, 32);
    if (m->charset == NULL || m->n_authors > QUIRE__HTML_MAX_LIST ||
        m->n_keywords > QUIRE__HTML_MAX_LIST || (m->n_authors > 0 && m->authors == NULL) ||
        (m->n_keywords > 0 && m->keywords == NULL)) {
        abort();
    }
    if ((m->published != NULL &&
         (m->published_raw != NULL ||
          quire__time_parse((const uint8_t *)m->published, strlen(m->published), NULL) != 0)) ||
        (m->modified != NULL &&
         (m->modified_raw != NULL ||
          quire__time_parse((const uint8_t *)m->modified, strlen(m->modified), NULL) != 0))) {
        abort();
    }
    if (m->language != NULL &&
        !quire__language_ok((const uint8_t *)m->language, strlen(m->language))) {
        abort();
    }
    if (m->canonical_url != NULL) { /* an absolute http(s) URL, scheme in any case */
        char sch[9];
        size_t k;
        for (k = 0; k < 8 && m->canonical_url[k] != '\0'; k++) {
            char c = m->canonical_url[k];
            sch[k] = c >= 'A' && c <= 'Z' ? (char)(c + 32) : c;
        }
        sch[k] = '\0';
        if (strncmp(sch, "http://", 7) != 0 && strcmp(sch, "https://") != 0) {
            abort();
        }
    }
    for (i = 0; i < m->n_authors; i++) {
        if (m->authors[i] == NULL) {
            abort();
        }
        check(m->authors[i], 0, QUIRE__HTML_MAX_ITEM);
    }
    for (i = 0; i < m->n_keywords; i++) {
        if (m->keywords[i] == NULL) {
            abort();
        }
        check(m->keywords[i], 0, QUIRE__HTML_MAX_ITEM);
    }
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fz f = {0, -1};
    quire__allocator a = {fz_alloc, fz_free, &f};
    quire__html_meta m;
    const char *hint, *base;
    uint8_t b0;
    int e;
    if (size < 1 || size > ((size_t)1 << 20)) {
        return 0;
    }
    b0 = data[0];
    hint = hints[b0 & 15];
    base = (b0 & 16) != 0 ? "https://example.com/news/2024/a.html?id=1" : NULL;
    data++;
    size--;
    if ((b0 & 0xE0) == 0xE0) {
        if (size < 1) {
            return 0;
        }
        f.fail_after = data[0];
        data++;
        size--;
    }
    e = quire__html_extract(data, size, hint, base, &a, &m);
    if (e == 0) {
        check_meta(&m);
        quire__html_meta_free(&m, &a);
    } else {
        const uint8_t *z = (const uint8_t *)&m;
        size_t i;
        if (e != QUIRE_E_NOMEM || f.fail_after < 0) {
            abort();
        }
        for (i = 0; i < sizeof m; i++) {
            if (z[i] != 0) {
                abort(); /* a failed call leaves the output empty */
            }
        }
    }
    return 0;
}
