/*
 * waitlist.h - the waitlist and intake pipeline, and rebooking freed slots
 *
 * An entry is one person of the registry waiting for care, and moves
 *
 *   referral -> contacted -> screened -> insurance_verified -> offered
 *   offered -> scheduled (an offer accepted)
 *   offered -> insurance_verified (an offer declined or expired)
 *   insurance_verified -> scheduled (booked by hand: an intake appointment)
 *   any state but scheduled, declined, referred_out -> declined | referred_out
 *
 * every move an event (who, when, note).  screened needs the pre-intake
 * screening answers; insurance_verified runs the in-network check for the
 * entry's payer and clinician (self-pay needs none) and records it.
 *
 * The in-network check (waitlist_in_network) asks the paneling module: the
 * clinician must be 'effective' with the payer on the date of service
 * (effective date on or before it).  It answers in, out, self_pay or
 * unknown (the paneling module cannot tell: not built in, payer or
 * provider unknown to it), never a guess.
 *
 * Rebooking: an appointment cancelled or late-cancelled ahead of its time
 * frees its slot.  waitlist_candidates() ranks the entries that can take
 * it: insurance_verified, no open offer, wanting this clinician or any,
 * this modality or any; ordered by urgency (urgent, soon, routine), then
 * network (in-network or self-pay, unknown, out of network), then those who
 * asked for this clinician before those who take any, then time waiting
 * (longest first).  A slot freed by a patient with a risk flag whose
 * follow-up is still open is held until it is settled.  One open offer per
 * slot at a time, answered within [waitlist] offer_hours or expired by the
 * check (the next person is then offered).  An accepted offer books the
 * appointment (fills = the slot).
 *
 * Errors: -1 with one line printed; 1 a refusal (unknown entry, patient or
 * slot; a move not allowed), nothing changed.
 */
#ifndef ROI_WAITLIST_H
#define ROI_WAITLIST_H

#include <jansson.h>
#include <time.h>

#include "config.h"
#include "store.h"

enum waitlist_network { WAITLIST_IN, WAITLIST_SELF_PAY, WAITLIST_UNKNOWN, WAITLIST_OUT };

struct waitlist_cand {
	int64_t	id;
	int	urgency;		/* 0 routine, 1 soon, 2 urgent */
	int	network;		/* enum waitlist_network */
	int	wants_clinician;	/* asked for the slot's clinician by name */
	time_t	referred;
};

/* waitlist_move_allowed - may an entry go from one state to another? */
int	waitlist_move_allowed(const char *from, const char *to);
/* waitlist_next - the next state of the pipeline; NULL at its end */
const char *waitlist_next(const char *from);
/* waitlist_urgency - "routine", "soon", "urgent" to 0..2; -1 */
int	waitlist_urgency(const char *s);
const char *waitlist_network_name(int n);
/* waitlist_rank - sort candidates best first (the order above; pure) */
void	waitlist_rank(struct waitlist_cand *v, size_t n);
/* waitlist_arg - "W-3", "w3" or "3" to 3; 0 if not */
int64_t	waitlist_arg(const char *s);

/*
 * One clinician, one identity.  The schedule names a clinician as the
 * practice system writes it ("Dana Lee"), the paneling module a provider
 * as credentialing does ("Dana Lee, PhD", NPI 1234567893).  A clinician is
 * linked to a provider by the NPI recorded with roi appt clinician NAME
 * --npi NPI, else by name when exactly one provider's name is the
 * clinician's without titles and credentials ("Dr.", "PhD", "LCSW"...).
 * An unlinked clinician's network is unknown, never guessed.
 */
enum waitlist_link { WAITLIST_LINK_NONE, WAITLIST_LINK_NPI, WAITLIST_LINK_NAME };

/* waitlist_clinician_provider - the provider id in *prov and how it was
 * linked, or WAITLIST_LINK_NONE with why */
int	waitlist_clinician_provider(struct store *st, const char *clinician, int64_t *prov,
	    char *why, size_t len);
/* waitlist_unlinked_json - [{clinician, why}] for the clinicians of the
 * directory and of open waitlist entries linked to no provider; [] when
 * the practice tracks no providers */
json_t	*waitlist_unlinked_json(struct store *st);

/* waitlist_in_network - see above; why says what was found */
int	waitlist_in_network(struct store *st, const char *home, const char *clinician,
	    const char *payer, time_t when, char *why, size_t len);

/* waitlist_add - a new entry in referral; 1 if the patient is unknown */
int	waitlist_add(struct store *st, const char *patient, const char *clinician,
	    const char *modality, const char *payer, int urgency, const char *source,
	    time_t referred, const char *note, const char *who, time_t now, int64_t *id);
/* waitlist_advance - one move (to NULL: the next state); answers: JSON
 * object merged into the screening; payer/urgency (NULL, -1: keep); appt:
 * the intake appointment when moving to scheduled */
int	waitlist_advance(struct store *st, const char *home, int64_t id, const char *to,
	    json_t *answers, const char *payer, int urgency, int64_t appt, const char *note,
	    const char *who, time_t now);
/* waitlist_candidates - the ranked candidates for a slot as JSON; 1 if the
 * slot cannot be offered (why printed) */
int	waitlist_candidates(struct store *st, const char *home, int64_t slot, time_t now,
	    json_t **out);
/* waitlist_offer - offer the slot to entry (0: the best candidate); the
 * offer id in *offer */
int	waitlist_offer(struct store *st, const char *home, const struct config *cfg,
	    int64_t slot, int64_t entry, const char *who, time_t now, int64_t *offer);
/* waitlist_answer - the entry's answer to its open offer; accepted books
 * the appointment (its id in *appt) */
int	waitlist_answer(struct store *st, int64_t entry, int accept, const char *note,
	    const char *who, time_t now, int64_t *appt);
/* waitlist_expire - open offers past their time expire; the number */
int	waitlist_expire(struct store *st, time_t now);

json_t	*waitlist_list_json(struct store *st, int all, time_t now);
json_t	*waitlist_show_json(struct store *st, int64_t id, time_t now);

#endif
