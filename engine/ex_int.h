/* ex_int: what the stages of the expression module share (lexer, parser,
 * checker, evaluator). Not part of the library interface. */
#ifndef EX_INT_H
#define EX_INT_H

#include "ex.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Recursion in the parser is bounded by EX_MAX_DEPTH nested constructs;
 * left-associative chains (a + b + c ...) are built by loops, so the tree's
 * height is bounded separately: the checker and evaluator recurse over it. */
enum { EX_MAX_DEPTH = 200, EX_MAX_HEIGHT = 1000 };

/* ---- lexer ---- */

typedef enum ex_tok {
    EX_T_EOF,
    EX_T_INT,
    EX_T_DEC,
    EX_T_STR,
    EX_T_NAME,
    EX_T_LPAREN,
    EX_T_RPAREN,
    EX_T_LBRACK,
    EX_T_RBRACK,
    EX_T_COMMA,
    EX_T_PLUS,
    EX_T_MINUS,
    EX_T_STAR,
    EX_T_SLASH,
    EX_T_PERCENT,
    EX_T_EQ,
    EX_T_NE,
    EX_T_LT,
    EX_T_LE,
    EX_T_GT,
    EX_T_GE,
    EX_T_AND,
    EX_T_OR,
    EX_T_NOT,
    EX_T_IF,
    EX_T_THEN,
    EX_T_ELSE,
    EX_T_IN,
    EX_T_WHERE,
    EX_T_TRUE,
    EX_T_FALSE,
    EX_T_ERROR, /* already reported */
} ex_tok;

typedef struct ex_token {
    ex_tok kind;
    uint32_t off, len; /* span in the source, quotes included */
    const char *str;   /* EX_T_NAME / EX_T_STR: the name or decoded text */
    size_t slen;
    int64_t i; /* EX_T_INT */
    double d;  /* EX_T_DEC */
} ex_token;

typedef struct ex_lexer {
    ex_compiler *c;
    const char *src;
    size_t n, pos;
} ex_lexer;

void ex_lex_init(ex_lexer *lx, ex_compiler *c, const char *src, size_t n);
/* Next token; a malformed one is reported and returned as EX_T_ERROR. */
void ex_lex_next(ex_lexer *lx, ex_token *t);
/* Decode one UTF-8 code point at s[0..n); returns its length, or 0 if the
 * bytes are not valid UTF-8. */
size_t ex_utf8_decode(const char *s, size_t n, uint32_t *cp);
/* The keyword s[0..n) spells in another case ("AND" -> "and"), or NULL:
 * keywords are lowercase, and errors say so when a pack writes them in
 * capitals. */
const char *ex_keyword_folded(const char *s, size_t n);

/* ---- tree ---- */

typedef enum ex_op {
    EX_O_LIT,   /* val: a literal, a folded date(), or a named constant */
    EX_O_NAME,  /* parsed name, replaced by the checker */
    EX_O_CALL,  /* parsed call, replaced by the checker */
    EX_O_SLOT,  /* env->space[space][index] */
    EX_O_AGG,   /* env->space[EX_SPACE_AGG][index] */
    EX_O_FN,    /* builtin function fn over kids */
    EX_O_TODEC, /* integer kid widened to decimal */
    EX_O_NEG,
    EX_O_NOT,
    EX_O_ADD,
    EX_O_SUB,
    EX_O_MUL,
    EX_O_DIV,
    EX_O_MOD,
    EX_O_EQ,
    EX_O_NE,
    EX_O_LT,
    EX_O_LE,
    EX_O_GT,
    EX_O_GE,
    EX_O_AND,
    EX_O_OR,
    EX_O_IN, /* kids[0] in kids[1..]; negate for 'not in' */
    EX_O_IF, /* kids: cond, then, else */
} ex_op;

typedef enum ex_fn {
    EX_F_MIN,
    EX_F_MAX,
    EX_F_CLAMP,
    EX_F_ABS,
    EX_F_ROUND,
    EX_F_YEAR,
    EX_F_MONTH,
    EX_F_DAY,
    EX_F_YEARS_BETWEEN,
    EX_F_DAYS_BETWEEN,
    EX_F_COALESCE,
    EX_F_MISSING,
    EX_F_FLOOR,
    EX_F_CEIL,
    EX_F_CONTAINS,
    EX_F_STARTS_WITH,
    EX_F_ENDS_WITH,
} ex_fn;

