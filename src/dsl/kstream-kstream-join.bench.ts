/**
 * Stream-stream join throughput through the TopologyTestDriver (no Kafka): the join processors and their
 * in-memory window stores (retainDuplicates) alone. Records alternate left and right, one per millisecond,
 * each key sent left then right, keys cycling through `--keys`, joined within ±`--window-ms`.
 *
 *   node src/dsl/kstream-kstream-join.bench.ts [--records 100000] [--keys 10000] [--window-ms 10000]
 *
 * Prints one JSON object (with the load average: the machine is shared).
 */
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { Serdes } from '../serdes/serdes.ts';
import { TopologyTestDriver } from '../test-driver/topology-test-driver.ts';
import { JoinWindows } from './join-windows.ts';
import { StreamsBuilder } from './streams-builder.ts';

const { values: args } = parseArgs({
  options: {
    records: { type: 'string', default: '100000' },
    keys: { type: 'string', default: '10000' },
    'window-ms': { type: 'string', default: '10000' },
  },
});
const RECORDS = Number(args.records);
const KEYS = Number(args.keys);
const WINDOW_MS = Number(args['window-ms']);
const BASE = 1_700_000_000_000;

const builder = new StreamsBuilder();
let joined = 0;
builder
  .stream<string, string>('left')
  .join(builder.stream<string, string>('right'), (l, r) => l + r, JoinWindows.ofTimeDifferenceWithNoGrace(WINDOW_MS))
  .foreach(() => {
    joined++;
  });
const driver = new TopologyTestDriver(builder.build(), { 'application.id': 'join-bench' });
const left = driver.createInputTopic('left', Serdes.String(), Serdes.String());
const right = driver.createInputTopic('right', Serdes.String(), Serdes.String());
const keys = Array.from({ length: KEYS }, (_, i) => `key-${i}`);

const started = performance.now();
const cpuStarted = process.cpuUsage();
for (let i = 0; i < RECORDS; i++) (i % 2 === 0 ? left : right).pipeInput(keys[(i >>> 1) % KEYS]!, 'v', BASE + i);
const seconds = (performance.now() - started) / 1000;
const cpu = process.cpuUsage(cpuStarted);
driver.close();
console.log(
  JSON.stringify({
    records: RECORDS,
    keys: KEYS,
    windowMs: WINDOW_MS,
    joined,
    seconds: Number(seconds.toFixed(2)),
    recordsPerSecond: Math.round(RECORDS / seconds),
    cpuSecondsPerMillion: Number((((cpu.user + cpu.system) / 1e6) * (1e6 / RECORDS)).toFixed(1)),
    loadavg: loadavg()[0],
  }),
);
