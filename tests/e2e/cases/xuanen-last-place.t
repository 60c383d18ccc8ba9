# Last place within each township, and last place twice in a row: the 2024
# results, written by run, are read back as the previous period of 2025.
$RF run rules/xuanen-last-place.yaml --input orgs=samples/xuanen/orgs-2024.csv --year 2024 \
    -o "$T/results-2024.csv"
echo "exit $?"
$RF run rules/xuanen-last-place.yaml --input orgs=samples/xuanen/orgs-2025.csv \
    --input previous="$T/results-2024.csv" --year 2025 -o "$T/results-2025.csv"
echo "exit $?"
