/* rosterflag: the command-line front end. The engine (include/rosterflag.h)
 * does the work; this layer parses options, prints diagnostics and maps
 * failure classes to exit codes. */
#include "cli.h"
#include "rf_revision.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int cmd_help(int argc, char **argv);
static int cmd_version(int argc, char **argv);

static const cli_command cli_commands[] = {
    {"run", cmd_run, "evaluate CSV inputs against a rule pack and write results"},
    {"check", cmd_check, "load and validate rule packs without running them"},
    {"explain", cmd_explain, "show how one member's or village's result came about"},
    {"test", cmd_test, "run the test cases that sit beside rule packs"},
    {"help", cmd_help, "show help for a command"},
    {"version", cmd_version, "print the version"},
};
#define CLI_NCOMMANDS (sizeof cli_commands / sizeof cli_commands[0])

static void cli_main_usage(FILE *to)
{
    fputs("usage: rosterflag <command> [options]\n\n"
          "Evaluates CSV rosters against declarative YAML rule packs and writes flags,\n"
          "each with the reasons behind it.\n\ncommands:\n",
          to);
    for (size_t i = 0; i < CLI_NCOMMANDS; i++)
        fprintf(to, "  %-9s %s\n", cli_commands[i].name, cli_commands[i].summary);
    fputs("\nRun 'rosterflag <command> --help' for a command's options.\n\n"
          "exit codes:\n"
          "  0  success\n"
          "  1  completed, but some input rows were rejected (see the rejects report)\n"
          "  2  usage error (bad command line)\n"
          "  3  the rule pack has errors\n"
          "  4  an input cannot be read (missing file, encoding, missing column)\n"
          "  5  an output (results, rejects report) cannot be written\n"
          "  6  stopped by --max-rejects\n"
          "  7  test cases failed\n"
          " 70  internal error\n",
          to);
}

static int cmd_version(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    printf("rosterflag %s (git %s)\n", RF_VERSION, RF_REVISION);
    return CLI_OK;
}

static int cmd_help(int argc, char **argv)
{
    if (argc >= 2) {
        for (size_t i = 0; i < CLI_NCOMMANDS; i++)
            if (strcmp(argv[1], cli_commands[i].name) == 0 && cli_commands[i].fn != cmd_help) {
                char help[] = "--help";
                char *args[] = {argv[1], help, NULL};
                return cli_commands[i].fn(2, args);
            }
        fprintf(stderr, "rosterflag: no command '%s'\n", argv[1]);
        return CLI_USAGE;
    }
    cli_main_usage(stdout);
    return CLI_OK;
}

int cli_exit_for(rf_class cls)
{
    switch (cls) {
    case RF_CLASS_PACK:
        return CLI_PACK;
    case RF_CLASS_INPUT:
        return CLI_INPUT;
    case RF_CLASS_ROW:
        return CLI_REJECTED;
    case RF_CLASS_OUTPUT:
        return CLI_OUTPUT;
    case RF_CLASS_USAGE:
        return CLI_USAGE;
    case RF_CLASS_LIMIT:
        return CLI_LIMIT;
    }
    return CLI_INTERNAL;
}

/* The most serious class wins: a pack error explains more than the input
 * errors it causes. */
int cli_report(const rf_diags *d)
{
    static const rf_class rank[] = {RF_CLASS_USAGE,  RF_CLASS_PACK,  RF_CLASS_INPUT,
                                    RF_CLASS_OUTPUT, RF_CLASS_LIMIT, RF_CLASS_ROW};
    int worst = -1;
    for (size_t i = 0; i < rf_diags_count(d); i++) {
        const rf_diag *g = rf_diags_get(d, i);
        rf_diag_format(g, stderr);
        if (g->severity != RF_ERROR)
            continue;
        for (int r = 0; r < (int)(sizeof rank / sizeof rank[0]); r++)
            if (rank[r] == g->cls && (worst < 0 || r < worst))
                worst = r;
    }
    return worst < 0 ? CLI_OK : cli_exit_for(rank[worst]);
}

bool cli_opt(int argc, char **argv, int *i, const char *name, const char **value)
{
    const char *a = argv[*i];
    size_t n = strlen(name);
    if (strncmp(a, name, n) != 0)
        return false;
    if (a[n] == '=') {
        *value = a + n + 1;
        return true;
    }
    if (a[n] != '\0')
        return false;
    if (*i + 1 >= argc) {
        fprintf(stderr, "rosterflag: option %s needs a value\n", name);
        *value = NULL;
        return true;
    }
    *value = argv[++*i];
    return true;
}

bool cli_uint(const char *s, uint64_t lo, uint64_t hi, uint64_t *out)
{
    uint64_t v = 0;
    if (!s || !*s)
        return false;
    for (; *s; s++) {
        if (*s < '0' || *s > '9')
            return false;
        unsigned d = (unsigned)(*s - '0');
        if (v > (UINT64_MAX - d) / 10)
            return false;
        v = v * 10 + d;
    }
    if (v < lo || v > hi)
        return false;
    *out = v;
    return true;
}

void cli_usage_error(const char *cmd, const char *fmt, ...)
{
    va_list ap;
    fprintf(stderr, "rosterflag %s: ", cmd);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fprintf(stderr, "\nTry 'rosterflag %s --help'.\n", cmd);
}

static void cli_out_of_memory(size_t bytes)
{
    fprintf(stderr, "rosterflag: out of memory (asking for %zu bytes)\n", bytes);
    exit(CLI_INTERNAL);
}

int main(int argc, char **argv)
{
    rf_set_out_of_memory(cli_out_of_memory);
    if (argc < 2) {
        cli_main_usage(stderr);
        return CLI_USAGE;
    }
    const char *c = argv[1];
    if (strcmp(c, "--help") == 0 || strcmp(c, "-h") == 0) {
        cli_main_usage(stdout);
        return CLI_OK;
    }
    if (strcmp(c, "--version") == 0 || strcmp(c, "-V") == 0)
        return cmd_version(argc - 1, argv + 1);
    for (size_t i = 0; i < CLI_NCOMMANDS; i++)
        if (strcmp(c, cli_commands[i].name) == 0)
            return cli_commands[i].fn(argc - 1, argv + 1);
    fprintf(stderr, "rosterflag: unknown command '%s'\n\n", c);
    cli_main_usage(stderr);
    return CLI_USAGE;
}
