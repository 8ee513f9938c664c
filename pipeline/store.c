/*
 * store.c - the SQLite store, its schema and migrations
 *
 * SECURITY: roi.db holds PHI (OCR text); it is created 0600 inside the 0700
 * home.  SQL is always prepared with bound parameters.
 * FILES: HOME/roi.db (+ -wal, -shm).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "msg.h"
#include "spool.h"
#include "store.h"

struct store {
	sqlite3	*db;
};

/*
 * Migrations: migrations[i] brings user_version i to i + 1.  Never edit a
 * released migration; append a new one.
 */
static const char *const migrations[] = {
	/* 0 -> 1: intake and OCR */
	"CREATE TABLE inputs ("
	"  id INTEGER PRIMARY KEY,"
	"  name TEXT NOT NULL,"			/* drop file basename */
	"  kind TEXT NOT NULL CHECK (kind IN ('request','record')),"
	"  case_ref TEXT,"			/* inbox/records/CASE/ */
	"  spool TEXT NOT NULL UNIQUE,"		/* name in spool/incoming/ */
	"  size INTEGER,"
	"  sha256 TEXT,"
	"  state TEXT NOT NULL CHECK (state IN"
	"    ('intake','processing','done','duplicate','quarantine')),"
	"  doc_id INTEGER REFERENCES documents(id),"
	"  attempts INTEGER NOT NULL DEFAULT 0,"
	"  next_try INTEGER NOT NULL DEFAULT 0,"
	"  last_error TEXT,"
	"  qname TEXT,"				/* name in quarantine/ */
	"  reason TEXT,"
	"  received_at INTEGER NOT NULL,"
	"  updated_at INTEGER NOT NULL"
	");"
	"CREATE INDEX inputs_state ON inputs(state);"
	"CREATE TABLE documents ("
	"  id INTEGER PRIMARY KEY,"
	"  sha256 TEXT NOT NULL UNIQUE,"
	"  input_id INTEGER NOT NULL REFERENCES inputs(id),"
	"  format TEXT NOT NULL,"
	"  pages INTEGER NOT NULL CHECK (pages > 0),"
	"  size INTEGER NOT NULL,"
	"  state TEXT NOT NULL CHECK (state IN ('ocr','done','quarantine')),"
	"  created_at INTEGER NOT NULL,"
	"  done_at INTEGER"
	");"
	"CREATE INDEX documents_state ON documents(state);"
	"CREATE TABLE pages ("
	"  doc_id INTEGER NOT NULL REFERENCES documents(id),"
	"  pageno INTEGER NOT NULL,"
	"  state TEXT NOT NULL CHECK (state IN ('pending','running','done')),"
	"  owner INTEGER,"			/* claim token of the worker */
	"  pid INTEGER,"
	"  attempts INTEGER NOT NULL DEFAULT 0,"
	"  next_try INTEGER NOT NULL DEFAULT 0,"
	"  last_error TEXT,"
	"  width REAL, height REAL,"		/* points */
	"  rotation INTEGER, skew REAL,"
	"  source TEXT CHECK (source IN ('text','ocr')),"
	"  conf REAL,"
	"  text TEXT,"
	"  ms INTEGER,"				/* CPU+wall time spent, for status */
	"  PRIMARY KEY (doc_id, pageno)"
	") WITHOUT ROWID;"
	"CREATE INDEX pages_state ON pages(state, doc_id);"
	"CREATE TABLE words ("
	"  doc_id INTEGER NOT NULL,"
	"  pageno INTEGER NOT NULL,"
	"  idx INTEGER NOT NULL,"
	"  line INTEGER NOT NULL,"
	"  text TEXT NOT NULL,"
	"  x0 REAL NOT NULL, y0 REAL NOT NULL, x1 REAL NOT NULL, y1 REAL NOT NULL,"
	"  conf REAL NOT NULL,"
	"  PRIMARY KEY (doc_id, pageno, idx),"
	"  FOREIGN KEY (doc_id, pageno) REFERENCES pages(doc_id, pageno)"
	") WITHOUT ROWID;"
	"CREATE TABLE events ("
	"  id INTEGER PRIMARY KEY,"
	"  at INTEGER NOT NULL,"
	"  input_id INTEGER REFERENCES inputs(id),"
	"  doc_id INTEGER REFERENCES documents(id),"
	"  what TEXT NOT NULL"
	");",
	/* 1 -> 2: the patient registry (shared by ROI and no-show work) */
	"CREATE TABLE patients ("
	"  id TEXT PRIMARY KEY,"			/* the practice system's id */
	"  first_name TEXT NOT NULL,"
	"  last_name TEXT NOT NULL,"
	"  middle_name TEXT NOT NULL DEFAULT '',"
	"  preferred_name TEXT NOT NULL DEFAULT '',"
	"  aliases TEXT NOT NULL DEFAULT '',"		/* other names, ';' between */
	"  dob TEXT NOT NULL,"				/* YYYY-MM-DD */
	"  mrn TEXT NOT NULL DEFAULT '',"
	"  phone TEXT NOT NULL DEFAULT '',"
	"  email TEXT NOT NULL DEFAULT '',"
	"  preferred_channel TEXT NOT NULL DEFAULT '' CHECK (preferred_channel IN"
	"    ('', 'phone', 'sms', 'email', 'mail', 'portal')),"
	"  consent_sms INTEGER NOT NULL DEFAULT 0,"
	"  consent_email INTEGER NOT NULL DEFAULT 0,"
	"  address TEXT NOT NULL DEFAULT '',"
	"  created_at INTEGER NOT NULL,"
	"  updated_at INTEGER NOT NULL"
	");"
	"CREATE INDEX patients_dob ON patients(dob);"
	"CREATE INDEX patients_last ON patients(last_name COLLATE NOCASE);",
	/* 2 -> 3: page types and cases */
	"ALTER TABLE pages ADD COLUMN doctype TEXT;"
	"ALTER TABLE pages ADD COLUMN doctype_score INTEGER;"
	"CREATE TABLE cases ("
	"  id INTEGER PRIMARY KEY,"
	"  doc_id INTEGER NOT NULL UNIQUE REFERENCES documents(id),"
	"  state TEXT NOT NULL DEFAULT 'open' CHECK (state IN ('open','closed')),"
	"  rules_sha256 TEXT NOT NULL,"		/* doctypes.rules as used */
	"  created_at INTEGER NOT NULL"
	");"
	"CREATE TABLE case_parts ("
	"  case_id INTEGER NOT NULL REFERENCES cases(id),"
	"  part INTEGER NOT NULL,"
	"  doctype TEXT NOT NULL,"
	"  first_page INTEGER NOT NULL,"
	"  last_page INTEGER NOT NULL,"
	"  PRIMARY KEY (case_id, part)"
	") WITHOUT ROWID;",
	/* 3 -> 4: the authorization check of each case */
	"CREATE TABLE auth ("
	"  case_id INTEGER PRIMARY KEY REFERENCES cases(id),"
	"  decision TEXT NOT NULL,"
	"  result TEXT NOT NULL,"			/* JSON: roi auth show --json */
	"  rules_sha256 TEXT NOT NULL,"
	"  created_at INTEGER NOT NULL"
	");",
	/* 4 -> 5: revocations received, by patient */
	"CREATE TABLE revocations ("
	"  case_id INTEGER PRIMARY KEY REFERENCES cases(id),"	/* the letter's case */
	"  patient_id TEXT NOT NULL REFERENCES patients(id),"
	"  received TEXT NOT NULL,"			/* YYYY-MM-DD */
	"  created_at INTEGER NOT NULL"
	");"
	"CREATE INDEX revocations_patient ON revocations(patient_id);",
	/* 5 -> 6: records of a case, Part 2 proposals, the review queue */
	"ALTER TABLE inputs ADD COLUMN case_id INTEGER;"	/* a record's case */
	"CREATE INDEX inputs_case ON inputs(case_id);"
	"CREATE TABLE case_records ("
	"  case_id INTEGER NOT NULL REFERENCES cases(id),"
	"  doc_id INTEGER NOT NULL REFERENCES documents(id),"
	"  input_id INTEGER NOT NULL REFERENCES inputs(id),"
	"  provenance INTEGER NOT NULL DEFAULT 0,"	/* carries a 2.32 notice */
	"  psychotherapy INTEGER NOT NULL DEFAULT 0,"	/* psychotherapy notes */
	"  part2_hits INTEGER NOT NULL DEFAULT 0,"
	"  classified_at INTEGER NOT NULL,"
	"  PRIMARY KEY (case_id, doc_id)"
	") WITHOUT ROWID;"
	"CREATE TABLE review ("
	"  case_id INTEGER PRIMARY KEY REFERENCES cases(id),"
	"  state TEXT NOT NULL CHECK (state IN ('pending','approved','rejected')),"
	"  part2 TEXT NOT NULL CHECK (part2 IN ('none','redact','disclose')),"
	"  notice INTEGER NOT NULL DEFAULT 0,"		/* release carries the 2.32 notice */
	"  rules_sha256 TEXT NOT NULL,"			/* part2.rules as used */
	"  entered_at INTEGER NOT NULL,"
	"  decided_at INTEGER,"
	"  decided_by TEXT,"
	"  reason TEXT,"
	"  override TEXT"
	");"
	"CREATE TABLE proposals ("
	"  id INTEGER PRIMARY KEY,"
	"  case_id INTEGER NOT NULL REFERENCES cases(id),"
	"  doc_id INTEGER NOT NULL REFERENCES documents(id),"
	"  pageno INTEGER NOT NULL,"			/* 0: the whole document */
	"  state TEXT NOT NULL CHECK (state IN ('proposed','kept','flagged','disclosed')),"
	"  origin TEXT NOT NULL CHECK (origin IN ('rules','reviewer')),"
	"  category TEXT NOT NULL,"
	"  rule TEXT NOT NULL,"
	"  text TEXT NOT NULL,"
	"  reason TEXT NOT NULL,"
	"  boxes TEXT NOT NULL,"			/* JSON [[x0,y0,x1,y1],...] points */
	"  rules_sha256 TEXT NOT NULL,"
	"  created_at INTEGER NOT NULL,"
	"  created_by TEXT NOT NULL"
	");"
	"CREATE INDEX proposals_case ON proposals(case_id, doc_id, pageno);"
	"CREATE TABLE review_actions ("
	"  id INTEGER PRIMARY KEY,"
	"  case_id INTEGER NOT NULL REFERENCES cases(id),"
	"  at INTEGER NOT NULL,"
	"  who TEXT NOT NULL,"
	"  action TEXT NOT NULL,"
	"  proposal_id INTEGER,"
	"  detail TEXT NOT NULL DEFAULT ''"
	");"
	"CREATE INDEX review_actions_case ON review_actions(case_id);",
	/* 6 -> 7: who releases go to */
	"CREATE TABLE recipients ("
	"  name TEXT PRIMARY KEY COLLATE NOCASE,"
	"  kind TEXT NOT NULL CHECK (kind IN ('age','passphrase','fax')),"
	"  age_recipient TEXT NOT NULL DEFAULT '',"
	"  fax TEXT NOT NULL DEFAULT '',"
	"  address TEXT NOT NULL DEFAULT '',"
	"  created_at INTEGER NOT NULL,"
	"  created_by TEXT NOT NULL"
	");"
	"ALTER TABLE review ADD COLUMN recipient TEXT;",	/* set by approve */
	/* 7 -> 8: release packages */
	"CREATE TABLE releases ("
	"  case_id INTEGER PRIMARY KEY REFERENCES cases(id),"
	"  state TEXT NOT NULL CHECK (state IN ('packaged','blocked','released')),"
	"  recipient TEXT NOT NULL,"
	"  path TEXT NOT NULL DEFAULT '',"		/* the package, relative to the home */
	"  sha256 TEXT NOT NULL DEFAULT '',"
	"  manifest TEXT NOT NULL DEFAULT '{}',"	/* JSON, as in the package */
	"  reason TEXT NOT NULL DEFAULT '',"		/* why it is blocked */
	"  created_at INTEGER NOT NULL,"
	"  released_at INTEGER"
	");",
	/* 8 -> 9: zip recipients; release passphrases */
	"CREATE TABLE recipients9 ("
	"  name TEXT PRIMARY KEY COLLATE NOCASE,"
	"  kind TEXT NOT NULL CHECK (kind IN ('age','passphrase','zip','fax')),"
	"  age_recipient TEXT NOT NULL DEFAULT '',"
	"  fax TEXT NOT NULL DEFAULT '',"
	"  address TEXT NOT NULL DEFAULT '',"
	"  created_at INTEGER NOT NULL,"
	"  created_by TEXT NOT NULL"
	");"
	"INSERT INTO recipients9 SELECT name, kind, age_recipient, fax, address, created_at,"
	"  created_by FROM recipients;"
	"DROP TABLE recipients;"
	"ALTER TABLE recipients9 RENAME TO recipients;"
	/* made at approve for a passphrase or zip recipient: the package
	 * stage takes it (and clears it when the release is recorded); the
	 * sealed copy (keys_seal) stays so the practice can reopen */
	"ALTER TABLE review ADD COLUMN passphrase TEXT;"
	"ALTER TABLE review ADD COLUMN pass_sealed BLOB;",
	/* 9 -> 10: the disclosure log (chain.h): each entry as written to
	 * log/disclosures.log, its leaf hash and byte offset there; the tree
	 * and the signed checkpoint after the last entry.  The store is the
	 * commit point: the file is brought up to it at every start */
	"CREATE TABLE log_entries ("
	"  seq INTEGER PRIMARY KEY,"
	"  case_id INTEGER NOT NULL UNIQUE REFERENCES cases(id),"
	"  line TEXT NOT NULL,"
	"  leaf BLOB NOT NULL,"
	"  offset INTEGER NOT NULL,"
	"  at INTEGER NOT NULL"
	");"
	"CREATE INDEX log_entries_offset ON log_entries(offset);"
	"CREATE TABLE log_state ("
	"  id INTEGER PRIMARY KEY CHECK (id = 1),"
	"  size INTEGER NOT NULL,"
	"  bytes INTEGER NOT NULL,"	/* the log file's length after entry size */
	"  tree BLOB NOT NULL,"		/* merkle_tree_encode */
	"  checkpoint TEXT NOT NULL"	/* the signed note for size */
	");"
	/* where a released package went (outbox/...), and whether it is there */
	"ALTER TABLE releases ADD COLUMN outbox TEXT NOT NULL DEFAULT '';"
	"ALTER TABLE releases ADD COLUMN published INTEGER NOT NULL DEFAULT 0;",
	/* 10 -> 11: insurance paneling (panel.h): providers with their
	 * licenses and documents, applications (provider x payer; payers are
	 * the rules/payers/ files, named by key) with their dated events and
	 * ticked checklist items, and the notices sent (each at most once) */
	"CREATE TABLE panel_providers ("
	"  id INTEGER PRIMARY KEY,"
	"  name TEXT NOT NULL,"
	"  npi TEXT NOT NULL DEFAULT '',"
	"  email TEXT NOT NULL DEFAULT '',"
	"  specialties TEXT NOT NULL DEFAULT '',"
	"  prescriber INTEGER NOT NULL DEFAULT 0,"
	"  dea TEXT NOT NULL DEFAULT '',"
	"  dea_expires TEXT NOT NULL DEFAULT '',"
	"  board TEXT NOT NULL DEFAULT '',"
	"  board_expires TEXT NOT NULL DEFAULT '',"
	"  malpractice_carrier TEXT NOT NULL DEFAULT '',"
	"  malpractice_policy TEXT NOT NULL DEFAULT '',"
	"  malpractice_expires TEXT NOT NULL DEFAULT '',"
	"  claims_attested INTEGER NOT NULL DEFAULT 0,"
	"  caqh_id TEXT NOT NULL DEFAULT '',"
	"  caqh_attested TEXT NOT NULL DEFAULT '',"	/* YYYY-MM-DD */
	"  active INTEGER NOT NULL DEFAULT 1,"
	"  created_at INTEGER NOT NULL,"
	"  updated_at INTEGER NOT NULL"
	");"
	"CREATE UNIQUE INDEX panel_providers_name ON panel_providers(name COLLATE NOCASE);"
	"CREATE UNIQUE INDEX panel_providers_npi ON panel_providers(npi) WHERE npi <> '';"
	"CREATE TABLE panel_licenses ("
	"  provider_id INTEGER NOT NULL REFERENCES panel_providers(id),"
	"  state TEXT NOT NULL,"
	"  number TEXT NOT NULL,"
	"  expires TEXT NOT NULL DEFAULT '',"
	"  PRIMARY KEY (provider_id, state, number)"
	");"
	"CREATE TABLE panel_documents ("
	"  provider_id INTEGER NOT NULL REFERENCES panel_providers(id),"
	"  name TEXT NOT NULL COLLATE NOCASE,"
	"  expires TEXT NOT NULL DEFAULT '',"
	"  PRIMARY KEY (provider_id, name)"
	");"
	"CREATE TABLE panel_apps ("
	"  id INTEGER PRIMARY KEY,"
	"  provider_id INTEGER NOT NULL REFERENCES panel_providers(id),"
	"  payer TEXT NOT NULL,"			/* rules/payers/PAYER.payer */
	"  state TEXT NOT NULL CHECK (state IN ('not_started','caqh_ready','submitted',"
	"    'in_review','info_requested','approved','contracted','effective','denied',"
	"    'withdrawn')),"
	"  state_on TEXT NOT NULL,"			/* day of the last change */
	"  submitted_on TEXT NOT NULL DEFAULT '',"
	"  approved_on TEXT NOT NULL DEFAULT '',"
	"  effective_on TEXT NOT NULL DEFAULT '',"
	"  recred_on TEXT NOT NULL DEFAULT '',"
	"  touched_on TEXT NOT NULL,"		/* last contact: follow-ups count from it */
	"  ref TEXT NOT NULL DEFAULT '',"
	"  contact TEXT NOT NULL DEFAULT '',"
	"  created_at INTEGER NOT NULL,"
	"  updated_at INTEGER NOT NULL,"
	"  UNIQUE (provider_id, payer)"
	");"
	"CREATE TABLE panel_events ("
	"  id INTEGER PRIMARY KEY,"
	"  app_id INTEGER NOT NULL REFERENCES panel_apps(id),"
	"  on_date TEXT NOT NULL,"			/* the day it happened */
	"  kind TEXT NOT NULL,"			/* created state note ref contact tick ... */
	"  from_state TEXT NOT NULL DEFAULT '',"
	"  to_state TEXT NOT NULL DEFAULT '',"
	"  text TEXT NOT NULL DEFAULT '',"
	"  who TEXT NOT NULL,"
	"  at INTEGER NOT NULL"			/* when it was recorded */
	");"
	"CREATE INDEX panel_events_app ON panel_events(app_id);"
	"CREATE TABLE panel_ticks ("
	"  app_id INTEGER NOT NULL REFERENCES panel_apps(id),"
	"  item TEXT NOT NULL,"
	"  on_date TEXT NOT NULL,"
	"  who TEXT NOT NULL,"
	"  PRIMARY KEY (app_id, item)"
	");"
	"CREATE TABLE panel_notices ("
	"  key TEXT PRIMARY KEY,"			/* the item's key (panel_item) */
	"  kind TEXT NOT NULL,"			/* an item kind, or billing */
	"  app_id INTEGER NOT NULL DEFAULT 0,"
	"  provider_id INTEGER NOT NULL DEFAULT 0,"
	"  due_on TEXT NOT NULL,"
	"  text TEXT NOT NULL,"
	"  why TEXT NOT NULL DEFAULT '',"
	"  state TEXT NOT NULL CHECK (state IN ('pending','sent','resolved')),"
	"  attempts INTEGER NOT NULL DEFAULT 0,"
	"  last_error TEXT NOT NULL DEFAULT '',"
	"  created_at INTEGER NOT NULL,"
	"  tried_at INTEGER,"
	"  sent_at INTEGER"
	");"
	"CREATE INDEX panel_notices_state ON panel_notices(state);",
	/* 11 -> 12: no-show follow-up, risk flags, waitlist and rebooking
	 * (noshow.h, appt.h, waitlist.h) */
	"CREATE TABLE risk_flags ("			/* set by a clinician */
	"  id INTEGER PRIMARY KEY,"
	"  patient_id TEXT NOT NULL REFERENCES patients(id),"
	"  flag TEXT NOT NULL CHECK (flag IN"
	"    ('suicide_risk','medication_titration','recent_crisis')),"
	"  note TEXT NOT NULL DEFAULT '',"
	"  set_by TEXT NOT NULL,"
	"  set_at INTEGER NOT NULL,"
	"  cleared_by TEXT,"
	"  cleared_at INTEGER"
	");"
	"CREATE INDEX risk_flags_patient ON risk_flags(patient_id, cleared_at);"
	"CREATE TABLE clinicians ("			/* who appointments are with */
	"  name TEXT PRIMARY KEY COLLATE NOCASE,"
	"  email TEXT NOT NULL DEFAULT '',"		/* where escalations go */
	"  npi TEXT NOT NULL DEFAULT '',"		/* the paneling module's provider */
	"  created_at INTEGER NOT NULL"
	");"
	"CREATE TABLE appointments ("
	"  id INTEGER PRIMARY KEY,"
	"  source TEXT NOT NULL,"			/* manual, csv:MAPPING, ics */
	"  ext_id TEXT NOT NULL,"			/* the export's key */
	"  patient_id TEXT NOT NULL REFERENCES patients(id),"
	"  clinician TEXT NOT NULL,"
	"  start_at INTEGER NOT NULL,"
	"  minutes INTEGER NOT NULL CHECK (minutes > 0),"
	"  modality TEXT NOT NULL CHECK (modality IN ('in_person','telehealth')),"
	"  status TEXT NOT NULL CHECK (status IN"
	"    ('scheduled','attended','no_show','late_cancel','cancelled')),"
	"  rebooked_from INTEGER REFERENCES appointments(id),"	/* noshow reschedule */
	"  fills INTEGER REFERENCES appointments(id),"		/* a freed slot it fills */
	"  created_at INTEGER NOT NULL,"
	"  updated_at INTEGER NOT NULL,"
	"  UNIQUE (source, ext_id)"
	");"
	"CREATE INDEX appointments_start ON appointments(start_at);"
	"CREATE INDEX appointments_patient ON appointments(patient_id);"
	"CREATE TABLE outreach ("			/* one task per missed appointment */
	"  appt_id INTEGER PRIMARY KEY REFERENCES appointments(id),"
	"  patient_id TEXT NOT NULL REFERENCES patients(id),"
	"  reason TEXT NOT NULL CHECK (reason IN ('no_show','late_cancel')),"
	"  channel TEXT NOT NULL,"			/* planned: preferred and consented */
	"  opened_at INTEGER NOT NULL,"
	"  due_at INTEGER NOT NULL,"
	"  state TEXT NOT NULL CHECK (state IN ('open','reached','rescheduled','closed')),"
	"  send_channel TEXT NOT NULL DEFAULT '',"	/* a message waiting to go out */
	"  send_tries INTEGER NOT NULL DEFAULT 0,"
	"  send_next INTEGER NOT NULL DEFAULT 0,"
	"  closed_at INTEGER,"
	"  closed_by TEXT,"
	"  close_note TEXT NOT NULL DEFAULT '',"
	"  rebooked INTEGER REFERENCES appointments(id)"
	");"
	"CREATE INDEX outreach_state ON outreach(state, due_at);"
	"CREATE TABLE outreach_attempts ("		/* the chart's record of each try */
	"  id INTEGER PRIMARY KEY,"
	"  appt_id INTEGER NOT NULL REFERENCES outreach(appt_id),"
	"  at INTEGER NOT NULL,"
	"  who TEXT NOT NULL,"
	"  channel TEXT NOT NULL,"
	"  address TEXT NOT NULL DEFAULT '',"		/* number or address used */
	"  outcome TEXT NOT NULL CHECK (outcome IN ('reached','voicemail','no_answer',"
	"    'wrong_number','declined','sent','failed')),"
	"  template TEXT NOT NULL DEFAULT '',"
	"  message TEXT NOT NULL DEFAULT '',"		/* what was sent or left */
	"  note TEXT NOT NULL DEFAULT '',"
	"  error TEXT NOT NULL DEFAULT ''"		/* why a send failed */
	");"
	"CREATE INDEX outreach_attempts_appt ON outreach_attempts(appt_id);"
	"CREATE TABLE escalations ("
	"  id INTEGER PRIMARY KEY,"
	"  appt_id INTEGER NOT NULL UNIQUE REFERENCES outreach(appt_id),"
	"  patient_id TEXT NOT NULL REFERENCES patients(id),"
	"  clinician TEXT NOT NULL,"
	"  reason TEXT NOT NULL CHECK (reason IN ('deadline','attempts')),"
	"  flags TEXT NOT NULL,"			/* the risk flags then, ',' between */
	"  at INTEGER NOT NULL,"
	"  notify_to TEXT NOT NULL DEFAULT '',"
	"  notified_at INTEGER,"
	"  notify_tries INTEGER NOT NULL DEFAULT 0,"
	"  notify_next INTEGER NOT NULL DEFAULT 0,"
	"  last_error TEXT NOT NULL DEFAULT '',"
	"  acked_at INTEGER,"
	"  acked_by TEXT,"
	"  ack_note TEXT NOT NULL DEFAULT ''"
	");"
	"CREATE TABLE waitlist ("
	"  id INTEGER PRIMARY KEY,"
	"  patient_id TEXT NOT NULL REFERENCES patients(id),"
	"  state TEXT NOT NULL CHECK (state IN ('referral','contacted','screened',"
	"    'insurance_verified','offered','scheduled','declined','referred_out')),"
	"  clinician TEXT NOT NULL DEFAULT '',"		/* '' any */
	"  modality TEXT NOT NULL DEFAULT '' CHECK (modality IN ('','in_person','telehealth')),"
	"  payer TEXT NOT NULL DEFAULT '',"		/* '' self-pay */
	"  urgency INTEGER NOT NULL DEFAULT 0 CHECK (urgency BETWEEN 0 AND 2),"
	"  source TEXT NOT NULL DEFAULT '',"		/* who referred */
	"  referred_at INTEGER NOT NULL,"		/* waiting since */
	"  screening TEXT NOT NULL DEFAULT '{}',"	/* JSON answers */
	"  network TEXT NOT NULL DEFAULT '',"		/* as verified: in, out, self_pay, unknown */
	"  network_note TEXT NOT NULL DEFAULT '',"
	"  intake_appt INTEGER REFERENCES appointments(id),"
	"  updated_at INTEGER NOT NULL"
	");"
	"CREATE INDEX waitlist_state ON waitlist(state);"
	"CREATE TABLE waitlist_events ("
	"  id INTEGER PRIMARY KEY,"
	"  entry_id INTEGER NOT NULL REFERENCES waitlist(id),"
	"  at INTEGER NOT NULL,"
	"  who TEXT NOT NULL,"
	"  state TEXT NOT NULL,"
	"  note TEXT NOT NULL DEFAULT ''"
	");"
	"CREATE TABLE offers ("
	"  id INTEGER PRIMARY KEY,"
	"  slot_appt INTEGER NOT NULL REFERENCES appointments(id),"	/* the freed slot */
	"  entry_id INTEGER NOT NULL REFERENCES waitlist(id),"
	"  rank INTEGER NOT NULL,"
	"  offered_at INTEGER NOT NULL,"
	"  expires_at INTEGER NOT NULL,"
	"  who TEXT NOT NULL,"
	"  state TEXT NOT NULL CHECK (state IN ('open','accepted','declined','expired','withdrawn')),"
	"  answered_at INTEGER,"
	"  note TEXT NOT NULL DEFAULT '',"
	"  appt_id INTEGER REFERENCES appointments(id)"	/* booked when accepted */
	");"
	"CREATE INDEX offers_slot ON offers(slot_appt, state);",
	/* 12 -> 13: intake: a PDF MuPDF had to repair (issue 14, must-have 7) */
	"ALTER TABLE documents ADD COLUMN repaired INTEGER NOT NULL DEFAULT 0;",
	/* 13 -> 14: a reviewer's decision on a whole document (withhold,
	 * include) names the document it is about */
	"ALTER TABLE review_actions ADD COLUMN doc_id INTEGER REFERENCES documents(id);",
	/* 14 -> 15: is each record the case's patient's? (docpatient.h) the
	 * verdict when classified, what showed it, the other registry patient
	 * it shows, and the reviewer's confirmation (a review_actions row) */
	"ALTER TABLE case_records ADD COLUMN patient_match TEXT"
	"  CHECK (patient_match IN ('match','other','none'));"
	"ALTER TABLE case_records ADD COLUMN patient_by TEXT NOT NULL DEFAULT '';"
	"ALTER TABLE case_records ADD COLUMN patient_other TEXT NOT NULL DEFAULT '';"
	"ALTER TABLE case_records ADD COLUMN patient_confirmed INTEGER"
	"  REFERENCES review_actions(id);",
	/* 15 -> 16: a record's pages read as drawn (every layer on, OCR'd),
	 * beside the words above; classify reads both.  pages.drawn: NULL not
	 * read so, 'same' the words are that reading, 'ocr' in drawn_words */
	"ALTER TABLE pages ADD COLUMN drawn TEXT CHECK (drawn IN ('same','ocr'));"
	"CREATE TABLE drawn_words ("
	"  doc_id INTEGER NOT NULL,"
	"  pageno INTEGER NOT NULL,"
	"  idx INTEGER NOT NULL,"
	"  line INTEGER NOT NULL,"
	"  text TEXT NOT NULL,"
	"  x0 REAL NOT NULL, y0 REAL NOT NULL, x1 REAL NOT NULL, y1 REAL NOT NULL,"
	"  conf REAL NOT NULL,"
	"  PRIMARY KEY (doc_id, pageno, idx),"
	"  FOREIGN KEY (doc_id, pageno) REFERENCES pages(doc_id, pageno)"
	") WITHOUT ROWID;",
	/* 16 -> 17: retention (purge.h): one audit row per purge; what it
	 * removed (a document's original, page text and words; a release's
	 * package; a quarantined input's file) names the purge that did it.
	 * The cases, decisions, review history and the disclosure log stay */
	"CREATE TABLE purges ("
	"  id INTEGER PRIMARY KEY,"
	"  at INTEGER NOT NULL,"			/* the real clock */
	"  who TEXT NOT NULL,"
	"  before TEXT NOT NULL,"			/* YYYY-MM-DD: done before this day */
	"  years INTEGER NOT NULL,"			/* the retention period then */
	"  override TEXT NOT NULL DEFAULT '',"		/* why, when before was inside it */
	"  cases INTEGER NOT NULL,"
	"  documents INTEGER NOT NULL,"
	"  packages INTEGER NOT NULL,"
	"  inputs INTEGER NOT NULL,"
	"  bytes INTEGER NOT NULL"
	");"
	"ALTER TABLE documents ADD COLUMN purged INTEGER REFERENCES purges(id);"
	"ALTER TABLE releases ADD COLUMN purged INTEGER REFERENCES purges(id);"
	"ALTER TABLE inputs ADD COLUMN purged INTEGER REFERENCES purges(id);",
	/* 17 -> 18: release decisions a compliance officer signs.  A
	 * recipient's other names (an authorization names it so); the patient
	 * a reviewer attributes an override release to; the reviewer's answer,
	 * per record from a Part 2 program, to "received under a TPO consent?"
	 * (42 CFR 2.33(b)); disclosures made outside roi, entered by hand
	 * into the same log (a log entry without a case: M-N), and the
	 * accountings patients asked for (45 CFR 164.528(c): 60 days) */
	"ALTER TABLE recipients ADD COLUMN aliases TEXT NOT NULL DEFAULT '';"
	"ALTER TABLE review ADD COLUMN patient TEXT;"
	"ALTER TABLE case_records ADD COLUMN tpo TEXT CHECK (tpo IN ('yes','no'));"
	"ALTER TABLE case_records ADD COLUMN tpo_action INTEGER REFERENCES review_actions(id);"
	"CREATE TABLE manual_disclosures ("
	"  id INTEGER PRIMARY KEY,"			/* M-N in the log */
	"  patient_id TEXT NOT NULL REFERENCES patients(id),"
	"  disclosed TEXT NOT NULL,"			/* YYYY-MM-DD, as entered */
	"  basis TEXT NOT NULL,"
	"  created_at INTEGER NOT NULL,"
	"  created_by TEXT NOT NULL"
	");"
	"CREATE TABLE log_entries18 ("
	"  seq INTEGER PRIMARY KEY,"
	"  case_id INTEGER UNIQUE REFERENCES cases(id),"
	"  manual_id INTEGER UNIQUE REFERENCES manual_disclosures(id),"
	"  line TEXT NOT NULL,"
	"  leaf BLOB NOT NULL,"
	"  offset INTEGER NOT NULL,"
	"  at INTEGER NOT NULL,"
	"  CHECK ((case_id IS NULL) <> (manual_id IS NULL))"
	");"
	"INSERT INTO log_entries18(seq, case_id, line, leaf, offset, at)"
	"  SELECT seq, case_id, line, leaf, offset, at FROM log_entries;"
	"DROP TABLE log_entries;"
	"ALTER TABLE log_entries18 RENAME TO log_entries;"
	"CREATE INDEX log_entries_offset ON log_entries(offset);"
	"CREATE TABLE accounting_requests ("
	"  id INTEGER PRIMARY KEY,"
	"  patient_id TEXT NOT NULL REFERENCES patients(id),"
	"  requested TEXT NOT NULL,"			/* YYYY-MM-DD */
	"  due TEXT NOT NULL,"				/* requested + 60 days */
	"  extended TEXT,"				/* a 30-day extension, told in writing: why */
	"  provided TEXT,"				/* YYYY-MM-DD */
	"  provided_by TEXT,"
	"  created_at INTEGER NOT NULL,"
	"  created_by TEXT NOT NULL"
	");",
	/* 18 -> 19: delivery (delivery.h): each attempt to send a release
	 * and how it ended, who asked, the number dialled, the fax server's
	 * job.  round: a resend starts a new round of tries.  due_at (the
	 * clock roi believes, clock.h): a failed try's next try, a sent fax's
	 * last wait for its answer.  Fax releases made before this are marked
	 * 'manual' (a person faxed them): never sent again unless resent */
	"CREATE TABLE deliveries ("
	"  id INTEGER PRIMARY KEY,"
	"  case_id INTEGER NOT NULL REFERENCES cases(id),"
	"  round INTEGER NOT NULL,"
	"  channel TEXT NOT NULL CHECK (channel IN ('fax','email','sftp')),"
	"  state TEXT NOT NULL CHECK (state IN ('manual','queued','sending','sent',"
	"    'confirmed','failed','unknown')),"
	"  dest TEXT NOT NULL DEFAULT '',"		/* the number dialled */
	"  file TEXT NOT NULL DEFAULT '',"		/* outbox/..., as sent */
	"  job TEXT NOT NULL DEFAULT '',"		/* the fax server's job id */
	"  detail TEXT NOT NULL DEFAULT '',"		/* why it failed, the server's line */
	"  who TEXT NOT NULL,"
	"  created_at INTEGER NOT NULL,"		/* the real clock from here on */
	"  sent_at INTEGER,"
	"  done_at INTEGER,"
	"  due_at INTEGER NOT NULL DEFAULT 0"
	");"
	"CREATE INDEX deliveries_case ON deliveries(case_id, id);"
	"INSERT INTO deliveries (case_id, round, channel, state, file, detail, who, created_at)"
	"  SELECT case_id, 1, 'fax', 'manual', outbox, 'released before roi tracked delivery',"
	"  'roi', coalesce(released_at, created_at) FROM releases WHERE state = 'released'"
	"  AND outbox LIKE 'outbox/fax/%';",
	/* 19 -> 20: a reviewer's corrections of what roi read off an
	 * authorization (roi auth set/unset), each kept: value NULL is an
	 * unset (the reading stands again); the last row of a field counts.
	 * auth.read_result keeps the decision as roi read it once a
	 * correction has taken it again into auth.result */
	"CREATE TABLE auth_corrections ("
	"  id INTEGER PRIMARY KEY,"
	"  case_id INTEGER NOT NULL REFERENCES cases(id),"
	"  field TEXT NOT NULL,"
	"  value TEXT,"
	"  reason TEXT NOT NULL CHECK (reason <> ''),"
	"  who TEXT NOT NULL,"
	"  at INTEGER NOT NULL"
	");"
	"CREATE INDEX auth_corrections_case ON auth_corrections(case_id, id);"
	"ALTER TABLE auth ADD COLUMN read_result TEXT;",
	/* 20 -> 21: a case's life (caselife.h): its request type
	 * (requests.rules, or a person: type_by), its state from received to
	 * closed (cases.state stays open/closed), the day it arrived and the
	 * day it is due (deadlines.rules; the rule in due_cite), whether the
	 * one extension was given, what it waits for; every move one row of
	 * case_events.  Cases from before: their state as their review and
	 * release say, no due date (no clock was kept), one event saying so */
	"ALTER TABLE cases ADD COLUMN phase TEXT NOT NULL DEFAULT 'received' CHECK (phase IN"
	"  ('received','waiting','in_review','released','denied','withdrawn','closed'));"
	"ALTER TABLE cases ADD COLUMN type TEXT NOT NULL DEFAULT 'third_party';"
	"ALTER TABLE cases ADD COLUMN type_by TEXT NOT NULL DEFAULT '';"
	"ALTER TABLE cases ADD COLUMN received_on TEXT NOT NULL DEFAULT '';"
	"ALTER TABLE cases ADD COLUMN due_on TEXT NOT NULL DEFAULT '';"
	"ALTER TABLE cases ADD COLUMN due_cite TEXT NOT NULL DEFAULT '';"
	"ALTER TABLE cases ADD COLUMN extended INTEGER NOT NULL DEFAULT 0;"
	"ALTER TABLE cases ADD COLUMN waiting_for TEXT NOT NULL DEFAULT '';"
	"CREATE TABLE case_events ("
	"  id INTEGER PRIMARY KEY,"
	"  case_id INTEGER NOT NULL REFERENCES cases(id),"
	"  at INTEGER NOT NULL,"			/* the real clock */
	"  who TEXT NOT NULL,"
	"  kind TEXT NOT NULL,"			/* received move hold resume withdraw close reopen type extend */
	"  from_phase TEXT NOT NULL DEFAULT '',"
	"  to_phase TEXT NOT NULL DEFAULT '',"
	"  detail TEXT NOT NULL DEFAULT ''"
	");"
	"CREATE INDEX case_events_case ON case_events(case_id, id);"
	"UPDATE cases SET received_on = coalesce((SELECT date(i.received_at, 'unixepoch',"
	"  'localtime') FROM documents d JOIN inputs i ON i.id = d.input_id"
	"  WHERE d.id = cases.doc_id), ''),"
	"  phase = CASE WHEN EXISTS (SELECT 1 FROM releases r WHERE r.case_id = cases.id"
	"    AND r.state = 'released') THEN 'released'"
	"  WHEN EXISTS (SELECT 1 FROM review v WHERE v.case_id = cases.id AND v.state ="
	"    'rejected') THEN 'denied'"
	"  WHEN EXISTS (SELECT 1 FROM review v WHERE v.case_id = cases.id) THEN 'in_review'"
	"  ELSE 'received' END;"
	"UPDATE cases SET phase = 'closed' WHERE state = 'closed';"
	"INSERT INTO case_events (case_id, at, who, kind, to_phase, detail)"
	"  SELECT id, created_at, 'roi', 'received', phase, 'opened before roi kept case"
	"  states: its state taken from its review and release; no due date' FROM cases;",
	/* 21 -> 22: letters back to the requester (letter.h): one row per
	 * letter made, where it was placed (outbox/fax/ or outbox/letters/),
	 * the fax number it is for, its SHA-256; and how a patient's identity
	 * was verified on an access request (45 CFR 164.514(h)), by whom in
	 * case_events */
	"CREATE TABLE letters ("
	"  id INTEGER PRIMARY KEY,"
	"  case_id INTEGER NOT NULL REFERENCES cases(id),"
	"  kind TEXT NOT NULL CHECK (kind IN ('deficiency','denial','extension','subpoena')),"
	"  at INTEGER NOT NULL,"
	"  who TEXT NOT NULL,"
	"  path TEXT NOT NULL,"			/* relative to the home */
	"  fax TEXT NOT NULL DEFAULT '',"
	"  sha256 TEXT NOT NULL,"
	"  reason TEXT NOT NULL DEFAULT ''"
	");"
	"CREATE INDEX letters_case ON letters(case_id, id);"
	"ALTER TABLE cases ADD COLUMN verified TEXT NOT NULL DEFAULT '';",
	/* 22 -> 23: the people who sign in to roi serve (user.h): an
	 * argon2id hash (crypto_pwhash_str), a role, the failures that lock an
	 * account; a removed person's row stays (disabled) so the name in the
	 * review history keeps meaning one person.  user_events: every
	 * sign-in, failure, lock-out, sign-out and change of an account */
	"CREATE TABLE users ("
	"  id INTEGER PRIMARY KEY,"
	"  name TEXT NOT NULL UNIQUE,"
	"  role TEXT NOT NULL CHECK (role IN ('reviewer','staff','auditor')),"
	"  hash TEXT NOT NULL,"
	"  failures INTEGER NOT NULL DEFAULT 0,"
	"  locked_until INTEGER NOT NULL DEFAULT 0,"
	"  disabled INTEGER NOT NULL DEFAULT 0,"
	"  last_login INTEGER,"
	"  created_at INTEGER NOT NULL,"
	"  created_by TEXT NOT NULL"
	");"
	"CREATE TABLE user_events ("
	"  id INTEGER PRIMARY KEY,"
	"  at INTEGER NOT NULL,"
	"  name TEXT NOT NULL,"
	"  event TEXT NOT NULL,"
	"  by TEXT NOT NULL,"
	"  detail TEXT NOT NULL DEFAULT ''"
	");"
	"CREATE INDEX user_events_name ON user_events(name, id);",
	/* 23 -> 24: the daily digest (digest.h): one row per day it was
	 * sent, or tried and failed (tried again at the next check) */
	"CREATE TABLE digests ("
	"  day TEXT PRIMARY KEY,"			/* YYYY-MM-DD, local */
	"  sent_at INTEGER,"				/* NULL: not yet sent */
	"  attempts INTEGER NOT NULL DEFAULT 0,"
	"  last_error TEXT NOT NULL DEFAULT ''"
	") WITHOUT ROWID;",
};

