/* replay.c - runs fuzz inputs through LLVMFuzzerTestOneInput without
 * libFuzzer, so every corpus and regression file is a unit test (built with
 * clang and gcc under ASan+UBSan). Arguments are files or directories. */
#define _POSIX_C_SOURCE 200809L
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv) __attribute__((weak));

/* Harnesses with a custom mutator call libFuzzer's mutator; replaying
 * never mutates, but the symbol must exist. */
size_t LLVMFuzzerMutate(uint8_t *data, size_t size, size_t max_size);
size_t
LLVMFuzzerMutate(uint8_t *data, size_t size, size_t max_size)
{
    (void)data;
    (void)max_size;
    return size;
}

static unsigned long passed, failed;

static void
run_file(const char *path)
{
    FILE *f = fopen(path, "rb");
    uint8_t *buf;
    long n;
    if (f == NULL || fseek(f, 0, SEEK_END) != 0 || (n = ftell(f)) < 0 || fseek(f, 0, SEEK_SET) != 0) {
        fprintf(stderr, "replay: cannot read %s\n", path);
        if (f != NULL) {
            fclose(f);
        }
        failed++;
        return;
    }
    /* exact-size heap copy: an over-read by one byte trips ASan */
    buf = (uint8_t *)malloc(n > 0 ? (size_t)n : 1);
    if (buf == NULL || fread(buf, 1, (size_t)n, f) != (size_t)n) {
        fprintf(stderr, "replay: cannot read %s\n", path);
        free(buf);
        fclose(f);
        failed++;
        return;
    }
    fclose(f);
    if (LLVMFuzzerTestOneInput(buf, (size_t)n) == 0) {
        passed++;
    } else {
        fprintf(stderr, "replay: %s: target returned non-zero\n", path);
        failed++;
    }
    free(buf);
}

static int
cmp_names(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static void
run_path(const char *path)
{
    struct stat st;
    DIR *d;
    struct dirent *e;
    char **names = NULL;
    size_t n = 0, cap = 0, i;
    if (stat(path, &st) != 0) {
        fprintf(stderr, "replay: %s: not found\n", path);
        failed++;
        return;
    }
    if (!S_ISDIR(st.st_mode)) {
        run_file(path);
        return;
    }
    d = opendir(path);
    if (d == NULL) {
        failed++;
        return;
    }
    while ((e = readdir(d)) != NULL) {
        size_t l;
        if (e->d_name[0] == '.') {
            continue;
        }
        if (n == cap) {
            cap = cap ? cap * 2 : 64;
            names = (char **)realloc(names, cap * sizeof *names);
            if (names == NULL) {
                abort();
            }
        }
        l = strlen(path) + strlen(e->d_name) + 2;
        names[n] = (char *)malloc(l);
        if (names[n] == NULL) {
            abort();
        }
        snprintf(names[n], l, "%s/%s", path, e->d_name);
        n++;
    }
    closedir(d);
    if (n > 1) {
        qsort(names, n, sizeof *names, cmp_names);
    }
    for (i = 0; i < n; i++) {
        run_path(names[i]);
        free(names[i]);
    }
    free(names);
}

int
main(int argc, char **argv)
{
    int i;
    if (LLVMFuzzerInitialize != NULL) {
        LLVMFuzzerInitialize(&argc, &argv);
    }
    for (i = 1; i < argc; i++) {
        run_path(argv[i]);
    }
    printf("%lu passed, %lu failed\n", passed, failed);
    return failed != 0 || passed == 0;
}
