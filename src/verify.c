/* verify.c - the validator: structure, index, seal, signatures, and (by
 * default) every record digest and publisher signature (spec 11, 12 and
 * spec/REPORT.md). Every finding goes to the caller's callback as it is
 * found; memory is bounded by the index and one block. */
#define _DEFAULT_SOURCE
#include <pthread.h>
#include <stdatomic.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sys/mman.h>
#include <unistd.h>

#include <sodium.h>

#include "internal.h"

#define MAX_ROLES 16

#define QUIRE__VERIFY_MAX_THREADS 64

struct quire_verifier {
    quire__allocator a;
    int threads;
    quire_alloc pub_alloc;
    int have_alloc;
    const quire_keyring *kr;
    int fast, strict;
    uint64_t min_sigs;
    struct {
        int role;
        char name[QUIRE__ROLE_NAME_MAX + 1];
    } roles[MAX_ROLES];
    size_t n_roles;
    quire_progress_fn progress;
    void *progress_ctx;
};

/* one run */
typedef struct run {
    quire_verifier *v;
    quire_finding_fn fn;
    void *ctx;
    quire_verify_summary *sum;
    int first_error;
    int stop;
    char msg[512];
    /* every SEAL frame met by the frame walk, for the checkpoint chain */
    uint64_t *seals;
    size_t n_seals, cap_seals;
    /* URL and date table entries the records call for [13.3] */
    uint64_t url_entries, date_entries;
    uint64_t url_sum[2], date_sum[2];
    /* a paged index's URL and date tables are compared with the records as
     * multisets: sums of SipHash-2-4 (128-bit) of each (key, article) pair
     * under a key drawn for each run, so that no archive can be made to
     * collide [7.4, 7.5, 13.3]; per run, so one verifier may run twice at
     * once */
    uint8_t sum_key[16];
    /* a paged index: its walk's results [7] */
    int walked; /* 1 when every rule held */
    uint8_t ix_digest[32], ix_root[32];
    uint64_t tab_url[2], tab_date[2];
    /* the walk, when it runs beside the first round of blocks: the checks
     * that report before the blocks run once it is done (prelude) */
    struct walker *walker;
} run;

/* A paged index's walk on a thread of its own, through its own reader. */
typedef struct walker {
    run *R;
    quire_reader *r;
    pthread_t tid;
    int e;
    quire_diag d;
} walker;

/* see quire.h */
int
quire_verifier_new(quire_verifier **out, const quire_alloc *alloc)
{
    quire__allocator al;
    quire_verifier *v;
    if (out == NULL) {
        return QUIRE_E_ARG;
    }
    *out = NULL;
    quire__allocator_from(&al, alloc);
    v = (quire_verifier *)quire__malloc(&al, sizeof *v);
    if (v == NULL) {
        return QUIRE_E_NOMEM;
    }
    memset(v, 0, sizeof *v);
    v->a = al;
    v->threads = 1;
    if (alloc != NULL) {
        v->pub_alloc = *alloc;
        v->have_alloc = 1;
    }
    *out = v;
    return QUIRE_OK;
}

/* see quire.h */
void
quire_verifier_free(quire_verifier *v)
{
    if (v != NULL) {
        quire__free(&v->a, v);
    }
}

/* see quire.h */
int
quire_verifier_set_keyring(quire_verifier *v, const quire_keyring *kr)
{
    if (v == NULL) {
        return QUIRE_E_ARG;
    }
    v->kr = kr;
    return QUIRE_OK;
}

/* see quire.h */
int
quire_verifier_set_option(quire_verifier *v, int option, int64_t value)
{
    if (v == NULL || value < 0) {
        return QUIRE_E_ARG;
    }
    switch (option) {
    case QUIRE_VERIFY_FAST: v->fast = value != 0; return QUIRE_OK;
    case QUIRE_VERIFY_STRICT: v->strict = value != 0; return QUIRE_OK;
    case QUIRE_VERIFY_THREADS:
        if (value < 1 || value > QUIRE__VERIFY_MAX_THREADS) {
            return QUIRE_E_ARG;
        }
        v->threads = (int)value;
        return QUIRE_OK;
    case QUIRE_VERIFY_MIN_SIGNATURES:
        if (value > QUIRE__SIG_MAX) {
            return QUIRE_E_ARG;
        }
        v->min_sigs = (uint64_t)value;
        return QUIRE_OK;
    default: return QUIRE_E_ARG;
    }
}

/* see quire.h */
int
quire_verifier_set_progress(quire_verifier *v, quire_progress_fn fn, void *ctx)
{
    if (v == NULL) {
        return QUIRE_E_ARG;
    }
    v->progress = fn;
    v->progress_ctx = ctx;
    return QUIRE_OK;
}

/* see quire.h */
int
quire_verifier_require_role(quire_verifier *v, int role, const char *name)
{
    size_t n = name != NULL ? strlen(name) : 0;
    if (v == NULL || role < QUIRE_ROLE_ARCHIVIST || role > QUIRE_ROLE_NAMED ||
        (role == QUIRE_ROLE_NAMED && (n == 0 || n > QUIRE__ROLE_NAME_MAX))) {
        return QUIRE_E_ARG;
    }
    if (v->n_roles == MAX_ROLES) {
        return QUIRE_E_LIMIT;
    }
    v->roles[v->n_roles].role = role;
    if (role == QUIRE_ROLE_NAMED) {
        memcpy(v->roles[v->n_roles].name, name, n + 1);
    } else {
        v->roles[v->n_roles].name[0] = '\0';
    }
    v->n_roles++;
    return QUIRE_OK;
}

/* ---- reporting ---- */

static void
emit(run *R, int code, int severity, uint64_t offset, int64_t frame, int64_t article,
     const char *what, const quire_signer *signer, const char *fmt, ...)
    __attribute__((format(printf, 9, 10)));

#include <stdarg.h>

static void
emit(run *R, int code, int severity, uint64_t offset, int64_t frame, int64_t article,
     const char *what, const quire_signer *signer, const char *fmt, ...)
{
    quire_finding f;
    va_list ap;
    if (severity == QUIRE_SEV_WARNING && R->v->strict) {
        severity = QUIRE_SEV_ERROR;
    }
    if (severity == QUIRE_SEV_ERROR) {
        R->sum->errors++;
        if (R->first_error == 0) {
            R->first_error = code != 0 ? code : QUIRE_E_UNSIGNED;
        }
    } else if (severity == QUIRE_SEV_WARNING) {
        R->sum->warnings++;
    }
    if (R->stop || R->fn == NULL) {
        return;
    }
    va_start(ap, fmt);
    vsnprintf(R->msg, sizeof R->msg, fmt, ap);
    va_end(ap);
    f.code = code;
    f.severity = severity;
    f.offset = offset;
    f.frame = frame;
    f.article = article;
    f.what = what;
    f.message = R->msg;
    f.signer = signer;
    if (R->fn(R->ctx, &f) != 0) {
        R->stop = 1;
    }
}

