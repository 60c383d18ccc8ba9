# Two exports joined into one file: the second one's byte-order mark and
# header sit in the middle. That line is rejected, saying so, with its line;
# the rows after it are read.
$RF run rules/xuanen-twelve-point.yaml --input members=tests/e2e/data/members-joined.csv \
    --year 2025
