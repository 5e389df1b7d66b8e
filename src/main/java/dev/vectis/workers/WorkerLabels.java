package dev.vectis.workers;

import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.PreparedBatch;

/**
 * The labels each worker carries, one row per pair. They come from the worker's own
 * registration (its agent's configuration) or from an operator; whichever wrote last wins.
 */
public final class WorkerLabels {

    private final Jdbi jdbi;

    WorkerLabels(Jdbi jdbi) {
        this.jdbi = jdbi;
    }

    /** The worker's labels; an unknown worker is a NotFoundException, not a worker without labels. */
    public Labels get(String workerId) {
        List<String[]> rows = jdbi.withHandle(h -> h.createQuery("SELECT l.label_key, l.label_value FROM workers w "
                        + "LEFT JOIN worker_labels l ON l.worker_id = w.id WHERE w.id = :id")
                .bind("id", workerId).map((rs, ctx) -> new String[] {rs.getString(1), rs.getString(2)}).list());
        if (rows.isEmpty()) {
            throw WorkerRegistry.notFound();
        }
        SortedMap<String, String> pairs = new TreeMap<>();
        rows.stream().filter(r -> r[0] != null).forEach(r -> pairs.put(r[0], r[1]));
        return new Labels(pairs);
    }

    public Labels of(String workerId) {
        return jdbi.withHandle(h -> of(h, List.of(workerId)).getOrDefault(workerId, Labels.NONE));
    }

    /** The labels of each worker named that has any; one query, for a page of workers. */
    public Map<String, Labels> of(Collection<String> workerIds) {
        if (workerIds.isEmpty()) {
            return Map.of();
        }
        return jdbi.withHandle(h -> of(h, workerIds));
    }

    /** Replaces the worker's labels; true when they changed. An unknown worker is a NotFoundException. */
    public boolean replace(String workerId, Labels labels) {
        return jdbi.inTransaction(h -> {
            if (h.createQuery("SELECT id FROM workers WHERE id = :id FOR UPDATE").bind("id", workerId)
                    .mapTo(String.class).findOne().isEmpty()) {
                throw WorkerRegistry.notFound();
            }
            return replace(h, workerId, labels);
        });
    }

    /**
     * On the caller's transaction, which holds the worker's row (so two writers of one worker's
     * labels take turns); true when the labels differ from what was stored.
     */
    static boolean replace(Handle h, String workerId, Labels labels) {
        Labels before = of(h, List.of(workerId)).getOrDefault(workerId, Labels.NONE);
        if (before.equals(labels)) {
            return false;
        }
        h.createUpdate("DELETE FROM worker_labels WHERE worker_id = :w").bind("w", workerId).execute();
        if (!labels.isEmpty()) {
            PreparedBatch batch = h.prepareBatch("INSERT INTO worker_labels (worker_id, label_key, label_value) "
                    + "VALUES (:w, :k, :v)");
            labels.pairs().forEach((k, v) -> batch.bind("w", workerId).bind("k", k).bind("v", v).add());
            batch.execute();
        }
        return true;
    }

    /** Each worker's labels; a worker without any is absent. */
    static Map<String, Labels> of(Handle h, Collection<String> workerIds) {
        if (workerIds.isEmpty()) {
            return Map.of();
        }
        Map<String, SortedMap<String, String>> found = new HashMap<>();
        h.createQuery("SELECT worker_id, label_key, label_value FROM worker_labels WHERE worker_id IN (<ids>)")
                .bindList("ids", List.copyOf(workerIds))
                .map((rs, ctx) -> new String[] {rs.getString(1), rs.getString(2), rs.getString(3)})
                .forEach(r -> found.computeIfAbsent(r[0], k -> new TreeMap<>()).put(r[1], r[2]));
        Map<String, Labels> out = new HashMap<>();
        found.forEach((id, pairs) -> out.put(id, new Labels(pairs)));
        return out;
    }

    /**
     * SQL, true when the worker (alias {@code w}) has the label {@code key} with {@code value};
     * what it needs bound goes into {@code binds}, named after {@code name}.
     */
    static String has(String w, String key, String value, String name, Map<String, Object> binds) {
        binds.put(name + "k", key);
        binds.put(name + "v", value);
        return "EXISTS (SELECT 1 FROM worker_labels " + name + " WHERE " + name + ".worker_id = " + w + ".id AND "
                + name + ".label_key = :" + name + "k AND " + name + ".label_value = :" + name + "v)";
    }
}
