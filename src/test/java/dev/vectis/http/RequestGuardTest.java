package dev.vectis.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vectis.testing.RawHttp;
import java.time.Duration;
import java.util.List;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The guard on a bare Jetty server, where the connection's idle timeout can be made shorter than the body deadline. */
class RequestGuardTest {

    private Server server;

    @AfterEach
    void stop() throws Exception {
        server.stop();
    }

    @Test
    void aBodyThatStopsComingIs408WhicheverTimeoutEndsIt() throws Exception {
        server = new Server();
        ServerConnector connector = new ServerConnector(server);
        connector.setHost("127.0.0.1");
        connector.setIdleTimeout(300);
        server.addConnector(connector);
        RequestGuard guard = new RequestGuard(new ClientAddress(List.of()), 10, 64 * 1024, Duration.ofSeconds(30),
                server.getScheduler());
        guard.setHandler(new Handler.Abstract() {
            @Override
            public boolean handle(Request request, Response response, Callback callback) {
                response.write(true, null, callback);
                return true;
            }
        });
        server.setHandler(guard);
        server.start();

        try (RawHttp c = new RawHttp(connector.getLocalPort(), 5000)) {
            RawHttp.Reply reply = c.send("POST /x HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n").read();
            assertThat(reply.status()).as("the client is slow, the server is fine").isEqualTo(408);
        }
    }
}
