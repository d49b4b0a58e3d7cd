#!/usr/bin/env bash
# Creates the skeleton of an example workspace package: scripts/new-example.sh <name> "<description>" dep...
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/skeleton.sh"
name=$1; desc=$2; shift 2
dir=examples/$name
mkdir -p "$dir/src" "$dir/test"
cat > "$dir/package.json" <<JSON
{
  "name": "@dio-example/$name",
  "version": "0.0.0",
  "private": true,
  "description": "$desc",
  "license": "MIT",
  "type": "module",
  "scripts": {
    "start": "node ../../scripts/run-ts.mjs src/main.ts",
    "test": "vitest run",
    "typecheck": "tsc -p tsconfig.json",
    "lint": "eslint src test"
  },
  "dependencies": { $(skeleton_deps "$@") }
}
JSON
skeleton_configs "$dir" '"src", "test"'
# a main that takes its arguments as every example does (examples/shared/args.ts), unless there is one
[ -e "$dir/src/main.ts" ] || cat > "$dir/src/main.ts" <<TS
import { runExample, seed as seedArg, time } from '../../shared/args';

await runExample('@dio-example/$name', [time('runtime', '100ms'), seedArg('1')], ([runtime, seed]) => {
  console.log(\`$name: runtime \${runtime.text}, seed \${seed}\`);
});
TS
