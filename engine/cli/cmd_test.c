/* rosterflag test: run the test cases that sit beside rule packs.
 *
 * A test file (NAME.test.yaml) names its pack and lists cases; each case
 * gives input rows inline (or names CSV files), the year and as-of date, and
 * the results it expects per entity. Inline rows are written to a scratch
 * directory and run through the real engine, so a test exercises exactly
 * what `rosterflag run` does. A test file or pack that fails to load is an
 * error, never "0 tests passed". */
#define _XOPEN_SOURCE 700 /* realpath */
#include "cli.h"

#include "ar.h"
#include "dg.h"
#include "mu.h"
#include "pk.h"
#include "yn.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

typedef enum tt_format { TT_TEXT, TT_TAP, TT_JUNIT, TT_SARIF } tt_format;

/* What a reported test point is: a case; a test file or pack that does not
 * load (an error, never "0 tests"); a --fail-under gate a pack passes or not. */
typedef enum tt_kind { TT_CASE, TT_LOAD, TT_GATE } tt_kind;

/* One test point's outcome, kept for the TAP, JUnit and SARIF reports. */
typedef struct tt_result {
    tt_kind kind;
    const char *suite; /* pack id; the file when no pack is known */
    const char *name;  /* unique within its suite */
    const char *file;
    unsigned line;
    double time; /* seconds */
    bool ok;
    char *diff; /* malloc'd, NULL when ok */
} tt_result;

/* A mutant a test file declares equivalent: no case can tell it from the
 * pack (it changes nothing any input can reach), with the reason why. */
typedef struct tt_equiv {
    const char *mutant; /* as reported: the changed text, or a dropped condition */
    const char *why;
    const char *file;
    unsigned line, col;
    bool used;
} tt_equiv;

typedef struct tt_pack {
    char *path;
    rf_pack *p;
    rf_coverage *cov;
    bool tested;
    tt_equiv *equiv;
    size_t nequiv;
} tt_pack;

typedef struct tt_buf {
    char *s;
    size_t n, cap;
} tt_buf;

/* A case that ran, kept for mutation testing: its test file stays loaded. */
typedef struct tt_case {
    tt_pack *tp;
    const yn_node *c;
    const char *dir;
    const char *file; /* the test file */
    size_t nin;
    rf_input inputs[RF_MAX_INPUTS];
    char *paths[RF_MAX_INPUTS];
    const yn_node *inline_[RF_MAX_INPUTS]; /* an input's CSV text in the test file, or NULL */
    bool ok;                               /* passed on the pack as written */
} tt_case;

typedef struct tt_state {
    tt_format fmt;
    bool coverage;
    tt_result *results;
    size_t nresults, capresults;
    tt_pack *packs;
    size_t npacks, cappacks;
    int load_errors;
    tt_buf errs;        /* the current test file's load errors, one a line */
    const char *efile;  /* the current test file */
    const yn_doc *edoc; /* and its YAML, for the offending line in errors */
    ar_arena *earena;
    unsigned eline;          /* line of its first error in that file */
    cli_sarif_result *notes; /* every problem found, for SARIF */
    size_t nnotes, capnotes;
    tt_case **cases; /* every case run */
    size_t ncases, capcases;
    size_t ninline;  /* inline input files written */
    ar_arena **docs; /* test files' arenas, kept for the cases */
    size_t ndocs, capdocs;
    bool mutate;
    ar_arena *a; /* lives for the whole run */
} tt_state;

/* ---- small helpers ------------------------------------------------------ */

static double tt_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Case names are unique within a suite in every report: CI systems merge
 * test cases by name, so a second "boundary" in another test file of the
 * same pack becomes "boundary (2)". */
static tt_result *tt_add_result(tt_state *S, tt_kind kind, const char *suite, const char *name,
                                const char *file, unsigned line, char *diff)
{
    if (S->nresults == S->capresults) {
        S->capresults = S->capresults ? S->capresults * 2 : 32;
        S->results = ar_xrealloc(S->results, S->capresults * sizeof *S->results);
    }
    const char *unique = ar_strdup(S->a, name);
    for (int k = 2;; k++) {
        bool taken = false;
        for (size_t i = 0; i < S->nresults && !taken; i++)
            taken =
                strcmp(S->results[i].suite, suite) == 0 && strcmp(S->results[i].name, unique) == 0;
        if (!taken)
            break;
        unique = ar_printf(S->a, "%s (%d)", name, k);
    }
    tt_result *r = &S->results[S->nresults++];
    r->kind = kind;
    r->suite = ar_strdup(S->a, suite);
    r->name = unique;
    r->file = ar_strdup(S->a, file);
    r->line = line;
    r->time = 0;
    r->ok = diff == NULL;
    r->diff = diff;
    return r;
}

static void tt_note(tt_state *S, const char *rule, rf_severity sev, const char *file, uint64_t line,
                    uint32_t col, const char *msg)
{
    if (S->nnotes == S->capnotes) {
        S->capnotes = S->capnotes ? S->capnotes * 2 : 16;
        S->notes = ar_xrealloc(S->notes, S->capnotes * sizeof *S->notes);
    }
    S->notes[S->nnotes++] = (cli_sarif_result){rule, sev, file ? ar_strdup(S->a, file) : NULL,
                                               line, col, ar_strdup(S->a, msg)};
}

#if defined(__GNUC__)
__attribute__((format(printf, 2, 3)))
#endif
static void
tt_printf(tt_buf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int need = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (need < 0)
        return;
    if (b->n + (size_t)need + 1 > b->cap) {
        b->cap = (b->n + (size_t)need + 1) * 2;
        b->s = ar_xrealloc(b->s, b->cap);
    }
    va_start(ap, fmt);
    vsnprintf(b->s + b->n, (size_t)need + 1, fmt, ap);
    va_end(ap);
    b->n += (size_t)need;
}

/* A pack's points not covered (rf_coverage_each): "  PACK:LINE:COL: what"
 * lines for the summary and, when the pack is short of --fail-under, a
 * SARIF note each. */
typedef struct tt_gaps {
    tt_state *S;
    const char *path;
    tt_buf list;
    bool note;
} tt_gaps;

static int tt_gap(void *ctx, const rf_coverage_gap *g)
{
    tt_gaps *gp = ctx;
    if (g->line)
        tt_printf(&gp->list, "  %s:%llu:%u: %s\n", g->file, (unsigned long long)g->line, g->column,
                  g->what);
    else
        tt_printf(&gp->list, "  %s: %s\n", g->file, g->what);
    if (gp->note)
        tt_note(gp->S, "uncovered", RF_ERROR, gp->path, g->line, g->column, g->what);
    return 0;
}

/* A load error of the current test file: said on stderr, kept for the
 * file's error test point and for SARIF. */
static void tt_load_msg(tt_state *S, const char *file, unsigned line, unsigned col,
                        const char *rule, const char *msg)
{
    if (!S->eline && S->efile && strcmp(file, S->efile) == 0)
        S->eline = line;
    if (line)
        tt_printf(&S->errs, "%s:%u:%u: %s\n", file, line, col, msg);
    else
        tt_printf(&S->errs, "%s: %s\n", file, msg);
    tt_note(S, rule, RF_ERROR, file, line, col, msg);
    S->load_errors++;
}

