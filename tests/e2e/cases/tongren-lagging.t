# The bottom 5% of 43 communities (41 with a score: quota 3, four lagging with
# the tie at the line) and office space per 100 households, on the sample sheet.
$RF run rules/tongren-lagging.yaml --input communities=samples/tongren/communities.csv --year 2025
