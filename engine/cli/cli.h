/* cli: the rosterflag command line. One file per subcommand, dispatched
 * from the table in main.c. */
#ifndef CLI_H
#define CLI_H

#include "rosterflag.h"

#include <stdbool.h>

/* Exit codes, one per class of failure (documented in README.md and --help). */
enum {
    CLI_OK = 0,
    CLI_REJECTED = 1, /* completed; some rows rejected (see the rejects report) */
    CLI_USAGE = 2,    /* bad command line */
    CLI_PACK = 3,     /* the rule pack has errors */
    CLI_INPUT = 4,    /* an input cannot be read: missing file, encoding, header */
    CLI_OUTPUT = 5,   /* results cannot be written */
    CLI_LIMIT = 6,    /* stopped by --max-rejects */
    CLI_TESTFAIL = 7, /* `test`: a case failed */
    CLI_INTERNAL = 70,
};

typedef struct cli_command {
    const char *name;
    int (*fn)(int argc, char **argv);
    const char *summary;
} cli_command;

int cmd_run(int argc, char **argv);
int cmd_check(int argc, char **argv);
int cmd_explain(int argc, char **argv);
int cmd_test(int argc, char **argv);

/* rf_pack_load, but a pack named without a '/' that is not a file here is
 * looked up in the installed rules folders (see packpath.c). */
int cli_pack_load(const char *arg, rf_pack **out, rf_diags *d);
/* The same, with constants set (run's --set). */
int cli_pack_load_set(const char *arg, const rf_setting *sets, size_t nsets, rf_pack **out,
                      rf_diags *d);

/* Print every diagnostic to stderr; returns the exit code of the most
 * serious error class present, or CLI_OK. */
int cli_report(const rf_diags *d);
int cli_exit_for(rf_class cls);

/* One result of a SARIF log (sarif.c): rule is one of the ids sarif.c lists
 * ("pack", "input", ..., "test-case", "surviving-mutant"); file may be NULL,
 * line and column 0 when unknown. */
typedef struct cli_sarif_result {
    const char *rule;
    rf_severity severity;
    const char *file;
    uint64_t line;
    uint32_t column;
    const char *message;
} cli_sarif_result;
/* The rule id of a diagnostic of class cls. */
const char *cli_sarif_rule_for(rf_class cls);
/* Writes a SARIF 2.1.0 log with one run holding results rs[0..n). */
void cli_sarif_write(FILE *f, const cli_sarif_result *rs, size_t n);

/* Option parsing shared by subcommands: "--name value" or "--name=value". */
bool cli_opt(int argc, char **argv, int *i, const char *name, const char **value);
void cli_usage_error(const char *cmd, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;

#endif
