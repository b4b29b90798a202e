package checks

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"github.com/rampart-sec/rampart/audit"
)

// arVersion is a release version as action tags write it: v4, v4.2, v4.2.2, 1.0.0-rc.1.
type arVersion struct {
	Nums []int
	// Pre is the pre-release part ("rc.1"); a version with one sorts before the release.
	Pre string
	Raw string
}

var arVersionRe = regexp.MustCompile(`^[vV]?(\d+(?:\.\d+)*)(?:[-.]?([0-9A-Za-z][0-9A-Za-z.-]*))?(?:\+[0-9A-Za-z.-]+)?$`)

// arParseVersion reads a version; it fails on names that are not versions ("main", "release/v1").
func arParseVersion(s string) (arVersion, bool) {
	s = strings.TrimSpace(s)
	m := arVersionRe.FindStringSubmatch(s)
	if m == nil {
		return arVersion{}, false
	}
	v := arVersion{Pre: m[2], Raw: s}
	for _, p := range strings.Split(m[1], ".") {
		n, err := strconv.Atoi(p)
		if err != nil {
			return arVersion{}, false
		}
		v.Nums = append(v.Nums, n)
	}
	return v, true
}

// Compare orders versions: missing components count as 0, a pre-release before its release.
func (v arVersion) Compare(w arVersion) int {
	for i := 0; i < max(len(v.Nums), len(w.Nums)); i++ {
		a, b := arAt(v.Nums, i), arAt(w.Nums, i)
		if a != b {
			return arSign(a - b)
		}
	}
	switch {
	case v.Pre == w.Pre:
		return 0
	case v.Pre == "":
		return 1
	case w.Pre == "":
		return -1
	}
	return arComparePre(v.Pre, w.Pre)
}

func arAt(nums []int, i int) int {
	if i < len(nums) {
		return nums[i]
	}
	return 0
}

func arSign(n int) int {
	switch {
	case n < 0:
		return -1
	case n > 0:
		return 1
	}
	return 0
}

// arComparePre compares pre-release parts as semver does: dot-separated identifiers, numeric
// ones numerically and before alphanumeric ones, a shorter list first when all else is equal.
func arComparePre(a, b string) int {
	as, bs := strings.Split(a, "."), strings.Split(b, ".")
	for i := 0; i < min(len(as), len(bs)); i++ {
		x, errx := strconv.Atoi(as[i])
		y, erry := strconv.Atoi(bs[i])
		switch {
		case errx == nil && erry == nil:
			if x != y {
				return arSign(x - y)
			}
		case errx == nil:
			return -1
		case erry == nil:
			return 1
		default:
			if c := strings.Compare(as[i], bs[i]); c != 0 {
				return c
			}
		}
	}
	return arSign(len(as) - len(bs))
}

// arInRange reports whether v is in a range as GitHub's advisories write it: comma-separated
// constraints that must all hold ("< 4.1.2", ">= 1.0.0, < 1.3.1", "= 2.0.0", "<= 45.0.7").
func arInRange(v arVersion, rng string) (bool, error) {
	rng = strings.TrimSpace(rng)
	if rng == "" {
		return false, fmt.Errorf("empty version range")
	}
	for _, c := range strings.Split(rng, ",") {
		c = strings.TrimSpace(c)
		op := ""
		for _, o := range []string{">=", "<=", "==", "!=", ">", "<", "="} {
			if strings.HasPrefix(c, o) {
				op = o
				break
			}
		}
		bound, ok := arParseVersion(strings.TrimSpace(c[len(op):]))
		if !ok {
			return false, fmt.Errorf("cannot read version range %q", rng)
		}
		cmp := v.Compare(bound)
		var holds bool
		switch op {
		case ">=":
			holds = cmp >= 0
		case "<=":
			holds = cmp <= 0
		case ">":
			holds = cmp > 0
		case "<":
			holds = cmp < 0
		case "!=":
			holds = cmp != 0
		default: // "=", "==" or a bare version
			holds = cmp == 0
		}
		if !holds {
			return false, nil
		}
	}
	return true, nil
}

// arBestVersion picks the release a commit stands for among the tags that point at it: the
// most specific version (v4.2.2 over v4), and of those the highest.
func arBestVersion(names []string) (arVersion, bool) {
	var best arVersion
	found := false
	for _, n := range names {
		v, ok := arParseVersion(n)
		if !ok {
			continue
		}
		if !found || len(v.Nums) > len(best.Nums) || len(v.Nums) == len(best.Nums) && v.Compare(best) > 0 {
			best, found = v, true
		}
	}
	return best, found
}

// arInSeries keeps the tag names that are releases of the series a partial version names
// (v4 keeps v4.2.2 and v4.1.0, not v5.0.0).
func arInSeries(names []string, series arVersion) []string {
	var out []string
	for _, n := range names {
		v, ok := arParseVersion(n)
		if !ok || len(v.Nums) < len(series.Nums) {
			continue
		}
		same := true
		for i, x := range series.Nums {
			same = same && v.Nums[i] == x
		}
		if same {
			out = append(out, n)
		}
	}
	return out
}

// arTagsDescribe says which release a commit is, for messages: "tagged v4.2.2" or "not tagged";
// of an annotated tag's object, "the object of tag v4.2.2".
func arTagsDescribe(r *audit.Refs, sha string) string {
	tags := arTagsAt(r, sha)
	if arIsTagObject(r, sha) && len(tags) > 0 {
		return "the object of tag " + tags[0]
	}
	switch {
	case len(tags) == 0:
		return "not tagged"
	case len(tags) == 1:
		return "tagged " + tags[0]
	}
	if v, ok := arBestVersion(tags); ok {
		return "tagged " + v.Raw
	}
	return "tagged " + tags[0]
}
