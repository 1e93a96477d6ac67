package main

import (
	"flag"
	"fmt"
	"strings"
)

// repeatable marks a flag's value that collects every time it is given
// (sweep's --policy); every other flag is taken once.
type repeatable interface{ repeatable() }

func (*policyList) repeatable() {}

// parseOnce is fs.Parse that refuses a flag given twice, unless its value
// is repeatable: the flag package keeps the last value silently, so
// "--score A --score B" ran B alone, and read as if it were A.
func parseOnce(fs *flag.FlagSet, args []string) error {
	seen := map[string]bool{}
	for i := 0; i < len(args); i++ {
		a := args[i]
		if a == "--" {
			break
		}
		if len(a) < 2 || a[0] != '-' {
			continue // a positional argument: flags may follow it (parseInterspersed)
		}
		name, hasValue := strings.TrimLeft(a, "-"), false
		if k := strings.IndexByte(name, '='); k >= 0 {
			name, hasValue = name[:k], true
		}
		f := fs.Lookup(name)
		if f == nil {
			continue // Parse says it is unknown
		}
		if b, ok := f.Value.(interface{ IsBoolFlag() bool }); !hasValue && !(ok && b.IsBoolFlag()) {
			i++ // its value is the next argument, whatever it looks like
		}
		if _, ok := f.Value.(repeatable); ok {
			continue
		}
		if seen[name] {
			err := fmt.Errorf("flag -%s is given twice: give it once (only --policy repeats)", name)
			fmt.Fprintln(fs.Output(), err)
			fs.Usage()
			return err
		}
		seen[name] = true
	}
	return fs.Parse(args)
}
