package dev.vectis.auth;

/**
 * Who a bearer token stands for: a named token (its id and name), or one of the configured
 * tokens, which have fixed ids. The audit log records actors by these ids and names.
 */
public record Principal(String id, String name, Credentials.Role role) {

    /** The admin token from the configuration (or the one generated on first start). */
    public static final Principal CONFIGURED_ADMIN = new Principal("admin-config", "admin-config",
            Credentials.Role.ADMIN);
    /** Any of the worker tokens from the configuration: they are shared, so they are one principal. */
    public static final Principal CONFIGURED_WORKER = new Principal("worker-config", "worker-config",
            Credentials.Role.WORKER);
    /** Anyone, on a contract served without tokens (executor.auth: none). */
    public static final Principal ANONYMOUS = new Principal("anonymous", "anonymous", Credentials.Role.NONE);
    /** No token, or one nobody issued. */
    public static final Principal NOBODY = new Principal(null, null, Credentials.Role.NONE);

    /**
     * The caller as rate limits, stream caps and the coin ledger name it: {@code admin} for the
     * configured admin token (as before named tokens existed), {@code token:<id>} for a named one.
     */
    public String subject() {
        return this.equals(CONFIGURED_ADMIN) ? "admin" : "token:" + id;
    }
}
