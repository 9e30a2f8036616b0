/**
 * The dashboard's single page: plain HTML, CSS and browser JavaScript in one string (no CDN, no build step).
 * It polls `dashboard.json` (relative, so the page also works under a path prefix) every second and draws the
 * topology from describe() as SVG: per sub-topology, nodes in columns by their distance from a source.
 */
export const DASHBOARD_PAGE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Tributary dashboard</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>
  :root { --bg:#0f1419; --panel:#182029; --text:#d8dee6; --dim:#8a96a3; --src:#2f7d5b; --proc:#2c5d8f; --sink:#8f5a2c; --warn:#c9a227; --bad:#c0392b; }
  body { margin:0; font:14px/1.4 system-ui, sans-serif; background:var(--bg); color:var(--text); }
  header { padding:12px 20px; background:var(--panel); display:flex; gap:24px; align-items:baseline; flex-wrap:wrap; }
  header h1 { font-size:18px; margin:0; }
  .state { font-weight:bold; padding:2px 8px; border-radius:4px; background:#333; }
  .state.RUNNING { background:var(--src); } .state.REBALANCING { background:var(--warn); color:#000; }
  .state.ERROR, .state.PENDING_ERROR { background:var(--bad); }
  main { padding:12px 20px; display:grid; gap:16px; }
  section { background:var(--panel); border-radius:6px; padding:12px; overflow-x:auto; }
  h2 { font-size:15px; margin:0 0 8px; color:var(--dim); }
  table { border-collapse:collapse; width:100%; }
  th, td { text-align:left; padding:3px 10px 3px 0; border-bottom:1px solid #26303b; white-space:nowrap; }
  td.n { text-align:right; font-variant-numeric:tabular-nums; }
  svg text { fill:var(--text); font-size:11px; }
  svg .edge { stroke:#55606c; stroke-width:1.5; fill:none; marker-end:url(#arrow); }
  .muted { color:var(--dim); } pre { margin:0; font-size:12px; color:var(--dim); }
  .err { color:var(--bad); }
</style>
</head>
<body>
<header><h1>Tributary</h1><span id="app" class="muted"></span><span>state <span id="state" class="state">?</span></span>
<span id="threads-alive" class="muted"></span><span id="updated" class="muted"></span><span id="error" class="err"></span></header>
<main>
  <section><h2>Topology</h2><div id="topology" class="muted">no topology description</div></section>
  <section><h2>Stream threads</h2><table id="threads"></table></section>
  <section><h2>Tasks</h2><table id="tasks"></table></section>
  <section><h2>Input lag (records-lag)</h2><table id="lag"></table></section>
  <section><h2>Internal topics</h2><table id="internal"></table></section>
  <section><h2>describe()</h2><pre id="text"></pre></section>
</main>
<script>
'use strict';
const esc = (s) => String(s).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]);
const num = (v) => typeof v !== 'number' ? esc(v) : Number.isInteger(v) ? v.toLocaleString('en') : v.toFixed(v < 10 ? 2 : 1);
const $ = (id) => document.getElementById(id);
function pick(metrics, group, name, tags) {
  return metrics.filter((m) => m.group === group && m.name === name && Object.entries(tags || {}).every(([k, v]) => m.tags[k] === v));
}
const sum = (ms) => ms.reduce((t, m) => t + (typeof m.value === 'number' ? m.value : 0), 0);
function table(el, head, rows) {
  el.innerHTML = '<tr>' + head.map((h) => '<th>' + esc(h) + '</th>').join('') + '</tr>' +
    (rows.length ? rows.map((r) => '<tr>' + r.map((c) => typeof c === 'number' ? '<td class="n">' + num(c) + '</td>' : '<td>' + esc(c) + '</td>').join('') + '</tr>').join('')
      : '<tr><td class="muted" colspan="' + head.length + '">none</td></tr>');
}
let drawnTopology = '';
function drawTopology(topology, metrics) {
  const key = JSON.stringify(topology);
  if (key !== drawnTopology) {
    drawnTopology = key;
    $('topology').innerHTML = topology.subtopologies.map((s) => layout(s.id, s.nodes)).join('') +
      topology.globalStores.map((g) => layout(g.id + ' (global store)', [g.source, g.processor])).join('');
  }
  // Live figures on the drawing: lag on sources, processed/s on sub-topologies.
  for (const el of document.querySelectorAll('[data-lag-topics]')) {
    const topics = el.getAttribute('data-lag-topics').split(',');
    const lag = sum(metrics.filter((m) => m.name === 'records-lag' && topics.includes(m.tags.topic)));
    el.textContent = 'lag ' + num(lag);
  }
  for (const el of document.querySelectorAll('[data-subtopology]')) {
    const id = el.getAttribute('data-subtopology');
    const rate = sum(pick(metrics, 'stream-task-metrics', 'process-rate').filter((m) => m.tags['task-id'].split('_')[0] === id));
    el.textContent = num(rate) + ' records/s';
  }
}
function layout(id, nodes) {
  const byName = new Map(nodes.map((n) => [n.name, n]));
  const depth = new Map();
  const depthOf = (n, seen) => {
    if (depth.has(n.name)) return depth.get(n.name);
    if (seen.has(n.name)) return 0;
    seen.add(n.name);
    const preds = (n.predecessors || []).map((p) => byName.get(p)).filter(Boolean);
    const d = preds.length ? 1 + Math.max(...preds.map((p) => depthOf(p, seen))) : 0;
    depth.set(n.name, d);
    return d;
  };
  nodes.forEach((n) => depthOf(n, new Set()));
  const columns = [];
  for (const n of nodes) (columns[depth.get(n.name)] ||= []).push(n);
  const W = 220, H = 58, GX = 50, GY = 14, pos = new Map();
  columns.forEach((col, c) => col.forEach((n, r) => pos.set(n.name, { x: 10 + c * (W + GX), y: 10 + r * (H + GY) })));
  const width = 20 + columns.length * (W + GX), height = 20 + Math.max(...columns.map((c) => c.length)) * (H + GY);
  let svg = '<svg width="' + width + '" height="' + height + '"><defs><marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" markerHeight="7" orient="auto"><path d="M0,0L10,5L0,10z" fill="#55606c"/></marker></defs>';
  for (const n of nodes) for (const s of n.successors || []) {
    const a = pos.get(n.name), b = pos.get(s);
    if (!a || !b) continue;
    const x1 = a.x + W, y1 = a.y + H / 2, x2 = b.x, y2 = b.y + H / 2;
    svg += '<path class="edge" d="M' + x1 + ',' + y1 + ' C' + (x1 + GX / 2) + ',' + y1 + ' ' + (x2 - GX / 2) + ',' + y2 + ' ' + x2 + ',' + y2 + '"/>';
  }
  for (const n of nodes) {
    const p = pos.get(n.name);
    const color = n.type === 'source' ? 'var(--src)' : n.type === 'sink' ? 'var(--sink)' : 'var(--proc)';
    const detail = n.type === 'source' ? (n.topics ? n.topics.join(', ') : '/' + n.topicPattern + '/')
      : n.type === 'sink' ? '→ ' + (n.topic ?? n.topicNameExtractor) : (n.stores.length ? 'stores: ' + n.stores.join(', ') : '');
    svg += '<g><title>' + esc(n.type + ': ' + n.name + (detail ? '\\n' + detail : '')) + '</title>' +
      '<rect x="' + p.x + '" y="' + p.y + '" width="' + W + '" height="' + H + '" rx="6" fill="' + color + '"/>' +
      '<text x="' + (p.x + 8) + '" y="' + (p.y + 16) + '" font-weight="bold">' + esc(n.name.length > 32 ? n.name.slice(0, 31) + '…' : n.name) + '</text>' +
      '<text x="' + (p.x + 8) + '" y="' + (p.y + 32) + '">' + esc(detail.length > 34 ? detail.slice(0, 33) + '…' : detail) + '</text>' +
      (n.type === 'source' && n.topics ? '<text x="' + (p.x + 8) + '" y="' + (p.y + 48) + '" data-lag-topics="' + esc(n.topics.join(',')) + '"></text>' : '') +
      '</g>';
  }
  return '<h2>Sub-topology ' + esc(id) + ' · <span data-subtopology="' + esc(String(id).split(' ')[0]) + '"></span></h2>' + svg + '</svg>';
}
function render(snap) {
  const m = snap.metrics;
  const app = pick(m, 'stream-metrics', 'application-id')[0];
  $('app').textContent = app ? app.value : '';
  $('state').textContent = snap.state;
  $('state').className = 'state ' + snap.state;
  const alive = pick(m, 'stream-metrics', 'alive-stream-threads')[0];
  $('threads-alive').textContent = (alive ? alive.value : 0) + ' alive stream thread(s)';
  $('updated').textContent = 'updated ' + new Date(snap.timeMs).toLocaleTimeString();
  if (snap.topology) drawTopology(snap.topology, m);
  $('text').textContent = snap.topologyText || '';
  table($('threads'), ['thread', 'state', 'process/s', 'processed', 'poll/s', 'commit/s', 'commit avg ms', 'commit max ms', 'punctuate/s', 'blocked s'],
    snap.threads.map((t) => {
      const g = (name) => { const x = pick(m, 'stream-thread-metrics', name, { 'thread-id': t.threadName })[0]; return x ? x.value : 0; };
      return [t.threadName, t.threadState, g('process-rate'), g('process-total'), g('poll-rate'), g('commit-rate'), g('commit-latency-avg'), g('commit-latency-max'), g('punctuate-rate'), g('blocked-time-ns-total') / 1e9];
    }));
  table($('tasks'), ['task', 'thread', 'phase', 'partitions', 'process/s', 'processed', 'dropped', 'lag'],
    snap.threads.flatMap((t) => t.activeTasks.map((task) => {
      const tags = { 'thread-id': t.threadName, 'task-id': task.taskId };
      const g = (name) => { const x = pick(m, 'stream-task-metrics', name, tags)[0]; return x ? x.value : 0; };
      const lag = sum(m.filter((x) => x.name === 'records-lag' && task.topicPartitions.some((tp) => tp.topic === x.tags.topic && String(tp.partition) === x.tags.partition)));
      return [task.taskId, t.threadName, task.phase, task.topicPartitions.map((tp) => tp.topic + '-' + tp.partition).join(', '), g('process-rate'), g('process-total'), g('dropped-records-total'), lag];
    })));
  table($('lag'), ['topic', 'partition', 'records-lag'],
    pick(m, 'consumer-fetch-manager-metrics', 'records-lag').map((x) => [x.tags.topic, x.tags.partition, x.value]));
  table($('internal'), ['topic', 'kind'], snap.internalTopics.map((t) => [t.name, t.kind]));
}
async function tick() {
  try {
    const response = await fetch('dashboard.json', { cache: 'no-store' });
    if (!response.ok) throw new Error('HTTP ' + response.status);
    render(await response.json());
    $('error').textContent = '';
  } catch (error) {
    $('error').textContent = 'cannot reach the application: ' + error.message;
  }
  setTimeout(tick, 1000);
}
tick();
</script>
</body>
</html>
`;
