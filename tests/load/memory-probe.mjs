// Preloaded (`node --import`) into the broker and host processes of a load run: once a second
// it writes the process's `process.memoryUsage()` to `<HL7GW_LOAD_MEMORY_DIR>/<pid>.json`, so
// the runner can tell heap growth (objects kept alive) from RSS the allocator did not return.
// A file per pid keeps the children's stdout, which the runner parses for readiness, untouched.
import { renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setInterval } from 'node:timers';

const dir = process.env.HL7GW_LOAD_MEMORY_DIR;
if (dir) {
  const file = join(dir, `${process.pid}.json`);
  const write = () => {
    try {
      // Written aside and renamed, so the runner never reads half a file.
      writeFileSync(`${file}.tmp`, JSON.stringify({ atMs: Date.now(), ...process.memoryUsage() }));
      renameSync(`${file}.tmp`, file);
    } catch {
      // The directory is gone once the run ends; the probe has nothing left to report.
    }
  };
  write();
  // Unref'd: the probe must never keep a process alive that would otherwise exit.
  setInterval(write, 1_000).unref();
}
