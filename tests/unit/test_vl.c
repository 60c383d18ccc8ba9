/* Unit tests for vl: dates, parsing CSV cells, formatting, equality. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <float.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "ar.h"
#include "vl.h"

static const vl_type T_INT = {VL_INT, NULL};
static const vl_type T_DEC = {VL_DEC, NULL};
static const vl_type T_DATE = {VL_DATE, NULL};
static const vl_type T_BOOL = {VL_BOOL, NULL};
static const vl_type T_TEXT = {VL_TEXT, NULL};

static const char *const edu_canon[] = {"小学", "初中", "高中", "大专", "本科"};
static const char *const edu_labels[] = {"小学", "初中", "高中", "中专",
                                         "职高", "大专", "专科", "本科"};
static const int edu_level[] = {0, 1, 2, 2, 2, 3, 3, 4};
static const vl_enum edu = {"education", 5, edu_canon, 8, edu_labels, edu_level};

static int32_t ymd(int y, int m, int d)
{
    return vl_days_from_ymd(y, m, d);
}

static void test_type_names(void **state)
{
    (void)state;
    vl_type e = {VL_ENUM, &edu};
    assert_string_equal(vl_type_name(T_INT), "integer");
    assert_string_equal(vl_type_name(T_DEC), "decimal");
    assert_string_equal(vl_type_name(T_DATE), "date");
    assert_string_equal(vl_type_name(T_BOOL), "boolean");
    assert_string_equal(vl_type_name(T_TEXT), "text");
    assert_string_equal(vl_type_name(e), "education");
}

static void test_days(void **state)
{
    (void)state;
    assert_int_equal(ymd(1970, 1, 1), 0);
    assert_int_equal(ymd(1970, 1, 2), 1);
    assert_int_equal(ymd(1969, 12, 31), -1);
    assert_int_equal(ymd(2000, 3, 1), 11017);
    assert_int_equal(ymd(2025, 3, 5), 20152);
    assert_int_equal(ymd(1, 1, 1), -719162);
    assert_int_equal(ymd(9999, 12, 31), 2932896);
    /* round trip over the whole range, one day in 7 plus every leap day */
    for (int32_t d = ymd(1, 1, 1); d <= ymd(9999, 12, 31); d += 7) {
        int y, m, dd;
        vl_ymd_from_days(d, &y, &m, &dd);
        assert_true(vl_ymd_valid(y, m, dd));
        assert_int_equal(ymd(y, m, dd), d);
    }
    int y, m, d;
    vl_ymd_from_days(ymd(2024, 2, 29), &y, &m, &d);
    assert_int_equal(y, 2024);
    assert_int_equal(m, 2);
    assert_int_equal(d, 29);
    assert_int_equal(ymd(2024, 3, 1) - ymd(2024, 2, 28), 2);
    assert_int_equal(ymd(2100, 3, 1) - ymd(2100, 2, 28), 1);
    assert_int_equal(ymd(2000, 3, 1) - ymd(2000, 2, 28), 2);
}

static void test_valid(void **state)
{
    (void)state;
    assert_true(vl_ymd_valid(2024, 2, 29));
    assert_false(vl_ymd_valid(2025, 2, 29));
    assert_false(vl_ymd_valid(1900, 2, 29));
    assert_true(vl_ymd_valid(2000, 2, 29));
    assert_false(vl_ymd_valid(2025, 4, 31));
    assert_false(vl_ymd_valid(2025, 13, 1));
    assert_false(vl_ymd_valid(2025, 0, 1));
    assert_false(vl_ymd_valid(0, 1, 1));
    assert_false(vl_ymd_valid(10000, 1, 1));
}

static void test_full_years(void **state)
{
    (void)state;
    int32_t b = ymd(2000, 2, 29);
    assert_int_equal(vl_full_years(b, ymd(2025, 2, 28)), 24);
    assert_int_equal(vl_full_years(b, ymd(2025, 3, 1)), 25);
    assert_int_equal(vl_full_years(b, ymd(2024, 2, 28)), 23);
    assert_int_equal(vl_full_years(b, ymd(2024, 2, 29)), 24);
    assert_int_equal(vl_full_years(ymd(1980, 6, 15), ymd(2025, 6, 14)), 44);
    assert_int_equal(vl_full_years(ymd(1980, 6, 15), ymd(2025, 6, 15)), 45);
    assert_int_equal(vl_full_years(ymd(2025, 1, 1), ymd(2025, 1, 1)), 0);
    assert_int_equal(vl_full_years(ymd(2025, 6, 15), ymd(1980, 6, 15)), -45);
}

