# A previous period's results whose level is not one of the pack's level ids
# (a hand edit, a typo, another scheme's level) is rejected with its line:
# read as it stands it would make 'last place twice in a row' silently false.
printf '乡镇,党组织,考核得分\n李家河镇,李家河村党支部,89\n李家河镇,铁厂坝村党支部,82.5\n李家河镇,高罗村党支部,80\n' >"$T/orgs.csv"
printf 'org,level,pack\n铁厂坝村党支部,reminder_leter,xuanen-last-place@1.0.0\n李家河村党支部,none,xuanen-last-place@1.0.0\n高罗村党支部, reminder_letter ,xuanen-last-place@1.0.0\n' >"$T/previous.csv"
$RF run rules/xuanen-last-place.yaml --input orgs="$T/orgs.csv" --input previous="$T/previous.csv" \
    --year 2025
echo "exit $?"
rm "$T/orgs.csv" "$T/previous.csv"
