/* Language features beside the levels: independent flags (each true, false
 * or not evaluated, with reasons, in every output), and the small functions
 * and forms the packs of the source articles need. Packs are loaded from
 * memory and run through rf_run on files in a scratch directory. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "rosterflag.h"
#include "tu.h"

typedef tu_got got;

typedef struct run_state {
    got rows[16];
    int n;
} run_state;

static int collect(void *ctx, const rf_result *r)
{
    run_state *s = ctx;
    tu_fill(&s->rows[s->n++], r, true);
    return 0;
}

static const char *const communities =
    "rosterflag: 1\n"
    "pack: {id: comm, version: \"1\", title: {zh: 社区, en: communities}}\n"
    "constants: {pass: 60, min_space: 30}\n"
    "inputs:\n"
    "  communities:\n"
    "    key: name\n"
    "    columns:\n"
    "      name: {type: text, required: true}\n"
    "      score: decimal\n"
    "      households: integer\n"
    "      space: decimal\n"
    "entity: {input: communities}\n"
    "measures:\n"
    "  per_100: \"space * 100 / households\"\n"
    "levels:\n"
    "  - id: lagging\n"
    "    any: [\"score < pass\"]\n"
    "flags:\n"
    "  - id: space_short\n"
    "    label: {zh: 用房不足, en: short of space}\n"
    "    any:\n"
    "      - {when: \"per_100 < min_space\", reason: 每百户不足30㎡}\n"
    "  - id: large\n"
    "    all: [\"households >= 1000\", \"score >= 90\"]\n"
    "output: {columns: [name, score, per_100]}\n";

static rf_pack *load(const char *src)
{
    rf_diags *d = rf_diags_new();
    rf_pack *p = NULL;
    int rc = rf_pack_load_mem("t.yaml", src, strlen(src), &p, d);
    for (size_t i = 0; rc != 0 && i < rf_diags_count(d); i++)
        fprintf(stderr, "%s\n", rf_diags_get(d, i)->message);
    assert_int_equal(rc, 0);
    rf_diags_free(d);
    return p;
}

/* Both a level and a flag can hold for one community; a missing value
 * leaves a flag undecided, never false. */
static void test_flags_beside_levels(void **state)
{
    (void)state;
    rf_pack *p = load(communities);
    rf_input in[1] = {{"communities",
                       tu_put("c.csv", "name,score,households,space\n"
                                       "A,55,200,40\n"   /* lagging, 20 m² per 100: short */
                                       "B,95,1200,600\n" /* large, 50 per 100 */
                                       "C,70,300,\n"     /* space missing */
                                       "D,92,1000,200\n" /* 20 per 100: short, large */),
                       NULL, 0}};
    rf_run_options o = RF_RUN_OPTIONS_INIT;
    run_state s;
    memset(&s, 0, sizeof s);
    o.on_result = collect;
    o.ctx = &s;
    o.coverage = rf_coverage_new(p);
    rf_summary sum;
    rf_diags *d = rf_diags_new();
    FILE *out = tmpfile();
    assert_int_equal(rf_run(p, &o, in, 1, out, NULL, &sum, d), 0);
    assert_int_equal(s.n, 4);
    assert_string_equal(s.rows[0].level, "lagging");
    assert_non_null(strstr(s.rows[0].fields, "space_short=true|large=false|"));
    assert_string_equal(s.rows[0].reasons, "lagging: score 55 < 60; space_short: 每百户不足30㎡ "
                                           "(per_100 20 < 30); ");
    assert_string_equal(s.rows[1].level, "none");
    assert_non_null(strstr(s.rows[1].fields, "space_short=false|large=true|"));
    assert_string_equal(s.rows[1].reasons, "large: households 1200 ≥ 1000; large: score 95 ≥ 90; ");
    assert_non_null(strstr(s.rows[2].fields, "space_short=|large=false|"));
    assert_int_equal(s.rows[2].undecided, 1);
    assert_non_null(strstr(s.rows[2].reasons, "space_short: not evaluated: per_100 < min_space"));
    assert_int_equal(s.rows[1].undecided, 0);
    assert_int_equal(sum.nflags, 2);
    assert_string_equal(sum.flags[0].id, "space_short");
    assert_int_equal(sum.flags[0].count, 2);
    assert_int_equal(sum.flags[0].undecided, 1);
    assert_int_equal(sum.flags[1].count, 2);
    assert_int_equal(sum.undecided, 1);
    /* CSV: a column per flag after the level, empty when undecided. */
    const char *csv = tu_slurp(out);
    assert_non_null(strstr(csv, "name,score,per_100,level,level_label,space_short,large,reasons,"
                                "pack\n"));
    assert_non_null(strstr(csv, "\nC,70,,none,无,,false,space_short: not evaluated:"));
    /* Coverage: 4 conditions x 2 + 1 level + no level + 2 flags x 2. */
    size_t hit, total;
    rf_coverage_counts(o.coverage, &hit, &total);
    assert_int_equal(total, 14);
    assert_int_equal(hit, 14);
    fclose(out);
    rf_coverage_free(o.coverage);
    rf_diags_free(d);
    rf_pack_free(p);
}

