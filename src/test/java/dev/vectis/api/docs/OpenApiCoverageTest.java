package dev.vectis.api.docs;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vectis.testing.DbTest;
import dev.vectis.testing.Http;
import dev.vectis.testing.OpenApiCheck;
import dev.vectis.testing.TestApp;
import dev.vectis.testing.TestDatabase;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * The documents and the code describe the same API: every route the server registers is in
 * exactly one contract's document, and every operation a document describes is a route.
 * (That each response matches its document, every test checks through {@link Http}.)
 */
class OpenApiCoverageTest {

    @DbTest
    void everyRouteIsDescribedAndEveryDescriptionIsARoute(TestDatabase db) {
        try (TestApp app = TestApp.start(db)) {
            // Javalin's <path> (a parameter that may hold slashes) is OpenAPI's {path}.
            Set<String> routes = new TreeSet<>();
            app.app().routes().forEach(r -> routes.add(r.replaceAll("<([^>/]+)>", "{$1}")));
            List<String> described = new ArrayList<>();
            for (OpenApiCheck.Operation op : OpenApiCheck.instance().operations()) {
                described.add(op.method() + " " + op.template());
            }
            assertThat(routes).as("routes no document describes").isSubsetOf(described);
            assertThat(described).as("operations described with no route").isSubsetOf(routes);
            assertThat(described).as("operations described twice").doesNotHaveDuplicates();
        }
    }

    @DbTest
    void theDocumentsAndTheirInteractiveDocsAreServed(TestDatabase db) {
        try (TestApp app = TestApp.start(db)) {
            Http.Response all = app.http.get("/openapi.json");
            assertThat(all.status()).isEqualTo(200);
            JsonNode merged = all.json();
            assertThat(merged.path("openapi").asText()).isEqualTo("3.1.0");
            assertThat(merged.path("paths").has("/api/jobs/create")).isTrue();
            assertThat(merged.path("paths").has("/vps/purchase-and-create")).isTrue();
            for (String contract : OpenApiDocuments.CONTRACTS) {
                Http.Response one = app.http.get("/openapi/" + contract + ".json");
                assertThat(one.status()).as(contract).isEqualTo(200);
                assertThat(one.json().path("openapi").asText()).isEqualTo("3.1.0");
                one.json().path("paths").fieldNames().forEachRemaining(
                        path -> assertThat(merged.path("paths").has(path)).as(path).isTrue());
            }
            assertThat(app.http.get("/openapi/nothing.json").status()).isEqualTo(404);

            Http.Response page = app.http.get("/docs");
            assertThat(page.status()).isEqualTo(200);
            assertThat(page.header("Content-Type")).startsWith("text/html");
            assertThat(page.body()).contains("/docs/swagger-ui-bundle.js").doesNotContain("http://", "https://");
            assertThat(page.header("Content-Security-Policy")).isEqualTo(DocsApi.DOCS_CSP);
            assertThat(page.header("X-Frame-Options")).isEqualTo("DENY");
            assertThat(page.header("X-Content-Type-Options")).isEqualTo("nosniff");
            Http.Response bundle = app.http.get("/docs/swagger-ui-bundle.js");
            assertThat(bundle.status()).isEqualTo(200);
            assertThat(bundle.body()).contains("SwaggerUIBundle");
            assertThat(app.http.get("/docs/swagger-initializer.js").body()).contains("/openapi.json");
            assertThat(app.http.get("/docs/../../META-INF/MANIFEST.MF").status()).isIn(400, 404);
            assertThat(app.http.get("/docs/oauth2-redirect.html").status()).isEqualTo(404);
        }
    }
}
