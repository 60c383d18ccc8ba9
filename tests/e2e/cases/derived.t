# Derived entities and groups inside an entity, from the command line: load
# errors at their place (a 'by' outside min/max/sum/avg, an inner aggregate
# naming a relation, 'distinct' over a tally, a key that is not a column);
# the source input is what --input and --header name, never the entity; explain on a
# branch no row names; and the Dejiang sample run as a user would, results
# in order of first appearance, the member with no branch in the rejects.
$RF check tests/e2e/data/derived/mistakes.yaml
echo "exit $?"
$RF check tests/e2e/data/derived/bad-key.yaml
echo "exit $?"
$RF run rules/dejiang-party-groups.yaml --input branch=samples/dejiang/members.csv
echo "exit $?"
$RF check --header branch=samples/dejiang/members.csv rules/dejiang-party-groups.yaml
echo "exit $?"
$RF explain rules/dejiang-party-groups.yaml --id 无此支部 --input members=samples/dejiang/members.csv -q
echo "exit $?"
$RF run rules/dejiang-party-groups.yaml --input members=samples/dejiang/members.csv --as-of 2024-03-18 \
    --output "$T/results.csv" --rejects "$T/rejects.csv"
echo "exit $?"
