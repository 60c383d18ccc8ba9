# Village committees: every village, its level and every reason with values.
$RF run rules/luojiang-red-yellow-blue.yaml --input villages=samples/luojiang/villages.csv \
    --input team=samples/luojiang/team.csv --as-of 2025-12-31
