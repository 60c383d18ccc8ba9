# Forced UTF-8 on a GBK file: the line, byte offset and the option that fixes it.
$RF run rules/xuanen-twelve-point.yaml --input members=tests/e2e/data/members-gbk.csv \
    --encoding utf-8 --year 2025
