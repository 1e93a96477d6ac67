// Package inventory is the definition of a simulated cloud's hardware:
// regions, zones, racks, and in each rack its PDUs, TORs, blades and the
// cables between them. It is the original CloudChamber's "definition" view,
// rebuilt as pure data for the deterministic core.
//
// Where a definition comes from:
//
//   - Parse reads the original's YAML inventory files (case-insensitive keys
//     and enum names, anchors, aliases and merge keys, template lists) and
//     returns a validated Definition or an *Error naming the file, line,
//     region and field path.
//   - Generate builds large inventories for scale runs; MarshalYAML writes
//     any valid Definition back in the original's format (ccsim gen).
//   - Scenarios embed a Definition as JSON, read strictly by scenario.Parse
//     (core/strictjson), which then calls Normalize; Validate checks the
//     rules.
//
// What callers do with it: look elements up (Definition.Rack, Rack.Blade),
// follow cables (Rack.PowerFeeds, Rack.NetworkLinks), size drawings
// (Summary) and turn a changed definition into store writes (Reconcile).
//
// Our extensions of the original's format: a blade's Capacity may list
// Accelerators (one GPU device each, of that model) and Gpus (Count devices
// of a Model each; see GPU), which MarshalYAML writes only when set, so the
// original's files keep their bytes.
//
// Every list is kept sorted (names case-insensitively with numbers by value,
// indices ascending) so that output never depends on file or map order. The
// package does no I/O, reads no clock and keeps no global state; a
// Definition is plain data, safe to share read-only between goroutines.
package inventory
