/* dg: building diagnostics (the public side is rf_diags in rosterflag.h). */
#ifndef DG_H
#define DG_H

#include "rosterflag.h"

#include <stdarg.h>

/* Append a diagnostic; every string is copied, so callers may pass buffers.
 * source_line may be NULL. Returns the stored diagnostic. */
const rf_diag *dg_add(rf_diags *d, rf_severity sev, rf_class cls, const char *file, uint64_t line,
                      uint32_t column, uint32_t span, const char *source_line, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 9, 10)))
#endif
    ;
const rf_diag *dg_vadd(rf_diags *d, rf_severity sev, rf_class cls, const char *file, uint64_t line,
                       uint32_t column, uint32_t span, const char *source_line, const char *fmt,
                       va_list ap);

/* Levenshtein distance between a[0..na) and b[0..nb), bytewise, for "did you
 * mean" suggestions; (size_t)-1 when either is longer than 64 bytes. */
size_t dg_edit_distance(const char *a, size_t na, const char *b, size_t nb);

/* "Did you mean": the closest candidate to s[0..n) within 1 edit for up to
 * 3 bytes, 2 for up to 6, else 3. Start from {s, n, NULL, (size_t)-1},
 * feed each candidate to dg_near_consider; best stays NULL if none is close. */
typedef struct dg_near {
    const char *s;
    size_t n;
    const char *best;
    size_t dist;
} dg_near;
void dg_near_consider(dg_near *nr, const char *cand);

/* Number of characters (UTF-8 code points) in s[0..n). */
uint32_t dg_utf8_chars(const char *s, size_t n);

#endif
