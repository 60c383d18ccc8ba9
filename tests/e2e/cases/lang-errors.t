# Errors that say what to write instead: an aggregate over the entity's own
# input, an unknown function (with every function listed), pick without
# 'where' on a relation that can hold several rows per entity, a text test
# whose second argument is not quoted.
$RF check tests/e2e/data/lang/mistakes.yaml
