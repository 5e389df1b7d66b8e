package dev.vectis.error;

public class UnavailableException extends VectisException {

    private final int retryAfterSeconds;

    public UnavailableException(String code, String message) {
        this(code, message, 0);
    }

    /** @param retryAfterSeconds sent as Retry-After when positive */
    public UnavailableException(String code, String message, int retryAfterSeconds) {
        super(Kind.UNAVAILABLE, code, message);
        this.retryAfterSeconds = retryAfterSeconds;
    }

    /** When the caller may try again, in seconds; 0 when there is no telling. */
    public int retryAfterSeconds() {
        return retryAfterSeconds;
    }
}
