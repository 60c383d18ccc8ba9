/* rosterflag run: evaluate inputs against a pack. */
#include "cli.h"
#include "rp.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
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
          "                          the rejects and the rules; needs --output)\n"
          "  -o, --output FILE       write results to FILE (default stdout); written to a\n"
          "                          temporary file and renamed, never left half-written\n"
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
          "      --max-rejects N     stop with an error once N rows are rejected\n"
          "      --group-by COLUMN   count the results per level (and flag) for each value\n"
          "                          of the output column COLUMN (a township, a branch) in\n"
          "                          the summary; default: the pack's report: group_by\n"
          "      --set NAME=VALUE    use VALUE for the pack's constant NAME (repeatable);\n"
          "                          said in the summary and stamped in the pack column\n"
          "  -q, --quiet             no summary on stderr\n"
          "  -h, --help              this help\n"
          "\n"
          "example:\n"
          "  rosterflag run rules/xuanen-twelve-point.yaml \\\n"
          "      --input members=samples/xuanen/members.csv \\\n"
          "      --input events=samples/xuanen/ledger.csv --year 2025\n"
          "\n"
          "exit codes: 0 ok, 1 rows rejected, 2 usage, 3 pack error, 4 input error,\n"
          "5 output error, 6 stopped by --max-rejects.\n",
          to);
}

enum { RUN_MAX_SETS = 32 };

typedef struct run_out {
    const char *path;
    char *tmp;
    FILE *f;
    bool direct; /* opened without a temporary file; closed as is */
} run_out;

/* Results go to a temporary file beside the target and are renamed into
 * place only when the run succeeds: a failed run never leaves a truncated
 * file under the name the user asked for. */
static bool run_out_open(run_out *o, const char *path)
{
    o->path = path;
    o->tmp = NULL;
    if (!path || strcmp(path, "-") == 0) {
        o->f = stdout;
        o->path = NULL;
        return true;
    }
    /* A device or pipe (/dev/null, a FIFO) cannot be replaced by renaming;
     * write to it directly. */
    struct stat st;
    if (stat(path, &st) == 0 && !S_ISREG(st.st_mode)) {
        if (!(o->f = fopen(path, "w"))) {
            fprintf(stderr, "rosterflag: cannot write %s: %s\n", path, strerror(errno));
            return false;
        }
        o->path = NULL;
        o->direct = true;
        return true;
    }
    size_t n = strlen(path) + 16;
    o->tmp = malloc(n);
    if (!o->tmp)
        return false;
    snprintf(o->tmp, n, "%s.tmp-XXXXXX", path);
    int fd = mkstemp(o->tmp);
    if (fd < 0 || !(o->f = fdopen(fd, "w"))) {
        fprintf(stderr, "rosterflag run: cannot create %s: %s\n", path, strerror(errno));
        if (fd >= 0)
            close(fd);
        free(o->tmp);
        o->tmp = NULL;
        return false;
    }
    static char bufs[2][1 << 16];
    static int nb;
    setvbuf(o->f, bufs[nb++ & 1], _IOFBF, sizeof bufs[0]);
    return true;
}

static bool run_out_close(run_out *o, bool keep)
{
    bool ok = true;
    if (!o->tmp) {
        if (o->direct)
            ok = fclose(o->f) == 0;
        else if (o->f && fflush(o->f) != 0)
            ok = false;
        return ok;
    }
    if (fclose(o->f) != 0)
        ok = false;
    if (keep && ok && rename(o->tmp, o->path) != 0) {
        fprintf(stderr, "rosterflag run: cannot write %s: %s\n", o->path, strerror(errno));
        ok = false;
    }
    if (!keep || !ok)
        unlink(o->tmp);
    free(o->tmp);
    return ok;
}

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
            fprintf(stderr, "; %llu problems noted in kept rows", (unsigned long long)st->problems);
        if (st->blank)
            fprintf(stderr, " (%llu blank lines skipped)", (unsigned long long)st->blank);
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

