package dev.vectis.api.console;

import dev.vectis.auth.Tokens;
import dev.vectis.error.NotFoundException;
import dev.vectis.http.ContractApi;
import dev.vectis.http.ErrorShape;
import dev.vectis.http.HouseErrors;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * The operator console (docs/console.md): static files from inside the jar at /console, with
 * uPlot from its webjar under /console/vendor/uplot/. Any path under /console that names no file
 * is the console's own page (index.html), whose script then shows the view the path names.
 * Files are revalidated with their ETag on every load, so a new version shows at once. The
 * page's Content-Security-Policy allows only this origin's scripts and styles
 * ({@code http.SecurityHeaders}); the other headers here keep the page out of frames and other
 * windows' reach.
 */
public final class ConsoleFiles implements ContractApi {

    public static final String BASE = "/console";
    static final String ROOT = "dev/vectis/console/";
    static final String UPLOT = "META-INF/resources/webjars/uplot/1.6.30/dist/";
    private static final Pattern SAFE = Pattern.compile("[A-Za-z0-9_.-]+(/[A-Za-z0-9_.-]+)*");
    private static final Map<String, String> TYPES = Map.of(
            "html", "text/html; charset=utf-8",
            "js", "text/javascript; charset=utf-8",
            "css", "text/css; charset=utf-8",
            "svg", "image/svg+xml",
            "png", "image/png",
            "ico", "image/x-icon",
            "json", "application/json");

    /** A file's bytes, type and ETag, read once. */
    record Asset(byte[] bytes, String type, String etag) {
    }

    /** Only files that exist are kept: a request for a missing one must not grow the map. */
    private final Map<String, Asset> cache = new ConcurrentHashMap<>();

    @Override
    public boolean owns(String path) {
        return path.equals("/") || path.equals(BASE) || path.startsWith(BASE + "/");
    }

    /** One load of the console fetches some twenty files; the API calls it then makes are counted as usual. */
    @Override
    public boolean unmetered() {
        return true;
    }

    @Override
    public ErrorShape errorShape() {
        return new HouseErrors();
    }

    @Override
    public void routes(RoutesConfig routes) {
        routes.get("/", ctx -> ctx.redirect(BASE));
        // Javalin ignores a trailing slash: this is /console/ too.
        routes.get(BASE, ctx -> send(ctx, page()));
        routes.get(BASE + "/<path>", ctx -> send(ctx, asset(ctx.pathParam("path"))));
    }

    /** A file under /console; a path whose last part has no extension is a view of the page. */
    private Asset asset(String path) {
        String last = path.substring(path.lastIndexOf('/') + 1);
        if (!last.contains(".")) {
            return page();
        }
        if (!SAFE.matcher(path).matches() || path.contains("..")) {
            throw missing(path);
        }
        String resource = path.startsWith("vendor/uplot/") ? UPLOT + path.substring("vendor/uplot/".length())
                : ROOT + path;
        return load(resource).orElseThrow(() -> missing(path));
    }

    private Asset page() {
        return load(ROOT + "index.html").orElseThrow(() -> new IllegalStateException("the console is not in the jar"));
    }

    private Optional<Asset> load(String resource) {
        Asset known = cache.get(resource);
        if (known != null) {
            return Optional.of(known);
        }
        Optional<Asset> read = read(resource);
        read.ifPresent(a -> cache.put(resource, a));
        return read;
    }

    private static Optional<Asset> read(String r) {
        String type = TYPES.get(r.substring(r.lastIndexOf('.') + 1).toLowerCase(Locale.ROOT));
        if (type == null) {
            return Optional.empty();
        }
        try (InputStream in = ConsoleFiles.class.getClassLoader().getResourceAsStream(r)) {
            if (in == null) {
                return Optional.empty();
            }
            byte[] bytes = in.readAllBytes();
            String etag = "\"" + HexFormat.of().formatHex(Tokens.sha256(bytes), 0, 12) + "\"";
            return Optional.of(new Asset(bytes, type, etag));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void send(Context ctx, Asset asset) {
        ctx.header("Cache-Control", "no-cache");
        ctx.header("ETag", asset.etag());
        ctx.header("Cross-Origin-Opener-Policy", "same-origin");
        ctx.header("Cross-Origin-Resource-Policy", "same-origin");
        ctx.header("Permissions-Policy", "camera=(), microphone=(), geolocation=(), payment=()");
        // The type is set on a 304 too: the page's policy follows it, and a 304's headers replace the cached ones.
        ctx.contentType(asset.type());
        String match = ctx.header("If-None-Match");
        if (match != null && (match.equals(asset.etag()) || match.contains(asset.etag()))) {
            ctx.status(304);
            return;
        }
        ctx.result(asset.bytes());
    }

    private static NotFoundException missing(String path) {
        return new NotFoundException("NOT_FOUND", "No console file " + BASE + "/" + path);
    }
}
