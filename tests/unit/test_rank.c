/* Rankings: ties share the lowest rank, groups rank apart, an entity missing
 * its value or its group is not ranked (and says why), an empty ranking is
 * said; both run shapes (a sheet streamed twice, entities held) agree; a
 * previous period's results are read back only from the same pack. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "rosterflag.h"
#include "tu.h"

static const char *const pack_src = "rosterflag: 1\n"
                                    "pack: {id: rk, version: \"2\", title: {zh: 排名, en: ranks}}\n"
                                    "inputs:\n"
                                    "  orgs:\n"
                                    "    key: org\n"
                                    "    columns:\n"
                                    "      org: {type: text, required: true}\n"
                                    "      town: text\n"
                                    "      score: decimal\n"
                                    "  notes:\n"
                                    "    optional: true\n"
                                    "    columns:\n"
                                    "      org: {type: text, required: true, ref: orgs}\n"
                                    "      bonus: integer\n"
                                    "entity: {input: orgs}\n"
                                    "measures:\n"
                                    "  total: \"score + sum(notes, bonus)\"\n"
                                    "  low: {rank: total}\n"
                                    "  high: {rank: total, order: descending}\n"
                                    "  place: {rank: total, within: town}\n"
                                    "  n: {group_size: place}\n"
                                    "  pct: {percentile: place}\n"
                                    "  last: \"n > 1 and place = 1\"\n"
                                    "levels:\n"
                                    "  - id: last\n"
                                    "    any: [last]\n"
                                    "output: {columns: [org, total, low, high, place, n, pct]}\n";

typedef tu_got got;

typedef struct run_state {
    got rows[1536];
    int n;
    char diags[2048];
    int rc;
} run_state;

static int collect(void *ctx, const rf_result *r)
{
    run_state *s = ctx;
    tu_fill(&s->rows[s->n++], r, false);
    return 0;
}

/* Run `src` over orgs (and notes, if given; and a third input `extra`). */
static const run_state *run_pack(const char *src, const char *orgs, const char *notes,
                                 const char *extra, const char *extra_csv)
{
    rf_diags *d = rf_diags_new();
    rf_pack *p = NULL;
    assert_int_equal(rf_pack_load_mem("rk.yaml", src, strlen(src), &p, d), 0);
    rf_input in[3] = {{"orgs", tu_put("o.csv", orgs), NULL, 0}};
    size_t nin = 1;
    if (notes)
        in[nin++] = (rf_input){"notes", tu_put("n.csv", notes), NULL, 0};
    if (extra)
        in[nin++] = (rf_input){extra, tu_put("x.csv", extra_csv), NULL, 0};
    rf_run_options o = RF_RUN_OPTIONS_INIT;
    o.year = 2025;
    static run_state s;
    memset(&s, 0, sizeof s);
    o.on_result = collect;
    o.ctx = &s;
    s.rc = rf_run(p, &o, in, nin, NULL, NULL, NULL, d);
    for (size_t i = 0; i < rf_diags_count(d); i++) {
        strncat(s.diags, rf_diags_get(d, i)->message, sizeof s.diags - strlen(s.diags) - 2);
        strcat(s.diags, "\n");
    }
    rf_pack_free(p);
    rf_diags_free(d);
    return &s;
}

static const run_state *run(const char *orgs, const char *notes)
{
    return run_pack(pack_src, orgs, notes, NULL, NULL);
}

static const char *const orgs_csv = "org,town,score\n"
                                    "a1,A,80\n"
                                    "a2,A,70\n"
                                    "a3,A,70\n"
                                    "a4,A,90\n"
                                    "b1,B,60\n"
                                    "c1,C,\n"
                                    "c2,C,50\n"
                                    "d1,,40\n";

