package dev.vectis.api.executor;

import dev.vectis.error.InvalidInputException;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.regex.Pattern;

/**
 * Where a job's bundle comes from: a path under /uploads on this server, or an absolute
 * http(s) URL. Anything else (file:, relative paths elsewhere, ..) is refused.
 */
final class FileUrls {

    private static final Pattern UPLOAD = Pattern.compile("/uploads/[A-Za-z0-9][A-Za-z0-9._-]{0,200}\\.zip");

    private FileUrls() {
    }

    static void check(String fileUrl) {
        InvalidInputException.maxLength(fileUrl, "fileUrl", 2048);
        if (UPLOAD.matcher(fileUrl).matches() && !fileUrl.contains("..")) {
            return;
        }
        try {
            URI uri = new URI(fileUrl);
            String scheme = uri.getScheme();
            if (("http".equals(scheme) || "https".equals(scheme)) && uri.getHost() != null) {
                return;
            }
        } catch (URISyntaxException e) {
            // falls through to the message below
        }
        throw new InvalidInputException("fileUrl", "fileUrl must be /uploads/<name>.zip or an absolute http(s) URL");
    }
}
