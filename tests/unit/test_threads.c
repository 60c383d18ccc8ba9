/* The streaming shape on several workers: for every number of workers and
 * every piece size (down to one record a piece, so that piece edges fall on
 * quoted line breaks, stray quotes, rejected rows and duplicates), the
 * results, the rejects report, the diagnostics in their order, the summary
 * and the coverage are byte for byte those of one thread. The entity-state
 * shape likewise, its related input read in pieces: every kind of aggregate,
 * a second pick match (said between the workers' rejects), unknown entities,
 * tallies, rows outside the period, entities made by their first row. */
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

static const char *const pack_src =
    "rosterflag: 1\n"
    "pack: {id: thr, version: \"1\", title: {zh: 测试, en: test}}\n"
    "inputs:\n"
    "  people:\n"
    "    key: id\n"
    "    columns:\n"
    "      id: {type: text, required: true}\n"
    "      name: text\n"
    "      n: {type: integer, range: [0, 99]}\n"
    "      m: {type: integer, invalid: missing}\n"
    "entity: {input: people}\n"
    "measures:\n"
    "  s: \"n + m\"\n"
    "levels:\n"
    "  - {id: high, label: {zh: 高, en: high}, any: [\"s > 60\"]}\n"
    "  - {id: low, label: {zh: 低, en: low}, any: [\"n > 20\", \"m > 50\"]}\n"
    "no_level: {id: fine, label: {zh: 无, en: fine}}\n"
    "flags:\n"
    "  - {id: odd, label: {zh: 奇, en: odd}, any: [\"m > 80\"]}\n"
    "output: {columns: [id, name, s]}\n";

static char dir[256];

/* A sheet with every kind of record the reader treats specially, in an
 * order that a fixed seed makes the same on every run: ids out of order
 * (the duplicate check hashes them), repeats far apart and near, quoted
 * line breaks, doubled quotes, text after a closing quote (a quote there
 * too, then a quoted line break: a scan that took that quote for a doubled
 * one would cut inside the cell), short rows,
 * bad and out-of-range cells, blank lines, a repeated header. */
static const char *make_sheet(const char *name, bool sorted)
{
    static char path[512];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    fputs("id,name,n,m\r\n", f);
    uint32_t x = 12345;
    for (int i = 0; i < 1500; i++) {
        x = x * 1103515245u + 12345u;
        unsigned r = (x >> 16) % 100;
        int id = sorted ? i : (int)((x >> 8) % 1400);
        const char *nm = r < 5    ? "\"two\r\nlines\""
                         : r < 8  ? "\"a \"\"quoted\"\" word\""
                         : r < 10 ? "\"closed\" then text"
                         : r < 11 ? "\"x\"  \"y,\"z\n\""
                         : r < 12 ? "in\"side"
                                  : "plain";
        const char *end = r % 3 ? "\n" : "\r\n";
        if (r == 13)
            fprintf(f, "%d,%s,%u%s", id, nm, r, end); /* short */
        else if (r == 14)
            fprintf(f, "%d,%s,12x,%u%s", id, nm, r, end); /* bad cell: rejected */
        else if (r == 15)
            fprintf(f, "%d,%s,5,bad%s", id, nm, end); /* kept, m missing */
        else
            fprintf(f, "%d,%s,%u,%u%s", id, nm, r, (x >> 4) % 100, end);
        if (r == 16)
            fputs(",,,\n\n  \r\n", f);
        if (i == 700)
            fputs("id,name,n,m\n", f);
    }
    fputs("9999,\"last\",1,2", f); /* no line break at the end */
    assert_int_equal(fclose(f), 0);
    return path;
}

typedef struct outcome {
    char *out, *rej, *diags;
    size_t outn, rejn, diagsn;
    rf_summary sum;
    size_t hit, total;
    int rc;
} outcome;

/* The inputs rf_run gets: the entity-state tests set both. */
static rf_input inputs[2];
static size_t ninputs;

