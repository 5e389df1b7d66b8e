package dev.vectis.api.marketplace;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.vectis.sessions.VpsSessions;
import dev.vectis.sessions.WorkerBreakers;
import dev.vectis.workers.MarketplaceWorkers;
import java.time.Instant;

/**
 * A worker with this node's view of its health: its circuit breaker, and whether it lists
 * its VMs (Vectis's agent does; other workers' VMs cannot be reconciled after a crash).
 */
record WorkerView(String id, String name, @JsonProperty("base_url") String baseUrl, String status,
                  @JsonProperty("max_sessions") int maxSessions, @JsonProperty("active_sessions") int activeSessions,
                  @JsonProperty("created_at") String createdAt, @JsonProperty("updated_at") String updatedAt,
                  Circuit circuit, @JsonProperty("vm_list") VmList vmList) {

    record Circuit(String state, @JsonProperty("recent_failures") int recentFailures,
                   @JsonProperty("last_error") String lastError, @JsonProperty("opened_at") String openedAt,
                   @JsonProperty("retry_at") String retryAt) {
    }

    /** listed: null while no node has asked the worker yet. */
    record VmList(Boolean listed, @JsonProperty("checked_at") String checkedAt,
                  @JsonProperty("last_error") String lastError) {
    }

    static WorkerView of(MarketplaceWorkers.View w, VpsSessions.WorkerHealth health) {
        WorkerBreakers.View c = health.circuit();
        return new WorkerView(w.id(), w.name(), w.baseUrl(), w.status(), w.maxSessions(), w.activeSessions(),
                MarketViews.time(w.createdAt()), MarketViews.time(w.updatedAt()),
                new Circuit(c.state(), c.recentFailures(), c.lastError(), text(c.openedAt()), text(c.retryAt())),
                new VmList(health.vms().listsVms(), text(health.vms().checkedAt()),
                        health.vms().lastError()));
    }

    private static String text(Instant t) {
        return t == null ? null : t.toString();
    }
}
