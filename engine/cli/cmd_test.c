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
#include "pk.h"
#include "yn.h"

#include <dirent.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

typedef enum tt_format { TT_TEXT, TT_TAP, TT_JUNIT } tt_format;

/* One case's outcome, kept for the TAP and JUnit reports. */
typedef struct tt_result {
    const char *pack;  /* pack id */
    const char *name;  /* case name */
    const char *where; /* file:line */
    bool ok;
    char *diff; /* malloc'd, NULL when ok */
} tt_result;

typedef struct tt_pack {
    char *path;
    rf_pack *p;
    rf_coverage *cov;
    bool tested;
} tt_pack;

typedef struct tt_state {
    tt_format fmt;
    bool coverage;
    tt_result *results;
    size_t nresults, capresults;
    tt_pack *packs;
    size_t npacks, cappacks;
    int load_errors;
    char tmpdir[4096];
    ar_arena *a; /* lives for the whole run */
} tt_state;

/* ---- small helpers ------------------------------------------------------ */

static void tt_add_result(tt_state *S, const char *pack, const char *name, const char *where,
                          char *diff)
{
    if (S->nresults == S->capresults) {
        S->capresults = S->capresults ? S->capresults * 2 : 32;
        S->results = ar_xrealloc(S->results, S->capresults * sizeof *S->results);
    }
    tt_result *r = &S->results[S->nresults++];
    r->pack = ar_strdup(S->a, pack);
    r->name = ar_strdup(S->a, name);
    r->where = ar_strdup(S->a, where);
    r->ok = diff == NULL;
    r->diff = diff;
}

typedef struct tt_buf {
    char *s;
    size_t n, cap;
} tt_buf;

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

