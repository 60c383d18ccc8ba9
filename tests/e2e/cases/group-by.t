# Results counted per group: --group-by COLUMN (an output column) or the
# pack's report: group_by adds per-group counts of each level and flag to the
# summary, groups in the order first met, and the groups add up to the
# results. The counts are checked here against the results file itself.
P=rules/tongren-lagging.yaml
IN="--input communities=samples/tongren/communities.csv --year 2025"
agree() { # results.csv summary: the summary's groups, recounted from the results
    python3 - "$1" "$2" "$3" <<'EOT'
import csv, sys, collections
rows = list(csv.DictReader(open(sys.argv[1], encoding="utf-8-sig")))
col = sys.argv[3]
want = collections.OrderedDict()
for r in rows:
    g = want.setdefault(r[col], collections.Counter())
    g["results"] += 1
    g[r["level"]] += 1
    for k, v in r.items():
        if v == "true":
            g[k] += 1
got = {}
for line in open(sys.argv[2], encoding="utf-8"):
    if line.startswith("    "):
        name, rest = line.strip().split(": ", 1)
        parts = rest.replace("; flags", ",").replace(";", ",").split(", ")
        c = collections.Counter({"results": int(parts[0])})
        for p in parts[1:]:
            k, v = p.rsplit(" ", 1)
            if int(v):
                c[k] = int(v)
        got[name] = c
ok = list(got) == list(want) and all(got[g] == want[g] for g in want)
print("groups agree with the results file:", ok, "(%d groups, %d results)" % (len(got), len(rows)))
EOT
}
$RF run "$P" $IN --group-by district -o "$T/results.csv" 2>"$T/summary.txt"
echo "exit $?"
cat "$T/summary.txt"
agree "$T/results.csv" "$T/summary.txt" district
echo "-- the pack's report: group_by, and --group-by over it"
sed 's/^output:/report: {group_by: district}\noutput:/' "$P" > "$T/pack.yaml"
$RF run "$T/pack.yaml" $IN -o "$T/results.csv" 2>"$T/summary.txt"
agree "$T/results.csv" "$T/summary.txt" district
$RF run "$T/pack.yaml" $IN --group-by community -o "$T/results.csv" 2>"$T/summary.txt"
agree "$T/results.csv" "$T/summary.txt" community
echo "-- levels only, on the Xuan'en ledger"
X=samples/xuanen
$RF run rules/xuanen-twelve-point.yaml --input members=$X/members.csv \
    --input events=$X/ledger.csv --year 2025 --group-by branch -o "$T/results.csv" 2>"$T/summary.txt"
agree "$T/results.csv" "$T/summary.txt" branch
echo "-- not an output column"
$RF run "$P" $IN --group-by township -o "$T/results.csv"
echo "exit $?"
sed 's/^output:/report: {group_by: distrct}\noutput:/' "$P" > "$T/pack.yaml"
$RF check "$T/pack.yaml"
echo "exit $?"
rm -f "$T/results.csv" "$T/summary.txt" "$T/pack.yaml"
