# --help for the program and each command; --version with the git revision
# the binary was built from (which differs per commit, so it is masked).
$RF --help; echo "exit $?"
$RF run --help; echo "exit $?"
$RF --version | sed -E 's/\(git [0-9a-f]{7,}(-dirty)?\)$/(git REVISION)/'; echo "exit $?"
