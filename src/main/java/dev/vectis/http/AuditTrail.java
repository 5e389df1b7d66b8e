package dev.vectis.http;

import dev.vectis.audit.AuditLog;
import dev.vectis.auth.Principal;
import io.javalin.http.Context;
import java.util.Set;
import java.util.function.Function;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes the audit log from one place: after every request that is not a read and whose caller
 * {@link Callers#require} identified as an operator, whether it was allowed or not. No route
 * can forget: asking for a permission is what makes its calls audited. The action is the
 * method and route template; the target is the path, unless the handler names a better one
 * ({@link #target}); the outcome comes from the status. A handler that writes its entry in the
 * same transaction as its change ({@link #entry}, then {@link #written}) is not written twice.
 */
public final class AuditTrail {

    private static final Logger LOG = LoggerFactory.getLogger(AuditTrail.class);
    private static final String ACTOR = "vectis.audit.actor";
    private static final String TARGET = "vectis.audit.target";
    private static final String WRITTEN = "vectis.audit.written";
    private static final Set<String> READS = Set.of("GET", "HEAD", "OPTIONS");

    private final AuditLog log;

    public AuditTrail(AuditLog log) {
        this.log = log;
    }

    /** The after-handler. A failure to write is logged with the request id, never turned into another answer. */
    public void after(Context ctx) {
        Principal actor = ctx.attribute(ACTOR);
        if (actor == null || READS.contains(ctx.method().name()) || Boolean.TRUE.equals(ctx.attribute(WRITTEN))) {
            return;
        }
        try {
            log.append(entry(ctx, actor, target(ctx), ctx.statusCode()));
        } catch (RuntimeException e) {
            LOG.error("Could not write the audit entry of {} {} by {} (request {}, status {})", ctx.method(),
                    ctx.path(), actor.id(), RequestIds.of(ctx), ctx.statusCode(), e);
        }
    }

    /** Marks the caller as the operator this request acts for: its calls are audited from now on. */
    public static void actor(Context ctx, Principal actor) {
        ctx.attribute(ACTOR, actor);
    }

    /** Names what the call acts on when the path does not (a job named in the body, a new token). */
    public static void target(Context ctx, String target) {
        ctx.attribute(TARGET, target);
    }

    /** The entry for this request, for a handler that writes it in its own transaction. */
    public static AuditLog.Entry entry(Context ctx, String target, int status) {
        Principal actor = ctx.attribute(ACTOR);
        if (actor == null) {
            throw new IllegalStateException("no operator was identified for this request");
        }
        return entry(ctx, actor, target, status);
    }

    /**
     * For a change that names its target as it is made (a new job's id): the entry it writes
     * with itself when it succeeds, answered {@code status}, or null when no operator is identified
     * for this request. Call {@link #written} once the change is made.
     */
    public static Function<String, AuditLog.Entry> recorder(Context ctx, UnaryOperator<String> target, int status) {
        Principal actor = ctx.attribute(ACTOR);
        return actor == null ? null : made -> entry(ctx, actor, target.apply(made), status);
    }

    /** The handler wrote this request's entry with its change: the after-handler leaves it. */
    public static void written(Context ctx) {
        ctx.attribute(WRITTEN, true);
    }

    private static AuditLog.Entry entry(Context ctx, Principal actor, String target, int status) {
        return new AuditLog.Entry(actor, ctx.method().name() + " " + RequestLog.routeTemplate(ctx), target,
                RequestIds.of(ctx), status);
    }

    private static String target(Context ctx) {
        String named = ctx.attribute(TARGET);
        return named != null ? named : ctx.path();
    }
}
