package dev.vectis.testing;

import dev.vectis.config.Settings;
import dev.vectis.db.Database;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/** One engine's database for one test: where it is, and how to hand it to Vectis. */
public final class TestDatabase {

    private final String engine;
    private final String url;
    private final String user;
    private final String password;

    TestDatabase(String engine, String url, String user, String password) {
        this.engine = engine;
        this.url = url;
        this.user = user;
        this.password = password;
    }

    public String engine() {
        return engine;
    }

    public boolean isPostgres() {
        return engine.equals("postgresql");
    }

    public String url() {
        return url;
    }

    /** The environment variables that point Vectis at this database. */
    public Map<String, String> env() {
        Map<String, String> env = new HashMap<>();
        env.put("VECTIS_DATABASE_URL", url);
        if (user != null) {
            env.put("VECTIS_DATABASE_USER", user);
        }
        if (password != null) {
            env.put("VECTIS_DATABASE_PASSWORD", password);
        }
        return env;
    }

    /** Opens (and migrates, a no-op when already done) this database; the caller closes it. */
    public Database open() {
        Database db = Database.open(new Settings.Database(Optional.of(url), Optional.ofNullable(user),
                Optional.ofNullable(password).map(dev.vectis.config.Secret::new), 4), null, null);
        db.migrate();
        return db;
    }

    @Override
    public String toString() {
        return engine;
    }
}
