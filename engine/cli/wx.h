/* wx: the results as an Excel workbook (run --format xlsx), written with
 * libxlsxwriter in constant-memory mode: rows go to disk as they come, so
 * memory does not grow with the number of results.
 *
 * Sheets: a summary (each level and flag overall and per group, with a bar
 * chart), the results (real numbers and dates, frozen filterable header,
 * each level cell in the level's colour), the rows rejected or kept with a
 * problem, and the rules and options that made the workbook. Labels and
 * colours come from the pack; a text cell is a string, never a formula. */
#ifndef WX_H
#define WX_H

#include "rosterflag.h"
#include "rp.h"

#include <stdio.h>

typedef struct wx_book wx_book;

/* A workbook to be written at path (created when closed). NULL with the
 * reason in why. */
wx_book *wx_open(const rf_pack *p, const char *path, char *why, size_t whyn);
/* One result row (call from rf_run_options.on_result). */
int wx_result(wx_book *x, const rf_result *r);
/* Writes the summary, the rejects report read back from `rejects` (a CSV
 * as rf_run writes it; may be NULL), and the run sheet naming the command
 * line; then the file. Frees x. Returns 0, or -1 with the reason in why. */
int wx_close(wx_book *x, const rf_summary *s, const rp_report *groups, FILE *rejects, int argc,
             char **argv, char *why, size_t whyn);
/* Frees x without writing anything. */
void wx_discard(wx_book *x);

#endif
