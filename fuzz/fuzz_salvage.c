/* fuzz_salvage.c - salvage of arbitrary bytes into an in-memory writer.
 *
 * Oracles:
 *  - salvage never fails on its input: the only result is QUIRE_OK;
 *  - a salvaged archive is always valid: the output passes a full
 *    verification (every record digest and publisher signature, no keys);
 *  - the output holds exactly rep.recovered articles, the RECOVERED runs
 *    add up to rep.recovered and map output numbers 0, 1, 2, ... in order;
 *    the LOST items add up to rep.lost; recovered + lost == total; with an
 *    index, total covers it; every item is well formed;
 *  - differential: the articles of an input that itself verifies as valid
 *    are all recovered, checked against its index, and come first in the
 *    output with the same digests; without a torn tail nothing is lost, the
 *    count is known and the output has the input's Merkle root. Not in
 *    fuzzing builds, whose verifier ignores digests that salvage compares.
 *
 * Seeds (fuzz/corpus/salvage/): small archives packed from tests/data with
 * 1 KiB blocks (stored and zlib, with and without a dictionary), and damaged
 * variants of them: truncated at several points, a flipped byte in a block,
 * the index or the trailer, garbage inserted between frames, the header
 * overwritten, a block duplicated, a range deleted. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "quire.h"

#include "fuzz_util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

typedef struct ictx {
    size_t size;
    uint64_t recovered, lost, next_out;
} ictx;

static int
on_item(void *ctx, const quire_salvage_item *it)
{
    ictx *c = (ictx *)ctx;
    if (it->message == NULL || it->what == NULL) {
        abort();
    }
    switch (it->kind) {
    case QUIRE_SALVAGE_DAMAGE:
        if (it->code >= 0 || it->length == 0 || it->offset > c->size ||
            it->length > c->size - it->offset) {
            abort();
        }
        break;
    case QUIRE_SALVAGE_RECOVERED:
        if (it->code != QUIRE_OK || it->count == 0 || it->out_article != c->next_out ||
            it->offset >= c->size) {
            abort();
        }
        c->next_out += it->count;
        c->recovered += it->count;
        break;
    case QUIRE_SALVAGE_LOST:
        if (it->code >= 0 || it->count == 0 || (it->digest != NULL && it->count != 1)) {
            abort();
        }
        c->lost += it->count;
        break;
    case QUIRE_SALVAGE_NOTE: break;
    default: abort();
    }
    return 0;
}

/* verification of the output: only the summary matters */
static int
on_finding(void *ctx, const quire_finding *f)
{
    (void)ctx;
    (void)f;
    return 0;
}

/* The input verified as valid: its articles are all recovered and checked
 * against its index, unchanged and first in the output. Without a torn
 * tail (3.6) nothing else is there: nothing lost, the count known, the
 * same Merkle root. */
static void
differential(const uint8_t *data, size_t size, const fz_out *o, const quire_salvage_report *rep,
             const quire_verify_summary *in_sum, const quire_verify_summary *out_sum)
{
    quire_reader *ri = NULL, *ro = NULL;
    uint64_t n = 0, torn = 0, i;
    if (quire_reader_new(&ri, NULL) != 0 || quire_reader_new(&ro, NULL) != 0 ||
        quire_reader_open_memory(ri, data, size, NULL) != 0 ||
        quire_reader_open_memory(ro, o->p, o->len, NULL) != 0 ||
        quire_reader_stat(ri, QUIRE_STAT_ARTICLES, &n) != 0 || n != in_sum->articles) {
        abort();
    }
#ifdef QUIRE_STAT_TORN_TAIL
    if (quire_reader_stat(ri, QUIRE_STAT_TORN_TAIL, &torn) != 0) {
        abort();
    }
#endif
    if (rep->recovered < n || rep->verified < n) {
        abort();
    }
    for (i = 0; i < n; i++) {
        uint8_t a[32], b[32];
        if (quire_reader_get_digest(ri, i, a) != 0 || quire_reader_get_digest(ro, i, b) != 0 ||
            memcmp(a, b, 32) != 0) {
            abort();
        }
    }
    if (torn == 0 && (rep->lost != 0 || !rep->total_known || rep->recovered != n ||
                      rep->verified != n || memcmp(out_sum->root, in_sum->root, 32) != 0)) {
        abort();
    }
    quire_reader_free(ri);
    quire_reader_free(ro);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    quire_writer *w = NULL;
    quire_verifier *v = NULL;
    quire_salvage_report rep;
    quire_verify_summary in_sum, out_sum;
    quire_diag d;
    fz_out o;
    ictx c;
    int e, in_valid;
    if (size > (1u << 20)) {
        return 0;
    }
    memset(&o, 0, sizeof o);
    memset(&c, 0, sizeof c);
    c.size = size;
    if (quire_verifier_new(&v, NULL) != 0 || quire_writer_new(&w, NULL) != 0 ||
        quire_writer_set_option(w, QUIRE_OPT_LEVEL, 1) != 0 ||
        quire_writer_open(w, fz_out_write, &o, NULL) != 0) {
        abort();
    }
    memset(&d, 0, sizeof d);
    e = quire_salvage(data, size, "fuzz", w, on_item, &c, &rep, &d);
    if (e != QUIRE_OK) {
        abort();
    }
    if (quire_writer_finish(w, NULL) != QUIRE_OK) {
        abort();
    }
    quire_writer_free(w);

    /* the counts add up */
    if (rep.recovered + rep.lost != rep.total || c.recovered != rep.recovered ||
        c.lost != rep.lost || rep.verified > rep.recovered || rep.source_bytes != size ||
        (rep.has_index && rep.total < rep.index_articles) || rep.comment_len == 0 ||
        rep.comment_len > 1024 || strlen(rep.comment) != rep.comment_len) {
        abort();
    }

    /* a salvaged archive is always valid */
    if (quire_verifier_run_memory(v, o.p, o.len, on_finding, NULL, &out_sum) != QUIRE_OK ||
        out_sum.articles != rep.recovered || out_sum.checked != rep.recovered) {
        abort();
    }

    /* differential: a valid input loses nothing */
    in_valid = quire_verifier_run_memory(v, data, size, on_finding, NULL, &in_sum) == QUIRE_OK;
    if (in_valid && !quire_is_fuzzing_build()) {
        differential(data, size, &o, &rep, &in_sum, &out_sum);
    }
    quire_verifier_free(v);
    free(o.p);
    return 0;
}
