package dev.vectis.http;

import dev.vectis.auth.Credentials;
import dev.vectis.auth.Permission;
import dev.vectis.auth.Principal;
import dev.vectis.auth.StreamTickets;
import dev.vectis.error.AuthenticationException;
import dev.vectis.error.ForbiddenException;
import io.javalin.http.Context;

/**
 * Who may call worker and operator endpoints: worker calls take a worker token, an admin
 * token or an enrolled worker's signature, and act only for the workers that credential may
 * speak for; operator calls take a token whose role grants the endpoint's {@link Permission}.
 * An unknown token is 401; a known one without the role is 403. An event stream opened by a
 * browser may present a stream ticket ({@code ?ticket=}) instead of the header: it acts as the
 * token that asked for it ({@link StreamTickets}).
 */
public final class Callers {

    private static final String TICKET_HOLDER = "vectis.ticket_holder";

    private final Credentials credentials;
    private final WorkerSignatures signatures;
    private final StreamTickets tickets;

    public Callers(Credentials credentials, WorkerSignatures signatures, StreamTickets tickets) {
        this.credentials = credentials;
        this.signatures = signatures;
        this.tickets = tickets;
    }

    public void worker(Context ctx) {
        if (signatures.verify(ctx).isPresent()) {
            return;
        }
        Principal p = principal(ctx, "a worker token or the admin token (or sign the request: docs/worker-signatures.md)");
        if (!Permission.WORK.allows(p.role())) {
            throw new ForbiddenException("WORKER_TOKEN_REQUIRED", "This endpoint is for workers: it needs a worker "
                    + "token, not a token with the role " + p.role().wire());
        }
    }

    /** The call acts for this worker: see {@link WorkerSignatures#requireMayActFor}. */
    public void actingFor(Context ctx, String workerId) {
        signatures.requireMayActFor(ctx, workerId);
    }

    /** An endpoint only the admin role may call. */
    public Principal admin(Context ctx) {
        return require(ctx, Permission.MANAGE);
    }

    /**
     * The operator calling, whose token grants {@code needed} or one of {@code orElse}. From here
     * on the call is the caller's in the audit log (when it changes anything), refused or not.
     */
    public Principal require(Context ctx, Permission needed, Permission... orElse) {
        Permission[] any = new Permission[orElse.length + 1];
        any[0] = needed;
        System.arraycopy(orElse, 0, any, 1, orElse.length);
        Principal p = principal(ctx, "a token with the role " + Permission.roleNames(any));
        AuditTrail.actor(ctx, p);
        for (Permission permission : any) {
            if (permission.allows(p.role())) {
                return p;
            }
        }
        if (any.length == 1 && needed == Permission.MANAGE) {
            throw new ForbiddenException("ADMIN_REQUIRED", "This endpoint needs the admin role; this token's role is "
                    + p.role().wire());
        }
        throw new ForbiddenException("ROLE_REQUIRED", "This endpoint needs a token with the role "
                + Permission.roleNames(any) + "; this token's role is " + p.role().wire());
    }

    /** True for any token Vectis issued or was configured with: valid credentials that are not a user's. */
    public boolean isPrivileged(String bearer) {
        return credentials.roleOf(bearer) != Credentials.Role.NONE;
    }

    /** Checks a signature when one is sent, and nothing else: for contracts served without tokens. */
    public void signatureIfPresent(Context ctx) {
        signatures.verify(ctx);
    }

    /** A ticket for an event stream at {@code path}, acting as the token this request presents. */
    public StreamTickets.Issued ticketFor(Context ctx, String path) {
        byte[] sha256 = PresentedToken.of(ctx).sha256();
        if (sha256 == null) {
            throw new AuthenticationException("A stream ticket is issued for a token sent in the Authorization header");
        }
        return tickets.issue(sha256, path);
    }

    private Principal principal(Context ctx, String expected) {
        String header = ctx.header("Authorization");
        if ((header == null || header.isBlank()) && ctx.queryParam("ticket") != null) {
            return ticketHolder(ctx);
        }
        if (header == null || header.isBlank()) {
            throw new AuthenticationException("Missing Authorization header: send 'Authorization: Bearer <token>' with "
                    + expected);
        }
        Principal p = credentials.principalOfSha256(PresentedToken.of(ctx).sha256());
        if (p.role() == Credentials.Role.NONE) {
            throw new AuthenticationException("Invalid token in the Authorization header");
        }
        return p;
    }

    /**
     * Who the request's stream ticket acts for. A ticket is spent on first use, so the answer is
     * kept on the request for the handler's later checks.
     */
    private Principal ticketHolder(Context ctx) {
        Principal known = ctx.attribute(TICKET_HOLDER);
        if (known != null) {
            return known;
        }
        Principal p = ctx.method().name().equals("GET")
                ? tickets.redeem(ctx.queryParam("ticket"), ctx.path()).map(credentials::principalOfSha256)
                        .orElse(Principal.NOBODY)
                : Principal.NOBODY;
        if (p.role() == Credentials.Role.NONE) {
            throw new AuthenticationException("Invalid, expired or already used stream ticket: ask for a new one "
                    + "with POST /api/v1/stream-tickets");
        }
        ctx.attribute(TICKET_HOLDER, p);
        return p;
    }
}
