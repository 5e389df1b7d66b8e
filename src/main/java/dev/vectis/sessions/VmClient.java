package dev.vectis.sessions;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vectis.workers.WorkerSecrets;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Calls a worker's VM API (vps-marketplace.md, "Worker API"): create, log, stop, and the
 * listing that Vectis's own agent adds ({@code GET /vms}). Only the server makes these calls,
 * each within one deadline through {@link WorkerHttp}. A create carries the session's id as its
 * {@code Idempotency-Key}, so a worker that honours it never makes two VMs for one session.
 */
public final class VmClient {

    /** A call that did not produce a usable answer. */
    public static final class VmCallFailed extends RuntimeException {
        private final int status;
        private final String detail;
        private final boolean outcomeUnknown;

        public VmCallFailed(String message) {
            this(message, 0, null, false);
        }

        VmCallFailed(String message, int status, String detail, boolean outcomeUnknown) {
            super(message);
            this.status = status;
            this.detail = detail;
            this.outcomeUnknown = outcomeUnknown;
        }

        /** The worker's HTTP status, or 0 when it gave none (unreachable, timeout). */
        public int status() {
            return status;
        }

        /**
         * The worker's own explanation ("error" or "message" of a JSON answer), for operators
         * only: it is the worker's text, so it never goes into a user's view.
         */
        public String detail() {
            return detail;
        }

        /**
         * The worker may have acted on the request though nothing said so: the request was sent
         * and the answer ran out of time, broke off, or said yes in a form Vectis could not read.
         * False when the worker answered an error or the request never reached it.
         */
        public boolean outcomeUnknown() {
            return outcomeUnknown;
        }
    }

    /** A VM as the worker lists it: the key of the create that made it (null if none), and whether it runs. */
    record WorkerVm(String route, String key, boolean running) {
    }

    static final String KEY_HEADER = "Idempotency-Key";
    private static final int MAX_DETAIL = 200;
    private static final Pattern ROUTE = Pattern.compile("^/log/([A-Za-z0-9_.-]{1,200})$");
    private static final Pattern BARE_ROUTE = Pattern.compile("^[A-Za-z0-9_.-]{1,200}$");

    private final WorkerHttp http;
    private final WorkerBreakers breakers;
    private final ObjectMapper mapper = new ObjectMapper();

    public VmClient(WorkerSecrets secrets, Clock clock, Duration deadline, WorkerBreakers breakers) {
        this.http = new WorkerHttp(secrets, clock, deadline, breakers);
        this.breakers = breakers;
    }

    WorkerBreakers breakers() {
        return breakers;
    }

    Duration deadline() {
        return http.deadline();
    }

    /** POST /vm-loso {"action": n} with the key → the route from {"logUrl": "/log/<route>"}. */
    String create(String workerId, String baseUrl, int action, String key) {
        String answer = ok(http.call(workerId, baseUrl, "POST", "/vm-loso", "{\"action\":" + action + "}",
                Map.of(KEY_HEADER, key)), "POST /vm-loso");
        JsonNode body = json(answer);
        String logUrl = body == null ? null : body.path("logUrl").asText(null);
        Matcher m = logUrl == null ? null : ROUTE.matcher(logUrl);
        if (m == null || !m.matches()) {
            // It said yes: a VM may exist that Vectis cannot name.
            throw new VmCallFailed("the worker accepted the request but answered without a usable logUrl", 200, null,
                    true);
        }
        return m.group(1);
    }

    String log(String workerId, String baseUrl, String route) {
        return ok(http.call(workerId, baseUrl, "GET", "/log/" + route, null, Map.of()), "GET /log/" + route);
    }

    void stop(String workerId, String baseUrl, String route) {
        ok(http.call(workerId, baseUrl, "POST", "/stop/" + route, "", Map.of()), "POST /stop/" + route);
    }

    /**
     * GET /vms: every VM the worker has, when it keeps such a list (Vectis's agent does). Empty
     * when it does not: a 4xx other than 408 and 429, or an answer that is not the list.
     */
    Optional<List<WorkerVm>> list(String workerId, String baseUrl) {
        WorkerHttp.Answer a = http.call(workerId, baseUrl, "GET", "/vms", null, Map.of());
        if (a.status() / 100 == 4 && a.status() != 408 && a.status() != 429) {
            return Optional.empty();
        }
        JsonNode body = json(ok(a, "GET /vms"));
        JsonNode vms = body == null ? null : body.get("vms");
        if (vms == null || !vms.isArray()) {
            return Optional.empty();
        }
        List<WorkerVm> out = new ArrayList<>();
        for (JsonNode vm : vms) {
            String route = vm.path("route").asText(null);
            if (route == null || !BARE_ROUTE.matcher(route).matches()) {
                return Optional.empty();
            }
            out.add(new WorkerVm(route, vm.path("idempotency_key").asText(null), vm.path("running").asBoolean(true)));
        }
        return Optional.of(out);
    }

    private String ok(WorkerHttp.Answer a, String what) {
        if (a.status() / 100 != 2) {
            throw new VmCallFailed("the worker answered " + a.status() + " to " + what, a.status(), detail(a.text()),
                    false);
        }
        return a.text();
    }

    private JsonNode json(String text) {
        try {
            return mapper.readTree(text);
        } catch (IOException e) {
            return null;
        }
    }

    private String detail(String answer) {
        JsonNode body = json(answer);
        String text = body == null ? null : body.path("error").asText(body.path("message").asText(null));
        if (text == null || text.isBlank()) {
            return null;
        }
        return text.length() <= MAX_DETAIL ? text : text.substring(0, MAX_DETAIL) + "…";
    }
}
