package dev.vectis.api.console;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vectis.testing.Http;
import dev.vectis.testing.TestApp;
import dev.vectis.testing.TestDatabase;
import dev.vectis.testing.DbTest;

/** The console's files: where they are, how they are typed and cached, and the page's policy. */
class ConsoleFilesTest {

    @DbTest
    void theRootRedirectsToTheConsole(TestDatabase db) {
        try (TestApp app = TestApp.start(db)) {
            Http.Response r = app.http.get("/");
            assertThat(r.status()).isEqualTo(302);
            assertThat(r.header("Location")).isEqualTo("/console");
            assertThat(app.http.get("/console").body()).isEqualTo(app.http.get("/console/").body())
                    .contains("<title>Vectis console</title>");
        }
    }

    @DbTest
    void thePageHasAStrictPolicyAndIsRevalidatedByItsETag(TestDatabase db) {
        try (TestApp app = TestApp.start(db)) {
            Http.Response page = app.http.get("/console/");
            assertThat(page.status()).isEqualTo(200);
            assertThat(page.header("Content-Type")).startsWith("text/html");
            assertThat(page.body()).contains("<script type=\"module\" src=\"/console/app.js\"></script>");
            String csp = page.header("Content-Security-Policy");
            assertThat(csp).contains("default-src 'self'", "script-src 'self'", "style-src 'self'",
                    "frame-ancestors 'none'", "object-src 'none'").doesNotContain("unsafe-inline", "unsafe-eval", "*");
            assertThat(page.header("X-Frame-Options")).isEqualTo("DENY");
            assertThat(page.header("X-Content-Type-Options")).isEqualTo("nosniff");
            assertThat(page.header("Referrer-Policy")).isEqualTo("no-referrer");
            assertThat(page.header("Cross-Origin-Opener-Policy")).isEqualTo("same-origin");
            assertThat(page.header("Cache-Control")).isEqualTo("no-cache");
            // No inline script or style in the page itself: the policy would block them.
            assertThat(page.body()).doesNotContain("<style", "style=", "onclick", "<script>");

            String etag = page.header("ETag");
            assertThat(etag).isNotBlank();
            Http.Response again = app.http.get("/console/", "If-None-Match", etag);
            assertThat(again.status()).isEqualTo(304);
            assertThat(again.body()).isEmpty();
            assertThat(again.header("Content-Security-Policy")).isEqualTo(csp);
        }
    }

    @DbTest
    void aViewOfThePageIsThePageAndAMissingFileIsA404(TestDatabase db) {
        try (TestApp app = TestApp.start(db)) {
            Http.Response view = app.http.get("/console/fleet/wrk_123");
            assertThat(view.status()).isEqualTo(200);
            assertThat(view.header("Content-Type")).startsWith("text/html");
            assertThat(view.body()).isEqualTo(app.http.get("/console/").body());

            Http.Response missing = app.http.get("/console/nothing-here.js");
            assertThat(missing.status()).isEqualTo(404);
            assertThat(missing.json().get("error").asText()).isEqualTo("not_found");
            assertThat(app.http.get("/console/..%2F..%2Fpom.xml").status()).isEqualTo(404);
            assertThat(app.http.get("/console/dev/vectis/Vectis.class").status()).isEqualTo(404);
        }
    }

    @DbTest
    void theFilesAreNotRateLimitedButTheApiStillIs(TestDatabase db) {
        try (TestApp app = TestApp.start(db, java.util.Map.of("VECTIS_RATE_LIMIT_ENABLED", "true",
                "VECTIS_RATE_LIMIT_ANONYMOUS_REQUESTS_PER_MINUTE", "5"))) {
            for (int i = 0; i < 30; i++) {
                assertThat(app.http.get(i % 2 == 0 ? "/console/app.js" : "/console/fleet").status()).isEqualTo(200);
            }
            int refused = 0;
            for (int i = 0; i < 10; i++) {
                refused += app.http.get("/api/v1/nothing-here").status() == 429 ? 1 : 0;
            }
            assertThat(refused).isPositive();
        }
    }

    @DbTest
    void scriptsStylesAndUPlotAreServedWithTheirTypes(TestDatabase db) {
        try (TestApp app = TestApp.start(db)) {
            Http.Response js = app.http.get("/console/app.js");
            assertThat(js.status()).isEqualTo(200);
            assertThat(js.header("Content-Type")).startsWith("text/javascript");
            Http.Response css = app.http.get("/console/console.css");
            assertThat(css.status()).isEqualTo(200);
            assertThat(css.header("Content-Type")).startsWith("text/css");
            Http.Response uplot = app.http.get("/console/vendor/uplot/uPlot.esm.js");
            assertThat(uplot.status()).isEqualTo(200);
            assertThat(uplot.header("Content-Type")).startsWith("text/javascript");
            assertThat(uplot.body()).contains("export");
            assertThat(app.http.get("/console/vendor/uplot/uPlot.min.css").header("Content-Type"))
                    .startsWith("text/css");
        }
    }
}
