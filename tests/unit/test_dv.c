/* Derived entities (entity: {from, key}) and groups inside an entity
 * (distinct, OP(R by g, INNER)): results in order of first appearance, the
 * same entity written again is one entity, an empty key cell is rejected
 * with its line, and the missing-value rules of grouped aggregates. Inputs
 * go to a scratch directory and through rf_run, as the CLI does. */
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
    "pack: {id: dv, version: \"1\", title: {zh: 测试, en: test}}\n"
    "inputs:\n"
    "  members:\n"
    "    columns:\n"
    "      id: {type: text, required: true}\n"
    "      branch: text\n"
    "      group: text\n"
    "      age: integer\n"
    "entity: {from: members, key: branch}\n"
    "measures:\n"
    "  size: \"count(members)\"\n"
    "  groups: \"distinct(members, group)\"\n"
    "  smallest: \"min(members by group, count())\"\n"
    "  largest: \"max(members by group, count())\"\n"
    "  grouped: \"sum(members by group, count())\"\n"
    "  mean_size: \"avg(members by group, count())\"\n"
    "  oldest_young: \"min(members by group, max(age))\"\n"
    "  ages: \"distinct(members, age where age > 30)\"\n"
    "levels:\n"
    "  - id: big\n"
    "    any: [\"size >= 3 and groups = 0\"]\n"
    "output: {columns: [branch, size, groups, smallest, largest, grouped, mean_size, "
    "oldest_young, ages]}\n";

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

static const char *explain_key; /* run() explains this entity into explained[] */
static char explained[4096];

static int run(const char *src, const char *members, run_state *s, rf_summary *sum, char *rej,
               size_t rejcap)
{
    rf_diags *d = rf_diags_new();
    rf_pack *p = NULL;
    assert_int_equal(rf_pack_load_mem("dv.yaml", src, strlen(src), &p, d), 0);
    rf_input in[1] = {{"members", tu_put("m.csv", members), NULL, 0}};
    rf_run_options o = RF_RUN_OPTIONS_INIT;
    o.as_of = "2025-12-31";
    memset(s, 0, sizeof *s);
    o.on_result = collect;
    o.ctx = s;
    FILE *rf = tmpfile();
    assert_non_null(rf);
    FILE *xf = NULL;
    if (explain_key) {
        xf = tmpfile();
        assert_non_null(xf);
        o.explain = explain_key;
        o.explain_out = xf;
    }
    int rc = rf_run(p, &o, in, 1, NULL, rf, sum, d);
    if (xf) {
        rewind(xf);
        explained[fread(explained, 1, sizeof explained - 1, xf)] = '\0';
        fclose(xf);
    }
    rewind(rf);
    size_t n = fread(rej, 1, rejcap - 1, rf);
    rej[n] = '\0';
    fclose(rf);
    rf_pack_free(p);
    rf_diags_free(d);
    return rc;
}

static void test_first_appearance_and_no_duplicates(void **state)
{
    (void)state;
    run_state s;
    rf_summary sum;
    char rej[2048];
    int rc = run(pack_src,
                 "id,branch,group,age\n"
                 "1,乙,,40\n"
                 "2,甲,a,20\n"
                 "3, 乙 ,,41\n" /* the same branch, with spaces */
                 "4,甲,b,35\n"
                 "5,,a,50\n" /* no branch: rejected, with its line */
                 "6,乙,,40\n"
                 "7,丙,x,33\n",
                 &s, &sum, rej, sizeof rej);
    assert_int_equal(rc, 0);
    assert_int_equal(s.n, 3);
    assert_string_equal(s.rows[0].key, "乙");
    assert_string_equal(s.rows[1].key, "甲");
    assert_string_equal(s.rows[2].key, "丙");
    /* 乙: three members in no group: no groups, so no smallest group (its
     * cause: the group cells are empty), a sum over no group is 0. */
    assert_string_equal(s.rows[0].fields, "乙|3|0|||0|||2|");
    assert_string_equal(s.rows[0].level, "big");
    assert_string_equal(s.rows[0].reasons, "big: size 3 ≥ 3 and groups 0 = 0; ");
    assert_string_equal(s.rows[1].fields, "甲|2|2|1|1|2|1|20|1|");
    assert_string_equal(s.rows[2].fields, "丙|1|1|1|1|1|1|33|1|");
    const rf_input_stats *m = &sum.inputs[0];
    assert_int_equal(m->rows, 7);
    assert_int_equal(m->used, 6);
    assert_int_equal(m->rejected, 1);
    assert_int_equal(sum.entities, 3);
    assert_non_null(
        strstr(rej, ",6,members,rejected,column branch (branch) is empty: the row belongs to "
                    "no branch,\"5,,a,50\""));
}