/* vl_full_years as it was before vl_ymd_pack: both dates turned back into
 * year, month and day by vl_ymd_from_days. */
static int64_t full_years_ref(int32_t from, int32_t to)
{
    if (to < from)
        return -full_years_ref(to, from);
    int fy, fm, fd, ty, tm, td;
    vl_ymd_from_days(from, &fy, &fm, &fd);
    vl_ymd_from_days(to, &ty, &tm, &td);
    return ty - fy - (tm < fm || (tm == fm && td < fd));
}

/* The packed year, month and day of every day vl handles are
 * vl_ymd_from_days's, and an age from them is the old function's, against
 * as_of dates at the ends of the range, around 29 February and at a year's
 * ends. */
static void test_ymd_pack_every_day(void **state)
{
    (void)state;
    assert_int_equal(ymd(1, 1, 1), VL_DAY_MIN);
    assert_int_equal(ymd(9999, 12, 31), VL_DAY_MAX);
    const int32_t as_of[] = {ymd(1, 1, 1),     ymd(1, 3, 1),      ymd(1970, 1, 1),
                             ymd(2000, 2, 29), ymd(2024, 2, 28),  ymd(2025, 2, 28),
                             ymd(2025, 3, 1),  ymd(2025, 12, 31), ymd(9999, 12, 31)};
    enum { NAS = sizeof as_of / sizeof as_of[0] };
    uint32_t as_pack[NAS];
    for (int k = 0; k < NAS; k++)
        as_pack[k] = vl_ymd_pack(as_of[k]);
    long bad = 0;
    for (int32_t d = VL_DAY_MIN; d <= VL_DAY_MAX; d++) {
        int y, m, dd;
        vl_ymd_from_days(d, &y, &m, &dd);
        uint32_t p = vl_ymd_pack(d);
        if (p == 0 || vl_ymd_year(p) != y || vl_ymd_month(p) != m || vl_ymd_day(p) != dd) {
            if (!bad++)
                print_error("day %d: %d-%d-%d, packed %d-%d-%d\n", (int)d, y, m, dd, vl_ymd_year(p),
                            vl_ymd_month(p), vl_ymd_day(p));
            continue;
        }
        for (int k = 0; k < NAS; k++) {
            int64_t want = full_years_ref(d, as_of[k]);
            int64_t got = d <= as_of[k] ? vl_full_years_ymd(p, as_pack[k])
                                        : -vl_full_years_ymd(as_pack[k], p);
            if (got != want || vl_full_years(d, as_of[k]) != want ||
                vl_full_years(as_of[k], d) != -want) {
                if (!bad++)
                    print_error("years from day %d to %d: %lld, want %lld\n", (int)d, (int)as_of[k],
                                (long long)got, (long long)want);
            }
        }
    }
    assert_int_equal(bad, 0);
    /* out of the range, the old way */
    assert_int_equal(vl_full_years(VL_DAY_MIN - 400, VL_DAY_MAX + 400),
                     full_years_ref(VL_DAY_MIN - 400, VL_DAY_MAX + 400));
}

/* ---- parsing ---- */

/* The label index finds every label at its level, by its exact bytes, and
 * nothing else: labels of 1-3 bytes, 4-7, 8-16 and longer (where the first
 * and last eight bytes are not the whole label), a label listed twice
 * (the first wins, as in parse_enum), near misses of each. */
