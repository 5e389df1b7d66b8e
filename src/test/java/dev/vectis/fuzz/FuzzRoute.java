package dev.vectis.fuzz;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;
import java.util.function.Function;

/**
 * One registered route and a valid request to it: the starting point every mutation changes
 * one thing of. Values come from the {@link Fixtures} when the request is made, so a route
 * whose call uses something up (a token, a job) gets a fresh one each time.
 */
final class FuzzRoute {

    /** Who the valid request is sent as. */
    enum Auth { NONE, ADMIN, WORKER, USER, VICTIM_USER, PROVIDER, ROTATING_PROVIDER, SIGNED }

    final String method;
    final String path;
    Auth auth = Auth.NONE;
    final Map<String, Function<Fixtures, String>> params = new LinkedHashMap<>();
    final Map<String, Function<Fixtures, String>> query = new LinkedHashMap<>();
    /** Query parameters the handler reads that the valid request leaves out. */
    final List<String> optionalQuery = new ArrayList<>();
    final Map<String, Function<Fixtures, String>> headers = new LinkedHashMap<>();
    Function<Fixtures, JsonNode> json;
    boolean form;
    boolean stream;
    BiConsumer<Fixtures, RawClient.Answer> after = (f, a) -> { };

    FuzzRoute(String method, String path) {
        this.method = method;
        this.path = path;
    }

    String key() {
        return method + " " + path;
    }

    FuzzRoute as(Auth auth) {
        this.auth = auth;
        return this;
    }

    FuzzRoute param(String name, Function<Fixtures, String> value) {
        params.put(name, value);
        return this;
    }

    FuzzRoute query(String name, Function<Fixtures, String> value) {
        query.put(name, value);
        return this;
    }

    FuzzRoute optional(String... names) {
        optionalQuery.addAll(List.of(names));
        return this;
    }

    FuzzRoute header(String name, Function<Fixtures, String> value) {
        headers.put(name, value);
        return this;
    }

    FuzzRoute json(Function<Fixtures, JsonNode> body) {
        this.json = body;
        return this;
    }

    FuzzRoute form() {
        this.form = true;
        return this;
    }

    /** A Server-Sent Events stream: only the status of its answer is read. */
    FuzzRoute stream() {
        this.stream = true;
        return this;
    }

    FuzzRoute after(BiConsumer<Fixtures, RawClient.Answer> hook) {
        this.after = hook;
        return this;
    }
}
