# run --threads N on the entity-state shape: the related input (a ledger, a
# team roster) read in pieces down to one record (RF_CHUNK_BYTES), its rows
# folded in input order, writes the same bytes for every N: results, rejects
# report (unknown members, bad cells, a second secretary said between the
# rejects around it), warnings and summary. Both shipped entity-state packs,
# on their faults files, a ledger with quoted line breaks in UTF-8 and
# GB18030, and the samples.
root=$(pwd)
case $RF in /*) ;; *) RF=$root/$RF ;; esac
xe=$root/rules/xuanen-twelve-point.yaml
lj=$root/rules/luojiang-red-yellow-blue.yaml
d=$root/tests/e2e/data
s=$root/samples
cp $d/ledger-faults.csv $d/team-faults.csv $d/villages-faults.csv $s/xuanen/members.csv \
    $s/xuanen/ledger.csv "$T/"
cp $s/luojiang/villages.csv "$T/lv.csv"
cp $s/luojiang/team.csv "$T/lt.csv"
{
    cat $d/ledger-faults.csv
    printf 'M0004,2025-08-01,D02,"两行\r\n备注"\nM0009,2025-08-02,D01,"x"\n'
    printf 'M0005,2025-08-03,D03,"第一行\n第二行,""引号"""\r\nM0004,2025-08-04,D02\n'
} >"$T/l.csv"
iconv -f UTF-8 -t GB18030 "$T/l.csv" >"$T/lg.csv"
. "$root/tests/e2e/agree.sh"
cd "$T" || exit 1
said() { # what the one thread wrote for a name given to agree, then gone
    cat "$1-1-rejects.csv" "$1-1.err"
    rm -f "$1-1.csv" "$1-1-rejects.csv" "$1-1.err"
}
agree faults 1 "2 3 8" "1 40 -" $xe --input members=members.csv --input events=ledger-faults.csv \
    --year 2025
said faults
agree lines 1 "2 3 8" "1 40 -" $xe --input members=members.csv --input events=l.csv --year 2025
said lines
agree gb 1 "2 3 8" "1 40 -" $xe --input members=members.csv --input events=lg.csv --year 2025
said gb
agree team 1 "2 3 8" "1 40 -" $lj --input villages=villages-faults.csv --input team=team-faults.csv \
    --as-of 2025-12-31
said team
agree xuanen 0 "2 3 8" "1 40 -" $xe --input members=members.csv --input events=ledger.csv --year 2025
said xuanen
agree luojiang 0 "2 3 8" "1 40 -" $lj --input villages=lv.csv --input team=lt.csv --as-of 2025-12-31
said luojiang
# --max-rejects stops at the same row
for n in 1 3; do
    RF_CHUNK_BYTES=1 $RF run $xe --year 2025 --max-rejects 2 --input members=members.csv \
        --input events=l.csv --threads $n -o /dev/null -r mr.csv
    echo "max-rejects, $n threads: exit $?"
    cat mr.csv
done
rm -f l.csv lg.csv o.csv r.csv e.txt mr.csv ledger-faults.csv team-faults.csv \
    villages-faults.csv members.csv ledger.csv lv.csv lt.csv
