/* rosterflag run: evaluate inputs against a pack. */
#include "cli.h"
#include "rp.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void run_help(FILE *to)
{
    fputs("usage: rosterflag run PACK --input NAME=FILE [--input NAME=FILE ...] [options]\n"
          "\n"
          "Evaluates the CSV inputs against the rule pack and writes one result per\n"
          "entity (member, village, ...) with its level and the reasons behind it.\n"
          "A summary goes to stderr: rows read, used and rejected per input, and the\n"
          "number of results per level.\n"
          "\n"
          "options:\n"
          "  -i, --input NAME=FILE   a CSV file for the pack's input NAME (repeatable)\n"
          "      --year Y            the period (calendar year) whose dated rows count\n"
          "                          (default: the year of --as-of, else this year)\n"
          "      --as-of DATE        the date ages are computed at (default: 31 Dec of\n"
          "                          the year)\n"
          "  -f, --format FMT        result format: csv (default), jsonl, or xlsx (an Excel\n"
          "                          workbook with a summary per level and group, a chart,\n"
          "                          the rejects and the rules; needs --output), or html\n"
          "                          (one printable page: summary, chart, a block per\n"
          "                          entity with a level or flag)\n"
          "      --list-all          html: list every entity, not only those with a level\n"
          "                          or a flag raised\n"
          "      --notices           html: one printable notice per entity listed, in the\n"
          "                          pack's words: who, the period, the level and what it\n"
          "                          means, each row that counted with its item and points\n"
          "  -o, --output FILE       write results to FILE (default, or '-': stdout)\n"
          "      --columns LIST      write only these result columns, in this order\n"
          "                          (comma-separated: the pack's output columns, level,\n"
          "                          level_label, a flag, reasons, detail, pack), e.g.\n"
          "                          --columns member_id,score,level; csv and jsonl\n"
          "  -r, --rejects FILE      write rejected rows, and rows kept with a problem,\n"
          "                          to FILE as CSV (file,line,input,action,reason,raw);\n"
          "                          without it they are reported on stderr\n"
          "      --bom               start the CSV results and rejects report with a UTF-8\n"
          "                          byte-order mark, which Excel on Chinese Windows needs\n"
          "                          to read UTF-8 (without it Excel shows garbled text).\n"
          "                          Every CSV writes a text cell that begins with = + - @\n"
          "                          after an apostrophe, so no spreadsheet runs it\n"
          "      --encoding [NAME=]ENC  auto (default), utf-8 or gb18030, for all inputs\n"
          "                          or for input NAME\n"
          "      --delimiter [NAME=]C  field separator: ',' (default), 'tab', ';'\n"
          "      --max-rejects N     stop with an error once N rows are rejected (N >= 1)\n"
          "  -j, --threads N         read the input on N workers (default: the cores\n"
          "                          available); the output is the same for every N.\n"
          "                          Used for the entity input alone (a year-end sheet)\n"
          "                          in csv or jsonl, without a ranking or --group-by,\n"
          "                          and for the related inputs of a roster and ledger\n"
          "                          or a team sheet (their rows folded in file order);\n"
          "                          explain, --notices and results read back run on\n"
          "                          one thread\n"
          "      --group-by COLUMN   count the results per level (and flag) for each value\n"
          "                          of the output column COLUMN (a township, a branch) in\n"
          "                          the summary; default: the pack's report: group_by\n"
          "      --set NAME=VALUE    use VALUE for the pack's constant NAME (repeatable);\n"
          "                          said in the summary and stamped in the pack column\n"
          "      --strict            a warning about an input is an error (exit 4, no\n"
          "                          results written): a column the pack reads that is\n"
          "                          not in the header, a title close to a name the pack\n"
          "                          lacks, a byte-order mark or quote problem in a header\n"
          "  -q, --quiet             no summary on stderr\n"
          "  -h, --help              this help\n"
          "\n",
          to);
    fputs("example:\n"
          "  rosterflag run rules/xuanen-twelve-point.yaml \\\n"
          "      --input members=samples/xuanen/members.csv \\\n"
          "      --input events=samples/xuanen/ledger.csv --year 2025\n"
          "\n"
          "output files:\n"
          "  FILE (--output, --rejects) is written as FILE.rosterflag-tmp-XXXXXX in its\n"
          "  directory and renamed onto FILE only when the run completes; the rejects\n"
          "  report also when --max-rejects stops the run, to say why. On any other\n"
          "  failure, or when interrupted (SIGINT, SIGTERM, SIGHUP), FILE keeps what it\n"
          "  held and the temporary file is removed; one left by a killed run (SIGKILL,\n"
          "  power loss) may be deleted. A new FILE gets mode 0666 less the umask, a\n"
          "  replaced one keeps its mode. A symbolic link is written through (the file\n"
          "  it points to is replaced, the link stays); a device is written directly.\n"
          "  An output that is an input, the pack or the other output (the same file,\n"
          "  however spelled) is refused before anything is read.\n"
          "\n"
          "exit codes: 0 ok, 1 rows rejected, 2 usage (also an output onto an input),\n"
          "3 pack error, 4 input error, 5 an output cannot be written (file and reason\n"
          "are named; the previous file is kept), 6 stopped by --max-rejects; killed by\n"
          "a signal: 128+N.\n",
          to);
}

