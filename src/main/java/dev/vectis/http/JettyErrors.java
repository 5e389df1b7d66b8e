package dev.vectis.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.List;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;

/**
 * Answers what Jetty refuses before any route runs (a malformed request line, a URI or
 * headers too large) in JSON with the security headers, instead of Jetty's HTML page that
 * names the server. Without a parsed path there is no contract to ask, so the house shape is used.
 */
final class JettyErrors extends ErrorHandler {

    private static final java.util.Set<Integer> OWN = java.util.Set.of(408, 413, 429);

    private final ObjectMapper mapper;
    private final ErrorRenderer renderer;
    private final Clock clock;

    JettyErrors(ObjectMapper mapper, ErrorRenderer renderer, Clock clock) {
        this.mapper = mapper;
        this.renderer = renderer;
        this.clock = clock;
    }

    @Override
    public ByteBuffer badMessageError(int status, String reason, HttpFields.Mutable fields) {
        for (String[] header : SecurityHeaders.STATIC) {
            fields.put(header[0], header[1]);
        }
        fields.put(new HttpField(HttpHeader.CONTENT_TYPE, "application/json"));
        return ByteBuffer.wrap(json(renderer.fallback(), status, message(status)));
    }

    @Override
    protected void generateResponse(Request request, Response response, int status, String message, Throwable cause,
                                    Callback callback) {
        for (String[] header : SecurityHeaders.STATIC) {
            response.getHeaders().put(header[0], header[1]);
        }
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
        ErrorShape shape = renderer.shapeFor(request.getMethod(), Request.getPathInContext(request));
        // Vectis's own refusals (408, 413, 429) carry a message written here; Jetty's others may echo input.
        String text = OWN.contains(status) && message != null ? message : message(status);
        response.write(true, ByteBuffer.wrap(json(shape, status, text)), callback);
    }

    /** Jetty's own reason text can echo the input back; the status alone says enough. */
    private static String message(int status) {
        return switch (status) {
            // Jetty does not say which part was wrong, and its own words could echo the input.
            case 400 -> "Malformed HTTP request: the request line, a header, or the path (a broken %-escape, or "
                    + "one that decodes to a control character such as %00) is not valid";
            case 414 -> "The request URI is too long";
            case 431 -> "The request headers are too large";
            default -> {
                String reason = HttpStatus.getMessage(status);
                yield reason == null ? "Error " + status : reason;
            }
        };
    }

    private byte[] json(ErrorShape shape, int status, String message) {
        String reason = HttpStatus.getMessage(status);
        ApiError error = new ApiError(status, reason == null ? "Error" : reason, ErrorRenderer.defaultCode(status),
                message, null, List.of(), null, clock.instant());
        try {
            return mapper.writeValueAsBytes(shape.body(error));
        } catch (JsonProcessingException e) {
            return ("{\"error\":\"" + ErrorRenderer.defaultCode(status) + "\"}").getBytes(StandardCharsets.UTF_8);
        }
    }
}
