#!/usr/bin/env bash
# bench/run.sh [N] — time rosterflag against peers on one year-end sheet.
#
#   N   member rows (default 1000000; "1,000,000" and "1_000_000" accepted)
#
# Environment:
#   ROSTERFLAG        engine binary            (default build/rosterflag)
#   ROSTERFLAG_RULES  rule file                (default rules/xuanen-twelve-point.yaml)
#   ROSTERFLAG_FORCE  1 = time the engine even if its smoke run wrote nothing
#   RUNS, WARMUP      hyperfine runs/warmups   (default 3 / 1)
#
# Everything it writes goes under bench/data/ (gitignored). The table goes to
# stdout only; paste it into notes. See bench/README.md for what it means.
set -eu
cd "$(dirname "$0")/.."

N=${1:-1000000}
N=$(printf '%s' "$N" | tr -d ',_')
case $N in
    ''|*[!0-9]*) echo "run.sh: N must be a positive integer, got '$1'" >&2; exit 2 ;;
esac
[ "$N" -ge 1 ] || { echo "run.sh: N must be at least 1" >&2; exit 2; }
RUNS=${RUNS:-3}
WARMUP=${WARMUP:-1}
ROSTERFLAG=${ROSTERFLAG:-build/rosterflag}
RULES=${ROSTERFLAG_RULES:-rules/xuanen-twelve-point.yaml}

D=bench/data
DATA=$D/yearend_$N.csv
BARE=$D/bare_parse
JSON=$D/hyperfine_$N.json
mkdir -p "$D"

for t in python3 mlr hyperfine cc /usr/bin/time; do
    command -v "$t" >/dev/null 2>&1 || { echo "run.sh: missing $t" >&2; exit 1; }
done

log() { printf '== %s\n' "$*" >&2; }

# 1. Data: one file per N; regenerate if absent or the generator changed.
if [ ! -s "$DATA" ] || [ bench/gen_yearend.py -nt "$DATA" ]; then
    log "generating $DATA ($N rows)"
    python3 bench/gen_yearend.py "$N" "$DATA"
else
    log "reusing $DATA"
fi
BYTES=$(wc -c <"$DATA" | tr -d ' ')

# 2. Floor program.
if [ ! -x "$BARE" ] || [ bench/bare_parse.c -nt "$BARE" ]; then
    log "building $BARE"
    cc -O2 bench/bare_parse.c -lcsv -o "$BARE"
fi

# 3. Correctness preflight: Miller must score exactly like Python
#    (2,000 generated rows + hand-written edge cases). A wrong peer is no peer.
log "checking Miller against Python (2,000 rows + edge cases)"
ROSTERFLAG="$( [ -x "$ROSTERFLAG" ] && echo "$ROSTERFLAG" )" python3 bench/check_small.py >&2

# 4. Engine: time it only if it exists, has its rules, and a smoke run works.
RF_OK=0
RF_NOTE=""
if [ ! -x "$ROSTERFLAG" ]; then
    RF_NOTE="skipped: $ROSTERFLAG not found or not executable"
elif [ ! -f "$RULES" ]; then
    RF_NOTE="skipped: rule file $RULES not found"
else
    SMOKE=$D/rosterflag_smoke.out
    rm -f "$SMOKE"
    if ! "$ROSTERFLAG" run "$RULES" --input members="$D/yearend_2000.csv" \
            --year 2025 --output "$SMOKE" >"$D/rosterflag_smoke.log" 2>&1; then
        RF_NOTE="skipped: smoke run on 2,000 rows failed (see $D/rosterflag_smoke.log)"
    elif [ ! -s "$SMOKE" ] && [ "${ROSTERFLAG_FORCE:-0}" != 1 ]; then
        RF_NOTE="skipped: smoke run exited 0 but wrote no output (stub?); ROSTERFLAG_FORCE=1 to time anyway"
    else
        RF_OK=1
    fi
fi
if [ "$RF_OK" = 1 ]; then
    log "rosterflag: $ROSTERFLAG (smoke output: $D/rosterflag_smoke.out)"
else
    log "rosterflag $RF_NOTE"
fi

# 5. Timing: all tools in ONE hyperfine invocation, same file, same machine.
q() { printf '%q' "$1"; }
CMD_BARE="$(q "$BARE") $(q "$DATA")"
# Keep in sync with MLR_CMD in bench/check_small.py.
CMD_MLR="mlr --icsv --ocsv fill-empty -v 0 then put -f bench/score.mlr $(q "$DATA")"
CMD_RF="$(q "$ROSTERFLAG") run $(q "$RULES") --input members=$(q "$DATA") --year 2025 --output /dev/null"

