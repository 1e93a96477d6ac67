#!/usr/bin/python3
"""The availability study (issue 12) in SimPy 2, the peer CloudChamber is timed against.

Usage: /usr/bin/python3 availability_simpy.py SCENARIO.json [--ticks T] [--seed S]

SimPy 2 is Debian's python3-simpy (module SimPy, 2.3.1 on bookworm): a module
of Debian's own Python, so run this with /usr/bin/python3. `make bench-peers`
installs it when missing and times this model against `ccsim run` on the same
scenario (written by `ccsim gen availability`).

The model reads its figures from the scenario, so the two run the same study:
  blades  regions x zonesPerRegion x racksPerZone x bladesPerRack (inventory.generate)
  failure each working blade fails after an exponential time with mean
          control.processes[0].mtbf ticks (whole ticks, rounded down, as ours)
  detect  the monitor marks a silent blade failed control.monitor.failAfter
          ticks after it fell silent; the rules then call a technician
  repair  an exponential time with mean control.processes[0].mttr ticks
  restart power, connection and boot: each a whole number of ticks drawn
          uniformly from the scenario's delays (low..high)
  metrics a sampler counts the working blades every control.sampleEvery ticks
Availability is blade-time working over blade-time, from tick 0 to T, as
ccsim's report measures it.

It prints one line of figures, `key value` pairs:
  availability A expected E stderr S blades N failures F events V ticks T
where stderr is the standard error of A estimated from the spread of the
blades' own availabilities, and events counts the holds scheduled.
"""
import argparse
import json
import math
import random
import sys

from SimPy.Simulation import Process, activate, hold, initialize, now, simulate


class Study:
    """The study's settings and tallies (ticks and counts)."""

    def __init__(self, sc, seed):
        inv = sc["inventory"]["generate"]
        self.blades = inv["regions"] * inv["zonesPerRegion"] * inv["racksPerZone"] * inv["bladesPerRack"]
        ctl = sc["control"]
        proc = ctl["processes"][0]
        if proc["kind"] != "blade-fault":
            sys.exit("availability_simpy: control.processes[0] must be a blade-fault process, got %r" % proc["kind"])
        self.mtbf, self.mttr = float(proc["mtbf"]), float(proc["mttr"])
        self.fail_after = ctl["monitor"]["failAfter"]
        self.delays = [sc["delays"][k] for k in ("setPower", "setConnection", "booting")]
        self.sample_every = ctl.get("sampleEvery", 0)
        self.rand = random.Random(seed)
        self.working = 0
        self.failures = 0
        self.events = 0
        self.samples = []

    def restart(self):
        """Ticks from a technician's return (or power-on) to working."""
        return sum(self.rand.randint(d["low"], d["high"]) for d in self.delays)


class Blade(Process):
    """One blade: off, then working, failed, detected, repaired, restarted, and again."""

    def life(self, st):
        self.up = 0.0  # ticks working so far
        self.since = None  # tick it last started working
        yield hold, self, st.restart()
        st.events += 1
        while True:
            self.since = now()
            st.working += 1
            yield hold, self, math.floor(st.rand.expovariate(1 / st.mtbf))
            st.working -= 1
            self.up += now() - self.since
            self.since = None
            st.failures += 1
            yield hold, self, st.fail_after
            yield hold, self, math.floor(st.rand.expovariate(1 / st.mttr))
            yield hold, self, st.restart()
            st.events += 4

    def upto(self, t):
        """Ticks working up to tick t."""
        return self.up + (t - self.since if self.since is not None else 0)


class Sampler(Process):
    """The metrics sampler: counts the working blades every interval."""

    def sample(self, st):
        while True:
            yield hold, self, st.sample_every
            st.samples.append(st.working)
            st.events += 1


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("scenario", help="a scenario JSON of ccsim gen availability")
    ap.add_argument("--ticks", type=int, default=2_000_000, help="run until this tick (default 2,000,000)")
    ap.add_argument("--seed", type=int, default=1, help="seed of the random draws (default 1)")
    args = ap.parse_args()
    with open(args.scenario) as f:
        st = Study(json.load(f), args.seed)
    initialize()
    blades = [Blade() for _ in range(st.blades)]
    for b in blades:
        activate(b, b.life(st))
    if st.sample_every > 0:
        s = Sampler()
        activate(s, s.sample(st))
    simulate(until=args.ticks)
    per = [b.upto(args.ticks) / args.ticks for b in blades]
    avail = sum(per) / len(per)
    sd = math.sqrt(sum((a - avail) ** 2 for a in per) / (len(per) - 1))
    print("availability %.6f expected %.6f stderr %.6f blades %d failures %d events %d ticks %d"
          % (avail, st.mtbf / (st.mtbf + st.mttr), sd / math.sqrt(len(per)), st.blades, st.failures, st.events, args.ticks))


if __name__ == "__main__":
    main()
