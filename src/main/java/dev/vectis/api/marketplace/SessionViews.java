package dev.vectis.api.marketplace;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import dev.vectis.sessions.VpsSession;
import java.util.List;

/** VPS sessions as their owners see them, and as operators do. */
final class SessionViews {

    private SessionViews() {
    }

    record ProductRef(String id, String name) {
    }

    /** error and status_reason are left out until there is one. */
    record SessionView(String id, ProductRef product, String status, @JsonProperty("price_coins") long priceCoins,
                       @JsonInclude(JsonInclude.Include.NON_NULL) String error,
                       @JsonProperty("status_reason") @JsonInclude(JsonInclude.Include.NON_NULL) String statusReason,
                       @JsonProperty("created_at") String createdAt, @JsonProperty("updated_at") String updatedAt) {
    }

    record SessionPage<T>(List<T> sessions, long count, @JsonProperty("next_cursor") String nextCursor) {
    }

    /**
     * A session as operators see it: the owner's view, then whose, on which worker, and what
     * watching and stopping it found. checklist is sent only by GET of one session.
     */
    record AdminSessionView(String id, ProductRef product, String status, @JsonProperty("price_coins") long priceCoins,
                            @JsonInclude(JsonInclude.Include.NON_NULL) String error,
                            @JsonProperty("status_reason") @JsonInclude(JsonInclude.Include.NON_NULL)
                            String statusReason,
                            @JsonProperty("created_at") String createdAt, @JsonProperty("updated_at") String updatedAt,
                            @JsonProperty("user_id") String userId, @JsonProperty("worker_id") String workerId,
                            String route, @JsonProperty("holds_slot") boolean holdsSlot,
                            @JsonProperty("log_lines") int logLines,
                            @JsonProperty("requested_at") String requestedAt, boolean flagged,
                            @JsonProperty("flagged_at") String flaggedAt, Stop stop,
                            @JsonProperty("vm_request") VmRequest vmRequest,
                            @JsonInclude(JsonInclude.Include.NON_NULL) List<?> checklist) {

        /** The same session with the owner's checklist items, as SessionEvents builds them for the stream. */
        AdminSessionView withChecklist(List<?> items) {
            return new AdminSessionView(id, product, status, priceCoins, error, statusReason, createdAt, updatedAt,
                    userId, workerId, route, holdsSlot, logLines, requestedAt, flagged, flaggedAt, stop, vmRequest,
                    items);
        }
    }

    record Stop(int attempts, @JsonProperty("last_error") String lastError,
                @JsonProperty("next_try_at") String nextTryAt) {
    }

    record VmRequest(@JsonProperty("idempotency_key") String idempotencyKey, @JsonProperty("sent_at") String sentAt,
                     @JsonProperty("in_doubt") boolean inDoubt,
                     @JsonProperty("in_doubt_since") String inDoubtSince) {
    }

    static SessionView session(VpsSession s) {
        return new SessionView(s.id(), new ProductRef(s.productId(), s.productName()), s.status(), s.priceCoins(),
                s.error(), s.watch().statusReason(), MarketViews.time(s.createdAt()),
                MarketViews.time(s.updatedAt()));
    }

    static AdminSessionView adminSession(VpsSession s) {
        boolean unstopped = s.status().equals("stopping") || s.status().equals("failed") && s.holdsSlot();
        VpsSession.Request r = s.request();
        return new AdminSessionView(s.id(), new ProductRef(s.productId(), s.productName()), s.status(),
                s.priceCoins(), s.error(), s.watch().statusReason(), MarketViews.time(s.createdAt()),
                MarketViews.time(s.updatedAt()), s.userId(), s.workerId(), s.route(), s.holdsSlot(),
                s.watch().logLines(), time(s.watch().requestedAt()), s.flagged(), time(s.watch().flaggedAt()),
                new Stop(s.stop().attempts(), s.stop().lastError(), unstopped ? time(s.stop().nextAt()) : null),
                new VmRequest(r.sentAt() == null ? null : s.id(), time(r.sentAt()), s.inDoubt(),
                        s.inDoubt() ? MarketViews.time(r.doubtSince()) : null),
                null);
    }

    private static String time(Long millis) {
        return millis == null ? null : MarketViews.time(millis);
    }
}
