/* writer.c - streaming archive writer (spec sections 2-8). */
#define _DEFAULT_SOURCE
#include <errno.h>
#include <pthread.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "internal.h"
#include "../format/utf8.h"

enum { W_NEW, W_OPEN, W_DONE, W_FAILED };

#define QUIRE__MAX_THREADS 64

struct quire_writer {
    quire__allocator a;
    quire__limits lim;
    int state;
    size_t block_size;
    int level;
    uint8_t *dict;
    size_t dict_len;

    quire_write_fn fn;
    void *ctx;
    int fd;        /* for open_file / open_fd */
    char *tmp_path; /* open_file: temporary, renamed on finish */
    char *path;

    uint64_t offset; /* bytes emitted so far */
    uint64_t dict_offset;

    quire__buf raw;  /* uncompressed records of the current block */
    uint32_t raw_records;
    uint64_t raw_first;
    /* blocks sealed but not yet written: compressed in parallel, written in
     * order, so the bytes never depend on the thread count */
    int threads;
    int auto_dict;  /* build the preset dictionary from the first block */
    int finishing;  /* quire_writer_finish is flushing the last block */
    int head_done;  /* header (and dictionary) written */
    struct pend {
        quire__buf raw, z;
        uint32_t n_records;
        uint64_t first;
        int e;
        const struct quire_writer *w;
    } pend_store[2][QUIRE__MAX_THREADS];
    struct pend *pend; /* the batch being filled */
    size_t n_pend;
    struct pend *fly;  /* the batch being compressed by threads */
    size_t n_fly;
    pthread_t tid[QUIRE__MAX_THREADS];
    int started[QUIRE__MAX_THREADS];
    struct job {
        struct pend *fly;
        size_t n, first, step; /* compresses fly[first], fly[first + step], ... below n */
    } jobs[QUIRE__MAX_THREADS];
    uint64_t blocks_made; /* blocks sealed so far, written or pending */
    /* with the automatic dictionary, the first blocks wait here until it is
     * known to pay for itself (AUTO_DICT_MIN raw bytes) or the data ends */
    struct held {
        quire__buf raw;
        uint32_t n_records;
        uint64_t first;
    } *hold;
    size_t n_hold, cap_hold;
    uint64_t hold_bytes;
    quire__buf out;  /* frame being assembled */

    quire__buf blocks;   /* index block table */
    quire__buf articles; /* index article table */
    quire__buf urls;     /* (hash, article) pairs */
    quire__buf dates;    /* (secs, article) pairs */
    uint64_t n_articles;
    uint64_t n_blocks;

    /* checkpoint [11] */
    quire__merkle tree;
    uint8_t archive_id[16];
    int have_id;
    int64_t created;
    char comment[QUIRE__COMMENT_MAX];
    size_t comment_len;
    struct signer {
        const quire_seckey *sk;
        uint8_t role;
        char name[QUIRE__ROLE_NAME_MAX];
        size_t name_len;
    } signers[16];
    size_t n_signers;

    /* appending a checkpoint to an existing archive [3.6] */
    int append;
    int own_fd;             /* the writer opened fd and closes it */
    uint64_t checkpoint;
    int have_prev;
    uint8_t prev[32];       /* digest of the previous statement */
    uint64_t prev_size;     /* its tree size */

    /* deduplicated parts [5.6] */
    int dedup;
    uint32_t index_page; /* QUIRE_OPT_INDEX_PAGE */
    struct ddent {
        uint8_t dg[32];  /* BLAKE2b-256 of the part's data */
        uint64_t article;
        uint32_t part;
        uint32_t used;
    } *dd;               /* open addressing, dd_cap a power of 2 */
    size_t dd_n, dd_cap;
    quire__rpart *sp;    /* the parts of a stored form */
    size_t sp_cap;
    quire__buf stored;   /* the stored form of the record being added */
    quire__buf hints;    /* dDUP entries: the archive's, then this checkpoint's */
    quire_reader *old;   /* append: the archive, to check dDUP candidates */
    uint64_t *old_sorted; /* (prefix, entry index) pairs of its dDUP, by prefix */
    size_t n_old;
};

#define BUF_MAX ((size_t)4 << 30)

/* see quire.h */
int
quire_writer_new(quire_writer **out, const quire_alloc *alloc)
{
    quire__allocator al;
    quire_writer *w;
    if (out == NULL) {
        return QUIRE_E_ARG;
    }
    *out = NULL;
    quire__allocator_from(&al, alloc);
    w = (quire_writer *)quire__malloc(&al, sizeof *w);
    if (w == NULL) {
        return QUIRE_E_NOMEM;
    }
    memset(w, 0, sizeof *w);
    w->a = al;
    quire__limits_default(&w->lim);
    w->block_size = 256 * 1024;
    w->level = 6;
    w->fd = -1;
    quire__buf_init(&w->raw, &w->a, BUF_MAX);
    quire__buf_init(&w->out, &w->a, BUF_MAX);
    quire__buf_init(&w->blocks, &w->a, BUF_MAX);
    quire__buf_init(&w->articles, &w->a, BUF_MAX);
    quire__buf_init(&w->urls, &w->a, BUF_MAX);
    quire__buf_init(&w->dates, &w->a, BUF_MAX);
    quire__buf_init(&w->stored, &w->a, BUF_MAX);
    quire__buf_init(&w->hints, &w->a, BUF_MAX);
    w->dedup = 1;
    w->index_page = 4096;
    quire__merkle_init(&w->tree);
    w->threads = 1;
    {
        size_t i, k;
        for (k = 0; k < 2; k++) {
            for (i = 0; i < QUIRE__MAX_THREADS; i++) {
                quire__buf_init(&w->pend_store[k][i].raw, &w->a, BUF_MAX);
                quire__buf_init(&w->pend_store[k][i].z, &w->a, BUF_MAX);
            }
        }
        w->pend = w->pend_store[0];
        w->fly = w->pend_store[1];
    }
    *out = w;
    return QUIRE_OK;
}

static char *
dup_str(const quire__allocator *a, const char *s)
{
    size_t n = strlen(s) + 1;
    char *p = (char *)quire__malloc(a, n);
    if (p != NULL) {
        memcpy(p, s, n);
    }
    return p;
}

/* see quire.h */
void
quire_writer_free(quire_writer *w)
{
    if (w == NULL) {
        return;
    }
    if (w->tmp_path != NULL) {
        /* not finished: leave nothing half-written */
        if (w->fd >= 0) {
            close(w->fd);
        }
        unlink(w->tmp_path);
    } else if (w->own_fd && w->fd >= 0) {
        /* an unfinished append leaves a torn tail that readers ignore and
         * the next append removes */
        close(w->fd);
    }
    quire__free(&w->a, w->tmp_path);
    quire__free(&w->a, w->path);
    quire__free(&w->a, w->dict);
    {
        size_t i, k;
        /* threads still compressing a batch must end before their buffers go */
        for (i = 0; i < w->n_fly; i++) {
            if (w->started[i]) {
                pthread_join(w->tid[i], NULL);
            }
        }
        for (k = 0; k < 2; k++) {
            for (i = 0; i < QUIRE__MAX_THREADS; i++) {
                quire__buf_free(&w->pend_store[k][i].raw);
                quire__buf_free(&w->pend_store[k][i].z);
            }
        }
    }
    {
        size_t i;
        for (i = 0; i < w->n_hold; i++) {
            quire__buf_free(&w->hold[i].raw);
        }
        quire__free(&w->a, w->hold);
    }
    quire__buf_free(&w->raw);
    quire__buf_free(&w->out);
    quire__buf_free(&w->blocks);
    quire__buf_free(&w->articles);
    quire__buf_free(&w->urls);
    quire__buf_free(&w->dates);
    quire__free(&w->a, w->dd);
    quire__free(&w->a, w->sp);
    quire__buf_free(&w->stored);
    quire__buf_free(&w->hints);
    quire__free(&w->a, w->old_sorted);
    quire_reader_free(w->old);
    quire__free(&w->a, w);
}

