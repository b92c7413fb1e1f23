/* fuzz_mode_check.c - asserts which kind of library it was linked with:
 * `fuzz_mode_check 0` passes only against a release library, `1` only
 * against one built with FUZZING_BUILD_MODE_UNSAFE_FOR_PRODUCTION. */
#include <stdio.h>
#include <stdlib.h>

#include "quire.h"

int
main(int argc, char **argv)
{
    int want = argc > 1 ? atoi(argv[1]) : 0;
    int got = quire_is_fuzzing_build();
    printf("quire_is_fuzzing_build() = %d (expected %d)\n", got, want);
    return got == want ? 0 : 1;
}
