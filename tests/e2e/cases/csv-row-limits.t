# A line of a million commas (50 MB of them took 1.3 GB) is refused at its
# line, with the limit per row, and the run writes nothing.
f="$T/commas.csv"
printf '编号,日期,代码\nM0001,2025-03-05,D09\n' >"$f"
head -c 1000000 /dev/zero | tr '\0' ',' >>"$f"
printf '\nM0001,2025-04-10,D07\n' >>"$f"
$RF run rules/xuanen-twelve-point.yaml --input members=samples/xuanen/members.csv \
    --input events="$f" --year 2025 -o "$T/results.csv"
echo "exit $?"
rm "$f"
