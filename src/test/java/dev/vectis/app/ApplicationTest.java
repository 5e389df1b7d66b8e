package dev.vectis.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vectis.config.BuildInfo;
import dev.vectis.testing.DbTest;
import dev.vectis.testing.Http;
import dev.vectis.testing.TestApp;
import dev.vectis.testing.TestDatabase;
import java.time.Instant;
import java.util.Map;

class ApplicationTest {

    @DbTest
    void healthIsHealthyWithTheDocumentedBody(TestDatabase db) {
        try (TestApp app = TestApp.start(db)) {
            Http.Response r = app.http.get("/health");
            assertThat(r.status()).isEqualTo(200);
            JsonNode body = r.json();
            assertThat(body.get("status").asText()).isEqualTo("healthy");
            assertThat(body.get("service").asText()).isEqualTo("vectis");
            assertThat(body.get("version").asText()).isEqualTo(BuildInfo.version()).isNotEqualTo("unknown");
            assertThat(Instant.parse(body.get("timestamp").asText())).isBefore(Instant.now().plusSeconds(1));
            assertThat(body.size()).isEqualTo(4);
        }
    }

    @DbTest
    void healthIs503WithAReasonWhenTheDatabaseDoesNotAnswer(TestDatabase db) {
        try (TestApp app = TestApp.start(db)) {
            app.app().database().close();
            Http.Response r = app.http.get("/health");
            assertThat(r.status()).isEqualTo(503);
            assertThat(r.json().get("status").asText()).isEqualTo("unhealthy");
            assertThat(r.json().get("reason").asText()).startsWith("database: ");
        }
    }

    @DbTest
    void livezAnswersWithoutTheDatabase(TestDatabase db) {
        try (TestApp app = TestApp.start(db)) {
            app.app().database().close();
            Http.Response r = app.http.get("/livez");
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.json().get("status").asText()).isEqualTo("alive");
            assertThat(r.header("Cache-Control")).isEqualTo("no-store");
            assertThat(app.http.get("/health").status()).as("while readiness fails").isEqualTo(503);
        }
    }

    @DbTest
    void metricsExposeJvmPoolAndHttpLatency(TestDatabase db) {
        try (TestApp app = TestApp.start(db)) {
            app.http.get("/health");
            Http.Response r = app.http.get("/metrics");
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.header("Content-Type")).startsWith("text/plain");
            assertThat(r.body()).contains("jvm_memory_used_bytes", "hikaricp_connections",
                    "http_server_requests_seconds_bucket{method=\"GET\",route=\"/health\",status=\"200\"");
        }
    }

    @DbTest
    void metricsAskForTheirTokenWhenOneIsSet(TestDatabase db) {
        String token = "prometheus-scrape-token-0123456789";
        try (TestApp app = TestApp.start(db, Map.of("VECTIS_METRICS_TOKEN", token))) {
            Http.Response none = app.http.get("/metrics");
            assertThat(none.status()).isEqualTo(401);
            assertThat(none.header("WWW-Authenticate")).isEqualTo("Bearer");
            assertThat(none.body()).doesNotContain("jvm_memory_used_bytes");
            assertThat(app.http.get("/metrics", "Authorization", "Bearer " + token.toUpperCase()).status())
                    .isEqualTo(401);
            assertThat(app.http.get("/metrics", "Authorization", "Bearer " + TestApp.ADMIN_TOKEN).status())
                    .as("the admin token is not the scrape token").isEqualTo(401);
            Http.Response ok = app.http.get("/metrics", "Authorization", "Bearer " + token);
            assertThat(ok.status()).isEqualTo(200);
            assertThat(ok.body()).contains("jvm_memory_used_bytes");
            assertThat(app.http.get("/health").status()).as("probes need no token").isEqualTo(200);
            assertThat(app.console()).doesNotContain(token);
        }
    }

    @DbTest
    void generatedAdminTokenIsPrintedOnceAndSurvivesRestart(TestDatabase db) {
        String printed;
        try (TestApp first = TestApp.start(db, Map.of("VECTIS_ADMIN_TOKEN", ""))) {
            printed = first.console().lines().filter(l -> l.startsWith("Admin token: ")).findFirst()
                    .map(l -> l.substring("Admin token: ".length())).orElseThrow();
            assertThat(first.app().admin().matches(printed)).isTrue();
            assertThat(first.app().admin().matches(printed + "x")).isFalse();
        }
        try (TestApp second = TestApp.start(db, Map.of("VECTIS_ADMIN_TOKEN", ""))) {
            assertThat(second.console()).doesNotContain("Admin token: ");
            assertThat(second.app().admin().matches(printed)).isTrue();
        }
    }

    @DbTest
    void configuredAdminTokenIsUsedAndNothingIsPrinted(TestDatabase db) {
        try (TestApp app = TestApp.start(db)) {
            assertThat(app.console()).doesNotContain("Admin token");
            assertThat(app.app().admin().matches(TestApp.ADMIN_TOKEN)).isTrue();
        }
    }
}
