package dev.vectis.api.marketplace;

import dev.vectis.events.Feed;
import dev.vectis.events.FeedItem;
import dev.vectis.http.EventStream;
import dev.vectis.http.StreamLimits;
import dev.vectis.http.Streams;
import dev.vectis.sessions.SessionEvents;
import dev.vectis.sessions.VpsSession;
import dev.vectis.sessions.VpsSessions;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.io.IOException;
import java.time.Duration;
import java.util.List;

/**
 * GET /vps/sessions/{id}/events: status.update and checklist.update, the current state first,
 * then each change; resumable with Last-Event-ID; over once the session is deleted.
 */
final class SessionStream {

    /** How long a new stream waits for the session's newest event to be final before it shows the state. */
    private static final Duration FIRST_STATE_WAIT = Duration.ofSeconds(2);

    private final Access access;
    private final VpsSessions sessions;
    private final StreamLimits limits;
    private final Feed feed;

    SessionStream(Access access, VpsSessions sessions, Streams streams) {
        this.access = access;
        this.sessions = sessions;
        this.limits = streams.limits();
        this.feed = streams.reader().add("vps_sessions",
                new Feed.Source(sessions.events()::after, sessions.events()::latest, sessions.events()::newest,
                        sessions.events().horizon()::heldBack));
    }

    void register(RoutesConfig routes) {
        routes.get("/vps/sessions/{sessionId}/events", this::stream);
    }

    private void stream(Context ctx) throws IOException, InterruptedException {
        String userId = access.user(ctx, true);
        String id = ctx.pathParam("sessionId");
        sessions.owned(userId, id); // 404 before the stream starts
        try (StreamLimits.Slot slot = limits.take(ctx, "user:" + userId)) {
            SessionEvents events = sessions.events();
            long resume = EventStream.lastEventId(ctx);
            long latest = resume > 0 ? 0 : feed.latestOnceFinal(id, FIRST_STATE_WAIT);
            // Read after the latest id: the state shown is at least as new as the id it carries.
            VpsSession s = sessions.get(id);
            List<FeedItem> first = resume > 0 ? List.of() : List.of(
                    new FeedItem(id, latest, "status.update", events.json(SessionEvents.status(s))),
                    new FeedItem(id, latest, "checklist.update", events.json(SessionEvents.checklist(s))));
            EventStream.serve(ctx, feed, id, first, resume > 0 ? resume : latest, new EventStream.Ending(
                    "status.update", () -> sessions.get(id).status().equals("deleted")));
        }
    }
}
