# --columns: only the result columns asked for, in the order asked, in CSV and
# JSON lines; the same values as the full results (checked by cutting the full
# file); a flag and the fixed columns can be chosen; a wrong name is a usage
# error naming every column there is, before anything is read.
D=tests/e2e/data/flags
Y=samples/xuanen/year-end-2025.csv
$RF run rules/xuanen-twelve-point.yaml -q --input members=$Y --year 2025 \
    --columns score,member_id,level; echo "exit $?"
$RF run rules/xuanen-twelve-point.yaml -q --input members=$Y --year 2025 > "$T/all.csv"
$RF run rules/xuanen-twelve-point.yaml -q --input members=$Y --year 2025 \
    --columns member_id,name,branch,score,deducted,bonus,level,level_label,reasons,detail,pack \
    | cmp - "$T/all.csv" && echo "every column named in order: the full results, byte for byte"
python3 - "$T/all.csv" <<'EOT' > "$T/cut.csv"
import csv, sys
rows = list(csv.reader(open(sys.argv[1], newline="", encoding="utf-8")))
w = csv.writer(sys.stdout, lineterminator="\n")
for r in rows:
    w.writerow([r[8], r[0], r[9]])
EOT
$RF run rules/xuanen-twelve-point.yaml -q --input members=$Y --year 2025 \
    --columns reasons,member_id,detail | cmp - "$T/cut.csv" && echo "reasons,member_id,detail: the full results' cells"
rm "$T/all.csv" "$T/cut.csv"
echo "-- jsonl"
$RF run rules/xuanen-twelve-point.yaml -q --input members=$Y --year 2025 -f jsonl \
    --columns member_id,reasons | head -3
echo "-- a flag"
$RF run $D/communities.yaml --input communities=$D/communities.csv --year 2025 -q \
    --columns space_short,level; echo "exit $?"
echo "-- errors"
$RF run rules/xuanen-twelve-point.yaml -q --input members=$Y --year 2025 --columns scroe,level; echo "exit $?"
$RF run rules/xuanen-twelve-point.yaml -q --input members=$Y --year 2025 --columns level,level; echo "exit $?"
$RF run rules/xuanen-twelve-point.yaml -q --input members=$Y --year 2025 --columns score,; echo "exit $?"
$RF run rules/xuanen-twelve-point.yaml -q --year 2025 --columns; echo "exit $?"
$RF run rules/xuanen-twelve-point.yaml -q --input members=$Y --year 2025 -f xlsx -o "$T/x.xlsx" \
    --columns score; echo "exit $?"
