# Files that are not text CSV are refused with what they probably are and
# what to do: UTF-16 with and without a byte-order mark (Excel "Unicode
# Text"), and a NUL byte in a data row, named by line and byte offset.
for f in members-utf16-bom members-utf16le-nobom members-nul; do
    $RF run rules/xuanen-twelve-point.yaml --input members=tests/e2e/data/$f.csv --year 2025
    echo "exit $?"
done
