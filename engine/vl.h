/* vl: typed values, and converting CSV text to and from them.
 *
 * A value is 16 bytes, passed by value; text points into memory someone
 * else owns (a row buffer, the pack arena). A missing value carries `why`,
 * a static or arena string naming what is missing (for example the column
 * whose cell was empty), so that a condition that cannot be decided can say
 * which input it lacked instead of silently evaluating to false. */
#ifndef VL_H
#define VL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef enum vl_kind {
    VL_MISSING = 0,
    VL_BOOL,
    VL_INT,  /* int64 */
    VL_DEC,  /* double; "decimal" in the rule language */
    VL_TEXT, /* UTF-8, not NUL-terminated */
    VL_DATE, /* days since 1970-01-01, proleptic Gregorian */
    VL_ENUM, /* ordinal in an ordered enumeration */
} vl_kind;

/* An ordered enumeration: level 0 < level 1 < ...; each level has one or
 * more labels (the first is canonical), all matched exactly after trimming. */
typedef struct vl_enum {
    const char *name;
    int nlevels;
    const char *const *canon; /* [nlevels] canonical label of each level */
    int nlabels;
    const char *const *labels; /* [nlabels] every accepted label */
    const int *label_level;    /* [nlabels] level of each label */
} vl_enum;

/* A static type, as the expression checker and the CSV columns know it.
 * VL_MISSING as a type means "any" (only used for literals and errors). */
typedef struct vl_type {
    vl_kind kind;
    const vl_enum *en; /* for VL_ENUM */
} vl_type;

/* 16 bytes, so that the evaluator returns values in two registers instead
 * of through memory: the tag and a 32-bit side field (text length, enum
 * ordinal) share the first word, the payload takes the second. */
typedef struct vl_value {
    vl_kind kind;
    union {
        uint32_t n;  /* VL_TEXT: length in bytes */
        int32_t ord; /* VL_ENUM: ordinal */
    };
    union {
        bool b;
        int64_t i;
        double d;
        int32_t date;
        const char *p;     /* VL_TEXT */
        const vl_enum *en; /* VL_ENUM */
        const char *why;   /* VL_MISSING: what is missing; never NULL then */
    } u;
} vl_value;

static inline vl_value vl_missing(const char *why)
{
    vl_value v = {.kind = VL_MISSING, .u.why = why ? why : "value missing"};
    return v;
}
static inline vl_value vl_int(int64_t i)
{
    vl_value v = {.kind = VL_INT, .u.i = i};
    return v;
}
static inline vl_value vl_dec(double d)
{
    vl_value v = {.kind = VL_DEC, .u.d = d};
    return v;
}
static inline vl_value vl_bool(bool b)
{
    vl_value v = {.kind = VL_BOOL, .u.b = b};
    return v;
}
static inline vl_value vl_date(int32_t days)
{
    vl_value v = {.kind = VL_DATE, .u.date = days};
    return v;
}
static inline vl_value vl_text(const char *p, size_t n)
{
    vl_value v = {.kind = VL_TEXT, .n = (uint32_t)n, .u.p = p};
    return v;
}
static inline vl_value vl_enumv(const vl_enum *en, int ord)
{
    vl_value v = {.kind = VL_ENUM, .ord = ord, .u.en = en};
    return v;
}

/* Type names as the rule language spells them: "text", "integer",
 * "decimal", "date", "boolean", or the enumeration's name. */
const char *vl_type_name(vl_type t);

/* ---- dates ---- */
bool vl_ymd_valid(int y, int m, int d);
int32_t vl_days_from_ymd(int y, int m, int d);
void vl_ymd_from_days(int32_t days, int *y, int *m, int *d);
/* Full years from `from` to `to` (an age): a birthday on 29 February is
 * reached on 1 March in common years. Negative if to < from. */
int64_t vl_full_years(int32_t from, int32_t to);

/* The days vl handles: 0001-01-01 .. 9999-12-31. */
enum { VL_DAY_MIN = -719162, VL_DAY_MAX = 2932896 };

/* The year, month and day vl_ymd_from_days gives for a day in
 * VL_DAY_MIN..VL_DAY_MAX, packed as y << 9 | m << 5 | d, so that (month,
 * day) pairs compare as the low 9 bits (vl_ymd_md) and an age is a
 * subtraction. Never 0. By multiplications and shifts alone (C. Neri and
 * L. Schneider, "Euclidean affine functions and their application to
 * calendar algorithms", Software: Practice and Experience, 2023): a row's
 * date turned into an age costs a few instructions, not two divisions
 * chains. Every day of the range is checked against vl_ymd_from_days in
 * the unit tests. */
