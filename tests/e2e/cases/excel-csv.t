# CSV that Excel opens: --bom starts the results and the rejects report with a
# UTF-8 byte-order mark; a text cell that begins with = + - @ is written after
# an apostrophe in every CSV (results and rejects), so no spreadsheet runs it
# as a formula, while numbers (a score, a count) stay numbers. JSON lines
# carry the text as it is, and refuse --bom.
P=$PWD/rules/xuanen-twelve-point.yaml
cd "$T"
cat > members.csv <<'EOT'
编号,姓名,性别,出生日期,所在支部,入党日期
M1,"=HYPERLINK(""http://example.org"",""x"")",女,1990-01-01,@支部,2010-01-01
M2,+86 王,男,1980-02-02,-二支部,2005-03-03
M3,田丽,女,1999-10-07,一支部,2021-02-12
EOT
cat > ledger.csv <<'EOT'
编号,日期,代码,备注
M1,2025-03-01,D02,迟到
M2,2025-04-01,D09,经核实
=1+1,2025-05-01,D02,"=HYPERLINK(""http://example.org"",""x"")"
EOT
R="--input members=members.csv --input events=ledger.csv --year 2025 -q"
$RF run "$P" $R --bom -o results.csv -r rejects.csv
echo "exit $?"
echo "-- the first bytes of each file"
head -c 3 results.csv | od -An -tx1
head -c 3 rejects.csv | od -An -tx1
echo "-- without --bom no mark, the cells inert all the same"
$RF run "$P" $R -r /dev/null | head -c 3 | od -An -tx1
$RF run "$P" $R -r /dev/null | cut -d, -f1-4
echo "-- jsonl"
$RF run "$P" $R -r /dev/null -f jsonl | cut -c1-70
$RF run "$P" $R -f jsonl --bom
echo "exit $?"
rm members.csv ledger.csv
