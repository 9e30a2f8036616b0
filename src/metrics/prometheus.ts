/**
 * Prometheus text exposition (format 0.0.4) of streams.metrics(), and a node:http handler serving it.
 * A metric `<group>/<name>` becomes `kafka_streams_<group>_<name>` (dashes to underscores), its tags become
 * labels. Text values (a state, an application id) become an `_info` gauge of 1 with the text as label `value`,
 * the usual Prometheus way to carry strings.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Metric } from './metric.ts';

export const PROMETHEUS_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

const sanitize = (text: string): string => text.replace(/[^a-zA-Z0-9_]/g, '_');
const escapeLabel = (text: string): string => text.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"');
const escapeHelp = (text: string): string => text.replace(/\\/g, '\\\\').replace(/\n/g, '\\n');

function formatNumber(value: number): string {
  if (Number.isNaN(value)) return 'NaN';
  if (value === Number.POSITIVE_INFINITY) return '+Inf';
  if (value === Number.NEGATIVE_INFINITY) return '-Inf';
  return String(value);
}

export function formatPrometheus(metrics: readonly Metric[]): string {
  // Prometheus wants all samples of one metric name together, under one HELP and TYPE line.
  const families = new Map<string, { help: string; lines: string[] }>();
  for (const metric of metrics) {
    const text = typeof metric.value === 'string';
    const name = `kafka_streams_${sanitize(metric.group)}_${sanitize(metric.name)}${text ? '_info' : ''}`;
    const labels = Object.entries(metric.tags).map(([k, v]) => `${sanitize(k)}="${escapeLabel(v)}"`);
    if (text) labels.push(`value="${escapeLabel(metric.value as string)}"`);
    const sample = `${name}${labels.length > 0 ? `{${labels.join(',')}}` : ''} ${text ? '1' : formatNumber(metric.value as number)}`;
    let family = families.get(name);
    if (family === undefined) {
      family = { help: metric.description, lines: [] };
      families.set(name, family);
    }
    family.lines.push(sample);
  }
  let out = '';
  for (const [name, family] of families) {
    out += `# HELP ${name} ${escapeHelp(family.help)}\n# TYPE ${name} gauge\n${family.lines.join('\n')}\n`;
  }
  return out;
}

/** A node:http handler answering every request with the current metrics in Prometheus text format. */
export function prometheusHandler(
  metrics: () => readonly Metric[],
): (req: IncomingMessage, res: ServerResponse) => void {
  return (_req, res) => {
    const body = formatPrometheus(metrics());
    res.writeHead(200, { 'content-type': PROMETHEUS_CONTENT_TYPE, 'cache-control': 'no-store' });
    res.end(body);
  };
}