#define NMIGRATIONS	((int)(sizeof migrations / sizeof migrations[0]))
_Static_assert(sizeof migrations / sizeof migrations[0] == STORE_VERSION,
    "STORE_VERSION is the number of migrations");

int
store_err(struct store *st, const char *what)
{
	switch (sqlite3_errcode(st->db)) {
	case SQLITE_FULL:
	case SQLITE_IOERR:
	case SQLITE_BUSY:
	case SQLITE_LOCKED:
	case SQLITE_CANTOPEN:
	case SQLITE_NOMEM:
	case SQLITE_READONLY:
	case SQLITE_PROTOCOL:
		msg_tempfail = 1;	/* the machine, not the input */
		break;
	}
	return msg_error("store: %s: %s", what, sqlite3_errmsg(st->db));
}

sqlite3 *
store_db(struct store *st)
{
	return st->db;
}

int
store_exec(struct store *st, const char *sql)
{
	char *err = NULL;

	if (sqlite3_exec(st->db, sql, NULL, NULL, &err) != SQLITE_OK) {
		store_err(st, "exec");
		sqlite3_free(err);
		return -1;
	}
	return 0;
}

sqlite3_stmt *
store_prepare(struct store *st, const char *sql)
{
	sqlite3_stmt *s = NULL;

	if (sqlite3_prepare_v2(st->db, sql, -1, &s, NULL) != SQLITE_OK) {
		store_err(st, "prepare");
		return NULL;
	}
	return s;
}

