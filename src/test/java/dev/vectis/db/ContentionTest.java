package dev.vectis.db;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import org.jdbi.v3.core.ConnectionException;
import org.junit.jupiter.api.Test;

/** Which database failures a client is told to retry (503) rather than reported as broken (500). */
class ContentionTest {

    @Test
    void aPoolWithNoConnectionFreeInTimeIsBusyButNotARaceToRunAgain() {
        // What Hikari throws after its connection timeout, as Jdbi wraps it.
        Exception e = new ConnectionException(new SQLTransientConnectionException(
                "vectis - Connection is not available, request timed out after 10000ms"));
        assertThat(Contention.busy(e)).isTrue();
        assertThat(Contention.lostRace(e)).isFalse();
        assertThat(Contention.describe(e)).isEqualTo("no database connection came free in time");
    }

    @Test
    void otherFailuresAreNeither() {
        Exception e = new IllegalStateException(new SQLException("syntax error", "42601"));
        assertThat(Contention.busy(e)).isFalse();
        assertThat(Contention.describe(e)).isEmpty();
    }
}
