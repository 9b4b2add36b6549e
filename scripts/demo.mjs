// `npm run demo`: runs hookvisor around the demo daemon with hooks.example.yaml, stops it with SIGTERM
// once the daemon is up, and shows the whole lifecycle in pretty logs.
import { spawn } from 'node:child_process';

const hv = spawn(process.execPath, ['dist/cli/main.js', '--hooks', 'hooks.example.yaml', '--log-format', 'pretty'], {
  stdio: ['ignore', 'pipe', 'inherit'],
});
hv.stdout.on('data', (chunk) => {
  process.stdout.write(chunk);
  if (String(chunk).includes('READY')) {
    // Let the daemon write a few records, as a real one would, before the orchestrator stops it.
    setTimeout(() => {
      process.stdout.write('\n--- demo: sending SIGTERM to hookvisor, as `docker stop` would ---\n\n');
      hv.kill('SIGTERM');
    }, 1000);
  }
});
hv.on('exit', (code) => {
  process.stdout.write(`\n--- demo: hookvisor exited with ${code} ---\n`);
  process.exitCode = code ?? 1;
});
