# Auto detection decides on the rest of the block, not the first character:
# a GBK roster whose first name (说, CB B5) happens to be valid UTF-8 is read
# as GB18030, and the note says where and why. A UTF-8 roster cut inside its
# last character stays UTF-8; its last row is rejected, naming the cut.
$RF run rules/xuanen-twelve-point.yaml --input members=tests/e2e/data/members-gbk-utf8-like.csv \
    --year 2025
echo "exit $?"
$RF run rules/xuanen-twelve-point.yaml --input members=tests/e2e/data/members-cut.csv --year 2025
