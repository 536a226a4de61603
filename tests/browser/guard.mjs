// SPDX-License-Identifier: MIT
// Preloaded by meson (node --import guard.mjs --test ...): exit 77 (meson: SKIP) when Debian's
// chromium, tests/browser/node_modules or the binaries under test are missing.
import { missingPrerequisites } from './lib/harness.mjs';

const missing = missingPrerequisites();
if (missing.length) {
  console.log(`browser tests skipped: missing ${missing.join(', ')}`);
  process.exit(77);
}