struct ex_expr {
    ex_op op;
    vl_type type;      /* VL_MISSING after a type error: suppresses follow-on errors */
    const char *src;   /* start of the node's text in the compile's source copy */
    uint32_t off, len; /* byte span in that source */
    uint32_t height;
    bool negate; /* EX_O_IN: 'not in' */
    bool named;  /* EX_O_LIT came from a named constant (shown with its name) */
    bool fixed;  /* EX_O_SLOT: the same in every row of a run (ex_symbol.fixed) */
    int nkids;
    ex_expr **kids;
    ex_expr *where; /* EX_O_CALL: the 'where' clause */
    uint32_t where_off;
    ex_expr *by;      /* EX_O_CALL: the 'by' clause after the relation */
    vl_value val;     /* EX_O_LIT */
    int space, index; /* EX_O_SLOT; index for EX_O_AGG */
    ex_fn fn;         /* EX_O_FN */
    const char *name; /* EX_O_NAME / EX_O_CALL */
    size_t namelen;
    const char *text;  /* NUL-terminated text, for roots and aggregate parts */
    const ex_agg *agg; /* EX_O_AGG */
    /* Roots and aggregate parts: the straight-line program for the common
     * case (ex_fast.c), or NULL when the tree is always evaluated as is. */
    const struct ex_prog *prog;
    /* A root comparison of an expression with a literal: ex_describe's
     * text before and after the left side's value ("score " and " ≤ 6"),
     * made at compile time, with the operator and literal it was made for
     * (a mutant that changes either is described the long way). */
    const char *tpl_pre, *tpl_post;
    uint32_t tpl_pren, tpl_postn;
    ex_op tpl_op;
    vl_value tpl_rval;
};

/* An aggregate slot with what ex_agg_final needs to say why it is missing. */
typedef struct ex_aggi {
    ex_agg pub;
    const char *why_none; /* no row passed the filter */
    const char *why_many; /* pick: more than one row matched */
} ex_aggi;

struct ex_compiler {
    ar_arena *arena;
    ex_hooks hooks;
    ex_aggi **aggs;
    int naggs, capaggs;
    int nerrors;  /* in the current compile */
    int nsuccess; /* compiles that succeeded, to detect nested ones */
};

/* ---- shared helpers ---- */

void ex_error(ex_compiler *c, size_t off, size_t len, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 4, 5)))
#endif
    ;
/* s[0..n) as it should appear quoted in a one-line message: line breaks
 * and tabs become spaces, and long text is cut (never inside a UTF-8
 * sequence) and ends in "...". Writes into buf (EX_SNIP bytes) and
 * returns it. */
enum { EX_SNIP = 96 };
const char *ex_snip(char *buf, const char *s, size_t n);

ex_expr *ex_node(ex_compiler *c, ex_op op, const char *src, uint32_t off, uint32_t len);
/* Parse src[0..n) (a NUL-terminated arena copy) into an untyped tree, or
 * NULL after reporting a syntax error. */
ex_expr *ex_parse(ex_compiler *c, const char *src, size_t n);
/* Resolve, type-check and fold the tree in place; false after errors. */
bool ex_check(ex_compiler *c, ex_expr *root, int scope, vl_type want, ex_expr **out);

/* Make e's description template (see tpl_pre), if it is a comparison
 * with a literal on its right. */
void ex_describe_prepare(ar_arena *a, ex_expr *e);

/* The evaluator's three-way comparison of two present values of comparable
 * kinds, and contains / starts_with / ends_with (fn) of present texts:
 * shared with the fast path, so both read values by one rule. */
int ex_cmp(vl_value a, vl_value b);
bool ex_text_has(ex_fn fn, vl_value s, vl_value part);

/* ---- the fast path (ex_fast.c) ---- */

typedef struct ex_prog ex_prog;
/* The program for a checked tree, in `a`; NULL if the tree reads anything
 * it does not handle (text, enumerations, in, coalesce, missing), is too
 * large, or is a lone name or literal. */
const ex_prog *ex_fast_compile(ar_arena *a, const ex_expr *e);
/* Run it: true with *res the value the careful evaluation gives, or false
 * (nothing written) when a value is missing or of another kind, an integer
 * overflows, a divisor is zero or a date leaves the calendar; the caller
 * then evaluates the tree. */
bool ex_fast_run(const ex_prog *p, const ex_env *env, vl_value *res);

#endif
