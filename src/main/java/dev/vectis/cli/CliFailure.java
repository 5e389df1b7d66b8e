package dev.vectis.cli;

/**
 * Why an admin command stopped, with the exit status scripts see (docs/cli.md): the numbers
 * are a promise to scripts, so they never change meaning.
 */
public final class CliFailure extends RuntimeException {

    public static final int API_ERROR = 1;
    public static final int USAGE = 2;
    public static final int UNREACHABLE = 3;
    public static final int NOT_FOUND = 4;
    public static final int REFUSED = 5;

    private final int exitCode;

    CliFailure(int exitCode, String message) {
        super(message, null, false, false);
        this.exitCode = exitCode;
    }

    public int exitCode() {
        return exitCode;
    }

    static CliFailure usage(String message) {
        return new CliFailure(USAGE, message);
    }

    static CliFailure unreachable(String message) {
        return new CliFailure(UNREACHABLE, message);
    }

    /** An HTTP error answer: 404, 401 and 403 each have a status of their own, the rest is 1. */
    static CliFailure of(int status, String message) {
        int code = switch (status) {
            case 404 -> NOT_FOUND;
            case 401, 403 -> REFUSED;
            default -> API_ERROR;
        };
        return new CliFailure(code, message);
    }
}
