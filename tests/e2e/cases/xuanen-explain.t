# explain: the rows that counted, the tallies with the cap, each condition.
$RF explain rules/xuanen-twelve-point.yaml --id M0063 --input members=samples/xuanen/members.csv \
    --input events=samples/xuanen/ledger.csv --year 2025
