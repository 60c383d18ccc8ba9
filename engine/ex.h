/* ex: the expression language: lexer, parser, type checker, compiler and
 * evaluator. An expression is compiled once, when its pack loads, into a
 * typed tree with every name resolved to a slot; evaluation never looks at
 * source text again and never allocates.
 *
 * The module knows no pack: names are resolved through a callback the
 * caller supplies, and values are read from "spaces" (arrays of vl_value)
 * the caller fills in before evaluation. Aggregates (sum, count, ...) over a
 * relation are lifted out into aggregate slots: the caller streams the
 * relation's rows through ex_agg_step() and reads results with
 * ex_agg_final(); the expression that contains the aggregate reads the
 * result from space EX_SPACE_AGG at the slot's index.
 *
 * Grammar (lowest precedence first):
 *   expr    := 'if' expr 'then' expr 'else' expr | or
 *   or      := and { ('or' | '||') and }
 *   and     := not { ('and' | '&&') not }
 *   not     := ('not' | '!') not | cmp
 *   cmp     := add [ cmpop add ] | add ['not'] 'in' '[' expr {',' expr} ']'
 *   cmpop   := '=' | '==' | '!=' | '<>' | '≠' | '<' | '<=' | '≤' | '>' | '>=' | '≥'
 *   add     := mul { ('+' | '-') mul }
 *   mul     := unary { ('*' | '/' | '%') unary }
 *   unary   := '-' unary | postfix
 *   primary := number | string | 'true' | 'false' | name | '(' expr ')'
 *            | name '(' args ')'
 *   args    := ordinary function: expr {',' expr}
 *            | aggregate: relation [',' expr] ['where' expr]
 *            | grouped:   relation 'by' expr ',' inner ['where' expr]
 *   inner   := 'count' '(' ')' | ('sum'|'avg'|'min'|'max') '(' expr ')'
 * (`by` is a keyword only right after an aggregate's relation.)
 * Names are ASCII identifiers or runs of CJK/letters/digits/_ (e.g. 得分);
 * a name with spaces or punctuation may be written `in backquotes`.
 * Strings are "double" or 'single' quoted, with \" \' \\ \n escapes.
 * Dates are written date("2025-03-05") and folded at compile time. */
#ifndef EX_H
#define EX_H

#include "ar.h"
#include "vl.h"

#include <stdbool.h>
#include <stddef.h>

/* Spaces the caller fills in; index 0 is reserved for aggregate results. */
enum { EX_SPACE_AGG = 0, EX_SPACE_MAX = 8 };

typedef struct ex_env {
    const vl_value *space[EX_SPACE_MAX];
} ex_env;

typedef enum ex_symkind {
    EX_SYM_NONE = 0, /* unknown name */
    EX_SYM_VALUE,    /* a slot: env.space[space][index], of type `type` */
    EX_SYM_CONST,    /* a constant known at load: `value` of type `type` */
    EX_SYM_RELATION, /* a relation aggregates can range over: `relation` */
} ex_symkind;

typedef struct ex_symbol {
    ex_symkind kind;
    vl_type type;
    int space, index; /* EX_SYM_VALUE */
    vl_value value;   /* EX_SYM_CONST */
    int relation;     /* EX_SYM_RELATION: caller's relation id, >= 0 */
    bool one_row;     /* EX_SYM_RELATION: at most one row per entity, so pick(R, e)
                         needs no 'where' */
    bool own;         /* EX_SYM_RELATION: the entity's own input, one row per result:
                         an aggregate over it is an error that says what to write */
    bool fixed;       /* EX_SYM_VALUE: the same in every row of a run (as_of): what
                         is worked out from it (a date's year, month and day) is
                         worth remembering from one row to the next */
    /* Also for EX_SYM_VALUE: may this name be used as a plain value when it
     * is also a relation? (A tally is both: `deductions` is its weighted
     * total, `any(deductions, all_points)` ranges over its items.) */
} ex_symbol;

/* Resolve `name` (n bytes) seen in `scope`: -1 is the entity scope; a
 * relation id >= 0 is the row scope inside an aggregate over it. A name
 * that is both a value and a relation is looked up twice: first with
 * want_relation false, then true. Return false if the name is unknown. */
