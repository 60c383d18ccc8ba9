# Column titles as offices write them: a bracketed unit suffix (中心工作推进(%)),
# full-width brackets and percent sign and an ideographic space (村名　,
# 中心工作进度（％）) all read as the pack's column; a title that is only close
# to one (中心工作推进情况) is not taken, and the run says which column it
# probably is, and that what reads the missing column is not evaluated (the
# cause in each reason: the header has no such column).
for v in unit-suffix full-width near-title; do
    $RF run rules/luojiang-red-yellow-blue.yaml --input villages=tests/e2e/data/headers/$v.csv \
        --input team=tests/e2e/data/headers/team.csv --as-of 2025-12-31 -q -o -
    echo "exit $?"
done
# --strict: the same sheet is refused (exit 4) and no results file is written.
$RF run rules/luojiang-red-yellow-blue.yaml --input villages=tests/e2e/data/headers/near-title.csv \
    --input team=tests/e2e/data/headers/team.csv --as-of 2025-12-31 -q --strict -o "$T/results.csv"
echo "strict: exit $?"
[ -e "$T/results.csv" ] && echo "results written" || echo "no results written"
