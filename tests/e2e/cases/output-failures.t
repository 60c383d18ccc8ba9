# A run that cannot finish writing leaves both outputs as they were: the
# results and the rejects report go to temporary files renamed into place
# only when the run completed (or, for the report alone, when --max-rejects
# stopped it). Disk full is real here: /dev/full, and a file size limit
# (ulimit -f) that makes the writes fail with EFBIG. No temporary file is
# left behind, and the error names the file and the reason.
P=rules/xuanen-twelve-point.yaml
M=members=samples/xuanen/members.csv
{
    echo "编号,日期,代码,备注"
    i=0
    while [ $i -lt 3000 ]; do
        echo "M0001,2025-03-01,ZZ9,row $i"
        i=$((i + 1))
    done
} >"$T/many-bad.csv"
printf '编号,日期,代码,备注\nM0001,2025-03-01,ZZ9,one bad row\n' >"$T/one-bad.csv"
previous() {
    echo "previous results" >"$T/results.csv"
    echo "previous,rejects,report" >"$T/rejects.csv"
}
show() {
    echo "exit $1"
    for f in results.csv rejects.csv; do
        echo "$f: $(wc -l <"$T/$f") lines, first: $(head -n 1 "$T/$f")"
    done
    ls "$T" | grep -v '\.csv$'
}
echo "== results onto a full device"
$RF run $P --input $M -o /dev/full -q
echo "exit $?"
echo "== rejects onto a full device"
previous
$RF run $P --input $M --input events="$T/one-bad.csv" -o "$T/results.csv" -r /dev/full -q
show $?
echo "== the rejects report outgrows the file size limit"
previous
(trap '' XFSZ; ulimit -f 40; exec $RF run $P --input $M --input events="$T/many-bad.csv" \
    -o "$T/results.csv" -r "$T/rejects.csv" -q)
show $?
echo "== the results outgrow the file size limit"
previous
(trap '' XFSZ; ulimit -f 4; exec $RF run $P --input $M --input events="$T/one-bad.csv" \
    -o "$T/results.csv" -r "$T/rejects.csv" -q)
show $?
echo "== killed by SIGXFSZ at the limit"
previous
{
    (ulimit -f 40; exec $RF run $P --input $M --input events="$T/many-bad.csv" \
        -o "$T/results.csv" -r "$T/rejects.csv" -q)
    rc=$?
} 2>/dev/null
show $rc
echo "== an input that cannot be read"
previous
$RF run $P --input $M --input events="$T/no-such.csv" -o "$T/results.csv" -r "$T/rejects.csv" -q
show $?
echo "== stopped by --max-rejects: the report says why, the results stay"
previous
$RF run $P --input $M --input events="$T/many-bad.csv" -o "$T/results.csv" -r "$T/rejects.csv" \
    -q --max-rejects 2
show $?
echo "== a complete run replaces both"
previous
$RF run $P --input $M --input events="$T/one-bad.csv" -o "$T/results.csv" -r "$T/rejects.csv" -q
show $?
rm "$T"/*.csv
