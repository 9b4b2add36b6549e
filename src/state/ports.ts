/** What a run keeps in the state directory while its postStop is owed. */
export interface OwedRecord {
  version: 1;
  /** When the run began its preStart (ISO time). */
  since: string;
  /** hookvisor's pid in that run (1 in a container). */
  pid: number;
  hooksFile?: string;
  /** preStart ran to its end and main was about to start. */
  preStartCompleted: boolean;
}

/** What the lifecycle says when it records an owed postStop. */
export type OwedEntry = Omit<OwedRecord, 'version' | 'pid'>;

/** A record found at start: what it says, or why it could not be read (it still means postStop is owed). */
export interface Owed {
  record?: OwedRecord;
  unreadable?: string;
}

/** The record of an owed postStop, behind a narrow interface; the CLI passes a file in `state:`, tests a fake. */
export interface StatePort {
  /** Where the record lives, for logs. */
  readonly path: string;
  /**
   * Takes the directory for this run, so two runs sharing it never take each other's record for a killed
   * run's: 'busy' while another hookvisor holds it; 'unsupported' without the FFI. Held until exit.
   */
  tryLock(): 'locked' | 'busy' | 'unsupported';
  /** The record a run left when its postStop never finished; undefined when nothing is owed. */
  read(): Owed | undefined;
  /** Replaces the record, atomically and durably; the port adds the version and our pid. */
  write(entry: OwedEntry): void;
  /** Removes the record, durably; nothing is owed afterwards. */
  clear(): void;
}