static void run_one(const rf_pack *p, const char *path, const char *enc, int threads, size_t chunk,
                    uint64_t max_rejects, bool with_rejects, outcome *o)
{
    memset(o, 0, sizeof *o);
    FILE *out = open_memstream(&o->out, &o->outn);
    FILE *rej = with_rejects ? open_memstream(&o->rej, &o->rejn) : NULL;
    FILE *dg = open_memstream(&o->diags, &o->diagsn);
    assert_non_null(out);
    assert_non_null(dg);
    rf_diags *d = rf_diags_new();
    rf_coverage *cov = rf_coverage_new(p);
    rf_run_options opt = RF_RUN_OPTIONS_INIT;
    opt.year = 2025;
    opt.threads = threads;
    opt.chunk_bytes = chunk;
    opt.max_rejects = max_rejects;
    opt.coverage = cov;
    rf_input in[] = {{"people", path, enc, 0}};
    if (ninputs)
        o->rc = rf_run(p, &opt, inputs, ninputs, out, rej, &o->sum, d);
    else
        o->rc = rf_run(p, &opt, in, 1, out, rej, &o->sum, d);
    for (size_t i = 0; i < rf_diags_count(d); i++)
        rf_diag_format(rf_diags_get(d, i), dg);
    rf_coverage_counts(cov, &o->hit, &o->total);
    rf_coverage_report(cov, dg);
    fclose(out);
    if (rej)
        fclose(rej);
    fclose(dg);
    rf_coverage_free(cov);
    rf_diags_free(d);
}

static void same(const outcome *a, const outcome *b)
{
    assert_int_equal(a->rc, b->rc);
    assert_int_equal(a->outn, b->outn);
    assert_memory_equal(a->out, b->out, a->outn);
    assert_int_equal(a->rejn, b->rejn);
    if (a->rejn)
        assert_memory_equal(a->rej, b->rej, a->rejn);
    assert_string_equal(a->diags, b->diags);
    assert_int_equal(a->hit, b->hit);
    assert_int_equal(a->total, b->total);
    assert_int_equal(a->sum.ninputs, b->sum.ninputs);
    for (size_t i = 0; i < a->sum.ninputs; i++) {
        const rf_input_stats *x = &a->sum.inputs[i], *y = &b->sum.inputs[i];
        assert_int_equal(x->rows, y->rows);
        assert_int_equal(x->used, y->used);
        assert_int_equal(x->outside, y->outside);
        assert_int_equal(x->rejected, y->rejected);
        assert_int_equal(x->blank, y->blank);
        assert_int_equal(x->problems, y->problems);
        /* A derived entity has no file, so no encoding. */
        assert_string_equal(x->encoding ? x->encoding : "-", y->encoding ? y->encoding : "-");
    }
    assert_int_equal(a->sum.entities, b->sum.entities);
    assert_int_equal(a->sum.undecided, b->sum.undecided);
    for (size_t l = 0; l < a->sum.nlevels; l++)
        assert_int_equal(a->sum.levels[l].count, b->sum.levels[l].count);
    for (size_t f = 0; f < a->sum.nflags; f++) {
        assert_int_equal(a->sum.flags[f].count, b->sum.flags[f].count);
        assert_int_equal(a->sum.flags[f].undecided, b->sum.flags[f].undecided);
    }
}

static void outcome_free(outcome *o)
{
    free(o->out);
    free(o->rej);
    free(o->diags);
}

static void agree(const char *path, const char *enc, uint64_t max_rejects, bool with_rejects)
{
    rf_diags *d = rf_diags_new();
    rf_pack *p = NULL;
    assert_int_equal(rf_pack_load_mem("thr.yaml", pack_src, strlen(pack_src), &p, d), 0);
    outcome one;
    run_one(p, path, enc, 1, 0, max_rejects, with_rejects, &one);
    /* The sheet has what the test is about: rows rejected and kept. */
    assert_true(one.sum.inputs[0].rejected > 10 || max_rejects);
    assert_true(one.sum.inputs[0].problems > 10 || max_rejects);
    static const int threads[] = {2, 3, 8};
    static const size_t chunks[] = {1, 7, 100, 4096, 0};
    for (size_t t = 0; t < sizeof threads / sizeof *threads; t++)
        for (size_t c = 0; c < sizeof chunks / sizeof *chunks; c++) {
            outcome many;
            run_one(p, path, enc, threads[t], chunks[c], max_rejects, with_rejects, &many);
            same(&one, &many);
            outcome_free(&many);
        }
    outcome_free(&one);
    rf_pack_free(p);
    rf_diags_free(d);
}

