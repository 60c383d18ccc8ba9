#!/usr/bin/env bash
# bench/run_rank.sh [N] — the rankings table: what a ranking costs on a
# year-end sheet.
#
#   N   member rows (default 1000000)
#
# Times the twelve-point pack as shipped against the same pack with a rank
# measure added (each member's place within its branch, and the branch's
# size), on the same generated sheet: a ranking pack reads the sheet twice
# and holds a few bytes per member between the reads (docs/design.md,
# "Rankings"). Both run with --threads 1: a ranking runs on one thread, so
# the ranking's own cost is the difference. Prints wall and CPU time (hyperfine) and peak RSS (GNU time)
# for both, and the extra bytes per member.
#
# Environment: ROSTERFLAG (default: build-rel/rosterflag, built Release here),
# RUNS (default 5), WARMUP (default 1). Installs what is missing (Debian, as
# root). Writes under bench/data/ (git-ignored); the table goes to stdout.
set -eu
cd "$(dirname "$0")/.."
BENCH=run_rank.sh
# shellcheck source=bench/lib.sh
. bench/lib.sh

N=$(rows "${1:-1000000}" N)
TABLE=rank
RUNS=${RUNS:-5}
WARMUP=${WARMUP:-1}
RULES=rules/xuanen-twelve-point.yaml
RANKED=$D/twelve-point-ranked.yaml
JSON=$D/hyperfine_rank_$N.json

need python3 hyperfine time
engine
DATA=$(yearend "$N")

# The same pack plus a ranking: place within the branch, lowest score first,
# and the branch's size, both written to the results.
sed -e 's/^measures:$/measures:\n  branch_place: {rank: score, within: branch}\n  branch_ranked: {group_size: branch_place}/' \
    -e 's/^  columns: \[member_id, name, branch, score, deducted, bonus\]$/  columns: [member_id, name, branch, score, deducted, bonus, branch_place, branch_ranked]/' \
    "$RULES" >"$RANKED"
grep -q 'branch_ranked]' "$RANKED" || die "could not add the rank to $RULES"
"$ROSTERFLAG" check "$RANKED" >/dev/null

RUN_PLAIN=("$ROSTERFLAG" run "$RULES" --input members="$DATA" --year 2025 --output /dev/null -q --threads 1)
RUN_RANKED=("$ROSTERFLAG" run "$RANKED" --input members="$DATA" --year 2025 --output /dev/null -q --threads 1)
# Both must score every member before they are timed (a binary that writes
# nothing would post an impossibly good time).
for pack in "$RULES" "$RANKED"; do
    rm -f "$D/rank_check.csv"
    "$ROSTERFLAG" run "$pack" --input members="$DATA" --year 2025 -q --threads 1 \
        --output "$D/rank_check.csv" || die "the engine failed on $pack"
    [ -s "$D/rank_check.csv" ] || die "$pack: the engine wrote nothing"
    got=$(($(wc -l <"$D/rank_check.csv") - 1))
    [ "$got" = "$N" ] || die "$pack: $got results for $N members"
done
head -1 "$D/rank_check.csv" | grep -q branch_ranked || die "the ranked pack wrote no rank column"
rm -f "$D/rank_check.csv"

words() { local w out=""; for w in "$@"; do out="$out $(q "$w")"; done; printf '%s\n' "${out# }"; }
timed -n plain "$(words "${RUN_PLAIN[@]}")" -n ranked "$(words "${RUN_RANKED[@]}")"
peak plain "${RUN_PLAIN[@]}"
peak ranked "${RUN_RANKED[@]}"

sitting
python3 bench/table.py times "$JSON" plain ranked \
    --title "### Table: rankings — $(commas "$N") members ($DATA)" \
    --label plain=twelve-point --label "ranked=+ rank within branch" \
    --what pack --min --rss "$D/time_${TABLE}_" --vs plain --cpu-vs plain \
    --summary ranked --extra-rss "plain:ranked:$N" \
    --note "hyperfine -N, warmup $WARMUP, runs $RUNS; load average before timing $LOAD; both --threads 1 (a ranking runs on one thread, so the plain pack does too)." \
    --note "× twelve-point = this row's mean / the plain pack's mean."
