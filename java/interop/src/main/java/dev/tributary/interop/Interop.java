package dev.tributary.interop;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.BooleanDeserializer;
import org.apache.kafka.common.serialization.BooleanSerializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.DoubleDeserializer;
import org.apache.kafka.common.serialization.DoubleSerializer;
import org.apache.kafka.common.serialization.FloatDeserializer;
import org.apache.kafka.common.serialization.FloatSerializer;
import org.apache.kafka.common.serialization.IntegerDeserializer;
import org.apache.kafka.common.serialization.IntegerSerializer;
import org.apache.kafka.common.serialization.LongDeserializer;
import org.apache.kafka.common.serialization.LongSerializer;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.serialization.ShortDeserializer;
import org.apache.kafka.common.serialization.ShortSerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.common.serialization.UUIDDeserializer;
import org.apache.kafka.common.serialization.UUIDSerializer;

/**
 * Java's side of Tributary's compatibility tests.
 *
 * <pre>
 * produce BOOTSTRAP TOPIC PARTITIONS   creates TOPIC, then reads lines "string BASE64" / "int N" from stdin and
 *                                      sends each as a record keyed by that string (StringSerializer) or int
 *                                      (IntegerSerializer), partitioned by Java's default partitioner; prints
 *                                      one line "KEYHEX PARTITION OFFSET" per acknowledged record.
 * serdes                               reads lines "TYPE VALUE OURHEX" from stdin (VALUE as documented in
 *                                      parse()), prints "JAVAHEX DECODED-OK|DECODED-DIFFERENT:..." per line:
 *                                      Java's bytes for VALUE, and whether Java's deserializer reads OURHEX
 *                                      back to VALUE.
 * </pre>
 */
public final class Interop {
  private static final HexFormat HEX = HexFormat.of();

  public static void main(String[] args) throws Exception {
    String mode = args.length > 0 ? args[0] : "help";
    switch (mode) {
      case "produce" -> produce(args[1], args[2], Integer.parseInt(args[3]));
      case "serdes" -> serdes();
      default -> {
        System.err.println("usage: produce BOOTSTRAP TOPIC PARTITIONS | serdes   (input on stdin, see Interop.java)");
        System.exit(2);
      }
    }
  }

  private static List<String> stdinLines() throws Exception {
    List<String> lines = new ArrayList<>();
    try (BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8))) {
      for (String line; (line = in.readLine()) != null; ) {
        if (!line.isBlank()) lines.add(line);
      }
    }
    return lines;
  }

  private static void produce(String bootstrap, String topic, int partitions) throws Exception {
    List<String> keys = stdinLines();
    try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
      admin.createTopics(List.of(new NewTopic(topic, partitions, (short) 1))).all().get(60, TimeUnit.SECONDS);
    }
    Properties props = new Properties();
    props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    props.put(ProducerConfig.ACKS_CONFIG, "all");
    props.put(ProducerConfig.LINGER_MS_CONFIG, "5");
    // No partitioner.class: Java's built-in partitioner places every keyed record by murmur2 of its key bytes.
    StringSerializer strings = new StringSerializer();
    IntegerSerializer ints = new IntegerSerializer();
    List<Future<RecordMetadata>> sent = new ArrayList<>();
    List<byte[]> sentKeys = new ArrayList<>();
    try (KafkaProducer<byte[], byte[]> producer =
        new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer())) {
      for (String line : keys) {
        String[] parts = line.split(" ", 2);
        byte[] key =
            switch (parts[0]) {
              case "string" -> strings.serialize(topic, new String(Base64.getDecoder().decode(parts[1]), StandardCharsets.UTF_8));
              case "int" -> ints.serialize(topic, Integer.parseInt(parts[1]));
              default -> throw new IllegalArgumentException("unknown key type in line: " + line);
            };
        sentKeys.add(key);
        sent.add(producer.send(new ProducerRecord<>(topic, key, line.getBytes(StandardCharsets.UTF_8))));
      }
      producer.flush();
      StringBuilder out = new StringBuilder();
      for (int i = 0; i < sent.size(); i++) {
        RecordMetadata md = sent.get(i).get(60, TimeUnit.SECONDS);
        out.append(HEX.formatHex(sentKeys.get(i))).append(' ').append(md.partition()).append(' ').append(md.offset()).append('\n');
      }
      System.out.print(out);
    }
  }

  private static void serdes() throws Exception {
    StringBuilder out = new StringBuilder();
    for (String line : stdinLines()) {
      String[] parts = line.split(" ", 3);
      String type = parts[0];
      Object value = parse(type, parts[1]);
      byte[] java = serializer(type).serialize("t", value);
      Object decoded = deserializer(type).deserialize("t", HEX.parseHex(parts[2]));
      // Float.equals and Double.equals compare bits (NaN equals NaN, 0.0 differs from -0.0): exact enough.
      boolean same = Objects.equals(value, decoded);
      out.append(HEX.formatHex(java)).append(' ').append(same ? "DECODED-OK" : "DECODED-DIFFERENT:" + decoded).append('\n');
    }
    System.out.print(out);
  }

  /**
   * VALUE per TYPE: Short/Integer/Long decimal; Double as the 16 hex digits of the IEEE bits; Float as the 16 hex
   * digits of a double's bits, narrowed with a (float) cast (what Tributary's Float serde does with a JS number);
   * String as base64 of UTF-8; UUID as text; Boolean true/false.
   */
  private static Object parse(String type, String text) {
    return switch (type) {
      case "Short" -> Short.parseShort(text);
      case "Integer" -> Integer.parseInt(text);
      case "Long" -> Long.parseLong(text);
      case "Double" -> Double.longBitsToDouble(Long.parseUnsignedLong(text, 16));
      case "Float" -> (float) Double.longBitsToDouble(Long.parseUnsignedLong(text, 16));
      case "String" -> new String(Base64.getDecoder().decode(text), StandardCharsets.UTF_8);
      case "UUID" -> UUID.fromString(text);
      case "Boolean" -> Boolean.parseBoolean(text);
      default -> throw new IllegalArgumentException("unknown type " + type);
    };
  }

  @SuppressWarnings("unchecked")
  private static Serializer<Object> serializer(String type) {
    Serializer<?> s =
        switch (type) {
          case "Short" -> new ShortSerializer();
          case "Integer" -> new IntegerSerializer();
          case "Long" -> new LongSerializer();
          case "Double" -> new DoubleSerializer();
          case "Float" -> new FloatSerializer();
          case "String" -> new StringSerializer();
          case "UUID" -> new UUIDSerializer();
          case "Boolean" -> new BooleanSerializer();
          default -> throw new IllegalArgumentException("unknown type " + type);
        };
    return (Serializer<Object>) s;
  }

  private static Deserializer<?> deserializer(String type) {
    return switch (type) {
      case "Short" -> new ShortDeserializer();
      case "Integer" -> new IntegerDeserializer();
      case "Long" -> new LongDeserializer();
      case "Double" -> new DoubleDeserializer();
      case "Float" -> new FloatDeserializer();
      case "String" -> new StringDeserializer();
      case "UUID" -> new UUIDDeserializer();
      case "Boolean" -> new BooleanDeserializer();
      default -> throw new IllegalArgumentException("unknown type " + type);
    };
  }
}
