/* sarif: `check --format sarif` and `test --format sarif`, a SARIF 2.1.0 log
 * that code-scanning systems read to annotate a pack's lines. One run, one
 * tool; every rule the tool can report is listed, and each result names its
 * rule, its level, its message and, when it has one, its place (file, line,
 * column counted in characters, as rosterflag counts them). */
#include "cli.h"

#include <stdio.h>
#include <string.h>

static const struct {
    const char *id, *text;
} cli_sarif_rules[] = {
    {"pack", "The rule pack has a problem (YAML, schema or expression)."},
    {"input", "A CSV input cannot be read as the pack declares it."},
    {"row", "A CSV row was rejected."},
    {"output", "Results cannot be written."},
    {"usage", "An option or setting passed to rosterflag is wrong."},
    {"limit", "A configured limit stopped the run."},
    {"test-file", "A test file does not load, or a pack has no test file."},
    {"test-case", "A test case's results differ from what it expects."},
    {"uncovered", "No test case exercises this part of the pack."},
    {"surviving-mutant", "A small change to the pack here is noticed by no test case."},
};
#define CLI_SARIF_NRULES (sizeof cli_sarif_rules / sizeof cli_sarif_rules[0])

const char *cli_sarif_rule_for(rf_class cls)
{
    static const char *const ids[] = {"pack", "input", "row", "output", "usage", "limit"};
    return (unsigned)cls < sizeof ids / sizeof ids[0] ? ids[cls] : "pack";
}

static void cli_json_str(FILE *f, const char *s)
{
    putc('"', f);
    for (const unsigned char *c = (const unsigned char *)(s ? s : ""); *c; c++) {
        if (*c == '"' || *c == '\\')
            fprintf(f, "\\%c", *c);
        else if (*c == '\n')
            fputs("\\n", f);
        else if (*c == '\t')
            fputs("\\t", f);
        else if (*c < 0x20)
            fprintf(f, "\\u%04x", *c);
        else
            putc(*c, f);
    }
    putc('"', f);
}

/* A relative path as a URI reference: '/' stays, every byte outside the
 * unreserved set (spaces, CJK) is percent-encoded. */
static void cli_json_uri(FILE *f, const char *path)
{
    putc('"', f);
    for (const unsigned char *c = (const unsigned char *)path; *c; c++) {
        if ((*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') || (*c >= '0' && *c <= '9') ||
            strchr("-._~/", *c))
            putc(*c, f);
        else
            fprintf(f, "%%%02X", *c);
    }
    putc('"', f);
}

void cli_sarif_write(FILE *f, const cli_sarif_result *rs, size_t n)
{
    fputs("{\n  \"$schema\": \"https://json.schemastore.org/sarif-2.1.0.json\",\n"
          "  \"version\": \"2.1.0\",\n  \"runs\": [\n    {\n      \"tool\": {\n"
          "        \"driver\": {\n          \"name\": \"rosterflag\",\n"
          "          \"version\": \"" RF_VERSION "\",\n"
          "          \"rules\": [\n",
          f);
    for (size_t r = 0; r < CLI_SARIF_NRULES; r++) {
        fputs("            {\"id\": ", f);
        cli_json_str(f, cli_sarif_rules[r].id);
        fputs(", \"shortDescription\": {\"text\": ", f);
        cli_json_str(f, cli_sarif_rules[r].text);
        fprintf(f, "}}%s\n", r + 1 < CLI_SARIF_NRULES ? "," : "");
    }
    fputs("          ]\n        }\n      },\n      \"columnKind\": \"unicodeCodePoints\",\n"
          "      \"results\": [",
          f);
    for (size_t i = 0; i < n; i++) {
        const cli_sarif_result *r = &rs[i];
        size_t idx = 0;
        while (idx < CLI_SARIF_NRULES && strcmp(cli_sarif_rules[idx].id, r->rule) != 0)
            idx++;
        fputs(i ? ",\n        {" : "\n        {", f);
        fputs("\"ruleId\": ", f);
        cli_json_str(f, r->rule);
        if (idx < CLI_SARIF_NRULES)
            fprintf(f, ", \"ruleIndex\": %zu", idx);
        fprintf(f, ", \"level\": \"%s\"",
                r->severity == RF_ERROR     ? "error"
                : r->severity == RF_WARNING ? "warning"
                                            : "note");
        fputs(", \"message\": {\"text\": ", f);
        cli_json_str(f, r->message);
        fputc('}', f);
        if (r->file && r->file[0]) {
            fputs(",\n         \"locations\": [{\"physicalLocation\": {\"artifactLocation\": "
                  "{\"uri\": ",
                  f);
            cli_json_uri(f, r->file);
            fputc('}', f);
            if (r->line) {
                fprintf(f, ", \"region\": {\"startLine\": %llu", (unsigned long long)r->line);
                if (r->column)
                    fprintf(f, ", \"startColumn\": %u", r->column);
                fputc('}', f);
            }
            fputs("}}]", f);
        }
        fputc('}', f);
    }
    fputs(n ? "\n      ]\n    }\n  ]\n}\n" : "]\n    }\n  ]\n}\n", f);
}
