/* Running a pack: level selection (the most severe level that holds wins,
 * every condition that held is a reason, undecided conditions are named),
 * group aggregates over related rows, and the row accounting. Inputs are
 * written to a scratch directory and run through rf_run, as the CLI does. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "rosterflag.h"
#include "tu.h"

static const char *const pack_src =
    "rosterflag: 1\n"
    "pack: {id: grp, version: \"2\", title: {zh: 测试, en: test}}\n"
    "enums:\n"
    "  edu: [[小学], [高中, 中专], [大专, 专科], [本科]]\n"
    "inputs:\n"
    "  groups:\n"
    "    key: g\n"
    "    columns:\n"
    "      g: {type: text, required: true}\n"
    "      progress: {type: decimal, range: [0, 100], invalid: missing}\n"
    "  people:\n"
    "    every_entity: true\n"
    "    columns:\n"
    "      g: {type: text, required: true, ref: groups}\n"
    "      role: text\n"
    "      born: {type: date, required: true}\n"
    "      edu: {type: edu, invalid: missing}\n"
    "entity: {input: groups}\n"
    "measures:\n"
    "  size: \"count(people)\"\n"
    "  avg_age: \"avg(people, years_between(born, as_of))\"\n"
    "  head_age: \"pick(people, years_between(born, as_of) where role = '书记')\"\n"
    "  share: \"share(people, edu >= '大专')\"\n"
    "levels:\n"
    "  - id: red\n"
    "    any: [\"progress < 60\", \"head_age > 60\"]\n"
    "  - id: yellow\n"
    "    any: [\"avg_age >= 50\", \"share < 0.5\"]\n"
    "  - id: both\n"
    "    all: [\"size >= 3\", \"progress < 95\"]\n"
    "output: {columns: [g, size, avg_age, head_age, share, progress]}\n";

typedef tu_got got;

typedef struct run_state {
    got rows[16];
    int n;
} run_state;

static int collect(void *ctx, const rf_result *r)
{
    run_state *s = ctx;
    tu_fill(&s->rows[s->n++], r, false);
    return 0;
}

static run_state run(const char *groups, const char *people, rf_summary *sum)
{
    rf_diags *d = rf_diags_new();
    rf_pack *p = NULL;
    assert_int_equal(rf_pack_load_mem("grp.yaml", pack_src, strlen(pack_src), &p, d), 0);
    rf_input in[2] = {{"groups", tu_put("g.csv", groups), NULL, 0},
                      {"people", tu_put("p.csv", people), NULL, 0}};
    rf_run_options o = RF_RUN_OPTIONS_INIT;
    o.as_of = "2025-12-31";
    run_state s;
    memset(&s, 0, sizeof s);
    o.on_result = collect;
    o.ctx = &s;
    assert_int_equal(rf_run(p, &o, in, 2, NULL, NULL, sum, d), 0);
    rf_pack_free(p);
    rf_diags_free(d);
    return s;
}

static void test_most_severe_wins_and_all_reasons(void **state)
{
    (void)state;
    rf_summary sum;
    run_state s = run("g,progress\nA,50\n",
                      "g,role,born,edu\n"
                      "A,书记,1960-06-01,小学\n"  /* 65 */
                      "A,委员,1975-01-01,本科\n"  /* 50 */
                      "A,委员,1990-01-01,本科\n", /* 35 */
                      &sum);
    assert_int_equal(s.n, 1);
    assert_string_equal(s.rows[0].level, "red");
    /* avg 50, share 2/3: red twice, yellow once, and the all-level. */
    assert_string_equal(s.rows[0].reasons,
                        "red: progress 50 < 60; red: head_age 65 > 60; yellow: avg_age 50 ≥ 50; "
                        "both: size 3 ≥ 3; both: progress 50 < 95; ");
    assert_string_equal(s.rows[0].fields, "A|3|50|65|0.67|50|");
    assert_int_equal(s.rows[0].undecided, 0);
}

static void test_partial_all_level_lists_nothing(void **state)
{
    (void)state;
    rf_summary sum;
    run_state s = run("g,progress\nB,99\n",
                      "g,role,born,edu\nB,书记,1990-01-01,本科\nB,委员,1991-01-01,大专\n"
                      "B,委员,1992-01-01,专科\n",
                      &sum);
    assert_string_equal(s.rows[0].level, "none");
    /* size >= 3 held, progress < 95 did not: the all-level gives no reason. */
    assert_string_equal(s.rows[0].reasons, "");
}

