# An independent Python implementation of the scheme (tests/reference) agrees with the engine.
$RF run rules/xuanen-twelve-point.yaml -q --input members=samples/xuanen/members.csv \
    --input events=samples/xuanen/ledger.csv --year 2025 -o "$T/got.csv"
python3 tests/reference/xuanen_ref.py --members samples/xuanen/members.csv \
    --ledger samples/xuanen/ledger.csv --year 2025 > "$T/want.csv"
python3 - "$T/want.csv" "$T/got.csv" <<'PY'
import csv, sys
want = {r["member_id"]: r for r in csv.DictReader(open(sys.argv[1], encoding="utf-8"))}
got = {r["member_id"]: r for r in csv.DictReader(open(sys.argv[2], encoding="utf-8"))}
assert want.keys() == got.keys(), "different members"
bad = [(k, f, want[k][f], got[k][f]) for k in want for f in ("score", "deducted", "bonus", "level")
       if want[k][f] != got[k][f]]
for b in bad:
    print("mismatch", *b)
print(f"{len(want)} members compared, {len(bad)} mismatches")
sys.exit(1 if bad else 0)
PY
rm "$T/want.csv" "$T/got.csv"