enum { RUN_MAX_SETS = 32 };

static char run_delim(const char *s)
{
    if (strcmp(s, "tab") == 0 || strcmp(s, "\\t") == 0 || strcmp(s, "\t") == 0)
        return '\t';
    if (strcmp(s, "comma") == 0)
        return ',';
    if (strcmp(s, "semicolon") == 0)
        return ';';
    if (strlen(s) == 1 && s[0] != '"' && s[0] != '\n' && s[0] != '\r')
        return s[0];
    return 0;
}

static void run_summary(const rf_pack *p, const rf_summary *s)
{
    fprintf(stderr, "rosterflag: %s %s, year %d, as of %s\n", rf_pack_id(p), rf_pack_version(p),
            s->year, s->as_of);
    if (*rf_pack_settings(p))
        fprintf(stderr, "  constants set: %s\n", rf_pack_settings(p));
    for (size_t i = 0; i < s->ninputs; i++) {
        const rf_input_stats *st = &s->inputs[i];
        if (!st->path || !st->path[0])
            continue;
        fprintf(stderr, "  %s (%s%s): %llu rows read: %llu used", st->name, st->path,
                st->encoding && strcmp(st->encoding, "utf-8") != 0 ? ", gb18030" : "",
                (unsigned long long)st->rows, (unsigned long long)st->used);
        if (st->outside)
            fprintf(stderr, ", %llu outside %d", (unsigned long long)st->outside, s->year);
        fprintf(stderr, ", %llu rejected", (unsigned long long)st->rejected);
        if (st->problems)
            fprintf(stderr, "; %llu %s noted in kept rows", (unsigned long long)st->problems,
                    st->problems == 1 ? "problem" : "problems");
        if (st->blank)
            fprintf(stderr, " (%llu blank %s skipped)", (unsigned long long)st->blank,
                    st->blank == 1 ? "line" : "lines");
        fputc('\n', stderr);
    }
    fprintf(stderr, "  results: %llu%s", (unsigned long long)s->entities, s->nlevels ? ";" : "\n");
    for (size_t l = 0; l < s->nlevels; l++)
        fprintf(stderr, " %s %llu%s", s->levels[l].id, (unsigned long long)s->levels[l].count,
                l + 1 < s->nlevels ? "," : "\n");
    for (size_t f = 0; f < s->nflags; f++) {
        fprintf(stderr, "%s %s %llu", f ? "," : "  flags raised:", s->flags[f].id,
                (unsigned long long)s->flags[f].count);
        if (s->flags[f].undecided)
            fprintf(stderr, " (%llu not evaluated)", (unsigned long long)s->flags[f].undecided);
        fputs(f + 1 < s->nflags ? "" : "\n", stderr);
    }
    if (s->undecided)
        fprintf(stderr, "  results with a condition not evaluated (values missing): %llu\n",
                (unsigned long long)s->undecided);
}

