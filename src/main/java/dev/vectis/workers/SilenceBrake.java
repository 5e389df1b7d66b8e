package dev.vectis.workers;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Whether the liveness sweep may mark silent workers offline now. When more than half of the
 * online fleet goes quiet at once, the likelier story is that this server lost the network,
 * not that the workers all died; marking them offline would fail or requeue every job they
 * run, and all for nothing once the network is back. So the sweep holds off, raising one
 * alert, until heartbeats resume or the hold (set by the operator) has passed, and only then
 * marks those still silent. Fleets smaller than {@link #MIN_FLEET} are not judged: there,
 * two workers of three going quiet is as likely to be two failures.
 *
 * <p>"Quiet" is not heard for half the offline window: a worker keeping its heartbeat pace is
 * never quiet, and in a split every worker is quiet by the time the first is due to be
 * marked, so the brake engages before the first worker is marked, not after half of them.
 */
public final class SilenceBrake {

    public static final int MIN_FLEET = 4;

    /** What the sweep should tell operators: an episode began, or ended and how. */
    public record Alert(boolean began, long since, long at, int online, int quiet, String reason) {

        public String type() {
            return began ? "fleet.silence" : "fleet.silence.ended";
        }

        /** The event's data: how much of the fleet was quiet, since when, and (when it ended) why. */
        public Map<String, Object> data() {
            Map<String, Object> data = new LinkedHashMap<>();
            data.put("online", online);
            data.put("quiet", quiet);
            data.put("since", since);
            data.put("at", at);
            if (reason != null) {
                data.put("reason", reason);
            }
            return data;
        }
    }

    /** The sweep's answer: hold off marking, and the alert to raise now (null: none). */
    public record Verdict(boolean hold, Alert alert) {
    }

    public static final String RESUMED = "heartbeats resumed";
    public static final String HOLD_PASSED = "hold passed";

    private enum State { NORMAL, HOLDING, EXPIRED }

    private final Duration hold;
    private State state = State.NORMAL;
    private long since;

    /** {@code hold} zero: never hold (the brake is off). */
    public SilenceBrake(Duration hold) {
        this.hold = hold;
    }

    public Duration hold() {
        return hold;
    }

    /** True while an episode is open: the sweep keeps asking even when nobody is due. */
    public synchronized boolean engaged() {
        return state != State.NORMAL;
    }

    /**
     * @param online workers the registry counts as online (not yet marked offline)
     * @param quiet  of those, the ones not heard for half the offline window
     */
    public synchronized Verdict judge(int online, int quiet, long now) {
        boolean mass = !hold.isZero() && online >= MIN_FLEET && quiet * 2 > online;
        if (!mass) {
            State was = state;
            state = State.NORMAL;
            Alert ended = was == State.HOLDING ? new Alert(false, since, now, online, quiet, RESUMED) : null;
            return new Verdict(false, ended);
        }
        switch (state) {
            case NORMAL -> {
                state = State.HOLDING;
                since = now;
                return new Verdict(true, new Alert(true, since, now, online, quiet, null));
            }
            case HOLDING -> {
                if (now - since < hold.toMillis()) {
                    return new Verdict(true, null);
                }
                state = State.EXPIRED;
                return new Verdict(false, new Alert(false, since, now, online, quiet, HOLD_PASSED));
            }
            default -> {
                // The hold passed and the silent were marked; a new alert waits until the fleet is heard again.
                return new Verdict(false, null);
            }
        }
    }
}
