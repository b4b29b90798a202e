package bench

import (
	"os"
	"path/filepath"
	"runtime"
	"testing"
	"time"

	"github.com/rampart-sec/rampart/audit"
	"github.com/rampart-sec/rampart/checks"
)

// corpusDir finds the shared corpus: $RAMPART_CORPUS, or shared/corpus/real beside the module root
// (CI copies /work/shared next to the clone as ../shared). It returns "" when there is none.
func corpusDir(tb testing.TB) string {
	if d := os.Getenv("RAMPART_CORPUS"); d != "" {
		if st, err := os.Stat(d); err == nil && st.IsDir() {
			return d
		}
		tb.Fatalf("RAMPART_CORPUS=%q is not a directory", d)
	}
	wd, err := os.Getwd()
	if err != nil {
		tb.Fatal(err)
	}
	for dir := wd; ; dir = filepath.Dir(dir) {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			c := filepath.Join(dir, "..", "shared", "corpus", "real")
			if st, err := os.Stat(c); err == nil && st.IsDir() {
				return c
			}
			return ""
		}
		if filepath.Dir(dir) == dir {
			return ""
		}
	}
}

// corpus lists the repository folders and the YAML files of the corpus, or skips the benchmark.
func corpus(b *testing.B) (repos []string, files []CorpusFile, size int64) {
	dir := corpusDir(b)
	if dir == "" {
		b.Skip("corpus not found: expected ../shared/corpus/real beside the module root, or set RAMPART_CORPUS")
	}
	repos, files, size, err := ListCorpus(dir)
	if err != nil {
		b.Fatal(err)
	}
	if len(files) == 0 {
		b.Skip("corpus is empty")
	}
	return repos, files, size
}

// single runs the benchmark on one thread, whatever -cpu says, so that the two benchmarks compare fairly.
func single(b *testing.B) {
	prev := runtime.GOMAXPROCS(1)
	b.Cleanup(func() { runtime.GOMAXPROCS(prev) })
}

// cpuMeter reports the process's CPU time per iteration as cpu-ns/op, beside the wall-clock
// ns/op: on a shared machine other processes stretch the wall clock of whichever benchmark they
// happen to overlap, while the CPU time this process spends is what the work itself costs.
type cpuMeter struct{ start time.Duration }

func startCPU() cpuMeter { return cpuMeter{processCPU()} }

func (m cpuMeter) report(b *testing.B) {
	b.ReportMetric(float64((processCPU()-m.start).Nanoseconds())/float64(b.N), "cpu-ns/op")
}

func perFile(b *testing.B, files int) {
	b.ReportMetric(float64(files), "files/op")
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(files), "ns/file")
}

// BenchmarkParseOnly reads every corpus file and parses it: actionlint.Parse for workflows, the
// engine's own parse for action.yml files. This is the floor that a full audit is compared with.
func BenchmarkParseOnly(b *testing.B) {
	_, files, size := corpus(b)
	single(b)
	b.ReportAllocs()
	b.SetBytes(size)
	b.ResetTimer()
	cpu := startCPU()
	for b.Loop() {
		parsePass(b, files)
	}
	cpu.report(b)
	perFile(b, len(files))
}

// parsePass is one pass of BenchmarkParseOnly.
func parsePass(b *testing.B, files []CorpusFile) {
	if err := ParsePass(files); err != nil {
		b.Fatal(err)
	}
}

// auditPass is one pass of BenchmarkAudit; it returns how many files the report counts.
func auditPass(b *testing.B, engine *audit.Engine, opts audit.AuditOptions, repos []string) int {
	loaders := make([]audit.TargetLoader, 0, len(repos))
	for _, r := range repos {
		loaders = append(loaders, func() (*audit.Target, error) { return audit.LoadDir(r, audit.LoadOptions{}) })
	}
	res, err := engine.AuditStream(loaders, opts)
	if err != nil {
		b.Fatal(err)
	}
	return res.Report.Stats.Files
}

