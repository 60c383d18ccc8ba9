/* ex_parse: recursive-descent parser from tokens to an untyped tree.
 *
 * Syntax errors stop the parse at the first one: after a misplaced token
 * the parser cannot know what the author meant, and guessing produces
 * follow-on errors that are noise. Type errors, found later on a complete
 * tree, are reported all at once. */
#include "ex_int.h"

#include <stdio.h>
#include <string.h>

typedef struct parser {
    ex_compiler *c;
    ex_lexer lx;
    const char *src;
    size_t n;
    ex_token cur, ahead;
    bool has_ahead;
    uint32_t last_end; /* end of the last consumed token: where a node ends */
    int depth;
    bool failed;
} parser;

ex_expr *ex_node(ex_compiler *c, ex_op op, const char *src, uint32_t off, uint32_t len)
{
    ex_expr *e = ar_alloc(c->arena, sizeof *e);
    e->op = op;
    e->src = src + off;
    e->off = off;
    e->len = len;
    e->height = 1;
    return e;
}

static void advance(parser *p)
{
    p->last_end = p->cur.off + p->cur.len;
    if (p->has_ahead) {
        p->cur = p->ahead;
        p->has_ahead = false;
    } else {
        ex_lex_next(&p->lx, &p->cur);
    }
    /* The lexer has reported a malformed token already; anything the
     * parser said about it would only repeat that. */
    if (p->cur.kind == EX_T_ERROR)
        p->failed = true;
}

static const ex_token *peek(parser *p)
{
    if (!p->has_ahead) {
        ex_lex_next(&p->lx, &p->ahead);
        p->has_ahead = true;
    }
    return &p->ahead;
}

/* Report a syntax error at the current token: fmt is the expectation, the
 * token found is appended as ", found 'x'". */
static void fail(parser *p, const char *expected)
{
    if (p->failed)
        return;
    p->failed = true;
    if (p->cur.kind == EX_T_EOF) {
        ex_error(p->c, p->n, 0, "%s, found end of expression", expected);
        return;
    }
    char b[EX_SNIP];
    const char *kw =
        p->cur.kind == EX_T_NAME ? ex_keyword_folded(p->src + p->cur.off, p->cur.len) : NULL;
    ex_error(p->c, p->cur.off, p->cur.len, "%s, found '%s'%s%s%s", expected,
             ex_snip(b, p->src + p->cur.off, p->cur.len),
             kw ? " (keywords are lowercase: write '" : "", kw ? kw : "", kw ? "')" : "");
}

static void fail_deep(parser *p)
{
    if (p->failed)
        return;
    p->failed = true;
    ex_error(p->c, p->cur.off, p->cur.len ? p->cur.len : 1,
             "expression nested too deeply (more than %d levels)", EX_MAX_DEPTH);
}

static ex_expr *mk(parser *p, ex_op op, uint32_t start)
{
    return ex_node(p->c, op, p->src, start, p->last_end - start);
}

/* Attach kids and check the tree's height, which loops (a + b + c + ...)
 * can grow without deepening the parser's own recursion. */
static bool set_kids(parser *p, ex_expr *e, ex_expr **kids, int n)
{
    e->nkids = n;
    e->kids = ar_alloc(p->c->arena, sizeof *kids * (size_t)(n ? n : 1));
    uint32_t h = 0;
    for (int i = 0; i < n; i++) {
        e->kids[i] = kids[i];
        if (kids[i]->height > h)
            h = kids[i]->height;
    }
    e->height = h + 1;
    if (e->height > EX_MAX_HEIGHT && !p->failed) {
        p->failed = true;
        ex_error(p->c, e->off, e->len,
                 "expression nested too deeply (more than %d operations in a chain)",
                 EX_MAX_HEIGHT);
        return false;
    }
    return true;
}

static ex_expr *binary(parser *p, ex_op op, uint32_t start, ex_expr *l, ex_expr *r)
{
    ex_expr *e = mk(p, op, start);
    ex_expr *kids[2] = {l, r};
    return set_kids(p, e, kids, 2) ? e : NULL;
}

static ex_expr *parse_expr(parser *p);

/* A growable list of nodes in the arena; the abandoned copies stay in the
 * arena, which costs O(n) in total and no malloc. */
