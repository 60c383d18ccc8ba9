# shellcheck shell=bash
# bench/lib.sh — sourced by the bench scripts (bash), from the repository root.
#
# need TOOL...   install what is missing (Debian, as root): see bench_pkg for
#                the names; apt-get update runs once per sitting
# engine         set ROSTERFLAG: the binary named by $ROSTERFLAG, or else
#                build-rel/rosterflag, configured Release and built here
# bare_parse     build the floor program bench/data/bare_parse if stale
# ideal_score    build bench/data/ideal_score (the pack hard-coded on libcsv) if stale
# xlsx_floor     build the workbook's floor program bench/data/xlsx_floor if stale
# rows ARG NAME  a row count from ARG ("1,000,000" and "1_000_000" accepted)
# sitting        print the sitting line once (not again under run.sh --all)
# peak NAME CMD...  one run of CMD under GNU time -v into $D/time_${TABLE}_NAME.txt
#
# Benchmarks need tools the engine does not (Miller, hyperfine, GNU time,
# node): they are installed here, not by .ci/deps, because CI does not time.

BENCH=${BENCH:-$(basename "$0")}
D=bench/data
mkdir -p "$D"

log() { printf '== %s\n' "$*" >&2; }
die() { printf '%s: %s\n' "$BENCH" "$*" >&2; exit 1; }
q() { printf '%q' "$1"; }

# The Debian package that brings TOOL (a command, a header, or GNU time).
bench_pkg() {
    case $1 in
        mlr) echo miller ;;
        time) echo time ;;
        node) echo nodejs ;;
        cc) echo gcc ;;
        csv.h) echo libcsv-dev ;;
        yaml.h) echo libyaml-dev ;;
        xlsxwriter.h) echo libxlsxwriter-dev ;;
        *) echo "$1" ;; # hyperfine, npm, python3, cmake, make, git
    esac
}

bench_have() {
    case $1 in
        time) [ -x /usr/bin/time ] && /usr/bin/time --version 2>&1 | grep -q GNU ;;
        *.h) [ -f "/usr/include/$1" ] ;;
        *) command -v "$1" >/dev/null 2>&1 ;;
    esac
}

need() {
    local t missing="" pkgs=""
    for t in "$@"; do
        bench_have "$t" || { missing="$missing $t"; pkgs="$pkgs $(bench_pkg "$t")"; }
    done
    if [ -n "$pkgs" ]; then
        if [ "$(id -u)" != 0 ]; then
            die "missing:$missing. Install them as root (apt-get install -y$pkgs) or run this as root."
        fi
        command -v apt-get >/dev/null 2>&1 \
            || die "missing:$missing, and no apt-get to install them (Debian packages:$pkgs)"
        log "installing:$pkgs"
        if [ -z "${BENCH_APT_UPDATED:-}" ]; then
            apt-get update -qq >&2
            export BENCH_APT_UPDATED=1
        fi
        # shellcheck disable=SC2086 # one word per package
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $pkgs >&2
        for t in "$@"; do
            bench_have "$t" || die "$t still missing after apt-get install -y$pkgs"
        done
    fi
    for t in "$@"; do
        # score.mlr and villages.mlr are Miller 6 DSL (Miller 5 parses neither).
        if [ "$t" = mlr ]; then
            mlr --version | grep -q '^mlr 6\.' || die "Miller 6 needed, found: $(mlr --version)"
        fi
    done
}

engine() {
    if [ -n "${ROSTERFLAG:-}" ]; then
        [ -x "$ROSTERFLAG" ] || die "ROSTERFLAG=$ROSTERFLAG is not an executable"
        return 0
    fi
    need cmake make cc csv.h yaml.h xlsxwriter.h
    ROSTERFLAG=build-rel/rosterflag
    if [ ! -f build-rel/CMakeCache.txt ]; then
        log "configuring build-rel (Release, engine and command line only)"
        cmake -S . -B build-rel -DCMAKE_BUILD_TYPE=Release -DRF_TESTS=OFF -DRF_MAN=OFF \
            -DRF_SHARED=OFF >&2
    fi
    grep -qx 'CMAKE_BUILD_TYPE:STRING=Release' build-rel/CMakeCache.txt \
        || die "build-rel is not a Release build; remove it or set ROSTERFLAG"
    log "building $ROSTERFLAG"
    cmake --build build-rel -j"$(nproc)" --target rosterflag >&2
    export ROSTERFLAG
}

