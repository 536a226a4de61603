// SPDX-License-Identifier: MIT
// Entry point (build.mjs bundles this file and the CSS it imports).
import { render } from 'preact';
import './style.css';
import 'virtual:icons.css';
import { App } from './app.jsx';

performance.mark('alter:start');
render(<App />, document.getElementById('app'));