/* see quire.h */
int
quire_writer_set_option(quire_writer *w, int option, int64_t value)
{
    if (w == NULL || w->state != W_NEW) {
        return w == NULL ? QUIRE_E_ARG : QUIRE_E_BADSTATE;
    }
    switch (option) {
    case QUIRE_OPT_BLOCK_SIZE:
        if (value < 1024 || (uint64_t)value > w->lim.block) {
            return QUIRE_E_ARG;
        }
        w->block_size = (size_t)value;
        return QUIRE_OK;
    case QUIRE_OPT_LEVEL:
        if (value < 0 || value > 9) {
            return QUIRE_E_ARG;
        }
        w->level = (int)value;
        return QUIRE_OK;
    case QUIRE_OPT_AUTO_DICT:
        if (value < 0 || value > 1) {
            return QUIRE_E_ARG;
        }
        w->auto_dict = (int)value;
        return QUIRE_OK;
    case QUIRE_OPT_THREADS:
        if (value < 1 || value > QUIRE__MAX_THREADS) {
            return QUIRE_E_ARG;
        }
        w->threads = (int)value;
        return QUIRE_OK;
    case QUIRE_OPT_DEDUP:
        if (value < 0 || value > 1) {
            return QUIRE_E_ARG;
        }
        w->dedup = (int)value;
        return QUIRE_OK;
    case QUIRE_OPT_INDEX_PAGE:
        if (value < QUIRE__PAGE_MIN || value > QUIRE__PAGE_MAX || (value & (value - 1)) != 0) {
            return QUIRE_E_ARG;
        }
        w->index_page = (uint32_t)value;
        return QUIRE_OK;
    default:
        return QUIRE_E_ARG;
    }
}

/* see quire.h */
int
quire_writer_set_limit(quire_writer *w, int which, uint64_t value)
{
    if (w == NULL) {
        return QUIRE_E_ARG;
    }
    if (w->state != W_NEW) {
        return QUIRE_E_BADSTATE;
    }
    return quire__limits_set(&w->lim, which, value);
}

static int
quire_writer_set_dictionary_(quire_writer *w, const void *dict, size_t len)
{
    uint8_t *p = (uint8_t *)quire__malloc(&w->a, len);
    if (p == NULL) {
        return QUIRE_E_NOMEM;
    }
    memcpy(p, dict, len);
    quire__free(&w->a, w->dict);
    w->dict = p;
    w->dict_len = len;
    return QUIRE_OK;
}

/* see quire.h */
int
quire_writer_set_dictionary(quire_writer *w, const void *dict, size_t len)
{
    uint8_t *p;
    if (w == NULL || dict == NULL || len == 0 || len > 32768) {
        return QUIRE_E_ARG;
    }
    if (w->state != W_NEW) {
        return QUIRE_E_BADSTATE;
    }
    p = (uint8_t *)quire__malloc(&w->a, len);
    if (p == NULL) {
        return QUIRE_E_NOMEM;
    }
    memcpy(p, dict, len);
    quire__free(&w->a, w->dict);
    w->dict = p;
    w->dict_len = len;
    return QUIRE_OK;
}

/* see quire.h */
int
quire_writer_set_archive_id(quire_writer *w, const uint8_t id[16])
{
    if (w == NULL || id == NULL) {
        return QUIRE_E_ARG;
    }
    if (w->state != W_NEW && w->state != W_OPEN) {
        return QUIRE_E_BADSTATE;
    }
    memcpy(w->archive_id, id, 16);
    w->have_id = 1;
    return QUIRE_OK;
}

/* see quire.h */
int
quire_writer_set_checkpoint(quire_writer *w, int64_t created, const char *comment, size_t len)
{
    if (w == NULL || (comment == NULL && len != 0) || len > QUIRE__COMMENT_MAX) {
        return QUIRE_E_ARG;
    }
    if (w->state != W_NEW && w->state != W_OPEN) {
        return QUIRE_E_BADSTATE;
    }
    if (!quire__utf8_check((const uint8_t *)comment, len, NULL)) {
        return QUIRE_E_UTF8;
    }
    w->created = created;
    if (len != 0) {
        memcpy(w->comment, comment, len);
    }
    w->comment_len = len;
    return QUIRE_OK;
}

/* see quire.h */
int
quire_writer_add_signer(quire_writer *w, const quire_seckey *sk, int role, const char *role_name)
{
    struct signer *g;
    size_t n = role_name != NULL ? strlen(role_name) : 0;
    if (w == NULL || sk == NULL || role < QUIRE_ROLE_ARCHIVIST || role > QUIRE_ROLE_NAMED ||
        (role == QUIRE_ROLE_NAMED) != (n != 0) || n > QUIRE__ROLE_NAME_MAX) {
        return QUIRE_E_ARG;
    }
    if (n != 0 && !quire__utf8_check((const uint8_t *)role_name, n, NULL)) {
        return QUIRE_E_UTF8;
    }
    if (w->state != W_NEW && w->state != W_OPEN) {
        return QUIRE_E_BADSTATE;
    }
    if (w->n_signers == sizeof w->signers / sizeof w->signers[0]) {
        return QUIRE_E_LIMIT;
    }
    g = &w->signers[w->n_signers++];
    g->sk = sk;
    g->role = (uint8_t)role;
    if (n != 0) {
        memcpy(g->name, role_name, n);
    }
    g->name_len = n;
    return QUIRE_OK;
}

/* ---- output ---- */

static int
fd_write(void *ctx, const void *buf, size_t len)
{
    int fd = *(const int *)ctx;
    const uint8_t *p = (const uint8_t *)buf;
    while (len > 0) {
        ssize_t n = write(fd, p, len);
        if (n < 0) {
            if (errno == EINTR) {
                continue;
            }
            return -1;
        }
        p += n;
        len -= (size_t)n;
    }
    return 0;
}

static int
fail(quire_writer *w, quire_diag *d, int code, const char *what)
{
    w->state = W_FAILED;
    return QUIRE__FAIL(d, code, w->offset, (int64_t)w->n_articles, what);
}

/* Emits w->out and resets it. */
static int
emit(quire_writer *w, quire_diag *d)
{
    if (w->out.err != 0) {
        return fail(w, d, w->out.err, "output buffer");
    }
    if (w->fn(w->ctx, w->out.p, w->out.len) != 0) {
        return fail(w, d, QUIRE_E_IO, "write");
    }
    w->offset += w->out.len;
    quire__buf_reset(&w->out);
    return 0;
}

