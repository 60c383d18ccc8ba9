#!/usr/bin/env bash
# bench/run_villages.sh [ROWS] [VILLAGES] — time rosterflag against peers on
# the Luojiang village-team warnings (rules/luojiang-red-yellow-blue.yaml).
#
#   ROWS      team rows      (default 1000000; "1,000,000" / "1_000_000" accepted)
#   VILLAGES  villages       (default 100000)
#
# Environment:
#   ROSTERFLAG        engine binary  (default build-rel/rosterflag)
#   ROSTERFLAG_FORCE  1 = time the engine even if its smoke run wrote nothing
#   RUNS, WARMUP      hyperfine runs/warmups (default 3 / 1)
#   AS_OF             as-of date     (default 2025-12-31)
#
# Everything it writes goes under bench/data/ (gitignored). The table goes to
# stdout only. See bench/README.md ("Village benchmark").
set -eu
cd "$(dirname "$0")/.."

num() { printf '%s' "$1" | tr -d ',_'; }
ROWS=$(num "${1:-1000000}")
NV=$(num "${2:-100000}")
for x in "$ROWS" "$NV"; do
    case $x in ''|*[!0-9]*) echo "run_villages.sh: ROWS and VILLAGES must be positive integers" >&2; exit 2 ;; esac
done
[ "$NV" -ge 1 ] && [ "$ROWS" -ge "$NV" ] || { echo "run_villages.sh: need 1 <= VILLAGES <= ROWS" >&2; exit 2; }
RUNS=${RUNS:-3}
WARMUP=${WARMUP:-1}
AS_OF=${AS_OF:-2025-12-31}
ROSTERFLAG=${ROSTERFLAG:-build-rel/rosterflag}
RULES=rules/luojiang-red-yellow-blue.yaml

D=bench/data
BARE=$D/bare_parse
JSON=$D/hyperfine_villages_${ROWS}_${NV}.json
mkdir -p "$D"
for t in python3 mlr hyperfine cc /usr/bin/time; do
    command -v "$t" >/dev/null 2>&1 || { echo "run_villages.sh: missing $t" >&2; exit 1; }
done
log() { printf '== %s\n' "$*" >&2; }

# 1. Data: (re)generate if absent, the generator is newer, or the team file
#    was made for another village count (stamp team_R.csv.villages).
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
SMALL_T=$D/team_2000.csv SMALL_V=$D/villages_200.csv
if [ "$ROWS" = 2000 ] && [ "$NV" != 200 ]; then
    echo "run_villages.sh: 2000 rows is the check set (200 villages); pick another ROWS" >&2; exit 2
fi
gen "$ROWS" "$NV"
TEAM=$D/team_$ROWS.csv VILL=$D/villages_$NV.csv
BYTES=$(wc -c <"$TEAM" | tr -d ' ')

# 2. Floor program (as bench/run.sh).
if [ ! -x "$BARE" ] || [ bench/bare_parse.c -nt "$BARE" ]; then
    log "building $BARE"
    cc -O2 bench/bare_parse.c -lcsv -o "$BARE"
fi

# 3. Engine smoke run on the check set: must exit 0 and write results.
[ -x "$ROSTERFLAG" ] || { echo "run_villages.sh: $ROSTERFLAG not found (build it first)" >&2; exit 1; }
SMOKE=$D/rosterflag_villages_smoke.csv
rm -f "$SMOKE"
"$ROSTERFLAG" run "$RULES" --input villages="$SMALL_V" --input team="$SMALL_T" \
    --as-of "$AS_OF" -o "$SMOKE" -q >"$D/rosterflag_villages_smoke.log" 2>&1 \
    || { echo "run_villages.sh: engine smoke run failed (see $D/rosterflag_villages_smoke.log)" >&2; exit 1; }
if [ "$(wc -l <"$SMOKE" 2>/dev/null || echo 0)" -ne 201 ] && [ "${ROSTERFLAG_FORCE:-0}" != 1 ]; then
    echo "run_villages.sh: engine smoke run exited 0 but did not write 200 results (stub?); ROSTERFLAG_FORCE=1 to time anyway" >&2
    exit 1
fi

# 4. Correctness: rosterflag, Miller and plain Python must agree on every
#    village (avg_age, secretary_age, young, college_share, progress, level)
#    on the check set, at the timed as-of date and at leap-day edges.
log "checking rosterflag vs Miller vs Python (2,000 rows / 200 villages)"
python3 bench/check_villages.py "$ROSTERFLAG" "$SMALL_V" "$SMALL_T" \
    "$AS_OF" 2025-02-28 2025-03-01 2024-02-29 >&2 \
    || { echo "run_villages.sh: the tools disagree; not timing" >&2; exit 1; }

