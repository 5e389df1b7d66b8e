package dev.vectis.api.marketplace;

import dev.vectis.http.ContractApi;
import dev.vectis.http.ErrorShape;
import dev.vectis.http.HouseErrors;
import dev.vectis.http.PathPrefix;

/**
 * vps-marketplace.md: /admin, /vps, and the user endpoints it assumes (/auth, /me). The spec
 * shows no error body, so these paths use Vectis's own shape.
 */
public final class MarketplaceApi implements ContractApi {

    private static final PathPrefix[] PATHS = {
        new PathPrefix("/admin"), new PathPrefix("/vps"), new PathPrefix("/auth"), new PathPrefix("/me")
    };
    private final ErrorShape shape = new HouseErrors();

    @Override
    public boolean owns(String path) {
        return PathPrefix.any(path, PATHS);
    }

    @Override
    public ErrorShape errorShape() {
        return shape;
    }
}
