package checks

import "github.com/rampart-sec/rampart/audit"

// arPick says which remote uses: an online action check looks at.
type arPick int

const (
	arAllUses   arPick = iota // every remote use
	arSHAUses                 // uses pinned to a full commit SHA
	arNamedUses               // uses of a tag or branch name
)

// arRun is the body of an online action check: it opens the pass's API (without API access it
// records why and calls nothing), then calls fn with each remote uses: of the target that pick
// selects, in file order, and closes the API when done.
func arRun(pass *audit.Pass, pick arPick, fn func(api *arAPI, u actionUse)) error {
	api := arOpen(pass)
	if api == nil {
		return nil
	}
	defer api.Close()
	for _, u := range arUses(pass.Target) {
		if pick != arAllUses && u.IsSHA() != (pick == arSHAUses) {
			continue
		}
		fn(api, u)
	}
	return nil
}
