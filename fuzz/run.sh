#!/bin/sh
# Build the libFuzzer harnesses and run each for SECONDS (default 60).
#
#   sh fuzz/run.sh [SECONDS]
#   sh fuzz/run.sh --ci
#
# --ci is what .ci/run uses: a fixed seed and a fixed number of executions
# per harness (about 45 s for pack and expr here, two minutes for csv; 300 s
# at most, and a run the cap cuts short says so), on a fresh clone's seed
# corpus, so every CI run explores (almost: libFuzzer keeps a few
# timing-driven choices) the same inputs. A red CI then reproduces with the
# same command, and a green change does not turn red by the luck of the run.
# Finding new bugs is the timed mode's job, run by hand for longer.
#
# Each harness NAME (pack, expr, csv) fuzzes a scratch corpus fuzz/corpus-NAME/
# (gitignored, kept between runs), seeded from fuzz/seeds/NAME/, plus
# rules/*.yaml for pack and samples/**/*.csv for csv (each sample also once
# with a leading 0x01 byte, which selects the harness's roster mode).
# Crash, leak and timeout inputs go to build-fuzz/artifacts/. Exits non-zero
# if any harness failed, printing the artifact's path; fuzz/regressions/NAME/
# is where a minimised crash input belongs once diagnosed (see regress.sh).
# Environment: CC (default clang), FUZZ_HARNESSES (default "pack expr csv"),
# FUZZ_JOBS (cmake build parallelism, default nproc), FUZZ_ARGS (more
# libFuzzer flags, e.g. "-fork=1 -ignore_crashes=1" to go on past crashes
# and collect them all; any new artifact still fails the run).
set -eu
cd "$(dirname "$0")/.."
# stack traces for UBSan reports too (ASan prints them anyway)
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1}"
ci=0
if [ "${1:-}" = --ci ]; then
    ci=1
    secs=300
else
    secs=${1:-60}
fi
case $secs in '' | *[!0-9]*) echo "usage: $0 [SECONDS | --ci]" >&2; exit 2 ;; esac
# executions per harness in --ci mode (csv: ~490 a second here, each a whole
# run of the engine on a roster)
ci_runs() {
    case $1 in
    pack) echo 120000 ;;
    expr) echo 1000000 ;;
    csv) echo 60000 ;;
    esac
}
build="build-fuzz"
art=$build/artifacts

cmake -S . -B "$build" -DCMAKE_C_COMPILER="${CC:-clang}" -DRF_FUZZ=ON -DRF_TESTS=OFF >/dev/null
cmake --build "$build" -j"${FUZZ_JOBS:-$(nproc)}" --target fuzz_pack fuzz_expr fuzz_csv
mkdir -p "$art"

seed() { # seed NAME DIR: fill DIR from NAME's seeds
    corpus=$2
    mkdir -p "$corpus"
    [ -d "fuzz/seeds/$1" ] && find "fuzz/seeds/$1" -type f -exec cp {} "$corpus/" \;
    case $1 in
    pack)
        for f in rules/*.yaml; do
            [ -f "$f" ] && cp "$f" "$corpus/rules-$(basename "$f")"
        done
        ;;
    csv)
        find samples -name '*.csv' -type f -size -64k 2>/dev/null | while read -r f; do
            flat=$(echo "$f" | tr '/' '-')
            cp "$f" "$corpus/$flat"
            { printf '\001'; cat "$f"; } >"$corpus/roster-$flat"
        done
        ;;
    esac
}

failed=0
for name in ${FUZZ_HARNESSES:-pack expr csv}; do
    bin=$build/fuzz/fuzz_$name
    corpus=fuzz/corpus-$name
    if [ $ci -eq 1 ]; then
        corpus=$build/ci-corpus-$name
        rm -rf "$corpus"
    fi
    seed "$name" "$corpus"
    log=$build/fuzz-$name.log
    dict=""
    [ -f "fuzz/$name.dict" ] && dict="-dict=fuzz/$name.dict"
    mode=""
    if [ $ci -eq 1 ]; then
        mode="-seed=1 -runs=$(ci_runs "$name")"
        echo "== fuzz_$name, $(ci_runs "$name") runs from seed 1 (corpus $corpus, log $log)"
    else
        echo "== fuzz_$name for ${secs}s (corpus $corpus, log $log)"
    fi
    marker=$build/.fuzz-$name.start
    : >"$marker"
    rc=0
    # shellcheck disable=SC2086
    "$bin" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
        -artifact_prefix="$art/$name-" $mode $dict ${FUZZ_ARGS:-} "$corpus" >"$log" 2>&1 || rc=$?
    if [ "$rc" -eq 0 ] && [ -n "$(find "$art" -type f -name "$name-*" -newer "$marker")" ]; then
        rc=1
    fi
    grep -E '^stat::number_of_executed_units|^#[0-9]+:? ' "$log" | tail -1 || true
    if [ $ci -eq 1 ]; then
        # Stopped by the time cap, the run explored fewer inputs than the
        # command promises: a CI result then does not reproduce exactly.
        did=$(sed -n 's/^stat::number_of_executed_units: //p' "$log" | tail -1)
        if [ -n "$did" ] && [ "$did" -lt "$(ci_runs "$name")" ]; then
            echo "!! fuzz_$name stopped at the ${secs} s cap after $did of $(ci_runs "$name") runs"
        fi
    fi
    if [ "$rc" -ne 0 ]; then
        failed=1
        echo "!! fuzz_$name failed (exit $rc); last lines of $log:"
        grep -E 'ERROR: |SUMMARY: |contract violated|^    #[0-9]' "$log" | head -20 || tail -20 "$log"
        find "$art" -type f -name "$name-*" -newer "$marker" | while read -r a; do
            echo "!! artifact: $a"
            echo "   reproduce: $bin $a"
        done
    fi
    rm -f "$marker"
done
exit $failed
