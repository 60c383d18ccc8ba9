# Measures reading each other 7,000 deep load, run and evaluate in order
# (this overflowed the stack: 7,000 deep in the release build, 1,000 under
# ASan), whichever way round they are written; a 3,000-long cycle is one
# error naming it.
python3 - "$T" <<'PY'
import sys
t = sys.argv[1]
head = """rosterflag: 1
pack: {id: chain, version: "1", title: chain}
inputs:
  people:
    key: id
    columns: {id: text, n: integer}
entity: {input: people}
measures:
"""
def pack(name, n, down, cycle):
    lines = []
    for i in range(n):
        nxt = i + 1 if down else i - 1
        if 0 <= nxt < n:
            lines.append(f'  m{i}: "m{nxt} + 1"')
        elif cycle:
            lines.append(f'  m{i}: "m{0 if down else n - 1} + 1"')
        else:
            lines.append(f'  m{i}: "n"')
    tail = f'levels:\n  - id: high\n    any: ["m0 > 7000"]\noutput: {{columns: [id, m0, m{n - 1}]}}\n'
    open(f"{t}/{name}.yaml", "w").write(head + "\n".join(lines) + "\n" + tail)
pack("down", 7000, True, False)
pack("up", 7000, False, False)
pack("cycle", 3000, True, True)
open(f"{t}/people.csv", "w").write("id,n\nA,1\nB,5\n")
PY
$RF run "$T/down.yaml" --input people="$T/people.csv" 2>/dev/null; echo "exit $?"
$RF run "$T/up.yaml" --input people="$T/people.csv" 2>/dev/null; echo "exit $?"
$RF check "$T/cycle.yaml"; echo "exit $?"
rm "$T/down.yaml" "$T/up.yaml" "$T/cycle.yaml" "$T/people.csv"