/* Writes the file header and the dictionary frame, once, before the first
 * block (spec 3.5). With an automatic dictionary that is when the first
 * block is sealed: the dictionary is taken from it. */
static int
put_head(quire_writer *w, quire_diag *d)
{
    if (w->head_done) {
        return 0;
    }
    w->head_done = 1;
    quire__header_encode(&w->out);
    if (w->dict != NULL) {
        size_t h;
        w->dict_offset = QUIRE__HEADER_LEN;
        h = quire__frame_begin(&w->out, QUIRE__FT_DICT);
        quire__put_bytes(&w->out, w->dict, w->dict_len);
        quire__frame_end(&w->out, h);
    }
    return emit(w, d);
}

static int
start(quire_writer *w, quire_diag *d)
{
    w->state = W_OPEN;
    if (w->append) {
        w->head_done = 1;
        return 0;
    }
    /* stream the header now unless the dictionary waits for the data */
    return w->auto_dict && w->dict == NULL && w->level != 0 ? 0 : put_head(w, d);
}

/* see quire.h */
int
quire_writer_open(quire_writer *w, quire_write_fn fn, void *ctx, quire_diag *d)
{
    if (w == NULL || fn == NULL) {
        return QUIRE__FAIL(d, QUIRE_E_ARG, 0, -1, "writer");
    }
    if (w->state != W_NEW) {
        return QUIRE__FAIL(d, QUIRE_E_BADSTATE, 0, -1, "writer");
    }
    w->fn = fn;
    w->ctx = ctx;
    return start(w, d);
}

/* see quire.h */
int
quire_writer_open_fd(quire_writer *w, int fd, quire_diag *d)
{
    if (w == NULL || fd < 0) {
        return QUIRE__FAIL(d, QUIRE_E_ARG, 0, -1, "writer");
    }
    if (w->state != W_NEW) {
        return QUIRE__FAIL(d, QUIRE_E_BADSTATE, 0, -1, "writer");
    }
    w->fd = fd;
    w->fn = fd_write;
    w->ctx = &w->fd;
    return start(w, d);
}

/* see quire.h */
int
quire_writer_open_file(quire_writer *w, const char *path, quire_diag *d)
{
    size_t n;
    int fd;
    if (w == NULL || path == NULL || path[0] == '\0') {
        return QUIRE__FAIL(d, QUIRE_E_ARG, 0, -1, "writer");
    }
    if (w->state != W_NEW) {
        return QUIRE__FAIL(d, QUIRE_E_BADSTATE, 0, -1, "writer");
    }
    n = strlen(path);
    w->path = dup_str(&w->a, path);
    w->tmp_path = (char *)quire__malloc(&w->a, n + 8);
    if (w->path == NULL || w->tmp_path == NULL) {
        quire__free(&w->a, w->tmp_path);
        w->tmp_path = NULL;
        return QUIRE__FAIL(d, QUIRE_E_NOMEM, 0, -1, "writer");
    }
    memcpy(w->tmp_path, path, n);
    memcpy(w->tmp_path + n, ".XXXXXX", 8);
    fd = mkstemp(w->tmp_path);
    if (fd < 0) {
        quire__free(&w->a, w->tmp_path);
        w->tmp_path = NULL;
        return QUIRE__FAIL(d, QUIRE_E_IO, 0, -1, "create output file");
    }
    /* mkstemp makes 0600; an archive is an ordinary file: honour the umask */
    {
        mode_t um = umask(0);
        umask(um);
        (void)fchmod(fd, (mode_t)(0666 & ~um));
    }
    w->fd = fd;
    w->fn = fd_write;
    w->ctx = &w->fd;
    return start(w, d);
}

/* ---- blocks ---- */

static int write_block(quire_writer *w, const struct pend *p, quire_diag *d);

static void *
compress_one(void *arg)
{
    struct pend *p = (struct pend *)arg;
    const quire_writer *w = p->w;
    quire__buf_reset(&p->z);
    p->e = quire__deflate(&w->a, w->level, p->raw.p, p->raw.len,
                          w->dict != NULL ? w->dict : NULL, w->dict_len, &p->z);
    return NULL;
}

/* One thread's share of a batch: every step-th block from first. */
static void *
compress_many(void *arg)
{
    const struct job *j = (const struct job *)arg;
    size_t i;
    for (i = j->first; i < j->n; i += j->step) {
        compress_one(&j->fly[i]);
    }
    return NULL;
}

/* Blocks per batch: with threads, several per thread, so that a thread
 * start is paid once per several blocks and the packing thread fills the
 * next batch while the whole batch compresses. */
static size_t
batch_size(const quire_writer *w)
{
    size_t b = w->threads > 1 ? 4 * (size_t)w->threads : 1;
    return b < QUIRE__MAX_THREADS ? b : QUIRE__MAX_THREADS;
}

/* Waits for the batch in flight and writes its frames in order. */
static int
land(quire_writer *w, quire_diag *d)
{
    size_t i;
    int e = 0;
    for (i = 0; i < w->n_fly; i++) {
        if (w->started[i]) {
            pthread_join(w->tid[i], NULL);
            w->started[i] = 0;
        }
    }
    for (i = 0; i < w->n_fly && e == 0; i++) {
        struct pend *p = &w->fly[i];
        if (w->level != 0 && p->e != 0) {
            e = fail(w, d, p->e, "compress block");
        } else {
            e = write_block(w, p, d);
        }
    }
    w->n_fly = 0;
    return e;
}

/* Hands the filled batch to threads (one block each) and returns while
 * they compress: the caller goes on packing the next batch. With one
 * thread, or when a thread cannot start, the block is compressed here.
 * Blocks are written in order, so the bytes never depend on the thread
 * count. */
static int
drain(quire_writer *w, quire_diag *d)
{
    struct pend *t;
    size_t i, t_n;
    int e;
    if ((e = land(w, d)) != 0) {
        return e;
    }
    t = w->fly;
    w->fly = w->pend;
    w->n_fly = w->n_pend;
    w->pend = t;
    w->n_pend = 0;
    if (w->level == 0) {
        return 0;
    }
    for (i = 0; i < w->n_fly; i++) {
        w->fly[i].w = w;
    }
    t_n = (size_t)w->threads < w->n_fly ? (size_t)w->threads : w->n_fly;
    for (i = 0; i < t_n; i++) {
        w->jobs[i].fly = w->fly;
        w->jobs[i].n = w->n_fly;
        w->jobs[i].first = i;
        w->jobs[i].step = t_n;
        w->started[i] = w->threads > 1 &&
                        pthread_create(&w->tid[i], NULL, compress_many, &w->jobs[i]) == 0;
        if (!w->started[i]) {
            compress_many(&w->jobs[i]); /* one thread, or it could not start */
        }
    }
    return 0;
}

/* Queues a sealed block (its bytes are taken from *raw, which is left
 * empty): written once a batch (batch_size blocks) is ready. */
static int
queue_block(quire_writer *w, quire__buf *raw, uint32_t n_records, uint64_t first, quire_diag *d)
{
    struct pend *p = &w->pend[w->n_pend++];
    quire__buf t = p->raw;
    p->raw = *raw;
    *raw = t;
    quire__buf_reset(raw);
    p->n_records = n_records;
    p->first = first;
    if (w->n_pend >= batch_size(w)) {
        return drain(w, d);
    }
    return 0;
}

