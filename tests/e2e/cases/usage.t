# Usage errors exit 2 and say what to do.
$RF run rules/xuanen-twelve-point.yaml; echo "exit $?"
$RF run rules/xuanen-twelve-point.yaml --input members; echo "exit $?"
$RF run rules/xuanen-twelve-point.yaml --input people=x.csv; echo "exit $?"
$RF run rules/xuanen-twelve-point.yaml --input events=samples/xuanen/ledger.csv; echo "exit $?"
$RF frobnicate; echo "exit $?"
