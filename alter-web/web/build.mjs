// SPDX-License-Identifier: MIT
// The dashboard build: bundles src/main.jsx (Preact, JSX compiled by esbuild; + the CSS it imports) with esbuild into
// $ALTER_WEB_OUTDIR (default dist/): index.html at the root, content-hashed files under assets/.
// alter-web/gen_assets.py runs `npm run build` with ALTER_WEB_OUTDIR set and embeds the result.
// Contract (any bundler may replace this script): the output dir holds index.html and files
// under assets/ whose names carry a content hash ("name-HASH.ext", HASH >= 8 characters),
// served as immutable; everything else is revalidated (ETag). No inline scripts or styles
// (the Content-Security-Policy forbids them).
import * as esbuild from 'esbuild';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const outdir = resolve(process.env.ALTER_WEB_OUTDIR || join(here, 'dist'));
rmSync(outdir, { recursive: true, force: true });
mkdirSync(join(outdir, 'assets'), { recursive: true });

const result = await esbuild.build({
  entryPoints: [join(here, 'src/main.jsx')],
  jsx: 'automatic',
  jsxImportSource: 'preact',
  bundle: true,
  minify: true,
  format: 'esm',
  target: ['es2020'],
  outdir: join(outdir, 'assets'),
  entryNames: 'app-[hash]',
  assetNames: '[name]-[hash]',
  metafile: true,
  legalComments: 'none',
  logLevel: 'warning',
});

// Put the hashed names into index.html.
let js = '', css = '';
for (const [file, meta] of Object.entries(result.metafile.outputs)) {
  if (!meta.entryPoint) continue;
  const url = '/' + relative(outdir, resolve(file)).split('\\').join('/');
  if (file.endsWith('.js')) js = url;
  if (meta.cssBundle) css = '/' + relative(outdir, resolve(meta.cssBundle)).split('\\').join('/');
}
const html = readFileSync(join(here, 'index.html'), 'utf8')
  .replace('%APP_JS%', js)
  .replace('%APP_CSS%', css);
writeFileSync(join(outdir, 'index.html'), html);
console.log(`dashboard built into ${outdir}: ${basename(js)} ${basename(css)}`);