static void test_enum_index(void **state)
{
    (void)state;
    static const char *const labels[] = {"a",
                                         "abc",
                                         "abcd",
                                         "bb",
                                         "b2",
                                         "本科",
                                         "大学本科",
                                         "abcdefgh",
                                         "abcdefghijklmnop",
                                         "abcdefghijklmnopq",
                                         "在职研究生课程班学员",
                                         "在职研究生进修班学员",
                                         "x",
                                         "abc"};
    static const int level[] = {0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 6, 7, 8, 9};
    static const char *const canon[] = {"a",
                                        "abc",
                                        "bb",
                                        "本科",
                                        "abcdefgh",
                                        "abcdefghijklmnopq",
                                        "在职研究生课程班学员",
                                        "在职研究生进修班学员",
                                        "x",
                                        "?"};
    const vl_enum en = {"grade", 10, canon, 14, labels, level};
    ar_arena *a = ar_new();
    const vl_enum_ix *ix = vl_enum_index(a, &en);
    for (int k = 0; k < 13; k++)
        assert_int_equal(vl_enum_find(ix, labels[k], strlen(labels[k])), level[k]);
    assert_int_equal(vl_enum_find(ix, "abc", 3), 1); /* the first "abc" */
    static const char *const misses[] = {"",
                                         "A",
                                         "b",
                                         "ab",
                                         "abce",
                                         "bbb",
                                         "本",
                                         "本科本科",
                                         "大学本",
                                         "abcdefgi",
                                         "abcdefghijklmnoq",
                                         "abcdefghXjklmnopq",
                                         "abcdefghijklmnopqr",
                                         "bcdefghijklmnopq",
                                         "在职研究生学员",
                                         "在职研究生进修班学生",
                                         " a",
                                         "a ",
                                         "本科\xE3\x80\x80"};
    for (size_t k = 0; k < sizeof misses / sizeof misses[0]; k++)
        if (vl_enum_find(ix, misses[k], strlen(misses[k])) != -1)
            fail_msg("'%s' found", misses[k]);
    /* a cell is read in place: bytes after it are not part of it */
    assert_int_equal(vl_enum_find(ix, "abcdefghijklmnopqXYZ", 17), 5);
    assert_int_equal(vl_enum_find(ix, "本科生", 6), 3);
    /* many labels: the table grows, every one is still found */
    const char *many[300];
    int many_level[300];
    char(*buf)[16] = ar_alloc(a, 300 * sizeof *buf);
    for (int k = 0; k < 300; k++) {
        snprintf(buf[k], sizeof buf[k], "L%d", k * 7);
        many[k] = buf[k];
        many_level[k] = k;
    }
    const vl_enum big = {"big", 300, many, 300, many, many_level};
    const vl_enum_ix *bix = vl_enum_index(a, &big);
    for (int k = 0; k < 300; k++)
        assert_int_equal(vl_enum_find(bix, many[k], strlen(many[k])), k);
    assert_int_equal(vl_enum_find(bix, "L1", 2), -1);
    ar_free(a);
}

static vl_value parse_ok(vl_type t, const char *s)
{
    vl_value v;
    char err[256] = "untouched";
    bool ok = vl_parse(t, s, strlen(s), &v, err, sizeof err);
    if (!ok)
        fail_msg("vl_parse(%s, '%s') failed: %s", vl_type_name(t), s, err);
    return v;
}

static void parse_bad(vl_type t, const char *s, const char *reason)
{
    vl_value v;
    char err[256] = "";
    bool ok = vl_parse(t, s, strlen(s), &v, err, sizeof err);
    if (ok)
        fail_msg("vl_parse(%s, '%s') accepted it", vl_type_name(t), s);
    assert_string_equal(err, reason);
}

static void test_parse_int(void **state)
{
    (void)state;
    static const struct {
        const char *s;
        int64_t v;
    } good[] = {
        {"12", 12},
        {"  12\t", 12},
        {"+7", 7},
        {"-7", -7},
        {"0", 0},
        {"007", 7},
        {"１２", 12},
        {"－３", -3},
        {"＋３", 3},
        {"\xE3\x80\x80"
         "42"
         "\xE3\x80\x80",
         42},
        {"9223372036854775807", INT64_MAX},
        {"-9223372036854775808", INT64_MIN},
    };
    for (size_t i = 0; i < sizeof good / sizeof good[0]; i++) {
        vl_value v = parse_ok(T_INT, good[i].s);
        assert_int_equal(v.kind, VL_INT);
        assert_int_equal(v.u.i, good[i].v);
    }
    parse_bad(T_INT, "12分", "not an integer: '12分' (unexpected '分' after the number)");
    parse_bad(T_INT, "1,200", "not an integer: '1,200' (thousands separators are not accepted)");
    parse_bad(T_INT, "5%",
              "not an integer: '5%' (a percent sign is not accepted; the pack says what unit "
              "a column has)");
    parse_bad(T_INT, "1.5", "not an integer: '1.5' (a fraction where a whole number is expected)");
    parse_bad(T_INT, "abc", "not an integer: 'abc'");
    parse_bad(T_INT, "-", "not an integer: '-'");
    parse_bad(T_INT, "1 2", "not an integer: '1 2' (unexpected ' 2' after the number)");
    parse_bad(T_INT, "9223372036854775808", "integer out of range: '9223372036854775808'");
    parse_bad(T_INT, "-9223372036854775809", "integer out of range: '-9223372036854775809'");
    parse_bad(T_INT, "99999999999999999999999", "integer out of range: '99999999999999999999999'");
}

