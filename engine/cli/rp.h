/* rp: what `run` gathers from the results for the people who read them:
 * counts per group (--group-by, or the pack's report: group_by) for the
 * stderr summary and the workbook and report writers. */
#ifndef RP_H
#define RP_H

#include "rosterflag.h"

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
/* The per-group part of the stderr summary. */
void rp_summary(const rp_report *r, const rf_summary *s, FILE *to);

#endif
