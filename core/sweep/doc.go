// Package sweep runs a scenario under several variants for several
// seeds and says, per figure, what each variant gives and whether its
// difference from a baseline is real.
//
// A sweep is a Spec (a small versioned JSON file: scenario, variants,
// seeds, ticks, figures) with its scenario loaded (New). Its runs are
// numbered seed by seed (At); Do runs one and returns its Result, which
// depends on nothing but the spec, the scenario and the run's index: runs
// may go in any order, in parallel, on other machines (Shard splits them),
// and Summarize gives the same bits from their results however they were
// split. The driver owns the goroutines, workers, files and processes:
// `ccsim sweep` runs the runs across the cores and writes one JSON line
// per run, then the summary; `ccsim sweep merge` reads the parts' lines
// (ReadResults) and summarises them.
//
// The statistics (Interval) are the mean and Student's t 95 % interval
// over seeds, and for each variant the paired difference from the
// baseline (the same seed's runs): with common random numbers, a paired
// interval is far narrower than the two variants' intervals side by side.
package sweep
