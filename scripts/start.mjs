// `npm start` runs the gateway on one machine once the pipeline exists; until then it says so.
console.error(
  'npm start: the gateway pipeline (ingest, processor, deadletter on the local host) is not built yet. ' +
    'Use `npm run build` and the `hl7gw` CLI (node_modules/.bin/hl7gw) meanwhile.',
);
process.exit(1);
