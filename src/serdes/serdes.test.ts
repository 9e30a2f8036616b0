import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { type Serde, SerializationException } from './serde.ts';
import { Serdes } from './serdes.ts';

const TOPIC = 'orders';

function roundTrip<T>(serde: Serde<T>, value: T): T {
  return serde.deserializer(TOPIC, serde.serializer(TOPIC, value));
}

function hex(serde: Serde<any>, value: unknown): string | undefined {
  return serde.serializer(TOPIC, value)?.toString('hex');
}

describe('Serdes', () => {
  test('every serde maps null to null bytes and null bytes to null, like Java', () => {
    for (const serde of [
      Serdes.String(),
      Serdes.JSON<{ a: number }>(),
      Serdes.Bytes(),
      Serdes.ByteArray(),
      Serdes.Short(),
      Serdes.Integer(),
      Serdes.Long(),
      Serdes.BigLong(),
      Serdes.Float(),
      Serdes.Double(),
      Serdes.Boolean(),
      Serdes.UUID(),
      Serdes.Void(),
    ] as Serde<any>[]) {
      assert.equal(serde.serializer(TOPIC, null), null, serde.name);
      assert.equal(serde.deserializer(TOPIC, null), null, serde.name);
    }
  });

  test('String writes UTF-8 and reads it back', () => {
    assert.equal(hex(Serdes.String(), 'héllo'), Buffer.from('héllo', 'utf8').toString('hex'));
    assert.equal(roundTrip(Serdes.String(), '日本語 🎉'), '日本語 🎉');
    assert.equal(roundTrip(Serdes.String(), ''), '');
  });

  test('JSON round-trips typed values and names the topic on bytes that are not JSON', () => {
    const serde = Serdes.JSON<{ id: number; tags: string[] }>();
    const value = roundTrip(serde, { id: 7, tags: ['a', 'b'] });
    assert.deepEqual(value, { id: 7, tags: ['a', 'b'] });
    assert.equal(hex(serde, { id: 1 }), Buffer.from('{"id":1}').toString('hex'));
    assert.throws(
      () => serde.deserializer(TOPIC, Buffer.from('{"id":')),
      (e: unknown) =>
        e instanceof SerializationException &&
        /^Serdes\.JSON\(\) on topic "orders": the bytes are not valid JSON/.test(e.message),
    );
    assert.throws(
      () => serde.serializer(TOPIC, (() => 1) as never),
      /Serdes\.JSON\(\) on topic "orders": a function has no JSON form/,
    );
  });

  test('Bytes passes bytes through and accepts Uint8Array', () => {
    const bytes = Buffer.from([0, 1, 255]);
    assert.equal(Serdes.Bytes().serializer(TOPIC, bytes), bytes);
    assert.deepEqual(Serdes.Bytes().serializer(TOPIC, new Uint8Array([9, 8]) as Buffer), Buffer.from([9, 8]));
    assert.throws(
      () => Serdes.Bytes().serializer(TOPIC, 'text' as never),
      /Serdes\.Bytes\(\) on topic "orders": expects a Buffer/,
    );
  });

  test("Short and Integer are big-endian two's complement and refuse values outside their range", () => {
    assert.equal(hex(Serdes.Short(), -2), 'fffe');
    assert.equal(hex(Serdes.Integer(), 1), '00000001');
    assert.equal(hex(Serdes.Integer(), -1), 'ffffffff');
    assert.equal(hex(Serdes.Integer(), 0x12345678), '12345678');
    for (const n of [0, 1, -1, 2147483647, -2147483648]) assert.equal(roundTrip(Serdes.Integer(), n), n);
    for (const n of [0, 32767, -32768]) assert.equal(roundTrip(Serdes.Short(), n), n);
    assert.throws(
      () => Serdes.Integer().serializer(TOPIC, 2147483648),
      /Serdes\.Integer\(\) on topic "orders": expects an int32/,
    );
    assert.throws(() => Serdes.Integer().serializer(TOPIC, 1.5), /expects an int32/);
    assert.throws(
      () => Serdes.Short().serializer(TOPIC, 40000),
      /Serdes\.Short\(\) on topic "orders": expects an int16/,
    );
  });

  test('Long covers the safe integers exactly and refuses the rest both ways, pointing to BigLong', () => {
    assert.equal(hex(Serdes.Long(), -2), 'fffffffffffffffe');
    assert.equal(hex(Serdes.Long(), 2 ** 40 + 5), '0000010000000005');
    assert.equal(hex(Serdes.Long(), Number.MAX_SAFE_INTEGER), '001fffffffffffff');
    assert.equal(hex(Serdes.Long(), Number.MIN_SAFE_INTEGER), 'ffe0000000000001');
    for (const n of [
      0,
      1,
      -1,
      2 ** 32,
      -(2 ** 32),
      2 ** 32 - 1,
      -(2 ** 31) - 1,
      Number.MAX_SAFE_INTEGER,
      Number.MIN_SAFE_INTEGER,
    ]) {
      assert.equal(roundTrip(Serdes.Long(), n), n);
      assert.equal(Serdes.Long().serializer(TOPIC, n)!.readBigInt64BE(0), BigInt(n));
    }
    assert.throws(
      () => Serdes.Long().serializer(TOPIC, 2 ** 53),
      /Serdes\.Long\(\) on topic "orders": expects a safe integer.*Serdes\.BigLong\(\)/,
    );
    const big = Buffer.alloc(8);
    big.writeBigInt64BE(2n ** 53n + 1n);
    assert.throws(
      () => Serdes.Long().deserializer(TOPIC, big),
      /Serdes\.Long\(\) on topic "orders": read 9007199254740993, beyond/,
    );
  });

  test('BigLong covers the whole int64 range', () => {
    for (const n of [0n, -1n, 2n ** 63n - 1n, -(2n ** 63n), 2n ** 53n + 1n])
      assert.equal(roundTrip(Serdes.BigLong(), n), n);
    assert.equal(hex(Serdes.BigLong(), -(2n ** 63n)), '8000000000000000');
    assert.throws(
      () => Serdes.BigLong().serializer(TOPIC, 2n ** 63n),
      /Serdes\.BigLong\(\) on topic "orders": expects an int64 bigint/,
    );
    assert.throws(() => Serdes.BigLong().serializer(TOPIC, 5 as never), /expects an int64 bigint, got 5 \(number\)/);
  });

  test('Float and Double are IEEE 754 big-endian; Float rounds to float32', () => {
    assert.equal(hex(Serdes.Double(), 1.5), '3ff8000000000000');
    assert.equal(hex(Serdes.Float(), 1.5), '3fc00000');
    assert.equal(roundTrip(Serdes.Double(), 0.1), 0.1);
    assert.equal(roundTrip(Serdes.Float(), 0.1), Math.fround(0.1));
    assert.ok(Number.isNaN(roundTrip(Serdes.Double(), Number.NaN)));
    assert.equal(roundTrip(Serdes.Double(), -Infinity), -Infinity);
    assert.throws(
      () => Serdes.Double().serializer(TOPIC, '1' as never),
      /Serdes\.Double\(\) on topic "orders": expects a number/,
    );
  });

  test('Boolean is one byte and rejects anything but 0x00 and 0x01', () => {
    assert.equal(hex(Serdes.Boolean(), true), '01');
    assert.equal(hex(Serdes.Boolean(), false), '00');
    assert.equal(roundTrip(Serdes.Boolean(), true), true);
    assert.throws(
      () => Serdes.Boolean().deserializer(TOPIC, Buffer.from([2])),
      /Serdes\.Boolean\(\) on topic "orders": expects 0x00 or 0x01/,
    );
  });

  test('UUID is the lower-case text form and rejects other bytes', () => {
    const id = '123E4567-E89B-12D3-A456-426614174000';
    assert.equal(Serdes.UUID().serializer(TOPIC, id)!.toString(), id.toLowerCase());
    assert.equal(roundTrip(Serdes.UUID(), id), id.toLowerCase());
    assert.throws(
      () => Serdes.UUID().serializer(TOPIC, 'not-a-uuid'),
      /Serdes\.UUID\(\) on topic "orders": expects a UUID string/,
    );
    assert.throws(
      () => Serdes.UUID().deserializer(TOPIC, Buffer.alloc(16)),
      /Serdes\.UUID\(\) on topic "orders": the bytes are not a UUID/,
    );
  });

  test('Void accepts only null', () => {
    assert.throws(
      () => Serdes.Void().serializer(TOPIC, 1 as never),
      /Serdes\.Void\(\) on topic "orders": expects null/,
    );
    assert.throws(
      () => Serdes.Void().deserializer(TOPIC, Buffer.from([1])),
      /Serdes\.Void\(\) on topic "orders": expects null data/,
    );
  });

  test('fixed-width deserializers name the topic, the serde and the size on bytes of the wrong length', () => {
    const cases: [Serde<any>, string, number][] = [
      [Serdes.Short(), 'Short', 2],
      [Serdes.Integer(), 'Integer', 4],
      [Serdes.Long(), 'Long', 8],
      [Serdes.BigLong(), 'BigLong', 8],
      [Serdes.Float(), 'Float', 4],
      [Serdes.Double(), 'Double', 8],
      [Serdes.Boolean(), 'Boolean', 1],
    ];
    for (const [serde, name, size] of cases) {
      assert.throws(
        () => serde.deserializer(TOPIC, Buffer.from([1, 2, 3])),
        (e: unknown) =>
          e instanceof SerializationException &&
          e.topic === TOPIC &&
          e.serde === `Serdes.${name}()` &&
          e.message === `Serdes.${name}() on topic "orders": expects ${size} bytes, got 010203 (3 bytes)`,
      );
    }
  });

  test('types flow from the serde (checked by tsc)', () => {
    const n: number = Serdes.Integer().deserializer(TOPIC, Buffer.from([0, 0, 0, 1]));
    const b: bigint = Serdes.BigLong().deserializer(TOPIC, Buffer.alloc(8));
    const o: { id: number } = Serdes.JSON<{ id: number }>().deserializer(TOPIC, Buffer.from('{"id":3}'));
    // @ts-expect-error a string is not an Integer
    assert.throws(() => Serdes.Integer().serializer(TOPIC, '1'));
    // @ts-expect-error a number is not a bigint
    assert.throws(() => Serdes.BigLong().serializer(TOPIC, 1));
    assert.deepEqual([n, b, o], [1, 0n, { id: 3 }]);
  });
});