/* JSON lines carry flags as booleans, null when undecided. */
static void test_flags_json(void **state)
{
    (void)state;
    rf_pack *p = load(communities);
    rf_input in[1] = {{"communities",
                       tu_put("c.csv", "name,score,households,space\nA,55,200,40\nC,70,300,\n"),
                       NULL, 0}};
    rf_run_options o = RF_RUN_OPTIONS_INIT;
    o.format = RF_FORMAT_JSONL;
    rf_diags *d = rf_diags_new();
    FILE *out = tmpfile();
    assert_int_equal(rf_run(p, &o, in, 1, out, NULL, NULL, d), 0);
    const char *js = tu_slurp(out);
    assert_non_null(strstr(js, "\"space_short\":true,\"large\":false,\"reasons\":["));
    assert_non_null(strstr(js, "\"space_short\":null,\"large\":false"));
    fclose(out);
    rf_diags_free(d);
    rf_pack_free(p);
}

/* A pack of flags alone has no level columns and no "no level" point. */
static void test_flags_only(void **state)
{
    (void)state;
    static const char src[] = "rosterflag: 1\n"
                              "pack: {id: f, version: \"1\", title: {zh: 旗, en: flags}}\n"
                              "inputs:\n"
                              "  rows:\n"
                              "    key: id\n"
                              "    columns: {id: {type: text, required: true}, n: integer}\n"
                              "entity: {input: rows}\n"
                              "flags:\n"
                              "  - {id: few, any: \"n < 3\"}\n"
                              "output: {columns: [id, n]}\n";
    rf_pack *p = load(src);
    rf_input in[1] = {{"rows", tu_put("r.csv", "id,n\na,1\nb,5\n"), NULL, 0}};
    rf_run_options o = RF_RUN_OPTIONS_INIT;
    o.coverage = rf_coverage_new(p);
    rf_summary sum;
    rf_diags *d = rf_diags_new();
    FILE *out = tmpfile();
    assert_int_equal(rf_run(p, &o, in, 1, out, NULL, &sum, d), 0);
    assert_string_equal(tu_slurp(out), "id,n,few,reasons,pack\n"
                                       "a,1,true,few: n 1 < 3,f@1\n"
                                       "b,5,false,,f@1\n");
    assert_int_equal(sum.nlevels, 0);
    size_t hit, total;
    rf_coverage_counts(o.coverage, &hit, &total);
    assert_int_equal(total, 4);
    assert_int_equal(hit, 4);
    fclose(out);
    rf_coverage_free(o.coverage);
    rf_diags_free(d);
    rf_pack_free(p);
}

