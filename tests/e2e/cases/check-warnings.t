# Warnings do not fail check: a measure never used, a level that can never be chosen.
$RF check tests/e2e/data/check-warnings.yaml
