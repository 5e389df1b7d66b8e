import dev.vectis.config.Settings;
import dev.vectis.db.Database;
import dev.vectis.workers.WorkerRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Heartbeat absorption: a fleet of WORKERS heartbeating every 10 s is WORKERS / 10
 * heartbeats a second. Target: the server keeps up with 100,000 workers (10,000 heartbeats
 * a second) while writing at most ~4 transactions a second.
 *
 * Run after `./mvnw -B -q package -DskipTests`:
 *   java -cp target/vectis.jar bench/HeartbeatBench.java [workers=100000] [seconds=20]
 * Uses an in-memory H2 database, or VECTIS_DATABASE_URL / _USER / _PASSWORD when set.
 */
public class HeartbeatBench {

    public static void main(String[] args) throws Exception {
        int workers = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
        int seconds = args.length > 1 ? Integer.parseInt(args[1]) : 20;
        String url = System.getenv().getOrDefault("VECTIS_DATABASE_URL",
                "jdbc:h2:mem:bench;" + Database.H2_MODE + ";DB_CLOSE_DELAY=-1");
        Settings.Database settings = new Settings.Database(Optional.of(url),
                Optional.ofNullable(System.getenv("VECTIS_DATABASE_USER")),
                Optional.ofNullable(System.getenv("VECTIS_DATABASE_PASSWORD")).map(dev.vectis.config.Secret::new), 8);
        Path tmp = Files.createTempDirectory("vectis-bench");
        try (Database db = Database.open(settings, tmp, null)) {
            db.migrate();
            long now = System.currentTimeMillis();
            db.jdbi().useTransaction(h -> {
                h.execute("DELETE FROM workers WHERE id LIKE 'bench-%'");
                var batch = h.prepareBatch("INSERT INTO workers (id, enrolled_via, online, last_seen_at, created_at, "
                        + "updated_at) VALUES (:id, 'executor', TRUE, :now, :now, :now)");
                for (int i = 0; i < workers; i++) {
                    batch.bind("id", "bench-" + i).bind("now", now).add();
                }
                batch.execute();
            });
            WorkerRegistry registry = new WorkerRegistry(db.jdbi(), db.dialect(), Clock.systemUTC(), Duration.ofSeconds(30));
            AtomicLong beats = new AtomicLong();
            AtomicLong flushes = new AtomicLong();
            long end = System.nanoTime() + Duration.ofSeconds(seconds).toNanos();
            Thread flusher = new Thread(() -> {
                while (System.nanoTime() < end) {
                    registry.flush();
                    flushes.incrementAndGet();
                    try {
                        Thread.sleep(250);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            });
            flusher.start();
            Thread[] senders = new Thread[4];
            for (int t = 0; t < senders.length; t++) {
                senders[t] = new Thread(() -> {
                    ThreadLocalRandom r = ThreadLocalRandom.current();
                    while (System.nanoTime() < end) {
                        registry.heartbeat("bench-" + r.nextInt(workers));
                        beats.incrementAndGet();
                    }
                });
                senders[t].start();
            }
            for (Thread t : senders) {
                t.join();
            }
            flusher.join();
            double perSecond = beats.get() / (double) seconds;
            double writes = flushes.get() / (double) seconds;
            System.out.printf("%,d workers, %d s: %,.0f heartbeats/s absorbed, %.1f write transactions/s%n",
                    workers, seconds, perSecond, writes);
            boolean ok = perSecond >= workers / 10.0 && writes <= 5;
            System.out.println(ok ? "PASS: keeps up with the fleet at 10 s intervals"
                    : "BELOW TARGET: needs " + workers / 10 + " heartbeats/s at <= 5 writes/s");
        }
    }
}