/* rf_coverage_each gives each point not covered as a place and a text, one
 * per point (their number is total - hit), in the order and words of
 * rf_coverage_report, and stops when the callback says so. */
typedef struct gaps {
    char text[2048];
    int n, stop_after;
} gaps;

static int on_gap(void *ctx, const rf_coverage_gap *g)
{
    gaps *s = ctx;
    char line[512];
    if (g->line)
        snprintf(line, sizeof line, "  %s:%llu:%u: %s\n", g->file, (unsigned long long)g->line,
                 g->column, g->what);
    else
        snprintf(line, sizeof line, "  %s: %s\n", g->file, g->what);
    tu_cat(s->text, sizeof s->text, line);
    s->n++;
    return s->n == s->stop_after ? 7 : 0;
}

static void test_coverage_each(void **state)
{
    (void)state;
    rf_pack *p = load(communities);
    rf_input in[1] = {
        {"communities", tu_put("c.csv", "name,score,households,space\nA,55,200,40\n"), NULL, 0}};
    rf_run_options o = RF_RUN_OPTIONS_INIT;
    o.coverage = rf_coverage_new(p);
    rf_diags *d = rf_diags_new();
    FILE *out = tmpfile();
    assert_int_equal(rf_run(p, &o, in, 1, out, NULL, NULL, d), 0);
    size_t hit, total;
    rf_coverage_counts(o.coverage, &hit, &total);
    gaps s = {.stop_after = -1};
    assert_int_equal(rf_coverage_each(o.coverage, on_gap, &s), 0);
    assert_int_equal((size_t)s.n, total - hit);
    assert_true(s.n > 2);
    char *rep = NULL;
    size_t repn = 0;
    FILE *ms = open_memstream(&rep, &repn);
    rf_coverage_report(o.coverage, ms);
    fclose(ms);
    assert_string_equal(s.text, rep);
    assert_non_null(strstr(rep, "  t.yaml: no case ends with no level (none)\n"));
    assert_non_null(strstr(rep, ": condition 'score < pass' of level lagging never false\n"));
    free(rep);
    gaps two = {.stop_after = 2};
    assert_int_equal(rf_coverage_each(o.coverage, on_gap, &two), 7);
    assert_int_equal(two.n, 2);
    fclose(out);
    rf_coverage_free(o.coverage);
    rf_diags_free(d);
    rf_pack_free(p);
}

static void expect_error(const char *src, const char *msg)
{
    tu_load_fails("bad.yaml", src, msg);
}

