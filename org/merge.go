package org

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// Merge joins the org.json of a scan's shards (each DIR holds one) into one org report under
// outDir. The shards must be of one organization and together cover every shard of one count,
// each once; a repository found in two shards is an error (none is counted twice).
func Merge(dirs []string, outDir, baseline string, now time.Time) (*Result, error) {
	if len(dirs) == 0 {
		return nil, fmt.Errorf("no shard directories to merge")
	}
	if err := os.MkdirAll(outDir, 0o755); err != nil {
		return nil, err
	}
	tmp, err := os.CreateTemp(outDir, ".merge-*.jsonl")
	if err != nil {
		return nil, err
	}
	tmpName := tmp.Name()
	tmp.Close()
	defer os.Remove(tmpName)
	st, err := openStore(tmpName, false, checkpointHeader{})
	if err != nil {
		return nil, err
	}
	defer st.close()
	var org string
	count := 0
	seenShard := map[int]string{}
	var stats Stats
	for _, d := range dirs {
		p := d
		if fi, err := os.Stat(d); err == nil && fi.IsDir() {
			p = filepath.Join(d, "org.json")
		}
		rep, err := readReport(p, func(r *RepoResult) error {
			if st.status(r.Name) != "" {
				return fmt.Errorf("%s: repository %q is already in another shard", p, r.Name)
			}
			return st.add(r)
		})
		if err != nil {
			return nil, err
		}
		switch {
		case org == "":
			org, count = rep.Org, rep.Shard.Count
		case !strings.EqualFold(org, rep.Org):
			return nil, fmt.Errorf("%s is a report of %q, not %q", p, rep.Org, org)
		case rep.Shard.Count != count:
			return nil, fmt.Errorf("%s is shard %d of %d, but an earlier one is of %d shards", p, rep.Shard.Index, rep.Shard.Count, count)
		}
		if prev, ok := seenShard[rep.Shard.Index]; ok {
			return nil, fmt.Errorf("%s and %s are both shard %d of %d", prev, p, rep.Shard.Index, count)
		}
		seenShard[rep.Shard.Index] = p
		stats.APIRequests.REST += rep.Stats.APIRequests.REST
		stats.APIRequests.GraphQL += rep.Stats.APIRequests.GraphQL
		stats.DurationMS = max(stats.DurationMS, rep.Stats.DurationMS)
	}
	var missing []string
	for i := 1; i <= count; i++ {
		if _, ok := seenShard[i]; !ok {
			missing = append(missing, fmt.Sprintf("%d/%d", i, count))
		}
	}
	if len(missing) > 0 {
		return nil, fmt.Errorf("shards missing: %s; every repository must be in the merged report", strings.Join(missing, ", "))
	}
	hdr := Report{Org: org, GeneratedAt: now.UTC().Format(time.RFC3339), Shard: Shard{Index: 1, Count: 1}, Stats: stats}
	return finish(outDir, hdr, st, baseline)
}
