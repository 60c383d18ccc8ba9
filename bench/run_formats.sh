#!/usr/bin/env bash
# bench/run_formats.sh [N] — the output-formats table: the twelve-point pack
# on an N-member year-end sheet writing csv, jsonl, html and xlsx, each with
# and without --group-by branch.
#
#   N   member rows (default 1000000)
#
# Each run writes a real file (a workbook cannot go to /dev/null) under
# bench/data/, with --threads 1 for every format (the workbook and the page
# run on one thread; so csv and jsonl do too, and the CPU columns compare like
# with like). CPU time is the measure: "cpu × csv" is what a format costs
# over the plain CSV.
#
# Environment: ROSTERFLAG (default: build-rel/rosterflag, built Release here),
# RUNS (default 3), WARMUP (default 1). Installs what is missing (Debian, as
# root). The table goes to stdout.
set -eu
cd "$(dirname "$0")/.."
BENCH=run_formats.sh
# shellcheck source=bench/lib.sh
. bench/lib.sh

N=$(rows "${1:-1000000}" N)
TABLE=formats
RUNS=${RUNS:-3}
WARMUP=${WARMUP:-1}
RULES=rules/xuanen-twelve-point.yaml
JSON=$D/hyperfine_formats_$N.json

need python3 hyperfine time
engine
DATA=$(yearend "$N")

HF=()
NAMES="" SIZES=() LABELS=() CMDS=()
for fmt in csv jsonl html xlsx; do
    for grouped in "" _grouped; do
        name=$fmt$grouped
        out=$D/formats_$name.$fmt
        cmd=("$ROSTERFLAG" run "$RULES" --input members="$DATA" --year 2025 -q --threads 1
             -f "$fmt" -o "$out")
        [ -z "$grouped" ] || cmd+=(--group-by branch)
        # A smoke run: the format must work and write something before it is timed.
        rm -f "$out"
        "${cmd[@]}" || die "$name: the engine failed (${cmd[*]})"
        [ -s "$out" ] || die "$name: the engine wrote nothing to $out"
        line=""
        for w in "${cmd[@]}"; do line="$line $(q "$w")"; done
        HF+=(-n "$name" "${line# }")
        CMDS+=("${line# }")
        NAMES="$NAMES $name"
        SIZES+=(--size "$name=$out")
        [ -z "$grouped" ] || LABELS+=(--label "$name=$fmt --group-by branch")
    done
done
timed "${HF[@]}"
i=0
for name in $NAMES; do
    # CMDS holds each command quoted for a shell (as hyperfine takes it).
    eval "set -- ${CMDS[$i]}"
    peak "$name" "$@"
    i=$((i + 1))
done

sitting
# shellcheck disable=SC2086 # NAMES is a list of words
python3 bench/table.py times "$JSON" $NAMES \
    --title "### Table: output formats — $(commas "$N") members ($DATA)" \
    --what format --rss "$D/time_${TABLE}_" --vs csv --cpu-vs csv "${SIZES[@]}" "${LABELS[@]}" \
    --summary xlsx --summary html --summary jsonl \
    --note "hyperfine -N, warmup $WARMUP, runs $RUNS; load average before timing $LOAD; --threads 1; output to a file under $D." \
    --note "cpu × csv = this row's CPU time / the plain CSV's (the measure: what the format costs); × csv the same for wall time."

# The workbook's floor: libxlsxwriter alone writing the cells of the xlsx row
# (bench/xlsx_floor.c reads the csv row's results, then writes and times only
# the workbook), best of RUNS.
xlsx_floor
log "the workbook's floor ($FLOOR), $RUNS runs"
: >"$D/formats_floor.txt"
for _ in $(seq "$RUNS"); do
    "$FLOOR" "$D/formats_csv.csv" "$D/formats_floor.xlsx" --drop level --drop pack \
        --fill level_label --plain 无 >>"$D/formats_floor.txt" || die "the floor program failed"
done
python3 - "$JSON" "$D/formats_floor.txt" <<'PY'
import json, re, sys
runs = {r["command"]: r for r in json.load(open(sys.argv[1]))["results"]}
cpu = {k: r["user"] + r["system"] for k, r in runs.items()}
best = min((float(re.search(r"write_cpu_s=(\S+)", l).group(1)),
            float(re.search(r"write_wall_s=(\S+)", l).group(1))) for l in open(sys.argv[2]))
print("The workbook's floor (`bench/xlsx_floor.c`: libxlsxwriter alone, constant memory, "
      "the xlsx row's cells): write CPU %.2f s, wall %.2f s (best of %d); %.1f× the csv row's "
      "CPU; the xlsx row's CPU is %.2f× the floor."
      % (best[0], best[1], sum(1 for _ in open(sys.argv[2])), best[0] / cpu["csv"],
         cpu["xlsx"] / best[0]))
PY
rm -f "$D"/formats_*
