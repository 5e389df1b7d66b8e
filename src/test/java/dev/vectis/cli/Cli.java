package dev.vectis.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vectis.Vectis;
import dev.vectis.testing.TestApp;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine;

/** Runs `vectis …` in this JVM, with an environment and a home directory of the test's choosing. */
final class Cli {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    /** What one run left behind: its exit status and what it printed on each stream. */
    record Result(int exit, String out, String err) {

        JsonNode json() {
            try {
                return MAPPER.readTree(out);
            } catch (IOException e) {
                throw new AssertionError("not JSON: " + out + "\nstderr: " + err, e);
            }
        }

        /** The table's rows without its header, each split into columns on runs of two spaces. */
        List<String[]> rows() {
            List<String[]> rows = new ArrayList<>();
            String[] lines = out.split("\n");
            for (int i = 1; i < lines.length; i++) {
                if (!lines[i].isBlank()) {
                    rows.add(lines[i].split(" {2,}"));
                }
            }
            return rows;
        }

        String[] header() {
            return out.split("\n")[0].split(" {2,}");
        }

        @Override
        public String toString() {
            return "exit " + exit + "\n--- stdout\n" + out + "--- stderr\n" + err;
        }
    }

    private final Map<String, String> env;
    private final Path home;

    Cli(Map<String, String> env, Path home) {
        this.env = env;
        this.home = home;
    }

    /** Pointed at the app by the environment, with the configured admin token, and no config file. */
    static Cli against(TestApp app) {
        return against(app, TestApp.ADMIN_TOKEN);
    }

    static Cli against(TestApp app, String token) {
        Map<String, String> env = new HashMap<>();
        env.put("VECTIS_SERVER", app.http.base());
        env.put("VECTIS_TOKEN", token);
        return new Cli(env, emptyHome());
    }

    static Path emptyHome() {
        try {
            return Files.createTempDirectory("vectis-cli-home");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    Result run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cl = Vectis.commandLine(new CommandLine.IFactory() {
            @Override
            @SuppressWarnings("unchecked")
            public <K> K create(Class<K> cls) throws Exception {
                return cls == AdminCommand.class ? (K) new AdminCommand(env, home)
                        : CommandLine.defaultFactory().create(cls);
            }
        });
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        int exit = cl.execute(args);
        return new Result(exit, out.toString(), err.toString());
    }

    /** Runs {@code admin <args>}. */
    Result admin(String... args) {
        String[] all = new String[args.length + 1];
        all[0] = "admin";
        System.arraycopy(args, 0, all, 1, args.length);
        return run(all);
    }
}
