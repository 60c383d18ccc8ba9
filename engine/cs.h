/* cs: streaming CSV reader on libcsv, with physical line numbers, encoding
 * detection and conversion, and header binding.
 *
 * Rows are pushed to a callback one at a time from a fixed, reused buffer:
 * memory does not grow with the file, and nothing is allocated per row once
 * the buffers have reached the widest row's size. */
#ifndef CS_H
#define CS_H

#include "rosterflag.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef enum cs_encoding { CS_ENC_AUTO = 0, CS_ENC_UTF8, CS_ENC_GB18030 } cs_encoding;

typedef struct cs_options {
    cs_encoding encoding;    /* AUTO: BOM => UTF-8; else decided at the first
                                non-ASCII byte on the rest of the 64 KiB block
                                read: valid UTF-8 => UTF-8; not UTF-8 but
                                valid GB18030 => GB18030 (with a note saying
                                why); neither => the one with fewer bad bytes */
    unsigned char delimiter; /* 0 means ',' */
} cs_options;

typedef struct cs_field {
    const char *p; /* UTF-8, NUL-terminated at p[n] */
    size_t n;
    int64_t num; /* -1, or the value of a cell of ASCII digits and nothing
                    else: a one-digit cell always, one of 2 to 9 digits in a
                    column given to cs_digits. -1: read the text. */
} cs_field;

typedef struct cs_row {
    uint64_t line;   /* physical line the row starts on, 1-based */
    uint64_t nlines; /* physical lines it spans (quoted line breaks) */
    size_t nfields;
    const cs_field *fields;
    const char *raw; /* always NULL, rawn 0: building the text for every row
                        would cost a copy per row for the few that are
                        rejected; use cs_row_raw() */
    size_t rawn;
    /* What the reader found wrong with the row itself, NULL when nothing.
     * reject: the row cannot be vouched for (it starts with a byte-order
     * mark, the file ends inside its last character); otherwise the row was
     * repaired the way spreadsheets read it (text after a closing quote) and
     * the problem is worth a note. Valid during the callback. */
    const char *problem;
    bool reject;
    /* The reader has added every count column's cell (cs_counts) into the
     * counts, each a number in its range or an empty cell that may be: the
     * run need not look at them again. False without count columns, and for
     * a row with a cell that is neither (what was added is then partial). */
    bool counted;
} cs_row;

/* Limits per row, header included: beyond either the file is refused with
 * its line (it is not a roster: a delimiter mismatch, a binary file). The
 * cells are Excel's widest sheet; the bytes (as read, after conversion to
 * UTF-8) bound the memory a row takes. */
#define CS_MAX_CELLS 16384
#define CS_MAX_ROW_BYTES ((size_t)16 * 1024 * 1024)

typedef struct cs_reader cs_reader;

/* Open `path` and read its header row. On failure returns NULL with an
 * RF_CLASS_INPUT error in d naming the file (and line/offset for encoding
 * errors). `label` names the input in messages ("members"). */
cs_reader *cs_open(const char *path, const char *label, const cs_options *opt, rf_diags *d);
void cs_close(cs_reader *r);

/* The header, trimmed, BOM removed, in UTF-8. */
size_t cs_header_count(const cs_reader *r);
const char *cs_header(const cs_reader *r, size_t i);
/* UTF-8 or GB18030, never AUTO. In AUTO mode the choice is made at the first
 * non-ASCII byte; after cs_open it reflects the header and the rest of the
 * first 64 KiB, and it may still change to GB18030 during cs_read (with a
 * note) for a file whose first non-ASCII byte comes later. */
cs_encoding cs_detected(const cs_reader *r);

/* Header binding: for each wanted column (given as a list of accepted
 * header names), find the header position. Matching is exact after
 * trimming, then case-insensitive for ASCII. */
typedef struct cs_want {
    const char *id;           /* the column's id in the pack */
    const char *const *names; /* accepted header names, in order */
    int nnames;
    bool required;
} cs_want;
/* Writes header position or -1 into pos[i] for each want. Reports, as
 * RF_CLASS_INPUT errors: a required column not found (naming the column
 * and every header name tried, and the header found); a header name
 * matching two wanted columns, or two header cells matching one column
 * (naming both positions). Returns the number of errors. Header cells
 * matched by no want are reported once as a note ("ignored columns: ..."). */
int cs_bind(cs_reader *r, const cs_want *wants, int nwants, int *pos, rf_diags *d);

/* The columns (header positions i with dig[i] true, i < n) whose cells the
 * reader reads as numbers as it takes them from libcsv (cs_field.num), so
 * that a run converting them needs no second look at their text. Readers
 * cs_open_chunk makes from r read them the same way. */