static void test_parse_dec(void **state)
{
    (void)state;
    static const struct {
        const char *s;
        double v;
    } good[] = {
        {"0.5", 0.5}, {"56.333", 56.333}, {"-1.25", -1.25},   {"3", 3.0},    {".5", 0.5},
        {"5.", 5.0},  {"１２.５", 12.5},  {"１２．５", 12.5}, {"+0.1", 0.1}, {" 0.3 ", 0.3},
    };
    for (size_t i = 0; i < sizeof good / sizeof good[0]; i++) {
        vl_value v = parse_ok(T_DEC, good[i].s);
        assert_int_equal(v.kind, VL_DEC);
        assert_true(v.u.d == good[i].v);
    }
    parse_bad(T_DEC, "5%",
              "not a decimal: '5%' (a percent sign is not accepted; the pack says what unit a "
              "column has)");
    parse_bad(T_DEC, "1,200.5", "not a decimal: '1,200.5' (thousands separators are not accepted)");
    parse_bad(T_DEC, "12分", "not a decimal: '12分' (unexpected '分' after the number)");
    parse_bad(T_DEC, "1e5", "not a decimal: '1e5' (exponents are not accepted)");
    parse_bad(T_DEC, ".", "not a decimal: '.'");
    parse_bad(T_DEC, "1.2.3", "not a decimal: '1.2.3' (unexpected '.3' after the number)");
    parse_bad(T_DEC, "nan", "not a decimal: 'nan'");
}

static void test_parse_date(void **state)
{
    (void)state;
    static const char *const forms[] = {"2025-03-05",     "2025/3/5",     "2025.3.5",
                                        "2025年3月5日",   "20250305",     " 2025-3-05 ",
                                        "2025年03月05日", "2025年3月5号", "２０２５-０３-０５"};
    for (size_t i = 0; i < sizeof forms / sizeof forms[0]; i++) {
        vl_value v = parse_ok(T_DATE, forms[i]);
        assert_int_equal(v.kind, VL_DATE);
        assert_int_equal(v.u.date, ymd(2025, 3, 5));
    }
    /* a year and month alone, as 出生年月 is written: the month's first day */
    static const char *const months[] = {"1968.05", "1968.5", "1968年5月",    "1968-05",
                                         "196805",  "1968/5", "１９６８.０５"};
    for (size_t i = 0; i < sizeof months / sizeof months[0]; i++)
        assert_int_equal(parse_ok(T_DATE, months[i]).u.date, ymd(1968, 5, 1));
    assert_int_equal(parse_ok(T_DATE, "1968.1").u.date, ymd(1968, 1, 1)); /* January */
    parse_bad(T_DATE, "1968.13", "no such date: '1968.13' (there is no month 13)");
    parse_bad(T_DATE, "196813", "no such date: '196813' (there is no month 13)");
    parse_bad(T_DATE, "1968年5", "not a date: '1968年5' (expected a form like 2025-03-05)");
    assert_int_equal(parse_ok(T_DATE, "2024-02-29").u.date, ymd(2024, 2, 29));
    assert_int_equal(parse_ok(T_DATE, "0001-01-01").u.date, ymd(1, 1, 1));
    parse_bad(T_DATE, "2025-02-30", "no such date: '2025-02-30' (February 2025 has 28 days)");
    parse_bad(T_DATE, "2025-02-29", "no such date: '2025-02-29' (February 2025 has 28 days)");
    parse_bad(T_DATE, "20250431", "no such date: '20250431' (April 2025 has 30 days)");
    parse_bad(T_DATE, "2025-13-01", "no such date: '2025-13-01' (there is no month 13)");
    parse_bad(T_DATE, "0000-01-01", "no such date: '0000-01-01' (years run from 1 to 9999)");
    parse_bad(T_DATE, "2025-3/5", "not a date: '2025-3/5' (expected a form like 2025-03-05)");
    parse_bad(T_DATE, "25-3-5", "not a date: '25-3-5' (expected a form like 2025-03-05)");
    parse_bad(T_DATE, "2025-03-05 10:00",
              "not a date: '2025-03-05 10:00' (expected a form like 2025-03-05)");
    parse_bad(T_DATE, "yesterday", "not a date: 'yesterday' (expected a form like 2025-03-05)");
    parse_bad(T_DATE, "2025-003-05", "not a date: '2025-003-05' (expected a form like 2025-03-05)");
}

