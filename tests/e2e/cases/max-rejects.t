# --max-rejects stops the run; the requested output is not left half-written.
$RF run rules/xuanen-twelve-point.yaml --input members=samples/xuanen/members.csv \
    --input events=tests/e2e/data/ledger-faults.csv --year 2025 --max-rejects 2 \
    -o "$T/results.csv" -r "$T/rejects.csv"
