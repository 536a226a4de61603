// SPDX-License-Identifier: MIT
// Icons are CSS masks generated at build time from src/icon-paths.js (build.mjs): one <span>
// each, painted in currentColor, so a table of 100 rows does not carry 500 inline SVGs.
export function Icon({ name, size = 16, class: cls }) {
  return <span class={`icon i-${name}${size !== 16 ? ' s' + size : ''}${cls ? ' ' + cls : ''}`} aria-hidden="true" />;
}

export function Logo({ size = 28 }) {
  return (
    <svg class="logo" width={size} height={size} viewBox="0 0 32 32" aria-hidden="true" focusable="false">
      <rect width="32" height="32" rx="8" class="logo-bg" />
      <path d="M7 17.5h4l2.5-6 4 11 3-8 1.5 3H25" fill="none" stroke="#fff" stroke-width="2.4" stroke-linecap="round" stroke-linejoin="round" />
    </svg>
  );
}
