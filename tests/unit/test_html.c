/* test_html.c - unit tests for src/html.c (HTML metadata and main text, cmocka), and a
 * measurement over the newspaper4k pages of the shared corpus (../shared/corpus/news, or
 * $QUIRE_HTML_CORPUS): per page, the fields found and how they compare with newspaper4k's. */
#define _POSIX_C_SOURCE 200809L
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "helpers.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libxml/globals.h>
#include <libxml/xmlerror.h>

#include "cursor.h"
#include "format.h"
#include "html.h"
#include "json.h"
#include "quire.h"
#include "utf8.h"

/* a string literal and its length, embedded NULs included */
#define S(lit) (const uint8_t *)(lit), (sizeof(lit) - 1)

/* ====================================================================
 * Allocator: cmocka's test_malloc (leak checks), failing after a given number of calls.
 * ==================================================================== */


static talloc g_t;
static quire__allocator g_a = {t_alloc, t_free, &g_t};

/* ====================================================================
 * Helpers
 * ==================================================================== */

/* Every output string: valid UTF-8, no NUL, no C0 control except '\n' in the text, no
 * leading or trailing space, within its limit. */
static void
check_str(const char *s, int is_text, size_t max)
{
    size_t n, i;
    if (s == NULL) {
        return;
    }
    n = strlen(s);
    assert_true(n > 0);
    assert_true(n <= max);
    assert_true(quire__utf8_check((const uint8_t *)s, n, NULL));
    for (i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        assert_true(c >= 0x20 || (is_text && c == '\n'));
    }
    assert_true(s[0] != ' ' && s[n - 1] != ' ');
}

static void
check_meta(const quire__html_meta *m)
{
    size_t i;
    check_str(m->title, 0, QUIRE__HTML_MAX_STRING);
    check_str(m->canonical_url, 0, QUIRE__HTML_MAX_STRING);
    check_str(m->published, 0, 64);
    check_str(m->modified, 0, 64);
    check_str(m->published_raw, 0, QUIRE__HTML_MAX_STRING);
    check_str(m->modified_raw, 0, QUIRE__HTML_MAX_STRING);
    check_str(m->language, 0, 64);
    check_str(m->description, 0, QUIRE__HTML_MAX_STRING);
    check_str(m->section, 0, QUIRE__HTML_MAX_STRING);
    check_str(m->publisher, 0, QUIRE__HTML_MAX_STRING);
    check_str(m->text, 1, QUIRE__HTML_MAX_TEXT);
    check_str(m->charset, 0, 32);
    assert_non_null(m->charset);
    if (m->published != NULL) {
        assert_int_equal(quire__time_parse((const uint8_t *)m->published, strlen(m->published),
                                           NULL),
                         0);
        assert_null(m->published_raw);
    }
    if (m->modified != NULL) {
        assert_int_equal(
            quire__time_parse((const uint8_t *)m->modified, strlen(m->modified), NULL), 0);
        assert_null(m->modified_raw);
    }
    if (m->language != NULL) {
        assert_true(quire__language_ok((const uint8_t *)m->language, strlen(m->language)));
    }
    assert_true(m->n_authors <= QUIRE__HTML_MAX_LIST);
    assert_true(m->n_keywords <= QUIRE__HTML_MAX_LIST);
    for (i = 0; i < m->n_authors; i++) {
        check_str(m->authors[i], 0, QUIRE__HTML_MAX_ITEM);
        assert_non_null(m->authors[i]);
    }
    for (i = 0; i < m->n_keywords; i++) {
        check_str(m->keywords[i], 0, QUIRE__HTML_MAX_ITEM);
        assert_non_null(m->keywords[i]);
    }
}

/* Extracts p[0..n) (copied to an exact-size heap buffer: over-reads trip ASan), expecting 0. */
static void
extract(const uint8_t *p, size_t n, const char *hint, const char *base, quire__html_meta *m)
{
    uint8_t *copy = (uint8_t *)malloc(n > 0 ? n : 1);
    assert_non_null(copy);
    if (n > 0) {
        memcpy(copy, p, n);
    }
    g_t.calls = 0;
    g_t.fail_after = -1;
    assert_int_equal(quire__html_extract(copy, n, hint, base, &g_a, m), 0);
    free(copy);
    check_meta(m);
}

static void
extract_str(const char *html, quire__html_meta *m)
{
    extract((const uint8_t *)html, strlen(html), NULL, NULL, m);
}

static void
done(quire__html_meta *m)
{
    quire__html_meta_free(m, &g_a);
    assert_null(m->title);
    assert_int_equal(m->n_authors, 0);
}

/* s equals exp (both may be NULL) */
static void
str_is(const char *s, const char *exp)
{
    if (exp == NULL) {
        if (s != NULL) {
            print_error("expected NULL, got \"%s\"\n", s);
        }
        assert_null(s);
        return;
    }
    if (s == NULL) {
        print_error("expected \"%s\", got NULL\n", exp);
    }
    assert_non_null(s);
    assert_string_equal(s, exp);
}

/* ====================================================================
 * Sources and precedence
 * ==================================================================== */

#define HEAD_OG                                                                                    \
    "<meta property=\"og:title\" content=\"OG title\">"                                            \
    "<meta property=\"og:description\" content=\"OG description\">"                                \
    "<meta property=\"og:site_name\" content=\"The Daily Site\">"                                  \
    "<meta property=\"og:url\" content=\"https://example.com/og\">"                                \
    "<meta property=\"article:published_time\" content=\"2013-08-03T10:00:00+0000\">"              \
    "<meta property=\"article:modified_time\" content=\"2013-08-04 11:30:00\">"                    \
    "<meta property=\"article:author\" content=\"https://facebook.com/someone\">"                  \
    "<meta property=\"article:author\" content=\"Og Author\">"                                     \
    "<meta property=\"article:section\" content=\"OG Section\">"                                   \
    "<meta property=\"article:tag\" content=\"alpha\">"                                            \
    "<meta property=\"article:tag\" content=\"beta\">"                                             \
    "<meta property=\"og:locale\" content=\"pt_BR\">"

#define HEAD_META                                                                                  \
    "<meta name=\"description\" content=\"Meta description\">"                                     \
    "<meta name=\"author\" content=\"By Meta One and Meta Two\">"                                  \
    "<meta name=\"keywords\" content=\"k1, k2 ,k1,, k3\">"                                         \
    "<meta name=\"pubdate\" content=\"20130805\">"                                                 \
    "<meta name=\"section\" content=\"Meta Section\">"                                             \
    "<meta name=\"publisher\" content=\"Meta Publisher\">"                                         \
    "<meta http-equiv=\"content-language\" content=\"de, en\">"                                    \
    "<link rel=\"canonical\" href=\"/canonical/path?x=1\">"                                        \
    "<title>Tag title | The Daily Site</title>"

#define LD_ARTICLE                                                                                 \
    "<script type=\"application/ld+json\">{\"@context\":\"https://schema.org\","                   \
    "\"@type\":\"NewsArticle\",\"headline\":\"LD headline\",\"datePublished\":"                    \
    "\"2013-08-01T09:00:00Z\",\"dateModified\":\"2013-08-02T09:00:00.123456789123+02:00\","        \
    "\"author\":[{\"@type\":\"Person\",\"name\":\"Ld One\"},\"Ld Two\"],\"publisher\":{"           \
    "\"@type\":\"Organization\",\"name\":\"LD Publisher\"},\"articleSection\":[\"LD Section\","     \
    "\"Other\"],\"description\":\"LD description\",\"keywords\":\"x, y\",\"inLanguage\":"          \
    "\"en-gb\"}</script>"

