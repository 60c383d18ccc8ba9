# JSON lines: numbers unquoted, reasons as an array, the pack stamped.
$RF run rules/xuanen-twelve-point.yaml --format jsonl --input members=samples/xuanen/members.csv \
    --input events=samples/xuanen/ledger.csv --year 2025 -q | sed -n '4p;7p;18p;29p'
