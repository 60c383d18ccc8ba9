# A test report that cannot be created (its folder does not exist) still
# goes to stdout, so nothing is lost, and the exit status is 5: CI asked
# for a file it will not find. The cases passed, so only the output fails.
$RF test rules/xuanen-cadre-quota.test.yaml --format tap -o "$T/no-such-folder/report.tap"; echo "exit $?"
