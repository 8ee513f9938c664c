/*
 * fault.h - crash points for the fault tests
 *
 * fault_point("disclose:after-commit") kills the process with SIGKILL, as
 * kill -9 would, when ROI_FAULT names that point and the file named by
 * ROI_FAULT_FILE does not exist yet (it is created first, so each point
 * fires once per test).  Without both variables it does nothing.  Only
 * tests/fault/ sets them; the points sit at every step of the release
 * hand-off (package, log entry, log file, checkpoint, outbox).
 *
 * fault_pause("backup:after-store") instead stops there while the file
 * ROI_FAULT_FILE exists: it creates the file, and goes on once the test
 * has removed it (or after ten minutes), so a test can do something at
 * exactly that step of another process (tests/e2e/backup.sh: roi run
 * works through a batch between a backup's copy of the store and its copy
 * of the drop folders).
 */
#ifndef ROI_FAULT_H
#define ROI_FAULT_H

void	fault_point(const char *name);
void	fault_pause(const char *name);

#endif
