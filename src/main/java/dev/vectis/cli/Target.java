package dev.vectis.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.EnumSet;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;

/**
 * The server to talk to and the token to show it: each from the command line, else the
 * environment, else the config file. The token never appears in a message.
 */
record Target(String server, String token) {

    static final String SERVER_ENV = "VECTIS_SERVER";
    static final String TOKEN_ENV = "VECTIS_TOKEN";

    private static final Set<PosixFilePermission> NOT_OWNER = EnumSet.of(
            PosixFilePermission.GROUP_READ, PosixFilePermission.GROUP_WRITE, PosixFilePermission.GROUP_EXECUTE,
            PosixFilePermission.OTHERS_READ, PosixFilePermission.OTHERS_WRITE, PosixFilePermission.OTHERS_EXECUTE);

    @Override
    public String toString() {
        return "Target[server=" + server + ", token=(hidden)]";
    }

    static Target resolve(String server, String token, Path configFlag, Map<String, String> env, Path home) {
        server = firstSet(server, env.get(SERVER_ENV));
        token = firstSet(token, env.get(TOKEN_ENV));
        Path file = configFlag != null ? configFlag : defaultFile(env, home);
        if (server == null || token == null || configFlag != null) {
            Map<String, String> fromFile = read(file, configFlag != null);
            server = firstSet(server, fromFile.get("server"));
            token = firstSet(token, fromFile.get("token"));
        }
        if (server == null) {
            throw CliFailure.usage("no server: pass --server URL, set " + SERVER_ENV + ", or put server: in " + file);
        }
        if (token == null) {
            throw CliFailure.usage("no token: set " + TOKEN_ENV + ", put token: in " + file + ", or pass --token");
        }
        return new Target(checkedServer(server), checkedToken(token));
    }

    /** $XDG_CONFIG_HOME/vectis/admin.yaml, which is ~/.config/vectis/admin.yaml unless set otherwise. */
    static Path defaultFile(Map<String, String> env, Path home) {
        String xdg = env.get("XDG_CONFIG_HOME");
        Path base = xdg != null && !xdg.isBlank() ? Path.of(xdg) : home.resolve(".config");
        return base.resolve("vectis").resolve("admin.yaml");
    }

    /** The file's keys; an absent file is empty unless it was named on the command line. */
    private static Map<String, String> read(Path file, boolean named) {
        if (!Files.exists(file)) {
            if (named) {
                throw CliFailure.usage("config file " + file + " does not exist");
            }
            return Map.of();
        }
        checkPrivate(file);
        JsonNode root;
        try {
            root = new ObjectMapper(new YAMLFactory()).readTree(file.toFile());
        } catch (JsonProcessingException e) {
            // Not the parser's own message: it may quote the line, and the line may be the token.
            String where = e.getLocation() == null ? "" : " (line " + e.getLocation().getLineNr() + ")";
            throw CliFailure.usage("config file " + file + " is not valid YAML" + where);
        } catch (IOException e) {
            throw CliFailure.usage("cannot read config file " + file + ": " + e.getMessage());
        }
        if (root == null || root.isMissingNode() || root.isNull()) {
            return Map.of();
        }
        if (!root.isObject()) {
            throw CliFailure.usage("config file " + file + " must be a map with the keys server and token");
        }
        Map<String, String> values = new java.util.HashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (!e.getKey().equals("server") && !e.getKey().equals("token")) {
                throw CliFailure.usage("config file " + file + ": unknown key " + e.getKey()
                        + " (known: server, token)");
            }
            if (e.getValue().isNull()) {
                continue;
            }
            if (!e.getValue().isTextual()) {
                throw CliFailure.usage("config file " + file + ": " + e.getKey() + " must be text");
            }
            values.put(e.getKey(), e.getValue().textValue());
        }
        return values;
    }

    /** As ssh does with keys: a file that others may read holds a token that is no longer only ours. */
    private static void checkPrivate(Path file) {
        Set<PosixFilePermission> perms;
        try {
            perms = Files.getPosixFilePermissions(file);
        } catch (UnsupportedOperationException e) {
            return; // not a POSIX file system: its own access lists apply
        } catch (IOException e) {
            throw CliFailure.usage("cannot read config file " + file + ": " + e.getMessage());
        }
        if (perms.stream().anyMatch(NOT_OWNER::contains)) {
            throw CliFailure.usage("config file " + file + " is accessible by others (permissions "
                    + PosixFilePermissions.toString(perms) + ") and holds a token; refusing to use it. "
                    + "Run: chmod 600 " + file);
        }
    }

    private static String checkedServer(String server) {
        String s = server.trim();
        while (s.endsWith("/")) {
            s = s.substring(0, s.length() - 1);
        }
        try {
            URI uri = new URI(s);
            if (uri.getScheme() == null || !(uri.getScheme().equals("http") || uri.getScheme().equals("https"))
                    || uri.getHost() == null || uri.getQuery() != null || uri.getFragment() != null
                    || uri.getUserInfo() != null) {
                throw new URISyntaxException(s, "not an http(s) URL with a host");
            }
        } catch (URISyntaxException e) {
            // A URL with credentials in it is not repeated back.
            throw CliFailure.usage("server must be an http:// or https:// URL such as https://vectis.example.com"
                    + (s.contains("@") ? "" : ", not " + s));
        }
        return s;
    }

    private static String checkedToken(String token) {
        String t = token.trim();
        if (t.chars().anyMatch(c -> c <= ' ' || c == 0x7f)) {
            throw CliFailure.usage("the token has spaces or control characters in it; check where it came from");
        }
        return t;
    }

    private static String firstSet(String a, String b) {
        if (a != null && !a.isBlank()) {
            return a;
        }
        return b != null && !b.isBlank() ? b : null;
    }
}
