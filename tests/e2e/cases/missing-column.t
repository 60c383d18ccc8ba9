# A required column missing: the column and every header name tried.
$RF run rules/xuanen-twelve-point.yaml --input members=tests/e2e/data/members-missing-col.csv --year 2025
