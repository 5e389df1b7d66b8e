package dev.vectis.db;

import dev.vectis.error.InvalidInputException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.function.Function;

/**
 * One page of a list: the items, how many there are in all, and where the next page starts (null at the end).
 * Every list pages the same way: it fetches {@link #probe} rows, one more than asked, and the
 * extra row's presence says a next page exists, so the last page carries no cursor.
 */
public record Page<T>(List<T> items, long total, String nextCursor) {

    /** A page of a list that is not counted (it only grows, or counting it costs too much). */
    public record Window<T>(List<T> items, String nextCursor) {
    }

    /** The rows to fetch for a page of {@code limit}. */
    public static int probe(int limit) {
        return limit + 1;
    }

    /** The page out of rows fetched with {@link #probe}; the cursor is {@code cursorOf} the last item kept. */
    public static <T> Page<T> of(List<T> fetched, int limit, long total, Function<T, String> cursorOf) {
        Window<T> w = window(fetched, limit, cursorOf);
        return new Page<>(w.items(), total, w.nextCursor());
    }

    /** As {@link #of}, without a total. */
    public static <T> Window<T> window(List<T> fetched, int limit, Function<T, String> cursorOf) {
        if (fetched.size() <= limit) {
            return new Window<>(fetched, null);
        }
        List<T> items = List.copyOf(fetched.subList(0, limit));
        return new Window<>(items, cursorOf.apply(items.get(limit - 1)));
    }

    /**
     * A cursor that is a row's number, as a previous page gave it (null: the first page).
     * {@code nextCursorField} is what the contract calls the field the client took it from.
     */
    public static Long numericCursor(String cursor, String nextCursorField) {
        return cursor == null ? null : numberPart(cursor, nextCursorField);
    }

    /**
     * A cursor of several parts (a sort key and the id that breaks its ties), opaque to clients:
     * the parts joined with ':' and base64url-encoded. Only the last part may contain ':'.
     */
    public static String compoundCursor(String... parts) {
        return Base64.getUrlEncoder().withoutPadding()
                .encodeToString(String.join(":", parts).getBytes(StandardCharsets.UTF_8));
    }

    /** The {@code count} parts of a {@link #compoundCursor}; 400 naming {@code cursor} when it is not one. */
    public static String[] compoundParts(String cursor, int count, String nextCursorField) {
        String[] parts;
        try {
            parts = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8).split(":", count);
        } catch (IllegalArgumentException e) {
            throw badCursor(nextCursorField);
        }
        if (parts.length != count || parts[count - 1].isEmpty()) {
            throw badCursor(nextCursorField);
        }
        return parts;
    }

    /** A part of a compound cursor that must be a number. */
    public static long numberPart(String part, String nextCursorField) {
        try {
            return Long.parseLong(part);
        } catch (NumberFormatException e) {
            throw badCursor(nextCursorField);
        }
    }

    private static InvalidInputException badCursor(String nextCursorField) {
        return new InvalidInputException("cursor", "cursor must be a value from a previous page's " + nextCursorField);
    }
}