/* Groups are told apart by value; a row with no group is in none; the
 * outer aggregate sees one value per group. */
static void test_grouped_values(void **state)
{
    (void)state;
    run_state s;
    rf_summary sum;
    char rej[2048];
    explain_key = "A";
    int rc = run(pack_src,
                 "id,branch,group,age\n"
                 "1,A,g1,30\n"
                 "2,A,g1,50\n"
                 "3,A,g2,45\n"
                 "4,A,,70\n"
                 "5,A,g3,\n"
                 "6,A,g1,31\n"
                 "7,A,g2,46\n"
                 "8,A,g2,\n",
                 &s, &sum, rej, sizeof rej);
    assert_int_equal(rc, 0);
    assert_int_equal(s.n, 1);
    /* size 8; groups g1 (3), g2 (3), g3 (1): distinct 3, smallest 1,
     * largest 3, 7 rows in groups, mean 7/3; max age per group 50, 46 and
     * none for g3 (its only age is empty), so the smallest maximum is 46;
     * ages over 30: 50, 45, 70, 31, 46 are 5 distinct values. */
    assert_string_equal(s.rows[0].fields, "A|8|3|1|3|7|2.33|46|5|");
    assert_string_equal(s.rows[0].level, "none");
    /* explain lists the groups in order of first appearance, with values;
     * g3's only age is empty, so its maximum is missing. */
    explain_key = NULL;
    assert_non_null(
        strstr(explained, "  distinct(members, group): g1, g2, g3; 1 row in no group\n"));
    assert_non_null(strstr(explained, "  min(members by group, count()): g1 3, g2 3, g3 1; 1 row "
                                      "in no group\n"));
    assert_non_null(strstr(explained, "  min(members by group, max(age)): g1 50, g2 46, g3 "
                                      "missing; 1 row in no group\n"));
    assert_non_null(strstr(explained, "  distinct(members, age where age > 30): 50, 45, 70, 31, "
                                      "46; 2 rows in no group\n"));
}

/* The source input's rows reach tallies and the period as a ref input's
 * do; a row rejected (an unknown code) makes no entity, a row outside the
 * period still does (with nothing counted). */
