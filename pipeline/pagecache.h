/*
 * pagecache.h - pictures of document pages for the review pages
 *
 * Contract: pagecache_png(st, home, cfg, doc, page, path) gives the path of
 * a PNG of page `page` of document `doc` as the page is drawn (MuPDF, at
 * PAGECACHE_DPI), made once and kept in HOME/spool/pages/ (mode 0600,
 * named by the original's SHA-256 and the page number, never by anything a
 * caller typed).  The original is a file a stranger sent: it is opened and
 * drawn only in a confined child (sandbox_run_limited: it may read that one
 * file and write into spool/pages/, under roi.conf's memory ceiling and a
 * page's CPU seconds), never in the calling process.
 * Returns 0 (path filled), 1 no such page (why), -1 error (printed).
 * pagecache_drop(home, sha) removes a document's pictures (purge).
 */
#ifndef ROI_PAGECACHE_H
#define ROI_PAGECACHE_H

#include <stddef.h>
#include <stdint.h>

#include "config.h"
#include "store.h"

#define PAGECACHE_DIR	"spool/pages"
#define PAGECACHE_DPI	100

int	pagecache_png(struct store *st, const char *home, const struct config *cfg, int64_t doc,
	    int page, char *path, size_t pathlen, char *why, size_t whylen);
int	pagecache_drop(const char *home, const char *sha);

#endif
