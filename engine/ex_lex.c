/* ex_lex: the expression lexer. Pulled one token at a time by the parser,
 * so no token array is ever built (a long expression costs no memory here
 * beyond the strings that needed unescaping). */
#include "ex_int.h"

#include <string.h>
#include <strings.h>

void ex_lex_init(ex_lexer *lx, ex_compiler *c, const char *src, size_t n)
{
    lx->c = c;
    lx->src = src;
    lx->n = n;
    lx->pos = 0;
}

size_t ex_utf8_decode(const char *s, size_t n, uint32_t *cp)
{
    const unsigned char *u = (const unsigned char *)s;
    if (n == 0)
        return 0;
    if (u[0] < 0x80) {
        *cp = u[0];
        return 1;
    }
    size_t len;
    uint32_t v, min;
    if ((u[0] & 0xE0) == 0xC0) {
        len = 2;
        v = u[0] & 0x1F;
        min = 0x80;
    } else if ((u[0] & 0xF0) == 0xE0) {
        len = 3;
        v = u[0] & 0x0F;
        min = 0x800;
    } else if ((u[0] & 0xF8) == 0xF0) {
        len = 4;
        v = u[0] & 0x07;
        min = 0x10000;
    } else {
        return 0;
    }
    if (n < len)
        return 0;
    for (size_t i = 1; i < len; i++) {
        if ((u[i] & 0xC0) != 0x80)
            return 0;
        v = (v << 6) | (u[i] & 0x3F);
    }
    /* Overlong forms, surrogates and values past U+10FFFF are not UTF-8. */
    if (v < min || v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF))
        return 0;
    *cp = v;
    return len;
}

/* Non-ASCII code points that may appear in a name. Deliberately coarse:
 * letters of the common scripts and the CJK blocks, minus the punctuation,
 * spaces and operator symbols inside those ranges that a rule author might
 * type by accident (U+3000, 、。, ≤ ≥ ≠, full-width brackets). */
static bool letter_like(uint32_t c)
{
    if (c == 0xAA || c == 0xB5 || c == 0xBA)
        return true;
    if (c >= 0xC0 && c <= 0x2AF)
        return c != 0xD7 && c != 0xF7;
    if (c >= 0x370 && c <= 0x1FFF)
        return c != 0x37E && c != 0x387;
    if (c == 0x3005 || c == 0x3006 || c == 0x3007)
        return true;
    if (c >= 0x3040 && c <= 0x30FF)
        return c != 0x30FB;
    if (c >= 0x3400 && c <= 0x4DBF)
        return true;
    if (c >= 0x4E00 && c <= 0x9FFF)
        return true;
    if (c >= 0xAC00 && c <= 0xD7AF)
        return true;
    if (c >= 0xF900 && c <= 0xFAFF)
        return true;
    if ((c >= 0xFF10 && c <= 0xFF19) || (c >= 0xFF21 && c <= 0xFF3A) ||
        (c >= 0xFF41 && c <= 0xFF5A))
        return true;
    if (c >= 0x20000 && c <= 0x3FFFF)
        return true;
    return false;
}

static bool ascii_alpha(char ch)
{
    return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || ch == '_';
}

static bool ascii_digit(char ch)
{
    return ch >= '0' && ch <= '9';
}

static const struct {
    const char *word;
    ex_tok kind;
} keywords[] = {
    {"and", EX_T_AND},   {"or", EX_T_OR},       {"not", EX_T_NOT}, {"if", EX_T_IF},
    {"then", EX_T_THEN}, {"else", EX_T_ELSE},   {"in", EX_T_IN},   {"where", EX_T_WHERE},
    {"true", EX_T_TRUE}, {"false", EX_T_FALSE},
};

const char *ex_keyword_folded(const char *s, size_t n)
{
    for (size_t i = 0; i < sizeof keywords / sizeof keywords[0]; i++)
        if (strlen(keywords[i].word) == n && !strncasecmp(keywords[i].word, s, n))
            return keywords[i].word;
    return NULL;
}

/* Skip spaces, including U+3000 and U+00A0, which IME input and pasted
 * documents bring along. */
static void skip_space(ex_lexer *lx)
{
    while (lx->pos < lx->n) {
        char ch = lx->src[lx->pos];
        if (ch == ' ' || ch == '\t' || ch == '\n' || ch == '\r') {
            lx->pos++;
            continue;
        }
        uint32_t cp;
        size_t k = ex_utf8_decode(lx->src + lx->pos, lx->n - lx->pos, &cp);
        if (k && (cp == 0x3000 || cp == 0xA0)) {
            lx->pos += k;
            continue;
        }
        break;
    }
}

