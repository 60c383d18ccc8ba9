/* fuzz_pack: the bytes are a rule pack (YAML). Load it from memory, render
 * every diagnostic, read back what a loaded pack offers; then, if it loaded,
 * run it on small CSV files shaped from its own inputs (header names, types,
 * the key, references), so a pack the loader accepts is also exercised by
 * the run. Which columns the headers leave out is chosen from a hash of the
 * bytes: a pack that leaves its key or reference optional once crashed the
 * run when the header lacked it.
 *
 * Checks beyond the sanitizers: a failed load reports at least one error;
 * a diagnostic's message is one line (no newline; a soft check, see
 * fz_soft); a failed run reports an error; a run that completes reconciles
 * rows == used + outside + rejected for every input. */
#include "fz_run.h"
#include "pk.h"
#include "rosterflag.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static FILE *devnull;

static void fz_fail(const char *what)
{
    fprintf(stderr, "fuzz_pack: contract violated: %s\n", what);
    abort();
}

/* Minor contract checks (a message that spans lines) would stop a campaign
 * at the first shallow finding: they are reported once per process and
 * fuzzing goes on, unless RF_FUZZ_STRICT is set in the environment. */
static void fz_soft(const char *what, const char *msg)
{
    static int said;
    if (getenv("RF_FUZZ_STRICT")) {
        fprintf(stderr, "fuzz_pack: %s: '%s'\n", what, msg);
        fz_fail(what);
    }
    if (!said++)
        fprintf(stderr, "fuzz_pack: warning (once): %s: '%s'\n", what, msg);
}

static void fz_touch(const char *s)
{
    if (s)
        fwrite(s, 1, strlen(s), devnull);
}

static void fz_diags(const rf_diags *d)
{
    for (size_t i = 0; i < rf_diags_count(d); i++) {
        const rf_diag *g = rf_diags_get(d, i);
        if (!g || !g->message)
            fz_fail("rf_diags_get returned no diagnostic or no message");
        if (strchr(g->message, '\n'))
            fz_soft("diagnostic message spans lines", g->message);
        fz_touch(g->file);
        fz_touch(g->source_line);
        rf_diag_format(g, devnull);
    }
}

/* ---- running a loaded pack ---- */

static char fz_paths[RF_MAX_INPUTS][96];

static void fz_cleanup(void)
{
    for (int i = 0; i < RF_MAX_INPUTS; i++)
        if (fz_paths[i][0])
            unlink(fz_paths[i]);
}

static void fz_field(FILE *f, const char *s)
{
    fputc('"', f);
    for (; s && *s; s++) {
        if (*s == '"')
            fputc('"', f);
        fputc(*s, f);
    }
    fputc('"', f);
}

/* A cell of column c's type, in one of three flavours: 0 and 1 are valid
 * and differ (keys K1, K2; references match them), 2 is out of the way. */
static const char *fz_cell(const pk_column *col, int flavour)
{
    switch (col->type.kind) {
    case VL_INT:
        return flavour == 0 ? "1" : flavour == 1 ? "5" : "-7";
    case VL_DEC:
        return flavour == 0 ? "1.5" : flavour == 1 ? "0" : "99999";
    case VL_DATE:
        return flavour == 0 ? "2025-06-01" : flavour == 1 ? "2024-12-31" : "2025年2月29日";
    case VL_BOOL:
        return flavour == 0 ? "true" : flavour == 1 ? "false" : "是";
    case VL_ENUM:
        if (!col->type.en || col->type.en->nlabels == 0)
            return "";
        return col->type.en->labels[flavour == 1 ? col->type.en->nlabels - 1 : 0];
    default:
        return flavour == 0 ? "K1" : flavour == 1 ? "K2" : " K9 ";
    }
}

