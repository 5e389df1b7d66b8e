package dev.vectis.workers;

import dev.vectis.error.InvalidInputException;
import dev.vectis.error.NotFoundException;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.jdbi.v3.core.Jdbi;

/**
 * The marketplace's view of the registry: workers reachable at a base URL that host VPS
 * sessions, up to max_sessions each. Any worker of the registry (an enrolled agent, say) can
 * be given a base URL and so host sessions.
 */
public final class MarketplaceWorkers {

    public record View(String id, String name, String baseUrl, String status, int maxSessions, int activeSessions,
                       long createdAt, long updatedAt) {
    }

    public static final int DEFAULT_MAX_SESSIONS = 3;

    private final Jdbi jdbi;
    private final Clock clock;
    private final WorkerEvents events;

    public MarketplaceWorkers(Jdbi jdbi, Clock clock, WorkerEvents events) {
        this.jdbi = jdbi;
        this.clock = clock;
        this.events = events;
    }

    public View register(String name, String baseUrl, Integer maxSessions) {
        String id = UUID.randomUUID().toString();
        long now = clock.millis();
        String url = baseUrl(baseUrl);
        int max = maxSessions(maxSessions == null ? DEFAULT_MAX_SESSIONS : maxSessions);
        InvalidInputException.maxLength(name, "name", 200);
        jdbi.useTransaction(h -> {
            h.createUpdate("INSERT INTO workers (id, enrolled_via, name, base_url, max_sessions, "
                            + "online, last_seen_at, created_at, updated_at) VALUES (:id, 'marketplace', :name, :url, :max, "
                            + "TRUE, :now, :now, :now)")
                    .bind("id", id).bind("name", name).bind("url", url).bind("max", max).bind("now", now).execute();
            Map<String, Object> details = new LinkedHashMap<>();
            details.put("name", name);
            details.put("baseUrl", url);
            events.registered(h, id, WorkerContracts.MARKETPLACE, false, details);
        });
        return get(id);
    }

    /**
     * The workers that can host VMs: those with a base URL. Gateway and executor workers (no
     * base URL) share the registry but are not the marketplace's, until given one.
     */
    public List<View> list() {
        return jdbi.withHandle(h -> h.createQuery(SELECT + "WHERE base_url IS NOT NULL ORDER BY created_at, id")
                .map(MarketplaceWorkers::row).list());
    }

    public View get(String id) {
        return jdbi.withHandle(h -> h.createQuery(SELECT + "WHERE id = :id").bind("id", id)
                        .map(MarketplaceWorkers::row).findOne())
                .orElseThrow(() -> new NotFoundException("WORKER_NOT_FOUND", "Worker not found"));
    }

    /**
     * Null fields are left as they are. Lowering max_sessions never evicts sessions; it stops new
     * ones. The status is the fleet's (docs/fleet.md): disabled stops new jobs as well as new
     * sessions, active resumes a worker from whatever an operator had set, and either change is
     * an event like the fleet API's.
     */
    public View update(String id, String name, String baseUrl, String status, Integer maxSessions) {
        get(id);
        InvalidInputException.maxLength(name, "name", 200);
        String url = baseUrl == null ? null : baseUrl(baseUrl);
        if (status != null && !status.equals("active") && !status.equals("disabled")) {
            throw new InvalidInputException("status", "status must be active or disabled");
        }
        Integer max = maxSessions == null ? null : maxSessions(maxSessions);
        long now = clock.millis();
        jdbi.useTransaction(h -> {
            String before = h.createQuery("SELECT status FROM workers WHERE id = :id FOR UPDATE").bind("id", id)
                    .mapTo(String.class).findOne().orElseThrow(WorkerRegistry::notFound);
            h.createUpdate("UPDATE workers SET name = COALESCE(:name, name), "
                            + "base_url = COALESCE(:url, base_url), status = COALESCE(:status, status), "
                            + "max_sessions = COALESCE(:max, max_sessions, " + DEFAULT_MAX_SESSIONS + "), "
                            + "updated_at = :now WHERE id = :id")
                    .bind("id", id).bind("name", name).bind("url", url).bind("status", status).bind("max", max)
                    .bind("now", now).execute();
            if (status != null && !status.equals(before)) {
                events.stateChanged(h, id, before, status, null, now);
            }
        });
        return get(id);
    }

    public View disable(String id) {
        return update(id, null, null, "disabled", null);
    }

    /** Which of these ids are not workers; empty when all exist. */
    public List<String> missing(List<String> ids) {
        return jdbi.withHandle(h -> ids.stream().filter(id -> h.createQuery("SELECT COUNT(*) FROM workers WHERE id = :id")
                .bind("id", id).mapTo(Integer.class).one() == 0).toList());
    }

    /** Which of these ids are workers without a base URL, which cannot host a VM; empty when none. */
    public List<String> withoutBaseUrl(List<String> ids) {
        return jdbi.withHandle(h -> ids.stream().distinct().filter(id -> h.createQuery(
                        "SELECT COUNT(*) FROM workers WHERE id = :id AND base_url IS NULL")
                .bind("id", id).mapTo(Integer.class).one() > 0).toList());
    }

    public static String baseUrl(String value) {
        if (value == null || value.isBlank()) {
            throw new InvalidInputException("base_url", "base_url is required");
        }
        InvalidInputException.maxLength(value, "base_url", 2048);
        try {
            URI uri = new URI(value.trim());
            boolean web = "http".equals(uri.getScheme()) || "https".equals(uri.getScheme());
            if (web && uri.getHost() != null && uri.getPort() <= 65535 && uri.getRawQuery() == null
                    && uri.getRawFragment() == null && uri.getRawUserInfo() == null) {
                String s = value.trim();
                return s.endsWith("/") ? s.substring(0, s.length() - 1) : s;
            }
        } catch (URISyntaxException e) {
            // below
        }
        throw new InvalidInputException("base_url", "base_url must be an http(s) URL like http://example.com:4000");
    }

    private static int maxSessions(int value) {
        if (value < 1 || value > 1000) {
            throw new InvalidInputException("max_sessions", "max_sessions must be from 1 to 1000");
        }
        return value;
    }


    /** The marketplace's two words for the fleet's operator statuses: only an active worker takes sessions. */
    private static final String SELECT = "SELECT id, COALESCE(name, hostname, id) AS display, base_url, "
            + "CASE WHEN status = 'active' THEN 'active' ELSE 'disabled' END AS status, "
            + "COALESCE(max_sessions, " + DEFAULT_MAX_SESSIONS + ") AS max, active_sessions, created_at, updated_at "
            + "FROM workers ";

    private static View row(java.sql.ResultSet rs, org.jdbi.v3.core.statement.StatementContext ctx)
            throws java.sql.SQLException {
        return new View(rs.getString("id"), rs.getString("display"), rs.getString("base_url"), rs.getString("status"),
                rs.getInt("max"), rs.getInt("active_sessions"), rs.getLong("created_at"), rs.getLong("updated_at"));
    }

}