static void
emit_diag(run *R, const quire_diag *d, int64_t frame, const char *prefix)
{
    emit(R, d->code, QUIRE_SEV_ERROR, d->offset, frame, d->article, d->what, NULL, "%s%s%s%s%s",
         prefix, quire_strerror(d->code), d->detail != NULL ? " (" : "",
         d->detail != NULL ? d->detail : "", d->detail != NULL ? ")" : "");
}

/* ---- structure: walk every frame [3.5] ---- */

#define WALK_CRC_STEP ((size_t)1 << 20)

/* The CRC-32 of the n bytes at off of a mapped archive, in steps whose
 * pages go back to the kernel as soon as they are summed. */
static uint32_t
crc_in_steps(const quire_reader *r, uint64_t off, size_t n)
{
    uint32_t crc = 0;
    size_t done = 0;
    while (done < n) {
        size_t k = n - done < WALK_CRC_STEP ? n - done : WALK_CRC_STEP;
        crc = quire__crc32(crc, r->buf + off + done, k);
        quire__reader_release(r, off + done, k);
        done += k;
    }
    return crc;
}

static void
walk_frames(run *R, quire_reader *r)
{
    uint64_t off = QUIRE__HEADER_LEN, next_block = 0;
    int seen_block = 0, seen_index = 0;
    quire__limits lim = r->lim;
    while (off < r->len && !R->stop) {
        quire__cur c;
        quire__frame f;
        uint64_t flen;
        uint32_t type, len;
        int crc_later, crc_steps;
        quire__cur_init(&c, r->buf + off, r->len - off, off);
        if (r->len - off < QUIRE__FRAME_OVERHEAD) {
            emit(R, QUIRE_E_TRUNCATED, QUIRE_SEV_ERROR, off, (int64_t)off, -1, "frame header",
                 NULL, "%llu bytes after the last frame are not a frame",
                 (unsigned long long)(r->len - off));
            return;
        }
        type = quire__ld32(r->buf + off);
        len = quire__ld32(r->buf + off + 8);
        flen = (uint64_t)len + QUIRE__FRAME_OVERHEAD;
        /* the CRC of a block the index names here is checked when the block
         * is read for its records, by the worker threads (unless --fast) */
        crc_later = 0;
        if (type == QUIRE__FT_BLOK && !R->v->fast && next_block < r->rx.lo.n_blocks) {
            quire__iblock nb;
            crc_later = quire__rx_block(r, next_block, &nb, NULL) == 0 &&
                        nb.frame_offset == off && nb.frame_size == flen;
        }
        /* a big frame (an index) is summed here step by step, each step's
         * pages given back at once, rather than all resident at once */
        crc_steps = !crc_later && r->map != NULL && flen > WALK_CRC_STEP && flen <= r->len - off;
        if (quire__frame_decode_ex(&c, &lim, &f, !crc_later && !crc_steps) != 0) {
            quire_diag d;
            quire__fail_cur(&d, &c, -1);
            emit_diag(R, &d, (int64_t)off, "");
            /* a CRC failure leaves the framing intact: go on after it */
            if (c.err != QUIRE_E_CRC) {
                emit(R, c.err, QUIRE_SEV_ERROR, off, (int64_t)off, -1, "frame walk", NULL,
                     "cannot find the next frame; the rest of the file is not checked "
                     "frame by frame");
                return;
            }
        }
        if (crc_steps && c.err == 0 && !QUIRE__FUZZING &&
            crc_in_steps(r, off, QUIRE__FRAME_HEAD + (size_t)len) != f.crc) {
            emit(R, QUIRE_E_CRC, QUIRE_SEV_ERROR, off + QUIRE__FRAME_HEAD + len, (int64_t)off, -1,
                 "frame CRC-32", NULL, "%s", quire_strerror(QUIRE_E_CRC));
        }
        switch (type) {
        case QUIRE__FT_DICT:
            if (seen_block || off != r->tr.dict_offset) {
                emit(R, QUIRE_E_FRAME, QUIRE_SEV_ERROR, off, (int64_t)off, -1, "frame order",
                     NULL, "dictionary frame out of place");
            }
            break;
        case QUIRE__FT_BLOK: {
            quire__iblock b;
            seen_block = 1;
            if (flen <= r->len - off) {
                quire__reader_release(r, off, flen); /* CRC checked; inflated later */
            }
            memset(&b, 0, sizeof b);
            if (next_block < r->rx.lo.n_blocks &&
                quire__rx_block(r, next_block, &b, NULL) != 0) { /* reported by the index walk */
                memset(&b, 0, sizeof b);
            }
            if (next_block >= r->rx.lo.n_blocks || b.frame_offset != off || b.frame_size != flen) {
                emit(R, QUIRE_E_INDEX, QUIRE_SEV_ERROR, off, (int64_t)off, -1, "block frame",
                     NULL, "block frame not in the index at this place");
            } else {
                next_block++;
            }
            break;
        }
        case QUIRE__FT_INDX:
            /* an index before the current one belongs to an earlier
             * checkpoint; the trailer names the current one [3.6] */
            seen_index = 1;
            if (flen <= r->len - off) {
                quire__reader_release(r, off, flen); /* the reader holds it inflated */
            }
            break;
        case QUIRE__FT_SEAL:
            if (R->n_seals == R->cap_seals) {
                size_t cap = R->cap_seals != 0 ? R->cap_seals * 2 : 16;
                uint64_t *ns = (uint64_t *)quire__realloc(&R->v->a, R->seals,
                                                          R->n_seals * sizeof *ns,
                                                          cap * sizeof *ns);
                if (ns == NULL) {
                    emit(R, QUIRE_E_NOMEM, QUIRE_SEV_ERROR, off, (int64_t)off, -1, "seal", NULL,
                         "out of memory");
                    return;
                }
                R->seals = ns;
                R->cap_seals = cap;
            }
            R->seals[R->n_seals++] = off;
            break;
        case QUIRE__FT_TRLR:
            /* an earlier trailer was superseded by frames appended after it
             * (a co-signature, a later checkpoint) [3.6] */
            break;
        case QUIRE__FT_DDUP: {
            /* a hint for appends [5.6]: a bad one costs only deduplication */
            quire__cur p;
            uint64_t n = 0;
            if (c.err != 0) {
                break;
            }
            quire__cur_init(&p, f.payload, f.len, off + QUIRE__FRAME_HEAD);
            if (quire__ddup_decode(&p, &n, NULL) != 0) {
                emit(R, p.err, QUIRE_SEV_WARNING, p.err_off, (int64_t)off, -1, p.err_what, NULL,
                     "part digest frame (dDUP) malformed: later appends will not deduplicate "
                     "against it");
            }
            break;
        }
        default:
            if (QUIRE__FT_IS_ANCILLARY(type)) {
                char nm[5];
                quire__frame_type_name(type, nm);
                emit(R, QUIRE_OK, QUIRE_SEV_INFO, off, (int64_t)off, -1, "frame type", NULL,
                     "unknown ancillary frame '%s' skipped", nm);
            } else {
                emit(R, QUIRE_E_CRITICAL, QUIRE_SEV_ERROR, off, (int64_t)off, -1, "frame type",
                     NULL, "unknown critical frame");
            }
        }
        if (flen > r->len - off) {
            return;
        }
        off += flen;
    }
    if (next_block != r->rx.lo.n_blocks) {
        emit(R, QUIRE_E_INDEX, QUIRE_SEV_ERROR, r->tr.index_offset, (int64_t)r->tr.index_offset,
             -1, "index block table", NULL, "%llu indexed blocks were not found in the file",
             (unsigned long long)(r->rx.lo.n_blocks - next_block));
    }
    (void)seen_index;
}

