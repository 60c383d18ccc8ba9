# A ledger cell with text after its closing quote ("会上说""不去""后"未参加, as
# Excel and hand edits write it) is read as spreadsheets read it: the text is
# appended to the cell, the row ends at its line break, and it is noted as
# kept. All four events are read and count: M0001 loses 3+3+1+3 and gets the
# reminder talk (before, the three lines after it vanished into the cell:
# 1 row read, score 9). The file's records, counted apart (lines less the
# header), agree with the rows read.
f=tests/e2e/data/ledger-stray-quote.csv
echo "records in the file: $(($(wc -l <"$f") - 1))"
$RF run rules/xuanen-twelve-point.yaml --input members=samples/xuanen/members.csv \
    --input events="$f" --year 2025 -o "$T/results.csv" -r "$T/rejects.csv"
echo "exit $?"
grep '^M0001,' "$T/results.csv"
rm "$T/results.csv"
