# A previous period's results from another pack, or keyed by another column,
# and a ranking in which no organisation has a score.
printf 'org,level,pack\n铁厂坝村党支部,reminder_letter,luojiang-red-yellow-blue@1.0.0\n李家河村党支部,none,xuanen-last-place@0.9\n' >"$T/other-pack.csv"
printf '乡镇,党组织,考核得分\n李家河镇,李家河村党支部,89\n李家河镇,铁厂坝村党支部,82.5\n' >"$T/orgs.csv"
$RF run rules/xuanen-last-place.yaml --input orgs="$T/orgs.csv" --input previous="$T/other-pack.csv" \
    --year 2025
echo "exit $?"
$RF run rules/xuanen-twelve-point.yaml --input members=samples/xuanen/year-end-2025.csv --year 2025 \
    -o "$T/twelve.csv" -q
$RF run rules/xuanen-last-place.yaml --input orgs="$T/orgs.csv" --input previous="$T/twelve.csv" \
    --year 2025
echo "exit $?"
printf '乡镇,党组织,考核得分\n李家河镇,李家河村党支部,\n李家河镇,铁厂坝村党支部,\n' >"$T/no-scores.csv"
$RF run rules/xuanen-last-place.yaml --input orgs="$T/no-scores.csv" --year 2025
echo "exit $?"
rm "$T/other-pack.csv" "$T/orgs.csv" "$T/twelve.csv" "$T/no-scores.csv"
