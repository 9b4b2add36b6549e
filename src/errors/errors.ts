/** One problem in a hooks file, located so a person can jump to it. */
export interface ConfigIssue {
  /** Dotted key path inside the file, such as `hooks.preStop[0].timeout`; empty for the whole document. */
  path: string;
  message: string;
  line?: number;
  column?: number;
}

/** The hooks file (or the values it expands) is invalid. Raised before any process starts; exit 2. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  constructor(
    readonly file: string | undefined,
    readonly issues: readonly ConfigIssue[],
  ) {
    super(issues.map((i) => i.message).join('; '));
  }
}

/** The command line is wrong. Exit 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/** The main command could not be executed (not found, not executable). */
export class SpawnError extends Error {
  override readonly name = 'SpawnError';
  constructor(
    readonly command: string,
    /** errno code from the failed exec, such as ENOENT or EACCES. */
    readonly code: string,
  ) {
    super(`cannot execute ${command}: ${code}`);
  }

  /** Shell convention: 127 when the program is not there, 126 when it is there but cannot run. */
  get exitCode(): number {
    return this.code === 'ENOENT' || this.code === 'ENOTDIR' ? 127 : 126;
  }
}