static void test_empty_group_and_missing_values(void **state)
{
    (void)state;
    rf_summary sum;
    run_state s =
        run("g,progress\nC,\nD,120\n", "g,role,born,edu\nD,委员,1980-01-01,博士后\n", &sum);
    assert_int_equal(s.n, 2);
    /* C: no people (reported), no progress: nothing decided, nothing held. */
    assert_string_equal(s.rows[0].key, "C");
    assert_string_equal(s.rows[0].fields, "C|0|||||");
    assert_string_equal(s.rows[0].level, "none");
    assert_int_equal(s.rows[0].undecided, 1);
    assert_non_null(strstr(s.rows[0].reasons, "red: not evaluated: progress < 60 (progress: "
                                              "progress is empty)"));
    /* D: progress 120 kept as missing; the unknown label leaves share empty. */
    assert_string_equal(s.rows[1].key, "D");
    assert_non_null(strstr(s.rows[1].reasons, "120 is outside 0..100"));
    assert_non_null(strstr(s.rows[1].reasons, "not evaluated: share < 0.5"));
    assert_int_equal(sum.inputs[0].rows, 2);
    assert_int_equal(sum.inputs[0].problems, 2); /* C without people, D's progress */
    assert_int_equal(sum.inputs[1].problems, 1); /* the unknown label */
    assert_int_equal(sum.levels[3].count, 2);    /* both have no level */
}

static void test_two_heads_and_accounting(void **state)
{
    (void)state;
    rf_summary sum;
    run_state s = run("g,progress\nE,70\n",
                      "g,role,born,edu\nE,书记,1950-01-01,本科\nE,书记,1980-01-01,本科\n"
                      "X,委员,1980-01-01,本科\nE,委员,not-a-date,本科\nE,委员\n",
                      &sum);
    assert_string_equal(s.rows[0].level, "yellow"); /* head_age undecided; avg 60 */
    assert_int_equal(s.rows[0].undecided, 1);
    assert_non_null(strstr(s.rows[0].reasons, "red: not evaluated: head_age > 60 (more than one "
                                              "row where role = '书记')"));
    const rf_input_stats *p = &sum.inputs[1];
    assert_int_equal(p->rows, 5);
    assert_int_equal(p->used, 2);
    assert_int_equal(p->rejected, 3); /* unknown group, bad date, short row */
    assert_int_equal(p->problems, 1); /* the second head */
    assert_int_equal(p->rows, p->used + p->outside + p->rejected);
}

/* The converter's fast path for short digit strings must apply a column's
 * range exactly as the general parser does, fractional bounds included,
 * and a column the header lacks must read as missing on every row. */
static void test_integer_range_bounds(void **state)
{
    (void)state;
    static const char src[] = "rosterflag: 1\n"
                              "pack: {id: rng, version: \"1\", title: {zh: 范围, en: range}}\n"
                              "inputs:\n"
                              "  rows:\n"
                              "    key: id\n"
                              "    columns:\n"
                              "      id: {type: text, required: true}\n"
                              "      n: {type: integer, range: [0.5, 3.5]}\n"
                              "      note: text\n"
                              "entity: {input: rows}\n"
                              "measures:\n"
                              "  noted: \"not missing(note)\"\n"
                              "levels:\n"
                              "  - id: high\n"
                              "    any: [\"n >= 3\"]\n"
                              "output: {columns: [id, n, noted]}\n";
    rf_diags *d = rf_diags_new();
    rf_pack *p = NULL;
    assert_int_equal(rf_pack_load_mem("rng.yaml", src, strlen(src), &p, d), 0);
    rf_input in[1] = {
        {"rows", tu_put("r.csv", "id,n\na,0\nb,1\nc,3\nd,4\ne, 2 \nf,\ng,03\n"), NULL, 0}};
    rf_run_options o = RF_RUN_OPTIONS_INIT;
    run_state s;
    memset(&s, 0, sizeof s);
    o.on_result = collect;
    o.ctx = &s;
    rf_summary sum;
    assert_int_equal(rf_run(p, &o, in, 1, NULL, NULL, &sum, d), 0);
    assert_int_equal(sum.inputs[0].rows, 7);
    assert_int_equal(sum.inputs[0].rejected, 2); /* 0 and 4 */
    assert_int_equal(s.n, 5);
    const char *want[][3] = {
        {"b", "1|false|", "none"}, {"c", "3|false|", "high"}, {"e", "2|false|", "none"},
        {"f", "|false|", "none"},  {"g", "3|false|", "high"},
    };
    for (int i = 0; i < 5; i++) {
        assert_string_equal(s.rows[i].key, want[i][0]);
        assert_non_null(strstr(s.rows[i].fields, want[i][1]));
        assert_string_equal(s.rows[i].level, want[i][2]);
    }
    rf_pack_free(p);
    rf_diags_free(d);
}

static int setup(void **state)
{
    (void)state;
    return tu_mkdir("test-run");
}

static int teardown(void **state)
{
    (void)state;
    return tu_rmdir();
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_most_severe_wins_and_all_reasons),
        cmocka_unit_test(test_partial_all_level_lists_nothing),
        cmocka_unit_test(test_empty_group_and_missing_values),
        cmocka_unit_test(test_two_heads_and_accounting),
        cmocka_unit_test(test_integer_range_bounds),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
