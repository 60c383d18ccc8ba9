/* rosterflag check: load and validate packs without running them. */
#include "cli.h"

#include "ar.h"

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
          "      --format text|sarif report format: text (default) is the lines above on\n"
          "                          stderr; sarif also writes a SARIF 2.1.0 log of every\n"
          "                          diagnostic to stdout, for code-scanning systems\n"
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
    bool sarif = false;
    cli_sarif_result *rs = NULL;
    size_t nrs = 0;
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
        } else if (cli_opt(argc, argv, &i, "--format", &v)) {
            if (!v || (strcmp(v, "sarif") != 0 && strcmp(v, "text") != 0)) {
                cli_usage_error("check", "--format is text or sarif, got '%s'", v ? v : "");
                code = CLI_USAGE;
                break;
            }
            sarif = strcmp(v, "sarif") == 0;
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
        for (size_t k = 0; sarif && k < rf_diags_count(d); k++) {
            const rf_diag *g = rf_diags_get(d, k);
            rs = ar_xrealloc(rs, (nrs + 1) * sizeof *rs);
            rs[nrs++] = (cli_sarif_result){cli_sarif_rule_for(g->cls),
                                           g->severity,
                                           g->file ? strdup(g->file) : NULL,
                                           g->line,
                                           g->column,
                                           strdup(g->message)};
        }
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
    if (sarif && code != CLI_USAGE && code >= 0)
        cli_sarif_write(stdout, rs, nrs);
    for (size_t k = 0; k < nrs; k++) {
        free((char *)rs[k].file);
        free((char *)rs[k].message);
    }
    free(rs);
    for (size_t h = 0; h < nh; h++)
        free(names[h]);
    free(packs);
    return code < 0 ? CLI_OK : code;
}
