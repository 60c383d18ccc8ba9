# Limits are checked when the pack loads, with the place: 65 inputs, 129
# levels and 129 flags are refused by check and by run alike (exit 3), where
# run alone used to refuse them with a usage error and no position. 64 and
# 128 load.
# An input may feed any number of tallies (a row's code used to be looked
# up in the first 16 only).
python3 - "$T" <<'PY'
import sys
t = sys.argv[1]
def pack(name, ninputs, nlevels, ntallies, nflags=0):
    s = ['rosterflag: 1', 'pack: {id: lim, version: "1", title: lim}', 'inputs:',
         '  people:', '    key: id', '    columns: {id: text, n: integer}']
    for i in range(1, ninputs):
        s += [f'  ev{i}:', '    optional: true', '    columns:',
              '      who: {type: text, ref: people}', '      code: text']
    s += ['entity: {input: people}']
    if ntallies:
        s += ['catalogues:']
        for c in range(ntallies):
            s += [f'  cat{c}:', '    fields: {points: integer}', '    items:',
                  f'      - {{code: C{c}, points: {c + 1}}}']
        s += ['tallies:']
        for c in range(ntallies):
            s += [f'  t{c}:', f'    catalogue: cat{c}', '    weight: points',
                  '    from_rows: {input: ev1, code: code}']
        s += ['measures:', '  total: "' + ' + '.join(f't{c}' for c in range(ntallies)) + '"']
    s += ['levels:']
    for l in range(nlevels):
        s += [f'  - id: l{l}', f'    any: ["n > {nlevels - l}"]']
    if nflags:
        s += ['flags:']
        for f in range(nflags):
            s += [f'  - id: f{f}', f'    any: ["n > {f}"]']
    s += ['output: {columns: [id' + (', total' if ntallies else '') + ']}']
    open(f'{t}/{name}.yaml', 'w').write('\n'.join(s) + '\n')
pack('inputs64', 64, 1, 0)
pack('inputs65', 65, 1, 0)
pack('levels128', 2, 128, 0)
pack('levels129', 2, 129, 0)
pack('tallies', 2, 1, 17)
pack('flags128', 2, 1, 0, 128)
pack('flags129', 2, 1, 0, 129)
open(f'{t}/people.csv', 'w').write('id,n\nA,1\nB,40\n')
open(f'{t}/ev.csv', 'w').write('who,code\nA,C0\nA,C16\nB,C16\n')
PY
for f in inputs64 inputs65 levels128 levels129 flags128 flags129; do
    $RF check "$T/$f.yaml"; echo "exit $?"
done
# at the limits, each runs (the summary has a place for everything)
for f in inputs64 levels128 flags128; do
    $RF run "$T/$f.yaml" -q --input people="$T/people.csv" --input ev1="$T/ev.csv" | cut -c1-60; echo "exit $?"
done
$RF run "$T/inputs65.yaml" --input people="$T/people.csv"; echo "exit $?"
$RF run "$T/levels129.yaml" --input people="$T/people.csv"; echo "exit $?"
$RF run "$T/flags129.yaml" --input people="$T/people.csv"; echo "exit $?"
$RF run "$T/tallies.yaml" --input people="$T/people.csv" --input ev1="$T/ev.csv" 2>/dev/null; echo "exit $?"
rm "$T"/*.yaml "$T"/*.csv
