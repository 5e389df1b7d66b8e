// graphile-worker doing the job cycle in process: workerUtils.addJob creates, its worker pool
// (concurrency = WORKERS, woken by LISTEN/NOTIFY) fetches, runs an empty task and completes.
// Usage: node graphile.mjs migrate|run db=postgres://... [key=value ...] (see common.mjs)
import pg from "pg";
import { run, makeWorkerUtils } from "graphile-worker";
import { performance } from "node:perf_hooks";
import { args, cycle, sleep } from "./common.mjs";

const mode = process.argv[2];
const o = args();
const pool = new pg.Pool({ connectionString: o.db, max: o.pool });
pool.on("error", (e) => console.error(`pool: ${e}`));
pool.on("connect", (client) => client.on("error", (e) => console.error(`connection: ${e}`)));
const utils = await makeWorkerUtils({ pgPool: pool });

if (mode === "migrate") {
  await utils.migrate();
} else {
  let runner;
  await cycle(o, {
    async start(onComplete, note) {
      runner = await run({
        pgPool: pool,
        concurrency: o.workers,
        noHandleSignals: true,
        taskList: { bench: async () => {} },
      });
      // Emitted when a job has run and graphile-worker has issued its completion (which it
      // does not wait for before taking the next job).
      runner.events.on("job:complete", ({ job, error }) => {
        if (error) note("job failed", error);
        else onComplete(job.payload.t0);
      });
    },
    create: (payload) => utils.addJob("bench", payload),
    async stop() {
      await runner.stop();
      // Completions are issued without being awaited (see above): let those in flight land.
      const until = performance.now() + 5000;
      while (pool.totalCount > pool.idleCount && performance.now() < until) await sleep(20);
    },
  });
}
await utils.release();
await pool.end();
