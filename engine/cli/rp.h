/* rp: what `run` gathers from the results for the people who read them:
 * counts per group (--group-by, or the pack's report: group_by) for the
 * stderr summary and the workbook and report writers. */
#ifndef RP_H
#define RP_H

#include "rosterflag.h"

#include <stdbool.h>
#include <stdio.h>

typedef struct rp_report rp_report;

/* group_by: an output column of the pack, or NULL for the pack's own
 * report: group_by (none: no groups). NULL with the reason in *why when the
 * column is not an output column. */
rp_report *rp_new(const rf_pack *p, const char *group_by, char *why, size_t whyn);
void rp_free(rp_report *r);
/* rf_run_options.on_result, with ctx an rp_report. */
int rp_on_result(void *ctx, const rf_result *res);
/* The column grouped by, or NULL. */
const char *rp_group_by(const rp_report *r);
/* A workbook (--format xlsx) written at path as the results come, or -1
 * with the reason in why. */
int rp_open_book(rp_report *r, const char *path, char *why, size_t whyn);
/* After the run: finish the workbook when the run succeeded (ok), with the
 * rejects report read back from `rejects`; else drop it. -1 with why when it
 * cannot be written. */
int rp_close_book(rp_report *r, bool ok, const rf_summary *s, FILE *rejects, int argc, char **argv,
                  char *why, size_t whyn);
/* An HTML report (--format html) written to out at the end; all: list
 * entities without a level or flag too. */
int rp_open_page(rp_report *r, FILE *out, bool all, bool notices, char *why, size_t whyn);
/* rf_run_options.on_row, with ctx an rp_report: rows for the notices. */
int rp_on_row(void *ctx, const rf_row *row);
int rp_close_page(rp_report *r, bool ok, const rf_summary *s, char *why, size_t whyn);
/* The per-group part of the stderr summary. */
void rp_summary(const rp_report *r, const rf_summary *s, FILE *to);

#endif

/* ---- what every report writer shows, all from the pack ----------------- */

/* The heading of output column i for people: the column's first header
 * name, a measure's label, else its id. */
const char *rp_out_label(const rf_pack *p, int i);
/* Level l (the pack's "no level" at level_count) or flag f: its label and
 * colour (0xRRGGBB). A pack without colours gets neutral greys, darker for
 * more severe levels; *has is false for "no level" without a colour (shown
 * unfilled). */
const char *rp_level_label(const rf_pack *p, size_t l);
unsigned rp_level_color(const rf_pack *p, size_t l, bool *has);
unsigned rp_flag_color(const rf_pack *p, size_t f);
/* Black or white, whichever reads on the colour c. */
unsigned rp_ink(unsigned c);
/* Columns a text takes on screen: CJK and full-width characters count two. */
size_t rp_text_width(const char *s, size_t n);
/* The groups gathered (NULL without --group-by). */
const struct gr_table *rp_groups(const rp_report *r);
