/*
 * html.h - article metadata and main text from one HTML page (the WARC import, spec/WARC.md).
 *
 * The page is decoded to UTF-8 (charset below), parsed with libxml2's HTML parser (recovery
 * mode: any byte string is a page), and read for:
 *   - metadata from JSON-LD (schema.org NewsArticle and kin, also inside "@graph", arrays and
 *     "@type" arrays), OpenGraph / article:*, <meta name|property|itemprop|http-equiv>,
 *     <link rel=canonical>, <html lang> and <title>; which source wins for each field is in
 *     spec/WARC.md ("HTML mapping");
 *   - the main text: a readability-like choice of the container with the most paragraph text
 *     (link-dense, hidden and boilerplate elements left out), paragraphs joined by "\n\n".
 *
 * Charset, first that applies: a byte order mark; the hint (an HTTP charset label) when it names
 * UTF-16; bytes that are valid UTF-8 and not all ASCII (whatever is declared: servers often
 * declare a default charset for UTF-8 pages); the hint; the first <meta charset> or
 * <meta http-equiv=Content-Type> in the first 64 KiB (found by parsing that prefix with libxml2);
 * UTF-8 for all-ASCII bytes, else windows-1252. Labels follow the WHATWG Encoding Standard
 * (so "iso-8859-1" and "us-ascii" decode as windows-1252, "gb2312" as GBK/GB18030, "euc-kr"
 * as CP949, "shift_jis" as CP932); an unknown label is ignored. Bytes that do not decode become
 * U+FFFD; NUL and other C0 controls never reach the output. Conversion: own code for UTF-8
 * and windows-1252, iconv(3) for the others (windows-1252 when iconv lacks the charset).
 *
 * Attributes of a start tag after the 100th are removed before parsing (libxml2 2.9 checks
 * duplicate attributes in quadratic time). Never prints (libxml2's error handlers for the calling thread are swapped for silent ones
 * during the call and restored before it returns), never aborts on input. libxml2 is
 * initialized once (xmlInitParser under pthread_once) and allocates with its own malloc; every
 * other allocation and every output string comes from the quire__allocator given.
 */
#ifndef QUIRE_SRC_HTML_H
#define QUIRE_SRC_HTML_H

#include <stddef.h>
#include <stdint.h>

#include "../format/cursor.h"

/* Limits. Input longer than MAX_INPUT is QUIRE_E_LIMIT; the others truncate silently
 * (strings at a UTF-8 character boundary, the text at a paragraph or character boundary,
 * lists by dropping later items). */
#define QUIRE__HTML_MAX_INPUT ((size_t)64 << 20)  /* bytes of HTML */
#define QUIRE__HTML_MAX_STRING ((size_t)64 << 10) /* bytes of one metadata string */
#define QUIRE__HTML_MAX_ITEM ((size_t)1024)       /* bytes of one author or keyword */
#define QUIRE__HTML_MAX_LIST ((size_t)1000)       /* authors, keywords */
#define QUIRE__HTML_MAX_TEXT ((size_t)16 << 20)   /* bytes of main text */
#define QUIRE__HTML_MAX_TAGS ((size_t)200000)     /* '<' parsed: the page is cut before the next */
#define QUIRE__HTML_MAX_ATTRS ((size_t)200000)    /* attributes of a page given to libxml2 */

/* Every string is owned by the struct (quire__html_meta_free), NUL-terminated, valid UTF-8,
 * free of NUL and of C0 controls except '\n' (only the text holds '\n'), trimmed, with white
 * space runs collapsed to one space; NULL when the page does not give it. */
typedef struct quire__html_meta {
    char *title;         /* headline */
    char *canonical_url; /* absolute http(s) URL, resolved against base_url */
    char *published;     /* spec/FORMAT.md 5.3 TIME text, or NULL */
    char *modified;      /* the same */
    char *published_raw; /* the best source's text when no source normalized to a TIME, else
                            NULL */
    char *modified_raw;  /* the same */
    char *language;      /* BCP 47 shape (spec 5.4), case normalized: "en-US", "zh-Hant-TW" */
    char *description;
    char *section;
    char *publisher; /* publisher or site name */
    char **authors;  /* byline order, no duplicates, n_authors <= QUIRE__HTML_MAX_LIST */
    size_t n_authors;
    char **keywords; /* no duplicates */
    size_t n_keywords;
    char *text;    /* main text, paragraphs separated by "\n\n"; NULL when none was found */
    char *charset; /* lower-case WHATWG name of the charset used to decode: "utf-8",
                      "windows-1252", "windows-1251", "shift_jis", ...; never NULL on success */
} quire__html_meta;

/* Reads html[0..len) (borrowed; may hold any bytes, NUL included). charset_hint: the charset
 * parameter of the HTTP Content-Type or NULL (borrowed). base_url: the URL the page was
 * fetched from, to resolve a relative canonical URL, or NULL (then a relative one is dropped).
 * Fills *out (cleared first). Returns 0 for any page however broken (with whatever was
 * found), QUIRE_E_ARG for NULL out/a or NULL html with len > 0, QUIRE_E_LIMIT when len >
 * QUIRE__HTML_MAX_INPUT, QUIRE_E_NOMEM when an allocation failed (ours or libxml2's); on error
 * *out is left empty. */
int quire__html_extract(const uint8_t *html, size_t len, const char *charset_hint,
                        const char *base_url, const quire__allocator *a, quire__html_meta *out);

/* Frees every string of m and zeroes it. m NULL is a no-op. */
void quire__html_meta_free(quire__html_meta *m, const quire__allocator *a);

#endif