static void explain_help(FILE *to)
{
    fputs("usage: rosterflag explain PACK --id KEY --input NAME=FILE ... [options]\n"
          "\n"
          "Shows how one entity's result came about, for the staff who must justify a\n"
          "flag to the member concerned: its row, every related row and whether it\n"
          "counted (or why not: outside the year, rejected), the tallies, each measure's\n"
          "value, each condition true or false with its values, and the level chosen.\n"
          "\n"
          "options:\n"
          "      --id KEY            the entity's key (a member id, a village name)\n"
          "  -i, --input NAME=FILE   as for 'run'; also --year, --as-of, --encoding,\n"
          "                          --delimiter, --set\n"
          "  -h, --help              this help\n",
          to);
}

/* ---- the command line --------------------------------------------------- */

typedef struct run_pair {
    char *name; /* an input's name */
    const char *value;
} run_pair;

typedef struct run_args {
    const char *cmd;
    bool explain, quiet, bom, xlsx, html, list_all, notices;
    bool strict; /* a warning about an input fails the run */
    const char *pack, *output, *rejects, *id, *enc_all, *group_by;
    char *pack_path;  /* the file of `pack`, found once (cli_pack_path) */
    bool pack_missed; /* `pack` is no file here, nor in the rules folders */
    char delim_all;
    rf_run_options o;
    rf_input inputs[RF_MAX_INPUTS];
    size_t nin;
    rf_setting sets[RUN_MAX_SETS];
    size_t nsets;
    /* --encoding NAME=ENC and --delimiter NAME=C, applied once the pack
     * says which inputs exist. */
    run_pair enc_for[RF_MAX_INPUTS], delim_for[RF_MAX_INPUTS];
    size_t nenc, ndelim;
} run_args;

/* An option handler's answer besides CLI_OK and the exit codes. */
enum { RUN_HELP = -1 };

static void run_args_free(run_args *A)
{
    free(A->pack_path);
    for (size_t k = 0; k < A->nin; k++)
        free((char *)A->inputs[k].name);
    for (size_t e = 0; e < A->nenc; e++)
        free(A->enc_for[e].name);
    for (size_t e = 0; e < A->ndelim; e++)
        free(A->delim_for[e].name);
    for (size_t k = 0; k < A->nsets; k++)
        free((char *)A->sets[k].name);
}

static char *run_strndup(const char *s, size_t n)
{
    char *p = malloc(n + 1);
    if (!p) {
        fprintf(stderr, "rosterflag: out of memory\n");
        return NULL;
    }
    memcpy(p, s, n);
    p[n] = '\0';
    return p;
}

static int run_opt_help(run_args *A, const char *v)
{
    (void)v;
    if (A->explain)
        explain_help(stdout);
    else
        run_help(stdout);
    return RUN_HELP;
}

static int run_opt_id(run_args *A, const char *v)
{
    A->id = v;
    return CLI_OK;
}

static int run_opt_quiet(run_args *A, const char *v)
{
    (void)v;
    A->quiet = true;
    return CLI_OK;
}

static int run_opt_strict(run_args *A, const char *v)
{
    (void)v;
    A->strict = true;
    return CLI_OK;
}

static int run_opt_bom(run_args *A, const char *v)
{
    (void)v;
    A->bom = true;
    return CLI_OK;
}

static int run_opt_list_all(run_args *A, const char *v)
{
    (void)v;
    A->list_all = true;
    return CLI_OK;
}

static int run_opt_columns(run_args *A, const char *v)
{
    A->o.columns = v;
    return CLI_OK;
}

static int run_opt_notices(run_args *A, const char *v)
{
    (void)v;
    A->notices = true;
    return CLI_OK;
}

static int run_opt_group_by(run_args *A, const char *v)
{
    A->group_by = v;
    return CLI_OK;
}

static int run_opt_set(run_args *A, const char *v)
{
    const char *eq = strchr(v, '=');
    if (!eq || eq == v || A->nsets == RUN_MAX_SETS) {
        cli_usage_error(A->cmd, "--set takes NAME=VALUE (at most %d), got '%s'", RUN_MAX_SETS, v);
        return CLI_USAGE;
    }
    rf_setting *st = &A->sets[A->nsets];
    if (!(st->name = run_strndup(v, (size_t)(eq - v))))
        return CLI_INTERNAL;
    st->value = eq + 1;
    A->nsets++;
    return CLI_OK;
}

