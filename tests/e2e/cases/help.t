# --help for the program and each command.
$RF --help; echo "exit $?"
$RF run --help; echo "exit $?"
$RF --version; echo "exit $?"
