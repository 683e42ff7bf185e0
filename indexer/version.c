/* version.c - the --version text both programs print.  Results depend on
 * more than our code: ICU's Unicode data and dictionary segment and fold
 * text, Snowball's rules stem it, LMDB stores it.  A ranking difference
 * between two machines is explained first by comparing these lines, so
 * they name the versions actually loaded at run time where the library can
 * tell (ICU, LMDB, json-c, zstd, xxHash).  libstemmer has no version call:
 * its Debian package version is captured when the program is built. */
#include <lmdb.h>
#include <json-c/json_c_version.h>
#include <stdio.h>
#include <unicode/uchar.h>
#include <unicode/uversion.h>
#include <xxhash.h>
#include <zstd.h>

#include "format.h"
#include "ix.h"

#ifndef IX_ENGINE_VERSION
#define IX_ENGINE_VERSION "unknown"
#endif
#ifndef IX_STEMMER_VERSION
#define IX_STEMMER_VERSION ""
#endif

const char *ix_engine_version(void)
{
    return IX_ENGINE_VERSION;
}

void ix_version_describe(const char *program, char *out, size_t cap)
{
    UVersionInfo v;
    char icu[U_MAX_VERSION_STRING_LENGTH], uni[U_MAX_VERSION_STRING_LENGTH];
    u_getVersion(v);
    u_versionToString(v, icu);
    u_getUnicodeVersion(v);
    u_versionToString(v, uni);
    unsigned xxh = XXH_versionNumber();
    const char *stemmer = IX_STEMMER_VERSION;
    int lmdb_major, lmdb_minor, lmdb_patch;
    mdb_version(&lmdb_major, &lmdb_minor, &lmdb_patch);
    snprintf(out, cap,
             "%s (healthai-search) %s\n"
             "index format %d\n"
             "ICU %s (Unicode %s)\n"
             "Snowball libstemmer %s%s\n"
             "LMDB %d.%d.%d\n"
             "json-c %s, zstd %s, xxHash %u.%u.%u\n",
             program, IX_ENGINE_VERSION, IX_FORMAT_VERSION, icu, uni,
             *stemmer ? stemmer : "(version unknown)",
             *stemmer ? " (Debian package at build time)" : "",
             lmdb_major, lmdb_minor, lmdb_patch, json_c_version(), ZSTD_versionString(),
             xxh / 10000, xxh / 100 % 100, xxh % 100);
}