/* ---- seal [11] ---- */

static int
seen_has(uint8_t (*seen)[32], size_t n, const uint8_t *pk)
{
    size_t i;
    for (i = 0; i < n; i++) {
        if (memcmp(seen[i], pk, 32) == 0) {
            return 1;
        }
    }
    return 0;
}

static void
check_seal(run *R, quire_reader *r)
{
    quire_verify_summary *S = R->sum;
    quire__statement *st = &r->st;
    uint8_t dg[32];
    uint64_t i;
    quire__cur c;
    quire__buf msg;
    size_t k;
    int role_ok[MAX_ROLES];
    char hx[65];
    /* distinct keys: valid ones, then trusted ones (2 x 256 x 32 bytes) */
    uint8_t (*seen)[32] = NULL;
    size_t n_seen = 0, n_seen_trusted = 0;
    int64_t sf = (int64_t)r->seal_offset;
    uint64_t so = r->seal_offset + QUIRE__FRAME_HEAD + 4; /* statement start */

    /* the Merkle root over the index's record digests [11.1]; a paged
     * index's came with its walk, and when the walk failed there is none */
    if (quire__rx_paged(r)) {
        memcpy(S->root, R->ix_root, 32);
    } else if (quire__merkle_root_mt(r->ix.articles, QUIRE__ARTICLE_ENTRY, r->rx.lo.n_articles,
                                     R->v->threads, S->root) != 0) {
        emit(R, QUIRE_E_NOMEM, QUIRE_SEV_ERROR, 0, -1, -1, "Merkle tree", NULL, "out of memory");
        return;
    }
    memcpy(S->archive_id, r->rx.archive_id, 16);
    S->tree_size = r->rx.lo.n_articles;
    if (!r->has_seal) {
        int needed = (R->v->kr != NULL && quire_keyring_count(R->v->kr) > 0) ||
                     R->v->min_sigs > 0 || R->v->n_roles > 0;
        emit(R, QUIRE_E_UNSIGNED, needed ? QUIRE_SEV_ERROR : QUIRE_SEV_WARNING,
             r->len - QUIRE__TRAILER_FRAME, -1, -1, "seal", NULL,
             "the archive has no seal: nothing vouches for its content");
        return;
    }
    S->sealed = 1;
    S->checkpoint = st->checkpoint;
    S->created = st->created;
    if (memcmp(st->archive_id, r->rx.archive_id, 16) != 0) {
        quire__hex(hx, st->archive_id, 16);
        emit(R, QUIRE_E_ARCHIVE_ID, QUIRE_SEV_ERROR, so + 16, sf, -1, "statement archive id",
             NULL, "the seal was made for archive %s, not this one", hx);
    }
    if (st->tree_size != r->rx.lo.n_articles) {
        emit(R, QUIRE_E_STATEMENT, QUIRE_SEV_ERROR, so + 40, sf, -1, "statement tree size", NULL,
             "the seal covers %llu articles, the index holds %llu",
             (unsigned long long)st->tree_size, (unsigned long long)r->rx.lo.n_articles);
    }
    if (st->checkpoint != r->tr.checkpoint) {
        emit(R, QUIRE_E_STATEMENT, QUIRE_SEV_ERROR, so + 32, sf, -1, "statement checkpoint",
             NULL, "the seal is for checkpoint %llu, the trailer for %llu",
             (unsigned long long)st->checkpoint, (unsigned long long)r->tr.checkpoint);
    }
    if (quire__rx_paged(r)) {
        memcpy(dg, R->ix_digest, 32);
    } else if (quire__blake2b256(dg, r->index_raw, r->index_raw_len) != 0) {
        memcpy(dg, st->index_digest, 32); /* out of memory: not a finding */
    }
    if ((!quire__rx_paged(r) || R->walked) && sodium_memcmp(dg, st->index_digest, 32) != 0) {
        emit(R, QUIRE_E_STATEMENT, QUIRE_SEV_ERROR, so + 112, sf, -1, "statement index digest",
             NULL, "the index differs from the one the seal names");
    }
    if ((r->dict != NULL) != ((st->flags & QUIRE__STMT_F_DICT) != 0) ||
        (r->dict != NULL && quire__blake2b256(dg, r->dict, r->dict_len) == 0 &&
         sodium_memcmp(dg, st->dict_digest, 32) != 0)) {
        emit(R, QUIRE_E_STATEMENT, QUIRE_SEV_ERROR, so + 144, sf, -1,
             "statement dictionary digest", NULL,
             "the preset dictionary differs from the one the seal names");
    }
    if ((!quire__rx_paged(r) || R->walked) && sodium_memcmp(S->root, st->root, 32) != 0) {
        emit(R, QUIRE_E_ROOT, QUIRE_SEV_ERROR, so + 48, sf, -1, "statement root", NULL,
             "the Merkle root of the articles differs from the sealed root");
    }

    /* signatures */
    seen = (uint8_t (*)[32])quire__malloc(&R->v->a, 2 * QUIRE__SIG_MAX * 32);
    memset(role_ok, 0, sizeof role_ok);
    quire__buf_init(&msg, &R->v->a, 8192);
    quire__cur_init(&c, r->sigs, r->sigs_len, (uint64_t)(r->sigs - r->buf));
    S->signatures = r->n_sigs;
    for (k = 0; k < r->n_sigs; k++) {
        quire__sigentry e;
        quire__sigcheck sc;
        char line[256];
        uint64_t eo = quire__cur_pos(&c);
        if (quire__seal_next_sig(&c, &e) != 0) {
            break; /* checked at open */
        }
        quire__sig_check(&sc, &e, k, r->stmt, r->stmt_len, R->v->kr, &msg);
        if (sc.err != 0) {
            emit(R, sc.err, QUIRE_SEV_ERROR, eo, sf, -1, "seal signature", &sc.sg,
                 "signature %zu (%s, key %s) not checked: out of memory", k, sc.sg.role_name,
                 sc.kid);
            continue;
        }
        if (!sc.sg.valid) {
            emit(R, QUIRE_E_SIG, QUIRE_SEV_ERROR, eo, sf, -1, "seal signature", &sc.sg,
                 "signature %zu (%s, key %s) does not verify", k, sc.sg.role_name, sc.kid);
            continue;
        }
        /* a key counts once, however many entries it signed */
        if (seen != NULL && !seen_has(seen, n_seen, e.pk)) {
            memcpy(seen[n_seen++], e.pk, 32);
            S->valid_signatures++;
        }
        if (sc.sg.trusted && seen != NULL &&
            !seen_has(seen + QUIRE__SIG_MAX, n_seen_trusted, e.pk)) {
            memcpy(seen[QUIRE__SIG_MAX + n_seen_trusted++], e.pk, 32);
            S->trusted_signatures++;
        }
        quire__sig_describe(&sc, k, line, sizeof line);
        emit(R, QUIRE_OK, QUIRE_SEV_INFO, eo, sf, -1, "seal signature", &sc.sg, "%s", line);
        for (i = 0; i < R->v->n_roles; i++) {
            if ((sc.sg.trusted || R->v->kr == NULL) &&
                quire__role_matches(e.role, e.name, e.name_len, R->v->roles[i].role,
                                    R->v->roles[i].name)) {
                role_ok[i] = 1;
            }
        }
        if (sc.impostor) {
            emit(R, QUIRE_E_UNTRUSTED, QUIRE_SEV_ERROR, eo, sf, -1, "seal signature", &sc.sg,
                 "signature %zu uses key id %s of a trusted key, but not its key", k, sc.kid);
        }
    }
    quire__buf_free(&msg);
    quire__free(&R->v->a, seen);
    if (seen == NULL) {
        emit(R, QUIRE_E_NOMEM, QUIRE_SEV_ERROR, r->seal_offset, sf, -1, "seal", NULL,
             "out of memory");
    }

    /* policy */
    if (R->v->kr != NULL && quire_keyring_count(R->v->kr) > 0) {
        uint64_t need = R->v->min_sigs > 0 ? R->v->min_sigs : 1;
        if (S->trusted_signatures < need) {
            /* no signature at all is "unsigned"; signatures by other keys
             * are "untrusted" */
            emit(R, r->n_sigs == 0 ? QUIRE_E_UNSIGNED : QUIRE_E_UNTRUSTED, QUIRE_SEV_ERROR, r->seal_offset, sf, -1, "seal", NULL,
                 "%zu valid trusted signature%s, %llu required", S->trusted_signatures,
                 S->trusted_signatures == 1 ? "" : "s", (unsigned long long)need);
        }
    } else {
        if (R->v->min_sigs > S->valid_signatures) {
            emit(R, QUIRE_E_UNSIGNED, QUIRE_SEV_ERROR, r->seal_offset, sf, -1, "seal", NULL,
                 "%zu valid signature%s, %llu required", S->valid_signatures,
                 S->valid_signatures == 1 ? "" : "s", (unsigned long long)R->v->min_sigs);
        }
        if (S->valid_signatures > 0) {
            emit(R, QUIRE_E_UNTRUSTED, QUIRE_SEV_WARNING, r->seal_offset, sf, -1, "seal", NULL,
                 "no trusted keys given: the signatures are untrusted (use -p, -P or --keyring)");
        } else if (R->v->min_sigs == 0 && r->n_sigs == 0) {
            emit(R, QUIRE_OK, QUIRE_SEV_INFO, r->seal_offset, sf, -1, "seal", NULL,
                 "the seal has no signatures: integrity only");
        }
    }
    for (i = 0; i < R->v->n_roles; i++) {
        if (!role_ok[i]) {
            emit(R, QUIRE_E_ROLE, QUIRE_SEV_ERROR, r->seal_offset, sf, -1, "seal", NULL,
                 "no valid %ssignature in role %s", R->v->kr != NULL ? "trusted " : "",
                 R->v->roles[i].role == QUIRE_ROLE_NAMED ? R->v->roles[i].name
                                                         : quire_role_name(R->v->roles[i].role));
        }
    }
}


