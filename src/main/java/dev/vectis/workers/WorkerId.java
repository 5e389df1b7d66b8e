package dev.vectis.workers;

import dev.vectis.error.InvalidInputException;
import java.util.regex.Pattern;

/**
 * A worker's id as every contract accepts it: 1-100 letters, digits and {@code . _ : @ -}.
 * Safe in a path segment, a log line and a config file; the server, the gateway and the agent
 * all check it here.
 */
public record WorkerId(String value) {

    private static final Pattern PATTERN = Pattern.compile("[A-Za-z0-9._:@-]{1,100}");

    public WorkerId {
        if (!isValid(value)) {
            throw new InvalidInputException("workerId",
                    "workerId must be 1-100 characters of letters, digits and . _ : @ -");
        }
    }

    /** {@code value} if it is a valid id, else a 4xx naming {@code workerId}. */
    public static String check(String value) {
        return new WorkerId(value).value();
    }

    public static boolean isValid(String value) {
        return value != null && PATTERN.matcher(value).matches();
    }
}
