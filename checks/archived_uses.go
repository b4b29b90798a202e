package checks

import (
	"github.com/rampart-sec/rampart/audit"
)

// ArchivedUses flags actions and reusable workflows whose repository is archived.
var ArchivedUses = &audit.Check{
	ID:         "archived-uses",
	Title:      "Action or reusable workflow from an archived repository",
	Severity:   audit.Medium,
	Confidence: audit.HighConfidence,
	Category:   audit.CategorySupplyChain,
	Online:     true,
	Doc: `An archived repository is read-only: its maintainers have stopped working on it. An action
from one gets no more fixes, security fixes included; when a vulnerability in it or in the
dependencies it bundles becomes known, nobody will release a patched version, and its runtime
(an old Node.js version) will eventually stop being supported by the runners. Well-known examples
are ` + "`actions/create-release`" + `, ` + "`actions/upload-release-asset`" + ` and ` + "`actions-rs/toolchain`" + `.

rampart asks GitHub for the metadata of each repository that a ` + "`uses:`" + ` names, once per repository.`,
	Bad: `on: push
permissions:
  contents: write
jobs:
  release:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/create-release@0cb9c9b65d5d1901c1f53e5e66eaf4afd303e70e # v1.1.4
        with:
          tag_name: ${{ github.ref_name }}
        env:
          GITHUB_TOKEN: ${{ secrets.GITHUB_TOKEN }}
`,
	Good: `on: push
permissions:
  contents: write
jobs:
  release:
    runs-on: ubuntu-latest
    steps:
      - run: gh release create "$GITHUB_REF_NAME" --repo "$GITHUB_REPOSITORY"
        env:
          GH_TOKEN: ${{ github.token }}
`,
	Fix: `Replace the action with a maintained one that does the same job, with a short ` + "`run:`" + ` step
(the ` + "`gh`" + ` CLI covers releases, issues and pull requests), or with a fork you maintain yourself.`,
	References: []string{
		"https://docs.zizmor.sh/audits/#archived-uses",
		"https://docs.github.com/en/repositories/archiving-a-github-repository/archiving-repositories",
	},
	Equivalents: map[string]string{"zizmor": "archived-uses"},
	Run:         runArchivedUses,
}

func runArchivedUses(pass *audit.Pass) error {
	return arRun(pass, arAllUses, func(api *arAPI, u actionUse) {
		info, ok := api.Repo(u)
		if !ok || !info.Archived {
			return
		}
		name := info.FullName
		if name == "" {
			name = u.Slug()
		}
		f := pass.Reportf(u.File, u.Uses.Pos, "%s %q comes from %s, an archived repository: it gets no more fixes, security fixes included",
			u.What(), u.Value(), name)
		f.Key = u.Key("")
	})
}