/* ---- the checkpoint chain [11.3] ---- */

typedef struct chain_link {
    uint64_t offset;      /* SEAL frame */
    quire__statement st;
    uint64_t prev_size;   /* its stored consistency proof [11.3] */
    const uint8_t *cpath;
    size_t n_cpath;
    uint8_t digest[32];   /* of the statement bytes */
    uint8_t root[32];     /* computed from the current index's first tree_size leaves */
} chain_link;

static int
cmp_link_size(const void *x, const void *y)
{
    const chain_link *a = (const chain_link *)x, *b = (const chain_link *)y;
    return a->st.tree_size < b->st.tree_size ? -1 : a->st.tree_size > b->st.tree_size;
}

static void
check_chain(run *R, quire_reader *r)
{
    chain_link *L;
    size_t n = 0, i, j;
    quire__merkle m;
    uint64_t leaf = 0;
    const quire__statement *cur;
    uint8_t want[32];
    uint64_t cur_off, cur_prev_size;
    const uint8_t *cur_path;
    size_t cur_n_path;
    int have_want;
    if (!r->has_seal || !(r->st.flags & QUIRE__STMT_F_PREV)) {
        return;
    }
    L = (chain_link *)quire__malloc(&R->v->a, (R->n_seals + 1) * sizeof *L);
    if (L == NULL) {
        emit(R, QUIRE_E_NOMEM, QUIRE_SEV_ERROR, 0, -1, -1, "checkpoint chain", NULL,
             "out of memory");
        return;
    }
    /* decode every earlier seal's statement */
    for (i = 0; i < R->n_seals; i++) {
        quire__cur c;
        quire__frame f;
        const uint8_t *stmt;
        size_t stmt_len, ns;
        quire_diag d;
        if (R->seals[i] >= r->seal_offset) {
            continue;
        }
        if (quire__reader_frame_at(r, R->seals[i], r->len, &f, &d, -1, "seal frame") != 0) {
            continue; /* reported by the frame walk */
        }
        quire__cur_init(&c, f.payload, f.len, R->seals[i] + QUIRE__FRAME_HEAD);
        if (quire__seal_decode_head(&c, &stmt, &stmt_len, &L[n].st, &ns) != 0) {
            emit(R, c.err, QUIRE_SEV_ERROR, c.err_off, (int64_t)R->seals[i], -1, c.err_what, NULL,
                 "an earlier seal is malformed");
            continue;
        }
        {
            size_t k;
            quire__sigentry se;
            for (k = 0; k < ns && quire__seal_next_sig(&c, &se) == 0; k++) {
            }
            if (k != ns || quire__seal_decode_tail(&c, &L[n].st, &L[n].prev_size, &L[n].cpath,
                                                   &L[n].n_cpath) != 0) {
                emit(R, c.err != 0 ? c.err : QUIRE_E_SEAL, QUIRE_SEV_ERROR, c.err_off,
                     (int64_t)R->seals[i], -1, "seal", NULL, "an earlier seal is malformed");
                continue;
            }
        }
        L[n].offset = R->seals[i];
        L[n].st.comment = NULL; /* not needed, and points into the file */
        if (quire__blake2b256(L[n].digest, stmt, stmt_len) != 0) {
            continue;
        }
        n++;
    }
    /* the roots of the current index's prefixes, in one pass */
    qsort(L, n, sizeof *L, cmp_link_size);
    quire__merkle_init(&m);
    for (i = 0; i < n; i++) {
        while (leaf < L[i].st.tree_size && leaf < r->rx.lo.n_articles) {
            uint8_t dg[32];
            if (quire__rx_digest(r, leaf, dg, NULL) != 0 || quire__merkle_add(&m, dg) != 0) {
                break;
            }
            leaf++;
        }
        if (leaf == L[i].st.tree_size) {
            quire__merkle_root(&m, L[i].root);
        } else {
            memset(L[i].root, 0, 32); /* larger than the archive: cannot match */
        }
    }
    /* walk back from the latest statement */
    cur = &r->st;
    cur_off = r->seal_offset;
    cur_prev_size = r->prev_size;
    cur_path = r->cpath;
    cur_n_path = r->n_cpath;
    memcpy(want, r->st.prev, 32);
    have_want = 1;
    while (have_want) {
        const chain_link *p = NULL;
        for (j = 0; j < n; j++) {
            if (sodium_memcmp(L[j].digest, want, 32) == 0) {
                p = &L[j];
                break;
            }
        }
        if (p == NULL) {
            emit(R, QUIRE_E_CHAIN, QUIRE_SEV_ERROR, cur_off, (int64_t)cur_off, -1,
                 "checkpoint chain", NULL,
                 "checkpoint %llu names a previous checkpoint that is not in the file",
                 (unsigned long long)cur->checkpoint);
            break;
        }
        if (p->st.checkpoint + 1 != cur->checkpoint ||
            memcmp(p->st.archive_id, cur->archive_id, 16) != 0 ||
            p->st.tree_size > cur->tree_size) {
            emit(R, QUIRE_E_CHAIN, QUIRE_SEV_ERROR, p->offset, (int64_t)p->offset, -1,
                 "checkpoint chain", NULL,
                 "checkpoint %llu does not precede checkpoint %llu of this archive",
                 (unsigned long long)p->st.checkpoint, (unsigned long long)cur->checkpoint);
            break;
        }
        if (sodium_memcmp(p->root, p->st.root, 32) != 0) {
            /* the earlier checkpoint's articles were changed, removed or
             * reordered since it was sealed: history rewritten */
            emit(R, QUIRE_E_CHAIN, QUIRE_SEV_ERROR, p->offset, (int64_t)p->offset, -1,
                 "checkpoint chain", NULL,
                 "the first %llu articles no longer match checkpoint %llu's root",
                 (unsigned long long)p->st.tree_size, (unsigned long long)p->st.checkpoint);
            break;
        }
        /* the stored consistency proof agrees with both roots [11.3] */
        if (cur_prev_size != p->st.tree_size ||
            (p->st.tree_size > 0 &&
             quire__merkle_consistency_verify(p->st.tree_size, cur->tree_size, p->st.root,
                                              cur->root, cur_path, cur_n_path) != 0)) {
            emit(R, QUIRE_E_CHAIN, QUIRE_SEV_ERROR, cur_off, (int64_t)cur_off, -1,
                 "consistency proof", NULL,
                 "checkpoint %llu's consistency proof from checkpoint %llu does not verify",
                 (unsigned long long)cur->checkpoint, (unsigned long long)p->st.checkpoint);
            break;
        }
        cur = &p->st;
        cur_off = p->offset;
        cur_prev_size = p->prev_size;
        cur_path = p->cpath;
        cur_n_path = p->n_cpath;
        have_want = (p->st.flags & QUIRE__STMT_F_PREV) != 0;
        memcpy(want, p->st.prev, 32);
    }
    quire__free(&R->v->a, L);
}

