# --fail-under fails a pack its cases do not cover, listing what was missed.
$RF test tests/e2e/data/tt/failing.test.yaml --coverage --fail-under 100 | tail -n 8
