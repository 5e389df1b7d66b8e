package dev.vectis.providers;

import java.util.Locale;
import java.util.Optional;

/** Where a provider stands with the operator. New providers wait as pending until approved. */
public enum ProviderStatus {
    PENDING, APPROVED, REJECTED, SUSPENDED;

    /** The lower-case name the API and the database use. */
    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Optional<ProviderStatus> parse(String text) {
        for (ProviderStatus s : values()) {
            if (s.wire().equals(text)) {
                return Optional.of(s);
            }
        }
        return Optional.empty();
    }

    /** Pending providers may already sign in and set up their profile; rejection and suspension lock them out. */
    public boolean mayAuthenticate() {
        return this == PENDING || this == APPROVED;
    }
}
