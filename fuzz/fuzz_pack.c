/* fuzz_pack: the bytes are a rule pack (YAML). Load it from memory, render
 * every diagnostic, read back what a loaded pack offers, free everything.
 *
 * Checks beyond the sanitizers: a failed load reports at least one error;
 * a diagnostic's message is one line (no newline; a soft check, see
 * fz_soft). */
#include "rosterflag.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
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
        rf_pack_free(p);
    }
    rf_diags_clear(d);
    rf_diags_free(d);
    return 0;
}