/* ---- every record [6, 11.5] ---- */

/* Findings of one block, kept until the blocks before it are reported:
 * blocks are checked in parallel but reported in order. */
typedef struct vitem {
    int code, sev;
    uint64_t off;
    int64_t frame, article;
    const char *what;
    char msg[224];
} vitem;

typedef struct bres {
    vitem *it;
    size_t n, cap;
    uint64_t checked, psigned, pvalid;
    uint64_t url_entries, date_entries; /* the index entries the records call for */
    uint64_t url_sum[2], date_sum[2];
    int nomem;
} bres;

static void bres_add(bres *b, const quire__allocator *a, int code, int sev, uint64_t off,
                     int64_t frame, int64_t art, const char *what, const char *fmt, ...)
    __attribute__((format(printf, 9, 10)));

static void
bres_add(bres *b, const quire__allocator *a, int code, int sev, uint64_t off, int64_t frame,
         int64_t art, const char *what, const char *fmt, ...)
{
    va_list ap;
    vitem *it;
    if (b->n == b->cap) {
        size_t cap = b->cap != 0 ? b->cap * 2 : 4;
        vitem *ni = (vitem *)quire__realloc(a, b->it, b->n * sizeof *ni, cap * sizeof *ni);
        if (ni == NULL) {
            b->nomem = 1;
            return;
        }
        b->it = ni;
        b->cap = cap;
    }
    it = &b->it[b->n++];
    it->code = code;
    it->sev = sev;
    it->off = off;
    it->frame = frame;
    it->article = art;
    it->what = what;
    va_start(ap, fmt);
    vsnprintf(it->msg, sizeof it->msg, fmt, ap);
    va_end(ap);
}

static void
bres_diag(bres *b, const quire__allocator *a, const quire_diag *d, int64_t frame, const char *pre)
{
    bres_add(b, a, d->code, QUIRE_SEV_ERROR, d->offset, frame, d->article, d->what, "%s%s%s%s%s",
             pre, quire_strerror(d->code), d->detail != NULL ? " (" : "",
             d->detail != NULL ? d->detail : "", d->detail != NULL ? ")" : "");
}

/* The URL and date table entries article n calls for are in the index
 * [7.4, 7.5, 13.3]; what the records call for is counted, and compared with
 * the tables' sizes once every block is read (so no entry is extra). */
static void
check_tables(const quire_verifier *v, const uint8_t *key, quire_reader *r, quire_article *a,
             uint64_t n,
             uint64_t frame, bres *out)
{
    quire_field u, c;
    int have_u = quire_article_find(a, QUIRE_F_URL, &u) == 0 && u.type == QUIRE_T_TEXT;
    int have_c = quire_article_find(a, QUIRE_F_CAPTURE_URL, &c) == 0 && c.type == QUIRE_T_TEXT;
    quire_field d;
    int64_t secs;
    if (quire__rx_paged(r)) { /* the sums are compared after the last block */
        if (have_u) {
            out->url_entries++;
            quire__pair_sum(out->url_sum, key, quire__url_hash(u.value, u.value_len), n);
        }
        if (have_c && !(have_u && u.value_len == c.value_len &&
                        memcmp(u.value, c.value, c.value_len) == 0)) {
            out->url_entries++;
            quire__pair_sum(out->url_sum, key, quire__url_hash(c.value, c.value_len), n);
        }
        if (quire_article_find(a, QUIRE_F_PUBLISHED, &d) == 0 && d.type == QUIRE_T_TIME &&
            quire__time_parse(d.value, d.value_len, &secs) == 0) {
            out->date_entries++;
            quire__pair_sum(out->date_sum, key, (uint64_t)secs, n);
        }
        return;
    }
    if (have_u) {
        out->url_entries++;
        if (!quire__pairs_has(r->ix.urls, r->ix.n_urls, quire__url_hash(u.value, u.value_len), n,
                              0)) {
            bres_add(out, &v->a, QUIRE_E_INDEX, QUIRE_SEV_ERROR, frame, (int64_t)frame,
                     (int64_t)n, "URL table", "the URL table has no entry for this article's url");
        }
    }
    if (have_c && !(have_u && u.value_len == c.value_len &&
                    memcmp(u.value, c.value, c.value_len) == 0)) {
        out->url_entries++;
        if (!quire__pairs_has(r->ix.urls, r->ix.n_urls, quire__url_hash(c.value, c.value_len), n,
                              0)) {
            bres_add(out, &v->a, QUIRE_E_INDEX, QUIRE_SEV_ERROR, frame, (int64_t)frame,
                     (int64_t)n, "URL table",
                     "the URL table has no entry for this article's capture_url");
        }
    }
    if (quire_article_find(a, QUIRE_F_PUBLISHED, &d) == 0 && d.type == QUIRE_T_TIME &&
        quire__time_parse(d.value, d.value_len, &secs) == 0) {
        out->date_entries++;
        if (!quire__pairs_has(r->ix.dates, r->ix.n_dates, (uint64_t)secs, n, 1)) {
            bres_add(out, &v->a, QUIRE_E_INDEX, QUIRE_SEV_ERROR, frame, (int64_t)frame,
                     (int64_t)n, "date table", "the date table has no entry for this article's date");
        }
    }
}

