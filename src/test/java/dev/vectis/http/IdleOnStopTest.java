package dev.vectis.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.vectis.testing.RawHttp;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.handler.GracefulHandler;
import org.eclipse.jetty.util.Callback;
import org.junit.jupiter.api.Test;

/** A stopping server closes idle connections at once and lets a response waiting on a slow reader finish. */
class IdleOnStopTest {

    private static final int LARGE = 32 << 20;

    @Test
    void idleConnectionsCloseWhileASlowDownloadFinishes() throws Exception {
        AtomicLong written = new AtomicLong();
        Server server = new Server();
        ServerConnector connector = new ServerConnector(server);
        connector.setHost("127.0.0.1");
        connector.setShutdownIdleTimeout(-1);
        server.addConnector(connector);
        server.setStopTimeout(20_000);
        IdleOnStop idleOnStop = new IdleOnStop(50);
        idleOnStop.setHandler(new Handler.Abstract() {
            @Override
            public boolean handle(Request request, Response response, Callback callback) throws Exception {
                if (request.getHttpURI().getPath().equals("/small")) {
                    response.write(true, java.nio.ByteBuffer.wrap("ok".getBytes(StandardCharsets.UTF_8)), callback);
                    return true;
                }
                response.getHeaders().put(HttpHeader.CONTENT_LENGTH, LARGE);
                byte[] block = new byte[64 * 1024];
                try (OutputStream out = Content.Sink.asOutputStream(response)) {
                    for (int sent = 0; sent < LARGE; sent += block.length) {
                        out.write(block);
                        written.addAndGet(block.length);
                    }
                }
                callback.succeeded();
                return true;
            }
        });
        GracefulHandler graceful = new GracefulHandler();
        graceful.setHandler(idleOnStop);
        server.setHandler(graceful);
        server.start();
        CompletableFuture<Void> stopping = null;
        try (RawHttp idle = new RawHttp(connector.getLocalPort(), 2000);
             Socket slow = new Socket()) {
            assertThat(idle.send("GET /small HTTP/1.1\r\nHost: x\r\n\r\n").read().body()).isEqualTo("ok");
            slow.setReceiveBufferSize(8 * 1024);
            slow.connect(new InetSocketAddress("127.0.0.1", connector.getLocalPort()));
            slow.setSoTimeout(10_000);
            slow.getOutputStream().write("GET /large HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
            AtomicLong seen = new AtomicLong(-1);
            await("the download's writes wait on the reader").atMost(Duration.ofSeconds(10))
                    .pollInterval(Duration.ofMillis(200))
                    .until(() -> written.get() > 0 && written.get() == seen.getAndSet(written.get()));

            idleOnStop.stop(List.of(server.getConnectors()));
            stopping = CompletableFuture.runAsync(() -> {
                try {
                    server.stop();
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            await("the idle connection is closed").atMost(Duration.ofSeconds(10)).until(idle::closedByServer);

            InputStream in = slow.getInputStream();
            long total = 0;
            byte[] buffer = new byte[64 * 1024];
            for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
                total += n;
            }
            String head = "HTTP/1.1 200 OK\r\n";
            assertThat(total).as("the whole download arrived, headers included").isGreaterThan(LARGE + head.length());
            assertThat(written.get()).isEqualTo(LARGE);
            stopping.get(20, TimeUnit.SECONDS);
        } finally {
            if (stopping == null) {
                server.stop();
            }
        }
    }
}
