/* rosterflag: evaluate CSV rosters against declarative YAML rule packs.
 *
 * Embedding in three calls:
 *
 *     rf_diags *d = rf_diags_new();
 *     rf_pack *p = NULL;
 *     if (rf_pack_load("rules/xuanen-twelve-point.yaml", &p, d) == 0) {
 *         rf_input in[] = {{"members", "samples/members.csv"}};
 *         rf_run_options o = RF_RUN_OPTIONS_INIT;
 *         o.year = 2025;
 *         rf_run(p, &o, in, 1, stdout, NULL, NULL, d);
 *     }
 *     // report rf_diags_get(d, i) for i < rf_diags_count(d)
 *     rf_pack_free(p);
 *     rf_diags_free(d);
 *
 * The library never prints to stderr and never exits: every problem is an
 * rf_diag value (severity, file, 1-based line and column, message) collected
 * in an rf_diags list, several per call where the input allows it.
 * Handles are opaque; every pointer a getter returns lives as long as the
 * handle it came from. */
#ifndef ROSTERFLAG_H
#define ROSTERFLAG_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#ifdef __cplusplus
extern "C" {
#endif

#define RF_VERSION "0.1.0"

/* ---- diagnostics ------------------------------------------------------ */

typedef enum rf_severity { RF_ERROR = 0, RF_WARNING = 1, RF_NOTE = 2 } rf_severity;

/* What kind of failure a diagnostic reports; the CLI maps each class to a
 * distinct exit code. */
typedef enum rf_class {
    RF_CLASS_PACK = 0,   /* the rule pack (YAML or an expression in it) */
    RF_CLASS_INPUT = 1,  /* a CSV input: cannot open, encoding, header */
    RF_CLASS_ROW = 2,    /* one CSV row, rejected (the run goes on) */
    RF_CLASS_OUTPUT = 3, /* writing results */
    RF_CLASS_USAGE = 4,  /* options the caller passed */
    RF_CLASS_LIMIT = 5,  /* a configured limit stopped the run */
} rf_class;

typedef struct rf_diag {
    rf_severity severity;
    rf_class cls;
    const char *file;        /* may be NULL when no file is involved */
    uint64_t line;           /* 1-based; 0 when unknown */
    uint32_t column;         /* 1-based, in characters; 0 when unknown */
    uint32_t span;           /* characters to underline from column; 0 = 1 */
    const char *message;     /* one line, no trailing newline */
    const char *source_line; /* text of the offending line, or NULL */
} rf_diag;

typedef struct rf_diags rf_diags;

rf_diags *rf_diags_new(void);
void rf_diags_free(rf_diags *d);
size_t rf_diags_count(const rf_diags *d);
const rf_diag *rf_diags_get(const rf_diags *d, size_t i);
size_t rf_diags_errors(const rf_diags *d);
void rf_diags_clear(rf_diags *d);
/* Render one diagnostic the way a compiler does: "file:line:col: error: msg",
 * then the source line and a caret under the offending text. */
void rf_diag_format(const rf_diag *g, FILE *to);

#ifdef __cplusplus
}
#endif
#endif
