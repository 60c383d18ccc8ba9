#!/usr/bin/env bash
# bench/run_duckdb.sh [N] — rosterflag against DuckDB on the wide year-end sheet.
#
#   N   member rows (default 10000000: ~1.06 GB, 24 columns)
#
# Environment:
#   ROSTERFLAG        engine binary            (default build/rosterflag)
#   RUNS, WARMUP      hyperfine runs/warmups   (default 3 / 1)
#   THREADS           rosterflag --threads values to time, if the binary has
#                     the option (default "1 2"; empty: run without it)
#
# DuckDB (@duckdb/node-api) is installed from npm into bench/node_modules on
# the first run: a peer for the benchmark, never a dependency of the engine.
# Before any timing, DuckDB's output on the timed file must equal rosterflag's
# (member_id,name,branch,score,deducted,bonus,level), row for row; a mismatch
# stops the run. Everything written goes under bench/data/ (gitignored); the
# table goes to stdout. See bench/README.md.
set -eu
cd "$(dirname "$0")/.."

N=${1:-10000000}
N=$(printf '%s' "$N" | tr -d ',_')
case $N in
    ''|*[!0-9]*) echo "run_duckdb.sh: N must be a positive integer, got '$1'" >&2; exit 2 ;;
esac
RUNS=${RUNS:-3}
WARMUP=${WARMUP:-1}
ROSTERFLAG=${ROSTERFLAG:-build/rosterflag}
THREADS=${THREADS-1 2}
RULES=rules/xuanen-twelve-point.yaml
COLS=member_id,name,branch,score,deducted,bonus,level

D=bench/data
DATA=$D/yearend_wide_$N.csv
BARE=$D/bare_parse
JSON=$D/hyperfine_duckdb_$N.json
mkdir -p "$D"
log() { printf '== %s\n' "$*" >&2; }

for t in python3 node npm hyperfine cc /usr/bin/time; do
    command -v "$t" >/dev/null 2>&1 || { echo "run_duckdb.sh: missing $t" >&2; exit 1; }
done
[ -x "$ROSTERFLAG" ] || { echo "run_duckdb.sh: no engine at $ROSTERFLAG (set ROSTERFLAG)" >&2; exit 1; }

if [ ! -d bench/node_modules/@duckdb/node-api ]; then
    log "installing @duckdb/node-api into bench/node_modules"
    npm install --no-save --no-package-lock --prefix bench @duckdb/node-api >&2
fi
DUCKDB_VER=$(node -p "require('./bench/node_modules/@duckdb/node-api/package.json').version")

if [ ! -s "$DATA" ] || [ bench/gen_yearend.py -nt "$DATA" ]; then
    log "generating $DATA ($N rows, wide)"
    python3 bench/gen_yearend.py "$N" "$DATA" --wide
else
    log "reusing $DATA"
fi
BYTES=$(wc -c <"$DATA" | tr -d ' ')
if [ ! -x "$BARE" ] || [ bench/bare_parse.c -nt "$BARE" ]; then
    log "building $BARE"
    cc -O2 bench/bare_parse.c -lcsv -o "$BARE"
fi

# rosterflag writes only the columns DuckDB computes when it can (--columns);
# an older binary writes all of them and the check picks the seven.
RF_COLS=()
"$ROSTERFLAG" run --help 2>&1 | grep -q -- '--columns' && RF_COLS=(--columns "$COLS")
HAS_THREADS=0
"$ROSTERFLAG" run --help 2>&1 | grep -q -- '--threads' && HAS_THREADS=1
[ "$HAS_THREADS" = 1 ] || THREADS=""

# Output check on the very file that is timed.
log "checking DuckDB against rosterflag on $DATA"
"$ROSTERFLAG" run "$RULES" --input members="$DATA" --year 2025 -q "${RF_COLS[@]}" \
    --output "$D/check_rf.csv"
node bench/duckdb_score.mjs "$DATA" "$D/check_duckdb.csv" 2
python3 - "$D/check_rf.csv" "$D/check_duckdb.csv" "$COLS" <<'EOF'
import csv, itertools, sys
rf, dk, cols = sys.argv[1], sys.argv[2], sys.argv[3].split(",")
with open(rf, newline="", encoding="utf-8") as a, open(dk, newline="", encoding="utf-8") as b:
    ra, rb = csv.reader(a), csv.reader(b)
    ha = next(ra)
    idx = [ha.index(c) for c in cols]
    if next(rb) != cols:
        sys.exit("run_duckdb.sh: DuckDB header is not " + ",".join(cols))
    n = 0
    for x, y in itertools.zip_longest(ra, rb):
        if x is None or y is None:
            sys.exit("run_duckdb.sh: row counts differ after %d rows" % n)
        x = [x[i] for i in idx]
        if x != y:
            sys.exit("run_duckdb.sh: row %d differs:\n  rosterflag %r\n  duckdb     %r" % (n + 1, x, y))
        n += 1
