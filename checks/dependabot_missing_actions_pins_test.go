package checks

import (
	"fmt"
	"math/rand"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/rampart-sec/rampart/audit"
	"github.com/rhysd/actionlint"
)

// dbmaFirstPinsPlain is dbmaFirstPins as first written: arParseUse of every SHA pin, its slug
// built from arParseUse's owner and name.
func dbmaFirstPinsPlain(t *audit.Target) (pins []actionUse, slugs []string) {
	pins, slugs = make([]actionUse, 0, 5), make([]string, 0, 4)
	for _, file := range t.Files {
		arEachUse(file, func(s *actionlint.String, j *actionlint.Job, st *actionlint.Step, i int) {
			if len(pins) >= 5 && len(slugs) > 3 {
				return
			}
			v := strings.TrimSpace(s.Value)
			if !isFullSHA(v[strings.LastIndexByte(v, '@')+1:]) {
				return
			}
			owner, name, path, ref, ok := arParseUse(v)
			if !ok {
				return
			}
			if len(pins) < 5 {
				pins = append(pins, actionUse{File: file, Uses: s, Owner: owner, Name: name, Path: path, Ref: ref, Reusable: st == nil, job: j, step: st, index: i})
			}
			if len(slugs) <= 3 && !slices.Contains(slugs, owner+"/"+name) {
				slugs = append(slugs, owner+"/"+name)
			}
		})
		if len(pins) >= 5 && len(slugs) > 3 {
			break
		}
	}
	return pins, slugs
}

// TestDbmaFirstPins holds dbmaFirstPins, which parses only the first five pins and takes the
// others' slugs from arUseSlug, to dbmaFirstPinsPlain on the corpus's targets and on workflows of
// random uses: (owners and names in both cases, paths, refs that are not SHAs, values that
// arParseUse refuses).
func TestDbmaFirstPins(t *testing.T) {
	check := func(tg *audit.Target) {
		t.Helper()
		pins, slugs := dbmaFirstPins(tg)
		wantPins, wantSlugs := dbmaFirstPinsPlain(tg)
		if !reflect.DeepEqual(pins, wantPins) || !reflect.DeepEqual(slugs, wantSlugs) {
			t.Fatalf("%s: dbmaFirstPins = %v %q, want %v %q", tg.Name, pins, slugs, wantPins, wantSlugs)
		}
	}
	for _, tg := range corpusTargets(t) {
		check(tg)
	}
	const sha = "ed68ef82c095e0d48ec87eccea555d944a631a4c"
	pool := []string{"actions/checkout@" + sha, "Actions/Checkout@" + sha, "ACTIONS/CHECKOUT/sub@" + sha, "actions/setup-go@" + sha,
		"a/b@" + sha, "A/B@" + sha, "a/b/c@" + sha, "a/B@v4", "c/d@" + sha, "e.f/g@" + sha, "e-f/g_h.i@" + sha, "x/y@" + sha,
		"x/Y@" + sha, "./local@" + sha, "docker://a/b@" + sha, "a/${{ x }}@" + sha, "a/b/${{ x }}@" + sha, "-a/b@" + sha,
		"a/b@" + strings.ToUpper(sha), "z/y@main", "q/r@" + sha, "s/t@" + sha}
	rng := rand.New(rand.NewSource(4))
	for n := range 300 {
		var b strings.Builder
		b.WriteString("on: push\njobs:\n  j:\n    runs-on: ubuntu-latest\n    steps:\n")
		for k := rng.Intn(14); k >= 0; k-- {
			fmt.Fprintf(&b, "      - uses: %s\n", pool[rng.Intn(len(pool))])
		}
		tg := &audit.Target{Kind: "dir", Name: fmt.Sprint("random ", n)}
		tg.AddSource(".github/workflows/a.yml", []byte(b.String()))
		if len(tg.Files) != 1 || tg.Files[0].Workflow == nil {
			t.Fatalf("%s did not parse", b.String())
		}
		check(tg)
	}
}
