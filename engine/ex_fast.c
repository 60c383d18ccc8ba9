/* ex_fast: a checked tree compiled once, at load, into a straight-line
 * program over plain 64-bit registers, for the common case: every value it
 * reads is present and of its declared kind, no integer overflows, nothing
 * is divided by zero, no date leaves the calendar. The moment any of that
 * fails the program gives up and the tree is evaluated by the careful path
 * (ex_eval.c), which knows every missing-value rule; since an expression
 * has no side effects, evaluating it again from the start is always right.
 * So the program only has to agree with the careful path where it finishes.
 *
 * Numbers, dates and booleans are compiled, and names or literals of text
 * and enumerations where they are compared or tested (contains, ...); an
 * expression with `in`, a function that looks at missing values (coalesce,
 * missing), or text or an enumeration anywhere else gets no program and
 * always takes the careful path.
 *
 * Mutation testing patches a compiled tree in place (a comparison's or a
 * logic node's operator, a literal's value: ex_sites). The program reads
 * those from the tree's nodes at run time, not from copies, so a patch
 * takes effect here too. */
#include "ex_int.h"

#include <math.h>
#include <stdatomic.h>
#include <string.h>

/* Bounds that keep the registers on the stack; a larger expression is
 * evaluated by the careful path only. */
enum { EX_FAST_REGS = 64, EX_FAST_INS = 256 };

typedef enum fop {
    F_TODEC, /* d = (double)a */
    /* texts, both operands names or literals read in place: comparisons
     * (EQ..GE order, operator checked as above) and the text tests */
    F_EQX,
    F_NEX,
    F_LTX,
    F_LEX,
    F_GTX,
    F_GEX,
    F_CONTAINS,
    F_STARTS,
    F_ENDS,
    F_NEGI,
    F_NEGD,
    F_NOT,
    F_ADDI,
    F_SUBI,
    F_MULI,
    F_MODI,
    F_ADDD,
    F_SUBD,
    F_MULD,
    F_DIVD,
    F_MODD,
    F_DATE_ADD, /* r[d] = date r[a] + days r[b] (the node's op says + or -) */
    /* comparisons, in the order of EX_O_EQ..EX_O_GE; each checks that its
     * node's operator is still the one compiled (a mutant may have changed
     * it: then the careful path evaluates) */
    F_EQI,
    F_NEI,
    F_LTI,
    F_LEI,
    F_GTI,
    F_GEI,
    F_EQD,
    F_NED,
    F_LTD,
    F_LED,
    F_GTD,
    F_GED,
    F_LOGIC, /* and/or, op read from the node: r[a] decides alone -> r[d], jump to b */
    F_JZ,    /* if !r[a] jump to b */
    F_JMP,   /* jump to b */
    F_MOV,
    F_MINI,
    F_MAXI,
    F_MIND,
    F_MAXD,
    F_CLAMPI,
    F_CLAMPD,
    F_ABSI,
    F_ABSD,
    F_ROUND,  /* r[d].d = vl_round(a, b clamped to +-15) */
    F_ROUND0, /* ... to 0 digits */
    F_FLOOR,
    F_CEIL,
    F_YEAR,
    F_MONTH,
    F_DAY,
    F_YEARS,
    F_DAYS,
    /* a subexpression several parts share (see fshare): */
    F_ONCE,     /* worked out already this run (flag `flag` set): jump to b */
    F_ONCE_SET, /* ... else set the flag: the copy writes the share's register */
    F_MOVSET,   /* r[d] = a, and set flag `flag` */
    /* the values of ex_pre_run, into out[jump]: */
    F_OUT,     /* r[a] as a value of kind okind */
    F_OUTV,    /* a name or literal as it is (any kind but missing) */
    F_OUTMISS, /* missing, as ex_agg_pre leaves an argument not read */
} fop;

typedef union ex_reg {
    int64_t i; /* integers, dates (days), booleans (0/1) */
    double d;
} ex_reg;

/* An operand: a register, or a name or literal read in place, so the
 * leaves of the tree cost no instruction of their own. */
typedef enum fmode {
    M_NONE, /* no operand (a jump's) */
    M_REG,
    M_SLOTI,   /* env->space[space][index], if it holds an integer */
    M_SLOTD,   /* ... a decimal */
    M_SLOTB,   /* ... a boolean */
    M_SLOTT,   /* ... a date */
    M_SLOTE,   /* ... an enumeration value (its ordinal) */
    M_SLOTX,   /* ... a text: read only by the text instructions, in place */
    M_SLOTI2D, /* ... an integer, read as a double (where a decimal is wanted) */
    M_LITI,    /* the node's value (read now: a mutant may have patched it) */
    M_LITD,
    M_LITB,
    M_LITT,
    M_LITE,
    M_LITX,
    M_LITI2D, /* an integer literal read as a double */
} fmode;

typedef struct ex_opd {
    uint8_t mode, kind; /* kind: what a slot or literal must hold */
    uint16_t reg;
    int32_t space, index;
    const ex_expr *e;
} ex_opd;

typedef struct ex_ins {
    uint8_t op;
    uint16_t d;       /* destination register */
    uint16_t jump;    /* LOGIC, JZ, JMP: where to go on */
    ex_opd a, b, c;   /* operands */
    const ex_expr *e; /* the node: a comparison's or logic's operator, read now */
    uint8_t flag;     /* ONCE, MOVSET: the shared subexpression's bit */
    uint8_t okind;    /* OUT: the value's kind */
    /* YEARS, YEAR, MONTH, DAY: for operand a and b, when it is the same in
     * every row (a literal, as_of), the day last turned into a year, month
     * and day, and those (vl_ymd_pack): the day in the high half, the
     * packed date in the low half (0: none yet). One word, so that threads
     * running one program read and write it whole, with no lock. */
    _Atomic uint64_t *memo[2];
} ex_ins;

struct ex_prog {
    int n;
    ex_opd res;
    vl_kind kind;
    /* One comparison of names and literals (progress < 60, the most common
     * condition): ex_fast_run does it without the loop. */
    bool one_cmp;
    ex_ins ins[];
};

