# Every usage error exits 2 and says what is wrong, also after --input has
# been parsed (the ASan build fails a case that leaks on its way out), and
# numbers are read strictly: -1, 1e3 or an overflow is an error, not a
# wrapped or truncated value; an impossible --as-of date says why.
P=rules/xuanen-twelve-point.yaml
M=members=samples/xuanen/members.csv
E=events=samples/xuanen/ledger.csv
$RF run $P --input $M --frobnicate; echo "exit $?"
$RF run $P --input $M extra.yaml; echo "exit $?"
$RF run --input $M; echo "exit $?"
$RF run $P --input $M -o; echo "exit $?"
$RF run $P --input $M --format xml; echo "exit $?"
$RF run $P --input $M --delimiter '::'; echo "exit $?"
$RF run $P --input $M --delimiter members=ab; echo "exit $?"
$RF run $P --input $M --max-rejects -1; echo "exit $?"
$RF run $P --input $M --max-rejects 0; echo "exit $?"
$RF run $P --input $M --max-rejects 1e3; echo "exit $?"
$RF run $P --input $M --max-rejects ' 5'; echo "exit $?"
$RF run $P --input $M --max-rejects 18446744073709551616; echo "exit $?"
$RF run $P --input $M --year 2025x; echo "exit $?"
$RF run $P --input $M --year -2025; echo "exit $?"
$RF run $P --input $M --year 10000; echo "exit $?"
$RF run $P --input $M --year 0; echo "exit $?"
$RF run $P --input $M --input $E --as-of 2024-02-30 -q; echo "exit $?"
$RF run $P --input $M --input $E --as-of 2025-13-01 -q; echo "exit $?"
$RF run $P --input $M --input $E --encoding nosuch=utf-8 -q; echo "exit $?"
$RF run $P --input $M --input $E --delimiter ledger=tab -q; echo "exit $?"
$RF run $P --input $M --set x; echo "exit $?"
$RF run $P --input $M --set members=1 --set nosuch=1 -q; echo "exit $?"
$RF run $P --input $M --group-by nosuch -q; echo "exit $?"
$RF run $P --input $M -f xlsx; echo "exit $?"
$RF run $P --input $M --bom -f jsonl; echo "exit $?"
$RF explain $P --input $M; echo "exit $?"
$RF explain $P --input $M --id M0001 -o x.csv; echo "exit $?"
$RF explain $P --input $M --id; echo "exit $?"
# the largest number is still a number
$RF run $P --input $M --input $E --max-rejects 18446744073709551615 --year 2025 -q >/dev/null
echo "exit $?"
$RF test rules/ --fail-under nan; echo "exit $?"
$RF test rules/ --fail-under ''; echo "exit $?"
$RF test rules/ --fail-under 101; echo "exit $?"
# the same in a test file
$RF test tests/e2e/data/numbers.test.yaml; echo "exit $?"
