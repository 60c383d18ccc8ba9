#!/usr/bin/env bash
# bench/run_duckdb.sh [N] — the DuckDB table: rosterflag against DuckDB and
# the libcsv floor on the wide year-end sheet.
#
#   N   member rows (default 10000000: ~1.06 GB, 24 columns; try 1000000 for
#       a quicker run)
#
# Environment:
#   ROSTERFLAG     engine binary (default: build-rel/rosterflag, built Release here)
#   RUNS, WARMUP   hyperfine runs / warmups (default 3 / 1)
#   THREADS        rosterflag --threads values to time (default "1 CORES")
#   VARIED         non-empty: time gen_yearend.py's --varied sheet instead (no
#                  two members alike, ids shuffled: the engine's worst shape)
#
# DuckDB (@duckdb/node-api) is installed from npm into bench/node_modules on
# the first run: a peer for the benchmark, never a dependency of the engine.
# Before any timing, DuckDB's output on the timed file must equal rosterflag's
# (member_id,name,branch,score,deducted,bonus,level), row for row; a mismatch
# stops the run. Installs what else is missing (Debian, as root). Writes
# under bench/data/ (git-ignored); the table goes to stdout.
set -eu
cd "$(dirname "$0")/.."
BENCH=run_duckdb.sh
# shellcheck source=bench/lib.sh
. bench/lib.sh

N=$(rows "${1:-10000000}" N)
TABLE=duckdb
RUNS=${RUNS:-3}
WARMUP=${WARMUP:-1}
THREADS=${THREADS:-$(threads_default)}
RULES=rules/xuanen-twelve-point.yaml
COLS=member_id,name,branch,score,deducted,bonus,level
JSON=$D/hyperfine_duckdb_$N.json

need python3 cc csv.h hyperfine time
engine
bare_parse
ideal_score
duckdb_node
DATA=$(yearend "$N" --wide ${VARIED:+--varied})
BYTES=$(wc -c <"$DATA" | tr -d ' ')

# Output check on the very file that is timed.
log "checking DuckDB against rosterflag on $DATA"
"$ROSTERFLAG" run "$RULES" --input members="$DATA" --year 2025 -q --columns "$COLS" \
    --output "$D/check_rf.csv"
node bench/duckdb_score.mjs "$DATA" "$D/check_duckdb.csv" 2
python3 - "$D/check_rf.csv" "$D/check_duckdb.csv" "$COLS" <<'EOF' || die "DuckDB and rosterflag disagree; not timing"
import csv, itertools, sys
rf, dk, cols = sys.argv[1], sys.argv[2], sys.argv[3].split(",")
with open(rf, newline="", encoding="utf-8") as a, open(dk, newline="", encoding="utf-8") as b:
    ra, rb = csv.reader(a), csv.reader(b)
    if next(ra) != cols or next(rb) != cols:
        sys.exit("run_duckdb.sh: a header is not " + ",".join(cols))
    n = 0
    for x, y in itertools.zip_longest(ra, rb):
        if x is None or y is None:
            sys.exit("run_duckdb.sh: row counts differ after %d rows" % n)
        if x != y:
            sys.exit("run_duckdb.sh: row %d differs:\n  rosterflag %r\n  duckdb     %r" % (n + 1, x, y))
        n += 1
print("check: %d rows, every score, deduction, bonus and level equal" % n, file=sys.stderr)
EOF
rm -f "$D/check_rf.csv" "$D/check_duckdb.csv"

RF="$(q "$ROSTERFLAG") run $RULES --input members=$(q "$DATA") --year 2025 -q --output /dev/null"
HF=(-n bare_parse "$(q "$BARE") $(q "$DATA")"
    -n duckdb_2t "node bench/duckdb_score.mjs $(q "$DATA") /dev/null 2"
    -n duckdb_1t "node bench/duckdb_score.mjs $(q "$DATA") /dev/null 1")
NAMES="bare_parse duckdb_2t duckdb_1t"
for t in $THREADS; do
    HF+=(-n "rosterflag_t$t" "$RF --threads $t")
    HF+=(-n "rosterflag_cols_t$t" "$RF --threads $t --columns $COLS")
    NAMES="$NAMES rosterflag_t$t rosterflag_cols_t$t"
done
timed "${HF[@]}"
peak bare_parse "$BARE" "$DATA"
peak duckdb_2t node bench/duckdb_score.mjs "$DATA" /dev/null 2
peak duckdb_1t node bench/duckdb_score.mjs "$DATA" /dev/null 1
for t in $THREADS; do
    peak "rosterflag_t$t" "$ROSTERFLAG" run "$RULES" --input members="$DATA" --year 2025 -q \
        --output /dev/null --threads "$t"
    peak "rosterflag_cols_t$t" "$ROSTERFLAG" run "$RULES" --input members="$DATA" --year 2025 -q \
        --output /dev/null --threads "$t" --columns "$COLS"
done

sitting
SUMMARY=()
for t in $THREADS; do SUMMARY+=(--summary "rosterflag_t$t" --summary "rosterflag_cols_t$t"); done
# shellcheck disable=SC2086 # NAMES is a list of words
python3 bench/table.py times "$JSON" $NAMES \
    --title "### Table: DuckDB — wide year-end sheet, $(commas "$N") members, $(mb "$BYTES") MB ($DATA)" \
    --bytes "$BYTES" --rss "$D/time_${TABLE}_" --vs bare_parse --vs duckdb_2t --cpu-vs bare_parse \
    --cpu-vs duckdb_2t "${SUMMARY[@]}" \
    --note "hyperfine -N, warmup $WARMUP, runs $RUNS; load average before timing $LOAD; all $(commas "$N") rows checked equal to DuckDB's first." \
    --note "duckdb_Kt = DuckDB with K threads (timed with node's start-up); rosterflag_tK = --threads K (all eleven result columns); rosterflag_cols_tK = the seven columns DuckDB writes." \
    --note "× X = this row's mean / X's mean (1.00× bare_parse is the libcsv floor; below 1.00× is faster)."
