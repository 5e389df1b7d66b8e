package dev.vectis.api.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.vectis.testing.DbTest;
import dev.vectis.testing.TestApp;
import dev.vectis.testing.TestDatabase;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Assumptions;

/** Nodes on one PostgreSQL database: a token issued on one works on all; revoked on one, it fails on all. */
class TokensAcrossNodesTest {

    @DbTest
    void aTokenRevokedOnOneNodeIsRefusedByTheOthers(TestDatabase db) {
        Assumptions.assumeTrue(db.isPostgres(), "notifications between nodes are PostgreSQL's");
        try (TestApp a = TestApp.start(db); TestApp b = TestApp.start(db); TestApp c = TestApp.start(db)) {
            // B and C read the (empty) table before the token exists, so only news from A can teach them it.
            for (TestApp node : List.of(b, c)) {
                assertThat(node.http.get("/api/v1/workers", Operators.bearer("vectis_tok_x")).status()).isEqualTo(401);
            }
            Operators.Issued op = Operators.token(a, "shared", "operator");
            for (TestApp node : List.of(b, c)) {
                await().atMost(Duration.ofSeconds(5))
                        .until(() -> node.http.get("/api/v1/workers", op.bearer()).status() == 200);
            }

            assertThat(Operators.revoke(a, op.id(), TestApp.admin()).status()).isEqualTo(200);
            assertThat(a.http.get("/api/v1/workers", op.bearer()).status()).isEqualTo(401);
            for (TestApp node : List.of(b, c)) {
                await().atMost(Duration.ofSeconds(5))
                        .until(() -> node.http.get("/api/v1/workers", op.bearer()).status() == 401);
                assertThat(node.http.get("/api/jobs/create", op.bearer()).status()).isEqualTo(401);
            }
        }
    }
}
