#!/usr/bin/env bash
# bench/run_rank.sh [N] — the cost of a ranking on a year-end sheet.
#
#   N   member rows (default 1000000)
#
# Times the twelve-point pack as shipped against the same pack with a rank
# measure added (each member's place within its branch, and the branch's
# size), on the same generated sheet: a ranking pack reads the sheet twice
# and holds a few bytes per member between the reads (docs/design.md,
# "Rankings"). Prints wall time (hyperfine) and peak RSS (/usr/bin/time -v)
# for both, and the extra bytes per member.
#
# Environment: ROSTERFLAG (default build-rel/rosterflag), RUNS (default 5),
# WARMUP (default 1). Writes under bench/data/ (gitignored).
set -eu
cd "$(dirname "$0")/.."

N=${1:-1000000}
N=$(printf '%s' "$N" | tr -d ',_')
case $N in
    ''|*[!0-9]*) echo "run_rank.sh: N must be a positive integer, got '$1'" >&2; exit 2 ;;
esac
RUNS=${RUNS:-5}
WARMUP=${WARMUP:-1}
ROSTERFLAG=${ROSTERFLAG:-build-rel/rosterflag}
RULES=rules/xuanen-twelve-point.yaml
D=bench/data
DATA=$D/yearend_$N.csv
RANKED=$D/twelve-point-ranked.yaml
JSON=$D/hyperfine_rank_$N.json
mkdir -p "$D"

for t in python3 hyperfine /usr/bin/time; do
    command -v "$t" >/dev/null 2>&1 || { echo "run_rank.sh: missing $t" >&2; exit 1; }
done
[ -x "$ROSTERFLAG" ] || { echo "run_rank.sh: $ROSTERFLAG not found (build it Release)" >&2; exit 1; }

if [ ! -s "$DATA" ] || [ bench/gen_yearend.py -nt "$DATA" ]; then
    echo "== generating $DATA ($N rows)" >&2
    python3 bench/gen_yearend.py "$N" "$DATA"
fi

# The same pack plus a ranking: place within the branch, lowest score first,
# and the branch's size, both written to the results.
sed -e 's/^measures:$/measures:\n  branch_place: {rank: score, within: branch}\n  branch_ranked: {group_size: branch_place}/' \
    -e 's/^  columns: \[member_id, name, branch, score, deducted, bonus\]$/  columns: [member_id, name, branch, score, deducted, bonus, branch_place, branch_ranked]/' \
    "$RULES" >"$RANKED"
grep -q branch_ranked] "$RANKED" || { echo "run_rank.sh: could not add the rank to $RULES" >&2; exit 1; }
"$ROSTERFLAG" check "$RANKED" >/dev/null

RUN_PLAIN="$ROSTERFLAG run $RULES --input members=$DATA --year 2025 --output /dev/null -q"
RUN_RANKED="$ROSTERFLAG run $RANKED --input members=$DATA --year 2025 --output /dev/null -q"
hyperfine -N --style basic --warmup "$WARMUP" --runs "$RUNS" --export-json "$JSON" \
    -n plain "$RUN_PLAIN" -n ranked "$RUN_RANKED" >&2

rss() { /usr/bin/time -v "$@" 2>&1 >/dev/null | sed -n 's/.*Maximum resident set size (kbytes): //p'; }
RSS_PLAIN=$(rss $RUN_PLAIN)
RSS_RANKED=$(rss $RUN_RANKED)

python3 - "$JSON" "$N" "$RSS_PLAIN" "$RSS_RANKED" "$(git rev-parse --short HEAD 2>/dev/null || echo unknown)" <<'PY'
import json, sys
js, n, rp, rr, commit = sys.argv[1:]
n, rp, rr = int(n), int(rp), int(rr)
res = {r["command"]: r for r in json.load(open(js))["results"]}
p, r = res["plain"], res["ranked"]
print("### rank bench — %s members, repo %s" % (f"{n:,}", commit))
print()
cpu = lambda x: (x.get("user") or 0) + (x.get("system") or 0)
print("| pack | mean s (± sd) | min s | ratio (mean) | cpu s (user+sys) | ratio (cpu) | peak RSS MiB |")
print("|---|---:|---:|---:|---:|---:|---:|")
print("| twelve-point | %.3f (± %.3f) | %.3f | 1.00× | %.3f | 1.00× | %.1f |" % (
    p["mean"], p["stddev"] or 0, p["min"], cpu(p), rp / 1024))
print("| + rank within branch | %.3f (± %.3f) | %.3f | %.2f× | %.3f | %.2f× | %.1f |" % (
    r["mean"], r["stddev"] or 0, r["min"], r["mean"] / p["mean"], cpu(r), cpu(r) / cpu(p), rr / 1024))
print()
print("extra peak RSS: %.1f MiB = %.1f bytes per member" % ((rr - rp) / 1024, (rr - rp) * 1024 / n))
PY