static void test_flag_ids_name_nothing_else(void **state)
{
    (void)state;
    const char *head = "rosterflag: 1\n"
                       "pack: {id: f, version: \"1\", title: {zh: 旗, en: flags}}\n"
                       "inputs:\n"
                       "  rows:\n"
                       "    key: id\n"
                       "    columns: {id: {type: text, required: true}, n: integer}\n"
                       "entity: {input: rows}\n"
                       "measures: {m: \"n + 1\"}\n"
                       "levels: [{id: low, any: \"n < 1\"}]\n"
                       "output: {columns: [id, m]}\n";
    char src[2048];
    static const char *const cases[][2] = {
        {"flags: [{id: low, any: \"n < 3\"}]\n", "flag id 'low' is also the name of a level"},
        {"flags: [{id: reasons, any: \"n < 3\"}]\n", "is also the name of a column every result"},
        {"flags: [{id: m, any: \"n < 3\"}]\n", "flag id 'm' is also the name of a measure"},
        {"flags: [{id: n, any: \"n < 3\"}]\n", "also the name of a column of the entity input"},
        {"flags: [{id: a, any: \"n < 3\"}, {id: a, all: \"n > 0\"}]\n", "of another flag"},
        {"flags: [{id: a}]\n", "flag 'a' needs conditions under 'any' or 'all'"},
        {"flags: {a: 1}\n", "flags (a list)"},
        {"flags: [{id: a, any: \"n + 1\"}]\n", "boolean"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        snprintf(src, sizeof src, "%s%s", head, cases[i][0]);
        expect_error(src, cases[i][1]);
    }
}

static const char *const picks =
    "rosterflag: 1\n"
    "pack: {id: pk, version: \"1\", title: {zh: 取, en: pick}}\n"
    "constants: {quota: 3}\n"
    "inputs:\n"
    "  villages:\n"
    "    key: village\n"
    "    columns: {village: {type: text, required: true}}\n"
    "  previous:\n"
    "    key: village\n"
    "    columns:\n"
    "      village: {type: text, required: true, ref: villages}\n"
    "      level: text\n"
    "  cadres:\n"
    "    columns:\n"
    "      village: {type: text, required: true, ref: villages}\n"
    "      name: text\n"
    "      post: text\n"
    "entity: {input: villages}\n"
    "measures:\n"
    "  before: \"pick(previous, level)\"\n"
    "  secretary: \"pick(cadres, name where contains(post, '书记') and not contains(post, "
    "'副书记'))\"\n"
    "  short: \"count(cadres) < quota\"\n"
    "levels:\n"
    "  - {id: again, any: \"before = 'again' and short\"}\n"
    "output: {columns: [village, before, secretary, short]}\n";

static run_state run_picks(const rf_setting *sets, size_t nsets, const char *stamp)
{
    rf_diags *d = rf_diags_new();
    rf_pack *p = NULL;
    const char *path = tu_put("k.yaml", picks);
    assert_int_equal(rf_pack_load_set(path, sets, nsets, &p, d), 0);
    unlink(path);
    rf_input in[3] = {
        {"villages", tu_put("v.csv", "village\nA\nB\nC\n"), NULL, 0},
        {"previous", tu_put("r.csv", "village,level\nA,again\nB,none\nB,again\n"), NULL, 0},
        {"cadres",
         tu_put("c.csv", "village,name,post\n"
                         "A,张三,党支部书记、村委会主任\n"
                         "A,李四,党支部副书记\n"
                         "B,王五,党支部副书记\n"
                         "C,赵六,村党支部书记\n"
                         "C,钱七,文书\n"
                         "C,孙八,村委会委员\n"),
         NULL, 0}};
    rf_run_options o = RF_RUN_OPTIONS_INIT;
    run_state s;
    memset(&s, 0, sizeof s);
    o.on_result = collect;
    o.ctx = &s;
    rf_summary sum;
    FILE *out = tmpfile();
    assert_int_equal(rf_run(p, &o, in, 3, out, NULL, &sum, d), 0);
    assert_non_null(strstr(tu_slurp(out), stamp));
    assert_int_equal(sum.inputs[1].problems, 1); /* B twice in previous */
    fclose(out);
    rf_pack_free(p);
    rf_diags_free(d);
    return s;
}

/* pick returns text that outlives the row it came from; without 'where' it
 * reads the one row of a relation keyed by its reference. */
static void test_pick_text_and_one_row(void **state)
{
    (void)state;
    run_state s = run_picks(NULL, 0, "\nA,again,张三,true,again,again,");
    assert_int_equal(s.n, 3);
    assert_string_equal(s.rows[0].fields, "village=A|before=again|secretary=张三|short=true|");
    assert_string_equal(s.rows[0].level, "again");
    /* two rows for B: missing, and the reason says so without a 'where' */
    assert_string_equal(s.rows[1].fields, "village=B|before=|secretary=|short=true|");
    assert_string_equal(s.rows[1].reasons,
                        "again: not evaluated: before = 'again' and short (more than one row in "
                        "previous); ");
    assert_string_equal(s.rows[2].fields, "village=C|before=|secretary=赵六|short=false|");
    assert_string_equal(s.rows[2].reasons, "");
}

/* A constant set by the caller replaces the pack's before compiling, and is
 * stamped in every result. */
static void test_set_constants(void **state)
{
    (void)state;
    rf_setting set[1] = {{"quota", "4"}};
    run_state s = run_picks(set, 1, ",pk@1 --set quota=4\n");
    assert_string_equal(s.rows[2].fields, "village=C|before=|secretary=赵六|short=true|");
    static const struct {
        rf_setting set;
        const char *msg;
    } bad[] = {
        {{"quot", "4"}, "--set quot: pack pk has no constant 'quot' (its constants: quota)"},
        {{"quota", "4.5"},
         "--set quota=4.5: constant quota is integer (the pack says 3): not an "
         "integer"},
        {{"quota", ""}, "constant quota is integer (the pack says 3): the value is empty"},
    };
    const char *path = tu_put("k.yaml", picks);
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        rf_diags *d = rf_diags_new();
        rf_pack *p = NULL;
        assert_int_equal(rf_pack_load_set(path, &bad[i].set, 1, &p, d), -1);
        assert_int_equal(rf_diags_count(d), 1);
        assert_int_equal(rf_diags_get(d, 0)->cls, RF_CLASS_USAGE);
        assert_non_null(strstr(rf_diags_get(d, 0)->message, bad[i].msg));
        rf_diags_free(d);
    }
    rf_setting twice[2] = {{"quota", "4"}, {"quota", "5"}};
    rf_diags *d = rf_diags_new();
    rf_pack *p = NULL;
    assert_int_equal(rf_pack_load_set(path, twice, 2, &p, d), -1);
    assert_string_equal(rf_diags_get(d, 0)->message, "--set quota is given twice");
    rf_diags_free(d);
    unlink(path);
}