void cs_digits(cs_reader *r, const bool *dig, size_t n);

/* A column whose cells the reader adds into a count as it reads them. */
typedef struct cs_count {
    int slot;         /* into the counts; -1 for a column that is none */
    uint64_t lo, len; /* a cell's number x counts when lo <= x <= lo + len */
    bool empty_ok;    /* an empty cell counts nothing; else it spoils the row */
} cs_count;
/* The count columns (header positions i < n with cols[i].slot >= 0): their
 * cells are read as numbers (as cs_digits) and each added into
 * counts[slot] as it is taken from libcsv, the row saying whether all were
 * (cs_row.counted). counts[0..ncounts) is zeroed now and after each row:
 * the run keeps it for its own adds too. cols and counts must outlive the
 * reader; cols NULL or n 0: no counting. A reader cs_open_chunk makes
 * counts nothing until given its own. */
void cs_counts(cs_reader *r, const cs_count *cols, size_t n, uint32_t *counts, size_t ncounts);

/* Stream every data row to `fn`. Blank lines are skipped (and counted).
 * Returns 0 at end of file, the callback's non-zero return to stop early,
 * or -1 on a read, encoding or parse error reported in d (with the file,
 * line and byte offset). Byte offsets in messages are 0-based, in the file
 * as stored (before any conversion). Rows before an error have been
 * delivered; a file ending inside a quoted field is an error (the last row
 * is not delivered), and so is a row beyond CS_MAX_CELLS or CS_MAX_ROW_BYTES.
 * Quoting is read as spreadsheets read it: a quote inside an unquoted cell
 * is text; text after a closing quote is appended to the cell (the row gets
 * a problem to note), and the row still ends at the line break. A row's
 * fields are valid only during the callback. */
typedef int (*cs_row_fn)(void *ctx, const cs_row *row);
int cs_read(cs_reader *r, cs_row_fn fn, void *ctx, rf_diags *d);

/* The row's fields re-joined with the delimiter, for rejects reports: a
 * field is quoted (quotes doubled) when it holds the delimiter, a quote, a
 * line break, or leading/trailing blanks. Built on demand into a buffer the
 * reader reuses; `row` must be the row passed to the running callback, and
 * the text is valid until the callback returns. NUL-terminated; *n gets its
 * length. */
const char *cs_row_raw(cs_reader *r, const cs_row *row, size_t *n);

/* Blank lines skipped so far: empty lines, lines of only spaces/tabs, and
 * rows whose every cell is empty (",,,," as Excel writes below a table). */
uint64_t cs_blank_lines(const cs_reader *r);
const char *cs_path(const cs_reader *r);

/* ---- splitting a file between workers --------------------------------------
 * A quote-aware scan that finds where records start, agreeing with how
 * cs_read reads them (stray quotes repaired as spreadsheets do), and counts
 * physical lines so that each piece knows its first line. It looks only at
 * quotes, the delimiter, blanks and line breaks: UTF-8 and GB18030 (whose
 * multibyte forms hold no byte below 0x40) may be scanned raw, for a
 * delimiter below 0x40. */
typedef struct cs_split {
    unsigned char delim;
    int state;
    bool blanks, cr;
    uint64_t lines; /* line breaks scanned so far */
} cs_split;
void cs_split_init(cs_split *sp, unsigned char delim);
/* Scan s[0..n), which follows what was scanned before. Returns the offset
 * just past the last line break in s after which a new record starts (0 if
 * none: a CR whose LF may follow is never cut after), with *lines set to the
 * line breaks scanned up to it, from the first call on. */
size_t cs_split_scan(cs_split *sp, const unsigned char *s, size_t n, uint64_t *lines);

/* Is the encoding settled without reading further: given, decided by the
 * header, or sure to be UTF-8 (without a note) at the first non-ASCII byte
 * of the block already read? Then cs_detected() reads the rest as
 * cs_read() would. */
bool cs_decided(const cs_reader *r);

/* The physical line the first data row of `r` (just opened) may start on. */
uint64_t cs_data_line(const cs_reader *r);

/* A reader over buf[0..n), a piece of the file `whole` reads that starts at a
 * record (file offset `off`, physical line `line`): the same header, the
 * encoding whole decided, the same rows, problems and errors as cs_read on
 * the whole file gives for that stretch. buf must outlive the reader; buf
 * NULL: the file itself from `off` to its end. */
cs_reader *cs_open_chunk(const cs_reader *whole, const unsigned char *buf, size_t n, uint64_t off,
                         uint64_t line, rf_diags *d);

#endif