static void test_unsorted(void **state)
{
    (void)state;
    agree(make_sheet("u.csv", false), NULL, 0, true);
}

static void test_sorted(void **state)
{
    (void)state;
    agree(make_sheet("s.csv", true), NULL, 0, true);
}

static void test_rejects_to_diags(void **state)
{
    (void)state;
    agree(make_sheet("u.csv", false), NULL, 0, false);
}

static void test_max_rejects(void **state)
{
    (void)state;
    const char *path = make_sheet("u.csv", false);
    for (uint64_t m = 1; m < 40; m += 7)
        agree(path, NULL, m, true);
}

static void test_gb18030(void **state)
{
    (void)state;
    /* 名字 (GB18030) in a quoted cell over two lines, and in the header. */
    char path[512];
    snprintf(path, sizeof path, "%s/g.csv", dir);
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    fputs("id,name,n,m\n", f);
    for (int i = 0; i < 300; i++)
        fprintf(f, "%d,%s,%d,%d\n", i * 7 % 290,
                i % 3 ? "\"\xC3\xFB\r\n\xD7\xD6\"" : "\xC3\xFB\xD7\xD6", i % 50, i % 90);
    assert_int_equal(fclose(f), 0);
    rf_diags *d = rf_diags_new();
    rf_pack *p = NULL;
    assert_int_equal(rf_pack_load_mem("thr.yaml", pack_src, strlen(pack_src), &p, d), 0);
    static const char *const encs[] = {"gb18030", NULL};
    for (int e = 0; e < 2; e++) {
        outcome one;
        run_one(p, path, encs[e], 1, 0, 0, true, &one);
        assert_string_equal(one.sum.inputs[0].encoding, "gb18030");
        assert_true(one.sum.inputs[0].rejected > 0);
        for (size_t c = 1; c < 5000; c *= 9) {
            outcome many;
            run_one(p, path, encs[e], 3, c, 0, true, &many);
            same(&one, &many);
            outcome_free(&many);
        }
        outcome_free(&one);
    }
    rf_pack_free(p);
    rf_diags_free(d);
}

/* ---- the entity-state shape --------------------------------------------- */

static const char *const ent_src =
    "rosterflag: 1\n"
    "pack: {id: thre, version: \"1\", title: {zh: 测试, en: test}}\n"
    "period: {unit: year}\n"
    "catalogues:\n"
    "  codes:\n"
    "    fields: {points: integer}\n"
    "    items:\n"
    "      - {code: C1, name: {zh: 一, en: one}, points: 2}\n"
    "      - {code: C2, name: {zh: 二, en: two}, points: 3}\n"
    "inputs:\n"
    "  groups:\n"
    "    key: g\n"
    "    columns:\n"
    "      g: {type: text, required: true}\n"
    "      base: {type: integer, invalid: missing}\n"
    "  rows:\n"
    "    period: date\n"
    "    every_entity: true\n"
    "    columns:\n"
    "      g: {type: text, required: true, ref: groups}\n"
    "      name: text\n"
    "      kind: text\n"
    "      n: {type: integer, range: [0, 99], invalid: missing}\n"
    "      date: {type: date, required: true}\n"
    "      code: {type: text, required: true}\n"
    "entity: {input: groups}\n"
    "tallies:\n"
    "  seen:\n"
    "    catalogue: codes\n"
    "    weight: points\n"
    "    from_rows: {input: rows, code: code}\n"
    "measures:\n"
    "  c: \"count(rows)\"\n"
    "  s: \"sum(rows, n)\"\n"
    "  lo: \"min(rows, n)\"\n"
    "  hi: \"max(rows, n)\"\n"
    "  anyb: \"any(rows, n > 90)\"\n"
    "  allb: \"all(rows, n > 5)\"\n"
    "  sh: \"share(rows, n > 50)\"\n"
    "  av: \"avg(rows, n)\"\n"
    "  pk: \"pick(rows, name where kind = 'head')\"\n"
    "  pn: \"pick(rows, n where kind = 'lead')\"\n"
    "  ds: \"distinct(rows, kind)\"\n"
    "  gm: \"max(rows by kind, count())\"\n"
    "  gx: \"min(rows by name, max(n))\"\n"
    "levels:\n"
    "  - {id: high, label: {zh: 高, en: high}, any: [\"s > 300\", \"seen > 12\"]}\n"
    "  - {id: low, label: {zh: 低, en: low}, any: [\"av > 40\", \"base > 80\"]}\n"
    "flags:\n"
    "  - {id: lone, label: {zh: 单, en: lone}, any: [\"c < 2\"]}\n"
    "output: {columns: [g, c, s, lo, hi, anyb, allb, sh, av, pk, pn, ds, gm, gx, seen]}\n";

