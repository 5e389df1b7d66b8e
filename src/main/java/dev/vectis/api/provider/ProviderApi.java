package dev.vectis.api.provider;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import dev.vectis.config.RatePolicy;
import dev.vectis.error.Violation;
import dev.vectis.http.Callers;
import dev.vectis.http.ContractApi;
import dev.vectis.http.ErrorShape;
import dev.vectis.http.JsonBody;
import dev.vectis.http.PathPrefix;
import dev.vectis.providers.ProviderServices;
import dev.vectis.providers.ProviderSessions;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Handler;
import java.time.temporal.ChronoUnit;
import java.util.List;
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

    public static ErrorBody errorBody(dev.vectis.http.ApiError e) {
        return new ErrorBody(e.reason(), e.message(), e.status(), e.violations(),
                e.timestamp().truncatedTo(ChronoUnit.SECONDS).toString(), e.requestId());
    }

    /** validation_errors is left out when there are none. */
    public record ErrorBody(String error, String message, int code,
                            @JsonProperty("validation_errors") @JsonInclude(JsonInclude.Include.NON_EMPTY)
                            List<Violation> validationErrors,
                            String timestamp, @JsonProperty("request_id") String requestId) {
    }
}
