/* pk: a loaded, checked and compiled rule pack.
 *
 * The builder walks the yn tree against the schema in docs/rule-language.md,
 * reports every problem it can find with its position, and compiles each
 * expression once. Everything lives in the pack's one arena. */
#ifndef PK_H
#define PK_H

#include "ar.h"
#include "ex.h"
#include "rosterflag.h"
#include "vl.h"

#include <stdbool.h>
#include <stdint.h>

/* Value spaces the evaluator reads (EX_SPACE_AGG = 0 is ex's own). */
enum {
    PK_SP_ROW = 1,     /* the related row inside an aggregate (or a tally item) */
    PK_SP_ENTITY = 2,  /* the entity input's row */
    PK_SP_MEASURE = 3, /* measures, by index */
    PK_SP_TALLY = 4,   /* tally totals, by index */
    PK_SP_BUILTIN = 5, /* as_of, period_start, period_end */
};
enum { PK_BI_AS_OF, PK_BI_PERIOD_START, PK_BI_PERIOD_END, PK_BI_COUNT };

typedef struct pk_text {
    const char *zh, *en;
} pk_text;

typedef struct pk_column {
    const char *id;
    const char *const *names;
    int nnames;
    bool required;
    vl_type type;
    int ref; /* input index this column refers to, or -1 */
    bool has_range;
    double lo, hi;
    int tally, item;       /* count column: the tally and item it counts, else -1 */
    bool keep_invalid;     /* invalid: missing — a bad cell becomes missing, the row stays */
    bool percent;          /* percent: true — a cell may end in % or ％ (95% reads 95) */
    const char *why_empty; /* cause carried by a missing cell */
    uint32_t line, col;
} pk_column;

typedef struct pk_input {
    const char *name;
    pk_text title;
    bool optional;
    bool every_entity; /* each entity must have at least one row here */
    int key;           /* column index of the key, or -1 */
    int period;        /* column index of the period date, or -1 */
    int ref;           /* column index referring to the entity input, or -1 */
    int results;       /* results: true (a results file a run of this pack wrote): the
                          index of its `pack` column, checked on every row; else -1 */
    int results_level; /* results: true: the index of its `level` column (each cell must be one
                          of the pack's level ids), or -1 */
    int ncols;
    pk_column *cols;
    /* A derived entity (entity: {from, key}): no file of its own; one row
     * per distinct value of column `from_col` of input `from`. */
    bool derived;
    int from, from_col;
    /* tallies fed by this input's rows (code column per tally) */
    int nfeeds;
    int *feed_tally;
    int *feed_col;
    bool reads_measures; /* an aggregate over its rows reads a measure */
} pk_input;

typedef struct pk_item {
    uint32_t line, col;
    const char *code;
    pk_text name;
    vl_value *fields; /* [catalogue nfields] */
} pk_item;

typedef struct pk_catalogue {
    const char *name;
    int nfields;
    const char **field_names;
    vl_type *field_types;
    int nitems;
    pk_item *items;
} pk_catalogue;

typedef struct pk_tally {
    const char *name;
    pk_text label; /* for people (the workbook, the report); zh NULL when not given */
    int catalogue;
    int weight;       /* field index, or -1: count occurrences */
    const char *sign; /* as written in the detail text */
    bool has_cap;
    vl_value cap;
    int cap_const;        /* the constant cap names, or -1 (mutation testing) */
    const char *cap_text; /* cap as written */
    uint32_t cap_line, cap_col;
    vl_type type;              /* of the total */
    int rows_input, rows_code; /* from_rows: input index and code column, or -1 */
    int cols_input;            /* from_columns: input index, or -1 */
    int *item_col;             /* per item: column index in cols_input, or -1 */
    int first;                 /* index of its first item in the run's count array */
    int relation;
} pk_tally;

/* A measure is an expression, or one of the values of a ranking, which
 * needs every entity's values first (the run's second pass, engine/rk.c). */
typedef enum pk_mkind {
    PK_M_EXPR = 0,
    PK_M_RANK,       /* rank of `by` among the entities (of its `within` group) */
    PK_M_GROUP_SIZE, /* how many entities rank `of` ranks in this one's group */
    PK_M_PERCENTILE, /* rank / group size of `of` */
} pk_mkind;

