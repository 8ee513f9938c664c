/*
 * supervise.h - the supervisor behind `roi run`
 *
 * Contract: supervise_run() takes the home's supervisor lock (one `roi run`
 * per home), recovers the queue (queue_recover), then loops: watch the drop
 * folders (inotify IN_CLOSE_WRITE/IN_MOVED_TO plus a full scan at start and
 * every scan_interval seconds), take a drop once its size and mtime have
 * stayed the same for settle_ms (dotfiles, *.part, *.tmp ignored), claim it
 * by rename into spool/incoming/, and run the stage table's processes
 * (roi-NAME) on the jobs in their readiness views, up to `workers` at once
 * with OMP_THREAD_LIMIT=1 in their environment, and its office jobs every
 * period.  A stage that fails is retried with backoff and its input
 * quarantined after max_attempts, with the stage's last stderr line as the
 * reason.  SIGTERM/SIGINT: start no new work, wait for running stages, exit
 * 0.  SIGHUP: reread roi.conf (a bad file keeps the old settings).
 * once: exit when nothing is left to do.
 * Returns 0, or -1 with a message (cannot start).
 */
#ifndef ROI_SUPERVISE_H
#define ROI_SUPERVISE_H

#include <sys/types.h>

#define SUPERVISE_LOCK	"spool/supervisor.lock"

struct stage_row;
/* tab: the stage table (stagetab.h), whose stages and office jobs it runs */
int	supervise_run(const char *home, const struct stage_row *tab, int once);
/* supervise_running - pid of the running supervisor of home, or 0 */
pid_t	supervise_running(const char *home);

#endif