/* Fields: org|total|low|high|place|n|pct|last| */
static void check_ranks(const run_state *s)
{
    assert_int_equal(s->rc, 0);
    assert_int_equal(s->n, 8);
    /* ascending over all: 40 50 60 70 70 80 90 -> d1 1, c2 2, b1 3, a2/a3 4, a1 6, a4 7 */
    assert_string_equal(s->rows[0].fields, "a1|80|6|2|3|4|0.75|false|");
    assert_string_equal(s->rows[1].fields, "a2|70|4|3|1|4|0.25|true|");
    assert_string_equal(s->rows[2].fields, "a3|70|4|3|1|4|0.25|true|");
    assert_string_equal(s->rows[3].fields, "a4|90|7|1|4|4|1|false|");
    /* a group of one: ranked first and last at once; no last place */
    assert_string_equal(s->rows[4].fields, "b1|60|3|5|1|1|1|false|");
    assert_string_equal(s->rows[4].level, "none");
    /* no score: not ranked, but its group still has a size (those ranked) */
    assert_string_equal(s->rows[5].fields, "c1|||||1||false|");
    assert_string_equal(s->rows[6].fields, "c2|50|2|6|1|1|1|false|");
    /* no group: ranked over all, not within a group */
    assert_string_equal(s->rows[7].fields, "d1|40|1|7|||||");
    assert_string_equal(s->rows[1].level, "last");
    assert_string_equal(s->rows[2].level, "last");
    assert_string_equal(s->rows[0].level, "none");
}

static void test_ties_groups_and_missing_streamed(void **state)
{
    (void)state;
    const run_state *s = run(orgs_csv, NULL);
    check_ranks(s);
    assert_string_equal(s->rows[7].reasons,
                        "last: not evaluated: last (not ranked by place: town is missing (town: "
                        "town is empty)); ");
}

static void test_entity_state_shape_agrees(void **state)
{
    (void)state;
    /* Bonuses of 0 keep the totals; the notes make it the entity-state shape. */
    const run_state *s = run(orgs_csv, "org,bonus\na1,0\nb1,0\n");
    check_ranks(s);
}

static void test_missing_value_says_why(void **state)
{
    (void)state;
    const run_state *s = run("org,town,score\nx,T,\ny,T,5\nz,T,6\n", NULL);
    assert_int_equal(s->rc, 0);
    /* n counts the entities ranked: those with a value */
    assert_string_equal(s->rows[0].fields, "x|||||2|||");
    assert_string_equal(s->rows[1].fields, "y|5|1|2|1|2|0.5|true|");
    assert_string_equal(s->rows[0].reasons, "last: not evaluated: last (not ranked by place: total "
                                            "is missing (score: score is empty)); ");
}

static void test_empty_ranking_is_said(void **state)
{
    (void)state;
    const run_state *s = run("org,town,score\nx,T,\ny,T,\n", NULL);
    assert_int_equal(s->rc, 0);
    assert_int_equal(s->n, 2);
    assert_string_equal(s->rows[0].fields, "x|||||0||false|");
    assert_non_null(strstr(s->diags, "ranking 'low' is empty: no entity has a value for total, so "
                                     "every rank is missing"));
    assert_non_null(strstr(s->diags, "ranking 'place' is empty: no entity has a value for total "
                                     "(ranked within town)"));
}

static void test_no_entities(void **state)
{
    (void)state;
    const run_state *s = run("org,town,score\n", NULL);
    assert_int_equal(s->rc, 0);
    assert_int_equal(s->n, 0);
    assert_null(strstr(s->diags, "empty"));
}

static void test_rejected_rows_skipped_on_second_read(void **state)
{
    (void)state;
    /* A short row and a duplicate are rejected once; the rows after them
     * still get their own ranks on the second read. */
    const run_state *s = run("org,town,score\nx,T,3\nbad\nx,T,9\ny,T,1\n", NULL);
    assert_int_equal(s->rc, 0); /* rejects are not a failed run */
    assert_int_equal(s->n, 2);
    assert_string_equal(s->rows[0].fields, "x|3|2|1|2|2|1|false|");
    assert_string_equal(s->rows[1].fields, "y|1|1|2|1|2|0.5|true|");
}

/* Many entities, values with many ties, sorted, reversed and shuffled
 * orders: every rank equals 1 + the number of smaller (larger) values in
 * its group, counted the slow way. */
