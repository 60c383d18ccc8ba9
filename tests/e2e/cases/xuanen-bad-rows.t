# One of each row fault: short, unknown member, impossible date, unknown code,
# empty id, long row; a blank line; a quoted comma. Rows read = used + outside
# + rejected, and the exit status says rows were rejected.
$RF run rules/xuanen-twelve-point.yaml --input members=samples/xuanen/members.csv \
    --input events=tests/e2e/data/ledger-faults.csv --year 2025 \
    -o "$T/results.csv" -r "$T/rejects.csv"