typedef struct pk_measure {
    const char *name;
    pk_text label;
    const ex_expr *expr; /* PK_M_EXPR */
    vl_type type;
    bool used;
    uint32_t line, col;
    pk_mkind kind;
    const ex_expr *by, *within; /* PK_M_RANK: the value ranked; the group, or NULL */
    bool descending;            /* PK_M_RANK: the highest value ranks 1 */
    int of;                     /* PK_M_GROUP_SIZE, PK_M_PERCENTILE: the rank measure */
    const char *text;           /* what explain shows in place of an expression */
    bool after_rank;            /* needs a ranking's result (evaluated in the second pass) */
    bool in_rows;               /* read inside an aggregate over rows: the run computes it from the
                                   entity's own row before the rows are read */
} pk_measure;

typedef struct pk_cond {
    const ex_expr *expr;
    const char *reason; /* the author's own wording, or NULL */
    uint32_t line, col;
} pk_cond;

/* A level, or an independent flag: the same conditions, read differently
 * (a level competes by severity, a flag stands alone). */
typedef struct pk_level {
    const char *id;
    pk_text label;
    const char *color; /* "#RRGGBB" for reports, or NULL: the writers choose a neutral one */
    pk_text meaning;   /* description: what the level means, for notices; zh NULL if none */
    bool all;          /* all: every condition must hold; else any */
    int nconds;
    pk_cond *conds;
    uint32_t line, col;
} pk_level;

typedef enum pk_outkind { PK_OUT_COLUMN, PK_OUT_MEASURE, PK_OUT_TALLY } pk_outkind;

typedef struct pk_out {
    pk_outkind kind;
    int index;
    const char *name;
} pk_out;

typedef struct pk_const {
    const char *name;
    vl_value value;
    vl_type type;
    const char *text; /* the value as written */
    uint32_t line, col;
} pk_const;

/* Where a compiled expression's text sits in the pack file, found by its
 * source copy (ex_text of the root): mutation reports point into it. */
typedef struct pk_xpos {
    const char *text;
    uint32_t line, col; /* of the scalar */
    bool exact;         /* on one line: text[0] is at col */
} pk_xpos;

struct rf_pack {
    ar_arena *arena;
    const char *path;
    const char *id, *version, *source;
    pk_text title;
    bool has_period;
    int nconsts;
    pk_const *consts;
    int nenums;
    vl_enum **enums;
    int ninputs;
    pk_input *inputs;
    int entity; /* input index */
    pk_text entity_label;
    int ncats;
    pk_catalogue *cats;
    int ntallies;
    pk_tally *tallies;
    int nitems_total;
    int nmeasures;
    pk_measure *measures;
    int *order;   /* measures in dependency order */
    int nranks;   /* measures of kind PK_M_RANK: the run then takes two passes */
    int nin_rows; /* measures read inside aggregates (pk_measure.in_rows) */
    int nlevels;
    pk_level *levels;
    int nflags;
    pk_level *flags; /* conditions numbered after the levels' in coverage */
    pk_text none;
    const char *none_id;
    const char *none_color; /* no_level: color, or NULL */
    int nouts;
    pk_out *outs;
    ex_compiler *ex;
    const char *set_stamp;   /* " --set NAME=VALUE ..." after id@version, or "" */
    const char *set_summary; /* "NAME=VALUE (the pack says OLD), ...", or "" */
    int naggs;
    int nconds_total;     /* conditions over all levels, for coverage */
    const char *group_by; /* report: group_by, an output column; NULL if none */
    pk_xpos *xpos;        /* every expression compiled */
    int nxpos, capxpos;
};

/* The output column named `name`, or -1. */
int pk_output_index(const struct rf_pack *p, const char *name);

/* The file position of byte `off` of the expression compiled at x (its
 * source copy x->text, which the nodes of one compile share): the exact
 * column on a one-line scalar, the scalar's start otherwise. A caller
 * finding the pk_xpos of many texts indexes p->xpos by text once. */
void pk_xpos_place(const pk_xpos *x, size_t off, uint32_t *line, uint32_t *col);

/* A pack with flags and no levels has no level columns in its results. */
static inline bool pk_has_level_column(const struct rf_pack *p)
{
    return p->nlevels > 0 || p->nflags == 0;
}

/* Entity-scope measures an expression of measure m reads (for a ranking,
 * those its `by` and `within` read, or the rank measure itself): writes at
 * most cap indices, returns how many there are. */
int pk_measure_refs(const struct rf_pack *p, int m, int *refs, int cap);

/* Relation ids: 0..ninputs-1 are inputs, ninputs+t is tally t. */
static inline int pk_tally_relation(const struct rf_pack *p, int t)
{
    return p->ninputs + t;
}

#endif
