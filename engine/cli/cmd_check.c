/* rosterflag check: load and validate packs without running them. */
#include "cli.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void check_help(FILE *to)
{
    fputs("usage: rosterflag check [--header NAME=FILE ...] PACK...\n"
          "\n"
          "Loads each rule pack and reports every problem found, as\n"
          "file:line:column: severity: message, with the offending line: unknown keys\n"
          "(with a did-you-mean), expression syntax and types, references to columns\n"
          "and measures that do not exist, codes used twice, measures never used\n"
          "(a warning).\n"
          "\n"
          "options:\n"
          "      --header NAME=FILE  also check that FILE's header has every required\n"
          "                          column of input NAME, and that it decodes\n"
          "      --encoding ENC      auto (default), utf-8 or gb18030 for --header files\n"
          "  -h, --help              this help\n"
          "\n"
          "exit codes: 0 no errors (warnings allowed), 3 a pack has errors,\n"
          "4 a --header file does not match, 2 usage.\n",
          to);
}

int cmd_check(int argc, char **argv)
{
    int npacks = 0, code = CLI_OK;
    rf_input headers[RF_MAX_INPUTS];
    char *names[RF_MAX_INPUTS];
    size_t nh = 0;
    const char *enc = NULL, *v;
    char **packs = calloc((size_t)argc + 1, sizeof *packs);
    if (!packs)
        return CLI_INTERNAL;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0) {
            check_help(stdout);
            code = -1;
            break;
        } else if (cli_opt(argc, argv, &i, "--header", &v)) {
            const char *eq = v ? strchr(v, '=') : NULL;
            if (!eq || eq == v || !eq[1] || nh == RF_MAX_INPUTS) {
                cli_usage_error("check", "--header takes NAME=FILE, got '%s'", v ? v : "");
                code = CLI_USAGE;
                break;
            }
            names[nh] = strndup(v, (size_t)(eq - v));
            headers[nh] = (rf_input){names[nh], eq + 1, NULL, 0};
            nh++;
        } else if (cli_opt(argc, argv, &i, "--encoding", &v)) {
            enc = v;
        } else if (argv[i][0] == '-' && argv[i][1]) {
            cli_usage_error("check", "unknown option '%s'", argv[i]);
            code = CLI_USAGE;
            break;
        } else {
            packs[npacks++] = argv[i];
        }
    }
    for (size_t h = 0; h < nh; h++)
        headers[h].encoding = enc;
    for (int i = 0; code == CLI_OK && i < npacks; i++) {
        rf_diags *d = rf_diags_new();
        rf_pack *p = NULL;
        int rc = cli_pack_load(packs[i], &p, d);
        if (rc == 0 && nh)
            rf_check_inputs(p, headers, nh, d);
        int c = cli_report(d);
        if (rc == 0 && c == CLI_OK)
            fprintf(stderr, "%s: ok (%s %s)\n", packs[i], rf_pack_id(p), rf_pack_version(p));
        else if (c == CLI_OK)
            c = CLI_PACK;
        if (c != CLI_OK)
            code = c;
        rf_pack_free(p);
        rf_diags_free(d);
    }
    if (code == CLI_OK && !npacks) {
        cli_usage_error("check", "no rule pack given");
        code = CLI_USAGE;
    }
    for (size_t h = 0; h < nh; h++)
        free(names[h]);
    free(packs);
    return code < 0 ? CLI_OK : code;
}
