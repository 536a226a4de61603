// SPDX-License-Identifier: MIT
// Shows the absolute API base (no inline scripts: the Content-Security-Policy forbids them).
document.getElementById('api-base').textContent = window.location.origin + '/api/v1';
