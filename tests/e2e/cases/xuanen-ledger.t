# Roster + 2025 ledger: every member present, 2024/2026 events outside the year.
$RF run rules/xuanen-twelve-point.yaml --input members=samples/xuanen/members.csv \
    --input events=samples/xuanen/ledger.csv --year 2025