static const char *const aged =
    "rosterflag: 1\n"
    "pack: {id: w, version: \"1\", title: {zh: 老, en: aged}}\n"
    "constants: {retire: 60}\n"
    "inputs:\n"
    "  villages:\n"
    "    key: village\n"
    "    columns: {village: {type: text, required: true}, extra: integer}\n"
    "  team:\n"
    "    columns:\n"
    "      village: {type: text, required: true, ref: villages}\n"
    "      age: integer\n"
    "entity: {input: villages}\n"
    "measures:\n"
    "  limit: \"retire - extra\"\n"
    "  old: \"count(team where age > limit)\"\n"
    "%s"
    "output: {columns: [village, limit, old]}\n";

/* A measure of the entity may be read inside an aggregate's rows: it is
 * computed from the entity's own row before the rows are read. */
static void test_measure_in_where(void **state)
{
    (void)state;
    char src[2048];
    snprintf(src, sizeof src, aged, "");
    rf_pack *p = load(src);
    rf_input in[2] = {
        {"villages", tu_put("v.csv", "village,extra\nA,0\nB,5\nC,\n"), NULL, 0},
        {"team", tu_put("r.csv", "village,age\nA,58\nA,61\nB,56\nB,57\nC,70\n"), NULL, 0}};
    rf_run_options o = RF_RUN_OPTIONS_INIT;
    run_state s;
    memset(&s, 0, sizeof s);
    o.on_result = collect;
    o.ctx = &s;
    rf_diags *d = rf_diags_new();
    assert_int_equal(rf_run(p, &o, in, 2, NULL, NULL, NULL, d), 0);
    assert_string_equal(s.rows[0].fields, "village=A|limit=60|old=1|");
    assert_string_equal(s.rows[1].fields, "village=B|limit=55|old=2|");
    /* limit missing: the row's filter is missing, so it is skipped, not counted */
    assert_string_equal(s.rows[2].fields, "village=C|limit=|old=0|");
    rf_diags_free(d);
    rf_pack_free(p);
    static const char *const bad[][2] = {
        {"  worse: \"count(team where age > old)\"\n", "measure 'old' is read inside an "
                                                       "aggregate's rows (directly or through "
                                                       "another measure), so it must be known "
                                                       "before the rows are read; it uses an "
                                                       "aggregate"},
        {"  worse: \"count(team where age > twice)\"\n  twice: \"old * 2\"\n",
         "measure 'old' is read inside an aggregate's rows"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        snprintf(src, sizeof src, aged, bad[i][0]);
        expect_error(src, bad[i][1]);
    }
}

static const char *const grouped_rows =
    "rosterflag: 1\n"
    "pack: {id: w, version: \"1\", title: {zh: 组, en: grouped}}\n"
    "constants: {retire: 60}\n"
    "inputs:\n"
    "  villages:\n"
    "    key: village\n"
    "    columns: {village: {type: text, required: true}, extra: integer}\n"
    "  team:\n"
    "    columns:\n"
    "      village: {type: text, required: true, ref: villages}\n"
    "      grp: text\n"
    "      age: integer\n"
    "entity: {input: villages}\n"
    "measures:\n"
    "  limit: \"retire - extra\"\n"
    "  cut: \"limit + 0\"\n"
    "  over: \"max(team by grp, max(age - limit))\"\n"
    "  sides: \"max(team by age > cut, count())\"\n"
    "%s"
    "output: {columns: [village, over, sides]}\n";

/* A measure read only inside a grouped aggregate (its 'by' or its inner
 * aggregate), with no plain aggregate reading it, is still computed before
 * the rows are read, and is held to the same rules. */
static void test_measure_in_grouped(void **state)
{
    (void)state;
    char src[2048];
    snprintf(src, sizeof src, grouped_rows, "");
    rf_pack *p = load(src);
    rf_input in[2] = {
        {"villages", tu_put("v.csv", "village,extra\nA,0\nB,5\n"), NULL, 0},
        {"team", tu_put("r.csv", "village,grp,age\nA,g1,58\nA,g1,61\nA,g2,50\nB,g1,56\nB,g2,70\n"),
         NULL, 0}};
    rf_run_options o = RF_RUN_OPTIONS_INIT;
    run_state s;
    memset(&s, 0, sizeof s);
    o.on_result = collect;
    o.ctx = &s;
    rf_diags *d = rf_diags_new();
    assert_int_equal(rf_run(p, &o, in, 2, NULL, NULL, NULL, d), 0);
    /* A (limit 60): g1 ages 58, 61 -> max 1, g2 50 -> -10: 1; ages over 60:
     * one, not over: two. B (limit 55): g1 1, g2 15: 15; both over 55. */
    assert_string_equal(s.rows[0].fields, "village=A|over=1|sides=2|limit=60|cut=60|");
    assert_string_equal(s.rows[1].fields, "village=B|over=15|sides=2|limit=55|cut=55|");
    rf_diags_free(d);
    rf_pack_free(p);
    static const char *const bad[] = {
        "  worse: \"max(team by grp, max(age - size))\"\n  size: \"count(team)\"\n",
        "  worse: \"max(team by age > size, count())\"\n  size: \"count(team)\"\n",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        snprintf(src, sizeof src, grouped_rows, bad[i]);
        expect_error(src, "measure 'size' is read inside an aggregate's rows (directly or "
                          "through another measure), so it must be known before the rows are "
                          "read; it uses an aggregate");
    }
}

static int setup(void **state)
{
    (void)state;
    return tu_mkdir("test-lang");
}

static int teardown(void **state)
{
    (void)state;
    return tu_rmdir();
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_flags_beside_levels),
        cmocka_unit_test(test_flags_json),
        cmocka_unit_test(test_flags_only),
        cmocka_unit_test(test_coverage_each),
        cmocka_unit_test(test_flag_ids_name_nothing_else),
        cmocka_unit_test(test_pick_text_and_one_row),
        cmocka_unit_test(test_set_constants),
        cmocka_unit_test(test_measure_in_where),
        cmocka_unit_test(test_measure_in_grouped),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
