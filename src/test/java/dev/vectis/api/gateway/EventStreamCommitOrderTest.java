package dev.vectis.api.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.vectis.events.EventLog;
import dev.vectis.events.NewEvent;
import dev.vectis.testing.DbTest;
import dev.vectis.testing.HoldsTransactionsOpen;
import dev.vectis.testing.Lines;
import dev.vectis.testing.TestApp;
import dev.vectis.testing.TestDatabase;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jdbi.v3.core.Handle;

/**
 * The operators' stream of every event (one position for the whole log) while events commit
 * out of id order: event A's transaction is still open when B, with a larger id, commits. The
 * stream sends neither until A's transaction ends, then A and B in that order, each once,
 * whether it follows the shared reader or reads its backlog after a Last-Event-ID.
 */
@HoldsTransactionsOpen
class EventStreamCommitOrderTest {

    static final Duration WAIT = Duration.ofSeconds(60);
    private static final Pattern POLLS =
            Pattern.compile("vectis_stream_reader_polls_total\\{feed=\"events\",?}\\s+([0-9.E]+)");

    @DbTest
    void aFollowingStreamHoldsBackAnEventCommittedBeforeAnOlderOne(TestDatabase db) {
        try (TestApp app = TestApp.start(db)) {
            EventLog log = app.app().features().events();
            long before = log.append(event("test.before"));
            Lines stream = open(app, before);
            await("the stream follows the shared reader").atMost(WAIT).until(() -> polls(app) > 0);

            long a;
            long b;
            try (Handle tx = app.app().database().jdbi().open()) {
                tx.begin();
                a = log.append(tx, event("test.a"));
                b = log.append(event("test.b"));
                assertThat(a).isLessThan(b);
                double seen = polls(app);
                await("the reader looks with B committed").atMost(WAIT).until(() -> polls(app) >= seen + 2);
                assertThat(ids(stream)).as("B waits for A's transaction").isEmpty();
                tx.commit();
            }
            log.notifyAppended();
            await("A and B").atMost(WAIT).until(() -> ids(stream).size() >= 2);
            long c = log.append(event("test.c"));
            await("C").atMost(WAIT).until(() -> ids(stream).contains(c));
            assertThat(frames(stream)).as("in id order, each once").containsExactly(
                    new Frame(a, "test.a"), new Frame(b, "test.b"), new Frame(c, "test.c"));
        }
    }

    @DbTest
    void aResumingStreamReadsNoBacklogPastAnUncommittedEvent(TestDatabase db) {
        try (TestApp app = TestApp.start(db)) {
            EventLog log = app.app().features().events();
            long before = log.append(event("test.before"));

            long a;
            long b;
            Lines stream;
            try (Handle tx = app.app().database().jdbi().open()) {
                tx.begin();
                a = log.append(tx, event("test.a"));
                b = log.append(event("test.b"));
                assertThat(a).isLessThan(b);
                stream = open(app, before);
                // It has read its backlog and followed the shared reader, which has looked too.
                await("the stream follows the shared reader").atMost(WAIT).until(() -> polls(app) >= 2);
                assertThat(ids(stream)).as("B waits for A's transaction").isEmpty();
                tx.commit();
            }
            log.notifyAppended();
            await("A and B").atMost(WAIT).until(() -> ids(stream).size() >= 2);
            long c = log.append(event("test.c"));
            await("C").atMost(WAIT).until(() -> ids(stream).contains(c));
            assertThat(ids(stream)).as("in id order, each once").containsExactly(a, b, c);
        }
    }

    private static NewEvent event(String type) {
        return NewEvent.of(type, "test", null, Map.of());
    }

    private static Lines open(TestApp app, long lastEventId) {
        Lines stream = Lines.open(Lines.get(app.http.base(), "/api/v1/events/stream", TestApp.admin()[0],
                TestApp.admin()[1], "Last-Event-ID", Long.toString(lastEventId)));
        assertThat(stream.status()).isEqualTo(200);
        return stream;
    }

    private record Frame(long id, String event) {
    }

    /** The frames of this test's events (the server may log others meanwhile), in the order sent. */
    private static List<Frame> frames(Lines stream) {
        List<Frame> frames = new ArrayList<>();
        long id = -1;
        for (String line : stream.lines()) {
            if (line.startsWith("id:")) {
                id = Long.parseLong(line.substring(3).trim());
            } else if (line.startsWith("event:") && line.substring(6).trim().startsWith("test.")) {
                frames.add(new Frame(id, line.substring(6).trim()));
            }
        }
        return frames;
    }

    private static List<Long> ids(Lines stream) {
        return frames(stream).stream().map(Frame::id).toList();
    }

    /** The shared reader's reads of the events table so far, as /metrics shows them. */
    private static double polls(TestApp app) {
        Matcher m = POLLS.matcher(app.http.get("/metrics").body());
        return m.find() ? Double.parseDouble(m.group(1)) : -1;
    }
}
