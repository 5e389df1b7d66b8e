package dev.vectis.config;

import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;

/**
 * What a component of the {@link Settings} records says about its configuration key. The
 * records are the list of keys ({@link ConfigKeys}); these annotations add what their types
 * cannot say. Without a target they reach the record component, its accessor and the
 * constructor parameter, where both {@link ConfigKeys} and Jackson look.
 */
final class KeyRules {

    private KeyRules() {
    }

    /**
     * The value when neither the file nor the environment sets one, written as an environment
     * variable would carry it ("10MiB"; lists comma-separated, or one per line with
     * {@link OnePerLine}). It goes through the same checks as any configured value.
     */
    @Retention(RetentionPolicy.RUNTIME)
    @interface Default {
        String value();
    }

    /** Bounds of a whole number, in the key's unit (seconds for durations, bytes for sizes). */
    @Retention(RetentionPolicy.RUNTIME)
    @interface Range {
        long min();

        long max();
    }

    /** A TCP port (1-65535); {@code anyFree} also takes 0, "any free port". */
    @Retention(RetentionPolicy.RUNTIME)
    @interface Port {
        boolean anyFree() default false;
    }

    /** Text that must be one of these words (any case; kept in lower case). */
    @Retention(RetentionPolicy.RUNTIME)
    @interface OneOf {
        String[] value();
    }

    /**
     * A list whose environment form has one item per line, kept exactly as written: regular
     * expressions, where commas and spaces are part of the item.
     */
    @Retention(RetentionPolicy.RUNTIME)
    @interface OnePerLine {
    }

    /** A map holding one section of keys per {@link RatePolicy}, named by its wire name. */
    @Retention(RetentionPolicy.RUNTIME)
    @interface PerPolicy {
    }
}
