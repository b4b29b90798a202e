package org

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/rampart-sec/rampart/github"
	"github.com/rampart-sec/rampart/org/orgtest"
)

// An issue that someone else opened with the dashboard's marker is never taken for the dashboard:
// its author could edit the "dashboard" afterwards and show every repository as fine.
func TestDashboardIgnoresForgedMarker(t *testing.T) {
	fake := orgtest.New(orgtest.Options{Repos: 1})
	defer fake.Close()
	forged := Marker + "\n# rampart org report: acme\n\nall good"
	fake.PlantIssue("mallory", DashboardTitle, forged)
	c, err := github.New(github.Options{Token: "t", BaseURL: fake.BaseURL()})
	if err != nil {
		t.Fatal(err)
	}
	for _, body := range []string{"first", "second"} {
		if _, err := UpsertDashboard(context.Background(), c, "acme/security", Marker+"\n"+body); err != nil {
			t.Fatal(err)
		}
	}
	is := fake.Issues()
	if len(is) != 2 {
		t.Fatalf("%d issues, want the forged one and rampart's", len(is))
	}
	if is[0].Body != forged {
		t.Errorf("the forged issue was edited: %q", is[0].Body)
	}
	if !strings.HasSuffix(is[1].Body, "second") || is[1].User.Login != orgtest.IssueAuthor {
		t.Errorf("rampart's issue: %+v", is[1])
	}
}

// A repository name from the API cannot lead a SARIF file out of DIR/sarif, on any system.
func TestSARIFNameStaysInDir(t *testing.T) {
	for _, full := range []string{"acme/app", `acme\..\..\x`, "../..", "acme/../../x", "a/b\x00c", "acme/\u202eevil"} {
		n := sarifName(full)
		dir, base := filepath.Split(n)
		if filepath.Clean(dir) != "sarif" || strings.ContainsAny(base, `/\:`+"\x00") || base == ".." || !filepath.IsLocal(n) {
			t.Errorf("sarifName(%q) = %q", full, n)
		}
	}
	if n := sarifName("acme/app"); n != filepath.Join("sarif", "acme__app.sarif") {
		t.Errorf("sarifName(acme/app) = %q", n)
	}
}
