// Package scenario is what a simulation run is made of: an inventory, the
// hardware's delays, the time policy, a seed, a script of commands the
// scenario itself issues (such as the start-up bring-up), and the commands a
// user has issued so far with the tick they were issued at. Together they
// replay a run exactly.
//
// The form on disk and in links is canonical JSON (fields in a fixed order,
// no maps) with a format version; each change of format comes with a
// migration from the one before.
package scenario

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/cloudchamber/cloudchamber/core/clock"
	"github.com/cloudchamber/cloudchamber/core/faults"
	"github.com/cloudchamber/cloudchamber/core/hardware"
	"github.com/cloudchamber/cloudchamber/core/inventory"
	"github.com/cloudchamber/cloudchamber/core/monitor"
	"github.com/cloudchamber/cloudchamber/core/repair"
	"github.com/cloudchamber/cloudchamber/core/rules"
	"github.com/cloudchamber/cloudchamber/core/sched"
	"github.com/cloudchamber/cloudchamber/core/strictjson"
	"github.com/cloudchamber/cloudchamber/core/trace"
	"github.com/cloudchamber/cloudchamber/core/workload"
)

// Format is the scenario format this build reads and holds in memory.
// Format 1 had no control plane; it migrates to format 2 with none
// (Control nil), so it replays exactly as before. Format 3 adds GPU
// devices: an inventory's "gpus" capacities and a workload instance's
// "requires.gpus"; format 2 migrates to it unchanged. Marshal writes the
// oldest format that holds the scenario (formatGPUs only when a "gpus" key
// is present), so a scenario without GPUs keeps its bytes, links and
// identity, and an older build refuses one with GPUs as newer than it
// reads, rather than as an unknown key.
const Format = 3

// formatNoGPUs is the format written for a scenario with no "gpus" key.
const formatNoGPUs = 2

// Bounds on what a scenario may ask for, so a hostile file cannot exhaust
// the browser.
const (
	RetentionMin = 100
	RetentionMax = 100_000
	CommandsMax  = 1_000_000
	AtMax        = clock.MaxTick // the longest run; see clock.MaxTick
)

// Scenario is a simulation run's whole input.
type Scenario struct {
	Format         int             `json:"format"`
	Name           string          `json:"name"`
	Description    string          `json:"description,omitempty"`
	Inventory      Inventory       `json:"inventory"`
	Seed           uint64          `json:"seed"`
	TickMillis     int64           `json:"tickMillis"` // the simulated duration of one tick, for display
	Policy         clock.Policy    `json:"policy"`
	Rate           int64           `json:"rate,omitempty"` // ticks per wall-clock second under the measured policy
	Delays         hardware.Delays `json:"delays"`
	TraceRetention int             `json:"traceRetention"`
	Control        *Control        `json:"control,omitempty"`  // the control plane; nil: the hardware alone
	Script         []Timed         `json:"script,omitempty"`   // the scenario's own commands
	Commands       []Timed         `json:"commands,omitempty"` // the user's commands so far
	At             clock.Tick      `json:"at,omitempty"`       // the tick the run had reached
}

// Inventory names the scenario's inventory: a built-in one by name and
// version, a generated one by its sizes, or a whole definition.
type Inventory struct {
	Builtin    string                `json:"builtin,omitempty"`
	Version    int                   `json:"version,omitempty"`
	Generate   *inventory.GenSpec    `json:"generate,omitempty"`
	Definition *inventory.Definition `json:"definition,omitempty"`
}

// Control is the control plane of a scenario: the monitor, the repair
// manager and its rules, the fault injector's random processes (its plan
// is the script's inject commands) and the metrics. Every element's
// target is its definition's condition: the repair manager brings an
// all-off inventory to working by itself.
type Control struct {
	Monitor     monitor.Settings   `json:"monitor"`
	Repair      repair.Settings    `json:"repair"`
	Rules       *rules.Set         `json:"rules,omitempty"` // nil: the default rules
	Processes   []faults.Process   `json:"processes,omitempty"`
	SampleEvery clock.Tick         `json:"sampleEvery"`         // metrics sample interval in ticks (0: none)
	Workloads   *workload.Settings `json:"workloads,omitempty"` // nil: no workloads (and no scheduler)
}

// DefaultControl is the control plane with every setting at its default.
func DefaultControl() *Control {
	return &Control{Monitor: monitor.DefaultSettings(), Repair: repair.DefaultSettings(), SampleEvery: 60}
}

// RulesOrDefault are the rules in force.
func (c *Control) RulesOrDefault() *rules.Set {
	if c.Rules != nil {
		return c.Rules
	}
	return repair.DefaultRules()
}

