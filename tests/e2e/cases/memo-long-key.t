# A row whose memo key fits the key buffer (a text of up to 250 bytes read
# by a condition) but not, with its tally counts, the memo entry: it is
# evaluated as ever, never copied past its entry (this row's hash takes the
# last entry of the table, so the sanitizer build sees an overrun). Twice,
# and beside a short text, each row as when run alone.
D=tests/e2e/data/memo
printf 'id,kind,since,size,note,A1,A2\n%s\n%s\nP2,x,1999-12-31,5,n,0,1\n' \
    'P01675,xefdfbhfhccdgchccecadgdbcbedcbahhdbdaacecfbahcbchcehgcchdcbehbbbfgdhdgbehacgdghdfhcbhddeabafacacgbacdhggbbhchacgfeefgedcgdcefccdghfddfgabchefdchebeadgbdecffffcaggcafbdfcdfbhabgebaaegbfdedfbegefggahdgccedgffdbebfgfcfdfdedacabahadgghdegfebchgg,1999-12-31,2,n,0,0' \
    'P01676,xefdfbhfhccdgchccecadgdbcbedcbahhdbdaacecfbahcbchcehgcchdcbehbbbfgdhdgbehacgdghdfhcbhddeabafacacgbacdhggbbhchacgfeefgedcgdcefccdghfddfgabchefdchebeadgbdecffffcaggcafbdfcdfbhabgebaaegbfdedfbegefggahdgccedgffdbebfgfcfdfdedacabahadgghdegfebchgg,1999-12-31,2,n,0,0' > "$T/long.csv"
$RF run $D/memo.yaml --input people="$T/long.csv" --year 2025 --threads 1 -q
echo "exit $?"
$RF run $D/memo.yaml --input people="$T/long.csv" --year 2025 --threads 2 -q
echo "exit $?"
rm "$T/long.csv"