static void test_parse_bool_text_enum(void **state)
{
    (void)state;
    static const char *const yes[] = {"true", "TRUE", "Yes", "1", "是", "y", "Y"};
    static const char *const no[] = {"false", "False", "NO", "0", "否", "n", "N"};
    for (size_t i = 0; i < sizeof yes / sizeof yes[0]; i++) {
        vl_value v = parse_ok(T_BOOL, yes[i]);
        assert_int_equal(v.kind, VL_BOOL);
        assert_true(v.u.b);
        v = parse_ok(T_BOOL, no[i]);
        assert_int_equal(v.kind, VL_BOOL);
        assert_false(v.u.b);
    }
    parse_bad(T_BOOL, "maybe",
              "not a boolean: 'maybe' (expected true/false, yes/no, 1/0, 是/否 or Y/N)");

    vl_value t = parse_ok(T_TEXT, " \xE3\x80\x80张三 ");
    assert_int_equal(t.kind, VL_TEXT);
    assert_int_equal(t.n, strlen("张三"));
    assert_memory_equal(t.u.p, "张三", t.n);

    vl_type te = {VL_ENUM, &edu};
    vl_value e = parse_ok(te, " 专科 ");
    assert_int_equal(e.kind, VL_ENUM);
    assert_int_equal(e.ord, 3);
    assert_ptr_equal(e.u.en, &edu);
    assert_int_equal(parse_ok(te, "职高").ord, 2);
    parse_bad(te, "大学",
              "not a label of education: '大学' (expected one of 小学, 初中, 高中, 中专, 职高, "
              "大专, 专科, 本科)");
    parse_bad(
        te, "本科 学历",
        "not a label of education: '本科 学历' (expected one of 小学, 初中, 高中, 中专, 职高, "
        "大专, 专科, 本科)");
}

static void test_parse_empty(void **state)
{
    (void)state;
    static const char *const empties[] = {"", "   ", "\t", "\xE3\x80\x80", " \xE3\x80\x80 "};
    vl_type types[] = {T_INT, T_DEC, T_DATE, T_BOOL, T_TEXT, {VL_ENUM, &edu}};
    for (size_t i = 0; i < sizeof empties / sizeof empties[0]; i++) {
        for (size_t k = 0; k < sizeof types / sizeof types[0]; k++) {
            vl_value v = {.kind = VL_INT, .u.why = "x"};
            char err[64] = "";
            assert_true(vl_parse(types[k], empties[i], strlen(empties[i]), &v, err, sizeof err));
            assert_int_equal(v.kind, VL_MISSING);
            assert_null(v.u.why);
            assert_string_equal(err, "");
        }
    }
}

static void test_parse_long_and_small_buffer(void **state)
{
    (void)state;
    char big[400];
    memset(big, '7', sizeof big - 1);
    big[sizeof big - 1] = '\0';
    char err[256];
    vl_value v;
    assert_false(vl_parse(T_INT, big, strlen(big), &v, err, sizeof err));
    assert_non_null(strstr(err, "integer out of range: '7777"));
    assert_non_null(strstr(err, "...'"));
    assert_false(vl_parse(T_DEC, big, strlen(big), &v, err, sizeof err));
    assert_non_null(strstr(err, "decimal out of range: '7777"));
    char huge[700];
    memset(huge, '7', sizeof huge - 1);
    huge[sizeof huge - 1] = '\0';
    assert_false(vl_parse(T_INT, huge, strlen(huge), &v, err, sizeof err));
    assert_non_null(strstr(err, "not an integer: '7777"));
    assert_non_null(strstr(err, "...' (too long)"));
    char tiny[8];
    assert_false(vl_parse(T_DATE, "2025-02-30", 10, &v, tiny, sizeof tiny));
    assert_string_equal(tiny, "no such");
    assert_false(vl_parse(T_DATE, "2025-02-30", 10, &v, NULL, 0));
}

/* ---- formatting ---- */

static const char *fmt(vl_value v)
{
    static char buf[64];
    size_t n = vl_format(v, buf, sizeof buf);
    assert_int_equal(n, strlen(buf));
    return buf;
}

