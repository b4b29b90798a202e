package checks

import "github.com/rampart-sec/rampart/audit"

// pcFacts is what cache-poisoning and use-trusted-publishing need to know of each step of a
// file, indexed as file.Steps() has the steps, found in one walk of them (see pcFactsOf): what the
// action it uses is to these checks, and the publishing words of its script. With the unions
// over the file, most files are dismissed without a look at any step.
type pcFacts struct {
	steps []pcStep // by index in file.Steps(), in one allocation per file
	any   pcKind   // the union of the kinds
	words pcWords  // the union of the pcGate words of the scripts
}

// pcStep is what pcFacts knows of one step.
type pcStep struct {
	kind pcKind // what the action that the step uses (pcUses) is to these checks
	// mask holds, for a run: script of a job, its pcGate words until pcFacts.mask asks for the
	// whole of its pcPublishMaskOf (most scripts have none, and the scripts with some are
	// seldom asked about); 0 for a uses: step and a composite action's step.
	mask pcWords
}

// pcwWhole marks a pcStep.mask that pcFacts.mask has completed.
const pcwWhole pcWords = 1 << 31

// mask returns pcPublishMaskOf of step k's script (0 for a uses: step), computing it the first
// time it is asked for; but when the script holds "publish", only the words of pcGateWords: every
// question asked of a mask (mayPublish, mayPublishToRegistry, whether it holds publish or
// release) then has its answer, true, without the programs' names, which are not looked for.
func (f *pcFacts) mask(k int, s audit.StepRef) pcWords {
	m := f.steps[k].mask
	if m&pcwWhole == 0 {
		if m != 0 && m&pcwPublish == 0 {
			m = pcPublishMask(s.Run().Run.Value) // pcGate found words: pcPublishMaskOf is this
		}
		m |= pcwWhole
		f.steps[k].mask = m
	}
	return m &^ pcwWhole
}

// registryMask is mask for utpRun, which asks of a mask only its words of pcGateWords and
// mayPublishToRegistry: when the script holds neither push nor upload, the gate words decide that
// (it needs publish, gem push or twine upload), and the rest of the script's pcPublishMask, which
// two thirds of the scripts with a gate word would be scanned for, is not computed.
func (f *pcFacts) registryMask(k int, s audit.StepRef) pcWords {
	if m := f.steps[k].mask &^ pcwWhole; m&(pcwPush|pcwUpload) == 0 {
		return m
	}
	return f.mask(k, s)
}

// pcKind says which checks' lists hold an action.
type pcKind uint8

const (
	pcfTrusted pcKind = 1 << iota // an action utpAction looks at
	pcfCache                      // an action cpCacheCheck may find a cache in
	pcfUpload                     // actions/upload-artifact, which cpFeeders looks for
	pcfPublish                    // an action that pcPublishes may find publishing
)

// pcKinds are the actions of pcKind, by pcUses' name.
var pcKinds = func() map[string]pcKind {
	m := map[string]pcKind{
		"pypa/gh-action-pypi-publish": pcfTrusted, "rubygems/release-gem": pcfTrusted, "js-devtools/npm-publish": pcfTrusted,
		"docker/build-push-action": pcfCache, "docker/bake-action": pcfCache,
		"actions/upload-artifact": pcfUpload,
	}
	for name := range utpKeyInputs {
		m[name] |= pcfTrusted
	}
	for name := range cpCacheActions {
		m[name] |= pcfCache
	}
	for name := range pcPublisherActions {
		m[name] |= pcfPublish
	}
	m["docker/build-push-action"] |= pcfPublish // with push (the goreleaser action is in pcPublisherActions)
	return m
}()

type pcFactsKey struct{}

// pcFactsOf returns a file's pcFacts, computed once per file.
func pcFactsOf(file *audit.File) *pcFacts {
	return file.Memo(pcFactsKey{}, func() any {
		steps := file.Steps()
		f := &pcFacts{steps: make([]pcStep, len(steps))}
		// The scripts, in step order: their words come from the scan that download-then-run and
		// unpinned-tools read too (shellWords.Publish), which runs once per script.
		scripts := shellScriptsOf(file)
		for k, s := range steps {
			if name, _, _, ok := pcUses(s); ok {
				f.steps[k].kind = pcKinds[name]
				f.any |= f.steps[k].kind
			} else if r := s.Run(); r != nil && r.Run != nil {
				var sc *shellScript
				if len(scripts) > 0 && scripts[0].Run == r.Run {
					sc, scripts = scripts[0], scripts[1:]
				}
				if s.Job == nil { // neither check looks at a composite action's scripts
					continue
				}
				var m pcWords
				if sc != nil {
					m = sc.Words().Publish
				} else {
					m = pcGate(r.Run.Value) // not in the list (none is missing in the corpus)
				}
				f.steps[k].mask = m
				f.words |= m
			}
		}
		return f
	}).(*pcFacts)
}
