package dev.tributary.bench;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The app's half of the sink watcher protocol (bench/sink-watcher.ts): once it has processed its whole
 * input, a sink app prints {"event":"processed"} and waits for the bench to write "output-complete" on its
 * stdin, which the bench does once the sink topic holds the whole output. The watching happens in the
 * bench's process, so its polling is not counted as the app's CPU.
 */
final class OutputSignal {
    static boolean awaitOutputComplete(long timeoutMs) throws Exception {
        System.out.println("{\"event\":\"processed\"}");
        System.out.flush();
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        CompletableFuture<Boolean> signal = CompletableFuture.supplyAsync(() -> {
            try {
                for (String line; (line = in.readLine()) != null; ) {
                    if (line.trim().equals("output-complete")) return true;
                }
                return false;
            } catch (java.io.IOException e) {
                return false;
            }
        });
        try {
            return signal.get(Math.max(1, timeoutMs), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            return false;
        }
    }
}