static void
test_precedence_jsonld(void **state)
{
    quire__html_meta m;
    (void)state;
    extract_str("<html lang=\"fr\"><head>" HEAD_OG HEAD_META LD_ARTICLE
                "</head><body><p>x</p></body></html>",
                &m);
    str_is(m.title, "LD headline");
    str_is(m.published, "2013-08-01T09:00:00Z");
    str_is(m.modified, "2013-08-02T09:00:00.123456789+02:00");
    str_is(m.language, "en-GB");
    str_is(m.description, "LD description");
    str_is(m.section, "LD Section");
    str_is(m.publisher, "LD Publisher");
    assert_int_equal(m.n_authors, 2);
    str_is(m.authors[0], "Ld One");
    str_is(m.authors[1], "Ld Two");
    assert_int_equal(m.n_keywords, 2);
    str_is(m.keywords[0], "x");
    str_is(m.keywords[1], "y");
    /* a relative <link rel=canonical> without a base is dropped: og:url is next */
    str_is(m.canonical_url, "https://example.com/og");
    str_is(m.charset, "utf-8");
    done(&m);
}

static void
test_precedence_og(void **state)
{
    quire__html_meta m;
    const char *page = "<html lang=\"fr\"><head>" HEAD_OG HEAD_META "</head><body></body></html>";
    (void)state;
    extract((const uint8_t *)page, strlen(page), NULL, "https://example.com/a/b.html", &m);
    str_is(m.title, "OG title");
    str_is(m.published, "2013-08-03T10:00:00+00:00");
    str_is(m.modified, "2013-08-04T11:30:00");
    str_is(m.language, "fr"); /* <html lang> comes before og:locale */
    str_is(m.description, "OG description");
    str_is(m.section, "OG Section");
    str_is(m.publisher, "The Daily Site");
    assert_int_equal(m.n_authors, 1); /* the URL one is left out */
    str_is(m.authors[0], "Og Author");
    assert_int_equal(m.n_keywords, 2);
    str_is(m.keywords[0], "alpha");
    str_is(m.keywords[1], "beta");
    /* <link rel=canonical> wins over og:url, resolved against the base */
    str_is(m.canonical_url, "https://example.com/canonical/path?x=1");
    str_is(m.text, NULL);
    done(&m);
}

static void
test_precedence_meta(void **state)
{
    quire__html_meta m;
    (void)state;
    extract_str("<html><head>" HEAD_META "</head><body></body></html>", &m);
    str_is(m.title, "Tag title | The Daily Site"); /* publisher is "Meta Publisher" here */
    str_is(m.published, "2013-08-05");
    str_is(m.modified, NULL);
    str_is(m.language, "de");
    str_is(m.description, "Meta description");
    str_is(m.section, "Meta Section");
    str_is(m.publisher, "Meta Publisher");
    assert_int_equal(m.n_authors, 2);
    str_is(m.authors[0], "Meta One");
    str_is(m.authors[1], "Meta Two");
    assert_int_equal(m.n_keywords, 3);
    str_is(m.keywords[0], "k1");
    str_is(m.keywords[1], "k2");
    str_is(m.keywords[2], "k3");
    done(&m);
    /* <title> alone; the site suffix goes when it names the publisher */
    extract_str("<title>  Tag\n title \t| The Daily Site </title>"
                "<meta property=og:site_name content='The Daily Site'>",
                &m);
    str_is(m.title, "Tag title");
    done(&m);
    extract_str("<title>A - b - Site</title><meta name=application-name content=site>", &m);
    str_is(m.title, "A - b");
    done(&m);
}

/* ====================================================================
 * JSON-LD shapes
 * ==================================================================== */

static void
test_jsonld_graph(void **state)
{
    quire__html_meta m;
    (void)state;
    extract_str(
        "<script type='application/ld+json'>{\"@context\":\"https://schema.org\",\"@graph\":["
        "{\"@type\":\"WebSite\",\"@id\":\"https://s/#website\",\"name\":\"Site name\"},"
        "{\"@type\":\"WebPage\",\"@id\":\"https://s/p\",\"name\":\"Page name\",\"hasPart\":"
        "{\"@type\":\"Article\",\"headline\":\"Nested deeper\"}},"
        "{\"@type\":[\"Thing\",\"schema:ReportageNewsArticle\"],\"headline\":\"Graph headline\","
        "\"author\":[{\"@id\":\"https://s/#/person/1\"},{\"@id\":\"https://s/#/person/2\"}],"
        "\"publisher\":{\"@id\":\"https://s/#org\"},\"datePublished\":\"2020-02-29\","
        "\"mainEntityOfPage\":{\"@id\":\"https://s/p\"}},"
        "{\"@type\":\"Person\",\"@id\":\"https://s/#/person/1\",\"name\":\"Ann Author\"},"
        "{\"@type\":\"Person\",\"@id\":\"https://s/#/person/2\",\"name\":\"Bob Byline\"},"
        "{\"@type\":\"Organization\",\"@id\":\"https://s/#org\",\"name\":\"Org &amp; Co\"}"
        "]}</script>",
        &m);
    str_is(m.title, "Graph headline");
    str_is(m.published, "2020-02-29");
    assert_int_equal(m.n_authors, 2);
    str_is(m.authors[0], "Ann Author");
    str_is(m.authors[1], "Bob Byline");
    str_is(m.publisher, "Org & Co");
    str_is(m.canonical_url, "https://s/p");
    done(&m);
}

static void
test_jsonld_arrays_and_blocks(void **state)
{
    quire__html_meta m;
    (void)state;
    /* a broken block is ignored; a top-level array; BlogPosting; an author object with a
     * name array; keywords as an array; entities and raw newlines in strings; a trailing
     * comma; a comment wrapper */
    extract_str("<script type=\"application/ld+json\">{\"@type\": \"NewsArticle\", "
                "\"headline\": </script>"
                "<script type=\"application/ld+json; charset=utf-8\"><!--\n"
                "[{\"@type\":\"BreadcrumbList\"},{\"@type\":\"BlogPosting\",\"headline\":"
                "\"It&#8217;s a\nheadline\",\"author\":{\"@type\":\"Person\",\"name\":"
                "[\"Cy Writer\",\"ignored\"]},\"keywords\":[\"a\",\"b, c\"],},]\n--></script>"
                "<meta property=og:title content='OG'>",
                &m);
    str_is(m.title, "It\xE2\x80\x99s a headline");
    assert_int_equal(m.n_authors, 1);
    str_is(m.authors[0], "Cy Writer");
    assert_int_equal(m.n_keywords, 3);
    str_is(m.keywords[2], "c");
    done(&m);
    /* only non-article types: nothing from JSON-LD */
    extract_str("<script type=application/ld+json>{\"@type\":\"WebPage\",\"name\":\"No\","
                "\"datePublished\":\"2001-01-01\"}</script><title>T</title>",
                &m);
    str_is(m.title, "T");
    str_is(m.published, NULL);
    done(&m);
}

