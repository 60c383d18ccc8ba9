# Rows of an inline test input are reported at their lines in the test file,
# never at a scratch path.
$RF test tests/e2e/data/tt-inline/rejects.test.yaml; echo "exit $?"
