package main

import "github.com/moby/buildkit/frontend/dockerfile/linter"

// RuleInfo names a rule this tool evaluates and where it comes from.
type RuleInfo struct {
	Name string
	// Kind is "buildkit" (on by default in BuildKit), "experimental"
	// (BuildKit, off by default there, on here with -lint) or "tool" (this
	// tool's own, not BuildKit's).
	Kind string
}

// Rules lists every rule `dockerfile-check -lint` evaluates. BuildKit's
// CopyIgnoredFile is missing: it needs the build context's .dockerignore,
// which BuildKit only reads through a gateway client.
var Rules = []RuleInfo{
	{linter.RuleStageNameCasing.Name, "buildkit"},
	{linter.RuleFromAsCasing.Name, "buildkit"},
	{linter.RuleNoEmptyContinuation.Name, "buildkit"},
	{linter.RuleConsistentInstructionCasing.Name, "buildkit"},
	{linter.RuleDuplicateStageName.Name, "buildkit"},
	{linter.RuleReservedStageName.Name, "buildkit"},
	{linter.RuleJSONArgsRecommended.Name, "buildkit"},
	{linter.RuleMaintainerDeprecated.Name, "buildkit"},
	{linter.RuleUndefinedArgInFrom.Name, "buildkit"},
	{linter.RuleWorkdirRelativePath.Name, "buildkit"},
	{linter.RuleUndefinedVar.Name, "buildkit"},
	{linter.RuleMultipleInstructionsDisallowed.Name, "buildkit"},
	{linter.RuleLegacyKeyValueFormat.Name, "buildkit"},
	{linter.RuleInvalidBaseImagePlatform.Name, "buildkit"},
	{linter.RuleRedundantTargetPlatform.Name, "buildkit"},
	{linter.RuleSecretsUsedInArgOrEnv.Name, "buildkit"},
	{linter.RuleInvalidDefaultArgInFrom.Name, "buildkit"},
	{linter.RuleFromPlatformFlagConstDisallowed.Name, "buildkit"},
	{linter.RuleExposeProtoCasing.Name, "buildkit"},
	{linter.RuleExposeInvalidFormat.Name, "buildkit"},
	{linter.RuleInvalidDefinitionDescription.Name, "experimental"},
	{RuleCopyFromUnknownStage.Name, "tool"},
	{RuleExecFormInvalidJSON.Name, "tool"},
}
