# A rule file with typos: file:line:column, the line, a caret; nothing runs.
$RF check tests/e2e/data/typo-pack.yaml
