// The single executable's entry (scripts/sea.mjs). With no second file to run, it is also the exec-as
// step that runs a `user:` process; otherwise it is main.ts, which installs the signal handlers first.
import { EXEC_AS_FLAG } from '../process/as-user.js';

if (process.argv[2] === EXEC_AS_FLAG) {
  process.argv.splice(2, 1);
  void import('../process/exec-as.js');
} else {
  void import('./main.js');
}