// Validate checks the control plane's settings.
func (c *Control) Validate() error {
	if err := c.Monitor.Validate(); err != nil {
		return fmt.Errorf("control.%w", err)
	}
	if err := c.Repair.Validate(); err != nil {
		return fmt.Errorf("control.%w", err)
	}
	if c.Rules != nil {
		if err := repair.ValidateRules(c.Rules); err != nil {
			return fmt.Errorf("control.rules.%w", err) // the rule error starts with its path: rules[2].choices[1].call: ...
		}
	}
	if len(c.Processes) > faults.ProcessesMax {
		return fmt.Errorf("control.processes: at most %d random failure processes, got %d", faults.ProcessesMax, len(c.Processes))
	}
	names := map[string]bool{}
	for i, p := range c.Processes {
		if err := p.Validate(); err != nil {
			return fmt.Errorf("control.processes[%d]: %w", i, err)
		}
		if names[p.Name] {
			return fmt.Errorf("control.processes[%d]: name %q is used twice", i, p.Name)
		}
		names[p.Name] = true
	}
	if c.Workloads != nil {
		if err := c.Workloads.Validate(); err != nil {
			return fmt.Errorf("control.%w", err)
		}
	}
	if c.SampleEvery < 0 || c.SampleEvery > clock.SettingMax {
		return fmt.Errorf("control.sampleEvery: must be 0..%d, got %d", clock.SettingMax, c.SampleEvery)
	}
	return nil
}

// Timed is a command and the tick it is applied at (after every event due
// at that tick).
type Timed struct {
	At clock.Tick `json:"at"`
	Command
}

// Command is an instruction to the simulation.
type Command struct {
	Do     Op     `json:"do"`
	Target string `json:"target,omitempty"` // an element's path, e.g. region1/zone1/rack1/blade/3
	On     bool   `json:"on,omitempty"`
	Hard   bool   `json:"hard,omitempty"`
	Port   int64  `json:"port,omitempty"` // a PDU's or TOR's port, for cable faults

	Fault *faults.Spec `json:"fault,omitempty"` // inject
	ID    uint64       `json:"id,omitempty"`    // pause-fault, resume-fault, remove-fault: the injection
	Name  string       `json:"name,omitempty"`  // process: the random process; stop-, resume-, delete-workload: the workload

	Workload *sched.Workload `json:"workload,omitempty"` // create-workload
}

// Op names a command.
type Op string

// The commands.
const (
	BringUp     Op = "bring-up"     // power on and connect every enabled blade through its PDUs and TORs
	Power       Op = "power"        // target: blade or PDU; on
	Connect     Op = "connect"      // target: blade; on
	Boot        Op = "boot"         // target: blade; hard
	Shutdown    Op = "shutdown"     // target: blade
	FaultBlade  Op = "fault-blade"  // target: blade
	RepairBlade Op = "repair-blade" // target: blade
	Stick       Op = "stick"        // target: PDU or TOR
	Unstick     Op = "unstick"      // target: PDU or TOR
	BreakCable  Op = "break-cable"  // target: PDU or TOR; port
	MendCable   Op = "mend-cable"   // target: PDU or TOR; port
	StopRack    Op = "stop-rack"    // target: rack

	// The control plane's commands (scenarios with a control block).
	Inject         Op = "inject"          // fault: what to inject (hard or flapping)
	PauseFault     Op = "pause-fault"     // id: a flapping injection
	ResumeFault    Op = "resume-fault"    // id
	RemoveFault    Op = "remove-fault"    // id
	Process        Op = "process"         // name; on: a random failure process on or off
	Maintain       Op = "maintain"        // target: blade; drain it and take it out for maintenance
	Retire         Op = "retire"          // target: blade; drain it and take it out for good
	ReturnService  Op = "return"          // target: blade; back to operational
	CallTechnician Op = "call-technician" // target: blade, PDU or TOR
	CreateWorkload Op = "create-workload" // workload: its definition
	StopWorkload   Op = "stop-workload"   // name
	ResumeWorkload Op = "resume-workload" // name
	DeleteWorkload Op = "delete-workload" // name
	Enable         Op = "enable"          // target: blade; on: enable (true) or disable (false) it in its target
)

var ops = []Op{BringUp, Power, Connect, Boot, Shutdown, FaultBlade, RepairBlade, Stick, Unstick, BreakCable, MendCable, StopRack,
	Inject, PauseFault, ResumeFault, RemoveFault, Process, Maintain, Retire, ReturnService, CallTechnician,
	CreateWorkload, StopWorkload, ResumeWorkload, DeleteWorkload, Enable}