static void
test_authors(void **state)
{
    quire__html_meta m;
    (void)state;
    extract_str("<meta name=author content='By Dana Ford; Tom Watkins &amp; Kim Lee, CNN'>"
                "<meta property=og:site_name content=CNN>",
                &m);
    assert_int_equal(m.n_authors, 3); /* "CNN" repeats the publisher */
    str_is(m.authors[0], "Dana Ford");
    str_is(m.authors[1], "Tom Watkins");
    str_is(m.authors[2], "Kim Lee");
    done(&m);
    extract_str("<meta name=author content='BBC News'><meta property=og:site_name "
                "content='BBC News'>",
                &m);
    assert_int_equal(m.n_authors, 1); /* the only author stays */
    done(&m);
    extract_str("<meta name=citation_author content='Smith, J.'>"
                "<meta name=citation_author content='www.example.com/x'>",
                &m);
    assert_int_equal(m.n_authors, 2);
    str_is(m.authors[0], "Smith");
    str_is(m.authors[1], "J.");
    done(&m);
}

/* ====================================================================
 * Normalization: times and languages
 * ==================================================================== */

static void
time_case(const char *in, const char *exp)
{
    char page[512];
    quire__html_meta m;
    snprintf(page, sizeof page, "<meta property='article:published_time' content='%s'>", in);
    extract_str(page, &m);
    str_is(m.published, exp);
    if (exp == NULL) {
        assert_non_null(m.published_raw);
    }
    done(&m);
}

static void
test_times(void **state)
{
    (void)state;
    time_case("2013-08-03T10:00:00+0000", "2013-08-03T10:00:00+00:00");
    time_case("2013-08-03 10:00:00", "2013-08-03T10:00:00");
    time_case("2013-08-03T10:00:00z", "2013-08-03T10:00:00Z");
    time_case("2013-08-03t10:00Z", "2013-08-03T10:00Z");
    time_case("2013-08-03T10:00:00.5Z", "2013-08-03T10:00:00.5Z");
    time_case("2013-08-03T10:00:00.1234567891234-05:00", "2013-08-03T10:00:00.123456789-05:00");
    time_case("2013-08-03T10:00:00,25+05", "2013-08-03T10:00:00.25+05:00");
    time_case(" 2013-08-03 ", "2013-08-03");
    time_case("2013/8/3", "2013-08-03");
    time_case("2013-08-03 10:00:00 UTC", "2013-08-03T10:00:00Z");
    time_case("20180619T055000+0900", "2018-06-19T05:50:00+09:00");
    time_case("20180619", "2018-06-19");
    time_case("Sat, 03 Aug 2013 10:00:00 GMT", "2013-08-03T10:00:00Z");
    time_case("3 Aug 2013 10:00 -0700", "2013-08-03T10:00-07:00");
    time_case("03.08.2013 22:15", "2013-08-03T22:15");
    time_case("Saturday, December 27, 2014, 12:06 PM", "2014-12-27T12:06");
    time_case("December 27th, 2014 at 12:06 am EST", "2014-12-27T00:06-05:00");
    time_case("Aug. 3, 2013", "2013-08-03");
    time_case("2021-01-03T17:40:00EET", "2021-01-03T17:40:00+02:00");
    /* not normalizable: NULL, raw kept */
    time_case("2013-02-29", NULL);
    time_case("2013-08-03T24:00:00Z", NULL);
    time_case("2013-08-03T10:00:00+2500", NULL);
    time_case("yesterday", NULL);
    time_case("1375524000", NULL);
    time_case("2013-08-03T10:00:00 Europe/Paris", NULL);
    time_case("13:00 03-08-2013", NULL);
}

static void
test_time_fallback(void **state)
{
    quire__html_meta m;
    (void)state;
    /* the best source does not normalize: the next one that does is taken */
    extract_str("<script type=application/ld+json>{\"@type\":\"NewsArticle\",\"datePublished\":"
                "\"last week\"}</script><meta name=pubdate content='2020-01-02'>",
                &m);
    str_is(m.published, "2020-01-02");
    str_is(m.published_raw, NULL);
    done(&m);
    /* none does: the best one's text is kept */
    extract_str("<script type=application/ld+json>{\"@type\":\"NewsArticle\",\"datePublished\":"
                "\"  last\n week \"}</script><meta name=pubdate content='soon'>",
                &m);
    str_is(m.published, NULL);
    str_is(m.published_raw, "last week");
    done(&m);
}

static void
lang_case(const char *html, const char *exp)
{
    quire__html_meta m;
    extract_str(html, &m);
    str_is(m.language, exp);
    done(&m);
}

static void
test_languages(void **state)
{
    (void)state;
    lang_case("<html lang='en_us'>", "en-US");
    lang_case("<html lang='ZH-hant-tw'>", "zh-Hant-TW");
    lang_case("<html lang='en-x-ab-cd'>", "en-x-ab-cd");
    lang_case("<html lang='sr-Latn-RS-u-nu-latn'>", "sr-Latn-RS-u-nu-latn");
    lang_case("<meta property=og:locale content=pt_BR>", "pt-BR");
    lang_case("<html lang='english language'><meta property=og:locale content=en_GB>", "en-GB");
    lang_case("<html lang='-en'><meta property=og:locale content=en_GB>", "en-GB");
    lang_case("<html lang='toolongtag-x'><meta http-equiv=Content-Language content=' nl '>",
              "nl");
    lang_case("<html lang=''><meta name=language content='*'>", NULL);
    lang_case("<script type=application/ld+json>{\"@type\":\"Article\",\"inLanguage\":{"
              "\"@type\":\"Language\",\"name\":\"English\",\"alternateName\":\"en\"}}</script>"
              "<html lang=fr>",
              "en");
}

/* ====================================================================
 * Charsets
 * ==================================================================== */

static void
test_charset_latin1(void **state)
{
    quire__html_meta m;
    (void)state;
    /* ISO-8859-1 declared by <meta charset>: decoded as windows-1252 (WHATWG) */
    extract(S("<html><head><meta charset=\"ISO-8859-1\"><title>Caf\xE9 \x93na\xEFve\x94 "
              "\xA3" "5</title></head><body><p>Gar\xE7on, \xE0 la cr\xE8me br\xFBl\xE9"
              "e.</p></body></html>"),
            NULL, NULL, &m);
    str_is(m.charset, "windows-1252");
    str_is(m.title, "Caf\xC3\xA9 \xE2\x80\x9Cna\xC3\xAFve\xE2\x80\x9D \xC2\xA3" "5");
    str_is(m.text, "Gar\xC3\xA7on, \xC3\xA0 la cr\xC3\xA8me br\xC3\xBBl\xC3\xA9" "e.");
    done(&m);
    /* the same bytes with the charset only in the HTTP hint */
    extract(S("<title>Caf\xE9</title>"), "iso-8859-1", NULL, &m);
    str_is(m.charset, "windows-1252");
    str_is(m.title, "Caf\xC3\xA9");
    done(&m);
    /* nothing declared and not UTF-8: windows-1252 */
    extract(S("<title>Caf\xE9</title>"), NULL, NULL, &m);
    str_is(m.charset, "windows-1252");
    str_is(m.title, "Caf\xC3\xA9");
    done(&m);
}