/* The automatic dictionary costs its 32 KiB once and wins back about 1 KB
 * per 64 KiB block (Reuters, BBC, FakeNewsNet): below 2 MiB of records it
 * makes the archive larger (README). */
#define AUTO_DICT_MIN ((uint64_t)2 << 20)

/* Holds the current raw block back until the dictionary is decided. */
static int
hold_block(quire_writer *w, uint32_t n_records)
{
    struct held *h;
    if (w->n_hold == w->cap_hold) {
        size_t cap = w->cap_hold != 0 ? 2 * w->cap_hold : 8;
        struct held *nh = (struct held *)quire__realloc(&w->a, w->hold, w->cap_hold * sizeof *nh,
                                                        cap * sizeof *nh);
        if (nh == NULL) {
            return QUIRE_E_NOMEM;
        }
        w->hold = nh;
        w->cap_hold = cap;
    }
    h = &w->hold[w->n_hold++];
    h->raw = w->raw;
    h->n_records = n_records;
    h->first = w->raw_first;
    w->hold_bytes += w->raw.len;
    quire__buf_init(&w->raw, &w->a, BUF_MAX);
    return 0;
}

/* Decides the dictionary (from the last 32 KiB of the first block: zlib
 * draws matches from the end of a dictionary, and the records there show
 * the shape, field names and boilerplate, of the ones to come), writes the
 * head and queues the held blocks. */
static int
release_held(quire_writer *w, quire_diag *d)
{
    size_t i;
    int e = 0;
    if (w->hold_bytes >= AUTO_DICT_MIN && w->n_hold > 1) {
        const quire__buf *b0 = &w->hold[0].raw;
        size_t n = b0->len < 32768 ? b0->len : 32768;
        if (n >= 256 && (e = quire_writer_set_dictionary_(w, b0->p + b0->len - n, n)) != 0) {
            return fail(w, d, e, "dictionary");
        }
    }
    if ((e = put_head(w, d)) != 0) {
        return e;
    }
    for (i = 0; i < w->n_hold && e == 0; i++) {
        e = queue_block(w, &w->hold[i].raw, w->hold[i].n_records, w->hold[i].first, d);
    }
    for (i = 0; i < w->n_hold; i++) {
        quire__buf_free(&w->hold[i].raw);
    }
    w->n_hold = 0;
    w->hold_bytes = 0;
    return e;
}

/* Seals the current raw block. */
static int
flush_block(quire_writer *w, quire_diag *d)
{
    uint32_t n = w->raw_records;
    int e;
    if (n == 0) {
        return 0;
    }
    w->raw_records = 0;
    w->blocks_made++;
    if (!w->head_done && w->auto_dict && w->dict == NULL && w->level != 0) {
        if ((e = hold_block(w, n)) != 0) {
            return fail(w, d, e, "block");
        }
        if (w->hold_bytes < AUTO_DICT_MIN && !w->finishing) {
            return 0;
        }
        return release_held(w, d);
    }
    if ((e = put_head(w, d)) != 0) {
        return e;
    }
    return queue_block(w, &w->raw, n, w->raw_first, d);
}

static int
write_block(quire_writer *w, const struct pend *p, quire_diag *d)
{
    quire__block_head h;
    quire__iblock ib;
    size_t head, data_at;
    uint64_t frame_at = w->offset;
    int e;
    memset(&h, 0, sizeof h);
    h.codec = w->level == 0 ? QUIRE__CODEC_STORED : QUIRE__CODEC_ZLIB;
    h.flags = (w->dict != NULL && w->level != 0) ? QUIRE__BLOCK_F_DICT : 0;
    h.n_records = p->n_records;
    h.raw_size = (uint32_t)p->raw.len;
    h.first_article = p->first;
    head = quire__frame_begin(&w->out, QUIRE__FT_BLOK);
    quire__block_head_encode(&w->out, &h);
    data_at = w->out.len;
    if (h.codec == QUIRE__CODEC_STORED) {
        quire__put_bytes(&w->out, p->raw.p, p->raw.len);
    } else {
        quire__put_bytes(&w->out, p->z.p, p->z.len);
    }
    (void)data_at;
    quire__frame_end(&w->out, head);
    if (w->out.err != 0) {
        return fail(w, d, w->out.err, "block frame");
    }
    if (w->out.len > w->lim.frame + QUIRE__FRAME_OVERHEAD || w->out.len > 0xFFFFFFFFu) {
        return fail(w, d, QUIRE_E_LIMIT, "block frame");
    }
    ib.frame_offset = frame_at;
    ib.frame_size = (uint32_t)w->out.len;
    ib.raw_size = h.raw_size;
    ib.first_article = h.first_article;
    ib.n_records = h.n_records;
    quire__index_put_block(&w->blocks, &ib);
    if (w->blocks.err != 0) {
        return fail(w, d, w->blocks.err, "index");
    }
    if ((e = emit(w, d)) != 0) {
        return e;
    }
    w->n_blocks++;
    return 0;
}

static void
put_pair(quire__buf *b, uint64_t key, uint64_t article)
{
    quire__put_u64(b, key);
    quire__put_u64(b, article);
}

/* Adds the record rec[0..len) with its digest; a (may be NULL) supplies the
 * URL and date index entries. */
static int
add_record(quire_writer *w, const uint8_t *rec, size_t len, const uint8_t digest[32],
           quire_article *a, uint64_t *number, quire_diag *d)
{
    quire_field f;
    int e;
    if (w->state != W_OPEN) {
        return QUIRE__FAIL(d, QUIRE_E_BADSTATE, w->offset, -1, "writer");
    }
    if (w->n_articles >= w->lim.articles) {
        return QUIRE__FAIL(d, QUIRE_E_LIMIT, w->offset, (int64_t)w->n_articles, "article count");
    }
    if (len > w->lim.record || len + 4 > w->lim.block) {
        /* refuse the article, keep the writer usable */
        return QUIRE__FAIL(d, QUIRE_E_LIMIT, w->offset, (int64_t)w->n_articles, "record size");
    }
    if (w->raw_records > 0 && w->raw.len + 4 + len > w->block_size) {
        if ((e = flush_block(w, d)) != 0) {
            return e;
        }
    }
    if (w->raw_records == 0) {
        w->raw_first = w->n_articles;
    }
    quire__put_u32(&w->raw, (uint32_t)len);
    quire__put_bytes(&w->raw, rec, len);
    quire__index_put_article(&w->articles, digest, (uint32_t)w->blocks_made,
                             (uint32_t)(w->raw.len - len), (uint32_t)len);
    if (a != NULL && quire_article_find(a, QUIRE_F_URL, &f) == 0 && f.type == QUIRE_T_TEXT) {
        put_pair(&w->urls, quire__url_hash(f.value, f.value_len), w->n_articles);
    }
    if (a != NULL && quire_article_find(a, QUIRE_F_CAPTURE_URL, &f) == 0 &&
        f.type == QUIRE_T_TEXT) {
        quire_field u;
        /* one entry per distinct URL of an article */
        if (quire_article_find(a, QUIRE_F_URL, &u) != 0 || u.type != QUIRE_T_TEXT ||
            u.value_len != f.value_len || memcmp(u.value, f.value, f.value_len) != 0) {
            put_pair(&w->urls, quire__url_hash(f.value, f.value_len), w->n_articles);
        }
    }
    if (a != NULL && quire_article_find(a, QUIRE_F_PUBLISHED, &f) == 0 &&
        f.type == QUIRE_T_TIME) {
        int64_t secs = 0;
        if (quire__time_parse(f.value, f.value_len, &secs) == 0) {
            put_pair(&w->dates, (uint64_t)secs, w->n_articles);
        }
    }
    if (w->raw.err != 0 || w->articles.err != 0 || w->urls.err != 0 || w->dates.err != 0) {
        return fail(w, d, QUIRE_E_NOMEM, "buffer");
    }
    if ((e = quire__merkle_add(&w->tree, digest)) != 0) {
        return fail(w, d, e, "Merkle tree");
    }
    w->raw_records++;
    if (a != NULL) {
        a->number = (int64_t)w->n_articles;
    }
    if (number != NULL) {
        *number = w->n_articles;
    }
    w->n_articles++;
    return QUIRE_OK;
}