typedef struct nodelist {
    ex_expr **v;
    int n, cap;
} nodelist;

static void push(parser *p, nodelist *l, ex_expr *e)
{
    if (l->n == l->cap) {
        int cap = l->cap ? l->cap * 2 : 4;
        ex_expr **v = ar_alloc(p->c->arena, sizeof *v * (size_t)cap);
        if (l->n)
            memcpy(v, l->v, sizeof *v * (size_t)l->n);
        l->v = v;
        l->cap = cap;
    }
    l->v[l->n++] = e;
}

/* args := expr ['by' expr] {',' expr} ['where' expr]   (the checker
 *         decides which shapes each function accepts; `by` is read as a
 *         word only there, so it stays free as a name elsewhere) */
static ex_expr *parse_call(parser *p, const ex_token *name)
{
    ex_expr *e = ex_node(p->c, EX_O_CALL, p->src, name->off, 0);
    e->name = name->str;
    e->namelen = name->slen;
    advance(p); /* '(' */
    nodelist args = {0};
    char b[EX_SNIP], what[EX_SNIP + 40];
    snprintf(what, sizeof what, "expected ')' after arguments of '%s'",
             ex_snip(b, name->str, name->slen));
    if (p->cur.kind != EX_T_RPAREN) {
        for (;;) {
            ex_expr *a = parse_expr(p);
            if (!a)
                return NULL;
            push(p, &args, a);
            if (args.n == 1 && p->cur.kind == EX_T_NAME && p->cur.slen == 2 &&
                memcmp(p->cur.str, "by", 2) == 0 && p->src[p->cur.off] != '`') {
                advance(p);
                e->by = parse_expr(p);
                if (!e->by)
                    return NULL;
            }
            if (p->cur.kind != EX_T_COMMA)
                break;
            advance(p);
        }
        if (p->cur.kind == EX_T_WHERE) {
            e->where_off = p->cur.off;
            advance(p);
            e->where = parse_expr(p);
            if (!e->where)
                return NULL;
        }
    }
    if (p->cur.kind != EX_T_RPAREN) {
        fail(p, what);
        return NULL;
    }
    advance(p);
    e->len = p->last_end - e->off;
    if (!set_kids(p, e, args.v, args.n))
        return NULL;
    if (e->where && e->where->height + 1 > e->height)
        e->height = e->where->height + 1;
    if (e->by && e->by->height + 1 > e->height)
        e->height = e->by->height + 1;
    return e;
}

/* primary := number | string | 'true' | 'false' | name | '(' expr ')'
 *          | name '(' args ')' */
static ex_expr *parse_primary(parser *p)
{
    ex_token t = p->cur;
    ex_expr *e;
    switch (t.kind) {
    case EX_T_INT:
    case EX_T_DEC:
    case EX_T_STR:
    case EX_T_TRUE:
    case EX_T_FALSE:
        advance(p);
        e = mk(p, EX_O_LIT, t.off);
        if (t.kind == EX_T_INT) {
            e->val = vl_int(t.i);
        } else if (t.kind == EX_T_DEC) {
            e->val = vl_dec(t.d);
        } else if (t.kind == EX_T_STR) {
            e->val = vl_text(t.str, t.slen);
        } else {
            e->val = vl_bool(t.kind == EX_T_TRUE);
        }
        e->type.kind = e->val.kind;
        return e;
    case EX_T_NAME:
        /* A backquoted name is never a function: `a b`(x) is not a call. */
        if (p->src[t.off] != '`' && peek(p)->kind == EX_T_LPAREN) {
            advance(p);
            return parse_call(p, &t);
        }
        advance(p);
        e = mk(p, EX_O_NAME, t.off);
        e->name = t.str;
        e->namelen = t.slen;
        return e;
    case EX_T_LPAREN: {
        advance(p);
        e = parse_expr(p);
        if (!e)
            return NULL;
        if (p->cur.kind != EX_T_RPAREN) {
            char b[EX_SNIP], what[EX_SNIP + 32];
            snprintf(what, sizeof what, "expected ')' to close '%s'",
                     ex_snip(b, p->src + t.off, p->last_end - t.off));
            fail(p, what);
            return NULL;
        }
        advance(p);
        return e;
    }
    default:
        fail(p, "expected a value");
        return NULL;
    }
}

