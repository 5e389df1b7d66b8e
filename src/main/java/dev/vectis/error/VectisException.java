package dev.vectis.error;

import java.util.List;

/**
 * The one root of every failure a feature reports to a caller. Each contract's error
 * renderer turns the {@link Kind} into a status code and the rest into its own shape, so
 * features never know which contract called them.
 */
public class VectisException extends RuntimeException {

    public enum Kind {
        INVALID_REQUEST, UNAUTHORIZED, PAYMENT_REQUIRED, FORBIDDEN, NOT_FOUND, CONFLICT, UNPROCESSABLE,
        PAYLOAD_TOO_LARGE, RATE_LIMITED, UNAVAILABLE
    }

    private final Kind kind;
    private final String code;
    private final String field;
    private final List<Violation> violations;

    public VectisException(Kind kind, String code, String message, String field, List<Violation> violations) {
        super(message, null, false, false);
        this.kind = kind;
        this.code = code;
        this.field = field;
        this.violations = List.copyOf(violations);
    }

    public VectisException(Kind kind, String code, String message) {
        this(kind, code, message, null, List.of());
    }

    public Kind kind() {
        return kind;
    }

    /** Stable, machine-readable: clients may branch on it. */
    public String code() {
        return code;
    }

    /** The request field at fault, when there is one. */
    public String field() {
        return field;
    }

    public List<Violation> violations() {
        return violations;
    }
}
