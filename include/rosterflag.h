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
 * handle it came from.
 *
 * Ownership and threads, handle by handle:
 * - rf_pack: made by rf_pack_load, freed by rf_pack_free, which frees all
 *   it owns (one arena). A loaded pack is never changed afterwards: any
 *   number of threads may call rf_run (and the getters) on the same pack at
 *   once, each with its own rf_diags, rf_coverage and FILE streams. Free it
 *   only when no run is using it.
 * - rf_diags: made by rf_diags_new, freed by rf_diags_free; owns the
 *   messages and strings of every rf_diag it holds (valid until it is
 *   cleared or freed). Not thread-safe: one per thread.
 * - rf_coverage: made by rf_coverage_new for one pack, freed by
 *   rf_coverage_free; a run accumulates into it. Not thread-safe: share one
 *   between runs only one run at a time. It must not outlive its pack.
 * - rf_result (on_result callback): borrowed; its strings are valid only
 *   during the call, which happens on the thread that called rf_run.
 * - rf_set_out_of_memory sets one process-wide handler: call it before any
 *   thread starts. Nothing else in the library is global.
 *
 * Linking: `pkg-config --cflags --libs rosterflag` (shared library) or
 * `--static`; with CMake, find_package(rosterflag) and link
 * rosterflag::rosterflag or rosterflag::static. */