/* unary := '-' unary | primary */
static ex_expr *parse_unary(parser *p)
{
    if (p->cur.kind != EX_T_MINUS)
        return parse_primary(p);
    uint32_t start = p->cur.off;
    if (++p->depth > EX_MAX_DEPTH) {
        fail_deep(p);
        return NULL;
    }
    advance(p);
    ex_expr *x = parse_unary(p);
    p->depth--;
    if (!x)
        return NULL;
    ex_expr *e = mk(p, EX_O_NEG, start);
    return set_kids(p, e, &x, 1) ? e : NULL;
}

/* mul := unary { ('*' | '/' | '%') unary } */
static ex_expr *parse_mul(parser *p)
{
    uint32_t start = p->cur.off;
    ex_expr *l = parse_unary(p);
    while (l && !p->failed &&
           (p->cur.kind == EX_T_STAR || p->cur.kind == EX_T_SLASH || p->cur.kind == EX_T_PERCENT)) {
        ex_op op = p->cur.kind == EX_T_STAR    ? EX_O_MUL
                   : p->cur.kind == EX_T_SLASH ? EX_O_DIV
                                               : EX_O_MOD;
        advance(p);
        ex_expr *r = parse_unary(p);
        l = r ? binary(p, op, start, l, r) : NULL;
    }
    return p->failed ? NULL : l;
}

/* add := mul { ('+' | '-') mul } */
static ex_expr *parse_add(parser *p)
{
    uint32_t start = p->cur.off;
    ex_expr *l = parse_mul(p);
    while (l && !p->failed && (p->cur.kind == EX_T_PLUS || p->cur.kind == EX_T_MINUS)) {
        ex_op op = p->cur.kind == EX_T_PLUS ? EX_O_ADD : EX_O_SUB;
        advance(p);
        ex_expr *r = parse_mul(p);
        l = r ? binary(p, op, start, l, r) : NULL;
    }
    return p->failed ? NULL : l;
}

static bool is_cmpop(ex_tok k)
{
    return k == EX_T_EQ || k == EX_T_NE || k == EX_T_LT || k == EX_T_LE || k == EX_T_GT ||
           k == EX_T_GE;
}

/* list := '[' expr {',' expr} ']'   (after 'in' or 'not in') */
static ex_expr *parse_in(parser *p, uint32_t start, ex_expr *lhs, bool negate)
{
    if (p->cur.kind != EX_T_LBRACK) {
        fail(p, negate ? "expected '[' after 'not in'" : "expected '[' after 'in'");
        return NULL;
    }
    advance(p);
    nodelist items = {0};
    push(p, &items, lhs);
    for (;;) {
        ex_expr *x = parse_expr(p);
        if (!x)
            return NULL;
        push(p, &items, x);
        if (p->cur.kind == EX_T_COMMA) {
            advance(p);
            continue;
        }
        if (p->cur.kind == EX_T_RBRACK)
            break;
        fail(p, "expected ',' or ']' in the list after 'in'");
        return NULL;
    }
    advance(p);
    ex_expr *e = mk(p, EX_O_IN, start);
    e->negate = negate;
    return set_kids(p, e, items.v, items.n) ? e : NULL;
}

/* cmp := add [ cmpop add ] | add ['not'] 'in' '[' expr {',' expr} ']' */
static ex_expr *parse_cmp(parser *p)
{
    uint32_t start = p->cur.off;
    ex_expr *l = parse_add(p);
    if (!l)
        return NULL;
    if (p->cur.kind == EX_T_IN) {
        advance(p);
        return parse_in(p, start, l, false);
    }
    if (p->cur.kind == EX_T_NOT && peek(p)->kind == EX_T_IN) {
        advance(p);
        advance(p);
        return parse_in(p, start, l, true);
    }
    if (!is_cmpop(p->cur.kind))
        return l;
    ex_tok k = p->cur.kind;
    ex_op op = k == EX_T_EQ   ? EX_O_EQ
               : k == EX_T_NE ? EX_O_NE
               : k == EX_T_LT ? EX_O_LT
               : k == EX_T_LE ? EX_O_LE
               : k == EX_T_GT ? EX_O_GT
                              : EX_O_GE;
    advance(p);
    ex_expr *r = parse_add(p);
    if (!r)
        return NULL;
    if (is_cmpop(p->cur.kind)) {
        if (!p->failed) {
            p->failed = true;
            char b[EX_SNIP];
            ex_error(p->c, p->cur.off, p->cur.len,
                     "comparisons cannot be chained: '%s' is followed by another comparison "
                     "(write 'a < b and b < c')",
                     ex_snip(b, p->src + start, p->last_end - start));
        }
        return NULL;
    }
    return binary(p, op, start, l, r);
}

