/*
 * pagecache.c - pictures of document pages, drawn in a confined child
 * (pagecache.h)
 *
 * SECURITY: the original is hostile; only the child drawing it opens it,
 * confined (sandbox.h) with a memory and CPU ceiling.  The picture's name
 * comes from the store (SHA-256 hex and a number), so no caller's text
 * reaches the file system.
 * FILES: HOME/spool/orig/ (read, in the child), HOME/spool/pages/ (0700;
 * pictures 0600, written to a temporary name and renamed by ocr.h).
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "msg.h"
#include "mumem.h"
#include "ocr.h"
#include "pagecache.h"
#include "sandbox.h"
#include "spool.h"

struct draw {
	const char	*orig;
	int		page;
	const char	*png;
};

/* draw - in the confined child: open the original, draw the one page */
static int
draw(void *arg)
{
	struct draw	*d = arg;
	struct ocr_opts	opts;
	struct ocr	*o = NULL;
	char		why[OCR_WHY];
	int		rc = -1;

	ocr_opts_default(&opts);
	if (ocr_open(&o, d->orig, &opts, why, sizeof why) != OCR_OK)
		return msg_error("pagecache: %s", why);
	if (ocr_page_preview(o, d->page, PAGECACHE_DPI, NULL, 0, 0, NULL, 0, 0, d->png, why,
	    sizeof why) != OCR_OK)
		msg_error("pagecache: page %d: %s", d->page, why);
	else
		rc = 0;
	ocr_close(o);
	return rc;
}

static int
hexsha(const char *s)
{
	size_t i;

	for (i = 0; i < 64; i++)
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
			return 0;
	return s[64] == '\0';
}

int
pagecache_png(struct store *st, const char *home, const struct config *cfg, int64_t doc,
    int page, char *path, size_t pathlen, char *why, size_t whylen)
{
	sqlite3_stmt	*s;
	struct draw	d;
	struct stat	sb;
	char		sha[SPOOL_SHAHEX] = "", orig[SPOOL_PATH], dir[SPOOL_PATH];
	int		pages = 0;

	if ((s = store_prepare(st, "SELECT sha256, pages FROM documents WHERE id = ?")) == NULL)
		return -1;
	sqlite3_bind_int64(s, 1, doc);
	if (sqlite3_step(s) == SQLITE_ROW) {
		snprintf(sha, sizeof sha, "%s", store_col(s, 0));
		pages = sqlite3_column_int(s, 1);
	}
	sqlite3_finalize(s);
	if (!hexsha(sha) || page < 1 || page > pages) {
		snprintf(why, whylen, "document %lld has no page %d", (long long)doc, page);
		return 1;
	}
	spool_path(dir, home, PAGECACHE_DIR);
	if (mkdir(dir, 0700) == -1 && errno != EEXIST)
		return msg_syserror("pagecache: %s", PAGECACHE_DIR);
	if ((size_t)snprintf(path, pathlen, "%s/%s-p%d-%d.png", dir, sha, page, PAGECACHE_DPI) >=
	    pathlen)
		return msg_error("pagecache: path too long");
	if (stat(path, &sb) == 0 && S_ISREG(sb.st_mode) && sb.st_size > 0)
		return 0;
	d.orig = spool_orig_path(orig, home, sha);
	d.page = page;
	d.png = path;
	mu_set_limit((size_t)cfg->mem_limit_mb << 19);
	if (sandbox_run_limited(d.orig, dir, cfg->mem_limit_mb, cfg->page_cpu_secs, draw, &d) != 0)
		return msg_error("pagecache: document %lld page %d could not be drawn",
		    (long long)doc, page);
	return 0;
}

int
pagecache_drop(const char *home, const char *sha)
{
	DIR		*d;
	struct dirent	*e;
	char		dir[SPOOL_PATH], p[SPOOL_PATH];
	int		rc = 0;

	if (!hexsha(sha))
		return -1;
	if ((d = opendir(spool_path(dir, home, PAGECACHE_DIR))) == NULL)
		return errno == ENOENT ? 0 : msg_syserror("pagecache: %s", PAGECACHE_DIR);
	while ((e = readdir(d)) != NULL)
		if (strncmp(e->d_name, sha, 64) == 0 && e->d_name[64] == '-' &&
		    unlinkat(dirfd(d), e->d_name, 0) == -1 && errno != ENOENT) {
			snprintf(p, sizeof p, "%s/%s", PAGECACHE_DIR, e->d_name);
			rc = msg_syserror("pagecache: %s", p);
		}
	closedir(d);
	return rc;
}