#if defined(__GNUC__)
__attribute__((format(printf, 4, 5)))
#endif
static void
tt_load_error(tt_state *S, const char *file, const yn_node *at, const char *fmt, ...)
{
    va_list ap;
    fprintf(stderr, "%s:%u:%u: error: ", file, at ? at->line : 0, at ? at->col : 0);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    S->load_errors++;
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
            tt_load_error(S, file, c->items[i],
                          "unknown key '%s' in a test case (expected name, description, year, "
                          "as_of, inputs, expect, rejects, problems)",
                          c->items[i]->text);
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
                tt_load_error(S, file, inputs->items[i], "pack %s has no input '%s'", p->id,
                              inputs->items[i]->text);
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
    if (year && (year->kind != YN_SCALAR || atoi(year->text) < 1900)) {
        tt_load_error(S, file, year, "year must be a year such as 2025, not '%s'",
                      year->kind == YN_SCALAR ? year->text : "?");
        ok = false;
    }
    for (int q = 0; q < 2; q++) {
        const char *what = q ? "problems" : "rejects";
        const yn_node *rej = yn_get(c, what);
        if (!rej)
            continue;
        char *end = NULL;
        if (rej->kind == YN_SCALAR)
            strtoul(rej->text, &end, 10);
        if (rej->kind != YN_SCALAR || !end || *end || !rej->text[0]) {
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
                tt_load_error(S, file, k,
                              "'%s' is not a measure, output column, flag, level, reasons or "
                              "detail of pack %s",
                              k->text, p->id);
                ok = false;
                continue;
            }
            if (strcmp(k->text, "level") == 0 && v->kind == YN_SCALAR &&
                !tt_level_known(p, v->text)) {
                tt_load_error(S, file, v, "'%s' is not a level of pack %s", v->text, p->id);
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

static char *tt_run_case(tt_state *S, const char *file, const char *dir, const yn_node *c,
                         tt_pack *tp)
{
    const rf_pack *p = tp->p;
    tt_buf diff = {0};
    rf_input inputs[RF_MAX_INPUTS];
    char *paths[RF_MAX_INPUTS];
    size_t nin = 0;
    const yn_node *in = yn_get(c, "inputs");
    for (size_t i = 0; i + 1 < in->n && nin < RF_MAX_INPUTS; i += 2) {
        const yn_node *v = in->items[i + 1];
        if (memchr(v->text, '\n', v->len)) {
            size_t n = strlen(S->tmpdir) + strlen(in->items[i]->text) + 16;
            paths[nin] = ar_xmalloc(n);
            snprintf(paths[nin], n, "%s/%s.csv", S->tmpdir, in->items[i]->text);
            FILE *f = fopen(paths[nin], "wb");
            if (!f || fwrite(v->text, 1, v->len, f) != v->len || fclose(f) != 0) {
                tt_printf(&diff, "  cannot write %s: %s\n", paths[nin], strerror(errno));
                free(paths[nin]);
                goto out;
            }
        } else {
            paths[nin] = tt_join(dir, v->text);
        }
        inputs[nin].name = in->items[i]->text;
        inputs[nin].path = paths[nin];
        inputs[nin].encoding = NULL;
        inputs[nin].delimiter = 0;
        nin++;
    }
    {
        rf_run_options o = RF_RUN_OPTIONS_INIT;
        const yn_node *year = yn_get(c, "year"), *asof = yn_get(c, "as_of");
        o.year = year ? atoi(year->text) : 0;
        o.as_of = asof && asof->kind == YN_SCALAR ? asof->text : NULL;
        tt_collect col = {0};
        o.on_result = tt_on_result;
        o.ctx = &col;
        o.coverage = tp->cov;
        rf_summary sum;
        rf_diags *d = rf_diags_new();
        int rc = rf_run(p, &o, inputs, nin, NULL, NULL, &sum, d);
        uint64_t rejected = 0, problems = 0;
        for (size_t i = 0; i < sum.ninputs; i++) {
            rejected += sum.inputs[i].rejected;
            problems += sum.inputs[i].problems;
        }
        const yn_node *prob = yn_get(c, "problems");
        uint64_t want_prob = prob ? strtoull(prob->text, NULL, 10) : 0;
        if (rc == 0 && problems != want_prob)
            tt_printf(&diff, "  rows kept with a problem: expected %llu, got %llu\n",
                      (unsigned long long)want_prob, (unsigned long long)problems);
        const yn_node *rej = yn_get(c, "rejects");
        uint64_t want_rej = rej ? strtoull(rej->text, NULL, 10) : 0;
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
                    tt_printf(&diff, "    %s:%llu: %s\n", g->file ? g->file : "",
                              (unsigned long long)g->line, g->message);
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
out:
    for (size_t i = 0; i < nin; i++)
        free(paths[i]);
    (void)file;
    return diff.s;
}

/* ---- test files ------------------------------------------------------------ */

static void tt_file(tt_state *S, const char *file)
{
    ar_arena *a = ar_new();
    rf_diags *d = rf_diags_new();
    yn_doc *doc = yn_load_file(a, file, d);
    char *dir = tt_dirname(file);
    if (!doc) {
        cli_report(d);
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
            strcmp(root->items[i]->text, "description") != 0)
            tt_load_error(S, file, root->items[i],
                          "unknown key '%s' in a test file (expected pack, cases, description)",
                          root->items[i]->text);
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
    tt_pack *tp = tt_pack_for(S, ppath, d);
    free(ppath);
    if (!tp) {
        cli_report(d);
        fprintf(stderr, "%s:%u:%u: error: its pack does not load\n", file, pn->line, pn->col);
        S->load_errors++;
        goto done;
    }
    tp->tested = true;
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
        char where[512];
        snprintf(where, sizeof where, "%s:%u", file, c->line);
        char *diff = tt_run_case(S, file, dir, c, tp);
        tt_add_result(S, rf_pack_id(tp->p), name, where, diff);
    }
done:
    free(dir);
    rf_diags_free(d);
    ar_free(a);
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
        fprintf(stderr, "%s: error: cannot open directory: %s\n", path, strerror(errno));
        S->load_errors++;
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
                tested |= strcmp(S->packs[k].path, real) == 0 && S->packs[k].tested;
            if (!tested) {
                fprintf(stderr, "%s: error: pack has no test file (expected one naming it)\n",
                        names[i]);
                S->load_errors++;
            }
            free(real);
        }
        free(names[i]);
    }
    free(names);
}

/* ---- reports ---------------------------------------------------------------- */

static void tt_xml(FILE *f, const char *s)
{
    for (; *s; s++) {
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
        default:
            putc(*s, f);
        }
    }
}

