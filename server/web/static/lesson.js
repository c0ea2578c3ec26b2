// Cookie Lab lesson pages: one step at a time (Back/Next, arrow keys, a
// progress bar, ?step=N in the address), the actions that need a script
// (fetch, replay, wait), and the learner's progress. Without JavaScript the
// lesson reads as one page and every form still works.
//
// Progress lives in localStorage: it is this browser's business only and is
// never sent to the server, unlike a cookie (lesson 4 makes the point).
(() => {
  'use strict';
  const PROGRESS = 'cookielab.progress';

  const loadProgress = () => {
    try { return JSON.parse(localStorage.getItem(PROGRESS)) || {}; } catch { return {}; }
  };
  const markDone = (slug, n) => {
    const p = loadProgress();
    const done = new Set(p[slug] || []);
    done.add(n);
    p[slug] = [...done].sort((a, b) => a - b);
    try { localStorage.setItem(PROGRESS, JSON.stringify(p)); } catch { /* storage full or blocked */ }
  };

  // The index: "✓ 3/7" beside each lesson started.
  for (const badge of document.querySelectorAll('[data-progress-for]')) {
    const total = Number(badge.closest('[data-steps]').dataset.steps);
    const done = (loadProgress()[badge.dataset.progressFor] || []).length;
    if (done > 0) {
      badge.textContent = `✓ ${Math.min(done, total)}/${total}`;
      badge.classList.toggle('done', done >= total);
    }
  }

  const lesson = document.querySelector('article.lesson');
  if (!lesson) return;

  // {rand} in a field: the same digits for this tab's whole visit, so a
  // step can log in with the name an earlier step signed up with.
  const randInputs = document.querySelectorAll('input[data-rand]');
  if (randInputs.length > 0) {
    let digits = sessionStorage.getItem('cookielab.rand');
    if (!/^[0-9]{6}$/.test(digits || '')) {
      const n = crypto.getRandomValues(new Uint32Array(1))[0] % 1000000;
      digits = String(n).padStart(6, '0');
      sessionStorage.setItem('cookielab.rand', digits);
    }
    for (const input of randInputs) input.value = input.dataset.rand.replaceAll('{rand}', digits);
  }
  const slug = lesson.dataset.lesson;
  const steps = [...lesson.querySelectorAll('[data-step]')];
  const total = steps.length;
  if (total === 0) return;
  let current = Math.min(Math.max(Number(lesson.dataset.current) || 1, 1), total);

  const stepper = lesson.querySelector('[data-stepper]');
  const bar = stepper.querySelector('[data-progress]');
  const label = stepper.querySelector('[data-step-label]');
  stepper.hidden = false;
  document.body.classList.add('js-stepper');

  const show = (n, focus) => {
    current = Math.min(Math.max(n, 1), total);
    for (const s of steps) s.toggleAttribute('data-current', Number(s.dataset.step) === current);
    bar.value = current;
    label.textContent = label.dataset.template.replace('{n}', current).replace('{total}', total);
    const url = new URL(location.href);
    url.searchParams.set('step', current);
    url.hash = '';
    history.replaceState(history.state, '', url);
    // Switching language or theme, or dismissing the notice, keeps the place.
    for (const input of document.querySelectorAll('header.site input[name=next], .notice input[name=next]')) {
      input.value = url.pathname + url.search;
    }
    if (focus) {
      const h = steps[current - 1].querySelector('h3');
      h.tabIndex = -1;
      h.focus({ preventScroll: true });
      stepper.scrollIntoView({ block: 'start' });
    }
  };

  const move = (delta) => {
    if (delta > 0) markDone(slug, current);
    show(current + delta, true);
  };

  lesson.addEventListener('click', (e) => {
    const nav = e.target.closest('a[data-prev], a[data-next]');
    if (nav) {
      e.preventDefault();
      move(nav.hasAttribute('data-next') ? 1 : -1);
      return;
    }
    const action = e.target.closest('[data-action-button]');
    if (!action) return;
    const step = Number(action.closest('[data-step]').dataset.step);
    markDone(slug, step);
    if (action.dataset.fetch) {
      e.preventDefault();
      runFetch(action);
    } else if (action.hasAttribute('data-replay')) {
      e.preventDefault();
      replay(action);
    } else if (action.dataset.wait) {
      e.preventDefault();
      wait(action);
    }
  });

  lesson.addEventListener('submit', (e) => {
    const step = e.target.closest('[data-step]');
    if (step) markDone(slug, Number(step.dataset.step));
  });

  document.addEventListener('keydown', (e) => {
    if (e.altKey || e.ctrlKey || e.metaKey || e.shiftKey) return;
    if (e.target.closest('input, textarea, select, [contenteditable]')) return;
    if (e.key === 'ArrowRight') move(1);
    else if (e.key === 'ArrowLeft') move(-1);
  });

  // fetch: a real GET with this browser's cookies; the response text shows
  // in the step, and the panel is asked to look again.
  const runFetch = async (button) => {
    const out = button.closest('.action').querySelector('[data-result]');
    button.disabled = true;
    try {
      // data-credentials="omit": the request a brand-new browser would send.
      const credentials = button.dataset.credentials === 'omit' ? 'omit' : 'same-origin';
      const res = await fetch(button.dataset.fetch, { credentials, cache: 'no-store' });
      out.textContent = `HTTP ${res.status}\n\n${await res.text()}`;
    } catch (err) {
      out.textContent = String(err);
    } finally {
      button.disabled = false;
      document.dispatchEvent(new CustomEvent('cookielab:refresh'));
    }
  };

  // replay: write the previous session cookie (kept by the panel in
  // sessionStorage) back into the jar, as an attacker holding a copy would
  // send it, and reload. A script can write a cookie with the session
  // cookie's name only while no HttpOnly one exists: after logout, exactly
  // the case to show.
  const replay = async (button) => {
    const out = button.closest('.action').querySelector('[data-result]');
    let seen = [];
    try { seen = JSON.parse(sessionStorage.getItem('cookielab.sessionCookies')) || []; } catch { /* none */ }
    let currentCookie = '';
    try {
      const st = await (await fetch('/api/state', { credentials: 'same-origin', cache: 'no-store' })).json();
      currentCookie = st.session ? st.session.cookie : '';
    } catch { /* treat as no session */ }
    const old = seen.filter((v) => v && v !== currentCookie).pop();
    if (!old) {
      out.textContent = button.dataset.none;
      return;
    }
    document.cookie = `${button.dataset.cookieName}=${old}; path=/; samesite=lax`;
    location.assign(button.dataset.next);
  };

  // wait: count down, then reload this step.
  const wait = (link) => {
    const out = link.parentElement.querySelector('[data-countdown]');
    let left = Number(link.dataset.wait);
    link.setAttribute('aria-disabled', 'true');
    const tick = () => {
      if (left <= 0) {
        location.assign(link.href);
        return;
      }
      out.textContent = `${left}s`;
      left -= 1;
      setTimeout(tick, 1000);
    };
    tick();
  };

  show(current, false);
})();
