# Two secretaries, an unknown education label, a village without a team, progress
# over 100, a team row for a village not on the sheet: every village is still
# listed, what could not be computed is said, every problem is in the report.
$RF run rules/luojiang-red-yellow-blue.yaml --input villages=tests/e2e/data/villages-faults.csv \
    --input team=tests/e2e/data/team-faults.csv --as-of 2025-12-31 -r "$T/rejects.csv"
