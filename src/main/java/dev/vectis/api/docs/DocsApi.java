package dev.vectis.api.docs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vectis.error.NotFoundException;
import dev.vectis.http.ContractApi;
import dev.vectis.http.ErrorShape;
import dev.vectis.http.HouseErrors;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.Properties;

/**
 * GET /openapi.json (every contract), /openapi/{contract}.json (one) and /docs: Swagger UI,
 * served from its webjar in this jar, so the docs work with no access to the internet.
 */
public final class DocsApi implements ContractApi {

    /** Swagger UI sets inline styles and draws icons as data: images; nothing else is loosened. */
    static final String DOCS_CSP = "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; "
            + "script-src 'self'; connect-src 'self'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'";

    /** What /docs/{file} serves: Swagger UI's own files, and ours that points it at /openapi.json. */
    private static final Map<String, String> FILES = Map.of(
            "swagger-ui.css", "text/css; charset=utf-8",
            "index.css", "text/css; charset=utf-8",
            "swagger-ui-bundle.js", "text/javascript; charset=utf-8",
            "swagger-ui-standalone-preset.js", "text/javascript; charset=utf-8",
            "favicon-32x32.png", "image/png",
            "favicon-16x16.png", "image/png",
            "swagger-initializer.js", "text/javascript; charset=utf-8");

    private final OpenApiDocuments documents;
    private final ObjectMapper mapper;
    private final String webjar;

    public DocsApi(OpenApiDocuments documents, ObjectMapper mapper) {
        this.documents = documents;
        this.mapper = mapper;
        this.webjar = "/META-INF/resources/webjars/swagger-ui/" + swaggerUiVersion() + "/";
    }

    @Override
    public boolean owns(String path) {
        return path.equals("/openapi.json") || path.startsWith("/openapi/") || path.equals("/docs")
                || path.startsWith("/docs/");
    }

    @Override
    public ErrorShape errorShape() {
        return new HouseErrors();
    }

    @Override
    public void routes(RoutesConfig routes) {
        routes.get("/openapi.json", ctx -> send(ctx, documents.merged()));
        routes.get("/openapi/{document}", this::document);
        routes.get("/docs", ctx -> file(ctx, "/docs/index.html", "text/html; charset=utf-8"));
        routes.get("/docs/{file}", this::docsFile);
    }

    private void document(Context ctx) throws IOException {
        String name = ctx.pathParam("document");
        JsonNode doc = name.endsWith(".json") ? documents.document(name.substring(0, name.length() - 5)) : null;
        if (doc == null) {
            throw new NotFoundException("NOT_FOUND", "No document " + name + "; there are " + String.join(", ",
                    OpenApiDocuments.CONTRACTS.stream().map(c -> c + ".json").toList()));
        }
        send(ctx, doc);
    }

    private void send(Context ctx, JsonNode doc) throws IOException {
        ctx.contentType("application/json").result(mapper.writeValueAsBytes(doc));
    }

    private void docsFile(Context ctx) {
        String name = ctx.pathParam("file");
        String type = FILES.get(name);
        if (type == null) {
            throw new NotFoundException("NOT_FOUND", "No file " + name + " under /docs");
        }
        file(ctx, name.equals("swagger-initializer.js") ? "/docs/" + name : webjar + name, type);
    }

    private void file(Context ctx, String resource, String type) {
        InputStream in = DocsApi.class.getResourceAsStream(resource);
        if (in == null) {
            throw new NotFoundException("NOT_FOUND", "No file " + resource + " in this build");
        }
        ctx.header("Content-Security-Policy", DOCS_CSP);
        ctx.header("Cache-Control", "public, max-age=3600");
        ctx.contentType(type).result(in);
    }

    private static String swaggerUiVersion() {
        Properties p = new Properties();
        try (InputStream in = DocsApi.class.getResourceAsStream(
                "/META-INF/maven/org.webjars/swagger-ui/pom.properties")) {
            if (in == null) {
                throw new IllegalStateException("Swagger UI's webjar is missing from the jar");
            }
            p.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return p.getProperty("version");
    }
}
