# The worked example in docs/xuanen-cadre-quota.md: its command is
# run as written and must print exactly the page's results and report.
python3 - docs/xuanen-cadre-quota.md "$T" <<'PY'
import re, sys
doc, out = open(sys.argv[1], encoding="utf-8").read(), sys.argv[2]
for kind, body in re.findall(r"<!-- (run|output|report) -->\n```\w*\n(.*?)```", doc, re.S):
    open(f"{out}/.{kind}", "w", encoding="utf-8").write(body)
PY
sed -e "s|^rosterflag |\"\$RF\" |" -e "s|rejects.csv|\"\$T/rejects.csv\"|" "$T/.run" > "$T/.run.sh"
sh "$T/.run.sh" > "$T/.got"
echo "exit $?"
if diff -u "$T/.output" "$T/.got"; then echo "the page's results match"; fi
if diff -u "$T/.report" "$T/rejects.csv"; then echo "the page's report matches"; fi
rm -f "$T/.run" "$T/.run.sh" "$T/.output" "$T/.report" "$T/.got" "$T/rejects.csv"
echo "-- explain, for a pack of flags without levels"
$RF explain rules/xuanen-cadre-quota.yaml --input villages=samples/xuanen/villages.csv \
    --input cadres=samples/xuanen/cadres.csv --id 茶园村 2>/dev/null
