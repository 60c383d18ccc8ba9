/* rosterflag check: load and validate packs without running them. */
#include "cli.h"

#include <stdio.h>
#include <string.h>

static void check_help(FILE *to)
{
    fputs("usage: rosterflag check PACK...\n"
          "\n"
          "Loads each rule pack and reports every problem found, as\n"
          "file:line:column: severity: message, with the offending line.\n"
          "Exits 3 if any pack has an error, 0 otherwise (warnings do not fail).\n",
          to);
}

int cmd_check(int argc, char **argv)
{
    int npacks = 0, code = CLI_OK;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0) {
            check_help(stdout);
            return CLI_OK;
        }
        if (argv[i][0] == '-' && argv[i][1]) {
            cli_usage_error("check", "unknown option '%s'", argv[i]);
            return CLI_USAGE;
        }
    }
    for (int i = 1; i < argc; i++) {
        rf_diags *d = rf_diags_new();
        rf_pack *p = NULL;
        int rc = rf_pack_load(argv[i], &p, d);
        int c = cli_report(d);
        if (rc == 0)
            fprintf(stderr, "%s: ok (%s %s)\n", argv[i], rf_pack_id(p), rf_pack_version(p));
        else if (c == CLI_OK)
            c = CLI_PACK;
        if (c != CLI_OK)
            code = c;
        rf_pack_free(p);
        rf_diags_free(d);
        npacks++;
    }
    if (!npacks) {
        cli_usage_error("check", "no rule pack given");
        return CLI_USAGE;
    }
    return code;
}
