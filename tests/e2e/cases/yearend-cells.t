# A year-end sheet whose count columns are read by nothing but the tallies
# (the reader adds their cells as it reads them), whose dates are read by
# nothing (only checked) and whose gender column by nothing: every fault in
# a count cell or a date rejects its row, naming the first bad cell in the
# pack's order, as the general path does; clean rows score as ever. The same bytes with two threads cut at
# every record, and with the reader's SSE2 scan (RF_SIMD=sse2).
root=$(pwd)
case $RF in /*) ;; *) RF=$root/$RF ;; esac
cd "$T" || exit 1
{
    echo "编号,姓名,性别,出生日期,入党日期,D01,D02,D07,F01,B01,B03"
    echo "Y01,甲,男,1980-01-01,2000-07-01,1,0,0,0,0,1"
    echo "Y02,乙,,1980-02-30,2000-07-01,1,0,0,0,0,0"
    echo "Y03,丙, 女 ,2000-02-29,1900-02-29,0,0,0,0,0,0"
    echo "Y04,丁,女,1980/01/02,2000-07-01,0,1,0,0,0,0"
    echo "Y05,戊,女,,2000-13-01,0,0,0,0,0,0"
    echo "Y06,己,x\"y,1980-01-01,2000-07-01,x,0,0,0,0,0"
    echo "Y07,庚,女,1980-01-01,2000-07-01,0,0,1.5,0,0,0"
    echo "Y08,辛,,1980-01-01,2000-07-01,0,,,,,"
    echo "Y09,壬,女,1980-01-01,2000-07-01,10,0,0,0,0,0"
    echo "Y10,癸,女,1980-01-01,2000-07-01,0,0,0,0,3,0010"
    echo "Y11,子,女,1980-01-01,2000-07-01,0,0,-1,0,0,x"
    echo "Y12,丑,女, 1980-01-01 ,2000-07-01,0,0,0,0,0,1234567890"
    echo "Y13,寅,　女,1980-01-01,2000-07-01,0,0,0,1,0,0"
    echo "Y14,卯,女,1980-01-01,abcd-ef-gh,0,0,0,0,0,0"
} >s.csv
$RF run "$root/rules/xuanen-twelve-point.yaml" --input members=s.csv --year 2025 -q \
    --threads 1 -o out.csv -r rejects.csv
echo "exit $?"
for run in "2 1" "2 40" "sse2"; do
    set -- $run
    if [ "$1" = sse2 ]; then
        RF_SIMD=sse2 $RF run "$root/rules/xuanen-twelve-point.yaml" --input members=s.csv \
            --year 2025 -q --threads 1 -o o.csv -r r.csv
    else
        RF_CHUNK_BYTES=$2 $RF run "$root/rules/xuanen-twelve-point.yaml" --input members=s.csv \
            --year 2025 -q --threads $1 -o o.csv -r r.csv
    fi
    echo "exit $?"
    cmp -s o.csv out.csv && cmp -s r.csv rejects.csv || echo "$run: differs"
done
rm -f s.csv o.csv r.csv