static void test_tallies_and_period(void **state)
{
    (void)state;
    static const char src[] = "rosterflag: 1\n"
                              "pack: {id: dvt, version: \"1\", title: {zh: 测试, en: test}}\n"
                              "period: {unit: year}\n"
                              "catalogues:\n"
                              "  codes:\n"
                              "    fields: {points: integer}\n"
                              "    items:\n"
                              "      - {code: C1, name: {zh: 一, en: one}, points: 2}\n"
                              "      - {code: C2, name: {zh: 二, en: two}, points: 3}\n"
                              "inputs:\n"
                              "  members:\n"
                              "    period: date\n"
                              "    columns:\n"
                              "      id: {type: text, required: true}\n"
                              "      branch: text\n"
                              "      date: {type: date, required: true}\n"
                              "      code: {type: text, required: true}\n"
                              "entity: {from: members, key: branch}\n"
                              "tallies:\n"
                              "  seen:\n"
                              "    catalogue: codes\n"
                              "    weight: points\n"
                              "    from_rows: {input: members, code: code}\n"
                              "measures:\n"
                              "  n: \"count(members)\"\n"
                              "levels:\n"
                              "  - id: some\n"
                              "    any: [\"seen > 0\"]\n"
                              "output: {columns: [branch, n, seen]}\n";
    rf_diags *d = rf_diags_new();
    rf_pack *p = NULL;
    assert_int_equal(rf_pack_load_mem("dvt.yaml", src, strlen(src), &p, d), 0);
    rf_input in[1] = {{"members",
                       tu_put("m.csv", "id,branch,date,code\n"
                                       "1,A,2025-03-01,C1\n"
                                       "2,B,2024-05-01,C1\n" /* outside 2025 */
                                       "3,C,2025-05-01,X9\n" /* unknown code: no branch C */
                                       "4,A,2025-06-01,C2\n"),
                       NULL, 0}};
    rf_run_options o = RF_RUN_OPTIONS_INIT;
    o.year = 2025;
    run_state s;
    memset(&s, 0, sizeof s);
    o.on_result = collect;
    o.ctx = &s;
    rf_summary sum;
    assert_int_equal(rf_run(p, &o, in, 1, NULL, NULL, &sum, d), 0);
    assert_int_equal(s.n, 2);
    assert_string_equal(s.rows[0].key, "A");
    assert_string_equal(s.rows[0].fields, "A|2|5|");
    assert_string_equal(s.rows[0].level, "some");
    assert_string_equal(s.rows[1].key, "B");
    assert_string_equal(s.rows[1].fields, "B|0|0|");
    assert_int_equal(sum.inputs[0].rows, 4);
    assert_int_equal(sum.inputs[0].used, 2);
    assert_int_equal(sum.inputs[0].outside, 1);
    assert_int_equal(sum.inputs[0].rejected, 1);
    rf_pack_free(p);
    rf_diags_free(d);
}

static void expect_error(const char *measures, const char *want)
{
    char src[2048];
    snprintf(src, sizeof src,
             "rosterflag: 1\n"
             "pack: {id: dv, version: \"1\", title: {zh: 测试, en: test}}\n"
             "catalogues:\n"
             "  codes:\n"
             "    items:\n"
             "      - {code: C1, name: {zh: 一, en: one}}\n"
             "inputs:\n"
             "  members:\n"
             "    columns:\n"
             "      id: {type: text, required: true}\n"
             "      branch: text\n"
             "      group: text\n"
             "      code: text\n"
             "      age: integer\n"
             "      born: date\n"
             "entity: {from: members, key: branch}\n"
             "tallies:\n"
             "  seen: {catalogue: codes, from_rows: {input: members, code: code}}\n"
             "measures:\n"
             "%s"
             "levels:\n"
             "  - id: x\n"
             "    any: [\"m > 0\"]\n",
             measures);
    tu_load_fails("dv.yaml", src, want);
}

static void test_grouped_errors(void **state)
{
    (void)state;
    expect_error("  m: \"count(members by group)\"\n", "'by' groups a relation's rows in min");
    expect_error("  m: \"min(members by group, count(members))\"\n",
                 "'min' with 'by' takes min(R by g, count())");
    expect_error("  m: \"min(members by group, share(age > 3))\"\n", "found 'share(age > 3)'");
    expect_error("  m: \"min(members by group, sum(group))\"\n", "'sum' needs a number");
    expect_error("  m: \"sum(members by group, max(born))\"\n",
                 "'sum' needs a number from each group, found date");
    expect_error("  m: \"min(members by nope, count())\"\n", "unknown name 'nope'");
    expect_error("  m: \"distinct(seen, code)\"\n", "groups a tally's items");
    expect_error("  m: \"abs(members by group)\"\n", "'by' groups a relation's rows");
}