/* ---- compiling ---- */

/* A subexpression found more than once in what one program computes
 * (years_between(birth_date, as_of) in an average, a count's filter and a
 * pick's argument): each copy's code is guarded, so the first copy the run
 * reaches works it out into `reg` and the others read it. */
enum { EX_FAST_SHARES = 64, EX_FAST_SEEN = 256 };
typedef struct fshare {
    const ex_expr *e; /* the first copy */
    int reg;          /* -1 until a copy is compiled */
    int uses;
    bool open; /* its copy is being compiled: compile the node itself */
} fshare;

typedef struct fc {
    ex_ins ins[EX_FAST_INS];
    int n, nregs;
    bool ok;
    ar_arena *a;
    fshare share[EX_FAST_SEEN];
    int nseen, nshare; /* share[0..nshare) are shared, after find_shares */
} fc;

static const ex_opd none;

static ex_opd fail(fc *f)
{
    f->ok = false;
    return none;
}

static ex_ins *emit(fc *f, fop op, const ex_expr *e)
{
    if (f->n == EX_FAST_INS) {
        fail(f);
        return NULL;
    }
    ex_ins *I = &f->ins[f->n++];
    memset(I, 0, sizeof *I);
    I->op = (uint8_t)op;
    I->e = e;
    return I;
}

static ex_opd reg(fc *f)
{
    if (f->nregs == EX_FAST_REGS)
        return fail(f);
    ex_opd o = none;
    o.mode = M_REG;
    o.reg = (uint16_t)f->nregs++;
    return o;
}

/* An instruction giving a fresh register. */
static ex_opd out3(fc *f, fop op, const ex_expr *e, ex_opd a, ex_opd b, ex_opd c)
{
    ex_opd d = reg(f);
    ex_ins *I = emit(f, op, e);
    if (!I)
        return none;
    I->d = d.reg;
    I->a = a;
    I->b = b;
    I->c = c;
    return d;
}

static ex_opd out(fc *f, fop op, const ex_expr *e, ex_opd a, ex_opd b)
{
    return out3(f, op, e, a, b, none);
}

/* A date operand's memo (ex_ins.memo), if it is the same in every row. */
static _Atomic uint64_t *memo_for(fc *f, ex_opd o)
{
    bool fixed = o.mode == M_LITT || (o.mode == M_SLOTT && o.e && o.e->fixed);
    if (!fixed || !f->ok)
        return NULL;
    _Atomic uint64_t *m = ar_alloc(f->a, sizeof *m);
    atomic_init(m, 0);
    return m;
}

/* An instruction on dates, with memos for its fixed operands. */
static ex_opd out_dates(fc *f, fop op, const ex_expr *e, ex_opd a, ex_opd b)
{
    ex_opd d = out(f, op, e, a, b);
    if (f->ok) {
        ex_ins *I = &f->ins[f->n - 1];
        I->memo[0] = memo_for(f, a);
        I->memo[1] = memo_for(f, b);
    }
    return d;
}

static bool plain(vl_kind k)
{
    return k == VL_INT || k == VL_DEC || k == VL_BOOL || k == VL_DATE;
}

static ex_opd node(fc *f, const ex_expr *e, vl_kind *kind);

/* A numeric operand as a double: the careful path's num(). */
static ex_opd as_dec(fc *f, const ex_expr *e, ex_opd x, vl_kind k)
{
    if (k != VL_INT)
        return x;
    /* an integer name or literal is read as a double where it is used */
    if (x.mode == M_SLOTI || x.mode == M_LITI) {
        x.mode = x.mode == M_SLOTI ? M_SLOTI2D : M_LITI2D;
        return x;
    }
    return out(f, F_TODEC, e, x, none);
}

static ex_opd arith(fc *f, const ex_expr *e, vl_kind *kind)
{
    vl_kind lk, rk;
    ex_opd l = node(f, e->kids[0], &lk);
    ex_opd r = node(f, e->kids[1], &rk);
    vl_kind t = e->type.kind;
    *kind = t;
    if (t == VL_INT && e->op == EX_O_SUB && lk == VL_DATE && rk == VL_DATE)
        return out(f, F_DAYS, e, r, l);
    if (t == VL_DATE) {
        if (e->op != EX_O_ADD && e->op != EX_O_SUB)
            return fail(f);
        if (lk == VL_DATE && rk == VL_INT)
            return out(f, F_DATE_ADD, e, l, r);
        if (lk == VL_INT && rk == VL_DATE && e->op == EX_O_ADD)
            return out(f, F_DATE_ADD, e, r, l);
        return fail(f);
    }
    if (t == VL_INT) {
        if (lk != VL_INT || rk != VL_INT)
            return fail(f);
        switch (e->op) {
        case EX_O_ADD:
            return out(f, F_ADDI, e, l, r);
        case EX_O_SUB:
            return out(f, F_SUBI, e, l, r);
        case EX_O_MUL:
            return out(f, F_MULI, e, l, r);
        case EX_O_MOD:
            return out(f, F_MODI, e, l, r);
        default:
            return fail(f);
        }
    }
    if (t != VL_DEC || (lk != VL_INT && lk != VL_DEC) || (rk != VL_INT && rk != VL_DEC))
        return fail(f);
    l = as_dec(f, e, l, lk);
    r = as_dec(f, e, r, rk);
    switch (e->op) {
    case EX_O_ADD:
        return out(f, F_ADDD, e, l, r);
    case EX_O_SUB:
        return out(f, F_SUBD, e, l, r);
    case EX_O_MUL:
        return out(f, F_MULD, e, l, r);
    case EX_O_DIV:
        return out(f, F_DIVD, e, l, r);
    case EX_O_MOD:
        return out(f, F_MODD, e, l, r);
    default:
        return fail(f);
    }
}

/* A comparison of two present values: integers, dates and booleans as
 * integers, a number against a decimal as doubles, as the careful cmp(). */
