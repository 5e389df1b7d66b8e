package dev.vectis.workers;

import java.util.List;
import java.util.Optional;

/** One worker as operators see it: its record, the chat sessions live on it (by id) and its newest metrics sample. */
public record WorkerOverview(Worker worker, List<String> liveSessions, Optional<MetricsSample> lastMetrics) {
}
