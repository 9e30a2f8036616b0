import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Windowed } from '../../src/dsl/windowed.ts';
import { Serdes } from '../../src/serdes/serdes.ts';
import type { SessionStore } from '../../src/state/session-store.ts';
import { TopologyTestDriver } from '../../src/test-driver/topology-test-driver.ts';
import {
  buildUserSessionsTopology,
  CLICKS_TOPIC,
  INACTIVITY_GAP_MS,
  SESSION_CLICKS_TOPIC,
  SESSIONS_STORE,
  windowedUserSerde,
} from './topology.ts';

const MINUTE = 60_000;
const T0 = 1_700_000_000_000;

test('one count per closed session: 30 idle minutes end a session; an out-of-order click joins an open one, a too-late one is dropped', () => {
  const driver = new TopologyTestDriver(buildUserSessionsTopology(), { 'application.id': 'user-sessions' });
  const clicks = driver.createInputTopic(CLICKS_TOPIC, Serdes.String(), Serdes.String());
  const output = driver.createOutputTopic(SESSION_CLICKS_TOPIC, windowedUserSerde, Serdes.Long());
  const read = () => output.readRecordsToList().map((r) => `${Windowed.toString(r.key)}=${r.value}`);

  const at = (minutes: number) => T0 + minutes * MINUTE;
  clicks.pipeInput('alice', '/home', at(0));
  clicks.pipeInput('alice', '/cart', at(10));
  clicks.pipeInput('bob', '/home', at(12));
  clicks.pipeInput('carol', '/home', at(40));
  assert.deepEqual(read(), [], 'no session is final yet: each waits for its end + 30 min gap + 1 min grace');
  clicks.pipeInput('bob', '/faq', at(38)); // out of order, but bob's session is still open: it joins it
  clicks.pipeInput('dave', '/home', at(75)); // stream time 75 min: alice's, bob's and carol's sessions close
  assert.deepEqual(read(), [
    `[alice@${at(0)}/${at(10)}]=2`,
    `[bob@${at(12)}/${at(38)}]=2`,
    `[carol@${at(40)}/${at(40)}]=1`,
  ]);
  clicks.pipeInput('alice', '/home', at(76)); // 66 minutes after her last click: a new session
  clicks.pipeInput('alice', '/cart', at(5)); // her first session has closed: this click is dropped
  clicks.pipeInput('erin', '/home', at(200));
  assert.deepEqual(read(), [`[dave@${at(75)}/${at(75)}]=1`, `[alice@${at(76)}/${at(76)}]=1`]);
  assert.equal(INACTIVITY_GAP_MS, 30 * MINUTE);
  const store = driver.getStateStores(SESSIONS_STORE)[0] as unknown as SessionStore<string, number>;
  assert.equal(store.fetchSession('erin', at(200), at(200)), 1);
  driver.close();
});
