# run refuses a broken pack before reading any input.
$RF run tests/e2e/data/typo-pack.yaml --input members=samples/xuanen/members.csv