static ex_opd compare(fc *f, const ex_expr *e, vl_kind *kind)
{
    vl_kind lk, rk;
    ex_opd l = node(f, e->kids[0], &lk);
    ex_opd r = node(f, e->kids[1], &rk);
    *kind = VL_BOOL;
    bool num_l = lk == VL_INT || lk == VL_DEC, num_r = rk == VL_INT || rk == VL_DEC;
    int by = (int)e->op - (int)EX_O_EQ;
    if (lk == VL_TEXT && rk == VL_TEXT)
        return out(f, (fop)(F_EQX + by), e, l, r);
    if ((lk == VL_INT && rk == VL_INT) ||
        (lk == rk && (lk == VL_DATE || lk == VL_BOOL || lk == VL_ENUM)))
        return out(f, (fop)(F_EQI + by), e, l, r);
    if (num_l && num_r)
        return out(f, (fop)(F_EQD + by), e, as_dec(f, e, l, lk), as_dec(f, e, r, rk));
    return fail(f);
}

/* min, max, clamp: all arguments of one kind (the checker widened them). */
static ex_opd minmax(fc *f, const ex_expr *e, vl_kind *kind)
{
    ex_opd x[3], best = none;
    bool asd = e->type.kind == VL_DEC;
    *kind = e->type.kind;
    if (*kind != VL_INT && *kind != VL_DEC && *kind != VL_DATE)
        return fail(f);
    if (e->fn == EX_F_CLAMP && e->nkids != 3)
        return fail(f);
    for (int i = 0; i < e->nkids; i++) {
        vl_kind k;
        ex_opd v = node(f, e->kids[i], &k);
        if (k != *kind)
            return fail(f);
        if (e->fn == EX_F_CLAMP)
            x[i] = v;
        else if (i == 0)
            best = v;
        else
            best = out(f, e->fn == EX_F_MIN ? (asd ? F_MIND : F_MINI) : (asd ? F_MAXD : F_MAXI), e,
                       best, v);
    }
    if (e->fn != EX_F_CLAMP)
        return best;
    return out3(f, asd ? F_CLAMPD : F_CLAMPI, e, x[0], x[1], x[2]);
}

static ex_opd call(fc *f, const ex_expr *e, vl_kind *kind)
{
    vl_kind k, k2;
    ex_opd a, b;
    switch (e->fn) {
    case EX_F_MIN:
    case EX_F_MAX:
    case EX_F_CLAMP:
        return minmax(f, e, kind);
    case EX_F_ABS:
        a = node(f, e->kids[0], &k);
        *kind = k;
        if (k == VL_INT)
            return out(f, F_ABSI, e, a, none);
        if (k == VL_DEC)
            return out(f, F_ABSD, e, a, none);
        return fail(f);
    case EX_F_ROUND:
        a = node(f, e->kids[0], &k);
        if (k != VL_INT && k != VL_DEC)
            return fail(f);
        a = as_dec(f, e, a, k);
        *kind = VL_DEC;
        if (e->nkids == 1)
            return out(f, F_ROUND0, e, a, none);
        b = node(f, e->kids[1], &k2);
        if (k2 != VL_INT)
            return fail(f);
        return out(f, F_ROUND, e, a, b);
    case EX_F_FLOOR:
    case EX_F_CEIL:
        a = node(f, e->kids[0], &k);
        *kind = VL_INT;
        if (k == VL_INT)
            return a;
        if (k != VL_DEC)
            return fail(f);
        return out(f, e->fn == EX_F_FLOOR ? F_FLOOR : F_CEIL, e, a, none);
    case EX_F_YEAR:
    case EX_F_MONTH:
    case EX_F_DAY:
        a = node(f, e->kids[0], &k);
        *kind = VL_INT;
        if (k != VL_DATE)
            return fail(f);
        return out_dates(f,
                         e->fn == EX_F_YEAR    ? F_YEAR
                         : e->fn == EX_F_MONTH ? F_MONTH
                                               : F_DAY,
                         e, a, none);
    case EX_F_YEARS_BETWEEN:
    case EX_F_DAYS_BETWEEN:
        a = node(f, e->kids[0], &k);
        b = node(f, e->kids[1], &k2);
        *kind = VL_INT;
        if (k != VL_DATE || k2 != VL_DATE)
            return fail(f);
        if (e->fn == EX_F_DAYS_BETWEEN)
            return out(f, F_DAYS, e, a, b);
        return out_dates(f, F_YEARS, e, a, b);
    case EX_F_CONTAINS:
    case EX_F_STARTS_WITH:
    case EX_F_ENDS_WITH:
        a = node(f, e->kids[0], &k);
        b = node(f, e->kids[1], &k2);
        *kind = VL_BOOL;
        if (k != VL_TEXT || k2 != VL_TEXT)
            return fail(f);
        return out(f,
                   e->fn == EX_F_CONTAINS      ? F_CONTAINS
                   : e->fn == EX_F_STARTS_WITH ? F_STARTS
                                               : F_ENDS,
                   e, a, b);
    default:
        /* coalesce and missing look at missing values */
        return fail(f);
    }
}

static ex_opd leaf(fc *f, const ex_expr *e)
{
    ex_opd o = none;
    vl_kind k = e->type.kind;
    o.kind = (uint8_t)k;
    o.e = e;
    if (e->op == EX_O_LIT) {
        if (e->val.kind != k)
            return fail(f);
        o.mode = k == VL_BOOL   ? M_LITB
                 : k == VL_DATE ? M_LITT
                 : k == VL_DEC  ? M_LITD
                 : k == VL_ENUM ? M_LITE
                 : k == VL_TEXT ? M_LITX
                                : M_LITI;
        return o;
    }
    o.mode = k == VL_BOOL   ? M_SLOTB
             : k == VL_DATE ? M_SLOTT
             : k == VL_DEC  ? M_SLOTD
             : k == VL_ENUM ? M_SLOTE
             : k == VL_TEXT ? M_SLOTX
                            : M_SLOTI;
    o.space = e->op == EX_O_AGG ? EX_SPACE_AGG : e->space;
    o.index = e->index;
    if (o.space < 0 || o.space >= EX_SPACE_MAX)
        return fail(f);
    return o;
}

/* May every copy of e be worked out once? Not if a mutant could make the
 * copies differ: ex_sites patches a comparison's or a logic node's
 * operator, or a literal, in one copy only. */