const quire__allocator *
quire__writer_allocator(const quire_writer *w)
{
    return &w->a;
}

/* ---- deduplicated parts [5.6] ---- */

static size_t
dd_slot(const quire_writer *w, const uint8_t dg[32])
{
    size_t i = (size_t)quire__ld64(dg) & (w->dd_cap - 1);
    while (w->dd[i].used && memcmp(w->dd[i].dg, dg, 32) != 0) {
        i = (i + 1) & (w->dd_cap - 1);
    }
    return i;
}

static int
dd_insert(quire_writer *w, const uint8_t dg[32], uint64_t article, uint32_t part)
{
    size_t i;
    if (2 * (w->dd_n + 1) > w->dd_cap) {
        size_t old_cap = w->dd_cap, nc = old_cap ? 2 * old_cap : 1024, k;
        struct ddent *old = w->dd, *nd;
        if (nc > SIZE_MAX / sizeof *nd || (nd = (struct ddent *)quire__malloc(
                                               &w->a, nc * sizeof *nd)) == NULL) {
            return QUIRE_E_NOMEM;
        }
        memset(nd, 0, nc * sizeof *nd);
        w->dd = nd;
        w->dd_cap = nc;
        for (k = 0; k < old_cap; k++) {
            if (old[k].used) {
                w->dd[dd_slot(w, old[k].dg)] = old[k];
            }
        }
        quire__free(&w->a, old);
    }
    i = dd_slot(w, dg);
    memcpy(w->dd[i].dg, dg, 32);
    w->dd[i].article = article;
    w->dd[i].part = part;
    w->dd[i].used = 1;
    w->dd_n++;
    return 0;
}

static int
cmp_u64pair(const void *x, const void *y)
{
    const uint64_t *a = (const uint64_t *)x, *b = (const uint64_t *)y;
    if (a[0] != b[0]) {
        return a[0] < b[0] ? -1 : 1;
    }
    return a[1] < b[1] ? -1 : (a[1] > b[1]);
}

/* 1 if part k of the archive's article t is stored inline and equals
 * data[0..len): a dDUP entry is only a hint, checked before use */
static int
old_part_equals(quire_writer *w, uint64_t t, uint32_t k, const uint8_t *data, size_t len)
{
    const uint8_t *rec;
    size_t rlen, nf, np;
    unsigned flags;
    quire__cur c;
    quire__rfield *f;
    quire__rpart *p;
    int same = 0;
    if (t >= w->old->rx.lo.n_articles || quire__reader_stored(w->old, t, &rec, &rlen, NULL) != 0) {
        return 0;
    }
    quire__cur_init(&c, rec, rlen, 0);
    if (quire__record_head_stored(&c, &w->lim, &nf, &np, &flags) != 0 || k >= np) {
        return 0;
    }
    f = (quire__rfield *)quire__malloc(&w->a, (nf + 1) * sizeof *f);
    p = (quire__rpart *)quire__malloc(&w->a, (np + 1) * sizeof *p);
    if (f != NULL && p != NULL &&
        quire__record_body_stored(&c, &w->lim, &w->a, f, nf, p, np, flags) == 0) {
        same = p[k].storage == 0 && p[k].data_len == len &&
               (len == 0 || memcmp(rec + p[k].data_off, data, len) == 0);
    }
    quire__free(&w->a, f);
    quire__free(&w->a, p);
    return same;
}

/* The lookup key of a part digest: its dDUP prefix as a number. */
static uint64_t
hint_key(const uint8_t dg[32])
{
    uint8_t k[8];
    memset(k, 0, sizeof k);
    memcpy(k, dg, QUIRE__DDUP_PREFIX);
    return quire__ld64(k);
}

/* Looks a part up among the archive's dDUP entries (append). */
static int
old_find(quire_writer *w, const uint8_t dg[32], const uint8_t *data, size_t len, uint64_t *t,
         uint32_t *k)
{
    uint64_t key = hint_key(dg);
    size_t lo = 0, hi = w->n_old;
    while (lo < hi) { /* the first pair with this prefix */
        size_t mid = lo + (hi - lo) / 2;
        if (w->old_sorted[2 * mid] < key) {
            lo = mid + 1;
        } else {
            hi = mid;
        }
    }
    for (; lo < w->n_old && w->old_sorted[2 * lo] == key; lo++) {
        const uint8_t *e = w->hints.p + (size_t)w->old_sorted[2 * lo + 1] * QUIRE__DDUP_ENTRY;
        if (old_part_equals(w, quire__ld64(e + 8), quire__ld32(e + 16), data, len)) {
            *t = quire__ld64(e + 8);
            *k = quire__ld32(e + 16);
            return 1;
        }
    }
    return 0;
}

/* Gives the stored form of a's record: parts equal to a part of an earlier
 * article become references [5.6]. *rec is a's canonical record when no
 * part is. */
