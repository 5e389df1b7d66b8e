package dev.vectis.api.marketplace;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vectis.testing.DbTest;
import dev.vectis.testing.Http;
import dev.vectis.testing.TestApp;
import dev.vectis.testing.TestDatabase;
import java.sql.Connection;
import java.sql.SQLException;
import org.jdbi.v3.core.Handle;

/**
 * A change the database keeps refusing as a lost race (here a trigger that always reports a
 * deadlock) is answered 503 with Retry-After in the contract's error shape, never 500, and
 * changes nothing; once the database lets it through, the same request succeeds.
 */
class MarketplaceDatabaseBusyTest {

    /** H2's form of the trigger: H2 reports its own deadlock victims with SQLSTATE 40001. */
    public static final class LoseEveryRace implements org.h2.api.Trigger {

        @Override
        public void fire(Connection conn, Object[] oldRow, Object[] newRow) throws SQLException {
            throw new SQLException("Deadlock detected (test trigger)", "40001");
        }
    }

    @DbTest
    void aTransactionThatKeepsLosingIs503WithRetryAfterAndChangesNothing(TestDatabase db) {
        try (TestApp app = Market.start(db)) {
            String userId = Market.user(app, "busy@example.com", 100).get("id").asText();
            loseEveryRace(app, db, "ledger_entries", "INSERT");
            try {
                Http.Response busy = Market.coins(app, userId, "add", 5, "bonus");
                assertBusy(busy);
            } finally {
                letThrough(app, db, "ledger_entries");
            }
            assertThat(Market.balance(app, userId)).isEqualTo(100);
            Http.Response again = Market.coins(app, userId, "add", 5, "bonus");
            assertThat(again.status()).as(again.body()).isEqualTo(200);
            assertThat(Market.balance(app, userId)).isEqualTo(105);
        }
    }

    @DbTest
    void aLoneStatementThatLosesIs503Too(TestDatabase db) {
        try (TestApp app = Market.start(db)) {
            String workerId = Market.registerWorker(app, "busy worker", "http://127.0.0.1:9", 2).json()
                    .get("id").asText();
            loseEveryRace(app, db, "workers", "UPDATE");
            try {
                assertBusy(app.http.method("PATCH", "/admin/workers/" + workerId, "{\"name\":\"renamed\"}",
                        TestApp.admin()[0], TestApp.admin()[1], "Content-Type", "application/json"));
            } finally {
                letThrough(app, db, "workers");
            }
            assertThat(Market.workerView(app, workerId).get("name").asText()).isEqualTo("busy worker");
        }
    }

    private static void assertBusy(Http.Response r) {
        assertThat(r.status()).as(r.body()).isEqualTo(503);
        assertThat(r.header("Retry-After")).isEqualTo("1");
        JsonNode body = r.json();
        assertThat(body.get("error").asText()).isEqualTo("database_busy");
        assertThat(body.get("message").asText()).contains("retry");
        assertThat(body.get("request_id").asText()).isNotBlank();
        assertThat(r.body()).doesNotContain("SQL").doesNotContain("Exception");
    }

    private static void loseEveryRace(TestApp app, TestDatabase db, String table, String event) {
        app.app().database().jdbi().useHandle(h -> {
            if (db.isPostgres()) {
                h.execute("CREATE OR REPLACE FUNCTION lose_every_race() RETURNS trigger AS $$ BEGIN "
                        + "RAISE EXCEPTION 'deadlock detected (test trigger)' USING ERRCODE = 'deadlock_detected'; "
                        + "END $$ LANGUAGE plpgsql");
                h.execute("CREATE TRIGGER lose_every_race BEFORE " + event + " ON " + table
                        + " FOR EACH ROW EXECUTE FUNCTION lose_every_race()");
            } else {
                h.execute("CREATE TRIGGER lose_every_race BEFORE " + event + " ON " + table + " FOR EACH ROW CALL \""
                        + LoseEveryRace.class.getName() + "\"");
            }
        });
    }

    private static void letThrough(TestApp app, TestDatabase db, String table) {
        app.app().database().jdbi().useHandle((Handle h) ->
                h.execute(db.isPostgres() ? "DROP TRIGGER lose_every_race ON " + table : "DROP TRIGGER lose_every_race"));
    }
}