static bool shareable(const ex_expr *e)
{
    switch (e->op) {
    case EX_O_SLOT:
    case EX_O_AGG:
        return true;
    case EX_O_FN:
    case EX_O_TODEC:
    case EX_O_NEG:
    case EX_O_NOT:
    case EX_O_ADD:
    case EX_O_SUB:
    case EX_O_MUL:
    case EX_O_DIV:
    case EX_O_MOD:
    case EX_O_IF:
        for (int i = 0; i < e->nkids; i++)
            if (!shareable(e->kids[i]))
                return false;
        return true;
    default:
        return false;
    }
}

/* The same computation: the same operations on the same names. */
static bool same_tree(const ex_expr *a, const ex_expr *b)
{
    if (a == b)
        return true;
    if (a->op != b->op || a->type.kind != b->type.kind || a->type.en != b->type.en ||
        a->nkids != b->nkids)
        return false;
    if (a->op == EX_O_SLOT && (a->space != b->space || a->index != b->index))
        return false;
    if (a->op == EX_O_AGG && a->index != b->index)
        return false;
    if (a->op == EX_O_FN && a->fn != b->fn)
        return false;
    for (int i = 0; i < a->nkids; i++)
        if (!same_tree(a->kids[i], b->kids[i]))
            return false;
    return true;
}

/* Note e's subexpressions that can be shared (a copy met again is not
 * looked into: its parts were noted with the first). */
static void note_shares(fc *f, const ex_expr *e)
{
    if (!e || e->op == EX_O_LIT || e->op == EX_O_SLOT || e->op == EX_O_AGG)
        return;
    if (plain(e->type.kind) && shareable(e)) {
        for (int s = 0; s < f->nseen; s++)
            if (same_tree(f->share[s].e, e)) {
                f->share[s].uses++;
                return;
            }
        if (f->nseen < EX_FAST_SEEN)
            f->share[f->nseen++] = (fshare){e, -1, 1, false};
    }
    for (int i = 0; i < e->nkids; i++)
        note_shares(f, e->kids[i]);
}

/* Keep those met more than once: share[0..nshare). */
static void find_shares(fc *f)
{
    int n = 0;
    for (int s = 0; s < f->nseen && n < EX_FAST_SHARES; s++)
        if (f->share[s].uses > 1)
            f->share[n++] = f->share[s];
    f->nshare = n;
}

/* A copy of shared subexpression s: skipped once the run has worked it
 * out, else worked out into its register. */
static ex_opd shared(fc *f, int s, const ex_expr *e, vl_kind *kind)
{
    fshare *sh = &f->share[s];
    if (sh->reg < 0) {
        ex_opd r = reg(f);
        if (!f->ok)
            return none;
        sh->reg = r.reg;
    }
    ex_ins *once = emit(f, F_ONCE, e);
    if (!once)
        return none;
    once->flag = (uint8_t)s;
    int at = f->n - 1;
    sh->open = true;
    ex_opd v = node(f, e, kind);
    sh->open = false;
    if (f->ok && v.mode == M_REG && f->n > at + 1) {
        /* the copy's last instruction writes its register: made to write
         * the share's instead (F_ONCE has set the flag), unless it is one
         * of a branch's or a jump lands after it */
        ex_ins *P = &f->ins[f->n - 1];
        bool own = P->d == v.reg && P->op != F_LOGIC && P->op != F_JZ && P->op != F_JMP &&
                   P->op != F_MOV && P->op != F_ONCE && P->op != F_MOVSET;
        for (int i = at; own && i < f->n; i++) {
            fop op = (fop)f->ins[i].op;
            own = !((op == F_LOGIC || op == F_JZ || op == F_JMP || op == F_ONCE) &&
                    f->ins[i].jump >= f->n);
        }
        if (own) {
            P->d = (uint16_t)sh->reg;
            once->op = F_ONCE_SET;
            f->ins[at].jump = (uint16_t)f->n;
            ex_opd o = none;
            o.mode = M_REG;
            o.reg = (uint16_t)sh->reg;
            return o;
        }
    }
    ex_ins *mv = emit(f, F_MOVSET, e);
    if (!mv)
        return none;
    mv->d = (uint16_t)sh->reg;
    mv->a = v;
    mv->flag = (uint8_t)s;
    f->ins[at].jump = (uint16_t)f->n;
    ex_opd o = none;
    o.mode = M_REG;
    o.reg = (uint16_t)sh->reg;
    return o;
}

