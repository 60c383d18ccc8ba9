# Every shipped pack (and the tutorial's) passes its own tests with full coverage
# and every threshold pinned (mutation score 100%).
$RF test rules/ docs/tutorial/ --coverage --mutate --fail-under 100
