package dev.vectis.api.provider;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vectis.auth.Credentials;
import dev.vectis.auth.Jwt;
import dev.vectis.error.AuthenticationException;
import dev.vectis.error.InvalidInputException;
import dev.vectis.error.Violation;
import dev.vectis.http.JsonBody;
import dev.vectis.providers.Provider;
import dev.vectis.providers.ProviderServices;
import dev.vectis.providers.NewProvider;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.http.Handler;
import java.util.ArrayList;
import java.util.List;

/** The provider's own routes: register, sign in, profile, refresh, key rotation, health. */
final class RegistrationRoutes {

    private static final String BASE = "/api/v1/registration";

    private final ProviderServices providers;
    private final JsonBody json;
    private final Handler health;

    RegistrationRoutes(ProviderServices providers, JsonBody json, Handler health) {
        this.providers = providers;
        this.json = json;
        this.health = health;
    }

    void register(RoutesConfig routes) {
        routes.post(BASE + "/register", this::registerProvider);
        routes.post(BASE + "/auth", this::authenticate);
        routes.get(BASE + "/profile", ctx -> ctx.json(ProviderViews.profile(caller(ctx))));
        routes.patch(BASE + "/profile", this::updateProfile);
        routes.post(BASE + "/refresh", this::refresh);
        routes.post(BASE + "/rotate-key", this::rotateKey);
        routes.get(BASE + "/health", health);
    }

    private void registerProvider(Context ctx) {
        NewProvider r = providers.registry().register(providers.rules().registration(json.read(ctx, JsonNode.class)));
        secret(ctx).status(201).json(ProviderViews.registration(r));
    }

    private void authenticate(Context ctx) {
        JsonNode body = json.read(ctx, JsonNode.class);
        List<Violation> problems = new ArrayList<>();
        String id = required(body, "provider_id", "PROVIDER_ID_REQUIRED", problems);
        String key = required(body, "api_key", "API_KEY_REQUIRED", problems);
        if (!problems.isEmpty()) {
            throw new InvalidInputException(problems);
        }
        secret(ctx).json(ProviderViews.token(providers.sessions().authenticate(id, key)));
    }

    private void updateProfile(Context ctx) {
        Provider current = caller(ctx);
        JsonNode body = json.read(ctx, JsonNode.class);
        ctx.json(ProviderViews.profile(providers.registry().update(current, providers.rules().update(body, current))));
    }

    private void refresh(Context ctx) {
        Jwt.Issued token = providers.sessions().refresh(bearer(ctx));
        secret(ctx).json(ProviderViews.token(token));
    }

    private void rotateKey(Context ctx) {
        Provider provider = caller(ctx);
        String key = providers.registry().rotateKey(provider);
        secret(ctx).json(ProviderViews.newKey(provider.id(), key));
    }

    private Provider caller(Context ctx) {
        return providers.sessions().verify(bearer(ctx));
    }

    private static String bearer(Context ctx) {
        String token = Credentials.bearer(ctx.header("Authorization"));
        if (token == null) {
            throw new AuthenticationException("Missing bearer token: send 'Authorization: Bearer <token>' with a token "
                    + "from POST " + BASE + "/auth");
        }
        return token;
    }

    /** Answers holding a key or a token must not be kept by caches along the way. */
    private static Context secret(Context ctx) {
        ctx.header("Cache-Control", "no-store");
        return ctx;
    }

    private static String required(JsonNode body, String field, String code, List<Violation> problems) {
        JsonNode node = body.get(field);
        if (node == null || node.isNull() || (node.isTextual() && node.textValue().isEmpty())) {
            problems.add(new Violation(field, field + " is required", code));
            return null;
        }
        if (!node.isTextual()) {
            problems.add(new Violation(field, field + " must be a string", "INVALID_TYPE"));
            return null;
        }
        return node.textValue();
    }
}