static ex_opd node(fc *f, const ex_expr *e, vl_kind *kind)
{
    *kind = e->type.kind;
    if (!f->ok)
        return none;
    for (int s = 0; s < f->nshare; s++)
        if (!f->share[s].open && same_tree(f->share[s].e, e))
            return shared(f, s, e, kind);
    bool is_leaf = e->op == EX_O_LIT || e->op == EX_O_SLOT || e->op == EX_O_AGG;
    if (!plain(e->type.kind) && !(is_leaf && (e->type.kind == VL_TEXT || e->type.kind == VL_ENUM)))
        return fail(f); /* text and enumerations only as names and literals */
    ex_opd a, d;
    vl_kind k;
    switch (e->op) {
    case EX_O_LIT:
    case EX_O_SLOT:
    case EX_O_AGG:
        return leaf(f, e);
    case EX_O_FN:
        d = call(f, e, kind);
        if (*kind != e->type.kind)
            return fail(f);
        return d;
    case EX_O_TODEC:
        a = node(f, e->kids[0], &k);
        if (k != VL_INT || e->type.kind != VL_DEC)
            return fail(f);
        return out(f, F_TODEC, e, a, none);
    case EX_O_NEG:
        a = node(f, e->kids[0], &k);
        if (k != e->type.kind || (k != VL_INT && k != VL_DEC))
            return fail(f);
        return out(f, k == VL_INT ? F_NEGI : F_NEGD, e, a, none);
    case EX_O_NOT:
        a = node(f, e->kids[0], &k);
        if (k != VL_BOOL)
            return fail(f);
        return out(f, F_NOT, e, a, none);
    case EX_O_AND:
    case EX_O_OR: {
        /* left; if it decides alone it is the result and the right side is
         * not evaluated (as in the careful path); else the right side is */
        a = node(f, e->kids[0], &k);
        if (k != VL_BOOL)
            return fail(f);
        d = out(f, F_LOGIC, e, a, none);
        int at = f->n - 1;
        ex_opd r = node(f, e->kids[1], &k);
        if (k != VL_BOOL)
            return fail(f);
        ex_ins *mv = emit(f, F_MOV, e);
        if (!mv)
            return none;
        mv->d = d.reg;
        mv->a = r;
        f->ins[at].jump = (uint16_t)f->n;
        return d;
    }
    case EX_O_IF: {
        ex_opd c = node(f, e->kids[0], &k);
        if (k != VL_BOOL)
            return fail(f);
        d = reg(f);
        ex_ins *jz = emit(f, F_JZ, e);
        if (!jz)
            return none;
        jz->a = c;
        int at_jz = f->n - 1, at_jmp = -1;
        for (int br = 1; br <= 2; br++) {
            ex_opd v = node(f, e->kids[br], &k);
            if (k != e->type.kind)
                return fail(f);
            ex_ins *mv = emit(f, F_MOV, e);
            if (!mv)
                return none;
            mv->d = d.reg;
            mv->a = v;
            if (br == 1) {
                at_jmp = f->n;
                if (!emit(f, F_JMP, e))
                    return none;
                f->ins[at_jz].jump = (uint16_t)f->n; /* the else branch */
            }
        }
        f->ins[at_jmp].jump = (uint16_t)f->n; /* past it */
        return d;
    }
    case EX_O_ADD:
    case EX_O_SUB:
    case EX_O_MUL:
    case EX_O_DIV:
    case EX_O_MOD:
        d = arith(f, e, kind);
        if (*kind != e->type.kind)
            return fail(f);
        return d;
    case EX_O_EQ:
    case EX_O_NE:
    case EX_O_LT:
    case EX_O_LE:
    case EX_O_GT:
    case EX_O_GE:
        if (e->nkids != 2)
            return fail(f);
        return compare(f, e, kind);
    default:
        return fail(f);
    }
}

/* The compiled instructions, copied out of the compiler's scratch into
 * the pack's arena. */
static ex_prog *prog_new(const fc *f, ar_arena *a, ex_opd res, vl_kind kind)
{
    ex_prog *p = ar_alloc(a, sizeof *p + (size_t)f->n * sizeof(ex_ins));
    p->n = f->n;
    p->res = res;
    p->kind = kind;
    memcpy(p->ins, f->ins, (size_t)f->n * sizeof(ex_ins));
    return p;
}

const ex_prog *ex_fast_compile(ar_arena *a, const ex_expr *e)
{
    /* A lone name or literal costs the careful path no more than this. */
    if (!e || e->op == EX_O_LIT || e->op == EX_O_SLOT || e->op == EX_O_AGG)
        return NULL;
    fc *f = ar_alloc(a, sizeof *f); /* too big for the stack of a deep load */
    f->ok = true;
    f->a = a;
    note_shares(f, e);
    find_shares(f);
    vl_kind k;
    ex_opd r = node(f, e, &k);
    if (!f->ok || k != e->type.kind || !plain(k))
        return NULL;
    ex_prog *p = prog_new(f, a, r, k);
    const ex_ins *I = &p->ins[0];
    p->one_cmp = p->n == 1 && I->op >= F_EQI && I->op <= F_GED && I->a.mode != M_REG &&
                 I->b.mode != M_REG && r.mode == M_REG && r.reg == I->d;
    return p;
}

/* ---- running ---- */

#if defined(__GNUC__)
#define UNREACHABLE() __builtin_unreachable()
#else
#define UNREACHABLE() ((void)0)
#endif

static bool date_ok(int64_t days)
{
    return days >= VL_DAY_MIN && days <= VL_DAY_MAX;
}

/* vl_ymd_pack of a day in range, from the memo when it holds that day. */
static inline uint32_t ymd(int64_t day, _Atomic uint64_t *memo)
{
    if (!memo)
        return vl_ymd_pack((int32_t)day);
    uint64_t m = atomic_load_explicit(memo, memory_order_relaxed);
    if ((uint32_t)m && (int32_t)(uint32_t)(m >> 32) == day)
        return (uint32_t)m;
    uint32_t p = vl_ymd_pack((int32_t)day);
    atomic_store_explicit(memo, (uint64_t)(uint32_t)day << 32 | p, memory_order_relaxed);
    return p;
}

static inline const vl_value *slot(const ex_opd *o, const ex_env *env)
{
    const vl_value *sp = env->space[o->space];
    return sp ? &sp[o->index] : NULL;
}

/* An operand's value; false if a name it reads is missing or holds
 * another kind. */
#if defined(__GNUC__)
__attribute__((always_inline))
#endif
static inline bool
get(const ex_opd *o, const ex_reg *r, const ex_env *env, ex_reg *x)
{
    const vl_value *v;
    if (o->mode == M_REG) { /* most operands: first, before the table */
        *x = r[o->reg];
        return true;
    }
    switch ((fmode)o->mode) {
    case M_NONE:
        x->i = 0;
        return true;
    case M_REG:
        *x = r[o->reg];
        return true;
    case M_SLOTI:
        v = slot(o, env);
        if (!v || v->kind != VL_INT)
            return false;
        x->i = v->u.i;
        return true;
    case M_SLOTI2D:
        v = slot(o, env);
        if (!v || v->kind != VL_INT)
            return false;
        x->d = (double)v->u.i;
        return true;
    case M_LITI2D:
        if (o->e->val.kind != VL_INT)
            return false;
        x->d = (double)o->e->val.u.i;
        return true;
    case M_SLOTD:
        v = slot(o, env);
        if (!v || v->kind != VL_DEC)
            return false;
        x->d = v->u.d;
        return true;
    case M_SLOTB:
        v = slot(o, env);
        if (!v || v->kind != VL_BOOL)
            return false;
        x->i = v->u.b;
        return true;
    case M_SLOTT:
        v = slot(o, env);
        if (!v || v->kind != VL_DATE)
            return false;
        x->i = v->u.date;
        return true;
    case M_SLOTE:
        v = slot(o, env);
        if (!v || v->kind != VL_ENUM)
            return false;
        x->i = v->ord;
        return true;
    case M_LITE:
        if (o->e->val.kind != VL_ENUM)
            return false;
        x->i = o->e->val.ord;
        return true;
    case M_SLOTX:
    case M_LITX:
        return false; /* read in place by the text instructions */
    case M_LITI:
        if (o->e->val.kind != VL_INT)
            return false;
        x->i = o->e->val.u.i;
        return true;
    case M_LITD:
        if (o->e->val.kind != VL_DEC)
            return false;
        x->d = o->e->val.u.d;
        return true;
    case M_LITB:
        if (o->e->val.kind != VL_BOOL)
            return false;
        x->i = o->e->val.u.b;
        return true;
    case M_LITT:
        if (o->e->val.kind != VL_DATE)
            return false;
        x->i = o->e->val.u.date;
        return true;
    }
    return false;
}