static void lex_number(ex_lexer *lx, ex_token *t)
{
    const char *s = lx->src;
    size_t p = lx->pos;
    int64_t v = 0;
    bool overflow = false;
    while (p < lx->n && ascii_digit(s[p])) {
        int d = s[p] - '0';
        if (v > (INT64_MAX - d) / 10)
            overflow = true;
        else
            v = v * 10 + d;
        p++;
    }
    if (p + 1 < lx->n && s[p] == '.' && ascii_digit(s[p + 1])) {
        /* Fractions are accumulated exactly then scaled once, so 0.3 is the
         * double nearest to 0.3, as a reader expects. */
        double m = (double)v;
        if (overflow) {
            m = 0;
            for (size_t q = lx->pos; q < p; q++)
                m = m * 10 + (s[q] - '0');
        }
        p++;
        double scale = 1;
        uint64_t frac = 0;
        int fd = 0;
        while (p < lx->n && ascii_digit(s[p])) {
            if (fd < 18) {
                frac = frac * 10 + (uint64_t)(s[p] - '0');
                scale *= 10;
                fd++;
            }
            p++;
        }
        t->kind = EX_T_DEC;
        t->d = m + (double)frac / scale;
    } else if (overflow) {
        char b[EX_SNIP];
        ex_error(lx->c, lx->pos, p - lx->pos, "integer literal '%s' is too large",
                 ex_snip(b, s + lx->pos, p - lx->pos));
        t->kind = EX_T_ERROR;
    } else {
        t->kind = EX_T_INT;
        t->i = v;
    }
    lx->pos = p;
}

static void lex_string(ex_lexer *lx, ex_token *t)
{
    const char *s = lx->src;
    char q = s[lx->pos];
    size_t start = lx->pos, p = lx->pos + 1;
    bool escapes = false;
    while (p < lx->n && s[p] != q) {
        if (s[p] == '\\' && p + 1 < lx->n) {
            escapes = true;
            p++;
        }
        p++;
    }
    if (p >= lx->n) {
        char b[EX_SNIP];
        ex_error(lx->c, start, lx->n - start, "unterminated text %s has no closing %c",
                 ex_snip(b, s + start, lx->n - start), q);
        t->kind = EX_T_ERROR;
        lx->pos = lx->n;
        return;
    }
    lx->pos = p + 1;
    t->kind = EX_T_STR;
    if (!escapes) {
        t->str = s + start + 1;
        t->slen = p - start - 1;
        return;
    }
    char *out = ar_alloc(lx->c->arena, p - start);
    size_t o = 0;
    for (size_t i = start + 1; i < p; i++) {
        if (s[i] != '\\') {
            out[o++] = s[i];
            continue;
        }
        char e = s[++i];
        switch (e) {
        case '"':
        case '\'':
        case '\\':
            out[o++] = e;
            break;
        case 'n':
            out[o++] = '\n';
            break;
        case 't':
            out[o++] = '\t';
            break;
        default:
            ex_error(lx->c, i - 1, 2, "unknown escape '\\%c' in text (use \\\" \\' \\\\ or \\n)",
                     e);
            t->kind = EX_T_ERROR;
            return;
        }
    }
    t->str = out;
    t->slen = o;
}

static void lex_name(ex_lexer *lx, ex_token *t)
{
    const char *s = lx->src;
    size_t p = lx->pos;
    while (p < lx->n) {
        if (ascii_alpha(s[p]) || ascii_digit(s[p])) {
            p++;
            continue;
        }
        uint32_t cp;
        size_t k = ex_utf8_decode(s + p, lx->n - p, &cp);
        if (k > 1 && letter_like(cp)) {
            p += k;
            continue;
        }
        break;
    }
    t->kind = EX_T_NAME;
    t->str = s + lx->pos;
    t->slen = p - lx->pos;
    for (size_t i = 0; i < sizeof keywords / sizeof keywords[0]; i++) {
        if (strlen(keywords[i].word) == t->slen && !memcmp(keywords[i].word, t->str, t->slen)) {
            t->kind = keywords[i].kind;
            break;
        }
    }
    lx->pos = p;
}

/* Full-width look-alikes of ASCII punctuation, which a CJK keyboard produces
 * easily; named in the error so the fix is obvious. */
static const char *ascii_twin(uint32_t cp)
{
    switch (cp) {
    case 0xFF08:
        return "(";
    case 0xFF09:
        return ")";
    case 0xFF0C:
        return ",";
    case 0x201C:
    case 0x201D:
        return "\"";
    case 0x2018:
    case 0x2019:
        return "'";
    case 0xFF1D:
        return "=";
    case 0xFF1C:
        return "<";
    case 0xFF1E:
        return ">";
    case 0xFF0B:
        return "+";
    case 0xFF0D:
        return "-";
    case 0xFF3B:
        return "[";
    case 0xFF3D:
        return "]";
    default:
        return NULL;
    }
}