static void test_many_match_counting(void **state)
{
    (void)state;
    enum { N = 1500 };
    static int val[N], grp[N];
    for (int shape = 0; shape < 3; shape++) {
        char *csv = malloc(N * 32 + 64);
        size_t o = (size_t)sprintf(csv, "org,town,score\n");
        unsigned x = 12345;
        for (int i = 0; i < N; i++) {
            x = x * 1103515245u + 12345u;
            val[i] = shape == 0 ? i / 3 : shape == 1 ? (N - i) / 2 : (int)(x >> 16) % 97;
            grp[i] = shape == 2 ? (int)(x >> 8) % 5 : i % 3;
            o += (size_t)sprintf(csv + o, "o%d,T%d,%d\n", i, grp[i], val[i]);
        }
        const run_state *s = run(csv, NULL);
        free(csv);
        assert_int_equal(s->rc, 0);
        assert_int_equal(s->n, N);
        for (int i = 0; i < N; i++) {
            int low = 1, high = 1, place = 1, n = 0;
            for (int j = 0; j < N; j++) {
                low += val[j] < val[i];
                high += val[j] > val[i];
                place += grp[j] == grp[i] && val[j] < val[i];
                n += grp[j] == grp[i];
            }
            char want[128];
            snprintf(want, sizeof want, "o%d|%d|%d|%d|%d|%d|", i, val[i], low, high, place, n);
            assert_memory_equal(s->rows[i].fields, want, strlen(want));
        }
    }
}

static void expect_pack_error(const char *measures, const char *msg)
{
    char src[2048];
    snprintf(src, sizeof src,
             "rosterflag: 1\n"
             "pack: {id: rk, version: \"2\", title: {zh: 排名, en: ranks}}\n"
             "inputs:\n"
             "  orgs:\n"
             "    key: org\n"
             "    columns:\n"
             "      org: {type: text, required: true}\n"
             "      town: text\n"
             "      score: decimal\n"
             "entity: {input: orgs}\n"
             "measures:\n%s"
             "levels:\n"
             "  - id: x\n"
             "    any: [\"score > 0\"]\n",
             measures);
    rf_diags *d = rf_diags_new();
    rf_pack *p = NULL;
    assert_int_equal(rf_pack_load_mem("bad.yaml", src, strlen(src), &p, d), -1);
    bool found = false;
    for (size_t i = 0; i < rf_diags_count(d); i++)
        found = found || strstr(rf_diags_get(d, i)->message, msg) != NULL;
    if (!found)
        for (size_t i = 0; i < rf_diags_count(d); i++)
            fprintf(stderr, "got: %s\n", rf_diags_get(d, i)->message);
    assert_true(found);
    rf_diags_free(d);
}

static void test_pack_errors(void **state)
{
    (void)state;
    expect_pack_error("  r: {rank: town}\n", "'rank' needs a number, a date or an enumeration");
    expect_pack_error("  r: {rank: score, order: upward}\n", "order 'upward' is not known");
    expect_pack_error("  r: {rank: score, within: score}\n",
                      "'within' groups entities by a value, and 'score' is a decimal");
    expect_pack_error("  r: {rank: score}\n  s: {group_size: rr}\n",
                      "'group_size' needs a rank measure (one with 'rank:'), and 'rr' is not one "
                      "(did you mean 'r'?)");
    expect_pack_error("  r: {rank: score}\n  s: {expr: r, rank: score}\n",
                      "measure 's' needs exactly one of expr, rank, group_size or percentile");
    expect_pack_error("  r: {expr: score, within: town}\n",
                      "'order' and 'within' belong to a measure with 'rank:'");
    expect_pack_error("  r: {rank: score}\n  s: {rank: r}\n",
                      "measure 's' ranks by a value that needs a ranking itself ('r')");
    expect_pack_error("  r: {rank: r}\n", "depends on itself");
}

/* A previous period's results, read back. */
static const char *const prev_src = "rosterflag: 1\n"
                                    "pack: {id: rk, version: \"2\", title: {zh: 排名, en: ranks}}\n"
                                    "inputs:\n"
                                    "  orgs:\n"
                                    "    key: org\n"
                                    "    columns:\n"
                                    "      org: {type: text, required: true}\n"
                                    "      score: decimal\n"
                                    "  previous:\n"
                                    "    optional: true\n"
                                    "    results: true\n"
                                    "    columns:\n"
                                    "      org: {type: text, required: true, ref: orgs}\n"
                                    "      level: text\n"
                                    "      pack: text\n"
                                    "entity: {input: orgs}\n"
                                    "measures:\n"
                                    "  place: {rank: score}\n"
                                    "  before: \"any(previous, level = 'last')\"\n"
                                    "levels:\n"
                                    "  - id: twice\n"
                                    "    all: [\"place = 1\", before]\n"
                                    "  - id: last\n"
                                    "    any: [\"place = 1\"]\n"
                                    "output: {columns: [org, score, place]}\n";