int64_t
store_int(struct store *st, const char *sql, int64_t def)
{
	sqlite3_stmt	*s;
	int64_t		v = def;

	if ((s = store_prepare(st, sql)) == NULL)
		return def;
	if (sqlite3_step(s) == SQLITE_ROW && sqlite3_column_type(s, 0) != SQLITE_NULL)
		v = sqlite3_column_int64(s, 0);
	sqlite3_finalize(s);
	return v;
}

const char *
store_col(sqlite3_stmt *s, int i)
{
	const unsigned char *t = sqlite3_column_text(s, i);

	return t ? (const char *)t : "";
}

int
store_begin(struct store *st)
{
	return store_exec(st, "BEGIN IMMEDIATE");
}

int
store_commit(struct store *st)
{
	if (store_exec(st, "COMMIT") == -1) {
		store_rollback(st);
		return -1;
	}
	return 0;
}

void
store_rollback(struct store *st)
{
	if (!sqlite3_get_autocommit(st->db))
		sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL);
}

/* migrate - apply the migrations this database has not seen yet, up to
 * version upto (NMIGRATIONS but for store_create_at) */
static int
migrate(struct store *st, int upto)
{
	int	v;
	char	sql[64];

	v = (int)store_int(st, "PRAGMA user_version", 0);
	if (v > NMIGRATIONS)
		return msg_error("store: roi.db has schema version %d, this roi "
		    "knows up to %d: use a newer roi", v, NMIGRATIONS);
	for (; v < upto; v++) {
		if (store_begin(st) == -1)
			return -1;
		/* re-check under the write lock: another process may have won */
		if (store_int(st, "PRAGMA user_version", 0) != v) {
			store_rollback(st);
			continue;
		}
		snprintf(sql, sizeof sql, "PRAGMA user_version = %d", v + 1);
		if (store_exec(st, migrations[v]) == -1 || store_exec(st, sql) == -1) {
			store_rollback(st);
			return msg_error("store: migration to version %d failed", v + 1);
		}
		if (store_commit(st) == -1)
			return -1;
	}
	return 0;
}