HF=(hyperfine -N --style basic --warmup "$WARMUP" --runs "$RUNS" --export-json "$JSON"
    -n bare_parse "$CMD_BARE" -n miller "$CMD_MLR")
log "timing with hyperfine (warmup $WARMUP, runs $RUNS)"
if [ "$RF_OK" = 1 ]; then
    if ! "${HF[@]}" -n rosterflag "$CMD_RF" >&2; then
        # The engine passed the smoke run but failed on the full file: report
        # the peers anyway (hyperfine aborts the whole batch on a failure).
        RF_OK=0
        RF_NOTE="skipped: failed during timing on $DATA (exit non-zero; rerun: $CMD_RF)"
        log "rosterflag $RF_NOTE; re-timing the peers alone"
        "${HF[@]}" >&2
    fi
else
    "${HF[@]}" >&2
fi

# 6. Peak RSS: one run each under GNU time.
rss() { # name, command...
    local name=$1; shift
    if /usr/bin/time -v -o "$D/time_$name.txt" "$@" >/dev/null 2>"$D/time_$name.err"; then :; else
        echo "run.sh: $name failed under /usr/bin/time (see $D/time_$name.err)" >&2
    fi
}
log "peak RSS (one run each, /usr/bin/time -v)"
rm -f "$D"/time_*.txt "$D"/time_*.err
rss bare_parse "$BARE" "$DATA"
rss miller mlr --icsv --ocsv fill-empty -v 0 "then" put -f bench/score.mlr "$DATA"
[ "$RF_OK" = 1 ] && rss rosterflag "$ROSTERFLAG" run "$RULES" \
    --input members="$DATA" --year 2025 --output /dev/null

# 7. Table.
CPU=$(grep -m1 'model name' /proc/cpuinfo 2>/dev/null | sed 's/.*: //' || true)
VERS="mlr $(mlr --version | sed 's/^mlr //'), $(hyperfine --version), libcsv $(sed -n 's/#define CSV_\(MAJOR\|MINOR\|RELEASE\) *\([0-9]*\).*/\2/p' /usr/include/csv.h | paste -sd. -), $(cc --version | head -1)"
COMMIT=$(git rev-parse --short HEAD 2>/dev/null || echo unknown)
python3 - "$JSON" "$D" "$BYTES" "$N" "$RF_OK" "$RF_NOTE" "${CPU:-unknown}" "$(nproc)" "$VERS" "$COMMIT" "$DATA" "$WARMUP" "$RUNS" <<'EOF'
import json, re, sys, os, datetime
js, d, nbytes, n, rf_ok, rf_note, cpu, ncpu, vers, commit, data, warmup, runs = sys.argv[1:]
nbytes, n = int(nbytes), int(n)
res = {r["command"]: r for r in json.load(open(js))["results"]}

def rss_mib(name):
    try:
        t = open(os.path.join(d, "time_%s.txt" % name)).read()
    except OSError:
        return None
    m = re.search(r"Maximum resident set size \(kbytes\): (\d+)", t)
    return int(m.group(1)) / 1024 if m else None

base = res["bare_parse"]["mean"]
notes = []
print("### rosterflag bench — %s rows, %.1f MB (%s)" % (f"{n:,}", nbytes / 1e6, data))
print()
print("%s; %s CPUs (%s); repo %s; %s" % (
    datetime.datetime.now().strftime("%Y-%m-%d %H:%M"), ncpu, cpu, commit, vers))
print()
print("| tool | mean s (± sd) | cpu s (user+sys) | MB/s | ratio vs bare parse | peak RSS MiB |")
print("|---|---:|---:|---:|---:|---:|")
for name in ("bare_parse", "miller", "rosterflag"):
    r = res.get(name)
    if r is None:
        print("| %s | — | — | — | — | — |" % name)
        notes.append("%s %s" % (name, rf_note))
        continue
    mean, sd = r["mean"], r.get("stddev") or 0.0
    cpu_s = (r.get("user") or 0) + (r.get("system") or 0)
    rss = rss_mib(name)
    print("| %s | %.3f (± %.3f) | %.3f | %.1f | %.2f× | %s |" % (
        name, mean, sd, cpu_s, nbytes / 1e6 / mean, mean / base,
        "%.1f" % rss if rss is not None else "n/a"))
print()
for note in notes:
    print("Note: " + note)
print("MB = 10^6 bytes of input CSV; ratio = tool mean / bare_parse mean (1.00× is the libcsv floor);")
print("hyperfine -N, warmup %s, runs %s, JSON in %s. Figures are relative to peers in this run only."
      % (warmup, runs, js))
EOF