// ControlOps need a scenario with a control plane.
var ControlOps = []Op{Inject, PauseFault, ResumeFault, RemoveFault, Process, Maintain, Retire, ReturnService, CallTechnician,
	CreateWorkload, StopWorkload, ResumeWorkload, DeleteWorkload, Enable}

// Ops lists every command name.
func Ops() []Op { return slices.Clone(ops) }

func (c Command) String() string {
	var b strings.Builder
	b.WriteString(string(c.Do))
	if c.Target != "" {
		b.WriteString(" " + c.Target)
	}
	switch c.Do {
	case Power, Connect, Enable:
		fmt.Fprintf(&b, " on=%t", c.On)
	case Boot:
		fmt.Fprintf(&b, " hard=%t", c.Hard)
	case BreakCable, MendCable:
		fmt.Fprintf(&b, " port=%d", c.Port)
	case Inject:
		if f := c.Fault; f != nil {
			fmt.Fprintf(&b, " %s %s", f.Kind, f.Target)
			if f.Kind == faults.CableFault {
				fmt.Fprintf(&b, " port=%d", f.Port)
			}
			if f.Flap != nil {
				fmt.Fprintf(&b, " flap=%d/%d", f.Flap.On, f.Flap.Off)
				if f.Flap.Cycles > 0 {
					fmt.Fprintf(&b, "x%d", f.Flap.Cycles)
				}
			}
		}
	case PauseFault, ResumeFault, RemoveFault:
		fmt.Fprintf(&b, " %d", c.ID)
	case Process:
		fmt.Fprintf(&b, " %s on=%t", c.Name, c.On)
	case CreateWorkload:
		if c.Workload != nil {
			fmt.Fprintf(&b, " %s (%s)", c.Workload.Name, trace.Count(len(c.Workload.Instances), "instance", "instances"))
		}
	case StopWorkload, ResumeWorkload, DeleteWorkload:
		b.WriteString(" " + c.Name)
	}
	return b.String()
}

// Check reports what is wrong with a command's shape (whether its target
// exists is for the simulation to say).
func (c Command) Check() error {
	if !slices.Contains(ops, c.Do) {
		return fmt.Errorf("unknown command %q", c.Do)
	}
	switch c.Do {
	case BringUp:
		if c.Target != "" {
			return fmt.Errorf("bring-up takes no target")
		}
		return nil
	case Inject:
		if c.Fault == nil {
			return fmt.Errorf("inject needs a fault")
		}
		return c.Fault.Validate()
	case PauseFault, ResumeFault, RemoveFault:
		if c.ID == 0 {
			return fmt.Errorf("%s needs the id of an injection", c.Do)
		}
		return nil
	case Process:
		if c.Name == "" {
			return fmt.Errorf("process needs the name of a random process")
		}
		return nil
	case CreateWorkload:
		if c.Workload == nil {
			return fmt.Errorf("create-workload needs a workload")
		}
		return c.Workload.Validate()
	case StopWorkload, ResumeWorkload, DeleteWorkload:
		if c.Name == "" {
			return fmt.Errorf("%s needs the name of a workload", c.Do)
		}
		return nil
	}
	if c.Target == "" {
		return fmt.Errorf("%s needs a target", c.Do)
	}
	return nil
}

// Defaults returns a scenario with every setting at its default, over the
// standard built-in inventory, with no script.
func Defaults() *Scenario {
	return &Scenario{
		Format:         Format,
		Name:           "untitled",
		Inventory:      Inventory{Builtin: "standard", Version: 1},
		Seed:           1,
		TickMillis:     1000,
		Policy:         clock.Manual,
		Delays:         hardware.DefaultDelays(),
		TraceRetention: 1000,
	}
}

// ForInventory returns the scenario an inventory file makes on its own,
// named name: every setting at its default (Defaults) over def, with the
// default control plane (DefaultControl: the monitor, the repair manager,
// which powers on and connects every blade it has never seen, and the
// metrics), and no faults, workloads or script. ccsim run and the page's
// import both make it, so the same YAML file gives the same trace hash in
// both.
func ForInventory(name string, def *inventory.Definition) *Scenario {
	sc := Defaults()
	sc.Name = name
	sc.Inventory = Inventory{Definition: def}
	sc.Control = DefaultControl()
	return sc
}

