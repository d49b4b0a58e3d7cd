#!/usr/bin/env node
import { main } from './main';
import { cellWorkerMain, isCellWorker } from './parallel';
import { userCwd } from './user-fs';

// `dio … | head` closes the pipe early: that is not an error
process.stdout.on('error', (e: NodeJS.ErrnoException) => {
  if (e.code === 'EPIPE') process.exit(0);
  throw e;
});

if (isCellWorker()) cellWorkerMain();
else {
  const entry = import.meta.url.endsWith('.ts') ? null : new URL(import.meta.url);
  process.exitCode = await main(
    process.argv.slice(2),
    {
      out: (s) => process.stdout.write(`${s}\n`),
      err: (s) => process.stderr.write(`${s}\n`),
      isTTY: process.stderr.isTTY === true,
      cwd: userCwd(),
    },
    entry,
  );
}
