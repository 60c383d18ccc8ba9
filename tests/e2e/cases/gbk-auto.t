# A GB18030 file (Excel on Chinese Windows) is detected and converted.
$RF run rules/xuanen-twelve-point.yaml --input members=tests/e2e/data/members-gbk.csv --year 2025