/* not := ('not' | '!') not | cmp */
static ex_expr *parse_not(parser *p)
{
    if (p->cur.kind != EX_T_NOT)
        return parse_cmp(p);
    uint32_t start = p->cur.off;
    if (++p->depth > EX_MAX_DEPTH) {
        fail_deep(p);
        return NULL;
    }
    advance(p);
    ex_expr *x = parse_not(p);
    p->depth--;
    if (!x)
        return NULL;
    ex_expr *e = mk(p, EX_O_NOT, start);
    return set_kids(p, e, &x, 1) ? e : NULL;
}

/* and := not { ('and' | '&&') not } */
static ex_expr *parse_and(parser *p)
{
    uint32_t start = p->cur.off;
    ex_expr *l = parse_not(p);
    while (l && !p->failed && p->cur.kind == EX_T_AND) {
        advance(p);
        ex_expr *r = parse_not(p);
        l = r ? binary(p, EX_O_AND, start, l, r) : NULL;
    }
    return p->failed ? NULL : l;
}

/* or := and { ('or' | '||') and } */
static ex_expr *parse_or(parser *p)
{
    uint32_t start = p->cur.off;
    ex_expr *l = parse_and(p);
    while (l && !p->failed && p->cur.kind == EX_T_OR) {
        advance(p);
        ex_expr *r = parse_and(p);
        l = r ? binary(p, EX_O_OR, start, l, r) : NULL;
    }
    return p->failed ? NULL : l;
}

/* expr := 'if' expr 'then' expr 'else' expr | or */
static ex_expr *parse_expr(parser *p)
{
    if (++p->depth > EX_MAX_DEPTH) {
        fail_deep(p);
        return NULL;
    }
    ex_expr *e = NULL;
    if (p->cur.kind != EX_T_IF) {
        e = parse_or(p);
    } else {
        uint32_t start = p->cur.off;
        ex_expr *kids[3] = {NULL, NULL, NULL};
        advance(p);
        kids[0] = parse_expr(p);
        if (kids[0] && p->cur.kind != EX_T_THEN)
            fail(p, "expected 'then' after the condition of 'if'");
        if (kids[0] && !p->failed) {
            advance(p);
            kids[1] = parse_expr(p);
            if (kids[1] && p->cur.kind != EX_T_ELSE)
                fail(p, "expected 'else' after the 'then' branch of 'if'");
            if (kids[1] && !p->failed) {
                advance(p);
                kids[2] = parse_expr(p);
            }
        }
        if (kids[2] && !p->failed) {
            e = mk(p, EX_O_IF, start);
            if (!set_kids(p, e, kids, 3))
                e = NULL;
        }
    }
    p->depth--;
    return p->failed ? NULL : e;
}

ex_expr *ex_parse(ex_compiler *c, const char *src, size_t n)
{
    parser p;
    memset(&p, 0, sizeof p);
    p.c = c;
    p.src = src;
    p.n = n;
    ex_lex_init(&p.lx, c, src, n);
    ex_lex_next(&p.lx, &p.cur);
    if (p.cur.kind == EX_T_ERROR)
        return NULL;
    if (p.cur.kind == EX_T_EOF) {
        ex_error(c, 0, n, "empty expression");
        return NULL;
    }
    ex_expr *e = parse_expr(&p);
    if (e && p.cur.kind != EX_T_EOF) {
        if (p.cur.kind == EX_T_WHERE)
            fail(&p, "'where' is only allowed inside an aggregate like count(R where c); "
                     "expected end of expression");
        else
            fail(&p, "expected end of expression");
        return NULL;
    }
    return p.failed ? NULL : e;
}
