# Without --rejects, every rejected row is reported on stderr with file and line.
$RF run rules/xuanen-twelve-point.yaml --input members=samples/xuanen/members.csv \
    --input events=tests/e2e/data/ledger-faults.csv --year 2025 -o "$T/results.csv"
