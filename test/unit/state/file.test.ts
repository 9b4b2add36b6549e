import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { fileState, OWED_FILE, readOwed } from '../../../src/state/file.js';

let dir: string;
afterEach(() => rmSync(dir, { recursive: true, force: true }));
const fresh = () => (dir = mkdtempSync(join(tmpdir(), 'hv-state-')));

describe('the state file', () => {
  it('writes the record into a directory it creates (0700, file 0600), reads it back and clears it', () => {
    const stateDir = join(fresh(), 'var/lib/hookvisor');
    const state = fileState(stateDir, 1);
    expect(state.read()).toBeUndefined();
    state.write({ since: '2026-11-23T08:00:00.000Z', hooksFile: '/etc/hookvisor/hooks.yaml', preStartCompleted: false });
    state.write({ since: '2026-11-23T08:00:00.000Z', hooksFile: '/etc/hookvisor/hooks.yaml', preStartCompleted: true });
    expect(statSync(stateDir).mode & 0o777).toBe(0o700);
    expect(statSync(state.path).mode & 0o777).toBe(0o600);
    expect(state.read()).toEqual({
      record: { version: 1, pid: 1, since: '2026-11-23T08:00:00.000Z', hooksFile: '/etc/hookvisor/hooks.yaml', preStartCompleted: true },
    });
    // Atomic: only the record itself, no temporary file beside it.
    expect(readdirSync(stateDir)).toEqual([OWED_FILE]);
    state.clear();
    state.clear();
    expect(state.read()).toBeUndefined();
    expect(readdirSync(stateDir)).toEqual([]);
  });

  it('reads a file it cannot parse as owed, saying why', () => {
    const path = join(fresh(), OWED_FILE);
    writeFileSync(path, '{"version": 1, "since": "2026');
    expect(readOwed(path)?.unreadable).toMatch(/JSON/);
    writeFileSync(path, '{"some": "thing"}');
    expect(readOwed(path)).toEqual({ unreadable: 'not a hookvisor state record (version 1)' });
    writeFileSync(path, '');
    expect(readOwed(path)?.unreadable).toBeDefined();
    expect(readFileSync(path, 'utf8')).toBe('');
  });

  it('reads any other read error as owed too (skipping a recovery is not safe), and no such file or directory as nothing owed', () => {
    expect(readOwed(fresh())?.unreadable).toMatch(/not a regular file/);
    expect(readOwed(join(dir, 'missing', OWED_FILE))).toBeUndefined();
    writeFileSync(join(dir, 'a-file'), '');
    expect(readOwed(join(dir, 'a-file', OWED_FILE))).toBeUndefined();
  });

  it('never follows a symlink planted as the lock file or the record, and never quotes what a record holds', () => {
    const stateDir = fresh();
    const victim = join(stateDir, 'victim');
    writeFileSync(victim, 'root:secret-hash:19000\n');
    symlinkSync(victim, join(stateDir, OWED_FILE));
    const elsewhere = join(stateDir, 'created-by-root');
    symlinkSync(elsewhere, join(stateDir, '.lock'));
    const state = fileState(stateDir, 1, () => 'locked');
    expect(() => state.tryLock()).toThrow(/ELOOP/);
    expect(existsSync(elsewhere)).toBe(false);
    expect(state.read()).toEqual({ unreadable: 'a symlink, not a record: not followed' });
    writeFileSync(join(stateDir, 'plain'), 'root:secret-hash:19000\n');
    expect(JSON.stringify(readOwed(join(stateDir, 'plain')))).not.toContain('secret-hash');
    expect(readFileSync(victim, 'utf8')).toBe('root:secret-hash:19000\n');
  });
});
