# Entities that agree on their tally counts and on every column their
# measures and conditions read share one result, remembered (the memo): it
# must be exact. Each row here, run alone (nothing to remember), gives the
# cells the whole file gives, in CSV and JSON lines and with the computed
# columns around the row's own; texts read by a condition (kind), empty
# cells and cells kept as missing (each cause naming its own line) all
# tell results apart (a row run alone keeps its line: blank lines before it
# are read past). The summary counts every row, remembered or not.
D=tests/e2e/data/memo
for fmt in csv jsonl; do
    for cols in "" "--columns total,id,level,kind,big,reasons,note,detail"; do
        $RF run $D/memo.yaml --input people=$D/people.csv --year 2025 -q -f $fmt $cols \
            -o "$T/whole" --rejects "$T/rej"
        : > "$T/alone"
        pad=""
        tail -n +2 $D/people.csv | while IFS= read -r row; do
            printf 'id,kind,since,size,note,A1,A2\n%s%s\n' "$pad" "$row" > "$T/one.csv"
            pad="$pad
"
            $RF run $D/memo.yaml --input people="$T/one.csv" --year 2025 -q -f $fmt $cols \
                -o "$T/out1" --rejects "$T/rej1"
            if [ $fmt = csv ]; then tail -n +2 "$T/out1"; else cat "$T/out1"; fi >> "$T/alone"
        done
        if [ $fmt = csv ]; then tail -n +2 "$T/whole"; else cat "$T/whole"; fi |
            cmp - "$T/alone" && echo "$fmt ${cols:-(all columns)}: every row as when run alone"
    done
done
cat "$T/whole"
$RF run $D/memo.yaml --input people=$D/people.csv --year 2025 -o /dev/null
Y=samples/xuanen/year-end-2025.csv
$RF run rules/xuanen-twelve-point.yaml -q --input members=$Y --year 2025 -o "$T/whole"
: > "$T/alone"
tail -n +2 $Y | while IFS= read -r row; do
    { head -1 $Y; printf '%s\n' "$row"; } > "$T/one.csv"
    $RF run rules/xuanen-twelve-point.yaml -q --input members="$T/one.csv" --year 2025 |
        tail -n +2 >> "$T/alone"
done
tail -n +2 "$T/whole" | cmp - "$T/alone" && echo "year-end sheet: every row as when run alone"
rm -f "$T"/*