# 5. Timing: all three in ONE hyperfine run.
q() { printf '%q' "$1"; }
CMD_BARE="$(q "$BARE") $(q "$TEAM")"
CMD_MLR="mlr --icsv --ocsv put -q -s asof=$AS_OF -f bench/villages.mlr $(q "$VILL") $(q "$TEAM")"
CMD_RF="$(q "$ROSTERFLAG") run $RULES --input villages=$(q "$VILL") --input team=$(q "$TEAM") --as-of $AS_OF -o /dev/null -q"
log "timing with hyperfine (warmup $WARMUP, runs $RUNS)"
hyperfine -N --style basic --warmup "$WARMUP" --runs "$RUNS" --export-json "$JSON" \
    -n bare_parse "$CMD_BARE" -n miller "$CMD_MLR" -n rosterflag "$CMD_RF" >&2

# 6. Peak RSS: one run each under GNU time.
rss() { # name, command...
    local name=$1; shift
    /usr/bin/time -v -o "$D/time_villages_$name.txt" "$@" >/dev/null 2>"$D/time_villages_$name.err" \
        || echo "run_villages.sh: $name failed under /usr/bin/time (see $D/time_villages_$name.err)" >&2
}
log "peak RSS (one run each, /usr/bin/time -v)"
rss bare_parse "$BARE" "$TEAM"
rss miller mlr --icsv --ocsv put -q -s "asof=$AS_OF" -f bench/villages.mlr "$VILL" "$TEAM"
rss rosterflag "$ROSTERFLAG" run "$RULES" --input villages="$VILL" --input team="$TEAM" --as-of "$AS_OF" -o /dev/null -q

# 7. Table.
CPU=$(grep -m1 'model name' /proc/cpuinfo 2>/dev/null | sed 's/.*: //' || true)
VERS="mlr $(mlr --version | sed 's/^mlr //'), $(hyperfine --version), $(cc --version | head -1)"
COMMIT=$(git rev-parse --short HEAD 2>/dev/null || echo unknown)
python3 - "$JSON" "$D" "$BYTES" "$ROWS" "$NV" "${CPU:-unknown}" "$(nproc)" "$VERS" "$COMMIT" "$TEAM" "$VILL" "$WARMUP" "$RUNS" <<'PY'
import json, re, sys, os, datetime
js, d, nbytes, rows, nv, cpu, ncpu, vers, commit, team, vill, warmup, runs = sys.argv[1:]
nbytes = int(nbytes)
res = {r["command"]: r for r in json.load(open(js))["results"]}

def rss_mib(name):
    try:
        t = open(os.path.join(d, "time_villages_%s.txt" % name)).read()
    except OSError:
        return None
    m = re.search(r"Maximum resident set size \(kbytes\): (\d+)", t)
    return int(m.group(1)) / 1024 if m else None

base, mlr = res["bare_parse"]["mean"], res["miller"]["mean"]
print("### rosterflag village bench — %s team rows, %s villages; team file %.1f MB (%s)"
      % (f"{int(rows):,}", f"{int(nv):,}", nbytes / 1e6, team))
print()
print("%s; %s CPUs (%s); repo %s; %s" % (
    datetime.datetime.now().strftime("%Y-%m-%d %H:%M"), ncpu, cpu, commit, vers))
print()
print("| tool | mean s (± sd) | cpu s (user+sys) | MB/s | ratio vs bare parse | ratio vs Miller | peak RSS MiB |")
print("|---|---:|---:|---:|---:|---:|---:|")
for name in ("bare_parse", "miller", "rosterflag"):
    r = res[name]
    mean, sd = r["mean"], r.get("stddev") or 0.0
    cpu_s = (r.get("user") or 0) + (r.get("system") or 0)
    rss = rss_mib(name)
    print("| %s | %.3f (± %.3f) | %.3f | %.1f | %.2f× | %.2f× | %s |" % (
        name, mean, sd, cpu_s, nbytes / 1e6 / mean, mean / base, mean / mlr,
        "%.1f" % rss if rss is not None else "n/a"))
print()
print("MB = 10^6 bytes of the team CSV (miller and rosterflag also read %s, %.2f MB, not counted);"
      % (vill, os.path.getsize(vill) / 1e6))
print("ratio = tool mean / reference mean (below 1.00× vs Miller = faster than Miller);")
print("hyperfine -N, warmup %s, runs %s, JSON in %s. Figures are relative to peers in this run only."
      % (warmup, runs, js))
PY