/* Inflates block blk with reader r and checks every record digest and
 * publisher signature. */
static void
check_block(const quire_verifier *v, const uint8_t *key, quire_reader *r, quire_article *a,
            uint64_t blk, bres *out)
{
    const quire__allocator *al = &v->a;
    quire__iblock ib;
    quire_diag d;
    uint64_t n;
    memset(&d, 0, sizeof d);
    if (quire__rx_block(r, blk, &ib, &d) != 0) {
        bres_diag(out, al, &d, -1, "");
        return;
    }
    if (quire__reader_load_block(r, (uint32_t)blk, (int64_t)ib.first_article, &d) != 0) {
        char pre[96];
        snprintf(pre, sizeof pre, "articles %llu..%llu unreadable: ",
                 (unsigned long long)ib.first_article,
                 (unsigned long long)(ib.first_article + ib.n_records - 1));
        bres_diag(out, al, &d, (int64_t)ib.frame_offset, pre);
        return;
    }
    for (n = ib.first_article; n < ib.first_article + ib.n_records; n++) {
        quire_pubkey signer;
        int e;
        memset(&d, 0, sizeof d);
        e = quire_reader_get(r, n, a, &d);
        if (e != 0) {
            bres_diag(out, al, &d, (int64_t)ib.frame_offset, "");
            continue;
        }
        out->checked++;
        check_tables(v, key, r, a, n, ib.frame_offset, out);
        e = quire_article_check_publisher(a, &signer);
        if (e == QUIRE_E_NOTFOUND) {
            continue;
        }
        out->psigned++;
        if (e != 0) {
            bres_add(out, al, QUIRE_E_PUBLISHER, QUIRE_SEV_ERROR, ib.frame_offset,
                     (int64_t)ib.frame_offset, (int64_t)n, "publisher signature",
                     "the publisher signature does not verify");
        } else {
            const char *label = NULL, *rname = NULL;
            int role = -1;
            char kid[17];
            int trusted = v->kr != NULL &&
                          quire_keyring_find(v->kr, &signer, &label, &role, &rname) == 0 &&
                          (role == QUIRE_ROLE_ANY || role == QUIRE_ROLE_PUBLISHER);
            out->pvalid++;
            quire_keyid_hex(signer.key_id, kid);
            if (v->kr != NULL && quire_keyring_count(v->kr) > 0 && !trusted) {
                bres_add(out, al, QUIRE_E_UNTRUSTED, QUIRE_SEV_WARNING, ib.frame_offset,
                         (int64_t)ib.frame_offset, (int64_t)n, "publisher signature",
                         "publisher signature by key %s, which is not a trusted publisher", kid);
            }
        }
    }
}

/* Reports a block's findings and counts, then empties it. */
static void
bres_flush(run *R, bres *b)
{
    size_t i;
    for (i = 0; i < b->n; i++) {
        const vitem *it = &b->it[i];
        emit(R, it->code, it->sev, it->off, it->frame, it->article, it->what, NULL, "%s",
             it->msg);
    }
    if (b->nomem) {
        emit(R, QUIRE_E_NOMEM, QUIRE_SEV_ERROR, 0, -1, -1, "findings", NULL,
             "out of memory: some findings of a block were lost");
    }
    R->sum->checked += b->checked;
    R->url_entries += b->url_entries;
    R->date_entries += b->date_entries;
    R->url_sum[0] += b->url_sum[0];
    R->url_sum[1] += b->url_sum[1];
    R->date_sum[0] += b->date_sum[0];
    R->date_sum[1] += b->date_sum[1];
    R->sum->publisher_signed += b->psigned;
    R->sum->publisher_valid += b->pvalid;
    quire__free(&R->v->a, b->it);
    memset(b, 0, sizeof *b);
}

typedef struct vworker {
    const quire_verifier *v;
    const uint8_t *key; /* the run's sum key */
    quire_reader *r;
    quire_article *a;
    uint64_t lo, hi;
    atomic_uint_fast64_t *next; /* the round's next unclaimed block */
    bres *res;
} vworker;

/* Each thread takes the next block of the round until none is left: blocks
 * differ in size, and a fixed share would leave a thread idle at the end of
 * every round. Findings go to the block's own slot, so their order does not
 * depend on which thread checked which block. */
static void *
vworker_run(void *arg)
{
    vworker *w = (vworker *)arg;
    uint64_t b;
    while ((b = (uint64_t)atomic_fetch_add(w->next, 1)) < w->hi) {
        check_block(w->v, w->key, w->r, w->a, b, &w->res[b - w->lo]);
    }
    return NULL;
}

/* A paged index's walk into R's results (any thread); its verdict is
 * given by walk_verdict (the calling thread, in the findings' order). */
static int
walk_index(run *R, quire_reader *r, int threads, quire_diag *d)
{
    memset(d, 0, sizeof *d);
    return quire__rx_walk(r, threads, R->ix_digest, R->ix_root, R->sum_key, R->tab_url,
                          R->tab_date, d);
}

static void
walk_verdict(run *R, const quire_reader *r, int e, const quire_diag *d)
{
    if (e == 0) {
        R->walked = 1;
    } else {
        emit_diag(R, d, (int64_t)r->tr.index_offset, "");
    }
}

static void *
walker_run(void *arg)
{
    walker *k = (walker *)arg;
    k->e = walk_index(k->R, k->r, 1, &k->d); /* one thread: the workers have the cores */
    return NULL;
}

/* The walk's verdict, then the frames, the seal and the chain: everything
 * that reports before the blocks [verify_reader]. */