static void test_previous_results(void **state)
{
    (void)state;
    const char *orgs = "org,score\nx,1\ny,2\n";
    const run_state *s = run_pack(prev_src, orgs, NULL, "previous",
                                  "org,score,place,level,level_label,reasons,pack\n"
                                  "x,3,1,last,last,,rk@2\n");
    assert_int_equal(s->rc, 0);
    assert_string_equal(s->rows[0].level, "twice");
    assert_string_equal(s->rows[1].level, "none");
    /* another version of the same pack: read, with a warning */
    s = run_pack(prev_src, orgs, NULL, "previous", "org,level,pack\nx,last,rk@1\ny,none,rk@1\n");
    assert_int_equal(s->rc, 0);
    assert_string_equal(s->rows[0].level, "twice");
    assert_non_null(strstr(s->diags, "results written by rk@1, read by rk@2"));
    /* a key the CSV writer made inert ('-x) reads back as the key it was */
    s = run_pack(prev_src, "org,score\n-x,1\ny,2\n", NULL, "previous",
                 "org,level,pack\n'-x,last,rk@2\n");
    assert_int_equal(s->rc, 0);
    assert_string_equal(s->rows[0].level, "twice");
    /* another pack: every row is rejected, naming the pack */
    s = run_pack(prev_src, orgs, NULL, "previous", "org,level,pack\nx,last,other@2\n");
    assert_int_equal(s->rc, 0);
    assert_string_equal(s->rows[0].level, "last");
    assert_non_null(strstr(s->diags,
                           "row rejected: written by pack 'other@2', not by rk@2: results "
                           "read back must come from a run of the same pack"));
    /* results keyed by another column: the header lacks this pack's key */
    rf_diags *d = rf_diags_new();
    rf_pack *p = NULL;
    assert_int_equal(rf_pack_load_mem("rk.yaml", prev_src, strlen(prev_src), &p, d), 0);
    rf_input in[2] = {
        {"orgs", tu_put("o.csv", orgs), NULL, 0},
        {"previous", tu_put("x.csv", "member_id,level,pack\nx,last,rk@2\n"), NULL, 0}};
    assert_int_equal(rf_run(p, NULL, in, 2, NULL, NULL, NULL, d), -1);
    assert_non_null(strstr(rf_diags_get(d, 0)->message, "org"));
    rf_pack_free(p);
    rf_diags_free(d);
}

static void test_results_input_needs_pack_column(void **state)
{
    (void)state;
    const char *src = "rosterflag: 1\n"
                      "pack: {id: rk, version: \"2\", title: {zh: 排名, en: ranks}}\n"
                      "inputs:\n"
                      "  orgs:\n"
                      "    key: org\n"
                      "    columns: {org: text}\n"
                      "  previous:\n"
                      "    results: true\n"
                      "    columns: {level: text}\n"
                      "entity: {input: orgs}\n"
                      "levels:\n"
                      "  - id: x\n"
                      "    any: [\"count(previous) > 0\"]\n";
    rf_diags *d = rf_diags_new();
    rf_pack *p = NULL;
    assert_int_equal(rf_pack_load_mem("bad.yaml", src, strlen(src), &p, d), -1);
    char all[2048] = "";
    for (size_t i = 0; i < rf_diags_count(d); i++) {
        strncat(all, rf_diags_get(d, i)->message, sizeof all - strlen(all) - 2);
        strcat(all, "\n");
    }
    assert_non_null(strstr(all, "so it needs a column 'pack'"));
    assert_non_null(strstr(all, "must refer to the entity input (ref:)"));
    rf_diags_free(d);
}

static int setup(void **state)
{
    (void)state;
    return tu_mkdir("test-rank");
}

static int teardown(void **state)
{
    (void)state;
    return tu_rmdir();
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_ties_groups_and_missing_streamed),
        cmocka_unit_test(test_entity_state_shape_agrees),
        cmocka_unit_test(test_missing_value_says_why),
        cmocka_unit_test(test_empty_ranking_is_said),
        cmocka_unit_test(test_no_entities),
        cmocka_unit_test(test_rejected_rows_skipped_on_second_read),
        cmocka_unit_test(test_many_match_counting),
        cmocka_unit_test(test_pack_errors),
        cmocka_unit_test(test_previous_results),
        cmocka_unit_test(test_results_input_needs_pack_column),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
