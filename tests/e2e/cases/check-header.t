# check --header: a real CSV's header against the pack's inputs.
$RF check rules/xuanen-twelve-point.yaml --header members=samples/xuanen/members.csv \
    --header events=samples/xuanen/ledger.csv; echo "exit $?"
$RF check rules/xuanen-twelve-point.yaml --header members=tests/e2e/data/members-missing-col.csv; echo "exit $?"
