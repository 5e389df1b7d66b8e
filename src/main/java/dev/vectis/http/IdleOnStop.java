package dev.vectis.http;

import java.util.concurrent.ConcurrentHashMap;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * When the node stops, keep-alive connections with no request on them close at once, while a
 * request being handled keeps its connection's idle timeout until it ends. Jetty's own
 * shutdown idle timeout shortens every connection's alike, which fails a response whose write
 * waits on a slow reader (a bundle download, a run's output) as soon as that short time passes.
 * Connectors must have their shutdown idle timeout disabled for this to be the only rule.
 */
final class IdleOnStop extends Handler.Wrapper {

    private final long closeAfterMillis;
    /** Connections with requests being handled, and how many (one, unless pipelined). */
    private final ConcurrentHashMap<EndPoint, Integer> busy = new ConcurrentHashMap<>();
    private volatile boolean stopping;

    IdleOnStop(long closeAfterMillis) {
        this.closeAfterMillis = closeAfterMillis;
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) throws Exception {
        EndPoint endPoint = request.getConnectionMetaData().getConnection().getEndPoint();
        // Per-key atomic with stop(): a connection is either seen busy there or given its usual timeout back here.
        busy.compute(endPoint, (ep, n) -> {
            if (stopping) {
                ep.setIdleTimeout(request.getConnectionMetaData().getConnector().getIdleTimeout());
            }
            return n == null ? 1 : n + 1;
        });
        Callback done = Callback.from(callback, () -> ended(endPoint));
        try {
            if (super.handle(request, response, done)) {
                return true;
            }
        } catch (Throwable e) {
            ended(endPoint);
            throw e;
        }
        ended(endPoint);
        return false;
    }

    private void ended(EndPoint endPoint) {
        busy.computeIfPresent(endPoint, (ep, n) -> {
            if (n > 1) {
                return n - 1;
            }
            if (stopping) {
                ep.setIdleTimeout(closeAfterMillis);
            }
            return null;
        });
    }

    /** Called before the server stops: idle connections close within {@code closeAfterMillis}. */
    void stop(Iterable<Connector> connectors) {
        stopping = true;
        for (Connector connector : connectors) {
            for (EndPoint endPoint : connector.getConnectedEndPoints()) {
                busy.compute(endPoint, (ep, n) -> {
                    if (n == null) {
                        ep.setIdleTimeout(closeAfterMillis);
                    }
                    return n;
                });
            }
        }
    }
}
