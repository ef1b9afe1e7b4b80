#!/usr/bin/env node
// The built CLI (npm install builds it); see main/cli/tunebench.ts.
const { main } = require('../dist/node/cli.cjs');
main(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
});
