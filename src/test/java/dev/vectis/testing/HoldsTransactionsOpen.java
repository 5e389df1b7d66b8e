package dev.vectis.testing;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * A test class whose PostgreSQL runs keep a writing transaction open for a while, on purpose or
 * as one long batch. PostgreSQL's oldest running transaction is the whole server's, and every
 * event stream waits for it (see {@code Horizon}), so such a run would stall the streams of the
 * other test JVM: it waits for a turn of its own ({@link PostgresTurns}).
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
public @interface HoldsTransactionsOpen {
}
