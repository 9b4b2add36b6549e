export const HELP = `hookvisor: container init that runs your cleanup hooks around the main process.

Usage:
  hookvisor [run] [--hooks FILE] [options] -- COMMAND [ARG...]
  hookvisor dry-run --hooks FILE [options] [-- COMMAND [ARG...]]
  hookvisor schema
  hookvisor --help | --version

Commands:
  run        (default) run preStart, start COMMAND, and on a stop signal run preStop,
             forward the signal, wait, run postStop, and exit with COMMAND's status
  dry-run    validate the hooks file and print the plan and its worst-case stop time;
             starts nothing
  schema     print the JSON Schema of the hooks file, for editors and CI checks

Options:
  --hooks FILE          hooks file (env HOOKVISOR_HOOKS); without one hookvisor is a plain init
  --log-level LEVEL     trace, debug, info, warn, error or fatal (env HOOKVISOR_LOG_LEVEL; default info)
  --log-format FORMAT   json or pretty (env HOOKVISOR_LOG_FORMAT; default json); logs go to stderr
  --grace-period TIME   the orchestrator's stop clock, such as 30 or 30s (env HOOKVISOR_GRACE_PERIOD;
                        wins over stop.gracePeriod): postStop's worst case is reserved in it
  --allow-insecure-hooks  as root, run even from a hooks file (or a directory above it) that
                        others can write; refused by default, like sshd's StrictModes
  -h, --help            show this help
  -V, --version         show the version

COMMAND after -- wins over main.command in the hooks file.

Exit status: main's exit code, or 128+N when signal N ended it; 1 when main never started
(preStart failed or a stop came first); 127 command not found; 126 command not executable;
2 bad command line or hooks file.
`;