typedef bool (*ex_resolve_fn)(void *ctx, int scope, const char *name, size_t n, bool want_relation,
                              ex_symbol *out);

/* Suggest a close known name for an unknown one ("did you mean"), or NULL.
 * (Function names are suggested by ex itself.) */
typedef const char *(*ex_suggest_fn)(void *ctx, int scope, const char *name, size_t n);

/* Report an error at byte offset `off` (length `len`) into the source text
 * being compiled. The message is one line and names the offending text. */
typedef void (*ex_error_fn)(void *ctx, size_t off, size_t len, const char *msg);

typedef struct ex_hooks {
    ex_resolve_fn resolve;
    ex_suggest_fn suggest; /* may be NULL */
    ex_error_fn error;
    void *ctx;
} ex_hooks;

/* min/max are aggregates when their first argument is a relation and not
 * a value; for a name that is both (a tally), when there is a 'where', or
 * when the second argument only resolves in the relation's rows:
 * max(deducted, points) ranges over items, min(bonus, 4) caps the total. */
typedef enum ex_aggop {
    EX_AGG_COUNT, /* count(R [where c])            -> integer (weighted)   */
    EX_AGG_SUM,   /* sum(R, e [where c])           -> type of e (int/dec)  */
    EX_AGG_AVG,   /* avg(R, e [where c])           -> decimal, missing if none */
    EX_AGG_MIN,   /* min(R, e [where c])           -> type of e, missing if none */
    EX_AGG_MAX,   /* max(R, e [where c])                                    */
    EX_AGG_ANY,   /* any(R, c [where f])           -> boolean, false if none */
    EX_AGG_ALL,   /* all(R, c [where f])           -> boolean, true if none  */
    EX_AGG_SHARE, /* share(R, c [where f])         -> decimal 0..1, missing if none */
    EX_AGG_PICK,  /* pick(R, e where c)            -> e from the one row where c
                     holds; missing if none or more than one. Without 'where'
                     on a relation of at most one row per entity. Text is
                     kept as a pointer into the row: the caller copies it
                     when the row matches, before the next row is read   */
    /* distinct(R, e [where c]) -> integer: how many distinct values e takes
     * (rows where e is missing are not counted), 0 if none */
    EX_AGG_DISTINCT,
} ex_aggop;

typedef struct ex_expr ex_expr;

typedef struct ex_agg {
    ex_aggop op;
    int relation;        /* caller's relation id */
    const ex_expr *arg;  /* row scope; NULL for count */
    const ex_expr *cond; /* row scope filter; NULL if none */
    vl_type type;        /* result type */
    const char *text;    /* source text of the whole call, for explanations */
    int index;           /* slot in EX_SPACE_AGG */
    /* Groups inside an entity: the rows are split by the value of `by`
     * (distinct: by is arg), and the caller keeps one accumulator per
     * group. `inner` (NULL for distinct) is the aggregate of each group,
     * whose values op then aggregates: min(members by group, count()). */
    const ex_expr *by;
    const struct ex_agg *inner;
} ex_agg;

/* Accumulator for one aggregate slot, per entity. Plain data: zero it with
 * ex_acc_init, no allocation, no pointers into row buffers. 48 bytes: an
 * aggregate uses one of dsum, isum and best, so they share their bytes, and
 * five accumulators take four cache lines of an entity, not five (every
 * row folded steps each of them). All-zero bytes are the empty state of
 * each (VL_MISSING is 0). */
typedef struct ex_acc {
    double n;    /* rows (weighted) that passed the filter and whose
                    argument was present: the denominator of avg/share */
    double hits; /* rows (weighted) where the condition held (any/all/
                    share); rows matched, unweighted (pick); values seen
                    (min/max); -1 once an integer sum overflowed */
    union {
        double dsum;   /* sum of decimals, avg */
        int64_t isum;  /* exact sum of integers */
        vl_value best; /* min / max / pick; a pick's text points into the row
                          (see EX_AGG_PICK) */
    };
    const char *why;  /* the first skipped row's cause */
    uint32_t missing; /* rows skipped because their argument or their
                         'where' filter was missing (unweighted) */
} ex_acc;

typedef struct ex_compiler ex_compiler;

/* One compiler per pack; everything it builds lives in `arena`. */
ex_compiler *ex_compiler_new(ar_arena *arena, const ex_hooks *hooks);