static void fz_run(const rf_pack *p, const uint8_t *data, size_t size)
{
    uint64_t h = 1469598103934665603ULL;
    for (size_t i = 0; i < size; i++)
        h = (h ^ data[i]) * 1099511628211ULL;
    rf_input in[RF_MAX_INPUTS];
    size_t nin = 0;
    for (int ii = 0; ii < p->ninputs && ii < RF_MAX_INPUTS; ii++) {
        const pk_input *pin = &p->inputs[ii];
        FILE *f = fopen(fz_paths[ii], "w");
        if (!f)
            abort();
        /* Leave out about one column in eight, as the hash says. */
        unsigned char keep[512];
        int nc = pin->ncols < 512 ? pin->ncols : 512, written = 0;
        for (int c = 0; c < nc; c++) {
            keep[c] = ((h >> ((unsigned)(c * 7 + ii) % 61)) & 7) != 0;
            if (!keep[c])
                continue;
            if (written++)
                fputc(',', f);
            const pk_column *col = &pin->cols[c];
            fz_field(f, col->nnames > 0 && col->names[0] ? col->names[0] : col->id);
        }
        fputc('\n', f);
        static const int rows[] = {0, 1, 0, 2, -1, -2}; /* -1 empty cells, -2 short */
        for (size_t r = 0; r < sizeof rows / sizeof rows[0]; r++) {
            int w = 0;
            for (int c = 0; c < nc; c++) {
                if (!keep[c])
                    continue;
                if (rows[r] == -2 && w)
                    break;
                if (w++)
                    fputc(',', f);
                if (rows[r] >= 0)
                    fz_field(f, fz_cell(&pin->cols[c], rows[r]));
            }
            fputc('\n', f);
        }
        if (fclose(f) != 0)
            abort();
        in[nin++] = (rf_input){pin->name, fz_paths[ii], NULL, 0};
    }
    rf_diags *d = rf_diags_new();
    rf_run_options o = RF_RUN_OPTIONS_INIT;
    o.year = 2025;
    o.as_of = "2025-12-31";
    if (h & 1) {
        o.explain = "K1";
        o.explain_out = devnull;
    }
    rf_coverage *cov = rf_coverage_new(p);
    o.coverage = cov;
    rf_summary sum;
    memset(&sum, 0, sizeof sum);
    int rc = rf_run(p, &o, in, nin, devnull, devnull, &sum, d);
    fz_check_run(rc, d, &sum, 1, fz_fail);
    fz_diags(d);
    rf_coverage_free(cov);
    rf_diags_free(d);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!fz_paths[0][0]) {
        for (int i = 0; i < RF_MAX_INPUTS; i++)
            snprintf(fz_paths[i], sizeof fz_paths[i], "/tmp/rosterflag-fuzz-pack-%ld-%d.csv",
                     (long)getpid(), i);
        atexit(fz_cleanup);
    }
    if (!devnull && !(devnull = fopen("/dev/null", "w")))
        abort();
    rf_diags *d = rf_diags_new();
    rf_pack *p = NULL;
    int rc = rf_pack_load_mem("fuzz.yaml", (const char *)data, size, &p, d);
    fz_diags(d);
    if (rc != 0) {
        if (rf_diags_errors(d) == 0)
            fz_fail("rf_pack_load_mem failed without an error diagnostic");
        if (p)
            rf_pack_free(p);
    } else {
        if (!p)
            fz_fail("rf_pack_load_mem returned 0 without a pack");
        fz_touch(rf_pack_id(p));
        fz_touch(rf_pack_version(p));
        fz_touch(rf_pack_title(p, "zh"));
        fz_touch(rf_pack_title(p, "en"));
        size_t n = rf_pack_input_count(p);
        for (size_t i = 0; i < n; i++) {
            fz_touch(rf_pack_input_name(p, i));
            (void)rf_pack_input_optional(p, i);
        }
        rf_coverage *c = rf_coverage_new(p);
        size_t hit = 0, total = 0;
        rf_coverage_counts(c, &hit, &total);
        rf_coverage_report(c, devnull);
        rf_coverage_free(c);
        fz_run(p, data, size);
        rf_pack_free(p);
    }
    rf_diags_clear(d);
    rf_diags_free(d);
    return 0;
}
