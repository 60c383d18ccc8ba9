/* fuzz_csv: the bytes are a CSV file streamed through a fixed pack.
 *
 * The pack (embedded below) has an entity input `members` (key, a date, an
 * enum, count columns added by a tally's from_columns) and a related, dated
 * input `events` (ref, period date, code feeding two tallies, a decimal
 * with a range, a boolean, an enum); measures with aggregates of several
 * kinds; two levels.
 *
 * Mode byte: if the first byte is a control byte (0x00-0x1F other than tab,
 * LF and CR) it is consumed and selects:
 *   bit 0    0: the bytes are the events file (members fixed below)
 *            1: the bytes are the members file (year-end sheet, no events)
 *   bits 1-2 encoding: 0 auto, 1 "utf-8", 2 "gb18030", 3 auto
 *   bit 3    JSON lines instead of CSV
 *   bit 4    explain entity M0001, and stop after 3 rejects
 * Otherwise (plain CSV text) the bytes are the events file, auto encoding.
 *
 * The bytes go to a per-process file under /tmp (the engine reads paths).
 * Output, rejects and explanations go to /dev/null, opened once.
 *
 * Checks beyond the sanitizers: for every input, rows == used + outside +
 * rejected (documented in rf_input_stats); a failed run reports an error;
 * every result string is readable; and for the input that is the bytes,
 * when it has no multi-line cell, header + rows read + blank lines equals
 * the records counted apart in fz_count_records (a stray quote once
 * swallowed the lines after it); and a year-end sheet, or an events file
 * (read by workers, folded on the main thread), gives the same bytes on 3
 * workers in tiny pieces as on one thread (fz_check_threads). */
#include "fz_run.h"
#include "rosterflag.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

static const char pack_yaml[] =
    "rosterflag: 1\n"
    "pack:\n"
    "  id: fuzz-csv\n"
    "  version: \"0.0.1\"\n"
    "  title: {zh: 模糊测试, en: fuzz pack}\n"
    "constants:\n"
    "  start_points: 12\n"
    "  bonus_cap: 4\n"
    "  reminder_at: 6\n"
    "enums:\n"
    "  grade:\n"
    "    - [低, low]\n"
    "    - [中, mid]\n"
    "    - [高, high]\n"
    "period:\n"
    "  unit: year\n"
    "inputs:\n"
    "  members:\n"
    "    title: {zh: 名册, en: roster}\n"
    "    key: member_id\n"
    "    columns:\n"
    "      member_id: {type: text, names: [编号, member_id], required: true}\n"
    "      name:      {type: text, names: [姓名, name], required: true}\n"
    "      birth:     {type: date, names: [出生日期, birth]}\n"
    "      grade:     {type: grade, names: [等级, grade]}\n"
    "      hours:     {type: integer, names: [时长, hours], range: [0, 1000]}\n"
    "  events:\n"
    "    title: {zh: 台账, en: ledger}\n"
    "    optional: true\n"
    "    period: date\n"
    "    columns:\n"
    "      member_id: {type: text, names: [编号, member_id], required: true, ref: members}\n"
    "      date:      {type: date, names: [日期, date], required: true}\n"
    "      code:      {type: text, names: [代码, code], required: true}\n"
    "      amount:    {type: decimal, names: [金额, amount], range: [-100, 100.5]}\n"
    "      ok:        {type: boolean, names: [合格, ok]}\n"
    "      grade:     {type: grade, names: [等级, grade]}\n"
    "      note:      {type: text, names: [备注, note]}\n"
    "entity:\n"
    "  input: members\n"
    "  label: {zh: 成员, en: member}\n"
    "catalogues:\n"
    "  deductions:\n"
    "    fields: {points: integer, all_points: boolean}\n"
    "    items:\n"
    "      - {code: D01, name: {zh: 未报到, en: did not report}, points: 2}\n"
    "      - {code: D02, name: {zh: 缺席, en: absent}, points: 1}\n"
    "      - {code: F01, name: {zh: 受处罚, en: punished}, points: 12, all_points: true}\n"
    "  bonuses:\n"
    "    fields: {points: integer}\n"
    "    items:\n"
    "      - {code: B01, name: {zh: 冲锋在前, en: charged ahead}, points: 3}\n"
    "      - {code: B02, name: {zh: 表彰, en: commended}}\n"
    "tallies:\n"
    "  deducted:\n"
    "    catalogue: deductions\n"
    "    weight: points\n"
    "    sign: \"-\"\n"
    "    from_rows: {input: events, code: code}\n"
    "    from_columns: {input: members, names: [\"{code}\", \"{zh}\"]}\n"
    "  bonus:\n"
    "    catalogue: bonuses\n"
    "    weight: points\n"
    "    sign: \"+\"\n"
    "    cap: bonus_cap\n"
    "    from_rows: {input: events, code: code}\n"
    "    from_columns: {input: members, names: [\"{code}\", \"{en}\"]}\n"
    "measures:\n"
    "  all_points_hit: \"any(deducted, all_points)\"\n"
    "  score:\n"
    "    expr: \"if all_points_hit then 0 else clamp(start_points - deducted + bonus, 0, "
    "start_points)\"\n"
    "    label: {zh: 得分, en: score}\n"
    "  n_events: \"count(events)\"\n"
    "  n_ok: \"count(events where ok)\"\n"
    "  total: \"sum(events, amount)\"\n"
    "  mean: \"avg(events, amount where code in ['D01', 'D02'])\"\n"
    "  lo: \"min(events, date)\"\n"
    "  hi: \"max(events, amount)\"\n"
    "  share_ok: \"share(events, ok)\"\n"
    "  all_ok: \"all(events, ok where not missing(amount))\"\n"
    "  top_grade: \"pick(events, grade where amount > 50)\"\n"
    "  age: \"years_between(birth, as_of)\"\n"
    "  late_days: \"days_between(coalesce(lo, period_start), as_of)\"\n"
    "  ratio: \"round(total / max(n_events, 1), 2)\"\n"
    "  ded_total: \"deducted\"\n"
    "  bonus_total: \"bonus\"\n"
    "levels:\n"
    "  - id: red\n"
    "    label: {zh: 红, en: red}\n"
    "    any:\n"
    "      - \"score = 0\"\n"
    "      - {when: \"grade >= '高' and share_ok < 0.5\", reason: 高等级合格率低}\n"
    "      - \"top_grade = '中'\"\n"
    "  - id: yellow\n"
    "    label: {zh: 黄, en: yellow}\n"
    "    all: [\"score <= reminder_at\", \"age > 30 or missing(age)\", \"not all_ok or ratio < "
    "-1.5\"]\n"
    "output:\n"
    "  columns: [member_id, name, score, ded_total, bonus_total, n_events, mean, top_grade]\n";