# c_prog BIN SRC LIB...: cc -O2 SRC into BIN with the libraries, when BIN is
# absent or older than SRC.
c_prog() {
    local bin=$1 src=$2
    shift 2
    if [ ! -x "$bin" ] || [ "$src" -nt "$bin" ]; then
        log "building $bin"
        cc -O2 "$src" "$@" -o "$bin"
    fi
}

BARE=$D/bare_parse
bare_parse() {
    need cc csv.h
    c_prog "$BARE" bench/bare_parse.c -lcsv
}

IDEAL=$D/ideal_score
ideal_score() {
    need cc csv.h
    c_prog "$IDEAL" bench/ideal_score.c -lcsv
}

FLOOR=$D/xlsx_floor
xlsx_floor() {
    need cc csv.h xlsxwriter.h
    c_prog "$FLOOR" bench/xlsx_floor.c -lcsv -lxlsxwriter
}

rows() {
    local n
    n=$(printf '%s' "$1" | tr -d ',_')
    case $n in
        '' | *[!0-9]*) die "$2 must be a positive integer, got '$1'" ;;
    esac
    [ "$n" -ge 1 ] || die "$2 must be at least 1"
    printf '%s\n' "$n"
}

# One year-end sheet per N (and shape), regenerated when the generator changed.
yearend() { # N [--wide [--varied]]
    local f=$D/yearend_$1.csv
    [ "${2:-}" = --wide ] && f=$D/yearend_wide_$1.csv
    [ "${3:-}" = --varied ] && f=$D/yearend_wide_varied_$1.csv
    if [ ! -s "$f" ] || [ bench/gen_yearend.py -nt "$f" ]; then
        log "generating $f ($1 rows${2:+, wide}${3:+, varied})"
        python3 bench/gen_yearend.py "$1" "$f" ${2:+"$2"} ${3:+"$3"}
    else
        log "reusing $f"
    fi
    printf '%s\n' "$f"
}

sitting() {
    [ -n "${BENCH_SITTING:-}" ] || python3 bench/table.py header
}

peak() {
    local f=$D/time_${TABLE}_$1
    shift
    /usr/bin/time -v -o "$f.txt" "$@" >/dev/null 2>"$f.err" \
        || { rm -f "$f.txt"; log "failed under /usr/bin/time (see $f.err): $*"; }
}

# The load average before timing: the noise every table should admit to.
load() { cut -d' ' -f1-3 /proc/loadavg; }

# Every table's timing: the load noted (LOAD, printed under the table), the
# named commands (-n NAME CMD ...) timed by hyperfine into $JSON, then this
# table's old RSS logs cleared for the peak runs that follow.
timed() {
    # shellcheck disable=SC2034 # LOAD is read by the script that calls
    LOAD=$(load)
    log "timing with hyperfine (warmup $WARMUP, runs $RUNS)"
    hyperfine -N --style basic --warmup "$WARMUP" --runs "$RUNS" --export-json "$JSON" "$@" >&2
    log "peak RSS (one run each, GNU time -v)"
    rm -f "$D/time_${TABLE}_"*
}

# DuckDB for the wide-sheet peer: from npm into bench/node_modules (git-ignored),
# never a dependency of the engine.
duckdb_node() {
    need node npm
    if [ ! -d bench/node_modules/@duckdb/node-api ]; then
        log "installing @duckdb/node-api into bench/node_modules (npm)"
        npm install --no-save --no-package-lock --prefix bench @duckdb/node-api >&2
    fi
}

# The --threads values to time: 1 and the cores available (once if that is 1).
threads_default() {
    local n
    n=$(nproc)
    if [ "$n" = 1 ]; then echo 1; else echo "1 $n"; fi
}

# 1000000 -> 1,000,000; bytes -> MB (10^6), one decimal (or DIGITS).
commas() { printf '%s\n' "$1" | sed ':a;s/\B[0-9]\{3\}\>/,&/;ta'; }
mb() { awk -v b="$1" -v d="${2:-1}" 'BEGIN { printf "%.*f\n", d, b / 1e6 }'; }
