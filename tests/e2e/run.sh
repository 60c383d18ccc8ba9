#!/bin/sh
# End-to-end test runner: runs one case against the real binary and compares
# the whole of stdout, stderr, the exit code and every file the case wrote
# with the expected copies kept beside the case.
#
#   tests/e2e/run.sh BINARY tests/e2e/cases/NAME.t
#
# A case is a shell script run from the repository root with $RF (the
# binary) and $T (an empty scratch directory) set. Expected results:
#   NAME.out  stdout        NAME.err  stderr (with $T written as "$T")
#   NAME.exit exit status   NAME.files/F  each file F the case left in $T
# RF_UPDATE=1 rewrites the expected files from the actual run; review the
# diff before committing.
set -u
RF=$1
CASE=$2
dir=$(dirname "$CASE")
name=$(basename "$CASE" .t)
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT INT TERM
export RF T

sh "$CASE" >"$T/.stdout" 2>"$T/.stderr"
echo $? >"$T/.exit"
# Scratch paths differ per run; expected files spell them "$T".
sed "s|$T|\$T|g" "$T/.stderr" >"$T/.stderr.n" && mv "$T/.stderr.n" "$T/.stderr"

if [ "${RF_UPDATE:-0}" = 1 ]; then
    cp "$T/.stdout" "$dir/$name.out"
    cp "$T/.stderr" "$dir/$name.err"
    cp "$T/.exit" "$dir/$name.exit"
    rm -rf "$dir/$name.files"
    for f in "$T"/*; do
        [ -e "$f" ] || continue
        mkdir -p "$dir/$name.files"
        cp "$f" "$dir/$name.files/"
    done
    echo "updated $name"
    exit 0
fi

fail=0
check() { # expected actual label
    if [ ! -f "$1" ]; then
        echo "FAIL $name: missing expected file $1"
        fail=1
    elif ! diff -u "$1" "$2" >"$T/.diff"; then
        echo "FAIL $name: $3 differs"
        sed "s|$T/||g" "$T/.diff" | head -60
        fail=1
    fi
}
check "$dir/$name.exit" "$T/.exit" "exit status"
check "$dir/$name.out" "$T/.stdout" "stdout"
check "$dir/$name.err" "$T/.stderr" "stderr"
for f in "$T"/*; do
    [ -e "$f" ] || continue
    check "$dir/$name.files/$(basename "$f")" "$f" "file $(basename "$f")"
done
if [ -d "$dir/$name.files" ]; then
    for f in "$dir/$name.files"/*; do
        [ -e "$T/$(basename "$f")" ] || { echo "FAIL $name: the run did not write $(basename "$f")"; fail=1; }
    done
fi
[ $fail = 0 ] && echo "ok $name"
exit $fail