static int run_opt_input(run_args *A, const char *v)
{
    const char *eq = strchr(v, '=');
    if (!eq || eq == v || !eq[1]) {
        cli_usage_error(A->cmd, "--input takes NAME=FILE, got '%s'", v);
        return CLI_USAGE;
    }
    if (A->nin == RF_MAX_INPUTS) {
        cli_usage_error(A->cmd, "too many --input options (at most %d)", RF_MAX_INPUTS);
        return CLI_USAGE;
    }
    rf_input *in = &A->inputs[A->nin];
    memset(in, 0, sizeof *in);
    if (!(in->name = run_strndup(v, (size_t)(eq - v))))
        return CLI_INTERNAL;
    in->path = eq + 1;
    A->nin++;
    return CLI_OK;
}

static int run_opt_year(run_args *A, const char *v)
{
    uint64_t y;
    if (!cli_uint(v, 1900, 9999, &y)) {
        cli_usage_error(A->cmd, "--year takes a year from 1900 to 9999, got '%s'", v);
        return CLI_USAGE;
    }
    A->o.year = (int)y;
    return CLI_OK;
}

static int run_opt_as_of(run_args *A, const char *v)
{
    A->o.as_of = v;
    return CLI_OK;
}

static int run_opt_format(run_args *A, const char *v)
{
    A->xlsx = strcmp(v, "xlsx") == 0 && !A->explain;
    A->html = strcmp(v, "html") == 0 && !A->explain;
    if (strcmp(v, "csv") == 0 || A->xlsx || A->html)
        A->o.format = RF_FORMAT_CSV;
    else if (strcmp(v, "jsonl") == 0 || strcmp(v, "json") == 0)
        A->o.format = RF_FORMAT_JSONL;
    else {
        cli_usage_error(A->cmd, "--format is csv, jsonl, xlsx or html, got '%s'", v);
        return CLI_USAGE;
    }
    return CLI_OK;
}

static int run_opt_output(run_args *A, const char *v)
{
    A->output = v;
    return CLI_OK;
}

static int run_opt_rejects(run_args *A, const char *v)
{
    A->rejects = v;
    return CLI_OK;
}

/* VALUE for every input, or NAME=VALUE for one (added to `list`); *value
 * is the VALUE either way. */
static int run_per_input(run_args *A, const char *opt, const char *v, const char **value,
                         run_pair *list, size_t *n)
{
    const char *eq = strchr(v, '=');
    *value = v;
    if (!eq || eq == v || !eq[1])
        return CLI_OK;
    if (*n == RF_MAX_INPUTS) {
        cli_usage_error(A->cmd, "too many %s NAME=VALUE options (at most %d)", opt, RF_MAX_INPUTS);
        return CLI_USAGE;
    }
    if (!(list[*n].name = run_strndup(v, (size_t)(eq - v))))
        return CLI_INTERNAL;
    list[*n].value = eq + 1;
    *value = eq + 1;
    ++*n;
    return CLI_OK;
}

static int run_opt_encoding(run_args *A, const char *v)
{
    const char *e;
    size_t before = A->nenc;
    int rc = run_per_input(A, "--encoding", v, &e, A->enc_for, &A->nenc);
    if (rc == CLI_OK && A->nenc == before)
        A->enc_all = e;
    return rc;
}

static int run_opt_delimiter(run_args *A, const char *v)
{
    const char *ds;
    size_t before = A->ndelim;
    int rc = run_per_input(A, "--delimiter", v, &ds, A->delim_for, &A->ndelim);
    if (rc != CLI_OK)
        return rc;
    if (!run_delim(ds)) {
        cli_usage_error(A->cmd, "--delimiter takes one character, 'tab' or 'semicolon', got '%s'",
                        ds);
        return CLI_USAGE;
    }
    if (A->ndelim == before)
        A->delim_all = run_delim(ds);
    return CLI_OK;
}

