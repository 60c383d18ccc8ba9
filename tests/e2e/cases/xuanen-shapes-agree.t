# Both input shapes give the same score, deductions, bonus, level and detail.
$RF run rules/xuanen-twelve-point.yaml -q --input members=samples/xuanen/members.csv \
    --input events=samples/xuanen/ledger.csv --year 2025 -o "$T/ledger.csv"
$RF run rules/xuanen-twelve-point.yaml -q --input members=samples/xuanen/year-end-2025.csv \
    --year 2025 -o "$T/sheet.csv"
cut -d, -f1,4- "$T/ledger.csv" > "$T/a"
cut -d, -f1,4- "$T/sheet.csv" > "$T/b"
cmp "$T/a" "$T/b" && echo "same results from both shapes"
rm "$T/a" "$T/b" "$T/ledger.csv" "$T/sheet.csv"