// BenchmarkPaired alternates one parse-only pass, one full-audit pass and one load-only pass (the
// audit without checks) per iteration and reports the ratio of the audit's summed time to the
// parse-only one (and the same in CPU time), with each side's time per pass: on a machine
// whose speed drifts (shared hosts, frequency changes), the two sides of each pair see the same
// machine, which separate benchmarks a second apart do not. scripts/bench.sh takes its ratio
// from here. ns/op is the time of one pair.
func BenchmarkPaired(b *testing.B) {
	repos, files, _ := corpus(b)
	single(b)
	engine := &audit.Engine{Checks: checks.All()}
	opts := audit.AuditOptions{Now: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC), OfflineReason: "offline: API-backed checks skipped"}
	loader := &audit.Engine{}
	var parseWall, auditWall, loadWall, parseCPU, auditCPU time.Duration
	audited := 0
	b.ResetTimer()
	for b.Loop() {
		w0, c0 := time.Now(), processCPU()
		parsePass(b, files)
		w1, c1 := time.Now(), processCPU()
		audited = auditPass(b, engine, opts, repos)
		w2, c2 := time.Now(), processCPU()
		auditPass(b, loader, audit.AuditOptions{}, repos)
		w3 := time.Now()
		parseWall += w1.Sub(w0)
		auditWall += w2.Sub(w1)
		loadWall += w3.Sub(w2)
		parseCPU += c1 - c0
		auditCPU += c2 - c1
	}
	b.StopTimer()
	if audited != len(files) {
		b.Errorf("the audit counted %d files, the corpus has %d", audited, len(files))
	}
	b.ReportMetric(float64(parseWall.Nanoseconds())/float64(b.N), "parse-ns/op")
	b.ReportMetric(float64(auditWall.Nanoseconds())/float64(b.N), "audit-ns/op")
	b.ReportMetric(float64(loadWall.Nanoseconds())/float64(b.N), "load-ns/op")
	b.ReportMetric(float64(auditWall)/float64(parseWall), "ratio")
	if parseCPU > 0 {
		b.ReportMetric(float64(auditCPU)/float64(parseCPU), "cpu-ratio")
	}
}

// BenchmarkAudit runs the full audit of every repository folder of the corpus, as
// `rampart scan real/*/ --offline` does (AuditStream: each folder loaded, audited and released in
// turn): discovery, reading, parsing, every check of every persona, processing, scoring.
func BenchmarkAudit(b *testing.B) {
	repos, files, size := corpus(b)
	single(b)
	engine := &audit.Engine{Checks: checks.All()}
	opts := audit.AuditOptions{Now: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC), OfflineReason: "offline: API-backed checks skipped"}
	b.ReportAllocs()
	b.SetBytes(size)
	b.ResetTimer()
	var audited int
	cpu := startCPU()
	for b.Loop() {
		audited = auditPass(b, engine, opts, repos)
	}
	b.StopTimer()
	if audited != len(files) {
		b.Errorf("the audit counted %d files, the corpus has %d", audited, len(files))
	}
	cpu.report(b)
	perFile(b, len(files))
}

// BenchmarkLoadOnly discovers, reads and parses every repository folder as the audit does, and runs
// no check: the part of BenchmarkAudit that is loading, to tell it from the checks' part.
func BenchmarkLoadOnly(b *testing.B) {
	repos, files, size := corpus(b)
	single(b)
	engine := &audit.Engine{}
	b.ReportAllocs()
	b.SetBytes(size)
	b.ResetTimer()
	cpu := startCPU()
	for b.Loop() {
		loaders := make([]audit.TargetLoader, 0, len(repos))
		for _, r := range repos {
			loaders = append(loaders, func() (*audit.Target, error) { return audit.LoadDir(r, audit.LoadOptions{}) })
		}
		if _, err := engine.AuditStream(loaders, audit.AuditOptions{}); err != nil {
			b.Fatal(err)
		}
	}
	cpu.report(b)
	perFile(b, len(files))
}

// BenchmarkChecksOnly audits targets that were loaded beforehand (fresh copies each round, made
// outside the timer): the checks' part of BenchmarkAudit with processing and scoring, for profiling.
func BenchmarkChecksOnly(b *testing.B) {
	repos, files, _ := corpus(b)
	single(b)
	targets := make([]*audit.Target, 0, len(repos))
	for _, r := range repos {
		t, err := audit.LoadDir(r, audit.LoadOptions{})
		if err != nil {
			b.Fatal(err)
		}
		targets = append(targets, t)
	}
	engine := &audit.Engine{Checks: checks.All()}
	opts := audit.AuditOptions{Now: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC), OfflineReason: "offline: API-backed checks skipped"}
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		b.StopTimer()
		fresh := make([]*audit.Target, len(targets))
		for i, t := range targets {
			fresh[i] = t.Clone()
		}
		b.StartTimer()
		engine.Audit(fresh, opts)
	}
	perFile(b, len(files))
}
