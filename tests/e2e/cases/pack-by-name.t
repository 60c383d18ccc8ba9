# A pack named without a path is looked up in $ROSTERFLAG_RULES_PATH, then in
# the installed rules folders; a file of that name here comes first; a name
# found nowhere says where it looked.
ROSTERFLAG_RULES_PATH=tests/e2e/data/no-such-folder:rules $RF check xuanen-twelve-point; echo "exit $?"
ROSTERFLAG_RULES_PATH=$(pwd)/rules
export ROSTERFLAG_RULES_PATH
(cd "$T" && $RF run luojiang-red-yellow-blue.yaml -q --as-of 2025-12-31 \
    --input villages="$OLDPWD/samples/luojiang/villages.csv" \
    --input team="$OLDPWD/samples/luojiang/team.csv" | head -2); echo "exit $?"
$RF check no-such-pack 2>&1 | sed -E "s#$(pwd)#REPO#; s#:[^:]*/share/rosterflag/rules.*#:(then the installed folders)#"
