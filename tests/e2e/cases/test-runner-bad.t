# Malformed test files and unknown packs are errors with file and line, never a pass.
$RF test tests/e2e/data/tt/malformed.test.yaml; echo "exit $?"
$RF test tests/e2e/data/tt/unknown-pack.test.yaml; echo "exit $?"
$RF test tests/e2e/data/tt/; echo "exit $?"
