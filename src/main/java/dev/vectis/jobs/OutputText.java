package dev.vectis.jobs;

/**
 * Caps a job's stdout or stderr. Past the cap a marker line is added once and later output
 * is dropped, so one noisy job cannot fill the database.
 */
final class OutputText {

    private OutputText() {
    }

    static String marker(long cap) {
        return "\n[output truncated: more than " + cap + " characters]\n";
    }

    /** What to add to {@code existing} for this chunk: all of it, part of it plus the marker, or nothing. */
    static String addition(int existingLength, String chunk, long cap) {
        if (existingLength > cap || chunk.isEmpty()) { // longer than the cap: the marker is there already
            return "";
        }
        long room = cap - existingLength;
        if (chunk.length() <= room) {
            return chunk;
        }
        return chunk.substring(0, (int) room) + marker(cap);
    }

    static String capped(String text, long cap) {
        return text == null ? "" : addition(0, text, cap);
    }
}