/* Parse, type-check and compile src[0..n) in `scope`. `want` is the
 * required result type, or kind VL_MISSING for any (an integer expression
 * is widened where a decimal is wanted). Returns NULL after reporting every
 * error found through hooks->error: the first syntax error, or every
 * independent name and type error. Re-entrant: hooks->resolve may compile
 * another expression on the same compiler. Aggregate slots lifted by a
 * failed compile are released, unless a nested compile lifted slots after
 * them. */
const ex_expr *ex_compile(ex_compiler *c, const char *src, size_t n, int scope, vl_type want);

vl_type ex_type(const ex_expr *e);
/* NUL-terminated copy of the source, for expressions ex_compile returned and
 * for an ex_agg's arg and cond ("" for other subexpressions). */
const char *ex_text(const ex_expr *e);

/* Aggregates lifted out so far, in order of appearance (indices 0..n-1). */
int ex_agg_count(const ex_compiler *c);
const ex_agg *ex_agg_get(const ex_compiler *c, int i);
/* The expressions an aggregate reads for each row, in source order: arg,
 * cond, by (unless it is arg), the inner aggregate's arg and cond. Every
 * walk over "what an aggregate reads" goes through this, so a grouped
 * aggregate's by and inner expression are never left out. Writes the
 * non-NULL ones to out and returns how many (at most EX_AGG_NPARTS). */
enum { EX_AGG_NPARTS = 5 };
int ex_agg_parts(const ex_agg *g, const ex_expr *out[EX_AGG_NPARTS]);
/* Forget the aggregates lifted after the first n, when every expression that
 * reads them has been thrown away (a measure's attempt that will be retried:
 * one of its expressions may have compiled before another needed a measure
 * not compiled yet). */
void ex_agg_forget(ex_compiler *c, int n);

/* Names of entity-scope symbols (kind EX_SYM_VALUE) an expression reads, in
 * order of first use, for dependency ordering and "unused" warnings.
 * Slots read inside aggregates count too. Writes at most cap indices and
 * returns how many distinct ones there are (exact when that is <= cap). */
int ex_refs(const ex_expr *e, int space, int *indices, int cap);
/* Does the expression hold an aggregate? */
bool ex_has_agg(const ex_expr *e);

/* Never allocates. A slot holding VL_MISSING with why NULL reads as
 * missing with why "<name> has no value". */
vl_value ex_eval(const ex_expr *e, const ex_env *env);
/* An expression of numbers, dates and booleans is also compiled into a
 * straight-line program that ex_eval runs first; it gives up on any row
 * with a missing operand, an overflow, a zero divisor or a date out of
 * range, and the tree is evaluated then. ex_eval_careful evaluates the
 * tree only, the reference the program must agree with (tests);
 * ex_has_fast says whether e has a program. */
vl_value ex_eval_careful(const ex_expr *e, const ex_env *env);
bool ex_has_fast(const ex_expr *e);

void ex_acc_init(ex_acc *a);
/* Feed one row (in env, row scope) with weight w (1 for a CSV row; an item
 * count for tallies). Not for grouped aggregates (see below), which it only
 * filters. */
void ex_agg_step(const ex_agg *g, ex_acc *a, const ex_env *env, double w);
/* ex_agg_step in two halves, for a row read on one thread and stepped on
 * another: ex_agg_pre evaluates what the row gives the (ungrouped)
 * aggregate, its filter's value in pre[0] (true if it has none) and, if
 * that passes, its argument's in pre[1]; ex_agg_step_pre then steps the
 * accumulator with them exactly as ex_agg_step would with the row. cond is
 * the filter's value, NULL if g has none; arg the argument's, read only
 * if the filter passes and g is not a count (NULL then). */
void ex_agg_pre(const ex_agg *g, const ex_env *env, vl_value pre[2]);
/* ex_agg_pre for several aggregates over one relation at once, in one
 * program made by ex_pre_compile (in `a`, before any row is run; then it is
 * only read, and threads may share it): a subexpression they share
 * (years_between(birth_date, as_of) in an average, a count's filter and a
 * pick's argument) is worked out once a row. For aggregate k, ex_pre_run
 * writes what ex_agg_pre gives to pre[pc[k]] (its filter's value) and
 * pre[pa[k]] (its argument's), each where it is >= 0. A row the program
 * does not finish (a missing value, an overflow: see ex_fast_run), and an
 * aggregate it does not compute (a part with text or `in`), go through
 * ex_agg_pre itself. Grouped aggregates are not for ex_agg_pre: with one
 * among them, ex_pre_compile returns NULL. */
