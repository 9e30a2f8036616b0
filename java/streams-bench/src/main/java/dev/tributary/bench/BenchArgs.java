package dev.tributary.bench;

import java.util.HashMap;
import java.util.Map;

/** `--name value` command-line options; every missing required option is named in the error. */
final class BenchArgs {
    private final Map<String, String> values = new HashMap<>();

    BenchArgs(String[] args, int from) {
        for (int i = from; i < args.length; i++) {
            String arg = args[i];
            if (!arg.startsWith("--") || i + 1 >= args.length) {
                throw new IllegalArgumentException("expected --name value, got '" + arg + "'");
            }
            values.put(arg.substring(2), args[++i]);
        }
    }

    String string(String name) {
        String value = values.get(name);
        if (value == null) throw new IllegalArgumentException("missing option --" + name);
        return value;
    }

    String string(String name, String fallback) {
        return values.getOrDefault(name, fallback);
    }

    long number(String name) {
        return Long.parseLong(string(name));
    }

    long number(String name, long fallback) {
        String value = values.get(name);
        return value == null ? fallback : Long.parseLong(value);
    }
}
