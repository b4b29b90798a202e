// Package org scans every repository of a GitHub organization or user on one token's budget:
// it lists the repositories through GraphQL, reads the pipeline files of many repositories per
// GraphQL query, audits each with the engine, and streams the results to a checkpoint from
// which `--resume` continues and the org report (org.json, org.md, SARIF) is written. Shards of
// one scan (`--shard I/N`) are joined by Merge.
package org

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/rampart-sec/rampart/audit"
)

// Schema is org.json's schema id.
const Schema = "rampart/org/v1"

// The statuses of a repository in the org report.
const (
	StatusScored  = "scored"
	StatusFailed  = "failed"
	StatusSkipped = "skipped"
)

// Report is org.json. Its repositories are written and read as a stream.
type Report struct {
	Schema       string       `json:"schema"`
	Org          string       `json:"org"`
	GeneratedAt  string       `json:"generated_at"`
	Shard        Shard        `json:"shard"`
	Repositories []RepoResult `json:"repositories"`
	Stats        Stats        `json:"stats"`
	// History is the average score of earlier scans (from --baseline), oldest first, and this one.
	History []HistoryPoint `json:"history,omitempty"`
}

// RepoResult is one repository's outcome.
type RepoResult struct {
	Name       string `json:"name"`
	Status     string `json:"status"`
	Reason     string `json:"reason,omitempty"`
	Ref        string `json:"ref,omitempty"`
	Visibility string `json:"visibility,omitempty"`
	// Score and Grade are null unless the repository was scored.
	Score    *int              `json:"score"`
	Grade    string            `json:"grade,omitempty"`
	Files    int               `json:"files"`
	Findings []audit.Finding   `json:"findings"`
	Errors   []audit.FileError `json:"errors"`
	Skipped  []audit.Skipped   `json:"skipped"`
}

// Stats sum up the scan.
type Stats struct {
	Repositories int            `json:"repositories"`
	Scored       int            `json:"scored"`
	Failed       int            `json:"failed"`
	Skipped      int            `json:"skipped"`
	Findings     map[string]int `json:"findings"`
	APIRequests  APIRequests    `json:"api_requests"`
	DurationMS   int64          `json:"duration_ms"`
}

// APIRequests counts the requests sent, REST and GraphQL apart (retries included).
type APIRequests struct {
	REST    int `json:"rest"`
	GraphQL int `json:"graphql"`
}

// HistoryPoint is one scan's average score.
type HistoryPoint struct {
	At      string  `json:"at"`
	Average float64 `json:"average"`
	Scored  int     `json:"scored"`
}

// store is an append-only file of repository results (JSON lines) with an index of the last
// line of each repository: the scan's checkpoint, and the input of the report writers.
type store struct {
	path  string
	f     *os.File
	w     *bufio.Writer
	size  int64
	index map[string]span // lower-case name -> last record
	// meta lines (header, request counts) read back on resume.
	header  *checkpointHeader
	prevREQ APIRequests
}

type span struct {
	off, n int64
	status string
}

// checkpointHeader is the checkpoint's first line: what scan it belongs to.
type checkpointHeader struct {
	Type    string `json:"type"`
	Org     string `json:"org"`
	Shard   Shard  `json:"shard"`
	Options string `json:"options"`
	Started string `json:"started"`
}

type checkpointLine struct {
	Type     string       `json:"type"`
	Repo     *RepoResult  `json:"repo,omitempty"`
	Requests *APIRequests `json:"requests,omitempty"`
}

// openStore opens (resume) or creates the store at path. On resume the lines are indexed; a
// last line cut short by a kill is dropped.
func openStore(path string, resume bool, hdr checkpointHeader) (*store, error) {
	s := &store{path: path, index: map[string]span{}}
	if resume {
		if err := s.load(); err != nil && !errors.Is(err, os.ErrNotExist) {
			return nil, err
		}
		if s.header != nil && (s.header.Org != hdr.Org || s.header.Shard != hdr.Shard || s.header.Options != hdr.Options) {
			return nil, fmt.Errorf("the checkpoint %s belongs to another scan (%s, shard %d/%d, other options); run without --resume to start anew",
				path, s.header.Org, s.header.Shard.Index, s.header.Shard.Count)
		}
	}
	flag := os.O_CREATE | os.O_RDWR
	if !resume || s.header == nil {
		flag |= os.O_TRUNC
		s.index, s.size, s.prevREQ = map[string]span{}, 0, APIRequests{}
	}
	f, err := os.OpenFile(path, flag, 0o644)
	if err != nil {
		return nil, fmt.Errorf("cannot open the checkpoint: %w", err)
	}
	if err := f.Truncate(s.size); err != nil {
		f.Close()
		return nil, err
	}
	if _, err := f.Seek(s.size, io.SeekStart); err != nil {
		f.Close()
		return nil, err
	}
	s.f, s.w = f, bufio.NewWriterSize(f, 64<<10)
	if s.size == 0 {
		h := hdr
		h.Type = "header"
		if err := s.writeLine(h); err != nil {
			return nil, err
		}
		s.header = &h
	}
	return s, nil
}

