# Enumeration cells are read by their bytes, through an index of the labels
# made when the header is bound: labels of every length (1-3 bytes, 4-7,
# 8-16, over 16, where the first and last eight bytes do not tell two apart),
# aliases, cells with spaces or U+3000 around them (trimmed, as ever), cells
# that are no label (kept as missing and reported), an empty cell. Each is
# read as the general parser reads it.
d=tests/e2e/data
$RF run $d/enum-cells.yaml --input people=$d/enum-cells.csv --year 2025 \
    -o "$T/results.csv" -r "$T/rejects.csv"
echo "exit $?"
