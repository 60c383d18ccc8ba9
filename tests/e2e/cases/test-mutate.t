# --mutate: each change no case notices is reported at its line and column,
# with the value a case would need; the score per pack, --fail-under on it
# (exit 7); a declared equivalent mutant leaves the score, a stale one is an
# error. JUnit and TAP carry the score as a failing test point.
$RF test tests/e2e/data/mu --mutate; echo "exit $?"
$RF test tests/e2e/data/mu --mutate --fail-under 100; echo "exit $?"
$RF test tests/e2e/data/mu --mutate --fail-under 100 --format tap; echo "exit $?"
$RF test tests/e2e/data/mu --coverage --mutate --fail-under 100 --format junit -o "$T/junit.xml"; echo "exit $?"
sed 's/time="[0-9.]*"/time="T"/g' "$T/junit.xml" >"$T/junit.xml.n" && mv "$T/junit.xml.n" "$T/junit.xml"
