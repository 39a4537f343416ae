/*
 * version.c — the version of the library a program runs with, which may
 * differ from the RURU_VERSION_* macros it was compiled against.
 */
#include "ruru.h"
#include "banned.h"

int ruru_version_number(void)
{
	return RURU_VERSION_NUMBER;
}

const char *ruru_version(void)
{
	return RURU_VERSION;
}
