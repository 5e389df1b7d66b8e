-- What a chat-session worker reports in a heartbeat beyond the document's metrics (its own
-- session counts, load averages…), as a JSON object, so nothing it sends is lost.
ALTER TABLE worker_metrics ADD COLUMN extra TEXT;