static int
dedup_record(quire_writer *w, quire_article *a, const uint8_t **rec, size_t *len)
{
    size_t i, n_refs = 0;
    const uint8_t *arena = a->data.p;
    int e;
    if (!w->dedup || a->np == 0) {
        return 0;
    }
    if (a->np > w->sp_cap) {
        quire__free(&w->a, w->sp);
        w->sp = (quire__rpart *)quire__malloc(&w->a, a->np * sizeof *w->sp);
        w->sp_cap = w->sp != NULL ? a->np : 0;
        if (w->sp == NULL) {
            return QUIRE_E_NOMEM;
        }
    }
    for (i = 0; i < a->np; i++) {
        const uint8_t *data = arena != NULL ? arena + a->p[i].data_off : NULL;
        size_t dl = a->p[i].data_len;
        uint8_t dg[32];
        size_t s;
        uint64_t t;
        uint32_t k;
        w->sp[i] = a->p[i];
        w->sp[i].storage = 0;
        if (dl < QUIRE__DEDUP_MIN) {
            continue;
        }
        if ((e = quire__blake2b256(dg, data, dl)) != 0) {
            return e;
        }
        s = w->dd_cap > 0 ? dd_slot(w, dg) : 0;
        if (w->dd_cap > 0 && w->dd[s].used) {
            if (w->dd[s].article < w->n_articles) { /* not a part of this same article */
                w->sp[i].storage = 1;
                w->sp[i].ref_article = w->dd[s].article;
                w->sp[i].ref_part = w->dd[s].part;
                n_refs++;
            }
            continue;
        }
        if (w->n_old > 0 && dl >= QUIRE__DEDUP_HINT_MIN && old_find(w, dg, data, dl, &t, &k)) {
            w->sp[i].storage = 1;
            w->sp[i].ref_article = t;
            w->sp[i].ref_part = k;
            n_refs++;
            /* later copies find it in the table */
            if ((e = dd_insert(w, dg, t, k)) != 0) {
                return e;
            }
            continue;
        }
        if ((e = dd_insert(w, dg, w->n_articles, (uint32_t)i)) != 0) {
            return e;
        }
        if (dl >= QUIRE__DEDUP_HINT_MIN) {
            quire__put_u64(&w->hints, hint_key(dg));
            quire__put_u64(&w->hints, w->n_articles);
            quire__put_u32(&w->hints, (uint32_t)i);
            if (w->hints.err != 0) {
                return w->hints.err;
            }
        }
    }
    if (n_refs == 0) {
        return 0;
    }
    quire__buf_reset(&w->stored);
    quire__record_encode_stored(&w->stored, arena, a->f, a->nf, w->sp, a->np);
    if (w->stored.err != 0) {
        return w->stored.err;
    }
    *rec = w->stored.p;
    *len = w->stored.len;
    return 0;
}

/* see quire.h */
int
quire_writer_add(quire_writer *w, quire_article *a, uint64_t *number, quire_diag *d)
{
    const uint8_t *rec;
    size_t len;
    uint8_t digest[32];
    int e;
    if (w == NULL || a == NULL) {
        return QUIRE__FAIL(d, QUIRE_E_ARG, 0, -1, "writer");
    }
    if ((e = quire__article_encode(a, &rec, &len)) != 0 ||
        (e = quire_article_digest(a, digest)) != 0) {
        return QUIRE__FAIL(d, e, w->offset, (int64_t)w->n_articles, "encode record");
    }
    if (w->state == W_OPEN && (e = dedup_record(w, a, &rec, &len)) != 0) {
        return fail(w, d, e, "deduplicate parts");
    }
    return add_record(w, rec, len, digest, a, number, d);
}

int
quire__writer_add_raw(quire_writer *w, const uint8_t *rec, size_t len, quire_diag *d)
{
    uint8_t digest[32];
    int e;
    if (w == NULL || (rec == NULL && len != 0)) {
        return QUIRE__FAIL(d, QUIRE_E_ARG, 0, -1, "writer");
    }
    if ((e = quire__blake2b256(digest, rec, len)) != 0) {
        return QUIRE__FAIL(d, e, w->offset, (int64_t)w->n_articles, "record digest");
    }
    return add_record(w, rec, len, digest, NULL, NULL, d);
}

/* Appends a SEAL frame with the statement and one signature per signer
 * to w->out. */
static int
put_seal(quire_writer *w, const quire__statement *st)
{
    quire__buf stmt, msg;
    size_t head, i;
    int e = 0;
    quire__buf_init(&stmt, &w->a, 4096);
    quire__buf_init(&msg, &w->a, 8192);
    quire__statement_encode(&stmt, st);
    head = quire__frame_begin(&w->out, QUIRE__FT_SEAL);
    quire__seal_put_statement(&w->out, stmt.p, stmt.len, (uint16_t)w->n_signers);
    for (i = 0; i < w->n_signers && e == 0 && stmt.err == 0; i++) {
        const struct signer *g = &w->signers[i];
        quire_pubkey pk;
        uint8_t sig[64];
        quire__buf_reset(&msg);
        quire__seal_message(&msg, g->role, (const uint8_t *)g->name, g->name_len, stmt.p,
                            stmt.len);
        if (msg.err != 0) {
            e = msg.err;
            break;
        }
        quire_seckey_public(g->sk, &pk);
        if ((e = quire_seckey_sign(g->sk, msg.p, msg.len, sig)) != 0) {
            break;
        }
        quire__seal_put_sig(&w->out, g->role, (const uint8_t *)g->name, g->name_len, pk.key_id,
                            pk.pk, sig);
    }
    if (e == 0 && (st->flags & QUIRE__STMT_F_PREV) != 0) {
        /* the consistency proof from the previous checkpoint [11.3] */
        uint8_t path[QUIRE__CONSISTENCY_MAX][32];
        size_t n_path = 0;
        if (w->prev_size > 0 && w->prev_size < w->n_articles) {
            e = quire__merkle_consistency_path(w->articles.p, QUIRE__ARTICLE_ENTRY, w->n_articles,
                                               w->prev_size, path, QUIRE__CONSISTENCY_MAX,
                                               &n_path);
        }
        quire__seal_put_consistency(&w->out, w->prev_size, &path[0][0], n_path);
    }
    quire__frame_end(&w->out, head);
    if (e == 0) {
        e = stmt.err != 0 ? stmt.err : w->out.err;
    }
    quire__buf_free(&stmt);
    quire__buf_free(&msg);
    return e;
}

/* A paged index [7.1]: the directory of where each page's zlib stream
 * ends and its CRC-32, then the streams, each page compressed on its own.
 * The directory is written as room first and filled in as pages end. */
int
quire__index_put_pages(const quire__allocator *a, int level, uint32_t page_size,
                       const uint8_t *raw, size_t len, quire__buf *out)
{
    uint32_t np = (uint32_t)((len + page_size - 1) / page_size), k;
    size_t env = out->len, dir, data;
    int e;
    quire__env_head_encode(out, QUIRE__CODEC_PAGED, len);
    quire__env_pages_encode(out, page_size, np);
    dir = out->len;
    for (k = 0; k < np; k++) {
        quire__put_u64(out, 0);
    }
    quire__put_u32(out, 0); /* the directory's CRC-32 */
    data = out->len;
    if (out->err != 0) {
        return out->err;
    }
    for (k = 0; k < np; k++) {
        size_t off = (size_t)k * page_size, n = len - off < page_size ? len - off : page_size;
        if ((e = quire__deflate(a, level, raw + off, n, NULL, 0, out)) != 0) {
            return e;
        }
        quire__st64(out->p + dir + (size_t)k * 8, (uint64_t)(out->len - data));
    }
    quire__st32(out->p + data - 4, quire__crc32(0, out->p + env, data - 4 - env));
    return 0;
}

