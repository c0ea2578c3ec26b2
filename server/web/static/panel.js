// Cookie Lab panel loader: runs the Go/WebAssembly panel (panel.wasm, with
// Go's wasm_exec.js loaded before this file) inside <aside id="panel">.
// The panel itself is Go (wasm/); this file only starts it, and says so in
// the panel when it cannot. Pages and forms work without it.
(function () {
  'use strict';
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
  if (!document.querySelector('link[href="/static/panel.css"]')) {
    var link = document.createElement('link');
    link.rel = 'stylesheet';
    link.href = '/static/panel.css';
    document.head.appendChild(link);
  }

  if (typeof Go !== 'function' || typeof WebAssembly !== 'object') {
    fail(new Error(typeof Go !== 'function' ? 'wasm_exec.js did not load' : 'this browser has no WebAssembly'));
    return;
  }
  var go = new Go();
  go.exit = function (code) {
    if (code !== 0) fail(new Error('the panel stopped (exit code ' + code + '); see the browser console'));
  };

  var instantiate = function (response) {
    if (!response.ok) throw new Error('GET /static/panel.wasm: HTTP ' + response.status);
    if (WebAssembly.instantiateStreaming) {
      var copy = response.clone();
      return WebAssembly.instantiateStreaming(response, go.importObject).catch(function () {
        // A proxy that changed the Content-Type: compile from the bytes.
        return copy.arrayBuffer().then(function (b) { return WebAssembly.instantiate(b, go.importObject); });
      });
    }
    return response.arrayBuffer().then(function (b) { return WebAssembly.instantiate(b, go.importObject); });
  };

  fetch('/static/panel.wasm', { credentials: 'same-origin' })
    .then(instantiate)
    .then(function (result) { return go.run(result.instance); })
    .catch(fail);
})();