static int
open_common(struct store **sp, const char *home, int ro, int upto)
{
	struct store	*st;
	char		path[SPOOL_PATH];
	int		flags, fd;

	*sp = NULL;
	spool_path(path, home, STORE_FILE);
	if (ro) {
		if (access(path, F_OK) == -1)
			return msg_error("%s: no store yet (run 'roi init')", path);
		flags = SQLITE_OPEN_READWRITE;	/* WAL readers need -shm write access */
	} else {
		/* create it 0600 ourselves rather than trusting the umask */
		if ((fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600)) == -1)
			return msg_syserror("cannot open '%s': %s", path, strerror(errno));
		close(fd);
		flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE;
	}
	if ((st = calloc(1, sizeof *st)) == NULL)
		return msg_error("out of memory");
	if (sqlite3_open_v2(path, &st->db, flags | SQLITE_OPEN_FULLMUTEX, NULL) != SQLITE_OK) {
		msg_error("cannot open store '%s': %s", path,
		    st->db ? sqlite3_errmsg(st->db) : "out of memory");
		goto fail;
	}
	sqlite3_busy_timeout(st->db, 30000);
	sqlite3_extended_result_codes(st->db, 1);
	if (store_exec(st, "PRAGMA journal_mode = WAL") == -1 ||
	    store_exec(st, "PRAGMA synchronous = FULL") == -1 ||
	    store_exec(st, "PRAGMA foreign_keys = ON") == -1 ||
	    store_exec(st, "PRAGMA secure_delete = ON") == -1)
		goto fail;
	if (ro) {
		if (store_int(st, "PRAGMA user_version", 0) > NMIGRATIONS) {
			msg_error("store: roi.db is newer than this roi");
			goto fail;
		}
		if (store_int(st, "PRAGMA user_version", 0) < NMIGRATIONS &&
		    migrate(st, NMIGRATIONS) == -1)
			goto fail;
	} else if (migrate(st, upto) == -1)
		goto fail;
	*sp = st;
	return 0;
fail:
	sqlite3_close(st->db);
	free(st);
	return -1;
}

int
store_open(struct store **sp, const char *home)
{
	return open_common(sp, home, 0, NMIGRATIONS);
}

int
store_open_ro(struct store **sp, const char *home)
{
	return open_common(sp, home, 1, NMIGRATIONS);
}

int
store_create_at(struct store **sp, const char *home, int version)
{
	char	path[SPOOL_PATH];

	*sp = NULL;
	if (version < 1 || version > NMIGRATIONS)
		return msg_error("store: no schema version %d (1 to %d)", version, NMIGRATIONS);
	if (spool_exists(spool_path(path, home, STORE_FILE)))
		return msg_error("store: %s exists: an earlier schema version only for a new home",
		    path);
	return open_common(sp, home, 0, version);
}

void
store_close(struct store *st)
{
	if (st == NULL)
		return;
	sqlite3_close(st->db);
	free(st);
}