// Validate checks every field and names the first that is wrong.
func (s *Scenario) Validate() error {
	inv := s.Inventory
	n := 0
	for _, set := range []bool{inv.Builtin != "", inv.Generate != nil, inv.Definition != nil} {
		if set {
			n++
		}
	}
	switch {
	case s.Format != Format:
		return fmt.Errorf("format: this build reads format %d, got %d", Format, s.Format)
	case n != 1:
		return fmt.Errorf("inventory: give exactly one of builtin, generate or definition")
	case inv.Builtin != "" && inv.Version < 1:
		return fmt.Errorf("inventory.version: must be >= 1 for a built-in inventory")
	case inv.Builtin == "" && inv.Version != 0:
		return fmt.Errorf("inventory.version: only a built-in inventory has a version")
	case s.TickMillis < 1 || s.TickMillis > 86_400_000:
		return fmt.Errorf("tickMillis: must be 1..86400000, got %d", s.TickMillis)
	case s.TraceRetention < RetentionMin || s.TraceRetention > RetentionMax:
		return fmt.Errorf("traceRetention: must be %d..%d, got %d", RetentionMin, RetentionMax, s.TraceRetention)
	case s.At < 0 || s.At > AtMax:
		return fmt.Errorf("at: must be 0..%d, got %d", AtMax, s.At)
	case len(s.Script)+len(s.Commands) > CommandsMax:
		return fmt.Errorf("commands: at most %d, got %d", CommandsMax, len(s.Script)+len(s.Commands))
	}
	if _, err := clock.NewStepper(s.Policy, s.Rate); err != nil {
		return fmt.Errorf("policy: %w", err)
	}
	if err := s.Delays.Validate(); err != nil {
		return err
	}
	if s.Control != nil {
		if err := s.Control.Validate(); err != nil {
			return err
		}
	}
	for _, list := range []struct {
		name string
		cmds []Timed
	}{{"script", s.Script}, {"commands", s.Commands}} {
		for i, c := range list.cmds {
			if err := c.Check(); err != nil {
				return fmt.Errorf("%s[%d]: %w", list.name, i, err)
			}
			if s.Control == nil && slices.Contains(ControlOps, c.Do) {
				return fmt.Errorf("%s[%d]: %s needs a scenario with a control plane (a \"control\" block)", list.name, i, c.Do)
			}
			if c.At < 0 || c.At > AtMax {
				return fmt.Errorf("%s[%d].at: must be 0..%d, got %d", list.name, i, AtMax, c.At)
			}
			if i > 0 && c.At < list.cmds[i-1].At {
				return fmt.Errorf("%s[%d].at: commands must be in tick order, but %d comes after %d", list.name, i, c.At, list.cmds[i-1].At)
			}
		}
	}
	if k := len(s.Commands); k > 0 && s.Commands[k-1].At > s.At {
		return fmt.Errorf("commands[%d].at: %d is after the tick the run reached (at: %d)", k-1, s.Commands[k-1].At, s.At)
	}
	return nil
}

// Clone returns a deep copy (the inventory definition is shared: it is
// never modified once loaded).
func (s *Scenario) Clone() *Scenario {
	c := *s
	c.Script = slices.Clone(s.Script)
	c.Commands = slices.Clone(s.Commands)
	if s.Inventory.Generate != nil {
		g := *s.Inventory.Generate
		c.Inventory.Generate = &g
	}
	if s.Control != nil {
		ctl := *s.Control
		ctl.Processes = slices.Clone(s.Control.Processes)
		if s.Control.Rules != nil {
			ctl.Rules = s.Control.Rules.Clone()
		}
		if s.Control.Workloads != nil {
			wl := *s.Control.Workloads
			wl.Workloads = slices.Clone(wl.Workloads)
			if wl.Custom != nil {
				custom := *wl.Custom
				wl.Custom = &custom
			}
			if wl.Arrivals != nil {
				a := *wl.Arrivals
				a.Mix = slices.Clone(a.Mix)
				wl.Arrivals = &a
			}
			ctl.Workloads = &wl
		}
		c.Control = &ctl
	}
	return &c
}

// Marshal writes the canonical compact form: the same scenario always
// gives the same bytes, in the oldest format that holds it (see Format).
func Marshal(s *Scenario) ([]byte, error) {
	b, err := json.Marshal(s)
	if err != nil {
		return nil, err
	}
	return oldestFormat(b, s.Format, `{"format":`), nil
}

// MarshalIndent writes the canonical form for people: indented.
func MarshalIndent(s *Scenario) ([]byte, error) {
	b, err := json.MarshalIndent(s, "", "  ")
	if err != nil {
		return nil, err
	}
	return append(oldestFormat(b, s.Format, "{\n  \"format\": "), '\n'), nil
}

