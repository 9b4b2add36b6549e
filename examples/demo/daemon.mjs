// A small stand-in daemon for `npm run demo`: writes to its data directory, stops cleanly on SIGTERM.
import { appendFileSync } from 'node:fs';

const dir = process.env.DEMO_DATA_DIR ?? '/tmp';
let n = 0;
const tick = setInterval(() => appendFileSync(`${dir}/journal`, `record ${++n}\n`), 200);
process.on('SIGTERM', () => {
  clearInterval(tick);
  console.log(`demo-daemon: SIGTERM received, flushed ${n} records, exiting`);
  process.exit(0);
});
console.log(`demo-daemon: READY, writing to ${dir}/journal`);