static int run_main(int argc, char **argv, bool explain)
{
    const char *cmd = explain ? "explain" : "run";
    const char *pack = NULL, *output = NULL, *rejects = NULL, *v, *id = NULL, *group_by = NULL;
    const char *enc_all = NULL;
    char delim_all = 0;
    rf_run_options o = RF_RUN_OPTIONS_INIT;
    rf_input inputs[RF_MAX_INPUTS];
    const char *enc_for[RF_MAX_INPUTS][2];
    const char *delim_for[RF_MAX_INPUTS][2];
    rf_setting sets[RUN_MAX_SETS];
    size_t nin = 0, nenc = 0, ndelim = 0, nsets = 0;
    bool quiet = false, bom = false, xlsx = false;

    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
            if (explain)
                explain_help(stdout);
            else
                run_help(stdout);
            return CLI_OK;
        } else if (explain && cli_opt(argc, argv, &i, "--id", &v)) {
            if (!v)
                return CLI_USAGE;
            id = v;
        } else if (strcmp(a, "-q") == 0 || strcmp(a, "--quiet") == 0) {
            quiet = true;
        } else if (!explain && strcmp(a, "--bom") == 0) {
            bom = true;
        } else if (cli_opt(argc, argv, &i, "--input", &v) || cli_opt(argc, argv, &i, "-i", &v)) {
            if (!v)
                return CLI_USAGE;
            const char *eq = strchr(v, '=');
            if (!eq || eq == v || !eq[1]) {
                cli_usage_error(cmd, "--input takes NAME=FILE, got '%s'", v);
                return CLI_USAGE;
            }
            if (nin == RF_MAX_INPUTS) {
                cli_usage_error(cmd, "too many --input options");
                return CLI_USAGE;
            }
            char *name = strndup(v, (size_t)(eq - v));
            inputs[nin].name = name;
            inputs[nin].path = eq + 1;
            inputs[nin].encoding = NULL;
            inputs[nin].delimiter = 0;
            nin++;
        } else if (cli_opt(argc, argv, &i, "--year", &v)) {
            char *end;
            long y = v ? strtol(v, &end, 10) : 0;
            if (!v || *end || y < 1900 || y > 9999) {
                cli_usage_error(cmd, "--year takes a year such as 2025, got '%s'", v ? v : "");
                return CLI_USAGE;
            }
            o.year = (int)y;
        } else if (cli_opt(argc, argv, &i, "--as-of", &v)) {
            if (!v)
                return CLI_USAGE;
            o.as_of = v;
        } else if (cli_opt(argc, argv, &i, "--format", &v) || cli_opt(argc, argv, &i, "-f", &v)) {
            xlsx = v && strcmp(v, "xlsx") == 0 && !explain;
            if (v && (strcmp(v, "csv") == 0 || xlsx))
                o.format = RF_FORMAT_CSV;
            else if (v && (strcmp(v, "jsonl") == 0 || strcmp(v, "json") == 0))
                o.format = RF_FORMAT_JSONL;
            else {
                cli_usage_error(cmd, "--format is csv, jsonl or xlsx, got '%s'", v ? v : "");
                return CLI_USAGE;
            }
        } else if (cli_opt(argc, argv, &i, "--output", &v) || cli_opt(argc, argv, &i, "-o", &v)) {
            if (!v)
                return CLI_USAGE;
            output = v;
        } else if (cli_opt(argc, argv, &i, "--rejects", &v) || cli_opt(argc, argv, &i, "-r", &v)) {
            if (!v)
                return CLI_USAGE;
            rejects = v;
        } else if (cli_opt(argc, argv, &i, "--encoding", &v)) {
            if (!v)
                return CLI_USAGE;
            const char *eq = strchr(v, '=');
            if (!eq)
                enc_all = v;
            else if (nenc < RF_MAX_INPUTS) {
                enc_for[nenc][0] = strndup(v, (size_t)(eq - v));
                enc_for[nenc][1] = eq + 1;
                nenc++;
            }
        } else if (cli_opt(argc, argv, &i, "--delimiter", &v)) {
            if (!v)
                return CLI_USAGE;
            const char *eq = strchr(v, '=');
            const char *ds = eq && eq != v && eq[1] ? eq + 1 : v;
            if (!run_delim(ds)) {
                cli_usage_error(
                    cmd, "--delimiter takes one character, 'tab' or 'semicolon', got '%s'", ds);
                return CLI_USAGE;
            }
            if (ds == v)
                delim_all = run_delim(v);
            else if (ndelim < RF_MAX_INPUTS) {
                delim_for[ndelim][0] = strndup(v, (size_t)(eq - v));
                delim_for[ndelim][1] = ds;
                ndelim++;
            }
        } else if (!explain && cli_opt(argc, argv, &i, "--group-by", &v)) {
            if (!v)
                return CLI_USAGE;
            group_by = v;
        } else if (cli_opt(argc, argv, &i, "--set", &v)) {
            const char *eq = v ? strchr(v, '=') : NULL;
            if (!eq || eq == v || nsets == RUN_MAX_SETS) {
                cli_usage_error(cmd, "--set takes NAME=VALUE (at most %d), got '%s'", RUN_MAX_SETS,
                                v ? v : "");
                for (size_t k = 0; k < nsets; k++)
                    free((char *)sets[k].name);
                for (size_t k = 0; k < nin; k++)
                    free((char *)inputs[k].name);
                return CLI_USAGE;
            }
            sets[nsets].name = strndup(v, (size_t)(eq - v));
            sets[nsets++].value = eq + 1;
        } else if (cli_opt(argc, argv, &i, "--max-rejects", &v)) {
            char *end;
            unsigned long long n = v ? strtoull(v, &end, 10) : 0;
            if (!v || *end || n == 0) {
                cli_usage_error(cmd, "--max-rejects takes a positive number, got '%s'", v ? v : "");
                return CLI_USAGE;
            }
            o.max_rejects = n;
        } else if (a[0] == '-' && a[1]) {
            cli_usage_error(cmd, "unknown option '%s'", a);
            return CLI_USAGE;
        } else if (!pack) {
            pack = a;
        } else {
            cli_usage_error(
                cmd, "unexpected argument '%s' (inputs are given with --input NAME=FILE)", a);
            return CLI_USAGE;
        }
    }
    if (!pack) {
        cli_usage_error(cmd, "no rule pack given");
        return CLI_USAGE;
    }
    if (!nin) {
        cli_usage_error(cmd, "no inputs given (--input NAME=FILE)");
        return CLI_USAGE;
    }
    if (explain && !id) {
        cli_usage_error(cmd, "which entity? give --id KEY");
        return CLI_USAGE;
    }
    if (explain && (output || rejects)) {
        cli_usage_error(cmd, "explain writes no results; --output and --rejects belong to 'run'");
        return CLI_USAGE;
    }
    if (explain) {
        quiet = true;
        o.explain = id;
        o.explain_out = stdout;
    }
    for (size_t k = 0; k < nin; k++) {
        inputs[k].encoding = enc_all;
        inputs[k].delimiter = delim_all;
        for (size_t e = 0; e < nenc; e++)
            if (strcmp(enc_for[e][0], inputs[k].name) == 0)
                inputs[k].encoding = enc_for[e][1];
        for (size_t e = 0; e < ndelim; e++)
            if (strcmp(delim_for[e][0], inputs[k].name) == 0)
                inputs[k].delimiter = run_delim(delim_for[e][1]);
    }

    int code = CLI_OK;
    rf_diags *d = rf_diags_new();
    rf_pack *p = NULL;
    run_out out = {0}, rej = {0};
    rp_report *rp = NULL;
    bool out_open = false, rej_open = false;
    if (xlsx && (!output || strcmp(output, "-") == 0)) {
        cli_usage_error(cmd, "--format xlsx writes a file: give --output FILE.xlsx");
        code = CLI_USAGE;
        goto done;
    }
    if (bom && (o.format != RF_FORMAT_CSV || xlsx)) {
        cli_usage_error(cmd, "--bom is for CSV results; JSON lines and workbooks never start "
                             "with a byte-order mark");
        code = CLI_USAGE;
        goto done;
    }
    if (cli_pack_load_set(pack, sets, nsets, &p, d) != 0) {
        code = cli_report(d);
        goto done;
    }
    char why[512];
    if (!explain && !(rp = rp_new(p, group_by, why, sizeof why))) {
        cli_usage_error(cmd, "--group-by: %s", why);
        code = CLI_USAGE;
        goto done;
    }
    if (rp) {
        o.on_result = rp_on_result;
        o.ctx = rp;
    }
    if (explain) {
        out.f = NULL;
        out_open = false;
    } else if (!(out_open = run_out_open(&out, output)) ||
               (rejects && !(rej_open = run_out_open(&rej, rejects)))) {
        code = CLI_OUTPUT;
        goto done;
    }
    /* Excel on Chinese Windows takes a CSV file without a byte-order mark
     * for the ANSI code page (GBK) and garbles UTF-8 text. */
    if (bom) {
        fputs("\xEF\xBB\xBF", out.f);
        if (rej_open)
            fputs("\xEF\xBB\xBF", rej.f);
    }
    /* A workbook holds the rejects too: they are gathered in a scratch file
     * and read back (and copied to --rejects when given). */
    FILE *rejf = rejects ? rej.f : NULL;
    if (xlsx && (!(rejf = tmpfile()) ||
                 rp_open_book(rp, out.tmp ? out.tmp : output, why, sizeof why) != 0)) {
        fprintf(stderr, "rosterflag run: %s\n", rejf ? why : strerror(errno));
        code = CLI_OUTPUT;
        if (rejf)
            fclose(rejf);
        goto done;
    }
    rf_summary s;
    int rc = rf_run(p, &o, inputs, nin, xlsx ? NULL : out.f, rejf, &s, d);
    code = cli_report(d);
    bool ok = rc == 0;
    if (xlsx) {
        if (rp_close_book(rp, ok, &s, rejf, argc, argv, why, sizeof why) != 0) {
            fprintf(stderr, "rosterflag run: %s\n", why);
            ok = false;
            code = CLI_OUTPUT;
        }
        if (rej_open && fseek(rejf, 0, SEEK_SET) == 0) {
            char buf[65536];
            size_t n;
            while ((n = fread(buf, 1, sizeof buf, rejf)) > 0)
                fwrite(buf, 1, n, rej.f);
        }
        fclose(rejf);
    }
    if (!explain && !run_out_close(&out, ok))
        code = CLI_OUTPUT;
    out_open = false;
    if (rej_open) {
        /* Rejects of a stopped run are still worth keeping: they say why. */
        if (!run_out_close(&rej, true))
            code = CLI_OUTPUT;
        rej_open = false;
    }
    if (ok && !quiet) {
        run_summary(p, &s);
        rp_summary(rp, &s, stderr);
    }
    if (ok && code == CLI_OK) {
        for (size_t i = 0; i < s.ninputs; i++)
            if (s.inputs[i].rejected)
                code = CLI_REJECTED;
    }
    if (!ok && code == CLI_OK)
        code = CLI_INTERNAL;
done:
    if (out_open)
        run_out_close(&out, false);
    if (rej_open)
        run_out_close(&rej, false);
    rp_free(rp);
    rf_pack_free(p);
    rf_diags_free(d);
    for (size_t k = 0; k < nin; k++)
        free((char *)inputs[k].name);
    for (size_t e = 0; e < nenc; e++)
        free((char *)enc_for[e][0]);
    for (size_t e = 0; e < ndelim; e++)
        free((char *)delim_for[e][0]);
    for (size_t k = 0; k < nsets; k++)
        free((char *)sets[k].name);
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
