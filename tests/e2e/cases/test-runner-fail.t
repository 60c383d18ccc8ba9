# A failing case: a readable diff, the closing count, exit 7; TAP and JUnit name
# each case by pack and case (JUnit's times vary, so they are written as T).
$RF test tests/e2e/data/tt/failing.test.yaml; echo "exit $?"
$RF test tests/e2e/data/tt/failing.test.yaml --format tap; echo "exit $?"
$RF test tests/e2e/data/tt/failing.test.yaml --format junit -o "$T/junit.xml"; echo "exit $?"
sed 's/time="[0-9.]*"/time="T"/g' "$T/junit.xml" >"$T/junit.xml.n" && mv "$T/junit.xml.n" "$T/junit.xml"