static void
test_charset_1251(void **state)
{
    quire__html_meta m;
    (void)state;
    /* "Привет, мир" and "Новости" in windows-1251, declared by http-equiv */
    extract(S("<html><head><meta http-equiv=\"Content-Type\" content=\"text/html; "
              "charset=windows-1251\"><title>\xCF\xF0\xE8\xE2\xE5\xF2, \xEC\xE8\xF0</title>"
              "<meta property=og:site_name content=\"\xCD\xEE\xE2\xEE\xF1\xF2\xE8\">"
              "</head><body></body></html>"),
            NULL, NULL, &m);
    str_is(m.charset, "windows-1251");
    str_is(m.title, "\xD0\x9F\xD1\x80\xD0\xB8\xD0\xB2\xD0\xB5\xD1\x82, \xD0\xBC\xD0\xB8\xD1\x80");
    str_is(m.publisher, "\xD0\x9D\xD0\xBE\xD0\xB2\xD0\xBE\xD1\x81\xD1\x82\xD0\xB8");
    done(&m);
    /* the hint wins over <meta charset> (koi8-r "Привет") */
    extract(S("<meta charset=windows-1251><title>\xF0\xD2\xC9\xD7\xC5\xD4</title>"), "KOI8-R",
            NULL, &m);
    str_is(m.charset, "koi8-r");
    str_is(m.title, "\xD0\x9F\xD1\x80\xD0\xB8\xD0\xB2\xD0\xB5\xD1\x82");
    done(&m);
}

static void
test_charset_other(void **state)
{
    quire__html_meta m;
    (void)state;
    /* valid UTF-8 with non-ASCII bytes wins over a declared legacy charset */
    extract(S("<meta charset=iso-8859-1><title>Caf\xC3\xA9</title>"), "windows-1252", NULL, &m);
    str_is(m.charset, "utf-8");
    str_is(m.title, "Caf\xC3\xA9");
    done(&m);
    /* a UTF-16LE byte order mark */
    extract(S("\xFF\xFE<\0t\0i\0t\0l\0e\0>\0\x3A\x04\x30\x04<\0/\0t\0i\0t\0l\0e\0>\0"), NULL, NULL,
            &m);
    str_is(m.charset, "utf-16le");
    str_is(m.title, "\xD0\xBA\xD0\xB0");
    done(&m);
    /* Shift_JIS by hint: "日本" */
    extract(S("<title>\x93\xFA\x96\x7B</title>"), "shift_jis", NULL, &m);
    str_is(m.charset, "shift_jis");
    str_is(m.title, "\xE6\x97\xA5\xE6\x9C\xAC");
    done(&m);
    /* an unknown or hostile label is ignored; undecodable bytes become U+FFFD */
    extract(S("<title>a\x81\xFF" "b</title>"), "x-unknown//TRANSLIT", NULL, &m);
    str_is(m.charset, "windows-1252");
    done(&m);
    extract(S("<title>a\xFF\xFE" "b</title>"), "utf-8", NULL, &m);
    str_is(m.charset, "utf-8");
    str_is(m.title, "a\xEF\xBF\xBD\xEF\xBF\xBD" "b");
    done(&m);
    extract(S("<meta charset=gb2312><title>\xD6\xD0\xCE\xC4\x80</title>"), NULL, NULL, &m);
    str_is(m.charset, "gbk");
    str_is(m.title, "\xE4\xB8\xAD\xE6\x96\x87\xEF\xBF\xBD");
    done(&m);
}

/* The <meta> prescan follows the HTML standard's byte scanner: comments,
 * other tags' attribute values and bogus comments hide a meta; content=
 * counts only with http-equiv=content-type; the first charset attribute of
 * a tag counts; an unknown label is skipped for the next <meta>. */
static void
test_charset_prescan(void **state)
{
    static const struct {
        const char *page, *charset;
    } cases[] = {
        {"<!-- <meta charset=koi8-r> --><meta charset=windows-1251><title>x</title>",
         "windows-1251"},
        {"<!--><meta charset=koi8-r>", "koi8-r"}, /* "<!-->" is a whole comment */
        {"<a title='<meta charset=koi8-r>'><meta charset=windows-1251>", "windows-1251"},
        {"<?php <meta charset=koi8-r> ?><meta charset=windows-1251>", "windows-1251"},
        {"<!doctype html><META CHARSET=\"KOI8-R\"><title>x</title>", "koi8-r"},
        {"<meta content='text/html; charset=koi8-r'><title>x</title>", "utf-8"},
        {"<meta content='text/html; charset=koi8-r' http-equiv=content-type>", "koi8-r"},
        {"<meta http-equiv=Content-Type content=\"text/html;charset = 'koi8-r'\">", "koi8-r"},
        {"<meta charset=koi8-r charset=windows-1251>", "koi8-r"},
        {"<meta charset=bogus><meta charset=koi8-r>", "koi8-r"},
        {"<meta/charset=koi8-r>", "koi8-r"},
        {"<metal charset=koi8-r><meta charset=windows-1251>", "windows-1251"},
        {"<meta charset=utf-16le><title>x</title>", "utf-8"},
        {"<p>no declaration</p><meta charset", "utf-8"},
    };
    quire__html_meta m;
    size_t i;
    (void)state;
    for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        extract((const uint8_t *)cases[i].page, strlen(cases[i].page), NULL, NULL, &m);
        if (m.charset == NULL || strcmp(m.charset, cases[i].charset) != 0) {
            fail_msg("case %zu: %s, not %s", i, m.charset != NULL ? m.charset : "(none)",
                     cases[i].charset);
        }
        done(&m);
    }
}

/* ====================================================================
 * Main text
 * ==================================================================== */

#define PARA1 "The first paragraph of the article carries enough words to count as real text."
#define PARA2 "A second paragraph follows, with more words, commas, and a full stop at the end."
#define PARA3 "The third paragraph has a link to <a href='/x'>another page</a> inside its text."

static void
test_text_choice(void **state)
{
    quire__html_meta m;
    (void)state;
    extract_str("<html><body><header><p>Site header text that is long enough to count.</p>"
                "</header><nav><ul><li><a href=/a>Home</a></li><li><a href=/b>World</a></li>"
                "</ul></nav><div class=sidebar><p>Sidebar text that is long enough to count "
                "as a paragraph here.</p></div><div class='story-body'><h1>Headline</h1>"
                "<p>" PARA1 "</p><script>var x = 'script text must not appear';</script>"
                "<figure><img src=a.jpg><figcaption>A caption that is long enough to count."
                "</figcaption></figure><p>" PARA2 "</p><h2>A subheading</h2><p>" PARA3 "</p>"
                "<p style='display: none'>Hidden paragraph that is long enough to count.</p>"
                "<p><a href=/1>Read more: a related story that is all link text</a></p>"
                "</div><div class=comments><p>A comment that is long enough to count as text."
                "</p></div><footer><p>Copyright footer that is long enough to count.</p>"
                "</footer></body></html>",
                &m);
    str_is(m.text, PARA1 "\n\n" PARA2 "\n\nA subheading\n\nThe third paragraph has a link to "
                         "another page inside its text.");
    done(&m);
}

