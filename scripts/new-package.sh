#!/usr/bin/env bash
# Creates the skeleton of a @dio/<name> package: scripts/new-package.sh <name> "<description>" [dep ...]
set -euo pipefail
here=$(dirname "${BASH_SOURCE[0]}")
. "$here/skeleton.sh"
name=$1; desc=$2; shift 2
dir=packages/$name
mkdir -p "$dir/src"
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
  "publishConfig": {
    "exports": {
      ".": {
        "types": "./dist/index.d.ts",
        "import": "./dist/index.js"
      },
      "./package.json": "./package.json"
    }
  },
  "types": "./dist/index.d.ts",
  "files": ["dist", "README.md", "CHANGELOG.md"],
  "scripts": {
    "build": "tsup",
    "test": "vitest run",
    "typecheck": "tsc -p tsconfig.json",
    "lint": "eslint src",
    "check:publish": "publint --strict && attw --pack . --profile esm-only"
  },
  "dependencies": { $(skeleton_deps "$@") }
}
JSON
skeleton_configs "$dir" '"src", "test", "bench", "examples"'
printf "export { default } from '../../tsup.shared';\n" > "$dir/tsup.config.ts"
# every tarball ships the license (npm and pnpm pack LICENSE whatever "files" says)
cp "$here/../LICENSE" "$dir/LICENSE"