static int run_opt_threads(run_args *A, const char *v)
{
    uint64_t n = 0;
    if (!cli_uint(v, 1, 256, &n)) {
        cli_usage_error(A->cmd, "--threads takes a number of workers from 1 to 256, got '%s'", v);
        return CLI_USAGE;
    }
    A->o.threads = (int)n;
    return CLI_OK;
}

static int run_opt_max_rejects(run_args *A, const char *v)
{
    if (!cli_uint(v, 1, UINT64_MAX, &A->o.max_rejects)) {
        cli_usage_error(A->cmd, "--max-rejects takes a whole number of rows, 1 or more, got '%s'",
                        v);
        return CLI_USAGE;
    }
    return CLI_OK;
}

/* The options of run and explain. A new option is a row here and a
 * handler above; the handler gets the value (never NULL when `value`). */
enum { RUN_IN_RUN = 1, RUN_IN_EXPLAIN = 2, RUN_IN_BOTH = 3 };

typedef struct run_opt {
    const char *name, *alias;
    bool value;    /* takes a value: --name V, --name=V, -a V */
    unsigned cmds; /* RUN_IN_*: the commands it belongs to */
    int (*fn)(run_args *A, const char *v);
} run_opt;

static const run_opt run_opts[] = {
    {"--help", "-h", false, RUN_IN_BOTH, run_opt_help},
    {"--id", NULL, true, RUN_IN_EXPLAIN, run_opt_id},
    {"--quiet", "-q", false, RUN_IN_BOTH, run_opt_quiet},
    {"--bom", NULL, false, RUN_IN_RUN, run_opt_bom},
    {"--strict", NULL, false, RUN_IN_RUN, run_opt_strict},
    {"--input", "-i", true, RUN_IN_BOTH, run_opt_input},
    {"--year", NULL, true, RUN_IN_BOTH, run_opt_year},
    {"--as-of", NULL, true, RUN_IN_BOTH, run_opt_as_of},
    {"--format", "-f", true, RUN_IN_BOTH, run_opt_format},
    {"--output", "-o", true, RUN_IN_BOTH, run_opt_output},
    {"--rejects", "-r", true, RUN_IN_BOTH, run_opt_rejects},
    {"--encoding", NULL, true, RUN_IN_BOTH, run_opt_encoding},
    {"--delimiter", NULL, true, RUN_IN_BOTH, run_opt_delimiter},
    {"--columns", NULL, true, RUN_IN_RUN, run_opt_columns},
    {"--group-by", NULL, true, RUN_IN_RUN, run_opt_group_by},
    {"--list-all", NULL, false, RUN_IN_RUN, run_opt_list_all},
    {"--notices", NULL, false, RUN_IN_RUN, run_opt_notices},
    {"--set", NULL, true, RUN_IN_BOTH, run_opt_set},
    {"--max-rejects", NULL, true, RUN_IN_BOTH, run_opt_max_rejects},
    {"--threads", "-j", true, RUN_IN_RUN, run_opt_threads},
};

static int run_parse(run_args *A, int argc, char **argv)
{
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (a[0] != '-' || !a[1]) {
            if (A->pack) {
                cli_usage_error(
                    A->cmd, "unexpected argument '%s' (inputs are given with --input NAME=FILE)",
                    a);
                return CLI_USAGE;
            }
            A->pack = a;
            continue;
        }
        const run_opt *t = NULL;
        const char *v = NULL;
        for (size_t k = 0; k < sizeof run_opts / sizeof run_opts[0] && !t; k++) {
            const run_opt *r = &run_opts[k];
            if (!(r->cmds & (A->explain ? RUN_IN_EXPLAIN : RUN_IN_RUN)))
                continue;
            if (r->value ? cli_opt(argc, argv, &i, r->name, &v) ||
                               (r->alias && cli_opt(argc, argv, &i, r->alias, &v))
                         : strcmp(a, r->name) == 0 || (r->alias && strcmp(a, r->alias) == 0))
                t = r;
        }
        if (!t) {
            cli_usage_error(A->cmd, "unknown option '%s'", a);
            return CLI_USAGE;
        }
        if (t->value && !v)
            return CLI_USAGE; /* cli_opt said which option needs a value */
        int rc = t->fn(A, v);
        if (rc != CLI_OK)
            return rc;
    }
    return CLI_OK;
}

