# The workbook (--format xlsx), read back with openpyxl (tests/e2e/xlsx-check.py)
# and compared with the CSV results and rejects of the same run: numbers and
# dates are real, level cells carry the pack's colours, the summary's counts
# equal the CSV's overall and per group, no cell is a formula.
PY=/usr/bin/python3; [ -x $PY ] || PY=python3
CHECK=tests/e2e/xlsx-check.py
both() { # pack group args...: the same run as CSV and as a workbook, compared
    pack=$1 group=$2; shift 2
    $RF run "$pack" "$@" -q -o "$T/r.csv" -r "$T/rej.csv"
    $RF run "$pack" "$@" -q -f xlsx -o "$T/r.xlsx" -r "$T/rej2.csv"
    echo "exit $?"
    cmp "$T/rej.csv" "$T/rej2.csv" && echo "the same rejects report"
    $PY $CHECK "$T/r.xlsx" "$T/r.csv" "$T/rej.csv" "$pack" $group
}
echo "-- Xuan'en: a hostile name, a birth date, a row rejected, by branch"
sed 's/columns: \[member_id, name, branch,/columns: [member_id, name, birth_date, branch,/' \
    rules/xuanen-twelve-point.yaml > "$T/xuanen.yaml"
cp samples/xuanen/members.csv "$T/members.csv"
echo 'M9001,"=HYPERLINK(""http://example.org"",""x"")",男,1970-01-01,@支部,1990-01-01' >> "$T/members.csv"
cp samples/xuanen/ledger.csv "$T/ledger.csv"
echo '=1+1,2025-05-01,D02,-备注' >> "$T/ledger.csv"
both "$T/xuanen.yaml" branch --input members="$T/members.csv" --input events="$T/ledger.csv" \
    --year 2025 --group-by branch
echo "-- Luojiang: red, yellow and blue warnings"
both rules/luojiang-red-yellow-blue.yaml "" --input villages=samples/luojiang/villages.csv \
    --input team=samples/luojiang/team.csv --as-of 2025-12-31
echo "-- Tongren: a level and a flag, by district"
both rules/tongren-lagging.yaml district --input communities=samples/tongren/communities.csv \
    --year 2025 --group-by district
echo "-- a pack without colours: neutral greys"
grep -v 'color:' rules/luojiang-red-yellow-blue.yaml > "$T/plain.yaml"
both "$T/plain.yaml" "" --input villages=samples/luojiang/villages.csv \
    --input team=samples/luojiang/team.csv --as-of 2025-12-31
echo "-- a workbook is a file; --bom is for CSV"
$RF run rules/tongren-lagging.yaml --input communities=samples/tongren/communities.csv -f xlsx
echo "exit $?"
$RF run rules/tongren-lagging.yaml --input communities=samples/tongren/communities.csv -f xlsx \
    -o "$T/r.xlsx" --bom
echo "exit $?"
echo "-- a colour that is not #RRGGBB"
sed 's/color: "#E02020"/color: red/' rules/luojiang-red-yellow-blue.yaml > "$T/bad.yaml"
$RF check "$T/bad.yaml"
echo "exit $?"
rm -f "$T"/*
