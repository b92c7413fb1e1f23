#!/bin/bash -eu
# ClusterFuzzLite / OSS-Fuzz build step: everything is in fuzz/build.sh, which reads
# $CC $CXX $CFLAGS $CXXFLAGS $LIB_FUZZING_ENGINE $OUT $SRC as the builder sets them.
"$SRC/quire/fuzz/build.sh"
