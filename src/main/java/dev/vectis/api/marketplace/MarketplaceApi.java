package dev.vectis.api.marketplace;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vectis.billing.Ledger;
import dev.vectis.billing.Products;
import dev.vectis.billing.Users;
import dev.vectis.config.RatePolicy;
import dev.vectis.http.Callers;
import dev.vectis.http.ContractApi;
import dev.vectis.http.ErrorShape;
import dev.vectis.http.HouseErrors;
import dev.vectis.http.JsonBody;
import dev.vectis.http.PathPrefix;
import dev.vectis.http.Streams;
import dev.vectis.nodes.NodeRegistry;
import dev.vectis.sessions.VpsSessions;
import dev.vectis.workers.MarketplaceWorkers;
import io.javalin.config.RoutesConfig;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * vps-marketplace.md: /admin, /vps, and the user endpoints it assumes (/auth, /me). The spec
 * shows no error body, so these paths use Vectis's own shape.
 */
public final class MarketplaceApi implements ContractApi {

    private static final PathPrefix[] PATHS = {
        new PathPrefix("/admin"), new PathPrefix("/vps"), new PathPrefix("/auth"), new PathPrefix("/me")
    };
    private final ErrorShape shape = new HouseErrors();
    private final AdminRoutes admin;
    private final AdminSessionRoutes adminSessions;
    private final UserRoutes user;
    private final SessionStream stream;
    private final NodeRoutes nodes;

    public MarketplaceApi(Callers callers, ObjectMapper mapper, Users users, Ledger ledger, MarketplaceWorkers workers,
                          Products products, VpsSessions sessions, Streams streams, NodeRegistry nodes) {
        Access access = new Access(callers, users);
        JsonBody json = new JsonBody(mapper);
        this.admin = new AdminRoutes(access, json, mapper, users, ledger, workers, products, sessions::health);
        this.adminSessions = new AdminSessionRoutes(access, json, sessions);
        this.user = new UserRoutes(access, json, mapper, users, ledger, products, sessions);
        this.stream = new SessionStream(access, sessions, streams);
        this.nodes = new NodeRoutes(access, nodes);
    }

    /** A session as the purchase answers it (and replays it, byte for byte). */
    public static String render(ObjectMapper mapper, dev.vectis.sessions.VpsSession session) {
        try {
            return mapper.writeValueAsString(SessionViews.session(session));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public boolean owns(String path) {
        return PathPrefix.any(path, PATHS);
    }

    @Override
    public void routes(RoutesConfig routes) {
        admin.register(routes);
        adminSessions.register(routes);
        user.register(routes);
        stream.register(routes);
        nodes.register(routes);
    }

    @Override
    public ErrorShape errorShape() {
        return shape;
    }

    @Override
    public RatePolicy addressPolicy(String method, String path) {
        return RatePolicy.MARKETPLACE;
    }

    @Override
    public Optional<String> signInAccount(String method, String path, Supplier<JsonNode> body) {
        if (!method.equals("POST") || !path.equals("/auth/login")) {
            return Optional.empty();
        }
        JsonNode email = body.get().path("email");
        return email.isTextual() ? Optional.of(Users.emailKey(email.textValue())) : Optional.empty();
    }
}
