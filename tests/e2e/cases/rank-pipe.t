# A pack with a ranking reads a year-end sheet twice: a pipe cannot be read
# again, and the run says so instead of writing half the results.
mkfifo "$T/fifo"
cat samples/tongren/communities.csv >"$T/fifo" &
$RF run rules/tongren-lagging.yaml --input communities="$T/fifo" --year 2025 -q -o "$T/out.csv"
echo "exit $?"
wait
rm -f "$T/fifo"
ls "$T"
