# The complete example in docs/rule-language.md: its files are extracted from
# the page, the pack is checked and run, and the output must equal the page's.
python3 - docs/rule-language.md "$T" <<'PY'
import re, sys
doc, out = open(sys.argv[1], encoding="utf-8").read(), sys.argv[2]
blocks = re.findall(r"<!-- (file: (\S+)|run|output) -->\n```\w*\n(.*?)```", doc, re.S)
for kind, name, body in blocks:
    if name:
        open(f"{out}/{name}", "w", encoding="utf-8").write(body)
    else:
        open(f"{out}/.{kind}", "w", encoding="utf-8").write(body)
PY
RF=$(cd "$(dirname "$RF")" && pwd)/$(basename "$RF")
cd "$T"
sed "s|^rosterflag |\"\$RF\" |" .run > .run.sh
$RF check volunteer-hours.yaml
sh .run.sh > .got
if diff -u .output .got; then echo "the page's output matches"; fi
rm -f volunteer-hours.yaml members.csv services.csv .run .run.sh .output .got