// load indexes an existing checkpoint.
func (s *store) load() error {
	f, err := os.Open(s.path)
	if err != nil {
		return err
	}
	defer f.Close()
	r := bufio.NewReaderSize(f, 1<<20)
	var off int64
	for {
		line, err := r.ReadBytes('\n')
		if err != nil {
			// A last line without its newline was cut short: drop it.
			break
		}
		var cl struct {
			Type     string                         `json:"type"`
			Org      string                         `json:"org"`
			Shard    Shard                          `json:"shard"`
			Options  string                         `json:"options"`
			Started  string                         `json:"started"`
			Repo     *struct{ Name, Status string } `json:"repo"`
			Requests *APIRequests                   `json:"requests"`
		}
		if json.Unmarshal(line, &cl) != nil {
			break
		}
		switch cl.Type {
		case "header":
			s.header = &checkpointHeader{Type: cl.Type, Org: cl.Org, Shard: cl.Shard, Options: cl.Options, Started: cl.Started}
		case "repo":
			if cl.Repo != nil {
				s.index[strings.ToLower(cl.Repo.Name)] = span{off, int64(len(line)), cl.Repo.Status}
			}
		case "requests":
			if cl.Requests != nil {
				s.prevREQ = *cl.Requests
			}
		}
		off += int64(len(line))
	}
	s.size = off
	if s.header == nil {
		s.size = 0
	}
	return nil
}

func (s *store) writeLine(v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return err
	}
	b = append(b, '\n')
	if _, err := s.w.Write(b); err != nil {
		return err
	}
	s.size += int64(len(b))
	return s.w.Flush()
}

// add appends a repository's result.
func (s *store) add(r *RepoResult) error {
	off := s.size
	b, err := json.Marshal(checkpointLine{Type: "repo", Repo: r})
	if err != nil {
		return err
	}
	b = append(b, '\n')
	if _, err := s.w.Write(b); err != nil {
		return err
	}
	if err := s.w.Flush(); err != nil {
		return err
	}
	s.size += int64(len(b))
	s.index[strings.ToLower(r.Name)] = span{off, int64(len(b)), r.Status}
	return nil
}

// status returns the recorded status of a repository, or "".
func (s *store) status(name string) string {
	return s.index[strings.ToLower(name)].status
}

// statuses copies the recorded status of every repository.
func (s *store) statuses() map[string]string {
	m := make(map[string]string, len(s.index))
	for k, sp := range s.index {
		m[k] = sp.status
	}
	return m
}

func (s *store) read(sp span) (*RepoResult, error) {
	if err := s.w.Flush(); err != nil {
		return nil, err
	}
	b := make([]byte, sp.n)
	if _, err := s.f.ReadAt(b, sp.off); err != nil {
		return nil, err
	}
	var cl checkpointLine
	if err := json.Unmarshal(b, &cl); err != nil || cl.Repo == nil {
		return nil, fmt.Errorf("corrupt checkpoint line at %d", sp.off)
	}
	return cl.Repo, nil
}

// each calls f for every repository's last record, sorted by name.
func (s *store) each(f func(*RepoResult) error) error {
	names := make([]string, 0, len(s.index))
	for n := range s.index {
		names = append(names, n)
	}
	slices.Sort(names)
	for _, n := range names {
		r, err := s.read(s.index[n])
		if err != nil {
			return err
		}
		if err := f(r); err != nil {
			return err
		}
	}
	return nil
}

func (s *store) close() error {
	if s.f == nil {
		return nil
	}
	err := s.w.Flush()
	if cerr := s.f.Close(); err == nil {
		err = cerr
	}
	s.f = nil
	return err
}

