// The floor row: the least a Node supervisor can do (spawn main, forward signals, exit with its status).
// No reaping, no hooks, no logs: what hookvisor costs is measured against this, not against a C init.
const { spawn } = require('node:child_process');
const { constants } = require('node:os');

const argv = process.argv.slice(process.argv.indexOf('--') + 1);
const child = spawn(argv[0], argv.slice(1), { stdio: 'inherit' });
for (const s of ['SIGTERM', 'SIGINT', 'SIGHUP', 'SIGQUIT', 'SIGUSR1', 'SIGUSR2']) process.on(s, () => child.kill(s));
child.on('exit', (code, signal) => process.exit(code ?? 128 + constants.signals[signal]));