/* The same rows, the entity made by the first row that names it. */
static const char *const derived_src =
    "rosterflag: 1\n"
    "pack: {id: thrd, version: \"1\", title: {zh: 测试, en: test}}\n"
    "period: {unit: year}\n"
    "inputs:\n"
    "  rows:\n"
    "    period: date\n"
    "    columns:\n"
    "      g: {type: text, required: true}\n"
    "      name: text\n"
    "      kind: text\n"
    "      n: {type: integer, range: [0, 99], invalid: missing}\n"
    "      date: {type: date, required: true}\n"
    "      code: {type: text, required: true}\n"
    "entity: {from: rows, key: g}\n"
    "measures:\n"
    "  c: \"count(rows)\"\n"
    "  s: \"sum(rows, n)\"\n"
    "  pk: \"pick(rows, name where kind = 'head')\"\n"
    "  ds: \"distinct(rows, kind)\"\n"
    "  gx: \"min(rows by name, max(n))\"\n"
    "levels:\n"
    "  - {id: high, label: {zh: 高, en: high}, any: [\"s > 300\"]}\n"
    "output: {columns: [g, c, s, pk, ds, gx]}\n";

/* Groups g0..g59 (g7 listed twice, g13 with a bad base, g50 on with no
 * rows), and rows over them in no order: unknown groups, bad and
 * out-of-range cells, codes that are no item, rows outside 2025, two heads
 * in some groups, quoted line breaks and doubled quotes, short rows, blank
 * lines, a repeated header. */
static void make_entity_files(const char **gpath, const char **rpath)
{
    static char gp[512], rp[512];
    snprintf(gp, sizeof gp, "%s/eg.csv", dir);
    snprintf(rp, sizeof rp, "%s/er.csv", dir);
    FILE *f = fopen(gp, "wb");
    assert_non_null(f);
    fputs("g,base\n", f);
    for (int i = 0; i < 60; i++)
        fprintf(f, "g%d,%s\n", i, i == 13 ? "x" : i % 9 ? "50" : "90");
    fputs("g7,1\n", f);
    assert_int_equal(fclose(f), 0);
    f = fopen(rp, "wb");
    assert_non_null(f);
    fputs("g,name,kind,n,date,code\r\n", f);
    uint32_t x = 777;
    for (int i = 0; i < 1200; i++) {
        x = x * 1103515245u + 12345u;
        unsigned r = (x >> 16) % 100, g = (x >> 8) % 62;
        const char *nm = r < 5          ? "\"two\r\nlines\""
                         : r < 8        ? "\"a \"\"quoted\"\" word\""
                         : r < 10       ? "\"closed\" then text"
                         : (x >> 4) % 2 ? "ann"
                                        : "bob";
        const char *kind = r % 7 == 0 ? "head" : r % 5 == 0 ? "lead" : r % 2 ? "a" : "b";
        const char *end = r % 3 ? "\n" : "\r\n";
        const char *code = r == 17 ? "C9" : r % 4 ? "C1" : "c2";
        int year = r == 18 || r == 19 ? 2024 : 2025;
        if (r == 11)
            fprintf(f, "g%u,%s,%s%s", g, nm, kind, end); /* short */
        else if (r == 12)
            fprintf(f, "g%u,%s,%s,12x,%d-03-01,C1%s", g, nm, kind, year, end); /* kept */
        else if (r == 14)
            fprintf(f, "g%u,%s,%s,5,2025-13-01,C1%s", g, nm, kind, end); /* bad date */
        else if (r == 15)
            fprintf(f, ",%s,%s,5,2025-01-01,C1%s", nm, kind, end); /* no group */
        else
            fprintf(f, "g%u,%s,%s,%u,%d-%02u-01,%s%s", g, nm, kind, (x >> 3) % 100, year,
                    1 + r % 12, code, end);
        if (r == 16)
            fputs(",,,,,\n\n  \r\n", f);
        if (i == 600)
            fputs("g,name,kind,n,date,code\n", f);
    }
    fputs("g3,\"last\",head,1,2025-12-31,C2", f); /* no line break at the end */
    assert_int_equal(fclose(f), 0);
    *gpath = gp;
    *rpath = rp;
}

