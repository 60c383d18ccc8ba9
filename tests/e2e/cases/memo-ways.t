# The memo keeps results in sets of a few ways: rows whose combinations
# share a set must each find their own result, never a neighbour's. 1,200
# combinations (each kind its own text, read by a condition) against far
# fewer sets share sets many times over, whatever the hash; they come
# three times in turn (ids a…, b…, c…), so the second and third rounds are
# answered from the memo. Every round gives, id for id, the cells of a
# sheet of the first round alone, where no combination comes twice (no
# hit at all); the summary counts every row.
D=tests/e2e/data/memo
awk 'BEGIN {
    print "id,kind,since,size,note,A1,A2"
    for (r = 0; r < 3; r++)
        for (i = 1; i <= 1200; i++)
            printf "%s%04d,%s,%s,%d,n%d,%d,%d\n", substr("abc", r + 1, 1), i,
                i % 5 ? "k" i : "x", i % 4 ? "1990-01-01" : "2010-01-01", i % 7, i % 3,
                i % 3, i % 2
}' > "$T/three.csv"
head -1201 "$T/three.csv" > "$T/one.csv"
$RF run $D/memo.yaml --input people="$T/three.csv" --year 2025 --threads 1 -o "$T/whole"
$RF run $D/memo.yaml --input people="$T/one.csv" --year 2025 --threads 1 -q -o "$T/alone"
for r in a b c; do
    tail -n +2 "$T/alone" > "$T/rows"
    grep "^$r" "$T/whole" | sed "s/^$r/a/" | cmp - "$T/rows" && echo "round $r: every row as alone"
done
head -1 "$T/whole"
tail -n +2 "$T/alone" | cut -d, -f6 | sort | uniq -c
rm -f "$T"/*