static void test_format(void **state)
{
    (void)state;
    assert_string_equal(fmt(vl_dec(56.333)), "56.33");
    assert_string_equal(fmt(vl_dec(0.5)), "0.5");
    assert_string_equal(fmt(vl_dec(3.0)), "3");
    assert_string_equal(fmt(vl_dec(-0.001)), "0");
    assert_string_equal(fmt(vl_dec(-0.0)), "0");
    assert_string_equal(fmt(vl_dec(-2.5)), "-2.5");
    assert_string_equal(fmt(vl_dec(2.675)), "2.68");
    assert_string_equal(fmt(vl_dec(0.125)), "0.13");
    assert_string_equal(fmt(vl_dec(1.005)), "1.01");
    assert_string_equal(fmt(vl_dec(1234567.891)), "1234567.89");
    assert_string_equal(fmt(vl_dec(99.999)), "100");
    assert_string_equal(fmt(vl_int(-42)), "-42");
    assert_string_equal(fmt(vl_int(INT64_MIN)), "-9223372036854775808");
    assert_string_equal(fmt(vl_bool(true)), "true");
    assert_string_equal(fmt(vl_bool(false)), "false");
    assert_string_equal(fmt(vl_date(ymd(2025, 3, 5))), "2025-03-05");
    assert_string_equal(fmt(vl_date(ymd(1, 1, 1))), "0001-01-01");
    assert_string_equal(fmt(vl_text("张三", strlen("张三"))), "张三");
    assert_string_equal(fmt(vl_enumv(&edu, 3)), "大专");
    assert_string_equal(fmt(vl_missing("x is empty")), "");

    char small[5];
    assert_int_equal(vl_format(vl_int(123456), small, sizeof small), 4);
    assert_string_equal(small, "1234");
    /* never a half character at the cut: 张 is 3 bytes */
    assert_int_equal(vl_format(vl_text("张三", 6), small, sizeof small), 3);
    assert_string_equal(small, "张");
    assert_int_equal(vl_format(vl_int(1), small, 0), 0);
}

static void test_round(void **state)
{
    (void)state;
    assert_true(vl_round(2.5, 0) == 3.0);
    assert_true(vl_round(-2.5, 0) == -3.0);
    assert_true(vl_round(2.675, 2) == 2.68);
    assert_true(vl_round(1234.5, -2) == 1200.0);
    assert_true(vl_round(0.333333, 3) == 0.333);
}

static void test_equal(void **state)
{
    (void)state;
    assert_true(vl_equal(vl_int(3), vl_int(3)));
    assert_false(vl_equal(vl_int(3), vl_int(4)));
    assert_true(vl_equal(vl_int(3), vl_dec(3.0)));
    assert_false(vl_equal(vl_int(3), vl_text("3", 1)));
    assert_true(vl_equal(vl_text("ab", 2), vl_text("abc", 2)));
    assert_false(vl_equal(vl_text("ab", 2), vl_text("abc", 3)));
    assert_true(vl_equal(vl_text("", 0), vl_text(NULL, 0)));
    assert_true(vl_equal(vl_enumv(&edu, 2), vl_enumv(&edu, 2)));
    assert_false(vl_equal(vl_enumv(&edu, 2), vl_enumv(&edu, 3)));
    assert_true(vl_equal(vl_date(5), vl_date(5)));
    assert_true(vl_equal(vl_bool(false), vl_bool(false)));
    assert_false(vl_equal(vl_missing("a"), vl_missing("a")));
    assert_false(vl_equal(vl_missing("a"), vl_int(0)));
}

/* One rule for telling keys apart (derived entities and their groups, a
 * ranking's groups): the same kind and an equal value, and equal keys hash
 * alike; -0 and 0 are one value. */
static void test_same_key(void **state)
{
    (void)state;
    const vl_value pairs[][2] = {
        {vl_dec(-0.0), vl_dec(0.0)},
        {vl_dec(2.5), vl_dec(2.5)},
        {vl_int(7), vl_int(7)},
        {vl_text("ab", 2), vl_text("abc", 2)},
        {vl_text("", 0), vl_text(NULL, 0)},
        {vl_date(5), vl_date(5)},
        {vl_enumv(&edu, 2), vl_enumv(&edu, 2)},
        {vl_bool(true), vl_bool(true)},
    };
    for (size_t i = 0; i < sizeof pairs / sizeof pairs[0]; i++) {
        assert_true(vl_same(pairs[i][0], pairs[i][1]));
        assert_true(vl_hash(pairs[i][0], 1) == vl_hash(pairs[i][1], 1));
    }
    assert_false(vl_same(vl_int(3), vl_dec(3.0))); /* one column has one kind */
    assert_false(vl_same(vl_dec(0.5), vl_dec(-0.5)));
    assert_false(vl_same(vl_text("a", 1), vl_text("b", 1)));
    assert_false(vl_same(vl_enumv(&edu, 2), vl_enumv(&edu, 3)));
    assert_false(vl_same(vl_int(0), vl_bool(false)));
    assert_true(vl_hash(vl_dec(0.5), 1) != vl_hash(vl_dec(-0.5), 1));
    assert_true(vl_hash(vl_int(1), 1) != vl_hash(vl_bool(true), 1));
}

