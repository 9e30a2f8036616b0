package dev.tributary.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The completion detector and stopwatch of one run: counts processed records, notes the time (and the
 * process's CPU time) of the first and of the expected last record, and prints one JSON line. The same
 * fields are printed by the Tributary side (bench/tributary/meter.ts), so bench/run.ts reads both alike.
 */
final class Meter {
    private final long expected;
    private final AtomicLong processed = new AtomicLong();
    private final CountDownLatch done = new CountDownLatch(1);
    private final long startNanos = System.nanoTime();
    private final long cpuAtStart = processCpuNanos();
    private volatile long firstNanos;
    private volatile long cpuAtFirst;
    private volatile long lastNanos;
    private volatile long cpuAtLast;
    private volatile long outputNanos;
    private volatile long cpuAtOutput;
    private volatile long at10PercentNanos;
    private volatile long at90PercentNanos;

    Meter(long expected) {
        this.expected = expected;
    }

    /** Called once per processed record, from any thread. */
    void record() {
        long n = processed.incrementAndGet();
        if (n == 1) {
            firstNanos = System.nanoTime();
            cpuAtFirst = processCpuNanos();
        }
        if (n == expected / 10) at10PercentNanos = System.nanoTime();
        if (n == expected * 9 / 10) at90PercentNanos = System.nanoTime();
        if (n == expected) finish();
    }

    /** Marks the end now (for workloads whose last step is not a single record, e.g. a final flush). */
    void finish() {
        lastNanos = System.nanoTime();
        cpuAtLast = processCpuNanos();
        done.countDown();
    }

    /**
     * Ends the wait without an end mark (the result reads as timed out): a failed app should not sit out
     * its whole time limit.
     */
    void abort() {
        done.countDown();
    }

    /** Marks the moment the sink topic held the whole output (sink workloads: the end of their window). */
    void markOutputComplete() {
        outputNanos = System.nanoTime();
        cpuAtOutput = processCpuNanos();
    }

    boolean timedOut() {
        return lastNanos == 0;
    }

    long expected() {
        return expected;
    }

    long processed() {
        return processed.get();
    }

    boolean awaitDone(long timeoutMs) throws InterruptedException {
        return done.await(timeoutMs, TimeUnit.MILLISECONDS);
    }

    /** The result as one JSON object; on a timeout the figures cover what was processed until now. */
    String json(String workload, Map<String, Object> extra) {
        boolean timedOut = lastNanos == 0;
        long end = timedOut ? System.nanoTime() : lastNanos;
        long cpuEnd = timedOut ? processCpuNanos() : cpuAtLast;
        long n = Math.min(processed.get(), expected);
        double firstToLastMs = firstNanos == 0 ? 0 : (end - firstNanos) / 1e6;
        double startToLastMs = (end - startNanos) / 1e6;
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("workload", workload);
        out.put("impl", "kafka-streams");
        out.put("expected", expected);
        out.put("processed", n);
        out.put("timedOut", timedOut);
        out.put("firstToLastMs", firstToLastMs);
        out.put("startToLastMs", startToLastMs);
        out.put("recordsPerSec", firstToLastMs > 0 ? n / (firstToLastMs / 1000) : 0);
        out.put("recordsPerSecFromStart", startToLastMs > 0 ? n / (startToLastMs / 1000) : 0);
        // Steady state: the records between the 10% and the 90% mark, without warm-up and tail.
        long steadyNanos = at90PercentNanos - at10PercentNanos;
        out.put("recordsPerSecSteady", at90PercentNanos > 0 && at10PercentNanos > 0 && steadyNanos > 0
                ? (expected * 9 / 10 - expected / 10) / (steadyNanos / 1e9) : 0);
        out.put("cpuSecondsWindow", firstNanos == 0 ? 0 : (cpuEnd - cpuAtFirst) / 1e9);
        out.put("cpuSecondsRun", (cpuEnd - cpuAtStart) / 1e9);
        out.put("cpuSecondsProcess", processCpuNanos() / 1e9);
        if (outputNanos > 0 && firstNanos > 0) {
            double toOutputMs = (outputNanos - firstNanos) / 1e6;
            out.put("outputCompleteMs", toOutputMs);
            out.put("recordsPerSecToOutput", n / (toOutputMs / 1000));
            out.put("cpuSecondsWindowToOutput", (cpuAtOutput - cpuAtFirst) / 1e9);
        }
        out.put("peakRssBytes", peakRssBytes());
        out.put("runtime", "java " + System.getProperty("java.version") + ", max heap "
                + Runtime.getRuntime().maxMemory() / (1024 * 1024) + " MiB");
        out.putAll(extra);
        return toJson(out);
    }

    static long processCpuNanos() {
        var os = ManagementFactory.getOperatingSystemMXBean();
        return os instanceof com.sun.management.OperatingSystemMXBean sun ? sun.getProcessCpuTime() : 0;
    }

    /** VmHWM of /proc/self/status: the process's peak resident set, as the Node side reads it. */
    static long peakRssBytes() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmHWM:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
                }
            }
        } catch (IOException | NumberFormatException e) {
            // not Linux: report 0 rather than fail the run
        }
        return 0;
    }

    static String toJson(Map<String, Object> map) {
        StringBuilder sb = new StringBuilder("{");
        for (var entry : map.entrySet()) {
            if (sb.length() > 1) sb.append(',');
            sb.append('"').append(entry.getKey()).append("\":");
            Object v = entry.getValue();
            if (v instanceof Number || v instanceof Boolean) {
                sb.append(v);
            } else {
                sb.append('"').append(String.valueOf(v).replace("\\", "\\\\").replace("\"", "\\\"")).append('"');
            }
        }
        return sb.append('}').toString();
    }
}
