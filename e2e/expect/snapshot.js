// Reads what the learner is shown: the page (outside the panel) and the
// panel, through the DOM contract in wasm/README.md. Evaluated in the page;
// its value is a JSON string that expect.Page decodes.
(() => {
  const all = (root, sel) => (root ? Array.from(root.querySelectorAll(sel)) : []);
  const attr = (el, name) => (el && el.hasAttribute(name) ? el.getAttribute(name) : null);
  const squash = (s) => (s || "").replace(/\s+/g, " ").trim();
  const text = (el) => squash(el ? (el.innerText !== undefined && el.isConnected ? el.innerText : el.textContent) : "");

  const panel = document.getElementById("panel");
  const section = (name) => (panel ? panel.querySelector(`[data-panel="${name}"]`) : null);
  const cookies = (name) =>
    all(section(name), "li[data-cookie]").map((li) => ({
      name: attr(li, "data-cookie"),
      value: attr(li, "data-value") ?? "",
      httponly: attr(li, "data-httponly") ?? "",
      change: attr(li, "data-change") ?? "",
    }));
  const sess = section("session");
  const setCookie = section("set-cookie");

  // Visible text under root, without the panel's and without the lists of
  // checks (which hold the expectations' own words): every text node that
  // is rendered, joined with spaces so that neighbouring elements do not
  // run together. The selectors are lessons/step's StepShows, GreetingShows and TextSkip.
  const visible = (el) => (el.checkVisibility ? el.checkVisibility() : el.getClientRects().length > 0);
  const visibleText = (root) => {
    const parts = [];
    if (!root) return "";
    const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT, {
      acceptNode: (n) =>
        !n.parentElement || n.parentElement.closest("__TEXT_SKIP__") || !visible(n.parentElement)
          ? NodeFilter.FILTER_REJECT
          : NodeFilter.FILTER_ACCEPT,
    });
    for (let n = walker.nextNode(); n; n = walker.nextNode()) parts.push(n.nodeValue);
    return squash(parts.join(" "));
  };
  const pageText = visibleText(document.body);

  // A list of checks: a step's on the lesson page, or the one the panel
  // shows on the page a step's action led to ([data-away-step]).
  const checksOf = (list) =>
    all(list, "li[data-check]").map((li) => ({
      n: Number(attr(li, "data-check")),
      state: attr(li, "data-state") ?? "",
      mark: text(li.querySelector(".mark")),
      raw: text(li.querySelector("code.raw")),
      saw: attr(li, "data-saw") ?? "",
    }));
  const away = document.querySelector("[data-away-step]");

  const greeting = document.querySelector("header [data-user]");
  const main = document.querySelector("main") || document.body;
  return JSON.stringify({
    url: location.pathname + location.search,
    lang: document.documentElement.lang || "",
    theme: attr(document.documentElement, "data-theme") ?? "",
    title: document.title,
    heading: text(main && main.querySelector("h1")),
    text: pageText,
    hasUser: !!greeting,
    user: greeting ? attr(greeting, "data-user") : "",
    documentCookie: document.cookie,
    steps: all(document, "[data-step]").map((el) => {
      const h = el.querySelector("h1, h2, h3, h4");
      const num = h && h.querySelector(".num");
      let title = h ? h.textContent : "";
      if (num) title = title.replace(num.textContent, "");
      const action = el.querySelector("[data-action]");
      const result = el.querySelector("[data-result]");
      return {
        n: Number(attr(el, "data-step")),
        title: squash(title),
        kind: action ? attr(action, "data-action") : "",
        result: result ? squash(result.textContent) : "",
        shown: squash(all(el, "__STEP_SHOWS__").concat([document.querySelector("__GREETING_SHOWS__")].filter(Boolean)).map(visibleText).join(" ")),
        checks: checksOf(el.querySelector("[data-checks]")),
        when: text(el.querySelector("[data-checks] [data-checks-when]")),
      };
    }),
    away: away
      ? {
          lesson: attr(away, "data-away-lesson") ?? "",
          n: Number(attr(away, "data-away-step")),
          title: text(away.querySelector("h3")),
          when: text(away.querySelector("[data-checks-when]")),
          checks: checksOf(away),
        }
      : null,
    panel: {
      present: !!panel,
      ready: attr(panel, "data-ready") ?? "",
      error: attr(panel, "data-error") ?? "",
      lang: attr(panel, "data-lang") ?? "",
      text: text(panel),
      sections: all(panel, "[data-panel]").map((el) => attr(el, "data-panel")),
      jsCookies: cookies("js-cookies"),
      serverCookies: cookies("server-cookies"),
      setCookieSource: attr(setCookie, "data-source") ?? "",
      setCookie: all(setCookie, "li[data-cookie]").map((li) => ({
        name: attr(li, "data-cookie"),
        op: attr(li, "data-op") ?? "",
        source: attr(li, "data-source") ?? "",
        reason: attr(li, "data-reason") ?? "",
        text: squash(li.textContent),
        attrs: all(li, "li[data-attr]").map((a) => ({
          name: attr(a, "data-attr"),
          status: attr(a, "data-status") ?? "",
          reason: attr(a, "data-reason") ?? "",
        })),
      })),
      jar: {
        present: !!section("jar"),
        partial: attr(section("jar"), "data-partial") ?? "",
        cookies: all(section("jar"), "li[data-cookie]").map((li) => ({
          name: attr(li, "data-cookie"),
          domain: attr(li, "data-domain") ?? "",
          path: attr(li, "data-path") ?? "",
          change: attr(li, "data-change") ?? "",
          cells: Object.fromEntries(all(li, "dd[data-col]").map((dd) => [attr(dd, "data-col"), {
            source: attr(dd, "data-source") ?? "",
            value: attr(dd, "data-value") ?? "",
            change: attr(dd, "data-change") ?? "",
          }])),
        })),
        removed: all(section("jar"), "li[data-removed-cookie]").map((li) => attr(li, "data-removed-cookie")),
      },
      exchange: {
        present: !!section("exchange"),
        step: attr(section("exchange"), "data-lesson-step") ?? "",
        ran: attr(section("exchange"), "data-ran") ?? "",
        items: all(section("exchange"), "li[data-exchange]").map((li) => ({
          seq: attr(li, "data-exchange"),
          source: attr(li, "data-source") ?? "",
          method: attr(li, "data-method") ?? "",
          path: attr(li, "data-path") ?? "",
          status: attr(li, "data-status") ?? "",
          location: attr(li, "data-location") ?? "",
          sent: all(li, ".cl-ex-sent li[data-cookie]").map((c) => ({ name: attr(c, "data-cookie"), value: attr(c, "data-value") ?? "", netHTTP: attr(c, "data-net-http") ?? "" })),
          got: all(li, ".cl-ex-got li[data-cookie]").map((c) => ({ name: attr(c, "data-cookie"), op: attr(c, "data-op") ?? "" })),
          events: all(li, ".cl-ex-store li[data-event]").map((e) => ({ event: attr(e, "data-event"), reason: attr(e, "data-reason") ?? "" })),
        })),
        svg: !!(section("exchange") && section("exchange").querySelector("svg.cl-seq")),
      },
      session: {
        present: !!sess,
        state: attr(sess, "data-state") ?? "",
        id: attr(sess, "data-session-id") ?? "",
        user: attr(sess, "data-user") ?? "",
        data: all(sess, "[data-key]").map((el) => ({ key: attr(el, "data-key"), value: attr(el, "data-value") ?? "" })),
      },
      timeline: all(section("timeline"), "li[data-event]").map((li) => ({
        event: attr(li, "data-event"),
        reason: attr(li, "data-reason") ?? "",
        id: attr(li, "data-id") ?? "",
        at: attr(li.querySelector("time"), "datetime") ?? "",
      })),
    },
  });
})()