#ifndef ROSTERFLAG_H
#define ROSTERFLAG_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#ifdef __cplusplus
extern "C" {
#endif

#include "rosterflag_version.h" /* RF_VERSION, RF_VERSION_MAJOR, ... */

/* Called when memory runs out, before the library aborts (it cannot go on
 * half-built, and never prints). The CLI installs one that says so and exits 70.
 * In a run with rf_run_options.threads above 1 it may be called on a worker
 * thread. */
void rf_set_out_of_memory(void (*handler)(size_t bytes));

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

/* ---- rule packs ---------------------------------------------------------- */

typedef struct rf_pack rf_pack;

/* Load, check and compile a pack. Returns 0 and sets *out, or -1 with every
 * error found in d (warnings may be added either way). */
int rf_pack_load(const char *path, rf_pack **out, rf_diags *d);
/* Same, from memory; `name` is used in diagnostics. */
int rf_pack_load_mem(const char *name, const char *buf, size_t len, rf_pack **out, rf_diags *d);
void rf_pack_free(rf_pack *p);

/* A constant of the pack set by the caller (the CLI's --set NAME=VALUE). */
typedef struct rf_setting {
    const char *name;
    const char *value; /* read as the constant's type: integer, decimal, true/false, text */
} rf_setting;
/* rf_pack_load, with constants set: an unknown name (the message lists the
 * pack's constants), a name set twice or a value not of the constant's type
 * is an RF_CLASS_USAGE error. The settings are stamped with the pack's id and
 * version in every result (see rf_pack_settings). */
int rf_pack_load_set(const char *path, const rf_setting *sets, size_t nsets, rf_pack **out,
                     rf_diags *d);
/* The constants set at load as "NAME=VALUE (the pack says OLD), ...", or "". */
const char *rf_pack_settings(const rf_pack *p);

const char *rf_pack_id(const rf_pack *p);
const char *rf_pack_version(const rf_pack *p);
/* lang "zh" or "en" */
const char *rf_pack_title(const rf_pack *p, const char *lang);
size_t rf_pack_input_count(const rf_pack *p);
const char *rf_pack_input_name(const rf_pack *p, size_t i);
int rf_pack_input_optional(const rf_pack *p, size_t i);
/* The pack's levels, most severe first: ids 0 .. rf_pack_level_count()-1;
 * rf_pack_level_id(p, rf_pack_level_count(p)) is the id given to an entity
 * for which no level holds ("none" unless the pack names it); NULL beyond. */
size_t rf_pack_level_count(const rf_pack *p);
const char *rf_pack_level_id(const rf_pack *p, size_t i);

/* ---- running ------------------------------------------------------------- */

typedef enum rf_format { RF_FORMAT_CSV = 0, RF_FORMAT_JSONL = 1 } rf_format;

typedef struct rf_input {
    const char *name;     /* an input of the pack */
    const char *path;     /* CSV file */
    const char *encoding; /* "auto" (NULL), "utf-8" or "gb18030" */
    char delimiter;       /* 0 for ',' */
} rf_input;

/* One entity's result, handed to rf_run_options.on_result. Every string is
 * valid only during the call. */
typedef struct rf_result {
    const char *key;         /* the entity's key */
    uint64_t line;           /* its row in the entity input */
    const char *level;       /* level id, or the pack's "no level" id */
    const char *level_label; /* Chinese label */
    size_t nfields;          /* output columns, then every flag ("true", "false", or ""
                                when it could not be decided), then every other measure
                                and tally */
    const char *const *names;
    const char *const *values; /* formatted as in CSV output; "" when missing */
    size_t nreasons;
    const char *const *reasons;
    const char *detail; /* tally itemisation, "" if none */
    int undecided;      /* a condition could not be evaluated */
} rf_result;

typedef int (*rf_result_fn)(void *ctx, const rf_result *r);

/* A related row (a ledger event) that counted for an entity in the period,
 * handed to rf_run_options.on_row as it is read, before the entity's result:
 * what a notice to the member lists. Every string is valid only during the
 * call. */
typedef struct rf_row {
    const char *key;           /* the entity's key */
    const char *input;         /* the input's name */
    uint64_t line;             /* its line in that input */
    size_t nfields;            /* the input's columns */
    const char *const *names;  /* column ids */
    const char *const *labels; /* the header each was read from ("" if absent) */
    const char *const *values; /* formatted as in CSV output; "" when missing */
    size_t nitems;             /* catalogue items the row counted as */
    const char *const *codes;
    const char *const *item_names; /* the item's Chinese name */
    const char *const *effects;    /* the tally's sign and the item's weight ("−3"), or "" */
    const char *const *tallies;    /* the tally each item counted in */
} rf_row;

typedef int (*rf_row_fn)(void *ctx, const rf_row *r);

/* Coverage of a pack by runs: which catalogue items occurred, which
 * conditions were seen true and false, which levels were chosen. */
typedef struct rf_coverage rf_coverage;
rf_coverage *rf_coverage_new(const rf_pack *p);
void rf_coverage_free(rf_coverage *c);
/* Points covered and in all (each item 1, each condition 2, each level 1,
 * each flag 2: raised once and not raised once). */
void rf_coverage_counts(const rf_coverage *c, size_t *hit, size_t *total);
/* Writes one line per point not covered, "  file:line:col: what", to `to`
 * ("  file: what" for a point with no line). */
void rf_coverage_report(const rf_coverage *c, FILE *to);

/* One point not covered, as rf_coverage_each gives it. The strings are
 * valid during the call only. */
typedef struct rf_coverage_gap {
    const char *file; /* the pack's path */
    uint64_t line;    /* 1-based; 0 when the point has no place in the file
                         ("no case ends with no level") */
    unsigned column;  /* 1-based; 0 with line 0 */
    const char *what; /* "condition 'score < pass' of level lagging never false" */
} rf_coverage_gap;
typedef int (*rf_coverage_fn)(void *ctx, const rf_coverage_gap *g);
/* Calls fn once per point not covered, in the order and words of
 * rf_coverage_report (which is written with it): catalogue items, then
 * conditions (levels', then flags'), flags, levels. A non-zero return
 * from fn stops the walk and is returned; else 0, or -1 if out of memory. */
int rf_coverage_each(const rf_coverage *c, rf_coverage_fn fn, void *ctx);

typedef struct rf_run_options {
    int year;          /* the period; 0: the year of as_of */
    const char *as_of; /* YYYY-MM-DD; NULL: the last day of the period */
    rf_format format;
    uint64_t max_rejects;   /* stop once this many rows are rejected; 0: no limit */
    rf_result_fn on_result; /* called per entity, besides writing `out` (may be NULL) */
    void *ctx;
    rf_coverage *coverage; /* accumulated into when not NULL */
    const char *explain;   /* key of one entity to explain, or NULL */
    FILE *explain_out;     /* where the explanation is written */
    /* What `out` and `rejects` are, named in a "cannot write" error (a
     * file name; NULL: none named). */
    const char *out_name, *rejects_name;
    const char *columns; /* result columns to write, comma-separated, in this order
                            (any of the names the full results have); NULL: all */
    rf_row_fn on_row;    /* called per related row that counted (may be NULL); ctx as above */
    /* Workers; 0 or 1: the calling thread alone. The results, rejects,
     * diagnostics and summary are the same for every number. The streaming
     * shape (the entity input alone) reads its input on them without a
     * ranking, explain, on_result and on_row. The entity-state shape reads
     * each related input on them without explain, on_row and results read
     * back, folding the rows on the calling thread in file order, then
     * evaluates its entities on them without a ranking, explain and
     * on_result (which is always called on the calling thread, in order).
     * An input is read in pieces only from a regular file whose encoding is
     * settled by its start (see cs_decided) or that is ASCII throughout;
     * otherwise it is read on the calling thread. */
    int threads;
    size_t chunk_bytes; /* bytes a worker takes at a time; 0: 1 MiB of an entity
                           sheet, 256 KiB of a related input */
} rf_run_options;

#define RF_RUN_OPTIONS_INIT                                                                        \
    {                                                                                              \
        0, NULL, RF_FORMAT_CSV, 0, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, 0, 0      \
    }

/* A loaded pack never exceeds these (the loader refuses it at its place):
 * rf_summary keeps a fixed place per input, level and flag so that a caller
 * needs no allocation to read it. They are set well past any published
 * scheme (the shipped packs use at most 3 inputs, 3 levels and 2 flags). */
#define RF_MAX_INPUTS 64
#define RF_MAX_LEVELS 128
#define RF_MAX_FLAGS 128

typedef struct rf_input_stats {
    const char *name, *path;
    const char *encoding; /* as read: "utf-8" or "gb18030" */
    uint64_t rows;        /* data rows read (blank lines excluded) */
    uint64_t used;        /* rows that reached the results */
    uint64_t outside;     /* rows dated outside the period (read, not counted) */
    uint64_t rejected;    /* rows in the rejects report */
    uint64_t blank;       /* blank lines skipped */
    uint64_t problems;    /* rows kept with a problem noted in the rejects report */
} rf_input_stats;

/* What a run did; rows == used + outside + rejected for every input. */
typedef struct rf_summary {
    int year;
    char as_of[16];
    size_t ninputs;
    rf_input_stats inputs[RF_MAX_INPUTS];
    uint64_t entities;  /* result rows written */
    uint64_t undecided; /* entities with a condition not evaluated */
    size_t nlevels;     /* levels[0..nlevels): the pack's levels, then "no level";
                           0 for a pack of flags without levels */
    struct {
        const char *id;
        uint64_t count;
    } levels[RF_MAX_LEVELS + 1];
    size_t nflags; /* the pack's flags: how many results raised each, and how many
                      could not decide it */
    struct {
        const char *id;
        uint64_t count, undecided;
    } flags[RF_MAX_FLAGS];
} rf_summary;

/* Evaluate the inputs against the pack, writing one result per entity to
 * `out` (CSV with a header, or JSON lines; NULL: write nothing) and every rejected row to
 * `rejects` (CSV: file,line,input,action,reason,raw; action "rejected", or
 * "kept" for a row used despite a problem the pack tolerates). With rejects NULL, each
 * rejected row is added to d as an RF_CLASS_ROW error instead, so nothing
 * is lost either way. Returns 0 when the run completed (rows may have been
 * rejected: see summary), -1 when it could not (errors in d). */
int rf_run(const rf_pack *p, const rf_run_options *o, const rf_input *inputs, size_t ninputs,
           FILE *out, FILE *rejects, rf_summary *summary, rf_diags *d);

/* Check CSV files against the pack's inputs without running: the header
 * (every required column found, which header names were tried) and that
 * the whole file decodes in its encoding. Returns 0, or -1 with errors in d. */
int rf_check_inputs(const rf_pack *p, const rf_input *inputs, size_t ninputs, rf_diags *d);

#ifdef __cplusplus
}
#endif
#endif
