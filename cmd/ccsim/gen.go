package main

import (
	"flag"
	"fmt"
	"io"
	"os"

	"github.com/cloudchamber/cloudchamber/core/inventory"
)

// gen writes a generated inventory, or with churn or availability first
// a study's scenario (genscenario.go).
func gen(args []string, stdout, stderr io.Writer) int {
	if len(args) > 0 {
		switch args[0] {
		case "churn":
			return genChurn(args[1:], stdout, stderr)
		case "availability":
			return genAvailability(args[1:], stdout, stderr)
		}
	}
	fs := flag.NewFlagSet("ccsim gen", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var spec inventory.GenSpec
	fs.IntVar(&spec.Regions, "regions", 1, "regions")
	fs.IntVar(&spec.ZonesPerRegion, "zones", 1, "zones per region")
	fs.IntVar(&spec.RacksPerZone, "racks", 8, "racks per zone")
	fs.IntVar(&spec.BladesPerRack, "blades", 8, fmt.Sprintf("blades per rack (1..%d)", inventory.GenBladesPerRackMax))
	fs.IntVar(&spec.PDUsPerRack, "pdus", 1, "PDUs per rack (1..2)")
	fs.IntVar(&spec.TORsPerRack, "tors", 1, "TORs per rack (1..2)")
	out := fs.String("o", "", "write to this file instead of stdout")
	if err := parseOnce(fs, args); err != nil {
		return 2
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "ccsim gen: unexpected argument %q\n", fs.Arg(0))
		return 2
	}
	def, err := inventory.Generate(spec)
	if err != nil {
		fmt.Fprintf(stderr, "ccsim gen: %v\n", err)
		return 1
	}
	data, err := inventory.MarshalYAML(def)
	if err != nil {
		fmt.Fprintf(stderr, "ccsim gen: %v\n", err)
		return 1
	}
	if *out == "" {
		stdout.Write(data)
		return 0
	}
	if err := os.WriteFile(*out, data, 0o644); err != nil {
		fmt.Fprintf(stderr, "ccsim gen: %v\n", err)
		return 1
	}
	c := def.Counts()
	fmt.Fprintf(stdout, "%s: regions=%d zones=%d racks=%d pdus=%d tors=%d blades=%d\n",
		*out, c.Regions, c.Zones, c.Racks, c.PDUs, c.TORs, c.Blades)
	return 0
}
