/* cli: the rosterflag command line. One file per subcommand, dispatched
 * from the table in main.c. */
#ifndef CLI_H
#define CLI_H

#include "rosterflag.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

/* Exit codes, one per class of failure (documented in README.md and --help). */
enum {
    CLI_OK = 0,
    CLI_REJECTED = 1, /* completed; some rows rejected (see the rejects report) */
    CLI_USAGE = 2,    /* bad command line */
    CLI_PACK = 3,     /* the rule pack has errors */
    CLI_INPUT = 4,    /* an input cannot be read: missing file, encoding, header */
    CLI_OUTPUT = 5,   /* an output file cannot be written */
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
/* The file cli_pack_load reads for `arg` (or `arg` itself when no rules
 * folder has it, *missed then true if they were searched); free it. NULL if
 * out of memory. */
char *cli_pack_path(const char *arg, bool *missed);
/* The same, with constants set (run's --set). */
int cli_pack_load_set(const char *arg, const rf_setting *sets, size_t nsets, rf_pack **out,
                      rf_diags *d);
/* Loads `path`, found for `arg` by cli_pack_path (so a command that needs
 * the file before loading it looks it up once); if it does not load and
 * the rules folders were searched in vain, a note names them. */
int cli_pack_load_found(const char *arg, const char *path, bool missed, const rf_setting *sets,
                        size_t nsets, rf_pack **out, rf_diags *d);

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

/* Output files (outfile.c): written to NAME.rosterflag-tmp-XXXXXX beside
 * the target and renamed onto it only by of_commit, so a failed or killed
 * run leaves the target as it was. NULL or "-" is stdout; a device or FIFO
 * is written directly; a symbolic link is written through (its target is
 * replaced, the link stays). Failures are printed, naming the file and the
 * reason. */
typedef struct of_file {
    const char *name; /* as given, for messages */
    char *target;     /* the path replaced: `name` with symbolic links followed */
    char *tmp;        /* the temporary file, NULL when written directly */
    FILE *f;
    int slot; /* in the table the signal handler cleans up */
    bool direct;
} of_file;

bool of_open(of_file *o, const char *name, const char *cmd);
/* Flush, sync and rename into place; false (printed) if any step failed,
 * in which case the target is untouched and the temporary file removed. */
bool of_commit(of_file *o, const char *cmd);
/* Remove the temporary file; the target is untouched. Safe to repeat. */
void of_abandon(of_file *o);
/* `path` with symbolic links in its last component followed (the link's
 * target need not exist); NULL on a loop. Free the result. */
char *of_resolve(const char *path);
/* Whether a and b are the same regular file (device and inode, whatever
 * the spelling: ./x, a hard link, a symbolic link) or, neither existing,
 * the same name in the same directory. */
bool of_same_file(const char *a, const char *b);

/* The scratch folder of `rosterflag test` (one per process): a new folder
 * PARENT/rosterflag-test-XXXXXX (NULL with errno set if it cannot be made),
 * the path of a new file in it (malloc'd; NULL if out of memory), and its
 * removal with every file named. A signal that ends the process (as for
 * outputs) removes it too. */
const char *of_scratch_new(const char *parent);
char *of_scratch_path(void);
void of_scratch_remove(void);

/* A whole number in [lo, hi], decimal digits only: no sign, space or
 * suffix, so "-1" or "1e3" are errors rather than a wrapped value. */
bool cli_uint(const char *s, uint64_t lo, uint64_t hi, uint64_t *out);

#endif
