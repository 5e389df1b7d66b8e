package dev.vectis.error;

import java.util.List;

/** The request is malformed or breaks a rule; names the field(s) at fault. */
public class InvalidInputException extends VectisException {

    public InvalidInputException(String field, String message) {
        this(field, message, "INVALID_REQUEST");
    }

    public InvalidInputException(String field, String message, String code) {
        super(Kind.INVALID_REQUEST, code, message, field, List.of(new Violation(field, message, code)));
    }

    /** Several failures reported together; the first one gives the headline message. */
    public InvalidInputException(List<Violation> violations) {
        super(Kind.INVALID_REQUEST, "VALIDATION_FAILED", headline(violations),
                violations.isEmpty() ? null : violations.get(0).field(), violations);
    }

    /** Refuses text longer than its column or limit; null passes (absent is checked elsewhere). */
    public static void maxLength(String value, String field, int max) {
        if (value != null && value.length() > max) {
            throw new InvalidInputException(field, field + " must be at most " + max + " characters");
        }
    }

    private static String headline(List<Violation> violations) {
        if (violations.size() == 1) {
            return violations.get(0).message();
        }
        return "Validation failed for " + violations.size() + " fields";
    }
}
