#!/bin/sh
# rosterflag(1) documents every command and every option that the commands'
# --help lists: a new option without its man page entry fails here.
#   tests/man-options.sh BINARY
set -u
RF=$1
page=docs/man/rosterflag.1.scd
fail=0
for cmd in $("$RF" --help | sed -n '/^commands:/,/^$/p' | awk 'NF > 1 {print $1}'); do
    grep -q "^\*$cmd\*\|^\*rosterflag $cmd\*\|\*$cmd\*," "$page" ||
        { echo "FAIL: $page does not document the command '$cmd'"; fail=1; }
    [ "$cmd" = help ] || [ "$cmd" = version ] && continue
    for opt in $("$RF" "$cmd" --help | grep -oE '^ +(-[a-zA-Z], )?--[a-z-]+' | grep -oE -- '--[a-z-]+' | sort -u); do
        grep -q -- "\*$opt\*" "$page" ||
            { echo "FAIL: $page does not document '$cmd $opt'"; fail=1; }
    done
done
[ $fail -eq 0 ] && echo "every command and option of --help is in $page"
exit $fail
