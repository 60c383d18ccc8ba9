# Tab- and semicolon-separated files with --delimiter, and without it.
$RF run rules/xuanen-twelve-point.yaml -q --input members=tests/e2e/data/yearend-tab.tsv \
    --delimiter tab --year 2025; echo "exit $?"
tr '\t' ';' < tests/e2e/data/yearend-tab.tsv > "$T/semi.csv"
$RF run rules/xuanen-twelve-point.yaml -q --input members="$T/semi.csv" --delimiter ';' \
    --year 2025; echo "exit $?"
rm "$T/semi.csv"
# Without --delimiter, the missing columns are named and the note says which
# option reads the file.
$RF run rules/xuanen-twelve-point.yaml -q --input members=tests/e2e/data/yearend-tab.tsv \
    --year 2025; echo "exit $?"
tr '\t' ';' < tests/e2e/data/yearend-tab.tsv > "$T/semi.csv"
$RF run rules/xuanen-twelve-point.yaml -q --input members="$T/semi.csv" --year 2025; echo "exit $?"
rm "$T/semi.csv"
