// Cookie Lab lesson pages: one step at a time (Back/Next, arrow keys, a
// progress bar, ?step=N in the address), the actions that need a script
// (fetch, replay, wait), the learner's progress, and on the pages a step
// sends the learner to, a way back to that step. Without JavaScript the
// lesson reads as one page and every form still works.
//
// Progress lives in localStorage: it is this browser's business only and is
// never sent to the server, unlike a cookie (lesson 4 makes the point). A
// step counts as done when the panel has checked it and every check held
// (the panel's cookielab:checked event), not when Next is pressed.
(() => {
  'use strict';
  const PROGRESS = 'cookielab.progress';
  const LAST_STEP = 'cookielab.lastStep'; // sessionStorage: {slug, n, title, url} of the step on screen
  // sessionStorage: the step whose action is leaving the lesson page
  // (wasm/panel Away, KeyAway): the first page it lands on decides its
  // checks there and keeps the verdicts in it for the lesson page.
  const AWAY = 'cookielab.away';
  // sessionStorage: every step decided a page away in this tab, by
  // "slug/n", so that a step keeps its marks when a later step's action
  // takes AWAY over: going back to it shows what its page decided.
  const SEEN = 'cookielab.seen';
  const loadSeen = () => {
    try { return JSON.parse(sessionStorage.getItem(SEEN)) || {}; } catch { return {}; }
  };
  const loadAway = () => {
    try { return JSON.parse(sessionStorage.getItem(AWAY)); } catch { return null; }
  };

  const loadProgress = () => {
    try { return JSON.parse(localStorage.getItem(PROGRESS)) || {}; } catch { return {}; }
  };
  const markDone = (slug, n) => {
    const p = loadProgress();
    const done = new Set(p[slug] || []);
    if (done.has(n)) return;
    done.add(n);
    p[slug] = [...done].sort((a, b) => a - b);
    try { localStorage.setItem(PROGRESS, JSON.stringify(p)); } catch { /* storage full or blocked */ }
  };
  const doneSteps = (slug) => new Set(loadProgress()[slug] || []);

  // The index: "✓ 3/7" beside each lesson started.
  for (const badge of document.querySelectorAll('[data-progress-for]')) {
    const total = Number(badge.closest('[data-steps]').dataset.steps);
    const done = doneSteps(badge.dataset.progressFor).size;
    if (done > 0) {
      badge.textContent = `✓ ${Math.min(done, total)}/${total}`;
      badge.classList.toggle('done', done >= total);
    }
  }

  const lesson = document.querySelector('article.lesson');
  if (!lesson) {
    // A page a step sent the learner to (/login, /me, …): the panel decides
    // that step's checks here (progress is recorded here too), and the
    // page offers the way back to that step.
    document.addEventListener('cookielab:checked', (e) => {
      const d = e.detail || {};
      if (typeof d.lesson !== 'string' || !Number.isInteger(d.step) || d.step < 1) return;
      if (d.ok === true) markDone(d.lesson, d.step);
      const away = loadAway();
      if (!away || away.lesson !== d.lesson || away.step !== d.step || !Array.isArray(d.results)) return;
      away.seen = { url: d.url, ok: d.ok === true, results: d.results };
      const seen = loadSeen();
      seen[`${away.lesson}/${away.step}`] = away;
      try {
        sessionStorage.setItem(AWAY, JSON.stringify(away));
        sessionStorage.setItem(SEEN, JSON.stringify(seen));
      } catch { /* blocked */ }
      showAway(away, d);
    });
    // The step's checks where its action led: a list like the lesson's,
    // by the way back to it. It is a [data-checks] list, so no check
    // reads its words as the page's.
    const showAway = (away, d) => {
      const el = (tag, cls, text) => {
        const n = document.createElement(tag);
        if (cls) n.className = cls;
        if (text) n.textContent = text;
        return n;
      };
      const box = el('section', 'checks away-checks');
      box.dataset.checks = '';
      box.dataset.awayLesson = away.lesson;
      box.dataset.awayStep = String(away.step);
      box.setAttribute('aria-label', d.head);
      box.append(el('h3', '', d.head));
      const ul = el('ul');
      away.expect.forEach((line, i) => {
        const r = d.results[i] || {};
        const li = el('li');
        li.dataset.check = String(i);
        li.dataset.state = r.state || '';
        li.dataset.saw = r.saw || '';
        const mark = el('span', 'mark', r.mark || '');
        mark.setAttribute('aria-hidden', 'true');
        li.append(mark, ' ', el('span', 'say', (away.says || [])[i] || line), ' ', el('code', 'raw', line));
        ul.append(li);
      });
      const when = el('p', 'checks-when', d.when);
      when.dataset.checksWhen = '';
      box.append(ul, when);
      const back = document.querySelector('[data-back-to-step]');
      if (back) back.after(box);
      else (document.querySelector('main') || document.body).prepend(box);
    };
    let last = null;
    try { last = JSON.parse(sessionStorage.getItem(LAST_STEP)); } catch { /* none */ }
    const back = document.querySelector('[data-back-to-step]');
    if (back && last && typeof last.url === 'string' && last.url.startsWith('/lessons/')) {
      const a = back.querySelector('a');
      a.href = last.url;
      a.querySelector('[data-back-title]').textContent = last.title;
      back.hidden = false;
    }
    return;
  }

  // {rand} in a field: the same digits for this tab's whole visit, so a
  // step can log in with the name an earlier step signed up with, and the
  // instructions for another browser name the same one.
  const randInputs = document.querySelectorAll('input[data-rand]');
  const randTexts = document.querySelectorAll('[data-rand-text]');
  if (randInputs.length + randTexts.length > 0) {
    let digits = sessionStorage.getItem('cookielab.rand');
    if (!/^[0-9]{6}$/.test(digits || '')) {
      const n = crypto.getRandomValues(new Uint32Array(1))[0] % 1000000;
      digits = String(n).padStart(6, '0');
      sessionStorage.setItem('cookielab.rand', digits);
    }
    for (const input of randInputs) input.value = input.dataset.rand.replaceAll('{rand}', digits);
    for (const el of randTexts) el.textContent = el.dataset.randText.replaceAll('{rand}', digits);
  }
  // An address to type elsewhere (another browser) is this page's own
  // origin and a path: the pages are drawn once, before anyone's address
  // is known.
  for (const el of document.querySelectorAll('[data-here]')) el.textContent = location.origin + el.dataset.here;

  const slug = lesson.dataset.lesson;
  const steps = [...lesson.querySelectorAll('[data-step]')];

  // A lesson page loaded: an action that came back here (a post with its
  // next field, a reload) is decided here, as it always was; only
  // verdicts a page away decided are kept.
  const landed = loadAway();
  if (!landed || !landed.seen) {
    try { sessionStorage.removeItem(AWAY); } catch { /* storage blocked */ }
  }
  // A step's action that may leave the page (a link, a form): keep the
  // step, its checks and their words for the page it lands on. A press
  // step passes one page first, the one with the button to press.
  const arm = (stepEl, control) => {
    const h = stepEl.querySelector('h2');
    const away = {
      lesson: slug, step: Number(stepEl.dataset.step), title: h ? h.textContent.trim() : '',
      lang: document.documentElement.lang || '', sessionCookie: lesson.dataset.sessionCookie || '',
      expect: JSON.parse(stepEl.dataset.expect || '[]'),
      says: [...stepEl.querySelectorAll('[data-checks] li[data-check] .say')].map((el) => el.textContent),
      skip: control.hasAttribute('data-press') ? 1 : 0,
    };
    try { sessionStorage.setItem(AWAY, JSON.stringify(away)); } catch { /* blocked */ }
  };
  lesson.addEventListener('submit', (e) => {
    const stepEl = e.target.closest('[data-step]');
    if (stepEl) arm(stepEl, e.target);
  });
  const total = steps.length;
  if (total === 0) return;
  let current = Math.min(Math.max(Number(lesson.dataset.current) || 1, 1), total);

  const stepper = lesson.querySelector('[data-stepper]');
  const bar = stepper.querySelector('[data-progress]');
  const label = stepper.querySelector('[data-step-label]');
  const doneLabel = stepper.querySelector('[data-done-label]');
  stepper.hidden = false;
  document.body.classList.add('js-stepper');

  // Progress: the bar shows the steps done, each step says whether it is.
  const showProgress = () => {
    const done = doneSteps(slug);
    bar.value = done.size;
    doneLabel.textContent = doneLabel.dataset.template.replace('{n}', done.size).replace('{total}', total);
    for (const s of steps) s.toggleAttribute('data-done', done.has(Number(s.dataset.step)));
    lesson.toggleAttribute('data-finished', done.size >= total);
  };
  document.addEventListener('cookielab:checked', (e) => {
    const d = e.detail || {};
    if (d.lesson === slug && d.ok === true && Number.isInteger(d.step) && d.step >= 1 && d.step <= total) {
      markDone(slug, d.step);
      showProgress();
    }
  });

  // The six-step diagram of lesson 5 (or any drawing with [data-lc]
  // parts): the parts the current step is about are highlighted; a step
  // names them in a [data-lc-now="1 2"] element of its text.
  const lcParts = [...lesson.querySelectorAll('svg [data-lc]')];
  const highlight = (stepEl) => {
    if (lcParts.length === 0) return;
    const now = stepEl.querySelector('[data-lc-now]');
    const on = new Set(now ? now.dataset.lcNow.split(/\s+/) : []);
    for (const g of lcParts) g.classList.toggle('active', on.has(g.dataset.lc));
  };

  // The step about to be shown was decided a page away, but AWAY now
  // holds a later step (or nothing): put its verdicts back where the
  // panel reads them, before it sees the step change (data-current).
  const restoreSeen = (n) => {
    const kept = loadSeen()[`${slug}/${n}`];
    if (!kept || !kept.seen) return;
    const away = loadAway();
    if (away && away.lesson === slug && away.step === n && away.seen) return;
    try { sessionStorage.setItem(AWAY, JSON.stringify(kept)); } catch { /* blocked */ }
  };

  const show = (n, focus) => {
    current = Math.min(Math.max(n, 1), total);
    const stepEl = steps[current - 1];
    restoreSeen(current);
    for (const s of steps) s.toggleAttribute('data-current', s === stepEl);
    label.textContent = label.dataset.template.replace('{n}', current).replace('{total}', total);
    const url = new URL(location.href);
    url.searchParams.set('step', current);
    url.hash = '';
    history.replaceState(history.state, '', url);
    // Switching language or theme, the notice, the reset: all keep the place.
    for (const input of document.querySelectorAll('header.site input[name=next], .notice input[name=next], form[data-reset] input[name=next]')) {
      input.value = url.pathname + url.search;
    }
    // The way back from the panel (on a phone it is below the lesson).
    for (const a of document.querySelectorAll('[data-to-step]')) a.href = `#step-${current}`;
    const title = `${document.querySelector('article.lesson h1').textContent} · ${stepEl.querySelector('h2').textContent.trim()}`;
    try { sessionStorage.setItem(LAST_STEP, JSON.stringify({ slug, n: current, title, url: url.pathname + url.search })); } catch { /* blocked */ }
    highlight(stepEl);
    if (focus) {
      const h = stepEl.querySelector('h2');
      h.tabIndex = -1;
      h.focus({ preventScroll: true });
      stepper.scrollIntoView({ block: 'start' });
    }
  };

  lesson.addEventListener('click', (e) => {
    const nav = e.target.closest('a[data-prev], a[data-next]');
    if (nav) {
      e.preventDefault();
      show(current + (nav.hasAttribute('data-next') ? 1 : -1), true);
      return;
    }
    const action = e.target.closest('[data-action-button]');
    if (!action) return;
    if (action.tagName === 'A' && !action.dataset.wait) arm(action.closest('[data-step]'), action);
    if (action.dataset.fetch) {
      e.preventDefault();
      runFetch(action);
    } else if (action.hasAttribute('data-replay')) {
      e.preventDefault();
      replay(action);
    } else if (action.dataset.wait) {
      e.preventDefault();
      wait(action);
    } else if (action.dataset.editCookie) {
      e.preventDefault();
      editCookie(action);
    }
  });

  document.addEventListener('keydown', (e) => {
    if (e.altKey || e.ctrlKey || e.metaKey || e.shiftKey) return;
    if (e.target.closest('input, textarea, select, [contenteditable]')) return;
    if (e.key === 'ArrowRight') show(current + 1, true);
    else if (e.key === 'ArrowLeft') show(current - 1, true);
  });

  // fetch: a real GET with this browser's cookies (or, with
  // data-credentials="omit", none); the response text shows in the step,
  // and the panel is asked to look again.
  // The request carries an echo nonce (the X-Cookielab-Echo header) and
  // the refresh asks the panel to collect it: without one the server keeps
  // no echo of a GET, and the panel's exchange would have nothing of this
  // step's request to show.
  const echoNonce = () => [...crypto.getRandomValues(new Uint8Array(16))]
    .map((b) => b.toString(16).padStart(2, '0')).join('');
  const runFetch = async (button) => {
    const out = button.closest('.action').querySelector('[data-result]');
    button.disabled = true;
    const echo = echoNonce();
    try {
      const credentials = button.dataset.credentials === 'omit' ? 'omit' : 'same-origin';
      const res = await fetch(button.dataset.fetch, { credentials, cache: 'no-store', headers: { 'X-Cookielab-Echo': echo } });
      out.textContent = `HTTP ${res.status}\n\n${await res.text()}`;
    } catch (err) {
      out.textContent = String(err);
    } finally {
      button.disabled = false;
      document.dispatchEvent(new CustomEvent('cookielab:refresh', { detail: { echo } }));
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

  // edit-cookie: change the first character of a script-visible cookie's
  // value, as anyone can in the browser's console, then reload this step so
  // the server sees the edited value.
  const editCookie = (button) => {
    const out = button.closest('.action').querySelector('[data-result]');
    const name = button.dataset.editCookie;
    const pair = document.cookie.split('; ').find((p) => p.startsWith(`${name}=`));
    if (pair === undefined) {
      out.textContent = button.dataset.none;
      return;
    }
    const value = pair.slice(name.length + 1);
    const first = value[0] === 'x' ? 'y' : 'x';
    document.cookie = `${name}=${first}${value.slice(1)}; path=/; samesite=lax`;
    location.assign(button.dataset.next);
  };

  // wait: count down, then reload this step. The countdown says what it
  // counts (the page's reload), since the panel may be counting down a
  // cookie's expiry beside it.
  const wait = (link) => {
    const out = link.parentElement.querySelector('[data-countdown]');
    let left = Number(link.dataset.wait);
    link.setAttribute('aria-disabled', 'true');
    const tick = () => {
      if (left <= 0) {
        location.assign(link.href);
        return;
      }
      out.textContent = out.dataset.template.replace('{n}', left);
      left -= 1;
      setTimeout(tick, 1000);
    };
    tick();
  };

  showProgress();
  show(current, false);
})();
