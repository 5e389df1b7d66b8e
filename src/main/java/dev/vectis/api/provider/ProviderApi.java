package dev.vectis.api.provider;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vectis.config.RatePolicy;
import dev.vectis.http.Callers;
import dev.vectis.http.ContractApi;
import dev.vectis.http.ErrorShape;
import dev.vectis.http.JsonBody;
import dev.vectis.http.PathPrefix;
import dev.vectis.providers.ProviderServices;
import dev.vectis.providers.ProviderSessions;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Handler;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * provider-registry.md: provider onboarding under /api/v1/registration, and the operator's
 * approval routes under /admin/providers (those render errors in the /admin paths' shape).
 */
public final class ProviderApi implements ContractApi {

    private static final PathPrefix PATHS = new PathPrefix("/api/v1/registration");

    private final RegistrationRoutes registration;
    private final ApprovalRoutes approvals;

    /** The contract's paths and error shape without routes: for exercising shared HTTP behaviour. */
    public ProviderApi() {
        this.registration = null;
        this.approvals = null;
    }

    /** @param health the health handler also served at /api/v1/registration/health */
    public ProviderApi(ProviderServices providers, Callers callers, JsonBody json, Handler health) {
        this.registration = new RegistrationRoutes(providers, json, health);
        this.approvals = new ApprovalRoutes(providers.approvals(), callers, json);
    }

    @Override
    public boolean owns(String path) {
        return PATHS.covers(path);
    }

    @Override
    public void routes(RoutesConfig routes) {
        if (registration != null) {
            registration.register(routes);
            approvals.register(routes);
        }
    }

    @Override
    public RatePolicy addressPolicy(String method, String path) {
        return RatePolicy.PROVIDER;
    }

    /** Every spelling of a provider's UUID is one account. */
    @Override
    public Optional<String> signInAccount(String method, String path, Supplier<JsonNode> body) {
        if (!method.equals("POST") || !path.equals(PATHS.prefix() + "/auth")) {
            return Optional.empty();
        }
        JsonNode id = body.get().path("provider_id");
        if (!id.isTextual()) {
            return Optional.empty();
        }
        String canonical = ProviderSessions.canonical(id.textValue().trim());
        return Optional.of(canonical != null ? canonical : id.textValue());
    }

    /**
     * The spec's {@code {"error": "Bad Request", "message": ..., "code": 400,
     * "validation_errors": [...], "timestamp": ..., "request_id": ...}}.
     */
    @Override
    public ErrorShape errorShape() {
        return ProviderApi::errorBody;
    }

    public static Map<String, Object> errorBody(dev.vectis.http.ApiError e) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("error", e.reason());
        body.put("message", e.message());
        body.put("code", e.status());
        if (!e.violations().isEmpty()) {
            body.put("validation_errors", e.violations());
        }
        body.put("timestamp", e.timestamp().truncatedTo(java.time.temporal.ChronoUnit.SECONDS).toString());
        body.put("request_id", e.requestId());
        return body;
    }
}