/* An output that is also an input or the pack would be replaced by the
 * run that reads it: refused before anything is opened. Paths are compared
 * as files (device and inode), so ./x, a hard link or a symbolic link to an
 * input is caught as well as the same spelling. */
static int run_check_paths(const run_args *A)
{
    const char *outs[2] = {A->output, A->rejects};
    const char *opts[2] = {"--output", "--rejects"};
    bool out_stdout = !A->output || strcmp(A->output, "-") == 0;
    bool rej_stdout = A->rejects && strcmp(A->rejects, "-") == 0;
    if (out_stdout && rej_stdout) {
        cli_usage_error(A->cmd, "--rejects - would mix the rejects report into the results on "
                                "standard output; give one of them a file");
        return CLI_USAGE;
    }
    /* A pack named without a path is the one found in the rules folders. */
    const char *pack = A->pack_path;
    int code = CLI_OK;
    for (int k = 0; k < 2 && code == CLI_OK; k++) {
        if (!outs[k] || strcmp(outs[k], "-") == 0)
            continue;
        if (pack && of_same_file(outs[k], pack)) {
            cli_usage_error(A->cmd,
                            "%s %s is the same file as the rule pack %s; the run would replace it",
                            opts[k], outs[k], pack);
            code = CLI_USAGE;
        }
        for (size_t i = 0; i < A->nin && code == CLI_OK; i++)
            if (of_same_file(outs[k], A->inputs[i].path)) {
                cli_usage_error(A->cmd,
                                "%s %s is the same file as input %s (%s); the run would replace it",
                                opts[k], outs[k], A->inputs[i].name, A->inputs[i].path);
                code = CLI_USAGE;
            }
    }
    if (code == CLI_OK && !out_stdout && A->rejects && !rej_stdout &&
        of_same_file(A->output, A->rejects)) {
        cli_usage_error(A->cmd, "--output %s and --rejects %s are the same file", A->output,
                        A->rejects);
        code = CLI_USAGE;
    }
    return code;
}

static int run_check_args(run_args *A)
{
    if (!A->pack) {
        cli_usage_error(A->cmd, "no rule pack given");
        return CLI_USAGE;
    }
    if (!A->nin) {
        cli_usage_error(A->cmd, "no inputs given (--input NAME=FILE)");
        return CLI_USAGE;
    }
    if (A->explain && !A->id) {
        cli_usage_error(A->cmd, "which entity? give --id KEY");
        return CLI_USAGE;
    }
    if (A->explain && (A->output || A->rejects)) {
        cli_usage_error(A->cmd,
                        "explain writes no results; --output and --rejects belong to 'run'");
        return CLI_USAGE;
    }
    if (A->notices && !A->html) {
        cli_usage_error(A->cmd, "--notices belongs to --format html");
        return CLI_USAGE;
    }
    if (A->xlsx && (!A->output || strcmp(A->output, "-") == 0)) {
        cli_usage_error(A->cmd, "--format xlsx writes a file: give --output FILE.xlsx");
        return CLI_USAGE;
    }
    if (A->o.columns && (A->xlsx || A->html)) {
        cli_usage_error(A->cmd, "--columns is for CSV and JSON lines results; a workbook or a "
                                "report always shows every column it has");
        return CLI_USAGE;
    }
    if (A->bom && (A->o.format != RF_FORMAT_CSV || A->xlsx || A->html)) {
        cli_usage_error(A->cmd, "--bom is for CSV results; JSON lines, workbooks and reports "
                                "never start with a byte-order mark");
        return CLI_USAGE;
    }
    /* Found once: the file checked against the outputs is the file loaded. */
    A->pack_path = cli_pack_path(A->pack, &A->pack_missed);
    if (!A->pack_path) {
        fprintf(stderr, "rosterflag %s: out of memory\n", A->cmd);
        return CLI_INTERNAL;
    }
    return run_check_paths(A);
}