/* A text operand, in place; NULL if it is missing or not text. */
static inline const vl_value *text(const ex_opd *o, const ex_env *env)
{
    const vl_value *v = o->mode == M_LITX ? &o->e->val : slot(o, env);
    return v && v->kind == VL_TEXT ? v : NULL;
}

#define GET(o, x)                                                                                  \
    do {                                                                                           \
        if (!get(&I->o, r, env, &x))                                                               \
            return false;                                                                          \
    } while (0)

/* A comparison: the node must still hold the operator compiled. With
 * decimals the careful cmp()'s (x > y) - (x < y) is kept, so NaN compares
 * equal there too. */
#define CMP(OP, T, rel)                                                                            \
    if (I->e->op != OP)                                                                            \
        return false;                                                                              \
    GET(a, A);                                                                                     \
    GET(b, B);                                                                                     \
    D->i = ((A.T > B.T) - (A.T < B.T)) rel 0;                                                      \
    break

/* A register as a value of kind k, as the careful path gives it. */
static inline vl_value value_of(vl_kind k, ex_reg v)
{
    switch (k) {
    case VL_INT:
        return vl_int(v.i);
    case VL_DEC:
        return vl_dec(v.d);
    case VL_BOOL:
        return vl_bool(v.i != 0);
    default:
        return vl_date((int32_t)v.i);
    }
}

