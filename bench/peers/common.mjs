// The job cycle both peers run, with the numbers and results of bench/suite/JobCycle.java:
// PRODUCERS loops create jobs while WORKERS loops take and complete them, with at most
// OUTSTANDING jobs created and not yet completed; jobs/s and create->complete latency are
// counted in the window after the warm-up. Arguments are key=value, as JobCycle's.
import { readFileSync } from "node:fs";
import { performance } from "node:perf_hooks";

export function args() {
  const o = {};
  for (const a of process.argv.slice(3)) {
    const eq = a.indexOf("=");
    if (eq < 0) throw new Error(`arguments are key=value, not ${a}`);
    o[a.slice(0, eq)] = a.slice(eq + 1);
  }
  o.workers = Number(o.workers ?? 16);
  o.producers = Number(o.producers ?? 8);
  o.outstanding = Number(o.outstanding ?? 2 * o.workers);
  o.pool = Number(o.pool ?? 10);
  o.warmup = Number(o.warmup ?? 3);
  o.seconds = Number(o.seconds ?? 10);
  o.drain = Number(o.drain ?? 10);
  return o;
}

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

class Permits {
  constructor(n) {
    this.free = n;
    this.waiting = [];
  }
  acquire() {
    if (this.free > 0) {
      this.free--;
      return Promise.resolve();
    }
    return new Promise((r) => this.waiting.push(r));
  }
  release() {
    const next = this.waiting.shift();
    if (next) next();
    else this.free++;
  }
}

function machine() {
  const f = readFileSync("/proc/stat", "utf8").split("\n")[0].trim().split(/\s+/).slice(1).map(Number);
  const all = f.reduce((a, b) => a + b, 0);
  return { busy: all - f[3] - f[4], all };
}

function sample() {
  const c = process.cpuUsage();
  return { at: performance.now(), cpu: (c.user + c.system) / 1e6, m: machine() };
}

function percentile(sorted, p) {
  if (sorted.length === 0) return NaN;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
}

/**
 * Runs the cycle. peer.start(onComplete) starts the workers, which call onComplete(t0) once a
 * job's completion is recorded; peer.create(payload) creates one job; peer.stop() ends all.
 */
export async function cycle(o, peer) {
  const unexpected = new Map();
  const note = (call, e) => {
    const n = (unexpected.get(call) ?? 0) + 1;
    unexpected.set(call, n);
    if (n === 1) console.error(`unexpected: ${call}: ${e?.stack ?? e}`);
  };
  const permits = new Permits(o.outstanding);
  const s = { created: 0, completed: 0, inWindow: 0, latencies: [], producing: true };
  const start = performance.now();
  const windowStart = start + o.warmup * 1000;
  const windowEnd = windowStart + o.seconds * 1000;
  const onComplete = (t0) => {
    const now = performance.now();
    s.completed++;
    permits.release();
    if (now >= windowStart && now < windowEnd) {
      s.inWindow++;
      s.latencies.push(now - t0);
    }
  };
  await peer.start(onComplete, note);
  const producers = [];
  for (let i = 0; i < o.producers; i++) {
    producers.push((async () => {
      while (s.producing) {
        await permits.acquire();
        if (!s.producing) {
          permits.release();
          break;
        }
        const t0 = performance.now();
        try {
          await peer.create({ command: `echo ${t0}`, fileUrl: "https://bench.invalid/job.zip", filename: "job.sh", t0 });
          s.created++;
        } catch (e) {
          permits.release();
          note("create", e);
        }
      }
    })());
  }
  await sleep(windowStart - performance.now());
  const a = sample();
  await sleep(windowEnd - performance.now());
  const b = sample();
  s.producing = false;
  const drainUntil = performance.now() + o.drain * 1000;
  // Creates still in flight count before the drain compares created with completed.
  await Promise.race([Promise.all(producers), sleep(o.drain * 1000)]);
  while (s.completed < s.created && performance.now() < drainUntil) await sleep(20);
  await peer.stop();

  const out = (metric, value) =>
    console.log(["RESULT", o.scenario, o.system, o.rep ?? "1", metric, Number(value).toFixed(4)].join("\t"));
  const sorted = s.latencies.sort((x, y) => x - y);
  const wall = (b.at - a.at) / 1000;
  out("jobs_per_s", s.inWindow / o.seconds);
  out("p50_ms", percentile(sorted, 50));
  out("p99_ms", percentile(sorted, 99));
  out("created", s.created);
  out("completed", s.completed);
  out("unfinished", s.created - s.completed);
  // One process is the queue and its load at once: its CPU stands where the server's does.
  out("server_cpu_pct", (100 * (b.cpu - a.cpu)) / wall);
  const all = b.m.all - a.m.all;
  out("machine_busy_pct", all === 0 ? 0 : (100 * (b.m.busy - a.m.busy)) / all);
  let errors = 0;
  for (const [call, n] of unexpected) {
    errors += n;
    console.log(["NOTE", o.scenario, o.system, o.rep ?? "1", `${n}x ${call}`].join("\t"));
  }
  out("errors", errors);
}
