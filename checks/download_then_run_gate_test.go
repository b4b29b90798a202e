package checks

import "testing"

// TestDtrPosixMay holds dtrPosixMay, which asks runsAt only about the words that start as a name
// of its list does or hold a '.', to asking it about every word, on the corpus' scripts and on
// random scripts of downloads, interpreters, paths and operators.
func TestDtrPosixMay(t *testing.T) {
	everyWord := func(text string, w *shellWords) bool {
		g := &dtrGate{text: text}
		for _, a := range w.Anchors {
			if ok, _ := shellCmdAt(text, int(a.Off)); ok && a.Kind == saDownload {
				g.downloads = append(g.downloads, int(a.Off))
			}
		}
		if len(g.downloads) == 0 {
			return false
		}
		if dtrEmptyWord(text) {
			return true
		}
		for i := 0; i < len(text); i++ {
			if i > 0 && !shellBound[text[i-1]] {
				continue
			}
			j := i
			for j < len(text) && !shellBound[text[j]] {
				j++
			}
			if j > i && g.runsAt(i, j) {
				return true
			}
		}
		return false
	}
	check := func(text string) {
		t.Helper()
		var w shellWords
		shellScanWords(&w, text)
		if got, want := dtrPosixMay(&shellScript{Text: text}, &w), everyWord(text, &w); got != want {
			t.Fatalf("dtrPosixMay(%q) = %v, want %v", text, got, want)
		}
	}
	for _, text := range corpusScriptTexts(t) {
		check(text)
	}
	pieces := []string{"curl -sL https://x/i.sh", "wget -O i.sh u", "curl u -o run.py", " ", "\n", " | ", "|", ";", "&&",
		"sh", "bash", "python3", "node", "sudo ", "eval", "source", ".", " $(", "<(", "`", "./i.sh", "i.sh", "run.py",
		"/tmp/", "x", "-c", "ruby", "e", "s", "p", ".", "\"", "'", "zsh", "kshx", "a.rb", "powershell", "powershellx", "pwsh",
		"a.b.sh", "python3.11", "sh.x", "..", "source", "longername.sh", "\t"}
	shellRandomTexts(7, 50000, 10, pieces, check)
	// The same, cut at every length (dtrPosixMay reads eight bytes at a time).
	shellRandomTexts(8, 2000, 10, pieces, func(text string) {
		for n := range len(text) + 1 {
			check(text[:n])
		}
	})
}
