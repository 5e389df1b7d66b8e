package dev.vectis.app;

import dev.vectis.auth.NamedTokens;
import dev.vectis.db.Database;
import dev.vectis.db.Dialect;
import dev.vectis.events.Notifications;
import dev.vectis.jobs.JobEvents;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Ties this node to the others on its PostgreSQL database ({@link Notifications}): what is
 * written here is told to them, and what they tell is acted on here. On H2 there is one node
 * and nothing to tie; every wait is woken by this node's own writes, as before.
 */
final class CrossNode implements AutoCloseable {

    /** How long start-up waits for the listening connection before serving without it. */
    static final Duration FIRST_CONNECT = Duration.ofSeconds(5);
    /** Workers' kinds and secrets (WorkerRegistry, WorkerSecrets), by worker id. */
    static final String WORKERS = "workers";
    /** Named tokens (NamedTokens): each node drops all it holds when one is issued or revoked. */
    static final String TOKENS = "tokens";

    /** A cache nodes keep of rows: how to drop one entry, and all of them. */
    private record Cache(Consumer<String> forget, Runnable forgetAll) {
    }

    private final Notifications notifications;

    private CrossNode(Notifications notifications) {
        this.notifications = notifications;
    }

    static CrossNode start(Database database, Features features, NamedTokens tokens, BackgroundLoop streamReader,
                           MeterRegistry registry) {
        if (database.dialect() != Dialect.POSTGRESQL) {
            return new CrossNode(null);
        }
        JobEvents jobs = features.jobs().events();
        Map<String, Cache> caches = Map.of(WORKERS, new Cache(id -> {
            features.workers().forget(id);
            features.secrets().forget(id);
        }, () -> {
            features.workers().forgetAll();
            features.secrets().forgetAll();
        }), TOKENS, new Cache(id -> tokens.forgetAll(), tokens::forgetAll));
        Notifications notifications = Notifications.start(database::openDedicated, database.jdbi(),
                new Notifications.Receiver() {
                    @Override
                    public void work(int newJobs) {
                        jobs.pendingElsewhere(newJobs);
                    }

                    @Override
                    public void events() {
                        streamReader.wake();
                    }

                    @Override
                    public void forget(String cache, List<String> keys) {
                        Cache c = caches.get(cache);
                        if (c == null) {
                            return; // a newer node's cache this one does not keep
                        }
                        if (keys.isEmpty()) {
                            c.forgetAll().run();
                        } else {
                            keys.forEach(c.forget());
                        }
                    }

                    @Override
                    public void resync() {
                        caches.values().forEach(c -> c.forgetAll().run());
                        jobs.wakeEveryPoll();
                        streamReader.wake();
                    }
                }, FIRST_CONNECT);
        jobs.onNewWork(notifications::work);
        jobs.changed().onFire(notifications::events);
        features.events().appended().onFire(notifications::events);
        features.workers().onRemoved(id -> notifications.forget(WORKERS, id));
        tokens.onChange(id -> notifications.forget(TOKENS, id));
        bindMetrics(notifications, registry);
        return new CrossNode(notifications);
    }

    private static void bindMetrics(Notifications n, MeterRegistry registry) {
        Gauge.builder("vectis.notifications.listening", n, x -> x.listening() ? 1 : 0)
                .description("1 while this node's connection listening to the other nodes is open").register(registry);
        FunctionCounter.builder("vectis.notifications.connects", n, Notifications::connects)
                .description("Listening connections opened (each after the first follows a loss)").register(registry);
        FunctionCounter.builder("vectis.notifications.sent", n, Notifications::sent)
                .description("Notifications sent to the other nodes").register(registry);
        FunctionCounter.builder("vectis.notifications.received", n, Notifications::received)
                .description("Notifications heard, this node's own included").register(registry);
    }

    /** After the last request: sends what is still waiting, then closes the listening connection. */
    @Override
    public void close() {
        if (notifications != null) {
            notifications.close();
        }
    }
}
