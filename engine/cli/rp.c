#include "rp.h"

#include "ar.h"
#include "gr.h"
#include "pk.h"

#include <stdlib.h>
#include <string.h>

struct rp_report {
    const rf_pack *p;
    const char *group_by;
    int col;        /* the group column's place among rf_result's fields */
    size_t nlevels; /* level counters: the pack's levels and "no level", or 0 */
    gr_table *groups;
    bool raised[RF_MAX_FLAGS];
};

rp_report *rp_new(const rf_pack *p, const char *group_by, char *why, size_t whyn)
{
    if (!group_by)
        group_by = p->group_by;
    int col = group_by ? pk_output_index(p, group_by) : -1;
    if (group_by && col < 0) {
        size_t o = (size_t)snprintf(why, whyn,
                                    "'%s' is not an output column of %s; it has:", group_by, p->id);
        for (int i = 0; i < p->nouts && o < whyn; i++)
            o += (size_t)snprintf(why + o, whyn - o, " %s", p->outs[i].name);
        return NULL;
    }
    rp_report *r = ar_xmalloc(sizeof *r);
    memset(r, 0, sizeof *r);
    r->p = p;
    r->group_by = group_by;
    r->col = col;
    r->nlevels = pk_has_level_column(p) ? (size_t)p->nlevels + 1 : 0;
    if (group_by)
        r->groups = gr_new(r->nlevels, (size_t)p->nflags);
    return r;
}

void rp_free(rp_report *r)
{
    if (!r)
        return;
    gr_free(r->groups);
    free(r);
}

const char *rp_group_by(const rp_report *r)
{
    return r ? r->group_by : NULL;
}

int rp_on_result(void *ctx, const rf_result *res)
{
    rp_report *r = ctx;
    if (!r->groups)
        return 0;
    size_t level = 0;
    while (level < r->nlevels && strcmp(rf_pack_level_id(r->p, level), res->level) != 0)
        level++;
    /* rf_result lists the output columns, then the flags. */
    size_t nouts = (size_t)r->p->nouts;
    for (size_t f = 0; f < (size_t)r->p->nflags; f++)
        r->raised[f] = strcmp(res->values[nouts + f], "true") == 0;
    const char *g = res->values[r->col];
    gr_add(r->groups, g, strlen(g), level, r->raised);
    return 0;
}

void rp_summary(const rp_report *r, const rf_summary *s, FILE *to)
{
    if (!r || !r->groups)
        return;
    size_t n = gr_count(r->groups);
    fprintf(to, "  by %s: %zu group%s\n", r->group_by, n, n == 1 ? "" : "s");
    for (size_t i = 0; i < n; i++) {
        const gr_group *g = gr_get(r->groups, i);
        fprintf(to, "    %s: %llu", g->name[0] ? g->name : "(empty)",
                (unsigned long long)g->results);
        for (size_t l = 0; l < r->nlevels; l++)
            fprintf(to, "%s %s %llu", l ? "," : ";", s->levels[l].id,
                    (unsigned long long)g->levels[l]);
        for (size_t f = 0; f < s->nflags; f++)
            fprintf(to, "%s %s %llu", f ? "," : "; flags", s->flags[f].id,
                    (unsigned long long)g->flags[f]);
        fputc('\n', to);
    }
}
