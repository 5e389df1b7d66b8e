package dev.vectis.api.fleet;

import dev.vectis.error.NotFoundException;
import io.javalin.http.Context;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/** What a new machine fetches to join the fleet: the install script and this very jar (it holds the agent). */
final class Downloads {

    void installScript(Context ctx) throws IOException {
        InputStream script = Downloads.class.getResourceAsStream("/dev/vectis/install.sh");
        if (script == null) {
            throw new NotFoundException("NOT_FOUND", "This build has no install script");
        }
        ctx.contentType("text/x-shellscript; charset=utf-8").result(script);
    }

    void agentJar(Context ctx) {
        Path jar = runningJar().orElseThrow(() -> new NotFoundException("NOT_FOUND",
                "The agent jar is served only when Vectis runs from its jar"));
        try {
            ctx.contentType("application/java-archive");
            ctx.header("Content-Length", Long.toString(Files.size(jar)));
            ctx.header("Content-Disposition", "attachment; filename=\"vectis.jar\"");
            ctx.result(Files.newInputStream(jar));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Optional<Path> runningJar() {
        try {
            Path location = Path.of(Downloads.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            return Files.isRegularFile(location) && location.toString().endsWith(".jar")
                    ? Optional.of(location) : Optional.empty();
        } catch (URISyntaxException | SecurityException | NullPointerException e) {
            return Optional.empty();
        }
    }
}
