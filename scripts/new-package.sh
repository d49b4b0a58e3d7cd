#!/usr/bin/env bash
# Creates the skeleton of a @dio/<name> package: scripts/new-package.sh <name> "<description>" [dep ...]
set -euo pipefail
name=$1; desc=$2; shift 2
dir=packages/$name
mkdir -p "$dir/src"
deps=""
for d in "$@"; do deps+="\"@dio/$d\": \"workspace:*\","; done
deps=${deps%,}
cat > "$dir/package.json" <<JSON
{
  "name": "@dio/$name",
  "version": "0.1.0",
  "description": "$desc",
  "license": "MIT",
  "type": "module",
  "sideEffects": false,
  "engines": { "node": ">=20.11" },
  "repository": { "type": "git", "url": "git+https://example.invalid/dio.git", "directory": "$dir" },
  "exports": {
    ".": {
      "@dio/source": "./src/index.ts",
      "types": "./dist/index.d.ts",
      "import": "./dist/index.js"
    },
    "./package.json": "./package.json"
  },
  "types": "./dist/index.d.ts",
  "files": ["dist", "README.md"],
  "scripts": {
    "build": "tsup",
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
  "include": ["src", "test", "bench", "examples"]
}
JSON
printf "export { default } from '../../tsup.shared';
" > "$dir/tsup.config.ts"
printf "export { default } from '../../vitest.shared';
" > "$dir/vitest.config.ts"
