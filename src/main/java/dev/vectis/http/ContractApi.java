package dev.vectis.http;

import io.javalin.config.RoutesConfig;

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
}
