package dev.vectis.workers;

import dev.vectis.error.InvalidInputException;
import java.util.List;
import java.util.Map;

/**
 * One page of the fleet view: filters (each list empty for any; several values of one filter
 * match any of them, different filters all must match), the order and where the page starts.
 *
 * @param labels label key to value, all of which a worker must carry
 * @param text   matched, ignoring case, anywhere in the id, name, hostname, address, endpoint,
 *               base URL or description
 * @param cursor a previous page's next cursor, for the same order; null for the first page
 */
public record FleetQuery(List<String> states, List<String> contracts, Map<String, String> labels, String text,
                         Sort sort, boolean descending, String cursor, int limit) {

    /** What the view is ordered by; each order ends with the id, so pages never overlap. */
    public enum Sort {
        ID("id"), LAST_HEARD("lastHeardAt"), STATE("state");

        private final String word;

        Sort(String word) {
            this.word = word;
        }

        public String word() {
            return word;
        }

        public static Sort of(String word) {
            for (Sort s : values()) {
                if (s.word.equals(word)) {
                    return s;
                }
            }
            throw new InvalidInputException("sort", "sort must be id, lastHeardAt or state");
        }
    }

    public FleetQuery {
        for (String s : states) {
            if (!WorkerState.ALL.contains(s)) {
                throw new InvalidInputException("state", "state must be one of " + String.join(", ", WorkerState.ALL));
            }
        }
        for (String c : contracts) {
            if (!WorkerContracts.ALL.contains(c)) {
                throw new InvalidInputException("contract", "contract must be one of "
                        + String.join(", ", WorkerContracts.ALL));
            }
        }
        InvalidInputException.maxLength(text, "q", 200);
        states = List.copyOf(states);
        contracts = List.copyOf(contracts);
        labels = Map.copyOf(labels);
    }
}