/* Run p's instructions over registers r; ex_pre_run's values go to out. */
#if defined(__GNUC__)
__attribute__((always_inline))
#endif
static inline bool
exec(const ex_prog *p, const ex_env *env, ex_reg *r, vl_value *out)
{
    const ex_ins *ins = p->ins;
    int n = p->n;
    uint64_t done = 0; /* shared subexpressions worked out (F_ONCE) */
    /* by pointer: an index would be multiplied by the instruction's size */
    for (const ex_ins *I = ins, *end = ins + n; I < end; I++) {
        ex_reg *D = &r[I->d], A, B, C;
        switch ((fop)I->op) {
        case F_EQI:
            CMP(EX_O_EQ, i, ==);
        case F_NEI:
            CMP(EX_O_NE, i, !=);
        case F_LTI:
            CMP(EX_O_LT, i, <);
        case F_LEI:
            CMP(EX_O_LE, i, <=);
        case F_GTI:
            CMP(EX_O_GT, i, >);
        case F_GEI:
            CMP(EX_O_GE, i, >=);
        case F_EQD:
            CMP(EX_O_EQ, d, ==);
        case F_NED:
            CMP(EX_O_NE, d, !=);
        case F_LTD:
            CMP(EX_O_LT, d, <);
        case F_LED:
            CMP(EX_O_LE, d, <=);
        case F_GTD:
            CMP(EX_O_GT, d, >);
        case F_GED:
            CMP(EX_O_GE, d, >=);
        case F_EQX:
        case F_NEX:
        case F_LTX:
        case F_LEX:
        case F_GTX:
        case F_GEX: {
            const vl_value *x = text(&I->a, env), *y = text(&I->b, env);
            if (!x || !y || I->e->op != (ex_op)(EX_O_EQ + (I->op - F_EQX)))
                return false;
            int c = ex_cmp(*x, *y);
            switch ((fop)I->op) {
            case F_EQX:
                D->i = c == 0;
                break;
            case F_NEX:
                D->i = c != 0;
                break;
            case F_LTX:
                D->i = c < 0;
                break;
            case F_LEX:
                D->i = c <= 0;
                break;
            case F_GTX:
                D->i = c > 0;
                break;
            default:
                D->i = c >= 0;
                break;
            }
            break;
        }
        case F_CONTAINS:
        case F_STARTS:
        case F_ENDS: {
            const vl_value *x = text(&I->a, env), *y = text(&I->b, env);
            if (!x || !y)
                return false;
            D->i = ex_text_has(I->op == F_CONTAINS ? EX_F_CONTAINS
                               : I->op == F_STARTS ? EX_F_STARTS_WITH
                                                   : EX_F_ENDS_WITH,
                               *x, *y);
            break;
        }
        case F_TODEC:
            GET(a, A);
            D->d = (double)A.i;
            break;
        case F_NEGI:
            GET(a, A);
            if (A.i == INT64_MIN)
                return false;
            D->i = -A.i;
            break;
        case F_NEGD:
            GET(a, A);
            D->d = -A.d;
            break;
        case F_NOT:
            GET(a, A);
            D->i = !A.i;
            break;
        case F_LOGIC:
            /* Kleene logic with the left side known: equal to the dominant
             * value (true for or, false for and), it decides alone */
            GET(a, A);
            if (A.i == (I->e->op == EX_O_OR)) {
                D->i = A.i;
                I = ins + I->jump - 1;
            }
            break;
        case F_JZ:
            GET(a, A);
            if (!A.i)
                I = ins + I->jump - 1;
            break;
        case F_JMP:
            I = ins + I->jump - 1;
            break;
        case F_MOV:
            GET(a, A);
            *D = A;
            break;
        case F_ABSI:
            GET(a, A);
            if (A.i == INT64_MIN)
                return false;
            D->i = A.i < 0 ? -A.i : A.i;
            break;
        case F_ABSD:
            GET(a, A);
            D->d = fabs(A.d);
            break;
        case F_ROUND0:
            GET(a, A);
            D->d = vl_round(A.d, 0);
            break;
        case F_ROUND:
            GET(a, A);
            GET(b, B);
            D->d = vl_round(A.d, (int)(B.i > 15 ? 15 : B.i < -15 ? -15 : B.i));
            break;
        case F_FLOOR:
        case F_CEIL: {
            GET(a, A);
            double x = I->op == F_FLOOR ? floor(A.d) : ceil(A.d);
            /* Beyond +-2^63 (or NaN) no integer holds it. */
            if (!(x >= -9223372036854775808.0 && x < 9223372036854775808.0))
                return false;
            D->i = (int64_t)x;
            break;
        }
        case F_YEAR:
        case F_MONTH:
        case F_DAY: {
            GET(a, A);
            if (!date_ok(A.i))
                return false;
            uint32_t pk = ymd(A.i, I->memo[0]);
            D->i = I->op == F_YEAR    ? vl_ymd_year(pk)
                   : I->op == F_MONTH ? vl_ymd_month(pk)
                                      : vl_ymd_day(pk);
            break;
        }
        case F_YEARS:
            GET(a, A);
            GET(b, B);
            if (!date_ok(A.i) || !date_ok(B.i))
                return false;
            if (A.i <= B.i)
                D->i = vl_full_years_ymd(ymd(A.i, I->memo[0]), ymd(B.i, I->memo[1]));
            else
                D->i = -vl_full_years_ymd(ymd(B.i, I->memo[1]), ymd(A.i, I->memo[0]));
            break;
        case F_DAYS:
            GET(a, A);
            GET(b, B);
            D->i = B.i - A.i;
            break;
        case F_ADDI:
            GET(a, A);
            GET(b, B);
            if (__builtin_add_overflow(A.i, B.i, &D->i))
                return false;
            break;
        case F_SUBI:
            GET(a, A);
            GET(b, B);
            if (__builtin_sub_overflow(A.i, B.i, &D->i))
                return false;
            break;
        case F_MULI:
            GET(a, A);
            GET(b, B);
            if (__builtin_mul_overflow(A.i, B.i, &D->i))
                return false;
            break;
        case F_MODI:
            GET(a, A);
            GET(b, B);
            if (B.i == 0)
                return false;
            D->i = B.i == -1 ? 0 : A.i % B.i;
            break;
        case F_ADDD:
            GET(a, A);
            GET(b, B);
            D->d = A.d + B.d;
            break;
        case F_SUBD:
            GET(a, A);
            GET(b, B);
            D->d = A.d - B.d;
            break;
        case F_MULD:
            GET(a, A);
            GET(b, B);
            D->d = A.d * B.d;
            break;
        case F_DIVD:
            GET(a, A);
            GET(b, B);
            if (B.d == 0)
                return false;
            D->d = A.d / B.d;
            break;
        case F_MODD:
            GET(a, A);
            GET(b, B);
            if (B.d == 0)
                return false;
            D->d = fmod(A.d, B.d);
            break;
        case F_DATE_ADD: {
            GET(a, A);
            GET(b, B);
            if (B.i > 10000000 || B.i < -10000000)
                return false;
            int64_t day = I->e->op == EX_O_SUB ? A.i - B.i : A.i + B.i;
            if (!date_ok(day))
                return false;
            D->i = day;
            break;
        }
        /* min and max as the careful path: a later argument replaces the
         * best so far only if it compares below (above) it */
        case F_MINI:
            GET(a, A);
            GET(b, B);
            *D = B.i < A.i ? B : A;
            break;
        case F_MAXI:
            GET(a, A);
            GET(b, B);
            *D = B.i > A.i ? B : A;
            break;
        case F_MIND:
            GET(a, A);
            GET(b, B);
            *D = B.d < A.d ? B : A;
            break;
        case F_MAXD:
            GET(a, A);
            GET(b, B);
            *D = B.d > A.d ? B : A;
            break;
        case F_CLAMPI:
            GET(a, A);
            GET(b, B);
            GET(c, C);
            D->i = A.i < B.i ? B.i : A.i > C.i ? C.i : A.i;
            break;
        case F_CLAMPD:
            GET(a, A);
            GET(b, B);
            GET(c, C);
            D->d = A.d < B.d ? B.d : A.d > C.d ? C.d : A.d;
            break;
        case F_ONCE:
            if (done >> I->flag & 1)
                I = ins + I->jump - 1;
            break;
        case F_ONCE_SET:
            /* a copy that fails fails the whole program: the flag may be
             * set before it is worked out */
            if (done >> I->flag & 1)
                I = ins + I->jump - 1;
            else
                done |= (uint64_t)1 << I->flag;
            break;
        case F_MOVSET:
            GET(a, A);
            *D = A;
            done |= (uint64_t)1 << I->flag;
            break;
        case F_OUT:
            GET(a, A);
            out[I->jump] = value_of((vl_kind)I->okind, A);
            break;
        case F_OUTV: {
            const vl_value *v = I->a.mode >= M_LITI ? &I->a.e->val : slot(&I->a, env);
            if (!v || v->kind != (vl_kind)I->a.kind)
                return false;
            out[I->jump] = *v;
            break;
        }
        case F_OUTMISS:
            out[I->jump] = vl_missing(NULL);
            break;
        default:
            /* every fop has its case: no range check before the table */
            UNREACHABLE();
        }
    }
    return true;
}

/* A program of one comparison of names and literals, as exec would run
 * it: the node must still hold the operator compiled. */