// UsesGPUs reports whether the scenario has a "gpus" key (GPU devices on
// blades, or workloads asking for GPUs): whether it is written as format 3.
// An inline inventory is looked at in place (inventory.Definition.HasGPUKey),
// not encoded: it is most of a large scenario's JSON (20 MB at 50,000
// blades); the rest is encoded and searched.
func UsesGPUs(s *Scenario) bool {
	if def := s.Inventory.Definition; def != nil {
		if def.HasGPUKey() {
			return true
		}
		rest := *s
		rest.Inventory.Definition = nil
		s = &rest
	}
	b, err := json.Marshal(s)
	return err == nil && bytes.Contains(b, []byte(`"gpus":`))
}

// oldestFormat rewrites the format that encoding/json wrote first, after
// head, as formatNoGPUs when the scenario has no "gpus" key. The bytes
// `"gpus":` occur in JSON only as that key: inside a string a quote is
// escaped, so no string's content can hold them.
func oldestFormat(b []byte, format int, head string) []byte {
	was := head + strconv.Itoa(format) + ","
	if format != Format || !bytes.HasPrefix(b, []byte(was)) || bytes.Contains(b, []byte(`"gpus":`)) {
		return b
	}
	return slices.Concat([]byte(head+strconv.Itoa(formatNoGPUs)+","), b[len(was):])
}

// Parse reads a scenario from JSON. file names the source in errors. A
// scenario of an older format is migrated; a newer one is refused. The JSON
// is read strictly (core/strictjson: no repeated or case-variant keys, no
// unknown keys, nothing after the scenario), and every error is a
// *strictjson.Error located at its line and column, validation errors
// included; an inline inventory definition is validated too, its errors
// located at their value by the JSON path.
func Parse(file string, data []byte) (*Scenario, error) {
	s := &Scenario{}
	if err := strictjson.Decode(file, data, s); err != nil {
		// A newer format may have keys this build does not know: say
		// that, rather than name the first of them.
		var head struct {
			Format *int `json:"format"`
		}
		if strictjson.DecodeKnown(file, data, &head) == nil {
			switch {
			case head.Format == nil:
				return nil, &strictjson.Error{Name: file, Kind: strictjson.Invalid, Msg: `not a scenario: no "format" field`}
			case *head.Format > Format:
				return nil, newer(file, data, *head.Format)
			}
		}
		return nil, err
	}
	switch _, _, found := strictjson.Position(data, "format"); {
	case found == "":
		return nil, &strictjson.Error{Name: file, Kind: strictjson.Invalid, Msg: `not a scenario: no "format" field`}
	case s.Format > Format:
		return nil, newer(file, data, s.Format)
	case s.Format < 1:
		return nil, strictjson.PlaceAt(file, data, "format", fmt.Sprintf("must be >= 1, got %d", s.Format), nil)
	}
	migrate(s)
	if d := s.Inventory.Definition; d != nil {
		d.Normalize() // hand-edited JSON may list elements in any order
	}
	if err := s.Validate(); err != nil {
		return nil, strictjson.Place(file, data, err)
	}
	if d := s.Inventory.Definition; d != nil {
		if err := d.Validate(); err != nil {
			return nil, definitionError(file, data, err)
		}
	}
	return s, nil
}

// definitionError locates an error of an inline inventory definition: at
// its value in the JSON, named by the JSON path.
func definitionError(file string, data []byte, err error) error {
	const at = "inventory.definition"
	var e *inventory.Error
	if !errors.As(err, &e) {
		return strictjson.PlaceAt(file, data, at, err.Error(), err)
	}
	var raw struct {
		Inventory struct {
			Definition any `json:"definition"`
		} `json:"inventory"`
	}
	if strictjson.DecodeKnown(file, data, &raw) != nil {
		return strictjson.PlaceAt(file, data, at, err.Error(), err)
	}
	path := at
	if p := e.JSONPath(raw.Inventory.Definition); p != "" {
		path += "." + p
	}
	return strictjson.PlaceAt(file, data, path, e.Msg, err)
}

func newer(file string, data []byte, format int) error {
	return strictjson.PlaceAt(file, data, "format", fmt.Sprintf("scenario format %d is newer than this build reads (%d); open it with a newer CloudChamber", format, Format), nil)
}

// migrate brings an older format up to this one. Format 1 has no control
// plane, and a format 2 scenario without one means the same; format 2 has
// no GPUs, and format 3 without them means the same. (GPU keys are read
// in any format: only an older build would refuse them.)
func migrate(s *Scenario) {
	if s.Format == 1 {
		s.Format = 2
	}
	if s.Format == 2 {
		s.Format = 3
	}
}
