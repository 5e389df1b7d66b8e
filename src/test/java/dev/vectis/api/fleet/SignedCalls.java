package dev.vectis.api.fleet;

import dev.vectis.auth.HmacSignature;
import dev.vectis.testing.Http;
import dev.vectis.testing.TestApp;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.time.Instant;

/** Requests signed as an enrolled worker (docs/worker-signatures.md), as its agent sends them. */
final class SignedCalls {

    private final TestApp app;
    private final String worker;
    private final String secret;

    SignedCalls(TestApp app, String worker, String secret) {
        this.app = app;
        this.worker = worker;
        this.secret = secret;
    }

    /** {@code body} null sends none; {@code headers} are name, value pairs sent besides the signature. */
    Http.Response send(String method, String target, String body, String... headers) {
        return send(app, method, target, body, worker, secret, Instant.now().getEpochSecond(), null, headers);
    }

    /** Signs {@code body} but sends {@code sentBody} when that is not null (a tampered request). */
    static Http.Response send(TestApp app, String method, String target, String body, String worker, String secret,
                              long timestamp, String sentBody, String... headers) {
        String ts = Long.toString(timestamp);
        String signature = HmacSignature.sign(HmacSignature.key(secret), method, target, ts,
                body == null ? new byte[0] : body.getBytes(StandardCharsets.UTF_8));
        HttpRequest.Builder b = app.http.request(target, HmacSignature.WORKER_HEADER, worker,
                HmacSignature.TIMESTAMP_HEADER, ts, HmacSignature.SIGNATURE_HEADER, signature,
                "Content-Type", "application/json");
        for (int i = 0; i + 1 < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        String payload = sentBody != null ? sentBody : body;
        b.method(method, payload == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(payload));
        return app.http.send(b);
    }
}
