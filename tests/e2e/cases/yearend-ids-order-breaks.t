# Ids in order are kept front-coded (each id as the bytes it does not share
# with the one before, its line as the step from the one before); the first
# id out of order decodes them for the table. Every repeat after that names
# its own first line: ids that start one another (A, AB, ABC), a trimmed id,
# a quoted cell over two lines, 150 blank lines (a step of 151), ids of 142
# bytes sharing 141 (lengths past one byte of the coding), and ids of 9 and
# 16 bytes as long as the one before, differing in the first or the last 8
# bytes (checked inline), one repeated at once. The order breaks at an id
# of 8 bytes as long as the one before.
root=$(pwd)
case $RF in /*) ;; *) RF=$root/$RF ;; esac
cd "$T" || exit 1
awk 'BEGIN { L = sprintf("%140s", ""); gsub(/ /, "L", L)
             print "编号,姓名"; print "A,甲"; print "AB,甲"; print "ABC,\"多"; print "行\"";
             print "ABD,甲"; print "ABDxxxxx1,甲"; print "ABDxxxxx2,甲"; print "ABDxxxxx2,甲";
             print "ABDxyyyy3,甲"; print "ABEaaaaaaaaaaaaa,甲"; print "ABEaaaaaaaaaaaab,甲";
             print "ABEaaaaaaaabaaaa,甲"; print "ABFaaaaaaaaaaaaa,甲";
             print " B ,甲"; for (i = 0; i < 150; i++) print "";
             print "B" L "1,甲"; print "B" L "2,甲"; print "C,甲"; print "C" L ",甲";
             print "D0000002,甲"; print "D0000001,甲";
             print "B,乙"; print "AB,乙"; print "ABC,乙"; print "B" L "1,乙"; print "C" L ",乙";
             print "A,乙"; print "E,乙"; print "ABD,乙"; print "B" L "2,乙";
             print "ABDxxxxx1,乙"; print "ABDxyyyy3,乙"; print "ABEaaaaaaaaaaaab,乙";
             print "ABEaaaaaaaabaaaa,乙"; print "ABFaaaaaaaaaaaaa,乙"; print "D0000002,乙";
             print "ABEaaaaaaaaaaaaa,乙"; print "D0000001,乙" }' >ids.csv
$RF run "$root/rules/xuanen-twelve-point.yaml" -q --input members=ids.csv --year 2025 \
    --columns member_id,score -r rej.csv >out.csv
echo "exit $?"
sed 's/L\{140\}/<140 L>/' out.csv
cut -d, -f2,5 rej.csv | sed 's/L\{140\}/<140 L>/'
rm ids.csv out.csv rej.csv