static void agree_entity(const char *src, bool derived, uint64_t max_rejects, bool with_rejects)
{
    const char *gp, *rp;
    make_entity_files(&gp, &rp);
    rf_diags *d = rf_diags_new();
    rf_pack *p = NULL;
    assert_int_equal(rf_pack_load_mem("thre.yaml", src, strlen(src), &p, d), 0);
    if (derived) {
        inputs[0] = (rf_input){"rows", rp, NULL, 0};
        ninputs = 1;
    } else {
        inputs[0] = (rf_input){"groups", gp, NULL, 0};
        inputs[1] = (rf_input){"rows", rp, NULL, 0};
        ninputs = 2;
    }
    outcome one;
    run_one(p, NULL, NULL, 1, 0, max_rejects, with_rejects, &one);
    size_t r = derived ? 0 : 1;
    /* The rows have what the test is about. */
    assert_true(one.sum.inputs[r].rejected > 10 || max_rejects);
    assert_true(one.sum.inputs[r].problems > 10 || max_rejects);
    assert_true(one.sum.inputs[r].outside > 10 || max_rejects);
    assert_true(one.sum.entities > 50 || max_rejects);
    static const int threads[] = {2, 3, 8};
    static const size_t chunks[] = {1, 7, 100, 4096, 0};
    for (size_t t = 0; t < sizeof threads / sizeof *threads; t++)
        for (size_t c = 0; c < sizeof chunks / sizeof *chunks; c++) {
            outcome many;
            run_one(p, NULL, NULL, threads[t], chunks[c], max_rejects, with_rejects, &many);
            same(&one, &many);
            outcome_free(&many);
        }
    outcome_free(&one);
    ninputs = 0;
    rf_pack_free(p);
    rf_diags_free(d);
}

static void test_entity(void **state)
{
    (void)state;
    agree_entity(ent_src, false, 0, true);
}

static void test_entity_to_diags(void **state)
{
    (void)state;
    agree_entity(ent_src, false, 0, false);
}

static void test_entity_max_rejects(void **state)
{
    (void)state;
    for (uint64_t m = 1; m < 40; m += 13)
        agree_entity(ent_src, false, m, true);
}

static void test_derived(void **state)
{
    (void)state;
    agree_entity(derived_src, true, 0, true);
}

static int setup(void **state)
{
    (void)state;
    snprintf(dir, sizeof dir, "/tmp/rf_threads_XXXXXX");
    return mkdtemp(dir) ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    static const char *const names[] = {"u.csv", "s.csv", "g.csv", "eg.csv", "er.csv"};
    char path[512];
    for (size_t i = 0; i < sizeof names / sizeof *names; i++) {
        snprintf(path, sizeof path, "%s/%s", dir, names[i]);
        unlink(path);
    }
    return rmdir(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_unsorted),         cmocka_unit_test(test_sorted),
        cmocka_unit_test(test_rejects_to_diags), cmocka_unit_test(test_max_rejects),
        cmocka_unit_test(test_gb18030),          cmocka_unit_test(test_entity),
        cmocka_unit_test(test_entity_to_diags),  cmocka_unit_test(test_entity_max_rejects),
        cmocka_unit_test(test_derived),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