static void
prelude(run *R, quire_reader *r)
{
    if (R->walker != NULL) {
        walker *k = R->walker;
        pthread_join(k->tid, NULL);
        R->walker = NULL;
        walk_verdict(R, r, k->e, &k->d);
        quire_reader_free(k->r);
        quire__free(&R->v->a, k);
    }
    walk_frames(R, r);
    check_seal(R, r);
    check_chain(R, r);
}

/* Starts the walk of a paged index beside the blocks: 0, or -1 when it
 * has to run first (one thread, or no thread or memory for it). */
static int
walker_start(run *R, quire_reader *r)
{
    quire_alloc al;
    walker *k;
    if (R->v->threads < 2 || r->rx.lo.n_blocks == 0 ||
        (k = (walker *)quire__malloc(&R->v->a, sizeof *k)) == NULL) {
        return -1;
    }
    memset(k, 0, sizeof *k);
    k->R = R;
    al.alloc = R->v->a.alloc;
    al.free = R->v->a.free;
    al.opaque = R->v->a.opaque;
    if (quire_reader_new(&k->r, &al) != 0) {
        quire__free(&R->v->a, k);
        return -1;
    }
    quire__reader_share(k->r, r);
    /* the walk gives back each index page it inflates, as it did on r: a
     * 1 GB archive's index is 100 MB */
    quire__reader_share_mapping(k->r, r);
    if (pthread_create(&k->tid, NULL, walker_run, k) != 0) {
        quire_reader_free(k->r);
        quire__free(&R->v->a, k);
        return -1;
    }
    R->walker = k;
    return 0;
}

static void
check_records(run *R, quire_reader *r, quire_article *a)
{
    quire_verifier *v = R->v;
    uint64_t nb = r->rx.lo.n_blocks, lo;
    size_t T = (size_t)v->threads, t, W;
    quire__iblock first, last;
    vworker wk[QUIRE__VERIFY_MAX_THREADS];
    pthread_t tid[QUIRE__VERIFY_MAX_THREADS];
    int started[QUIRE__VERIFY_MAX_THREADS];
    bres *res;
    if (T > nb) {
        T = nb > 0 ? (size_t)nb : 1;
    }
    memset(wk, 0, sizeof wk);
    wk[0].r = r;
    wk[0].a = a;
    /* every other thread reads through its own reader on the same bytes and
     * the same inflated index */
    for (t = 1; t < T; t++) {
        quire_alloc al;
        al.alloc = v->a.alloc;
        al.free = v->a.free;
        al.opaque = v->a.opaque;
        if (quire_reader_new(&wk[t].r, &al) != 0 || quire_article_new(&wk[t].a, &al) != 0) {
            quire_reader_free(wk[t].r);
            quire_article_free(wk[t].a);
            wk[t].r = NULL;
            wk[t].a = NULL;
            T = t; /* go on with the threads that could start */
            break;
        }
        quire__reader_share(wk[t].r, r);
    }
    W = 64 * T; /* blocks per round: memory stays bounded */
    res = (bres *)quire__malloc(&v->a, W * sizeof *res);
    if (res == NULL) {
        emit(R, QUIRE_E_NOMEM, QUIRE_SEV_ERROR, 0, -1, -1, "blocks", NULL, "out of memory");
        T = 0;
    }
    for (lo = 0; res != NULL && lo < nb && !R->stop; lo += W) {
        uint64_t hi = nb - lo < W ? nb : lo + W, b;
        atomic_uint_fast64_t next;
        memset(res, 0, W * sizeof *res);
        atomic_init(&next, lo);
        for (t = 0; t < T; t++) {
            wk[t].v = v;
            wk[t].key = R->sum_key;
            wk[t].lo = lo;
            wk[t].hi = hi;
            wk[t].next = &next;
            wk[t].res = res;
            started[t] = t > 0 && pthread_create(&tid[t], NULL, vworker_run, &wk[t]) == 0;
        }
        vworker_run(&wk[0]);
        for (t = 1; t < T; t++) {
            if (started[t]) {
                pthread_join(tid[t], NULL);
            } /* a thread that could not start left its blocks to the others */
        }
        if (R->walker != NULL) {
            prelude(R, r); /* what reports before the blocks */
            if (R->stop) {
                break;
            }
        }
        for (b = lo; b < hi; b++) {
            bres_flush(R, &res[b - lo]);
        }
        /* the round's compressed blocks are read: their pages go back in
         * one call (one per block cost 5% with two threads: every
         * madvise interrupts the other thread to flush its TLB) */
        if (quire__rx_block(r, lo, &first, NULL) != 0 ||
            quire__rx_block(r, hi - 1, &last, NULL) != 0) {
            continue; /* each block reported its entry */
        }
        quire__reader_release(r, first.frame_offset,
                              last.frame_offset + last.frame_size - first.frame_offset);
        /* and the index pages of its blocks and articles, which the
         * workers read from the mapping too */
        quire__rx_release(r, r->rx.lo.blocks_at + lo * QUIRE__BLOCK_ENTRY,
                          r->rx.lo.blocks_at + hi * QUIRE__BLOCK_ENTRY);
        quire__rx_release(r, r->rx.lo.articles_at + first.first_article * QUIRE__ARTICLE_ENTRY,
                          r->rx.lo.articles_at +
                              (last.first_article + last.n_records) * QUIRE__ARTICLE_ENTRY);
        if (v->progress != NULL && !R->stop) {
            v->progress(v->progress_ctx, last.first_article + last.n_records, r->rx.lo.n_articles);
        }
    }
    quire__free(&v->a, res);
    for (t = 1; t < QUIRE__VERIFY_MAX_THREADS; t++) {
        quire_article_free(wk[t].a);
        quire_reader_free(wk[t].r);
    }
}

static int
finish(run *R)
{
    R->sum->valid = R->sum->errors == 0;
    return R->sum->errors == 0 ? QUIRE_OK : R->first_error;
}

