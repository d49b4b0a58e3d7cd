#!/usr/bin/env bash
# Creates the skeleton of an example workspace package: scripts/new-example.sh <name> "<description>" dep...
set -euo pipefail
name=$1; desc=$2; shift 2
dir=examples/$name
mkdir -p "$dir/src" "$dir/test"
deps=""
for d in "$@"; do deps+="\"@dio/$d\": \"workspace:*\","; done
deps=${deps%,}
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
    "lint": "eslint src"
  },
  "dependencies": { $deps }
}
JSON
cat > "$dir/tsconfig.json" <<JSON
{
  "extends": "../../tsconfig.base.json",
  "include": ["src", "test"]
}
JSON
printf "export { default } from '../../vitest.shared';
" > "$dir/vitest.config.ts"
