// Cookie Lab panel loader: runs the Go/WebAssembly panel (panel.wasm, with
// Go's wasm_exec.js) inside #panel. The panel itself is Go (wasm/); this
// file only starts it, and says so in the panel when it cannot. Pages and
// forms work without it.
//
// It is loaded async from <head>, so that the module compiles while the
// page is still parsed: compiling panel.wasm (about 3 MB) is most of the
// start-up. GET /api/state starts at once too. The panel itself starts
// when the document is parsed and wasm_exec.js (deferred) has run.
(function () {
  'use strict';
  // performance marks (cookielab:*) time the start-up in DevTools and in
  // the browser suite's benchmark; the panel adds main, state, rendered.
  var mark = function (name) { if (performance.mark) performance.mark('cookielab:' + name); };
  mark('loader');

  // The layout's <link rel=preload> started this fetch; its URL holds a
  // hash of the file, so a warm cache answers without asking the server.
  var preload = document.querySelector('link[rel=preload][type="application/wasm"]');
  var wasmURL = preload ? preload.href : '/static/panel.wasm';
  var fetchWasm = function () {
    return fetch(wasmURL, { credentials: 'same-origin' }).then(function (response) {
      if (!response.ok) throw new Error('GET ' + response.url + ': HTTP ' + response.status);
      return response;
    });
  };
  var compiled = typeof WebAssembly !== 'object' ? Promise.reject(new Error('this browser has no WebAssembly'))
    : fetchWasm().then(function (response) {
      if (!WebAssembly.compileStreaming) return response.arrayBuffer().then(WebAssembly.compile);
      var copy = response.clone();
      return WebAssembly.compileStreaming(response).catch(function () {
        // A proxy that changed the Content-Type: compile from the bytes.
        return copy.arrayBuffer().then(WebAssembly.compile);
      });
    });
  compiled.catch(function () { /* reported in the panel */ });

  // The panel takes this response for its first look when it would ask
  // for the same URL (it decides; if it differs, it asks again itself).
  var pending = '';
  try { pending = sessionStorage.getItem('cookielab.pendingEcho') || ''; } catch (e) { /* storage blocked */ }
  var stateURL = /^[0-9a-f]{32}$/.test(pending) ? '/api/state?echo=' + pending : '/api/state';
  var state = fetch(stateURL, { credentials: 'same-origin', cache: 'no-store', headers: { Accept: 'application/json' } });
  state.catch(function () { /* the panel reports it */ });
  // The panel's labels in the page's language (panel.LANG.json, preloaded
  // too): kept out of the binary.
  var labelsLink = document.querySelector('link[data-panel-labels]');
  var labels = labelsLink
    ? fetch(labelsLink.href, { credentials: 'same-origin' }).then(function (r) {
      if (!r.ok) throw new Error('GET ' + r.url + ': HTTP ' + r.status);
      return r.json();
    }).then(function (o) {
      // One string for the panel (panel.SetLabels): keys and values, each
      // ended by a NUL.
      var flat = '';
      Object.keys(o).forEach(function (k) { flat += k + '\u0000' + String(o[k]) + '\u0000'; });
      return flat;
    })
    : Promise.reject(new Error('no panel labels linked'));
  labels.catch(function () { /* the panel shows its label keys */ });
  window.cookielabPanel = { stateURL: stateURL, state: state, labels: labels };

  var start = function () {
    var panel = document.getElementById('panel');
    if (!panel) return;
    var ko = /^ko\b/i.test(panel.getAttribute('data-lang') || document.documentElement.lang || '');
    var text = ko
      ? { prefix: '패널을 시작하지 못했습니다: ', build: ' (패널이 빌드되지 않았다면 make run을 실행하세요)' }
      : { prefix: 'The panel could not start: ', build: ' (if the panel is not built, run make run)' };
    var fail = function (err) {
      var p = document.createElement('p');
      p.className = 'cl-error';
      p.setAttribute('role', 'alert');
      p.setAttribute('data-panel', 'error');
      p.textContent = text.prefix + (err && err.message ? err.message : String(err)) + text.build;
      panel.setAttribute('data-error', p.textContent);
      panel.replaceChildren(p);
    };

    // The layout links panel.css; add it if a page does not.
    if (!document.querySelector('link[data-panel-css]')) {
      var link = document.createElement('link');
      link.rel = 'stylesheet';
      link.href = '/static/panel.css';
      document.head.appendChild(link);
    }

    if (typeof Go !== 'function') {
      fail(new Error('wasm_exec.js did not load'));
      return;
    }
    var go = new Go();
    go.exit = function (code) {
      if (code !== 0) fail(new Error('the panel stopped (exit code ' + code + '); see the browser console'));
    };
    compiled
      .then(function (module) { mark('compiled'); return WebAssembly.instantiate(module, go.importObject); })
      .then(function (instance) { return go.run(instance); })
      .catch(fail);
  };
  // Start once the page is parsed and wasm_exec.js (deferred) has run:
  // an async script may arrive after the parse but before the deferred
  // scripts, so without Go it waits for DOMContentLoaded (or, if that has
  // gone by, load), and only then reports a missing wasm_exec.js.
  var started = false;
  var startOnce = function () {
    if (!started) {
      started = true;
      start();
    }
  };
  if (document.readyState === 'complete' || document.readyState !== 'loading' && typeof Go === 'function') {
    startOnce();
  } else {
    document.addEventListener('DOMContentLoaded', startOnce);
    window.addEventListener('load', startOnce);
  }
})();
