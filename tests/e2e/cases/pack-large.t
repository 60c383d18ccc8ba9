# A pack with 100,000 constants, 100,000 columns and 100,000 measures (each
# reading the next, two constants and a column) loads in seconds: names are
# found by hash, in the YAML maps (repeated keys) and in the loader
# (constants, columns, tallies, measures), where a scan per name took
# minutes. The timeout turns a hang into a failure.
python3 - "$T/large.yaml" <<'PY'
import sys
n = 100000
s = ['rosterflag: 1', 'pack: {id: large, version: "1", title: large}', 'constants:']
s += [f'  k{i}: {i}' for i in range(n)]
s += ['inputs:', '  people:', '    key: id', '    columns:', '      id: text', '      n: integer']
s += [f'      c{i}: integer' for i in range(n)]
s += ['entity: {input: people}', 'measures:']
s += [f'  m{i}: "m{i + 1} + k{i} - k{i} + coalesce(c{i}, 1)"' for i in range(n - 1)]
s += [f'  m{n - 1}: "n"']
s += ['levels:', '  - id: high', '    any: ["m0 > 100000"]', 'output: {columns: [id, m0]}']
open(sys.argv[1], 'w').write('\n'.join(s) + '\n')
PY
printf 'id,n\nA,1\nB,5\n' >"$T/people.csv"
timeout 60 $RF run "$T/large.yaml" --input people="$T/people.csv" 2>/dev/null; echo "exit $?"
rm "$T/large.yaml" "$T/people.csv"