static void
test_text_article_body(void **state)
{
    quire__html_meta m;
    (void)state;
    /* itemprop=articleBody wins over a container with more text */
    extract_str("<body><div><p>" PARA1 PARA1 PARA1 "</p><p>" PARA2 PARA2 PARA2 "</p></div>"
                "<div itemprop=articleBody><p>" PARA1 "</p><p>" PARA2 "</p><p>" PARA2 "</p>"
                "<p>" PARA1 "</p></div></body>",
                &m);
    str_is(m.text, PARA1 "\n\n" PARA2 "\n\n" PARA2 "\n\n" PARA1);
    done(&m);
    /* an article split into chunks of the same class between other blocks */
    extract_str("<body><div class=grid><div class=chunk><p>" PARA1 "</p><p>" PARA2 "</p></div>"
                "</div><div class=ad><p>Advertisement text that is long enough to count here."
                "</p></div><div class=grid><div class=chunk><p>" PARA2 "</p></div></div></body>",
                &m);
    str_is(m.text, PARA1 "\n\n" PARA2 "\n\n" PARA2);
    done(&m);
}

static void
test_text_br_and_divs(void **state)
{
    quire__html_meta m;
    (void)state;
    extract_str("<body><div class=post>" PARA1 "<br><br>" PARA2 "<br>still the second<br />\n"
                "<br/>" PARA1 "</div><div><a href=/>" PARA2 "</a></div></body>",
                &m);
    str_is(m.text, PARA1 "\n\n" PARA2 " still the second\n\n" PARA1);
    done(&m);
    /* short paragraphs only: still found */
    extract_str("<body><p>Short.</p><p>Also short.</p></body>", &m);
    str_is(m.text, "Short.\n\nAlso short.");
    done(&m);
}

/* ====================================================================
 * Hostile and degenerate input
 * ==================================================================== */

/* A page of tiny elements is parsed up to its 200,000th '<' (spec/WARC.md
 * 5.6): what comes after is not looked at, what comes before is. */
static void
tiny_page(size_t paragraphs, quire__html_meta *m)
{
    static const char head[] = "<html><head><title>Early</title></head><body>";
    static const char tail[] = "<meta name=\"description\" content=\"Late\"></body></html>";
    size_t n = strlen(head) + 8 * paragraphs + strlen(tail), i, at;
    uint8_t *p = (uint8_t *)malloc(n);
    assert_non_null(p);
    memcpy(p, head, strlen(head));
    at = strlen(head);
    for (i = 0; i < paragraphs; i++, at += 8) {
        memcpy(p + at, "<p>x</p>", 8);
    }
    memcpy(p + at, tail, strlen(tail));
    extract(p, n, NULL, NULL, m);
    free(p);
}

static void
test_tag_cap(void **state)
{
    quire__html_meta m;
    (void)state;
    /* 6 + 2 x 99,990: the meta is the 199,987th '<' */
    tiny_page(99990, &m);
    str_is(m.title, "Early");
    str_is(m.description, "Late");
    done(&m);
    /* 6 + 2 x 100,010: the meta would be the 200,027th '<' */
    tiny_page(100010, &m);
    str_is(m.title, "Early");
    str_is(m.description, NULL);
    done(&m);
}

/* A page of `tags` elements of 100 attributes each, then a <meta> description:
 * the attributes after the page's 200,000th are removed before parsing
 * (libxml2 takes ~300 bytes an attribute), the elements stay. */
static void
attr_page(size_t tags, quire__html_meta *m)
{
    static const char head[] = "<html><head><title>Early</title></head><body>";
    static const char tail[] = "<meta name=\"description\" content=\"Late\">"
                               "<h1>Heading</h1></body></html>";
    char tag[1024];
    size_t k, tl = 0, n, i, at;
    uint8_t *p;
    tl += (size_t)snprintf(tag, sizeof tag, "<i");
    for (k = 0; k < 100; k++) {
        tl += (size_t)snprintf(tag + tl, sizeof tag - tl, " a%zu=1", k);
    }
    tl += (size_t)snprintf(tag + tl, sizeof tag - tl, "></i>");
    n = strlen(head) + tl * tags + strlen(tail);
    p = (uint8_t *)malloc(n);
    assert_non_null(p);
    memcpy(p, head, strlen(head));
    at = strlen(head);
    for (i = 0; i < tags; i++, at += tl) {
        memcpy(p + at, tag, tl);
    }
    memcpy(p + at, tail, strlen(tail));
    extract(p, n, NULL, NULL, m);
    free(p);
}

static void
test_attr_cap(void **state)
{
    quire__html_meta m;
    (void)state;
    /* 1,999 x 100 + 2: the meta's attributes are the 199,901st and 2nd */
    attr_page(1999, &m);
    str_is(m.title, "Early");
    str_is(m.description, "Late");
    done(&m);
    /* 2,001 x 100: the meta's attributes would be the 200,101st and 2nd */
    attr_page(2001, &m);
    str_is(m.title, "Early");
    str_is(m.description, NULL);
    done(&m);
}

static void
test_empty(void **state)
{
    quire__html_meta m;
    (void)state;
    g_t.fail_after = -1;
    assert_int_equal(quire__html_extract(NULL, 0, NULL, NULL, &g_a, &m), 0);
    str_is(m.title, NULL);
    str_is(m.text, NULL);
    str_is(m.charset, "utf-8");
    done(&m);
    extract(S(""), NULL, NULL, &m);
    str_is(m.title, NULL);
    done(&m);
    extract(S(" \n\t "), NULL, NULL, &m);
    str_is(m.text, NULL);
    done(&m);
    extract(S("<title> </title><p>\xC2\xA0</p>"), NULL, NULL, &m);
    str_is(m.title, NULL);
    str_is(m.text, NULL);
    done(&m);
    assert_int_equal(quire__html_extract(NULL, 1, NULL, NULL, &g_a, &m), QUIRE_E_ARG);
    assert_int_equal(quire__html_extract((const uint8_t *)"", 0, NULL, NULL, NULL, &m),
                     QUIRE_E_ARG);
    assert_int_equal(quire__html_extract((const uint8_t *)"", 0, NULL, NULL, &g_a, NULL),
                     QUIRE_E_ARG);
    assert_int_equal(quire__html_extract((const uint8_t *)"", QUIRE__HTML_MAX_INPUT + 1, NULL,
                                         NULL, &g_a, &m),
                     QUIRE_E_LIMIT);
    assert_null(m.charset);
    quire__html_meta_free(NULL, &g_a);
}

static void
test_nul_and_controls(void **state)
{
    quire__html_meta m;
    (void)state;
    extract(S("<title>a\0b\x01" "c\x1F" "d\x7F" "e\xC2\x85" "f</title><body><p>x\0y\x0B" "z</p>"
              "<p>\0</p></body>"),
            NULL, NULL, &m);
    str_is(m.title, "a\xEF\xBF\xBD" "b c d e f");
    str_is(m.text, "x\xEF\xBF\xBDy z\n\n\xEF\xBF\xBD");
    done(&m);
    extract(S("\0\0\0\0<\0h\0t\0m\0l\0>"), NULL, NULL, &m);
    done(&m);
}

