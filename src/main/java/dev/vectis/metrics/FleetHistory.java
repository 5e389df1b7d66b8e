package dev.vectis.metrics;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import org.jdbi.v3.core.Jdbi;

/**
 * The last hour of the queue and the online workers, one sample a minute, kept in this node's
 * memory for the overview's chart: a request reads the samples, never the database. A
 * restarted node starts an empty hour; every node keeps its own, which differ only in when
 * within the minute each was taken.
 */
public final class FleetHistory {

    public static final int SIZE = 60;

    private record Sample(long minute, long pending, long running, long online) {
    }

    /** One minute of the series: the queue and the workers online then. */
    public record Minute(String minute, long pending, long running, long online) {
    }

    private final Jdbi jdbi;
    private final Clock clock;
    private final ArrayDeque<Sample> samples = new ArrayDeque<>(SIZE + 1);

    public FleetHistory(Jdbi jdbi, Clock clock) {
        this.jdbi = jdbi;
        this.clock = clock;
    }

    /** Reads the fleet once and keeps it as this minute's sample; a background loop calls it each minute. */
    public void sample() {
        long now = clock.millis();
        record(jdbi.withHandle(h -> FleetSnapshot.read(h, now)));
    }

    synchronized void record(FleetSnapshot s) {
        long online = 0;
        for (String contract : s.workers().keySet()) {
            if (contract.endsWith("/online")) {
                online += s.workers().get(contract);
            }
        }
        Sample sample = new Sample(s.takenAt() / 60_000, s.pending(), s.running(), online);
        // A second sample in the same minute (a woken loop) replaces the first: one point a minute.
        if (!samples.isEmpty() && samples.peekLast().minute() >= sample.minute()) {
            samples.pollLast();
        }
        samples.addLast(sample);
        while (samples.size() > SIZE) {
            samples.pollFirst();
        }
    }

    /** Oldest first, the samples of the last hour. */
    public synchronized List<Minute> series() {
        long firstMinute = clock.millis() / 60_000 - SIZE + 1;
        List<Minute> out = new ArrayList<>(samples.size());
        for (Sample s : samples) {
            if (s.minute() >= firstMinute) {
                out.add(new Minute(Instant.ofEpochMilli(s.minute() * 60_000).toString(), s.pending(), s.running(),
                        s.online()));
            }
        }
        return out;
    }
}
