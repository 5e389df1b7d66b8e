package dev.vectis.http;

import dev.vectis.error.Violation;
import java.time.Instant;
import java.util.List;

/**
 * Everything a contract's error shape may show about one failed request.
 *
 * @param reason the HTTP reason phrase, e.g. "Bad Request"
 * @param code   a stable machine code, e.g. "WORKER_NOT_REGISTERED"
 */
public record ApiError(int status, String reason, String code, String message, String field,
                       List<Violation> violations, String requestId, Instant timestamp) {
}
