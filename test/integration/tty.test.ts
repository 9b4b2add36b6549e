import { spawn } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import { CLI, fixture } from '../helpers/hookvisor.js';

let stop: (() => void) | undefined;
afterEach(() => stop?.());

describe('interactive main (docker run -it)', () => {
  it('gives main the terminal: Ctrl-C reaches it exactly once and does not stop the container', async () => {
    // `script` runs hookvisor on a fresh pseudo-terminal and relays our writes as keystrokes.
    const child = spawn('script', ['-qfec', `${process.execPath} ${CLI} --log-format pretty -- ${fixture('tty-main.sh')}`, '/dev/null'], {
      stdio: ['pipe', 'pipe', 'pipe'],
      detached: true,
    });
    stop = () => {
      try {
        process.kill(-child.pid!, 'SIGKILL');
      } catch {
        // gone
      }
    };
    let out = '';
    const seen = (text: string) =>
      new Promise<void>((resolve, reject) => {
        const check = () => {
          if (!out.includes(text)) return;
          child.stdout.off('data', check);
          resolve();
        };
        child.stdout.on('data', check);
        child.once('exit', () => reject(new Error(`exited before "${text}":\n${out}`)));
        check();
      });
    child.stdout.on('data', (d) => (out += d));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));

    await seen('READY');
    child.stdin.write('\x03');
    await seen('main got INT 1');
    child.stdin.write('quit\n');
    await seen('line: quit');
    expect(await exited).toBe(5);
    expect(out).toContain('owns terminal: yes');
    expect(out.match(/main got INT/g)).toHaveLength(1);
    expect(out).not.toContain('stopping on');
    // On a terminal the pretty format is coloured.
    expect(out).toContain('\x1b[32mINFO \x1b[0m main started');
  });

  it('prints no colour on a terminal when NO_COLOR is set', async () => {
    const child = spawn('script', ['-qfec', `${process.execPath} ${CLI} --log-format pretty -- true`, '/dev/null'], {
      stdio: ['pipe', 'pipe', 'pipe'],
      env: { ...process.env, NO_COLOR: '1' },
    });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    expect(await new Promise((resolve) => child.on('close', resolve))).toBe(0);
    expect(out).toMatch(/INFO {2}main started/);
    expect(out).not.toContain('\x1b[');
  });
});
