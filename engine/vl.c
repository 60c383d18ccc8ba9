#include "vl.h"

#include "ar.h"

#include <float.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

const char *vl_type_name(vl_type t)
{
    switch (t.kind) {
    case VL_BOOL:
        return "boolean";
    case VL_INT:
        return "integer";
    case VL_DEC:
        return "decimal";
    case VL_TEXT:
        return "text";
    case VL_DATE:
        return "date";
    case VL_ENUM:
        return t.en && t.en->name ? t.en->name : "enumeration";
    case VL_MISSING:
        break;
    }
    return "missing";
}

/* ---- dates ----
 * Howard Hinnant's civil-from-days algorithms: exact for the whole
 * proleptic Gregorian calendar with no tables and no loops. */

static bool is_leap(int y)
{
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int days_in_month(int y, int m)
{
    static const int dim[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    return m == 2 && is_leap(y) ? 29 : dim[m - 1];
}

bool vl_ymd_valid(int y, int m, int d)
{
    return y >= 1 && y <= 9999 && m >= 1 && m <= 12 && d >= 1 && d <= days_in_month(y, m);
}

int32_t vl_days_from_ymd(int y, int m, int d)
{
    y -= m <= 2;
    int era = (y >= 0 ? y : y - 399) / 400;
    unsigned yoe = (unsigned)(y - era * 400);
    unsigned doy = (153u * (unsigned)(m > 2 ? m - 3 : m + 9) + 2) / 5 + (unsigned)d - 1;
    unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return (int32_t)(era * 146097 + (int)doe - 719468);
}

void vl_ymd_from_days(int32_t days, int *y, int *m, int *d)
{
    int64_t z = (int64_t)days + 719468;
    int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    unsigned doe = (unsigned)(z - era * 146097);
    unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    unsigned mp = (5 * doy + 2) / 153;
    unsigned dd = doy - (153 * mp + 2) / 5 + 1;
    unsigned mm = mp < 10 ? mp + 3 : mp - 9;
    *y = (int)((int64_t)yoe + era * 400 + (mm <= 2));
    *m = (int)mm;
    *d = (int)dd;
}

int64_t vl_full_years(int32_t from, int32_t to)
{
    if (to < from)
        return -vl_full_years(to, from);
    if (from >= VL_DAY_MIN && to <= VL_DAY_MAX)
        return vl_full_years_ymd(vl_ymd_pack(from), vl_ymd_pack(to));
    int fy, fm, fd, ty, tm, td;
    vl_ymd_from_days(from, &fy, &fm, &fd);
    vl_ymd_from_days(to, &ty, &tm, &td);
    int64_t years = ty - fy;
    /* Comparing (month, day) pairs makes a 29 February birthday count on
     * 1 March in common years: (2,28) is still before (2,29). */
    if (tm < fm || (tm == fm && td < fd))
        years--;
    return years;
}

/* ---- parsing ---- */

static void reason(char *err, size_t cap, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;

static void reason(char *err, size_t cap, const char *fmt, ...)
{
    if (!err || !cap)
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err, cap, fmt, ap);
    va_end(ap);
}

/* Length of the longest prefix of s[0..n) that is at most max bytes and does
 * not split a UTF-8 sequence, so quoted cells stay valid UTF-8. */
static size_t utf8_prefix(const char *s, size_t n, size_t max)
{
    if (n <= max)
        return n;
    size_t k = max;
    while (k > 0 && ((unsigned char)s[k] & 0xC0) == 0x80)
        k--;
    return k;
}

/* The cell as quoted in a reason: long cells are cut so a reason stays one
 * readable line. */
typedef struct quoted {
    int n;
    const char *p;
    const char *ell;
} quoted;

static quoted quote(const char *s, size_t n)
{
    size_t k = utf8_prefix(s, n, 40);
    quoted q = {(int)k, s, k < n ? "..." : ""};
    return q;
}

static bool is_space_at(const char *s, size_t n, size_t i, size_t *len)
{
    if (s[i] == ' ' || s[i] == '\t') {
        *len = 1;
        return true;
    }
    /* U+3000 IDEOGRAPHIC SPACE, common in cells typed with a CJK IME */
    if (i + 3 <= n && (unsigned char)s[i] == 0xE3 && (unsigned char)s[i + 1] == 0x80 &&
        (unsigned char)s[i + 2] == 0x80) {
        *len = 3;
        return true;
    }
    return false;
}

static void trim(const char **sp, size_t *np)
{
    const char *s = *sp;
    size_t n = *np, k;
    while (n && is_space_at(s, n, 0, &k)) {
        s += k;
        n -= k;
    }
    for (;;) {
        if (n && (s[n - 1] == ' ' || s[n - 1] == '\t')) {
            n--;
        } else if (n >= 3 && is_space_at(s, n, n - 3, &k) && k == 3) {
            n -= 3;
        } else {
            break;
        }
    }
    *sp = s;
    *np = n;
}

/* Copy s into out as ASCII where a full-width form has an ASCII twin
 * (０-９ U+FF10..FF19, ＋ U+FF0B, － U+FF0D, ． U+FF0E, and U+2212 MINUS
 * SIGN); other bytes are copied as they are. Returns false if the result
 * would not fit, which only happens for cells far too long to be numbers. */
static bool normalise(const char *s, size_t n, char *out, size_t cap, size_t *outn)
{
    size_t o = 0;
    for (size_t i = 0; i < n;) {
        unsigned char c = (unsigned char)s[i];
        char a = 0;
        size_t k = 1;
        if (c == 0xEF && i + 3 <= n && (unsigned char)s[i + 1] == 0xBC) {
            unsigned char t = (unsigned char)s[i + 2];
            if (t >= 0x90 && t <= 0x99)
                a = (char)('0' + (t - 0x90));
            else if (t == 0x8B)
                a = '+';
            else if (t == 0x8D)
                a = '-';
            else if (t == 0x8E)
                a = '.';
            if (a)
                k = 3;
        } else if (c == 0xE2 && i + 3 <= n && (unsigned char)s[i + 1] == 0x88 &&
                   (unsigned char)s[i + 2] == 0x92) {
            a = '-';
            k = 3;
        }
        if (o + 1 >= cap)
            return false;
        out[o++] = a ? a : (char)c;
        i += k;
    }
    out[o] = '\0';
    *outn = o;
    return true;
}

static bool is_digit(char c)
{
    return c >= '0' && c <= '9';
}

/* Explain why a would-be number is not one, naming the usual culprits. */
static void number_reason(const char *what, const char *raw, size_t rawn, const char *s, size_t n,
                          char *err, size_t cap)
{
    quoted q = quote(raw, rawn);
    const char *hint = "";
    char extra[64] = "";
    size_t i = 0;
    if (i < n && (s[i] == '+' || s[i] == '-'))
        i++;
    size_t digits = i;
    bool dot = false;
    while (i < n && (is_digit(s[i]) || (s[i] == '.' && !dot))) {
        dot = dot || s[i] == '.';
        i++;
    }
    if (i > digits && i < n) {
        if (s[i] == ',' && i + 1 < n && is_digit(s[i + 1]))
            hint = " (thousands separators are not accepted)";
        else if (s[i] == '%' && i + 1 == n)
            hint = " (a percent sign is not accepted; the pack says what unit a column has)";
        else if (strchr("eE", s[i]))
            hint = " (exponents are not accepted)";
        else {
            size_t k = utf8_prefix(s + i, n - i, 12);
            snprintf(extra, sizeof extra, " (unexpected '%.*s%s' after the number)", (int)k, s + i,
                     k < n - i ? "..." : "");
            hint = extra;
        }
    } else if (!strcmp(what, "integer") && memchr(s, '.', n) && i == n) {
        hint = " (a fraction where a whole number is expected)";
    }
    reason(err, cap, "not %s %s: '%.*s%s'%s", what[0] == 'i' ? "an" : "a", what, q.n, q.p, q.ell,
           hint);
}

static bool parse_int(const char *raw, size_t rawn, const char *s, size_t n, vl_value *out,
                      char *err, size_t cap)
{
    size_t i = 0;
    bool neg = false;
    if (i < n && (s[i] == '+' || s[i] == '-'))
        neg = s[i++] == '-';
    if (i == n) {
        number_reason("integer", raw, rawn, s, n, err, cap);
        return false;
    }
    /* Accumulate negatively so INT64_MIN parses without overflow. */
    int64_t v = 0;
    for (; i < n; i++) {
        if (!is_digit(s[i])) {
            number_reason("integer", raw, rawn, s, n, err, cap);
            return false;
        }
        int dgt = s[i] - '0';
        if (v < (INT64_MIN + dgt) / 10) {
            quoted q = quote(raw, rawn);
            reason(err, cap, "integer out of range: '%.*s%s'", q.n, q.p, q.ell);
            return false;
        }
        v = v * 10 - dgt;
    }
    if (!neg) {
        if (v == INT64_MIN) {
            quoted q = quote(raw, rawn);
            reason(err, cap, "integer out of range: '%.*s%s'", q.n, q.p, q.ell);
            return false;
        }
        v = -v;
    }
    *out = vl_int(v);
    return true;
}

static bool parse_dec(const char *raw, size_t rawn, const char *s, size_t n, vl_value *out,
                      char *err, size_t cap)
{
    size_t i = 0;
    bool neg = false;
    if (i < n && (s[i] == '+' || s[i] == '-'))
        neg = s[i++] == '-';
    uint64_t mant = 0;
    int exp10 = 0, ndigits = 0, sig = 0;
    bool dot = false;
    for (; i < n; i++) {
        if (s[i] == '.' && !dot) {
            dot = true;
            continue;
        }
        if (!is_digit(s[i]))
            break;
        ndigits++;
        /* Keep 18 significant digits exactly; further ones only scale. */
        if (sig < 18) {
            mant = mant * 10 + (uint64_t)(s[i] - '0');
            if (mant)
                sig++;
            if (dot)
                exp10--;
        } else if (!dot) {
            exp10++;
        }
    }
    if (i != n || ndigits == 0) {
        number_reason("decimal", raw, rawn, s, n, err, cap);
        return false;
    }
    double d = (double)mant;
    /* Dividing by an exact power of ten keeps ordinary cells (56.333)
     * correctly rounded. */
    if (exp10 < 0)
        d /= pow(10.0, -exp10);
    else if (exp10 > 0)
        d *= pow(10.0, exp10);
    if (!isfinite(d)) {
        quoted q = quote(raw, rawn);
        reason(err, cap, "decimal out of range: '%.*s%s'", q.n, q.p, q.ell);
        return false;
    }
    *out = vl_dec(neg ? -d : d);
    return true;
}

/* Read 1..max ASCII digits at s[*i]. */
static bool read_num(const char *s, size_t n, size_t *i, int max, int *v)
{
    int k = 0, x = 0;
    while (*i < n && is_digit(s[*i]) && k < max) {
        x = x * 10 + (s[*i] - '0');
        (*i)++;
        k++;
    }
    if (k == 0 || (*i < n && is_digit(s[*i])))
        return false;
    *v = x;
    return true;
}

static bool match_lit(const char *s, size_t n, size_t *i, const char *lit)
{
    size_t k = strlen(lit);
    if (*i + k > n || memcmp(s + *i, lit, k) != 0)
        return false;
    *i += k;
    return true;
}

static const char *const month_names[12] = {"January",   "February", "March",    "April",
                                            "May",       "June",     "July",     "August",
                                            "September", "October",  "November", "December"};

static bool parse_date(const char *raw, size_t rawn, const char *s, size_t n, vl_value *out,
                       char *err, size_t cap)
{
    int y = 0, m = 0, d = 0;
    bool ok = false;
    size_t i = 0;
    if (n == 8) {
        bool all = true;
        for (size_t k = 0; k < 8; k++)
            all = all && is_digit(s[k]);
        if (all) {
            y = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 + (s[3] - '0');
            m = (s[4] - '0') * 10 + (s[5] - '0');
            d = (s[6] - '0') * 10 + (s[7] - '0');
            ok = true;
        }
    }
    /* A year and month alone (196805, 1968.05, 1968.5, 1968-05, 1968年5月),
     * as cadre rosters write 出生年月, is the month's first day: full years
     * then count from the month, as organisation departments count ages. */
    if (!ok && n == 6) {
        bool all = true;
        for (size_t k = 0; k < 6; k++)
            all = all && is_digit(s[k]);
        if (all) {
            y = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 + (s[3] - '0');
            m = (s[4] - '0') * 10 + (s[5] - '0');
            d = 1;
            ok = true;
        }
    }
    if (!ok && read_num(s, n, &i, 4, &y) && i == 4) {
        if (i < n && (s[i] == '-' || s[i] == '/' || s[i] == '.')) {
            char sep = s[i++];
            ok = read_num(s, n, &i, 2, &m) &&
                 (i == n ? (d = 1, true)
                         : i < n && s[i++] == sep && read_num(s, n, &i, 2, &d) && i == n);
        } else if (match_lit(s, n, &i, "年")) {
            ok = read_num(s, n, &i, 2, &m) && match_lit(s, n, &i, "月");
            if (ok && i == n) {
                d = 1;
            } else if (ok) {
                ok = read_num(s, n, &i, 2, &d);
                if (ok) {
                    if (!match_lit(s, n, &i, "日"))
                        (void)match_lit(s, n, &i, "号");
                    ok = i == n;
                }
            }
        }
    }
    quoted q = quote(raw, rawn);
    if (!ok) {
        reason(err, cap, "not a date: '%.*s%s' (expected a form like 2025-03-05)", q.n, q.p, q.ell);
        return false;
    }
    if (!vl_ymd_valid(y, m, d)) {
        if (y < 1)
            reason(err, cap, "no such date: '%.*s%s' (years run from 1 to 9999)", q.n, q.p, q.ell);
        else if (m < 1 || m > 12)
            reason(err, cap, "no such date: '%.*s%s' (there is no month %d)", q.n, q.p, q.ell, m);
        else
            reason(err, cap, "no such date: '%.*s%s' (%s %d has %d days)", q.n, q.p, q.ell,
                   month_names[m - 1], y, days_in_month(y, m));
        return false;
    }
    *out = vl_date(vl_days_from_ymd(y, m, d));
    return true;
}

static bool ascii_ieq(const char *s, size_t n, const char *lit)
{
    size_t k = strlen(lit);
    if (n != k)
        return false;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (c >= 'A' && c <= 'Z')
            c = (char)(c - 'A' + 'a');
        if (c != lit[i])
            return false;
    }
    return true;
}

static bool parse_bool(const char *s, size_t n, vl_value *out, char *err, size_t cap)
{
    static const char *const yes[] = {"true", "yes", "1", "y", "是"};
    static const char *const no[] = {"false", "no", "0", "n", "否"};
    for (size_t k = 0; k < sizeof yes / sizeof yes[0]; k++) {
        if (ascii_ieq(s, n, yes[k])) {
            *out = vl_bool(true);
            return true;
        }
        if (ascii_ieq(s, n, no[k])) {
            *out = vl_bool(false);
            return true;
        }
    }
    quoted q = quote(s, n);
    reason(err, cap, "not a boolean: '%.*s%s' (expected true/false, yes/no, 1/0, 是/否 or Y/N)",
           q.n, q.p, q.ell);
    return false;
}

static bool parse_enum(const vl_enum *en, const char *s, size_t n, vl_value *out, char *err,
                       size_t cap)
{
    for (int k = 0; en && k < en->nlabels; k++) {
        const char *l = en->labels[k];
        if (strlen(l) == n && memcmp(l, s, n) == 0) {
            *out = vl_enumv(en, en->label_level[k]);
            return true;
        }
    }
    char list[160] = "";
    size_t used = 0;
    for (int k = 0; en && k < en->nlabels && used < 120; k++) {
        int w = snprintf(list + used, sizeof list - used, "%s%s", k ? ", " : "", en->labels[k]);
        if (w < 0)
            break;
        used += (size_t)w;
        if (k + 1 < en->nlabels && used >= 120)
            snprintf(list + used, sizeof list - used, ", ...");
    }
    if (used >= sizeof list)
        used = sizeof list - 1;
    quoted q = quote(s, n);
    reason(err, cap, "not a label of %s: '%.*s%s' (expected one of %s)",
           en && en->name ? en->name : "enumeration", q.n, q.p, q.ell, list);
    return false;
}

/* An enumeration label as vl_enum_find meets it: its length and the words
 * its first and last bytes make (for up to 16 bytes, the whole label). */
typedef struct ix_key {
    uint64_t head, tail;
    uint32_t n;
} ix_key;

struct vl_enum_ix {
    uint32_t mask; /* slots - 1 */
    struct ix_slot {
        ix_key k;
        int32_t level; /* -1: empty */
        const char *label;
    } * slot;
};

static inline ix_key ix_key_of(const char *s, size_t n)
{
    ix_key k = {0, 0, (uint32_t)n};
    if (n >= 8) {
        memcpy(&k.head, s, 8);
        memcpy(&k.tail, s + n - 8, 8);
    } else if (n >= 4) {
        uint32_t h, t;
        memcpy(&h, s, 4);
        memcpy(&t, s + n - 4, 4);
        k.head = h;
        k.tail = t;
    } else {
        for (size_t i = 0; i < n; i++)
            k.head = k.head << 8 | (unsigned char)s[i];
    }
    return k;
}

static inline uint32_t ix_hash(ix_key k, uint32_t mask)
{
    uint64_t h = (k.head * 0x9E3779B97F4A7C15u) ^ (k.tail * 0xC2B2AE3D27D4EB4Fu) ^ k.n;
    return (uint32_t)(h >> 40) & mask;
}

const vl_enum_ix *vl_enum_index(struct ar_arena *a, const vl_enum *en)
{
    vl_enum_ix *ix = ar_alloc(a, sizeof *ix);
    uint32_t size = 8;
    while (en && size < 2 * (uint32_t)en->nlabels)
        size *= 2;
    ix->mask = size - 1;
    ix->slot = ar_alloc(a, size * sizeof *ix->slot);
    for (uint32_t i = 0; i < size; i++)
        ix->slot[i].level = -1;
    for (int l = 0; en && l < en->nlabels; l++) {
        const char *s = en->labels[l];
        size_t n = strlen(s);
        ix_key k = ix_key_of(s, n);
        uint32_t h = ix_hash(k, ix->mask);
        /* parse_enum takes the first label that matches */
        while (ix->slot[h].level >= 0 && !(ix->slot[h].k.n == n && !strcmp(ix->slot[h].label, s)))
            h = (h + 1) & ix->mask;
        if (ix->slot[h].level < 0)
            ix->slot[h] = (struct ix_slot){k, en->label_level[l], s};
    }
    return ix;
}

int vl_enum_find(const vl_enum_ix *ix, const char *s, size_t n)
{
    ix_key k = ix_key_of(s, n);
    for (uint32_t h = ix_hash(k, ix->mask);; h = (h + 1) & ix->mask) {
        const struct ix_slot *e = &ix->slot[h];
        if (e->level < 0)
            return -1;
        if (e->k.n == k.n && e->k.head == k.head && e->k.tail == k.tail &&
            (n <= 16 || memcmp(e->label, s, n) == 0))
            return e->level;
    }
}

bool vl_parse(vl_type t, const char *s, size_t n, vl_value *out, char *err, size_t errcap)
{
    if (err && errcap)
        err[0] = '\0';
    trim(&s, &n);
    if (n == 0) {
        vl_value v = {.kind = VL_MISSING, .u.why = NULL};
        *out = v;
        return true;
    }
    char buf[512];
    size_t bn = 0;
    switch (t.kind) {
    case VL_TEXT:
        *out = vl_text(s, n);
        return true;
    case VL_BOOL:
        return parse_bool(s, n, out, err, errcap);
    case VL_ENUM:
        return parse_enum(t.en, s, n, out, err, errcap);
    case VL_INT:
    case VL_DEC:
    case VL_DATE:
        if (!normalise(s, n, buf, sizeof buf, &bn)) {
            quoted q = quote(s, n);
            reason(err, errcap, "not %s: '%.*s%s' (too long)",
                   t.kind == VL_DATE  ? "a date"
                   : t.kind == VL_INT ? "an integer"
                                      : "a decimal",
                   q.n, q.p, q.ell);
            return false;
        }
        if (t.kind == VL_INT)
            return parse_int(s, n, buf, bn, out, err, errcap);
        if (t.kind == VL_DEC)
            return parse_dec(s, n, buf, bn, out, err, errcap);
        return parse_date(s, n, buf, bn, out, err, errcap);
    case VL_MISSING:
        break;
    }
    reason(err, errcap, "no type to read '%.*s' as", (int)utf8_prefix(s, n, 40), s);
    return false;
}

/* ---- formatting ---- */

double vl_round(double x, int digits)
{
    /* 10^0 .. 10^15 are exact doubles, the values pow gives for them; a
     * table spares every decimal formatted a call to pow */
    static const double p10[] = {1e0, 1e1, 1e2,  1e3,  1e4,  1e5,  1e6,  1e7,
                                 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15};
    if (!isfinite(x) || digits > 15 || digits < -15)
        return x;
    double f = digits >= 0 ? p10[digits] : pow(10.0, digits);
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

/* Copy s[0..n) into buf without splitting a UTF-8 sequence. */
static size_t put(char *buf, size_t cap, const char *s, size_t n)
{
    if (!cap)
        return 0;
    size_t k = utf8_prefix(s, n, cap - 1);
    memcpy(buf, s, k);
    buf[k] = '\0';
    return k;
}

size_t vl_format(vl_value v, char *buf, size_t cap)
{
    char tmp[64];
    int k = 0;
    switch (v.kind) {
    case VL_MISSING:
        return put(buf, cap, "", 0);
    case VL_BOOL:
        return put(buf, cap, v.u.b ? "true" : "false", v.u.b ? 4 : 5);
    case VL_INT: {
        /* Scores and counts are most of what is formatted, once a result:
         * digits by hand, not printf. */
        uint64_t u = v.u.i < 0 ? (uint64_t)0 - (uint64_t)v.u.i : (uint64_t)v.u.i;
        char rev[24];
        int r = 0;
        do {
            rev[r++] = (char)('0' + u % 10);
            u /= 10;
        } while (u);
        if (v.u.i < 0)
            tmp[k++] = '-';
        while (r)
            tmp[k++] = rev[--r];
        tmp[k] = '\0';
        break;
    }
    case VL_DEC: {
        /* vl_round(x, 2) worked out here, its cents kept: with |x * 100|
         * below 1e15, trunc is a conversion to int64_t and round is trunc
         * plus the sign when the fraction (exact) is a half or more, so no
         * libm call; the cents are llround(r * 100) (off by under 0.03
         * before rounding). Averages and shares fill result columns and
         * reasons: every one of them is formatted. */
        double r, cents = 0;
        double y = v.u.d * 100.0;
        bool quick = y > -1e15 && y < 1e15;
        if (quick) {
            double t = (double)(int64_t)y, frac = fabs(y - t);
            double ay = fabs(y);
            bool half = fabs(frac - 0.5) <= 64 * DBL_EPSILON * (ay > 1.0 ? ay : 1.0);
            cents = half || frac >= 0.5 ? t + copysign(1.0, y) : t;
            r = cents / 100.0;
        } else {
            r = vl_round(v.u.d, 2);
        }
        if (r > -1e12 && r < 1e12) {
            /* r is the double nearest cents/100, so "%.2f" would print
             * exactly those cents: written by hand, backwards from the end
             * of tmp, two digits a step, without the trailing zeros the
             * printf path below drops (and no point if none is left) */
            int64_t c = quick ? (int64_t)cents : llround(r * 100.0);
            static const char two[] = "000102030405060708091011121314151617181920212223242526272829"
                                      "3031323334353637383940414243444546474849"
                                      "505152535455565758596061626364656667686970717273747576777879"
                                      "8081828384858687888990919293949596979899";
            uint64_t u = c < 0 ? (uint64_t)0 - (uint64_t)c : (uint64_t)c;
            uint64_t ip = u / 100;
            unsigned fr = (unsigned)(u % 100);
            char *e = tmp + sizeof tmp, *q = e;
            if (fr % 10)
                *--q = two[2 * fr + 1];
            if (fr) {
                *--q = two[2 * fr];
                *--q = '.';
            }
            while (ip >= 10) {
                q -= 2;
                memcpy(q, &two[2 * (ip % 100)], 2);
                ip /= 100;
            }
            if (ip || q == e || *q == '.')
                *--q = (char)('0' + ip);
            if (c < 0)
                *--q = '-';
            return put(buf, cap, q, (size_t)(e - q));
        }
        if (!isfinite(r)) {
            k = snprintf(tmp, sizeof tmp, "%s", isnan(r) ? "nan" : r > 0 ? "inf" : "-inf");
            break;
        }
        k = snprintf(tmp, sizeof tmp, "%.2f", r);
        if (k < 0 || (size_t)k >= sizeof tmp) {
            k = snprintf(tmp, sizeof tmp, "%.6g", r);
            break;
        }
        while (k > 0 && tmp[k - 1] == '0')
            k--;
        if (k > 0 && tmp[k - 1] == '.')
            k--;
        tmp[k] = '\0';
        if (!strcmp(tmp, "-0")) {
            tmp[0] = '0';
            tmp[1] = '\0';
            k = 1;
        }
        break;
    }
    case VL_TEXT:
        return put(buf, cap, v.u.p, v.n);
    case VL_DATE: {
        int y, m, d;
        vl_ymd_from_days(v.u.date, &y, &m, &d);
        if (y >= 0 && y <= 9999 && m >= 1 && m <= 12 && d >= 1 && d <= 31) {
            /* "%04d-%02d-%02d" by hand: dates fill many result columns */
            const int dig[] = {y / 1000, y / 100 % 10, y / 10 % 10, y % 10, -1,
                               m / 10,   m % 10,       -1,          d / 10, d % 10};
            for (k = 0; k < 10; k++)
                tmp[k] = dig[k] < 0 ? '-' : (char)('0' + dig[k]);
            tmp[k] = '\0';
            break;
        }
        k = snprintf(tmp, sizeof tmp, "%04d-%02d-%02d", y, m, d);
        break;
    }
    case VL_ENUM: {
        const vl_enum *en = v.u.en;
        if (en && v.ord >= 0 && v.ord < en->nlevels) {
            const char *l = en->canon[v.ord];
            return put(buf, cap, l, strlen(l));
        }
        k = snprintf(tmp, sizeof tmp, "#%d", (int)v.ord);
        break;
    }
    }
    if (k < 0)
        k = 0;
    return put(buf, cap, tmp, (size_t)k);
}

bool vl_equal(vl_value a, vl_value b)
{
    if (a.kind == VL_MISSING || b.kind == VL_MISSING)
        return false;
    if (a.kind != b.kind) {
        if ((a.kind == VL_INT || a.kind == VL_DEC) && (b.kind == VL_INT || b.kind == VL_DEC)) {
            double x = a.kind == VL_INT ? (double)a.u.i : a.u.d;
            double y = b.kind == VL_INT ? (double)b.u.i : b.u.d;
            return x == y;
        }
        return false;
    }
    switch (a.kind) {
    case VL_BOOL:
        return a.u.b == b.u.b;
    case VL_INT:
        return a.u.i == b.u.i;
    case VL_DEC:
        return a.u.d == b.u.d;
    case VL_TEXT:
        return a.n == b.n && (a.n == 0 || memcmp(a.u.p, b.u.p, a.n) == 0);
    case VL_DATE:
        return a.u.date == b.u.date;
    case VL_ENUM:
        return a.u.en == b.u.en && a.ord == b.ord;
    case VL_MISSING:
        break;
    }
    return false;
}

bool vl_same(vl_value a, vl_value b)
{
    return a.kind == b.kind && vl_equal(a, b);
}

uint64_t vl_hash(vl_value v, uint64_t h)
{
    h = ar_fnv(h, &v.kind, sizeof v.kind);
    if (v.kind == VL_TEXT)
        return ar_fnv(h, v.u.p, v.n);
    uint64_t u = 0;
    switch (v.kind) {
    case VL_BOOL:
        u = v.u.b;
        break;
    case VL_INT:
        u = (uint64_t)v.u.i;
        break;
    case VL_DEC: {
        double d = v.u.d == 0 ? 0 : v.u.d; /* -0 and 0 are one value */
        memcpy(&u, &d, sizeof u);
        break;
    }
    case VL_DATE:
        u = (uint64_t)(uint32_t)v.u.date;
        break;
    case VL_ENUM:
        u = (uint64_t)(uint32_t)v.ord;
        break;
    default:
        break;
    }
    return ar_fnv(h, &u, sizeof u);
}
