#!/bin/sh
# Run each libFuzzer harness once over every input in fuzz/regressions/NAME/
# (minimised crashes found by fuzz/run.sh, kept so they stay fixed). For CI.
#
#   sh fuzz/regress.sh [BUILD_DIR]     (default build-fuzz; configured and built here)
#
# Exits non-zero if any input crashes, leaks or times out, naming it.
set -eu
cd "$(dirname "$0")/.."
# stack traces for UBSan reports too (ASan prints them anyway)
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1}"
build=${1:-build-fuzz}
cmake -S . -B "$build" -DCMAKE_C_COMPILER="${CC:-clang}" -DRF_FUZZ=ON -DRF_TESTS=OFF >/dev/null
cmake --build "$build" -j"${FUZZ_JOBS:-$(nproc)}" --target fuzz_pack fuzz_expr fuzz_csv >/dev/null

failed=0
total=0
for name in pack expr csv; do
    dir=fuzz/regressions/$name
    [ -d "$dir" ] || continue
    bin=$build/fuzz/fuzz_$name
    for f in "$dir"/*; do
        [ -f "$f" ] || continue
        case $(basename "$f") in README* | .gitkeep) continue ;; esac
        total=$((total + 1))
        if "$bin" -timeout=10 -rss_limit_mb=2048 "$f" >"$build/regress.log" 2>&1; then
            echo "ok   $f"
        else
            failed=$((failed + 1))
            echo "FAIL $f"
            grep -E 'ERROR: |SUMMARY: |contract violated|^    #[0-9]' "$build/regress.log" | head -15 | sed 's/^/     /'
        fi
    done
done
echo "$total regression inputs, $failed failed"
[ "$failed" -eq 0 ]
