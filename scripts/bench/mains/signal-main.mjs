// Main for signal latency: prints when each SIGHUP and SIGTERM arrives (ms since the epoch); exits on SIGTERM.
const now = () => (performance.timeOrigin + performance.now()).toFixed(3);
process.on('SIGHUP', () => process.stdout.write(`HUP ${now()}\n`));
process.on('SIGTERM', () => {
  process.stdout.write(`TERM ${now()}\n`);
  process.exit(0);
});
process.stdout.write('READY\n');
setInterval(() => {}, 1 << 30);
