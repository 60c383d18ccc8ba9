# The duplicate-id check with workers: a worker notes its piece's ids and
# whether each is after the one before (then hashes none); the main thread
# checks a sorted piece's first id against the previous one only, and
# hashes a sorted piece's ids itself once the ids are out of order (sheet
# a: one id out of order early, then sorted pieces and repeats of earlier
# ids). Sheet b stays sorted but for repeats: of the previous id across a
# piece edge, and of an earlier id that breaks the order late. Every
# piece size and thread count writes what one thread writes (pieces past
# the first 64 KiB, which is read whole).
root=$(pwd)
case $RF in /*) ;; *) RF=$root/$RF ;; esac
pack=$root/rules/xuanen-twelve-point.yaml
. "$root/tests/e2e/agree.sh"
cd "$T" || exit 1
awk 'BEGIN { print "编号,姓名"; print "M00002,甲"; print "M00001,甲";
             for (i = 3; i <= 12000; i++) printf "M%05d,甲\n", i;
             print "M11950,乙"; print "M00002,乙"; print "M12001,乙"; print "M00001,乙" }' >a.csv
awk 'BEGIN { print "编号,姓名";
             for (i = 1; i <= 12000; i++) { printf "N%06d,甲\n", i; if (i % 1001 == 0) printf "N%06d,乙\n", i }
             print "N011007,乙"; print "N012001,乙" }' >b.csv
for sheet in a b; do
    agree $sheet 1 "2 3" "1 70 500 -" "$pack" --input members=$sheet.csv --year 2025
    cut -d, -f2,5 $sheet-1-rejects.csv
done
cat a-1.err b-1.err
rm a.csv b.csv o.csv r.csv e.txt a-1.csv b-1.csv a-1.err b-1.err a-1-rejects.csv b-1-rejects.csv
