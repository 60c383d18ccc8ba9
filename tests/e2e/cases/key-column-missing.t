# The key and the reference place every row: a header without them is an
# input error naming the column, even when the pack does not mark them
# required (this crashed once, reading the key from a column not there).
$RF run tests/e2e/data/optional-key-pack.yaml --input people=tests/e2e/data/no-key-people.csv \
    --input ev=tests/e2e/data/no-ref-events.csv
echo "exit $?"
$RF run tests/e2e/data/optional-key-pack.yaml --input people=tests/e2e/data/keyed-people.csv \
    --input ev=tests/e2e/data/no-ref-events.csv
echo "exit $?"
$RF check tests/e2e/data/optional-key-pack.yaml --header people=tests/e2e/data/no-key-people.csv
echo "exit $?"