static bool run_cmp(const ex_prog *p, const ex_env *env, vl_value *res)
{
    const ex_ins *I = p->ins;
    bool dbl = I->op >= F_EQD;
    ex_op op = (ex_op)(EX_O_EQ + (I->op - (dbl ? F_EQD : F_EQI)));
    ex_reg A, B;
    if (I->e->op != op || !get(&I->a, NULL, env, &A) || !get(&I->b, NULL, env, &B))
        return false;
    int c = dbl ? (A.d > B.d) - (A.d < B.d) : (A.i > B.i) - (A.i < B.i);
    bool t;
    switch (op) {
    case EX_O_EQ:
        t = c == 0;
        break;
    case EX_O_NE:
        t = c != 0;
        break;
    case EX_O_LT:
        t = c < 0;
        break;
    case EX_O_LE:
        t = c <= 0;
        break;
    case EX_O_GT:
        t = c > 0;
        break;
    default:
        t = c >= 0;
        break;
    }
    *res = vl_bool(t);
    return true;
}

bool ex_fast_run(const ex_prog *p, const ex_env *env, vl_value *res)
{
    if (p->one_cmp)
        return env && run_cmp(p, env, res);
    ex_reg r[EX_FAST_REGS], v;
    if (!env || !exec(p, env, r, NULL) || !get(&p->res, r, env, &v))
        return false;
    *res = value_of(p->kind, v);
    return true;
}

/* ---- the aggregates over one relation, together ---- */

struct ex_pre {
    int n;
    const ex_agg **aggs;
    int *pc, *pa;
    bool *rest; /* evaluated by ex_agg_pre after the program */
    const ex_prog *prog;
};

static bool leaf_expr(const ex_expr *e)
{
    return e->op == EX_O_LIT || e->op == EX_O_SLOT || e->op == EX_O_AGG;
}

/* A filter or argument the program can compute: one with a program of its
 * own, or a lone name or literal (copied as it is). */
static bool part_ok(const ex_expr *e)
{
    return !e || ex_has_fast(e) || (leaf_expr(e) && e->type.kind != VL_MISSING);
}

/* An output instruction for out[at]. */
static ex_ins *emit_out(fc *f, fop op, const ex_expr *e, int at)
{
    if (at > UINT16_MAX) {
        fail(f);
        return NULL;
    }
    ex_ins *I = emit(f, op, e);
    if (I)
        I->jump = (uint16_t)at;
    return I;
}

const ex_pre *ex_pre_compile(ar_arena *a, const ex_agg *const *aggs, const int *pc, const int *pa,
                             int n)
{
    for (int k = 0; k < n; k++)
        if (aggs[k]->by)
            return NULL; /* not for ex_agg_pre */
    ex_pre *x = ar_alloc(a, sizeof *x);
    x->n = n;
    x->aggs = ar_alloc(a, ((size_t)n + 1) * sizeof *x->aggs);
    x->pc = ar_alloc(a, ((size_t)n + 1) * sizeof *x->pc);
    x->pa = ar_alloc(a, ((size_t)n + 1) * sizeof *x->pa);
    x->rest = ar_alloc(a, ((size_t)n + 1) * sizeof *x->rest);
    fc *f = ar_alloc(a, sizeof *f);
    f->ok = true;
    f->a = a;
    int in = 0;
    for (int k = 0; k < n; k++) {
        const ex_agg *g = aggs[k];
        x->aggs[k] = g;
        x->pc[k] = pc[k];
        x->pa[k] = pa[k];
        x->rest[k] = !part_ok(g->cond) || (g->op != EX_AGG_COUNT && !part_ok(g->arg));
        if (!x->rest[k]) {
            note_shares(f, g->cond);
            if (g->op != EX_AGG_COUNT)
                note_shares(f, g->arg);
            in++;
        }
    }
    if (!in)
        return x; /* no program: ex_agg_pre each */
    find_shares(f);
    for (int k = 0; k < n && f->ok; k++) {
        const ex_agg *g = aggs[k];
        if (x->rest[k])
            continue;
        vl_kind kk;
        ex_opd c = none;
        if (g->cond) {
            c = node(f, g->cond, &kk);
            if (kk != VL_BOOL)
                fail(f);
            ex_ins *o = pc[k] >= 0 ? emit_out(f, F_OUT, g->cond, pc[k]) : NULL;
            if (o) {
                o->a = c;
                o->okind = VL_BOOL;
            }
        }
        if (pa[k] < 0)
            continue;
        if (g->op == EX_AGG_COUNT) {
            emit_out(f, F_OUTMISS, NULL, pa[k]);
            continue;
        }
        /* the argument only where the filter holds, as ex_agg_pre */
        int at_jz = -1;
        if (g->cond) {
            ex_ins *jz = emit(f, F_JZ, g->cond);
            if (!jz)
                break;
            jz->a = c;
            at_jz = f->n - 1;
        }
        ex_opd v = node(f, g->arg, &kk);
        ex_ins *o = emit_out(f, leaf_expr(g->arg) ? F_OUTV : F_OUT, g->arg, pa[k]);
        if (!o)
            break;
        o->a = v;
        o->okind = (uint8_t)kk;
        if (kk != g->arg->type.kind || (!leaf_expr(g->arg) && !plain(kk)))
            fail(f);
        if (at_jz >= 0) {
            int at_jmp = f->n;
            if (!emit(f, F_JMP, g->arg))
                break;
            f->ins[at_jz].jump = (uint16_t)f->n;
            emit_out(f, F_OUTMISS, g->arg, pa[k]);
            f->ins[at_jmp].jump = (uint16_t)f->n;
        }
    }
    if (!f->ok) {
        for (int k = 0; k < n; k++)
            x->rest[k] = true;
        return x;
    }
    ex_prog *p = prog_new(f, a, none, VL_BOOL);
    x->prog = p;
    return x;
}

void ex_pre_run(const ex_pre *x, const ex_env *env, vl_value *pre)
{
    ex_reg r[EX_FAST_REGS];
    bool ok = x->prog && env && exec(x->prog, env, r, pre);
    for (int k = 0; k < x->n; k++)
        if (!ok || x->rest[k]) {
            vl_value two[2];
            ex_agg_pre(x->aggs[k], env, two);
            if (x->pc[k] >= 0)
                pre[x->pc[k]] = two[0];
            if (x->pa[k] >= 0)
                pre[x->pa[k]] = two[1];
        }
}
