// Command wasmsize prints the size of a Go WebAssembly binary by package.
//
// Usage:
//
//	wasmsize [-top N] [-pkg PATTERN] [-modfile FILE] FILE.wasm
//
// FILE must be built without -ldflags=-s -w (the name section is what names
// each function). The linker writes a name with every character but letters,
// digits, '_' and '.' as '_' ("github.com/a/b.(*T).M" becomes
// "github.com_a_b.__T_.M"), so a name is matched to its package against the
// package list of `GOOS=js GOARCH=wasm go list -deps PATTERN` (default
// ./wasm, run in the current directory; -modfile is passed on). `make
// wasm-size` builds the page that way and runs it. Go's linker gives the wasm symbol table no data symbols, so
// the table attributes only the code section by package (each function body's
// bytes to the package its name starts with); the data section (read-only
// data, type descriptors, the pclntab) and the other sections are one row
// each. Sizes are bytes of the raw file, before compression.
package main

import (
	"bufio"
	"cmp"
	"encoding/binary"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"regexp"
	"slices"
	"sort"
	"strings"
)

func main() {
	top := flag.Int("top", 30, "rows to print (the rest are summed in one row)")
	pattern := flag.String("pkg", "./wasm", "the main package FILE was built from (a go list pattern)")
	modfile := flag.String("modfile", "", "the go.mod FILE was built with, if not the module's")
	funcs := flag.String("funcs", "", "list the functions whose name starts with this (e.g. slices.), largest first, instead of the packages")
	flag.Usage = func() {
		fmt.Fprintln(flag.CommandLine.Output(), "usage: wasmsize [-top N] [-pkg PATTERN] [-modfile FILE] [-funcs PREFIX] FILE.wasm (built without -ldflags=-s -w)")
		flag.PrintDefaults()
	}
	flag.Parse()
	if flag.NArg() != 1 {
		flag.Usage()
		os.Exit(2)
	}
	b, err := os.ReadFile(flag.Arg(0))
	if err != nil {
		fmt.Fprintln(os.Stderr, "wasmsize:", err)
		os.Exit(1)
	}
	m, err := parse(b)
	if err != nil {
		fmt.Fprintf(os.Stderr, "wasmsize: %s: %v\n", flag.Arg(0), err)
		os.Exit(1)
	}
	if *funcs != "" {
		listFuncs(os.Stdout, m, *funcs, *top)
		return
	}
	args := []string{"list", "-deps"}
	if *modfile != "" {
		args = append(args, "-modfile="+*modfile)
	}
	cmd := exec.Command("go", append(args, *pattern)...)
	cmd.Env = append(os.Environ(), "GOOS=js", "GOARCH=wasm")
	cmd.Stderr = os.Stderr
	out, err := cmd.Output()
	if err != nil {
		fmt.Fprintf(os.Stderr, "wasmsize: go list -deps %s: %v\n", *pattern, err)
		os.Exit(1)
	}
	w := bufio.NewWriter(os.Stdout)
	defer w.Flush()
	report(w, m, len(b), *top, newPackages(strings.Fields(string(out))))
}

// module is what wasmsize reads of a wasm binary: section sizes (bytes,
// header included) by name, and each defined function's body size (bytes)
// with its name.
type module struct {
	sections map[string]int
	funcs    []fn
}

type fn struct {
	name string
	size int
}

// parse reads the sections of a wasm binary. It fails on a file that is not
// wasm, is cut short, or has no name section (a stripped build).
func parse(b []byte) (module, error) {
	m := module{sections: map[string]int{}}
	if len(b) < 8 || string(b[:4]) != "\x00asm" {
		return m, errors.New("not a WebAssembly binary")
	}
	var imported int // function imports come first in the function index space
	var bodies []int
	names := map[int]string{}
	r := reader{b: b, off: 8}
	for r.off < len(b) {
		start := r.off
		id := r.byte()
		n := int(r.uleb())
		if r.err != nil || r.off+n > len(b) {
			return m, fmt.Errorf("section at byte %d is cut short", start)
		}
		body := reader{b: b[r.off : r.off+n]}
		r.off += n
		name := sectionNames[id]
		switch id {
		case 0:
			name = "custom " + body.name()
			if name == "custom name" {
				readNames(&body, names)
			}
		case 2:
			imported = countFuncImports(&body)
		case 10:
			count := int(body.uleb())
			for i := 0; i < count && body.err == nil; i++ {
				size := int(body.uleb())
				body.off += size
				bodies = append(bodies, size)
			}
		}
		if body.err != nil {
			return m, fmt.Errorf("section %q: %v", name, body.err)
		}
		m.sections[name] += r.off - start
	}
	if len(names) == 0 {
		return m, errors.New("no name section: build without -ldflags=-s -w")
	}
	for i, size := range bodies {
		m.funcs = append(m.funcs, fn{name: names[imported+i], size: size})
	}
	return m, nil
}

var sectionNames = map[byte]string{
	1: "type", 2: "import", 3: "function", 4: "table", 5: "memory", 6: "global",
	7: "export", 8: "start", 9: "element", 10: "code", 11: "data", 12: "data count",
}

