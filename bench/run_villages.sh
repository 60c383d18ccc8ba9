#!/usr/bin/env bash
# bench/run_villages.sh [ROWS] [VILLAGES] — the villages table: rosterflag
# against Miller and the libcsv floor on the Luojiang village-team warnings
# (rules/luojiang-red-yellow-blue.yaml).
#
#   ROWS      team rows      (default 1000000; "1,000,000" / "1_000_000" accepted)
#   VILLAGES  villages       (default 100000; at most ROWS)
#
# Environment:
#   ROSTERFLAG     engine binary (default: build-rel/rosterflag, built Release here)
#   RUNS, WARMUP   hyperfine runs / warmups (default 3 / 1)
#   AS_OF          as-of date (default 2025-12-31)
#
# Installs what is missing (Debian, as root). Writes under bench/data/
# (git-ignored); the table goes to stdout. See bench/README.md, "villages".
set -eu
cd "$(dirname "$0")/.."
BENCH=run_villages.sh
# shellcheck source=bench/lib.sh
. bench/lib.sh

ROWS=$(rows "${1:-1000000}" ROWS)
NV=$(rows "${2:-100000}" VILLAGES)
[ "$ROWS" -ge "$NV" ] || die "need VILLAGES <= ROWS"
if [ "$ROWS" = 2000 ] && [ "$NV" != 200 ]; then
    die "2000 rows is the check set (200 villages); pick another ROWS"
fi
TABLE=villages
RUNS=${RUNS:-3}
WARMUP=${WARMUP:-1}
AS_OF=${AS_OF:-2025-12-31}
RULES=rules/luojiang-red-yellow-blue.yaml
JSON=$D/hyperfine_villages_${ROWS}_$NV.json

need python3 cc csv.h mlr hyperfine time
engine
bare_parse

# Data: (re)generated if absent, the generator is newer, or the team file was
# made for another village count (the stamp team_R.csv.villages).
gen() { # rows villages
    local t=$D/team_$1.csv v=$D/villages_$2.csv
    if [ ! -s "$t" ] || [ ! -s "$v" ] || [ bench/gen_team.py -nt "$t" ] \
        || [ "$(cat "$t.villages" 2>/dev/null)" != "$2" ]; then
        log "generating $t + $v"
        python3 bench/gen_team.py "$1" "$2"
    else
        log "reusing $t + $v"
    fi
}
gen 2000 200
gen "$ROWS" "$NV"
TEAM=$D/team_$ROWS.csv
VILL=$D/villages_$NV.csv
BYTES=$(wc -c <"$TEAM" | tr -d ' ')

# Correctness: rosterflag, Miller and plain Python must agree on every village
# of the check set, at the timed as-of date and at leap-day edges. An engine
# that writes nothing fails here too.
log "checking rosterflag vs Miller vs Python (2,000 rows / 200 villages)"
python3 bench/check_villages.py "$ROSTERFLAG" "$D/villages_200.csv" "$D/team_2000.csv" \
    "$AS_OF" 2025-02-28 2025-03-01 2024-02-29 >&2 || die "the tools disagree; not timing"

CMD_MLR="mlr --icsv --ocsv put -q -s asof=$AS_OF -f bench/villages.mlr $(q "$VILL") $(q "$TEAM")"
CMD_RF="$(q "$ROSTERFLAG") run $RULES --input villages=$(q "$VILL") --input team=$(q "$TEAM") --as-of $AS_OF -o /dev/null -q"
timed -n bare_parse "$(q "$BARE") $(q "$TEAM")" -n miller "$CMD_MLR" -n rosterflag "$CMD_RF"
peak bare_parse "$BARE" "$TEAM"
peak miller mlr --icsv --ocsv put -q -s "asof=$AS_OF" -f bench/villages.mlr "$VILL" "$TEAM"
peak rosterflag "$ROSTERFLAG" run "$RULES" --input villages="$VILL" --input team="$TEAM" \
    --as-of "$AS_OF" -o /dev/null -q

sitting
python3 bench/table.py times "$JSON" bare_parse miller rosterflag \
    --title "### Table: villages — $(commas "$ROWS") team rows, $(commas "$NV") villages; team file $(mb "$BYTES") MB ($TEAM)" \
    --bytes "$BYTES" --rss "$D/time_${TABLE}_" --vs bare_parse --vs miller --cpu-vs bare_parse \
    --summary rosterflag \
    --note "hyperfine -N, warmup $WARMUP, runs $RUNS; load average before timing $LOAD; as-of $AS_OF." \
    --note "MB/s counts the team file only; Miller and rosterflag also read $VILL ($(mb "$(wc -c <"$VILL")" 2) MB)." \
    --note "× X = this row's mean / X's mean (1.00× bare_parse is the libcsv floor; below 1.00× is faster)."
