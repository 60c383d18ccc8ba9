#!/usr/bin/env bash
# bench/run.sh [N]         the year-end table: rosterflag against Miller and
#                          the libcsv floor on one N-member sheet
# bench/run.sh --all [N]   every table in one sitting: year-end (N), villages
#                          (N team rows, N/10 villages), DuckDB on the wide
#                          sheet (DUCKDB_N rows, default 10 × N), rankings (N)
#                          and output formats (N)
#
#   N   member rows (default 1000000; "1,000,000" and "1_000_000" accepted).
#       A quick check that everything runs: bench/run.sh --all 20000
#
# Environment:
#   ROSTERFLAG        engine binary (default: build-rel/rosterflag, configured
#                     Release and built by this script)
#   ROSTERFLAG_RULES  rule file (default rules/xuanen-twelve-point.yaml)
#   RUNS, WARMUP      hyperfine runs / warmups (default 3 / 1)
#   THREADS           rosterflag --threads values (default "1 CORES")
#   DUCKDB_N          rows of the wide sheet under --all (default 10 × N)
#
# Installs what is missing (Debian, as root: Miller 6, hyperfine, GNU time,
# node and npm, cmake, libcsv-dev ...; DuckDB from npm into bench/node_modules).
# Everything it writes goes under bench/data/ (git-ignored); the tables go to
# stdout, progress to stderr. See bench/README.md for what they mean.
set -eu
cd "$(dirname "$0")/.."
BENCH=run.sh
# shellcheck source=bench/lib.sh
. bench/lib.sh

ALL=0
if [ "${1:-}" = --all ]; then
    ALL=1
    shift
fi
N=$(rows "${1:-1000000}" N)

if [ "$ALL" = 1 ]; then
    DUCKDB_N=$(rows "${DUCKDB_N:-$((N * 10))}" DUCKDB_N)
    NV=$((N / 10))
    [ "$NV" -ge 1 ] || NV=1
    # Everything first, so no table waits on an install and apt runs once.
    need python3 cc csv.h mlr hyperfine time git
    engine
    bare_parse
    duckdb_node
    if awk -v n="$(nproc)" '{ exit !($1 > n) }' /proc/loadavg; then
        log "load average $(load) on $(nproc) cores: wall times will be noise; read the cpu × columns"
    fi
    export BENCH_SITTING=1
    python3 bench/table.py header
    failed=""
    bash bench/run.sh "$N" || failed="$failed year-end"
    bash bench/run_villages.sh "$N" "$NV" || failed="$failed villages"
    bash bench/run_duckdb.sh "$DUCKDB_N" || failed="$failed DuckDB"
    bash bench/run_rank.sh "$N" || failed="$failed rankings"
    bash bench/run_formats.sh "$N" || failed="$failed formats"
    log "bench/data holds $(du -sh "$D" | cut -f1); remove it when done (the disk may be shared)"
    [ -z "$failed" ] || die "these tables failed (see above):$failed"
    exit 0
fi

TABLE=yearend
RUNS=${RUNS:-3}
WARMUP=${WARMUP:-1}
RULES=${ROSTERFLAG_RULES:-rules/xuanen-twelve-point.yaml}
THREADS=${THREADS:-$(threads_default)}
JSON=$D/hyperfine_yearend_$N.json

need python3 cc csv.h mlr hyperfine time
engine
bare_parse
[ -f "$RULES" ] || die "rule file $RULES not found"
DATA=$(yearend "$N")
BYTES=$(wc -c <"$DATA" | tr -d ' ')

# Correctness first: Miller and the engine must each score exactly like a
# plain Python implementation (2,000 generated rows + hand-written edge
# cases). A wrong peer is no peer; an engine that writes nothing fails here.
log "checking Miller and rosterflag against Python (2,000 rows + edge cases)"
ROSTERFLAG=$ROSTERFLAG python3 bench/check_small.py >&2 || die "the check failed; not timing"

# Timing: every tool in ONE hyperfine run, same file, same machine.
# Keep CMD_MLR in sync with MLR_CMD in bench/check_small.py.
CMD_MLR="mlr --icsv --ocsv fill-empty -v 0 then put -f bench/score.mlr $(q "$DATA")"
CMD_RF="$(q "$ROSTERFLAG") run $(q "$RULES") --input members=$(q "$DATA") --year 2025 -q --output /dev/null"
HF=(-n bare_parse "$(q "$BARE") $(q "$DATA")" -n miller "$CMD_MLR")
NAMES="bare_parse miller"
for t in $THREADS; do
    HF+=(-n "rosterflag_t$t" "$CMD_RF --threads $t")
    NAMES="$NAMES rosterflag_t$t"
done
timed "${HF[@]}"
peak bare_parse "$BARE" "$DATA"
peak miller mlr --icsv --ocsv fill-empty -v 0 "then" put -f bench/score.mlr "$DATA"
for t in $THREADS; do
    peak "rosterflag_t$t" "$ROSTERFLAG" run "$RULES" --input members="$DATA" --year 2025 -q \
        --output /dev/null --threads "$t"
done

sitting
SUMMARY=()
for t in $THREADS; do SUMMARY+=(--summary "rosterflag_t$t"); done
# shellcheck disable=SC2086 # NAMES is a list of words
python3 bench/table.py times "$JSON" $NAMES \
    --title "### Table: year-end — $(commas "$N") members, $(mb "$BYTES") MB ($DATA)" \
    --bytes "$BYTES" --rss "$D/time_${TABLE}_" --vs bare_parse --vs miller --cpu-vs bare_parse \
    "${SUMMARY[@]}" \
    --note "hyperfine -N, warmup $WARMUP, runs $RUNS; load average before timing $LOAD; rosterflag_tK = --threads K." \
    --note "× X = this row's mean / X's mean (1.00× bare_parse is the libcsv floor; below 1.00× is faster)."