static bool run_pack_has(const rf_pack *p, const char *name)
{
    for (size_t k = 0; k < rf_pack_input_count(p); k++)
        if (strcmp(rf_pack_input_name(p, k), name) == 0)
            return true;
    return false;
}

/* Per-input encodings and delimiters, once the pack names its inputs: a
 * NAME that is no input of the pack is an error, not ignored. */
static int run_bind(run_args *A, const rf_pack *p)
{
    const run_pair *lists[2] = {A->enc_for, A->delim_for};
    size_t ns[2] = {A->nenc, A->ndelim};
    const char *opts[2] = {"--encoding", "--delimiter"};
    for (int l = 0; l < 2; l++)
        for (size_t e = 0; e < ns[l]; e++)
            if (!run_pack_has(p, lists[l][e].name)) {
                cli_usage_error(A->cmd, "%s %s=%s: pack %s has no input '%s'", opts[l],
                                lists[l][e].name, lists[l][e].value, rf_pack_id(p),
                                lists[l][e].name);
                return CLI_USAGE;
            }
    for (size_t k = 0; k < A->nin; k++) {
        rf_input *in = &A->inputs[k];
        in->encoding = A->enc_all;
        in->delimiter = A->delim_all;
        for (size_t e = 0; e < A->nenc; e++)
            if (strcmp(A->enc_for[e].name, in->name) == 0)
                in->encoding = A->enc_for[e].value;
        for (size_t e = 0; e < A->ndelim; e++)
            if (strcmp(A->delim_for[e].name, in->name) == 0)
                in->delimiter = run_delim(A->delim_for[e].value);
    }
    return CLI_OK;
}