static void
test_broken_markup(void **state)
{
    static const struct {
        const char *page;
        const char *title; /* expected, or NULL: not checked */
        int has_para1;     /* the text holds PARA1 */
    } cases[] = {
        {"<html><head><title>Unclosed<body><p>" PARA1, NULL, 1},
        {"<p>" PARA1 "<p>" PARA2 "</div></span></p></p></body></html></html>", NULL, 1},
        {"<<<>>><p =x 'y\"z>" PARA1 "</p><!-- unterminated comment <p>gone", NULL, 1},
        {"<title>T</title></head></head><body><body><table><tr><td><p>" PARA1 "</td>"
         "<td><p>" PARA2,
         "T", 1},
        {"<script>document.write('<p>x</p>')</script><style>p{}</style><p>" PARA1 "<script>",
         NULL, 1},
        {"<svg><title>Not the title</title></svg><title>Real</title>", "Real", 0},
        {"<meta name=description content=\"no end quote><p>" PARA1, NULL, 0},
        {"<![CDATA[x]]><?xml version='1.0'?><!DOCTYPE html><p>&amp;&lt;&#0;&#xD800;&#1114112;"
         "&bogus;&eacute&nbsp;</p>",
         NULL, 0},
        {"<script type=application/ld+json>[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[["
         "[[[[[[[[[[[[[[[[[[[[[[{\"@type\":\"Article\"}</script>",
         NULL, 0},
        {"<script type=application/ld+json>{\"@type\":\"Article\",\"headline\":\"\\ud800\"}"
         "</script><title>Fallback</title>",
         "Fallback", 0},
        {"<script type=application/ld+json>{\"@type\":\"Article\",\"a\":1,\"a\":2,"
         "\"headline\":\"Dup\"}</script>",
         "Dup", 0},
    };
    size_t i;
    quire__html_meta m;
    (void)state;
    for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        extract_str(cases[i].page, &m);
        if (cases[i].has_para1) {
            assert_non_null(m.text);
            assert_non_null(strstr(m.text, "The first paragraph"));
        }
        if (cases[i].title != NULL) {
            str_is(m.title, cases[i].title);
        }
        done(&m);
    }
}

static void
test_huge_attribute(void **state)
{
    size_t n = (size_t)1 << 20, i;
    char *page = (char *)malloc(n + 2000);
    quire__html_meta m;
    size_t at;
    (void)state;
    assert_non_null(page);
    at = (size_t)sprintf(page, "<meta name=description content=\"");
    for (i = 0; i < n / 2; i++) { /* U+00E9 repeated: a cut must not split one */
        page[at++] = '\xC3';
        page[at++] = '\xA9';
    }
    at += (size_t)sprintf(page + at, "\"><p class=\"");
    memset(page + at, 'x', 1000);
    at += 1000;
    at += (size_t)sprintf(page + at, "\">body</p>");
    extract((const uint8_t *)page, at, NULL, NULL, &m);
    assert_non_null(m.description);
    assert_int_equal(strlen(m.description), QUIRE__HTML_MAX_STRING);
    str_is(m.text, "body");
    done(&m);
    free(page);
}

static void
test_deep_and_many(void **state)
{
    size_t n = 200000, i, at = 0;
    char *page = (char *)malloc(n * 12 + 100);
    quire__html_meta m;
    (void)state;
    assert_non_null(page);
    for (i = 0; i < n; i++) {
        memcpy(page + at, "<div>", 5);
        at += 5;
    }
    memcpy(page + at, "deep text", 9);
    at += 9;
    extract((const uint8_t *)page, at, NULL, NULL, &m);
    done(&m);
    /* many authors and keywords: capped */
    at = 0;
    for (i = 0; i < 3000; i++) {
        at += (size_t)sprintf(page + at, "<meta name=keywords content=k%zu>", i);
    }
    extract((const uint8_t *)page, at, NULL, NULL, &m);
    assert_int_equal(m.n_keywords, QUIRE__HTML_MAX_LIST);
    str_is(m.keywords[999], "k999");
    done(&m);
    free(page);
}

/* A start tag with 80,000 attributes: those after the 100th are removed before libxml2 sees
 * them (it checks duplicates in quadratic time); the text around the tag is kept. */
static void
test_many_attributes(void **state)
{
    size_t n = 80000, i, at = 0;
    char *page = (char *)malloc(n * 16 + 4000);
    quire__html_meta m;
    (void)state;
    assert_non_null(page);
    at += (size_t)sprintf(page + at, "<meta name=description content='kept' ");
    for (i = 0; i < n; i++) {
        at += (size_t)sprintf(page + at, " a%zu=\"x>y\"", i);
    }
    at += (size_t)sprintf(page + at, "><script>if (a<b && c) { x = '<p %s'; }</script><p ",
                          "a b c d e f g h");
    for (i = 0; i < 150; i++) {
        at += (size_t)sprintf(page + at, "b%zu ", i);
    }
    at += (size_t)sprintf(page + at, "class=late>" PARA1 "</p><!-- <p a b c> --><p>" PARA2 "</p>");
    extract((const uint8_t *)page, at, NULL, NULL, &m);
    str_is(m.description, "kept");
    str_is(m.text, PARA1 "\n\n" PARA2);
    done(&m);
    free(page);
}

/* More than 16 MiB of paragraphs: the text is cut at a character boundary, no space at the end */
static void
test_text_limit(void **state)
{
    size_t para = (size_t)1 << 20, np = 18, i, k, at = 0;
    char *page = (char *)malloc(np * (para + 16) + 64);
    quire__html_meta m;
    (void)state;
    assert_non_null(page);
    at += (size_t)sprintf(page, "<body>");
    for (i = 0; i < np; i++) {
        at += (size_t)sprintf(page + at, "<p>");
        for (k = 0; k + 6 <= para; k += 6) {
            memcpy(page + at, "w\xC3\xA9rd ", 6); /* "wérd " */
            at += 6;
        }
        at += (size_t)sprintf(page + at, "</p>");
    }
    extract((const uint8_t *)page, at, NULL, NULL, &m);
    assert_non_null(m.text);
    assert_true(strlen(m.text) <= QUIRE__HTML_MAX_TEXT);
    assert_true(strlen(m.text) > QUIRE__HTML_MAX_TEXT - 8);
    done(&m);
    free(page);
}

static void
test_nomem(void **state)
{
    const char *page = "<html lang=en><head><meta charset=windows-1251>" HEAD_OG HEAD_META
                       LD_ARTICLE "</head><body><div class=story><p>" PARA1 "</p><p>" PARA2
                       "</p></div></body></html>";
    long k;
    int ok = 0;
    (void)state;
    for (k = 0; k < 2000 && !ok; k++) {
        quire__html_meta m;
        int e;
        g_t.calls = 0;
        g_t.fail_after = k;
        e = quire__html_extract((const uint8_t *)page, strlen(page), NULL, "https://e/", &g_a, &m);
        if (e == 0) {
            ok = 1;
            check_meta(&m);
            str_is(m.title, "LD headline");
            quire__html_meta_free(&m, &g_a);
        } else {
            assert_int_equal(e, QUIRE_E_NOMEM);
            assert_null(m.title);
            assert_null(m.charset);
            assert_null(m.authors);
        }
    }
    g_t.fail_after = -1;
    assert_true(ok);
}

static int g_host_errors;

