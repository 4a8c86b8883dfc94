#!/usr/bin/env node
// A committed shim so the bin link exists before the first build; the code lives in dist/.
import { main } from '../dist/cli.js';

process.exitCode = await main(process.argv.slice(2));