/* see quire.h */
int
quire_writer_finish(quire_writer *w, quire_diag *d)
{
    quire__buf ix;
    quire__trailer t;
    quire__statement st;
    size_t head;
    uint64_t index_at, seal_at;
    int e;
    if (w == NULL) {
        return QUIRE__FAIL(d, QUIRE_E_ARG, 0, -1, "writer");
    }
    if (w->state != W_OPEN) {
        return QUIRE__FAIL(d, QUIRE_E_BADSTATE, w->offset, -1, "writer");
    }
    w->finishing = 1;
    if ((e = flush_block(w, d)) != 0 || (e = drain(w, d)) != 0 || (e = land(w, d)) != 0 ||
        (e = put_head(w, d)) != 0) {
        return e;
    }
    /* checkpoint [11]: the root, and the archive id derived from it unless set */
    memset(&st, 0, sizeof st);
    if ((e = quire__merkle_root(&w->tree, st.root)) != 0) {
        return fail(w, d, e, "Merkle root");
    }
    if (!w->have_id) {
        uint8_t h[32];
        quire__buf idm;
        quire__buf_init(&idm, &w->a, 128);
        quire__put_bytes(&idm, "quire archive id v1", 19);
        quire__put_bytes(&idm, st.root, 32);
        quire__put_u64(&idm, (uint64_t)w->created);
        if (idm.err != 0 || (e = quire__blake2b256(h, idm.p, idm.len)) != 0) {
            e = idm.err != 0 ? idm.err : e;
            quire__buf_free(&idm);
            return fail(w, d, e, "archive id");
        }
        quire__buf_free(&idm);
        memcpy(w->archive_id, h, 16);
    }
    /* index [7] */
    quire__pairs_sort(w->urls.p, w->urls.len / QUIRE__PAIR_ENTRY, 0);
    quire__pairs_sort(w->dates.p, w->dates.len / QUIRE__PAIR_ENTRY, 1);
    quire__buf_init(&ix, &w->a, BUF_MAX);
    quire__index_put_head(&ix, w->archive_id, w->n_articles, w->n_blocks);
    quire__put_bytes(&ix, w->blocks.p, w->blocks.len);
    quire__put_bytes(&ix, w->articles.p, w->articles.len);
    quire__put_u64(&ix, w->urls.len / QUIRE__PAIR_ENTRY);
    quire__put_bytes(&ix, w->urls.p, w->urls.len);
    quire__put_u64(&ix, w->dates.len / QUIRE__PAIR_ENTRY);
    quire__put_bytes(&ix, w->dates.p, w->dates.len);
    if (ix.err != 0) {
        e = ix.err;
        quire__buf_free(&ix);
        return fail(w, d, e, "index");
    }
    if (ix.len > w->lim.index) {
        /* never write an archive that a reader with the same limits rejects */
        quire__buf_free(&ix);
        return fail(w, d, QUIRE_E_LIMIT, "index size");
    }
    if ((e = quire__blake2b256(st.index_digest, ix.p, ix.len)) != 0) {
        quire__buf_free(&ix);
        return fail(w, d, e, "index digest");
    }
    index_at = w->offset;
    head = quire__frame_begin(&w->out, QUIRE__FT_INDX);
    if (w->level == 0) {
        quire__env_head_encode(&w->out, QUIRE__CODEC_STORED, ix.len);
        quire__put_bytes(&w->out, ix.p, ix.len);
    } else if (ix.len <= w->index_page) {
        /* the blocks' level: the index is mostly digests, which no level
         * compresses; level 9 took 0.2 s of Reuters' 0.56 s pack for 152
         * bytes, on one thread */
        quire__env_head_encode(&w->out, QUIRE__CODEC_ZLIB, ix.len);
        if ((e = quire__deflate(&w->a, w->level, ix.p, ix.len, NULL, 0, &w->out)) != 0) {
            quire__buf_free(&ix);
            return fail(w, d, e, "compress index");
        }
    } else if ((e = quire__index_put_pages(&w->a, w->level, w->index_page, ix.p, ix.len,
                                           &w->out)) != 0) {
        quire__buf_free(&ix);
        return fail(w, d, e, "compress index");
    }
    quire__buf_free(&ix);
    quire__frame_end(&w->out, head);
    if (w->out.err == 0 && w->out.len - QUIRE__FRAME_OVERHEAD > w->lim.frame) {
        return fail(w, d, QUIRE_E_LIMIT, "index frame size");
    }
    if ((e = emit(w, d)) != 0) {
        return e;
    }
    /* the part digests a later append deduplicates against [5.6] */
    if (w->hints.len > 0) {
        head = quire__frame_begin(&w->out, QUIRE__FT_DDUP);
        quire__ddup_encode(&w->out, w->hints.p, w->hints.len / QUIRE__DDUP_ENTRY);
        if (w->out.err == 0 && w->out.len - head - QUIRE__FRAME_HEAD > w->lim.frame) {
            w->out.len = head; /* too many to list: later appends store them again */
        } else {
            quire__frame_end(&w->out, head);
        }
        if ((e = emit(w, d)) != 0) {
            return e;
        }
    }
    /* seal [11] */
    seal_at = w->offset;
    memcpy(st.archive_id, w->archive_id, 16);
    st.checkpoint = w->checkpoint;
    if (w->have_prev) {
        st.flags |= QUIRE__STMT_F_PREV;
        memcpy(st.prev, w->prev, 32);
    }
    st.tree_size = w->n_articles;
    st.created = w->created;
    st.comment = (const uint8_t *)w->comment;
    st.comment_len = w->comment_len;
    if (w->dict != NULL) {
        st.flags |= QUIRE__STMT_F_DICT;
        if ((e = quire__blake2b256(st.dict_digest, w->dict, w->dict_len)) != 0) {
            return fail(w, d, e, "dictionary digest");
        }
    }
    if ((e = put_seal(w, &st)) != 0) {
        return fail(w, d, e, "seal");
    }
    if ((e = emit(w, d)) != 0) {
        return e;
    }
    /* trailer [8] */
    memset(&t, 0, sizeof t);
    t.index_offset = index_at;
    t.dict_offset = w->dict_offset;
    t.seal_offset = seal_at;
    t.n_articles = w->n_articles;
    t.checkpoint = w->checkpoint;
    t.self_offset = w->offset;
    head = quire__frame_begin(&w->out, QUIRE__FT_TRLR);
    quire__trailer_encode(&w->out, &t);
    quire__frame_end(&w->out, head);
    if ((e = emit(w, d)) != 0) {
        return e;
    }
    if (w->tmp_path != NULL) {
        if (fsync(w->fd) != 0 || close(w->fd) != 0) {
            w->fd = -1;
            return fail(w, d, QUIRE_E_IO, "close output file");
        }
        w->fd = -1;
        if (rename(w->tmp_path, w->path) != 0) {
            return fail(w, d, QUIRE_E_IO, "rename output file");
        }
        quire__free(&w->a, w->tmp_path);
        w->tmp_path = NULL;
    } else if (w->own_fd) {
        int bad = fsync(w->fd) != 0;
        bad |= close(w->fd) != 0;
        w->fd = -1;
        if (bad) {
            return fail(w, d, QUIRE_E_IO, "close archive");
        }
    }
    w->state = W_DONE;
    return QUIRE_OK;
}

/* Takes the dDUP frame that follows the archive's current index, if any:
 * its entries are carried over and looked up by prefix. A missing or
 * damaged one only means parts are not deduplicated against the archive. */