static void expect_entity_error(const char *entity, const char *want)
{
    char src[2048];
    snprintf(src, sizeof src,
             "rosterflag: 1\n"
             "pack: {id: dv, version: \"1\", title: {zh: 测试, en: test}}\n"
             "inputs:\n"
             "  members:\n"
             "    columns:\n"
             "      id: {type: text, required: true}\n"
             "      branch: text\n"
             "      age: integer\n"
             "  sheet:\n"
             "    key: id\n"
             "    optional: true\n"
             "    columns:\n"
             "      id: {type: text, required: true}\n"
             "      branch: text\n"
             "%s"
             "measures:\n"
             "  m: \"1\"\n"
             "levels:\n"
             "  - id: x\n"
             "    any: [\"m > 0\"]\n",
             entity);
    tu_load_fails("dv.yaml", src, want);
}

static void test_entity_errors(void **state)
{
    (void)state;
    expect_entity_error("entity: {from: member, key: branch}\n",
                        "entity from 'member' is not an input (did you mean 'members'?)");
    expect_entity_error("entity: {from: members, key: brnch}\n",
                        "entity key 'brnch' is not a column of input 'members' (did you mean "
                        "'branch'?)");
    expect_entity_error("entity: {from: members, key: age}\n",
                        "entity key 'age' must be a text column (it is integer)");
    expect_entity_error("entity: {from: sheet, key: branch}\n", "input 'sheet' cannot be optional");
    expect_entity_error("entity: {input: members, from: members, key: branch}\n",
                        "entity takes either 'input'");
    expect_entity_error("entity: {from: members}\n", "entity has no 'key'");
}

/* A column read only in a grouped aggregate's `by` or its inner aggregate
 * still counts as read: a header without it is warned about, not passed
 * over as a column nothing reads. */
static void test_grouped_columns_are_read(void **state)
{
    (void)state;
    const char *src = "rosterflag: 1\n"
                      "pack: {id: dv, version: \"1\", title: {zh: 测试, en: test}}\n"
                      "inputs:\n"
                      "  members:\n"
                      "    columns:\n"
                      "      id: {type: text, required: true}\n"
                      "      branch: text\n"
                      "      group: text\n"
                      "      age: integer\n"
                      "      note: text\n"
                      "entity: {from: members, key: branch}\n"
                      "measures:\n"
                      "  smallest: \"min(members by group, count())\"\n"
                      "  oldest: \"max(members by branch, max(age))\"\n"
                      "levels:\n"
                      "  - id: x\n"
                      "    any: [\"smallest < 3 or oldest > 60\"]\n";
    rf_diags *d = rf_diags_new();
    rf_pack *p = NULL;
    assert_int_equal(rf_pack_load_mem("dv.yaml", src, strlen(src), &p, d), 0);
    rf_input in[1] = {{"members", tu_put("m.csv", "id,branch\nA,一支部\n"), NULL, 0}};
    rf_run_options o = RF_RUN_OPTIONS_INIT;
    assert_int_equal(rf_run(p, &o, in, 1, NULL, NULL, NULL, d), 0);
    bool group = false, age = false, note = false;
    for (size_t i = 0; i < rf_diags_count(d); i++) {
        const rf_diag *g = rf_diags_get(d, i);
        if (g->severity != RF_WARNING)
            continue;
        group |= strstr(g->message, "column 'group'") != NULL;
        age |= strstr(g->message, "column 'age'") != NULL;
        note |= strstr(g->message, "column 'note'") != NULL;
    }
    assert_true(group);
    assert_true(age);
    assert_false(note); /* read by nothing: no warning */
    rf_pack_free(p);
    rf_diags_free(d);
}

static int setup(void **state)
{
    (void)state;
    return tu_mkdir("test-dv");
}

static int teardown(void **state)
{
    (void)state;
    return tu_rmdir();
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_first_appearance_and_no_duplicates),
        cmocka_unit_test(test_grouped_values),
        cmocka_unit_test(test_tallies_and_period),
        cmocka_unit_test(test_grouped_errors),
        cmocka_unit_test(test_entity_errors),
        cmocka_unit_test(test_grouped_columns_are_read),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
