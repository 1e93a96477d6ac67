package main

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/cloudchamber/cloudchamber/core/link"
	"github.com/cloudchamber/cloudchamber/core/scenario"
	"github.com/cloudchamber/cloudchamber/core/sim"
)

// linkCmd encodes a scenario as a link fragment or decodes one, exactly as
// the app's share button and link opening do.
func linkCmd(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	if len(args) == 0 || args[0] != "encode" && args[0] != "decode" {
		fmt.Fprint(stderr, "usage: ccsim link encode [--builtin NAME | FILE | --sweep SPEC.json] | ccsim link decode LINK | FILE | -\n")
		return 2
	}
	if args[0] == "decode" {
		if len(args) != 2 {
			fmt.Fprint(stderr, "usage: ccsim link decode LINK | FILE | -   (a link, a file holding one, or - for standard input)\n")
			return 2
		}
		l, err := linkArg(args[1], stdin)
		if err != nil {
			fmt.Fprintf(stderr, "ccsim link decode: %v\n", err)
			return 1
		}
		d, err := link.Decode(l, sim.EngineVersion)
		if err != nil && !errors.Is(err, link.ErrOtherEngine) {
			fmt.Fprintf(stderr, "ccsim link decode: %v\n", err)
			return 1
		}
		if err != nil {
			fmt.Fprintf(stderr, "ccsim link decode: warning: %v\n", err)
		}
		if d.Sweep != nil {
			out, err := json.MarshalIndent(d.Sweep, "", "  ")
			if err != nil {
				fmt.Fprintf(stderr, "ccsim link decode: %v\n", err)
				return 1
			}
			stdout.Write(append(out, '\n'))
			fmt.Fprintf(stderr, "ccsim link decode: the link is a sweep of %d variants × %d seeds; this is its spec (`ccsim sweep FILE` runs it)\n", len(d.Sweep.Variants), d.Sweep.Seeds.Count)
			return 0
		}
		out, err := scenario.MarshalIndent(d.Scenario)
		if err != nil {
			fmt.Fprintf(stderr, "ccsim link decode: %v\n", err)
			return 1
		}
		stdout.Write(out)
		if d.Variants != nil {
			vs, _ := json.Marshal(d.Variants)
			fmt.Fprintf(stderr, "ccsim link decode: the link is a comparison of %d variants of this scenario: %s\n", len(d.Variants), vs)
		}
		return 0
	}
	fs := flag.NewFlagSet("ccsim link encode", flag.ContinueOnError)
	fs.SetOutput(stderr)
	builtin := fs.String("builtin", "", "a built-in scenario")
	sweepFile := fs.String("sweep", "", "a sweep spec (JSON): make the sweep's link instead")
	if err := parseOnce(fs, args[1:]); err != nil {
		return 2
	}
	var sc *scenario.Scenario
	var err error
	switch {
	case *sweepFile != "" && *builtin == "" && fs.NArg() == 0:
		sw, err := loadSweep(*sweepFile)
		if err != nil {
			fmt.Fprintf(stderr, "ccsim link encode: %v\n", err)
			return 1
		}
		l, err := link.EncodeSweep(sw.Spec(), sw.Base(), sim.EngineVersion)
		if err != nil {
			fmt.Fprintf(stderr, "ccsim link encode: %v\n", err)
			return 1
		}
		fmt.Fprintf(stdout, "#%s\n", l)
		noteLong(stderr, l)
		return 0
	case *sweepFile != "":
		fmt.Fprint(stderr, "usage: ccsim link encode --sweep SPEC.json (the spec names its scenario)\n")
		return 2
	case *builtin != "" && fs.NArg() == 0:
		sc, err = scenario.Builtin(*builtin)
	case *builtin == "" && fs.NArg() == 1:
		sc, err = loadScenario(fs.Arg(0), "") // a scenario (JSON) or an inventory (YAML), a file or - for stdin
	default:
		fmt.Fprint(stderr, "usage: ccsim link encode [--builtin NAME | FILE | -]\n")
		return 2
	}
	if err != nil {
		fmt.Fprintf(stderr, "ccsim link encode: %v\n", err)
		return 1
	}
	l, err := link.Encode(sc, sim.EngineVersion)
	if err != nil {
		fmt.Fprintf(stderr, "ccsim link encode: %v\n", err)
		return 1
	}
	fmt.Fprintf(stdout, "#%s\n", l)
	noteLong(stderr, l)
	return 0
}

// noteLong says on stderr when a link is longer than link.FileAbove, as
// the page's Share button does (it then offers a file instead): such a
// link still opens (up to link.MaxFragment characters), but some browsers
// and chat tools cut long addresses.
func noteLong(stderr io.Writer, l string) {
	if len(l) > link.FileAbove {
		fmt.Fprintf(stderr, "ccsim link encode: note: the link is %d characters, longer than %d: some browsers and chat tools cut such addresses, so the page offers a file instead; it opens up to %d characters\n",
			len(l), link.FileAbove, link.MaxFragment)
	}
}

// linkArg is the link an argument gives: "-" reads it from in, a name that
// is not a link (no "#" and no link prefix) reads the file of that name;
// either is read up to the largest link plus a line's slack.
func linkArg(arg string, in io.Reader) (string, error) {
	var r io.Reader
	switch {
	case strings.TrimSpace(arg) == "":
		return "", errors.New("no link given (a link, a file holding one, or - for standard input)")
	case arg == "-":
		r = in
	case isLink(arg):
		return arg, nil
	default:
		f, err := os.Open(arg)
		if err != nil {
			return "", err
		}
		defer f.Close()
		r = f
	}
	data, err := io.ReadAll(io.LimitReader(r, link.MaxFragment+1<<10))
	if err != nil {
		return "", err
	}
	if len(data) > link.MaxFragment+1<<10-1 {
		return "", fmt.Errorf("%s: more than a link may hold (%d characters)", arg, link.MaxFragment)
	}
	return strings.TrimSpace(string(data)), nil
}

// isLink reports whether an argument is a link (a whole address or a
// fragment) rather than a file's name.
func isLink(arg string) bool {
	if strings.Contains(arg, "#") {
		return true
	}
	for _, p := range []string{link.Prefix1, link.Prefix, link.PrefixCompare, link.PrefixSweep} {
		if strings.HasPrefix(arg, p) {
			return true
		}
	}
	return false
}
