/* Finding a pack named without a path (`rosterflag run xuanen-twelve-point`)
 * in the installed rules folder, so an installed rosterflag is used like any
 * other tool: no need to know where the packs were put. */
#include "cli.h"

#include "dg.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#ifndef RF_RULES_DIR
#define RF_RULES_DIR "/usr/local/share/rosterflag/rules"
#endif

static bool pp_is_file(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

/* The folders tried, in order, joined by '\n': $ROSTERFLAG_RULES_PATH
 * (':'-separated); PREFIX/share/rosterflag/rules for the binary's
 * PREFIX/bin, so that a prefix chosen at install time (or a .deb's /usr)
 * works without rebuilding; then the folder the build was configured for. */
static char *pp_dirs(void)
{
    const char *env = getenv("ROSTERFLAG_RULES_PATH");
    char exe[4096];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    const char *rel = "/share/rosterflag/rules";
    size_t cap =
        (env ? strlen(env) : 0) + (n > 0 ? (size_t)n : 0) + strlen(rel) + strlen(RF_RULES_DIR) + 4;
    char *dirs = malloc(cap);
    if (!dirs)
        return NULL;
    dirs[0] = '\0';
    if (env && *env) {
        strcat(dirs, env);
        for (char *c = dirs; *c; c++)
            if (*c == ':')
                *c = '\n';
        strcat(dirs, "\n");
    }
    if (n > 0) {
        exe[n] = '\0';
        /* PREFIX/bin/rosterflag -> PREFIX/share/rosterflag/rules */
        char *slash = strrchr(exe, '/');
        if (slash) {
            *slash = '\0';
            slash = strrchr(exe, '/');
            if (slash) {
                *slash = '\0';
                strcat(dirs, exe);
                strcat(dirs, rel);
                strcat(dirs, "\n");
            }
        }
    }
    strcat(dirs, RF_RULES_DIR);
    return dirs;
}

/* NAME, else DIR/NAME or DIR/NAME.yaml in the first folder that has it. */
static char *pp_find(const char *name, const char *dirs)
{
    for (const char *d = dirs; *d;) {
        const char *end = strchr(d, '\n');
        size_t dn = end ? (size_t)(end - d) : strlen(d);
        if (dn) {
            size_t cap = dn + strlen(name) + 8;
            char *path = malloc(cap);
            if (!path)
                return NULL;
            for (int ext = 0; ext < 2; ext++) {
                snprintf(path, cap, "%.*s/%s%s", (int)dn, d, name, ext ? ".yaml" : "");
                if (pp_is_file(path))
                    return path;
            }
            free(path);
        }
        d = end ? end + 1 : d + dn;
    }
    return NULL;
}

char *cli_pack_path(const char *arg, bool *missed)
{
    char *found = NULL;
    *missed = false;
    if (!strchr(arg, '/') && !pp_is_file(arg)) {
        char *dirs = pp_dirs();
        found = dirs ? pp_find(arg, dirs) : NULL;
        *missed = dirs && !found;
        free(dirs);
    }
    if (!found && (found = malloc(strlen(arg) + 1)))
        strcpy(found, arg);
    return found;
}

int cli_pack_load(const char *arg, rf_pack **out, rf_diags *d)
{
    return cli_pack_load_set(arg, NULL, 0, out, d);
}

int cli_pack_load_set(const char *arg, const rf_setting *sets, size_t nsets, rf_pack **out,
                      rf_diags *d)
{
    bool missed;
    char *path = cli_pack_path(arg, &missed);
    int rc = cli_pack_load_found(arg, path ? path : arg, missed, sets, nsets, out, d);
    free(path);
    return rc;
}

int cli_pack_load_found(const char *arg, const char *path, bool missed, const rf_setting *sets,
                        size_t nsets, rf_pack **out, rf_diags *d)
{
    int rc = rf_pack_load_set(path, sets, nsets, out, d);
    if (rc != 0 && missed) {
        char *dirs = pp_dirs();
        if (dirs) {
            for (char *c = dirs; *c; c++)
                if (*c == '\n')
                    *c = ':';
            dg_add(d, RF_NOTE, RF_CLASS_PACK, NULL, 0, 0, 0, NULL,
                   "no pack named '%s' (or '%s.yaml') in the rules folders either: %s", arg, arg,
                   dirs);
        }
        free(dirs);
    }
    return rc;
}
