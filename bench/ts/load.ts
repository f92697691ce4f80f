// The load generator: autocannon against each variant in turn, in one Node process (no start-up
// cost between runs). Reads a plan as JSON from argv[2]:
//   {"urls": {"name": "http://127.0.0.1:port/…"}, "headers": {…}, "trials": n, "seconds": s,
//    "warmupSeconds": w, "connections": c, "pids": {"name": pid, …}}
// A warm-up per variant, then `trials` rounds; each round runs every variant once, back to back,
// in an order rotated from round to round, so that load from other processes falls on all alike.
// Each trial also records the CPU time every process in `pids` used during it, so that a server's
// cost per request counts its own trials only, not its idle work while the others are loaded.
// Progress goes to stderr; stdout gets one JSON object: {"name": [{rps, p50_ms, p99_ms, requests, cpu}, …]}.
import { readdirSync, readFileSync } from "node:fs";

import autocannon from "autocannon";

type Plan = {
  urls: Record<string, string>;
  headers: Record<string, string>;
  trials: number;
  seconds: number;
  warmupSeconds: number;
  connections: number;
  pids?: Record<string, number>;
};
type Trial = { rps: number; p50_ms: number; p99_ms: number; requests: number; cpu: Record<string, number> };

/** CPU seconds (user + system) a process and its descendants have used; 0 once it is gone. */
function cpuSeconds(pid: number): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(")").at(-1)!.trim().split(" ");
    let total = (Number(fields[11]) + Number(fields[12])) / 100; // /proc counts in USER_HZ, 100 on Linux
    for (const task of readdirSync(`/proc/${pid}/task`)) {
      const children = readFileSync(`/proc/${pid}/task/${task}/children`, "utf8").trim();
      for (const child of children ? children.split(" ") : []) total += cpuSeconds(Number(child));
    }
    return total;
  } catch {
    return 0;
  }
}

const cpuNow = () => Object.fromEntries(Object.entries(plan.pids ?? {}).map(([name, pid]) => [name, cpuSeconds(pid)]));

const plan = JSON.parse(process.argv[2] ?? "{}") as Plan;

async function run(name: string, seconds: number): Promise<Trial> {
  const before = cpuNow();
  const result = await autocannon({
    url: plan.urls[name],
    headers: plan.headers,
    connections: plan.connections,
    duration: seconds,
  });
  const after = cpuNow();
  const failed = result.non2xx + result.errors + result.timeouts;
  if (failed > 0) throw new Error(`${name}: ${failed} failed requests under load`);
  return {
    rps: result.requests.total / (result.duration || seconds),
    p50_ms: result.latency.p50,
    p99_ms: result.latency.p99,
    requests: result.requests.total,
    cpu: Object.fromEntries(Object.keys(after).map((n) => [n, after[n]! - before[n]!])),
  };
}

const names = Object.keys(plan.urls);
if (plan.warmupSeconds > 0) {
  for (const name of names) await run(name, plan.warmupSeconds);
}
const trials: Record<string, Trial[]> = Object.fromEntries(names.map((n) => [n, []]));
for (let round = 0; round < plan.trials; round += 1) {
  const shift = round % names.length;
  for (const name of [...names.slice(shift), ...names.slice(0, shift)]) {
    const trial = await run(name, plan.seconds);
    trials[name].push(trial);
    process.stderr.write(
      `[load] round ${round + 1}/${plan.trials} ${name}: ${trial.rps.toFixed(0)} req/s, p50 ${trial.p50_ms} ms, p99 ${trial.p99_ms} ms\n`,
    );
  }
}
process.stdout.write(`${JSON.stringify(trials)}\n`);
