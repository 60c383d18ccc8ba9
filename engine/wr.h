/* wr: writing result rows as CSV or JSON lines.
 *
 * Values go straight from vl_format into the stdio buffer: no allocation per
 * row. CSV quoting follows RFC 4180; JSON strings are escaped for control
 * characters and quotes, UTF-8 passes through. A CSV text cell that a
 * spreadsheet would take for a formula is made inert (wr_formula_like). */
#ifndef WR_H
#define WR_H

#include "ar.h"
#include "rosterflag.h"
#include "vl.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>

/* Output is assembled in the writer's own buffer and handed to stdio in
 * large blocks: per-character stdio calls cost more than the evaluation. */
#define WR_BUF 65536

typedef struct wr_writer {
    FILE *f;
    rf_format fmt;
    int ncols;
    const char *const *names;
    int col;
    size_t n;
    bool failed;
    int err; /* errno of the first failed write: the reason given */
    /* Times the buffer was handed on: what lies in buf from an offset on
     * was written since, if this has not changed. */
    unsigned long flushes;
    char buf[WR_BUF];
} wr_writer;

/* Hand buffered output to the stream; false if writing failed. */
bool wr_flush(wr_writer *w);

void wr_begin(wr_writer *w, FILE *f, rf_format fmt, const char *const *names, int ncols);
void wr_row_begin(wr_writer *w);
void wr_value(wr_writer *w, vl_value v);
void wr_text(wr_writer *w, const char *s, size_t n);
/* A list: joined with "; " in CSV, a JSON array in JSON lines. */
void wr_list(wr_writer *w, const char *const *items, int n);
void wr_row_end(wr_writer *w);

/* A text written in every row (a level's id and label, the pack stamp)
 * encoded once, as wr_text would write it in fmt (quoted or made inert in
 * CSV, a JSON string), into a; NULL if it is too long to keep (then write
 * it with wr_text). wr_encoded writes such a cell. */
const char *wr_encode(ar_arena *a, rf_format fmt, const char *s, size_t n, size_t *len);
void wr_encoded(wr_writer *w, const char *cell, size_t n);
/* ncols cells as this writer wrote them before at the same place in a row,
 * separators (and JSON names) included: bytes copied from its buffer. */
void wr_cells(wr_writer *w, const char *s, size_t n, int ncols);

/* A cell a spreadsheet would run as a formula: it begins with '=', '+', '-',
 * '@', a tab or a carriage return. In CSV such a text cell is written after an
 * apostrophe, which spreadsheets read as "text follows" (numbers are written
 * as numbers: only text cells are ever changed). */
bool wr_formula_like(const char *s, size_t n);
/* Whether s is a cell the writer made inert: an apostrophe, then what
 * wr_formula_like matches. Readers of our own output undo it by dropping
 * the apostrophe. */
bool wr_was_inert(const char *s, size_t n);

/* One CSV field, quoted when it holds the delimiter, a quote or a line break. */
void wr_csv_field(FILE *f, const char *s, size_t n);

/* Whether a text surely goes into CSV as it is (unquoted, not made inert):
 * false when it might not, and then wr_value or wr_text decides. The bytes
 * that force quoting and the first bytes of a formula but '-', '=' and '@'
 * all lie below '-' (0x2D), which names, codes and Chinese text almost
 * never hold: one test of eight bytes at a time for "any byte below 0x2D"
 * (exact as to whether one exists), the last word ending at n. */
static inline bool wr_csv_plain(const char *s, size_t n)
{
    const uint64_t ones = 0x0101010101010101ULL, high = 0x8080808080808080ULL;
    uint64_t any = 0, a, b;
#define WR_LOW(x) (((x)-ones * 0x2D) & ~(x))
    if (n >= 8 && n <= 32) {
        /* the words at both ends, and for more than 16 bytes the two
         * next to them: overlapping, none past n */
        memcpy(&a, s, 8);
        memcpy(&b, s + n - 8, 8);
        any = WR_LOW(a) | WR_LOW(b);
        if (n > 16) {
            memcpy(&a, s + 8, 8);
            memcpy(&b, s + n - 16, 8);
            any |= WR_LOW(a) | WR_LOW(b);
        }
    } else if (n < 8) {
        for (size_t i = 0; i < n; i++)
            any |= (unsigned char)s[i] < 0x2D ? high : 0;
    } else {
        for (size_t i = 0; i + 8 < n; i += 8) {
            memcpy(&a, s + i, 8);
            any |= WR_LOW(a);
        }
        memcpy(&a, s + n - 8, 8);
        any |= WR_LOW(a);
    }
#undef WR_LOW
    unsigned char c = n ? (unsigned char)s[0] : 0;
    /* '-' 0x2D and '=' 0x3D differ in one bit */
    return !(any & high) && (c | 0x10) != '=' && c != '@';
}