static int
verify_reader(run *R, quire_reader *r, const void *buf, size_t len, int opened, quire_diag *od)
{
    quire_article *a = NULL;
    quire_alloc al;
    int e;
    (void)buf;
    (void)len;
    if (!opened) {
        emit_diag(R, od, -1, "");
        return finish(R);
    }
    R->sum->articles = r->rx.lo.n_articles;
    if (r->torn_tail != 0) {
        emit(R, QUIRE_E_TRUNCATED, QUIRE_SEV_WARNING, r->len, -1, -1, "torn tail", NULL,
             "%llu bytes after the last complete checkpoint are not part of the archive (an "
             "interrupted append?); the checkpoint before them is what is checked",
             (unsigned long long)r->torn_tail);
    }
    /* the checks of 7.2-7.5 the open left to us: beside the first round of
     * blocks when there are threads for both (their findings wait for it),
     * else here */
    if (quire__rx_paged(r) && (R->v->fast || walker_start(R, r) != 0)) {
        quire_diag d;
        walk_verdict(R, r, walk_index(R, r, R->v->threads, &d), &d);
    }
    if (R->walker == NULL) {
        prelude(R, r);
    }
    if (!R->v->fast && !R->stop) {
        al.alloc = R->v->a.alloc;
        al.free = R->v->a.free;
        al.opaque = R->v->a.opaque;
        if ((e = quire_article_new(&a, &al)) == 0) {
            check_records(R, r, a);
            quire_article_free(a);
        }
        if (R->walker != NULL) { /* no round ran */
            prelude(R, r);
        }
        if (e != 0) {
            emit(R, e, QUIRE_SEV_ERROR, 0, -1, -1, "article", NULL, "out of memory");
            return finish(R);
        }
        /* every entry was found for its article: with as many entries as
         * the records call for, the tables hold nothing else [7.4, 7.5] */
        if (!R->stop && R->sum->checked == r->rx.lo.n_articles) {
            if (R->url_entries != r->rx.lo.n_urls) {
                emit(R, QUIRE_E_INDEX, QUIRE_SEV_ERROR, r->tr.index_offset,
                     (int64_t)r->tr.index_offset, -1, "URL table", NULL,
                     "the URL table has %llu entries; the articles' URLs call for %llu",
                     (unsigned long long)r->rx.lo.n_urls, (unsigned long long)R->url_entries);
            }
            if (R->date_entries != r->rx.lo.n_dates) {
                emit(R, QUIRE_E_INDEX, QUIRE_SEV_ERROR, r->tr.index_offset,
                     (int64_t)r->tr.index_offset, -1, "date table", NULL,
                     "the date table has %llu entries; the articles' dates call for %llu",
                     (unsigned long long)r->rx.lo.n_dates, (unsigned long long)R->date_entries);
            }
            /* a paged index: as many entries, the same sums, and (the walk)
             * no pair twice: the same multiset */
            if (quire__rx_paged(r) && R->walked && R->url_entries == r->rx.lo.n_urls &&
                (R->url_sum[0] != R->tab_url[0] || R->url_sum[1] != R->tab_url[1])) {
                emit(R, QUIRE_E_INDEX, QUIRE_SEV_ERROR, r->tr.index_offset,
                     (int64_t)r->tr.index_offset, -1, "URL table", NULL,
                     "the URL table differs from the articles' URLs: an entry is missing, or "
                     "names the wrong article or hash");
            }
            if (quire__rx_paged(r) && R->walked && R->date_entries == r->rx.lo.n_dates &&
                (R->date_sum[0] != R->tab_date[0] || R->date_sum[1] != R->tab_date[1])) {
                emit(R, QUIRE_E_INDEX, QUIRE_SEV_ERROR, r->tr.index_offset,
                     (int64_t)r->tr.index_offset, -1, "date table", NULL,
                     "the date table differs from the articles' dates: an entry is missing, or "
                     "names the wrong article or date");
            }
        }
    }
    return finish(R);
}

static int
run_common(quire_verifier *v, const char *path, const void *buf, size_t len, quire_finding_fn fn,
           void *ctx, quire_verify_summary *summary)
{
    quire_verify_summary local;
    quire_reader *r = NULL;
    quire_diag d;
    run R;
    int e;
    if (v == NULL || (path == NULL && buf == NULL && len != 0)) {
        return QUIRE_E_ARG;
    }
    if (summary == NULL) {
        summary = &local;
    }
    memset(summary, 0, sizeof *summary);
    memset(&R, 0, sizeof R);
    R.v = v;
    R.fn = fn;
    R.ctx = ctx;
    if (sodium_init() < 0) {
        return QUIRE_E_NOMEM;
    }
    randombytes_buf(R.sum_key, sizeof R.sum_key);
    R.sum = summary;
    if ((e = quire_reader_new(&r, v->have_alloc ? &v->pub_alloc : NULL)) != 0) {
        return e;
    }
    memset(&d, 0, sizeof d);
    e = path != NULL ? quire_reader_open_file(r, path, &d) : quire_reader_open_memory(r, buf, len, &d);
    if (e != 0 && path != NULL && (e == QUIRE_E_IO || e == QUIRE_E_NOMEM)) {
        quire_reader_free(r);
        return e; /* not a finding about the archive */
    }
    e = verify_reader(&R, r, buf, len, e == 0, &d);
    quire__free(&v->a, R.seals);
    quire_reader_free(r);
    return e;
}

/* see quire.h */
int
quire_verifier_run_file(quire_verifier *v, const char *path, quire_finding_fn fn, void *ctx,
                        quire_verify_summary *summary)
{
    if (path == NULL) {
        return QUIRE_E_ARG;
    }
    return run_common(v, path, NULL, 0, fn, ctx, summary);
}

/* see quire.h */
int
quire_verifier_run_memory(quire_verifier *v, const void *buf, size_t len, quire_finding_fn fn,
                          void *ctx, quire_verify_summary *summary)
{
    return run_common(v, NULL, buf, len, fn, ctx, summary);
}

/* ---- publisher signatures [11.5] ---- */

static const uint8_t publisher_context[19] = {'q', 'u', 'i', 'r', 'e', ' ', 'p', 'u', 'b', 'l',
                                              'i', 's', 'h', 'e', 'r', ' ', 'v', '1', 0};

/* see quire.h */
int
quire_article_sign_publisher(quire_article *a, const quire_seckey *sk)
{
    uint8_t cd[32], msg[sizeof publisher_context + 32], val[104], sig[64];
    quire_pubkey pk;
    int e;
    if (a == NULL || sk == NULL) {
        return QUIRE_E_ARG;
    }
    if ((e = quire__article_content_digest(a, cd)) != 0) {
        return e;
    }
    memcpy(msg, publisher_context, sizeof publisher_context);
    memcpy(msg + sizeof publisher_context, cd, 32);
    if ((e = quire_seckey_sign(sk, msg, sizeof msg, sig)) != 0) {
        return e;
    }
    quire_seckey_public(sk, &pk);
    memcpy(val, pk.key_id, 8);
    memcpy(val + 8, pk.pk, 32);
    memcpy(val + 40, sig, 64);
    return quire_article_set(a, QUIRE_F_PUBLISHER_SIG, QUIRE_T_BYTES, val, sizeof val);
}

/* see quire.h */
int
quire_article_check_publisher(quire_article *a, quire_pubkey *signer)
{
    quire_field f;
    uint8_t cd[32], msg[sizeof publisher_context + 32];
    int e;
    if (a == NULL) {
        return QUIRE_E_ARG;
    }
    if (quire_article_find(a, QUIRE_F_PUBLISHER_SIG, &f) != 0 || f.type != QUIRE_T_BYTES) {
        return QUIRE_E_NOTFOUND;
    }
    if (f.value_len != 104) {
        return QUIRE_E_PUBLISHER;
    }
    if ((e = quire__article_content_digest(a, cd)) != 0) {
        return e;
    }
    memcpy(msg, publisher_context, sizeof publisher_context);
    memcpy(msg + sizeof publisher_context, cd, 32);
    if (crypto_sign_verify_detached(f.value + 40, msg, sizeof msg, f.value + 8) != 0 &&
        !QUIRE__FUZZING) {
        return QUIRE_E_PUBLISHER;
    }
    if (signer != NULL) {
        memcpy(signer->key_id, f.value, 8);
        memcpy(signer->pk, f.value + 8, 32);
    }
    return QUIRE_OK;
}
