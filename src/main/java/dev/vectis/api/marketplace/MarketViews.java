package dev.vectis.api.marketplace;

import dev.vectis.billing.LedgerEntry;
import dev.vectis.billing.Product;
import dev.vectis.billing.User;
import dev.vectis.sessions.ProvisionRules;
import dev.vectis.sessions.VpsSession;
import dev.vectis.sessions.VpsSessions;
import dev.vectis.sessions.WorkerBreakers;
import dev.vectis.workers.MarketplaceWorkers;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/** The marketplace's JSON: snake_case, RFC 3339 times, and never a worker's address in a user's view. */
final class MarketViews {

    private MarketViews() {
    }

    static String time(long millis) {
        return Instant.ofEpochMilli(millis).toString();
    }

    static Map<String, Object> user(User u) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", u.id());
        m.put("email", u.email());
        m.put("name", u.name());
        m.put("coins", u.coins());
        m.put("created_at", time(u.createdAt()));
        return m;
    }

    static Map<String, Object> entry(LedgerEntry e) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", e.id());
        m.put("user_id", e.userId());
        m.put("delta", e.delta());
        m.put("balance_after", e.balanceAfter());
        m.put("op", e.op());
        m.put("reason", e.reason());
        m.put("actor", e.actor());
        m.put("request_id", e.requestId());
        m.put("session_id", e.sessionId());
        m.put("created_at", time(e.createdAt()));
        return m;
    }

    /**
     * A worker with this node's view of its health: its circuit breaker, and whether it lists
     * its VMs (Vectis's agent does; other workers' VMs cannot be reconciled after a crash).
     */
    static Map<String, Object> worker(MarketplaceWorkers.View w, VpsSessions.WorkerHealth health) {
        Map<String, Object> m = worker(w);
        WorkerBreakers.View c = health.circuit();
        Map<String, Object> circuit = new LinkedHashMap<>();
        circuit.put("state", c.state());
        circuit.put("recent_failures", c.recentFailures());
        circuit.put("last_error", c.lastError());
        circuit.put("opened_at", c.openedAt() == null ? null : c.openedAt().toString());
        circuit.put("retry_at", c.retryAt() == null ? null : c.retryAt().toString());
        m.put("circuit", circuit);
        Map<String, Object> vms = new LinkedHashMap<>();
        vms.put("listed", health.vms().listsVms());
        vms.put("checked_at", health.vms().checkedAt() == null ? null : health.vms().checkedAt().toString());
        vms.put("last_error", health.vms().lastError());
        m.put("vm_list", vms);
        return m;
    }

    static Map<String, Object> worker(MarketplaceWorkers.View w) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", w.id());
        m.put("name", w.name());
        m.put("base_url", w.baseUrl());
        m.put("status", w.status());
        m.put("max_sessions", w.maxSessions());
        m.put("active_sessions", w.activeSessions());
        m.put("created_at", time(w.createdAt()));
        m.put("updated_at", time(w.updatedAt()));
        return m;
    }

    static Map<String, Object> product(Product p, boolean forAdmin) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", p.id());
        m.put("name", p.name());
        m.put("description", p.description());
        m.put("price_coins", p.priceCoins());
        m.put("provision_action", p.provisionAction());
        m.put("is_active", p.active());
        if (forAdmin) {
            m.put("worker_ids", p.workerIds());
        }
        m.put("created_at", time(p.createdAt()));
        m.put("updated_at", time(p.updatedAt()));
        if (forAdmin) {
            ProvisionRules r = p.rules();
            m.put("ready_patterns", r.readyPatterns());
            m.put("failure_patterns", r.failurePatterns());
            m.put("redact_patterns", r.redactPatterns());
            m.put("on_provision_timeout", r.onTimeout());
            m.put("provision_timeout_seconds", r.timeoutSeconds());
            m.put("defaults_from_config", p.inherited());
        }
        return m;
    }

    static Map<String, Object> session(VpsSession s) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", s.id());
        Map<String, Object> product = new LinkedHashMap<>();
        product.put("id", s.productId());
        product.put("name", s.productName());
        m.put("product", product);
        m.put("status", s.status());
        m.put("price_coins", s.priceCoins());
        if (s.error() != null) {
            m.put("error", s.error());
        }
        if (s.watch().statusReason() != null) {
            m.put("status_reason", s.watch().statusReason());
        }
        m.put("created_at", time(s.createdAt()));
        m.put("updated_at", time(s.updatedAt()));
        return m;
    }

    /** A session as operators see it: whose, on which worker, and what watching and stopping it found. */
    static Map<String, Object> adminSession(VpsSession s) {
        Map<String, Object> m = session(s);
        m.put("user_id", s.userId());
        m.put("worker_id", s.workerId());
        m.put("route", s.route());
        m.put("holds_slot", s.holdsSlot());
        m.put("log_lines", s.watch().logLines());
        m.put("requested_at", s.watch().requestedAt() == null ? null : time(s.watch().requestedAt()));
        m.put("flagged", s.flagged());
        m.put("flagged_at", s.watch().flaggedAt() == null ? null : time(s.watch().flaggedAt()));
        Map<String, Object> stop = new LinkedHashMap<>();
        stop.put("attempts", s.stop().attempts());
        stop.put("last_error", s.stop().lastError());
        boolean unstopped = s.status().equals("stopping") || s.status().equals("failed") && s.holdsSlot();
        stop.put("next_try_at", unstopped && s.stop().nextAt() != null
                ? time(s.stop().nextAt()) : null);
        m.put("stop", stop);
        Map<String, Object> request = new LinkedHashMap<>();
        VpsSession.Request r = s.request();
        request.put("idempotency_key", r.sentAt() == null ? null : s.id());
        request.put("sent_at", r.sentAt() == null ? null : time(r.sentAt()));
        request.put("in_doubt", s.inDoubt());
        request.put("in_doubt_since", s.inDoubt() ? time(r.doubtSince()) : null);
        m.put("vm_request", request);
        return m;
    }
}