void ex_lex_next(ex_lexer *lx, ex_token *t)
{
    memset(t, 0, sizeof *t);
    skip_space(lx);
    t->off = (uint32_t)lx->pos;
    if (lx->pos >= lx->n) {
        t->kind = EX_T_EOF;
        return;
    }
    const char *s = lx->src + lx->pos;
    size_t rest = lx->n - lx->pos;
    char ch = s[0];
    char nx = rest > 1 ? s[1] : '\0';
    size_t k = 1;
    if (ascii_digit(ch)) {
        lex_number(lx, t);
    } else if (ch == '"' || ch == '\'') {
        lex_string(lx, t);
    } else if (ascii_alpha(ch)) {
        lex_name(lx, t);
    } else if (ch == '`') {
        const char *end = memchr(s + 1, '`', rest - 1);
        if (!end || end == s + 1) {
            ex_error(lx->c, lx->pos, end ? 2 : rest,
                     end ? "empty name ``" : "unterminated name: ` has no closing `");
            t->kind = EX_T_ERROR;
            lx->pos = end ? (size_t)(end - lx->src) + 1 : lx->n;
        } else {
            t->kind = EX_T_NAME;
            t->str = s + 1;
            t->slen = (size_t)(end - s - 1);
            lx->pos = (size_t)(end - lx->src) + 1;
        }
    } else if ((unsigned char)ch >= 0x80) {
        uint32_t cp;
        size_t len = ex_utf8_decode(s, rest, &cp);
        if (!len) {
            ex_error(lx->c, lx->pos, 1, "invalid UTF-8 byte 0x%02X in expression",
                     (unsigned char)ch);
            t->kind = EX_T_ERROR;
            lx->pos++;
        } else if (letter_like(cp)) {
            lex_name(lx, t);
        } else {
            t->kind = cp == 0x2264   ? EX_T_LE
                      : cp == 0x2265 ? EX_T_GE
                      : cp == 0x2260 ? EX_T_NE
                                     : EX_T_ERROR;
            if (t->kind == EX_T_ERROR) {
                const char *twin = ascii_twin(cp);
                if (twin)
                    ex_error(lx->c, lx->pos, len, "unexpected '%.*s' (write the ASCII '%s')",
                             (int)len, s, twin);
                else
                    ex_error(lx->c, lx->pos, len, "unexpected character '%.*s'", (int)len, s);
            }
            lx->pos += len;
        }
    } else {
        switch (ch) {
        case '(':
            t->kind = EX_T_LPAREN;
            break;
        case ')':
            t->kind = EX_T_RPAREN;
            break;
        case '[':
            t->kind = EX_T_LBRACK;
            break;
        case ']':
            t->kind = EX_T_RBRACK;
            break;
        case ',':
            t->kind = EX_T_COMMA;
            break;
        case '+':
            t->kind = EX_T_PLUS;
            break;
        case '-':
            t->kind = EX_T_MINUS;
            break;
        case '*':
            t->kind = EX_T_STAR;
            break;
        case '/':
            t->kind = EX_T_SLASH;
            break;
        case '%':
            t->kind = EX_T_PERCENT;
            break;
        case '=':
            t->kind = EX_T_EQ;
            k = nx == '=' ? 2 : 1;
            break;
        case '!':
            t->kind = nx == '=' ? EX_T_NE : EX_T_NOT;
            k = nx == '=' ? 2 : 1;
            break;
        case '<':
            t->kind = nx == '=' ? EX_T_LE : nx == '>' ? EX_T_NE : EX_T_LT;
            k = nx == '=' || nx == '>' ? 2 : 1;
            break;
        case '>':
            t->kind = nx == '=' ? EX_T_GE : EX_T_GT;
            k = nx == '=' ? 2 : 1;
            break;
        case '&':
        case '|':
            if (nx == ch) {
                t->kind = ch == '&' ? EX_T_AND : EX_T_OR;
                k = 2;
            } else {
                ex_error(lx->c, lx->pos, 1, "unexpected '%c' (did you mean '%c%c'?)", ch, ch, ch);
                t->kind = EX_T_ERROR;
            }
            break;
        default:
            if ((unsigned char)ch < 0x20 || ch == 0x7F)
                ex_error(lx->c, lx->pos, 1, "unexpected control character 0x%02X",
                         (unsigned char)ch);
            else
                ex_error(lx->c, lx->pos, 1, "unexpected character '%c'", ch);
            t->kind = EX_T_ERROR;
            break;
        }
        lx->pos += k;
    }
    t->len = (uint32_t)(lx->pos - t->off);
}
