# Every shipped pack (and the tutorial's) passes its own tests with full coverage.
$RF test rules/ docs/tutorial/ --coverage --fail-under 100
