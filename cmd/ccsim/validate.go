package main

import (
	"bytes"
	"fmt"
	"io"
	"os"

	"github.com/cloudchamber/cloudchamber/core/inventory"
	"github.com/cloudchamber/cloudchamber/core/scenario"
	"github.com/cloudchamber/cloudchamber/core/strictjson"
)

// validate checks each file, an inventory (YAML) or a scenario (JSON, its
// inventory included), and prints its counts, or its error on stderr.
func validate(files []string, stdout, stderr io.Writer) int {
	if len(files) == 0 {
		fmt.Fprint(stderr, "ccsim validate: no files given\n")
		return 2
	}
	code := 0
	for _, f := range files {
		def, err := readDefinition(f)
		if err != nil {
			fmt.Fprintln(stderr, err)
			code = 1
			continue
		}
		c := def.Counts()
		fmt.Fprintf(stdout, "%s: regions=%d zones=%d racks=%d pdus=%d tors=%d blades=%d\n",
			f, c.Regions, c.Zones, c.Racks, c.PDUs, c.TORs, c.Blades)
	}
	return code
}

// readDefinition reads an inventory YAML, or a scenario JSON and the
// inventory it names.
func readDefinition(file string) (*inventory.Definition, error) {
	data, err := os.ReadFile(file)
	if err != nil {
		return nil, err
	}
	if trimmed := bytes.TrimSpace(strictjson.TrimBOM(data)); len(trimmed) == 0 || trimmed[0] != '{' {
		return inventory.Parse(file, data)
	}
	sc, err := scenario.Parse(file, data)
	if err != nil {
		return nil, err
	}
	def, err := sc.Definition()
	if err != nil {
		return nil, fmt.Errorf("%s: %w", file, err)
	}
	return def, nil
}
