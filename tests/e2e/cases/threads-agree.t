# run --threads N writes the same bytes for every N: results, rejects report,
# warnings and summary. A year-end sheet as Excel writes it (BOM, CRLF, a
# quoted line break, every cell fault, a member listed twice) and the same
# sheet in GB18030, read in pieces down to one record (RF_CHUNK_BYTES, read
# by the CLI for tests only), so piece edges fall on every kind of row.
root=$(pwd)
case $RF in /*) ;; *) RF=$root/$RF ;; esac
pack=$root/rules/xuanen-twelve-point.yaml
. "$root/tests/e2e/agree.sh"
cp tests/e2e/data/yearend-faults.csv "$T/s.csv"
tail -c +4 tests/e2e/data/yearend-faults.csv | iconv -f UTF-8 -t GB18030 >"$T/g.csv"
cd "$T" || exit 1
for sheet in s g; do
    agree $sheet 1 "2 3 8" "1 40 -" "$pack" --input members=$sheet.csv --year 2025
    # --max-rejects stops at the same row
    for n in 1 3; do
        RF_CHUNK_BYTES=1 $RF run "$pack" --year 2025 --max-rejects 2 --input members=$sheet.csv \
            --threads $n -o /dev/null -r mr.csv
        echo "$sheet: max-rejects, $n threads: exit $?"
        cat mr.csv
    done
done
cat s-1.err g-1.err
rm s.csv g.csv o.csv r.csv e.txt mr.csv s-1.err g-1.err
