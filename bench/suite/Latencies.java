import java.util.Arrays;

/** Latency samples of one thread, merged at the end; percentiles by nearest rank. */
final class Latencies {

    private long[] nanos = new long[1024];
    private int size;

    void add(long n) {
        if (size == nanos.length) {
            nanos = Arrays.copyOf(nanos, size * 2);
        }
        nanos[size++] = n;
    }

    int size() {
        return size;
    }

    static Latencies merge(Iterable<Latencies> parts) {
        Latencies all = new Latencies();
        for (Latencies p : parts) {
            synchronized (p) {
                for (int i = 0; i < p.size; i++) {
                    all.add(p.nanos[i]);
                }
            }
        }
        Arrays.sort(all.nanos, 0, all.size);
        return all;
    }

    /** The p-th percentile in milliseconds of a merged (sorted) set; NaN when empty. */
    double millis(double p) {
        if (size == 0) {
            return Double.NaN;
        }
        int rank = (int) Math.ceil(p / 100.0 * size);
        return nanos[Math.max(0, Math.min(size - 1, rank - 1))] / 1e6;
    }
}
