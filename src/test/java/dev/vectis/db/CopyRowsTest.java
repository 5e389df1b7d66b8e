package dev.vectis.db;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vectis.testing.DbTest;
import dev.vectis.testing.TestDatabase;
import java.util.List;
import org.junit.jupiter.api.Assumptions;

/** COPY is PostgreSQL's; on H2 its callers insert instead (WorkerMetricsTest runs both). */
class CopyRowsTest {

    @DbTest
    void rowsArriveAsWrittenAndAWriterThatFailsPartWayLeavesTheConnectionUsable(TestDatabase db) {
        Assumptions.assumeTrue(db.isPostgres(), "COPY is PostgreSQL's");
        try (Database database = db.open()) {
            database.jdbi().useHandle(h -> h.execute("CREATE TABLE copied (n BIGINT, t TEXT)"));

            assertThatThrownBy(() -> database.jdbi().useTransaction(h -> CopyRows.into(h, "copied", "n, t", out -> {
                for (int i = 0; i < 10_000; i++) {
                    out.number(i).text("row " + i);
                    out.endRow();
                }
                throw new IllegalStateException("the writer failed");
            }))).isInstanceOf(IllegalStateException.class).hasMessage("the writer failed");

            // The same connection (a pool of one would hand it out again) takes statements at once.
            for (int i = 0; i < 20; i++) {
                database.jdbi().useTransaction(h -> {
                    assertThat(h.createQuery("SELECT count(*) FROM copied").mapTo(Long.class).one()).isZero();
                    long taken = CopyRows.into(h, "copied", "n, t", out -> {
                        out.number(1L).text("a\tb\\c\nd\re");
                        out.endRow();
                        out.number((Long) null).text(null);
                        out.endRow();
                    });
                    assertThat(taken).isEqualTo(2);
                    h.rollback();
                });
            }
            database.jdbi().useTransaction(h -> CopyRows.into(h, "copied", "n, t", out -> {
                out.number(1L).text("a\tb\\c\nd\re");
                out.endRow();
            }));
            List<String> stored = database.jdbi().withHandle(h -> h.createQuery("SELECT n || '|' || t FROM copied")
                    .mapTo(String.class).list());
            assertThat(stored).containsExactly("1|a\tb\\c\nd\re");
        }
    }
}