static void tt_report(tt_state *S, FILE *f, size_t passed, size_t failed)
{
    if (S->fmt == TT_TAP) {
        fprintf(f, "TAP version 13\n1..%zu\n", S->nresults);
        for (size_t i = 0; i < S->nresults; i++) {
            tt_result *r = &S->results[i];
            fprintf(f, "%s %zu - %s: %s\n", r->ok ? "ok" : "not ok", i + 1, r->pack, r->name);
            if (!r->ok) {
                fprintf(f, "  ---\n  at: %s\n  diff: |\n", r->where);
                for (const char *s = r->diff; s && *s;) {
                    const char *e = strchr(s, '\n');
                    size_t len = e ? (size_t)(e - s) : strlen(s);
                    fprintf(f, "    %.*s\n", (int)len, s);
                    s += len + (e ? 1 : 0);
                }
                fputs("  ...\n", f);
            }
        }
        return;
    }
    if (S->fmt == TT_JUNIT) {
        fprintf(f,
                "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                "<testsuites name=\"rosterflag\" tests=\"%zu\" failures=\"%zu\">\n",
                S->nresults, failed);
        for (size_t i = 0; i < S->nresults;) {
            const char *pack = S->results[i].pack;
            size_t j = i, nf = 0;
            while (j < S->nresults && strcmp(S->results[j].pack, pack) == 0)
                nf += !S->results[j++].ok;
            fputs("  <testsuite name=\"", f);
            tt_xml(f, pack);
            fprintf(f, "\" tests=\"%zu\" failures=\"%zu\">\n", j - i, nf);
            for (; i < j; i++) {
                tt_result *r = &S->results[i];
                fputs("    <testcase classname=\"", f);
                tt_xml(f, r->pack);
                fputs("\" name=\"", f);
                tt_xml(f, r->name);
                fputs("\" file=\"", f);
                tt_xml(f, r->where);
                if (r->ok) {
                    fputs("\"/>\n", f);
                    continue;
                }
                fputs("\">\n      <failure message=\"expected results differ\">", f);
                tt_xml(f, r->diff ? r->diff : "");
                fputs("</failure>\n    </testcase>\n", f);
            }
            fputs("  </testsuite>\n", f);
        }
        fputs("</testsuites>\n", f);
        return;
    }
    for (size_t i = 0; i < S->nresults; i++) {
        tt_result *r = &S->results[i];
        fprintf(f, "%s %s: %s\n", r->ok ? "ok  " : "FAIL", r->pack, r->name);
        if (!r->ok)
            fprintf(f, "     at %s\n%s", r->where, r->diff ? r->diff : "");
    }
    if (S->load_errors)
        fprintf(f, "%zu passed, %zu failed, %d errors (test files or packs that do not load)\n",
                passed, failed, S->load_errors);
    else
        fprintf(f, "%zu passed, %zu failed\n", passed, failed);
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
          "      --format text|tap|junit  report format (default text)\n"
          "  -o, --output FILE            write the report to FILE (default stdout)\n"
          "      --coverage               report per pack the catalogue items, conditions\n"
          "                               (true and false) and levels no case exercised\n"
          "      --fail-under PERCENT     fail if a pack's coverage is below PERCENT\n"
          "  -h, --help                   this help\n"
          "\n"
          "Inline inputs are written to a scratch directory under $TMPDIR (default /tmp)\n"
          "and removed afterwards.\n\n"
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
        } else if (cli_opt(argc, argv, &i, "--format", &v)) {
            if (v && strcmp(v, "tap") == 0)
                S.fmt = TT_TAP;
            else if (v && strcmp(v, "junit") == 0)
                S.fmt = TT_JUNIT;
            else if (v && strcmp(v, "text") == 0)
                S.fmt = TT_TEXT;
            else {
                cli_usage_error("test", "--format is text, tap or junit, got '%s'", v ? v : "");
                return CLI_USAGE;
            }
        } else if (cli_opt(argc, argv, &i, "--output", &v) || cli_opt(argc, argv, &i, "-o", &v)) {
            if (!v)
                return CLI_USAGE;
            output = v;
        } else if (cli_opt(argc, argv, &i, "--fail-under", &v)) {
            char *end;
            fail_under = v ? strtod(v, &end) : -1;
            if (!v || *end || fail_under < 0 || fail_under > 100) {
                cli_usage_error("test", "--fail-under takes a percentage 0-100, got '%s'",
                                v ? v : "");
                return CLI_USAGE;
            }
            S.coverage = true;
        } else if (a[0] == '-' && a[1]) {
            cli_usage_error("test", "unknown option '%s'", a);
            return CLI_USAGE;
        } else {
            npaths++;
        }
    }
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
    int tn = snprintf(S.tmpdir, sizeof S.tmpdir, "%s/rosterflag-test-XXXXXX", tmp);
    if (tn < 0 || (size_t)tn >= sizeof S.tmpdir || !mkdtemp(S.tmpdir)) {
        fprintf(stderr, "rosterflag test: cannot create a scratch directory under %s: %s\n", tmp,
                tn < 0 || (size_t)tn >= sizeof S.tmpdir ? "path too long" : strerror(errno));
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
    size_t passed = 0, failed = 0;
    for (size_t i = 0; i < S.nresults; i++)
        S.results[i].ok ? passed++ : failed++;
    FILE *f = stdout;
    if (output && !(f = fopen(output, "w"))) {
        fprintf(stderr, "rosterflag test: cannot write %s: %s\n", output, strerror(errno));
        f = stdout;
    }
    tt_report(&S, f, passed, failed);
    bool low = false;
    if (S.coverage) {
        FILE *cf = S.fmt == TT_TEXT ? f : stderr;
        for (size_t i = 0; i < S.npacks; i++) {
            if (!S.packs[i].p)
                continue;
            size_t hit, total;
            rf_coverage_counts(S.packs[i].cov, &hit, &total);
            double pct = total ? 100.0 * (double)hit / (double)total : 100.0;
            fprintf(cf, "coverage %s: %.1f%% (%zu of %zu items, conditions and levels)\n",
                    rf_pack_id(S.packs[i].p), pct, hit, total);
            rf_coverage_report(S.packs[i].cov, cf);
            if (fail_under >= 0 && pct + 1e-9 < fail_under) {
                fprintf(cf, "coverage %s: %.1f%% is below --fail-under %.1f%%\n",
                        rf_pack_id(S.packs[i].p), pct, fail_under);
                low = true;
            }
        }
    }
    if (S.load_errors)
        fprintf(stderr, "rosterflag test: %d test file or pack errors\n", S.load_errors);
    if (f != stdout)
        fclose(f);
    for (size_t i = 0; i < S.nresults; i++)
        free(S.results[i].diff);
    free(S.results);
    for (size_t i = 0; i < S.npacks; i++) {
        free(S.packs[i].path);
        rf_coverage_free(S.packs[i].cov);
        rf_pack_free(S.packs[i].p);
    }
    free(S.packs);
    /* The scratch files are the cases' own inputs; remove them all. */
    DIR *dh = opendir(S.tmpdir);
    if (dh) {
        struct dirent *de;
        while ((de = readdir(dh)))
            if (de->d_name[0] != '.') {
                char *pth = tt_join(S.tmpdir, de->d_name);
                unlink(pth);
                free(pth);
            }
        closedir(dh);
    }
    rmdir(S.tmpdir);
    ar_free(S.a);
    if (S.load_errors)
        return CLI_PACK;
    return failed || low ? CLI_TESTFAIL : CLI_OK;
}
