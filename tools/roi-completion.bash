# roi-completion.bash - bash completion for roi (installed by make install
# as PREFIX/share/bash-completion/completions/roi)
#
# Completes the commands, their subcommands and options, and the names
# roi knows: case ids (roi case list --json) where a CASE goes, recipient
# names where a recipient goes (review approve --to, recipient alias).
# The home is the -C DIR on the line, else ROI_HOME, else the current
# folder, as roi takes it.  Nothing is written; a roi that cannot answer
# (no home yet) completes nothing.

_roi_commands="init run status doc case auth rules review recipient release log patient panel appt noshow waitlist backup restore purge user serve help version"

# _roi_subcommands CMD - the words that may follow CMD
_roi_subcommands()
{
	case $1 in
	doc)		echo "list show text" ;;
	case)		echo "list show due attach hold resume withdraw close reopen type extend verify letter" ;;
	auth)		echo "show set unset" ;;
	rules)		echo "check" ;;
	review)		echo "list show redact keep restore approve reject withhold include confirm-patient tpo" ;;
	user)		echo "add passwd del list" ;;
	recipient)	echo "add alias list" ;;
	release)	echo "list open resend confirm" ;;
	log)		echo "verify show prove pubkey accounting add request requests" ;;
	patient)	echo "import list show match flag unflag" ;;
	panel)		echo "status due notify provider payer app export import" ;;
	appt)		echo "import add list show status clinician clinicians" ;;
	noshow)		echo "queue mark show draft send attempt reschedule close escalations ack check report" ;;
	waitlist)	echo "add list show advance offer answer" ;;
	help)		echo "$_roi_commands" ;;
	esac
}

# _roi_run ARGS... - roi on the home of the line being completed, quietly
_roi_run()
{
	local i
	for ((i = 1; i < COMP_CWORD; i++)); do
		if [[ ${COMP_WORDS[i]} == -C ]]; then
			roi -C "${COMP_WORDS[i + 1]}" "$@" 2> /dev/null
			return
		fi
	done
	roi "$@" 2> /dev/null
}

# _roi_cases - the case ids of the home ("C-1 C-2 ...")
_roi_cases()
{
	_roi_run case list --all --json | sed -n 's/.*"case": *"\(C-[0-9]*\)".*/\1/p'
}

# _roi_recipients - recipient names, one a line (they may hold blanks)
_roi_recipients()
{
	_roi_run recipient list --json | sed -n 's/^ *"name": *"\(.*\)",\{0,1\}$/\1/p'
}

# _roi_names LIST - COMPREPLY from newline-separated names, quoted for the line
_roi_names()
{
	local cur=$1 n
	local IFS=$'\n'
	COMPREPLY=()
	for n in $2; do
		[[ $n == "$cur"* ]] && COMPREPLY+=("$(printf '%q' "$n")")
	done
}

_roi()
{
	local cur prev cmd sub i
	COMPREPLY=()
	cur=${COMP_WORDS[COMP_CWORD]}
	prev=${COMP_WORDS[COMP_CWORD - 1]}
	# the command and subcommand: the first words that are not -C DIR
	for ((i = 1; i < COMP_CWORD; i++)); do
		case ${COMP_WORDS[i]} in
		-C) ((i++)) ;;
		-*) ;;
		*)	if [[ -z $cmd ]]; then cmd=${COMP_WORDS[i]}
			elif [[ -z $sub ]]; then sub=${COMP_WORDS[i]}; fi ;;
		esac
	done
	if [[ $prev == -C ]]; then
		COMPREPLY=($(compgen -d -- "$cur"))
		return
	fi
	if [[ -z $cmd ]]; then
		COMPREPLY=($(compgen -W "$_roi_commands -C --help --version" -- "$cur"))
		return
	fi
	if [[ -z $sub && -n $(_roi_subcommands "$cmd") ]]; then
		COMPREPLY=($(compgen -W "$(_roi_subcommands "$cmd") --help" -- "$cur"))
		return
	fi
	# a recipient's name
	if [[ ( $cmd == review && $prev == --to ) || ( $cmd == recipient && $sub == alias ) ]]; then
		_roi_names "$cur" "$(_roi_recipients)"
		return
	fi
	# a role; a person's name
	if [[ $cmd == user && $prev == --role ]]; then
		COMPREPLY=($(compgen -W "reviewer staff auditor" -- "$cur"))
		return
	fi
	if [[ $cmd/$sub == user/passwd || $cmd/$sub == user/del ]] && [[ $prev == "$sub" ]]; then
		COMPREPLY=($(compgen -W "$(_roi_run user list --json | sed -n 's/.*"name": *"\([^"]*\)".*/\1/p')" -- "$cur"))
		return
	fi
	# a case id, as the first argument of the commands that take one
	case $cmd/$sub in
	review/show|review/redact|review/keep|review/restore|review/approve|review/reject|review/withhold|\
	review/include|review/confirm-patient|review/tpo|case/show|case/attach|case/hold|case/resume|\
	case/withdraw|case/close|case/reopen|case/type|case/extend|case/verify|case/letter|auth/show|auth/set|auth/unset|release/resend|release/confirm)
		if [[ $prev == "$sub" && $cur != -* ]]; then
			COMPREPLY=($(compgen -W "$(_roi_cases)" -- "$cur"))
			return
		fi ;;
	esac
	# a request type (rules/requests.rules), after roi case type CASE
	if [[ $cmd/$sub == case/type && $prev == C-* ]]; then
		COMPREPLY=($(compgen -W "patient_access patient_directed third_party treatment subpoena other_164512" -- "$cur"))
		return
	fi
	# a letter's kind, after roi case letter CASE; a denial's basis
	if [[ $cmd/$sub == case/letter && $prev == C-* ]]; then
		COMPREPLY=($(compgen -W "deficiency denial extension subpoena" -- "$cur"))
		return
	fi
	if [[ $cmd/$sub == case/letter && $prev == --basis ]]; then
		COMPREPLY=($(compgen -W "psychotherapy_notes litigation confidential_source endanger other_person representative" -- "$cur"))
		return
	fi
	if [[ $cmd/$sub == case/letter && $prev == --to ]]; then
		_roi_names "$cur" "$(_roi_recipients)"
		return
	fi
	case $cmd in
	init|backup|restore|release|rules|patient|appt|case|panel)
		COMPREPLY=($(compgen -f -- "$cur")) ;;
	esac
}
complete -F _roi roi
