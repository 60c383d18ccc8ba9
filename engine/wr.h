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

#include <stdio.h>

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

#endif
