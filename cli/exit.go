package cli

// Exit codes of SPEC.md.
const (
	ExitOK      = 0 // audit done, nothing at or above --fail-on, score at or above --min-score
	ExitFail    = 1 // audit done, a finding at or above --fail-on or a score below --min-score
	ExitUsage   = 2 // usage or configuration error
	ExitNoAudit = 3 // the audit could not be done
)

// usageError is a bad flag or config: exit 2.
type usageError struct{ msg string }

func (e usageError) Error() string { return e.msg }

// auditError means the audit could not be done: exit 3.
type auditError struct{ msg string }

func (e auditError) Error() string { return e.msg }