static const char members_csv[] = "\xEF\xBB\xBF编号,姓名,出生日期,等级,时长,D01,B01\r\n"
                                  "M0001,田丽,1999-10-07,高,10,0,1\r\n"
                                  "M0002,赵宇,1964/2/29,低,,1,0\r\n"
                                  "M0003,\"苏,仕林\",,中,0,,\r\n"
                                  "M0004,金美玲,1994年10月7日,low,1000,0,5\r\n"
                                  "M0005,x,20000101,,3,2,2\r\n";

static FILE *devnull;
static rf_pack *pack;
static char path_bytes[128], path_members[128];

static void fz_fail(const char *what)
{
    fprintf(stderr, "fuzz_csv: contract violated: %s\n", what);
    abort();
}

static void fz_touch(const char *s)
{
    if (!s)
        fz_fail("NULL string where a string was promised");
    fwrite(s, 1, strlen(s), devnull);
}

static void fz_write(const char *path, const void *p, size_t n)
{
    FILE *f = fopen(path, "wb");
    if (!f || (n && fwrite(p, 1, n, f) != n) || fclose(f) != 0) {
        fprintf(stderr, "fuzz_csv: cannot write %s\n", path);
        abort();
    }
}

static void fz_cleanup(void)
{
    unlink(path_bytes);
    unlink(path_members);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    if (!(devnull = fopen("/dev/null", "w")))
        abort();
    long pid = (long)getpid();
    snprintf(path_bytes, sizeof path_bytes, "/tmp/rosterflag-fuzz-csv-%ld-input.csv", pid);
    snprintf(path_members, sizeof path_members, "/tmp/rosterflag-fuzz-csv-%ld-members.csv", pid);
    fz_write(path_members, members_csv, sizeof members_csv - 1);
    atexit(fz_cleanup);
    rf_diags *d = rf_diags_new();
    if (rf_pack_load_mem("fuzz-csv.yaml", pack_yaml, sizeof pack_yaml - 1, &pack, d) != 0) {
        fprintf(stderr, "fuzz_csv: the embedded pack does not load:\n");
        for (size_t i = 0; i < rf_diags_count(d); i++)
            rf_diag_format(rf_diags_get(d, i), stderr);
        abort();
    }
    rf_diags_free(d);
    return 0;
}

static int fz_result(void *ctx, const rf_result *r)
{
    (void)ctx;
    fz_touch(r->key);
    fz_touch(r->level);
    fz_touch(r->level_label);
    fz_touch(r->detail);
    for (size_t i = 0; i < r->nfields; i++) {
        fz_touch(r->names[i]);
        fz_touch(r->values[i]);
    }
    for (size_t i = 0; i < r->nreasons; i++)
        fz_touch(r->reasons[i]);
    return 0;
}

typedef struct fz_out {
    char *out, *rej, *diags;
    size_t outn, rejn, diagsn;
    rf_summary sum;
    int rc;
} fz_out;

