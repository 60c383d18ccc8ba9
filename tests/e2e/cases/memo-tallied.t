# Where no column written reads an entity's counts but through its tallies
# (no detail column), the memo's second table answers rows whose counts it
# has not seen from a row whose totals and item aggregates agree: one A1
# is two A2s, so many rows here share totals. It must be exact. Every
# combination of counts (A1 0-3, A2 0-4, A3 0-2, two kinds) comes three
# times in turn (ids a…, b…, c…); run alone, each row gives the cells the
# whole file gives, though with the same total some rows have a grave item
# (A3: level high) or two A1s (flag many_a) and others not.
D=tests/e2e/data/memo
awk 'BEGIN {
    print "id,kind,A1,A2,A3"
    for (r = 0; r < 3; r++)
        for (i = 0; i < 120; i++)
            printf "%s%03d,%s,%d,%d,%d\n", substr("abc", r + 1, 1), i, i % 2 ? "x" : "y",
                int(i / 2) % 4, int(i / 8) % 5, int(i / 40)
}' > "$T/three.csv"
cols=id,pts,level,many_a,piled,late_grave,reasons,kind
$RF run $D/tallied.yaml --input people="$T/three.csv" --columns $cols --year 2025 --threads 1 -o "$T/whole"
: > "$T/alone"
tail -n +2 "$T/three.csv" | head -120 | while IFS= read -r row; do
    printf 'id,kind,A1,A2,A3\n%s\n' "$row" > "$T/one.csv"
    $RF run $D/tallied.yaml --input people="$T/one.csv" --columns $cols --year 2025 -q -o "$T/one" &&
        tail -n +2 "$T/one" >> "$T/alone"
done
for r in a b c; do
    grep "^$r" "$T/whole" | sed "s/^$r/a/" | cmp - "$T/alone" && echo "round $r: every row as alone"
done
head -1 "$T/whole"
cut -d, -f2- "$T/alone" | sort | uniq -c
rm -f "$T"/*
# 12,000 members, no two with the same counts, most with the same capped
# total: the first table seldom answers, so after its first 4,096 rows a
# thread leaves it and asks the second alone, whose entries then hold the
# hits the summary counts. With the detail written too (the one cell that
# reads the counts, made for each row around the second table's cells),
# and without it, the cells and the summary must be those of a run with
# the memo off (RF_MEMO=off), on one thread and on two.
awk 'BEGIN {
    print "id,kind,A1,A2,A3"
    for (i = 0; i < 12000; i++)
        printf "m%05d,%s,%d,%d,%d\n", i, i % 3 ? "x" : "y", i % 23, int(i / 23) % 29, int(i / 667)
}' > "$T/many.csv"
for t in 1 2; do
    for c in $cols detail,$cols $cols,detail; do
        $RF run $D/tallied.yaml --input people="$T/many.csv" --columns $c --year 2025 \
            --threads $t -o "$T/memo" 2> "$T/memo.err"
        RF_MEMO=off $RF run $D/tallied.yaml --input people="$T/many.csv" --columns $c \
            --year 2025 --threads $t -o "$T/plain" 2> "$T/plain.err"
        cmp "$T/plain" "$T/memo" && cmp "$T/plain.err" "$T/memo.err" &&
            echo "threads $t, ${c%%,*}…${c##*,}: 12,000 rows as with the memo off"
    done
done
tail -n +3 "$T/memo.err"
cut -d, -f3-6 "$T/memo" | sort | uniq -c
rm -f "$T"/*