static void
host_handler(void *ctx, const char *msg, ...)
{
    (void)ctx;
    (void)msg;
    g_host_errors++;
}

/* libxml2 never writes to stderr, and the host's handler is back afterwards */
static void
test_silent(void **state)
{
    static const char page[] = "<html><head><meta charset=shift_jis><title>\x82</title></head>"
                               "<body><p>\x81\x82\xFF</p><foo:bar x:y=1 x:y=2><p a=1 a=2>"
                               "<table><td><tr></p></body><p>&#xFFFFFF;&unknown;</p></html>";
    char path[] = "/tmp/quire-test-html-XXXXXX";
    int fd = mkstemp(path), saved;
    quire__html_meta m;
    long size;
    (void)state;
    assert_true(fd >= 0);
    xmlSetGenericErrorFunc(NULL, host_handler);
    fflush(stderr);
    saved = dup(2);
    assert_true(saved >= 0);
    assert_true(dup2(fd, 2) >= 0);
    extract(S(page), NULL, NULL, &m);
    done(&m);
    extract(S(page), "utf-16be", NULL, &m);
    done(&m);
    fflush(stderr);
    assert_true(dup2(saved, 2) >= 0);
    close(saved);
    size = lseek(fd, 0, SEEK_END);
    close(fd);
    unlink(path);
    assert_int_equal(size, 0);
    assert_int_equal(g_host_errors, 0);
    assert_true(xmlGenericError == host_handler);
    xmlSetGenericErrorFunc(NULL, NULL);
}

/* ====================================================================
 * The newspaper4k pages (../shared/corpus/news): fields found per page, compared with what
 * newspaper4k extracted (newspaper4k-multilingual.jsonl, matched by extra.html_file).
 * ==================================================================== */

static char *
slurp(const char *path, size_t *n)
{
    FILE *f = fopen(path, "rb");
    long len;
    char *p;
    if (f == NULL) {
        return NULL;
    }
    if (fseek(f, 0, SEEK_END) != 0 || (len = ftell(f)) < 0 || fseek(f, 0, SEEK_SET) != 0) {
        fclose(f);
        return NULL;
    }
    p = (char *)malloc((size_t)len + 1);
    assert_non_null(p);
    if (fread(p, 1, (size_t)len, f) != (size_t)len) {
        fclose(f);
        free(p);
        return NULL;
    }
    fclose(f);
    p[len] = '\0';
    *n = (size_t)len;
    return p;
}

/* Title comparison form: ASCII lower case, curly quotes straight, white space (U+3000 too)
 * collapsed. */
static void
norm_title(const char *s, char *out, size_t cap)
{
    size_t k = 0;
    int sp = 0;
    if (s == NULL) {
        out[0] = '\0';
        return;
    }
    while (*s != '\0' && k + 4 < cap) {
        unsigned char c = (unsigned char)*s;
        if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
            sp = k > 0;
            s++;
            continue;
        }
        if (strncmp(s, "\xE3\x80\x80", 3) == 0) {
            sp = k > 0;
            s += 3;
            continue;
        }
        if (sp) {
            out[k++] = ' ';
            sp = 0;
        }
        if (strncmp(s, "\xE2\x80\x98", 3) == 0 || strncmp(s, "\xE2\x80\x99", 3) == 0) {
            out[k++] = '\'';
            s += 3;
        } else if (strncmp(s, "\xE2\x80\x9C", 3) == 0 || strncmp(s, "\xE2\x80\x9D", 3) == 0) {
            out[k++] = '"';
            s += 3;
        } else {
            out[k++] = (char)(c >= 'A' && c <= 'Z' ? c + 32 : c);
            s++;
        }
    }
    out[k] = '\0';
}

/* equal, or one is the other plus a " <separator> site name" tail */
static int
titles_match(const char *a, const char *b)
{
    static const char *const seps[] = {" | ", " - ", " -- ", " \xC2\xBB ", " :: ", "-",
                                       "\xEF\xBC\x9A"};
    size_t na = strlen(a), nb = strlen(b), i;
    if (na == 0 || nb == 0) {
        return 0;
    }
    if (strcmp(a, b) == 0) {
        return 1;
    }
    if (na > nb) {
        const char *t = a;
        a = b;
        b = t;
        i = na;
        na = nb;
        nb = i;
    }
    if (memcmp(a, b, na) != 0) {
        return 0;
    }
    for (i = 0; i < sizeof seps / sizeof seps[0]; i++) {
        size_t k = strlen(seps[i]);
        if (nb > na + k && memcmp(b + na, seps[i], k) == 0) {
            return 1;
        }
    }
    return 0;
}

/* Share of newspaper4k's text lines (>= 20 bytes) whose first 40 bytes are in ours. */
static double
line_recall(const char *ours, const char *theirs, size_t n)
{
    size_t i = 0, lines = 0, found = 0;
    if (ours == NULL) {
        ours = "";
    }
    while (i < n) {
        size_t e = i, s = i, k;
        char key[48];
        while (e < n && theirs[e] != '\n') {
            e++;
        }
        while (s < e && (theirs[s] == ' ' ||
                         (e - s >= 3 && memcmp(theirs + s, "\xE3\x80\x80", 3) == 0))) {
            s += theirs[s] == ' ' ? 1 : 3;
        }
        if (e - s >= 20) {
            k = e - s < 40 ? e - s : 40;
            while (k > 0 && ((unsigned char)theirs[s + k] & 0xC0) == 0x80) {
                k--;
            }
            memcpy(key, theirs + s, k);
            key[k] = '\0';
            lines++;
            found += strstr(ours, key) != NULL;
        }
        i = e + 1;
    }
    return lines > 0 ? (double)found / (double)lines : -1.0;
}

/* member key of o as a NUL-terminated copy (strings only), or NULL */
static char *
jstr(const quire__jobject *o, const char *key)
{
    size_t i, n = strlen(key);
    for (i = 0; i < o->n; i++) {
        const quire__jmember *m = &o->m[i];
        if (m->key_len == n && memcmp(o->text.p + m->key_off, key, n) == 0 &&
            m->kind == QUIRE__J_STRING) {
            char *s = (char *)malloc(m->val_len + 1);
            assert_non_null(s);
            memcpy(s, o->text.p + m->val_off, m->val_len);
            s[m->val_len] = '\0';
            return s;
        }
    }
    return NULL;
}

static const quire__jmember *
jmem(const quire__jobject *o, const char *key)
{
    size_t i, n = strlen(key);
    for (i = 0; i < o->n; i++) {
        if (o->m[i].key_len == n && memcmp(o->text.p + o->m[i].key_off, key, n) == 0) {
            return &o->m[i];
        }
    }
    return NULL;
}

