# Two exports joined into one file: the second one's byte-order mark and
# header sit in the middle. That line is rejected, saying so, with its line;
# the rows after it are read.
$RF run rules/xuanen-twelve-point.yaml --input members=tests/e2e/data/members-joined.csv \
    --year 2025
echo "exit $?"
# The same joined from GBK exports, which have no mark: the repeated header
# is rejected too (read as data, it became member 编号, named 姓名).
$RF run rules/xuanen-twelve-point.yaml --input members=tests/e2e/data/members-joined-gbk.csv \
    --year 2025
