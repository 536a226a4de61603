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
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));

// `import 'virtual:icons.css'`: one CSS mask image per icon of src/icon-paths.js.
const iconsPlugin = {
  name: 'icons',
  setup(build) {
    build.onResolve({ filter: /^virtual:icons\.css$/ }, () => ({ path: 'icons.css', namespace: 'icons' }));
    build.onLoad({ filter: /.*/, namespace: 'icons' }, async () => {
      const src = join(here, 'src/icon-paths.js');
      const { ICONS } = await import(`${pathToFileURL(src).href}?t=${Date.now()}`);
      const css = Object.entries(ICONS).map(([name, body]) => {
        const svg = `<svg xmlns='http://www.w3.org/2000/svg' viewBox='0 0 24 24' fill='none' stroke='%23000' stroke-width='1.8' stroke-linecap='round' stroke-linejoin='round'>${body.replace(/"/g, "'")}</svg>`;
        return `.i-${name}{--i:url("data:image/svg+xml,${svg.replace(/</g, '%3C').replace(/>/g, '%3E')}")}`;
      }).join('\n');
      return { contents: css, loader: 'css', watchFiles: [src] };
    });
  },
};
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
  plugins: [iconsPlugin],
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
