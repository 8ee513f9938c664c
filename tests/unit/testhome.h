/*
 * testhome.h - a fresh roi home under /tmp for a unit test, and its removal
 * (header-only: each test program includes it once)
 */
#ifndef ROI_TESTHOME_H
#define ROI_TESTHOME_H

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "spool.h"

/* testhome_make - /tmp/t_NAME.PID, emptied and initialised; 0 or -1 */
static int
testhome_make(const char *name, char *home, size_t len)
{
	char cmd[300];

	snprintf(home, len, "/tmp/t_%s.%ld", name, (long)getpid());
	snprintf(cmd, sizeof cmd, "rm -rf %s", home);
	if (system(cmd) != 0)
		return -1;
	return spool_home_init(home);
}

/* testhome_remove - rm -rf the home; 0 or -1 */
static int
testhome_remove(const char *home)
{
	char cmd[300];

	snprintf(cmd, sizeof cmd, "rm -rf %s", home);
	return system(cmd) == 0 ? 0 : -1;
}

#endif
