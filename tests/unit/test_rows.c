/* rf_run_options.on_row: each related row that counted, with its items. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "rosterflag.h"

static const char *const src =
    "rosterflag: 1\n"
    "pack: {id: rows, version: \"1\", title: {zh: 行, en: rows}}\n"
    "period: {unit: year}\n"
    "inputs:\n"
    "  people:\n"
    "    key: id\n"
    "    columns: {id: {type: text, required: true}}\n"
    "  events:\n"
    "    period: date\n"
    "    columns:\n"
    "      id: {type: text, required: true, ref: people}\n"
    "      date: {type: date, names: [日期, date], required: true}\n"
    "      code: {type: text, required: true}\n"
    "      note: {type: text, names: [备注, note]}\n"
    "entity: {input: people}\n"
    "catalogues:\n"
    "  c:\n"
    "    fields: {points: integer}\n"
    "    items:\n"
    "      - {code: A, name: {zh: 迟到, en: late}, points: 2}\n"
    "      - {code: B, name: {zh: 缺席, en: absent}, points: 3}\n"
    "tallies:\n"
    "  lost: {catalogue: c, weight: points, sign: \"−\", from_rows: {input: events, code: code}}\n"
    "measures:\n"
    "  score: \"10 - lost\"\n"
    "levels:\n"
    "  - {id: low, label: {zh: 低, en: low}, any: [\"score < 8\"]}\n";

typedef struct seen {
    int n;
    char log[1024];
} seen;

static int on_row(void *ctx, const rf_row *r)
{
    seen *s = ctx;
    size_t o = strlen(s->log);
    snprintf(s->log + o, sizeof s->log - o, "%s %s:%llu %s/%s %s %s %s %s;", r->key, r->input,
             (unsigned long long)r->line, r->labels[1], r->values[1], r->values[3], r->codes[0],
             r->item_names[0], r->effects[0]);
    s->n++;
    return 0;
}

static const char *put(const char *name, const char *text)
{
    static char path[4][256];
    static int k;
    char *p = path[k++ & 3];
    snprintf(p, 256, "%s/rf-rows-%d-%s", getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp",
             (int)getpid(), name);
    FILE *f = fopen(p, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
    return p;
}

static void test_rows_that_counted(void **state)
{
    (void)state;
    rf_diags *d = rf_diags_new();
    rf_pack *p = NULL;
    assert_int_equal(rf_pack_load_mem("rows.yaml", src, strlen(src), &p, d), 0);
    rf_input in[2] = {{"people", put("p.csv", "id\nx\ny\n"), NULL, 0},
                      {"events",
                       put("e.csv", "id,日期,code,备注\n"
                                    "x,2025-03-01,A,早会\n"
                                    "y,2024-12-31,B,去年\n" /* outside 2025 */
                                    "x,2025-05-02,B,例会\n"
                                    "z,2025-05-02,B,无此人\n"), /* rejected */
                       NULL, 0}};
    rf_run_options o = RF_RUN_OPTIONS_INIT;
    o.year = 2025;
    seen s = {0, ""};
    o.on_row = on_row;
    o.ctx = &s;
    rf_summary sum;
    assert_int_equal(rf_run(p, &o, in, 2, NULL, NULL, &sum, d), 0);
    assert_int_equal(s.n, 2);
    assert_string_equal(s.log, "x events:2 日期/2025-03-01 早会 A 迟到 −2;"
                               "x events:4 日期/2025-05-02 例会 B 缺席 −3;");
    assert_int_equal(sum.levels[0].count, 1);
    remove(in[0].path);
    remove(in[1].path);
    rf_pack_free(p);
    rf_diags_free(d);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_rows_that_counted),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
