import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { test } from 'node:test';
import { javaInteropUnavailable, runJavaInterop } from '../harness/java-interop.ts';
import type { Serde } from './serde.ts';
import { Serdes } from './serdes.ts';

interface Sample {
  /** Java's serializer family, as Interop.java names it. */
  readonly javaType: string;
  readonly serde: Serde<any>;
  readonly value: unknown;
  /** The value as Interop.java parses it (see its parse()). */
  readonly javaText: string;
  /** What our deserializer must return for Java's bytes. */
  readonly expected: unknown;
}

function doubleBits(n: number): string {
  const buffer = Buffer.alloc(8);
  buffer.writeDoubleBE(n);
  return buffer.toString('hex');
}

function samples(): Sample[] {
  const list: Sample[] = [];
  const add = (javaType: string, serde: Serde<any>, value: unknown, javaText: string, expected: unknown = value) =>
    list.push({ javaType, serde, value, javaText, expected });
  for (const n of [0, 1, -1, 32767, -32768, 12345]) add('Short', Serdes.Short(), n, String(n));
  for (const n of [0, 1, -1, 2147483647, -2147483648, 123456789, -987654321])
    add('Integer', Serdes.Integer(), n, String(n));
  for (const n of [0, -1, Number.MAX_SAFE_INTEGER, Number.MIN_SAFE_INTEGER, 2 ** 32, -(2 ** 32) + 7, 1234567890123]) {
    add('Long', Serdes.Long(), n, String(n));
  }
  for (const n of [2n ** 63n - 1n, -(2n ** 63n), 2n ** 53n + 1n, -42n]) add('Long', Serdes.BigLong(), n, n.toString());
  for (const n of [0, -0, 0.1, 1e300, -1.5, Number.NaN, Infinity, -Infinity, 5e-324, Math.PI]) {
    add('Double', Serdes.Double(), n, doubleBits(n));
  }
  for (const n of [0, -0, 0.1, 1.5, 3.4028235e38, 1e-40, 1e39, Number.NaN, -2.5e-7]) {
    add('Float', Serdes.Float(), n, doubleBits(n), Math.fround(n));
  }
  for (const s of ['', 'hello', 'héllo wörld', '日本語', '🎉 emoji', 'nul\u0000inside', 'x'.repeat(300)]) {
    add('String', Serdes.String(), s, Buffer.from(s, 'utf8').toString('base64'));
  }
  for (const id of [randomUUID(), randomUUID(), '00000000-0000-0000-0000-000000000000'])
    add('UUID', Serdes.UUID(), id, id);
  const upper = randomUUID().toUpperCase();
  add('UUID', Serdes.UUID(), upper, upper, upper.toLowerCase());
  add('Boolean', Serdes.Boolean(), true, 'true');
  add('Boolean', Serdes.Boolean(), false, 'false');
  return list;
}

test("serdes write the same bytes as Java's serializers, and each side reads the other's bytes back", {
  skip: javaInteropUnavailable(),
}, async () => {
  const list = samples();
  const ours = list.map((s) => s.serde.serializer('t', s.value)!.toString('hex'));
  const input = list.map((s, i) => `${s.javaType} ${s.javaText} ${ours[i] || '-'}`).join('\n');
  // An empty hex field would vanish in Java's split: '-' stands for no bytes there.
  const javaLines = (await runJavaInterop(['serdes'], input.replace(/ -$/gm, ' '))).trimEnd().split('\n');
  assert.equal(javaLines.length, list.length);
  list.forEach((sample, i) => {
    const [javaHex, verdict] = javaLines[i].split(' ');
    const what = `${sample.serde.name} ${String(sample.value)}`;
    assert.equal(ours[i], javaHex, `${what}: our bytes differ from Java's`);
    assert.equal(verdict, 'DECODED-OK', `${what}: Java read our bytes as something else (${verdict})`);
    const decoded = sample.serde.deserializer('t', Buffer.from(javaHex, 'hex'));
    assert.ok(Object.is(decoded, sample.expected), `${what}: we read Java's bytes as ${String(decoded)}`);
  });
});