static void
test_corpus_newspaper4k(void **state)
{
    const char *dir = getenv("QUIRE_HTML_CORPUS");
    char path[1024];
    size_t jn = 0, pages = 0, title_ok = 0, dated = 0, date_ok = 0, with_text = 0, text_ok = 0;
    size_t auth_pages = 0, auth_hits = 0;
    double recall_sum = 0;
    char *jl, *line;
    quire__allocator sys = g_a;
    (void)state;
    if (dir == NULL) {
        dir = "../shared/corpus/news";
    }
    snprintf(path, sizeof path, "%s/newspaper4k-multilingual.jsonl", dir);
    if ((jl = slurp(path, &jn)) == NULL) {
        print_message("corpus: %s not found (set QUIRE_HTML_CORPUS): SKIPPED\n", path);
        skip();
    }
    print_message("%-24s %-10s %-5s %-5s %-7s %13s %-6s %s\n", "page", "fields", "title",
                  "date", "authors", "text ours/n4k", "lines", "charset");
    print_message("%-24s %-10s\n", "", "tcpmldsPak");
    for (line = jl; line != NULL && *line != '\0';) {
        char *nl = strchr(line, '\n'), *file, *base, *etitle, *edate, *etext, *html;
        quire__jobject o, x;
        quire__cur c;
        quire__html_meta m;
        const quire__jmember *ex, *au;
        size_t len = nl != NULL ? (size_t)(nl - line) : strlen(line), hn = 0, i;
        char nt1[2048], nt2[2048], flags[16];
        int tmatch, dmatch = -1;
        double rec;
        size_t ahit = 0, an = 0;
        quire__jobject_init(&o, &sys, (size_t)1 << 24);
        quire__jobject_init(&x, &sys, (size_t)1 << 20);
        quire__cur_init(&c, line, len, 0);
        assert_int_equal(quire__json_parse_object(&o, &c), 0);
        ex = jmem(&o, "extra");
        assert_non_null(ex);
        quire__cur_init(&c, o.text.p + ex->val_off, ex->val_len, 0);
        assert_int_equal(quire__json_parse_object(&x, &c), 0);
        file = jstr(&x, "html_file");
        assert_non_null(file);
        base = strrchr(file, '/');
        base = base != NULL ? base + 1 : file;
        snprintf(path, sizeof path, "%s/newspaper4k-html/%s", dir, base);
        html = slurp(path, &hn);
        if (html == NULL) {
            print_error("corpus: %s missing\n", path);
            fail();
        }
        g_t.fail_after = -1;
        assert_int_equal(quire__html_extract((const uint8_t *)html, hn, NULL, NULL, &g_a, &m), 0);
        check_meta(&m);
        etitle = jstr(&o, "title");
        edate = jstr(&o, "date");
        etext = jstr(&o, "text");
        norm_title(m.title, nt1, sizeof nt1);
        norm_title(etitle, nt2, sizeof nt2);
        tmatch = titles_match(nt1, nt2);
        if (edate != NULL && strlen(edate) >= 10) {
            dated++;
            dmatch = m.published != NULL && strncmp(m.published, edate, 10) == 0;
            date_ok += (size_t)dmatch;
        }
        au = jmem(&o, "authors");
        if (au != NULL && au->kind == QUIRE__J_ARRAY && au->all_strings && au->n_items > 0) {
            const uint8_t *it = o.text.p + au->items_off;
            size_t at = 0, k;
            an = au->n_items;
            for (k = 0; k < au->n_items; k++) {
                uint32_t l = quire__ld32(it + at);
                for (i = 0; i < m.n_authors; i++) {
                    if (strlen(m.authors[i]) == l && memcmp(m.authors[i], it + at + 4, l) == 0) {
                        ahit++;
                        break;
                    }
                }
                at += 4 + l;
            }
            auth_pages++;
            auth_hits += ahit > 0;
        }
        rec = etext != NULL ? line_recall(m.text, etext, strlen(etext)) : -1.0;
        if (rec >= 0) {
            with_text++;
            recall_sum += rec;
            text_ok += rec >= 0.8;
        }
        snprintf(flags, sizeof flags, "%c%c%c%c%c%c%c%c%c%c", m.title ? 't' : '.',
                 m.canonical_url ? 'c' : '.', m.published ? 'p' : '.', m.modified ? 'm' : '.',
                 m.language ? 'l' : '.', m.description ? 'd' : '.', m.section ? 's' : '.',
                 m.publisher ? 'P' : '.', m.n_authors ? 'a' : '.', m.n_keywords ? 'k' : '.');
        {
            char ab[48], tb[48], rb[16];
            snprintf(ab, sizeof ab, "%zu/%zu", ahit, an);
            snprintf(tb, sizeof tb, "%zu/%zu", m.text ? strlen(m.text) : 0,
                     etext ? strlen(etext) : 0);
            if (rec >= 0) {
                snprintf(rb, sizeof rb, "%.2f", rec);
            } else {
                snprintf(rb, sizeof rb, "-");
            }
            print_message("%-24.24s %-10s %-5s %-5s %-7s %13s %-6s %s\n", base, flags,
                          tmatch ? "=" : "DIFF", dmatch < 0 ? "-" : dmatch ? "=" : "DIFF", ab,
                          tb, rb, m.charset);
        }
        if (!tmatch) {
            print_message("    title ours: %s\n    title n4k:  %s\n", m.title ? m.title : "(none)",
                          etitle ? etitle : "(none)");
        }
        pages++;
        title_ok += (size_t)tmatch;
        quire__html_meta_free(&m, &g_a);
        free(file);
        free(etitle);
        free(edate);
        free(etext);
        free(html);
        quire__jobject_free(&o);
        quire__jobject_free(&x);
        line = nl != NULL ? nl + 1 : NULL;
    }
    free(jl);
    print_message("corpus: %zu pages; titles %zu/%zu equal (normalized); dates %zu/%zu same day; "
                  "authors %zu/%zu pages share one; text %zu/%zu pages with >= 80%% of "
                  "newspaper4k's lines (mean %.2f)\n",
                  pages, title_ok, pages, date_ok, dated, auth_hits, auth_pages, text_ok,
                  with_text, with_text ? recall_sum / (double)with_text : 0.0);
    assert_true(pages >= 10);
    assert_true(title_ok * 4 >= pages * 3); /* most pages: at least three quarters */
    assert_true(date_ok * 4 >= dated * 3);
    assert_true(text_ok * 4 >= with_text * 3);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_precedence_jsonld),
        cmocka_unit_test(test_precedence_og),
        cmocka_unit_test(test_precedence_meta),
        cmocka_unit_test(test_jsonld_graph),
        cmocka_unit_test(test_jsonld_arrays_and_blocks),
        cmocka_unit_test(test_authors),
        cmocka_unit_test(test_times),
        cmocka_unit_test(test_time_fallback),
        cmocka_unit_test(test_languages),
        cmocka_unit_test(test_charset_latin1),
        cmocka_unit_test(test_charset_1251),
        cmocka_unit_test(test_charset_other),
        cmocka_unit_test(test_charset_prescan),
        cmocka_unit_test(test_text_choice),
        cmocka_unit_test(test_text_article_body),
        cmocka_unit_test(test_text_br_and_divs),
        cmocka_unit_test(test_empty),
        cmocka_unit_test(test_nul_and_controls),
        cmocka_unit_test(test_broken_markup),
        cmocka_unit_test(test_huge_attribute),
        cmocka_unit_test(test_deep_and_many),
        cmocka_unit_test(test_many_attributes),
        cmocka_unit_test(test_text_limit),
        cmocka_unit_test(test_tag_cap),
        cmocka_unit_test(test_attr_cap),
        cmocka_unit_test(test_nomem),
        cmocka_unit_test(test_silent),
        cmocka_unit_test(test_corpus_newspaper4k),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
