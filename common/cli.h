/* cli.h - small helpers the two programs share: number and size parsing. */
#ifndef COMMON_CLI_H
#define COMMON_CLI_H

#include <stddef.h>

/* "123", "16K", "16M", "1G" -> bytes.  Returns 1 on success. */
int cli_parse_size(const char *s, size_t *out);
/* A non-negative integer that fits size_t.  Returns 1 on success. */
int cli_parse_count(const char *s, size_t *out);
/* A finite double in [lo, hi].  Returns 1 on success. */
int cli_parse_double(const char *s, double lo, double hi, double *out);

#endif