typedef struct ex_pre ex_pre;
const ex_pre *ex_pre_compile(ar_arena *a, const ex_agg *const *aggs, const int *pc, const int *pa,
                             int n);
void ex_pre_run(const ex_pre *x, const ex_env *env, vl_value *pre);
void ex_agg_step_pre(const ex_agg *g, ex_acc *a, const vl_value *cond, const vl_value *arg,
                     double w);
/* Grouped aggregates (g->by set): the caller streams each row through
 * ex_agg_group_key, which applies the filter and gives the row's group
 * (false if the row is filtered out, or its group value is missing: then
 * noted in a as a skipped row); it steps g->inner (if any) over the rows of
 * that group in a per-group accumulator. At the end it feeds each group's
 * ex_agg_final(g->inner, ...) to ex_agg_step_value on the entity's
 * accumulator, once per group (distinct: any value, it counts groups), and
 * reads the result with ex_agg_final as usual. */
bool ex_agg_group_key(const ex_agg *g, ex_acc *a, const ex_env *env, vl_value *key);
void ex_agg_step_value(const ex_agg *g, ex_acc *a, vl_value v, double w);
/* For avg/min/max/share over no usable row, the result is missing with
 * the first skipped row's cause if any row was skipped, else "no rows for
 * '<call>'"; pick says "no row matches in ..." / "more than one row
 * matches in ...". */
vl_value ex_agg_final(const ex_agg *g, const ex_acc *a);

/* A readable account of a condition's outcome with the values involved,
 * e.g. "avg_age 56.3 ≥ 55", "progress 55 < 60 or secretary_age 62 > 60",
 * "progress missing (进度 is empty) < 60". For a comparison, the left side
 * is shown as its source text and value, the right side as its value when
 * it is a literal or constant, else as text and value. Writes a
 * NUL-terminated string (truncated to cap) and returns its length. */
size_t ex_describe(const ex_expr *e, const ex_env *env, char *buf, size_t cap);

/* ---- mutation testing ----------------------------------------------------
 * `rosterflag test --mutate` changes a compiled pack a little, in place, runs
 * its cases and undoes the change. A compiled expression offers the places
 * such a change can be made (sites); the evaluator knows nothing of them. */
typedef enum ex_sitekind {
    EX_SITE_CMP,   /* a comparison: its operator becomes the neighbour */
    EX_SITE_LOGIC, /* and <-> or */
    EX_SITE_NUM,   /* a number written in the expression */
    EX_SITE_CONST, /* a named constant folded into it */
} ex_sitekind;

enum { EX_CMP_NONE = -1, EX_CMP_LT, EX_CMP_LE, EX_CMP_GT, EX_CMP_GE, EX_CMP_EQ, EX_CMP_NE };

typedef struct ex_site {
    ex_sitekind kind;
    void *at;                            /* what a change overwrites: `size` bytes */
    size_t size;                         /* CMP, LOGIC: the operator; NUM, CONST: a vl_value */
    unsigned char alt[sizeof(vl_value)]; /* CMP, LOGIC: the bytes of the other operator */
    const char *alt_text;                /* CMP, LOGIC: that operator as written */
    vl_value val;                        /* NUM, CONST: the value now */
    const char *base;                    /* the compile's source copy (ex_text of its root) */
    uint32_t off, len;                   /* the operator's or number's bytes in base */
    const char *name;                    /* CONST: the constant's name (namelen bytes) */
    size_t namelen;
    /* For a hint at the value that tells a change apart: the comparison the
     * site is or sits in (its right side), and its left side's text. */
    int cmp; /* EX_CMP_*, EX_CMP_NONE */
    uint32_t lhs_off, lhs_len;
    bool rhs_number; /* CMP: its right side is a number or constant, rhs_val */
    vl_value rhs_val;
} ex_site;

/* The sites of e, aggregates' arguments and filters included: writes at
 * most cap to out and returns how many there are. */
int ex_sites(const ex_expr *e, ex_site *out, int cap);

#endif
