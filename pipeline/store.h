/*
 * store.h - the SQLite store (HOME/roi.db): the one commit point
 *
 * Contract: store_open() opens (creating if needed) roi.db in WAL mode with
 * foreign keys on and a busy timeout, then brings the schema to the current
 * version with the migrations in store.c (PRAGMA user_version; each
 * migration is one transaction).  A database from a newer roi is refused.
 * Every state change is one transaction: store_begin() (BEGIN IMMEDIATE)
 * ... store_commit(); on any error store_rollback().
 * Errors: -1 with a one-line message printed.
 */
#ifndef ROI_STORE_H
#define ROI_STORE_H

#include <sqlite3.h>
#include <stdint.h>

#define STORE_FILE	"roi.db"
#define STORE_VERSION	24

struct store;

int	store_open(struct store **sp, const char *home);
/* store_create_at - a new roi.db brought only to schema version (1 ..
 * STORE_VERSION), as an earlier roi made it: for the upgrade tests, which
 * then open it with store_open.  Refuses a home that has a roi.db */
int	store_create_at(struct store **sp, const char *home, int version);
/* store_open_ro - open an existing store for reading only (status, doc) */
int	store_open_ro(struct store **sp, const char *home);
void	store_close(struct store *st);
sqlite3	*store_db(struct store *st);

int	store_begin(struct store *st);
int	store_commit(struct store *st);
void	store_rollback(struct store *st);
/* store_exec - run SQL without results; -1 + message */
int	store_exec(struct store *st, const char *sql);
/* store_prepare - prepare a statement; NULL + message */
sqlite3_stmt *store_prepare(struct store *st, const char *sql);
/* store_err - print "store: WHAT: sqlite's message"; returns -1 */
int	store_err(struct store *st, const char *what);
/* store_int - first column of the first row of a query as int64 (def if none) */
int64_t	store_int(struct store *st, const char *sql, int64_t def);
/* store_col - column i of the current row as text, "" for NULL */
const char *store_col(sqlite3_stmt *s, int i);

#endif
