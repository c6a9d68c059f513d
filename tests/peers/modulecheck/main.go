// Command modulecheck answers queries about module paths and versions with golang.org/x/mod,
// so that gomodcheck's tests can compare its answers with the reference implementation.
//
// Each input line is "op<TAB>hex(arg1)<TAB>hex(arg2)"; each output line is
// "hex(result)<TAB>hex(error or empty)". Hex keeps invalid UTF-8 intact in both directions.
package main

import (
	"bufio"
	"encoding/hex"
	"fmt"
	"os"
	"strings"
	"time"

	"golang.org/x/mod/module"
	"golang.org/x/mod/semver"
)

func errText(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}

func answer(op, a, b string) (string, error) {
	switch op {
	case "check_path":
		return "", module.CheckPath(a)
	case "check_import_path":
		return "", module.CheckImportPath(a)
	case "check_file_path":
		return "", module.CheckFilePath(a)
	case "check":
		return "", module.Check(a, b)
	case "escape_path":
		return module.EscapePath(a)
	case "escape_version":
		return module.EscapeVersion(a)
	case "unescape_path":
		return module.UnescapePath(a)
	case "unescape_version":
		return module.UnescapeVersion(a)
	case "split_path_version":
		p, m, ok := module.SplitPathVersion(a)
		return fmt.Sprintf("%s|%s|%v", p, m, ok), nil
	case "check_path_major":
		return "", module.CheckPathMajor(a, b)
	case "is_pseudo_version":
		return fmt.Sprint(module.IsPseudoVersion(a)), nil
	case "pseudo_version_base":
		return module.PseudoVersionBase(a)
	case "pseudo_version_rev":
		return module.PseudoVersionRev(a)
	case "pseudo_version_time":
		t, err := module.PseudoVersionTime(a)
		if err != nil {
			return "", err
		}
		return t.UTC().Format(time.RFC3339), nil
	case "match_prefix_patterns":
		return fmt.Sprint(module.MatchPrefixPatterns(a, b)), nil
	case "semver":
		return strings.Join([]string{fmt.Sprint(semver.IsValid(a)), semver.Canonical(a),
			semver.Major(a), semver.MajorMinor(a), semver.Prerelease(a), semver.Build(a)}, "|"), nil
	case "compare":
		return fmt.Sprint(semver.Compare(a, b)), nil
	}
	return "", fmt.Errorf("unknown op %q", op)
}

func unhex(s string) string {
	b, err := hex.DecodeString(s)
	if err != nil {
		panic(err)
	}
	return string(b)
}

func main() {
	in := bufio.NewScanner(os.Stdin)
	in.Buffer(make([]byte, 1<<20), 1<<24)
	out := bufio.NewWriter(os.Stdout)
	defer out.Flush()
	for in.Scan() {
		f := strings.Split(in.Text(), "\t")
		for len(f) < 3 {
			f = append(f, "")
		}
		res, err := answer(f[0], unhex(f[1]), unhex(f[2]))
		fmt.Fprintf(out, "%s\t%s\n", hex.EncodeToString([]byte(res)), hex.EncodeToString([]byte(errText(err))))
	}
}
