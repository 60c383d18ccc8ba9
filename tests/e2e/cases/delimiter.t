# Tab- and semicolon-separated files with --delimiter.
$RF run rules/xuanen-twelve-point.yaml -q --input members=tests/e2e/data/yearend-tab.tsv \
    --delimiter tab --year 2025; echo "exit $?"
tr '\t' ';' < tests/e2e/data/yearend-tab.tsv > "$T/semi.csv"
$RF run rules/xuanen-twelve-point.yaml -q --input members="$T/semi.csv" --delimiter ';' \
    --year 2025; echo "exit $?"
rm "$T/semi.csv"