/* Decimals and dates are written by hand; they must read exactly as
 * printf's "%.2f" (trailing zeros dropped, "-0" as "0") and "%04d-%02d-%02d"
 * did, on every magnitude and at the ties vl_round decides. */
static size_t printf_dec(double x, char *tmp)
{
    double r = vl_round(x, 2);
    int k;
    if (!isfinite(r))
        return (size_t)snprintf(tmp, 64, "%s", isnan(r) ? "nan" : r > 0 ? "inf" : "-inf");
    k = snprintf(tmp, 64, "%.2f", r);
    if (k < 0 || k >= 64)
        return (size_t)snprintf(tmp, 64, "%.6g", r);
    while (k > 0 && tmp[k - 1] == '0')
        k--;
    if (k > 0 && tmp[k - 1] == '.')
        k--;
    tmp[k] = '\0';
    if (!strcmp(tmp, "-0")) {
        strcpy(tmp, "0");
        k = 1;
    }
    return (size_t)k;
}

/* vl_round as it was written with pow for every number of digits: the
 * table of powers it now reads must round exactly the same. */
static double round_with_pow(double x, int digits)
{
    if (!isfinite(x) || digits > 15 || digits < -15)
        return x;
    double f = pow(10.0, digits);
    double y = x * f;
    if (!isfinite(y))
        return x;
    double t = trunc(y);
    double frac = fabs(y - t);
    double r;
    if (fabs(frac - 0.5) <= 64 * DBL_EPSILON * fmax(1.0, fabs(y)))
        r = t + copysign(1.0, y);
    else
        r = round(y);
    return r / f;
}

/* A decimal as vl_format wrote it through vl_round and printf: "%.2f" of
 * the rounded value, trailing zeros and point dropped, "-0" as "0". */
static void format_ref(double x, char *buf, size_t cap)
{
    int k = snprintf(buf, cap, "%.2f", vl_round(x, 2));
    while (k > 0 && buf[k - 1] == '0')
        k--;
    if (k > 0 && buf[k - 1] == '.')
        k--;
    buf[k] = '\0';
    if (!strcmp(buf, "-0"))
        strcpy(buf, "0");
}

/* vl_format's decimals (rounded without libm, cents kept) are what
 * vl_round and printf give: halves as written (2.675, -0.125), thirds,
 * signs, zeros, the edges of the quick way (|x| near 1e13) and of the
 * hand-written digits (1e12), and a million pseudo-random values of every
 * magnitude. */
static void test_format_decimal(void **state)
{
    (void)state;
    char got[64], want[64];
    const double fixed[] = {0.0,
                            -0.0,
                            2.675,
                            -2.675,
                            0.125,
                            -0.125,
                            1.005,
                            1.0 / 3,
                            -2.0 / 3,
                            56.333,
                            0.295,
                            0.5,
                            -0.5,
                            0.005,
                            -0.005,
                            0.0049999,
                            999999999999.995,
                            -999999999999.995,
                            1e12,
                            -1e12,
                            9.99999999999e12,
                            1e13,
                            -1e13,
                            1e15,
                            123456789.125,
                            4503599627370.495,
                            1e-300,
                            -1e-300};
    for (size_t i = 0; i < sizeof fixed / sizeof fixed[0]; i++) {
        vl_format(vl_dec(fixed[i]), got, sizeof got);
        format_ref(fixed[i], want, sizeof want);
        if (strcmp(got, want) != 0)
            fail_msg("%.17g: '%s', want '%s'", fixed[i], got, want);
    }
    uint64_t s = 88172645463325252u;
    for (int i = 0; i < 1000000; i++) {
        s ^= s << 13;
        s ^= s >> 7;
        s ^= s << 17;
        double x = (double)(int64_t)(s >> 11) / (double)(1ull << (s % 60));
        if (s & 1)
            x = (double)(int64_t)(s % 2000000001) / 1000.0 - 1000000.0 + 0.005 * (double)(s >> 60);
        vl_format(vl_dec(x), got, sizeof got);
        format_ref(x, want, sizeof want);
        if (strcmp(got, want) != 0)
            fail_msg("%.17g: '%s', want '%s'", x, got, want);
    }
}

