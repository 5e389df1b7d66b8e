package dev.vectis.http;

import io.javalin.http.Context;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.thread.Scheduler;

/**
 * Runs before any route, so no slow or greedy client can take the threads other clients need.
 * <ul>
 * <li>Each client address has at most {@code maxInFlight} requests being handled at once;
 *     beyond that it is answered 429 at once.</li>
 * <li>An ordinary body (up to the body cap) is read in full without holding a thread,
 *     within {@code bodyTimeout}; only then does a handler run. A client that drips its body
 *     costs a little memory until the deadline, not a thread: 408 and the connection closes.</li>
 * </ul>
 * Larger bodies (file uploads) are streamed to their handler as they arrive; Jetty's minimum
 * request data rate ends uploads that crawl.
 */
final class RequestGuard extends Handler.Wrapper {

    /** The request attribute that holds a body read in full, for {@link #body}. */
    private static final String BODY = "vectis.body";

    private final ClientAddress clients;
    private final int maxInFlight;
    private final long bufferLimit;
    private final Duration bodyTimeout;
    private final Scheduler scheduler;
    private final ConcurrentHashMap<String, AtomicInteger> inFlight = new ConcurrentHashMap<>();

    RequestGuard(ClientAddress clients, int maxInFlight, long bufferLimit, Duration bodyTimeout, Scheduler scheduler) {
        this.clients = clients;
        this.maxInFlight = maxInFlight;
        this.bufferLimit = bufferLimit;
        this.bodyTimeout = bodyTimeout;
        this.scheduler = scheduler;
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) throws Exception {
        String ip = clients.ip(Request.getRemoteAddr(request), request.getHeaders().get(HttpHeader.X_FORWARDED_FOR));
        AtomicInteger count = inFlight.computeIfAbsent(ip, k -> new AtomicInteger());
        if (count.incrementAndGet() > maxInFlight) {
            release(ip, count);
            response.getHeaders().put(HttpHeader.RETRY_AFTER, "1");
            response.getHeaders().put(HttpHeader.CONNECTION, "close");
            Response.writeError(request, response, callback, 429,
                    "Too many requests in progress from " + ip + "; at most " + maxInFlight + " at once");
            return true;
        }
        Callback done = new Callback() {
            @Override
            public void succeeded() {
                release(ip, count);
                callback.succeeded();
            }

            @Override
            public void failed(Throwable x) {
                release(ip, count);
                callback.failed(x);
            }

            @Override
            public InvocationType getInvocationType() {
                return callback.getInvocationType();
            }
        };
        if (!buffered(request)) {
            return pass(request, response, done);
        }
        new BodyReader(request, response, done).start();
        return true;
    }

    private boolean pass(Request request, Response response, Callback done) throws Exception {
        try {
            if (!super.handle(request, response, done)) {
                Response.writeError(request, response, done, 404);
            }
            return true;
        } catch (Throwable e) {
            done.failed(e);
            return true;
        }
    }

    /** Bodies read in full first: any with content that is not a large (upload-sized) one. */
    private boolean buffered(Request request) {
        long length = request.getLength();
        if (length == 0) {
            return false;
        }
        if (length > bufferLimit) {
            return false;
        }
        if (length < 0) {
            // Chunked: ordinary JSON is buffered; a multipart upload of unknown size is streamed.
            String type = request.getHeaders().get(HttpHeader.CONTENT_TYPE);
            return type == null || !type.toLowerCase(Locale.ROOT).startsWith("multipart/");
        }
        return true;
    }

    private void release(String ip, AtomicInteger count) {
        if (count.decrementAndGet() <= 0) {
            inFlight.remove(ip, count);
        }
    }

    /**
     * The request's body: the bytes already read here when there are some, so readers need not
     * copy them again through the servlet stream (Javalin's read allocates 8 KiB for any body).
     * The array is shared: read it, never change it.
     */
    static byte[] body(Context ctx) {
        return ctx.attribute(BODY) instanceof byte[] read ? read : ctx.bodyAsBytes();
    }

    int inFlight(String ip) {
        AtomicInteger n = inFlight.get(ip);
        return n == null ? 0 : n.get();
    }

    /** Reads on demand: no thread waits for bytes; the handler runs once the last one is in. */
    private final class BodyReader implements Runnable {

        private final Request request;
        private final Response response;
        private final Callback done;
        private final ByteArrayOutputStream body = new ByteArrayOutputStream();
        private final AtomicBoolean settled = new AtomicBoolean();
        /** Set at the first wait for more of the body: a body that has all arrived costs no timer. */
        private volatile Scheduler.Task deadline;

        BodyReader(Request request, Response response, Callback done) {
            this.request = request;
            this.response = response;
            this.done = done;
        }

        void start() {
            run();
        }

        @Override
        public void run() {
            while (!settled.get()) {
                Content.Chunk chunk = request.read();
                if (chunk == null) {
                    if (deadline == null) {
                        deadline = scheduler.schedule(this::expire, bodyTimeout.toMillis(), TimeUnit.MILLISECONDS);
                    }
                    request.demand(this);
                    return;
                }
                if (Content.Chunk.isFailure(chunk)) {
                    // The connection's idle timeout can end a silent body before our deadline: the same 408.
                    settle(chunk.getFailure() instanceof TimeoutException ? this::expired
                            : () -> done.failed(chunk.getFailure()));
                    return;
                }
                ByteBuffer buffer = chunk.getByteBuffer();
                byte[] bytes = new byte[buffer.remaining()];
                buffer.get(bytes);
                chunk.release();
                body.write(bytes, 0, bytes.length);
                if (body.size() > bufferLimit) {
                    settle(() -> refuse(413, "The request body is larger than " + bufferLimit + " bytes"));
                    return;
                }
                if (chunk.isLast()) {
                    settle(this::dispatch);
                    return;
                }
            }
        }

        private void expire() {
            settle(this::expired);
        }

        private void expired() {
            refuse(408, "The request body stopped arriving; send all of it within " + bodyTimeout.toSeconds()
                    + " seconds, without long pauses");
        }

        private void settle(Runnable outcome) {
            if (settled.compareAndSet(false, true)) {
                if (deadline != null) {
                    deadline.cancel();
                }
                outcome.run();
            }
        }

        private void refuse(int status, String message) {
            response.getHeaders().put(HttpHeader.CONNECTION, "close");
            Response.writeError(request, response, done, status, message);
        }

        private void dispatch() {
            try {
                pass(new Buffered(request, body.toByteArray()), response, done);
            } catch (Exception e) {
                done.failed(e);
            }
        }
    }

    /** The request with its body already read: handlers read it from memory. */
    private static final class Buffered extends Request.Wrapper {

        private Content.Chunk next;

        Buffered(Request request, byte[] body) {
            super(request);
            this.next = Content.Chunk.from(ByteBuffer.wrap(body), true);
            setAttribute(BODY, body);
        }

        @Override
        public synchronized Content.Chunk read() {
            Content.Chunk chunk = next;
            next = Content.Chunk.EOF;
            return chunk;
        }

        @Override
        public void demand(Runnable demandCallback) {
            demandCallback.run();
        }

        @Override
        public void fail(Throwable failure) {
            next = Content.Chunk.from(failure);
        }
    }
}