// readNames fills names from the function-names subsection (id 1) of the
// name section.
func readNames(r *reader, names map[int]string) {
	for r.off < len(r.b) && r.err == nil {
		id := r.byte()
		n := int(r.uleb())
		end := r.off + n
		if id == 1 {
			count := int(r.uleb())
			for i := 0; i < count && r.err == nil; i++ {
				idx := int(r.uleb())
				names[idx] = r.name()
			}
		}
		r.off = end
	}
}

// countFuncImports returns how many imports are functions.
func countFuncImports(r *reader) int {
	count := int(r.uleb())
	funcs := 0
	for i := 0; i < count && r.err == nil; i++ {
		r.name()
		r.name()
		switch r.byte() {
		case 0: // function: type index
			r.uleb()
			funcs++
		case 1: // table: element type, limits
			r.byte()
			r.limits()
		case 2: // memory: limits
			r.limits()
		case 3: // global: value type, mutability
			r.byte()
			r.byte()
		}
	}
	return funcs
}

// packages matches the linker's function names to package paths.
type packages struct {
	bySanitized map[string]string // "github.com_a_b" → "github.com/a/b"
}

var unsafeChars = regexp.MustCompile(`[^\w.]`) // as cmd/link/internal/wasm

func newPackages(paths []string) packages {
	p := packages{bySanitized: map[string]string{}}
	for _, path := range paths {
		p.bySanitized[unsafeChars.ReplaceAllString(path, "_")] = path
	}
	return p
}

// of returns the package path a function name starts with, the longest one
// known followed by '.': "github.com_a_b.__T_.M" → "github.com/a/b". A name
// of no known package (the linker's "type:.eq.…" functions, written
// "type_.eq.…") is grouped by what precedes its first '.'.
func (p packages) of(name string) string {
	for i := len(name) - 1; i > 0; i-- {
		if name[i] == '.' {
			if path, ok := p.bySanitized[name[:i]]; ok {
				return path
			}
		}
	}
	if i := strings.IndexByte(name, '.'); i > 0 {
		return "(" + name[:i] + ")"
	}
	return "(" + name + ")"
}

// report writes the table: code by package, largest first, then the other
// sections.
func report(w io.Writer, m module, total, top int, known packages) {
	byPkg := map[string]int{}
	for _, f := range m.funcs {
		byPkg[known.of(f.name)] += f.size
	}
	pkgs := make([]string, 0, len(byPkg))
	for p := range byPkg {
		pkgs = append(pkgs, p)
	}
	sort.Slice(pkgs, func(i, j int) bool {
		if byPkg[pkgs[i]] != byPkg[pkgs[j]] {
			return byPkg[pkgs[i]] > byPkg[pkgs[j]]
		}
		return pkgs[i] < pkgs[j]
	})
	fmt.Fprintf(w, "%12s %6s  %s\n", "bytes", "%", "what")
	row := func(n int, what string) {
		fmt.Fprintf(w, "%12d %5.1f%%  %s\n", n, 100*float64(n)/float64(total), what)
	}
	row(total, "whole file")
	row(m.sections["data"], "data section (read-only data, types, pclntab)")
	row(m.sections["code"], fmt.Sprintf("code section (%d functions), by package:", len(m.funcs)))
	rest, restN := 0, 0
	for i, p := range pkgs {
		if i < top {
			row(byPkg[p], "  "+p)
		} else {
			rest += byPkg[p]
			restN++
		}
	}
	if restN > 0 {
		row(rest, fmt.Sprintf("  %d other packages", restN))
	}
	other := total - m.sections["data"] - m.sections["code"]
	row(other, "other sections (names, types, imports, …)")
}

// reader reads wasm's LEB128 and length-prefixed names; the first error
// sticks.
type reader struct {
	b   []byte
	off int
	err error
}

func (r *reader) byte() byte {
	if r.off >= len(r.b) {
		r.err = io.ErrUnexpectedEOF
		return 0
	}
	r.off++
	return r.b[r.off-1]
}

func (r *reader) uleb() uint64 {
	if r.off >= len(r.b) {
		r.err = io.ErrUnexpectedEOF
		return 0
	}
	v, n := binary.Uvarint(r.b[r.off:])
	if n <= 0 {
		r.err = errors.New("bad LEB128 number")
		return 0
	}
	r.off += n
	return v
}

func (r *reader) name() string {
	n := int(r.uleb())
	if r.err != nil || r.off+n > len(r.b) {
		r.err = io.ErrUnexpectedEOF
		return ""
	}
	s := string(r.b[r.off : r.off+n])
	r.off += n
	return s
}

func (r *reader) limits() {
	if r.byte()&1 != 0 {
		r.uleb()
	}
	r.uleb()
}

// listFuncs prints the functions of m whose name starts with prefix,
// largest first, at most top of them, then their count and total size.
func listFuncs(w io.Writer, m module, prefix string, top int) {
	var picked []fn
	total := 0
	for _, f := range m.funcs {
		if strings.HasPrefix(f.name, prefix) {
			picked = append(picked, f)
			total += f.size
		}
	}
	slices.SortFunc(picked, func(a, b fn) int { return cmp.Or(b.size-a.size, strings.Compare(a.name, b.name)) })
	for i, f := range picked {
		if i == top {
			break
		}
		fmt.Fprintf(w, "%12d  %s\n", f.size, f.name)
	}
	fmt.Fprintf(w, "%12d  %d functions named %s*\n", total, len(picked), prefix)
}
