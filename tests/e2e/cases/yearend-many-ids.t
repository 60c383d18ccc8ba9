# The year-end duplicate check is bounded. Ids out of order: after 1,048,576
# distinct ids it stops with a warning naming the line, so a later duplicate
# goes unnoticed (and memory stays flat); one before the bound is caught.
# Ids in order: past the bound only the previous id can repeat, so a repeat
# there is still caught, and the warning comes only when the order breaks.
root=$(pwd)
case $RF in /*) ;; *) RF=$root/$RF ;; esac
cd "$T" || exit 1
awk 'BEGIN { print "编号,姓名"; print "M1,甲"; print "M1,甲";
             for (i = 2; i <= 1048577; i++) printf "M%d,乙\n", i; print "M2,乙" }' >many.csv
$RF run "$root/rules/xuanen-twelve-point.yaml" --input members=many.csv --year 2025 \
    -o /dev/null -r rejects.csv
echo "exit $?"
awk 'BEGIN { print "编号,姓名";
             for (i = 1; i <= 1048580; i++) printf "M%07d,乙\n", i;
             print "M1048580,乙"; print "M0000005,乙"; print "M0000006,乙" }' >sorted.csv
$RF run "$root/rules/xuanen-twelve-point.yaml" --input members=sorted.csv --year 2025 \
    -o /dev/null -r rejects-sorted.csv
echo "exit $?"
rm many.csv sorted.csv