static void test_round_table(void **state)
{
    (void)state;
    uint64_t seed = 7;
    for (int i = 0; i < 200000; i++) {
        seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
        int digits = (int)(seed >> 59) - 16; /* -16 .. 15 */
        double unit = (double)(seed >> 11) / 9007199254740992.0;
        double x = (unit - 0.5) * pow(10.0, (double)((seed >> 3) % 24) - 6);
        if (i % 3 == 0)
            x = (double)(int64_t)(seed >> 44) / 2000.0; /* ties */
        double a = vl_round(x, digits), b = round_with_pow(x, digits);
        if (memcmp(&a, &b, sizeof a) != 0)
            fail_msg("vl_round(%.17g, %d) = %.17g, with pow %.17g", x, digits, a, b);
    }
}

static void test_format_by_hand(void **state)
{
    (void)state;
    char got[64], want[64];
    uint64_t seed = 20251231;
    for (int i = 0; i < 400000; i++) {
        seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
        double x;
        int mag = (int)(seed >> 59); /* 0..31 */
        double unit = (double)(seed >> 11) / 9007199254740992.0;
        switch (i % 4) {
        case 0: /* anything from 1e-4 to 1e14 */
            x = unit * pow(10.0, mag / 2 - 4);
            break;
        case 1: /* cents and half cents, where rounding ties live */
            x = (double)(int64_t)(seed >> 40) / 200.0;
            break;
        case 2: /* around the hand-written range's bound (1e12) and past it */
            x = i % 8 == 2 ? 1e12 * (0.999 + unit * 0.002) : pow(10.0, 11.0 + 6.0 * unit);
            break;
        default: /* ratios like a share or an average */
            x = (double)(seed >> 54) / (double)((seed >> 44 & 1023) + 1);
            break;
        }
        if (seed & 1)
            x = -x;
        size_t n = vl_format(vl_dec(x), got, sizeof got);
        size_t m = printf_dec(x, want);
        if (n != m || strcmp(got, want) != 0)
            fail_msg("%.17g: by hand '%s', printf '%s'", x, got, want);
    }
    const double edge[] = {0.0,   -0.0,  0.004,    -0.004,    0.005, -0.005, 0.015,
                           1.005, 2.675, 99.995,   -99.995,   1e12,  -1e12,  999999999999.99,
                           1e300, NAN,   INFINITY, -INFINITY, 5e-324};
    for (size_t i = 0; i < sizeof edge / sizeof edge[0]; i++) {
        vl_format(vl_dec(edge[i]), got, sizeof got);
        printf_dec(edge[i], want);
        assert_string_equal(got, want);
    }
    for (int32_t day = -719162; day <= 2932896; day += 97) {
        int y, m, d;
        vl_ymd_from_days(day, &y, &m, &d);
        snprintf(want, sizeof want, "%04d-%02d-%02d", y, m, d);
        vl_format(vl_date(day), got, sizeof got);
        assert_string_equal(got, want);
    }
    /* a short buffer still cuts as before */
    assert_int_equal(vl_format(vl_dec(1234.5), got, 4), 3);
    assert_string_equal(got, "123");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_type_names),
        cmocka_unit_test(test_days),
        cmocka_unit_test(test_valid),
        cmocka_unit_test(test_full_years),
        cmocka_unit_test(test_ymd_pack_every_day),
        cmocka_unit_test(test_enum_index),
        cmocka_unit_test(test_format_decimal),
        cmocka_unit_test(test_parse_int),
        cmocka_unit_test(test_parse_dec),
        cmocka_unit_test(test_parse_date),
        cmocka_unit_test(test_parse_bool_text_enum),
        cmocka_unit_test(test_parse_empty),
        cmocka_unit_test(test_parse_long_and_small_buffer),
        cmocka_unit_test(test_format),
        cmocka_unit_test(test_round),
        cmocka_unit_test(test_equal),
        cmocka_unit_test(test_same_key),
        cmocka_unit_test(test_format_by_hand),
        cmocka_unit_test(test_round_table),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
