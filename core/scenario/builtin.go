package scenario

import (
	"fmt"
	"io/fs"
	"path"
	"slices"
	"strings"
	"sync"

	"github.com/cloudchamber/cloudchamber/core/inventory"
	"github.com/cloudchamber/cloudchamber/static"
)

// InventoryVersion is the version of the built-in inventory files in this
// build. A scenario names a built-in inventory by name and version, so a
// link made against other files says so instead of replaying differently.
const InventoryVersion = 1

// BuiltinInventories lists the names of the built-in inventories.
func BuiltinInventories() []string {
	return listNames("inventories", ".yaml")
}

// BuiltinInventory parses a built-in inventory.
func BuiltinInventory(name string, version int) (*inventory.Definition, error) {
	if version != InventoryVersion {
		return nil, fmt.Errorf("built-in inventory %q version %d is not in this build (it has version %d)", name, version, InventoryVersion)
	}
	builtinDefs.Lock()
	defer builtinDefs.Unlock()
	if def, ok := builtinDefs.m[name]; ok {
		return def, nil
	}
	file := "inventories/" + name + ".yaml"
	data, err := fs.ReadFile(static.FS, file)
	if err != nil || !validName(name) {
		return nil, fmt.Errorf("no built-in inventory %q (have %s)", name, strings.Join(BuiltinInventories(), ", "))
	}
	def, err := inventory.Parse(name+".yaml", data)
	if err != nil {
		return nil, err
	}
	builtinDefs.m[name] = def
	return def, nil
}

// builtinDefs keeps the parsed built-in inventories: a definition is
// never modified once loaded, so every world can share one, and a restore
// in the browser does not parse the YAML again.
var builtinDefs = struct {
	sync.Mutex
	m map[string]*inventory.Definition
}{m: map[string]*inventory.Definition{}}

// Definition loads or builds the scenario's inventory.
func (s *Scenario) Definition() (*inventory.Definition, error) { return s.DefinitionEach(nil) }

// DefinitionEach is Definition, calling each (if not nil) after every rack
// of an inline definition checked (inventory.Definition.ValidateEach).
func (s *Scenario) DefinitionEach(each func()) (*inventory.Definition, error) {
	inv := s.Inventory
	switch {
	case inv.Builtin != "":
		return BuiltinInventory(inv.Builtin, inv.Version)
	case inv.Generate != nil:
		def, err := inventory.Generate(*inv.Generate)
		if err != nil {
			return nil, fmt.Errorf("inventory.generate: %w", err)
		}
		return def, nil
	case inv.Definition != nil:
		if err := inv.Definition.ValidateEach(each); err != nil {
			return nil, fmt.Errorf("inventory.definition: %w", err)
		}
		return inv.Definition, nil
	}
	return nil, fmt.Errorf("inventory: give exactly one of builtin, generate or definition")
}

// Builtins lists the built-in scenarios' names, default first.
func Builtins() []string {
	names := listNames("scenarios", ".json")
	if i := slices.Index(names, DefaultName); i > 0 {
		names = append([]string{DefaultName}, slices.Delete(names, i, i+1)...)
	}
	return names
}

// DefaultName is the scenario the app and the CLI start with.
const DefaultName = "standard"

// Builtin returns a fresh copy of a built-in scenario.
func Builtin(name string) (*Scenario, error) {
	data, err := fs.ReadFile(static.FS, "scenarios/"+name+".json")
	if err != nil || !validName(name) {
		return nil, fmt.Errorf("no built-in scenario %q (have %s)", name, strings.Join(Builtins(), ", "))
	}
	return Parse(name+".json", data)
}

// Default returns the default scenario.
func Default() *Scenario {
	s, err := Builtin(DefaultName)
	if err != nil {
		panic(fmt.Sprintf("scenario: the built-in default does not load: %v", err)) // a broken build, caught by tests
	}
	return s
}

func validName(name string) bool {
	return name != "" && !strings.ContainsAny(name, "/\\.")
}

func listNames(dir, ext string) []string {
	entries, err := fs.ReadDir(static.FS, dir)
	if err != nil {
		return nil
	}
	var out []string
	for _, e := range entries {
		if n := e.Name(); path.Ext(n) == ext {
			out = append(out, strings.TrimSuffix(n, ext))
		}
	}
	slices.Sort(out)
	return out
}
