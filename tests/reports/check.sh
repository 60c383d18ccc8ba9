#!/bin/sh
# The reports CI systems read, read back as they read them: JUnit through
# python3's xml.etree, TAP through `prove`, SARIF against the required fields
# of the SARIF 2.1.0 schema (tests/reports/check_reports.py).
#   tests/reports/check.sh BINARY    (from the repository root)
set -u
RF=$1
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT INT TERM
fail=0
d=tests/reports

"$RF" test $d --format junit -o "$T/test.xml" 2>/dev/null
[ $? -eq 3 ] || { echo "FAIL: test with files that do not load exits 3"; fail=1; }
"$RF" test $d --format sarif -o "$T/test.sarif" 2>/dev/null
"$RF" check --format sarif $d/broken-pack.yaml >"$T/check.sarif" 2>/dev/null
[ $? -eq 3 ] || { echo "FAIL: check of a broken pack exits 3"; fail=1; }
# mutation testing: a pack whose tests miss its boundaries
"$RF" test tests/e2e/data/mu --mutate --fail-under 100 --format sarif -o "$T/mutate.sarif" 2>/dev/null
[ $? -eq 7 ] || { echo "FAIL: surviving mutants below --fail-under exit 7"; fail=1; }
"$RF" test tests/e2e/data/mu --mutate --fail-under 100 --format junit -o "$T/mutate.xml" 2>/dev/null
python3 $d/check_reports.py "$T" || fail=1

# TAP: 7 test points, 4 not ok (a '#' in a name must not turn one into a
# TODO, a line break must not cut one in two), none TODO or skipped.
"$RF" test $d --format tap -o "$T/test.tap" 2>/dev/null
prove -e cat "$T/test.tap" >"$T/prove.out" 2>&1
grep -q "Failed 4/7 subtests" "$T/prove.out" &&
    grep -q "Failed tests:  1-2, 5-6" "$T/prove.out" &&
    ! grep -qi "todo\|skip\|parse errors" "$T/prove.out" ||
    { echo "FAIL: prove does not read 4 of 7 failing:"; cat "$T/prove.out"; fail=1; }
[ $fail -eq 0 ] && echo "TAP read by prove: 7 tests, 4 failed, no TODO"
exit $fail