// writeJSON streams org.json: the header fields, the repositories in name order, the stats.
func writeJSON(path string, hdr Report, st *store) error {
	tmp := path + ".tmp"
	f, err := os.Create(tmp)
	if err != nil {
		return err
	}
	w := bufio.NewWriterSize(f, 1<<20)
	head := struct {
		Schema      string `json:"schema"`
		Org         string `json:"org"`
		GeneratedAt string `json:"generated_at"`
		Shard       Shard  `json:"shard"`
	}{Schema, hdr.Org, hdr.GeneratedAt, hdr.Shard}
	b, _ := json.MarshalIndent(head, "", "  ")
	w.Write(b[:len(b)-2])
	w.WriteString(",\n  \"repositories\": [")
	first := true
	err = st.each(func(r *RepoResult) error {
		normalize(r)
		b, err := json.Marshal(r)
		if err != nil {
			return err
		}
		if !first {
			w.WriteString(",")
		}
		first = false
		w.WriteString("\n    ")
		_, err = w.Write(b)
		return err
	})
	if err != nil {
		f.Close()
		os.Remove(tmp)
		return err
	}
	if !first {
		w.WriteString("\n  ")
	}
	w.WriteString("],\n  \"stats\": ")
	b, _ = json.MarshalIndent(hdr.Stats, "  ", "  ")
	w.Write(b)
	if len(hdr.History) > 0 {
		w.WriteString(",\n  \"history\": ")
		b, _ = json.MarshalIndent(hdr.History, "  ", "  ")
		w.Write(b)
	}
	w.WriteString("\n}\n")
	if err := w.Flush(); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	return os.Rename(tmp, path)
}

// normalize makes empty lists [] rather than null.
func normalize(r *RepoResult) {
	if r.Findings == nil {
		r.Findings = []audit.Finding{}
	}
	if r.Errors == nil {
		r.Errors = []audit.FileError{}
	}
	if r.Skipped == nil {
		r.Skipped = []audit.Skipped{}
	}
}

// readReport streams an org.json: f is called for each repository; the rest is returned.
func readReport(path string, f func(*RepoResult) error) (*Report, error) {
	fh, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer fh.Close()
	dec := json.NewDecoder(bufio.NewReaderSize(fh, 1<<20))
	rep := &Report{}
	bad := func(what string) error { return fmt.Errorf("%s is not an org report (%s)", path, what) }
	if t, err := dec.Token(); err != nil || t != json.Delim('{') {
		return nil, bad("not a JSON object")
	}
	for dec.More() {
		t, err := dec.Token()
		if err != nil {
			return nil, bad(err.Error())
		}
		key, _ := t.(string)
		switch key {
		case "repositories":
			if t, err := dec.Token(); err != nil || t != json.Delim('[') {
				return nil, bad("repositories is not a list")
			}
			for dec.More() {
				var r RepoResult
				if err := dec.Decode(&r); err != nil {
					return nil, bad(err.Error())
				}
				if f != nil {
					if err := f(&r); err != nil {
						return nil, err
					}
				}
			}
			if _, err := dec.Token(); err != nil {
				return nil, bad(err.Error())
			}
		case "schema":
			err = dec.Decode(&rep.Schema)
		case "org":
			err = dec.Decode(&rep.Org)
		case "generated_at":
			err = dec.Decode(&rep.GeneratedAt)
		case "shard":
			err = dec.Decode(&rep.Shard)
		case "stats":
			err = dec.Decode(&rep.Stats)
		case "history":
			err = dec.Decode(&rep.History)
		default:
			var skip json.RawMessage
			err = dec.Decode(&skip)
		}
		if err != nil {
			return nil, bad(err.Error())
		}
	}
	if rep.Schema != Schema {
		return nil, bad(fmt.Sprintf("schema %q, want %q", rep.Schema, Schema))
	}
	return rep, nil
}

// sarifName is a repository's SARIF file name under DIR/sarif. The name comes from an API
// answer: "/" becomes "__", and every character but letters, digits, "-", "_" and "." becomes
// "_" (a backslash is a separator on Windows), so the file stays in DIR/sarif.
func sarifName(full string) string {
	name := strings.Map(func(r rune) rune {
		if r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_' || r == '.' {
			return r
		}
		return '_'
	}, strings.ReplaceAll(full, "/", "__"))
	return filepath.Join("sarif", name+".sarif")
}
