/* wh: the results as one printable HTML page (run --format html).
 *
 * Self-contained: styles and the bar chart (SVG) inline, no script, no
 * fetch. A heading (pack, version, period, run date), the summary per level
 * and flag overall and per group with a chart, then one block per entity
 * with a level or a flag raised (its level in its colour, the reasons with
 * their values, the detail), grouped, a page break between groups when
 * printed. Entities without either are counted, not listed, unless asked.
 *
 * Blocks go to a scratch file as results come, with 16 bytes kept per block
 * (group, place, length); the page is assembled at the end, summary first. */
#ifndef WH_H
#define WH_H

#include "rosterflag.h"
#include "rp.h"

#include <stdbool.h>
#include <stdio.h>

typedef struct wh_page wh_page;

/* all: list entities without a level or flag too; notices: a printable
 * notice per entity listed (who, the period, the level and what it means,
 * each row that counted with its item's name and points, caps applied), in
 * place of the blocks, all in the pack's own words. NULL with why. */
wh_page *wh_open(const rf_pack *p, FILE *out, bool all, bool notices, char *why, size_t whyn);
/* A related row that counted (rf_run_options.on_row), kept for the notice. */
int wh_row(wh_page *h, const rf_row *r);
/* One result, in group `group` (0 without groups). */
int wh_result(wh_page *h, const rf_result *r, size_t group);
/* Writes the page to out; frees h. 0, or -1 with why. */
int wh_close(wh_page *h, const rf_summary *s, const rp_report *rp, char *why, size_t whyn);
void wh_discard(wh_page *h);

#endif
