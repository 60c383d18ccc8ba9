# Hostile rule files get a clear error, not a stack overflow: 10,000 levels of
# nesting, and a 100,000-character expression.
python3 -c 'print("rosterflag: 1\nx: " + "[" * 10000 + "]" * 10000)' > "$T/deep.yaml"
$RF check "$T/deep.yaml"; echo "exit $?"
python3 - "$T/long.yaml" <<'PY'
import sys
expr = " + ".join(["n"] * 25000)
open(sys.argv[1], "w").write(f"""rosterflag: 1
pack: {{id: long, version: "1", title: long}}
inputs:
  people:
    key: id
    columns: {{id: text, n: integer}}
entity: {{input: people}}
measures:
  big: "{expr}"
""")
PY
$RF check "$T/long.yaml"; echo "exit $?"
rm "$T/deep.yaml" "$T/long.yaml"
