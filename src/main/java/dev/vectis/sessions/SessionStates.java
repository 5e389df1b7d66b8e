package dev.vectis.sessions;

import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The words chat-session workers use for a session's state, in event names and in
 * {@code data.status}, mapped to the states Vectis stores. The document's names
 * ({@code session_connected}, {@code qr_ready}…) and real workers' ({@code connected},
 * {@code logged_out}, {@code QR_REQUIRED}…) land on the same states.
 */
final class SessionStates {

    /** States after which a session no longer occupies its worker. */
    static final Set<String> ENDED = Set.of("disconnected", "deleted", "logged_out", "failed", "error");

    /** Each state first, then the other words workers use for it. */
    private static final Map<String, String> WORDS = words(
            List.of("created", "init", "new"),
            List.of("initializing", "initialising", "starting"),
            List.of("connecting", "pairing"),
            List.of("qr_required", "qr_ready", "qr", "qr_code", "qrcode"),
            List.of("connected", "open", "ready", "online"),
            List.of("reconnecting"),
            List.of("disconnected", "auto_disconnected", "close", "closed", "offline"),
            List.of("logged_out", "loggedout", "logout"),
            List.of("deleted", "removed", "destroyed"),
            List.of("error"),
            List.of("failed", "failure"));

    /** Event names that announce a change whose new state is in {@code data.status}. */
    private static final Set<String> STATUS_CARRIERS = Set.of("status", "status_changed", "status_update",
            "state_changed");

    private static final Pattern SEPARATORS = Pattern.compile("[\\s-]+");
    private static final Pattern PHONE = Pattern.compile("\\+?[0-9]{5,20}");
    private static final Set<String> PHONE_DOMAINS = Set.of("s.whatsapp.net", "c.us", "whatsapp.net");

    private SessionStates() {
    }

    /** The state a status word means ({@code CONNECTED}, {@code qr-ready}…), or null for an unknown word. */
    static String ofStatus(String word) {
        if (word == null) {
            return null;
        }
        return WORDS.get(SEPARATORS.matcher(word.trim().toLowerCase(Locale.ROOT)).replaceAll("_"));
    }

    /** The state an event name announces ({@code session_connected}, {@code logged_out}…), or null. */
    static String ofEvent(String event) {
        return ofStatus(bare(event));
    }

    /** True for a name that speaks about a session's state, whether or not the name itself says which. */
    static boolean isSessionEvent(String event) {
        return ofEvent(event) != null || STATUS_CARRIERS.contains(bare(event));
    }

    /**
     * A phone number as {@code +} and digits when the worker sent one, or a WhatsApp JID of one
     * ({@code 6281234567890:12@s.whatsapp.net}); anything else (a group or LID address) as sent.
     */
    static String phoneNumber(String raw) {
        if (raw == null || raw.isBlank()) {
            return null;
        }
        String user = raw.trim();
        int at = user.indexOf('@');
        if (at >= 0) {
            if (!PHONE_DOMAINS.contains(user.substring(at + 1).toLowerCase(Locale.ROOT))) {
                return raw.trim();
            }
            user = user.substring(0, at);
            int device = user.indexOf(':');
            user = device >= 0 ? user.substring(0, device) : user;
        }
        String digits = user.replaceAll("[\\s().-]", "");
        if (!PHONE.matcher(digits).matches()) {
            return raw.trim();
        }
        return digits.startsWith("+") ? digits : "+" + digits;
    }

    @SafeVarargs
    private static Map<String, String> words(List<String>... states) {
        Map<String, String> words = new HashMap<>();
        for (List<String> state : states) {
            state.forEach(word -> words.put(word, state.get(0)));
        }
        return Map.copyOf(words);
    }

    private static String bare(String event) {
        return event != null && event.startsWith("session_") ? event.substring("session_".length()) : event;
    }
}
