package dev.vectis.sessions;

import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.mapper.reflect.ConstructorMapper;

/** SQL for chat sessions and messages, kept as the gateway's workers report them. */
public final class ChatSessions {

    private static final String ENDED = SessionStates.ENDED.stream().sorted()
            .collect(java.util.stream.Collectors.joining("', '", "('", "')"));

    private final Jdbi jdbi;

    public ChatSessions(Jdbi jdbi) {
        this.jdbi = jdbi;
    }

    public Optional<ChatSession> find(String id) {
        return jdbi.withHandle(h -> h.createQuery("SELECT * FROM chat_sessions WHERE id = :id").bind("id", id)
                .map(ConstructorMapper.of(ChatSession.class))
                .findOne());
    }

    /**
     * One page of sessions by id, after {@code afterId} (null: from the start), optionally of one
     * worker or in one status; the QR code is left out of listings (it is a whole image).
     */
    public dev.vectis.db.Page<ChatSession> page(String workerId, String status, String afterId, int limit) {
        String where = " WHERE 1 = 1" + (workerId == null ? "" : " AND worker_id = :w")
                + (status == null ? "" : " AND status = :s");
        return jdbi.withHandle(h -> {
            var q = h.createQuery("SELECT id, worker_id, status, phone_number, NULL AS qr_code, NULL AS qr_string, "
                    + "created_at, updated_at FROM chat_sessions" + where + (afterId == null ? "" : " AND id > :after")
                    + " ORDER BY id LIMIT :limit").bind("limit", dev.vectis.db.Page.probe(limit));
            var c = h.createQuery("SELECT COUNT(*) FROM chat_sessions" + where);
            for (var stmt : List.of(q, c)) {
                if (workerId != null) {
                    stmt.bind("w", workerId);
                }
                if (status != null) {
                    stmt.bind("s", status);
                }
            }
            if (afterId != null) {
                q.bind("after", afterId);
            }
            return dev.vectis.db.Page.of(q.map(ConstructorMapper.of(ChatSession.class)).list(), limit,
                    c.mapTo(Long.class).one(), ChatSession::id);
        });
    }

    /** The states in which a session no longer occupies its worker. */
    public Set<String> endedStates() {
        return SessionStates.ENDED;
    }

    public List<String> liveOn(String workerId) {
        return jdbi.withHandle(h -> liveOn(h, workerId));
    }

    static List<String> liveOn(Handle h, String workerId) {
        return h.createQuery("SELECT id FROM chat_sessions WHERE worker_id = :w AND status NOT IN " + ENDED
                + " ORDER BY id").bind("w", workerId).mapTo(String.class).list();
    }

    /** Null fields keep what was stored; a session moving to another worker follows it. */
    static void upsertSession(Handle h, String id, String workerId, String status, String phone, String qrCode,
                              String qrString, long now) {
        int updated = h.createUpdate("UPDATE chat_sessions SET worker_id = :w, status = COALESCE(:status, status), "
                        + "phone_number = COALESCE(:phone, phone_number), qr_code = COALESCE(:qr, qr_code), "
                        + "qr_string = COALESCE(:qrs, qr_string), updated_at = :now WHERE id = :id")
                .bind("id", id).bind("w", workerId).bind("status", status).bind("phone", phone).bind("qr", qrCode)
                .bind("qrs", qrString).bind("now", now).execute();
        if (updated == 0) {
            h.createUpdate("INSERT INTO chat_sessions (id, worker_id, status, phone_number, qr_code, qr_string, "
                            + "created_at, updated_at) VALUES (:id, :w, :status, :phone, :qr, :qrs, :now, :now)")
                    .bind("id", id).bind("w", workerId).bind("status", status == null ? "unknown" : status)
                    .bind("phone", phone).bind("qr", qrCode).bind("qrs", qrString).bind("now", now).execute();
        }
    }

    static void upsertMessage(Handle h, String id, String sessionId, String status, String recipient, String sentAt,
                              String deliveredAt, String readAt, String failedAt, long now) {
        int updated = h.createUpdate("UPDATE chat_messages SET session_id = :s, status = COALESCE(:status, status), "
                        + "recipient = COALESCE(:to, recipient), sent_at = COALESCE(:sent, sent_at), "
                        + "delivered_at = COALESCE(:delivered, delivered_at), read_at = COALESCE(:read, read_at), "
                        + "failed_at = COALESCE(:failed, failed_at), updated_at = :now WHERE id = :id")
                .bind("id", id).bind("s", sessionId).bind("status", status).bind("to", recipient).bind("sent", sentAt)
                .bind("delivered", deliveredAt).bind("read", readAt).bind("failed", failedAt).bind("now", now)
                .execute();
        if (updated == 0) {
            h.createUpdate("INSERT INTO chat_messages (id, session_id, status, recipient, sent_at, delivered_at, "
                            + "read_at, failed_at, updated_at) VALUES (:id, :s, :status, :to, :sent, :delivered, :read, "
                            + ":failed, :now)")
                    .bind("id", id).bind("s", sessionId).bind("status", status == null ? "unknown" : status)
                    .bind("to", recipient).bind("sent", sentAt).bind("delivered", deliveredAt).bind("read", readAt)
                    .bind("failed", failedAt).bind("now", now).execute();
        }
    }

    public Optional<String> messageStatus(String id) {
        return jdbi.withHandle(h -> h.createQuery("SELECT status FROM chat_messages WHERE id = :id").bind("id", id)
                .mapTo(String.class).findOne());
    }

    /** A worker that leaves takes its sessions down with it. */
    static int disconnectAll(Handle h, String workerId, long now) {
        return h.createUpdate("UPDATE chat_sessions SET status = 'disconnected', updated_at = :now "
                + "WHERE worker_id = :w AND status NOT IN " + ENDED).bind("w", workerId).bind("now", now).execute();
    }

    public static int countLive(Handle h, String workerId) {
        return h.createQuery("SELECT COUNT(*) FROM chat_sessions WHERE worker_id = :w AND status NOT IN " + ENDED)
                .bind("w", workerId).mapTo(Integer.class).one();
    }
}