static int
load_hints(quire_writer *w, quire_reader *r)
{
    quire__frame f;
    quire__cur c;
    uint64_t n = 0, i, kept = 0;
    uint64_t at = r->tr.index_offset + r->index_frame_size;
    if (at + QUIRE__FRAME_OVERHEAD > r->len ||
        quire__reader_frame_at(r, at, r->len, &f, NULL, -1, "dDUP frame") != 0 ||
        f.type != QUIRE__FT_DDUP) {
        return 0;
    }
    quire__cur_init(&c, f.payload, f.len, at + QUIRE__FRAME_HEAD);
    if (quire__ddup_decode(&c, &n, &w->hints) != 0) {
        return c.err == QUIRE_E_NOMEM ? QUIRE_E_NOMEM : 0;
    }
    /* an entry past the archive's articles is no hint at all; without it
     * the entries stay in article order below this checkpoint's */
    for (i = 0; i < n; i++) {
        const uint8_t *e = w->hints.p + (size_t)i * QUIRE__DDUP_ENTRY;
        if (quire__ld64(e + 8) < r->rx.lo.n_articles) {
            memmove(w->hints.p + (size_t)kept * QUIRE__DDUP_ENTRY, e, QUIRE__DDUP_ENTRY);
            kept++;
        }
    }
    w->hints.len = (size_t)kept * QUIRE__DDUP_ENTRY;
    if (kept == 0) {
        return 0;
    }
    if (kept > SIZE_MAX / 16 ||
        (w->old_sorted = (uint64_t *)quire__malloc(&w->a, (size_t)kept * 16)) == NULL) {
        return QUIRE_E_NOMEM;
    }
    for (i = 0; i < kept; i++) {
        w->old_sorted[2 * i] = quire__ld64(w->hints.p + (size_t)i * QUIRE__DDUP_ENTRY);
        w->old_sorted[2 * i + 1] = i;
    }
    qsort(w->old_sorted, (size_t)kept, 16, cmp_u64pair);
    w->n_old = (size_t)kept;
    return 0;
}

/* n bytes of the old archive's uncompressed index from off, appended to b */
static int
copy_table(quire__buf *b, quire_reader *r, uint64_t off, uint64_t n)
{
    int e;
    if (n > SIZE_MAX || quire__buf_reserve(b, (size_t)n) != 0) {
        return QUIRE_E_NOMEM;
    }
    if (n > 0 && (e = quire__rx_read(r, off, (size_t)n, b->p + b->len, NULL)) != 0) {
        return e;
    }
    b->len += (size_t)n;
    return 0;
}

/* see quire.h */
int
quire_writer_open_append(quire_writer *w, const char *path, quire_diag *d)
{
    quire_reader *r = NULL;
    quire_alloc al;
    uint64_t i;
    int e, fd;
    if (w == NULL || path == NULL) {
        return QUIRE__FAIL(d, QUIRE_E_ARG, 0, -1, "writer");
    }
    if (w->state != W_NEW) {
        return QUIRE__FAIL(d, QUIRE_E_BADSTATE, 0, -1, "writer");
    }
    al.alloc = w->a.alloc;
    al.free = w->a.free;
    al.opaque = w->a.opaque;
    /* one appender at a time: an exclusive lock held until finish or free */
    fd = open(path, O_WRONLY);
    if (fd < 0) {
        return QUIRE__FAIL(d, QUIRE_E_IO, 0, -1, "open archive for append");
    }
    if (flock(fd, LOCK_EX | LOCK_NB) != 0) {
        close(fd);
        return QUIRE__FAIL(d, QUIRE_E_IO, 0, -1, "archive is locked by another append");
    }
    if ((e = quire_reader_new(&r, &al)) != 0) {
        close(fd);
        return QUIRE__FAIL(d, e, 0, -1, "reader");
    }
    if ((e = quire_reader_open_file(r, path, d)) != 0) {
        quire_reader_free(r);
        close(fd);
        return e;
    }
    /* carry the archive over: its index tables, Merkle leaves, id,
     * dictionary, and the statement the new checkpoint follows */
    e = 0;
    if (quire__rx_paged(r)) {
        /* a paged index was checked entry by entry as read; the new index
         * carries all of it over, so all of it is checked first [7] */
        uint8_t dg[32], root[32], key[16] = {0};
        uint64_t us[2], ds[2];
        if ((e = quire__rx_walk(r, 1, dg, root, key, us, ds, d)) != 0) {
            quire_reader_free(r);
            close(fd);
            return e;
        }
    }
    if ((e = copy_table(&w->blocks, r, r->rx.lo.blocks_at,
                        r->rx.lo.n_blocks * QUIRE__BLOCK_ENTRY)) == 0 &&
        (e = copy_table(&w->articles, r, r->rx.lo.articles_at,
                        r->rx.lo.n_articles * QUIRE__ARTICLE_ENTRY)) == 0 &&
        (e = copy_table(&w->urls, r, r->rx.lo.urls_at, r->rx.lo.n_urls * QUIRE__PAIR_ENTRY)) == 0) {
        e = copy_table(&w->dates, r, r->rx.lo.dates_at, r->rx.lo.n_dates * QUIRE__PAIR_ENTRY);
    }
    for (i = 0; i < r->rx.lo.n_articles && e == 0; i++) {
        e = quire__merkle_add(&w->tree, w->articles.p + i * QUIRE__ARTICLE_ENTRY);
    }
    if (e == 0 && r->dict != NULL) {
        if (w->dict != NULL &&
            (w->dict_len != r->dict_len || memcmp(w->dict, r->dict, r->dict_len) != 0)) {
            e = QUIRE_E_ARG; /* the dictionary of an archive is fixed */
        } else if (w->dict == NULL) {
            e = quire_writer_set_dictionary(w, r->dict, r->dict_len);
        }
        w->dict_offset = r->tr.dict_offset;
    } else if (e == 0 && w->dict != NULL) {
        e = QUIRE_E_ARG; /* blocks cannot use a dictionary the archive lacks */
    }
    if (e == 0 && !r->has_seal) {
        e = QUIRE_E_UNSIGNED; /* no statement to chain the new checkpoint to */
    }
    if (e == 0) {
        e = quire__blake2b256(w->prev, r->stmt, r->stmt_len);
        w->have_prev = 1;
        w->prev_size = r->st.tree_size;
    }
    if (e != 0) {
        quire_reader_free(r);
        close(fd);
        return QUIRE__FAIL(d, e, 0, -1, "append");
    }
    memcpy(w->archive_id, r->rx.archive_id, 16);
    w->have_id = 1;
    w->checkpoint = r->tr.checkpoint + 1;
    w->n_articles = r->rx.lo.n_articles;
    w->n_blocks = r->rx.lo.n_blocks;
    w->blocks_made = r->rx.lo.n_blocks;
    w->offset = r->len; /* the end of the last complete checkpoint */
    if ((e = load_hints(w, r)) != 0) {
        quire_reader_free(r);
        close(fd);
        return QUIRE__FAIL(d, e, 0, -1, "append");
    }
    w->old = r; /* kept to check dDUP candidates against */

    /* a torn tail of an interrupted append was never part of a checkpoint:
     * cut it off; nothing before it changes */
    if (ftruncate(fd, (off_t)w->offset) != 0 || lseek(fd, 0, SEEK_END) != (off_t)w->offset) {
        close(fd);
        return QUIRE__FAIL(d, QUIRE_E_IO, w->offset, -1, "truncate torn tail");
    }
    w->fd = fd;
    w->own_fd = 1;
    w->append = 1;
    w->fn = fd_write;
    w->ctx = &w->fd;
    return start(w, d);
}