static void fz_run_to(const rf_input *in, size_t nin, rf_format fmt, uint64_t max_rejects,
                      int threads, size_t chunk, fz_out *r)
{
    memset(r, 0, sizeof *r);
    FILE *out = open_memstream(&r->out, &r->outn);
    FILE *rej = open_memstream(&r->rej, &r->rejn);
    FILE *dg = open_memstream(&r->diags, &r->diagsn);
    if (!out || !rej || !dg)
        abort();
    rf_diags *d = rf_diags_new();
    rf_run_options o = RF_RUN_OPTIONS_INIT;
    o.year = 2025;
    o.format = fmt;
    o.max_rejects = max_rejects;
    o.threads = threads;
    o.chunk_bytes = chunk;
    r->rc = rf_run(pack, &o, in, nin, out, rej, &r->sum, d);
    for (size_t i = 0; i < rf_diags_count(d); i++)
        rf_diag_format(rf_diags_get(d, i), dg);
    rf_diags_free(d);
    fclose(out);
    fclose(rej);
    fclose(dg);
}

/* The input that is the bytes (in[nin - 1]: a year-end sheet, or the
 * events beside the fixed members) read on several workers, in pieces of a
 * few bytes (an edge at nearly every record), gives what one thread gives,
 * byte for byte: results, rejects report, diagnostics and the summary's
 * counts. */
static void fz_check_threads(const rf_input *in, size_t nin, rf_format fmt, uint64_t max_rejects,
                             size_t size)
{
    fz_out a, b;
    fz_run_to(in, nin, fmt, max_rejects, 1, 0, &a);
    fz_run_to(in, nin, fmt, max_rejects, 3, 1 + size % 13, &b);
    bool same = a.rc == b.rc && a.outn == b.outn && memcmp(a.out, b.out, a.outn) == 0 &&
                a.rejn == b.rejn && memcmp(a.rej, b.rej, a.rejn) == 0 &&
                strcmp(a.diags, b.diags) == 0 && a.sum.entities == b.sum.entities &&
                a.sum.undecided == b.sum.undecided;
    for (size_t i = 0; i < nin; i++) {
        const rf_input_stats *x = &a.sum.inputs[i], *y = &b.sum.inputs[i];
        same = same && x->rows == y->rows && x->used == y->used && x->outside == y->outside &&
               x->rejected == y->rejected && x->blank == y->blank && x->problems == y->problems;
    }
    if (!same)
        fz_fail("3 workers wrote other results, rejects, diagnostics or counts than 1");
    free(a.out);
    free(a.rej);
    free(a.diags);
    free(b.out);
    free(b.rej);
    free(b.diags);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!pack)
        LLVMFuzzerInitialize(NULL, NULL);
    unsigned mode = 0;
    if (size > 0 && data[0] < 0x20 && data[0] != '\t' && data[0] != '\n' && data[0] != '\r') {
        mode = data[0];
        data++;
        size--;
    }
    static const char *const encodings[] = {NULL, "utf-8", "gb18030", "auto"};
    const char *enc = encodings[(mode >> 1) & 3];
    fz_write(path_bytes, data, size);

    rf_input in[2];
    size_t nin;
    memset(in, 0, sizeof in);
    if (mode & 1) { /* the bytes are the roster itself: year-end sheet */
        in[0] = (rf_input){"members", path_bytes, enc, 0};
        nin = 1;
    } else {
        in[0] = (rf_input){"members", path_members, NULL, 0};
        in[1] = (rf_input){"events", path_bytes, enc, 0};
        nin = 2;
    }

    rf_diags *d = rf_diags_new();
    (void)rf_check_inputs(pack, in, nin, d);
    rf_diags_clear(d);

    rf_run_options o = RF_RUN_OPTIONS_INIT;
    o.year = 2025;
    o.format = (mode & 8) ? RF_FORMAT_JSONL : RF_FORMAT_CSV;
    o.on_result = fz_result;
    if (mode & 16) {
        o.explain = "M0001";
        o.explain_out = devnull;
        o.max_rejects = 3;
    }
    rf_coverage *cov = rf_coverage_new(pack);
    o.coverage = cov;
    rf_summary sum;
    memset(&sum, 0, sizeof sum);
    int rc = rf_run(pack, &o, in, nin, devnull, devnull, &sum, d);
    fz_check_run(rc, d, &sum, !(mode & 16), fz_fail);
    fz_check_records(rc, &sum, path_bytes, data, size, fz_fail);
    for (size_t i = 0; i < rf_diags_count(d); i++)
        rf_diag_format(rf_diags_get(d, i), devnull);
    size_t hit, total;
    rf_coverage_counts(cov, &hit, &total);
    rf_coverage_free(cov);
    rf_diags_free(d);
    fz_check_threads(in, nin, o.format, (mode & 16) ? 3 : 0, size);
    fflush(devnull);
    return 0;
}
