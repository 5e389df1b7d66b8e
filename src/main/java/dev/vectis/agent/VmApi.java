package dev.vectis.agent;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vectis.auth.HmacSignature;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.json.JavalinJackson;
import java.io.IOException;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The worker's VM API (vps-marketplace.md, "Worker API"): {@code POST /vm-loso} (which also
 * honours an {@code Idempotency-Key}), {@code GET /log/{route}}, {@code POST /stop/{route}}, and
 * {@code GET /vms}, the list of this agent's VMs that Vectis reconciles its sessions with. Only Vectis may call it: every request
 * must be signed with this worker's secret and name this worker; anything else is a 401.
 */
final class VmApi {

    private static final Logger LOG = LoggerFactory.getLogger(VmApi.class);
    private static final long MAX_BODY = 64 * 1024;
    static final String KEY_HEADER = "Idempotency-Key";
    private static final Pattern IDEMPOTENCY_KEY = Pattern.compile("[\\x21-\\x7e]{1,255}");

    private final WorkerKey key;
    private final VirtualMachines vms;
    private final ObjectMapper mapper;
    private final SecureRandom random;
    private final Javalin app;

    VmApi(String host, int port, WorkerKey key, VirtualMachines vms, ObjectMapper mapper, SecureRandom random) {
        this.key = key;
        this.vms = vms;
        this.mapper = mapper;
        this.random = random;
        this.app = Javalin.create(config -> {
            config.startup.showJavalinBanner = false;
            config.startup.showOldJavalinVersionWarning = false;
            config.jsonMapper(new JavalinJackson(mapper, false));
            config.http.maxRequestSize = MAX_BODY;
            config.jetty.host = host;
            config.jetty.port = port;
            config.routes.before(this::authenticate);
            config.routes.post("/vm-loso", this::create);
            config.routes.get("/log/{route}", this::log);
            config.routes.post("/stop/{route}", this::stop);
            config.routes.get("/vms", this::list);
            config.routes.exception(Exception.class, (e, ctx) -> {
                LOG.error("VM API request {} {} failed", ctx.method(), ctx.path(), e);
                answer(ctx, 500, "internal error");
            });
        });
    }

    void start() {
        app.start();
        LOG.info("VM API listening on port {}", app.port());
    }

    int port() {
        return app.port();
    }

    void stop() {
        app.stop();
    }

    private void authenticate(Context ctx) {
        String target = ctx.req().getRequestURI() + (ctx.req().getQueryString() == null ? ""
                : "?" + ctx.req().getQueryString());
        boolean valid = key.verify(ctx.header(HmacSignature.WORKER_HEADER), ctx.method().name(), target,
                ctx.header(HmacSignature.TIMESTAMP_HEADER), ctx.bodyAsBytes(), ctx.header(HmacSignature.SIGNATURE_HEADER));
        if (!valid) {
            LOG.debug("VM API refused an unsigned or badly signed {} {} from {}", ctx.method(), ctx.path(), ctx.ip());
            answer(ctx, 401, "invalid signature");
            ctx.skipRemainingHandlers();
        }
    }

    private void create(Context ctx) throws IOException, InterruptedException {
        JsonNode action;
        try {
            action = mapper.readTree(ctx.bodyAsBytes()).path("action");
        } catch (IOException e) {
            answer(ctx, 400, "the body must be JSON like {\"action\": 1}");
            return;
        }
        if (!action.isIntegralNumber() || !action.canConvertToInt()) {
            answer(ctx, 400, "action must be 1 (Linux), 2 (Windows) or 3 (test)");
            return;
        }
        String key = ctx.header(KEY_HEADER);
        if (key != null && !IDEMPOTENCY_KEY.matcher(key).matches()) {
            answer(ctx, 400, KEY_HEADER + " must be 1 to 255 visible ASCII characters");
            return;
        }
        try {
            String route = vms.create(action.asInt(), key);
            ctx.json(Map.of("logUrl", "/log/" + route));
        } catch (VirtualMachines.Refused e) {
            answer(ctx, 400, e.getMessage());
        }
    }

    /** Every VM this agent made, so Vectis can reconcile its sessions with them after a crash. */
    private void list(Context ctx) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (VirtualMachines.Listed vm : vms.list()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("route", vm.route());
            m.put("idempotency_key", vm.key());
            m.put("action", vm.action());
            m.put("running", vm.running());
            m.put("created_at", vm.createdAt().toString());
            out.add(m);
        }
        ctx.json(Map.of("vms", out));
    }

    private void log(Context ctx) {
        String route = ctx.pathParam("route");
        vms.log(route).ifPresentOrElse(
                text -> ctx.contentType("text/plain; charset=utf-8").result(text),
                () -> answer(ctx, 404, "VM " + route + " not found"));
    }

    private void stop(Context ctx) throws InterruptedException {
        String route = ctx.pathParam("route");
        if (!vms.stop(route)) {
            answer(ctx, 404, "VM " + route + " not found");
            return;
        }
        byte[] token = new byte[16];
        random.nextBytes(token);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("success", true);
        body.put("message", "VM " + route + " stopped");
        body.put("tokenReset", HexFormat.of().formatHex(token));
        ctx.json(body);
    }

    private static void answer(Context ctx, int status, String message) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("success", false);
        body.put("message", message);
        ctx.status(status).json(body);
    }
}
