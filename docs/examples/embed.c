/* Embedding rosterflag: load a pack, run it on CSV files, and receive each
 * entity's result through the on_result callback instead of a CSV stream.
 *
 *   cc embed.c $(pkg-config --cflags --libs rosterflag) -o embed
 *   ./embed PACK.yaml YEAR NAME=FILE [NAME=FILE ...]
 *
 * Prints one line per entity that got a level other than the pack's "no
 * level", with its reasons, then the run's counts. Exits 0, 1 when rows were
 * rejected, 2 on a bad command line, 3 when the pack or an input fails. */
#include <rosterflag.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct tally {
    const char *none_id;
    unsigned long flagged;
} tally;

/* Strings in r are valid only during the call: copy what must outlive it. */
static int on_result(void *ctx, const rf_result *r)
{
    tally *t = ctx;
    if (strcmp(r->level, t->none_id) == 0)
        return 0;
    t->flagged++;
    printf("%s\t%s (%s)\n", r->key, r->level_label, r->level);
    for (size_t i = 0; i < r->nreasons; i++)
        printf("\t- %s\n", r->reasons[i]);
    return 0; /* non-zero would stop the run */
}

static void print_diags(const rf_diags *d)
{
    for (size_t i = 0; i < rf_diags_count(d); i++)
        rf_diag_format(rf_diags_get(d, i), stderr);
}

int main(int argc, char **argv)
{
    if (argc < 4) {
        fprintf(stderr, "usage: %s PACK.yaml YEAR NAME=FILE [NAME=FILE ...]\n", argv[0]);
        return 2;
    }
    size_t nin = (size_t)(argc - 3);
    rf_input *in = calloc(nin, sizeof *in);
    if (!in)
        return 3;
    for (size_t k = 0; k < nin; k++) {
        char *eq = strchr(argv[3 + k], '=');
        if (!eq) {
            fprintf(stderr, "%s: expected NAME=FILE, got '%s'\n", argv[0], argv[3 + k]);
            free(in);
            return 2;
        }
        *eq = '\0';
        in[k].name = argv[3 + k];
        in[k].path = eq + 1;
    }

    rf_diags *d = rf_diags_new();
    rf_pack *p = NULL;
    int code = 3;
    if (rf_pack_load(argv[1], &p, d) == 0) {
        rf_summary s;
        tally t = {rf_pack_level_id(p, rf_pack_level_count(p)), 0};
        rf_run_options o = RF_RUN_OPTIONS_INIT;
        o.year = atoi(argv[2]);
        o.on_result = on_result;
        o.ctx = &t;
        if (rf_run(p, &o, in, nin, NULL, NULL, &s, d) == 0) {
            printf("%s %s: %llu entities, %lu flagged\n", rf_pack_id(p), rf_pack_version(p),
                   (unsigned long long)s.entities, t.flagged);
            code = rf_diags_errors(d) ? 1 : 0;
        }
    }
    print_diags(d);
    rf_pack_free(p);
    rf_diags_free(d);
    free(in);
    return code;
}
