package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/cloudchamber/cloudchamber/core/gpushare"
	"github.com/cloudchamber/cloudchamber/core/gputrace"
	"github.com/cloudchamber/cloudchamber/core/inventory"
	"github.com/cloudchamber/cloudchamber/core/scenario"
	"github.com/cloudchamber/cloudchamber/core/strictjson"
)

// validate checks each file and prints what it holds, or its errors on
// stderr (each located at its file, line and column). A file is, by its
// content: a scenario (JSON, its inventory included) or a sweep spec (JSON
// with a "scenario" or "variants" key, its scenario loaded and every
// variant checked, as ccsim sweep does), a GPU trace's node list or task
// list (CSV, told apart by the header: gputrace.Sniff; every row read), or
// else an inventory (YAML).
func validate(files []string, stdout, stderr io.Writer) int {
	if len(files) == 0 {
		fmt.Fprint(stderr, "ccsim validate: no files given\n")
		return 2
	}
	code := 0
	for _, f := range files {
		line, err := validateFile(f)
		if err != nil {
			fmt.Fprintln(stderr, err)
			code = 1
			continue
		}
		fmt.Fprintf(stdout, "%s: %s\n", f, line)
	}
	return code
}

// validateFile checks one file (see validate) and says what it holds.
func validateFile(file string) (string, error) {
	data, err := os.ReadFile(file)
	if err != nil {
		return "", err
	}
	trimmed := bytes.TrimSpace(strictjson.TrimBOM(data))
	switch {
	case len(trimmed) > 0 && trimmed[0] == '{' && isSweepSpec(trimmed):
		sw, err := loadSweep(file)
		if err != nil {
			return "", err
		}
		spec := sw.Spec()
		return fmt.Sprintf("sweep spec: %d variants × %d seeds = %d runs of %d ticks, scenario %q",
			len(spec.Variants), spec.Seeds.Count, sw.Runs(), spec.Ticks, sw.Base().Name), nil
	case len(trimmed) > 0 && trimmed[0] == '{':
		def, err := scenarioDefinition(file, data)
		if err != nil {
			return "", err
		}
		return counts(def), nil
	}
	if kind, err := gputrace.Sniff(data, file); err == nil || strings.EqualFold(filepath.Ext(file), ".csv") {
		if err != nil {
			return "", err
		}
		return validateTrace(file, data, kind)
	}
	def, err := inventory.Parse(file, data)
	if err != nil {
		return "", err
	}
	return counts(def), nil
}

// isSweepSpec reports whether a JSON object has a sweep spec's "scenario"
// or "variants" key at its top (a scenario has neither). Malformed JSON is
// not: the scenario's parser then says where.
func isSweepSpec(data []byte) bool {
	var top map[string]json.RawMessage
	if json.Unmarshal(data, &top) != nil {
		return false
	}
	for k := range top {
		if strings.EqualFold(k, "scenario") || strings.EqualFold(k, "variants") {
			return true
		}
	}
	return false
}

// validateTrace reads every row of a node list or a task list (the
// readers' errors: file, line, column, up to gputrace.ErrorsMax) and
// says what it holds.
func validateTrace(file string, data []byte, kind gputrace.Kind) (string, error) {
	if kind == gputrace.KindNodes {
		nodes, err := gputrace.ReadNodes(bytes.NewReader(data), file)
		if err != nil {
			return "", err
		}
		if len(nodes) == 0 {
			return "", fmt.Errorf("%s: the node list has no node", file)
		}
		gpus, withGPUs, models := 0, 0, []string{}
		for i := range nodes {
			if n := &nodes[i]; n.GPUs > 0 {
				gpus += n.GPUs
				withGPUs++
				if !slices.Contains(models, n.Model) {
					models = append(models, n.Model)
				}
			}
		}
		slices.Sort(models)
		return fmt.Sprintf("node list: %d nodes, %d with GPUs (%d GPUs; models %s)", len(nodes), withGPUs, gpus, orNone(models)), nil
	}
	tasks, err := gputrace.ReadTasks(bytes.NewReader(data), file)
	if err != nil {
		return "", err
	}
	if len(tasks) == 0 {
		return "", fmt.Errorf("%s: the task list has no task", file)
	}
	var kinds [gpushare.Kinds]int
	for i := range tasks {
		r := gpushare.RequestOf(&tasks[i])
		kinds[r.Kind()]++
	}
	var parts []string
	for k, n := range kinds {
		if n > 0 {
			parts = append(parts, fmt.Sprintf("%s %d", gpushare.Kind(k), n))
		}
	}
	return fmt.Sprintf("task list: %d tasks (%s)", len(tasks), strings.Join(parts, ", ")), nil
}

func orNone(s []string) string {
	if len(s) == 0 {
		return "none"
	}
	return strings.Join(s, ", ")
}

// counts is an inventory's counts, as validate prints them.
func counts(def *inventory.Definition) string {
	c := def.Counts()
	return fmt.Sprintf("regions=%d zones=%d racks=%d pdus=%d tors=%d blades=%d", c.Regions, c.Zones, c.Racks, c.PDUs, c.TORs, c.Blades)
}

// scenarioDefinition parses a scenario JSON and reads the inventory it
// names.
func scenarioDefinition(file string, data []byte) (*inventory.Definition, error) {
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