#if defined(__GNUC__)
__attribute__((format(printf, 4, 5)))
#endif
static void
tt_load_error(tt_state *S, const char *file, const yn_node *at, const char *fmt, ...)
{
    char msg[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    /* said as `check` says a pack's errors: the line itself and a caret */
    rf_diag g = {RF_ERROR, RF_CLASS_PACK, file, at ? at->line : 0, at ? at->col : 0, 1, msg, NULL};
    if (at && S->edoc && S->efile && strcmp(file, S->efile) == 0) {
        g.source_line = yn_line(S->earena, S->edoc, at->line);
        if (at->kind == YN_SCALAR && at->style == YN_PLAIN && !memchr(at->text, '\n', at->len))
            g.span = dg_utf8_chars(at->text, at->len);
    }
    rf_diag_format(&g, stderr);
    tt_load_msg(S, file, at ? at->line : 0, at ? at->col : 0, "test-file", msg);
}

/* " (did you mean 'X'?)" for the closest of cands (NULL-terminated) to s,
 * as the loader suggests a pack's names (dg_near); "" when none is close. */
typedef struct tt_near {
    dg_near d;
    char buf[160];
} tt_near;

static void tt_near_init(tt_near *nr, const char *s)
{
    nr->d = (dg_near){s, strlen(s), NULL, (size_t)-1};
    nr->buf[0] = '\0';
}

static const char *tt_mean(tt_near *nr)
{
    if (!nr->d.best)
        return "";
    snprintf(nr->buf, sizeof nr->buf, " (did you mean '%s'?)", nr->d.best);
    return nr->buf;
}

static const char *tt_suggest(tt_near *nr, const char *s, const char *const *cands)
{
    tt_near_init(nr, s);
    for (; *cands; cands++)
        dg_near_consider(&nr->d, *cands);
    return tt_mean(nr);
}

/* A pack's or test file's diagnostics: printed as `check` prints them, and
 * the errors kept like tt_load_error's (counted once by the caller). */
static void tt_diags(tt_state *S, const rf_diags *d)
{
    int before = S->load_errors;
    for (size_t i = 0; i < rf_diags_count(d); i++) {
        const rf_diag *g = rf_diags_get(d, i);
        rf_diag_format(g, stderr);
        if (g->severity == RF_ERROR)
            tt_load_msg(S, g->file ? g->file : "", (unsigned)g->line, g->column,
                        cli_sarif_rule_for(g->cls), g->message);
        else
            tt_note(S, cli_sarif_rule_for(g->cls), g->severity, g->file, g->line, g->column,
                    g->message);
    }
    S->load_errors = before;
}

static char *tt_dirname(const char *path)
{
    const char *slash = strrchr(path, '/');
    if (!slash)
        return strdup(".");
    return strndup(path, (size_t)(slash - path));
}

static char *tt_join(const char *dir, const char *rel)
{
    if (rel[0] == '/')
        return strdup(rel);
    size_t n = strlen(dir) + strlen(rel) + 2;
    char *s = ar_xmalloc(n);
    size_t dl = strlen(dir);
    snprintf(s, n, "%s%s%s", dir, dl && dir[dl - 1] == '/' ? "" : "/", rel);
    return s;
}

static tt_pack *tt_pack_for(tt_state *S, const char *path, rf_diags *d)
{
    char *real = realpath(path, NULL);
    const char *key = real ? real : path;
    for (size_t i = 0; i < S->npacks; i++)
        if (strcmp(S->packs[i].path, key) == 0) {
            free(real);
            return S->packs[i].p ? &S->packs[i] : NULL;
        }
    if (S->npacks == S->cappacks) {
        S->cappacks = S->cappacks ? S->cappacks * 2 : 8;
        S->packs = ar_xrealloc(S->packs, S->cappacks * sizeof *S->packs);
    }
    tt_pack *tp = &S->packs[S->npacks++];
    tp->path = strdup(key);
    tp->p = NULL;
    tp->cov = NULL;
    tp->tested = false;
    tp->equiv = NULL;
    tp->nequiv = 0;
    free(real);
    if (rf_pack_load(path, &tp->p, d) != 0)
        return NULL;
    tp->cov = rf_coverage_new(tp->p);
    return tp;
}

/* ---- comparing ---------------------------------------------------------- */

static bool tt_same(const char *want, const char *got)
{
    if (strcmp(want, got) == 0)
        return true;
    char *e1, *e2;
    double a = strtod(want, &e1), b = strtod(got, &e2);
    if (*want && *got && !*e1 && !*e2)
        return fabs(a - b) < 1e-9;
    if (strcmp(want, "~") == 0 || strcmp(want, "null") == 0)
        return got[0] == '\0';
    return false;
}

typedef struct tt_entity {
    char *key;
    char *level;
    char *level_label;
    char *detail;
    size_t nfields;
    char **names, **values;
    size_t nreasons;
    char **reasons;
} tt_entity;

typedef struct tt_collect {
    tt_entity *e;
    size_t n, cap;
} tt_collect;

static int tt_on_result(void *ctx, const rf_result *r)
{
    tt_collect *c = ctx;
    if (c->n == c->cap) {
        c->cap = c->cap ? c->cap * 2 : 16;
        c->e = ar_xrealloc(c->e, c->cap * sizeof *c->e);
    }
    tt_entity *e = &c->e[c->n++];
    e->key = strdup(r->key);
    e->level = strdup(r->level);
    e->level_label = strdup(r->level_label);
    e->detail = strdup(r->detail);
    e->nfields = r->nfields;
    e->names = ar_xmalloc((r->nfields + 1) * sizeof *e->names);
    e->values = ar_xmalloc((r->nfields + 1) * sizeof *e->values);
    for (size_t i = 0; i < r->nfields; i++) {
        e->names[i] = strdup(r->names[i]);
        e->values[i] = strdup(r->values[i]);
    }
    e->nreasons = r->nreasons;
    e->reasons = ar_xmalloc((r->nreasons + 1) * sizeof *e->reasons);
    for (size_t i = 0; i < r->nreasons; i++)
        e->reasons[i] = strdup(r->reasons[i]);
    return 0;
}

static void tt_collect_free(tt_collect *c)
{
    for (size_t i = 0; i < c->n; i++) {
        tt_entity *e = &c->e[i];
        free(e->key);
        free(e->level);
        free(e->level_label);
        free(e->detail);
        for (size_t k = 0; k < e->nfields; k++) {
            free(e->names[k]);
            free(e->values[k]);
        }
        for (size_t k = 0; k < e->nreasons; k++)
            free(e->reasons[k]);
        free(e->names);
        free(e->values);
        free(e->reasons);
    }
    free(c->e);
}

/* ---- validating a case against its pack -------------------------------- */

/* The fields an expectation may name, and the type its value must have. */
static bool tt_field_type(const rf_pack *p, const char *name, vl_type *t)
{
    t->en = NULL;
    if (strcmp(name, "level") == 0 || strcmp(name, "detail") == 0 ||
        strcmp(name, "level_label") == 0) {
        t->kind = VL_TEXT;
        return true;
    }
    for (int f = 0; f < p->nflags; f++)
        if (strcmp(p->flags[f].id, name) == 0) {
            t->kind = VL_BOOL;
            return true;
        }
    for (int m = 0; m < p->nmeasures; m++)
        if (strcmp(p->measures[m].name, name) == 0) {
            *t = p->measures[m].type;
            return true;
        }
    for (int k = 0; k < p->ntallies; k++)
        if (strcmp(p->tallies[k].name, name) == 0) {
            *t = p->tallies[k].type;
            return true;
        }
    const pk_input *ent = &p->inputs[p->entity];
    for (int c = 0; c < ent->ncols; c++)
        if (strcmp(ent->cols[c].id, name) == 0) {
            *t = ent->cols[c].type;
            return true;
        }
    return false;
}

static bool tt_value_fits(vl_type t, const yn_node *v)
{
    if (v->kind != YN_SCALAR)
        return false;
    if (v->style == YN_PLAIN && (strcmp(v->text, "~") == 0 || strcmp(v->text, "null") == 0))
        return true; /* expects "missing" */
    if (t.kind == VL_TEXT)
        return true; /* any text, "" included */
    char err[128];
    vl_value out;
    return vl_parse(t, v->text, v->len, &out, err, sizeof err) && out.kind != VL_MISSING;
}

static bool tt_level_known(const rf_pack *p, const char *id)
{
    if (strcmp(p->none_id, id) == 0)
        return true;
    for (int l = 0; l < p->nlevels; l++)
        if (strcmp(p->levels[l].id, id) == 0)
            return true;
    return false;
}

/* Checks the case's shape; false (with errors printed) if malformed. */
static bool tt_validate(tt_state *S, const char *file, const yn_node *c, const rf_pack *p)
{
    static const char *const keys[] = {"name",   "description", "year",     "as_of", "inputs",
                                       "expect", "rejects",     "problems", NULL};
    bool ok = true;
    for (size_t i = 0; i + 1 < c->n; i += 2) {
        bool known = false;
        for (const char *const *k = keys; *k; k++)
            known |= strcmp(*k, c->items[i]->text) == 0;
        if (!known) {
            tt_near nr;
            const char *dym = tt_suggest(&nr, c->items[i]->text, keys);
            tt_load_error(S, file, c->items[i],
                          "unknown key '%s' in a test case%s (expected name, description, year, "
                          "as_of, inputs, expect, rejects, problems)",
                          c->items[i]->text, dym);
            ok = false;
        }
    }
    const yn_node *name = yn_get(c, "name");
    if (!name || name->kind != YN_SCALAR) {
        tt_load_error(S, file, name ? name : c, "a test case needs a name");
        ok = false;
    }
    const yn_node *inputs = yn_get(c, "inputs");
    if (!inputs || inputs->kind != YN_MAP || inputs->n == 0) {
        tt_load_error(S, file, inputs ? inputs : c, "a test case needs inputs (NAME: rows)");
        ok = false;
    } else {
        for (size_t i = 0; i + 1 < inputs->n; i += 2) {
            bool found = false;
            for (int k = 0; k < p->ninputs; k++)
                found |= strcmp(p->inputs[k].name, inputs->items[i]->text) == 0;
            if (!found) {
                tt_near nr;
                tt_near_init(&nr, inputs->items[i]->text);
                for (int k = 0; k < p->ninputs; k++)
                    dg_near_consider(&nr.d, p->inputs[k].name);
                tt_load_error(S, file, inputs->items[i], "pack %s has no input '%s'%s", p->id,
                              inputs->items[i]->text, tt_mean(&nr));
                ok = false;
            }
            if (inputs->items[i + 1]->kind != YN_SCALAR) {
                tt_load_error(S, file, inputs->items[i + 1],
                              "input '%s' must be CSV text (use |) or a file name",
                              inputs->items[i]->text);
                ok = false;
            }
        }
    }
    const yn_node *year = yn_get(c, "year");
    uint64_t num;
    if (year && (year->kind != YN_SCALAR || !cli_uint(year->text, 1900, 9999, &num))) {
        tt_load_error(S, file, year, "year must be a year from 1900 to 9999, not '%s'",
                      year->kind == YN_SCALAR ? year->text : "?");
        ok = false;
    }
    for (int q = 0; q < 2; q++) {
        const char *what = q ? "problems" : "rejects";
        const yn_node *rej = yn_get(c, what);
        if (!rej)
            continue;
        if (rej->kind != YN_SCALAR || !cli_uint(rej->text, 0, UINT64_MAX, &num)) {
            tt_load_error(S, file, rej, "%s must be a number of rows", what);
            ok = false;
        }
    }
    const yn_node *expect = yn_get(c, "expect");
    if (!expect || expect->kind != YN_MAP || expect->n == 0) {
        tt_load_error(S, file, expect ? expect : c,
                      "a test case needs expect: {KEY: {field: value, ...}}");
        return false;
    }
    for (size_t i = 0; i + 1 < expect->n; i += 2) {
        const yn_node *fields = expect->items[i + 1];
        if (fields->kind != YN_MAP) {
            tt_load_error(S, file, fields, "the expectation for '%s' must be a map of fields",
                          expect->items[i]->text);
            ok = false;
            continue;
        }
        for (size_t f = 0; f + 1 < fields->n; f += 2) {
            const yn_node *k = fields->items[f], *v = fields->items[f + 1];
            vl_type t;
            if (strcmp(k->text, "reasons") == 0) {
                if (v->kind != YN_SEQ) {
                    tt_load_error(S, file, v, "reasons must be a list of texts");
                    ok = false;
                }
                continue;
            }
            if (!tt_field_type(p, k->text, &t)) {
                tt_near nr;
                tt_near_init(&nr, k->text);
                static const char *const fixed[] = {"level", "level_label", "detail", "reasons"};
                for (size_t q = 0; q < sizeof fixed / sizeof *fixed; q++)
                    dg_near_consider(&nr.d, fixed[q]);
                for (int q = 0; q < p->nflags; q++)
                    dg_near_consider(&nr.d, p->flags[q].id);
                for (int q = 0; q < p->nmeasures; q++)
                    dg_near_consider(&nr.d, p->measures[q].name);
                for (int q = 0; q < p->ntallies; q++)
                    dg_near_consider(&nr.d, p->tallies[q].name);
                for (int q = 0; q < p->inputs[p->entity].ncols; q++)
                    dg_near_consider(&nr.d, p->inputs[p->entity].cols[q].id);
                tt_load_error(S, file, k,
                              "'%s' is not a measure, output column, flag, level, reasons or "
                              "detail of pack %s%s",
                              k->text, p->id, tt_mean(&nr));
                ok = false;
                continue;
            }
            if (strcmp(k->text, "level") == 0 && v->kind == YN_SCALAR &&
                !tt_level_known(p, v->text)) {
                tt_near nr;
                tt_near_init(&nr, v->text);
                dg_near_consider(&nr.d, p->none_id);
                for (int q = 0; q < p->nlevels; q++)
                    dg_near_consider(&nr.d, p->levels[q].id);
                tt_load_error(S, file, v, "'%s' is not a level of pack %s%s", v->text, p->id,
                              tt_mean(&nr));
                ok = false;
            } else if (!tt_value_fits(t, v)) {
                tt_load_error(S, file, v, "expected value for '%s' must be %s", k->text,
                              vl_type_name(t));
                ok = false;
            }
        }
    }
    return ok;
}

/* ---- running a case ----------------------------------------------------- */

/* Writes a case's inline inputs to the scratch directory, once: a case is
 * run again for each mutant from the same files. Returns a diff (malloc'd)
 * if they cannot be written, else NULL. */
static char *tt_prepare(tt_state *S, tt_case *tc)
{
    tt_buf diff = {0};
    const yn_node *in = yn_get(tc->c, "inputs");
    for (size_t i = 0; i + 1 < in->n && tc->nin < RF_MAX_INPUTS; i += 2) {
        const yn_node *v = in->items[i + 1];
        char *path;
        if (memchr(v->text, '\n', v->len)) {
            /* numbered by of_scratch_path, so a signal can remove it */
            path = of_scratch_path();
            if (!path) {
                tt_printf(&diff, "  cannot write inline input %s: %s\n", in->items[i]->text,
                          strerror(ENOMEM));
                return diff.s;
            }
            S->ninline++;
            FILE *f = fopen(path, "wb");
            if (!f || fwrite(v->text, 1, v->len, f) != v->len || fclose(f) != 0) {
                tt_printf(&diff, "  cannot write %s: %s\n", path, strerror(errno));
                free(path);
                return diff.s;
            }
        } else {
            path = tt_join(tc->dir, v->text);
        }
        tc->inline_[tc->nin] = memchr(v->text, '\n', v->len) ? v : NULL;
        tc->paths[tc->nin] = path;
        tc->inputs[tc->nin] = (rf_input){in->items[i]->text, path, NULL, 0};
        tc->nin++;
    }
    return NULL;
}

/* A run's error for a case's diff. An inline input is a scratch file
 * only the runner knows: its rows are said at their lines in the test file,
 * and its scratch path, in any message, as "inline input NAME". */
static void tt_diag_line(tt_buf *diff, const tt_case *tc, const rf_diag *g)
{
    const char *file = g->file ? g->file : "";
    unsigned long long line = g->line;
    for (size_t k = 0; k < tc->nin; k++) {
        const yn_node *v = tc->inline_[k];
        if (v && strcmp(file, tc->paths[k]) == 0) {
            file = tc->file;
            /* a block scalar's text starts on the line after its '|' */
            line = v->style == YN_BLOCK && line ? v->line + line : v->line;
        }
    }
    tt_printf(diff, "    %s:%llu: ", file, line);
    const char *m = g->message;
    while (*m) {
        size_t best = 0, at = strlen(m);
        for (size_t k = 0; k < tc->nin; k++) {
            const char *hit = tc->inline_[k] ? strstr(m, tc->paths[k]) : NULL;
            if (hit && (size_t)(hit - m) < at) {
                at = (size_t)(hit - m);
                best = k + 1;
            }
        }
        tt_printf(diff, "%.*s", (int)at, m);
        if (!best)
            break;
        tt_printf(diff, "inline input %s", tc->inputs[best - 1].name);
        m += at + strlen(tc->paths[best - 1]);
    }
    tt_printf(diff, "\n");
}

/* Two reasons name the same level or flag ("yellow: ..."). */
static bool tt_same_owner(const char *a, const char *b)
{
    size_t na = strcspn(a, ":"), nb = strcspn(b, ":");
    return na == nb && strncmp(a, b, na) == 0;
}

/* Runs one case; returns its diff (malloc'd), NULL when it passes. A
 * mutant's run adds no coverage, and its reasons are compared only by the
 * level or flag each names, in order: their wording quotes the changed
 * operator or number whatever the results, but a condition that holds
 * under the mutant and not in the pack (or the reverse) adds or takes one. */
static char *tt_run_case(tt_case *tc, bool mutant)
{
    const rf_pack *p = tc->tp->p;
    const yn_node *c = tc->c;
    tt_buf diff = {0};
    rf_input *inputs = tc->inputs;
    size_t nin = tc->nin;
    {
        rf_run_options o = RF_RUN_OPTIONS_INIT;
        const yn_node *year = yn_get(c, "year"), *asof = yn_get(c, "as_of");
        uint64_t num = 0;
        o.year = year && cli_uint(year->text, 1900, 9999, &num) ? (int)num : 0;
        o.as_of = asof && asof->kind == YN_SCALAR ? asof->text : NULL;
        tt_collect col = {0};
        o.on_result = tt_on_result;
        o.ctx = &col;
        o.coverage = mutant ? NULL : tc->tp->cov;
        rf_summary sum;
        rf_diags *d = rf_diags_new();
        int rc = rf_run(p, &o, inputs, nin, NULL, NULL, &sum, d);
        uint64_t rejected = 0, problems = 0;
        for (size_t i = 0; i < sum.ninputs; i++) {
            rejected += sum.inputs[i].rejected;
            problems += sum.inputs[i].problems;
        }
        const yn_node *prob = yn_get(c, "problems");
        uint64_t want_prob = 0;
        if (prob)
            cli_uint(prob->text, 0, UINT64_MAX, &want_prob);
        if (rc == 0 && problems != want_prob)
            tt_printf(&diff, "  rows kept with a problem: expected %llu, got %llu\n",
                      (unsigned long long)want_prob, (unsigned long long)problems);
        const yn_node *rej = yn_get(c, "rejects");
        uint64_t want_rej = 0;
        if (rej)
            cli_uint(rej->text, 0, UINT64_MAX, &want_rej);
        if (rc != 0) {
            tt_printf(&diff, "  the run failed:\n");
        }
        if (rc != 0 || rejected != want_rej) {
            if (rc == 0)
                tt_printf(&diff, "  rejected rows: expected %llu, got %llu\n",
                          (unsigned long long)want_rej, (unsigned long long)rejected);
            for (size_t i = 0; i < rf_diags_count(d); i++) {
                const rf_diag *g = rf_diags_get(d, i);
                if (g->severity == RF_ERROR)
                    tt_diag_line(&diff, tc, g);
            }
        }
        rf_diags_free(d);
        const yn_node *expect = yn_get(c, "expect");
        for (size_t i = 0; rc == 0 && i + 1 < expect->n; i += 2) {
            const char *key = expect->items[i]->text;
            const yn_node *fields = expect->items[i + 1];
            const tt_entity *e = NULL;
            for (size_t k = 0; k < col.n; k++)
                if (strcmp(col.e[k].key, key) == 0)
                    e = &col.e[k];
            if (!e) {
                tt_printf(&diff, "  %s: no such result (the run produced %zu)\n", key, col.n);
                continue;
            }
            for (size_t f = 0; f + 1 < fields->n; f += 2) {
                const char *fname = fields->items[f]->text;
                const yn_node *want = fields->items[f + 1];
                if (strcmp(fname, "reasons") == 0 && mutant) {
                    bool same = want->n == e->nreasons;
                    for (size_t r = 0; same && r < want->n; r++)
                        same = want->items[r]->kind == YN_SCALAR &&
                               tt_same_owner(want->items[r]->text, e->reasons[r]);
                    if (!same)
                        tt_printf(&diff, "  %s reasons differ\n", key);
                    continue;
                }
                if (strcmp(fname, "reasons") == 0) {
                    bool same = want->n == e->nreasons;
                    for (size_t r = 0; same && r < want->n; r++)
                        same = want->items[r]->kind == YN_SCALAR &&
                               strcmp(want->items[r]->text, e->reasons[r]) == 0;
                    if (!same) {
                        tt_printf(&diff, "  %s reasons:\n", key);
                        for (size_t r = 0; r < want->n; r++)
                            tt_printf(&diff, "    - expected: %s\n",
                                      want->items[r]->kind == YN_SCALAR ? want->items[r]->text
                                                                        : "?");
                        for (size_t r = 0; r < e->nreasons; r++)
                            tt_printf(&diff, "    + actual:   %s\n", e->reasons[r]);
                    }
                    continue;
                }
                const char *got = NULL;
                if (strcmp(fname, "level") == 0)
                    got = e->level;
                else if (strcmp(fname, "level_label") == 0)
                    got = e->level_label;
                else if (strcmp(fname, "detail") == 0)
                    got = e->detail;
                for (size_t k = 0; !got && k < e->nfields; k++)
                    if (strcmp(e->names[k], fname) == 0)
                        got = e->values[k];
                if (!got)
                    got = "";
                if (!tt_same(want->text, got))
                    tt_printf(&diff, "  %s %s: expected %s, got %s\n", key, fname, want->text,
                              got[0] ? got : "(missing)");
            }
        }
        tt_collect_free(&col);
    }
    return diff.s;
}

/* ---- test files ------------------------------------------------------------ */

static void tt_file(tt_state *S, const char *file)
{
    ar_arena *a = ar_new();
    rf_diags *d = rf_diags_new();
    yn_doc *doc = yn_load_file(a, file, d);
    char *dir = tt_dirname(file);
    tt_pack *tp = NULL;
    S->errs.n = 0;
    S->efile = file;
    S->edoc = doc;
    S->earena = a;
    S->eline = 0;
    if (!doc) {
        tt_diags(S, d);
        S->load_errors++;
        goto done;
    }
    const yn_node *root = doc->root;
    if (root->kind != YN_MAP) {
        tt_load_error(S, file, root, "a test file is a map with 'pack' and 'cases'");
        goto done;
    }
    for (size_t i = 0; i + 1 < root->n; i += 2)
        if (strcmp(root->items[i]->text, "pack") != 0 &&
            strcmp(root->items[i]->text, "cases") != 0 &&
            strcmp(root->items[i]->text, "description") != 0 &&
            strcmp(root->items[i]->text, "equivalent") != 0) {
            static const char *const top[] = {"pack", "cases", "description", "equivalent", NULL};
            tt_near nr;
            const char *dym = tt_suggest(&nr, root->items[i]->text, top);
            tt_load_error(S, file, root->items[i],
                          "unknown key '%s' in a test file%s (expected pack, cases, "
                          "description, equivalent)",
                          root->items[i]->text, dym);
        }
    const yn_node *pn = yn_get(root, "pack");
    if (!pn || pn->kind != YN_SCALAR) {
        tt_load_error(S, file, pn ? pn : root, "a test file names its pack: pack: FILE.yaml");
        goto done;
    }
    char *ppath = tt_join(dir, pn->text);
    if (access(ppath, R_OK) != 0) {
        tt_load_error(S, file, pn, "pack '%s' cannot be read (%s)", ppath, strerror(errno));
        free(ppath);
        goto done;
    }
    tp = tt_pack_for(S, ppath, d);
    free(ppath);
    if (!tp) {
        tt_diags(S, d);
        fprintf(stderr, "%s:%u:%u: error: its pack does not load\n", file, pn->line, pn->col);
        tt_load_msg(S, file, pn->line, pn->col, "test-file", "its pack does not load");
        goto done;
    }
    tp->tested = true;
    const yn_node *eq = yn_get(root, "equivalent");
    if (eq && eq->kind != YN_SEQ)
        tt_load_error(S, file, eq, "equivalent is a list of {mutant: TEXT, why: TEXT}");
    for (size_t i = 0; eq && eq->kind == YN_SEQ && i < eq->n; i++) {
        const yn_node *e = eq->items[i];
        const yn_node *mu = e->kind == YN_MAP ? yn_get(e, "mutant") : NULL;
        const yn_node *why = e->kind == YN_MAP ? yn_get(e, "why") : NULL;
        if (!mu || mu->kind != YN_SCALAR || !why || why->kind != YN_SCALAR || !why->text[0] ||
            e->n != 4) {
            tt_load_error(S, file, e,
                          "an equivalent mutant is {mutant: TEXT, why: TEXT}: the mutant as "
                          "--mutate reports it, and why no case can tell it apart");
            continue;
        }
        tp->equiv = ar_xrealloc(tp->equiv, (tp->nequiv + 1) * sizeof *tp->equiv);
        tp->equiv[tp->nequiv++] = (tt_equiv){ar_strdup(S->a, mu->text),
                                             ar_strdup(S->a, why->text),
                                             ar_strdup(S->a, file),
                                             mu->line,
                                             mu->col,
                                             false};
    }
    const yn_node *cases = yn_get(root, "cases");
    if (!cases || cases->kind != YN_SEQ || cases->n == 0) {
        tt_load_error(S, file, cases ? cases : root, "a test file needs a list of cases");
        goto done;
    }
    for (size_t i = 0; i < cases->n; i++) {
        const yn_node *c = cases->items[i];
        if (c->kind != YN_MAP) {
            tt_load_error(S, file, c, "each case is a map");
            continue;
        }
        if (!tt_validate(S, file, c, tp->p))
            continue;
        const char *name = yn_get(c, "name")->text;
        for (size_t j = 0; j < i; j++) {
            const yn_node *o =
                cases->items[j]->kind == YN_MAP ? yn_get(cases->items[j], "name") : NULL;
            if (o && o->kind == YN_SCALAR && strcmp(o->text, name) == 0)
                tt_load_error(S, file, yn_get(c, "name"), "case name '%s' is used twice", name);
        }
        double t0 = tt_now();
        tt_case *tc = ar_alloc(S->a, sizeof *tc);
        memset(tc, 0, sizeof *tc);
        tc->tp = tp;
        tc->c = c;
        tc->dir = ar_strdup(S->a, dir);
        tc->file = ar_strdup(S->a, file);
        char *diff = tt_prepare(S, tc);
        if (!diff)
            diff = tt_run_case(tc, false);
        tc->ok = diff == NULL;
        if (S->ncases == S->capcases) {
            S->capcases = S->capcases ? S->capcases * 2 : 32;
            S->cases = ar_xrealloc(S->cases, S->capcases * sizeof *S->cases);
        }
        S->cases[S->ncases++] = tc;
        tt_result *r = tt_add_result(S, TT_CASE, rf_pack_id(tp->p), name, file, c->line, diff);
        r->time = tt_now() - t0;
    }
done:
    /* A test file with errors is one failing test point (with every error),
     * so a CI system shows it red even when no case ran. */
    if (S->errs.n) {
        char *msg = strndup(S->errs.s, S->errs.n);
        tt_add_result(S, TT_LOAD, tp ? rf_pack_id(tp->p) : file, ar_printf(S->a, "%s loads", file),
                      file, S->eline, msg);
    }
    S->efile = NULL;
    S->edoc = NULL;
    free(dir);
    rf_diags_free(d);
    if (S->ndocs == S->capdocs) {
        S->capdocs = S->capdocs ? S->capdocs * 2 : 8;
        S->docs = ar_xrealloc(S->docs, S->capdocs * sizeof *S->docs);
    }
    S->docs[S->ndocs++] = a; /* its cases may run again, for mutants */
}

static bool tt_ends(const char *s, const char *suffix)
{
    size_t n = strlen(s), m = strlen(suffix);
    return n >= m && strcmp(s + n - m, suffix) == 0;
}

static int tt_cmp(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* A directory: every NAME.test.yaml in it, and every other .yaml file is a
 * pack that must have tests. */
static void tt_dir(tt_state *S, const char *path)
{
    DIR *dh = opendir(path);
    if (!dh) {
        char msg[512];
        snprintf(msg, sizeof msg, "cannot open directory: %s", strerror(errno));
        fprintf(stderr, "%s: error: %s\n", path, msg);
        S->errs.n = 0;
        tt_load_msg(S, path, 0, 0, "test-file", msg);
        tt_add_result(S, TT_LOAD, path, "opens", path, 0, strndup(S->errs.s, S->errs.n));
        return;
    }
    char **names = NULL;
    size_t n = 0, cap = 0;
    struct dirent *de;
    while ((de = readdir(dh))) {
        if (!tt_ends(de->d_name, ".yaml"))
            continue;
        if (n == cap) {
            cap = cap ? cap * 2 : 16;
            names = ar_xrealloc(names, cap * sizeof *names);
        }
        names[n++] = tt_join(path, de->d_name);
    }
    closedir(dh);
    qsort(names, n, sizeof *names, tt_cmp);
    for (size_t i = 0; i < n; i++)
        if (tt_ends(names[i], ".test.yaml"))
            tt_file(S, names[i]);
    for (size_t i = 0; i < n; i++) {
        if (!tt_ends(names[i], ".test.yaml")) {
            char *real = realpath(names[i], NULL);
            bool tested = false;
            for (size_t k = 0; real && k < S->npacks; k++)
                /* a pack that failed to load was named by a test file */
                tested |=
                    strcmp(S->packs[k].path, real) == 0 && (S->packs[k].tested || !S->packs[k].p);
            if (!tested) {
                static const char msg[] = "pack has no test file (expected one naming it)";
                fprintf(stderr, "%s: error: %s\n", names[i], msg);
                S->errs.n = 0;
                tt_load_msg(S, names[i], 0, 0, "test-file", msg);
                tt_add_result(S, TT_LOAD, names[i], "has a test file", names[i], 0,
                              strndup(S->errs.s, S->errs.n));
            }
            free(real);
        }
        free(names[i]);
    }
    free(names);
}

/* ---- reports ---------------------------------------------------------------- */

/* Text for an XML attribute or element: markup escaped; in an attribute
 * line breaks and tabs as character references (a parser would fold them
 * to spaces); other control characters (not allowed in XML 1.0) as U+FFFD. */
static void tt_xml_text(FILE *f, const char *s, bool attr)
{
    for (; *s; s++) {
        if (!attr && (*s == '\n' || *s == '\t')) {
            putc(*s, f);
            continue;
        }
        switch (*s) {
        case '<':
            fputs("&lt;", f);
            break;
        case '>':
            fputs("&gt;", f);
            break;
        case '&':
            fputs("&amp;", f);
            break;
        case '"':
            fputs("&quot;", f);
            break;
        case '\n':
            fputs("&#10;", f);
            break;
        case '\t':
            fputs("&#9;", f);
            break;
        case '\r':
            fputs("&#13;", f);
            break;
        default:
            if ((unsigned char)*s < 0x20)
                fputs("\xef\xbf\xbd", f);
            else
                putc(*s, f);
        }
    }
}

/* A TAP description: '#' would start a directive (a failing case named
 * "item #3 TODO" reads as a TODO to `prove`), a line break would end the
 * line; both are escaped with a backslash, as is the backslash itself. */
static void tt_tap_text(FILE *f, const char *s)
{
    for (; *s; s++) {
        if (*s == '#' || *s == '\\')
            fprintf(f, "\\%c", *s);
        else if (*s == '\n')
            fputs("\\n", f);
        else if (*s == '\r')
            fputs("\\r", f);
        else
            putc(*s, f);
    }
}

static void tt_xml(FILE *f, const char *s)
{
    tt_xml_text(f, s, true);
}

static const char *tt_failure_message(const tt_result *r)
{
    if (r->kind == TT_LOAD)
        return "does not load";
    if (r->kind == TT_GATE)
        return "below --fail-under";
    return "expected results differ";
}

static void tt_report_tap(tt_state *S, FILE *f)
{
    fprintf(f, "TAP version 13\n1..%zu\n", S->nresults);
    for (size_t i = 0; i < S->nresults; i++) {
        tt_result *r = &S->results[i];
        fprintf(f, "%s %zu - ", r->ok ? "ok" : "not ok", i + 1);
        tt_tap_text(f, r->suite);
        fputs(": ", f);
        tt_tap_text(f, r->name);
        putc('\n', f);
        if (r->ok)
            continue;
        fputs("  ---\n  message: ", f);
        fputs(tt_failure_message(r), f);
        fputs("\n  at: ", f);
        tt_tap_text(f, r->file);
        if (r->line)
            fprintf(f, ":%u", r->line);
        fputs("\n  diff: |\n", f);
        for (const char *s = r->diff; s && *s;) {
            const char *e = strchr(s, '\n');
            size_t len = e ? (size_t)(e - s) : strlen(s);
            fprintf(f, "    %.*s\n", (int)len, s);
            s += len + (e ? 1 : 0);
        }
        fputs("  ...\n", f);
    }
}

static void tt_report_junit(tt_state *S, FILE *f)
{
    size_t failures = 0, errors = 0;
    double total = 0;
    for (size_t i = 0; i < S->nresults; i++) {
        failures += !S->results[i].ok && S->results[i].kind != TT_LOAD;
        errors += !S->results[i].ok && S->results[i].kind == TT_LOAD;
        total += S->results[i].time;
    }
    fprintf(f,
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
            "<testsuites name=\"rosterflag\" tests=\"%zu\" failures=\"%zu\" errors=\"%zu\" "
            "time=\"%.3f\">\n",
            S->nresults, failures, errors, total);
    /* Suites in order of first appearance; a pack's load error, cases and
     * gates come together whatever order they were found in. */
    bool *done = calloc(S->nresults + 1, sizeof *done);
    for (size_t i = 0; done && i < S->nresults; i++) {
        if (done[i])
            continue;
        const char *suite = S->results[i].suite;
        size_t n = 0, nf = 0, ne = 0;
        double t = 0;
        for (size_t j = i; j < S->nresults; j++) {
            const tt_result *r = &S->results[j];
            if (strcmp(r->suite, suite) != 0)
                continue;
            n++;
            nf += !r->ok && r->kind != TT_LOAD;
            ne += !r->ok && r->kind == TT_LOAD;
            t += r->time;
        }
        fputs("  <testsuite name=\"", f);
        tt_xml(f, suite);
        fprintf(f,
                "\" tests=\"%zu\" failures=\"%zu\" errors=\"%zu\" skipped=\"0\" time=\"%.3f\">\n",
                n, nf, ne, t);
        for (size_t j = i; j < S->nresults; j++) {
            tt_result *r = &S->results[j];
            if (strcmp(r->suite, suite) != 0)
                continue;
            done[j] = true;
            fputs("    <testcase classname=\"", f);
            tt_xml(f, r->suite);
            fputs("\" name=\"", f);
            tt_xml(f, r->name);
            fputs("\" file=\"", f);
            tt_xml(f, r->file);
            if (r->line)
                fprintf(f, "\" line=\"%u", r->line);
            fprintf(f, "\" time=\"%.3f\"", r->time);
            if (r->ok) {
                fputs("/>\n", f);
                continue;
            }
            const char *el = r->kind == TT_LOAD ? "error" : "failure";
            fprintf(f, ">\n      <%s message=\"%s\" type=\"%s\">", el, tt_failure_message(r),
                    r->kind == TT_LOAD   ? "load"
                    : r->kind == TT_GATE ? "shortfall"
                                         : "diff");
            tt_xml_text(f, r->diff ? r->diff : "", false);
            fprintf(f, "</%s>\n    </testcase>\n", el);
        }
        fputs("  </testsuite>\n", f);
    }
    free(done);
    fputs("</testsuites>\n", f);
}

static void tt_report_sarif(tt_state *S, FILE *f)
{
    size_t n = S->nnotes;
    cli_sarif_result *rs = ar_xmalloc((n + S->nresults + 1) * sizeof *rs);
    if (n)
        memcpy(rs, S->notes, n * sizeof *rs);
    for (size_t i = 0; i < S->nresults; i++) {
        const tt_result *r = &S->results[i];
        if (r->ok || r->kind != TT_CASE)
            continue; /* load errors and gates are in the notes, at their own lines */
        rs[n++] = (cli_sarif_result){"test-case",
                                     RF_ERROR,
                                     r->file,
                                     r->line,
                                     0,
                                     ar_printf(S->a, "test case '%s' of %s fails:\n%s", r->name,
                                               r->suite, r->diff ? r->diff : "")};
    }
    cli_sarif_write(f, rs, n);
    free(rs);
}

static void tt_report(tt_state *S, FILE *f, size_t passed, size_t failed)
{
    if (S->fmt == TT_TAP) {
        tt_report_tap(S, f);
        return;
    }
    if (S->fmt == TT_JUNIT) {
        tt_report_junit(S, f);
        return;
    }
    if (S->fmt == TT_SARIF) {
        tt_report_sarif(S, f);
        return;
    }
    for (size_t i = 0; i < S->nresults; i++) {
        tt_result *r = &S->results[i];
        if (r->kind != TT_CASE)
            continue;
        fprintf(f, "%s %s: %s\n", r->ok ? "ok  " : "FAIL", r->suite, r->name);
        if (!r->ok)
            fprintf(f, "     at %s:%u\n%s", r->file, r->line, r->diff ? r->diff : "");
    }
    if (S->load_errors)
        fprintf(f, "%zu passed, %zu failed, %d errors (test files or packs that do not load)\n",
                passed, failed, S->load_errors);
    else
        fprintf(f, "%zu passed, %zu failed\n", passed, failed);
}

/* qsort has no context argument; the table being sorted is set just before. */
static const mu_table *tt_sort_table;

static int tt_cmp_mutant(const void *a, const void *b)
{
    const mu_mutant *x = &tt_sort_table->m[*(const int *)a],
                    *y = &tt_sort_table->m[*(const int *)b];
    if (x->line != y->line)
        return x->line < y->line ? -1 : 1;
    if (x->col != y->col)
        return x->col < y->col ? -1 : 1;
    return *(const int *)a - *(const int *)b;
}

static void test_help(FILE *to)
{
    fputs("usage: rosterflag test [options] PATH...\n"
          "\n"
          "Runs the test cases in each PATH: a NAME.test.yaml file, or a directory, in\n"
          "which every NAME.test.yaml runs and every other .yaml pack must have one.\n"
          "Prints each case, a readable diff for a failing one (expected against actual,\n"
          "field by field) and a closing line 'N passed, N failed'.\n"
          "\n"
          "options:\n"
          "      --format FORMAT          report format: text (default), tap, junit, or\n"
          "                               sarif (a SARIF 2.1.0 log of what fails, at\n"
          "                               its line in the pack or test file)\n"
          "  -o, --output FILE            write the report to FILE (default stdout)\n"
          "      --coverage               report per pack the catalogue items, conditions\n"
          "                               (true and false) and levels no case exercised\n"
          "      --mutate                 mutation testing: change each pack a little at a\n"
          "                               time (a comparison to its neighbour, a number or\n"
          "                               constant a step up or down, an item's points by\n"
          "                               1, and/or, any/all, a condition dropped) and rerun\n"
          "                               its cases; report each change no case notices\n"
          "                               (a surviving mutant) at its line and a score\n"
          "      --fail-under PERCENT     fail if a pack's coverage (with --coverage) or\n"
          "                               mutation score (with --mutate) is below PERCENT\n"
          "  -h, --help                   this help\n"
          "\n"
          "Inline inputs are written to a scratch directory under $TMPDIR (default /tmp)\n"
          "and removed afterwards, also when interrupted (SIGINT, SIGTERM, SIGHUP).\n\n"
          "exit codes: 0 all passed, 7 a case failed or coverage is too low,\n"
          "3 a test file or pack does not load, 2 usage.\n",
          to);
}

int cmd_test(int argc, char **argv)
{
    tt_state S;
    memset(&S, 0, sizeof S);
    const char *output = NULL, *v;
    double fail_under = -1;
    int npaths = 0;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
            test_help(stdout);
            return CLI_OK;
        } else if (strcmp(a, "--coverage") == 0) {
            S.coverage = true;
        } else if (strcmp(a, "--mutate") == 0) {
            S.mutate = true;
        } else if (cli_opt(argc, argv, &i, "--format", &v)) {
            if (v && strcmp(v, "tap") == 0)
                S.fmt = TT_TAP;
            else if (v && strcmp(v, "junit") == 0)
                S.fmt = TT_JUNIT;
            else if (v && strcmp(v, "sarif") == 0)
                S.fmt = TT_SARIF;
            else if (v && strcmp(v, "text") == 0)
                S.fmt = TT_TEXT;
            else {
                cli_usage_error("test", "--format is text, tap, junit or sarif, got '%s'",
                                v ? v : "");
                return CLI_USAGE;
            }
        } else if (cli_opt(argc, argv, &i, "--output", &v) || cli_opt(argc, argv, &i, "-o", &v)) {
            if (!v)
                return CLI_USAGE;
            output = v;
        } else if (cli_opt(argc, argv, &i, "--fail-under", &v)) {
            char *end = NULL;
            fail_under = v && *v && !isspace((unsigned char)*v) ? strtod(v, &end) : -1;
            /* Written so that NaN fails too. */
            if (!end || *end || !(fail_under >= 0 && fail_under <= 100)) {
                cli_usage_error("test", "--fail-under takes a percentage 0-100, got '%s'",
                                v ? v : "");
                return CLI_USAGE;
            }
        } else if (a[0] == '-' && a[1]) {
            cli_usage_error("test", "unknown option '%s'", a);
            return CLI_USAGE;
        } else {
            npaths++;
        }
    }
    /* --fail-under alone gates coverage, as it always has */
    if (fail_under >= 0 && !S.mutate)
        S.coverage = true;
    if (!npaths) {
        cli_usage_error("test", "no test file or directory given");
        return CLI_USAGE;
    }
    S.a = ar_new();
    /* Inline inputs are written out as files; TMPDIR is honoured so a CI
     * job with a read-only or tiny /tmp can point them elsewhere. */
    const char *tmp = getenv("TMPDIR");
    if (!tmp || !*tmp)
        tmp = "/tmp";
    if (!of_scratch_new(tmp)) {
        fprintf(stderr, "rosterflag test: cannot create a scratch directory under %s: %s\n", tmp,
                errno == ENAMETOOLONG ? "path too long" : strerror(errno));
        ar_free(S.a);
        return CLI_INTERNAL;
    }
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (a[0] == '-' && a[1]) {
            if (strcmp(a, "--format") == 0 || strcmp(a, "--output") == 0 || strcmp(a, "-o") == 0 ||
                strcmp(a, "--fail-under") == 0)
                i++;
            continue;
        }
        struct stat st;
        if (stat(a, &st) != 0) {
            fprintf(stderr, "%s: error: %s\n", a, strerror(errno));
            S.load_errors++;
        } else if (S_ISDIR(st.st_mode)) {
            tt_dir(&S, a);
        } else {
            tt_file(&S, a);
        }
    }
    /* Mutation testing: each mutant of a pack is made in place, the pack's
     * cases run against it until one fails (the mutant is killed), and the
     * change is undone. A survivor is reported at its place in the pack. */
    tt_buf mutext = {0};
    bool low = false;
    for (size_t i = 0; S.mutate && i < S.npacks; i++) {
        tt_pack *tp = &S.packs[i];
        if (!tp->p || !tp->tested)
            continue;
        const char *id = rf_pack_id(tp->p);
        size_t ncase = 0, nfail = 0;
        for (size_t k = 0; k < S.ncases; k++)
            if (S.cases[k]->tp == tp)
                ncase++, nfail += !S.cases[k]->ok;
        if (nfail || !ncase) {
            tt_buf why = {0};
            tt_printf(&why, "mutation %s: not run: %s\n", id,
                      nfail ? "a case fails on the pack as written" : "no case runs");
            tt_printf(&mutext, "%s", why.s);
            if (fail_under >= 0) {
                tt_add_result(&S, TT_GATE, id, ar_printf(S.a, "mutation score >= %g%%", fail_under),
                              tp->p->path, 0, why.s);
                low = true;
            } else {
                free(why.s);
            }
            continue;
        }
        mu_table *t = mu_table_new(tp->p);
        int killed = 0;
        char *alive = calloc((size_t)t->n + 1, 1);
        for (int m = 0; m < t->n; m++) {
            mu_apply(t, m);
            bool dead = false;
            for (size_t k = 0; k < S.ncases && !dead; k++) {
                if (S.cases[k]->tp != tp)
                    continue;
                char *diff = tt_run_case(S.cases[k], true);
                dead = diff != NULL;
                free(diff);
            }
            mu_undo(t, m);
            killed += dead;
            if (alive)
                alive[m] = !dead;
        }
        /* survivors the test files declare equivalent leave the score */
        int nequiv = 0;
        for (int m = 0; alive && m < t->n; m++) {
            const char *key = t->m[m].to ? t->m[m].to : t->m[m].from;
            for (size_t q = 0; alive[m] && q < tp->nequiv; q++)
                if (strcmp(tp->equiv[q].mutant, key) == 0) {
                    tp->equiv[q].used = true;
                    alive[m] = 2;
                    nequiv++;
                }
        }
        int counted = t->n - nequiv;
        double score = counted ? 100.0 * killed / counted : 100.0;
        bool stale = false;
        for (size_t q = 0; q < tp->nequiv; q++)
            stale |= !tp->equiv[q].used;
        bool short_ = fail_under >= 0 && (score + 1e-9 < fail_under || stale);
        low |= stale; /* a stale declaration is an error of its test file */
        tt_buf surv = {0};
        for (size_t q = 0; q < tp->nequiv; q++) {
            const tt_equiv *e = &tp->equiv[q];
            char *msg = e->used ? ar_printf(S.a, "equivalent mutant: '%s' (%s)", e->mutant, e->why)
                                : ar_printf(S.a,
                                            "'%s' is declared equivalent but is no surviving "
                                            "mutant of %s (a case kills it, or no such change)",
                                            e->mutant, id);
            tt_printf(&surv, "%s:%u:%u: %s\n", e->file, e->line, e->col, msg);
            if (!e->used)
                tt_note(&S, "test-file", RF_ERROR, e->file, e->line, e->col, msg);
        }
        /* survivors in the order of the pack file */
        int *order = ar_xmalloc(((size_t)t->n + 1) * sizeof *order);
        for (int m = 0; m < t->n; m++)
            order[m] = m;
        tt_sort_table = t;
        qsort(order, (size_t)t->n, sizeof *order, tt_cmp_mutant);
        for (int o = 0; alive && o < t->n; o++) {
            int m = order[o];
            if (alive[m] != 1)
                continue;
            const mu_mutant *mm = &t->m[m];
            char *msg =
                mm->to
                    ? ar_printf(S.a, "surviving mutant: '%s' -> '%s'%s%s%s", mm->from, mm->to,
                                mm->hint ? " (" : "", mm->hint ? mm->hint : "", mm->hint ? ")" : "")
                    : ar_printf(S.a, "surviving mutant: '%s' dropped from %s", mm->from, mm->owner);
            tt_printf(&surv, "%s:%u:%u: %s\n", tp->p->path, mm->line, mm->col, msg);
            tt_note(&S, "surviving-mutant", short_ ? RF_ERROR : RF_WARNING, tp->p->path, mm->line,
                    mm->col, msg);
        }
        tt_printf(&mutext, "mutation %s: %.1f%% (%d of %d mutants killed", id, score, killed,
                  counted);
        if (nequiv)
            tt_printf(&mutext, "; %d more equivalent", nequiv);
        tt_printf(&mutext, ")\n%s", surv.s ? surv.s : "");
        if (fail_under >= 0) {
            tt_buf why = {0};
            if (short_) {
                tt_printf(&mutext, "mutation %s: %.1f%% is below --fail-under %.1f%%\n", id, score,
                          fail_under);
                tt_printf(&why, "mutation score %.1f%% is below --fail-under %.1f%%\n%s", score,
                          fail_under, surv.s ? surv.s : "");
                low = true;
            }
            tt_add_result(&S, TT_GATE, id, ar_printf(S.a, "mutation score >= %g%%", fail_under),
                          tp->p->path, 0, why.s);
        }
        free(surv.s);
        free(alive);
        free(order);
        mu_table_free(t);
    }
    /* Coverage per pack, said after the cases; below --fail-under it is a
     * failing test point of its own, with each uncovered point in SARIF. */
    tt_buf covtext = {0};
    for (size_t i = 0; S.coverage && i < S.npacks; i++) {
        tt_pack *tp = &S.packs[i];
        if (!tp->p)
            continue;
        size_t hit, total;
        rf_coverage_counts(tp->cov, &hit, &total);
        double pct = total ? 100.0 * (double)hit / (double)total : 100.0;
        bool short_ = fail_under >= 0 && pct + 1e-9 < fail_under;
        tt_gaps gp = {&S, tp->p->path, {0}, short_};
        if (rf_coverage_each(tp->cov, tt_gap, &gp) != 0)
            tt_printf(&gp.list, "  %s: coverage list incomplete: out of memory\n", tp->p->path);
        const char *list = gp.list.s;
        tt_printf(&covtext, "coverage %s: %.1f%% (%zu of %zu items, conditions and levels)\n%s",
                  rf_pack_id(tp->p), pct, hit, total, list ? list : "");
        if (fail_under >= 0) {
            tt_buf why = {0};
            if (short_) {
                tt_printf(&covtext, "coverage %s: %.1f%% is below --fail-under %.1f%%\n",
                          rf_pack_id(tp->p), pct, fail_under);
                tt_printf(&why, "coverage %.1f%% is below --fail-under %.1f%%\n%s", pct, fail_under,
                          list ? list : "");
                low = true;
            }
            tt_add_result(&S, TT_GATE, rf_pack_id(tp->p),
                          ar_printf(S.a, "coverage >= %g%%", fail_under), tp->p->path, 0, why.s);
        }
        free(gp.list.s);
    }
    size_t passed = 0, failed = 0;
    for (size_t i = 0; i < S.nresults; i++)
        if (S.results[i].kind == TT_CASE)
            S.results[i].ok ? passed++ : failed++;
    /* The report, like run's results, replaces --output only when whole;
     * one that cannot be created goes to stdout instead of being lost, and
     * the exit status says the file asked for was not written. */
    of_file rep;
    bool opened = of_open(&rep, output, "test");
    if (!opened)
        of_open(&rep, NULL, "test");
    FILE *f = rep.f;
    tt_report(&S, f, passed, failed);
    if (covtext.n)
        fputs(covtext.s, S.fmt == TT_TEXT ? f : stderr);
    if (mutext.n)
        fputs(mutext.s, S.fmt == TT_TEXT ? f : stderr);
    free(covtext.s);
    free(mutext.s);
    if (S.load_errors)
        fprintf(stderr, "rosterflag test: %d test file or pack errors\n", S.load_errors);
    bool written = of_commit(&rep, "test");
    for (size_t i = 0; i < S.nresults; i++)
        free(S.results[i].diff);
    free(S.results);
    free(S.notes);
    for (size_t i = 0; i < S.ncases; i++)
        for (size_t k = 0; k < S.cases[i]->nin; k++)
            free(S.cases[i]->paths[k]);
    free(S.cases);
    for (size_t i = 0; i < S.ndocs; i++)
        ar_free(S.docs[i]);
    free(S.docs);
    free(S.errs.s);
    for (size_t i = 0; i < S.npacks; i++) {
        free(S.packs[i].path);
        rf_coverage_free(S.packs[i].cov);
        free(S.packs[i].equiv);
        rf_pack_free(S.packs[i].p);
    }
    free(S.packs);
    /* The scratch files are the cases' own inputs; remove them all. */
    of_scratch_remove();
    ar_free(S.a);
    if (S.load_errors)
        return CLI_PACK;
    if (failed || low)
        return CLI_TESTFAIL;
    return written && opened ? CLI_OK : CLI_OUTPUT;
}
