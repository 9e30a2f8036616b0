#!/usr/bin/env node
// The `tributary` command. Plain JavaScript so that any Node can start it: the CLI itself is TypeScript
// (src/cli/main.ts), which needs a Node that strips types (>= 22.18; the package asks for >= 22.22).
// On an older Node (e.g. a system Node 20 found first on PATH), this re-runs the CLI with the project's own
// Node from the `node` dev dependency when it is installed.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const [major, minor] = process.versions.node.split('.').map(Number);
const stripsTypes = major > 22 || (major === 22 && minor >= 18);
const cli = fileURLToPath(new URL('../src/cli/main.ts', import.meta.url));

if (stripsTypes) {
  await import(cli);
} else {
  const projectNode = fileURLToPath(new URL('../node_modules/.bin/node', import.meta.url));
  if (!existsSync(projectNode)) {
    process.stderr.write(
      `tributary: needs Node >= 22.22 (this is Node ${process.versions.node}); run 'npm ci' in the project to get its own Node, or upgrade\n`,
    );
    process.exit(1);
  }
  const child = spawn(projectNode, [cli, ...process.argv.slice(2)], { stdio: 'inherit' });
  // The child owns clean-up (e.g. stopping Kafka on Ctrl-C): pass signals on and wait for it to finish.
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(signal, () => child.kill(signal));
  child.on('error', (error) => {
    process.stderr.write(`tributary: cannot run ${projectNode}: ${error.message}\n`);
    process.exit(1);
  });
  child.on('close', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
}
