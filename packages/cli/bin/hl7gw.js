#!/usr/bin/env node
// A committed shim so the bin link exists before the first build; the code lives in dist/.
import { main } from '../dist/main.js';

// A reader that stops early (`hl7gw parse x | head`) closes the pipe: that is not an error.
process.stdout.on('error', (error) => {
  if (error.code === 'EPIPE') process.exit(0);
  throw error;
});

process.exitCode = await main(process.argv.slice(2));
