package dev.vectis.testing;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.TestTemplate;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A test that runs once on embedded H2 and once on a real PostgreSQL, each time on an empty,
 * fully migrated database. Declare a {@link TestDatabase} parameter to get it.
 */
@Target(ElementType.METHOD)
@Retention(RetentionPolicy.RUNTIME)
@TestTemplate
@ExtendWith(Databases.class)
public @interface DbTest {
}
