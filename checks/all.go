// Package checks holds rampart's checks: one file per check, each a *audit.Check value with its
// documentation inline. All lists them in the order they run and are documented.
package checks

import "github.com/rampart-sec/rampart/audit"

// All returns every check, in order. There is no init() registration: this list is the registry.
func All() []*audit.Check {
	return []*audit.Check{
		TemplateInjection,
		DangerousTriggers,
		ExcessivePermissions,
		UnpinnedUses,
		UnpinnedImages,
		GitHubEnv,
		HardcodedCredentials,
		Artipacked,
		SelfHostedRunner,
		SecretsInherit,
		OverprovisionedSecrets,
		UnredactedSecrets,
		SecretsOutsideEnv,
		CachePoisoning,
		ArtifactPoisoning,
		InsecureCommands,
		BotConditions,
		UnsoundContains,
		UnsoundCondition,
		Obfuscation,
		DownloadThenRun,
		UnpinnedTools,
		UseTrustedPublishing,
		ForbiddenUses,
		ImpostorCommit,
		RefConfusion,
		StaleActionRefs,
		RefVersionMismatch,
		ArchivedUses,
		KnownVulnerableActions,
		BranchProtection,
		WorkflowTokenDefault,
		AllowedActions,
		ForkPRApproval,
		CodeownersWorkflows,
		DependabotCooldown,
		DependabotExecution,
		DependabotMissingActions,
	}
}

// ByID returns the check with the given id, or nil.
func ByID(id string) *audit.Check {
	for _, c := range All() {
		if c.ID == id {
			return c
		}
	}
	return nil
}

// IDs returns the set of check ids, for validating config files.
func IDs() map[string]bool {
	m := map[string]bool{}
	for _, c := range All() {
		m[c.ID] = true
	}
	return m
}
