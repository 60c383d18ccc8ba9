# --set NAME=VALUE replaces a constant of the pack for one run: typed as the
# constant, said in the summary, stamped in the pack column after id@version
# (a run without --set writes exactly what it wrote before). An unknown name
# lists the constants; a value of the wrong type names the type; both are
# usage errors (exit 2).
D=tests/e2e/data/lang
$RF run $D/quota.yaml --input orgs=$D/orgs.csv --year 2025
$RF run $D/quota.yaml --input orgs=$D/orgs.csv --year 2025 --set pct=10 --set on=false -f jsonl
$RF explain $D/quota.yaml --input orgs=$D/orgs.csv --year 2025 --set pct=1 --id A
echo "-- mistakes"
$RF run $D/quota.yaml --input orgs=$D/orgs.csv --set percent=10
echo "exit $?"
$RF run $D/quota.yaml --input orgs=$D/orgs.csv --set pct=ten --set rate=1/2
echo "exit $?"
$RF run $D/quota.yaml --input orgs=$D/orgs.csv --set pct
echo "exit $?"
