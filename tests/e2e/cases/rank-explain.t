# explain on a ranking pack: the rank, the group size and the quota with what
# they are, and a community without a score: not ranked, and why.
$RF explain rules/tongren-lagging.yaml --id 塘头社区 --input communities=samples/tongren/communities.csv --year 2025
echo "exit $?"
$RF explain rules/tongren-lagging.yaml --id 市中社区 --input communities=samples/tongren/communities.csv --year 2025
echo "exit $?"
