#!/usr/bin/env node
// The `dio` command of the installed package: the bundle tsup builds into
// dist/. This file is committed so that a fresh `pnpm install` of the
// workspace (nothing built yet) can link the bin without a warning; from a
// clone, `pnpm dio` runs the command from source.
import '../dist/bin.js';
