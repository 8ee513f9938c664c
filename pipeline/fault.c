/*
 * fault.c - crash points for the fault tests (fault.h)
 *
 * SECURITY: reads two environment variables; acts only when both are set.
 * FILES: creates $ROI_FAULT_FILE (0600) before it fires.
 */
#include <fcntl.h>
#include <signal.h>
#include <time.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fault.h"

void
fault_point(const char *name)
{
	const char	*want = getenv("ROI_FAULT"), *flag = getenv("ROI_FAULT_FILE");
	int		fd;

	if (want == NULL || flag == NULL || strcmp(want, name) != 0)
		return;
	if ((fd = open(flag, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600)) == -1)
		return;		/* fired already */
	close(fd);
	kill(getpid(), SIGKILL);
	_exit(137);		/* if a sandbox refused the signal */
}

void
fault_pause(const char *name)
{
	const char	*want = getenv("ROI_FAULT"), *flag = getenv("ROI_FAULT_FILE");
	struct timespec	ts = { 0, 50 * 1000 * 1000 };
	int		fd, i;

	if (want == NULL || flag == NULL || strcmp(want, name) != 0)
		return;
	if ((fd = open(flag, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600)) == -1)
		return;
	close(fd);
	for (i = 0; i < 12000 && access(flag, F_OK) == 0; i++)
		nanosleep(&ts, NULL);
}
