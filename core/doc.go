// Package core holds nothing but this documentation and the test that
// keeps its promise: the simulation under core/ is pure. No package under
// it reads the wall clock, draws from global randomness, does I/O or
// touches the browser: time comes in as ticks, every random number from
// the scenario's seeded streams (core/rng; every stream and every event
// subsystem is named in core/registry), and the browser layer (app/,
// wasm/) owns time, storage and rendering. That is what lets the same
// scenario and commands give the same trace hash natively, under Node and
// in every browser. TestCoreHasNoEffects checks the imports of every
// package below, so a new one cannot forget.
package core
