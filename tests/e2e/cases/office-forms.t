# A 60-row team roster as a county office keeps it (出生年月 written 1968.05,
# 1968.5, 1968年5月, 1968-05 and 196805; posts written together, 党支部书记、
# 村委会主任; education as 大学本科, 大学专科, 在职研究生, 全日制专科) scores
# exactly as its tidy twin (出生日期 on the month's first day, 书记兼主任, 本科).
d=tests/e2e/data/office-forms
for t in tidy office; do
    $RF run rules/luojiang-red-yellow-blue.yaml --input villages=$d/villages.csv \
        --input team=$d/team-$t.csv --as-of 2025-12-31 -q -o "$T/$t.csv"
    echo "$t: exit $?"
done
cmp "$T/tidy.csv" "$T/office.csv" && echo "the same results"
rm "$T/tidy.csv"
