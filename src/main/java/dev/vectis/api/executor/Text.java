package dev.vectis.api.executor;

import dev.vectis.error.InvalidInputException;

/** Length limits on text fields, so nothing oversized reaches a column. */
final class Text {

    private Text() {
    }

    static void max(String value, String field, int max) {
        if (value != null && value.length() > max) {
            throw new InvalidInputException(field, field + " must be at most " + max + " characters");
        }
    }
}
