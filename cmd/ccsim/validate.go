package main

import (
	"fmt"
	"io"
	"os"

	"github.com/cloudchamber/cloudchamber/core/inventory"
)

// validate checks each file and prints its counts, or its error on stderr.
func validate(files []string, stdout, stderr io.Writer) int {
	if len(files) == 0 {
		fmt.Fprint(stderr, "ccsim validate: no files given\n")
		return 2
	}
	code := 0
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			fmt.Fprintf(stderr, "%s: %v\n", f, err)
			code = 1
			continue
		}
		def, err := inventory.Parse(f, data)
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
