/*
 * fault.h - crash points for the fault tests
 *
 * fault_point("disclose:after-commit") kills the process with SIGKILL, as
 * kill -9 would, when ROI_FAULT names that point and the file named by
 * ROI_FAULT_FILE does not exist yet (it is created first, so each point
 * fires once per test).  Without both variables it does nothing.  Only
 * tests/fault/ sets them; the points sit at every step of the release
 * hand-off (package, log entry, log file, checkpoint, outbox).
 */
#ifndef ROI_FAULT_H
#define ROI_FAULT_H

void	fault_point(const char *name);

#endif