static inline uint32_t vl_ymd_pack(int32_t days)
{
    /* shifted by 82 cycles of 400 years, so that every step is unsigned */
    uint32_t n1 = 4 * (uint32_t)(days + 719468 + 146097 * 82) + 3;
    uint32_t c = n1 / 146097, n2 = n1 % 146097 / 4 * 4 + 3;
    uint64_t p2 = (uint64_t)2939745 * n2;
    uint32_t z = (uint32_t)(p2 >> 32), ny = (uint32_t)p2 / 2939745 / 4;
    uint32_t n3 = 2141 * ny + 197913;
    uint32_t m = n3 >> 16, d = (n3 & 0xFFFF) / 2141 + 1;
    uint32_t jan = ny >= 306; /* January and February end the computational year */
    uint32_t y = 100 * c + z + jan - 400 * 82;
    return y << 9 | (jan ? m - 12 : m) << 5 | d;
}
static inline int vl_ymd_year(uint32_t pack)
{
    return (int)(pack >> 9);
}
static inline int vl_ymd_month(uint32_t pack)
{
    return (int)(pack >> 5 & 15);
}
static inline int vl_ymd_day(uint32_t pack)
{
    return (int)(pack & 31);
}
static inline uint32_t vl_ymd_md(uint32_t pack)
{
    return pack & 511;
}
/* vl_full_years from packed dates, from's not after to's. */
static inline int64_t vl_full_years_ymd(uint32_t from, uint32_t to)
{
    return (int64_t)vl_ymd_year(to) - vl_ymd_year(from) - (vl_ymd_md(to) < vl_ymd_md(from));
}

/* ---- parsing a CSV cell ----
 * Each returns true and sets *out, or returns false and writes a short
 * reason (no trailing period) to err[errcap], e.g. "not a date: '2025-02-30'
 * (February 2025 has 28 days)". Surrounding ASCII spaces, tabs and
 * U+3000 ideographic spaces are trimmed first. An empty cell (after
 * trimming) is not an error: it yields VL_MISSING with why = NULL left for
 * the caller to fill in (vl_parse returns true with out->kind == VL_MISSING). */
bool vl_parse(vl_type t, const char *s, size_t n, vl_value *out, char *err, size_t errcap);

/* Accepted forms, documented in docs/rule-language.md:
 *   integer: [+-]digits; full-width digits (０-９) and sign are normalised;
 *            a thousands separator or unit suffix (12分) is an error.
 *   decimal: integer form with optional .digits; same normalisation; a
 *            trailing % is an error (the pack says what unit a column has).
 *   date:    2025-03-05, 2025/3/5, 2025.3.5, 2025年3月5日, 20250305;
 *            impossible dates (2025-02-30) are errors.
 *   boolean: true/false, yes/no, 1/0, 是/否, Y/N (case-insensitive ASCII).
 *   text:    the trimmed cell.
 *   enum:    one of the labels, exactly, after trimming. */

/* An enumeration's labels indexed for reading cells, built once (when a
 * header is bound) in arena `a`: a lookup hashes the cell's first and last
 * bytes and compares them, as words, with the one label they may be, so a
 * cell costs no strlen and no scan of the labels. vl_enum_find gives the
 * level of the label s[0..n) is exactly (no trimming), or -1: then
 * vl_parse says what is wrong with it, or trims it first. */
typedef struct vl_enum_ix vl_enum_ix;
struct ar_arena;
const vl_enum_ix *vl_enum_index(struct ar_arena *a, const vl_enum *en);
int vl_enum_find(const vl_enum_ix *ix, const char *s, size_t n);

/* ---- formatting ---- *
 * Writes a NUL-terminated rendering into buf (truncating if needed) and
 * returns the length it wrote. Decimals print with at most 2 decimals,
 * trailing zeros removed (56.333 -> "56.33", 0.5 -> "0.5", 3.0 -> "3");
 * dates as YYYY-MM-DD; booleans true/false; enums by canonical label;
 * missing as the empty string. */
size_t vl_format(vl_value v, char *buf, size_t cap);

/* x rounded to `digits` decimal places, halves away from zero, treating a
 * product that lands within a few ulps of .5 as the half it was written as
 * (so 2.675 rounds to 2.68 although its double is 2.67499...). Used by
 * vl_format and the round() function so that both agree. */
double vl_round(double x, int digits);

/* Exact equality for values of the same kind (an integer and a decimal
 * compare by numeric value); missing never equals. */
bool vl_equal(vl_value a, vl_value b);

/* Keys told apart as they read (a derived entity, a group inside one, a
 * ranking's group): the same kind and an equal value (text by its bytes,
 * numbers by value, so -0 and 0 are one, dates by day, enumeration values by
 * level, aliases included); missing is no key. vl_hash goes on from h with
 * the kind and the value, equal for keys vl_same calls the same. */
bool vl_same(vl_value a, vl_value b);
uint64_t vl_hash(vl_value v, uint64_t h);

#endif