print("check: %d rows, every score, deduction, bonus and level equal" % n, file=sys.stderr)
EOF
rm -f "$D/check_rf.csv" "$D/check_duckdb.csv"

q() { printf '%q' "$1"; }
RF="$(q "$ROSTERFLAG") run $RULES --input members=$(q "$DATA") --year 2025 -q --output /dev/null"
HF=(hyperfine -N --style basic --warmup "$WARMUP" --runs "$RUNS" --export-json "$JSON"
    -n bare_parse "$(q "$BARE") $(q "$DATA")"
    -n duckdb_2t "node bench/duckdb_score.mjs $(q "$DATA") /dev/null 2"
    -n duckdb_1t "node bench/duckdb_score.mjs $(q "$DATA") /dev/null 1")
NAMES="bare_parse duckdb_2t duckdb_1t"
if [ -z "$THREADS" ]; then
    HF+=(-n rosterflag "$RF")
    NAMES="$NAMES rosterflag"
    [ ${#RF_COLS[@]} = 0 ] || { HF+=(-n rosterflag_cols "$RF --columns $COLS"); NAMES="$NAMES rosterflag_cols"; }
else
    for t in $THREADS; do
        HF+=(-n "rosterflag_t$t" "$RF --threads $t")
        HF+=(-n "rosterflag_cols_t$t" "$RF --threads $t --columns $COLS")
        NAMES="$NAMES rosterflag_t$t rosterflag_cols_t$t"
    done
fi
log "timing with hyperfine (warmup $WARMUP, runs $RUNS)"
"${HF[@]}" >&2

log "peak RSS (one run each, /usr/bin/time -v)"
rm -f "$D"/dtime_*.txt
/usr/bin/time -v -o "$D/dtime_bare_parse.txt" "$BARE" "$DATA" >/dev/null
/usr/bin/time -v -o "$D/dtime_duckdb_2t.txt" node bench/duckdb_score.mjs "$DATA" /dev/null 2
/usr/bin/time -v -o "$D/dtime_duckdb_1t.txt" node bench/duckdb_score.mjs "$DATA" /dev/null 1
for name in $NAMES; do
    case $name in rosterflag*) ;; *) continue ;; esac
    extra=()
    case $name in *_t*) extra+=(--threads "${name##*_t}") ;; esac
    case $name in *cols*) extra+=(--columns "$COLS") ;; esac
    /usr/bin/time -v -o "$D/dtime_$name.txt" "$ROSTERFLAG" run $RULES --input members="$DATA" \
        --year 2025 -q --output /dev/null "${extra[@]}"
done

CPU=$(grep -m1 'model name' /proc/cpuinfo 2>/dev/null | sed 's/.*: //' || true)
python3 - "$JSON" "$D" "$BYTES" "$N" "${CPU:-unknown}" "$(nproc)" "$DUCKDB_VER" \
    "$(git rev-parse --short HEAD 2>/dev/null || echo unknown)" "$WARMUP" "$RUNS" \
    "$(cut -d' ' -f1-3 /proc/loadavg)" $NAMES <<'EOF'
import datetime, json, os, re, sys
js, d, nbytes, n, cpu, ncpu, dver, commit, warmup, runs, load = sys.argv[1:12]
names = sys.argv[12:]
nbytes, n = int(nbytes), int(n)
res = {r["command"]: r for r in json.load(open(js))["results"]}

def rss(name):
    try:
        t = open(os.path.join(d, "dtime_%s.txt" % name)).read()
    except OSError:
        return None
    m = re.search(r"Maximum resident set size \(kbytes\): (\d+)", t)
    return int(m.group(1)) / 1024 if m else None

base, duck = res["bare_parse"]["mean"], res["duckdb_2t"]["mean"]
print("### wide year-end sheet — %s rows, %.1f MB" % (f"{n:,}", nbytes / 1e6))
print()
print("%s; %s CPUs (%s); load average before timing %s; repo %s; DuckDB %s (node-api), %s"
      % (datetime.datetime.now().strftime("%Y-%m-%d %H:%M"), ncpu, cpu, load, commit, dver,
         "warmup %s, runs %s" % (warmup, runs)))
print()
print("| tool | mean s (± sd) | cpu s | MB/s | vs bare parse | vs DuckDB 2 threads | peak RSS MiB |")
print("|---|---:|---:|---:|---:|---:|---:|")
for name in names:
    r = res[name]
    m, sd = r["mean"], r.get("stddev") or 0.0
    cpu_s = (r.get("user") or 0) + (r.get("system") or 0)
    mib = rss(name)
    print("| %s | %.3f (± %.3f) | %.3f | %.1f | %.2f× | %.2f× | %s |" % (
        name, m, sd, cpu_s, nbytes / 1e6 / m, m / base, m / duck,
        "%.1f" % mib if mib is not None else "n/a"))
print()
print("vs = tool mean / that row's mean (below 1.00× is faster). Ratios hold for this sitting only.")
EOF
