package dev.vectis.http;

/** A path and everything below it: "/api/jobs" owns "/api/jobs" and "/api/jobs/x", not "/api/jobsx". */
public record PathPrefix(String prefix) {

    public boolean covers(String path) {
        return path.equals(prefix) || path.startsWith(prefix + "/");
    }

    public static boolean any(String path, PathPrefix... prefixes) {
        for (PathPrefix p : prefixes) {
            if (p.covers(path)) {
                return true;
            }
        }
        return false;
    }
}