static int run_main(int argc, char **argv, bool explain)
{
    run_args A;
    memset(&A, 0, sizeof A);
    rf_run_options init = RF_RUN_OPTIONS_INIT;
    A.o = init;
    long cores = sysconf(_SC_NPROCESSORS_ONLN);
    A.o.threads = cores < 1 ? 1 : cores > 256 ? 256 : (int)cores;
    /* For tests: small pieces put their edges everywhere. */
    const char *cb = getenv("RF_CHUNK_BYTES");
    uint64_t cbn = 0;
    if (cb && cli_uint(cb, 1, (uint64_t)1 << 32, &cbn))
        A.o.chunk_bytes = (size_t)cbn;
    A.explain = explain;
    A.cmd = explain ? "explain" : "run";
    rf_diags *d = rf_diags_new();
    rf_pack *p = NULL;
    rp_report *rp = NULL;
    of_file out, rej;
    memset(&out, 0, sizeof out);
    memset(&rej, 0, sizeof rej);

    int code = run_parse(&A, argc, argv);
    if (code == CLI_OK)
        code = run_check_args(&A);
    if (code != CLI_OK) {
        if (code == RUN_HELP)
            code = CLI_OK;
        goto done;
    }
    if (cli_pack_load_found(A.pack, A.pack_path, A.pack_missed, A.sets, A.nsets, &p, d) != 0) {
        code = cli_report(d);
        goto done;
    }
    if ((code = run_bind(&A, p)) != CLI_OK)
        goto done;
    char why[512];
    if (!explain && !(rp = rp_new(p, A.group_by, why, sizeof why))) {
        cli_usage_error(A.cmd, "--group-by: %s", why);
        code = CLI_USAGE;
        goto done;
    }
    /* Each result is formatted into strings for the callback: ask for that
     * only when something reads it (groups, a workbook, a page). */
    if (rp) {
        A.o.ctx = rp;
        if (rp_group_by(rp) || A.xlsx || A.html)
            A.o.on_result = rp_on_result;
    }
    if (explain) {
        A.quiet = true;
        A.o.explain = A.id;
        A.o.explain_out = stdout;
    } else if (!of_open(&out, A.output, A.cmd) || (A.rejects && !of_open(&rej, A.rejects, A.cmd))) {
        code = CLI_OUTPUT;
        goto done;
    }
    /* Excel on Chinese Windows takes a CSV file without a byte-order mark
     * for the ANSI code page (GBK) and garbles UTF-8 text. */
    if (A.bom) {
        fputs("\xEF\xBB\xBF", out.f);
        if (rej.f)
            fputs("\xEF\xBB\xBF", rej.f);
    }
    A.o.out_name = out.name;
    A.o.rejects_name = rej.name;
    /* A workbook holds the rejects too: they are gathered in a scratch file
     * and read back (and copied to --rejects when given). */
    FILE *rejf = rej.f;
    if (A.xlsx && (!(rejf = tmpfile()) ||
                   rp_open_book(rp, out.tmp ? out.tmp : out.target, why, sizeof why) != 0)) {
        fprintf(stderr, "rosterflag run: %s\n", rejf ? why : strerror(errno));
        code = CLI_OUTPUT;
        if (rejf)
            fclose(rejf);
        goto done;
    }
    if (A.notices)
        A.o.on_row = rp_on_row;
    if (A.html && rp_open_page(rp, out.f, A.list_all, A.notices, why, sizeof why) != 0) {
        fprintf(stderr, "rosterflag run: %s\n", why);
        code = CLI_OUTPUT;
        goto done;
    }
    rf_summary s;
    int rc = rf_run(p, &A.o, A.inputs, A.nin, A.xlsx || A.html ? NULL : out.f, rejf, &s, d);
    code = cli_report(d);
    /* --strict: a sheet the run could read only with a warning (a column it
     * reads missing, a misnamed title) fails it, and writes no results. */
    for (size_t i = 0; A.strict && rc == 0 && i < rf_diags_count(d); i++) {
        const rf_diag *g = rf_diags_get(d, i);
        if (g->severity == RF_WARNING && g->cls == RF_CLASS_INPUT) {
            fprintf(stderr,
                    "rosterflag %s: --strict: the warnings about the inputs above are errors; "
                    "no results written\n",
                    A.cmd);
            rc = -1;
            code = CLI_INPUT;
        }
    }
    if (A.html && rp_close_page(rp, rc == 0, &s, why, sizeof why) != 0) {
        fprintf(stderr, "rosterflag run: %s\n", why);
        rc = -1;
        code = CLI_OUTPUT;
    }
    if (A.xlsx) {
        if (rp_close_book(rp, rc == 0, &s, rejf, argc, argv, why, sizeof why) != 0) {
            fprintf(stderr, "rosterflag run: %s\n", why);
            rc = -1;
            code = CLI_OUTPUT;
        }
        if (rej.f && fseek(rejf, 0, SEEK_SET) == 0) {
            char buf[65536];
            size_t n;
            while ((n = fread(buf, 1, sizeof buf, rejf)) > 0)
                fwrite(buf, 1, n, rej.f);
        }
        fclose(rejf);
    }
    /* The results of a complete run only. The rejects report goes with
     * them, or alone when --max-rejects stopped the run: it then lists the
     * rows that stopped it. On any other failure both targets keep what
     * they held. */
    if (!explain && rc == 0) {
        if (!of_commit(&out, A.cmd) || (A.rejects && !of_commit(&rej, A.cmd)))
            code = CLI_OUTPUT;
    } else if (!explain && code == CLI_LIMIT && A.rejects) {
        if (!of_commit(&rej, A.cmd))
            code = CLI_OUTPUT;
    }
    if (rc == 0 && !A.quiet) {
        run_summary(p, &s);
        rp_summary(rp, &s, stderr);
    }
    if (rc == 0 && code == CLI_OK) {
        for (size_t i = 0; i < s.ninputs; i++)
            if (s.inputs[i].rejected)
                code = CLI_REJECTED;
    }
    if (rc != 0 && code == CLI_OK)
        code = CLI_INTERNAL;
done:
    of_abandon(&out);
    of_abandon(&rej);
    rp_free(rp);
    rf_pack_free(p);
    rf_diags_free(d);
    run_args_free(&A);
    return code;
}

int cmd_run(int argc, char **argv)
{
    return run_main(argc, argv, false);
}

int cmd_explain(int argc, char **argv)
{
    return run_main(argc, argv, true);
}
