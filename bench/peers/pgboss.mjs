// pg-boss doing the job cycle in process: send creates, WORKERS loops fetch one job and
// complete it (pg-boss has no push; an empty fetch waits POLL_MS before the next).
// Usage: node pgboss.mjs migrate|run db=postgres://... [key=value ...] (see common.mjs)
import PgBoss from "pg-boss";
import { args, cycle, sleep } from "./common.mjs";

const QUEUE = "bench";
const mode = process.argv[2];
const o = args();
const pollMs = Number(o.poll_ms ?? 20);

if (mode === "migrate") {
  const boss = new PgBoss({ connectionString: o.db, max: o.pool, supervise: false, schedule: false });
  await boss.start();
  await boss.createQueue(QUEUE);
  await boss.stop({ graceful: false, wait: true });
} else {
  const boss = new PgBoss({ connectionString: o.db, max: o.pool });
  let working = true;
  const loops = [];
  await cycle(o, {
    async start(onComplete, note) {
      boss.on("error", (e) => note("pg-boss error", e));
      await boss.start();
      for (let i = 0; i < o.workers; i++) {
        loops.push(
          (async () => {
            while (working) {
              try {
                const [job] = await boss.fetch(QUEUE);
                if (!job) {
                  await sleep(pollMs);
                  continue;
                }
                await boss.complete(QUEUE, job.id, { stdout: "ok", exitCode: 0 });
                onComplete(job.data.t0);
              } catch (e) {
                note("fetch/complete", e);
                await sleep(100);
              }
            }
          })(),
        );
      }
    },
    create: (payload) => boss.send(QUEUE, payload),
    async stop() {
      working = false;
      await Promise.all(loops);
      await boss.stop({ graceful: true, wait: true, timeout: 5000 });
    },
  });
}