/* wr_csv_plain and ar_copy_short in one: writes s to d (room for n bytes) and
 * says true if s is surely plain; false, with any bytes written there
 * meaningless, if it might not be. The words tested are the words
 * stored: a cell of up to 32 bytes is read once. */
static inline bool wr_plain_put(char *d, const char *s, size_t n)
{
    const uint64_t ones = 0x0101010101010101ULL, high = 0x8080808080808080ULL;
    uint64_t a, b, c, e;
#define WR_LOW(x) (((x)-ones * 0x2D) & ~(x))
    if (n >= 8 && n <= 16) {
        memcpy(&a, s, 8);
        memcpy(&b, s + n - 8, 8);
        if ((WR_LOW(a) | WR_LOW(b)) & high)
            return false;
        memcpy(d, &a, 8);
        memcpy(d + n - 8, &b, 8);
    } else if (n > 16 && n <= 32) {
        memcpy(&a, s, 8);
        memcpy(&b, s + 8, 8);
        memcpy(&c, s + n - 16, 8);
        memcpy(&e, s + n - 8, 8);
        if ((WR_LOW(a) | WR_LOW(b) | WR_LOW(c) | WR_LOW(e)) & high)
            return false;
        memcpy(d, &a, 8);
        memcpy(d + 8, &b, 8);
        memcpy(d + n - 16, &c, 8);
        memcpy(d + n - 8, &e, 8);
    } else if (n >= 4 && n < 8) {
        uint32_t x, y;
        memcpy(&x, s, 4);
        memcpy(&y, s + n - 4, 4);
        if (((x - 0x2D2D2D2DU) & ~x) & 0x80808080U)
            return false;
        if (((y - 0x2D2D2D2DU) & ~y) & 0x80808080U)
            return false;
        memcpy(d, &x, 4);
        memcpy(d + n - 4, &y, 4);
    } else {
        if (!wr_csv_plain(s, n))
            return false;
        ar_copy_short(d, s, n);
        return true;
    }
#undef WR_LOW
    unsigned char f = (unsigned char)s[0];
    return (f | 0x10) != '=' && f != '@';
}

/* Integers are most of what a scoring run writes; printf is too slow for them. */
static inline size_t wr_itoa(int64_t v, char *buf)
{
    char tmp[24];
    size_t n = 0;
    uint64_t u = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
    /* Scores and counts: nearly always one or two digits. */
    if (v >= 0 && u < 100) {
        if (u < 10) {
            buf[0] = (char)('0' + u);
            return 1;
        }
        buf[0] = (char)('0' + u / 10);
        buf[1] = (char)('0' + u % 10);
        return 2;
    }
    do {
        tmp[n++] = (char)('0' + u % 10);
        u /= 10;
    } while (u);
    size_t o = 0;
    if (v < 0)
        buf[o++] = '-';
    while (n)
        buf[o++] = tmp[--n];
    return o;
}

/* wr_value's commonest cells written where it is called: in CSV, an
 * integer or a plain text (wr_plain_put) with its separator and one room
 * check; anything else, or no room, by wr_value. */
static inline void wr_cell(wr_writer *w, vl_value v)
{
    if (w->fmt == RF_FORMAT_CSV && w->f) {
        char *o = w->buf + w->n, *t = o + (w->col != 0);
        if (v.kind == VL_INT && w->n + 24 <= WR_BUF) {
            *o = ',';
            w->n = (size_t)(t + wr_itoa(v.u.i, t) - w->buf);
            w->col++;
            return;
        }
        if (v.kind == VL_TEXT && w->n + v.n + 1 <= WR_BUF) {
            *o = ',';
            if (wr_plain_put(t, v.u.p, v.n)) {
                w->n = (size_t)(t + v.n - w->buf);
                w->col++;
                return;
            }
        }
    }
    wr_value(w, v);
}

/* The lane a row takes when its cells are mostly known (a remembered
 * result's, rn's memo): wr_lane makes room for need bytes at once and
 * gives where they go, NULL where the row is to be written by the calls
 * above (not CSV, no stream, or more than the buffer); the caller writes
 * separators and cells there itself and hands back where it stopped and
 * how many cells it wrote (wr_lane_end). */
static inline char *wr_lane(wr_writer *w, size_t need)
{
    if (!w->f || w->fmt != RF_FORMAT_CSV || need > WR_BUF)
        return NULL;
    if (w->n + need > WR_BUF)
        wr_flush(w);
    return w->buf + w->n;
}

static inline void wr_lane_end(wr_writer *w, char *o, int col)
{
    w->n = (size_t)(o - w->buf);
    w->col = col;
}

#endif
