package dev.vectis.http;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vectis.config.RatePolicy;
import io.javalin.config.RoutesConfig;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/** One API contract: the paths it answers for, its routes and its error shape. */
public interface ContractApi {

    /** True for every path under this contract, matched by a route or not. */
    boolean owns(String path);

    /** As {@link #owns(String)}, for the rare path two contracts share with different methods. */
    default boolean owns(String method, String path) {
        return owns(path);
    }

    ErrorShape errorShape();

    default void routes(RoutesConfig routes) {
    }

    /**
     * True for a contract whose calls no rate-limit policy counts: files served from memory that a
     * page loads by the dozen. The per-address caps on connections and requests in flight still apply.
     */
    default boolean unmetered() {
        return false;
    }

    /** The rate-limit policy that counts calls to this path without a verified credential, per address. */
    default RatePolicy addressPolicy(String method, String path) {
        return RatePolicy.ANONYMOUS;
    }

    /**
     * For a sign-in call, the account it tries, read from its body (such calls are also
     * limited per account, whatever their address); empty for every other call.
     */
    default Optional<String> signInAccount(String method, String path, Supplier<JsonNode> body) {
        return Optional.empty();
    }

    /** The contract that owns the path, or null when none does. */
    static ContractApi owner(List<ContractApi> apis, String method, String path) {
        for (ContractApi api : apis) {
            if (api.owns(method, path)) {
                return api;
            }
        }
        return null;
    }
}
